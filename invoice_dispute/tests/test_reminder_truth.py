from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .test_reminder import NET_DUE, ReminderCommon


class TruthCommon(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_2 = cls.env.ref("invoice_dispute.mail_template_reminder_2")

    @classmethod
    def create_credit_note(cls, partner, amount, days_ago=5):
        """A posted credit note of ``amount`` not applied to any invoice."""
        return cls.create_invoice(
            partner,
            amount,
            move_type="out_refund",
            invoice_date=cls.today - timedelta(days=days_ago),
        )

    @classmethod
    def create_payment(cls, partner, amount):
        """A posted customer payment of ``amount`` matched with no invoice."""
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": cls.today - timedelta(days=2),
            }
        )
        payment.action_post()
        return payment

    def mail_of(self, moves):
        return self.logs_of(moves).mail_id

    def last_note(self, record):
        """The body of the last message in ``record``'s chatter."""
        return (
            self.env["mail.message"]
            .search(
                [("model", "=", record._name), ("res_id", "=", record.id)],
                order="id desc",
                limit=1,
            )
            .body
        )

    def render(self, template, record, field="body_html", **context):
        return str(
            template.with_context(**context)._render_field(field, record.ids)[record.id]
        )


@tagged("post_install", "-at_install")
class TestReminderOpenCredits(TruthCommon):
    def test_credit_covering_the_overdue_amount(self):
        """The issue's case: 500 overdue, a credit note of 500 not applied:
        no reminder; once more is due, one reminder nets the credit."""
        invoice = self.create_due_invoice(self.payer, 500.0, 10)
        credit_note = self.create_credit_note(self.payer, 500.0)
        self.assertEqual(self.run_reminders(), 0)
        self.assertFalse(self.logs_of(invoice))
        with freeze_time(self.today):
            self.assertEqual(self.Engine._count_pending_reminders(), 0)
        self.assertEqual(invoice.reminder_level, 0)
        # another invoice falls due: a net 300 is owed, both are reminded once
        # (by the scheduled action itself)
        second = self.create_due_invoice(self.payer, 300.0, 8)
        with freeze_time(self.today):
            self.env.ref(
                "invoice_dispute.ir_cron_send_payment_reminders"
            ).method_direct_trigger()
        self.assertEqual(len(self.logs_of(invoice | second)), 2)
        mail = self.mail_of(invoice | second)
        self.assertEqual(len(mail), 1)
        body = mail.body_html
        self.assertIn(credit_note.name, body)
        self.assertIn("Total open: <strong>$\xa0800.00</strong>", body)
        self.assertIn("Open credits: <strong>$\xa0500.00</strong>", body)
        self.assertIn(f"{NET_DUE}: <strong>$\xa0300.00</strong>", body)
        self.assertEqual(self.logs_of(invoice).amount_credit, 500.0)
        self.assertEqual(self.run_reminders(), 0, "never twice")

    def test_two_levels_the_same_day_each_show_the_net_due(self):
        """500 at the firm level, 300 at the first level, 500 credit: each
        email lists its invoices and asks the same true net of 300, never a
        negative one."""
        old = self.create_due_invoice(self.payer, 500.0, 30)
        new = self.create_due_invoice(self.payer, 300.0, 8)
        self.set_sent_level(old, 2, days_ago=20)
        self.create_credit_note(self.payer, 500.0)
        self.assertEqual(self.run_reminders(), 2)
        self.assertEqual(self.logs_of(old).level, 3)
        self.assertEqual(self.logs_of(new).level, 2)
        # the collector's call activity deducts the credits too
        self.assertIn(
            "not applied yet): $&nbsp;500.00",
            self.logs_of(old).activity_id.note,
        )
        for invoice, other in ((old, "300.00"), (new, "500.00")):
            body = self.mail_of(invoice).body_html
            self.assertIn(f"Other invoices due: <strong>$\xa0{other}</strong>", body)
            self.assertIn(f"{NET_DUE}: <strong>$\xa0300.00</strong>", body)
            self.assertEqual(self.logs_of(invoice).amount_net, 300.0)

    def test_unapplied_payment_counts(self):
        invoice = self.create_due_invoice(self.payer, 400.0, 10)
        payment = self.create_payment(self.payer, 150.0)
        self.assertEqual(self.run_reminders(), 1)
        body = self.mail_of(invoice).body_html
        self.assertIn(payment.move_id.name, body)
        self.assertIn(f"{NET_DUE}: <strong>$\xa0250.00</strong>", body)

    def test_credit_only_nets_the_same_currency_and_company(self):
        invoice = self.create_due_invoice(self.payer, 500.0, 10)
        # a credit note of another customer does not count
        self.create_credit_note(self.customer, 500.0)
        self.assertEqual(self.run_reminders(), 1)
        self.assertNotIn("Open credits", self.mail_of(invoice).body_html)

    def test_template_outside_the_engine_lists_the_credits(self):
        """A collector's send-now (outside the scheduled action) previews and
        sends the same netted figures."""
        invoice = self.create_due_invoice(self.payer, 500.0, 10)
        credit_note = self.create_credit_note(self.payer, 120.0)
        with freeze_time(self.today):
            wizard = Form(
                self.env["invoice.reminder.send.wizard"].with_context(
                    default_partner_id=self.payer.id
                )
            )
            self.assertEqual(wizard.level, 2)
            body = str(wizard.preview)
        self.assertIn(credit_note.name, body)
        self.assertIn(f"{NET_DUE}: <strong>$\xa0380.00</strong>", body)
        self.assertEqual(invoice._get_reminder_totals(), (500.0, 120.0, 380.0, 0.0))

    def test_excluded_invoices_are_not_owed(self):
        """A disputed invoice is not asked for: the credit covers what is."""
        disputed = self.create_due_invoice(self.payer, 1000.0, 10)
        self.create_dispute(disputed)
        invoice = self.create_due_invoice(self.payer, 200.0, 10)
        self.create_credit_note(self.payer, 200.0)
        self.assertEqual(self.run_reminders(), 0)
        self.assertFalse(self.logs_of(invoice | disputed))

    def test_installment_reminder_nets_the_credits(self):
        plan = self.create_active_plan(
            self.payer, [self.today + timedelta(days=d) for d in (2, 32, 62)]
        )
        credit_note = self.create_credit_note(self.payer, 100.0)
        # covered: nothing to ask
        self.assertEqual(self.run_reminders(), 0)
        with freeze_time(self.today):
            self.assertEqual(self.Engine._count_pending_reminders(), 0)
        # part of it: the rest is asked, the credit listed
        credit_note.button_draft()
        credit_note.invoice_line_ids.price_unit = 40.0
        credit_note.action_post()
        self.assertEqual(self.run_reminders(), 1)
        log = self.Log.search([("plan_line_id", "in", plan.line_ids.ids)])
        self.assertIn(credit_note.name, log.mail_id.body_html)
        self.assertIn("$\xa060.00", log.mail_id.body_html)
        self.assertEqual(log.amount_credit, 40.0)


