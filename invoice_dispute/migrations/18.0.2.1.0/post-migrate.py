"""18.0.2.1.0: the reminder templates of levels 1 to 4 t-call one invoice
table (``invoice_dispute.reminder_invoice_table``) instead of holding a copy
each; the monthly management pack's scheduled action runs on the model
``invoice.dispute.management.pack`` instead of the export wizard.

These records are shipped ``noupdate``: they are loaded again from their data
files, with their translations, by ``reload_records`` of the 18.0.2.0.0
migration."""

import importlib.util
from pathlib import Path

from odoo import SUPERUSER_ID, api

RELOADED = {
    "invoice_dispute/data/mail_template_reminder_data.xml": (
        "mail_template_reminder_1",
        "mail_template_reminder_2",
        "mail_template_reminder_3",
        "mail_template_reminder_4",
    ),
    "invoice_dispute/data/ir_cron_data.xml": ("ir_cron_management_report",),
}


def load_notice_migration():
    """The 18.0.2.0.0 migration script, as a module (its ``reload_records``)."""
    path = Path(__file__).parents[1] / "18.0.2.0.0" / "post-migrate.py"
    spec = importlib.util.spec_from_file_location("invoice_dispute_18_0_2_0_0", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    reload_records = load_notice_migration().reload_records
    for data_file, xmlids in RELOADED.items():
        reload_records(env, xmlids, (data_file,))
