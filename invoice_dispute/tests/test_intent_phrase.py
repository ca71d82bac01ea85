from collections import defaultdict
from datetime import date
from email.message import EmailMessage

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from ..models.intent_model import CORPUS_DIR, fit_intent_model, read_labelled_replies
from ..models.invoice_intent_phrase import normalize_reply
from .common import COLLECTOR_GROUPS, InvoiceDisputeCommon

LANGS = ("en_US", "nl_NL", "sk_SK", "sv_SE")
INTENTS = ("dispute", "promise", "paid", "plan_request", "question", "auto_reply")
GOAL = 0.85
DUPLICATE = "invoice_dispute.reason_duplicate"
SAMPLES = {
    ("en_US", "dispute"): "Sorry, but the amount is wrong: we agreed a lower price.",
    ("en_US", "promise"): "Thanks for the reminder, we will pay on Friday.",
    ("en_US", "paid"): "We already paid this invoice last week, please check.",
    ("en_US", "plan_request"): "Could we pay the invoice in instalments?",
    ("en_US", "question"): "Could you send me a copy of the invoice?",
    ("en_US", "auto_reply"): "I am out of the office until Monday.",
    (
        "nl_NL",
        "dispute",
    ): "Het bedrag klopt niet, wij hadden een andere prijs afgesproken.",
    ("nl_NL", "promise"): "Bedankt voor de herinnering, wij betalen op vrijdag.",
    ("nl_NL", "paid"): "Deze factuur is al betaald, kunt u het nakijken?",
    ("nl_NL", "plan_request"): "Kunnen we deze factuur in termijnen betalen?",
    ("nl_NL", "question"): "Kunt u mij een kopie van de factuur sturen?",
    ("nl_NL", "auto_reply"): "Ik ben tot maandag niet op kantoor.",
    ("sk_SK", "dispute"): "Suma na faktúre nie je správna, dohodli sme inú cenu.",
    ("sk_SK", "promise"): "Ďakujem za pripomenutie, faktúru uhradíme v piatok.",
    ("sk_SK", "paid"): "Túto faktúru sme už zaplatili minulý týždeň.",
    ("sk_SK", "plan_request"): "Môžeme faktúru zaplatiť na splátky?",
    ("sk_SK", "question"): "Môžete mi poslať kópiu faktúry?",
    ("sk_SK", "auto_reply"): "Do pondelka som mimo kancelárie.",
    ("sv_SE", "dispute"): "Beloppet stämmer inte, vi kom överens om ett annat pris.",
    ("sv_SE", "promise"): "Tack för påminnelsen, vi betalar på fredag.",
    ("sv_SE", "paid"): "Vi har redan betalat fakturan, kontrollera gärna.",
    ("sv_SE", "plan_request"): "Kan vi betala fakturan i omgångar?",
    ("sv_SE", "question"): "Kan ni skicka en kopia av fakturan?",
    ("sv_SE", "auto_reply"): "Jag är inte på kontoret förrän på måndag.",
}


def labelled_replies(name="intent_replies.csv"):
    """The labelled replies of the model's corpus file ``name``
    (``intent_model.CORPUS_DIR``): dicts with lang, intent and text."""
    return read_labelled_replies(file_path(f"{CORPUS_DIR}/{name}"))


