from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.action_tools import records_action
from ..models.constants import OPEN_CUSTOMER_INVOICES_DOMAIN


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
        precompute=True,
        readonly=False,
        required=True,
        help="Reminder level to send; proposed: the lowest level the "
        "scheduled action would send some of the customer's invoices today "
        "(its days after the due date and between levels); pick a higher "
        "one to escalate early.",
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
        domain=OPEN_CUSTOMER_INVOICES_DOMAIN,
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
    nothing_reason = fields.Char(
        compute="_compute_nothing_reason",
        string="Nothing to send",
        help="Why no invoice of the customer can be reminded at this level now.",
    )
    warning = fields.Char(
        compute="_compute_warning",
        help="What prevents sending the reminder (e.g. a recipient without "
        "an email address), shown before sending.",
    )

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
        engine = self.env["invoice.reminder.engine"]
        for wizard in self:
            wizard.rule_id = engine._get_send_now_rule(wizard.company_id, wizard.level)

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

    @api.depends("partner_id", "level", "company_id")
    def _compute_nothing_reason(self):
        engine = self.env["invoice.reminder.engine"]
        for wizard in self:
            wizard.nothing_reason = (
                engine._get_send_now_nothing_reason(
                    wizard.partner_id, wizard.rule_id, wizard.level, wizard.company_id
                )
                if wizard.partner_id
                else False
            )

    @api.depends("move_ids")
    def _compute_warning(self):
        engine = self.env["invoice.reminder.engine"]
        for wizard in self:
            wizard.warning = engine._get_send_now_warning(wizard.move_ids._origin)

    @api.depends("partner_id", "rule_id", "move_ids", "nothing_reason")
    def _compute_preview(self):
        engine = self.env["invoice.reminder.engine"]
        Notice = self.env["invoice.reminder.notice"]
        for wizard in self:
            wizard.preview = False
            wizard.preview_error = False
            if not wizard.partner_id or not wizard.move_ids:
                continue
            if not wizard.rule_id:
                # the engine's refusal: no rule of this level
                wizard.preview_error = wizard.nothing_reason
                continue
            try:
                values_list = engine._prepare_send_now_notices(
                    wizard.partner_id, wizard.rule_id, wizard.move_ids._origin
                )
            except UserError as error:
                wizard.preview_error = error.args[0]
                continue
            template = wizard.rule_id.mail_template_id
            previews = []
            for number, values in enumerate(values_list, start=1):
                # the notice is not written yet: rendered in memory
                notice = Notice.new(values)
                body = template._render_field(
                    "body_html", [notice.id], set_lang=notice._get_reminder_lang()
                )[notice.id]
                if len(values_list) > 1:
                    # one email per currency: each one previewed
                    heading = self.env._(
                        "Email %(number)s of %(count)s (%(currency)s, to "
                        "%(recipient)s): invoices %(invoices)s",
                        number=number,
                        count=len(values_list),
                        currency=notice.currency_id.name,
                        recipient=notice.recipient_id.display_name,
                        invoices=", ".join(notice.move_ids.mapped("name")),
                    )
                    body = Markup("<h4>%s</h4>%s") % (heading, body)
                previews.append(body)
            wizard.preview = Markup("<hr/>").join(previews)

    def action_send(self):
        """Send the reminder: one notice per currency, its email queued at
        once (checked again just before it leaves).

        :raise UserError: nothing can be sent at this level (no rule of it,
            no invoice due for it: the engine's
            ``_get_send_now_nothing_reason``), or see
            ``invoice.reminder.engine._send_now``
        :return: an action opening the notice(s)
        """
        self.ensure_one()
        if self.nothing_reason and not (self.rule_id and self.move_ids):
            raise UserError(self.nothing_reason)
        notices = self.env["invoice.reminder.engine"]._send_now(
            self.partner_id.commercial_partner_id,
            self.rule_id,
            self.move_ids,
            attach_statement=self.attach_statement,
        )
        return records_action(
            self.env, "invoice_dispute.invoice_reminder_notice_action", notices
        )
