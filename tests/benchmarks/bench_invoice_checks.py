#!/usr/bin/env python3
"""Benchmark of the invoice checks run when customer invoices are posted.

Usage (on a scratch database with invoice_dispute installed):

    python3 tests/benchmarks/bench_invoice_checks.py --db bench_checks \\
        [--history-lines 50000] [--invoices 1000] [--lines 10] [--rounds 3] \\
        [--off-share 0.1]

Setup (once per database, kept for the next runs: a second run on the same
``--db`` reuses it and only runs the rounds): customers and products, then a
history of ``--history-lines`` posted invoice lines (invoices of ``--lines``
lines over the last year) in a journal of their own ("Bench history"):

- ``--orm-invoices`` (default 300) invoices are created and posted through the
  ORM in one batch, with tracking and the chatter off
  (``tracking_disable``, ``mail_create_nolog``, ``mail_notrack``) and the
  checks archived, so that every computed column (balances, totals, the
  lines' partner, unit, date, parent state) is Odoo's own;
- the rest are SQL copies of those invoices (``INSERT ... SELECT`` of every
  column of ``account_move`` and ``account_move_line``), each for a random
  customer and a random day of the last year: the copies change the customer
  (``partner_id``, ``commercial_partner_id``, the lines' ``partner_id``, the
  displayed name), the dates (``date``, ``invoice_date``, due dates,
  the lines' ``date``/``invoice_date``) and the number (``BHIST/C/<id>``,
  its own sequence prefix, so that the sales journal's numbering is
  untouched); products, units, quantities, prices, currencies, amounts and
  states are the original's. Everything the rules read is therefore
  consistent.

Every customer has disputes in the last 90 days, a third of them pricing
disputes, so that ``dispute_history`` has work to do.

Each round then creates twice ``--invoices`` draft invoices of ``--lines``
lines (the same customers and products; prices at the list price except
``--off-share`` of the lines, off by up to 15 %) and posts them, all
at once with ``action_post()``, once with every check rule archived and once
with the shipped rules active, in the same process and transaction; the
order of the two alternates between rounds. It prints both wall times, both
CPU times (this Python process's ``time.process_time()`` plus the CPU of the
PostgreSQL backend serving it, ``utime + stime`` of ``/proc/<pg_backend_pid>/
stat``: the server runs on the same host) and their ratios (goal: at most
1.25), the load average of each round, the medians of the rounds, the queries
of the posting with and without the checks, and the queries and time of each
rule. The CPU ratio is the robust figure on a shared machine: other
processes' load stretches the wall time, not the CPU time. Each round is
rolled back.
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
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
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
        "--orm-invoices",
        type=int,
        default=300,
        help="history invoices made through the ORM; the rest are SQL copies",
    )
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
    env = env(context=dict(env.context, **QUIET))
    customers = env["res.partner"].create(
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
    journal = env["account.journal"].create(
        {"name": "Bench history", "code": "BHIST", "type": "sale", "sequence": 99}
    )
    set_checks(env, False)
    today = date.today()
    invoices = args.history_lines // args.lines
    orm_count = min(args.orm_invoices, invoices)
    customer_ids = customers.ids
    product_list = list(products)
    moves = env["account.move"].create(
        [
            dict(
                invoice_values(
                    env,
                    rng,
                    customer_ids,
                    product_list,
                    today - timedelta(days=rng.randint(1, 365)),
                    args.lines,
                ),
                journal_id=journal.id,
            )
            for __ in range(orm_count)
        ]
    )
    moves.action_post()
    env.flush_all()
    env.cr.commit()
    print(
        f"  history: {orm_count} invoices through the ORM in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    copies = invoices - orm_count
    if copies:
        clone_moves(
            env,
            sources=[moves.ids[i % orm_count] for i in range(copies)],
            partners=[rng.choice(customer_ids) for __ in range(copies)],
            days=[today - timedelta(days=rng.randint(1, 365)) for __ in range(copies)],
        )
        env.cr.commit()
        env.invalidate_all()
        print(
            f"  history: {copies} invoices copied in SQL "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    # recent disputes for every customer: one in three about pricing
    reasons = [
        env.ref("invoice_dispute.reason_pricing"),
        env.ref("invoice_dispute.reason_quantity"),
        env.ref("invoice_dispute.reason_not_delivered"),
    ]
    env.cr.execute(
        """
        SELECT DISTINCT ON (commercial_partner_id) commercial_partner_id, id
          FROM account_move
         WHERE move_type = 'out_invoice' AND state = 'posted'
         ORDER BY commercial_partner_id, invoice_date DESC, id DESC
        """
    )
    latest = env["account.move"].browse([row[1] for row in env.cr.fetchall()])
    from odoo import Command

    env["invoice.dispute"].create(
        [
            {
                "partner_id": move.commercial_partner_id.id,
                "reason_id": reasons[i % 3].id,
                "date_received": max(move.invoice_date, today - timedelta(days=30)),
                "customer_statement": "<p>Not what we agreed.</p>",
                "line_ids": [
                    Command.create(
                        {"move_id": move.id, "disputed_amount": move.amount_residual}
                    )
                ],
            }
            for i, move in enumerate(latest)
        ]
    )
    set_checks(env, True)
    env.cr.commit()
    lines = env["account.move.line"].search_count(
        [("display_type", "=", "product"), ("parent_state", "=", "posted")]
    )
    print(
        f"setup: {lines} posted invoice lines, {len(latest)} disputes in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return customer_ids, products


def columns(cr, table, overrides):
    """The column list of ``table`` (without ``id``) and the SELECT list
    copying each from alias ``src`` unless ``overrides`` gives an
    expression."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s AND column_name != 'id' "
        "ORDER BY ordinal_position",
        [table],
    )
    names = [row[0] for row in cr.fetchall()]
    return (
        ", ".join(f'"{name}"' for name in names),
        ", ".join(overrides.get(name, f'src."{name}"') for name in names),
    )


