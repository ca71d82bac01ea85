from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import format_date, html2plaintext

from .common import COLLECTOR_GROUPS
from .test_reminder_notice import NoticeCommon

# Replies per language: (intent, text); the promise's date is filled in.
REPLIES = {
    "en_US": {
        "dispute": "Hello, the price on this invoice is wrong, we agreed a lower "
        "price in the quote.",
        "promise": "Thanks, we will pay the invoice on {date}.",
        "paid": "We already paid this invoice last week, please check your bank.",
        "plan_request": "Could we pay the amount in three instalments?",
        "question": "Could you send me a copy of the invoice please?",
        "auto_reply": "I am out of the office until Monday and will read your "
        "message when I am back.",
    },
    "nl_NL": {
        "dispute": "Goedendag, de prijs op deze factuur klopt niet, wij hadden "
        "een lagere prijs afgesproken.",
        "promise": "Dank u, wij betalen de factuur op {date}.",
        "paid": "Deze factuur is vorige week al betaald, kunt u het nakijken?",
        "plan_request": "Kunnen we het bedrag in drie termijnen betalen?",
        "question": "Kunt u mij een kopie van de factuur sturen?",
        "auto_reply": "Ik ben tot maandag afwezig en lees uw bericht na mijn "
        "terugkomst.",
    },
    "sk_SK": {
        "dispute": "Dobrý deň, cena na faktúre nie je správna, dohodli sme "
        "nižšiu cenu.",
        "promise": "Ďakujeme, faktúru uhradíme {date}.",
        "paid": "Túto faktúru sme už zaplatili minulý týždeň, skontrolujte to.",
        "plan_request": "Môžeme sumu zaplatiť v troch splátkach?",
        "question": "Môžete mi poslať kópiu faktúry?",
        "auto_reply": "Do pondelka som mimo kancelárie, správu si prečítam po návrate.",
    },
    "sv_SE": {
        "dispute": "Hej, priset på fakturan är fel, vi kom överens om ett lägre pris.",
        "promise": "Tack, vi betalar fakturan den {date}.",
        "paid": "Vi har redan betalat fakturan förra veckan, kontrollera gärna.",
        "plan_request": "Kan vi betala beloppet i tre delbetalningar?",
        "question": "Kan ni skicka en kopia av fakturan?",
        "auto_reply": "Jag är inte på kontoret förrän på måndag och läser ditt "
        "meddelande när jag är tillbaka.",
    },
}
# A reply an automatic-reply header marks, whatever it says.
MARKED_AUTO_REPLY = "We will pay the invoice next week, the amount is wrong."


