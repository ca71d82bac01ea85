from contextlib import contextmanager
from datetime import date, timedelta
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import (
    COLLECTOR_GROUPS,
    MANAGER_GROUPS,
    InvoiceDisputeCommon,
    load_migration,
)

DAY = date(2024, 3, 1)
# Queries of the checks of 1 or 20 invoices (with their flush): reading the
# invoices, lines, partners and products, one query or search per rule, the
# findings written in one insert.
CHECK_QUERIES = 27


class InvoiceCheckCommon(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_2 = cls.setup_other_company()["company"]
        # 1 USD (company currency) = 2 EUR on the invoices' dates
        cls.eur = cls.setup_other_currency(
            "EUR", rates=[("2000-01-01", 3.0), ("2023-01-01", 2.0)]
        )
        cls.widget = cls.env["product.product"].create(
            {"name": "Widget", "lst_price": 100.0, "taxes_id": [Command.clear()]}
        )
        cls.gadget = cls.env["product.product"].create(
            {"name": "Gadget", "lst_price": 40.0, "taxes_id": [Command.clear()]}
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Jansen Techniek B.V.",
                "is_company": True,
                "email": "ap@jansen.example.com",
            }
        )
        cls.collector = cls.create_user("check_collector", COLLECTOR_GROUPS)
        cls.manager = cls.create_user("check_manager", MANAGER_GROUPS)

    @classmethod
    def make(cls, lines, partner=None, day=DAY, post=True, **vals):
        """A customer invoice of ``lines`` (product, quantity, unit price[,
        unit of measure])."""
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or cls.buyer).id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": quantity,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                            **({"product_uom_id": uom[0].id} if uom else {}),
                        }
                    )
                    for product, quantity, price, *uom in lines
                ],
                **vals,
            }
        )
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def rule(cls, code, company=None):
        return cls.env["invoice.check.rule"].search(
            [("code", "=", code), ("company_id", "=", (company or cls.company).id)]
        )

    def found(self, invoice, code):
        """Open findings of check ``code`` on ``invoice``."""
        return invoice.check_finding_ids.filtered(
            lambda f: f.check_code == code and f.state == "open"
        )

    def checked(self, lines, **vals):
        """A draft invoice of ``lines``, checked."""
        invoice = self.make(lines, post=False, **vals)
        invoice.action_check_invoice()
        return invoice


