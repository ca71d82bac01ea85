import math
import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from dateparser.search import search_dates
from lxml import etree
from lxml import html as lxml_html

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import html2plaintext

from .constants import AUTO_REPLY_HEADERS, REPLY_INTENTS, selection_label
from .intent_model import (
    NO_INTENT_SCORE,
    corpus_files,
    fit_intent_model,
    read_labelled_replies,
)
from .phrase_tools import (
    normalize_words,
    rank_langs,
)

# Words are compared by their beginning, a light stemming (``phrase_stems``).
STEM_LENGTH = 5
ENDING_LENGTH = 3
# A stem finds words at most this many letters longer than the phrase's word
# (with its ending): compound words (nl, sv, sk "betalningsvillkor",
# "betalingstermijn") are other words ("betalade" is found by "betald").
COMPOUND_LENGTH = 4
# Words found in the phrases of several intents weigh less: a word's weight is
# its rarity (IDF) times the share of its phrases that have its main intent.
SPECIFICITY_POWER = 1
# A phrase matches a reply that holds this share of its words' weight (see
# SPECIFICITY_POWER) ...
MATCH_COVERAGE = 0.7
# ... and at least this share of its words counted one by one (so that two
# common words out of three do not make a match).
MATCH_WORD_SHARE = 0.75
# The words of a phrase must stand together: at most this many other words
# in between, in total (so "has been approved and will be paid" is no "has
# been paid").
MATCH_MAX_GAP = 3
# A phrase found word for word weighs this much more than one found scattered.
EXACT_BONUS = 1.5
# Question phrases are polite forms that also frame the other requests ("could
# you send a credit note?"): a question wins only when clearly more is asked.
INTENT_WEIGHTS = {"question": 0.6}
# A phrase's word found only with another ending (its stem "betal" of
# "betald" in "betalar", not "betald" nor "betalda") counts this share of its
# weight in the phrase's score (not to find it): endings often tell the tense
# ("betaald" / "betalen", "zaplatili" / "zaplatime", "betalat" / "betalar").
OTHER_ENDING_FACTOR = 0.5
# Numbers from two to twelve, in digits and words (en, nl, sk with its case
# forms, sv, accents removed), read as one word so that "pay in three parts"
# also finds "pay in four parts", "in vier keer", "na päť splátok".
NUMBER_WORD = "nnum"
NUMBER_WORDS = frozenset(
    [str(number) for number in range(2, 13)]
    + [
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ]
    + [
        "twee",
        "drie",
        "vier",
        "vijf",
        "zes",
        "zeven",
        "acht",
        "negen",
        "tien",
        "elf",
        "twaalf",
    ]
    + [
        "dva",
        "dve",
        "dvoch",
        "dvom",
        "dvoma",
        "tri",
        "troch",
        "trom",
        "tromi",
        "styri",
        "styroch",
        "styrom",
        "styrmi",
        "pat",
        "piatich",
        "piatim",
        "piatimi",
        "sest",
        "siestich",
        "siestim",
        "siestimi",
        "sedem",
        "siedmich",
        "osem",
        "osmich",
        "devat",
        "deviatich",
        "desat",
        "desiatich",
        "jedenast",
        "dvanast",
        "dvanastich",
    ]
    + ["tva", "tre", "fyra", "fem", "sex", "sju", "atta", "nio", "tio", "elva", "tolv"]
)
# Digits joined by dots, slashes, dashes or commas (dates, amounts, invoice
# numbers) are one word, so that the "12" of "12.12.2026" is no count of
# instalments.
DATE_WORD = "ddigits"
_DIGITS_GROUP_RE = re.compile(r"\d+(?:\s?[./,-]\s?\d+)+\.?")
_NUMBER_RE = re.compile(
    r"(?<= )(?:{})(?= )".format("|".join(sorted(NUMBER_WORDS, key=len, reverse=True)))
)
# A promise or payment phrase found around a negation it does not hold is
# a refusal, not found ("we will not be paying it", "vi tänker inte betala",
# "vi betalar inte förrän fakturan är rättad").
NEGATABLE_INTENTS = ("promise", "paid")
# The negation may also stand just before the phrase ("not paid", "inte
# betalat").
NEGATION_BEFORE = 2
# ... or just after it ("wij betalen niet", "vi betalar inte").
NEGATION_AFTER = 1
NEGATION_WORDS = ("not", "never", "niet", "nooit", "nie", "nikdy", "inte", "aldrig")
# An automatic-reply phrase holding inside its words a negation it does not
# have is not found: "wij hebben geen bericht ontvangen dat" is no "wij
# hebben uw bericht ontvangen".
AUTO_REPLY_NEGATIONS = (*NEGATION_WORDS, "no", "geen", "ziadnu", "ingen", "inget")
# English contractions, spelled out so that "we'll pay" matches "we will pay".
_CONTRACTIONS = (
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bcan't\b"), "can not"),
    # ... also written without the apostrophe ("i cant", "we dont")
    (re.compile(r"\bcant\b"), "can not"),
    (
        re.compile(
            r"\b(do|does|did|is|was|are|were|have|has|had|could|would|should)nt\b"
        ),
        r"\1 not",
    ),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'d\b"), " would"),
)
# How far ahead a promised payment date may lie to be believed.
PROMISE_HORIZON_DAYS = 366
# Clauses searched for dates one by one, and Slovak "15." day numbers.
_CLAUSE_RE = re.compile(r"[,;:!?\n]|\.(?:\s|$)")
_DAY_DOT_RE = re.compile(r"\b(\d{1,2})\.\s+(?=[^\W\d_])")
# Words holding digits and separators ("F/2026/00312", "INV-77812",
# "2026/0931", "15.12.2026"): dates when their digit groups have the shape of
# one (day, month and year, or year, month and day), else document numbers,
# which are taken out before the search (dateparser finds no date at all in
# a clause holding one).
_NUMBERED_WORD_RE = re.compile(r"[^\s,;:!?()]*\d[^\s,;:!?()]*")
_DATE_GROUPS_RE = re.compile(
    r"\d{1,2}[./-]\d{1,2}(?:[./-](?:\d{2}|\d{4}))?|\d{4}-\d{1,2}-\d{1,2}"
)
AUTO_REPLY_PRECEDENCE = ("auto_reply", "auto-reply")


