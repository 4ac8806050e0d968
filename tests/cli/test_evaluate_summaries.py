"""`wenzhai evaluate-summaries` end to end on the tiny encoder."""

from __future__ import annotations

import json

from wenzhai.cli.main import main

ROWS = [
    {"id": "a", "title": "乡村建设新路子", "source_kind": "news", "summary": "乡村建设要坚持政府主导，也要吸引企业参与。",
     "article": "乡村建设要坚持政府主导。资金需求量很大，单纯依靠政府是不够的。\n必须创新乡村建设思路，吸引企业参与。公共设施的管护也要明确主体。"},
    {"id": "b", "title": "电子证照", "source_kind": "tv", "summary": "电子证照让群众办事更方便。",
     "article": "央视网消息（新闻联播）：电子证照应用越来越广。群众办事更方便了。企业开办只要一天。窗口排队少了。"},
]


def test_report_has_every_system_and_kind(capsys, tmp_path, tiny_encoder_dir):
    data = tmp_path / "dev.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS), encoding="utf-8")
    out = tmp_path / "report.md"
    code = main(["evaluate-summaries", "--data", str(data), "--encoder", str(tiny_encoder_dir), "--samples", "200",
                 "--title", "--with-centrality", "--max-sentences", "2", "--keywords", "3", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    for name in ("| ours |", "| ours, reading the title |", "| ours, centrality scorer |", "| Lead-1 |", "| Lead-2 |",
                 "| TextRank-2 |", "| ours − TextRank-2 |", "### news (1 rows)", "### tv (1 rows)", "### Keywords",
                 "| jieba.analyse TextRank (HMM on) |"):
        assert name in text


def test_bad_arguments_are_one_line_errors(capsys, tmp_path, tiny_encoder_dir):
    code = main(["evaluate-summaries", "--data", str(tmp_path / "missing.jsonl"), "--encoder", str(tiny_encoder_dir)])
    err = capsys.readouterr().err
    assert code == 2 and "does not exist" in err and err.count("\n") == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "article": "正文。"}\n', encoding="utf-8")
    code = main(["evaluate-summaries", "--data", str(bad), "--encoder", str(tiny_encoder_dir)])
    err = capsys.readouterr().err
    assert code == 2 and "field 'summary'" in err
    code = main(["evaluate-summaries", "--data", str(bad), "--max-sentences", "0"])
    assert code == 2 and "--max-sentences" in capsys.readouterr().err


def test_scorer_option_is_checked(capsys, tmp_path, tiny_encoder_dir):
    data = tmp_path / "dev.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS), encoding="utf-8")
    code = main(["evaluate-summaries", "--data", str(data), "--encoder", str(tiny_encoder_dir),
                 "--scorer", str(tmp_path / "none.json")])
    err = capsys.readouterr().err
    assert code == 2 and "--scorer" in err and err.count("\n") == 1