@tagged("post_install", "-at_install")
class TestInvoiceCheckRules(InvoiceCheckCommon):
    def test_shipped_rules_per_company(self):
        for company in (self.company, self.company_2):
            rules = self.env["invoice.check.rule"].search(
                [("company_id", "=", company.id)]
            )
            self.assertEqual(
                set(rules.mapped("code")),
                {
                    "price_vs_pricelist",
                    "price_vs_last",
                    "quantity_outlier",
                    "possible_duplicate",
                    "missing_customer_reference",
                    "b2c_contact_incomplete",
                    "dispute_history",
                },
            )
            self.assertEqual(
                rules.filtered(lambda r: r.severity == "blocking").mapped("code"),
                ["possible_duplicate"],
            )
        new_company = self.env["res.company"].create({"name": "Prevention AB"})
        self.assertEqual(
            self.env["invoice.check.rule"].search_count(
                [("company_id", "=", new_company.id)]
            ),
            7,
        )
        # calling it again adds nothing
        new_company._create_default_check_rules()
        self.assertEqual(
            self.env["invoice.check.rule"].search_count(
                [("company_id", "=", new_company.id)]
            ),
            7,
        )

    # -- price_vs_pricelist ---------------------------------------------
    def test_price_vs_pricelist_hit_miss_boundary(self):
        hit = self.checked([(self.widget, 1, 110.0)])
        (finding,) = self.found(hit, "price_vs_pricelist")
        self.assertEqual(finding.line_id, hit.invoice_line_ids)
        self.assertEqual(finding.severity, "warning")
        self.assertIn("unit price $\xa0110.00 is 10.0% off", finding.message)
        self.assertEqual(hit.check_state, "warning")
        miss = self.checked([(self.widget, 1, 100.0)])
        self.assertFalse(self.found(miss, "price_vs_pricelist"))
        # 5 % exactly is within the threshold, 5.01 % is not
        self.assertFalse(
            self.found(self.checked([(self.widget, 1, 105.0)]), "price_vs_pricelist")
        )
        self.assertTrue(
            self.found(self.checked([(self.widget, 1, 105.01)]), "price_vs_pricelist")
        )

    def test_price_vs_pricelist_uses_customer_pricelist(self):
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Jansen contract",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.widget.id,
                            "compute_price": "fixed",
                            "fixed_price": 80.0,
                        }
                    )
                ],
            }
        )
        self.buyer.property_product_pricelist = pricelist
        self.assertFalse(
            self.found(self.checked([(self.widget, 1, 80.0)]), "price_vs_pricelist")
        )
        (finding,) = self.found(
            self.checked([(self.widget, 1, 100.0)]), "price_vs_pricelist"
        )
        self.assertIn("Jansen contract", finding.message)

    def test_price_vs_pricelist_multi_company(self):
        self.rule("price_vs_pricelist").threshold_percent = 50.0
        mine = self.checked([(self.widget, 1, 110.0)])
        other = self.checked([(self.widget, 1, 110.0)], company_id=self.company_2.id)
        self.assertFalse(self.found(mine, "price_vs_pricelist"))
        (finding,) = self.found(other, "price_vs_pricelist")
        self.assertEqual(finding.rule_id.company_id, self.company_2)
        self.assertEqual(finding.company_id, self.company_2)

    def test_price_vs_pricelist_multi_currency(self):
        # 100 USD is 200 EUR on the invoice date
        same = self.checked([(self.widget, 1, 200.0)], currency_id=self.eur.id)
        self.assertFalse(self.found(same, "price_vs_pricelist"))
        off = self.checked([(self.widget, 1, 100.0)], currency_id=self.eur.id)
        (finding,) = self.found(off, "price_vs_pricelist")
        self.assertIn("50.0%", finding.message)

    # -- price_vs_last ---------------------------------------------------
    def test_price_vs_last_hit_miss_boundary(self):
        self.rule("price_vs_pricelist").active = False
        self.make([(self.widget, 1, 100.0)], day=DAY - timedelta(days=30))
        self.make([(self.widget, 2, 90.0)], day=DAY - timedelta(days=60))
        (finding,) = self.found(
            self.checked([(self.widget, 1, 115.0)]), "price_vs_last"
        )
        self.assertIn("15.0% off the last price", finding.message)
        self.assertFalse(
            self.found(self.checked([(self.widget, 1, 105.0)]), "price_vs_last")
        )
        self.assertFalse(
            self.found(self.checked([(self.widget, 1, 110.0)]), "price_vs_last")
        )
        self.assertTrue(
            self.found(self.checked([(self.widget, 1, 110.01)]), "price_vs_last")
        )
        # another customer's prices do not count
        self.assertFalse(
            self.found(
                self.checked([(self.widget, 1, 150.0)], partner=self.partner_a),
                "price_vs_last",
            )
        )

    def test_price_vs_last_lookback(self):
        self.make([(self.widget, 1, 100.0)], day=DAY - timedelta(days=365))
        self.assertTrue(
            self.found(self.checked([(self.widget, 1, 150.0)]), "price_vs_last")
        )
        self.rule("price_vs_last").lookback_days = 364
        self.assertFalse(
            self.found(self.checked([(self.widget, 1, 150.0)]), "price_vs_last")
        )

    def test_price_vs_last_multi_company(self):
        self.make([(self.widget, 1, 100.0)], day=DAY - timedelta(days=10))
        other = self.checked([(self.widget, 1, 150.0)], company_id=self.company_2.id)
        self.assertFalse(self.found(other, "price_vs_last"))
        self.assertTrue(
            self.found(self.checked([(self.widget, 1, 150.0)]), "price_vs_last")
        )

    def test_price_vs_last_multi_currency(self):
        # last invoiced 200 EUR = 100 USD on the new invoice's date
        self.make(
            [(self.widget, 1, 200.0)],
            day=DAY - timedelta(days=10),
            currency_id=self.eur.id,
        )
        self.assertFalse(
            self.found(self.checked([(self.widget, 1, 100.0)]), "price_vs_last")
        )
        (finding,) = self.found(
            self.checked([(self.widget, 1, 130.0)]), "price_vs_last"
        )
        self.assertIn("30.0%", finding.message)

    def test_history_compared_in_the_products_unit(self):
        """Last sold 1 Dozen at 120: a Unit at 10 is the same price, 12 Units
        at 120 are not; 12 Units are the usual quantity (1 Dozen), 40 Units
        are not."""
        self.rule("price_vs_pricelist").active = False
        dozen = self.env.ref("uom.product_uom_dozen")
        unit = self.env.ref("uom.product_uom_unit")
        self.assertEqual(self.widget.uom_id, unit)
        self.make([(self.widget, 1, 120.0, dozen)], day=DAY - timedelta(days=10))
        same = self.checked([(self.widget, 1, 10.0)])
        self.assertFalse(self.found(same, "price_vs_last"))
        self.assertFalse(self.found(same, "quantity_outlier"))
        off = self.checked([(self.widget, 12, 120.0)])
        (finding,) = self.found(off, "price_vs_last")
        self.assertIn("1,100.0% off the last price", finding.message)
        self.assertIn("$\xa010.00 on", finding.message)
        self.assertFalse(self.found(off, "quantity_outlier"))
        # 40 Units: 233 % above the usual 12
        (finding,) = self.found(
            self.checked([(self.widget, 40, 10.0)]), "quantity_outlier"
        )
        self.assertIn("usual 12.00", finding.message)
        # and the other way round: a Dozen at 120 after Units at 10
        self.make([(self.gadget, 12, 10.0)], day=DAY - timedelta(days=5))
        dozens = self.checked([(self.gadget, 1, 120.0, dozen)])
        self.assertFalse(self.found(dozens, "price_vs_last"))
        (finding,) = self.found(
            self.checked([(self.gadget, 1, 150.0, dozen)]), "price_vs_last"
        )
        self.assertIn("$\xa0120.00 on", finding.message)

    # -- quantity_outlier ------------------------------------------------
    def test_quantity_outlier_hit_miss_boundary(self):
        self.make([(self.gadget, 2, 40.0)], day=DAY - timedelta(days=20))
        self.make([(self.gadget, 4, 40.0)], day=DAY - timedelta(days=40))
        # usual 3: 10 is 233 % above it, 9 exactly 200 %
        (finding,) = self.found(
            self.checked([(self.gadget, 10, 40.0)]), "quantity_outlier"
        )
        self.assertIn("usual 3.00", finding.message)
        self.assertFalse(
            self.found(self.checked([(self.gadget, 5, 40.0)]), "quantity_outlier")
        )
        self.assertFalse(
            self.found(self.checked([(self.gadget, 9, 40.0)]), "quantity_outlier")
        )
        self.assertTrue(
            self.found(self.checked([(self.gadget, 9.01, 40.0)]), "quantity_outlier")
        )

    def test_messages_singular_and_unit_price_as_on_the_line(self):
        self.rule("price_vs_pricelist").active = False
        self.make([(self.widget, 2, 50.0)], day=DAY - timedelta(days=20))
        self.dispute(self.reason_price, 10)
        invoice = self.make([(self.widget, 10, 50.0)], post=False)
        invoice.invoice_line_ids.discount = 7.0
        invoice.action_check_invoice()
        (quantity,) = self.found(invoice, "quantity_outlier")
        self.assertIn("(1 earlier line)", quantity.message)
        (price,) = self.found(invoice, "price_vs_last")
        self.assertIn("50.00 less a 7.00% discount", price.message)
        self.assertIn("1 pricing dispute in the last 90 days", price.message)

    def test_quantity_outlier_multi_company(self):
        self.make([(self.gadget, 1, 40.0)], day=DAY - timedelta(days=20))
        other = self.checked([(self.gadget, 10, 40.0)], company_id=self.company_2.id)
        self.assertFalse(self.found(other, "quantity_outlier"))
        self.assertTrue(
            self.found(self.checked([(self.gadget, 10, 40.0)]), "quantity_outlier")
        )

    def test_quantity_outlier_multi_currency(self):
        self.make(
            [(self.gadget, 3, 80.0)],
            day=DAY - timedelta(days=20),
            currency_id=self.eur.id,
        )
        invoice = self.checked([(self.gadget, 12, 40.0)])
        self.assertTrue(self.found(invoice, "quantity_outlier"))

    # -- possible_duplicate ----------------------------------------------
    def test_possible_duplicate_hit_refuses_posting(self):
        first = self.make([(self.widget, 1, 100.0)], ref="PO-77")
        second = self.make(
            [(self.gadget, 2.5, 40.0)],
            day=DAY + timedelta(days=3),
            ref="po-77 ",
            post=False,
        )
        with self.assertRaisesRegex(UserError, "Possible duplicate of"):
            second.action_post()
        self.assertEqual(second.state, "draft")
        self.assertFalse(second.check_finding_ids)
        self.assertEqual(
            self.env["invoice.check.finding"].search_count(
                [("move_id", "=", second.id)]
            ),
            0,
        )
        second.action_check_invoice()
        (finding,) = self.found(second, "possible_duplicate")
        self.assertEqual(finding.severity, "blocking")
        self.assertIn(first.name, finding.message)
        self.assertEqual(second.check_state, "blocked")

    def test_possible_duplicate_same_lines_and_miss(self):
        self.make([(self.widget, 1, 100.0)])
        same_lines = self.checked([(self.widget, 1, 100.0)], day=DAY + timedelta(1))
        self.assertTrue(self.found(same_lines, "possible_duplicate"))
        # same total, other lines and no reference: not a duplicate
        other = self.checked([(self.gadget, 2.5, 40.0)], day=DAY + timedelta(1))
        self.assertFalse(self.found(other, "possible_duplicate"))
        # other total
        self.assertFalse(
            self.found(self.checked([(self.widget, 1, 101.0)]), "possible_duplicate")
        )

    def test_possible_duplicate_boundary(self):
        self.make([(self.widget, 1, 100.0)], ref="PO-1")
        at_limit = self.checked(
            [(self.widget, 1, 100.0)], day=DAY + timedelta(days=14), ref="PO-1"
        )
        self.assertTrue(self.found(at_limit, "possible_duplicate"))
        after = self.make(
            [(self.widget, 1, 100.0)], day=DAY + timedelta(days=15), ref="PO-1"
        )
        self.assertEqual(after.state, "posted")

    def test_possible_duplicate_posted_together(self):
        """Two copies posted at once: one error naming each blocked invoice."""
        self.make([(self.gadget, 1, 40.0)], ref="PO-9")
        copies = self.make([(self.widget, 1, 100.0)], ref="PO-5", post=False)
        copies |= self.make([(self.widget, 1, 100.0)], ref="PO-5", post=False)
        copies |= self.make([(self.gadget, 1, 40.0)], ref="PO-9", post=False)
        with self.assertRaises(UserError) as error:
            copies.action_post()
        message = str(error.exception)
        self.assertEqual(message.count("Possible duplicate"), 2)
        # the second copy, duplicate of the first; the third, of the posted one
        self.assertEqual(
            message.count(f"{copies[1].display_name} ({self.buyer.name}, "), 1
        )
        self.assertEqual(message.count(f"id {copies[1].id}):"), 1)
        self.assertIn(f"Possible duplicate of {copies[0].display_name}:", message)
        self.assertIn(f"{copies[2].display_name} ({self.buyer.name}, ", message)
        self.assertEqual(set(copies.mapped("state")), {"draft"})

    def test_possible_duplicate_multi_company(self):
        self.make([(self.widget, 1, 100.0)], ref="PO-3")
        other = self.make(
            [(self.widget, 1, 100.0)], ref="PO-3", company_id=self.company_2.id
        )
        self.assertEqual(other.state, "posted")

    def test_possible_duplicate_multi_currency(self):
        self.make([(self.widget, 1, 100.0)], ref="PO-4", currency_id=self.eur.id)
        in_usd = self.make([(self.widget, 1, 100.0)], ref="PO-4")
        self.assertEqual(in_usd.state, "posted")
        in_eur = self.checked(
            [(self.widget, 1, 100.0)], ref="PO-4", currency_id=self.eur.id
        )
        self.assertTrue(self.found(in_eur, "possible_duplicate"))

    # -- missing_customer_reference --------------------------------------
    def test_missing_customer_reference(self):
        self.buyer.requires_customer_reference = True
        contact = self.env["res.partner"].create(
            {"name": "Piet Jansen", "parent_id": self.buyer.id}
        )
        self.assertTrue(contact.requires_customer_reference, "a commercial field")
        hit = self.checked([(self.widget, 1, 100.0)], partner=contact)
        (finding,) = self.found(hit, "missing_customer_reference")
        self.assertFalse(finding.line_id)
        self.assertIn(self.buyer.name, finding.message)
        self.assertFalse(
            self.found(
                self.checked([(self.widget, 1, 100.0)], ref="PO-12"),
                "missing_customer_reference",
            )
        )
        # a blank reference is no reference
        self.assertTrue(
            self.found(
                self.checked([(self.widget, 1, 100.0)], ref="  "),
                "missing_customer_reference",
            )
        )
        self.buyer.requires_customer_reference = False
        self.assertFalse(
            self.found(
                self.checked([(self.widget, 1, 100.0)]), "missing_customer_reference"
            )
        )

    def test_missing_customer_reference_multi_company_and_currency(self):
        self.buyer.requires_customer_reference = True
        self.rule("missing_customer_reference").active = False
        self.assertFalse(
            self.found(
                self.checked([(self.widget, 1, 100.0)]), "missing_customer_reference"
            )
        )
        other = self.checked(
            [(self.widget, 1, 200.0)],
            company_id=self.company_2.id,
            currency_id=self.eur.id,
        )
        (finding,) = self.found(other, "missing_customer_reference")
        self.assertEqual(finding.rule_id.company_id, self.company_2)

    # -- b2c_contact_incomplete ------------------------------------------
    def test_b2c_contact_incomplete(self):
        consumer = self.env["res.partner"].create({"name": "Eva Berg"})
        (finding,) = self.found(
            self.checked([(self.widget, 1, 100.0)], partner=consumer),
            "b2c_contact_incomplete",
        )
        self.assertIn("without an email address and without a postal", finding.message)
        consumer.write({"email": "eva@example.com", "street": "Storgatan 1"})
        # boundary: a street without a city is no postal address
        (finding,) = self.found(
            self.checked([(self.widget, 1, 100.0)], partner=consumer),
            "b2c_contact_incomplete",
        )
        self.assertIn("without a postal address", finding.message)
        consumer.city = "Lund"
        self.assertFalse(
            self.found(
                self.checked([(self.widget, 1, 100.0)], partner=consumer),
                "b2c_contact_incomplete",
            )
        )
        # a company (B2B) is not checked
        company = self.env["res.partner"].create(
            {"name": "Berg AB", "is_company": True}
        )
        self.assertFalse(
            self.found(
                self.checked([(self.widget, 1, 100.0)], partner=company),
                "b2c_contact_incomplete",
            )
        )

    def test_b2c_contact_incomplete_multi_company_and_currency(self):
        consumer = self.env["res.partner"].create(
            {"name": "Jana Kováčová", "street": "Hlavná 1", "city": "Košice"}
        )
        self.rule("b2c_contact_incomplete", self.company_2).active = False
        mine = self.checked(
            [(self.widget, 1, 200.0)], partner=consumer, currency_id=self.eur.id
        )
        (finding,) = self.found(mine, "b2c_contact_incomplete")
        self.assertIn("without an email address", finding.message)
        other = self.checked(
            [(self.widget, 1, 100.0)], partner=consumer, company_id=self.company_2.id
        )
        self.assertFalse(self.found(other, "b2c_contact_incomplete"))

    # -- dispute_history -------------------------------------------------
    def dispute(self, category_reason, days_before, company=None):
        """A dispute of the buyer received ``days_before`` DAY."""
        company = company or self.company
        invoice = self.make(
            [(self.gadget, 1, 1000.0 + days_before)],
            day=DAY - timedelta(days=days_before + 5),
            company_id=company.id,
        )
        return self.create_dispute(
            invoice,
            reason_id=category_reason.id,
            date_received=DAY - timedelta(days=days_before),
            company_id=company.id,
            currency_id=invoice.currency_id.id,
        )

    def test_dispute_history_makes_price_check_stricter(self):
        self.rule("price_vs_pricelist").active = False
        self.make([(self.widget, 1, 100.0)], day=DAY - timedelta(days=30))
        # 7 % off: within the 10 % of price_vs_last
        self.assertFalse(self.checked([(self.widget, 1, 107.0)]).check_finding_ids)
        for days in (10, 20, 90):
            self.dispute(self.reason_price, days)
        invoice = self.checked([(self.widget, 1, 107.0)])
        (finding,) = self.found(invoice, "price_vs_last")
        self.assertEqual(finding.rule_id.code, "dispute_history")
        self.assertIn("3 pricing disputes in the last 90 days", finding.message)
        # boundary: half the threshold (5 %) is still within it
        self.assertFalse(self.checked([(self.widget, 1, 105.0)]).check_finding_ids)
        # past the normal threshold: the price rule's own finding
        (finding,) = self.found(
            self.checked([(self.widget, 1, 120.0)]), "price_vs_last"
        )
        self.assertEqual(finding.rule_id.code, "price_vs_last")

    def test_dispute_history_lookback_and_category(self):
        self.rule("price_vs_pricelist").active = False
        self.make([(self.widget, 1, 100.0)], day=DAY - timedelta(days=30))
        # 91 days ago: out of the lookback; a quantity dispute: other category
        self.dispute(self.reason_price, 91)
        self.dispute(self.env.ref("invoice_dispute.reason_quantity"), 5)
        self.assertFalse(
            self.checked([(self.widget, 1, 107.0)]).check_finding_ids.filtered(
                lambda f: f.check_code == "price_vs_last"
            )
        )
        # the quantity dispute makes the quantity check stricter instead:
        # usual 1, 2.5 is 150 % above (threshold 200 %, strict 100 %)
        invoice = self.checked([(self.widget, 2.5, 100.0)])
        (finding,) = self.found(invoice, "quantity_outlier")
        self.assertIn("1 quantity dispute in the last 90 days", finding.message)

    def test_dispute_history_wrong_details_and_duplicates(self):
        self.dispute(self.env.ref("invoice_dispute.reason_wrong_details"), 3)
        self.dispute(self.env.ref("invoice_dispute.reason_duplicate"), 4)
        invoice = self.checked([(self.widget, 1, 100.0)])
        (finding,) = self.found(invoice, "missing_customer_reference")
        self.assertEqual(finding.rule_id.code, "dispute_history")
        self.assertIn("1 wrong details dispute ", finding.message)
        # a duplicate 20 days later: out of 14 days, within 28
        self.make([(self.widget, 1, 100.0)], ref="PO-8", day=DAY - timedelta(20))
        later = self.checked([(self.widget, 1, 100.0)], ref="PO-8")
        (finding,) = self.found(later, "possible_duplicate")
        self.assertEqual(finding.rule_id.code, "dispute_history")
        self.assertEqual(finding.severity, "warning")

    def test_dispute_history_multi_company_and_currency(self):
        self.rule("price_vs_pricelist", self.company_2).active = False
        self.make(
            [(self.widget, 1, 200.0)],
            day=DAY - timedelta(days=30),
            company_id=self.company_2.id,
            currency_id=self.eur.id,
        )
        for days in (10, 20):
            self.dispute(self.reason_price, days)
        # disputes in company 1 do not make company 2's checks stricter
        other = self.checked(
            [(self.widget, 1, 214.0)],
            company_id=self.company_2.id,
            currency_id=self.eur.id,
        )
        self.assertFalse(other.check_finding_ids)
        self.dispute(self.reason_price, 15, company=self.company_2)
        other = self.checked(
            [(self.widget, 1, 214.0)],
            company_id=self.company_2.id,
            currency_id=self.eur.id,
        )
        (finding,) = self.found(other, "price_vs_last")
        self.assertIn("1 pricing dispute ", finding.message)
        self.assertIn("€", finding.message)