@tagged("post_install", "-at_install")
class TestIntentPhrase(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Phrase = cls.env["invoice.intent.phrase"]
        cls.replies = labelled_replies()

    def classify(self, text, lang=None, **kwargs):
        return self.Phrase.classify_reply(text, lang=lang, **kwargs)

    def test_phrases_per_language_and_intent(self):
        """At least 15 phrases per language and intent, dispute phrases
        pointing to dispute reasons."""
        counts = {
            (lang, intent): count
            for lang, intent, count in self.Phrase._read_group(
                [], ["lang", "intent"], ["__count"]
            )
        }
        for lang in LANGS:
            for intent in INTENTS:
                self.assertGreaterEqual(counts.get((lang, intent), 0), 15)
        with_reason = self.Phrase.search([("reason_id", "!=", False)])
        self.assertEqual(set(with_reason.mapped("intent")), {"dispute"})

    def test_labelled_set(self):
        """At least 40 labelled replies per language, every intent present,
        none a copy of a phrase."""
        by_lang = defaultdict(set)
        for row in self.replies:
            by_lang[row["lang"]].add(row["intent"])
        for lang in LANGS:
            self.assertGreaterEqual(
                sum(row["lang"] == lang for row in self.replies), 40
            )
            self.assertEqual(by_lang[lang], set(INTENTS))
        phrases = {p.lower() for p in self.Phrase.search([]).mapped("phrase")}
        self.assertFalse(
            [r["text"] for r in self.replies if r["text"].strip().lower() in phrases]
        )

    def test_a_reply_of_each_intent_in_each_language(self):
        """A typical reply of each intent in each language is understood,
        with the language given and detected."""
        for (lang, intent), text in SAMPLES.items():
            with self.subTest(lang=lang, intent=intent):
                result = self.classify(text, lang=lang)
                self.assertEqual(result["intent"], intent, result["scores"])
                self.assertTrue(result["phrases"], "explained by its phrases")
                detected = self.classify(text)
                self.assertEqual(detected["lang"], lang)
                self.assertEqual(detected["intent"], intent)

    def test_held_out_set(self):
        """The held-out set of ``tests/data`` (54 replies per language by a
        writer who saw neither the code nor the corpus, never learnt from;
        the three also in the corpus left out) is
        classified right at least 85 % of the time in each language, and no
        automatic reply is taken for anything else."""
        scores = defaultdict(lambda: [0, 0])
        rows = read_labelled_replies(
            file_path("invoice_dispute/tests/data/intent_replies_blind8.csv")
        )
        corpus = {text.strip() for text in self.Phrase._get_intent_samples()[0]}
        # three short replies ("Vi betalar på fredag.") happen to be word for
        # word in the corpus too: they are not held out
        rows = [row for row in rows if row["text"].strip() not in corpus]
        self.assertEqual(len(rows), 213)
        for row in rows:
            result = self.classify(row["text"], lang=row["lang"])
            scores[row["lang"]][0] += result["intent"] == row["intent"]
            scores[row["lang"]][1] += 1
            if row["intent"] == "auto_reply":
                self.assertEqual(result["intent"], "auto_reply", row["text"])
        self.assertEqual(set(scores), set(LANGS))
        for lang, (correct, total) in scores.items():
            with self.subTest(lang=lang):
                self.assertGreaterEqual(total, 40)
                self.assertGreaterEqual(correct / total, GOAL)

    def test_accuracy_per_language(self):
        """Replies of a writer the model never learnt from are classified
        right at least 85 % of the time in each language (language given or
        detected), and no automatic reply is taken for anything else: the
        last two writers' files (``intent_replies_blind6.csv``,
        ``intent_replies_blind7.csv``), each classified by a model fitted on
        the corpus without it."""
        for name in ("intent_replies_blind6.csv", "intent_replies_blind7.csv"):
            held_out = labelled_replies(name)
            model = fit_intent_model(*self.Phrase._get_intent_samples(exclude=[name]))
            for detect in (False, True):
                scores = defaultdict(lambda: [0, 0])
                for row in held_out:
                    result = self.classify(
                        row["text"],
                        lang=None if detect else row["lang"],
                        intent_model=model,
                    )
                    scores[row["lang"]][0] += result["intent"] == row["intent"]
                    scores[row["lang"]][1] += 1
                    if row["intent"] == "auto_reply":
                        self.assertEqual(result["intent"], "auto_reply", row["text"])
                for lang, (correct, total) in scores.items():
                    with self.subTest(name=name, lang=lang, detect=detect):
                        self.assertGreaterEqual(correct / total, GOAL)

    def test_kinds_of_automatic_replies(self):
        """Acknowledgements, unmonitored mailboxes, people who left, leave
        and part-time days are automatic replies, without any header."""
        replies = {
            "en_US": [
                (
                    "Thank you, we have received your message and will answer "
                    "within two working days."
                ),
                (
                    "Please note: this inbox is not monitored. Invoices go to "
                    "ap@example.com."
                ),
                (
                    "Peter no longer works at Brightline; please write to "
                    "finance@example.com."
                ),
                "I am on parental leave until March, Sara handles payments.",
                (
                    "I work part time (Tuesday to Thursday) and will reply on my "
                    "next working day."
                ),
            ],
            "nl_NL": [
                (
                    "Bedankt, wij hebben uw bericht ontvangen en reageren binnen "
                    "twee werkdagen."
                ),
                (
                    "Let op: dit e-mailadres wordt niet gelezen. Facturen naar "
                    "ap@example.nl."
                ),
                "Mevrouw Bakker is niet meer werkzaam bij ons bedrijf.",
                "Ik ben met ouderschapsverlof tot 1 april.",
                (
                    "Ik werk op maandag en woensdag; uw bericht wordt op mijn "
                    "eerstvolgende werkdag behandeld."
                ),
            ],
            "sk_SK": [
                (
                    "Ďakujeme, vašu správu sme prijali a odpovieme do dvoch "
                    "pracovných dní."
                ),
                (
                    "Táto adresa nie je sledovaná, faktúry posielajte na "
                    "uctaren@example.sk."
                ),
                "Pani Kováčová už v spoločnosti nepracuje.",
                "Som na materskej dovolenke, účtovné veci rieši kolegyňa.",
                "Som PN, pošta počká do môjho návratu.",
            ],
            "sv_SE": [
                (
                    "Tack, vi har tagit emot ditt meddelande och svarar inom två "
                    "arbetsdagar."
                ),
                (
                    "Observera att brevlådan bevakas inte. Fakturor till "
                    "ekonomi@example.se."
                ),
                "Eva har slutat på företaget, kontakta ekonomi@example.se.",
                "Jag är föräldraledig till och med april.",
                "Jag är sjukskriven denna vecka och läser inte min e-post.",
            ],
        }
        for lang, texts in replies.items():
            for text in texts:
                with self.subTest(lang=lang, text=text):
                    self.assertEqual(self.classify(text)["intent"], "auto_reply")
        # a customer's own words on the same subjects are not silenced
        for text, intent in (
            ("We received your reminder but the amount is wrong.", "dispute"),
            ("Wij hebben uw herinnering ontvangen en betalen op vrijdag.", "promise"),
        ):
            with self.subTest(text=text):
                self.assertEqual(self.classify(text)["intent"], intent)

    def test_tense_negation_and_compounds(self):
        """The ending tells paid from promised, a refusal is no promise nor
        payment, a compound word is not its first part, a date in digits no
        count of instalments."""
        for text, intent in (
            ("Vi betalar på måndag.", "promise"),
            ("Vi betalade i måndags.", "paid"),
            ("Vi betalar inte förrän ni skickat en kreditfaktura.", "dispute"),
            ("Wij betalen niet zolang de schade niet hersteld is.", "dispute"),
            ("Vi har redan betalat fakturan.", "paid"),
            ("Kedy je faktúra splatná? Neviem nájsť dátum.", "question"),
            ("Wij betalen de factuur op 12.11.2026.", "promise"),
        ):
            with self.subTest(text=text):
                result = self.classify(text)
                self.assertEqual(result["intent"], intent, result["scores"])

    def test_answer_asked_as_a_question(self):
        """A plan request or an "already paid" asked with a question mark is
        no question: its cue words ("instalments", "termijnen", "splátky",
        "omgångar", a past payment verb) win, and any number of parts is
        understood ("four", "vijf", "šiestich", "fyra")."""
        for lang, text, intent in (
            ("en_US", "Would it be OK to pay it in five instalments?", "plan_request"),
            ("en_US", "Can we pay the balance over four months?", "plan_request"),
            ("nl_NL", "Mogen wij dit in vijf termijnen voldoen?", "plan_request"),
            ("nl_NL", "Kunnen we het saldo over zes maanden aflossen?", "plan_request"),
            ("sk_SK", "Dalo by sa to zaplatiť v šiestich splátkach?", "plan_request"),
            ("sv_SE", "Kan vi betala det här i fyra omgångar?", "plan_request"),
            ("en_US", "We transferred it last week, did it not arrive?", "paid"),
            ("nl_NL", "Wij hebben het gisteren overgemaakt, is het binnen?", "paid"),
            ("sk_SK", "Uhradili sme ju v pondelok, nedošla vám platba?", "paid"),
            ("sv_SE", "Vi har redan betalat den, har ni inte fått den?", "paid"),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], intent, result["scores"])
                self.assertTrue(result["phrases"])
        self.assertEqual(
            normalize_reply("Vier keer, 3 parts, v piatich"),
            " nnum keer nnum parts v nnum ",
        )
        # a question with no answer in it stays a question
        result = self.classify("Which bank account should we pay to?", "en_US")
        self.assertEqual(result["intent"], "question")

    def test_tense_and_negation(self):
        """The ending of a verb tells paid from promised ("betalat" /
        "betalar"), and a promise or payment phrase around a negation is a
        refusal, not a promise."""
        for lang, text, intent in (
            ("sv_SE", "Vi betalar den på fredag.", "promise"),
            ("sv_SE", "Vi har betalat den i fredags.", "paid"),
            ("sk_SK", "Faktúru uhradíme v piatok.", "promise"),
            ("sk_SK", "Faktúru sme uhradili v piatok.", "paid"),
            ("nl_NL", "Wij betalen de factuur vrijdag.", "promise"),
            ("nl_NL", "Wij hebben de factuur vrijdag betaald.", "paid"),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], intent, result["scores"])
        for lang, text in (
            ("en_US", "We will not pay it until you send a credit note."),
            ("sv_SE", "Vi betalar inte fakturan förrän den är rättad."),
            ("nl_NL", "Wij betalen niet op vrijdag, het bedrag klopt niet."),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertNotIn(result["intent"], ("promise", "paid"), result)

    def test_auto_reply_wins(self):
        """An out-of-office text or an automatic-reply header wins over any
        other intent; since round 8, an out-of-office structure (absence and
        return) without a strong cue yields to a dispute or a payment said
        in words of its phrases (``CUSTOMER_CONTENT_MIN``)."""
        text = (
            "I am out of the office until Monday. We will pay on Friday and can "
            "we pay in three parts?"
        )
        self.assertEqual(self.classify(text, "en_US")["intent"], "auto_reply")
        text = (
            "I am out of the office until Monday. We will pay on Friday, the "
            "amount is wrong and can we pay in three parts?"
        )
        self.assertNotEqual(self.classify(text, "en_US")["intent"], "auto_reply")
        self.assertEqual(
            self.classify(f"Automatic reply: {text}", "en_US")["intent"], "auto_reply"
        )
        dispute = "The amount is wrong, we did not order this."
        self.assertEqual(self.classify(dispute, "en_US")["intent"], "dispute")
        for headers, header in (
            ({"Auto-Submitted": "auto-replied"}, "auto-submitted"),
            ({"headers": {"X-Autoreply": "yes"}}, "x-autoreply"),
            ({"precedence": "auto_reply"}, "precedence"),
        ):
            result = self.classify(dispute, "en_US", message=headers)
            self.assertEqual(result["intent"], "auto_reply")
            self.assertEqual(result["auto_reply_header"], header)
            self.assertFalse(result["reason_id"])
        # a human reply says so explicitly
        result = self.classify(dispute, "en_US", message={"Auto-Submitted": "no"})
        self.assertEqual(result["intent"], "dispute")
        # an email.message.Message, the body taken from it
        email = EmailMessage()
        email["Subject"] = "Re: Payment reminder"
        email["X-Autorespond"] = "true"
        email.set_content("We paid this invoice on Monday.")
        self.assertEqual(self.classify("", message=email)["intent"], "auto_reply")
        del email["X-Autorespond"]
        self.assertEqual(self.classify("", message=email)["intent"], "paid")
        # the subject of an automatic reply, with an empty body
        result = self.classify(
            "", message={"subject": "Automatisch antwoord: Betalingsherinnering"}
        )
        self.assertEqual(result["intent"], "auto_reply")

    def test_auto_reply_by_structure(self):
        """Automatic replies are told by their structure, whatever their exact
        words: a strong cue alone ("automatic", "do not reply"), or two kinds
        of cues (absence and return date, absence and alternate contact,
        receipt and delay, receipt and ticket number); they win over the
        payment words they hold. A customer who only mentions someone's
        holiday is heard."""
        for lang, text in (
            ("en_US", "Auto response: thanks, your invoice will be processed by AP."),
            ("en_US", "Our team is on holiday until 4 January, we pay then."),
            ("en_US", "Sam is travelling. Payment questions: contact pay@x.example"),
            (
                "en_US",
                (
                    "We received your message about payment. Case 88812 is open; "
                    "we reply within 3 business days."
                ),
            ),
            ("nl_NL", "Automatisch bericht: wij betalen facturen op vrijdag."),
            ("nl_NL", "Ik ben afwezig t/m 6 januari, betalingen via mijn collega."),
            ("nl_NL", "Gelieve niet te antwoorden op deze e-mail over uw factuur."),
            ("sk_SK", "Som na dovolenke do 8. januára, faktúry uhradíme potom."),
            ("sk_SK", "Vasu spravu sme prijali, odpovieme do 2 pracovnych dni."),
            ("sv_SE", "Jag har semester till den 7 januari, betalning efter det."),
            ("sv_SE", "Detta ar ett automatiskt svar, fakturan betalas av ekonomi."),
            ("sv_SE", "Vi har tagit emot ditt mejl. Arendenummer 4471."),
        ):
            with self.subTest(text=text):
                result = self.classify(text)
                self.assertEqual(result["intent"], "auto_reply", result)
                self.assertEqual(result["lang"], lang)
        for lang, text in (
            ("en_US", "Our director is on holiday, we will pay on Friday."),
            ("nl_NL", "Sorry, ik was ziek. Wij betalen morgen."),
            ("sk_SK", "Faktúru uhradíme po návrate konateľa z dovolenky."),
            ("sv_SE", "Jag var ledig förra veckan, vi betalar på fredag."),
        ):
            with self.subTest(text=text):
                self.assertEqual(self.classify(text, lang)["intent"], "promise")

    def test_read_receipts_departures_tickets(self):
        """Read receipts ("Read: ..." and "your message was read on"), delivery
        reports and bounces, "your message was not forwarded", people
        who left the company with an address to write to, and requests
        registered under a number are automatic replies in en, nl, sk, sv; a
        customer who only says someone left, or that they read the
        message, is heard."""
        for lang, text in (
            ("en_US", "Read: Invoice 2026/0012. Your message was read on 3 March."),
            ("en_US", "Read receipt: your email has been read by J. Smith."),
            ("nl_NL", "Gelezen: Herinnering 88. Uw bericht is gelezen op 2 maart."),
            ("sk_SK", "Prečítané: Faktúra 12. Správa bola prečítaná dňa 3. 3. 2026."),
            ("sv_SE", "Läst: Påminnelse. Meddelandet lästes den 2 mars 2026."),
            (
                "en_US",
                "Tom Baker no longer works at Acme. Please write to ap@acme.example",
            ),
            ("en_US", "Ann has left the company. Please direct emails to ap@x.example"),
            ("nl_NL", "Jan is niet langer werkzaam bij ons. Mail naar info@x.example"),
            (
                "sk_SK",
                "Pani Nová už nie je zamestnankyňou. Obráťte sa na info@x.example",
            ),
            ("sv_SE", "Anna Berg arbetar inte längre här. Kontakta info@x.example"),
            (
                "en_US",
                (
                    "Your request has been logged with reference 44512. "
                    "We respond within 2 business days."
                ),
            ),
            ("nl_NL", "Uw verzoek is geregistreerd onder nummer 7781."),
            ("sk_SK", "Vaša požiadavka bola zaevidovaná pod číslom #58231."),
            ("sv_SE", "Ditt ärende har registrerats med nummer 5512."),
            ("en_US", "Thanks. A case (CS-00441) has been created for your request."),
            ("sk_SK", "Vašu správu sme zaevidovali pod číslom 2026/4471."),
            ("sv_SE", "Ärendet har fått ärendenummer 88123."),
            ("sv_SE", "Lars Ek har slutat hos oss. Skicka ditt mejl till e@ek.example"),
            ("en_US", "Read: Overdue invoice 0012"),
            ("nl_NL", "Gelezen: Betalingsherinnering factuur 2026-14"),
            ("en_US", "Delivery receipt: your message was delivered to J. Smith."),
            (
                "en_US",
                "Ann is no longer employed by Delta. Your message was not forwarded.",
            ),
            ("sv_SE", "Undeliverable: mejlet kunde inte levereras till mottagaren."),
        ):
            with self.subTest(text=text):
                result = self.classify(text)
                self.assertEqual(result["intent"], "auto_reply", result)
                self.assertEqual(result["lang"], lang)
        for lang, text in (
            ("en_US", "Our accountant has left, but the price is not what we agreed."),
            ("en_US", "I read your message: who can I contact about the invoice?"),
            ("nl_NL", "Ik heb uw bericht gelezen, wij betalen morgen."),
            ("sv_SE", "Jag har läst ditt meddelande, vi betalar på fredag."),
            ("en_US", "Already read your reminder: we paid on 3 March."),
            ("en_US", "The goods were delivered to the wrong site, we will not pay."),
        ):
            with self.subTest(text=text):
                self.assertNotEqual(self.classify(text, lang)["intent"], "auto_reply")

    def test_events_closures_and_bounces(self):
        """Absences for an event (conference, trade fair, training, course,
        offsite), closures of the whole office (holidays, summer shutdown,
        company holiday) with a return date, and delivery status
        notifications (a strong cue alone: undeliverable, delivery failed,
        mailbox full, address not found) are automatic replies in en, nl, sk
        (with and without diacritics), sv; a customer writing about a
        training invoice, a closed contract, a failed delivery of goods or
        their own full mailbox is heard."""
        for lang, text in (
            (
                "en_US",
                (
                    "I am at the Hannover trade fair until Friday 14 June. For "
                    "urgent billing questions contact ap@norden.example."
                ),
            ),
            (
                "en_US",
                (
                    "Thanks for your mail. I'm attending a training course this "
                    "week and will be back on Monday 3 March."
                ),
            ),
            ("en_US", "We are at the company offsite until Thursday."),
            (
                "nl_NL",
                (
                    "Ik ben op cursus tot en met woensdag 5 maart. Voor dringende "
                    "vragen kunt u contact opnemen met finance@bouw.example."
                ),
            ),
            (
                "nl_NL",
                (
                    "Wij staan deze week op de vakbeurs in Utrecht en zijn vanaf "
                    "maandag 17 maart weer bereikbaar."
                ),
            ),
            ("nl_NL", "Ik ben op studiedag en lees mijn mail weer op 4 april."),
            ("sk_SK", "Do 12. 5. som na konferencii v Brne, späť budem v pondelok."),
            ("sk_SK", "Tento tyzden som na skoleni, odpoviem po navrate."),
            (
                "sv_SE",
                (
                    "Jag är på konferens i Malmö till och med torsdag och svarar när "
                    "jag är tillbaka."
                ),
            ),
            (
                "sv_SE",
                (
                    "Jag deltar i en utbildning hela veckan och är tillbaka måndag "
                    "10 mars."
                ),
            ),
            (
                "en_US",
                (
                    "Our office will be closed for the Christmas holidays from 23 "
                    "December until 2 January. We will respond when we return."
                ),
            ),
            (
                "en_US",
                (
                    "Please note that our warehouse and office are closed for the "
                    "summer shutdown until 18 August."
                ),
            ),
            (
                "nl_NL",
                "Ons kantoor is gesloten wegens de kerstvakantie tot en met 2 januari.",
            ),
            ("nl_NL", "Wegens bouwvak zijn wij gesloten van 21 juli t/m 8 augustus."),
            (
                "sk_SK",
                (
                    "Od 23. 12. do 2. 1. máme celozávodnú dovolenku. Na vašu správu "
                    "odpovieme po návrate."
                ),
            ),
            ("sk_SK", "Kancelaria je zatvorena do 6. 1. 2027."),
            ("sk_SK", "Firma je zatvorená od 22. 12. do 3. 1."),
            (
                "en_US",
                (
                    "Please note our company holiday: we are closed from 28 July to "
                    "15 August."
                ),
            ),
            (
                "en_US",
                (
                    "Our office is closed for the holiday season and reopens on "
                    "Monday 5 January."
                ),
            ),
            ("sv_SE", "Kontoret är stängt för helgerna till och med den 6 januari."),
            (
                "sv_SE",
                "Kontoret är stängt för semester till och med 8 augusti.",
            ),
            (
                "sv_SE",
                "Vi har industrisemester vecka 28-31 och är tillbaka måndag 4 augusti.",
            ),
            (
                "en_US",
                (
                    "Delivery has failed to these recipients or groups: "
                    "billing@kestrel.example"
                ),
            ),
            ("en_US", "Mail delivery failed: returning message to sender."),
            (
                "en_US",
                (
                    "Your message wasn't delivered to ap@oldco.example because the "
                    "address couldn't be found."
                ),
            ),
            (
                "nl_NL",
                (
                    "Onbestelbaar: Betalingsherinnering. Bezorging is mislukt voor "
                    "deze ontvangers of groepen: boekhouding@zand.example"
                ),
            ),
            (
                "nl_NL",
                (
                    "Uw bericht kon niet worden bezorgd omdat het postvak van de "
                    "ontvanger vol is."
                ),
            ),
            (
                "sk_SK",
                (
                    "Nedoručiteľné: Upomienka. Správu sa nepodarilo doručiť na "
                    "adresu uctaren@firma.example."
                ),
            ),
            (
                "sk_SK",
                "Dorucenie zlyhalo pre tychto prijemcov: uctaren@firma.example",
            ),
            (
                "sv_SE",
                (
                    "Olevererbart: Påminnelse. Leveransen misslyckades till de här "
                    "mottagarna eller grupperna: ekonomi@gard.example"
                ),
            ),
            (
                "sv_SE",
                (
                    "Ditt meddelande kunde inte levereras eftersom mottagarens "
                    "brevlåda är full."
                ),
            ),
        ):
            with self.subTest(text=text):
                result = self.classify(text)
                self.assertEqual(result["intent"], "auto_reply", result)
                self.assertEqual(result["lang"], lang)
        # a bounce is silenced even when it quotes payment words
        result = self.classify(
            "Undeliverable: we will pay the invoice on Friday", "en_US"
        )
        self.assertEqual(result["intent"], "auto_reply")
        for lang, text in (
            (
                "en_US",
                (
                    "The delivery failed twice and the goods were returned to "
                    "sender, so we will not pay this invoice."
                ),
            ),
            ("en_US", "We were charged for the training course but it was cancelled."),
            ("en_US", "Could you resend the invoice? My mailbox was full last week."),
            (
                "en_US",
                (
                    "We met at the trade fair and agreed a lower price, the invoice "
                    "is wrong."
                ),
            ),
            (
                "nl_NL",
                (
                    "De levering is mislukt, het pakket kwam retour afzender. Wij "
                    "betalen deze factuur niet."
                ),
            ),
            (
                "nl_NL",
                (
                    "De overeenkomst is gesloten op 1 maart tegen een lagere prijs, "
                    "het bedrag klopt niet."
                ),
            ),
            ("nl_NL", "Fijne feestdagen! Wij betalen de factuur voor 5 januari."),
            ("sk_SK", "Faktúra za školenie nesedí, boli sme tam len dvaja."),
            (
                "sk_SK",
                "Doručenie tovaru zlyhalo, tovar sme nedostali, faktúru neuhradíme.",
            ),
            ("sv_SE", "Leveransen misslyckades, varorna kom aldrig fram."),
            ("sv_SE", "Min inkorg var full, kan ni skicka fakturan igen?"),
        ):
            with self.subTest(text=text):
                self.assertNotEqual(self.classify(text, lang)["intent"], "auto_reply")

    def test_promise_on_return_is_a_promise(self):
        """A person who promises to pay or approve once back in the office
        is heard, although the reply holds an absence and a return as an
        out-of-office notice does; a robot's cue or an automatic-reply
        header still silences it."""
        for lang, text in (
            (
                "en_US",
                "As soon as I'm back in the office on Monday I'll pay the invoice.",
            ),
            ("en_US", "I am travelling; once I am back on Thursday I will approve it."),
            (
                "nl_NL",
                "Zodra ik volgende week weer op kantoor ben betaal ik de factuur.",
            ),
            (
                "nl_NL",
                (
                    "Ik ben nu op vakantie, als ik maandag terug ben keur ik de "
                    "factuur goed."
                ),
            ),
            (
                "sk_SK",
                "Hneď ako budem v pondelok späť v kancelárii, faktúru zaplatím.",
            ),
            ("sk_SK", "Som na dovolenke, ked sa vratim v utorok, fakturu uhradim."),
            (
                "sv_SE",
                "Så fort jag är tillbaka på kontoret på måndag betalar jag fakturan.",
            ),
            (
                "sv_SE",
                (
                    "Jag är på resa, när jag kommer tillbaka på onsdag godkänner jag "
                    "fakturan."
                ),
            ),
        ):
            with self.subTest(text=text):
                result = self.classify(text)
                self.assertEqual(result["intent"], "promise", result)
                self.assertEqual(result["lang"], lang)
        text = "As soon as I'm back in the office on Monday I'll pay the invoice."
        self.assertEqual(
            self.classify(f"Automatic reply: {text}", "en_US")["intent"], "auto_reply"
        )
        self.assertEqual(
            self.classify(text, "en_US", message={"Auto-Submitted": "auto-replied"})[
                "intent"
            ],
            "auto_reply",
        )
        # an out-of-office notice promising only to answer stays one
        self.assertEqual(
            self.classify(
                "I am on a business trip until 20 May and will reply as soon as "
                "I am back.",
                "en_US",
            )["intent"],
            "auto_reply",
        )

    def test_short_absences_and_closures_in_any_word_order(self):
        """Round 8: short absence notices without "out of office" (ill, off,
        not working, at a training, reachable in part: "slow to respond",
        "beperkt bereikbaar", "odpoveď môže byť oneskorená", "läser inte
        mejl") with the day, a return or the time the messages are read, an
        urgent phone number, and closures of the office whatever the word
        order or inflection, with the date from which payments or messages
        are handled, are automatic replies in en, nl, sk, sv."""
        for lang, text in (
            ("en_US", "Off sick today, back tomorrow."),
            ("en_US", "I am not working today and will respond tomorrow."),
            (
                "en_US",
                (
                    "At the Hortifair this week, so I will be slow to respond. "
                    "Replies may be delayed until Monday 12 May."
                ),
            ),
            (
                "en_US",
                (
                    "From 24 December to 2 January is our office closed. Payments "
                    "are processed from 4 January."
                ),
            ),
            ("nl_NL", "Vandaag ben ik ziek, morgen ben ik weer terug."),
            ("nl_NL", "Op vrijdag werk ik niet. Maandag lees ik uw bericht."),
            (
                "nl_NL",
                (
                    "Tijdens de zomer is onze vestiging gesloten. Facturen worden "
                    "verwerkt vanaf 10 augustus."
                ),
            ),
            (
                "nl_NL",
                (
                    "Deze week zijn wij beperkt bereikbaar wegens de verhuizing. "
                    "Vanaf maandag 3 maart reageren wij weer."
                ),
            ),
            ("sk_SK", "Dnes som chorá, odpoviem zajtra."),
            (
                "sk_SK",
                (
                    "Od 22.12. do 4.1. je naša prevádzka zatvorená, faktúry budú "
                    "spracované po 5.1."
                ),
            ),
            (
                "sk_SK",
                (
                    "V dňoch 3. – 5. marca čerpáme firemnú dovolenku, e-maily "
                    "vybavíme od 8.3."
                ),
            ),
            (
                "sk_SK",
                (
                    "Tento týždeň sa zúčastňujeme seminára, preto môže byť naša "
                    "odpoveď oneskorená. Od pondelka sme opäť k dispozícii."
                ),
            ),
            ("sv_SE", "Sjuk idag, åter på måndag."),
            (
                "sv_SE",
                (
                    "Under julhelgen är vårt kontor stängt. Fakturor behandlas från "
                    "den 7 januari."
                ),
            ),
            (
                "sv_SE",
                (
                    "Jag är ledig idag och läser inte mejl. I brådskande fall ring "
                    "08-123 45 67."
                ),
            ),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "auto_reply", result)
        # the words alone, without a day, a return or a contact, are heard
        for lang, text in (
            ("en_US", "I was off sick, sorry: we will pay on Friday."),
            ("nl_NL", "Ik was ziek, sorry. Wij betalen de factuur op vrijdag."),
            ("sk_SK", "Bola som chorá, faktúru uhradíme v piatok."),
            ("sv_SE", "Jag var sjuk förra veckan, vi betalar på fredag."),
        ):
            with self.subTest(text=text):
                self.assertEqual(self.classify(text, lang)["intent"], "promise")

    def test_first_person_action_after_return_is_a_promise(self):
        """Round 8: after an absence, the writer's return (or that of the
        one who signs the payments) followed by a first-person action on the
        invoice ("then I'll approve it", "dan zet ik de factuur klaar voor
        betaling", "faktúru hneď zadám na úhradu", "och betalar den direkt
        då") is a promise; an absence notice about the backlog of all
        pending invoices is still an automatic reply."""
        for lang, text in (
            (
                "en_US",
                (
                    "I'm on holiday this week, but I'll be back on Monday and then "
                    "I'll approve it straight away."
                ),
            ),
            (
                "nl_NL",
                (
                    "Ik zit nog in het buitenland, woensdag ben ik terug en dan zet "
                    "ik de factuur klaar voor betaling."
                ),
            ),
            (
                "sk_SK",
                (
                    "Som na služobnej ceste, vo štvrtok budem v kancelárii a "
                    "faktúru hneď zadám na úhradu."
                ),
            ),
            (
                "sk_SK",
                (
                    "Konateľ je na dovolenke do 4. 12., hneď po jeho návrate "
                    "faktúru uhradíme."
                ),
            ),
            (
                "sv_SE",
                (
                    "Jag är på semester men är tillbaka på tisdag och betalar den "
                    "direkt då."
                ),
            ),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "promise", result)
        self.assertEqual(
            self.classify(
                "I am travelling until Friday and will review all pending invoices "
                "and process payments upon my return.",
                "en_US",
            )["intent"],
            "auto_reply",
        )

    def test_dispute_or_payment_is_not_silenced(self):
        """Round 8: a customer's reply that tells of a day off or leave
        (the structure of an absence notice) but disputes the invoice or
        says it was paid is heard; a receipt said in the negative ("wij
        hebben geen bericht ontvangen") is no receipt. A strong cue still
        silences."""
        for lang, text, intent in (
            (
                "en_US",
                (
                    "I took the day off work on Monday and waited from 8 to 5, "
                    "but your engineer never showed up. Please remove this "
                    "charge."
                ),
                "dispute",
            ),
            (
                "nl_NL",
                (
                    "Ik ben vandaag vrij en zag uw aanmaning: het bedrag klopt "
                    "niet, wij hadden een andere prijs afgesproken."
                ),
                "dispute",
            ),
            (
                "nl_NL",
                (
                    "Wij hebben geen bericht ontvangen dat uw rekeningnummer "
                    "gewijzigd was. Wij hebben het bedrag op 3 maart al "
                    "overgemaakt."
                ),
                "paid",
            ),
            (
                "sk_SK",
                (
                    "Dnes som na dovolenke, ale musím napísať: suma na faktúre "
                    "nie je správna, dohodli sme inú cenu."
                ),
                "dispute",
            ),
            (
                "sv_SE",
                (
                    "Jag är ledig idag men såg påminnelsen: vi har redan betalat "
                    "fakturan den 3 mars."
                ),
                "paid",
            ),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], intent, result)
        self.assertEqual(
            self.classify(
                "Automatic reply: I took the day off. The amount is wrong.", "en_US"
            )["intent"],
            "auto_reply",
        )

    def test_the_customers_own_words(self):
        """The guess is explained by the reply's own words where the phrases
        were found (``words``: its spelling, case and accents, parts that
        touch joined), beside the list's phrases (``phrases``), in en, nl,
        sk, sv; an automatic reply told by its structure has none."""
        for lang, text, words in (
            (
                "en_US",
                "Hi Anna,\n\nWe'll pay it on Friday, promise.\n\nBob",
                "We'll pay it on Friday",
            ),
            (
                "en_US",
                "Hello, the price on this invoice is wrong, we agreed a lower price.",
                "the price on this invoice is wrong",
            ),
            (
                "nl_NL",
                "Het BEDRAG klopt niet, wij hadden 3 uur afgesproken.",
                "Het BEDRAG klopt niet",
            ),
            (
                "sk_SK",
                "Dobrý deň, faktúru uhradíme v piatok 12.6.2026.",
                "faktúru uhradíme",
            ),
            (
                "sv_SE",
                "Hej! Vi har redan betalat fakturan den 3 mars.",
                "Vi har redan betalat fakturan",
            ),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertTrue(result["phrases"])
                self.assertTrue(any(words in part for part in result["words"]), result)
                for part in result["words"]:
                    self.assertIn(part, " ".join(text.split()))
        # the phrase is not the customer's wording
        result = self.classify(
            "Hello, the price on this invoice is wrong, we agreed a lower price.",
            "en_US",
        )
        self.assertNotIn("the price on this invoice is wrong", result["phrases"])

    def test_deferral_is_a_plan_request(self):
        """Round 8: asking to pay later than the due date (an extension, a
        deferral: "uitstel van betaling", "odklad splatnosti", "anstånd")
        is a plan request in en, nl, sk, sv, even when it says it will then
        pay in full."""
        for lang, text in (
            (
                "en_US",
                "Could we get an extension on the invoice until the end of March?",
            ),
            (
                "en_US",
                "Would it be possible to defer payment until our grant comes in?",
            ),
            ("nl_NL", "Kunnen wij uitstel van betaling krijgen tot 1 februari?"),
            ("nl_NL", "Wij vragen uitstel van betaling tot eind januari."),
            ("sk_SK", "Prosíme o odklad splatnosti o 30 dní, potom faktúru uhradíme."),
            ("sk_SK", "Mohli by sme dostať odklad platby do konca januára?"),
            ("sv_SE", "Kan vi få anstånd med betalningen till den 15 januari?"),
            ("sv_SE", "Vi skulle behöva skjuta upp betalningen till februari."),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "plan_request", result)

    def test_payment_said_done_is_paid(self):
        """Round 9: a reply saying that the payment was made (sent,
        transferred, collected by direct debit, to an old account) is a
        payment made even when it asks something, in en, nl, sk, sv; paying
        twice is a payment made too; "not paid yet" is none."""
        for lang, text in (
            (
                "en_US",
                (
                    "We transferred the money on 3 November to your old account. "
                    "Could you check whether it arrived?"
                ),
            ),
            (
                "en_US",
                (
                    "The payment was collected by direct debit last week, so why do I "
                    "get a reminder?"
                ),
            ),
            (
                "nl_NL",
                (
                    "Wij hebben het bedrag op 3 november naar jullie oude rekening "
                    "overgemaakt. Kunnen jullie nagaan of het is aangekomen?"
                ),
            ),
            (
                "nl_NL",
                (
                    "De betaling is gisteren uitgevoerd, kunt u controleren of het "
                    "bedrag binnen is?"
                ),
            ),
            ("nl_NL", "Wij hebben deze factuur per ongeluk twee keer betaald."),
            (
                "sk_SK",
                (
                    "Platbu sme odoslali 3. novembra na váš starý účet. Môžete "
                    "skontrolovať, či prišla?"
                ),
            ),
            (
                "sk_SK",
                (
                    "Faktúra bola uhradená inkasom minulý týždeň, prečo mi chodí "
                    "upomienka?"
                ),
            ),
            (
                "sv_SE",
                (
                    "Betalningen skickades den 3 november till ert gamla konto. Kan ni "
                    "kontrollera om den kommit fram?"
                ),
            ),
            (
                "sv_SE",
                (
                    "Beloppet drogs via autogiro förra veckan, varför får jag en "
                    "påminnelse?"
                ),
            ),
            (
                "sv_SE",
                "Vi råkade betala fakturan två gånger, kan ni betala tillbaka den ena?",
            ),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "paid", result)
        for lang, text in (
            ("en_US", "We have not paid yet, can you send the bank details?"),
            ("nl_NL", "Wij hebben nog niet betaald, kunt u het IBAN sturen?"),
            ("sk_SK", "Ešte sme nezaplatili, môžete poslať číslo účtu?"),
            ("sv_SE", "Vi har inte betalat än, kan ni skicka bankgironumret?"),
        ):
            with self.subTest(text=text):
                self.assertNotEqual(self.classify(text, lang)["intent"], "paid")

    def test_payment_after_a_correction_is_a_dispute(self):
        """Round 9: a payment promised only once the supplier puts something
        right (a corrected invoice, a credit note) is a dispute, as is an
        invoice received twice or a cancelled subscription still billed; a
        payment once the payer is back stays a promise."""
        for lang, text in (
            (
                "en_US",
                "The hours are wrong. We will pay once we receive a corrected invoice.",
            ),
            (
                "nl_NL",
                (
                    "Het aantal uren klopt niet. Wij betalen zodra we een creditnota "
                    "hebben ontvangen."
                ),
            ),
            ("sk_SK", "Polovica tovaru chýbala, zaplatíme až keď dostaneme dobropis."),
            (
                "sv_SE",
                (
                    "Priset är inte det vi kom överens om, vi betalar när vi fått en "
                    "rättad faktura."
                ),
            ),
            ("en_US", "You sent this invoice twice, we received it two times."),
            (
                "nl_NL",
                "De factuur is dubbel verstuurd, wij hebben hem twee keer ontvangen.",
            ),
            ("sk_SK", "Túto faktúru sme dostali dvakrát, raz poštou a raz e-mailom."),
            (
                "sv_SE",
                "Ni har skickat samma faktura två gånger, vi fick den två gånger.",
            ),
            (
                "en_US",
                "I cancelled my subscription in May, why am I still being billed?",
            ),
            (
                "nl_NL",
                (
                    "Ik heb mijn abonnement in mei opgezegd. Waarom krijg ik nog een "
                    "factuur?"
                ),
            ),
            (
                "sk_SK",
                "Zrušil som predplatné v máji, prečo mi stále posielate faktúry?",
            ),
            (
                "sv_SE",
                (
                    "Jag sa upp mitt abonnemang i maj, varför får jag fortfarande "
                    "fakturor?"
                ),
            ),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "dispute", result)
        result = self.classify("De factuur is dubbel verstuurd.", "nl_NL")
        self.assertEqual(result["reason_id"], self.env.ref(DUPLICATE))
        result = self.classify("We will pay once I am back in the office on Monday.")
        self.assertEqual(result["intent"], "promise")

    def test_promise_beside_a_fee_is_a_promise(self):
        """Round 9: a first-person payment in the future beside an objection
        to or a question about a fee only (late fee, administration costs,
        reminder fee) is a promise; refusing to pay the fee is a dispute."""
        for lang, text in (
            (
                "en_US",
                "I will pay the invoice next week, but please explain the late fee.",
            ),
            (
                "nl_NL",
                (
                    "Ik betaal de factuur vrijdag, maar de administratiekosten "
                    "kloppen niet."
                ),
            ),
            (
                "sk_SK",
                "Faktúru uhradíme v piatok, ale poplatok za upomienku je neoprávnený.",
            ),
            (
                "sv_SE",
                (
                    "Jag håller inte med om förseningsavgiften, men fakturan "
                    "betalar jag på fredag."
                ),
            ),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "promise", result)
        for lang, text in (
            ("en_US", "We will not pay the late fee, the delay was yours."),
            ("nl_NL", "Wij betalen de aanmaningskosten niet, de factuur kwam te laat."),
        ):
            with self.subTest(text=text):
                self.assertEqual(self.classify(text, lang)["intent"], "dispute")

    def test_round_9_phrases(self):
        """Round 9's phrases are found, in en, nl, sk, sv: wrong VAT or tax
        (dispute), asking for an extension (plan request), forgetting to pay
        (promise)."""
        for lang, text, intent, phrase in (
            (
                "en_US",
                "We are tax exempt, so the invoice should not include any tax.",
                "dispute",
                "we are tax exempt",
            ),
            (
                "nl_NL",
                "De btw is verkeerd berekend op deze factuur.",
                "dispute",
                "de btw is verkeerd berekend",
            ),
            (
                "sk_SK",
                "Na faktúre je nesprávna sadzba DPH.",
                "dispute",
                "nesprávna sadzba DPH",
            ),
            ("sv_SE", "Momsen är fel på den här fakturan.", "dispute", "momsen är fel"),
            (
                "en_US",
                "Can we get an extension until the end of the month?",
                "plan_request",
                "can we get an extension",
            ),
            (
                "nl_NL",
                "Kunnen we uitstel krijgen tot het einde van de maand?",
                "plan_request",
                "kunnen we uitstel krijgen",
            ),
            (
                "sk_SK",
                "Môžeme dostať odklad do konca mesiaca?",
                "plan_request",
                "môžeme dostať odklad",
            ),
            (
                "sv_SE",
                "Kan vi få anstånd till slutet av månaden?",
                "plan_request",
                "kan vi få anstånd",
            ),
            (
                "en_US",
                "Sorry, it slipped my mind. I will take care of it tomorrow.",
                "promise",
                "it slipped my mind",
            ),
            (
                "nl_NL",
                "Excuses, ik ben vergeten te betalen. Ik regel het morgen.",
                "promise",
                "vergeten te betalen",
            ),
            (
                "sk_SK",
                "Prepáčte, zabudol som zaplatiť. Zajtra to vybavím.",
                "promise",
                "zabudol som zaplatiť",
            ),
            (
                "sv_SE",
                "Förlåt, jag glömde att betala. Jag ordnar det i morgon.",
                "promise",
                "glömde att betala",
            ),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], intent, result)
                self.assertIn(phrase, result["phrases"])

    def test_plan_request_not_silenced_by_an_absence(self):
        """Round 9: a customer on leave or ill who asks to pay in parts is
        heard (a plan request's phrases outweigh an absence phrase), and
        "cant" without its apostrophe is "can not", no refusal."""
        for lang, text in (
            (
                "en_US",
                (
                    "I am on parental leave and money is tight. Could I pay a bit each "
                    "month?"
                ),
            ),
            (
                "nl_NL",
                (
                    "Ik ben met zwangerschapsverlof en heb minder inkomen. Kan ik per "
                    "maand aflossen?"
                ),
            ),
            (
                "sk_SK",
                (
                    "Som na rodičovskej dovolenke a máme menej peňazí. Môžem to "
                    "splácať mesačne?"
                ),
            ),
            (
                "sv_SE",
                (
                    "Jag är föräldraledig och har mindre pengar. Kan jag betala av "
                    "varje månad?"
                ),
            ),
            ("en_US", "i cant pay it all at once, can we split it?"),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "plan_request", result)
        self.assertEqual(normalize_reply("i cant, we dont"), " i can not we do not ")

    def test_part_time_and_summer_closure_notices(self):
        """Round 9: part-time notices answering on the next working day and
        office closures handled "from" a date are automatic replies; an
        absence with an approval on return ("men attesterar ... när jag är
        tillbaka") is a promise."""
        for lang, text in (
            (
                "sk_SK",
                "Pracujem na skrátený úväzok. Odpoviem v najbližší pracovný deň.",
            ),
            (
                "sv_SE",
                (
                    "Kontoret är julstängt vecka 52. Inkommande post hanteras från och "
                    "med 5 januari."
                ),
            ),
            ("en_US", "I work part time. I will reply on the first working day."),
            ("nl_NL", "Ik werk parttime en reageer op de eerstvolgende werkdag."),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "auto_reply", result)
        text = (
            "Jag är på konferens i dag men attesterar fakturan när jag är tillbaka "
            "i morgon."
        )
        self.assertEqual(self.classify(text, "sv_SE")["intent"], "promise")

    def test_change_of_address_is_a_question(self):
        """A customer asking to send the invoices to a new address from now
        on is a question, even saying the old address is no longer used; a
        robot's "not monitored, send invoices to" stays an automatic
        reply."""
        for lang, text in (
            ("en_US", "From now on please send invoices to billing@acme.example."),
            ("en_US", "Please send all future invoices to ap@acme.example. Thanks."),
            (
                "nl_NL",
                (
                    "Stuur de facturen voortaan naar f@bakker.example, dit adres "
                    "wordt niet meer gelezen."
                ),
            ),
            (
                "sk_SK",
                (
                    "Faktúry nám odteraz posielajte na u@firma.example, táto "
                    "adresa sa už nepoužíva."
                ),
            ),
            (
                "sv_SE",
                (
                    "Skicka fakturorna till f@berg.example istället, den gamla "
                    "adressen används inte längre."
                ),
            ),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "question", result)
        for lang, text in (
            (
                "en_US",
                (
                    "This mailbox is no longer monitored. Please send invoices "
                    "to ap@x.example."
                ),
            ),
            (
                "sk_SK",
                "Táto schránka sa už nesleduje. Faktúry posielajte na f@x.example.",
            ),
            (
                "en_US",
                (
                    "This is an automated response: from now on send invoices "
                    "to ap@x.example."
                ),
            ),
        ):
            with self.subTest(text=text):
                self.assertEqual(self.classify(text, lang)["intent"], "auto_reply")

    def test_refusal_is_a_dispute(self):
        """A refusal to pay is a dispute; "not yet paid" or "cannot pay all
        at once" are none."""
        for lang, text in (
            ("en_US", "We are not going to pay for a machine that never worked."),
            ("nl_NL", "Ik betaal niet voor uren die niet gewerkt zijn."),
            ("sk_SK", "Túto sumu neuhradíme, tovar nebol dodaný."),
            ("sv_SE", "Vi tänker inte betala för något vi inte beställt."),
        ):
            with self.subTest(text=text):
                self.assertEqual(self.classify(text, lang)["intent"], "dispute")
        for lang, text, intent in (
            ("en_US", "We cannot pay it all at once, could we pay in 3 parts?", None),
            ("nl_NL", "Nog niet betaald, dat doen we morgen.", "promise"),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)["intent"]
                self.assertNotEqual(result, "dispute")
                if intent:
                    self.assertEqual(result, intent)

    def test_tense_tells_paid_from_promise(self):
        """Between a payment made and a promise, the time the reply speaks
        of decides."""
        for lang, text, intent in (
            ("sv_SE", "Mitt fel. Betalar imorgon.", "promise"),
            ("sv_SE", "Jag betalade igår.", "paid"),
            ("en_US", "The money will be transferred next Monday.", "promise"),
            ("nl_NL", "Het bedrag wordt morgen overgemaakt.", "promise"),
            ("nl_NL", "Gisteren overgemaakt.", "paid"),
            ("sk_SK", "Zajtra to uhradíme.", "promise"),
        ):
            with self.subTest(text=text):
                self.assertEqual(self.classify(text, lang)["intent"], intent)

    def test_one_language_detector(self):
        """The reply classifier and the tone check detect languages with the
        same code (``rank_langs``): Slovak or Swedish without accents, short
        replies."""
        Tone = self.env["invoice.tone.phrase"]
        for lang, text in (
            ("sk_SK", "Dobry den, da sa zaplatit aj kartou alebo len prevodom?"),
            ("sv_SE", "kan man göra en betalplan? tack"),
            ("nl_NL", "Het bedrag klopt niet, wij betalen het niet."),
            ("en_US", "We will pay the invoice on Friday."),
        ):
            with self.subTest(text=text):
                self.assertEqual(self.classify(text)["lang"], lang)
                self.assertEqual(Tone._detect_langs(normalize_reply(text)), {lang[:2]})

    @freeze_time("2026-11-30")  # a Monday
    def test_promise_dates(self):
        """The promised date is read in the reply's language: next weekday,
        explicit dates with the day first, Slovak "15." day numbers; past or
        far dates and words like "We" are not taken."""
        for lang, text, expected in (
            ("en_US", "We will pay on Friday.", date(2026, 12, 4)),
            ("nl_NL", "Wij betalen vrijdag, excuses.", date(2026, 12, 4)),
            ("sk_SK", "Zaplatíme v piatok.", date(2026, 12, 4)),
            ("sv_SE", "Vi betalar på fredag.", date(2026, 12, 4)),
            ("en_US", "We will transfer the amount on 10/12/2026.", date(2026, 12, 10)),
            ("nl_NL", "Wij betalen de factuur op 15-12-2026.", date(2026, 12, 15)),
            ("sk_SK", "Faktúru uhradíme 15. decembra.", date(2026, 12, 15)),
            ("sk_SK", "Platba je naplánovaná na 15.12.2026.", date(2026, 12, 15)),
            ("sv_SE", "Vi betalar fakturan den 15 december.", date(2026, 12, 15)),
            ("en_US", "I will make the payment tomorrow.", date(2026, 12, 1)),
            ("sv_SE", "Vi betalar nästa vecka.", date(2026, 12, 7)),
            # document numbers are no dates and hide none; an explicit date
            # wins over "next week"
            (
                "nl_NL",
                (
                    "Wij zullen factuur F/2026/00312 volgende week vrijdag "
                    "11 december betalen."
                ),
                date(2026, 12, 11),
            ),
            (
                "en_US",
                "Invoice INV-2026-0417 will be paid on 14 December.",
                date(2026, 12, 14),
            ),
            (
                "sk_SK",
                "Faktúru 2026/0931 uhradíme 18. decembra 2026.",
                date(2026, 12, 18),
            ),
            ("sv_SE", "Faktura 2026-1187 betalar vi den 16/12.", date(2026, 12, 16)),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "promise", result["scores"])
                self.assertEqual(result["promise_date"], expected)
        # the end of the month is its last day: today, the 30th
        result = self.classify("We will pay it by the end of the month.", "en_US")
        self.assertEqual(result["intent"], "promise")
        self.assertEqual(result["promise_date"], date(2026, 11, 30))
        # a date in the past or more than a year ahead is no promise date
        self.assertFalse(
            self.Phrase._find_promise_date("We will pay on 01/01/2026.", "en")
        )
        self.assertFalse(
            self.Phrase._find_promise_date("We will pay on 01/01/2030.", "en")
        )
        # only a promise gets a date
        self.assertFalse(
            self.classify("Already paid on Friday.", "en_US")["promise_date"]
        )

    @freeze_time("2026-11-30")  # a Monday
    def test_future_payment_with_a_bare_date_is_a_promise(self):
        """A first-person payment in the future with a date is a promise
        with that date, even without any phrase, language given or detected
        ("15.12." without a year is the next 15 December)."""
        for lang, text, expected in (
            ("sk_SK", "Dobrý deň, faktúru uhradíme 15. decembra.", date(2026, 12, 15)),
            ("sk_SK", "Uhradíme to 15. decembra.", date(2026, 12, 15)),
            ("sk_SK", "Sumu zaplatíme 15.12.", date(2026, 12, 15)),
            ("sk_SK", "Zaplatíme 15.12.2026.", date(2026, 12, 15)),
            ("sk_SK", "Pošleme peniaze 15.12.", date(2026, 12, 15)),
            ("sk_SK", "Prevedieme sumu 15.12.", date(2026, 12, 15)),
            ("nl_NL", "Wij betalen 15 december.", date(2026, 12, 15)),
            ("nl_NL", "Wij betalen 15.12.", date(2026, 12, 15)),
            ("sv_SE", "Vi betalar 15.12.", date(2026, 12, 15)),
            ("sv_SE", "Vi överför beloppet 15 december.", date(2026, 12, 15)),
            ("en_US", "We will pay 15.12.", date(2026, 12, 15)),
            ("en_US", "We'll transfer it 15 December.", date(2026, 12, 15)),
            ("en_US", "We will pay 10.1.", date(2027, 1, 10)),
        ):
            for given in (lang, None):
                with self.subTest(text=text, lang=given):
                    result = self.classify(text, given)
                    self.assertEqual(result["lang"], lang)
                    self.assertEqual(result["intent"], "promise", result["scores"])
                    self.assertEqual(result["promise_date"], expected)
        # no date, a promise without one; a negation or a refusal with a
        # date is none
        result = self.classify("Uhradíme to.", "sk_SK")
        self.assertEqual(result["intent"], "promise")
        self.assertFalse(result["promise_date"])
        self.assertNotEqual(
            self.classify("We can not pay before 15.12.", "en_US")["intent"],
            "promise",
        )
        self.assertEqual(
            self.classify("Nezaplatíme 15.12., tovar nedorazil.", "sk_SK")["intent"],
            "dispute",
        )

    @freeze_time("2026-11-30")  # a Monday
    def test_relative_promise_dates(self):
        """Next week's weekday, the end of this or next week (its Friday)
        and of this, next or a named month (its last day), by a weekday (the
        coming one: "do piatku"), in the four languages.
        "Next Friday" said on Monday 30 November is Friday 11 December, the
        Friday of next week; "Friday" alone is Friday 4 December."""
        this_friday, next_friday = date(2026, 12, 4), date(2026, 12, 11)
        for lang, text, expected in (
            ("nl_NL", "We betalen volgende week vrijdag.", next_friday),
            ("nl_NL", "Wij betalen volgende vrijdag.", next_friday),
            ("nl_NL", "Wij betalen eind van de week.", this_friday),
            ("nl_NL", "Wij betalen eind volgende week.", next_friday),
            ("nl_NL", "Wij betalen eind volgende maand.", date(2026, 12, 31)),
            ("sv_SE", "Vi betalar i slutet av nästa vecka.", next_friday),
            ("sv_SE", "Vi betalar nästa fredag.", next_friday),
            ("sv_SE", "Vi betalar fredag nästa vecka.", next_friday),
            ("sv_SE", "Vi betalar i slutet av månaden.", date(2026, 11, 30)),
            ("sk_SK", "Zaplatíme budúci piatok.", next_friday),
            ("sk_SK", "Zaplatíme budúci týždeň v piatok.", next_friday),
            ("sk_SK", "Zaplatíme do konca budúceho týždňa.", next_friday),
            ("sk_SK", "Zaplatíme do konca mesiaca.", date(2026, 11, 30)),
            (
                "en_US",
                "We will settle this at the end of the month.",
                date(2026, 11, 30),
            ),
            ("en_US", "We will pay next Friday.", next_friday),
            ("en_US", "We will pay on Friday next week.", next_friday),
            ("en_US", "We will pay by the end of next week.", next_friday),
            ("en_US", "We will pay at the end of next month.", date(2026, 12, 31)),
            ("en_US", "We will pay on Friday.", this_friday),
            # the end of a named month: its last day, next year's when past
            ("en_US", "We will pay at the end of December.", date(2026, 12, 31)),
            ("nl_NL", "Wij betalen eind december.", date(2026, 12, 31)),
            ("sk_SK", "Zaplatíme koncom januára.", date(2027, 1, 31)),
            ("sv_SE", "Vi betalar i slutet av maj.", date(2027, 5, 31)),
            # by a weekday: the coming one
            ("sk_SK", "Faktúry uhradíme do piatku.", this_friday),
            ("sk_SK", "Zaplatíme najneskôr do stredy.", date(2026, 12, 2)),
            ("sk_SK", "Uhradíme do budúceho piatku.", next_friday),
            ("en_US", "We will pay by Friday.", this_friday),
            ("nl_NL", "Wij betalen uiterlijk vrijdag.", this_friday),
            ("sv_SE", "Vi betalar senast fredag.", this_friday),
        ):
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "promise", result["scores"])
                self.assertEqual(result["promise_date"], expected)

    def test_dispute_reason_guessed(self):
        reasons = {
            "The goods arrived damaged, we cannot use them.": "reason_quality",
            "Hello, you invoiced us twice for the same order.": "reason_duplicate",
            "Sorry, we did not order this, please take it back.": "reason_not_ordered",
            "De pallets zijn nooit geleverd, wij hebben niets ontvangen.": (
                "reason_not_delivered"
            ),
            "Priset är högre än offerten ni skickade.": "reason_pricing",
            "We dispute this invoice.": "reason_other",
            # a price that differs from the quote, in the four languages
            "The price on the invoice differs from the quote.": "reason_pricing",
            "De prijs op de factuur wijkt af van uw offerte.": "reason_pricing",
            "Cena na faktúre sa líši od vašej ponuky.": "reason_pricing",
            "Priset på fakturan stämmer inte med offerten, vi bestrider den.": (
                "reason_pricing"
            ),
            "Priset avviker från offerten ni skickade i maj.": "reason_pricing",
            "Enligt offerten skulle arbetet kosta 8 000 kr, ni har tagit 9 500 kr.": (
                "reason_pricing"
            ),
            # fewer pieces received than invoiced, in the four languages
            "We only received 5 pieces but you invoiced 8.": "reason_quantity",
            "We received 5 boxes, you billed us for 8 boxes.": "reason_quantity",
            "Wij hebben slechts 5 stuks ontvangen maar er zijn er 8 gefactureerd.": (
                "reason_quantity"
            ),
            "Wij hebben 5 dozen ontvangen, u heeft 8 dozen gefactureerd.": (
                "reason_quantity"
            ),
            "Dodali ste nám len 5 kusov, ale fakturovali ste 8 kusov.": (
                "reason_quantity"
            ),
            "Dostali sme 5 kusov, ale vyfakturovali ste nám 8 kusov.": (
                "reason_quantity"
            ),
            "Vi har bara fått 5 st men ni har fakturerat 8 st.": "reason_quantity",
            "Vi fick 5 kartonger men ni fakturerade 8 kartonger.": "reason_quantity",
            # the invoice received twice
            "We received this invoice twice, please cancel one.": "reason_duplicate",
            "Wij hebben deze factuur twee keer ontvangen, graag een creditnota.": (
                "reason_duplicate"
            ),
            "Faktúru sme dostali dvakrát, prosím stornujte jednu.": (
                "reason_duplicate"
            ),
            "Vi har fått fakturan två gånger, vänligen makulera den ena.": (
                "reason_duplicate"
            ),
        }
        for text, xmlid in reasons.items():
            with self.subTest(text=text):
                result = self.classify(text)
                self.assertEqual(result["intent"], "dispute", result["scores"])
                self.assertEqual(
                    result["reason_id"], self.env.ref(f"invoice_dispute.{xmlid}")
                )

    def test_dispute_reason_learnt_from_phrases(self):
        """Where no dispute phrase matches, the reason is the one a model
        learnt from the dispute phrases guesses (not always "Other reason"),
        and it follows the phrases: archive the dispute phrases and it is
        "Other reason" again."""
        cases = (
            (
                "sk_SK",
                "Dobrý deň, tovar sme doteraz nedostali.",
                "reason_not_delivered",
            ),
            (
                "sv_SE",
                "Det här är en dubbelfakturering, makulera den.",
                "reason_duplicate",
            ),
        )
        for lang, text, xmlid in cases:
            with self.subTest(text=text):
                result = self.classify(text, lang)
                self.assertEqual(result["intent"], "dispute", result["scores"])
                self.assertFalse(
                    [
                        p
                        for p in result["phrases"]
                        if self.Phrase.search(
                            [("phrase", "=", p), ("reason_id", "!=", False)]
                        )
                    ],
                    "no dispute phrase with a reason matches",
                )
                self.assertEqual(
                    result["reason_id"], self.env.ref(f"invoice_dispute.{xmlid}")
                )
        for lang, text, xmlid in (
            (
                "sk_SK",
                "Dodaný tovar bol poškodený, nemôžeme ho použiť.",
                "reason_quality",
            ),
            ("nl_NL", "De geleverde materialen waren beschadigd.", "reason_quality"),
            (
                "sv_SE",
                "Ni har debiterat 45 kr per timme men offerten säger 40 kr.",
                "reason_pricing",
            ),
        ):
            with self.subTest(text=text):
                self.assertEqual(
                    self.classify(text, lang)["reason_id"],
                    self.env.ref(f"invoice_dispute.{xmlid}"),
                )
        self.Phrase.search([("intent", "=", "dispute")]).active = False
        result = self.classify(cases[0][1], "sk_SK")
        self.assertEqual(result["intent"], "dispute", result["scores"])
        self.assertEqual(
            result["reason_id"], self.env.ref("invoice_dispute.reason_other")
        )
        self.assertIsNone(self.Phrase._get_reason_model())

    def test_quoted_message_and_signature_ignored(self):
        """Only the customer's own words count: the quoted reminder (plain
        text or HTML) and the signature are left out."""
        text = (
            "Thanks, we will pay on Friday.\n\n--\nJohn Smith\nAlready paid "
            "invoices are not shown\n\nOn Mon, 30 Nov 2026, Accounts wrote:\n"
            "> Invoice INV/2026/00012 is overdue. Have you already paid it?"
        )
        result = self.classify(text, "en_US")
        self.assertEqual(result["intent"], "promise")
        self.assertEqual(result["text"], "Thanks, we will pay on Friday.")
        html = (
            "<div>Wij hebben deze factuur al betaald.</div>"
            "<blockquote>Kunnen wij de betaling verwachten op vrijdag?</blockquote>"
            "<div data-o-mail-quote='1'>Met vriendelijke groet, Debiteuren</div>"
        )
        result = self.classify(html, "nl_NL")
        self.assertEqual(result["intent"], "paid")
        self.assertNotIn("vrijdag", result["text"])
        outlook = (
            "Vi har redan betalat.\n\nFrån: Kundreskontra <ar@example.com>\n"
            "Skickat: den 30 november 2026\nKan vi få betalningen på fredag?"
        )
        self.assertEqual(
            self.classify(outlook, "sv_SE")["text"], "Vi har redan betalat."
        )

    def test_nothing_recognised(self):
        """A reply the model is unsure of (its best intent scores below
        ``NO_INTENT_SCORE``) or without a word has no intent: the collector
        reads it; asking something is a question."""
        self.assertFalse(self.classify("Thank you", "en_US")["intent"])
        self.assertFalse(self.classify("Ďakujem.", "sk_SK")["intent"])
        self.assertEqual(self.classify("Hello, hello?", "en_US")["intent"], "question")
        self.assertFalse(self.classify("", "en_US")["intent"])

    def test_phrases_follow_changes(self):
        """A new phrase is learnt at once (the model is fitted again) and
        explains the guess; an archived one no more."""
        text = "Zorblax quibbit frobnicated."
        self.assertNotEqual(self.classify(text, "en_US")["intent"], "plan_request")
        phrase = self.Phrase.create(
            {"lang": "en_US", "phrase": "zorblax quibbit", "intent": "plan_request"}
        )
        result = self.classify(text, "en_US")
        self.assertEqual(result["intent"], "plan_request")
        self.assertEqual(result["phrases"], ["zorblax quibbit"])
        phrase.active = False
        self.assertNotEqual(self.classify(text, "en_US")["intent"], "plan_request")

    def test_phrase_validation(self):
        count = self.Phrase.search_count([])
        for vals, message in (
            ({"lang": "Dutch"}, "is not a language code"),
            ({"phrase": "?!"}, "contains no words"),
            (
                {"reason_id": self.env.ref("invoice_dispute.reason_pricing").id},
                "only dispute phrases give a dispute reason",
            ),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, message),
            ):
                self.Phrase.create(
                    {"lang": "en_US", "phrase": "x y z", "intent": "question", **vals}
                )
        self.assertEqual(self.Phrase.search_count([]), count)

    def test_collectors_classify_managers_edit(self):
        collector = self.create_user("intent_collector", COLLECTOR_GROUPS)
        Phrase = self.Phrase.with_user(collector)
        result = Phrase.classify_reply("We have paid this invoice.", lang="en_US")
        self.assertEqual(result["intent"], "paid")
        with self.assertRaises(AccessError):
            Phrase.create({"lang": "en_US", "phrase": "new words", "intent": "paid"})

    def assertIntents(self, expected, cases):
        """Each ``(lang, text)`` of ``cases`` is classified ``expected``."""
        for lang, text in cases:
            with self.subTest(lang=lang, text=text):
                self.assertEqual(self.classify(text, lang)["intent"], expected)

    def test_mailbox_closing_notice_is_automatic(self):
        """A notice that the writer's address changed and this mailbox
        closes is an automatic reply; a customer asking to send the invoices
        to a new address stays a question."""
        self.assertIntents(
            "auto_reply",
            (
                (
                    "en_US",
                    (
                        "Please note: our e-mail address has changed. Our accounts team"
                        " can now be reached at ap@brightwell.example. This address"
                        " will be closed on 31 August."
                    ),
                ),
                (
                    "nl_NL",
                    (
                        "Let op: ons mailadres is gewijzigd. De"
                        " crediteurenadministratie"
                        " is voortaan bereikbaar via crediteuren@hoeve.example. Dit"
                        " adres vervalt per 1 september."
                    ),
                ),
                (
                    "sk_SK",
                    (
                        "Upozornenie: naša e-mailová adresa sa zmenila. Účtáreň nájdete"
                        " na uctaren@povazie.example. Táto adresa bude zrušená k 30. 9."
                    ),
                ),
                (
                    "sv_SE",
                    (
                        "Observera: vår e-postadress har ändrats. Kundreskontran nås nu"
                        " på reskontra@fjallbygg.example. Denna adress kommer att"
                        " stängas den 1 oktober."
                    ),
                ),
            ),
        )
        self.assertEqual(
            self.classify(
                "Our email address has changed, please send all future invoices"
                " to ap@newco.example instead.",
                "en_US",
            )["intent"],
            "question",
        )

    def test_service_desk_reply_time_is_automatic(self):
        """A reply promised within days beside the desk's load, a FAQ or a
        ticket number is an automatic reply; a customer who is busy and
        pays within days, or who will get back within days, is not."""
        self.assertIntents(
            "auto_reply",
            (
                (
                    "en_US",
                    (
                        "Thanks for reaching out! Due to a high volume of emails we"
                        " will"
                        " respond within 4 business days. Meanwhile our FAQ may already"
                        " have your answer."
                    ),
                ),
                (
                    "nl_NL",
                    (
                        "Dank voor uw bericht. Het is momenteel erg druk, wij reageren"
                        " binnen 3 werkdagen. Misschien staat uw antwoord al bij de"
                        " veelgestelde vragen."
                    ),
                ),
                (
                    "sk_SK",
                    (
                        "Dobrý deň, Vašej správe sme pridelili tiket 70412. Odpovieme"
                        " Vám v priebehu 2 pracovných dní."
                    ),
                ),
                (
                    "sv_SE",
                    (
                        "Tack för ditt mejl! På grund av hög arbetsbelastning svarar vi"
                        " inom 4 arbetsdagar. Titta gärna under vanliga frågor på vår"
                        " webbplats."
                    ),
                ),
            ),
        )
        for lang, text in (
            (
                "en_US",
                (
                    "Thanks for your message. We will get back to you within 2 working"
                    " days once our manager has checked the invoice."
                ),
            ),
            ("nl_NL", "Het is erg druk bij ons, wij betalen binnen 5 werkdagen."),
            (
                "sv_SE",
                "Vi har mycket hög belastning just nu, vi betalar inom 5 arbetsdagar.",
            ),
        ):
            with self.subTest(lang=lang, text=text):
                self.assertNotEqual(self.classify(text, lang)["intent"], "auto_reply")

    def test_delayed_delivery_is_automatic(self):
        """A mail server still trying to deliver the message is an automatic
        reply (goods not delivered yet are a customer's dispute)."""
        self.assertIntents(
            "auto_reply",
            (
                (
                    "en_US",
                    (
                        "Delivery delayed: your message to billing@ostrava.example has"
                        " not yet been delivered. The server will keep trying for 2"
                        " days. You do not need to resend your message."
                    ),
                ),
                (
                    "nl_NL",
                    (
                        "Uw e-mail aan admin@tuinwerk.example is nog niet afgeleverd."
                        " De"
                        " server probeert het nog 24 uur opnieuw. U hoeft het bericht"
                        " niet opnieuw te versturen."
                    ),
                ),
                (
                    "sk_SK",
                    (
                        "Vašu správu pre adresu uctovnik@orava.example sa zatiaľ"
                        " nepodarilo doručiť. Server sa o doručenie pokúsi znova počas"
                        " 24 hodín. Správu nemusíte posielať znova."
                    ),
                ),
                (
                    "sv_SE",
                    (
                        "Ditt meddelande till ekonomi@bergslagen.example har ännu inte"
                        " kunnat levereras. Servern fortsätter att försöka i 24 timmar."
                        " Du behöver inte skicka om det."
                    ),
                ),
            ),
        )

    def test_absence_with_extension_is_automatic(self):
        """An absence at a course, reading mail only now and then, with a
        colleague's internal extension is an automatic reply."""
        self.assertIntents(
            "auto_reply",
            (
                (
                    "en_US",
                    (
                        "I'm in a workshop until Thursday and only checking email once"
                        " a day. For invoices please contact Maria at ext. 311."
                    ),
                ),
                (
                    "nl_NL",
                    (
                        "Ik ben deze week op cursus en lees mijn mail alleen 's avonds."
                        " Voor facturen kunt u contact opnemen met Joost, toestel 214."
                    ),
                ),
                (
                    "sk_SK",
                    (
                        "Tento týždeň som na školení a e-maily kontrolujem len večer. V"
                        " prípade faktúr kontaktujte kolegyňu Janu, klapka 118."
                    ),
                ),
                (
                    "sv_SE",
                    (
                        "Jag är på utbildning hela veckan och läser mejl endast på"
                        " kvällarna. För fakturor, kontakta Eva på anknytning 245."
                    ),
                ),
            ),
        )

    def test_promise_once_the_approver_is_back(self):
        """A payment sent once the approver (someone else) is back is a
        promise, not an absence notice."""
        self.assertIntents(
            "promise",
            (
                (
                    "en_US",
                    (
                        "The invoice has to be signed by our director, who is"
                        " travelling"
                        " until Friday. As soon as he is back we will send it."
                    ),
                ),
                (
                    "nl_NL",
                    (
                        "De factuur moet door de directeur getekend worden, die tot"
                        " vrijdag op reis is. Zodra hij terug is, sturen we de"
                        " betaling."
                    ),
                ),
                (
                    "sk_SK",
                    (
                        "Faktúru musí podpísať riaditeľ, ktorý je do piatku na"
                        " dovolenke. Hneď ako sa vráti, ju odošleme."
                    ),
                ),
                (
                    "sv_SE",
                    (
                        "Fakturan måste attesteras av vd:n som är på tjänsteresa till"
                        " fredag. När han är tillbaka skickar vi betalningen."
                    ),
                ),
            ),
        )

    def test_overcharge_is_a_dispute(self):
        """A whole period charged for less had, a number against the
        invoice's, a payment only for what was had: a dispute, even beside
        a payment promised."""
        self.assertIntents(
            "dispute",
            (
                (
                    "en_US",
                    (
                        "Our site was closed for two weeks in July and the gardeners"
                        " did"
                        " not come, but you invoiced the entire month again."
                    ),
                ),
                (
                    "nl_NL",
                    (
                        "De lift stond twee weken stil, maar toch is de volledige maand"
                        " in rekening gebracht. Graag een aangepaste factuur."
                    ),
                ),
                (
                    "sk_SK",
                    (
                        "Upratovanie sa v auguste dva týždne nerobilo, napriek tomu ste"
                        " vyfakturovali celý mesiac."
                    ),
                ),
                (
                    "sv_SE",
                    (
                        "Städningen uteblev två veckor i augusti men ni har debiterat"
                        " hela månaden ändå."
                    ),
                ),
                (
                    "en_US",
                    (
                        "We rented the crane for 3 days, not 5 like on your invoice,"
                        " and"
                        " will settle the 3 days."
                    ),
                ),
                (
                    "nl_NL",
                    (
                        "We hadden de kraan 3 dagen, niet 5 zoals op uw factuur, die 3"
                        " dagen betalen we graag."
                    ),
                ),
                (
                    "sk_SK",
                    (
                        "Žeriav sme mali 3 dni, nie 5 ako na faktúre, tie 3 dni radi"
                        " zaplatíme."
                    ),
                ),
                (
                    "sv_SE",
                    (
                        "Vi hyrde kranen i 3 dagar, inte 5 som på fakturan, de 3"
                        " dagarna"
                        " betalar vi gärna."
                    ),
                ),
                (
                    "en_US",
                    (
                        "We returned the scaffolding a week early. We will pay only for"
                        " the days we actually had it."
                    ),
                ),
                (
                    "nl_NL",
                    (
                        "We hebben de machine na drie dagen teruggestuurd. We betalen"
                        " alleen voor wat we gebruikt hebben."
                    ),
                ),
                (
                    "sk_SK",
                    (
                        "Prenájom sme vrátili o týždeň skôr. Zaplatíme len to, čo sme"
                        " naozaj využili."
                    ),
                ),
                (
                    "sv_SE",
                    (
                        "Ställningen lämnades tillbaka en vecka tidigare. Vi betalar"
                        " bara"
                        " för de dagar vi hade den."
                    ),
                ),
            ),
        )
        self.assertEqual(
            self.classify(
                "The goods were delivered on time. We will pay on Friday.", "en_US"
            )["intent"],
            "promise",
        )

    def test_waiting_for_a_correction_is_a_dispute(self):
        """Still waiting for the credit note, or paying once the invoice is
        corrected, is a dispute even with the rest promised."""
        self.assertIntents(
            "dispute",
            (
                (
                    "en_US",
                    (
                        "We are still waiting for the credit note for the returned"
                        " chairs; the rest we will pay on Friday."
                    ),
                ),
                (
                    "nl_NL",
                    (
                        "Wij wachten nog op de creditnota voor de geretourneerde"
                        " stoelen, de rest betalen we vrijdag."
                    ),
                ),
                (
                    "sk_SK",
                    (
                        "Stále čakáme na dobropis za vrátené stoličky, zvyšok uhradíme"
                        " v piatok."
                    ),
                ),
                (
                    "sv_SE",
                    (
                        "Vi väntar fortfarande på kreditnotan för de returnerade"
                        " stolarna, resten betalar vi på fredag."
                    ),
                ),
                (
                    "en_US",
                    (
                        "Send us a corrected invoice for 12 boxes and we will process"
                        " it"
                        " the same day."
                    ),
                ),
                ("en_US", "Fix the invoice and then we can talk about paying it."),
            ),
        )

    def test_more_time_is_a_plan_request(self):
        """Asking to extend the payment term or move the due date is a plan
        request, not a question."""
        self.assertIntents(
            "plan_request",
            (
                (
                    "en_US",
                    (
                        "Is it possible to extend the payment term on this one to 60"
                        " days? A big investment has squeezed our liquidity."
                    ),
                ),
                (
                    "nl_NL",
                    (
                        "Is het mogelijk de betaaltermijn van deze factuur naar 60"
                        " dagen"
                        " te verlengen? Door een investering is het even krap."
                    ),
                ),
                (
                    "sk_SK",
                    (
                        "Dobrý deň, je možné posunúť úhradu tejto faktúry až na marec,"
                        " po uzávierke?"
                    ),
                ),
                (
                    "sv_SE",
                    (
                        "Skulle det gå att flytta förfallodagen på fakturan till"
                        " februari?"
                    ),
                ),
            ),
        )
