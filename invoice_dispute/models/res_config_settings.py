from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dispute_manager_id = fields.Many2one(
        related="company_id.dispute_manager_id", readonly=False
    )
    dispute_approval_amount = fields.Monetary(
        related="company_id.dispute_approval_amount",
        currency_field="currency_id",
        readonly=False,
    )
    dispute_approval_percent = fields.Float(
        related="company_id.dispute_approval_percent", readonly=False
    )
    promise_grace_days = fields.Integer(
        related="company_id.promise_grace_days", readonly=False
    )
    reminder_start_date = fields.Date(
        related="company_id.reminder_start_date", readonly=False
    )
    reminder_backlog_level = fields.Integer(
        related="company_id.reminder_backlog_level", readonly=False
    )
    reminder_resume_days = fields.Integer(
        related="company_id.reminder_resume_days", readonly=False
    )
    promise_max_days = fields.Integer(
        related="company_id.promise_max_days", readonly=False
    )
    plan_max_installments = fields.Integer(
        related="company_id.plan_max_installments", readonly=False
    )
    plan_auto_approve_amount = fields.Monetary(
        related="company_id.plan_auto_approve_amount",
        currency_field="currency_id",
        readonly=False,
    )
    paid_claim_block_days = fields.Integer(
        related="company_id.paid_claim_block_days", readonly=False
    )
