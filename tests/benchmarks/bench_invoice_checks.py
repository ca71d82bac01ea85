#!/usr/bin/env python3
"""Benchmark of the invoice checks run when customer invoices are posted.

Usage (on a scratch database with invoice_dispute installed):

    python3 tests/benchmarks/bench_invoice_checks.py --db bench_checks \\
        [--history-lines 50000] [--invoices 1000] [--lines 10] [--rounds 3] \\
        [--off-share 0.1]

Setup (once per database, kept for the next runs): customers and products,
then a history of ``--history-lines`` posted invoice lines (invoices of
``--lines`` lines over the last year), created in batches through the ORM and
posted with the checks switched off. Every customer has disputes in the last
90 days, a third of them pricing disputes, so that ``dispute_history`` has
work to do.

Each round then creates twice ``--invoices`` draft invoices of ``--lines``
lines (the same customers and products; prices at the list price except
``--off-share`` of the lines, off by up to 15 %) and posts them, all
at once with ``action_post()``, once with every check rule archived and once
with the shipped rules active, in the same process and transaction; the
order of the two alternates between rounds. It prints both times, their
ratio (goal: at most 1.25) and the load average of each round, the median of
the rounds, the queries of the posting with and without the
checks, and the queries and time of each rule. Each round is rolled back.
"""

import argparse
import os
import random
import statistics
import time
from collections import defaultdict
from datetime import date, timedelta

from bench_common import add_database_arguments, admin_env, open_registry

CUSTOMERS = 500
PRODUCTS = 200
BATCH = 250
CODES = (
    "price_vs_pricelist",
    "price_vs_last",
    "quantity_outlier",
    "possible_duplicate",
    "missing_customer_reference",
    "b2c_contact_incomplete",
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--history-lines", type=int, default=50000)
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--off-share",
        type=float,
        default=0.1,
        help="share of the posted lines priced off the list price (up to 15 %%)",
    )
    return parser.parse_args()


def unit_price(rng, product, off_share):
    """History (``off_share`` None): the list price +- 8 %, to the cent.
    Invoices posted in the rounds: the list price, except ``off_share`` of the
    lines, off by up to 15 %."""
    if off_share is None:
        return round(product.lst_price * rng.uniform(0.92, 1.08), 2)
    if rng.random() >= off_share:
        return product.lst_price
    return round(product.lst_price * rng.uniform(0.85, 1.15), 2)


def invoice_values(env, rng, customers, products, day, lines, off_share=None):
    from odoo import Command

    return {
        "move_type": "out_invoice",
        "partner_id": rng.choice(customers),
        "invoice_date": day,
        "invoice_line_ids": [
            Command.create(
                {
                    "product_id": product.id,
                    "quantity": rng.randint(1, 12),
                    "price_unit": unit_price(rng, product, off_share),
                    "tax_ids": [Command.clear()],
                }
            )
            for product in rng.sample(products, lines)
        ],
    }


def set_checks(env, active):
    rules = env["invoice.check.rule"].with_context(active_test=False).search([])
    rules.write({"active": active})
    env.flush_all()


