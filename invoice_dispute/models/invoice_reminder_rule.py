import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount, format_date

_logger = logging.getLogger(__name__)
# Installment reminders go out this many days before each installment.
INSTALLMENT_REMINDER_DAYS = 3
# "Send reminders now" handles this many reminders in the request; the
# scheduled action takes over the rest.
INTERACTIVE_LIMIT = 1000
# An activity's summary names this many invoices, its note lists them all.
ACTIVITY_SUMMARY_INVOICES = 5


class DueAmounts:
    """What the customers of a batch of reminders owe (``account.move
    ._get_reminder_due_amount``), from one search for the whole batch."""

    def __init__(self, moves, today):
        horizon = max([today, *moves.mapped("invoice_date_due")])
        due = moves.search(
            [
                *moves._get_reminder_due_domain(),
                ("commercial_partner_id", "in", moves.commercial_partner_id.ids),
                ("company_id", "in", moves.company_id.ids),
                ("invoice_date_due", "<=", horizon),
            ]
        )
        # (customer, company, currency) -> [(due date, open amount)]
        self.by_key = defaultdict(list)
        # (customer, company) -> [(due date, open amount in company currency)]
        self.by_customer = defaultdict(list)
        for move in due:
            key = (move.commercial_partner_id, move.company_id, move.currency_id)
            self.by_key[key].append((move.invoice_date_due, move.amount_residual))
            self.by_customer[key[:2]].append(
                (move.invoice_date_due, move.amount_residual_signed)
            )

    def get_amounts(self, today, groups):
        """``{main invoice id: amount due}`` for the emails ``groups``
        (``{main invoice: invoices}``)."""
        amounts = {}
        for main, group in groups.items():
            horizon = max([today, *group.mapped("invoice_date_due")])
            key = (main.commercial_partner_id, main.company_id, main.currency_id)
            amounts[main.id] = sum(
                amount for date_due, amount in self.by_key[key] if date_due <= horizon
            )
        return amounts

    def get_balances(self, today, groups, credits):
        """``{main invoice id: net balance}`` for the emails ``groups``: what
        the customer owes in every currency by the same horizon, less all its
        open credits in the company (``credits``, as
        ``InvoiceReminderRule._get_batch_credit_lines`` returns them), in
        company currency (``account.move._get_reminder_balance``)."""
        balances = {}
        for main, group in groups.items():
            horizon = max([today, *group.mapped("invoice_date_due")])
            owed = sum(
                amount
                for date_due, amount in self.by_customer[
                    main.commercial_partner_id, main.company_id
                ]
                if date_due <= horizon
            )
            credit = sum(
                sum(lines.mapped("amount_residual"))
                for (customer, company, __), lines in credits.items()
                if customer == main.commercial_partner_id.id
                and company == main.company_id.id
            )
            balances[main.id] = main.company_currency_id.round(owed + credit)
        return balances


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
        domain="[('model', '=', 'account.move')]",
        help="Email sent, a template on invoices; required when the rule sends an "
        "email.",
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
                and rule.mail_template_id.model_id.model != "account.move"
            ):
                raise ValidationError(
                    self.env._(
                        "Reminder rule %(name)s: the email template must be one "
                        "for invoices.",
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
        engine = self.sudo().with_context(reminder_company_ids=self.env.companies.ids)
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
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "invoice_dispute.invoice_reminder_log_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        return action

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
    # Reminder engine
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_reminders(self, batch_size=2500):
        """Scheduled action: one batch of reminders per call.

        The cron framework commits after each call and calls again while
        ``_notify_progress`` reports remaining work, so a large backlog is sent
        in small transactions. Every reminder is first claimed in
        ``invoice.reminder.log`` (unique per invoice and rule) in the same
        transaction as its email, so that reruns, crashes and concurrent runs
        never send one twice.

        Every batch selects its candidates among all the invoices and reads
        the rules, templates and users again after the commit, so a large
        batch keeps the number of batches, and of these queries, small:
        2,500 invoices make about 1,000 emails with the consolidated default
        rules (some 15 seconds of rendering)."""
        # sudo: the scheduled action works for every company at once
        engine = self.sudo()
        done, remaining = engine._send_reminder_batch(limit=batch_size)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _send_reminders(self, limit=None):
        """Claim and send up to ``limit`` due reminders (invoices first, then
        installments). Returns how many were handled."""
        return self._send_reminder_batch(limit=limit)[0]

    @api.model
    def _send_reminder_batch(self, limit=None):
        """Claim and send up to ``limit`` due reminders (invoices first, then
        installments). Returns ``(handled, due reminders left for later)``;
        the count comes with the selection itself (no second query)."""
        today = fields.Date.context_today(self)
        self.env.flush_all()
        done = 0
        candidates, total = self._get_reminder_candidates(
            today, limit=limit, with_total=True
        )
        remaining = total - len(candidates)
        if candidates:
            done += self._process_reminders(candidates, today)
        room = max(limit - len(candidates), 0) if limit else None
        lines, line_total = self._get_installment_candidates(
            today, limit=room, with_total=True
        )
        remaining += line_total - len(lines)
        if lines:
            done += self._process_installment_reminders(lines, today)
        return done, remaining

    @api.model
    def _count_pending_reminders(self):
        today = fields.Date.context_today(self)
        self.env.flush_all()
        return len(self._get_reminder_candidates(today)) + len(
            self._get_installment_candidates(today)
        )

    def _get_engine_rules(self):
        domain = []
        company_ids = self.env.context.get("reminder_company_ids")
        if company_ids:
            domain.append(("company_id", "in", company_ids))
        return self.search(domain, order="company_id, level desc")

    def _get_reminder_move_domain(self, today):
        """Invoices this rule applies to today (before the level selection).

        Exclusions (dispute, plan, promise, customer block) come from
        ``account.move.reminder_excluded``; a rule before the due date
        (negative offset) applies only to invoices not due yet."""
        self.ensure_one()
        domain = [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
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

    @api.model
    def _get_reminder_candidates(self, today, limit=None, with_total=False):
        """``[(move_id, rule_id)]``: per invoice, the next level it may reach
        today (``account.move._get_reminder_next_level_query``: in order,
        after the interval, the grace after an agreement and from the
        company's go-live), in an email whose net amount due is
        positive (``account.move._get_reminder_totals``: what the customer
        owes on its invoices due by today or by the latest due date the email
        lists, less its open credits) and whose customer's net balance in
        company currency, all currencies together, is positive too
        (``account.move._get_reminder_balance``: the worklist's and call
        sheet's basis). The others stay candidates until they
        owe something again. A ``limit`` takes whole customers, so
        that a customer's invoices stay in one batch (one consolidated email,
        one activity): the last customer may take the batch over the limit.
        One query for the whole batch; with ``with_total``,
        ``(candidates, count of all the candidates)``."""
        rules = self._get_engine_rules()
        if not rules:
            return ([], 0) if with_total else []
        Move = self.env["account.move"].with_context(active_test=False)
        parts = []
        for rule in rules:
            query = Move._search(rule._get_reminder_move_domain(today))
            query.order = None
            parts.append(
                SQL(
                    "(%s)",
                    query.select(
                        SQL("%s AS move_id", SQL.identifier(query.table, "id")),
                        SQL("%s AS rule_id", rule.id),
                        SQL("%s AS level", rule.level),
                        SQL("%s AS min_interval", rule.min_interval_days),
                    ),
                )
            )
        self.env.cr.execute(
            SQL(
                """
                WITH due AS (%(parts)s),
                target AS (%(target)s),
                pending AS (
                    SELECT t.move_id, t.rule_id, m.commercial_partner_id AS customer,
                           m.company_id, m.currency_id,
                           -- the email: per customer and currency, or per invoice
                           CASE WHEN r.consolidate THEN 0 ELSE t.move_id END
                               AS single,
                           m.invoice_date_due
                      FROM target t
                      JOIN account_move m ON m.id = t.move_id
                      JOIN invoice_reminder_rule r ON r.id = t.rule_id
                ),
                balance AS (%(balance)s)
                SELECT move_id, rule_id, total FROM (
                    SELECT p.move_id, p.rule_id, COUNT(*) OVER () AS total,
                           -- candidates of the customers before this one
                           COUNT(*) OVER (
                               ORDER BY p.customer
                               RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                           ) AS before,
                           p.customer
                      FROM pending p
                      JOIN balance b
                        ON b.customer = p.customer
                       AND b.company_id = p.company_id
                       AND b.currency_id = p.currency_id
                       AND b.rule_id = p.rule_id
                       AND b.single = p.single
                     WHERE b.net > 0 AND b.net_company > 0
                ) candidate
                 WHERE %(limit)s
              ORDER BY customer, move_id
                """,
                parts=SQL(" UNION ALL ").join(parts),
                target=Move._get_reminder_next_level_query(SQL("due"), today),
                balance=self._get_net_balance_query(today),
                # whole customers, up to the first one that reaches the limit
                limit=SQL("before < %s", limit) if limit else SQL("TRUE"),
            )
        )
        rows = self.env.cr.fetchall()
        candidates = [(move_id, rule_id) for move_id, rule_id, __ in rows]
        if with_total:
            return candidates, rows[0][2] if rows else 0
        return candidates

    @api.model
    def _get_open_credit_query(self):
        """SQL of the open credit lines (``res.partner._get_open_credit_domain``)
        with their customer: ``customer, company_id, currency_id, amount``
        (the amount still open, positive, in the line's currency) and
        ``amount_company`` (the same in company currency)."""
        lines = self.env["account.move.line"]._search(
            self.env["res.partner"]._get_open_credit_domain()
        )
        lines.order = None
        table = lines.table
        return SQL(
            """
            SELECT partner.commercial_partner_id AS customer, credit.company_id,
                   credit.currency_id, -credit.amount AS amount,
                   -credit.amount_company AS amount_company
              FROM (%s) credit
              JOIN res_partner partner ON partner.id = credit.partner_id
            """,
            lines.select(
                SQL.identifier(table, "partner_id"),
                SQL.identifier(table, "company_id"),
                SQL.identifier(table, "currency_id"),
                SQL("%s AS amount", SQL.identifier(table, "amount_residual_currency")),
                SQL("%s AS amount_company", SQL.identifier(table, "amount_residual")),
            ),
        )

    @api.model
    def _get_net_balance_query(self, today):
        """SQL of the net amount due of each email of the ``pending``
        reminders of ``_get_reminder_candidates`` (customer, company,
        currency, rule, single invoice or 0): the open amount of the
        customer's invoices due by today or by the latest due date the email
        lists (``account.move._get_reminder_due_domain``), less its open
        credits -- what ``account.move._get_reminder_totals`` shows; and
        ``net_company``, the same in company currency over all the
        customer's currencies, as the worklist and the call sheet count it
        (``account.move._get_reminder_balance``)."""
        invoices = self.env["account.move"]._search(
            self.env["account.move"]._get_reminder_due_domain()
        )
        invoices.order = None
        table = invoices.table
        open_invoices = invoices.select(
            SQL("%s AS customer", SQL.identifier(table, "commercial_partner_id")),
            SQL.identifier(table, "company_id"),
            SQL.identifier(table, "currency_id"),
            SQL("%s AS date_due", SQL.identifier(table, "invoice_date_due")),
            SQL("%s AS amount", SQL.identifier(table, "amount_residual")),
            SQL(
                "%s AS amount_company", SQL.identifier(table, "amount_residual_signed")
            ),
        )
        return SQL(
            """
            WITH grp AS (
                SELECT customer, company_id, currency_id, rule_id, single,
                       GREATEST(MAX(invoice_date_due), %(today)s) AS horizon
                  FROM pending
                 GROUP BY customer, company_id, currency_id, rule_id, single
            ),
            owed AS (
                SELECT grp.customer, grp.company_id, grp.currency_id,
                       grp.rule_id, grp.single,
                       SUM(o.amount) FILTER (WHERE o.currency_id = grp.currency_id)
                           AS amount,
                       SUM(o.amount_company) AS amount_company
                  FROM grp
                  JOIN (%(open)s) o
                    ON o.customer = grp.customer
                   AND o.company_id = grp.company_id
                   AND o.date_due <= grp.horizon
                 GROUP BY grp.customer, grp.company_id, grp.currency_id,
                          grp.rule_id, grp.single
            ),
            credit_lines AS (
                SELECT * FROM (%(credits)s) c
                 WHERE c.customer IN (SELECT customer FROM grp)
            ),
            credit AS (
                SELECT customer, company_id, currency_id, SUM(amount) AS amount
                  FROM credit_lines
                 GROUP BY customer, company_id, currency_id
            ),
            credit_company AS (
                SELECT customer, company_id, SUM(amount_company) AS amount
                  FROM credit_lines
                 GROUP BY customer, company_id
            )
            SELECT grp.customer, grp.company_id, grp.currency_id, grp.rule_id,
                   grp.single,
                   COALESCE(owed.amount, 0) - COALESCE(credit.amount, 0) AS net,
                   COALESCE(owed.amount_company, 0)
                       - COALESCE(credit_company.amount, 0) AS net_company
              FROM grp
              LEFT JOIN owed
                     ON owed.customer = grp.customer
                    AND owed.company_id = grp.company_id
                    AND owed.currency_id = grp.currency_id
                    AND owed.rule_id = grp.rule_id
                    AND owed.single = grp.single
              LEFT JOIN credit
                     ON credit.customer = grp.customer
                    AND credit.company_id = grp.company_id
                    AND credit.currency_id = grp.currency_id
              LEFT JOIN credit_company
                     ON credit_company.customer = grp.customer
                    AND credit_company.company_id = grp.company_id
            """,
            open=open_invoices,
            credits=self._get_open_credit_query(),
            today=today,
        )

    @api.model
    def _claim_reminders(self, candidates, recipients, today):
        """Insert the log rows of ``candidates``; a row another run already
        holds (committed or not) is skipped: PostgreSQL makes this insert wait
        for the other transaction and then drops the conflicting row. Only
        the returned ``(log_id, move_id, rule_id)`` may be sent by this run."""
        move_ids = [move_id for move_id, __ in candidates]
        rows = self._execute_claim(
            SQL(
                """
                INSERT INTO invoice_reminder_log
                       (move_id, rule_id, partner_id, company_id, level, date,
                        amount_open,
                        create_uid, create_date, write_uid, write_date)
                SELECT v.move_id, v.rule_id, v.partner_id, m.company_id, r.level,
                       %(today)s, m.amount_residual,
                       %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(moves)s::int[], %(rules)s::int[], %(partners)s::int[])
                       AS v(move_id, rule_id, partner_id)
                  JOIN account_move m ON m.id = v.move_id
                  JOIN invoice_reminder_rule r ON r.id = v.rule_id
              ORDER BY v.move_id
                    ON CONFLICT (move_id, rule_id) DO NOTHING
             RETURNING id, move_id, rule_id
                """,
                today=today,
                uid=self.env.uid,
                moves=move_ids,
                rules=[rule_id for __, rule_id in candidates],
                partners=[recipients[move_id].id for move_id in move_ids],
            )
        )
        return sorted(rows, key=lambda row: row[1])

    @api.model
    def _execute_claim(self, query):
        """Run a claiming ``INSERT ... ON CONFLICT DO NOTHING RETURNING``.

        When a concurrent run has just committed a claim on one of the same
        rows, PostgreSQL (repeatable read) refuses the insert: that reminder
        belongs to the other run. This batch is then left alone and the
        scheduled action is triggered to go on in a fresh transaction, so
        nothing is sent twice and nothing is skipped."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, log_exceptions=False)
                return self.env.cr.fetchall()
        except SerializationFailure:
            _logger.info("Reminders claimed by a concurrent run; retrying later.")
            self.env.ref("invoice_dispute.ir_cron_send_payment_reminders")._trigger()
            return []

    @api.model
    def _process_reminders(self, candidates, today):
        Move = self.env["account.move"]
        moves = Move.browse([move_id for move_id, __ in candidates])
        # prefetch the customers and their contacts in one go
        moves.commercial_partner_id.child_ids.mapped("is_ar_contact")
        recipients = {move.id: move._get_reminder_recipient() for move in moves}
        claimed = self._claim_reminders(candidates, recipients, today)
        if not claimed:
            return 0
        log_by_move = {move_id: log_id for log_id, move_id, __ in claimed}
        moves_by_rule = defaultdict(list)
        for __, move_id, rule_id in claimed:
            moves_by_rule[rule_id].append(move_id)
        claimed_moves = Move.browse(list(log_by_move))
        credits = self._get_batch_credit_lines(
            claimed_moves.commercial_partner_id, claimed_moves.company_id
        )
        due_amounts = DueAmounts(claimed_moves, today)
        balances = {}  # main invoice id -> net balance (company currency)
        langs = {}  # main invoice id -> language its email was written in

        # the emails and activities of all the rules are created together:
        # one create() each per batch
        groups_by_rule = {}
        mail_values = ([], [])  # (values, attachments) of all the emails
        activity_values, activity_mains = [], []
        for rule in self.browse(list(moves_by_rule)):
            groups = rule._group_reminder_moves(Move.browse(moves_by_rule[rule.id]))
            groups_by_rule[rule] = groups
            balances.update(due_amounts.get_balances(today, groups, credits))
            if rule.action in ("email", "email_activity"):
                values, attachments = rule.with_context(
                    reminder_credits={
                        main.id: credits[self._credit_key(main)].ids for main in groups
                    },
                    reminder_other_credits={
                        main.id: self._get_other_credit_lines(credits, main).ids
                        for main in groups
                    },
                    reminder_due_amounts=due_amounts.get_amounts(today, groups),
                    reminder_balances=balances,
                )._prepare_reminder_mails(groups)
                langs.update(
                    rule.mail_template_id._render_lang([main.id for main in groups])
                )
                mail_values[0].extend(values)
                mail_values[1].extend(attachments)
            if rule.action in ("activity", "email_activity"):
                for values, mains in rule._prepare_reminder_activities(groups, credits):
                    activity_values.append(values)
                    activity_mains.append(mains)
        mails = self._create_template_mails(*mail_values)
        mail_by_move = {mail.res_id: mail for mail in mails}
        activity_by_move = {}
        if activity_values:
            # quick update: no "activity assigned" email per activity; the
            # collectors find them in their activities and worklist
            activities = (
                self.env["mail.activity"]
                .with_context(mail_activity_quick_update=True)
                .create(activity_values)
            )
            for mains, activity in zip(activity_mains, activities, strict=True):
                activity_by_move.update(dict.fromkeys(mains.ids, activity))

        log_values = {}  # log id -> (mail, activity, credit, net, other, ...)
        notes = {}  # move id -> note for invoices without their own email
        levels = {}  # move id -> reminder level
        for rule, groups in groups_by_rule.items():
            for main, group in groups.items():
                mail = mail_by_move.get(main.id, self.env["mail.mail"])
                activity = activity_by_move.get(main.id, self.env["mail.activity"])
                credit = -sum(
                    credits[self._credit_key(main)].mapped("amount_residual_currency")
                )
                net = due_amounts.get_amounts(today, {main: group})[main.id] - credit
                other = -sum(
                    self._get_other_credit_lines(credits, main).mapped(
                        "amount_residual"
                    )
                )
                for move in group:
                    log_values[log_by_move[move.id]] = (
                        mail,
                        activity,
                        credit,
                        net,
                        other,
                        balances[main.id],
                        mail and langs.get(main.id) or None,
                    )
                    if move != main or not mail:
                        notes[move.id] = rule._get_reminder_note(main, group, mail)
            levels.update(dict.fromkeys(moves_by_rule[rule.id], rule.level))
        self._store_move_levels(levels, today)
        if notes:
            Move.browse(list(notes))._message_log_batch(bodies=notes)
        self._store_log_results(log_values)
        return len(claimed)

    @api.model
    def _get_batch_credit_lines(self, partners, companies):
        """The open credits of the customers ``partners`` in ``companies``, in
        one query: ``{(customer id, company id, currency id):
        account.move.line}`` (an empty recordset for the keys without), all
        prefetched together."""
        lines = partners._get_open_credit_lines(companies)
        by_key = defaultdict(list)
        for line in lines:
            key = (
                line.partner_id.commercial_partner_id.id,
                line.company_id.id,
                line.currency_id.id,
            )
            by_key[key].append(line.id)
        result = defaultdict(lambda: lines.browse())
        result.update({key: lines.browse(ids) for key, ids in by_key.items()})
        return result

    @api.model
    def _get_other_credit_lines(self, credits, move):
        """The open credits among ``credits`` (as ``_get_batch_credit_lines``
        returns them) of ``move``'s customer and company in currencies other
        than ``move``'s (``account.move._get_reminder_other_credit_lines``)."""
        key = self._credit_key(move)
        lines = self.env["account.move.line"].union(
            *(
                credits[other]
                for other in list(credits)
                if other[:2] == key[:2] and other != key
            )
        )
        return lines.sorted(lambda line: (line.date, line.id))

    @api.model
    def _credit_key(self, record):
        """Key of ``_get_batch_credit_lines`` for an invoice or installment:
        its customer, company and currency."""
        return (
            record.partner_id.commercial_partner_id.id,
            record.company_id.id,
            record.currency_id.id,
        )

    def _group_reminder_moves(self, moves):
        """``{main invoice: invoices}``: one group per customer and currency
        when the rule consolidates, else one per invoice."""
        self.ensure_one()
        if not self.consolidate:
            return {move: move for move in moves}
        by_key = defaultdict(lambda: self.env["account.move"])
        for move in moves.sorted(lambda m: (m.invoice_date_due, m.id)):
            by_key[move.commercial_partner_id, move.currency_id] |= move
        return {group[0]: group for group in by_key.values()}

    def _prepare_reminder_mails(self, groups):
        """The emails of one rule's batch: one per group, rendered from the
        rule's template on the group's main invoice, kept in that invoice's
        chatter and sent by the mail queue. Returns ``(values, attachments)``
        for ``_create_template_mails``."""
        self.ensure_one()
        template = self.mail_template_id.with_context(
            reminder_groups={main.id: group.ids for main, group in groups.items()}
        )
        return self._render_template_mails(template, [main.id for main in groups])

    @api.model
    def _queue_template_mails(self, template, res_ids):
        """Queue the emails of ``template`` on ``res_ids`` (kept, not
        auto-deleted), as ``mail.template.send_mail_batch`` does, but rendered
        in one go and created in one ``create()``."""
        return self._create_template_mails(
            *self._render_template_mails(template, res_ids)
        )

    @api.model
    def _render_template_mails(self, template, res_ids):
        """``(values, attachments)`` of the emails of ``template`` on
        ``res_ids``: the template's own batch rendering, without creating the
        emails, so that a batch creates all its emails at once. Templates
        with an email layout or report templates, which need more per email,
        go through ``send_mail_batch`` itself: their emails are created here
        and returned as ``{"mail_id": id}`` values."""
        email_values = {"auto_delete": False}
        if template.email_layout_xmlid or template.report_template_ids:
            mails = template.send_mail_batch(
                res_ids, force_send=False, email_values=email_values
            )
            return [{"mail_id": mail.id} for mail in mails], [[] for mail in mails]
        template._send_check_access(res_ids)
        res_ids_values = template._generate_template(
            res_ids,
            (
                "attachment_ids",
                "auto_delete",
                "body_html",
                "email_cc",
                "email_from",
                "email_to",
                "mail_server_id",
                "model",
                "partner_to",
                "reply_to",
                "res_id",
                "scheduled_date",
                "subject",
            ),
        )
        values_list, attachments_list = [], []
        for res_id in res_ids:
            values = res_ids_values[res_id]
            # generated files (e.g. electronic invoices): attached once the
            # mail exists, as send_mail_batch does
            attachments_list.append(values.pop("attachments", []))
            values["recipient_ids"] = [
                Command.link(pid) for pid in values.get("partner_ids") or []
            ]
            values["attachment_ids"] = [
                Command.link(aid) for aid in values.get("attachment_ids") or []
            ]
            values.update(email_values)
            # no void sender: the mail falls back to the default one
            if "email_from" in values and not values["email_from"]:
                values.pop("email_from")
            values["body"] = values["body_html"]
            values_list.append(values)
        return values_list, attachments_list

    @api.model
    def _create_template_mails(self, values_list, attachments_list):
        """Create the emails prepared by ``_render_template_mails`` in one
        ``create()`` and attach their generated files."""
        existing = [values["mail_id"] for values in values_list if "mail_id" in values]
        to_create = [
            (values, attachments)
            for values, attachments in zip(values_list, attachments_list, strict=True)
            if "mail_id" not in values
        ]
        Mail = self.env["mail.mail"].sudo()
        mails = Mail.create([values for values, __ in to_create])
        for mail, (__, attachments) in zip(mails, to_create, strict=True):
            if attachments:
                mail.with_context(default_type=None).write(
                    {
                        "attachment_ids": [
                            Command.create(
                                {
                                    "name": name,
                                    "datas": datas,
                                    "type": "binary",
                                    "res_model": "mail.message",
                                    "res_id": mail.mail_message_id.id,
                                }
                            )
                            for name, datas in attachments
                        ]
                    }
                )
        return Mail.browse(existing) | mails

    def _prepare_reminder_activities(self, groups, credits=None):
        """The activities of one rule's batch: one per customer, for the
        collector or the dispute manager, on the customer's invoice due first
        and listing all its invoices at this level -- one call or review per
        customer, however many of its invoices reach the level together and
        whether or not their emails are consolidated; the note deducts the
        customer's open credits (``credits``, as ``_get_batch_credit_lines``
        returns them). Yields ``(values, main invoices of the groups it
        covers)``."""
        self.ensure_one()
        model_id = self.env["ir.model"]._get_id("account.move")
        today = fields.Date.context_today(self)
        by_customer = defaultdict(lambda: self.env["account.move"])
        for main in groups:
            by_customer[main.commercial_partner_id] |= main
        # the rule's company's dispute manager for manager activities, else
        # (and as fallback) the collector of the customer's invoice
        manager = self.env["res.users"]
        if self.activity_user == "manager":
            manager = self.company_id._get_dispute_managers().filtered(
                lambda user: user._invoice_dispute_is_person()
            )[:1]
        for mains in by_customer.values():
            moves = self.env["account.move"].union(*(groups[main] for main in mains))
            first = moves.sorted(lambda m: (m.invoice_date_due, m.id))[0]
            values = {
                "res_model_id": model_id,
                "res_id": first.id,
                "activity_type_id": self.activity_type_id.id,
                "user_id": (manager or first._get_collector() or self.env.user).id,
                "date_deadline": today,
                "summary": self._get_activity_summary(moves),
                "note": self._get_activity_note(moves, credits),
            }
            yield values, mains

    def _get_activity_summary(self, moves):
        """The rule and the invoices, the first few by name."""
        self.ensure_one()
        names = moves.mapped("name")
        if len(names) <= ACTIVITY_SUMMARY_INVOICES:
            return self.env._(
                "%(rule)s: %(invoices)s", rule=self.name, invoices=", ".join(names)
            )
        return self.env._(
            "%(rule)s: %(invoices)s and %(count)s more",
            rule=self.name,
            invoices=", ".join(names[:ACTIVITY_SUMMARY_INVOICES]),
            count=len(names) - ACTIVITY_SUMMARY_INVOICES,
        )

    def _get_activity_note(self, moves, credits=None):
        """Every invoice of the activity with its due date and open amount,
        and their total, per currency, less the customer's open credits in
        that currency (``credits``: ``{(customer id, company id, currency
        id): account.move.line}``), and its open credits in other currencies,
        each in its own currency: what the call or the review is about."""
        self.ensure_one()
        items = Markup().join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(invoice)s, due %(date)s: %(amount)s open",
                invoice=move.name,
                date=format_date(self.env, move.invoice_date_due),
                amount=format_amount(self.env, move.amount_residual, move.currency_id),
            )
            for move in moves
        )
        totals = []
        for currency, group in moves.grouped("currency_id").items():
            amount = sum(group.mapped("amount_residual"))
            totals.append(
                self.env._(
                    "Total open: %(amount)s",
                    amount=format_amount(self.env, amount, currency),
                )
            )
            credit_lines = (credits or {}).get(self._credit_key(group[0]))
            if credit_lines:
                credit = -sum(credit_lines.mapped("amount_residual_currency"))
                totals.append(
                    self.env._(
                        "Open credits of the customer (credit notes and payments "
                        "not applied yet): %(credit)s",
                        credit=format_amount(self.env, credit, currency),
                    )
                )
        # the customer's open credits in its other currencies, each in its
        # own currency: listed, never added to another currency's total
        other_lines = (
            self._get_other_credit_lines(credits, moves[0]).filtered(
                lambda line: line.currency_id not in moves.currency_id
            )
            if credits and moves
            else self.env["account.move.line"]
        )
        for currency, credit_lines in other_lines.grouped("currency_id").items():
            totals.append(
                self.env._(
                    "Open credits of the customer (credit notes and payments "
                    "not applied yet): %(credit)s",
                    credit=format_amount(
                        self.env,
                        -sum(credit_lines.mapped("amount_residual_currency")),
                        currency,
                    ),
                )
            )
        return Markup("<ul>%s</ul>%s") % (
            items,
            Markup().join(Markup("<p>%s</p>") % total for total in totals),
        )

    def _get_reminder_note(self, main, group, mail):
        self.ensure_one()
        if mail:
            return Markup("%s") % self.env._(
                "Included in the reminder “%(rule)s” sent with invoice %(invoice)s.",
                rule=self.name,
                invoice=main.name,
            )
        return Markup("%s") % self.env._(
            "Reminder “%(rule)s” (level %(level)s) for invoices %(invoices)s.",
            rule=self.name,
            level=self.level,
            invoices=", ".join(group.mapped("name")),
        )

    @api.model
    def _store_move_levels(self, levels, today):
        """Set the invoices' reminder level and date in one query: a write on
        posted invoices runs the whole accounting synchronisation for each
        of them, and these two fields feed nothing else."""
        move_ids = list(levels)
        self.env["account.move"].flush_model(["reminder_level", "reminder_last_date"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE account_move m
                   SET reminder_level = v.level, reminder_last_date = %s
                  FROM unnest(%s::int[], %s::int[]) AS v(move_id, level)
                 WHERE m.id = v.move_id
                """,
                today,
                move_ids,
                [levels[move_id] for move_id in move_ids],
            )
        )
        self.env["account.move"].browse(move_ids).invalidate_recordset(
            ["reminder_level", "reminder_last_date"]
        )

    @api.model
    def _store_log_results(self, log_values):
        """Write each claimed log's email, activity, the customer's open
        credits its reminder deducted, the net amount due it showed, the
        customer's open credits in other currencies and net balance (company
        currency) and the language of its email (``{log id: (mail, activity,
        credit, net[, other credit, balance, lang])}``) in one query."""
        if not log_values:
            return
        self.env.flush_all()
        log_ids = list(log_values)
        self.env.cr.execute(
            SQL(
                """
                UPDATE invoice_reminder_log l
                   SET mail_id = v.mail_id,
                       activity_id = v.activity_id,
                       amount_credit = v.credit,
                       amount_net = v.net,
                       amount_credit_other = v.other,
                       amount_balance = v.balance,
                       lang = v.lang,
                       mail_state = mm.state
                  FROM unnest(%s::int[], %s::int[], %s::int[], %s::numeric[],
                              %s::numeric[], %s::numeric[], %s::numeric[],
                              %s::varchar[])
                       AS v(log_id, mail_id, activity_id, credit, net, other,
                            balance, lang)
             LEFT JOIN mail_mail mm ON mm.id = v.mail_id
                 WHERE l.id = v.log_id
                """,
                log_ids,
                [log_values[log_id][0].id or None for log_id in log_ids],
                [log_values[log_id][1].id or None for log_id in log_ids],
                [log_values[log_id][2] for log_id in log_ids],
                [log_values[log_id][3] for log_id in log_ids],
                *(
                    [(log_values[log_id][4:] + (None,) * 3)[i] for log_id in log_ids]
                    for i in range(3)
                ),
            )
        )
        self.env["invoice.reminder.log"].browse(log_ids).invalidate_recordset()

    # ------------------------------------------------------------------
    # Installment reminders
    # ------------------------------------------------------------------
    @api.model
    def _get_installment_candidates(self, today, limit=None, with_total=False):
        """Ids of the pending installments of active plans due within the
        next days that got no reminder yet and are not covered by the
        customer's open credits (the earliest one per plan); with
        ``with_total``, ``(ids, count of all of them)``. A ``limit`` of 0
        selects none (only the count)."""
        company_ids = self.env.context.get("reminder_company_ids")
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM (
                    SELECT DISTINCT ON (line.plan_id) line.id
                      FROM invoice_payment_plan_line line
                      JOIN invoice_payment_plan plan ON plan.id = line.plan_id
                      JOIN res_partner customer ON customer.id = plan.partner_id
                     WHERE plan.state = 'active'
                       AND line.state = 'pending'
                       AND line.date_due BETWEEN %(today)s AND %(until)s
                       AND %(company)s
                       AND NOT EXISTS (
                            SELECT 1 FROM invoice_reminder_log l
                             WHERE l.plan_line_id = line.id)
                       -- nothing to ask when the open credits cover it
                       AND line.amount - COALESCE(line.amount_paid, 0) > COALESCE((
                            SELECT SUM(c.amount) FROM (%(credits)s) c
                             WHERE c.customer = customer.commercial_partner_id
                               AND c.company_id = plan.company_id
                               AND c.currency_id = plan.currency_id
                       ), 0)
                  ORDER BY line.plan_id, line.date_due, line.id
                ) lines
              ORDER BY id
                """,
                credits=self._get_open_credit_query(),
                today=today,
                until=today + timedelta(days=INSTALLMENT_REMINDER_DAYS),
                company=SQL("plan.company_id IN %s", tuple(company_ids))
                if company_ids
                else SQL("TRUE"),
            )
        )
        rows = self.env.cr.fetchall()
        line_ids = [line_id for (line_id,) in rows[:limit]]
        if with_total:
            return line_ids, len(rows)
        return line_ids

    @api.model
    def _process_installment_reminders(self, line_ids, today):
        lines = self.env["invoice.payment.plan.line"].browse(line_ids)
        recipients = {line.id: line._get_reminder_recipient() for line in lines}
        rows = self._execute_claim(
            SQL(
                """
                INSERT INTO invoice_reminder_log
                       (plan_line_id, partner_id, company_id, level, date,
                        amount_open,
                        create_uid, create_date, write_uid, write_date)
                SELECT v.line_id, v.partner_id, plan.company_id, 0, %(today)s,
                       line.amount - COALESCE(line.amount_paid, 0),
                       %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(lines)s::int[], %(partners)s::int[])
                       AS v(line_id, partner_id)
                  JOIN invoice_payment_plan_line line ON line.id = v.line_id
                  JOIN invoice_payment_plan plan ON plan.id = line.plan_id
              ORDER BY v.line_id
                    ON CONFLICT (plan_line_id) DO NOTHING
             RETURNING id, plan_line_id
                """,
                today=today,
                uid=self.env.uid,
                lines=line_ids,
                partners=[recipients[line_id].id for line_id in line_ids],
            )
        )
        claimed = dict(rows)  # log id -> line id
        if not claimed:
            return 0
        claimed_lines = lines.browse(sorted(claimed.values()))
        credits = self._get_batch_credit_lines(
            claimed_lines.partner_id, claimed_lines.company_id
        )
        credit_by_line = {
            line.id: credits[self._credit_key(line)] for line in claimed_lines
        }
        template = self.env.ref(
            "invoice_dispute.mail_template_installment_reminder"
        ).with_context(
            reminder_credits={
                line_id: credit_lines.ids
                for line_id, credit_lines in credit_by_line.items()
            }
        )
        mails = self._queue_template_mails(template, claimed_lines.ids)
        mail_by_line = {mail.res_id: mail for mail in mails}
        langs = template._render_lang(claimed_lines.ids)
        credit_amounts = {
            line_id: -sum(credit_lines.mapped("amount_residual_currency"))
            for line_id, credit_lines in credit_by_line.items()
        }
        self._store_log_results(
            {
                log_id: (
                    mail_by_line.get(line_id, self.env["mail.mail"]),
                    self.env["mail.activity"],
                    credit_amounts[line_id],
                    lines.browse(line_id).amount_due - credit_amounts[line_id],
                    None,
                    None,
                    line_id in mail_by_line and langs.get(line_id) or None,
                )
                for log_id, line_id in claimed.items()
            }
        )
        claimed_lines.plan_id._message_log_batch(
            bodies={
                line.plan_id.id: Markup("%s")
                % self.env._(
                    "Reminder sent for the installment of %(date)s.",
                    date=line.date_due,
                )
                for line in claimed_lines
            }
        )
        return len(claimed)
