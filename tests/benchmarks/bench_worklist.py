"""Benchmark of the collector worklist (invoice.collection.worklist).

Builds N customers (10,000 by default) with overdue invoices straight in SQL
(some with an open dispute, a pending or a broken promise), then prints the
time the worklist takes next to the plain SQL aggregate of the same invoices
without the reminder exclusions. The data is rolled back at the end unless
--keep is given.

Usage (on a scratch database with invoice_dispute installed):

    createdb -T "$(bash -c 'source scripts/common.sh; deps_db_name')" bench_ws
    python3 -m odoo -d bench_ws --db_host 127.0.0.1 --db_user root \\
        -i invoice_dispute --stop-after-init \\
        --addons-path=/opt/odoo18/addons,/opt/odoo18/odoo/addons,.
    python3 tests/benchmarks/bench_worklist.py --db bench_ws
    dropdb bench_ws
"""

import argparse
import statistics
import time

from bench_common import add_database_arguments, admin_env, open_registry

from odoo import fields
from odoo.tools import SQL

WORKLIST_FIELDS = [
    "partner_id",
    "collector_id",
    "amount_overdue",
    "overdue_count",
    "days_overdue",
    "promise_broken_count",
    "dispute_open_count",
    "date_last_call",
    "priority_score",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--invoices", type=int, default=3, help="per customer")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="commit the generated data")
    return parser.parse_args()


def build_data(env, customers, invoices_per_customer):
    """Customers with overdue invoices, inserted in a few set-based queries."""
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    if not journal:
        raise SystemExit("No sales journal: install a chart of accounts first.")
    today = fields.Date.context_today(env.user)
    collector = env.ref("base.user_admin")
    cr = env.cr
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, is_company, active,
                                     type, autopost_bills, company_id,
                                     collector_id, create_date, write_date)
            SELECT 'Bench customer ' || g, 'Bench customer ' || g, TRUE, TRUE,
                   'contact', 'ask', NULL,
                   CASE WHEN mod(g, 4) = 0 THEN %(collector)s END,
                   NOW(), NOW()
              FROM generate_series(1, %(customers)s) g
            RETURNING id
            """,
            collector=collector.id,
            customers=customers,
        )
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        SQL(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
            partner_ids,
        )
    )
    # Invoices: due 1 to 120 days ago, 100 to 10,000 each; one in 20 has an
    # open dispute.
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (name, move_type, state, auto_post, date,
                                      invoice_date, invoice_date_due, journal_id,
                                      company_id, currency_id, partner_id,
                                      commercial_partner_id, payment_state,
                                      amount_total, amount_total_signed,
                                      amount_residual, amount_residual_signed,
                                      dispute_state, amount_disputed,
                                      create_date, write_date)
            SELECT 'BENCH/' || p.id || '/' || i, 'out_invoice', 'posted', 'no',
                   due - 30, due - 30, due, %(journal)s, %(company)s,
                   %(currency)s, p.id, p.id,
                   CASE WHEN i = 1 AND mod(p.id, 7) = 0 THEN 'partial'
                        ELSE 'not_paid' END,
                   amount, amount, amount, amount,
                   CASE WHEN mod(p.id + i, 20) = 0 THEN 'open' ELSE 'none' END,
                   CASE WHEN mod(p.id + i, 20) = 0 THEN amount ELSE 0 END,
                   NOW(), NOW()
              FROM unnest(%(partners)s::int[]) AS p(id)
             CROSS JOIN generate_series(1, %(per_customer)s) AS i
             CROSS JOIN LATERAL (
                 SELECT %(today)s::date - (1 + mod(p.id * 7 + i * 13, 120)) AS due,
                        (100 + mod(p.id * 37 + i * 101, 9900))::numeric AS amount
             ) AS v
            RETURNING id, commercial_partner_id, amount_residual
            """,
            journal=journal.id,
            company=company.id,
            currency=company.currency_id.id,
            partners=partner_ids,
            per_customer=invoices_per_customer,
            today=today,
        )
    )
    moves = cr.fetchall()
    # One customer in 10 has a pending promise on one invoice (paused), one
    # in 15 a broken promise (ranked higher).
    first_moves = {}
    for move_id, partner_id, amount in moves:
        first_moves.setdefault(partner_id, (move_id, amount))
    promises = [
        (partner_id, move_id, amount, state)
        for partner_id, (move_id, amount) in first_moves.items()
        for state in (
            ["pending"] * (partner_id % 10 == 0) + ["broken"] * (partner_id % 15 == 0)
        )
    ]
    if promises:
        cr.execute(
            SQL(
                """
                WITH data AS (
                    SELECT * FROM unnest(%(partners)s::int[], %(moves)s::int[],
                                         %(amounts)s::numeric[], %(states)s::varchar[])
                        AS d(partner_id, move_id, amount, state)
                ), promise AS (
                    INSERT INTO invoice_payment_promise
                        (name, partner_id, company_id, currency_id, amount,
                         date_promised, state, source, create_date, write_date)
                    SELECT 'Bench promise', partner_id, %(company)s, %(currency)s,
                           amount,
                           CASE WHEN state = 'pending' THEN %(today)s::date + 7
                                ELSE %(today)s::date - 10 END,
                           state, 'call', NOW(), NOW()
                      FROM data
                    RETURNING id, partner_id, state
                )
                INSERT INTO invoice_payment_promise_move_rel (promise_id, move_id)
                SELECT promise.id, data.move_id
                  FROM promise
                  JOIN data ON data.partner_id = promise.partner_id
                           AND data.state = promise.state
                """,
                partners=[p[0] for p in promises],
                moves=[p[1] for p in promises],
                amounts=[p[2] for p in promises],
                states=[p[3] for p in promises],
                company=company.id,
                currency=company.currency_id.id,
                today=today,
            )
        )
    cr.execute(
        "ANALYZE res_partner, account_move, invoice_payment_promise, "
        "invoice_payment_promise_move_rel"
    )
    env.invalidate_all()
    return len(partner_ids), len(moves), len(promises)


