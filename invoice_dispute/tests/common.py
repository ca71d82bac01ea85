import importlib.util
import itertools
import threading
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psutil

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# Groups of test users: an invoicing user who collects, or manages disputes.
COLLECTOR_GROUPS = (
    "invoice_dispute.group_invoice_dispute_user",
    "account.group_account_invoice",
)
MANAGER_GROUPS = (
    "invoice_dispute.group_invoice_dispute_manager",
    "account.group_account_invoice",
)


# Seconds an external program started by a test (wkhtmltopdf, LibreOffice)
# may take before it is killed and the test fails.
EXTERNAL_PROCESS_TIMEOUT = 120
# Each test invoice gets its own line label: invoices of one customer with the
# same amount are not blocked as possible duplicates (invoice checks).
INVOICE_LABELS = itertools.count(1)


def load_migration(version, script):
    """A migration script of the addon, as a module, to run its functions.

    :param str version: the folder under ``migrations`` (e.g. "18.0.2.2.0")
    :param str script: "pre-migrate" or "post-migrate"
    :return: the loaded module
    """
    path = Path(__file__).parents[1] / "migrations" / version / f"{script}.py"
    name = f"invoice_dispute_{version.replace('.', '_')}_{script.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def external_process_timeout(testcase, what, seconds=EXTERNAL_PROCESS_TIMEOUT):
    """Bound the external programs that the block starts: the ones still
    running after ``seconds`` are killed and ``testcase`` fails saying that
    ``what`` hung, instead of the test run waiting forever (Odoo waits for
    wkhtmltopdf without a timeout; it hangs when the HTTP server it asks for
    the report's assets cannot answer)."""
    me = psutil.Process()
    before = {child.pid for child in me.children(recursive=True)}
    killed = []

    def kill_new_children():
        for child in me.children(recursive=True):
            if child.pid not in before:
                killed.append(child.name())
                child.kill()

    watchdog = threading.Timer(seconds, kill_new_children)
    watchdog.daemon = True
    watchdog.start()
    try:
        yield
    except Exception:
        if not killed:
            raise
    finally:
        watchdog.cancel()
    if killed:
        testcase.fail(
            f"{what} did not finish within {seconds} s and was killed "
            f"({', '.join(killed)}): a test that needs the HTTP server must be "
            "an HttpCase run post_install"
        )


def create_posted_invoice(env, partner, amount=100.0):
    """Post a customer invoice of ``partner`` of one untaxed "Service" line
    of ``amount`` in ``env``: for the tests that commit their data in a
    second cursor (``registry.cursor()``) to race two transactions.

    :param env: an environment on the second cursor
    :param partner: the customer (a record of that environment)
    :return: the posted ``account.move``
    """
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": fields.Date.today(),
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Service",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
    )
    invoice.action_post()
    return invoice


def delete_posted_invoices(moves):
    """Delete the posted ``moves`` a test committed with
    ``create_posted_invoice`` (and their credit notes, when the caller adds
    them): back to draft, never posted, deleted."""
    moves.button_draft()
    moves.posted_before = False
    moves.unlink()


class ConcurrencyCase(TransactionCase):
    """Two real database transactions at once (two requests, two runners):
    the records they race on are committed in a cursor of their own before
    each test and deleted in another after it, as the test's transaction
    never commits.

    A subclass creates its records in ``_set_up_committed(env)``, whose ids
    the test finds in ``self.ids`` (name -> list of ids), and deletes them in
    ``_clean_up_committed(env)`` (``env``: superuser, on that cursor); a test
    opens its two cursors with ``registry.cursor()``, gets
    their environments from ``env_of`` and races them with
    ``run_waiting_for``.
    """

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            records = self._set_up_committed(self.env_of(cr))
            self.ids = {name: record.ids for name, record in records.items()}
        self.addCleanup(self._clean_up)

    def _clean_up(self):
        with self.registry.cursor() as cr:
            self._clean_up_committed(self.env_of(cr))

    def _set_up_committed(self, env):
        """Create the records the test races on.

        :return: dict {name: recordset}, kept as ``self.ids``
        """
        raise NotImplementedError

    def _clean_up_committed(self, env):
        """Delete what ``_set_up_committed`` and the test committed."""
        raise NotImplementedError

    @staticmethod
    def env_of(cr):
        """A superuser environment on the cursor ``cr``."""
        return api.Environment(cr, SUPERUSER_ID, {})

    def run_waiting_for(self, cr1, target, msg):
        """Run ``target`` (no argument) in another thread, on the second
        transaction: assert that it waits (still running after 3 seconds)
        until the first transaction, on ``cr1``, commits, then ends (within a
        minute).

        :param cr1: the first transaction's cursor, committed here
        :param target: what the second transaction does
        :param str msg: the assertion's message when it does not wait
        :return: the exception ``target`` raised, or None
        """
        outcome = {}

        def run():
            try:
                target()
            except Exception as error:  # noqa: BLE001 - returned to the test
                outcome["error"] = error

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=3)
        self.assertTrue(thread.is_alive(), msg)
        cr1.commit()
        thread.join(timeout=60)
        self.assertFalse(thread.is_alive())
        return outcome.get("error")


class InvoiceDisputeCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=False, mail_notrack=False)
        )
        cls.today = fields.Date.context_today(cls.env.user)
        cls.reason_price = cls.env.ref("invoice_dispute.reason_pricing")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Van Dijk Bouw B.V.",
                "is_company": True,
                "email": "ap@vandijk.example.com",
                "lang": "en_US",
            }
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {
                "name": "Anne van Dijk",
                "parent_id": cls.customer.id,
                "email": "anne@vandijk.example.com",
            }
        )
        cls.invoice_1 = cls.create_invoice(cls.customer, 1000.0)
        cls.invoice_2 = cls.create_invoice(cls.customer, 500.0)
        cls.other_invoice = cls.create_invoice(cls.partner_a, 300.0)

    @classmethod
    def invoice_vals(cls, partner, amount, **vals):
        """Values of a customer invoice of one untaxed line of ``amount``."""
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": vals.pop("invoice_date", fields.Date.today()),
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": f"Consulting {next(INVOICE_LABELS)}",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
            **vals,
        }

    @classmethod
    def create_invoice(cls, partner, amount, post=True, **vals):
        invoice = cls.env["account.move"].create(
            cls.invoice_vals(partner, amount, **vals)
        )
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def create_dispute(cls, invoices=None, amounts=None, **vals):
        invoices = invoices if invoices is not None else cls.invoice_1
        amounts = amounts or [inv.amount_residual for inv in invoices]
        return cls.env["invoice.dispute"].create(
            {
                "partner_id": invoices[:1].commercial_partner_id.id or cls.customer.id,
                "reason_id": cls.reason_price.id,
                "customer_statement": "<p>The price is not what was quoted.</p>",
                "line_ids": [
                    Command.create({"move_id": inv.id, "disputed_amount": amount})
                    for inv, amount in zip(invoices, amounts, strict=True)
                ],
                **vals,
            }
        )

    @classmethod
    def create_user(cls, login, groups, company=None, **vals):
        """A user of ``company`` (the current one by default) with exactly
        ``groups`` (XML ids)."""
        company = company or cls.env.company
        return cls.env["res.users"].create(
            {
                "name": login.title(),
                "login": login,
                "email": f"{login}@example.com",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([cls.env.ref(g).id for g in groups])],
                **vals,
            }
        )

    @classmethod
    def create_portal_user(cls, login, partner, company=None):
        """A portal user of the contact ``partner`` (its name and email),
        with the password "<login>-Secret-123"."""
        return cls.create_user(
            login,
            ["base.group_portal"],
            company,
            name=partner.name,
            password=f"{login}-Secret-123",
            partner_id=partner.id,
            email=partner.email,
        )

    def create_active_plan(self, partner, dates, amount=100.0):
        """An active payment plan of ``partner`` paying ``amount`` on each of
        ``dates`` (created in its state, as generated data is)."""
        return self.env["invoice.payment.plan"]._create_in_state(
            {
                "partner_id": partner.id,
                "amount_total": amount * len(dates),
                "state": "active",
                "line_ids": [
                    Command.create({"date_due": date_due, "amount": amount})
                    for date_due in dates
                ],
            }
        )

    def make_plan(self, invoices=None, **vals):
        """A draft payment plan on ``invoices`` (default ``self.invoice_1``)
        for their customer: 2 monthly installments, the first a week after
        ``self.today``; ``vals`` override."""
        invoices = invoices or self.invoice_1
        return self.env["invoice.payment.plan"].create(
            {
                "partner_id": invoices.commercial_partner_id.id,
                "move_ids": [Command.set(invoices.ids)],
                "installment_count": 2,
                "interval": "monthly",
                "date_first": self.today + timedelta(days=7),
                **vals,
            }
        )

    def back_billing_vals(self, **vals):
        """Values of a back-billing of 100 over the last 90 days of
        ``self.customer``, told to them today, added to the next invoice."""
        today = fields.Date.context_today(self.env.user)
        return {
            "partner_id": self.customer.id,
            "amount": 100.0,
            "date_from": today - timedelta(days=90),
            "date_to": today - timedelta(days=1),
            "explanation": "Maintenance billed at half the agreed fee.",
            "method": "next_invoice",
            "customer_informed": True,
            "date_informed": today,
            **vals,
        }

    @contextmanager
    def assertRaisesRegex(self, exception, regex):
        """Like Odoo's assertRaises, and the message matches ``regex``. The
        refused call is rolled back to a savepoint, as the request's
        transaction would be: the checks that follow show what the user is
        left with, not whether the call wrote anything before raising."""
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), regex)

    def flush_tracking(self):
        """Write the pending tracking values, as a commit would."""
        self.env.flush_all()
        self.env.cr.precommit.run()
