"""Constants shared by the addon's models, wizards, controllers and reports:
the states and selections several files use, in one place (the feature
modules import them from here), and the one way to read a selection's
labels."""


def selection_labels(model, field_name):
    """The labels of the selection field ``field_name`` of ``model``,
    translated in the language of its environment (Odoo's
    ``_description_selection``): the one way the addon names a selection
    value to users, static or computed selections alike.

    :param model: a recordset (possibly empty) of the model of the field
    :param str field_name: the name of a ``fields.Selection`` of that model
    :return: dict {value: label}
    """
    return dict(model._fields[field_name]._description_selection(model.env))


def selection_label(model, field_name, value):
    """The label of ``value`` in the selection field ``field_name`` of
    ``model`` (see ``selection_labels``).

    :param model: a recordset (possibly empty) of the model of the field
    :param str field_name: the name of a ``fields.Selection`` of that model
    :param value: a value of the selection, or False
    :return: str, the translated label; the value itself when the selection
        does not list it, "" for no value
    """
    return selection_labels(model, field_name).get(value, value or "")


# Disputes
OPEN_STATES = ("new", "investigating", "proposed", "agreed")
CLOSED_STATES = ("resolved", "rejected", "cancelled")
# Limits of a dispute raised by a customer on the portal.
MAX_STATEMENT_LENGTH = 10000

# Customer portal: the states of the records a customer sees (the others are
# internal), used by the portal pages and ``invoice.reminder.notice._portal_*``
# Settlement proposals sent to the customer (not drafts nor those waiting for
# an approval, nor cancelled ones).
PORTAL_PROPOSAL_STATES = ("sent", "accepted", "declined", "expired")
# Payment plans offered to or agreed with the customer (not drafts nor
# cancelled ones).
PORTAL_PLAN_STATES = ("proposed", "active", "completed", "broken")
# Promises to pay that stand (not cancelled ones).
PORTAL_PROMISE_STATES = ("pending", "kept", "broken")
# Reminders whose email was sent or is on its way: those a later reminder on
# the same invoices supersedes when an earlier one failed
# (``invoice.reminder.notice``), and those the customer sees on the portal.
# The portal record rule ``invoice_reminder_notice_rule_portal``
# (security/invoice_portal_security.xml) spells the same states for the
# logged-in portal users: a rule's domain is XML data and cannot import this
# constant, while the page opened with an access token reads the notice sudo,
# past the rule, and needs it in Python. Change both together
# (``TestReminderPortal.test_portal_states_match_the_record_rule`` checks it).
SENT_NOTICE_STATES = ("queued", "sent")

# Open customer invoices: posted customer invoices with something still to
# collect. Their payment states are Odoo's own "to pay" ones (those its portal
# lists as overdue and its outstanding-credits widget offers to reconcile):
# not paid or partly paid. Not open:
# - "in_payment": the customer paid it all and the money is on its way (a
#   payment not yet matched with the bank): nothing is asked, disputed or
#   planned on it any more; it is not paid either in the sense of SPEC §10
#   ("paid means money received"), which ``invoice.payment.promise`` and the
#   plan installments decide from the payments themselves;
# - "paid", "reversed": nothing is left to pay (``PAID_PAYMENT_STATES``);
# - "blocked" (payment on hold by the accountant) and "invoicing_legacy"
#   (before the accounting was switched on): not collected, even if an amount
#   is open on them; they are not settled either.
# The one definition: ``account.move._get_open_invoice_domain`` (domain), the
# field ``account.move.is_open_invoice`` built from it (records, views,
# field domains, searchable) and the reminders' SQL predicate
# (``invoice_reminder_engine.OPEN_INVOICE_PREDICATE``).
OPEN_PAYMENT_STATES = ("not_paid", "partial")
# Domain of the fields that pick open invoices (above) of the record's
# customer (``partner_id``): disputed invoices, proposals, payment plans,
# promises, reminders sent now, call outcomes.
OPEN_CUSTOMER_INVOICES_DOMAIN = (
    "[('is_open_invoice', '=', True), ('commercial_partner_id', '=', partner_id)]"
)
# Payment states of an invoice with nothing left to pay, whatever settled it:
# a settled invoice (``account.move._invoice_dispute_is_settled``), which
# completes its plans and keeps its promises. Not the complement of the open
# ones: a blocked invoice is neither.
PAID_PAYMENT_STATES = ("paid", "in_payment", "reversed")
# Payment states of an invoice the customer paid in full, with money
# (payments, bank statement lines: SPEC §10), paid or on its way: as opposed
# to ``PAID_PAYMENT_STATES``, which includes "reversed" (settled by a credit
# note, no money). What the payment behaviour of a customer
# (``res.partner._get_payment_behaviour``) and the management pack's reminders
# sheet count as paid invoices.
MONEY_PAID_PAYMENT_STATES = ("paid", "in_payment")

