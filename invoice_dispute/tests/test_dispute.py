from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestDispute(InvoiceDisputeCommon):
    def test_create_dispute_amounts_and_sequence(self):
        dispute = self.create_dispute(
            self.invoice_1 | self.invoice_2, amounts=[200.0, 500.0]
        )
        self.assertRegex(dispute.name, r"^DSP/\d{4}/\d{5}$")
        self.assertEqual(dispute.state, "new")
        self.assertEqual(dispute.customer_type, "b2b")
        self.assertEqual(dispute.move_ids, self.invoice_1 | self.invoice_2)
        self.assertEqual(dispute.amount_disputed, 700.0)
        self.assertEqual(dispute.amount_undisputed, 800.0)
        self.assertEqual(
            dispute.date_deadline,
            dispute.date_received + timedelta(days=self.reason_price.sla_days),
        )
        self.assertEqual(self.invoice_1.dispute_state, "open")
        self.assertEqual(self.invoice_1.amount_disputed, 200.0)
        self.assertEqual(self.invoice_1.dispute_ids, dispute)
        self.assertTrue(self.invoice_1.reminder_excluded)
        self.assertEqual(self.invoice_1.reminder_exclusion_reason, "dispute")
        self.assertIn(self.customer, dispute.message_partner_ids)
        self.assertEqual(self.customer.dispute_open_count, 1)

    def test_b2c_default(self):
        person = self.env["res.partner"].create({"name": "Eva Svensson"})
        invoice = self.create_invoice(person, 80.0)
        dispute = self.create_dispute(invoice)
        self.assertEqual(dispute.customer_type, "b2c")

    def test_reminder_excluded_search(self):
        self.create_dispute(self.invoice_1)
        Move = self.env["account.move"]
        customer_invoices = [("partner_id", "=", self.customer.id)]
        self.assertEqual(
            Move.search(customer_invoices + [("reminder_excluded", "=", True)]),
            self.invoice_1,
        )
        self.assertEqual(
            Move.search(customer_invoices + [("reminder_excluded", "=", False)]),
            self.invoice_2,
        )
        self.assertEqual(
            Move.search(
                customer_invoices + [("reminder_exclusion_reason", "=", "dispute")]
            ),
            self.invoice_1,
        )
        self.assertEqual(
            Move.search(customer_invoices + [("dispute_state", "=", "open")]),
            self.invoice_1,
        )

    def test_reminder_exclusion_priority_and_partner_block(self):
        with freeze_time("2026-05-01"):
            self.customer.write(
                {
                    "reminder_block_until": date(2026, 5, 10),
                    "reminder_block_reason": "Invoice address being corrected",
                }
            )
            self.assertEqual(self.invoice_2.reminder_exclusion_reason, "partner_block")
            self.create_dispute(self.invoice_1)
            self.assertEqual(self.invoice_1.reminder_exclusion_reason, "dispute")
            Move = self.env["account.move"]
            self.assertEqual(
                Move.search(
                    [
                        ("partner_id", "=", self.customer.id),
                        ("reminder_exclusion_reason", "=", "partner_block"),
                    ]
                ),
                self.invoice_2,
                "an invoice gets the first reason that applies",
            )
        with freeze_time("2026-05-11"):
            self.invoice_2.invalidate_recordset(["reminder_excluded"])
            self.assertFalse(self.invoice_2.reminder_excluded, "the block lifts itself")
            self.assertNotIn(
                self.invoice_2,
                self.env["account.move"].search([("reminder_excluded", "=", True)]),
            )

    def test_state_machine(self):
        dispute = self.create_dispute()
        self.flush_tracking()
        with self.assertRaises(UserError):
            dispute.action_reopen()
        dispute.action_start_investigation()
        self.flush_tracking()
        self.assertEqual(dispute.state, "investigating")
        with self.assertRaises(UserError):
            dispute.action_start_investigation()
        dispute.action_agree()
        self.flush_tracking()
        self.assertEqual(dispute.state, "agreed")
        dispute.action_reject()
        self.flush_tracking()
        self.assertEqual(dispute.state, "rejected")
        self.assertEqual(self.invoice_1.dispute_state, "resolved")
        self.assertFalse(self.invoice_1.reminder_excluded)
        with self.assertRaises(UserError):
            dispute.action_cancel()
        dispute.action_reopen()
        self.flush_tracking()
        self.assertEqual(dispute.state, "investigating")
        self.assertEqual(self.invoice_1.dispute_state, "open")
        dispute.action_cancel()
        self.flush_tracking()
        self.assertEqual(dispute.state, "cancelled")
        self.assertEqual(self.invoice_1.dispute_state, "none")
        tracked = dispute.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertEqual(
            sorted(tracked.mapped("new_value_char")),
            sorted(
                ["Investigating", "Agreed", "Rejected", "Investigating", "Cancelled"]
            ),
            "every state change is in the chatter",
        )

    def test_one_open_dispute_per_invoice(self):
        first = self.create_dispute(self.invoice_1, amounts=[100.0])
        count = self.env["invoice.dispute"].search_count([])
        with self.assertRaisesRegex(ValidationError, "already has an open dispute"):
            self.create_dispute(self.invoice_1, amounts=[50.0])
        self.assertEqual(self.env["invoice.dispute"].search_count([]), count)
        first.action_cancel()
        second = self.create_dispute(self.invoice_1, amounts=[50.0])
        with self.assertRaisesRegex(ValidationError, "already has an open dispute"):
            first.action_reopen()
        self.assertEqual(first.state, "cancelled")
        self.assertEqual(second.state, "new")

    def _assert_refused(self, invoices, amounts, message, **vals):
        count = self.env["invoice.dispute"].search_count([])
        lines = self.env["invoice.dispute.line"].search_count([])
        with self.assertRaisesRegex(ValidationError, message):
            self.create_dispute(invoices, amounts=amounts, **vals)
        self.assertEqual(self.env["invoice.dispute"].search_count([]), count)
        self.assertEqual(self.env["invoice.dispute.line"].search_count([]), lines)

    def test_bad_input(self):
        self._assert_refused(self.invoice_1, [1000.01], "exceeds what is still open")
        self._assert_refused(self.invoice_1, [-5.0], "greater than zero")
        draft = self.create_invoice(self.customer, 100.0, post=False)
        self._assert_refused(draft, [10.0], "not posted")
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.customer.id,
                "invoice_date": date.today(),
                "invoice_line_ids": [
                    Command.create({"name": "x", "quantity": 1, "price_unit": 100})
                ],
            }
        )
        bill.action_post()
        self._assert_refused(bill, [10.0], "not a customer invoice")
        self._assert_refused(
            self.invoice_1 | self.other_invoice, [10.0, 10.0], "belongs to partner_a"
        )
        eur = self.setup_other_currency("EUR")
        self._assert_refused(
            self.invoice_1,
            [10.0],
            "its currency is the invoices'",
            currency_id=eur.id,
        )
        other_company = self.setup_other_company()["company"]
        foreign = self.create_invoice(self.customer, 100.0, company_id=other_company.id)
        self._assert_refused(foreign, [10.0], "belongs to company")

    def test_zero_amount_refused(self):
        with self.assertRaises(ValidationError):
            self.create_dispute(self.invoice_1, amounts=[0.0])

    def test_raise_dispute_from_invoice_form(self):
        action = self.invoice_1.action_raise_dispute()
        dispute_form = Form(
            self.env["invoice.dispute"].with_context(**action["context"])
        )
        dispute_form.reason_id = self.reason_price
        dispute_form.channel = "phone"
        dispute = dispute_form.save()
        self.assertEqual(dispute.partner_id, self.customer)
        self.assertEqual(dispute.line_ids.move_id, self.invoice_1)
        self.assertEqual(dispute.amount_disputed, 1000.0)
        view = self.invoice_1.action_view_disputes()
        self.assertEqual(view["res_id"], dispute.id)
        with self.assertRaises(UserError):
            (self.invoice_1 | self.other_invoice).action_raise_dispute()

    def test_create_from_invoices(self):
        """The one creation path from invoices: the customer, company and
        lines from the invoices, the given amounts, the customer's words, the
        responsible."""
        dispute = self.env["invoice.dispute"].create_from_invoices(
            self.invoice_1 | self.invoice_2,
            self.reason_price,
            "phone",
            statement="The price is wrong",
            amounts={self.invoice_1: 250.0},
        )
        self.assertEqual(dispute.partner_id, self.customer)
        self.assertEqual(dispute.company_id, self.invoice_1.company_id)
        self.assertEqual(dispute.currency_id, self.invoice_1.currency_id)
        self.assertEqual(dispute.channel, "phone")
        self.assertEqual(dispute.reason_id, self.reason_price)
        self.assertIn("The price is wrong", dispute.customer_statement)
        self.assertEqual(dispute.user_id, self.env.user)
        lines = {line.move_id: line.disputed_amount for line in dispute.line_ids}
        self.assertEqual(
            lines,
            {self.invoice_1: 250.0, self.invoice_2: self.invoice_2.amount_residual},
        )

    def test_create_from_invoices_refused(self):
        """Invoices that cannot be disputed together, or amounts out of
        bounds, are refused with a clear message and nothing is written."""
        Dispute = self.env["invoice.dispute"]
        count = Dispute.search_count([])
        lines = self.env["invoice.dispute.line"].search_count([])
        draft = self.create_invoice(self.customer, 100.0, post=False)
        other_company = self.setup_other_company()["company"]
        foreign = self.create_invoice(self.customer, 100.0, company_id=other_company.id)
        cases = [
            (self.env["account.move"], UserError, "Select posted customer invoices"),
            (draft, UserError, "is not posted"),
            (self.invoice_1 | self.other_invoice, UserError, "single customer"),
            (self.invoice_1 | foreign, UserError, "single company"),
        ]
        for invoices, error, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(error, message):
                Dispute.create_from_invoices(invoices, self.reason_price, "email")
        for amount, message in ((0.0, "greater than zero"), (1000.01, "exceeds")):
            with (
                self.subTest(amount=amount),
                self.assertRaisesRegex(ValidationError, message),
            ):
                Dispute.create_from_invoices(
                    self.invoice_1,
                    self.reason_price,
                    "email",
                    amounts={self.invoice_1: amount},
                )
        self.assertEqual(Dispute.search_count([]), count)
        self.assertEqual(self.env["invoice.dispute.line"].search_count([]), lines)
        self.create_dispute(self.invoice_1)
        with self.assertRaisesRegex(UserError, "already has an open dispute"):
            Dispute.create_from_invoices(
                self.invoice_1 | self.invoice_2, self.reason_price, "email"
            )
        self.assertFalse(self.invoice_2.dispute_ids)

    def test_view_actions(self):
        """The smart buttons open the right records, in the right list."""
        dispute = self.create_dispute(self.invoice_1 | self.invoice_2)
        invoices = dispute.action_view_moves()
        self.assertEqual(invoices["res_model"], "account.move")
        self.assertEqual(
            invoices["domain"], [("id", "in", (self.invoice_1 | self.invoice_2).ids)]
        )
        self.assertEqual(invoices["context"]["default_move_type"], "out_invoice")
        credit_notes = dispute.action_view_credit_notes()
        self.assertEqual(credit_notes["context"]["default_move_type"], "out_refund")
        self.assertEqual(credit_notes["domain"], [("id", "in", [])])
        partner_view = self.customer.action_view_disputes()
        self.assertEqual(
            partner_view["domain"], [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(
            partner_view["context"], {"default_partner_id": self.customer.id}
        )
        back_billing = self.customer_contact.action_view_back_billing()
        self.assertEqual(
            back_billing["domain"], [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(back_billing["context"], {"create": False})

    def test_deadline_and_late(self):
        with freeze_time("2026-03-01"):
            dispute = self.create_dispute(date_received=date(2026, 3, 1))
            self.assertEqual(dispute.date_deadline, date(2026, 3, 11))
            self.assertFalse(dispute.is_late)
        with freeze_time("2026-03-12"):
            dispute.invalidate_recordset(["is_late"])
            self.assertTrue(dispute.is_late)
            late = self.env["invoice.dispute"].search([("is_late", "=", True)])
            self.assertIn(dispute, late)
            dispute.date_deadline = date(2026, 3, 20)
            self.assertFalse(dispute.is_late)
            self.assertNotIn(
                dispute, self.env["invoice.dispute"].search([("is_late", "=", True)])
            )

    def test_sla_cron_escalates_once(self):
        manager = self.create_user(
            "dispute_manager_sla", ["invoice_dispute.group_invoice_dispute_manager"]
        )
        self.env.company.dispute_manager_id = manager
        with freeze_time("2026-03-01"):
            dispute = self.create_dispute(date_received=date(2026, 3, 1))
        sla = self.env.ref("invoice_dispute.mail_activity_dispute_sla")
        with freeze_time("2026-03-30"):
            self.env.ref("invoice_dispute.ir_cron_dispute_sla").method_direct_trigger()
            activities = dispute.activity_ids.filtered(
                lambda a: a.activity_type_id == sla
            )
            self.assertEqual(activities.user_id, self.env.user | manager)
            self.env.ref("invoice_dispute.ir_cron_dispute_sla").method_direct_trigger()
            self.assertEqual(
                len(dispute.activity_ids.filtered(lambda a: a.activity_type_id == sla)),
                2,
                "a second run escalates nothing twice",
            )
            dispute.action_cancel()
            self.assertFalse(dispute.activity_ids)

    def test_summary_email_in_customer_language(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_dispute"], ["nl_NL"], overwrite=True
        )
        self.customer_contact.lang = "nl_NL"
        dispute = self.create_dispute(contact_id=self.customer_contact.id)
        dispute.action_start_investigation()
        dispute.action_send_summary()
        message = dispute.message_ids[0]
        self.assertIn(self.customer_contact, message.partner_ids)
        self.assertIn("samenvatting", message.subject.lower())
        self.assertIn("Bedankt", message.body)
        self.assertIn(self.invoice_1.name, message.body)
        english = self.create_dispute(self.invoice_2)
        english.action_send_summary()
        self.assertIn("summary", english.message_ids[0].subject.lower())
        self.assertIn("Thank you", english.message_ids[0].body)

    def test_summary_requires_email(self):
        self.customer.email = False
        dispute = self.create_dispute()
        with self.assertRaisesRegex(UserError, "no email address"):
            dispute.action_send_summary()

    def test_evidence_attachments(self):
        dispute = self.create_dispute()
        self.env["ir.attachment"].create(
            {
                "name": "delivery_note.pdf",
                "raw": b"%PDF-1.4 delivery note",
                "res_model": "invoice.dispute",
                "res_id": dispute.id,
            }
        )
        self.assertEqual(dispute.attachment_count, 1)
        action = dispute.action_view_attachments()
        self.assertEqual(
            self.env["ir.attachment"].search(action["domain"]).name,
            "delivery_note.pdf",
        )

    def test_delete_only_new_or_cancelled(self):
        dispute = self.create_dispute()
        dispute.action_start_investigation()
        with self.assertRaises(UserError):
            dispute.unlink()
        dispute.action_cancel()
        dispute.unlink()
        self.assertEqual(self.invoice_1.dispute_state, "none")

    def test_invoice_collector_works_in_the_invoice_company(self):
        other_company = self.setup_other_company()["company"]
        outsider = self.create_user(
            "outside_collector",
            ["invoice_dispute.group_invoice_dispute_user"],
            other_company,
        )
        salesperson = self.create_user(
            "salesperson", ["invoice_dispute.group_invoice_dispute_user"]
        )
        self.customer.collector_id = outsider
        self.invoice_1.invoice_user_id = salesperson
        self.assertEqual(self.invoice_1._get_collector(), salesperson)
        self.invoice_1.invoice_user_id = False
        # the designated dispute manager is one (they approve proposals)
        with self.assertRaisesRegex(ValidationError, "Dispute manager"):
            self.env.company.dispute_manager_id = salesperson
        manager = self.create_user(
            "designated_manager", ["invoice_dispute.group_invoice_dispute_manager"]
        )
        self.env.company.dispute_manager_id = manager
        self.assertEqual(self.invoice_1._get_collector(), manager)
        self.env.company.dispute_manager_id = False
        # without a designated one: a person of the dispute manager group
        self.assertIn(
            self.invoice_1._get_collector(),
            self.env.company._get_dispute_managers(designated=False),
        )
        self.customer.collector_id = salesperson
        self.assertEqual(self.invoice_1._get_collector(), salesperson)
        company = self.env.company
        company.dispute_manager_id = manager
        self.assertEqual(company._get_dispute_managers(), manager)
        self.assertIn(manager, company._get_dispute_managers(designated=False))
        self.assertIn(self.env.user, company._get_dispute_managers(designated=False))
