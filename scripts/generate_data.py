#!/usr/bin/env python3
"""Generate customers, posted invoices, payments and disputes in bulk.

For benchmarks (100,000 invoices in minutes) and for people trying the app
(``--demo``: a small, nice data set and a ``collector`` user).

    python3 scripts/generate_data.py --db NAME [--customers 5000] [--invoices 50000]
        [--overdue-ratio 0.4] [--disputed-ratio 0.05] [--plan-ratio 0.03]
        [--paid-ratio 0.35] [--partial-ratio 0.1] [--seed 1]
        [--db-host 127.0.0.1] [--db-user root] [--demo]

From Python, with an environment (a benchmark, a test)::

    generate(env, customers=20, invoices=120, seed=1) -> dict of counts

How the accounting stays consistent at speed: per product, the first invoice
is created and posted by the ORM; the other invoices of that product are
copies of it made with set-based SQL, overriding exactly the columns that
depend on the customer, the dates and the amount (see ``_MOVE_OVERRIDES`` and
``_LINE_OVERRIDES``); ``compare_with_orm`` checks a copy against an invoice
the ORM creates from the same input, column by column. Payments are real
``account.payment`` records, posted and reconciled by Odoo in batches
(``_reconcile_plan``), so residuals and payment states are Odoo's own.
"""

import argparse
import logging
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import date, timedelta

_logger = logging.getLogger("generate_data")

LANGS = ("en_US", "nl_NL", "sk_SK", "sv_SE")
COUNTRY = {"en_US": "us", "nl_NL": "nl", "sk_SK": "sk", "sv_SE": "se"}
DOMAIN = {
    "en_US": "example.com",
    "nl_NL": "example.nl",
    "sk_SK": "example.sk",
    "sv_SE": "example.se",
}
FIRST_NAMES = {
    "en_US": "James Mary Robert Patricia John Jennifer Michael Linda David Susan "
    "William Karen Richard Nancy Thomas Lisa Daniel Emily Matthew Sarah",
    "nl_NL": "Jan Sanne Pieter Anouk Daan Femke Bram Lotte Sem Eva Thijs Fleur "
    "Lars Iris Ruben Noor Joost Marieke Willem Esther",
    "sk_SK": "Ján Mária Peter Jana Martin Zuzana Tomáš Katarína Michal Lucia "
    "Lukáš Eva Jozef Veronika Marek Martina Juraj Simona Pavol Andrea",
    "sv_SE": "Erik Anna Lars Maria Karl Eva Anders Karin Johan Sara Per Emma "
    "Nils Ingrid Oskar Linnea Gustav Elin Magnus Astrid",
}
LAST_NAMES = {
    "en_US": "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson "
    "Taylor Thomas Moore Martin Jackson Thompson White Harris Clark Lewis Walker",
    "nl_NL": "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser "
    "Smit Meijer de_Boer Mulder de_Groot Bos Vos Peters Hendriks van_Leeuwen "
    "Dekker Brouwer",
    "sk_SK": "Novák Horváth Kováč Varga Tóth Nagy Baláž Szabó Molnár Lukáč "
    "Kollár Kráľ Švec Urban Polák Beňo Oravec Hudák Kučera Marko",
    "sv_SE": "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson "
    "Persson Svensson Gustafsson Pettersson Jonsson Jansson Hansson Bengtsson "
    "Lindberg Lindqvist Berg Holm Sandberg",
}
COMPANY_WORDS = {
    "en_US": "Summit Harbor Granite Pioneer Liberty Cedar Atlas Riverside "
    "Keystone Evergreen Beacon Frontier",
    "nl_NL": "Polder Molen Delta Tulp Duin Gracht Dijk Haven Klaver Eiland "
    "Brug Zuidwind",
    "sk_SK": "Tatra Dunaj Javor Sokol Hron Orava Kriváň Fatra Poprad Zamagurie "
    "Rysy Morava",
    "sv_SE": "Norrsken Fjäll Skog Älv Björk Granit Hav Vinter Sjö Ek Dal Vind",
}
COMPANY_TRADES = {
    "en_US": "Logistics|Foods|Engineering|Construction|Consulting|Supplies",
    "nl_NL": "Logistiek|Bouw|Techniek|Installaties|Advies|Groothandel",
    "sk_SK": "Logistika|Stavby|Strojárne|Technika|Poradenstvo|Obchod",
    "sv_SE": "Logistik|Bygg|Teknik|Livs|Konsult|Handel",
}
COMPANY_FORMS = {
    "en_US": ("Inc.", "LLC", "Ltd."),
    "nl_NL": ("B.V.", "B.V.", "V.O.F."),
    "sk_SK": ("s.r.o.", "a.s.", "s.r.o."),
    "sv_SE": ("AB", "AB", "HB"),
}
CITIES = {
    "en_US": ("Boston", "Denver", "Austin", "Portland", "Chicago", "Columbus"),
    "nl_NL": ("Amsterdam", "Utrecht", "Rotterdam", "Eindhoven", "Groningen", "Delft"),
    "sk_SK": ("Bratislava", "Košice", "Žilina", "Nitra", "Trnava", "Poprad"),
    "sv_SE": ("Stockholm", "Göteborg", "Malmö", "Uppsala", "Umeå", "Lund"),
}
VAT_FORMAT = {
    "en_US": "US{:09d}",
    "nl_NL": "NL{:09d}B01",
    "sk_SK": "SK{:010d}",
    "sv_SE": "SE{:010d}01",
}
PRODUCTS = (
    ("Consulting hours", 95.0),
    ("Maintenance contract", 450.0),
    ("Installation service", 780.0),
    ("Spare parts kit", 129.0),
    ("Software subscription", 59.0),
    ("Freight and handling", 35.0),
)
# Payment terms the fast path supports: one installment, no early discount.
TERM_XMLIDS = (
    "account.account_payment_term_immediate",
    "account.account_payment_term_15days",
    "account.account_payment_term_21days",
    "account.account_payment_term_30days",
    "account.account_payment_term_45days",
    "account.account_payment_term_end_following_month",
)
STATE_WEIGHTS = (
    ("new", 22),
    ("investigating", 20),
    ("proposed", 12),
    ("agreed", 10),
    ("resolved", 20),
    ("rejected", 8),
    ("cancelled", 8),
)
# (reason xmlid, customer's words, our paraphrase, channel)
STATEMENTS = (
    (
        "reason_pricing",
        (
            "You charged us {amount}, but your quote said less. We will not pay "
            "the difference."
        ),
        (
            "You expected the price of the quote; the invoice is higher than what "
            "was agreed."
        ),
        "email",
    ),
    (
        "reason_quantity",
        "We received fewer units than the invoice says.",
        (
            "You were invoiced for more units than you received and want to pay "
            "only for what arrived."
        ),
        "phone",
    ),
    (
        "reason_not_delivered",
        "Nothing has arrived yet, why should we pay?",
        (
            "The goods or the service have not reached you, so you hold the "
            "payment until they do."
        ),
        "phone",
    ),
    (
        "reason_not_ordered",
        "Nobody here ordered this. Please check your records.",
        "You do not recognise this order and ask us to show who placed it.",
        "email",
    ),
    (
        "reason_payment_terms",
        "Our contract says 60 days, your invoice says less.",
        "You agreed longer payment terms than the invoice shows.",
        "meeting",
    ),
    (
        "reason_wrong_details",
        (
            "The invoice has our old address and no purchase order number, our "
            "accounts payable team cannot book it."
        ),
        (
            "The invoice lacks details your accounts payable team needs: the "
            "current address and your order reference."
        ),
        "email",
    ),
    (
        "reason_duplicate",
        "We already paid this one, it is the same as the previous invoice.",
        "You think this invoice repeats one you already received and paid.",
        "portal",
    ),
    (
        "reason_billing_error",
        "The totals do not add up, the VAT looks wrong.",
        "The calculation on the invoice seems wrong to you, in particular the tax.",
        "chat",
    ),
    (
        "reason_quality",
        "Half of the delivery was damaged. We are not paying for broken goods.",
        (
            "Part of the delivery arrived damaged; you want to pay only for what "
            "is usable."
        ),
        "phone",
    ),
    (
        "reason_short_payment",
        "We deducted the late delivery penalty from our payment.",
        "You paid less because of a late delivery penalty you believe applies.",
        "letter",
    ),
    (
        "reason_back_billing",
        "These charges are from months ago, why do we only get them now?",
        (
            "You are surprised by charges for work done long ago and question "
            "whether they are still due."
        ),
        "email",
    ),
)
DEMO_COMPANIES = {
    "en_US": (
        "Summit Ridge Logistics Inc.",
        "Harbor Lights Foods LLC",
        "Granite Peak Engineering Ltd.",
        "Pioneer Valley Supplies Inc.",
        "Cedar & Stone Construction LLC",
        "Liberty Office Systems Inc.",
    ),
    "nl_NL": (
        "Polderzicht Logistiek B.V.",
        "De Gouden Molen Bakkerijen B.V.",
        "Van Dijk Installatietechniek B.V.",
        "Tulpenhof Groothandel B.V.",
        "Duinrand Bouw V.O.F.",
        "Grachtengordel Advies B.V.",
    ),
    "sk_SK": (
        "Tatra Logistika s.r.o.",
        "Dunajská Pekáreň s.r.o.",
        "Javor Strojárne a.s.",
        "Sokol Technika s.r.o.",
        "Oravské Stavby s.r.o.",
        "Kriváň Poradenstvo s.r.o.",
    ),
    "sv_SE": (
        "Norrsken Logistik AB",
        "Fjällbageriet i Åre AB",
        "Björkdals Teknik AB",
        "Skärgårdens Livs AB",
        "Granitbygg i Lund HB",
        "Vinterviken Konsult AB",
    ),
}
MOVE_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
}


