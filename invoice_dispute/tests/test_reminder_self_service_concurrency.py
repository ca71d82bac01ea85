from datetime import timedelta

from psycopg2 import errors

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ConcurrencyCase, create_posted_invoice, delete_posted_invoices


@tagged("post_install", "-at_install")
class TestSelfServiceConcurrency(ConcurrencyCase):
    """The customer sends the reminder page's promise twice at once (a double
    click, two tabs), in two real database transactions: one promise is
    recorded, the second request waits and fails with a serialization error
    (Odoo runs it again, and the form then says the invoice is promised)
    instead of an HTTP error on the followers' unique index."""

    def _set_up_committed(self, env):
        partner = env["res.partner"].create(
            {"name": "Concurrent promise", "is_company": True}
        )
        contact = env["res.partner"].create(
            {
                "name": "Concurrent contact",
                "parent_id": partner.id,
                "email": "ap@concurrent.example.com",
            }
        )
        invoice = create_posted_invoice(env, partner)
        notice = env["invoice.reminder.notice"].create(
            {
                "name": "REM/TEST/CONCURRENT",
                "partner_id": partner.id,
                "recipient_id": contact.id,
                "company_id": invoice.company_id.id,
                "currency_id": invoice.currency_id.id,
                "level": 1,
                "move_ids": [Command.set(invoice.ids)],
                "amount_open": 100.0,
                "amount_due": 100.0,
                "amount_net": 100.0,
                "state": "sent",
            }
        )
        return {
            "partner": partner,
            "contact": contact,
            "invoice": invoice,
            "notice": notice,
        }

    def _clean_up_committed(self, env):
        invoice = env["account.move"].browse(self.ids["invoice"])
        env["invoice.payment.promise"].search(
            [("move_ids", "in", invoice.ids)]
        ).unlink()
        env["invoice.reminder.notice"].browse(self.ids["notice"]).unlink()
        delete_posted_invoices(invoice)
        env["res.partner"].browse(self.ids["contact"] + self.ids["partner"]).unlink()

    def _promise(self, env):
        notice = env["invoice.reminder.notice"].browse(self.ids["notice"])
        return notice._portal_promise(
            env["account.move"].browse(self.ids["invoice"]),
            100.0,
            fields.Date.today() + timedelta(days=7),
            env["res.partner"].browse(self.ids["contact"]),
        )

    def test_same_promise_twice_at_once_is_recorded_once(self):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = self.env_of(cr1)
            env2 = self.env_of(cr2)
            # the second request has read the page before the first commits
            invoice2 = env2["account.move"].browse(self.ids["invoice"])
            self.assertFalse(invoice2.payment_promise_ids)
            self._promise(env1)
            env1.flush_all()

            def promise_again():
                self._promise(env2)
                env2.flush_all()

            with mute_logger("odoo.sql_db"):
                error = self.run_waiting_for(
                    cr1, promise_again, "the second answer waits"
                )
            self.assertIsInstance(error, errors.SerializationFailure)
            cr2.rollback()
        # Odoo runs the second request again: the form refuses it
        with self.registry.cursor() as cr:
            env = self.env_of(cr)
            with self.assertRaisesRegex(ValidationError, "already promised"):
                self._promise(env)
            cr.rollback()
            promises = env["invoice.payment.promise"].search(
                [("move_ids", "in", self.ids["invoice"])]
            )
            self.assertEqual(len(promises), 1)
