"""18.0.2.3.0: the firm reminder and the final notice say "despite our earlier
reminder" only after a reminder that was delivered
(``invoice.reminder.notice._has_sent_earlier_reminder``), not after one whose
email failed. The templates are shipped ``noupdate`` (a company adapts their
wording): only their condition is replaced, in every language, where it is
still the one shipped; the rest of a company's wording is kept.

The customer statement's file name is now computed in the customer's language
(``res.partner._get_customer_statement_filename``): the report's
``print_report_name`` is one expression in every language, so the
translations of the former expression are dropped."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

TEMPLATES = ("mail_template_reminder_3", "mail_template_reminder_4")
OLD_CONDITIONS = (
    "object.move_ids.filtered('reminder_level')",
    "object.move_ids.filtered(&#39;reminder_level&#39;)",
    "object.move_ids.filtered(&apos;reminder_level&apos;)",
)
NEW_CONDITION = "object._has_sent_earlier_reminder()"


def update_earlier_reminder_condition(env):
    """Replace the shipped "earlier reminder" condition in the bodies of the
    reminder templates 3 and 4 (every language); idempotent.

    :param env: an Odoo environment (superuser)
    :return: number of templates changed
    """
    ids = [
        template.id
        for xmlid in TEMPLATES
        if (template := env.ref(f"invoice_dispute.{xmlid}", raise_if_not_found=False))
    ]
    if not ids:
        return 0
    replaced = SQL("value")
    for old in OLD_CONDITIONS:
        replaced = SQL("replace(%s, %s, %s)", replaced, old, NEW_CONDITION)
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            UPDATE mail_template t
               SET body_html = (
                    SELECT jsonb_object_agg(key, %(replaced)s)
                      FROM jsonb_each_text(t.body_html)
                   )
             WHERE t.id IN %(ids)s
               AND t.body_html::text LIKE %(pattern)s
            """,
            replaced=replaced,
            pattern="%reminder_level%",
            ids=tuple(ids),
        )
    )
    count = env.cr.rowcount
    env["mail.template"].invalidate_model(["body_html"])
    return count


def reset_statement_report_name(env):
    """Keep only the English ``print_report_name`` of the customer statement
    (the expression every language uses); idempotent.

    :param env: an Odoo environment (superuser)
    """
    report = env.ref(
        "invoice_dispute.action_report_customer_statement", raise_if_not_found=False
    )
    if not report:
        return
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            UPDATE ir_act_report_xml
               SET print_report_name = jsonb_build_object(
                       'en_US', print_report_name->>'en_US')
             WHERE id = %s AND print_report_name IS NOT NULL
            """,
            report.id,
        )
    )
    report.invalidate_recordset(["print_report_name"])


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    update_earlier_reminder_condition(env)
    reset_statement_report_name(env)
