from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .constants import OPEN_CUSTOMER_INVOICES_DOMAIN, selection_label, selection_labels

# Context key (and its value) of a state change made by the workflow itself
# through ``_set_state``: the value is an object, so that no RPC call, import
# or URL can put it in a context and write a state around the actions.
WORKFLOW_CONTEXT_KEY = "invoice_workflow_state_change"
WORKFLOW_STATE_CHANGE = object()


def check_state(records, allowed, what, field="state"):
    """Refuse an action on ``records`` not in one of the ``allowed`` states
    (their selection ``field``): the one way the addon refuses a state change,
    for the documents of ``invoice.workflow.mixin`` (``_check_state``) and the
    other records with a state (reminders, their logs' email, findings).

    :param records: the records the action is asked on
    :param tuple allowed: the states the action starts from
    :param str what: the action, translated, as it ends "it cannot be
        ..." (e.g. "sent", "moved to Resolved")
    :param str field: the selection field holding the state (default
        ``state``; e.g. ``mail_state`` of a reminder log)
    :raise UserError: "<model> <record> is <state>: it cannot be <what>,
        only from <allowed states>.", naming the first record in another
        state
    """
    wrong = records.filtered(lambda r: r[field] not in allowed)
    if not wrong:
        return
    env = records.env
    labels = selection_labels(records, field)
    state = wrong[0][field]
    raise UserError(
        env._(
            "%(model)s %(record)s is %(state)s: it cannot be %(what)s, only "
            "from %(allowed)s.",
            # sudo: the model's translated name, whoever asks
            model=env["ir.model"].sudo()._get(records._name).display_name,
            record=wrong[0].display_name,
            state=labels.get(state, state or ""),
            what=what,
            allowed=", ".join(labels.get(s, s) for s in allowed),
        )
    )


def check_transition(records, target, what=None):
    """Refuse to move ``records`` to ``target`` from a state that their
    model's transitions (``_TRANSITIONS``: target -> the states it is reached
    from) do not allow; see :func:`check_state`. The one table of a model's
    state changes: the documents of ``invoice.workflow.mixin``
    (``_check_transition``) and the reminder notices, whose changes made in
    SQL take their allowed states from the same table
    (:func:`transition_sources_sql`).

    :param records: the records about to change state
    :param str target: a key of ``_TRANSITIONS`` (a state, or an action such
        as "reopen")
    :param str what: the action, translated, as it ends "it cannot be ..."
        (default: "moved to <target>", or "reopened" for a key that is no
        state)
    :raise UserError: naming the first record in a wrong state
    """
    if what is None:
        env = records.env
        labels = selection_labels(records, "state")
        if target in labels:
            what = env._("moved to %(state)s", state=labels[target])
        else:
            what = env._("reopened")
    check_state(records, records._TRANSITIONS[target], what)


def transition_sources_sql(model, targets, column):
    """SQL condition: ``column`` (the ``state`` column of ``model``'s table)
    holds a state from which ``model._TRANSITIONS`` allows each of
    ``targets``. For the state changes made in SQL where the ORM cannot serve
    (the reminders' exactly-once claim and its results, written for a whole
    batch in one statement): their ``WHERE`` takes the allowed states from
    the same table as :func:`check_transition`, and a row in another state
    is not changed (the caller compares the rows changed with those asked).

    :param model: a model (recordset) with ``_TRANSITIONS``
    :param targets: keys of ``_TRANSITIONS`` the statement may move a row to
    :param SQL column: the state column, e.g. ``SQL("n.state")``
    :return: SQL
    """
    sources = set.intersection(*(set(model._TRANSITIONS[t]) for t in targets))
    # IN (NULL) matches no row when no state allows them all
    return SQL("%s IN %s", column, tuple(sorted(sources)) or (None,))


def check_parent_not_closed(lines, parent_field, parent_ids=()):
    """Refuse to add, change or delete the lines of a closed document (its
    ``line_ids`` is one of its frozen fields).

    :param lines: the lines changed or deleted (maybe empty, for a create)
    :param str parent_field: the lines' many2one to their document
    :param parent_ids: ids of further documents (lines created or moved there)
    :raise UserError: see ``invoice.workflow.mixin._check_not_closed``
    """
    Parent = lines.env[lines._fields[parent_field].comodel_name]
    parents = lines[parent_field] | Parent.browse({i for i in parent_ids if i})
    parents._check_not_closed(["line_ids"])


