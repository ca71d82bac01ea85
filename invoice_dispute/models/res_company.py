from odoo import api, fields, models

from .constants import MANAGER_GROUP
from .invoice_workflow_mixin import check_range


class ResCompany(models.Model):
    _inherit = "res.company"

    dispute_manager_id = fields.Many2one(
        "res.users",
        string="Dispute manager",
        help="Receives escalations of late disputes. Leave empty to notify every "
        "dispute manager of the company.",
    )
    dispute_approval_amount = fields.Monetary(
        string="Approval above amount",
        currency_field="currency_id",
        default=500.0,
        help="Discounts, partial adjustments and write-offs above this amount need "
        "a dispute manager's approval before they are sent to the customer "
        "(0: all of them do).",
    )
    dispute_approval_percent = fields.Float(
        string="Approval above percent",
        default=10.0,
        help="Discounts, partial adjustments and write-offs above this percentage "
        "of the invoices' total need a dispute manager's approval (0: all of "
        "them do).",
    )
    promise_grace_days = fields.Integer(
        string="Promise grace days",
        default=3,
        help="Days after the promised date before an unpaid promise to pay is "
        "marked broken and reminders resume.",
    )

    reminder_start_date = fields.Date(
        string="Reminders go-live date",
        default=fields.Date.context_today,
        help="Invoices due before this date are the backlog: their first "
        "automated reminder is at the backlog level, whatever their age. "
        "Set when the company starts using the reminders (installing the "
        "app sets it to that day).",
    )
    reminder_backlog_level = fields.Integer(
        string="Backlog starts at level",
        default=2,
        help="Level of the first automated reminder of an invoice due before "
        "the go-live date (0: the backlog gets no automated reminders, the "
        "collectors follow it up). Levels always follow each other in order, "
        "each after the previous one and its interval.",
    )
    reminder_resume_days = fields.Integer(
        string="Grace days after an agreement",
        default=7,
        help="Days after a dispute, payment plan, promise to pay or reminder "
        "block ends before reminders resume on its invoices; the next "
        "reminder mentions the agreement.",
    )
    # Customer self-service on the reminder portal page (SPEC §11)
    promise_max_days = fields.Integer(
        string="Maximum days ahead for a promise to pay",
        default=30,
        help="A customer promising to pay on the portal chooses a date at most "
        "this many days from today.",
    )
    plan_max_installments = fields.Integer(
        string="Maximum installments of a payment plan",
        default=6,
        help="A customer asking for a payment plan on the portal spreads the "
        "invoice over at most this many installments.",
    )
    plan_auto_approve_amount = fields.Monetary(
        string="Payment plan auto-approval limit",
        currency_field="currency_id",
        default=1000.0,
        help="A payment plan asked on the portal for at most this amount (in "
        "company currency, converted to the invoice's currency) starts at once; "
        "a larger one is proposed to the collector (0: always proposed).",
    )
    paid_claim_block_days = fields.Integer(
        string="Reminder pause after an 'already paid' report",
        default=10,
        help="Days reminders pause on invoices a customer reports as already "
        "paid on the portal, while the collector finds the payment.",
    )

    @api.constrains("dispute_manager_id")
    def _check_dispute_manager_id(self):
        self.env["res.users"]._invoice_dispute_check_collector(
            self, "dispute_manager_id", group=MANAGER_GROUP
        )

    @api.constrains(
        "dispute_approval_amount",
        "dispute_approval_percent",
        "promise_grace_days",
        "reminder_backlog_level",
        "reminder_resume_days",
        "plan_auto_approve_amount",
        "paid_claim_block_days",
    )
    def _check_collection_limits(self):
        check_range(
            self,
            [
                "dispute_approval_amount",
                "promise_grace_days",
                "reminder_backlog_level",
                "reminder_resume_days",
                "plan_auto_approve_amount",
                "paid_claim_block_days",
            ],
        )
        check_range(self, ["dispute_approval_percent"], maximum=100)

    @api.constrains("promise_max_days", "plan_max_installments")
    def _check_portal_limits(self):
        check_range(self, ["promise_max_days"], minimum=1)
        # a plan of one installment is no plan: the portal form asks for two
        # or more (invoice.reminder.notice._portal_request_plan)
        check_range(self, ["plan_max_installments"], minimum=2)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._create_default_reminder_rules()
        companies._create_default_check_rules()
        return companies

    def _create_default_reminder_rules(self):
        """Give each company without reminder rules the four default levels."""
        Rule = self.env["invoice.reminder.rule"].sudo()
        with_rules = Rule.with_context(active_test=False)._read_group(
            [("company_id", "in", self.ids)], ["company_id"]
        )
        companies = self - self.browse([company.id for (company,) in with_rules])
        if companies:
            Rule.create(
                [
                    dict(vals, company_id=company.id)
                    for company in companies
                    for vals in Rule._get_default_rule_values()
                ]
            )

    def _create_default_check_rules(self):
        """Give each company the invoice check rules it lacks (the seven
        shipped checks, see ``invoice.check.rule._get_default_rule_values``);
        archived rules count as present."""
        # sudo: the shipped rules are created whoever creates the company
        # (English names, then their translations in the installed languages)
        Rule = (
            self.env["invoice.check.rule"]
            .sudo()
            .with_context(active_test=False, lang="en_US")
        )
        present = {
            (company.id, code)
            for company, code in Rule._read_group(
                [("company_id", "in", self.ids)], ["company_id", "code"]
            )
        }
        rules = Rule.create(
            [
                dict(vals, company_id=company.id)
                for company in self
                for vals in Rule._get_default_rule_values()
                if (company.id, vals["code"]) not in present
            ]
        )
        if rules:
            rules._translate_shipped_names()

    def _get_dispute_managers(self, designated=True):
        """Who handles escalations and approvals for this company: its
        designated dispute manager (with ``designated``), else every active
        internal user of the dispute manager group working in it, by name,
        people before the built-in administrator (a dispute manager as
        accounting administrator), so that the first one is a person."""
        self.ensure_one()
        if designated and self.dispute_manager_id:
            return self.dispute_manager_id
        group = self.env.ref("invoice_dispute.group_invoice_dispute_manager")
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        return group.users.filtered(
            lambda u: not u.share and u.active and self in u.company_ids
        ).sorted(lambda u: u == admin)
