"""Helpers of the addon's migration scripts (``migrations/*/post-migrate.py``
import them as ``odoo.addons.invoice_dispute.upgrade_tools``): what several
upgrades do to the data, written once. No models here; the addon's
``__init__`` does not load it."""

import json

from odoo.tools import SQL


def rewrite_template_field(env, xmlid, field, rewrite):
    """Apply ``rewrite`` (str -> str) to every language's value of the
    translated ``field`` (subject, body_html) of mail template ``xmlid``,
    in SQL (the templates are ``noupdate``: only what ``rewrite`` changes
    is changed). The caller flushes before and invalidates the field after.

    :param env: an Odoo environment (superuser)
    :param str xmlid: the template's external id
    :param str field: the name of a translated field of ``mail.template``
    :param rewrite: callable str -> str
    :return: 1 when the template changed, else 0 (also when it is missing)
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
