import re
from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .test_reminder_self_service import SelfServiceCommon

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestReminderFreshUser(SelfServiceCommon, HttpCase):
    """What a new user of the reminder page found (issue 14): the
    collector's assignment emails, answers that contradict each other,
    where a dispute comes from, the wording."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nl_NL")
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "mail", "invoice_dispute"], ["nl_NL"], overwrite=True
        )
        cls.collector.lang = "en_US"
        cls.customer.lang = "nl_NL"
        cls.customer_contact.lang = "nl_NL"
        cls.portal_anne = cls.create_portal_user("anne_fresh", cls.customer_contact)
        cls.portal_anne.lang = "nl_NL"

    def login(self, user):
        self.authenticate(user.login, f"{user.login}-Secret-123")

    def post_form(self, notice, form, data):
        """POST one form of ``notice``'s page as the page does."""
        token = notice._portal_ensure_token()
        page = self.url_open(f"/my/reminders/{notice.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        values = {
            "access_token": token,
            "csrf_token": CSRF_RE.search(page.text).group(1),
            **data,
        }
        return self.url_open(
            f"/my/reminders/{notice.id}/{form}", data=values, allow_redirects=False
        )

    def assignment(self, record):
        """The "You have been assigned to" notifications of ``record`` (sudo:
        a notification is only visible to its author and recipients)."""
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", record._name),
                    ("res_id", "=", record.id),
                    ("message_type", "=", "user_notification"),
                    ("subject", "ilike", "assigned to"),
                ]
            )
        )

    def assert_assigned_in_english(self, record):
        message = self.assignment(record)
        self.assertEqual(len(message), 1, record.display_name)
        self.assertEqual(message.subject, f"You have been assigned to {record.name}")
        self.assertEqual(message.partner_ids, self.collector.partner_id)
        self.assertNotIn("Nieuw", message.body)

    # ------------------------------------------------------------------
    # 1. the assignment names the number, in the collector's language
    # ------------------------------------------------------------------
    def test_assignment_names_the_number_in_the_collectors_language(self):
        date = self.today + timedelta(days=7)
        notice = self.notice.with_context(lang="nl_NL")
        plan = notice._portal_request_plan(self.invoice_1, 2, date, self.author)
        # (a promise's collector is not tracked: Odoo sends no assignment)
        claim = notice._portal_report_paid(
            self.invoice_2, 100.0, self.today, "TRF-0", self.author
        )
        for record in (plan, claim):
            with self.subTest(model=record._name):
                self.assertNotEqual(record.name, "/")
                self.assert_assigned_in_english(record)

    def test_assignment_of_a_portal_dispute_over_http(self):
        self.login(self.portal_anne)
        response = self.post_form(
            self.notice,
            "dispute",
            {
                "move_id": self.invoice_1.id,
                "reason_id": self.reason_price.id,
                "customer_statement": "The price is not what was quoted.",
                "disputed_amount": "100",
            },
        )
        self.assertIn(response.status_code, (200, 303))
        dispute = self.invoice_1.dispute_ids
        self.assertEqual(len(dispute), 1, response.text[:2000])
        self.assertEqual(dispute.channel, "portal")
        self.assert_assigned_in_english(dispute)
        # 5. the customer's words are apart from the sentence before them
        # where the message is shown as one line (tags dropped)
        comment = dispute.message_ids.filtered(
            lambda m: (
                m.author_id == self.customer_contact
                and "The price is not" in (m.body or "")
            )
        )
        self.assertTrue(comment)
        text = re.sub(r"<[^>]*>", "", comment[0].body)
        self.assertIn(f"{self.invoice_1.name}. The price", text)

    # ------------------------------------------------------------------
    # 2. a promise or a plan after "already paid"
    # ------------------------------------------------------------------
    def test_no_promise_nor_plan_on_an_invoice_reported_paid(self):
        claim = self.notice._portal_report_paid(
            self.invoice_1, 1000.0, self.today, "TRF-1", self.author
        )
        date = self.today + timedelta(days=7)
        before = self.counts()
        with self.assertRaisesRegex(ValidationError, "reported as paid"):
            self.notice._portal_promise(self.invoice_1, 100.0, date, self.author)
        with self.assertRaisesRegex(ValidationError, claim.name):
            self.notice._portal_request_plan(self.invoice_1, 2, date, self.author)
        self.assertEqual(self.counts(), before)
        actions = self.notice._portal_get_actions(self.invoice_1)
        self.assertFalse({"promise", "plan"} & actions)

    # ------------------------------------------------------------------
    # 3. a dispute on an invoice in a payment plan
    # ------------------------------------------------------------------
    def test_dispute_on_an_invoice_in_an_active_plan_tells_the_collector(self):
        plan = self.notice._portal_request_plan(
            self.invoice_2, 2, self.today + timedelta(days=2), self.author
        )
        self.assertEqual(plan.state, "active")
        Engine = self.env["invoice.reminder.engine"]
        first = plan.line_ids.sorted("date_due")[0]
        self.env.flush_all()
        self.assertIn(first.id, Engine._get_installment_candidates(self.today))
        before = plan.activity_ids
        dispute = self.create_dispute(self.invoice_2)
        self.env.flush_all()
        # the installment reminders pause as the invoice's reminders do
        self.assertNotIn(first.id, Engine._get_installment_candidates(self.today))
        activity = plan.activity_ids - before
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn(dispute.name, plan.message_ids[0].body)
        self.assertIn(self.invoice_2.name, plan.message_ids[0].body)

    # ------------------------------------------------------------------
    # 4. a dispute written in the page's chatter comes from the portal
    # ------------------------------------------------------------------
    def test_dispute_from_the_chatter_has_channel_portal(self):
        self.login(self.portal_anne)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "invoice.reminder.notice",
                "thread_id": self.notice.id,
                "post_data": {
                    "body": "Goedendag, de prijs op deze factuur klopt niet, "
                    "wij hadden een lagere prijs afgesproken.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                "token": self.notice.access_token,
            },
        )
        self.assertEqual(self.notice.reply_intent, "dispute")
        dispute = self.notice.move_ids.dispute_ids
        self.assertTrue(dispute)
        self.assertEqual(dispute.mapped("channel"), ["portal"])

    # ------------------------------------------------------------------
    # 5. one invoice is singular
    # ------------------------------------------------------------------
    def test_one_invoice_is_singular(self):
        self.notice._portal_report_paid(
            self.invoice_1, 100.0, self.today, "TRF-2", self.author
        )
        note = self.notice.message_ids[0].body
        self.assertIn(f"{self.invoice_1.name} was paid", note)
        self.assertIn("pause on it until", note)
        with self.assertRaisesRegex(
            ValidationError, f"{self.invoice_1.name} already has payments"
        ):
            self.notice._portal_report_paid(
                self.invoice_1, 950.0, self.today, "TRF-3", self.author
            )

    # ------------------------------------------------------------------
    # 6. what the page says about what was arranged
    # ------------------------------------------------------------------
    def test_arrangements_name_their_invoices(self):
        date = self.today + timedelta(days=14)
        self.notice._portal_promise(self.invoice_1, 100.0, date, self.author)
        self.notice._portal_promise(self.invoice_2, 50.0, date, self.author)
        self.authenticate(None, None)
        token = self.notice._portal_ensure_token()
        page = self.url_open(f"/my/reminders/{self.notice.id}?access_token={token}")
        lines = re.findall(
            r'<li[^>]*class="o_reminder_promise".*?</li>', page.text, re.DOTALL
        )
        self.assertEqual(len(lines), 2)
        self.assertIn(self.invoice_2.name, lines[0])
        self.assertIn(self.invoice_1.name, lines[1])

    def test_installment_reminder_shows_the_next_installment(self):
        plan = self.notice._portal_request_plan(
            self.invoice_2, 2, self.today + timedelta(days=7), self.author
        )
        line = plan.line_ids.sorted("date_due")[0]
        notice = self.create_notice(self.customer, self.invoice_2)
        notice.write({"plan_line_id": line.id, "level": 0})
        self.assertEqual(notice._portal_get_next_installment(), line)
        self.authenticate(None, None)
        token = notice._portal_ensure_token()
        page = self.url_open(f"/my/reminders/{notice.id}?access_token={token}")
        block = re.search(
            r'id="o_reminder_next_installment".*?</p>', page.text, re.DOTALL
        )
        self.assertTrue(block, "the page shows the next installment")
        self.assertIn(plan.name, block.group(0))
        self.assertRegex(block.group(0), r"250[.,]00")