@tagged("post_install", "-at_install")
class TestInvoiceCheckWorkflow(InvoiceCheckCommon):
    def blocked_invoice(self):
        self.make([(self.widget, 1, 100.0)], ref="PO-1")
        invoice = self.make([(self.widget, 1, 100.0)], ref="PO-1", post=False)
        invoice.action_check_invoice()
        self.assertEqual(invoice.check_state, "blocked")
        return invoice

    def test_override_by_manager_then_post(self):
        invoice = self.blocked_invoice()
        wizard_form = Form(
            self.env["invoice.check.override.wizard"]
            .with_user(self.manager)
            .with_context(active_model="account.move", active_ids=invoice.ids)
        )
        self.assertEqual(len(wizard_form.finding_ids), 1)
        wizard_form.reason = "Second delivery under the same order, agreed by phone."
        wizard_form.save().action_confirm()
        (finding,) = invoice.check_finding_ids
        self.assertEqual(finding.state, "overridden")
        self.assertEqual(finding.override_user_id, self.manager)
        self.assertIn("Second delivery", finding.override_reason)
        self.assertEqual(invoice.check_state, "none")
        self.assertIn("Second delivery", invoice.message_ids[0].body)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(finding.state, "overridden", "the override holds")

    def override(self, invoice, reason="Agreed with the customer."):
        invoice.check_finding_ids.filtered(lambda f: f.state == "open").with_user(
            self.manager
        ).action_override(reason=reason)

    def test_override_expires_when_the_price_changes(self):
        self.rule("price_vs_last").severity = "blocking"
        self.make([(self.gadget, 1, 50.0)], day=DAY - timedelta(days=10))
        invoice = self.checked([(self.gadget, 1, 60.0)])
        (finding,) = self.found(invoice, "price_vs_last")
        self.override(invoice, "Agreed 20 % increase.")
        # checked again unchanged: the override holds
        invoice.action_check_invoice()
        self.assertEqual(finding.state, "overridden")
        self.assertEqual(invoice.check_state, "none")
        invoice.invoice_line_ids.price_unit = 5000.0
        with self.assertRaisesRegex(UserError, "not posted"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        invoice.action_check_invoice()
        self.assertEqual(finding.state, "fixed")
        (new,) = self.found(invoice, "price_vs_last")
        self.assertIn("5,000.00", new.message)
        self.assertEqual(invoice.check_state, "blocked")
        self.override(invoice, "Special one-off.")
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(new.state, "overridden")

    def test_override_expires_for_another_duplicate(self):
        copied = self.make([(self.gadget, 9, 11.0)], ref="ZZ")
        self.make([(self.widget, 6, 100.0)], ref="OTHER")
        invoice = self.checked([(self.widget, 6, 100.0)], ref="OTHER")
        (finding,) = self.found(invoice, "possible_duplicate")
        self.override(invoice)
        invoice.write(
            {
                "ref": "ZZ",
                "invoice_line_ids": [
                    Command.update(
                        invoice.invoice_line_ids.id,
                        {"product_id": self.gadget.id, "quantity": 9, "price_unit": 11},
                    )
                ],
            }
        )
        with self.assertRaisesRegex(UserError, copied.name):
            invoice.action_post()
        invoice.action_check_invoice()
        self.assertEqual(finding.state, "fixed")
        (new,) = self.found(invoice, "possible_duplicate")
        self.assertIn(copied.name, new.message)

    def test_cancel_closes_findings_and_post_rechecks(self):
        self.buyer.requires_customer_reference = True
        invoice = self.make([(self.widget, 1, 100.0)])
        (finding,) = self.found(invoice, "missing_customer_reference")
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(finding.state, "fixed")
        self.assertEqual(invoice.check_state, "none")
        self.assertNotIn(
            invoice,
            self.env["account.move"].search([("check_state", "=", "warning")]),
        )
        invoice.button_draft()
        invoice.action_post()
        self.assertTrue(self.found(invoice, "missing_customer_reference"))

    def test_block_error_tells_drafts_apart_and_wizard_needs_findings(self):
        invoice = self.blocked_invoice()
        twin = self.make([(self.widget, 1, 100.0)], ref="PO-1", post=False)
        with self.assertRaises(UserError) as caught:
            (invoice | twin).action_post()
        error = str(caught.exception)
        self.assertIn(f"id {invoice.id}", error)
        self.assertIn(f"id {twin.id}", error)
        wizard = (
            self.env["invoice.check.override.wizard"]
            .with_user(self.collector)
            .create({"reason": "Fine."})
        )
        with self.assertRaisesRegex(UserError, "Select the open findings"):
            wizard.action_confirm()

    def test_override_refused_to_collector_and_without_reason(self):
        invoice = self.blocked_invoice()
        finding = invoice.check_finding_ids.with_user(self.collector)
        with self.assertRaisesRegex(UserError, "Only a dispute manager"):
            finding.action_override(reason="I think it is fine")
        with self.assertRaisesRegex(UserError, "Only a dispute manager"):
            invoice.with_user(self.collector).action_override_check_findings()
        self.assertEqual(invoice.check_finding_ids.state, "open")
        with self.assertRaisesRegex(UserError, "Give the reason"):
            invoice.check_finding_ids.with_user(self.manager).action_override(
                reason="  "
            )
        self.assertEqual(invoice.check_finding_ids.state, "open")
        # findings cannot be written around the method
        with self.assertRaises(AccessError):
            finding.write({"state": "overridden"})
        with self.assertRaisesRegex(UserError, "not posted"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")

    def test_recheck_after_fix_closes_finding(self):
        self.buyer.requires_customer_reference = True
        invoice = self.checked([(self.widget, 1, 100.0)])
        (finding,) = self.found(invoice, "missing_customer_reference")
        self.assertEqual(invoice.check_state, "warning")
        self.assertIn("needs its reference", invoice.check_message)
        self.assertIn(
            invoice, self.env["account.move"].search([("check_state", "=", "warning")])
        )
        # checking again without a change keeps the same finding
        invoice.action_check_invoice()
        self.assertEqual(self.found(invoice, "missing_customer_reference"), finding)
        with Form(invoice) as form:
            form.ref = "PO-2024-118"
        invoice.action_check_invoice()
        self.assertEqual(finding.state, "fixed")
        self.assertEqual(invoice.check_state, "none")
        self.assertFalse(invoice.check_message)
        # only open findings are overridden: the refusal names the finding
        with self.assertRaisesRegex(
            UserError, r"needs its reference.* is Fixed: it cannot be overridden"
        ):
            finding.with_user(self.manager).action_override(reason="Fine.")
        self.assertEqual(finding.state, "fixed")

    def test_warning_posts_and_shows(self):
        self.buyer.requires_customer_reference = True
        invoice = self.make([(self.widget, 1, 100.0)])
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.check_state, "warning")
        to_check = self.env["account.move"].search(
            [("check_state", "in", ("warning", "blocked"))]
        )
        self.assertIn(invoice, to_check)
        self.assertIn(
            invoice,
            self.env["invoice.check.finding"]
            .with_user(self.collector)
            .search([("state", "=", "open")])
            .move_id,
        )

    def test_findings_filter_leaves_odoo_to_check_alone(self):
        arch = (
            self.env["account.move"]
            .with_user(self.manager)
            .get_view(view_type="search")["arch"]
        )
        root = etree.fromstring(arch)
        (to_check,) = root.xpath("//filter[@name='to_check']")
        self.assertIn("checked", to_check.get("domain"))
        self.assertNotIn("check_state", to_check.get("domain"))
        (findings,) = root.xpath("//filter[@name='check_findings_open']")
        self.assertIn("check_state", findings.get("domain"))

    def test_other_moves_are_not_checked(self):
        self.buyer.requires_customer_reference = True
        refund = self.make([(self.widget, 1, 100.0)], move_type="out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertFalse(refund.check_finding_ids)
        with self.assertRaisesRegex(UserError, "Only customer invoices"):
            refund.action_check_invoice()

    @staticmethod
    def read_as(user, record):
        """``record`` as ``user`` reads it in the web client (in their
        language)."""
        return record.with_user(user).with_context(lang=user.lang)

    def test_checks_in_translation(self):
        """A finding reads in the reader's language, whoever checked it."""
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_dispute"], ["nl_NL"], overwrite=True
        )
        dutch = self.create_user("check_nl", COLLECTOR_GROUPS, lang="nl_NL")
        english = self.create_user("check_en", COLLECTOR_GROUPS, lang="en_US")
        self.buyer.requires_customer_reference = True
        invoice = self.make([(self.widget, 1, 100.0)], post=False)
        self.read_as(english, invoice).action_check_invoice()
        finding = self.found(invoice, "missing_customer_reference")
        in_dutch = self.read_as(dutch, finding).message
        self.assertIn(self.buyer.name, in_dutch)
        self.assertIn("wil zijn referentie", in_dutch)
        self.assertNotIn("needs its reference", in_dutch)
        self.assertIn("wil zijn referentie", self.read_as(dutch, invoice).check_message)
        self.assertIn("needs its reference", self.read_as(english, finding).message)
        # checked again by the Dutch collector: the same finding, and the
        # English one still reads English
        self.read_as(dutch, invoice).action_check_invoice()
        self.assertEqual(self.found(invoice, "missing_customer_reference"), finding)
        self.assertIn("needs its reference", self.read_as(english, finding).message)
        self.assertIn("wil zijn referentie", self.read_as(dutch, finding).message)
        # numbers and amounts too
        off = self.make([(self.widget, 1, 1110.0)], post=False)
        self.read_as(english, off).action_check_invoice()
        (price,) = self.found(off, "price_vs_pricelist")
        self.assertIn("1.010,0%", self.read_as(dutch, price).message)
        self.assertIn("1.110,00", self.read_as(dutch, price).message)
        self.assertIn("1,010.0%", self.read_as(english, price).message)

    def test_message_naming_no_record(self):
        """A finding whose check had no record to name (a customer without a
        price list, as stored before this was fixed) still reads, in the
        banner and in the list."""
        off = self.make([(self.widget, 1, 1110.0)], post=False)
        off.action_check_invoice()
        (finding,) = self.found(off, "price_vs_pricelist")
        args = dict(
            finding.message_args, pricelist=["record", "product.pricelist", False]
        )
        finding.sudo().write(
            {"message_key": "price_vs_sales_price", "message_args": args}
        )
        finding.invalidate_recordset()
        off.invalidate_recordset()
        self.assertIn("off its sales price", finding.message)
        self.assertIn("off its sales price", off.check_message)

    def test_migration_keeps_stored_messages(self):
        """Findings written before 18.0.2.1.0 stored their text: the
        migration keeps it as their message."""
        migration = load_migration("18.0.2.1.0", "pre-migrate")
        self.buyer.requires_customer_reference = True
        invoice = self.make([(self.widget, 1, 100.0)], post=False)
        invoice.action_check_invoice()
        finding = self.found(invoice, "missing_customer_reference")
        finding.flush_recordset()
        # the table as the previous version left it: the text stored, no key
        cr = self.env.cr
        cr.execute("ALTER TABLE invoice_check_finding ADD COLUMN message text")
        cr.execute(
            "ALTER TABLE invoice_check_finding ALTER COLUMN message_key DROP NOT NULL"
        )
        cr.execute(
            "UPDATE invoice_check_finding SET message = 'Old text, as it was.', "
            "message_key = NULL, message_args = NULL WHERE id = %s",
            [finding.id],
        )
        self.assertEqual(migration.keep_stored_messages(cr), 1)
        self.assertEqual(migration.keep_stored_messages(cr), 0)
        finding.invalidate_recordset()
        self.assertEqual(finding.message, "Old text, as it was.")

    def test_rule_names_in_every_language(self):
        langs = {
            "nl_NL": "Prijs wijkt af van de laatste prijs",
            "sk_SK": "Cena sa líši od poslednej ceny",
            "sv_SE": "Priset avviker från det senaste priset",
        }
        # renamed before the languages come: keeps its name in all of them
        renamed = self.rule("quantity_outlier")
        renamed.with_context(lang="en_US").name = "Large quantity"
        for lang in langs:
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_dispute"], list(langs)
        )
        for company in (self.company, self.company_2):
            rule = self.rule("price_vs_last", company)
            self.assertEqual(
                rule.with_context(lang="en_US").name,
                "Price differs from the last price",
            )
            for lang, name in langs.items():
                self.assertEqual(rule.with_context(lang=lang).name, name)
        for lang in langs:
            self.assertEqual(renamed.with_context(lang=lang).name, "Large quantity")
        # a company made now gets the names in the installed languages, and
        # a company made by a Dutch user gets the English name in English
        new = (
            self.env["res.company"]
            .with_context(lang="nl_NL")
            .create({"name": "Prevention BV"})
        )
        rule = self.rule("price_vs_last", new)
        self.assertEqual(rule.with_context(lang="sk_SK").name, langs["sk_SK"])
        self.assertEqual(
            rule.with_context(lang="en_US").name, "Price differs from the last price"
        )


