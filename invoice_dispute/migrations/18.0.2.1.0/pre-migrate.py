"""18.0.2.1.0: invoice check findings keep their message as a key and
values (``message_key``, ``message_args``), shown in the reader's language;
before, the text was stored (``message``) in the language of whoever ran the
check.

A finding written before this version keeps the text it had: its stored text
becomes its ``message_key``, which ``invoice.check.finding`` shows as it is
(a key that is no message of a check is shown verbatim), so that the new
required key is set on every row before the ORM makes it NOT NULL."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def keep_stored_messages(cr):
    """Give every finding without ``message_key`` its stored ``message``
    text as key; idempotent (rows with a key are left alone).

    :param cr: database cursor
    :return: number of findings updated
    """
    if not column_exists(cr, "invoice_check_finding", "message"):
        return 0
    if not column_exists(cr, "invoice_check_finding", "message_key"):
        create_column(cr, "invoice_check_finding", "message_key", "varchar")
    cr.execute(
        SQL(
            "UPDATE invoice_check_finding SET message_key = COALESCE(message, '') "
            "WHERE message_key IS NULL"
        )
    )
    return cr.rowcount


def migrate(cr, version):
    if version:
        keep_stored_messages(cr)
