from odoo import fields, models


class InvoiceReminderLog(models.Model):
    _name = "invoice.reminder.log"
    _description = "Payment Reminder Log"
    _order = "date desc, id desc"

    move_id = fields.Many2one(
        "account.move", required=True, index=True, ondelete="cascade"
    )
    rule_id = fields.Many2one(
        "invoice.reminder.rule", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", index=True)
    level = fields.Integer()
    date = fields.Date(default=fields.Date.context_today, index=True)
    mail_id = fields.Many2one("mail.mail", ondelete="set null")
    mail_state = fields.Char()
    activity_id = fields.Many2one("mail.activity", ondelete="set null")

    _sql_constraints = [
        (
            "move_rule_uniq",
            "unique(move_id, rule_id)",
            "A reminder is sent only once per invoice and rule.",
        ),
    ]
