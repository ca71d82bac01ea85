from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dispute_manager_id = fields.Many2one(
        "res.users",
        string="Dispute manager",
        help="Receives escalations of late disputes. Leave empty to notify every "
        "dispute manager of the company.",
    )