def check_period(records):
    """Refuse ``records`` whose period (``date_from`` to ``date_to``) starts
    after it ends: the back-billed period, the management pack's.

    :raise ValidationError: naming both fields (as the form labels them)
        and dates
    """
    env = records.env
    for record in records:
        if record.date_from and record.date_to and record.date_from > record.date_to:
            raise ValidationError(
                env._(
                    "The period starts (%(from_label)s: %(date_from)s) after its "
                    "end (%(to_label)s: %(date_to)s).",
                    from_label=record._fields["date_from"]._description_string(env),
                    date_from=record.date_from,
                    to_label=record._fields["date_to"]._description_string(env),
                    date_to=record.date_to,
                )
            )


def check_range(records, field_names, minimum=0, maximum=None):
    """Refuse ``records`` whose numbers in ``field_names`` are below
    ``minimum`` or above ``maximum`` (when given).

    :raise ValidationError: naming the field, the record, the value and the
        limit
    """
    env = records.env
    for record in records:
        for name in field_names:
            value = record[name]
            if value >= minimum and (maximum is None or value <= maximum):
                continue
            field = record._fields[name]._description_string(env)
            if maximum is None:
                message = env._(
                    "%(field)s of %(record)s must be %(minimum)s or more (got "
                    "%(value)s).",
                    field=field,
                    record=record.display_name,
                    minimum=minimum,
                    value=value,
                )
            else:
                message = env._(
                    "%(field)s of %(record)s must be between %(minimum)s and "
                    "%(maximum)s (got %(value)s).",
                    field=field,
                    record=record.display_name,
                    minimum=minimum,
                    maximum=maximum,
                    value=value,
                )
            raise ValidationError(message)


