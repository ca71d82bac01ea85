from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import InvoiceDisputeCommon, load_migration


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

    @freeze_time("2026-06-01")
    def test_numbered_and_kept_once_settled(self):
        """A promise gets its number from its sequence; a pending or
        cancelled one can be deleted, a kept or broken one stays."""
        promise = self.make_promise()
        self.assertRegex(promise.name, r"^PROM/\d{4}/\d{5}$")
        self.assertNotEqual(self.make_promise().name, promise.name)
        promise._force_state("kept")
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            promise.unlink()
        promise._force_state("cancelled")
        promise.unlink()

    @freeze_time("2026-06-01")
    def test_migration_numbers_documents(self):
        """Before 18.0.2.2.0 promises, payment claims and back-billing had a
        computed name: the migration numbers them from their sequence."""
        pre = load_migration("18.0.2.2.0", "pre-migrate")
        post = load_migration("18.0.2.2.0", "post-migrate")
        promise = self.make_promise()
        self.env.flush_all()
        self.assertGreaterEqual(pre.unname_documents(self.env.cr), 1)
        promise.invalidate_recordset(["name"])
        self.assertEqual(promise.name, "/")
        self.assertGreaterEqual(post.number_documents(self.env), 1)
        self.assertRegex(promise.name, r"^PROM/\d{4}/\d{5}$")
        self.assertEqual(post.number_documents(self.env), 0)

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
        with self.assertRaisesRegex(ValidationError, "belongs to partner_a, not to"):
            self.make_promise(move_ids=[Command.set(self.other_invoice.ids)])
