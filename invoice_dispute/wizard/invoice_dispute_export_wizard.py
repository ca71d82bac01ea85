import base64
import logging
import tempfile

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from ..report.management_pack import ManagementPack, last_month

_logger = logging.getLogger(__name__)


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
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._(
                        "The start of the period (From: %(date_from)s) must be on "
                        "or before its end (To: %(date_to)s).",
                        date_from=wizard.date_from,
                        date_to=wizard.date_to,
                    )
                )

    def action_export(self):
        self.ensure_one()
        companies = self._get_export_companies()
        data = self._build_pack(self.env, self.date_from, self.date_to, companies)
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

    @api.model
    def _build_pack(self, env, date_from, date_to, companies):
        """The management pack as bytes, built through a temporary file."""
        with tempfile.TemporaryFile(suffix=".xlsx") as tmp:
            ManagementPack(env, date_from, date_to, companies).build(tmp)
            tmp.seek(0)
            return tmp.read()

    @api.model
    def _get_manager_groups(self):
        """{company: {lang: users}} of the dispute managers to send the pack
        to: each company's managers with an email, by language."""
        result = {}
        group = self.env.ref("invoice_dispute.group_invoice_dispute_manager")
        for company in group.users.company_ids:
            managers = company._get_dispute_managers(designated=False).filtered("email")
            if managers:
                result[company] = managers.grouped(lambda u: u.lang or "en_US")
        return result

    @api.model
    def _cron_management_report(self, batch_size=1):
        """Email last month's pack to the dispute managers, one workbook per
        company (in each manager's language).

        One batch of companies per call; ``_notify_progress`` makes the cron
        framework call again while some remain. The attachment sent for a
        company and month marks it as done, so a rerun sends nothing twice."""
        # The cron user builds the pack of each company for that company's
        # managers: sudo, restricted to that company by the builder.
        self = self.sudo()  # noqa: PLW0642
        date_from, date_to = last_month(fields.Date.context_today(self))
        period = date_from.strftime("%Y-%m")
        template = self.env.ref("invoice_dispute.mail_template_management_report")
        todo = []
        for company, langs in sorted(
            self._get_manager_groups().items(), key=lambda item: item[0].id
        ):
            for lang, users in sorted(langs.items()):
                marker = f"invoice_dispute.management_pack:{period}:{lang}"
                todo.append((company, lang, users, marker))
        done_markers = set(
            self.env["ir.attachment"]
            .search(
                [
                    ("res_model", "=", "res.company"),
                    ("description", "in", [item[3] for item in todo]),
                ]
            )
            .mapped(lambda att: (att.res_id, att.description))
        )
        todo = [item for item in todo if (item[0].id, item[3]) not in done_markers]
        batch_companies = []
        for company, *_rest in todo:
            if company not in batch_companies:
                batch_companies.append(company)
        batch_companies = batch_companies[:batch_size]
        batch = [item for item in todo if item[0] in batch_companies]
        for company, lang, users, marker in batch:
            env = self.with_company(company).with_context(lang=lang).env
            data = self._build_pack(env, date_from, date_to, company)
            attachment = self.env["ir.attachment"].create(
                {
                    "name": env._(
                        "dispute_management_pack_%(period)s.xlsx", period=period
                    ),
                    "raw": data,
                    "res_model": "res.company",
                    "res_id": company.id,
                    "description": marker,
                    "mimetype": "application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet",
                }
            )
            template.with_context(lang=lang, management_pack_period=period).send_mail(
                company.id,
                email_values={
                    "recipient_ids": [
                        Command.link(pid) for pid in users.partner_id.ids
                    ],
                    "attachment_ids": [Command.link(attachment.id)],
                },
            )
            _logger.info(
                "Management pack %s sent to %s managers of %s (%s)",
                period,
                len(users),
                company.name,
                lang,
            )
        remaining = len({item[0] for item in todo}) - len(batch_companies)
        self.env["ir.cron"]._notify_progress(
            done=len(batch_companies), remaining=remaining
        )
        return batch_companies
