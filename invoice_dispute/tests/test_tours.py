from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import COLLECTOR_GROUPS, InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestTours(InvoiceDisputeCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls.create_user(
            "tour_collector",
            COLLECTOR_GROUPS,
            name="Tour Collector",
            password="tour_collector_pw",
        )

    def test_collector_raises_and_resolves_dispute(self):
        invoice = self.invoice_1
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "invoice_dispute_collector_resolve",
            login="tour_collector",
        )
        dispute = invoice.dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.channel, "phone")
        self.assertEqual(dispute.user_id, self.collector)
        self.assertEqual(dispute.credit_note_ids.amount_total, 1000.0)
        self.assertEqual(invoice.payment_state, "reversed")

    def test_portal_customer_disputes_and_accepts_proposal(self):
        invoice = self.invoice_1
        portal_user = self.create_user(
            "tour_portal",
            ["base.group_portal"],
            name=self.customer_contact.name,
            password="tour_portal_pw",
            partner_id=self.customer_contact.id,
            email=self.customer_contact.email,
        )
        self.customer.collector_id = self.collector
        self.start_tour(
            f"/my/invoices/{invoice.id}",
            "invoice_dispute_portal_dispute",
            login="tour_portal",
        )
        dispute = invoice.dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertRecordValues(
            dispute,
            [
                {
                    "channel": "portal",
                    "partner_id": self.customer.id,
                    "contact_id": self.customer_contact.id,
                    "reason_id": self.reason_price.id,
                    "amount_disputed": 250.0,
                    "user_id": self.collector.id,
                    "state": "new",
                }
            ],
        )
        self.assertIn("We were quoted 750.00", dispute.customer_statement)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "invoice.dispute"), ("res_id", "=", dispute.id)]
        )
        self.assertEqual(attachment.name, "quote_q4711.txt")
        self.assertEqual(attachment.raw, b"Quote Q-4711: consulting 750.00")

        # The collector offers more time to pay, by email and on the portal.
        new_date_due = invoice.invoice_date_due + timedelta(days=30)
        proposal = (
            self.env["invoice.dispute.proposal"]
            .with_user(self.collector)
            .create(
                {
                    "dispute_id": dispute.id,
                    "kind": "due_date_extension",
                    "new_date_due": new_date_due,
                }
            )
        )
        proposal.action_send()
        self.assertEqual(proposal.state, "sent")
        self.assertEqual(dispute.state, "proposed")

        before = fields.Datetime.now().replace(microsecond=0)
        self.start_tour(
            f"/my/disputes/{dispute.id}",
            "invoice_dispute_portal_accept_proposal",
            login="tour_portal",
        )
        self.env.invalidate_all()
        self.assertEqual(proposal.state, "accepted")
        self.assertEqual(proposal.accepted_by, portal_user)
        self.assertGreaterEqual(proposal.date_accepted, before)
        self.assertEqual(dispute.state, "agreed")
        # The effect: the invoice and its receivable line are due later.
        self.assertEqual(invoice.invoice_date_due, new_date_due)
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.date_maturity, new_date_due)
        # Who accepted, when and from where, on the dispute and the proposal.
        for record in (dispute, proposal):
            trace = record.message_ids.filtered(
                lambda m: "accepted on the customer portal" in (m.body or "")
            )
            self.assertEqual(len(trace), 1, record)
            self.assertEqual(trace.author_id, self.customer_contact)
            self.assertIn("tour_portal", trace.body)
            self.assertGreaterEqual(trace.date, before)

    def test_collector_logs_promise_from_worklist(self):
        today = fields.Date.context_today(self.collector)
        ap_contact = self.env["res.partner"].create(
            {
                "name": "Piet de Boer",
                "parent_id": self.customer.id,
                "is_ar_contact": True,
                "phone": "+31 20 555 0101",
                "email": "piet@vandijk.example.com",
                "lang": "en_US",
            }
        )
        self.customer.write(
            {"ar_contact_id": ap_contact.id, "collector_id": self.collector.id}
        )
        overdue = self.create_invoice(
            self.customer,
            1200.0,
            invoice_date=today - timedelta(days=50),
            invoice_date_due=today - timedelta(days=20),
        )
        self.start_tour(
            "/odoo/action-invoice_dispute.action_collector_worklist",
            "invoice_dispute_collector_call",
            login="tour_collector",
        )
        sheet = self.env["invoice.call.sheet"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(sheet), 1)
        self.assertRecordValues(
            sheet,
            [
                {
                    "state": "done",
                    "outcome": "promise",
                    "contact_id": ap_contact.id,
                    "user_id": self.collector.id,
                }
            ],
        )
        promised = today + timedelta(days=7)
        promise = sheet.promise_ids
        self.assertRecordValues(
            promise,
            [
                {
                    "state": "pending",
                    "amount": 800.0,
                    "date_promised": promised,
                    "source": "call",
                    "call_sheet_id": sheet.id,
                    "partner_id": self.customer.id,
                }
            ],
        )
        self.assertEqual(promise.move_ids, overdue)
        self.assertEqual(overdue.reminder_exclusion_reason, "promise")
        # The written confirmation went to the contact by email.
        email = sheet.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_comment")
        )
        self.assertEqual(len(email), 1)
        self.assertEqual(email.partner_ids, ap_contact)
        self.assertEqual(email.author_id, self.collector.partner_id)
        self.assertIn("800.00", email.body)
        self.assertTrue(
            self.env["mail.mail"].search([("mail_message_id", "=", email.id)])
            or email.notification_ids.filtered(
                lambda n: (
                    n.res_partner_id == ap_contact and n.notification_type == "email"
                )
            )
        )
        # The next call is planned for the collector, the day after the date.
        activity = self.customer.activity_ids
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("invoice_dispute.mail_activity_collection_call"),
        )
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.date_deadline, promised + timedelta(days=1))

    def test_customer_promises_from_the_reminder_link(self):
        today = fields.Date.context_today(self.collector)
        self.customer.collector_id = self.collector
        invoice = self.create_invoice(
            self.customer,
            1200.0,
            invoice_date=today - timedelta(days=40),
            invoice_date_due=today - timedelta(days=10),
        )
        notice = self.env["invoice.reminder.notice"].create(
            {
                "name": "REM/TOUR/00001",
                "partner_id": self.customer.id,
                "recipient_id": self.customer.id,
                "company_id": invoice.company_id.id,
                "currency_id": invoice.currency_id.id,
                "level": 2,
                "move_ids": [Command.set(invoice.ids)],
                "state": "sent",
            }
        )
        self.assertIn(
            invoice,
            self.env["account.move"].search(
                [*invoice._get_reminder_due_domain(), ("id", "=", invoice.id)]
            ),
        )
        self.start_tour(notice.get_portal_url(), "invoice_dispute_reminder_promise")
        promise = (
            self.env["invoice.payment.promise"]
            .with_user(self.collector)
            .search([("user_id", "=", self.collector.id)])
        )
        self.assertRecordValues(
            promise,
            [
                {
                    "partner_id": self.customer.id,
                    "amount": 750.0,
                    "source": "portal",
                    "state": "pending",
                }
            ],
        )
        self.assertEqual(promise.move_ids, invoice)
        self.assertGreater(promise.date_promised, today)
        # reminders pause on the invoice: the engine no longer counts it due
        invoice.invalidate_recordset()
        self.assertEqual(invoice.reminder_exclusion_reason, "promise")
        self.assertNotIn(
            invoice,
            self.env["account.move"].search(
                [*invoice._get_reminder_due_domain(), ("id", "=", invoice.id)]
            ),
        )
