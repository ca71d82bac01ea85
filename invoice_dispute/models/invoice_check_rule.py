from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.tools import SQL, float_round
from odoo.tools.sql import create_index

from .action_tools import records_action
from .constants import CHECK_CODES, SEVERITIES
from .invoice_workflow_mixin import check_range

# Reason categories of recent disputes (invoice.dispute.reason.category) and
# the checks they make stricter for the customer (rule ``dispute_history``).
HISTORY_CATEGORY_CHECKS = {
    "pricing": ("price_vs_pricelist", "price_vs_last"),
    "billing_error": ("price_vs_pricelist", "price_vs_last", "quantity_outlier"),
    "quantity": ("quantity_outlier",),
    "duplicate": ("possible_duplicate",),
    "wrong_details": ("missing_customer_reference",),
}


class CheckRun:
    """What one run of the checks over a batch of customer invoices shares:
    the invoices, their product lines, the active rules of their companies,
    the customers' recent disputes and a cache of currency rates."""

    def __init__(self, rules, moves):
        self.env = rules.env
        self.moves = moves
        self.rules = {(rule.company_id.id, rule.code): rule for rule in rules}
        self.lines = moves.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        # what the checks read of the customers and contacts, in one query
        (moves.partner_id | moves.commercial_partner_id).fetch(
            [
                "name",
                "complete_name",
                "email",
                "street",
                "city",
                "is_company",
                "vat",
                "requires_customer_reference",
                "commercial_partner_id",
            ]
        )
        self.findings = []
        self.history = {}  # move id -> {category: count}
        self._rates = {}
        self._categories = {}  # (move id, code) -> (rule, ((category, count),))
        # line id -> (price per unit of the product's unit, currency id,
        # invoice number, date) and (average quantity, count) in that unit
        self.last_prices = {}
        self.usual_quantities = {}
        self._history_loaded = False

    def rule(self, move, code):
        return self.rules.get((move.company_id.id, code))

    def moves_for(self, code):
        return self.moves.filtered(lambda move: self.rule(move, code))

    def lines_for(self, code):
        return self.lines.filtered(
            lambda line: (
                line.product_id and line.quantity > 0 and self.rule(line.move_id, code)
            )
        )

    def convert(self, amount, from_currency, to_currency, company, date):
        """``amount`` converted with Odoo's rate of the day ``date``; the rate
        of a (currency, currency, company, day) is read once per run."""
        if from_currency == to_currency:
            return amount
        key = (from_currency.id, to_currency.id, company.id, date)
        if key not in self._rates:
            self._rates[key] = self.env["res.currency"]._get_conversion_rate(
                from_currency, to_currency, company, date
            )
        return amount * self._rates[key]

    def history_categories(self, move, code):
        """The categories of the customer's recent disputes that make check
        ``code`` stricter on ``move``, with their counts: ``(rule
        dispute_history, ((category, count), ...))`` or ``(None, ())``;
        worked out once per invoice and check."""
        key = (move.id, code)
        if key not in self._categories:
            history_rule = self.rule(move, "dispute_history")
            counts = self.history.get(move.id)
            categories = tuple(
                (category, counts[category])
                for category, checks in HISTORY_CATEGORY_CHECKS.items()
                if history_rule and counts and code in checks and counts.get(category)
            )
            self._categories[key] = (history_rule if categories else None, categories)
        return self._categories[key]

    def history_for(self, move, code):
        """The categories of the customer's recent disputes that make check
        ``code`` stricter on ``move``: ``(rule dispute_history, why)`` or
        ``(None, None)``; ``why`` is the message argument saying why (see
        ``invoice.check.finding._check_message_value``)."""
        history_rule, categories = self.history_categories(move, code)
        if not history_rule:
            return None, None
        return history_rule, [
            "why",
            [list(pair) for pair in categories],
            history_rule.lookback_days,
        ]

    def add(self, rule, move, key, args, line=None, check_code=None, found=()):
        """Record a finding; its message is ``key`` and ``args`` (rendered in
        the reader's language, see ``invoice.check.finding``); its
        fingerprint is what was found (the line's product, unit, quantity,
        price and discount and ``found``, e.g. the price compared with or the
        duplicates), so that an override covers exactly that and a changed
        invoice is checked anew."""
        if line:
            found = (
                line.product_id.id,
                line.product_uom_id.id,
                line.quantity,
                line.price_unit,
                line.discount,
                move.currency_id.id,
                *found,
            )
        self.findings.append(
            {
                "move_id": move.id,
                "line_id": line.id if line else False,
                "rule_id": rule.id,
                "check_code": check_code or rule.code,
                "severity": rule.severity,
                "message_key": key,
                "message_args": args,
                "fingerprint": "|".join(
                    str(float_round(value, precision_digits=6))
                    if isinstance(value, float)
                    else str(value)
                    for value in found
                ),
            }
        )

    def judge(self, code, move, deviation):
        """Whether ``deviation`` (a percentage) makes a finding of check
        ``code``: above the rule's threshold, a finding of the rule; else,
        above the threshold made stricter by the customer's recent disputes,
        a finding of rule ``dispute_history`` saying why.

        :return: ``(rule, why)`` (``why`` None for the rule's own finding),
            or None
        """
        rule = self.rule(move, code)
        deviation = float_round(deviation, precision_digits=2)
        if deviation > rule.threshold_percent:
            return rule, None
        history_rule = self.history_categories(move, code)[0]
        if history_rule and deviation > (
            rule.threshold_percent * history_rule.threshold_percent / 100.0
        ):
            return self.history_for(move, code)
        return None

    def add_judged(self, verdict, code, move, key, args, line=None, found=()):
        """Add the finding ``judge`` returned, with message ``key`` and
        ``args`` (``found``: see ``add``)."""
        rule, why = verdict
        if why:
            args = dict(args, why=why)
        self.add(rule, move, key, args, line, check_code=code, found=found)

    @staticmethod
    def unit_price(line):
        """Message argument: the line's unit price as on the invoice, and its
        discount if any (the checks compare the price net of the
        discount)."""
        return [
            "unit_price",
            line.price_unit,
            line.move_id.currency_id.id,
            line.discount or 0.0,
        ]


