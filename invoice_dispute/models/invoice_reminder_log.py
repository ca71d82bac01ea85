import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, format_date

from .invoice_tone_phrase import get_lang_selection

_logger = logging.getLogger(__name__)

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
    amount_open = fields.Float(
        readonly=True,
        help="What was open on the invoice (or still due on the installment) "
        "when the reminder was written, in its currency.",
    )
    amount_credit = fields.Float(
        readonly=True,
        help="The customer's open credits the reminder deducted when it was "
        "written, in the invoice's currency.",
    )
    amount_net = fields.Float(
        readonly=True,
        help="The net amount due the reminder showed when it was written "
        "(what is due less the open credits), in the invoice's currency.",
    )
    amount_credit_other = fields.Float(
        string="Open credits in other currencies",
        readonly=True,
        help="The customer's open credits in other currencies than the "
        "invoice's, listed apart in the reminder, in company currency.",
    )
    amount_balance = fields.Float(
        string="Net balance",
        readonly=True,
        help="The customer's net balance in all currencies when the reminder "
        "was written (what is due less all the open credits), in company "
        "currency; no reminder is sent when it is not positive.",
    )
    lang = fields.Selection(
        get_lang_selection,
        string="Language",
        readonly=True,
        help="The language the reminder's email was written in.",
    )

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

    # ------------------------------------------------------------------
    # Check before sending
    # ------------------------------------------------------------------
    @api.model
    def _withdraw_untrue_reminders(self, mails):
        """Check the reminder emails among ``mails`` just before they leave and
        withdraw those that are no longer true: the email is cancelled, its
        reminder logs deleted and the invoices' reminder level set back, so
        that what is still due is reminded, with the figures of that day, at
        the next run; its activity goes too when it served only these logs.
        A note in the chatter of the invoice (or plan) says why.

        :param mails: mail.mail records about to be sent
        :return: the mail.mail records withdrawn
        """
        # sudo: the mail queue runs for everyone; logs, emails and activities
        # are the engine's technical records
        logs = (
            self.sudo()
            .with_context(active_test=False)
            .search([("mail_id", "in", mails.ids)])
        )
        logs = logs.filtered(lambda log: log.mail_id.state == "outgoing")
        if not logs:
            return mails.browse()
        today = fields.Date.context_today(self)
        reasons = {}
        for mail, mail_logs in logs.grouped("mail_id").items():
            reason = mail_logs._get_untrue_reason(mail, today)
            if reason:
                reasons[mail] = reason
        if not reasons:
            return mails.browse()
        return self._withdraw_mails(reasons)

    @api.model
    def _withdraw_mails(self, reasons):
        """Withdraw queued reminder emails: each is cancelled, its reminder
        logs deleted (with the activities that serve no other log) and the
        invoices' reminder level set back, so that what is still due is
        reminded, with the figures of that day, at the next run. A note in
        the chatter of the invoices (or plan) says why. The one way a
        reminder is withdrawn: before it leaves (``_withdraw_untrue_reminders``)
        or when its invoice changes (``account.move``).

        :param reasons: dict mail.mail -> why it is withdrawn (a translated
            sentence)
        :return: the mail.mail records withdrawn
        """
        Mail = self.env["mail.mail"].sudo()
        withdrawn = Mail.browse([mail.id for mail in reasons])
        logs = (
            self.sudo()
            .with_context(active_test=False)
            .search([("mail_id", "in", withdrawn.ids)])
        )
        _logger.info(
            "Reminder emails %s withdrawn before sending: no longer true.",
            withdrawn.ids,
        )
        bodies_by_model = {}
        for mail, reason in reasons.items():
            mail_logs = logs.filtered(lambda log, m=mail: log.mail_id.id == m.id)
            for record in mail_logs.move_id or mail_logs.plan_line_id.plan_id:
                bodies_by_model.setdefault(record._name, {})[record.id] = Markup(
                    "%s"
                ) % self.env._(
                    "A reminder was withdrawn before it was sent: %(reason)s It "
                    "is sent again, with the figures of that day, at the next "
                    "run if something is still due.",
                    reason=reason,
                )
        for mail, reason in reasons.items():
            Mail.browse(mail.id).write({"state": "cancel", "failure_reason": reason})
        self._withdraw_logs(logs)
        for model, bodies in bodies_by_model.items():
            self.env[model].browse(list(bodies)).sudo()._message_log_batch(
                bodies=bodies
            )
        return withdrawn

    def _withdraw_logs(self, logs):
        """Delete ``logs`` (withdrawn reminders), their activities that serve
        no other log, and set the reminder level and date of their invoices
        back to those of the reminders that remain."""
        activities = logs.activity_id
        kept = self.sudo().search(
            [("activity_id", "in", activities.ids), ("id", "not in", logs.ids)]
        )
        moves = logs.move_id
        logs.unlink()
        (activities - kept.activity_id).unlink()
        if not moves:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_move m
                   SET reminder_level = COALESCE(last.level, 0),
                       reminder_last_date = last.date
                  FROM unnest(%s::int[]) AS v(move_id)
             LEFT JOIN LATERAL (
                        SELECT MAX(l.level) AS level, MAX(l.date) AS date
                          FROM invoice_reminder_log l
                         WHERE l.move_id = v.move_id
                       ) last ON TRUE
                 WHERE m.id = v.move_id
                """,
                moves.ids,
            )
        )
        moves.invalidate_recordset(["reminder_level", "reminder_last_date"])

    def _get_untrue_reason(self, mail, today):
        """Why the email ``mail`` of these logs (one reminder) would no longer
        tell the truth if it left today, as a sentence; False when it is
        still true: every invoice or installment it reminds still open, not
        paused, with the same amount and a due date for which the reminder
        is due (no note "before the due date" once it has passed, no "past
        due" after the due date was moved); the same open credits, in the
        invoice's currency and in the others; a positive net balance; the
        same recipient, whose language is still the one it was written in."""
        records = self.move_id or self.plan_line_id
        main = records.filtered(lambda r: r.id == mail.res_id)[:1] or records[:1]
        if self.move_id:
            reason = self._get_untrue_invoice_reason(today)
        else:
            reason = self._get_untrue_installment_reason(today)
        if reason:
            return reason
        currency = main.currency_id
        credit = -sum(
            main._get_reminder_credit_lines().mapped("amount_residual_currency")
        )
        if float_compare(
            credit,
            max(self.mapped("amount_credit")),
            precision_rounding=currency.rounding,
        ):
            return self.env._("the customer's open credits changed.")
        net = (
            main.with_context(
                reminder_groups={main.id: self.move_id.ids}
            )._get_reminder_totals()[2]
            if self.move_id
            else main._get_reminder_net_amount()
        )
        if float_compare(
            net, max(self.mapped("amount_net")), precision_rounding=currency.rounding
        ):
            return self.env._("the amount the customer owes changed.")
        if self.move_id:
            reason = self._get_untrue_balance_reason(main)
            if reason:
                return reason
        recipient = main._get_reminder_recipient()
        if mail.recipient_ids and recipient not in mail.recipient_ids:
            return self.env._(
                "its recipient is no longer the customer's payment contact."
            )
        lang = self[:1].lang
        if lang:
            template = self.rule_id.mail_template_id[:1] or self.env.ref(
                "invoice_dispute.mail_template_installment_reminder"
            )
            if template._render_lang(main.ids)[main.id] != lang:
                return self.env._("the recipient's language changed.")
        return False

    def _get_untrue_balance_reason(self, main):
        """Why the customer's credits in other currencies or its net balance
        in company currency (``account.move._get_reminder_balance``) make
        the reminder of these logs, rendered on ``main``, untrue now; False
        when they do not."""
        currency = main.company_currency_id
        other = -sum(main._get_reminder_other_credit_lines().mapped("amount_residual"))
        if float_compare(
            other,
            max(self.mapped("amount_credit_other")),
            precision_rounding=currency.rounding,
        ):
            return self.env._("the customer's open credits changed.")
        balance = main.with_context(
            reminder_groups={main.id: self.move_id.ids}
        )._get_reminder_balance()
        if float_compare(balance, 0.0, precision_rounding=currency.rounding) <= 0:
            return self.env._("the customer owes nothing net any more.")
        if other and float_compare(
            balance,
            max(self.mapped("amount_balance")),
            precision_rounding=currency.rounding,
        ):
            return self.env._("the amount the customer owes changed.")
        return False

    def _get_untrue_invoice_reason(self, today):
        for log in self:
            move = log.move_id
            rounding = move.currency_id.rounding
            if (
                move.state != "posted"
                or move.payment_state not in ("not_paid", "partial")
                or float_compare(move.amount_residual, 0.0, precision_rounding=rounding)
                <= 0
            ):
                return self.env._(
                    "invoice %(invoice)s is no longer open.", invoice=move.name
                )
            if move.reminder_excluded:
                return self.env._(
                    "reminders on invoice %(invoice)s are paused (%(reason)s).",
                    invoice=move.name,
                    reason=dict(
                        move._fields[
                            "reminder_exclusion_reason"
                        ]._description_selection(self.env)
                    ).get(move.reminder_exclusion_reason),
                )
            if float_compare(
                move.amount_residual, log.amount_open, precision_rounding=rounding
            ):
                return self.env._(
                    "the amount open on invoice %(invoice)s changed.",
                    invoice=move.name,
                )
            offset = log.rule_id.offset_days
            if offset < 0 and move.invoice_date_due < today:
                return self.env._(
                    "invoice %(invoice)s is past its due date: a note before "
                    "the due date no longer applies.",
                    invoice=move.name,
                )
            if move.invoice_date_due > today - timedelta(days=offset):
                return self.env._(
                    "the due date of invoice %(invoice)s moved to %(date)s: this "
                    "reminder is not due.",
                    invoice=move.name,
                    date=format_date(self.env, move.invoice_date_due),
                )
        return False

    def _get_untrue_installment_reason(self, today):
        for log in self:
            line = log.plan_line_id
            if line.plan_id.state != "active" or line.state != "pending":
                return self.env._(
                    "the installment of %(date)s of %(plan)s is no longer due.",
                    date=line.date_due,
                    plan=line.plan_id.name,
                )
            if line.date_due < today:
                return self.env._(
                    "the installment of %(date)s of %(plan)s is past its date.",
                    date=line.date_due,
                    plan=line.plan_id.name,
                )
            if float_compare(
                line.amount_due,
                log.amount_open,
                precision_rounding=line.currency_id.rounding,
            ):
                return self.env._(
                    "the amount due on the installment of %(date)s of %(plan)s "
                    "changed.",
                    date=line.date_due,
                    plan=line.plan_id.name,
                )
        return False
