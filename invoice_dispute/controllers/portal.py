from werkzeug.exceptions import Forbidden, NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.account.controllers.portal import PortalAccount
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.constants import OPEN_STATES

MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024  # bytes


class InvoiceDisputePortal(PortalAccount):
    """Customer portal for disputes: /my/disputes, the "Dispute this invoice"
    form on the portal invoice page, and the answer to proposals.

    Extends ``PortalAccount`` (a ``CustomerPortal``) because the dispute form
    is rendered in, and re-renders, the portal invoice page."""

    # ------------------------------------------------------------------
    # Access: the one place the portal pages of the addon check it
    # ------------------------------------------------------------------
    def _portal_check_document(self, model_name, record_id, access_token, raise_=True):
        """The record ``model_name``/``record_id``, sudoed, if the visitor
        may see it: through the record rules (a portal user of its customer)
        or with its current ``access_token`` (Odoo's
        ``_document_check_access``).

        :param bool raise_: raise on no access; else return None
        :return: the record (sudo), or None when refused and not ``raise_``
        :raise NotFound: no such record (``raise_``)
        :raise Forbidden: no access: wrong or old token, other customer
            (``raise_``)
        """
        try:
            return self._document_check_access(model_name, record_id, access_token)
        except MissingError as exc:
            if raise_:
                raise NotFound() from exc
        except AccessError as exc:
            if raise_:
                raise Forbidden() from exc
        return None

    def _portal_customer_domain(self, field="partner_id"):
        """Domain of the records of the logged-in user's customer (its
        commercial partner and contacts) on ``field``; the record rules
        apply too."""
        partner = request.env.user.partner_id
        return [(field, "child_of", [partner.commercial_partner_id.id])]

    def _portal_customer_contact(self, commercial_partner):
        """The logged-in user's partner when it belongs to the customer
        ``commercial_partner``, else an empty partner (the public user, an
        internal user, another customer's portal user)."""
        partner = request.env.user.partner_id
        if (
            not request.env.user._is_public()
            and commercial_partner
            and partner.commercial_partner_id
            == commercial_partner.commercial_partner_id
        ):
            return partner
        return request.env["res.partner"]

    # ------------------------------------------------------------------
    # My home
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        for counter, (model, get_domain) in self._portal_get_counters().items():
            if counter in counters:
                values[counter] = self._portal_count(model, get_domain())
        return values

    def _portal_get_counters(self):
        """The counters of the addon's lists on the portal home page.

        :return: dict {counter: (model name, function returning its domain)};
            extend it with ``super()``
        """
        return {"dispute_count": ("invoice.dispute", self._get_disputes_domain)}

    def _portal_count(self, model, domain):
        """How many records of ``model`` in ``domain`` the portal user
        reads: 0 without read access (the page shows none instead of
        failing)."""
        Model = request.env[model]
        return Model.search_count(domain) if Model.has_access("read") else 0

    def _portal_list(self, model, domain, url, page, order=None, url_args=None):
        """One page of a portal list: the records of ``model`` in ``domain``
        the portal user reads (none without read access), and the pager.

        :return: (records, pager)
        """
        Model = request.env[model]
        pager = portal_pager(
            url=url,
            url_args=url_args,
            total=self._portal_count(model, domain),
            page=page,
            step=self._items_per_page,
        )
        records = (
            Model.search(
                domain, order=order, limit=self._items_per_page, offset=pager["offset"]
            )
            if Model.has_access("read")
            else Model
        )
        return records, pager

    def _get_disputes_domain(self):
        return self._portal_customer_domain()

    def _get_dispute_searchbar_sortings(self):
        return {
            "date": {
                "label": request.env._("Newest"),
                "order": "date_received desc, id desc",
            },
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, id desc"},
        }

    def _get_dispute_searchbar_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("Open"),
                "domain": [("state", "in", OPEN_STATES)],
            },
            "closed": {
                "label": request.env._("Closed"),
                "domain": [("state", "not in", OPEN_STATES)],
            },
        }

    # ------------------------------------------------------------------
    # My disputes
    # ------------------------------------------------------------------
    @http.route(
        ["/my/disputes", "/my/disputes/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_disputes(self, page=1, sortby=None, filterby=None, **kw):
        values = self._prepare_portal_layout_values()
        sortings = self._get_dispute_searchbar_sortings()
        filters = self._get_dispute_searchbar_filters()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = self._get_disputes_domain() + filters[filterby]["domain"]
        disputes, pager = self._portal_list(
            "invoice.dispute",
            domain,
            "/my/disputes",
            page,
            order=sortings[sortby]["order"],
            url_args={"sortby": sortby, "filterby": filterby},
        )
        request.session["my_disputes_history"] = disputes.ids[:100]
        values.update(
            {
                # Read through the record rules above, displayed with sudo as
                # Odoo's portal does (related invoices, currencies, reasons).
                "disputes": disputes.sudo(),
                "page_name": "dispute",
                "pager": pager,
                "default_url": "/my/disputes",
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("invoice_dispute.portal_my_disputes", values)

    @http.route(
        ["/my/disputes/<int:dispute_id>"], type="http", auth="public", website=True
    )
    def portal_my_dispute(self, dispute_id, access_token=None, **kw):
        dispute_sudo = self._portal_check_document(
            "invoice.dispute", dispute_id, access_token, raise_=False
        )
        if dispute_sudo is None:
            return request.redirect("/my")
        values = self._dispute_get_page_view_values(dispute_sudo, access_token, **kw)
        return request.render("invoice_dispute.portal_my_dispute", values)

    def _dispute_get_page_view_values(self, dispute, access_token, **kwargs):
        """Values of the dispute page; ``dispute`` is sudoed by the caller
        after the access check, so are the records derived from it."""
        values = {
            "dispute": dispute,
            # the proposals, plans and promises the customer sees
            **dispute._portal_get_arrangements(),
            "page_name": "dispute",
            "message": kwargs.get("message"),
            "error_message": kwargs.get("error_message"),
            "today": fields.Date.context_today(dispute),
        }
        return self._get_page_view_values(
            dispute, access_token, values, "my_disputes_history", False, **kwargs
        )

    # ------------------------------------------------------------------
    # Proposals: accept / decline
    # ------------------------------------------------------------------
    @http.route(
        [
            "/my/disputes/<int:dispute_id>/proposal/<int:proposal_id>/"
            + "<any(accept,decline):decision>"
        ],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_dispute_proposal_answer(
        self, dispute_id, proposal_id, decision, access_token=None, **kw
    ):
        """The customer accepts or declines (``decision``) a proposal of
        their dispute; the proposal's rules
        (``invoice.dispute.proposal._portal_check_answerable``) decide
        whether it can still be answered."""
        accept = decision == "accept"
        dispute_sudo = self._portal_check_document(
            "invoice.dispute", dispute_id, access_token, raise_=False
        )
        if dispute_sudo is None:
            return request.redirect("/my")
        proposal_sudo = (
            request.env["invoice.dispute.proposal"].sudo().browse(proposal_id).exists()
        )
        if (
            not proposal_sudo
            or proposal_sudo.dispute_id != dispute_sudo
            or proposal_sudo.partner_id.commercial_partner_id
            != dispute_sudo.partner_id.commercial_partner_id
        ):
            return request.redirect("/my")
        try:
            # The savepoint leaves nothing half-written if applying the
            # proposal is refused.
            with request.env.cr.savepoint():
                author, who = self._portal_get_answerer(dispute_sudo)
                proposal_sudo._portal_answer(
                    accept, author, who, request.httprequest.remote_addr or "?"
                )
        except (UserError, ValidationError) as exc:
            values = self._dispute_get_page_view_values(
                dispute_sudo, access_token, error_message=exc.args[0]
            )
            return request.render("invoice_dispute.portal_my_dispute", values)
        message = "proposal_accepted" if accept else "proposal_declined"
        return request.redirect(
            dispute_sudo.get_portal_url(query_string=f"&message={message}")
        )

    def _portal_get_answerer(self, dispute_sudo):
        """Who answers a proposal of ``dispute_sudo``: the logged-in user,
        or the dispute's contact through the link sent by email.

        :return: (res.partner the answer is traced in the name of, str the
            trace names them by)
        """
        user = request.env.user
        if user._is_public():
            author = dispute_sudo.contact_id or dispute_sudo.partner_id
            return author, request.env._(
                "%(contact)s (through the link sent by email)", contact=author.name
            )
        return user.partner_id, f"{user.partner_id.name} ({user.login})"

    # ------------------------------------------------------------------
    # "Dispute this invoice" on the portal invoice page
    # ------------------------------------------------------------------
    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        values.update(self._invoice_dispute_form_values(invoice))
        return values

    def _invoice_dispute_form_values(self, invoice_sudo, post=None, errors=None):
        open_dispute = invoice_sudo.sudo()._invoice_dispute_get_open_dispute()[:1]
        can_dispute = bool(
            self._portal_customer_contact(invoice_sudo.commercial_partner_id)
            and request.env["invoice.dispute"]._portal_can_dispute(invoice_sudo)
        )
        post = post or {}
        return {
            "dispute_can_create": can_dispute,
            "dispute_open": open_dispute,
            "dispute_reasons": self._get_portal_dispute_reasons(invoice_sudo)
            if can_dispute
            else request.env["invoice.dispute.reason"],
            "dispute_errors": errors or {},
            "dispute_post": {
                "reason_id": post.get("reason_id", ""),
                "customer_statement": post.get("customer_statement", ""),
                "disputed_amount": post.get(
                    "disputed_amount",
                    self._format_amount_input(
                        invoice_sudo.amount_residual, invoice_sudo.currency_id
                    ),
                ),
            },
        }

    def _get_portal_dispute_reasons(self, invoice_sudo):
        return request.env["invoice.dispute"]._portal_get_reasons(invoice_sudo)

    @http.route(
        ["/my/invoices/<int:invoice_id>/dispute"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_invoice_dispute(self, invoice_id, access_token=None, **post):
        invoice_sudo = self._portal_check_document(
            "account.move", invoice_id, access_token, raise_=False
        )
        if invoice_sudo is None:
            return request.redirect("/my")
        errors, vals = self._invoice_dispute_validate(invoice_sudo, post)
        if not errors:
            try:
                with request.env.cr.savepoint():
                    dispute_sudo = self._invoice_dispute_create(invoice_sudo, vals)
            except (UserError, ValidationError) as exc:
                errors = {"general": exc.args[0]}
        if errors:
            values = self._invoice_get_page_view_values(invoice_sudo, access_token)
            values.update(self._invoice_dispute_form_values(invoice_sudo, post, errors))
            return request.render("account.portal_invoice_page", values)
        return request.redirect(
            dispute_sudo.get_portal_url(query_string="&message=dispute_created")
        )

    def _invoice_dispute_validate(self, invoice_sudo, post):
        """Read the portal form and ask the model what its rules refuse
        (``invoice.dispute._portal_get_dispute_errors``).

        :return: (errors, values) -- errors maps a form field (or ``general``)
            to a message for the customer; values are the parsed values."""
        parse_errors = {}
        try:
            amount = self._portal_parse_amount(
                post.get("disputed_amount"), invoice_sudo
            )
        except ValidationError as exc:
            amount, parse_errors["disputed_amount"] = None, exc.args[0]
        try:
            files = self._portal_read_files()
        except ValidationError as exc:
            files, parse_errors["attachments"] = [], exc.args[0]
        vals = {
            "reason": self._portal_parse_reason(post),
            "statement": post.get("customer_statement") or "",
            "amount": amount,
            "files": files,
        }
        errors = request.env["invoice.dispute"]._portal_get_dispute_errors(
            invoice_sudo,
            vals["reason"],
            vals["statement"],
            amount,
            self._portal_customer_contact(invoice_sudo.commercial_partner_id),
        )
        if "general" not in errors:
            errors.update(parse_errors)
        return errors, vals

    # ------------------------------------------------------------------
    # Reading the portal forms (the rules are the models')
    # ------------------------------------------------------------------
    def _portal_parse_amount(self, raw, move):
        """The amount typed in a portal form, for invoice ``move``, in the
        page's language (``account.move._portal_parse_amount``).

        :return: float, as typed (the models round and check it)
        :raise ValidationError: not a number, or one that reads two ways
        """
        return (move or request.env["account.move"])._portal_parse_amount(raw)

    def _portal_parse_reason(self, post):
        """The dispute reason chosen in a portal form (sudo; the model checks
        that it may be chosen), or an empty one."""
        reason = request.env["invoice.dispute.reason"]
        reason_id = post.get("reason_id") or ""
        if reason_id.isdigit():
            reason = reason.sudo().browse(int(reason_id)).exists()
        return reason

    def _portal_read_files(self):
        """The files uploaded in a portal form's ``attachments`` field.

        :return: list of (name, content) pairs
        :raise ValidationError: too many files or one too large
        """
        env = request.env
        files = [
            file
            for file in request.httprequest.files.getlist("attachments")
            if file.filename
        ]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                env._("You can attach at most %(max)s files.", max=MAX_ATTACHMENTS)
            )
        file_data = []
        for file in files:
            data = file.read(MAX_ATTACHMENT_SIZE + 1)
            if len(data) > MAX_ATTACHMENT_SIZE:
                raise ValidationError(
                    env._(
                        "%(file)s is too large: attach files of at most %(max)s MB.",
                        file=file.filename,
                        max=MAX_ATTACHMENT_SIZE // (1024 * 1024),
                    )
                )
            file_data.append((file.filename, data))
        return file_data

    @staticmethod
    def _format_amount_input(amount, currency):
        """The amount as a plain number for an <input type="number">."""
        return f"{amount:.{currency.decimal_places}f}"

    def _invoice_dispute_create(self, invoice_sudo, vals):
        """Create the dispute the customer asked for on the invoice page
        (``invoice.dispute._portal_create_dispute`` checks the rules again).

        :return: the invoice.dispute created (sudo)
        :raise ValidationError: refused by the model
        """
        return request.env["invoice.dispute"]._portal_create_dispute(
            invoice_sudo,
            vals["reason"],
            vals["statement"],
            vals["amount"],
            self._portal_customer_contact(invoice_sudo.commercial_partner_id),
            vals["files"],
        )
