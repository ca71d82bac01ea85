"""Base class for the end-to-end scenarios run by pytest-odoo on the installed
addon (scripts/test.sh installs it first: pytest-odoo does not)."""

from odoo import Command, fields
from odoo.tests import TransactionCase


class ScenarioCase(TransactionCase):
    # Outside odoo.addons, Odoo's test metaclass sets no tags: give them here.
    test_tags = {"standard", "at_install"}
    test_module = "invoice_dispute"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Scenario Customer B.V.",
                "is_company": True,
                "email": "ap@scenario.example.com",
            }
        )

    @classmethod
    def create_invoice(cls, partner, amount):
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Scenario service",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice
