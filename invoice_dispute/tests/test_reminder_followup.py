"""A fresh user's findings on the reminder notices (issue 13, session 5): a
customer without an email address, the send-now wizard's level, a dispute
reply naming one invoice, the notices' Reply-To and the statement's minus
sign."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import COLLECTOR_GROUPS
from .test_customer_statement import StatementCommon
from .test_reminder_notice import NoticeCommon
from .test_reminder_reply import REPLIES

INVISIBLE = (
    "\N{ZERO WIDTH NO-BREAK SPACE}",
    "\N{ZERO WIDTH SPACE}",
    "\N{ZERO WIDTH NON-JOINER}",
    "\N{ZERO WIDTH JOINER}",
    "\N{WORD JOINER}",
    "\N{SOFT HYPHEN}",
    "\N{LEFT-TO-RIGHT MARK}",
    "\N{RIGHT-TO-LEFT MARK}",
)


class FollowupCommon(NoticeCommon):
    def reply(self, notice, body, to="catchall@example.com"):
        """Feed a customer's reply to ``notice``'s email to Odoo's mail
        gateway; returns the id of the record it was routed to."""
        mail = notice.mail_id
        raw = "".join(
            [
                f"From: Accounts payable <{notice.recipient_id.email}>\r\n",
                f"To: {to}\r\n",
                f"Subject: Re: {mail.subject}\r\n",
                f"Message-ID: <followup-{notice.id}@customer.example.com>\r\n",
                f"In-Reply-To: {mail.message_id}\r\n",
                f"References: {mail.message_id}\r\n",
                "Content-Type: text/plain; charset=utf-8\r\n",
                "\r\n",
                f"{body}\r\n",
            ]
        )
        with freeze_time(self.today):
            return self.env["mail.thread"].message_process(False, raw.encode())


@tagged("post_install", "-at_install")
class TestReminderWithoutEmail(FollowupCommon):
    def test_customer_without_email_gets_a_call_not_an_email(self):
        customer = self.env["res.partner"].create(
            {
                "name": "No Mail Ltd",
                "is_company": True,
                "collector_id": self.collector.id,
            }
        )
        invoices = self.create_due_invoice(
            customer, 100.0, 10
        ) | self.create_due_invoice(customer, 40.0, 12)
        self.assertEqual(self.run_reminders(), 2)
        notice = self.notice_of(invoices)
        self.assertEqual(len(notice), 1)
        # no email queued: failed at once, with its reason
        self.assertFalse(notice.mail_id)
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", notice._name), ("res_id", "=", notice.id)]
            )
        )
        self.assertEqual(notice.state, "failed")
        self.assertEqual(
            notice.unsent_reason, "no email address (No Mail Ltd has none)"
        )
        self.assertIn("no email address", notice.failure_reason)
        # the collector calls instead
        activity = notice.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(notice.activity_id, activity)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("No Mail Ltd", activity.summary)
        for invoice in invoices:
            self.assertIn(invoice.name, str(activity.note))
            self.assertIn("not emailed", invoice.message_ids[0].body)
        # the claim holds (no second reminder of that level), and it does
        # not pretend the email went out
        logs = self.logs_of(invoices)
        self.assertEqual(logs.notice_id, notice)
        self.assertEqual(set(logs.mapped("mail_state")), {"exception"})
        self.assertFalse(logs.mail_id)
        self.assertEqual(set(invoices.mapped("reminder_level")), {2})
        self.assertEqual(self.run_reminders(), 0)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=1)), 0)
        self.assertEqual(self.notice_of(invoices), notice)
        # nothing to send again
        with self.assertRaisesRegex(UserError, "never emailed"):
            notice.action_retry()
        # the mail queue does not touch it
        self.send_queue()
        self.assertEqual(notice.state, "failed")

    def test_customers_with_email_still_emailed_in_the_same_batch(self):
        customer = self.env["res.partner"].create({"name": "No Mail Ltd"})
        silent = self.create_due_invoice(customer, 100.0, 10)
        emailed = self.create_due_invoice(self.payer, 100.0, 10)
        self.assertEqual(self.run_reminders(), 2)
        self.assertEqual(self.notice_of(silent).state, "failed")
        self.assertEqual(self.notice_of(emailed).state, "queued")
        self.assertEqual(self.logs_of(emailed).mail_state, "outgoing")
        # no collector: the user who ran the reminders calls
        self.assertEqual(
            self.notice_of(silent).activity_ids.activity_type_id,
            self.env.ref("mail.mail_activity_data_call"),
        )


@tagged("post_install", "-at_install")
class TestReminderSendWizardLevel(FollowupCommon):
    def test_level_decides_the_invoices(self):
        recent = self.create_due_invoice(self.payer, 100.0, 10)
        old = self.create_due_invoice(self.payer, 200.0, 50)
        with freeze_time(self.today):
            form = Form(
                self.env["invoice.reminder.send.wizard"]
                .with_user(self.collector)
                .with_context(default_partner_id=self.payer.id)
            )
            self.assertEqual(form.level, 2)
            self.assertEqual(form.move_ids[:], recent | old)
            # a final notice (45 days after the due date) lists only the
            # invoice that late, and its preview only names that one
            form.level = 4
            self.assertEqual(form.rule_id, self.rule_by_level[4])
            self.assertEqual(form.move_ids[:], old)
            self.assertIn(old.name, str(form.preview))
            self.assertNotIn(recent.name, str(form.preview))
            form.level = 3
            self.assertEqual(form.move_ids[:], old)
            form.level = 2
            self.assertEqual(form.move_ids[:], recent | old)
            form.level = 4
            wizard = form.save()
            wizard.action_send()
        self.assertEqual(self.notice_of(old).move_ids, old)
        self.assertEqual(old.reminder_level, 4)
        self.assertFalse(self.logs_of(recent))

    def test_an_invoice_not_due_for_the_level_is_refused(self):
        recent = self.create_due_invoice(self.payer, 100.0, 10)
        wizard = self.send_wizard(self.payer, level=4)
        self.assertFalse(wizard.move_ids)
        wizard.move_ids = recent
        with (
            freeze_time(self.today),
            self.assertRaisesRegex(UserError, "not due for level 4"),
        ):
            wizard.action_send()
        self.assertFalse(self.logs_of(recent))


@tagged("post_install", "-at_install")
class TestReminderReplyNamesInvoices(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector_en = cls.create_user("collector_named", COLLECTOR_GROUPS)
        cls.customer_en = cls.env["res.partner"].create(
            {
                "name": "Named Ltd",
                "is_company": True,
                "email": "ap@named.example.com",
                "lang": "en_US",
                "collector_id": cls.collector_en.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.first = self.create_due_invoice(self.customer_en, 100.0, 10)
        self.second = self.create_due_invoice(self.customer_en, 50.0, 12)
        self.third = self.create_due_invoice(self.customer_en, 70.0, 11)
        self.run_reminders()
        self.notice = self.notice_of(self.first)
        self.assertEqual(self.notice.move_ids, self.first | self.second | self.third)

    def disputes(self):
        return self.env["invoice.dispute"].search(
            [("partner_id", "=", self.customer_en.id)]
        )

    def test_reply_naming_one_invoice_disputes_only_that_one(self):
        text = REPLIES["en_US"]["dispute"].replace(
            "this invoice", f"invoice {self.second.name.lower()}"
        )
        self.assertIn(self.second.name.lower(), text)
        self.reply(self.notice, f"{text}\r\n\r\n> {self.first.name} {self.third.name}")
        self.assertEqual(self.notice.reply_intent, "dispute")
        dispute = self.disputes()
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.move_ids, self.second)
        self.assertEqual(dispute.amount_disputed, 50.0)
        self.assertEqual(self.first.dispute_state, "none")

    def test_reply_naming_two_invoices_disputes_both(self):
        text = REPLIES["en_US"]["dispute"].replace(
            "this invoice", f"invoices {self.first.name} and {self.third.name},"
        )
        self.reply(self.notice, text)
        self.assertEqual(self.disputes().move_ids, self.first | self.third)

    def test_reply_naming_no_invoice_disputes_all(self):
        self.reply(self.notice, REPLIES["en_US"]["dispute"])
        self.assertEqual(
            self.disputes().move_ids, self.first | self.second | self.third
        )

    def test_named_in_text_is_a_whole_number(self):
        moves = self.first | self.second
        prefix = self.first.name[:-1]
        self.assertFalse(moves._filter_named_in_text(f"about {prefix}"))
        self.assertFalse(moves._filter_named_in_text(f"{self.first.name}0"))
        self.assertEqual(
            moves._filter_named_in_text(f"({self.first.name})."), self.first
        )


@tagged("post_install", "-at_install")
class TestReminderReplyTo(FollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "reminders.example.com", "catchall_alias": "catchall"}
        )
        cls.env.company.alias_domain_id = cls.alias_domain

    def test_reply_to_routes_back_to_the_notice(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        notice = self.notice_of(invoice)
        mail = notice.mail_id
        expected = notice._notify_get_reply_to()[notice.id]
        self.assertIn("catchall@reminders.example.com", expected)
        self.assertEqual(mail.reply_to, expected)
        self.assertEqual(mail.mail_message_id.reply_to, expected)
        # what the mail server would send: the header is there
        self.assertEqual(mail._prepare_outgoing_list()[0]["reply_to"], expected)
        # a reply to it comes back through the mail gateway into its chatter
        messages = len(notice.message_ids)
        routed = self.reply(
            notice,
            "Could you send me a copy of the invoice please?",
            to=mail.reply_to,
        )
        self.assertEqual(routed, notice.id)
        self.assertEqual(len(notice.message_ids), messages + 1)
        self.assertIn("copy of the invoice", notice.message_ids[0].body)
        self.assertEqual(notice.reply_intent, "question")

    def test_without_catchall_the_sender(self):
        """No alias domain: Odoo's standard reply-to, the sender's address."""
        self.env.company.alias_domain_id = False
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        mail = self.notice_of(invoice).mail_id
        self.assertTrue(mail.email_from)
        self.assertEqual(mail.reply_to, mail.email_from)


@tagged("post_install", "-at_install")
class TestStatementMinusSign(StatementCommon):
    def test_negative_amounts_have_a_plain_minus(self):
        self.invoice_due(100.0, 10)
        self.create_invoice(self.client, 150.33, move_type="out_refund")
        html = self.render_html()
        for char in INVISIBLE:
            self.assertNotIn(char, html, f"U+{ord(char):04X} in the statement")
        # open credits and the net balance in the customer's favour
        self.assertIn("-150.33", html)
        self.assertIn("-50.33", html)
        self.assertIn("Net balance in your favour", html)


@tagged("post_install", "-at_install")
class TestReminderMailChunk(FollowupCommon):
    def test_mail_batch_size_only_for_the_engine(self):
        """The engine queues a batch's emails in one chunk of
        ``mail.template.send_mail_batch``; the setting stays for the rest."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("mail.batch_size", "50")
        self.assertEqual(params.get_param("mail.batch_size"), "50")
        engine = params.with_context(invoice_dispute_mail_batch_size=120)
        self.assertEqual(engine.get_param("mail.batch_size"), "120")
        self.assertEqual(engine.get_param("mail.catchall.alias", "x"), "x")
        partners = self.env["res.partner"].create(
            [
                {"name": f"Chunk {i}", "email": f"chunk{i}@example.com"}
                for i in range(60)
            ]
        )
        invoices = self.env["account.move"]
        for partner in partners:
            invoices |= self.create_due_invoice(partner, 100.0, 10)
        self.assertEqual(self.run_reminders(), 60)
        mails = self.logs_of(invoices).mail_id
        self.assertEqual(len(mails), 60)
        self.assertEqual(params.get_param("mail.batch_size"), "50")
