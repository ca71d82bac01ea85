"""18.0.2.4.0: the links of the customer emails other than the reminders
(dispute acknowledgement, summary and proposal, call agreement, payment plan
confirmation) open the portal page in the customer's language, as the
reminders' links do: they are built by ``portal.mixin._get_portal_link``
(share URL with the language in the path) instead of ``get_base_url() +
get_portal_url()``. The templates are shipped ``noupdate`` (a company adapts
their wording): only the shipped link expressions are replaced, in every
language; a company's own wording around them, or its own link, is kept."""

import json

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

TEMPLATES = (
    "invoice_dispute.mail_template_dispute_acknowledgement",
    "invoice_dispute.mail_template_dispute_summary",
    "invoice_dispute.mail_template_dispute_proposal",
    "invoice_dispute.mail_template_call_agreement",
    "invoice_dispute.mail_template_payment_plan_confirmation",
)
# the link expressions as shipped before 18.0.2.4.0 -> as shipped now
LINKS = (
    (
        "object.dispute_id.get_base_url() + object.dispute_id.get_portal_url()",
        "object.dispute_id._get_portal_link()",
    ),
    ("object.get_base_url() + object.get_portal_url()", "object._get_portal_link()"),
    ("move.get_base_url() + move.get_portal_url()", "move._get_portal_link()"),
)


def _rewrite_template_field(env, xmlid, field, rewrite):
    """Apply ``rewrite`` (str -> str) to every language's value of the
    translated ``field`` (subject, body_html) of mail template ``xmlid``
    (as in 18.0.2.3.0).

    :return: 1 when the template changed, else 0
    """
    template = env.ref(xmlid, raise_if_not_found=False)
    if not template:
        return 0
    env.cr.execute(
        SQL(
            "SELECT %s FROM mail_template WHERE id = %s",
            SQL.identifier(field),
            template.id,
        )
    )
    values = env.cr.fetchone()[0] or {}
    new = {lang: rewrite(value) for lang, value in values.items()}
    if new == values:
        return 0
    env.cr.execute(
        SQL(
            "UPDATE mail_template SET %s = %s::jsonb WHERE id = %s",
            SQL.identifier(field),
            json.dumps(new),
            template.id,
        )
    )
    return 1


def update_portal_links(env):
    """Replace, in every language of the bodies of ``TEMPLATES``, the
    shipped link expressions of ``LINKS``; idempotent.

    :param env: an Odoo environment (superuser)
    :return: number of templates changed
    """
    env.flush_all()

    def rewrite_body(value):
        for old, new in LINKS:
            value = value.replace(old, new)
        return value

    count = sum(
        _rewrite_template_field(env, xmlid, "body_html", rewrite_body)
        for xmlid in TEMPLATES
    )
    env["mail.template"].invalidate_model(["body_html"])
    return count


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    update_portal_links(env)
