from datetime import timedelta

from odoo.tests import Form, tagged

from .common_collection import CollectionCommon


@tagged("post_install", "-at_install")
class TestPartnerPaymentBehaviour(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = cls.today
        # Paid on time (2 days early), 10 days late and 20 days late; one
        # paid long ago (outside the 365 days) and one still open.
        on_time = cls.create_overdue(cls.customer, 100.0, 60)
        cls.pay(on_time, today - timedelta(days=62))
        late_10 = cls.create_overdue(cls.customer, 200.0, 40)
        cls.pay(late_10, today - timedelta(days=30))
        late_20 = cls.create_overdue(cls.customer, 300.0, 30)
        cls.pay(late_20, today - timedelta(days=10))
        old = cls.create_overdue(cls.customer, 400.0, 500)
        cls.pay(old, today - timedelta(days=400))
        cls.create_overdue(cls.customer, 500.0, 5)
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Andersson AB", "is_company": True}
        )
        cls.pay(
            cls.create_overdue(cls.other_customer, 50.0, 20),
            today - timedelta(days=15),
        )

    def test_payment_behaviour_figures(self):
        customer = self.customer
        self.assertEqual(customer.payment_history_count, 3)
        self.assertAlmostEqual(customer.payment_avg_days_late, 10.0)
        self.assertAlmostEqual(customer.payment_on_time_ratio, 1 / 3)
        other = self.other_customer
        self.assertEqual(other.payment_history_count, 1)
        self.assertAlmostEqual(other.payment_avg_days_late, 5.0)
        self.assertEqual(other.payment_on_time_ratio, 0.0)
        # A contact shows the figures of its company.
        self.assertEqual(self.ap_contact.payment_history_count, 3)
        self.assertAlmostEqual(self.ap_contact.payment_avg_days_late, 10.0)

    def test_last_reconciliation_date_counts(self):
        """Partly paid on time, the rest late: the last reconciliation counts."""
        customer = self.env["res.partner"].create({"name": "Novák s.r.o."})
        invoice = self.create_overdue(customer, 1000.0, 30)
        register = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        )
        register.create(
            {"payment_date": self.today - timedelta(days=31), "amount": 400.0}
        )._create_payments()
        self.assertEqual(customer.payment_history_count, 0)
        register.create(
            {"payment_date": self.today - timedelta(days=24), "amount": 600.0}
        )._create_payments()
        customer.invalidate_recordset()
        self.assertEqual(customer.payment_history_count, 1)
        self.assertAlmostEqual(customer.payment_avg_days_late, 6.0)
        self.assertEqual(customer.payment_on_time_ratio, 0.0)

    def test_promise_counts(self):
        Promise = self.env["invoice.payment.promise"]
        for state in ("kept", "kept", "broken", "pending", "cancelled"):
            Promise._create_in_state(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [(6, 0, self.invoice_1.ids)],
                    "amount": 100.0,
                    "date_promised": self.today,
                    "state": state,
                }
            )
        self.assertEqual(self.customer.promise_kept_count, 2)
        self.assertEqual(self.customer.promise_broken_count, 1)
        self.assertEqual(self.other_customer.promise_kept_count, 0)

    def test_one_query_for_a_whole_list(self):
        customers = self.customer | self.other_customer | self.partner_a
        customers.mapped("commercial_partner_id")
        self.env.flush_all()
        with self.assertQueryCount(1):
            figures = customers.mapped("payment_avg_days_late")
            customers.mapped("payment_on_time_ratio")
            customers.mapped("promise_broken_count")
            customers.mapped("promise_kept_count")
        self.assertAlmostEqual(figures[0], 10.0)

    def test_collections_page(self):
        with Form(self.customer) as form:
            form.collector_id = self.env.user
            form.reminder_block_until = self.today + timedelta(days=5)
            form.reminder_block_reason = "Invoice address being corrected"
        self.assertEqual(self.customer.collector_id, self.env.user)
        self.assertEqual(self.invoice_1.reminder_exclusion_reason, "partner_block")
