import threading
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import ConcurrencyCase, delete_posted_invoices


@tagged("post_install", "-at_install")
class TestReminderConcurrency(ConcurrencyCase):
    """Two runners in two real database transactions (the scheduled action
    and the "Send reminders now" button in two processes)."""

    def _set_up_committed(self, env):
        today = fields.Date.today()
        partners = env["res.partner"].create(
            [
                {"name": f"Concurrent {i}", "email": f"cc{i}@example.com"}
                for i in range(3)
            ]
        )
        invoices = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - timedelta(days=40),
                    "invoice_date_due": today - timedelta(days=10),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Service", "quantity": 1, "price_unit": 100}
                        )
                    ],
                }
                for partner in partners
            ]
        )
        invoices.action_post()
        return {"invoices": invoices, "partners": partners}

    def _clean_up_committed(self, env):
        logs = env["invoice.reminder.log"].search(
            [("move_id", "in", self.ids["invoices"])]
        )
        notices = logs.notice_id
        logs.mail_id.unlink()
        logs.activity_id.unlink()
        logs.unlink()
        notices.unlink()
        delete_posted_invoices(env["account.move"].browse(self.ids["invoices"]))
        env["res.partner"].browse(self.ids["partners"]).unlink()

    def _run(self, cr, limit=None):
        return self._engine(cr)._send_reminders(limit=limit)

    def _engine(self, cr):
        return self.env_of(cr)["invoice.reminder.engine"]

    def test_two_concurrent_runners(self):
        results = {}
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            # runner 1 claims and queues two reminders, not committed yet
            results["first"] = self._run(cr1, limit=2)
            # runner 2's snapshot starts now; its environment is made here, as
            # the registry lock is held by this thread while tests run
            engine2 = self._engine(cr2)
            engine2.env.user.mapped("tz")

            def second_runner():
                results["second"] = engine2._send_reminders()

            # runner 2 waits on runner 1's claims instead of sending them
            error = self.run_waiting_for(cr1, second_runner, "the second runner waits")
            self.assertIsNone(error)
            cr2.commit()
        self.assertEqual(results["first"], 2)
        self.assertEqual(results["second"], 0)
        # the next run (triggered at once) sends the one left, and only it
        with self.registry.cursor() as cr:
            self.assertEqual(self._run(cr), 1)
        with self.registry.cursor() as cr:
            self.assertEqual(self._run(cr), 0)
            env = self.env_of(cr)
            logs = env["invoice.reminder.log"].search(
                [("move_id", "in", self.ids["invoices"])]
            )
            self.assertEqual(sorted(logs.move_id.ids), sorted(self.ids["invoices"]))
            notices = env["invoice.reminder.notice"].search(
                [("move_ids", "in", self.ids["invoices"])]
            )
            self.assertEqual(len(notices), 3, "each invoice reminded exactly once")
            self.assertEqual(notices, logs.notice_id)
            mails = env["mail.mail"].search(
                [("model", "=", notices._name), ("res_id", "in", notices.ids)]
            )
            self.assertEqual(len(mails), 3, "each invoice reminded exactly once")

    def test_mail_queue_during_a_run(self):
        """The mail queue marks earlier reminders sent while a run claims new
        ones: neither waits for nor breaks the other."""
        with self.registry.cursor() as cr:
            self.assertEqual(self._run(cr, limit=1), 1)
        results = {}
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            # the run claims the two other reminders, not committed yet
            results["run"] = self._run(cr1)
            queue = self.env_of(cr2)
            first = queue["invoice.reminder.log"].search(
                [("move_id", "in", self.ids["invoices"])]
            )
            self.assertEqual(len(first), 1)

            def mail_queue():
                # what the mail queue writes once an email is delivered
                first.mail_id.write({"state": "sent"})
                queue.flush_all()
                cr2.commit()
                results["queue"] = first.mail_state

            thread = threading.Thread(target=mail_queue)
            thread.start()
            thread.join(timeout=30)
            self.assertFalse(thread.is_alive(), "the mail queue does not wait")
            cr1.commit()
        self.assertEqual(results, {"run": 2, "queue": "sent"})
        with self.registry.cursor() as cr:
            env = self.env_of(cr)
            logs = env["invoice.reminder.log"].search(
                [("move_id", "in", self.ids["invoices"])]
            )
            self.assertEqual(sorted(logs.move_id.ids), sorted(self.ids["invoices"]))
            self.assertEqual(
                sorted(logs.mapped("mail_state")), ["outgoing", "outgoing", "sent"]
            )
