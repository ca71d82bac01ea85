from datetime import timedelta

from odoo import api, fields, models

from .constants import PLAN_LINES_DELETABLE_STATES, PLAN_STARTED_STATES
from .invoice_workflow_mixin import check_parent_not_closed, check_state


class InvoicePaymentPlanLine(models.Model):
    _name = "invoice.payment.plan.line"
    _description = "Payment Plan Installment"
    _order = "plan_id, date_due, id"

    plan_id = fields.Many2one(
        "invoice.payment.plan",
        required=True,
        ondelete="cascade",
        index=True,
        help="Payment plan of the installment.",
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    partner_id = fields.Many2one(
        related="plan_id.partner_id",
        store=True,
        help="Customer of the payment plan.",
    )
    plan_state = fields.Selection(related="plan_id.state", string="Plan status")
    user_id = fields.Many2one(related="plan_id.user_id", string="Collector")
    sequence = fields.Integer()
    date_due = fields.Date(
        required=True,
        index=True,
        help="Day the installment is due; later than the previous installment's.",
    )
    amount = fields.Monetary(
        required=True,
        help="Amount due, in the plan's currency; greater than zero, and the "
        "installments sum to the plan's total.",
    )
    amount_paid = fields.Monetary(
        compute="_compute_amount_paid",
        store=True,
        help="Payments on the plan's invoices, allocated to the installments in "
        "date order.",
    )
    amount_due = fields.Monetary(string="Still due", compute="_compute_amount_due")
    state = fields.Selection(
        [("pending", "Pending"), ("paid", "Paid"), ("late", "Late")],
        compute="_compute_state",
        store=True,
        default="pending",
        required=True,
        index=True,
        help="Late: still unpaid after its due date plus the plan's grace days.",
    )

    @api.depends("plan_id.amount_paid", "plan_id.line_ids.amount", "date_due")
    def _compute_amount_paid(self):
        for plan in self.plan_id:
            available = plan.amount_paid
            ordered = plan.line_ids.sorted(lambda x: (x.date_due, x.sequence, x.id))
            for line in ordered:
                share = plan.currency_id.round(min(line.amount, max(available, 0.0)))
                line.amount_paid = share
                available -= share
        (self - self.plan_id.line_ids).amount_paid = 0.0

    @api.depends("amount", "amount_paid")
    def _compute_amount_due(self):
        for line in self:
            line.amount_due = line.amount - line.amount_paid

    @api.depends(
        "amount", "amount_paid", "date_due", "plan_id.grace_days", "plan_id.state"
    )
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for line in self:
            currency = line.currency_id or line.plan_id.currency_id
            if (
                line.amount
                and currency.compare_amounts(line.amount_paid, line.amount) >= 0
            ):
                line.state = "paid"
            elif (
                line.plan_id.state in PLAN_STARTED_STATES
                and line.date_due
                and line.date_due + timedelta(days=line.plan_id.grace_days) < today
            ):
                line.state = "late"
            else:
                line.state = "pending"

    @api.model_create_multi
    def create(self, vals_list):
        check_parent_not_closed(
            self, "plan_id", [vals.get("plan_id") for vals in vals_list]
        )
        return super().create(vals_list)

    def write(self, vals):
        # the schedule of a completed or cancelled plan is what was agreed
        check_parent_not_closed(self, "plan_id", [vals.get("plan_id")])
        return super().write(vals)

    @api.constrains("amount", "date_due")
    def _check_schedule(self):
        # Edits made through the plan are checked once all of them are applied
        # (by the plan's own constraint), not one installment at a time.
        if not self.env.context.get("invoice_payment_plan_writing_lines"):
            self.plan_id._check_installments()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running_plan(self):
        if self.env.context.get("invoice_dispute_cap_plan"):
            return  # an installment lowered to zero by a credit note
        # Not the closed-parent rule of create/write (``check_parent_not_closed``:
        # completed or cancelled plans) on purpose: deleting a cancelled plan
        # deletes its installments, while an active or broken plan keeps the
        # schedule the customer agreed to.
        check_state(
            self.plan_id,
            PLAN_LINES_DELETABLE_STATES,
            self.env._("changed by deleting its installments"),
        )

    # ------------------------------------------------------------------
    # Installment reminders
    # ------------------------------------------------------------------
    def _get_reminder_recipient(self):
        """Who receives this installment's reminder: the customer's active
        accounts-payable contact with an email, else the plan's customer
        (``res.partner._get_payment_recipient``)."""
        self.ensure_one()
        return self.plan_id.partner_id._get_payment_recipient()

    def _get_reminder_credit_lines(self):
        """The customer's open credits (credit notes not applied, payments not
        matched) in the plan's company and currency, which the installment
        reminder lists and deducts.

        :return: account.move.line records, each open for
            ``-amount_residual_currency`` in the plan's currency
        """
        self.ensure_one()
        return self.plan_id.partner_id._get_open_credit_lines(
            self.plan_id.company_id, self.currency_id
        )

    def _get_reminder_net_amount(self):
        """What the installment reminder asks: the installment's amount still
        due less the customer's open credits, in the plan's currency (the
        reminder engine sends none when it is not positive)."""
        self.ensure_one()
        credit = self._get_reminder_credit_lines()._get_open_credit_total()
        return self.currency_id.round(self.amount_due - credit)
