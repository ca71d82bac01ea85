from odoo import api, fields, models


class InvoiceCheckOverrideWizard(models.TransientModel):
    _name = "invoice.check.override.wizard"
    _description = "Override Invoice Check Findings"

    finding_ids = fields.Many2many(
        "invoice.check.finding",
        string="Findings",
        domain=[("state", "=", "open")],
        required=True,
    )
    reason = fields.Text(
        required=True,
        help="Why the invoice is right as it is; logged in the invoice's chatter.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "finding_ids" in fields_list and not values.get("finding_ids"):
            moves = self.env["account.move"].browse(
                self.env.context.get("active_ids", [])
                if self.env.context.get("active_model") == "account.move"
                else []
            )
            findings = moves.check_finding_ids.filtered(lambda f: f.state == "open")
            values["finding_ids"] = [fields.Command.set(findings.ids)]
        return values

    def action_confirm(self):
        """Override the chosen findings with the reason (dispute managers
        only, see ``invoice.check.finding._override``)."""
        self.ensure_one()
        self.finding_ids._override(self.reason)
        return {"type": "ir.actions.act_window_close"}