def setup(env, args, rng):
    """Customers, products and the history of posted invoice lines, unless
    the database has them already."""
    Partner = env["res.partner"]
    customers = Partner.search([("ref", "=like", "BENCHCHK-%")])
    if customers:
        return customers.ids, env["product.product"].search(
            [("default_code", "=like", "BENCHCHK-%")]
        )
    started = time.perf_counter()
    customers = Partner.create(
        [
            {
                "name": f"Bench customer {i}",
                "ref": f"BENCHCHK-{i}",
                "is_company": i % 5 != 0,  # one in five a consumer
                "email": f"ap{i}@bench.example.com",
                "street": f"Street {i}",
                "city": "Rotterdam",
                "requires_customer_reference": i % 10 == 0,
            }
            for i in range(CUSTOMERS)
        ]
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {i}",
                "default_code": f"BENCHCHK-{i}",
                "lst_price": round(rng.uniform(5, 500), 2),
                "taxes_id": [],
            }
            for i in range(PRODUCTS)
        ]
    )
    set_checks(env, False)
    today = date.today()
    invoices = args.history_lines // args.lines
    customer_ids = customers.ids
    product_list = list(products)
    for start in range(0, invoices, BATCH):
        count = min(BATCH, invoices - start)
        moves = env["account.move"].create(
            [
                invoice_values(
                    env,
                    rng,
                    customer_ids,
                    product_list,
                    today - timedelta(days=rng.randint(1, 365)),
                    args.lines,
                )
                for __ in range(count)
            ]
        )
        moves.action_post()
        env.cr.commit()
        env.invalidate_all()
        print(f"  history: {start + count} invoices", flush=True)
    # recent disputes for every customer: one in three about pricing
    reasons = [
        env.ref("invoice_dispute.reason_pricing"),
        env.ref("invoice_dispute.reason_quantity"),
        env.ref("invoice_dispute.reason_not_delivered"),
    ]
    posted = env["account.move"].search(
        [("move_type", "=", "out_invoice"), ("state", "=", "posted")],
        order="invoice_date desc",
    )
    by_customer = {}
    for move in posted:
        by_customer.setdefault(move.commercial_partner_id.id, move)
    from odoo import Command

    env["invoice.dispute"].create(
        [
            {
                "partner_id": partner_id,
                "reason_id": reasons[i % 3].id,
                "date_received": max(move.invoice_date, today - timedelta(days=30)),
                "customer_statement": "<p>Not what we agreed.</p>",
                "line_ids": [
                    Command.create(
                        {"move_id": move.id, "disputed_amount": move.amount_residual}
                    )
                ],
            }
            for i, (partner_id, move) in enumerate(by_customer.items())
        ]
    )
    set_checks(env, True)
    env.cr.commit()
    lines = env["account.move.line"].search_count(
        [("display_type", "=", "product"), ("parent_state", "=", "posted")]
    )
    print(
        f"setup: {lines} posted invoice lines, {len(by_customer)} disputes in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return customer_ids, products


class RuleMeter:
    """Queries and seconds spent in each rule's check (wraps the methods)."""

    def __init__(self, env):
        self.env = env
        self.queries = defaultdict(int)
        self.seconds = defaultdict(float)
        self.calls = defaultdict(int)
        cls = type(env["invoice.check.rule"])
        self.saved = {}
        for name in [f"_check_{code}" for code in CODES] + ["_load_dispute_history"]:
            self.saved[name] = getattr(cls, name)
            setattr(cls, name, self.wrap(name, self.saved[name]))

    def wrap(self, name, method):
        meter = self

        def wrapper(model, run):
            before, started = model.env.cr.sql_log_count, time.perf_counter()
            try:
                return method(model, run)
            finally:
                meter.queries[name] += model.env.cr.sql_log_count - before
                meter.seconds[name] += time.perf_counter() - started
                meter.calls[name] += 1

        return wrapper

    def restore(self):
        cls = type(self.env["invoice.check.rule"])
        for name, method in self.saved.items():
            setattr(cls, name, method)


def post(env, moves):
    env.flush_all()
    env.invalidate_all()
    before, started = env.cr.sql_log_count, time.perf_counter()
    moves.action_post()
    env.flush_all()
    return time.perf_counter() - started, env.cr.sql_log_count - before


def run_round(registry, args, rng, customers, products, checks_first):
    with registry.cursor() as cr:
        env = admin_env(cr)
        product_list = list(env["product.product"].browse(products.ids))
        today = date.today()

        def drafts():
            return env["account.move"].create(
                [
                    invoice_values(
                        env,
                        rng,
                        customers,
                        product_list,
                        today,
                        args.lines,
                        args.off_share,
                    )
                    for __ in range(args.invoices)
                ]
            )

        plain_moves, checked_moves = drafts(), drafts()
        env.flush_all()
        results = {}
        for checks in (True, False) if checks_first else (False, True):
            set_checks(env, checks)
            meter = RuleMeter(env) if checks else None
            moves = checked_moves if checks else plain_moves
            results[checks] = post(env, moves)
            if meter:
                meter.restore()
                results["meter"] = meter
        findings = env["invoice.check.finding"].search_count(
            [("move_id", "in", checked_moves.ids)]
        )
        cr.rollback()
    return results, findings


def main():
    args = parse_args()
    rng = random.Random(args.seed)
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = admin_env(cr)
        customers, products = setup(env, args, rng)
        products = products.ids
        # fresh planner statistics: with autovacuum off (as on the shared
        # machine) the history queries are planned for empty tables and run
        # for many minutes
        from odoo.tools import SQL

        cr.commit()
        cr.execute(SQL("ANALYZE account_move, account_move_line, invoice_dispute"))
    ratios, times = [], {True: [], False: []}
    for index in range(args.rounds):
        with registry.cursor() as cr:
            prods = admin_env(cr)["product.product"].browse(products)
        checks_first = index % 2 == 1
        results, findings = run_round(
            registry, args, rng, customers, prods, checks_first=checks_first
        )
        (with_s, with_q), (without_s, without_q) = results[True], results[False]
        meter = results["meter"]
        ratios.append(with_s / without_s)
        times[True].append(with_s)
        times[False].append(without_s)
        print(
            f"round {index + 1} ({'checks' if checks_first else 'plain'} first, "
            f"load {os.getloadavg()[0]:.1f}): {args.invoices} invoices x "
            f"{args.lines} lines; without checks {without_s:.1f} s ({without_q} "
            f"queries), with checks {with_s:.1f} s ({with_q} queries, {findings} "
            f"findings); ratio {with_s / without_s:.3f}",
            flush=True,
        )
        for name in sorted(meter.queries):
            print(
                f"    {name:32} {meter.queries[name]:4d} queries "
                f"{meter.seconds[name]:6.2f} s ({meter.calls[name]} call)"
            )
    if not ratios:
        return
    print(
        f"median of {args.rounds} rounds: without checks "
        f"{statistics.median(times[False]):.1f} s, with checks "
        f"{statistics.median(times[True]):.1f} s, ratio "
        f"{statistics.median(ratios):.3f} (each: "
        f"{', '.join(f'{ratio:.3f}' for ratio in ratios)}; goal <= 1.25)"
    )


if __name__ == "__main__":
    main()
