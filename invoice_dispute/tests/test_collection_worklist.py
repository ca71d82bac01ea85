from datetime import timedelta

from odoo.tests import new_test_user, tagged

from .common_collection import CollectionCommon


@tagged("post_install", "-at_install", "is_query_count")
class TestCollectionWorklist(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.collector = new_test_user(
            cls.env,
            login="collector_eva",
            groups="account.group_account_invoice",
            company_id=cls.env.company.id,
        )
        # Van Dijk: 1,000 overdue for 20 days and 500 not yet due.
        cls.vd_overdue = cls.create_overdue(cls.customer, 1000.0, 20)
        cls.create_overdue(cls.customer, 500.0, -5)
        # Big: 5,000 overdue for 3 days.
        cls.big = Partner.create({"name": "Big Orders GmbH", "is_company": True})
        cls.create_overdue(cls.big, 5000.0, 3)
        # Slow: 200 overdue for 90 days, one broken promise, own collector.
        cls.slow = Partner.create(
            {
                "name": "Slow Payer s.r.o.",
                "is_company": True,
                "collector_id": cls.collector.id,
            }
        )
        slow_invoice = cls.create_overdue(cls.slow, 200.0, 90)
        cls.env["invoice.payment.promise"]._create_in_state(
            {
                "partner_id": cls.slow.id,
                "move_ids": [(6, 0, slow_invoice.ids)],
                "amount": 200.0,
                "date_promised": cls.today - timedelta(days=30),
                "state": "broken",
            }
        )
        # Paused: everything overdue is disputed, promised or blocked.
        cls.disputed = Partner.create({"name": "Disputing AB", "is_company": True})
        cls.create_dispute(cls.create_overdue(cls.disputed, 700.0, 40))
        cls.promised = Partner.create({"name": "Promising BV", "is_company": True})
        promised_invoice = cls.create_overdue(cls.promised, 800.0, 40)
        cls.env["invoice.payment.promise"].create(
            {
                "partner_id": cls.promised.id,
                "move_ids": [(6, 0, promised_invoice.ids)],
                "amount": 800.0,
                "date_promised": cls.today + timedelta(days=3),
            }
        )
        cls.blocked = Partner.create(
            {
                "name": "Blocked Ltd",
                "is_company": True,
                "reminder_block_until": cls.today + timedelta(days=3),
                "reminder_block_reason": "Address being corrected",
            }
        )
        cls.create_overdue(cls.blocked, 900.0, 40)
        # Paid: nothing overdue any more.
        cls.paid = Partner.create({"name": "Paid Up NV", "is_company": True})
        cls.pay(cls.create_overdue(cls.paid, 400.0, 40), cls.today)
        cls.ours = cls.customer | cls.big | cls.slow
        cls.others = cls.disputed | cls.promised | cls.blocked | cls.paid

    def worklist(self, domain=None):
        return self.env["invoice.collection.worklist"].search(
            [("partner_id", "in", (self.ours | self.others).ids), *(domain or [])]
        )

    def test_customers_ranked_by_priority(self):
        rows = self.worklist()
        self.assertEqual(rows.partner_id, self.slow | self.big | self.customer)
        # Slow: 200/100 + 90 days + 25 per broken promise = 117.
        # Big: 5000/100 + 3 days = 53. Van Dijk: 1000/100 + 20 days = 30.
        self.assertEqual(
            [row.partner_id for row in rows], [self.slow, self.big, self.customer]
        )
        self.assertEqual(rows.mapped("priority_score"), [117.0, 53.0, 30.0])
        van_dijk = rows[2]
        self.assertEqual(van_dijk.amount_overdue, 1000.0)
        self.assertEqual(van_dijk.overdue_count, 1)
        self.assertEqual(van_dijk.days_overdue, 20)
        self.assertEqual(van_dijk.date_oldest_due, self.today - timedelta(days=20))
        self.assertEqual(van_dijk.currency_id, self.env.company.currency_id)
        self.assertEqual(rows[0].promise_broken_count, 1)
        self.assertEqual(rows[0].collector_id, self.collector)

    def test_filter_by_collector(self):
        rows = self.worklist([("collector_id", "=", self.collector.id)])
        self.assertEqual(rows.partner_id, self.slow)
        action = self.env.ref("invoice_dispute.action_collector_worklist")
        self.assertEqual(action.res_model, "invoice.collection.worklist")
        # The collector sees the worklist of their company.
        rows = (
            self.env["invoice.collection.worklist"]
            .with_user(self.collector)
            .search([("collector_id", "=", self.collector.id)])
        )
        self.assertEqual(rows.partner_id, self.slow)

    def test_one_query(self):
        Worklist = self.env["invoice.collection.worklist"]
        self.env.flush_all()
        self.env.invalidate_all()
        # Warm the caches (record rules, ...) once.
        Worklist.search_fetch([], ["partner_id", "amount_overdue"], limit=80)
        with self.assertQueryCount(1):
            rows = Worklist.search_fetch(
                [], ["partner_id", "amount_overdue", "priority_score"], limit=80
            )
        self.assertIn(self.slow, rows.partner_id)

    def test_prepare_call_in_one_click(self):
        row = self.worklist([("partner_id", "=", self.slow.id)])
        action = row.action_prepare_call_sheet()
        sheet = self.env["invoice.call.sheet"].browse(action["res_id"])
        self.assertEqual(sheet.partner_id, self.slow)
        self.assertEqual(sheet.state, "prepared")
        self.assertEqual(sheet.user_id, self.collector)
        self.assertEqual(sheet.promise_broken_count, 1)
        # A second click refreshes the same open sheet.
        self.assertEqual(row.action_prepare_call_sheet()["res_id"], sheet.id)
        # After the call, the worklist shows it.
        self.env["invoice.call.outcome.wizard"].create(
            {"call_sheet_id": sheet.id, "outcome": "no_answer"}
        ).action_confirm()
        self.env.invalidate_all()
        row = self.worklist([("partner_id", "=", self.slow.id)])
        self.assertEqual(row.date_last_call, sheet.date_done)

    def test_promise_takes_customer_off_the_list(self):
        row = self.worklist([("partner_id", "=", self.customer.id)])
        self.assertTrue(row)
        self.env["invoice.payment.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, self.vd_overdue.ids)],
                "amount": 1000.0,
                "date_promised": self.today + timedelta(days=2),
            }
        )
        self.env.invalidate_all()
        self.assertFalse(self.worklist([("partner_id", "=", self.customer.id)]))

    def test_open_credits_are_netted(self):
        """Credit notes and payments not applied are deducted; a customer with
        nothing left to pay net is not on the list."""
        self.create_invoice(
            self.customer,
            400.0,
            move_type="out_refund",
            invoice_date=self.today - timedelta(days=3),
        )
        row = self.worklist([("partner_id", "=", self.customer.id)])
        self.assertEqual(row.amount_overdue, 1000.0)
        self.assertEqual(row.amount_credit, 400.0)
        self.assertEqual(row.amount_net, 600.0)
        # 600/100 + 20 days
        self.assertEqual(row.priority_score, 26.0)
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 600.0,
                "date": self.today,
            }
        )
        payment.action_post()
        self.env.invalidate_all()
        self.assertFalse(self.worklist([("partner_id", "=", self.customer.id)]))
