from odoo import fields, models


class InvoiceCallSheet(models.Model):
    _name = "invoice.call.sheet"
    _description = "Call Preparation Sheet"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_planned desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
    )
    contact_id = fields.Many2one("res.partner", check_company=True)
    user_id = fields.Many2one(
        "res.users", string="Collector", default=lambda self: self.env.user
    )
    date_planned = fields.Datetime(default=fields.Datetime.now)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("prepared", "Prepared"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
    )
