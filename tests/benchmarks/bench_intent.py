"""Benchmark of the reply classifier (invoice.intent.phrase.classify_reply).

Classifies the labelled replies (lang, intent, text) of
``invoice_dispute/tests/data/intent_replies.csv`` (the development set: the
phrases were written and the classifier tuned looking at it), of
``intent_replies_extra.csv`` (a second development set, written before the
second round of phrases and rules, then used to check them) and of
``intent_replies_holdout.csv`` (held out: written after the first phrase list
was fixed, the figure to quote for replies never seen, although its misses
were studied for the second round) and of ``intent_replies_blind_dev.csv``
(half of a set written by someone who never saw the phrases; its misses
were studied for the third round), of ``intent_replies_blind_test.csv`` (the
other half, measured unseen once, then studied for round 5) and of
``intent_replies_holdout_s5.csv`` (8 replies per intent and language written
in session 5 before its tuning and never tuned on) and of
``intent_replies_blind2.csv`` (another writer's set, measured once unseen at
88.0 %, then studied for round 6) and of ``intent_replies_blind3.csv`` (a
third writer's set, measured once unseen at 92.2 %, its four automatic
replies misread then studied for round 7) and of
``intent_replies_blind4.csv`` (a fourth writer's set, measured once unseen
after round 7 at 81.2 %, then studied for round 8) and of
``intent_replies_blind5.csv`` (a fifth writer's set, measured once unseen
after round 8 at 86.1 %, then studied for round 9) and of
``intent_replies_blind6.csv`` (a sixth writer's set, measured once unseen
after round 9 at 83.8 %, then studied for round 10) and of
``intent_replies_blind7.csv`` (a seventh writer's set, measured once unseen
after round 10 at 84.3 %) and prints, per set, the
accuracy per language with the language given and detected, the confusions
(expected -> guessed), the automatic replies taken for something else (must be
none), the replies taken for automatic replies (silenced: must be none) and
the time per reply. Nothing is written.

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

DATA = ROOT / "invoice_dispute" / "tests" / "data"
SETS = (
    ("development set", "intent_replies.csv"),
    ("second development set", "intent_replies_extra.csv"),
    ("held-out set", "intent_replies_holdout.csv"),
    ("blind development set", "intent_replies_blind_dev.csv"),
    # measured once unseen in session 4: 80.6 %
    ("blind test set", "intent_replies_blind_test.csv"),
    # written in session 5 before its tuning, never tuned on
    ("session 5 held-out set", "intent_replies_holdout_s5.csv"),
    # another writer; measured once unseen: 88.0 %, then used for development
    (
        "session 5 blind set (another writer; measured once unseen: 88.0 %)",
        "intent_replies_blind2.csv",
    ),
    # a third writer; measured once unseen after round 6: 92.2 %, its
    # automatic replies misread then studied for round 7
    (
        "session 5 second blind set (a third writer; measured once unseen: 92.2 %)",
        "intent_replies_blind3.csv",
    ),
    # a fourth writer; measured once unseen after round 7: 81.2 %, its
    # misses then studied for round 8
    (
        "session 6 blind set (a fourth writer; measured once unseen: 81.2 %)",
        "intent_replies_blind4.csv",
    ),
    # a fifth writer; measured once unseen after round 8: 86.1 % (en 82.7,
    # sv 84.6 below the goal), then studied for round 9
    (
        "session 6 second blind set (a fifth writer; measured once unseen: 86.1 %)",
        "intent_replies_blind5.csv",
    ),
    # a sixth writer; measured once unseen after round 9: 83.8 % (sk 77.8,
    # sv 81.5 below the goal; 10 of 56 automatic replies misread)
    (
        "session 7 blind set (a sixth writer; measured once unseen: 83.8 %)",
        "intent_replies_blind6.csv",
    ),
    # a seventh writer; measured once unseen after round 10: 84.3 % (en 81.5,
    # sv 81.5 below the goal; 1 automatic reply misread, 5 replies silenced)
    (
        "session 8 blind set (a seventh writer; measured once unseen: 84.3 %)",
        "intent_replies_blind7.csv",
    ),
)
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


def load_rows(name):
    """The rows of ``name``: a file of ``DATA``, else a path."""
    path = DATA / name if (DATA / name).exists() else Path(name)
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def evaluate(classifier, rows, detect_lang, verbose=False):
    """``{lang: (correct, total)}``, the confusions and the auto-replies
    missed, classifying with the language given or detected."""
    per_lang = defaultdict(lambda: [0, 0])
    confusions = Counter()
    auto_missed = []
    auto_wrong = []
    wrong_lang = 0
    for row in rows:
        result = classifier.classify_reply(
            row["text"], lang=None if detect_lang else row["lang"]
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
    with registry.cursor() as cr:
        classifier = admin_env(cr)["invoice.intent.phrase"]
        classifier.classify_reply("warm-up", lang="en_US")
        sets = [(args.only, args.only)] if args.only else SETS
        for label, name in sets:
            rows = load_rows(name)
            print(f"\n## {label}: {len(rows)} replies ({name})")
            report(classifier, rows, args.verbose)
        cr.rollback()


def report(classifier, rows, verbose):
    """Print the figures of ``rows`` with the language given, then detected."""
    for detect in (False, True):
        started = time.perf_counter()
        per_lang, confusions, auto_missed, auto_wrong, wrong_lang = evaluate(
            classifier, rows, detect, verbose=verbose
        )
        elapsed = time.perf_counter() - started
        title = "language detected" if detect else "language given"
        print(f"\n{title}: {1000 * elapsed / len(rows):.1f} ms per reply")
        print("| language | correct / replies | accuracy | goal |")
        print("| --- | --- | --- | --- |")
        for lang, (correct, total) in sorted(per_lang.items()):
            accuracy = correct / total
            status = "ok" if accuracy >= GOAL else "BELOW"
            print(f"| {lang} | {correct} / {total} | {accuracy:.1%} | {status} |")
        correct = sum(c for c, __ in per_lang.values())
        print(f"| all | {correct} / {len(rows)} | {correct / len(rows):.1%} | |")
        if detect:
            print(f"language detected wrongly: {wrong_lang} of {len(rows)}")
        print("confusions (expected -> guessed: count):")
        for (expected, guessed), count in confusions.most_common():
            print(f"  {expected} -> {guessed}: {count}")
        if not confusions:
            print("  none")
        print(f"automatic replies taken for something else: {len(auto_missed)}")
        print(f"other replies taken for automatic replies: {len(auto_wrong)}")


if __name__ == "__main__":
    main()
