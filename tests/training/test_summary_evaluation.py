"""Scoring summaries against references: rows, systems side by side, intervals, per source kind."""

from __future__ import annotations

import json

import pytest

from wenzhai.training.summary_evaluation import (
    ReferenceRow,
    baseline_systems,
    evaluate,
    load_reference_rows,
    markdown_tables,
    report,
)

ARTICLE = ("乡村建设要坚持政府主导。资金需求量很大，单纯依靠政府是不够的。必须创新乡村建设思路，吸引企业参与。"
           "公共设施的营运与管护也要明确主体。")
ROWS = [
    ReferenceRow("a", ARTICLE, "乡村建设要坚持政府主导，吸引企业参与。", "标题", "news"),
    ReferenceRow("b", "电子证照应用越来越广。群众办事更方便了。企业开办只要一天。窗口排队少了。", "电子证照让群众办事更方便。", "", "tv"),
    ReferenceRow("c", "天气晴朗。农民忙着春耕。合作社提供农机服务。今年粮食有望丰收。", "农民春耕，粮食有望丰收。", "", "tv"),
]


def test_rows_are_read_and_bad_lines_named(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(json.dumps({"id": "x", "article": "正文。", "summary": "摘要"}, ensure_ascii=False) + "\n\n",
                    encoding="utf-8")
    assert load_reference_rows(path) == [ReferenceRow("x", "正文。", "摘要")]
    path.write_text('{"id": "x", "article": "正文。"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":1: field 'summary'"):
        load_reference_rows(path)
    path.write_text('{"id": "x",\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":1: not valid JSON"):
        load_reference_rows(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="no rows"):
        load_reference_rows(path)


def test_systems_side_by_side_with_intervals_and_kinds():
    systems = {"ours": lambda doc, k: doc.reference or "", **baseline_systems(2)}  # a perfect "system"
    evaluation = evaluate(ROWS, systems, 2)
    assert set(evaluation.scores) == {"ours", "Lead-1", "Lead-2", "TextRank-2"}
    assert evaluation.column("ours", "rougeL") == pytest.approx([100.0] * 3)
    assert evaluation.lengths["Lead-1"] == [len("乡村建设要坚持政府主导。"), len("电子证照应用越来越广。"), len("天气晴朗。")]
    assert all(0 <= x < 100 for x in evaluation.column("Lead-2", "rouge1"))
    tv = evaluation.subset("tv")
    assert tv.kinds == ["tv", "tv"] and len(tv.scores["ours"]) == 2
    lines = markdown_tables(evaluation, "ours", samples=200)
    assert lines[2].startswith("| ours | 100.00 [100.00, 100.00]")
    assert any(line.startswith("| ours − Lead-2 | +") for line in lines)
    text = report(evaluation, "ours", 2, samples=200, ours_budget="140 characters")
    assert "### news (1 rows)" in text and "### tv (2 rows)" in text and "ours: at most 140 characters" in text
