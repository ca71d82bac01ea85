import base64
import io
import shutil
import subprocess
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

from freezegun import freeze_time
from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from ..report.invoice_dispute_management_pack import ManagementPackWriter
from .common import MANAGER_GROUPS, InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestManagementPack(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.setup_other_company()["company"]
        cls.date_from, cls.date_to = date(2024, 1, 1), date(2024, 3, 31)
        cls.reason_qty = cls.env.ref("invoice_dispute.reason_quantity")
        cls.person = cls.env["res.partner"].create(
            {"name": "Eva Novak", "email": "eva@example.com"}
        )
        # Ages on 2024-03-31 (due date = invoice date): 11, 45, 121 and 76 days.
        cls.inv_recent = cls.create_invoice(
            cls.customer,
            1000.0,
            invoice_date="2024-03-20",
            invoice_date_due="2024-03-20",
        )
        cls.inv_45 = cls.create_invoice(
            cls.customer,
            500.0,
            invoice_date="2024-02-15",
            invoice_date_due="2024-02-15",
        )
        cls.inv_old = cls.create_invoice(
            cls.customer,
            300.0,
            invoice_date="2023-12-01",
            invoice_date_due="2023-12-01",
        )
        cls.inv_person = cls.create_invoice(
            cls.person, 200.0, invoice_date="2024-01-15", invoice_date_due="2024-01-15"
        )
        cls.inv_paid = cls.create_invoice(
            cls.customer,
            150.0,
            invoice_date="2024-02-01",
            invoice_date_due="2024-02-01",
        )
        cls.d_open = cls.create_dispute(
            cls.inv_recent, [400.0], date_received="2024-03-21"
        )
        cls.d_resolved = cls.create_dispute(
            cls.inv_45,
            [500.0],
            date_received="2024-02-20",
            reason_id=cls.reason_qty.id,
        )
        with freeze_time("2024-03-01"):
            wizard = (
                cls.env["invoice.dispute.resolve.wizard"]
                .with_context(default_dispute_id=cls.d_resolved.id)
                .create(
                    {
                        "resolution_type": "credit_note",
                        "amount": 100.0,
                        "root_cause": "pricing_error",
                        "preventive_action": "Check the price list.",
                    }
                )
            )
            wizard.action_confirm()
        cls.d_person = cls.create_dispute(
            cls.inv_person,
            [200.0],
            date_received="2024-01-20",
            reason_id=cls.reason_qty.id,
        )
        # Received before the period and closed: not in the register.
        cls.d_before = cls.create_dispute(
            cls.inv_old, [50.0], date_received="2023-12-05"
        )
        cls.d_before.action_cancel()
        # The other company's data must never show for company 1.
        cls.foreign_customer, cls.foreign_invoice = cls.create_customer_invoice(
            "Foreign Customer AB", 700.0, "2024-03-01", company_id=cls.other_company.id
        )
        cls.foreign_dispute = cls.create_dispute(
            cls.foreign_invoice,
            [700.0],
            date_received="2024-03-02",
            company_id=cls.other_company.id,
            currency_id=cls.other_company.currency_id.id,
        )

        # Payment plans, promises and reminders (their skeleton fields only).
        # A plan over a 900 invoice: 300 paid on time, then unpaid (broken).
        cls.plan_customer, cls.inv_plan = cls.create_customer_invoice(
            "Plan Customer", 900.0, "2024-02-01"
        )
        cls.plan = cls.env["invoice.payment.plan"].create(
            {
                "partner_id": cls.plan_customer.id,
                "move_ids": [Command.set(cls.inv_plan.ids)],
                "amount_total": 900.0,
                "line_ids": [
                    Command.create({"date_due": "2024-03-05", "amount": 300.0}),
                    Command.create({"date_due": "2024-03-20", "amount": 300.0}),
                    Command.create({"date_due": "2024-04-20", "amount": 300.0}),
                ],
            }
        )
        cls.plan._force_state("active", {"amount_open_start": 900.0})
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.inv_plan.ids
        ).create({"payment_date": "2024-03-04", "amount": 300.0})._create_payments()
        cls.plan._force_state("broken")
        Promise = cls.env["invoice.payment.promise"]
        for amount, promised, state in (
            (100.0, "2024-02-10", "kept"),
            (50.0, "2024-03-10", "broken"),
            (70.0, "2024-03-30", "pending"),
            (80.0, "2024-04-10", "kept"),
        ):
            # a pending promise is recorded before its date, on open invoices
            with freeze_time("2024-03-20"):
                Promise._create_in_state(
                    {
                        "partner_id": cls.customer.id,
                        "move_ids": [Command.set(cls.inv_recent.ids)],
                        "amount": amount,
                        "date_promised": promised,
                        "state": state,
                    }
                )
        # Every company has the four default reminder rules.
        rule_1, rule_2 = cls.env["invoice.reminder.rule"].search(
            [("company_id", "=", cls.company.id), ("level", "in", (1, 2))],
            order="level",
        )
        cls.env["invoice.reminder.log"].create(
            [
                {"move_id": cls.inv_paid.id, "rule_id": rule_1.id, "level": 1},
                {"move_id": cls.inv_old.id, "rule_id": rule_1.id, "level": 1},
                {"move_id": cls.inv_45.id, "rule_id": rule_2.id, "level": 2},
            ]
        )
        cls.env["invoice.reminder.log"].search([]).write({"date": "2024-03-01"})
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.inv_paid.ids
        ).create({"payment_date": "2024-03-10"})._create_payments()

        cls.manager = cls.create_user(
            "pack_manager", MANAGER_GROUPS, name="Dispute Manager One"
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @classmethod
    def create_customer_invoice(cls, name, amount, date, **vals):
        """A new customer company ``name`` and its posted invoice of
        ``amount`` dated and due on ``date``.

        :return: (res.partner, account.move)
        """
        customer = cls.env["res.partner"].create({"name": name, "is_company": True})
        invoice = cls.create_invoice(
            customer, amount, invoice_date=date, invoice_date_due=date, **vals
        )
        return customer, invoice

    def export(
        self, user=None, companies=None, date_from=None, date_to=None, lang=None
    ):
        env = self.env(user=user) if user else self.env
        if lang:
            env = env(context=dict(env.context, lang=lang))
        if user:
            env = env(
                context=dict(env.context, allowed_company_ids=user.company_ids.ids)
            )
        wizard = env["invoice.dispute.export.wizard"].create(
            {
                "date_from": date_from or self.date_from,
                "date_to": date_to or self.date_to,
                "company_ids": [Command.set((companies or self.company).ids)],
            }
        )
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"/{wizard.id}/xlsx_file/", action["url"])
        self.assertTrue(wizard.xlsx_filename.endswith(".xlsx"))
        return base64.b64decode(wizard.xlsx_file)

    def load(self, data):
        return load_workbook(io.BytesIO(data))

    def table(self, sheet, header_row=1):
        """The rows of a sheet's table as dicts keyed by header."""
        rows = sheet.iter_rows(min_row=header_row, values_only=True)
        headers = next(rows)
        return [dict(zip(headers, row, strict=False)) for row in rows]

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_sheets_and_layout(self):
        book = self.load(self.export())
        self.assertEqual(
            book.sheetnames,
            [
                "Summary",
                "Disputes",
                "Root causes",
                "Aging",
                "Payment plans",
                "Promises",
                "Reminders",
                "Prevention",
            ],
        )
        register = book["Disputes"]
        self.assertEqual(register.freeze_panes, "A2")
        self.assertEqual(register.auto_filter.ref, "A1:P4")
        self.assertGreater(register.column_dimensions["C"].width, 20)
        self.assertEqual(book["Aging"].freeze_panes, "A4")

    def test_one_model_method_per_sheet(self):
        """The pack is the AbstractModel invoice.dispute.management.pack: one
        method per sheet, in the order of ``_get_sheets`` (what an addon
        extends to add a sheet); a workbook written with some of them has
        those sheets only."""
        Pack = self.env["invoice.dispute.management.pack"]
        self.assertEqual(len(Pack._get_sheets()), 8)
        self.assertEqual(
            self.load(
                Pack._build_pack(self.date_from, self.date_to, self.company)
            ).sheetnames[:2],
            ["Summary", "Disputes"],
        )
        with tempfile.TemporaryFile() as tmp:
            pack = ManagementPackWriter(
                self.env, self.date_from, self.date_to, self.company
            )
            workbook = pack.open(tmp)
            Pack._sheet_aging(pack)
            Pack._sheet_register(pack)
            workbook.close()
            tmp.seek(0)
            book = self.load(tmp.read())
        self.assertEqual(book.sheetnames, ["Aging", "Disputes"])
        names = {row["Number"] for row in self.table(book["Disputes"])}
        self.assertIn(self.d_open.name, names)

    def test_prevention_sheet(self):
        """The consumer without an address was flagged when invoiced, and
        disputed later; overriding the finding shows as overridden."""
        (finding,) = self.inv_person.check_finding_ids
        self.assertEqual(finding.rule_id.code, "b2c_contact_incomplete")
        finding.action_override(reason="Address given by phone.")
        sheet = self.load(self.export())["Prevention"]
        self.assertEqual(sheet.freeze_panes, "A2")
        rows = self.table(sheet)
        self.assertEqual(
            rows[0],
            {
                "Rule": "Consumer contact incomplete",
                "Findings": 1,
                "Blocking": 0,
                "Open": 0,
                "Overridden": 1,
                "Fixed": 0,
                "Invoices with findings": 1,
                "Disputed later": 1,
            },
        )
        causes = [
            row[:3] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]
        ]
        self.assertEqual(
            causes,
            [
                ("Invoices with findings disputed later, by root cause", None, None),
                ("Root cause", "Invoices", "Disputes"),
                ("Not analysed yet", 1, 1),
            ],
        )
        # one rule: the other company's findings are not in company 1's pack
        self.assertIsNone(rows[1]["Rule"])

    def test_register_values_and_types(self):
        book = self.load(self.export())
        sheet = book["Disputes"]
        rows = {row["Number"]: row for row in self.table(sheet)}
        expected = self.env["invoice.dispute"].search(
            [
                ("company_id", "=", self.company.id),
                ("date_received", "<=", self.date_to),
                "|",
                ("date_received", ">=", self.date_from),
                ("state", "in", ("new", "investigating", "proposed", "agreed")),
            ]
        )
        self.assertEqual(set(rows), set(expected.mapped("name")))
        self.assertNotIn(self.d_before.name, rows)
        for dispute in expected:
            row = rows[dispute.name]
            self.assertEqual(row["Disputed amount"], dispute.amount_disputed)
            self.assertEqual(row["Undisputed amount"], dispute.amount_undisputed)
            self.assertEqual(
                row["Received"], datetime(*dispute.date_received.timetuple()[:3])
            )
            self.assertEqual(row["Customer"], dispute.partner_id.name)
            self.assertEqual(row["Reason"], dispute.reason_id.name)
        resolved = rows[self.d_resolved.name]
        self.assertEqual(resolved["Status"], "Resolved")
        self.assertEqual(resolved["Root cause"], "Pricing error")
        self.assertEqual(resolved["Resolved on"], datetime(2024, 3, 1))
        self.assertEqual(resolved["Days open"], 10)
        self.assertEqual(resolved["Credit notes"], self.d_resolved.credit_note_ids.name)
        self.assertEqual(rows[self.d_person.name]["B2B/B2C"], "B2C")
        self.assertEqual(rows[self.d_open.name]["B2B/B2C"], "B2B")
        # Real cells: numbers are numbers, dates are dates.
        header = [cell.value for cell in sheet[1]]
        cells = sheet[2]
        for name in ("Disputed amount", "Undisputed amount", "Days open"):
            self.assertEqual(cells[header.index(name)].data_type, "n")
        for name in ("Received", "Deadline"):
            self.assertTrue(cells[header.index(name)].is_date)
        amount_cell = cells[header.index("Disputed amount")]
        self.assertIn(self.company.currency_id.symbol, amount_cell.number_format)

    def test_summary_kpis_and_charts(self):
        data = self.export()
        book = self.load(data)
        sheet = book["Summary"]
        kpis = {
            row[0]: row[1]
            for row in sheet.iter_rows(min_row=6, max_row=25, values_only=True)
            if row[0]
        }
        self.assertEqual(sheet.cell(5, 2).value, self.company.name)
        self.assertIsNone(sheet.cell(5, 3).value, "only the chosen company")
        Dispute = self.env["invoice.dispute"]
        company = [("company_id", "=", self.company.id)]
        opened = Dispute.search(
            company
            + [
                ("date_received", ">=", self.date_from),
                ("date_received", "<=", self.date_to),
            ]
        )
        self.assertEqual(kpis["Disputes opened"], len(opened))
        self.assertEqual(kpis["Disputes resolved"], 1)
        self.assertEqual(kpis["Disputes open at the end of the period"], 2)
        self.assertEqual(
            kpis["Disputed amount (disputes opened)"],
            sum(opened.mapped("amount_disputed")),
        )
        self.assertEqual(kpis["Average days to resolve"], 10)
        self.assertEqual(kpis["Share resolved within the SLA"], 1.0)
        self.assertEqual(kpis["Credit notes issued"], 1)
        self.assertEqual(kpis["Credit notes issued (amount)"], 100.0)
        self.assertEqual(kpis["Amount recovered through payment plans"], 300.0)
        self.assertEqual(kpis["Promises kept ratio"], 0.5)
        self.assertEqual(kpis["Reminders sent, level 1"], 2)
        self.assertEqual(kpis["Reminders sent, level 2"], 1)
        # Disputes by reason: counted per reason as the database says.
        values = list(sheet.iter_rows(values_only=True))
        start = next(i for i, row in enumerate(values) if row[0] == "Reason")
        by_reason = {}
        for row in values[start + 1 :]:
            if not row[0]:
                break
            by_reason[row[0]] = row[1]
        groups = Dispute._read_group(
            company
            + [
                ("date_received", ">=", self.date_from),
                ("date_received", "<=", self.date_to),
            ],
            ["reason_id"],
            ["__count"],
        )
        self.assertEqual(by_reason, {reason.name: count for reason, count in groups})
        # Amount per month: real month dates and currency numbers.
        start = next(i for i, row in enumerate(values) if row[0] == "Month")
        months = {row[0]: row[1] for row in values[start + 1 : start + 4]}
        self.assertEqual(
            months,
            {
                datetime(2024, 1, 1): 200.0,
                datetime(2024, 2, 1): 500.0,
                datetime(2024, 3, 1): 400.0,
            },
        )
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            charts = [
                name
                for name in archive.namelist()
                if name.startswith("xl/charts/chart") and name.endswith(".xml")
            ]
        self.assertEqual(
            len(charts), 4, "by reason, per month, B2B vs B2C; prevention findings"
        )

    def test_root_causes(self):
        book = self.load(self.export())
        rows = self.table(book["Root causes"])
        self.assertEqual(sum(row["Disputes"] for row in rows), 3)
        pricing = [row for row in rows if row["Root cause"] == "Pricing error"]
        self.assertEqual(len(pricing), 1)
        self.assertEqual(pricing[0]["Month"], datetime(2024, 2, 1))
        self.assertEqual(pricing[0]["Reason"], self.reason_qty.name)
        self.assertEqual(pricing[0]["B2B disputes"], 1)
        self.assertEqual(pricing[0]["B2B amount"], 500.0)
        self.assertEqual(pricing[0]["Preventive actions"], "Check the price list.")
        b2c = [row for row in rows if row["B2C disputes"]]
        self.assertEqual(len(b2c), 1)
        self.assertEqual(b2c[0]["B2C amount"], 200.0)
        self.assertEqual(b2c[0]["Root cause"], "Not analysed yet")

    def test_aging_buckets(self):
        book = self.load(self.export())
        rows = {row["Customer"]: row for row in self.table(book["Aging"], 3)}
        self.assertEqual(
            set(rows),
            {self.customer.name, self.person.name, self.plan_customer.name},
        )
        customer = rows[self.customer.name]
        self.assertEqual(customer["Disputed 1-30"], self.d_open.amount_disputed)
        self.assertEqual(
            customer["Undisputed 1-30"],
            self.inv_recent.amount_residual - self.d_open.amount_disputed,
        )
        # The resolved dispute no longer holds anything back.
        self.assertEqual(customer["Disputed 31-60"], 0.0)
        self.assertEqual(customer["Undisputed 31-60"], self.inv_45.amount_residual)
        self.assertEqual(customer["Undisputed 90+"], self.inv_old.amount_residual)
        self.assertEqual(
            customer["Total"],
            sum(
                (self.inv_recent | self.inv_45 | self.inv_old).mapped("amount_residual")
            ),
        )
        person = rows[self.person.name]
        self.assertEqual(person["Disputed 61-90"], self.inv_person.amount_residual)
        self.assertEqual(person["Undisputed total"], 0.0)
        self.assertEqual(book["Aging"]["C4"].data_type, "n")
        self.assertEqual(customer["Disputed Not due"], 0.0)
        self.assertEqual(customer["Undisputed Not due"], 0.0)

    def test_aging_not_due_apart(self):
        """The aging's buckets are the statement's (``AGING_BUCKETS``): an
        invoice not due yet on the period end is not due, not in 1-30 days
        overdue, and one due on the period end is not overdue either."""
        early = self.env["res.partner"].create(
            {"name": "Early Bird", "is_company": True}
        )
        self.create_invoice(
            early, 700.0, invoice_date="2024-03-25", invoice_date_due="2024-04-24"
        )
        self.create_invoice(
            early, 40.0, invoice_date="2024-03-01", invoice_date_due="2024-03-31"
        )
        self.create_invoice(
            early, 60.0, invoice_date="2024-03-01", invoice_date_due="2024-03-30"
        )
        book = self.load(self.export())
        row = {r["Customer"]: r for r in self.table(book["Aging"], 3)}[early.name]
        self.assertEqual(row["Undisputed Not due"], 740.0)
        self.assertEqual(row["Undisputed 1-30"], 60.0)
        self.assertEqual(row["Total"], 800.0)
        self.assertEqual(
            early._get_customer_statement_data(date(2024, 3, 31))[
                self.env.company.currency_id
            ]["aging"],
            {
                "current": 740.0,
                "1_30": 60.0,
                "31_60": 0.0,
                "61_90": 0.0,
                "over_90": 0.0,
            },
        )

    def test_aging_as_of_the_period_end(self):
        """The aging shows the receivables as they were on the period end:
        a payment and a dispute decision after it change nothing there."""
        late = self.env["res.partner"].create(
            {"name": "Late Payer", "is_company": True}
        )
        invoice = self.create_invoice(
            late, 400.0, invoice_date="2024-03-10", invoice_date_due="2024-03-10"
        )
        dispute = self.create_dispute(invoice, [150.0], date_received="2024-03-12")
        with freeze_time("2024-04-05"):
            dispute.action_reject()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": "2024-04-10"})._create_payments()
        self.assertFalse(invoice.amount_residual)
        book = self.load(self.export())
        rows = {row["Customer"]: row for row in self.table(book["Aging"], 3)}
        row = rows[late.name]
        self.assertEqual(row["Disputed 1-30"], 150.0)
        self.assertEqual(row["Undisputed 1-30"], 250.0)
        self.assertEqual(row["Total"], 400.0)
        # April's aging: paid, gone; a plan paid in part keeps the rest open
        book = self.load(
            self.export(date_from=date(2024, 4, 1), date_to=date(2024, 4, 30))
        )
        rows = {row["Customer"]: row for row in self.table(book["Aging"], 3)}
        self.assertNotIn(late.name, rows)
        self.assertEqual(rows[self.plan_customer.name]["Total"], 600.0)

    def test_plans_promises_reminders(self):
        book = self.load(self.export())
        (plan,) = self.table(book["Payment plans"])
        self.assertEqual(plan["Customer"], self.plan_customer.name)
        self.assertEqual(plan["Status"], "Broken")
        self.assertEqual((plan["Installments"], plan["Due in period"]), (3, 2))
        self.assertEqual((plan["Paid on time"], plan["Late"]), (1, 1))
        self.assertEqual(plan["Amount paid"], 300.0)
        (promises,) = self.table(book["Promises"])
        self.assertEqual(promises["Collector"], self.env.user.name)
        self.assertEqual(
            (promises["Promises"], promises["Kept"], promises["Broken"]), (3, 1, 1)
        )
        self.assertEqual(promises["Amount promised"], 220.0)
        self.assertEqual(promises["Kept ratio"], 0.5)
        reminders = {row["Level"]: row for row in self.table(book["Reminders"])}
        self.assertEqual(reminders[1]["Reminders sent"], 2)
        self.assertEqual(reminders[1]["Paid within 14 days"], 1)
        self.assertEqual(reminders[1]["Paid ratio"], 0.5)
        self.assertEqual(reminders[2]["Paid within 14 days"], 0)

    def test_reminder_paid_means_money_received(self):
        """An invoice whose rest a credit note settled after its reminder was
        not paid after the reminder (its money came before it); one paid by a
        payment after the reminder was (SPEC §10, paid means money
        received)."""
        rule_3 = self.env["invoice.reminder.rule"].search(
            [("company_id", "=", self.company.id), ("level", "=", 3)], limit=1
        )
        by_credit_note, by_payment = (
            self.create_invoice(
                self.customer,
                400.0,
                invoice_date="2024-02-01",
                invoice_date_due="2024-02-01",
            )
            for __ in range(2)
        )
        # 100 paid before the reminder, the rest credited after it
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=by_credit_note.ids
        ).create({"payment_date": "2024-02-20", "amount": 100.0})._create_payments()
        self.env["invoice.reminder.log"].create(
            [
                {"move_id": invoice.id, "rule_id": rule_3.id, "level": 3}
                for invoice in (by_credit_note, by_payment)
            ]
        ).write({"date": "2024-03-01"})
        refund = self.create_invoice(
            self.customer, 300.0, move_type="out_refund", invoice_date="2024-03-05"
        )
        (
            refund._invoice_dispute_receivable_lines()
            | by_credit_note._invoice_dispute_receivable_lines()
        ).reconcile()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=by_payment.ids
        ).create({"payment_date": "2024-03-05"})._create_payments()
        for invoice in (by_credit_note, by_payment):
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        book = self.load(self.export())
        reminders = {row["Level"]: row for row in self.table(book["Reminders"])}
        self.assertEqual(reminders[3]["Reminders sent"], 2)
        self.assertEqual(reminders[3]["Paid within 14 days"], 1)
        self.assertEqual(reminders[3]["Paid ratio"], 0.5)

    def summary_kpis(self, book):
        return {
            row[0]: row[1]
            for row in book["Summary"].iter_rows(
                min_row=6, max_row=25, values_only=True
            )
            if row[0]
        }

    def test_sheets_report_the_period_end(self):
        """October's pack shows a dispute resolved on 30 November as open,
        like its Summary; November's lists the plans active and the promises
        pending at its end (issue 17, point 6)."""
        customer = self.env["res.partner"].create(
            {"name": "Autumn Customer", "is_company": True}
        )
        invoice = self.create_invoice(
            customer, 800.0, invoice_date="2024-09-15", invoice_date_due="2024-09-30"
        )
        dispute = self.create_dispute(invoice, [200.0], date_received="2024-10-05")
        with freeze_time("2024-11-30"):
            self.env["invoice.dispute.resolve.wizard"].with_context(
                default_dispute_id=dispute.id
            ).create(
                {"resolution_type": "credit_note", "amount": 200.0}
            ).action_confirm()
        plan = self.env["invoice.payment.plan"].create(
            {
                "partner_id": customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount_total": 600.0,
                "line_ids": [
                    Command.create({"date_due": "2024-12-15", "amount": 300.0}),
                    Command.create({"date_due": "2025-01-15", "amount": 300.0}),
                ],
            }
        )
        plan._force_state(
            "active", {"amount_open_start": 600.0, "date_activated": "2024-10-20"}
        )
        with freeze_time("2024-11-20"):
            Promise = self.env["invoice.payment.promise"]
            pending = Promise._create_in_state(
                {
                    "partner_id": customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "amount": 100.0,
                    "date_promised": "2024-12-05",
                    "state": "pending",
                }
            )
            kept_later = Promise._create_in_state(
                {
                    "partner_id": customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "amount": 50.0,
                    "date_promised": "2024-11-28",
                    "state": "kept",
                    "date_settled": "2024-12-03",
                }
            )
        # recorded on 20 November (the database stamps the real time)
        self.env.cr.execute(
            SQL(
                "UPDATE invoice_payment_promise SET create_date = %s WHERE id IN %s",
                "2024-11-20 10:00",
                (pending | kept_later)._ids,
            )
        )
        (pending | kept_later).invalidate_recordset(["create_date"])
        october = self.load(
            self.export(date_from=date(2024, 10, 1), date_to=date(2024, 10, 31))
        )
        rows = {row["Number"]: row for row in self.table(october["Disputes"])}
        row = rows[dispute.name]
        self.assertEqual(row["Status"], "Open at period end")
        self.assertIsNone(row["Resolved on"])
        self.assertIsNone(row["Resolution"])
        kpis = self.summary_kpis(october)
        self.assertEqual(kpis["Disputes resolved"], 0)
        # the register and the Summary agree on what was open at the end
        open_labels = {"New", "Investigating", "Proposed", "Agreed"}
        open_labels.add("Open at period end")
        self.assertEqual(
            kpis["Disputes open at the end of the period"],
            sum(row["Status"] in open_labels for row in rows.values()),
        )
        november = self.load(
            self.export(date_from=date(2024, 11, 1), date_to=date(2024, 11, 30))
        )
        rows = {row["Number"]: row for row in self.table(november["Disputes"])}
        self.assertEqual(rows[dispute.name]["Status"], "Resolved")
        self.assertEqual(self.summary_kpis(november)["Disputes resolved"], 1)
        plans = {row["Plan"]: row for row in self.table(november["Payment plans"])}
        self.assertEqual(plans[plan.name]["Status"], "Active")
        self.assertEqual(plans[plan.name]["Due in period"], 0)
        promises = {row["Customer"]: row for row in self.table(november["Promises"])}
        row = promises[customer.name]
        # both pending at the end of November: one kept only in December
        self.assertEqual((row["Promises"], row["Pending"], row["Kept"]), (2, 2, 0))

    def test_user_of_one_company(self):
        """The manager of company 1 asks for both companies: only company 1."""
        data = self.export(
            user=self.manager, companies=self.company | self.other_company
        )
        book = self.load(data)
        names = {row["Number"] for row in self.table(book["Disputes"])}
        self.assertIn(self.d_open.name, names)
        self.assertNotIn(self.foreign_dispute.name, names)
        companies = {
            row["Company"]
            for sheet in ("Disputes", "Aging", "Root causes")
            for row in self.table(book[sheet], 3 if sheet == "Aging" else 1)
        }
        self.assertEqual(companies, {self.company.name})
        self.assertNotIn(
            self.foreign_customer.name,
            {row["Customer"] for row in self.table(book["Aging"], 3)},
        )
        # The record rules apply even when the builder is asked for a company
        # the user cannot see.
        with tempfile.TemporaryFile() as tmp:
            self.env(user=self.manager)["invoice.dispute.management.pack"]._write_pack(
                tmp, self.date_from, self.date_to, self.company | self.other_company
            )
            tmp.seek(0)
            book = self.load(tmp.read())
        names = {row["Number"] for row in self.table(book["Disputes"])}
        self.assertNotIn(self.foreign_dispute.name, names)
        self.assertIn(self.d_open.name, names)
        # Both companies for a user working in both.
        both = self.load(self.export(companies=self.company | self.other_company))
        names = {row["Number"] for row in self.table(both["Disputes"])}
        self.assertIn(self.foreign_dispute.name, names)
        foreign = [
            row for row in self.table(both["Disputes"]) if row["Company"] == "company_2"
        ]
        self.assertEqual(foreign[0]["Disputed amount"], 700.0)

    def test_wizard_form_and_errors(self):
        with freeze_time("2024-04-10"):
            form = Form(self.env["invoice.dispute.export.wizard"])
            self.assertEqual(form.date_from, date(2024, 3, 1))
            self.assertEqual(form.date_to, date(2024, 3, 31))
            wizard = form.save()
        self.assertEqual(wizard.company_ids, self.env.companies)
        with self.assertRaisesRegex(
            ValidationError, r"From: 2024-05-01.*To: 2024-03-31"
        ):
            wizard.write({"date_from": "2024-05-01"})
        wizard = (
            self.env["invoice.dispute.export.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                    "company_ids": [Command.set(self.other_company.ids)],
                }
            )
        )
        with self.assertRaisesRegex(UserError, "company_2"):
            wizard.action_export()
        self.assertFalse(wizard.xlsx_file)

    def test_user_language_formats(self):
        """Dates use the date format of the user's language."""
        self.env["res.lang"]._activate_lang("nl_NL")
        book = self.load(self.export(lang="nl_NL"))
        (sheet,) = [ws for ws in book.worksheets if ws.max_column == 16]
        self.assertEqual(sheet["H2"].number_format, "dd-mm-yyyy")
        self.assertTrue(sheet["H2"].is_date)

    def test_query_count_independent_of_rows(self):
        """Rows are streamed from aggregated queries: more disputes, same
        number of queries."""
        pack = self.env["invoice.dispute.management.pack"]

        def count_queries():
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            pack._build_pack(self.date_from, self.date_to, self.company)
            return self.env.cr.sql_log_count - before

        count_queries()  # warm the caches
        baseline = count_queries()
        for day in range(1, 8):
            invoice = self.create_invoice(
                self.customer,
                100.0 + day,
                invoice_date=f"2024-03-{day:02d}",
                invoice_date_due=f"2024-03-{day:02d}",
            )
            self.create_dispute(invoice, date_received=f"2024-03-{day:02d}")
        self.assertEqual(count_queries(), baseline)

    def test_empty_period(self):
        book = self.load(
            self.export(date_from=date(2020, 1, 1), date_to=date(2020, 1, 31))
        )
        self.assertEqual(self.table(book["Disputes"]), [])
        self.assertEqual(book["Summary"]["B6"].value, 0)

    def test_cron_mails_pack_to_managers(self):
        with freeze_time("2024-04-02"):
            cron = self.env.ref("invoice_dispute.ir_cron_management_report")
            # on the management pack's model, not on the transient wizard
            self.assertEqual(cron.model_id.model, "invoice.dispute.management.pack")
            cron.method_direct_trigger()
            Pack = self.env["invoice.dispute.management.pack"]
            while Pack._cron_management_report():
                pass
            mails = self.env["mail.mail"].search(
                [("recipient_ids", "in", self.manager.partner_id.ids)]
            )
            self.assertEqual(len(mails), 1, "one pack for the manager's company")
            self.assertIn("2024-03", mails.subject)
            self.assertIn(self.company.name, mails.subject)
            (attachment,) = mails.attachment_ids
            self.assertTrue(attachment.name.endswith(".xlsx"))
            book = self.load(attachment.raw)
            rows = self.table(book["Disputes"])
            self.assertEqual(
                {row["Number"] for row in rows},
                {self.d_open.name, self.d_resolved.name, self.d_person.name},
            )
            self.assertEqual({row["Company"] for row in rows}, {self.company.name})
            # Run again: nothing is sent twice.
            Pack._cron_management_report(batch_size=10)
            self.assertEqual(
                self.env["mail.mail"].search_count(
                    [("recipient_ids", "in", self.manager.partner_id.ids)]
                ),
                1,
            )

    def test_libreoffice_converts(self):
        office = shutil.which("libreoffice") or shutil.which("soffice")
        if not office:
            self.skipTest(
                "LibreOffice (libreoffice/soffice) is not on PATH: install the "
                "Debian package libreoffice-calc to check the headless conversion."
            )
        data = self.export()
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "pack.xlsx"
            source.write_bytes(data)
            result = subprocess.run(
                [
                    office,
                    "--headless",
                    f"-env:UserInstallation=file://{tmp}/profile",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(source),
                ],
                capture_output=True,
                timeout=180,
                check=False,
            )
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertGreater((Path(tmp) / "pack.pdf").stat().st_size, 0)
