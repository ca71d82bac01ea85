"""Merge the exported template into the addon's .po files (like msgmerge).

Usage: python3 scripts/i18n_update.py EXPORTED_POT I18N_DIR LANG [LANG...]

EXPORTED_POT (as written by odoo --i18n-export) replaces I18N_DIR/<its name>
(its dates are kept when no term changed, to avoid noise in the history).
For every LANG, I18N_DIR/LANG.po is created if missing, then:
- new msgids of the template are added with an empty msgstr;
- msgids no longer in the template are dropped;
- translations of unchanged msgids are kept;
- occurrences, comments and flags are taken from the template;
- a translation identical to its msgid is stored as an empty msgstr marked
  with the translator comment "same as source" (oca-checks-po requires the
  empty msgstr; the mark tells it apart from a term nobody translated yet).
Prints per language the number of terms and how many are untranslated.
"""

import sys
from pathlib import Path

import polib

PLURAL_FORMS = {
    "nl": "nplurals=2; plural=(n != 1);",
    "sv": "nplurals=2; plural=(n != 1);",
    "sk": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
}


SAME_AS_SOURCE = "same as source"


def is_done(entry):
    """Translated, or deliberately identical to the source text."""
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values()) and bool(entry.msgstr_plural)
    return bool(entry.msgstr) or SAME_AS_SOURCE in entry.tcomment.splitlines()


def _key(entry):
    return (entry.msgctxt, entry.msgid)


def merge(pot, po_path, lang):
    old = polib.pofile(str(po_path), wrapwidth=78) if po_path.exists() else None
    translated = {}
    if old is not None:
        for entry in old:
            if not entry.obsolete and (
                is_done(entry) or any(entry.msgstr_plural.values())
            ):
                translated[_key(entry)] = entry
    new = polib.POFile(wrapwidth=78)
    new.metadata = dict(pot.metadata)
    if old is not None:
        for field in ("PO-Revision-Date", "Last-Translator", "Language-Team"):
            if old.metadata.get(field):
                new.metadata[field] = old.metadata[field]
    new.metadata["Language"] = lang
    new.metadata["Plural-Forms"] = PLURAL_FORMS.get(
        lang, new.metadata.get("Plural-Forms") or "nplurals=2; plural=(n != 1);"
    )
    new.header = old.header if old is not None and old.header else ""
    for tmpl in pot:
        if tmpl.obsolete:
            continue
        entry = polib.POEntry(
            msgctxt=tmpl.msgctxt,
            msgid=tmpl.msgid,
            msgid_plural=tmpl.msgid_plural,
            comment=tmpl.comment,
            tcomment=tmpl.tcomment,
            occurrences=list(tmpl.occurrences),
            flags=[f for f in tmpl.flags if f != "fuzzy"],
        )
        prev = translated.get(_key(tmpl))
        if tmpl.msgid_plural:
            entry.msgstr_plural = dict(prev.msgstr_plural) if prev else {}
        else:
            entry.msgstr = prev.msgstr if prev else ""
        if prev is not None and prev.tcomment:
            entry.tcomment = prev.tcomment
        if entry.msgstr and entry.msgstr == entry.msgid:
            entry.msgstr = ""
            entry.tcomment = SAME_AS_SOURCE
        new.append(entry)
    new.sort(key=lambda entry: entry.msgid)
    new.save(str(po_path))
    total = len(new)
    untranslated = sum(1 for entry in new if not is_done(entry))
    return total, untranslated


def _signature(po):
    return [(e.msgctxt, e.msgid, e.msgid_plural, e.comment, e.occurrences) for e in po]


def update_template(exported, target):
    pot = polib.pofile(str(exported), wrapwidth=78)
    if target.exists():
        old = polib.pofile(str(target), wrapwidth=78)
        if _signature(old) == _signature(pot):
            for field in ("POT-Creation-Date", "PO-Revision-Date"):
                if old.metadata.get(field):
                    pot.metadata[field] = old.metadata[field]
    pot.save(str(target))
    return pot


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    exported, i18n_dir, langs = Path(argv[1]), Path(argv[2]), argv[3:]
    pot = update_template(exported, i18n_dir / exported.name)
    missing = 0
    for lang in langs:
        total, untranslated = merge(pot, i18n_dir / f"{lang}.po", lang)
        missing += untranslated
        print(f"{lang}: {total} terms, {untranslated} untranslated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