# Where the quoted message or the signature of a reply starts (en, nl, sk, sv).
_QUOTE_START_RE = re.compile(
    r"^\s*(?:"
    r"on\s.{0,200}\swrote:?"
    r"|op\s.{0,200}\sschreef.{0,100}"
    r"|d(?:n|ň)a\s.{0,200}\snap(?:i|í)sal.{0,100}"
    r"|den\s.{0,200}\sskrev.{0,100}"
    r"|-{2,}\s*(?:original message|oorspronkelijk bericht|p(?:o|ô)vodn(?:a|á) "
    r"spr(?:a|á)va|ursprungligt meddelande|forwarded message|doorgestuurd bericht)"
    r".*"
    r"|(?:from|van|od|fr(?:a|å)n|sent|verzonden|odoslan(?:e|é)|skickat):\s.*@.*"
    r"|--\s*"
    r"|_{10,}"
    r"|sent from my\s.*|verzonden (?:vanaf|met) mijn\s.*"
    r"|odoslan(?:e|é) z\s.*|skickat fr(?:a|å)n min\s.*"
    r")$",
    re.IGNORECASE,
)
_HTML_RE = re.compile(
    r"<(?:html|body|p|div|br|span|blockquote|table|font|pre|a|b|i|strong|em|ul|ol"
    r"|li)\b[^>]*>",
    re.IGNORECASE,
)
# Quoted parts of an HTML reply: Odoo's marks, mail clients' containers.
_HTML_QUOTES_XPATH = (
    "//blockquote | //*[@data-o-mail-quote] | //*[contains(@class, 'gmail_quote')]"
    " | //*[@id='divRplyFwdMsg'] | //*[contains(@class, 'moz-cite-prefix')]"
    " | //*[@id='appendonsend']"
)


def strip_reply(text):
    """The customer's own words in a reply (plain text or HTML): without the
    quoted earlier message (``>`` lines, "On ... wrote:" and the Outlook
    header block in en, nl, sk, sv, HTML blockquotes) and without the
    signature ("-- ", "Sent from my ...").

    :param str text: the reply's body
    :return: str, plain text
    """
    text = text or ""
    if _HTML_RE.search(text):
        try:
            root = lxml_html.fromstring(text)
        except (etree.ParserError, ValueError):
            root = None
        if root is not None:
            for node in root.xpath(_HTML_QUOTES_XPATH):
                if node.getparent() is not None:
                    node.drop_tree()
            text = lxml_html.tostring(root, encoding="unicode")
        text = html2plaintext(text)
    lines = []
    for line in text.splitlines():
        if _QUOTE_START_RE.match(line):
            break
        if not line.lstrip().startswith(">"):
            lines.append(line)
    return "\n".join(lines).strip()


def normalize_reply(text):
    """``normalize_words`` of ``text`` with dates and amounts written in
    digits ("12.12.2026", "7. 12.", "1.250,00") replaced by ``DATE_WORD``,
    English contractions spelled out ("we'll" -> "we will") and the numbers
    of ``NUMBER_WORDS`` replaced by ``NUMBER_WORD``: accent-free lower-case
    words framed by spaces."""
    text = normalize_words(_DIGITS_GROUP_RE.sub(f" {DATE_WORD} ", text or ""))
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return _NUMBER_RE.sub(NUMBER_WORD, text)


# A word of a reply as ``normalize_reply`` reads it: a group of digits
# ("12.12.2026") or a word (apostrophes, typographic ones too, inside).
_REPLY_TOKEN_RE = re.compile(
    rf"(?:{_DIGITS_GROUP_RE.pattern})|\w+(?:['\u2018\u2019\u201b\u02bc`\u00b4]\w+)*"
)


def reply_word_spans(text):
    """Where each word of ``normalize_reply(text)`` stands in ``text``: a
    list of ``(start, end)`` character offsets, one per normalized word (the
    two words of "we'll" share one), or None when the words do not line up
    (a rare mix of letters and digits).

    :param str text: a cleaned reply
    :return: list of (int, int), or None
    """
    spans = [
        (match.start(), match.end())
        for match in _REPLY_TOKEN_RE.finditer(text or "")
        for __ in normalize_reply(match.group()).split()
    ]
    if len(spans) != len(normalize_reply(text).split()):
        return None
    return spans


def phrase_stems(text):
    """The distinct stems of the words of a phrase, in order: a word of up to
    ``STEM_LENGTH`` letters is looked for as it is (marked with a trailing
    space), a longer one without its last ``ENDING_LENGTH`` letters (at least
    ``STEM_LENGTH`` kept), so that "transfer" finds "transferred" and
    "zaplatíme" finds "zaplatime" but "betalingsbewijs" not "betalen" (see
    ``phrase_words``)."""
    return tuple(phrase_words(text))