# Aging of open receivables by days past due on the aging date, the one
# definition of the customer statement (``res.partner._get_statement_aging_bucket``)
# and the management pack's Aging sheet (``_aging_query``): (key, first day,
# last day) overdue, open-ended where None. "current" is not due yet (0 days
# or less), as aging reports do (Odoo's aged receivable, OCA's credit
# control): overdue amounts start at one day past due.
AGING_BUCKETS = (
    ("current", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("over_90", 91, None),
)

# Settlement: what a dispute is resolved with (the one vocabulary of
# ``account.move._invoice_dispute_settle``; a proposal's kind maps onto it)
RESOLUTION_TYPES = [
    ("credit_note", "Credit note"),
    ("corrected_invoice", "Corrected invoice"),
    ("payment_plan", "Payment plan"),
    ("due_date_extension", "Due date extension"),
    ("discount", "Discount"),
    ("write_off", "Write-off"),
    ("no_change", "No change"),
]
# Resolutions that credit the agreed amount with credit notes.
CREDIT_TYPES = ("credit_note", "discount", "write_off")

ROOT_CAUSES = [
    ("pricing_error", "Pricing error"),
    ("data_entry_error", "Data entry error"),
    ("contract_ambiguity", "Contract ambiguity"),
    ("delivery_issue", "Delivery issue"),
    ("customer_misunderstanding", "Customer misunderstanding"),
    ("duplicate_billing", "Duplicate billing"),
    ("late_billing", "Late billing"),
    ("other", "Other"),
]

# Settlement proposals: what a proposal offers (``kind``), in the dispute's
# vocabulary (``RESOLUTION_TYPES``): each kind is the resolution of the same
# name, except a partial adjustment, which is settled as a credit note.
KINDS = [
    ("discount", "Discount"),
    ("due_date_extension", "Due date extension"),
    ("partial_adjustment", "Partial adjustment"),
    ("write_off", "Write-off"),
    ("payment_plan", "Payment plan"),
]
ADJUSTMENT_KIND = "partial_adjustment"


def kind_resolution(kind):
    """The resolution (a key of ``RESOLUTION_TYPES``) that a proposal of
    ``kind`` (a key of ``KINDS``) amounts to."""
    return "credit_note" if kind == ADJUSTMENT_KIND else kind


# Kinds that credit an amount: those whose resolution does.
CREDIT_KINDS = tuple(
    kind for kind, __ in KINDS if kind_resolution(kind) in CREDIT_TYPES
)

# Payment plans
INTERVALS = [
    ("weekly", "Weekly"),
    ("biweekly", "Every two weeks"),
    ("monthly", "Monthly"),
]

# Collection calls
OUTCOMES = [
    ("promise", "Promise to pay"),
    ("dispute", "Dispute"),
    ("plan_requested", "Payment plan requested"),
    ("paid", "Already paid"),
    ("no_answer", "No answer"),
    ("wrong_contact", "Wrong contact"),
    ("refused", "Refused to pay"),
    ("callback", "Call back"),
]
# Outcomes that are an agreement the customer gets in writing by default.
AGREEMENT_OUTCOMES = ("promise", "dispute", "plan_requested")
# Outcomes that need invoices to create something on.
OUTCOMES_WITH_INVOICES = ("promise", "dispute", "plan_requested")
# Days until the next collection activity, per outcome (a promise is checked
# the day after the promised date).
NEXT_ACTIVITY_DAYS = {
    "dispute": 7,
    "plan_requested": 3,
    "paid": 3,
    "no_answer": 1,
    "wrong_contact": 1,
    "refused": 2,
    "callback": 1,
}
WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]

# Replies to reminders: what the customer's answer asks for (the intents of
# ``invoice.intent.phrase`` and ``invoice.reminder.notice.reply_intent``)
REPLY_INTENTS = [
    ("dispute", "Dispute"),
    ("promise", "Promise to pay"),
    ("paid", "Already paid"),
    ("plan_request", "Payment plan request"),
    ("question", "Question"),
    ("auto_reply", "Automatic reply"),
]