@tagged("post_install", "-at_install", "is_query_count")
class TestInvoiceCheckQueries(InvoiceCheckCommon):
    """The checks read what they need for all invoices at once: 1 or 20
    invoices cost the same queries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer.requires_customer_reference = True
        for days in (10, 40):
            cls.make(
                [(cls.widget, 1, 100.0 + days), (cls.gadget, 2, 40.0)],
                day=DAY - timedelta(days=days),
                ref=f"H-{days}",
            )
        cls.create_dispute(
            cls.buyer.invoice_ids[:1],
            reason_id=cls.reason_price.id,
            date_received=DAY - timedelta(days=5),
        )

    def drafts(self, count):
        """``count`` draft invoices, each of another total (no duplicates)."""
        self.made = getattr(self, "made", 0) + count
        return self.env["account.move"].concat(
            *(
                self.make(
                    [(self.widget, 1, 110.0 + i), (self.gadget, 3 + i, 40.0)],
                    day=DAY,
                    post=False,
                )
                for i in range(self.made - count, self.made)
            )
        )

    @contextmanager
    def counted(self, expected, counts):
        """assertQueryCount(expected) over the block from a cold cache, and
        the queries counted into ``counts`` (so that fewer fail too)."""
        env = self.env
        env.flush_all()
        env.cr.flush()
        env.invalidate_all()
        before = env.cr.sql_log_count
        with self.assertQueryCount(expected):
            yield
        counts.append(env.cr.sql_log_count - before)

    def test_check_query_count(self):
        one, twenty, warm = self.drafts(1), self.drafts(20), self.drafts(1)
        self.env.flush_all()
        self.env.invalidate_all()
        warm.action_check_invoice()  # the record rules read once
        counts = []
        with self.counted(CHECK_QUERIES, counts):
            one.action_check_invoice()
        with self.counted(CHECK_QUERIES, counts):
            twenty.action_check_invoice()
        self.assertEqual(counts[0], counts[1])
        self.assertTrue(all(twenty.mapped("check_finding_ids")))

    def test_post_query_count(self):
        """Posting 1 or 20 invoices: the checks inside the posting cost the
        same queries (Odoo's own posting grows with the invoices)."""
        Move = self.env.registry["account.move"]
        check_run = Move._invoice_check_run
        test, counts = self, []

        def counted_check_run(moves, refuse_blocking=False):
            # from a cold cache: what the posting read so far does not count
            with test.counted(CHECK_QUERIES, counts):
                check_run(moves, refuse_blocking=refuse_blocking)

        warm, one, twenty = self.drafts(1), self.drafts(1), self.drafts(20)
        self.env.flush_all()
        self.env.invalidate_all()
        warm.action_post()  # the record rules read once
        with patch.object(Move, "_invoice_check_run", counted_check_run):
            for invoices in (one, twenty):
                self.env.invalidate_all()
                invoices.action_post()
        self.assertEqual(set(twenty.mapped("state")), {"posted"})
        self.assertEqual(counts[0], counts[1])
