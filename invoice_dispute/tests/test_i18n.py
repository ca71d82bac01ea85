import html
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import polib
from lxml import html as lxml_html

from odoo import Command, fields
from odoo.modules import get_module_path
from odoo.tests import tagged

from .common import InvoiceDisputeCommon

# For each shipped language: words that its rendering of the written summary
# must contain (subject, body), and the .po file it is loaded from.
LANGUAGES = {
    "nl_NL": {"subject": "samenvatting", "body": ["Bedankt", "Wij onderzoeken"]},
    "sk_SK": {"subject": "zhrnutie", "body": ["ďakujeme", "preveríme"]},
    "sv_SE": {"subject": "sammanfattning", "body": ["Tack för", "Vi utreder"]},
}
ENGLISH_SENTENCES = [
    "Thank you for sharing your concerns with us",
    "If anything in this summary does not match your understanding",
    "We investigate your concern",
]
# A translation identical to its msgid is stored as an empty msgstr (as
# oca-checks-po requires) marked with this translator comment.
SAME_AS_SOURCE = "same as source"
PLACEHOLDER = re.compile(
    r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\bt-[\w-]+=\"[^\"]*\"|<[^>]+>"
)
# the words an inline expression shows ({{ 'second reminder' if ... else
# 'reminder' }}) are translated; the code around them stays the same
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def placeholders(text):
    """The placeholders of ``text``, the string literals inside its inline
    expressions blanked."""
    return Counter(
        QUOTED.sub("''", found) if found.startswith("{{") else found
        for found in PLACEHOLDER.findall(text)
    )


