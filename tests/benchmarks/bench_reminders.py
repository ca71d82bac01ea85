#!/usr/bin/env python3
"""Benchmark of the payment-reminder engine (prints figures, not a test).

For each size (25,000 and 50,000 invoices by default): create a database from
the template with the dependencies (``invoice_dispute_deps_180_<hash>``), install
invoice_dispute, generate the data with ``scripts/generate_data.py`` (one
customer per ten invoices, 40 % overdue, 5 % disputed, 3 % in payment plans),
then run the scheduled action "send payment reminders" the way the cron
worker does (one batch per call, a commit after each, called again while
``_notify_progress`` reports remaining work) and print its wall time and its
SQL queries, those spent in mail template rendering counted apart. Finally the
time ratio of the largest size to the smallest. The databases are dropped at
the end unless ``--keep`` is given.

    python3 tests/benchmarks/bench_reminders.py --db-prefix bench_rem \\
        [--sizes 25000,50000] [--keep] [--with-oca] [--profile] [--queries]
        [--repeat 2]

``--repeat N`` (default 2) runs the reminders N times per size, each on a
fresh copy of the generated data, and counts the fastest run (all are
printed: on a shared machine the same run varies by a quarter).
``--queries`` prints the most frequent query shapes outside rendering (where
the queries go).

``--baseline PATH`` first runs the same benchmark (this script, same sizes,
repeats and options) on the code of another checkout of the repository at
PATH (e.g. ``git worktree add /tmp/base main``), on its own databases, then
this one, and prints both figures and their ratios: today's engine against
the new one in one run, on the same machine under the same load.

Besides the wall time, each run prints its CPU time: the Odoo process's
(``time.process_time()``) plus its PostgreSQL backend's (utime + stime from
``/proc/<pid>/stat``, the server being on the same host), which the other
processes of a loaded machine disturb far less than the wall time.

``--analyze`` runs PostgreSQL's ANALYZE on the generated data before the
runs. Without it the tables the generator filled by SQL have no statistics
yet when the run starts (autovacuum analyzes them a minute or more later),
and PostgreSQL may plan the reminders' selection with nested loops over
all the invoices (the exclusions' anti-joins): a live database has them.

``--with-oca`` also installs OCA's ``account_credit_control`` (18.0, from
PyPI, unpacked in /opt/oca_addons, never in site-packages) on the same
databases, gives it a policy with levels like ours and times its "compute
credit lines" (``credit.control.run.generate_credit_lines``); the script
prints the ratio of our run to it. The OCA module only computes the lines
there (no email), our run also renders and queues every email.

Database host and user: environment PGHOST/PGUSER (default 127.0.0.1/root),
as scripts/common.sh does.
"""

import argparse
import cProfile
import glob
import io
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# the checkout whose code is benchmarked: this one, or the baseline's
# (``--baseline`` runs this same script with BENCH_CODE_ROOT set)
ROOT = os.environ.get("BENCH_CODE_ROOT") or os.path.dirname(os.path.dirname(HERE))
OCA_TARGET = "/opt/oca_addons"
OCA_ADDONS = os.path.join(OCA_TARGET, "odoo", "addons")
OCA_REQUIREMENT = "odoo-addon-account_credit_control>=18.0,<18.1"
OCA_ENV = {"ODOO_ADDONS_PATH": OCA_ADDONS}
INVOICES_PER_CUSTOMER = 10
CRON_XMLID = "invoice_dispute.ir_cron_send_payment_reminders"
# Mail rendering: template values (fields, recipients, language) and the
# QWeb/inline rendering under them.
RENDER_METHODS = (
    ("mail.template", "_generate_template"),
    ("mail.template", "_render_field"),
    ("mail.template", "_render_lang"),
    ("mail.template", "_render_template"),
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db-prefix", help="databases are named PREFIX_SIZE")
    parser.add_argument("--sizes", default="25000,50000")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--with-oca",
        action="store_true",
        help="also time OCA account_credit_control's compute credit lines",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of the run"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="runs per size, each on a fresh copy of the generated data; "
        "the fastest counts (the others show the machine's noise)",
    )
    parser.add_argument(
        "--queries",
        action="store_true",
        help="print the most frequent query shapes outside rendering",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse existing databases (data already generated, not yet run)",
    )
    parser.add_argument(
        "--mail-batch-size",
        type=int,
        help="set Odoo's system parameter mail.batch_size (emails rendered "
        "and created per chunk by mail.template.send_mail_batch, default 50) "
        "before the run",
    )
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="ANALYZE the database after generating the data, before the "
        "runs: the generator writes by SQL and the run starts before "
        "autovacuum would, so PostgreSQL plans without statistics (a live "
        "database has them)",
    )
    parser.add_argument(
        "--baseline",
        help="path of another checkout of the repository (e.g. main) whose "
        "engine is benchmarked first with the same options, for comparison",
    )
    parser.add_argument("--child", choices=("generate", "run", "oca"))
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.child and not args.db_prefix:
        parser.error("--db-prefix is required")
    return args


