from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .action_tools import records_action

# "Send reminders now" handles this many reminders in the request; the
# scheduled action takes over the rest.
INTERACTIVE_LIMIT = 1000


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
    level = fields.Integer(
        required=True,
        default=1,
        help="Step of the reminder sequence, 1 or more, once per company; an invoice "
        "gets the levels in turn.",
    )
    offset_days = fields.Integer(
        help="Days after the due date (negative: before it) when this reminder is due."
    )
    customer_type = fields.Selection(
        [("all", "All customers"), ("b2b", "B2B"), ("b2c", "B2C")],
        default="all",
        required=True,
        help="Customers the rule applies to.",
    )
    min_amount = fields.Monetary(
        currency_field="currency_id",
        help="Invoices with less than this amount open get no reminder at this level.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    action = fields.Selection(
        [
            ("email", "Email"),
            ("activity", "Activity"),
            ("email_activity", "Email and activity"),
        ],
        default="email",
        required=True,
        help="What the rule does: send an email, plan an activity, or both.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        domain="[('model', '=', 'invoice.reminder.notice')]",
        help="Email sent, a template on reminder notices (listing the notice's "
        "invoices); required when the rule sends an email.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        help="Activity planned for the collector when the rule plans an activity.",
    )
    activity_user = fields.Selection(
        [("collector", "Collector"), ("manager", "Dispute manager")],
        string="Activity for",
        default="collector",
        required=True,
        help="Collector: the customer's collector, else the invoice's salesperson. "
        "Dispute manager: the company's dispute manager.",
    )
    consolidate = fields.Boolean(
        help="One message per customer listing all its invoices at this level."
    )
    min_interval_days = fields.Integer(
        default=5,
        help="Minimum number of days between two reminders for the same invoice.",
    )
    active = fields.Boolean(default=True)
    log_count = fields.Integer(compute="_compute_log_count")

    _sql_constraints = [
        (
            "company_level_uniq",
            "unique(company_id, level)",
            "Each reminder level exists once per company.",
        ),
    ]

    def _compute_log_count(self):
        groups = self.env["invoice.reminder.log"]._read_group(
            [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
        )
        counts = {rule.id: count for rule, count in groups}
        for rule in self:
            rule.log_count = counts.get(rule.id, 0)

    @api.constrains(
        "level", "min_amount", "min_interval_days", "action", "mail_template_id"
    )
    def _check_rule(self):
        for rule in self:
            if rule.level < 1:
                raise ValidationError(
                    self.env._(
                        "Reminder rule %(name)s: the level must be 1 or more.",
                        name=rule.name,
                    )
                )
            if rule.min_amount < 0 or rule.min_interval_days < 0:
                raise ValidationError(
                    self.env._(
                        "Reminder rule %(name)s: the minimum amount and the minimum "
                        "days between reminders cannot be negative.",
                        name=rule.name,
                    )
                )
            if rule.action in ("email", "email_activity") and not (
                rule.mail_template_id
            ):
                raise ValidationError(
                    self.env._(
                        "Reminder rule %(name)s sends an email: choose its email "
                        "template.",
                        name=rule.name,
                    )
                )
            if (
                rule.mail_template_id
                and rule.mail_template_id.model_id.model != "invoice.reminder.notice"
            ):
                raise ValidationError(
                    self.env._(
                        "Reminder rule %(name)s: the email template must be one "
                        "for reminder notices.",
                        name=rule.name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_send_reminders_now(self):
        """Run the reminders of the user's companies now, exactly as the
        scheduled action does; what does not fit in this request is left to
        the scheduled action, triggered at once."""
        # sudo: the run writes logs, emails and activities on behalf of the
        # company, like the scheduled action; the button is for managers only
        # and limited to the companies the user works in.
        engine = (
            self.env["invoice.reminder.engine"]
            .sudo()
            .with_context(reminder_company_ids=self.env.companies.ids)
        )
        done, remaining = engine._send_reminder_batch(limit=INTERACTIVE_LIMIT)
        if remaining:
            self.env.ref("invoice_dispute.ir_cron_send_payment_reminders")._trigger()
            # counts after a colon: correct in every language whatever the
            # number (Slovak has three plural forms)
            message = self.env._(
                "Reminders sent: %(done)s. Sent in the background: %(remaining)s.",
                done=done,
                remaining=remaining,
            )
        elif done == 1:
            message = self.env._("One reminder sent.")
        elif done:
            message = self.env._("Reminders sent: %(done)s.", done=done)
        else:
            message = self.env._("No reminder is due.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_logs(self):
        self.ensure_one()
        return records_action(
            self.env,
            "invoice_dispute.invoice_reminder_log_action",
            domain=[("rule_id", "=", self.id)],
        )

    # ------------------------------------------------------------------
    # Default rules
    # ------------------------------------------------------------------
    @api.model
    def _get_default_rule_values(self):
        """The four levels every company starts with; each sends one email
        per customer listing all its invoices at that level, as a collector
        would write it (a rule can send one per invoice instead)."""

        def ref(xmlid):
            return self.env.ref(xmlid, raise_if_not_found=False).id or False

        return [
            {
                "name": self.env._("Friendly note before the due date"),
                "sequence": 10,
                "level": 1,
                "offset_days": -3,
                "action": "email",
                "mail_template_id": ref("invoice_dispute.mail_template_reminder_1"),
                "consolidate": True,
                "min_interval_days": 0,
            },
            {
                "name": self.env._("First reminder"),
                "sequence": 20,
                "level": 2,
                "offset_days": 7,
                "action": "email",
                "mail_template_id": ref("invoice_dispute.mail_template_reminder_2"),
                "consolidate": True,
                "min_interval_days": 5,
            },
            {
                "name": self.env._("Firm reminder"),
                "sequence": 30,
                "level": 3,
                "offset_days": 21,
                "action": "email_activity",
                "mail_template_id": ref("invoice_dispute.mail_template_reminder_3"),
                "activity_type_id": ref("mail.mail_activity_data_call"),
                "activity_user": "collector",
                "consolidate": True,
                "min_interval_days": 7,
            },
            {
                "name": self.env._("Final notice"),
                "sequence": 40,
                "level": 4,
                "offset_days": 45,
                "action": "email_activity",
                "mail_template_id": ref("invoice_dispute.mail_template_reminder_4"),
                "activity_type_id": ref("invoice_dispute.mail_activity_reminder_final"),
                "activity_user": "manager",
                "consolidate": True,
                "min_interval_days": 7,
            },
        ]

    # ------------------------------------------------------------------
    # What the rule selects
    # ------------------------------------------------------------------
    def _get_reminder_move_domain(self, today):
        """Invoices this rule applies to today (before the level selection).

        Exclusions (dispute, plan, promise, customer block) come from
        ``account.move.reminder_excluded``; a rule before the due date
        (negative offset) applies only to invoices not due yet."""
        self.ensure_one()
        domain = [
            *self.env["account.move"]._get_open_invoice_domain(),
            ("company_id", "=", self.company_id.id),
            ("invoice_date_due", "<=", today - timedelta(days=self.offset_days)),
            ("reminder_excluded", "=", False),
        ]
        if self.offset_days < 0:
            # a note before the due date is never sent once it has passed
            domain.append(("invoice_date_due", ">=", today))
        if self.min_amount:
            domain.append(("amount_residual_signed", ">=", self.min_amount))
        else:
            domain.append(("amount_residual_signed", ">", 0))
        if self.customer_type != "all":
            partner_domain = self.env["res.partner"]._get_customer_type_domain(
                self.customer_type
            )
            domain.append(("commercial_partner_id", "any", partner_domain))
        return domain
