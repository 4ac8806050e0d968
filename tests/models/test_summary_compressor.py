"""The clause compressor: where clauses end, what a cut sentence reads like, the weights file."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.models.test_summarizer import bag_of_chars
from tests.summary_parts import assert_parts_match
from wenzhai.models.summarizer import Summarizer, SummarizerConfig
from wenzhai.models.summary_budget import Budget
from wenzhai.models.summary_compressor import (
    DEFAULT_COMPRESSOR_PATH,
    DENSE_FEATURES,
    ClauseCompressor,
    clause_bounds,
    clause_features,
    joined_text,
    kept_bounds,
)
from wenzhai.models.text.cohesion import bigrams


def test_clauses_end_after_marks_outside_quotes():
    sentence = "新春前夕，总台记者分赴各地；他说：“乡村要振兴，产业要兴旺。”记录下今日中国。"
    bounds = clause_bounds(sentence)
    assert [sentence[a:b] for a, b in bounds] == ["新春前夕，", "总台记者分赴各地；", "他说：", "“乡村要振兴，产业要兴旺。”记录下今日中国。"]
    assert clause_bounds("没有逗号的一句话。") == [(0, 9)]


@given(st.text(alphabet="甲乙丙，；：“”。", min_size=1, max_size=40))
@settings(max_examples=200, deadline=None)
def test_clauses_cover_the_sentence_in_order(sentence):
    bounds = clause_bounds(sentence)
    assert "".join(sentence[a:b] for a, b in bounds).strip() == sentence.strip() or not sentence.strip()
    assert all(a < b for a, b in bounds) and all(b <= c for (_, b), (c, _) in zip(bounds, bounds[1:], strict=False))


def test_a_cut_sentence_is_closed_like_a_sentence():
    sentence = "近日，村民生活越来越好，收入明显增加！"
    assert joined_text(sentence, [(3, 12)]) == "村民生活越来越好！"
    assert joined_text(sentence, [(0, 3), (12, 19)]) == "近日，收入明显增加！"
    assert joined_text("他说：“好。”", [(0, 3)]) == "他说。"  # a closing quote is not a sentence end


def _compressor(**weights: float) -> ClauseCompressor:
    return ClauseCompressor(dict(weights), bias=0.0, threshold=0.5, min_kept_chars=0)


def test_keep_follows_the_weights_and_the_least_kept_length():
    rows = [{"first": 1.0}, {"figures": 1.0}, {}]
    assert _compressor(figures=3.0, first=-3.0).keep(rows, [2, 8, 8]) == [False, True, True]  # bias 0: p = 0.5 kept
    strict = ClauseCompressor({"figures": -3.0, "first": -3.0}, bias=-3.0, threshold=0.5, min_kept_chars=10)
    kept = strict.keep(rows, [2, 8, 8])  # nothing reaches the threshold: the likeliest clauses join up to 10 letters
    assert sum(kept) == 2 and kept[2]
    with pytest.raises(ValueError, match="one letter count per clause"):
        strict.keep(rows, [2])


def test_features_name_the_clauses_place_figures_and_repetition():
    sentence = "今年以来，全省新增就业12万人，同比增长。"
    bounds = clause_bounds(sentence)
    document = Counter(bigrams(sentence)) + Counter(bigrams("全省新增就业人数创新高。"))
    rows = clause_features(sentence, bounds, 1, set(bigrams("同比增长很快")), document)
    assert len(rows) == 3 and set(DENSE_FEATURES) <= set(rows[0])
    assert rows[0]["first"] == 1.0 and rows[2]["last"] == 1.0 and rows[1]["figures"] == 1.0
    assert rows[1]["document_repeats"] > rows[0]["document_repeats"] == 0.0
    assert rows[2]["said_in_summary"] == 1.0 and rows[0]["summary_rank"] == 1.0
    assert "open:全省" in rows[1] and "close:万人" in rows[1] and "mark:，" in rows[1]


def test_weights_round_trip_and_bad_files_say_what_is_missing(tmp_path):
    compressor = ClauseCompressor({"first": -1.25, "figures": 0.5}, 0.1, 0.3, 12, {"command": "x"})
    path = tmp_path / "c.json"
    compressor.save(path)
    assert ClauseCompressor.load(path) == compressor
    with pytest.raises(ValueError, match="min_kept_chars"):
        ClauseCompressor.from_dict({"weights": {}, "bias": 0.0, "threshold": 0.5})
    with pytest.raises(ValueError, match="threshold"):
        ClauseCompressor({}, 0.0, 1.5)


def test_the_shipped_weights_load_and_say_how_they_were_made():
    data = json.loads(DEFAULT_COMPRESSOR_PATH.read_text(encoding="utf-8"))
    compressor = ClauseCompressor.from_dict(data)
    assert data["about"]["command"].startswith("python -m wenzhai.training.summary_compressor_train")
    assert 0 < compressor.threshold < 1 and compressor.min_kept_chars >= 0
    assert set(DENSE_FEATURES) & set(compressor.weights)


TEXT = (
    "近日，记者来到浙江省某县采访，看到村里新修的道路宽阔平整，村民收入比去年增长了百分之十五。"
    "据介绍，全县今年共投入资金三亿元，用于乡村道路和供水设施建设，惠及十二万群众。"
    "与此同时，县里还组织专家下乡，为农户提供种植技术指导，帮助他们提高产量。"
    "村干部表示，下一步将继续完善基础设施，让村民过上更好的日子。"
)


def test_the_summariser_cuts_clauses_and_keeps_the_budget():
    keep_all = Summarizer(bag_of_chars, SummarizerConfig(compress=False))
    cut = Summarizer(bag_of_chars)  # the shipped compressor
    for budget in (Budget(max_sentences=2), Budget(max_chars=60), Budget(ratio=0.5)):
        whole, items = keep_all.summarize(TEXT, budget), cut.summarize(TEXT, budget)
        assert [i.span for i in items] == [i.span for i in whole]  # compression never changes the choice
        assert all(len(c.text) <= len(w.text) for c, w in zip(items, whole, strict=True))
        for item in items:
            assert_parts_match(TEXT, item)
    assert any(len(i.parts) > 1 or i.parts != [i.span] for i in cut.summarize(TEXT, Budget(max_sentences=4)))


def test_kept_bounds_merge_adjacent_clauses():
    sentence = "甲甲甲，乙乙乙，丙丙丙。"
    keep_everything = ClauseCompressor({}, bias=5.0, threshold=0.5, min_kept_chars=0)
    assert kept_bounds(keep_everything, [sentence], [Counter()]) == [[(0, len(sentence))]]
    with pytest.raises(ValueError, match="one document per sentence"):
        kept_bounds(keep_everything, [sentence], [])
