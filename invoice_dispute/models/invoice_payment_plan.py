from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, format_amount, format_date

from .constants import (
    INTERVALS,
    PLAN_LINES_DELETABLE_STATES,
    PLAN_LIVE_STATES,
    PLAN_OFFER_STATES,
    PLAN_REMINDER_PAUSES,
    PLAN_STARTED_STATES,
)
from .invoice_workflow_mixin import check_range


def installment_date(date_first, interval, index):
    """Due date of installment ``index`` (0-based) of a schedule.

    Monthly dates are counted from the first date, not from the previous
    installment, so month ends stay month ends: Jan 31, Feb 28/29, Mar 31.
    """
    if interval == "weekly":
        return date_first + timedelta(weeks=index)
    if interval == "biweekly":
        return date_first + timedelta(weeks=2 * index)
    if interval == "monthly":
        return date_first + relativedelta(months=index)
    raise ValueError(f"Unknown interval {interval!r}")


def compute_schedule(amount, count, interval, date_first, rounding=0.01):
    """Split ``amount`` into ``count`` installments.

    Works in the currency's rounding units (``res.currency.rounding``: cents,
    or 0.05 for a currency rounded to five cents), as ``account_move
    .split_amount`` does for credit notes, so the installments sum to the
    amount exactly: every installment gets the same whole number of units
    and the rounding remainder goes to the last one (a schedule of equal
    installments, unlike ``split_amount``'s proportional shares).

    :param float amount: total to spread, > 0, a multiple of ``rounding``
    :param int count: number of installments, >= 1 and at most the amount in
        units (every installment is at least one unit)
    :param str interval: ``weekly``, ``biweekly`` or ``monthly``
    :param date date_first: due date of the first installment
    :param float rounding: the currency's smallest amount
    :return: list of ``(date_due, amount)``, dates strictly increasing
    :raise ValueError: on an impossible input
    """
    units = round(amount / rounding)
    if count < 1:
        raise ValueError("At least one installment is needed.")
    if units < count:
        raise ValueError("Every installment must be at least the smallest unit.")
    base = units // count
    digits = max(0, -Decimal(str(rounding)).normalize().as_tuple().exponent)
    schedule = []
    for index in range(count):
        share = base if index < count - 1 else units - base * (count - 1)
        schedule.append(
            (
                installment_date(date_first, interval, index),
                round(share * rounding, digits),
            )
        )
    return schedule


