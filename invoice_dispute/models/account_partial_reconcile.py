from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._invoice_dispute_paid_invoices()._invoice_dispute_follow_payment()
        return partials

    def unlink(self):
        invoices = self._invoice_dispute_paid_invoices()
        res = super().unlink()
        invoices._invoice_dispute_follow_unpayment()
        return res

    def _invoice_dispute_paid_invoices(self):
        """The customer invoices these reconciliations pay: reconciled with a
        payment, a bank statement line or a misc. entry. A credit note is not
        a payment: the resolve wizard and accepted proposals that issue one
        settle their own records.

        :return: account.move recordset (customer invoices)
        """
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
        return invoices
