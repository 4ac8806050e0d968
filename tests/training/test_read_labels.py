"""Read labels: drawing lines for reading, reading lists, reader files, the majority merge, and the
committed reader files' hygiene (clear of the dev-set neighbourhood and of weak-labelled lines)."""

import json
from pathlib import Path

import pytest

from wenzhai.training.corpora import CorpusSpec
from wenzhai.training.data import DataConfig, assemble_rows
from wenzhai.training.read_labels import (
    CandidateGroup,
    Read,
    ReadConfig,
    agreement,
    assign_readers,
    draw_candidates,
    load_read_config,
    merge_reads,
    read_folder,
    read_reader_file,
    read_refs_from_folder,
)
from wenzhai.training.weak_labels import TermGroup, WeakLabelConfig, WeakRef, load_weak_config, read_refs

ROOT = Path(__file__).resolve().parents[2]


def corpus_text(n: int) -> str:
    """Line ``n`` of the synthetic corpus: every third line talks about villages, the rest about sport."""
    topic = "村民修路建设乡村" if n % 3 == 0 else "运动员比赛夺冠"
    return f"第{n}段：{topic}，内容编号{n * 7919}，" + "文字" * 20


@pytest.fixture()
def corpus(tmp_path):
    (tmp_path / "c.txt").write_text("".join(corpus_text(n) + "\n" for n in range(1, 301)), encoding="utf-8")
    weak = WeakLabelConfig(
        corpora={"c": CorpusSpec(name="c", reader="lines", path="c.txt", article_gap=2)},
        rules=(),
        excluded_lines={"c": ((10, 20),)},
    )
    return weak, tmp_path


def group(name, count, terms=(), **kw):
    include = (TermGroup(terms=tuple(terms), min=1),) if terms else ()
    return CandidateGroup(name=name, corpus="c", count=count, include=include, **kw)


def test_candidates_keep_clear_of_dev_ranges_and_weak_lines(corpus):
    weak, shared = corpus
    weak_refs = [WeakRef("c", 100, "other", (), "c-L100", "r")]
    config = ReadConfig(groups=(group("village", 30, ["村民"]), group("any", 40)), near_weak_lines=5)
    drawn = draw_candidates(config, weak, weak_refs, shared)
    lines = [c.line for c in drawn]
    assert len(lines) == len(set(lines)) == 70
    assert not [n for n in lines if 10 <= n <= 20 or 95 <= n <= 105]
    village = [c for c in drawn if c.group == "village"]
    assert all(c.line % 3 == 0 and "村民" in c.text for c in village)
    assert drawn == draw_candidates(config, weak, weak_refs, shared)  # deterministic


def test_candidate_groups_filter_by_length_and_cap_their_count(corpus):
    weak, shared = corpus
    config = ReadConfig(groups=(group("short", 500, length=(10, 20)), group("village", 5, ["村民"])))
    drawn = draw_candidates(config, weak, [], shared)
    assert [c.group for c in drawn] == ["village"] * 5


def test_reading_lists_share_the_overlap_and_split_the_rest(corpus):
    weak, shared = corpus
    drawn = draw_candidates(ReadConfig(groups=(group("any", 50),)), weak, [], shared)
    lists = assign_readers(drawn, readers=3, overlap=5)
    common = set.intersection(*({(c.corpus, c.line) for c in reading} for reading in lists))
    assert len(common) == 5
    rest = [(c.corpus, c.line) for reading in lists for c in reading if (c.corpus, c.line) not in common]
    assert len(rest) == len(set(rest)) == 45


def test_read_config_errors_name_the_group_and_field(corpus, tmp_path):
    weak, _ = corpus
    path = tmp_path / "read.yaml"
    path.write_text("groups:\n  - {name: a, corpus: nope, count: 3}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="group 'a': field 'corpus'"):
        load_read_config(path, weak)
    path.write_text("groups:\n  - {name: a, corpus: c, count: 0}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="group 'a': count"):
        load_read_config(path, weak)
    path.write_text("groups:\n  - {name: a, corpus: c, count: 2, colour: red}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown field"):
        load_read_config(path, weak)
    path.write_text("readers: 2\ngroups:\n  - {name: a, corpus: c, count: 2, include: [{terms: [村], min: 2}]}\n")
    config = load_read_config(path, weak)
    assert config.readers == 2 and config.groups[0].include[0].min == 2


def write_reads(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"corpus": "c", "line": 3}, "reader.jsonl:1: missing field 'label'"),
        ({"corpus": "c", "line": 3, "label": "sports"}, "reader.jsonl:1: field 'label'"),
        ({"corpus": "c", "line": 0, "label": "other"}, "reader.jsonl:1: field 'line'"),
        ({"line": 3, "label": "other"}, "reader.jsonl:1: missing field 'corpus'"),
        ({"corpus": "c", "line": 3, "label": "other", "secondary": "governance"}, "field 'secondary'"),
    ],
)
def test_reader_file_errors_name_file_line_and_field(tmp_path, row, message):
    path = write_reads(tmp_path / "reader.jsonl", [row])
    with pytest.raises(ValueError, match=message):
        read_reader_file(path)