class InvoicePaymentPlan(models.Model):
    _name = "invoice.payment.plan"
    _description = "Payment Plan"
    _inherit = ["invoice.customer.document"]
    _order = "id desc"
    _check_company_auto = True

    _SEQUENCE_CODE = "invoice.payment.plan"
    _CURRENCY_FROM_INVOICES = True
    _UNLINK_STATES = ("draft", "cancelled")
    # Transitions allowed by the actions, crons and invoice follow-ups:
    # target -> source states (completed -> active: a payment was removed).
    _TRANSITIONS = {
        "proposed": ("draft",),
        "active": ("draft", "proposed", "completed"),
        "completed": ("active", "broken"),
        "broken": ("active",),
        "cancelled": ("draft", "proposed", "active", "broken"),
        "draft": ("proposed", "cancelled"),
    }
    _CLOSED_STATES = ("completed", "cancelled")
    _REOPEN_STATES = ("cancelled",)
    _ASSIGN_RESPONSIBLE = True
    # the states whose end starts the grace period (``PLAN_REMINDER_PAUSES``)
    _REMINDER_PAUSE_STATES = tuple(
        state for state, __, grace in PLAN_REMINDER_PAUSES if grace
    )
    _ARRANGEMENT_STATES = PLAN_LIVE_STATES
    # The agreed schedule and what it was based on; the note stays editable.
    _CLOSED_FROZEN_FIELDS = (
        "company_id",
        "partner_id",
        "move_ids",
        "currency_id",
        "amount_total",
        "amount_open_start",
        "amount_paid_start",
        "installment_count",
        "interval",
        "date_first",
        "grace_days",
        "line_ids",
        "dispute_id",
        "date_activated",
    )

    partner_id = fields.Many2one(
        help="Customer who pays in installments.",
    )
    move_ids = fields.Many2many(
        relation="invoice_payment_plan_move_rel",
        column1="plan_id",
        column2="move_id",
        help="Posted, open invoices of the customer the plan pays, all in one "
        "currency.",
    )
    currency_id = fields.Many2one(
        help="The invoices' currency: the total and the installments are in it.",
    )
    amount_total = fields.Monetary(
        compute="_compute_amount_total",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Total spread over the installments; at most what is open on the "
        "invoices.",
    )
    amount_residual = fields.Monetary(
        string="Open on invoices", compute="_compute_amount_residual"
    )
    amount_open_start = fields.Monetary(
        string="Open at activation",
        readonly=True,
        copy=False,
        help="What was open on the invoices when the plan was activated; "
        "payments since then are allocated to the installments.",
    )
    amount_paid_start = fields.Monetary(
        string="Paid at activation",
        readonly=True,
        copy=False,
        help="Money already received on the invoices when the plan was activated.",
    )
    amount_paid = fields.Monetary(
        compute="_compute_amount_paid",
        store=True,
        help="Money received on the plan's invoices (payments and bank statement "
        "lines, not credit notes or write-offs) since the plan was activated.",
    )
    installment_count = fields.Integer(
        string="Installments",
        default=3,
        help="Number of installments, 1 or more; each is at least the smallest unit of"
        " the currency.",
    )
    interval = fields.Selection(
        INTERVALS,
        default="monthly",
        required=True,
        help="Time between two installments.",
    )
    date_first = fields.Date(
        string="First installment",
        default=lambda self: fields.Date.context_today(self) + timedelta(days=7),
        help="Due date of the first installment; not in the past when the plan is "
        "prepared (a week from today by default).",
    )
    grace_days = fields.Integer(
        default=3,
        help="Days an installment may stay unpaid after its due date before "
        "the plan is broken.",
    )
    line_ids = fields.One2many(
        "invoice.payment.plan.line", "plan_id", string="Schedule", copy=True
    )
    next_line_id = fields.Many2one(
        "invoice.payment.plan.line",
        string="Next installment",
        compute="_compute_next_line",
    )
    date_next = fields.Date(string="Next due date", compute="_compute_next_line")
    dispute_id = fields.Many2one(
        "invoice.dispute",
        index=True,
        check_company=True,
        help="Dispute the plan settles, if any.",
    )
    proposal_ids = fields.One2many("invoice.dispute.proposal", "payment_plan_id")
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        default=lambda self: self._default_responsible(),
        tracking=True,
        domain="[('share', '=', False)]",
        help="Internal user who follows the plan up.",
    )
    date_activated = fields.Date(
        readonly=True,
        copy=False,
        help="Day the plan was activated; reminders on its invoices follow the "
        "installments from then on.",
    )
    date_checked = fields.Date(
        readonly=True,
        copy=False,
        index=True,
        help="Last day the daily check looked at this plan.",
    )
    note = fields.Text(
        groups="invoice_dispute.group_invoice_dispute_user",
        help="Internal note on the agreement.",
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
        help="Stage of the plan; it changes only through the actions (propose, "
        "activate, cancel) and when installments are paid or missed.",
    )

    @api.depends("move_ids")
    def _compute_amount_total(self):
        for plan in self:
            if plan.state in PLAN_OFFER_STATES or not plan.amount_total:
                plan.amount_total = sum(plan.move_ids.mapped("amount_residual"))

    @api.depends("move_ids.amount_residual", "amount_paid_start", "state")
    def _compute_amount_paid(self):
        for plan in self:
            if plan.state in PLAN_LINES_DELETABLE_STATES:
                plan.amount_paid = 0.0
                continue
            paid = sum(plan.move_ids._invoice_dispute_get_amount_paid().values())
            plan.amount_paid = plan.currency_id.round(
                max(paid - plan.amount_paid_start, 0.0)
            )

    @api.depends("line_ids.state", "line_ids.date_due")
    def _compute_next_line(self):
        for plan in self:
            line = plan.line_ids.filtered(lambda x: x.state != "paid")[:1]
            plan.next_line_id = line
            plan.date_next = line.date_due

    @api.constrains("partner_id", "dispute_id")
    def _check_dispute_id(self):
        self.env["res.partner"]._invoice_dispute_check_same_customer(
            self, ["dispute_id"]
        )

    @api.constrains("grace_days")
    def _check_grace_days(self):
        check_range(self, ["grace_days"])

    @api.constrains("amount_total", "installment_count", "move_ids", "state")
    def _check_amount_total(self):
        for plan in self.filtered(lambda p: p.state in PLAN_OFFER_STATES):
            plan._check_plan_values()

    @api.constrains("currency_id", "move_ids")
    def _check_currency(self):
        for plan in self:
            plan.move_ids._invoice_dispute_check_currency(plan)

    @api.constrains("date_first")
    def _check_date_first(self):
        """The first installment of a plan being prepared is not in the past
        when the plan is created or the date is changed."""
        for plan in self.filtered(lambda p: p.state in PLAN_OFFER_STATES):
            self._check_date_first_not_past(plan.date_first, plan.display_name)

    @api.constrains("line_ids", "amount_total")
    def _check_installments(self):
        for plan in self.filtered("line_ids"):
            lines = plan.line_ids.sorted(lambda x: (x.sequence, x.date_due, x.id))
            currency = plan.currency_id
            if float_compare(
                sum(lines.mapped("amount")),
                plan.amount_total,
                precision_rounding=currency.rounding,
            ):
                raise ValidationError(
                    self.env._(
                        "The installments of %(plan)s sum to %(sum)s, not to the "
                        "plan's total of %(total)s: correct the amounts or "
                        "generate the schedule again.",
                        plan=plan.display_name,
                        sum=format_amount(
                            self.env, sum(lines.mapped("amount")), currency
                        ),
                        total=format_amount(self.env, plan.amount_total, currency),
                    )
                )
            for line in lines:
                if currency.compare_amounts(line.amount, 0.0) <= 0:
                    raise ValidationError(
                        self.env._(
                            "Every installment of %(plan)s must be greater than "
                            "zero (installment due %(date)s).",
                            plan=plan.display_name,
                            date=line.date_due,
                        )
                    )
            dates = lines.mapped("date_due")
            for before, after in pairwise(dates):
                if after <= before:
                    raise ValidationError(
                        self.env._(
                            "The due dates of the installments of %(plan)s must "
                            "strictly increase: %(after)s comes after %(before)s.",
                            plan=plan.display_name,
                            before=before,
                            after=after,
                        )
                    )

    @api.onchange("amount_total", "installment_count", "interval", "date_first")
    def _onchange_schedule_parameters(self):
        """Keep the schedule of a plan being prepared in line with its terms."""
        if self.state not in PLAN_OFFER_STATES:
            return
        try:
            self._check_plan_values()
        except (UserError, ValidationError):
            return
        self.line_ids = [Command.clear()] + [
            Command.create(vals) for vals in self._prepare_schedule_lines()
        ]

    def write(self, vals):
        if "line_ids" in vals:
            plans = self.with_context(invoice_payment_plan_writing_lines=True)
            return super(InvoicePaymentPlan, plans).write(vals)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_generate_schedule(self):
        """(Re)build the installments from the plan's terms."""
        self._check_state(PLAN_OFFER_STATES, self.env._("given a new schedule"))
        for plan in self:
            plan._check_plan_values()
        for plan in self:
            plan.line_ids = [Command.clear()] + [
                Command.create(vals) for vals in plan._prepare_schedule_lines()
            ]
        return True

    def action_propose(self):
        self._check_state(("draft",), self.env._("proposed"))
        self._ensure_schedule()
        self._set_state("proposed")
        return True

    def action_activate(self):
        """Start the plan: reminders on its invoices pause and installment
        reminders take over; the customer receives the schedule."""
        self._check_state(PLAN_OFFER_STATES, self.env._("activated"))
        self._check_open_invoices()
        for plan in self:
            others = plan.move_ids.payment_plan_ids.filtered(
                lambda p, plan=plan: p != plan and p.state == "active"
            )
            if others:
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s is already in the active payment "
                        "plan %(other)s.",
                        invoice=(others[0].move_ids & plan.move_ids)[0].display_name,
                        other=others[0].name,
                    )
                )
        for plan in self:
            plan._check_plan_values()
        self._ensure_schedule()
        today = fields.Date.context_today(self)
        for plan in self:
            plan._set_state(
                "active",
                {
                    "date_activated": today,
                    "amount_open_start": sum(plan.move_ids.mapped("amount_residual")),
                    "amount_paid_start": sum(
                        plan.move_ids._invoice_dispute_get_amount_paid().values()
                    ),
                },
            )
        self._send_confirmation()
        return True

    def action_cancel(self):
        self._check_state(self._TRANSITIONS["cancelled"], self.env._("cancelled"))
        self._set_state("cancelled")
        self.activity_unlink(["invoice_dispute.mail_activity_plan_broken"])
        return True

    def action_reset_draft(self):
        """Back to draft; a cancelled plan taken up again is a new plan on
        its invoices, refused as one (``_check_arrangeable``)."""
        self._check_state(self._TRANSITIONS["draft"], self.env._("reset to draft"))
        reopened = self.filtered(lambda p: p.state == "cancelled")
        self._set_state("draft")
        reopened._check_arrangeable()
        return True

    def action_send_confirmation(self):
        self._check_state(("active",), self.env._("sent"))
        self._send_confirmation()
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _get_auto_approve_limit(self):
        """The largest total a customer's request starts at once: the
        company's ``plan_auto_approve_amount`` (company currency) converted
        to this plan's currency at today's rate (SPEC §11, *Request a payment
        plan*).

        :return: float, in the plan's currency
        """
        self.ensure_one()
        company = self.company_id
        return company.currency_id._convert(
            company.plan_auto_approve_amount,
            self.currency_id,
            company,
            fields.Date.context_today(self),
        )

    def _activate_or_propose(self):
        """Start a draft plan a customer asked for at once when its total is
        at most ``_get_auto_approve_limit``, else propose it to the
        collector.

        :return: bool, whether the plan started
        :raise UserError: as ``action_activate`` / ``action_propose``
        """
        self.ensure_one()
        limit = self._get_auto_approve_limit()
        if self.currency_id.compare_amounts(self.amount_total, limit) <= 0:
            self.action_activate()
            return True
        self.action_propose()
        return False

    def _get_reminder_agreement_date(self):
        """A payment plan was agreed on the day it was activated."""
        self.ensure_one()
        return self.date_activated

    @api.model
    def _check_date_first_not_past(self, date_first, name=None):
        """Refuse a first installment date before today (also called by the
        call outcome wizard before it creates a plan).

        :param date date_first: due date of the first installment (or None)
        :param str name: the plan's number, for the message
        :raise ValidationError: naming the date and today
        """
        today = fields.Date.context_today(self)
        if date_first and date_first < today:
            raise ValidationError(
                self.env._(
                    "The first installment of %(plan)s (%(date)s) cannot be in the "
                    "past: it must be today (%(today)s) or later.",
                    plan=name or self.env._("the payment plan"),
                    date=format_date(self.env, date_first),
                    today=format_date(self.env, today),
                )
            )

    def _check_open_invoices(self):
        """Refuse plans on an invoice with nothing left to pay
        (``account.move._invoice_dispute_is_settled``): a payment plan covers
        open invoices. The one rule of its terms (``_check_plan_values``) and
        of its activation (``action_activate``).

        :raise ValidationError: naming the first such invoice
        """
        for plan in self:
            settled = plan.move_ids.filtered(lambda m: m._invoice_dispute_is_settled())
            if settled:
                raise ValidationError(
                    self.env._(
                        "Invoice %(invoice)s is already paid (it has nothing "
                        "open): a payment plan only covers open invoices.",
                        invoice=settled[0].display_name,
                    )
                )

    def _check_plan_values(self):
        """Refuse terms that cannot make an exact schedule."""
        self.ensure_one()
        currency = self.currency_id
        if currency.compare_amounts(self.amount_total, 0.0) <= 0:
            raise ValidationError(
                self.env._(
                    "The total of payment plan %(plan)s must be greater than zero.",
                    plan=self.display_name,
                )
            )
        if self.installment_count < 1:
            raise ValidationError(
                self.env._(
                    "A payment plan needs at least one installment (%(plan)s has "
                    "%(count)s).",
                    plan=self.display_name,
                    count=self.installment_count,
                )
            )
        smallest_units = round(self.amount_total / currency.rounding)
        if smallest_units < self.installment_count:
            raise ValidationError(
                self.env._(
                    "%(total)s cannot be split into %(count)s installments of at "
                    "least %(unit)s each.",
                    total=format_amount(self.env, self.amount_total, currency),
                    count=self.installment_count,
                    unit=format_amount(self.env, currency.rounding, currency),
                )
            )
        if self.move_ids:
            self.move_ids._invoice_dispute_check_currency(self)
            self._check_open_invoices()
            open_amount = sum(self.move_ids.mapped("amount_residual"))
            if currency.compare_amounts(self.amount_total, open_amount) > 0:
                raise ValidationError(
                    self.env._(
                        "The total of payment plan %(plan)s (%(total)s) exceeds "
                        "what is open on its invoices (%(open)s).",
                        plan=self.display_name,
                        total=format_amount(self.env, self.amount_total, currency),
                        open=format_amount(self.env, open_amount, currency),
                    )
                )
            self.move_ids._invoice_dispute_check_customer_invoices(self.partner_id)

    def _prepare_schedule_lines(self):
        self.ensure_one()
        if not self.date_first:
            raise UserError(
                self.env._(
                    "Set the date of the first installment of %(plan)s.",
                    plan=self.display_name,
                )
            )
        schedule = compute_schedule(
            self.amount_total,
            self.installment_count,
            self.interval,
            self.date_first,
            self.currency_id.rounding,
        )
        return [
            {"sequence": index, "date_due": date_due, "amount": amount}
            for index, (date_due, amount) in enumerate(schedule, start=1)
        ]

    def _ensure_schedule(self):
        self.filtered(lambda p: not p.line_ids).action_generate_schedule()

    def _send_confirmation(self):
        """Email the schedule to the customer, in their language."""
        template = self.env.ref(
            "invoice_dispute.mail_template_payment_plan_confirmation"
        )
        for plan in self:
            error = plan._get_email_recipient_error(
                self.env._("emailing the schedule of %(name)s", name=plan.name)
            )
            if error:
                plan.message_post(
                    body=self.env._(
                        "The schedule was not emailed: %(reason)s", reason=error
                    )
                )
                continue
            plan.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

    def _cap_to_open(self):
        """Lower the schedule of running plans whose invoices were credited
        in part (a credit note lowers what is open, money does not change
        what the plan expects): the total becomes what was paid since the
        plan started plus what is still open, the difference taken off the
        last unpaid installments (an installment left at zero is dropped).
        Plans with nothing left open are completed elsewhere
        (``account.move._invoice_dispute_follow_settlement``).

        :return: the plans whose schedule was lowered
        """
        capped = self.browse()
        for plan in self.filtered(
            lambda p: p.state in PLAN_STARTED_STATES and p.line_ids
        ):
            currency = plan.currency_id
            if currency.is_zero(plan.amount_residual):
                continue
            total = currency.round(plan.amount_paid + plan.amount_residual)
            excess = currency.round(plan.amount_total - total)
            if currency.compare_amounts(excess, 0.0) <= 0:
                continue
            commands = []
            lines = plan.line_ids.sorted(lambda x: (x.sequence, x.date_due, x.id))
            for line in reversed(lines):
                if currency.is_zero(excess):
                    break
                cut = min(excess, currency.round(line.amount - line.amount_paid))
                if currency.compare_amounts(cut, 0.0) <= 0:
                    continue
                excess = currency.round(excess - cut)
                if currency.is_zero(line.amount - cut):
                    commands.append(Command.unlink(line.id))
                else:
                    amount = currency.round(line.amount - cut)
                    commands.append(Command.update(line.id, {"amount": amount}))
            old_total = plan.amount_total
            plan.with_context(invoice_dispute_cap_plan=True).write(
                {"amount_total": total, "line_ids": commands}
            )
            plan.message_post(
                body=self.env._(
                    "The invoices were credited in part: the plan's total is now "
                    "%(total)s (was %(old)s); the last installments were lowered.",
                    total=format_amount(self.env, total, currency),
                    old=format_amount(self.env, old_total, currency),
                )
            )
            capped |= plan
        return capped

    def _check_progress(self):
        """Update the installments from the payments and settle the plan:
        completed when every installment is paid, broken as soon as one is
        still unpaid after its due date plus the grace days."""
        lines = self.line_ids
        self.env.add_to_compute(lines._fields["amount_paid"], lines)
        self.env.add_to_compute(lines._fields["state"], lines)
        lines.flush_recordset(["amount_paid", "state"])
        completed = self.filtered(
            lambda p: p.line_ids and all(x.state == "paid" for x in p.line_ids)
        )
        broken = (self - completed).filtered(
            lambda p: any(x.state == "late" for x in p.line_ids)
        )
        completed._set_state("completed")
        if broken:
            broken._set_state("broken")
            for plan in broken:
                late = plan.line_ids.filtered(lambda x: x.state == "late")[:1]
                plan.activity_schedule(
                    "invoice_dispute.mail_activity_plan_broken",
                    user_id=(plan._get_follow_up_user() or self.env.user).id,
                    note=Markup("<p>%s</p>")
                    % self.env._(
                        "The installment of %(amount)s due %(date)s is still "
                        "unpaid after %(days)s grace days: reminders resume on the "
                        "plan's invoices.",
                        amount=format_amount(
                            self.env, late.amount - late.amount_paid, plan.currency_id
                        ),
                        date=format_date(self.env, late.date_due),
                        days=plan.grace_days,
                    ),
                )
        self.write({"date_checked": fields.Date.context_today(self)})
        return completed, broken

    @api.model
    def _cron_check_promises_and_plans(self, batch_size=500):
        """Daily: expire proposals past their validity, settle promises past
        their date plus the company's grace days, and update active plans.

        One batch of at most ``batch_size`` records per call; the cron framework
        calls again while ``_notify_progress`` reports remaining work,
        committing in between. Every step takes its records out of its own
        domain, so reruns do nothing twice."""
        today = fields.Date.context_today(self)
        Proposal = self.env["invoice.dispute.proposal"]
        Promise = self.env["invoice.payment.promise"]
        steps = [
            (
                Proposal,
                Proposal._get_expired_domain(today),
                lambda records: records._expire(),
            ),
            (
                Promise,
                Promise._get_due_domain(today),
                lambda records: records._settle(),
            ),
            (
                self,
                [
                    ("state", "=", "active"),
                    "|",
                    ("date_checked", "=", False),
                    ("date_checked", "<", today),
                ],
                lambda records: records._check_progress(),
            ),
        ]
        done = remaining = 0
        for model, domain, process in steps:
            limit = batch_size - done
            if limit > 0:
                records = model.search(domain, order="id", limit=limit)
                if records:
                    process(records)
                    done += len(records)
            remaining += model.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done
