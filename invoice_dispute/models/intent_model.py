"""The model that reads a customer's reply to a reminder: which intent
(``constants.REPLY_INTENTS``) it has, learnt from labelled replies.

A linear support vector machine (scikit-learn's ``LinearSVC``) over the
TF-IDF weights of the reply's character n-grams (2 to 5 letters within
words: endings, compounds and misspellings of nl, sk and sv count) and
word n-grams (1 and 2 words), fitted on the labelled replies of
``CORPUS_DIR`` (``lang,intent,text``: customers' replies in en, nl, sk, sv
written by eleven writers in rounds 1 to 10 of the phrase-and-rule
classifier this model replaced, and ``intent_replies_cases.csv``, the edge
cases those rounds' unit tests held) and the active ``invoice.intent.phrase``
records. Measured by ``tests/benchmarks/bench_intent.py``: each corpus file
classified by a model fitted without it, and the held-out files of
``tests/data`` that no model is fitted on.
"""

import csv
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC

from odoo.tools.misc import file_path

# The labelled replies the model learns from (one CSV file per writer or
# round, columns lang, intent, text).
CORPUS_DIR = "invoice_dispute/data/intent_replies"
# Inverse strength of the regularization of the support vector machine:
# lower generalizes more, higher fits the corpus closer.
REGULARIZATION = 0.5
# Minimum number of corpus texts a character n-gram must appear in to count
# (one writer's typo teaches nothing).
CHAR_NGRAM_MIN_DF = 2
# Below this decision value of its best intent (automatic replies aside) a
# reply has no intent: measured on the corpus by cross-validation, it leaves
# to the collector 1 % of the replies, a third of them guessed wrong.
NO_INTENT_SCORE = -0.3


def corpus_files():
    """The labelled reply files of ``CORPUS_DIR``, sorted by name.

    :return: list of ``pathlib.Path``
    """
    return sorted(Path(file_path(CORPUS_DIR)).glob("*.csv"))


def read_labelled_replies(path):
    """The rows of a labelled reply file (``lang,intent,text``).

    :param path: ``pathlib.Path`` or str of a UTF-8 CSV file
    :return: list of dicts with the keys ``lang``, ``intent``, ``text``
    """
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def fit_intent_model(texts, intents):
    """A model fitted on ``texts`` labelled ``intents``.

    :param texts: list of str, the replies as ``strip_reply`` cleans them
    :param intents: list of str, the intent of each text (keys of
        ``REPLY_INTENTS``), as many as texts and at least two different
    :return: a fitted scikit-learn pipeline: ``predict(texts)`` gives the
        intents, ``decision_function(texts)`` the score of each intent
        (``classes_`` of its last step)
    :raise ValueError: with fewer than two intents
    """
    features = make_union(
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            sublinear_tf=True,
            min_df=CHAR_NGRAM_MIN_DF,
        ),
        TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            token_pattern=r"(?u)\b\w+\b",
        ),
    )
    model = make_pipeline(features, LinearSVC(C=REGULARIZATION, random_state=0))
    model.fit(texts, intents)
    return model
