"""`wenzhai evaluate`: the table of confusions across the theme boundaries, in the report and on stdout.

The pure functions are checked on hand-made predictions (exact counts); the whole command runs on a
tiny random model, whose predictions mean nothing, so there the table is checked against the
predictions the same run reports.
"""

import json
from collections import Counter

import pytest

from wenzhai.cli.main import main
from wenzhai.training.evaluate import (
    BOUNDARY_PAIRS,
    boundary_confusions,
    boundary_table_markdown,
    boundary_table_text,
    evaluate,
    shorten,
)


def test_boundary_cells_count_both_directions_with_examples_in_data_order():
    gold = ["governance", "governance", "digital_government", "other", "enterprise_news", "governance"]
    pred = ["digital_government", "governance", "governance", "enterprise_news", "enterprise_news", "digital_government"]
    texts = ["接诉即办热线", "巡视整改", "一网通办上线", "相机评测", "油田投产", "社区自治|物业改革" + "长" * 80]
    cells = boundary_confusions(gold, pred, texts, examples=1, width=12)
    by_pair = {(c["gold"], c["predicted"]): c for c in cells}
    assert list(by_pair) == [(a, b) for pair in BOUNDARY_PAIRS for a, b in (pair, pair[::-1])]
    assert by_pair[("governance", "digital_government")]["count"] == 2
    assert by_pair[("governance", "digital_government")]["gold_total"] == 3
    assert by_pair[("governance", "digital_government")]["examples"] == ["接诉即办热线"]  # first one only
    assert by_pair[("digital_government", "governance")]["count"] == 1
    assert by_pair[("other", "enterprise_news")]["examples"] == ["相机评测"]
    assert by_pair[("enterprise_news", "other")]["count"] == 0
    assert by_pair[("rural_construction", "governance")] == {
        "gold": "rural_construction", "predicted": "governance", "count": 0, "gold_total": 0, "examples": []
    }
    last = boundary_confusions(gold[-1:], pred[-1:], texts[-1:], width=12)[0]["examples"][0]
    assert last == shorten(texts[-1], 12) and len(last) == 12 and last.endswith("…")


def test_boundary_tables_escape_pipes_and_show_the_baseline_column():
    cells = boundary_confusions(["governance"], ["digital_government"], ["社区自治|物业改革"])
    base = boundary_confusions(["governance"], ["governance"], ["社区自治|物业改革"])
    table = boundary_table_markdown(cells, base).splitlines()
    assert table[0] == "| gold → predicted | model | TF-IDF | examples (model) |"
    assert table[2] == "| `governance` → `digital_government` | 1 of 1 | 0 | 社区自治\\|物业改革 |"
    assert len(table) == 2 + 2 * len(BOUNDARY_PAIRS)
    assert "TF-IDF" not in boundary_table_markdown(cells)
    text = boundary_table_text(cells)
    assert "  governance → digital_government: 1 of 1\n      社区自治|物业改革" in text


TEXTS = {
    "rural_construction": "村里修通了水泥路，村民种植特色水果，收入逐年增加，人居环境整治见成效。",
    "governance": "街道推行接诉即办，十二三四五热线的诉求当天派单，社区居民议事会协商解决物业纠纷。",
    "digital_government": "市民办理社保转移不用再跑腿，电子证照在手机上亮证，跨省通办一次办好。",
    "enterprise_news": "某能源公司的液化天然气接收站正式投产，公司职工连续奋战，项目提前完工。",
    "other": "这款相机的对焦速度很快，电池续航也不错，价格比上一代便宜了三百元。",
}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from tests.tiny_models import build_tiny_classifier

    return build_tiny_classifier(tmp_path_factory.mktemp("tiny-eval"), max_length=32, window_stride=8)


@pytest.fixture()
def labelled(tmp_path):
    path = tmp_path / "dev.jsonl"
    rows = [{"text": f"{text}第{k}条。", "label": label} for k in range(3) for label, text in TEXTS.items()]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path, rows


def test_evaluate_writes_the_boundary_table_matching_its_predictions(tiny_model, labelled, tmp_path):
    path, rows = labelled
    results = evaluate(tiny_model, path, tmp_path / "eval", baseline=False)
    pred = results["model"]["predictions"]
    assert len(pred) == len(rows)
    confused = Counter(zip((r["label"] for r in rows), pred, strict=True))
    for cell in results["model"]["boundaries"]:
        assert cell["count"] == confused[(cell["gold"], cell["predicted"])]
        assert cell["gold_total"] == 3 and len(cell["examples"]) == min(cell["count"], 3)
    report = (tmp_path / "eval" / "report.md").read_text(encoding="utf-8")
    assert "## Confusions across the theme boundaries" in report
    assert boundary_table_markdown(results["model"]["boundaries"]) in report
    stored = json.loads((tmp_path / "eval" / "report.json").read_text(encoding="utf-8"))
    assert stored["model"]["boundaries"] == results["model"]["boundaries"]


def test_evaluate_command_prints_the_boundary_table(tiny_model, labelled, tmp_path, capsys):
    path, _ = labelled
    assert main(["evaluate", "--model", str(tiny_model), "--data", str(path), "--out", str(tmp_path / "e"),
                 "--no-baseline"]) == 0
    out = capsys.readouterr().out
    stored = json.loads((tmp_path / "e" / "report.json").read_text(encoding="utf-8"))
    assert boundary_table_text(stored["model"]["boundaries"]) in out
    for a, b in BOUNDARY_PAIRS:
        assert f"  {a} → {b}: " in out and f"  {b} → {a}: " in out


def test_examples_carry_row_ids_and_can_leave_the_text_out():
    gold, pred = ["other", "other"], ["enterprise_news", "enterprise_news"]
    texts, ids = ["相机评测一", "相机评测二"], ["dev-1", "dev-2"]
    cell = boundary_confusions(gold, pred, texts, ids=ids)[3]
    assert (cell["gold"], cell["predicted"], cell["examples"]) == ("other", "enterprise_news", ["[dev-1] 相机评测一", "[dev-2] 相机评测二"])
    bare = boundary_confusions(gold, pred, texts, ids=ids, with_text=False)[3]
    assert bare["examples"] == ["dev-1", "dev-2"]
    assert boundary_confusions(gold, pred, texts, with_text=False)[3]["examples"] == ["row 1", "row 2"]


def test_evaluate_command_can_name_examples_by_id_only(tiny_model, tmp_path, capsys):
    path = tmp_path / "dev.jsonl"
    rows = [{"id": f"r{k}-{label}", "text": f"{text}第{k}条。", "label": label}
            for k in range(3) for label, text in TEXTS.items()]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert main(["evaluate", "--model", str(tiny_model), "--data", str(path), "--out", str(tmp_path / "e"),
                 "--no-baseline", "--example-ids"]) == 0
    report = (tmp_path / "e" / "report.md").read_text(encoding="utf-8") + capsys.readouterr().out
    assert not any(text[:8] in report for text in TEXTS.values())  # no evaluated text anywhere
    stored = json.loads((tmp_path / "e" / "report.json").read_text(encoding="utf-8"))
    shown = [e for cell in stored["model"]["boundaries"] for e in cell["examples"]]
    assert shown and all(e in {r["id"] for r in rows} for e in shown)
