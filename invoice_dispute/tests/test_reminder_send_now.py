"""A fresh user's findings on issue 13 (session 6): the collector's send-now
(statement, timing, every email previewed, the level proposed, a wizard
created from a script), what the notices show and the language of a
withdrawal."""

from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_reminder_notice import NoticeCommon


class SendNowCommon(NoticeCommon):
    def collector_form(self, partner, **values):
        """The send-now wizard as the collector opens it from ``partner``."""
        form = Form(
            self.env["invoice.reminder.send.wizard"]
            .with_user(self.collector)
            .with_context(default_partner_id=partner.id)
        )
        for name, value in values.items():
            setattr(form, name, value)
        return form


@tagged("post_install", "-at_install")
class TestSendNowAsCollector(SendNowCommon):
    def test_collector_attaches_the_statement(self):
        """A collector (Collector group only) may not modify the customer: the
        statement is attached to the notice, not to the customer."""
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        with freeze_time(self.today):
            wizard = self.collector_form(self.payer, attach_statement=True).save()
            wizard.action_send()
        notice = self.notice_of(invoice)
        self.assertEqual(notice.create_uid, self.collector)
        attachment = notice.mail_id.attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertIn("Statement", attachment.name)
        self.assertEqual(
            (attachment.res_model, attachment.res_id), (notice._name, notice.id)
        )
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.payer.id)]
            )
        )

    def test_wizard_created_from_a_script_gets_the_proposed_level(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        with freeze_time(self.today):
            wizard = (
                self.env["invoice.reminder.send.wizard"]
                .with_user(self.collector)
                .create({"partner_id": self.payer.id})
            )
            self.assertEqual(wizard.level, 2)
            self.assertEqual(wizard.move_ids, invoice)
            wizard.action_send()
        self.assertEqual(invoice.reminder_level, 2)


@tagged("post_install", "-at_install")
class TestSendNowTiming(SendNowCommon):
    def test_early_escalation_is_not_withdrawn_for_its_timing(self):
        """Level 3 (21 days after the due date) chosen for invoices 11 and 15
        days overdue reminded at level 2: the collector's decision, sent."""
        invoices = self.create_due_invoice(
            self.payer, 100.0, 11
        ) | self.create_due_invoice(self.payer, 200.0, 15)
        self.assertEqual(self.run_reminders(), 2, "level 2 for both")
        self.send_queue()
        with freeze_time(self.today):
            form = self.collector_form(self.payer, level=3)
            self.assertEqual(form.move_ids[:], invoices)
            form.save().action_send()
        notice = self.Notice.search(
            [("partner_id", "=", self.payer.id), ("level", "=", 3)]
        )
        self.assertTrue(notice.sent_manually)
        self.send_queue()
        self.assertEqual(notice.mail_id.state, "sent")
        self.assertEqual(notice.state, "sent")
        self.assertEqual(set(invoices.mapped("reminder_level")), {3})

    def test_failed_lower_level_not_sent_after_a_higher_one(self):
        """Level 2 failed, the collector sent level 3: sending level 2 again
        would reach the customer after level 3 (found by the fresh-user
        check)."""
        invoice = self.create_due_invoice(self.payer, 100.0, 11)
        self.run_reminders()
        level_2 = self.notice_of(invoice)
        level_2.mail_id.write({"state": "exception", "failure_reason": "Bounced"})
        self.assertEqual(level_2.state, "failed")
        with freeze_time(self.today):
            self.collector_form(self.payer, level=3).save().action_send()
        with self.assertRaisesRegex(UserError, "a later reminder"):
            level_2.with_user(self.collector).action_retry()
        self.assertEqual(level_2.state, "failed")
        self.assertEqual(level_2.mail_id.state, "exception")

    def test_early_escalation_still_withdrawn_when_disputed(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 11)
        self.run_reminders()
        self.send_queue()
        with freeze_time(self.today):
            self.collector_form(self.payer, level=3).save().action_send()
        notice = self.Notice.search(
            [("partner_id", "=", self.payer.id), ("level", "=", 3)]
        )
        self.create_dispute(invoice)
        self.send_queue()
        self.assertEqual(notice.state, "withdrawn")
        self.assertIn("paused", notice.message_ids[0].body)

    def test_scheduled_reminder_still_withdrawn_when_not_due(self):
        """Only a collector's notice is spared the timing check."""
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        notice = self.notice_of(invoice)
        self.assertFalse(notice.sent_manually)
        invoice._invoice_dispute_extend_due_date(self.today + timedelta(days=20))
        self.send_queue()
        self.assertEqual(notice.state, "withdrawn")

    def test_note_before_the_due_date_refused_for_an_overdue_invoice(self):
        """Level 1 (a friendly note 3 days before the due date) for an invoice
        11 days overdue: not listed, not previewed as "fall due soon",
        refused at send."""
        invoice = self.create_due_invoice(self.payer, 100.0, 11)
        with freeze_time(self.today):
            form = self.collector_form(self.payer, level=1)
            self.assertFalse(form.move_ids[:])
            self.assertIn("past their due date", form.nothing_reason)
            form.move_ids.add(invoice)
            self.assertFalse(form.preview)
            self.assertIn("note before the due date", form.preview_error)
            wizard = form.save()
            with self.assertRaisesRegex(UserError, "note before the due date"):
                wizard.action_send()
        self.assertFalse(self.logs_of(invoice))
        self.assertFalse(self.Notice.search([("partner_id", "=", self.payer.id)]))

    def test_proposed_level_has_something_to_send(self):
        """After level 2, with an invoice 40 days overdue and another not due
        yet: once level 3's days after level 2 have passed, level 3 is
        proposed with the overdue invoice, not an empty level 1."""
        overdue = self.create_due_invoice(self.payer, 100.0, 40)
        self.create_due_invoice(self.payer, 300.0, -20)
        self.run_reminders()
        self.assertEqual(overdue.reminder_level, 2)
        with freeze_time(self.today + timedelta(days=7)):
            form = self.collector_form(self.payer)
            self.assertEqual(form.level, 3)
            self.assertEqual(form.move_ids[:], overdue)
            self.assertIn(overdue.name, str(form.preview))

    def test_nothing_to_send_says_why(self):
        later = self.create_due_invoice(self.payer, 300.0, -20)
        with freeze_time(self.today):
            form = self.collector_form(self.payer)
            self.assertFalse(form.move_ids[:])
            self.assertIn(later.name, form.nothing_reason)
            self.assertIn("not due for it yet", form.nothing_reason)
            wizard = form.save()
            with self.assertRaisesRegex(UserError, "not due for it yet"):
                wizard.action_send()
        self.assertFalse(self.logs_of(later))


@tagged("post_install", "-at_install")
class TestSendNowEveryEmailPreviewed(SendNowCommon):
    def test_one_preview_per_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 0.5)])
        usd_invoice = self.create_due_invoice(self.payer, 100.0, 10)
        due = self.today - timedelta(days=10)
        eur_invoice = self.create_invoice(
            self.payer,
            70.0,
            invoice_date=due - timedelta(days=30),
            invoice_date_due=due,
            currency_id=eur.id,
        )
        with freeze_time(self.today):
            form = self.collector_form(self.payer)
            self.assertEqual(form.move_ids[:], usd_invoice | eur_invoice)
            preview = str(form.preview)
            form.save().action_send()
        self.assertIn("Email 1 of 2", preview)
        self.assertIn("Email 2 of 2", preview)
        for invoice in usd_invoice | eur_invoice:
            self.assertIn(invoice.name, preview)
        self.assertIn("$\xa0100.00", preview)
        self.assertIn("70.00\xa0€", preview)
        notices = self.Notice.search([("partner_id", "=", self.payer.id)])
        self.assertEqual(len(notices), 2)


