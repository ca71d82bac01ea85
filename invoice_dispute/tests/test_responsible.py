from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, tagged

from .common import MANAGER_GROUPS, InvoiceDisputeCommon

COLLECTOR = ["invoice_dispute.group_invoice_dispute_user"]


@tagged("post_install", "-at_install")
class TestResponsible(InvoiceDisputeCommon):
    """Every new dispute, promise, plan and activity has a person (issue 17,
    point 4): the customer's collector, else the invoice's salesperson if a
    collector, else the company's dispute manager; never a system user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls.create_user("resp_collector", COLLECTOR, name="Cas")
        cls.salesperson = cls.create_user("resp_sales", COLLECTOR, name="Sam")
        cls.seller = cls.create_user("resp_seller", ["base.group_user"], name="Sel")
        cls.manager = cls.create_user("resp_manager", MANAGER_GROUPS, name="Mia")
        cls.env.company.dispute_manager_id = cls.manager
        cls.root = cls.env.ref("base.user_root")
        cls.invoice = cls.create_invoice(cls.partner_a, 400.0)

    def responsible(self):
        return self.partner_a._get_responsible_user(self.env.company, self.invoice)

    def test_order(self):
        self.invoice.invoice_user_id = self.seller
        # a salesperson who is no collector does not count
        self.assertEqual(self.responsible(), self.manager)
        self.invoice.invoice_user_id = self.salesperson
        self.assertEqual(self.responsible(), self.salesperson)
        self.partner_a.collector_id = self.collector
        self.assertEqual(self.responsible(), self.collector)
        self.assertEqual(self.invoice._get_collector(), self.collector)
        # without a designated manager: a person of the manager group
        self.partner_a.collector_id = False
        self.invoice.invoice_user_id = False
        self.env.company.dispute_manager_id = False
        user = self.responsible()
        self.assertTrue(user._invoice_dispute_is_person())
        self.assertIn(user, self.env.company._get_dispute_managers(designated=False))

    def test_internal_language(self):
        """What the addon tells an internal user is in their language, else
        the company's, else English -- not in the language of whoever runs
        the code (a scheduled action, a portal visitor)."""
        self.env["res.lang"]._activate_lang("nl_NL")
        company = self.env.company
        company.partner_id.lang = "nl_NL"
        self.collector.lang = "en_US"
        self.assertEqual(self.collector._get_invoice_dispute_lang(company), "en_US")
        self.collector.lang = False
        self.assertEqual(self.collector._get_invoice_dispute_lang(), "nl_NL")
        nobody = self.env["res.users"].with_context(lang="en_US")
        self.assertEqual(nobody._get_invoice_dispute_lang(company), "nl_NL")
        company.partner_id.lang = False
        self.assertEqual(nobody._get_invoice_dispute_lang(company), "en_US")

    def test_system_users_are_no_persons(self):
        self.assertFalse(self.root._invoice_dispute_is_person())
        self.assertFalse(self.env.ref("base.public_user")._invoice_dispute_is_person())
        portal = self.create_user("resp_portal", ["base.group_portal"])
        self.assertFalse(portal._invoice_dispute_is_person())
        self.assertTrue(self.manager._invoice_dispute_is_person())

    def test_created_by_the_system(self):
        """A scheduled action or the mail gateway runs as OdooBot: what it
        creates goes to the customer's responsible."""
        self.invoice.invoice_user_id = self.salesperson
        env = (
            self.env["res.partner"]
            .with_user(self.root)
            .with_company(self.env.company)
            .env
        )
        dispute = env["invoice.dispute"].create(
            {
                "partner_id": self.partner_a.id,
                "reason_id": self.reason_price.id,
                "channel": "email",
                "line_ids": [
                    Command.create({"move_id": self.invoice.id, "disputed_amount": 50})
                ],
            }
        )
        self.assertEqual(dispute.user_id, self.salesperson)
        promise = env["invoice.payment.promise"].create(
            {
                "partner_id": self.partner_a.id,
                "move_ids": [Command.set(self.invoice.ids)],
                "amount": 100.0,
                "date_promised": fields.Date.today() + timedelta(days=5),
            }
        )
        self.assertEqual(promise.user_id, self.salesperson)
        plan = env["invoice.payment.plan"].create(
            {
                "partner_id": self.partner_a.id,
                "move_ids": [Command.set(self.invoice.ids)],
                "installment_count": 2,
            }
        )
        self.assertEqual(plan.user_id, self.salesperson)
        # a collector at work keeps what they create
        collector_form = Form(
            self.env["invoice.payment.promise"].with_user(self.collector)
        )
        self.assertEqual(collector_form.user_id, self.collector)

    def test_sla_activities_never_for_odoobot(self):
        self.invoice.invoice_user_id = False
        dispute = (
            self.env["invoice.dispute"]
            .with_user(self.root)
            .with_company(self.env.company)
            .create(
                {
                    "partner_id": self.partner_a.id,
                    "reason_id": self.reason_price.id,
                    "date_received": fields.Date.today() - timedelta(days=60),
                    "line_ids": [
                        Command.create(
                            {"move_id": self.invoice.id, "disputed_amount": 50}
                        )
                    ],
                }
            )
        )
        self.assertEqual(dispute.user_id, self.manager)
        self.env.ref("invoice_dispute.ir_cron_dispute_sla").method_direct_trigger()
        users = dispute.activity_ids.user_id
        self.assertEqual(users, self.manager)
        self.assertNotIn(self.root, users)
