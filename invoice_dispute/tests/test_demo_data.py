import re

from odoo import fields
from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file, format_amount

from ..models.invoice_reminder_log import MAIL_STATES

MODULE = "invoice_dispute"
DEMO_LANGS = ("nl_NL", "sk_SK", "sv_SE")
LINK_RE = re.compile(r'href="https?://[^/"]+(/[^"]*)"')


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo data of the manifest's ``demo`` key loads and shows disputes,
    proposals, payment plans, promises to pay and reminders in every state.

    The suite runs on a database without demo data: the demo files are
    loaded here, in the test's transaction, as Odoo loads them when a
    database is created with demo data (on such a database they are there
    already and are checked as they are)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref(f"{MODULE}.demo_dispute_new", raise_if_not_found=False):
            # the languages of the demo customers, active before the addon
            # is installed, as scripts/demo.sh loads them
            for lang in DEMO_LANGS:
                cls.env["res.lang"]._activate_lang(lang)
            idref = {}
            for filename in get_manifest(MODULE)["demo"]:
                convert_file(
                    cls.env,
                    MODULE,
                    filename,
                    idref,
                    mode="init",
                    noupdate=True,
                    kind="demo",
                )
        cls.env.invalidate_all()

    def demo_records(self, model):
        """The records of ``model`` the demo files created, by XML id name."""
        data = self.env["ir.model.data"].search(
            [
                ("module", "=", MODULE),
                ("model", "=", model),
                ("name", "=like", "demo_%"),
            ]
        )
        return {d.name: self.env[model].browse(d.res_id) for d in data}

    def assert_every_state(self, model, prefix, state_field="state"):
        """Every state of ``model`` has its demo record, named after it."""
        records = self.demo_records(model)
        states = [
            value
            for value, _label in self.env[model]
            ._fields[state_field]
            ._description_selection(self.env)
        ]
        for state in states:
            record = records.get(f"{prefix}{state}")
            self.assertTrue(record, f"no demo {model} named {prefix}{state}")
            self.assertEqual(record[state_field], state, record.display_name)
        return records

    def test_demo_invoices_posted(self):
        invoices = self.demo_records("account.move")
        self.assertEqual(len(invoices), 24)
        for name, invoice in invoices.items():
            self.assertEqual(invoice.state, "posted", name)
            self.assertEqual(invoice.move_type, "out_invoice", name)
            self.assertTrue(invoice.partner_id.name, name)

    def test_disputes_in_every_state(self):
        disputes = self.assert_every_state("invoice.dispute", "demo_dispute_")
        for dispute in disputes.values():
            self.assertNotEqual(dispute.name, "/")
            self.assertTrue(dispute.line_ids)
        resolved = disputes["demo_dispute_resolved"]
        self.assertEqual(resolved.root_cause, "pricing_error")
        self.assertTrue(resolved.preventive_action)
        self.assertTrue(disputes["demo_dispute_rejected"].date_resolved)
        # the invoices of open disputes get no reminders
        self.assertTrue(disputes["demo_dispute_new"].move_ids.reminder_excluded)

    def test_proposals_in_every_state(self):
        proposals = self.assert_every_state(
            "invoice.dispute.proposal", "demo_proposal_"
        )
        accepted = proposals["demo_proposal_accepted"]
        self.assertEqual(accepted.move_ids.invoice_date_due, accepted.new_date_due)
        self.assertEqual(
            proposals["demo_proposal_sent"].dispute_id,
            self.env.ref(f"{MODULE}.demo_dispute_proposed"),
        )
        self.assertTrue(proposals["demo_proposal_to_approve"].needs_approval)

    def test_payment_plans_in_every_state(self):
        plans = self.assert_every_state("invoice.payment.plan", "demo_plan_")
        for name, plan in plans.items():
            self.assertAlmostEqual(
                sum(plan.line_ids.mapped("amount")), plan.amount_total, msg=name
            )
        today = plans["demo_plan_active"].date_activated
        self.assertTrue(today)
        self.assertLess(
            max(plans["demo_plan_completed"].line_ids.mapped("date_due")), today
        )
        self.assertLess(
            min(plans["demo_plan_broken"].line_ids.mapped("date_due")), today
        )

    def test_promises_in_every_state(self):
        promises = self.assert_every_state("invoice.payment.promise", "demo_promise_")
        pending = promises["demo_promise_pending"]
        self.assertGreater(
            promises["demo_promise_pending"].date_promised,
            promises["demo_promise_broken"].date_promised,
        )
        self.assertTrue(pending.move_ids.reminder_excluded)

    def test_reminders_in_every_mail_state(self):
        logs = self.demo_records("invoice.reminder.log")
        self.assertEqual(
            {log.mail_state for log in logs.values()},
            {state for state, _label in MAIL_STATES},
        )
        for name, log in logs.items():
            self.assertEqual(log.rule_id.level, log.level, name)
            self.assertEqual(
                log.move_id.partner_id, log.partner_id.commercial_partner_id
            )
        self.assertTrue(logs["demo_reminder_log_exception"].failure_reason)

    def test_reminders_are_notices(self):
        """Each demo reminder is a notice, as the engine writes them: its
        email, its invoice and its claim; the customer's and the invoices'
        Reminders buttons show them."""
        logs = self.demo_records("invoice.reminder.log")
        notices = self.demo_records("invoice.reminder.notice")
        # the draft one claims nothing yet, the withdrawn one no longer
        unclaimed = {"demo_reminder_notice_draft", "demo_reminder_notice_withdrawn"}
        self.assertEqual(len(notices), len(logs) + len(unclaimed))
        for name in unclaimed:
            self.assertFalse(notices[name].log_ids, name)
        harbour = self.env.ref(f"{MODULE}.demo_partner_harbour")
        for name, log in logs.items():
            notice = log.notice_id
            self.assertTrue(notice, name)
            self.assertEqual(notice.mail_id, log.mail_id, name)
            self.assertEqual(notice.move_ids, log.move_id, name)
            self.assertEqual(notice.partner_id, harbour, name)
            self.assertEqual((notice.level, notice.rule_id), (log.level, log.rule_id))
            self.assertEqual(
                (log.mail_id.model, log.mail_id.res_id), (notice._name, notice.id)
            )
            self.assertIn(notice, log.move_id.reminder_notice_ids)
        self.assertEqual(harbour.reminder_notice_count, len(notices))
        # every state of a reminder
        self.assertEqual(
            {notice.state for notice in notices.values()},
            {"draft", "queued", "sent", "failed", "withdrawn", "cancelled"},
        )

    def test_demo_emails_in_the_customer_language(self):
        """Every email the demo data sends a demo customer is in the
        language of whom it is sent to (the customer's, when the database
        has it active): its text (the template translated) and the links to
        the customer's pages (``/sk/my/...``), as the emails of a running
        database are, whatever the language of whoever installs the addon."""
        partners = self.demo_records("res.partner")
        expected = {
            "demo_partner_brouwer": "nl_NL",
            "demo_partner_horvath": "sk_SK",
            "demo_partner_harbour": "en_US",
        }
        for name, lang in expected.items():
            if self.env["res.lang"]._lang_get(lang).active:
                self.assertEqual(partners[name].lang, lang, name)
        templates = {
            "invoice.payment.plan": self.env.ref(
                f"{MODULE}.mail_template_payment_plan_confirmation"
            ),
            "invoice.dispute.proposal": self.env.ref(
                f"{MODULE}.mail_template_dispute_proposal"
            ),
        }
        checked = dict.fromkeys(expected, 0)
        for name in expected:
            customer = partners[name]
            contacts = self.env["res.partner"].search(
                [("commercial_partner_id", "=", customer.id)]
            )
            mails = self.env["mail.mail"].search(
                [("recipient_ids", "in", contacts.ids)]
            )
            messages = self.env["mail.message"].search(
                [
                    ("partner_ids", "in", contacts.ids),
                    ("message_type", "in", ("comment", "email_outgoing")),
                    ("id", "not in", mails.mail_message_id.ids),
                ]
            )
            for message in [*mails, *messages]:
                recipient = (
                    message.recipient_ids
                    if message._name == "mail.mail"
                    else message.partner_ids
                ) & contacts
                lang = recipient[:1].lang or customer.lang
                if not lang:
                    continue  # a database without the customer's language
                # the language in the links when the database has several
                prefix = (
                    f"/{self.env['res.lang']._lang_get(lang).url_code}"
                    if len(self.env["res.lang"].get_installed()) > 1
                    else ""
                )
                body = (
                    message.body_html if message._name == "mail.mail" else message.body
                )
                for path in LINK_RE.findall(str(body or "")):
                    if "/my/" not in path:
                        continue
                    with self.subTest(customer=name, message=message.subject):
                        self.assertTrue(path.startswith(f"{prefix}/my/"), path)
                        checked[name] += 1
                template = templates.get(message.model)
                if template:
                    # the template's text in the recipient's language (its
                    # translation there): its words between the placeholders
                    # are in the subject
                    subject = template.with_context(lang=lang).subject
                    if lang != "en_US":
                        self.assertNotEqual(
                            subject, template.with_context(lang="en_US").subject
                        )
                    words = re.split(r"\{\{.*?\}\}", subject)
                    for word in filter(str.strip, words):
                        with self.subTest(customer=name, message=message.subject):
                            self.assertIn(word, message.subject)
        for name, count in checked.items():
            self.assertTrue(count, f"no demo email links {name} to its pages")

    def test_queued_reminder_email_as_the_run_writes_it(self):
        """The queued demo reminder is really sent by the mail queue when the
        demo runs with a mail server: to its recipient once, with the
        amounts in their currency and the link to the notice's page, as the
        reminder's template renders it."""
        notice = self.demo_records("invoice.reminder.notice")[
            "demo_reminder_notice_outgoing"
        ]
        mail = notice.mail_id
        self.assertEqual(mail.state, "outgoing")
        self.assertFalse(mail.email_to)
        self.assertEqual(mail.recipient_ids, notice.recipient_id)
        self.assertIn(notice._get_portal_link(), mail.body_html)
        self.assertIn(f"/my/reminders/{notice.id}?access_token=", mail.body_html)
        self.assertIn(
            format_amount(self.env, notice.amount_open, notice.currency_id),
            mail.body_html,
        )
        template = notice.rule_id.mail_template_id
        self.assertEqual(
            mail.subject, template._render_field("subject", notice.ids)[notice.id]
        )

    def test_queued_and_failed_reminders_still_true(self):
        """The demo notices store the net amount as the engine does (all of
        Harbour Catering's invoices due by the notice's date): the check
        before sending withdraws neither the queued one nor the failed one
        sent again, and the mail queue leaves their states as they are."""
        notices = self.demo_records("invoice.reminder.notice")
        today = fields.Date.context_today(self.env.user)
        for name in ("demo_reminder_notice_outgoing", "demo_reminder_notice_exception"):
            notice = notices[name]
            self.assertFalse(notice.log_ids._get_untrue_reason(notice, today), name)
        queued = notices["demo_reminder_notice_outgoing"]
        self.assertFalse(
            self.env["invoice.reminder.notice"]._withdraw_untrue_reminders(
                queued.mail_id
            )
        )
        self.assertEqual(queued.state, "queued")
        self.assertEqual(notices["demo_reminder_notice_exception"].state, "failed")
