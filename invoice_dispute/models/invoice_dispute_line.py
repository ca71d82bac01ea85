from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount

from .constants import OPEN_CUSTOMER_INVOICES_DOMAIN, OPEN_STATES
from .invoice_workflow_mixin import check_parent_not_closed


class InvoiceDisputeLine(models.Model):
    _name = "invoice.dispute.line"
    _description = "Disputed Invoice"
    _order = "dispute_id, id"
    _check_company_auto = True

    dispute_id = fields.Many2one(
        "invoice.dispute",
        required=True,
        ondelete="cascade",
        index=True,
        help="Dispute the line belongs to.",
    )
    company_id = fields.Many2one(related="dispute_id.company_id", store=True)
    currency_id = fields.Many2one(related="dispute_id.currency_id")
    partner_id = fields.Many2one(related="dispute_id.partner_id")
    state = fields.Selection(
        related="dispute_id.state",
        store=True,
        help="Stage of the dispute of the line.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain=OPEN_CUSTOMER_INVOICES_DOMAIN,
        help="Posted customer invoice of the dispute's customer, with an amount still "
        "open.",
    )
    invoice_date_due = fields.Date(related="move_id.invoice_date_due")
    amount_total = fields.Monetary(
        string="Invoice total", related="move_id.amount_total"
    )
    amount_residual = fields.Monetary(
        string="Open on invoice", related="move_id.amount_residual"
    )
    disputed_amount = fields.Monetary(
        required=True,
        help="The amount the customer disputes on this invoice, taxes included, in "
        "the invoice's currency: greater than zero and at most what is open on it "
        "when the line is written.",
    )
    disputed_amount_capped = fields.Monetary(
        string="Still disputed",
        compute="_compute_disputed_amount_capped",
        store=True,
        help="While the dispute is open: the disputed amount, at most what is "
        "still open on the invoice (a payment or credit note on the invoice "
        "lowers it, never below zero). Once the dispute is closed: the amount "
        "that was disputed.",
    )
    note = fields.Char(help="What exactly is disputed on this invoice.")

    _sql_constraints = [
        (
            "move_dispute_uniq",
            "unique(dispute_id, move_id)",
            "An invoice can appear only once in a dispute.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        check_parent_not_closed(
            self, "dispute_id", [vals.get("dispute_id") for vals in vals_list]
        )
        return super().create(vals_list)

    def write(self, vals):
        # the note is free text; the invoices and amounts of a closed dispute
        # are what it was settled on
        if set(vals) - {"note"}:
            check_parent_not_closed(self, "dispute_id", [vals.get("dispute_id")])
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_dispute(self):
        check_parent_not_closed(self, "dispute_id")

    @api.depends("disputed_amount", "state", "move_id.amount_residual")
    def _compute_disputed_amount_capped(self):
        for line in self:
            if line.state in OPEN_STATES:
                line.disputed_amount_capped = max(
                    min(line.disputed_amount, line.move_id.amount_residual), 0.0
                )
            else:
                line.disputed_amount_capped = line.disputed_amount

    @api.onchange("move_id")
    def _onchange_move_id(self):
        if self.move_id and not self.disputed_amount:
            self.disputed_amount = self.move_id.amount_residual

    @api.constrains("move_id", "disputed_amount")
    def _check_move(self):
        """The invoice fits the dispute, and 0 < disputed <= its residual
        when the line is written."""
        self._check_move_documents()
        self._check_disputed_amount()

    def _check_move_documents(self):
        """The invoice is a customer invoice of the dispute's customer
        (``account.move._invoice_dispute_check_customer_invoices``), posted
        while the dispute is open, of its company and currency.

        Checked again when the dispute's customer, company or currency
        changes; the amounts are not: a payment received since the line was
        written lowers the invoice's residual, and the capped amount
        (``disputed_amount_capped``) follows it."""
        for line in self:
            move = line.move_id
            dispute = line.dispute_id
            move._invoice_dispute_check_customer_invoices(
                dispute.partner_id, posted=dispute.is_open
            )
            if move.company_id != dispute.company_id:
                raise ValidationError(
                    self.env._(
                        "Invoice %(move)s belongs to company %(other)s, not to "
                        "%(company)s: a dispute covers the invoices of one company.",
                        move=move.display_name,
                        other=move.company_id.name,
                        company=dispute.company_id.name,
                    )
                )
            # all the dispute's invoices: mixed currencies are named as such
            dispute.line_ids.move_id._invoice_dispute_check_currency(dispute)

    def _check_disputed_amount(self):
        """0 < disputed amount <= what is open on the invoice
        (``_get_disputed_amount_error``)."""
        for line in self:
            error = self._get_disputed_amount_error(line.move_id, line.disputed_amount)
            if error:
                raise ValidationError(error)

    @api.model
    def _get_disputed_amount_error(self, move, amount):
        """What is wrong with disputing ``amount`` on invoice ``move``, if
        anything: the one amount rule of a disputed invoice, greater than
        zero and at most what is open on it (its residual), checked by the
        lines' constraint and shown by the portal form at its field.

        :param move: account.move, one customer invoice
        :param amount: float in the invoice's currency, or None (not given)
        :return: str, the translated message, or False
        """
        currency = move.currency_id
        if amount is None or currency.compare_amounts(amount, 0.0) <= 0:
            return self.env._(
                "The disputed amount on %(move)s must be greater than zero.",
                move=move.display_name,
            )
        if currency.compare_amounts(amount, move.amount_residual) > 0:
            return self.env._(
                "The disputed amount on %(move)s (%(amount)s) exceeds what is "
                "still open on it (%(residual)s).",
                move=move.display_name,
                amount=format_amount(self.env, amount, currency),
                residual=format_amount(self.env, move.amount_residual, currency),
            )
        return False