# ----------------------------------------------------------------------
# Children: one fresh process per step, with its own registry and cursor
# ----------------------------------------------------------------------
def open_registry(db, with_oca):
    import odoo

    addons = [
        os.path.join(os.path.dirname(odoo.__path__[0]), "addons"),
        os.path.join(odoo.__path__[0], "addons"),
        ROOT,
    ]
    if with_oca:
        addons.append(OCA_ADDONS)
    odoo.tools.config.parse_config(
        [
            f"--db_host={os.environ.get('PGHOST', '127.0.0.1')}",
            f"--db_user={os.environ.get('PGUSER', 'root')}",
            f"--addons-path={','.join(addons)}",
            "--log-level=warn",
        ]
    )
    return odoo.modules.registry.Registry(db)


def child_generate(args):
    import odoo

    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    from generate_data import generate

    registry = open_registry(args.db, args.with_oca)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = generate(
            env,
            customers=max(args.size // INVOICES_PER_CUSTOMER, 1),
            invoices=args.size,
            overdue_ratio=0.4,
            disputed_ratio=0.05,
            plan_ratio=0.03,
            seed=1,
            commit=True,
        )
        cr.commit()
    return result


class RenderCounter:
    """Count the queries and the time spent in mail rendering by wrapping
    the rendering methods of the registry's classes (benchmark only)."""

    def __init__(self, registry):
        import odoo.sql_db

        self.sql_db = odoo.sql_db
        self.queries = 0
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self.calls = 0
        self.depth = 0
        for model, method in RENDER_METHODS:
            cls = registry[model]
            setattr(cls, method, self.wrap(getattr(cls, method)))

    def wrap(self, func):
        counter = self

        def wrapper(*args, **kwargs):
            if counter.depth:
                return func(*args, **kwargs)
            counter.depth += 1
            queries = counter.sql_db.sql_counter
            started = time.perf_counter()
            cpu_started = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                counter.seconds += time.perf_counter() - started
                counter.cpu_seconds += time.process_time() - cpu_started
                counter.queries += counter.sql_db.sql_counter - queries
                counter.calls += 1
                counter.depth -= 1

        return wrapper


class QueryShapes:
    """Count the queries outside mail rendering by shape (their first words,
    numbers and parameters left out), to see where the queries go."""

    def __init__(self, render):
        import odoo.sql_db

        self.render = render
        self.shapes = {}
        cursor_class = odoo.sql_db.Cursor
        execute = cursor_class.execute
        shapes = self

        def wrapper(cursor, query, params=None, log_exceptions=True):
            if shapes.render.depth:
                return execute(cursor, query, params, log_exceptions)
            started = time.perf_counter()
            try:
                return execute(cursor, query, params, log_exceptions)
            finally:
                shapes.add(query, time.perf_counter() - started)

        cursor_class.execute = wrapper

    def add(self, query, seconds):
        text = " ".join(str(getattr(query, "code", query)).split())
        key = re.sub(r"\d+", "N", text)[:110]
        number, total = self.shapes.get(key, (0, 0.0))
        self.shapes[key] = (number + 1, total + seconds)

    def top(self, count=60):
        """The most frequent shapes, then the slowest (wall seconds in the
        database, rendering left out)."""
        lines = ["  count  seconds  query (most frequent)"]
        items = sorted(self.shapes.items(), key=lambda item: -item[1][0])[:count]
        lines += [f"{n:7d} {s:8.2f}  {shape}" for shape, (n, s) in items]
        lines.append("  count  seconds  query (slowest)")
        items = sorted(self.shapes.items(), key=lambda item: -item[1][1])[:20]
        lines += [f"{n:7d} {s:8.2f}  {shape}" for shape, (n, s) in items]
        return "\n".join(lines)


def backend_cpu_seconds(cr):
    """CPU seconds (user + system) the PostgreSQL backend of ``cr`` has used
    so far, from /proc/<pid>/stat (the server runs on this host); None when
    it cannot be read."""
    cr.execute("SELECT pg_backend_pid()")
    pid = cr.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # the fields after the command name (which may hold spaces)
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime: fields 14 and 15 of the line, 12 and 13 after ")"
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def child_run(args):
    import odoo
    import odoo.sql_db

    registry = open_registry(args.db, args.with_oca)
    render = RenderCounter(registry)
    shapes = QueryShapes(render) if args.queries else None
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cron = env.ref(CRON_XMLID)
        if args.mail_batch_size:
            env["ir.config_parameter"].set_param(
                "mail.batch_size", str(args.mail_batch_size)
            )
        cr.execute("SELECT COUNT(*) FROM account_move WHERE move_type = 'out_invoice'")
        invoices = cr.fetchone()[0]
        cr.commit()
        profiler = cProfile.Profile() if args.profile else None
        pg_cpu_started = backend_cpu_seconds(cr)
        queries = odoo.sql_db.sql_counter
        started = time.perf_counter()
        cpu_started = time.process_time()
        calls = done = 0
        if profiler:
            profiler.enable()
        longest = 0.0
        while True:
            # as ir.cron._run_job: a progress record, the server action, a
            # commit; called again while work remains
            call_started = time.perf_counter()
            job, progress = cron._add_progress()
            job._callback(cron.cron_name, cron.ir_actions_server_id.id)
            cr.commit()
            longest = max(longest, time.perf_counter() - call_started)
            calls += 1
            done += progress.done
            if not progress.remaining or not progress.done:
                break
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        queries = odoo.sql_db.sql_counter - queries
        pg_cpu = backend_cpu_seconds(cr)
        pg_cpu = (
            pg_cpu - pg_cpu_started
            if pg_cpu is not None and pg_cpu_started is not None
            else None
        )
        cr.execute(
            """
            SELECT COUNT(*), COUNT(mail_id), COUNT(DISTINCT mail_id),
                   COUNT(activity_id)
              FROM invoice_reminder_log
            """
        )
        logs, with_mail, mails, activities = cr.fetchone()
        notices = None
        if "invoice.reminder.notice" in env:
            cr.execute("SELECT COUNT(*) FROM invoice_reminder_notice")
            notices = cr.fetchone()[0]
    result = {
        "invoices": invoices,
        "claimed": logs,
        "handled": done,
        "sent_with_email": with_mail,
        "emails": mails,
        "notices": notices,
        "activities": activities,
        "cron_calls": calls,
        "longest_call": round(longest, 2),
        "seconds": round(seconds, 2),
        "python_cpu_seconds": round(cpu_seconds, 2),
        "pg_cpu_seconds": round(pg_cpu, 2) if pg_cpu is not None else None,
        "cpu_seconds": round(cpu_seconds + (pg_cpu or 0), 2),
        "load_average": " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "render_seconds": round(render.seconds, 2),
        "render_cpu_seconds": round(render.cpu_seconds, 2),
        "queries": queries,
        "render_queries": render.queries,
        "other_queries": queries - render.queries,
    }
    if shapes:
        result["query_shapes"] = shapes.top()
    if profiler:
        if os.environ.get("BENCH_PROFILE_FILE"):
            profiler.dump_stats(os.environ["BENCH_PROFILE_FILE"])
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        result["profile"] = out.getvalue()
    return result


def child_oca(args):
    import odoo
    from odoo import fields

    registry = open_registry(args.db, True)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.company
        template = env.ref("account_credit_control.email_template_credit_control_base")
        receivable = env["account.account"].search(
            [
                *env["account.account"]._check_company_domain(company),
                ("account_type", "=", "asset_receivable"),
            ]
        )
        levels = [
            ("Friendly note", 1, -3),
            ("First reminder", 2, 7),
            ("Firm reminder", 3, 21),
            ("Final notice", 4, 45),
        ]
        policy = env["credit.control.policy"].create(
            {
                "name": "Benchmark policy",
                "company_id": company.id,
                "account_ids": [(6, 0, receivable.ids)],
                "level_ids": [
                    (
                        0,
                        0,
                        {
                            "name": name,
                            "level": level,
                            "computation_mode": "net_days"
                            if level == 1
                            else "previous_date",
                            "delay_days": delay,
                            "email_template_id": template.id,
                            "channel": "email",
                            "custom_text": name,
                            "custom_mail_text": name,
                        },
                    )
                    for name, level, delay in levels
                ],
            }
        )
        company.credit_policy_id = policy
        run = env["credit.control.run"].create(
            {
                "date": fields.Date.today(),
                "company_id": company.id,
                "policy_ids": [(6, 0, policy.ids)],
            }
        )
        env.flush_all()
        cr.commit()
        queries = odoo.sql_db.sql_counter
        started = time.perf_counter()
        run.generate_credit_lines()
        env.flush_all()
        cr.commit()
        seconds = time.perf_counter() - started
        return {
            "oca_lines": len(run.line_ids),
            "oca_seconds": round(seconds, 2),
            "oca_queries": odoo.sql_db.sql_counter - queries,
        }


def child_main(args):
    import logging

    logging.getLogger("odoo").setLevel(logging.WARNING)
    result = {"generate": child_generate, "run": child_run, "oca": child_oca}[
        args.child
    ](args)
    print("RESULT " + json.dumps(result, default=str), flush=True)


# ----------------------------------------------------------------------
# Parent
# ----------------------------------------------------------------------
def shell(script, *params, env=None, log=None):
    """Run ``script`` in bash after sourcing scripts/common.sh."""
    command = f'source "{ROOT}/scripts/common.sh"; check_odoo; {script}'
    with open(log or os.devnull, "w") as out:
        subprocess.run(
            ["bash", "-c", command, "bench", *params],
            check=True,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def run_child(args, step, db, size=0):
    command = [sys.executable, os.path.abspath(__file__), "--child", step, "--db", db]
    command += ["--size", str(size)]
    if args.with_oca:
        command.append("--with-oca")
    if args.profile and step == "run":
        command.append("--profile")
    if args.queries and step == "run":
        command.append("--queries")
    if args.mail_batch_size and step == "run":
        command += ["--mail-batch-size", str(args.mail_batch_size)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        raise SystemExit(f"{step} failed on {db}")
    return json.loads(lines[-1][len("RESULT ") :])


def ensure_oca():
    """Download OCA's account_credit_control 18.0 and unpack it in
    /opt/oca_addons (not in site-packages: its wheel ships an ``odoo``
    namespace package that would shadow Odoo's own)."""
    if os.path.isdir(os.path.join(OCA_ADDONS, "account_credit_control")):
        return
    with tempfile.TemporaryDirectory() as tmp:
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
        subprocess.run(
            [*pip, "download", "--no-deps", "-q", "-d", tmp, OCA_REQUIREMENT],
            check=True,
        )
        wheels = glob.glob(os.path.join(tmp, "*.whl"))
        subprocess.run(
            [*pip, "install", "--no-deps", "-q", "--target", OCA_TARGET, *wheels],
            check=True,
        )


def prepare(args, db, work):
    print(f"[{db}] creating the database and installing invoice_dispute", flush=True)
    log = os.path.join(work, f"{db}.log")
    install = (
        'odoo_cmd "$1" -i "$3" --stop-after-init --without-demo=all '
        '--log-level=warn --http-port="$(free_port)"'
    )
    try:
        shell(
            f'new_db_from_deps "$1" "$2" "$(free_port)" && {install}',
            db,
            work,
            "invoice_dispute",
            log=log,
        )
    except subprocess.CalledProcessError as exc:
        with open(log) as logfile:
            sys.stderr.write(logfile.read()[-5000:])
        raise SystemExit(f"could not create {db}") from exc
    if not args.with_oca:
        return False
    print(f"[{db}] installing OCA account_credit_control", flush=True)
    try:
        shell(install, db, work, "account_credit_control", log=log, env=OCA_ENV)
    except subprocess.CalledProcessError:
        with open(log) as logfile:
            print(
                f"OCA account_credit_control not installed:\n{logfile.read()[-3000:]}"
            )
        return False
    return True


def print_figures(size, gen, res, oca):
    invoices = res["invoices"]
    per50 = res["other_queries"] / invoices * 50 if invoices else 0
    per50_sent = res["other_queries"] / res["claimed"] * 50 if res["claimed"] else 0
    rows = [
        ("invoices", invoices),
        ("customers", gen.get("customers")),
        ("overdue (generator)", gen.get("overdue")),
        ("disputes", gen.get("disputes")),
        ("reminders claimed", res["claimed"]),
        ("reminders sent by email", res["sent_with_email"]),
        ("emails queued", res["emails"]),
        ("notices", res.get("notices") if res.get("notices") is not None else "-"),
        ("activities", res["activities"]),
        ("cron calls (batches)", res["cron_calls"]),
        ("longest call (s)", res["longest_call"]),
        ("wall time (s)", res["seconds"]),
        ("  each run (s)", ", ".join(str(t) for t in res.get("all_seconds", ()))),
        ("CPU time (s)", res.get("cpu_seconds", "-")),
        ("  Odoo process (s)", res.get("python_cpu_seconds", "-")),
        ("  PostgreSQL backend (s)", res.get("pg_cpu_seconds", "-")),
        ("load average at the end", res.get("load_average", "-")),
        ("  of which rendering (s)", res["render_seconds"]),
        ("  rendering, Odoo CPU (s)", res.get("render_cpu_seconds", "-")),
        (
            "  rendering CPU per email (ms)",
            f"{res['render_cpu_seconds'] / res['emails'] * 1000:.1f}"
            if res.get("render_cpu_seconds") and res["emails"]
            else "-",
        ),
        ("queries total", res["queries"]),
        ("queries in rendering", res["render_queries"]),
        ("queries outside rendering", res["other_queries"]),
        ("queries per 50 invoices", f"{per50:.2f}"),
        ("queries per 50 reminders", f"{per50_sent:.2f}"),
    ]
    if oca:
        rows += [
            ("OCA credit lines", oca["oca_lines"]),
            ("OCA compute credit lines (s)", oca["oca_seconds"]),
            ("OCA queries", oca["oca_queries"]),
            (
                "ours / OCA time",
                f"{res['seconds'] / oca['oca_seconds']:.2f}"
                if oca["oca_seconds"]
                else "n/a",
            ),
        ]
    print(f"--- {size} invoices")
    for label, value in rows:
        print(f"  {label:<30} {value}")
    if res.get("query_shapes"):
        print(res["query_shapes"])
    if res.get("profile"):
        print(res["profile"])
    sys.stdout.flush()


def run_baseline(args, argv):
    """Run the benchmark of the checkout ``args.baseline`` with the same
    options (its own databases, prefixed ``<prefix>_base``); print its output
    as it comes and return its wall times per size."""
    root = os.path.abspath(args.baseline)
    if not os.path.isdir(os.path.join(root, "invoice_dispute")):
        raise SystemExit(f"no invoice_dispute in {args.baseline}")
    options, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--baseline":
            skip = True
            continue
        if arg.startswith("--baseline="):
            continue
        if arg == "--db-prefix":
            skip = True
            continue
        if not arg.startswith("--db-prefix="):
            options.append(arg)
    print(f"=== baseline: {args.baseline}", flush=True)
    # this script (same measures) on the baseline's code and data generator
    proc = subprocess.Popen(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--db-prefix",
            f"{args.db_prefix}_base",
            *options,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "BENCH_CODE_ROOT": root},
    )
    times, size = {}, None
    for line in proc.stdout:
        sys.stdout.write(line)
        match = re.match(r"--- (\d+) invoices", line)
        if match:
            size = int(match.group(1))
        match = re.match(r"\s+wall time \(s\)\s+([\d.]+)", line)
        if match and size:
            times.setdefault(size, {})["seconds"] = float(match.group(1))
        match = re.match(r"\s+CPU time \(s\)\s+([\d.]+)", line)
        if match and size:
            times.setdefault(size, {})["cpu_seconds"] = float(match.group(1))
        match = re.match(r"\s+queries per 50 invoices\s+([\d.]+)", line)
        if match and size:
            times.setdefault(size, {})["per50"] = float(match.group(1))
    if proc.wait():
        raise SystemExit("the baseline benchmark failed")
    print(f"=== this checkout: {ROOT}", flush=True)
    return times


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.child:
        return child_main(args)
    baseline = run_baseline(args, argv) if args.baseline else {}
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.with_oca:
        ensure_oca()
    results = {}
    with tempfile.TemporaryDirectory() as work:
        for size in sizes:
            db = f"{args.db_prefix}_{size}"
            try:
                gen = {}
                with_oca = args.with_oca
                if not args.reuse:
                    with_oca = prepare(args, db, work)
                    print(f"[{db}] generating {size} invoices", flush=True)
                    gen = run_child(args, "generate", db, size)
                oca = None
                if with_oca:
                    print(f"[{db}] OCA compute credit lines", flush=True)
                    try:
                        oca = run_child(args, "oca", db)
                    except SystemExit as exc:
                        print(f"OCA compute credit lines failed: {exc}")
                if args.analyze:
                    print(f"[{db}] ANALYZE", flush=True)
                    shell('psql -d "$1" -qc ANALYZE', db)
                snapshot = f"{db}_data"
                if args.repeat > 1:
                    shell('drop_db "$2"; createdb -T "$1" "$2"', db, snapshot)
                runs = []
                for index in range(args.repeat):
                    if index:
                        shell('drop_db "$1" && createdb -T "$2" "$1"', db, snapshot)
                    print(f"[{db}] running the reminders ({index + 1})", flush=True)
                    runs.append(run_child(args, "run", db))
                res = min(runs, key=lambda run: run["seconds"])
                res["all_seconds"] = [run["seconds"] for run in runs]
                results[size] = res
                print_figures(size, gen, res, oca)
            finally:
                if args.repeat > 1:
                    shell('drop_db "$1"', f"{db}_data")
                if not args.keep:
                    shell('drop_db "$1"', db)
    print_comparison(results, baseline)
    return 0


def print_comparison(results, baseline):
    """The time ratios of the largest size to the smallest, and of this
    checkout to the baseline at each size (wall and CPU time, queries)."""
    if len(results) > 1:
        small, large = min(results), max(results)
        for key, label in (("seconds", "wall"), ("cpu_seconds", "CPU")):
            if results[small].get(key) and results[large].get(key):
                ratio = results[large][key] / results[small][key]
                print(
                    f"{label} time ratio {large}/{small} invoices: {ratio:.2f} "
                    f"(data ratio {large / small:.2f})"
                )
    for size, base in sorted(baseline.items()):
        if size not in results:
            continue
        for key, label in (("seconds", "wall"), ("cpu_seconds", "CPU")):
            if base.get(key) and results[size].get(key):
                print(
                    f"{size} invoices, {label} time: baseline {base[key]:.2f} s, "
                    f"this checkout {results[size][key]:.2f} s "
                    f"(ratio {results[size][key] / base[key]:.2f})"
                )
        if "per50" in base:
            invoices = results[size]["invoices"]
            print(
                f"{size} invoices, queries outside rendering per 50 invoices: "
                f"baseline {base['per50']:.2f}, this checkout "
                f"{results[size]['other_queries'] / invoices * 50:.2f}"
            )


if __name__ == "__main__":
    sys.exit(main())
