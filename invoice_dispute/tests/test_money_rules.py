"""Money is right (SPEC §10): currency from the invoices, only money counts as
paid, the rules live in the model. Everything through the ORM, as an import
or an integration would, and the wizards through Form."""

import io
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from ..report.invoice_dispute_management_pack import ManagementPackWriter
from . import test_dispute_portal as portal_tests
from .common import InvoiceDisputeCommon


class MoneyCommon(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.env.company.currency_id
        # 1 EUR = 2 USD: Odoo's rate is EUR per 1 USD.
        cls.eur = cls.setup_other_currency("EUR", rates=[("2000-01-01", 0.5)])
        cls.cron = cls.env.ref("invoice_dispute.ir_cron_check_promises_and_plans")
        cls.today = fields.Date.context_today(cls.env.user)
        cls.invoice_eur = cls.create_invoice(
            cls.customer, 1000.0, currency_id=cls.eur.id
        )

    def pay(self, invoice, amount):
        """Register a payment (bank journal) of ``amount`` in the invoice's
        currency."""
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "currency_id": invoice.currency_id.id})
            ._create_payments()
        )

    def credit(self, invoice, amount):
        """A posted credit note of ``amount`` reconciled with ``invoice``."""
        refund = self.create_invoice(
            invoice.partner_id,
            amount,
            move_type="out_refund",
            currency_id=invoice.currency_id.id,
        )
        self.reconcile(refund, invoice)
        return refund

    def write_off(self, invoice, amount):
        """A misc entry writing ``amount`` of ``invoice`` off to an expense
        account, reconciled with it."""
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        balance = invoice.currency_id._convert(
            amount, self.usd, invoice.company_id, invoice.date
        )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": receivable.account_id.id,
                            "partner_id": invoice.commercial_partner_id.id,
                            "currency_id": invoice.currency_id.id,
                            "amount_currency": -amount,
                            "balance": -balance,
                        }
                    ),
                    Command.create(
                        {
                            "account_id": self.company_data[
                                "default_account_expense"
                            ].id,
                            "currency_id": invoice.currency_id.id,
                            "amount_currency": amount,
                            "balance": balance,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        self.reconcile(entry, invoice)
        return entry

    def reconcile(self, entry, invoice):
        (
            entry._invoice_dispute_receivable_lines()
            | invoice._invoice_dispute_receivable_lines()
        ).reconcile()

    def make_promise(self, invoice, amount, **vals):
        return self.env["invoice.payment.promise"].create(
            {
                "partner_id": invoice.commercial_partner_id.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": amount,
                "date_promised": self.today + timedelta(days=5),
                **vals,
            }
        )


@tagged("post_install", "-at_install")
class TestCurrencyFromInvoices(MoneyCommon):
    def test_company_currency_is_usd(self):
        self.assertEqual(self.usd.name, "USD")
        self.assertEqual(self.invoice_eur.amount_residual, 1000.0)
        self.assertEqual(self.invoice_eur.amount_residual_signed, 2000.0)

    def test_payment_plan_in_invoice_currency_and_its_email(self):
        plan = self.make_plan(self.invoice_eur)
        self.assertEqual(plan.currency_id, self.eur)
        self.assertEqual(plan.amount_total, 1000.0)
        plan.action_activate()
        self.assertEqual(plan.line_ids.currency_id, self.eur)
        self.assertEqual(plan.line_ids.mapped("amount"), [500.0, 500.0])
        email = plan.message_ids.filtered(
            lambda m: m.message_type == "comment" and "schedule" in (m.body or "")
        )[:1]
        self.assertTrue(email, "the schedule is emailed")
        self.assertIn("€", email.body)
        self.assertIn("1,000.00", email.body)
        self.assertNotIn("$", email.body)

    def test_every_document_takes_the_invoices_currency(self):
        dispute = self.create_dispute(self.invoice_eur, amounts=[400.0])
        self.assertEqual(dispute.currency_id, self.eur)
        self.assertEqual(dispute.line_ids.currency_id, self.eur)
        proposal = self.env["invoice.dispute.proposal"].create(
            {"dispute_id": dispute.id, "kind": "discount", "amount": 100.0}
        )
        self.assertEqual(proposal.currency_id, self.eur)
        promise = self.make_promise(self.invoice_eur, 300.0)
        self.assertEqual(promise.currency_id, self.eur)
        self.assertEqual(promise.amount_open_start, 1000.0)
        # from the invoice's buttons (the form), no currency given either
        action = self.invoice_eur.action_new_payment_promise()
        self.assertNotIn("default_currency_id", action["context"])
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.date_promised = self.today + timedelta(days=3)
        self.assertEqual(form.save().currency_id, self.eur)

    def test_another_currency_than_the_invoices_refused(self):
        promises = self.env["invoice.payment.promise"].search_count([])
        with self.assertRaisesRegex(ValidationError, "its currency is the invoices'"):
            self.make_promise(self.invoice_eur, 300.0, currency_id=self.usd.id)
        self.assertEqual(self.env["invoice.payment.promise"].search_count([]), promises)
        with self.assertRaisesRegex(ValidationError, "its currency is the invoices'"):
            self.make_plan(self.invoice_eur, currency_id=self.usd.id)
        with self.assertRaisesRegex(ValidationError, "its currency is the invoices'"):
            self.create_dispute(self.invoice_eur, currency_id=self.usd.id)

    def test_mixing_currencies_refused(self):
        both = self.invoice_1 | self.invoice_eur
        counts = {
            model: self.env[model].search_count([])
            for model in (
                "invoice.dispute",
                "invoice.dispute.proposal",
                "invoice.payment.plan",
                "invoice.payment.promise",
            )
        }
        with self.assertRaisesRegex(ValidationError, "one currency"):
            self.create_dispute(both)
        with self.assertRaisesRegex(ValidationError, "one currency"):
            self.make_promise(both, 100.0)
        with self.assertRaisesRegex(ValidationError, "one currency"):
            self.make_plan(both)
        with self.assertRaisesRegex(ValidationError, "one currency"):
            self.env["invoice.dispute.proposal"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(both.ids)],
                    "kind": "discount",
                    "amount": 10.0,
                }
            )
        for model, count in counts.items():
            self.assertEqual(self.env[model].search_count([]), count, model)
        # adding an invoice of another currency later is refused as well
        promise = self.make_promise(self.invoice_1, 100.0)
        with self.assertRaisesRegex(ValidationError, "one currency"):
            promise.move_ids = [Command.link(self.invoice_eur.id)]

    def test_approval_amount_compared_in_company_currency(self):
        """500 USD approval limit: 300 EUR is 600 USD (needs approval), 200
        EUR is 400 USD (does not)."""
        self.env.company.write(
            {"dispute_approval_amount": 500.0, "dispute_approval_percent": 100.0}
        )
        Proposal = self.env["invoice.dispute.proposal"]
        vals = {
            "partner_id": self.customer.id,
            "move_ids": [Command.set(self.invoice_eur.ids)],
            "kind": "discount",
        }
        above = Proposal.create({**vals, "amount": 300.0})
        within = Proposal.create({**vals, "amount": 200.0})
        self.assertEqual(above._get_amount_company(), 600.0)
        self.assertTrue(above.needs_approval)
        self.assertFalse(within.needs_approval)
        (above | within).action_submit()
        self.assertEqual(above.state, "to_approve")
        self.assertEqual(within.state, "approved")
        # the same amounts in USD: 300 and 200 are both within 500
        usd = Proposal.create({**vals, "move_ids": self.invoice_1.ids, "amount": 300.0})
        self.assertFalse(usd.needs_approval)

    def test_management_pack_converts_to_company_currency(self):
        """1,000 EUR and 500 USD disputed: 2,500 USD, not 1,500."""
        self.create_dispute(self.invoice_eur)
        self.create_dispute(self.invoice_2)
        self.env.flush_all()
        period = (self.today - timedelta(days=30), self.today, self.env.company)
        Pack = self.env["invoice.dispute.management.pack"]
        kpis, _levels = Pack._kpis(ManagementPackWriter(self.env, *period))
        self.assertEqual(kpis[self.env.company.id]["amount"], 2500.0)
        Pack._write_pack(io.BytesIO(), *period)

    def test_call_outcome_promise_in_invoice_currency(self):
        sheet = self.env["invoice.call.sheet"].create({"partner_id": self.customer.id})
        self.invoice_eur.invoice_date_due = self.today - timedelta(days=10)
        sheet.action_prepare()
        action = sheet.action_log_outcome()
        with Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ) as form:
            form.outcome = "promise"
            form.move_ids.clear()
            form.move_ids.add(self.invoice_eur)
            self.assertEqual(form.currency_id, self.eur)
            self.assertEqual(form.amount_open, 1000.0)
            form.promise_amount = 1000.0
            form.promise_date = self.today + timedelta(days=2)
            form.send_confirmation = False
        form.record.action_confirm()
        promise = sheet.promise_ids
        self.assertEqual(promise.currency_id, self.eur)
        self.assertEqual(promise.amount, 1000.0)


