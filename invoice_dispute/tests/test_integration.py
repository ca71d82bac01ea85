"""What integrators and imports rely on: document numbers drawn only for
saved records, amounts in refusals formatted with their currency, help on
every public field."""

import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount

from .common import InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestIntegration(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice_3 = cls.create_invoice(cls.customer, 800.0)

    def assertNextNumber(self, first, second):
        """``second`` has the number that follows ``first``: no gap."""
        prefix, number = re.fullmatch(r"(.*?)(\d+)", first.name).groups()
        self.assertEqual(second.name, f"{prefix}{int(number) + 1:05d}")

    def test_refused_dispute_draws_no_number(self):
        """A refused create leaves no gap in the numbers (the sequence is a
        standard one: a number drawn before the refusal would be lost) and
        its message names no number."""
        sequence = self.env.ref("invoice_dispute.seq_invoice_dispute")
        self.assertEqual(sequence.implementation, "standard")
        first = self.create_dispute(self.invoice_1, amounts=[100.0])
        with self.assertRaisesRegex(
            ValidationError, "exceeds what is still open"
        ) as cm:
            self.create_dispute(self.invoice_2, amounts=[500.01])
        self.assertNotIn("DSP/", str(cm.exception))
        second = self.create_dispute(self.invoice_2, amounts=[100.0])
        self.assertNextNumber(first, second)

    def test_refused_plan_draws_no_number(self):
        Plan = self.env["invoice.payment.plan"]

        def plan(invoice, amount):
            return Plan.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "amount_total": amount,
                    "installment_count": 2,
                }
            )

        first = plan(self.invoice_1, 400.0)
        with self.assertRaisesRegex(
            ValidationError, "plan New must be greater than zero"
        ) as cm:
            plan(self.invoice_2, 0.0)
        self.assertNotIn("PLAN/", str(cm.exception))
        second = plan(self.invoice_2, 400.0)
        self.assertNextNumber(first, second)

    def test_refused_proposal_draws_no_number(self):
        Proposal = self.env["invoice.dispute.proposal"]

        def proposal(invoices, amount):
            return Proposal.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(invoices.ids)],
                    "kind": "discount",
                    "amount": amount,
                }
            )

        first = proposal(self.invoice_1, 50.0)
        with self.assertRaisesRegex(ValidationError, "Proposal New needs invoices"):
            proposal(self.invoice_1.browse(), 50.0)
        second = proposal(self.invoice_3, 50.0)
        self.assertNextNumber(first, second)

    def test_call_sheets_numbered_in_order(self):
        Sheet = self.env["invoice.call.sheet"]
        first, second = Sheet.create(
            [{"partner_id": self.customer.id}, {"partner_id": self.partner_a.id}]
        )
        self.assertTrue(first.name.startswith("CALL/"))
        self.assertNextNumber(first, second)

    def test_refusals_format_amounts_with_the_currency(self):
        """Amounts in refusals read as in the rest of the UI: "$ 1,500.00",
        never "1500.0"."""
        currency = self.invoice_1.currency_id

        def money(amount):
            return re.escape(format_amount(self.env, amount, currency))

        self.assertNotEqual(format_amount(self.env, 1500.0, currency), "1500.0")
        with self.assertRaisesRegex(
            ValidationError, rf"\({money(1500.0)}\).*\({money(1000.0)}\)"
        ):
            self.create_dispute(self.invoice_1, amounts=[1500.0])
        Promise = self.env["invoice.payment.promise"]
        promise_vals = {
            "partner_id": self.customer.id,
            "move_ids": [Command.set(self.invoice_1.ids)],
            "date_promised": fields.Date.today() + timedelta(days=10),
            "source": "call",
        }
        with self.assertRaisesRegex(ValidationError, rf"got {money(-600.0)}\)"):
            Promise.create(dict(promise_vals, amount=-600.0))
        with self.assertRaisesRegex(
            ValidationError, rf"{money(1200.0)} is more .*\({money(1000.0)}\)"
        ):
            Promise.create(dict(promise_vals, amount=1200.0))
        with self.assertRaisesRegex(
            ValidationError, rf"\({money(1000.01)}\) exceeds .*\({money(1000.0)}\)"
        ):
            self.env["invoice.payment.plan"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_1.ids)],
                    "amount_total": 1000.01,
                    "installment_count": 2,
                }
            )

    def test_public_fields_have_help(self):
        """Every stored field the addon defines on the public models says in
        its help what it holds: unit, currency, limits."""
        models_ = (
            "invoice.dispute",
            "invoice.dispute.line",
            "invoice.dispute.proposal",
            "invoice.payment.plan",
            "invoice.payment.plan.line",
            "invoice.payment.promise",
            "invoice.call.sheet",
            "invoice.back.billing",
            "invoice.reminder.rule",
            "account.move",
            "res.partner",
            "res.company",
        )
        obvious = {"name", "company_id", "currency_id", "active", "sequence"}
        missing = [
            f"{model}.{name}"
            for model in models_
            for name, field in self.env[model]._fields.items()
            if field._module == "invoice_dispute"
            and field.store
            and field.type != "one2many"
            and not field.automatic
            and name not in obvious
            and not (field.help or "").strip()
        ]
        self.assertEqual(missing, [], "stored fields without help")
        self.assertGreater(
            len(self.env["invoice.dispute"]._fields["amount_disputed"].help), 20
        )
