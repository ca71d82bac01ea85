import re
import unicodedata

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html2plaintext

TONE_CATEGORIES = [
    ("blame", "Blame"),
    ("defensive", "Defensive"),
    ("condescending", "Condescending"),
    ("threatening", "Threatening"),
    ("dismissive", "Dismissive"),
]

# Typographic variants folded before matching, so that "that’s" matches "that's".
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
    }
)
_WORD_RE = re.compile(r"\w+(?:'\w+)*")
_LANG_RE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9@]+)?$")


def normalize_words(text):
    """Lower-case, accent-free words of ``text``, joined by single spaces and
    framed by spaces, so that a phrase matches on word boundaries only, whatever
    the punctuation, spacing, case or accents in between."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_FOLD).casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " {} ".format(" ".join(_WORD_RE.findall(text)))


class InvoiceTonePhrase(models.Model):
    _name = "invoice.tone.phrase"
    _description = "Tone Check Phrase"
    _order = "lang, category, phrase"
    _rec_name = "phrase"

    lang = fields.Char(
        string="Language",
        required=True,
        index=True,
        default=lambda self: self.env.lang or "en_US",
        help="Language code of the phrase, e.g. en_US, nl_NL, sk_SK, sv_SE. It also "
        "applies to the other variants of the language (nl_NL covers nl_BE).",
    )
    phrase = fields.Char(
        required=True,
        help="Words to avoid. Matched as whole words, ignoring case, accents and "
        "punctuation.",
    )
    category = fields.Selection(TONE_CATEGORIES, required=True, default="defensive")
    suggestion = fields.Text(
        help="A neutral alternative shown to the collector when the phrase is found."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the phrase in every company."
    )

    _sql_constraints = [
        (
            "phrase_lang_uniq",
            "unique(lang, phrase)",
            "A phrase can be listed only once per language.",
        ),
    ]

    @api.constrains("lang", "phrase")
    def _check_phrase(self):
        for record in self:
            if not _LANG_RE.match(record.lang or ""):
                raise ValidationError(
                    self.env._(
                        "Language %(lang)s is not a language code: use a code such "
                        "as en_US, nl_NL, sk_SK or sv_SE.",
                        lang=record.lang,
                    )
                )
            if not normalize_words(record.phrase).strip():
                raise ValidationError(
                    self.env._(
                        "The phrase %(phrase)r contains no words to look for.",
                        phrase=record.phrase,
                    )
                )

    @api.model
    def check_text(self, text, lang=None):
        """Find escalating or defensive phrases in ``text`` (plain text or HTML).

        :param str text: the text to check; HTML tags are ignored
        :param str lang: language code (``nl_NL``); phrases of every variant of
            the language apply. Defaults to the environment's language.
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
        lang = lang or self.env.lang or "en_US"
        prefix = lang.split("_")[0].replace("%", "").replace("_", "")
        phrases = self.sudo().search(
            [
                "|",
                ("lang", "=", prefix),
                ("lang", "=like", f"{prefix}\\_%"),
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
