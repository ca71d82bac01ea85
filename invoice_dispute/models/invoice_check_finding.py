from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from .invoice_check_rule import CHECK_CODES, SEVERITIES
from .res_users import MANAGER_GROUP

FINDING_STATES = [("open", "Open"), ("overridden", "Overridden"), ("fixed", "Fixed")]


class InvoiceCheckFinding(models.Model):
    _name = "invoice.check.finding"
    _description = "Invoice Check Finding"
    _order = "id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    line_id = fields.Many2one(
        "account.move.line",
        string="Invoice line",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )
    rule_id = fields.Many2one(
        "invoice.check.rule",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    check_code = fields.Selection(
        CHECK_CODES,
        string="Check",
        readonly=True,
        help="The check that found it: the rule's own, or for a finding of the "
        "dispute history the check it made stricter.",
    )
    severity = fields.Selection(SEVERITIES, required=True, readonly=True)
    message = fields.Text(required=True, readonly=True)
    fingerprint = fields.Char(
        readonly=True,
        help="What the check found (the line's product, unit, quantity, price "
        "and discount, the price compared with, the duplicates found): when the "
        "invoice is checked again and this changed, the finding is fixed and a "
        "new one is made, so an override covers exactly what was found.",
    )
    state = fields.Selection(
        FINDING_STATES,
        required=True,
        default="open",
        readonly=True,
        index=True,
        help="Open: still on the invoice. Overridden: a dispute manager let the "
        "invoice go out as it is, with a reason. Fixed: no longer found when the "
        "invoice was checked again.",
    )
    override_reason = fields.Text(readonly=True)
    override_user_id = fields.Many2one(
        "res.users", string="Overridden by", readonly=True
    )
    override_date = fields.Datetime(string="Overridden on", readonly=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id", string="Customer", store=True
    )
    move_state = fields.Selection(related="move_id.state", string="Invoice status")

    def action_override(self, reason=None):
        """Let the invoices go out with these findings: without ``reason``,
        open the wizard asking for it; with it, mark the open findings
        overridden (see ``_override``).

        :param str reason: why the invoice is right as it is
        :return: the wizard's action, or True
        :raise UserError: when the user is not a dispute manager
        """
        self._check_can_override()
        if not reason:
            return {
                "name": self.env._("Override findings"),
                "type": "ir.actions.act_window",
                "res_model": "invoice.check.override.wizard",
                "view_mode": "form",
                "target": "new",
                "context": {"default_finding_ids": self.ids},
            }
        self._override(reason)
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _check_can_override(self):
        if not self:
            raise UserError(self.env._("Select the open findings to override."))
        if not self.env.user._invoice_dispute_is_collector(MANAGER_GROUP):
            raise UserError(
                self.env._(
                    "Only a dispute manager can override invoice check findings; "
                    "ask one to review %(invoices)s.",
                    invoices=", ".join(self.move_id.mapped("display_name")),
                )
            )

    def _override(self, reason):
        """Mark the open findings overridden by the current user with
        ``reason`` and log it in each invoice's chatter; posting the invoice
        then no longer stops at them.

        :param str reason: why the invoice is right as it is (required)
        :raise UserError: when the user is not a dispute manager, the reason is
            empty or a finding is not open
        """
        self._check_can_override()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Give the reason why the invoice may go out as it is.")
            )
        not_open = self.filtered(lambda finding: finding.state != "open")
        if not_open:
            raise UserError(
                self.env._(
                    "Only open findings can be overridden; %(finding)s is %(state)s.",
                    finding=not_open[0].message,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        not_open[0].state
                    ],
                )
            )
        # sudo: findings are written by the checks and this method only; the
        # group was checked above
        self.sudo().write(
            {
                "state": "overridden",
                "override_reason": reason,
                "override_user_id": self.env.uid,
                "override_date": fields.Datetime.now(),
            }
        )
        for move in self.move_id:
            findings = self.filtered(lambda finding, move=move: finding.move_id == move)
            move.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._(
                        "Invoice check findings overridden: %(reason)s", reason=reason
                    ),
                    Markup().join(
                        Markup("<li>%s</li>") % finding.message for finding in findings
                    ),
                )
            )
