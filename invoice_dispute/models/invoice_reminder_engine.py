import base64
import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date
from odoo.tools.sql import create_index

from .constants import MAIL_BATCH_SIZE_KEY, OPEN_PAYMENT_STATES, OPEN_STATES
from .invoice_workflow_mixin import check_transition, transition_sources_sql

_logger = logging.getLogger(__name__)
# Installment reminders go out this many days before each installment.
INSTALLMENT_REMINDER_DAYS = 3
# An activity's summary names this many invoices, its note lists them all.
ACTIVITY_SUMMARY_INVOICES = 5
# A batch of the scheduled action looks at the customers after the last one
# of the previous batch, this many times its size in open invoices at a time
# (about 40 % of the open invoices are due for a reminder on a given day).
BATCH_CUSTOMER_WINDOW = 2
# The customer statement a collector may attach to a reminder sent now.
STATEMENT_REPORT = "invoice_dispute.action_report_customer_statement"
# The open customer invoices: the predicate of the partial index
# ``account_move_reminder_customer_idx`` (``InvoiceReminderEngine.init``),
# which every domain of the reminders implies (``account.move
# ._get_open_invoice_domain``, ``invoice.reminder.rule
# ._get_reminder_move_domain``).
OPEN_INVOICE_PREDICATE = (
    "move_type = 'out_invoice' AND state = 'posted' "
    f"AND payment_state IN {OPEN_PAYMENT_STATES!r}"
)
# No customer id above this one (res.partner ids are PostgreSQL integers).
MAX_ID = 2**31 - 1


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
        ``InvoiceReminderEngine._get_batch_credit_lines`` returns them), in
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


