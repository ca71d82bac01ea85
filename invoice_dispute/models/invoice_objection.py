from odoo import fields, models

OBJECTION_CATEGORIES = [
    ("not_received", "Invoice not received"),
    ("wrong_person", "Wrong person"),
    ("cash_flow", "Cash-flow problems"),
    ("already_paid", "Already paid"),
    ("payment_run", "Waiting for the payment run"),
    ("amount_disputed", "Disputes the amount"),
    ("approval", "Waiting for approval"),
    ("complaint", "Complaint about the delivery"),
    ("call_back", "No time, call back later"),
    ("other", "Other"),
]


class InvoiceObjection(models.Model):
    """An excuse a collector is likely to hear on the phone, with a suggested
    answer: stay friendly, avoid a discussion and steer back to payment."""

    _name = "invoice.objection"
    _description = "Collection Call Objection"
    _order = "sequence, id"

    name = fields.Char(
        string="Objection",
        required=True,
        translate=True,
        help="What the customer says.",
    )
    response = fields.Text(
        string="Suggested answer",
        required=True,
        translate=True,
        help="A friendly answer that avoids a discussion and leads back to payment.",
    )
    category = fields.Selection(OBJECTION_CATEGORIES, required=True, default="other")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the objection between companies."
    )
