import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.invoice_workflow_mixin import check_period
from ..report.invoice_dispute_management_pack import last_month


class InvoiceDisputeExportWizard(models.TransientModel):
    _name = "invoice.dispute.export.wizard"
    _description = "Export the Dispute Management Pack"

    def _default_date_from(self):
        return last_month(fields.Date.context_today(self))[0]

    def _default_date_to(self):
        return last_month(fields.Date.context_today(self))[1]

    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: self._default_date_to()
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        required=True,
        default=lambda self: self.env.companies,
        help="Only the companies you are currently working in are exported.",
    )
    xlsx_file = fields.Binary(string="Management pack", readonly=True)
    xlsx_filename = fields.Char(readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        check_period(self)

    def action_export(self):
        """Build the management pack of the wizard's period and companies
        (``invoice.dispute.management.pack``) and download it.

        :return: an ``ir.actions.act_url`` downloading ``xlsx_file``
        :raise UserError: when none of the chosen companies is one the user
            works in
        """
        self.ensure_one()
        companies = self._get_export_companies()
        data = self.env["invoice.dispute.management.pack"]._build_pack(
            self.date_from, self.date_to, companies
        )
        filename = self.env._(
            "dispute_management_pack_%(date_from)s_%(date_to)s.xlsx",
            date_from=self.date_from,
            date_to=self.date_to,
        )
        self.write({"xlsx_file": base64.b64encode(data), "xlsx_filename": filename})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/xlsx_file/{filename}"
            "?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _get_export_companies(self):
        """The chosen companies the user currently works in."""
        # sudo: the user may have chosen companies they cannot read; they are
        # named in the error, never exported.
        chosen = self.sudo().company_ids
        companies = self.env.companies.filtered(lambda company: company in chosen)
        if not companies:
            raise UserError(
                self.env._(
                    "None of the chosen companies is one you are working in: "
                    "select them in the company switcher first (Companies: "
                    "%(companies)s).",
                    companies=", ".join(chosen.mapped("name")),
                )
            )
        return companies
