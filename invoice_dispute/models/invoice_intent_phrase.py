import functools
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
from .phrase_tools import (
    LANG_MARKERS,
    normalize_words,
    rank_langs,
)


@functools.cache
def compile_alternatives(patterns):
    """One regular expression matching any of ``patterns`` (a tuple of
    regular expressions, each kept as a group of its own), compiled once
    per tuple.

    :param tuple patterns: regular expressions (str)
    :return: ``re.Pattern``
    """
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


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
# Without any phrase, the reply's words typical of one intent's phrases (their
# weight times their share in that intent) decide when they add up to this.
WORD_EVIDENCE_MIN = 2.5
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
# Function words (articles, pronouns, prepositions, greetings) tell the
# language, not the intent: the word evidence (``_weigh_words``) ignores them,
# and a word found in a single phrase counts as if found in one more phrase
# of another intent (``WORD_EVIDENCE_PRIOR``), so that a rare word alone does
# not decide.
_STOP_WORDS_TEXT = (
    "a an i me my on in at be are am was were as or but so if from up us "
    "they them he she hi hello dear thanks thank regards best kind yes ok "
    "ik je jij we het op aan om bij naar ook nog maar of als er mij hoi "
    "hallo beste geachte groet groeten mvg bedankt dank v vo s k o od sa si "
    "mi ma aj ale alebo ako dobry den dakujem pozdravom zdravim en ett jag "
    "mig till fran av men eller hej halsningar mvh du de"
)
STOP_WORDS = frozenset(
    {word for markers in LANG_MARKERS.values() for word in markers}
    | set(_STOP_WORDS_TEXT.split())
)
WORD_EVIDENCE_PRIOR = 1
# Words that tell when the customer pays (accent-free; a trailing "*" is any
# ending): between a payment made and a promise, a reply that speaks only of
# the other time is that other intent ("Betalar imorgon" is no "betalat",
# "check will be mailed Monday" no payment made).
_FUTURE_WORDS_TEXT = (
    "will shall going gonna tomorrow tmrw tonight next upcoming later soon "
    "scheduled expect intend asap morgen overmorgen volgende komende "
    "aanstaande zal zullen ga gaan gaat wordt worden straks binnenkort "
    "uiterlijk ingepland gepland regel regelen betaal betalen voldoen maak "
    "zajtra pozajtra buduc* najneskor zaplatim* uhradim* poslem* prevediem* "
    "bude budu budeme planujeme hned coskoro naplanovan* imorgon morgon "
    "nasta kommande ska skall kommer betalar betalas senast snart planerad* "
    "fixar ordnar skickar overfor"
)
FUTURE_WORDS = tuple(_FUTURE_WORDS_TEXT.split())
_PAST_WORDS_TEXT = (
    "paid transferred sent wired settled remitted went cleared already "
    "yesterday ago last did processed been betaald overgemaakt overgeboekt "
    "voldaan gedaan verstuurd gisteren vorige afgelopen reeds al "
    "afgeschreven geleden zaplatil* uhradil* poslal* previedl* previedol "
    "odoslal* odisl* zaplaten* uhraden* uz vcera minul* zrealizoval* "
    "realizoval* betalat betalade betalt betald betalades betalats overfort "
    "overforde forde skickade skickat swishade swishat redan igar forra rakade "
    "gick morse gjorde gjort mandags tisdags onsdags torsdags fredags "
    "lordags sondags"
)
PAST_WORDS = tuple(_PAST_WORDS_TEXT.split())
FUTURE_AUXILIARIES = frozenset(
    ("will", "shall", "wordt", "worden", "zal", "zullen", "bude", "budu", "ska")
)
# A reply asking something without any known phrase is a question, unless
# its words clearly ask for one of these ("can we split it in four?").
QUESTION_EVIDENCE_INTENTS = ("plan_request",)
# ... clearly: this many times the evidence needed without a question mark,
# and this many times that of any other intent.
QUESTION_EVIDENCE_FACTOR = 2
# A refusal to pay (en, nl, sk, sv, accent-free, after ``normalize_reply``)
# is a dispute whatever else it says ("we will not pay until it is repaired",
# "ik betaal niet voor werk dat niet gedaan is", "vi tänker inte betala för",
# "túto faktúru neuhradíme"); "not yet paid" or "cannot pay all at once" are
# no refusal.
REFUSAL_PATTERNS = (
    (
        r"\b(?:will|shall|are|am|is|do|does) not (?:be )?(?:going to |prepared to "
        r"|willing to |intending to )?(?:pay|paying|settle|accept)\b"
        r"(?! (?:yet|now|all))"
    ),
    r"\brefuse (?:to pay|payment)|\bwithhold(?:ing)? (?:payment|the payment)",
    (
        r"\bnot (?:pay|paying) (?:for|this|that|it|until|before|anything)\b"
        r"(?! (?:all|in full|at once|in one))"
    ),
    r"\b(?:ik|wij|we) (?:betaal|betalen) (?:\w+ ){0,3}niet\b(?! in)",
    r"\b(?:ga|gaan|zullen|zal) (?:\w+ ){0,3}niet (?:\w+ )?betalen\b",
    r"\bweiger\w* (?:\w+ ){0,3}(?:te )?betal\w*|betaling (?:\w+ )?(?:op|aan)houden",
    r"\bhouden (?:\w+ ){0,3}(?:betaling|betalen) (?:\w+ )?aan",
    r"\bne(?:zaplat|uhrad)(?:ime|im|ia)\b",
    r"\bnebudeme (?:\w+ )?(?:platit|hradit|uhradzat)",
    r"\bodmiet\w* (?:\w+ )?(?:zaplat|uhrad|plat)\w*",
    r"\b(?:tanker|kommer|tankte|avser) (?:vi |jag )?inte (?:att )?betala\b",
    r"\bbetalar (?:vi |jag )?inte\b|\bvagrar (?:att )?betala|\bhaller inne\b",
)
# A payment promised only once the supplier has put something right (en,
# nl, sk, sv: the goods delivered, the invoice corrected, a credit note or
# a new invoice received) is a dispute as a refusal is ("we will pay once we
# receive a corrected invoice", "graag een nieuwe factuur, dan betalen we",
# "zaplatíme, až keď dostaneme dobropis", "vi betalar när varorna är
# levererade"); a payment once the payer is back or paid is a promise.
_FIX = (
    r"(?:deliver\w*|correct\w*|revised|fixed|repaired|resolved|credit"
    r"|new invoice|geleverd|gecorrigeerd|correcte|aangepaste|hersteld|creditnota"
    r"|creditfactuur|nieuwe factuur|dodan\w*|doruc\w*|oprav\w*|dobropis\w*"
    r"|nov\w* faktur\w*|levererad\w*|ratta\w*|korrigera\w*|kreditfaktura"
    r"|kreditnota|ny faktura|lagad\w*|atgarda\w*)"
)
CONDITIONAL_PAYMENT_PATTERNS = (
    (
        r"\b(?:pay|settle|payment|betalen|betaal|betaling|voldoen|zaplatime"
        r"|zaplatim|uhradime|uhradim|uhradu|platbu|betalar|betala|betalning\w*)"
        r" (?:\w+ ){0,3}(?:only |pas |az |forst )?(?:once|when|after|as soon as"
        r"|zodra|als|wanneer|na ontvangst van|ked|hned ako|po|nar|sa snart"
        r"|efter att) (?:\w+ ){0,5}" + _FIX
    ),
    (
        _FIX + r" (?:\w+ ){0,5}(?:and then|and|then|dan|potom|a|sa|da)"
        r" (?:we will |i will |we |i )?(?:pay|settle|betalen|betaal|voldoen"
        r"|zaplatime|zaplatim|uhradime|uhradim|betalar)\b"
    ),
    # "send a corrected invoice for 40 units and we'll process it", "fix the
    # invoice and then we can talk about paying"
    (
        r"\b(?:send|issue|fix|correct) (?:us )?(?:a |the )?(?:\w+ )?(?:invoice|credit"
        r" note|bill) (?:\w+ ){0,5}(?:and then|and|then) (?:we|i) (?:will |can |shall"
        r" |could )?(?:\w+ ){0,2}(?:pay|paying|settle|process|approve|release)\b"
    ),
    # still waiting for the credit note or the corrected invoice: "wij missen
    # nog altijd de creditnota", "čakáme na dobropis", "vi väntar fortfarande
    # på kreditnotan"
    (
        r"\b(?:waiting for|still (?:missing|not received|have not received)"
        r"|missen|wachten|cakame|cakam|chyba nam|vantar|saknar)"
        r" (?:\w+ ){0,3}(?:credit (?:note|memo)|corrected invoice|creditnota"
        r"|creditfactuur|gecorrigeerde factuur|dobropis\w*|opraven\w* faktur\w*"
        r"|kreditnota\w*|kreditfaktura\w*|korrigerad\w* faktura\w*)"
    ),
)
# A claim that the invoice charges more than was had (en, nl, sk, sv) is a
# dispute whatever else it says: a whole period charged ("you still invoiced
# the full month", "toch staat de hele maand op de factuur", "tar ni betalt
# för hela månaden"), a number against the invoice's ("2 hodiny, nie 5 ako
# máte na faktúre"), a payment only for what was had ("we pay for the days
# we had it, not more", "zaplatím len to, čo sa robilo", "vi betalar bara
# för det vi fick").
_PERIOD = (
    r"(?:month|week|period|year|quarter|maand|week|periode|jaar|kwartaal|mesiac"
    r"|tyzden|obdobie|rok|stvrtrok|manad|manaden|vecka|veckan|perioden|aret|kvartal)"
)
OVERCHARGE_PATTERNS = (
    (
        r"\b(?:invoiced|billed|charged|charging|invoicing|billing|invoice) (?:us )?"
        r"(?:\w+ ){0,2}(?:for )?(?:the )?(?:full|whole|entire) " + _PERIOD
    ),
    (
        r"\b(?:hele|volledige|gehele) " + _PERIOD + r" (?:\w+ ){0,3}(?:op de factuur"
        r"|gefactureerd|in rekening|berekend|aangerekend)"
        r"|\b(?:gefactureerd|in rekening gebracht|berekend|aangerekend) (?:\w+ ){0,3}"
        r"(?:de |het )?(?:hele|volledige|gehele) " + _PERIOD
    ),
    (
        r"\b(?:fakturujete|fakturovali|fakturovat|uctujete|uctovali|vyfakturovali)"
        r" (?:\w+ ){0,3}(?:cel\w*|plny|plnu) " + _PERIOD
    ),
    (
        r"\b(?:tar ni betalt|tagit betalt|debiterat|debiterar|fakturerat|fakturerar)"
        r" (?:\w+ ){0,3}(?:for )?(?:hela|full\w*) " + _PERIOD
    ),
    (
        r"\b(?:not|niet|nie|inte) (?:\d+|nnum|ddigits) (?:\w+ ){0,2}(?:as|like|zoals"
        r"|als|ako|som) (?:\w+ ){0,4}(?:invoice\w*|invoiced|factuur|gefactureerd"
        r"|faktur\w*|fakturerat|charged|billed)"
    ),
    (
        r"\b(?:pay|paying|settle) (?:\w+ )?(?:only|just) for (?:what|the (?:\w+ )?"
        r"(?:hours|days|units|pieces|items) (?:we|that|which))\b"
        r"|\bpay for (?:what|the \w+ (?:we|that|which)) (?:\w+ ){0,6}(?:not|nothing)"
        r" more\b"
    ),
    (
        r"\b(?:betalen|betaal) (?:we |wij |ik )?(?:alleen|enkel|slechts|uitsluitend)"
        r" (?:voor )?(?:wat|de uren|de dagen|de geleverde)\b"
    ),
    (
        r"\b(?:zaplatim|zaplatime|uhradim|uhradime) (?:\w+ )?(?:len|iba|jedine)"
        r" (?:to|za to) co\b"
    ),
    (
        r"\bbetalar (?:vi |jag )?(?:bara |endast |enbart )?for (?:det|de|den|vad)"
        r" (?:\w+ ){0,6}(?:inte mer|inget mer|inget annat)\b"
        r"|\bbetalar (?:vi |jag )?(?:bara|endast|enbart) for (?:det|de|den|vad)\b"
    ),
)
_REFUSAL_RE = compile_alternatives(
    REFUSAL_PATTERNS + CONDITIONAL_PAYMENT_PATTERNS + OVERCHARGE_PATTERNS
)
# Asking for more time, a later due date (en, nl, sk, sv): "can the payment
# term be extended to 60 days", "is het mogelijk de betaaltermijn te
# verlengen", "je možné posunúť platbu na január", "kan vi få anstånd med
# betalningen"; a reply of no phrase or found a question that asks so is a
# plan request (``PLAN_REQUEST_OVER``).
PAYMENT_EXTENSION_PATTERNS = (
    (
        r"\b(?:extend|extending|extension of|prolong|postpone|postponing|defer"
        r"|deferring|push back|move) (?:\w+ ){0,3}(?:payment|due date|payment terms?"
        r"|deadline)\b|\b(?:more|extra|additional) time to pay\b"
    ),
    (
        r"\b(?:betaaltermijn|betalingstermijn|vervaldatum|betaling) (?:\w+ ){0,8}"
        r"(?:verlengen|verlengd|uitstellen|uitgesteld|opschuiven|verschuiven)\b"
        r"|\b(?:uitstel|verlenging) (?:van )?(?:de |het )?(?:betaling|betaaltermijn"
        r"|betalingstermijn|vervaldatum)\b"
    ),
    (
        r"\b(?:predlzit|predlzenie|predlzi|posunut|posunutie|odlozit|odlozenie"
        r"|odklad) (?:\w+ ){0,3}(?:splatnost\w*|platb\w*|uhrad\w*|termin\w* splat\w*)"
    ),
    (
        r"\b(?:forlanga|forlangd|forlangning|skjuta upp|senarelagga|flytta)"
        r" (?:\w+ ){0,3}(?:betalning\w*|forfallodag\w*|forfallodatum\w*"
        r"|betalningstid\w*|betalningsvillkor\w*)|\banstand\b"
    ),
)
_PAYMENT_EXTENSION_RE = compile_alternatives(PAYMENT_EXTENSION_PATTERNS)
PLAN_REQUEST_OVER = (False, "question")
# A payment said done (en, nl, sk, sv, accent-free, after
# ``normalize_reply``): "we transferred the money on 3 November", "the
# payment was collected by direct debit", "wij hebben het bedrag
# overgemaakt", "de betaling is gisteren uitgevoerd", "platbu sme odoslali",
# "faktúra bola uhradená inkasom", "betalningen skickades den 3 november",
# "beloppet drogs via autogiro". A reply saying so is a payment
# made even when it asks something (whether the money arrived, why a
# reminder came) or no phrase is found; a negation in it ("we have not
# paid") or a future auxiliary before it ("will be paid") makes it none.
PAYMENT_MADE_PATTERNS = (
    (
        r"\b(?:we|i) (?:have |had |already |just |did |accidentally )*(?:paid"
        r"|transferred|wired|settled|remitted)\b"
        r"|\b(?:we|i) (?:have |had |already |just )*(?:sent|made|initiated"
        r"|scheduled) (?:the |a |our |your |this )?(?:payment|transfer|money"
        r"|funds|amount|check|cheque|remittance)\b"
    ),
    (
        r"\b(?:payment|transfer|amount|money|funds|balance|invoice|it) (?:\w+ ){0,3}"
        r"(?:was|has been|have been|were|went) (?:\w+ )?(?:paid|sent|transferred"
        r"|made|settled|debited|collected|processed|included|wired|remitted|out)\b"
        r"|\bpaid (?:it |this |the invoice |in full )?(?:on|to|into|via|by|through"
        r"|from)\b"
    ),
    (
        r"\b(?:wij|we|ik) (?:hebben|heb) (?:\w+ ){0,10}(?:betaald|overgemaakt"
        r"|overgeboekt|voldaan|gestort)\b"
        r"|\b(?:betaling|bedrag|overboeking|overschrijving) (?:\w+ ){0,6}"
        r"(?:is|werd|zijn) (?:\w+ ){0,3}(?:betaald|overgemaakt|voldaan|afgeschreven"
        r"|geincasseerd|meegenomen|verwerkt|uitgevoerd|gedaan|verstuurd|verzonden)\b"
        r"|\bfactuur (?:\w+ ){0,4}(?:is|werd) (?:\w+ ){0,3}(?:betaald|voldaan"
        r"|afgeletterd|geincasseerd|afgeschreven)\b"
        r"|^ ?(?:betaald|overgemaakt) (?:naar|op|aan|via|per)\b"
    ),
    (
        r"\b(?:zaplatili|uhradili|previedli|zaplatil|uhradil|previedol|zaplatila"
        r"|uhradila|previedla)\b"
        r"|\b(?:platbu|peniaze|sumu|ciastku|uhradu) (?:\w+ ){0,3}(?:sme |som )?"
        r"(?:poslal|odoslal|previedl|zadal)\w*"
        r"|\b(?:platba|suma|faktura|ciastka|uhrada) (?:\w+ ){0,4}(?:bola|bolo|odisla"
        r"|je uz|uz je) (?:\w+ ){0,2}(?:zaplaten\w*|uhraden\w*|odoslan\w*"
        r"|pripisan\w*|strhnut\w*|stiahnut\w*|zrealizovan\w*|odisla)"
    ),
    (
        r"\b(?:vi|jag) (?:har |hade )?(?:redan |rakade |just )?(?:betalat|betalt"
        r"|betalade|overfort|overforde|swishat|swishade)\b"
        r"|\b(?:vi|jag) rakade (?:\w+ )?betala\b"
        r"|\b(?:betalningen|beloppet|pengarna|overforingen|den|fakturan)"
        r" (?:\w+ ){0,3}(?:gick|skickades|gjordes|drogs|betalades|har dragits"
        r"|har betalats|ar betald|overfordes|ingick)\b"
    ),
)
_PAYMENT_MADE_RE = compile_alternatives(PAYMENT_MADE_PATTERNS)
# A reply with no phrase of its intent, or found a question, that says a
# payment made (``PAYMENT_MADE_PATTERNS``) is a payment made.
PAYMENT_MADE_OVER = (False, "question")
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
# A reply that reads as an automatic one by its structure or an auto-reply
# phrase only (no strong cue, no header) is a customer's when it also says
# what customers say about the invoice: a refusal to pay, or phrases of these
# intents weighing at least ``CUSTOMER_CONTENT_MIN`` ("I took the day off and
# waited from 8 to 5, the technician never showed up"; "wij hebben het
# bedrag overgemaakt").
CUSTOMER_CONTENT_INTENTS = ("dispute", "paid")
CUSTOMER_CONTENT_MIN = 6.0
# ... and a request for a plan weighing as much outweighs auto-reply phrases
# (not the structure of an automatic reply): "Som na rodičovskej dovolenke
# ... Môžem to splácať mesačne?", "Jag är föräldraledig ... Kan jag betala
# av varje månad?"
PHRASE_CONTENT_INTENTS = ("plan_request",)
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
# The structure of automatic replies (out-of-office notices, accounts-payable
# robots acknowledging receipt, unmonitored addresses), whatever their exact
# words: cues looked for in the reply's ``normalize_reply`` text (accent-free
# lower-case words; dates and amounts in digits are ``DATE_WORD``) in en, nl,
# sk, sv. A *strong* cue ("this is an automatic reply", "do not reply to this
# message") makes an automatic reply on its own; otherwise cues of at least
# ``AUTO_REPLY_MIN_CUES`` different kinds are needed (an absence and a return
# date, an absence and an alternate contact, a receipt and a delay in working
# days...), so that a customer who mentions a holiday is still heard.
_W = r"(?:\w+ ){0,%d}"
_DATE = (
    r"(?:ddigits|\d+|nnum|monday|tuesday|wednesday|thursday|friday|mon|tue|wed|thu|fri"
    r"|january|february|march|april|may|june|july|august|september|october"
    r"|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|week"
    r"|maandag|dinsdag|woensdag|donderdag|vrijdag|januari|februari|maart|mei|juni"
    r"|juli|augustus|oktober|pondel\w*|utor\w*|stred\w*|stvrt\w*|piat\w*"
    r"|januar\w*|februar\w*|mar\w*|april\w*|maj\w*|jun\w*|jul\w*|august\w*"
    r"|septemb\w*|oktob\w*|novemb\w*|decemb\w*|mandag|tisdag|onsdag|torsdag"
    r"|fredag|januari|februari|mars|augusti|vecka|tyzdn\w*)"
)
AUTO_REPLY_CUES = {
    "automatic": (
        (
            r"(?:automatic|automated|auto) (?:reply|response|answer|message"
            r"|notification|confirmation|acknowledge?ment|email|e mail)"
        ),
        r"\bautoreply|automatically (?:generated|sent)|out of office",
        r"\bnoreply|\bno reply\b",
        (
            r"automatisch(?:e)? (?:antwoord|bericht|reactie|gegenereerd|verzonden"
            r"|ontvangstbevestiging|beantwoord)"
        ),
        r"afwezigheids(?:bericht|melding)",
        r"automaticky (?:generovan|odoslan|vytvoren)|automaticka (?:odpoved|sprava)",
        r"automaticke (?:potvrdenie|upozornenie|oznamenie)",
        r"automatiskt (?:svar|genererat|meddelande|skickat|utskick)|\bautosvar",
        r"franvaromeddelande|automatisk (?:bekraftelse|svar)",
    ),
    # read receipts: "Read: <subject>" and "your message was read on <date>"
    "read_receipt": (
        (
            r"\bread receipt|(?:message|e ?mail|email) (?:\w+ ){0,5}(?:was|has been) "
            r"read (?:on|at|by)"
        ),
        r"leesbevestiging|(?:bericht|e ?mail) (?:is|werd) gelezen (?:op|door)",
        r"potvrdenie o precitani|sprava bola precitan\w*|precitan\w* (?:dna|d na)",
        r"lasbekraftelse|leveransbekraftelse",
        # delivery reports ("your message was delivered to")
        (
            r"(?:message|e ?mail|email) (?:\w+ ){0,5}(?:was|has been) delivered to"
            r"|delivery (?:receipt|report)|afleveringsbericht|sprava o doruceni"
        ),
        r"meddelande\w* (?:lastes|har lasts|lasts) (?:den|av|\d|ddigits)",
    ),
    # delivery status notifications and bounces (the mail server's, not the
    # addressee's): "Undeliverable", "Delivery has failed to these
    # recipients", "Mail delivery failed: returning message to sender",
    # mailbox full, address not found, user unknown. A failed delivery of
    # goods ("the delivery failed", "de levering is mislukt", "leveransen
    # misslyckades, vi betalar inte") is a customer's: the cue needs a
    # message, a recipient or a mailbox.
    "delivery_failure": (
        r"\bundeliverable|undelivered (?:mail|message|e ?mail|email)|returned mail",
        r"delivery status notification",
        r"(?:mail|message) delivery (?:has )?(?:failed|failure)",
        (
            r"delivery (?:has )?failed (?:to|for) (?:these |the following |this )?"
            r"(?:recipient|address|group)"
            r"|delivery to (?:the following |these |this )?recipients? "
            r"(?:\w+ ){0,3}failed"
        ),
        (
            r"(?:message|e ?mail|email|mail) (?:\w+ ){0,6}"
            r"(?:could|can|was|were|has|have) not (?:been |be )?delivered"
            r"|(?:failed|unable) to deliver (?:\w+ ){0,2}"
            r"(?:message|e ?mail|email|mail)|(?:could|can) not deliver (?:\w+ ){0,2}"
            r"(?:message|e ?mail|email|mail)"
        ),
        (
            r"return(?:ing|ed)? (?:the |your |this )?"
            r"(?:message|mail|e ?mail|email) to (?:the )?sender"
        ),
        (
            r"recipient s (?:mailbox|inbox)|(?:mailbox|inbox) (?:\w+ ){0,2}is full and"
            r"|quota (?:has been |was )?exceeded|exceeded (?:\w+ ){0,2}quota|over quota"
        ),
        (
            r"(?:e ?mail|email|recipient|recipients) address (?:was |could |can )?"
            r"not (?:be )?found|user unknown|unknown (?:user|recipient)"
            r"|recipient (?:address )?(?:rejected|unknown|not found)"
            r"|no such (?:user|recipient|mailbox)|mailbox (?:unavailable|not found"
            r"|does not exist)"
        ),
        # nl
        r"onbestelbaar|afleveringsfout|niet[ -]?bestelbaar",
        (
            r"bezorging (?:is )?mislukt (?:voor|bij|naar|aan) (?:deze |de volgende )?"
            r"(?:ontvanger|geadresseerde|e ?mailadres|adres)"
        ),
        (
            r"(?:bericht|e ?mail|mail) (?:\w+ ){0,6}(?:kan|kon|is|werd) niet "
            r"(?:worden )?(?:bezorgd|afgeleverd)|(?:bericht|e ?mail|mail) "
            r"(?:\w+ ){0,3}niet (?:kunnen )?(?:bezorgen|afleveren)"
        ),
        (
            r"(?:postvak|mailbox) van de (?:ontvanger|geadresseerde)"
            r"|(?:postvak|mailbox) (?:\w+ ){0,3}is vol en|quotum (?:\w+ )?overschreden"
        ),
        (
            r"\b(?:e ?mailadres|mailadres|e ?mail adres) (?:\w+ ){0,2}(?:is )?niet "
            r"(?:\w+ )?gevonden|onbekende (?:ontvanger|gebruiker|geadresseerde)"
            r"|(?:bericht|e ?mail|mail) (?:\w+ ){0,4}(?:terug|retour) "
            r"(?:naar )?(?:de )?afzender"
        ),
        # sk
        r"nedorucitel\w*|nedorucen\w* sprav\w*",
        (
            r"dorucenie (?:spravy |e ?mailu )?zlyhalo (?:pre|na|tymto|u)\b"
            r"|dorucenie (?:spravy|e ?mailu) zlyhalo"
            r"|zlyhanie dorucenia (?:spravy|e ?mailu)"
        ),
        (
            r"(?:spravu|spravy|e ?mail) (?:\w+ ){0,3}sa nepodarilo (?:\w+ )?dorucit"
            r"|nepodarilo sa (?:\w+ ){0,2}dorucit (?:\w+ )?(?:spravu|e ?mail)"
            r"|(?:sprava|e ?mail) (?:\w+ ){0,4}(?:nebola|nemohla byt|nemoze byt) "
            r"(?:\w+ )?dorucen\w*|nemohl\w* byt dorucen\w*"
        ),
        (
            r"schrank\w* (?:prijemcu|adresata)|schrank\w* (?:\w+ ){0,3}je (?:\w+ )?"
            r"(?:plna|preplnena) a|prekrocen\w* (?:\w+ )?kvot\w*"
        ),
        (
            r"\b(?:e ?mailov\w* adres\w*|adres\w* prijemcu) (?:\w+ )?(?:sa )?nenasl\w*"
            r"|neznam\w* (?:prijemc|adresat|pouzivatel)\w*"
        ),
        # sv
        r"olevererbar\w*|leveransfel|rapport om utebliven leverans",
        (
            r"leveransen (?:har )?misslyckades (?:till|for) "
            r"|det gick inte att leverera (?:\w+ ){0,2}"
            r"(?:meddelande|mejl|e ?post|mail|till)"
        ),
        (
            r"(?:meddelande\w*|mejl\w*|e ?post\w*|mail\w*) (?:\w+ ){0,6}"
            r"(?:kunde inte levereras|levererades inte|har inte levererats)"
        ),
        (
            r"mottagarens (?:brevlad|postlad|inkorg)\w*|(?:brevlad|postlad|inkorg)\w*"
            r" (?:\w+ ){0,3}ar full och|kvot\w* (?:har )?overskri\w*"
            r"|overskridit (?:\w+ )?kvot\w*"
        ),
        r"\b(?:e ?post)?adressen hittades inte|okand (?:mottagare|anvandare)",
        # a delayed delivery: the mail server still trying ("your message
        # has not been delivered yet, the server will retry for 48 hours, you
        # do not need to resend it"); the message, not goods, not delivered
        (
            r"(?:message|e ?mail|email|mail) (?:\w+ ){0,6}(?:has|have) not yet"
            r" been delivered|\bserver (?:\w+ ){0,2}"
            r"(?:will|is going to) (?:\w+ ){0,2}(?:retry|try again|keep trying"
            r"|continue (?:to try|trying))|\b(?:do not|don t|no need to) (?:need to )?"
            r"(?:resend|send (?:\w+ ){0,3}again)"
        ),
        (
            r"(?:bericht|e ?mail|mail) (?:\w+ ){0,6}(?:is|werd|kon) nog niet"
            r" (?:worden )?(?:bezorgd|afgeleverd)|\b(?:server|systeem) probeert"
            r" (?:het )?(?:\w+ ){0,3}"
            r"(?:nog|opnieuw)|\bhoeft (?:\w+ ){0,3}niet opnieuw te (?:verzenden"
            r"|versturen|sturen)"
        ),
        (
            r"(?:spravu|spravy|e ?mail) (?:\w+ ){0,6}sa (?:\w+ )?nepodarilo (?:\w+ )?"
            r"dorucit|\bserver sa (?:\w+ ){0,3}pokusi (?:\w+ ){0,4}znova"
            r"|\bnemusite (?:\w+ ){0,2}(?:posielat|odoslat|poslat) znova"
        ),
        (
            r"(?:meddelande\w*|mejl\w*|e ?post\w*|mail\w*) (?:\w+ ){0,6}"
            r"har annu inte (?:kunnat )?levereras|\bservern (?:\w+ )?(?:fortsatter"
            r" att forsoka|forsoker (?:\w+ ){0,2}igen)|\bbehover inte skicka om\b"
        ),
    ),
    "no_reply": (
        r"(?:do not|please don t|please do not) (?:reply|respond|answer)",
        (
            r"(?:mailbox|address|inbox|account) (?:is )?(?:not|no longer) (?:monitored"
            r"|in use|read|checked|active)"
        ),
        r"(?:not|no longer) (?:being )?monitored|unmonitored|will be deactivated",
        r"no longer (?:active|in use)",
        (
            r"niet (?:op )?(?:dit|deze) (?:bericht|e ?mail) "
            r"(?:beantwoorden|reageren|antwoorden)"
        ),
        r"gelieve niet te (?:antwoorden|reageren)",
        r"(?:wordt|worden) niet (?:meer )?(?:gelezen|bewaakt|gecontroleerd)",
        r"niet meer in gebruik",
        r"neodpovedajte|(?:sa )?(?:uz )?(?:nesleduje|nekontroluje|nepouziva|necita)",
        r"nie je (?:monitorovan|sledovan)\w*",
        r"svara inte|(?:bevakas|lases|kontrolleras|anvands) inte(?: langre)?",
        r"inte langre (?:i bruk|aktiv)",
        # "your message has not been forwarded", "wordt niet doorgestuurd"
        (
            r"(?:message|e ?mail|email|bericht|sprava|meddelande\w*|mejl\w*|mail)"
            r" (?:\w+ ){0,2}(?:not|niet|nebude|nebola|inte) (?:\w+ ){0,2}"
            r"(?:forwarded|doorgestuurd|preposlan\w*|vidarebefordra\w*)"
        ),
    ),
    "absence": (
        r"out of (?:the )?office|\baway from|\bi am away|\bam (?:currently )?away",
        (
            r"\bon (?:annual |parental |sick |maternity |paternity |study |medical )?"
            r"(?:leave|holiday|vacation|holidays)\b"
        ),
        r"\bi m away|travell?ing|business trip|not in the office",
        r"(?:limited|no) access to (?:my )?(?:e ?mail|email)",
        # reading mail only now and then: "only checking email in the
        # evenings", "lees mijn mail alleen 's avonds", "e-maily kontrolujem
        # len večer", "läser mejl endast på kvällarna"
        (
            r"\bonly (?:checking|reading|check|read) (?:my )?(?:e ?mails?|emails?)"
            r"|\b(?:checking|reading|check|read) (?:my )?(?:e ?mails?|emails?)"
            r" (?:only )?(?:occasionally|sporadically|in the evenings?|once a day)"
        ),
        (
            r"\b(?:lees|bekijk|check) (?:ik )?(?:mijn )?(?:e ?mail|mail|berichten)"
            r" (?:\w+ )?(?:alleen|slechts|beperkt|sporadisch|af en toe)\b"
        ),
        (
            r"\b(?:e ?maily|postu|spravy) (?:\w+ )?(?:kontrolujem|citam|sledujem)"
            r" (?:\w+ )?(?:len|iba|obcas|sporadicky)\b"
        ),
        (
            r"\b(?:laser|kollar|last|kontrollerar) (?:jag )?(?:min )?(?:e ?post|mejl"
            r"|mail|inkorg)\w* (?:\w+ )?(?:endast|bara|sporadiskt|ibland)\b"
        ),
        r"(?:has|have) left (?:the company|\w+)|no longer (?:with|work|employed)",
        r"(?:do not|not) work on|part time|\boff (?:today|work|sick)|\bout sick",
        r"\bi work (?:on )?(?:monday|tuesday|wednesday|thursday|friday)",
        r"\bafwezig|met (?:vakantie|verlof|zwangerschapsverlof|ouderschapsverlof)",
        r"op vakantie|\bverlof\b|ouderschapsverlof|zwangerschapsverlof|\bziek\b",
        r"niet (?:aanwezig|op kantoor|werkzaam|bereikbaar)|(?:werkt|ben) niet meer",
        r"uit dienst|beperkt toegang|op (?:reis|zakenreis)|\bzakenreis|parttime",
        r"deeltijd|\bik werk (?:op )?(?:maandag|dinsdag|woensdag|donderdag|vrijdag)",
        r"mimo (?:kancelarie|uradu|prace|firmy)|\bpn\b",
        r"na (?:dovolenk|materskej|rodicovskej|sluzobn|pracovn)\w*",
        r"nie som (?:v praci|v kancelarii|k dispozicii|dostupn\w*)",
        r"obmedzen\w* pristup|nepracuje|odisiel|odisla|skraten\w* uvaz\w*",
        r"nepritomn\w*|pracovnej ceste|sluzobnej ceste",
        r"\bledig\b|\bsemester\b|franvarande|foraldraledig|sjukskriven",
        r"tjanstledig|tjansteresa|pa resa|har slutat|slutat pa",
        r"inte (?:pa kontoret|pa plats|i tjanst|pa jobbet)",
        r"begransad (?:tillgang|atkomst)|(?:jobbar|arbetar) deltid|\bdeltid",
        r"\bar borta|foraldraledighet",
        # ill, or reachable only in part: "I am sick today", "ik ben ziek",
        # "som chorý / PN", "jag är sjuk", "slow to respond", "beperkt
        # bereikbaar", "odpoveď môže byť oneskorená", "läser inte mejl"
        (
            r"\b(?:i am|i m|i will be|am) (?:\w+ )?(?:sick|ill|unwell|off)\b"
            r"|\bsick (?:today|leave)|\b(?:day|days) off\b"
            r"|\bnot working (?:today|on|this|until)\b"
        ),
        (
            r"\bslow (?:to|in) (?:respond|reply|answer)\w*|(?:limited|reduced"
            r"|intermittent) (?:availability|access|connectivity)"
            r"|\b(?:response|responses|reply|replies|answer) (?:\w+ ){0,3}"
            r"(?:may|might|will|can|could) be (?:\w+ )?(?:delayed|slow|slower)"
            r"|\bdelayed (?:response|responses|replies)"
            r"|\bnot (?:reading|checking|monitoring) (?:my |our )?"
            r"(?:e ?mail|email|mails|emails)"
        ),
        (
            r"\b(?:ik ben|ben ik|zijn wij|wij zijn|we zijn|zijn we) (?:\w+ ){0,2}"
            r"(?:ziek|vrij|afwezig|beperkt bereikbaar|slecht bereikbaar)\b"
            r"|\bbeperkt (?:bereikbaar|beschikbaar)|\bslecht bereikbaar"
            r"|\bwerk (?:ik|wij|we) (?:\w+ ){0,2}niet\b"
            r"|\blees (?:ik |wij |we )?(?:\w+ )?(?:geen|niet) (?:\w+ )?"
            r"(?:mail|e ?mail|berichten)"
            r"|\b(?:reactie|antwoord) (?:\w+ ){0,3}(?:vertraagd|later komen)"
        ),
        (
            r"\b(?:som|sme|budem|budeme) (?:\w+ ){0,2}(?:chor[ya]|pn|praceneschopn\w*"
            r"|na pn|na ocr|obmedzene dostupn\w*)\b|\b(?:mam|mame) (?:\w+ ){0,2}volno\b"
            r"|\bobmedzene (?:dostupn\w*|k dispozicii)"
            r"|\bodpoved\w* (?:\w+ ){0,3}(?:moze|mozu|bude|budu) (?:\w+ )?oneskoren\w*"
            r"|\boneskoren\w* odpoved\w*|\bnecitam (?:\w+ )?(?:e ?mail|postu|spravy)\w*"
        ),
        (
            r"\b(?:jag ar|ar jag|vi ar|ar vi) (?:\w+ ){0,2}(?:sjuk|sjuka|krasslig"
            r"|hemma med sjukt barn|ledig|lediga)\b|\bvabbar\b|\bsjuk\b"
            r"|\b(?:jobbar|arbetar) (?:jag |vi )?inte (?:idag|i dag|pa)\b"
            r"|\blaser (?:\w+ )?inte (?:\w+ )?(?:mejl|e ?post|mail)\w*"
            r"|\b(?:svarar|besvarar) (?:\w+ ){0,3}(?:langsamt|med fordrojning)"
            r"|\b(?:begransat|begransad) (?:tillganglig|antraffbar)\w*"
        ),
        # away at an event: conference, trade fair, seminar, training, course,
        # offsite, team day (the person there, not an invoice for one: "the
        # seminar invoice", "faktúra za školenie", "kursen på fakturan")
        (
            r"\b(?:i am|we are|i will be|we will be|am|are|is|currently) (?:\w+ ){0,2}"
            r"(?:at|attending|visiting|exhibiting at"
            r"|on|in) (?:a |an |the |our )?(?:\w+ ){0,2}"
            r"(?:conference|congress|summit|trade (?:fair|show)|tradeshow|exhibition"
            r"|expo|seminar|training|workshop|course|offsite|off site|kick ?off"
            r"|team (?:day|event|building)|away day|company (?:event|outing))"
        ),
        (
            r"\battending (?:a |an |the |our )?(?:\w+ ){0,3}"
            r"(?:conference|congress|summit|trade (?:fair|show)|tradeshow|exhibition"
            r"|expo|seminar|training|workshop|course|offsite|kick ?off|team day)"
        ),
        (
            r"\b(?:ben|zijn|zit|zitten|sta|staan|is) (?:\w+ ){0,3}(?:op|naar|bij|in) "
            r"(?:een |het |de |onze |ons )?(?:\w+ ){0,2}(?:congres|beurs|vakbeurs"
            r"|seminar\w*|training|cursus|opleiding|studiedag|heidag|teamdag|workshop"
            r"|symposium|bedrijfsuitje|kick ?off)\b"
        ),
        (
            r"\bop (?:congres|cursus|training|opleiding|studiedag|heidag|teamdag"
            r"|seminarie)\b"
        ),
        (
            r"\b(?:is het|hebben (?:wij|we)|heb ik) (?:\w+ )?"
            r"(?:heidag|teamdag|studiedag|bedrijfsuitje)"
        ),
        (
            r"\b(?:som|sme|budem|budeme|je|su|bude|budu|nachadzam sa|nachadzame sa"
            r"|momentalne|prave) (?:\w+ ){0,2}na (?:\w+ ){0,2}(?:konferencii|veltrhu"
            r"|vystave|skoleni|seminari|kurze|workshope|teambuildingu|firemnej akcii"
            r"|sluzobnej ceste|kongrese)\b"
        ),
        (
            r"\bzucastnujem\w* (?:sa )?(?:\w+ ){0,2}"
            r"(?:konferencie|veltrhu|skolenia|seminara)"
        ),
        (
            r"\b(?:ar|befinner (?:mig|oss)|deltar|sitter) (?:\w+ ){0,2}(?:pa|i|vid) "
            r"(?:en |ett |var |vart )?(?:\w+ ){0,2}(?:konferens\w*|massa|massan"
            r"|utbildning\w*|kurs|kursen|seminari\w*|tjansteresa|kick ?off\w*"
            r"|workshop\w*|personaldag\w*|planeringsdag\w*|konferensresa)\b"
        ),
    ),
    # the office or the company closed for a period: holidays, Christmas,
    # summer shutdown ("closed for the holidays", "ons kantoor is gesloten
    # tijdens de bouwvak", "celozávodná dovolenka", "industrisemester"); it
    # counts as an absence (the two are one kind)
    "closure": (
        (
            r"\b(?:office|offices|company|warehouse|plant|factory|business|shop|store"
            r"|we|department|team|we will be|we are) (?:\w+ ){0,2}(?:is |are |will be |"
            r"remain |remains |be )?closed (?:for|from|between|during|until|over|on"
            r"|due|through|till|ddigits|\d+)"
        ),
        (
            r"\b(?:office|offices|company|warehouse|plant|factory|business|shop|store"
            r"|we) (?:is|are|will be|remains?) (?:\w+ )?closed\b"
        ),
        (
            r"\bclosed for (?:the )?(?:\w+ )?(?:holidays?|christmas|new year|summer"
            r"|easter|vacation|break|season)"
        ),
        (
            r"\b(?:christmas|holiday|summer|year end|new year|winter|easter|annual)"
            r" (?:closure|shutdown|shut down|break closure)|company (?:holiday|vacation"
            r"|shutdown|closure|wide holiday)|(?:public|bank|national) holiday"
        ),
        (
            r"\bgesloten (?:wegens|tijdens|vanwege|in verband met|ivm|i v m|van|tot"
            r"|gedurende|t m|voor de|in de)\b"
        ),
        (
            r"\b(?:kantoor|kantoren|bedrijf|winkel|magazijn|administratie|we|wij"
            r"|afdeling) (?:\w+ ){0,3}(?:is|zijn|blijft|blijven) (?:\w+ ){0,3}"
            r"(?:gesloten|dicht)\b"
        ),
        (
            r"\bkerstsluiting|zomersluiting|collectieve (?:sluiting|vakantie|verlof)"
            r"|bedrijfsvakantie|bedrijfssluiting|(?:wegens|tijdens) (?:de )?"
            r"(?:bouwvak|kerstvakantie|zomervakantie|feestdagen)"
        ),
        r"\bcelozavodn\w* (?:dovolenk|odstavk)\w*|hromadn\w* dovolenk\w*",
        # "kontoret är julstängt vecka 52", "semesterstängt"
        r"\b(?:semester|sommar|jul|industri|helg)stang\w*",
        (
            r"\b(?:firma|spolocnost|kancelari\w*|prevadzk\w*|uctaren\w*|sklad|urad"
            r"|predajn\w*|sme|budeme) (?:\w+ ){0,3}(?:je|bude|su|budu|zostane|zostava"
            r"|sme|budeme) (?:\w+ ){0,2}zatvoren\w*"
        ),
        (
            r"\bzatvoren\w* (?:od|do|pocas|pre|z dovodu|v case|v dnoch|medzi|cez)\b"
            r"|(?:vianocn\w*|letn\w*|firemn\w*|podnikov\w*|celofiremn\w*) (?:odstavk"
            r"|uzavier)\w*|(?:firemn|podnikov|celofiremn)\w* dovolenk\w*"
            r"|(?:statn\w*|narodn\w*) sviat\w*"
        ),
        # inverted word order, after a time or place: "between Christmas
        # and New Year is our office closed", "tussen kerst en oud en nieuw is
        # ons kantoor gesloten", "počas sviatkov je naša spoločnosť
        # zatvorená", "under julen är kontoret stängt"
        (
            r"\b(?:is|are|will be|remains?) (?:\w+ ){0,2}(?:office|offices|company"
            r"|warehouse|plant|factory|business|shop|store) (?:\w+ ){0,2}closed\b"
            r"|\b(?:shut|shuts|shutting) (?:down )?(?:for|from|between|during|until"
            r"|over|through)\b"
        ),
        (
            r"\b(?:is|zijn|blijft|blijven|gaat|gaan) (?:\w+ ){0,2}(?:kantoor|kantoren"
            r"|bedrijf|winkel|magazijn|administratie|afdeling|zaak|vestiging)"
            r" (?:\w+ ){0,3}(?:gesloten|dicht)\b"
        ),
        (
            r"\b(?:je|bude|su|budu|zostane|zostava|zostanu) (?:\w+ ){0,2}(?:firma"
            r"|spolocnost|kancelari\w*|prevadzk\w*|uctaren\w*|sklad|urad|predajn\w*)"
            r" (?:\w+ ){0,2}zatvoren\w*"
        ),
        (
            r"\b(?:ar|har|halls|kommer) (?:\w+ ){0,2}(?:kontor\w*|foretag\w*|butik\w*"
            r"|lager\w*|fabrik\w*|avdelning\w*|vi) (?:\w+ ){0,3}stangt"
        ),
        (
            r"\bstangt (?:for|under|mellan|fran|till|t o m|tom|pa grund|over|i)\b"
            r"|(?:kontor\w*|foretag\w*|butik\w*|lager\w*|fabrik\w*|vi|avdelning\w*)"
            r" (?:\w+ ){0,2}(?:ar|har|kommer att vara|haller) (?:\w+ ){0,2}stangt"
        ),
        (
            r"\bindustrisemester|semesterstang\w*|julstang\w*|sommarstang\w*"
            r"|helgstang\w*|(?:jul|sommar|semester|helg)stangning\w*"
        ),
    ),
    # the addressee left the company: "X is no longer with <company>"
    "departure": (
        (
            r"(?:is|are) no longer (?:with|employed|working|at|part of)"
            r"|no longer works (?:at|for|with|here)"
            r"|(?:has|have) left (?:the|our) (?:company|firm|organi[sz]ation|business)"
        ),
        r"(?:is|zijn) niet (?:meer|langer) (?:werkzaam|in dienst|verbonden)|uit dienst",
        r"uz nie je (?:\w+ )?(?:zamestnan\w*|v (?:spolocnosti|firme))",
        r"uz (?:u nas )?nepracuje",
        r"(?:har slutat|arbetar inte (?:langre|kvar)|inte (?:langre|langer) anstalld)",
    ),
    "return": (
        r"\buntil " + _W % 2 + _DATE,
        r"back (?:on|in the office|at work|at my desk)",
        r"(?:return|returning|be back) (?:on|to the office|to work|"
        + _W % 1
        + _DATE
        + r")",
        (
            r"(?:upon|on|after) (?:my|our) return|when (?:i|we) (?:am back|are back"
            r"|return)|\b(?:through|thru) " + _W % 2 + _DATE
        ),
        # a period "from 24 December to 2 January", a reopening
        r"\bfrom " + _W % 1 + _DATE + r" (?:\w+ )?(?:to|until|till|and) " + _DATE,
        (
            r"\b(?:reopen\w*|open again|back open|be open)"
            r" (?:\w+ ){0,2}(?:on|from|at|in) " + _W % 1 + _DATE
        ),
        r"(?:reply|respond|answer|get back to you) (?:\w+ ){0,3}(?:on|from) " + _DATE,
        r"\b(?:weer open|gaan (?:\w+ )?weer open|heropen\w*)",
        r"\b(?:opat otvoren\w*|otvoren\w* (?:\w+ )?opat)",
        r"\b(?:oppnar (?:\w+ )?igen|oppet igen|ater oppet)",
        r"next (?:working|business) day",
        r"within " + _W % 1 + r"(?:working|business) days",
        r"(?:reply|respond|get back to you|answer) (?:as soon as possible|asap|when)",
        r"\btot (?:en met )?" + _W % 1 + _DATE + r"|\bt m " + _W % 1 + _DATE,
        r"\bvanaf " + _W % 2 + _DATE + r" (?:\w+ ){0,5}weer\b",
        r"\bweer (?:op |vanaf |per )?" + _W % 1 + _DATE,
        r"weer (?:aanwezig|op kantoor|bereikbaar|terug)|ben (?:ik )?(?:weer )?terug",
        r"(?:na|bij) (?:mijn )?(?:terugkomst|terugkeer)|volgende werkdag",
        r"binnen " + _W % 1 + r"werkdag\w*",
        r"(?:reageer|antwoord|beantwoord) " + _W % 1 + r"zo (?:snel|spoedig) mogelijk",
        r"\bdo " + _W % 1 + _DATE,
        r"\bspat\b|po (?:mojom )?navrate|(?:nasledujuc|najbliz)\w* pracovn\w* den",
        r"opat (?:k dispozicii|v praci|v kancelarii)",
        r"do " + _W % 1 + r"pracovn\w* dni|odpoviem\w*(?: \w+){0,3} po",
        r"\btill (?:och med |den )?" + _W % 1 + _DATE,
        r"\bt ?o ?m " + _DATE,
        r"\bater (?:pa|den|" + _DATE + r")",
        r"(?:ar|ar jag) tillbaka|nar jag ar tillbaka|efter min aterkomst",
        r"(?:nasta|narmaste|nastkommande) arbetsdag|inom " + _W % 1 + r"arbetsdag\w*",
        r"\b(?:first|next) (?:working|business) day|eerstvolgende werkdag",
        r"besvaras|(?:svarar|aterkommer) (?:sa snart|nar|efter)",
        # the day of an absence: "off today", "ledig idag", "vandaag vrij",
        # "dnes som celý deň na školení", "sjuk idag", "the whole day"
        (
            r"\b(?:off|out|away|sick|ill|unavailable|training|leave|travell?ing)"
            r" (?:\w+ ){0,2}today\b|\btoday (?:\w+ ){0,3}(?:off|out of|away|sick"
            r"|unavailable|training)\b|\ball day\b|\bthe whole day\b"
            r"|\bback tomorrow\b"
        ),
        (
            r"\b(?:vrij|ziek|afwezig|vakantie|verlof|cursus|training)"
            r" (?:\w+ ){0,2}vandaag\b|\bvandaag (?:\w+ ){0,3}(?:vrij|ziek|afwezig"
            r"|niet)\b|\bde hele dag\b|\bmorgen (?:\w+ )?(?:weer|terug)\b"
        ),
        (
            r"\bdnes (?:\w+ ){0,3}(?:na|mimo|chor[ya]|volno|nepracuj\w*|nie som)\b"
            r"|\bcely den\b|\bzajtra (?:\w+ )?(?:opat|spat|naspat)\b"
        ),
        (
            r"\b(?:ledig|sjuk|borta|franvarande|utbildning|kurs)"
            r" (?:\w+ ){0,2}(?:idag|i dag)\b|\b(?:idag|i dag) (?:\w+ ){0,2}(?:ledig"
            r"|sjuk|borta|franvarande)\b|\bhela dagen\b"
            r"|\b(?:ater|tillbaka) (?:i morgon|imorgon)\b"
        ),
        # the messages answered, read or handled later: "will respond
        # tomorrow", "donderdag lees ik uw mail", "na e-maily odpoviem
        # zajtra", "platby budú spracované po 7.1."
        (
            r"\b(?:respond|reply|answer|get back to you|read (?:your|my|all)"
            r" (?:e ?mail|email|message)\w*) (?:\w+ ){0,3}(?:tomorrow|on my return"
            r"|when i)\b|\b(?:processed|handled|answered|dealt with|replied to)"
            r" (?:\w+ ){0,3}(?:after|from|on|as of|starting) " + _W % 1 + _DATE
        ),
        (
            r"\b(?:lees|beantwoord|bekijk) (?:ik|wij|we) (?:\w+ ){0,2}(?:mail|e ?mail"
            r"|mails|berichten|bericht)\b|\b(?:verwerkt|behandeld|afgehandeld"
            r"|beantwoord) (?:\w+ ){0,2}(?:vanaf|na|op|per) " + _W % 1 + _DATE
        ),
        (
            r"\b(?:odpoviem|odpovieme|ozvem|ozveme|precitam|vybavim|vybavime)\w*"
            r" (?:\w+ ){0,3}(?:zajtra|pozajtra|po|od|" + _DATE + r")\b"
            r"|\b(?:vybaven|spracovan|vybavovan|zodpovedan|spracuvan)\w*"
            r" (?:\w+ )?(?:od|po|dna|az) "
            + _W % 1
            + _DATE
            + r"|\bopat (?:\w+ ){0,2}(?:k dispozicii|v praci|v kancelarii|dostupn\w*)"
            r"|\bv dnoch (?:ddigits|\d+|nnum)"
        ),
        (
            r"\b(?:behandlas|hanteras|besvaras|handlaggs|lases) (?:\w+ ){0,2}"
            r"(?:fran och med|fran|efter|den|fr o m|fro m) " + _W % 1 + _DATE
        ),
        # a period of days: "10-12 November", "20. – 23. augusta"
        (
            r"\b(?:\d+|nnum|ddigits) (?:\d+|nnum|ddigits) (?:january|february|march"
            r"|april|may|june|july|august|september|october|november|december|januari"
            r"|februari|maart|mei|juni|juli|augustus|oktober|mars|augusti|januar\w*"
            r"|februar\w*|marc\w*|april\w*|maj\w*|jun[ae]|jul[ae]|august\w*"
            r"|septemb\w*|oktob\w*|novemb\w*|decemb\w*)\b"
        ),
    ),
    "contact": (
        r"contact|reach|write to|get in touch with|colleague",
        r"send (?:it |them |invoices |your invoices )?to",
        r"kontakt\w*|collega|contact opnemen|stuur (?:\w+ ){1,2}naar|mail naar",
        r"obratte sa|kolega|kolegyn\w*|piste na|posielajte",
        r"kollega|vand dig|skicka (?:\w+ ){1,2}till|maila",
        (
            r"(?:direct|forward|address|redirect) (?:all |your )?"
            r"(?:correspondence|e ?mails?|emails?|inquiries|enquiries|questions"
            r"|messages)"
        ),
        r"(?:richt|stuur) (?:uw |je )?(?:correspondentie|e ?mail|berichten)",
        r"terecht bij",
        r"(?:obracajte|obratte) sa|(?:pisete|piste) na",
        # urgent matters by phone: "voor dringende zaken: bel 020 ...", "vid
        # brådskande ärenden ring växeln 031-..." (with a number, see
        # ``_CONTACT_ADDRESS_RE``)
        (
            r"\b(?:for|in|with) urgent (?:\w+ )?(?:matters|cases|issues|enquiries"
            r"|inquiries|questions)|\bif (?:it is |this is )?urgent|\bcall (?:me |us )?"
            r"(?:on|at)\b|\b(?:voor|bij|in) dringende (?:zaken|gevallen|vragen)"
            r"|\bbel (?:\w+ )?(?:naar|op|met)?\b|\b(?:v )?(?:naliehav|surn|urgent)\w* "
            r"(?:pripad|zalezitost|veci)\w*|\b(?:zavolajte|volajte)\b"
            r"|\b(?:vid|i) bradskande (?:arenden|fall)"
            r"|\bring (?:\w+ )?(?:vaxeln|mig|oss|pa)\b"
        ),
    ),
    "receipt": (
        r"(?:received|receiving) your (?:e ?mail|email|message|request|invoice)",
        (
            r"your (?:e ?mail|email|message|request) (?:has been|was|is) "
            r"(?:received|registered)"
        ),
        r"acknowledge receipt|confirm(?:ing)? receipt|will be processed",
        (
            r"(?:uw|je) (?:e ?mail|mail|bericht|factuur) (?:is|werd) "
            r"(?:in goede orde )?(?:ontvangen|geregistreerd)"
        ),
        r"(?:uw|je) (?:e ?mail|bericht) " + _W % 3 + r"ontvangen",
        r"ontvangstbevestiging|wordt (?:zo spoedig mogelijk )?verwerkt",
        (
            r"(?:vas|vasu|vase) (?:e ?mail|spravu|poziadavk\w*) (?:sme )?"
            r"(?:prijali|zaevidovali|zaregistrovali|bol\w* prijat\w*)"
        ),
        r"sprava bola prijata|potvrdenie o prijati|potvrdzujeme prijatie",
        r"bude spracovan\w*",
        r"vi har (?:tagit emot|mottagit) (?:ditt|ert|din|er)",
        (
            r"(?:ditt|ert) (?:meddelande|mejl|mail|arende) har "
            r"(?:tagits emot|registrerats)"
        ),
        r"mottagningsbekraftelse|kommer att behandlas|behandlas inom",
        # a ticket opened for the message
        (
            r"(?:ticket|case|request|incident) (?:\w+ ){0,2}(?:has been|was|is) "
            r"(?:created|opened|logged|raised|registered)"
        ),
        r"(?:melding|ticket|zaak|verzoek) (?:\w+ ){0,2}(?:is|werd) aangemaakt",
        r"(?:vytvoren\w*|zaevidovan\w*) (?:\w+ )?(?:poziadavk\w*|tiket\w*|ziadost\w*)",
        r"arendet (?:\w+ )?(?:har (?:fatt|tilldelats|skapats|registrerats))",
        (
            r"(?:vas|vasa|vasu|vase) (?:e ?mail|sprava|spravu|poziadavk\w*|ziadost\w*)"
            r" (?:bol\w* )?(?:prijat\w*|zaevidovan\w*|zaregistrovan\w*)"
        ),
        (
            r"(?:your|uw|je|ditt|ert|din|er) (?:\w+ )?(?:request|ticket|case|verzoek"
            r"|melding|vraag|arende|forfragan|begaran) (?:has been|was|is|werd|har) "
            r"(?:\w+ )?(?:received|registered|logged|created|opened|ontvangen"
            r"|geregistreerd|aangemaakt|registrerats|skapats|mottagits)"
        ),
    ),
    "ticket": (
        (
            r"(?:ticket|case|reference|request|incident) "
            r"(?:number |no |nr |id )?(?:is )?(?:ddigits|\d+|[a-z]+ ?\d+)"
        ),
        r"ticketnummer|zaaknummer|referentienummer|dossiernummer",
        r"cislo (?:poziadavky|tiketu|pripadu|ziadosti)",
        r"arendenummer|arende ?(?:nr|id)|referensnummer",
        r"\b(?:pod|s) (?:referencnym )?cislom (?:ddigits|\d+)",
        r"\b(?:onder|met) (?:het )?(?:nummer|referentie) (?:ddigits|\d+)",
        r"\bmed (?:nummer|referens) (?:ddigits|\d+)",
        r"\b(?:under|with) (?:the )?(?:number|reference) (?:ddigits|\d+)",
        r"\btiket\w* (?:c |cislo |nr )?(?:ddigits|\d+)",
    ),
    # the notice of the writer's own mailbox closing: "this address will be
    # closed", "dit adres vervalt per 1 juli", "táto adresa bude zrušená",
    # "denna adress kommer att stängas" (the mailbox speaking of itself)
    "mailbox_closing": (
        (
            r"\bthis (?:e ?mail |email |mail )?(?:address|mailbox|inbox)"
            r" (?:will|is going to|is about to) (?:\w+ )?(?:be )?"
            r"(?:closed|discontinued|deactivated|removed|expire|stop working)"
        ),
        (
            r"\b(?:dit|deze) (?:e ?mail ?|mail)?(?:adres|mailbox|postvak) (?:vervalt"
            r"|wordt (?:\w+ ){0,3}(?:opgeheven|afgesloten|gesloten|verwijderd"
            r"|stopgezet))"
        ),
        (
            r"\btato (?:e ?mailov\w* )?(?:adres\w*|schrank\w*) (?:bude|sa)"
            r" (?:\w+ ){0,2}"
            r"(?:zrusen\w*|zrusi|deaktivovan\w*|uzavret\w*|vymazan\w*)"
        ),
        (
            r"\b(?:denna|den har|den gamla) (?:e ?post ?|mejl)?"
            r"(?:adress\w*|brevlada\w*)"
            r" (?:kommer att |kommer |ska |skall )?(?:\w+ )?(?:stangas|upphora"
            r"|upphor|avslutas|tas bort)"
        ),
    ),
    # the writer's address changed ("our e-mail address has changed", "ons
    # e-mailadres is gewijzigd", "naša e-mailová adresa sa zmenila", "vår
    # e-postadress har ändrats"): with the mailbox closing, an automatic reply
    "address_changed": (
        (
            r"\b(?:our|my) (?:\w+ )?(?:e ?mail |email |mail )?address (?:has |have )?"
            r"(?:changed|been changed)"
        ),
        (
            r"\b(?:ons|onze|mijn) (?:\w+ )?(?:e ?mail ?adres|mailadres|adres)"
            r" (?:is|wordt) (?:\w+ )?(?:gewijzigd|veranderd)"
        ),
        (
            r"\b(?:nasa|moja|nase) (?:\w+ )?(?:e ?mailov\w* )?adres\w* sa (?:\w+ )?"
            r"zmenil\w*"
        ),
        (
            r"\b(?:var|min|vara) (?:e ?post ?adress|e ?postadress|mejladress|adress)\w*"
            r" (?:har )?(?:andrats|bytts|andrad|ar andrad)"
        ),
    ),
    # an answer promised within a time by a service desk ("we respond within
    # 5 working days", "we reageren binnen 5 werkdagen", "odpovieme Vám do 3
    # pracovných dní", "svarar inom 5 arbetsdagar"): a reply, not a payment
    "response_time": (
        (
            r"\b(?:we|our team|they|someone) (?:will |shall |aim to |try to )?"
            r"(?:respond|reply|answer|get back to you) (?:\w+ ){0,3}within\b"
        ),
        (
            r"\b(?:we|wij|ons team) (?:zullen |proberen )?(?:reageren|antwoorden"
            r"|beantwoorden|reageert) (?:\w+ ){0,3}binnen\b"
        ),
        r"\b(?:odpovieme|odpovie|ozveme|ozve) (?:\w+ ){0,3}(?:do|v priebehu|behom)\b",
        r"\b(?:svarar|besvarar|aterkommer) (?:vi |de )?(?:\w+ ){0,3}inom\b",
    ),
    # a service desk's load and self-help pointers ("due to a high volume of
    # emails", "het is op dit moment erg druk", "hög belastning", "veelgestelde
    # vragen", "FAQ")
    "busy": (
        (
            r"\b(?:high|large|increased|heavy|unusually high) (?:\w+ )?"
            r"(?:volume|number) of (?:e ?mails|emails|messages|requests|enquiries"
            r"|inquiries)"
            r"|\bfrequently asked questions\b|\bfaq\b"
        ),
        r"\bis (?:\w+ ){0,4}(?:erg |heel |zeer |extra )druk\b|\bveelgestelde vragen",
        (
            r"\b(?:vysok\w*|zvysen\w*|velk\w*) (?:pocet|objem|vytazen\w*) "
            r"(?:\w+ )?(?:sprav|e ?mailov|poziadaviek)|\bcasto kladen\w* otaz"
        ),
        r"\b(?:hog|mycket hog|stor) (?:arbets)?belastning|\bvanliga fragor",
    ),
}
AUTO_REPLY_STRONG = ("automatic", "no_reply", "read_receipt", "delivery_failure")
# Without a strong cue, one of the kinds must be one of these (a return
# date and an alternate contact alone are also how customers promise: "wij
# betalen tot vrijdag", "uhradíme do piatku, kontaktujte účtovníčku").
AUTO_REPLY_CORE = (
    "absence",
    "receipt",
    "departure",
    "closure",
    "mailbox_closing",
    "response_time",
)
# Core kinds that count only beside one of these: a reply promised within
# days is a service desk's when it speaks of its load, a ticket or a receipt
# ("we will get back to you within two days" alone may be a customer's).
AUTO_REPLY_CORE_WITH = {"response_time": ("busy", "ticket", "receipt")}
# Kinds that are all an absence (of the addressee, who left, or of the
# whole office): together they count as one kind.
AUTO_REPLY_ABSENCE_KINDS = ("absence", "departure", "closure")
AUTO_REPLY_MIN_CUES = 2
# A customer asking, in the imperative, to send the invoices to a new
# address ("please send all future invoices to ap@...", "stuur de facturen
# voortaan naar", "faktúry nám odteraz posielajte na", "skicka fakturor
# framöver till") is a question, not an automatic reply, even when saying
# the old address is no longer in use; only the cues of
# ``AUTO_REPLY_ROBOT`` still make it an automatic reply. The request must
# say that something changes (``ADDRESS_CHANGE_MARKERS``: "from now on",
# "instead", "voortaan", "odteraz", "framöver"): "this mailbox is not
# monitored, please send invoices to ..." is a robot's.
ADDRESS_CHANGE_PATTERNS = (
    (
        r"\b(?:send|email|e mail|mail|address|direct|forward) (?:\w+ ){0,3}"
        r"(?:invoices|bills|statements|future invoice\w*) (?:\w+ ){0,4}to\b"
    ),
    r"\b(?:invoices|bills) (?:\w+ ){0,3}(?:from now on|going forward|in future)",
    r"\bstuur (?:\w+ ){0,4}(?:facturen|rekeningen) (?:\w+ ){0,4}naar\b",
    r"\b(?:facturen|rekeningen) (?:\w+ ){0,4}(?:sturen|mailen|versturen) naar\b",
    r"\bfaktury (?:\w+ ){0,4}(?:posielajte|zasielajte|posielat|zasielat|adresujte)\b",
    r"\b(?:posielajte|zasielajte|adresujte) (?:\w+ ){0,4}faktury\b",
    r"\b(?:skicka|maila|mejla) (?:\w+ ){0,4}fakturor(?:na)? (?:\w+ ){0,4}till\b",
    r"\bfakturor(?:na)? (?:\w+ ){0,4}(?:skickas|mejlas|mailas) (?:\w+ ){0,3}till\b",
)
ADDRESS_CHANGE_MARKERS = (
    (
        r"\b(?:future|from now on|going forward|instead|henceforth|from today"
        r"|new (?:e ?mail |email |billing |invoice )?address)\b"
    ),
    (
        r"\b(?:voortaan|vanaf nu|vanaf heden|in het vervolg|toekomstige|in plaats van"
        r"|nieuwe (?:e ?mail)?adres|nieuw (?:e ?mail)?adres)\b"
    ),
    (
        r"\b(?:odteraz|od teraz|v buducnosti|nov\w* (?:e ?mailov\w* )?adres\w*"
        r"|namiesto)\b"
    ),
    (
        r"\b(?:framover|fortsattningsvis|hadanefter|istallet|i stallet"
        r"|ny (?:e ?post)?adress|fran och med nu|nya (?:e ?post)?adress\w*)\b"
    ),
)
_ADDRESS_CHANGE_RE = compile_alternatives(ADDRESS_CHANGE_PATTERNS)
_ADDRESS_CHANGE_MARKER_RE = compile_alternatives(ADDRESS_CHANGE_MARKERS)


