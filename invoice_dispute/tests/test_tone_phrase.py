from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import InvoiceDisputeCommon


@tagged("post_install", "-at_install")
class TestTonePhrase(InvoiceDisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Phrase = cls.env["invoice.tone.phrase"]

    def phrases(self, text, lang):
        return [finding["phrase"] for finding in self.Phrase.check_text(text, lang)]

    def test_shipped_phrases(self):
        for lang in ("en_US", "nl_NL", "sk_SK", "sv_SE"):
            count = self.Phrase.search_count([("lang", "=", lang)])
            self.assertGreaterEqual(count, 6, lang)
        categories = set(self.Phrase.search([]).mapped("category"))
        self.assertEqual(
            categories,
            {"blame", "defensive", "condescending", "threatening", "dismissive"},
        )

    def test_english(self):
        findings = self.Phrase.check_text(
            "Dear customer, THAT’S NOT OUR FAULT. That's simply how our billing "
            "works - you should have known.",
            "en_US",
        )
        self.assertEqual(
            [f["phrase"] for f in findings],
            [
                "that's not our fault",
                "that's simply how our billing works",
                "you should have known",
            ],
        )
        self.assertEqual(findings[0]["category"], "blame")
        self.assertEqual(
            findings[1]["suggestion"],
            "Thank you for sharing your concerns. Let's review the invoice against "
            "the agreed terms together.",
        )
        self.assertEqual(set(findings[0]), {"phrase", "category", "suggestion"})

    def test_dutch(self):
        self.assertEqual(
            self.phrases(
                "Dat is niet onze schuld. Zo werkt onze facturering nu eenmaal - "
                "dat had u moeten weten.",
                "nl_NL",
            ),
            [
                "Dat is niet onze schuld",
                "Zo werkt onze facturering nu eenmaal",
                "dat had u moeten weten",
            ],
        )
        # Another variant of the language uses the same phrases.
        self.assertEqual(
            self.phrases("dat is NIET onze schuld", "nl_BE"),
            ["Dat is niet onze schuld"],
        )

    def test_slovak(self):
        self.assertEqual(
            self.phrases(
                "To nie je naša chyba. Takto jednoducho funguje naša fakturácia - "
                "mali ste to vedieť.",
                "sk_SK",
            ),
            [
                "To nie je naša chyba",
                "Takto jednoducho funguje naša fakturácia",
                "mali ste to vedieť",
            ],
        )
        # Written without diacritics, as often in emails.
        self.assertEqual(
            self.phrases("to nie je nasa chyba", "sk_SK"), ["To nie je naša chyba"]
        )

    def test_swedish(self):
        self.assertEqual(
            self.phrases(
                "Hej! Det är inte vårt fel. Så fungerar helt enkelt vår fakturering, "
                "det borde du ha vetat.",
                "sv_SE",
            ),
            [
                "Det är inte vårt fel",
                "Så fungerar helt enkelt vår fakturering",
                "det borde du ha vetat",
            ],
        )
        self.assertEqual(
            self.phrases("det ar inte VART fel", "sv_SE"), ["Det är inte vårt fel"]
        )

    def test_html_word_boundaries_and_language(self):
        self.assertEqual(
            self.phrases("<p>That&#39;s <b>not</b> our<br/>fault</p>", "en_US"),
            ["that's not our fault"],
        )
        # Whole words only.
        self.assertEqual(self.phrases("This is not our faultless work.", "en_US"), [])
        self.assertEqual(self.phrases("Please stay calm; don't worry.", "en_US"), [])
        # The text's own language applies, whatever the customer's.
        self.assertEqual(
            self.phrases("That's not our fault", "nl_NL"), ["that's not our fault"]
        )
        self.assertEqual(
            self.phrases("Det är inte vårt fel, och det vet ni.", ["nl_NL"]),
            ["Det är inte vårt fel"],
        )
        self.assertEqual(self.phrases("", "en_US"), [])
        self.assertEqual(self.phrases("<p><br/></p>", "en_US"), [])
        clean = (
            "Thank you for sharing your concerns. Let's review the invoice against "
            "the agreed terms together."
        )
        for lang in ("en_US", "nl_NL", "sk_SK", "sv_SE"):
            self.assertEqual(self.phrases(clean, lang), [], lang)

    def test_longest_phrase_wins_and_archived(self):
        self.Phrase.create(
            [
                {"lang": "en_US", "phrase": "our fault", "category": "blame"},
                {
                    "lang": "en_US",
                    "phrase": "whatever",
                    "category": "dismissive",
                    "active": False,
                },
            ]
        )
        self.assertEqual(
            self.phrases("that's not our fault, whatever", "en_US"),
            ["that's not our fault"],
        )
        self.assertEqual(self.phrases("It was our fault.", "en_US"), ["our fault"])

    def test_validation(self):
        with self.assertRaisesRegex(ValidationError, "not a language code"):
            self.Phrase.create({"lang": "English", "phrase": "nope"})
        with self.assertRaisesRegex(ValidationError, "contains no words"):
            self.Phrase.create({"lang": "en_US", "phrase": " - !"})

    def test_access(self):
        collector = self.create_user(
            "tone_collector", ["invoice_dispute.group_invoice_dispute_user"]
        )
        manager = self.create_user(
            "tone_manager", ["invoice_dispute.group_invoice_dispute_manager"]
        )
        phrase = self.env.ref("invoice_dispute.tone_phrase_en_01")
        self.assertTrue(
            self.Phrase.with_user(collector).check_text("that's not our fault", "en")
        )
        with self.assertRaises(AccessError):
            phrase.with_user(collector).suggestion = "Something else"
        phrase.with_user(manager).suggestion = "Let's look at it together."
        self.assertEqual(
            self.Phrase.check_text("that's not our fault", "en_US")[0]["suggestion"],
            "Let's look at it together.",
        )
