"""A database created with demo data shows the addon at work: Odoo installs
invoice_dispute with the demo files of its manifest on a copy of the template
database that holds account, mail and portal with their demo data
(``DEMO_DEPS_DB``, made once by scripts/test.sh), and the demo disputes,
proposals, payment plans, promises to pay and reminders are there in every
state.

The install runs in another Odoo process, as a user would create the
database, bounded by a timeout; the database is dropped afterwards.
"""

import os
import re
import shutil
import subprocess
import sys
import uuid

import psycopg2
import pytest

from odoo.tools import config

INSTALL_TIMEOUT = 600  # seconds; the install takes about a minute
STATES = {
    "invoice_dispute": (
        "state",
        {"new", "investigating", "proposed", "agreed", "resolved", "rejected"}
        | {"cancelled"},
    ),
    "invoice_dispute_proposal": (
        "state",
        {"draft", "to_approve", "approved", "sent", "accepted", "declined"}
        | {"expired", "cancelled"},
    ),
    "invoice_payment_plan": (
        "state",
        {"draft", "proposed", "active", "completed", "broken", "cancelled"},
    ),
    "invoice_payment_promise": ("state", {"pending", "kept", "broken", "cancelled"}),
    "invoice_reminder_log": (
        "mail_state",
        {"outgoing", "sent", "received", "exception", "cancel"},
    ),
    "invoice_reminder_notice": (
        "state",
        {"draft", "queued", "sent", "failed", "withdrawn", "cancelled"},
    ),
}


def _connect(dbname):
    return psycopg2.connect(
        dbname=dbname,
        host=config["db_host"] or None,
        port=config["db_port"] or None,
        user=config["db_user"] or None,
        password=config["db_password"] or None,
        connect_timeout=10,
    )


def _odoo(db, *args, timeout):
    """Run Odoo's server command on ``db`` until it has initialised, with the
    addons path and database server of the test configuration."""
    options = [f"--addons-path={config['addons_path']}"]
    for key in ("db_host", "db_port", "db_user", "db_password"):
        if config[key]:
            options.append(f"--{key}={config[key]}")
    command = [sys.executable, "-m", "odoo", *options, "-d", db]
    command += [f"--db-filter=^{db}$", "--no-http", "--stop-after-init"]
    return subprocess.run(
        [*command, "--log-level=info", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _exists(cursor, db):
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
    return bool(cursor.fetchone())


@pytest.fixture
def demo_db():
    """A new database copied from the demo template, with its filestore;
    dropped afterwards."""
    template = os.environ.get("DEMO_DEPS_DB")
    if not template:
        pytest.fail(
            "DEMO_DEPS_DB is not set: run this test through scripts/test.sh, which "
            "creates the template database with Odoo's demo data"
        )
    db = f"invoice_dispute_demo_test_{uuid.uuid4().hex[:8]}"
    admin = _connect("postgres")
    admin.autocommit = True
    filestore = config.filestore(db)
    try:
        with admin.cursor() as cursor:
            assert _exists(cursor, template), f"no template database {template}"
            cursor.execute(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
        if os.path.isdir(config.filestore(template)):
            shutil.copytree(config.filestore(template), filestore)
        yield db
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{db}"')
        admin.close()
        shutil.rmtree(filestore, ignore_errors=True)


def test_demo_data_in_every_state(demo_db):
    result = _odoo(demo_db, "-i", "invoice_dispute", timeout=INSTALL_TIMEOUT)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    # Odoo logs a failing demo file and goes on without the demo data.
    problems = [
        line
        for line in log.splitlines()
        if re.search(r" (ERROR|CRITICAL) ", line) or "demo data failed" in line
    ]
    assert not problems, "\n".join(problems[:20]) + "\n" + log[-5000:]
    connection = _connect(demo_db)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT demo FROM ir_module_module WHERE name = 'invoice_dispute'"
        )
        assert cursor.fetchone() == (True,), "installed without its demo data"
        for table, (column, expected) in STATES.items():
            cursor.execute(f"SELECT DISTINCT {column} FROM {table}")
            found = {row[0] for row in cursor.fetchall()}
            assert found >= expected, f"{table}: no demo record {expected - found}"
        cursor.execute(
            """SELECT count(*) FROM account_move
                WHERE state = 'posted' AND move_type = 'out_invoice'
                  AND id IN (SELECT res_id FROM ir_model_data
                              WHERE module = 'invoice_dispute'
                                AND model = 'account.move')"""
        )
        assert cursor.fetchone()[0] == 24
    finally:
        connection.close()
