"""The checks on our readers' summaries: figures, copied stretches, lengths."""

from __future__ import annotations

import pytest

from wenzhai.training.summary_reads import (
    chinese_forms,
    longest_copied,
    main,
    missing_figures,
    problems,
    spelled_number,
)
from wenzhai.training.summary_sources import TitledText, read_summaries

ARTICLE = "一九九五年二月，这家银行倒闭。全县新建公路２０公里，惠及十七个村。" * 3


def test_figures_count_in_digits_full_width_or_chinese_numerals():
    assert chinese_forms("1995") >= {"一九九五"} and "二十" in chinese_forms("20") and "十七" in chinese_forms("17")
    assert missing_figures("1995年2月，新建公路20公里，惠及17个村。", ARTICLE) == []
    assert missing_figures("新建公路35公里。", ARTICLE) == ["35"]
    assert [spelled_number(v) for v in (7, 10, 17, 24, 105, 189, 2000)] == [
        "七", "十", "十七", "二十四", "一百零五", "一百八十九", "二千"]
    assert missing_figures("连续播出189小时，面积6.90平方米。", "连续播出一百八十九小时，面积６·９０平方米。") == []


def test_longest_copied_stretch_and_problems():
    assert longest_copied("这家银行倒闭了。", ARTICLE) == len("这家银行倒闭")
    good = TitledText("read-x", "read-tv", ARTICLE, "据报道，" + "当地修路惠及多个村庄，" * 9 + "群众出行更方便了。")
    assert problems(good) == []
    short = TitledText("read-y", "read-tv", ARTICLE, "太短的摘要，新建公路35公里。")
    found = problems(short)
    assert any("characters, outside" in f for f in found) and any("35" in f for f in found)
    copied = TitledText("read-z", "read-tv", ARTICLE, ARTICLE[:60] + "，" + "当地修路惠及多个村庄，" * 5)
    assert any("verbatim" in f for f in problems(copied))


@pytest.mark.shared
def test_committed_read_summaries_keep_to_the_brief(shared_dir, capsys):
    assert main(["check", "--shared", str(shared_dir)]) == 0, capsys.readouterr().out


def test_export_splits_the_read_summaries_as_the_scorer_does(tmp_path):
    from tests.training.test_summary_sources import tiny_read_summaries
    from wenzhai.training.summary_reads import export_rows
    from wenzhai.training.summary_scorer_train import held_out

    shared, read = tiny_read_summaries(tmp_path)
    everything = export_rows(shared, read, "all")
    assert {r["id"] for r in everything} == {"read-tv-20240101#1", "read-pd1998-L1"}
    assert set(everything[0]) == {"id", "title", "article", "summary", "source_kind"}
    validation, train = export_rows(shared, read, "validation"), export_rows(shared, read, "train")
    assert sorted(r["id"] for r in validation + train) == sorted(r["id"] for r in everything)
    docs = {d.id: d for d in read_summaries(shared, read)}
    assert all(held_out(docs[r["id"]]) for r in validation) and not any(held_out(docs[r["id"]]) for r in train)
    with pytest.raises(ValueError, match="split"):
        export_rows(shared, read, "dev")


@pytest.mark.shared
@pytest.mark.slow
def test_a_later_round_draws_no_article_an_earlier_round_had_read(shared_dir):
    from wenzhai.training.summary_reads import ROUNDS, draw_from, reading_pool

    seed, pool = ROUNDS[1][0], reading_pool(shared_dir)
    first = draw_from(pool, 20, 5, seed)
    assert len(first) == 25 and draw_from(pool, 20, 5, seed) == first  # seeded
    again = draw_from(pool, 20, 5, seed, exclude=frozenset(d.id for d in first))
    assert len(again) == 25 and not {d.id for d in again} & {d.id for d in first}
