from odoo import api, fields, models


class InvoicePaymentPromise(models.Model):
    _name = "invoice.payment.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_promised desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
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
        "invoice_payment_promise_move_rel",
        "promise_id",
        "move_id",
        string="Invoices",
        check_company=True,
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    amount = fields.Monetary(required=True, tracking=True)
    date_promised = fields.Date(required=True, tracking=True, index=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("kept", "Kept"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="pending",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    source = fields.Selection(
        [
            ("call", "Call"),
            ("email", "Email"),
            ("portal", "Portal"),
            ("other", "Other"),
        ],
        default="call",
        required=True,
    )
    call_sheet_id = fields.Many2one(
        "invoice.call.sheet", index=True, check_company=True
    )
    user_id = fields.Many2one(
        "res.users", string="Collector", default=lambda self: self.env.user
    )
    note = fields.Text()

    @api.depends("partner_id", "date_promised", "amount")
    def _compute_name(self):
        for promise in self:
            promise.name = (
                f"{promise.partner_id.name or ''} {promise.date_promised or ''}"
            )
