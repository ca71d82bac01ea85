#!/usr/bin/env python3
"""Benchmark the XLSX management pack against a plain SQL -> xlsxwriter dump.

Usage (on a scratch database with invoice_dispute installed):

    python3 tests/benchmarks/bench_management_pack.py --db bench_xlsx \\
        [--disputes 100000] [--db_host 127.0.0.1] [--db_user root] \\
        [--addons-path /opt/odoo18/addons,/opt/odoo18/odoo/addons,.]

The first run creates the data: a few customers and posted invoices through
the ORM, then ``--disputes`` disputes and their lines with SQL inserts (fast;
not accounting-perfect). Then each measurement runs in a fresh child process:
wall time and peak RSS growth (resource.getrusage maxrss) without tracing,
and the Python peak (tracemalloc) in a separate traced run, for

- ``pack``: invoice.dispute.management.pack._write_pack() of the whole period
  (all its sheets);
- ``plain``: the same register rows selected with one plain query
  (cursor.fetchall) and written to one sheet with xlsxwriter.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta

from bench_common import add_database_arguments, open_registry

PERIOD_DAYS = 365
CUSTOMERS = 40


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--disputes", type=int, default=100_000)
    parser.add_argument("--run", choices=("pack", "plain"), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def open_env(args):
    import odoo
    from odoo import api

    cr = open_registry(args).cursor()
    return api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})


def period():
    date_to = date.today()
    return date_to - timedelta(days=PERIOD_DAYS - 1), date_to


# ----------------------------------------------------------------------
# Data generator
# ----------------------------------------------------------------------
def generate(env, count):
    from odoo import Command
    from odoo.tools import SQL

    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM invoice_dispute WHERE name LIKE 'BENCH/%'")
    existing = cr.fetchone()[0]
    if existing >= count:
        return existing
    company = env.company
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench customer {index:03d}",
                "is_company": index % 2 == 0,
            }
            for index in range(CUSTOMERS)
        ]
    )
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": period()[0],
                "invoice_date_due": period()[0],
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Benchmark service",
                            "quantity": 1,
                            "price_unit": 10_000_000.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            for partner in partners
        ]
    )
    moves.action_post()
    env.flush_all()
    reasons = env["invoice.dispute.reason"].search([])
    pairs = SQL(", ").join(
        SQL("(%s, %s, %s)", index, move.partner_id.id, move.id)
        for index, move in enumerate(moves)
    )
    start = period()[0]
    cr.execute(
        SQL(
            """
            WITH pairs(idx, partner_id, move_id) AS (VALUES %(pairs)s),
            src AS (
                SELECT i, p.idx, p.partner_id,
                       (%(reasons)s)[1 + mod(i, %(nreasons)s)] AS reason_id,
                       %(start)s::date + (mod(i, %(days)s)) AS received,
                       (ARRAY['new', 'investigating', 'proposed', 'agreed',
                              'resolved', 'resolved', 'resolved', 'rejected',
                              'cancelled'])[1 + mod(i, 9)] AS state
                  FROM generate_series(%(first)s, %(last)s) AS i
                  JOIN pairs p ON p.idx = mod(i, %(n)s)
            )
            INSERT INTO invoice_dispute (
                name, company_id, partner_id, reason_id, reason_category,
                user_id, currency_id, customer_type, channel, state,
                date_received, date_deadline, date_resolved, amount_disputed,
                root_cause, resolution_type, preventive_action,
                create_uid, create_date, write_uid, write_date)
            SELECT 'BENCH/' || lpad(i::text, 7, '0'), %(company)s,
                   src.partner_id, reason_id, r.category, %(uid)s,
                   %(currency)s,
                   CASE WHEN mod(src.idx, 2) = 0 THEN 'b2b' ELSE 'b2c' END,
                   'email', state, received, received + r.sla_days,
                   CASE WHEN state IN ('resolved', 'rejected')
                        THEN received + (mod(i, 20)) END,
                   10 + (mod(i, 990)),
                   CASE WHEN state = 'resolved'
                        THEN (ARRAY['pricing_error', 'data_entry_error',
                                    'delivery_issue', 'other'])[1 + mod(i, 4)] END,
                   CASE WHEN state = 'resolved' THEN 'credit_note' END,
                   CASE WHEN state = 'resolved' AND mod(i, 7) = 0
                        THEN 'Review the price list' END,
                   %(uid)s, now(), %(uid)s, now()
              FROM src
              JOIN invoice_dispute_reason r ON r.id = src.reason_id
            """,
            pairs=pairs,
            n=len(moves),
            reasons=SQL("%s::int[]", reasons.ids),
            nreasons=len(reasons),
            start=start,
            days=PERIOD_DAYS,
            first=existing + 1,
            last=count,
            company=company.id,
            uid=env.uid,
            currency=company.currency_id.id,
        )
    )
    cr.execute(
        SQL(
            """
            WITH pairs(idx, partner_id, move_id) AS (VALUES %s)
            INSERT INTO invoice_dispute_line (
                dispute_id, move_id, company_id, state, disputed_amount,
                create_uid, create_date, write_uid, write_date)
            SELECT d.id, p.move_id, d.company_id, d.state, d.amount_disputed,
                   d.create_uid, now(), d.create_uid, now()
              FROM invoice_dispute d
              JOIN pairs p ON p.partner_id = d.partner_id
             WHERE d.name LIKE %s
               AND NOT EXISTS (
                   SELECT 1 FROM invoice_dispute_line l WHERE l.dispute_id = d.id
               )
            """,
            pairs,
            "BENCH/%",
        )
    )
    cr.execute("ANALYZE invoice_dispute")
    cr.execute("ANALYZE invoice_dispute_line")
    cr.commit()
    return count


# ----------------------------------------------------------------------
# The two measured jobs
# ----------------------------------------------------------------------
def run_pack(env, target):
    date_from, date_to = period()
    env["invoice.dispute.management.pack"]._write_pack(
        target, date_from, date_to, env.company
    )


def run_plain(env, target):
    """The same register rows, the simplest way: one query, fetchall, write."""
    import xlsxwriter

    from odoo.tools import SQL

    date_from, date_to = period()
    env.cr.execute(
        SQL(
            """
            SELECT d.name, c.name, p.name, d.customer_type, r.name->>'en_US',
                   d.root_cause, d.state, d.date_received, d.date_deadline,
                   d.date_resolved, d.amount_disputed, d.resolution_type, up.name
              FROM invoice_dispute d
              JOIN res_company c ON c.id = d.company_id
              JOIN res_partner p ON p.id = d.partner_id
              JOIN invoice_dispute_reason r ON r.id = d.reason_id
              LEFT JOIN res_users u ON u.id = d.user_id
              LEFT JOIN res_partner up ON up.id = u.partner_id
             WHERE d.company_id = %s AND d.date_received <= %s
               AND (d.date_received >= %s OR d.date_resolved >= %s
                    OR d.state IN ('new', 'investigating', 'proposed', 'agreed'))
             ORDER BY c.name, d.date_received, d.id
            """,
            env.company.id,
            date_to,
            date_from,
            date_from,
        )
    )
    rows = env.cr.fetchall()
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    sheet = workbook.add_worksheet("Disputes")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for index, row in enumerate(rows):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(index, col, value, date_format)
            elif isinstance(value, str):
                sheet.write_string(index, col, value)
            else:
                sheet.write_number(index, col, float(value))
    workbook.close()
    return len(rows)


def child(args):
    """Measure one job in this (fresh) process and print JSON."""
    env = open_env(args)
    job = run_pack if args.run == "pack" else run_plain
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        # Warm the registry and caches outside the measurement.
        env["invoice.dispute"].search_count([])
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if args.trace:
            tracemalloc.start()
        start = time.perf_counter()
        job(env, tmp.name)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if args.trace else None
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = os.path.getsize(tmp.name)
    env.cr.rollback()
    env.cr.close()
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "rss_growth_mb": (rss_after - rss_before) / 1024,
                "tracemalloc_peak_mb": peak / 1024 / 1024 if peak else None,
                "file_mb": size / 1024 / 1024,
            }
        )
    )


def measure(args, job, trace):
    command = [
        sys.executable,
        os.path.abspath(__file__),
        f"--db={args.db}",
        f"--db_host={args.db_host}",
        f"--db_port={args.db_port}",
        f"--db_user={args.db_user}",
        f"--run={job}",
    ]
    if args.addons_path:
        command.append(f"--addons-path={args.addons_path}")
    if trace:
        command.append("--trace")
    output = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main():
    args = parse_args()
    if args.run:
        child(args)
        return
    env = open_env(args)
    start = time.perf_counter()
    total = generate(env, args.disputes)
    generated = time.perf_counter() - start
    env.cr.execute(
        "SELECT COUNT(*) FROM invoice_dispute WHERE company_id = %s",
        [env.company.id],
    )
    disputes = env.cr.fetchone()[0]
    env.cr.close()
    print(
        f"database {args.db}: {disputes} disputes ({total} generated, {generated:.1f}s)"
    )
    date_from, date_to = period()
    print(f"period {date_from} .. {date_to}")
    results = {}
    for job in ("plain", "pack"):
        timed = measure(args, job, trace=False)
        traced = measure(args, job, trace=True)
        results[job] = timed | {"tracemalloc_peak_mb": traced["tracemalloc_peak_mb"]}
    print(
        f"{'job':<8}{'wall s':>9}{'RSS growth MB':>15}"
        f"{'tracemalloc peak MB':>21}{'file MB':>9}"
    )
    for job, figures in results.items():
        print(
            f"{job:<8}{figures['seconds']:>9.2f}{figures['rss_growth_mb']:>15.1f}"
            f"{figures['tracemalloc_peak_mb']:>21.1f}{figures['file_mb']:>9.1f}"
        )
    ratio = results["pack"]["seconds"] / results["plain"]["seconds"]
    growth = max(
        results["pack"]["rss_growth_mb"], results["pack"]["tracemalloc_peak_mb"]
    )
    print(f"pack / plain time: {ratio:.2f}x (goal <= 3x)")
    print(f"pack peak memory growth: {growth:.1f} MB (goal < 100 MB)")


if __name__ == "__main__":
    main()
