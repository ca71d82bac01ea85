from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .test_reminder import ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderEscalation(ReminderCommon):
    """Levels follow each other in order from the company's go-live; the
    backlog is never blasted with final notices (issue 17, point 1)."""

    def create_backlog(self):
        """Twelve customers, each with an invoice 10 to 120 days overdue."""
        partners = self.env["res.partner"].create(
            [
                {"name": f"Backlog {i}", "is_company": True, "email": f"b{i}@ex.com"}
                for i in range(12)
            ]
        )
        return self.env["account.move"].union(
            *(
                self.create_due_invoice(partner, 100.0, 10 + 10 * i)
                for i, partner in enumerate(partners)
            )
        )

    def test_new_company_defaults_are_safe(self):
        company = self.env["res.company"].create({"name": "Go-live B.V."})
        self.assertEqual(
            company.reminder_start_date, fields.Date.context_today(company)
        )
        self.assertEqual(company.reminder_backlog_level, 2)
        self.assertEqual(company.reminder_resume_days, 7)

    def test_first_run_sends_no_final_notice(self):
        """The first run after installing: first reminders only, no firm
        reminder, no final notice, no activity."""
        self.env.company.reminder_start_date = self.today
        backlog = self.create_backlog()
        self.assertEqual(self.run_reminders(), 12)
        logs = self.logs_of(backlog)
        self.assertEqual(set(logs.mapped("level")), {2})
        self.assertFalse(logs.activity_id)
        # the next day: nothing (each level waits for its interval)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=1)), 0)

    def test_backlog_level(self):
        """Old invoices may start at a firmer level, or get no automated
        reminder at all; invoices due after the go-live date start as usual."""
        self.env.company.write({"reminder_start_date": self.today - timedelta(days=15)})
        old = self.create_due_invoice(self.payer, 100.0, 40)
        new = self.create_due_invoice(self.customer, 100.0, 10)
        self.env.company.reminder_backlog_level = 0
        self.assertEqual(self.run_reminders(), 1)
        self.assertFalse(self.logs_of(old))
        self.assertEqual(self.logs_of(new).level, 2)
        self.env.company.reminder_backlog_level = 3
        self.assertEqual(self.run_reminders(), 1)
        self.assertEqual(self.logs_of(old).level, 3)
        # then in order: the final notice after level 3's interval only
        self.assertEqual(self.run_reminders(self.today + timedelta(days=6)), 0)
        self.run_reminders(self.today + timedelta(days=7))
        self.assertEqual(old.reminder_level, 4)

    def test_bad_settings_refused(self):
        for field in ("reminder_backlog_level", "reminder_resume_days"):
            with self.assertRaisesRegex(ValidationError, "must be 0 or more"):
                self.env.company.write({field: -1})

    def test_settings_form(self):
        settings = Form(self.env["res.config.settings"])
        settings.reminder_backlog_level = 3
        settings.reminder_resume_days = 10
        settings.save().execute()
        self.assertEqual(self.env.company.reminder_backlog_level, 3)
        self.assertEqual(self.env.company.reminder_resume_days, 10)


@tagged("post_install", "-at_install")
class TestReminderResume(ReminderCommon):
    """After a dispute, plan, promise or block ends, reminders resume after
    the grace days and mention the agreement (issue 17, point 2)."""

    def resolve_with_credit_note(self, dispute, amount):
        action = dispute.action_resolve()
        wizard = Form(
            self.env["invoice.dispute.resolve.wizard"].with_context(**action["context"])
        )
        wizard.resolution_type = "credit_note"
        wizard.amount = amount
        wizard.save().action_confirm()

    def test_resolved_dispute_resumes_gently(self):
        invoice = self.create_due_invoice(self.payer, 1000.0, 90)
        self.set_sent_level(invoice, 3, days_ago=40)
        with freeze_time(self.today):
            dispute = self.create_dispute(invoice, amounts=[200.0])
            dispute.action_start_investigation()
            dispute.action_agree()
            self.resolve_with_credit_note(dispute, 200.0)
        self.assertEqual(invoice.amount_residual, 800.0)
        self.assertEqual(invoice.reminder_resume_date, self.today + timedelta(days=7))
        self.assertEqual(invoice.reminder_agreement_date, self.today)
        # no final notice on the day of the agreement, nor in the grace days
        self.assertEqual(self.run_reminders(), 0)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=6)), 0)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=7)), 1)
        log = self.logs_of(invoice).filtered(lambda log: log.level == 4)
        body = log.mail_id.body_html
        self.assertIn("Following our agreement of", body)
        self.assertIn(self.today.strftime("%m/%d/%Y"), body)
        self.assertIn("800.00", body)
        # only the first reminder after the agreement mentions it
        self.assertFalse(invoice._get_reminder_agreement_date())

    def test_cancelled_promise_resumes_after_grace(self):
        invoice = self.create_due_invoice(self.payer, 300.0, 30)
        with freeze_time(self.today):
            promise = self.env["invoice.payment.promise"].create(
                {
                    "partner_id": self.payer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "amount": 300.0,
                    "date_promised": self.today + timedelta(days=5),
                }
            )
        self.assertEqual(self.run_reminders(), 0)
        with freeze_time(self.today + timedelta(days=2)):
            promise.action_cancel()
        self.assertEqual(self.run_reminders(self.today + timedelta(days=8)), 0)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=9)), 1)
        body = self.logs_of(invoice).mail_id.body_html
        self.assertIn("Following our agreement of", body)
        self.assertEqual(self.logs_of(invoice).level, 2)

    def test_rejected_dispute_is_no_agreement(self):
        invoice = self.create_due_invoice(self.payer, 300.0, 10)
        with freeze_time(self.today):
            dispute = self.create_dispute(invoice)
            dispute.action_reject()
        self.assertFalse(invoice.reminder_agreement_date)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=7)), 1)
        self.assertNotIn(
            "Following our agreement", self.logs_of(invoice).mail_id.body_html
        )
