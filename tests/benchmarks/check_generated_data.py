#!/usr/bin/env python3
"""SQL consistency checks of a database filled by scripts/generate_data.py.

    python3 tests/benchmarks/check_generated_data.py --db NAME [--db-host 127.0.0.1]

Prints each check with the number of offending rows (0 everywhere: consistent)
and the distribution of the customer invoices' payment states.
"""

import argparse
import subprocess
import sys

CHECKS = {
    "unbalanced moves": """
        SELECT count(*) FROM (
            SELECT move_id FROM account_move_line GROUP BY move_id
            HAVING SUM(debit) != SUM(credit) OR SUM(balance) != 0) x""",
    "invoice residual != receivable lines' residuals": """
        SELECT count(*) FROM (
            SELECT m.id FROM account_move m
              JOIN account_move_line l ON l.move_id = m.id
              JOIN account_account a ON a.id = l.account_id
             WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
               AND a.account_type = 'asset_receivable'
             GROUP BY m.id
            HAVING m.amount_residual != SUM(l.amount_residual)
                OR m.amount_residual_signed != SUM(l.amount_residual)) x""",
    "paid invoices with unreconciled receivable lines": """
        SELECT count(*) FROM account_move m
          JOIN account_move_line l ON l.move_id = m.id
          JOIN account_account a ON a.id = l.account_id
         WHERE m.move_type = 'out_invoice' AND m.payment_state IN ('paid', 'in_payment')
           AND a.account_type = 'asset_receivable'
           AND (NOT l.reconciled OR l.full_reconcile_id IS NULL
                OR l.matching_number != l.full_reconcile_id::text)""",
    "partials per invoice != amount_total - amount_residual": """
        SELECT count(*) FROM (
            SELECT m.id FROM account_move m
              JOIN account_move_line l ON l.move_id = m.id
              JOIN account_account a ON a.id = l.account_id
              LEFT JOIN account_partial_reconcile p ON p.debit_move_id = l.id
             WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
               AND a.account_type = 'asset_receivable'
             GROUP BY m.id
            HAVING m.amount_total - m.amount_residual
                   != COALESCE(SUM(p.amount), 0)) x""",
    "partially paid lines without their P matching number": """
        SELECT count(*) FROM account_move m
          JOIN account_move_line l ON l.move_id = m.id
          JOIN account_account a ON a.id = l.account_id
         WHERE m.move_type = 'out_invoice' AND m.payment_state = 'partial'
           AND a.account_type = 'asset_receivable'
           AND (l.reconciled OR l.matching_number IS NULL OR l.matching_number
                NOT IN (SELECT 'P' || min(p.id) FROM account_partial_reconcile p
                         WHERE p.debit_move_id = l.id))""",
    "payments != their entry (name, amount, partner, date)": """
        SELECT count(*) FROM account_payment p
          JOIN account_move m ON m.id = p.move_id
         WHERE m.origin_payment_id != p.id OR m.name != p.name
            OR m.amount_total != p.amount OR m.partner_id != p.partner_id
            OR m.date != p.date""",
    "partials whose max_date is not the later line date": """
        SELECT count(*) FROM account_partial_reconcile p
          JOIN account_move_line d ON d.id = p.debit_move_id
          JOIN account_move_line c ON c.id = p.credit_move_id
         WHERE p.max_date != GREATEST(d.date, c.date)""",
    "duplicate move names per journal": """
        SELECT count(*) FROM (
            SELECT journal_id, name FROM account_move WHERE name != '/'
             GROUP BY journal_id, name HAVING count(*) > 1) x""",
}
DISTRIBUTION = """
    SELECT payment_state, count(*) FROM account_move
     WHERE move_type = 'out_invoice' AND state = 'posted'
     GROUP BY payment_state ORDER BY payment_state"""
PAYMENTS = """
    SELECT state, is_reconciled, is_matched, count(*) FROM account_payment
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"""


def _query(args, sql):
    out = subprocess.run(
        [
            "psql",
            "-h",
            args.db_host,
            "-U",
            args.db_user,
            "-d",
            args.db,
            "-At",
            "-F",
            " | ",
            "-c",
            sql,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-user", default="root")
    args = parser.parse_args(argv)
    failed = 0
    for label, sql in CHECKS.items():
        count = int(_query(args, sql))
        failed += count
        print(f"{'OK ' if not count else 'BAD'} {label}: {count}")
    print("invoice payment states:")
    print(_query(args, DISTRIBUTION))
    print("payments (state | is_reconciled | is_matched | count):")
    print(_query(args, PAYMENTS))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
