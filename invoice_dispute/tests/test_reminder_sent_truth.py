"""A fresh user's findings on the reminder notices (issue 13, session 7): an
earlier reminder only when one was delivered, withdrawals in the notice's
internal language, a net amount checked as it was stored, a recipient
without an email address, the level a send-now proposes, the statement's
file name and its net amounts."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval, time

from .common import load_migration
from .test_customer_statement import REPORT, StatementCommon
from .test_reminder_notice import NoticeCommon

EARLIER = "Despite our earlier reminder"


class SentTruthCommon(NoticeCommon):
    def pay(self, invoices, lang=None):
        with freeze_time(self.today):
            return (
                self.env["account.payment.register"]
                .with_context(
                    active_model="account.move", active_ids=invoices.ids, lang=lang
                )
                .create({"payment_date": self.today, "group_payment": True})
                ._create_payments()
            )

    def load_dutch(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_dispute"], ["nl_NL"], overwrite=True
        )


@tagged("post_install", "-at_install")
class TestReminderEarlierSent(SentTruthCommon):
    def _level_3_body(self, level_2_delivered):
        invoice = self.create_due_invoice(self.payer, 100.0, 11)
        self.run_reminders()
        level_2 = self.notice_of(invoice)
        if level_2_delivered:
            self.send_queue()
        else:
            level_2.mail_id.write({"state": "exception", "failure_reason": "Bounced"})
        self.assertEqual(level_2.state, "sent" if level_2_delivered else "failed")
        # 25 days overdue, 14 days after level 2: level 3 by the rules
        self.assertEqual(self.run_reminders(self.today + timedelta(days=14)), 1)
        level_3 = self.Notice.search(
            [("partner_id", "=", self.payer.id), ("level", "=", 3)]
        )
        self.assertEqual(level_3.move_ids, invoice)
        return level_3, level_3.mail_id.body_html

    def test_failed_level_2_is_no_earlier_reminder(self):
        level_3, body = self._level_3_body(level_2_delivered=False)
        self.assertNotIn(EARLIER, body)
        self.assertIn("well past their due date", body)
        self.assertFalse(level_3._has_sent_earlier_reminder())
        # nor a second reminder in the subject
        subject = level_3.mail_id.subject
        self.assertNotIn("second", subject)
        self.assertIn(": reminder, invoices past due", subject)

    def test_delivered_level_2_is_an_earlier_reminder(self):
        level_3, body = self._level_3_body(level_2_delivered=True)
        self.assertIn(EARLIER, body)
        self.assertTrue(level_3._has_sent_earlier_reminder())
        self.assertIn(": second reminder, invoices past due", level_3.mail_id.subject)

    def test_failed_level_2_dutch_subject(self):
        self.load_dutch()
        self.payer.lang = "nl_NL"
        level_3, __ = self._level_3_body(level_2_delivered=False)
        self.assertIn(
            ": herinnering, facturen over de vervaldatum", level_3.mail_id.subject
        )
        self.assertNotIn("tweede", level_3.mail_id.subject)

    def test_final_notice_claims_no_plural_reminders(self):
        template = self.env.ref("invoice_dispute.mail_template_reminder_4")
        self.assertNotIn("earlier reminders", str(template.body_html))
        self.assertIn(
            "We have reminded you of the invoices below before", str(template.body_html)
        )

    def test_migration_replaces_the_shipped_wording(self):
        template_3 = self.env.ref("invoice_dispute.mail_template_reminder_3")
        template_4 = self.env.ref("invoice_dispute.mail_template_reminder_4")
        post = load_migration("18.0.2.3.0", "post-migrate")
        self.load_dutch()
        new_nl = template_3.with_context(lang="nl_NL").subject
        self.assertIn("'herinnering'", new_nl)
        template_3.subject = (
            "{{ object.company_id.name }}: second reminder, invoices past due"
        )
        old_nl = "{{ object.company_id.name }}: tweede herinnering, "
        old_nl += "facturen over de vervaldatum"
        template_3.with_context(lang="nl_NL").subject = old_nl
        body = str(template_4.body_html)
        old_sentence, new_sentence = post.SENTENCES_4[0]
        template_4.body_html = body.replace(new_sentence, old_sentence)
        self.assertEqual(post.update_earlier_reminder_wording(self.env), 2)
        self.assertIn("'reminder' }}, invoices past due", template_3.subject)
        self.assertEqual(template_3.with_context(lang="nl_NL").subject, new_nl)
        self.assertEqual(str(template_4.body_html), body)
        # idempotent
        self.assertEqual(post.update_earlier_reminder_wording(self.env), 0)
        # a company's own subject is kept
        template_3.subject = "{{ object.company_id.name }}: our second letter"
        self.assertEqual(post.update_earlier_reminder_wording(self.env), 0)
        self.assertEqual(
            template_3.subject, "{{ object.company_id.name }}: our second letter"
        )

    def test_migration_replaces_the_shipped_condition(self):
        template = self.env.ref("invoice_dispute.mail_template_reminder_3")
        condition = "object._has_sent_earlier_reminder()"
        old = str(template.body_html).replace(
            condition, "object.move_ids.filtered('reminder_level')"
        )
        template.body_html = old
        self.assertNotIn(condition, str(template.body_html))
        post = load_migration("18.0.2.3.0", "post-migrate")
        self.assertEqual(post.update_earlier_reminder_condition(self.env), 1)
        self.assertIn(condition, str(template.body_html))
        self.assertNotIn("filtered('reminder_level')", str(template.body_html))
        # idempotent
        self.assertEqual(post.update_earlier_reminder_condition(self.env), 0)


@tagged("post_install", "-at_install")
class TestReminderWithdrawalInternalLanguage(SentTruthCommon):
    def test_payment_by_a_dutch_user_withdraws_in_the_collectors_language(self):
        self.load_dutch()
        self.collector.lang = "en_US"
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        notice = self.notice_of(invoice)
        self.assertEqual(notice.state, "queued")
        self.env.user.lang = "nl_NL"
        self.pay(invoice, lang="nl_NL")
        self.assertEqual(notice.state, "withdrawn")
        note = notice.message_ids[0].body
        self.assertIn("A reminder was withdrawn before it was sent", note)
        self.assertIn(f"Invoice {invoice.name} is paid.", note)
        self.assertIn(f"Invoice {invoice.name} is paid.", notice.mail_id.failure_reason)


@tagged("post_install", "-at_install")
class TestReminderNetAmountChecked(SentTruthCommon):
    def test_an_invoice_falling_due_meanwhile_does_not_withdraw(self):
        """The notice asks what was due on its date; the next day another
        invoice falls due: the customer's balance did not change, the
        notice leaves."""
        overdue = self.create_due_invoice(self.payer, 100.0, 10)
        self.create_due_invoice(self.payer, 300.0, -1)
        self.run_reminders()
        notice = self.notice_of(overdue)
        self.assertEqual(notice.amount_net, 100.0)
        self.send_queue(self.today + timedelta(days=1))
        self.assertEqual(notice.state, "sent")


@tagged("post_install", "-at_install")
class TestSendNowWithoutEmail(SentTruthCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.silent = cls.env["res.partner"].create(
            {"name": "Silent Ltd", "is_company": True, "collector_id": cls.collector.id}
        )

    def test_wizard_warns_and_claims_nothing(self):
        invoice = self.create_due_invoice(self.silent, 100.0, 10)
        with freeze_time(self.today):
            form = self.collector_form(self.silent)
            self.assertEqual(form.move_ids[:], invoice)
            self.assertIn("Silent Ltd has no email address", form.warning)
            wizard = form.save()
            with self.assertRaisesRegex(UserError, "has no email address"):
                wizard.action_send()
        self.assertFalse(self.logs_of(invoice))
        self.assertFalse(self.Notice.search([("partner_id", "=", self.silent.id)]))
        self.assertEqual(invoice.reminder_level, 0)

    def test_cron_notice_says_why(self):
        invoice = self.create_due_invoice(self.silent, 100.0, 10)
        self.run_reminders()
        notice = self.notice_of(invoice)
        self.assertEqual(notice.state, "failed")
        self.assertIn("no email address", notice.unsent_reason)
        self.assertIn("Silent Ltd", notice.unsent_reason)
        self.assertIn("Not emailed", notice.message_ids[0].body)
        self.assertIn("Silent Ltd", notice.message_ids[0].body)

    def collector_form(self, partner):
        return Form(
            self.env["invoice.reminder.send.wizard"]
            .with_user(self.collector)
            .with_context(default_partner_id=partner.id)
        )


@tagged("post_install", "-at_install")
class TestSendNowProposedLevel(SentTruthCommon):
    def test_no_escalation_proposed_on_the_day_of_the_previous_level(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 40)
        self.run_reminders()
        self.assertEqual(invoice.reminder_level, 2)
        engine = self.Engine.with_user(self.collector)
        with freeze_time(self.today):
            self.assertEqual(
                engine._get_send_now_level(self.payer, self.env.company), 2
            )
            form = Form(
                self.env["invoice.reminder.send.wizard"]
                .with_user(self.collector)
                .with_context(default_partner_id=self.payer.id)
            )
            self.assertEqual(form.level, 2)
            self.assertFalse(form.move_ids[:])
            # level 3 waits the rule's 7 days after level 2
            self.assertIn("level 3 is due for them from", form.nothing_reason)
            # the collector picks it: an escalation of theirs
            form.level = 3
            self.assertEqual(form.move_ids[:], invoice)
        with freeze_time(self.today + timedelta(days=7)):
            self.assertEqual(
                engine._get_send_now_level(self.payer, self.env.company), 3
            )


@tagged("post_install", "-at_install")
class TestCustomerStatementNames(StatementCommon):
    def test_file_name_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_dispute"], ["nl_NL"], overwrite=True
        )
        self.client.lang = "nl_NL"
        report = self.env.ref(REPORT).with_context(lang="en_US")
        name = safe_eval(
            report.print_report_name, {"object": self.client, "time": time}
        )
        # the trailing dot of "B.V." is dropped: the extension adds one
        self.assertEqual(name, "Rekeningoverzicht - Bakkerij Jansen B.V")

    def test_file_name_has_no_double_dot(self):
        self.client.lang = "en_US"
        self.client.name = "Test Nederland B.V."
        self.assertEqual(
            self.client._get_customer_statement_filename(),
            "Statement - Test Nederland B.V",
        )
        self.client.name = "Test Nederland"
        self.assertEqual(
            self.client._get_customer_statement_filename(),
            "Statement - Test Nederland",
        )

    def test_migration_drops_the_former_file_name_translations(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        report = self.env.ref(REPORT)
        dutch = report.with_context(lang="nl_NL")
        dutch.print_report_name = "'Overzicht - %s' % object.name"
        post = load_migration("18.0.2.3.0", "post-migrate")
        post.reset_statement_report_name(self.env)
        dutch.invalidate_recordset()
        self.assertEqual(
            dutch.print_report_name, "object._get_customer_statement_filename()"
        )

    def test_net_due_now_and_net_balance(self):
        self.invoice_due(100.0, 10)
        self.invoice_due(300.0, -20)
        self.create_invoice(self.client, 30.0, move_type="out_refund")
        values = self.statement()[self.env.company.currency_id]
        self.assertEqual(values["amount_due_now"], 100.0)
        self.assertEqual(values["amount_net_due_now"], 70.0)
        self.assertEqual(values["amount_net"], 370.0)
        html = self.render_html()
        self.assertIn("Net amount due now (invoices due, less open credits)", html)
        self.assertIn("Net balance, all open invoices (not yet due included)", html)
