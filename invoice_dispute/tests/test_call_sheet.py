import io
from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.pdf import PdfReader

from .common import external_process_timeout
from .common_collection import CollectionCommon

# Queries to prepare a sheet with one overdue invoice, whatever the history
# (the customers' open credits included, in one query; the payments customers
# reported on the portal, one more reason to pause reminders, in one query;
# the sheet as a customer document, ``invoice.customer.document``, one query).
PREPARE_QUERIES = 30


@tagged("post_install", "-at_install", "is_query_count")
class TestCallSheet(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.overdue_old = cls.create_overdue(cls.customer, 1200.0, 45)
        cls.overdue_new = cls.create_overdue(cls.customer, 800.0, 10)
        cls.not_due = cls.create_overdue(cls.customer, 300.0, -5)
        # Payment history: one invoice paid 8 days late.
        cls.pay(
            cls.create_overdue(cls.customer, 100.0, 100),
            cls.today - timedelta(days=92),
        )

    def create_sheet(self, partner=None, **vals):
        return self.env["invoice.call.sheet"].create(
            {"partner_id": (partner or self.customer).id, **vals}
        )

    def test_prepare_snapshot(self):
        dispute = self.create_dispute(
            self.overdue_new,
            customer_statement="<p>We never ordered the second pallet.</p>",
        )
        Promise = self.env["invoice.payment.promise"]
        Promise._create_in_state(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, self.overdue_old.ids)],
                "amount": 500.0,
                "date_promised": self.today - timedelta(days=20),
                "state": "broken",
            }
        )
        sheet = self.create_sheet()
        self.assertRegex(sheet.name, r"^CALL/\d{4}/\d{5}$")
        self.assertEqual(sheet.state, "draft")
        sheet.action_prepare()
        self.assertEqual(sheet.state, "prepared")
        self.assertEqual(sheet.line_ids.move_id, self.overdue_old | self.overdue_new)
        # the disputed invoice is context, not due now
        self.assertEqual(sheet.due_line_ids.move_id, self.overdue_old)
        self.assertEqual(sheet.context_line_ids.move_id, self.overdue_new)
        self.assertEqual(sheet.overdue_count, 1)
        self.assertAlmostEqual(sheet.amount_overdue, 1200.0)
        self.assertAlmostEqual(sheet.amount_disputed, 800.0)
        self.assertEqual(sheet.oldest_days_overdue, 45)
        self.assertEqual(sheet.dispute_open_count, 1)
        disputed_line = sheet.line_ids.filtered(lambda line: line.dispute_id)
        self.assertEqual(disputed_line.dispute_id, dispute)
        self.assertEqual(disputed_line.complaint, "We never ordered the second pallet.")
        self.assertEqual(disputed_line.reminder_exclusion_reason, "dispute")
        self.assertEqual(sheet.payment_history_count, 1)
        self.assertAlmostEqual(sheet.payment_avg_days_late, 8.0)
        self.assertEqual(sheet.payment_on_time_ratio, 0.0)
        self.assertEqual(sheet.promise_broken_count, 1)
        self.assertIn("500.00", sheet.arrangement_summary)
        self.assertIn("Broken", sheet.arrangement_summary)
        # The right contact, with direct phone and email.
        self.assertEqual(sheet.contact_id, self.ap_contact)
        self.assertEqual(sheet.contact_phone, "+31 20 555 0101")
        self.assertEqual(sheet.contact_email, "piet@vandijk.example.com")
        self.assertEqual(sheet.payment_weekday, "3")
        self.assertEqual(sheet.ar_availability, "Mornings, not on Wednesday")
        # Talking points: first agree that the invoices should have been paid.
        self.assertRegex(sheet.talking_points, r"^<ol><li>Agree first: Piet de Boer")
        self.assertIn("Thursday", sheet.talking_points)
        self.assertIn("broken", sheet.talking_points)
        self.assertIn(self.overdue_new.name, sheet.talking_points)
        # Likely objections, with the dispute-related ones.
        categories = sheet.objection_ids.mapped("category")
        self.assertIn("amount_disputed", categories)
        self.assertIn("cash_flow", categories)
        self.assertGreaterEqual(len(sheet.objection_ids), 4)

    def test_snapshot_keeps_what_was_known(self):
        sheet = self.create_sheet()
        sheet.action_prepare()
        self.pay(self.overdue_old, self.today)
        self.ap_contact.phone = "+31 20 555 9999"
        sheet.invalidate_recordset()
        self.assertAlmostEqual(sheet.amount_overdue, 2000.0)
        self.assertEqual(sheet.line_ids[0].amount_residual, 1200.0)
        self.assertEqual(sheet.contact_phone, "+31 20 555 0101")
        # Refreshing before the call takes a new snapshot.
        sheet.action_prepare()
        self.assertEqual(sheet.line_ids.move_id, self.overdue_new)
        self.assertAlmostEqual(sheet.amount_overdue, 800.0)

    def test_contact_fallbacks(self):
        person = self.env["res.partner"].create(
            {"name": "Jana Kováčová", "email": "jana@example.sk"}
        )
        self.create_overdue(person, 90.0, 3)
        sheet = self.create_sheet(person)
        sheet.action_prepare()
        self.assertEqual(sheet.contact_id, person)
        self.assertFalse(sheet.contact_phone)
        self.assertIn("direct phone number", sheet.talking_points)
        # A person given as the customer becomes the contact.
        sheet = self.create_sheet(self.ap_contact)
        self.assertEqual(sheet.partner_id, self.customer)
        self.assertEqual(sheet.contact_id, self.ap_contact)

    def test_nothing_overdue_is_refused(self):
        customer = self.env["res.partner"].create({"name": "Punctual Ltd"})
        self.create_overdue(customer, 100.0, -10)
        sheet = self.create_sheet(customer)
        with self.assertRaisesRegex(UserError, "Nothing is overdue for Punctual Ltd"):
            sheet.action_prepare()
        self.assertEqual(sheet.state, "draft")
        self.assertFalse(sheet.line_ids)

    def test_prepare_closed_sheet_refused(self):
        sheet = self.create_sheet()
        sheet.action_cancel()
        with self.assertRaisesRegex(UserError, "cannot be moved to Prepared"):
            sheet.action_prepare()
        sheet.action_draft()
        sheet.action_prepare()
        self.assertEqual(sheet.state, "prepared")

    def test_report_renders(self):
        sheet = self.create_sheet()
        sheet.action_prepare()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("invoice_dispute.action_report_call_sheet", sheet.ids)[0]
            .decode()
        )
        self.assertIn(sheet.name, html)
        self.assertIn(self.overdue_old.name, html)
        self.assertIn("Agree first", html)
        self.assertIn("Piet de Boer", html)
        self.assertIn(sheet.objection_ids[0].response[:30], html)
        report = self.env.ref("invoice_dispute.action_report_call_sheet")
        self.assertEqual(report.report_type, "qweb-pdf")

    def test_partner_button_prepares_a_sheet(self):
        action = self.customer.action_prepare_call_sheet()
        sheet = self.env["invoice.call.sheet"].browse(action["res_id"])
        self.assertEqual(sheet.state, "prepared")
        self.assertEqual(sheet.partner_id, self.customer)
        # A second click refreshes the same open sheet.
        action = self.customer.action_prepare_call_sheet()
        self.assertEqual(action["res_id"], sheet.id)

    def _prepare_counting_queries(self, partner, expected=PREPARE_QUERIES):
        sheet = self.create_sheet(partner)
        self.env.flush_all()
        self.env.invalidate_all()
        count = self.cr.sql_log_count
        with self.assertQueryCount(expected):
            sheet.action_prepare()
        return sheet, self.cr.sql_log_count - count

    def test_prepare_query_count_does_not_grow_with_history(self):
        """Preparing costs the same for 3 or 300 paid invoices."""
        date_due = self.today - timedelta(days=60)
        small = self.env["res.partner"].create({"name": "Small history B.V."})
        large = self.env["res.partner"].create({"name": "Large history B.V."})
        warmup = self.env["res.partner"].create({"name": "Warm-up B.V."})
        for partner, count in ((small, 3), (large, 300), (warmup, 3)):
            self.pay(
                self.create_invoices(partner, count, 100.0, date_due),
                date_due + timedelta(days=5),
            )
            self.create_overdue(partner, 250.0, 12)
        # Fill the caches (selection labels, defaults, ...) first.
        self._prepare_counting_queries(warmup, expected=PREPARE_QUERIES * 3)
        small_sheet, small_count = self._prepare_counting_queries(small)
        large_sheet, large_count = self._prepare_counting_queries(large)
        self.assertEqual(small_count, large_count)
        self.assertEqual(small_sheet.payment_history_count, 3)
        self.assertEqual(large_sheet.payment_history_count, 300)
        self.assertEqual(large_sheet.payment_avg_days_late, 5.0)
        self.assertEqual(large_sheet.overdue_count, 1)

    def test_objection_library(self):
        Objection = self.env["invoice.objection"]
        objections = Objection.search([])
        self.assertGreaterEqual(len(objections), 8)
        self.assertTrue(all(o.name and o.response for o in objections))
        categories = set(objections.mapped("category"))
        for category in (
            "not_received",
            "wrong_person",
            "cash_flow",
            "already_paid",
            "payment_run",
            "amount_disputed",
        ):
            self.assertIn(category, categories)
        collector = new_test_user(
            self.env,
            login="collector_jan",
            groups="invoice_dispute.group_invoice_dispute_user",
        )
        manager = new_test_user(
            self.env,
            login="manager_ida",
            groups="invoice_dispute.group_invoice_dispute_manager",
        )
        objection = self.env.ref("invoice_dispute.objection_cash_flow")
        self.assertTrue(objection.with_user(collector).response)
        with self.assertRaises(AccessError):
            objection.with_user(collector).response = "Pay now."
        objection.with_user(manager).response = "Let us agree on a first amount."
        self.assertEqual(objection.response, "Let us agree on a first amount.")

    def test_collector_prepares_and_logs(self):
        collector = new_test_user(
            self.env,
            login="collector_eva",
            groups="account.group_account_invoice",
            company_id=self.env.company.id,
        )
        sheet = (
            self.env["invoice.call.sheet"]
            .with_user(collector)
            .create({"partner_id": self.customer.id})
        )
        self.assertEqual(sheet.user_id, collector)
        sheet.action_prepare()
        self.assertEqual(sheet.overdue_count, 2)
        wizard = (
            self.env["invoice.call.outcome.wizard"]
            .with_user(collector)
            .create(
                {
                    "call_sheet_id": sheet.id,
                    "outcome": "promise",
                    "promise_amount": 500.0,
                    "promise_date": self.today + timedelta(days=2),
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(sheet.state, "done")
        self.assertEqual(sheet.promise_ids.user_id, collector)


@tagged("post_install", "-at_install")
class TestCallSheetPdf(CollectionCommon, HttpCase):
    """wkhtmltopdf asks the HTTP server for the report's assets: only an
    HttpCase, run post_install, lets the server answer during the test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.overdue_old = cls.create_overdue(cls.customer, 1200.0, 45)

    def test_report_prints_a_pdf(self):
        """*Print* gives a real PDF (wkhtmltopdf) with the sheet's content."""
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            self.skipTest(
                "wkhtmltopdf is not on PATH: install the Debian package "
                "wkhtmltopdf to print the call sheet as a PDF."
            )
        sheet = self.env["invoice.call.sheet"].create({"partner_id": self.customer.id})
        sheet.action_prepare()
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        html = report._render_qweb_html(
            "invoice_dispute.action_report_call_sheet", sheet.ids
        )[0].decode()
        for expected in (sheet.name, self.overdue_old.name, self.customer.name):
            self.assertIn(expected, html)
        with external_process_timeout(self, "wkhtmltopdf"):
            pdf, kind = report._render_qweb_pdf(
                "invoice_dispute.action_report_call_sheet", sheet.ids
            )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        reader = PdfReader(io.BytesIO(pdf))
        self.assertEqual(len(reader.pages), 1, "the call sheet fits on one page")
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        # Debian's wkhtmltopdf (unpatched Qt) draws web fonts as outlines, so
        # the PDF may hold no text to extract; when it does, it is the sheet's.
        if text:
            for expected in (sheet.name, self.overdue_old.name, self.customer.name):
                self.assertIn(expected, text)


@tagged("post_install", "-at_install")
class TestCallSheetCredits(CollectionCommon):
    def test_open_credits_on_the_sheet(self):
        self.create_overdue(self.customer, 2000.0, 10)
        credit_note = self.create_invoice(
            self.customer,
            500.0,
            move_type="out_refund",
            invoice_date=self.today - timedelta(days=3),
        )
        sheet = self.env["invoice.call.sheet"].create({"partner_id": self.customer.id})
        sheet.action_prepare()
        self.assertAlmostEqual(sheet.amount_overdue, 2000.0)
        self.assertAlmostEqual(sheet.amount_credit, 500.0)
        self.assertAlmostEqual(sheet.amount_net, 1500.0)
        self.assertIn(credit_note.name, sheet.credit_summary)
        self.assertIn(
            "The net amount to ask for is $&nbsp;1,500.00", sheet.talking_points
        )
        # credits covering all that is overdue: nothing to call about
        self.create_invoice(
            self.customer,
            1500.0,
            move_type="out_refund",
            invoice_date=self.today - timedelta(days=1),
        )
        with self.assertRaisesRegex(UserError, "open credits of Van Dijk Bouw"):
            sheet.action_prepare()
        self.assertAlmostEqual(sheet.amount_net, 1500.0)