@tagged("post_install", "-at_install")
class TestPaidMeansMoney(MoneyCommon):
    def test_credit_note_does_not_keep_a_promise(self):
        with freeze_time(self.today):
            promise = self.make_promise(self.invoice_eur, 300.0)
            self.credit(self.invoice_eur, 300.0)
            self.assertEqual(self.invoice_eur.amount_residual, 700.0)
            self.assertEqual(promise.amount_paid, 0.0)
        with freeze_time(self.today + timedelta(days=30)):
            self.cron.method_direct_trigger()
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.amount_paid, 0.0)

    def test_write_off_does_not_keep_a_promise_payment_does(self):
        with freeze_time(self.today):
            broken = self.make_promise(self.invoice_1, 300.0)
            self.write_off(self.invoice_1, 300.0)
            self.assertEqual(self.invoice_1.amount_residual, 700.0)
            kept = self.make_promise(self.invoice_eur, 300.0)
            self.pay(self.invoice_eur, 300.0)
            self.assertEqual(kept.amount_paid, 300.0)
        with freeze_time(self.today + timedelta(days=30)):
            self.cron.method_direct_trigger()
        self.assertEqual(broken.state, "broken")
        self.assertEqual(broken.amount_paid, 0.0)
        self.assertEqual(kept.state, "kept")

    def test_money_received_before_the_promise_does_not_count(self):
        self.pay(self.invoice_eur, 200.0)
        promise = self.make_promise(self.invoice_eur, 300.0)
        self.assertEqual(promise.amount_paid_start, 200.0)
        self.assertEqual(promise.amount_paid, 0.0)
        self.pay(self.invoice_eur, 100.0)
        self.assertEqual(promise.amount_paid, 100.0)

    def test_amount_paid_is_money_in_the_invoice_currency(self):
        self.pay(self.invoice_eur, 250.0)
        self.credit(self.invoice_eur, 100.0)
        self.write_off(self.invoice_eur, 50.0)
        paid = self.invoice_eur._invoice_dispute_get_amount_paid()
        self.assertEqual(paid, {self.invoice_eur: 250.0})
        self.assertEqual(self.invoice_eur.amount_residual, 600.0)

    def test_payment_difference_written_off_is_not_money(self):
        """950 received and the 50 left written off with the payment: 950
        paid, not 1,000."""
        invoice = self.create_invoice(self.customer, 1000.0)
        promise = self.make_promise(invoice, 1000.0)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {
                "amount": 950.0,
                "payment_difference_handling": "reconcile",
                "writeoff_account_id": self.company_data["default_account_expense"].id,
                "writeoff_label": "Bank charges",
            }
        )._create_payments()
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(invoice._invoice_dispute_get_amount_paid()[invoice], 950.0)
        self.assertEqual(promise.amount_paid, 950.0)

    def test_credit_note_does_not_pay_installments(self):
        plan = self.make_plan(self.invoice_eur)
        plan.action_activate()
        self.credit(self.invoice_eur, 500.0)
        plan._check_progress()
        self.assertEqual(plan.amount_paid, 0.0)
        # the credit lowered what the plan expects; it paid no installment
        self.assertEqual(plan.line_ids.mapped("state"), ["pending"])
        self.assertEqual(plan.line_ids.mapped("amount"), [500.0])
        self.pay(self.invoice_eur, 250.0)
        plan._check_progress()
        self.assertEqual(plan.amount_paid, 250.0)
        self.assertEqual(plan.line_ids.mapped("state"), ["pending"])
        self.assertEqual(plan.line_ids.mapped("amount_paid"), [250.0])

    def test_payment_behaviour_dates_money_not_credit_notes(self):
        """Paid on time by a payment, the rest credited a month late: the
        customer paid on time (the credit note is not a payment)."""
        customer = self.env["res.partner"].create(
            {"name": "On Time Ltd", "is_company": True}
        )
        invoice = self.create_invoice(
            customer,
            1000.0,
            invoice_date=self.today - timedelta(days=60),
            invoice_date_due=self.today - timedelta(days=30),
        )
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"amount": 600.0, "payment_date": self.today - timedelta(days=31)}
        )._create_payments()
        self.credit(invoice, 400.0)
        self.assertEqual(invoice.payment_state, "paid")
        customer.invalidate_recordset()
        self.assertEqual(customer.payment_history_count, 1)
        self.assertEqual(customer.payment_avg_days_late, 0.0)
        self.assertEqual(customer.payment_on_time_ratio, 1.0)
        # written off entirely: no money, not a paid invoice at all
        written_off = self.create_invoice(
            customer, 100.0, invoice_date=self.today - timedelta(days=10)
        )
        self.write_off(written_off, 100.0)
        customer.invalidate_recordset()
        self.assertEqual(customer.payment_history_count, 1)