# ----------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------
def _split(text):
    return [word.replace("_", " ") for word in text.split()]


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Generator:
    def __init__(self, env, seed=1, commit=False, batch_size=500, verbose=False):
        self.env = env(context=dict(env.context, **MOVE_CONTEXT))
        self.rng = random.Random(seed)
        self.commit_batches = commit
        self.batch_size = batch_size
        self.verbose = verbose
        self.today = date.today()
        self.company = self.env.company
        self.currency = self.company.currency_id
        self.counts = Counter()

    # -- infrastructure -------------------------------------------------
    def log(self, message, *args):
        if self.verbose:
            print(message % args, flush=True)
        else:
            _logger.info(message, *args)

    def commit(self):
        self.env.flush_all()
        if self.commit_batches:
            self.env.cr.commit()
            self.env.invalidate_all()

    def _setup(self):
        env = self.env
        for code in LANGS:
            env["res.lang"]._activate_lang(code)
        # the addon's own demo customers (its manifest's demo data, loaded
        # before these languages were active) speak their country's language
        lang_of_country = {code: lang for lang, code in COUNTRY.items()}
        lang_of_country["gb"] = "en_US"
        demo_partners = env["ir.model.data"].search(
            [("module", "=", "invoice_dispute"), ("model", "=", "res.partner")]
        )
        for partner in env["res.partner"].browse(demo_partners.mapped("res_id")):
            commercial = partner.commercial_partner_id
            lang = lang_of_country.get((commercial.country_id.code or "").lower())
            if lang:
                partner.lang = lang
        self.countries = {
            lang: env.ref(f"base.{code}") for lang, code in COUNTRY.items()
        }
        self.sale_journal = env["account.journal"].search(
            [
                *env["account.journal"]._check_company_domain(self.company),
                ("type", "=", "sale"),
            ],
            limit=1,
        )
        self.bank_journal = env["account.journal"].search(
            [
                *env["account.journal"]._check_company_domain(self.company),
                ("type", "=", "bank"),
            ],
            limit=1,
        )
        if not self.sale_journal or not self.bank_journal:
            raise RuntimeError(
                f"Company {self.company.name} has no sales or bank journal: "
                "install a chart of accounts first."
            )
        self.terms = [
            term
            for term in (env.ref(x, raise_if_not_found=False) for x in TERM_XMLIDS)
            if term and len(term.line_ids) == 1 and not term.early_discount
        ]
        if not self.terms:
            raise RuntimeError("No single-installment payment term found.")
        self.tax = self.company.account_sale_tax_id
        self.products = self._get_products()
        self.reasons = env["invoice.dispute.reason"].search([])
        self.reason_by_code = {
            xmlid: env.ref(f"invoice_dispute.{xmlid}", raise_if_not_found=False)
            for xmlid, *__ in STATEMENTS
        }
        self._due_cache = {}

    def _get_products(self):
        Product = self.env["product.product"]
        names = [name for name, __ in PRODUCTS]
        existing = Product.search([("name", "in", names)])
        by_name = {p.name: p for p in existing}
        missing = [
            {
                "name": name,
                "type": "service",
                "list_price": price,
                "taxes_id": [(6, 0, self.tax.ids)],
                "default_code": f"GEN-{index:02d}",
            }
            for index, (name, price) in enumerate(PRODUCTS, 1)
            if name not in by_name
        ]
        for product in Product.create(missing):
            by_name[product.name] = product
        return [by_name[name] for name in names]

    def _due_date(self, term, invoice_date):
        key = (term.id, invoice_date)
        if key not in self._due_cache:
            self._due_cache[key] = term.line_ids._get_due_date(invoice_date)
        return self._due_cache[key]

    # -- customers -------------------------------------------------------
    def _person_name(self, lang):
        return (
            f"{self.rng.choice(_split(FIRST_NAMES[lang]))} "
            f"{self.rng.choice(_split(LAST_NAMES[lang]))}"
        )

    def _company_name(self, lang):
        word = self.rng.choice(_split(COMPANY_WORDS[lang]))
        trade = self.rng.choice(COMPANY_TRADES[lang].split("|"))
        return f"{word} {trade} {self.rng.choice(COMPANY_FORMS[lang])}"

    @staticmethod
    def _email_local(name):
        # "Eva Kučera" -> "eva.kucera": drop the accents, keep the letters.
        ascii_name = unicodedata.normalize("NFKD", name.lower())
        ascii_name = ascii_name.encode("ascii", "ignore").decode()
        local = re.sub(r"[^a-z0-9]+", ".", ascii_name).strip(".")
        return local or "customer"

    def create_customers(self, count, collectors, names=None):
        """``count`` customers spread over the four languages; two in three
        are companies (B2B, with a VAT number), the rest persons (B2C)."""
        rng = self.rng
        vals_list, meta = [], []
        for index in range(count):
            lang = LANGS[index % len(LANGS)]
            is_company = (index // len(LANGS)) % 3 != 2
            if is_company and names and names.get(lang):
                name = names[lang].pop(0)
            elif is_company:
                name = self._company_name(lang)
            else:
                name = self._person_name(lang)
            serial = self.counts["customer_serial"] = self.counts["customer_serial"] + 1
            suffix = "" if names else str(serial)
            if is_company:
                domain_word = self._email_local(name.split()[0])
                email = f"ap@{domain_word}{suffix}.{DOMAIN[lang]}"
            else:
                email = f"{self._email_local(name)}{suffix}@{DOMAIN[lang]}"
            vals = {
                "name": name,
                "is_company": is_company,
                "lang": lang,
                "email": email,
                "country_id": self.countries[lang].id,
                "city": rng.choice(CITIES[lang]),
                "street": f"{rng.choice(_split(COMPANY_WORDS[lang]))} "
                f"{rng.randint(1, 180)}",
                "zip": f"{rng.randint(10000, 99999)}",
                "phone": f"+{rng.randint(1, 46)} {rng.randint(100, 999)} "
                f"{rng.randint(100000, 999999)}",
            }
            if is_company:
                vals["vat"] = VAT_FORMAT[lang].format(rng.randint(10**8, 10**9 - 1))
            if rng.random() < 0.3:
                vals["payment_weekday"] = str(rng.choice((0, 1, 2, 3, 4)))
            if collectors and rng.random() < 0.6:
                vals["collector_id"] = rng.choice(collectors).id
            vals_list.append(vals)
            meta.append(lang)
        partners = self.env["res.partner"]
        for chunk in _chunks(vals_list, self.batch_size):
            partners |= self.env["res.partner"].create(chunk)
        # An accounts-payable contact for about half of the companies.
        companies = partners.filtered(lambda p: p.is_company)
        with_contact = [p for p in companies if rng.random() < 0.5]
        contact_vals = []
        for partner in with_contact:
            lang = partner.lang
            person = self._person_name(lang)
            contact_vals.append(
                {
                    "parent_id": partner.id,
                    "type": "contact",
                    "name": person,
                    "function": "Accounts payable",
                    "lang": lang,
                    "email": f"{self._email_local(person)}@"
                    f"{partner.email.split('@', 1)[1]}",
                    "is_ar_contact": True,
                }
            )
        contacts = self.env["res.partner"]
        for chunk in _chunks(contact_vals, self.batch_size):
            contacts |= self.env["res.partner"].create(chunk)
        for partner, contact in zip(with_contact, contacts, strict=True):
            partner.ar_contact_id = contact
            if rng.random() < 0.5:
                partner.ar_availability = "Mornings, Tuesday to Thursday"
        self.counts["customers"] += len(partners)
        self.counts["customers_b2b"] += len(companies)
        self.counts["customers_b2c"] += len(partners) - len(companies)
        self.counts["ar_contacts"] += len(contacts)
        self.commit()
        return partners

    # -- invoices --------------------------------------------------------
    def plan_invoices(self, partners, count, overdue_ratio, paid_ratio, partial_ratio):
        """Decide, per invoice: customer, product, amount, term, dates and
        what happens to it (paid, partially paid, open, overdue)."""
        rng = self.rng
        count = max(count, 0)
        n_paid = min(round(count * paid_ratio), count)
        n_partial = min(round(count * partial_ratio), count - n_paid)
        kinds = ["paid"] * n_paid + ["partial"] * n_partial
        kinds += ["open"] * (count - len(kinds))
        rng.shuffle(kinds)
        unpaid = [i for i, kind in enumerate(kinds) if kind != "paid"]
        overdue = set(
            rng.sample(unpaid, min(round(count * overdue_ratio), len(unpaid)))
        )
        specs = []
        year_ago = self.today - timedelta(days=364)
        partner_list = list(partners)
        weights = [rng.paretovariate(1.5) for __ in partner_list]
        chosen = rng.choices(partner_list, weights=weights, k=count) if count else []
        for index, kind in enumerate(kinds):
            term = rng.choice(self.terms)
            is_overdue = index in overdue
            for __ in range(20):
                if kind == "paid" or is_overdue:
                    invoice_date = year_ago + timedelta(days=rng.randint(0, 363))
                else:
                    invoice_date = self.today - timedelta(days=rng.randint(0, 45))
                due = self._due_date(term, invoice_date)
                if kind == "paid" or is_overdue == (due < self.today):
                    break
            else:
                # No date fits this term: immediate payment fits both cases.
                term = self.terms[0]
                invoice_date = (
                    year_ago + timedelta(days=rng.randint(0, 300))
                    if is_overdue
                    else self.today
                )
                due = self._due_date(term, invoice_date)
            product_index = rng.randrange(len(self.products))
            base_price = PRODUCTS[product_index][1]
            quantity = float(rng.choice((1, 1, 1, 2, 3, 4, 5, 8, 10, 12, 20, 40)))
            price_unit = round(base_price * rng.uniform(0.8, 1.25), 2)
            pay_date = None
            if kind in ("paid", "partial"):
                latest = min(self.today, due + timedelta(days=rng.randint(0, 30)))
                pay_date = invoice_date + timedelta(
                    days=rng.randint(0, max((latest - invoice_date).days, 0))
                )
            specs.append(
                {
                    "partner": chosen[index],
                    "product_index": product_index,
                    "quantity": quantity,
                    "price_unit": price_unit,
                    "term": term,
                    "invoice_date": invoice_date,
                    "date_due": due,
                    "kind": kind,
                    "overdue": is_overdue,
                    "pay_date": pay_date,
                }
            )
        specs.sort(key=lambda spec: spec["invoice_date"])
        return specs

    def _invoice_vals(self, spec):
        product = self.products[spec["product_index"]]
        return {
            "move_type": "out_invoice",
            "partner_id": spec["partner"].id,
            "journal_id": self.sale_journal.id,
            "invoice_date": spec["invoice_date"],
            "invoice_payment_term_id": spec["term"].id,
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": product.id,
                        "quantity": spec["quantity"],
                        "price_unit": spec["price_unit"],
                        "tax_ids": [(6, 0, self.tax.ids)],
                    },
                )
            ],
        }

    def create_invoices_orm(self, specs):
        pairs = []
        for chunk in _chunks(specs, self.batch_size):
            batch = self.env["account.move"].create(
                [self._invoice_vals(s) for s in chunk]
            )
            batch.action_post()
            pairs += zip(batch.ids, chunk, strict=True)
            self.commit()
        self.counts["invoices_orm"] += len(pairs)
        return pairs

    def create_invoices(self, specs, fast=True):
        """Invoices for ``specs`` (in date order): per product, the first by
        the ORM, the rest as SQL copies of it.

        :return: list of (invoice id, spec)"""
        if not fast:
            return self.create_invoices_orm(specs)
        templates, orm_specs, sql_specs = {}, [], []
        for spec in specs:
            if self._fiscal_position(spec["partner"]):
                orm_specs.append(spec)
            elif spec["product_index"] not in templates:
                templates[spec["product_index"]] = spec
                orm_specs.append(spec)
            else:
                sql_specs.append(spec)
        pairs = self.create_invoices_orm(orm_specs)
        template_moves = {
            spec["product_index"]: self.env["account.move"].browse(move_id)
            for move_id, spec in pairs
            if spec is templates.get(spec["product_index"])
        }
        started = time.time()
        for chunk in _chunks(sql_specs, 5000):
            by_template = defaultdict(list)
            for spec in chunk:
                by_template[spec["product_index"]].append(spec)
            for product_index, group in by_template.items():
                moves = _clone_invoices(self, template_moves[product_index], group)
                pairs += zip(moves.ids, group, strict=True)
            self.counts["invoices_sql"] += len(chunk)
            self.commit()
            self.log(
                "  %s invoices copied by SQL (%.0f/s)",
                self.counts["invoices_sql"],
                self.counts["invoices_sql"] / max(time.time() - started, 1e-6),
            )
        return pairs

    def _fiscal_position(self, partner):
        cache = self.__dict__.setdefault("_fpos_cache", {})
        if partner.id not in cache:
            cache[partner.id] = (
                self.env["account.fiscal.position"]
                .with_company(self.company)
                ._get_fiscal_position(partner)
                .id
            )
        return cache[partner.id]

    # -- payments --------------------------------------------------------
    def plan_payments(self, moves_specs):
        """Group the paid and partially paid invoices into payments: paid
        invoices of a customer paid in the same month share one payment;
        a partial payment pays 20 to 80 % of one invoice. Returns the jobs
        in date order: dicts with kind, partner_id, date, move_ids, amount."""
        rng = self.rng
        groups = defaultdict(list)
        for move_id, spec in moves_specs:
            if spec["kind"] == "paid":
                month = spec["pay_date"].replace(day=1)
                groups[
                    ("paid", spec["partner"].commercial_partner_id.id, month)
                ].append((move_id, spec))
            elif spec["kind"] == "partial":
                groups[("partial", move_id)].append((move_id, spec))
        all_ids = [move_id for items in groups.values() for move_id, __ in items]
        residuals = {}
        for chunk in _chunks(all_ids, 50000):
            self.env.cr.execute(
                "SELECT id, amount_residual FROM account_move WHERE id = ANY(%s)",
                [chunk],
            )
            residuals.update(self.env.cr.fetchall())
        jobs = []
        for key, items in groups.items():
            move_ids = [move_id for move_id, __ in items]
            if key[0] == "paid":
                amount = sum(residuals[m] for m in move_ids)
                pay_date = max(spec["pay_date"] for __, spec in items)
            else:
                amount = residuals[move_ids[0]] * rng.uniform(0.2, 0.8)
                pay_date = items[0][1]["pay_date"]
            jobs.append(
                {
                    "kind": key[0],
                    "partner_id": key[1]
                    if key[0] == "paid"
                    else (items[0][1]["partner"].commercial_partner_id.id),
                    "date": pay_date,
                    "move_ids": move_ids,
                    "amount": self.currency.round(amount),
                }
            )
        jobs.sort(key=lambda job: (job["date"], job["move_ids"][0]))
        return jobs

    def pay_orm(self, job):
        """One payment through the register-payment wizard, as a user makes
        it: one grouped payment for the invoices of ``job``."""
        wizard_vals = {
            "payment_date": job["date"],
            "journal_id": self.bank_journal.id,
            "payment_method_line_id": self.method_line.id,
            "group_payment": True,
        }
        if job["kind"] == "partial":
            wizard_vals.update(amount=job["amount"], payment_difference_handling="open")
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=job["move_ids"])
            .create(wizard_vals)
        )
        return wizard._create_payments()

    def register_payments(self, moves_specs, fast=True):
        """Payments for the paid and partially paid invoices (see
        ``plan_payments``). With ``fast``, per batch and kind (paid or
        partial) the first payment is made by the wizard and the others are
        SQL copies of it (``_clone_payments``); without, all by the wizard."""
        jobs = self.plan_payments(moves_specs)
        self.method_line = self.bank_journal.inbound_payment_method_line_ids[:1]
        started = time.time()
        for chunk in _chunks(jobs, 5000 if fast else 100):
            if not fast:
                for job in chunk:
                    self.pay_orm(job)
                self.counts["payments_orm"] += len(chunk)
            else:
                for kind in ("paid", "partial"):
                    kind_jobs = [job for job in chunk if job["kind"] == kind]
                    if not kind_jobs:
                        continue
                    reference = self.pay_orm(kind_jobs[0])
                    self.counts["payments_orm"] += 1
                    if len(reference) != 1 or len(reference.move_id.line_ids) != 2:
                        raise RuntimeError(
                            f"Unexpected reference payment {reference.mapped('name')}"
                        )
                    for sub in _chunks(kind_jobs[1:], 5000):
                        _clone_payments(self, reference, sub)
                        self.counts["payments_sql"] += len(sub)
            self.counts["payments"] += len(chunk)
            self.commit()
            self.log(
                "  %s payments (%.0f/s)",
                self.counts["payments"],
                self.counts["payments"] / max(time.time() - started, 1e-6),
            )
        self.counts["invoices_paid"] += sum(
            1 for __, s in moves_specs if s["kind"] == "paid"
        )
        self.counts["invoices_partial"] += sum(
            1 for __, s in moves_specs if s["kind"] == "partial"
        )

    # -- disputes --------------------------------------------------------
    def _statement(self, reason_key, move):
        _xmlid, words, paraphrase, channel = next(
            s for s in STATEMENTS if s[0] == reason_key
        )
        amount = f"{move.amount_total:,.2f} {move.currency_id.name}"
        return (
            f"<p>{words.format(amount=amount)}</p>",
            f"<p>{paraphrase}</p>",
            channel,
        )

    def create_disputes(self, moves, count, collectors, states=None, demo=False):
        """Disputes on ``count`` open invoices, mostly one invoice each, some
        on two invoices of the same customer; states follow STATE_WEIGHTS
        (or the given list)."""
        rng = self.rng
        moves = moves.filtered(
            lambda m: m.amount_residual > 0 and m.dispute_state == "none"
        )
        pool = list(moves)
        rng.shuffle(pool)
        pool = pool[:count]
        by_partner = defaultdict(list)
        for move in pool:
            by_partner[move.commercial_partner_id.id].append(move)
        bundles = []
        for partner_moves in by_partner.values():
            while partner_moves:
                size = 2 if len(partner_moves) > 1 and rng.random() < 0.2 else 1
                bundles.append(partner_moves[:size])
                partner_moves = partner_moves[size:]
        rng.shuffle(bundles)
        if states:
            states = [states[i % len(states)] for i in range(len(bundles))]
        else:
            names, weights = zip(*STATE_WEIGHTS, strict=True)
            states = rng.choices(names, weights=weights, k=len(bundles))
            # Every state at least once when there is room for it.
            for index, state in enumerate(names[: len(bundles)]):
                states[index] = state
        reason_keys = [key for key, value in self.reason_by_code.items() if value]
        vals_list = []
        for bundle in bundles:
            first = bundle[0]
            key = rng.choice(reason_keys)
            statement, paraphrase, channel = self._statement(key, first)
            latest = max(m.invoice_date for m in bundle)
            received = latest + timedelta(
                days=rng.randint(0, max((self.today - latest).days, 0))
            )
            partner = first.commercial_partner_id
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "contact_id": (partner.ar_contact_id or partner).id,
                    "reason_id": self.reason_by_code[key].id,
                    "channel": channel,
                    "customer_statement": statement,
                    "our_understanding": paraphrase,
                    "understanding_confirmed": rng.random() < 0.6,
                    "date_received": received,
                    "user_id": rng.choice(collectors).id if collectors else False,
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "move_id": move.id,
                                "disputed_amount": move.amount_residual
                                if rng.random() < 0.5
                                else max(
                                    self.currency.round(
                                        move.amount_residual * rng.uniform(0.1, 0.9)
                                    ),
                                    0.01,
                                ),
                            },
                        )
                        for move in bundle
                    ],
                }
            )
        disputes = self.env["invoice.dispute"]
        for chunk in _chunks(vals_list, self.batch_size):
            disputes |= self.env["invoice.dispute"].create(chunk)
            self.commit()
        by_state = defaultdict(lambda: self.env["invoice.dispute"])
        for dispute, state in zip(disputes, states, strict=True):
            by_state[state] |= dispute
        if demo:
            self._set_states_by_actions(disputes, states)
        else:
            self._set_states(by_state)
        self.counts["disputes"] += len(disputes)
        for state, records in by_state.items():
            self.counts[f"disputes_{state}"] += len(records)
        self.commit()
        return disputes

    def _set_states(self, by_state):
        rng = self.rng
        for state, disputes in by_state.items():
            if state == "new" or not disputes:
                continue
            if state in ("investigating", "proposed", "agreed", "cancelled"):
                disputes._set_state(state)
                continue
            if state == "rejected":
                for dispute in disputes:
                    dispute._set_state(
                        "rejected",
                        {
                            "date_resolved": self._resolved_date(dispute),
                            "resolution_note": "<p>The invoice matches the signed "
                            "order; it stays due as agreed.</p>",
                            "root_cause": "customer_misunderstanding",
                        },
                    )
                continue
            # Resolved: a handful through the wizard with credit notes, the
            # rest by writing the outcome.
            wizard_part = disputes[:3]
            for dispute in wizard_part:
                wizard = self.env["invoice.dispute.resolve.wizard"].create(
                    {
                        "dispute_id": dispute.id,
                        "resolution_type": "credit_note",
                        "root_cause": rng.choice(("pricing_error", "data_entry_error")),
                        "preventive_action": "Check quoted prices against the "
                        "order before invoicing.",
                        "note": "<p>We credit the disputed amount.</p>",
                    }
                )
                wizard.action_confirm()
                self.counts["credit_notes"] += len(dispute.credit_note_ids)
            for dispute in disputes - wizard_part:
                dispute._set_state(
                    "resolved",
                    {
                        "resolution_type": rng.choice(("no_change", "payment_plan")),
                        "resolution_note": "<p>Explained the invoice; the customer "
                        "agreed to pay.</p>",
                        "root_cause": rng.choice(
                            ("contract_ambiguity", "customer_misunderstanding", "other")
                        ),
                        "date_resolved": self._resolved_date(dispute),
                    },
                )

    def _set_states_by_actions(self, disputes, states):
        """The demo way: each dispute walks its path with the buttons."""
        tracked = dict.fromkeys(MOVE_CONTEXT, False)
        paths = {
            "new": [],
            "investigating": ["action_start_investigation"],
            "proposed": ["action_start_investigation", "action_propose"],
            "agreed": ["action_start_investigation", "action_propose", "action_agree"],
            "resolved": ["action_start_investigation", "action_agree"],
            "rejected": ["action_start_investigation", "action_reject"],
            "cancelled": ["action_cancel"],
        }
        resolutions = ["credit_note", "due_date_extension", "no_change", "credit_note"]
        resolved = 0
        for dispute, state in zip(
            disputes.with_context(**tracked), states, strict=True
        ):
            for method in paths[state]:
                getattr(dispute, method)()
            if state != "resolved":
                continue
            kind = resolutions[resolved % len(resolutions)]
            resolved += 1
            wizard = self.env["invoice.dispute.resolve.wizard"].with_context(**tracked)
            vals = {
                "dispute_id": dispute.id,
                "resolution_type": kind,
                "root_cause": "pricing_error" if kind == "credit_note" else "other",
                "note": {
                    "credit_note": "<p>We credit the disputed amount.</p>",
                    "no_change": "<p>The quote covered this work; the invoice "
                    "stays as it is.</p>",
                    "due_date_extension": "<p>Two more weeks to pay, as agreed "
                    "on the phone.</p>",
                }[kind],
            }
            if kind == "due_date_extension":
                vals["new_date_due"] = max(
                    dispute.move_ids.mapped("invoice_date_due")
                ) + (timedelta(days=14))
            wizard.create(vals).action_confirm()
            self.counts["credit_notes"] += len(dispute.credit_note_ids)

    def _resolved_date(self, dispute):
        span = max((self.today - dispute.date_received).days, 0)
        return dispute.date_received + timedelta(days=self.rng.randint(0, span))

    # -- plans and promises ----------------------------------------------
    def create_plans_and_promises(self, moves, count, activate=False):
        """Payment plans with their schedules and pending promises to pay on
        ``count`` overdue invoices each; with ``activate``, half of the plans
        are activated (the customer gets the schedule by email)."""
        env = self.env
        if count <= 0:
            return
        rng = self.rng
        candidates = moves.filtered(
            lambda m: (
                m.amount_residual > 0
                and m.dispute_state == "none"
                and m.invoice_date_due < self.today
            )
        )
        pool = list(candidates)
        rng.shuffle(pool)
        plan_moves, promise_moves = pool[:count], pool[count : 2 * count]
        plans = env["invoice.payment.plan"].create(
            [
                {
                    "partner_id": move.commercial_partner_id.id,
                    "move_ids": [(6, 0, move.ids)],
                    "amount_total": move.amount_residual,
                    "installment_count": rng.choice((2, 3, 4, 6)),
                    "interval": rng.choice(("weekly", "biweekly", "monthly")),
                    "date_first": self.today + timedelta(days=rng.randint(3, 20)),
                }
                for move in plan_moves
            ]
        )
        plans.action_generate_schedule()
        if activate:
            plans[: len(plans) // 2].action_activate()
        promises = env["invoice.payment.promise"].create(
            [
                {
                    "partner_id": move.commercial_partner_id.id,
                    "move_ids": [(6, 0, move.ids)],
                    "amount": move.amount_residual,
                    "date_promised": self.today + timedelta(days=rng.randint(1, 14)),
                    "source": "call",
                }
                for move in promise_moves
            ]
        )
        self.counts["plans"] += len(plans)
        self.counts["promises"] += len(promises)
        self.commit()

    def create_demo_proposals(self, disputes):
        """A proposal for each proposed dispute, through the model's actions,
        in several states: sent (the portal can accept or decline it),
        accepted, declined, and waiting for a manager's approval.

        :return: the proposals sent and still open (for the portal user)
        """
        env = self.env
        today = self.today
        Proposal = env["invoice.dispute.proposal"]
        open_sent = Proposal.browse()
        proposed = disputes.filtered(lambda d: d.state == "proposed")
        for index, dispute in enumerate(proposed):
            residual = sum(dispute.move_ids.mapped("amount_residual"))
            step = index % 4
            vals = {
                "dispute_id": dispute.id,
                "partner_id": dispute.partner_id.id,
                "move_ids": [(6, 0, dispute.move_ids.ids)],
                "valid_until": today + timedelta(days=14),
            }
            if step == 3:
                # above the approval limits: waits for a dispute manager
                limit = dispute.company_id.dispute_approval_amount
                vals.update(
                    kind="discount",
                    amount=dispute.currency_id.round(
                        min(residual, max(limit * 1.5, residual * 0.2))
                    ),
                )
            elif step == 1:
                vals.update(
                    kind="discount",
                    amount=dispute.currency_id.round(residual * 0.05),
                )
            else:
                vals.update(
                    kind="due_date_extension", new_date_due=today + timedelta(days=30)
                )
            proposal = Proposal.create(vals)
            proposal.action_submit()
            if proposal.state != "approved":
                continue
            proposal.action_send()
            if step == 1:
                proposal.action_accept()
            elif step == 2:
                proposal.action_decline()
            else:
                open_sent |= proposal
        self.counts["proposals"] = self.counts.get("proposals", 0) + len(proposed)
        self.commit()
        return open_sent

    def portal_user(self, disputes, proposals=None):
        """A customer contact with portal access (portal / portal) whose company
        has open disputes, so that the customer portal can be tried. Odoo's own
        demo data already has a ``portal`` user: it becomes that contact."""
        env = self.env
        # a customer with a proposal to answer, else with an open dispute
        customer = (
            proposals[:1].partner_id if proposals else None
        ) or disputes.filtered(lambda d: d.is_open)[:1].partner_id
        if not customer:
            return
        domain = customer.email.split("@")[-1] if customer.email else "example.com"
        user = env["res.users"].search([("login", "=", "portal")], limit=1)
        if user:
            user.partner_id.write({"parent_id": customer.id, "lang": customer.lang})
            return
        contact = env["res.partner"].create(
            {
                "name": "Portal Contact",
                "parent_id": customer.id,
                "email": f"portal@{domain}",
                "lang": customer.lang,
            }
        )
        env["res.users"].with_context(no_reset_password=True).create(
            {
                "name": contact.name,
                "login": "portal",
                "password": "portal",
                "partner_id": contact.id,
                "groups_id": [(6, 0, env.ref("base.group_portal").ids)],
            }
        )

    # -- users -------------------------------------------------------------
    def collectors(self, demo=False):
        env = self.env
        group = env.ref("invoice_dispute.group_invoice_dispute_user")
        if demo:
            user = env["res.users"].search([("login", "=", "collector")], limit=1)
            if not user:
                user = (
                    env["res.users"]
                    .with_context(no_reset_password=True)
                    .create(
                        {
                            "name": "Chris Collector",
                            "login": "collector",
                            "password": "collector",
                            "email": "collector@example.com",
                            "lang": "en_US",
                            "company_id": self.company.id,
                            "company_ids": [(6, 0, self.company.ids)],
                            "groups_id": [
                                (4, group.id),
                                (4, env.ref("account.group_account_invoice").id),
                            ],
                        }
                    )
                )
                self.counts["users"] += 1
        users = group.users.filtered(lambda u: not u.share and u.active)
        return users.sorted("id") or env.user


# ----------------------------------------------------------------------
# SQL copies of an ORM-made invoice
# ----------------------------------------------------------------------
# Columns of account_move / account_move_line that depend on the customer,
# the dates, the amount or the number; every other column is copied from the
# template invoice (created and posted by the ORM). ``compare_with_orm``
# checks the result against the ORM.
_MOVE_OVERRIDES = {
    "name": "v.name",
    "sequence_prefix": "v.prefix",
    "sequence_number": "v.seq",
    "payment_reference": "v.name",
    "date": "v.invoice_date",
    "invoice_date": "v.invoice_date",
    "invoice_date_due": "v.date_due",
    "invoice_payment_term_id": "v.term_id",
    "partner_id": "v.partner_id",
    "commercial_partner_id": "v.partner_id",
    "partner_shipping_id": "v.partner_id",
    "invoice_partner_display_name": "v.partner_name",
    "amount_untaxed": "v.untaxed",
    "amount_tax": "v.tax",
    "amount_total": "v.untaxed + v.tax",
    "amount_residual": "v.untaxed + v.tax",
    "amount_untaxed_signed": "v.untaxed",
    "amount_untaxed_in_currency_signed": "v.untaxed",
    "amount_tax_signed": "v.tax",
    "amount_total_signed": "v.untaxed + v.tax",
    "amount_total_in_currency_signed": "v.untaxed + v.tax",
    "amount_residual_signed": "v.untaxed + v.tax",
    "create_date": "now() at time zone 'UTC'",
    "write_date": "now() at time zone 'UTC'",
}
# Per line kind (display_type): balance is negative for credits.
_LINE_COMMON = {
    "move_id": "v.move_id",
    "move_name": "v.name",
    "date": "v.invoice_date",
    "invoice_date": "v.invoice_date",
    "partner_id": "v.partner_id",
    "create_date": "now() at time zone 'UTC'",
    "write_date": "now() at time zone 'UTC'",
}
_LINE_OVERRIDES = {
    "product": {
        "quantity": "v.quantity",
        "price_unit": "v.price_unit",
        "price_subtotal": "v.untaxed",
        "price_total": "v.untaxed + v.tax",
        "debit": "0",
        "credit": "v.untaxed",
        "balance": "-v.untaxed",
        "amount_currency": "-v.untaxed",
        "amount_residual": "0",
        "amount_residual_currency": "0",
    },
    "tax": {
        "tax_base_amount": "v.untaxed",
        "debit": "0",
        "credit": "v.tax",
        "balance": "-v.tax",
        "amount_currency": "-v.tax",
        "amount_residual": "0",
        "amount_residual_currency": "0",
    },
    "payment_term": {
        "name": "v.name",
        "account_id": "v.receivable_id",
        "date_maturity": "v.date_due",
        "debit": "v.untaxed + v.tax",
        "credit": "0",
        "balance": "v.untaxed + v.tax",
        "amount_currency": "v.untaxed + v.tax",
        "amount_residual": "v.untaxed + v.tax",
        "amount_residual_currency": "v.untaxed + v.tax",
    },
}
_VALUE_COLUMNS = (
    # name, SQL type of the unnest() column
    ("name", "varchar"),
    ("prefix", "varchar"),
    ("seq", "int"),
    ("invoice_date", "date"),
    ("date_due", "date"),
    ("term_id", "int"),
    ("partner_id", "int"),
    ("partner_name", "varchar"),
    ("receivable_id", "int"),
    ("quantity", "numeric"),
    ("price_unit", "numeric"),
    ("untaxed", "numeric"),
    ("tax", "numeric"),
)


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s "
        "ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall() if row[0] != "id"]


def _select_list(columns, overrides):
    return ", ".join(overrides.get(col, f't."{col}"') for col in columns)


def _next_numbers(gen, template, years):
    """Name format and next free number per year, from the template's name."""
    env = gen.env
    fmt, values = template._get_sequence_format_param(template.name)
    numbers = {}
    for year in years:
        year_values = dict(values, year=year % (10 ** values.get("year_length", 4)))
        if "year_end" in values:
            year_values["year_end"] = (year + 1) % (
                10 ** values.get("year_end_length", 4)
            )
        sample = fmt.format(**dict(year_values, seq=1))
        prefix = re.match(r"^(.*?)(\d*)$", sample).group(1)
        env.cr.execute(
            "SELECT COALESCE(MAX(sequence_number), 0) FROM account_move "
            "WHERE journal_id = %s AND sequence_prefix = %s",
            [template.journal_id.id, prefix],
        )
        numbers[year] = [fmt, year_values, prefix, env.cr.fetchone()[0]]
    return numbers


def _clone_invoices(gen, template, specs):
    """Insert posted invoices like ``template`` (one product line, one tax
    line, one receivable line) for ``specs``; returns the new moves."""
    env = gen.env
    cr = env.cr
    env.flush_all()
    currency = template.currency_id
    tax = gen.tax
    numbers = _next_numbers(
        gen, template, sorted({s["invoice_date"].year for s in specs})
    )
    rows = []
    for spec in specs:
        entry = numbers[spec["invoice_date"].year]
        entry[3] += 1
        fmt, values, prefix, seq = entry
        partner = spec["partner"].commercial_partner_id
        untaxed = currency.round(spec["quantity"] * spec["price_unit"])
        tax_amount = currency.round(untaxed * tax.amount / 100.0) if tax else 0.0
        rows.append(
            (
                fmt.format(**dict(values, seq=seq)),
                prefix,
                seq,
                spec["invoice_date"],
                spec["date_due"],
                spec["term"].id,
                partner.id,
                partner.display_name,
                partner.property_account_receivable_id.id,
                spec["quantity"],
                spec["price_unit"],
                untaxed,
                tax_amount,
            )
        )
    columns = list(zip(*rows, strict=True))
    unnest = ", ".join(f"%s::{sqltype}[]" for __, sqltype in _VALUE_COLUMNS)
    alias = ", ".join(name for name, __ in _VALUE_COLUMNS)
    move_columns = _columns(cr, "account_move")
    cr.execute(
        f"""
        INSERT INTO account_move ({", ".join(f'"{c}"' for c in move_columns)})
        SELECT {_select_list(move_columns, _MOVE_OVERRIDES)}
          FROM account_move t, unnest({unnest}) AS v({alias})
         WHERE t.id = %s
     RETURNING id, name
        """,
        [list(col) for col in columns] + [template.id],
    )
    move_by_name = {name: move_id for move_id, name in cr.fetchall()}
    move_ids = [move_by_name[row[0]] for row in rows]
    line_columns = _columns(cr, "account_move_line")
    alias_lines = alias + ", move_id"
    unnest_lines = unnest + ", %s::int[]"
    params = [list(col) for col in columns] + [move_ids]
    new_lines = {}
    for template_line in template.line_ids:
        kind = template_line.display_type
        if kind not in _LINE_OVERRIDES:
            raise RuntimeError(f"Unexpected line {kind} on template {template.name}")
        overrides = dict(_LINE_COMMON, **_LINE_OVERRIDES[kind])
        cr.execute(
            f"""
            INSERT INTO account_move_line ({", ".join(f'"{c}"' for c in line_columns)})
            SELECT {_select_list(line_columns, overrides)}
              FROM account_move_line t, unnest({unnest_lines}) AS v({alias_lines})
             WHERE t.id = %s
         RETURNING id
            """,
            [*params, template_line.id],
        )
        new_lines[template_line.id] = [row[0] for row in cr.fetchall()]
    # Many2many rows of the lines (taxes, tax tags) and the followers.
    for table, column, other in (
        ("account_move_line_account_tax_rel", "account_move_line_id", "account_tax_id"),
        (
            "account_account_tag_account_move_line_rel",
            "account_move_line_id",
            "account_account_tag_id",
        ),
    ):
        for template_line_id, line_ids in new_lines.items():
            cr.execute(
                f"""
                INSERT INTO {table} ({column}, {other})
                SELECT l.id, r.{other}
                  FROM unnest(%s::int[]) AS l(id), {table} r
                 WHERE r.{column} = %s
                """,
                [line_ids, template_line_id],
            )
    _clone_followers(cr, template.id, move_ids, list(columns[6]))
    # The ORM caches the last number of each sequence for the transaction.
    env["account.move"]._get_sequence_cache().clear()
    env.invalidate_all()
    return env["account.move"].browse(move_ids)


def _clone_followers(cr, template_id, move_ids, partner_ids):
    """Followers of ``move_ids`` like those of the template move; its
    customer follower becomes each move's partner (``partner_ids``)."""
    cr.execute(
        """
        SELECT f.id, f.partner_id = m.partner_id FROM mail_followers f
          JOIN account_move m ON m.id = f.res_id
         WHERE f.res_model = 'account.move' AND f.res_id = %s
        """,
        [template_id],
    )
    for follower_id, is_customer in cr.fetchall():
        partner_expr = "v.partner_id" if is_customer else "t.partner_id"
        cr.execute(
            f"""
            WITH new AS (
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT 'account.move', v.move_id, {partner_expr}
                  FROM mail_followers t,
                       unnest(%s::int[], %s::int[]) AS v(move_id, partner_id)
                 WHERE t.id = %s
                ON CONFLICT DO NOTHING
             RETURNING id
            )
            INSERT INTO mail_followers_mail_message_subtype_rel
                   (mail_followers_id, mail_message_subtype_id)
            SELECT new.id, r.mail_message_subtype_id
              FROM new, mail_followers_mail_message_subtype_rel r
             WHERE r.mail_followers_id = %s
            """,
            [move_ids, partner_ids, follower_id, follower_id],
        )


# ----------------------------------------------------------------------
# SQL copies of an ORM-made payment
# ----------------------------------------------------------------------
# A payment made by the register-payment wizard is an account_payment row,
# its journal entry (a liquidity line on the outstanding receipts account
# and a receivable counterpart line), one account_partial_reconcile per
# invoice paid and, when the invoices are fully paid, an
# account_full_reconcile. ``_clone_payments`` copies every column of the
# reference payment except those below; ``compare_payment_with_orm`` checks
# the copies against the wizard.
_NOW = "now() at time zone 'UTC'"
_PAYMENT_VALUES = (
    ("pay_id", "int"),
    ("move_id", "int"),
    ("name", "varchar"),
    ("prefix", "varchar"),
    ("seq", "int"),
    ("date", "date"),
    ("partner_id", "int"),
    ("partner_name", "varchar"),
    ("amount", "numeric"),
    ("memo", "varchar"),
    ("label", "varchar"),
)
_PAYMENT_OVERRIDES = {
    "id": "v.pay_id",
    "move_id": "v.move_id",
    "name": "v.name",
    "partner_id": "v.partner_id",
    "amount": "v.amount",
    "amount_company_currency_signed": "v.amount",
    "date": "v.date",
    "memo": "v.memo",
    "create_date": _NOW,
    "write_date": _NOW,
}
_PAYMENT_MOVE_OVERRIDES = {
    "id": "v.move_id",
    "name": "v.name",
    "sequence_prefix": "v.prefix",
    "sequence_number": "v.seq",
    "origin_payment_id": "NULL",  # set once the payment exists
    "partner_id": "v.partner_id",
    "commercial_partner_id": "v.partner_id",
    "invoice_partner_display_name": "v.partner_name",
    "ref": "v.memo",
    "date": "v.date",
    "amount_total": "v.amount",
    "amount_total_signed": "v.amount",
    "amount_total_in_currency_signed": "v.amount",
    "create_date": _NOW,
    "write_date": _NOW,
}
_PAYMENT_LINE_COMMON = {
    "move_id": "v.move_id",
    "move_name": "v.name",
    "payment_id": "v.pay_id",
    "partner_id": "v.partner_id",
    "ref": "v.memo",
    "name": "v.label",
    "date": "v.date",
    "date_maturity": "v.date",
    "matching_number": "NULL",  # set with the reconciliation
    "full_reconcile_id": "NULL",
    "create_date": _NOW,
    "write_date": _NOW,
}
_PAYMENT_LINE_OVERRIDES = {
    "liquidity": {
        "debit": "v.amount",
        "credit": "0",
        "balance": "v.amount",
        "amount_currency": "v.amount",
        "amount_residual": "v.amount",
        "amount_residual_currency": "v.amount",
        "price_subtotal": "v.amount",
        "price_total": "v.amount",
    },
    "counterpart": {
        "debit": "0",
        "credit": "v.amount",
        "balance": "-v.amount",
        "amount_currency": "-v.amount",
        "amount_residual": "0",
        "amount_residual_currency": "0",
        "price_subtotal": "-v.amount",
        "price_total": "-v.amount",
    },
}
_PARTIAL_OVERRIDES = {
    "debit_move_id": "v.debit_id",
    "credit_move_id": "v.credit_id",
    "full_reconcile_id": "v.full_id",
    "amount": "v.amount",
    "debit_amount_currency": "v.amount",
    "credit_amount_currency": "v.amount",
    "max_date": "v.date",
    "create_date": _NOW,
    "write_date": _NOW,
}


def _reserve_ids(cr, table, count):
    cr.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, count],
    )
    return [row[0] for row in cr.fetchall()]