# Security groups of the addon (xml ids)
COLLECTOR_GROUP = "invoice_dispute.group_invoice_dispute_user"
MANAGER_GROUP = "invoice_dispute.group_invoice_dispute_manager"

# Why an invoice's reminders are paused (``account.move``, call sheet lines)
EXCLUSION_REASONS = [
    ("dispute", "Open dispute"),
    ("plan", "Payment plan"),
    ("plan_proposed", "Payment plan to approve"),
    ("promise", "Promise to pay"),
    ("paid_claim", "Reported as paid"),
    ("partner_block", "Customer blocked"),
]

# Invoice checks
CHECK_CODES = [
    ("price_vs_pricelist", "Price differs from the price list"),
    ("price_vs_last", "Price differs from the last price"),
    ("quantity_outlier", "Unusual quantity"),
    ("possible_duplicate", "Possible duplicate"),
    ("missing_customer_reference", "Missing customer reference"),
    ("b2c_contact_incomplete", "Consumer contact incomplete"),
    ("dispute_history", "Customer's dispute history"),
]
SEVERITIES = [("warning", "Warning"), ("blocking", "Blocking")]

# Back-billing: how a back-billed amount is settled
BACK_BILLING_METHODS = [
    ("next_invoice", "Add to the next invoice"),
    ("separate_invoice", "Bill separately"),
    ("waive", "Waive"),
]

# Tone check of replies to customers
TONE_CATEGORIES = [
    ("blame", "Blame"),
    ("defensive", "Defensive"),
    ("condescending", "Condescending"),
    ("threatening", "Threatening"),
    ("dismissive", "Dismissive"),
]

# Replies: automatic replies
# Headers by which mail software marks automatic replies (RFC 3834 and the
# usual vendor headers); their value must not be one of the listed ones.
AUTO_REPLY_HEADERS = {
    "auto-submitted": ("no",),
    "x-autoreply": ("no", "false"),
    "x-autorespond": ("no", "false"),
    "x-autoreply-from": (),
    "x-mail-autoreply": (),
}

# Mails
# Context key: emails rendered and created per chunk by
# ``mail.template.send_mail_batch`` for this call only (see ``get_param``).
MAIL_BATCH_SIZE_KEY = "invoice_dispute_mail_batch_size"

# Workflow state groups
# Settlement proposals still open: not yet accepted, declined, expired nor
# cancelled (the states a proposal can be cancelled from).
PROPOSAL_OPEN_STATES = ("draft", "to_approve", "approved", "sent")
# Open proposals past the draft: submitted, waiting for an approval or the
# customer's answer (the states a proposal expires from).
PROPOSAL_PENDING_STATES = ("to_approve", "approved", "sent")
# Payment plans still offered, not yet running: their schedule may change.
PLAN_OFFER_STATES = ("draft", "proposed")
# Payment plans offered or running (neither broken nor closed).
PLAN_LIVE_STATES = (*PLAN_OFFER_STATES, "active")
# Payment plans agreed and under way, on time or not: their installments fall
# due (and may be late), they complete once the invoices are paid. The
# "Running plans" filter of the installments' search view
# (views/invoice_payment_plan_views.xml) spells these states: a view's domain
# cannot import this constant; change both together.
PLAN_STARTED_STATES = ("active", "broken")
# Payment plans that hold their invoices, as far as the customer and the
# collector are concerned: proposed to the customer, or started (neither a
# draft nor closed). An invoice in one of them is already in a payment plan.
PLAN_RUNNING_STATES = ("proposed", *PLAN_STARTED_STATES)
# Payment plans that pause the automated reminders of their invoices, in
# priority order (``account.move._get_reminder_exclusions``): (plan state,
# reason shown, a key of ``EXCLUSION_REASONS``, whether the grace period
# starts when the plan leaves that state). An active plan pauses them as an
# agreement: once it ends, reminders resume after the company's grace days
# (the plan's ``_REMINDER_PAUSE_STATES``). A proposed plan pauses them while
# the collector decides, with no grace period on purpose: refused (cancelled
# or back to draft), it was no agreement and reminders resume at once.
PLAN_REMINDER_PAUSES = (
    ("active", "plan", True),
    ("proposed", "plan_proposed", False),
)
# Payment plans whose installments may be deleted: not yet agreed, or
# cancelled (an active, broken or completed plan keeps its schedule).
PLAN_LINES_DELETABLE_STATES = (*PLAN_OFFER_STATES, "cancelled")
