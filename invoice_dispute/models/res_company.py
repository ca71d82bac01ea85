from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dispute_manager_id = fields.Many2one(
        "res.users",
        string="Dispute manager",
        help="Receives escalations of late disputes. Leave empty to notify every "
        "dispute manager of the company.",
    )
    dispute_approval_amount = fields.Monetary(
        string="Approval above amount",
        currency_field="currency_id",
        default=500.0,
        help="Discounts, partial adjustments and write-offs above this amount need "
        "a dispute manager's approval before they are sent to the customer "
        "(0: all of them do).",
    )
    dispute_approval_percent = fields.Float(
        string="Approval above percent",
        default=10.0,
        help="Discounts, partial adjustments and write-offs above this percentage "
        "of the invoices' total need a dispute manager's approval (0: all of "
        "them do).",
    )
    promise_grace_days = fields.Integer(
        string="Promise grace days",
        default=3,
        help="Days after the promised date before an unpaid promise to pay is "
        "marked broken and reminders resume.",
    )