def phrase_words(text):
    """``{stem: word}`` for the stems of ``phrase_stems(text)``: the whole
    word each stem was cut from (a short word's stem is the word itself with
    a trailing space)."""
    result = {}
    for word in normalize_reply(text).split():
        stem = (
            f"{word} "
            if len(word) <= STEM_LENGTH
            else word[: max(STEM_LENGTH, len(word) - ENDING_LENGTH)]
        )
        result.setdefault(stem, word)
    return result


def word_positions(text):
    """Where each stem a phrase may use is found in ``text``: ``{stem:
    [word positions]}`` holding every word (with a trailing space) and every
    beginning of at least ``STEM_LENGTH`` letters of a word missing at most
    ``ENDING_LENGTH + COMPOUND_LENGTH`` of its letters."""
    positions = defaultdict(list)
    for index, word in enumerate(normalize_reply(text).split()):
        positions[f"{word} "].append(index)
        # no stem far shorter than the word: "betal" is no "betalningsvillkor"
        first = max(STEM_LENGTH, len(word) - ENDING_LENGTH - COMPOUND_LENGTH)
        for end in range(first, len(word) + 1):
            positions[word[:end]].append(index)
    return positions


def shortest_span(positions, wanted):
    """The shortest part of a text holding every stem of ``wanted`` (found in
    ``positions``, see ``word_positions``): ``(number of words, position of
    its first word, position of its last word)``."""
    events = sorted((index, stem) for stem in wanted for index in positions[stem])
    counts = defaultdict(int)
    missing = len(wanted)
    best = (float("inf"), 0, 0)
    start = 0
    for index, stem in events:
        counts[stem] += 1
        if counts[stem] == 1:
            missing -= 1
        while not missing:
            first_index, first_stem = events[start]
            best = min(best, (index - first_index + 1, first_index, index))
            counts[first_stem] -= 1
            if not counts[first_stem]:
                missing += 1
            start += 1
    return best


# Letters written in one language only of those with reply phrases (en, nl,
# sk, sv): a reply holding any counts one more common word of that language
# when its language is detected ("Dobrý deň" is no Swedish "den").
LANG_LETTERS = {"sk": "čďľĺňôŕšťýž", "sv": "å"}
# Relative promise dates that ``dateparser`` misreads or misses (accent-free,
# after ``normalize_words``), in en, nl, sk, sv. The rule, the same in the
# four languages: "next Friday" ("volgende vrijdag", "budúci piatok", "nästa
# fredag") is the Friday of next week, Monday to Sunday, as is "Friday next
# week" ("volgende week vrijdag", "budúci týždeň v piatok", "fredag nästa
# vecka"); "Friday" alone is the coming one (``dateparser``). The end of a
# week is its Friday (the last working day; today when that Friday is
# past), the end of a month (this, next or a named one) its last day.
_WEEKDAYS = {
    "en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
           "sunday"),
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag",
           "zondag"),
    "sk": ("pondel", "utor", "stred", "stvrt", "piat", "sobot", "nedel"),
    "sv": ("mandag", "tisdag", "onsdag", "torsdag", "fredag", "lordag", "sondag"),
}  # fmt: skip
_WEEKDAY_RE = re.compile(
    r"\b(?:{})\w*".format(
        "|".join(word for words in _WEEKDAYS.values() for word in words)
    )
)
_NEXT = r"(?:next|the following|volgende|buduc\w*|nasta)"
_NEXT_WEEK = (
    r"(?:next week|the following week|volgende week|(?:na |v )?buduc\w* tyzd\w*"
    r"|nasta vecka|veckan efter)"
)
_END_OF = (
    r"(?:(?:the |by the |at the )?end of|(?:het |de )?eind(?:e)?(?: van)?"
    r"|do konca|koncom|na konci|(?:i |vid )?slutet (?:av|pa))"
)
# Month names (accent-free; Slovak in the genitive, "koncom decembra").
_MONTHS = (
    ("january", "januari", "januara"),
    ("february", "februari", "februara"),
    ("march", "maart", "marca", "mars"),
    ("april", "aprila"),
    ("may", "mei", "maja", "maj"),
    ("june", "juni", "juna"),
    ("july", "juli", "jula"),
    ("august", "augustus", "augusta", "augusti"),
    ("september", "septembra"),
    ("october", "oktober", "oktobra"),
    ("november", "novembra"),
    ("december", "decembra"),
)
_MONTH_NUMBERS = {
    name: number for number, names in enumerate(_MONTHS, 1) for name in names
}
RELATIVE_DATE_PATTERNS = (
    # the end of a named month ("eind december", "koncom januára")
    (
        "named_month_end",
        0,
        rf"\b{_END_OF} (?:the month of )?(?P<month>{'|'.join(_MONTH_NUMBERS)})\b",
    ),
    # the end of next week / month first, then of this one
    ("week_end", 1, rf"\b{_END_OF} (?:the |de )?{_NEXT_WEEK}"),
    (
        "month_end",
        1,
        (
            rf"\b{_END_OF} (?:the |de )?(?:{_NEXT}) (?:month|maand|mesiac\w*"
            r"|manad\w*)"
        ),
    ),
    (
        "week_end",
        0,
        (
            rf"\b{_END_OF} (?:the |this |de |deze |tohto |denna |den har )?"
            r"(?:week|tyzdna|veckan?)\b|\bveckans slut\b|\bend of week\b"
        ),
    ),
    (
        "month_end",
        0,
        (
            rf"\b{_END_OF} (?:the |this |de |deze |tohto |denna |den har )?"
            r"(?:month|maand|mesiaca|manaden|manad)\b|\bmanadens slut\b"
            r"|\bmonth end\b|\bend of month\b"
        ),
    ),
    (
        "weekday",
        1,
        (
            rf"\b{_NEXT_WEEK} (?:\w+ )?(?:on |op |v |vo |pa )?"
            rf"(?P<day>{_WEEKDAY_RE.pattern[2:]})"
        ),
    ),
    (
        "weekday",
        1,
        rf"\b(?P<day>{_WEEKDAY_RE.pattern[2:]}) (?:of |van |in |)?{_NEXT_WEEK}",
    ),
    ("weekday", 1, rf"\b{_NEXT} (?P<day>{_WEEKDAY_RE.pattern[2:]})"),
    # by a weekday: the coming one ("do piatku", "najneskôr do stredy", "by
    # Friday", "uiterlijk vrijdag", "senast fredag")
    (
        "coming_weekday",
        0,
        (
            r"\b(?:do|by|until|till|before|voor|uiterlijk|tot|senast|innan) "
            rf"(?P<day>{_WEEKDAY_RE.pattern[2:]})"
        ),
    ),
)
_RELATIVE_DATE_RES = tuple(
    (kind, ahead, re.compile(pattern))
    for kind, ahead, pattern in RELATIVE_DATE_PATTERNS
)
# A day and month in digits without a year ("15.12.", "15/12"): the next
# such day.
# ... unless this year's is past by at most this many days: a past date.
DAY_MONTH_PAST_DAYS = 183
_DAY_MONTH_RE = re.compile(r"(?<![\d./-])(\d{1,2})[./](\d{1,2})\.?(?![\d./-]?\d)")


