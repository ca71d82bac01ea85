"""18.0.2.0.0: every reminder becomes an ``invoice.reminder.notice``.

The reminder templates now render on the notice and the scheduled action
runs ``invoice.reminder.engine``: these records are shipped ``noupdate``, so
they are loaded again from their data files (``reload_records``).

The reminder logs written before this version are grouped into notices by
their email (one email = one notice; a log without an email, i.e. an
activity-only reminder, makes a notice with the logs of the same customer,
rule, day and activity; an installment's log makes its own), with the
figures the logs kept. ``group_logs_into_notices`` is idempotent: logs that
already have a notice are left alone."""

import io
from collections import defaultdict

from lxml import etree

from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL, file_path
from odoo.tools.convert import convert_xml_import

DATA_FILES = (
    "invoice_dispute/data/mail_template_reminder_data.xml",
    "invoice_dispute/data/ir_cron_data.xml",
)

UPDATED_RECORDS = (
    "mail_template_reminder_1",
    "mail_template_reminder_2",
    "mail_template_reminder_3",
    "mail_template_reminder_4",
    "mail_template_installment_reminder",
    "ir_cron_send_payment_reminders",
)
# A frozen copy of models/invoice_reminder_notice.py's MAIL_TO_NOTICE_STATE, on
# purpose: this step must keep converting the logs as the 18.0.2.0.0 version
# did, whatever the model's mapping becomes later.
MAIL_TO_NOTICE_STATE = {
    "outgoing": "queued",
    "sent": "sent",
    "received": "sent",
    "exception": "failed",
    "cancel": "cancelled",
}


def _group_key(log):
    if log.mail_id:
        return ("mail", log.mail_id.id)
    if log.plan_line_id:
        return ("installment", log.id)
    return (
        "activity",
        log.move_id.commercial_partner_id.id,
        log.rule_id.id,
        log.date,
        log.activity_id.id,
        log.move_id.currency_id.id,
    )


def _notice_values(logs):
    first = logs[0]
    moves = logs.move_id.sorted(lambda m: (m.invoice_date_due, m.id))
    line = first.plan_line_id
    main = moves[:1]
    customer = main.commercial_partner_id or line.partner_id.commercial_partner_id
    mail_state = first.mail_id.state or first.mail_state
    amount_open = sum(logs.mapped("amount_open"))
    amount_credit = max(logs.mapped("amount_credit") or [0.0])
    amount_net = max(logs.mapped("amount_net") or [0.0])
    return {
        "partner_id": customer.id,
        "recipient_id": first.partner_id.id,
        "company_id": first.company_id.id,
        "currency_id": (main.currency_id or line.currency_id).id,
        "rule_id": first.rule_id.id,
        "plan_line_id": line.id,
        "level": first.level,
        "date": first.date,
        "move_ids": [Command.set((moves or line.plan_id.move_ids).ids)],
        "amount_open": amount_open,
        "amount_due": max(amount_net + amount_credit, amount_open),
        "amount_credit": amount_credit,
        "amount_net": amount_net,
        "amount_credit_other": max(logs.mapped("amount_credit_other") or [0.0]),
        "amount_balance": max(logs.mapped("amount_balance") or [0.0]),
        "lang": first.lang,
        "mail_id": first.mail_id.id,
        "activity_id": first.activity_id.id,
        "state": MAIL_TO_NOTICE_STATE.get(mail_state, "sent"),
    }


def group_logs_into_notices(env):
    """Create the notices of the reminder logs that have none, grouped by
    their email, and link the logs to them.

    :return: the invoice.reminder.notice records created
    """
    Log = env["invoice.reminder.log"].with_context(active_test=False)
    logs = Log.search([("notice_id", "=", False)], order="date, id")
    groups = defaultdict(Log.browse)
    for log in logs:
        groups[_group_key(log)] |= log
    groups = list(groups.values())
    values_list = [_notice_values(group) for group in groups]
    notices = (
        env["invoice.reminder.notice"]
        .with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
        )
        .create(values_list)
    )
    for notice, group in zip(notices, groups, strict=True):
        group.notice_id = notice
    return notices


def set_noupdate(cr, xmlids, noupdate):
    cr.execute(
        SQL(
            """
            UPDATE ir_model_data
               SET noupdate = %s
             WHERE module = 'invoice_dispute' AND name IN %s
            """,
            noupdate,
            tuple(xmlids),
        )
    )


def reset_translations(env, xmlids):
    """Drop the translations (all languages but en_US) of the records
    ``xmlids`` in their fields translated as a whole (``translate=True``),
    so that the module's .po files, loaded after the migration, give them the
    translations of the new text (Odoo fills missing languages only)."""
    for xmlid in xmlids:
        record = env.ref(f"invoice_dispute.{xmlid}", raise_if_not_found=False)
        if not record:
            continue
        for field in record._fields.values():
            own = field.store and field.model_name == record._name
            if own and field.translate is True:
                env.cr.execute(
                    SQL(
                        "UPDATE %s SET %s = jsonb_build_object('en_US', %s->'en_US') "
                        "WHERE id = %s AND %s IS NOT NULL",
                        SQL.identifier(record._table),
                        SQL.identifier(field.name),
                        SQL.identifier(field.name),
                        record.id,
                        SQL.identifier(field.name),
                    )
                )
        record.invalidate_recordset()


def reload_records(env, xmlids=UPDATED_RECORDS, data_files=DATA_FILES):
    """Load the records ``xmlids`` of the addon's ``data_files`` (paths from
    the addons folder) again, although they are ``noupdate``, with Odoo's own
    XML loader; they stay ``noupdate`` afterwards. Their texts translated as a
    whole are reset, so that the .po files give them their new translations.

    :param env: an environment (superuser)
    :param xmlids: the XML ids, without the module prefix
    :param data_files: the data files holding them
    :raise ValueError: when an XML id is in none of the files
    """
    xmlids = tuple(xmlids)
    set_noupdate(env.cr, xmlids, False)
    found = set()
    for data_file in data_files:
        path = file_path(data_file)
        doc = etree.parse(path)
        root = doc.getroot()
        root.set("noupdate", "0")
        for node in list(root.iter("record", "template", "function")):
            if node.get("id") in xmlids:
                found.add(node.get("id"))
            else:
                node.getparent().remove(node)
        for node in root.iter("data"):
            node.set("noupdate", "0")
        stream = io.BytesIO(etree.tostring(doc))
        stream.name = path
        convert_xml_import(env, "invoice_dispute", stream, mode="update")
    missing = set(xmlids) - found
    if missing:
        raise ValueError(f"records not found in {data_files}: {sorted(missing)}")
    set_noupdate(env.cr, xmlids, True)
    reset_translations(env, xmlids)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    reload_records(env)
    group_logs_into_notices(env)
