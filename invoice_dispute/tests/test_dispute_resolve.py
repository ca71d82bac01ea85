from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeResolve(InvoiceDisputeCommon):
    def _resolve(self, dispute, **vals):
        action = dispute.action_resolve()
        self.assertEqual(action["res_model"], "invoice.dispute.resolve.wizard")
        wizard_form = Form(
            self.env["invoice.dispute.resolve.wizard"].with_context(**action["context"])
        )
        for field, value in vals.items():
            setattr(wizard_form, field, value)
        return wizard_form.save().action_confirm()

    def test_partial_credit_note_reconciled(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        dispute.action_start_investigation()
        dispute.action_agree()
        self._resolve(
            dispute,
            resolution_type="credit_note",
            amount=250.0,
            root_cause="pricing_error",
        )
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.resolution_type, "credit_note")
        self.assertEqual(dispute.root_cause, "pricing_error")
        self.assertEqual(dispute.date_resolved, date.today())
        refund = dispute.credit_note_ids
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.amount_total, 250.0)
        self.assertEqual(refund.reversed_entry_id, self.invoice_1)
        self.assertEqual(refund.payment_state, "paid")
        self.assertEqual(self.invoice_1.amount_residual, 750.0)
        self.assertEqual(self.invoice_1.payment_state, "partial")
        self.assertEqual(self.invoice_1.dispute_state, "resolved")
        self.assertFalse(self.invoice_1.reminder_excluded)

    def test_credit_note_with_taxes_is_exact(self):
        tax = self.percent_tax(21.0)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Bricks",
                            "quantity": 7,
                            "price_unit": 13.33,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    ),
                    Command.create(
                        {
                            "name": "Delivery",
                            "quantity": 1,
                            "price_unit": 45.0,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    ),
                ],
            }
        )
        invoice.action_post()
        dispute = self.create_dispute(invoice, amounts=[33.37])
        self._resolve(dispute, resolution_type="discount", amount=33.37)
        refund = dispute.credit_note_ids
        self.assertEqual(refund.amount_total, 33.37)
        self.assertTrue(refund.amount_tax, "the credit note corrects the VAT too")
        self.assertAlmostEqual(invoice.amount_residual, invoice.amount_total - 33.37)

    def test_credit_note_split_over_invoices(self):
        dispute = self.create_dispute(
            self.invoice_1 | self.invoice_2, amounts=[1000.0, 500.0]
        )
        self._resolve(dispute, resolution_type="credit_note", amount=1500.0)
        self.assertEqual(len(dispute.credit_note_ids), 2)
        self.assertEqual(sum(dispute.credit_note_ids.mapped("amount_total")), 1500.0)
        self.assertEqual(self.invoice_1.payment_state, "reversed")
        self.assertEqual(self.invoice_2.payment_state, "reversed")

    def test_credit_note_refusals_write_nothing(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        refunds = self.env["account.move"].search_count(
            [("move_type", "=", "out_refund")]
        )
        for amount, message in ((0.0, "greater than zero"), (1200.0, "exceeds")):
            with self.assertRaisesRegex(UserError, message):
                self._resolve(dispute, resolution_type="credit_note", amount=amount)
        self.assertEqual(dispute.state, "new")
        self.assertFalse(dispute.credit_note_ids)
        self.assertEqual(
            self.env["account.move"].search_count([("move_type", "=", "out_refund")]),
            refunds,
        )

    def test_corrected_invoice(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[100.0])
        self._resolve(dispute, resolution_type="corrected_invoice")
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.credit_note_ids.amount_total, 1000.0)
        self.assertEqual(self.invoice_1.payment_state, "reversed")
        corrected = dispute.corrected_invoice_ids
        self.assertEqual(len(corrected), 1)
        self.assertEqual(corrected.state, "draft")
        self.assertEqual(corrected.move_type, "out_invoice")
        self.assertEqual(corrected.partner_id, self.customer)

    def test_due_date_extension(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[100.0])
        old_due = self.invoice_1.invoice_date_due
        with self.assertRaisesRegex(UserError, "must be after the current due date"):
            self._resolve(
                dispute, resolution_type="due_date_extension", new_date_due=old_due
            )
        self.assertEqual(dispute.state, "new")
        new_due = old_due + timedelta(days=30)
        self._resolve(
            dispute, resolution_type="due_date_extension", new_date_due=new_due
        )
        self.assertEqual(self.invoice_1.invoice_date_due, new_due)
        receivable = self.invoice_1.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.date_maturity, new_due)
        self.assertEqual(self.invoice_1.amount_residual, 1000.0)

    def test_no_change(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[100.0])
        self._resolve(
            dispute, resolution_type="no_change", note="<p>Price confirmed</p>"
        )
        self.assertEqual(dispute.state, "resolved")
        self.assertFalse(dispute.credit_note_ids)
        self.assertEqual(self.invoice_1.amount_residual, 1000.0)
        self.assertIn("Price confirmed", dispute.resolution_note)
        with self.assertRaises(UserError):
            dispute.action_resolve()
        dispute.action_reopen()
        self.assertEqual(dispute.state, "investigating")
        self.assertFalse(dispute.date_resolved)

    def test_payment_plan_resolution(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        with self.assertRaisesRegex(UserError, "no payment plan yet"):
            self._resolve(dispute, resolution_type="payment_plan")
        self.assertEqual(dispute.state, "new")
        plan = self.env["invoice.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "dispute_id": dispute.id,
                "move_ids": [Command.set(self.invoice_1.ids)],
                "installment_count": 3,
                "interval": "monthly",
                "date_first": date.today() + timedelta(days=10),
            }
        )
        plan.action_generate_schedule()
        self._resolve(dispute, resolution_type="payment_plan")
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(plan.state, "active")
        self.assertEqual(self.invoice_1.reminder_exclusion_reason, "plan")