@tagged("post_install", "-at_install")
class TestI18n(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGUAGES:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["invoice_dispute"], list(LANGUAGES), overwrite=True
        )
        # Half of invoice_1 disputed: the summary also shows the undisputed part.
        cls.dispute = cls.create_dispute(
            amounts=[cls.invoice_1.amount_residual / 2],
            contact_id=cls.customer_contact.id,
            resolution_note="<p>A credit note for the difference.</p>",
        )
        cls.dispute.action_start_investigation()
        # A record for each model the module's mail templates are written for.
        today = fields.Date.today()
        cls.proposal = cls.env["invoice.dispute.proposal"].create(
            {
                "partner_id": cls.customer.id,
                "dispute_id": cls.dispute.id,
                "move_ids": [Command.set(cls.invoice_1.ids)],
                "kind": "discount",
                "amount": 50.0,
                "valid_until": today + timedelta(days=14),
            }
        )
        cls.plan = cls.env["invoice.payment.plan"].create(
            {
                "partner_id": cls.customer.id,
                "move_ids": [Command.set(cls.invoice_2.ids)],
                "installment_count": 3,
                "interval": "monthly",
                "date_first": today + timedelta(days=30),
            }
        )
        cls.plan.action_generate_schedule()
        cls.call_sheet = cls.env["invoice.call.sheet"].create(
            {"partner_id": cls.customer.id, "contact_id": cls.customer_contact.id}
        )
        cls.notice = cls.env["invoice.reminder.notice"].create(
            {
                "partner_id": cls.customer.id,
                "recipient_id": cls.customer_contact.id,
                "company_id": cls.env.company.id,
                "currency_id": cls.invoice_1.currency_id.id,
                "level": 2,
                "move_ids": [Command.set(cls.invoice_1.ids)],
                "amount_open": cls.invoice_1.amount_residual,
                "amount_due": cls.invoice_1.amount_residual,
                "amount_net": cls.invoice_1.amount_residual,
                "plan_line_id": cls.plan.line_ids[:1].id,
            }
        )

    def test_summary_email_in_each_language(self):
        for code, words in LANGUAGES.items():
            with self.subTest(lang=code):
                self.customer_contact.lang = code
                self.dispute.action_send_summary()
                message = self.dispute.message_ids[0]
                self.assertIn(self.customer_contact, message.partner_ids)
                self.assertIn(words["subject"], message.subject.lower())
                self.assertNotIn("summary of our agreement", message.subject)
                body = html.unescape(str(message.body))
                for word in words["body"]:
                    self.assertIn(word, body)
                for sentence in ENGLISH_SENTENCES:
                    self.assertNotIn(sentence, body)
                self.assertIn(self.invoice_1.name, body)

    def test_reason_names_translated(self):
        reason = self.env.ref("invoice_dispute.reason_pricing")
        english = reason.with_context(lang="en_US").name
        for code in LANGUAGES:
            with self.subTest(lang=code):
                translated = reason.with_context(lang=code).name
                self.assertTrue(translated)
                self.assertNotEqual(translated, english)

    def _template_record(self, model):
        """The fixture to render a template of ``model`` on. A template of a
        model without a fixture fails the test: add one in setUpClass."""
        return {
            "invoice.dispute": self.dispute,
            "invoice.dispute.proposal": self.proposal,
            "invoice.payment.plan": self.plan,
            "invoice.payment.plan.line": self.plan.line_ids[:1],
            "invoice.call.sheet": self.call_sheet,
            "invoice.reminder.notice": self.notice,
            "account.move": self.invoice_1,
            "res.partner": self.customer_contact,
            "res.company": self.env.company,
        }.get(model)

    @staticmethod
    def _english_fragments(source):
        """The sentences of a template's English source: text nodes with at
        least three words, outside the sample values of t-out/t-esc."""
        if not source:
            return []
        root = lxml_html.fragment_fromstring(str(source), create_parent="div")
        fragments = []
        for node in root.iter():
            if not isinstance(node.tag, str):
                continue
            texts = [node.tail]
            if not any(attr in node.attrib for attr in ("t-out", "t-esc", "t-field")):
                texts.append(node.text)
            for text in texts:
                text = " ".join((text or "").split()).strip(" ,.:;()")
                if len(text.split()) >= 3:
                    fragments.append(text)
        return fragments

    def test_all_mail_templates_translated(self):
        """Every mail template of the module renders in each shipped language
        with its subject and body translated (templates added later included)."""
        templates = self.env["mail.template"].search(
            [("id", "in", self._module_records("mail.template"))]
        )
        self.assertIn(
            self.env.ref("invoice_dispute.mail_template_dispute_summary"), templates
        )
        rendered = 0
        unchecked = []
        for template in templates:
            record = self._template_record(template.model)
            if not record:
                unchecked.append(
                    f"{template.get_external_id()[template.id]} ({template.model})"
                )
                continue
            english = {
                field: template._render_field(field, record.ids, set_lang="en_US")[
                    record.id
                ]
                for field in ("subject", "body_html")
            }
            fragments = [
                fragment
                for fragment in self._english_fragments(
                    template.with_context(lang="en_US").body_html
                )
                if fragment in html.unescape(str(english["body_html"]))
            ]
            for code in LANGUAGES:
                with self.subTest(template=template.name, lang=code):
                    for field in ("subject", "body_html"):
                        if not template[field]:
                            continue
                        text = template._render_field(field, record.ids, set_lang=code)[
                            record.id
                        ]
                        self.assertTrue(text)
                        self.assertNotEqual(
                            str(text), str(english[field]), f"{field} not translated"
                        )
                    body = html.unescape(
                        str(
                            template._render_field(
                                "body_html", record.ids, set_lang=code
                            )[record.id]
                        )
                    )
                    for fragment in fragments:
                        self.assertNotIn(fragment, body)
            rendered += 1
        self.assertEqual(
            unchecked, [], "mail templates without a record to render them on"
        )
        self.assertEqual(rendered, len(templates))

    def test_reminder_levels_share_the_invoice_table(self):
        """The reminders of levels 1 to 4 show one invoice table, t-called
        from the sub-template ``invoice_dispute.reminder_invoice_table``
        (no copy in a template's body): the same table in each level's email,
        with every invoice of the notice, in English and each shipped
        language."""
        notice = self.notice
        self.assertTrue(notice.move_ids)
        headers = {
            "en_US": ["Invoice date", "Payment reference", "Total open:"],
            "nl_NL": ["Factuurdatum", "Betalingskenmerk", "Totaal openstaand:"],
            "sk_SK": ["Dátum faktúry", "Referencia platby", "Neuhradené spolu:"],
            "sv_SE": ["Fakturadatum", "Betalningsreferens", "Totalt obetalt:"],
        }
        for level in range(1, 5):
            template = self.env.ref(f"invoice_dispute.mail_template_reminder_{level}")
            source = template.with_context(lang="en_US").body_html
            self.assertIn('t-call="invoice_dispute.reminder_invoice_table"', source)
            self.assertNotIn("Invoice date", source)
        # the installment reminder lists the open credits with the same table
        installment = self.env.ref("invoice_dispute.mail_template_installment_reminder")
        source = installment.with_context(lang="en_US").body_html
        self.assertIn('t-call="invoice_dispute.reminder_credit_table"', source)
        self.assertNotIn("Open credit", source)
        for code, words in headers.items():
            tables = set()
            for level in range(1, 5):
                template = self.env.ref(
                    f"invoice_dispute.mail_template_reminder_{level}"
                )
                with self.subTest(level=level, lang=code):
                    body = html.unescape(
                        str(
                            template._render_field(
                                "body_html", notice.ids, set_lang=code
                            )[notice.id]
                        )
                    )
                    start = body.index("<table")
                    table = body[start : body.index("</p>", body.index(words[2]))]
                    for word in words:
                        self.assertIn(word, table)
                    for move in notice.move_ids:
                        self.assertIn(move.name, table)
                        self.assertIn(move.payment_reference or move.name, table)
                    tables.add(table)
            self.assertEqual(len(tables), 1, f"the levels' tables differ in {code}")

    def test_objections_translated(self):
        """The objection library (what the customer says, and the suggested
        answer) reads in each shipped language."""
        objections = self.env["invoice.objection"].search(
            [("id", "in", self._module_records("invoice.objection"))]
        )
        self.assertTrue(objections)
        for objection in objections:
            english = objection.with_context(lang="en_US")
            for code in LANGUAGES:
                with self.subTest(objection=english.name, lang=code):
                    translated = objection.with_context(lang=code)
                    self.assertTrue(translated.name)
                    self.assertNotEqual(translated.name, english.name)
                    self.assertTrue(translated.response)
                    self.assertNotEqual(translated.response, english.response)

    def _module_records(self, model):
        return (
            self.env["ir.model.data"]
            .search([("module", "=", "invoice_dispute"), ("model", "=", model)])
            .mapped("res_id")
        )

    def test_po_files_complete(self):
        """Every shipped .po file translates every term of the template, with
        the same placeholders as the source text."""
        i18n = Path(get_module_path("invoice_dispute")) / "i18n"
        msgids = {
            entry.msgid for entry in polib.pofile(str(i18n / "invoice_dispute.pot"))
        }
        po_files = sorted(i18n.glob("*.po"))
        self.assertEqual(
            {path.stem for path in po_files},
            {code.split("_")[0] for code in LANGUAGES},
        )
        for path in po_files:
            po = polib.pofile(str(path))
            with self.subTest(po=path.name):
                self.assertEqual({entry.msgid for entry in po}, msgids)
                empty = [
                    entry.msgid
                    for entry in po
                    if not entry.msgstr
                    and SAME_AS_SOURCE not in entry.tcomment.splitlines()
                ]
                self.assertEqual(empty, [], f"untranslated terms in {path.name}")
                for entry in po:
                    if entry.msgstr:
                        self.assertEqual(
                            placeholders(entry.msgstr),
                            placeholders(entry.msgid),
                            f"placeholders differ in {path.name}: {entry.msgid!r}",
                        )
