"""``DataConfig.headed_openings``: a run that opens a headlined item also appears with its headline first,
the input the pipeline's 'lead' reading gives the model for a page segment."""

import json

import numpy as np
import pytest

from wenzhai.training.data import HEADED_SUFFIX, DataConfig, assemble_rows
from wenzhai.training.train import headed_line, headed_validation

BODY = "内容" * 30


def item(n: int, title: str, first: str = "") -> dict:
    return {"title": title, "paras": [first or f"第{n}条导语：社区议事会协商，编号{n * 7919}。{BODY}",
                                      f"第{n}条正文，编号{n * 104729}。{BODY}细节。"]}


@pytest.fixture()
def config(tmp_path):
    items = [item(1, "社区议事会解纠纷"), item(2, "国内联播快讯"), item(3, ""), item(4, "某某标题", first="小标题一")]
    (tmp_path / "tv.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in items),
                                       encoding="utf-8")
    (tmp_path / "weak.yaml").write_text(
        "corpora:\n  tv: {reader: jsonl_paragraphs, path: tv.jsonl, field: paras, title_field: title}\nrules: []\n",
        encoding="utf-8")
    reads = [{"corpus": "tv", "line": n, "paras": paras, "label": "governance", "secondary": []}
             for n, paras in ((1, [1, 1]), (1, [2, 2]), (2, [1, 2]), (3, [1, 2]), (4, [1, 2]))]
    folder = tmp_path / "read"
    folder.mkdir()
    (folder / "reader-1.jsonl").write_text("".join(json.dumps(r) + "\n" for r in reads), encoding="utf-8")
    hw = tmp_path / "hw"
    hw.mkdir()
    (hw / "x.jsonl").write_text("".join(json.dumps(
        {"id": f"h{i}", "text": f"手写样例{i}号：" + "企业新闻" * (6 + i), "label": "enterprise_news", "article": f"h{i}"},
        ensure_ascii=False) + "\n" for i in range(4)), encoding="utf-8")
    return DataConfig(handwritten_dir=hw, weak_labels=None, read_labels=folder, weak_config=tmp_path / "weak.yaml",
                      shared_dir=tmp_path, headed_openings=True)


def test_only_the_opening_of_a_headlined_item_gets_a_headed_copy(config):
    rows, report = assemble_rows(config)
    by_id = {r["id"]: r for r in rows}
    headed = [i for i in by_id if i.endswith(HEADED_SUFFIX)]
    assert headed == ["read-tv-1-p1-1" + HEADED_SUFFIX]  # not a later run, a roundup, an untitled or sub-headed item
    copy, run = by_id[headed[0]], by_id["read-tv-1-p1-1"]
    assert copy["text"] == "社区议事会解纠纷 " + run["text"]
    assert {k: copy[k] for k in ("label", "article", "split", "source")} == {
        k: run[k] for k in ("label", "article", "split", "source")}
    assert report.headed == 1 and "headed copies of item openings added: 1" in report.format()


def test_without_the_option_the_build_is_unchanged(config):
    config.headed_openings = False
    rows, report = assemble_rows(config)
    assert not any(r["id"].endswith(HEADED_SUFFIX) for r in rows) and report.headed == 0


def test_validation_reports_headed_rows_apart():
    ids = ["a", "b" + HEADED_SUFFIX, "c" + HEADED_SUFFIX, "d"]
    labels = np.array([0, 1, 1, 2])
    logits = np.eye(5)[[0, 1, 0, 2]]
    figures = headed_validation(ids, labels, logits)
    assert figures["validation_headed_rows"] == 2 and figures["validation_accuracy_headed"] == 0.5
    assert headed_validation(["a", "d"], labels[[0, 3]], logits[[0, 3]]) == {}


def test_the_model_card_gives_the_headed_rows_when_validation_held_some():
    figures = headed_validation(["a", "b" + HEADED_SUFFIX], np.array([0, 1]), np.eye(5)[[0, 1]])
    line = headed_line(figures)
    assert "1 headed item openings" in line and "accuracy 1.0000" in line and "macro-F1" in line
    assert headed_line({}) == ""
