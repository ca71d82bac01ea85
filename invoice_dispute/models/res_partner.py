from odoo import api, fields, models

from .invoice_dispute import OPEN_STATES


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_ar_contact = fields.Boolean(
        string="Accounts payable contact",
        help="This person is responsible for paying the company's invoices.",
    )
    ar_contact_id = fields.Many2one(
        "res.partner",
        string="Payment contact",
        domain="[('parent_id', '=', id)]",
        help="The person to call or email about overdue invoices.",
    )
    payment_weekday = fields.Selection(
        [
            ("0", "Monday"),
            ("1", "Tuesday"),
            ("2", "Wednesday"),
            ("3", "Thursday"),
            ("4", "Friday"),
            ("5", "Saturday"),
            ("6", "Sunday"),
        ],
        string="Weekly payment day",
    )
    ar_availability = fields.Char(
        string="Availability", help="When the payment contact can be reached."
    )
    collector_id = fields.Many2one("res.users", domain="[('share', '=', False)]")
    reminder_block_until = fields.Date(
        string="Reminders paused until",
        help="No automated reminders go to this customer until this date "
        "(included); the pause lifts itself afterwards.",
    )
    reminder_block_reason = fields.Char(string="Reminder pause reason")
    dispute_ids = fields.One2many("invoice.dispute", "partner_id", string="Disputes")
    dispute_count = fields.Integer(compute="_compute_dispute_counts")
    dispute_open_count = fields.Integer(compute="_compute_dispute_counts")

    @api.depends("dispute_ids.state")
    def _compute_dispute_counts(self):
        groups = self.env["invoice.dispute"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id", "state"],
            ["__count"],
        )
        total, open_ = {}, {}
        for partner, state, count in groups:
            total[partner.id] = total.get(partner.id, 0) + count
            if state in OPEN_STATES:
                open_[partner.id] = open_.get(partner.id, 0) + count
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.dispute_count = total.get(key, 0)
            partner.dispute_open_count = open_.get(key, 0)

    def action_view_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "invoice_dispute.invoice_dispute_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # ------------------------------------------------------------------
    # Reminders and back-billing
    # ------------------------------------------------------------------
    back_billing_ids = fields.One2many(
        "invoice.back.billing", "partner_id", string="Back-billing"
    )
    back_billing_count = fields.Integer(compute="_compute_back_billing_count")

    def _compute_back_billing_count(self):
        groups = self.env["invoice.back.billing"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.back_billing_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_view_back_billing(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "invoice_dispute.invoice_back_billing_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    @api.model
    def _get_customer_type_domain(self, customer_type):
        """Domain on res.partner matching the commercial partners of a type:
        companies and customers with a VAT number are B2B, the others B2C."""
        b2b = ["|", ("is_company", "=", True), ("vat", "not in", (False, ""))]
        return b2b if customer_type == "b2b" else ["!", *b2b]

    def _get_customer_type(self):
        """``b2b`` or ``b2c`` for this customer (its commercial partner)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return "b2b" if partner.is_company or partner.vat else "b2c"

    def _get_ar_contact(self):
        """The customer's accounts-payable contact: the payment contact set on
        the commercial partner, else a contact flagged as responsible for
        paying; an empty recordset when there is none."""
        self.ensure_one()
        partner = self.commercial_partner_id
        contact = partner.ar_contact_id or partner.child_ids.filtered("is_ar_contact")
        return contact[:1]
