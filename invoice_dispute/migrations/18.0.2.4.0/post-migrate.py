"""18.0.2.4.0: the links of the customer emails other than the reminders
(dispute acknowledgement, summary and proposal, call agreement, payment plan
confirmation) open the portal page in the customer's language, as the
reminders' links do: they are built by ``portal.mixin._get_portal_link``
(share URL with the language in the path) instead of ``get_base_url() +
get_portal_url()``. The templates are shipped ``noupdate`` (a company adapts
their wording): only the shipped link expressions are replaced, in every
language; a company's own wording around them, or its own link, is kept."""

from odoo import SUPERUSER_ID, api

from odoo.addons.invoice_dispute.upgrade_tools import rewrite_template_field

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
        rewrite_template_field(env, xmlid, "body_html", rewrite_body)
        for xmlid in TEMPLATES
    )
    env["mail.template"].invalidate_model(["body_html"])
    return count


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    update_portal_links(env)