class InvoiceReminderEngine(models.AbstractModel):
    """The payment reminder engine: selects the invoices due for a reminder
    level (``invoice.reminder.rule`` holds the configuration), claims them
    in ``invoice.reminder.log`` (unique per invoice and rule: never twice),
    writes one ``invoice.reminder.notice`` per customer, level and currency
    (or per invoice) and queues its email through Odoo's standard template
    sending. Used by the scheduled action, the rules' "Send reminders now"
    and the collectors' send-now wizard."""

    _name = "invoice.reminder.engine"
    _description = "Payment Reminder Engine"

    def init(self):
        result = super().init()
        # the open customer invoices by customer: the scheduled action's
        # batches take the customers after the last one of the previous
        # batch, and read what these customers owe
        create_index(
            self.env.cr,
            "account_move_reminder_customer_idx",
            "account_move",
            ["commercial_partner_id", "invoice_date_due"],
            where=OPEN_INVOICE_PREDICATE,
        )
        return result

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

        The customers are taken in order: a call goes on after the last
        customer of the previous call of the same run (kept on its
        ``ir.cron.progress``, ``_get_cron_reminder_start``) and selects its
        candidates among the invoices of the next customers only, so a call
        costs what its batch holds, not what the whole database holds. A
        large batch keeps the number of calls, and of their fixed queries,
        small: 2,500 invoices make about 1,000 emails with the consolidated
        default rules (some 15 seconds of rendering)."""
        # sudo: the scheduled action works for every company at once
        engine = self.sudo()
        after = engine._get_cron_reminder_start()
        done, remaining, last = engine._send_reminder_batch_after(
            after, limit=batch_size
        )
        progress_id = self.env.context.get("ir_cron_progress_id")
        if progress_id:
            self.env["ir.cron.progress"].sudo().browse(progress_id).write(
                {"invoice_reminder_customer_id": last}
            )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _get_cron_reminder_start(self):
        """The customer (commercial partner id) after which this call of the
        scheduled action starts: the last one of the previous call of the
        same run -- the call before this one today, which reminded something
        and left work -- else 0 (from the first customer). Everything up to
        that customer was claimed by the calls before (their claims are
        committed); what became due meanwhile below it waits for the next
        run. Restarting from 0 is always safe: the claims make it send
        nothing twice.

        :return: int
        """
        progress_id = self.env.context.get("ir_cron_progress_id")
        if not progress_id:
            return 0
        self.env["ir.cron.progress"].flush_model(
            ["done", "remaining", "invoice_reminder_customer_id"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT previous.invoice_reminder_customer_id, previous.done,
                       previous.remaining
                  FROM ir_cron_progress progress
                  JOIN ir_cron_progress previous
                    ON previous.cron_id = progress.cron_id
                   AND previous.id < progress.id
                 WHERE progress.id = %s
                   AND previous.create_date >= date_trunc('day', progress.create_date)
              ORDER BY previous.id DESC
                 LIMIT 1
                """,
                progress_id,
            )
        )
        row = self.env.cr.fetchone()
        if not row or not (row[1] and row[2]):
            # the first call of a run (or after one that failed, timed out,
            # or lost its claims to a concurrent run): from the first customer
            return 0
        return row[0] or 0

    @api.model
    def _send_reminders(self, limit=None):
        """Claim and send up to ``limit`` due reminders (invoices first, then
        installments). Returns how many were handled."""
        return self._send_reminder_batch_after(0, limit=limit)[0]

    @api.model
    def _send_reminder_batch(self, limit=None):
        """Claim and send up to ``limit`` due reminders (invoices first, then
        installments). Returns ``(handled, due reminders left for later)``:
        the whole count of what is left (a query on all the invoices when
        some are left, for a user's notification)."""
        done, remaining, __ = self._send_reminder_batch_after(0, limit=limit)
        if remaining:
            remaining = self._count_pending_reminders()
        return done, remaining

    @api.model
    def _send_reminder_batch_after(self, after, limit=None):
        """Claim and send up to ``limit`` due reminders of the customers after
        ``after`` (a commercial partner id, 0 for all), whole customers in
        the order of their ids, then installments when the invoices leave
        room.

        :return: ``(handled, left, last customer)``: ``left`` is more than 0
            when reminders are left for a next call (the count of those seen
            while selecting this batch: a lower bound), ``last customer`` the
            id of the batch's last customer (``after`` when none)
        """
        today = fields.Date.context_today(self)
        self.env.flush_all()
        done = 0
        candidates, remaining, last = self._get_reminder_batch(
            today, after, limit=limit
        )
        if candidates:
            done += len(self._process_reminders(candidates, today).move_ids)
        room = max(limit - len(candidates), 0) if limit else None
        if room == 0:
            # the installments with the last batch, when the invoices leave
            # room: one more call at least
            return done, remaining + 1, last
        lines, line_total = self._get_installment_candidates(
            today, limit=room, with_total=True
        )
        remaining += line_total - len(lines)
        if lines:
            done += self._process_installment_reminders(lines, today)
        return done, remaining, last

    @api.model
    def _count_pending_reminders(self):
        today = fields.Date.context_today(self)
        self.env.flush_all()
        return len(self._get_reminder_candidates(today)) + len(
            self._get_installment_candidates(today)
        )

    @api.model
    def _get_engine_rules(self):
        """The active reminder rules of the companies the run works for
        (``reminder_company_ids`` in the context, else all)."""
        domain = []
        company_ids = self.env.context.get("reminder_company_ids")
        if company_ids:
            domain.append(("company_id", "in", company_ids))
        return self.env["invoice.reminder.rule"].search(
            domain, order="company_id, level desc"
        )

    @api.model
    def _get_eligible_level_query(self, today, customers=None):
        """SQL of ``(move_id, rule_id)``: per invoice, the level it is
        eligible for today among the levels whose rule applies to it
        (``invoice.reminder.rule._get_reminder_move_domain``): the next level
        in order, after the interval, the grace after an agreement and from
        the company's go-live, not claimed yet
        (``account.move._get_reminder_next_level_query``, the one definition
        of the escalation). None when no rule is active.

        The selection, the counts and the send-now wizard's default level use
        it.

        :param customers: None for all the invoices, else ``(after, upto)``:
            only the invoices of the customers (commercial partners) whose id
            is above ``after`` (int) and at most ``upto`` (int or SQL)
        """
        rules = self._get_engine_rules()
        if not rules:
            return None
        Move = self.env["account.move"].with_context(active_test=False)
        parts = []
        for rule in rules:
            query = Move._search(rule._get_reminder_move_domain(today))
            query.order = None
            self._add_customer_range(query, "commercial_partner_id", customers)
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
        next_level = Move._get_reminder_next_level_query(
            SQL("(%s)", SQL(" UNION ALL ").join(parts)), today
        )
        return SQL("SELECT e.move_id, e.rule_id FROM (%s) e", next_level)

    @api.model
    def _add_customer_range(self, query, column, customers):
        """Restrict ``query`` (an ORM ``Query``) to the customers of
        ``customers`` (None, or ``(after, upto)`` as in
        ``_get_eligible_level_query``) by its ``column`` (a commercial
        partner id); on account.move, served by the partial index
        ``account_move_reminder_customer_idx`` on the open invoices."""
        if customers is not None:
            query.add_where(
                self._get_customer_range_sql(
                    SQL.identifier(query.table, column), customers
                )
            )

    @api.model
    def _get_customer_range_sql(self, customer, customers):
        """SQL condition: ``customer`` (SQL of a commercial partner id) is in
        ``customers`` (None: all, or ``(after, upto)`` as in
        ``_get_eligible_level_query``)."""
        if customers is None:
            return SQL("TRUE")
        after, upto = customers
        if upto is None:
            return SQL("%s > %s", customer, after)
        return SQL("%s > %s AND %s <= %s", customer, after, customer, upto)

    @api.model
    def _get_reminder_candidates(self, today, limit=None, with_total=False):
        """``[(move_id, rule_id)]``: per invoice, the next level it may reach
        today (``_get_eligible_level_query``: in order, after the interval,
        the grace after an agreement and from the company's go-live), in an
        email whose net amount due is
        positive (``account.move._get_reminder_totals``: what the customer
        owes on its invoices due by today or by the latest due date the email
        lists, less its open credits) and whose customer's net balance in
        company currency, all currencies together, is positive too
        (``account.move._get_reminder_balance``: the worklist's and call
        sheet's basis). The others stay candidates until they
        owe something again. A ``limit`` takes whole customers, so
        that a customer's invoices stay in one batch (one consolidated email,
        one activity): the last customer may take the batch over the limit.
        One query on all the invoices; with ``with_total``,
        ``(candidates, count of all the candidates)``. The scheduled action
        selects its batches with ``_get_reminder_batch`` instead."""
        rows, __ = self._select_reminder_candidates(today)
        total = len(rows)
        if limit:
            rows = rows[: self._count_batch_rows(rows, limit)]
        candidates = [(move_id, rule_id) for move_id, rule_id, __ in rows]
        return (candidates, total) if with_total else candidates

    @api.model
    def _get_reminder_batch(self, today, after, limit=None):
        """The candidates (as ``_get_reminder_candidates``) of the next batch:
        whole customers after the customer ``after`` (commercial partner id),
        in the order of their ids, up to ``limit`` (the last customer may
        take the batch over it; None: all of them).

        The customers are looked at a window at a time: the open invoices of
        the next ``BATCH_CUSTOMER_WINDOW`` times ``limit`` of them, found in
        the partial index ``account_move_reminder_customer_idx``, and their
        amounts owed and open credits; a window more while the batch is not
        full. A batch thus costs what its customers hold, not what the whole
        database holds, and a run of the scheduled action grows linearly
        with the invoices.

        :return: ``(candidates, left, last)``: ``[(move_id, rule_id)]``, the
            candidates seen after the batch (more than 0 when some are left;
            a lower bound of what is left), the id of the batch's last
            customer (``after`` when the batch is empty)
        """
        if not limit:
            rows, __ = self._select_reminder_candidates(today, (after, None))
            last = rows[-1][2] if rows else after
            return [(move_id, rule_id) for move_id, rule_id, __ in rows], 0, last
        rows, start = [], after
        window = BATCH_CUSTOMER_WINDOW * limit
        while True:
            chunk, upto = self._select_reminder_candidates(
                today, (start, None), window=window
            )
            rows += chunk
            count = self._count_batch_rows(rows, limit)
            if count < len(rows) or upto is None:
                break
            # the batch is not full yet: the next window, sized from what
            # this one held (from the batch's size to four times this one)
            start = upto
            needed = (limit - len(rows)) * window * 5 // 4 // max(len(chunk), 1)
            window = min(max(needed, limit), 4 * window)
        batch = rows[:count]
        last = batch[-1][2] if batch else after
        return (
            [(move_id, rule_id) for move_id, rule_id, __ in batch],
            len(rows) - count,
            last,
        )

    @api.model
    def _count_batch_rows(self, rows, limit):
        """How many of ``rows`` (``(move_id, rule_id, customer)``, in the order
        of their customers) a batch of ``limit`` takes: whole customers, up
        to the first one that reaches the limit."""
        count = 0
        for index, (__, __, customer) in enumerate(rows):
            if count >= limit and customer != rows[index - 1][2]:
                break
            count += 1
        return count

    @api.model
    def _select_reminder_candidates(self, today, customers=None, window=None):
        """The candidates of ``_get_reminder_candidates`` with their customer,
        ``[(move_id, rule_id, customer)]`` in the order of their customers
        and invoices, in one query.

        :param customers: None for all the customers, else ``(after, upto)``
            as in ``_get_eligible_level_query`` (``upto`` None: no upper
            bound)
        :param window: with ``customers``, look only at the customers of the
            next ``window`` open invoices after ``after`` (whole customers)
        :return: ``(rows, upto)``: ``upto`` the last customer of the window,
            None when the window reached the last customer
        """
        eligible = None
        bound = SQL("NULL::int")
        if customers is not None and window:
            after = customers[0]
            # the customer of the window's last open invoice (the whole
            # customer is in): an index-only range of the partial index
            bound = SQL(
                """
                SELECT commercial_partner_id FROM account_move
                 WHERE %s AND commercial_partner_id > %s
              ORDER BY commercial_partner_id
                OFFSET %s LIMIT 1
                """,
                SQL(OPEN_INVOICE_PREDICATE),
                after,
                window - 1,
            )
            customers = (
                after,
                SQL("COALESCE((SELECT upto FROM bound), %s)", MAX_ID),
            )
        eligible = self._get_eligible_level_query(today, customers)
        if eligible is None:
            return [], None
        self.env.cr.execute(
            SQL(
                """
                WITH bound AS (SELECT (%(bound)s) AS upto),
                target AS (%(eligible)s),
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
                balance AS (%(balance)s),
                candidate AS (
                    SELECT p.move_id, p.rule_id, p.customer
                      FROM pending p
                      JOIN balance b
                        ON b.customer = p.customer
                       AND b.company_id = p.company_id
                       AND b.currency_id = p.currency_id
                       AND b.rule_id = p.rule_id
                       AND b.single = p.single
                     WHERE b.net > 0 AND b.net_company > 0
                )
                -- one row at least: the window's bound
                SELECT bound.upto, c.move_id, c.rule_id, c.customer
                  FROM bound
             LEFT JOIN candidate c ON TRUE
              ORDER BY c.customer, c.move_id
                """,
                bound=bound,
                eligible=eligible,
                balance=self._get_net_balance_query(today, customers),
            )
        )
        rows = self.env.cr.fetchall()
        upto = rows[0][0] if rows else None
        return [row[1:] for row in rows if row[1]], upto

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
    def _get_net_balance_query(self, today, customers=None):
        """SQL of the net amount due of each email of the ``pending``
        reminders of ``_get_reminder_candidates`` (customer, company,
        currency, rule, single invoice or 0): the open amount of the
        customer's invoices due by today or by the latest due date the email
        lists (``account.move._get_reminder_due_domain``), less its open
        credits -- what ``account.move._get_reminder_totals`` shows; and
        ``net_company``, the same in company currency over all the
        customer's currencies, as the worklist and the call sheet count it
        (``account.move._get_reminder_balance``).

        :param customers: None, or the range of customers of the
            ``pending`` reminders (as in ``_get_eligible_level_query``): only
            their invoices and credits are read
        """
        invoices = self.env["account.move"]._search(
            self.env["account.move"]._get_reminder_due_domain()
        )
        invoices.order = None
        self._add_customer_range(invoices, "commercial_partner_id", customers)
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
                 WHERE c.customer IN (SELECT customer FROM grp) AND %(range)s
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
            range=self._get_customer_range_sql(SQL("c.customer"), customers),
            today=today,
        )

    @api.model
    def _claim_reminders(self, candidates, recipients, today):
        """Insert the log rows of ``candidates`` (``[(move_id, rule_id)]``,
        ``recipients``: ``{move_id: res.partner}``); a row another run
        already holds (committed or not) is skipped: PostgreSQL makes this
        insert wait for the other transaction and then drops the conflicting
        row. Only the returned ``(log_id, move_id, rule_id)`` may be sent by
        this run."""
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
    def _process_reminders(self, candidates, today, consolidate=None, attachments=None):
        """Claim ``candidates`` (``[(move_id, rule_id)]``) and remind what
        was claimed: one ``invoice.reminder.notice`` per group (customer,
        level and currency for consolidating rules, else per invoice), its
        email queued from the rule's template rendered on the notice, one
        activity per customer and level, the invoices' level set.

        :param consolidate: None to follow each rule, True to group the
            invoices per customer and currency whatever the rule says (a
            collector's send-now)
        :param attachments: ir.attachment records added to every email
        :return: the notices created (invoice.reminder.notice)
        """
        Move = self.env["account.move"]
        Notice = self.env["invoice.reminder.notice"]
        moves = Move.browse([move_id for move_id, __ in candidates])
        # prefetch the customers and their contacts in one go
        moves.commercial_partner_id.child_ids.mapped("is_ar_contact")
        recipients = {move.id: move._get_reminder_recipient() for move in moves}
        claimed = self._claim_reminders(candidates, recipients, today)
        if not claimed:
            return Notice
        log_by_move = {move_id: log_id for log_id, move_id, __ in claimed}
        moves_by_rule = defaultdict(list)
        for __, move_id, rule_id in claimed:
            moves_by_rule[rule_id].append(move_id)
        claimed_moves = Move.browse(list(log_by_move))
        credits = self._get_batch_credit_lines(
            claimed_moves.commercial_partner_id, claimed_moves.company_id
        )
        due_amounts = DueAmounts(claimed_moves, today)

        # the notices, emails and activities of all the rules are created
        # together: one create() each per batch
        notice_values, notice_groups = [], []
        activity_values, activity_mains = [], []
        rules = self.env["invoice.reminder.rule"].browse(list(moves_by_rule))
        for rule in rules:
            groups = self._group_reminder_moves(
                Move.browse(moves_by_rule[rule.id]),
                rule.consolidate if consolidate is None else consolidate,
            )
            balances = due_amounts.get_balances(today, groups, credits)
            amounts = due_amounts.get_amounts(today, groups)
            for main, group in groups.items():
                notice_values.append(
                    self._prepare_notice_values(
                        rule,
                        group,
                        recipients[main.id],
                        today,
                        credits,
                        amounts[main.id],
                        balances[main.id],
                    )
                )
                notice_groups.append((rule, main, group))
            if rule.action in ("activity", "email_activity"):
                for values, mains in self._prepare_reminder_activities(
                    rule, groups, credits
                ):
                    activity_values.append(values)
                    activity_mains.append(mains)
        notices = self._create_notices(notice_values)
        emailed, unsent = self._split_unsent_notices(
            notices, notice_groups, recipients, activity_values, activity_mains
        )
        activity_by_move, activity_by_notice = {}, {}
        if activity_values:
            # quick update: no "activity assigned" email per activity; the
            # collectors find them in their activities and worklist
            activities = (
                self.env["mail.activity"]
                .with_context(mail_activity_quick_update=True)
                .create(activity_values)
            )
            for mains, activity in zip(activity_mains, activities, strict=True):
                if mains._name == Notice._name:
                    activity_by_notice[mains.id] = activity
                else:
                    activity_by_move.update(dict.fromkeys(mains.ids, activity))
        mail_by_notice = {}
        for template, template_notices in emailed.items():
            mail_by_notice.update(
                self._send_notice_mails(template, template_notices, attachments)
            )

        notice_results, log_values, levels = {}, {}, {}
        for notice, (rule, main, group) in zip(notices, notice_groups, strict=True):
            mail = mail_by_notice.get(notice.id, self.env["mail.mail"])
            activity = activity_by_move.get(main.id) or activity_by_notice.get(
                notice.id, self.env["mail.activity"]
            )
            notice_results[notice.id] = (mail, activity, unsent.get(notice.id))
            for move in group:
                log_values[log_by_move[move.id]] = (notice, mail, activity)
                levels[move.id] = rule.level
        self._store_notice_results(notice_results)
        self._store_log_results(log_values)
        self._store_move_levels(levels, today)
        if unsent:
            # the invoices' chatter only tells what needs the user: the
            # reminders not emailed; the others are found from the invoice's
            # "Reminders" button (its notices, each with its email in its
            # chatter) and its reminder level and date -- a note on every
            # reminded invoice cost one query per 100 invoices
            unsent_notices = notices.browse(list(unsent))
            unsent_notices.move_ids._message_log_batch(
                bodies=self._get_invoice_notes(
                    unsent_notices, unsent_notices.move_ids, unsent
                )
            )
            self._log_unsent_notices(unsent_notices, unsent)
        return notices

    @api.model
    def _get_no_email_reason(self, recipient):
        """Why a notice to ``recipient`` (res.partner) is not emailed: it has
        no email address (stored as the notice's ``unsent_reason``).

        :return: str, translated
        """
        return self.env._(
            "no email address (%(recipient)s has none)",
            recipient=recipient.display_name,
        )

    @api.model
    def _log_unsent_notices(self, notices, unsent):
        """Say in the chatter of ``notices`` (failed at once, never emailed)
        why (``unsent``: ``{notice id: reason}``) and what follows, in one
        query: the scheduled action keeps their level claimed (the customer
        is not reminded again at it every night; the collector got a call
        activity instead); once the contact has an email address, the next
        level goes out by email, or a collector sends one now."""
        notices._message_log_batch(
            bodies={
                notice.id: Markup("%s")
                % self.env._(
                    "Not emailed: %(reason)s. Level %(level)s counts as reminded "
                    "by the call planned instead; add an email address to the "
                    "contact for the next reminders.",
                    reason=unsent[notice.id],
                    level=notice.level,
                )
                for notice in notices
            }
        )

    @api.model
    def _split_unsent_notices(
        self, notices, notice_groups, recipients, activity_values, activity_mains
    ):
        """Sort the emailing ``notices`` (``notice_groups``: their ``(rule,
        main invoice, invoices)``; ``recipients``: ``{invoice id:
        res.partner}``) into those to email, per template, and those whose
        recipient has no email address: these queue no email, fail at once
        with their reason, and their customer gets one call -- the rule's
        own activity when it is a call, else a call activity on the notice,
        whose values are appended to ``activity_values`` (and the notice to
        ``activity_mains``).

        :return: ``({mail.template: notices}, {notice id: reason})``
        """
        emailed = defaultdict(lambda: self.env["invoice.reminder.notice"])
        unsent = {}
        call = self._get_call_activity_type()
        for notice, (rule, main, group) in zip(notices, notice_groups, strict=True):
            if rule.action not in ("email", "email_activity"):
                continue
            if recipients[main.id].email_normalized:
                emailed[rule.mail_template_id] |= notice
                continue
            unsent[notice.id] = self._get_no_email_reason(recipients[main.id])
            if rule.action != "email_activity" or rule.activity_type_id != call:
                activity_values.append(
                    self._prepare_no_email_activity(notice, main, group)
                )
                activity_mains.append(notice)
        return emailed, unsent

    @api.model
    def _get_call_activity_type(self):
        """The activity type of a phone call (``mail.mail_activity_data_call``)."""
        return self.env.ref("mail.mail_activity_data_call")

    @api.model
    def _prepare_no_email_activity(self, notice, main, moves):
        """Values of the call activity for the collector of ``main``'s
        customer (``account.move._get_collector``, else the current user)
        when ``notice`` could not be emailed: its recipient has no email
        address. On the notice, due today, listing ``moves``.

        :return: dict of mail.activity values
        """
        return {
            "res_model_id": self.env["ir.model"]._get_id(notice._name),
            "res_id": notice.id,
            "activity_type_id": self._get_call_activity_type().id,
            "user_id": (main._get_collector() or self.env.user).id,
            "date_deadline": notice.date,
            "summary": self.env._(
                "Call %(customer)s: reminder %(notice)s was not emailed (no "
                "email address)",
                customer=main.commercial_partner_id.display_name,
                notice=notice.name,
            ),
            "note": self._get_activity_note(notice.rule_id, moves),
        }

    @api.model
    def _prepare_notice_values(
        self, rule, moves, recipient, today, credits, amount_due, balance
    ):
        """Values of the notice reminding ``moves`` (one customer, company and
        currency) at ``rule``'s level to ``recipient``: the customer's open
        credits of the batch (``credits``, as ``_get_batch_credit_lines``
        returns them), what it owes on the invoices due by then
        (``amount_due``, in the invoices' currency) and its net balance
        (``balance``, in company currency). The amounts are those of
        ``account.move._get_reminder_totals``, which the check before sending
        computes again: given the batch's credits and amount due, it runs no
        query.

        :return: dict of invoice.reminder.notice values
        """
        main = moves[0]
        currency = main.currency_id
        same = credits[self._credit_key(main)]
        other = self._get_other_credit_lines(credits, main)
        amount_open, amount_credit, amount_net, amount_other = (
            moves._get_reminder_totals(credit_lines=same, amount_due=amount_due)
        )
        notice = {
            "partner_id": main.commercial_partner_id.id,
            "recipient_id": recipient.id,
            "company_id": main.company_id.id,
            "currency_id": currency.id,
            "rule_id": rule.id,
            "level": rule.level,
            "date": today,
            "move_ids": [Command.set(moves.ids)],
            "credit_move_ids": [Command.set((same | other).move_id.ids)],
            "amount_open": amount_open,
            "amount_due": currency.round(amount_open + amount_other),
            "amount_credit": currency.round(amount_credit),
            "amount_net": amount_net,
            "amount_credit_other": main.company_currency_id.round(
                other._get_open_credit_total(company_currency=True)
            ),
            "amount_balance": balance,
            "state": "draft",
        }
        notice["lang"] = (
            main.commercial_partner_id._get_reminder_lang(recipient)
            if rule.action in ("email", "email_activity")
            else False
        )
        return notice

    @api.model
    def _create_notices(self, values_list):
        """Create the notices of ``values_list`` in one ``create()`` (numbered
        from their sequence in one query), without the chatter's "created"
        note: their email is their first message."""
        return (
            self.env["invoice.reminder.notice"]
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(values_list)
        )

    @api.model
    def _send_notice_mails(self, template, notices, attachments=None):
        """Queue the emails of ``template`` rendered on ``notices`` through
        Odoo's standard batch sending (``mail.template.send_mail_batch``):
        kept after sending (not auto-deleted), in each notice's chatter, left
        to the mail queue, which checks each one just before it leaves
        (``invoice.reminder.notice._withdraw_untrue_reminders``).

        :param attachments: ir.attachment records added to every email
        :return: ``{notice id: mail.mail}``
        """
        if not notices:
            return {}
        email_values = {"auto_delete": False}
        if attachments:
            email_values["attachment_ids"] = [
                Command.link(attachment.id)
                for attachment in template.attachment_ids | attachments
            ]
        # all the emails of the batch in one chunk (one create()) rather than
        # chunks of the system parameter mail.batch_size (ir.config_parameter)
        mails = template.with_context(
            **{MAIL_BATCH_SIZE_KEY: len(notices)}
        ).send_mail_batch(notices.ids, force_send=False, email_values=email_values)
        self._set_notice_reply_to(mails)
        return {mail.res_id: mail for mail in mails}

    @api.model
    def _set_notice_reply_to(self, mails):
        """Give the notices' emails ``mails`` the standard reply-to of their
        notice (``mail.thread._notify_get_reply_to``: the notice's alias, else
        its company's catchall address with the company and notice names,
        else the email's sender), in one query: the reminder templates set
        none, and an email without one is answered to its sender, outside
        Odoo. With the catchall, a reply comes back through Odoo's mail
        gateway into the notice's chatter (``invoice.reminder.notice
        .message_update``)."""
        mails = mails.filtered(lambda mail: not mail.reply_to)
        if not mails:
            return
        notices = self.env["invoice.reminder.notice"].browse(mails.mapped("res_id"))
        reply_tos = notices._notify_get_reply_to(default=False)
        values = [
            (mail.mail_message_id.id, reply_tos.get(mail.res_id) or mail.email_from)
            for mail in mails
        ]
        values = [(message_id, reply_to) for message_id, reply_to in values if reply_to]
        if not values:
            return
        self.env["mail.message"].flush_model(["reply_to"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE mail_message m
                   SET reply_to = v.reply_to
                  FROM unnest(%s::int[], %s::varchar[]) AS v(message_id, reply_to)
                 WHERE m.id = v.message_id
                """,
                [message_id for message_id, __ in values],
                [reply_to for __, reply_to in values],
            )
        )
        mails.invalidate_recordset(["reply_to"])
        mails.mail_message_id.invalidate_recordset(["reply_to"])

    @api.model
    def _get_invoice_notes(self, notices, moves, unsent):
        """``{invoice id: note}``: in the chatter of each invoice among
        ``moves``, the notice that reminded it (a link to it), its level and
        why it was not emailed (``unsent``: ``{notice id: reason}``)."""
        notes = {}
        for notice in notices:
            link = Markup('<a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>') % (
                notice._name,
                notice.id,
                notice.name,
            )
            for move in notice.move_ids & moves:
                notes[move.id] = Markup("%s") % self.env._(
                    "Reminder “%(rule)s” (level %(level)s): %(notice)s, not "
                    "emailed: %(reason)s. Call the customer.",
                    rule=notice.rule_id.name,
                    level=notice.level,
                    notice=link,
                    reason=unsent[notice.id],
                )
        return notes

    @api.model
    def _store_notice_results(self, results):
        """Write each notice's email and activity and the state that follows
        (queued when emailed, sent when it only planned an activity, failed
        with its reason when it could not be emailed) in one query
        (``{notice id: (mail, activity, reason or None)}``).

        The state is written in SQL with the rest (one statement for the
        batch the run claimed); the states it may start from are those of the
        notice's ``_TRANSITIONS`` (``transition_sources_sql``), as the ORM
        checks them elsewhere.

        :raise UserError: a notice is in a state those transitions do not
            start from (the whole run is rolled back: nothing is claimed)
        """
        if not results:
            return
        self.env.flush_all()
        Notice = self.env["invoice.reminder.notice"]
        notice_ids = list(results)
        self.env.cr.execute(
            SQL(
                """
                UPDATE invoice_reminder_notice n
                   SET mail_id = v.mail_id,
                       activity_id = v.activity_id,
                       unsent_reason = v.reason,
                       state = CASE WHEN v.reason IS NOT NULL THEN 'failed'
                                    WHEN v.mail_id IS NULL THEN 'sent'
                                    ELSE 'queued' END
                  FROM unnest(%s::int[], %s::int[], %s::int[], %s::varchar[])
                       AS v(notice_id, mail_id, activity_id, reason)
                 WHERE n.id = v.notice_id
                   AND %s
             RETURNING n.id
                """,
                notice_ids,
                [results[notice_id][0].id or None for notice_id in notice_ids],
                [results[notice_id][1].id or None for notice_id in notice_ids],
                [results[notice_id][2] or None for notice_id in notice_ids],
                transition_sources_sql(
                    Notice, ("failed", "sent", "queued"), SQL("n.state")
                ),
            )
        )
        stored = {notice_id for (notice_id,) in self.env.cr.fetchall()}
        notices = Notice.browse(notice_ids)
        notices.invalidate_recordset(
            ["mail_id", "activity_id", "state", "unsent_reason"]
        )
        if len(stored) != len(notice_ids):
            check_transition(notices.browse(set(notice_ids) - stored), "queued")

    @api.model
    def _store_log_results(self, log_values):
        """Write each claimed log's notice, email and activity, and the
        figures of its notice (open credits deducted, net amount due, open
        credits in other currencies and net balance, language), in one query
        (``{log id: (notice, mail, activity)}``)."""
        if not log_values:
            return
        self.env.flush_all()
        log_ids = list(log_values)
        self.env.cr.execute(
            SQL(
                """
                UPDATE invoice_reminder_log l
                   SET notice_id = n.id,
                       mail_id = v.mail_id,
                       activity_id = v.activity_id,
                       amount_credit = n.amount_credit,
                       amount_net = n.amount_net,
                       amount_credit_other = n.amount_credit_other,
                       amount_balance = n.amount_balance,
                       lang = CASE WHEN v.mail_id IS NULL THEN NULL ELSE n.lang END,
                       -- not emailed (no email address): delivery failed
                       mail_state = CASE WHEN n.unsent_reason IS NOT NULL
                                         THEN 'exception' ELSE mm.state END
                  FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[])
                       AS v(log_id, notice_id, mail_id, activity_id)
                  JOIN invoice_reminder_notice n ON n.id = v.notice_id
             LEFT JOIN mail_mail mm ON mm.id = v.mail_id
                 WHERE l.id = v.log_id
                """,
                log_ids,
                [log_values[log_id][0].id for log_id in log_ids],
                [log_values[log_id][1].id or None for log_id in log_ids],
                [log_values[log_id][2].id or None for log_id in log_ids],
            )
        )
        self.env["invoice.reminder.log"].browse(log_ids).invalidate_recordset()

    # ------------------------------------------------------------------
    # Send now (a collector, from the customer)
    # ------------------------------------------------------------------
    @api.model
    def _get_send_now_level(self, partner, company):
        """The level a collector's send-now proposes for ``partner`` (its
        commercial partner) in ``company``, by the scheduled action's rule
        (``_get_eligible_level_query``: levels in order, each one's days
        after the due date and its interval since the last reminder
        (``min_interval_days``), agreements, go-live): the lowest level one
        of its invoices is eligible for today. When none is, the level its
        open invoices reached (the lowest; at least 1): nothing is proposed
        to send, and ``_get_send_now_nothing_reason`` says when the next level
        comes. An escalation before the rule's interval is never proposed:
        the collector picks the level (``_get_send_now_moves``) to make it.

        :return: int, 1 or more
        """
        today = fields.Date.context_today(self)
        engine = self.with_context(reminder_company_ids=company.ids)
        self.env.flush_all()
        customer = partner.commercial_partner_id
        # only this customer's invoices (the partial index on the open ones)
        eligible = engine._get_eligible_level_query(
            today, (customer.id - 1, customer.id)
        )
        if eligible is None:
            return 1
        self.env.cr.execute(
            SQL(
                """
                SELECT MIN(r.level)
                  FROM (%s) e
                  JOIN account_move m ON m.id = e.move_id
                  JOIN invoice_reminder_rule r ON r.id = e.rule_id
                 WHERE m.commercial_partner_id = %s
                """,
                eligible,
                customer.id,
            )
        )
        level = self.env.cr.fetchone()[0]
        if level:
            return level
        open_moves = self.env["account.move"].search(
            [
                *self.env["account.move"]._get_reminder_due_domain(),
                ("commercial_partner_id", "=", customer.id),
                ("company_id", "=", company.id),
            ]
        )
        reached = min(open_moves.mapped("reminder_level") or [0])
        levels = engine._get_engine_rules().mapped("level") or [1]
        return max(1, min(reached, max(levels)))

    @api.model
    def _get_send_now_moves(self, partner, rule, today):
        """The invoices of ``partner`` (its commercial partner) in ``rule``'s
        company that a reminder at ``rule``'s level may remind now: open,
        posted, not paused, below that level and not yet reminded at it, and
        either due for that level by its days (``offset_days`` after the due
        date; for a level before the due date, falling due within its days)
        or reminded at the level just before it, which a collector who
        picks the level may escalate early (the level proposed,
        ``_get_send_now_level``, never does); a level before the due date
        lists no invoice past its due date, a level after it none not yet
        due. So the level chosen decides the invoices: a final notice does
        not list an invoice a few days overdue that never got a reminder.

        :return: account.move records, due first
        """
        domain = [
            *self.env["account.move"]._get_reminder_due_domain(),
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("company_id", "=", rule.company_id.id),
            ("reminder_level", "<", rule.level),
            ("reminder_log_ids", "not any", [("rule_id", "=", rule.id)]),
            "|",
            "&",
            ("reminder_level", "=", rule.level - 1),
            ("reminder_level", ">", 0),
            ("invoice_date_due", "<=", today - timedelta(days=rule.offset_days)),
            # what the notice says must be true: "before the due date" or not
            ("invoice_date_due", ">=" if rule.offset_days < 0 else "<=", today),
        ]
        return self.env["account.move"].search(domain, order="invoice_date_due, id")

    @api.model
    def _get_send_now_rule(self, company, level):
        """The reminder rule of ``level`` in ``company`` a send-now uses.

        :return: invoice.reminder.rule record, possibly empty
        """
        return self.env["invoice.reminder.rule"].search(
            [("company_id", "=", company.id), ("level", "=", level)], limit=1
        )

    @api.model
    def _get_send_now_nothing_reason(self, partner, rule, level, company):
        """Why nothing of ``partner`` (its commercial partner) can be
        reminded at ``level`` (``rule``: its rule in ``company``, possibly
        empty) now, as a sentence; False when some invoice can (listed by
        ``_get_send_now_moves``). Invoices reminded at the level already are
        told when the next level comes by the scheduled action's rule (its
        interval since the last reminder and its days after the due date).

        :return: str or False
        """
        customer = partner.commercial_partner_id
        if not rule:
            return self.env._(
                "There is no reminder rule of level %(level)s in %(company)s.",
                level=level,
                company=company.name,
            )
        today = fields.Date.context_today(self)
        if self._get_send_now_moves(customer, rule, today):
            return False
        Move = self.env["account.move"]
        open_moves = Move.search(
            [
                *Move._get_open_invoice_domain(),
                ("commercial_partner_id", "=", customer.id),
                ("company_id", "=", company.id),
            ],
            order="invoice_date_due, id",
        )
        if not open_moves:
            return self.env._(
                "%(customer)s has no open invoice: there is nothing to remind.",
                customer=customer.display_name,
            )
        paused = open_moves.filtered("reminder_excluded")
        reminded = (open_moves - paused).filtered(
            lambda m: m.reminder_level >= rule.level
        )
        rest = open_moves - paused - reminded
        past = rest.filtered(
            lambda m: rule.offset_days < 0 and m.invoice_date_due < today
        )
        later = rest - past
        reasons = []
        if paused:
            reasons.append(
                self.env._(
                    "reminders are paused on %(invoices)s (dispute, payment "
                    "plan, promise or customer block)",
                    invoices=", ".join(paused.mapped("name")),
                )
            )
        if reminded:
            reasons.append(
                self.env._(
                    "%(invoices)s were reminded at this level or a higher one already",
                    invoices=", ".join(reminded.mapped("name")),
                )
            )
            next_rule = self._get_send_now_rule(company, rule.level + 1)
            at_level = reminded.filtered(lambda m: m.reminder_level == rule.level)
            if next_rule and at_level:
                first = min(
                    max(
                        (move.reminder_last_date or today)
                        + timedelta(days=next_rule.min_interval_days),
                        move.invoice_date_due + timedelta(days=next_rule.offset_days),
                    )
                    for move in at_level
                )
                reasons.append(
                    self.env._(
                        "level %(level)s is due for them from %(date)s (the "
                        "reminder rules' days between levels); choose level "
                        "%(level)s to escalate now",
                        level=next_rule.level,
                        date=format_date(self.env, max(first, today)),
                    )
                )
        if past:
            reasons.append(
                self.env._(
                    "%(invoices)s are past their due date, and this level is a "
                    "note before it",
                    invoices=", ".join(past.mapped("name")),
                )
            )
        if later:
            first = later[0]
            reasons.append(
                self.env._(
                    "%(invoices)s are not due for it yet (the first on %(date)s)",
                    invoices=", ".join(later.mapped("name")),
                    date=format_date(
                        self.env,
                        first.invoice_date_due + timedelta(days=rule.offset_days),
                    ),
                )
            )
        return self.env._(
            "Nothing can be sent to %(customer)s at level %(level)s now: "
            "%(reasons)s. Choose another level.",
            customer=customer.display_name,
            level=rule.level,
            reasons="; ".join(reasons),
        )

    @api.model
    def _get_send_now_unreachable(self, moves):
        """The contacts a send-now of ``moves`` would email who have no
        email address (``account.move._get_reminder_recipient``): such a
        reminder cannot be sent, and ``_send_now`` refuses it before claiming
        anything.

        :return: res.partner records, possibly empty
        """
        recipients = self.env["res.partner"]
        for move in moves:
            recipients |= move._get_reminder_recipient()
        return recipients.filtered(lambda partner: not partner.email_normalized)

    @api.model
    def _get_send_now_warning(self, moves):
        """What the send-now wizard warns about before sending ``moves``: a
        recipient without an email address (the reminder would be refused);
        False when nothing.

        :return: str or False
        """
        unreachable = self._get_send_now_unreachable(moves)
        if not unreachable:
            return False
        return self.env._(
            "%(recipients)s has no email address: this reminder cannot be "
            "emailed. Add an email address to the contact (or name an "
            "accounts-payable contact with one) first, or call the customer.",
            recipients=", ".join(unreachable.mapped("display_name")),
        )

    @api.model
    def _send_now(self, partner, rule, moves, attach_statement=False):
        """Remind ``moves`` of ``partner`` now at ``rule``'s level, through
        the same claim as the scheduled action (which then never repeats this
        level for them): one notice per currency, emailed with ``rule``'s
        template (with ``attach_statement``, the customer's statement
        attached, ``_get_statement_attachment``, and kept on the first
        notice), its activity as the rule says.

        :raise UserError: when no invoice is given, an invoice is not an open
            posted invoice of the customer in the rule's company, is paused
            or was already reminded at this level, is past its due date for
            a level before it (a note before the due date), when the rule
            has no template, when the reminder's recipient has no email
            address (nothing is claimed: unlike the scheduled action, which
            claims the level, marks the notice failed with the reason and
            plans a call, a collector is told before anything is written) or
            when the customer owes nothing net
        :return: invoice.reminder.notice records, marked ``sent_manually``
        """
        self._prepare_send_now_notices(partner, rule, moves)
        attachments = self.env["ir.attachment"]
        if attach_statement:
            attachments = self._get_statement_attachment(partner)
        notices = self._process_reminders(
            [(move.id, rule.id) for move in moves],
            fields.Date.context_today(self),
            consolidate=True,
            attachments=attachments,
        )
        if len(notices.move_ids) != len(moves):
            # a concurrent run claimed some of them meanwhile
            raise UserError(
                self.env._(
                    "Another reminder run is sending reminders to this customer "
                    "right now; try again in a minute."
                )
            )
        if attachments:
            attachments.write({"res_model": notices._name, "res_id": notices[0].id})
        # the collector chose when: not withdrawn for its timing
        notices.sent_manually = True
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return notices

    @api.model
    def _get_statement_attachment(self, partner):
        """The statement of ``partner``'s commercial partner (report
        ``STATEMENT_REPORT``) as a new attachment, in the statement's language
        (``res.partner._get_reminder_lang``), for the emails of a
        send-now: attached to no record until ``_send_now`` moves it to the
        first notice (as Odoo's composer keeps its attachments until sent);
        a collector need not be allowed to modify the customer.

        :param partner: res.partner record
        :return: ir.attachment record
        """
        customer = partner.commercial_partner_id
        report = self.env["ir.actions.report"].with_context(
            lang=customer._get_reminder_lang()
        )
        content, report_type = report._render_qweb_pdf(STATEMENT_REPORT, customer.ids)
        name = customer._get_customer_statement_filename()
        return self.env["ir.attachment"].create(
            {
                "name": f"{name}.{report_type}",
                "datas": base64.b64encode(content),
                "mimetype": "application/pdf" if report_type == "pdf" else "text/html",
            }
        )

    @api.model
    def _prepare_send_now_notices(self, partner, rule, moves):
        """Values of the notices a send-now of ``moves`` at ``rule``'s level
        writes (one per currency), with the same figures the scheduled action
        computes; what the wizard previews.

        :raise UserError: as ``_send_now`` for invalid input or when the
            customer owes nothing net
        :return: list of invoice.reminder.notice values
        """
        self._check_send_now(partner, rule, moves)
        today = fields.Date.context_today(self)
        credits = self._get_batch_credit_lines(
            moves.commercial_partner_id, moves.company_id
        )
        due_amounts = DueAmounts(moves, today)
        groups = self._group_reminder_moves(moves, True)
        balances = due_amounts.get_balances(today, groups, credits)
        amounts = due_amounts.get_amounts(today, groups)
        values_list = [
            self._prepare_notice_values(
                rule,
                group,
                main._get_reminder_recipient(),
                today,
                credits,
                amounts[main.id],
                balances[main.id],
            )
            for main, group in groups.items()
        ]
        for values in values_list:
            currency = self.env["res.currency"].browse(values["currency_id"])
            if (
                currency.compare_amounts(values["amount_net"], 0) <= 0
                or moves.company_currency_id.compare_amounts(
                    values["amount_balance"], 0
                )
                <= 0
            ):
                raise UserError(
                    self.env._(
                        "%(customer)s owes nothing net on these invoices: its "
                        "open credits cover them. No reminder is sent.",
                        customer=partner.commercial_partner_id.display_name,
                    )
                )
        return values_list

    @api.model
    def _check_send_now(self, partner, rule, moves):
        """Refuse a send-now that the model would not send (see
        ``_send_now``)."""
        if not moves:
            raise UserError(self.env._("Choose the invoices to remind."))
        # the wizard refuses a level without a rule first (its nothing reason)
        rule.ensure_one()
        if not rule.mail_template_id:
            raise UserError(
                self.env._(
                    "Reminder level %(level)s has no email template: choose one "
                    "on the reminder rule first.",
                    level=rule.level,
                )
            )
        customer = partner.commercial_partner_id
        wrong = moves.filtered(
            lambda m: (
                not m.is_open_invoice
                or m.commercial_partner_id != customer
                or m.company_id != rule.company_id
            )
        )
        if wrong:
            raise UserError(
                self.env._(
                    "Invoices %(invoices)s are not open invoices of %(customer)s "
                    "in %(company)s.",
                    invoices=", ".join(wrong.mapped("name")),
                    customer=customer.display_name,
                    company=rule.company_id.name,
                )
            )
        paused = moves.filtered("reminder_excluded")
        if paused:
            raise UserError(
                self.env._(
                    "Reminders are paused on invoices %(invoices)s (dispute, "
                    "payment plan, promise or customer block).",
                    invoices=", ".join(paused.mapped("name")),
                )
            )
        done = self.env["invoice.reminder.log"].search(
            [("move_id", "in", moves.ids), ("rule_id", "=", rule.id)]
        )
        if done:
            raise UserError(
                self.env._(
                    "Invoices %(invoices)s were already reminded at level %(level)s.",
                    invoices=", ".join(done.move_id.mapped("name")),
                    level=rule.level,
                )
            )
        today = fields.Date.context_today(self)
        overdue = moves.filtered(lambda m: m.invoice_date_due < today)
        if rule.offset_days < 0 and overdue:
            raise UserError(
                self.env._(
                    "Level %(level)s is a note before the due date, and invoices "
                    "%(invoices)s are past their due date: choose a later level.",
                    level=rule.level,
                    invoices=", ".join(overdue.mapped("name")),
                )
            )
        early = moves - self._get_send_now_moves(partner, rule, today)
        warning = self._get_send_now_warning(moves)
        if warning:
            raise UserError(warning)
        if early:
            raise UserError(
                self.env._(
                    "Invoices %(invoices)s are not due for level %(level)s yet: "
                    "it comes %(days)s days after the due date, or right after "
                    "the level before it.",
                    invoices=", ".join(early.mapped("name")),
                    level=rule.level,
                    days=rule.offset_days,
                )
            )

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

    @api.model
    def _group_reminder_moves(self, moves, consolidate):
        """``{main invoice: invoices}``: one group (one notice) per customer
        and currency when ``consolidate``, else one per invoice; the main
        invoice is the one due first."""
        if not consolidate:
            return {move: move for move in moves}
        by_key = defaultdict(lambda: self.env["account.move"])
        for move in moves.sorted(lambda m: (m.invoice_date_due, m.id)):
            by_key[move.commercial_partner_id, move.currency_id] |= move
        return {group[0]: group for group in by_key.values()}

    @api.model
    def _prepare_reminder_activities(self, rule, groups, credits=None):
        """The activities of one rule's batch: one per customer, for the
        collector or the dispute manager, on the customer's invoice due first
        and listing all its invoices at this level -- one call or review per
        customer, however many of its invoices reach the level together and
        whether or not their emails are consolidated; the note deducts the
        customer's open credits (``credits``, as ``_get_batch_credit_lines``
        returns them). Yields ``(values, main invoices of the groups it
        covers)``."""
        model_id = self.env["ir.model"]._get_id("account.move")
        today = fields.Date.context_today(self)
        by_customer = defaultdict(lambda: self.env["account.move"])
        for main in groups:
            by_customer[main.commercial_partner_id] |= main
        # the rule's company's dispute manager for manager activities, else
        # (and as fallback) the collector of the customer's invoice
        manager = self.env["res.users"]
        if rule.activity_user == "manager":
            manager = rule.company_id._get_dispute_managers().filtered(
                lambda user: user._invoice_dispute_is_person()
            )[:1]
        for mains in by_customer.values():
            moves = self.env["account.move"].union(*(groups[main] for main in mains))
            first = moves.sorted(lambda m: (m.invoice_date_due, m.id))[0]
            values = {
                "res_model_id": model_id,
                "res_id": first.id,
                "activity_type_id": rule.activity_type_id.id,
                "user_id": (manager or first._get_collector() or self.env.user).id,
                "date_deadline": today,
                "summary": self._get_activity_summary(rule, moves),
                "note": self._get_activity_note(rule, moves, credits),
            }
            yield values, mains

    @api.model
    def _get_activity_summary(self, rule, moves):
        """The rule and the invoices, the first few by name."""
        names = moves.mapped("name")
        if len(names) <= ACTIVITY_SUMMARY_INVOICES:
            return self.env._(
                "%(rule)s: %(invoices)s", rule=rule.name, invoices=", ".join(names)
            )
        return self.env._(
            "%(rule)s: %(invoices)s and %(count)s more",
            rule=rule.name,
            invoices=", ".join(names[:ACTIVITY_SUMMARY_INVOICES]),
            count=len(names) - ACTIVITY_SUMMARY_INVOICES,
        )

    @api.model
    def _get_activity_note(self, rule, moves, credits=None):
        """Every invoice of the activity with its due date and open amount,
        and their total, per currency, less the customer's open credits in
        that currency (``credits``: ``{(customer id, company id, currency
        id): account.move.line}``), and its open credits in other currencies,
        each in its own currency: what the call or the review is about."""
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
                credit = credit_lines._get_open_credit_total()
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
                        credit_lines._get_open_credit_total(),
                        currency,
                    ),
                )
            )
        return Markup("<ul>%s</ul>%s") % (
            items,
            Markup().join(Markup("<p>%s</p>") % total for total in totals),
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

    # ------------------------------------------------------------------
    # Installment reminders
    # ------------------------------------------------------------------
    @api.model
    def _get_installment_candidates(self, today, limit=None, with_total=False):
        """Ids of the pending installments of active plans due within the
        next days that got no reminder yet, whose invoices are not disputed
        (but by the dispute the plan settles) and are not covered by the
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
                       -- paused while an invoice of the plan is disputed
                       -- (other than by the dispute the plan settles)
                       AND NOT EXISTS (
                            SELECT 1 FROM invoice_payment_plan_move_rel rel
                              JOIN invoice_dispute_line dl ON dl.move_id = rel.move_id
                              JOIN invoice_dispute d ON d.id = dl.dispute_id
                             WHERE rel.plan_id = plan.id
                               AND d.state IN %(dispute_open)s
                               AND d.id IS DISTINCT FROM plan.dispute_id)
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
                dispute_open=OPEN_STATES,
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
        """Claim the installments ``line_ids`` and remind each with a notice
        (level 0, the plan's invoices) whose email is the installment
        reminder rendered on it. Returns how many were claimed."""
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
        values_list = []
        for line in claimed_lines:
            credit_lines = credits[self._credit_key(line)]
            credit = credit_lines._get_open_credit_total()
            recipient = recipients[line.id]
            values_list.append(
                {
                    "partner_id": line.partner_id.commercial_partner_id.id,
                    "recipient_id": recipient.id,
                    "company_id": line.company_id.id,
                    "currency_id": line.currency_id.id,
                    "plan_line_id": line.id,
                    "level": 0,
                    "date": today,
                    "move_ids": [Command.set(line.plan_id.move_ids.ids)],
                    "credit_move_ids": [Command.set(credit_lines.move_id.ids)],
                    "amount_open": line.amount_due,
                    "amount_due": line.amount_due,
                    "amount_credit": credit,
                    "amount_net": line.currency_id.round(line.amount_due - credit),
                    "lang": line.partner_id._get_reminder_lang(recipient),
                    "state": "draft",
                }
            )
        notices = self._create_notices(values_list)
        template = self.env.ref("invoice_dispute.mail_template_installment_reminder")
        # as for invoices: no email without an email address, a call instead
        unsent_notices = notices.filtered(
            lambda notice: not notice.recipient_id.email_normalized
        )
        unsent = {
            notice.id: self._get_no_email_reason(notice.recipient_id)
            for notice in unsent_notices
        }
        activity_by_notice = {}
        if unsent_notices:
            activities = (
                self.env["mail.activity"]
                .with_context(mail_activity_quick_update=True)
                .create(
                    [
                        self._prepare_no_email_activity(
                            notice,
                            notice.plan_line_id.plan_id.move_ids[:1],
                            notice.move_ids,
                        )
                        for notice in unsent_notices
                    ]
                )
            )
            activity_by_notice = dict(zip(unsent_notices.ids, activities, strict=True))
        mail_by_notice = self._send_notice_mails(template, notices - unsent_notices)
        if unsent_notices:
            self._log_unsent_notices(unsent_notices, unsent)
        notice_by_line = {notice.plan_line_id.id: notice for notice in notices}
        self._store_notice_results(
            {
                notice.id: (
                    mail_by_notice.get(notice.id, self.env["mail.mail"]),
                    activity_by_notice.get(notice.id, self.env["mail.activity"]),
                    unsent.get(notice.id),
                )
                for notice in notices
            }
        )
        self._store_log_results(
            {
                log_id: (
                    notice_by_line[line_id],
                    mail_by_notice.get(
                        notice_by_line[line_id].id, self.env["mail.mail"]
                    ),
                    activity_by_notice.get(
                        notice_by_line[line_id].id, self.env["mail.activity"]
                    ),
                )
                for log_id, line_id in claimed.items()
            }
        )
        claimed_lines.plan_id._message_log_batch(
            bodies={
                line.plan_id.id: Markup("%s")
                % self.env._(
                    "Reminder %(notice)s sent for the installment of %(date)s.",
                    notice=notice_by_line[line.id].name,
                    date=line.date_due,
                )
                for line in claimed_lines
            }
        )
        return len(claimed)
