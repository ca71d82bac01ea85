from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import COLLECTOR_GROUPS, MANAGER_GROUPS, InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestRelationsAccess(InvoiceDisputeCommon):
    """What integrators and imports store goes through the same rules as the
    forms: back-billing, the users stored as collectors, the terms of each
    kind of proposal, and who sees and maintains the collection figures and
    fields. Calls are made as real users through the ORM, as RPC would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls.create_user("rel_collector", COLLECTOR_GROUPS)
        cls.manager = cls.create_user("rel_manager", MANAGER_GROUPS)
        cls.employee = cls.create_user("rel_employee", ["base.group_user"])
        # a portal user of another customer
        cls.portal_other = cls.create_user(
            "rel_portal",
            ["base.group_portal"],
            partner_id=cls.env["res.partner"]
            .create({"name": "Paula Portal", "parent_id": cls.partner_a.id})
            .id,
        )
        cls.today = fields.Date.today()

    def back_billings(self):
        return self.env["invoice.back.billing"].search(
            [("partner_id", "=", self.customer.id)]
        )

    # ------------------------------------------------------------------
    # 3. Back-billing obeys its own rules
    # ------------------------------------------------------------------
    def test_back_billing_create_refused_like_wizard(self):
        BackBilling = self.env["invoice.back.billing"].with_user(self.collector)
        refusals = [
            ({"customer_informed": False}, "Inform the customer"),
            ({"date_informed": False}, "Inform the customer"),
            (
                {"method": "separate_invoice", "customer_informed": False},
                "Inform the customer",
            ),
            ({"date_informed": self.today + timedelta(days=1)}, "in the future"),
            ({"explanation": " "}, "explanation"),
            ({"amount": -5.0}, "greater than zero"),
            (
                {"date_from": self.today, "date_to": self.today - timedelta(days=3)},
                "after its end",
            ),
            ({"method": "waive", "waive_reason": False}, "reason for waiving"),
            # a contact instead of the customer would never be billed
            ({"partner_id": self.customer_contact.id}, "Customer: back-billing"),
            # a state is never given at creation (only through the actions)
            ({"state": "billed"}, "Use the buttons"),
            ({"state": "waived"}, "Use the buttons"),
            (
                {"state": "billed", "move_id": self.other_invoice.id},
                "Use the buttons",
            ),
        ]
        for vals, message in refusals:
            # UserError: ValidationError for the values, UserError for a state
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(UserError, message),
            ):
                BackBilling.create(self.back_billing_vals(**vals))
        self.assertFalse(self.back_billings())
        # the next invoice is what it is
        invoice = self.create_invoice(self.customer, 480.0)
        self.assertEqual(invoice.amount_untaxed, 480.0)

    def test_back_billing_only_next_invoice_rides(self):
        BackBilling = self.env["invoice.back.billing"].with_user(self.collector)
        separate = BackBilling.create(self.back_billing_vals(method="separate_invoice"))
        waived = BackBilling.create(
            self.back_billing_vals(
                method="waive",
                customer_informed=False,
                date_informed=False,
                waive_reason="Our error.",
            )
        )
        self.assertEqual(waived.state, "waived")
        self.assertEqual(separate.state, "pending")
        invoice = self.create_invoice(self.customer, 480.0)
        self.assertEqual(invoice.amount_untaxed, 480.0)
        self.assertEqual(separate.state, "pending")
        self.assertFalse(separate.move_id)
        next_one = BackBilling.create(self.back_billing_vals())
        invoice = self.create_invoice(self.customer, 480.0)
        self.assertEqual(invoice.amount_untaxed, 580.0)
        self.assertEqual(next_one.move_id, invoice)
        self.assertEqual(next_one.currency_id, invoice.currency_id)
        self.assertEqual(separate.state, "pending")

    def test_back_billing_in_the_invoice_currency(self):
        """A pending amount rides only on an invoice in its own currency."""
        other_currency = self.setup_other_currency("EUR")
        pending = (
            self.env["invoice.back.billing"]
            .with_user(self.collector)
            .create(self.back_billing_vals(currency_id=other_currency.id))
        )
        invoice = self.create_invoice(self.customer, 480.0)
        self.assertEqual(invoice.amount_untaxed, 480.0)
        self.assertEqual(pending.state, "pending")
        invoice = self.create_invoice(
            self.customer, 480.0, currency_id=other_currency.id
        )
        self.assertEqual(invoice.amount_untaxed, 580.0)
        self.assertEqual(pending.move_id, invoice)

    # ------------------------------------------------------------------
    # 4. Relations are checked
    # ------------------------------------------------------------------
    def test_collector_must_be_internal_collector(self):
        customer = self.customer.with_user(self.collector)
        for user in (self.portal_other, self.employee):
            with (
                self.subTest(user=user.login),
                self.assertRaisesRegex(
                    ValidationError, "only internal users of the group"
                ),
            ):
                customer.write({"collector_id": user.id})
        self.assertFalse(self.customer.collector_id)
        customer.write({"collector_id": self.collector.id})
        self.assertEqual(self.customer.collector_id, self.collector)
        sheet = self.env["invoice.call.sheet"]._get_or_create_for_partners(
            self.customer, self.env.company
        )
        self.assertEqual(sheet.user_id, self.collector)

    def test_collector_who_left_gets_no_call_sheet(self):
        """A collector stored earlier who lost the group is not given the
        next call sheet: it goes to the user preparing it."""
        self.customer.collector_id = self.collector
        self.collector.groups_id = [Command.set([self.env.ref("base.group_user").id])]
        sheet = (
            self.env["invoice.call.sheet"]
            .with_user(self.manager)
            ._get_or_create_for_partners(self.customer, self.env.company)
        )
        self.assertEqual(sheet.user_id, self.manager)

    def test_user_fields_refuse_non_collectors(self):
        dispute = self.create_dispute()
        promise = self.env["invoice.payment.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_1.ids)],
                "amount": 100.0,
                "date_promised": self.today + timedelta(days=5),
            }
        )
        plan = self.env["invoice.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_1.ids)],
                "amount_total": 600.0,
                "installment_count": 3,
                "date_first": self.today + timedelta(days=7),
            }
        )
        sheet = self.env["invoice.call.sheet"].create(
            {"partner_id": self.customer.id, "user_id": self.collector.id}
        )
        back_billing = self.env["invoice.back.billing"].create(self.back_billing_vals())
        for record in (dispute, promise, plan, sheet, back_billing):
            for user in (self.portal_other, self.employee):
                with (
                    self.subTest(model=record._name, user=user.login),
                    self.assertRaisesRegex(ValidationError, user.name),
                ):
                    record.with_user(self.manager).write({"user_id": user.id})
            record.with_user(self.manager).write({"user_id": self.collector.id})
            self.assertEqual(record.user_id, self.collector)
        with self.assertRaisesRegex(ValidationError, "Dispute manager"):
            self.env.company.dispute_manager_id = self.collector
        self.env.company.dispute_manager_id = self.manager

    def test_links_stay_within_the_customer(self):
        """Contacts and linked documents belong to the record's customer."""
        stranger = self.env["res.partner"].create(
            {"name": "Someone else", "parent_id": self.partner_a.id}
        )
        dispute = self.create_dispute()
        other_dispute = self.create_dispute(self.other_invoice)
        sheet = self.env["invoice.call.sheet"].create(
            {"partner_id": self.customer.id, "user_id": self.collector.id}
        )
        other_sheet = self.env["invoice.call.sheet"].create(
            {"partner_id": self.partner_a.id, "user_id": self.collector.id}
        )
        as_collector = self.env(user=self.collector)
        with self.assertRaisesRegex(ValidationError, "not to the customer"):
            as_collector["invoice.dispute"].browse(dispute.id).write(
                {"contact_id": stranger.id}
            )
        with self.assertRaisesRegex(ValidationError, "not to the customer"):
            as_collector["invoice.call.sheet"].browse(sheet.id).write(
                {"contact_id": stranger.id}
            )
        with self.assertRaisesRegex(ValidationError, "not to the customer"):
            as_collector["invoice.payment.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_1.ids)],
                    "amount": 100.0,
                    "date_promised": self.today + timedelta(days=5),
                    "call_sheet_id": other_sheet.id,
                }
            )
        with self.assertRaisesRegex(ValidationError, "not to the customer"):
            as_collector["invoice.dispute.proposal"].create(
                {
                    "partner_id": self.customer.id,
                    "dispute_id": other_dispute.id,
                    "move_ids": [Command.set(self.invoice_1.ids)],
                    "kind": "discount",
                    "percent": 5.0,
                }
            )
        self.assertFalse(dispute.contact_id)
        self.assertFalse(sheet.contact_id)

    def test_limits_and_grace_days_in_range(self):
        company = self.env.company
        for vals, message in (
            ({"dispute_approval_amount": -1.0}, "must be 0 or more"),
            ({"promise_grace_days": -2}, "must be 0 or more"),
            ({"dispute_approval_percent": 150.0}, "between 0 and 100"),
            ({"dispute_approval_percent": -1.0}, "between 0 and 100"),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, message),
            ):
                company.write(vals)
        self.assertEqual(company.dispute_approval_percent, 10.0)
        with self.assertRaisesRegex(ValidationError, "Grace Days of .* 0 or more"):
            self.env["invoice.payment.plan"].with_user(self.collector).create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_1.ids)],
                    "amount_total": 600.0,
                    "installment_count": 3,
                    "date_first": self.today + timedelta(days=7),
                    "grace_days": -1,
                }
            )

    def test_proposal_terms_follow_kind(self):
        Proposal = self.env["invoice.dispute.proposal"].with_user(self.collector)
        base = {
            "partner_id": self.customer.id,
            "move_ids": [Command.set(self.invoice_1.ids)],
        }
        refusals = [
            (
                {"kind": "write_off", "amount": 50.0, "percent": 150.0},
                "only a discount",
            ),
            (
                {"kind": "partial_adjustment", "amount": 50.0, "percent": 5.0},
                "only a discount",
            ),
            ({"kind": "discount", "percent": 150.0}, "between 0 and 100"),
            ({"kind": "discount", "percent": -1.0}, "between 0 and 100"),
            (
                {
                    "kind": "due_date_extension",
                    "new_date_due": self.today + timedelta(days=30),
                    "amount": 40.0,
                },
                "credits nothing",
            ),
            (
                {
                    "kind": "discount",
                    "percent": 5.0,
                    "new_date_due": self.today + timedelta(days=30),
                },
                "only a due date extension",
            ),
        ]
        for vals, message in refusals:
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, message),
            ):
                Proposal.create({**base, **vals})
        proposal = Proposal.create({**base, "kind": "discount", "percent": 5.0})
        self.assertEqual(proposal.amount, 50.0)
        # sent proposals are checked too
        proposal.action_submit()
        with self.assertRaisesRegex(ValidationError, "only a discount"):
            proposal.write({"kind": "write_off"})
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            proposal.write({"percent": 150.0})
        self.assertEqual(proposal.percent, 5.0)

    # ------------------------------------------------------------------
    # 5. Access is consistent
    # ------------------------------------------------------------------
    def test_figures_follow_record_access(self):
        figures = (
            "dispute_count",
            "payment_promise_count",
            "promise_broken_count",
            "promise_kept_count",
            "payment_avg_days_late",
            "payment_on_time_ratio",
            "payment_history_count",
            "back_billing_count",
        )
        self.create_dispute()
        # a plain internal user on a customer, a portal user on its own
        for user, partner in (
            (self.employee, self.customer),
            (self.portal_other, self.partner_a),
        ):
            partner = partner.with_user(user)
            for field in figures:
                with self.subTest(user=user.login, field=field):
                    self.env.invalidate_all()
                    with self.assertRaises(AccessError):
                        partner.read([field])
            # the fields are not offered to them at all
            self.assertFalse(set(figures) & set(partner.fields_get()))
        # a collector who may not read invoices gets the dispute figures, not
        # the payment behaviour computed from invoices
        collector_only = self.create_user(
            "rel_collector_only", ["invoice_dispute.group_invoice_dispute_user"]
        )
        self.env.invalidate_all()
        partner = self.customer.with_user(collector_only)
        self.assertEqual(partner.dispute_count, 1)
        with self.assertRaises(AccessError):
            partner.read(["payment_avg_days_late"])
        self.env.invalidate_all()
        values = self.customer.with_user(self.collector).read(list(figures))[0]
        self.assertEqual(values["dispute_count"], 1)
        self.assertEqual(values["promise_broken_count"], 0)

    def test_collector_maintains_collection_fields(self):
        customer = self.customer.with_user(self.collector)
        self.assertFalse(customer.has_access("write"))
        customer.write(
            {
                "payment_weekday": "3",
                "ar_contact_id": self.customer_contact.id,
                "collector_id": self.collector.id,
                "ar_availability": "Mornings",
                "reminder_block_until": self.today + timedelta(days=3),
                "reminder_block_reason": "Director on holiday",
            }
        )
        self.customer_contact.with_user(self.collector).write({"is_ar_contact": True})
        self.assertEqual(self.customer.payment_weekday, "3")
        self.assertEqual(self.customer.ar_contact_id, self.customer_contact)
        self.assertEqual(self.customer.collector_id, self.collector)
        self.assertTrue(self.customer_contact.is_ar_contact)
        self.assertEqual(self.customer.write_uid, self.collector)
        # anything else still needs the right to edit contacts
        for vals in ({"name": "Renamed"}, {"name": "Renamed", "payment_weekday": "1"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                customer.write(vals)
        self.assertEqual(self.customer.name, "Van Dijk Bouw B.V.")
        self.assertEqual(self.customer.payment_weekday, "3")
        # the rules of the fields still hold
        with self.assertRaisesRegex(ValidationError, "not a contact of"):
            customer.write({"ar_contact_id": self.partner_a.id})
        # and only for what the collector may see, only for collectors
        other_company = self.setup_other_company()["company"]
        foreign = self.env["res.partner"].create(
            {"name": "Foreign customer", "company_id": other_company.id}
        )
        with self.assertRaises(AccessError):
            foreign.with_user(self.collector).write({"payment_weekday": "1"})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.employee).write({"payment_weekday": "1"})

    def test_collector_imports_collection_fields(self):
        """A CSV of the collection fields imported by a collector through
        Odoo's import (dry run, then the real run)."""
        self.env["ir.model.data"].create(
            [
                {
                    "module": "__import__",
                    "name": name,
                    "model": "res.partner",
                    "res_id": partner.id,
                }
                for name, partner in (
                    ("cust_van_dijk", self.customer),
                    ("cust_partner_a", self.partner_a),
                )
            ]
        )
        csv = (
            "id,payment_weekday,collector_id,ar_availability\n"
            f"__import__.cust_van_dijk,Thursday,{self.collector.name},Mornings\n"
            f"__import__.cust_partner_a,Monday,{self.collector.name},After 2 pm\n"
        )
        fields_ = ["id", "payment_weekday", "collector_id", "ar_availability"]
        options = {"quoting": '"', "separator": ",", "has_headers": True}

        def run(dryrun):
            importer = (
                self.env["base_import.import"]
                .with_user(self.collector)
                .create(
                    {
                        "res_model": "res.partner",
                        "file": csv.encode(),
                        "file_name": "collections.csv",
                        "file_type": "text/csv",
                    }
                )
            )
            return importer.execute_import(fields_, fields_, options, dryrun=dryrun)

        result = run(dryrun=True)
        self.assertFalse(result["messages"], result["messages"])
        self.env.invalidate_all()
        self.assertFalse(self.customer.payment_weekday)
        result = run(dryrun=False)
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(len(result["ids"]), 2)
        self.assertEqual(self.customer.payment_weekday, "3")
        self.assertEqual(self.partner_a.payment_weekday, "0")
        self.assertEqual(self.partner_a.collector_id, self.collector)
        self.assertEqual(self.customer.ar_availability, "Mornings")
        # the same import naming a portal user as collector is refused row by row
        csv = (
            "id,payment_weekday,collector_id,ar_availability\n"
            f"__import__.cust_van_dijk,Friday,{self.portal_other.name},Noon\n"
        )
        result = run(dryrun=False)
        self.assertTrue(result["messages"])
        self.assertIn("only internal users", result["messages"][0]["message"])
        self.assertEqual(self.customer.payment_weekday, "3")
        # by database id (.id), as an export for re-import gives them
        csv = (
            ".id,payment_weekday,ar_availability\n"
            f"{self.customer.id},Tuesday,Afternoons\n"
        )
        fields_ = [".id", "payment_weekday", "ar_availability"]
        for dryrun in (True, False):
            result = run(dryrun=dryrun)
            self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(self.customer.payment_weekday, "1")
        self.assertEqual(self.customer.ar_availability, "Afternoons")
        # and nothing else of the contact through it
        csv = f".id,name\n{self.customer.id},Renamed\n"
        fields_ = [".id", "name"]
        result = run(dryrun=False)
        self.assertTrue(result["messages"])
        self.assertEqual(self.customer.name, "Van Dijk Bouw B.V.")