def _batch_memos(env, count):
    """``count`` numbers of the company's batch payment sequence, as
    ``get_next_batch_payment_communication`` gives them, in one update."""
    company = env.company
    if count <= 0:
        return []
    first = company.get_next_batch_payment_communication()
    env.flush_all()
    sequence = company.sudo().batch_payment_sequence_id
    match = re.match(r"^(.*?)(\d+)$", first)
    if count == 1 or not match or not sequence.use_date_range:
        return [first] + [
            company.get_next_batch_payment_communication() for __ in range(count - 1)
        ]
    today = date.today()
    date_range = sequence.date_range_ids.filtered(
        lambda r: r.date_from <= today <= r.date_to
    )
    env.cr.execute(
        "UPDATE ir_sequence_date_range SET number_next = number_next + %s "
        "WHERE id = %s RETURNING number_next",
        [(count - 1) * sequence.number_increment, date_range.id],
    )
    end = env.cr.fetchone()[0]
    date_range.invalidate_recordset(["number_next"])
    prefix, digits = match.groups()
    start = int(digits) + sequence.number_increment
    numbers = range(start, end, sequence.number_increment)
    return [first] + [f"{prefix}{n:0{len(digits)}d}" for n in numbers]


def _clone_payments(gen, reference, jobs):
    """Insert payments like ``reference`` (made by the wizard for a job of
    the same kind) for ``jobs``, reconciled with their invoices."""
    env = gen.env
    cr = env.cr
    env.flush_all()
    kind = jobs[0]["kind"]
    ref_move = reference.move_id
    liquidity = ref_move.line_ids.filtered(
        lambda line: line.account_id == reference.outstanding_account_id
    )
    counterpart = ref_move.line_ids - liquidity
    partial = counterpart.matched_debit_ids[:1]
    if (
        len(liquidity) != 1
        or len(counterpart) != 1
        or liquidity.balance <= 0
        or not partial
        or bool(counterpart.full_reconcile_id) != (kind == "paid")
    ):
        raise RuntimeError(f"Unexpected shape of reference payment {reference.name}")
    cr.execute(
        "SELECT payment_state, is_manually_modified FROM account_move WHERE id = %s",
        [partial.debit_move_id.move_id.id],
    )
    invoice_state, invoice_modified = cr.fetchone()
    if kind == "partial" and invoice_state != "partial":
        raise RuntimeError(f"Reference payment {reference.name} paid its invoice")
    all_move_ids = [move_id for job in jobs for move_id in job["move_ids"]]
    cr.execute(
        """
        SELECT l.move_id, l.id, l.amount_residual,
               COALESCE(NULLIF(m.payment_reference, ''), NULLIF(m.ref, ''), m.name)
          FROM account_move_line l
          JOIN account_move m ON m.id = l.move_id
          JOIN account_account a ON a.id = l.account_id
         WHERE l.move_id = ANY(%s) AND a.account_type = 'asset_receivable'
           AND NOT l.reconciled AND l.matching_number IS NULL
        """,
        [all_move_ids],
    )
    lines = {
        move_id: (line_id, residual, ref)
        for move_id, line_id, residual, ref in cr.fetchall()
    }
    if len(lines) != len(set(all_move_ids)) or len(all_move_ids) != len(
        set(all_move_ids)
    ):
        raise RuntimeError("Invoices to pay must have one open receivable line each")
    batch_memos = iter(_batch_memos(env, sum(len(j["move_ids"]) > 1 for j in jobs)))
    numbers = _next_numbers(gen, ref_move, sorted({job["date"].year for job in jobs}))
    pay_ids = _reserve_ids(cr, "account_payment", len(jobs))
    move_ids = _reserve_ids(cr, "account_move", len(jobs))
    partners = env["res.partner"].browse([job["partner_id"] for job in jobs])
    names = dict(zip(partners.ids, partners.mapped("display_name"), strict=False))
    method_name = reference.payment_method_line_id.name
    rows = []
    for job, pay_id, move_id in zip(jobs, pay_ids, move_ids, strict=True):
        entry = numbers[job["date"].year]
        entry[3] += 1
        fmt, values, prefix, seq = entry
        if len(job["move_ids"]) > 1:
            memo = next(batch_memos)
        else:
            memo = lines[job["move_ids"][0]][2]
        rows.append(
            (
                pay_id,
                move_id,
                fmt.format(**dict(values, seq=seq)),
                prefix,
                seq,
                job["date"],
                job["partner_id"],
                names[job["partner_id"]],
                job["amount"],
                memo,
                f"{method_name}: {memo}" if memo else method_name,
            )
        )
    columns = [list(col) for col in zip(*rows, strict=True)]
    unnest = ", ".join(f"%s::{sqltype}[]" for __, sqltype in _PAYMENT_VALUES)
    alias = ", ".join(name for name, __ in _PAYMENT_VALUES)

    def copy(table, template_id, overrides, returning=""):
        cols = (
            ["id", *_columns(cr, table)] if "id" in overrides else _columns(cr, table)
        )
        cr.execute(
            f"""
            INSERT INTO {table} ({", ".join(f'"{c}"' for c in cols)})
            SELECT {_select_list(cols, overrides)}
              FROM {table} t, unnest({unnest}) AS v({alias})
             WHERE t.id = %s {returning}
            """,
            [*columns, template_id],
        )
        return cr.fetchall() if returning else None

    copy("account_move", ref_move.id, _PAYMENT_MOVE_OVERRIDES)
    copy("account_payment", reference.id, _PAYMENT_OVERRIDES)
    cr.execute(
        """
        UPDATE account_move m SET origin_payment_id = v.pay_id
          FROM unnest(%s::int[], %s::int[]) AS v(move_id, pay_id)
         WHERE m.id = v.move_id
        """,
        [move_ids, pay_ids],
    )
    copy(
        "account_move_line",
        liquidity.id,
        dict(_PAYMENT_LINE_COMMON, **_PAYMENT_LINE_OVERRIDES["liquidity"]),
    )
    counter_ids = dict(
        copy(
            "account_move_line",
            counterpart.id,
            dict(_PAYMENT_LINE_COMMON, **_PAYMENT_LINE_OVERRIDES["counterpart"]),
            "RETURNING move_id, id",
        )
    )
    # One partial per invoice; a full reconcile per payment when paid.
    full_ids = (
        _reserve_ids(cr, "account_full_reconcile", len(jobs))
        if kind == "paid"
        else [None] * len(jobs)
    )
    if kind == "paid":
        cr.execute(
            f"""
            INSERT INTO account_full_reconcile
                   (id, {", ".join(c for c in _columns(cr, "account_full_reconcile"))})
            SELECT v.id, {
                _select_list(
                    _columns(cr, "account_full_reconcile"),
                    {"create_date": _NOW, "write_date": _NOW},
                )
            }
              FROM account_full_reconcile t, unnest(%s::int[]) AS v(id)
             WHERE t.id = %s
            """,
            [full_ids, counterpart.full_reconcile_id.id],
        )
    partial_rows = []
    for job, move_id, full_id in zip(jobs, move_ids, full_ids, strict=True):
        for invoice_id in job["move_ids"]:
            line_id, residual, __ = lines[invoice_id]
            amount = residual if kind == "paid" else job["amount"]
            if kind == "partial" and not 0 < amount < residual:
                raise RuntimeError(f"Partial payment of {amount} for {residual}")
            partial_rows.append(
                (line_id, counter_ids[move_id], full_id, amount, job["date"])
            )
    partial_columns = _columns(cr, "account_partial_reconcile")
    cr.execute(
        f"""
        INSERT INTO account_partial_reconcile
               ({", ".join(f'"{c}"' for c in partial_columns)})
        SELECT {_select_list(partial_columns, _PARTIAL_OVERRIDES)}
          FROM account_partial_reconcile t,
               unnest(%s::int[], %s::int[], %s::int[], %s::numeric[], %s::date[])
               AS v(debit_id, credit_id, full_id, amount, date)
         WHERE t.id = %s
     RETURNING id, debit_move_id, credit_move_id
        """,
        [*[list(col) for col in zip(*partial_rows, strict=True)], partial.id],
    )
    partial_ids = cr.fetchall()
    # The reconciled lines: residuals, matching numbers (full reconcile id,
    # or P + the partial's id), the reconciled flag.
    if kind == "paid":
        cr.execute(
            f"""
            UPDATE account_move_line l
               SET full_reconcile_id = p.full_reconcile_id,
                   matching_number = p.full_reconcile_id::text,
                   reconciled = true, amount_residual = 0,
                   amount_residual_currency = 0, write_date = {_NOW}
              FROM account_partial_reconcile p
             WHERE p.id = ANY(%s) AND l.id IN (p.debit_move_id, p.credit_move_id)
            """,
            [[row[0] for row in partial_ids]],
        )
    else:
        cr.execute(
            f"""
            UPDATE account_move_line l
               SET matching_number = 'P' || p.id,
                   amount_residual = l.amount_residual - CASE
                       WHEN l.id = p.debit_move_id THEN p.amount ELSE 0 END,
                   amount_residual_currency = l.amount_residual_currency - CASE
                       WHEN l.id = p.debit_move_id THEN p.debit_amount_currency
                       ELSE 0 END,
                   write_date = {_NOW}
              FROM account_partial_reconcile p
             WHERE p.id = ANY(%s) AND l.id IN (p.debit_move_id, p.credit_move_id)
            """,
            [[row[0] for row in partial_ids]],
        )
    cr.execute(
        f"""
        UPDATE account_move m
           SET amount_residual = l.amount_residual,
               amount_residual_signed = l.amount_residual,
               payment_state = %s, is_manually_modified = %s, write_date = {_NOW}
          FROM account_move_line l
         WHERE l.id = ANY(%s) AND m.id = l.move_id
        """,
        [invoice_state, invoice_modified, [row[1] for row in partial_ids]],
    )
    pay_by_move = dict(zip(move_ids, pay_ids, strict=True))
    cr.execute(
        """
        INSERT INTO account_move__account_payment (invoice_id, payment_id)
        SELECT unnest(%s::int[]), unnest(%s::int[])
        """,
        [
            [invoice_id for job in jobs for invoice_id in job["move_ids"]],
            [
                pay_by_move[move_id]
                for job, move_id in zip(jobs, move_ids, strict=True)
                for __ in job["move_ids"]
            ],
        ],
    )
    _clone_followers(cr, ref_move.id, move_ids, columns[6])
    env["account.move"]._get_sequence_cache().clear()
    env.invalidate_all()
    return env["account.payment"].browse(pay_ids)