@tagged("post_install", "-at_install")
class TestNoticeAmountsShown(SendNowCommon):
    def test_list_shows_what_the_notices_list(self):
        """The list shows what each notice lists (its email's "Total open")
        and sums no amount: grouped notices mix currencies (SPEC §10)."""
        Notice = self.env["invoice.reminder.notice"].with_user(self.collector)
        arch = etree.fromstring(Notice.get_view(view_type="list")["arch"])
        (amount_open,) = arch.xpath("//field[@name='amount_open']")
        (amount_net,) = arch.xpath("//field[@name='amount_net']")
        self.assertIsNone(amount_open.get("sum"))
        self.assertIsNone(amount_net.get("sum"))
        self.assertEqual(amount_net.get("optional"), "hide")
        form = etree.fromstring(Notice.get_view(view_type="form")["arch"])
        for name in ("amount_due", "amount_credit", "amount_net"):
            (node,) = form.xpath(f"//field[@name='{name}']")
            self.assertEqual(node.get("invisible"), "not amount_credit", name)
        fields = Notice._fields
        self.assertIn("Total open", fields["amount_open"].help)
        self.assertIn("other invoices due", fields["amount_due"].help)
        self.assertIn("without open credits", fields["amount_net"].help)

    def test_notice_without_credits_asks_the_total_open(self):
        listed = self.create_due_invoice(self.payer, 100.0, 10)
        self.create_due_invoice(self.payer, 250.0, 3)
        with freeze_time(self.today):
            self.collector_form(self.payer, level=2).save().action_send()
        notice = self.notice_of(listed)
        self.assertEqual(notice.move_ids, listed)
        self.assertEqual(notice.amount_open, 100.0)
        self.assertEqual(notice.amount_net, 350.0, "includes the other invoice due")
        body = notice.mail_id.body_html
        self.assertIn("Total open: <strong>$\xa0100.00</strong>", body)
        self.assertNotIn("350.00", body)


@tagged("post_install", "-at_install")
class TestWithdrawalLanguage(SendNowCommon):
    def test_withdrawal_in_the_collectors_language(self):
        """The mail queue run by a Dutch user withdraws an English customer's
        notice: reason and note in the collector's language (English)."""
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_dispute"], ["nl_NL"], overwrite=True
        )
        self.collector.lang = "en_US"
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        notice = self.notice_of(invoice)
        self.create_dispute(invoice)
        with freeze_time(self.today):
            self.env["mail.mail"].with_context(lang="nl_NL").browse(
                notice.mail_id.id
            ).send()
        self.assertEqual(notice.state, "withdrawn")
        self.assertIn("A reminder was withdrawn", notice.message_ids[0].body)
        self.assertIn("are paused", notice.mail_id.failure_reason)