def clone_moves(env, sources, partners, days):
    """SQL copies of the posted invoices ``sources`` (ids, repeated as
    needed), the n-th for customer ``partners[n]`` on day ``days[n]``, with
    their lines (see the module's docstring for what changes)."""
    cr = env.cr
    cr.execute(
        """
        CREATE TEMP TABLE bench_clone ON COMMIT DROP AS
        SELECT nextval('account_move_id_seq')::int AS new_id, c.src,
               c.partner_id, c.day, p.name AS partner_name
          FROM unnest(%s::int[], %s::int[], %s::date[]) AS c(src, partner_id, day)
          JOIN res_partner p ON p.id = c.partner_id
        """,
        [sources, partners, days],
    )
    number = "'BHIST/C/' || c.new_id"
    target, select = columns(
        cr,
        "account_move",
        {
            "name": number,
            "payment_reference": number,
            "sequence_prefix": "'BHIST/C/'",
            "sequence_number": "c.new_id",
            "partner_id": "c.partner_id",
            "commercial_partner_id": "c.partner_id",
            "invoice_partner_display_name": "c.partner_name",
            "date": "c.day",
            "invoice_date": "c.day",
            "invoice_date_due": "c.day + (src.invoice_date_due - src.invoice_date)",
            "create_date": "now() at time zone 'utc'",
            "write_date": "now() at time zone 'utc'",
        },
    )
    cr.execute(
        f"""
        INSERT INTO account_move (id, {target})
        SELECT c.new_id, {select}
          FROM bench_clone c JOIN account_move src ON src.id = c.src
        """
    )
    target, select = columns(
        cr,
        "account_move_line",
        {
            "move_id": "c.new_id",
            "move_name": number,
            "partner_id": "c.partner_id",
            "date": "c.day",
            "invoice_date": "c.day",
            "date_maturity": "c.day + (src.date_maturity - src.date)",
            "create_date": "now() at time zone 'utc'",
            "write_date": "now() at time zone 'utc'",
        },
    )
    cr.execute(
        f"""
        INSERT INTO account_move_line ({target})
        SELECT {select}
          FROM bench_clone c JOIN account_move_line src ON src.move_id = c.src
        """
    )


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