# Columns allowed to differ between an SQL copy and the ORM's own invoice.
_COMPARE_SKIP = {
    "id",
    "name",
    "sequence_number",
    "payment_reference",
    "create_date",
    "write_date",
    "move_id",
    "move_name",
}


@contextmanager
def invoice_checks_paused(env):
    """Generated invoices are history, not invoices going out: the invoice
    checks (which would block look-alike generated invoices as possible
    duplicates) are paused while they are made, and active again after."""
    rules = env["invoice.check.rule"].sudo().search([])
    rules.active = False
    try:
        yield
    finally:
        rules.active = True


def _orm_twin(env, move):
    """A posted invoice made by the ORM from the same input as ``move``."""
    # The transaction's cache of sequence numbers survives rollbacks to a
    # savepoint (as comparisons do): drop it to number without a gap.
    env["account.move"]._get_sequence_cache().clear()
    line = move.invoice_line_ids
    twin = (
        env["account.move"]
        .with_context(**MOVE_CONTEXT)
        .create(
            {
                "move_type": "out_invoice",
                "partner_id": move.partner_id.id,
                "journal_id": move.journal_id.id,
                "invoice_date": move.invoice_date,
                "invoice_payment_term_id": move.invoice_payment_term_id.id,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": line.product_id.id,
                            "quantity": line.quantity,
                            "price_unit": line.price_unit,
                            "tax_ids": [(6, 0, line.tax_ids.ids)],
                        },
                    )
                ],
            }
        )
    )
    # the twin is a duplicate of ``move`` on purpose
    with invoice_checks_paused(env):
        twin.action_post()
    return twin


