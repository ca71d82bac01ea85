"""Benchmark of the reply classifier (invoice.intent.phrase.classify_reply).

The intent of a reply is the guess of a model learnt from labelled replies
(``invoice_dispute/models/intent_model.py``): the corpus files of
``invoice_dispute/data/intent_replies/`` (eleven writers' customer replies in
en, nl, sk, sv, ``lang,intent,text``) and the active phrases. This script
measures it two ways and prints, per file, the accuracy per language with
the language given and detected, the confusions (expected -> guessed), the
automatic replies taken for something else (must be none), the replies taken
for automatic replies (silenced) and the time per reply:

- cross-validation: each corpus file classified by a model fitted on the
  corpus without it (a writer the model never read), then the totals;
- held out: each file of ``invoice_dispute/tests/data/`` (written by a writer
  who saw neither the code nor the corpus, measured once before anyone read
  it, never added to the corpus) classified by the database's model.

``--set FILE`` classifies one file (an unseen set of
``tests/benchmarks/unseen/``) with the database's model. Nothing is written.

Usage (on a scratch database with invoice_dispute installed):

    createdb -T invoice_dispute_deps_180_<hash> bench_intent  # see scripts/common.sh
    python3 -m odoo -d bench_intent --db_host 127.0.0.1 --db_user root \\
        -i invoice_dispute --stop-after-init \\
        --addons-path=/opt/odoo18/addons,/opt/odoo18/odoo/addons,.
    python3 tests/benchmarks/bench_intent.py --db bench_intent [--verbose]
    dropdb bench_intent
"""

import argparse
import csv
import time
from collections import Counter, defaultdict
from pathlib import Path

from bench_common import ROOT, add_database_arguments, admin_env, open_registry

HELD_OUT = ROOT / "invoice_dispute" / "tests" / "data"
GOAL = 0.85


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser)
    parser.add_argument(
        "--verbose", action="store_true", help="print every misclassified reply"
    )
    parser.add_argument(
        "--set",
        dest="only",
        metavar="CSV",
        help="measure only this labelled file (lang,intent,text), e.g. an "
        "unseen set of tests/benchmarks/unseen/, instead of the sets above",
    )
    return parser.parse_args()


def load_rows(path):
    """The labelled rows (lang, intent, text) of the CSV file ``path``."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def evaluate(classifier, rows, detect_lang, verbose=False, model=None):
    """``{lang: (correct, total)}``, the confusions and the auto-replies
    missed, classifying with the language given or detected."""
    per_lang = defaultdict(lambda: [0, 0])
    confusions = Counter()
    auto_missed = []
    auto_wrong = []
    wrong_lang = 0
    for row in rows:
        result = classifier.classify_reply(
            row["text"], lang=None if detect_lang else row["lang"], intent_model=model
        )
        per_lang[row["lang"]][1] += 1
        if detect_lang and result["lang"].split("_")[0] != row["lang"].split("_")[0]:
            wrong_lang += 1
        if result["intent"] == row["intent"]:
            per_lang[row["lang"]][0] += 1
            continue
        confusions[(row["intent"], result["intent"])] += 1
        if row["intent"] == "auto_reply":
            auto_missed.append(row)
        elif result["intent"] == "auto_reply":
            auto_wrong.append(row)
        if verbose:
            print(
                f"  [{row['lang']}] {row['intent']} -> {result['intent']} "
                f"{result['scores']} {result['phrases']}: {row['text'][:200]!r}"
            )
    return per_lang, confusions, auto_missed, auto_wrong, wrong_lang


def main():
    args = parse_args()
    registry = open_registry(args)
    # importable once the registry has set the addons path
    from odoo.addons.invoice_dispute.models.intent_model import (
        corpus_files,
        fit_intent_model,
    )

    with registry.cursor() as cr:
        classifier = admin_env(cr)["invoice.intent.phrase"]
        classifier.classify_reply("warm-up", lang="en_US")
        if args.only:
            rows = load_rows(args.only)
            print(f"\n## {args.only}: {len(rows)} replies, the database's model")
            report(classifier, rows, args.verbose)
            return
        totals = defaultdict(lambda: [0, 0])
        for path in corpus_files():
            rows = load_rows(path)
            started = time.perf_counter()
            model = fit_intent_model(
                *classifier._get_intent_samples(exclude=[path.name])
            )
            fitted = time.perf_counter() - started
            print(
                f"\n## corpus file {path.name}: {len(rows)} replies, a model "
                f"fitted without it ({fitted:.1f} s)"
            )
            per_lang = report(classifier, rows, args.verbose, model=model)
            for lang, (correct, total) in per_lang.items():
                totals[lang][0] += correct
                totals[lang][1] += total
        print("\n## cross-validation: every corpus file, fitted without it")
        print_table(totals)
        for path in sorted(HELD_OUT.glob("*.csv")):
            rows = load_rows(path)
            print(
                f"\n## held-out {path.name}: {len(rows)} replies, the database's model"
            )
            report(classifier, rows, args.verbose)
        cr.rollback()


def print_table(per_lang):
    """Print ``{lang: (correct, total)}`` as a table against ``GOAL``."""
    print("| language | correct / replies | accuracy | goal |")
    print("| --- | --- | --- | --- |")
    for lang, (correct, total) in sorted(per_lang.items()):
        accuracy = correct / total
        status = "ok" if accuracy >= GOAL else "BELOW"
        print(f"| {lang} | {correct} / {total} | {accuracy:.1%} | {status} |")
    correct = sum(c for c, __ in per_lang.values())
    total = sum(t for __, t in per_lang.values())
    print(f"| all | {correct} / {total} | {correct / total:.1%} | |")


def report(classifier, rows, verbose, model=None):
    """Print the figures of ``rows`` with the language given, then detected,
    classified by ``model`` (else the database's); return the figures with
    the language given (``{lang: [correct, total]}``)."""
    figures = None
    for detect in (False, True):
        started = time.perf_counter()
        per_lang, confusions, auto_missed, auto_wrong, wrong_lang = evaluate(
            classifier, rows, detect, verbose=verbose and not detect, model=model
        )
        elapsed = time.perf_counter() - started
        figures = figures or per_lang
        title = "language detected" if detect else "language given"
        print(f"\n{title}: {1000 * elapsed / len(rows):.1f} ms per reply")
        print_table(per_lang)
        if detect:
            print(f"language detected wrongly: {wrong_lang} of {len(rows)}")
        print("confusions (expected -> guessed: count):")
        for (expected, guessed), count in confusions.most_common():
            print(f"  {expected} -> {guessed}: {count}")
        if not confusions:
            print("  none")
        print(f"automatic replies taken for something else: {len(auto_missed)}")
        print(f"other replies taken for automatic replies: {len(auto_wrong)}")
    return figures


if __name__ == "__main__":
    main()
