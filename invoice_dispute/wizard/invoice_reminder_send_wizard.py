import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

STATEMENT_REPORT = "invoice_dispute.action_report_customer_statement"


class InvoiceReminderSendWizard(models.TransientModel):
    """Send a payment reminder now (a collector, from the customer): which
    invoices, at which level, with the customer's statement or not, and a
    preview of the email. Sending goes through the reminder engine's claim
    (``invoice.reminder.engine._send_now``), so the scheduled action never
    repeats that level for these invoices."""

    _name = "invoice.reminder.send.wizard"
    _description = "Send a Payment Reminder"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    level = fields.Integer(
        compute="_compute_level",
        store=True,
        readonly=False,
        required=True,
        help="Reminder level to send; proposed: the level the customer's "
        "invoices are due for.",
    )
    rule_id = fields.Many2one(
        "invoice.reminder.rule", string="Reminder rule", compute="_compute_rule_id"
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
        help="The invoices the reminder lists; proposed: those due for this "
        "level and not yet reminded at it.",
    )
    attach_statement = fields.Boolean(
        string="Attach the statement",
        help="Attach the customer's statement (open invoices, open credits, "
        "aging and net balance) to the email.",
    )
    preview = fields.Html(
        compute="_compute_preview", sanitize=False, string="Email preview"
    )
    preview_error = fields.Char(compute="_compute_preview")

    @api.depends("partner_id", "company_id")
    def _compute_level(self):
        engine = self.env["invoice.reminder.engine"]
        for wizard in self:
            wizard.level = (
                engine._get_send_now_level(wizard.partner_id, wizard.company_id)
                if wizard.partner_id
                else 1
            )

    @api.depends("level", "company_id")
    def _compute_rule_id(self):
        for wizard in self:
            wizard.rule_id = self.env["invoice.reminder.rule"].search(
                [
                    ("company_id", "=", wizard.company_id.id),
                    ("level", "=", wizard.level),
                ],
                limit=1,
            )

    @api.depends("partner_id", "level", "company_id")
    def _compute_move_ids(self):
        engine = self.env["invoice.reminder.engine"]
        today = fields.Date.context_today(self)
        for wizard in self:
            if not wizard.partner_id or not wizard.rule_id:
                wizard.move_ids = False
                continue
            wizard.move_ids = engine._get_send_now_moves(
                wizard.partner_id, wizard.rule_id, today
            )

    @api.depends("partner_id", "rule_id", "move_ids")
    def _compute_preview(self):
        engine = self.env["invoice.reminder.engine"]
        Notice = self.env["invoice.reminder.notice"]
        for wizard in self:
            wizard.preview = False
            wizard.preview_error = False
            if not wizard.partner_id or not wizard.move_ids:
                continue
            if not wizard.rule_id:
                wizard.preview_error = self.env._(
                    "There is no reminder rule of level %(level)s.",
                    level=wizard.level,
                )
                continue
            try:
                values_list = engine._prepare_send_now_notices(
                    wizard.partner_id, wizard.rule_id, wizard.move_ids._origin
                )
            except UserError as error:
                wizard.preview_error = error.args[0]
                continue
            notice = Notice.new(values_list[0])
            template = wizard.rule_id.mail_template_id
            # the notice is not written yet: rendered in memory
            wizard.preview = template._render_field(
                "body_html", [notice.id], set_lang=notice._get_reminder_lang()
            )[notice.id]

    def action_send(self):
        """Send the reminder: one notice per currency, its email queued at
        once (checked again just before it leaves).

        :raise UserError: see ``invoice.reminder.engine._send_now``
        :return: an action opening the notice(s)
        """
        self.ensure_one()
        if not self.rule_id:
            raise UserError(
                self.env._(
                    "There is no reminder rule of level %(level)s in %(company)s.",
                    level=self.level,
                    company=self.company_id.name,
                )
            )
        partner = self.partner_id.commercial_partner_id
        attachments = self.env["ir.attachment"]
        if self.attach_statement:
            attachments = self._get_statement_attachment(partner)
        notices = self.env["invoice.reminder.engine"]._send_now(
            partner, self.rule_id, self.move_ids, attachments=attachments
        )
        if attachments:
            attachments.write({"res_model": notices._name, "res_id": notices[0].id})
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "invoice_dispute.invoice_reminder_notice_action"
        )
        if len(notices) == 1:
            action.update({"res_id": notices.id, "view_mode": "form", "views": []})
        else:
            action["domain"] = [("id", "in", notices.ids)]
        return action

    def _get_statement_attachment(self, partner):
        """The customer's statement (report
        ``invoice_dispute.action_report_customer_statement``) as an
        attachment, in the customer's language.

        :return: ir.attachment record
        """
        report = self.env["ir.actions.report"].with_context(lang=partner.lang)
        content, report_type = report._render_qweb_pdf(STATEMENT_REPORT, partner.ids)
        name = self.env._("Statement %(customer)s", customer=partner.display_name)
        return self.env["ir.attachment"].create(
            {
                "name": f"{name}.{report_type}",
                "datas": base64.b64encode(content),
                "mimetype": "application/pdf" if report_type == "pdf" else "text/html",
                "res_model": "res.partner",
                "res_id": partner.id,
            }
        )
