from odoo import api, fields, models

from .constants import EXCLUSION_REASONS
from .invoice_workflow_mixin import check_parent_not_closed


class InvoiceCallSheetLine(models.Model):
    """An overdue invoice as the collector saw it when preparing the call:
    the figures are copied, not related, so the sheet stays a record of what
    was known."""

    _name = "invoice.call.sheet.line"
    _description = "Call Sheet Overdue Invoice"
    _order = "sheet_id, invoice_date_due, id"

    sheet_id = fields.Many2one(
        "invoice.call.sheet", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="sheet_id.company_id", store=True)
    company_currency_id = fields.Many2one(
        related="sheet_id.currency_id", string="Company currency"
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, ondelete="set null"
    )
    move_name = fields.Char(string="Number", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    invoice_date = fields.Date(readonly=True)
    invoice_date_due = fields.Date(string="Due date", readonly=True)
    amount_total = fields.Monetary(string="Invoice total", readonly=True)
    amount_residual = fields.Monetary(string="Open", readonly=True)
    amount_residual_company = fields.Monetary(
        string="Open (company currency)",
        currency_field="company_currency_id",
        readonly=True,
    )
    days_overdue = fields.Integer(readonly=True)
    is_sent = fields.Boolean(string="Sent", readonly=True)
    is_due = fields.Boolean(
        string="Due now",
        readonly=True,
        help="Due and not arranged when the sheet was prepared "
        "(not under dispute, in a payment plan, promised or blocked).",
    )
    reminder_exclusion_reason = fields.Selection(
        EXCLUSION_REASONS, string="Reminders paused", readonly=True
    )
    dispute_id = fields.Many2one("invoice.dispute", readonly=True, ondelete="set null")
    dispute_reason = fields.Char(readonly=True)
    disputed_amount = fields.Monetary(readonly=True)
    complaint = fields.Text(
        readonly=True, help="The customer's words in the open dispute on this invoice."
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_parent_not_closed(
            self, "sheet_id", [vals.get("sheet_id") for vals in vals_list]
        )
        return super().create(vals_list)

    def write(self, vals):
        # the overdue invoices as they were when the call was made
        check_parent_not_closed(self, "sheet_id", [vals.get("sheet_id")])
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_sheet(self):
        check_parent_not_closed(self, "sheet_id")
