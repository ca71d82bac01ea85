"""18.0.2.0.0: the reminder templates render on ``invoice.reminder.notice``
and the scheduled action runs ``invoice.reminder.engine``. These records are
shipped ``noupdate``: let this upgrade rewrite them (post-migrate.py protects
them again)."""

# the records this version rewrites although they are noupdate
UPDATED_RECORDS = (
    "mail_template_reminder_1",
    "mail_template_reminder_2",
    "mail_template_reminder_3",
    "mail_template_reminder_4",
    "mail_template_installment_reminder",
    "ir_cron_send_payment_reminders",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE ir_model_data
           SET noupdate = FALSE
         WHERE module = 'invoice_dispute' AND name IN %s
        """,
        [UPDATED_RECORDS],
    )
