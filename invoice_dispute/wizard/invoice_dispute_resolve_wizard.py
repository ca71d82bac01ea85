from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import float_compare, float_is_zero

from ..models.account_move import split_amount
from ..models.invoice_dispute import RESOLUTION_TYPES, ROOT_CAUSES

CREDIT_TYPES = ("credit_note", "discount", "write_off")


class InvoiceDisputeResolveWizard(models.TransientModel):
    _name = "invoice.dispute.resolve.wizard"
    _description = "Resolve an Invoice Dispute"

    dispute_id = fields.Many2one("invoice.dispute", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="dispute_id.company_id")
    currency_id = fields.Many2one(related="dispute_id.currency_id")
    amount_disputed = fields.Monetary(related="dispute_id.amount_disputed")
    amount_residual = fields.Monetary(related="dispute_id.amount_residual")
    resolution_type = fields.Selection(
        RESOLUTION_TYPES, required=True, default="credit_note"
    )
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        help="Amount credited, tax included, spread over the disputed invoices in "
        "proportion to their disputed amounts.",
    )
    new_date_due = fields.Date(string="New due date")
    note = fields.Html(string="Resolution note")
    root_cause = fields.Selection(
        ROOT_CAUSES, compute="_compute_root_cause", store=True, readonly=False
    )
    preventive_action = fields.Text(
        compute="_compute_root_cause", store=True, readonly=False
    )

    @api.depends("dispute_id", "resolution_type")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = (
                wizard.dispute_id.amount_disputed
                if wizard.resolution_type in CREDIT_TYPES
                else 0.0
            )

    @api.depends("dispute_id")
    def _compute_root_cause(self):
        for wizard in self:
            wizard.root_cause = wizard.dispute_id.root_cause
            wizard.preventive_action = wizard.dispute_id.preventive_action

    def action_confirm(self):
        self.ensure_one()
        dispute = self.dispute_id
        dispute._check_transition("resolved")
        credit_notes = corrected = self.env["account.move"]
        if self.resolution_type in CREDIT_TYPES:
            credit_notes = self._create_credit_notes()
        elif self.resolution_type == "corrected_invoice":
            credit_notes, corrected = self._create_corrected_invoices()
        elif self.resolution_type == "due_date_extension":
            self._extend_due_dates()
        elif self.resolution_type == "payment_plan":
            self._activate_payment_plan()
        dispute.write(
            {
                "state": "resolved",
                "resolution_type": self.resolution_type,
                "resolution_note": self.note,
                "root_cause": self.root_cause,
                "preventive_action": self.preventive_action,
                "date_resolved": fields.Date.context_today(self),
                "credit_note_ids": [Command.link(m.id) for m in credit_notes],
                "corrected_invoice_ids": [Command.link(m.id) for m in corrected],
            }
        )
        dispute._close_activities()
        links = Markup(", ").join(m._get_html_link() for m in credit_notes | corrected)
        dispute.message_post(
            body=Markup("%s %s")
            % (
                self.env._(
                    "Resolved: %(type)s.",
                    type=self._get_resolution_label(),
                ),
                links,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------------
    # Resolutions
    # ------------------------------------------------------------------
    def _activate_payment_plan(self):
        """The agreed payment plan on the disputed invoices goes live (it may
        already be active when the customer accepted it online)."""
        dispute = self.dispute_id
        plans = (dispute.payment_plan_ids | dispute.move_ids.payment_plan_ids).filtered(
            lambda p: p.state in ("draft", "proposed", "active")
        )
        if not plans:
            raise UserError(
                self.env._(
                    "Dispute %(dispute)s has no payment plan yet: prepare the plan "
                    "(Propose solution > Payment plan) before resolving with it.",
                    dispute=dispute.name,
                )
            )
        if not plans.filtered(lambda p: p.state == "active"):
            plans.sorted("id")[-1:].action_activate()

    def _split_amount(self):
        """Spread ``amount`` over the dispute lines in proportion to their
        disputed amounts; the rounding remainder goes to the last line.

        :return: list of (invoice, amount)
        """
        return split_amount(
            self.currency_id,
            self.amount,
            # what is still disputed: at most what is open on each invoice
            [
                (line.move_id, line.disputed_amount_capped)
                for line in self.dispute_id.line_ids
            ],
        )

    def _create_credit_notes(self):
        currency = self.currency_id
        if float_compare(self.amount, 0.0, precision_rounding=currency.rounding) <= 0:
            raise UserError(
                self.env._("The amount to credit must be greater than zero.")
            )
        if (
            float_compare(
                self.amount,
                self.dispute_id.amount_residual,
                precision_rounding=currency.rounding,
            )
            > 0
        ):
            raise UserError(
                self.env._(
                    "The amount to credit (%(amount)s) exceeds what is still open on "
                    "the disputed invoices (%(residual)s).",
                    amount=self.amount,
                    residual=self.dispute_id.amount_residual,
                )
            )
        shares = self._split_amount()
        for invoice, share in shares:
            if (
                float_compare(
                    share, invoice.amount_residual, precision_rounding=currency.rounding
                )
                > 0
            ):
                raise UserError(
                    self.env._(
                        "The share credited on %(invoice)s (%(amount)s) exceeds what "
                        "is still open on it (%(residual)s).",
                        invoice=invoice.display_name,
                        amount=share,
                        residual=invoice.amount_residual,
                    )
                )
        credit_notes = self.env["account.move"]
        for invoice, share in shares:
            if not float_is_zero(share, precision_rounding=currency.rounding):
                credit_notes |= self._create_partial_credit_note(invoice, share)
        return credit_notes

    def _get_resolution_label(self):
        """The resolution type as the user reads it (translated)."""
        self.ensure_one()
        labels = self._fields["resolution_type"]._description_selection(self.env)
        return dict(labels)[self.resolution_type]

    def _create_partial_credit_note(self, invoice, amount):
        """A posted credit note of ``amount`` on ``invoice``, reconciled with it
        (see ``account.move._invoice_dispute_credit``)."""
        label = self.env._(
            "%(type)s agreed in dispute %(dispute)s",
            type=self._get_resolution_label(),
            dispute=self.dispute_id.name,
        )
        return invoice._invoice_dispute_credit(amount, label)

    def _create_corrected_invoices(self):
        """Cancel each invoice with a full credit note and prepare a corrected
        draft, with Odoo's own reversal wizard."""
        invoices = self.dispute_id.move_ids
        earlier_refunds = invoices.reversal_move_ids
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(
                {
                    "journal_id": invoices[0].journal_id.id,
                    "reason": self.env._(
                        "Corrected in dispute %s", self.dispute_id.name
                    ),
                    "date": fields.Date.context_today(self),
                }
            )
        )
        reversal.modify_moves()
        return invoices.reversal_move_ids - earlier_refunds, reversal.new_move_ids

    def _extend_due_dates(self):
        if not self.new_date_due:
            raise UserError(self.env._("Set the new due date of the invoices."))
        self.dispute_id.move_ids._invoice_dispute_extend_due_date(self.new_date_due)
