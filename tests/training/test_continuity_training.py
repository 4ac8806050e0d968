"""`wenzhai train-continuity`: pairs drawn as documented, a correct AUC, a deterministic model that learns."""

from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest

from tests.models.topics import DIGITAL, RURAL
from wenzhai.models.continuity import ContinuityModel, ContinuitySettings
from wenzhai.training.continuity_training import (
    ContinuityTrainingConfig,
    auc,
    draw_neighbours,
    make_pairs,
    split_inside,
    train_continuity,
)
from wenzhai.training.page_simulator import Article

pytest.importorskip("sklearn", reason="training the continuity model needs scikit-learn (train extra)")

TOPICS = [RURAL, DIGITAL]


def _articles(n: int, source: str = "tv") -> list[Article]:
    """Alternating topics, so an article and the next one always differ."""
    return [Article(f"第{k}条", tuple(TOPICS[k % 2][j % 3] + f"（第{k}条）" for j in range(k % 2, k % 2 + 3)),
                    f"{source}:{k:04d}") for k in range(n)]


def _fake_classifier(dim: int = 8):
    """Sentence vectors that say which topic a text is about, with a little noise."""
    def embed(texts):
        rng = np.random.default_rng(len(texts))
        rows = np.array([[1.0 if "村" in t else 0.0, 0.0 if "村" in t else 1.0] + [0.0] * (dim - 2) for t in texts])
        rows = rows + 0.05 * rng.standard_normal(rows.shape)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    return SimpleNamespace(sentence_embedder=lambda layers: embed)


def test_neighbours_follow_each_other_and_are_drawn_once():
    arts = _articles(40) + _articles(10, "pd")
    units = draw_neighbours(arts, 12, tv_share=0.75, seed=1)
    assert len(units) == 12 and sum(a.source.startswith("tv") for a, _ in units) == 9
    for first, second in units:
        assert first.source[:2] == second.source[:2]
        assert int(second.source.split(":")[1]) == int(first.source.split(":")[1]) + 1
    seen = [a.source for unit in units for a in unit]
    assert len(seen) == len(set(seen))
    assert draw_neighbours(arts, 12, 0.75, 1) == units


def test_pairs_are_labelled_by_where_the_text_goes():
    units = draw_neighbours(_articles(20), 8, tv_share=1.0, seed=0)
    pairs = make_pairs(units, seed=0)
    by_text = {p: a for a, _ in units for p in a.paragraphs}
    for before, after, label in pairs:
        if label == 0:  # the same article, at a paragraph gap or inside one paragraph
            assert before in by_text and (after in by_text and by_text[after] is by_text[before]
                                          or any(before + after == p for p in by_text))
        else:
            assert before == by_text[before].paragraphs[-1] and after not in by_text[before].paragraphs
    assert {label for *_, label in pairs} == {0, 1}
    assert make_pairs(units, seed=0) == pairs


def test_split_inside_cuts_at_a_sentence_end_only():
    text = "村里修好了水泥路，农民种植的蔬菜可以直接运到城里。乡村振兴离不开产业发展，村集体经济不断壮大。"
    before, after = split_inside(text, random.Random(0))
    assert before + after == text and before.endswith("。")
    assert split_inside("没有句号的一段话" * 3, random.Random(0)) is None


def test_auc_matches_the_rank_definition():
    labels = np.array([0, 0, 1, 1, 0, 1])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.9])
    pairs = [(p, n) for p in scores[labels == 1] for n in scores[labels == 0]]
    expected = np.mean([1.0 if p > n else 0.5 if p == n else 0.0 for p, n in pairs])
    assert auc(labels, scores) == pytest.approx(expected)
    with pytest.raises(ValueError, match="both classes"):
        auc(np.array([1, 1]), np.array([0.1, 0.2]))


def test_training_learns_topic_changes_and_is_deterministic():
    config = ContinuityTrainingConfig(articles=40, tv_share=1.0, val_share=0.25,
                                      settings=ContinuitySettings(tail_chars=20, head_chars=20))
    spec = train_continuity(config, _articles(100), _fake_classifier())
    assert spec["training"]["val_auc"] > 0.9 and spec["training"]["train_pairs"] > 0
    assert ContinuityModel.from_spec(spec).dim == 8
    assert train_continuity(config, _articles(100), _fake_classifier()) == spec


def test_config_is_validated():
    with pytest.raises(ValueError, match="articles"):
        ContinuityTrainingConfig(articles=3)
    with pytest.raises(ValueError, match="val_share"):
        ContinuityTrainingConfig(val_share=1.0)
