from datetime import timedelta

from odoo import Command
from odoo.tests import Form, tagged

from .common_collection import CollectionCommon


@tagged("post_install", "-at_install")
class TestCollectionDue(CollectionCommon):
    """One idea of what is due now (issue 17, point 3): the worklist, the
    call sheet, its talking points and the call outcome use the invoices
    that are due and not arranged; the arranged ones are context."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.due = (
            cls.create_overdue(cls.customer, 1000.0, 60)
            | cls.create_overdue(cls.customer, 400.0, 40)
            | cls.create_overdue(cls.customer, 300.0, 20)
        )
        cls.in_plan = cls.create_overdue(cls.customer, 2000.0, 50)
        cls.promised = cls.create_overdue(cls.customer, 700.0, 30)
        plan = cls.env["invoice.payment.plan"].create(
            {
                "partner_id": cls.customer.id,
                "move_ids": [Command.set(cls.in_plan.ids)],
                "installment_count": 2,
                "date_first": cls.today + timedelta(days=7),
            }
        )
        plan.action_generate_schedule()
        plan.action_activate()
        cls.env["invoice.payment.promise"].create(
            {
                "partner_id": cls.customer.id,
                "move_ids": [Command.set(cls.promised.ids)],
                "amount": 700.0,
                "date_promised": cls.today + timedelta(days=5),
            }
        )
        cls.sheet = cls.env["invoice.call.sheet"].create(
            {"partner_id": cls.customer.id}
        )
        cls.sheet.action_prepare()

    def test_worklist_and_sheet_agree(self):
        row = self.env["invoice.collection.worklist"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(row.overdue_count, 3)
        self.assertAlmostEqual(row.amount_overdue, 1700.0)
        sheet = self.sheet
        self.assertEqual(sheet.overdue_count, row.overdue_count)
        self.assertAlmostEqual(sheet.amount_overdue, row.amount_overdue)
        self.assertEqual(sheet.oldest_days_overdue, 60)
        self.assertEqual(sheet.due_line_ids.move_id, self.due)
        # arranged: shown apart, with why
        self.assertEqual(sheet.context_line_ids.move_id, self.in_plan | self.promised)
        self.assertEqual(
            set(sheet.context_line_ids.mapped("reminder_exclusion_reason")),
            {"plan", "promise"},
        )
        # the first talking point asks to agree on the 3 due ones only
        self.assertIn("the 3 overdue invoice(s)", sheet.talking_points)
        self.assertIn("1,700.00", sheet.talking_points)

    def test_outcome_preselects_what_is_due(self):
        action = self.sheet.action_log_outcome()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(form.move_ids[:], self.due)
        self.assertAlmostEqual(form.amount_open, 1700.0)
        # a promise covers what its amount covers, oldest first
        form.outcome = "promise"
        form.promise_amount = 500.0
        self.assertEqual(form.move_ids[:], self.due[0])
        form.promise_amount = 1200.0
        self.assertEqual(form.move_ids[:], self.due[:2])
        form.promise_amount = 1700.0
        self.assertEqual(form.move_ids[:], self.due)
        form.promise_date = self.today + timedelta(days=3)
        form.save().action_confirm()
        promise = self.sheet.promise_ids
        self.assertEqual(promise.move_ids, self.due)
        # no invoice in two arrangements
        self.assertFalse(promise.move_ids & (self.in_plan | self.promised))
