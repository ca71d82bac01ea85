from odoo import api, fields, models

from ..models.constants import (
    CREDIT_TYPES,
    RESOLUTION_TYPES,
    ROOT_CAUSES,
)


class InvoiceDisputeResolveWizard(models.TransientModel):
    _name = "invoice.dispute.resolve.wizard"
    _description = "Resolve an Invoice Dispute"

    dispute_id = fields.Many2one("invoice.dispute", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="dispute_id.company_id")
    currency_id = fields.Many2one(related="dispute_id.currency_id")
    amount_disputed = fields.Monetary(related="dispute_id.amount_disputed")
    amount_residual = fields.Monetary(related="dispute_id.amount_residual")
    amount_credited = fields.Monetary(related="dispute_id.amount_credited")
    accepted_proposal_id = fields.Many2one(related="dispute_id.accepted_proposal_id")
    resolution_type = fields.Selection(
        RESOLUTION_TYPES,
        required=True,
        compute="_compute_resolution_type",
        store=True,
        readonly=False,
        precompute=True,
    )
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        help="Amount credited, tax included, spread over the disputed invoices in "
        "proportion to their disputed amounts: at most the disputed amount less "
        "what was already credited for the dispute.",
    )
    new_date_due = fields.Date(string="New due date")
    note = fields.Html(string="Resolution note")
    root_cause = fields.Selection(
        ROOT_CAUSES, compute="_compute_root_cause", store=True, readonly=False
    )
    preventive_action = fields.Text(
        compute="_compute_root_cause", store=True, readonly=False
    )

    @api.depends("dispute_id")
    def _compute_resolution_type(self):
        """What the accepted proposal agreed, else a credit note."""
        for wizard in self:
            proposal = wizard.dispute_id.accepted_proposal_id
            wizard.resolution_type = (
                proposal._get_resolution_type() if proposal else "credit_note"
            )

    @api.depends("dispute_id", "resolution_type")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = (
                wizard.dispute_id._get_amount_to_credit()
                if wizard.dispute_id and wizard.resolution_type in CREDIT_TYPES
                else 0.0
            )

    @api.depends("dispute_id")
    def _compute_root_cause(self):
        for wizard in self:
            wizard.root_cause = wizard.dispute_id.root_cause
            wizard.preventive_action = wizard.dispute_id.preventive_action

    def action_confirm(self):
        """Resolve the dispute with what was entered (see
        ``invoice.dispute._resolve``)."""
        self.ensure_one()
        self.dispute_id._resolve(
            self.resolution_type,
            amount=self.amount if self.resolution_type in CREDIT_TYPES else 0.0,
            new_date_due=self.new_date_due
            if self.resolution_type == "due_date_extension"
            else False,
            note=self.note,
            root_cause=self.root_cause,
            preventive_action=self.preventive_action,
        )
        return {"type": "ir.actions.act_window_close"}
