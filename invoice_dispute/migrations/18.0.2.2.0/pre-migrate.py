"""18.0.2.2.0: promises, payment claims and back-billing are numbered from a
sequence of their own, like the addon's other customer documents
(``invoice.customer.document``); before, their name was computed from the
customer and a date, so that two of them could have the same one.

Before the ORM adds the unique constraint on (number, company), their names
become "/" (which the constraint leaves out); ``post-migrate`` numbers them."""

from odoo.tools import SQL
from odoo.tools.sql import table_exists

# model -> table of the documents numbered from this version on
NUMBERED = {
    "invoice.payment.promise": "invoice_payment_promise",
    "invoice.payment.claim": "invoice_payment_claim",
    "invoice.back.billing": "invoice_back_billing",
}


def unname_documents(cr):
    """Set the name of every promise, payment claim and back-billing to "/"
    (to be numbered); idempotent.

    :param cr: database cursor
    :return: number of records updated
    """
    count = 0
    for table in NUMBERED.values():
        if not table_exists(cr, table):
            continue
        cr.execute(
            SQL(
                "UPDATE %s SET name = '/' WHERE name IS DISTINCT FROM '/'",
                SQL.identifier(table),
            )
        )
        count += cr.rowcount
    return count


def migrate(cr, version):
    if version:
        unname_documents(cr)
