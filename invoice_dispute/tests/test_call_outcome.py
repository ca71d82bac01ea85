from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common_collection import CollectionCommon


@tagged("post_install", "-at_install")
class TestCallOutcome(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.overdue = cls.create_overdue(cls.customer, 1200.0, 20)
        cls.overdue_2 = cls.create_overdue(cls.customer, 300.0, 5)
        cls.sheet = cls.env["invoice.call.sheet"].create(
            {"partner_id": cls.customer.id}
        )
        cls.call_activity = cls.env.ref("invoice_dispute.mail_activity_collection_call")

    def open_wizard(self, sheet=None):
        action = (sheet or self.sheet).action_log_outcome()
        self.assertEqual(action["res_model"], "invoice.call.outcome.wizard")
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def partner_notes(self):
        return self.customer.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_note")
        )

    def test_promise(self):
        promised = self.today + timedelta(days=7)
        with self.open_wizard() as form:
            self.assertEqual(self.sheet.state, "prepared")
            self.assertEqual(form.contact_id, self.ap_contact)
            self.assertEqual(len(form.move_ids), 2)
            self.assertEqual(form.amount_open, 1500.0)
            self.assertTrue(form.send_confirmation)
            form.outcome = "promise"
            form.promise_amount = 1500.0
            form.promise_date = promised
            form.note = "Pays with Thursday's run; asked for a copy of INV 2."
            self.assertEqual(form.next_date, promised + timedelta(days=1))
        form.record.action_confirm()
        sheet = self.sheet
        self.assertEqual(sheet.state, "done")
        self.assertEqual(sheet.outcome, "promise")
        promise = sheet.promise_ids
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.move_ids, self.overdue | self.overdue_2)
        self.assertEqual(promise.amount, 1500.0)
        self.assertEqual(promise.date_promised, promised)
        self.assertEqual(promise.source, "call")
        self.assertEqual(promise.state, "pending")
        self.assertEqual(self.overdue.reminder_exclusion_reason, "promise")
        # The written confirmation went to the contact, in their language.
        email = sheet.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_comment")
        )
        self.assertEqual(len(email), 1)
        self.assertEqual(email.partner_ids, self.ap_contact)
        self.assertIn("1,500.00", email.body)
        self.assertIn(self.overdue.name, email.body)
        # Colleagues see an internal note on the customer.
        note = self.partner_notes()
        self.assertEqual(len(note), 1)
        self.assertIn(sheet.name, note.body)
        self.assertIn("Thursday's run", note.body)
        # The next collection call is planned after the promised date.
        activity = self.customer.activity_ids
        self.assertEqual(activity.activity_type_id, self.call_activity)
        self.assertEqual(activity.date_deadline, promised + timedelta(days=1))
        self.assertEqual(activity.user_id, sheet.user_id)

    def test_promise_bad_input_refused(self):
        self.sheet.action_prepare()
        Wizard = self.env["invoice.call.outcome.wizard"]
        base = {"call_sheet_id": self.sheet.id, "outcome": "promise"}
        cases = [
            ({"promise_date": self.today + timedelta(days=3)}, "needs an amount"),
            ({"promise_amount": 100.0}, "needs a 'Promised payment date'"),
            (
                {
                    "promise_amount": 100.0,
                    "promise_date": self.today - timedelta(days=1),
                },
                "is in the past",
            ),
            (
                {
                    "promise_amount": 2000.0,
                    "promise_date": self.today + timedelta(days=3),
                },
                "more than what is open",
            ),
        ]
        for vals, message in cases:
            wizard = Wizard.create({**base, **vals})
            with self.assertRaisesRegex(UserError, message):
                wizard.action_confirm()
            self.assertEqual(self.sheet.state, "prepared")
            self.assertFalse(self.sheet.promise_ids)
            self.assertFalse(self.customer.activity_ids)

    def test_no_promise_nor_plan_on_an_invoice_reported_paid(self):
        """The customer reported the invoice paid (on the portal) before the
        call was logged: neither a promise nor a plan is recorded on it, the
        call stays to be logged, nothing is written."""
        self.sheet.action_prepare()
        claim = self.env["invoice.payment.claim"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.overdue.ids)],
                "amount": 1200.0,
                "date_paid": self.today,
            }
        )
        first = self.today + timedelta(days=7)
        for outcome, values in (
            ("promise", {"promise_amount": 100.0, "promise_date": first}),
            (
                "plan_requested",
                {
                    "plan_installment_count": 2,
                    "plan_interval": "monthly",
                    "plan_date_first": first,
                },
            ),
        ):
            with (
                self.subTest(outcome=outcome),
                self.assertRaisesRegex(
                    ValidationError,
                    f"{self.overdue.name} was reported as paid \\({claim.name}\\)",
                ),
            ):
                self.sheet.record_outcome(
                    outcome, self.ap_contact, self.overdue | self.overdue_2, **values
                )
            self.assertEqual(self.sheet.state, "prepared")
            self.assertFalse(self.sheet.promise_ids)
            self.assertFalse(self.overdue.payment_plan_ids)
            self.assertFalse(self.customer.activity_ids)

    def test_outcome_twice_refused(self):
        wizard = self.env["invoice.call.outcome.wizard"].create(
            {"call_sheet_id": self.sheet.id, "outcome": "no_answer"}
        )
        with self.assertRaisesRegex(
            UserError, "is Draft: it cannot be given a call outcome, only from Prepared"
        ):
            wizard.action_confirm()
        self.sheet.action_prepare()
        wizard.action_confirm()
        self.assertEqual(self.sheet.state, "done")
        with self.assertRaisesRegex(UserError, "is Done: it cannot be given a call"):
            self.sheet.action_log_outcome()
        second = self.env["invoice.call.outcome.wizard"].create(
            {"call_sheet_id": self.sheet.id, "outcome": "paid"}
        )
        with self.assertRaisesRegex(UserError, "is Done: it cannot be given a call"):
            second.action_confirm()
        self.assertEqual(self.sheet.outcome, "no_answer")
        self.assertEqual(len(self.customer.activity_ids), 1)

    def test_dispute(self):
        reason = self.env.ref("invoice_dispute.reason_quantity")
        with self.open_wizard() as form:
            form.outcome = "dispute"
            form.move_ids.remove(self.overdue_2.id)
            form.reason_id = reason
            form.statement = "We received 8 boxes, not 10."
        form.record.action_confirm()
        dispute = self.sheet.dispute_id
        self.assertEqual(dispute.partner_id, self.customer)
        self.assertEqual(dispute.contact_id, self.ap_contact)
        self.assertEqual(dispute.reason_id, reason)
        self.assertEqual(dispute.channel, "phone")
        self.assertIn("We received 8 boxes, not 10.", dispute.customer_statement)
        self.assertEqual(dispute.line_ids.move_id, self.overdue)
        self.assertEqual(dispute.amount_disputed, 1200.0)
        self.assertEqual(self.overdue.dispute_state, "open")
        email = self.sheet.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_comment")
        )
        self.assertIn(dispute.name, email.body)
        self.assertIn(dispute.name, self.partner_notes().body)

    def test_dispute_needs_reason_and_statement(self):
        with self.open_wizard() as form:
            form.outcome = "dispute"
            form.reason_id = self.reason_price
            form.statement = " "
        with self.assertRaisesRegex(UserError, "customer's words"):
            form.record.action_confirm()
        self.assertFalse(self.env["invoice.dispute"].search([]))

    def test_plan_requested(self):
        with self.open_wizard() as form:
            form.outcome = "plan_requested"
            form.plan_installment_count = 3
            form.plan_interval = "monthly"
            form.plan_date_first = self.today + timedelta(days=14)
        form.record.action_confirm()
        plan = self.sheet.plan_id
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.partner_id, self.customer)
        self.assertEqual(plan.move_ids, self.overdue | self.overdue_2)
        self.assertEqual(plan.amount_total, 1500.0)
        self.assertEqual(plan.installment_count, 3)
        self.assertEqual(plan.date_first, self.today + timedelta(days=14))
        self.assertEqual(
            self.customer.activity_ids.date_deadline,
            self.env["invoice.call.sheet"]._next_working_day(
                self.today + timedelta(days=2)
            ),
        )

    def test_plan_of_one_installment_or_none(self):
        with self.open_wizard() as form:
            form.outcome = "plan_requested"
            form.plan_installment_count = 0
            form.plan_date_first = self.today + timedelta(days=14)
        with self.assertRaisesRegex(ValidationError, "installment"):
            form.record.action_confirm()
        self.assertFalse(self.env["invoice.payment.plan"].search([]))
        self.assertEqual(self.sheet.state, "prepared")
        form.record.plan_installment_count = 1
        form.record.action_confirm()
        self.assertEqual(self.sheet.plan_id.installment_count, 1)

    def test_no_answer_and_callback(self):
        with self.open_wizard() as form:
            form.outcome = "no_answer"
            self.assertFalse(form.send_confirmation)
        form.record.action_confirm()
        self.assertFalse(
            self.sheet.message_ids.filtered(
                lambda m: m.subtype_id == self.env.ref("mail.mt_comment")
            )
        )
        activity = self.customer.activity_ids
        self.assertEqual(activity.activity_type_id, self.call_activity)
        self.assertGreater(activity.date_deadline, self.today)
        self.assertLess(activity.date_deadline.weekday(), 5)

        sheet = self.env["invoice.call.sheet"].create({"partner_id": self.customer.id})
        wizard = self.env["invoice.call.outcome.wizard"].create(
            {
                "call_sheet_id": sheet.id,
                "outcome": "callback",
                "next_date": self.today - timedelta(days=1),
            }
        )
        sheet.action_prepare()
        with self.assertRaisesRegex(UserError, "next activity date .* is in the past"):
            wizard.action_confirm()
        wizard.next_date = self.today + timedelta(days=2)
        wizard.action_confirm()
        self.assertEqual(sheet.outcome, "callback")

    def test_confirmation_needs_an_email(self):
        self.ap_contact.email = False
        with self.open_wizard() as form:
            form.outcome = "promise"
            form.promise_amount = 100.0
            form.promise_date = self.today
        with self.assertRaisesRegex(UserError, "Piet de Boer has no email address"):
            form.record.action_confirm()
        self.assertFalse(self.sheet.promise_ids)
        self.assertEqual(self.sheet.state, "prepared")