def test_a_line_read_twice_by_one_reader_is_an_error(tmp_path):
    row = {"corpus": "c", "line": 3, "label": "other"}
    with pytest.raises(ValueError, match="reader.jsonl:2: c line 3 is read twice"):
        read_reader_file(write_reads(tmp_path / "reader.jsonl", [row, row]))


def reads(line: int, *labels: str | None, secondary: tuple[str, ...] = ()) -> list[Read]:
    return [Read(f"r{i}", "c", line, label, secondary if label else ()) for i, label in enumerate(labels)]


def test_merge_keeps_majorities_and_drops_ties_and_skips():
    merged = merge_reads(
        reads(1, "governance", "governance", "other")
        + reads(2, "governance", "other")
        + reads(3, None, None, "other")
        + reads(4, "rural_construction", secondary=("governance",))
        + reads(5, "enterprise_news", None, "enterprise_news")
    )
    assert [(m.line, m.label) for m in merged.kept] == [(1, "governance"), (4, "rural_construction"), (5, "enterprise_news")]
    assert merged.ties == [("c", 2)] and merged.skipped == [("c", 3)]
    assert merged.kept[1].secondary == ("governance",)
    half = merge_reads(
        [Read("a", "c", 9, "governance", ("rural_construction",)), Read("b", "c", 9, "governance", ()),
         Read("c", "c", 9, "governance", ())]
    )
    assert half.kept[0].secondary == ()  # one reader of three is not half


def test_agreement_counts_only_lines_read_more_than_once():
    figures = agreement(reads(1, "other", "other", "other") + reads(2, "other", "governance") + reads(3, "other"))
    assert figures["lines"] == 2 and figures["unanimous"] == 1
    assert figures["pairs"] == 4 and figures["pairwise_agreement"] == 0.75


def test_read_lines_become_rows_with_pseudo_articles(corpus, tmp_path):
    weak, shared = corpus
    folder = tmp_path / "read"
    write_reads(folder / "a.jsonl", [{"corpus": "c", "line": n, "label": "other"} for n in (30, 31, 90)])
    write_reads(folder / "b.jsonl", [{"corpus": "c", "line": 90, "label": "other"}])
    refs = read_refs_from_folder(folder, weak)
    assert [(r.line, r.article, r.rule) for r in refs] == [(30, "read-c-L30", "read"), (31, "read-c-L30", "read"),
                                                          (90, "read-c-L90", "read")]
    weak_yaml = tmp_path / "weak.yaml"
    weak_yaml.write_text("corpora:\n  c: {reader: lines, path: c.txt, article_gap: 2}\nrules: []\n", encoding="utf-8")
    hw = write_reads(tmp_path / "hw" / "x.jsonl", [
        {"id": f"h{i}", "text": f"手写样例{i}号：" + "社区调解" * (5 + i), "label": "governance", "article": f"h{i}"}
        for i in range(4)
    ])
    config = DataConfig(handwritten_dir=hw.parent, weak_labels=None, read_labels=folder, weak_config=weak_yaml,
                        shared_dir=shared)
    rows, _ = assemble_rows(config)
    read_rows = {r["id"]: r for r in rows if r["id"].startswith("read-")}
    assert set(read_rows) == {"read-c-30", "read-c-31", "read-c-90"}
    assert read_rows["read-c-90"]["text"] == corpus_text(90) and read_rows["read-c-90"]["source"] == "c"


# ------------------------------------------------------------------------ the committed reader files


def test_committed_read_lines_are_clear_of_the_dev_set_and_weak_lines():
    """Every read line lies outside the dev-leakage ranges and is not within the drawing margin of a weak line
    (so no read row shares an article with a weak row or sits beside a dev paragraph)."""
    folder = ROOT / "data" / "themes" / "read"
    reads_ = read_folder(folder)
    assert len({r.reader for r in reads_}) >= 3 and len(reads_) >= 1000
    weak = load_weak_config(ROOT / "configs" / "weak_labels.yaml")
    near = load_read_config(ROOT / "configs" / "read_labels.yaml", weak).near_weak_lines
    weak_lines = {(r.corpus, r.line) for r in read_refs(ROOT / "data" / "themes" / "weak_labels.jsonl")}
    for r in reads_:
        assert r.corpus in weak.corpora, r
        for lo, hi in weak.excluded_lines.get(r.corpus, ()):
            assert not lo <= r.line <= hi, f"{r.reader}: {r.corpus} line {r.line} is inside dev range {lo}-{hi}"
        close = [n for n in range(r.line - near, r.line + near + 1) if (r.corpus, n) in weak_lines]
        assert not close, f"{r.reader}: {r.corpus} line {r.line} is beside weak lines {close}"