@tagged("post_install", "-at_install")
class TestRulesInModel(MoneyCommon):
    def test_promise_more_than_open_refused(self):
        invoice = self.create_invoice(self.customer, 500.0)
        with self.assertRaisesRegex(
            ValidationError, r"5,000\.00 is more than what is open .*500\.00"
        ):
            self.make_promise(invoice, 5000.0)
        self.assertFalse(invoice.payment_promise_ids)
        self.assertFalse(
            self.env["invoice.payment.promise"].search(
                [("move_ids", "in", invoice.ids)]
            )
        )
        # raising the amount afterwards is refused as well
        promise = self.make_promise(invoice, 500.0)
        with self.assertRaisesRegex(ValidationError, "more than what is open"):
            promise.amount = 500.01
        self.assertEqual(promise.amount, 500.0)

    def test_promise_bad_input_refused(self):
        Promise = self.env["invoice.payment.promise"]
        count = Promise.search_count([])
        paid = self.create_invoice(self.customer, 100.0)
        self.pay(paid, 100.0)
        cases = [
            (
                {"date_promised": self.today - timedelta(days=1)},
                self.invoice_1,
                "is in the past",
            ),
            ({"move_ids": []}, self.invoice_1, "needs the invoices"),
            ({}, paid, "has nothing open"),
            (
                {"partner_id": self.customer.id},
                self.other_invoice,
                "belongs to partner_a, not to",
            ),
            ({"amount": 0.0}, self.invoice_1, "greater than zero"),
        ]
        for vals, invoice, message in cases:
            with (
                self.subTest(message=message),
                self.assertRaisesRegex(ValidationError, message),
            ):
                self.make_promise(invoice, vals.pop("amount", 100.0), **vals)
        self.assertEqual(Promise.search_count([]), count)
        # a settled promise of the past is not imported as settled (its state
        # changes through its actions), but a data migration can record it
        with self.assertRaisesRegex(UserError, "Use the buttons"):
            self.make_promise(
                self.invoice_1,
                100.0,
                date_promised=self.today - timedelta(days=40),
                state="kept",
            )
        old = Promise._create_in_state(
            {
                "partner_id": self.invoice_1.commercial_partner_id.id,
                "move_ids": [Command.set(self.invoice_1.ids)],
                "amount": 100.0,
                "date_promised": self.today - timedelta(days=40),
                "state": "kept",
            }
        )
        self.assertEqual(old.state, "kept")
        # moving a pending promise's date into the past is refused
        promise = self.make_promise(self.invoice_1, 100.0)
        with self.assertRaisesRegex(ValidationError, "is in the past"):
            promise.date_promised = self.today - timedelta(days=2)

    def test_call_outcome_wizard_gives_the_model_error(self):
        """The wizard's refusal is the model's: same message."""
        invoice = self.create_invoice(
            self.customer,
            500.0,
            invoice_date=self.today - timedelta(days=40),
            invoice_date_due=self.today - timedelta(days=10),
        )
        sheet = self.env["invoice.call.sheet"].create({"partner_id": self.customer.id})
        sheet.action_prepare()
        action = sheet.action_log_outcome()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.outcome = "promise"
        form.move_ids.clear()
        form.move_ids.add(invoice)
        form.promise_amount = 5000.0
        form.promise_date = self.today + timedelta(days=2)
        wizard = form.save()
        with self.assertRaisesRegex(
            ValidationError, r"5,000\.00 is more than what is open .*500\.00"
        ):
            wizard.action_confirm()
        self.assertFalse(sheet.promise_ids)
        self.assertEqual(sheet.state, "prepared")
        wizard.write({"outcome": "plan_requested"})
        wizard.plan_date_first = self.today - timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, "cannot be in the past"):
            wizard.action_confirm()
        self.assertFalse(sheet.plan_id)

    def test_plan_bad_input_refused(self):
        Plan = self.env["invoice.payment.plan"]
        count = Plan.search_count([])
        paid = self.create_invoice(self.customer, 100.0)
        self.pay(paid, 100.0)
        with self.assertRaisesRegex(ValidationError, "cannot be in the past"):
            self.make_plan(self.invoice_1, date_first=self.today - timedelta(days=1))
        with self.assertRaisesRegex(ValidationError, "has nothing open"):
            self.make_plan(paid, amount_total=50.0)
        with self.assertRaisesRegex(ValidationError, "exceeds what is open"):
            self.make_plan(self.invoice_1, amount_total=1000.01)
        with self.assertRaisesRegex(ValidationError, "belongs to partner_a, not to"):
            self.make_plan(self.other_invoice, partner_id=self.customer.id)
        self.assertEqual(Plan.search_count([]), count)
        plan = self.make_plan(self.invoice_1)
        with self.assertRaisesRegex(ValidationError, "cannot be in the past"):
            plan.date_first = self.today - timedelta(days=1)

    def test_back_billing_rules_in_the_model(self):
        BackBilling = self.env["invoice.back.billing"]
        vals = self.back_billing_vals(amount=150.0)
        cases = [
            ({"amount": 0.0}, "greater than zero"),
            ({"date_from": self.today}, "after its end"),
            ({"customer_informed": False}, "Inform the customer"),
            ({"date_informed": self.today + timedelta(days=1)}, "in the future"),
            ({"explanation": " "}, "Write the explanation"),
            ({"method": "waive"}, "reason for waiving"),
        ]
        for changes, message in cases:
            with self.assertRaisesRegex(ValidationError, message):
                BackBilling.create({**vals, **changes})
        self.assertFalse(BackBilling.search([("partner_id", "=", self.customer.id)]))
        record = BackBilling.create(vals)
        self.assertEqual(record.currency_id, self.usd)


