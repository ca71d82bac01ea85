from datetime import timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestPaymentClaim(InvoiceDisputeCommon):
    """A payment the customer reported (``invoice.payment.claim``) holds back
    any new promise to pay or payment plan on its invoices, whoever records
    it (back office, import, RPC: the ORM), until the payment is found or
    rejected."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.claim = cls.env["invoice.payment.claim"].create(
            {
                "partner_id": cls.customer.id,
                "move_ids": [Command.set(cls.invoice_1.ids)],
                "amount": 1000.0,
                "date_paid": cls.today,
                "reference": "TRF-2026-001",
            }
        )

    def counts(self):
        return (
            self.env["invoice.payment.promise"].search_count([]),
            self.env["invoice.payment.plan"].search_count([]),
        )

    def promise_vals(self, invoices, **vals):
        return {
            "partner_id": self.customer.id,
            "move_ids": [Command.set(invoices.ids)],
            "amount": 100.0,
            "date_promised": self.today + timedelta(days=7),
            "source": "call",
            **vals,
        }

    def refused(self, invoice=None):
        """The message naming the invoice and the open report."""
        invoice = invoice or self.invoice_1
        return f"{invoice.name} was reported as paid \\({self.claim.name}\\)"

    def test_no_promise_while_the_payment_is_looked_for(self):
        Promise = self.env["invoice.payment.promise"]
        before = self.counts()
        for invoices in (self.invoice_1, self.invoice_2 | self.invoice_1):
            with (
                self.subTest(invoices=invoices.mapped("name")),
                self.assertRaisesRegex(ValidationError, self.refused()),
            ):
                Promise.create(self.promise_vals(invoices))
        self.assertEqual(self.counts(), before)
        self.assertFalse(self.invoice_1.payment_promise_ids)
        # the other invoice is free
        Promise.create(self.promise_vals(self.invoice_2))
        # no such payment: a promise can be taken again
        self.claim.action_reject()
        promise = Promise.create(self.promise_vals(self.invoice_1))
        self.assertEqual(promise.state, "pending")
        self.assertEqual(self.invoice_1.payment_promise_ids, promise)

    def test_no_plan_while_the_payment_is_looked_for(self):
        before = self.counts()
        with self.assertRaisesRegex(ValidationError, self.refused()):
            self.make_plan(self.invoice_1)
        self.assertEqual(self.counts(), before)
        self.assertFalse(self.invoice_1.payment_plan_ids)
        self.claim.action_confirm()
        plan = self.make_plan(self.invoice_1)
        self.assertEqual(plan.state, "draft")
        # a plan settling a dispute on the invoice stays possible
        dispute = self.create_dispute(self.invoice_1)
        plan = self.make_plan(self.invoice_1, dispute_id=dispute.id)
        self.assertEqual(plan.dispute_id, dispute)

    def test_no_reported_invoice_added_nor_arrangement_reopened(self):
        """An arrangement on other invoices does not take in one reported
        paid, nor comes back to life on it; what it already covered when the
        payment was reported stays as it is."""
        Promise = self.env["invoice.payment.promise"]
        promise = Promise.create(self.promise_vals(self.invoice_2))
        plan = self.make_plan(self.invoice_2)
        for record in (promise, plan):
            with (
                self.subTest(model=record._name),
                self.assertRaisesRegex(ValidationError, self.refused()),
            ):
                record.write({"move_ids": [Command.link(self.invoice_1.id)]})
            self.assertEqual(record.move_ids, self.invoice_2)
        # reported after the promise was made: the promise keeps its invoices
        claim_2 = self.env["invoice.payment.claim"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_2.ids)],
                "amount": 500.0,
                "date_paid": self.today,
            }
        )
        promise.note = "Customer says the transfer left on Monday."
        promise.write({"move_ids": [Command.set(self.invoice_2.ids)]})
        # a cancelled promise or plan taken up again is a new one
        promise.action_cancel()
        plan.action_cancel()
        for record, action in (
            (promise, "action_reset_pending"),
            (plan, "action_reset_draft"),
        ):
            with (
                self.subTest(action=action),
                self.assertRaisesRegex(ValidationError, claim_2.name),
            ):
                getattr(record, action)()
            self.assertEqual(record.state, "cancelled")
        claim_2.action_reject()
        promise.action_reset_pending()
        plan.action_reset_draft()
        self.assertEqual(promise.state, "pending")
        self.assertEqual(plan.state, "draft")
