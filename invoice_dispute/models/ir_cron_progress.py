from odoo import fields, models


class IrCronProgress(models.Model):
    _inherit = "ir.cron.progress"

    invoice_reminder_customer_id = fields.Integer(
        string="Last customer reminded",
        readonly=True,
        help="Payment reminders: the last customer (commercial partner id) of "
        "the batch this call handled. The next call of the same run goes on "
        "after it (invoice.reminder.engine._cron_send_reminders).",
    )
