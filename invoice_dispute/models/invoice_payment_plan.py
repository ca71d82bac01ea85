from odoo import fields, models


class InvoicePaymentPlan(models.Model):
    _name = "invoice.payment.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
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
        tracking=True,
        check_company=True,
    )
    move_ids = fields.Many2many(
        "account.move",
        "invoice_payment_plan_move_rel",
        "plan_id",
        "move_id",
        string="Invoices",
        check_company=True,
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    amount_total = fields.Monetary(tracking=True)
    installment_count = fields.Integer(default=3)
    interval = fields.Selection(
        [("weekly", "Weekly"), ("biweekly", "Every two weeks"), ("monthly", "Monthly")],
        default="monthly",
        required=True,
    )
    date_first = fields.Date(string="First installment")
    grace_days = fields.Integer(default=3)
    line_ids = fields.One2many("invoice.payment.plan.line", "plan_id", copy=True)
    dispute_id = fields.Many2one("invoice.dispute", index=True, check_company=True)
    user_id = fields.Many2one(
        "res.users", string="Collector", default=lambda self: self.env.user
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("proposed", "Proposed"),
            ("active", "Active"),
            ("completed", "Completed"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