def is_address_change(text):
    """Whether ``text`` (a cleaned reply) asks to send the invoices to a new
    address from now on (``ADDRESS_CHANGE_PATTERNS`` and
    ``ADDRESS_CHANGE_MARKERS``, en, nl, sk, sv).

    :param str text: the reply
    :return: bool
    """
    haystack = normalize_reply(text)
    return bool(
        _ADDRESS_CHANGE_RE.search(haystack)
        and _ADDRESS_CHANGE_MARKER_RE.search(haystack)
    )


# A person who promises to pay or approve once back in the office ("as soon
# as I'm back in the office on Monday I'll pay it", "zodra ik maandag weer op
# kantoor ben betaal ik", "hneď ako budem späť v kancelárii, zaplatím", "så
# fort jag är tillbaka på kontoret betalar jag") writes an absence and a
# return, as an out-of-office notice does: a first-person commitment to pay
# or approve (``PROMISE_COMMITMENT_PATTERNS``) together with the speaker's
# own return (``PROMISE_RETURN_PATTERNS``) is a promise, unless a robot's
# cue (``AUTO_REPLY_STRONG``) or an automatic-reply header is there
# (``is_promise_on_return``).
PROMISE_COMMITMENT_PATTERNS = (
    (
        r"\b(?:i|we) (?:will|shall|am going to|are going to|can|would)? ?(?:\w+ )?"
        r"(?:pay|settle|transfer|wire|approve|authori[sz]e|sign off"
        r"|release the payment)\b"
    ),
    (
        r"\b(?:betaal|betalen|voldoe|voldoen|keur|keuren|accordeer|accorderen)"
        r" (?:ik|wij|we)\b"
    ),
    (
        r"\b(?:ik|wij|we) (?:zal |zullen |ga |gaan )?(?:\w+ ){0,2}"
        r"(?:betaal|betalen|voldoe|voldoen|goedkeuren|accordeer|accorderen"
        r"|overmaken)\b"
        r"|\b(?:ik|wij|we) (?:\w+ )?(?:keur|maak) (?:\w+ ){0,3}(?:goed|over)\b"
        r"|\bregel (?:ik |wij |we )?(?:\w+ ){0,2}(?:betaling|overboeking|factuur)"
    ),
    (
        r"\b(?:zaplatim|zaplatime|uhradim|uhradime|schvalim|schvalime|preplatim"
        r"|preplatime|prevediem|prevedieme|vyplatim|vyplatime)\b"
        r"|\b(?:poslem|posleme|odoslem|odosleme) (?:\w+ )?platbu"
        r"|\b(?:to|ju|ich|hned) (?:poslem|posleme|odoslem|odosleme|zadam|zadame)\b"
        r"|\b(?:budem|budeme) (?:\w+ )?(?:platit|hradit|schvalovat)\b"
    ),
    # the payment sent ("we will send it", "sturen we de betaling")
    (
        r"\b(?:i|we) (?:will |shall )?(?:send|release|submit) (?:it|the payment"
        r"|payment|the transfer|the money)\b"
        r"|\b(?:sturen|versturen|verzenden) (?:ik|wij|we) (?:de |het )?(?:betaling"
        r"|bedrag|geld|overboeking)\b|\b(?:ik|wij|we) (?:sturen|versturen)"
        r" (?:de |het )?(?:betaling|bedrag|geld)\b"
    ),
    # the action itself, after the return ("dan zet ik hem klaar voor
    # betaling", "platbu hneď schválim", "och godkänner den direkt då")
    (
        r"\b(?:and|then) (?:i will |we will |i shall |we shall )?(?:\w+ )?"
        r"(?:pay|settle|approve|process|release|schedule|sign off)\b"
        r"|\b(?:put|queue|schedule|set up) (?:it|this|the invoice|the payment)"
        r" (?:\w+ ){0,2}(?:for payment|in the payment run)"
    ),
    (
        r"\b(?:zet|leg|maak|boek|regel|verwerk) (?:ik|wij|we) (?:\w+ ){0,3}"
        r"(?:klaar|over|betaling|betaalbaar)\b|\bklaar (?:\w+ )?voor (?:de )?"
        r"(?:betaling|uitbetaling)|\b(?:klaarzetten|klaar zetten) (?:\w+ )?voor"
    ),
    (
        r"\b(?:zadam|zadame|podpisem|podpiseme|odoslem|odosleme|vybavim|vybavime)"
        r" (?:\w+ ){0,2}(?:platbu|fakturu|uhradu|prikaz)\b"
        r"|\b(?:platbu|fakturu|uhradu|prikaz) (?:\w+ ){0,2}(?:zadam|zadame"
        r"|podpisem|podpiseme|odoslem|odosleme|vybavim|vybavime)\b"
    ),
    (
        r"\b(?:och|sa|da|men) (?:\w+ )?(?:betalar|godkanner|attesterar|overfor|fixar"
        r"|ordnar)\b|\b(?:betalar|godkanner|attesterar|overfor) (?:den|det|dem"
        r"|fakturan|fakturorna|beloppet) (?:\w+ )?(?:direkt|da|genast|samma dag)\b"
    ),
    (
        r"\b(?:betalar|godkanner|attesterar|overfor|fixar|ordnar|skickar) (?:jag|vi)\b"
        r"|\b(?:jag|vi) (?:ska |skall |kommer att |tanker )?(?:\w+ )?(?:betala|betalar"
        r"|godkanna|godkanner|attestera|attesterar|overfora|overfor)\b"
    ),
)
PROMISE_RETURN_PATTERNS = (
    (
        r"\b(?:as soon as|once|when|after|the moment|the minute) (?:i|we) (?:\w+ ){0,2}"
        r"(?:back|return|returned)\b|\b(?:on|upon|after) (?:my|our) return\b"
    ),
    (
        r"\b(?:zodra|als|wanneer|nadat|zo gauw|zogauw) (?:ik|wij|we) (?:\w+ ){0,4}"
        r"(?:weer|terug)\b|\b(?:na|bij) (?:mijn|onze) (?:terugkomst|terugkeer)\b"
    ),
    (
        r"\b(?:hned ako|ked|ako nahle|akonahle|len co|po tom ako|az) (?:\w+ ){0,4}"
        r"(?:spat|naspat|vratim|vratime|vrati|vratia|opat v)\b"
        r"|\bpo (?:mojom |nasom )?navrate\b"
    ),
    (
        r"\b(?:sa fort|sa snart|nar|efter att|direkt nar) (?:jag|vi) (?:\w+ ){0,3}"
        r"(?:tillbaka|ater)\b|\befter (?:min|var) aterkomst\b"
    ),
    # the writer's or someone's return stated ("maandag ben ik terug op
    # kantoor en", "v pondelok budem v kancelárii a", "hneď po jeho
    # návrate", "men är tillbaka på kontoret måndag och")
    (
        r"\b(?:i|we) (?:will be|am|are|shall be|get) (?:\w+ )?back\b"
        r"|\b(?:on|upon|after) (?:his|her|their) return\b"
        r"|\b(?:when|as soon as|once|the moment) (?:he|she|they) (?:is|are|gets|get"
        r"|comes|come) back\b"
    ),
    (
        r"\b(?:ben|zijn) (?:ik|wij|we) (?:\w+ ){0,2}(?:weer|terug)\b"
        r"|\b(?:ik|wij|we) (?:ben|zijn) (?:\w+ ){0,3}(?:weer|terug) (?:op kantoor"
        r"|aanwezig|op het werk)|\b(?:na|bij) (?:zijn|haar|hun) (?:terugkomst"
        r"|terugkeer)\b|\bzodra (?:hij|zij|ze) (?:\w+ ){0,3}(?:weer|terug)\b"
    ),
    (
        r"\b(?:budem|budeme) (?:\w+ ){0,3}(?:v kancelarii|v praci|spat|naspat"
        r"|opat)\b|\bpo (?:jeho |jej |ich )?navrate\b"
    ),
    (
        r"\b(?:ar|blir) (?:jag |vi )?(?:\w+ )?tillbaka\b"
        r"|\befter (?:hans|hennes|deras) aterkomst\b"
        r"|\bnar (?:han|hon|de) (?:\w+ ){0,2}(?:tillbaka|ater)\b"
    ),
)
# ... but an absence notice speaking of the backlog it will go through on
# return ("I will review all pending invoices and process them upon my
# return", "bekijk ik alle wachtende verzoeken", "nevybavené faktúry",
# "väntande fakturor") promises nothing to this customer.
PROMISE_BACKLOG_PATTERNS = (
    (
        r"\bpending (?:\w+ )?(?:invoices|payments|requests|items|approvals)\b"
        r"|\b(?:review|go through) (?:all|any)\b"
    ),
    (
        r"\b(?:wachtende|openstaande) (?:\w+ )?(?:verzoeken|berichten|e ?mails"
        r"|goedkeuringen)\b|\b(?:bekijk|behandel) (?:ik|wij|we) alle\b"
    ),
    r"\bnevybaven\w* (?:\w+ )?(?:faktur|platb|poziadav|sprav)\w*|\bprezriem vsetk\w*",
    (
        r"\bvantande (?:\w+ )?(?:fakturor|betalningar|arenden|attester)\b"
        r"|\bgar igenom alla\b"
    ),
)
_PROMISE_BACKLOG_RE = compile_alternatives(PROMISE_BACKLOG_PATTERNS)
_PROMISE_COMMITMENT_RE = compile_alternatives(PROMISE_COMMITMENT_PATTERNS)
_PROMISE_RETURN_RE = compile_alternatives(PROMISE_RETURN_PATTERNS)


