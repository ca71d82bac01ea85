import base64
import io
import re
from datetime import timedelta

from freezegun import freeze_time
from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import MANAGER_GROUPS, InvoiceDisputeCommon
from .common_collection import CollectionCommon


@tagged("post_install", "-at_install")
class TestInvoiceChanges(CollectionCommon):
    """Invoices paid, reset to draft, cancelled or moved to another customer
    after a dispute, proposal, plan, promise or reminder was recorded on
    them (SPEC §10, "Invoices change after the fact")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.overdue = cls.create_overdue(cls.customer, 1000.0, 20)
        cls.overdue_old = cls.create_overdue(cls.customer, 500.0, 20)

    def pay_amount(self, invoice, amount):
        """Register a payment of ``amount`` on ``invoice`` as a user would."""
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": self.today})
            ._create_payments()
        )

    def make_promise(self, invoice, amount):
        return self.env["invoice.payment.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": amount,
                "date_promised": self.today + timedelta(days=5),
                "source": "other",
            }
        )

    def make_proposal(self, invoice, **vals):
        return self.env["invoice.dispute.proposal"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "kind": "due_date_extension",
                "new_date_due": self.today + timedelta(days=30),
                **vals,
            }
        )

    # ------------------------------------------------------------------
    # Paid after the dispute
    # ------------------------------------------------------------------
    def test_partial_payment_caps_the_disputed_amount(self):
        dispute = self.create_dispute(self.overdue)
        line = dispute.line_ids
        self.pay_amount(self.overdue, 600.0)
        self.assertAlmostEqual(self.overdue.amount_residual, 400.0)
        self.assertAlmostEqual(line.disputed_amount, 1000.0, msg="the claim stays")
        self.assertAlmostEqual(line.disputed_amount_capped, 400.0)
        self.assertAlmostEqual(dispute.amount_disputed, 400.0)
        self.assertAlmostEqual(dispute.amount_residual, 400.0)
        self.assertAlmostEqual(dispute.amount_undisputed, 0.0)
        self.assertAlmostEqual(self.overdue.amount_disputed, 400.0)
        self.assertEqual(self.overdue.dispute_state, "open")
        # paid in full: nothing is disputed any more, nothing negative
        self.pay_amount(self.overdue, 400.0)
        self.assertAlmostEqual(line.disputed_amount_capped, 0.0)
        self.assertAlmostEqual(dispute.amount_disputed, 0.0)
        self.assertAlmostEqual(dispute.amount_undisputed, 0.0)
        self.assertAlmostEqual(self.overdue.amount_disputed, 0.0)
        self.assertEqual(dispute.state, "new", "closing it is the responsible's")
        self.assertIn("Nothing is disputed any more", dispute.message_ids[:1].body)

    def test_dispute_stays_editable_after_a_payment(self):
        """A payment since the line was written does not make the dispute's
        other edits fail on the old disputed amount."""
        dispute = self.create_dispute(self.overdue)
        self.pay_amount(self.overdue, 600.0)
        other = self.create_overdue(self.customer, 200.0, 5)
        dispute.write(
            {"line_ids": [Command.create({"move_id": other.id, "disputed_amount": 50})]}
        )
        self.assertAlmostEqual(dispute.amount_disputed, 450.0)
        # a new claim above what is open is still refused
        with self.assertRaisesRegex(Exception, "exceeds what is still open"):
            dispute.line_ids.filtered(
                lambda x: x.move_id == other
            ).disputed_amount = 250.0

    def test_call_sheet_after_a_partial_payment(self):
        self.create_dispute(self.overdue)
        self.pay_amount(self.overdue, 600.0)
        sheet = self.env["invoice.call.sheet"].create({"partner_id": self.customer.id})
        sheet.action_prepare()
        line = sheet.line_ids.filtered(lambda x: x.move_id == self.overdue)
        self.assertAlmostEqual(line.amount_residual, 400.0)
        self.assertAlmostEqual(line.disputed_amount, 400.0)
        self.assertAlmostEqual(sheet.amount_disputed, 400.0)
        undisputed = sheet.amount_overdue - sheet.amount_disputed
        self.assertGreaterEqual(undisputed, 0.0)
        self.assertIn("under dispute for", str(sheet.talking_points))
        self.assertNotIn("-600", str(sheet.talking_points))

    def test_management_pack_after_a_partial_payment(self):
        dispute = self.create_dispute(self.overdue)
        self.pay_amount(self.overdue, 600.0)
        wizard = self.env["invoice.dispute.export.wizard"].create(
            {
                "date_from": self.today - timedelta(days=30),
                "date_to": self.today,
                "company_ids": [Command.set(self.env.company.ids)],
            }
        )
        wizard.action_export()
        book = load_workbook(io.BytesIO(base64.b64decode(wizard.xlsx_file)))
        rows = book["Disputes"].iter_rows(values_only=True)
        header = next(rows)
        row = next(r for r in rows if r[0] == dispute.name)
        row = dict(zip(header, row, strict=True))
        self.assertEqual(row["Disputed amount"], 400.0)
        self.assertEqual(row["Undisputed amount"], 0.0)

    def test_full_payment_completes_plans_and_keeps_promises(self):
        plan = self.make_plan(self.overdue)
        plan.action_activate()
        promise = self.make_promise(self.overdue, 1000.0)
        draft_proposal = self.make_proposal(self.overdue)
        offer = self.make_plan(self.overdue_old)
        offer.action_propose()
        other_offer = self.make_plan(self.invoice_2)
        other_offer.action_propose()
        self.pay_amount(self.overdue, 400.0)
        self.assertEqual(plan.state, "active", "partly paid: the plan goes on")
        self.assertEqual(promise.state, "pending")
        self.pay_amount(self.overdue, 600.0)
        self.assertEqual(plan.state, "completed")
        self.assertIn("Nothing is left to pay", plan.message_ids[:1].body)
        self.assertEqual(promise.state, "kept")
        self.assertAlmostEqual(promise.amount_paid, 1000.0)
        # a draft is the collector's: accepting it is refused on a paid invoice
        self.assertEqual(draft_proposal.state, "draft")
        self.pay_amount(self.overdue_old, 500.0)
        self.assertEqual(offer.state, "cancelled", "withdrawn")
        self.assertIn("is paid", offer.message_ids[:1].body)
        self.assertEqual(other_offer.state, "proposed", "other invoices: untouched")

    def test_payment_removed_reopens_what_it_closed(self):
        """A payment reset to draft (bounced): the plan it completed is active
        again, the promise it kept pending again."""
        plan = self.make_plan(self.overdue)
        plan.action_activate()
        promise = self.make_promise(self.overdue, 1000.0)
        payment = self.pay_amount(self.overdue, 1000.0)
        self.assertEqual((plan.state, promise.state), ("completed", "kept"))
        payment.action_draft()
        self.assertAlmostEqual(self.overdue.amount_residual, 1000.0)
        self.assertEqual((plan.state, promise.state), ("active", "pending"))
        self.assertIn("open again", plan.message_ids[:1].body)
        self.assertFalse(promise.date_settled)

    def test_reset_of_a_paid_invoice_reopens_nothing(self):
        plan = self.make_plan(self.overdue)
        plan.action_activate()
        self.pay_amount(self.overdue, 1000.0)
        self.assertEqual(plan.state, "completed")
        self.overdue.button_draft()
        self.assertEqual(plan.state, "completed")

    def test_credit_note_is_not_a_payment(self):
        """A credit note settling the invoice keeps no promise (only money
        does): with nothing left to pay and nothing paid it is cancelled; the
        offers are left to whoever issued the credit; the plan has nothing
        left to collect and the queued reminder is untrue."""
        mail = self.queue_reminders().mail_id
        plan = self.make_plan(self.overdue)
        plan.action_activate()
        promise = self.make_promise(self.overdue, 1000.0)
        offer = self.make_plan(self.overdue)
        offer.action_propose()
        self.overdue._invoice_dispute_credit(1000.0, "Full credit")
        self.assertTrue(self.overdue.currency_id.is_zero(self.overdue.amount_residual))
        self.assertEqual(promise.state, "cancelled")
        self.assertEqual(promise.amount_paid, 0.0)
        self.assertEqual(offer.state, "proposed")
        self.assertEqual(plan.state, "completed")
        self.assertEqual(mail.state, "cancel")

    def test_promise_expects_at_most_what_could_be_paid(self):
        """Promise 800 on 1,000; a credit note of 500, then the 500 left is
        paid: the customer paid all that was still owed, the promise is kept
        (500 paid, 500 expected), not broken."""
        promise = self.make_promise(self.overdue, 800.0)
        self.overdue._invoice_dispute_credit(500.0, "Agreed credit")
        self.assertAlmostEqual(promise.amount_expected, 500.0)
        self.assertEqual(promise.state, "pending")
        self.pay_amount(self.overdue, 500.0)
        self.assertEqual(promise.state, "kept")
        self.assertAlmostEqual(promise.amount_paid, 500.0)

    def test_promise_after_a_partial_credit_is_held_to_what_is_open(self):
        """Promise 800 on 1,000, a credit note of 500, 300 paid by the date:
        broken, and the collector is told 500 was expected, not 800."""
        with freeze_time(self.today):
            promise = self.make_promise(self.overdue, 800.0)
        self.overdue._invoice_dispute_credit(500.0, "Agreed credit")
        self.pay_amount(self.overdue, 300.0)
        with freeze_time(self.today + timedelta(days=30)):
            __, broken = promise._settle()
        self.assertEqual(broken, promise)
        self.assertEqual(promise.state, "broken")
        self.assertIn("500.00", promise.activity_ids.note)
        self.assertNotIn("800.00", promise.activity_ids.note)

    def test_partial_credit_lowers_a_running_plan(self):
        """An active plan of 1,000 in two installments; a credit note of 400:
        the plan expects 600, taken off the last installment; a credit of 100
        more takes the last installment down further, never below what was
        paid."""
        plan = self.make_plan(self.overdue)
        plan.action_activate()
        self.assertEqual(plan.line_ids.mapped("amount"), [500.0, 500.0])
        self.overdue._invoice_dispute_credit(400.0, "Agreed credit")
        self.assertEqual(plan.state, "active")
        self.assertAlmostEqual(plan.amount_total, 600.0)
        self.assertEqual(plan.line_ids.mapped("amount"), [500.0, 100.0])
        self.pay_amount(self.overdue, 500.0)
        self.assertEqual(plan.line_ids.mapped("state")[0], "paid")
        self.overdue._invoice_dispute_credit(50.0, "Second credit")
        self.assertAlmostEqual(plan.amount_total, 550.0)
        self.assertEqual(plan.line_ids.mapped("amount"), [500.0, 50.0])
        self.assertIn("credited in part", plan.message_ids[:1].body)
        # a credit for what is left ends the plan: nothing left to pay
        self.overdue._invoice_dispute_credit(50.0, "Last credit")
        self.assertEqual(plan.state, "completed")

    def test_partial_payment_withdraws_an_offer_above_what_is_open(self):
        """A discount of 600 is sent; the customer then pays 700 (300 open):
        the offer is withdrawn with the reason, not left to fail when the
        customer accepts it; an offer within what is open stays."""
        offer = self.make_proposal(
            self.overdue, kind="discount", amount=600.0, new_date_due=False
        )
        small = self.make_proposal(
            self.overdue_old, kind="discount", amount=100.0, new_date_due=False
        )
        manager = self.create_user("approver", MANAGER_GROUPS)
        for proposal in offer | small:
            proposal.action_submit()
            if proposal.state == "to_approve":
                proposal.with_user(manager).action_approve()
            proposal.action_send()
        self.pay_amount(self.overdue, 700.0)
        self.assertEqual(offer.state, "cancelled")
        self.assertIn("300.00 still open", offer.message_ids[:1].body)
        self.pay_amount(self.overdue_old, 100.0)
        self.assertEqual(small.state, "sent", "100 is still within the 400 open")

    def test_resolve_after_a_partial_payment(self):
        """The credit is spread over what is still disputed on each invoice,
        never more than is open on one of them."""
        dispute = self.create_dispute(self.overdue | self.overdue_old)
        self.pay_amount(self.overdue, 900.0)
        self.assertAlmostEqual(dispute.amount_disputed, 600.0)
        wizard = Form(
            self.env["invoice.dispute.resolve.wizard"].with_context(
                **dispute.action_resolve()["context"]
            )
        ).save()
        self.assertAlmostEqual(wizard.amount, 600.0)
        wizard.action_confirm()
        credits = {
            move.reversed_entry_id: move.amount_total
            for move in dispute.credit_note_ids
        }
        self.assertEqual(credits, {self.overdue: 100.0, self.overdue_old: 500.0})
        self.assertEqual(
            (self.overdue | self.overdue_old).mapped("amount_residual"), [0, 0]
        )

    # ------------------------------------------------------------------
    # Reset to draft, cancelled
    # ------------------------------------------------------------------
    def test_reset_or_cancel_refused_in_an_open_dispute(self):
        dispute = self.create_dispute(self.overdue)
        with self.assertRaisesRegex(
            UserError, rf"in open dispute {dispute.name}: resolve or cancel"
        ):
            self.overdue.button_draft()
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            self.overdue.button_cancel()
        self.assertEqual(self.overdue.state, "posted")
        dispute.action_cancel()
        self.overdue.button_draft()
        self.assertEqual(self.overdue.state, "draft")

    def test_reset_refused_in_an_active_plan(self):
        plan = self.make_plan(self.overdue)
        plan.action_activate()
        with self.assertRaisesRegex(UserError, rf"active payment plan {plan.name}"):
            self.overdue.button_draft()
        self.assertEqual(self.overdue.state, "posted")
        plan.action_cancel()
        self.overdue.button_cancel()
        self.assertEqual(self.overdue.state, "cancel")

    def test_cancel_releases_offers_and_promises(self):
        promise = self.make_promise(self.overdue, 300.0)
        proposal = self.make_proposal(self.overdue)
        plan = self.make_plan(self.overdue)
        plan.action_propose()
        kept_open = self.make_promise(self.invoice_1, 100.0)
        self.overdue.button_cancel()
        self.assertEqual(promise.state, "cancelled")
        self.assertEqual(proposal.state, "cancelled")
        self.assertEqual(plan.state, "cancelled")
        self.assertIn("was cancelled", promise.message_ids[:1].body)
        self.assertEqual(kept_open.state, "pending", "other invoices: untouched")

    def test_reset_to_draft_releases_a_promise(self):
        promise = self.make_promise(self.overdue, 300.0)
        self.overdue.button_draft()
        self.assertEqual(promise.state, "cancelled")
        self.assertIn("was reset to draft", promise.message_ids[:1].body)

    def test_resolved_dispute_does_not_block_a_reset(self):
        dispute = self.create_dispute(self.overdue)
        dispute.action_reject()
        self.overdue.button_draft()
        self.assertEqual(self.overdue.state, "draft")
        self.assertEqual(dispute.state, "rejected")
        self.assertIn("was reset to draft", dispute.message_ids[:1].body)

    def test_reopen_refused_on_a_cancelled_invoice(self):
        dispute = self.create_dispute(self.overdue)
        dispute.action_reject()
        self.overdue.button_cancel()
        notes = dispute.message_ids.filtered(lambda m: "was cancelled" in m.body)
        self.assertEqual(len(notes), 1, "one note on the decided dispute")
        with self.assertRaisesRegex(ValidationError, "is not posted"):
            dispute.action_reopen()
        self.assertEqual(dispute.state, "rejected")

    # ------------------------------------------------------------------
    # Moved to another customer
    # ------------------------------------------------------------------
    def test_moving_a_linked_invoice_is_refused(self):
        dispute = self.create_dispute(self.overdue)
        dispute.action_reject()
        with self.assertRaisesRegex(
            UserError, rf"linked to Invoice Dispute {dispute.name}.*Cancel or credit"
        ):
            self.overdue.write({"partner_id": self.partner_a.id})
        self.overdue.button_draft()
        with (
            self.assertRaisesRegex(UserError, "cannot be moved to"),
            Form(self.overdue) as invoice_form,
        ):
            invoice_form.partner_id = self.partner_a
        self.assertEqual(self.overdue.partner_id, self.customer)

    def test_moving_a_draft_with_a_cancelled_promise_is_refused(self):
        promise = self.make_promise(self.overdue, 300.0)
        self.overdue.button_draft()
        self.assertEqual(promise.state, "cancelled")
        with self.assertRaisesRegex(UserError, "Promise to Pay"):
            self.overdue.partner_id = self.partner_a

    def test_moving_an_invoice_with_back_billing_is_refused(self):
        """The customer's back-billed amount, added to its next invoice, is
        not billed to another customer by moving that invoice."""
        self.env["invoice.back.billing.wizard"].create(
            self.back_billing_vals(
                amount=150.0, date_from=self.today - timedelta(days=180)
            )
        ).action_confirm()
        invoice = self.create_invoice(self.customer, 100.0)
        self.assertAlmostEqual(invoice.amount_untaxed, 250.0)
        invoice.button_draft()
        with self.assertRaisesRegex(UserError, "Back-billed Amount"):
            invoice.partner_id = self.partner_a
        self.assertEqual(invoice.partner_id, self.customer)

    def test_moving_within_the_customer_or_unlinked_invoices(self):
        self.make_promise(self.overdue, 300.0)
        self.overdue.button_draft()
        # another address of the same customer: nothing moves
        self.overdue.partner_id = self.customer_contact
        self.assertEqual(self.overdue.commercial_partner_id, self.customer)
        free = self.create_overdue(self.customer, 100.0, 3, post=False)
        free.partner_id = self.partner_a
        self.assertEqual(free.commercial_partner_id, self.partner_a)

    # ------------------------------------------------------------------
    # Queued reminders
    # ------------------------------------------------------------------
    def queue_reminders(self):
        with freeze_time(self.today):
            self.env["invoice.reminder.engine"]._send_reminders()
        return self.env["invoice.reminder.log"].search(
            [("move_id", "in", (self.overdue | self.overdue_old).ids)]
        )

    def test_queued_reminder_withdrawn_when_paid(self):
        logs = self.queue_reminders()
        self.assertEqual(logs.move_id, self.overdue | self.overdue_old)
        mail = logs.mail_id
        self.assertEqual(len(mail), 1, "one consolidated email")
        self.assertEqual(mail.state, "outgoing")
        self.assertTrue(self.overdue_old.reminder_level)
        self.pay_amount(self.overdue, 1000.0)
        self.assertEqual(mail.state, "cancel")
        self.assertFalse(logs.exists(), "released")
        self.assertEqual(self.overdue_old.reminder_level, 0)
        self.assertFalse(self.overdue_old.reminder_last_date)
        self.assertIn("withdrawn", self.overdue.message_ids[:1].body)
        # the next run reminds what is still due, truthfully
        logs = self.queue_reminders()
        self.assertEqual(logs.move_id, self.overdue_old)
        self.assertEqual(logs.mail_id.state, "outgoing")

    def test_queued_reminder_withdrawn_when_cancelled(self):
        mail = self.queue_reminders().mail_id
        self.overdue.button_cancel()
        self.assertEqual(mail.state, "cancel")
        self.assertIn("was cancelled", mail.failure_reason)

    def test_queued_reminder_withdrawn_when_moved(self):
        """A posted invoice moved to another customer (as an integration may,
        past Odoo's readonly check): the first customer's queued reminder
        listing it never leaves."""
        mail = self.queue_reminders().mail_id
        self.overdue.with_context(skip_readonly_check=True).partner_id = self.partner_a
        self.assertEqual(self.overdue.commercial_partner_id, self.partner_a)
        self.assertEqual(mail.state, "cancel")
        self.assertIn("moved to another customer", mail.failure_reason)

    def test_sent_reminder_is_history(self):
        logs = self.queue_reminders()
        logs.mail_id.write({"state": "sent"})
        self.pay_amount(self.overdue, 1000.0)
        self.assertEqual(logs.exists(), logs)
        self.assertEqual(logs.mail_id.state, "sent")


@tagged("post_install", "-at_install")
class TestInvoiceChangesPortal(InvoiceDisputeCommon, HttpCase):
    def test_portal_shows_what_is_still_disputed(self):
        """1,000 disputed, 600 paid: the customer's dispute page shows 400
        disputed, 0 undisputed still due, nothing negative."""
        self.create_user(
            "anne_portal",
            ["base.group_portal"],
            name="Anne",
            password="anne_portal-Secret-123",
            partner_id=self.customer_contact.id,
            email=self.customer_contact.email,
        )
        dispute = self.create_dispute(contact_id=self.customer_contact.id)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice_1.ids
        ).create({"amount": 600.0})._create_payments()
        self.authenticate("anne_portal", "anne_portal-Secret-123")
        response = self.url_open(f"/my/disputes/{dispute.id}")
        self.assertEqual(response.status_code, 200)
        html = response.text

        def cell(label):
            match = re.search(rf"{label}</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.DOTALL)
            self.assertTrue(match, label)
            return match.group(1)

        self.assertIn("400.00", cell("Disputed"))
        self.assertIn("0.00", cell("Undisputed, still due"))
        self.assertNotIn("-", cell("Undisputed, still due"))
        row = re.search(
            r'id="o_dispute_invoices">(.*?)</tbody>', html, re.DOTALL
        ).group(1)
        disputed_cell = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)[-1]
        self.assertIn("400.00", disputed_cell)
        self.assertNotIn("1,000.00", disputed_cell)
