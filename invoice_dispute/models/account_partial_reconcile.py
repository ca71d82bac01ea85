from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        invoices, paid = partials._invoice_dispute_reconciled_invoices()
        invoices._invoice_dispute_follow_settlement(paid)
        return partials

    def unlink(self):
        invoices, __ = self._invoice_dispute_reconciled_invoices()
        res = super().unlink()
        invoices._invoice_dispute_follow_unpayment()
        return res

    def _invoice_dispute_reconciled_invoices(self):
        """The customer invoices these reconciliations settle, and among
        them those paid with money: reconciled with a payment or a bank
        statement line (SPEC §10, "paid means money received"), not with a
        credit note, a write-off or a reversal.

        :return: (account.move, account.move) customer invoices
        """
        invoices = paid = self.env["account.move"]
        for partial in self:
            debit_move = partial.debit_move_id.move_id
            credit_move = partial.credit_move_id.move_id
            for invoice, other in (
                (debit_move, credit_move),
                (credit_move, debit_move),
            ):
                if invoice.move_type != "out_invoice":
                    continue
                invoices |= invoice
                if other.origin_payment_id or other.statement_line_id:
                    paid |= invoice
        return invoices, paid
