from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import MANAGER_GROUPS, InvoiceDisputeCommon

# the label of the net amount a reminder asks (the reminder templates' table)
NET_DUE = (
    "Net amount due (the invoices above and your other invoices due, less open credits)"
)


class ReminderCommon(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Work one year back so that the invoices of the common setup (due
        # today) are not due yet for the reminder runs of these tests.
        cls.today = fields.Date.today() - timedelta(days=365)
        cls.Rule = cls.env["invoice.reminder.rule"]
        cls.Log = cls.env["invoice.reminder.log"]
        cls.Engine = cls.env["invoice.reminder.engine"]
        cls.Notice = cls.env["invoice.reminder.notice"]
        cls.rules = cls.Rule.search([("company_id", "=", cls.env.company.id)])
        cls.rule_by_level = {rule.level: rule for rule in cls.rules}
        cls.payer = cls.env["res.partner"].create(
            {
                "name": "Novák s.r.o.",
                "is_company": True,
                "email": "info@novak.example.com",
            }
        )

    @classmethod
    def create_ar_contact(cls, name, email):
        """A contact of ``cls.payer`` flagged as its accounts-receivable
        contact (reminders go to them)."""
        return cls.env["res.partner"].create(
            {
                "name": name,
                "parent_id": cls.payer.id,
                "email": email,
                "is_ar_contact": True,
            }
        )

    @classmethod
    def create_due_invoice(cls, partner, amount, days_overdue):
        """A posted invoice whose due date is ``days_overdue`` days before
        the test's today (negative: due in the future)."""
        due = cls.today - timedelta(days=days_overdue)
        return cls.create_invoice(
            partner,
            amount,
            invoice_date=min(due, cls.today) - timedelta(days=30),
            invoice_date_due=due,
        )

    @classmethod
    def set_sent_level(cls, invoices, level, days_ago=30):
        """Record that ``invoices`` got their reminder of ``level``
        ``days_ago`` days before the test's today (levels escalate in order:
        the next one follows it)."""
        cls.Engine._store_move_levels(
            dict.fromkeys(invoices.ids, level), cls.today - timedelta(days=days_ago)
        )

    def run_reminders(self, day=None, limit=None):
        with freeze_time(day or self.today):
            return self.Engine._send_reminders(limit=limit)

    def logs_of(self, moves):
        return self.Log.search([("move_id", "in", moves.ids)])

    def notice_of_invoice(self, invoice):
        """The notices the invoice's "Reminders" button opens."""
        self.assertEqual(invoice.reminder_notice_count, 1)
        return self.Notice.search(invoice.action_view_reminder_notices()["domain"])


@tagged("post_install", "-at_install")
class TestReminderRules(ReminderCommon):
    def test_default_rules(self):
        self.assertEqual(
            [(r.level, r.offset_days) for r in self.rules],
            [(1, -3), (2, 7), (3, 21), (4, 45)],
        )
        self.assertEqual(self.rule_by_level[3].activity_type_id.category, "phonecall")
        self.assertEqual(self.rule_by_level[4].activity_user, "manager")
        # every level writes one email per customer
        self.assertEqual(set(self.rules.mapped("consolidate")), {True})
        company = self.env["res.company"].create({"name": "New Company B.V."})
        self.assertEqual(
            self.Rule.search([("company_id", "=", company.id)]).mapped("level"),
            [1, 2, 3, 4],
        )

    def test_level_selection_at_offsets(self):
        """The first reminder of an invoice is the lowest level due, however
        old the invoice: the levels follow each other in order, each after
        the interval of its rule."""
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "email": f"c{i}@example.com"} for i in range(6)]
        )
        # days overdue -> expected level (0: no reminder)
        cases = [(-10, 0), (-3, 1), (5, 0), (7, 2), (21, 2), (60, 2)]
        invoices = self.env["account.move"]
        for partner, (days, __) in zip(partners, cases, strict=True):
            invoices |= self.create_due_invoice(partner, 100.0, days)
        self.run_reminders()
        for invoice, (days, level) in zip(invoices, cases, strict=True):
            self.assertEqual(invoice.reminder_level, level, f"{days} days overdue")
            logs = self.logs_of(invoice)
            self.assertEqual(len(logs), 1 if level else 0)
            if level:
                self.assertEqual(logs.rule_id, self.rule_by_level[level])
                self.assertEqual(invoice.reminder_last_date, self.today)
                self.assertEqual(logs.mail_id.state, "outgoing")
                self.assertEqual(logs.mail_state, "outgoing")
                # the email is kept in its notice's chatter, which the
                # invoice's "Reminders" button opens
                notice = logs.notice_id
                self.assertEqual(notice.move_ids, invoice)
                self.assertEqual(notice.mail_id, logs.mail_id)
                self.assertEqual(notice.state, "queued")
                self.assertIn(logs.mail_id.mail_message_id, notice.message_ids)
                self.assertEqual(self.notice_of_invoice(invoice), notice)
                self.assertIn(invoice.name, logs.mail_id.body_html)
                # levels 1 and 2 email only
                self.assertFalse(logs.activity_id)
        # the firm level 7 days later (its interval), the final notice 7
        # days after that, never sooner
        self.run_reminders(self.today + timedelta(days=6))
        self.assertEqual(invoices[4:].mapped("reminder_level"), [2, 2])
        self.run_reminders(self.today + timedelta(days=7))
        self.assertEqual(invoices[4:].mapped("reminder_level"), [3, 3])
        self.run_reminders(self.today + timedelta(days=13))
        self.assertEqual(invoices[4:].mapped("reminder_level"), [3, 3])
        self.run_reminders(self.today + timedelta(days=14))
        self.assertEqual(invoices[4:].mapped("reminder_level"), [3, 4])
        self.assertEqual(
            [log.level for log in self.logs_of(invoices[5]).sorted("level")],
            [2, 3, 4],
        )
        # firm reminder: a call activity; final notice: an activity too
        self.assertEqual(
            self.logs_of(invoices[4]).activity_id.activity_type_id,
            self.env.ref("mail.mail_activity_data_call"),
        )
        self.assertEqual(len(self.logs_of(invoices[5]).activity_id), 2)

    def test_activity_only_rule(self):
        self.rule_by_level[2].action = "activity"
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.assertEqual(self.run_reminders(), 1)
        log = self.logs_of(invoice)
        self.assertEqual(log.rule_id, self.rule_by_level[2])
        self.assertTrue(log.activity_id)
        self.assertFalse(log.mail_id)
        self.assertFalse(
            self.env["mail.mail"].search(
                [
                    ("model", "=", "invoice.reminder.notice"),
                    ("res_id", "=", log.notice_id.id),
                ]
            )
        )
        self.assertEqual(log.notice_id.state, "sent")
        self.assertEqual(log.notice_id.activity_id, log.activity_id)
        self.assertEqual(invoice.reminder_level, 2)
        # the invoice leads to what was done
        self.assertEqual(self.notice_of_invoice(invoice), log.notice_id)

    def test_second_run_same_day_sends_nothing(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 8)
        self.assertEqual(self.run_reminders(), 1)
        self.assertEqual(self.run_reminders(), 0)
        self.assertEqual(len(self.logs_of(invoice)), 1)
        # next level later, respecting the interval
        self.assertEqual(self.run_reminders(self.today + timedelta(days=13)), 1)
        self.assertEqual(invoice.reminder_level, 3)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=13)), 0)

    def test_min_interval_between_reminders(self):
        invoice = self.create_due_invoice(self.payer, 100.0, -3)
        self.run_reminders()
        self.assertEqual(invoice.reminder_level, 1)
        # level 2 is due 10 days later; with a 12-day interval it waits
        self.rule_by_level[2].min_interval_days = 12
        self.assertEqual(self.run_reminders(self.today + timedelta(days=10)), 0)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=12)), 1)
        self.assertEqual(invoice.reminder_level, 2)

    def test_exclusions(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Excluded {i}", "email": f"x{i}@example.com"} for i in range(5)]
        )
        invoices = self.env["account.move"]
        for partner in partners:
            invoices |= self.create_due_invoice(partner, 100.0, 10)
        disputed, planned, promised, blocked, paid = invoices
        self.create_dispute(disputed)
        self.env["invoice.payment.plan"]._create_in_state(
            {
                "partner_id": planned.partner_id.id,
                "move_ids": [Command.set(planned.ids)],
                "amount_total": 100.0,
                "state": "active",
            }
        )
        with freeze_time(self.today):  # a pending promise is recorded before its date
            self.env["invoice.payment.promise"].create(
                {
                    "partner_id": promised.partner_id.id,
                    "move_ids": [Command.set(promised.ids)],
                    "amount": 100.0,
                    "date_promised": self.today + timedelta(days=5),
                }
            )
        blocked.partner_id.reminder_block_until = self.today + timedelta(days=2)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({"payment_date": self.today})._create_payments()
        self.assertEqual(self.run_reminders(), 0)
        self.assertFalse(self.logs_of(invoices))
        # the customer block lifts itself after its end date and the
        # company's grace days
        self.assertEqual(self.run_reminders(self.today + timedelta(days=9)), 0)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=10)), 1)
        self.assertEqual(self.logs_of(invoices).move_id, blocked)

    def test_customer_type_and_min_amount(self):
        person = self.env["res.partner"].create(
            {"name": "Eva Svensson", "email": "eva@example.com"}
        )
        self.assertEqual(person._get_customer_type(), "b2c")
        self.assertEqual(self.payer._get_customer_type(), "b2b")
        self.rule_by_level[2].customer_type = "b2c"
        self.rule_by_level[2].consolidate = False
        b2b_invoice = self.create_due_invoice(self.payer, 100.0, 10)
        b2c_invoice = self.create_due_invoice(person, 100.0, 10)
        b2c_small = self.create_due_invoice(person, 40.0, 10)
        self.rule_by_level[2].min_amount = 50.0
        self.run_reminders()
        # B2B: level 2 is for B2C only (and the friendly note before the due
        # date is not sent 10 days after it)
        self.assertFalse(self.logs_of(b2b_invoice))
        self.assertEqual(self.logs_of(b2c_invoice).level, 2)
        # below the minimum amount of level 2
        self.assertFalse(self.logs_of(b2c_small))
        # the B2B level 3 reaches it later
        self.run_reminders(self.today + timedelta(days=11))
        self.assertEqual(self.logs_of(b2b_invoice).level, 3)

    def test_consolidation(self):
        invoices = self.create_due_invoice(
            self.payer, 100.0, 10
        ) | self.create_due_invoice(self.payer, 250.0, 12)
        self.run_reminders()
        logs = self.logs_of(invoices)
        self.assertEqual(len(logs), 2)
        self.assertEqual(logs.rule_id, self.rule_by_level[2])
        mail = logs.mail_id
        self.assertEqual(len(mail), 1, "one message per customer")
        for invoice in invoices:
            self.assertIn(invoice.name, mail.body_html)
        # one notice carries the email, both invoices' chatter names it
        notice = logs.notice_id
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.move_ids, invoices)
        self.assertEqual((mail.model, mail.res_id), (notice._name, notice.id))
        self.assertEqual(notice.amount_open, 350.0)
        for invoice in invoices:
            self.assertEqual(self.notice_of_invoice(invoice), notice)
            # no chatter note per reminded invoice: the button leads to it
            self.assertNotIn(notice.name, "".join(invoice.message_ids.mapped("body")))
        # the older invoice first
        self.assertLess(
            mail.body_html.index(invoices[1].name),
            mail.body_html.index(invoices[0].name),
        )

    def test_one_activity_per_customer(self):
        """Final notices one per invoice: still one manager activity per
        customer, on its invoice due first, listing all of them."""
        self.rule_by_level[4].consolidate = False
        first = self.create_due_invoice(self.payer, 100.0, 70)
        invoices = (
            self.create_due_invoice(self.payer, 200.0, 60)
            | first
            | self.create_due_invoice(self.payer, 300.0, 50)
        )
        other = self.create_due_invoice(self.customer, 100.0, 60)
        self.set_sent_level(invoices | other, 3)
        self.assertEqual(self.run_reminders(), 4)
        logs = self.logs_of(invoices)
        self.assertEqual(logs.rule_id, self.rule_by_level[4])
        self.assertEqual(len(logs.mail_id), 3, "one email per invoice")
        activity = logs.activity_id
        self.assertEqual(len(activity), 1, "one activity for the customer")
        self.assertEqual(
            (activity.res_model, activity.res_id), ("account.move", first.id)
        )
        self.assertEqual(
            activity.activity_type_id, self.rule_by_level[4].activity_type_id
        )
        for invoice in invoices:
            self.assertIn(invoice.name, activity.summary)
            self.assertIn(invoice.name, activity.note)
        self.assertIn("600.00", activity.note, "the total open")
        other_activity = self.logs_of(other).activity_id
        self.assertEqual(len(other_activity), 1)
        self.assertNotEqual(other_activity, activity)
        self.assertEqual(other_activity.res_id, other.id)

    def test_activity_summary_names_the_first_invoices(self):
        invoices = self.env["account.move"].union(
            *(
                self.create_due_invoice(self.payer, 10.0 * (i + 1), 30 + i)
                for i in range(7)
            )
        )
        self.set_sent_level(invoices, 2)
        self.run_reminders()
        activity = self.logs_of(invoices).activity_id
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.summary.endswith("and 2 more"), activity.summary)
        for invoice in invoices:
            self.assertIn(invoice.name, activity.note)

    def test_final_notice_activity_for_a_manager(self):
        manager = self.create_user("final_manager", MANAGER_GROUPS)
        admin = self.env.ref("base.user_admin")
        admin.company_ids |= self.env.company
        self.env.company.dispute_manager_id = False
        first = self.create_due_invoice(self.payer, 100.0, 60)
        self.set_sent_level(first, 3)
        self.run_reminders()
        user = self.logs_of(first).activity_id.user_id
        managers = self.env.company._get_dispute_managers(designated=False)
        # a dispute manager of the company, a person before the administrator
        self.assertIn(user, managers)
        self.assertIn(manager, managers)
        self.assertNotEqual(user, admin)
        # the designated dispute manager when there is one
        self.env.company.dispute_manager_id = manager
        second = self.create_due_invoice(self.customer, 100.0, 60)
        self.set_sent_level(second, 3)
        self.run_reminders()
        self.assertEqual(self.logs_of(second).activity_id.user_id, manager)

    def test_batch_keeps_a_customer_together(self):
        """A batch takes whole customers: a consolidated email is never split
        over two runs, even when the customer crosses the batch limit."""
        small, payer, late = self.env["res.partner"].create(
            [
                {"name": f"Batch {name}", "email": f"{name}@example.com"}
                for name in ("small", "payer", "late")
            ]
        )
        one = self.create_due_invoice(small, 100.0, 10)
        many = self.env["account.move"].union(
            *(self.create_due_invoice(payer, 100.0 + i, 10) for i in range(3))
        )
        last = self.create_due_invoice(late, 100.0, 10)
        # limit 2: the small customer, then all three invoices of the payer
        self.assertEqual(self.run_reminders(limit=2), 4)
        self.assertEqual(self.logs_of(one | many).move_id, one | many)
        self.assertEqual(len(self.logs_of(many).mail_id), 1)
        self.assertFalse(self.logs_of(last))
        self.assertEqual(self.run_reminders(limit=2), 1)
        self.assertEqual(self.logs_of(last).move_id, last)

    def test_ar_contact_addressing(self):
        accountant = self.create_ar_contact("Jan Novák", "jan@novak.example.com")
        invoice = self.create_due_invoice(self.payer, 100.0, 8)
        other = self.create_due_invoice(self.customer, 100.0, 8)
        self.customer.ar_contact_id = self.customer_contact
        person = self.env["res.partner"].create(
            {"name": "Lars Berg", "email": "lars@example.com"}
        )
        plain = self.create_due_invoice(person, 100.0, 8)
        self.run_reminders()
        self.assertEqual(self.logs_of(invoice).mail_id.recipient_ids, accountant)
        self.assertEqual(self.logs_of(invoice).partner_id, accountant)
        self.assertEqual(
            self.logs_of(other).mail_id.recipient_ids, self.customer_contact
        )
        self.assertEqual(self.logs_of(plain).mail_id.recipient_ids, person)

    def test_crash_after_first_chunk_then_rerun(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Batch {i}", "email": f"b{i}@example.com"} for i in range(5)]
        )
        invoices = self.env["account.move"]
        for partner in partners:
            invoices |= self.create_due_invoice(partner, 100.0, 10)
        # first chunk done and committed (the savepoint stands for the commit)
        self.assertEqual(self.run_reminders(limit=2), 2)
        # second chunk crashes half-way: everything of that chunk is undone
        with (
            self.assertRaisesRegex(RuntimeError, "worker killed"),
            self.env.cr.savepoint(),
        ):
            self.assertEqual(self.run_reminders(limit=2), 2)
            self.assertEqual(len(self.logs_of(invoices)), 4)
            raise RuntimeError("worker killed")
        self.assertEqual(len(self.logs_of(invoices)), 2)
        # the rerun sends the others once
        self.assertEqual(self.run_reminders(), 3)
        logs = self.logs_of(invoices)
        self.assertEqual(logs.move_id, invoices)
        self.assertEqual(len(logs.mail_id), 5)
        notices = self.Notice.search([("move_ids", "in", invoices.ids)])
        self.assertEqual(len(notices), 5, "each invoice reminded exactly once")
        mails = self.env["mail.mail"].search(
            [("model", "=", notices._name), ("res_id", "in", notices.ids)]
        )
        self.assertEqual(len(mails), 5, "each invoice reminded exactly once")

    def test_claim_is_exactly_once(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        candidates = [(invoice.id, self.rule_by_level[2].id)]
        recipients = {invoice.id: self.payer}
        first = self.Engine._claim_reminders(candidates, recipients, self.today)
        second = self.Engine._claim_reminders(candidates, recipients, self.today)
        self.assertEqual(len(first), 1)
        self.assertEqual(second, [], "a claimed reminder is never claimed again")

    def test_failed_mail_retry(self):
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        self.run_reminders()
        log = self.logs_of(invoice)
        log.mail_id.write({"state": "exception", "failure_reason": "Mailbox full"})
        self.assertEqual(log.mail_state, "exception")
        self.assertEqual(self.Log.search([("mail_state", "=", "exception")]), log)
        log.action_retry()
        self.assertEqual(log.mail_id.state, "outgoing")
        self.assertEqual(log.mail_state, "outgoing")
        # the sent email may be cleaned up: the log keeps its last state
        log.mail_id.write({"state": "sent"})
        log.mail_id.unlink()
        self.assertEqual(log.mail_state, "sent")

    def test_retry_refused_unless_every_email_failed(self):
        """A batch with a reminder whose email did not fail is refused whole,
        naming that reminder's delivery state (the one state refusal)."""
        other = self.env["res.partner"].create(
            {
                "name": "Dvořák a.s.",
                "is_company": True,
                "email": "ar@dvorak.example.com",
            }
        )
        invoice_1 = self.create_due_invoice(self.payer, 100.0, 10)
        invoice_2 = self.create_due_invoice(other, 200.0, 10)
        self.run_reminders()
        failed, outgoing = self.logs_of(invoice_1), self.logs_of(invoice_2)
        failed.mail_id.write({"state": "exception", "failure_reason": "Bounced"})
        self.assertEqual(outgoing.mail_state, "outgoing")
        with self.assertRaisesRegex(
            UserError, "is Outgoing: it cannot be sent again, only from Delivery failed"
        ):
            (failed | outgoing).action_retry()
        self.assertEqual(failed.mail_id.state, "exception")

    def test_send_now_button_as_manager(self):
        manager = new_test_user(
            self.env,
            login="reminder_manager",
            groups="account.group_account_invoice,"
            "invoice_dispute.group_invoice_dispute_manager",
            company_id=self.env.company.id,
        )
        invoice = self.create_due_invoice(self.payer, 100.0, 10)
        with freeze_time(self.today):
            action = self.Rule.with_user(manager).action_send_reminders_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(invoice.reminder_level, 2)

    def test_cron_reports_progress(self):
        for i in range(3):
            partner = self.env["res.partner"].create(
                {"name": f"Cron {i}", "email": f"cron{i}@example.com"}
            )
            self.create_due_invoice(partner, 100.0, 10)
        with freeze_time(self.today):
            self.assertEqual(self.Engine._cron_send_reminders(batch_size=2), 2)
            self.assertEqual(self.Engine._count_pending_reminders(), 1)
            self.assertEqual(self.Engine._cron_send_reminders(batch_size=2), 1)
            self.assertEqual(self.Engine._count_pending_reminders(), 0)

    def test_cron_run_goes_on_after_the_last_customer(self):
        """A call of the scheduled action starts after the last customer of
        the previous call of the same run (its progress record): what
        became due meanwhile for a customer before it waits for the next
        run, which starts again from the first customer."""
        first, second, third = self.env["res.partner"].create(
            [
                {"name": f"Keyset {i}", "email": f"keyset{i}@example.com"}
                for i in range(3)
            ]
        )
        invoices = self.env["account.move"].union(
            *(self.create_due_invoice(p, 100.0, 10) for p in (first, second, third))
        )
        cron = self.env.ref("invoice_dispute.ir_cron_send_payment_reminders")

        def call():
            __, progress = cron._add_progress()
            engine = self.Engine.with_context(ir_cron_progress_id=progress.id)
            with freeze_time(self.today):
                done = engine._cron_send_reminders(batch_size=1)
            return done, progress

        done, progress = call()
        self.assertEqual(done, 1)
        self.assertEqual(progress.invoice_reminder_customer_id, first.id)
        self.assertTrue(progress.remaining)
        self.assertEqual(self.logs_of(invoices).move_id, invoices[0])
        # due meanwhile for the first customer: not in this run
        late = self.create_due_invoice(first, 50.0, 10)
        self.assertEqual(call()[0], 1)
        self.assertEqual(self.logs_of(invoices).move_id, invoices[:2])
        done, progress = call()
        self.assertEqual(done, 1)
        self.assertEqual(self.logs_of(invoices).move_id, invoices)
        self.assertFalse(self.logs_of(late))
        # the run ends (nothing after the last customer); the next one starts
        # from the first customer
        done, progress = call()
        self.assertEqual(progress.remaining, 0)
        self.assertEqual(done, 0)
        self.assertEqual(call()[0], 1)
        self.assertTrue(self.logs_of(late))

    def test_installment_reminders(self):
        plan = self.create_active_plan(
            self.payer, [self.today + timedelta(days=d) for d in (2, 32, 62)]
        )
        self.assertEqual(self.run_reminders(), 1)
        self.assertEqual(self.run_reminders(), 0)
        log = self.Log.search([("plan_line_id", "in", plan.line_ids.ids)])
        self.assertEqual(log.plan_line_id, plan.line_ids[0])
        self.assertEqual(log.mail_id.recipient_ids, self.payer)
        self.assertIn(plan.name, log.mail_id.body_html)
        # the next one a few days before its date
        self.assertEqual(self.run_reminders(self.today + timedelta(days=20)), 0)
        self.assertEqual(self.run_reminders(self.today + timedelta(days=30)), 1)


@tagged("post_install", "-at_install")
class TestReminderQueries(ReminderCommon):
    def _make_invoices(self, count):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Q{count}-{i}", "email": f"q{count}.{i}@example.com"}
                for i in range(count)
            ]
        )
        # half first reminders, half final notices (email and activity)
        for index, partner in enumerate(partners):
            self.create_due_invoice(partner, 100.0, 60 if index % 2 else 10)
        self.env.flush_all()
        self.env.invalidate_all()

    def test_query_count_does_not_grow_with_invoices(self):
        """The run's queries do not depend on the number of invoices: 20 or
        90 invoices, the same count (rendering included). Each template's
        emails go through ``mail.template.send_mail_batch`` in one chunk (one
        ``create()``, not chunks of ``mail.batch_size``) and get their
        Reply-To in one query; the activities and the notices are created at
        once (numbered in one query); no chatter note per invoice. The
        customers' open credits and what they owe are read once for the
        batch (and netted in the selection)."""
        for count in (20, 90):
            self._make_invoices(count)
            # the same start for both, whatever ran before: cold caches
            self.env.registry.clear_all_caches()
            # 80 (session 3: 116): the payments customers reported on the
            # portal (a reason to pause) and the base URL of the link in every
            # email; a Reply-To per notice (an alias search and an update per
            # template); 84 since the templates t-call one shared invoice
            # table and the documents share the workflow mixin (a constant 4
            # more, the same for 20 and 90 invoices)
            with freeze_time(self.today), self.assertQueryCount(84):
                done = self.Engine._send_reminders()
            self.assertEqual(done, count)

    def test_cron_query_count_does_not_grow_with_invoices(self):
        """The scheduled action's call (a batch of whole customers after the
        last one of the previous call, its window of open invoices found in
        the partial index) spends the same queries for 20 and 90 invoices:
        those of ``_send_reminders`` and one to read where the previous call
        of the run stopped."""
        cron = self.env.ref("invoice_dispute.ir_cron_send_payment_reminders")
        for count in (20, 90):
            self._make_invoices(count)
            __, progress = cron._add_progress()
            engine = self.Engine.with_context(ir_cron_progress_id=progress.id)
            self.env.flush_all()
            self.env.registry.clear_all_caches()
            with freeze_time(self.today), self.assertQueryCount(85):
                done = engine._cron_send_reminders()
            self.assertEqual(done, count)
            self.assertEqual(progress.done, count)