@tagged("post_install", "-at_install")
class TestReminderReplyIntent(NoticeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("nl_NL", "sk_SK", "sv_SE"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.message_count = 0

    def setUp(self):
        super().setUp()
        self.invoices = {}
        self.collectors = {}
        for lang in REPLIES:
            prefix = lang.split("_")[0]
            collector = self.create_user(
                f"collector_{prefix}", COLLECTOR_GROUPS, lang=lang
            )
            partner = self.env["res.partner"].create(
                {
                    "name": f"Customer {prefix}",
                    "is_company": True,
                    "email": f"ap@{prefix}.example.com",
                    "lang": lang,
                    "collector_id": collector.id,
                }
            )
            self.collectors[lang] = collector
            self.invoices[lang] = self.create_due_invoice(
                partner, 100.0, 10
            ) | self.create_due_invoice(partner, 50.0, 12)
        self.run_reminders()

    def reply(self, notice, body, headers=()):
        """Feed a customer's reply to ``notice``'s email to the mail gateway
        (the test's today being today)."""
        type(self).message_count += 1
        raw = "".join(
            [
                f"From: Accounts payable <{notice.partner_id.email}>\r\n",
                "To: catchall@example.com\r\n",
                f"Subject: Re: {notice.mail_id.subject}\r\n",
                f"Message-ID: <reply-{self.message_count}@customer.example.com>\r\n",
                f"In-Reply-To: {notice.mail_id.message_id}\r\n",
                f"References: {notice.mail_id.message_id}\r\n",
                *(f"{name}: {value}\r\n" for name, value in headers),
                "Content-Type: text/plain; charset=utf-8\r\n",
                "\r\n",
                f"{body}\r\n",
            ]
        )
        with freeze_time(self.today):
            return self.env["mail.thread"].message_process(False, raw.encode())

    def notice(self, lang):
        return self.notice_of(self.invoices[lang])

    def test_auto_replies_create_no_activity(self):
        for lang, texts in REPLIES.items():
            with self.subTest(lang=lang):
                notice = self.notice(lang)
                messages = len(notice.message_ids)
                self.reply(notice, texts["auto_reply"])
                self.assertEqual(notice.reply_intent, "auto_reply")
                self.reply(
                    notice,
                    MARKED_AUTO_REPLY,
                    headers=[("Auto-Submitted", "auto-replied")],
                )
                self.assertEqual(notice.reply_intent, "auto_reply")
                # both land in the chatter, nobody is asked to answer them
                self.assertEqual(len(notice.message_ids), messages + 2)
                self.assertFalse(notice.activity_ids)
                self.assertFalse(
                    self.env["invoice.dispute"].search(
                        [("partner_id", "=", notice.partner_id.id)]
                    )
                )
                # "Auto-Submitted: no" is a person's reply
                self.reply(
                    notice,
                    texts["question"],
                    headers=[("Auto-Submitted", "no")],
                )
                self.assertEqual(notice.reply_intent, "question")
                self.assertEqual(len(notice.activity_ids), 1)
                # a later automatic reply does not hide the customer's answer
                self.reply(
                    notice,
                    MARKED_AUTO_REPLY,
                    headers=[("Auto-Submitted", "auto-replied")],
                )
                self.assertEqual(notice.reply_intent, "question")
                self.assertEqual(len(notice.activity_ids), 1)

    def test_dispute_reply_creates_a_new_dispute(self):
        Phrase = self.env["invoice.intent.phrase"]
        for lang, texts in REPLIES.items():
            with self.subTest(lang=lang):
                notice = self.notice(lang)
                quoted = f"{texts['dispute']}\r\n\r\n> {notice.mail_id.subject}"
                self.reply(notice, quoted)
                self.assertEqual(notice.reply_intent, "dispute")
                # the reason the classifier gives the reply's words
                guess = Phrase.classify_reply(texts["dispute"])
                self.assertTrue(guess["reason_id"])
                dispute = self.env["invoice.dispute"].search(
                    [("partner_id", "=", notice.partner_id.id)]
                )
                self.assertRecordValues(
                    dispute,
                    [
                        {
                            "state": "new",
                            "channel": "email",
                            "reason_id": guess["reason_id"].id,
                            "user_id": self.collectors[lang].id,
                            "amount_disputed": 150.0,
                        }
                    ],
                )
                self.assertEqual(dispute.move_ids, self.invoices[lang])
                # the reply's own words, without the quoted reminder
                self.assertIn(texts["dispute"], dispute.customer_statement)
                self.assertNotIn(notice.mail_id.subject, dispute.customer_statement)
                self.assertEqual(
                    set(self.invoices[lang].mapped("dispute_state")), {"open"}
                )
                activity = notice.activity_ids
                self.assertEqual(activity.user_id, self.collectors[lang])
                self.assertIn(dispute.name, str(activity.note))
                # the note quotes the customer's words, then the phrases
                note = html2plaintext(activity.note)
                self.assertTrue(guess["words"])
                for words in guess["words"] + guess["phrases"]:
                    self.assertIn(f"“{words}”", note)
                self.assertLess(
                    note.index(f"“{guess['words'][0]}”"),
                    note.rindex(f"“{guess['phrases'][0]}”"),
                )
                # a second dispute reply finds the invoices disputed already
                self.reply(notice, texts["dispute"])
                self.assertEqual(
                    self.env["invoice.dispute"].search_count(
                        [("partner_id", "=", notice.partner_id.id)]
                    ),
                    1,
                )
                self.assertEqual(len(notice.activity_ids), 2)

    def test_promise_reply_proposes_the_date(self):
        promised = self.today + timedelta(days=12)
        for lang, texts in REPLIES.items():
            with self.subTest(lang=lang):
                notice = self.notice(lang)
                self.reply(notice, texts["promise"].format(date=f"{promised:%d.%m.%Y}"))
                self.assertEqual(notice.reply_intent, "promise")
                activity = notice.activity_ids
                self.assertEqual(activity.user_id, self.collectors[lang])
                # the date as the collector reads dates
                shown = format_date(self.env(context={"lang": lang}), promised)
                self.assertIn(shown, str(activity.note))
                self.assertFalse(
                    self.env["invoice.dispute"].search(
                        [("partner_id", "=", notice.partner_id.id)]
                    )
                )

    def test_promise_with_a_bare_date_and_reasons_in_words(self):
        """A first-person payment with a date and no phrase ("Uhradíme to
        15. decembra.") is a promise with its date; "only 5 pieces, invoiced
        8" and "received twice" give their reasons to the dispute."""
        promised = self.today + timedelta(days=12)
        texts = {
            "en_US": (
                "We will pay {day}.",
                "We only received 5 pieces but you invoiced 8.",
            ),
            "nl_NL": (
                "Wij betalen {day}.",
                "Wij hebben slechts 5 stuks ontvangen maar er zijn er 8 gefactureerd.",
            ),
            "sk_SK": (
                "Uhradíme to {day}.",
                "Faktúru sme dostali dvakrát, prosím stornujte jednu.",
            ),
            "sv_SE": (
                "Vi betalar {day}.",
                "Vi har fått fakturan två gånger, vänligen makulera den ena.",
            ),
        }
        reasons = {
            "en_US": "reason_quantity",
            "nl_NL": "reason_quantity",
            "sk_SK": "reason_duplicate",
            "sv_SE": "reason_duplicate",
        }
        for lang, (promise, dispute) in texts.items():
            with self.subTest(lang=lang):
                notice = self.notice(lang)
                self.reply(notice, promise.format(day=f"{promised:%d.%m.}"))
                self.assertEqual(notice.reply_intent, "promise")
                shown = format_date(self.env(context={"lang": lang}), promised)
                self.assertIn(shown, str(notice.activity_ids.note))
                notice.activity_ids.unlink()
                self.reply(notice, dispute)
                self.assertEqual(notice.reply_intent, "dispute")
                self.assertEqual(
                    self.env["invoice.dispute"]
                    .search([("partner_id", "=", notice.partner_id.id)])
                    .reason_id,
                    self.env.ref(f"invoice_dispute.{reasons[lang]}"),
                )

    def test_other_intents_give_an_activity_naming_them(self):
        for lang, texts in REPLIES.items():
            Notice = self.env["invoice.reminder.notice"].with_context(lang=lang)
            labels = dict(
                Notice._fields["reply_intent"]._description_selection(Notice.env)
            )
            for intent in ("paid", "plan_request", "question"):
                with self.subTest(lang=lang, intent=intent):
                    notice = self.notice(lang)
                    notice.activity_ids.unlink()
                    self.reply(notice, texts[intent])
                    self.assertEqual(notice.reply_intent, intent)
                    activity = notice.activity_ids
                    self.assertEqual(len(activity), 1)
                    self.assertEqual(activity.user_id, self.collectors[lang])
                    self.assertIn(labels[intent], activity.summary)
                    self.assertIn(notice.name, activity.summary)

    def dsn(self, notice, sender, text, content_type="multipart/report", headers=()):
        """A mail server's delivery status notification for ``notice``'s
        email, to the notice's reply-to: a ``multipart/report`` with the
        human-readable part ``text``, the machine-readable status and the
        headers of the email that failed (RFC 3464), or ``text`` alone in a
        ``text/plain`` email (its subject only "Re: <subject>", so that the
        body or the headers tell the bounce) when ``content_type`` says so."""
        type(self).message_count += 1
        mail = notice.mail_id
        prefix = "Re" if content_type == "text/plain" else "Undeliverable"
        lines = [
            f"From: {sender}\r\n",
            f"To: {mail.reply_to or 'catchall@example.com'}\r\n",
            f"Subject: {prefix}: {mail.subject}\r\n",
            f"Message-ID: <dsn-{self.message_count}@mx.customer.example>\r\n",
            f"In-Reply-To: {mail.message_id}\r\n",
            f"References: {mail.message_id}\r\n",
            "MIME-Version: 1.0\r\n",
            *(f"{name}: {value}\r\n" for name, value in headers),
        ]
        if content_type == "text/plain":
            lines += ["Content-Type: text/plain; charset=utf-8\r\n", "\r\n", text]
        else:
            boundary = f"dsn-boundary-{self.message_count}"
            lines += [
                (
                    "Content-Type: multipart/report; report-type=delivery-status; "
                    f'boundary="{boundary}"\r\n'
                ),
                "\r\n",
                f"--{boundary}\r\n",
                "Content-Type: text/plain; charset=utf-8\r\n\r\n",
                f"{text}\r\n\r\n",
                f"--{boundary}\r\n",
                "Content-Type: message/delivery-status\r\n\r\n",
                "Reporting-MTA: dns; mx.customer.example\r\n\r\n",
                f"Final-Recipient: rfc822; {notice.partner_id.email}\r\n",
                "Action: failed\r\n",
                "Status: 5.2.2\r\n",
                "Diagnostic-Code: smtp; 552 5.2.2 mailbox full\r\n\r\n",
                f"--{boundary}\r\n",
                "Content-Type: text/rfc822-headers\r\n\r\n",
                f"From: {mail.email_from}\r\n",
                f"To: {notice.partner_id.email}\r\n",
                f"Subject: {mail.subject}\r\n",
                f"Message-ID: {mail.message_id}\r\n\r\n",
                f"--{boundary}--\r\n",
            ]
        with freeze_time(self.today):
            return self.env["mail.thread"].message_process(
                False, "".join(lines).encode()
            )

    def test_bounces_create_no_activity(self):
        """A delivery status notification for a notice's email -- Odoo's mail
        gateway takes a ``multipart/report`` or a message from MAILER-DAEMON
        for a bounce and routes it nowhere (``mail.thread.message_route``:
        it counts the bounce on the customer, ``message_bounce``); one it
        does not recognise reaches the notice, whose classifier silences it
        by its ``Auto-Submitted`` header or by its words. No activity, no
        dispute, in any case."""
        notice = self.notice("sk_SK")
        partner = notice.partner_id
        messages = len(notice.message_ids)
        bounces = partner.message_bounce
        body = (
            "Doručenie správy zlyhalo pre týchto príjemcov: "
            f"{partner.email}. Poštová schránka príjemcu je plná."
        )
        # a DSN from the customer's mail server: Odoo's bounce handling
        for sender in (
            "Mail Delivery System <MAILER-DAEMON@mx.customer.example>",
            "Postmaster <postmaster@mx.customer.example>",
        ):
            with self.subTest(sender=sender):
                self.assertFalse(self.dsn(notice, sender, body))
                self.assertFalse(notice.reply_intent)
                self.assertEqual(len(notice.message_ids), messages)
        self.assertEqual(partner.message_bounce, bounces + 2)
        # a bounce Odoo does not recognise (plain text from a postmaster)
        # lands in the chatter, silenced by its header or by its words
        postmaster = "Postmaster <postmaster@mx.customer.example>"
        for headers, text in (
            (
                [("Auto-Submitted", "auto-replied")],
                "We will pay the invoice on Friday.",
            ),
            (
                [("Auto-Submitted", "auto-generated")],
                "We will pay the invoice on Friday.",
            ),
            ((), body),
            ((), "Delivery has failed to these recipients or groups: ap@sk.example"),
            ((), "Mail delivery failed: returning message to sender."),
        ):
            with self.subTest(headers=headers, text=text):
                self.dsn(notice, postmaster, text, "text/plain", headers)
                self.assertEqual(notice.reply_intent, "auto_reply")
        self.assertEqual(len(notice.message_ids), messages + 5)
        self.assertFalse(notice.activity_ids)
        self.assertFalse(
            self.env["invoice.dispute"].search([("partner_id", "=", partner.id)])
        )