class InvoiceWorkflowMixin(models.AbstractModel):
    """The customer documents of the addon (disputes, proposals, payment
    plans, promises, payment claims, call sheets, back-billing): states that
    change only through the model's actions, closed records that stay closed,
    and what the documents share.

    A model using it lists its transitions (``_TRANSITIONS``: target state ->
    the states it can be reached from), its closed states and the fields
    frozen in them. Its actions, crons and invoice follow-ups change the state
    with :meth:`_set_state`; ``create``/``write`` from anywhere else (forms,
    RPC, imports) cannot set a state nor change a frozen field of a closed
    record; an action refuses a wrong state with :meth:`_check_state`.

    Shared, switched on by class attributes: the number drawn from a sequence
    on create (``_SEQUENCE_CODE``, shown as "New" until then), the currency
    of the invoices (``_CURRENCY_FROM_INVOICES``: computed from the invoices,
    ``_INVOICES_PATH``, a different one given at creation refused), what is
    open on the invoices (:meth:`_compute_amount_residual`, the compute of the
    models' "Open on invoices" ``amount_residual``), the delete rule
    (``_UNLINK_STATES``), the responsible assigned on create
    (``_ASSIGN_RESPONSIBLE``), the reminders paused (``_REMINDER_PAUSE_STATES``)
    and the invoices' smart button (:meth:`action_view_moves`).
    """

    _name = "invoice.workflow.mixin"
    _description = "Invoice workflow (states through actions)"

    # target state -> the states the model's actions move from to reach it
    _TRANSITIONS = {}
    # states in which the record is closed and ``_CLOSED_FROZEN_FIELDS`` frozen
    _CLOSED_STATES = ()
    _CLOSED_FROZEN_FIELDS = ()
    # closed states an action reopens (reopen, reset to draft, ...)
    _REOPEN_STATES = ()
    # whether a record created without a person in ``user_id`` gets its
    # customer's responsible (``res.partner._get_responsible_user``)
    _ASSIGN_RESPONSIBLE = False
    # states in which the record pauses the automated reminders of its
    # invoices (``move_ids``); leaving them starts the grace period
    _REMINDER_PAUSE_STATES = ()
    # states in which the record arranges the payment of its invoices
    # (``move_ids``: a promise pending, a plan prepared or running): created
    # in them, or given new invoices, it is refused while a payment reported
    # on its invoices is looked for (``_check_arrangeable``); empty: no rule
    _ARRANGEMENT_STATES = ()
    # code of the ir.sequence numbering the records (``name``) on create,
    # dated by the field ``_SEQUENCE_DATE_FIELD`` (None: today); False: none
    _SEQUENCE_CODE = False
    _SEQUENCE_DATE_FIELD = None
    # the currency (``currency_id``) is the invoices' (``move_ids``)
    _CURRENCY_FROM_INVOICES = False
    # the path to the invoices the currency and the open amount
    # (``amount_residual``) follow: ``move_ids``, or the stored path it is
    # computed from (e.g. ``line_ids.move_id``)
    _INVOICES_PATH = "move_ids"
    # states in which a record may be deleted (None: no rule)
    _UNLINK_STATES = None

    @api.constrains(lambda self: ["user_id"] if "user_id" in self._fields else [])
    def _check_user_id(self):
        """The document's collector or responsible (``user_id``, when it has
        one) is an internal user of the Collector group."""
        if "user_id" in self._fields:
            self.env["res.users"]._invoice_dispute_check_collector(self, "user_id")

    @api.model
    def _get_initial_state(self, vals):
        """The state a record created with ``vals`` starts in.

        :param dict vals: the values given to ``create``
        :return: str, a key of the ``state`` selection
        """
        return self._fields["state"].default(self)

    def _is_workflow_change(self):
        return self.env.context.get(WORKFLOW_CONTEXT_KEY) is WORKFLOW_STATE_CHANGE

    def _get_state_label(self, state):
        return selection_label(self, "state", state)

    def _get_model_label(self):
        # sudo: the model's translated name, whoever creates the record
        return self.env["ir.model"].sudo()._get(self._name).display_name

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_workflow_change():
            for vals in vals_list:
                initial = self._get_initial_state(vals)
                if vals.setdefault("state", initial) != initial:
                    raise UserError(
                        self.env._(
                            "Use the buttons: the status of a %(model)s changes "
                            "through its actions. It is created as %(initial)s, not "
                            "%(state)s.",
                            model=self._get_model_label(),
                            initial=self._get_state_label(initial),
                            state=self._get_state_label(vals["state"]),
                        )
                    )
        number = self._prepare_numbers(vals_list)
        asked = [vals.get("currency_id") for vals in vals_list]
        # the assignee is told once the record has its number: Odoo's
        # "You have been assigned to ..." would otherwise name it "New"
        notify = not self.env.context.get("mail_auto_subscribe_no_notify")
        silent = self.with_context(mail_auto_subscribe_no_notify=True)
        records = super(InvoiceWorkflowMixin, silent).create(vals_list)
        if self._ASSIGN_RESPONSIBLE:
            records._assign_responsible()
        records = records.with_env(self.env)
        if self._CURRENCY_FROM_INVOICES:
            records._check_asked_currency(asked)
        records._check_arrangeable()
        records = number(records)
        if notify:
            records._notify_assignment()
        return records

    def _notify_assignment(self):
        """Tell the person in ``user_id`` (when the model has one and
        follows its records) that the records are theirs, as Odoo's
        assignment does (``mail.thread._message_auto_subscribe``: in each
        assignee's language, not to the user who creates them), once the
        records are numbered."""
        if "user_id" not in self._fields or not hasattr(
            self, "_message_auto_subscribe"
        ):
            return
        if self.env.context.get("tracking_disable"):
            return
        for record in self.filtered("user_id"):
            record._message_auto_subscribe({"user_id": record.user_id.id})

    @api.model
    def _prepare_numbers(self, vals_list):
        """Prepare the numbering of the records about to be created (``name``
        left empty or "/", when the model has a ``_SEQUENCE_CODE``): they are
        named "/" until they are valid (the unique constraint on the number
        leaves "/" out), and the returned function gives them their number
        from the sequence of their company. It is called at the end of
        ``create``, once the records are created and checked: a refused create
        draws no number and no message names a number never saved.

        :param list vals_list: the values given to ``create``, updated in place
        :return: function taking the created records (in the order of
            ``vals_list``), flushing them (so that the constraints of their
            computed fields run), numbering those that need it and returning
            them
        """
        to_number = []
        if self._SEQUENCE_CODE:
            for index, vals in enumerate(vals_list):
                if vals.get("name", "/") in ("/", False):
                    vals["name"] = "/"
                    to_number.append(index)

        def number(records):
            if not to_number:
                return records
            records.flush_recordset()
            date_field = self._SEQUENCE_DATE_FIELD
            for index in to_number:
                record = records[index]
                record.name = (
                    record.env["ir.sequence"]
                    .with_company(record.company_id)
                    .next_by_code(
                        self._SEQUENCE_CODE,
                        sequence_date=record[date_field] if date_field else None,
                    )
                    or "/"
                )
            return records

        return number

    def _check_asked_currency(self, asked):
        """Refuse a currency given at creation that is not the records'
        invoices' one: their currency is computed from the invoices, and the
        compute would otherwise replace it without a word.

        :param list asked: the ``currency_id`` given for each record, or None
        :raise ValidationError: see ``account.move._invoice_dispute_check_currency``
        """
        Currency = self.env["res.currency"]
        for record, currency_id in zip(self, asked, strict=True):
            record.move_ids._invoice_dispute_check_currency(
                record, Currency.browse(currency_id)
            )

    @api.depends(lambda self: (self._rec_name,) if self._rec_name else ())
    @api.depends_context("lang")
    def _compute_display_name(self):
        """Numbered documents show their number, or "New" while they have
        none yet (during ``create``), so that no message names "/"."""
        if not self._SEQUENCE_CODE:
            return super()._compute_display_name()
        for record in self:
            record.display_name = (
                record.name if record.name not in ("/", False) else self.env._("New")
            )

    @api.depends(
        lambda self: (
            (f"{self._INVOICES_PATH}.currency_id", "company_id")
            if self._CURRENCY_FROM_INVOICES
            else ("company_id",)
        )
    )
    def _compute_currency_id(self):
        """The invoices' currency (``_CURRENCY_FROM_INVOICES``), else the
        one set, else the company's; without ``_CURRENCY_FROM_INVOICES``,
        the company's."""
        for record in self:
            if not self._CURRENCY_FROM_INVOICES:
                record.currency_id = record.company_id.currency_id
                continue
            record.currency_id = (
                record.mapped(self._INVOICES_PATH).currency_id[:1]
                or record.currency_id
                or record.company_id.currency_id
            )

    @api.depends(lambda self: (f"{self._INVOICES_PATH}.amount_residual",))
    def _compute_amount_residual(self):
        """The "Open on invoices" (``amount_residual``) of the documents that
        declare it with this compute: what is still open on the document's
        invoices (``_INVOICES_PATH``), in their currency, which is the
        document's (``_CURRENCY_FROM_INVOICES``)."""
        for record in self:
            record.amount_residual = sum(
                record.mapped(self._INVOICES_PATH).mapped("amount_residual")
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_kept(self):
        """Only records in ``_UNLINK_STATES`` can be deleted: the others are
        kept for their history (cancel them instead)."""
        if self._UNLINK_STATES is not None:
            self._check_state(self._UNLINK_STATES, self.env._("deleted"))

    def action_view_moves(self):
        """The invoices' smart button: the document's invoices."""
        self.ensure_one()
        return self.move_ids._invoice_dispute_list_action()

    def write(self, vals):
        if not self._is_workflow_change() and "state" in vals:
            changed = self.filtered(lambda r: r.state != vals["state"])
            if changed:
                # who may not write at all is told so first
                self.check_access("write")
                raise UserError(
                    self.env._(
                        "Use the buttons: the status of %(record)s changes "
                        "through its actions (it is %(state)s and cannot be set "
                        "to %(target)s by writing it).",
                        record=changed[0].display_name,
                        state=self._get_state_label(changed[0].state),
                        target=self._get_state_label(vals["state"]),
                    )
                )
        self._check_not_closed(vals)
        if "move_ids" not in vals or not self._ARRANGEMENT_STATES:
            return super().write(vals)
        before = {record.id: record.move_ids for record in self}
        result = super().write(vals)
        for record in self:
            record._check_arrangeable(record.move_ids - before[record.id])
        return result

    def _check_arrangeable(self, moves=None):
        """Refuse these records, when in one of ``_ARRANGEMENT_STATES``, on
        invoices ``moves`` a payment was reported on that is still looked for
        (``account.move._invoice_dispute_check_arrangeable``): called when
        they are created, given new invoices or reopened, before anything is
        numbered or kept.

        :param moves: account.move, the invoices to check (default: each
            record's ``move_ids``)
        :raise ValidationError: naming the invoice and the open report
        """
        for record in self.filtered(lambda r: r.state in self._ARRANGEMENT_STATES):
            invoices = record.move_ids if moves is None else moves
            invoices._invoice_dispute_check_arrangeable()

    def _check_not_closed(self, field_names):
        """Refuse to change what a closed record was based on.

        :param field_names: the fields about to change (an iterable of names,
            e.g. the values given to ``write``)
        :raise UserError: naming the first closed record, its state, the frozen
            fields and, when the record can be reopened, telling to reopen it
        """
        if self._is_workflow_change():
            return
        frozen = [name for name in self._CLOSED_FROZEN_FIELDS if name in field_names]
        if not frozen:
            return
        closed = self.filtered(lambda r: r.state in self._CLOSED_STATES)
        if not closed:
            return
        record = closed[0]
        labels = ", ".join(
            self._fields[name]._description_string(self.env) for name in frozen
        )
        if record.state in self._REOPEN_STATES:
            message = self.env._(
                "%(record)s is %(state)s: %(fields)s can no longer be changed. "
                "Reopen it first (the change is tracked in its history).",
                record=record.display_name,
                state=self._get_state_label(record.state),
                fields=labels,
            )
        else:
            message = self.env._(
                "%(record)s is %(state)s: %(fields)s can no longer be changed.",
                record=record.display_name,
                state=self._get_state_label(record.state),
                fields=labels,
            )
        raise UserError(message)

    def _check_state(self, allowed, what):
        """Refuse an action on records not in one of the ``allowed`` states:
        the one way the documents refuse a state change (their actions, and
        ``_set_state`` through ``_check_transition``); see :func:`check_state`.

        :param tuple allowed: the states the action starts from
        :param str what: the action, translated, as it ends "it cannot be
            ..." (e.g. "sent", "moved to Resolved")
        :raise UserError: naming the first record in another state
        """
        check_state(self, allowed, what)

    def _check_transition(self, target):
        """Refuse to move records to ``target`` from a state that the model's
        transitions (``_TRANSITIONS``) do not allow; see
        :func:`check_transition`.

        :param str target: a key of ``_TRANSITIONS`` (a state, or "reopen")
        :raise UserError: naming the first record in a wrong state
        """
        check_transition(self, target)

    def _set_state(self, state, vals=None, transition=None):
        """Move these records to ``state``: the one way the model's actions,
        crons and invoice follow-ups change a state (frozen fields included,
        e.g. when reopening).

        :param str state: the new state
        :param dict vals: other values written with it
        :param str transition: the key of ``_TRANSITIONS`` checked (default
            ``state``; e.g. "reopen")
        :return: True
        :raise UserError: a record is in a state the transition does not
            start from (nothing is written)
        """
        self._check_transition(transition or state)
        pausing = self.filtered(lambda r: r.state in self._REMINDER_PAUSE_STATES)
        result = self.with_context(
            **{WORKFLOW_CONTEXT_KEY: WORKFLOW_STATE_CHANGE}
        ).write(dict(vals or {}, state=state))
        if pausing and state not in self._REMINDER_PAUSE_STATES:
            pausing._reminder_pause_ended()
        return result

    @api.model
    def _default_responsible(self):
        """The user creating the record when a person (a collector at work);
        else none, and ``_assign_responsible`` finds one."""
        user = self.env.user
        return user if user._invoice_dispute_is_person() else self.env["res.users"]

    def _get_follow_up_user(self):
        """Who follows this record up (the one decision, for its assignment
        on create and the activities about it): the person in ``user_id``,
        else the responsible of its customer and invoices
        (``res.partner._get_responsible_user``) -- never the system user of
        the scheduled action, portal or email that created or checked it.

        :return: res.users, one user; empty when the record has no person
            and the company no dispute manager at all
        """
        self.ensure_one()
        if self.user_id and self.user_id._invoice_dispute_is_person():
            return self.user_id
        return self.partner_id._get_responsible_user(self.company_id, self.move_ids)

    def _assign_responsible(self):
        """Give the records without a person in ``user_id`` their follow-up
        user (``_get_follow_up_user``): whoever created them (a scheduled
        action, the portal, an email), a person handles them."""
        for record in self:
            user = record._get_follow_up_user()
            if user and user != record.user_id:
                record.user_id = user

    def _get_reminder_agreement_date(self):
        """The day of the agreement this record stood for, which the next
        reminder of its invoices mentions once it ended; False when it was
        no agreement (e.g. a rejected dispute).

        :return: date or False
        """
        self.ensure_one()
        return False

    def _reminder_pause_ended(self):
        """These records stopped pausing the reminders of their invoices:
        reminders resume after the company's grace days
        (``account.move._reminder_resume_after``)."""
        for record in self:
            record.move_ids._reminder_resume_after(
                record._get_reminder_agreement_date()
            )

    def _force_state(self, state, vals=None):
        """Put these records in ``state`` whatever their state (generated
        data, data migrations): no transition is checked, the records' own
        constraints still apply. Actions use :meth:`_set_state`.

        :param str state: the new state
        :param dict vals: other values written with it
        :return: True
        """
        return self.with_context(**{WORKFLOW_CONTEXT_KEY: WORKFLOW_STATE_CHANGE}).write(
            dict(vals or {}, state=state)
        )

    @api.model
    def _create_in_state(self, vals_list):
        """Create records directly in the state their values give (generated
        data, migrations): the records' own constraints still apply.

        :param list vals_list: values for ``create``
        :return: the records created
        """
        records = self.with_context(
            **{WORKFLOW_CONTEXT_KEY: WORKFLOW_STATE_CHANGE}
        ).create(vals_list)
        return records.with_env(self.env)


class InvoiceCustomerDocument(models.AbstractModel):
    """A customer document of the addon (dispute, proposal, payment plan,
    promise, payment claim, call sheet, back-billing): the workflow of
    ``invoice.workflow.mixin`` with its chatter, and the fields they share,
    declared once: the number (``name``, drawn from ``_SEQUENCE_CODE``), the
    company, the customer, the currency (the invoices' with
    ``_CURRENCY_FROM_INVOICES``, else the company's), the invoices
    (``move_ids``, shown by the smart button ``action_view_moves``) and the
    tracked state, whose values each model gives. A model adds to a field
    what is its own (help, domain, a compute, its relation table)."""

    _name = "invoice.customer.document"
    _description = "Customer document (number, customer, invoices, state)"
    _inherit = ["invoice.workflow.mixin", "mail.thread", "mail.activity.mixin"]

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
        required=True,
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain=OPEN_CUSTOMER_INVOICES_DOMAIN,
    )
    # the values are each model's list (which replaces this method)
    state = fields.Selection(
        selection="_selection_state",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            # "/" until the number is drawn, after the checks of create.
            "exclude (name with =, company_id with =) where (name <> '/')",
            "A number must be unique per company.",
        ),
    ]

    def _selection_state(self):
        """The states of a document: each model lists its own."""
        return []

    def _get_email_recipient(self):
        """Who this document's emails go to: the customer's payment recipient
        (``res.partner._get_payment_recipient``), the document's contact
        (``contact_id``, on the models that have one) first.

        :return: one res.partner record
        """
        self.ensure_one()
        contact = self.contact_id if "contact_id" in self._fields else None
        return self.partner_id._get_payment_recipient(contact)

    def _get_email_lang(self, recipient=None):
        """The language code of this document's customer-facing emails: that
        of their recipient, else the customer's
        (``partner_id._get_reminder_lang(self._get_email_recipient())``); the
        one rule of the templates' ``lang`` and of the reply wizard.

        :param recipient: res.partner record, whom the email goes to when
            another than ``_get_email_recipient`` was chosen (may be empty:
            the default)
        :return: str (a language code) or False
        """
        self.ensure_one()
        return self.partner_id._get_reminder_lang(
            recipient or self._get_email_recipient()
        )

    def _get_email_recipient_error(self, what, recipient=None):
        """Why this document cannot email ``what``: its recipient has no email
        address; the one wording of that rule.

        :param what: str, translated, what is about to be emailed, completing
            "add one before ..." (e.g. "sending proposal P/0001")
        :param recipient: res.partner record (may be empty), whom it goes to;
            default: ``_get_email_recipient``
        :return: str (translated) when the recipient has no email, else False
        """
        self.ensure_one()
        if recipient is None:
            recipient = self._get_email_recipient()
        if recipient.email:
            return False
        return self.env._(
            "%(partner)s has no email address: add one before %(what)s.",
            partner=recipient.display_name or self.env._("The contact"),
            what=what,
        )

    def _check_email_recipient(self, what, recipient=None):
        """Refuse to email ``what`` from this document when its recipient has
        no email address (``_get_email_recipient_error``).

        :param what: str, translated, what is about to be emailed
        :param recipient: res.partner record, whom it goes to; default:
            ``_get_email_recipient``
        :return: the recipient (res.partner record)
        :raise UserError: the recipient has no email address
        """
        self.ensure_one()
        if recipient is None:
            recipient = self._get_email_recipient()
        error = self._get_email_recipient_error(what, recipient)
        if error:
            raise UserError(error)
        return recipient
