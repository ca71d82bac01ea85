from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dispute_manager_id = fields.Many2one(
        related="company_id.dispute_manager_id", readonly=False
    )
