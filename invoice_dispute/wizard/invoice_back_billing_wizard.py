from odoo import api, fields, models

from ..models.constants import BACK_BILLING_METHODS


class InvoiceBackBillingWizard(models.TransientModel):
    _name = "invoice.back.billing.wizard"
    _description = "Back-billing"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    amount = fields.Monetary(string="Amount under-billed", required=True)
    date_from = fields.Date(string="Period from", required=True)
    date_to = fields.Date(string="Period to", required=True)
    explanation = fields.Text(
        help="Why the amount was not billed, in words the customer understands; "
        "it is shown on the invoice."
    )
    method = fields.Selection(
        BACK_BILLING_METHODS, required=True, default="next_invoice"
    )
    customer_informed = fields.Boolean(
        string="Customer informed",
        help="Billing an amount afterwards requires telling the customer first.",
    )
    date_informed = fields.Date(string="Informed on")
    waive_reason = fields.Text()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_id"):
            partner = self.env["res.partner"].browse(context["active_id"])
            values.setdefault("partner_id", partner.commercial_partner_id.id)
        return values

    def action_confirm(self):
        """Record the decision entered (``invoice.back.billing
        .record_decision``); open the separate invoice when there is one."""
        self.ensure_one()
        __, invoice = self.env["invoice.back.billing"].record_decision(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "currency_id": self.currency_id.id,
                "amount": self.amount,
                "date_from": self.date_from,
                "date_to": self.date_to,
                "explanation": self.explanation,
                "method": self.method,
                "customer_informed": self.customer_informed,
                "date_informed": self.date_informed,
                "waive_reason": self.waive_reason,
            }
        )
        if not invoice:
            return {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
        }
