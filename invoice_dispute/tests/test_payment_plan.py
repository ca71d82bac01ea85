from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestPaymentPlan(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("invoice_dispute.ir_cron_check_promises_and_plans")

    def pay(self, invoice, amount, payment_date=None):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"amount": amount, "payment_date": payment_date or date.today()}
        )._create_payments()

    @freeze_time("2026-01-10")
    def make_plan(self, invoices=None, **vals):
        """A draft plan of ``self.customer`` recorded on 2026-01-10, first
        installment on Jan 31."""
        return super().make_plan(
            invoices,
            **{
                "partner_id": self.customer.id,
                "installment_count": 3,
                "date_first": date(2026, 1, 31),
                **vals,
            },
        )

    @freeze_time("2026-01-10")
    def test_plan_form_builds_exact_schedule(self):
        plan_form = Form(self.env["invoice.payment.plan"])
        plan_form.partner_id = self.customer
        plan_form.move_ids.add(self.invoice_1)
        plan_form.move_ids.add(self.invoice_2)
        self.assertEqual(plan_form.amount_total, 1500.0, "defaults to the open amount")
        plan_form.amount_total = 1000.0
        plan_form.installment_count = 3
        plan_form.interval = "monthly"
        plan_form.date_first = date(2026, 1, 31)
        plan_form.grace_days = 5
        plan = plan_form.save()
        self.assertRegex(plan.name, r"^PLAN/\d{4}/\d{5}$")
        self.assertEqual(plan.line_ids.mapped("amount"), [333.33, 333.33, 333.34])
        self.assertEqual(
            plan.line_ids.mapped("date_due"),
            [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)],
        )
        self.assertEqual(plan.state, "draft")
        # Changing the terms in the form rebuilds the schedule.
        with Form(plan) as plan_form:
            plan_form.installment_count = 4
            plan_form.interval = "weekly"
        self.assertEqual(len(plan.line_ids), 4)
        self.assertEqual(sum(plan.line_ids.mapped("amount")), 1000.0)
        self.assertEqual(plan.line_ids[1].date_due, date(2026, 2, 7))

    def test_generate_schedule_biweekly(self):
        plan = self.make_plan(
            amount_total=100.0, installment_count=6, interval="biweekly"
        )
        plan.action_generate_schedule()
        self.assertEqual(plan.line_ids.mapped("amount"), [16.66] * 5 + [16.70])
        self.assertEqual(plan.line_ids[-1].date_due, date(2026, 4, 11))

    def test_bad_terms_are_refused(self):
        plans = self.env["invoice.payment.plan"].search_count([])
        cases = [
            ({"amount_total": 0.0}, "greater than zero"),
            ({"amount_total": -5.0}, "greater than zero"),
            ({"amount_total": 1000.01}, r"exceeds what is open on its invoices"),
            ({"installment_count": 0}, "at least one installment"),
            ({"amount_total": 0.02, "installment_count": 3}, "cannot be split"),
        ]
        for vals, message in cases:
            with self.assertRaisesRegex(ValidationError, message):
                self.make_plan(**vals)
        with self.assertRaisesRegex(ValidationError, "belongs to partner_a, not to"):
            self.make_plan(self.other_invoice)
        self.assertEqual(self.env["invoice.payment.plan"].search_count([]), plans)

    def test_edited_installments_checked(self):
        plan = self.make_plan(amount_total=900.0)
        plan.action_generate_schedule()
        first, second, third = plan.line_ids
        with self.assertRaisesRegex(ValidationError, r"sum to \W*910\.00"):
            first.amount = 310.0
        self.assertEqual(first.amount, 300.0)
        with self.assertRaisesRegex(ValidationError, "strictly increase"):
            third.date_due = date(2026, 2, 28)
        # A consistent edit is accepted.
        plan.write(
            {
                "line_ids": [
                    Command.update(first.id, {"amount": 200.0}),
                    Command.update(second.id, {"amount": 400.0}),
                ]
            }
        )
        self.assertEqual(sum(plan.line_ids.mapped("amount")), 900.0)
        with self.assertRaisesRegex(ValidationError, "greater than zero"):
            plan.write(
                {
                    "line_ids": [
                        Command.update(first.id, {"amount": 0.0}),
                        Command.update(second.id, {"amount": 600.0}),
                    ]
                }
            )

    @freeze_time("2026-01-10")
    def test_plain_create_from_call_sheet(self):
        """The call sheet creates draft plans with a plain create."""
        plan = self.env["invoice.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_1.ids)],
                "amount_total": 1000.0,
                "installment_count": 4,
                "interval": "weekly",
                "date_first": date(2026, 3, 2),
            }
        )
        self.assertEqual(plan.state, "draft")
        plan.action_propose()
        self.assertEqual(plan.state, "proposed")
        self.assertEqual(len(plan.line_ids), 4, "proposing builds the schedule")

    def test_activate_sends_schedule_in_customer_language(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.customer.lang = "nl_NL"
        plan = self.make_plan(amount_total=600.0, installment_count=2)
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.date_activated, date.today())
        message = plan.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn(self.customer, message.partner_ids)
        self.assertIn(plan.name, message.subject)
        # Dates in the customer's (Dutch) format.
        self.assertIn("31-01-2026", message.body)
        self.assertIn("28-02-2026", message.body)
        self.assertIn(self.invoice_1.name, message.body)
        # Reminders pause on the plan's invoices.
        self.assertEqual(self.invoice_1.reminder_exclusion_reason, "plan")
        self.assertIn(
            self.invoice_1,
            self.env["account.move"].search(
                [("reminder_exclusion_reason", "=", "plan")]
            ),
        )
        self.assertFalse(self.invoice_2.reminder_excluded)
        self.assertEqual(self.invoice_1.payment_plan_count, 1)
        self.assertEqual(self.customer.payment_plan_count, 1)
        action = self.invoice_1.action_view_payment_plans()
        self.assertEqual(action["res_id"], plan.id)

    def test_activate_refused_on_paid_invoice(self):
        plan = self.make_plan(amount_total=300.0)
        self.pay(self.invoice_1, 1000.0)
        with self.assertRaisesRegex(UserError, "already paid"):
            plan.action_activate()
        self.assertEqual(plan.state, "draft")
        self.assertFalse(
            plan.message_ids.filtered(lambda m: m.message_type == "comment")
        )

    def test_one_active_plan_per_invoice(self):
        self.make_plan(amount_total=300.0).action_activate()
        with self.assertRaisesRegex(UserError, "already in the active payment plan"):
            self.make_plan(amount_total=300.0).action_activate()

    def test_payments_allocated_and_plan_completed(self):
        with freeze_time("2026-01-10"):
            plan = self.make_plan(amount_total=900.0, grace_days=3)
            plan.action_activate()
            self.pay(self.invoice_1, 450.0)
            self.assertEqual(plan.amount_paid, 450.0)
            self.assertEqual(plan.line_ids.mapped("amount_paid"), [300.0, 150.0, 0.0])
            self.assertEqual(
                plan.line_ids.mapped("state"), ["paid", "pending", "pending"]
            )
            self.assertEqual(plan.date_next, date(2026, 2, 28))
        with freeze_time("2026-03-01"):
            self.pay(self.invoice_1, 450.0)
            self.cron.method_direct_trigger()
            self.assertEqual(plan.line_ids.mapped("state"), ["paid"] * 3)
            self.assertEqual(plan.state, "completed")

    def test_plan_broken_after_grace_days(self):
        with freeze_time("2026-01-10"):
            plan = self.make_plan(amount_total=900.0, grace_days=3)
            plan.action_activate()
            self.pay(self.invoice_1, 300.0)
        with freeze_time("2026-03-03"):
            # Feb 28 + 3 grace days: still on time.
            self.cron.method_direct_trigger()
            self.assertEqual(plan.state, "active")
            self.assertEqual(
                plan.line_ids.mapped("state"), ["paid", "pending", "pending"]
            )
        with freeze_time("2026-03-04"):
            self.cron.method_direct_trigger()
            self.assertEqual(plan.line_ids.mapped("state"), ["paid", "late", "pending"])
            self.assertEqual(plan.state, "broken")
            activity = plan.activity_ids
            self.assertEqual(
                activity.activity_type_id,
                self.env.ref("invoice_dispute.mail_activity_plan_broken"),
            )
            self.assertEqual(activity.user_id, plan.user_id)
            self.assertFalse(self.invoice_1.reminder_excluded, "reminders resume")
            # Running again creates nothing twice.
            self.cron.method_direct_trigger()
            self.assertEqual(len(plan.activity_ids), 1)

    def test_installment_calendar_filters(self):
        with freeze_time("2026-02-25"):
            plan = self.make_plan(amount_total=900.0)
            plan.action_activate()
            lines = self.env["invoice.payment.plan.line"]
            week = lines.search(
                [
                    ("plan_id", "=", plan.id),
                    ("date_due", ">=", date(2026, 2, 23)),
                    ("date_due", "<=", date(2026, 3, 1)),
                ]
            )
            self.assertEqual(week.date_due, date(2026, 2, 28))
            action = self.env.ref("invoice_dispute.invoice_payment_plan_line_action")
            self.assertTrue(action.view_mode.startswith("calendar"))

    def test_cancel_and_delete(self):
        plan = self.make_plan(amount_total=300.0)
        plan.action_activate()
        with self.assertRaisesRegex(UserError, "cannot be deleted, only from Draft"):
            plan.unlink()
        with self.assertRaisesRegex(
            UserError, "is Active: it cannot be changed by deleting its installments"
        ):
            plan.line_ids[-1:].unlink()
        plan.action_cancel()
        self.assertEqual(plan.state, "cancelled")
        self.assertFalse(self.invoice_1.reminder_excluded)
        with self.assertRaisesRegex(UserError, "cannot be activated"):
            plan.action_activate()
        plan.unlink()

    def test_plan_from_invoices(self):
        server_action = self.env.ref("invoice_dispute.action_move_new_payment_plan")
        action = server_action.with_context(
            active_model="account.move",
            active_ids=(self.invoice_1 | self.invoice_2).ids,
        ).run()
        self.assertEqual(action["res_model"], "invoice.payment.plan")
        plan_form = Form(
            self.env["invoice.payment.plan"].with_context(**action["context"])
        )
        self.assertEqual(plan_form.partner_id, self.customer)
        self.assertEqual(plan_form.amount_total, 1500.0)
        plan_form.installment_count = 2
        plan = plan_form.save()
        self.assertEqual(plan.move_ids, self.invoice_1 | self.invoice_2)
        self.assertEqual(plan.line_ids.mapped("amount"), [750.0, 750.0])
        with self.assertRaisesRegex(UserError, "single customer"):
            (self.invoice_1 | self.other_invoice).action_new_payment_plan()
