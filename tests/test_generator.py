"""The data generator (scripts/generate_data.py) keeps the accounting right."""

import importlib.util
from datetime import date, timedelta
from pathlib import Path

from freezegun import freeze_time

from .common import ScenarioCase

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "generate_data.py"
# The generator dates everything from today: the counts below hold for this
# day (with seed 7), so the data is generated as on this day.
TODAY = date(2026, 6, 15)


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestGenerator(ScenarioCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generator = _load_generator()
        cls.first_partner_id = (
            cls.env["res.partner"].search([], order="id desc", limit=1).id
        )
        cls.startClassPatcher(freeze_time(TODAY))
        cls.result = cls.generator.generate(
            cls.env,
            customers=20,
            invoices=120,
            overdue_ratio=0.4,
            disputed_ratio=0.1,
            plan_ratio=0.03,
            paid_ratio=0.35,
            partial_ratio=0.1,
            seed=7,
        )
        cls.env.flush_all()
        cls.invoices = cls.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("partner_id", ">", cls.first_partner_id),
                ("state", "=", "posted"),
            ]
        )

    def test_counts(self):
        result = self.result
        self.assertEqual(result["customers"], 20)
        self.assertEqual(result["invoices"], 120)
        self.assertEqual(len(self.invoices), 120)
        self.assertGreater(result["invoices_sql"], 100)
        self.assertEqual(result["invoices_paid"], 42)
        self.assertEqual(result["invoices_partial"], 12)
        overdue = self.invoices.filtered(
            lambda m: m.amount_residual and m.invoice_date_due < TODAY
        )
        self.assertEqual(len(overdue), 48)

    def test_moves_balanced_and_residuals(self):
        self.env.cr.execute(
            """
            SELECT move_id FROM account_move_line WHERE move_id IN %s
             GROUP BY move_id HAVING SUM(debit) != SUM(credit)
                 OR SUM(balance) != 0
            """,
            [tuple(self.invoices.ids)],
        )
        self.assertFalse(self.env.cr.fetchall(), "unbalanced invoices")
        self.env.cr.execute(
            """
            SELECT m.id FROM account_move m
              JOIN account_move_line l ON l.move_id = m.id
              JOIN account_account a ON a.id = l.account_id
             WHERE m.id IN %s AND a.account_type = 'asset_receivable'
             GROUP BY m.id, m.amount_residual, m.amount_total
            HAVING m.amount_residual != SUM(l.amount_residual)
                OR m.amount_total != SUM(l.balance)
            """,
            [tuple(self.invoices.ids)],
        )
        self.assertFalse(self.env.cr.fetchall(), "residuals differ from lines")
        # The invoice dates span the last year, the due dates follow the terms.
        self.assertGreater(
            max(self.invoices.mapped("invoice_date"))
            - min(self.invoices.mapped("invoice_date")),
            timedelta(days=180),
        )

    def test_sql_copies_equal_orm_invoices(self):
        unpaid = self.invoices.filtered(
            lambda m: m.payment_state == "not_paid" and m.dispute_state == "none"
        )
        for move in unpaid[:3] | unpaid[-2:]:
            self.assertEqual(self.generator.compare_with_orm(self.env, move), [])

    def test_payments(self):
        paid = self.invoices.filtered(
            lambda m: m.payment_state in ("paid", "in_payment")
        )
        self.assertGreaterEqual(len(paid), 42)
        for move in paid:
            self.assertTrue(move.currency_id.is_zero(move.amount_residual))
            self.assertTrue(move.matched_payment_ids)
        partial = self.invoices.filtered(lambda m: m.payment_state == "partial")
        # The partly paid ones; others are partly credited by a resolved dispute.
        partly_paid = partial.filtered("matched_payment_ids")
        self.assertEqual(len(partly_paid), 12)
        for move in partial - partly_paid:
            self.assertTrue(move.reversal_move_ids)
            self.assertEqual(move.dispute_state, "resolved")
        payments = partly_paid.matched_payment_ids
        self.assertEqual(set(payments.mapped("state")), {"in_process"})
        for move in partial:
            self.assertLess(move.amount_residual, move.amount_total)

    def test_disputes_in_every_state(self):
        disputes = self.env["invoice.dispute"].search(
            [("partner_id", "in", self.invoices.commercial_partner_id.ids)]
        )
        states = set(disputes.mapped("state"))
        self.assertEqual(
            states,
            {
                "new",
                "investigating",
                "proposed",
                "agreed",
                "resolved",
                "rejected",
                "cancelled",
            },
        )
        for dispute in disputes:
            self.assertTrue(dispute.customer_statement)
            self.assertTrue(dispute.our_understanding)
            self.assertTrue(dispute.reason_id)
        with_credit = disputes.filtered("credit_note_ids")
        self.assertTrue(with_credit)
        for refund in with_credit.credit_note_ids:
            self.assertEqual(refund.state, "posted")
            self.assertIn(refund.payment_state, ("paid", "reversed"))
        open_invoices = disputes.filtered("is_open").line_ids.move_id
        self.assertEqual(set(open_invoices.mapped("dispute_state")), {"open"})

    def test_demo_proposals_in_several_states(self):
        """The demo's proposed disputes get proposals through the model's
        actions: one to answer on the portal, accepted, declined, waiting
        for approval (issue 17, point 7)."""
        gen = self.generator._Generator(self.env, seed=7)
        disputes = self.env["invoice.dispute"].search(
            [
                ("partner_id", "in", self.invoices.commercial_partner_id.ids),
                ("state", "=", "proposed"),
            ]
        )
        self.assertTrue(disputes)
        open_sent = gen.create_demo_proposals(disputes)
        proposals = disputes.proposal_ids
        self.assertEqual(len(proposals), len(disputes))
        self.assertTrue(open_sent)
        self.assertEqual(set(open_sent.mapped("state")), {"sent"})
        if len(disputes) >= 4:
            self.assertGreaterEqual(
                set(proposals.mapped("state")), {"sent", "accepted", "declined"}
            )

    def test_customers(self):
        partners = self.invoices.commercial_partner_id
        customers = self.env["res.partner"].search(
            [("id", ">", self.first_partner_id), ("parent_id", "=", False)]
        )
        self.assertEqual(len(customers), 20)
        self.assertEqual(
            set(customers.mapped("lang")), {"en_US", "nl_NL", "sk_SK", "sv_SE"}
        )
        b2b = customers.filtered("is_company")
        self.assertTrue(b2b and all(b2b.mapped("vat")))
        self.assertTrue(customers - b2b)
        self.assertFalse(any((customers - b2b).mapped("vat")))
        with_contact = customers.filtered("ar_contact_id")
        self.assertTrue(with_contact)
        for partner in with_contact:
            self.assertTrue(partner.ar_contact_id.is_ar_contact)
            self.assertEqual(partner.ar_contact_id.parent_id, partner)
        self.assertTrue(customers.filtered("payment_weekday"))
        self.assertTrue(customers.filtered("collector_id"))
        self.assertLessEqual(partners, customers)

    def test_plans_and_promises(self):
        plans = self.env["invoice.payment.plan"].search(
            [("move_ids", "in", self.invoices.ids)]
        )
        promises = self.env["invoice.payment.promise"].search(
            [("move_ids", "in", self.invoices.ids)]
        )
        self.assertEqual(len(plans), self.result.get("plans", 0))
        self.assertEqual(len(promises), self.result.get("promises", 0))
        self.assertTrue(plans and promises)

    def test_sql_payments_equal_orm_payments(self):
        """Payments copied by SQL equal those the register-payment wizard
        makes for the same invoices, date and amount, column by column."""
        self.assertGreater(self.result["payments_sql"], 20)
        # Disputes opened since (or their credit notes) changed the invoice.
        payments = self.invoices.matched_payment_ids.sorted("id").filtered(
            lambda p: (
                set(p.invoice_ids.mapped("dispute_state")) == {"none"}
                and not p.invoice_ids.reversal_move_ids
            )
        )
        grouped = payments.filtered(lambda p: len(p.invoice_ids) > 1)
        partial = payments.filtered(lambda p: p.state == "in_process")
        single = payments - grouped - partial
        self.assertTrue(grouped and partial and single)
        for payment in grouped[:3] | partial[:2] | partial[-2:] | single[-3:]:
            with self.subTest(payment=payment.name):
                self.assertEqual(
                    self.generator.compare_payment_with_orm(self.env, payment), []
                )

    def test_reconciliation_consistent(self):
        cr = self.env.cr
        payments = self.invoices.matched_payment_ids
        self.assertEqual(
            len(payments), self.result["payments"], "one payment per group"
        )
        cr.execute(
            """
            SELECT move_id FROM account_move_line WHERE move_id IN %s
             GROUP BY move_id HAVING SUM(balance) != 0
            """,
            [tuple(payments.move_id.ids)],
        )
        self.assertFalse(cr.fetchall(), "unbalanced payments")
        # What the partials took off each invoice is what it no longer owes.
        cr.execute(
            """
            SELECT m.id FROM account_move m
              JOIN account_move_line l ON l.move_id = m.id
              LEFT JOIN account_partial_reconcile p ON p.debit_move_id = l.id
             WHERE m.id IN %s AND l.display_type = 'payment_term'
             GROUP BY m.id
            HAVING m.amount_total - m.amount_residual
                   != COALESCE(SUM(p.amount), 0)
            """,
            [tuple(self.invoices.ids)],
        )
        self.assertFalse(cr.fetchall(), "partials differ from paid amounts")
        # Paid: reconciled lines sharing the full reconcile's number;
        # partial: P + the partial's id on both sides.
        cr.execute(
            """
            SELECT l.id FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
             WHERE m.id IN %s AND l.display_type = 'payment_term'
               AND CASE m.payment_state
                   WHEN 'paid' THEN NOT l.reconciled
                        OR l.matching_number != l.full_reconcile_id::text
                   WHEN 'partial' THEN l.reconciled OR l.matching_number NOT IN (
                        SELECT 'P' || p.id FROM account_partial_reconcile p
                         WHERE p.debit_move_id = l.id)
                   ELSE l.matching_number IS NOT NULL END
            """,
            [tuple(self.invoices.filtered(lambda m: not m.reversal_move_ids).ids)],
        )
        self.assertFalse(cr.fetchall(), "wrong matching numbers")
        names = payments.move_id.mapped("name")
        self.assertEqual(len(set(names)), len(names))
        self.assertEqual(payments.mapped("name"), names)

    def test_compare_payment_sees_differences(self):
        payment = self.invoices.matched_payment_ids.filtered(
            lambda p: (
                set(p.invoice_ids.mapped("dispute_state")) == {"none"}
                and not p.invoice_ids.reversal_move_ids
            )
        )[-1:]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_partial_reconcile SET max_date = max_date - 1 "
            "WHERE credit_move_id IN %s",
            [tuple(payment.move_id.line_ids.ids)],
        )
        self.env.invalidate_all()
        diffs = self.generator.compare_payment_with_orm(self.env, payment)
        self.assertTrue(diffs)
        self.assertIn("account_partial_reconcile.max_date", diffs[0])