def _rows(cr, query, params):
    cr.execute(query, params)
    names = [d[0] for d in cr.description]
    return [dict(zip(names, row, strict=True)) for row in cr.fetchall()]


def compare_with_orm(env, move):
    """Create and post, by the ORM, an invoice with the same input as
    ``move`` and return the list of differing columns (empty: identical).
    Call it in a transaction you roll back."""
    twin = _orm_twin(env, move)
    env.flush_all()
    cr = env.cr
    diffs = []

    def rows(query, params):
        return _rows(cr, query, params)

    for table, query in (
        ("account_move", "SELECT * FROM account_move WHERE id = %s"),
        (
            "account_move_line",
            "SELECT * FROM account_move_line WHERE move_id = %s ORDER BY display_type",
        ),
    ):
        ours, theirs = rows(query, [move.id]), rows(query, [twin.id])
        if len(ours) != len(theirs):
            diffs.append(f"{table}: {len(ours)} rows, ORM {len(theirs)}")
            continue
        for mine, orm in zip(ours, theirs, strict=True):
            for column, value in mine.items():
                if column in _COMPARE_SKIP or (
                    table == "account_move_line"
                    and column == "name"
                    and mine["display_type"] == "payment_term"
                ):
                    continue
                if value != orm[column]:
                    diffs.append(
                        f"{table}.{column} ({mine.get('display_type', '')}): "
                        f"{value!r} != ORM {orm[column]!r}"
                    )
    for query in (
        (
            "SELECT array_agg(account_tax_id ORDER BY account_tax_id) FROM "
            "account_move_line_account_tax_rel r JOIN account_move_line l "
            "ON l.id = r.account_move_line_id WHERE l.move_id = %s"
        ),
        (
            "SELECT array_agg(partner_id ORDER BY partner_id) FROM mail_followers "
            "WHERE res_model = 'account.move' AND res_id = %s"
        ),
    ):
        if rows(query, [move.id]) != rows(query, [twin.id]):
            diffs.append(query.split(" FROM ")[1].split()[0])
    return diffs