@tagged("post_install", "-at_install")
class TestCurrencyOnThePortal(MoneyCommon, HttpCase):
    """A customer disputes a EUR invoice on the portal: the dispute, its
    acknowledgement and its page are in euros."""

    login = portal_tests.TestDisputePortal.login
    csrf = portal_tests.TestDisputePortal.csrf
    post_dispute = portal_tests.TestDisputePortal.post_dispute

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_anne = cls.create_portal_user("anne_portal", cls.customer_contact)

    def test_portal_dispute_in_invoice_currency(self):
        self.login(self.portal_anne)
        response = self.post_dispute(self.invoice_eur, "400.00")
        self.assertEqual(response.status_code, 200)
        dispute = self.invoice_eur.dispute_ids
        self.assertEqual(dispute.currency_id, self.eur)
        self.assertEqual(dispute.amount_disputed, 400.0)
        page = self.url_open(f"/my/disputes/{dispute.id}").text
        self.assertRegex(page, r'oe_currency_value">400\.00</span>\s€')
        self.assertRegex(page, r'oe_currency_value">600\.00</span>\s€')
        self.assertNotRegex(page, r'\$\s<span class="oe_currency_value">')
        ack = dispute.message_ids.filtered(
            lambda m: "we received your dispute" in (m.subject or "")
        )
        self.assertIn("€", ack.body)
        # more than is open: refused by the model's rule, nothing written
        response = self.post_dispute(self.invoice_2, "500.01")
        self.assertFalse(self.invoice_2.dispute_ids)
