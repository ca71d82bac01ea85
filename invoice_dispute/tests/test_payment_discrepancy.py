from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestPaymentDiscrepancy(InvoiceDisputeCommon):
    @classmethod
    def pay(cls, invoice, amount):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_difference_handling": "open"})
            ._create_payments()
        )

    def findings(self):
        return self.env["invoice.payment.discrepancy"].search(
            [("partner_id", "in", (self.customer | self.partner_a).ids)]
        )

    def test_discrepancy_kinds_and_rerun(self):
        overpaid = self.create_invoice(self.partner_a, 100.0)
        self.pay(self.invoice_1, 600.0)  # short payment
        self.pay(overpaid, 130.0)  # overpayment
        self.create_dispute(self.invoice_2, [200.0])
        self.pay(self.invoice_2, 300.0)  # paid while disputed
        unmatched = self.env["account.payment"].create(
            {
                "partner_id": self.customer.id,
                "partner_type": "customer",
                "payment_type": "inbound",
                "amount": 77.0,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        unmatched.action_post()

        Discrepancy = self.env["invoice.payment.discrepancy"]
        Discrepancy._cron_check_payment_discrepancies()
        found = {(d.kind, d.amount, tuple(d.move_ids.ids)) for d in self.findings()}
        self.assertEqual(
            found,
            {
                ("short_payment", 400.0, tuple(self.invoice_1.ids)),
                ("overpayment", 30.0, tuple(overpaid.ids)),
                ("paid_while_disputed", 300.0, tuple(self.invoice_2.ids)),
                ("unmatched_payment", 77.0, ()),
            },
        )
        # the weekly rerun finds no duplicates
        Discrepancy._cron_check_payment_discrepancies()
        self.assertEqual(len(self.findings()), 4)

    def test_batches_examine_each_payment_once(self):
        invoices = [self.create_invoice(self.customer, 100.0) for _i in range(5)]
        for invoice in invoices:
            self.pay(invoice, 60.0)  # five short payments
        Discrepancy = self.env["invoice.payment.discrepancy"]
        progress = self.env["ir.cron.progress"].create(
            {
                "cron_id": self.env.ref(
                    "invoice_dispute.ir_cron_payment_discrepancies"
                ).id
            }
        )
        Discrepancy = Discrepancy.with_context(ir_cron_progress_id=progress.id)
        first = Discrepancy._cron_check_payment_discrepancies(batch_size=2)
        self.assertEqual(len(first), 2)
        self.assertEqual(progress.done, 2)
        self.assertTrue(progress.remaining, "the cron is called again")
        Discrepancy._cron_check_payment_discrepancies(batch_size=2)
        Discrepancy._cron_check_payment_discrepancies(batch_size=2)
        self.assertEqual(progress.remaining, 0)
        self.assertEqual(
            self.findings().move_ids, self.env["account.move"].concat(*invoices)
        )
        self.assertFalse(Discrepancy._cron_check_payment_discrepancies(batch_size=2))

    def test_short_payment_becomes_dispute(self):
        self.pay(self.invoice_1, 600.0)
        self.env["invoice.payment.discrepancy"]._cron_check_payment_discrepancies()
        short = self.findings()
        self.assertEqual(short.kind, "short_payment")
        action = short.action_create_dispute()
        dispute = self.env["invoice.dispute"].browse(action["res_id"])
        self.assertEqual(dispute.reason_id.category, "short_payment")
        self.assertEqual(dispute.line_ids.move_id, self.invoice_1)
        self.assertEqual(dispute.amount_disputed, 400.0)
        self.assertEqual(short.state, "dispute")
        self.assertEqual(short.dispute_id, dispute)
        self.assertEqual(self.invoice_1.dispute_state, "open")
        with self.assertRaisesRegex(UserError, "cannot be turned into a dispute"):
            short.action_create_dispute()