def backend_cpu(cr):
    """CPU seconds (user + system) the PostgreSQL backend of ``cr`` used so
    far, from ``/proc/<pid>/stat`` (the server runs on this host)."""
    cr.execute("SELECT pg_backend_pid()")
    pid = cr.fetchone()[0]
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # fields after the command: state is 3rd of stat, utime 14th, stime 15th
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def post(env, moves):
    """Post ``moves``: wall seconds, CPU seconds (this process + its
    PostgreSQL backend) and queries."""
    env.flush_all()
    env.invalidate_all()
    before, started = env.cr.sql_log_count, time.perf_counter()
    cpu_started, db_started = time.process_time(), backend_cpu(env.cr)
    moves.action_post()
    env.flush_all()
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started + backend_cpu(env.cr) - db_started
    return wall, cpu, env.cr.sql_log_count - before


def run_round(registry, args, rng, customers, products, checks_first):
    with registry.cursor() as cr:
        env = admin_env(cr)
        product_list = list(env["product.product"].browse(products.ids))
        today = date.today()

        def drafts():
            # made quietly (no chatter); posted below in the normal context
            return (
                env["account.move"]
                .with_context(**QUIET)
                .create(
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
                .with_env(env)
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
    ratios, cpu_ratios = [], []
    times, cpus = {True: [], False: []}, {True: [], False: []}
    for index in range(args.rounds):
        with registry.cursor() as cr:
            prods = admin_env(cr)["product.product"].browse(products)
        checks_first = index % 2 == 1
        results, findings = run_round(
            registry, args, rng, customers, prods, checks_first=checks_first
        )
        (with_s, with_cpu, with_q) = results[True]
        (without_s, without_cpu, without_q) = results[False]
        meter = results["meter"]
        ratios.append(with_s / without_s)
        cpu_ratios.append(with_cpu / without_cpu)
        times[True].append(with_s)
        times[False].append(without_s)
        cpus[True].append(with_cpu)
        cpus[False].append(without_cpu)
        print(
            f"round {index + 1} ({'checks' if checks_first else 'plain'} first, "
            f"load {os.getloadavg()[0]:.1f}): {args.invoices} invoices x "
            f"{args.lines} lines; without checks {without_s:.1f} s wall, "
            f"{without_cpu:.1f} s CPU ({without_q} queries), with checks "
            f"{with_s:.1f} s wall, {with_cpu:.1f} s CPU ({with_q} queries, "
            f"{findings} findings); ratio wall {with_s / without_s:.3f}, "
            f"CPU {with_cpu / without_cpu:.3f}",
            flush=True,
        )
        for name in sorted(meter.queries):
            print(
                f"    {name:32} {meter.queries[name]:4d} queries "
                f"{meter.seconds[name]:6.2f} s ({meter.calls[name]} call)",
                flush=True,
            )
    if not ratios:
        return
    print(
        f"median of {args.rounds} rounds: without checks "
        f"{statistics.median(times[False]):.1f} s wall / "
        f"{statistics.median(cpus[False]):.1f} s CPU, with checks "
        f"{statistics.median(times[True]):.1f} s wall / "
        f"{statistics.median(cpus[True]):.1f} s CPU; ratio wall "
        f"{statistics.median(ratios):.3f} (each: "
        f"{', '.join(f'{ratio:.3f}' for ratio in ratios)}), ratio CPU "
        f"{statistics.median(cpu_ratios):.3f} (each: "
        f"{', '.join(f'{ratio:.3f}' for ratio in cpu_ratios)}); goal <= 1.25"
    )


if __name__ == "__main__":
    main()
