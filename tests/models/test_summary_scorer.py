"""The learned sentence scorer: features, numpy inference, the shipped weights."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.models.test_summarizer import bag_of_chars
from wenzhai.models.lexical_similarity import bigram_cosine
from wenzhai.models.summarizer import Summarizer, SummarizerConfig
from wenzhai.models.summary_budget import Budget
from wenzhai.models.summary_scorer import (
    DEFAULT_SCORER_PATH,
    FEATURE_NAMES,
    SentenceScorer,
    bigram_density,
    sentence_features,
    title_overlap,
)

TEXTS = ["乡村建设要坚持政府主导。", "乡村建设也要引入市场力量。", "电子证照方便群众办事。", "今年增长了６％！"]


def features(title: str = "") -> np.ndarray:
    vectors = bag_of_chars(TEXTS)
    lexical = bigram_cosine(TEXTS)
    title_vector = bag_of_chars([title])[0] if title else None
    return sentence_features(TEXTS, [0, 0, 1, 2], vectors, vectors @ vectors.T, lexical, title, title_vector)


def column(name: str) -> int:
    return FEATURE_NAMES.index(name)


def test_features_describe_position_paragraphs_and_content():
    x = features()
    assert x.shape == (4, len(FEATURE_NAMES))
    index_columns = [i for i, n in enumerate(FEATURE_NAMES) if n.startswith("index>=")]
    np.testing.assert_array_equal(x[:, index_columns], np.eye(4, len(index_columns)))  # one bucket each
    np.testing.assert_array_equal(x[:, column("opens_paragraph")], [1, 0, 1, 1])
    np.testing.assert_array_equal(x[:, column("closes_paragraph")], [0, 1, 1, 1])
    np.testing.assert_array_equal(x[:, column("paragraph>=2")], [0, 0, 0, 1])
    np.testing.assert_array_equal(x[:, column("has_figures")], [0, 0, 0, 1])
    np.testing.assert_array_equal(x[:, column("ends_question_or_exclamation")], [0, 0, 0, 1])
    assert not x[:, column("has_title")].any() and not x[:, column("title_overlap")].any()


def test_title_features_follow_the_title():
    x = features("电子证照上线")
    assert x[:, column("has_title")].all()
    overlap = x[:, column("title_overlap")]
    assert overlap[2] == pytest.approx(3 / 5) and overlap[[0, 1, 3]].sum() == 0  # 电子 子证 证照 of 5 bigrams
    np.testing.assert_allclose(title_overlap(["电子证照"], "电子证照"), [1.0])


def test_bigram_density_rewards_what_the_rest_repeats():
    density = bigram_density(["乡村建设好。", "乡村建设强。", "天气晴朗。"])
    assert density[0] == density[1] > density[2] == 0.0


def test_features_need_one_row_per_sentence():
    vectors = bag_of_chars(TEXTS)
    with pytest.raises(ValueError, match="same sentences"):
        sentence_features(TEXTS[:3], [0, 0, 1], vectors, vectors @ vectors.T, bigram_cosine(TEXTS), "", None)


def scorer(hidden: bool) -> SentenceScorer:
    rng = np.random.default_rng(0)
    d = len(FEATURE_NAMES)
    layers = ((rng.normal(size=(d, 3)), rng.normal(size=3)),) if hidden else ()
    out = rng.normal(size=3 if hidden else d)
    return SentenceScorer(FEATURE_NAMES, rng.normal(size=d), rng.uniform(0.5, 2, size=d), layers, (out, 0.25))


@pytest.mark.parametrize("hidden", [False, True])
def test_inference_is_standardise_relu_linear_and_survives_json(hidden, tmp_path):
    model = scorer(hidden)
    x = features("乡村建设")
    z = (x - model.mean) / model.scale
    if hidden:
        z = np.maximum(z @ model.hidden[0][0] + model.hidden[0][1], 0)
    np.testing.assert_allclose(model(x), z @ model.output[0] + 0.25)
    path = tmp_path / "w.json"
    path.write_text(json.dumps(model.to_dict()), encoding="utf-8")
    np.testing.assert_allclose(SentenceScorer.load(path)(x), model(x), rtol=1e-4, atol=1e-4)


def test_weights_for_other_features_are_refused():
    data = scorer(False).to_dict()
    data["features"] = data["features"][:-1] + ["something_else"]
    with pytest.raises(ValueError, match="rebuild"):
        SentenceScorer.from_dict(data)


def test_the_shipped_weights_load_and_say_how_they_were_made():
    data = json.loads(DEFAULT_SCORER_PATH.read_text(encoding="utf-8"))
    assert "summary_scorer_train" in data["about"]["command"]
    model = SentenceScorer.load()
    assert np.isfinite(model(features())).all()


def test_the_learned_scorer_is_the_default_and_centrality_remains_a_choice():
    text = "乡村建设要坚持政府主导。乡村建设也要引入市场力量。电子证照方便群众办事。企业发展很快。"
    learned = Summarizer(bag_of_chars)
    assert learned.scorer is not None
    items = learned.summarize(text, Budget(max_sentences=2))
    assert len(items) == 2 and all(0.0 <= i.score <= 1.0 for i in items)
    centrality = Summarizer(bag_of_chars, SummarizerConfig(scorer="centrality"))
    assert centrality.scorer is None and len(centrality.summarize(text, Budget(max_sentences=2))) == 2
    with pytest.raises(ValueError, match="scorer"):
        SummarizerConfig(scorer="oracle")  # type: ignore[arg-type]