def is_promise_on_return(text):
    """Whether ``text`` (a cleaned reply) promises, in the first person, to
    pay or approve once its writer (or the one who pays) is back
    (``PROMISE_COMMITMENT_PATTERNS`` and ``PROMISE_RETURN_PATTERNS``, en,
    nl, sk, sv), not a backlog of all pending invoices
    (``PROMISE_BACKLOG_PATTERNS``).

    :param str text: the reply
    :return: bool
    """
    haystack = normalize_reply(text)
    return bool(
        _PROMISE_COMMITMENT_RE.search(haystack)
        and _PROMISE_RETURN_RE.search(haystack)
        and not _PROMISE_BACKLOG_RE.search(haystack)
    )


AUTO_REPLY_ROBOT = ("automatic", "read_receipt", "delivery_failure")
# Receipts start with the subject of the reminder after a marker: "Read:",
# "Gelezen:", "Prečítané:", "Läst:", "Delivered:", "Afgeleverd:",
# "Doručené:", "Levererat:" (the subject, or the body of a read receipt).
_RECEIPT_PREFIX_RE = re.compile(
    r"^\s*(?:read|gelezen|l(?:a|ä)st|pre(?:c|č)(?:i|í)tan(?:e|é)|delivered"
    r"|afgeleverd|doru(?:c|č)en(?:e|é)|levererat)\s*:",
    re.IGNORECASE,
)
# The contact cue needs an address or a phone number to write to.
_CONTACT_ADDRESS_RE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d ()/-]{7,}\d"
    # an internal extension: "ext. 204", "toestel 12", "klapka 31", "ankn. 204"
    r"|\b(?:ext|extension|toestel|tst|klapka|kl|linka|ankn|anknytning)\.? ?\d{2,5}\b",
    re.IGNORECASE,
)
_AUTO_REPLY_CUE_RES = {
    kind: compile_alternatives(patterns) for kind, patterns in AUTO_REPLY_CUES.items()
}
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
# A first-person payment in the future (accent-free, after
# ``normalize_reply``): with a date (``_find_promise_date``) it is a promise
# even when no phrase is found ("Uhradíme to 15. decembra.", "Wij betalen 15
# december.", "Vi betalar 15.12.", "We will pay 15.12.").
PROMISE_VERB_PATTERNS = (
    (
        r"\b(?:we|i) (?:will|shall|are going to|am going to|can|plan to|intend to)"
        r" (?:\w+ )?(?:pay|transfer|settle|remit|wire|send)\b"
    ),
    (
        r"\b(?:wij|we|ik) (?:zullen |gaan |ga |zal )?(?:betalen|betaal|voldoen|voldoe"
        r"|maken|maak|boeken|boek|storten|stort)\b"
    ),
    r"\b(?:betalen|betaal|voldoen|voldoe|maken|maak|boeken|boek) (?:wij|we|ik)\b",
    r"\b(?:u|za)?(?:hradime|platime|hradim|platim)\b",
    (
        r"\b(?:posleme|poslem|prevedieme|prevediem|poukazeme|poukazem|vyrovname"
        r"|vyrovnam|vyplatime|uhradzame|budeme platit|budeme hradit)\b"
    ),
    (
        r"\b(?:vi|jag) (?:ska |kommer att |tanker |planerar att )?(?:betalar|betala"
        r"|overfor|overfora|skickar|skicka|satter in|satta in)\b"
    ),
    r"\b(?:betalar|overfor|skickar) (?:vi|jag)\b",
)
_PROMISE_VERB_RE = compile_alternatives(PROMISE_VERB_PATTERNS)
# Fees added to an invoice (en, nl, sk, sv, accent-free): a first-person
# payment in the future (``PROMISE_VERB_PATTERNS``) beside an objection to
# or a question about a fee only is a promise, the invoice being paid ("I
# will pay the invoice next week, but please explain the late fee", "ik
# betaal de factuur vrijdag, maar de administratiekosten kloppen niet",
# "faktúru uhradíme v piatok, ale poplatok za upomienku je neoprávnený",
# "håller inte med om förseningsavgiften, men fakturan betalar jag").
FEE_PATTERNS = (
    (
        r"\b(?:late|reminder|collection|admin\w*|processing|dunning) (?:fee|fees"
        r"|charge|charges|costs)\b|\blate payment (?:fee|charge|interest)"
    ),
    (
        r"\b(?:incasso|aanmanings|herinnerings|administratie|rappel)kosten\b"
        r"|\b(?:wettelijke )?rente\b"
    ),
    (
        r"\bpoplat\w* (?:za )?(?:upomien\w*|omeskan\w*|vymahan\w*)"
        r"|\bur[oa]k\w* z omeskan\w*"
    ),
    (
        r"\b(?:paminnelse|forsenings|inkasso|expeditions|administrations)avgift\w*"
        r"|\bdrojsmalsranta\w*"
    ),
)
_FEE_RE = compile_alternatives(FEE_PATTERNS)
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
# The invoice itself sent or received twice (not paid twice, which is a
# payment made): a dispute, even when its words are those of a payment
# ("de factuur is dubbel verstuurd, wij hebben hem twee keer ontvangen").
_RECEIVED = (
    r"(?:received|sent|invoiced|billed|ontvangen|verstuurd|gestuurd|gefactureerd"
    r"|dostali|prisl\w*|poslali|fakturoval\w*|vyfakturoval\w*|fick|fatt|skickat"
    r"|skickade|fakturerat|fakturerad\w*)"
)
_DUPLICATE_INVOICE_RE = re.compile(
    rf"\b{_TWICE} (?:\w+ ){{0,5}}{_RECEIVED}\b|\b{_RECEIVED} (?:\w+ ){{0,5}}{_TWICE}\b"
    r"|\b(?:duplicate|dubbele|duplicaat|duplikat|duplicitn\w*|dubblett\w*)"
    r" (?:\w+ )?(?:invoice|factuur|faktur\w*|bill|of|van|av)\b"
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
    def classify_reply(self, text, lang=None, message=None):
        """Guess what a customer means in a reply to a reminder.

        The reply is cleaned (``strip_reply``: quoted message and signature
        removed), its language detected when ``lang`` is not given (the
        language whose phrases share most words with it), then each active
        ``invoice.intent.phrase`` of that language is looked for: a phrase
        matches when the reply holds, close together (at most
        ``MATCH_MAX_GAP`` other words in between), at least
        ``MATCH_COVERAGE`` of its words' weight and ``MATCH_WORD_SHARE`` of
        its words (compared by stem, see ``phrase_stems``; a word weighs its
        rarity among the language's phrases times its share in one intent;
        numbers from two to twelve are one word, ``NUMBER_WORD``). A phrase's
        score is the weight of its words found, a word found only with
        another ending ("betalar" for "betald") counting
        ``OTHER_ENDING_FACTOR`` of its weight; word for word it counts
        ``EXACT_BONUS`` more. A promise or payment phrase found around a
        negation it does not hold ("we will not pay it") is not found (see
        ``NEGATION_WORDS``). An intent scores the sum
        of its matching phrases' weights (questions ``INTENT_WEIGHTS`` less);
        the highest wins. An automatic reply wins over everything: marked so
        by the message's headers (``Auto-Submitted``, ``X-Autoreply``,
        ``Precedence: auto_reply``...), written with the structure of one
        (``AUTO_REPLY_CUES``: a strong cue such as "automatic reply", "do
        not reply", a read receipt or a delivery status notification, or two
        kinds of cues among absence (also for an event), closure of the
        office, departure from the company, return date, alternate contact,
        receipt, ticket number, the mailbox closing, a service desk's reply
        time beside its load or a ticket; see ``_find_auto_reply_cues``) or
        matching
        any auto-reply phrase (in the body or the subject), except a
        first-person promise to pay or approve once back
        (``is_promise_on_return``: "zodra ik weer op kantoor ben betaal ik"),
        a promise without a strong cue or header. A customer's request
        to send the invoices to a new address from now on
        (``is_address_change``) is a question. A refusal to pay
        (``REFUSAL_PATTERNS``) or a charge for more than was had
        (``OVERCHARGE_PATTERNS``: a whole period charged, a number against
        the invoice's, a payment only for what was had) is a dispute.
        Without any matching phrase, a
        reply with a question mark is a question unless its words clearly ask for a plan
        (``QUESTION_EVIDENCE_FACTOR``); else the words it shares with the
        phrases of one intent, function words (``STOP_WORDS``) left out,
        decide when they weigh at least ``WORD_EVIDENCE_MIN`` (never an
        automatic reply); else the intent is unknown (False). Between a
        payment made and a promise, a reply speaking only of the future
        (``FUTURE_WORDS``) is a promise, only of the past (``PAST_WORDS``) a
        payment made. A reply saying a payment made (``PAYMENT_MADE_PATTERNS``:
        "we transferred the money on 3 November", "wij hebben het bedrag
        overgemaakt") is a payment made when no phrase was found or a
        question was guessed; a payment made that is an invoice received
        twice is a dispute (``_correct_payment_intent``). A payment promised
        once the supplier puts something right (``CONDITIONAL_PAYMENT_PATTERNS``)
        is a refusal. A plan request's phrases weighing ``CUSTOMER_CONTENT_MIN``
        outweigh auto-reply phrases (``PHRASE_CONTENT_INTENTS``), not the
        structure of an automatic reply.

        A reply of no intent or found a question that asks for more time
        (``PAYMENT_EXTENSION_PATTERNS``: "de betaaltermijn verlengen",
        "posunúť platbu na január") is a plan request.

        A reply of no intent yet (or a payment made guessed from its words
        only) that says a first-person payment in the future
        (``PROMISE_VERB_PATTERNS``: "uhradíme", "wij betalen", "vi betalar")
        with a date is a promise (``_find_dated_payment``).

        For a promise, the first date after today and within a year that the
        reply names ("on Friday", "vrijdag", "v piatok", "på fredag",
        "15.12.2026") is read with ``dateparser`` in the reply's language
        (day before month), relative dates it misses with
        ``RELATIVE_DATE_PATTERNS`` ("next Friday", "end of next week", "eind
        van de maand", "do konca budúceho týždňa"; see
        ``_find_promise_date``). For a dispute, the reason is the one of
        ``DISPUTE_REASON_PATTERNS`` (fewer pieces than invoiced, the invoice
        received twice), else the one of the matching dispute phrases
        (``reason_id``) with the highest score, else the reason
        ``invoice_dispute.reason_other``.

        :param str text: the reply's body, plain text or HTML; may be empty
            when ``message`` is given
        :param str lang: language code of the reply (``nl_NL``; any variant
            of the language), or None to detect it
        :param message: optional, the incoming email: a ``message_dict`` of
            ``mail.thread.message_parse`` (``subject``, ``body`` and, when the
            caller adds them, header names as keys or in ``headers``) or an
            ``email.message.Message``
        :return: dict with ``intent`` (a key of ``REPLY_INTENTS`` or False),
            ``lang`` (the language code used), ``scores`` (``{intent:
            score}``), ``phrases`` (the matching phrases of the intent, to
            explain the guess), ``promise_date`` (``datetime.date`` or False),
            ``reason_id`` (``invoice.dispute.reason`` record, empty unless
            dispute), ``auto_reply_header`` (the header that marked an
            automatic reply, or False), ``text`` (the cleaned reply) and
            ``words`` (the reply's own words where those phrases were found,
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
        promise_on_return = is_promise_on_return(cleaned)
        matches, scores = self._score_phrases(
            cleaned, subject, (entries, weights), promise_on_return
        )
        customer = self._has_customer_content(cleaned, scores)
        if self._classify_automatic(result, subject, message, customer=customer):
            return result
        if customer or any(
            scores.get(intent, 0.0) >= CUSTOMER_CONTENT_MIN
            for intent in PHRASE_CONTENT_INTENTS
        ):
            # the words of an absence ("I took the day off") in a dispute
            matches = [match for match in matches if match[0] != "auto_reply"]
            scores.pop("auto_reply", None)
        result["scores"] = {intent: round(score, 2) for intent, score in scores.items()}
        evidence = {}
        if not scores:
            evidence = self._weigh_words(cleaned, entries, weights)
        best_evidence = evidence and max(evidence, key=evidence.get)
        if scores.get("auto_reply"):
            intent = "auto_reply"
        elif _REFUSAL_RE.search(normalize_reply(cleaned)):
            # "we will not pay for", "wij betalen niet", "vi tänker inte
            # betala", "nezaplatíme": a refusal is a dispute
            intent = "dispute"
        elif is_address_change(cleaned) and (
            not scores or max(scores, key=scores.get) == "question"
        ):
            # "please send all future invoices to ...": a question
            intent = "question"
        elif scores:
            intent = max(scores, key=scores.get)
        elif promise_on_return:
            # "once I am back I will approve it": a promise in words of
            # no phrase
            intent = "promise"
        elif "?" in cleaned and not (
            best_evidence in QUESTION_EVIDENCE_INTENTS
            and evidence[best_evidence] >= QUESTION_EVIDENCE_FACTOR * WORD_EVIDENCE_MIN
            and all(
                evidence[best_evidence] >= QUESTION_EVIDENCE_FACTOR * value
                for key, value in evidence.items()
                if key != best_evidence
            )
        ):
            # asking without a known phrase: a question (a collector reads it),
            # never a dispute or a promise guessed from loose words; but asking
            # to pay in parts is a plan request
            intent = "question"
        elif evidence and max(evidence.values()) >= WORD_EVIDENCE_MIN:
            intent = max(evidence, key=evidence.get)
            result["scores"] = {key: round(value, 2) for key, value in evidence.items()}
        else:
            intent = False
        if intent in PLAN_REQUEST_OVER and _PAYMENT_EXTENSION_RE.search(
            normalize_reply(cleaned)
        ):
            # "is het mogelijk de betaaltermijn te verlengen?": more time
            intent = "plan_request"
        intent = self._correct_payment_intent(intent, cleaned, scores)
        # "Uhradíme to 15. decembra.", "Wij betalen 15 december."
        promise_date = self._find_dated_payment(cleaned, prefix, intent, scores)
        intent = "promise" if promise_date else intent
        result["intent"] = intent
        result["phrases"] = [phrase for i, phrase, __, __ in matches if i == intent]
        result["words"] = self._find_reply_words(cleaned, result["phrases"], entries)
        if intent == "promise":
            result["promise_date"] = promise_date or self._find_promise_date(
                cleaned, prefix
            )
        elif intent == "dispute":
            result["reason_id"] = self._guess_dispute_reason(matches, cleaned)
        return result

    @api.model
    def _find_dated_payment(self, text, prefix, intent=False, scores=None):
        """The date of a first-person payment in the future
        (``PROMISE_VERB_PATTERNS``: "uhradíme", "wij betalen", "vi
        betalar", "we will pay") with a date in ``text`` (a cleaned reply in
        the language ``prefix``): a promise even without any phrase, when
        the reply has no ``intent`` yet, or a payment made guessed from its
        words only (no phrase ``scores``). A refusal
        (``REFUSAL_PATTERNS``) is none.

        :return: ``datetime.date`` (``_find_promise_date``) or False
        """
        if intent and (intent != "paid" or scores):
            return False
        words = normalize_reply(text)
        match = _PROMISE_VERB_RE.search(words)
        if (
            not match
            or set(match.group(0).split()) & set(NEGATION_WORDS)
            or _REFUSAL_RE.search(words)
        ):
            # "we can not pay until 15.12." is no promise
            return False
        return self._find_promise_date(text, prefix)

    @api.model
    def _correct_payment_intent(self, intent, text, scores):
        """The intent of ``text`` (a cleaned reply) guessed as ``intent``
        (``scores``: the phrases' scores, empty when none was found),
        corrected by what it says of the payment: a payment said done
        (``_says_paid``) is a payment made when no phrase was found or a
        question was guessed ("we transferred the money on 3 November, could
        you check whether it arrived?"); a payment made that is an invoice
        received twice (``_DUPLICATE_INVOICE_RE``) a dispute; then a payment said in the
        future is a promise, a promise in the past a payment made
        (``_get_tense``).

        :return: the intent (a key of ``REPLY_INTENTS``) or False
        """
        if (intent in PAYMENT_MADE_OVER or not scores) and self._says_paid(text):
            intent = "paid"
        elif intent in ("dispute", "question") and self._promises_beside_a_fee(text):
            intent = "promise"
        elif intent == "paid" and _DUPLICATE_INVOICE_RE.search(normalize_reply(text)):
            intent = "dispute"
        tense = intent in ("paid", "promise") and self._get_tense(text)
        if tense:
            intent = "promise" if tense == "future" else "paid"
        return intent

    @api.model
    def _promises_beside_a_fee(self, text):
        """Whether ``text`` (a cleaned reply) promises, in the first person,
        to pay (``PROMISE_VERB_PATTERNS``, no negation in it) while objecting
        to or asking about a fee only (``FEE_PATTERNS``), and refuses nothing
        (``REFUSAL_PATTERNS``).

        :return: bool
        """
        words = normalize_reply(text)
        match = _PROMISE_VERB_RE.search(words)
        return bool(
            match
            and not set(match.group(0).split()) & set(NEGATION_WORDS)
            and _FEE_RE.search(words)
            and not _REFUSAL_RE.search(words)
        )

    @api.model
    def _says_paid(self, text):
        """Whether ``text`` (a cleaned reply) says a payment made
        (``PAYMENT_MADE_PATTERNS``), not negated (``NEGATION_WORDS`` in the
        words found or just before them) nor in the future (a future
        auxiliary, ``FUTURE_AUXILIARIES``, just before them), and is no
        refusal (``REFUSAL_PATTERNS``).

        :return: bool
        """
        words = normalize_reply(text)
        if _REFUSAL_RE.search(words):
            return False
        for match in _PAYMENT_MADE_RE.finditer(words):
            before = words[: match.start()].split()[-NEGATION_BEFORE:]
            found = set(match.group(0).split()) | set(before)
            if not found & (set(NEGATION_WORDS) | FUTURE_AUXILIARIES):
                return True
        return False

    @api.model
    def _score_phrases(self, text, subject, index, promise_on_return=False):
        """The phrases of ``index`` (``(entries, weights)`` of a language,
        see ``_get_phrase_index``) found in ``text`` and the auto-reply
        phrases found in ``subject`` (``_match_phrases``), with the score of
        each intent (the sum of its phrases' scores). With
        ``promise_on_return`` (``is_promise_on_return``: "zodra ik weer op
        kantoor ben betaal ik") the auto-reply phrases are left out: the
        words of an absence ("weer op kantoor") silence no promise.

        :return: ``(matches, {intent: score})``, matches as
            ``_match_phrases`` gives them
        """
        entries, weights = index
        matches = self._match_phrases(text, entries, weights)
        if subject:
            matches += [
                match
                for match in self._match_phrases(subject, entries, weights)
                if match[0] == "auto_reply"
            ]
        if promise_on_return:
            matches = [match for match in matches if match[0] != "auto_reply"]
        scores = defaultdict(float)
        for intent, __, __, score in matches:
            scores[intent] += score
        return matches, scores

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
    def _has_customer_content(self, text, scores):
        """Whether ``text`` (a cleaned reply) says what a customer says about
        the invoice: a refusal to pay (``REFUSAL_PATTERNS``) or phrases of
        ``CUSTOMER_CONTENT_INTENTS`` scoring at least ``CUSTOMER_CONTENT_MIN``
        in ``scores`` (``{intent: score}`` of ``_score_phrases``).

        :return: bool
        """
        if _REFUSAL_RE.search(normalize_reply(text)):
            return True
        return any(
            scores.get(intent, 0.0) >= CUSTOMER_CONTENT_MIN
            for intent in CUSTOMER_CONTENT_INTENTS
        )

    @api.model
    def _classify_automatic(self, result, subject, message, customer=False):
        """Mark ``result`` (of ``classify_reply``, its ``text`` cleaned) as
        an automatic reply when the headers of ``message`` or the cues of
        its text and ``subject`` (``_find_auto_reply_cues``) tell one. With
        ``customer`` (``_has_customer_content``: a dispute or a payment in
        the reply) only a strong cue (``AUTO_REPLY_STRONG``) or a header
        does: "I took the day off work and waited" is a customer's dispute.

        :return: bool, whether it is an automatic reply
        """
        header = message is not None and self._get_auto_reply_header(message)
        if header:
            result.update(intent="auto_reply", auto_reply_header=header)
            return True
        cues = self._find_auto_reply_cues(result["text"], subject)
        if customer and not set(cues) & set(AUTO_REPLY_STRONG):
            cues = []
        if cues:
            result.update(intent="auto_reply", scores={"auto_reply": len(cues)})
            result["phrases"] = [f"[{kind}]" for kind in cues]
            return True
        return False

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
    def _weigh_words(self, text, entries, weights):
        """The evidence for each intent of the words of ``text`` when no
        phrase matches: for each distinct word of the phrases (function
        words, ``STOP_WORDS``, left out), its weight times the share of the
        phrases holding it that have the intent, a phrase counting
        ``OTHER_ENDING_FACTOR`` when its word is found only with another
        ending and one more phrase of no intent counted
        (``WORD_EVIDENCE_PRIOR``): ``{intent: evidence}``; auto-replies are
        left out (only their structure, phrases or headers tell them)."""
        words = word_positions(text)
        counts = defaultdict(lambda: defaultdict(float))
        for intent, __, stems, __, __, whole in entries:
            for stem in stems:
                if stem in words:
                    # another ending ("splatna" for "splatky") counts less
                    counts[stem][intent] += (
                        1.0 if whole[stem] in words else OTHER_ENDING_FACTOR
                    )
        evidence = defaultdict(float)
        for stem, by_intent in counts.items():
            if stem.strip() in STOP_WORDS:
                continue
            total = sum(by_intent.values()) + WORD_EVIDENCE_PRIOR
            for intent, count in by_intent.items():
                if intent != "auto_reply":
                    evidence[intent] += (
                        weights[stem] * count / total * INTENT_WEIGHTS.get(intent, 1.0)
                    )
        return dict(evidence)

    @api.model
    def _get_tense(self, text):
        """When ``text`` says the payment happens: ``"future"`` when it holds
        words of ``FUTURE_WORDS`` and none of ``PAST_WORDS``, ``"past"`` the
        other way round, else False. A past participle after a future
        auxiliary (``FUTURE_AUXILIARIES``: "will be transferred", "wordt
        betaald", "bude zaplatené") is future."""
        words = normalize_reply(text).split()

        def is_cue(word, cues):
            return any(
                word == cue or (cue.endswith("*") and word.startswith(cue[:-1]))
                for cue in cues
            )

        future = past = 0
        for index, word in enumerate(words):
            if is_cue(word, FUTURE_WORDS):
                future += 1
            elif is_cue(word, PAST_WORDS):
                if FUTURE_AUXILIARIES & set(words[max(0, index - 2) : index]):
                    future += 1
                else:
                    past += 1
        if future and not past:
            return "future"
        if past and not future:
            return "past"
        return False

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
        other = self.env.ref("invoice_dispute.reason_other", raise_if_not_found=False)
        return other or Reason

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
    def _find_auto_reply_cues(self, text, subject=""):
        """The kinds of ``AUTO_REPLY_CUES`` found in ``text`` (the cleaned
        reply) and ``subject`` when they make an automatic reply: a strong
        kind (``AUTO_REPLY_STRONG``) alone, else at least
        ``AUTO_REPLY_MIN_CUES`` kinds, one of them of ``AUTO_REPLY_CORE``
        (an absence, a departure, a closure of the office, a receipt, the
        mailbox closing, a reply promised within days beside a kind of
        ``AUTO_REPLY_CORE_WITH``; the kinds of ``AUTO_REPLY_ABSENCE_KINDS``
        count as one kind); the alternate-contact cue counts only with an
        email address, phone number or extension in the text. A customer's
        request to send the invoices to a new address (``is_address_change``)
        is none, unless a cue of ``AUTO_REPLY_ROBOT`` is found; a promise to
        pay or approve once back (``is_promise_on_return``) is none, unless a
        strong kind is found.

        :return: sorted list of kind names, empty when no automatic reply
        """
        haystack = normalize_reply(f"{subject}\n{text}")
        kinds = {
            kind
            for kind, pattern in _AUTO_REPLY_CUE_RES.items()
            if pattern.search(haystack)
        }
        if _RECEIPT_PREFIX_RE.match(subject or "") or _RECEIPT_PREFIX_RE.match(
            text or ""
        ):
            kinds.add("read_receipt")
        if "contact" in kinds and not _CONTACT_ADDRESS_RE.search(text or ""):
            kinds.discard("contact")
        if not kinds & set(AUTO_REPLY_ROBOT) and is_address_change(text):
            # the customer's own request to write to a new address
            return []
        if not kinds & set(AUTO_REPLY_STRONG) and is_promise_on_return(text):
            # "as soon as I am back in the office I will pay": a person's
            # promise, not an absence notice
            return []
        # a departure and a closure are also absences: they count as one kind
        absences = len(kinds & set(AUTO_REPLY_ABSENCE_KINDS))
        count = len(kinds) - max(absences - 1, 0)
        core = {
            kind
            for kind in kinds & set(AUTO_REPLY_CORE)
            if kinds & set(AUTO_REPLY_CORE_WITH.get(kind, (kind,)))
        }
        if kinds & set(AUTO_REPLY_STRONG) or (core and count >= AUTO_REPLY_MIN_CUES):
            return sorted(kinds)
        return []

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
