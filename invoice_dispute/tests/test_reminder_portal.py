import re
from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, tagged

from ..models.constants import SENT_NOTICE_STATES
from .test_dispute_portal import CSRF_RE
from .test_reminder_self_service import SelfServiceCommon


@tagged("post_install", "-at_install")
class TestReminderPortal(SelfServiceCommon, HttpCase):
    """The reminder page over HTTP: without login (the access token), as
    portal users of two customers, and what the forms accept."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_a.email = "partner_a@example.com"
        cls.other_notice = cls.create_notice(cls.partner_a, cls.other_invoice)
        cls.portal_anne = cls.create_portal_user("anne_reminders", cls.customer_contact)
        cls.portal_other = cls.create_portal_user("other_reminders", cls.partner_a)

    @classmethod
    def enable_payment_provider(cls, **values):
        """A payment provider offered online for the invoices' company, set
        up as Odoo's payment tests do (``payment.tests.common``): no
        provider module needed."""
        method = cls.env.ref("payment.payment_method_unknown")
        provider = cls.env["payment.provider"].create(
            {
                "name": "Test Provider",
                "code": "none",
                "state": "test",
                "is_published": True,
                "company_id": cls.invoice_1.company_id.id,
                "payment_method_ids": [Command.set(method.ids)],
                **values,
            }
        )
        # a payment method is activated once a provider supports it
        method.active = True
        return provider

    def invoice_row(self, response, move):
        return re.search(
            rf'data-move-id="{move.id}".*?</tr>', response.text, re.DOTALL
        ).group(0)

    def login(self, user):
        self.authenticate(user.login, f"{user.login}-Secret-123")

    def page_url(self, notice, token=None):
        token = notice._portal_ensure_token() if token is None else token
        return f"/my/reminders/{notice.id}?access_token={token}"

    def open_page(self, url):
        # the request reads the database: what the test wrote, flushed
        self.env.flush_all()
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return response

    def post_form(self, notice, form, data, token=None, csrf=True, files=None):
        """POST one form of ``notice``'s page as the page does."""
        page = self.open_page(self.page_url(notice, token))
        values = {"access_token": token or notice.access_token, **data}
        if csrf:
            values["csrf_token"] = CSRF_RE.search(page.text).group(1)
        return self.url_open(
            f"/my/reminders/{notice.id}/{form}",
            data=values,
            files=files,
            allow_redirects=False,
        )

    # ------------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------------
    def test_token_opens_the_notice_without_login(self):
        self.enable_payment_provider()
        self.authenticate(None, None)
        self.invoice_1.invalidate_recordset()
        response = self.open_page(self.page_url(self.notice))
        for text in (
            self.notice.name,
            self.invoice_1.name,
            self.invoice_2.name,
            "Pay now",
            "Promise to pay",
            "Request a payment plan",
            "Already paid",
            # the invoice's own portal page, with its own token: Odoo's
            # payment flow (account_payment)
            f"/my/invoices/{self.invoice_1.id}?access_token=",
        ):
            self.assertIn(text, response.text)
        self.assertNotIn(self.other_invoice.name, response.text)
        # the amount open now, not when the reminder was written
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice_2.ids
        ).create({"amount": 200.0})._create_payments()
        response = self.open_page(self.page_url(self.notice))
        row = re.search(
            rf'data-move-id="{self.invoice_2.id}".*?</tr>', response.text, re.DOTALL
        ).group(0)
        self.assertIn("300.00", row)
        self.assertIn("1,300.00", response.text)  # net balance

    def test_token_opens_nothing_else(self):
        self.authenticate(None, None)
        token = self.notice._portal_ensure_token()
        self.other_notice._portal_ensure_token()
        cases = [
            (f"/my/reminders/{self.notice.id}", (403,)),
            (self.page_url(self.notice, "wrong-token"), (403,)),
            # this notice's token on another customer's notice
            (self.page_url(self.other_notice, token), (403,)),
            # nor on an invoice or a dispute
            (f"/my/invoices/{self.invoice_1.id}?access_token={token}", (303, 403)),
            (f"/my/reminders/{self.notice.id + 1000}?access_token={token}", (404,)),
            ("/my/reminders", (303,)),
        ]
        for url, statuses in cases:
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, statuses)
                self.assertNotIn(self.invoice_1.name, response.text)
        # an old token: the link stops working once the token is renewed
        self.notice.access_token = False
        self.notice._portal_ensure_token()
        response = self.url_open(self.page_url(self.notice, token))
        self.assertEqual(response.status_code, 403)
        # a withdrawn reminder is not shown, even with its token
        self.other_notice.state = "withdrawn"
        response = self.url_open(self.page_url(self.other_notice))
        self.assertEqual(response.status_code, 404)

    def test_portal_users_see_their_own(self):
        self.login(self.portal_anne)
        response = self.open_page("/my/reminders")
        self.assertIn(self.notice.name, response.text)
        self.assertNotIn(self.other_notice.name, response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["reminder_count"]}
        )
        self.assertEqual(counters["reminder_count"], 1)
        self.open_page(f"/my/reminders/{self.notice.id}")
        response = self.url_open(
            f"/my/reminders/{self.other_notice.id}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(self.other_invoice.name, response.text)

        self.login(self.portal_other)
        response = self.open_page("/my/reminders")
        self.assertIn(self.other_notice.name, response.text)
        self.assertNotIn(self.notice.name, response.text)
        response = self.url_open(
            f"/my/reminders/{self.notice.id}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 403)

    def test_portal_states_match_the_record_rule(self):
        """The states the token page shows (``SENT_NOTICE_STATES``) are
        those the portal record rule lets a logged-in customer read."""
        Notice = self.env["invoice.reminder.notice"]
        states = [key for key, __ in Notice._fields["state"].selection]
        notices = Notice.concat(
            *(
                self.create_notice(
                    self.customer, self.create_invoice(self.customer, 10.0), state
                )
                for state in states
            )
        )
        self.assertEqual(notices.mapped("state"), states)
        readable = Notice.with_user(self.portal_anne).search(
            [("id", "in", notices.ids)]
        )
        self.assertEqual(set(readable.mapped("state")), set(SENT_NOTICE_STATES))

    # ------------------------------------------------------------------
    # Forms
    # ------------------------------------------------------------------
    def test_promise_without_login(self):
        self.authenticate(None, None)
        date = self.today + timedelta(days=10)
        response = self.post_form(
            self.notice,
            "promise",
            {
                "move_id": self.invoice_1.id,
                "amount": "400",
                "date_promised": date.isoformat(),
            },
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=promise_recorded", response.headers["Location"])
        promise = self.invoice_1.payment_promise_ids
        self.assertRecordValues(
            promise,
            [{"amount": 400.0, "date_promised": date, "source": "portal"}],
        )
        # the reminder's recipient made it
        self.assertEqual(self.notice.message_ids[0].author_id, self.customer)
        response = self.open_page(
            self.page_url(self.notice) + "&message=promise_recorded"
        )
        self.assertIn('id="o_reminder_message"', response.text)
        self.assertIn("o_reminder_promise", response.text)

    def test_promise_amount_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.portal_anne.lang = "nl_NL"
        self.login(self.portal_anne)
        date = self.today + timedelta(days=10)
        response = self.post_form(
            self.notice,
            "promise",
            {
                "move_id": self.invoice_1.id,
                "amount": "1.000,00",
                "date_promised": date.isoformat(),
            },
        )
        self.assertEqual(response.status_code, 303)
        self.assertRecordValues(
            self.invoice_1.payment_promise_ids,
            [{"amount": 1000.0, "date_promised": date, "source": "portal"}],
        )

    def paid_data(self, **values):
        """The *Already paid* form filled for ``invoice_2``: 500 paid today."""
        return {
            "move_id": self.invoice_2.id,
            "amount": "500",
            "date_paid": self.today.isoformat(),
            **values,
        }

    def test_forms_need_csrf(self):
        self.authenticate(None, None)
        before = self.counts()
        response = self.post_form(
            self.notice,
            "paid",
            self.paid_data(),
            csrf=False,
        )
        self.assertIn(response.status_code, (400, 403))
        self.assertEqual(self.counts(), before)

    def test_invalid_input_shows_the_message_and_writes_nothing(self):
        self.login(self.portal_anne)
        before = self.counts()
        too_far = (self.today + timedelta(days=31)).isoformat()
        cases = [
            (
                "promise",
                {
                    "move_id": self.invoice_1.id,
                    "amount": "abc",
                    "date_promised": too_far,
                },
                "Enter the amount as a number",
            ),
            (
                "promise",
                {
                    "move_id": self.invoice_1.id,
                    "amount": "10",
                    "date_promised": too_far,
                },
                "too far ahead",
            ),
            (
                "promise",
                {
                    "move_id": self.invoice_1.id,
                    "amount": "1000.01",
                    "date_promised": self.today.isoformat(),
                },
                "more than what is open",
            ),
            (
                "promise",
                {"move_id": self.invoice_1.id, "amount": "10", "date_promised": "x"},
                "Enter a date",
            ),
            (
                "plan",
                {
                    "move_id": self.invoice_1.id,
                    "installment_count": "12",
                    "date_first": self.today.isoformat(),
                },
                "between 2 and 6 installments",
            ),
            (
                "paid",
                {
                    "move_id": self.invoice_2.id,
                    "amount": "500",
                    "date_paid": (self.today + timedelta(days=1)).isoformat(),
                },
                "in the future",
            ),
            # another customer's invoice through this notice
            (
                "promise",
                {
                    "move_id": self.other_invoice.id,
                    "amount": "10",
                    "date_promised": self.today.isoformat(),
                },
                "one of the invoices of this reminder",
            ),
        ]
        for form, data, message in cases:
            with self.subTest(form=form, message=message):
                response = self.post_form(self.notice, form, data)
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_reminder_form_error", response.text)
                self.assertIn(message, response.text)
        self.assertEqual(self.counts(), before)
        # another customer's notice through its own URL: refused
        page = self.open_page(f"/my/reminders/{self.notice.id}")
        response = self.url_open(
            f"/my/reminders/{self.other_notice.id}/promise",
            data={
                "csrf_token": CSRF_RE.search(page.text).group(1),
                "move_id": self.other_invoice.id,
                "amount": "10",
                "date_promised": self.today.isoformat(),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.counts(), before)

    def test_text_is_escaped(self):
        self.login(self.portal_anne)
        response = self.post_form(
            self.notice,
            "paid",
            self.paid_data(reference="<script>alert('owned')</script>"),
        )
        self.assertEqual(response.status_code, 303)
        claim = self.invoice_2.payment_claim_ids
        self.assertEqual(claim.reference, "<script>alert('owned')</script>")
        self.assertEqual(claim.contact_id, self.customer_contact)
        response = self.open_page(f"/my/reminders/{self.notice.id}")
        self.assertIn("&lt;script&gt;alert(", response.text)
        self.assertNotIn("<script>alert(", response.text)
        # an invalid form shows the input back, escaped too
        response = self.post_form(
            self.notice,
            "paid",
            {
                "move_id": self.invoice_1.id,
                "amount": "0",
                "date_paid": self.today.isoformat(),
                "reference": '"><script>alert(1)</script>',
            },
        )
        self.assertIn("greater than zero", response.text)
        self.assertNotIn("<script>alert(1)", response.text)

    # ------------------------------------------------------------------
    # Dispute from the reminder page (no login needed)
    # ------------------------------------------------------------------
    def dispute_data(self, move=None, **values):
        return {
            "move_id": (move or self.invoice_1).id,
            "reason_id": str(self.reason_price.id),
            "disputed_amount": "250",
            "customer_statement": "The price is not what was quoted.",
            **values,
        }

    def disputes(self):
        return self.env["invoice.dispute"].search(
            [("partner_id", "in", (self.customer | self.partner_a).ids)]
        )

    def test_dispute_without_login(self):
        self.authenticate(None, None)
        before = self.disputes()
        response = self.open_page(self.page_url(self.notice))
        self.assertIn("o_reminder_form_dispute", response.text)
        response = self.post_form(
            self.notice,
            "dispute",
            self.dispute_data(customer_statement="<b>Wrong</b> price & <script>x"),
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=dispute_created", response.headers["Location"])
        dispute = self.disputes() - before
        self.assertRecordValues(
            dispute,
            [
                {
                    "partner_id": self.customer.id,
                    # the reminder's recipient raised it
                    "contact_id": self.customer.id,
                    "channel": "portal",
                    "reason_id": self.reason_price.id,
                    # the responsible as for the invoice page's disputes
                    "user_id": self.collector.id,
                    "amount_disputed": 250.0,
                }
            ],
        )
        self.assertEqual(dispute.line_ids.move_id, self.invoice_1)
        # the customer's text is stored escaped
        self.assertIn("&lt;b&gt;Wrong&lt;/b&gt;", str(dispute.customer_statement))
        self.assertNotIn("<script>", str(dispute.customer_statement))
        self.assertIn(self.collector.partner_id, dispute.message_partner_ids)
        self.assertEqual(dispute.activity_ids.user_id, self.collector)
        self.assertIn(dispute.name, self.notice.message_ids[0].body)
        # acknowledged by email to the customer
        self.assertTrue(
            dispute.message_ids.filtered(
                lambda m: (
                    self.customer in m.partner_ids
                    or m.mail_ids.recipient_ids & self.customer
                )
            )
        )
        # a second dispute on the same invoice: the form is gone, a POST refused
        response = self.open_page(self.page_url(self.notice))
        self.assertNotIn(f'id="o_reminder_dispute_{self.invoice_1.id}"', response.text)
        self.assertIn(f'id="o_reminder_dispute_{self.invoice_2.id}"', response.text)
        response = self.post_form(self.notice, "dispute", self.dispute_data())
        self.assertEqual(response.status_code, 200)
        self.assertIn("already has an open dispute", response.text)
        self.assertEqual(self.disputes() - before, dispute)

    def test_dispute_with_attachments(self):
        """The reminder page's dispute form takes documents as the invoice
        page's does (``invoice.dispute._portal_create_dispute``): kept on
        the dispute with the customer's words; too many are refused with
        nothing written."""
        self.authenticate(None, None)
        before = self.disputes()
        response = self.open_page(self.page_url(self.notice))
        self.assertIn(f'id="o_dispute_attachments_{self.invoice_1.id}"', response.text)
        self.assertIn('enctype="multipart/form-data"', response.text)
        response = self.post_form(
            self.notice,
            "dispute",
            self.dispute_data(),
            files=[("attachments", ("x.txt", b"x", "text/plain"))] * 11,
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("at most 10 files", response.text)
        self.assertEqual(self.disputes(), before)
        response = self.post_form(
            self.notice,
            "dispute",
            self.dispute_data(),
            files=[
                ("attachments", ("order.pdf", b"%PDF-1.4 order", "application/pdf"))
            ],
        )
        self.assertEqual(response.status_code, 303)
        dispute = self.disputes() - before
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "invoice.dispute"), ("res_id", "=", dispute.id)]
        )
        self.assertEqual(attachment.name, "order.pdf")
        self.assertEqual(attachment.raw, b"%PDF-1.4 order")
        statement = dispute.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertEqual(statement.attachment_ids, attachment)
        self.assertEqual(statement.author_id, self.customer)

    def test_dispute_wrong_token_or_other_customer_refused(self):
        self.authenticate(None, None)
        before = self.disputes()
        token = self.notice._portal_ensure_token()
        self.other_notice._portal_ensure_token()
        page = self.open_page(self.page_url(self.notice))
        csrf = CSRF_RE.search(page.text).group(1)
        cases = [
            # wrong token
            (self.notice, "wrong-token", self.invoice_1, (403,)),
            # this notice's token on another customer's notice
            (self.other_notice, token, self.other_invoice, (403,)),
            # no such notice
            (self.notice.browse(self.notice.id + 1000), token, self.invoice_1, (404,)),
        ]
        for notice, used_token, move, statuses in cases:
            with self.subTest(notice=notice.id, token=used_token):
                response = self.url_open(
                    f"/my/reminders/{notice.id}/dispute",
                    data={
                        "csrf_token": csrf,
                        "access_token": used_token,
                        **self.dispute_data(move),
                    },
                    allow_redirects=False,
                )
                self.assertIn(response.status_code, statuses)
        # another customer's invoice through this notice and its right token
        response = self.post_form(
            self.notice, "dispute", self.dispute_data(self.other_invoice)
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("one of the invoices of this reminder", response.text)
        self.assertNotIn(self.other_invoice.name, response.text)
        # without CSRF token
        response = self.post_form(
            self.notice, "dispute", self.dispute_data(), csrf=False
        )
        self.assertIn(response.status_code, (400, 403))
        self.assertEqual(self.disputes(), before)

    def test_dispute_bad_input_writes_nothing(self):
        self.authenticate(None, None)
        before = self.disputes()
        notice_messages = len(self.notice.message_ids)
        cases = [
            ({"reason_id": ""}, "Choose the reason of your dispute"),
            # a reason of no company of the invoice's: not offered, refused
            ({"reason_id": "999999"}, "Choose the reason of your dispute"),
            ({"customer_statement": "   "}, "Describe in your own words"),
            ({"customer_statement": "x" * 10001}, "too long"),
            ({"disputed_amount": "abc"}, "Enter the amount as a number"),
            ({"disputed_amount": "0"}, "greater than zero"),
            ({"disputed_amount": "1000.01"}, "exceeds what is still open"),
        ]
        for values, message in cases:
            with self.subTest(message=message):
                response = self.post_form(
                    self.notice, "dispute", self.dispute_data(**values)
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_reminder_form_error", response.text)
                self.assertIn(message, response.text)
        self.assertEqual(self.disputes(), before)
        self.notice.invalidate_recordset()
        self.assertEqual(len(self.notice.message_ids), notice_messages)

    def test_dispute_acknowledgement_has_a_sender(self):
        """The acknowledgement of a dispute raised from the reminder page
        leaves with the collector's or the company's address, whoever raised
        it: the public user (token) and a portal user have none to lend."""
        self.env.company.email = "ar@company.example.com"
        for user, move in ((None, self.invoice_1), (self.portal_anne, self.invoice_2)):
            with self.subTest(user=user and user.login):
                if user:
                    self.login(user)
                else:
                    self.authenticate(None, None)
                before = self.disputes()
                response = self.post_form(
                    self.notice, "dispute", self.dispute_data(move=move)
                )
                self.assertEqual(response.status_code, 303)
                dispute = self.disputes() - before
                mails = self.env["mail.mail"].search(
                    [("model", "=", "invoice.dispute"), ("res_id", "=", dispute.id)]
                )
                self.assertTrue(mails)
                for mail in mails:
                    self.assertTrue(mail.email_from, mail.subject)
                self.assertIn(
                    self.customer,
                    mails.recipient_ids | mails.partner_ids,
                )

    def test_list_shows_what_the_notice_lists(self):
        """/my/reminders shows the notice's total open (the email's figure),
        not the customer's net balance with other invoices."""
        self.notice.write({"amount_open": 1500.0, "amount_net": 2345.67})
        self.login(self.portal_anne)
        response = self.open_page("/my/reminders")
        row = re.search(
            rf'data-notice-id="{self.notice.id}".*?</tr>', response.text, re.DOTALL
        ).group(0)
        self.assertIn("1,500.00", row)
        self.assertNotIn("2,345.67", row)
        self.assertIn("Total open", response.text)

    def test_buttons_only_for_answers_accepted(self):
        """An invoice promised or in a plan shows its status, not the forms
        that would be refused."""
        self.enable_payment_provider()
        self.notice._portal_promise(self.invoice_1, 100.0, self.today, self.author)
        self.authenticate(None, None)
        response = self.open_page(self.page_url(self.notice))
        row = re.search(
            rf'data-move-id="{self.invoice_1.id}".*?</tr>', response.text, re.DOTALL
        ).group(0)
        self.assertIn("Promise to pay", row)  # the status
        self.assertNotIn("o_reminder_promise_btn", row)
        self.assertNotIn("o_reminder_plan_btn", row)
        self.assertIn("o_reminder_pay", row)
        self.assertNotIn(f'id="o_reminder_promise_{self.invoice_1.id}"', response.text)
        self.assertNotIn(f'id="o_reminder_plan_{self.invoice_1.id}"', response.text)
        self.assertIn(f'id="o_reminder_promise_{self.invoice_2.id}"', response.text)
        row = re.search(
            rf'data-move-id="{self.invoice_2.id}".*?</tr>', response.text, re.DOTALL
        ).group(0)
        self.assertIn("o_reminder_plan_btn", row)

    def test_pay_now_only_with_a_payment_provider(self):
        """*Pay now* leads to Odoo's payment flow: shown only when a payment
        provider is available for the invoice; without one, the page says
        how to pay by bank transfer."""
        enabled = self.env["payment.provider"].search([("state", "!=", "disabled")])
        enabled.write({"state": "disabled"})
        self.authenticate(None, None)
        response = self.open_page(self.page_url(self.notice))
        self.assertNotIn("o_reminder_pay", response.text)
        row = self.invoice_row(response, self.invoice_1)
        self.assertIn("o_reminder_transfer", row)
        reference = self.invoice_1.payment_reference or self.invoice_1.name
        self.assertIn(f'o_reminder_transfer_reference">{reference}<', row)
        self.assertNotIn("o_reminder_transfer_account", row)
        # the company's bank account, once it has one
        self.env["res.partner.bank"].create(
            {
                "acc_number": "NL91ABNA0417164300",
                "partner_id": self.invoice_1.company_id.partner_id.id,
            }
        )
        response = self.open_page(self.page_url(self.notice))
        row = self.invoice_row(response, self.invoice_1)
        self.assertIn("NL91ABNA0417164300", row)
        self.assertNotIn("o_reminder_pay", row)

        self.enable_payment_provider()
        for user in (None, self.portal_anne):
            with self.subTest(user=user and user.login):
                if user:
                    self.login(user)
                response = self.open_page(self.page_url(self.notice))
                row = self.invoice_row(response, self.invoice_1)
                self.assertIn("o_reminder_pay", row)
                self.assertIn(f"/my/invoices/{self.invoice_1.id}?access_token=", row)
                self.assertNotIn("o_reminder_transfer", row)

    def test_pay_now_follows_the_providers_rules(self):
        """A provider the invoice's payment page would not offer (not
        published, another currency or country, disabled) or online payment
        of invoices switched off: no *Pay now*."""
        self.customer.country_id = self.env.ref("base.be")
        other_currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", self.invoice_1.currency_id.id)], limit=1)
        )
        provider = self.enable_payment_provider()
        self.authenticate(None, None)
        response = self.open_page(self.page_url(self.notice))
        self.assertIn("o_reminder_pay", self.invoice_row(response, self.invoice_1))
        france = self.env.ref("base.fr")
        # (what is changed, what puts it back)
        cases = [
            ({"is_published": False}, {"is_published": True}),
            (
                {"available_currency_ids": [Command.set(other_currency.ids)]},
                {"available_currency_ids": [Command.clear()]},
            ),
            (
                {"available_country_ids": [Command.set(france.ids)]},
                {"available_country_ids": [Command.clear()]},
            ),
        ]
        for values, restore in cases:
            with self.subTest(values=values):
                provider.write(values)
                response = self.open_page(self.page_url(self.notice))
                row = self.invoice_row(response, self.invoice_1)
                self.assertNotIn("o_reminder_pay", row)
                self.assertIn("o_reminder_transfer", row)
                provider.write(restore)
        # online payment of invoices switched off (account_payment's setting)
        config = self.env["ir.config_parameter"].sudo()
        config.set_param("account_payment.enable_portal_payment", "False")
        response = self.open_page(self.page_url(self.notice))
        self.assertNotIn("o_reminder_pay", self.invoice_row(response, self.invoice_1))
        config.set_param("account_payment.enable_portal_payment", "True")
        response = self.open_page(self.page_url(self.notice))
        self.assertIn("o_reminder_pay", self.invoice_row(response, self.invoice_1))
        # the provider disabled (last: Odoo then archives its payment method)
        provider.state = "disabled"
        response = self.open_page(self.page_url(self.notice))
        row = self.invoice_row(response, self.invoice_1)
        self.assertNotIn("o_reminder_pay", row)
        self.assertIn("o_reminder_transfer", row)

    def test_question_in_the_chatter_reaches_the_collector(self):
        """A question typed in the page's chatter, without login (token) or
        as a portal user, gives the customer's collector an activity."""
        for user in (None, self.portal_anne):
            with self.subTest(user=user and user.login):
                if user:
                    self.login(user)
                else:
                    self.authenticate(None, None)
                before = self.notice.activity_ids
                self.make_jsonrpc_request(
                    "/mail/message/post",
                    {
                        "thread_model": "invoice.reminder.notice",
                        "thread_id": self.notice.id,
                        "post_data": {
                            "body": "Could you send us the delivery note?",
                            "message_type": "comment",
                            # as the portal's composer sends it
                            "subtype_xmlid": "mail.mt_comment",
                        },
                        "token": self.notice.access_token,
                    },
                )
                activity = self.notice.activity_ids - before
                self.assertEqual(len(activity), 1)
                self.assertEqual(activity.user_id, self.collector)
                # assigned by the system, not the visitor: the public user's
                # partner has no email address, the collector's notification
                # of the activity would not leave
                self.assertFalse(activity.create_uid.share)
                self.assertTrue(activity.create_uid.partner_id.email)
