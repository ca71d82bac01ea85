from datetime import timedelta

from odoo import fields

from .common import InvoiceDisputeCommon


class CollectionCommon(InvoiceDisputeCommon):
    """Customers with overdue and paid invoices, for call sheets, the
    worklist and payment behaviour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.ap_contact = cls.env["res.partner"].create(
            {
                "name": "Piet de Boer",
                "parent_id": cls.customer.id,
                "is_ar_contact": True,
                "phone": "+31 20 555 0101",
                "email": "piet@vandijk.example.com",
                "ar_availability": "Mornings, not on Wednesday",
                "lang": "en_US",
            }
        )
        cls.customer.write({"ar_contact_id": cls.ap_contact.id, "payment_weekday": "3"})

    @classmethod
    def create_overdue(cls, partner, amount, days_overdue, post=True):
        """A customer invoice whose due date was ``days_overdue`` days ago."""
        date_due = cls.today - timedelta(days=days_overdue)
        return cls.create_invoice(
            partner,
            amount,
            post=post,
            invoice_date=date_due - timedelta(days=30),
            invoice_date_due=date_due,
        )

    @classmethod
    def create_invoices(cls, partner, count, amount, date_due):
        """``count`` posted invoices created in one batch."""
        moves = cls.env["account.move"].create(
            [
                cls.invoice_vals(
                    partner,
                    amount,
                    invoice_date=date_due - timedelta(days=30),
                    invoice_date_due=date_due,
                )
                for __ in range(count)
            ]
        )
        moves.action_post()
        return moves

    @classmethod
    def pay(cls, invoices, payment_date):
        """Pay ``invoices`` in full on ``payment_date`` (one payment per
        customer)."""
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"payment_date": payment_date, "group_payment": True})
            ._create_payments()
        )
