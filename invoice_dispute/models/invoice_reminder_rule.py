from odoo import fields, models


class InvoiceReminderRule(models.Model):
    _name = "invoice.reminder.rule"
    _description = "Payment Reminder Rule"
    _order = "company_id, sequence, level"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    sequence = fields.Integer(default=10)
    level = fields.Integer(required=True, default=1)
    offset_days = fields.Integer(
        help="Days after the due date (negative: before it) when this reminder is due."
    )
    customer_type = fields.Selection(
        [("all", "All customers"), ("b2b", "B2B"), ("b2c", "B2C")],
        default="all",
        required=True,
    )
    min_amount = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    action = fields.Selection(
        [
            ("email", "Email"),
            ("activity", "Activity"),
            ("email_activity", "Email and activity"),
        ],
        default="email",
        required=True,
    )
    mail_template_id = fields.Many2one(
        "mail.template", domain="[('model', '=', 'account.move')]"
    )
    activity_type_id = fields.Many2one("mail.activity.type")
    consolidate = fields.Boolean(
        help="One message per customer listing all its invoices at this level."
    )
    min_interval_days = fields.Integer(default=5)
    active = fields.Boolean(default=True)