class InvoiceCheckRule(models.Model):
    _name = "invoice.check.rule"
    _description = "Invoice Check Rule"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(
        CHECK_CODES,
        required=True,
        help="What the rule checks on a customer invoice before it is posted.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    severity = fields.Selection(
        SEVERITIES,
        required=True,
        default="warning",
        help="Warning: the invoice is posted and the finding shows on it. "
        "Blocking: the invoice is not posted until the finding is fixed or a "
        "dispute manager overrides it with a reason.",
    )
    threshold_percent = fields.Float(
        string="Threshold (%)",
        digits=(16, 2),
        help="Price rules: how far (in percent) a unit price may be off the "
        "reference price. Unusual quantity: how far above the customer's "
        "average quantity. Dispute history: the share of the other rules' "
        "thresholds that applies to customers with recent disputes of a "
        "matching category (50: half the threshold).",
    )
    lookback_days = fields.Integer(
        string="Lookback (days)",
        help="How many days before the invoice date the rule looks at the "
        "customer's invoices (last price, usual quantity, duplicates) or "
        "disputes (dispute history).",
    )
    description = fields.Text(compute="_compute_description")
    finding_count = fields.Integer(compute="_compute_finding_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A company has one invoice check rule per check.",
        ),
    ]

    def init(self):
        result = super().init()
        # the customers' invoice lines of a product by day: what
        # _load_line_history reads for each line checked
        create_index(
            self.env.cr,
            "account_move_line_invoice_check_idx",
            "account_move_line",
            ["partner_id", "product_id", "invoice_date"],
            where="display_type = 'product' AND parent_state = 'posted'",
        )
        return result

    @api.depends("code")
    def _compute_description(self):
        descriptions = {
            "price_vs_pricelist": self.env._(
                "Unit price off the customer's price list price by more than the "
                "threshold."
            ),
            "price_vs_last": self.env._(
                "Unit price off the last price invoiced to this customer for this "
                "product (within the lookback) by more than the threshold."
            ),
            "quantity_outlier": self.env._(
                "Quantity above the customer's average quantity of this product "
                "(within the lookback) by more than the threshold."
            ),
            "possible_duplicate": self.env._(
                "Another invoice of the customer within the lookback has the same "
                "total and the same reference or the same lines."
            ),
            "missing_customer_reference": self.env._(
                "The customer requires its reference (e.g. a purchase order number) "
                "on its invoices and the invoice has none."
            ),
            "b2c_contact_incomplete": self.env._(
                "A consumer (no company, no VAT number) without an email address or "
                "a postal address."
            ),
            "dispute_history": self.env._(
                "Customers with disputes of a matching reason category within the "
                "lookback are checked more strictly: pricing and billing errors for "
                "prices, quantity for quantities, duplicates for duplicates, wrong "
                "details for the customer reference."
            ),
        }
        for rule in self:
            rule.description = descriptions.get(rule.code, False)

    def _compute_finding_count(self):
        counts = dict(
            self.env["invoice.check.finding"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.finding_count = counts.get(rule, 0)

    @api.constrains("threshold_percent", "lookback_days")
    def _check_limits(self):
        check_range(self, ["threshold_percent", "lookback_days"])
        check_range(
            self.filtered(lambda r: r.code == "dispute_history"),
            ["threshold_percent"],
            maximum=100,
        )

    def action_view_findings(self):
        self.ensure_one()
        return records_action(
            self.env,
            "invoice_dispute.invoice_check_finding_action",
            domain=[("rule_id", "=", self.id)],
            context={},
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _get_default_rule_values(self):
        """The seven checks every company starts with: warnings, except a
        possible duplicate (nearly always a mistake), which blocks."""
        return [
            {
                "code": "price_vs_pricelist",
                "name": self.env._("Price differs from the price list"),
                "sequence": 10,
                "threshold_percent": 5.0,
            },
            {
                "code": "price_vs_last",
                "name": self.env._("Price differs from the last price"),
                "sequence": 20,
                "threshold_percent": 10.0,
                "lookback_days": 365,
            },
            {
                "code": "quantity_outlier",
                "name": self.env._("Unusual quantity"),
                "sequence": 30,
                "threshold_percent": 200.0,
                "lookback_days": 365,
            },
            {
                "code": "possible_duplicate",
                "name": self.env._("Possible duplicate"),
                "sequence": 40,
                "severity": "blocking",
                "lookback_days": 14,
            },
            {
                "code": "missing_customer_reference",
                "name": self.env._("Missing customer reference"),
                "sequence": 50,
            },
            {
                "code": "b2c_contact_incomplete",
                "name": self.env._("Consumer contact incomplete"),
                "sequence": 60,
            },
            {
                "code": "dispute_history",
                "name": self.env._("Customer's dispute history"),
                "sequence": 70,
                "threshold_percent": 50.0,
                "lookback_days": 90,
            },
        ]

    @api.model
    def _translate_shipped_names(self, langs=None, overwrite=False):
        """Give the shipped rules that still have their shipped English name
        that name in the languages ``langs`` (codes; default: the installed
        ones), from the translations of ``_get_default_rule_values``; a name
        already translated differently is kept unless ``overwrite``. Called
        when the rules are created and when a language's terms are loaded.

        :param list langs: language codes, e.g. ``["nl_NL"]``
        :param bool overwrite: replace translations that differ
        """
        installed = langs or [code for code, __ in self.env["res.lang"].get_installed()]
        langs = [lang for lang in installed if lang != "en_US"]
        if not langs:
            return
        english = {
            vals["code"]: vals["name"]
            for vals in self.with_context(lang="en_US")._get_default_rule_values()
        }
        # sudo: the shipped rules' names, whoever installs a language
        rules = self.sudo().with_context(active_test=False, lang="en_US")
        if not self:
            rules = rules.search([("code", "in", list(english))])
        names = {
            lang: {
                vals["code"]: vals["name"]
                for vals in self.with_context(lang=lang)._get_default_rule_values()
            }
            for lang in langs
        }
        for rule in rules:
            if rule.name != english.get(rule.code):
                continue
            translations = {
                lang: names[lang][rule.code]
                for lang in langs
                if overwrite or rule.with_context(lang=lang).name == rule.name
            }
            if translations:
                rule.update_field_translations("name", translations)

    @api.model
    def _check_invoices(self, moves):
        """Run the active rules of the invoices' companies over customer
        invoices checked (or posted) together.

        Every rule reads what it needs for all the invoices at once (one
        query or one search per rule, whatever the number of invoices and
        lines); prices are compared in the invoice's currency, converted with
        Odoo's rate of the invoice date. Seed 004: "automated invoice checks
        for common errors, such as wrong article numbers or prices".

        :param moves: account.move customer invoices (any state)
        :return: list of dicts ``move_id``, ``line_id``, ``rule_id``,
            ``check_code``, ``severity``, ``message_key`` and
            ``message_args`` (the message, rendered in the reader's language
            by ``invoice.check.finding``), ``fingerprint``
        """
        if not moves:
            return []
        # sudo: the company's rules apply to whoever posts the invoice
        rules = self.sudo().search([("company_id", "in", moves.company_id.ids)])
        run = CheckRun(rules, moves)
        if not rules:
            return []
        self._load_dispute_history(run)
        for code, __ in CHECK_CODES:
            if code != "dispute_history" and run.moves_for(code):
                getattr(self, f"_check_{code}")(run)
        return run.findings

    def _check_date(self, move):
        return move.invoice_date or fields.Date.context_today(self)

    def _load_dispute_history(self, run):
        """Count the customers' disputes received within the lookback of rule
        ``dispute_history`` before each invoice, by reason category (one
        query)."""
        moves = run.moves_for("dispute_history")
        if not moves:
            return
        windows = {
            move.id: (
                self._check_date(move)
                - timedelta(days=run.rule(move, "dispute_history").lookback_days),
                self._check_date(move),
            )
            for move in moves
        }
        # sudo: prevention counts every dispute of the customer, whoever posts
        self.env["invoice.dispute"].sudo().flush_model(
            ["partner_id", "company_id", "reason_id", "state", "date_received"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT d.company_id, d.partner_id, r.category, d.date_received,
                       COUNT(*)
                  FROM invoice_dispute d
                  JOIN invoice_dispute_reason r ON r.id = d.reason_id
                 WHERE d.company_id IN %(companies)s
                   AND d.partner_id IN %(partners)s
                   AND d.state != 'cancelled'
                   AND d.date_received BETWEEN %(date_from)s AND %(date_to)s
                 GROUP BY 1, 2, 3, 4
                """,
                companies=tuple(moves.company_id.ids),
                partners=tuple(moves.commercial_partner_id.ids),
                date_from=min(start for start, __ in windows.values()),
                date_to=max(end for __, end in windows.values()),
            )
        )
        disputes = defaultdict(list)
        for company_id, partner_id, category, received, count in self.env.cr.fetchall():
            disputes[company_id, partner_id].append((category, received, count))
        for move in moves:
            start, end = windows[move.id]
            counts = defaultdict(int)
            key = (move.company_id.id, move.commercial_partner_id.id)
            for category, received, count in disputes[key]:
                if start <= received <= end:
                    counts[category] += count
            run.history[move.id] = counts

    def _line_price(self, line):
        """Unit price of ``line`` net of its discount, in the invoice's
        currency."""
        return line.price_unit * (1 - (line.discount or 0.0) / 100.0)

    def _check_price_vs_pricelist(self, run):
        """Unit prices off the customer's price list price (the price list
        rule for the product, quantity and invoice date, as a sales order
        would price it), compared in the invoice's currency."""
        lines = run.lines_for("price_vs_pricelist")
        pricelists = {}
        for company in lines.company_id:
            partners = lines.filtered(
                lambda line, company=company: line.company_id == company
            ).move_id.commercial_partner_id.with_company(company)
            for partner in partners:
                pricelists[company.id, partner.id] = partner.property_product_pricelist
        all_pricelists = self.env["product.pricelist"].union(*pricelists.values())
        items = (
            self.env["product.pricelist.item"]
            .with_context(active_test=False)
            .search([("pricelist_id", "in", all_pricelists.ids)])
        )
        expected_prices, applicable = {}, {}
        items_by_pricelist = defaultdict(list)
        for item in items:
            items_by_pricelist[item.pricelist_id.id].append(item)
        for line in lines:
            move = line.move_id
            # without a price list, the product's sales price (as a sale would)
            pricelist = (
                pricelists.get((move.company_id.id, move.commercial_partner_id.id))
                or self.env["product.pricelist"]
            )
            product, date = line.product_id, self._check_date(move)
            moment = datetime.combine(date, time.min)
            uom = line.product_uom_id or product.uom_id
            quantity = uom._compute_quantity(
                line.quantity, product.uom_id, raise_if_failure=False
            )
            # the price list rule of a (price list, product, quantity, day),
            # looked up once
            item_key = (pricelist.id, product.id, quantity, date)
            if item_key not in applicable:
                applicable[item_key] = next(
                    (
                        item
                        for item in items_by_pricelist[pricelist.id]
                        if (not item.date_start or item.date_start <= moment)
                        and (not item.date_end or item.date_end >= moment)
                        and item._is_applicable_for(product, quantity)
                    ),
                    self.env["product.pricelist.item"],
                )
            rule = applicable[item_key]
            currency = pricelist.currency_id or move.company_id.currency_id
            # lines of a product priced alike share the computation
            key = (rule.id, product.id, uom.id, date, currency.id, move.company_id.id)
            if rule.base == "pricelist" or rule.min_quantity:
                key += (line.quantity,)
            if key not in expected_prices:
                expected_prices[key] = rule.with_company(
                    move.company_id
                )._compute_price(product, line.quantity, uom, date, currency=currency)
            expected = run.convert(
                expected_prices[key], currency, move.currency_id, move.company_id, date
            )
            if move.currency_id.is_zero(expected):
                continue
            price = self._line_price(line)
            deviation = abs(price - expected) * 100.0 / expected
            verdict = run.judge("price_vs_pricelist", move, deviation)
            if verdict:
                run.add_judged(
                    verdict,
                    "price_vs_pricelist",
                    move,
                    "price_vs_pricelist" if pricelist else "price_vs_sales_price",
                    {
                        "product": ["record", "product.product", product.id],
                        "price": run.unit_price(line),
                        "percent": ["percent", deviation],
                        "expected": ["amount", expected, move.currency_id.id],
                    }
                    | (
                        {"pricelist": ["record", "product.pricelist", pricelist.id]}
                        if pricelist
                        else {}
                    ),
                    line,
                    found=(move.currency_id.round(expected),),
                )

    def _load_line_history(self, run):
        """What ``price_vs_last`` and ``quantity_outlier`` compare with, in
        one query for all lines: for each line, the customer's last price of
        the product within the lookback of ``price_vs_last`` and its average
        quantity within the lookback of ``quantity_outlier``, from the
        customer's posted invoices of the same company. Lines in any unit of
        the product's unit category count, converted to the product's unit
        (as ``uom.uom._compute_quantity``/``_compute_price`` do, without
        rounding). Fills ``run.last_prices`` and ``run.usual_quantities``
        (by line id); reads through ``account_move_line_invoice_check_idx``."""
        if run._history_loaded:
            return
        run._history_loaded = True
        keys, key_of = {}, {}
        for line in run.lines_for("price_vs_last") | run.lines_for("quantity_outlier"):
            move = line.move_id
            date = self._check_date(move)
            starts = []
            for code in ("price_vs_last", "quantity_outlier"):
                rule = run.rule(move, code)
                starts.append(
                    date - timedelta(days=rule.lookback_days) if rule else None
                )
            key = (
                move.company_id.id,
                move.commercial_partner_id.id,
                line.product_id.id,
                *starts,
                date,
            )
            key_of[line.id] = keys.setdefault(key, len(keys))
        if not keys:
            return
        columns = list(zip(*keys, strict=True))
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model(["move_type", "name"])
        self.env.cr.execute(
            SQL(
                """
                WITH wanted AS (
                    SELECT * FROM unnest(
                        %(ids)s::int[], %(companies)s::int[], %(partners)s::int[],
                        %(products)s::int[], %(last_from)s::date[],
                        %(quantity_from)s::date[], %(dates_to)s::date[]
                    ) AS w(id, company_id, partner_id, product_id, last_from,
                           quantity_from, date_to)
                ), history AS (
                    SELECT w.id, w.last_from, w.quantity_from, l.invoice_date,
                           l.move_id, l.move_name, l.currency_id,
                           l.quantity / lu.factor * pu.factor AS quantity,
                           l.price_unit * (1 - COALESCE(l.discount, 0) / 100.0)
                               * lu.factor / pu.factor AS price
                      FROM wanted w
                      JOIN product_product pp ON pp.id = w.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                      JOIN uom_uom pu ON pu.id = pt.uom_id
                      JOIN account_move_line l
                        ON l.partner_id = w.partner_id
                       AND l.product_id = w.product_id
                       AND l.display_type = 'product'
                       AND l.parent_state = 'posted'
                       AND l.invoice_date
                           BETWEEN LEAST(w.last_from, w.quantity_from) AND w.date_to
                      JOIN uom_uom lu
                        ON lu.id = l.product_uom_id
                       AND lu.category_id = pu.category_id
                      JOIN account_move m ON m.id = l.move_id
                     WHERE l.company_id = w.company_id
                       AND l.quantity > 0
                       AND m.move_type = 'out_invoice'
                       AND m.id != ALL(%(batch)s)
                ), last AS (
                    SELECT DISTINCT ON (id) id, price, currency_id, move_name,
                           invoice_date
                      FROM history
                     WHERE invoice_date >= last_from
                     ORDER BY id, invoice_date DESC, move_id DESC
                ), usual AS (
                    SELECT id, AVG(quantity) AS quantity, COUNT(*) AS count
                      FROM history
                     WHERE invoice_date >= quantity_from
                     GROUP BY id
                )
                SELECT w.id, last.price, last.currency_id, last.move_name,
                       last.invoice_date, usual.quantity, usual.count
                  FROM wanted w
                  LEFT JOIN last ON last.id = w.id
                  LEFT JOIN usual ON usual.id = w.id
                """,
                ids=list(range(len(keys))),
                companies=list(columns[0]),
                partners=list(columns[1]),
                products=list(columns[2]),
                last_from=list(columns[3]),
                quantity_from=list(columns[4]),
                dates_to=list(columns[5]),
                batch=run.moves.ids,
            )
        )
        found = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for line_id, key_id in key_of.items():
            price, currency_id, name, date, quantity, count = found[key_id]
            if price is not None:
                run.last_prices[line_id] = (float(price), currency_id, name, date)
            if quantity is not None:
                run.usual_quantities[line_id] = (float(quantity), count)

    @api.model
    def _line_uom(self, line):
        """The line's unit and the product's (the unit the history is
        compared in)."""
        return line.product_uom_id or line.product_id.uom_id, line.product_id.uom_id

    def _check_price_vs_last(self, run):
        """Unit prices off the last price invoiced to the customer for the
        product within the lookback (see ``_load_line_history``), compared in
        the invoice's currency and the line's unit."""
        lines = run.lines_for("price_vs_last")
        self._load_line_history(run)
        Currency = self.env["res.currency"]
        for line in lines:
            if line.id not in run.last_prices:
                continue
            move = line.move_id
            price_then, currency_id, name, date_then = run.last_prices[line.id]
            uom, product_uom = self._line_uom(line)
            reference = run.convert(
                product_uom._compute_price(price_then, uom),
                Currency.browse(currency_id),
                move.currency_id,
                move.company_id,
                self._check_date(move),
            )
            if move.currency_id.is_zero(reference):
                continue
            price = self._line_price(line)
            deviation = abs(price - reference) * 100.0 / reference
            verdict = run.judge("price_vs_last", move, deviation)
            if not verdict:
                continue
            run.add_judged(
                verdict,
                "price_vs_last",
                move,
                "price_vs_last",
                {
                    "product": ["record", "product.product", line.product_id.id],
                    "price": run.unit_price(line),
                    "percent": ["percent", deviation],
                    "last": ["amount", reference, move.currency_id.id],
                    "date": ["date", fields.Date.to_string(date_then)],
                    "invoice": name,
                },
                line,
                found=(move.currency_id.round(reference),),
            )

    def _check_quantity_outlier(self, run):
        """Quantities above the customer's average quantity of the product
        within the lookback by more than the threshold (see
        ``_load_line_history``), compared in the product's unit."""
        lines = run.lines_for("quantity_outlier")
        self._load_line_history(run)
        for line in lines:
            average, count = run.usual_quantities.get(line.id, (0.0, 0))
            if not average:
                continue
            uom, product_uom = self._line_uom(line)
            quantity = uom._compute_quantity(
                line.quantity, product_uom, round=False, raise_if_failure=False
            )
            if quantity <= average:
                continue
            deviation = (quantity - average) * 100.0 / average
            verdict = run.judge("quantity_outlier", line.move_id, deviation)
            if not verdict:
                continue
            run.add_judged(
                verdict,
                "quantity_outlier",
                line.move_id,
                "quantity_outlier_one" if count == 1 else "quantity_outlier",
                {
                    "product": ["record", "product.product", line.product_id.id],
                    "quantity": ["quantity", line.quantity],
                    "percent": ["percent", deviation],
                    "usual": [
                        "quantity",
                        product_uom._compute_quantity(
                            average, uom, round=False, raise_if_failure=False
                        ),
                    ],
                    "count": count,
                },
                line,
            )

    @api.model
    def _line_signature(self, lines):
        """What makes two invoices' lines the same: their products, labels,
        quantities, prices and discounts, in any order."""
        return tuple(
            sorted(
                (
                    product_id or 0,
                    name or "",
                    float_round(quantity or 0.0, precision_digits=6),
                    float_round(price_unit or 0.0, precision_digits=6),
                    float_round(discount or 0.0, precision_digits=6),
                )
                for product_id, name, quantity, price_unit, discount in lines
            )
        )

    def _check_possible_duplicate(self, run):
        """Invoices of the same customer with the same total and the same
        reference or the same lines, posted within the lookback or posted
        together (one query for all invoices)."""
        moves = run.moves_for("possible_duplicate")
        candidates = {}
        rows = []
        for move in moves:
            history_rule, why = run.history_for(move, "possible_duplicate")
            days = run.rule(move, "possible_duplicate").lookback_days
            if history_rule and history_rule.threshold_percent:
                # stricter: a longer lookback (50 %: twice as long)
                days = round(days * 100.0 / history_rule.threshold_percent)
            date = self._check_date(move)
            amount = move.currency_id.round(move.amount_total)
            rows.append((move, date - timedelta(days=days), date, amount))
            candidates[move] = {
                "signature": self._line_signature(
                    (
                        line.product_id.id,
                        line.name,
                        line.quantity,
                        line.price_unit,
                        line.discount,
                    )
                    for line in move.invoice_line_ids
                    if line.display_type == "product"
                ),
                "ref": (move.ref or "").strip().lower(),
            }
        self.env["account.move"].flush_model()
        self.env["account.move.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH wanted AS (
                    SELECT * FROM unnest(
                        %(companies)s::int[], %(partners)s::int[],
                        %(currencies)s::int[], %(amounts)s::numeric[],
                        %(dates_from)s::date[], %(dates_to)s::date[]
                    ) AS w(company_id, partner_id, currency_id, amount,
                           date_from, date_to)
                )
                SELECT DISTINCT m.id, m.company_id, m.commercial_partner_id,
                       m.currency_id, m.amount_total, m.invoice_date, m.ref, m.name,
                       (SELECT jsonb_agg(jsonb_build_array(l.product_id, l.name,
                                        l.quantity, l.price_unit, l.discount))
                          FROM account_move_line l
                         WHERE l.move_id = m.id AND l.display_type = 'product')
                  FROM wanted w
                  JOIN account_move m
                    ON m.company_id = w.company_id
                   AND m.commercial_partner_id = w.partner_id
                   AND m.currency_id = w.currency_id
                   AND m.amount_total = w.amount
                   AND m.invoice_date BETWEEN w.date_from AND w.date_to
                 WHERE m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND m.id != ALL(%(batch)s)
                """,
                companies=[move.company_id.id for move, *__ in rows],
                partners=[move.commercial_partner_id.id for move, *__ in rows],
                currencies=[move.currency_id.id for move, *__ in rows],
                amounts=[amount for *__, amount in rows],
                dates_from=[start for __, start, __e, __a in rows],
                dates_to=[end for __, __s, end, __a in rows],
                batch=run.moves.ids,
            )
        )
        posted = [
            {
                "id": move_id,
                "key": (company_id, partner_id, currency_id, float(amount)),
                "date": date,
                "ref": (ref or "").strip().lower(),
                "name": name,
                "signature": self._line_signature(lines or []),
            }
            for (
                move_id,
                company_id,
                partner_id,
                currency_id,
                amount,
                date,
                ref,
                name,
                lines,
            ) in self.env.cr.fetchall()
        ]
        earlier_in_batch = []
        for move, start, end, amount in rows:
            key = (
                move.company_id.id,
                move.commercial_partner_id.id,
                move.currency_id.id,
                amount,
            )
            mine = candidates[move]
            others = [
                other
                for other in posted + earlier_in_batch
                if other["key"] == key
                and start <= other["date"] <= end
                and (
                    (mine["ref"] and other["ref"] == mine["ref"])
                    or (mine["signature"] and other["signature"] == mine["signature"])
                )
            ]
            earlier_in_batch.append(
                {
                    "id": move.id,
                    "key": key,
                    "date": end,
                    "ref": mine["ref"],
                    "name": move.display_name,
                    "signature": mine["signature"],
                }
            )
            if not others:
                continue
            args = {
                "invoices": [other["name"] for other in others],
                "amount": ["amount", amount, move.currency_id.id],
                "days": (end - start).days,
            }
            rule = run.rule(move, "possible_duplicate")
            history_rule, why = run.history_for(move, "possible_duplicate")
            found = (amount, *sorted(other["id"] for other in others))
            if min(other["date"] for other in others) >= end - timedelta(
                days=rule.lookback_days
            ):
                run.add(rule, move, "possible_duplicate", args, found=found)
            else:
                run.add(
                    history_rule,
                    move,
                    "possible_duplicate",
                    dict(args, why=why),
                    check_code="possible_duplicate",
                    found=found,
                )

    def _check_missing_customer_reference(self, run):
        """Invoices without a customer reference for customers that require
        one (or, more strictly, that disputed wrong details recently)."""
        for move in run.moves_for("missing_customer_reference"):
            if (move.ref or "").strip():
                continue
            customer = move.commercial_partner_id
            args = {"customer": ["record", "res.partner", customer.id]}
            if customer.requires_customer_reference:
                run.add(
                    run.rule(move, "missing_customer_reference"),
                    move,
                    "missing_customer_reference",
                    args,
                )
                continue
            history_rule, why = run.history_for(move, "missing_customer_reference")
            if history_rule:
                run.add(
                    history_rule,
                    move,
                    "missing_customer_reference_strict",
                    dict(args, why=why),
                    check_code="missing_customer_reference",
                )

    def _check_b2c_contact_incomplete(self, run):
        """Consumers (B2C) invoiced without an email address or a postal
        address (street and city) on the invoice's partner or the customer."""
        for move in run.moves_for("b2c_contact_incomplete"):
            customer = move.commercial_partner_id
            if customer._get_customer_type() != "b2c":
                continue
            partner = move.partner_id
            email = partner.email or customer.email
            address = (partner.street and partner.city) or (
                customer.street and customer.city
            )
            if email and address:
                continue
            if not email and not address:
                key = "b2c_no_contact"
            elif not email:
                key = "b2c_no_email"
            else:
                key = "b2c_no_address"
            run.add(
                run.rule(move, "b2c_contact_incomplete"),
                move,
                key,
                {"customer": ["record", "res.partner", customer.id]},
            )