def relative_promise_date(text, today):
    """The date ``text`` names by a relative expression of
    ``RELATIVE_DATE_PATTERNS`` ("next Friday", "volgende week vrijdag", "do
    konca budúceho týždňa", "i slutet av månaden"), the first one in the
    text, counted from ``today`` (``datetime.date``), else None.

    :return: ``datetime.date`` (today or later) or None
    """
    words = normalize_words(text)
    found = []
    for kind, ahead, regex in _RELATIVE_DATE_RES:
        for match in regex.finditer(words):
            found.append((match.start(), kind, ahead, match))
    if not found:
        return None
    __, kind, ahead, match = min(found, key=lambda item: item[0])
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=ahead)
    if kind == "week_end":
        return max(monday + timedelta(days=4), today)
    if kind in ("month_end", "named_month_end"):
        month = today.month + ahead
        if kind == "named_month_end":
            month = _MONTH_NUMBERS[match.group("month")]
            month += 12 if month < today.month else 0
        year = today.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        following = date(year + month // 12, month % 12 + 1, 1)
        return following - timedelta(days=1)
    day = match.group("day")
    for words_of_lang in _WEEKDAYS.values():
        for number, weekday in enumerate(words_of_lang):
            if day.startswith(weekday):
                if kind == "coming_weekday":
                    return today + timedelta(days=(number - today.weekday()) % 7)
                return max(monday + timedelta(days=number), today)
    return None


def day_month_date(text, today):
    """The first day and month written in digits without a year in
    ``text`` ("15.12.", "16/12"), day first, from ``today``: this year's
    when today or later, next year's when this year's is more than half a
    year past ("15.1." said in December), else (a day of the last months,
    "16.11." on 30 November) no promise date: None."""
    for match in _DAY_MONTH_RE.finditer(text):
        day, month = int(match.group(1)), int(match.group(2))
        try:
            value = date(today.year, month, day)
        except ValueError:
            continue
        if value >= today:
            return value
        if (today - value).days > DAY_MONTH_PAST_DAYS:
            try:
                return date(today.year + 1, month, day)
            except ValueError:  # 29 February
                continue
    return None


# Reasons a dispute gives in words the phrases rarely hold (accent-free,
# after ``normalize_reply``: numbers two to twelve are ``NUMBER_WORD``), in
# en, nl, sk, sv; they win over the reasons of the phrases found.
_NUM = rf"(?:{NUMBER_WORD}|\d+|one|een|jeden|jednu|jedna|en|ett)"
_ONLY = r"(?:only|just|slechts|maar|alleen|enkel|len|iba|bara|endast|blott)"
_UNIT = (
    r"(?:pieces?|pcs|items?|units?|boxes|box|cartons?|pallets?|bags?|rolls?"
    r"|stuks?|dozen|doos|colli|rollen|zakken|kus\w*|ks|krabic\w*|palet\w*"
    r"|balen\w*|vrec\w*|st|stycken|styck|kartong\w*|lador|pallar|sackar)"
)
_INVOICED = (
    r"(?:invoiced|billed|charged|gefactureerd|berekend|gerekend|gefaktureerd"
    r"|(?:vy)?fakturoval\w*|fakturovan\w*|uctoval\w*|fakturera\w*|debitera\w*)"
)
_TWICE = (
    rf"(?:twice|{NUMBER_WORD} times|double|doubled|duplicated?|tweemaal"
    rf"|{NUMBER_WORD} keer|dubbel\w*|dvakrat|dvojmo|duplicit\w*|dvojit\w*"
    rf"|{NUMBER_WORD} ganger|dubblett\w*)"
)
_SENT = (
    r"(?:invoice\w*|bill\w*|charged|received|sent|paid|factu\w*|gefactureerd"
    r"|ontvangen|verstuurd|gestuurd|berekend|betaald|faktur\w*|dostali|prisl\w*"
    r"|poslali|zaplatili|uhradili|uctoval\w*|fick|fatt|skickat|skickade"
    r"|betala\w*|debitera\w*)"
)
# (reason, pattern, pattern that must be found too or None)
DISPUTE_REASON_PATTERNS = (
    # fewer pieces received than invoiced: "only 5 pieces", "slechts 5
    # stuks", "len 5 kusov", "bara 5 st" ...
    (
        "invoice_dispute.reason_quantity",
        (
            rf"\b{_ONLY} (?:\w+ ){{0,2}}{_NUM} {_UNIT}\b"
            r"|\bfewer (?:items|pieces|units)"
            r"|\bminder (?:\w+ )?(?:ontvangen|geleverd)"
            r"|\bmenej (?:kusov|tovaru)|\bfarre (?:varor|enheter|st)"
        ),
        None,
    ),
    # ... or two counts, one of them invoiced: "40 pallets but only 35",
    # "5 kusov, ale vyfakturovali ste nám 8 kusov"
    (
        "invoice_dispute.reason_quantity",
        rf"\b(?:{NUMBER_WORD}|\d+) {_UNIT}\b.{{0,80}}\b(?:{NUMBER_WORD}|\d+)\b",
        rf"\b{_INVOICED}\b",
    ),
    # the invoice received, sent, invoiced or paid twice
    (
        "invoice_dispute.reason_duplicate",
        rf"\b{_TWICE} (?:\w+ ){{0,5}}{_SENT}\b|\b{_SENT} (?:\w+ ){{0,5}}{_TWICE}\b",
        None,
    ),
)
_DISPUTE_REASON_RES = tuple(
    (xmlid, re.compile(pattern), required and re.compile(required))
    for xmlid, pattern, required in DISPUTE_REASON_PATTERNS
)


def _drop_document_number(match):
    """``re.sub`` callback: the matched word when it reads as a date (or is
    a plain number), else a space (a document number such as an invoice's)."""
    word = match.group(0).rstrip(".")
    if not re.search(r"[./-]", word) or _DATE_GROUPS_RE.fullmatch(word):
        return match.group(0)
    return " "


class InvoiceIntentPhrase(models.Model):
    _name = "invoice.intent.phrase"
    _inherit = ["invoice.phrase.mixin"]
    _description = "Reply Intent Phrase"
    _order = "lang, intent, phrase"

    phrase = fields.Char(
        help="Words a customer writes in a reply with this intent. A reply matches "
        "when it contains most of them (ignoring case, accents, punctuation, word "
        "order and endings).",
    )
    intent = fields.Selection(REPLY_INTENTS, required=True, index=True)
    reason_id = fields.Many2one(
        "invoice.dispute.reason",
        string="Dispute reason",
        ondelete="set null",
        help="For dispute phrases: the reason a reply matching it most likely gives.",
    )

    @api.constrains("intent", "reason_id")
    def _check_reason_id(self):
        for record in self:
            if record.reason_id and record.intent != "dispute":
                raise ValidationError(
                    self.env._(
                        "The phrase %(phrase)r has the intent %(intent)s: only "
                        "dispute phrases give a dispute reason. Clear the reason "
                        "or set the intent to Dispute.",
                        phrase=record.phrase,
                        intent=selection_label(self, "intent", record.intent),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def classify_reply(self, text, lang=None, message=None, intent_model=None):
        """Guess what a customer means in a reply to a reminder.

        The reply is cleaned (``strip_reply``: quoted message and signature
        removed) and its language detected when ``lang`` is not given (the
        language whose phrases share most words with it). An email marked
        as automatic by its headers (``Auto-Submitted``, ``X-Autoreply``,
        ``Precedence: auto_reply``...) is an automatic reply. Else the
        intent is the one the model learnt from labelled replies and the
        active phrases gives (``_get_intent_model``, see
        ``models/intent_model.py``); a reply without a word, or whose best
        intent but an automatic reply scores below ``NO_INTENT_SCORE``, has
        none (False: the collector reads it; an automatic reply however
        unsure stays silent).

        The phrases of the reply's language are still looked for
        (``_match_phrases``), to show the collector the words the guess rests
        on and to tell the dispute reason: a phrase matches when the reply
        holds, close together, most of its words' weight (compared by stem,
        see ``_match_phrases``).

        For a promise, the first date after today and within a year that the
        reply names ("on Friday", "vrijdag", "v piatok", "på fredag",
        "15.12.2026") is read with ``dateparser`` in the reply's language
        (day before month), relative dates it misses with
        ``RELATIVE_DATE_PATTERNS`` ("next Friday", "end of next week", "eind
        van de maand", "do konca budúceho týždňa"; see
        ``_find_promise_date``). For a dispute,
        the reason is the one of ``DISPUTE_REASON_PATTERNS`` (fewer pieces
        than invoiced, the invoice received twice), else the one of the
        matching dispute phrases (``reason_id``) with the highest score, else
        the reason ``invoice_dispute.reason_other``.

        :param str text: the reply's body, plain text or HTML; may be empty
            when ``message`` is given
        :param str lang: language code of the reply (``nl_NL``; any variant
            of the language), or None to detect it
        :param message: optional, the incoming email: a ``message_dict`` of
            ``mail.thread.message_parse`` (``subject``, ``body`` and, when the
            caller adds them, header names as keys or in ``headers``) or an
            ``email.message.Message``
        :param intent_model: optional, a model of ``fit_intent_model`` to
            use instead of the database's (benchmarks: a model fitted
            without the replies measured)
        :return: dict with ``intent`` (a key of ``REPLY_INTENTS`` or False),
            ``lang`` (the language code used), ``scores`` (``{intent:
            score}``, the model's decision values), ``phrases`` (the matching
            phrases of the intent, to explain the guess), ``promise_date``
            (``datetime.date`` or False), ``reason_id``
            (``invoice.dispute.reason`` record, empty unless dispute),
            ``auto_reply_header`` (the header that marked an automatic reply,
            or False), ``text`` (the cleaned reply) and ``words`` (the
            reply's own words where those phrases were found,
            ``_find_reply_words``)
        """
        subject = ""
        if message is not None:
            subject = self._get_message_value(message, "subject") or ""
            if not text:
                text = self._get_message_value(message, "body") or ""
        cleaned = strip_reply(text)
        index = self._get_phrase_index()
        lang = lang or self._detect_reply_lang(cleaned or subject, index)
        prefix = (lang or "en").split("_")[0]
        entries, weights, __ = index.get(prefix, ((), {}, lang))
        result = {
            "intent": False,
            "lang": lang,
            "scores": {},
            "phrases": [],
            "promise_date": False,
            "reason_id": self.env["invoice.dispute.reason"],
            "auto_reply_header": False,
            "text": cleaned,
            "words": [],
        }
        header = message is not None and self._get_auto_reply_header(message)
        if header:
            result.update(intent="auto_reply", auto_reply_header=header)
            return result
        reply = cleaned or subject
        if not normalize_reply(reply).strip():
            return result
        model = intent_model or self._get_intent_model()
        values = model.decision_function([reply])[0]
        result["scores"] = {
            intent: round(float(value), 2)
            for intent, value in zip(model.classes_.tolist(), values, strict=True)
        }
        intent = max(result["scores"], key=result["scores"].get)
        if intent != "auto_reply" and result["scores"][intent] < NO_INTENT_SCORE:
            # unsure: the collector reads it rather than acting on a guess
            return result
        matches = self._match_phrases(cleaned, entries, weights)
        result["intent"] = intent
        result["phrases"] = [phrase for i, phrase, __, __ in matches if i == intent]
        result["words"] = self._find_reply_words(cleaned, result["phrases"], entries)
        if intent == "promise":
            result["promise_date"] = self._find_promise_date(cleaned, prefix)
        elif intent == "dispute":
            result["reason_id"] = self._guess_dispute_reason(matches, cleaned)
        return result

    @api.model
    @tools.ormcache()
    def _get_intent_model(self):
        """The model reading replies, fitted on ``_get_intent_samples``
        (``fit_intent_model``). Cached; cleared when a phrase changes.

        :return: a fitted scikit-learn pipeline
        """
        return fit_intent_model(*self._get_intent_samples())

    @api.model
    def _get_intent_samples(self, exclude=()):
        """What the model learns from: the labelled replies of
        ``intent_model.CORPUS_DIR`` (cleaned by ``strip_reply``) and the
        active phrases.

        :param exclude: names of corpus files to leave out (cross-validation:
            a file classified by a model that never saw it)
        :return: ``(texts, intents)``, two lists of str of the same length
        """
        texts, intents = [], []
        for path in corpus_files():
            if path.name in exclude:
                continue
            for row in read_labelled_replies(path):
                texts.append(strip_reply(row["text"]))
                intents.append(row["intent"])
        for phrase in self.sudo().search(  # shared configuration data
            [("active", "=", True)]
        ):
            texts.append(phrase.phrase)
            intents.append(phrase.intent)
        return texts, intents

    @api.model
    def _find_reply_words(self, text, phrases, entries):
        """The reply's own words where ``phrases`` (of ``entries``, see
        ``_get_phrase_index``) were found in ``text``: for each phrase, the
        shortest part of the reply holding its words (as ``_match_phrases``
        finds it), overlapping or adjacent parts joined, in the reply's
        order, with its spelling, case and accents ("We'll pay it on
        Friday", not the phrase "we will pay on").

        :param str text: the cleaned reply
        :param list phrases: phrases (str) found in it
        :param entries: the language's phrase entries
        :return: list of str, empty when none can be shown
        """
        spans = reply_word_spans(text)
        if not spans or not phrases:
            return []
        words = word_positions(text)
        stems_of = {entry[1]: entry[2] for entry in entries}
        parts = []
        for phrase in phrases:
            present = {stem for stem in stems_of.get(phrase, ()) if stem in words}
            if present:
                __, first, last = shortest_span(words, present)
                parts.append((spans[first][0], spans[last][1]))
        joined = []
        for start, end in sorted(parts):
            if joined and start <= joined[-1][1] + 1:
                joined[-1] = (joined[-1][0], max(joined[-1][1], end))
            else:
                joined.append((start, end))
        return [" ".join(text[start:end].split()) for start, end in joined]

    @api.model
    @tools.ormcache()
    def _get_phrase_index(self):
        """The active phrases by language prefix, ready to match:
        ``{prefix: (entries, weights, lang code)}`` where entries are
        ``(intent, phrase, stems, normalized phrase, reason id, {stem: whole
        word})`` and weights
        ``{stem: weight}`` over the phrases of that language (see
        ``SPECIFICITY_POWER``). Cached; cleared when a phrase changes."""
        by_lang = defaultdict(list)
        codes = {}
        for phrase in self.sudo().search(  # shared configuration data
            [("active", "=", True)]
        ):
            prefix = phrase.lang.split("_")[0]
            codes.setdefault(prefix, phrase.lang)
            by_lang[prefix].append(
                (
                    phrase.intent,
                    phrase.phrase,
                    phrase_stems(phrase.phrase),
                    normalize_reply(phrase.phrase),
                    phrase.reason_id.id,
                    phrase_words(phrase.phrase),
                )
            )
        index = {}
        for prefix, entries in by_lang.items():
            counts = defaultdict(lambda: defaultdict(int))
            for intent, __, stems, __, __, __ in entries:
                for stem in stems:
                    counts[stem][intent] += 1
            weights = {}
            for stem, by_intent in counts.items():
                count = sum(by_intent.values())
                specificity = max(by_intent.values()) / count
                weights[stem] = math.log(1 + len(entries) / count) * (
                    specificity**SPECIFICITY_POWER
                )
            index[prefix] = (tuple(entries), weights, codes[prefix])
        return index

    @api.model
    def _detect_reply_lang(self, text, index):
        """The language (code of its phrases) of ``text`` among those with
        reply phrases in ``index`` (``_get_phrase_index``), ranked by
        ``rank_langs`` with the phrases' stems as vocabulary, a language's own
        letters (``LANG_LETTERS``) counting one more common word; the user's
        language, else English, on a tie or without any evidence."""
        default = (self.env.lang or "en_US").split("_")[0]
        prefixes = sorted(index, key=lambda prefix: prefix != default)
        ranked = rank_langs(
            word_positions(text),
            {prefix: index[prefix][1] for prefix in prefixes},
            prefixes,
        )
        lowered = (text or "").lower()
        letters = {
            prefix: 1
            for prefix, chars in LANG_LETTERS.items()
            if prefix in index and any(char in lowered for char in chars)
        }
        if letters:
            # "Dobrý deň" is Slovak: its letters count one more common word
            ranked = sorted(
                [
                    (prefix, (score[0] + letters.pop(prefix, 0), *score[1:]))
                    for prefix, score in ranked
                ]
                + [(prefix, (1, 0.0, 0)) for prefix in letters],
                key=lambda item: item[1],
                reverse=True,
            )
        if ranked:
            return index[ranked[0][0]][2]
        return self.env.lang or "en_US"

    @api.model
    def _match_phrases(self, text, entries, weights):
        """The phrases found in ``text``: a list of ``(intent, phrase,
        reason id, score)``, the score being the matched weight of the
        phrase's words (``EXACT_BONUS`` times more when word for word)."""
        words = word_positions(text)
        if not words:
            return []
        haystack = normalize_reply(text)
        matches = []
        for intent, phrase, stems, needle, reason_id, whole in entries:
            total = sum(weights[stem] for stem in stems)
            present = [stem for stem in stems if stem in words]
            found = sum(weights[stem] for stem in present)
            if (
                not total
                or found / total < MATCH_COVERAGE
                or len(present) / len(stems) < MATCH_WORD_SHARE
            ):
                continue
            if intent == "auto_reply" and len(present) < len(stems):
                # silencing a reply needs every word of the phrase
                continue
            if len(stems) == 1 and whole[stems[0]] not in words:
                # a phrase of one word is that word, possibly with an ending
                # added, never another word of the same stem ("splátky" is no
                # "splatná", "betald" no "betalar")
                continue
            long_stems = [stem for stem in present if stem[-1] != " "]
            if intent in NEGATABLE_INTENTS and (
                long_stems and all(whole[stem] not in words for stem in long_stems)
            ):
                # the tense is in the ending: "vi betalade" is no "vi
                # betalar", "we paid" no "we pay"
                continue
            span, first, last = shortest_span(words, set(present))
            if intent == "auto_reply" and any(
                first < index < last
                for word in AUTO_REPLY_NEGATIONS
                if f"{word} " not in stems
                for index in words.get(f"{word} ", ())
            ):
                # "wij hebben geen bericht ontvangen" is no receipt
                continue
            if span > len(stems) + MATCH_MAX_GAP or (
                intent in NEGATABLE_INTENTS
                and not any(f"{word} " in stems for word in NEGATION_WORDS)
                and any(
                    first - NEGATION_BEFORE <= index <= last + NEGATION_AFTER
                    for word in NEGATION_WORDS
                    for index in words.get(f"{word} ", ())
                )
            ):
                continue
            # the whole word, or it with an ending added, else another ending
            score = sum(
                weights[stem] * (1.0 if whole[stem] in words else OTHER_ENDING_FACTOR)
                for stem in present
            )
            score *= EXACT_BONUS if needle in haystack else 1.0
            score *= INTENT_WEIGHTS.get(intent, 1.0)
            matches.append((intent, phrase, reason_id, score))
        return matches

    @api.model
    def _find_promise_date(self, text, prefix):
        """The date a customer promises to pay by in ``text`` (language
        ``prefix``), read with ``dateparser`` clause by clause (it misses
        dates in long sentences), days before months, "Friday" being the next
        one: the first date after today and within ``PROMISE_HORIZON_DAYS``
        written with a number, else a day and month without a year ("15.12.",
        ``day_month_date``), else a relative date of
        ``RELATIVE_DATE_PATTERNS`` ("next Friday" is the Friday of next week,
        "end of the month" its last day, ``relative_promise_date``), else
        the first other date found, else today if named ("today", "this
        morning"), else False. Single short words ("We", "may") are not
        taken for dates.

        :return: ``datetime.date`` or False
        """
        today = fields.Date.context_today(self)
        settings = {
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": datetime.combine(today, time()),
            "DATE_ORDER": "DMY",
        }
        # "15. decembra" (Slovak day numbers take a dot) as "15 decembra"
        text = _DAY_DOT_RE.sub(r"\1 ", text)
        text = _NUMBERED_WORD_RE.sub(_drop_document_number, text)
        found_today = False
        named = []  # (day, whether the words hold a number)
        for clause in _CLAUSE_RE.split(text):
            if not clause.strip():
                continue
            for words, value in search_dates(clause, [prefix], settings) or ():
                has_number = bool(re.search(r"\d", words))
                if not has_number and len(words.strip()) <= 3:
                    continue
                day = value.date()
                if today < day <= today + timedelta(days=PROMISE_HORIZON_DAYS):
                    named.append((day, has_number))
                found_today = found_today or day == today
        # an explicit date ("next week, on Friday 11 December") wins over a
        # relative one
        for day, has_number in named:
            if has_number:
                return day
        horizon = today + timedelta(days=PROMISE_HORIZON_DAYS)
        # "15.12." (no year), then "next Friday", "end of the month", which
        # dateparser misses or reads as next Monday
        for day in (day_month_date(text, today), relative_promise_date(text, today)):
            if day and today <= day <= horizon:
                return day
        if named:
            return named[0][0]
        return found_today and today

    @api.model
    def _guess_dispute_reason(self, matches, text=""):
        """The dispute reason of ``text`` (the cleaned reply) by
        ``DISPUTE_REASON_PATTERNS`` (fewer pieces received than invoiced,
        the invoice received twice), else that of the best-scoring matching
        dispute phrases of ``matches`` (``_match_phrases``), else
        ``invoice_dispute.reason_other`` (empty if it was deleted).

        :return: ``invoice.dispute.reason`` record (active), possibly empty
        """
        Reason = self.env["invoice.dispute.reason"]
        haystack = normalize_reply(text)
        for xmlid, regex, required in _DISPUTE_REASON_RES:
            if regex.search(haystack) and (not required or required.search(haystack)):
                reason = self.env.ref(xmlid, raise_if_not_found=False)
                if reason and reason.active:
                    return reason
        scores = defaultdict(float)
        for intent, __, reason_id, score in matches:
            if intent == "dispute" and reason_id:
                scores[reason_id] += score
        if scores:
            reason = Reason.browse(max(scores, key=scores.get)).exists()
            if reason.active:
                return reason
        model = self._get_reason_model()
        if model is not None and normalize_reply(text).strip():
            reason = Reason.browse(int(model.predict([text])[0])).exists()
            if reason.active:
                return reason
        other = self.env.ref("invoice_dispute.reason_other", raise_if_not_found=False)
        return other or Reason

    @api.model
    @tools.ormcache()
    def _get_reason_model(self):
        """The model guessing a dispute's reason from words no dispute phrase
        matched, fitted on the active dispute phrases and their reasons but
        "Other reason" (``fit_intent_model`` with reason ids as labels): it
        guesses a reason, "Other reason" stays the last resort. Cached;
        cleared when a phrase changes.

        :return: a fitted scikit-learn pipeline predicting
            ``invoice.dispute.reason`` ids (str), or None with fewer than
            two reasons among the phrases
        """
        other = self.env.ref("invoice_dispute.reason_other", raise_if_not_found=False)
        phrases = (
            self.sudo()
            .search(  # shared configuration data
                [
                    ("active", "=", True),
                    ("intent", "=", "dispute"),
                    ("reason_id", "!=", False),
                ]
            )
            .filtered(lambda phrase: phrase.reason_id != other)
        )
        if len(phrases.reason_id) < 2:
            return None
        return fit_intent_model(
            phrases.mapped("phrase"), [str(phrase.reason_id.id) for phrase in phrases]
        )

    @api.model
    def _get_message_value(self, message, name):
        """The value of header or key ``name`` (case-insensitive) of
        ``message``: a dict (``message_dict``, possibly with a ``headers``
        dict) or an ``email.message.Message``; None when absent."""
        if isinstance(message, Mapping):
            sources = [message]
            if isinstance(message.get("headers"), Mapping):
                sources.append(message["headers"])
            for source in sources:
                for key, value in source.items():
                    if isinstance(key, str) and key.lower() == name.lower():
                        return value
            return None
        value = message.get(name)
        if name == "body" and value is None and hasattr(message, "get_body"):
            part = message.get_body(preferencelist=("plain", "html"))
            return part.get_content() if part is not None else None
        return value

    @api.model
    def _get_auto_reply_header(self, message):
        """The name of the header that marks ``message`` as an automatic
        reply, or False."""
        for name, allowed in AUTO_REPLY_HEADERS.items():
            value = self._get_message_value(message, name)
            if value is not None and str(value).strip().lower() not in allowed:
                return name
        precedence = self._get_message_value(message, "precedence")
        if precedence and str(precedence).strip().lower() in AUTO_REPLY_PRECEDENCE:
            return "precedence"
        return False
