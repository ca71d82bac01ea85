from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from .constants import (
    CREDIT_KINDS,
    KINDS,
    OPEN_STATES,
    PLAN_OFFER_STATES,
    PROPOSAL_OPEN_STATES,
    PROPOSAL_PENDING_STATES,
    kind_resolution,
    selection_label,
)


class InvoiceDisputeProposal(models.Model):
    _name = "invoice.dispute.proposal"
    _description = "Settlement Proposal"
    _inherit = ["invoice.customer.document"]
    _order = "id desc"
    _check_company_auto = True

    _SEQUENCE_CODE = "invoice.dispute.proposal"
    _CURRENCY_FROM_INVOICES = True
    _UNLINK_STATES = ("draft", "cancelled")
    # Transitions allowed by the actions and crons: target -> source states.
    _TRANSITIONS = {
        "to_approve": ("draft",),
        "approved": ("draft", "to_approve"),
        "draft": ("to_approve", "cancelled"),
        "sent": ("approved", "sent"),
        "accepted": ("approved", "sent"),
        "declined": ("approved", "sent"),
        "expired": PROPOSAL_PENDING_STATES,
        "cancelled": PROPOSAL_OPEN_STATES,
    }
    _CLOSED_STATES = ("accepted", "declined", "expired", "cancelled")
    _REOPEN_STATES = ("cancelled",)
    # What the customer answered; the internal note stays editable.
    _CLOSED_FROZEN_FIELDS = (
        "company_id",
        "dispute_id",
        "partner_id",
        "contact_id",
        "move_ids",
        "currency_id",
        "kind",
        "percent",
        "amount",
        "new_date_due",
        "payment_plan_id",
        "valid_until",
        "description",
        "approved_by_id",
        "date_approved",
        "accepted_by",
        "date_accepted",
        "credit_note_ids",
    )

    dispute_id = fields.Many2one(
        "invoice.dispute",
        index=True,
        check_company=True,
        help="Dispute the proposal settles, if any.",
    )
    partner_id = fields.Many2one(
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('parent_id', '=', False)]",
        help="Customer (commercial entity) the proposal is made to.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Send to",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="Who receives the proposal; the customer itself when empty.",
    )
    move_ids = fields.Many2many(
        relation="invoice_dispute_proposal_move_rel",
        column1="proposal_id",
        column2="move_id",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        precompute=True,
        help="Posted, open invoices of the customer the proposal is about, all in one "
        "currency.",
    )
    currency_id = fields.Many2one(
        help="The invoices' currency: the amounts of the proposal are in it.",
    )
    kind = fields.Selection(
        KINDS,
        required=True,
        default="discount",
        tracking=True,
        help="What is offered: a discount, a partial adjustment or a write-off (an "
        "amount credited), a later due date, or a payment plan.",
    )
    amount_invoiced = fields.Monetary(
        string="Invoiced",
        compute="_compute_amount_invoiced",
        help="Total of the proposal's invoices, taxes included, in their currency.",
    )
    amount_residual = fields.Monetary(
        string="Open on invoices",
        compute="_compute_amount_residual",
        help="What is still open on the proposal's invoices, in their currency.",
    )
    percent = fields.Float(
        tracking=True,
        help="Discount as a percentage of the invoices' total (0 to 100; discounts "
        "only); fills the amount.",
    )
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        tracking=True,
        help="Amount credited, tax included, spread over the invoices in "
        "proportion to what is open on them.",
    )
    needs_approval = fields.Boolean(
        compute="_compute_needs_approval",
        help="Above the company's approval limits: a dispute manager approves it "
        "before it is sent.",
    )
    new_date_due = fields.Date(
        string="New due date",
        tracking=True,
        help="New due date offered by a due date extension; after the invoices' "
        "current due date.",
    )
    payment_plan_id = fields.Many2one(
        "invoice.payment.plan",
        check_company=True,
        domain=f"[('partner_id', '=', partner_id), "
        f"('state', 'in', {PLAN_OFFER_STATES!r})]",
        help="Draft or proposed payment plan of the customer offered by a payment plan"
        " proposal.",
    )
    valid_until = fields.Date(
        default=lambda self: fields.Date.context_today(self) + timedelta(days=14),
        tracking=True,
        index=True,
        help="Last day the customer can accept the proposal (14 days after today by "
        "default); it expires after that.",
    )
    description = fields.Html(
        string="Message",
        sanitize=True,
        help="Shown to the customer with the proposal.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Proposed by",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Internal user who made the proposal.",
    )
    approved_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        help="Manager who approved a proposal above the approval limits.",
    )
    date_approved = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the proposal was approved (UTC).",
    )
    accepted_by = fields.Many2one(
        "res.users",
        string="Answered by",
        readonly=True,
        copy=False,
        help="Who accepted or declined the proposal (the customer's portal user "
        "or the collector who recorded the answer).",
    )
    date_accepted = fields.Datetime(
        string="Answered on",
        readonly=True,
        copy=False,
        help="When the customer accepted or declined the proposal (UTC).",
    )
    credit_note_ids = fields.Many2many(
        "account.move",
        "invoice_dispute_proposal_credit_note_rel",
        "proposal_id",
        "move_id",
        string="Credit notes",
        readonly=True,
        copy=False,
        help="Credit notes issued when the proposal was accepted, in the invoices' "
        "currency.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To approve"),
            ("approved", "Approved"),
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("declined", "Declined"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        help="Stage of the proposal; it changes only through the actions (submit, "
        "approve, send, accept, decline, cancel).",
    )

    @api.depends("dispute_id")
    def _compute_partner_id(self):
        for proposal in self:
            if proposal.dispute_id:
                proposal.partner_id = proposal.dispute_id.partner_id
                proposal.contact_id = proposal.dispute_id.contact_id
            else:
                proposal.partner_id = proposal.partner_id
                proposal.contact_id = proposal.contact_id

    @api.depends("dispute_id")
    def _compute_move_ids(self):
        for proposal in self:
            if proposal.dispute_id:
                proposal.move_ids = proposal.dispute_id.move_ids
            else:
                proposal.move_ids = proposal.move_ids

    @api.depends("move_ids.amount_total")
    def _compute_amount_invoiced(self):
        for proposal in self:
            proposal.amount_invoiced = sum(proposal.move_ids.mapped("amount_total"))

    @api.depends("percent", "move_ids", "kind")
    def _compute_amount(self):
        for proposal in self:
            if proposal.kind == "discount" and proposal.percent:
                proposal.amount = proposal.currency_id.round(
                    proposal.amount_invoiced * proposal.percent / 100.0
                )
            elif proposal.kind not in CREDIT_KINDS:
                proposal.amount = 0.0
            else:
                proposal.amount = proposal.amount

    @api.depends("kind", "amount", "amount_invoiced", "company_id", "currency_id")
    def _compute_needs_approval(self):
        """Above the company's approval amount (in company currency, the
        proposal's amount converted at its date) or percentage."""
        for proposal in self:
            company = proposal.company_id
            needed = False
            if proposal.kind in CREDIT_KINDS:
                percent = (
                    proposal.amount / proposal.amount_invoiced * 100.0
                    if proposal.amount_invoiced
                    else 100.0
                )
                amount_company = proposal._get_amount_company()
                needed = (
                    company.currency_id.compare_amounts(
                        amount_company, company.dispute_approval_amount
                    )
                    > 0
                    or round(percent, 6) > company.dispute_approval_percent
                )
            proposal.needs_approval = needed

    def _get_amount_company(self):
        """The proposal's amount in company currency, converted at the
        proposal's date (its creation day, today for a proposal being
        written).

        :return: float in ``company_id.currency_id``
        """
        self.ensure_one()
        date = (
            self.create_date.date()
            if self.create_date
            else fields.Date.context_today(self)
        )
        company = self.company_id or self.env.company
        return (self.currency_id or company.currency_id)._convert(
            self.amount, company.currency_id, company, date
        )

    @api.constrains(
        "kind", "amount", "percent", "new_date_due", "move_ids", "payment_plan_id"
    )
    def _check_values(self):
        for proposal in self.filtered(lambda p: p.state in ("draft", "to_approve")):
            proposal._check_proposal_values(complete=False)

    @api.constrains("partner_id", "contact_id", "dispute_id")
    def _check_same_customer(self):
        self.env["res.partner"]._invoice_dispute_check_same_customer(
            self, ["contact_id", "dispute_id"]
        )

    @api.constrains("kind", "percent", "amount", "new_date_due", "payment_plan_id")
    def _check_kind_terms(self):
        """Each kind stores only its own terms: a percentage (0 to 100) only on
        a discount, an amount only on a discount, partial adjustment or
        write-off, a new due date only on a due date extension, a payment plan
        only on a payment plan offer."""
        for proposal in self:
            kind = proposal.kind
            label = proposal._get_kind_label()
            if proposal.percent and kind != "discount":
                raise ValidationError(
                    self.env._(
                        "Percent: only a discount has a percentage; %(name)s is a "
                        "%(kind)s (got %(percent)s). Clear the percentage.",
                        name=proposal.name,
                        kind=label.lower(),
                        percent=proposal.percent,
                    )
                )
            if not 0.0 <= proposal.percent <= 100.0:
                raise ValidationError(
                    self.env._(
                        "Percent: the discount percentage must be between 0 and 100 "
                        "(got %(percent)s).",
                        percent=proposal.percent,
                    )
                )
            if kind not in CREDIT_KINDS and not proposal.currency_id.is_zero(
                proposal.amount
            ):
                raise ValidationError(
                    self.env._(
                        "Amount: a %(kind)s credits nothing; %(name)s cannot carry "
                        "an amount (got %(amount)s).",
                        kind=label.lower(),
                        name=proposal.name,
                        amount=format_amount(
                            self.env, proposal.amount, proposal.currency_id
                        ),
                    )
                )
            if proposal.new_date_due and kind != "due_date_extension":
                raise ValidationError(
                    self.env._(
                        "New due date: only a due date extension sets one; "
                        "%(name)s is a %(kind)s.",
                        name=proposal.name,
                        kind=label.lower(),
                    )
                )
            if proposal.payment_plan_id and kind != "payment_plan":
                raise ValidationError(
                    self.env._(
                        "Payment plan: only a payment plan offer links a plan; "
                        "%(name)s is a %(kind)s.",
                        name=proposal.name,
                        kind=label.lower(),
                    )
                )

    @api.onchange("kind")
    def _onchange_kind(self):
        """Clear the terms of the other kinds when the kind changes."""
        if self.kind != "discount":
            self.percent = 0.0
        if self.kind != "due_date_extension":
            self.new_date_due = False
        if self.kind != "payment_plan":
            self.payment_plan_id = False

    @api.constrains("currency_id", "move_ids")
    def _check_currency(self):
        for proposal in self:
            proposal.move_ids._invoice_dispute_check_currency(proposal)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_submit(self):
        """Ready the proposal: within the limits it is approved at once, above
        them it waits for a dispute manager (activity for the managers)."""
        self._check_state(("draft",), self.env._("submitted"))
        for proposal in self:
            proposal._check_proposal_values()
        to_approve = self.filtered("needs_approval")
        (self - to_approve)._set_state("approved")
        to_approve._set_state("to_approve")
        for proposal in to_approve:
            for manager in proposal._get_approvers():
                proposal.activity_schedule(
                    "invoice_dispute.mail_activity_proposal_approval",
                    user_id=manager.id,
                    note=Markup("<p>%s</p>")
                    % self.env._(
                        "%(kind)s of %(amount)s proposed by %(user)s to %(partner)s "
                        "is above the approval limits.",
                        kind=proposal._get_kind_label(),
                        amount=format_amount(
                            self.env, proposal.amount, proposal.currency_id
                        ),
                        user=proposal.user_id.name or "",
                        partner=proposal.partner_id.display_name,
                    ),
                )
        return True

    def action_approve(self):
        self._check_state(("to_approve",), self.env._("approved"))
        self._check_approver()
        self._set_state(
            "approved",
            {
                "approved_by_id": self.env.user.id,
                "date_approved": fields.Datetime.now(),
            },
        )
        self.activity_feedback(
            ["invoice_dispute.mail_activity_proposal_approval"],
            feedback=self.env._("Approved."),
        )
        return True

    def action_refuse(self):
        """A manager sends the proposal back to its author as a draft."""
        self._check_state(("to_approve",), self.env._("refused"))
        self._check_approver()
        self._set_state("draft")
        self.activity_unlink(["invoice_dispute.mail_activity_proposal_approval"])
        for proposal in self:
            proposal.message_post(
                body=self.env._(
                    "Refused by %(user)s: adjust the proposal before submitting it "
                    "again.",
                    user=self.env.user.name,
                ),
                partner_ids=proposal.user_id.partner_id.ids,
            )
        return True

    def action_send(self):
        """Email the proposal and its validity date to the customer, in the
        customer's language. A draft within the limits is submitted first.
        An offer that could not settle its invoices once accepted (see
        :meth:`_check_settlement`) is not sent."""
        self.filtered(lambda p: p.state == "draft").action_submit()
        self._check_state(self._TRANSITIONS["sent"], self.env._("sent"))
        self._check_settlement()
        today = fields.Date.context_today(self)
        template = self.env.ref("invoice_dispute.mail_template_dispute_proposal")
        for proposal in self:
            if not proposal.valid_until or proposal.valid_until < today:
                raise UserError(
                    self.env._(
                        "Set a validity date of today or later on %(name)s before "
                        "sending it.",
                        name=proposal.name,
                    )
                )
            proposal._check_email_recipient(
                self.env._("sending proposal %(name)s", name=proposal.name)
            )
        for proposal in self:
            if proposal.payment_plan_id.state == "draft":
                proposal.payment_plan_id.action_propose()
            proposal.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self._set_state("sent")
        # the disputes the dispute's own transitions let move to "proposed"
        self.dispute_id.filtered(
            lambda d: d.state in d._TRANSITIONS["proposed"]
        ).action_propose()
        return True

    def action_accept(self):
        """The customer accepts: apply the proposal (credit note, new due date
        or active plan) and record who accepted and when. The proposal settles
        its invoices (and its dispute) once: the other open proposals on them
        are withdrawn.

        Also called by the portal as the customer's portal user through
        ``sudo()`` once ownership has been checked.

        :raise UserError: the proposal cannot be answered (any more), or its
            settlement is refused (see ``account.move._invoice_dispute_settle``)
        """
        self._check_answerable()
        for proposal in self:
            proposal._check_proposal_values()
        for proposal in self:
            # an earlier proposal of the batch may have settled this one's
            # invoices and withdrawn it
            proposal._check_answerable()
            credit_notes = proposal._apply()
            proposal._set_state(
                "accepted",
                {
                    "accepted_by": self.env.user.id,
                    "date_accepted": fields.Datetime.now(),
                    "credit_note_ids": [Command.link(m.id) for m in credit_notes],
                },
            )
            dispute = proposal.dispute_id
            if dispute:
                if dispute.state in dispute._TRANSITIONS["agreed"]:
                    dispute.action_agree()
                dispute.write(
                    {
                        "accepted_proposal_id": proposal.id,
                        "credit_note_ids": [Command.link(m.id) for m in credit_notes],
                    }
                )
            proposal._post_answer(accepted=True)
        return True

    def action_decline(self):
        """The customer declines: nothing changes on the invoices."""
        self._check_answerable()
        for proposal in self:
            proposal._set_state(
                "declined",
                {
                    "accepted_by": self.env.user.id,
                    "date_accepted": fields.Datetime.now(),
                },
            )
            proposal._post_answer(accepted=False)
        self._withdraw_plans()
        return True

    def _post_answer(self, accepted):
        """Note the customer's answer, given by the current user, on each
        proposal of ``self`` and on its dispute, if any.

        :param bool accepted: True for an acceptance, False for a refusal
        """
        user = self.env.user.partner_id.display_name
        for proposal in self:
            args = {
                "name": proposal.name,
                "kind": proposal._get_kind_label(),
                "user": user,
            }
            if accepted:
                body = self.env._("Accepted by %(user)s.", user=user)
                dispute_body = self.env._(
                    "Proposal %(name)s (%(kind)s) accepted by %(user)s.",
                    **args,
                )
            else:
                body = self.env._("Declined by %(user)s.", user=user)
                dispute_body = self.env._(
                    "Proposal %(name)s (%(kind)s) declined by %(user)s.",
                    **args,
                )
            proposal.message_post(body=body)
            if proposal.dispute_id:
                proposal.dispute_id.message_post(body=dispute_body)

    def action_cancel(self):
        self._check_state(PROPOSAL_OPEN_STATES, self.env._("cancelled"))
        self._set_state("cancelled")
        self.activity_unlink(["invoice_dispute.mail_activity_proposal_approval"])
        return True

    def action_reset_draft(self):
        self._check_state(("cancelled",), self.env._("reset to draft"))
        self._set_state("draft")
        return True

    def action_create_payment_plan(self):
        """Prepare a draft payment plan on the proposal's invoices."""
        self.ensure_one()
        if not self.move_ids:
            raise UserError(self.env._("Select the invoices of the payment plan."))
        if not self.payment_plan_id:
            self.payment_plan_id = self.env["invoice.payment.plan"].create(
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "move_ids": [Command.set(self.move_ids.ids)],
                    "dispute_id": self.dispute_id.id,
                    "user_id": self.user_id.id,
                }
            )
            self.payment_plan_id.action_generate_schedule()
        return {
            "type": "ir.actions.act_window",
            "res_model": "invoice.payment.plan",
            "res_id": self.payment_plan_id.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _get_kind_label(self):
        self.ensure_one()
        return selection_label(self, "kind", self.kind)

    def _get_resolution_type(self):
        """The dispute's resolution this proposal amounts to, the vocabulary
        of the settlement (``account.move._invoice_dispute_settle``).

        :return: str, a key of ``RESOLUTION_TYPES``
        """
        self.ensure_one()
        return kind_resolution(self.kind)

    def _check_answerable(self):
        """Only a sent (or approved) proposal still valid today can be
        accepted or declined."""
        today = fields.Date.context_today(self)
        for proposal in self:
            if proposal.state == "expired" or (
                proposal.state in ("approved", "sent")
                and proposal.valid_until
                and proposal.valid_until < today
            ):
                raise UserError(
                    self.env._(
                        "Proposal %(name)s expired on %(date)s: it can no longer be "
                        "accepted or declined.",
                        name=proposal.name,
                        date=proposal.valid_until,
                    )
                )
            dispute = proposal.dispute_id
            if dispute and dispute.state not in OPEN_STATES:
                raise UserError(
                    self.env._(
                        "Dispute %(dispute)s is closed: proposal %(name)s can no "
                        "longer be accepted or declined.",
                        dispute=dispute.name,
                        name=proposal.name,
                    )
                )
        self._check_state(self._TRANSITIONS["accepted"], self.env._("answered"))

    def _portal_check_answerable(self):
        """Refuse the customer's answer on the portal unless the proposal was
        sent to them (drafts and approved proposals stay internal), then as
        any answer (``_check_answerable``).

        :raise UserError: saying why it can no longer be answered
        """
        self.ensure_one()
        self._check_state(("sent",), self.env._("answered"))
        self._check_answerable()

    def _portal_answer(self, accept, author, who, ip_address):
        """The customer's answer on the portal: refused unless answerable
        there (``_portal_check_answerable``), applied (``action_accept`` or
        ``action_decline``) and traced in the proposal's and its dispute's
        chatter in ``author``'s name: who answered, when (UTC) and from
        which IP address.

        Called as superuser by the portal once the visitor's access to the
        dispute and the proposal's link to it are checked.

        :param bool accept: accept, else decline
        :param author: res.partner the trace is written in the name of
        :param str who: the answerer as the trace names them
        :param str ip_address: where the answer came from
        :raise UserError: the proposal can no longer be answered, or its
            settlement is refused
        """
        self.ensure_one()
        self._portal_check_answerable()
        values = {
            "proposal": self.display_name,
            "who": who,
            "when": fields.Datetime.now(),
            "ip": ip_address,
        }
        if accept:
            self.action_accept()
            body = self.env._(
                "Proposal %(proposal)s accepted on the customer portal by %(who)s on "
                "%(when)s (UTC) from IP address %(ip)s.",
                **values,
            )
        else:
            self.action_decline()
            body = self.env._(
                "Proposal %(proposal)s declined on the customer portal by %(who)s on "
                "%(when)s (UTC) from IP address %(ip)s.",
                **values,
            )
        for record in (self, self.dispute_id):
            record._invoice_dispute_log_customer_answer(body, author)

    def _check_approver(self):
        user = self.env.user
        if not user.has_group("invoice_dispute.group_invoice_dispute_manager"):
            raise UserError(
                self.env._("Only a dispute manager can approve or refuse proposals.")
            )
        own = self.filtered(lambda p: user in (p.user_id | p.create_uid))
        if own:
            raise UserError(
                self.env._(
                    "You proposed %(name)s yourself: another dispute manager must "
                    "approve it.",
                    name=own[0].name,
                )
            )

    def _get_approvers(self):
        """Dispute managers who can approve this proposal (not its author)."""
        self.ensure_one()
        authors = self.user_id | self.create_uid
        company = self.company_id
        return company._get_dispute_managers() - authors or (
            company._get_dispute_managers(designated=False) - authors
        )

    def _check_proposal_values(self, complete=True):
        """Refuse a proposal that cannot be applied as it stands.

        :param bool complete: also require what can be added after the first
            save (the payment plan of a plan offer)
        """
        self.ensure_one()
        moves = self.move_ids
        if not moves:
            raise ValidationError(
                self.env._("Proposal %(name)s needs invoices.", name=self.display_name)
            )
        moves._invoice_dispute_check_customer_invoices(self.partner_id)
        # the limits of the settlement's values (``account.move``): the
        # percentage's range is a constraint of its own (``_check_kind_terms``)
        if self.kind in CREDIT_KINDS:
            moves._invoice_dispute_check_credit_amount(self.amount)
        elif self.kind == "due_date_extension":
            moves._invoice_dispute_check_due_date(self.new_date_due)
        elif self.kind == "payment_plan":
            plan = self.payment_plan_id
            if not plan and complete:
                raise ValidationError(
                    self.env._(
                        "Proposal %(name)s offers a payment plan: create or select "
                        "the plan first.",
                        name=self.display_name,
                    )
                )
            if plan and plan.partner_id.commercial_partner_id != (
                self.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "Payment plan %(plan)s belongs to another customer.",
                        plan=plan.name,
                    )
                )

    def _apply(self):
        """Carry out an accepted proposal through the one settlement of
        invoices (``account.move._invoice_dispute_settle``): the amount is
        spread and limited as in its dispute's resolution.

        :return: the credit notes issued (empty unless a credit kind)
        """
        self.ensure_one()
        credit_notes, __ = self.move_ids._invoice_dispute_settle(
            self._get_resolution_type(),
            amount=self.amount if self.kind in CREDIT_KINDS else 0.0,
            new_date_due=self.new_date_due,
            payment_plan=self.payment_plan_id,
            dispute=self.dispute_id,
            proposal=self,
        )
        return credit_notes

    def _check_settlement(self):
        """Refuse an offer that its acceptance could not apply: a dispute
        already settled by another accepted proposal, a credit above what is
        left of the dispute or open on the invoices, or outside the open
        dispute of an invoice. The same checks as the settlement itself
        (``account.move._invoice_dispute_settle``), without writing anything.

        :raise UserError: naming the limit
        """
        for proposal in self:
            moves, dispute = proposal.move_ids, proposal.dispute_id
            resolution_type = proposal._get_resolution_type()
            moves._invoice_dispute_check_settled_once(
                resolution_type,
                proposal.amount,
                proposal.new_date_due,
                dispute,
                proposal,
            )
            if proposal.kind in CREDIT_KINDS:
                moves._invoice_dispute_credit_shares(proposal.amount, dispute)

    def _withdraw(self, reason, keep_plan=None):
        """Cancel the proposals among these still waiting for an answer, with
        their payment plan offers (except ``keep_plan``), and say why in their
        chatter.

        :param str reason: why, translated (e.g. "PROP/2026/00001 settled the
            same invoices")
        :param keep_plan: an invoice.payment.plan left as it is (the one the
            settlement activates)
        """
        open_proposals = self.filtered(lambda p: p.state in PROPOSAL_OPEN_STATES)
        if not open_proposals:
            return
        open_proposals.action_cancel()
        (
            open_proposals
            - open_proposals.filtered(
                lambda p: keep_plan and p.payment_plan_id == keep_plan
            )
        )._withdraw_plans()
        for proposal in open_proposals:
            proposal.message_post(
                body=self.env._("Withdrawn: %(reason)s.", reason=reason)
            )

    def _withdraw_plans(self):
        """A declined or expired plan offer is withdrawn: nothing else changes."""
        self.payment_plan_id.filtered(
            lambda p: p.state in PLAN_OFFER_STATES
        ).action_cancel()

    @api.model
    def _get_expired_domain(self, today):
        return [
            ("state", "in", PROPOSAL_PENDING_STATES),
            ("valid_until", "<", today),
        ]

    def _expire(self):
        self._set_state("expired")
        self.activity_unlink(["invoice_dispute.mail_activity_proposal_approval"])
        self._withdraw_plans()
        for proposal in self:
            proposal.message_post(
                body=self.env._(
                    "Expired: the proposal was valid until %(date)s.",
                    date=proposal.valid_until,
                )
            )
