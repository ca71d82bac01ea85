from odoo import fields, models

REASON_CATEGORIES = [
    ("pricing", "Pricing"),
    ("quantity", "Quantity"),
    ("not_delivered", "Not delivered"),
    ("not_ordered", "Not ordered"),
    ("payment_terms", "Payment terms"),
    ("wrong_details", "Wrong details"),
    ("duplicate", "Duplicate invoice"),
    ("billing_error", "Billing error"),
    ("quality", "Quality"),
    ("short_payment", "Short payment"),
    ("other", "Other"),
]


class InvoiceDisputeReason(models.Model):
    _name = "invoice.dispute.reason"
    _description = "Invoice Dispute Reason"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(REASON_CATEGORIES, required=True, default="other")
    sla_days = fields.Integer(
        string="SLA (days)",
        default=10,
        help="Days after reception within which a dispute with this reason "
        "should be resolved.",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the reason between companies."
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The code of a dispute reason must be unique per company.",
        ),
        (
            "sla_days_positive",
            "CHECK(sla_days >= 0)",
            "The SLA of a dispute reason cannot be negative.",
        ),
    ]
