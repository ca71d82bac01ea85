from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _get_open_credit_total(self, company_currency=False):
        """The amount the customer can still deduct on these open credit
        lines (as ``res.partner._get_open_credit_lines`` returns them: credit
        notes not applied, payments not matched), as a positive amount, not
        rounded: the one sum the reminders, their check before sending, the
        payment plan installments, the portal and the call sheet show as the
        customer's open credits.

        :param self: account.move.line records (none gives 0.0): by default
            all in one currency (callers group or filter them by
            ``currency_id``); with ``company_currency``, of one company and
            any currencies
        :param bool company_currency: sum in company currency
            (``-amount_residual``) instead of the lines' own currency
            (``-amount_residual_currency``, the default)
        :return: float
        """
        field = "amount_residual" if company_currency else "amount_residual_currency"
        return -sum(self.mapped(field))
