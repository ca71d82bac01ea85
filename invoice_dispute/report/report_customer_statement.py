from odoo import api, fields, models
from odoo.tools import format_amount

# Odoo's amount formatting puts a zero width no-break space after a minus
# sign (so that it does not wrap): invisible, but copied along with the
# amount and read aloud or counted by the customer's tools.
INVISIBLE_AFTER_MINUS = "-\N{ZERO WIDTH NO-BREAK SPACE}"


class ReportCustomerStatement(models.AbstractModel):
    """Values of the customer statement (``action_report_customer_statement``):
    an AbstractModel, so that other addons can extend them."""

    _name = "report.invoice_dispute.report_customer_statement"
    _description = "Customer Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The customers (``res.partner`` ids ``docids``), each one's statement
        in the current company (``res.partner._get_customer_statement_data``)
        and the language it is printed in
        (``res.partner._get_reminder_lang``)."""
        partners = self.env["res.partner"].browse(docids)
        date = fields.Date.to_date((data or {}).get("date")) or (
            fields.Date.context_today(self)
        )
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": self.env.company,
            "statement_date": date,
            "statements": {
                partner.id: partner._get_customer_statement_data(date=date)
                for partner in partners
            },
            "format_money": self._format_money,
            "langs": {partner.id: partner._get_reminder_lang() for partner in partners},
        }

    @api.model
    def _format_money(self, amount, currency, lang=None):
        """``amount`` in ``currency`` as Odoo formats it in the language
        ``lang`` (code; else the current one; ``odoo.tools.format_amount``),
        with a plain minus sign: no invisible character after it (the
        statement's cells do not wrap).

        :param float amount: in ``currency``
        :return: str
        """
        return format_amount(self.env, amount, currency, lang_code=lang).replace(
            INVISIBLE_AFTER_MINUS, "-"
        )
