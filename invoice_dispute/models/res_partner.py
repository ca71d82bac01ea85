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
    payment_plan_count = fields.Integer(compute="_compute_collection_counts")
    payment_promise_count = fields.Integer(compute="_compute_collection_counts")
    dispute_proposal_count = fields.Integer(compute="_compute_collection_counts")

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

    def _compute_collection_counts(self):
        """Plans, promises and proposals of the commercial partner, counted in
        one aggregated query per model."""
        partners = self.commercial_partner_id
        counts = {}
        for model, field in (
            ("invoice.payment.plan", "payment_plan_count"),
            ("invoice.payment.promise", "payment_promise_count"),
            ("invoice.dispute.proposal", "dispute_proposal_count"),
        ):
            groups = self.env[model]._read_group(
                [("partner_id", "in", partners.ids)], ["partner_id"], ["__count"]
            )
            counts[field] = {partner.id: count for partner, count in groups}
        for partner in self:
            key = partner.commercial_partner_id.id
            for field, by_partner in counts.items():
                partner[field] = by_partner.get(key, 0)

    def action_view_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "invoice_dispute.invoice_dispute_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def _action_view_collection(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        partner = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action

    def action_view_payment_plans(self):
        return self._action_view_collection(
            "invoice_dispute.invoice_payment_plan_action"
        )

    def action_view_payment_promises(self):
        return self._action_view_collection(
            "invoice_dispute.invoice_payment_promise_action"
        )

    def action_view_dispute_proposals(self):
        return self._action_view_collection(
            "invoice_dispute.invoice_dispute_proposal_action"
        )
