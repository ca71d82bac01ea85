from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._invoice_dispute_follow_payments()
        return partials

    def _invoice_dispute_follow_payments(self):
        """Customer invoices settled by these reconciliations (payments, bank
        statement lines, misc. entries) take their proposals, plans, promises
        and queued reminders with them: see
        ``account.move._invoice_dispute_follow_payment``. A credit note is
        not a payment: the resolve wizard and accepted proposals that issue
        one settle their own records."""
        invoices = self.env["account.move"]
        for partial in self:
            debit_move = partial.debit_move_id.move_id
            credit_move = partial.credit_move_id.move_id
            for invoice, other in (
                (debit_move, credit_move),
                (credit_move, debit_move),
            ):
                if (
                    invoice.move_type == "out_invoice"
                    and other.move_type != "out_refund"
                ):
                    invoices |= invoice
        invoices._invoice_dispute_follow_payment()