def _payment_rows(cr, payment):
    """The rows a payment consists of, with the ids and the numbers that
    differ between two equal payments replaced by placeholders."""
    cr.execute(
        "SELECT invoice_id FROM account_move__account_payment "
        "WHERE payment_id = %s ORDER BY invoice_id",
        [payment.id],
    )
    invoice_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        "SELECT id FROM account_move_line WHERE move_id = ANY(%s) OR move_id = %s",
        [invoice_ids, payment.move_id.id],
    )
    line_ids = [row[0] for row in cr.fetchall()]
    tables = {
        "account_payment": _rows(
            cr, "SELECT * FROM account_payment WHERE id = %s", [payment.id]
        ),
        "account_move": _rows(
            cr,
            "SELECT * FROM account_move WHERE id = %s OR id = ANY(%s) "
            "ORDER BY id = %s DESC, id",
            [payment.move_id.id, invoice_ids, payment.move_id.id],
        ),
        "account_move_line": _rows(
            cr,
            "SELECT * FROM account_move_line WHERE id = ANY(%s) "
            "ORDER BY move_id = %s DESC, move_id, display_type, balance DESC",
            [line_ids, payment.move_id.id],
        ),
        "account_partial_reconcile": _rows(
            cr,
            "SELECT * FROM account_partial_reconcile WHERE debit_move_id = ANY(%s) "
            "OR credit_move_id = ANY(%s) ORDER BY amount DESC, debit_move_id",
            [line_ids, line_ids],
        ),
        "account_full_reconcile": _rows(
            cr,
            "SELECT * FROM account_full_reconcile WHERE id IN (SELECT "
            "full_reconcile_id FROM account_move_line WHERE id = ANY(%s))",
            [line_ids],
        ),
        "mail_followers": _rows(
            cr,
            "SELECT res_model, partner_id FROM mail_followers WHERE (res_model = "
            "'account.move' AND res_id = %s) OR (res_model = 'account.payment' "
            "AND res_id = %s) ORDER BY res_model, partner_id",
            [payment.move_id.id, payment.id],
        ),
        "mail_message": _rows(
            cr,
            "SELECT model, message_type, count(*) FROM mail_message WHERE (model = "
            "'account.move' AND res_id = ANY(%s)) OR (model = 'account.payment' "
            "AND res_id = %s) GROUP BY model, message_type ORDER BY model, "
            "message_type",
            [[payment.move_id.id, *invoice_ids], payment.id],
        ),
    }
    # Placeholders: the numbers (payment, invoices, batch memo), the ids of
    # the rows above, the matching numbers derived from them.
    words = {payment.memo: "<memo>"} if payment.memo else {}
    ids = {}
    for table in ("account_payment", "account_move", "account_move_line"):
        for index, row in enumerate(tables[table]):
            ids[(table, row["id"])] = f"<{table}#{index}>"
            if table != "account_move_line" and row["name"]:
                words[row["name"]] = f"<{table}#{index}>"
    for table in ("account_partial_reconcile", "account_full_reconcile"):
        for index, row in enumerate(tables[table]):
            ids[(table, row["id"])] = f"<{table}#{index}>"
            prefix = "P" if table == "account_partial_reconcile" else ""
            words[f"{prefix}{row['id']}"] = f"<{prefix}{table}#{index}>"
    references = {
        "id": None,
        "move_id": "account_move",
        "origin_payment_id": "account_payment",
        "payment_id": "account_payment",
        "full_reconcile_id": "account_full_reconcile",
        "debit_move_id": "account_move_line",
        "credit_move_id": "account_move_line",
    }
    for table, table_rows in tables.items():
        for row in table_rows:
            for column, value in row.items():
                if column in references and value:
                    target = references[column] or table
                    row[column] = ids.get((target, value), value)
                elif isinstance(value, str):
                    row[column] = words.get(value, value)
                    for word, placeholder in words.items():
                        if len(word) > 3 and not word.lstrip("P").isdigit():
                            row[column] = row[column].replace(word, placeholder)
    return tables


