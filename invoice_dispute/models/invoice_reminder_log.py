from odoo import api, fields, models
from odoo.exceptions import UserError

MAIL_STATES = [
    ("outgoing", "Outgoing"),
    ("sent", "Sent"),
    ("received", "Received"),
    ("exception", "Delivery failed"),
    ("cancel", "Cancelled"),
]


class InvoiceReminderLog(models.Model):
    _name = "invoice.reminder.log"
    _description = "Payment Reminder Log"
    _order = "date desc, id desc"
    _rec_name = "move_id"

    move_id = fields.Many2one(
        "account.move", index=True, ondelete="cascade", readonly=True
    )
    rule_id = fields.Many2one(
        "invoice.reminder.rule", index=True, ondelete="restrict", readonly=True
    )
    plan_line_id = fields.Many2one(
        "invoice.payment.plan.line",
        string="Installment",
        index=True,
        ondelete="cascade",
        readonly=True,
        help="Set on the reminders sent before a payment plan's installment.",
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        required=True,
        index=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Sent to", index=True, readonly=True
    )
    level = fields.Integer(readonly=True)
    date = fields.Date(
        default=fields.Date.context_today, index=True, required=True, readonly=True
    )
    mail_id = fields.Many2one(
        "mail.mail", string="Email", index="btree_not_null", ondelete="set null"
    )
    mail_state = fields.Selection(
        MAIL_STATES,
        compute="_compute_mail_state",
        store=True,
        compute_sudo=True,
        index=True,
        help="Delivery state of the reminder's email; it stays when the sent "
        "email is cleaned up.",
    )
    failure_reason = fields.Text(related="mail_id.failure_reason", compute_sudo=True)
    activity_id = fields.Many2one("mail.activity", ondelete="set null")

    _sql_constraints = [
        (
            "move_rule_uniq",
            "unique(move_id, rule_id)",
            "A reminder is sent only once per invoice and rule.",
        ),
        (
            "plan_line_uniq",
            "unique(plan_line_id)",
            "A reminder is sent only once per installment.",
        ),
        (
            "target_check",
            "CHECK((move_id IS NOT NULL AND rule_id IS NOT NULL) OR plan_line_id IS NOT NULL)",  # noqa: E501
            "A reminder is either for an invoice and a rule, or for an installment.",
        ),
    ]

    @api.depends("move_id", "plan_line_id")
    def _compute_company_id(self):
        for log in self:
            log.company_id = (
                log.move_id.company_id or log.plan_line_id.company_id or log.company_id
            )

    @api.depends("mail_id.state")
    def _compute_mail_state(self):
        for log in self:
            log.mail_state = log.mail_id.state or log.mail_state

    def action_retry(self):
        """Queue the failed emails of these reminders again."""
        # sudo: emails are technical records only administrators can write;
        # the user may manage the reminder log that points to them.
        failed = self.sudo().mail_id.filtered(lambda m: m.state == "exception")
        if not failed:
            raise UserError(
                self.env._("Only reminders whose email failed can be sent again.")
            )
        failed.mark_outgoing()
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return True

    def action_open_document(self):
        self.ensure_one()
        record = self.move_id or self.plan_line_id.plan_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }
