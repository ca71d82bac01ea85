from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

from .constants import BACK_BILLING_METHODS, selection_label
from .invoice_workflow_mixin import check_period


class InvoiceBackBilling(models.Model):
    _name = "invoice.back.billing"
    _description = "Back-billed Amount"
    _inherit = ["invoice.customer.document"]
    _order = "id desc"
    _check_company_auto = True

    _SEQUENCE_CODE = "invoice.back.billing"
    _UNLINK_STATES = ("pending", "cancelled")
    # Transitions allowed by the actions and billing: target -> source states.
    _TRANSITIONS = {
        "billed": ("pending",),
        "cancelled": ("pending",),
    }
    _CLOSED_STATES = ("billed", "waived", "cancelled")
    # What was decided and billed.
    _CLOSED_FROZEN_FIELDS = (
        "company_id",
        "partner_id",
        "currency_id",
        "amount",
        "date_from",
        "date_to",
        "explanation",
        "method",
        "customer_informed",
        "date_informed",
        "waive_reason",
        "move_id",
        "user_id",
    )

    partner_id = fields.Many2one(
        help="Customer who was under-billed.",
    )
    currency_id = fields.Many2one(
        readonly=False,
        help="The currency of the amount; once billed, the invoice's.",
    )
    amount = fields.Monetary(
        required=True,
        help="Amount under-billed, in the record's currency (the company's unless set "
        "otherwise); greater than zero.",
    )
    date_from = fields.Date(
        string="Period from",
        required=True,
        help="First day of the period that was under-billed.",
    )
    date_to = fields.Date(
        string="Period to",
        required=True,
        help="Last day of the period that was under-billed; not before the first.",
    )
    explanation = fields.Text(help="Shown to the customer on the invoice.")
    method = fields.Selection(
        BACK_BILLING_METHODS,
        required=True,
        help="How the amount is collected: added to the customer's next posted "
        "invoice, billed on an invoice of its own, or waived.",
    )
    customer_informed = fields.Boolean(
        help="The customer was told before the amount is billed; required to bill it.",
    )
    date_informed = fields.Date(
        string="Customer informed on",
        help="Day the customer was told.",
    )
    waive_reason = fields.Text(
        help="Why the amount is waived; required to waive it.",
    )
    state = fields.Selection(
        [
            ("pending", "Pending next invoice"),
            ("billed", "Billed"),
            ("waived", "Waived"),
            ("cancelled", "Cancelled"),
        ],
        default="pending",
        help="Pending until billed (next invoice or own invoice), or waived or "
        "cancelled.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index=True,
        check_company=True,
        copy=False,
        help="Invoice the amount was billed on.",
    )
    move_ids = fields.Many2many(compute="_compute_move_ids", domain=None)
    user_id = fields.Many2one(
        "res.users",
        string="Decided by",
        default=lambda self: self.env.user,
        help="Internal user who decided how to collect the amount.",
    )

    @api.depends("move_id")
    def _compute_move_ids(self):
        for record in self:
            record.move_ids = record.move_id

    @api.depends("move_id.currency_id", "company_id")
    def _compute_currency_id(self):
        for record in self:
            record.currency_id = (
                record.move_id.currency_id
                or record.currency_id
                or record.company_id.currency_id
            )

    @api.constrains("currency_id", "move_id")
    def _check_currency(self):
        for record in self.filtered("move_id"):
            record.move_id._invoice_dispute_check_currency(record)

    @api.constrains(
        "amount",
        "date_from",
        "date_to",
        "method",
        "waive_reason",
        "customer_informed",
        "date_informed",
        "explanation",
        "state",
    )
    def _check_terms(self):
        """Billing an amount afterwards: a positive amount for a real period,
        told to the customer beforehand with an explanation they see; waiving
        it: a reason."""
        today = fields.Date.context_today(self)
        for record in self.filtered(lambda r: r.state != "cancelled"):
            if record.currency_id.compare_amounts(record.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._("The amount under-billed must be greater than zero.")
                )
            check_period(record)
            if record.method == "waive":
                if not (record.waive_reason or "").strip():
                    raise ValidationError(
                        self.env._(
                            "Give the reason for waiving the amount under-billed."
                        )
                    )
                continue
            if not record.customer_informed or not record.date_informed:
                raise ValidationError(
                    self.env._(
                        "Inform the customer before billing an amount afterwards: "
                        "confirm it and give the date they were told."
                    )
                )
            if record.date_informed > today:
                raise ValidationError(
                    self.env._(
                        "The date the customer was informed (%(date)s) cannot be in "
                        "the future.",
                        date=record.date_informed,
                    )
                )
            if not (record.explanation or "").strip():
                raise ValidationError(
                    self.env._(
                        "Write the explanation the customer sees with the amount "
                        "under-billed."
                    )
                )

    @api.model
    def _get_initial_state(self, vals):
        # an amount waived is decided at once
        return "waived" if vals.get("method") == "waive" else "pending"

    @api.constrains("partner_id", "method", "state", "move_id")
    def _check_method_state(self):
        """The state follows the method: waived only when waiving, billed only
        on a customer invoice of the customer; a customer is a commercial
        partner (the one its invoices are posted to)."""
        for record in self:
            partner = record.partner_id
            if partner != partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Customer: back-billing is kept on the customer "
                        "%(customer)s, not on its contact %(contact)s.",
                        customer=partner.commercial_partner_id.display_name,
                        contact=partner.display_name,
                    )
                )
            if (record.method == "waive") != (record.state == "waived") and (
                record.state != "cancelled"
            ):
                raise ValidationError(
                    self.env._(
                        "Method: an amount waived has the method Waive and the "
                        "state Waived; %(name)s has the method %(method)s and "
                        "the state %(state)s.",
                        name=record.name,
                        method=record._get_selection_label("method"),
                        state=record._get_selection_label("state"),
                    )
                )
            move = record.move_id
            if record.state == "billed" and not move:
                raise ValidationError(
                    self.env._(
                        "Invoice: %(name)s is billed, so it needs the invoice that "
                        "billed it.",
                        name=record.name,
                    )
                )
            if move and (
                move.move_type != "out_invoice"
                or move.commercial_partner_id != partner.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "Invoice: %(move)s is not a customer invoice of %(customer)s.",
                        move=move.display_name,
                        customer=partner.display_name,
                    )
                )

    @api.model
    def record_decision(self, vals):
        """Record how an amount under-billed is collected (SPEC §4, seed 002):
        create the back-billing (its constraints, ``_check_terms`` and
        ``_check_method_state``, check the terms), bill it on a draft invoice
        of its own when so decided (``separate_invoice``), and keep the
        decision in the customer's chatter. An amount added to the next
        invoice stays pending until the customer's next invoice is posted
        (``account.move._add_pending_back_billing``); a waived one is waived
        at once. The back-billing wizard collects the input and calls this.

        :param dict vals: ``invoice.back.billing`` values: ``partner_id`` (the
            customer, or one of its contacts: kept on the customer),
            ``amount`` (in ``currency_id``, default the company's), the
            period, ``method``, ``explanation``, ``customer_informed``,
            ``date_informed``, ``waive_reason``
        :return: tuple (the invoice.back.billing created, its draft
            account.move when billed separately, else an empty recordset)
        :raise ValidationError: terms not met (amount not above zero, period
            reversed, customer not informed or informed in the future, no
            explanation, no reason to waive); nothing is written then
        """
        vals = dict(vals)
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        record = self.create(vals)
        invoice = self.env["account.move"]
        amount = record._format_amount()
        period = f"{record.date_from} – {record.date_to}"
        if record.method == "waive":
            body = self.env._(
                "Back-billing of %(amount)s for %(period)s waived: %(reason)s",
                amount=amount,
                period=period,
                reason=record.waive_reason,
            )
        elif record.method == "next_invoice":
            body = self.env._(
                "Back-billing of %(amount)s for %(period)s will be added to the "
                "next invoice (customer informed on %(date)s).",
                amount=amount,
                period=period,
                date=record.date_informed,
            )
        else:
            invoice = record._create_separate_invoice()
            body = self.env._(
                "Back-billing of %(amount)s for %(period)s billed separately on a "
                "draft invoice (customer informed on %(date)s).",
                amount=amount,
                period=period,
                date=record.date_informed,
            )
        record.partner_id._message_log(body=Markup("%s") % body)
        return record, invoice

    def action_cancel(self):
        self._check_state(("pending",), self.env._("cancelled"))
        self._set_state("cancelled")
        for record in self:
            record.partner_id._message_log(
                body=Markup("%s")
                % self.env._(
                    "Back-billing of %(amount)s cancelled.",
                    amount=record._format_amount(),
                )
            )
        return True

    def _get_selection_label(self, field_name):
        self.ensure_one()
        return selection_label(self, field_name, self[field_name])

    def _format_amount(self):
        self.ensure_one()
        return self.currency_id.format(self.amount)

    def _get_invoice_line_vals(self):
        self.ensure_one()
        label = self.env._(
            "Back-billing for %(date_from)s – %(date_to)s",
            date_from=self.date_from,
            date_to=self.date_to,
        )
        if self.explanation:
            label = f"{label}: {self.explanation}"
        return {"name": label, "quantity": 1, "price_unit": self.amount}

    def _bill_on(self, invoice):
        """Add this amount as a line of a draft customer invoice."""
        self.ensure_one()
        invoice.write(
            {"invoice_line_ids": [Command.create(self._get_invoice_line_vals())]}
        )
        self._set_state("billed", {"move_id": invoice.id})

    def _log_billed(self):
        """Keep on the customer which invoice billed the amount."""
        for record in self:
            record.partner_id._message_log(
                body=Markup("%s")
                % self.env._(
                    "Back-billed amount of %(amount)s added to invoice %(invoice)s.",
                    amount=record._format_amount(),
                    invoice=record.move_id.display_name,
                )
            )

    def _create_separate_invoice(self):
        self.ensure_one()
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "currency_id": self.currency_id.id,
                "narration": self.explanation,
                "invoice_line_ids": [Command.create(self._get_invoice_line_vals())],
            }
        )
        self._set_state("billed", {"move_id": invoice.id})
        return invoice
