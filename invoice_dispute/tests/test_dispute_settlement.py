import re
from datetime import timedelta

from psycopg2 import errors

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from ..models.account_move import split_amount
from .common import (
    INVOICE_LABELS,
    ConcurrencyCase,
    InvoiceDisputeCommon,
    create_posted_invoice,
    delete_posted_invoices,
)

# The session's CSRF token that every portal page carries.
CSRF_RE = re.compile(r'(?:name="csrf_token" value="|csrf_token: ")([^"]+)"')


@tagged("post_install", "-at_install")
class TestDisputeSettlement(InvoiceDisputeCommon):
    """Credit notes exact to the cent, and an amount settled once (SPEC §10),
    through the one settlement used by the resolve wizard and by accepted
    proposals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vat_21 = cls.env["account.tax"].create(
            {"name": "VAT 21%", "amount_type": "percent", "amount": 21.0}
        )
        cls.vat_6 = cls.env["account.tax"].create(
            {"name": "VAT 6%", "amount_type": "percent", "amount": 6.0}
        )
        cls.vat_21_included = cls.env["account.tax"].create(
            {
                "name": "VAT 21% included",
                "amount_type": "percent",
                "amount": 21.0,
                "price_include_override": "tax_included",
            }
        )
        cls.vat_invoice = cls.create_taxed_invoice([(1, 1000.0, cls.vat_21)])
        cls.Proposal = cls.env["invoice.dispute.proposal"]
        # approval limits are not the subject here: every offer goes out at once
        cls.env.company.write(
            {"dispute_approval_amount": 100000.0, "dispute_approval_percent": 100.0}
        )

    @classmethod
    def create_taxed_invoice(cls, lines, partner=None, **vals):
        """A posted invoice of ``lines``: (quantity, price, taxes[, discount])."""
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or cls.customer).id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": f"Line {index} ({next(INVOICE_LABELS)})",
                            "quantity": line[0],
                            "price_unit": line[1],
                            "tax_ids": [Command.set(line[2].ids)],
                            "discount": line[3] if len(line) > 3 else 0.0,
                        }
                    )
                    for index, line in enumerate(lines)
                ],
                **vals,
            }
        )
        invoice.action_post()
        return invoice

    def resolve_form(self, dispute, **vals):
        """The resolve wizard as the user fills it, saved (not confirmed)."""
        action = dispute.action_resolve()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        for field, value in vals.items():
            setattr(wizard_form, field, value)
        return wizard_form.save()

    def sent_proposal(self, invoices=None, **vals):
        proposal = self.Proposal.create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set((invoices or self.vat_invoice).ids)],
                "kind": "discount",
                **vals,
            }
        )
        proposal.action_send()
        return proposal

    def sent_plan_offer(self, dispute):
        """A payment plan offered to settle ``dispute``, sent."""
        plan_offer = self.Proposal.create(
            {
                "partner_id": self.customer.id,
                "dispute_id": dispute.id,
                "kind": "payment_plan",
            }
        )
        plan_offer.action_create_payment_plan()
        plan_offer.action_send()
        return plan_offer

    def count_refunds(self):
        return self.env["account.move"].search_count([("move_type", "=", "out_refund")])

    # ------------------------------------------------------------------
    # Credit notes exact to the cent
    # ------------------------------------------------------------------
    def test_agreed_credit_of_ten_is_ten(self):
        """The issue's example: 1,000 net at 21 % (1,210), 10.00 agreed."""
        dispute = self.create_dispute(self.vat_invoice, amounts=[1210.0])
        wizard = self.resolve_form(dispute, resolution_type="credit_note", amount=10.0)
        wizard.action_confirm()
        refund = dispute.credit_note_ids
        self.assertEqual(refund.amount_total, 10.0)
        self.assertEqual(refund.amount_untaxed, 8.26)
        self.assertEqual(refund.amount_tax, 1.74, "the VAT included in 10.00")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(self.vat_invoice.amount_residual, 1200.0)
        self.assertEqual(dispute.amount_credited, 10.0)

    def test_credit_notes_exact_whatever_the_lines_and_rounding(self):
        cases = [
            ("one rate", [(1, 1000.0, self.vat_21)]),
            (
                "several rates and lines",
                [
                    (7, 13.33, self.vat_21),
                    (3, 19.99, self.vat_6),
                    (1, 45.0, self.vat_21 | self.vat_6),
                    (2, 10.0, self.env["account.tax"]),
                ],
            ),
            (
                "price-included taxes and discounts",
                [
                    (3, 121.0, self.vat_21_included, 12.5),
                    (1, 99.99, self.vat_21_included),
                    (2.5, 33.33, self.vat_6, 10.0),
                ],
            ),
            ("untaxed", [(3, 333.33, self.env["account.tax"])]),
        ]
        company = self.env.company
        for method in ("round_per_line", "round_globally"):
            company.tax_calculation_rounding_method = method
            for name, lines in cases:
                invoice = self.create_taxed_invoice(lines)
                total = invoice.amount_total
                for amount in (0.01, 10.0, 33.37, 123.45):
                    with self.subTest(rounding=method, lines=name, amount=amount):
                        refund = invoice._invoice_dispute_credit(amount, "Agreed")
                        self.assertEqual(refund.amount_total, amount)
                        self.assertEqual(refund.currency_id, invoice.currency_id)
                        self.assertEqual(refund.reversed_entry_id, invoice)
                        self.assertEqual(refund.payment_state, "paid")
                        total = invoice.currency_id.round(total - amount)
                        self.assertEqual(invoice.amount_residual, total)
                with self.subTest(rounding=method, lines=name, amount="open"):
                    dispute = self.create_dispute(invoice)
                    self.resolve_form(
                        dispute, resolution_type="write_off"
                    ).action_confirm()
                    self.assertEqual(dispute.credit_note_ids.amount_total, total)
                    self.assertEqual(invoice.amount_residual, 0.0)
                    self.assertIn(invoice.payment_state, ("paid", "reversed"))

    def test_credit_note_keeps_the_vat_split(self):
        """Several rates: each rate is credited in proportion to the invoice."""
        invoice = self.create_taxed_invoice(
            [(1, 1000.0, self.vat_21), (1, 1000.0, self.vat_6)]
        )
        self.assertEqual(invoice.amount_total, 2270.0)
        refund = invoice._invoice_dispute_credit(227.0, "Agreed")
        self.assertEqual(refund.amount_total, 227.0)
        self.assertEqual(refund.amount_untaxed, 200.0)
        by_tax = {
            line.tax_line_id: line.balance
            for line in refund.line_ids
            if line.tax_line_id
        }
        self.assertEqual(by_tax, {self.vat_21: 21.0, self.vat_6: 6.0})

    def test_write_off_what_is_open_on_a_partially_paid_invoice(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.vat_invoice.ids
        ).create({"amount": 500.0})._create_payments()
        self.assertEqual(self.vat_invoice.amount_residual, 710.0)
        dispute = self.create_dispute(self.vat_invoice)
        wizard = self.resolve_form(dispute, resolution_type="write_off")
        self.assertEqual(wizard.amount, 710.0, "what is open")
        wizard.action_confirm()
        self.assertEqual(dispute.credit_note_ids.amount_total, 710.0)
        self.assertEqual(self.vat_invoice.amount_residual, 0.0)
        self.assertIn(self.vat_invoice.payment_state, ("paid", "in_payment"))

    def test_credit_note_in_the_invoice_currency(self):
        """Company in USD, 1 EUR = 2 USD: a EUR invoice gets a EUR credit note of
        exactly the agreed EUR amount."""
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 0.5)])
        self.assertEqual(self.env.company.currency_id.name, "USD")
        invoice = self.create_taxed_invoice(
            [(1, 1000.0, self.vat_21)], currency_id=eur.id
        )
        dispute = self.create_dispute(invoice, currency_id=eur.id)
        self.resolve_form(dispute, amount=10.0).action_confirm()
        refund = dispute.credit_note_ids
        self.assertEqual(refund.currency_id, eur)
        self.assertEqual(refund.amount_total, 10.0)
        self.assertEqual(refund.amount_total_signed, -20.0, "in company currency")
        self.assertEqual(invoice.amount_residual, 1200.0)
        proposal = self.sent_proposal(invoice, currency_id=eur.id, amount=12.34)
        proposal.action_accept()
        self.assertEqual(proposal.credit_note_ids.currency_id, eur)
        self.assertEqual(proposal.credit_note_ids.amount_total, 12.34)
        self.assertEqual(invoice.amount_residual, 1187.66)

    def test_write_off_in_foreign_currency_after_a_rate_change(self):
        """Invoiced at 1 EUR = 2 USD a month ago, written off at 1 EUR = 2.50
        USD today: nothing is left open in EUR (Odoo books the exchange
        difference in USD)."""
        today = fields.Date.today()
        eur = self.setup_other_currency(
            "EUR",
            rates=[(today - timedelta(days=40), 0.5), (today - timedelta(days=1), 0.4)],
        )
        invoice = self.create_taxed_invoice(
            [(3, 333.33, self.vat_21)],
            currency_id=eur.id,
            invoice_date=today - timedelta(days=30),
        )
        dispute = self.create_dispute(invoice, currency_id=eur.id)
        wizard = self.resolve_form(dispute, resolution_type="write_off")
        self.assertEqual(wizard.amount, invoice.amount_total)
        wizard.action_confirm()
        refund = dispute.credit_note_ids
        self.assertEqual(refund.currency_id, eur)
        self.assertEqual(refund.amount_total, 1209.99)
        self.assertEqual(refund.amount_total_signed, -3024.98, "at 2.50")
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertIn(invoice.payment_state, ("paid", "reversed"))

    def test_accepted_proposal_credits_exactly(self):
        proposal = self.sent_proposal(amount=10.0)
        proposal.action_accept()
        self.assertEqual(proposal.credit_note_ids.amount_total, 10.0)
        self.assertEqual(self.vat_invoice.amount_residual, 1200.0)

    # ------------------------------------------------------------------
    # One settlement function, one split rule
    # ------------------------------------------------------------------
    def test_split_amount_exact_and_capped(self):
        usd = self.env.company.currency_id
        self.assertEqual(
            split_amount(usd, 100.0, [("a", 1), ("b", 1), ("c", 1)]),
            [("a", 33.34), ("b", 33.33), ("c", 33.33)],
        )
        self.assertEqual(
            split_amount(usd, 100.0, [("a", 1), ("b", 1)], caps={"a": 10.0}),
            [("a", 10.0), ("b", 90.0)],
        )
        self.assertEqual(
            split_amount(usd, 0.05, [("a", 1), ("b", 0), ("c", 3)]),
            [("a", 0.01), ("b", 0.0), ("c", 0.04)],
        )
        with self.assertRaises(ValueError):
            split_amount(usd, 50.0, [("a", 1)], caps={"a": 49.99})

    def test_resolution_and_proposal_split_alike(self):
        """A dispute of 300 on the 1,000 invoice and 500 on the 500 one:
        resolving and accepting its proposal both credit in proportion to the
        disputed amounts (3:5), not to what is open (2:1)."""
        invoices = self.invoice_1 | self.invoice_2
        dispute = self.create_dispute(invoices, amounts=[300.0, 500.0])
        self.sent_proposal(
            invoices, dispute_id=dispute.id, amount=400.0
        ).action_accept()
        self.assertEqual(self.invoice_1.amount_residual, 850.0)
        self.assertEqual(self.invoice_2.amount_residual, 250.0)
        other_1 = self.create_invoice(self.customer, 1000.0)
        other_2 = self.create_invoice(self.customer, 500.0)
        dispute_2 = self.create_dispute(other_1 | other_2, amounts=[300.0, 500.0])
        self.resolve_form(dispute_2, amount=400.0).action_confirm()
        self.assertEqual(other_1.amount_residual, 850.0)
        self.assertEqual(other_2.amount_residual, 250.0)

    def test_invoices_in_two_currencies_are_not_credited_together(self):
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 0.5)])
        eur_invoice = self.create_invoice(self.customer, 100.0, currency_id=eur.id)
        refunds = self.count_refunds()
        with self.assertRaisesRegex(UserError, "invoices of one currency"):
            (self.invoice_1 | eur_invoice)._invoice_dispute_settle(
                "discount", amount=10.0
            )
        self.assertEqual(self.count_refunds(), refunds)

    # ------------------------------------------------------------------
    # One settlement
    # ------------------------------------------------------------------
    def test_accepting_a_proposal_withdraws_the_other_offers(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        discount = self.sent_proposal(
            self.invoice_1, dispute_id=dispute.id, amount=50.0
        )
        write_off = self.sent_proposal(
            self.invoice_1, dispute_id=dispute.id, kind="write_off", amount=80.0
        )
        plan_offer = self.sent_plan_offer(dispute)
        self.assertEqual(plan_offer.payment_plan_id.state, "proposed")
        draft = self.Proposal.create(
            {"partner_id": self.customer.id, "dispute_id": dispute.id, "amount": 5.0}
        )
        discount.action_accept()
        self.assertEqual(discount.state, "accepted")
        self.assertEqual(dispute.accepted_proposal_id, discount)
        for other in (write_off, plan_offer, draft):
            self.assertEqual(other.state, "cancelled")
            self.assertIn(discount.name, other.message_ids[0].body)
        self.assertEqual(plan_offer.payment_plan_id.state, "cancelled")
        with self.assertRaisesRegex(UserError, "cannot be answered"):
            write_off.action_accept()
        # Brought back as a draft, it cannot be sent again, nor settle twice.
        write_off.action_reset_draft()
        with self.assertRaisesRegex(UserError, "already settled by proposal"):
            write_off.action_send()
        self.assertEqual(write_off.state, "draft")
        with self.assertRaisesRegex(UserError, "already settled by proposal"):
            self.invoice_1._invoice_dispute_settle(
                "write_off", amount=80.0, dispute=dispute, proposal=write_off
            )
        with self.assertRaisesRegex(UserError, "already settled by the accepted"):
            dispute.action_new_proposal()
        self.assertEqual(self.invoice_1.amount_residual, 950.0)

    def test_offers_on_overdue_invoices_settle_once(self):
        """Without a dispute, offers sharing an invoice are alternatives too;
        an offer on other invoices stays open."""
        both = self.sent_proposal(self.invoice_1 | self.invoice_2, amount=150.0)
        shared = self.sent_proposal(self.invoice_2, kind="write_off", amount=500.0)
        elsewhere = self.sent_proposal(
            self.create_invoice(self.customer, 200.0), amount=20.0
        )
        both.action_accept()
        self.assertEqual(shared.state, "cancelled")
        self.assertEqual(elsewhere.state, "sent")
        self.assertEqual(self.invoice_1.amount_residual, 900.0)
        self.assertEqual(self.invoice_2.amount_residual, 450.0)
        with self.assertRaisesRegex(UserError, "cannot be answered"):
            shared.action_accept()
        self.assertEqual(self.invoice_2.amount_residual, 450.0)
        # settled by a script, without a dispute or proposal: the same rules
        self.env["account.move"].browse(elsewhere.move_ids.ids)._invoice_dispute_settle(
            "write_off", amount=200.0
        )
        self.assertEqual(elsewhere.state, "cancelled")
        self.assertIn("the invoices were settled", elsewhere.message_ids[0].body)
        self.assertEqual(elsewhere.move_ids.amount_residual, 0.0)

    def test_two_proposals_accepted_together_settle_once(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        first = self.sent_proposal(self.invoice_1, dispute_id=dispute.id, amount=50.0)
        second = self.sent_proposal(self.invoice_1, dispute_id=dispute.id, amount=60.0)
        refunds = self.count_refunds()
        with self.assertRaisesRegex(UserError, "cannot be answered"):
            (first | second).action_accept()
        self.assertEqual((first | second).mapped("state"), ["sent", "sent"])
        self.assertEqual(self.count_refunds(), refunds)
        self.assertEqual(self.invoice_1.amount_residual, 1000.0)

    def test_resolving_a_dispute_settled_by_a_proposal_credits_nothing_again(self):
        dispute = self.create_dispute(self.vat_invoice, amounts=[300.0])
        proposal = self.sent_proposal(dispute_id=dispute.id, amount=50.0)
        proposal.action_accept()
        self.assertEqual(dispute.state, "agreed")
        refunds = self.count_refunds()
        wizard = self.resolve_form(dispute)
        self.assertEqual(wizard.resolution_type, "discount", "what was agreed")
        self.assertEqual(wizard.amount, 0.0)
        self.assertEqual(wizard.amount_credited, 50.0)
        wizard.amount = 250.0
        with self.assertRaisesRegex(UserError, "already settled by the accepted"):
            wizard.action_confirm()
        self.assertEqual(dispute.state, "agreed")
        for resolution, vals in (
            ("corrected_invoice", {}),
            (
                "due_date_extension",
                {"new_date_due": self.vat_invoice.invoice_date_due + timedelta(1)},
            ),
        ):
            with self.assertRaisesRegex(UserError, "already settled by the accepted"):
                dispute._resolve(resolution, **vals)
        self.assertEqual(self.count_refunds(), refunds)
        self.resolve_form(dispute).action_confirm()
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.resolution_type, "discount")
        self.assertEqual(dispute.credit_note_ids, proposal.credit_note_ids)
        self.assertEqual(self.count_refunds(), refunds)
        self.assertEqual(self.vat_invoice.amount_residual, 1160.0)

    def test_resolve_through_the_orm(self):
        """Scripts resolve with the same function as the wizard; what they do
        not give stays as it is."""
        dispute = self.create_dispute(self.vat_invoice, amounts=[121.0])
        dispute.write({"root_cause": "pricing_error", "preventive_action": "Check"})
        refunds = dispute._resolve("discount", amount=12.1, note="<p>Agreed</p>")
        self.assertEqual(refunds, dispute.credit_note_ids)
        self.assertEqual(refunds.amount_total, 12.1)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.root_cause, "pricing_error")
        self.assertEqual(dispute.preventive_action, "Check")
        self.assertIn("Agreed", dispute.resolution_note)

    def test_resolving_twice_is_refused(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        first = self.resolve_form(dispute, amount=300.0)
        second = self.resolve_form(dispute, amount=300.0)
        first.action_confirm()
        with self.assertRaisesRegex(UserError, "is Resolved"):
            second.action_confirm()
        self.assertEqual(len(dispute.credit_note_ids), 1)
        self.assertEqual(self.invoice_1.amount_residual, 700.0)

    def test_reopened_dispute_credits_at_most_what_is_left(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        self.resolve_form(dispute, amount=100.0).action_confirm()
        dispute.action_reopen()
        wizard = self.resolve_form(dispute)
        self.assertEqual(wizard.amount, 200.0, "300 disputed, 100 credited")
        wizard.amount = 200.01
        refunds = self.count_refunds()
        with self.assertRaisesRegex(UserError, r"at most \$\s?200\.00"):
            wizard.action_confirm()
        self.assertEqual(self.count_refunds(), refunds)
        self.assertEqual(dispute.state, "investigating")
        # a proposal from the reopened dispute is held to the same limit, when
        # it is sent and when it is accepted
        self.assertEqual(
            dispute.action_new_proposal()["context"]["default_amount"], 200.0
        )
        with self.assertRaisesRegex(UserError, "exceeds what is left"):
            self.sent_proposal(self.invoice_1, dispute_id=dispute.id, amount=250.0)
        proposal = self.sent_proposal(
            self.invoice_1, dispute_id=dispute.id, amount=150.0
        )
        dispute.line_ids.disputed_amount = 200.0
        with self.assertRaisesRegex(
            UserError, r"exceeds what is left.*at most \$\s?100\.00"
        ):
            proposal.action_accept()
        self.assertEqual(proposal.state, "sent")
        dispute.line_ids.disputed_amount = 300.0
        with self.assertRaisesRegex(UserError, "already credited"):
            dispute._resolve("corrected_invoice")
        self.assertEqual(self.count_refunds(), refunds)
        wizard.amount = 200.0
        wizard.action_confirm()
        self.assertEqual(dispute.amount_credited, 300.0)
        self.assertEqual(self.invoice_1.amount_residual, 700.0)
        self.assertEqual(proposal.state, "cancelled", "the dispute is settled")
        dispute.action_reopen()
        self.assertEqual(self.resolve_form(dispute).amount, 0.0)
        with self.assertRaisesRegex(UserError, "exceeds what is left"):
            dispute._resolve("credit_note", amount=0.01)
        self.assertEqual(self.invoice_1.amount_residual, 700.0)

    def test_proposal_after_the_dispute_was_resolved(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        proposal = self.sent_proposal(
            self.invoice_1, dispute_id=dispute.id, amount=100.0
        )
        self.resolve_form(dispute, amount=300.0).action_confirm()
        self.assertEqual(proposal.state, "cancelled")
        with self.assertRaisesRegex(UserError, "is closed"):
            proposal.action_accept()
        self.assertEqual(self.invoice_1.amount_residual, 700.0)

    def test_credit_outside_the_open_dispute_of_an_invoice(self):
        """A proposal made on the invoice, not from its open dispute, cannot
        credit it; resolving the dispute withdraws it."""
        offer = self.sent_proposal(self.invoice_1, amount=100.0)
        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        with self.assertRaisesRegex(UserError, "is disputed in"):
            offer.action_accept()
        self.assertEqual(offer.state, "sent")
        self.assertEqual(self.invoice_1.amount_residual, 1000.0)
        self.resolve_form(dispute, amount=300.0).action_confirm()
        self.assertEqual(offer.state, "cancelled")
        self.assertIn(dispute.name, offer.message_ids[0].body)
        self.assertEqual(self.invoice_1.amount_residual, 700.0)

    def test_closing_a_dispute_withdraws_plan_offers(self):
        dispute = self.create_dispute(self.invoice_1, amounts=[300.0])
        plan_offer = self.sent_plan_offer(dispute)
        dispute.action_reject()
        self.assertEqual(plan_offer.state, "cancelled")
        self.assertEqual(plan_offer.payment_plan_id.state, "cancelled")


@tagged("post_install", "-at_install")
class TestDisputeSettlementPortal(InvoiceDisputeCommon, HttpCase):
    """The customer answers on the portal: one offer settles the dispute."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write(
            {"dispute_approval_amount": 100000.0, "dispute_approval_percent": 100.0}
        )
        cls.portal_anne = cls.create_portal_user("anne_portal", cls.customer_contact)
        cls.dispute = cls.create_dispute(
            cls.invoice_1, amounts=[300.0], contact_id=cls.customer_contact.id
        )
        cls.proposals = cls.env["invoice.dispute.proposal"]
        for amount in (100.0, 150.0):
            proposal = cls.proposals.create(
                {
                    "partner_id": cls.customer.id,
                    "dispute_id": cls.dispute.id,
                    "kind": "discount",
                    "amount": amount,
                }
            )
            proposal.action_send()
            cls.proposals |= proposal

    def accept(self, proposal):
        page = self.url_open(f"/my/disputes/{self.dispute.id}")
        token = CSRF_RE.search(page.text).group(1)
        response = self.url_open(
            f"/my/disputes/{self.dispute.id}/proposal/{proposal.id}/accept",
            data={"csrf_token": token},
        )
        self.env.invalidate_all()
        return response

    def test_portal_customer_settles_once(self):
        first, second = self.proposals
        self.authenticate("anne_portal", "anne_portal-Secret-123")
        self.assertIn("you accepted our proposal", self.accept(first).text)
        self.assertEqual(first.state, "accepted")
        self.assertEqual(second.state, "cancelled")
        self.assertIn("cannot be answered, only from Sent", self.accept(second).text)
        self.assertEqual(second.state, "cancelled")
        self.assertEqual(self.invoice_1.amount_residual, 900.0)
        self.assertEqual(self.dispute.amount_credited, 100.0)

    def test_portal_acceptance_above_what_is_left_is_refused(self):
        """The disputed amount was lowered after the offer went out."""
        self.dispute.line_ids.disputed_amount = 120.0
        self.authenticate("anne_portal", "anne_portal-Secret-123")
        response = self.accept(self.proposals[1])
        self.assertIn("o_dispute_error", response.text)
        self.assertIn("exceeds what is left", response.text)
        self.assertEqual(self.proposals.mapped("state"), ["sent", "sent"])
        self.assertFalse(self.dispute.credit_note_ids)
        self.assertEqual(self.invoice_1.amount_residual, 1000.0)


@tagged("post_install", "-at_install")
class TestDisputeSettlementConcurrency(ConcurrencyCase):
    """The customer accepts one offer online while a collector records the
    acceptance of another, in two real database transactions: the dispute is
    settled once."""

    def _set_up_committed(self, env):
        partner = env["res.partner"].create(
            {"name": "Concurrent settlement", "is_company": True}
        )
        invoice = create_posted_invoice(env, partner)
        dispute = env["invoice.dispute"].create(
            {
                "partner_id": partner.id,
                "reason_id": env.ref("invoice_dispute.reason_pricing").id,
                "line_ids": [
                    Command.create({"move_id": invoice.id, "disputed_amount": 100.0})
                ],
            }
        )
        proposals = env["invoice.dispute.proposal"].create(
            [
                {"dispute_id": dispute.id, "kind": "discount", "amount": amount}
                for amount in (30.0, 40.0)
            ]
        )
        proposals._force_state("sent")
        return {
            "partner": partner,
            "invoice": invoice,
            "dispute": dispute,
            "proposals": proposals,
        }

    def _clean_up_committed(self, env):
        proposals = env["invoice.dispute.proposal"].browse(self.ids["proposals"])
        proposals._force_state("draft")
        proposals.unlink()
        dispute = env["invoice.dispute"].browse(self.ids["dispute"])
        dispute._force_state("cancelled")
        dispute.unlink()
        invoice = env["account.move"].browse(self.ids["invoice"])
        moves = invoice | env["account.move"].search(
            [("reversed_entry_id", "=", invoice.id)]
        )
        delete_posted_invoices(moves)
        env["res.partner"].browse(self.ids["partner"]).unlink()

    def test_two_acceptances_at_once_settle_once(self):
        first_id, second_id = self.ids["proposals"]
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = self.env_of(cr1)
            env1["invoice.dispute.proposal"].browse(first_id).action_accept()
            # the second transaction starts before the first commits: it still
            # sees its proposal sent
            second = self.env_of(cr2)["invoice.dispute.proposal"].browse(second_id)
            self.assertEqual(second.state, "sent")

            def accept_second():
                second.action_accept()
                second.env.flush_all()

            # PostgreSQL refuses the second one's lock once the first commits
            with mute_logger("odoo.sql_db"):
                error = self.run_waiting_for(
                    cr1, accept_second, "the second settlement waits"
                )
            cr2.rollback()
        self.assertIsInstance(error, (errors.SerializationFailure, UserError))
        with self.registry.cursor() as cr:
            env = self.env_of(cr)
            invoice = env["account.move"].browse(self.ids["invoice"])
            self.assertEqual(invoice.amount_residual, 70.0)
            refunds = env["account.move"].search(
                [("reversed_entry_id", "=", invoice.id)]
            )
            self.assertEqual(refunds.mapped("amount_total"), [30.0])
            proposals = env["invoice.dispute.proposal"].browse(self.ids["proposals"])
            self.assertEqual(proposals.mapped("state"), ["accepted", "cancelled"])
