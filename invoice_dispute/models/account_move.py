from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from .invoice_dispute import OPEN_STATES

EXCLUSION_REASONS = [
    ("dispute", "Open dispute"),
    ("plan", "Payment plan"),
    ("promise", "Promise to pay"),
    ("partner_block", "Customer blocked"),
]


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

    @api.depends("dispute_line_ids.dispute_id")
    def _compute_dispute_ids(self):
        for move in self:
            move.dispute_ids = move.dispute_line_ids.dispute_id
            move.dispute_count = len(move.dispute_ids)

    def _search_dispute_ids(self, operator, value):
        return [("dispute_line_ids.dispute_id", operator, value)]

    @api.depends("dispute_line_ids.state", "dispute_line_ids.disputed_amount")
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
            move.amount_disputed = sum(open_lines.mapped("disputed_amount"))

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

    @api.depends(
        "dispute_state",
        "payment_plan_ids.state",
        "payment_promise_ids.state",
        "commercial_partner_id.reminder_block_until",
    )
    @api.depends_context("date")
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
                "default_currency_id": invoices[:1].currency_id.id,
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
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "invoice_dispute.invoice_dispute_action"
        )
        action["domain"] = [("id", "in", self.dispute_ids.ids)]
        action["context"] = {"create": False}
        if len(self.dispute_ids) == 1:
            action.update(view_mode="form", res_id=self.dispute_ids.id, views=[])
        return action

    # ------------------------------------------------------------------
    # Payment reminders and back-billing
    # ------------------------------------------------------------------
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

    def _get_reminder_recipient(self):
        """Who receives this invoice's reminders: the customer's
        accounts-payable contact when it has an email, else the invoice's
        address."""
        self.ensure_one()
        contact = self.commercial_partner_id._get_ar_contact()
        return contact if contact.email else self.partner_id

    def _get_reminder_moves(self):
        """The invoices a reminder rendered on this invoice lists: the whole
        group of a consolidated reminder (given in the context), else itself."""
        self.ensure_one()
        group_ids = (self.env.context.get("reminder_groups") or {}).get(self.id)
        return self.browse(group_ids) if group_ids else self

    def _post(self, soft=True):
        back_billings = self._add_pending_back_billing()
        posted = super()._post(soft=soft)
        if back_billings:
            back_billings._log_billed()
        return posted

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
