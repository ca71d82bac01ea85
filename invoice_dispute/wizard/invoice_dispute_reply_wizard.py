from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

from ..models.constants import TONE_CATEGORIES
from ..models.phrase_tools import get_lang_selection


class InvoiceDisputeReplyWizard(models.TransientModel):
    _name = "invoice.dispute.reply.wizard"
    _description = "Reply to a Dispute (with Tone Check)"

    dispute_id = fields.Many2one("invoice.dispute", required=True, ondelete="cascade")
    recipient_id = fields.Many2one(
        "res.partner",
        string="To",
        compute="_compute_recipient_id",
        store=True,
        readonly=False,
        required=True,
    )
    lang = fields.Selection(
        get_lang_selection,
        string="Language",
        compute="_compute_lang",
        store=True,
        help="The customer's language: the tone check uses its phrases.",
    )
    subject = fields.Char(compute="_compute_subject", store=True, readonly=False)
    body = fields.Html(sanitize_style=True)
    state = fields.Selection(
        [("draft", "Draft"), ("review", "Review findings")],
        default="draft",
        required=True,
    )
    checked_body = fields.Html(
        sanitize_style=True,
        readonly=True,
        help="The text the findings were computed for; any edit triggers a new check.",
    )
    finding_ids = fields.One2many(
        "invoice.dispute.reply.finding", "wizard_id", string="Findings", readonly=True
    )
    finding_count = fields.Integer(compute="_compute_finding_count")
    send_anyway = fields.Boolean(
        help="Send the text as it is, although the tone check found phrases that "
        "may escalate the conversation.",
    )

    @api.depends("dispute_id")
    def _compute_recipient_id(self):
        for wizard in self:
            dispute = wizard.dispute_id
            wizard.recipient_id = dispute.partner_id and dispute._get_email_recipient()

    @api.depends("recipient_id")
    def _compute_lang(self):
        for wizard in self:
            dispute = wizard.dispute_id
            wizard.lang = (
                dispute.partner_id and dispute._get_email_lang(wizard.recipient_id)
            ) or False

    @api.depends("dispute_id")
    def _compute_subject(self):
        for wizard in self:
            wizard.subject = (
                self.env._("Re: %(dispute)s", dispute=wizard.dispute_id.name)
                if wizard.dispute_id
                else False
            )

    @api.depends("finding_ids")
    def _compute_finding_count(self):
        for wizard in self:
            wizard.finding_count = len(wizard.finding_ids)

    def action_check_send(self):
        """Check the text in the languages it may be written in (the
        customer's, the writer's, the text's own); send it when it is clean,
        or when the collector confirmed the findings shown for this very text
        (``invoice.dispute._send_tone_checked``).

        :return: the action closing the wizard when sent, else the action
            showing this wizard with the findings
        :raise UserError: no text, or the recipient has no email address
        """
        self.ensure_one()
        if is_html_empty(self.body):
            raise UserError(self.env._("Write a reply before sending it."))
        self.dispute_id._check_email_recipient(
            self.env._("replying"), self.recipient_id
        )
        # checked, then sent or shown with its findings (``_send_tone_checked``)
        return self.dispute_id._send_tone_checked(
            self.body, self.subject, self.recipient_id, lang=self.lang, wizard=self
        ) or {"type": "ir.actions.act_window_close"}

    def _reopen(self):
        return {
            "name": self.env._("Reply to customer"),
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }


class InvoiceDisputeReplyFinding(models.TransientModel):
    _name = "invoice.dispute.reply.finding"
    _description = "Tone Check Finding"

    wizard_id = fields.Many2one(
        "invoice.dispute.reply.wizard", required=True, ondelete="cascade"
    )
    phrase = fields.Char(readonly=True)
    category = fields.Selection(TONE_CATEGORIES, readonly=True)
    suggestion = fields.Text(readonly=True)
