from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import MissingError, UserError
from odoo.tools import format_amount, format_date
from odoo.tools.misc import formatLang, get_lang

from .constants import CHECK_CODES, MANAGER_GROUP, SEVERITIES, selection_labels
from .invoice_workflow_mixin import check_state

FINDING_STATES = [("open", "Open"), ("overridden", "Overridden"), ("fixed", "Fixed")]

# The messages of the checks, by key (``message_key``): each takes the
# environment (its language) and the rendered arguments.
CHECK_MESSAGES = {
    "price_vs_pricelist": lambda env, values: env._(
        "%(product)s: unit price %(price)s is %(percent)s%% off the "
        "price list price %(expected)s (%(pricelist)s).",
        **values,
    ),
    "price_vs_sales_price": lambda env, values: env._(
        "%(product)s: unit price %(price)s is %(percent)s%% off its "
        "sales price %(expected)s.",
        **values,
    ),
    "price_vs_last": lambda env, values: env._(
        "%(product)s: unit price %(price)s is %(percent)s%% off the last "
        "price invoiced to this customer, %(last)s on %(date)s "
        "(%(invoice)s).",
        **values,
    ),
    "quantity_outlier_one": lambda env, values: env._(
        "%(product)s: quantity %(quantity)s is %(percent)s%% above this "
        "customer's usual %(usual)s (%(count)s earlier line).",
        **values,
    ),
    "quantity_outlier": lambda env, values: env._(
        "%(product)s: quantity %(quantity)s is %(percent)s%% above this "
        "customer's usual %(usual)s (average of %(count)s earlier lines).",
        **values,
    ),
    "possible_duplicate": lambda env, values: env._(
        "Possible duplicate of %(invoices)s: same customer, same total "
        "%(amount)s and the same reference or lines, within %(days)s days.",
        **values,
    ),
    "missing_customer_reference": lambda env, values: env._(
        "%(customer)s needs its reference (e.g. its purchase order number) "
        "on the invoice, and the invoice has none.",
        **values,
    ),
    "missing_customer_reference_strict": lambda env, values: env._(
        "%(customer)s has no reference on the invoice. Checked more "
        "strictly for this customer: %(why)s.",
        **values,
    ),
    "b2c_no_contact": lambda env, values: env._(
        "%(customer)s is a consumer without an email address and without "
        "a postal address: the invoice may not reach them.",
        **values,
    ),
    "b2c_no_email": lambda env, values: env._(
        "%(customer)s is a consumer without an email address: the "
        "invoice and the reminders can only go by post.",
        **values,
    ),
    "b2c_no_address": lambda env, values: env._(
        "%(customer)s is a consumer without a postal address (street "
        "and city) on the invoice.",
        **values,
    ),
}