@tagged("post_install", "-at_install")
class TestReminderRecipient(TruthCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls.create_ar_contact("Jan Novák", "jan@novak.example.com")
        cls.payer.ar_contact_id = cls.accountant

    def test_archived_payment_contact(self):
        """The issue's case: the payment contact is archived; the reminder
        goes to the invoice's address."""
        self.accountant.active = False
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.assertEqual(invoice._get_reminder_recipient(), self.payer)
        self.run_reminders()
        self.assertEqual(self.mail_of(invoice).recipient_ids, self.payer)
        self.assertEqual(self.logs_of(invoice).partner_id, self.payer)

    def test_another_flagged_contact_takes_over(self):
        self.accountant.active = False
        colleague = self.create_ar_contact("Eva Nováková", "eva@novak.example.com")
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.assertEqual(invoice._get_reminder_recipient(), colleague)

    def test_contact_moved_to_another_customer(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.accountant.parent_id = self.customer
        self.assertEqual(invoice._get_reminder_recipient(), self.payer)

    def test_payment_contact_must_belong_to_the_customer(self):
        with self.assertRaisesRegex(
            ValidationError, "Payment contact: .* not a contact"
        ):
            self.customer.ar_contact_id = self.accountant
        self.assertFalse(self.customer.ar_contact_id)
        with self.assertRaisesRegex(ValidationError, "not a contact of"):
            self.payer.ar_contact_id = self.payer
        self.assertEqual(self.payer.ar_contact_id, self.accountant)

    def test_invoice_address_without_email(self):
        """No email on the contact: the invoice address; archived invoice
        address: the customer."""
        self.accountant.email = False
        branch = self.env["res.partner"].create(
            {
                "name": "Novák Bratislava",
                "parent_id": self.payer.id,
                "type": "invoice",
                "email": "bratislava@novak.example.com",
            }
        )
        invoice = self.create_due_invoice(branch, 100.0, 10)
        self.assertEqual(invoice._get_reminder_recipient(), branch)
        branch.active = False
        self.assertEqual(invoice._get_reminder_recipient(), self.payer)

    def test_installment_reminder_to_the_contact_in_its_language(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["res.lang"]._activate_lang("sv_SE")
        self.payer.lang = "nl_NL"
        self.accountant.lang = "sv_SE"
        date_due = self.today + timedelta(days=2)
        plan = self.create_active_plan(self.payer, [date_due])
        self.assertEqual(self.run_reminders(), 1)
        mail = self.Log.search([("plan_line_id", "=", plan.line_ids.id)]).mail_id
        self.assertEqual(mail.recipient_ids, self.accountant)
        # the Swedish date format, not the Dutch one of the customer
        self.assertIn(date_due.strftime("%Y-%m-%d"), mail.body_html)
        self.assertNotIn(date_due.strftime("%d-%m-%Y"), mail.body_html)
        # archived: the customer, in its language
        self.accountant.active = False
        line = plan.line_ids
        template = self.env.ref("invoice_dispute.mail_template_installment_reminder")
        self.assertEqual(line._get_reminder_recipient(), self.payer)
        self.assertEqual(line._get_reminder_recipient(), self.payer)
        # the queued email is withdrawn (other recipient) and written again
        # to the customer, in its language
        with freeze_time(self.today):
            mail.send()
        self.assertEqual(mail.state, "cancel")
        self.assertEqual(self.run_reminders(), 1)
        log = self.Log.search([("plan_line_id", "=", plan.line_ids.id)])
        self.assertEqual(log.mail_id.recipient_ids, self.payer)
        self.assertEqual(log.notice_id.lang, "nl_NL")
        self.assertEqual(
            template._render_lang(log.notice_id.ids)[log.notice_id.id], "nl_NL"
        )
        self.assertIn(date_due.strftime("%d-%m-%Y"), log.mail_id.body_html)

    def test_invoice_reminder_in_the_contact_language(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["res.lang"]._activate_lang("sv_SE")
        self.payer.lang = "nl_NL"
        self.accountant.lang = "sv_SE"
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        notice = self.logs_of(invoice).notice_id
        self.assertEqual(notice.recipient_id, self.accountant)
        self.assertEqual(notice.lang, "sv_SE")
        self.assertEqual(self.template_2._render_lang(notice.ids)[notice.id], "sv_SE")
        body = self.mail_of(invoice).body_html
        self.assertIn(invoice.invoice_date_due.strftime("%Y-%m-%d"), body)

    def test_call_sheet_and_confirmations(self):
        """The call sheet's contact and the written confirmations follow the
        same rule."""
        self.create_due_invoice(self.payer, 100.0, 10)
        sheet = self.env["invoice.call.sheet"].create({"partner_id": self.payer.id})
        self.assertEqual(sheet._get_contact(), self.accountant)
        self.accountant.active = False
        self.assertEqual(sheet._get_contact(), self.payer)
        # a contact chosen on the sheet, then archived: not used any more
        other = self.env["res.partner"].create(
            {"name": "Petra", "parent_id": self.payer.id, "email": "p@example.com"}
        )
        sheet.contact_id = other
        self.assertEqual(sheet._get_contact(), other)
        template = self.env.ref("invoice_dispute.mail_template_call_agreement")
        self.assertEqual(self.render(template, sheet, "partner_to"), str(other.id))
        other.active = False
        self.assertEqual(sheet._get_contact(), self.payer)
        self.assertEqual(self.render(template, sheet, "partner_to"), str(self.payer.id))
        # the plan confirmation goes to the payment contact
        self.accountant.active = True
        plan_template = self.env.ref(
            "invoice_dispute.mail_template_payment_plan_confirmation"
        )
        plan = self.env["invoice.payment.plan"].create(
            {"partner_id": self.payer.id, "amount_total": 100.0}
        )
        self.assertEqual(
            self.render(plan_template, plan, "partner_to"), str(self.accountant.id)
        )


@tagged("post_install", "-at_install")
class TestTruthfulReminders(TruthCommon):
    def send(self, mails, day=None):
        with freeze_time(day or self.today):
            mails.send()

    def test_still_true_is_sent(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        mail = self.mail_of(invoice)
        self.send(mail)
        self.assertEqual(mail.state, "sent")
        self.assertEqual(self.logs_of(invoice).mail_state, "sent")

    def test_paid_while_queued_is_withdrawn(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        mail = self.mail_of(invoice)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": self.today})._create_payments()
        # the mail queue's scheduled action
        with freeze_time(self.today):
            self.env.ref("mail.ir_cron_mail_scheduler_action").method_direct_trigger()
        self.assertEqual(mail.state, "cancel")
        self.assertFalse(self.logs_of(invoice))
        self.assertEqual(invoice.reminder_level, 0)
        self.assertFalse(invoice.reminder_last_date)
        # withdrawn as soon as the payment settled the invoice
        self.assertIn("withdrawn before it was sent", self.last_note(invoice))
        self.assertIn(f"Invoice {invoice.name} is paid.", self.last_note(invoice))
        self.assertEqual(self.run_reminders(), 0)

    def test_disputed_while_queued_is_reminded_once_later(self):
        """Withdrawn while disputed; reminded again, once, when the dispute
        is rejected."""
        invoices = self.create_due_invoice(
            self.payer, 100.0, 10
        ) | self.create_due_invoice(self.payer, 200.0, 12)
        self.run_reminders()
        mail = self.mail_of(invoices)
        self.assertEqual(len(mail), 1)
        dispute = self.create_dispute(invoices[:1])
        self.send(mail)
        self.assertEqual(mail.state, "cancel")
        self.assertFalse(self.logs_of(invoices), "the whole email is withdrawn")
        self.assertIn("paused", self.last_note(invoices[0]))
        # the next run reminds the other invoice, with its own email
        self.assertEqual(self.run_reminders(), 1)
        self.assertEqual(self.logs_of(invoices).move_id, invoices[1])
        self.assertNotIn(invoices[0].name, self.mail_of(invoices).body_html)
        with freeze_time(self.today):
            dispute.action_reject()
        # after the company's grace days
        self.assertEqual(self.run_reminders(), 0)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=7)), 1)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=7)), 0)
        self.assertEqual(len(self.logs_of(invoices)), 2)

    def test_partly_paid_while_queued_is_sent_with_the_new_amount(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        mail = self.mail_of(invoice)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": self.today, "amount": 30.0})._create_payments()
        self.send(mail)
        self.assertEqual(mail.state, "cancel")
        self.assertEqual(self.run_reminders(), 1)
        new_mail = self.mail_of(invoice)
        self.assertIn("Total open: <strong>$\xa070.00</strong>", new_mail.body_html)
        self.send(new_mail)
        self.assertEqual(new_mail.state, "sent")

    def test_credit_note_while_queued_is_withdrawn(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        mail = self.mail_of(invoice)
        self.create_credit_note(self.payer, 100.0)
        self.send(mail)
        self.assertEqual(mail.state, "cancel")
        self.assertIn("open credits changed", self.last_note(invoice))
        self.assertEqual(self.run_reminders(), 0, "nothing owed net")

    def test_note_before_the_due_date_never_leaves_after_it(self):
        invoice = self.create_due_invoice(self.payer, 100.0, -2)
        self.run_reminders()
        log = self.logs_of(invoice)
        self.assertEqual(log.level, 1)
        mail = log.mail_id
        self.assertIn("fall due soon", mail.body_html)
        # the queue was stuck until after the due date
        self.send(mail, self.today + timedelta(days=3))
        self.assertEqual(mail.state, "cancel")
        self.assertFalse(self.logs_of(invoice))
        self.assertIn("past its due date", self.last_note(invoice))
        # the first reminder after the due date follows, at its level
        self.assertEqual(self.run_reminders(self.today + timedelta(days=3)), 0)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=9)), 1)
        self.assertEqual(self.logs_of(invoice).level, 2)

    def test_due_date_moved_while_queued_is_withdrawn(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        mail = self.mail_of(invoice)
        invoice._invoice_dispute_extend_due_date(self.today + timedelta(days=20))
        self.send(mail)
        self.assertEqual(mail.state, "cancel")
        self.assertIn("moved to", self.last_note(invoice))
        self.assertEqual(self.run_reminders(), 0)

    def test_activity_of_a_withdrawn_reminder_goes(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 30)
        self.set_sent_level(invoice, 2, days_ago=20)
        self.run_reminders()
        log = self.logs_of(invoice)
        self.assertEqual(log.level, 3)
        activity = log.activity_id
        self.assertTrue(activity)
        self.create_dispute(invoice)
        self.send(log.mail_id)
        self.assertFalse(activity.exists())

    def test_no_earlier_reminder_is_claimed(self):
        """A first reminder at the firm level (the backlog starts there) does
        not speak of an earlier one."""
        self.env.company.write(
            {"reminder_start_date": self.today, "reminder_backlog_level": 3}
        )
        invoice = self.create_due_invoice(self.payer, 100.0, 30)
        self.run_reminders()
        body = self.mail_of(invoice).body_html
        self.assertNotIn("Despite our earlier reminder", body)
        self.assertIn("well past their due date", body)
        self.env.company.reminder_backlog_level = 2
        later = self.create_due_invoice(self.customer, 100.0, 8)
        self.run_reminders()
        self.assertEqual(later.reminder_level, 2)
        # the earlier reminder is one the customer received: delivered
        self.send(self.logs_of(later).mail_id)
        self.run_reminders(self.today + timedelta(days=14))
        self.assertEqual(later.reminder_level, 3)
        firm = self.logs_of(later).filtered(lambda log: log.level == 3).mail_id
        self.assertIn("Despite our earlier reminder", firm.body_html)

    def test_installment_paid_while_queued_is_withdrawn(self):
        plan = self.create_active_plan(self.payer, [self.today + timedelta(days=2)])
        self.assertEqual(self.run_reminders(), 1)
        log = self.Log.search([("plan_line_id", "=", plan.line_ids.id)])
        mail = log.mail_id
        plan.action_cancel()
        self.send(mail)
        self.assertEqual(mail.state, "cancel")
        self.assertFalse(log.exists())
        self.assertIn("withdrawn", self.last_note(plan))


@tagged("post_install", "-at_install")
class TestReminderCreditsInOtherCurrencies(TruthCommon):
    """Company in USD, 1 EUR = 2 USD: the engine nets the customer's open
    credits in company currency, over all its currencies, as the worklist
    and the call sheet do; a reminder lists the credits in other currencies
    apart, each in its own currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's rate is EUR per 1 USD
        cls.eur = cls.setup_other_currency("EUR", rates=[("2000-01-01", 0.5)])

    def create_eur_invoice(self, partner, amount, days_overdue):
        due = self.today - timedelta(days=days_overdue)
        return self.create_invoice(
            partner,
            amount,
            currency_id=self.eur.id,
            invoice_date=due - timedelta(days=30),
            invoice_date_due=due,
        )

    def test_credit_in_company_currency_covers_a_eur_invoice(self):
        """The issue's case: 500 EUR overdue (1,000 USD), a 1,000 USD credit
        note not applied: net 0, no reminder -- as on the worklist."""
        invoice = self.create_eur_invoice(self.payer, 500.0, 10)
        self.create_credit_note(self.payer, 1000.0)
        self.assertEqual(invoice.amount_residual_signed, 1000.0)
        self.assertEqual(self.run_reminders(), 0)
        self.assertFalse(self.logs_of(invoice))
        with freeze_time(self.today):
            self.assertEqual(self.Engine._count_pending_reminders(), 0)
            self.assertEqual(invoice._get_reminder_balance(), 0.0)
        self.assertFalse(
            self.env["invoice.collection.worklist"].search(
                [("partner_id", "=", self.payer.id)]
            )
        )
        # 100 EUR more falls due: 200 USD is owed net, the reminder goes
        second = self.create_eur_invoice(self.payer, 100.0, 8)
        self.assertEqual(self.run_reminders(), 2)
        log = self.logs_of(invoice)
        self.assertEqual(log.amount_balance, 200.0)
        self.assertEqual(log.amount_credit_other, 1000.0)
        self.assertEqual(log.mail_id, self.mail_of(second))

    def test_other_currency_credits_listed_apart(self):
        """500 EUR overdue, a 200 USD credit note: the email asks the EUR
        invoice in EUR, lists the USD credit in USD (never deducted raw from
        the EUR amount) and the net balance in company currency."""
        invoice = self.create_eur_invoice(self.payer, 500.0, 10)
        credit_note = self.create_credit_note(self.payer, 200.0)
        self.assertEqual(self.run_reminders(), 1)
        log = self.logs_of(invoice)
        body = log.mail_id.body_html
        self.assertIn("Total open: <strong>500.00\xa0€</strong>", body)
        self.assertIn("in other currencies", body)
        self.assertIn(credit_note.name, body)
        self.assertIn("$\xa0200.00", body)
        # what is due net, in all currencies (the statement's net balance
        # also counts the invoices not yet due)
        self.assertIn(
            "Net amount due on your account, all currencies together, in USD: "
            "<strong>$\xa0800.00</strong>",
            body,
        )
        self.assertNotIn("300.00", body, "never 500 EUR less 200 USD")
        self.assertNotIn(NET_DUE, body)
        self.assertEqual(
            (log.amount_credit, log.amount_net, log.amount_credit_other),
            (0.0, 500.0, 200.0),
        )
        self.assertEqual(log.amount_balance, 800.0)
        # rendered again on its notice, the template says the same
        rendered = self.render(self.template_2, log.notice_id)
        self.assertIn(credit_note.name, rendered)
        self.assertIn("in USD: <strong>$\xa0800.00</strong>", rendered)
        # the email is true when it leaves
        with freeze_time(self.today):
            log.mail_id.send()
        self.assertEqual(log.mail_id.state, "sent")

    def test_eur_credit_still_nets_in_eur(self):
        """A EUR credit note nets the EUR invoice in EUR, as before; a USD
        invoice of the same customer gets its own USD reminder, with the EUR
        credit listed apart."""
        invoice = self.create_eur_invoice(self.payer, 500.0, 10)
        eur_credit = self.create_invoice(
            self.payer,
            100.0,
            move_type="out_refund",
            currency_id=self.eur.id,
            invoice_date=self.today - timedelta(days=5),
        )
        usd_invoice = self.create_due_invoice(self.payer, 300.0, 10)
        self.assertEqual(self.run_reminders(), 2)
        body = self.mail_of(invoice).body_html
        self.assertIn(f"{NET_DUE}: <strong>400.00\xa0€</strong>", body)
        self.assertNotIn("in other currencies", body)
        usd_body = self.mail_of(usd_invoice).body_html
        self.assertIn("Total open: <strong>$\xa0300.00</strong>", usd_body)
        self.assertIn(eur_credit.name, usd_body)
        self.assertIn("100.00\xa0€", usd_body)
        # 1,000 + 300 - 200 USD
        self.assertIn("in USD: <strong>$\xa01,100.00</strong>", usd_body)

    def test_call_activity_lists_other_currency_credits(self):
        """The firm level's call activity lists a USD credit of a EUR
        invoice's customer in USD, apart from the EUR total."""
        invoice = self.create_eur_invoice(self.payer, 500.0, 30)
        self.set_sent_level(invoice, 2, days_ago=20)
        self.create_credit_note(self.payer, 200.0)
        self.assertEqual(self.run_reminders(), 1)
        note = self.logs_of(invoice).activity_id.note
        self.assertIn("Total open: 500.00&nbsp;€", note)
        self.assertIn("not applied yet): $&nbsp;200.00", note)

    def test_credit_in_company_currency_while_queued_is_withdrawn(self):
        invoice = self.create_eur_invoice(self.payer, 500.0, 10)
        self.assertEqual(self.run_reminders(), 1)
        mail = self.mail_of(invoice)
        self.create_credit_note(self.payer, 1000.0)
        with freeze_time(self.today):
            mail.send()
        self.assertEqual(mail.state, "cancel")
        self.assertIn("open credits changed", self.last_note(invoice))
        self.assertEqual(self.run_reminders(), 0, "nothing owed net")


@tagged("post_install", "-at_install")
class TestReminderLanguage(TruthCommon):
    def test_language_changed_while_queued(self):
        """Queued in English; the recipient switches to Dutch before the
        email leaves: withdrawn, then written again in Dutch."""
        self.env["res.lang"]._activate_lang("nl_NL")
        self.payer.lang = "en_US"
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.assertEqual(self.run_reminders(), 1)
        log = self.logs_of(invoice)
        self.assertEqual(log.lang, "en_US")
        mail = log.mail_id
        self.payer.lang = "nl_NL"
        with freeze_time(self.today):
            self.env.ref("mail.ir_cron_mail_scheduler_action").method_direct_trigger()
        self.assertEqual(mail.state, "cancel")
        self.assertFalse(self.logs_of(invoice))
        self.assertIn("language changed", self.last_note(invoice))
        self.assertEqual(invoice.reminder_level, 0)
        # the next run writes it in Dutch (Dutch dates), and it leaves
        self.assertEqual(self.run_reminders(), 1)
        log = self.logs_of(invoice)
        self.assertEqual(log.lang, "nl_NL")
        self.assertIn(
            invoice.invoice_date_due.strftime("%d-%m-%Y"), log.mail_id.body_html
        )
        with freeze_time(self.today):
            log.mail_id.send()
        self.assertEqual(log.mail_id.state, "sent")

    def test_unchanged_language_is_sent(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.payer.lang = "nl_NL"
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        mail = self.mail_of(invoice)
        with freeze_time(self.today):
            mail.send()
        self.assertEqual(mail.state, "sent")
