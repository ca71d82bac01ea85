from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import COLLECTOR_GROUPS, MANAGER_GROUPS, InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeSecurity(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.setup_other_company()["company"]
        cls.collector = cls.create_user("collector", COLLECTOR_GROUPS)
        cls.manager = cls.create_user("manager", MANAGER_GROUPS)
        cls.foreign_collector = cls.create_user(
            "foreign", COLLECTOR_GROUPS, cls.other_company
        )
        cls.employee = cls.create_user("employee", ["base.group_user"])
        cls.invoicing_user = cls.create_user(
            "invoicing", ["account.group_account_invoice"]
        )
        cls.dispute = cls.create_dispute()

    def test_invoicing_users_are_collectors(self):
        self.assertTrue(
            self.invoicing_user.has_group("invoice_dispute.group_invoice_dispute_user")
        )
        self.assertFalse(
            self.employee.has_group("invoice_dispute.group_invoice_dispute_user")
        )
        self.assertTrue(
            self.manager.has_group("invoice_dispute.group_invoice_dispute_user")
        )

    def test_collector(self):
        dispute = self.dispute.with_user(self.collector)
        self.assertEqual(dispute.amount_disputed, 1000.0)
        dispute.action_start_investigation()
        dispute.our_understanding = "<p>You expected the quoted price.</p>"
        created = (
            self.env["invoice.dispute"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "reason_id": self.reason_price.id,
                    "line_ids": [
                        Command.create(
                            {"move_id": self.invoice_2.id, "disputed_amount": 20.0}
                        )
                    ],
                }
            )
        )
        self.assertEqual(created.user_id, self.collector)
        with self.assertRaises(AccessError):
            self.reason_price.with_user(self.collector).sla_days = 1
        with self.assertRaises(AccessError):
            dispute.unlink()

    def test_manager(self):
        reason = self.reason_price.with_user(self.manager)
        reason.sla_days = 3
        self.assertEqual(reason.sla_days, 3)
        dispute = self.dispute.with_user(self.manager)
        dispute.action_cancel()
        dispute.unlink()
        self.assertFalse(self.dispute.exists())

    def test_other_company_collector(self):
        Dispute = self.env["invoice.dispute"].with_user(self.foreign_collector)
        self.assertFalse(Dispute.search([("id", "=", self.dispute.id)]))
        with self.assertRaises(AccessError):
            self.dispute.with_user(self.foreign_collector).read(["name"])
        with self.assertRaises(AccessError):
            Dispute.create(
                {
                    "partner_id": self.customer.id,
                    "reason_id": self.reason_price.id,
                    "company_id": self.company.id,
                }
            )

    def test_employee_without_groups(self):
        with self.assertRaises(AccessError):
            self.env["invoice.dispute"].with_user(self.employee).search([])
        with self.assertRaises(AccessError):
            self.dispute.with_user(self.employee).read(["name"])
        with self.assertRaises(AccessError):
            self.env["invoice.dispute"].with_user(self.employee).create(
                {"partner_id": self.customer.id, "reason_id": self.reason_price.id}
            )