def compare_payment_with_orm(env, payment):
    """Make by the ORM twins of the invoices ``payment`` pays (see
    ``_orm_twin``), pay them with the register-payment wizard for the same
    date and amount, and return the list of differing columns of the
    payment, its journal entry, the reconciliation and the invoices (empty:
    identical). Call it in a transaction you roll back."""
    env.flush_all()
    invoices = payment.invoice_ids.sorted("id")
    twins = env["account.move"].concat(*(_orm_twin(env, inv) for inv in invoices))
    wizard_vals = {
        "payment_date": payment.date,
        "journal_id": payment.journal_id.id,
        "payment_method_line_id": payment.payment_method_line_id.id,
        "group_payment": True,
    }
    if any(inv.payment_state == "partial" for inv in invoices):
        wizard_vals.update(amount=payment.amount, payment_difference_handling="open")
    twin_payment = (
        env["account.payment.register"]
        .with_context(**MOVE_CONTEXT, active_model="account.move", active_ids=twins.ids)
        .create(wizard_vals)
        ._create_payments()
    )
    env.flush_all()
    ours = _payment_rows(env.cr, payment)
    theirs = _payment_rows(env.cr, twin_payment)
    diffs = []
    skip = {"create_date", "write_date", "sequence_number", "payment_reference"}
    for table, mine in ours.items():
        orm = theirs[table]
        if len(mine) != len(orm):
            diffs.append(f"{table}: {len(mine)} rows, ORM {len(orm)}")
            continue
        for my_row, orm_row in zip(mine, orm, strict=True):
            for column, value in my_row.items():
                if column not in skip and value != orm_row[column]:
                    diffs.append(
                        f"{table}.{column} ({my_row.get('id')}): "
                        f"{value!r} != ORM {orm_row[column]!r}"
                    )
    return diffs


