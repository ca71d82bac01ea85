import io
from datetime import timedelta

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfReader

from .common import external_process_timeout
from .common_collection import CollectionCommon

REPORT = "invoice_dispute.action_report_customer_statement"


class StatementCommon(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Bakkerij Jansen B.V.",
                "is_company": True,
                "email": "ap@jansen.example.com",
                "lang": "en_US",
            }
        )

    @classmethod
    def invoice_due(cls, amount, days_overdue, **vals):
        """A posted invoice of ``client`` due ``days_overdue`` days ago."""
        date_due = cls.today - timedelta(days=days_overdue)
        return cls.create_invoice(
            cls.client,
            amount,
            invoice_date=date_due - timedelta(days=30),
            invoice_date_due=date_due,
            **vals,
        )

    def statement(self, partner=None, date=None):
        return (partner or self.client)._get_customer_statement_data(date=date)

    def render_html(self, partner=None, company=None):
        return (
            self.env["ir.actions.report"]
            .with_company(company or self.env.company)
            ._render_qweb_html(REPORT, (partner or self.client).ids)[0]
            .decode()
        )


@tagged("post_install", "-at_install")
class TestCustomerStatement(StatementCommon):
    def test_aging_boundaries(self):
        """Each invoice ages by its days past due on the statement date:
        not due yet and due today are current; 1/30, 31/60, 61/90 and 91 fall
        in the buckets they name."""
        days = [-10, 0, 1, 30, 31, 60, 61, 90, 91, 400]
        invoices = [self.invoice_due(100.0 + i, d) for i, d in enumerate(days)]
        values = self.statement()[self.env.company.currency_id]
        by_name = {line["name"]: line for line in values["invoices"]}
        for invoice, day in zip(invoices, days, strict=True):
            self.assertEqual(by_name[invoice.name]["days_overdue"], max(day, 0))
        self.assertEqual(
            values["aging"],
            {
                "current": 100.0 + 101.0,
                "1_30": 102.0 + 103.0,
                "31_60": 104.0 + 105.0,
                "61_90": 106.0 + 107.0,
                "over_90": 108.0 + 109.0,
            },
        )
        self.assertAlmostEqual(values["amount_due"], sum(100.0 + i for i in range(10)))
        self.assertAlmostEqual(values["amount_overdue"], values["amount_due"] - 201.0)
        # oldest due date first
        self.assertEqual(
            [line["name"] for line in values["invoices"]],
            [invoice.name for invoice in reversed(invoices)],
        )
        # a statement made 31 days later ages everything by 31 days
        later = self.statement(date=self.today + timedelta(days=31))
        aging = later[self.env.company.currency_id]["aging"]
        self.assertEqual(aging["current"], 0.0)
        self.assertAlmostEqual(aging["1_30"], 100.0)
        self.assertAlmostEqual(aging["31_60"], 101.0 + 102.0)
        self.assertAlmostEqual(aging["61_90"], 103.0 + 104.0)

    def test_partial_payments_credit_notes_and_unapplied_payments(self):
        """The open amount of a partly paid invoice is what is left of it;
        credit notes not applied and payments not matched are listed as
        credits, exact to the cent, and deducted from the net balance."""
        currency = self.env.company.currency_id
        paid_in_part = self.invoice_due(1000.0, 40)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid_in_part.ids
        ).create({"amount": 400.01})._create_payments()
        paid = self.invoice_due(250.0, 10)
        self.pay(paid, self.today)
        refund = self.create_invoice(self.client, 150.33, move_type="out_refund")
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.client.id,
                "amount": 75.5,
                "memo": "Transfer 2611",
            }
        )
        payment.action_post()
        values = self.statement()[currency]
        self.assertEqual(len(values["invoices"]), 1, "the paid invoice is not open")
        line = values["invoices"][0]
        self.assertEqual(line["move"], paid_in_part)
        self.assertAlmostEqual(line["amount_total"], 1000.0)
        self.assertAlmostEqual(line["amount_residual"], 599.99)
        self.assertEqual(values["aging"]["31_60"], 599.99)
        credits = {credit["name"]: credit for credit in values["credits"]}
        self.assertEqual(credits[refund.name]["kind"], "credit_note")
        self.assertEqual(credits[refund.name]["amount_residual"], 150.33)
        self.assertEqual(credits[payment.move_id.name]["kind"], "payment")
        self.assertEqual(credits[payment.move_id.name]["amount_residual"], 75.5)
        self.assertEqual(values["amount_credit"], 225.83)
        self.assertEqual(values["amount_net"], 374.16)
        # a credit note applied in part keeps its rest open
        refund_line = refund.line_ids.filtered(lambda li: li.account_id.reconcile)
        invoice_line = paid_in_part.line_ids.filtered(
            lambda li: li.account_id.reconcile
        )
        (refund_line | invoice_line).reconcile()
        values = self.statement()[currency]
        self.assertAlmostEqual(values["invoices"][0]["amount_residual"], 449.66)
        self.assertEqual([c["name"] for c in values["credits"]], [payment.move_id.name])
        self.assertEqual(values["amount_net"], 374.16)

    def test_currencies_never_mixed(self):
        """Each currency has its own block; amounts stay in the invoice's
        currency."""
        usd = self.env.company.currency_id
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 0.5)])
        self.invoice_due(300.0, 5)
        self.invoice_due(1000.0, 95, currency_id=eur.id)
        self.create_invoice(
            self.client, 200.0, move_type="out_refund", currency_id=eur.id
        )
        statement = self.statement()
        self.assertEqual(list(statement), [usd, eur], "company currency first")
        self.assertEqual(statement[usd]["amount_net"], 300.0)
        self.assertEqual(statement[usd]["credits"], [])
        self.assertEqual(statement[eur]["aging"]["over_90"], 1000.0)
        self.assertEqual(statement[eur]["amount_credit"], 200.0)
        self.assertEqual(statement[eur]["amount_net"], 800.0)
        html = self.render_html()
        self.assertIn("Amounts in <span>EUR</span>", html)
        self.assertIn("Amounts in <span>USD</span>", html)

    def test_other_company_and_customer_not_shown(self):
        """Only the current company's invoices and credits of this customer
        (and its contacts) are on its statement."""
        mine = self.invoice_due(3333.33, 3)
        other_company = self.setup_other_company()["company"]
        foreign = self.create_invoice(self.client, 7777.77, company_id=other_company.id)
        contact = self.env["res.partner"].create(
            {"name": "Els Jansen", "parent_id": self.client.id}
        )
        of_contact = self.create_invoice(contact, 40.0)
        self.invoice_due(55.0, 3, partner_id=self.partner_a.id)
        currency = self.env.company.currency_id
        names = [line["name"] for line in self.statement()[currency]["invoices"]]
        self.assertCountEqual(names, [mine.name, of_contact.name])
        # printed from the contact: the company's statement
        self.assertEqual(self.statement(contact)[currency]["amount_due"], 3373.33)
        in_other = self.client.with_company(other_company)
        statement = in_other._get_customer_statement_data()
        self.assertEqual(
            [line["name"] for line in statement[foreign.currency_id]["invoices"]],
            [foreign.name],
        )
        html = self.render_html()
        self.assertIn("3,333.33", html)
        self.assertNotIn("7,777.77", html)
        html = self.render_html(company=other_company)
        self.assertIn("7,777.77", html)
        self.assertNotIn("3,333.33", html)

    def test_disputed_invoices_marked(self):
        disputed = self.invoice_due(800.0, 20)
        self.invoice_due(100.0, 20)
        self.create_dispute(disputed, amounts=[300.0])
        values = self.statement()[self.env.company.currency_id]
        lines = {line["move"]: line for line in values["invoices"]}
        self.assertTrue(lines[disputed]["disputed"])
        self.assertEqual(lines[disputed]["amount_disputed"], 300.0)
        self.assertEqual(sum(line["disputed"] for line in lines.values()), 1)
        self.assertEqual(values["amount_disputed"], 300.0)
        self.assertEqual(values["amount_net"], 900.0, "disputed is still open")
        html = self.render_html()
        self.assertEqual(html.count("o_statement_disputed"), 1)

    def test_no_open_items(self):
        self.assertEqual(self.statement(), {})
        self.assertIn("You have no open invoices or credits", self.render_html())

    def test_print_from_the_customer(self):
        """The report is in the customer's Print menu and behind the
        Statement button."""
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "res.partner")
        self.assertEqual(report.report_type, "qweb-pdf")
        # (an administrator is first asked for the company's document layout)
        action = self.client.with_context(
            discard_logo_check=True
        ).action_print_customer_statement()
        self.assertEqual(action["report_name"], report.report_name)
        self.assertEqual(action["context"]["active_ids"], self.client.ids)

    def test_rendered_in_the_customers_language(self):
        """Printed for a Dutch customer, the labels are Dutch and the
        amounts and dates in Dutch formats."""
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_dispute"], ["nl_NL"], overwrite=True
        )
        self.client.lang = "nl_NL"
        invoice = self.invoice_due(1234.5, 45)
        self.create_invoice(self.client, 34.5, move_type="out_refund")
        html = self.render_html()
        for dutch in (
            "Rekeningoverzicht",
            "Openstaande facturen",
            "Vervaldatum",
            "Dagen achterstallig",
            "Openstaande tegoeden",
            "Creditnota",
            "Netto nu te betalen",
        ):
            self.assertIn(dutch, html)
        self.assertNotIn("Open invoices", html)
        self.assertIn(invoice.name, html)
        self.assertIn("1.234,50", html)
        self.assertIn("1.200,00", html)
        self.assertIn(invoice.invoice_date_due.strftime("%d-%m-%Y"), html)