def timed(func, runs):
    durations, result = [], None
    for __ in range(runs):
        start = time.perf_counter()
        result = func()
        durations.append((time.perf_counter() - start) * 1000)
    return statistics.median(durations), min(durations), result


def main():
    args = parse_args()
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = admin_env(cr)
        start = time.perf_counter()
        customers, invoices, promises = build_data(env, args.customers, args.invoices)
        print(
            f"built {customers} customers, {invoices} overdue invoices, "
            f"{promises} promises in {time.perf_counter() - start:.1f} s"
        )
        Worklist = env["invoice.collection.worklist"]
        today = fields.Date.context_today(env.user)

        def first_page():
            env.invalidate_all()
            rows = Worklist.search_fetch([], WORKLIST_FIELDS, limit=80)
            return len(rows), Worklist.search_count([])

        def whole_list():
            env.invalidate_all()
            return len(Worklist.search_fetch([], WORKLIST_FIELDS))

        def my_customers():
            env.invalidate_all()
            return len(
                Worklist.search_fetch(
                    [("collector_id", "=", env.uid)], WORKLIST_FIELDS, limit=80
                )
            )

        plain_query = SQL(
            """
            SELECT commercial_partner_id, company_id,
                   SUM(amount_residual_signed), COUNT(*), MIN(invoice_date_due)
              FROM account_move
             WHERE move_type = 'out_invoice' AND state = 'posted'
               AND payment_state IN ('not_paid', 'partial')
               AND amount_residual_signed > 0 AND invoice_date_due < %s
             GROUP BY commercial_partner_id, company_id
             ORDER BY SUM(amount_residual_signed) DESC
            """,
            today,
        )

        def plain_sql():
            return len(env.execute_query(plain_query))

        first_page()  # warm the caches (record rules, field metadata)
        queries = cr.sql_log_count
        first_page()
        page_queries = cr.sql_log_count - queries
        results = [
            (
                "worklist, first page of 80 + count (list view)",
                *timed(first_page, args.runs),
            ),
            ("worklist, my customers (first page)", *timed(my_customers, args.runs)),
            ("worklist, all rows", *timed(whole_list, args.runs)),
            ("plain SQL aggregate, no exclusions", *timed(plain_sql, args.runs)),
        ]
        print(f"median / best of {args.runs} runs:")
        for label, median, best, result in results:
            print(f"  {label:<50} {median:8.1f} ms {best:8.1f} ms  -> {result} rows")
        print(f"  SQL queries for the first page + count: {page_queries}")
        if args.keep:
            cr.commit()
        else:
            cr.rollback()


if __name__ == "__main__":
    main()
