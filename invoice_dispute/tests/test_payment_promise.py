from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestPaymentPromise(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("invoice_dispute.ir_cron_check_promises_and_plans")
        cls.env.company.promise_grace_days = 2

    def pay(self, invoice, amount):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount})._create_payments()

    def make_promise(self, **vals):
        return self.env["invoice.payment.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_1.ids)],
                "amount": 600.0,
                "date_promised": date(2026, 6, 10),
                "source": "call",
                **vals,
            }
        )

    def test_negative_promise_refused(self):
        for amount in (0.0, -10.0):
            with self.assertRaisesRegex(ValidationError, "greater than zero"):
                self.make_promise(amount=amount)
        self.assertFalse(self.invoice_1.payment_promise_ids)

    @freeze_time("2026-06-01")
    def test_promise_from_invoice_pauses_reminders(self):
        action = self.invoice_1.action_new_payment_promise()
        promise_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        self.assertEqual(promise_form.amount, 1000.0)
        promise_form.date_promised = date(2026, 6, 10)
        promise = promise_form.save()
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.move_ids, self.invoice_1)
        self.assertEqual(promise.amount_open_start, 1000.0)
        self.assertEqual(promise.state, "pending")
        self.assertEqual(self.invoice_1.reminder_exclusion_reason, "promise")
        self.assertEqual(self.invoice_1.payment_promise_count, 1)
        self.assertEqual(self.customer.payment_promise_count, 1)
        promise.action_cancel()
        self.assertFalse(self.invoice_1.reminder_excluded)

    def test_promise_kept(self):
        with freeze_time("2026-06-01"):
            promise = self.make_promise()
            self.pay(self.invoice_1, 600.0)
            self.assertEqual(promise.amount_paid, 600.0)
        with freeze_time("2026-06-12"):
            self.cron.method_direct_trigger()
            self.assertEqual(promise.state, "pending", "within the grace days")
        with freeze_time("2026-06-13"):
            self.cron.method_direct_trigger()
            self.assertEqual(promise.state, "kept")
            self.assertEqual(promise.date_settled, date(2026, 6, 13))
            self.assertFalse(promise.activity_ids)

    def test_broken_promise_without_collector(self):
        """The scheduled action runs as OdooBot: a promise nobody follows
        gets its activity for the invoice's collector, not for OdooBot."""
        with freeze_time("2026-06-01"):
            promise = self.make_promise(user_id=False)
        with freeze_time("2026-06-13"):
            self.cron.method_direct_trigger()
        self.assertEqual(promise.state, "broken")
        user = promise.activity_ids.user_id
        self.assertEqual(user, self.invoice_1._get_collector())
        self.assertNotEqual(user, self.env.ref("base.user_root"))

    def test_promise_broken(self):
        with freeze_time("2026-06-01"):
            promise = self.make_promise()
            self.pay(self.invoice_1, 200.0)
            self.assertEqual(self.invoice_1.reminder_exclusion_reason, "promise")
        with freeze_time("2026-06-13"):
            self.cron.method_direct_trigger()
            self.assertEqual(promise.state, "broken")
            self.assertEqual(promise.amount_paid, 200.0)
            self.assertEqual(
                promise.activity_ids.activity_type_id,
                self.env.ref("invoice_dispute.mail_activity_promise_broken"),
            )
            self.assertEqual(promise.activity_ids.user_id, promise.user_id)
            self.assertFalse(self.invoice_1.reminder_excluded, "reminders resume")
            self.cron.method_direct_trigger()
            self.assertEqual(len(promise.activity_ids), 1)

    def test_cron_batches(self):
        with freeze_time("2026-06-01"):
            promises = self.env["invoice.payment.promise"]
            for day in range(1, 6):
                promises |= self.make_promise(date_promised=date(2026, 6, day))
        with freeze_time("2026-06-20"):
            plan_model = self.env["invoice.payment.plan"]
            self.assertEqual(plan_model._cron_check_promises_and_plans(batch_size=2), 2)
            self.assertEqual(len(promises.filtered(lambda p: p.state == "broken")), 2)
            plan_model._cron_check_promises_and_plans(batch_size=2)
            plan_model._cron_check_promises_and_plans(batch_size=2)
            self.assertEqual(set(promises.mapped("state")), {"broken"})
            self.assertEqual(plan_model._cron_check_promises_and_plans(batch_size=2), 0)

    def test_promise_on_other_customer_invoice_refused(self):
        with self.assertRaisesRegex(ValidationError, "not a posted invoice"):
            self.make_promise(move_ids=[Command.set(self.other_invoice.ids)])
