from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _send(self, *args, **kwargs):
        """Payment reminders are checked just before they leave: the notices
        no longer true (invoice paid, disputed or paused, amounts or credits
        changed, due date passed for a note before it, other recipient) are
        withdrawn instead of sent (``invoice.reminder.notice
        ._withdraw_untrue_reminders``)."""
        withdrawn = self.env["invoice.reminder.notice"]._withdraw_untrue_reminders(self)
        return super(MailMail, self - withdrawn)._send(*args, **kwargs)
