"""Benchmark of the management pack's aging sheet on generated data.

Times the aging query (receivables as they were on a date, in buckets,
disputed and undisputed, per customer) on a database filled by
``scripts/generate_data.py``, on today and on dates in the past, and prints
the rows, the totals and the seconds of each run, and checks the open total
against the sum of the receivable balances up to that date. Reads only.

Usage (on a database with invoice_dispute installed and generated data):

    python3 scripts/generate_data.py --db bench_aging --customers 10000 \\
        --invoices 100000 --addons-path=/opt/odoo18/addons,/opt/odoo18/odoo/addons,.
    python3 tests/benchmarks/bench_aging.py --db bench_aging [--days-back 0,30,90]
"""

import argparse
import time
from datetime import timedelta

from bench_common import add_database_arguments, admin_env, open_registry

from odoo import fields


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument(
        "--days-back", default="0,30,90", help="aging dates, in days before today"
    )
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def main():
    args = parse_args()
    registry = open_registry(args)
    from odoo.addons.invoice_dispute.report.invoice_dispute_management_pack import (
        ManagementPackWriter,
    )

    with registry.cursor() as cr:
        env = admin_env(cr)
        cr.execute(
            """
            SELECT COUNT(*) FROM account_move_line aml
              JOIN account_account a ON a.id = aml.account_id
             WHERE a.account_type = 'asset_receivable'
            """
        )
        print(f"receivable lines: {cr.fetchone()[0]}")
        today = fields.Date.context_today(env.user)
        for days in (int(value) for value in args.days_back.split(",")):
            date_to = today - timedelta(days=days)
            pack = ManagementPackWriter(
                env, date_to.replace(day=1), date_to, env.company
            )
            Pack = env["invoice.dispute.management.pack"]
            timings = []
            for __ in range(args.runs):
                started = time.perf_counter()
                rows = list(pack._stream(Pack._aging_query(pack)))
                timings.append(time.perf_counter() - started)
            # columns: company, customer, 4 disputed buckets, disputed total,
            # 4 undisputed buckets, undisputed total, total, currency
            disputed = sum(float(row[6] or 0) for row in rows)
            total = sum(float(row[-2] or 0) for row in rows)
            # check: reconciliations dated on or before the date join lines
            # dated on or before it, so the open total is the sum of the
            # balances of the receivable lines up to that date
            cr.execute(
                """
                SELECT COALESCE(SUM(aml.balance), 0)
                  FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                 WHERE a.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.date <= %s
                   AND aml.company_id = %s
                """,
                [date_to, env.company.id],
            )
            balance = float(cr.fetchone()[0])
            check = "equal" if abs(balance - total) < 0.005 else "DIFFERENT"
            print(
                f"aging on {date_to}: {len(rows)} customers, open {total:,.2f} "
                f"(disputed {disputed:,.2f}), best of {args.runs}: "
                f"{min(timings):.2f} s; receivable balances up to then "
                f"{balance:,.2f} ({check})"
            )


if __name__ == "__main__":
    main()
