from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import format_amount, format_date


class InvoicePaymentPromise(models.Model):
    _name = "invoice.payment.promise"
    _description = "Promise to Pay"
    _inherit = ["invoice.customer.document"]
    _order = "date_promised desc, id desc"
    _check_company_auto = True

    _SEQUENCE_CODE = "invoice.payment.promise"
    _CURRENCY_FROM_INVOICES = True
    _UNLINK_STATES = ("pending", "cancelled")
    # Transitions allowed by the actions, the cron and invoice follow-ups:
    # target -> source states (kept -> pending: a payment was removed).
    _TRANSITIONS = {
        "kept": ("pending",),
        "broken": ("pending",),
        "cancelled": ("pending",),
        "pending": ("cancelled", "kept"),
    }
    _CLOSED_STATES = ("kept", "broken", "cancelled")
    _REOPEN_STATES = ("cancelled",)
    _ASSIGN_RESPONSIBLE = True
    _REMINDER_PAUSE_STATES = ("pending",)
    _ARRANGEMENT_STATES = ("pending",)
    # What was promised and how it was settled; the note stays editable.
    _CLOSED_FROZEN_FIELDS = (
        "company_id",
        "partner_id",
        "move_ids",
        "currency_id",
        "amount",
        "date_promised",
        "amount_open_start",
        "amount_paid_start",
        "source",
        "call_sheet_id",
        "date_settled",
    )

    partner_id = fields.Many2one(
        help="Customer who promised to pay.",
    )
    move_ids = fields.Many2many(
        relation="invoice_payment_promise_move_rel",
        column1="promise_id",
        column2="move_id",
        help="Posted, open invoices of the customer the promise is about.",
    )
    currency_id = fields.Many2one(
        help="The invoices' currency: the promised amount is in it.",
    )
    amount = fields.Monetary(
        required=True,
        tracking=True,
        help="Amount promised, in the invoices' currency; greater than zero and at "
        "most what is open on the invoices.",
    )
    date_promised = fields.Date(
        required=True,
        tracking=True,
        index=True,
        help="Day by which the customer promised to pay; reminders on the invoices "
        "wait until then.",
    )
    date_deadline = fields.Date(
        string="Broken after",
        compute="_compute_date_deadline",
        help="The promise is broken if it is not kept by this date (promised "
        "date plus the company's grace days).",
    )
    amount_open_start = fields.Monetary(
        string="Open when promised",
        compute="_compute_invoice_snapshot",
        store=True,
        precompute=True,
        copy=False,
        help="What was open on the invoices when the promise was recorded.",
    )
    amount_paid_start = fields.Monetary(
        string="Paid when promised",
        compute="_compute_invoice_snapshot",
        store=True,
        precompute=True,
        copy=False,
        help="Money already received on the invoices when the promise was recorded.",
    )
    amount_paid = fields.Monetary(
        string="Paid since the promise",
        compute="_compute_amount_paid",
        help="Money received on the promise's invoices (payments and bank "
        "statement lines, not credit notes or write-offs) since it was recorded.",
    )
    amount_expected = fields.Monetary(
        string="Expected",
        compute="_compute_amount_expected",
        help="The promised amount, at most what the customer could still pay: "
        "what was paid since the promise plus what is open on its invoices "
        "(a credit note lowers it). In the invoices' currency.",
    )
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("kept", "Kept"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="pending",
        help="Pending until the date; kept when payments received cover the amount, "
        "broken otherwise. Changed by the daily check, not by hand.",
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
        help="How the customer made the promise.",
    )
    call_sheet_id = fields.Many2one(
        "invoice.call.sheet",
        index=True,
        check_company=True,
        help="Call in which the promise was made, if any.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        default=lambda self: self._default_responsible(),
        help="Internal user who follows the promise up.",
    )
    note = fields.Text(
        groups="invoice_dispute.group_invoice_dispute_user",
        help="Internal note on the promise.",
    )
    date_settled = fields.Date(
        string="Settled on",
        readonly=True,
        copy=False,
        help="Day the promise was found kept or broken.",
    )

    @api.depends("date_promised", "company_id.promise_grace_days")
    def _compute_date_deadline(self):
        for promise in self:
            promise.date_deadline = promise.date_promised and (
                promise.date_promised
                + timedelta(days=promise.company_id.promise_grace_days)
            )

    @api.depends("move_ids")
    def _compute_invoice_snapshot(self):
        """What is open on the invoices and the money already received on
        them when the promise is recorded or its invoices change while
        pending: its starting point, in the invoices' currency."""
        for promise in self:
            if promise.state not in (False, "pending"):
                # a settled promise keeps its history
                promise.amount_open_start = promise.amount_open_start
                promise.amount_paid_start = promise.amount_paid_start
                continue
            paid = promise.move_ids._invoice_dispute_get_amount_paid()
            promise.amount_open_start = sum(promise.move_ids.mapped("amount_residual"))
            promise.amount_paid_start = sum(paid.values())

    @api.depends("amount_paid_start", "move_ids.amount_residual")
    def _compute_amount_paid(self):
        for promise in self:
            paid = sum(promise.move_ids._invoice_dispute_get_amount_paid().values())
            promise.amount_paid = promise.currency_id.round(
                max(paid - promise.amount_paid_start, 0.0)
            )

    @api.depends("amount", "amount_paid", "move_ids.amount_residual")
    def _compute_amount_expected(self):
        for promise in self:
            open_amount = sum(promise.move_ids.mapped("amount_residual"))
            promise.amount_expected = promise.currency_id.round(
                max(min(promise.amount, promise.amount_paid + open_amount), 0.0)
            )

    @api.constrains("partner_id", "call_sheet_id")
    def _check_call_sheet_id(self):
        self.env["res.partner"]._invoice_dispute_check_same_customer(
            self, ["call_sheet_id"]
        )

    @api.constrains("amount")
    def _check_amount(self):
        for promise in self:
            promise._check_amount_positive(promise.amount, promise.currency_id)

    @api.model
    def _check_amount_positive(self, amount, currency):
        """Refuse a promise of nothing: the promised ``amount`` (in
        ``currency``, a res.currency record) must be greater than zero. The one
        rule of the promise (``_check_amount``) and of the call outcome that
        records one.

        :raise ValidationError: naming the amount
        """
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(
                self.env._(
                    "A promise to pay needs an amount: the promised amount must "
                    "be greater than zero (got %(amount)s).",
                    amount=format_amount(self.env, amount, currency),
                )
            )

    @api.constrains("amount", "move_ids", "amount_open_start")
    def _check_amount_open(self):
        """A pending promise is on open invoices and promises at most what was
        open on them when it was recorded."""
        for promise in self.filtered(lambda p: p.state == "pending"):
            self._check_amount_within_open(
                promise.move_ids,
                promise.amount,
                promise.amount_open_start,
                promise.partner_id,
            )

    @api.constrains("date_promised")
    def _check_date_promised(self):
        """A pending promise is for today or later when it is recorded or
        its date is changed."""
        for promise in self.filtered(lambda p: p.state == "pending"):
            self._check_date_not_past(promise.date_promised)

    @api.constrains("date_promised", "source")
    def _check_date_promised_portal(self):
        """A promise made on the customer portal is for at most the company's
        ``promise_max_days`` from today (SPEC §11)."""
        today = fields.Date.context_today(self)
        for promise in self.filtered(
            lambda p: p.state == "pending" and p.source == "portal"
        ):
            limit = today + timedelta(days=promise.company_id.promise_max_days)
            if promise.date_promised > limit:
                raise ValidationError(
                    self.env._(
                        "The promised payment date %(date)s is too far ahead: "
                        "choose a date at most %(days)s days from today, by "
                        "%(limit)s at the latest.",
                        date=format_date(self.env, promise.date_promised),
                        days=promise.company_id.promise_max_days,
                        limit=format_date(self.env, limit),
                    )
                )

    @api.constrains("currency_id", "move_ids")
    def _check_currency(self):
        for promise in self:
            promise.move_ids._invoice_dispute_check_currency(promise)

    @api.constrains("move_ids", "partner_id")
    def _check_moves(self):
        for promise in self:
            promise.move_ids._invoice_dispute_check_customer_invoices(
                promise.partner_id
            )

    # ------------------------------------------------------------------
    # Rules (also called by the call outcome wizard before it creates one)
    # ------------------------------------------------------------------
    @api.model
    def _check_amount_within_open(self, moves, amount, amount_open=None, partner=None):
        """Refuse a promise of ``amount`` on ``moves`` that has no invoices,
        is on invoices that are not ``partner``'s posted ones, of several
        currencies or with nothing open, or promises more than is open.

        :param moves: account.move recordset, the promise's invoices
        :param float amount: promised amount, in the invoices' currency
        :param float amount_open: what is (was) open on them, in their
            currency; by default what is open now
        :param partner: res.partner, the customer (its commercial partner
            owns the invoices)
        :raise ValidationError: with the amounts formatted in the currency
        """
        if not moves:
            raise ValidationError(
                self.env._(
                    "A promise to pay needs the invoices it is about (field "
                    "'Invoices')."
                )
            )
        if partner:
            moves._invoice_dispute_check_customer_invoices(partner)
        moves._invoice_dispute_check_currency()
        currency = moves.currency_id
        paid = moves.filtered(lambda m: m.currency_id.is_zero(m.amount_residual))
        if paid:
            raise ValidationError(
                self.env._(
                    "Invoice %(invoice)s has nothing open: a promise to pay covers "
                    "open invoices.",
                    invoice=paid[0].display_name,
                )
            )
        if amount_open is None:
            amount_open = sum(moves.mapped("amount_residual"))
        if currency.compare_amounts(amount, amount_open) > 0:
            raise ValidationError(
                self.env._(
                    "The promised amount %(amount)s is more than what is open on "
                    "the invoices %(invoices)s (%(open)s): promise at most what is "
                    "open.",
                    amount=format_amount(self.env, amount, currency),
                    invoices=", ".join(moves.mapped("name")),
                    open=format_amount(self.env, amount_open, currency),
                )
            )

    @api.model
    def _check_date_not_past(self, date_promised):
        """Refuse a promised payment date before today.

        :raise ValidationError: naming the date and today
        """
        today = fields.Date.context_today(self)
        if date_promised and date_promised < today:
            raise ValidationError(
                self.env._(
                    "The promised payment date %(date)s is in the past: it must be "
                    "today (%(today)s) or later.",
                    date=format_date(self.env, date_promised),
                    today=format_date(self.env, today),
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_cancel(self):
        self._check_state(("pending",), self.env._("cancelled"))
        self._set_state("cancelled")
        return True

    def action_reset_pending(self):
        """Take a cancelled promise up again: a new promise on its invoices,
        refused as one (``_check_arrangeable``)."""
        self._check_state(("cancelled",), self.env._("set back to pending"))
        self._set_state("pending")
        self._check_arrangeable()
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _get_reminder_agreement_date(self):
        """A promise to pay was agreed on the day it was recorded."""
        self.ensure_one()
        return fields.Date.context_today(self, self.create_date)

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
        """Kept if the expected amount was received in money since the
        promise (``amount_paid``: payments and bank statement lines, not
        credit notes or write-offs; ``amount_expected``: the promised amount,
        at most what could still be paid once credit notes lowered what is
        open), broken otherwise (activity for the collector; reminders
        resume). A promise with nothing left to pay and nothing paid (its
        invoices credited in full) is cancelled, neither kept nor broken.

        :return: (kept promises, broken promises)
        """
        nothing_left = self.filtered(lambda p: p.currency_id.is_zero(p.amount_expected))
        kept = (self - nothing_left).filtered(
            lambda p: (
                p.currency_id.compare_amounts(p.amount_paid, p.amount_expected) >= 0
            )
        )
        broken = self - nothing_left - kept
        today = fields.Date.context_today(self)
        if nothing_left:
            nothing_left.action_cancel()
            for promise in nothing_left:
                promise.message_post(
                    body=self.env._(
                        "Nothing is left to pay on the promised invoices (credited "
                        "in full): cancelled."
                    )
                )
        kept._set_state("kept", {"date_settled": today})
        broken._set_state("broken", {"date_settled": today})
        for promise in broken:
            promise.activity_schedule(
                "invoice_dispute.mail_activity_promise_broken",
                user_id=(promise._get_follow_up_user() or self.env.user).id,
                note=Markup("<p>%s</p>")
                % self.env._(
                    "%(partner)s promised to pay %(amount)s by %(date)s and paid "
                    "%(paid)s: follow up; reminders resume on the invoices.",
                    partner=promise.partner_id.display_name,
                    amount=format_amount(
                        self.env, promise.amount_expected, promise.currency_id
                    ),
                    date=format_date(self.env, promise.date_promised),
                    paid=format_amount(
                        self.env, promise.amount_paid, promise.currency_id
                    ),
                ),
            )
        return kept, broken
