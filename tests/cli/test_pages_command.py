"""`wenzhai evaluate-pages`: the figures table and Markdown report for a gold page file."""

from __future__ import annotations

import json

from tests.models.topics import DIGITAL, RURAL
from wenzhai.cli.main import main
from wenzhai.training.page_simulator import Article, SimulatorConfig, simulate_pages


def _gold_file(tmp_path):
    articles = [Article(f"政务服务第{k}期", tuple(DIGITAL), f"d{k}") for k in range(4)] + [
        Article(f"乡村振兴第{k}期", tuple(RURAL), f"r{k}") for k in range(4)
    ]
    pages = simulate_pages(articles, 3, SimulatorConfig(seed=5, headless=0.0, opens_mid_article=0.0), "p")
    path = tmp_path / "pages.jsonl"
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages), encoding="utf-8")
    return path, sum(len(p["segments"]) for p in pages)


def test_evaluate_pages_prints_figures_and_writes_a_report(tmp_path, capsys):
    data, n_gold = _gold_file(tmp_path)
    report = tmp_path / "report.md"
    assert main(["evaluate-pages", "--data", str(data), "--model", "none", "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "pages' gold segments" in out and f"  {n_gold}\n" in out
    assert "boundary F1" in out and "headless recall" in out and "title accuracy" in out
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Page reading on") and "| boundary F1 |" in text and "## Errors by artefact kind" in text


def test_malformed_gold_file_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "page_text": "文字"}\n', encoding="utf-8")
    assert main(["evaluate-pages", "--data", str(bad), "--model", "none"]) == 2
    assert "bad.jsonl:1: a page needs the fields id, page_text, segments" in capsys.readouterr().err


def test_an_unknown_segment_theme_mode_is_a_clear_error(tmp_path, capsys):
    data, _ = _gold_file(tmp_path)
    assert main(["evaluate-pages", "--data", str(data), "--model", "none", "--segment-themes", "twice"]) == 2
    assert "segment_themes must be one of lead, paragraphs, reread, got 'twice'" in capsys.readouterr().err
    assert main(["evaluate-pages", "--data", str(data), "--model", "none", "--segment-themes", "paragraphs"]) == 0


def test_train_continuity_bad_values_are_clear_errors(tmp_path, capsys):
    assert main(["train-continuity", "--articles", "3"]) == 2
    assert "ContinuityTrainingConfig.articles: must be an integer >= 20" in capsys.readouterr().err
    assert main(["train-continuity", "--model", str(tmp_path / "nowhere")]) == 2
    assert "--model" in capsys.readouterr().err
