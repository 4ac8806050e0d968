"""`wenzhai summarize` end to end on the tiny encoder (``--encoder DIR``)."""

from __future__ import annotations

import io
import json
import sys

import pytest

from tests.summary_parts import assert_parts_match
from wenzhai.cli.main import main

TEXT = (
    "乡村建设的新路子\n\n"
    "乡村建设要坚持政府主导，又要重视引入市场力量。资金需求量很大，单纯依靠政府的力量是不够的。"
    "必须创新乡村建设思路，吸引企业和村集体共同参与。公共设施的营运与管护也要明确主体。\n"
)


@pytest.fixture()
def text_file(tmp_path):
    path = tmp_path / "essay.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def run_cli(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_summarize_prints_summary_and_keywords(capsys, text_file, tiny_encoder_dir):
    code, out, err = run_cli(capsys, "summarize", text_file, "--encoder", tiny_encoder_dir, "--max-sentences", 2)
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == {"summary", "keywords"}
    assert len(result["summary"]) == 2
    for item in result["summary"]:
        assert set(item) == {"text", "score", "span", "parts", "sentence"}
        assert TEXT[item["span"][0] : item["span"][1]] == item["sentence"]
        assert_parts_match(TEXT, item)
    assert "乡村建设" in "".join(result["keywords"]) or "乡村" in result["keywords"]


def test_summarize_reads_stdin_with_a_char_budget(capsys, monkeypatch, tiny_encoder_dir):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("utf-8"))))
    code, out, err = run_cli(capsys, "summarize", "-", "--encoder", tiny_encoder_dir, "--max-chars", 40)
    assert code == 0, err
    assert sum(len(i["text"]) for i in json.loads(out)["summary"]) <= 40


