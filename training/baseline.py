"""A TF-IDF + logistic-regression baseline: does the data carry the themes at all?

Character 1–3-grams need no tokenizer and are robust to the mix of full- and half-width text; the
classifier is trained on the built training split alone and scored on a labelled dev file. The
settings are plain defaults (balanced class weights because digital_government is the smallest
class), deliberately not tuned on the dev set: the number is a floor for the data, not a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wenzhai.models.themes import LABELS


@dataclass
class BaselineResult:
    """Scores on the dev set, with and without the rows marked ambiguous."""

    macro_f1: float
    macro_f1_unambiguous: float
    report: str
    report_unambiguous: str
    n_train: int
    n_dev: int
    n_dev_unambiguous: int
    predictions: list[str] = field(repr=False, default_factory=list)


def make_pipeline(seed: int = 13):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)),
            ("clf", LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=seed)),
        ]
    )


def _scores(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, str]:
    from sklearn.metrics import classification_report, f1_score

    labels = [label for label in LABELS if label in set(gold) | set(pred)]
    macro = float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0))
    text = classification_report(gold, pred, labels=labels, digits=3, zero_division=0)
    return macro, text


def run_baseline(
    train_rows: Sequence[dict[str, Any]], dev_rows: Sequence[dict[str, Any]], seed: int = 13
) -> BaselineResult:
    """Fit on ``train_rows`` (dicts with text and label), score on ``dev_rows``."""
    if not train_rows or not dev_rows:
        raise ValueError("the baseline needs training rows and dev rows")
    pipe = make_pipeline(seed)
    pipe.fit([r["text"] for r in train_rows], [r["label"] for r in train_rows])
    pred = list(pipe.predict([r["text"] for r in dev_rows]))
    gold = [r["label"] for r in dev_rows]
    macro, report = _scores(gold, pred)
    keep = [i for i, r in enumerate(dev_rows) if not r.get("ambiguous", False)]
    macro_u, report_u = _scores([gold[i] for i in keep], [pred[i] for i in keep])
    return BaselineResult(macro, macro_u, report, report_u, len(train_rows), len(dev_rows), len(keep), pred)
