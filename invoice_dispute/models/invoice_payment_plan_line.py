from odoo import fields, models


class InvoicePaymentPlanLine(models.Model):
    _name = "invoice.payment.plan.line"
    _description = "Payment Plan Installment"
    _order = "plan_id, date_due, id"

    plan_id = fields.Many2one(
        "invoice.payment.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True)
    sequence = fields.Integer()
    date_due = fields.Date(required=True, index=True)
    amount = fields.Monetary(required=True)
    amount_paid = fields.Monetary()
    state = fields.Selection(
        [("pending", "Pending"), ("paid", "Paid"), ("late", "Late")],
        default="pending",
        required=True,
        index=True,
    )
