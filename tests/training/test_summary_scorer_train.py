"""Fitting the sentence scorer: labels, examples, variants, and a deterministic JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.models.test_summarizer import bag_of_chars
from wenzhai.models.summary_scorer import FEATURE_NAMES, SentenceScorer
from wenzhai.training.summary_rouge import make_scorer
from wenzhai.training.summary_scorer_train import (
    ENSEMBLE_SIZE,
    READ_VALIDATION_SHARE,
    VARIANTS,
    build_examples,
    fit,
    held_out,
    is_validation,
    reads_title,
    selection_key,
    sentence_labels,
    validation_table,
)
from wenzhai.training.summary_sources import TitledText


def test_labels_are_relative_to_the_best_sentence():
    labels = sentence_labels(["乡村建设行动启动。", "今天天气很好。", "乡村振兴。"], "乡村建设行动", make_scorer())
    assert labels[0] == pytest.approx(1.0) and labels[1] == 0.0 and 0 < labels[2] < 1
    recall = sentence_labels(["乡村建设行动启动了，各地积极响应。", "乡村建设。"], "乡村建设行动", make_scorer(), "recall")
    assert recall[0] == pytest.approx(1.0) and recall[1] < 1
    with pytest.raises(ValueError, match="label"):
        sentence_labels(["甲。"], "甲", make_scorer(), "precision")


def test_split_and_title_shares_are_fixed_by_the_id():
    assert is_validation("tv-20240101#1") == is_validation("tv-20240101#1")
    share = np.mean([is_validation(f"doc-{i}") for i in range(2000)])
    assert 0.12 < share < 0.18
    assert not reads_title(TitledText("lcsts-1", "lcsts", "正文。", "摘要"))
    shown = np.mean([reads_title(TitledText(f"tv-{i}", "tv-news", "正文。", "标题")) for i in range(2000)])
    assert 0.45 < shown < 0.55


def corpus() -> list[TitledText]:
    """Articles whose title repeats their first sentence's words, so position and title both teach."""
    topics = ["乡村建设", "电子证照", "企业创新", "基层治理", "数字政府", "农民增收"]
    docs = []
    for i in range(60):
        topic = topics[i % len(topics)]
        sentences = [f"{topic}取得新进展第{i}号。", "记者在现场看到很多人。", "大家都说这是好事情。",
                     f"专家表示{topic}还要继续努力。", "天气晴朗适合出行。"]
        docs.append(TitledText(f"tv-{i}", "tv-news", "".join(sentences[:3]) + "\n" + "".join(sentences[3:]),
                               f"{topic}取得新进展"))
    return docs


def test_examples_fit_and_validate(tmp_path):
    examples = build_examples(corpus(), bag_of_chars, "bag", tmp_path)
    assert len(examples) == 60
    first = examples[0]
    assert first.features.shape == (5, len(FEATURE_NAMES)) and first.labels.argmax() == 0
    assert len(list(tmp_path.glob("vectors-*.npy"))) == 1  # sentence vectors are cached
    models = {name: fit(name, examples) for name in ("linear", "mlp")}
    table = validation_table(models, examples)
    one = "tv-news 1 sentence"
    assert table["linear"][one] >= table["first sentences"][one] - 1e-9  # learns the lead
    assert table["oracle (uses the reference)"][one] >= table["linear"][one]
    assert set(table["mlp"]) == {one, "tv-news 140 chars", "mean"}
    with pytest.raises(ValueError, match="variant"):
        fit("forest", examples)


def test_fitting_twice_writes_the_same_weights(tmp_path):
    examples = build_examples(corpus(), bag_of_chars, "bag", tmp_path)
    for name in VARIANTS:
        a, b = fit(name, examples).to_dict(), fit(name, examples).to_dict()
        assert json.dumps(a) == json.dumps(b)
        assert isinstance(SentenceScorer.from_dict(a), SentenceScorer)


def test_the_ensemble_scores_the_mean_of_its_seeded_members(tmp_path):
    examples = build_examples(corpus(), bag_of_chars, "bag", tmp_path)
    ensemble = fit("mlp-ensemble", examples, seed=3)
    members = [fit("mlp", examples, seed=3 + k) for k in range(ENSEMBLE_SIZE)]
    assert ensemble.hidden[0][0].shape[1] == sum(m.hidden[0][0].shape[1] for m in members)
    x = np.vstack([e.features for e in examples[:5]])
    np.testing.assert_allclose(ensemble(x), np.mean([m(x) for m in members], axis=0), atol=1e-9)


def read_corpus() -> list[TitledText]:
    """The corpus above as read-summary documents: the reference names the fourth sentence's point."""
    return [TitledText(d.id.replace("tv-", "read-tv-"), "read-tv", d.text, "专家表示还要继续努力。", d.reference)
            for d in corpus()]


def test_read_summaries_are_held_out_at_their_own_share():
    docs = [TitledText(f"read-tv-{i}", "read-tv", "正文。", "摘要。") for i in range(3000)]
    share = np.mean([held_out(d) for d in docs])
    assert abs(share - READ_VALIDATION_SHARE) < 0.03
    assert held_out(TitledText("tv-1", "tv-news", "正文。", "标题")) == is_validation("tv-1")


def test_read_weight_moves_the_fit_and_read_mean_picks_the_variant(tmp_path):
    distant = build_examples(corpus(), bag_of_chars, "bag", tmp_path)
    read = build_examples(read_corpus(), bag_of_chars, "bag", tmp_path)
    assert all(e.labels.argmax() == 3 for e in read)
    examples = distant + read
    plain, weighted = fit("linear", examples), fit("linear", examples, read_weight=20.0)
    x = np.vstack([e.features for e in read])
    assert not np.allclose(plain(x), weighted(x))
    # weighted towards the read documents, the fourth sentence wins there more often
    wins = {name: np.mean([m(e.features).argmax() == 3 for e in read]) for name, m in
            (("plain", plain), ("weighted", weighted))}
    assert wins["weighted"] >= wins["plain"]
    table = validation_table({"plain": plain, "weighted": weighted}, examples)
    assert "read-tv 3 sentences" in table["plain"] and "read mean" in table["weighted"]
    assert selection_key(table) == "read mean"
    assert selection_key(validation_table({"plain": plain}, distant)) == "mean"
