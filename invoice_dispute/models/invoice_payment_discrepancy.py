from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_is_zero, format_amount

DISCREPANCY_KINDS = [
    ("short_payment", "Short payment"),
    ("overpayment", "Overpayment"),
    ("unmatched_payment", "Unmatched payment"),
    ("paid_while_disputed", "Paid while disputed"),
]


class InvoicePaymentDiscrepancy(models.Model):
    _name = "invoice.payment.discrepancy"
    _description = "Payment Discrepancy"
    _inherit = ["invoice.workflow.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    # Transitions allowed by the actions: target -> source states.
    _TRANSITIONS = {
        "dispute": ("new",),
        "done": ("new", "dispute", "ignored"),
        "ignored": ("new", "done"),
        "new": ("done", "ignored"),
    }
    # The highest payment item the weekly check has examined.
    _CHECKED_PARAM = "invoice_dispute.discrepancy_checked_line_id"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, check_company=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    kind = fields.Selection(DISCREPANCY_KINDS, required=True, index=True)
    payment_line_id = fields.Many2one(
        "account.move.line",
        string="Payment item",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        help="The receivable journal item of the customer's payment.",
    )
    payment_move_id = fields.Many2one(
        related="payment_line_id.move_id", string="Payment entry"
    )
    move_ids = fields.Many2many(
        "account.move",
        "invoice_payment_discrepancy_move_rel",
        "discrepancy_id",
        "move_id",
        string="Invoices",
        check_company=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        help="Short payment: what is left open on the invoices. Overpayment: the "
        "credit not allocated. Unmatched: the payment. Paid while disputed: what "
        "was paid on the disputed invoices.",
    )
    date = fields.Date(string="Payment date", index=True)
    state = fields.Selection(
        [
            ("new", "To review"),
            ("dispute", "Dispute raised"),
            ("done", "Done"),
            ("ignored", "Ignored"),
        ],
        default="new",
        required=True,
        index=True,
        tracking=True,
    )
    dispute_id = fields.Many2one("invoice.dispute", index=True, check_company=True)
    note = fields.Text()

    _sql_constraints = [
        (
            "payment_kind_uniq",
            "unique(payment_line_id, kind)",
            "A payment has one finding of each kind.",
        ),
    ]

    @api.depends("kind", "partner_id")
    def _compute_name(self):
        kinds = dict(DISCREPANCY_KINDS)
        for discrepancy in self:
            discrepancy.name = (
                f"{kinds.get(discrepancy.kind, '')}: "
                f"{discrepancy.partner_id.display_name or ''}"
            )

    @api.constrains("partner_id", "dispute_id")
    def _check_dispute_id(self):
        self.env["res.partner"]._invoice_dispute_check_same_customer(
            self, ["dispute_id"]
        )

    def action_create_dispute(self):
        """Turn a short payment into a dispute on the invoices left open."""
        self.ensure_one()
        self._check_state(("new",), self.env._("turned into a dispute"))
        if self.kind != "short_payment":
            raise UserError(self.env._("Only a short payment can become a dispute."))
        moves = self.move_ids._invoice_dispute_filter_disputable()
        if not moves:
            raise UserError(
                self.env._(
                    "The invoices of this short payment are paid or already "
                    "disputed: there is nothing left to dispute."
                )
            )
        reason = self.env.ref(
            "invoice_dispute.reason_short_payment", raise_if_not_found=False
        ) or self.env["invoice.dispute.reason"].search(
            [("category", "=", "short_payment")], limit=1
        )
        dispute = self.env["invoice.dispute"].create_from_invoices(
            moves,
            reason,
            "email",
            contact_id=False,
            our_understanding=self.env._(
                "The payment of %(date)s left %(amount)s open on %(invoices)s.",
                date=self.date,
                amount=format_amount(self.env, self.amount, self.currency_id),
                invoices=", ".join(moves.mapped("name")),
            ),
        )
        self._set_state("dispute", {"dispute_id": dispute.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "invoice.dispute",
            "res_id": dispute.id,
            "view_mode": "form",
        }

    def action_done(self):
        self.filtered(lambda d: d.state != "done")._set_state("done")
        return True

    def action_ignore(self):
        self.filtered(lambda d: d.state != "ignored")._set_state("ignored")
        return True

    def action_reset(self):
        self.filtered(
            lambda d: not d.dispute_id and d.state in ("done", "ignored")
        )._set_state("new")
        return True

    # ------------------------------------------------------------------
    # Weekly check
    # ------------------------------------------------------------------
    @api.model
    def _cron_check_payment_discrepancies(self, days=7, batch_size=1000):
        """Compare the customer payments of the last ``days`` with the
        invoices they paid, ``batch_size`` payment items per call.

        Each payment item is examined once: the highest item examined is kept
        in a system parameter, so the cron framework's next call (while
        ``_notify_progress`` reports remaining items: at least one while more
        are waiting) and next week's run go on after it. Findings already
        recorded are never created again."""
        # sudo: the check covers the payments of every company, and the
        # progress marker is a system parameter
        checker = self.sudo()
        params = checker.env["ir.config_parameter"]
        after_id = int(params.get_param(self._CHECKED_PARAM, 0))
        date_from = fields.Date.context_today(self) - timedelta(days=days)
        rows = checker._get_payment_rows(date_from, after_id, batch_size + 1)
        remaining = max(len(rows) - batch_size, 0)
        rows = rows[:batch_size]
        findings = checker._find_payment_discrepancies(rows)
        if rows:
            params.set_param(self._CHECKED_PARAM, rows[-1][0])
        self.env["ir.cron"]._notify_progress(done=len(rows), remaining=remaining)
        return findings

    @api.model
    def _get_payment_rows(self, date_from, after_id=0, limit=None):
        """One row per customer payment item since ``date_from`` (and after
        the item ``after_id``): its amount, what is left unallocated and the
        invoices it paid (with amounts)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT pl.id, pl.company_id, rp.commercial_partner_id, pl.date,
                       -pl.balance, -pl.amount_residual,
                       ARRAY_AGG(il.move_id ORDER BY il.move_id)
                           FILTER (WHERE inv.move_type = 'out_invoice'),
                       ARRAY_AGG(pr.amount ORDER BY il.move_id)
                           FILTER (WHERE inv.move_type = 'out_invoice'),
                       COUNT(pr.id)
                  FROM account_move_line pl
                  JOIN account_account acc ON acc.id = pl.account_id
                  JOIN account_move pm ON pm.id = pl.move_id
                  JOIN res_partner rp ON rp.id = pl.partner_id
             LEFT JOIN account_partial_reconcile pr ON pr.credit_move_id = pl.id
             LEFT JOIN account_move_line il ON il.id = pr.debit_move_id
             LEFT JOIN account_move inv ON inv.id = il.move_id
                 WHERE pl.parent_state = 'posted'
                   AND pl.balance < 0
                   AND pl.date >= %s
                   AND pl.id > %s
                   AND acc.account_type = 'asset_receivable'
                   AND %s
              GROUP BY pl.id, rp.commercial_partner_id
              ORDER BY pl.id
                 LIMIT %s
                """,
                date_from,
                after_id,
                self.env["account.move"]._invoice_dispute_money_entry_sql("pm"),
                limit,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _find_payment_discrepancies(self, rows):
        Move = self.env["account.move"]
        invoices = Move.browse({mid for row in rows for mid in (row[6] or [])})
        invoices.mapped("payment_plan_ids.state")  # prefetch
        companies = self.env["res.company"].browse({row[1] for row in rows})
        partners = self.env["res.partner"].browse({row[2] for row in rows})
        partners.mapped("collector_id")
        vals_list = []
        for (
            line_id,
            company_id,
            partner_id,
            date,
            amount,
            unallocated,
            move_ids,
            paid,
            count,
        ) in rows:
            company = companies.browse(company_id)
            rounding = company.currency_id.rounding
            base = {
                "payment_line_id": line_id,
                "company_id": company_id,
                "partner_id": partner_id,
                "user_id": partners.browse(partner_id)
                ._get_responsible_user(company)
                .id,
                "date": date,
            }
            if not count:
                vals_list.append(dict(base, kind="unmatched_payment", amount=amount))
                continue
            if not move_ids:
                continue  # matched with something else than invoices
            moves = Move.browse(move_ids)
            paid_by_move = {}
            for move_id, part in zip(move_ids, paid, strict=True):
                paid_by_move[move_id] = paid_by_move.get(move_id, 0.0) + part
            if not float_is_zero(unallocated, precision_rounding=rounding):
                vals_list.append(
                    dict(
                        base,
                        kind="overpayment",
                        amount=unallocated,
                        move_ids=[Command.set(moves.ids)],
                    )
                )
            disputed = moves.filtered(lambda m: m.dispute_state == "open")
            if disputed:
                vals_list.append(
                    dict(
                        base,
                        kind="paid_while_disputed",
                        amount=sum(paid_by_move[m.id] for m in disputed),
                        move_ids=[Command.set(disputed.ids)],
                    )
                )
            short = (moves - disputed).filtered(
                lambda m: (
                    m.payment_state == "partial"
                    and m.amount_residual > 0
                    and "active" not in m.payment_plan_ids.mapped("state")
                )
            )
            if short:
                vals_list.append(
                    dict(
                        base,
                        kind="short_payment",
                        amount=sum(short.mapped("amount_residual_signed")),
                        move_ids=[Command.set(short.ids)],
                    )
                )
        existing = {
            (d.payment_line_id.id, d.kind)
            for d in self.with_context(active_test=False).search(
                [("payment_line_id", "in", [row[0] for row in rows])]
            )
        }
        new_vals = [
            vals
            for vals in vals_list
            if (vals["payment_line_id"], vals["kind"]) not in existing
        ]
        return self.create(new_vals)
