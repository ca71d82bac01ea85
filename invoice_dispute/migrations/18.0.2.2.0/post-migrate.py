"""18.0.2.2.0: the promises, payment claims and back-billing named "/" by
``pre-migrate`` get their number from their new sequence, in the order they
were created, dated by their creation."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

# the models ``pre-migrate`` left to be numbered
NUMBERED = ("invoice.payment.promise", "invoice.payment.claim", "invoice.back.billing")


def number_documents(env):
    """Give every promise, payment claim and back-billing named "/" the next
    number of its model's sequence (``_SEQUENCE_CODE``) in its company,
    dated by its creation; idempotent (numbered records are left alone).

    :param env: an Odoo environment (superuser)
    :return: number of records numbered
    """
    count = 0
    for model in NUMBERED:
        Model = env[model]
        records = Model.search([("name", "=", "/")], order="create_date, id")
        for record in records:
            number = (
                env["ir.sequence"]
                .with_company(record.company_id)
                .next_by_code(
                    Model._SEQUENCE_CODE, sequence_date=record.create_date.date()
                )
            )
            env.cr.execute(
                SQL(
                    "UPDATE %s SET name = %s WHERE id = %s",
                    SQL.identifier(Model._table),
                    number,
                    record.id,
                )
            )
        records.invalidate_recordset(["name"])
        count += len(records)
    return count


def migrate(cr, version):
    if version:
        number_documents(api.Environment(cr, SUPERUSER_ID, {}))
