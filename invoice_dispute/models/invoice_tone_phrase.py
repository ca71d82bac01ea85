from odoo import api, fields, models
from odoo.tools import html2plaintext

from .constants import TONE_CATEGORIES
from .phrase_tools import (
    LANG_MIN_MARKERS,
    PHRASE_LANG_FIELD,
    get_lang_selection,
    normalize_words,
    rank_langs,
)


class InvoiceTonePhrase(models.Model):
    _name = "invoice.tone.phrase"
    _inherit = ["invoice.phrase.mixin"]
    _description = "Tone Check Phrase"
    _order = "lang, category, phrase"

    # the language picked by its name ("Swedish / Svenska"): a field of
    # another type does not take the mixin's attributes, so it is declared
    # again with the same ones (``PHRASE_LANG_FIELD``)
    lang = fields.Selection(get_lang_selection, **PHRASE_LANG_FIELD)
    phrase = fields.Char(
        help="Words to avoid. Matched as whole words, ignoring case, accents and "
        "punctuation.",
    )
    category = fields.Selection(TONE_CATEGORIES, required=True, default="defensive")
    suggestion = fields.Text(
        help="A neutral alternative shown to the collector when the phrase is found."
    )
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the phrase in every company."
    )

    @api.model
    def _detect_langs(self, haystack):
        """The languages ``haystack`` (``normalize_words`` output) is written
        in, as two-letter prefixes: those with at least two of their common
        words in it.

        :return: set of str
        """
        words = {f"{word} " for word in haystack.split()}
        return {
            prefix
            for prefix, (__, __, markers) in rank_langs(words)
            if markers >= LANG_MIN_MARKERS
        }

    @api.model
    def check_text(self, text, lang=None):
        """Find escalating or defensive phrases in ``text`` (plain text or HTML)
        in every language it may be written in (seeds 000, 001: the tone of
        the words sent, not of the customer's profile).

        :param str text: the text to check; HTML tags are ignored
        :param lang: language code (``nl_NL``) or list of codes, e.g. the
            customer's and the writer's; the phrases of every variant of
            these languages, of the environment's language (the writer's) and
            of the languages the text is detected to be written in apply.
        :return: findings in order of appearance, one per phrase, as dicts with
            ``phrase``, ``category`` and ``suggestion``. When a phrase is part
            of a longer phrase that is found too, only the longer one is listed.
        """
        if not text:
            return []
        if "<" in text:
            text = html2plaintext(text)
        haystack = normalize_words(text)
        if not haystack.strip():
            return []
        langs = [lang] if isinstance(lang, str) else list(lang or [])
        prefixes = {
            code.split("_")[0].replace("%", "")
            for code in [*langs, self.env.lang or "en_US"]
            if code
        } | self._detect_langs(haystack)
        lang_domain = [
            condition
            for prefix in sorted(prefixes)
            for condition in (("lang", "=", prefix), ("lang", "=like", f"{prefix}\\_%"))
        ]
        phrases = self.sudo().search(
            [
                *(["|"] * (len(lang_domain) - 1)),
                *lang_domain,
                ("company_id", "in", [False, self.env.company.id]),
            ]
        )
        found = []
        for phrase in phrases:
            needle = normalize_words(phrase.phrase)
            position = haystack.find(needle)
            if needle.strip() and position >= 0:
                found.append((position, needle, phrase))
        needles = [needle for __, needle, __ in found]
        findings = []
        seen = set()
        for __, needle, phrase in sorted(found, key=lambda item: item[0]):
            if needle in seen or any(
                needle != other and needle in other for other in needles
            ):
                continue
            seen.add(needle)
            findings.append(
                {
                    "phrase": phrase.phrase,
                    "category": phrase.category,
                    "suggestion": phrase.suggestion or "",
                }
            )
        return findings
