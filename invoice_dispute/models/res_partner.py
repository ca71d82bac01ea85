from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .action_tools import records_action
from .constants import (
    AGING_BUCKETS,
    COLLECTOR_GROUP,
    MONEY_PAID_PAYMENT_STATES,
    OPEN_STATES,
    WEEKDAYS,
)

# Window of paid invoices the payment-behaviour figures look at.
PAYMENT_BEHAVIOUR_DAYS = 365
# The fields of the Collections tab: collectors maintain them on the customers
# they can see, without the right to edit contacts (ResPartner.write).
COLLECTION_FIELDS = frozenset(
    {
        "is_ar_contact",
        "ar_contact_id",
        "payment_weekday",
        "ar_availability",
        "collector_id",
        "reminder_block_until",
        "reminder_block_reason",
    }
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_ar_contact = fields.Boolean(
        string="Accounts payable contact",
        help="This person is responsible for paying the company's invoices.",
    )
    ar_contact_id = fields.Many2one(
        "res.partner",
        string="Payment contact",
        domain="[('parent_id', '=', id)]",
        help="The person to call or email about overdue invoices.",
    )
    payment_weekday = fields.Selection(
        WEEKDAYS,
        string="Weekly payment day",
        help="Day of the week the customer runs its payments; calls are planned before"
        " it.",
    )
    ar_availability = fields.Char(
        string="Availability", help="When the payment contact can be reached."
    )
    collector_id = fields.Many2one(
        "res.users",
        domain=lambda self: [
            ("share", "=", False),
            ("groups_id", "in", self.env.ref(COLLECTOR_GROUP).ids),
        ],
        help="Internal user of the Collector group who follows this customer's "
        "payments; the customer's call sheets are assigned to them.",
    )
    reminder_block_until = fields.Date(
        string="Reminders paused until",
        index="btree_not_null",
        help="No automated reminders go to this customer until this date "
        "(included); the pause lifts itself afterwards.",
    )
    reminder_block_reason = fields.Char(
        string="Reminder pause reason",
        help="Why payment reminders to this customer are paused until the set date.",
    )
    requires_customer_reference = fields.Boolean(
        string="Requires customer reference",
        help="The customer needs its reference (e.g. its purchase order number) on "
        "every invoice; the invoice checks warn when it is missing.",
    )
    dispute_ids = fields.One2many(
        "invoice.dispute", "partner_id", string="Disputes", groups=COLLECTOR_GROUP
    )
    dispute_count = fields.Integer(
        compute="_compute_dispute_counts", groups=COLLECTOR_GROUP
    )
    dispute_open_count = fields.Integer(
        compute="_compute_dispute_counts", groups=COLLECTOR_GROUP
    )
    payment_plan_count = fields.Integer(
        compute="_compute_collection_counts", groups=COLLECTOR_GROUP
    )
    payment_promise_count = fields.Integer(
        compute="_compute_collection_counts", groups=COLLECTOR_GROUP
    )
    dispute_proposal_count = fields.Integer(
        compute="_compute_collection_counts", groups=COLLECTOR_GROUP
    )
    reminder_notice_count = fields.Integer(
        compute="_compute_collection_counts", groups=COLLECTOR_GROUP
    )
    # Payment behaviour, for a whole recordset in one query
    # (_compute_payment_behaviour); contacts show their company's figures.
    payment_history_count = fields.Integer(
        string="Paid invoices (365 days)",
        compute="_compute_payment_behaviour",
        groups=COLLECTOR_GROUP,
        help="Customer invoices paid in the last 365 days.",
    )
    payment_avg_days_late = fields.Float(
        string="Average days late",
        digits=(16, 1),
        compute="_compute_payment_behaviour",
        groups=COLLECTOR_GROUP,
        help="Average over the invoices paid in the last 365 days of the days "
        "between the due date and the last reconciliation (0 when paid on time).",
    )
    payment_on_time_ratio = fields.Float(
        string="Paid on time",
        compute="_compute_payment_behaviour",
        groups=COLLECTOR_GROUP,
        help="Share of the invoices paid in the last 365 days that were paid by "
        "their due date.",
    )
    promise_kept_count = fields.Integer(
        string="Promises kept",
        compute="_compute_payment_behaviour",
        groups=COLLECTOR_GROUP,
    )
    promise_broken_count = fields.Integer(
        string="Promises broken",
        compute="_compute_payment_behaviour",
        groups=COLLECTOR_GROUP,
    )
    call_sheet_ids = fields.One2many(
        "invoice.call.sheet", "partner_id", string="Call sheets", groups=COLLECTOR_GROUP
    )
    back_billing_ids = fields.One2many(
        "invoice.back.billing",
        "partner_id",
        string="Back-billing",
        groups=COLLECTOR_GROUP,
    )
    back_billing_count = fields.Integer(
        compute="_compute_back_billing_count", groups=COLLECTOR_GROUP
    )

    @api.depends("dispute_ids.state")
    def _compute_dispute_counts(self):
        groups = self.env["invoice.dispute"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id", "state"],
            ["__count"],
        )
        total, open_ = {}, {}
        for partner, state, count in groups:
            total[partner.id] = total.get(partner.id, 0) + count
            if state in OPEN_STATES:
                open_[partner.id] = open_.get(partner.id, 0) + count
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.dispute_count = total.get(key, 0)
            partner.dispute_open_count = open_.get(key, 0)

    def _compute_collection_counts(self):
        """Plans, promises, proposals and reminder notices of the commercial
        partner, counted in one aggregated query per model."""
        partners = self.commercial_partner_id
        counts = {}
        for model, field in (
            ("invoice.payment.plan", "payment_plan_count"),
            ("invoice.payment.promise", "payment_promise_count"),
            ("invoice.dispute.proposal", "dispute_proposal_count"),
            ("invoice.reminder.notice", "reminder_notice_count"),
        ):
            groups = self.env[model]._read_group(
                [("partner_id", "in", partners.ids)], ["partner_id"], ["__count"]
            )
            counts[field] = {partner.id: count for partner, count in groups}
        for partner in self:
            key = partner.commercial_partner_id.id
            for field, by_partner in counts.items():
                partner[field] = by_partner.get(key, 0)

    @api.depends_context("allowed_company_ids")
    def _compute_payment_behaviour(self):
        # the figures come from invoices and promises read in SQL: only for
        # users who may read them (the query skips the access rules; it
        # keeps to the current companies like the company rules)
        self.env["account.move"].check_access("read")
        self.env["invoice.payment.promise"].check_access("read")
        keys = {partner: partner._origin.commercial_partner_id.id for partner in self}
        figures = self._get_payment_behaviour([key for key in keys.values() if key])
        for partner in self:
            values = figures.get(keys[partner], {})
            partner.payment_history_count = values.get("paid_count", 0)
            partner.payment_avg_days_late = values.get("avg_days_late", 0.0)
            partner.payment_on_time_ratio = values.get("on_time_ratio", 0.0)
            partner.promise_kept_count = values.get("kept", 0)
            partner.promise_broken_count = values.get("broken", 0)

    @api.constrains("collector_id")
    def _check_collector_id(self):
        self.env["res.users"]._invoice_dispute_check_collector(self, "collector_id")

    @api.constrains("ar_contact_id")
    def _check_ar_contact_id(self):
        for partner in self.filtered("ar_contact_id"):
            contact = partner.ar_contact_id
            customer = partner.commercial_partner_id
            if contact == customer or contact.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "Payment contact: %(contact)s is not a contact of "
                        "%(customer)s. Choose one of the customer's own contacts "
                        "(a person under %(customer)s) or leave the field empty.",
                        contact=contact.display_name,
                        customer=customer.display_name,
                    )
                )

    def _compute_back_billing_count(self):
        groups = self.env["invoice.back.billing"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.back_billing_count = counts.get(partner.commercial_partner_id.id, 0)

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["requires_customer_reference"]

    def write(self, vals):
        if self._is_collection_write(vals):
            # a collector without the right to edit contacts maintains the
            # collection fields (and only those) of the customers they can see
            self.check_access("read")
            # an import by database id (.id) passes the record's own id along
            vals = {name: value for name, value in vals.items() if name != "id"}
            return super(ResPartner, self.sudo()).write(vals)
        return super().write(vals)

    def action_view_disputes(self):
        return self._action_view_collection("invoice_dispute.invoice_dispute_action")

    def action_view_payment_plans(self):
        return self._action_view_collection(
            "invoice_dispute.invoice_payment_plan_action"
        )

    def action_view_payment_promises(self):
        return self._action_view_collection(
            "invoice_dispute.invoice_payment_promise_action"
        )

    def action_view_dispute_proposals(self):
        return self._action_view_collection(
            "invoice_dispute.invoice_dispute_proposal_action"
        )

    def action_prepare_call_sheet(self):
        """Prepare a call sheet for this customer and open it."""
        self.ensure_one()
        sheet = self.env["invoice.call.sheet"]._get_or_create_for_partners(
            self.commercial_partner_id, self.env.company
        )
        sheet.action_prepare()
        return sheet._get_form_action()

    def action_view_call_sheets(self):
        return self._action_view_collection("invoice_dispute.invoice_call_sheet_action")

    def action_view_reminder_notices(self):
        """The reminder notices sent to this customer."""
        return self._action_view_collection(
            "invoice_dispute.invoice_reminder_notice_action", {"create": False}
        )

    def action_send_reminder(self):
        """Open the send-now wizard (``invoice.reminder.send.wizard``) for this
        customer (its commercial partner): a collector reminds its invoices
        now, at the level they are due for, through the same claim as the
        scheduled action."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send a payment reminder"),
            "res_model": "invoice.reminder.send.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_view_back_billing(self):
        return self._action_view_collection(
            "invoice_dispute.invoice_back_billing_action", {"create": False}
        )

    def action_print_customer_statement(self):
        """Print the customer statement of this customer (its commercial
        partner) in the current company."""
        return self.env.ref(
            "invoice_dispute.action_report_customer_statement"
        ).report_action(self)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _get_payment_behaviour(self, partner_ids):
        """Payment behaviour of commercial partners, in ONE aggregated query.

        Over the customer invoices of the current companies fully paid in the
        last 365 days (by the date of the last money received on them,
        payments and bank statement lines, not credit notes): how many, the
        average days late (that date minus due date, never
        negative) and the share paid by the due date; plus the kept and
        broken promises to pay.

        :param partner_ids: ids of commercial partners
        :return: {partner_id: {paid_count, avg_days_late, on_time_ratio, kept,
            broken}}
        """
        if not partner_ids:
            return {}
        self.env["account.move"].flush_model(
            [
                "move_type",
                "state",
                "payment_state",
                "commercial_partner_id",
                "company_id",
                "invoice_date_due",
            ]
        )
        self.env["invoice.payment.promise"].flush_model(
            ["partner_id", "state", "company_id"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        today = fields.Date.context_today(self)
        query = SQL(
            """
            WITH invoices AS (
                SELECT move.id, move.commercial_partner_id AS partner_id,
                       move.invoice_date_due AS date_due
                  FROM account_move move
                 WHERE move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.payment_state = ANY(%(paid_states)s)
                   AND move.commercial_partner_id = ANY(%(partners)s)
                   AND move.company_id = ANY(%(companies)s)
            ), paid AS (
                -- paid means money received: payments and bank statement
                -- lines, not credit notes or write-offs
                SELECT invoices.partner_id, invoices.date_due, money.date_paid
                  FROM invoices
                  JOIN (%(money)s) money ON money.move_id = invoices.id
            ), behaviour AS (
                SELECT partner_id,
                       COUNT(*) AS paid_count,
                       AVG(GREATEST(date_paid - date_due, 0)) AS avg_days_late,
                       AVG(CASE WHEN date_paid <= date_due THEN 1.0 ELSE 0.0 END)
                           AS on_time_ratio
                  FROM paid
                 WHERE date_paid >= %(date_from)s
                 GROUP BY partner_id
            ), promises AS (
                SELECT customer.commercial_partner_id AS partner_id,
                       COUNT(*) FILTER (WHERE promise.state = 'kept') AS kept,
                       COUNT(*) FILTER (WHERE promise.state = 'broken') AS broken
                  FROM invoice_payment_promise promise
                  JOIN res_partner customer ON customer.id = promise.partner_id
                 WHERE customer.commercial_partner_id = ANY(%(partners)s)
                   AND promise.company_id = ANY(%(companies)s)
                 GROUP BY customer.commercial_partner_id
            )
            SELECT partner.id,
                   COALESCE(behaviour.paid_count, 0),
                   COALESCE(behaviour.avg_days_late, 0.0),
                   COALESCE(behaviour.on_time_ratio, 0.0),
                   COALESCE(promises.kept, 0),
                   COALESCE(promises.broken, 0)
              FROM unnest(%(partners)s::int[]) AS partner(id)
              LEFT JOIN behaviour ON behaviour.partner_id = partner.id
              LEFT JOIN promises ON promises.partner_id = partner.id
            """,
            partners=list(set(partner_ids)),
            companies=self.env.companies.ids,
            paid_states=list(MONEY_PAID_PAYMENT_STATES),
            money=self.env["account.move"]._invoice_dispute_money_dates_sql(
                SQL("(SELECT id FROM invoices)")
            ),
            date_from=today - timedelta(days=PAYMENT_BEHAVIOUR_DAYS),
        )
        return {
            partner_id: {
                "paid_count": paid_count,
                "avg_days_late": float(avg_days_late),
                "on_time_ratio": float(on_time_ratio),
                "kept": kept,
                "broken": broken,
            }
            for partner_id, paid_count, avg_days_late, on_time_ratio, kept, broken in (
                self.env.execute_query(query)
            )
        }

    def _is_collection_write(self, vals):
        """Whether ``vals`` is a collector's change of the collection fields
        (``COLLECTION_FIELDS``) that only the write override allows: the
        current user is a collector without the right to write these
        partners.

        :param dict vals: the values of a ``write``
        :return: bool
        """
        names = set(vals)
        if "id" in names and vals["id"] in self.ids and len(self) == 1:
            names.discard("id")  # an import by database id (.id)
        return bool(
            names
            and not self.env.su
            and names <= COLLECTION_FIELDS
            and self.env.user.has_group(COLLECTOR_GROUP)
            and not self.has_access("write")
        )

    @api.model
    def _invoice_dispute_check_same_customer(self, records, field_names):
        """Refuse ``records`` linked through ``field_names`` to a contact or a
        document of another customer than their own ``partner_id``.

        :param records: recordset with a ``partner_id`` (the customer)
        :param field_names: names of many2one fields to res.partner (a
            contact) or to a model with a ``partner_id``
        :raise ValidationError: naming the field, the value and the customer
        """
        for record in records:
            customer = record.partner_id.commercial_partner_id
            for name in field_names:
                value = record[name]
                if not value:
                    continue
                owner = value if value._name == "res.partner" else value.partner_id
                if owner.commercial_partner_id != customer:
                    raise ValidationError(
                        self.env._(
                            "%(field)s of %(record)s: %(value)s belongs to "
                            "%(owner)s, not to the customer %(customer)s.",
                            field=record._fields[name]._description_string(self.env),
                            record=record.display_name,
                            value=value.display_name,
                            owner=owner.commercial_partner_id.display_name,
                            customer=customer.display_name,
                        )
                    )

    def _get_collector(self):
        """The customer's collector (``collector_id`` of the commercial
        partner) while they are still an internal user of the Collector group;
        an empty recordset otherwise (the work goes to whoever does it)."""
        self.ensure_one()
        collector = self.commercial_partner_id.collector_id
        if collector and collector.sudo()._invoice_dispute_is_collector():
            return collector
        return self.env["res.users"]

    def _get_responsible_user(self, company, invoices=None):
        """Who handles a new dispute, promise to pay, payment plan or activity
        of this customer in ``company``, whoever creates it (a collector, a
        scheduled action, the portal, an email): the customer's collector,
        else the first salesperson of ``invoices`` who is a collector, else
        the company's dispute manager (the designated one, else the first of
        the group) -- the first of them who is a person (never OdooBot, the
        superuser, the public or a portal user) working in ``company`` and an
        internal user of the Collector group.

        :param company: res.company the work is done in
        :param invoices: account.move records it is about (optional)
        :return: res.users, one user; empty only when the company has no
            dispute manager at all
        """
        self.ensure_one()
        candidates = [
            self.commercial_partner_id.collector_id,
            *(invoices.mapped("invoice_user_id") if invoices else []),
            *company._get_dispute_managers(),
            *company._get_dispute_managers(designated=False),
        ]
        for user in candidates:
            # sudo: the group membership of another user
            if (
                user
                and user._invoice_dispute_is_person()
                and company in user.sudo().company_ids
                and user.sudo()._invoice_dispute_is_collector()
            ):
                return user
        return self.env["res.users"]

    def _action_view_collection(self, xmlid, context=None):
        """The records of this customer (its commercial partner) in action
        ``xmlid``; new ones default to the customer."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return records_action(
            self.env,
            xmlid,
            domain=[("partner_id", "=", partner.id)],
            context=(
                context if context is not None else {"default_partner_id": partner.id}
            ),
        )

    @api.model
    def _get_customer_type_domain(self, customer_type):
        """Domain on res.partner matching the commercial partners of a type:
        companies and customers with a VAT number are B2B, the others B2C."""
        b2b = ["|", ("is_company", "=", True), ("vat", "not in", (False, ""))]
        return b2b if customer_type == "b2b" else ["!", *b2b]

    def _get_customer_type(self):
        """``b2b`` or ``b2c`` for this customer (its commercial partner)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return "b2b" if partner.is_company or partner.vat else "b2c"

    def _is_contact_of(self, customer):
        """Whether this partner is an active person of ``customer`` (a
        commercial partner): one of its contacts, or the customer itself."""
        self.ensure_one()
        return bool(self.active and self.commercial_partner_id == customer)

    def _get_ar_contact(self):
        """The customer's accounts-payable contact: the payment contact set on
        the commercial partner, else the first contact flagged as responsible
        for paying -- only active contacts that still belong to the customer;
        an empty recordset when there is none."""
        self.ensure_one()
        partner = self.commercial_partner_id
        candidates = partner.ar_contact_id | partner.child_ids.filtered("is_ar_contact")
        return candidates.filtered(
            lambda c: c != partner and c._is_contact_of(partner)
        )[:1]

    def _get_payment_recipient(self, contact=None):
        """Who receives the emails about this customer's invoices (payment
        reminders, installment reminders, written confirmations): the one
        decision, used by every template and check.

        ``self`` is the invoice address or the customer; ``contact`` the
        person chosen on the document (the dispute's or the call's contact),
        if any. The first of ``contact``, the customer's accounts-payable
        contact (``_get_ar_contact``) and ``self`` that is an active person of
        the customer (same commercial partner) with an email address, else
        the first of them that is active, else the customer.

        :param contact: res.partner record (may be empty)
        :return: one res.partner record
        """
        self.ensure_one()
        customer = self.commercial_partner_id
        candidates = [
            partner
            for partner in (
                contact or self.browse(),
                customer._get_ar_contact(),
                self,
                customer,
            )
            if partner and partner._is_contact_of(customer)
        ]
        for partner in candidates:
            if partner.email:
                return partner
        return candidates[0] if candidates else customer

    @api.model
    def _get_open_credit_domain(self):
        """Domain on account.move.line of the customers' open credits: the
        credit lines of posted entries on receivable accounts that are not
        reconciled yet -- credit notes not applied to an invoice and payments
        not matched with one. The one definition used by the reminders, the
        worklist and the call sheets."""
        return [
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("amount_residual", "<", 0),
        ]

    def _get_open_credit_lines(self, companies, currency=None):
        """Open credits of these customers (their commercial partners) in
        ``companies``, in ``currency`` only when given (the lines whose
        currency it is), oldest first.

        :param companies: res.company records
        :param currency: res.currency record or None (all currencies)
        :return: account.move.line records; the amount still open of each is
            ``-amount_residual_currency`` in its ``currency_id`` (and
            ``-amount_residual`` in company currency)
        """
        domain = [
            *self._get_open_credit_domain(),
            ("partner_id.commercial_partner_id", "in", self.commercial_partner_id.ids),
            ("company_id", "in", companies.ids),
        ]
        if currency:
            domain.append(("currency_id", "=", currency.id))
        return self.env["account.move.line"].search(domain, order="date, id")

    @api.model
    def _get_statement_aging_bucket(self, days_overdue):
        """The key of the statement's aging bucket (``AGING_BUCKETS``)
        of an invoice ``days_overdue`` days past its due date (0 or less: not
        due yet, ``current``)."""
        for key, first, last in AGING_BUCKETS:
            if (first is None or days_overdue >= first) and (
                last is None or days_overdue <= last
            ):
                return key
        return AGING_BUCKETS[-1][0]

    def _get_reminder_lang(self, recipient=None):
        """The language of what this customer is sent about its invoices: its
        reminders (``invoice.reminder.notice``, the engine's notices) and its
        statement (report ``invoice_dispute.action_report_customer_statement``):
        that of ``recipient`` (by default whom its reminders go to,
        ``_get_payment_recipient``), else the customer's (its commercial
        partner). The one decision, used by all of them.

        :param recipient: res.partner record (may be empty: the default)
        :return: str (a language code) or False
        """
        self.ensure_one()
        recipient = recipient or self._get_payment_recipient()
        return recipient.lang or self.commercial_partner_id.lang

    def _get_customer_statement_filename(self):
        """The file name (without extension) of this customer's statement, in
        the statement's language (``_get_reminder_lang``), not in
        that of whoever prints or sends it: the report's
        ``print_report_name`` and the statement attached to a reminder.

        A trailing dot (a customer named "... B.V.") is dropped: the
        extension adds one ("... B.V.pdf", not "... B.V..pdf").

        :return: str
        """
        self.ensure_one()
        lang = self._get_reminder_lang() or self.env.lang
        filename = self.with_context(lang=lang).env._(
            "Statement - %(customer)s",
            customer=self.commercial_partner_id.name,
        )
        return filename.rstrip(". ")

    def _get_customer_statement_data(self, date=None):
        """The customer statement of this customer (its commercial partner) in
        the current company (``env.company``): what the report
        ``invoice_dispute.action_report_customer_statement`` shows.

        Open invoices are the posted customer invoices with an open amount
        (``account.move._get_open_invoice_domain``), disputed or paused ones
        included and marked; open credits are the credit notes not applied and
        the payments not matched (``_get_open_credit_lines``). Every amount
        is in its document's currency, never converted: one statement block
        per currency. The invoices age by days past due on ``date``
        (``AGING_BUCKETS``: current, 1-30, 31-60, 61-90, over 90);
        the open amounts are today's.

        :param date: date the statement is made on and the invoices age at
            (``datetime.date``); defaults to today
        :return: dict ``{res.currency: values}``, the company's currency first,
            then by currency name; ``values`` is a dict with
            ``invoices`` (list of dicts: ``move``, ``name``, ``invoice_date``,
            ``date_due``, ``days_overdue`` (0 when not due), ``amount_total``,
            ``amount_residual``, ``disputed`` (bool), ``amount_disputed``),
            ``credits`` (list of dicts: ``line``, ``name``, ``date``,
            ``kind`` (``credit_note``, ``payment`` or ``other``), ``reference``,
            ``amount`` (the document's amount), ``amount_residual`` (open,
            positive)), ``aging`` (``{bucket key: open amount}``),
            ``amount_due`` (all open invoices), ``amount_overdue`` (past their
            due date), ``amount_due_now`` (due by ``date``, as a reminder
            counts them), ``amount_disputed``, ``amount_credit`` (positive),
            ``amount_net`` (all open invoices, not yet due ones included,
            less credits; negative when the customer is in credit) and
            ``amount_net_due_now`` (the invoices due by ``date`` less the
            credits: what a reminder of that day asks as its "net amount
            due"), rounded to the currency
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        company = self.env.company
        date = date or fields.Date.context_today(self)
        invoices = self.env["account.move"].search(
            [
                *self.env["account.move"]._get_open_invoice_domain(),
                ("commercial_partner_id", "=", partner.id),
                ("company_id", "=", company.id),
            ],
            order="invoice_date_due, invoice_date, name, id",
        )
        credits = partner._get_open_credit_lines(company)
        currencies = (invoices.currency_id | credits.currency_id).sorted(
            lambda c: (c != company.currency_id, c.name)
        )
        statement = {
            currency: {
                "invoices": [],
                "credits": [],
                "aging": dict.fromkeys((key for key, __, __ in AGING_BUCKETS), 0.0),
                "amount_due": 0.0,
                "amount_overdue": 0.0,
                "amount_due_now": 0.0,
                "amount_disputed": 0.0,
                "amount_credit": 0.0,
            }
            for currency in currencies
        }
        for invoice in invoices:
            values = statement[invoice.currency_id]
            date_due = invoice.invoice_date_due or invoice.invoice_date
            days_overdue = (date - date_due).days if date_due else 0
            disputed = invoice.dispute_state == "open"
            values["invoices"].append(
                {
                    "move": invoice,
                    "name": invoice.name,
                    "invoice_date": invoice.invoice_date,
                    "date_due": date_due,
                    "days_overdue": max(days_overdue, 0),
                    "amount_total": invoice.amount_total,
                    "amount_residual": invoice.amount_residual,
                    "disputed": disputed,
                    "amount_disputed": invoice.amount_disputed if disputed else 0.0,
                }
            )
            values["aging"][self._get_statement_aging_bucket(days_overdue)] += (
                invoice.amount_residual
            )
            values["amount_due"] += invoice.amount_residual
            if days_overdue > 0:
                values["amount_overdue"] += invoice.amount_residual
            if days_overdue >= 0:
                values["amount_due_now"] += invoice.amount_residual
            if disputed:
                values["amount_disputed"] += invoice.amount_disputed
        for line in credits:
            move = line.move_id
            if move.move_type == "out_refund":
                kind, amount = "credit_note", move.amount_total
            elif move.origin_payment_id or move.statement_line_id:
                kind, amount = "payment", abs(line.amount_currency)
            else:
                kind, amount = "other", abs(line.amount_currency)
            values = statement[line.currency_id]
            values["credits"].append(
                {
                    "line": line,
                    "name": move.name,
                    "date": line.date,
                    "kind": kind,
                    "reference": move.ref or line.name or "",
                    "amount": amount,
                    "amount_residual": -line.amount_residual_currency,
                }
            )
            values["amount_credit"] -= line.amount_residual_currency
        for currency, values in statement.items():
            for key in values["aging"]:
                values["aging"][key] = currency.round(values["aging"][key])
            for key in (
                "amount_due",
                "amount_overdue",
                "amount_due_now",
                "amount_disputed",
            ):
                values[key] = currency.round(values[key])
            values["amount_credit"] = currency.round(values["amount_credit"])
            values["amount_net"] = currency.round(
                values["amount_due"] - values["amount_credit"]
            )
            values["amount_net_due_now"] = currency.round(
                values["amount_due_now"] - values["amount_credit"]
            )
        return statement
