from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import COLLECTOR_GROUPS, InvoiceDisputeCommon, load_migration


class SelfServiceCommon(InvoiceDisputeCommon):
    """A reminder notice sent to ``customer`` about ``invoice_1`` and
    ``invoice_2`` (the common setup's, due today), its collector, and the
    company's self-service limits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls.create_user(
            "self_service_collector", COLLECTOR_GROUPS, name="Sam Collector"
        )
        cls.customer.collector_id = cls.collector
        cls.env.company.write(
            {
                "promise_max_days": 30,
                "plan_max_installments": 6,
                "plan_auto_approve_amount": 1000.0,
                "paid_claim_block_days": 10,
            }
        )
        cls.today = fields.Date.context_today(cls.env.user)
        cls.notice = cls.create_notice(cls.customer, cls.invoice_1 | cls.invoice_2)
        cls.author = cls.customer_contact

    @classmethod
    def create_notice(cls, partner, moves, state="sent"):
        """A reminder notice of ``moves`` as the reminder engine writes it."""
        return cls.env["invoice.reminder.notice"].create(
            {
                "name": f"REM/TEST/{partner.id}-{moves[:1].id}",
                "partner_id": partner.commercial_partner_id.id,
                "recipient_id": partner.id,
                "company_id": moves.company_id.id,
                "currency_id": moves.currency_id.id,
                "level": 2,
                "date": cls.today if hasattr(cls, "today") else fields.Date.today(),
                "move_ids": [Command.set(moves.ids)],
                "amount_open": sum(moves.mapped("amount_residual")),
                "amount_due": sum(moves.mapped("amount_residual")),
                "amount_net": sum(moves.mapped("amount_residual")),
                "state": state,
            }
        )

    def counts(self):
        """How many promises, plans and reported payments exist: what a
        refused answer must leave unchanged."""
        return (
            self.env["invoice.payment.promise"].search_count([]),
            self.env["invoice.payment.plan"].search_count([]),
            self.env["invoice.payment.claim"].search_count([]),
        )


@tagged("post_install", "-at_install")
class TestReminderSelfService(SelfServiceCommon):
    # ------------------------------------------------------------------
    # Promise to pay
    # ------------------------------------------------------------------
    def test_promise_pauses_reminders(self):
        date = self.today + timedelta(days=14)
        promise = self.notice._portal_promise(self.invoice_1, 600.0, date, self.author)
        self.assertRecordValues(
            promise,
            [
                {
                    "partner_id": self.customer.id,
                    "amount": 600.0,
                    "date_promised": date,
                    "source": "portal",
                    "state": "pending",
                    "user_id": self.collector.id,
                    "company_id": self.env.company.id,
                }
            ],
        )
        self.assertEqual(promise.move_ids, self.invoice_1)
        self.assertEqual(self.invoice_1.reminder_exclusion_reason, "promise")
        self.assertFalse(self.invoice_2.reminder_excluded)
        self.assertIn(
            "promised on the customer portal", self.notice.message_ids[0].body
        )
        self.assertEqual(self.notice.message_ids[0].author_id, self.author)
        # the collector finds it among their promises
        self.assertEqual(
            self.env["invoice.payment.promise"]
            .with_user(self.collector)
            .search([("user_id", "=", self.collector.id)]),
            promise,
        )

    def test_promise_refused(self):
        before = self.counts()
        limit = self.today + timedelta(days=30)
        cases = [
            (self.invoice_1, 600.0, limit + timedelta(days=1), "at most 30 days"),
            (self.invoice_1, 600.0, self.today - timedelta(days=1), "in the past"),
            (self.invoice_1, 0.0, limit, "greater than zero"),
            (self.invoice_1, 1000.01, limit, "more than what is open"),
            (self.other_invoice, 100.0, limit, "one of the invoices of this reminder"),
        ]
        for move, amount, date, message in cases:
            with (
                self.subTest(message=message),
                self.assertRaisesRegex(ValidationError, message),
            ):
                self.notice._portal_promise(move, amount, date, self.author)
        self.assertEqual(self.counts(), before)
        self.notice._portal_promise(self.invoice_1, 100.0, limit, self.author)
        with self.assertRaisesRegex(ValidationError, "already promised"):
            self.notice._portal_promise(self.invoice_1, 100.0, limit, self.author)

    def test_promise_limit_is_a_model_rule(self):
        """A portal promise created by RPC or import gets the same limit."""
        with self.assertRaisesRegex(ValidationError, "too far ahead"):
            self.env["invoice.payment.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_1.ids)],
                    "amount": 100.0,
                    "date_promised": self.today + timedelta(days=31),
                    "source": "portal",
                }
            )

    # ------------------------------------------------------------------
    # Payment plan
    # ------------------------------------------------------------------
    def test_small_plan_starts_at_once(self):
        first = self.today + timedelta(days=7)
        plan = self.notice._portal_request_plan(self.invoice_1, 3, first, self.author)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.amount_total, 1000.0)
        self.assertEqual(plan.line_ids.mapped("amount"), [333.33, 333.33, 333.34])
        self.assertEqual(plan.line_ids[0].date_due, first)
        self.assertEqual(plan.user_id, self.collector)
        self.assertEqual(self.invoice_1.reminder_exclusion_reason, "plan")
        self.assertFalse(plan.activity_ids)

    def test_large_plan_waits_for_the_collector(self):
        self.env.company.plan_auto_approve_amount = 999.99
        plan = self.notice._portal_request_plan(
            self.invoice_1, 4, self.today + timedelta(days=7), self.author
        )
        self.assertEqual(plan.state, "proposed")
        self.assertEqual(len(plan.line_ids), 4)
        self.assertEqual(plan.activity_ids.user_id, self.collector)
        self.assertIn("approval", self.notice.message_ids[0].body)
        # no reminder while the collector decides (the send wizard's and the
        # cron's invoices are those not paused)
        self.assertEqual(self.invoice_1.reminder_exclusion_reason, "plan_proposed")
        self.assertIn(
            self.invoice_1,
            self.env["account.move"].search([("reminder_excluded", "=", True)]),
        )
        self.assertFalse(self.invoice_2.reminder_excluded)
        # refused: reminders resume
        plan.action_cancel()
        self.invoice_1.invalidate_recordset()
        self.assertFalse(self.invoice_1.reminder_excluded)

    def test_plan_limit_converted_to_the_invoice_currency(self):
        """The limit is set in company currency: 1000.00 at a rate of 2.0 is
        2000.00 in the invoice's currency."""
        other = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        invoice = self.create_invoice(self.customer, 1800.0, currency_id=other.id)
        notice = self.create_notice(self.customer, invoice)
        plan = notice._portal_request_plan(
            invoice, 2, self.today + timedelta(days=7), self.author
        )
        self.assertEqual(plan.currency_id, other)
        self.assertEqual(plan.state, "active")
        invoice = self.create_invoice(self.customer, 2000.02, currency_id=other.id)
        notice = self.create_notice(self.customer, invoice)
        plan = notice._portal_request_plan(
            invoice, 2, self.today + timedelta(days=7), self.author
        )
        self.assertEqual(plan.state, "proposed")

    def test_plan_refused(self):
        before = self.counts()
        first = self.today + timedelta(days=7)
        cases = [
            (self.invoice_1, 7, first, "between 2 and 6 installments"),
            (self.invoice_1, 1, first, "between 2 and 6 installments"),
            (self.invoice_1, 3, self.today + timedelta(days=31), "must be between"),
            (self.invoice_1, 3, self.today - timedelta(days=1), "must be between"),
            (self.other_invoice, 3, first, "one of the invoices of this reminder"),
        ]
        for move, count, date, message in cases:
            with (
                self.subTest(message=message),
                self.assertRaisesRegex(ValidationError, message),
            ):
                self.notice._portal_request_plan(move, count, date, self.author)
        self.assertEqual(self.counts(), before)

    # ------------------------------------------------------------------
    # Already paid
    # ------------------------------------------------------------------
    def test_already_paid_pauses_reminders_for_the_block_days(self):
        claim = self.notice._portal_report_paid(
            self.invoice_2,
            500.0,
            self.today,
            "<script>alert('x')</script>",
            self.author,
        )
        self.assertRecordValues(
            claim,
            [
                {
                    "state": "open",
                    "amount": 500.0,
                    "date_until": self.today + timedelta(days=10),
                    "user_id": self.collector.id,
                    "notice_id": self.notice.id,
                    "contact_id": self.author.id,
                    "reference": "<script>alert('x')</script>",
                }
            ],
        )
        self.assertEqual(self.invoice_2.reminder_exclusion_reason, "paid_claim")
        self.assertIn(
            self.invoice_2,
            self.env["account.move"].search(
                [("reminder_exclusion_reason", "=", "paid_claim")]
            ),
        )
        activity = claim.activity_ids
        self.assertEqual(activity.user_id, self.collector)
        # the chatter keeps the reference as text, never as markup
        self.assertIn("&lt;script&gt;", self.notice.message_ids[0].body)
        self.assertNotIn("<script>", self.notice.message_ids[0].body)
        # the pause ends after the block days
        for days, paused in ((10, True), (11, False)):
            with freeze_time(self.today + timedelta(days=days)):
                self.invoice_2.invalidate_recordset()
                self.assertEqual(self.invoice_2.reminder_excluded, paused, days)
                self.assertEqual(
                    bool(
                        self.env["account.move"].search_count(
                            [
                                ("id", "=", self.invoice_2.id),
                                ("reminder_excluded", "=", True),
                            ]
                        )
                    ),
                    paused,
                )
        # no such payment: reminders resume at once
        claim.with_user(self.collector).action_reject()
        self.invoice_2.invalidate_recordset()
        self.assertFalse(self.invoice_2.reminder_excluded)
        self.assertFalse(claim.activity_ids)

    def test_already_paid_refused(self):
        before = self.counts()
        cases = [
            (500.0, self.today + timedelta(days=1), "ref", "in the future"),
            (0.0, self.today, "ref", "greater than zero"),
            (500.01, self.today, "ref", "more than what is open"),
            (100.0, self.today, "x" * 101, "too long"),
        ]
        for amount, date, reference, message in cases:
            with (
                self.subTest(message=message),
                self.assertRaisesRegex(ValidationError, message),
            ):
                self.notice._portal_report_paid(
                    self.invoice_2, amount, date, reference, self.author
                )
        self.assertEqual(self.counts(), before)

    def test_paid_invoice_cannot_be_answered(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice_2.ids
        ).create({})._create_payments()
        self.assertFalse(self.notice._portal_can_act(self.invoice_2))
        with self.assertRaisesRegex(ValidationError, "no longer open"):
            self.notice._portal_promise(self.invoice_2, 10.0, self.today, self.author)
        situation = self.notice._portal_get_situation()
        self.assertEqual(situation["amount_open"], 1000.0)

    def test_situation_counts_open_credits(self):
        self.create_invoice(self.customer, 150.0, move_type="out_refund")
        situation = self.notice._portal_get_situation()
        self.assertEqual(situation["amount_open"], 1500.0)
        self.assertEqual(situation["amount_credit"], 150.0)
        self.assertEqual(situation["amount_net"], 1350.0)

    # ------------------------------------------------------------------
    # Amounts typed in the forms
    # ------------------------------------------------------------------
    def test_amount_read_in_the_page_language(self):
        for lang in ("nl_NL", "sk_SK", "sv_SE"):
            self.env["res.lang"]._activate_lang(lang)
        nbsp = "\u00a0"
        common = {
            "1234.56": 1234.56,
            "1234,56": 1234.56,
            " 684.2 ": 684.2,
            "1 234,56": 1234.56,
            f"1{nbsp}234,56": 1234.56,
            "1.234,56": 1234.56,
            "1,234.56": 1234.56,
            "1.234.567,89": 1234567.89,
            "1,234,567.89": 1234567.89,
            "1.234.567": 1234567.0,
            "12": 12.0,
            "0,5": 0.5,
            "-10": -10.0,
        }
        expected = {
            "en_US": {**common, "1,234": 1234.0, "1.234": 1.234},
            "nl_NL": {**common, "1.234": 1234.0, "1,234": 1.234},
            "sk_SK": {**common, "1,234": 1.234},
            "sv_SE": {**common, "1,234": 1.234},
        }
        garbage = [
            "",
            "abc",
            "12 EUR",
            "1.2.3",
            "12,34.56",
            "1,234,56",
            "1.234,567.89",
            "1.",
            "1e5",
            "nan",
            "0.500.000",
        ]
        for lang, amounts in expected.items():
            move = self.invoice_1.with_context(lang=lang)
            for raw, amount in amounts.items():
                with self.subTest(lang=lang, raw=raw):
                    self.assertEqual(move._portal_parse_amount(raw), amount)
            # the example is the amount due, written as the page writes numbers
            example = "1000.00" if lang == "en_US" else "1000,00"
            for raw in garbage:
                with (
                    self.subTest(lang=lang, raw=raw),
                    self.assertRaisesRegex(ValidationError, rf"{example}\.$"),
                ):
                    move._portal_parse_amount(raw)
        with self.assertRaisesRegex(
            ValidationError, r"^Enter the amount as a number, for example 1000.00\.$"
        ):
            self.invoice_1.with_context(lang="en_US")._portal_parse_amount("x")
        # "1.234" is 1234 or 1.234: neither Slovak nor Swedish decides
        for lang in ("sk_SK", "sv_SE"):
            with (
                self.subTest(lang=lang),
                self.assertRaisesRegex(ValidationError, r"1\.234.*1000,00"),
            ):
                self.invoice_1.with_context(lang=lang)._portal_parse_amount("1.234")

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    def test_settings(self):
        form = Form(self.env["res.config.settings"])
        form.promise_max_days = 21
        form.plan_max_installments = 4
        form.plan_auto_approve_amount = 750.0
        form.paid_claim_block_days = 5
        form.save().execute()
        self.assertRecordValues(
            self.env.company,
            [
                {
                    "promise_max_days": 21,
                    "plan_max_installments": 4,
                    "plan_auto_approve_amount": 750.0,
                    "paid_claim_block_days": 5,
                }
            ],
        )
        name = self.env.company.display_name
        for field, value, message in (
            (
                "promise_max_days",
                0,
                (
                    f"Maximum days ahead for a promise to pay of {name} must be 1 "
                    "or more (got 0)."
                ),
            ),
            (
                "plan_max_installments",
                0,
                (
                    f"Maximum installments of a payment plan of {name} must be 2 "
                    "or more (got 0)."
                ),
            ),
            # a plan of one installment is no plan (the form asks two or more)
            (
                "plan_max_installments",
                1,
                (
                    f"Maximum installments of a payment plan of {name} must be 2 "
                    "or more (got 1)."
                ),
            ),
            (
                "plan_auto_approve_amount",
                -1.0,
                (
                    f"Payment plan auto-approval limit of {name} must be 0 or more "
                    "(got -1.0)."
                ),
            ),
            (
                "paid_claim_block_days",
                -1,
                (
                    f"Reminder pause after an 'already paid' report of {name} must "
                    "be 0 or more (got -1)."
                ),
            ),
        ):
            with (
                self.subTest(field=field, value=value),
                self.assertRaises(ValidationError) as caught,
            ):
                self.env.company.write({field: value})
            self.assertEqual(str(caught.exception), message)

    def test_collector_previews_the_customer_page(self):
        action = self.notice.with_user(self.collector).action_preview_portal()
        self.assertEqual(
            action["url"],
            f"/my/reminders/{self.notice.id}?access_token={self.notice.access_token}",
        )

    # ------------------------------------------------------------------
    # Every customer-facing email links to its portal page
    # ------------------------------------------------------------------
    def render(self, xmlid, record):
        template = self.env.ref(f"invoice_dispute.{xmlid}")
        return template._render_field("body_html", record.ids)[record.id]

    def test_emails_link_to_the_portal(self):
        for xmlid in (
            "mail_template_reminder_1",
            "mail_template_reminder_2",
            "mail_template_reminder_3",
            "mail_template_reminder_4",
            "mail_template_installment_reminder",
        ):
            with self.subTest(template=xmlid):
                body = self.render(xmlid, self.notice)
                self.assertIn(
                    f"/my/reminders/{self.notice.id}?access_token="
                    f"{self.notice.access_token}",
                    body,
                )
        dispute = self.create_dispute()
        for xmlid in (
            "mail_template_dispute_acknowledgement",
            "mail_template_dispute_summary",
        ):
            with self.subTest(template=xmlid):
                body = self.render(xmlid, dispute)
                self.assertIn(dispute.get_portal_url().replace("&", "&amp;"), body)
        proposal = self.env["invoice.dispute.proposal"].create(
            {
                "dispute_id": dispute.id,
                "kind": "due_date_extension",
                "new_date_due": self.invoice_1.invoice_date_due + timedelta(days=30),
            }
        )
        body = self.render("mail_template_dispute_proposal", proposal)
        self.assertIn(f"/my/disputes/{dispute.id}?access_token=", body)
        plan = self.env["invoice.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_2.ids)],
                "installment_count": 2,
            }
        )
        body = self.render("mail_template_payment_plan_confirmation", plan)
        self.assertIn(
            f"/my/invoices/{self.invoice_2.id}?access_token="
            f"{self.invoice_2.access_token}",
            body,
        )

    def test_other_emails_link_in_the_recipient_language(self):
        """The emails other than reminders (dispute acknowledgement, summary,
        proposal, call agreement, plan schedule) link to the portal page in
        the recipient's language, as the reminders do
        (``/nl/my/disputes/...``, ``/nl/my/invoices/...``)."""
        self.env["res.lang"]._activate_lang("nl_NL")
        (self.customer | self.customer.child_ids).lang = "nl_NL"
        dispute = self.create_dispute()
        dispute_link = f"/nl/my/disputes/{dispute.id}?access_token="
        invoice_link = f"/nl/my/invoices/{self.invoice_2.id}?access_token="
        for xmlid in (
            "mail_template_dispute_acknowledgement",
            "mail_template_dispute_summary",
        ):
            with self.subTest(template=xmlid):
                dispute.message_post_with_source(
                    self.env.ref(f"invoice_dispute.{xmlid}"),
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
                self.assertIn(dispute_link, str(dispute.message_ids[0].body))
        proposal = self.env["invoice.dispute.proposal"].create(
            {
                "dispute_id": dispute.id,
                "kind": "due_date_extension",
                "new_date_due": self.invoice_1.invoice_date_due + timedelta(days=30),
            }
        )
        template = self.env.ref("invoice_dispute.mail_template_dispute_proposal")
        body = template._render_field("body_html", proposal.ids, compute_lang=True)
        self.assertIn(dispute_link, body[proposal.id])
        plan = self.env["invoice.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_2.ids)],
                "installment_count": 2,
            }
        )
        plan.message_post_with_source(
            self.env.ref("invoice_dispute.mail_template_payment_plan_confirmation"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIn(invoice_link, str(plan.message_ids[0].body))
        # in another language, the link names it
        self.assertIn(
            f"/en/my/disputes/{dispute.id}?access_token=",
            dispute.with_context(lang="en_US")._get_portal_link(),
        )

    def test_migration_rewrites_the_shipped_links(self):
        """18.0.2.4.0 replaces the shipped ``get_base_url() +
        get_portal_url()`` links in every language, keeps a company's own
        link, and is idempotent."""
        post = load_migration("18.0.2.4.0", "post-migrate")
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_dispute"], ["nl_NL"], overwrite=True
        )
        template = self.env.ref("invoice_dispute.mail_template_dispute_acknowledgement")
        dutch = template.with_context(lang="nl_NL")
        new, new_nl = str(template.body_html), str(dutch.body_html)
        self.assertIn("object._get_portal_link()", new_nl)
        old_link = "object.get_base_url() + object.get_portal_url()"
        template.body_html = new.replace("object._get_portal_link()", old_link)
        dutch.body_html = new_nl.replace("object._get_portal_link()", old_link)
        self.assertEqual(post.update_portal_links(self.env), 1)
        self.assertEqual(str(template.body_html), new)
        self.assertEqual(str(dutch.body_html), new_nl)
        self.assertEqual(post.update_portal_links(self.env), 0)
        own = new.replace("object._get_portal_link()", "'https://example.com/help'")
        template.body_html = own
        self.assertEqual(post.update_portal_links(self.env), 0)
        self.assertEqual(str(template.body_html), own)

    # ------------------------------------------------------------------
    # Found by the fresh-user check
    # ------------------------------------------------------------------
    def test_customer_text_is_escaped_in_activities(self):
        """What the customer types is text in the collector's activities and
        notes, never live HTML."""
        self.author.name = '<b>bold</b><img src="x">'
        reference = (
            '<a href="http://evil.example/login">Payment proof</a>'
            '<img src="http://evil.example/p.png">'
        )
        claim = self.notice._portal_report_paid(
            self.invoice_2, 100.0, self.today, reference, self.author
        )
        self.env.company.plan_auto_approve_amount = 10.0
        plan = self.notice._portal_request_plan(
            self.invoice_1, 2, self.today + timedelta(days=7), self.author
        )
        dispute = self.notice._portal_dispute(
            self.invoice_2, self.reason_price, "Wrong price", 50.0, self.author
        )
        for record in (claim, plan, dispute):
            with self.subTest(record=record._name):
                note = str(record.activity_ids.note)
                self.assertTrue(note)
                for live in ("<a ", "<img", "<b>"):
                    self.assertNotIn(live, note)
                self.assertIn("&lt;b&gt;bold&lt;/b&gt;", note)
        self.assertIn("&lt;a href=", str(claim.activity_ids.note))
        for message in self.notice.message_ids:
            self.assertNotIn("<img", str(message.body))

    def test_activities_in_the_collector_language(self):
        """Written for the collector in the collector's language, whatever
        the visitor's."""
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["invoice_dispute"], ["nl_NL"], overwrite=True
        )
        self.collector.lang = "nl_NL"
        notice = self.notice.with_context(lang="en_US")
        claim = notice._portal_report_paid(
            self.invoice_2, 100.0, self.today, "REF", self.author
        )
        self.assertEqual(
            claim.activity_ids.summary, "Zoek de betaling die de klant meldde"
        )
        self.env.company.plan_auto_approve_amount = 10.0
        plan = notice._portal_request_plan(
            self.invoice_1, 2, self.today + timedelta(days=7), self.author
        )
        self.assertEqual(
            plan.activity_ids.summary,
            "Keur de op het portaal aangevraagde betalingsregeling goed",
        )
        # and an English collector reads English from a Dutch visitor
        self.collector.lang = "en_US"
        plan.action_cancel()
        plan = notice.with_context(lang="nl_NL")._portal_request_plan(
            self.invoice_1, 2, self.today + timedelta(days=7), self.author
        )
        self.assertEqual(
            plan.activity_ids.summary, "Approve the payment plan asked on the portal"
        )

    def test_claims_cannot_exceed_what_is_open(self):
        """Open reports of payment on an invoice add up to what is open at
        most; a payment is not dated before the invoice."""
        self.notice._portal_report_paid(
            self.invoice_2, 125.56, self.today, "A", self.author
        )
        self.notice._portal_report_paid(
            self.invoice_2, 125.56, self.today, "B", self.author
        )
        before = self.counts()
        with self.assertRaisesRegex(ValidationError, "more than what is open"):
            self.notice._portal_report_paid(
                self.invoice_2, 300.0, self.today, "C", self.author
            )
        # the model's rule, whoever creates the claim
        with self.assertRaisesRegex(ValidationError, "more than what is open"):
            self.env["invoice.payment.claim"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_2.ids)],
                    "amount": 248.89,
                    "date_paid": self.today,
                }
            )
        author = self.author
        with self.assertRaisesRegex(ValidationError, "before the invoice date"):
            self.notice._portal_report_paid(
                self.invoice_1, 10.0, fields.Date.to_date("1990-01-01"), "D", author
            )
        self.assertEqual(self.counts(), before)
        # what is left can still be reported; then the form is no longer offered
        self.notice._portal_report_paid(
            self.invoice_2, 248.88, self.today, "E", self.author
        )
        self.assertNotIn("paid", self.notice._portal_get_actions(self.invoice_2))
        self.assertIn("paid", self.notice._portal_get_actions(self.invoice_1))

    def test_already_paid_on_another_invoice(self):
        """The four forms refuse an invoice not of the reminder alike."""
        message = "Choose one of the invoices of this reminder"
        Move = self.env["account.move"]
        for moves in (self.other_invoice, Move, self.invoice_2 | self.other_invoice):
            with (
                self.subTest(moves=moves.ids),
                self.assertRaisesRegex(ValidationError, message),
            ):
                self.notice._portal_report_paid(
                    moves, 10.0, self.today, "X", self.author
                )

    def test_actions_follow_the_invoice_state(self):
        """No form is offered that would be refused: an invoice promised, in a
        plan or disputed offers neither a promise nor a plan."""
        all_forms = {"promise", "plan", "paid", "dispute"}
        self.assertEqual(self.notice._portal_get_actions(self.invoice_1), all_forms)
        self.notice._portal_promise(self.invoice_1, 100.0, self.today, self.author)
        actions = self.notice._portal_get_actions(self.invoice_1)
        self.assertFalse(actions & {"promise", "plan"})
        with self.assertRaisesRegex(ValidationError, "already promised"):
            self.notice._portal_request_plan(
                self.invoice_1, 2, self.today + timedelta(days=7), self.author
            )
        self.notice._portal_request_plan(
            self.invoice_2, 2, self.today + timedelta(days=7), self.author
        )
        self.assertFalse(
            self.notice._portal_get_actions(self.invoice_2) & {"promise", "plan"}
        )
        with self.assertRaisesRegex(ValidationError, "already in payment plan"):
            self.notice._portal_promise(self.invoice_2, 10.0, self.today, self.author)
        invoice = self.create_invoice(self.customer, 200.0)
        notice = self.create_notice(self.customer, invoice)
        notice._portal_dispute(invoice, self.reason_price, "Wrong", 50.0, self.author)
        self.assertFalse(
            notice._portal_get_actions(invoice) & {"promise", "plan", "dispute"}
        )
        with self.assertRaisesRegex(ValidationError, "is disputed"):
            notice._portal_promise(invoice, 10.0, self.today, self.author)

    def test_reminder_link_in_the_recipient_language(self):
        """The reminder's link opens the page in the recipient's language
        (``/nl/my/reminders/...``), whatever the browser sends."""
        self.env["res.lang"]._activate_lang("nl_NL")
        self.customer.lang = "nl_NL"
        body = self.render("mail_template_reminder_1", self.notice)
        self.assertIn(
            f"/nl/my/reminders/{self.notice.id}?access_token="
            f"{self.notice.access_token}",
            body,
        )
        self.customer.lang = "en_US"
        body = self.render("mail_template_reminder_1", self.notice)
        self.assertNotIn("/nl/my/reminders/", body)
        self.assertIn(f"/en/my/reminders/{self.notice.id}?access_token=", body)

    def test_portal_question_reaches_the_collector(self):
        """A customer's message in the page's chatter gives the collector an
        activity, as a reply to the email does; internal notes do not."""
        self.notice.message_post(
            body="Can you send us a copy of the delivery note?",
            author_id=self.author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        activity = self.notice.activity_ids
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn(self.notice.name, activity.summary)
        self.notice.message_post(
            body="Called them.", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.assertEqual(self.notice.activity_ids, activity)

    def test_customer_words_not_sent_back_to_the_customer(self):
        """The customer's words on a dispute raised from the page reach the
        collector, not the customer's own company following the dispute;
        the acknowledgement still reaches the customer."""
        dispute = self.notice._portal_dispute(
            self.invoice_2, self.reason_price, "Wrong price", 50.0, self.author
        )
        self.assertIn(self.customer, dispute.message_partner_ids)
        words = dispute.message_ids.filtered(
            lambda m: m.author_id == self.author and "Wrong price" in str(m.body)
        )
        self.assertEqual(len(words), 1)
        notified = words.notification_ids.res_partner_id
        self.assertIn(self.collector.partner_id, notified)
        self.assertFalse(
            notified.filtered(lambda p: p.commercial_partner_id == self.customer)
        )
        acknowledgement = dispute.message_ids - words
        self.assertIn(self.customer, acknowledgement.notification_ids.res_partner_id)
