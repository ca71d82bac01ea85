from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from .invoice_dispute import OPEN_CUSTOMER_INVOICES_DOMAIN


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
        domain=OPEN_CUSTOMER_INVOICES_DOMAIN,
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    amount = fields.Monetary(required=True, tracking=True)
    date_promised = fields.Date(required=True, tracking=True, index=True)
    date_deadline = fields.Date(
        string="Broken after",
        compute="_compute_date_deadline",
        help="The promise is broken if it is not kept by this date (promised "
        "date plus the company's grace days).",
    )
    amount_open_start = fields.Monetary(
        string="Open when promised",
        readonly=True,
        copy=False,
        help="What was open on the invoices when the promise was recorded.",
    )
    amount_paid = fields.Monetary(
        string="Paid since the promise",
        compute="_compute_amount_paid",
        help="Paid on the promise's invoices since it was recorded.",
    )
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
    note = fields.Text(groups="invoice_dispute.group_invoice_dispute_user")
    date_settled = fields.Date(string="Settled on", readonly=True, copy=False)

    @api.depends("partner_id", "date_promised", "amount")
    def _compute_name(self):
        for promise in self:
            promise.name = (
                f"{promise.partner_id.name or ''} {promise.date_promised or ''}"
            )

    @api.depends("date_promised", "company_id.promise_grace_days")
    def _compute_date_deadline(self):
        for promise in self:
            promise.date_deadline = promise.date_promised and (
                promise.date_promised
                + timedelta(days=promise.company_id.promise_grace_days)
            )

    @api.depends("amount_open_start", "move_ids.amount_residual")
    def _compute_amount_paid(self):
        for promise in self:
            residual = sum(promise.move_ids.mapped("amount_residual"))
            promise.amount_paid = promise.currency_id.round(
                max(promise.amount_open_start - residual, 0.0)
            )

    @api.constrains("amount")
    def _check_amount(self):
        for promise in self:
            if promise.currency_id.compare_amounts(promise.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._(
                        "The promised amount must be greater than zero (got "
                        "%(amount)s).",
                        amount=promise.amount,
                    )
                )

    @api.constrains("move_ids", "partner_id")
    def _check_moves(self):
        for promise in self:
            wrong = promise.move_ids._invoice_dispute_not_of_customer(
                promise.partner_id
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "%(move)s is not a posted invoice of %(partner)s: a promise "
                        "to pay covers posted invoices of its customer.",
                        move=wrong[0].display_name,
                        partner=promise.partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        for promise in promises:
            if not promise.amount_open_start:
                promise.amount_open_start = sum(
                    promise.move_ids.mapped("amount_residual")
                )
        return promises

    def write(self, vals):
        res = super().write(vals)
        if "move_ids" in vals:
            for promise in self.filtered(lambda p: p.state == "pending"):
                promise.amount_open_start = sum(
                    promise.move_ids.mapped("amount_residual")
                )
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_cancel(self):
        if self.filtered(lambda p: p.state != "pending"):
            raise UserError(self.env._("Only pending promises can be cancelled."))
        self.write({"state": "cancelled"})
        return True

    def action_reset_pending(self):
        if self.filtered(lambda p: p.state != "cancelled"):
            raise UserError(
                self.env._("Only cancelled promises can be set back to pending.")
            )
        self.write({"state": "pending"})
        return True

    def action_view_moves(self):
        self.ensure_one()
        return self.move_ids._invoice_dispute_list_action()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _get_due_domain(self, today):
        """Pending promises whose promised date plus their company's grace days
        has passed."""
        companies = self.env["res.company"].browse(
            company.id
            for [company] in self._read_group(
                [("state", "=", "pending")], ["company_id"]
            )
        )
        return expression.AND(
            [
                [("state", "=", "pending")],
                expression.OR(
                    [
                        [
                            ("company_id", "=", company.id),
                            (
                                "date_promised",
                                "<",
                                today - timedelta(days=company.promise_grace_days),
                            ),
                        ]
                        for company in companies
                    ]
                    or [expression.FALSE_DOMAIN]
                ),
            ]
        )

    def _settle(self):
        """Kept if at least the promised amount was paid since the promise,
        broken otherwise (activity for the collector; reminders resume)."""
        kept = self.filtered(
            lambda p: p.currency_id.compare_amounts(p.amount_paid, p.amount) >= 0
        )
        broken = self - kept
        today = fields.Date.context_today(self)
        kept.write({"state": "kept", "date_settled": today})
        broken.write({"state": "broken", "date_settled": today})
        for promise in broken:
            promise.activity_schedule(
                "invoice_dispute.mail_activity_promise_broken",
                user_id=self.env["account.move"]._get_follow_up_user(promise).id,
                note=Markup("<p>%s</p>")
                % self.env._(
                    "%(partner)s promised to pay %(amount)s by %(date)s and paid "
                    "%(paid)s: follow up; reminders resume on the invoices.",
                    partner=promise.partner_id.display_name,
                    amount=promise.amount,
                    date=promise.date_promised,
                    paid=promise.amount_paid,
                ),
            )
        return kept, broken
