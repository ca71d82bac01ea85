import math
import re
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_amount, format_date

from .action_tools import records_action
from .constants import (
    CREDIT_KINDS,
    CREDIT_TYPES,
    EXCLUSION_REASONS,
    OPEN_PAYMENT_STATES,
    PAID_PAYMENT_STATES,
    PLAN_OFFER_STATES,
    PLAN_REMINDER_PAUSES,
    PLAN_STARTED_STATES,
    PROPOSAL_OPEN_STATES,
    PROPOSAL_PENDING_STATES,
)


def split_amount(currency, amount, weights, caps=None):
    """Spread ``amount`` over keys in proportion to their weights, each share
    at most its cap, rounded to ``currency``: the shares sum to the amount
    exactly (largest remainders get the rounding units, a capped key's excess
    goes to the others in proportion).

    :param currency: res.currency the amounts are in
    :param float amount: what is spread, at most the sum of the caps
    :param list weights: list of (key, weight); keys of weight 0 get nothing
    :param dict caps: key -> the most that key may get (no cap when absent)
    :return: list of (key, share), in the order of ``weights``
    :raise ValueError: when the caps leave no room for the whole amount
    """
    unit = currency.rounding
    caps = caps or {}
    left = round(amount / unit)
    given = dict.fromkeys((key for key, __ in weights), 0)
    room = {key: round(caps[key] / unit) if key in caps else left for key in given}
    active = [(key, weight) for key, weight in weights if weight > 0]
    while left > 0 and active:
        total = sum(weight for __, weight in active)
        exact = {key: left * weight / total for key, weight in active}
        full = [key for key, __ in active if exact[key] >= room[key] - given[key]]
        if full:
            for key in full:
                left -= room[key] - given[key]
                given[key] = room[key]
            active = [(key, weight) for key, weight in active if key not in full]
            continue
        floors = {key: int(exact[key]) for key, __ in active}
        spare = left - sum(floors.values())
        by_remainder = sorted(
            (key for key, __ in active), key=lambda k: floors[k] - exact[k]
        )
        for index, key in enumerate(by_remainder):
            given[key] += floors[key] + (1 if index < spare else 0)
        left = 0
    if left > 0:
        raise ValueError("the caps leave no room for the whole amount")
    return [(key, currency.round(given[key] * unit)) for key, __ in weights]


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
        help="Payment plans that pay this invoice.",
    )
    payment_promise_ids = fields.Many2many(
        "invoice.payment.promise",
        "invoice_payment_promise_move_rel",
        "move_id",
        "promise_id",
        string="Promises to pay",
        copy=False,
        help="Promises to pay that cover this invoice.",
    )
    dispute_state = fields.Selection(
        [("none", "Not disputed"), ("open", "Disputed"), ("resolved", "Resolved")],
        compute="_compute_dispute_state",
        store=True,
        index=True,
        copy=False,
        tracking=True,
        help="Whether the invoice is under an open dispute, had one resolved, or was "
        "never disputed.",
    )
    amount_disputed = fields.Monetary(
        compute="_compute_dispute_state",
        store=True,
        copy=False,
        currency_field="currency_id",
        help="Amount disputed in the invoice's open dispute, in the invoice's "
        "currency.",
    )
    is_open_invoice = fields.Boolean(
        string="Open invoice",
        compute="_compute_is_open_invoice",
        search="_search_is_open_invoice",
        help="A posted customer invoice with something still to collect: not "
        "paid or partly paid (not in payment, paid, reversed nor blocked).",
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
        help="Settlement proposals that cover this invoice.",
    )
    dispute_proposal_count = fields.Integer(compute="_compute_collection_counts")
    payment_plan_count = fields.Integer(compute="_compute_collection_counts")
    payment_promise_count = fields.Integer(compute="_compute_collection_counts")
    reminder_level = fields.Integer(
        copy=False,
        readonly=True,
        help="Level of the last automated payment reminder sent for this invoice.",
    )
    reminder_last_date = fields.Date(
        string="Last reminder",
        copy=False,
        readonly=True,
        help="Day the last payment reminder was sent for this invoice.",
    )
    reminder_resume_date = fields.Date(
        string="Reminders resume on",
        copy=False,
        readonly=True,
        help="After a dispute, payment plan or promise to pay on this invoice "
        "ended, no reminder before this day (the company's grace days).",
    )
    reminder_agreement_date = fields.Date(
        string="Last agreement",
        copy=False,
        readonly=True,
        help="Day of the last agreement (dispute, payment plan, promise to pay) "
        "that paused the reminders of this invoice; the next reminder "
        "mentions it.",
    )
    reminder_log_ids = fields.One2many(
        "invoice.reminder.log", "move_id", string="Reminders", readonly=True
    )
    reminder_notice_ids = fields.Many2many(
        "invoice.reminder.notice",
        "invoice_reminder_notice_move_rel",
        "move_id",
        "notice_id",
        string="Reminder notices",
        copy=False,
        readonly=True,
        help="The payment reminders that reminded this invoice.",
    )
    reminder_notice_count = fields.Integer(compute="_compute_reminder_notice_count")
    payment_claim_ids = fields.Many2many(
        "invoice.payment.claim",
        "invoice_payment_claim_move_rel",
        "move_id",
        "claim_id",
        string="Reported payments",
        copy=False,
        readonly=True,
        help="Payments the customer reported on the portal for this invoice.",
    )
    back_billing_ids = fields.One2many(
        "invoice.back.billing", "move_id", string="Back-billed amounts", readonly=True
    )
    check_finding_ids = fields.One2many(
        "invoice.check.finding",
        "move_id",
        string="Check findings",
        readonly=True,
        copy=False,
    )
    check_state = fields.Selection(
        [("none", "No findings"), ("warning", "To check"), ("blocked", "Blocked")],
        string="Invoice check",
        compute="_compute_check_state",
        store=True,
        index=True,
        copy=False,
        help="Blocked: an open blocking finding stops the posting until it is fixed "
        "or a dispute manager overrides it. To check: open warnings.",
    )
    check_message = fields.Html(
        string="Check findings to review",
        compute="_compute_check_message",
        sanitize=False,
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
                lambda line: line.dispute_id.is_open
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

    @api.depends("move_type", "state", "payment_state", "amount_residual")
    def _compute_is_open_invoice(self):
        open_moves = self.filtered_domain(self._get_open_invoice_domain())
        for move in self:
            move.is_open_invoice = move in open_moves

    def _search_is_open_invoice(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Operation not supported on 'Open invoice'."))
        domain = self._get_open_invoice_domain()
        if (operator == "=") != bool(value):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    @api.depends(
        "dispute_state",
        "payment_plan_ids.state",
        "payment_promise_ids.state",
        "payment_claim_ids.state",
        "payment_claim_ids.date_until",
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

    @api.depends("reminder_notice_ids")
    def _compute_reminder_notice_count(self):
        for move in self:
            move.reminder_notice_count = len(move.reminder_notice_ids)

    @api.depends("check_finding_ids.state", "check_finding_ids.severity")
    def _compute_check_state(self):
        for move in self:
            findings = move.check_finding_ids.filtered(lambda f: f.state == "open")
            if findings.filtered(lambda f: f.severity == "blocking"):
                move.check_state = "blocked"
            elif findings:
                move.check_state = "warning"
            else:
                move.check_state = "none"

    @api.depends("check_finding_ids.state", "check_finding_ids.message")
    @api.depends_context("lang")
    def _compute_check_message(self):
        for move in self:
            findings = move.check_finding_ids.filtered(lambda f: f.state == "open")
            move.check_message = findings and Markup("<ul class='mb-0'>%s</ul>") % (
                Markup().join(
                    Markup("<li>%s</li>") % finding.message
                    for finding in findings.sorted(
                        lambda f: (f.severity != "blocking", f.id)
                    )
                )
            )

    @api.depends("dispute_proposal_ids", "payment_plan_ids", "payment_promise_ids")
    def _compute_collection_counts(self):
        for move in self:
            move.dispute_proposal_count = len(move.dispute_proposal_ids)
            move.payment_plan_count = len(move.payment_plan_ids)
            move.payment_promise_count = len(move.payment_promise_ids)

    def _post(self, soft=True):
        back_billings = self._add_pending_back_billing()
        self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "draft"
        )._invoice_check_run(refuse_blocking=True)
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
                lambda env: env._("the invoice was moved to another customer.")
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
        self.filtered(
            lambda m: m.move_type == "out_refund" and m.state == "posted"
        )._invoice_dispute_check_settlement_credit_notes()
        # the payments unreconciled from these invoices reopen nothing: the
        # invoices are followed below
        res = super(
            AccountMove, self.with_context(invoice_dispute_unposting=invoices.ids)
        ).button_draft()
        invoices._invoice_dispute_release(change)
        return res

    def _invoice_dispute_check_settlement_credit_notes(self):
        """Refuse to reset or cancel a credit note that settled a resolved
        dispute or an accepted proposal: what a resolution was based on stays
        as it was (reopen the dispute to change it).

        :raise UserError: naming the credit note and what it settled
        """
        if not self:
            return
        # sudo: the link decides, whoever resets the credit note
        disputes = (
            self.env["invoice.dispute"]
            .sudo()
            .search([("credit_note_ids", "in", self.ids), ("state", "=", "resolved")])
        )
        proposals = (
            self.env["invoice.dispute.proposal"]
            .sudo()
            .search(
                [
                    ("credit_note_ids", "in", self.ids),
                    ("state", "=", "accepted"),
                    "|",
                    ("dispute_id", "=", False),
                    ("dispute_id.state", "=", "resolved"),
                ]
            )
        )
        record = disputes[:1] or proposals[:1]
        if record:
            move = record.credit_note_ids & self
            raise UserError(
                self.env._(
                    "Credit note %(move)s settles %(record)s: it cannot be reset to "
                    "draft or cancelled. Reopen the dispute first to change what "
                    "was agreed.",
                    move=move[:1].display_name,
                    record=record.display_name,
                )
            )

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
        # a cancelled invoice goes out to nobody: its findings are closed
        # (sudo: findings are written by the checks only); posting it again
        # after a reset checks it anew
        self.filtered(lambda m: m.state == "cancel").sudo().check_finding_ids.filtered(
            lambda f: f.state == "open"
        ).write({"state": "fixed"})
        return res

    def action_raise_dispute(self):
        """Open a new dispute prefilled with the selected posted invoices
        (``_prepare_invoice_dispute_vals``); it is created when saved.

        :return: the form action of a new ``invoice.dispute``
        :raise UserError: see ``_invoice_dispute_check_disputable``
        """
        invoices = self.filtered(lambda m: m.move_type == "out_invoice") or self
        return {
            "name": self.env._("Raise dispute"),
            "type": "ir.actions.act_window",
            "res_model": "invoice.dispute",
            "view_mode": "form",
            "target": "current",
            "context": {
                f"default_{name}": value
                for name, value in invoices._prepare_invoice_dispute_vals().items()
            },
        }

    def _invoice_dispute_get_disputable_error(self):
        """Why one dispute cannot be raised on these invoices, if anything:
        the one rule of who may dispute what, used by *Raise dispute*, the
        portal, the call outcome, the replies to reminders and the payment
        discrepancy check. They must be posted customer invoices of one
        customer (``_invoice_dispute_check_customer_invoices``) and one
        company, open (``is_open_invoice``) and none with an open dispute
        (``dispute_state``). The disputed amounts are the dispute lines'
        rule (``invoice.dispute.line._get_disputed_amount_error``).

        Call it sudo when the user may not read disputes (the portal).

        :return: str, the translated message naming what is wrong, or False
        """
        error = self._invoice_dispute_get_customer_invoices_error()
        if error:
            return error
        if len(self.company_id) > 1:
            return self.env._(
                "Select invoices of a single company to raise one dispute."
            )
        closed = self.filtered(lambda m: not m.is_open_invoice)
        if closed:
            return self.env._(
                "%(invoices)s can no longer be disputed: it is paid, in payment or "
                "not open.",
                invoices=", ".join(closed.mapped("name")),
            )
        disputed = self.filtered(lambda m: m.dispute_state == "open")
        if disputed:
            return self.env._(
                "%(invoices)s already has an open dispute (%(disputes)s): add to "
                "it what is new; an invoice can have only one open dispute at a "
                "time.",
                invoices=", ".join(disputed.mapped("name")),
                disputes=", ".join(
                    disputed._invoice_dispute_get_open_dispute().mapped("name")
                ),
            )
        return False

    def _invoice_dispute_check_disputable(self):
        """Refuse to raise one dispute on these invoices when
        ``_invoice_dispute_get_disputable_error`` says why not.

        :raise UserError: naming what is wrong (nothing is written)
        """
        error = self._invoice_dispute_get_disputable_error()
        if error:
            raise UserError(error)

    def _invoice_dispute_filter_disputable(self):
        """The invoices among these that can each be disputed
        (``_invoice_dispute_get_disputable_error``): what a reply to a
        reminder or a short payment disputes.

        :return: account.move recordset
        """
        return self.filtered(lambda m: not m._invoice_dispute_get_disputable_error())

    def _invoice_dispute_check_arrangeable(self):
        """Refuse a new promise to pay or payment plan on these invoices while
        a payment the customer reported on one of them is still being looked
        for (an open ``invoice.payment.claim``): the customer says it is paid,
        the payment is found or rejected first. The one rule of every channel
        (the promise's and the plan's ``create`` and new invoices, the call
        outcome, the reminder portal).

        :raise ValidationError: naming the invoice and the open report
        """
        # sudo: the rule holds whoever arranges the payment (a collector, the
        # portal); only the report's number is shown
        for move in self:
            claims = move.sudo().payment_claim_ids.filtered(lambda c: c.state == "open")
            if claims:
                raise ValidationError(
                    self.env._(
                        "%(invoice)s was reported as paid (%(claim)s): the payment "
                        "is being looked for. A promise to pay or a payment plan "
                        "can be arranged on it once that report is closed (payment "
                        "found or not received).",
                        invoice=move.name,
                        claim=claims[0].name,
                    )
                )

    def _portal_parse_amount(self, raw):
        """Read an amount a customer typed in a portal form for this invoice
        (or for no invoice: empty ``self``), in the page's language
        (``self.env.lang``): its thousands separator and decimal point
        (``res.lang``), spaces as thousands separators, and a plain
        ``1234.56`` or ``1234,56``. A lone separator followed by three
        digits is a thousands separator only when it is the language's one
        (``1.234`` is 1234 in Dutch, 1.234 in English).

        :param raw: str typed by the customer (or None)
        :return: float, as typed (the models round and check it)
        :raise ValidationError: not a number, or a number that reads two ways
            (``1.234`` where neither separator is the language's)
        """
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        decimal_point = lang.decimal_point or "."
        thousands_sep = (lang.thousands_sep or "").strip()
        text = re.sub(r"\s", "", raw or "")
        match = re.fullmatch(r"([+-]?)([0-9.,]*[0-9])", text)
        amount = None
        if match:
            sign, digits = match.groups()
            amount = self._portal_read_digits(digits, decimal_point, thousands_sep)
            if amount is not None and sign == "-":
                amount = -amount
        if amount is None:
            raise ValidationError(
                self.env._(
                    "Enter the amount as a number, for example %(example)s.",
                    example=self._portal_amount_example(decimal_point),
                )
            )
        if amount is False:
            raise ValidationError(
                self.env._(
                    "%(amount)s can be read two ways: enter the amount without "
                    "thousands separators, for example %(example)s.",
                    amount=text,
                    example=self._portal_amount_example(decimal_point),
                )
            )
        return amount

    @api.model
    def _portal_read_digits(self, digits, decimal_point, thousands_sep):
        """The number written in ``digits`` (digits, "." and ","; no sign).

        :return: float; None when it is no number; False when it reads two
            ways
        """
        separators = [char for char in digits if char in ".,"]
        if not separators:
            return float(digits)
        last = separators[-1]
        whole, _dot, decimals = digits.rpartition(last)
        if len(separators) > 1 and set(separators) == {last}:
            # the same separator more than once: thousands only
            whole, decimals = digits, ""
        elif len(decimals) == 3 and len(separators) == 1 and whole:
            # 1.234: thousands in the languages that group with the sign
            if last == thousands_sep and whole.strip("0"):
                whole, decimals = digits, ""
            elif last != decimal_point:
                return False
        if not whole:
            return None if decimals == "" else float(f"0.{decimals}")
        groups = re.split(r"[.,]", whole)
        if len(groups) > 1 and (
            len({char for char in whole if char in ".,"}) > 1
            or not 1 <= len(groups[0]) <= 3
            or groups[0].startswith("0")
            or any(len(group) != 3 for group in groups[1:])
        ):
            return None
        amount = float("".join(groups) + (f".{decimals}" if decimals else ""))
        return amount if math.isfinite(amount) else None

    def _portal_amount_example(self, decimal_point):
        """An amount to show as an example in a form's error message: this
        invoice's amount due (100 without invoice), written with
        ``decimal_point``."""
        amount = self[:1].amount_residual or 100.0
        decimal_places = self[:1].currency_id.decimal_places if self else 2
        return f"{amount:.{decimal_places}f}".replace(".", decimal_point)

    def _invoice_dispute_get_open_dispute(self):
        """The open disputes of these invoices (an invoice has at most one:
        ``invoice.dispute._check_single_open_dispute``): the disputes that
        make ``dispute_state`` "open". Call it sudo when the user may not
        read disputes.

        :return: invoice.dispute recordset, empty when none is open
        """
        return self.dispute_line_ids.dispute_id.filtered("is_open")

    def _prepare_invoice_dispute_vals(self, amounts=None):
        """The values of a new dispute on these invoices, once checked
        (``_invoice_dispute_check_disputable``): the customer, the first
        invoice's contact and company, and one line per invoice. Used by
        *Raise dispute*, by replies to reminders and by
        ``invoice.dispute.create_from_invoices``.

        :param dict amounts: invoice (account.move) -> disputed amount in the
            invoice's currency; an invoice left out disputes what is open on
            it (its residual)
        :return: dict of ``invoice.dispute`` values
        :raise UserError: see ``_invoice_dispute_check_disputable``
        """
        self._invoice_dispute_check_disputable()
        amounts = amounts or {}
        return {
            "partner_id": self.commercial_partner_id.id,
            "contact_id": self[:1].partner_id.id,
            "company_id": self[:1].company_id.id,
            "line_ids": [
                fields.Command.create(
                    {
                        "move_id": inv.id,
                        "disputed_amount": amounts.get(inv, inv.amount_residual),
                    }
                )
                for inv in self
            ],
        }

    def action_check_invoice(self):
        """Run the invoice checks on these customer invoices now and record
        what they find (see ``_invoice_check_run``); nothing is refused.

        :return: True
        """
        invoices = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state != "cancel"
        )
        if not invoices:
            raise UserError(
                self.env._("Only customer invoices that are not cancelled are checked.")
            )
        invoices._invoice_check_run()
        return True

    def action_override_check_findings(self):
        """Open the wizard that overrides the invoices' open findings with a
        reason (dispute managers only)."""
        findings = self.check_finding_ids.filtered(lambda f: f.state == "open")
        if not findings:
            raise UserError(self.env._("These invoices have no open findings."))
        return findings.action_override()

    def action_view_disputes(self):
        self.ensure_one()
        return records_action(
            self.env, "invoice_dispute.invoice_dispute_action", self.dispute_ids
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
        return records_action(
            self.env,
            "invoice_dispute.invoice_dispute_proposal_action",
            self.dispute_proposal_ids,
        )

    def action_view_reminder_notices(self):
        """The reminder notices that reminded this invoice."""
        self.ensure_one()
        return records_action(
            self.env,
            "invoice_dispute.invoice_reminder_notice_action",
            domain=[("move_ids", "in", self.ids)],
            context={"create": False},
        )

    def action_view_payment_plans(self):
        return records_action(
            self.env,
            "invoice_dispute.invoice_payment_plan_action",
            self.payment_plan_ids,
        )

    def action_view_payment_promises(self):
        return records_action(
            self.env,
            "invoice_dispute.invoice_payment_promise_action",
            self.payment_promise_ids,
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
            # an active plan; a proposed one while the collector decides
            *(
                (reason, [("payment_plan_ids.state", "=", state)])
                for state, reason, __ in PLAN_REMINDER_PAUSES
            ),
            ("promise", [("payment_promise_ids.state", "=", "pending")]),
            (
                "paid_claim",
                [
                    (
                        "payment_claim_ids",
                        "any",
                        [("state", "=", "open"), ("date_until", ">=", today)],
                    )
                ],
            ),
            (
                "partner_block",
                [("commercial_partner_id.reminder_block_until", ">=", today)],
            ),
        ]

    @api.model
    def _get_collection_due_domain(self, today):
        """Domain of the invoices that are due now and not arranged: open
        posted customer invoices past their due date whose reminders are not
        paused by a dispute, a payment plan, a promise to pay or a customer
        block (``reminder_excluded``). The one definition the collector
        worklist, the call sheet, its talking points and the call outcome
        wizard use (seed 003: agree first that these invoices are due); the
        other overdue invoices are context.

        :param date today: the day that counts
        :return: domain on account.move
        """
        return [
            *self._get_open_invoice_domain(),
            ("invoice_date_due", "<", today),
            ("reminder_excluded", "=", False),
        ]

    def _get_open_amount(self):
        """What is open on these invoices, in one currency: the one way the
        addon adds up the open amounts of invoices that may be in several
        currencies (the call outcome wizard).

        :param self: customer invoices (account.move) of one company, possibly
            empty
        :return: tuple (currency, amount): when the invoices share one
            currency, that currency (res.currency record) and the sum of their
            ``amount_residual`` (a float in that currency); with mixed
            currencies, the company's currency and the sum of their
            ``amount_residual_signed`` (a float in company currency, at the
            invoices' rates), since amounts in different currencies only add
            up once converted; no invoices: an empty res.currency and 0
        """
        if len(self.currency_id) == 1:
            return self.currency_id, sum(self.mapped("amount_residual"))
        return self.company_id.currency_id, sum(self.mapped("amount_residual_signed"))

    def _select_covered_by(self, amount):
        """The invoices of ``self`` a payment of ``amount`` covers, oldest
        due first: the invoices up to and including the one the amount
        reaches (all of them when it covers them all).

        :param float amount: in the currency of ``_get_open_amount`` (the
            invoices' currency when they share one, else company currency)
        :return: account.move records
        """
        currency = self._get_open_amount()[0]
        field = (
            "amount_residual"
            if currency == self.currency_id
            else "amount_residual_signed"
        )
        covered = self.browse()
        total = 0.0
        for move in self.sorted(lambda m: (m.invoice_date_due, m.id)):
            if total >= amount and covered:
                break
            covered |= move
            total += move[field]
        return covered

    @api.model
    def _get_reminder_next_level_query(self, due, today):
        """SQL of the one reminder each invoice may get on ``today``: the
        lowest level due above the last one it was sent, so that the levels
        follow each other in order, as OCA's credit control and Odoo's
        follow-ups escalate (seeds 001, 003: a friendly reminder first, then
        firmer). The reminder is held back while

        - the interval of that level's rule (``min_interval_days``) since the
          last reminder has not passed;
        - the invoice's reminders resume later (``reminder_resume_date``,
          after a dispute, plan or promise ended) or the customer's block
          ended less than the company's ``reminder_resume_days`` ago;
        - the invoice is backlog (overdue and due before the company's
          ``reminder_start_date``, never reminded) and the level is below the
          company's ``reminder_backlog_level`` (0: no automated reminder);
        - that level was already claimed (``invoice.reminder.log``).

        :param SQL due: a relation of the rules due for each invoice by their
            offset: ``move_id, rule_id, level, min_interval``
        :param date today: the day of the run
        :return: SQL selecting ``move_id, rule_id, level, min_interval``, at
            most one row per invoice
        """
        return SQL(
            """
            SELECT n.move_id, n.rule_id, n.level, n.min_interval
              FROM (
                SELECT DISTINCT ON (d.move_id)
                       d.move_id, d.rule_id, d.level, d.min_interval
                  FROM %(due)s d
                  JOIN account_move m ON m.id = d.move_id
                  JOIN res_company c ON c.id = m.company_id
                 WHERE d.level > COALESCE(m.reminder_level, 0)
                   AND NOT (
                        COALESCE(m.reminder_level, 0) = 0
                        AND m.invoice_date_due < LEAST(c.reminder_start_date, %(today)s)
                        AND (COALESCE(c.reminder_backlog_level, 0) = 0
                             OR d.level < c.reminder_backlog_level))
              ORDER BY d.move_id, d.level
              ) n
              JOIN account_move m ON m.id = n.move_id
              JOIN res_company c ON c.id = m.company_id
              JOIN res_partner p ON p.id = m.commercial_partner_id
             WHERE (m.reminder_last_date IS NULL
                    OR m.reminder_last_date + n.min_interval <= %(today)s)
               AND (m.reminder_resume_date IS NULL
                    OR m.reminder_resume_date <= %(today)s)
               AND (p.reminder_block_until IS NULL
                    OR p.reminder_block_until
                       + COALESCE(c.reminder_resume_days, 0) < %(today)s)
               AND NOT EXISTS (
                    SELECT 1 FROM invoice_reminder_log l
                     WHERE l.move_id = n.move_id AND l.rule_id = n.rule_id)
            """,
            due=due,
            today=today,
        )

    def _reminder_resume_after(self, agreement_date):
        """Reminders of these invoices resume after an agreement ended (a
        dispute resolved, rejected or cancelled, a payment plan or promise to
        pay that ended): not before the company's ``reminder_resume_days``
        from today, and the next reminder mentions the agreement
        (``_get_reminder_agreement_date``). Written in one query per company:
        a write on posted invoices runs the accounting synchronisation and
        these fields feed nothing else.

        :param date agreement_date: the day the agreement was made
        """
        today = fields.Date.context_today(self)
        self.flush_model(["reminder_resume_date", "reminder_agreement_date"])
        for company, moves in self.grouped("company_id").items():
            resume = today + timedelta(days=company.reminder_resume_days)
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE account_move
                       SET reminder_resume_date = GREATEST(
                               COALESCE(reminder_resume_date, %(resume)s),
                               %(resume)s),
                           reminder_agreement_date = %(agreement)s
                     WHERE id IN %(ids)s
                    """,
                    resume=resume,
                    agreement=agreement_date or None,
                    ids=tuple(moves.ids),
                )
            )
        self.invalidate_recordset(["reminder_resume_date", "reminder_agreement_date"])

    def _get_reminder_agreement_date(self):
        """The agreement a reminder of these invoices refers to ("following
        our agreement of ..."): the latest agreement on them made since their
        last reminder, if any.

        :return: date or False
        """
        dates = [
            move.reminder_agreement_date
            for move in self
            if move.reminder_agreement_date
            and (
                not move.reminder_last_date
                or move.reminder_last_date <= move.reminder_agreement_date
            )
        ]
        return max(dates) if dates else False

    def _invoice_check_run(self, refuse_blocking=False):
        """Check these customer invoices with the active rules of their
        companies (``invoice.check.rule._check_invoices``, all invoices at
        once) and record the result: new findings are added, findings no
        longer found become fixed, overridden ones stay overridden.

        :param bool refuse_blocking: refuse (before writing anything) when a
            blocking finding is not overridden, as posting does
        :raise UserError: with ``refuse_blocking``, one error naming each
            invoice and its blocking findings
        """
        if not self:
            return
        found = self.env["invoice.check.rule"]._check_invoices(self)
        # sudo: findings are the record of the checks, written by them only
        existing = self.sudo().check_finding_ids.filtered(
            lambda f: f.state in ("open", "overridden")
        )
        by_key = {
            (
                f.move_id.id,
                f.rule_id.id,
                f.check_code,
                f.line_id.id,
                f.fingerprint or "",
            ): f
            for f in existing
        }
        if refuse_blocking:
            blocking = [
                vals
                for vals in found
                if vals["severity"] == "blocking"
                and not by_key.get(
                    self._invoice_check_key(vals), existing.browse()
                ).filtered(lambda f: f.state == "overridden")
            ]
            if blocking:
                raise UserError(self._invoice_check_blocking_message(blocking))
        keep = self.env["invoice.check.finding"]
        to_create = []
        for vals in found:
            finding = by_key.get(self._invoice_check_key(vals))
            if not finding:
                to_create.append(vals)
                continue
            keep |= finding
            changed = {
                name: vals[name]
                for name in ("message_key", "message_args", "severity")
                if finding[name] != vals[name]
            }
            if finding.state == "open" and changed:
                finding.write(changed)
        (existing - keep).write({"state": "fixed"})
        self.env["invoice.check.finding"].sudo().create(to_create)

    @api.model
    def _invoice_check_key(self, vals):
        return (
            vals["move_id"],
            vals["rule_id"],
            vals["check_code"],
            vals["line_id"],
            vals["fingerprint"],
        )

    def _invoice_check_blocking_message(self, blocking):
        moves = self.browse([vals["move_id"] for vals in blocking])
        lines = []
        for move in moves:
            lines.append(
                self.env._(
                    "%(invoice)s (%(customer)s, %(date)s, %(amount)s, id %(id)s):",
                    invoice=move.display_name,
                    customer=move.partner_id.display_name,
                    date=format_date(self.env, move.invoice_date)
                    if move.invoice_date
                    else "-",
                    amount=format_amount(self.env, move.amount_total, move.currency_id),
                    id=move.id,
                )
            )
            lines.extend(
                "- "
                + self.env["invoice.check.finding"]._render_check_message(
                    vals["message_key"], vals["message_args"]
                )
                for vals in blocking
                if vals["move_id"] == move.id
            )
        return self.env._(
            "These invoices were not posted; their checks found problems that block "
            "them:\n%(findings)s\nFix the invoices, or click Check on them and ask a "
            "dispute manager to override the findings with a reason.",
            findings="\n".join(lines),
        )

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
            dispute = invoice._invoice_dispute_get_open_dispute()[:1]
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

        def get_reason(env):
            if change == "draft":
                return env._(
                    "Invoice %(invoices)s was reset to draft.", invoices=invoices
                )
            return env._("Invoice %(invoices)s was cancelled.", invoices=invoices)

        reason = get_reason(self.env)
        proposals = moves.dispute_proposal_ids.filtered(
            lambda p: p.state in PROPOSAL_OPEN_STATES
        )
        plans = moves.payment_plan_ids.filtered(lambda p: p.state in PLAN_OFFER_STATES)
        promises = moves.payment_promise_ids.filtered(lambda p: p.state == "pending")
        self._invoice_dispute_cancel_linked(
            [proposals, plans, promises],
            self.env._("%(reason)s Cancelled.", reason=reason),
        )
        self._invoice_dispute_withdraw_reminders(get_reason)
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
        self._invoice_dispute_follow_residual(paid)
        settled = self.filtered(lambda m: m._invoice_dispute_is_settled())
        if not settled:
            return
        # sudo: following the invoice is part of registering the payment
        moves = settled.sudo()
        names = ", ".join(settled.mapped("display_name"))

        def get_reason(env):
            return env._("Invoice %(invoices)s is paid.", invoices=names)

        reason = get_reason(self.env)

        def all_settled(record):
            return all(m._invoice_dispute_is_settled() for m in record.move_ids)

        plans = moves.payment_plan_ids.filtered(all_settled)
        running = plans.filtered(lambda p: p.state in PLAN_STARTED_STATES)
        if running:
            running._set_state("completed")
            running.activity_unlink(["invoice_dispute.mail_activity_plan_broken"])
            for plan in running:
                plan.message_post(
                    body=self.env._(
                        "%(reason)s Nothing is left to pay: completed.", reason=reason
                    )
                )
        self._invoice_dispute_withdraw_reminders(get_reason)
        # nothing left to pay: kept when money came (at most what was still
        # open is expected), cancelled when credited in full
        moves.payment_promise_ids.filtered(
            lambda p: p.state == "pending" and all_settled(p)
        )._settle()
        paid = moves & paid.sudo()
        if not paid:
            return
        # drafts are the collector's work in progress: accepting or activating
        # them is refused on paid invoices
        proposals = paid.dispute_proposal_ids.filtered(
            lambda p: p.state in PROPOSAL_PENDING_STATES and all_settled(p)
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

    def _invoice_dispute_follow_residual(self, paid):
        """Follow customer invoices whose open amount a reconciliation has
        just lowered, in part or in full: running payment plans are lowered
        to what is still to pay (``invoice.payment.plan._cap_to_open``), and
        on the invoices paid with money (``paid``) an offer waiting for an
        answer that would credit more than is still open is withdrawn (a new
        one can be made for what is left; a credit note of a settlement
        withdraws the other offers itself). Promises are held to what could
        still be paid when they are settled (``amount_expected``).

        :param paid: account.move, the invoices among these paid with money
        """
        # sudo: following the invoice is part of registering the payment
        moves = self.sudo()
        proposals = (moves & paid.sudo()).dispute_proposal_ids.filtered(
            lambda p: (
                p.state in PROPOSAL_PENDING_STATES
                and p.kind in CREDIT_KINDS
                and p.currency_id.compare_amounts(
                    p.amount, sum(p.move_ids.mapped("amount_residual"))
                )
                > 0
            )
        )
        for proposal in proposals:
            proposal._withdraw(
                self.env._(
                    "its invoices were paid or credited in part: %(amount)s is "
                    "more than the %(open)s still open",
                    amount=format_amount(
                        self.env, proposal.amount, proposal.currency_id
                    ),
                    open=format_amount(
                        self.env,
                        sum(proposal.move_ids.mapped("amount_residual")),
                        proposal.currency_id,
                    ),
                )
            )
        moves.payment_plan_ids._cap_to_open()

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
            plans._set_state("active", {"date_checked": False})
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
            promises._set_state("pending", {"date_settled": False})
            for promise in promises:
                promise.message_post(
                    body=self.env._("%(reason)s Pending again.", reason=reason)
                )

    def _invoice_dispute_is_settled(self):
        """Nothing is left to pay on this invoice, whatever settled it: paid,
        in payment, reversed, or nothing open on it (not the opposite of
        ``is_open_invoice``: a blocked invoice is neither, see
        ``constants.PAID_PAYMENT_STATES``)."""
        self.ensure_one()
        return self.payment_state in PAID_PAYMENT_STATES or (
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
        """Withdraw the reminder notices still queued for these invoices (or
        for the installments of their payment plans), through
        ``invoice.reminder.notice._withdraw``: a reminder still due goes
        again, truthful, at the next run. The reason is noted on the
        invoices and the notices in each notice's internal language
        (``invoice.reminder.notice._get_internal_lang``: its collector's),
        not in that of whoever paid, reset or moved the invoice.

        :param reason: function of an Odoo environment returning why (a
            sentence translated in that environment's language), called
            once per notice with the notice's internal language
        """
        # sudo: notices and their emails are the engine's technical records
        Notice = self.env["invoice.reminder.notice"].sudo()
        notices = Notice.search(
            [
                ("state", "in", Notice._TRANSITIONS["withdrawn"]),
                ("mail_id.state", "=", "outgoing"),
                "|",
                ("log_ids.move_id", "in", self.ids),
                ("plan_line_id.plan_id.move_ids", "in", self.ids),
            ]
        )
        if notices:
            Notice._withdraw(
                {
                    notice: reason(
                        notice.with_context(lang=notice._get_internal_lang()).env
                    )
                    for notice in notices
                },
                internal_lang=True,
            )

    def _invoice_dispute_get_customer_invoices_error(self, partner=None, posted=True):
        """Why these moves are not what a customer's dispute, proposal,
        payment plan, promise to pay or report of payment covers, if
        anything: customer invoices, posted, of one customer -- ``partner``
        (its commercial partner) when given.

        :param partner: res.partner, the document's customer (default: these
            invoices' own, which must be one, and at least one invoice); no
            invoice at all is then no error: whether the document needs some
            is its own rule
        :param bool posted: whether they must be posted (an invoice reset to
            draft or cancelled stays on a closed dispute)
        :return: str, the translated message naming the first wrong move, or
            False
        """
        if not self and not partner:
            return self.env._("Select posted customer invoices of a single customer.")
        not_invoice = self.filtered(lambda m: m.move_type != "out_invoice")[:1]
        if not_invoice:
            return self.env._(
                "%(move)s is not a customer invoice: disputes, proposals, payment "
                "plans and promises cover customer invoices only.",
                move=not_invoice.display_name,
            )
        draft = self.filtered(lambda m: m.state != "posted")[:1] if posted else False
        if draft:
            return self.env._(
                "Invoice %(move)s is not posted: disputes, proposals, payment plans "
                "and promises cover posted invoices only.",
                move=draft.display_name,
            )
        if not partner:
            if len(self.commercial_partner_id) > 1:
                return self.env._("Select invoices of a single customer.")
            return False
        customer = partner.commercial_partner_id
        other = self.filtered(lambda m: m.commercial_partner_id != customer)[:1]
        if other:
            return self.env._(
                "Invoice %(move)s belongs to %(other)s, not to %(partner)s: a "
                "document covers the invoices of its own customer.",
                move=other.display_name,
                other=other.commercial_partner_id.display_name,
                partner=partner.display_name,
            )
        return False

    def _invoice_dispute_check_customer_invoices(self, partner=None, posted=True):
        """Refuse these moves unless they are posted customer invoices of one
        customer, ``partner``'s when given (see
        ``_invoice_dispute_get_customer_invoices_error``).

        :return: res.partner, the customer (commercial partner)
        :raise ValidationError: naming the first wrong move (nothing is
            written)
        """
        error = self._invoice_dispute_get_customer_invoices_error(partner, posted)
        if error:
            raise ValidationError(error)
        return self.commercial_partner_id

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

    @api.model
    def _invoice_dispute_money_entry_sql(self, alias):
        """SQL condition: the ``account_move`` row named ``alias`` is money
        received or paid out, a payment or a bank statement line (SPEC §10,
        "paid means money received"); an invoice, a credit note, a write-off
        or a reversal is not. The SQL twin of the test
        ``_invoice_dispute_money_share`` makes.

        :param str alias: the table alias of an ``account_move`` in the query
        :return: SQL
        """
        return SQL(
            "(%s IS NOT NULL OR %s IS NOT NULL)",
            SQL.identifier(alias, "origin_payment_id"),
            SQL.identifier(alias, "statement_line_id"),
        )

    @api.model
    def _invoice_dispute_money_dates_sql(self, invoices):
        """SQL query of one row ``(move_id, date_paid)`` per invoice among
        ``invoices`` that received money: ``date_paid`` is the date of the last
        payment or bank statement line reconciled with its receivable lines
        (the set rule of ``_invoice_dispute_money_entry_sql``). What credit
        notes, write-offs and reversals settled is not money and is not
        looked at; an invoice settled only by them has no row.

        Flushes what it reads.

        :param SQL invoices: ``account_move`` ids, as a parenthesised
            sub-select (``Query.subselect()``) or a tuple (customer invoices:
            their receivable lines are debits)
        :return: SQL
        """
        self.env["account.move"].flush_model(["origin_payment_id", "statement_line_id"])
        self.env["account.move.line"].flush_model(["move_id", "display_type"])
        self.env["account.partial.reconcile"].flush_model(
            ["debit_move_id", "credit_move_id", "max_date"]
        )
        return SQL(
            """
            SELECT line.move_id, MAX(partial.max_date) AS date_paid
              FROM account_move_line line
              JOIN account_partial_reconcile partial
                   ON partial.debit_move_id = line.id
              JOIN account_move_line counterpart
                   ON counterpart.id = partial.credit_move_id
              JOIN account_move counterpart_move
                   ON counterpart_move.id = counterpart.move_id
             WHERE line.move_id IN %(invoices)s
               AND line.display_type = 'payment_term'
               AND %(money)s
             GROUP BY line.move_id
            """,
            invoices=invoices,
            money=self._invoice_dispute_money_entry_sql("counterpart_move"),
        )

    def _invoice_dispute_list_action(self, move_type="out_invoice"):
        """The customer invoices (or credit notes) list showing these moves."""
        xmlid = {
            "out_invoice": "account.action_move_out_invoice_type",
            "out_refund": "account.action_move_out_refund_type",
        }[move_type]
        return records_action(
            self.env,
            xmlid,
            domain=[("id", "in", self.ids)],
            context={"create": False, "default_move_type": move_type},
        )

    def _invoice_dispute_new_record_action(self, model, name, extra=None):
        partner = self._invoice_dispute_check_customer_invoices()
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

    def _invoice_dispute_receivable_lines(self):
        return self.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        )

    def _invoice_dispute_credit(self, amount, label):
        """Issue a posted credit note of exactly ``amount`` (tax included) on
        this invoice, reconciled with it. Its lines are the invoice's lines in
        proportion (same accounts, taxes and analytic distribution), whatever
        their taxes (several rates, price-included) and the company's tax
        rounding; the last cents of rounding are settled on the biggest line,
        then on the biggest tax group (see :meth:`_invoice_dispute_adjust_total`).

        Called by :meth:`_invoice_dispute_settle` only, which checks the amount.

        :param float amount: amount credited, in the invoice's currency, more
            than zero and at most the invoice's residual
        :param str label: reference of the credit note and prefix of its lines
        :return: the posted credit note (account.move, in the invoice's
            currency), reconciled with the invoice
        :raise UserError: when the invoice's lines cannot give that total
        """
        self.ensure_one()
        invoice = self
        ratio = amount / invoice.amount_total
        product_lines = invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        today = fields.Date.context_today(self)
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
                    "invoice_date": today,
                    # No payment term: an early payment discount or
                    # installments would change what the credit note settles.
                    "invoice_payment_term_id": False,
                    "invoice_date_due": today,
                    "invoice_cash_rounding_id": False,
                    "invoice_user_id": invoice.invoice_user_id.id,
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
                                # the price the taxes apply to, price-included
                                # or not, in proportion
                                "price_unit": line.price_unit
                                * line.quantity
                                * (1.0 - line.discount / 100.0)
                                * ratio,
                                "tax_ids": [Command.set(line.tax_ids.ids)],
                                "analytic_distribution": line.analytic_distribution,
                            }
                        )
                        for line in product_lines
                    ],
                }
            )
        )
        refund._invoice_dispute_adjust_total(amount)
        refund.action_post()
        (
            refund._invoice_dispute_receivable_lines()
            | invoice._invoice_dispute_receivable_lines()
        ).reconcile()
        return refund

    def _invoice_dispute_adjust_total(self, amount):
        """Bring the total of this draft credit note to exactly ``amount``.

        Prices are rounded to the price precision and taxes per line or
        globally: a proportional credit note lands a few cents away. The
        biggest line's price takes the difference first; what tax rounding
        leaves (a cent or so) goes on the biggest tax group's amount, through
        the invoice totals (``tax_totals``) as when a user corrects a tax
        amount there -- the tax a price-included computation of the agreed
        amount gives (1,000 + 21 % credited 10.00: 8.26 + 1.74).

        :param float amount: the total wanted, in the credit note's currency
        :raise UserError: when the total cannot be reached
        """
        self.ensure_one()
        currency = self.currency_id
        biggest = self.invoice_line_ids.sorted("price_total")[-1:]
        for _attempt in range(3):
            diff = amount - self.amount_total
            has_taxes = bool(self.line_ids.filtered("tax_line_id"))
            # one unit left with taxes: tax rounding, not the price
            if not biggest or currency.compare_amounts(
                abs(diff), currency.rounding
            ) <= (0 if has_taxes else -1):
                break
            price = biggest.price_unit
            # the price moves the total in proportion (taxes included or not)
            factor = price / biggest.price_total if price and biggest.price_total else 1
            biggest.price_unit = price + diff * factor
            if currency.is_zero(biggest.price_unit - price):
                break
        diff = currency.round(amount - self.amount_total)
        if not currency.is_zero(diff):
            tax_totals = self.tax_totals
            groups = [
                group
                for subtotal in tax_totals["subtotals"]
                for group in subtotal["tax_groups"]
            ]
            if groups:
                group = max(groups, key=lambda g: abs(g["tax_amount_currency"]))
                group["tax_amount_currency"] += diff
                self.tax_totals = tax_totals
        if currency.compare_amounts(self.amount_total, amount):
            raise UserError(
                self.env._(
                    "The credit note on %(invoice)s totals %(total)s instead of the "
                    "agreed %(amount)s: its lines and taxes cannot give that amount. "
                    "Issue the credit note by hand.",
                    invoice=self.reversed_entry_id.display_name,
                    total=format_amount(self.env, self.amount_total, currency),
                    amount=format_amount(self.env, amount, currency),
                )
            )

    def _invoice_dispute_settle(
        self,
        resolution_type,
        amount=0.0,
        new_date_due=False,
        payment_plan=None,
        dispute=None,
        proposal=None,
    ):
        """Settle these customer invoices, once, as agreed in ``dispute`` (its
        resolution) or in ``proposal`` (accepted by the customer).

        The one place where disputes and proposals give invoices a credit note,
        a new due date, a corrected invoice or an active payment plan. Every
        check comes before anything is written; the other open proposals on
        these invoices (and on ``dispute``) are withdrawn, as the amount is
        now settled.

        :param str resolution_type: a key of ``RESOLUTION_TYPES`` (a proposal
            gives its ``_get_resolution_type``)
        :param float amount: credit_note, discount, write_off: the agreed
            amount, tax included, in the invoices' currency; spread over the
            invoices in proportion to what is in question on each (its
            disputed amount in ``dispute``, else its residual), at most each
            invoice's residual. In ``dispute``, at most what is left of its
            disputed amount after the credit notes already issued for it.
        :param date new_date_due: due_date_extension: the new due date, after
            every current one
        :param payment_plan: payment_plan: the invoice.payment.plan to activate
        :param dispute: the invoice.dispute being settled, if any
        :param proposal: the invoice.dispute.proposal accepted, if any
        :return: tuple (credit notes, corrected draft invoices), account.move
        :raise ValidationError: amount not above zero or above what is open,
            invoices in several currencies, a due date not after the current
            ones (the limits of the values)
        :raise UserError: amount above what is left of the dispute, a dispute
            already settled by an accepted proposal, a credit outside the open
            dispute of an invoice, no payment plan
        """
        self._invoice_dispute_lock(dispute)
        recording = self._invoice_dispute_check_settled_once(
            resolution_type, amount, new_date_due, dispute, proposal
        )
        shares = []
        if recording:
            pass
        elif resolution_type in CREDIT_TYPES:
            shares = self._invoice_dispute_credit_shares(amount, dispute)
        elif resolution_type == "due_date_extension":
            self._invoice_dispute_check_due_date(new_date_due)
        elif resolution_type == "payment_plan" and not payment_plan:
            raise UserError(
                self.env._(
                    "There is no payment plan to activate on %(invoices)s: prepare "
                    "the plan first.",
                    invoices=", ".join(self.mapped("display_name")),
                )
            )

        credit_notes = corrected = self.env["account.move"]
        if shares:
            label = self._invoice_dispute_settlement_label(
                resolution_type, dispute, proposal
            )
            for invoice, share in shares:
                if not invoice.currency_id.is_zero(share):
                    credit_notes |= invoice._invoice_dispute_credit(share, label)
        elif resolution_type == "corrected_invoice":
            credit_notes, corrected = self._invoice_dispute_correct(dispute)
        elif resolution_type == "due_date_extension" and not recording:
            self._invoice_dispute_extend_due_date(new_date_due)
        elif resolution_type == "payment_plan" and payment_plan.state != "active":
            payment_plan.action_activate()
        if resolution_type != "no_change":
            others = self.dispute_proposal_ids
            if dispute:
                others |= dispute.proposal_ids
            others -= proposal or others.browse()
            settled_by = proposal or dispute
            others._withdraw(
                self.env._(
                    "%(record)s settled the same invoices", record=settled_by.name
                )
                if settled_by
                else self.env._("the invoices were settled"),
                keep_plan=payment_plan,
            )
        return credit_notes, corrected

    def _invoice_dispute_check_settled_once(
        self, resolution_type, amount, new_date_due, dispute, proposal
    ):
        """Refuse to settle ``dispute`` a second time.

        An accepted proposal settles its dispute: another proposal cannot, and
        resolving the dispute records that settlement without crediting or
        moving anything again. A corrected invoice (a full credit note) is
        refused once the dispute credited something.

        :return: True when the resolution only records the accepted proposal
        :raise UserError: when the dispute would be settled twice
        """
        if not dispute:
            return False
        settled_by = dispute.accepted_proposal_id
        if settled_by and proposal and settled_by != proposal:
            raise UserError(
                self.env._(
                    "Dispute %(dispute)s is already settled by proposal %(settled)s: "
                    "proposal %(proposal)s cannot settle it a second time.",
                    dispute=dispute.name,
                    settled=settled_by.name,
                    proposal=proposal.name,
                )
            )
        currency = dispute.currency_id
        credited = format_amount(self.env, dispute.amount_credited, currency)
        recording = bool(settled_by and not proposal)
        if recording and (
            (resolution_type in CREDIT_TYPES and not currency.is_zero(amount))
            or (resolution_type == "due_date_extension" and new_date_due)
            or resolution_type == "corrected_invoice"
        ):
            raise UserError(
                self.env._(
                    "Dispute %(dispute)s is already settled by the accepted proposal "
                    "%(proposal)s (%(credited)s credited): resolving it settles "
                    "nothing a second time. Resolve it without an amount, new due "
                    "date or corrected invoice.",
                    dispute=dispute.name,
                    proposal=settled_by.name,
                    credited=credited,
                )
            )
        if resolution_type == "corrected_invoice" and not currency.is_zero(
            dispute.amount_credited
        ):
            raise UserError(
                self.env._(
                    "Dispute %(dispute)s already credited %(credited)s: a corrected "
                    "invoice would credit its invoices in full on top of that. "
                    "Resolve it with a credit note instead.",
                    dispute=dispute.name,
                    credited=credited,
                )
            )
        return recording

    def _invoice_dispute_lock(self, dispute=None):
        """Lock these invoices (and ``dispute``) until the end of the
        transaction: two settlements of the same invoices at the same moment
        (a customer accepting online while a collector resolves) run one after
        the other, and the second sees what the first settled (or is retried
        by Odoo on a serialization failure)."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM account_move WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(self.ids) or (0,),
            )
        )
        if dispute:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM invoice_dispute WHERE id = %s FOR UPDATE",
                    dispute.id,
                )
            )

    def _invoice_dispute_check_credit_amount(self, amount):
        """Refuse a credit these invoices cannot take: the limits of a credit
        note, discount or write-off, for a dispute's resolution and a
        proposal alike.

        :param float amount: the credit, tax included, in the invoices'
            currency
        :raise ValidationError: invoices in several currencies, amount not
            above zero or above what is open on the invoices
        """
        currency = self.currency_id
        if len(currency) > 1:
            raise ValidationError(
                self.env._(
                    "The invoices to credit are in %(currencies)s: a credit covers "
                    "invoices of one currency.",
                    currencies=", ".join(currency.mapped("name")),
                )
            )
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(
                self.env._("The amount to credit must be greater than zero.")
            )
        residual = sum(self.mapped("amount_residual"))
        if currency.compare_amounts(amount, residual) > 0:
            raise ValidationError(
                self.env._(
                    "The amount to credit (%(amount)s) exceeds what is still open on "
                    "the invoices (%(residual)s).",
                    amount=format_amount(self.env, amount, currency),
                    residual=format_amount(self.env, residual, currency),
                )
            )

    def _invoice_dispute_credit_shares(self, amount, dispute=None):
        """Check ``amount`` and spread it over these invoices.

        :param float amount: the agreed credit, tax included, in the invoices'
            currency
        :param dispute: the invoice.dispute settled, if any: the shares follow
            its disputed amounts, the total stays within what is left of them
        :return: list of (invoice, share)
        :raise ValidationError: amount not above zero or above what is open
            on the invoices (see ``_invoice_dispute_check_credit_amount``)
        :raise UserError: amount above what is left of the dispute, or
            credited outside the open dispute of an invoice
        """
        self._invoice_dispute_check_credit_amount(amount)
        currency = self.currency_id
        disputed = {}
        if dispute:
            left = dispute._get_amount_to_credit(ignore_settlement=True)
            if currency.compare_amounts(amount, left) > 0:
                raise UserError(
                    self.env._(
                        "The amount to credit (%(amount)s) exceeds what is left of "
                        "dispute %(dispute)s: %(disputed)s disputed, %(credited)s "
                        "already credited, %(residual)s open on its invoices, so at "
                        "most %(left)s. To credit more, raise the disputed amounts "
                        "first.",
                        amount=format_amount(self.env, amount, currency),
                        dispute=dispute.name,
                        disputed=format_amount(
                            self.env,
                            sum(dispute.line_ids.mapped("disputed_amount")),
                            currency,
                        ),
                        credited=format_amount(
                            self.env, dispute.amount_credited, currency
                        ),
                        residual=format_amount(
                            self.env, dispute.amount_residual, currency
                        ),
                        left=format_amount(self.env, left, currency),
                    )
                )
            for line in dispute.line_ids:
                disputed[line.move_id] = line.disputed_amount
        else:
            in_dispute = self.filtered(lambda m: m.dispute_state == "open")[:1]
            if in_dispute:
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s is disputed in %(dispute)s: credit it "
                        "through that dispute (resolve it, or propose from it) so "
                        "that the amount is settled once.",
                        invoice=in_dispute.display_name,
                        dispute=in_dispute._invoice_dispute_get_open_dispute().name,
                    )
                )
        weights = [
            (
                invoice,
                min(
                    disputed.get(invoice, invoice.amount_residual),
                    invoice.amount_residual,
                ),
            )
            for invoice in self
        ]
        return split_amount(
            currency,
            amount,
            weights,
            caps={invoice: invoice.amount_residual for invoice in self},
        )

    def _invoice_dispute_settlement_label(self, resolution_type, dispute, proposal):
        """Reference of the credit notes of a settlement, in the user's
        language: what was agreed and where."""
        if proposal:
            return self.env._(
                "%(kind)s agreed in proposal %(name)s",
                kind=proposal._get_kind_label(),
                name=proposal.name,
            )
        label = self.env["invoice.dispute"]._get_resolution_label(resolution_type)
        if not dispute:
            return label
        return self.env._(
            "%(type)s agreed in dispute %(dispute)s", type=label, dispute=dispute.name
        )

    def _invoice_dispute_correct(self, dispute):
        """Cancel each invoice with a full credit note and prepare a corrected
        draft, with Odoo's own reversal wizard.

        :return: tuple (credit notes, corrected draft invoices)
        """
        earlier_refunds = self.reversal_move_ids
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=self.ids)
            .create(
                {
                    "journal_id": self[0].journal_id.id,
                    "reason": self.env._("Corrected in dispute %s", dispute.name),
                    "date": fields.Date.context_today(self),
                }
            )
        )
        reversal.modify_moves()
        return self.reversal_move_ids - earlier_refunds, reversal.new_move_ids

    def _invoice_dispute_check_due_date(self, new_date):
        """Refuse a new due date that is not after every current due date
        (for a dispute's resolution and a proposal alike).

        :param date new_date: the new due date
        :raise ValidationError: no date, or a date not after the current due
            date of one of these invoices
        """
        if not new_date:
            raise ValidationError(self.env._("Set the new due date of the invoices."))
        for invoice in self:
            if invoice.invoice_date_due and new_date <= invoice.invoice_date_due:
                raise ValidationError(
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
        """Who follows this invoice up (``res.partner._get_responsible_user``):
        the customer's collector, else the invoice's salesperson, else the
        company's dispute manager; never a system user.

        :return: res.users, one user or empty
        """
        self.ensure_one()
        return self.commercial_partner_id._get_responsible_user(self.company_id, self)

    def _filter_named_in_text(self, text):
        """The invoices among these whose number (``name``) or payment
        reference appears in ``text`` (a customer's words), as a whole word,
        case and surrounding punctuation ignored: which invoices a reply
        means.

        :param str text: plain text
        :return: account.move records, possibly empty
        """
        text = text or ""

        def named(move):
            for reference in {move.name, move.payment_reference} - {False, "/"}:
                pattern = rf"(?<![\w/-]){re.escape(reference)}(?![\w/-])"
                if re.search(pattern, text, re.IGNORECASE):
                    return True
            return False

        return self.filtered(named)

    def _get_reminder_recipient(self):
        """Who receives this invoice's reminders: the customer's active
        accounts-payable contact with an email, else the invoice's address
        (``res.partner._get_payment_recipient``)."""
        self.ensure_one()
        return self.partner_id._get_payment_recipient()

    def _get_reminder_credit_lines(self):
        """The customer's open credits (credit notes not applied, payments not
        matched) that a reminder of these invoices (one customer, company and
        currency) lists and deducts: those in their company and currency.

        :return: account.move.line records, each open for
            ``-amount_residual_currency`` in the invoices' currency
        """
        main = self[:1]
        return main.commercial_partner_id._get_open_credit_lines(
            main.company_id, main.currency_id
        )

    @api.model
    def _get_open_invoice_domain(self):
        """Domain of the customer invoices still open: posted, not paid or
        partly paid (``constants.OPEN_PAYMENT_STATES``, which says why not
        in payment nor blocked), with an open amount: the one definition of
        an open invoice (``is_open_invoice`` is computed and searched from
        it). The customer statement lists all of them; the reminders ask for
        those whose reminders are not paused.

        :return: domain on account.move
        """
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", OPEN_PAYMENT_STATES),
            ("amount_residual", ">", 0),
        ]

    @api.model
    def _get_reminder_due_domain(self):
        """Domain of the invoices a customer is asked to pay: open posted
        customer invoices whose reminders are not paused (the due date is
        filtered by the caller)."""
        return [*self._get_open_invoice_domain(), ("reminder_excluded", "=", False)]

    def _get_reminder_due_amount(self, date=None):
        """What the customer owes, in these invoices' company and currency,
        on the invoices a reminder of these invoices covers: those of
        ``_get_reminder_due_domain`` due by ``date`` (default today) or by
        the latest due date the reminder lists (the listed ones included)."""
        currency = self[:1].currency_id
        due = self._get_reminder_due_invoices(date=date)
        return sum(
            due.filtered(lambda m: m.currency_id == currency).mapped("amount_residual")
        )

    def _get_reminder_due_invoices(self, date=None):
        """The customer's invoices (in these invoices' company, every
        currency) that a reminder of these invoices (one customer) counts as
        owed: those of ``_get_reminder_due_domain`` due by ``date`` or by the
        latest due date the reminder lists.

        :param date: the reminder's date (``datetime.date``; default today):
            the check before sending counts by the notice's date, as the
            notice was written, so that an invoice falling due meanwhile
            does not change what it asked
        :return: account.move records
        """
        main = self[:1]
        horizon = max(
            [date or fields.Date.context_today(self), *self.mapped("invoice_date_due")]
        )
        return self.search(
            [
                *self._get_reminder_due_domain(),
                ("commercial_partner_id", "=", main.commercial_partner_id.id),
                ("company_id", "=", main.company_id.id),
                ("invoice_date_due", "<=", horizon),
            ]
        )

    def _get_reminder_totals(self, date=None, credit_lines=None, amount_due=None):
        """What a reminder of these invoices (one customer, company and
        currency) asks, in their currency: the one computation of a
        reminder's amounts, for the engine writing the notice and for the
        check before sending it.

        :param date: see ``_get_reminder_due_invoices``; only used when
            ``amount_due`` is not given
        :param credit_lines: the customer's open credits in these invoices'
            company and currency (account.move.line), when the caller has
            them already (the engine fetches them for its whole batch);
            default ``_get_reminder_credit_lines()``
        :param amount_due: what the customer owes on the invoices due by
            then, in these invoices' currency, when the caller has it already
            (the engine's batch ``DueAmounts``); default
            ``_get_reminder_due_amount(date=date)``
        :return: ``(open, credit, net, other)`` (floats, the invoices'
            currency) -- the open amount of the invoices it lists, the
            customer's open credits (not rounded), the net amount due (what
            the customer owes on the invoices due by then, listed or not,
            less the credits: the engine sends no reminder where it is not
            positive) and the part of it on invoices it does not list; the
            amount due itself is ``open + other``
        """
        currency = self[:1].currency_id
        amount_open = sum(self.mapped("amount_residual"))
        if credit_lines is None:
            credit_lines = self._get_reminder_credit_lines()
        amount_credit = credit_lines._get_open_credit_total()
        if amount_due is None:
            amount_due = self._get_reminder_due_amount(date=date)
        amount_due = max(amount_due, amount_open)
        return (
            amount_open,
            amount_credit,
            currency.round(amount_due - amount_credit),
            currency.round(amount_due - amount_open),
        )

    def _get_reminder_other_credit_lines(self):
        """The customer's open credits in these invoices' company in
        currencies other than theirs: a reminder lists them apart, each in
        its own currency, and never adds them to the invoices' currency
        total.

        :return: account.move.line records, each open for
            ``-amount_residual_currency`` in its own ``currency_id``
        """
        main = self[:1]
        lines = main.commercial_partner_id._get_open_credit_lines(main.company_id)
        return lines.filtered(lambda line: line.currency_id != main.currency_id)

    def _get_reminder_balance(self, date=None):
        """The customer's net balance in company currency, all currencies
        together, as the worklist and the call sheet count it: what it owes
        on the invoices a reminder of these invoices (one customer) covers,
        in every currency (``amount_residual_signed`` of the invoices of
        ``_get_reminder_due_domain`` due by today or by the latest due date
        the reminder lists) less all its open credits in the company
        (``-amount_residual``). The engine sends no reminder where it is not
        positive. ``date``: see ``_get_reminder_due_invoices``.

        :return: float, in the company's currency
        """
        main = self[:1]
        due = self._get_reminder_due_invoices(date=date)
        credits = main.commercial_partner_id._get_open_credit_lines(main.company_id)
        return main.company_currency_id.round(
            sum(due.mapped("amount_residual_signed"))
            + sum(credits.mapped("amount_residual"))
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
                    # only what was kept for the next invoice rides on it
                    ("method", "=", "next_invoice"),
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
