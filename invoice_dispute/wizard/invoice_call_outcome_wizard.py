from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import float_compare, format_amount, format_date, plaintext2html

from ..models.invoice_call_sheet import AGREEMENT_OUTCOMES, OUTCOMES
from ..models.invoice_dispute import OPEN_STATES
from ..models.invoice_payment_plan import INTERVALS

# Days until the next collection activity, per outcome (a promise is checked
# the day after the promised date).
NEXT_ACTIVITY_DAYS = {
    "dispute": 7,
    "plan_requested": 3,
    "paid": 3,
    "no_answer": 1,
    "wrong_contact": 1,
    "refused": 2,
    "callback": 1,
}
# Outcomes that need invoices to create something on.
OUTCOMES_WITH_INVOICES = ("promise", "dispute", "plan_requested")


class InvoiceCallOutcomeWizard(models.TransientModel):
    """Record what came out of a collection call: create the promise, dispute
    or draft payment plan, confirm the agreement to the customer by email in
    their language, tell colleagues with an internal note and schedule the
    next "Collection call" activity."""

    _name = "invoice.call.outcome.wizard"
    _description = "Log a Collection Call Outcome"

    call_sheet_id = fields.Many2one(
        "invoice.call.sheet", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="call_sheet_id.company_id")
    partner_id = fields.Many2one(related="call_sheet_id.partner_id")
    contact_id = fields.Many2one(
        "res.partner",
        compute="_compute_contact_id",
        store=True,
        readonly=False,
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
        help="The person you spoke to; the written confirmation goes to them.",
    )
    outcome = fields.Selection(OUTCOMES, required=True, default="promise")
    move_ids = fields.Many2many(
        "account.move",
        "invoice_call_outcome_wizard_move_rel",
        "wizard_id",
        "move_id",
        string="Invoices",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
        help="The invoices the promise, dispute or payment plan is about.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_amount_open")
    amount_open = fields.Monetary(
        string="Open on these invoices", compute="_compute_amount_open"
    )
    promise_amount = fields.Monetary(
        help="Amount the customer promises to pay, in the invoices' currency: "
        "greater than zero and at most what is open on the selected invoices.",
    )
    promise_date = fields.Date(string="Promised payment date")
    reason_id = fields.Many2one("invoice.dispute.reason", string="Dispute reason")
    statement = fields.Text(
        string="Customer's words", help="The concern exactly as the customer put it."
    )
    plan_installment_count = fields.Integer(
        string="Installments",
        default=3,
        help="Number of installments of the payment plan, 1 or more.",
    )
    plan_interval = fields.Selection(
        INTERVALS,
        string="Interval",
        default="monthly",
    )
    plan_date_first = fields.Date(string="First installment")
    note = fields.Text(
        string="Internal note", help="What colleagues should know about this call."
    )
    next_date = fields.Date(
        string="Next activity",
        compute="_compute_next_date",
        store=True,
        readonly=False,
        help="When the next collection call is scheduled.",
    )
    send_confirmation = fields.Boolean(
        string="Email the confirmation",
        compute="_compute_send_confirmation",
        store=True,
        readonly=False,
        help="Email the written confirmation of the agreement to the contact.",
    )

    @api.depends("call_sheet_id")
    def _compute_contact_id(self):
        for wizard in self:
            wizard.contact_id = wizard.call_sheet_id._get_contact()

    @api.depends("call_sheet_id", "outcome", "promise_amount")
    def _compute_move_ids(self):
        """The invoices due now and not arranged (the sheet's due lines,
        still so today: ``account.move._get_collection_due_domain``); for a
        promise, those its amount covers, oldest first."""
        today = fields.Date.context_today(self)
        due_domain = self.env["account.move"]._get_collection_due_domain(today)
        for wizard in self:
            moves = wizard.call_sheet_id.due_line_ids.move_id.filtered_domain(
                due_domain
            )
            if wizard.outcome == "promise" and wizard.promise_amount > 0:
                moves = moves._select_covered_by(wizard.promise_amount)
            wizard.move_ids = moves

    @api.depends("move_ids", "company_id")
    def _compute_amount_open(self):
        for wizard in self:
            currency = wizard.move_ids.currency_id
            if len(currency) == 1:
                wizard.currency_id = currency
                wizard.amount_open = sum(wizard.move_ids.mapped("amount_residual"))
            else:
                wizard.currency_id = wizard.company_id.currency_id
                wizard.amount_open = sum(
                    wizard.move_ids.mapped("amount_residual_signed")
                )

    @api.depends("outcome", "promise_date")
    def _compute_next_date(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            if wizard.outcome == "promise":
                wizard.next_date = wizard.promise_date and wizard.promise_date + (
                    timedelta(days=1)
                )
            else:
                wizard.next_date = self._next_working_day(
                    today + timedelta(days=NEXT_ACTIVITY_DAYS[wizard.outcome] - 1)
                )

    @api.depends("outcome")
    def _compute_send_confirmation(self):
        for wizard in self:
            wizard.send_confirmation = wizard.outcome in AGREEMENT_OUTCOMES

    def action_confirm(self):
        self.ensure_one()
        self._check_values()
        sheet = self.call_sheet_id
        vals = {
            "outcome": self.outcome,
            "outcome_note": self.note,
            "date_done": fields.Datetime.now(),
            "contact_id": self.contact_id.id,
        }
        if self.outcome == "promise":
            self._create_promise()
        elif self.outcome == "dispute":
            vals["dispute_id"] = self._create_dispute().id
        elif self.outcome == "plan_requested":
            vals["plan_id"] = self._create_plan().id
        sheet._set_state("done", vals)
        if self.send_confirmation:
            sheet.message_post_with_source(
                "invoice_dispute.mail_template_call_agreement",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        note = self._get_internal_note()
        sheet.message_post(body=note, subtype_xmlid="mail.mt_note")
        # sudo: collectors may not edit customers, yet their colleagues must
        # find the note on the customer; the collector stays its author.
        sheet.partner_id.sudo().message_post(
            body=note,
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )
        self._schedule_next_activity()
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _next_working_day(self, day):
        """The day after ``day``, skipping the weekend."""
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    def _check_values(self):
        """Refuse bad input before anything is written."""
        sheet = self.call_sheet_id
        sheet._check_outcome_allowed()
        if sheet.state != "prepared":
            raise UserError(
                self.env._(
                    "Prepare call sheet %(name)s before logging the outcome of the "
                    "call.",
                    name=sheet.name,
                )
            )
        today = fields.Date.context_today(self)
        if self.outcome in OUTCOMES_WITH_INVOICES:
            self._check_invoices()
        checks = {
            "promise": self._check_promise,
            "dispute": self._check_dispute,
            "plan_requested": self._check_plan,
        }
        if self.outcome in checks:
            checks[self.outcome](today)
        self._check_follow_up(today)

    def _check_invoices(self):
        if not self.move_ids:
            raise UserError(
                self.env._(
                    "Select the invoices the agreement is about (field 'Invoices')."
                )
            )
        # one agreement per currency: the documents refuse mixed currencies
        self.move_ids._invoice_dispute_check_currency()

    def _check_promise(self, today):
        """The input the promise needs; its rules are the promise's own."""
        rounding = self.currency_id.rounding
        if float_compare(self.promise_amount, 0.0, precision_rounding=rounding) <= 0:
            raise UserError(
                self.env._(
                    "A promise to pay needs an amount ('Promise amount' must be "
                    "more than 0)."
                )
            )
        if not self.promise_date:
            raise UserError(
                self.env._("A promise to pay needs a 'Promised payment date'.")
            )
        Promise = self.env["invoice.payment.promise"]
        Promise._check_amount_within_open(
            self.move_ids, self.promise_amount, partner=self.partner_id
        )
        Promise._check_date_not_past(self.promise_date)

    def _check_dispute(self, today):
        if not self.reason_id:
            raise UserError(self.env._("A dispute needs a 'Dispute reason'."))
        if not (self.statement or "").strip():
            raise UserError(
                self.env._(
                    "Write down the concern in the customer's words (field "
                    '"Customer\'s words").'
                )
            )
        disputed = self.move_ids.filtered(
            lambda m: any(line.state in OPEN_STATES for line in m.dispute_line_ids)
        )
        if disputed:
            raise UserError(
                self.env._(
                    "%(invoices)s already has an open dispute: an invoice can have "
                    "only one open dispute at a time.",
                    invoices=", ".join(disputed.mapped("name")),
                )
            )

    def _check_plan(self, today):
        # The terms are checked by the plan itself.
        self.env["invoice.payment.plan"]._check_date_first_not_past(
            self.plan_date_first
        )

    def _check_follow_up(self, today):
        if self.outcome == "callback" and not self.next_date:
            raise UserError(
                self.env._("Set when to call back (field 'Next activity').")
            )
        if self.next_date and self.next_date < today:
            raise UserError(
                self.env._(
                    "The next activity date %(date)s is in the past: it must be "
                    "today (%(today)s) or later.",
                    date=format_date(self.env, self.next_date),
                    today=format_date(self.env, today),
                )
            )
        if self.send_confirmation and not self.contact_id.email:
            raise UserError(
                self.env._(
                    "%(contact)s has no email address: add one or untick 'Email "
                    "the confirmation'.",
                    contact=self.contact_id.display_name or self.env._("The contact"),
                )
            )

    def _create_promise(self):
        sheet = self.call_sheet_id
        return self.env["invoice.payment.promise"].create(
            {
                "partner_id": sheet.partner_id.id,
                "move_ids": [Command.set(self.move_ids.ids)],
                "amount": self.promise_amount,
                "date_promised": self.promise_date,
                "source": "call",
                "call_sheet_id": sheet.id,
                "user_id": sheet.user_id.id,
                "company_id": sheet.company_id.id,
            }
        )

    def _create_dispute(self):
        sheet = self.call_sheet_id
        return self.env["invoice.dispute"].create(
            {
                "partner_id": sheet.partner_id.id,
                "contact_id": self.contact_id.id,
                "reason_id": self.reason_id.id,
                "channel": "phone",
                "customer_statement": plaintext2html(self.statement),
                "company_id": sheet.company_id.id,
                "user_id": sheet.user_id.id,
                "line_ids": [
                    Command.create(
                        {"move_id": move.id, "disputed_amount": move.amount_residual}
                    )
                    for move in self.move_ids
                ],
            }
        )

    def _create_plan(self):
        sheet = self.call_sheet_id
        return self.env["invoice.payment.plan"].create(
            {
                "partner_id": sheet.partner_id.id,
                "move_ids": [Command.set(self.move_ids.ids)],
                "amount_total": self.amount_open,
                "installment_count": self.plan_installment_count,
                "interval": self.plan_interval,
                "date_first": self.plan_date_first,
                "company_id": sheet.company_id.id,
            }
        )

    def _get_outcome_label(self):
        return dict(self._fields["outcome"]._description_selection(self.env))[
            self.outcome
        ]

    def _get_internal_note(self):
        """What colleagues need to know about the call."""
        sheet = self.call_sheet_id
        parts = [
            Markup("<p>%s</p>")
            % self.env._(
                "Collection call %(sheet)s with %(contact)s: %(outcome)s.",
                sheet=sheet.name,
                contact=self.contact_id.display_name or "",
                outcome=self._get_outcome_label(),
            )
        ]
        if self.outcome == "promise":
            parts.append(
                Markup("<p>%s</p>")
                % self.env._(
                    "Promised: %(amount)s by %(date)s for %(invoices)s.",
                    amount=format_amount(
                        self.env, self.promise_amount, self.currency_id
                    ),
                    date=format_date(self.env, self.promise_date),
                    invoices=", ".join(self.move_ids.mapped("name")),
                )
            )
        elif self.outcome == "dispute":
            parts.append(
                Markup("<p>%s %s</p>")
                % (
                    self.env._(
                        "Dispute %(dispute)s registered:", dispute=sheet.dispute_id.name
                    ),
                    sheet.dispute_id._get_html_link(),
                )
            )
        elif self.outcome == "plan_requested":
            parts.append(
                Markup("<p>%s</p>")
                % self.env._(
                    "Payment plan %(plan)s requested: %(count)s installments for "
                    "%(amount)s.",
                    plan=sheet.plan_id.name,
                    count=self.plan_installment_count,
                    amount=format_amount(self.env, self.amount_open, self.currency_id),
                )
            )
        if self.note:
            parts.append(plaintext2html(self.note))
        if self.send_confirmation:
            parts.append(
                Markup("<p>%s</p>")
                % self.env._(
                    "Written confirmation emailed to %(email)s.",
                    email=self.contact_id.email,
                )
            )
        return Markup().join(parts)

    def _get_next_activity_summary(self):
        sheet = self.call_sheet_id
        summaries = {
            "promise": self.env._(
                "Check the payment promised for %(date)s",
                date=format_date(self.env, self.promise_date),
            ),
            "dispute": self.env._(
                "Follow up dispute %(dispute)s", dispute=sheet.dispute_id.name
            ),
            "plan_requested": self.env._(
                "Send payment plan %(plan)s to the customer", plan=sheet.plan_id.name
            ),
            "paid": self.env._("Check that the announced payment arrived"),
            "no_answer": self.env._("Call again: no answer"),
            "wrong_contact": self.env._("Call the person responsible for payment"),
            "refused": self.env._("Follow up: the customer refused to pay"),
            "callback": self.env._("Call back as agreed"),
        }
        return summaries[self.outcome]

    def _schedule_next_activity(self):
        sheet = self.call_sheet_id
        date = self.next_date or (
            self.promise_date + timedelta(days=1)
            if self.promise_date
            else self._next_working_day(fields.Date.context_today(self))
        )
        # sudo: as for the note, a collector plans the follow-up on a customer
        # they may not edit.
        sheet.partner_id.sudo().activity_schedule(
            "invoice_dispute.mail_activity_collection_call",
            date_deadline=date,
            summary=self._get_next_activity_summary(),
            note=Markup("<p>%s</p>")
            % self.env._("Previous call: %(sheet)s", sheet=sheet.name),
            user_id=(sheet.user_id or self.env.user).id,
        )
