"""What integrators and imports rely on: document numbers drawn only for
saved records, amounts in refusals formatted with their currency, help on
every public field."""

import re

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

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
        with self.assertRaisesRegex(ValidationError, "greater than zero") as cm:
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
        with self.assertRaisesRegex(ValidationError, "Proposal / needs invoices"):
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
