{
    "name": "Invoice Disputes and Collections",
    "summary": "Record, resolve and learn from invoice disputes; "
    "pause reminders while a dispute is open",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/invoice-dispute/invoice_dispute",
    "author": "invoice_dispute developers",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["account", "mail", "portal"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/invoice_dispute_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/invoice_dispute_reason_data.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "wizard/invoice_dispute_resolve_wizard_views.xml",
        "views/invoice_dispute_reason_views.xml",
        "views/invoice_dispute_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/invoice_dispute_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "invoice_dispute/static/tests/tours/**/*",
        ],
    },
}