# ----------------------------------------------------------------------
# Demo data
# ----------------------------------------------------------------------
def _generate_demo(gen, result):
    env = gen.env
    collectors = gen.collectors(demo=True)
    names = {lang: list(companies) for lang, companies in DEMO_COMPANIES.items()}
    partners = gen.create_customers(40, collectors, names=names)
    specs = gen.plan_invoices(partners, 300, 0.45, 0.35, 0.1)
    pairs = gen.create_invoices(specs, fast=False)
    gen.register_payments(pairs, fast=False)
    moves = env["account.move"].browse([move_id for move_id, __ in pairs])
    gen.create_plans_and_promises(moves, 6, activate=True)
    # Disputes moved through the action methods, with tracking, so that
    # their chatter tells the story; every state several times.
    states = [state for state, __ in STATE_WEIGHTS] * 4
    disputes = gen.create_disputes(moves, 30, collectors, states=states, demo=True)
    proposals = gen.create_demo_proposals(disputes)
    gen.portal_user(disputes, proposals)
    # Loading nl/sk/sv makes the administrator Dutch, and new customers and
    # users take the language of whoever creates them (or a stored default):
    # start in English, the customers keep their own languages.
    users = env.ref("base.user_admin") | env["res.users"].search(
        [("login", "=", "collector")]
    )
    default_user = env.ref("base.default_user", raise_if_not_found=False)
    users |= default_user or env["res.users"]
    users.with_context(active_test=False).write({"lang": "en_US"})
    env["ir.default"].search(
        [
            ("field_id.model", "in", ("res.partner", "res.users")),
            ("field_id.name", "=", "lang"),
        ]
    ).unlink()
    result["demo_disputes"] = len(disputes)


def enable_demo_payment(env):
    """Let the demo database's customers pay their invoices online (*Pay
    now* on the reminder page and the invoice's portal page): install Odoo's
    demo payment provider (module ``payment_demo``, no real money; not a
    dependency of the addon) when it is available, and put its provider in
    test mode, published, for the current company (a copy of it when the
    provider belongs to another company).

    Installing a module commits the transaction and reloads the registry
    (``env`` follows it): for the command line (``--demo``), not for tests.

    :param env: an Odoo environment, as superuser
    :return: the payment.provider enabled, or None when ``payment_demo`` is
        not in the addons path
    """
    Module = env["ir.module.module"]
    module = Module.search([("name", "=", "payment_demo")])
    if not module:
        Module.update_list()
        module = Module.search([("name", "=", "payment_demo")])
    if not module or module.state == "uninstallable":
        _logger.warning("payment_demo is not available: no online payment in the demo")
        return None
    if module.state != "installed":
        module.button_immediate_install()
    company = env.company
    provider = env.ref("payment.payment_provider_demo")
    if provider.company_id != company:
        provider = env["payment.provider"].search(
            [("code", "=", "demo"), ("company_id", "=", company.id)], limit=1
        ) or provider.copy({"company_id": company.id})
    provider.write({"state": "test", "is_published": True})
    return provider


# ----------------------------------------------------------------------
# Entry points
# ----------------------------------------------------------------------
def generate(
    env,
    customers=None,
    invoices=None,
    overdue_ratio=0.4,
    disputed_ratio=0.05,
    plan_ratio=0.03,
    paid_ratio=0.35,
    partial_ratio=0.1,
    seed=1,
    demo=False,
    *,
    commit=False,
    verbose=False,
    fast=True,
):
    """Create customers, posted invoices, payments and disputes; return the
    counts. ``customers``/``invoices`` default to 5000/50000, or to 0 with
    ``demo`` (the demo set comes on top). ``commit`` commits after each batch
    (command line only, never in tests)."""
    if customers is None:
        customers = 0 if demo else 5000
    if invoices is None:
        invoices = 0 if demo else 50000
    for name, ratio in (
        ("overdue_ratio", overdue_ratio),
        ("disputed_ratio", disputed_ratio),
        ("plan_ratio", plan_ratio),
        ("paid_ratio", paid_ratio),
        ("partial_ratio", partial_ratio),
    ):
        if not 0 <= ratio <= 1:
            raise ValueError(f"{name} must be between 0 and 1, got {ratio}")
    if paid_ratio + partial_ratio > 1:
        raise ValueError("paid_ratio + partial_ratio cannot exceed 1")
    if invoices and not customers:
        raise ValueError("invoices need customers: set customers > 0")
    with invoice_checks_paused(env):
        result = _generate(
            env,
            customers,
            invoices,
            (overdue_ratio, disputed_ratio, plan_ratio, paid_ratio, partial_ratio),
            seed,
            demo,
            commit=commit,
            verbose=verbose,
            fast=fast,
        )
    return result


def _generate(env, customers, invoices, ratios, seed, demo, *, commit, verbose, fast):
    overdue_ratio, disputed_ratio, plan_ratio, paid_ratio, partial_ratio = ratios
    started = time.time()
    gen = _Generator(env, seed=seed, commit=commit, verbose=verbose)
    gen._setup()
    result = {}
    if demo:
        _generate_demo(gen, result)
    if customers:
        step = time.time()
        collectors = gen.collectors()
        partners = gen.create_customers(customers, collectors)
        gen.log("%s customers in %.1fs", len(partners), time.time() - step)
        if invoices:
            step = time.time()
            specs = gen.plan_invoices(
                partners, invoices, overdue_ratio, paid_ratio, partial_ratio
            )
            pairs = gen.create_invoices(specs, fast=fast)
            elapsed = time.time() - step
            result["invoice_seconds"] = round(elapsed, 1)
            result["invoices_per_second"] = round(len(pairs) / max(elapsed, 1e-6), 1)
            gen.log("%s invoices in %.1fs", len(pairs), elapsed)
            step = time.time()
            gen.register_payments(pairs, fast=fast)
            result["payment_seconds"] = round(time.time() - step, 1)
            gen.log("%s payments in %.1fs", gen.counts["payments"], time.time() - step)
            moves = env["account.move"].browse(
                [move_id for move_id, spec in pairs if spec["kind"] != "paid"]
            )
            step = time.time()
            gen.create_disputes(moves, round(invoices * disputed_ratio), collectors)
            gen.log("%s disputes in %.1fs", gen.counts["disputes"], time.time() - step)
            gen.create_plans_and_promises(moves, round(invoices * plan_ratio))
    gen.counts.pop("customer_serial", None)
    result.update(gen.counts)
    result["invoices"] = result.get("invoices_orm", 0) + result.get("invoices_sql", 0)
    result["overdue"] = env["account.move"].search_count(
        [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("amount_residual", ">", 0),
            ("invoice_date_due", "<", gen.today),
        ]
    )
    result["seconds"] = round(time.time() - started, 1)
    return dict(sorted(result.items()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--customers", type=int)
    parser.add_argument("--invoices", type=int)
    parser.add_argument("--overdue-ratio", type=float, default=0.4)
    parser.add_argument("--disputed-ratio", type=float, default=0.05)
    parser.add_argument("--plan-ratio", type=float, default=0.03)
    parser.add_argument("--paid-ratio", type=float, default=0.35)
    parser.add_argument("--partial-ratio", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-port", default=None)
    parser.add_argument("--db-user", default="root")
    parser.add_argument("--db-password", default=None)
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument(
        "--smtp-port",
        type=int,
        help="send the mail the data creates to an SMTP server on 127.0.0.1 "
        "(scripts/demo.sh's catcher)",
    )
    parser.add_argument(
        "--orm", action="store_true", help="create every invoice through the ORM"
    )
    args = parser.parse_args(argv)

    import odoo

    options = [f"--db_host={args.db_host}", f"--db_user={args.db_user}"]
    if args.db_port:
        options.append(f"--db_port={args.db_port}")
    if args.db_password:
        options.append(f"--db_password={args.db_password}")
    if args.addons_path:
        options.append(f"--addons-path={args.addons_path}")
    if args.smtp_port:
        options += ["--smtp=127.0.0.1", f"--smtp-port={args.smtp_port}"]
    odoo.tools.config.parse_config(options)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if (
            env["ir.module.module"].search_count(
                [("name", "=", "invoice_dispute"), ("state", "=", "installed")]
            )
            != 1
        ):
            print(f"invoice_dispute is not installed in {args.db}", file=sys.stderr)
            return 2
        if args.demo:
            # first: installing payment_demo commits and reloads the registry
            enable_demo_payment(env)
        result = generate(
            env,
            customers=args.customers,
            invoices=args.invoices,
            overdue_ratio=args.overdue_ratio,
            disputed_ratio=args.disputed_ratio,
            plan_ratio=args.plan_ratio,
            paid_ratio=args.paid_ratio,
            partial_ratio=args.partial_ratio,
            seed=args.seed,
            demo=args.demo,
            commit=True,
            verbose=True,
            fast=not args.orm,
        )
        cr.commit()
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
