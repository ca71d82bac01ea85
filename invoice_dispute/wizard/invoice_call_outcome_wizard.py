from odoo import api, fields, models

from ..models.constants import (
    AGREEMENT_OUTCOMES,
    INTERVALS,
    OPEN_CUSTOMER_INVOICES_DOMAIN,
    OUTCOMES,
)


class InvoiceCallOutcomeWizard(models.TransientModel):
    """Record what came out of a collection call: create the promise, dispute
    or draft payment plan, confirm the agreement to the customer by email in
    their language, tell colleagues with an internal note and schedule the
    next "Collection call" activity."""

    _name = "invoice.call.outcome.wizard"
    _description = "Log a Collection Call Outcome"

    call_sheet_id = fields.Many2one(
        "invoice.call.sheet", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="call_sheet_id.company_id")
    partner_id = fields.Many2one(related="call_sheet_id.partner_id")
    contact_id = fields.Many2one(
        "res.partner",
        compute="_compute_contact_id",
        store=True,
        readonly=False,
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
        help="The person you spoke to; the written confirmation goes to them.",
    )
    outcome = fields.Selection(OUTCOMES, required=True, default="promise")
    move_ids = fields.Many2many(
        "account.move",
        "invoice_call_outcome_wizard_move_rel",
        "wizard_id",
        "move_id",
        string="Invoices",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        domain=f"{OPEN_CUSTOMER_INVOICES_DOMAIN} + [('company_id', '=', company_id)]",
        help="The invoices the promise, dispute or payment plan is about.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_amount_open")
    amount_open = fields.Monetary(
        string="Open on these invoices", compute="_compute_amount_open"
    )
    promise_amount = fields.Monetary(
        help="Amount the customer promises to pay, in the invoices' currency: "
        "greater than zero and at most what is open on the selected invoices.",
    )
    promise_date = fields.Date(string="Promised payment date")
    reason_id = fields.Many2one("invoice.dispute.reason", string="Dispute reason")
    statement = fields.Text(
        string="Customer's words", help="The concern exactly as the customer put it."
    )
    plan_installment_count = fields.Integer(
        string="Installments",
        default=3,
        help="Number of installments of the payment plan, 1 or more.",
    )
    plan_interval = fields.Selection(
        INTERVALS,
        string="Interval",
        default="monthly",
    )
    plan_date_first = fields.Date(string="First installment")
    note = fields.Text(
        string="Internal note", help="What colleagues should know about this call."
    )
    next_date = fields.Date(
        string="Next activity",
        compute="_compute_next_date",
        store=True,
        readonly=False,
        help="When the next collection call is scheduled.",
    )
    send_confirmation = fields.Boolean(
        string="Email the confirmation",
        compute="_compute_send_confirmation",
        store=True,
        readonly=False,
        help="Email the written confirmation of the agreement to the contact.",
    )

    @api.depends("call_sheet_id")
    def _compute_contact_id(self):
        for wizard in self:
            wizard.contact_id = wizard.call_sheet_id._get_contact()

    @api.depends("call_sheet_id", "outcome", "promise_amount")
    def _compute_move_ids(self):
        """The invoices due now and not arranged (the sheet's due lines,
        still so today: ``account.move._get_collection_due_domain``); for a
        promise, those its amount covers, oldest first."""
        today = fields.Date.context_today(self)
        due_domain = self.env["account.move"]._get_collection_due_domain(today)
        for wizard in self:
            moves = wizard.call_sheet_id.due_line_ids.move_id.filtered_domain(
                due_domain
            )
            if wizard.outcome == "promise" and wizard.promise_amount > 0:
                moves = moves._select_covered_by(wizard.promise_amount)
            wizard.move_ids = moves

    @api.depends("move_ids", "company_id")
    def _compute_amount_open(self):
        for wizard in self:
            currency, amount = wizard.move_ids._get_open_amount()
            # no invoices: nothing open, in the company's currency
            wizard.currency_id = currency or wizard.company_id.currency_id
            wizard.amount_open = amount

    @api.depends("outcome", "promise_date")
    def _compute_next_date(self):
        CallSheet = self.env["invoice.call.sheet"]
        for wizard in self:
            wizard.next_date = CallSheet._get_next_call_date(
                wizard.outcome, wizard.promise_date
            )

    @api.depends("outcome")
    def _compute_send_confirmation(self):
        for wizard in self:
            wizard.send_confirmation = wizard.outcome in AGREEMENT_OUTCOMES

    def action_confirm(self):
        """Record the outcome entered (``invoice.call.sheet.record_outcome``)."""
        self.ensure_one()
        self.call_sheet_id.record_outcome(
            self.outcome,
            self.contact_id,
            self.move_ids,
            note=self.note,
            next_date=self.next_date,
            send_confirmation=self.send_confirmation,
            promise_amount=self.promise_amount,
            promise_date=self.promise_date,
            reason=self.reason_id,
            statement=self.statement,
            plan_installment_count=self.plan_installment_count,
            plan_interval=self.plan_interval,
            plan_date_first=self.plan_date_first,
        )
        return {"type": "ir.actions.act_window_close"}
