"""18.0.2.3.0: the firm reminder and the final notice say "despite our earlier
reminder" only after a reminder that was delivered
(``invoice.reminder.notice._has_sent_earlier_reminder``), not after one whose
email failed. The templates are shipped ``noupdate`` (a company adapts their
wording): only their condition is replaced, in every language, where it is
still the one shipped; the rest of a company's wording is kept. For the same
reason the firm reminder's subject says "second reminder" only after a
delivered reminder (else "reminder"), and the final notice no longer says
"despite our earlier reminders" (plural) after a single one: the shipped
subject and sentence are replaced in en, nl, sk and sv where they are still
the shipped ones.

The customer statement's file name is now computed in the customer's language
(``res.partner._get_customer_statement_filename``): the report's
``print_report_name`` is one expression in every language, so the
translations of the former expression are dropped."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.invoice_dispute.upgrade_tools import rewrite_template_field

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


# the firm reminder's subject as shipped before 18.0.2.3.0 -> as shipped now
SUBJECTS_3 = {
    "{{ object.company_id.name }}: second reminder, invoices past due": (
        "{{ object.company_id.name }}: {{ 'second reminder' if "
        "object._has_sent_earlier_reminder() else 'reminder' }}, invoices past due"
    ),
    "{{ object.company_id.name }}: tweede herinnering, facturen over de vervaldatum": (
        "{{ object.company_id.name }}: {{ 'tweede herinnering' if "
        "object._has_sent_earlier_reminder() else 'herinnering' }}, "
        "facturen over de vervaldatum"
    ),
    "{{ object.company_id.name }}: druhá upomienka, faktúry po splatnosti": (
        "{{ object.company_id.name }}: {{ 'druhá upomienka' if "
        "object._has_sent_earlier_reminder() else 'upomienka' }}, "
        "faktúry po splatnosti"
    ),
    "{{ object.company_id.name }}: andra påminnelsen, förfallna fakturor": (
        "{{ object.company_id.name }}: {{ 'andra påminnelsen' if "
        "object._has_sent_earlier_reminder() else 'påminnelse' }}, "
        "förfallna fakturor"
    ),
}
# the final notice's "despite our earlier reminders" (plural) as shipped
# before 18.0.2.3.0 -> wording true after one delivered reminder or more
SENTENCES_4 = (
    (
        (
            "Despite our earlier reminders, the invoices below are still open. "
            "This is our final notice."
        ),
        (
            "We have reminded you of the invoices below before, and they are "
            "still open. This is our final notice."
        ),
    ),
    (
        (
            "Ondanks onze eerdere herinneringen staan onderstaande facturen nog"
            " open. Dit is onze laatste herinnering."
        ),
        (
            "Wij hebben u al eerder aan onderstaande facturen herinnerd en ze "
            "staan nog open. Dit is onze laatste herinnering."
        ),
    ),
    (
        (
            "napriek našim predchádzajúcim upomienkam sú nižšie uvedené faktúry"
            " stále neuhradené. Toto je naša posledná upomienka."
        ),
        (
            "Na nižšie uvedené faktúry sme vás už upozornili a stále sú "
            "neuhradené. Toto je naša posledná upomienka."
        ),
    ),
    (
        (
            "Trots våra tidigare påminnelser är fakturorna nedan fortfarande "
            "obetalda. Detta är vår sista påminnelse."
        ),
        (
            "Vi har redan påmint er om fakturorna nedan och de är fortfarande "
            "obetalda. Detta är vår sista påminnelse."
        ),
    ),
)


def update_earlier_reminder_wording(env):
    """Replace, in every language, the firm reminder's subject where it is
    still a shipped "second reminder" one (it now says "second reminder" only
    after a delivered reminder) and the final notice's shipped "despite our
    earlier reminders" sentence; a company's own wording is kept; idempotent.

    :param env: an Odoo environment (superuser)
    :return: number of templates changed
    """
    env.flush_all()

    def rewrite_subject(value):
        return SUBJECTS_3.get(value, value)

    def rewrite_body(value):
        for old, shipped in SENTENCES_4:
            value = value.replace(old, shipped)
        return value

    count = rewrite_template_field(
        env, "invoice_dispute.mail_template_reminder_3", "subject", rewrite_subject
    ) + rewrite_template_field(
        env, "invoice_dispute.mail_template_reminder_4", "body_html", rewrite_body
    )
    env["mail.template"].invalidate_model(["subject", "body_html"])
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
    update_earlier_reminder_wording(env)
    reset_statement_report_name(env)
