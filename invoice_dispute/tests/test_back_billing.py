from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestBackBilling(InvoiceDisputeCommon):
    def wizard(self, **vals):
        today = fields.Date.today()
        values = self.back_billing_vals(
            **{
                "amount": 150.0,
                "date_from": today - timedelta(days=180),
                "date_to": today - timedelta(days=1),
                "explanation": (
                    "Maintenance was invoiced at half the agreed monthly fee."
                ),
                "date_informed": today,
                **vals,
            }
        )
        return self.env["invoice.back.billing.wizard"].create(values)

    def records(self):
        return self.env["invoice.back.billing"].search(
            [("partner_id", "=", self.customer.id)]
        )

    def test_next_invoice(self):
        with Form(
            self.env["invoice.back.billing.wizard"].with_context(
                active_model="res.partner", active_id=self.customer_contact.id
            )
        ) as form:
            self.assertEqual(form.partner_id, self.customer)
            form.amount = 150.0
            form.date_from = fields.Date.today() - timedelta(days=180)
            form.date_to = fields.Date.today()
            form.explanation = "Maintenance was invoiced at half the agreed fee."
            form.customer_informed = True
            form.date_informed = fields.Date.today()
        form.record.action_confirm()
        pending = self.records()
        self.assertEqual(pending.state, "pending")
        self.assertEqual(self.customer.back_billing_count, 1)
        self.assertIn("next invoice", self.customer.message_ids[0].body)
        # an invoice of another customer does not take it
        self.create_invoice(self.partner_a, 10.0)
        self.assertEqual(pending.state, "pending")
        invoice = self.create_invoice(self.customer, 100.0)
        self.assertEqual(pending.state, "billed")
        self.assertEqual(pending.move_id, invoice)
        self.assertEqual(invoice.amount_untaxed, 250.0)
        self.assertIn("half the agreed fee", invoice.invoice_line_ids[-1].name)
        self.assertIn(invoice.name, self.customer.message_ids[0].body)
        # billed once only
        later = self.create_invoice(self.customer, 100.0)
        self.assertEqual(later.amount_untaxed, 100.0)

    def test_separate_invoice(self):
        action = self.wizard(method="separate_invoice").action_confirm()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.amount_untaxed, 150.0)
        self.assertEqual(self.records().state, "billed")
        self.assertEqual(self.records().move_id, invoice)

    def test_waive(self):
        self.wizard(
            method="waive",
            customer_informed=False,
            date_informed=False,
            waive_reason="Our error; good long-standing customer.",
        ).action_confirm()
        self.assertEqual(self.records().state, "waived")
        self.assertIn("long-standing", self.customer.message_ids[0].body)

    def test_refusals(self):
        with self.assertRaisesRegex(UserError, "Inform the customer"):
            self.wizard(customer_informed=False).action_confirm()
        with self.assertRaisesRegex(UserError, "Inform the customer"):
            self.wizard(method="separate_invoice", date_informed=False).action_confirm()
        with self.assertRaisesRegex(UserError, "reason for waiving"):
            self.wizard(method="waive", waive_reason=False).action_confirm()
        with self.assertRaisesRegex(UserError, "greater than zero"):
            self.wizard(amount=0).action_confirm()
        with self.assertRaisesRegex(UserError, "cannot be in the future"):
            self.wizard(
                date_informed=fields.Date.today() + timedelta(days=2)
            ).action_confirm()
        self.assertFalse(self.records())

    def test_record_decision_in_the_model(self):
        """The rules are the model's: bad terms are refused through the model
        method as through the wizard, and nothing is written (no record, no
        invoice, no message on the customer)."""
        BackBilling = self.env["invoice.back.billing"]
        today = fields.Date.today()
        good = self.back_billing_vals(
            partner_id=self.customer_contact.id,
            amount=80.0,
            date_from=today - timedelta(days=60),
            date_to=today - timedelta(days=31),
            explanation="The second site was not billed.",
            method="separate_invoice",
        )
        invoices = self.env["account.move"].search_count([])
        messages = len(self.customer.message_ids)
        bad = [
            ({"amount": -1.0}, "greater than zero"),
            ({"date_from": today}, "after its end"),
            ({"explanation": " "}, "explanation the customer sees"),
            ({"customer_informed": False}, "Inform the customer"),
            ({"method": "waive", "waive_reason": ""}, "reason for waiving"),
        ]
        for change, message in bad:
            with (
                self.subTest(message=message),
                self.assertRaisesRegex(ValidationError, message),
            ):
                BackBilling.record_decision(dict(good, **change))
        self.assertFalse(self.records())
        self.assertEqual(self.env["account.move"].search_count([]), invoices)
        self.assertEqual(len(self.customer.message_ids), messages)
        record, invoice = BackBilling.record_decision(good)
        self.assertEqual(record.partner_id, self.customer)
        self.assertEqual(record.state, "billed")
        self.assertEqual(record.move_id, invoice)
        self.assertEqual(invoice.amount_untaxed, 80.0)
        self.assertIn("billed separately", self.customer.message_ids[0].body)
