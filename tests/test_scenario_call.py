"""A collector's call about an overdue invoice, end to end on the installed
addon: worklist, call sheet, printed sheet, promise and follow-up."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form

from .common import ScenarioCase


class TestScenarioCall(ScenarioCase):
    def test_worklist_to_promise(self):
        today = fields.Date.context_today(self.env.user)
        contact = self.env["res.partner"].create(
            {
                "name": "Scenario Payables",
                "parent_id": self.customer.id,
                "is_ar_contact": True,
                "phone": "+46 8 555 0100",
                "email": "payables@scenario.example.com",
            }
        )
        self.customer.write({"ar_contact_id": contact.id, "payment_weekday": "4"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": today - timedelta(days=45),
                "invoice_date_due": today - timedelta(days=15),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Scenario service",
                            "quantity": 1,
                            "price_unit": 2500.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()

        # The customer is on the worklist; one click prepares the call.
        row = self.env["invoice.collection.worklist"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(row.amount_overdue, 2500.0)
        self.assertEqual(row.days_overdue, 15)
        action = row.action_prepare_call_sheet()
        sheet = self.env["invoice.call.sheet"].browse(action["res_id"])
        self.assertEqual(sheet.contact_id, contact)
        self.assertIn("Agree first", sheet.talking_points)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "invoice_dispute.action_report_call_sheet", sheet.ids
        )[0]
        self.assertIn(invoice.name, html.decode())

        # The customer promises to pay on Friday.
        action = sheet.action_log_outcome()
        with Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ) as wizard:
            wizard.outcome = "promise"
            wizard.promise_amount = 2500.0
            wizard.promise_date = today + timedelta(days=3)
        wizard.record.action_confirm()
        self.assertEqual(sheet.state, "done")
        self.assertEqual(sheet.promise_ids.amount, 2500.0)
        self.assertTrue(invoice.reminder_excluded)
        self.assertFalse(
            self.env["invoice.collection.worklist"].search(
                [("partner_id", "=", self.customer.id)]
            )
        )
        self.assertEqual(
            self.customer.activity_ids.activity_type_id,
            self.env.ref("invoice_dispute.mail_activity_collection_call"),
        )
