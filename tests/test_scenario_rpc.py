"""An integrator's round trip over XML-RPC against a real Odoo server.

The server is a separate process on a free localhost port, serving the test
database: what it must see (a collector, a customer, invoices) is committed in
a cursor of its own and removed at the end. Every wait is bounded, so that a
server that does not start or answer fails the test instead of hanging it.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import xmlrpc.client
from contextlib import closing, contextmanager

from odoo import Command, api, fields, sql_db
from odoo.modules.registry import Registry
from odoo.tools import config, format_amount

from .common import ScenarioCase

START_TIMEOUT = 120  # seconds for the server to load the registry and answer
CALL_TIMEOUT = 60  # seconds for one XML-RPC call
STOP_TIMEOUT = 20  # seconds for the server to stop before it is killed
LOCK_TIMEOUT = "20s"  # the committed setup and cleanup never wait longer


def free_port():
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TimeoutTransport(xmlrpc.client.Transport):
    """xmlrpc.client's transport, with a timeout on every call."""

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = CALL_TIMEOUT
        return connection


class TestScenarioRpc(ScenarioCase):
    @contextmanager
    def committed_env(self):
        """An environment on a cursor of its own (not the test's transaction,
        which is rolled back), committed at the end."""
        registry = Registry(self.env.cr.dbname)
        with registry.cursor() as cr:
            self.assertNotIsInstance(cr, sql_db.TestCursor)
            cr.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            yield api.Environment(cr, api.SUPERUSER_ID, {})

    def create_data(self):
        """Commit a collector, a customer and two posted invoices of 1,000.00;
        return their ids, the password and what the messages will say."""
        token = uuid.uuid4().hex[:8]
        password = f"rpc-{uuid.uuid4().hex}"
        with self.committed_env() as env:
            collector = env["res.users"].create(
                {
                    "name": f"RPC Collector {token}",
                    "login": f"rpc-collector-{token}",
                    "password": password,
                    "lang": "en_US",
                    "groups_id": [
                        Command.set(
                            [
                                env.ref("base.group_user").id,
                                env.ref("account.group_account_invoice").id,
                                env.ref(
                                    "invoice_dispute.group_invoice_dispute_user"
                                ).id,
                            ]
                        )
                    ],
                }
            )
            customer = env["res.partner"].create(
                {"name": f"RPC Customer {token}", "is_company": True}
            )
            invoices = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "invoice_date": fields.Date.today(),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    # two services: not possible duplicates
                                    "name": f"RPC service {i + 1}",
                                    "quantity": 1,
                                    "price_unit": 1000.0,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for i in range(2)
                ]
            )
            invoices.action_post()
            currency = invoices[0].currency_id
            data = {
                "db": env.cr.dbname,
                "login": collector.login,
                "password": password,
                "user_id": collector.id,
                "user_partner_id": collector.partner_id.id,
                "customer_id": customer.id,
                "invoice_ids": invoices.ids,
                "invoice_names": invoices.mapped("name"),
                "reason_id": env.ref("invoice_dispute.reason_pricing").id,
                "open": format_amount(env(context={"lang": "en_US"}), 1000.0, currency),
            }
        return data

    def remove_data(self, data):
        """Remove what create_data committed and what the server created."""
        with self.committed_env() as env:
            customer = env["res.partner"].browse(data["customer_id"])
            disputes = (
                env["invoice.dispute"]
                .with_context(active_test=False)
                .search([("partner_id", "=", customer.id)])
            )
            disputes.filtered(
                lambda d: d.state not in ("new", "cancelled")
            ).action_cancel()
            disputes.unlink()
            invoices = env["account.move"].browse(data["invoice_ids"])
            invoices.button_draft()
            invoices.with_context(force_delete=True).unlink()
            env["res.users"].browse(data["user_id"]).unlink()
            env["res.partner"].browse(
                [data["user_partner_id"], data["customer_id"]]
            ).unlink()

    @contextmanager
    def server(self, db):
        """A real Odoo server on a free port for ``db``; yields its URL."""
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={config['addons_path']}",
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            "--workers=0",
            "--max-cron-threads=0",
            "--log-level=warn",
            "-d",
            db,
            f"--db-filter=^{db}$",
        ]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config[option]:
                command.append(f"--{option}={config[option]}")
        with tempfile.TemporaryFile("w+") as log:
            process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            url = f"http://127.0.0.1:{port}"
            try:
                self.wait_ready(url, process, log)
                yield url
            finally:
                self.stop(process)

    def wait_ready(self, url, process, log):
        common = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/common", transport=TimeoutTransport()
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                common.version()
                return
            except OSError:
                time.sleep(0.5)
        log.seek(0)
        self.fail(
            f"the Odoo server did not answer on {url} within {START_TIMEOUT} s "
            f"(exit code {process.poll()}):\n{log.read()[-3000:]}"
        )

    def stop(self, process):
        if process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)

    def test_dispute_round_trip_over_xmlrpc(self):
        data = self.create_data()
        try:
            with self.server(data["db"]) as url:
                self.round_trip(url, data)
        finally:
            self.remove_data(data)
        with self.committed_env() as env:
            self.assertFalse(env["res.users"].browse(data["user_id"]).exists())
            self.assertFalse(
                env["account.move"].browse(data["invoice_ids"]).exists(),
                "the test leaves nothing behind",
            )

    def round_trip(self, url, data):
        db, password = data["db"], data["password"]
        transport = TimeoutTransport()
        common = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/common", transport=transport
        )
        uid = common.authenticate(db, data["login"], password, {})
        self.assertEqual(uid, data["user_id"])
        models = xmlrpc.client.ServerProxy(
            f"{url}/xmlrpc/2/object", transport=TimeoutTransport(), allow_none=True
        )

        def call(model, method, *args, **kwargs):
            return models.execute_kw(
                db, uid, password, model, method, list(args), kwargs
            )

        first, second = data["invoice_ids"]
        dispute_id = call(
            "invoice.dispute",
            "create",
            {
                "partner_id": data["customer_id"],
                "reason_id": data["reason_id"],
                "customer_statement": "<p>The price is not what was quoted.</p>",
                # Plain tuples: Odoo's Command enum does not go over XML-RPC.
                "line_ids": [(0, 0, {"move_id": first, "disputed_amount": 150.0})],
            },
        )
        self.assertTrue(
            call("invoice.dispute", "action_start_investigation", [dispute_id])
        )
        [dispute] = call(
            "invoice.dispute",
            "read",
            [dispute_id],
            fields=["name", "state", "amount_disputed", "partner_id"],
        )
        self.assertEqual(dispute["state"], "investigating")
        self.assertTrue(dispute["name"].startswith("DSP/"), dispute["name"])
        self.assertEqual(dispute["amount_disputed"], 150.0)
        self.assertEqual(dispute["partner_id"][0], data["customer_id"])

        # A refusal is a clean fault that names the invoice and the amounts,
        # formatted with the currency, and leaves nothing behind.
        with self.assertRaises(xmlrpc.client.Fault) as cm:
            call(
                "invoice.dispute",
                "create",
                {
                    "partner_id": data["customer_id"],
                    "reason_id": data["reason_id"],
                    "line_ids": [
                        (0, 0, {"move_id": second, "disputed_amount": 5000.0})
                    ],
                },
            )
        # Code 2: a UserError/ValidationError (warning), not a server error.
        self.assertEqual(cm.exception.faultCode, 2)
        fault = cm.exception.faultString
        self.assertIn("exceeds what is still open", fault)
        self.assertIn(data["invoice_names"][1], fault)
        self.assertIn(data["open"], fault)
        self.assertNotIn("Traceback", fault)
        self.assertNotIn("DSP/", fault.replace(dispute["name"], ""))
        self.assertEqual(
            call(
                "invoice.dispute",
                "search_count",
                [("partner_id", "=", data["customer_id"])],
            ),
            1,
        )
