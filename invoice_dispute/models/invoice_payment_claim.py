from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount, format_date

MAX_REFERENCE_LENGTH = 100


class InvoicePaymentClaim(models.Model):
    """A customer's word that invoices are already paid ("Already paid" on the
    reminder portal page, SPEC §11): the date, amount and reference of the
    payment they made. While it is open, and for the company's
    ``paid_claim_block_days`` at most, reminders pause on its invoices
    (``account.move._get_reminder_exclusions``); the collector gets an
    activity to find the payment, then confirms the claim (payment found) or
    rejects it (not received: reminders resume)."""

    _name = "invoice.payment.claim"
    _description = "Payment Reported by the Customer"
    _inherit = ["invoice.customer.document"]
    _order = "date_reported desc, id desc"
    _check_company_auto = True

    _SEQUENCE_CODE = "invoice.payment.claim"
    _CURRENCY_FROM_INVOICES = True
    _UNLINK_STATES = ("open",)
    _TRANSITIONS = {
        "confirmed": ("open",),
        "rejected": ("open",),
    }
    _CLOSED_STATES = ("confirmed", "rejected")
    _CLOSED_FROZEN_FIELDS = (
        "company_id",
        "partner_id",
        "move_ids",
        "amount",
        "date_paid",
        "reference",
    )

    partner_id = fields.Many2one(
        help="Customer (commercial partner) who reported the payment.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Reported by",
        help="The contact who reported the payment.",
    )
    notice_id = fields.Many2one(
        "invoice.reminder.notice",
        string="Reminder",
        index="btree_not_null",
        check_company=True,
        help="The reminder from whose page the payment was reported.",
    )
    move_ids = fields.Many2many(
        relation="invoice_payment_claim_move_rel",
        column1="claim_id",
        column2="move_id",
        required=True,
        help="The invoices the customer says are paid.",
    )
    currency_id = fields.Many2one(
        help="The invoices' currency: the reported amount is in it.",
    )
    amount = fields.Monetary(
        required=True,
        tracking=True,
        help="Amount the customer says they paid, in the invoices' currency; "
        "greater than zero and at most what was open on the invoices.",
    )
    date_paid = fields.Date(
        string="Paid on",
        required=True,
        tracking=True,
        help="Day the customer says they paid; not in the future.",
    )
    reference = fields.Char(
        string="Payment reference",
        tracking=True,
        help="The reference the customer gave for the payment.",
    )
    date_reported = fields.Date(
        default=fields.Date.context_today, required=True, readonly=True
    )
    date_until = fields.Date(
        string="Reminders paused until",
        compute="_compute_date_until",
        store=True,
        precompute=True,
        index=True,
        help="Reminders pause on the invoices until this day while the claim "
        "is open (reported on plus the company's days).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Internal user who looks for the payment.",
    )
    state = fields.Selection(
        [
            ("open", "To check"),
            ("confirmed", "Payment found"),
            ("rejected", "Not received"),
        ],
        default="open",
        help="To check: reminders pause on the invoices until the date. Payment "
        "found: the collector found the money. Not received: reminders resume.",
    )

    @api.depends("date_reported")
    def _compute_date_until(self):
        """The company's ``paid_claim_block_days`` when the payment was
        reported; a later change of the setting leaves it as it was."""
        for claim in self:
            claim.date_until = (
                claim.date_reported or fields.Date.context_today(claim)
            ) + timedelta(days=claim.company_id.paid_claim_block_days)

    @api.constrains("amount", "move_ids")
    def _check_amount(self):
        for claim in self.filtered(lambda c: c.state == "open"):
            currency = claim.currency_id
            if currency.compare_amounts(claim.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._(
                        "The amount paid must be greater than zero (got %(amount)s).",
                        amount=format_amount(self.env, claim.amount, currency),
                    )
                )
            open_amount = sum(claim.move_ids.mapped("amount_residual"))
            # with the other open reports on these invoices: a payment cannot
            # be reported twice beyond what is open
            others = claim.move_ids.payment_claim_ids.filtered(
                lambda c, claim=claim: c != claim and c.state == "open"
            )
            claimed = sum(others.mapped("amount"))
            if (
                others
                and currency.compare_amounts(claim.amount + claimed, open_amount) > 0
            ):
                values = {
                    "invoices": ", ".join(claim.move_ids.mapped("name")),
                    "claimed": format_amount(self.env, claimed, currency),
                    "amount": format_amount(self.env, claim.amount, currency),
                    "open": format_amount(self.env, open_amount, currency),
                }
                if len(claim.move_ids) == 1:
                    raise ValidationError(
                        self.env._(
                            "%(invoices)s already has payments of %(claimed)s "
                            "reported that we are looking for; with %(amount)s it "
                            "would be more than what is open (%(open)s).",
                            **values,
                        )
                    )
                raise ValidationError(
                    self.env._(
                        "%(invoices)s already have payments of %(claimed)s reported "
                        "that we are looking for; with %(amount)s it would be more "
                        "than what is open (%(open)s).",
                        **values,
                    )
                )
            if currency.compare_amounts(claim.amount, open_amount) > 0:
                raise ValidationError(
                    self.env._(
                        "The amount paid %(amount)s is more than what is open on "
                        "%(invoices)s (%(open)s): report the part of your payment "
                        "for these invoices.",
                        amount=format_amount(self.env, claim.amount, currency),
                        invoices=", ".join(claim.move_ids.mapped("name")),
                        open=format_amount(self.env, open_amount, currency),
                    )
                )

    @api.constrains("date_paid", "move_ids")
    def _check_date_paid(self):
        today = fields.Date.context_today(self)
        for claim in self.filtered(lambda c: c.state == "open"):
            first = min(claim.move_ids.mapped("invoice_date") or [False]) or False
            if first and claim.date_paid < first:
                raise ValidationError(
                    self.env._(
                        "The payment date %(date)s is before the invoice date "
                        "(%(invoice_date)s): report the payment you made for "
                        "this invoice.",
                        date=format_date(self.env, claim.date_paid),
                        invoice_date=format_date(self.env, first),
                    )
                )
            if claim.date_paid > today:
                raise ValidationError(
                    self.env._(
                        "The payment date %(date)s is in the future: report a "
                        "payment already made (today, %(today)s, or earlier).",
                        date=format_date(self.env, claim.date_paid),
                        today=format_date(self.env, today),
                    )
                )

    @api.constrains("reference")
    def _check_reference(self):
        for claim in self:
            if len(claim.reference or "") > MAX_REFERENCE_LENGTH:
                raise ValidationError(
                    self.env._(
                        "The payment reference is too long: at most %(max)s "
                        "characters.",
                        max=MAX_REFERENCE_LENGTH,
                    )
                )

    @api.constrains("move_ids", "partner_id", "currency_id")
    def _check_moves(self):
        for claim in self:
            claim.move_ids._invoice_dispute_check_customer_invoices(claim.partner_id)
            claim.move_ids._invoice_dispute_check_currency(claim)

    @api.model
    def _check_claimable(self, move):
        """Refuse a new report of payment on invoice ``move`` when the open
        reports on it already cover what is open (the form would be refused
        by ``_check_amount`` whatever the amount).

        :raise ValidationError: naming the amount already reported
        """
        currency = move.currency_id
        claimed = sum(
            move.payment_claim_ids.filtered(lambda c: c.state == "open").mapped(
                "amount"
            )
        )
        if claimed and currency.compare_amounts(claimed, move.amount_residual) >= 0:
            raise ValidationError(
                self.env._(
                    "You already reported payments of %(claimed)s on %(invoice)s: "
                    "we are looking for them.",
                    claimed=format_amount(self.env, claimed, currency),
                    invoice=move.name,
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_confirm(self):
        """The collector found the payment: the claim is closed (reconcile
        the payment as usual; a paid invoice gets no reminders anyway)."""
        self._check_state(("open",), self.env._("confirmed"))
        self._set_state("confirmed")
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_reject(self):
        """No such payment was received: reminders resume on the invoices."""
        self._check_state(("open",), self.env._("rejected"))
        self._set_state("rejected")
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True
