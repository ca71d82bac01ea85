from odoo import api, models

from .constants import MAIL_BATCH_SIZE_KEY


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.model
    def get_param(self, key, default=False):
        """The system parameter ``key``; ``mail.batch_size`` (emails rendered
        and created per chunk by ``mail.template.send_mail_batch``, 50 by
        default) is replaced by the context key
        ``invoice_dispute_mail_batch_size`` when a caller sets it: the
        reminder engine queues the emails of a whole batch in one chunk (one
        ``create()``), without changing the setting for anyone else.

        :return: str or ``default``
        """
        size = self.env.context.get(MAIL_BATCH_SIZE_KEY)
        if key == "mail.batch_size" and size:
            return str(int(size))
        return super().get_param(key, default=default)
