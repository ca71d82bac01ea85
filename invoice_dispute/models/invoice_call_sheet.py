from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import (
    format_amount,
    format_date,
    html2plaintext,
    plaintext2html,
)

from .constants import (
    NEXT_ACTIVITY_DAYS,
    OPEN_STATES,
    OUTCOMES,
    OUTCOMES_WITH_INVOICES,
    WEEKDAYS,
    selection_label,
    selection_labels,
)

# Earlier arrangements shown per customer on the sheet (most recent first).
ARRANGEMENTS_SHOWN = 5
# Average days late from which the customer counts as a late payer.
LATE_PAYER_DAYS = 15
# Objections suggested on a sheet: the likely ones first, completed up to this.
OBJECTIONS_SHOWN = 6


class InvoiceCallSheet(models.Model):
    """Preparation of a collection call (seed 003) and its outcome.

    ``action_prepare`` copies what the collector calls with onto the sheet
    (overdue invoices, disputes and complaints, payment behaviour, earlier
    arrangements, the right contact, talking points and likely objections),
    so the sheet stays a record of what was known at the time.
    ``action_log_outcome`` opens the wizard that records the call's outcome."""

    _name = "invoice.call.sheet"
    _description = "Call Preparation Sheet"
    _inherit = ["invoice.customer.document"]
    _order = "date_planned desc, id desc"
    _check_company_auto = True

    _SEQUENCE_CODE = "invoice.call.sheet"
    # a sheet with a logged outcome is the record of the call
    _UNLINK_STATES = ("draft", "prepared", "cancelled")
    # Transitions allowed by the actions: target -> source states.
    _TRANSITIONS = {
        "prepared": ("draft", "prepared"),
        "done": ("draft", "prepared"),
        "cancelled": ("draft", "prepared"),
        "draft": ("cancelled",),
    }
    _CLOSED_STATES = ("done", "cancelled")
    _REOPEN_STATES = ("cancelled",)
    # The snapshot the call was made with and its outcome; the outcome note
    # stays editable.
    _CLOSED_FROZEN_FIELDS = (
        "company_id",
        "partner_id",
        "contact_id",
        "date_prepared",
        "line_ids",
        "overdue_count",
        "amount_overdue",
        "amount_disputed",
        "amount_credit",
        "amount_net",
        "credit_summary",
        "oldest_days_overdue",
        "dispute_open_count",
        "payment_history_count",
        "payment_avg_days_late",
        "payment_on_time_ratio",
        "promise_kept_count",
        "promise_broken_count",
        "arrangement_summary",
        "contact_name",
        "contact_phone",
        "contact_email",
        "payment_weekday",
        "ar_availability",
        "talking_points",
        "objection_ids",
        "outcome",
        "date_done",
        "promise_ids",
        "dispute_id",
        "plan_id",
    )

    partner_id = fields.Many2one(
        domain="[('parent_id', '=', False)]",
        help="Customer (commercial entity) to call.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        check_company=True,
        tracking=True,
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
        help="The person to call; by default the customer's payment contact.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Internal user who makes the call.",
    )
    date_planned = fields.Datetime(
        default=fields.Datetime.now,
        help="When the call is planned (UTC).",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("prepared", "Prepared"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        help="Stage of the sheet: prepared fills the snapshot, done records the "
        "outcome.",
    )
    # Snapshot taken by action_prepare.
    date_prepared = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the snapshot was taken (UTC).",
    )
    line_ids = fields.One2many(
        "invoice.call.sheet.line", "sheet_id", string="Overdue invoices", copy=False
    )
    due_line_ids = fields.One2many(
        "invoice.call.sheet.line",
        "sheet_id",
        string="Due now",
        domain=[("is_due", "=", True)],
        readonly=True,
        help="Overdue invoices that are due now and not arranged: what the call "
        "is about.",
    )
    move_ids = fields.Many2many(
        compute="_compute_move_ids",
        domain=None,
        help="The overdue invoices of the sheet, as prepared.",
    )
    context_line_ids = fields.One2many(
        "invoice.call.sheet.line",
        "sheet_id",
        string="Arranged or paused",
        domain=[("is_due", "=", False)],
        readonly=True,
        help="Overdue invoices under dispute, in a payment plan, promised or "
        "blocked: context for the call, not asked for.",
    )
    overdue_count = fields.Integer(
        string="Number of overdue invoices",
        readonly=True,
        copy=False,
        help="Overdue invoices of the customer when the sheet was prepared.",
    )
    amount_overdue = fields.Monetary(
        string="Overdue (company currency)",
        readonly=True,
        copy=False,
        help="Open on the overdue invoices, in the company's currency.",
    )
    amount_disputed = fields.Monetary(
        string="Disputed (company currency)",
        readonly=True,
        copy=False,
        help="Part of the overdue amount under dispute, in the company's currency.",
    )
    amount_credit = fields.Monetary(
        string="Open credits",
        readonly=True,
        copy=False,
        help="The customer's credit notes and payments not applied yet, deducted "
        "from the overdue amount.",
    )
    amount_net = fields.Monetary(
        string="Net overdue",
        readonly=True,
        copy=False,
        help="Overdue less the open credits: what the customer is asked to pay.",
    )
    credit_summary = fields.Html(
        string="Open credits in detail",
        readonly=True,
        copy=False,
        sanitize=True,
        help="Open credit notes and unapplied payments of the customer when the sheet "
        "was prepared.",
    )
    oldest_days_overdue = fields.Integer(
        readonly=True,
        copy=False,
        help="Days past due of the oldest overdue invoice when the sheet was prepared.",
    )
    dispute_open_count = fields.Integer(
        string="Open disputes",
        readonly=True,
        copy=False,
        help="Open disputes of the customer when the sheet was prepared.",
    )
    payment_history_count = fields.Integer(
        string="Paid invoices (365 days)",
        readonly=True,
        copy=False,
        help="Invoices paid in the 365 days before the sheet was prepared.",
    )
    payment_avg_days_late = fields.Float(
        string="Average days late",
        digits=(16, 1),
        readonly=True,
        copy=False,
        help="Average days between due date and payment of those invoices (0 when paid"
        " on time).",
    )
    payment_on_time_ratio = fields.Float(
        string="Paid on time",
        readonly=True,
        copy=False,
        help="Share of those invoices paid by their due date, from 0 to 1.",
    )
    promise_kept_count = fields.Integer(
        string="Promises kept",
        readonly=True,
        copy=False,
        help="Promises to pay of the customer that were kept.",
    )
    promise_broken_count = fields.Integer(
        string="Promises broken",
        readonly=True,
        copy=False,
        help="Promises to pay of the customer that were broken.",
    )
    arrangement_summary = fields.Html(
        string="Earlier arrangements",
        readonly=True,
        copy=False,
        sanitize=True,
        help="Earlier payment plans and promises of the customer.",
    )
    contact_name = fields.Char(
        readonly=True,
        copy=False,
        help="Accounts payable contact to ask for.",
    )
    contact_phone = fields.Char(
        string="Direct phone",
        readonly=True,
        copy=False,
        help="Phone number of the contact to call.",
    )
    contact_email = fields.Char(
        string="Direct email",
        readonly=True,
        copy=False,
        help="Email address of the contact to call.",
    )
    payment_weekday = fields.Selection(
        WEEKDAYS,
        string="Weekly payment day",
        readonly=True,
        copy=False,
        help="Day of the week the customer runs its payments, from the customer.",
    )
    ar_availability = fields.Char(
        string="Availability",
        readonly=True,
        copy=False,
        help="When the contact can be reached, from the customer.",
    )
    talking_points = fields.Html(
        readonly=True,
        copy=False,
        sanitize=True,
        help="What to raise in the call, in order.",
    )
    objection_ids = fields.Many2many(
        "invoice.objection",
        string="Likely objections",
        readonly=True,
        copy=False,
        help="Objections the customer may raise, with answers.",
    )
    # Outcome, written by invoice.call.outcome.wizard.
    outcome = fields.Selection(
        OUTCOMES,
        readonly=True,
        copy=False,
        tracking=True,
        help="Result of the call, logged with the outcome wizard.",
    )
    outcome_note = fields.Text(
        readonly=True,
        copy=False,
        help="What was said in the call.",
    )
    date_done = fields.Datetime(
        string="Called on",
        readonly=True,
        copy=False,
        help="When the outcome was logged (UTC).",
    )
    promise_ids = fields.One2many(
        "invoice.payment.promise", "call_sheet_id", string="Promises", readonly=True
    )
    dispute_id = fields.Many2one(
        "invoice.dispute",
        readonly=True,
        copy=False,
        check_company=True,
        help="Dispute registered in the call, if any.",
    )
    plan_id = fields.Many2one(
        "invoice.payment.plan",
        string="Payment plan",
        readonly=True,
        copy=False,
        check_company=True,
        help="Payment plan requested in the call, if any.",
    )

    @api.depends("line_ids.move_id")
    def _compute_move_ids(self):
        for sheet in self:
            sheet.move_ids = sheet.line_ids.move_id

    @api.constrains("partner_id", "contact_id", "dispute_id", "plan_id")
    def _check_same_customer(self):
        self.env["res.partner"]._invoice_dispute_check_same_customer(
            self, ["contact_id", "dispute_id", "plan_id"]
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # A sheet is about a commercial partner; a person given as the
            # customer becomes the contact to call.
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            if partner and partner.commercial_partner_id != partner:
                vals.setdefault("contact_id", partner.id)
                vals["partner_id"] = partner.commercial_partner_id.id
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_prepare(self):
        """Take the snapshot the collector calls with. Refused for a customer
        with nothing overdue: there is nothing to call about."""
        self._check_transition("prepared")
        snapshots = self._get_snapshots()
        empty = self.filtered(lambda s: not snapshots[s]["overdue_count"])
        if empty:
            raise UserError(
                self.env._(
                    "Nothing is overdue for %(partners)s on %(date)s: there is no "
                    "invoice to call about, so no call sheet was prepared.",
                    partners=", ".join(empty.partner_id.mapped("display_name")),
                    date=format_date(self.env, fields.Date.context_today(self)),
                )
            )
        covered = self.filtered(
            lambda s: s.currency_id.compare_amounts(snapshots[s]["amount_net"], 0) <= 0
        )
        if covered:
            sheet = covered[0]
            raise UserError(
                self.env._(
                    "The open credits of %(partner)s (%(credit)s) cover its overdue "
                    "invoices (%(overdue)s): there is nothing to ask, so no call "
                    "sheet was prepared. Apply the credit notes and payments to "
                    "the invoices instead.",
                    partner=sheet.partner_id.display_name,
                    credit=format_amount(
                        self.env, snapshots[sheet]["amount_credit"], sheet.currency_id
                    ),
                    overdue=format_amount(
                        self.env, snapshots[sheet]["amount_overdue"], sheet.currency_id
                    ),
                )
            )
        for sheet in self:
            sheet._set_state("prepared", snapshots[sheet])
        return True

    def action_log_outcome(self):
        """Open the wizard that records what came out of the call."""
        self.ensure_one()
        self._check_outcome_allowed()
        if self.state == "draft":
            self.action_prepare()
        return {
            "name": self.env._("Log call outcome"),
            "type": "ir.actions.act_window",
            "res_model": "invoice.call.outcome.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_call_sheet_id": self.id},
        }

    def action_cancel(self):
        """Cancel the sheets (refused once the call's outcome is logged, see
        ``_TRANSITIONS``; ``_set_state`` checks it)."""
        self._set_state("cancelled")
        return True

    def action_draft(self):
        self.filtered(lambda s: s.state == "cancelled")._set_state("draft")
        return True

    def action_print(self):
        return self.env.ref("invoice_dispute.action_report_call_sheet").report_action(
            self
        )

    def action_view_promises(self):
        self.ensure_one()
        return {
            "name": self.env._("Promises to pay"),
            "type": "ir.actions.act_window",
            "res_model": "invoice.payment.promise",
            "view_mode": "list,form",
            "domain": [("call_sheet_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # Call outcome
    # ------------------------------------------------------------------
    def record_outcome(
        self,
        outcome,
        contact,
        invoices,
        note=False,
        next_date=False,
        send_confirmation=False,
        promise_amount=0.0,
        promise_date=False,
        reason=None,
        statement=False,
        plan_installment_count=0,
        plan_interval=False,
        plan_date_first=False,
    ):
        """Record what came out of this prepared call (SPEC §3, seed 003):
        create the promise to pay, the dispute
        (``invoice.dispute.create_from_invoices``) or the draft payment plan
        agreed, mark the sheet done, email the
        written confirmation of the agreement to the contact in their language
        (``send_confirmation``), tell colleagues with an internal note on the
        sheet and the customer, and schedule the next "Collection call"
        activity. The outcome wizard collects the input and calls this. Every
        check comes before anything is written.

        :param str outcome: a key of ``OUTCOMES``
        :param contact: res.partner spoken to (the customer or one of its
            contacts); the confirmation goes to them
        :param invoices: account.move, the customer's posted invoices of one
            currency the promise, dispute or plan is about (needed for those
            outcomes, ``OUTCOMES_WITH_INVOICES``)
        :param str note: internal note (plain text)
        :param date next_date: when the next call is planned, today or later
            (False: the day after the promised date, else the next working day)
        :param bool send_confirmation: email the written confirmation
        :param float promise_amount: promise: the amount promised, in the
            invoices' currency, above zero and at most what is open on them
        :param date promise_date: promise: the promised payment date, today or
            later
        :param reason: dispute: the invoice.dispute.reason
        :param str statement: dispute: the customer's words (plain text)
        :param int plan_installment_count: payment plan: number of installments
        :param str plan_interval: payment plan: a key of ``INTERVALS``
        :param date plan_date_first: payment plan: first installment, today or
            later
        :return: the promise, dispute or payment plan created (empty
            recordset for the other outcomes)
        :raise UserError: the sheet is not prepared or already done, or the
            input is missing or wrong (nothing is written then)
        """
        self.ensure_one()
        call = {
            "outcome": outcome,
            "contact": contact,
            "invoices": invoices,
            "note": note,
            "next_date": next_date,
            "send_confirmation": send_confirmation,
            "promise_amount": promise_amount,
            "promise_date": promise_date,
            "reason": reason or self.env["invoice.dispute.reason"],
            "statement": statement,
            "plan_installment_count": plan_installment_count,
            "plan_interval": plan_interval,
            "plan_date_first": plan_date_first,
            "currency": invoices.currency_id[:1] or self.company_id.currency_id,
            "amount_open": sum(invoices.mapped("amount_residual")),
        }
        self._check_call_outcome(call)
        vals = {
            "outcome": outcome,
            "outcome_note": note,
            "date_done": fields.Datetime.now(),
            "contact_id": contact.id,
        }
        created = self.env["invoice.dispute"]
        if outcome == "promise":
            created = self._create_call_promise(call)
        elif outcome == "dispute":
            created = self._create_call_dispute(call)
            vals["dispute_id"] = created.id
        elif outcome == "plan_requested":
            created = self._create_call_plan(call)
            vals["plan_id"] = created.id
        self._set_state("done", vals)
        if send_confirmation:
            self.message_post_with_source(
                "invoice_dispute.mail_template_call_agreement",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        message = self._get_call_note(call)
        self.message_post(body=message, subtype_xmlid="mail.mt_note")
        # sudo: collectors may not edit customers, yet their colleagues must
        # find the note on the customer; the collector stays its author.
        self.partner_id.sudo().message_post(
            body=message,
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )
        self._schedule_next_call(call)
        return created

    @api.model
    def _next_working_day(self, day):
        """The day after ``day``, skipping the weekend."""
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    def _check_call_outcome(self, call):
        """Refuse bad input of ``record_outcome`` before anything is written."""
        # prepared: the outcome is logged against the snapshot called with
        self._check_outcome_allowed(("prepared",))
        today = fields.Date.context_today(self)
        outcome = call["outcome"]
        if outcome in OUTCOMES_WITH_INVOICES:
            if not call["invoices"]:
                raise UserError(
                    self.env._(
                        "Select the invoices the agreement is about (field 'Invoices')."
                    )
                )
            # one agreement per currency: the documents refuse mixed currencies
            call["invoices"]._invoice_dispute_check_currency()
        checks = {
            "promise": self._check_call_promise,
            "dispute": self._check_call_dispute,
            "plan_requested": self._check_call_plan,
        }
        if outcome in checks:
            checks[outcome](call)
        self._check_call_follow_up(call, today)

    def _check_call_promise(self, call):
        """The input the promise needs; its rules are the promise's own."""
        Promise = self.env["invoice.payment.promise"]
        Promise._check_amount_positive(call["promise_amount"], call["currency"])
        if not call["promise_date"]:
            raise UserError(
                self.env._("A promise to pay needs a 'Promised payment date'.")
            )
        Promise._check_amount_within_open(
            call["invoices"], call["promise_amount"], partner=self.partner_id
        )
        Promise._check_date_not_past(call["promise_date"])
        call["invoices"]._invoice_dispute_check_arrangeable()

    def _check_call_dispute(self, call):
        """The input the dispute needs; which invoices can be disputed is the
        dispute's own rule (``account.move._invoice_dispute_check_disputable``)."""
        if not call["reason"]:
            raise UserError(self.env._("A dispute needs a 'Dispute reason'."))
        if not (call["statement"] or "").strip():
            raise UserError(
                self.env._(
                    "Write down the concern in the customer's words (field "
                    '"Customer\'s words").'
                )
            )
        call["invoices"]._invoice_dispute_check_disputable()

    def _check_call_plan(self, call):
        # The terms are checked by the plan itself.
        self.env["invoice.payment.plan"]._check_date_first_not_past(
            call["plan_date_first"]
        )
        call["invoices"]._invoice_dispute_check_arrangeable()

    def _check_call_follow_up(self, call, today):
        next_date = call["next_date"]
        if call["outcome"] == "callback" and not next_date:
            raise UserError(
                self.env._("Set when to call back (field 'Next activity').")
            )
        if next_date and next_date < today:
            raise UserError(
                self.env._(
                    "The next activity date %(date)s is in the past: it must be "
                    "today (%(today)s) or later.",
                    date=format_date(self.env, next_date),
                    today=format_date(self.env, today),
                )
            )
        if call["send_confirmation"]:
            self._check_email_recipient(
                self.env._(
                    "emailing the confirmation, or untick 'Email the confirmation'"
                ),
                call["contact"],
            )

    def _create_call_promise(self, call):
        return self.env["invoice.payment.promise"].create(
            {
                "partner_id": self.partner_id.id,
                "move_ids": [Command.set(call["invoices"].ids)],
                "amount": call["promise_amount"],
                "date_promised": call["promise_date"],
                "source": "call",
                "call_sheet_id": self.id,
                "user_id": self.user_id.id,
                "company_id": self.company_id.id,
            }
        )

    def _create_call_dispute(self, call):
        return self.env["invoice.dispute"].create_from_invoices(
            call["invoices"],
            call["reason"],
            "phone",
            statement=call["statement"],
            contact_id=call["contact"].id,
            user_id=self.user_id.id,
        )

    def _create_call_plan(self, call):
        return self.env["invoice.payment.plan"].create(
            {
                "partner_id": self.partner_id.id,
                "move_ids": [Command.set(call["invoices"].ids)],
                "amount_total": call["amount_open"],
                "installment_count": call["plan_installment_count"],
                "interval": call["plan_interval"],
                "date_first": call["plan_date_first"],
                "company_id": self.company_id.id,
            }
        )

    def _get_call_note(self, call):
        """What colleagues need to know about the call."""
        outcome = call["outcome"]
        currency = call["currency"]
        outcome_label = selection_label(self, "outcome", outcome)
        parts = [
            Markup("<p>%s</p>")
            % self.env._(
                "Collection call %(sheet)s with %(contact)s: %(outcome)s.",
                sheet=self.name,
                contact=call["contact"].display_name or "",
                outcome=outcome_label,
            )
        ]
        if outcome == "promise":
            parts.append(
                Markup("<p>%s</p>")
                % self.env._(
                    "Promised: %(amount)s by %(date)s for %(invoices)s.",
                    amount=format_amount(self.env, call["promise_amount"], currency),
                    date=format_date(self.env, call["promise_date"]),
                    invoices=", ".join(call["invoices"].mapped("name")),
                )
            )
        elif outcome == "dispute":
            parts.append(
                Markup("<p>%s %s</p>")
                % (
                    self.env._(
                        "Dispute %(dispute)s registered:", dispute=self.dispute_id.name
                    ),
                    self.dispute_id._get_html_link(),
                )
            )
        elif outcome == "plan_requested":
            parts.append(
                Markup("<p>%s</p>")
                % self.env._(
                    "Payment plan %(plan)s requested: %(count)s installments for "
                    "%(amount)s.",
                    plan=self.plan_id.name,
                    count=call["plan_installment_count"],
                    amount=format_amount(self.env, call["amount_open"], currency),
                )
            )
        if call["note"]:
            parts.append(plaintext2html(call["note"]))
        if call["send_confirmation"]:
            parts.append(
                Markup("<p>%s</p>")
                % self.env._(
                    "Written confirmation emailed to %(email)s.",
                    email=call["contact"].email,
                )
            )
        return Markup().join(parts)

    def _get_next_call_summary(self, call):
        summaries = {
            "promise": self.env._(
                "Check the payment promised for %(date)s",
                date=format_date(self.env, call["promise_date"]),
            ),
            "dispute": self.env._(
                "Follow up dispute %(dispute)s", dispute=self.dispute_id.name
            ),
            "plan_requested": self.env._(
                "Send payment plan %(plan)s to the customer", plan=self.plan_id.name
            ),
            "paid": self.env._("Check that the announced payment arrived"),
            "no_answer": self.env._("Call again: no answer"),
            "wrong_contact": self.env._("Call the person responsible for payment"),
            "refused": self.env._("Follow up: the customer refused to pay"),
            "callback": self.env._("Call back as agreed"),
        }
        return summaries[call["outcome"]]

    @api.model
    def _get_next_call_date(self, outcome, promise_date=False):
        """When to call next after a call with ``outcome`` (the outcome
        wizard's default, and the date when none is given): the day after the
        promised date for a promise, else the working day after
        ``NEXT_ACTIVITY_DAYS[outcome]`` days.

        :return: date, or False for a promise without its date
        """
        if outcome == "promise":
            return promise_date and promise_date + timedelta(days=1)
        today = fields.Date.context_today(self)
        return self._next_working_day(
            today + timedelta(days=NEXT_ACTIVITY_DAYS[outcome] - 1)
        )

    def _schedule_next_call(self, call):
        date = call["next_date"] or self._get_next_call_date(
            call["outcome"], call["promise_date"]
        )
        # sudo: as for the note, a collector plans the follow-up on a customer
        # they may not edit.
        self.partner_id.sudo().activity_schedule(
            "invoice_dispute.mail_activity_collection_call",
            date_deadline=date,
            summary=self._get_next_call_summary(call),
            note=Markup("<p>%s</p>")
            % self.env._("Previous call: %(sheet)s", sheet=self.name),
            user_id=(self.user_id or self.env.user).id,
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _check_outcome_allowed(self, states=("draft", "prepared")):
        """Refuse to log a call outcome on sheets not in ``states``: a done
        sheet is the record of its call (prepare a new one for a new call), a
        cancelled one is set back to draft first (``_check_state``).

        :raise UserError: naming the first sheet in another state
        """
        self._check_state(states, self.env._("given a call outcome"))

    @api.model
    def _get_or_create_for_partners(self, partners, company):
        """The open (draft or prepared) call sheet of each customer in
        ``company``, created where there is none."""
        partners = partners.commercial_partner_id
        existing = self.search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("state", "in", ("draft", "prepared")),
            ],
            order="id desc",
        )
        by_partner = {}
        for sheet in existing:
            by_partner.setdefault(sheet.partner_id, sheet)
        missing = partners.filtered(lambda p: p not in by_partner)
        created = self.create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "user_id": (
                        partner._get_collector() or self._get_preparing_user()
                    ).id
                    or partner._get_responsible_user(company).id,
                }
                for partner in missing
            ]
        )
        return self.browse([s.id for s in by_partner.values()]) | created

    def _get_preparing_user(self):
        """The user preparing call sheets when a person and a collector (a
        collector at work keeps the sheets they prepare); else none."""
        user = self.env.user
        if user._invoice_dispute_is_person() and user._invoice_dispute_is_collector():
            return user
        return self.env["res.users"]

    def _get_collector_lang(self):
        """The language the sheet is written in for its collector (its
        texts and its PDF): ``res.users._get_invoice_dispute_lang`` of
        ``user_id`` in the sheet's company.

        :return: str, a language code
        """
        self.ensure_one()
        return self.user_id._get_invoice_dispute_lang(self.company_id)

    def _get_form_action(self):
        action = {
            "name": self.env._("Call sheets"),
            "type": "ir.actions.act_window",
            "res_model": "invoice.call.sheet",
            "target": "current",
        }
        if len(self) == 1:
            action.update(view_mode="form", res_id=self.id)
        else:
            action.update(view_mode="list,form", domain=[("id", "in", self.ids)])
        return action

    def _get_contact(self):
        """The person to call: the chosen contact, else the customer's payment
        contact, else a contact flagged as accounts payable, else the customer
        -- only active people of the customer (``res.partner._get_ar_contact``)."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        if self.contact_id and self.contact_id._is_contact_of(partner):
            return self.contact_id
        return partner._get_ar_contact() or partner

    def _get_snapshots(self):
        """The values action_prepare writes, for all sheets at once: a fixed
        number of queries whatever the customers' history."""
        today = fields.Date.context_today(self)
        partners = self.partner_id.commercial_partner_id
        Move = self.env["account.move"]
        moves = Move.search(
            [
                *Move._get_open_invoice_domain(),
                ("commercial_partner_id", "in", partners.ids),
                ("company_id", "in", self.company_id.ids),
                ("invoice_date_due", "<", today),
            ],
            order="invoice_date_due, id",
        )
        # due now and not arranged: what the call is about; the others
        # (disputed, in a plan, promised, blocked) are context
        due_moves = moves.filtered_domain(
            self.env["account.move"]._get_collection_due_domain(today)
        )
        dispute_lines = self.env["invoice.dispute.line"].search(
            [("move_id", "in", moves.ids), ("state", "in", OPEN_STATES)]
        )
        dispute_line_by_move = {line.move_id: line for line in dispute_lines}
        promises = self.env["invoice.payment.promise"].search(
            [
                ("partner_id", "child_of", partners.ids),
                ("company_id", "in", self.company_id.ids),
                ("state", "!=", "cancelled"),
            ],
            order="date_promised desc, id desc",
        )
        plans = self.env["invoice.payment.plan"].search(
            [
                ("partner_id", "child_of", partners.ids),
                ("company_id", "in", self.company_id.ids),
                ("state", "not in", ("draft", "cancelled")),
            ],
            order="id desc",
        )
        behaviour = {}
        for company in self.company_id:
            behaviour[company] = (
                self.env["res.partner"]
                .with_context(allowed_company_ids=company.ids)
                ._get_payment_behaviour(partners.ids)
            )
        partners.mapped("dispute_open_count")  # one read_group for all
        credit_lines = partners._get_open_credit_lines(self.company_id)
        objections = self.env["invoice.objection"].search(
            [("company_id", "in", [False, *self.company_id.ids])]
        )

        snapshots = {}
        for sheet in self:
            partner = sheet.partner_id.commercial_partner_id
            sheet_moves = moves.filtered(
                lambda m, s=sheet, p=partner: (
                    m.commercial_partner_id == p and m.company_id == s.company_id
                )
            )
            sheet_promises = promises.filtered(
                lambda r, s=sheet, p=partner: (
                    r.partner_id.commercial_partner_id == p
                    and r.company_id == s.company_id
                )
            )
            sheet_plans = plans.filtered(
                lambda r, s=sheet, p=partner: (
                    r.partner_id.commercial_partner_id == p
                    and r.company_id == s.company_id
                )
            )
            figures = behaviour[sheet.company_id].get(partner.id, {})
            snapshots[sheet] = sheet._prepare_snapshot(
                today,
                partner,
                sheet_moves,
                due_moves,
                dispute_line_by_move,
                sheet_promises,
                sheet_plans,
                figures,
                objections,
            )
            snapshots[sheet].update(
                sheet._prepare_credit_snapshot(
                    snapshots[sheet],
                    credit_lines.filtered(
                        lambda line, s=sheet, p=partner: (
                            line.partner_id.commercial_partner_id == p
                            and line.company_id == s.company_id
                        )
                    ),
                )
            )
        return snapshots

    def _prepare_snapshot(
        self,
        today,
        partner,
        moves,
        due_moves,
        dispute_line_by_move,
        promises,
        plans,
        figures,
        objections,
    ):
        """The snapshot of one sheet: ``moves`` are the customer's overdue
        invoices, listed; the figures and talking points count those of
        ``due_moves`` (``account.move._get_collection_due_domain``), the
        others are context."""
        self.ensure_one()
        lines = []
        amount_overdue = amount_disputed = 0.0
        due = moves & due_moves
        for move in moves:
            dispute_line = dispute_line_by_move.get(move)
            rate = (
                move.amount_residual_signed / move.amount_residual
                if move.amount_residual
                else 1.0
            )
            # at most what is open on the invoice: never more than its residual
            disputed = dispute_line.disputed_amount_capped if dispute_line else 0.0
            if move in due:
                amount_overdue += move.amount_residual_signed
            amount_disputed += disputed * rate
            lines.append(
                {
                    "move_id": move.id,
                    "move_name": move.name,
                    "currency_id": move.currency_id.id,
                    "invoice_date": move.invoice_date,
                    "invoice_date_due": move.invoice_date_due,
                    "amount_total": move.amount_total,
                    "amount_residual": move.amount_residual,
                    "amount_residual_company": move.amount_residual_signed,
                    "days_overdue": (today - move.invoice_date_due).days,
                    "is_due": move in due,
                    "is_sent": move.is_move_sent,
                    "reminder_exclusion_reason": move.reminder_exclusion_reason,
                    "dispute_id": dispute_line.dispute_id.id if dispute_line else False,
                    "dispute_reason": dispute_line.dispute_id.reason_id.name
                    if dispute_line
                    else False,
                    "disputed_amount": disputed,
                    "complaint": html2plaintext(
                        dispute_line.dispute_id.customer_statement or ""
                    )
                    if dispute_line
                    else False,
                }
            )
        contact = self._get_contact()
        vals = {
            "date_prepared": fields.Datetime.now(),
            "state": "prepared",
            "contact_id": contact.id,
            "line_ids": [Command.clear()] + [Command.create(v) for v in lines],
            "overdue_count": len(due),
            "amount_overdue": amount_overdue,
            "amount_disputed": amount_disputed,
            "oldest_days_overdue": max(
                (v["days_overdue"] for v in lines if v["is_due"]), default=0
            ),
            "dispute_open_count": partner.dispute_open_count,
            "payment_history_count": figures.get("paid_count", 0),
            "payment_avg_days_late": figures.get("avg_days_late", 0.0),
            "payment_on_time_ratio": figures.get("on_time_ratio", 0.0),
            "promise_kept_count": figures.get("kept", 0),
            "promise_broken_count": figures.get("broken", 0),
            "contact_name": contact.name,
            "contact_phone": contact.phone or contact.mobile or False,
            "contact_email": contact.email or False,
            "payment_weekday": partner.payment_weekday or False,
            "ar_availability": contact.ar_availability
            or partner.ar_availability
            or False,
        }
        # Texts in the collector's language.
        sheet = self.with_context(lang=self._get_collector_lang())
        vals["arrangement_summary"] = sheet._render_arrangements(promises, plans)
        vals["talking_points"] = sheet._render_talking_points(
            vals, contact, due, moves.filtered(dispute_line_by_move.get)
        )
        vals["objection_ids"] = [
            Command.set(sheet._select_objections(vals, contact, moves, objections).ids)
        ]
        return vals

    def _prepare_credit_snapshot(self, vals, credit_lines):
        """The customer's open credits on the sheet: their total and the
        net overdue amount (company currency), their detail, and a talking
        point to deduct them.

        :param dict vals: the snapshot values of ``_prepare_snapshot``
        :param credit_lines: the customer's open credit lines in the sheet's
            company (``res.partner._get_open_credit_lines``)
        :return: dict of values to add to the snapshot
        """
        self.ensure_one()
        currency = self.currency_id
        amount_credit = currency.round(
            credit_lines._get_open_credit_total(company_currency=True)
        )
        amount_net = currency.round(vals["amount_overdue"] - amount_credit)
        result = {
            "amount_credit": amount_credit,
            "amount_net": amount_net,
            "credit_summary": False,
        }
        if not credit_lines:
            return result
        env = self.with_context(lang=self._get_collector_lang()).env
        lang = env.lang
        items = Markup().join(
            Markup("<li>%s</li>")
            % env._(
                "%(document)s of %(date)s: %(amount)s open",
                document=line.move_id.name,
                date=format_date(env, line.date, lang_code=lang),
                amount=format_amount(
                    env,
                    -line.amount_residual_currency,
                    line.currency_id,
                    lang_code=lang,
                ),
            )
            for line in credit_lines
        )
        point = env._(
            "They have open credits of %(credit)s (credit notes and payments not "
            "applied yet): deduct them. The net amount to ask for is %(net)s.",
            credit=format_amount(env, amount_credit, currency, lang_code=lang),
            net=format_amount(env, amount_net, currency, lang_code=lang),
        )
        result["credit_summary"] = Markup("<ul>%s</ul>") % items
        # one more point, before the closing of the list
        points = str(vals["talking_points"]).removesuffix("</ol>")
        result["talking_points"] = Markup(points) + (Markup("<li>%s</li></ol>") % point)
        return result

    def _render_arrangements(self, promises, plans):
        """Earlier promises and plans, kept or broken, most recent first."""
        env = self.env
        lang = env.lang
        promise_states = selection_labels(env["invoice.payment.promise"], "state")
        plan_states = selection_labels(env["invoice.payment.plan"], "state")
        items = []
        for promise in promises[:ARRANGEMENTS_SHOWN]:
            items.append(
                Markup("<li>%s</li>")
                % env._(
                    "Promise to pay %(amount)s by %(date)s: %(state)s",
                    amount=format_amount(
                        env, promise.amount, promise.currency_id, lang_code=lang
                    ),
                    date=format_date(env, promise.date_promised, lang_code=lang),
                    state=promise_states.get(promise.state, ""),
                )
            )
        for plan in plans[:ARRANGEMENTS_SHOWN]:
            items.append(
                Markup("<li>%s</li>")
                % env._(
                    "Payment plan %(name)s, %(count)s installments for %(amount)s: "
                    "%(state)s",
                    name=plan.name,
                    count=plan.installment_count,
                    amount=format_amount(
                        env, plan.amount_total, plan.currency_id, lang_code=lang
                    ),
                    state=plan_states.get(plan.state, ""),
                )
            )
        if not items:
            return Markup("<p>%s</p>") % env._("No earlier arrangements.")
        return Markup("<ul>%s</ul>") % Markup().join(items)

    def _render_talking_points(self, vals, contact, moves, disputed_moves):
        """Talking points in the collector's language; the first one is always
        to agree that the invoices should have been paid (seed 003)."""
        env = self.env
        lang = env.lang
        currency = self.currency_id
        today = fields.Date.context_today(self)
        points = [
            env._(
                "Agree first: %(contact)s confirms that the %(count)s overdue "
                "invoice(s), %(amount)s in total and up to %(days)s days past due, "
                "should have been paid by now. Then work on a solution together.",
                contact=contact.name or "",
                count=vals["overdue_count"],
                amount=format_amount(
                    env, vals["amount_overdue"], currency, lang_code=lang
                ),
                days=vals["oldest_days_overdue"],
            )
        ]
        if disputed := disputed_moves:
            points.append(
                env._(
                    "%(invoices)s: under dispute for %(disputed)s. Do not discuss "
                    "the dispute itself; the undisputed %(undisputed)s is due.",
                    invoices=", ".join(disputed.mapped("name")),
                    disputed=format_amount(
                        env, vals["amount_disputed"], currency, lang_code=lang
                    ),
                    undisputed=format_amount(
                        env,
                        vals["amount_overdue"] - vals["amount_disputed"],
                        currency,
                        lang_code=lang,
                    ),
                )
            )
        if contact == self.partner_id.commercial_partner_id or not (
            vals["contact_phone"] and vals["contact_email"]
        ):
            points.append(
                env._(
                    "Ask for the person responsible for paying the invoice, their "
                    "direct phone number and email address, and the days they "
                    "are in."
                )
            )
        if vals["payment_weekday"]:
            weekday = int(vals["payment_weekday"])
            next_day = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
            points.append(
                env._(
                    "They pay on %(weekday)s: ask for the payment on %(date)s.",
                    # the weekday as the language writes it mid-sentence
                    # (lowercase in Dutch, Slovak and Swedish)
                    weekday=format_date(
                        env, next_day, lang_code=lang, date_format="EEEE"
                    ),
                    date=format_date(env, next_day, lang_code=lang),
                )
            )
        else:
            points.append(
                env._("Ask whether they have a fixed weekly payment day and note it.")
            )
        if vals["promise_broken_count"]:
            points.append(
                env._(
                    "%(count)s earlier promise(s) to pay were broken: agree on a "
                    "concrete amount and date, and confirm them in writing.",
                    count=vals["promise_broken_count"],
                )
            )
        elif vals["payment_avg_days_late"] >= LATE_PAYER_DAYS:
            points.append(
                env._(
                    "They pay %(days)s days late on average: agree on a concrete "
                    "payment date.",
                    days=round(vals["payment_avg_days_late"]),
                )
            )
        points.append(
            env._(
                "Stay friendly and avoid a discussion: acknowledge an objection, "
                "then steer back to the goal, the payment of the overdue invoices."
            )
        )
        points.append(
            env._(
                "Close by repeating what was agreed (what, how much, when) and say "
                "that you will confirm it by email.",
            )
        )
        return Markup("<ol>%s</ol>") % Markup().join(
            Markup("<li>%s</li>") % point for point in points
        )

    def _select_objections(self, vals, contact, moves, objections):
        """The objections the collector is likely to hear, most likely first."""
        likely = {"call_back", "payment_run"}
        if moves.filtered(lambda m: not m.is_move_sent):
            likely.add("not_received")
        if contact == self.partner_id.commercial_partner_id:
            likely.add("wrong_person")
        if vals["amount_disputed"] or vals["dispute_open_count"]:
            likely |= {"amount_disputed", "complaint"}
        if moves.filtered(lambda m: m.payment_state == "partial"):
            likely.add("already_paid")
        if (
            vals["promise_broken_count"]
            or vals["payment_avg_days_late"] >= LATE_PAYER_DAYS
        ):
            likely.add("cash_flow")
        ranked = objections.sorted(
            lambda o: (o.category not in likely, o.sequence, o.id)
        )
        chosen = ranked.filtered(lambda o: o.category in likely)
        # Complete with the most common ones (ranked keeps the likely first).
        return chosen if len(chosen) >= OBJECTIONS_SHOWN else ranked[:OBJECTIONS_SHOWN]
