from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .test_money_rules import MoneyCommon
from .test_reminder_self_service import SelfServiceCommon


@tagged("post_install", "-at_install")
class TestOpenInvoice(SelfServiceCommon):
    """One definition of an open invoice, of a disputable one, of one under
    an open dispute, of a customer's posted invoices and of a disputed
    amount: every feature asks the same rule."""

    # a payment (bank journal) of an amount in the invoice's currency
    pay = MoneyCommon.pay

    def test_open_invoice_is_one_definition(self):
        """The field, its search and the reminders' domain agree on every
        payment state: open is not paid or partly paid; in payment, paid,
        reversed and blocked (payment on hold) are not."""
        partial = self.create_invoice(self.customer, 100.0)
        self.pay(partial, 40.0)
        paid = self.create_invoice(self.customer, 100.0)
        self.pay(paid, 100.0)
        in_payment = self.create_invoice(self.customer, 100.0)
        in_payment.payment_state = "in_payment"
        blocked = self.create_invoice(self.customer, 100.0)
        blocked.action_toggle_block_payment()
        draft = self.create_invoice(self.customer, 100.0, post=False)
        expected = {
            self.invoice_2: True,
            partial: True,
            paid: False,
            in_payment: False,
            blocked: False,
            draft: False,
        }
        self.assertEqual(partial.payment_state, "partial")
        self.assertEqual(blocked.payment_state, "blocked")
        moves = self.env["account.move"].concat(*expected)
        Move = self.env["account.move"]
        for field_domain in (
            [("is_open_invoice", "=", True)],
            Move._get_open_invoice_domain(),
        ):
            self.assertEqual(
                Move.search([*field_domain, ("id", "in", moves.ids)]),
                moves.filtered(lambda m: expected[m]),
            )
        self.assertEqual(
            Move.search([("is_open_invoice", "=", False), ("id", "in", moves.ids)]),
            moves.filtered(lambda m: not expected[m]),
        )
        for move, is_open in expected.items():
            with self.subTest(state=move.payment_state, posted=move.state):
                self.assertEqual(move.is_open_invoice, is_open)

    def test_blocked_invoice_is_not_disputed_nor_answered(self):
        """An invoice whose payment the accountant blocked is collected by
        nobody: it cannot be disputed (the invoice's button, the portal, the
        reminder's page) nor answered from a reminder, as it gets no
        reminder. It could be disputed on the portal before."""
        self.invoice_2.action_toggle_block_payment()
        with self.assertRaisesRegex(UserError, "can no longer be disputed"):
            self.env["invoice.dispute"].create_from_invoices(
                self.invoice_2, self.reason_price, "email"
            )
        self.assertFalse(self.invoice_2.dispute_ids)
        self.assertFalse(
            self.env["invoice.dispute"]._portal_can_dispute(self.invoice_2)
        )
        self.assertFalse(self.notice._portal_can_act(self.invoice_2))
        self.assertFalse(self.notice._portal_get_actions(self.invoice_2))
        self.assertTrue(self.notice._portal_can_act(self.invoice_1))

    def test_one_rule_says_who_may_dispute(self):
        """The invoice's button, the portal and the replies refuse the same
        invoices with the same message."""
        dispute = self.create_dispute(self.invoice_1)
        Dispute = self.env["invoice.dispute"]
        error = self.invoice_1._invoice_dispute_get_disputable_error()
        self.assertIn(dispute.name, error)
        self.assertIn("already has an open dispute", error)
        with self.assertRaisesRegex(UserError, dispute.name):
            self.invoice_1.action_raise_dispute()
        self.assertEqual(
            Dispute._portal_get_dispute_errors(
                self.invoice_1, self.reason_price, "Wrong.", 10.0, self.customer_contact
            ),
            {"general": error},
        )
        self.assertEqual(
            (self.invoice_1 | self.invoice_2)._invoice_dispute_filter_disputable(),
            self.invoice_2,
        )
        self.assertEqual(self.invoice_1._invoice_dispute_get_open_dispute(), dispute)
        self.assertEqual(self.invoice_1.dispute_state, "open")

    def test_portal_amount_error_is_the_line_rule(self):
        """The portal shows at its field the very message the dispute line's
        constraint raises."""
        Dispute = self.env["invoice.dispute"]
        for amount in (0.0, self.invoice_2.amount_residual + 0.01):
            with self.subTest(amount=amount):
                errors = Dispute._portal_get_dispute_errors(
                    self.invoice_2,
                    self.reason_price,
                    "Wrong.",
                    amount,
                    self.customer_contact,
                )
                with self.assertRaises(ValidationError) as refused:
                    self.create_dispute(self.invoice_2, amounts=[amount])
                self.assertEqual(errors, {"disputed_amount": str(refused.exception)})

    def test_customer_invoices_are_checked_once(self):
        """A dispute, a proposal, a payment plan, a promise and the
        invoice's *New proposal* refuse another customer's invoice with one
        message."""
        message = (
            f"Invoice {self.other_invoice.display_name} belongs to "
            f"{self.partner_a.display_name}, not to {self.customer.display_name}"
        )
        with self.assertRaisesRegex(ValidationError, message):
            self.create_dispute(
                self.invoice_1 | self.other_invoice,
                partner_id=self.customer.id,
                amounts=[10.0, 10.0],
            )
        with self.assertRaisesRegex(ValidationError, message):
            self.env["invoice.payment.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [
                        Command.set((self.invoice_1 | self.other_invoice).ids)
                    ],
                    "amount": 10.0,
                    "date_promised": self.today,
                }
            )
        with self.assertRaisesRegex(ValidationError, "single customer"):
            (self.invoice_1 | self.other_invoice).action_new_dispute_proposal()
        draft = self.create_invoice(self.customer, 100.0, post=False)
        with self.assertRaisesRegex(ValidationError, "is not posted"):
            draft.action_new_payment_plan()
        # the fields that pick a customer's open invoices ask the same rule
        self.assertEqual(
            self.env["account.move"].search(
                [
                    ("is_open_invoice", "=", True),
                    ("commercial_partner_id", "=", self.customer.id),
                    ("id", "in", (self.invoice_1 | self.other_invoice | draft).ids),
                ]
            ),
            self.invoice_1,
        )
