"""A collector's day with a disputed invoice, end to end on the installed addon."""

from odoo import Command
from odoo.tests import Form

from .common import ScenarioCase


class TestScenarioDispute(ScenarioCase):
    def test_installed_with_entry_points(self):
        module = self.env["ir.module.module"].search([("name", "=", "invoice_dispute")])
        self.assertEqual(module.state, "installed")
        for xmlid in (
            "invoice_dispute.ir_cron_dispute_sla",
            "invoice_dispute.mail_template_dispute_summary",
            "invoice_dispute.group_invoice_dispute_user",
            "invoice_dispute.group_invoice_dispute_manager",
            "invoice_dispute.invoice_dispute_action",
            "invoice_dispute.invoice_dispute_menu_root",
        ):
            self.assertTrue(self.env.ref(xmlid), xmlid)
        self.assertGreaterEqual(self.env["invoice.dispute.reason"].search_count([]), 10)

    def test_raise_investigate_resolve_summarise(self):
        invoice = self.create_invoice(self.customer, 1200.0)
        # The customer calls: the price is not what was quoted.
        action = invoice.action_raise_dispute()
        with Form(
            self.env["invoice.dispute"].with_context(**action["context"])
        ) as dispute_form:
            dispute_form.reason_id = self.env.ref("invoice_dispute.reason_pricing")
            dispute_form.channel = "phone"
            dispute_form.customer_statement = (
                "<p>You charged 1200, the quote said 1000.</p>"
            )
            dispute_form.our_understanding = (
                "<p>You expected the quoted price of 1000 for this work.</p>"
            )
            with dispute_form.line_ids.edit(0) as line:
                line.disputed_amount = 200.0
        dispute = dispute_form.record
        self.assertEqual(invoice.dispute_state, "open")
        self.assertTrue(invoice.reminder_excluded)
        self.assertEqual(dispute.amount_undisputed, 1000.0)

        dispute.action_start_investigation()
        self.env["ir.attachment"].create(
            {
                "name": "quote.pdf",
                "raw": b"%PDF-1.4 quote 1000",
                "res_model": dispute._name,
                "res_id": dispute.id,
            }
        )
        dispute.action_agree()
        wizard_action = dispute.action_resolve()
        with Form(
            self.env[wizard_action["res_model"]].with_context(
                **wizard_action["context"]
            )
        ) as wizard_form:
            wizard_form.resolution_type = "credit_note"
            wizard_form.root_cause = "pricing_error"
            wizard_form.preventive_action = "Copy quoted prices onto the order."
        wizard_form.record.action_confirm()

        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.credit_note_ids.amount_total, 200.0)
        self.assertEqual(invoice.amount_residual, 1000.0)
        self.assertEqual(invoice.dispute_state, "resolved")
        self.assertFalse(invoice.reminder_excluded)
        self.assertEqual(dispute.attachment_count, 1)

        dispute.action_send_summary()
        summary = dispute.message_ids[0]
        self.assertIn(self.customer, summary.partner_ids)
        self.assertIn(
            "1,000.00", summary.body.replace("\xa0", " ").replace("&nbsp;", " ")
        )

    def test_two_invoices_one_dispute(self):
        first = self.create_invoice(self.customer, 300.0)
        second = self.create_invoice(self.customer, 700.0)
        dispute = self.env["invoice.dispute"].create(
            {
                "partner_id": self.customer.id,
                "reason_id": self.env.ref("invoice_dispute.reason_quantity").id,
                "line_ids": [
                    Command.create({"move_id": first.id, "disputed_amount": 100.0}),
                    Command.create({"move_id": second.id, "disputed_amount": 700.0}),
                ],
            }
        )
        self.assertEqual(dispute.move_ids, first | second)
        self.assertEqual(dispute.amount_disputed, 800.0)
        self.assertEqual(dispute.amount_undisputed, 200.0)
        self.assertEqual(self.customer.dispute_open_count, 1)