def test_summarize_jsonl_keeps_going_past_bad_rows(capsys, tmp_path, tiny_encoder_dir):
    lines = [
        json.dumps({"id": "a", "text": TEXT}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "c", "text": "   "}),
        json.dumps({"id": 4, "text": "电子证照的应用场景越来越多。群众办事更方便。"}, ensure_ascii=False),
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "summarize", path, "--jsonl", "--encoder", tiny_encoder_dir, "--ratio", 0.5)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", None, "c", 4]
    assert set(rows[0]) == {"id", "summary", "keywords"} and rows[0]["summary"]
    assert "not valid JSON" in rows[1]["error"] and "line 2" in rows[1]["error"]
    assert "empty" in rows[2]["error"]
    assert set(rows[3]) == {"id", "summary", "keywords"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--max-sentences", "0"], "--max-sentences must be a positive integer"),
        (["--ratio", "1.5"], "--ratio must be a number in (0, 1]"),
        (["--max-chars", "-3"], "--max-chars must be a positive integer"),
        (["--keywords", "0"], "--keywords: must be between 1 and 50"),
        (["--keywords", "51"], "--keywords: must be between 1 and 50"),
        (["--layers", "-1"], "--layers must be >= 0"),
    ],
)
def test_bad_options_are_one_line_errors(capsys, text_file, tiny_encoder_dir, argv, message):
    code, out, err = run_cli(capsys, "summarize", text_file, "--encoder", tiny_encoder_dir, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_bad_input_is_a_one_line_error(capsys, tmp_path, tiny_encoder_dir):
    code, _, err = run_cli(capsys, "summarize", tmp_path / "missing.txt", "--encoder", tiny_encoder_dir)
    assert code == 2 and "does not exist" in err and err.count("\n") == 1
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n", encoding="utf-8")
    code, _, err = run_cli(capsys, "summarize", blank, "--encoder", tiny_encoder_dir)
    assert code == 2 and "empty" in err


def test_only_one_budget_and_one_model_source(capsys, text_file, tiny_encoder_dir):
    with pytest.raises(SystemExit) as exc:
        main(["summarize", str(text_file), "--max-sentences", "2", "--ratio", "0.3"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        main(["summarize", str(text_file), "--model", str(tiny_encoder_dir), "--encoder", str(tiny_encoder_dir)])


def test_without_a_model_the_cli_falls_back_to_the_e5_encoder(monkeypatch):
    import argparse

    from wenzhai.cli.commands.summarize import load_summarizer
    from wenzhai.models import loading
    from wenzhai.models.summarizer import DEFAULT_ENCODER, DEFAULT_LAYERS, Summarizer
    from wenzhai.training import encoders

    calls = []
    monkeypatch.setattr(loading, "default_model_dir", lambda: None)
    monkeypatch.setattr(encoders, "load_encoder", lambda spec: (spec, "tokenizer"))
    monkeypatch.setattr(Summarizer, "from_encoder", classmethod(lambda cls, m, t, layers, config: calls.append((m, layers, config.scorer_path))))
    load_summarizer(argparse.Namespace(model=None, encoder=None, layers=None, scorer=None, compressor=None,
                                       whole_sentences=False))
    assert calls == [(DEFAULT_ENCODER, DEFAULT_LAYERS, None)]


def test_summarize_jsonl_reads_an_optional_title_and_names_a_bad_one(capsys, tmp_path, tiny_encoder_dir):
    body = TEXT.split("\n\n", 1)[1]
    lines = [
        json.dumps({"id": "titled", "text": body, "title": "乡村建设的新路子"}, ensure_ascii=False),
        json.dumps({"id": "bad", "text": body, "title": 7}),
        json.dumps({"id": "none", "text": body, "title": None}, ensure_ascii=False),
        json.dumps({"id": "long", "text": body, "title": "题" * 501}, ensure_ascii=False),
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "summarize", path, "--jsonl", "--encoder", tiny_encoder_dir, "--max-sentences", 2)
    assert code == 0, err
    titled, bad, untitled, long = (json.loads(line) for line in out.splitlines())
    assert len(titled["summary"]) == 2 and "新路子" in titled["keywords"] and "新路子" not in untitled["keywords"]
    assert bad == {"id": "bad", "error": "line 2: title: expected a string, got an integer (the headline, or leave it out)"}
    assert long["error"] == "line 4: title: 501 characters is over the limit of 500 (the headline, or leave it out)"


def _length_scorer(path, sign: float):
    """Scorer weights that rank sentences by length alone: longest first (sign +1) or shortest first (-1)."""
    import numpy as np

    from wenzhai.models.summary_scorer import FEATURE_NAMES, SentenceScorer

    weights = np.array([sign if name == "log_chars" else 0.0 for name in FEATURE_NAMES])
    scorer = SentenceScorer(FEATURE_NAMES, np.zeros(len(FEATURE_NAMES)), np.ones(len(FEATURE_NAMES)), (), (weights, 0.0))
    path.write_text(json.dumps(scorer.to_dict()), encoding="utf-8")
    return path


def test_scorer_option_uses_the_given_weights(capsys, tmp_path, text_file, tiny_encoder_dir):
    picked = {}
    for sign in (1.0, -1.0):
        scorer = _length_scorer(tmp_path / f"scorer{sign:+.0f}.json", sign)
        code, out, err = run_cli(capsys, "summarize", text_file, "--encoder", tiny_encoder_dir, "--max-sentences", 1,
                                 "--scorer", scorer, "--whole-sentences")
        assert code == 0, err
        picked[sign] = json.loads(out)["summary"][0]["text"]
    body = [s + "。" for s in TEXT.split("\n\n")[1].strip().split("。") if s]
    assert picked[1.0] == max(body, key=len)
    assert picked[-1.0] == min(body, key=len)


def test_scorer_option_errors_name_the_option(capsys, tmp_path, text_file, tiny_encoder_dir):
    code, out, err = run_cli(capsys, "summarize", text_file, "--encoder", tiny_encoder_dir,
                             "--scorer", tmp_path / "missing.json")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--scorer" in err and "does not exist" in err
    for content in ("not json", json.dumps({"features": ["made_up"]})):
        bad = tmp_path / "bad.json"
        bad.write_text(content, encoding="utf-8")
        code, out, err = run_cli(capsys, "summarize", text_file, "--encoder", tiny_encoder_dir, "--scorer", bad)
        assert code == 2 and out == "" and err.count("\n") == 1 and "not usable sentence-scorer weights" in err