class InvoiceCheckFinding(models.Model):
    _name = "invoice.check.finding"
    _description = "Invoice Check Finding"
    _order = "id desc"
    # what a refusal (``check_state``) names the finding by
    _rec_name = "message"
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
    message_key = fields.Char(
        string="Message template",
        required=True,
        readonly=True,
        help="Which message of the check it is; the text comes from the "
        "addon's translations in the reader's language.",
    )
    message_args = fields.Json(
        string="Message values",
        readonly=True,
        help="What the message says, as values (amounts with their currency, "
        "records, dates), so that each reader sees it in their language.",
    )
    message = fields.Text(
        compute="_compute_message",
        search="_search_message",
        help="What the check found, in the reader's language.",
    )
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

    @api.depends("message_key", "message_args")
    @api.depends_context("lang")
    def _compute_message(self):
        env = self._check_message_env()
        # the records the messages name, read together
        named = defaultdict(set)
        for finding in self:
            for value in (finding.message_args or {}).values():
                # a record the check had none of (e.g. no price list) is False
                if (
                    isinstance(value, list)
                    and value
                    and value[0] == "record"
                    and value[2]
                ):
                    named[value[1]].add(value[2])
        for model, ids in named.items():
            env[model].browse(ids).exists().mapped("display_name")
        for finding in self:
            finding.message = self._render_check_message(
                finding.message_key, finding.message_args, env=env
            )

    @api.model
    def _check_message_env(self):
        # sudo: the names a message shows were shown to whoever reads the
        # finding; the language is the reader's
        return self.sudo().env(
            context=dict(self.env.context, lang=get_lang(self.env).code)
        )

    def _search_message(self, operator, value):
        """Search the messages through what they name: the rule, the
        product of the line, the invoice and the customer."""
        if operator not in ("ilike", "not ilike", "=like", "like", "=", "!="):
            raise UserError(
                self.env._(
                    "The message can only be searched for a text it contains or equals."
                )
            )
        positive = operator in ("ilike", "=like", "like", "=")
        operator = {"not ilike": "ilike", "!=": "="}.get(operator, operator)
        domain = [
            "|",
            "|",
            "|",
            ("rule_id.name", operator, value),
            ("line_id.product_id", operator, value),
            ("move_id.name", operator, value),
            ("partner_id", operator, value),
        ]
        return domain if positive else ["!", *domain]

    @api.model
    def _render_check_message(self, key, args, env=None):
        """The message ``key`` of ``CHECK_MESSAGES`` with ``args`` (see
        ``_check_message_value``) in the language of this environment; a
        finding of the dispute history (``args["why"]``) says why it was
        checked more strictly.

        :param str key: the message's key
        :param dict args: the message's values as stored in ``message_args``
        :param env: the environment to render in (default: this one's, as
            ``_check_message_env``)
        :return: str
        """
        if key not in CHECK_MESSAGES:
            return key or ""
        env = env or self._check_message_env()
        args = args or {}
        values = {
            name: self._check_message_value(env, value) for name, value in args.items()
        }
        message = CHECK_MESSAGES[key](env, values)
        if args.get("why") and key != "missing_customer_reference_strict":
            message = env._(
                "%(finding)s Checked more strictly for this customer: %(why)s.",
                finding=message,
                why=values["why"],
            )
        return message

    @api.model
    def _check_message_value(self, env, value):
        """One message argument as text in ``env``'s language: a list
        ``[kind, ...]`` is ``["record", model, id]`` (its display name),
        ``["amount", amount, currency id]``, ``["unit_price", price, currency
        id, discount %]``, ``["percent", value]``, ``["quantity", value]``,
        ``["date", "YYYY-MM-DD"]`` or ``["why", [[category, count], ...],
        days]`` (recent disputes); a plain list is a list of names; anything
        else is shown as it is."""
        if not isinstance(value, list):
            return value
        kind = value[0] if value else None
        if kind == "record":
            if not value[2]:
                return ""
            try:
                return env[value[1]].browse(value[2]).display_name or ""
            except MissingError:  # deleted since
                return ""
        if kind == "amount":
            return format_amount(env, value[1], env["res.currency"].browse(value[2]))
        if kind == "unit_price":
            price = format_amount(env, value[1], env["res.currency"].browse(value[2]))
            if not value[3]:
                return price
            return env._(
                "%(price)s less a %(discount)s%% discount",
                price=price,
                discount=formatLang(env, value[3], digits=2),
            )
        if kind == "percent":
            return formatLang(env, value[1], digits=1)
        if kind == "quantity":
            return formatLang(env, value[1], dp="Product Unit of Measure")
        if kind == "date":
            return format_date(env, value[1])
        if kind == "why":
            labels = selection_labels(env["invoice.dispute.reason"], "category")
            return ", ".join(
                (
                    env._(
                        "%(count)s %(category)s dispute in the last %(days)s days",
                        count=count,
                        category=labels[category].lower(),
                        days=value[2],
                    )
                    if count == 1
                    else env._(
                        "%(count)s %(category)s disputes in the last %(days)s days",
                        count=count,
                        category=labels[category].lower(),
                        days=value[2],
                    )
                )
                for category, count in value[1]
            )
        return ", ".join(str(item) for item in value)

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
        check_state(self, ("open",), self.env._("overridden"))
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
