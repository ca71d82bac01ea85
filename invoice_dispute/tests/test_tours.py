from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestTours(InvoiceDisputeCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls.env["res.users"].create(
            {
                "name": "Tour Collector",
                "login": "tour_collector",
                "password": "tour_collector_pw",
                "email": "tour_collector@example.com",
                "company_id": cls.env.company.id,
                "company_ids": [Command.set(cls.env.company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("account.group_account_invoice").id,
                            cls.env.ref(
                                "invoice_dispute.group_invoice_dispute_user"
                            ).id,
                        ]
                    )
                ],
            }
        )

    def test_collector_raises_and_resolves_dispute(self):
        invoice = self.invoice_1
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "invoice_dispute_collector_resolve",
            login="tour_collector",
        )
        dispute = invoice.dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.channel, "phone")
        self.assertEqual(dispute.user_id, self.collector)
        self.assertEqual(dispute.credit_note_ids.amount_total, 1000.0)
        self.assertEqual(invoice.payment_state, "reversed")