@tagged("post_install", "-at_install")
class TestCustomerStatementPdf(StatementCommon, HttpCase):
    """wkhtmltopdf asks the HTTP server for the report's assets: only an
    HttpCase, run post_install, lets the server answer during the test."""

    def test_statement_prints_a_pdf(self):
        """*Print > Customer statement* gives a real PDF (wkhtmltopdf), as
        the reminders attach it."""
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            self.skipTest(
                "wkhtmltopdf is not on PATH: install the Debian package "
                "wkhtmltopdf to print the customer statement as a PDF."
            )
        invoice = self.invoice_due(1200.0, 45)
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        html = report._render_qweb_html(REPORT, self.client.ids)[0].decode()
        for expected in (invoice.name, self.client.name, self.env.company.name):
            self.assertIn(expected, html)
        with external_process_timeout(self, "wkhtmltopdf"):
            pdf, kind = report._render_qweb_pdf(REPORT, self.client.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        reader = PdfReader(io.BytesIO(pdf))
        self.assertEqual(len(reader.pages), 1)
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        # Debian's wkhtmltopdf (unpatched Qt) draws web fonts as outlines, so
        # the PDF may hold no text to extract; when it does, it is the statement's.
        if text:
            for expected in (invoice.name, self.client.name):
                self.assertIn(expected, text)
