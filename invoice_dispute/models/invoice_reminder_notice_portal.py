import uuid
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount, format_date

from odoo.addons.payment.controllers.portal import PaymentPortal

from .constants import (
    INTERVALS,
    PLAN_RUNNING_STATES,
    PORTAL_PLAN_STATES,
    PORTAL_PROMISE_STATES,
)


class InvoiceReminderNotice(models.Model):
    """The customer self-service of a reminder (SPEC §11, Portal): what its
    page at ``/my/reminders/<id>`` shows, and the answers a customer gives
    there -- a promise to pay, a payment plan request, a payment already
    made. The portal controller only collects the input; every rule is here
    or in the records created (``invoice.payment.promise``,
    ``invoice.payment.plan``, ``invoice.payment.claim``).

    The methods are called on the notice the visitor may access (its access
    token or a portal user of its customer), as superuser: the caller checks
    the access, the methods check that the invoices are the notice's own."""

    _inherit = "invoice.reminder.notice"

    @api.model_create_multi
    def create(self, vals_list):
        # The link every reminder email carries (``_get_share_url``): the
        # token is written with the notice, not once per email rendered.
        for vals in vals_list:
            vals.setdefault("access_token", str(uuid.uuid4()))
        return super().create(vals_list)

    def action_preview_portal(self):
        """Open the notice's page as the customer sees it (its share URL)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": self._get_share_url(),
        }

    # ------------------------------------------------------------------
    # What the page shows
    # ------------------------------------------------------------------
    def _portal_get_situation(self):
        """The customer's situation today on this notice's invoices, in the
        notice's currency: the invoices with what is open on them now, the
        customer's open credits now, and the net balance.

        :return: dict with ``invoices`` (account.move, by due date),
            ``credit_lines`` (account.move.line, each open for
            ``-amount_residual_currency``), ``amount_open``,
            ``amount_credit``, ``amount_net`` (floats, notice's currency)
        """
        self.ensure_one()
        currency = self.currency_id
        invoices = self.move_ids.sorted(lambda m: (m.invoice_date_due, m.id))
        credit_lines = self.partner_id._get_open_credit_lines(self.company_id, currency)
        amount_open = currency.round(
            sum(
                invoices.filtered(lambda m: m.state == "posted").mapped(
                    "amount_residual"
                )
            )
        )
        amount_credit = currency.round(credit_lines._get_open_credit_total())
        return {
            "invoices": invoices,
            "credit_lines": credit_lines,
            "amount_open": amount_open,
            "amount_credit": amount_credit,
            "amount_net": currency.round(amount_open - amount_credit),
        }

    def _portal_get_arrangements(self):
        """What the customer arranged on this notice's invoices: promises to
        pay, payment plans and reported payments, newest first.

        :return: dict with ``promises``, ``plans``, ``claims`` recordsets
        """
        self.ensure_one()
        moves = self.move_ids
        return {
            "promises": moves.payment_promise_ids.filtered(
                lambda p: p.state in PORTAL_PROMISE_STATES
            ).sorted("id", reverse=True),
            "plans": moves.payment_plan_ids.filtered(
                lambda p: p.state in PORTAL_PLAN_STATES
            ).sorted("id", reverse=True),
            "claims": moves.payment_claim_ids.sorted("id", reverse=True),
        }

    def _portal_get_next_installment(self):
        """The installment an installment reminder asks for, or the next
        one still to pay of its payment plan once it is paid: what the
        page shows (its amount still due and its date).

        :return: invoice.payment.plan.line, empty on the other reminders or
            when nothing is left to pay on the plan
        """
        self.ensure_one()
        line = self.plan_line_id
        if not line or line.state != "paid":
            return line
        return line.plan_id.line_ids.filtered(lambda x: x.state != "paid").sorted(
            lambda x: (x.date_due, x.sequence, x.id)
        )[:1]

    def _portal_can_act(self, move):
        """Whether the customer can still promise, ask a plan or report a
        payment for ``move`` (an invoice of this notice) from its page: an
        invoice of the notice still open (``account.move.is_open_invoice``)."""
        self.ensure_one()
        return move in self.move_ids and move.is_open_invoice

    def _portal_can_pay_online(self, move):
        """Whether invoice ``move`` of this notice can really be paid online
        through Odoo's payment flow (account_payment), so that the page
        offers *Pay now*: the customer can still act on it
        (``_portal_can_act``), the invoice's portal page offers its payment
        (``account.move._has_to_be_paid``), its customer may pay in its
        company, and at least one payment provider with a payment method is
        available for the invoice's company, currency and customer, chosen
        as the invoice's portal page chooses them for a customer
        (``payment.provider._get_compatible_providers`` and
        ``payment.method._get_compatible_payment_methods``: published
        providers only).

        :param move: account.move, an invoice of this notice
        :return: bool
        """
        self.ensure_one()
        if not self._portal_can_act(move) or not move._has_to_be_paid():
            return False
        partner = move.partner_id
        company = move.company_id
        if not PaymentPortal._can_partner_pay_in_company(partner, company):
            return False
        # The page's records are the superuser's (portal access check): the
        # providers are chosen as for a visitor who is not an employee (the
        # public user), in sudo as the invoice's page reads them.
        visitor = self.env.ref("base.public_user")
        providers = (
            self.env["payment.provider"]
            .with_user(visitor)
            .sudo()
            ._get_compatible_providers(
                company.id,
                partner.id,
                move.amount_total,
                currency_id=move.currency_id.id,
            )
        )
        if not providers:
            return False
        methods = (
            self.env["payment.method"]
            .sudo()
            ._get_compatible_payment_methods(
                providers.ids, partner.id, currency_id=move.currency_id.id
            )
        )
        return bool(methods)

    def _portal_get_bank_transfer(self, move):
        """How to pay invoice ``move`` of this notice by bank transfer, what
        the page shows when it cannot be paid online: the reference to give
        and the company's bank account the invoice names (else the
        company's first one).

        :param move: account.move, an invoice of this notice
        :return: dict with ``reference`` (str) and ``bank_account``
            (res.partner.bank, may be empty)
        """
        self.ensure_one()
        return {
            "reference": move.payment_reference or move.name,
            "bank_account": move.partner_bank_id
            or move.company_id.partner_id.bank_ids[:1],
        }

    # ------------------------------------------------------------------
    # The customer's answers
    # ------------------------------------------------------------------
    def _portal_promise(self, move, amount, date_promised, author):
        """Record the customer's promise to pay ``amount`` on invoice
        ``move`` by ``date_promised`` (source portal): reminders pause on the
        invoice until then (plus the grace days); the daily check finds it
        kept or broken.

        :param move: account.move, one invoice of this notice
        :param float amount: in the invoice's currency; > 0, at most what is
            open on it (``invoice.payment.promise`` constraints)
        :param date date_promised: today to the company's
            ``promise_max_days`` ahead
        :param author: res.partner who promised (the portal user's or the
            notice's recipient)
        :return: the invoice.payment.promise created
        :raise ValidationError: on an invoice not of this notice or not open,
            a pending promise on it already, or a value out of its limits
        """
        self._portal_lock_and_check(move, "promise")
        responsible = self._get_reply_user(move)
        promise = (
            self.env["invoice.payment.promise"]
            .with_company(self.company_id)
            .create(
                {
                    "company_id": self.company_id.id,
                    "partner_id": self.partner_id.id,
                    "move_ids": [Command.set(move.ids)],
                    "amount": amount,
                    "date_promised": date_promised,
                    "source": "portal",
                    "user_id": responsible.id,
                }
            )
        )
        # for the collector: in their language
        env = self._portal_collector_env(responsible)
        body = env._(
            "%(author)s promised on the customer portal to pay %(amount)s on "
            "%(invoice)s by %(date)s.",
            author=author.display_name,
            amount=format_amount(env, amount, move.currency_id),
            invoice=move.name,
            date=format_date(env, date_promised),
        )
        self._portal_log(body, author, promise)
        return promise

    def _portal_request_plan(
        self, move, installment_count, date_first, author, interval="monthly"
    ):
        """The customer asks to pay what is open on invoice ``move`` in
        ``installment_count`` installments from ``date_first``. The plan
        starts at once (reminders follow the installments, the schedule is
        emailed) when what is open is at most the company's
        ``plan_auto_approve_amount`` (``invoice.payment.plan
        ._activate_or_propose``); otherwise it is proposed and the collector
        gets an activity to approve it.

        :param move: account.move, one invoice of this notice
        :param int installment_count: 2 to the company's
            ``plan_max_installments``
        :param date date_first: first installment, today to the company's
            ``promise_max_days`` ahead
        :param author: res.partner who asked
        :param str interval: weekly, biweekly or monthly
        :return: the invoice.payment.plan created (active or proposed)
        :raise ValidationError: on an invoice not of this notice or not open,
            a plan running on it already, or a value out of its limits
        """
        self._portal_lock_and_check(move, "plan")
        company = self.company_id
        if interval not in dict(INTERVALS):
            raise ValidationError(self.env._("Choose how often you want to pay."))
        if not 2 <= installment_count <= company.plan_max_installments:
            raise ValidationError(
                self.env._(
                    "Choose between 2 and %(max)s installments (you asked %(count)s).",
                    max=company.plan_max_installments,
                    count=installment_count,
                )
            )
        self._portal_check_date_ahead(date_first, self.env._("The first installment"))
        responsible = self._get_reply_user(move)
        plan = (
            self.env["invoice.payment.plan"]
            .with_company(company)
            .create(
                {
                    "company_id": company.id,
                    "partner_id": self.partner_id.id,
                    "move_ids": [Command.set(move.ids)],
                    "installment_count": installment_count,
                    "interval": interval,
                    "date_first": date_first,
                    "user_id": responsible.id,
                }
            )
        )
        plan.action_generate_schedule()
        started = plan._activate_or_propose()
        limit = plan._get_auto_approve_limit()
        # for the collector: in their language
        env = self._portal_collector_env(responsible)
        values = {
            "author": author.display_name,
            "amount": format_amount(env, plan.amount_total, plan.currency_id),
            "invoice": move.name,
            "count": installment_count,
            "plan": plan.name,
            "limit": format_amount(env, limit, plan.currency_id),
        }
        if started:
            body = env._(
                "%(author)s asked on the customer portal to pay %(amount)s on "
                "%(invoice)s in %(count)s installments: payment plan %(plan)s "
                "started at once (at most %(limit)s).",
                **values,
            )
        else:
            body = env._(
                "%(author)s asked on the customer portal to pay %(amount)s on "
                "%(invoice)s in %(count)s installments: payment plan %(plan)s "
                "waits for the collector's approval (above %(limit)s).",
                **values,
            )
            # without a collector nor a dispute manager, the proposed plan
            # waits in the plans' list
            if responsible:
                plan.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=responsible.id,
                    summary=env._("Approve the payment plan asked on the portal"),
                    note=Markup("<p>%s</p>") % body,
                )
        self._portal_log(body, author, plan)
        return plan

    def _portal_report_paid(self, moves, amount, date_paid, reference, author):
        """The customer says invoices ``moves`` are already paid: record it
        (``invoice.payment.claim``); reminders pause on them for the
        company's ``paid_claim_block_days`` and the collector gets an
        activity to find the payment.

        :param moves: account.move, invoices of this notice (one currency)
        :param float amount: amount paid, in their currency; > 0, at most
            what is open on them
        :param date date_paid: not in the future
        :param str reference: the payment's reference (plain text)
        :param author: res.partner who reported it
        :return: the invoice.payment.claim created
        :raise ValidationError: on invoices not of this notice or not open,
            or a value out of its limits
        """
        self._portal_lock_and_check(moves, "paid")
        responsible = self._get_reply_user(moves)
        claim = (
            self.env["invoice.payment.claim"]
            .with_company(self.company_id)
            .create(
                {
                    "company_id": self.company_id.id,
                    "partner_id": self.partner_id.id,
                    "contact_id": author.id,
                    "notice_id": self.id,
                    "move_ids": [Command.set(moves.ids)],
                    "amount": amount,
                    "date_paid": date_paid,
                    "reference": (reference or "").strip() or False,
                    "user_id": responsible.id,
                }
            )
        )
        # for the collector: in their language; the reference is the
        # customer's text, escaped with the rest of the body
        env = self._portal_collector_env(responsible)
        values = {
            "author": author.display_name,
            "invoices": ", ".join(moves.mapped("name")),
            "amount": format_amount(env, amount, claim.currency_id),
            "date": format_date(env, date_paid),
            "reference": claim.reference or "-",
            "until": format_date(env, claim.date_until),
        }
        if len(moves) == 1:
            body = env._(
                "%(author)s reported on the customer portal that %(invoices)s was "
                "paid: %(amount)s on %(date)s, reference %(reference)s. Reminders "
                "pause on it until %(until)s.",
                **values,
            )
        else:
            body = env._(
                "%(author)s reported on the customer portal that %(invoices)s were "
                "paid: %(amount)s on %(date)s, reference %(reference)s. Reminders "
                "pause on them until %(until)s.",
                **values,
            )
        if responsible:
            claim.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=responsible.id,
                date_deadline=fields.Date.context_today(self),
                summary=env._("Find the payment the customer reported"),
                note=Markup("<p>%s</p>") % body,
            )
        self._portal_log(body, author, claim)
        return claim

    def _portal_dispute(self, move, reason, statement, amount, author, files=()):
        """The customer disputes invoice ``move`` from the reminder's page
        (also without login, with the notice's access token): the dispute is
        created as on the invoice's portal page
        (``invoice.dispute._portal_create_dispute``: same rules, responsible,
        acknowledgement) and traced on the notice.

        :param move: account.move, one invoice of this notice
        :param reason: invoice.dispute.reason chosen
        :param str statement: the customer's words (plain text, stored
            escaped)
        :param float amount: disputed, invoice's currency, more than zero and
            at most what is open
        :param author: res.partner of the notice's customer who disputes
        :param files: (file name, bytes) pairs kept as evidence, as on the
            invoice's page
        :return: the invoice.dispute created
        :raise ValidationError: on an invoice not of this notice or not open,
            an open dispute on it already, or a refused value
        """
        self._portal_lock_and_check(move, "dispute")
        dispute = self.env["invoice.dispute"]._portal_create_dispute(
            move, reason, statement, amount, author, files=files
        )
        env = self._portal_collector_env(dispute.user_id)
        self.message_post(
            body=Markup("<p>%s</p>")
            % env._(
                "%(author)s disputed %(invoice)s on the customer portal: %(dispute)s.",
                author=author.display_name,
                invoice=move.name,
                dispute=dispute.name,
            ),
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return dispute

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _portal_lock_and_check(self, moves, form):
        """Check the answer ``form`` (promise, plan, paid, dispute) on
        invoices ``moves`` as ``_portal_check_form`` does, after locking the
        invoices until the end of the transaction: the same answer sent twice
        at once (a double click, two tabs) is recorded once. The lock is an
        update of the invoices' rows, so that the second request, waiting for
        it, fails with a serialization error once the first commits, and Odoo
        runs it again: it then sees the first answer and is refused with the
        form's message (*You already promised...*), not an HTTP error.

        :raise ValidationError: as ``_portal_check_form``
        """
        self.ensure_one()
        if moves:
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move SET write_date = write_date WHERE id IN %s",
                    tuple(moves.ids),
                )
            )
        if form == "paid":
            # reported payments may cover several invoices: each is checked
            # by the claim's own rules when it is created
            self._portal_check_invoice(moves)
        else:
            self._portal_check_form(moves, form)

    def _portal_check_invoice(self, moves):
        """Refuse ``moves`` unless they are (at least one of) this notice's
        invoices and still open: the first check of the page's four forms.

        :raise ValidationError: saying which
        """
        self.ensure_one()
        if not moves or moves - self.move_ids:
            raise ValidationError(
                self.env._("Choose one of the invoices of this reminder.")
            )
        for move in moves:
            if not self._portal_can_act(move):
                raise ValidationError(
                    self.env._(
                        "Invoice %(invoice)s is no longer open: nothing is left to "
                        "pay on it.",
                        invoice=move.name,
                    )
                )

    def _portal_check_form(self, move, form):
        """Refuse the page's form ``form`` (promise, plan, paid, dispute) on
        invoice ``move`` when the invoice is not this notice's, not open, or
        already arranged in a way the answer would contradict: a pending
        promise or a running payment plan (proposed, active or broken) refuse
        a promise and a plan, an open report of payment (the customer says
        it is paid) and an open dispute refuse both too (they are settled
        first), open reports of payment covering what is open refuse another
        one. The open report of payment is the model's rule for every channel
        (``account.move._invoice_dispute_check_arrangeable``, applied by the
        promise and the plan themselves); the others are the self-service
        page's: in the back office a collector may replace a promise by a new
        one, prepare plans side by side, take a promise on a broken plan or
        settle a dispute with a plan (``invoice.payment.plan.dispute_id``).
        The dispute's own rules are ``invoice.dispute``'s.

        :raise ValidationError: saying what is already arranged
        """
        self._portal_check_invoice(move)
        if form in ("promise", "plan"):
            pending = move.payment_promise_ids.filtered(lambda p: p.state == "pending")
            if pending:
                raise ValidationError(
                    self.env._(
                        "You already promised to pay %(invoice)s by %(date)s.",
                        invoice=move.name,
                        date=format_date(self.env, pending[0].date_promised),
                    )
                )
            running = move.payment_plan_ids.filtered(
                lambda p: p.state in PLAN_RUNNING_STATES
            )
            if running:
                raise ValidationError(
                    self.env._(
                        "%(invoice)s is already in payment plan %(plan)s.",
                        invoice=move.name,
                        plan=running[0].name,
                    )
                )
            # the rule of every channel, as the promise and the plan apply it
            move._invoice_dispute_check_arrangeable()
            if move.dispute_state == "open":
                raise ValidationError(
                    self.env._(
                        "%(invoice)s is disputed: we come back to you about it "
                        "before we ask for its payment.",
                        invoice=move.name,
                    )
                )
        elif form == "paid":
            self.env["invoice.payment.claim"]._check_claimable(move)

    def _portal_get_actions(self, move):
        """The forms the reminder page offers on invoice ``move``: those
        ``_portal_check_form`` accepts (and, for *Dispute*, the dispute's own
        rules), so that no button leads to a refusal.

        :return: set of form names (promise, plan, paid, dispute)
        """
        self.ensure_one()
        actions = set()
        for form in ("promise", "plan", "paid", "dispute"):
            try:
                self._portal_check_form(move, form)
            except ValidationError:
                continue
            actions.add(form)
        if "dispute" in actions and not self.env["invoice.dispute"]._portal_can_dispute(
            move
        ):
            actions.discard("dispute")
        return actions

    def _portal_collector_env(self, user):
        """The environment to write for collector ``user`` in: their
        language (activities, notes), as the replies' activities are."""
        return user._with_invoice_dispute_lang(self, self.company_id).env

    def _get_portal_link(self, lang=None):
        """The absolute link of this notice's page the customer's emails
        carry (``portal.mixin._get_portal_link``), in the recipient's
        language (``_get_reminder_lang``) unless ``lang`` is given.

        :param str lang: a language code (``nl_NL``), or None
        :return: str, absolute URL
        """
        self.ensure_one()
        return super()._get_portal_link(lang=lang or self._get_reminder_lang())

    # ------------------------------------------------------------------
    # Questions from the page's chatter
    # ------------------------------------------------------------------
    def message_post(self, **kwargs):
        """A customer's message in the page's chatter (*Questions? Write to
        us here*) reaches the collector as an email reply does
        (``_process_reply``: its intent guessed, an activity for the
        customer's collector)."""
        message = super().message_post(**kwargs)
        if self._portal_is_customer_message(message):
            self._process_reply(
                {
                    "body": message.body or "",
                    "subject": message.subject or "",
                    "author_id": message.author_id.id,
                    # a dispute it raises was raised on the portal
                    "channel": "portal",
                }
            )
        return message

    def _portal_is_customer_message(self, message):
        """Whether ``message`` is a comment a contact of the notice's customer
        wrote in the portal chatter (not an internal note, not an email: the
        mail gateway handles those, not written by an internal user)."""
        author = message.author_id
        return bool(
            len(self) == 1
            and message.message_type == "comment"
            and not message.subtype_id.internal
            and author
            and author.commercial_partner_id == self.partner_id
            and not author.user_ids.filtered(lambda u: not u.share)
        )

    def _portal_check_date_ahead(self, date, what):
        """Refuse a ``date`` before today or more than the company's
        ``promise_max_days`` ahead.

        :param str what: the date's name in the message (translated)
        :raise ValidationError: naming the limits
        """
        today = fields.Date.context_today(self)
        limit = today + timedelta(days=self.company_id.promise_max_days)
        if not date or date < today or date > limit:
            raise ValidationError(
                self.env._(
                    "%(what)s must be between today (%(today)s) and %(limit)s "
                    "(%(days)s days ahead).",
                    what=what,
                    today=format_date(self.env, today),
                    limit=format_date(self.env, limit),
                    days=self.company_id.promise_max_days,
                )
            )

    def _portal_log(self, body, author, record):
        """Trace the customer's answer in the notice's and ``record``'s
        chatter, as an internal note in the customer's name."""
        for target in (self, record):
            target._invoice_dispute_log_customer_answer(body, author)
