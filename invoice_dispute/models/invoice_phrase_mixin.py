from odoo import api, fields, models

from .phrase_tools import PHRASE_LANG_FIELD, check_phrases


class InvoicePhraseMixin(models.AbstractModel):
    """What the phrase lists share (``invoice.tone.phrase``,
    ``invoice.intent.phrase``): a language code, the phrase, archiving, one
    phrase per language, and the check that the code is one and the phrase
    has words (``check_phrases``)."""

    _name = "invoice.phrase.mixin"
    _description = "Phrase List (language, phrase)"
    _rec_name = "phrase"

    lang = fields.Char(**PHRASE_LANG_FIELD)
    phrase = fields.Char(required=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "phrase_lang_uniq",
            "unique(lang, phrase)",
            "A phrase can be listed only once per language.",
        ),
    ]

    @api.constrains("lang", "phrase")
    def _check_phrase(self):
        check_phrases(self)
