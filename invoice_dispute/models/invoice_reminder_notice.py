import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from .constants import REPLY_INTENTS, SENT_NOTICE_STATES, selection_label
from .invoice_workflow_mixin import check_transition

_logger = logging.getLogger(__name__)

# mail.mail state -> notice state
MAIL_TO_NOTICE_STATE = {
    "outgoing": "queued",
    "sent": "sent",
    "received": "sent",
    "exception": "failed",
    "cancel": "cancelled",
}


class InvoiceReminderNotice(models.Model):
    """One payment reminder as sent to a customer (SPEC §11; OCA credit
    control's "communication"): the invoices it reminds, the open credits it
    deducted, its amounts, its email and activity, and its state. The
    reminder engine (``invoice.reminder.engine``) writes them; the reminder
    templates render on them; a reply to its email lands in its chatter."""

    _name = "invoice.reminder.notice"
    _description = "Payment Reminder Notice"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # The state changes the addon makes (target -> the states it is reached
    # from), as ``invoice.workflow.mixin``'s table; checked by
    # ``check_transition`` (ORM) and, where SQL must serve, by the ``WHERE``
    # of the statement (``transition_sources_sql``). Besides them, a queued
    # notice follows its email's delivery (``_compute_state``: sent, failed,
    # queued again when retried).
    _TRANSITIONS = {
        # the engine's run, once the email is queued, not needed (an activity
        # only) or impossible (``invoice.reminder.engine._store_notice_results``,
        # one UPDATE for the batch it claimed)
        "queued": ("draft",),
        "sent": ("draft",),
        "failed": ("draft",),
        # a collector queues a failed email again (``action_retry``)
        "retry": ("failed",),
        # before the email leaves: no longer true, or a collector's cancel
        # (``_withdraw``)
        "withdrawn": ("queued",),
        "cancelled": ("queued",),
    }

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
        help="The customer (commercial partner) reminded.",
    )
    recipient_id = fields.Many2one(
        "res.partner",
        string="Sent to",
        readonly=True,
        help="The contact the reminder's email was addressed to.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    rule_id = fields.Many2one(
        "invoice.reminder.rule",
        string="Reminder rule",
        index=True,
        readonly=True,
        ondelete="restrict",
    )
    plan_line_id = fields.Many2one(
        "invoice.payment.plan.line",
        string="Installment",
        index="btree_not_null",
        readonly=True,
        ondelete="cascade",
        help="Set on the reminders sent before a payment plan's installment.",
    )
    level = fields.Integer(
        readonly=True, help="Reminder level; 0 for an installment reminder."
    )
    date = fields.Date(
        default=fields.Date.context_today, required=True, index=True, readonly=True
    )
    move_ids = fields.Many2many(
        "account.move",
        "invoice_reminder_notice_move_rel",
        "notice_id",
        "move_id",
        string="Invoices",
        readonly=True,
        help="The invoices this notice reminds (for an installment: the "
        "plan's invoices).",
    )
    log_ids = fields.One2many(
        "invoice.reminder.log", "notice_id", string="Claims", readonly=True
    )
    credit_move_ids = fields.Many2many(
        "account.move",
        "invoice_reminder_notice_credit_rel",
        "notice_id",
        "move_id",
        string="Credit documents",
        readonly=True,
        help="The customer's credit notes not applied and payments not matched "
        "when the notice was written.",
    )
    amount_open = fields.Monetary(
        string="Total open",
        readonly=True,
        help="What was open on the invoices the notice lists when it was "
        "written, in the notice's currency: the email's \"Total open\".",
    )
    amount_due = fields.Monetary(
        readonly=True,
        help="What the customer owed in the notice's currency on all its "
        "invoices due by the notice's date or by the latest due date it lists: "
        "the invoices listed plus its other invoices due. The email shows it "
        '(as "Other invoices due" besides the total open) only when it '
        "deducts open credits.",
    )
    amount_credit = fields.Monetary(
        string="Open credits",
        readonly=True,
        help="The customer's open credits in the notice's currency, deducted.",
    )
    amount_net = fields.Monetary(
        string="Net amount due",
        readonly=True,
        help="The amount due less the open credits, in the notice's currency: "
        'what the email asked when it deducted open credits (its "Net amount '
        'due"); without open credits the email asks the total open.',
    )
    amount_credit_other = fields.Monetary(
        string="Open credits in other currencies",
        currency_field="company_currency_id",
        readonly=True,
        help="The customer's open credits in other currencies, listed apart, "
        "in company currency.",
    )
    amount_balance = fields.Monetary(
        string="Net amount due, all currencies",
        currency_field="company_currency_id",
        readonly=True,
        help="What the customer owed on its invoices due (by the notice's date "
        "or the latest due date it lists) in all currencies, less all its open "
        "credits, in company currency: the email's \"Net amount due on your "
        'account, all currencies together", shown when it lists open credits '
        "in other currencies. Invoices not yet due are not in it (the "
        "statement's net balance counts them).",
    )
    sent_manually = fields.Boolean(
        string="Sent by a collector",
        default=False,
        readonly=True,
        copy=False,
        help="Sent now by a collector from the customer (Send reminder), not "
        "by the scheduled action: the collector chose when, so the check "
        "before sending does not withdraw it for its timing (only for an "
        "invoice paid, disputed, paused or changed meanwhile, or a note "
        "before the due date once it has passed).",
    )
    lang = fields.Char(
        string="Language",
        readonly=True,
        help="The language the notice's email was written in.",
    )
    mail_id = fields.Many2one(
        "mail.mail",
        string="Email",
        index="btree_not_null",
        readonly=True,
        ondelete="set null",
    )
    unsent_reason = fields.Char(
        string="Not emailed because",
        readonly=True,
        copy=False,
        help="Why the reminder's email was not queued at all (e.g. the "
        "recipient has no email address); the collector got a call instead.",
    )
    failure_reason = fields.Text(
        compute="_compute_failure_reason",
        compute_sudo=True,
        help="Why the reminder's email failed or was not sent.",
    )
    activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up activity",
        readonly=True,
        ondelete="set null",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("withdrawn", "Withdrawn"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        compute="_compute_state",
        store=True,
        readonly=False,
        compute_sudo=True,
        index=True,
        tracking=True,
        copy=False,
        help="Queued: the email waits in the mail queue, checked just before "
        "it leaves. Withdrawn: it was no longer true when it was to leave "
        "(invoice paid, disputed or paused meanwhile); what is still due is "
        "reminded at the next run.",
    )
    reply_intent = fields.Selection(
        REPLY_INTENTS,
        readonly=True,
        copy=False,
        help="What the customer's last reply to this reminder is about.",
    )
    move_count = fields.Integer(compute="_compute_move_count")

    @api.depends("mail_id.state")
    def _compute_state(self):
        for notice in self:
            if notice.state in ("withdrawn", "cancelled") or not notice.mail_id:
                notice.state = notice.state or "draft"
                continue
            notice.state = MAIL_TO_NOTICE_STATE.get(notice.mail_id.state, notice.state)

    @api.depends("mail_id.failure_reason", "unsent_reason")
    def _compute_failure_reason(self):
        for notice in self:
            notice.failure_reason = notice.mail_id.failure_reason or (
                notice.unsent_reason
                and self.env._("Not emailed: %s", notice.unsent_reason)
            )

    @api.depends("move_ids")
    def _compute_move_count(self):
        for notice in self:
            notice.move_count = len(notice.move_ids)

    def _compute_access_url(self):
        for notice in self:
            notice.access_url = f"/my/reminders/{notice.id}"

    @api.model_create_multi
    def create(self, vals_list):
        """Number the new notices from their sequence, in one query for the
        whole batch."""
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        for vals, name in zip(unnamed, self._get_next_names(len(unnamed)), strict=True):
            vals["name"] = name
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_invoices(self):
        self.ensure_one()
        return self.move_ids._invoice_dispute_list_action()

    def action_retry(self):
        """Queue the failed emails of these notices again (SPEC §10, truthful
        reminders: never a lower level after a higher one went out).

        :raise UserError: a notice not failed, never emailed, or overtaken by
            a later level queued or sent on one of its invoices
        """
        check_transition(self, "retry", self.env._("sent again"))
        failed = self
        unsent = failed.filtered(lambda n: not n.mail_id)
        if unsent:
            raise UserError(
                self.env._(
                    "Reminders %(notices)s were never emailed (%(reason)s): "
                    "call the customer, or complete its email address and "
                    "send the next reminder from the customer.",
                    notices=", ".join(unsent.mapped("name")),
                    reason=", ".join(set(unsent.mapped("unsent_reason"))),
                )
            )
        # one search for all: the notices queued or sent since on their invoices
        sent = self.search(
            [
                ("id", "not in", failed.ids),
                ("move_ids", "in", failed.move_ids.ids),
                ("state", "in", SENT_NOTICE_STATES),
            ]
        )
        for notice in failed:
            later = sent.filtered(
                lambda n, notice=notice: (
                    n.level > notice.level and n.move_ids & notice.move_ids
                )
            )[:1]
            if later:
                raise UserError(
                    self.env._(
                        "Reminder %(notice)s (level %(level)s) cannot be sent "
                        "again: a later reminder, %(later)s (level %(later_level)s), "
                        "went out on the same invoices since. Send the next "
                        "reminder from the customer instead.",
                        notice=notice.name,
                        level=notice.level,
                        later=later.name,
                        later_level=later.level,
                    )
                )
        # sudo: emails are technical records only administrators can write
        failed.sudo().mail_id.mark_outgoing()
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return True

    def action_cancel(self):
        """Cancel queued notices: the email does not leave; as for a
        withdrawn reminder, what is still due is reminded at the next run."""
        check_transition(self, "cancelled", self.env._("cancelled"))
        self._withdraw(
            {
                notice: notice.with_context(lang=notice._get_internal_lang()).env._(
                    "cancelled by %s.", self.env.user.name
                )
                for notice in self
            },
            state="cancelled",
            internal_lang=True,
        )
        return True

    # ------------------------------------------------------------------
    # Numbering
    # ------------------------------------------------------------------
    @api.model
    def _get_next_names(self, count):
        """``count`` references from the notices' sequence (REM/YYYY/NNNNN),
        drawn in one query for a batch (the sequence's standard PostgreSQL
        sequence); a gapless sequence or one with date ranges is drawn one
        number at a time.

        :return: list of str
        """
        if not count:
            return []
        # sudo: sequences are technical records; numbering is part of creating
        sequence = self.env.ref("invoice_dispute.seq_invoice_reminder_notice").sudo()
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence.next_by_id() for __ in range(count)]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(number) for (number,) in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # Rendering helpers (the reminder templates)
    # ------------------------------------------------------------------
    def _get_open_credit_lines(self, other_currencies=False):
        """The receivable lines of the notice's open credits still open, in
        the notice's currency (or, with ``other_currencies``, in the others):
        what the reminder lists and deducts.

        :return: account.move.line records, oldest first; each open for
            ``-amount_residual_currency`` in its ``currency_id``
        """
        self.ensure_one()
        lines = self.credit_move_ids.line_ids.filtered_domain(
            [
                *self.env["res.partner"]._get_open_credit_domain(),
                ("partner_id.commercial_partner_id", "=", self.partner_id.id),
            ]
        )
        lines = lines.filtered(
            lambda line: (line.currency_id != self.currency_id) == other_currencies
        )
        return lines.sorted(lambda line: (line.date, line.id))

    def _get_other_invoices_due(self):
        """What the customer owes on invoices due by then that the notice
        does not list, in the notice's currency."""
        self.ensure_one()
        return self.currency_id.round(self.amount_due - self.amount_open)

    def _get_reminder_agreement_date(self):
        """The agreement the notice's email refers to ("following our
        agreement of ..."): the latest one on its invoices made since their
        last reminder (``account.move._get_reminder_agreement_date``).

        :return: date or False
        """
        self.ensure_one()
        return self.move_ids._get_reminder_agreement_date()

    def _has_sent_earlier_reminder(self):
        """Whether the customer received an earlier reminder about the
        notice's invoices: a notice of a lower level (1 or more) on one of
        them whose email was delivered (state ``sent``). A failed, withdrawn
        or cancelled one never counts: the reminder templates say "despite
        our earlier reminder" only then. (The invoices' ``reminder_level``
        counts every level claimed, a failed email's too: the scheduled
        action does not send a level twice, and the collector retries a
        failed email or calls instead.) Works on a notice not written yet
        (the send-now preview); no query for invoices never reminded.

        :return: bool
        """
        self.ensure_one()
        moves = self.move_ids._origin
        if not moves.filtered("reminder_level"):
            return False
        # sudo: a yes/no about the notices of the same invoices, whoever
        # renders the email
        return bool(
            self.sudo().search_count(
                [
                    ("move_ids", "in", moves.ids),
                    ("state", "=", "sent"),
                    ("level", ">", 0),
                    ("level", "<", self.level),
                    ("id", "!=", self._origin.id or 0),
                ],
                limit=1,
            )
        )

    def _get_internal_lang(self):
        """The language of what the notice tells the company's users (the
        reason it was withdrawn, in its chatter and its email's failure
        reason): its customer's collector's (``_get_reply_user``), else the
        company's, else English; never that of whoever runs the mail queue.

        :return: str, a language code
        """
        self.ensure_one()
        return self._get_reply_user()._get_invoice_dispute_lang(self.company_id)

    def _get_reminder_lang(self):
        """The language of the notice's email: its recipient's, else the
        customer's (``res.partner._get_reminder_lang``).

        :return: str (a language code) or False
        """
        self.ensure_one()
        return self.partner_id._get_reminder_lang(self.recipient_id)

    # ------------------------------------------------------------------
    # Check before sending: withdrawal
    # ------------------------------------------------------------------
    @api.model
    def _withdraw_untrue_reminders(self, mails):
        """Check the reminder emails among ``mails`` just before they leave and
        withdraw the notices no longer true (``invoice.reminder.log
        ._get_untrue_reason``: invoice paid, disputed or paused, amounts or
        credits changed, due date passed for a note before it, other
        recipient or language).

        :param mails: mail.mail records about to be sent
        :return: the mail.mail records withdrawn
        """
        # sudo: the mail queue runs for everyone; notices, logs and emails
        # are the engine's technical records
        notices = self.sudo().search(
            [
                ("mail_id", "in", mails.ids),
                ("state", "in", self._TRANSITIONS["withdrawn"]),
            ]
        )
        notices = notices.filtered(lambda n: n.mail_id.state == "outgoing")
        if not notices:
            return mails.browse()
        today = fields.Date.context_today(self)
        reasons = {}
        for notice in notices:
            # written for the collector, not in the language of whoever runs
            # the mail queue
            logs = notice.log_ids.with_context(lang=notice._get_internal_lang())
            reason = logs._get_untrue_reason(notice, today)
            if reason:
                reasons[notice] = reason
        if not reasons:
            return mails.browse()
        return self._withdraw(reasons, internal_lang=True)

    @api.model
    def _withdraw(self, reasons, state="withdrawn", internal_lang=False):
        """Withdraw queued notices: each email is cancelled, the notice marked
        ``state`` with the reason in its chatter, its claims (logs) deleted
        with the activities that serve no other claim, and the invoices'
        reminder level set back, so that what is still due is reminded, with
        the figures of that day, at the next run. A note in the chatter of
        the invoices (or plan) says why. The one way a reminder is withdrawn:
        before it leaves (``_withdraw_untrue_reminders``), when its invoice
        changes (``account.move``) or when a collector cancels it.

        :param reasons: dict invoice.reminder.notice -> why (a translated
            sentence)
        :param state: ``withdrawn`` or ``cancelled``
        :param internal_lang: write the notes in each notice's
            ``_get_internal_lang`` (the mail queue's check, whose reasons are
            in it too) rather than the current user's
        :return: the mail.mail records withdrawn
        :raise UserError: a notice in a state ``_TRANSITIONS`` does not
            withdraw (or cancel) from (nothing is written)
        """
        # sudo: the emails, logs and activities of a notice are the engine's
        # technical records; withdrawing is part of the check before sending
        notices = self.sudo().browse([notice.id for notice in reasons])
        check_transition(notices, state)
        mails = notices.mail_id
        _logger.info("Reminder notices %s withdrawn before sending.", notices.ids)
        bodies_by_model = {}
        for notice in notices:
            reason = reasons[notice]
            env = (
                notice.with_context(lang=notice._get_internal_lang()).env
                if internal_lang
                else self.env
            )
            note = Markup("%s") % env._(
                "A reminder was withdrawn before it was sent: %(reason)s It "
                "is sent again, with the figures of that day, at the next "
                "run if something is still due.",
                reason=reason,
            )
            for record in notice.log_ids.move_id or notice.plan_line_id.plan_id:
                bodies_by_model.setdefault(record._name, {})[record.id] = note
            notice.mail_id.write({"state": "cancel", "failure_reason": reason})
            notice.state = state
            notice.message_post(body=note, subtype_xmlid="mail.mt_note")
        notices.log_ids._withdraw()
        for model, bodies in bodies_by_model.items():
            # sudo: a note on the invoices, whoever triggered the withdrawal
            self.env[model].browse(list(bodies)).sudo()._message_log_batch(
                bodies=bodies
            )
        return mails

    # ------------------------------------------------------------------
    # Replies (mail gateway)
    # ------------------------------------------------------------------
    def message_update(self, msg_dict, update_vals=None):
        """A customer's reply to a notice's email (routed here by Odoo's mail
        gateway through its reply-to and references) lands in the notice's
        chatter; its intent is guessed and handled (``_process_reply``)."""
        res = super().message_update(msg_dict, update_vals=update_vals)
        self._process_reply(msg_dict)
        return res

    def _process_reply(self, msg_dict):
        """Guess the intent of the customer's reply ``msg_dict`` (a
        ``message_parse`` dict; the automatic-reply headers of the email come
        in the context key ``invoice_dispute_reply_headers``, see
        ``mail.thread._message_route_process``) with
        ``invoice.intent.phrase.classify_reply``, store it in
        ``reply_intent`` and act on it (SPEC §11, Replies):

        - automatic reply: nothing more, no activity;
        - dispute: a new dispute (channel email, or ``msg_dict["channel"]``;
          the reply's own words as the
          customer's statement, the reason guessed) on the notice's invoices
          still open and not disputed, for the customer's collector;
        - promise: the promised date found is proposed in the activity;
        - every intent but the automatic reply gives the collector an
          activity saying what the reply is about.

        :param dict msg_dict: the parsed email (or the message written in
            the page's portal chatter), with the optional key ``channel``:
            how the customer wrote (a dispute's channel; default email)
        :return: dict notice -> the classifier's result
        """
        headers = self.env.context.get("invoice_dispute_reply_headers") or {}
        message = dict(
            msg_dict, headers={name: str(value) for name, value in headers.items()}
        )
        Phrase = self.env["invoice.intent.phrase"]
        results = {}
        for notice in self:
            result = Phrase.classify_reply(msg_dict.get("body") or "", message=message)
            results[notice] = result
            if result["intent"] == "auto_reply":
                # an out-of-office after the customer's own answer does not
                # hide that answer: the intent tells what the customer said
                if not notice.reply_intent:
                    notice.reply_intent = "auto_reply"
                continue
            notice.reply_intent = result["intent"]
            dispute = self.env["invoice.dispute"]
            if result["intent"] == "dispute":
                dispute = notice._create_reply_dispute(result, msg_dict)
            notice._schedule_reply_activity(msg_dict, result, dispute)
        return results

    def _get_reply_user(self, moves=None):
        """Who handles the customer's answer to this notice (a reply by
        email, a promise, plan request or payment report on its portal page,
        and the record it creates): the person who handles the customer's new
        records (``res.partner._get_responsible_user``: the customer's
        collector, else the invoices' salesperson if a collector, else the
        company's dispute manager; never a system user, nor the visitor).

        :param moves: account.move, the invoices of this notice the answer is
            about (None: all of them)
        :return: res.users record, possibly empty
        """
        self.ensure_one()
        return self.partner_id._get_responsible_user(
            self.company_id, self.move_ids if moves is None else moves
        )

    def _create_reply_dispute(self, result, msg_dict):
        """A new dispute from a reply recognised as one: on the notice's
        invoices that can be disputed (``account.move
        ._invoice_dispute_filter_disputable``: open, without an open
        dispute) -- only those
        the reply's own words (``result["text"]``) name by their number when
        it names any (``account.move._filter_named_in_text``) -- through
        ``invoice.dispute.create_from_invoices``, channel email, the
        reply's own words (``result["text"]``) as the customer's statement,
        the reason guessed (``result["reason_id"]``), the reply's author as
        contact when they belong to the customer, the collector responsible.
        Nothing is created when no invoice is left to dispute or the dispute
        is refused (the refusal is logged; the collector's activity says no
        dispute was created).

        :return: invoice.dispute record, possibly empty
        """
        self.ensure_one()
        Dispute = self.env["invoice.dispute"]
        moves = self.move_ids._invoice_dispute_filter_disputable()
        # the invoices the reply names, if it names any: only those
        named = moves._filter_named_in_text(result["text"])
        if named:
            moves = named
        reason = result["reason_id"]
        if not moves or not reason:
            return Dispute
        values = {"user_id": self._get_reply_user().id}
        author = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        if author.commercial_partner_id == self.partner_id:
            values["contact_id"] = author.id
        try:
            # sudo: the mail gateway creates the dispute a customer's email
            # raised, as the portal does for a portal user
            with self.env.cr.savepoint():
                return (
                    Dispute.sudo()
                    .with_company(self.company_id)
                    .with_context(mail_create_nosubscribe=True)
                    .create_from_invoices(
                        moves,
                        reason,
                        msg_dict.get("channel") or "email",
                        statement=result["text"],
                        **values,
                    )
                )
        except (UserError, ValidationError) as error:
            _logger.info("No dispute created from a reply to %s: %s", self.name, error)
            return Dispute

    def _schedule_reply_activity(self, msg_dict, result, dispute):
        """Plan a to-do for the collector (``_get_reply_user``) about the
        reply ``msg_dict``, in the collector's language: its summary tells the
        intent guessed (``result`` of ``classify_reply``), its note the
        reply's subject, the customer's words that explain the guess
        (``result["words"]``) and the list's phrases they match, the promised
        date found (promise) or the dispute created (dispute)."""
        self.ensure_one()
        user = self._get_reply_user() or self.env.user
        notice = user._with_invoice_dispute_lang(self, self.company_id)
        env = notice.env
        customer = self.partner_id.display_name
        intent = result["intent"]
        if intent:
            label = selection_label(notice, "reply_intent", intent)
            summary = env._(
                "%(intent)s: answer %(customer)s's reply to reminder %(notice)s",
                intent=label,
                customer=customer,
                notice=self.name,
            )
        else:
            summary = env._(
                "Answer %(customer)s's reply to reminder %(notice)s",
                customer=customer,
                notice=self.name,
            )
        lines = [msg_dict.get("subject") or ""]
        if result.get("words"):
            # the customer's own words first, the list's phrases after them
            lines.append(
                env._(
                    "Recognised from the customer's words: %(words)s",
                    words=", ".join(f"“{words}”" for words in result["words"]),
                )
            )
        if result["phrases"]:
            lines.append(
                env._(
                    "Closest phrases of the list: %(phrases)s",
                    phrases=", ".join(f"“{phrase}”" for phrase in result["phrases"]),
                )
            )
        if intent == "promise":
            lines.append(
                env._(
                    "Promised payment date found: %(date)s. Record the promise "
                    "if it is right.",
                    date=format_date(env, result["promise_date"]),
                )
                if result["promise_date"]
                else env._("No promised payment date found: ask the customer.")
            )
        elif intent == "dispute":
            lines.append(
                env._(
                    "Dispute %(dispute)s was created as new from the reply: "
                    "check it and start the investigation.",
                    dispute=dispute.name,
                )
                if dispute
                else env._(
                    "No dispute was created: the reminder's invoices are paid "
                    "or already disputed."
                )
            )
        # a question typed on the page without login runs as the public
        # user, whose partner has no email address: the collector's
        # notification of the activity would fail to leave, so the system
        # (OdooBot) assigns it, as for the page's forms
        scheduler = self
        if self.env.user.share:
            scheduler = self.with_user(self.env.ref("base.user_root"))
        scheduler.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=summary,
            note=Markup("<br/>").join(line for line in lines if line),
        )
