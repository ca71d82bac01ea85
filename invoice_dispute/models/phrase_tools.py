"""Helpers of the phrase lists (``invoice.tone.phrase``,
``invoice.intent.phrase``): words of a text, the languages it is written in,
the language selection and the checks of a phrase record. Shared by the tone
check and the reply classifier; no models here."""

import re
import unicodedata

from odoo.exceptions import ValidationError

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
# Common short words of the languages the phrases ship in: a text with at
# least two of them (as whole words, accents folded) is taken to be written
# (partly) in that language, whatever the customer's profile says.
LANG_MARKERS = {
    "en": {"the", "and", "you", "your", "that", "is", "not", "our", "we", "have",
           "should", "it", "of", "to", "this", "for", "with", "please"},
    "nl": {"de", "het", "een", "en", "niet", "wij", "u", "uw", "dat", "is",
           "van", "ons", "onze", "voor", "met", "heeft", "graag", "zijn"},
    "sk": {"a", "je", "to", "nie", "sme", "vam", "vas", "na", "za", "ze",
           "by", "som", "aby", "pre", "nasa", "nasej", "prosim", "su", "sa", "aj",
           "alebo", "len", "dobry", "uz", "ako"},
    "sv": {"och", "att", "det", "inte", "vi", "ni", "er", "ert", "ar", "som",
           "pa", "for", "med", "har", "skulle", "var", "tack", "den", "jag", "hej",
           "en", "ett", "mvh"},
}  # fmt: skip


# A text is taken to be written (partly) in a language when it holds at
# least this many of its common words (``LANG_MARKERS``).
LANG_MIN_MARKERS = 2


def rank_langs(words, vocabularies=None, prefixes=None):
    """The languages a text may be written in, best first: the one language
    detector of the addon, used by the tone check (every language with
    ``LANG_MIN_MARKERS`` common words) and by the reply classifier (the best
    language that has reply phrases).

    A language scores, in order of importance, (1) its common words
    (``LANG_MARKERS``) found in the text plus the whole words of its
    vocabulary found, plus half the word beginnings of its vocabulary found,
    then (2) the weight of its vocabulary found; then (3) the number of its
    common words alone.

    :param words: container of the text's words, each with a trailing space
        (``"wij "``), and possibly of word beginnings without one (the
        reply classifier's stems, ``invoice_intent_phrase.word_positions``)
    :param dict vocabularies: optional ``{prefix: {stem: weight}}``, more
        words per language (stems of the reply phrases, in the form of
        ``words``)
    :param prefixes: optional iterable of the two-letter prefixes to rank,
        in order of preference on a tie; default all known ones
    :return: list of ``(prefix, (score, weight, common words))``, best
        first, languages without any evidence left out
    """
    vocabularies = vocabularies or {}
    if prefixes is None:
        prefixes = sorted(set(LANG_MARKERS) | set(vocabularies))
    ranked = []
    for prefix in prefixes:
        markers = sum(1 for word in LANG_MARKERS.get(prefix, ()) if f"{word} " in words)
        vocabulary = vocabularies.get(prefix, {})
        whole = sum(1 for stem in vocabulary if stem.endswith(" ") and stem in words)
        stems = sum(
            1 for stem in vocabulary if not stem.endswith(" ") and stem in words
        )
        weight = sum(weight for stem, weight in vocabulary.items() if stem in words)
        score = (markers + whole + stems / 2, weight, markers)
        if score[0] or score[1]:
            ranked.append((prefix, score))
    # stable: on a tie the order of ``prefixes`` decides
    return sorted(ranked, key=lambda item: item[1], reverse=True)


def get_lang_selection(model):
    """The languages Odoo knows, by their names (installed or not): the
    selection of the fields that hold a language code, so that users read
    "Swedish / Svenska", not "sv_SE"."""
    langs = (
        model.env["res.lang"]
        .sudo()
        .with_context(active_test=False)
        .search_read([], ["code", "name"], order="name")
    )
    return [(lang["code"], lang["name"]) for lang in langs]


def normalize_words(text):
    """Lower-case, accent-free words of ``text``, joined by single spaces and
    framed by spaces, so that a phrase matches on word boundaries only, whatever
    the punctuation, spacing, case or accents in between."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_FOLD).casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " {} ".format(" ".join(_WORD_RE.findall(text)))


def check_phrases(records):
    """Refuse phrase records (``invoice.tone.phrase``, ``invoice.intent.phrase``)
    whose ``lang`` is no language code or whose ``phrase`` has no words.

    :raise ValidationError: naming the language or the phrase
    """
    for record in records:
        if not _LANG_RE.match(record.lang or ""):
            raise ValidationError(
                records.env._(
                    "Language %(lang)s is not a language code: use a code such "
                    "as en_US, nl_NL, sk_SK or sv_SE.",
                    lang=record.lang,
                )
            )
        if not normalize_words(record.phrase).strip():
            raise ValidationError(
                records.env._(
                    "The phrase %(phrase)r contains no words to look for.",
                    phrase=record.phrase,
                )
            )


# The attributes of the phrase lists' language code (``lang``): a Char in the
# mixin (``invoice.intent.phrase``), a selection of the languages by their
# names in ``invoice.tone.phrase``. Odoo merges a redefined field's attributes
# only with definitions of the same type, hence declared once here.
PHRASE_LANG_FIELD = {
    "string": "Language",
    "required": True,
    "index": True,
    "default": lambda self: self.env.lang or "en_US",
    "help": "Language code of the phrase, e.g. en_US, nl_NL, sk_SK, sv_SE. It "
    "also applies to the other variants of the language (nl_NL covers nl_BE).",
}
