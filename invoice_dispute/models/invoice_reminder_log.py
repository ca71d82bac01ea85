import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, float_compare, format_date

from .constants import selection_label
from .invoice_workflow_mixin import check_state
from .phrase_tools import get_lang_selection

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
    notice_id = fields.Many2one(
        "invoice.reminder.notice",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The reminder notice that reminded this invoice or installment.",
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
        """Queue the failed emails of these reminders again.

        :raise UserError: a reminder whose email did not fail (``mail_state``)
        """
        check_state(self, ("exception",), self.env._("sent again"), field="mail_state")
        # sudo: emails are technical records only administrators can write;
        # the user may manage the reminder log that points to them.
        self.sudo().mail_id.mark_outgoing()
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return True

    def action_open_notice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "invoice.reminder.notice",
            "res_id": self.notice_id.id,
            "view_mode": "form",
        }

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
    def _withdraw(self):
        """Delete these logs (the claims of withdrawn reminders), their
        activities that serve no other log, and set the reminder level and
        date of their invoices back to those of the reminders that remain."""
        activities = self.activity_id
        kept = self.sudo().search(
            [("activity_id", "in", activities.ids), ("id", "not in", self.ids)]
        )
        moves = self.move_id
        self.unlink()
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

    def _get_untrue_reason(self, notice, today):
        """Why ``notice`` (whose claims these logs are) would no longer tell
        the truth if its email left today, as a sentence; False when it is
        still true: every invoice or installment it reminds still open, not
        paused, with the same amount and a due date for which the reminder
        is due (no note "before the due date" once it has passed, no "past
        due" after the due date was moved); the same open credits, in the
        notice's currency and in the others; a positive net balance; the
        same recipient, whose language is still the one it was written in."""
        if self.move_id:
            reason = self._get_untrue_invoice_reason(today)
        else:
            reason = self._get_untrue_installment_reason(today)
        if reason:
            return reason
        currency = notice.currency_id
        moves = self.move_id.sorted(lambda m: (m.invoice_date_due, m.id))
        main = moves[:1] or self.plan_line_id[:1]
        credit_lines = main._get_reminder_credit_lines()
        if currency.compare_amounts(
            credit_lines._get_open_credit_total(), notice.amount_credit
        ):
            return self.env._("the customer's open credits changed.")
        # counted by the notice's date, as the engine wrote it: an invoice
        # falling due since is not a change of what the customer owed
        net = (
            moves._get_reminder_totals(date=notice.date, credit_lines=credit_lines)[2]
            if moves
            else main._get_reminder_net_amount()
        )
        if currency.compare_amounts(net, notice.amount_net):
            return self.env._("the amount the customer owes changed.")
        if moves:
            reason = self._get_untrue_balance_reason(notice, moves)
            if reason:
                return reason
        if notice.recipient_id != main._get_reminder_recipient():
            return self.env._(
                "its recipient is no longer the customer's payment contact."
            )
        if notice.lang and notice._get_reminder_lang() != notice.lang:
            return self.env._("the recipient's language changed.")
        return False

    def _get_untrue_balance_reason(self, notice, moves):
        """Why the customer's credits in other currencies or its net balance
        in company currency (``account.move._get_reminder_balance``) make
        ``notice``, listing ``moves``, untrue now; False when they do not."""
        main = moves[0]
        currency = main.company_currency_id
        other = main._get_reminder_other_credit_lines()._get_open_credit_total(
            company_currency=True
        )
        if currency.compare_amounts(other, notice.amount_credit_other):
            return self.env._("the customer's open credits changed.")
        balance = moves._get_reminder_balance(date=notice.date)
        if currency.compare_amounts(balance, 0.0) <= 0:
            return self.env._("the customer owes nothing net any more.")
        if other and currency.compare_amounts(balance, notice.amount_balance):
            return self.env._("the amount the customer owes changed.")
        return False

    def _get_untrue_invoice_reason(self, today):
        for log in self:
            move = log.move_id
            rounding = move.currency_id.rounding
            if not move.is_open_invoice:
                return self.env._(
                    "invoice %(invoice)s is no longer open.", invoice=move.name
                )
            if move.reminder_excluded:
                return self.env._(
                    "reminders on invoice %(invoice)s are paused (%(reason)s).",
                    invoice=move.name,
                    reason=selection_label(
                        move,
                        "reminder_exclusion_reason",
                        move.reminder_exclusion_reason,
                    ),
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
            if log.notice_id.sent_manually:
                # a collector's send-now: the collector chose when (an early
                # escalation is theirs to make), but a reminder after the due
                # date still needs the invoice past it
                if offset >= 0 and move.invoice_date_due > today:
                    return self.env._(
                        "invoice %(invoice)s falls due only on %(date)s: this "
                        "reminder is not due.",
                        invoice=move.name,
                        date=format_date(self.env, move.invoice_date_due),
                    )
                continue
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
