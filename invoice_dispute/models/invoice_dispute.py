from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import (
    format_amount,
    format_date,
    html2plaintext,
    plaintext2html,
)

from .action_tools import records_action
from .constants import (
    CLOSED_STATES,
    MAX_STATEMENT_LENGTH,
    OPEN_STATES,
    PLAN_LIVE_STATES,
    PLAN_RUNNING_STATES,
    PORTAL_PLAN_STATES,
    PORTAL_PROMISE_STATES,
    PORTAL_PROPOSAL_STATES,
    RESOLUTION_TYPES,
    ROOT_CAUSES,
    selection_label,
)


class InvoiceDispute(models.Model):
    _name = "invoice.dispute"
    _description = "Invoice Dispute"
    _inherit = ["invoice.customer.document", "portal.mixin"]
    _order = "date_received desc, id desc"
    _check_company_auto = True

    # Transitions allowed by the action methods: target state -> source states.
    _TRANSITIONS = {
        "investigating": ("new",),
        "proposed": ("new", "investigating"),
        "agreed": ("new", "investigating", "proposed"),
        "resolved": OPEN_STATES,
        "rejected": OPEN_STATES,
        "cancelled": OPEN_STATES,
        "reopen": CLOSED_STATES,
    }
    _CLOSED_STATES = CLOSED_STATES
    _REOPEN_STATES = CLOSED_STATES
    _ASSIGN_RESPONSIBLE = True
    _SEQUENCE_CODE = "invoice.dispute"
    _SEQUENCE_DATE_FIELD = "date_received"
    _CURRENCY_FROM_INVOICES = True
    # ``move_ids`` is computed from the lines: the currency follows them
    _INVOICES_PATH = "line_ids.move_id"
    _UNLINK_STATES = ("new", "cancelled")
    _REMINDER_PAUSE_STATES = OPEN_STATES
    # What the resolution was based on; notes, root cause and preventive
    # action stay editable.
    _CLOSED_FROZEN_FIELDS = (
        "partner_id",
        "company_id",
        "currency_id",
        "line_ids",
        "reason_id",
        "date_received",
        "date_resolved",
        "resolution_type",
        "credit_note_ids",
        "corrected_invoice_ids",
        "accepted_proposal_id",
    )

    name = fields.Char(string="Number")
    company_id = fields.Many2one(tracking=True)
    partner_id = fields.Many2one(
        domain="[('parent_id', '=', False)]",
        help="The commercial partner whose invoices are disputed.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Raised by",
        tracking=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="The person who raised the dispute; written summaries go to them.",
    )
    customer_type = fields.Selection(
        [("b2b", "B2B"), ("b2c", "B2C")],
        compute="_compute_customer_type",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="B2B or B2C, from the customer when the dispute is created; decides which"
        " reminder rules apply.",
    )
    channel = fields.Selection(
        [
            ("email", "Email"),
            ("phone", "Phone"),
            ("portal", "Portal"),
            ("chat", "Chat"),
            ("letter", "Letter"),
            ("meeting", "Meeting"),
        ],
        required=True,
        default="email",
        tracking=True,
        help="How the customer raised the dispute.",
    )
    reason_id = fields.Many2one(
        "invoice.dispute.reason",
        required=True,
        tracking=True,
        check_company=True,
        help="What the customer disputes; its response time in days sets the deadline.",
    )
    reason_category = fields.Selection(
        related="reason_id.category",
        store=True,
        help="Category of the dispute reason.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self._default_responsible(),
        tracking=True,
        index=True,
        check_company=True,
        domain="[('share', '=', False)]",
        help="Internal user who handles the dispute.",
    )
    currency_id = fields.Many2one(
        tracking=True,
        help="The disputed invoices' currency: the amounts of the dispute are in it.",
    )
    line_ids = fields.One2many(
        "invoice.dispute.line", "dispute_id", string="Disputed invoices", copy=True
    )
    move_ids = fields.Many2many(
        compute="_compute_move_ids", search="_search_move_ids", domain=None
    )
    move_count = fields.Integer(compute="_compute_move_ids")
    amount_disputed = fields.Monetary(
        compute="_compute_amount_disputed",
        store=True,
        tracking=True,
        help="Sum of the disputed amounts of the lines, in the dispute's currency (its"
        " invoices' currency).",
    )
    amount_undisputed = fields.Monetary(
        compute="_compute_amount_residual",
        help="What remains open on the disputed invoices beyond the disputed "
        "amounts: the customer is expected to pay it.",
    )
    amount_residual = fields.Monetary(
        string="Open on invoices", compute="_compute_amount_residual"
    )
    customer_statement = fields.Html(
        string="Customer's words",
        sanitize=True,
        help="The concern exactly as the customer put it.",
    )
    # Internal working notes: the portal shows them (through sudo) only once
    # confirmed or resolved, portal users never read them through the ORM.
    our_understanding = fields.Html(
        sanitize=True,
        groups="invoice_dispute.group_invoice_dispute_user",
        help="Our paraphrase of the concern, to be confirmed with the customer.",
    )
    understanding_confirmed = fields.Boolean(
        string="Paraphrase confirmed",
        tracking=True,
        help="Ticked when the customer confirmed our paraphrase of the complaint.",
    )
    date_received = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        index=True,
        help="Day the customer raised the dispute; the deadline counts from it.",
    )
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index=True,
        help="Day by which the dispute should be resolved: date received plus the "
        "reason's response time in days.",
    )
    date_resolved = fields.Date(
        readonly=True,
        copy=False,
        tracking=True,
        help="Day the dispute was resolved, rejected or cancelled; empty while it is "
        "open.",
    )
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late")
    days_open = fields.Integer(compute="_compute_is_late")
    state = fields.Selection(
        [
            ("new", "New"),
            ("investigating", "Investigating"),
            ("proposed", "Proposed"),
            ("agreed", "Agreed"),
            ("resolved", "Resolved"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="new",
        group_expand=True,
        help="Stage of the dispute; it changes only through the actions (start "
        "investigation, agree, resolve, reject, cancel, reopen).",
    )
    is_open = fields.Boolean(compute="_compute_is_open", search="_search_is_open")
    resolution_type = fields.Selection(
        RESOLUTION_TYPES,
        tracking=True,
        copy=False,
        help="How the dispute was settled, set when it is resolved.",
    )
    resolution_note = fields.Html(
        copy=False,
        groups="invoice_dispute.group_invoice_dispute_user",
        help="What was decided and why, set when the dispute is resolved.",
    )
    credit_note_ids = fields.Many2many(
        "account.move",
        "invoice_dispute_credit_note_rel",
        "dispute_id",
        "move_id",
        string="Credit notes",
        copy=False,
        readonly=True,
        help="Credit notes issued to settle the dispute, in the invoices' currency.",
    )
    credit_note_count = fields.Integer(compute="_compute_credit_note_count")
    amount_credited = fields.Monetary(
        string="Credited",
        compute="_compute_credit_note_count",
        help="Total of the posted credit notes issued for this dispute, by its "
        "resolution or by accepted proposals.",
    )
    accepted_proposal_id = fields.Many2one(
        "invoice.dispute.proposal",
        string="Settled by proposal",
        readonly=True,
        copy=False,
        tracking=True,
        help="The proposal the customer accepted: it settled the dispute, which "
        "is resolved without crediting or moving anything a second time.",
    )
    corrected_invoice_ids = fields.Many2many(
        "account.move",
        "invoice_dispute_corrected_invoice_rel",
        "dispute_id",
        "move_id",
        string="Corrected invoices",
        copy=False,
        readonly=True,
        help="Invoices issued to replace the disputed ones.",
    )
    root_cause = fields.Selection(
        ROOT_CAUSES,
        tracking=True,
        groups="invoice_dispute.group_invoice_dispute_user",
        help="Why the dispute happened on our side, for prevention reports.",
    )
    preventive_action = fields.Text(
        groups="invoice_dispute.group_invoice_dispute_user",
        help="What we change so that this kind of dispute does not happen again.",
    )
    attachment_count = fields.Integer(
        string="Evidence",
        compute="_compute_attachment_count",
        # Counted with a read_group on ir.attachment, which portal users may
        # not run; the portal lists the evidence itself.
        groups="invoice_dispute.group_invoice_dispute_user",
    )
    proposal_ids = fields.One2many(
        "invoice.dispute.proposal", "dispute_id", string="Proposals"
    )
    proposal_count = fields.Integer(compute="_compute_proposal_count")
    payment_plan_ids = fields.One2many(
        "invoice.payment.plan", "dispute_id", string="Payment plans"
    )
    payment_plan_count = fields.Integer(compute="_compute_proposal_count")

    @api.depends("partner_id")
    def _compute_customer_type(self):
        for dispute in self:
            partner = dispute.partner_id
            dispute.customer_type = partner._get_customer_type() if partner else "b2b"

    @api.depends("line_ids.move_id")
    def _compute_move_ids(self):
        for dispute in self:
            dispute.move_ids = dispute.line_ids.move_id
            dispute.move_count = len(dispute.move_ids)

    def _search_move_ids(self, operator, value):
        return [("line_ids.move_id", operator, value)]

    @api.depends("line_ids.disputed_amount_capped")
    def _compute_amount_disputed(self):
        """While open, at most what is open on each invoice (see
        ``invoice.dispute.line.disputed_amount_capped``)."""
        for dispute in self:
            dispute.amount_disputed = sum(
                dispute.line_ids.mapped("disputed_amount_capped")
            )

    @api.depends("amount_disputed", "state")
    def _compute_amount_residual(self):
        """What is open on the invoices (see the mixin); the undisputed part
        is what the customer should pay anyway (everything once the dispute is
        closed)."""
        res = super()._compute_amount_residual()
        for dispute in self:
            disputed = dispute.amount_disputed if dispute.state in OPEN_STATES else 0.0
            dispute.amount_undisputed = max(dispute.amount_residual - disputed, 0.0)
        return res

    @api.depends("date_received", "reason_id.sla_days")
    def _compute_date_deadline(self):
        for dispute in self:
            if dispute.date_received:
                dispute.date_deadline = dispute.date_received + timedelta(
                    days=dispute.reason_id.sla_days or 0
                )
            else:
                dispute.date_deadline = False

    @api.depends("date_deadline", "state", "date_received", "date_resolved")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for dispute in self:
            dispute.is_late = bool(
                dispute.state in OPEN_STATES
                and dispute.date_deadline
                and dispute.date_deadline < today
            )
            end = dispute.date_resolved or today
            dispute.days_open = (
                (end - dispute.date_received).days if dispute.date_received else 0
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Operation not supported on 'Late'."))
        domain = [
            ("state", "in", OPEN_STATES),
            ("date_deadline", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") != bool(value):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    @api.depends("state")
    def _compute_is_open(self):
        for dispute in self:
            dispute.is_open = dispute.state in OPEN_STATES

    def _search_is_open(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Operation not supported on 'Open'."))
        states = OPEN_STATES if (operator == "=") == bool(value) else CLOSED_STATES
        return [("state", "in", states)]

    @api.depends("credit_note_ids.state", "credit_note_ids.amount_total")
    def _compute_credit_note_count(self):
        for dispute in self:
            dispute.credit_note_count = len(dispute.credit_note_ids)
            dispute.amount_credited = sum(
                dispute.credit_note_ids.filtered(
                    lambda m: m.state == "posted" and m.move_type == "out_refund"
                ).mapped("amount_total")
            )

    def _compute_attachment_count(self):
        groups = self.env["ir.attachment"]._read_group(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)],
            ["res_id"],
            ["__count"],
        )
        counts = dict(groups)
        for dispute in self:
            dispute.attachment_count = counts.get(dispute.id, 0)

    @api.depends("proposal_ids", "payment_plan_ids")
    def _compute_proposal_count(self):
        for dispute in self:
            dispute.proposal_count = len(dispute.proposal_ids)
            dispute.payment_plan_count = len(dispute.payment_plan_ids)

    def _compute_access_url(self):
        for dispute in self:
            dispute.access_url = f"/my/disputes/{dispute.id}"

    @api.constrains("partner_id", "contact_id")
    def _check_contact_id(self):
        self.env["res.partner"]._invoice_dispute_check_same_customer(
            self, ["contact_id"]
        )

    @api.constrains("partner_id", "company_id", "currency_id", "line_ids", "state")
    def _check_lines_consistency(self):
        for dispute in self:
            dispute.line_ids.move_id._invoice_dispute_check_currency(dispute)
        # the amounts are checked by the lines written, not against the
        # residual of invoices paid since
        self.line_ids._check_move_documents()

    @api.constrains("state", "line_ids")
    def _check_single_open_dispute(self):
        """One open dispute per invoice at a time."""
        open_disputes = self.filtered("is_open")
        if not open_disputes:
            return
        moves = open_disputes.line_ids.move_id
        clashes = self.env["invoice.dispute.line"].search(
            [
                ("move_id", "in", moves.ids),
                ("dispute_id.state", "in", OPEN_STATES),
                ("dispute_id", "not in", open_disputes.ids),
            ],
            limit=1,
        )
        if not clashes:
            # Also within the given disputes themselves.
            seen = {}
            for line in open_disputes.line_ids:
                other = seen.setdefault(line.move_id, line.dispute_id)
                if other != line.dispute_id:
                    clashes = line
                    break
        if clashes:
            raise ValidationError(
                self.env._(
                    "Invoice %(invoice)s already has an open dispute. Resolve, "
                    "reject or cancel it first: an invoice can have only one "
                    "open dispute at a time.",
                    invoice=clashes.move_id.display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        for dispute in disputes:
            dispute._subscribe_customer()
        disputes._notify_running_plans()
        return disputes

    def _notify_running_plans(self):
        """Tell the collector of each payment plan running (proposed, active
        or broken) on these disputes' invoices that an invoice of the plan
        is now disputed: a note on the plan and a to-do for its collector,
        in their language. The plan stays as it is: the collector decides
        (the dispute may end with the plan as its resolution)."""
        for dispute in self:
            plans = dispute.move_ids.payment_plan_ids.filtered(
                lambda p, d=dispute: (
                    p.state in PLAN_RUNNING_STATES and p.dispute_id != d
                )
            )
            for plan in plans:
                # sudo: the portal and the mail gateway raise disputes too;
                # the system writes for a portal or public user (whose partner
                # may have no email address for the notification)
                plan = plan.sudo()
                if self.env.user.share:
                    plan = plan.with_user(self.env.ref("base.user_root"))
                user = plan.user_id
                env = user._with_invoice_dispute_lang(plan, plan.company_id).env
                body = env._(
                    "Dispute %(dispute)s was raised on %(invoices)s, in this "
                    "payment plan: check whether the plan still stands.",
                    dispute=dispute.name,
                    invoices=", ".join(
                        (dispute.move_ids & plan.move_ids).mapped("name")
                    ),
                )
                plan.message_post(
                    body=Markup("<p>%s</p>") % body,
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
                if user:
                    plan.activity_schedule(
                        "mail.mail_activity_data_todo",
                        user_id=user.id,
                        summary=env._("Disputed invoice in payment plan"),
                        note=Markup("<p>%s</p>") % body,
                    )

    @api.model
    def create_from_invoices(
        self, invoices, reason, channel, statement=None, amounts=None, **values
    ):
        """Raise one dispute on ``invoices``: the one way a dispute is created
        from invoices (the invoice's *Raise dispute* button prefills the form
        with the same values, ``account.move._prepare_invoice_dispute_vals``).
        Used by the customer portal, the call outcome
        (``invoice.call.sheet.record_outcome``) and the payment discrepancy
        check (``invoice.payment.discrepancy.action_create_dispute``); SPEC
        §1 (disputes, seeds 000, 001, 004).

        The responsible is the creating user when a person, else the
        customer's responsible (``invoice.workflow.mixin._assign_responsible``),
        unless ``user_id`` is given in ``values``.

        :param invoices: account.move, posted customer invoices of one
            customer and one company, none with an open dispute
        :param reason: invoice.dispute.reason, what the customer disputes
        :param str channel: how it was raised (a key of ``channel``)
        :param str statement: the customer's words, plain text (None: none)
        :param dict amounts: invoice -> disputed amount, in the invoice's
            currency, above zero and at most what is open on it; an invoice
            left out disputes its residual
        :param values: further ``invoice.dispute`` values (e.g. ``contact_id``,
            default the first invoice's address; ``user_id``;
            ``our_understanding``)
        :return: the new invoice.dispute
        :raise UserError: invoices not disputable
            (``account.move._invoice_dispute_check_disputable``)
        :raise ValidationError: an amount not above zero or above what is open
            (``invoice.dispute.line._check_disputed_amount``); nothing is
            written
        """
        vals = invoices._prepare_invoice_dispute_vals(amounts)
        vals.update(reason_id=reason.id, channel=channel, **values)
        if statement is not None:
            vals["customer_statement"] = plaintext2html(statement)
        return self.create(vals)

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") in CLOSED_STATES:
            self._cancel_open_proposals()
        if "partner_id" in vals or "contact_id" in vals:
            for dispute in self:
                dispute._subscribe_customer()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_start_investigation(self):
        self._set_state("investigating")
        return True

    def action_propose(self):
        self._set_state("proposed")
        return True

    def action_agree(self):
        self._set_state("agreed")
        return True

    def action_resolve(self):
        self.ensure_one()
        self._check_transition("resolved")
        return {
            "name": self.env._("Resolve dispute"),
            "type": "ir.actions.act_window",
            "res_model": "invoice.dispute.resolve.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_dispute_id": self.id},
        }

    def action_reject(self):
        self._set_state("rejected", {"date_resolved": fields.Date.context_today(self)})
        self._close_activities()
        return True

    def action_cancel(self):
        self._set_state("cancelled")
        self._close_activities()
        return True

    def action_reopen(self):
        """Reopen a closed dispute to settle it again: what its credit notes
        already credited stays counted against its disputed amount."""
        self._set_state(
            "investigating",
            {"date_resolved": False, "accepted_proposal_id": False},
            transition="reopen",
        )
        return True

    def action_send_summary(self):
        """Email the written summary of what was agreed and the next steps, in
        the customer's language, and keep it in the chatter. The summary is
        tone-checked first in the languages it may be written in (the
        customer's, the writer's, the text's own: ``invoice.tone.phrase
        .check_text``, seeds 000, 001); when it has findings nothing is sent
        and the reply wizard opens on the summary with them, to rephrase or
        send anyway, as a reply to the customer does.

        All summaries are checked before any is sent: when one has findings,
        none is sent.

        :return: True when all were sent, else the reply wizard's action on
            the first summary with findings
        :raise UserError: when a recipient has no email address
        """
        template = self.env.ref("invoice_dispute.mail_template_dispute_summary")
        self._check_summary_recipients()
        for dispute in self:
            recipient = dispute._get_email_recipient()
            rendered = {
                name: template._render_field(name, dispute.ids, compute_lang=True)[
                    dispute.id
                ]
                for name in ("subject", "body_html")
            }
            review = dispute._get_tone_review(
                rendered["body_html"], rendered["subject"], recipient
            )[1]
            if review:
                return review
        for dispute in self:
            dispute.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        return True

    def _send_tone_checked(
        self, body, subject, recipient, lang=None, wizard=None, template=None
    ):
        """Check the tone of a text to the customer and either send it or
        show the findings: the one way the reply wizard and the written
        summary go out. The text is checked in the languages it may be
        written in (``lang`` or the recipient's, the writer's, the text's
        own: ``invoice.tone.phrase.check_text``). With findings the collector
        has not overruled, nothing is sent and the reply wizard shows them
        (``wizard``, or a new one on this text); else the text is sent.

        :param body: html of the text
        :param str subject: its subject
        :param recipient: res.partner it is emailed to
        :param str lang: the customer's language code, default the
            recipient's
        :param wizard: the ``invoice.dispute.reply.wizard`` the text was
            written in, or None; its findings are overruled when it shows
            them (state ``review``) for this very text with *Send anyway*
            ticked
        :param template: the mail.template the text was rendered from, or
            None: a clean text is posted with it (``message_post_with_source``),
            else as a reply (``_post_reply``, which notes overruled findings)
        :return: False when sent, else the window action of the reply wizard
            showing the findings
        """
        findings, review = self._get_tone_review(body, subject, recipient, lang, wizard)
        if review:
            return review
        if template:
            self.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        else:
            self._post_reply(body, subject, recipient, findings)
        return False

    def _get_tone_review(self, body, subject, recipient, lang=None, wizard=None):
        """Check the tone of a text to the customer (``_send_tone_checked``'s
        check, without sending).

        :return: (findings, review): the findings of ``invoice.tone.phrase
            .check_text`` (dicts), and False when the text may be sent (no
            findings, or findings the collector overruled in ``wizard``), else
            the window action of the reply wizard showing them
        """
        self.ensure_one()
        findings = self.env["invoice.tone.phrase"].check_text(
            body,
            [
                lang or self._get_email_lang(recipient),
                self.env.user._get_invoice_dispute_lang(self.company_id),
            ],
        )
        overruled = (
            wizard
            and wizard.state == "review"
            and wizard.send_anyway
            and html2plaintext(wizard.checked_body or "") == html2plaintext(body)
        )
        if findings and not overruled:
            review = {
                "state": "review",
                "checked_body": body,
                "send_anyway": False,
                "finding_ids": [Command.clear()]
                + [Command.create(finding) for finding in findings],
            }
            if wizard:
                wizard.write(review)
            else:
                wizard = self.env["invoice.dispute.reply.wizard"].create(
                    {
                        "dispute_id": self.id,
                        "recipient_id": recipient.id,
                        "subject": subject,
                        "body": body,
                        **review,
                    }
                )
            return findings, wizard._reopen()
        return findings, False

    def _post_reply(self, body, subject, recipient, findings=()):
        """Email the collector's reply to the customer from the dispute's
        chatter (the reply wizard's *Send*); when tone-check ``findings``
        were overruled, a note lists them for colleagues.

        :param body: html of the reply
        :param str subject: its subject
        :param recipient: res.partner it is emailed to
        :param findings: the findings of ``invoice.tone.phrase.check_text``
            the writer chose to send anyway (dicts with a ``phrase``)
        :return: the mail.message of the reply
        """
        self.ensure_one()
        message = self.message_post(
            body=body,
            subject=subject,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=recipient.ids,
        )
        if findings:
            # Keep a trace for colleagues: the tone check was seen and overruled.
            self.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._("Reply sent despite the tone check findings:"),
                    Markup().join(
                        Markup("<li>%s</li>") % finding["phrase"]
                        for finding in findings
                    ),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return message

    def _check_summary_recipients(self):
        for dispute in self:
            dispute._check_email_recipient(
                self.env._("sending the summary of dispute %(name)s", name=dispute.name)
            )

    def action_reply(self):
        """Open the reply wizard on this dispute (the form's "Reply to
        customer" button).

        :return: the window action of ``invoice.dispute.reply.wizard``
        """
        self.ensure_one()
        return records_action(
            self.env,
            "invoice_dispute.invoice_dispute_reply_wizard_action",
            context={"default_dispute_id": self.id},
        )

    def action_view_moves(self):
        self.ensure_one()
        moves = self.move_ids | self.corrected_invoice_ids
        return moves._invoice_dispute_list_action()

    def action_view_credit_notes(self):
        self.ensure_one()
        return self.credit_note_ids._invoice_dispute_list_action("out_refund")

    def action_view_attachments(self):
        self.ensure_one()
        return records_action(
            self.env,
            "base.action_attachment",
            domain=[("res_model", "=", self._name), ("res_id", "=", self.id)],
            context={"default_res_model": self._name, "default_res_id": self.id},
        )

    def action_new_proposal(self):
        """Propose a discount, adjustment, write-off, extension or payment plan
        to settle this dispute."""
        self.ensure_one()
        self._check_state(
            OPEN_STATES, self.env._("given a new proposal (reopen it first)")
        )
        if self.accepted_proposal_id:
            raise UserError(
                self.env._(
                    "Dispute %(name)s is already settled by the accepted proposal "
                    "%(proposal)s: resolve it to record that settlement.",
                    name=self.name,
                    proposal=self.accepted_proposal_id.name,
                )
            )
        return {
            "name": self.env._("Propose a solution"),
            "type": "ir.actions.act_window",
            "res_model": "invoice.dispute.proposal",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_dispute_id": self.id,
                "default_company_id": self.company_id.id,
                "default_amount": self._get_amount_to_credit(),
            },
        }

    def action_view_proposals(self):
        self.ensure_one()
        return records_action(
            self.env,
            "invoice_dispute.invoice_dispute_proposal_action",
            domain=[("dispute_id", "=", self.id)],
            context={"default_dispute_id": self.id},
        )

    def action_view_payment_plans(self):
        self.ensure_one()
        return records_action(
            self.env,
            "invoice_dispute.invoice_payment_plan_action",
            domain=[("dispute_id", "=", self.id)],
            context={"create": False},
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _resolve(
        self,
        resolution_type,
        amount=0.0,
        new_date_due=False,
        note=False,
        root_cause=None,
        preventive_action=None,
    ):
        """Resolve this open dispute as agreed with the customer: settle its
        invoices (see ``account.move._invoice_dispute_settle``), record the
        resolution, close its SLA activities and say so in the chatter. The
        resolve wizard collects the input and calls this.

        :param str resolution_type: a key of ``RESOLUTION_TYPES``
        :param float amount: credit_note, discount, write_off: the agreed
            credit, tax included, in the dispute's currency (its invoices'),
            spread over the invoices in proportion to their disputed amounts;
            at most what is left of the disputed amount after the credit notes
            already issued for the dispute and what is open on the invoices
            (see :meth:`_get_amount_to_credit`); 0 when an accepted proposal
            settled the dispute
        :param date new_date_due: due_date_extension: the new due date
        :param str note: resolution note (HTML)
        :param str root_cause: a key of ``ROOT_CAUSES`` (None: unchanged)
        :param str preventive_action: what changes to avoid such disputes
            (None: unchanged)
        :return: the credit notes issued now (account.move, maybe empty)
        :raise UserError: the dispute is not open, or the settlement is refused
            (nothing is written then)
        """
        self.ensure_one()
        self._check_transition("resolved")
        plan = self.env["invoice.payment.plan"]
        if resolution_type == "payment_plan":
            plan = self._get_payment_plan_to_activate()
        credit_notes, corrected = self.move_ids._invoice_dispute_settle(
            resolution_type,
            amount=amount,
            new_date_due=new_date_due,
            payment_plan=plan,
            dispute=self,
        )
        vals = {
            "resolution_type": resolution_type,
            "resolution_note": note,
            "date_resolved": fields.Date.context_today(self),
            "credit_note_ids": [Command.link(m.id) for m in credit_notes],
            "corrected_invoice_ids": [Command.link(m.id) for m in corrected],
        }
        if root_cause is not None:
            vals["root_cause"] = root_cause
        if preventive_action is not None:
            vals["preventive_action"] = preventive_action
        self._set_state("resolved", vals)
        self._close_activities()
        links = Markup(", ").join(m._get_html_link() for m in credit_notes | corrected)
        if self.accepted_proposal_id and not links:
            links = self.accepted_proposal_id._get_html_link()
        self.message_post(
            body=Markup("%s %s")
            % (
                self.env._(
                    "Resolved: %(type)s.",
                    type=self._get_resolution_label(resolution_type),
                ),
                links,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return credit_notes

    def _get_amount_to_credit(self, ignore_settlement=False):
        """The most that can still be credited to settle this dispute: its
        disputed amount less what its credit notes already credited, at most
        what is open on its invoices; nothing once an accepted proposal
        settled it.

        :param bool ignore_settlement: leave the accepted proposal out (the
            limit of that proposal itself)
        :return: float, in the dispute's currency, never negative
        """
        self.ensure_one()
        if self.accepted_proposal_id and not ignore_settlement:
            return 0.0
        # what the customer disputed (not capped: a credit note lowers what is
        # open, and so the capped amount, and is subtracted as credited)
        disputed = sum(self.line_ids.mapped("disputed_amount"))
        left = min(disputed - self.amount_credited, self.amount_residual)
        return max(self.currency_id.round(left), 0.0)

    def _get_payment_plan_to_activate(self):
        """The payment plan a 'payment plan' resolution activates: the active
        one on the disputed invoices, else the latest prepared one.

        :raise UserError: when no plan was prepared"""
        self.ensure_one()
        plans = (self.payment_plan_ids | self.move_ids.payment_plan_ids).filtered(
            lambda p: p.state in PLAN_LIVE_STATES
        )
        if not plans:
            raise UserError(
                self.env._(
                    "Dispute %(dispute)s has no payment plan yet: prepare the plan "
                    "(Propose solution > Payment plan) before resolving with it.",
                    dispute=self.name,
                )
            )
        return (
            plans.filtered(lambda p: p.state == "active")[:1] or plans.sorted("id")[-1:]
        )

    @api.model
    def _get_resolution_label(self, resolution_type):
        """The resolution type as the user reads it (translated)."""
        return selection_label(self, "resolution_type", resolution_type)

    def _subscribe_customer(self):
        partners = self.partner_id | self.contact_id
        if partners:
            self.message_subscribe(partner_ids=partners.ids)

    def _cancel_open_proposals(self):
        """A closed dispute takes its unanswered proposals (and their payment
        plans) with it: the customer can no longer accept what was offered to
        settle it."""
        for dispute in self:
            dispute.proposal_ids._withdraw(
                self.env._("dispute %(dispute)s is closed", dispute=dispute.name)
            )

    def _close_activities(self):
        # not activity_feedback(): it only finds automated activities, and
        # the SLA cron creates its activities in one create()
        sla = self.env.ref("invoice_dispute.mail_activity_dispute_sla")
        self.activity_ids.filtered(lambda a: a.activity_type_id == sla).action_feedback(
            feedback=self.env._("Dispute closed.")
        )

    # ------------------------------------------------------------------
    # Disputes raised by customers on the portal
    # ------------------------------------------------------------------
    def _portal_get_arrangements(self):
        """What the customer sees on this dispute's portal page: its
        proposals sent to the customer, the customer's payment plans on the
        dispute or its invoices and the promises to pay on its invoices (the
        states of ``PORTAL_*_STATES``). Called on the sudoed dispute after
        the portal's access check: the records found are sudoed too.

        :return: dict with ``proposals``, ``plans`` and ``promises``
            recordsets
        """
        self.ensure_one()
        moves = self.line_ids.move_id
        Promise = self.env["invoice.payment.promise"]
        return {
            "proposals": self.env["invoice.dispute.proposal"].search(
                [
                    ("dispute_id", "=", self.id),
                    ("state", "in", PORTAL_PROPOSAL_STATES),
                ]
            ),
            "plans": self.env["invoice.payment.plan"].search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("state", "in", PORTAL_PLAN_STATES),
                    "|",
                    ("dispute_id", "=", self.id),
                    ("move_ids", "in", moves.ids),
                ]
            ),
            "promises": Promise.search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("state", "in", PORTAL_PROMISE_STATES),
                    ("move_ids", "in", moves.ids),
                ]
            )
            if moves
            else Promise,
        }

    @api.model
    def _portal_get_reasons(self, invoice):
        """The dispute reasons a customer may choose for ``invoice``: those
        of its company or of every company (sudo: the visitor need not be a
        user of that company).

        :return: invoice.dispute.reason recordset (sudo)
        """
        return (
            self.env["invoice.dispute.reason"]
            .sudo()
            .search([("company_id", "in", [False, invoice.company_id.id])])
        )

    @api.model
    def _portal_can_dispute(self, invoice):
        """Whether a customer may still dispute ``invoice`` on the portal:
        the invoices' own rule
        (``account.move._invoice_dispute_get_disputable_error``), read sudo
        (the visitor need not read disputes).

        :param invoice: account.move, one record
        :return: bool
        """
        return not invoice.sudo()._invoice_dispute_get_disputable_error()

    @api.model
    def _portal_get_dispute_errors(self, invoice, reason, statement, amount, contact):
        """What the rules refuse in a portal dispute (the invoice page shows
        each message at its field; ``_portal_check_dispute`` raises the
        first): the invoice's (``account.move
        ._invoice_dispute_get_disputable_error``) and the dispute line's
        amount rule (``invoice.dispute.line._get_disputed_amount_error``),
        plus the form's own (reason, statement).

        :param invoice: account.move, the disputed customer invoice
        :param reason: invoice.dispute.reason chosen (may be empty)
        :param str statement: the customer's words, plain text
        :param amount: float or None, disputed amount in the invoice's
            currency: more than zero, at most what is open on it
        :param contact: res.partner raising it: must belong to the invoice's
            customer
        :return: dict form field (``reason_id``, ``customer_statement``,
            ``disputed_amount``, or ``general`` -- then alone) -> message;
            empty when the dispute is accepted
        """
        env = self.env
        if len(invoice) != 1 or contact.commercial_partner_id != (
            invoice.commercial_partner_id
        ):
            return {
                "general": env._(
                    "You can only dispute the invoices addressed to your company."
                )
            }
        error = invoice.sudo()._invoice_dispute_get_disputable_error()
        if error:
            return {"general": error}
        errors = {}
        if len(reason) != 1 or reason not in self._portal_get_reasons(invoice):
            errors["reason_id"] = env._("Choose the reason of your dispute.")
        statement = (statement or "").strip()
        if not statement:
            errors["customer_statement"] = env._(
                "Describe in your own words what is wrong with the invoice."
            )
        elif len(statement) > MAX_STATEMENT_LENGTH:
            errors["customer_statement"] = env._(
                "Your description is too long: at most %(max)s characters.",
                max=MAX_STATEMENT_LENGTH,
            )
        error = self.env["invoice.dispute.line"]._get_disputed_amount_error(
            invoice, amount
        )
        if error:
            errors["disputed_amount"] = error
        return errors

    @api.model
    def _portal_check_dispute(self, invoice, reason, statement, amount, contact):
        """Refuse a portal dispute the rules do not allow (used by the
        invoice page and by the reminder page); the rules are
        ``_portal_get_dispute_errors``.

        :raise ValidationError: naming the first thing wrong
        """
        errors = self._portal_get_dispute_errors(
            invoice, reason, statement, amount, contact
        )
        if errors:
            raise ValidationError(next(iter(errors.values())))

    @api.model
    def _portal_create_dispute(
        self, invoice, reason, statement, amount, contact, files=()
    ):
        """Create the dispute a customer raises on the portal (SPEC §11, seed
        004: channels to report problems), from the invoice's page or a
        reminder's page, after ``_portal_check_dispute``. The customer's text
        is stored escaped (plain text to HTML); the responsible is the
        invoice's collector (``account.move._get_collector``), who follows
        it and gets a to-do; the customer gets the acknowledgement email.

        Run as superuser by the portal: the caller checked that the visitor
        may access ``invoice`` (its user or a token of its notice).

        :param invoice: account.move, one open customer invoice
        :param reason: invoice.dispute.reason
        :param str statement: plain text
        :param float amount: disputed, invoice's currency
        :param contact: res.partner of the invoice's customer who raises it
        :param files: (file name, bytes) pairs kept as evidence
        :return: the invoice.dispute created (sudo)
        :raise ValidationError: see ``_portal_check_dispute``
        """
        amount = amount if amount is None else invoice.currency_id.round(amount)
        self._portal_check_dispute(invoice, reason, statement, amount, contact)
        env = self.env
        company = invoice.company_id
        responsible = invoice._get_collector()
        dispute = (
            self.sudo()
            .with_company(company)
            .with_context(mail_create_nosubscribe=True)
            .create_from_invoices(
                invoice,
                reason,
                "portal",
                statement=statement.strip(),
                amounts={invoice: amount} if amount is not None else None,
                contact_id=contact.id,
                user_id=responsible.id,
            )
        )
        if responsible:
            dispute.message_subscribe(partner_ids=responsible.partner_id.ids)
        # The customer's own words, visible in the portal chatter.
        dispute.message_post(
            # the space keeps the words apart where the chatter and the
            # notifications show the message as one line of text
            body=Markup("<p>%s</p> %s")
            % (
                env._(
                    "Dispute raised on the customer portal about %(invoice)s.",
                    invoice=invoice.name,
                ),
                dispute.customer_statement,
            ),
            author_id=contact.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            # Kept as evidence on the dispute. HTML or SVG content is stored as
            # plain text for portal uploaders (ir.attachment._check_contents).
            attachments=list(files),
        )
        if responsible:
            # in the collector's language; the customer's name escaped
            user_env = responsible._with_invoice_dispute_lang(self, company).env
            dispute.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=responsible.id,
                date_deadline=fields.Date.context_today(dispute),
                summary=user_env._("New dispute from the customer portal"),
                note=Markup("<p>%s</p>")
                % user_env._(
                    "%(customer)s disputes %(amount)s on %(invoice)s.",
                    customer=contact.display_name,
                    amount=format_amount(user_env, amount, invoice.currency_id),
                    invoice=invoice.name,
                ),
            )
        # Acknowledged by email, in the customer's language; posted as the
        # responsible (or the system): posted as the customer, mail would not
        # notify the author's own partner. The sender is the template's
        # (the collector's or the company's address) and the author the
        # partner of that address: passing an author to the composer would
        # leave its sender empty (computed together), whoever visits.
        template = env.ref("invoice_dispute.mail_template_dispute_acknowledgement")
        sender = responsible or env.ref("base.user_root")
        dispute.with_user(sender).sudo().message_post_with_source(
            template.sudo(),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return dispute

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        """A message the customer writes on its dispute (its words on the
        portal, a reply) reaches the collector and the other followers, not
        the customer's own contacts again: the customer's company following
        the dispute (for the acknowledgement and the proposals) would get a
        bare copy of what its colleague just wrote."""
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        author_id = msg_vals.get("author_id") if msg_vals else message.author_id.id
        author = self.env["res.partner"].browse(author_id)
        if len(self) != 1 or not author or not recipients:
            return recipients
        customer = self.partner_id.commercial_partner_id
        if author.commercial_partner_id != customer:
            return recipients
        partners = self.env["res.partner"].browse([r["id"] for r in recipients])
        own = partners.filtered(lambda p: p.commercial_partner_id == customer)
        return [r for r in recipients if r["id"] not in own.ids]

    def _get_reminder_agreement_date(self):
        """A resolved dispute was agreed on the day it was resolved; a
        rejected or cancelled one was no agreement."""
        self.ensure_one()
        return self.state == "resolved" and self.date_resolved

    def _get_summary_next_steps(self):
        """Plain-language next steps shown in the written summary."""
        self.ensure_one()
        steps = {
            "credit_note": self.env._(
                "We issue a credit note and settle it with the invoice."
            ),
            "corrected_invoice": self.env._(
                "We cancel the invoice with a credit note and send a corrected one."
            ),
            "payment_plan": self.env._(
                "You pay the agreed installments on their due dates."
            ),
            "due_date_extension": self.env._(
                "You pay the invoice by the new due date."
            ),
            "discount": self.env._("We grant the agreed discount with a credit note."),
            "write_off": self.env._("We write off the agreed amount."),
            "no_change": self.env._("The invoice stays as it is and is due as agreed."),
        }
        if self.resolution_type:
            return steps[self.resolution_type]
        return self.env._(
            "We investigate your concern and come back to you by %(date)s.",
            date=self.date_deadline,
        )

    @api.model
    def _cron_dispute_sla(self, batch_size=500):
        """Late disputes get an activity for the responsible and the managers.

        One batch per call: the cron framework calls again while
        ``_notify_progress`` reports remaining work, committing in between.
        A dispute that already has an open escalation activity is skipped, so
        reruns create nothing twice."""
        activity_type = self.env.ref("invoice_dispute.mail_activity_dispute_sla")
        domain = [
            ("is_late", "=", True),
            ("activity_ids", "not any", [("activity_type_id", "=", activity_type.id)]),
        ]
        disputes = self.search(domain, order="date_deadline, id", limit=batch_size)
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        managers = {
            c: c._get_dispute_managers().filtered(
                lambda u: u._invoice_dispute_is_person()
            )
            for c in disputes.company_id
        }
        vals_list = []
        for dispute in disputes:
            for user in dispute.user_id | managers[dispute.company_id]:
                # in the language of the user it is for
                user_env = user._with_invoice_dispute_lang(self, dispute.company_id).env
                summary = user_env._(
                    "Dispute past its deadline (%(deadline)s)",
                    deadline=format_date(
                        self.env, dispute.date_deadline, lang_code=user_env.lang
                    ),
                )
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": dispute.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "date_deadline": today,
                        "summary": summary,
                    }
                )
        self.env["mail.activity"].create(vals_list)
        remaining = self.search_count(domain) if len(disputes) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(disputes), remaining=remaining)
        return disputes
