from odoo import fields, models


class InvoiceDisputeProposal(models.Model):
    _name = "invoice.dispute.proposal"
    _description = "Settlement Proposal"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    dispute_id = fields.Many2one("invoice.dispute", index=True, check_company=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
    )
    move_ids = fields.Many2many(
        "account.move",
        "invoice_dispute_proposal_move_rel",
        "proposal_id",
        "move_id",
        string="Invoices",
        check_company=True,
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    kind = fields.Selection(
        [
            ("discount", "Discount"),
            ("due_date_extension", "Due date extension"),
            ("partial_adjustment", "Partial adjustment"),
            ("write_off", "Write-off"),
            ("payment_plan", "Payment plan"),
        ],
        required=True,
        default="discount",
        tracking=True,
    )
    amount = fields.Monetary(tracking=True)
    percent = fields.Float()
    new_date_due = fields.Date()
    payment_plan_id = fields.Many2one("invoice.payment.plan", check_company=True)
    valid_until = fields.Date()
    user_id = fields.Many2one(
        "res.users", string="Proposed by", default=lambda self: self.env.user
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To approve"),
            ("approved", "Approved"),
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("declined", "Declined"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )

    # completed by the proposals feature
    def action_accept(self):
        self.write({"state": "accepted"})
        return True

    # completed by the proposals feature
    def action_decline(self):
        self.write({"state": "declined"})
        return True
