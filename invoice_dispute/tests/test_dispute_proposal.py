from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import COLLECTOR_GROUPS, MANAGER_GROUPS, InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeProposal(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("invoice_dispute.ir_cron_check_promises_and_plans")
        cls.env.company.write(
            {"dispute_approval_amount": 500.0, "dispute_approval_percent": 10.0}
        )
        cls.collector = cls.create_user("collector", COLLECTOR_GROUPS)
        cls.manager = cls.create_user("manager", MANAGER_GROUPS)
        cls.manager_2 = cls.create_user("manager2", MANAGER_GROUPS)
        cls.portal_user = cls.create_user(
            "anne_portal",
            ["base.group_portal"],
            name=cls.customer_contact.name,
            partner_id=cls.customer_contact.id,
            email=cls.customer_contact.email,
        )
        cls.Proposal = cls.env["invoice.dispute.proposal"]

    def proposal_form(self, user=None, dispute=None, invoices=None):
        record = dispute or invoices or self.invoice_1
        if dispute:
            action = dispute.with_user(user or self.collector).action_new_proposal()
        else:
            action = record.with_user(
                user or self.collector
            ).action_new_dispute_proposal()
        self.assertEqual(action["res_model"], "invoice.dispute.proposal")
        return Form(
            self.Proposal.with_user(user or self.collector).with_context(
                **action["context"]
            )
        )

    def make_proposal(self, user=None, **vals):
        return self.Proposal.with_user(user or self.collector).create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_1.ids)],
                "kind": "discount",
                **vals,
            }
        )

    def test_small_discount_from_dispute(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[200.0])
        proposal_form = self.proposal_form(dispute=dispute)
        self.assertEqual(proposal_form.partner_id, self.customer)
        proposal_form.kind = "discount"
        proposal_form.percent = 5.0
        self.assertEqual(proposal_form.amount, 50.0, "5% of the invoiced 1000")
        self.assertFalse(proposal_form.needs_approval)
        proposal = proposal_form.save()
        self.assertRegex(proposal.name, r"^PROP/\d{4}/\d{5}$")
        self.assertEqual(proposal.move_ids, self.invoice_1)
        self.assertEqual(proposal.valid_until, date.today() + timedelta(days=14))
        proposal.action_send()
        self.assertEqual(proposal.state, "sent")
        self.assertEqual(dispute.state, "proposed")
        message = proposal.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1)
        self.assertIn(self.customer, message.partner_ids)
        self.assertIn("valid until", message.body)
        self.assertIn(proposal.name, message.subject)
        # The customer accepts (over the phone: the collector records it).
        proposal.action_accept()
        self.assertEqual(proposal.state, "accepted")
        self.assertEqual(proposal.accepted_by, self.collector)
        self.assertTrue(proposal.date_accepted)
        refund = proposal.credit_note_ids
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.amount_total, 50.0)
        self.assertEqual(refund.payment_state, "paid", "reconciled with the invoice")
        self.assertEqual(self.invoice_1.amount_residual, 950.0)
        self.assertEqual(dispute.state, "agreed")
        self.assertIn(refund, dispute.credit_note_ids)
        self.assertEqual(dispute.proposal_count, 1)
        self.assertEqual(self.invoice_1.dispute_proposal_count, 1)
        self.assertEqual(self.customer.dispute_proposal_count, 1)

    def test_closed_dispute_withdraws_its_proposals(self):
        """Cancelling, rejecting or resolving a dispute cancels the proposals
        still waiting for an answer; an answer can no longer apply them."""
        dispute = self.create_dispute(self.invoice_1, amounts=[200.0])
        sent = self.make_proposal(dispute_id=dispute.id, amount=50.0)
        sent.action_send()
        accepted = self.make_proposal(dispute_id=dispute.id, amount=20.0)
        accepted.action_send()
        accepted.action_accept()
        self.assertEqual(dispute.state, "agreed")
        dispute.action_cancel()
        self.assertEqual(sent.state, "cancelled")
        self.assertEqual(accepted.state, "accepted")
        with self.assertRaisesRegex(UserError, "is closed"):
            sent.action_accept()
        # Reopened and answered by a proposal sent meanwhile, then closed.
        dispute.action_reopen()
        late = self.make_proposal(dispute_id=dispute.id, amount=30.0)
        late.action_send()
        dispute.action_reject()
        self.assertEqual(late.state, "cancelled")
        self.assertEqual(self.invoice_1.amount_residual, 980.0)

    def test_large_discount_needs_another_manager(self):
        proposal = self.make_proposal(amount=200.0)
        self.assertTrue(proposal.needs_approval, "20% is above the 10% limit")
        proposal.action_submit()
        self.assertEqual(proposal.state, "to_approve")
        activity_type = self.env.ref("invoice_dispute.mail_activity_proposal_approval")
        approvers = proposal.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        ).user_id
        self.assertIn(self.manager, approvers)
        self.assertIn(self.manager_2, approvers)
        self.assertNotIn(self.collector, approvers)
        with self.assertRaisesRegex(UserError, "Only a dispute manager"):
            proposal.with_user(self.collector).action_approve()
        with self.assertRaisesRegex(UserError, "sent"):
            proposal.action_send()
        self.assertEqual(proposal.state, "to_approve")
        proposal.with_user(self.manager).action_approve()
        self.assertEqual(proposal.state, "approved")
        self.assertEqual(proposal.approved_by_id, self.manager)
        self.assertFalse(proposal.activity_ids)
        proposal.action_send()
        self.assertEqual(proposal.state, "sent")

    def test_nobody_approves_own_proposal(self):
        proposal = self.make_proposal(user=self.manager, amount=600.0)
        self.assertTrue(proposal.needs_approval, "above the amount limit")
        proposal.with_user(self.manager).action_submit()
        self.assertNotIn(self.manager, proposal.activity_ids.user_id)
        with self.assertRaisesRegex(UserError, "yourself"):
            proposal.with_user(self.manager).action_approve()
        self.assertEqual(proposal.state, "to_approve")
        proposal.with_user(self.manager_2).action_refuse()
        self.assertEqual(proposal.state, "draft")
        self.assertFalse(proposal.activity_ids)

    def test_limits_from_settings(self):
        settings = Form(self.env["res.config.settings"])
        settings.dispute_approval_amount = 100.0
        settings.dispute_approval_percent = 50.0
        settings.promise_grace_days = 5
        settings.save().execute()
        self.assertEqual(self.env.company.dispute_approval_amount, 100.0)
        self.assertEqual(self.env.company.promise_grace_days, 5)
        self.assertTrue(self.make_proposal(amount=150.0).needs_approval)
        self.assertFalse(self.make_proposal(amount=90.0).needs_approval)
        self.assertFalse(
            self.make_proposal(
                kind="due_date_extension", new_date_due=date(2099, 1, 1)
            ).needs_approval
        )

    def test_bad_input_refused(self):
        count = self.Proposal.search_count([])
        due = self.invoice_1.invoice_date_due
        cases = [
            ({"amount": 1000.01}, "exceeds what is still open"),
            ({"amount": 0.0}, "greater than zero"),
            ({"percent": 120.0}, "between 0 and 100"),
            ({"percent": -5.0}, "between 0 and 100"),
            ({"kind": "write_off", "amount": -1.0}, "greater than zero"),
            (
                {"kind": "due_date_extension", "new_date_due": due, "amount": 0.0},
                "must be after the current due date",
            ),
            (
                {"move_ids": [Command.set(self.other_invoice.ids)]},
                "belongs to partner_a",
            ),
        ]
        for vals, message in cases:
            with self.assertRaisesRegex(ValidationError, message):
                self.make_proposal(**{"amount": 10.0, **vals})
        self.assertEqual(self.Proposal.search_count([]), count)
        plan_offer = self.make_proposal(kind="payment_plan")
        with self.assertRaisesRegex(ValidationError, "create or select the plan"):
            plan_offer.action_submit()
        self.assertEqual(plan_offer.state, "draft")

    def test_extension_from_invoice(self):
        proposal_form = self.proposal_form(invoices=self.invoice_1)
        proposal_form.kind = "due_date_extension"
        new_due = self.invoice_1.invoice_date_due + timedelta(days=30)
        proposal_form.new_date_due = new_due
        proposal = proposal_form.save()
        self.assertFalse(proposal.dispute_id)
        proposal.action_send()
        proposal.action_accept()
        self.assertEqual(self.invoice_1.invoice_date_due, new_due)
        receivable = self.invoice_1.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.date_maturity, new_due)
        self.assertEqual(self.invoice_1.amount_residual, 1000.0)

    def test_write_off_over_two_invoices(self):
        proposal = self.make_proposal(
            kind="write_off",
            amount=300.0,
            move_ids=[Command.set((self.invoice_1 | self.invoice_2).ids)],
        )
        self.assertTrue(proposal.needs_approval, "20% of 1500")
        proposal.action_submit()
        proposal.with_user(self.manager).action_approve()
        proposal.action_send()
        proposal.action_accept()
        self.assertEqual(len(proposal.credit_note_ids), 2)
        self.assertEqual(self.invoice_1.amount_residual, 800.0)
        self.assertEqual(self.invoice_2.amount_residual, 400.0)

    def test_payment_plan_proposal(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[1000.0])
        proposal = self.make_proposal(kind="payment_plan", dispute_id=dispute.id)
        action = proposal.action_create_payment_plan()
        plan = proposal.payment_plan_id
        self.assertEqual(action["res_id"], plan.id)
        self.assertEqual(plan.amount_total, 1000.0)
        self.assertEqual(len(plan.line_ids), 3)
        proposal.action_send()
        self.assertEqual(plan.state, "proposed")
        message = proposal.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertIn("333.33", message.body)
        proposal.action_accept()
        self.assertEqual(plan.state, "active")
        self.assertEqual(dispute.state, "agreed")
        self.assertEqual(self.invoice_1.reminder_exclusion_reason, "dispute")
        self.assertEqual(dispute.payment_plan_count, 1)

    def test_decline_changes_nothing(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[200.0])
        proposal = self.make_proposal(amount=50.0, dispute_id=dispute.id)
        proposal.action_send()
        proposal.action_decline()
        self.assertEqual(proposal.state, "declined")
        self.assertEqual(proposal.accepted_by, self.collector)
        self.assertFalse(proposal.credit_note_ids)
        self.assertEqual(self.invoice_1.amount_residual, 1000.0)
        self.assertEqual(dispute.state, "proposed")
        with self.assertRaisesRegex(UserError, "is Declined: it cannot be answered"):
            proposal.action_accept()
        self.assertEqual(self.invoice_1.amount_residual, 1000.0)

    def test_expired_by_cron(self):
        with freeze_time("2026-04-01"):
            plan_proposal = self.make_proposal(kind="payment_plan")
            plan_proposal.action_create_payment_plan()
            proposal = self.make_proposal(amount=50.0, valid_until=date(2026, 4, 10))
            proposal.action_send()
            plan_proposal.valid_until = date(2026, 4, 10)
            plan_proposal.action_send()
        with freeze_time("2026-04-10"):
            self.cron.method_direct_trigger()
            self.assertEqual(proposal.state, "sent", "valid through its last day")
        with freeze_time("2026-04-11"):
            with self.assertRaisesRegex(UserError, "expired"):
                proposal.action_accept()
            self.cron.method_direct_trigger()
            self.assertEqual(proposal.state, "expired")
            self.assertEqual(plan_proposal.state, "expired")
            self.assertEqual(plan_proposal.payment_plan_id.state, "cancelled")
            with self.assertRaisesRegex(UserError, "expired"):
                proposal.action_accept()
            self.assertEqual(self.invoice_1.amount_residual, 1000.0)
            self.assertFalse(self.invoice_1.reminder_excluded)

    def test_portal_accept_through_sudo(self):
        proposal = self.make_proposal(amount=80.0)
        proposal.action_send()
        as_customer = proposal.with_user(self.portal_user).sudo()
        as_customer.action_accept()
        self.assertEqual(proposal.state, "accepted")
        self.assertEqual(proposal.accepted_by, self.portal_user)
        self.assertEqual(self.invoice_1.amount_residual, 920.0)
        note = proposal.message_ids.filtered(lambda m: "Accepted by" in (m.body or ""))
        self.assertEqual(note.author_id, self.customer_contact)

    def test_portal_decline_through_sudo(self):
        proposal = self.make_proposal(
            kind="due_date_extension", new_date_due=date(2099, 1, 1)
        )
        proposal.action_send()
        proposal.with_user(self.portal_user).sudo().action_decline()
        self.assertEqual(proposal.state, "declined")
        self.assertEqual(proposal.accepted_by, self.portal_user)
        self.assertNotEqual(self.invoice_1.invoice_date_due, date(2099, 1, 1))
