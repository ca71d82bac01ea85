from datetime import timedelta

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import format_amount

from ..models.constants import (
    MAX_STATEMENT_LENGTH,
    SENT_NOTICE_STATES,
    selection_labels,
)
from .portal import InvoiceDisputePortal

# The forms of the reminder page: URL suffix -> the message shown once done.
REMINDER_FORMS = {
    "promise": "promise_recorded",
    "plan": "plan_requested",
    "paid": "paid_reported",
    "dispute": "dispute_created",
}


class InvoiceReminderPortal(InvoiceDisputePortal):
    """The page of a payment reminder (SPEC §11, Portal): opened from the
    reminder's email with its access token (no login) or by the customer's
    portal users at ``/my/reminders``. It shows the reminder's invoices as
    they are now, the open credits and the net balance, and per invoice
    *Pay now* (the invoice's portal page and Odoo's payment flow), *Dispute*
    (also without login, with the notice's token), *Promise to pay*,
    *Request a payment plan* and *Already paid*.

    The forms only collect input; the rules are in
    ``invoice.reminder.notice._portal_*`` and the records they create."""

    # ------------------------------------------------------------------
    # My home
    # ------------------------------------------------------------------
    def _portal_get_counters(self):
        return {
            **super()._portal_get_counters(),
            "reminder_count": ("invoice.reminder.notice", self._get_reminders_domain),
        }

    def _get_reminders_domain(self):
        return [
            *self._portal_customer_domain(),
            ("state", "in", SENT_NOTICE_STATES),
        ]

    # ------------------------------------------------------------------
    # My reminders
    # ------------------------------------------------------------------
    @http.route(
        ["/my/reminders", "/my/reminders/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_reminders(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        notices, pager = self._portal_list(
            "invoice.reminder.notice",
            self._get_reminders_domain(),
            "/my/reminders",
            page,
        )
        request.session["my_reminders_history"] = notices.ids[:100]
        values.update(
            {
                # Read through the record rules above, displayed with sudo as
                # Odoo's portal does (invoices, currencies).
                "notices": notices.sudo(),
                "page_name": "reminder",
                "pager": pager,
                "default_url": "/my/reminders",
            }
        )
        return request.render("invoice_dispute.portal_my_reminders", values)

    @http.route(
        ["/my/reminders/<int:notice_id>"], type="http", auth="public", website=True
    )
    def portal_my_reminder(self, notice_id, access_token=None, message=None, **kw):
        notice_sudo = self._reminder_check_access(notice_id, access_token)
        values = self._reminder_get_page_view_values(
            notice_sudo, access_token, message=message
        )
        return request.render("invoice_dispute.portal_my_reminder", values)

    @http.route(
        ["/my/reminders/<int:notice_id>/<any(promise,plan,paid,dispute):form>"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_reminder_answer(self, notice_id, form, access_token=None, **post):
        """One of the reminder page's forms (CSRF-checked by Odoo): the
        answer is recorded, or the page shows again with the message and
        nothing written."""
        notice_sudo = self._reminder_check_access(notice_id, access_token)
        move_sudo = notice_sudo.move_ids.filtered(
            lambda m: str(m.id) == (post.get("move_id") or "")
        )
        author = self._reminder_get_author(notice_sudo)
        try:
            # The savepoint leaves nothing half-written when a rule refuses.
            with request.env.cr.savepoint():
                self._reminder_apply_answer(notice_sudo, form, move_sudo, author, post)
        except (UserError, ValidationError) as exc:
            values = self._reminder_get_page_view_values(
                notice_sudo,
                access_token,
                form_error={
                    "form": form,
                    "move_id": move_sudo.id,
                    "message": exc.args[0],
                    "post": post,
                },
            )
            return request.render("invoice_dispute.portal_my_reminder", values)
        return request.redirect(
            notice_sudo.get_portal_url(query_string=f"&message={REMINDER_FORMS[form]}")
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _reminder_check_access(self, notice_id, access_token):
        """The notice, sudoed, if the visitor may see it: a portal user of
        its customer, or anyone with its current access token.

        :raise NotFound: no such notice
        :raise Forbidden: no access (wrong or old token, other customer)
        """
        notice_sudo = self._portal_check_document(
            "invoice.reminder.notice", notice_id, access_token
        )
        if notice_sudo.state not in SENT_NOTICE_STATES:
            raise NotFound()
        return notice_sudo

    def _reminder_get_author(self, notice_sudo):
        """Who answers: the logged-in user's partner when it belongs to the
        notice's customer, else the person the reminder was sent to."""
        return (
            self._portal_customer_contact(notice_sudo.partner_id)
            or notice_sudo.recipient_id
            or notice_sudo.partner_id
        )

    def _reminder_apply_answer(self, notice_sudo, form, move_sudo, author, post):
        """Read the form's fields and call the notice's method for ``form``.

        :raise ValidationError: unreadable input or a refused answer
        """
        if form == "promise":
            notice_sudo._portal_promise(
                move_sudo,
                self._portal_parse_amount(post.get("amount"), move_sudo),
                self._reminder_parse_date(post.get("date_promised")),
                author,
            )
        elif form == "plan":
            notice_sudo._portal_request_plan(
                move_sudo,
                self._reminder_parse_int(post.get("installment_count")),
                self._reminder_parse_date(post.get("date_first")),
                author,
                interval=post.get("interval") or "monthly",
            )
        elif form == "dispute":
            notice_sudo._portal_dispute(
                move_sudo,
                self._portal_parse_reason(post),
                post.get("customer_statement"),
                self._portal_parse_amount(post.get("disputed_amount"), move_sudo),
                author,
                files=self._portal_read_files(),
            )
        else:
            notice_sudo._portal_report_paid(
                move_sudo,
                self._portal_parse_amount(post.get("amount"), move_sudo),
                self._reminder_parse_date(post.get("date_paid")),
                post.get("reference"),
                author,
            )

    def _reminder_parse_date(self, raw):
        try:
            date = fields.Date.to_date((raw or "").strip() or None)
        except ValueError:
            date = None
        if not date:
            raise ValidationError(
                request.env._("Enter a date, for example 2026-05-31.")
            )
        return date

    def _reminder_parse_int(self, raw):
        raw = (raw or "").strip()
        if not raw.isdigit():
            raise ValidationError(
                request.env._("Enter the number of installments, for example 3.")
            )
        return int(raw)

    def _reminder_get_page_view_values(
        self, notice_sudo, access_token, message=None, form_error=None
    ):
        """Values of the reminder page; ``notice_sudo`` is sudoed by the
        caller after the access check, so are the records derived from it."""
        env = request.env
        today = fields.Date.context_today(notice_sudo)
        situation = notice_sudo._portal_get_situation()
        invoices = situation["invoices"]
        exclusion_labels = selection_labels(invoices, "reminder_exclusion_reason")
        payment_labels = selection_labels(invoices, "payment_state")
        statuses = {}
        Dispute = env["invoice.dispute"]
        # the forms offered per invoice: only those its state accepts
        actions_by_move = {
            move.id: notice_sudo._portal_get_actions(move) for move in invoices
        }
        # the reasons offered per invoice a dispute can still be raised on
        dispute_reasons = {
            move.id: Dispute._portal_get_reasons(move)
            for move in invoices
            if "dispute" in actions_by_move[move.id]
        }
        for move in invoices:
            if not notice_sudo._portal_can_act(move):
                statuses[move.id] = payment_labels.get(move.payment_state, "")
            elif move.reminder_exclusion_reason:
                statuses[move.id] = exclusion_labels[move.reminder_exclusion_reason]
            elif move.invoice_date_due and move.invoice_date_due < today:
                statuses[move.id] = env._("Overdue")
            else:
                statuses[move.id] = env._("Due")
        shown = actions_by_move.get(form_error and form_error["move_id"], ())
        if form_error and (
            form_error["move_id"] not in dispute_reasons
            if form_error["form"] == "dispute"
            else form_error["form"] not in shown
        ):
            # the invoice's form is not shown: the message goes on top
            form_error = dict(form_error, move_id=False)
        company = notice_sudo.company_id
        values = {
            "notice": notice_sudo,
            "page_name": "reminder",
            "today": today,
            "situation": situation,
            "statuses": statuses,
            "arrangements": notice_sudo._portal_get_arrangements(),
            "message": message if message in REMINDER_FORMS.values() else None,
            "form_error": form_error or {},
            "date_promise_default": fields.Date.to_string(
                today + timedelta(days=min(7, company.promise_max_days))
            ),
            "date_promise_max": fields.Date.to_string(
                today + timedelta(days=company.promise_max_days)
            ),
            "date_today": fields.Date.to_string(today),
            "plan_max_installments": company.plan_max_installments,
            "dispute_reasons": dispute_reasons,
            "actions_by_move": actions_by_move,
            "max_statement_length": MAX_STATEMENT_LENGTH,
            "format_amount": lambda amount, currency: format_amount(
                env, amount, currency
            ),
            "amount_input": self._format_amount_input,
            # what the customer typed in the form refused, shown back
            "form_post": lambda form, move: (
                form_error["post"]
                if form_error
                and form_error["form"] == form
                and form_error["move_id"] == move.id
                else {}
            ),
        }
        return self._get_page_view_values(
            notice_sudo, access_token, values, "my_reminders_history", False
        )
