from odoo import api, fields, models
from odoo.tools import SQL

from .constants import OPEN_STATES

# Priority score of a customer on the worklist (higher = call first):
#   one point per PRIORITY_AMOUNT_STEP of net overdue amount (overdue less the
#   open credits, company currency)
#   + one point per day the oldest overdue invoice is late
#   + PRIORITY_BROKEN_PROMISE points per promise to pay the customer broke.
# So 1,000 overdue weighs as much as ten days of delay, and a broken promise
# as much as 2,500 overdue or 25 days.
PRIORITY_AMOUNT_STEP = 100.0
PRIORITY_BROKEN_PROMISE = 25.0


class InvoiceCollectionWorklist(models.Model):
    """The collector's worklist: one row per customer and company with
    overdue customer invoices whose reminders are not paused (open dispute,
    active payment plan, pending promise, blocked customer: see
    ``account.move._get_reminder_exclusions``), ranked by a priority score.

    A read-only SQL view computed by one aggregated query; the invoice filter
    is the ORM domain of ``_get_overdue_domain`` (with the record rules of
    account.move), so that whatever pauses reminders also keeps a customer
    off the list. The customer's open credits (credit notes and payments not
    applied, ``res.partner._get_open_credit_domain``) are deducted; a
    customer whose net overdue amount is not positive is not listed."""

    _name = "invoice.collection.worklist"
    _description = "Collector Worklist"
    _auto = False
    _order = "priority_score desc, amount_overdue desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    amount_overdue = fields.Monetary(
        string="Overdue (company currency)",
        readonly=True,
        help="Open on the overdue invoices, in the company's currency.",
    )
    amount_credit = fields.Monetary(
        string="Open credits (company currency)",
        readonly=True,
        help="The customer's credit notes and payments not applied yet, in the "
        "company's currency: deducted from the overdue amount.",
    )
    amount_net = fields.Monetary(
        string="Net overdue (company currency)",
        readonly=True,
        help="Overdue less the open credits (company currency): what the customer "
        "is asked to pay. Customers with nothing left to pay are not listed.",
    )
    overdue_count = fields.Integer(string="Overdue invoices", readonly=True)
    date_oldest_due = fields.Date(string="Oldest due date", readonly=True)
    days_overdue = fields.Integer(
        string="Days overdue", readonly=True, help="Days since the oldest due date."
    )
    promise_broken_count = fields.Integer(string="Broken promises", readonly=True)
    dispute_open_count = fields.Integer(string="Open disputes", readonly=True)
    date_last_call = fields.Datetime(string="Last call", readonly=True)
    priority_score = fields.Float(
        string="Priority",
        digits=(16, 1),
        readonly=True,
        help="Call first the highest score: one point per 100 net overdue "
        "(overdue less the open credits, company currency), plus one point per "
        "day the oldest invoice is overdue, plus 25 points per broken promise to "
        "pay.",
    )

    @api.model
    def _get_overdue_domain(self, today):
        """Invoices that put a customer on the worklist: those due now and
        not arranged (``account.move._get_collection_due_domain``)."""
        return [
            *self.env["account.move"]._get_collection_due_domain(today),
            ("company_id", "in", self.env.companies.ids),
        ]

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        moves = self.env["account.move"]._search(self._get_overdue_domain(today))
        moves.groupby = SQL(
            "%s, %s",
            SQL.identifier("account_move", "commercial_partner_id"),
            SQL.identifier("account_move", "company_id"),
        )
        overdue = moves.select(
            SQL(
                "%s AS partner_id",
                SQL.identifier("account_move", "commercial_partner_id"),
            ),
            SQL("%s AS company_id", SQL.identifier("account_move", "company_id")),
            SQL(
                "SUM(%s) AS amount_overdue",
                SQL.identifier("account_move", "amount_residual_signed"),
            ),
            SQL("COUNT(*) AS overdue_count"),
            SQL(
                "MIN(%s) AS date_oldest_due",
                SQL.identifier("account_move", "invoice_date_due"),
            ),
        )
        credit_lines = self.env["account.move.line"]._search(
            [
                *self.env["res.partner"]._get_open_credit_domain(),
                ("company_id", "in", self.env.companies.ids),
            ]
        )
        credit_lines.order = None
        credit = credit_lines.select(
            SQL.identifier(credit_lines.table, "partner_id"),
            SQL.identifier(credit_lines.table, "company_id"),
            SQL("%s AS amount", SQL.identifier(credit_lines.table, "amount_residual")),
        )
        return SQL(
            """
            WITH overdue_gross AS (%(overdue)s),
            credits AS (
                SELECT customer.commercial_partner_id AS partner_id,
                       credit.company_id,
                       -SUM(credit.amount) AS amount
                  FROM (%(credit)s) credit
                  JOIN res_partner customer ON customer.id = credit.partner_id
                 GROUP BY customer.commercial_partner_id, credit.company_id
            ),
            overdue AS (
                SELECT overdue_gross.*,
                       COALESCE(credits.amount, 0) AS amount_credit,
                       overdue_gross.amount_overdue - COALESCE(credits.amount, 0)
                           AS amount_net
                  FROM overdue_gross
                  LEFT JOIN credits
                         ON credits.partner_id = overdue_gross.partner_id
                        AND credits.company_id = overdue_gross.company_id
                 WHERE overdue_gross.amount_overdue - COALESCE(credits.amount, 0) > 0
            ),
            promises AS (
                SELECT customer.commercial_partner_id AS partner_id,
                       promise.company_id,
                       COUNT(*) AS broken
                  FROM invoice_payment_promise promise
                  JOIN res_partner customer ON customer.id = promise.partner_id
                 WHERE promise.state = 'broken'
                 GROUP BY customer.commercial_partner_id, promise.company_id
            ),
            disputes AS (
                SELECT partner_id, company_id, COUNT(*) AS open
                  FROM invoice_dispute
                 WHERE state IN %(open_states)s
                 GROUP BY partner_id, company_id
            ),
            calls AS (
                SELECT partner_id, company_id, MAX(date_done) AS date_last_call
                  FROM invoice_call_sheet
                 WHERE state = 'done'
                 GROUP BY partner_id, company_id
            )
            SELECT overdue.partner_id::bigint * 65536 + overdue.company_id AS id,
                   overdue.partner_id,
                   overdue.company_id,
                   company.currency_id,
                   partner.collector_id,
                   overdue.amount_overdue,
                   overdue.amount_credit,
                   overdue.amount_net,
                   overdue.overdue_count,
                   overdue.date_oldest_due,
                   %(today)s::date - overdue.date_oldest_due AS days_overdue,
                   COALESCE(promises.broken, 0) AS promise_broken_count,
                   COALESCE(disputes.open, 0) AS dispute_open_count,
                   calls.date_last_call,
                   ROUND((
                       overdue.amount_net / %(amount_step)s
                       + (%(today)s::date - overdue.date_oldest_due)
                       + COALESCE(promises.broken, 0) * %(broken_weight)s
                   )::numeric, 1) AS priority_score
              FROM overdue
              JOIN res_partner partner ON partner.id = overdue.partner_id
              JOIN res_company company ON company.id = overdue.company_id
              LEFT JOIN promises
                     ON promises.partner_id = overdue.partner_id
                    AND promises.company_id = overdue.company_id
              LEFT JOIN disputes
                     ON disputes.partner_id = overdue.partner_id
                    AND disputes.company_id = overdue.company_id
              LEFT JOIN calls
                     ON calls.partner_id = overdue.partner_id
                    AND calls.company_id = overdue.company_id
            """,
            overdue=overdue,
            credit=credit,
            open_states=OPEN_STATES,
            today=today,
            amount_step=PRIORITY_AMOUNT_STEP,
            broken_weight=PRIORITY_BROKEN_PROMISE,
        )

    def action_prepare_call_sheet(self):
        """One click from the worklist: prepare (or refresh) the customer's
        open call sheet and open it."""
        sheets = self.env["invoice.call.sheet"]
        for company in self.company_id:
            rows = self.filtered(lambda row, c=company: row.company_id == c)
            sheets |= sheets._get_or_create_for_partners(rows.partner_id, company)
        sheets.action_prepare()
        return sheets._get_form_action()

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "target": "current",
        }
