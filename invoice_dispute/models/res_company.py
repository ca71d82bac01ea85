from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dispute_manager_id = fields.Many2one(
        "res.users",
        string="Dispute manager",
        help="Receives escalations of late disputes. Leave empty to notify every "
        "dispute manager of the company.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._create_default_reminder_rules()
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
