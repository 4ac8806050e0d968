"""`wenzhai data build` on a tiny hand-written folder: writes rows with a split; bad input is a usage error."""

import argparse
import json

import pytest

from wenzhai.cli.commands import UsageError
from wenzhai.cli.commands import data as data_command


def parse(argv):
    parser = argparse.ArgumentParser(prog="wenzhai")
    data_command.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def write_project(tmp_path, n=12):
    hw = tmp_path / "hw"
    hw.mkdir()
    labels = ["rural_construction", "governance", "digital_government", "enterprise_news", "other"]
    rows = [
        {
            "id": f"x-{i}",
            "text": f"第{i}篇：{'村庄道路' if i % 5 == 0 else '社区调解'}{i * 7919}号报道，内容各不相同，编号{i * i}。"
            * 2,
            "label": labels[i % 5],
            "secondary": [],
            "article": f"art-{i}",
        }
        for i in range(n)
    ]
    (hw / "a.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    config = tmp_path / "data.yaml"
    config.write_text(f"handwritten_dir: {hw}\nweak_labels: ''\nread_labels: ''\nseed: 1\n", encoding="utf-8")
    return config


def test_build_writes_rows_with_split(tmp_path, capsys):
    config = write_project(tmp_path)
    out = tmp_path / "out" / "rows.jsonl"
    args = parse(["data", "build", "--config", str(config), "--out", str(out), "--seed", "4", "--quiet"])
    assert args.handler(args) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 12
    assert {r["split"] for r in rows} == {"train", "validation"}
    assert set(rows[0]) == {"id", "text", "label", "secondary", "source", "article", "register", "split"}
    assert "wrote 12 rows" in capsys.readouterr().out


def test_bad_arguments_are_usage_errors(tmp_path):
    config = write_project(tmp_path)
    args = parse(["data", "build", "--config", str(config), "--out", str(tmp_path / "rows.txt")])
    with pytest.raises(UsageError, match="--out"):
        args.handler(args)
    args = parse(
        ["data", "build", "--config", str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "r.jsonl")]
    )
    with pytest.raises(UsageError, match="--config"):
        args.handler(args)
    args = parse(["data", "baseline", "--config", str(config), "--dev", str(tmp_path / "nope.jsonl")])
    with pytest.raises(UsageError, match="--dev"):
        args.handler(args)


def test_candidates_writes_every_line_once_and_the_reading_lists(tmp_path, capsys):
    (tmp_path / "c.txt").write_text(
        "".join(f"第{n}段：村民修路建设乡村，编号{n * 7919}，" + "文字" * 20 + "\n" for n in range(1, 61)),
        encoding="utf-8",
    )
    rules = tmp_path / "weak.yaml"
    rules.write_text("corpora:\n  c: {reader: lines, path: c.txt}\nrules: []\n", encoding="utf-8")
    weak = tmp_path / "weak.jsonl"
    weak.write_text("", encoding="utf-8")
    read_config = tmp_path / "read.yaml"
    read_config.write_text(
        "rounds:\n  - name: r\n    readers: 2\n    overlap: 3\n    groups:\n      - {name: g, corpus: c, count: 21}\n",
        encoding="utf-8",
    )
    out = tmp_path / "lists" / "cand.jsonl"
    args = parse(["data", "candidates", "--out", str(out), "--read-config", str(read_config), "--rules", str(rules),
                  "--weak", str(weak), "--shared", str(tmp_path)])
    assert args.handler(args) == 0
    every = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(every) == 21 and set(every[0]) == {"corpus", "line", "group", "text"}
    lists = [out.with_name(f"cand.reader-{k}.jsonl").read_text(encoding="utf-8").splitlines() for k in (1, 2)]
    assert sorted(map(len, lists)) == [12, 12]
    assert set(json.loads(lists[0][0])) == {"corpus", "line", "text"}  # readers never see the drawing group
    assert "wrote 21 units" in capsys.readouterr().out
    assert "reader-2.jsonl" in (out.parent / "BRIEF.md").read_text(encoding="utf-8")
    args = parse(["data", "candidates", "--out", str(out), "--read-config", str(tmp_path / "nope.yaml")])
    with pytest.raises(UsageError, match="--read-config"):
        args.handler(args)


def test_agreement_prints_the_figures_of_a_reader_folder(tmp_path, capsys):
    folder = tmp_path / "read"
    folder.mkdir()
    for name, label in (("a", "other"), ("b", "other"), ("c", "governance")):
        (folder / f"{name}.jsonl").write_text(json.dumps({"corpus": "c", "line": 5, "label": label}) + "\n")
    args = parse(["data", "agreement", "--folder", str(folder)])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "3 reads by 3 readers" in out and "pairwise agreement 33.3% of 3 pairs" in out and "kept 1" in out
    args = parse(["data", "agreement", "--folder", str(tmp_path / "missing")])
    with pytest.raises(UsageError, match="--folder"):
        args.handler(args)
