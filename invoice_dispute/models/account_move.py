from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from .invoice_dispute import OPEN_STATES

EXCLUSION_REASONS = [
    ("dispute", "Open dispute"),
    ("plan", "Payment plan"),
    ("promise", "Promise to pay"),
    ("partner_block", "Customer blocked"),
]


def split_amount(currency, amount, weights):
    """Spread ``amount`` in proportion to ``weights``, rounded to
    ``currency``; the rounding remainder goes to the last share, so the
    shares sum to the amount exactly.

    :param list weights: list of (key, weight), weights summing to non-zero
    :return: list of (key, share)
    """
    total = sum(weight for __, weight in weights)
    shares, allocated = [], 0.0
    for index, (key, weight) in enumerate(weights):
        if index == len(weights) - 1:
            share = currency.round(amount - allocated)
        else:
            share = currency.round(amount * weight / total)
        allocated += share
        shares.append((key, share))
    return shares


class AccountMove(models.Model):
    _inherit = "account.move"

    dispute_line_ids = fields.One2many("invoice.dispute.line", "move_id")
    dispute_ids = fields.Many2many(
        "invoice.dispute",
        string="Disputes",
        compute="_compute_dispute_ids",
        search="_search_dispute_ids",
    )
    dispute_count = fields.Integer(compute="_compute_dispute_ids")
    payment_plan_ids = fields.Many2many(
        "invoice.payment.plan",
        "invoice_payment_plan_move_rel",
        "move_id",
        "plan_id",
        string="Payment plans",
        copy=False,
    )
    payment_promise_ids = fields.Many2many(
        "invoice.payment.promise",
        "invoice_payment_promise_move_rel",
        "move_id",
        "promise_id",
        string="Promises to pay",
        copy=False,
    )
    dispute_state = fields.Selection(
        [("none", "Not disputed"), ("open", "Disputed"), ("resolved", "Resolved")],
        compute="_compute_dispute_state",
        store=True,
        index=True,
        copy=False,
        tracking=True,
    )
    amount_disputed = fields.Monetary(
        compute="_compute_dispute_state",
        store=True,
        copy=False,
        currency_field="currency_id",
    )
    reminder_excluded = fields.Boolean(
        compute="_compute_reminder_exclusion",
        search="_search_reminder_excluded",
        help="Automated reminders are paused on this invoice.",
    )
    reminder_exclusion_reason = fields.Selection(
        EXCLUSION_REASONS,
        compute="_compute_reminder_exclusion",
        search="_search_reminder_exclusion_reason",
    )
    dispute_proposal_ids = fields.Many2many(
        "invoice.dispute.proposal",
        "invoice_dispute_proposal_move_rel",
        "move_id",
        "proposal_id",
        string="Proposals",
        copy=False,
    )
    dispute_proposal_count = fields.Integer(compute="_compute_collection_counts")
    payment_plan_count = fields.Integer(compute="_compute_collection_counts")
    payment_promise_count = fields.Integer(compute="_compute_collection_counts")
    reminder_level = fields.Integer(
        copy=False,
        readonly=True,
        help="Level of the last automated payment reminder sent for this invoice.",
    )
    reminder_last_date = fields.Date(string="Last reminder", copy=False, readonly=True)
    reminder_log_ids = fields.One2many(
        "invoice.reminder.log", "move_id", string="Reminders", readonly=True
    )
    back_billing_ids = fields.One2many(
        "invoice.back.billing", "move_id", string="Back-billed amounts", readonly=True
    )

    @api.depends("dispute_line_ids.dispute_id")
    def _compute_dispute_ids(self):
        for move in self:
            move.dispute_ids = move.dispute_line_ids.dispute_id
            move.dispute_count = len(move.dispute_ids)

    def _search_dispute_ids(self, operator, value):
        return [("dispute_line_ids.dispute_id", operator, value)]

    @api.depends("dispute_line_ids.state", "dispute_line_ids.disputed_amount_capped")
    def _compute_dispute_state(self):
        for move in self:
            open_lines = move.dispute_line_ids.filtered(
                lambda line: line.state in OPEN_STATES
            )
            if open_lines:
                move.dispute_state = "open"
            elif move.dispute_line_ids.filtered(
                lambda line: line.state in ("resolved", "rejected")
            ):
                move.dispute_state = "resolved"
            else:
                move.dispute_state = "none"
            # at most what is open on the invoice
            move.amount_disputed = sum(open_lines.mapped("disputed_amount_capped"))

    @api.depends(
        "dispute_state",
        "payment_plan_ids.state",
        "payment_promise_ids.state",
        "commercial_partner_id.reminder_block_until",
    )
    def _compute_reminder_exclusion(self):
        remaining = self
        self.reminder_exclusion_reason = False
        for reason, domain in self._get_reminder_exclusions():
            matched = remaining.filtered_domain(domain)
            matched.reminder_exclusion_reason = reason
            remaining -= matched
        for move in self:
            move.reminder_excluded = bool(move.reminder_exclusion_reason)

    def _search_reminder_excluded(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Operation not supported on 'Reminders paused'.")
            )
        domain = expression.OR([d for __, d in self._get_reminder_exclusions()])
        if (operator == "=") != bool(value):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    def _search_reminder_exclusion_reason(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(
                self.env._("Operation not supported on 'Reminder pause reason'.")
            )
        # Each reason matches exactly the invoices the compute gives it: its own
        # domain and none of the reasons before it.
        exclusions, before = {}, []
        for reason, domain in self._get_reminder_exclusions():
            negated = [["!", *expression.normalize_domain(d)] for d in before]
            exclusions[reason] = expression.AND([domain, *negated])
            before.append(domain)
        reasons = value if isinstance(value, (list, tuple)) else [value]
        domains = [exclusions[r] for r in reasons if r in exclusions]
        if False in reasons:
            domains.append(["!", *expression.normalize_domain(expression.OR(before))])
        domain = expression.OR(domains) if domains else expression.FALSE_DOMAIN
        if operator in ("!=", "not in"):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    @api.depends("dispute_proposal_ids", "payment_plan_ids", "payment_promise_ids")
    def _compute_collection_counts(self):
        for move in self:
            move.dispute_proposal_count = len(move.dispute_proposal_ids)
            move.payment_plan_count = len(move.payment_plan_ids)
            move.payment_promise_count = len(move.payment_promise_ids)

    def _post(self, soft=True):
        back_billings = self._add_pending_back_billing()
        posted = super()._post(soft=soft)
        if back_billings:
            back_billings._log_billed()
        return posted

    def write(self, vals):
        moved = self.env["account.move"]
        if vals.get("partner_id"):
            customer = (
                self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id
            )
            moved = self.filtered(
                lambda m: (
                    m.move_type == "out_invoice"
                    and m.commercial_partner_id
                    and m.commercial_partner_id != customer
                )
            )
            moved._invoice_dispute_check_new_customer(customer)
        res = super().write(vals)
        if moved:
            moved._invoice_dispute_withdraw_reminders(
                self.env._("the invoice was moved to another customer.")
            )
        return res

    def button_draft(self):
        """Reset to draft; refused for an invoice in an open dispute or an
        active payment plan. Its open proposals, draft or proposed plans,
        pending promises and queued reminders are cancelled or withdrawn."""
        change = self.env.context.get("invoice_dispute_change") or "draft"
        invoices = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        invoices._invoice_dispute_check_unpost(change)
        # the payments unreconciled from these invoices reopen nothing: the
        # invoices are followed below
        res = super(
            AccountMove, self.with_context(invoice_dispute_unposting=invoices.ids)
        ).button_draft()
        invoices._invoice_dispute_release(change)
        return res

    def button_cancel(self):
        """Cancel; the same rules as a reset to draft (see ``button_draft``)."""
        # posted invoices are reset to draft first, and followed there
        drafts = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "draft"
        )
        res = super(
            AccountMove, self.with_context(invoice_dispute_change="cancel")
        ).button_cancel()
        drafts._invoice_dispute_release("cancel")
        return res

    def action_raise_dispute(self):
        """Open a new dispute prefilled with the selected posted invoices."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        if not invoices or invoices.filtered(lambda m: m.state != "posted"):
            raise UserError(
                self.env._("Only posted customer invoices can be disputed.")
            )
        partner = invoices.commercial_partner_id
        if len(partner) > 1:
            raise UserError(
                self.env._("Select invoices of a single customer to raise one dispute.")
            )
        return {
            "name": self.env._("Raise dispute"),
            "type": "ir.actions.act_window",
            "res_model": "invoice.dispute",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_partner_id": partner.id,
                "default_contact_id": invoices[:1].partner_id.id,
                "default_company_id": invoices[:1].company_id.id,
                "default_line_ids": [
                    fields.Command.create(
                        {"move_id": inv.id, "disputed_amount": inv.amount_residual}
                    )
                    for inv in invoices
                ],
            },
        }

    def action_view_disputes(self):
        self.ensure_one()
        return self._invoice_dispute_related_action(
            "invoice_dispute.invoice_dispute_action", self.dispute_ids
        )

    def action_new_dispute_proposal(self):
        """Propose a discount, extension, adjustment, write-off or plan on
        overdue invoices, without a dispute."""
        return self._invoice_dispute_new_record_action(
            "invoice.dispute.proposal", self.env._("Propose a solution")
        )

    def action_new_payment_plan(self):
        return self._invoice_dispute_new_record_action(
            "invoice.payment.plan", self.env._("Payment plan")
        )

    def action_new_payment_promise(self):
        return self._invoice_dispute_new_record_action(
            "invoice.payment.promise",
            self.env._("Promise to pay"),
            {
                "default_amount": sum(self.mapped("amount_residual")),
                "default_source": "other",
            },
        )

    def action_view_dispute_proposals(self):
        return self._invoice_dispute_related_action(
            "invoice_dispute.invoice_dispute_proposal_action",
            self.dispute_proposal_ids,
        )

    def action_view_payment_plans(self):
        return self._invoice_dispute_related_action(
            "invoice_dispute.invoice_payment_plan_action", self.payment_plan_ids
        )

    def action_view_payment_promises(self):
        return self._invoice_dispute_related_action(
            "invoice_dispute.invoice_payment_promise_action", self.payment_promise_ids
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _get_reminder_exclusions(self):
        """Why automated reminders pause on an invoice, in priority order.

        :return: list of (reason, domain on account.move); features that pause
            reminders (plans, promises, customer blocks) extend it.
        """
        today = fields.Date.context_today(self)
        return [
            ("dispute", [("dispute_state", "=", "open")]),
            ("plan", [("payment_plan_ids.state", "=", "active")]),
            ("promise", [("payment_promise_ids.state", "=", "pending")]),
            (
                "partner_block",
                [("commercial_partner_id.reminder_block_until", ">=", today)],
            ),
        ]

    def _invoice_dispute_change_label(self, change):
        return {
            "draft": self.env._("reset to draft"),
            "cancel": self.env._("cancelled"),
        }[change]

    def _invoice_dispute_check_unpost(self, change):
        """Refuse to reset to draft or cancel (``change``: "draft" or
        "cancel") posted customer invoices that are in an open dispute or an
        active payment plan: the dispute or the plan must be settled or
        cancelled first.

        :raise UserError: naming the invoice and the dispute or plan
        """
        # sudo: the rule holds whoever resets the invoice, also an accountant
        # who may not read disputes
        for invoice in self.sudo():
            dispute = invoice.dispute_line_ids.dispute_id.filtered("is_open")[:1]
            if dispute:
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s is in open dispute %(dispute)s: resolve "
                        "or cancel the dispute first, it cannot be %(change)s.",
                        invoice=invoice.display_name,
                        dispute=dispute.name,
                        change=self._invoice_dispute_change_label(change),
                    )
                )
            plan = invoice.payment_plan_ids.filtered(lambda p: p.state == "active")[:1]
            if plan:
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s is in active payment plan %(plan)s: "
                        "cancel the plan first, the invoice cannot be %(change)s.",
                        invoice=invoice.display_name,
                        plan=plan.name,
                        change=self._invoice_dispute_change_label(change),
                    )
                )

    def _invoice_dispute_check_new_customer(self, customer):
        """Refuse to move these customer invoices to ``customer`` (a
        commercial partner) while a dispute, proposal, payment plan, promise
        to pay or back-billed amount of their current customer points to
        them: that customer would keep seeing another customer's invoice, or
        the other customer would pay its back-billed amount.

        :raise UserError: naming the invoice and the linked record
        """
        # sudo: the rule holds whoever edits the invoice
        for invoice in self.sudo():
            linked = (
                invoice.dispute_line_ids.dispute_id[:1]
                or invoice.dispute_proposal_ids[:1]
                or invoice.payment_plan_ids[:1]
                or invoice.payment_promise_ids[:1]
                # the customer's own under-billed amount, billed on it
                or invoice.back_billing_ids[:1]
            )
            if linked:
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s is linked to %(model)s %(record)s of "
                        "%(partner)s: "
                        "it cannot be moved to %(customer)s. Cancel or credit it and "
                        "invoice %(customer)s instead.",
                        invoice=invoice.display_name,
                        model=self.env["ir.model"]._get(linked._name).name,
                        record=linked.display_name,
                        partner=invoice.commercial_partner_id.display_name,
                        customer=customer.display_name,
                    )
                )

    def _invoice_dispute_release(self, change):
        """Follow invoices reset to draft or cancelled (``change``: "draft"
        or "cancel"): their proposals still open are cancelled, their draft
        or proposed payment plans and pending promises to pay cancelled,
        their queued reminders withdrawn; each gets a note saying why, and so
        do their (closed) disputes. All of these can be set back once the
        invoice is posted again."""
        if not self:
            return
        # sudo: following the invoice is part of resetting it, whoever does it
        moves = self.sudo()
        invoices = ", ".join(self.mapped("display_name"))
        if change == "draft":
            reason = self.env._(
                "Invoice %(invoices)s was reset to draft.", invoices=invoices
            )
        else:
            reason = self.env._(
                "Invoice %(invoices)s was cancelled.", invoices=invoices
            )
        proposals = moves.dispute_proposal_ids.filtered(
            lambda p: p.state in ("draft", "to_approve", "approved", "sent")
        )
        plans = moves.payment_plan_ids.filtered(
            lambda p: p.state in ("draft", "proposed")
        )
        promises = moves.payment_promise_ids.filtered(lambda p: p.state == "pending")
        self._invoice_dispute_cancel_linked(
            [proposals, plans, promises],
            self.env._("%(reason)s Cancelled.", reason=reason),
        )
        self._invoice_dispute_withdraw_reminders(reason)
        # closed disputes stay as they were decided: their chatter says what
        # happened to the invoice (a credit note is no longer reconciled)
        for dispute in moves.dispute_line_ids.dispute_id:
            dispute.message_post(body=reason)

    def _invoice_dispute_follow_settlement(self, paid):
        """Follow customer invoices that a reconciliation has just settled in
        full. Whatever settled them, their active or broken payment plans
        covering only settled invoices are completed (nothing is left to
        pay) and their queued reminders withdrawn. When money settled them
        (``paid``: the invoices reconciled with a payment or a bank statement
        line), proposals waiting for approval or an answer and proposed plans
        covering only settled invoices are also withdrawn (cancelled),
        pending promises whose amount is paid kept, and open disputes left
        with nothing disputed get a note. Credit notes and write-offs come
        from a resolution or an accepted proposal, which settle their own
        dispute and proposals.

        The disputed amounts need nothing: they are capped at the live
        residual (``invoice.dispute.line.disputed_amount_capped``).

        :param paid: account.move, the invoices among these paid with money
        """
        settled = self.filtered(lambda m: m._invoice_dispute_is_settled())
        if not settled:
            return
        # sudo: following the invoice is part of registering the payment
        moves = settled.sudo()
        reason = self.env._(
            "Invoice %(invoices)s is paid.",
            invoices=", ".join(settled.mapped("display_name")),
        )

        def all_settled(record):
            return all(m._invoice_dispute_is_settled() for m in record.move_ids)

        plans = moves.payment_plan_ids.filtered(all_settled)
        running = plans.filtered(lambda p: p.state in ("active", "broken"))
        if running:
            running.write({"state": "completed"})
            running.activity_unlink(["invoice_dispute.mail_activity_plan_broken"])
            for plan in running:
                plan.message_post(
                    body=self.env._(
                        "%(reason)s Nothing is left to pay: completed.", reason=reason
                    )
                )
        self._invoice_dispute_withdraw_reminders(reason)
        paid = moves & paid.sudo()
        if not paid:
            return
        # drafts are the collector's work in progress: accepting or activating
        # them is refused on paid invoices
        proposals = paid.dispute_proposal_ids.filtered(
            lambda p: p.state in ("to_approve", "approved", "sent") and all_settled(p)
        )
        offers = paid.payment_plan_ids.filtered(
            lambda p: p.state == "proposed" and all_settled(p)
        )
        self._invoice_dispute_cancel_linked(
            [proposals, offers],
            self.env._(
                "%(reason)s Nothing is left to settle: withdrawn.", reason=reason
            ),
        )
        promises = paid.payment_promise_ids.filtered(
            lambda p: (
                p.state == "pending"
                and all_settled(p)
                and p.currency_id.compare_amounts(p.amount_paid, p.amount) >= 0
            )
        )
        promises._settle()
        # an open dispute is the responsible's to close, but they should know
        disputes = paid.dispute_line_ids.dispute_id.filtered(
            lambda d: d.is_open and all_settled(d)
        )
        for dispute in disputes:
            dispute.message_post(
                body=self.env._(
                    "%(reason)s Nothing is disputed any more: resolve, reject or "
                    "cancel the dispute.",
                    reason=reason,
                )
            )

    def _invoice_dispute_follow_unpayment(self):
        """Follow customer invoices open again because a payment was removed
        from them (payment reset to draft or cancelled, bounced, unreconciled):
        their completed payment plans are active again (the daily check
        follows the installments) and their kept promises whose amount is no
        longer paid pending again (the daily check settles them again)."""
        unposting = set(self.env.context.get("invoice_dispute_unposting") or ())
        reopened = self.filtered(
            lambda m: (
                m.id not in unposting
                and m.state == "posted"
                and not m._invoice_dispute_is_settled()
            )
        )
        if not reopened:
            return
        # sudo: following the invoice is part of removing the payment
        moves = reopened.sudo()
        reason = self.env._(
            "Invoice %(invoices)s is open again: a payment was removed from it.",
            invoices=", ".join(reopened.mapped("display_name")),
        )
        plans = moves.payment_plan_ids.filtered(
            lambda p: (
                p.state == "completed"
                and not p.move_ids.payment_plan_ids.filtered(
                    lambda other: other.state == "active"
                )
            )
        )
        if plans:
            plans.write({"state": "active", "date_checked": False})
            for plan in plans:
                plan.message_post(
                    body=self.env._("%(reason)s Active again.", reason=reason)
                )
        promises = moves.payment_promise_ids.filtered(
            lambda p: (
                p.state == "kept"
                and p.currency_id.compare_amounts(p.amount_paid, p.amount) < 0
            )
        )
        if promises:
            promises.write({"state": "pending", "date_settled": False})
            for promise in promises:
                promise.message_post(
                    body=self.env._("%(reason)s Pending again.", reason=reason)
                )

    def _invoice_dispute_is_settled(self):
        """Nothing is open on this invoice any more."""
        self.ensure_one()
        return self.payment_state in ("paid", "in_payment", "reversed") or (
            self.state == "posted" and self.currency_id.is_zero(self.amount_residual)
        )

    @api.model
    def _invoice_dispute_cancel_linked(self, recordsets, note):
        """Cancel proposals, payment plans and promises to pay (a list of
        recordsets) with their own ``action_cancel``, each with ``note`` in
        its chatter."""
        for records in recordsets:
            records.action_cancel()
            for record in records:
                record.message_post(body=note)

    def _invoice_dispute_withdraw_reminders(self, reason):
        """Withdraw the reminder emails still queued for these invoices (or
        for the installments of their payment plans), through
        ``invoice.reminder.log._withdraw_mails``: a reminder still due goes
        again, truthful, at the next run. ``reason`` (a translated sentence)
        is noted on the invoices."""
        Log = self.env["invoice.reminder.log"].sudo()  # emails: technical records
        logs = Log.search(
            [
                ("mail_id.state", "=", "outgoing"),
                "|",
                ("move_id", "in", self.ids),
                ("plan_line_id.plan_id.move_ids", "in", self.ids),
            ]
        )
        if logs:
            Log._withdraw_mails(dict.fromkeys(logs.mail_id, reason))

    def _invoice_dispute_check_open_invoices(self):
        """Proposals, plans and promises apply to open posted customer invoices
        of one customer."""
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        if (
            not invoices
            or invoices != self
            or self.filtered(lambda m: m.state != "posted")
        ):
            raise UserError(
                self.env._("Select posted customer invoices of a single customer.")
            )
        if len(self.commercial_partner_id) > 1:
            raise UserError(self.env._("Select invoices of a single customer."))
        return self.commercial_partner_id

    def _invoice_dispute_not_of_customer(self, partner):
        """The moves among these that are not posted customer invoices of
        ``partner`` (its commercial partner): proposals, payment plans and
        promises to pay refuse them."""
        customer = partner.commercial_partner_id
        return self.filtered(
            lambda m: (
                m.move_type != "out_invoice"
                or m.state != "posted"
                or m.commercial_partner_id != customer
            )
        )

    def _invoice_dispute_check_currency(self, document=None, currency=None):
        """Refuse ``document`` (a dispute, proposal, payment plan or promise
        to pay on these invoices) when the invoices are in several currencies
        or the document is not in theirs: its amounts are in the invoices'
        currency.

        :param document: the record, with ``currency_id`` and ``display_name``;
            none to check only that these invoices share one currency
        :param currency: the currency asked for the document (default: its
            ``currency_id``)
        :raise ValidationError: mixed currencies or another currency
        """
        currencies = self.currency_id
        if len(currencies) > 1:
            raise ValidationError(
                self.env._(
                    "%(document)s covers invoices in %(currencies)s: one document "
                    "covers invoices of one currency; create one per currency.",
                    document=document.display_name
                    if document
                    else self.env._("The selection"),
                    currencies=", ".join(currencies.mapped("name")),
                )
            )
        currency = currency or (document and document.currency_id)
        if document and currencies and currency != currencies:
            raise ValidationError(
                self.env._(
                    "%(document)s is in %(currency)s, its invoices in "
                    "%(invoice_currency)s: its currency is the invoices' currency.",
                    document=document.display_name,
                    currency=currency.name,
                    invoice_currency=currencies.name,
                )
            )

    def _invoice_dispute_get_amount_paid(self):
        """Money received on these invoices: the payments (``account.payment``)
        and bank statement lines reconciled with their receivable lines, less
        the write-off part of such an entry. Credit notes, write-offs,
        reversals, exchange differences and other entries reconciled with them
        are not money received and do not count.

        The one measure of "paid" for promises to pay and payment plans.

        :return: dict {invoice: amount paid in the invoice's currency}
        """
        paid = dict.fromkeys(self, 0.0)
        for move in self:
            receivable = move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            for partial in receivable.matched_credit_ids:
                share = partial.credit_move_id.move_id._invoice_dispute_money_share()
                paid[move] += partial.debit_amount_currency * share
            for partial in receivable.matched_debit_ids:
                share = partial.debit_move_id.move_id._invoice_dispute_money_share()
                paid[move] -= partial.credit_amount_currency * share
        return {move: move.currency_id.round(amount) for move, amount in paid.items()}

    def _invoice_dispute_money_share(self):
        """Which share of what this entry settles on receivables is money: 0
        for anything but a payment or a bank statement line (invoices, credit
        notes, misc entries); for those, their bank/cash amount over their
        receivable amount, so that a write-off booked with a payment (a
        payment difference) is not money received.

        :return: float between 0 and 1
        """
        self.ensure_one()
        if self.origin_payment_id:
            liquidity = self.origin_payment_id._seek_for_lines()[0]
        elif self.statement_line_id:
            liquidity = self.statement_line_id._seek_for_lines()[0]
        else:
            return 0.0
        receivable = self.line_ids.filtered(
            lambda line: (
                line.account_id.account_type
                in ("asset_receivable", "liability_payable")
            )
        )
        settled = abs(sum(receivable.mapped("balance")))
        money = abs(sum(liquidity.mapped("balance")))
        return min(money / settled, 1.0) if settled else 1.0

    def _invoice_dispute_list_action(self, move_type="out_invoice"):
        """The customer invoices (or credit notes) list showing these moves."""
        xmlid = {
            "out_invoice": "account.action_move_out_invoice_type",
            "out_refund": "account.action_move_out_refund_type",
        }[move_type]
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update(
            domain=[("id", "in", self.ids)],
            context={"create": False, "default_move_type": move_type},
        )
        return action

    def _invoice_dispute_new_record_action(self, model, name, extra=None):
        partner = self._invoice_dispute_check_open_invoices()
        context = {
            "default_partner_id": partner.id,
            "default_company_id": self[:1].company_id.id,
            "default_move_ids": [Command.set(self.ids)],
            **(extra or {}),
        }
        return {
            "name": name,
            "type": "ir.actions.act_window",
            "res_model": model,
            "view_mode": "form",
            "target": "current",
            "context": context,
        }

    def _invoice_dispute_related_action(self, xmlid, records):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("id", "in", records.ids)]
        action["context"] = {"create": False}
        if len(records) == 1:
            action.update(view_mode="form", res_id=records.id, views=[])
        return action

    def _invoice_dispute_receivable_lines(self):
        return self.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        )

    def _invoice_dispute_credit(self, amount, label):
        """Issue a posted credit note of ``amount`` (tax included) on this
        invoice, with its accounts and taxes in proportion, reconciled with it.

        Shared by the dispute resolution wizard and accepted proposals
        (discount, partial adjustment, write-off).

        :param float amount: amount credited, at most the invoice's residual
        :param str label: reference of the credit note and prefix of its lines
        :return: the posted credit note
        """
        self.ensure_one()
        invoice = self
        ratio = amount / invoice.amount_total
        product_lines = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        refund = (
            self.env["account.move"]
            .with_company(invoice.company_id)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": invoice.partner_id.id,
                    "company_id": invoice.company_id.id,
                    "currency_id": invoice.currency_id.id,
                    "journal_id": invoice.journal_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "reversed_entry_id": invoice.id,
                    "ref": label,
                    "fiscal_position_id": invoice.fiscal_position_id.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": f"{label}: {line.name or invoice.name}",
                                "product_id": line.product_id.id,
                                "account_id": line.account_id.id,
                                "quantity": 1.0,
                                "price_unit": line.price_subtotal * ratio,
                                "tax_ids": [Command.set(line.tax_ids.ids)],
                                "analytic_distribution": line.analytic_distribution,
                            }
                        )
                        for line in product_lines
                    ],
                }
            )
        )
        # Taxes are rounded per line: nudge the largest line until the total is
        # exactly the agreed amount (at most a couple of cents away).
        biggest = refund.invoice_line_ids.sorted("price_subtotal")[-1:]
        for _attempt in range(3):
            diff = amount - refund.amount_total
            if not biggest or refund.currency_id.is_zero(diff):
                break
            factor = (
                biggest.price_total / biggest.price_subtotal
                if biggest.price_subtotal
                else 1.0
            )
            biggest.price_unit += diff / factor
        refund.action_post()
        (
            refund._invoice_dispute_receivable_lines()
            | invoice._invoice_dispute_receivable_lines()
        ).reconcile()
        return refund

    def _invoice_dispute_check_due_date(self, new_date):
        """Refuse a new due date that is not after every current due date."""
        if not new_date:
            raise UserError(self.env._("Set the new due date of the invoices."))
        for invoice in self:
            if invoice.invoice_date_due and new_date <= invoice.invoice_date_due:
                raise UserError(
                    self.env._(
                        "The new due date (%(date)s) must be after the current due "
                        "date of %(invoice)s (%(current)s).",
                        date=new_date,
                        invoice=invoice.display_name,
                        current=invoice.invoice_date_due,
                    )
                )

    def _invoice_dispute_extend_due_date(self, new_date):
        """Move the due date of these invoices and of their open receivable
        lines to ``new_date`` (after the current due dates)."""
        self._invoice_dispute_check_due_date(new_date)
        self._invoice_dispute_receivable_lines().write({"date_maturity": new_date})
        self.write({"invoice_date_due": new_date})

    def _get_collector(self):
        """Who follows this invoice up: the customer's collector, else the
        invoice's salesperson, else the company's designated dispute manager --
        the first of them who works in the invoice's company."""
        self.ensure_one()
        company = self.company_id
        candidates = (
            self.commercial_partner_id.collector_id,
            self.invoice_user_id,
            company.dispute_manager_id,
        )
        for user in candidates:
            if user and not user.share and company in user.company_ids:
                return user
        return self.env["res.users"]

    @api.model
    def _get_follow_up_user(self, record):
        """Who follows up ``record`` (a payment plan or promise to pay): its
        collector, else its first invoice's, else the company's first dispute
        manager -- not the user of the scheduled action that found it broken."""
        invoice = record.move_ids[:1]
        return (
            record.user_id
            or (invoice and invoice._get_collector())
            or record.company_id._get_dispute_managers()[:1]
            or self.env.user
        )

    def _get_reminder_recipient(self):
        """Who receives this invoice's reminders: the customer's active
        accounts-payable contact with an email, else the invoice's address
        (``res.partner._get_payment_recipient``)."""
        self.ensure_one()
        return self.partner_id._get_payment_recipient()

    def _get_reminder_lang(self):
        """The language of this invoice's reminders: the recipient's, else
        the customer's."""
        self.ensure_one()
        return self._get_reminder_recipient().lang or self.commercial_partner_id.lang

    def _get_reminder_moves(self):
        """The invoices a reminder rendered on this invoice lists: the whole
        group of a consolidated reminder (given in the context), else itself."""
        self.ensure_one()
        group_ids = (self.env.context.get("reminder_groups") or {}).get(self.id)
        return self.browse(group_ids) if group_ids else self

    def _get_reminder_credit_lines(self):
        """The customer's open credits (credit notes not applied, payments not
        matched) that a reminder rendered on this invoice lists and deducts:
        those in the invoice's company and currency. The reminder engine
        gives them for its whole batch in the context (``reminder_credits``,
        ``{invoice id: line ids}``); otherwise they are searched.

        :return: account.move.line records, each open for
            ``-amount_residual_currency`` in the invoice's currency
        """
        self.ensure_one()
        given = self.env.context.get("reminder_credits")
        if given is not None and self.id in given:
            # prefetched together for the whole batch
            return (
                self.env["account.move.line"]
                .browse(given[self.id])
                .with_prefetch([i for ids in given.values() for i in ids])
            )
        return self.commercial_partner_id._get_open_credit_lines(
            self.company_id, self.currency_id
        )

    @api.model
    def _get_reminder_due_domain(self):
        """Domain of the invoices a customer is asked to pay: open posted
        customer invoices whose reminders are not paused (the due date is
        filtered by the caller)."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("amount_residual", ">", 0),
            ("reminder_excluded", "=", False),
        ]

    def _get_reminder_due_amount(self):
        """What the customer owes, in this invoice's company and currency, on
        the invoices a reminder rendered on this invoice covers: those of
        ``_get_reminder_due_domain`` due by today or by the latest due date
        the reminder lists (the listed ones included). The reminder engine
        gives it for its whole batch in the context (``reminder_due_amounts``,
        ``{invoice id: amount}``); otherwise it is searched."""
        self.ensure_one()
        given = self.env.context.get("reminder_due_amounts")
        if given is not None and self.id in given:
            return given[self.id]
        horizon = max(
            [
                fields.Date.context_today(self),
                *self._get_reminder_moves().mapped("invoice_date_due"),
            ]
        )
        due = self.search(
            [
                *self._get_reminder_due_domain(),
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("currency_id", "=", self.currency_id.id),
                ("invoice_date_due", "<=", horizon),
            ]
        )
        return sum(due.mapped("amount_residual"))

    def _get_reminder_totals(self):
        """What a reminder rendered on this invoice asks, in the invoice's
        currency: ``(open, credit, net, other)`` -- the open amount of the
        invoices it lists, the customer's open credits, the net amount due
        (what the customer owes on the invoices due by then, listed or not,
        less the credits: the engine sends no reminder where it is not
        positive) and the part of it on invoices it does not list."""
        self.ensure_one()
        currency = self.currency_id
        amount_open = sum(self._get_reminder_moves().mapped("amount_residual"))
        amount_credit = -sum(
            self._get_reminder_credit_lines().mapped("amount_residual_currency")
        )
        amount_due = max(self._get_reminder_due_amount(), amount_open)
        return (
            amount_open,
            amount_credit,
            currency.round(amount_due - amount_credit),
            currency.round(amount_due - amount_open),
        )

    def _add_pending_back_billing(self):
        """Add the amounts kept for the next invoice (back-billing) to the
        first customer invoice of each customer posted now."""
        billed = self.env["invoice.back.billing"]
        invoices = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "draft"
        )
        if not invoices:
            return billed
        pending = (
            self.env["invoice.back.billing"]
            .sudo()  # billing a pending amount is part of posting the invoice
            .search(
                [
                    ("state", "=", "pending"),
                    ("partner_id", "in", invoices.commercial_partner_id.ids),
                    ("company_id", "in", invoices.company_id.ids),
                ],
                order="id",
            )
        )
        for back_billing in pending:
            invoice = invoices.filtered(
                lambda m, bb=back_billing: (
                    m.commercial_partner_id == bb.partner_id
                    and m.company_id == bb.company_id
                    and m.currency_id == bb.currency_id
                )
            )[:1]
            if invoice:
                back_billing._bill_on(invoice)
                billed |= back_billing
        return billed
