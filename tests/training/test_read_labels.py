"""Read labels: drawing units for reading (lines, and runs of an item's paragraphs), reading lists and
the readers' brief, reader files, the majority merge, and the committed reader files' hygiene (clear of
the dev-set neighbourhood and of weak-labelled lines)."""

import json
from pathlib import Path

import pytest

from wenzhai.models.text import clean_text
from wenzhai.training.corpora import CorpusSpec
from wenzhai.training.corpora import corpus_text as reference_text
from wenzhai.training.data import DataConfig, assemble_rows
from wenzhai.training.read_labels import (
    CandidateGroup,
    Read,
    ReadRound,
    RunSettings,
    agreement,
    assign_readers,
    draw_candidates,
    load_read_config,
    merge_reads,
    paragraph_runs,
    read_folder,
    read_reader_file,
    read_refs_from_folder,
    write_brief,
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
    config = ReadRound(name="r", groups=(group("village", 30, ["村民"]), group("any", 40)))
    drawn = draw_candidates(config, weak, weak_refs, shared, near_weak_lines=5)
    lines = [c.line for c in drawn]
    assert len(lines) == len(set(lines)) == 70
    assert not [n for n in lines if 10 <= n <= 20 or 95 <= n <= 105]
    village = [c for c in drawn if c.group == "village"]
    assert all(c.line % 3 == 0 and "村民" in c.text for c in village)
    assert drawn == draw_candidates(config, weak, weak_refs, shared, near_weak_lines=5)  # deterministic


def test_candidate_groups_filter_by_length_and_cap_their_count(corpus):
    weak, shared = corpus
    config = ReadRound(name="r", groups=(group("short", 500, length=(10, 20)), group("village", 5, ["村民"])))
    drawn = draw_candidates(config, weak, [], shared)
    assert [c.group for c in drawn] == ["village"] * 5


def test_reading_lists_share_the_overlap_and_split_the_rest(corpus):
    weak, shared = corpus
    drawn = draw_candidates(ReadRound(name="r", groups=(group("any", 50),)), weak, [], shared)
    lists = assign_readers(drawn, readers=3, overlap=5)
    common = set.intersection(*({(c.corpus, c.line) for c in reading} for reading in lists))
    assert len(common) == 5
    rest = [(c.corpus, c.line) for reading in lists for c in reading if (c.corpus, c.line) not in common]
    assert len(rest) == len(set(rest)) == 45


def rounds_yaml(*groups: str, round_extra: str = "") -> str:
    return "rounds:\n  - name: r1\n" + round_extra + "    groups:\n" + "".join(f"      - {g}\n" for g in groups)


def test_read_config_errors_name_the_round_group_and_field(corpus, tmp_path):
    weak, _ = corpus
    path = tmp_path / "read.yaml"
    path.write_text(rounds_yaml("{name: a, corpus: nope, count: 3}"), encoding="utf-8")
    with pytest.raises(ValueError, match="read.yaml: round 'r1': group 'a': field 'corpus'"):
        load_read_config(path, weak)
    path.write_text(rounds_yaml("{name: a, corpus: c, count: 0}"), encoding="utf-8")
    with pytest.raises(ValueError, match="group 'a': count"):
        load_read_config(path, weak)
    path.write_text(rounds_yaml("{name: a, corpus: c, count: 2, colour: red}"), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown field"):
        load_read_config(path, weak)
    path.write_text(rounds_yaml("{name: a, corpus: c, count: 2}", round_extra="    runs: {min_chars: 0}\n"))
    with pytest.raises(ValueError, match="min_chars and max_paras must be ≥ 1"):
        load_read_config(path, weak)
    path.write_text("groups:\n  - {name: a, corpus: c, count: 2}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="a list under 'rounds'"):
        load_read_config(path, weak)
    two = rounds_yaml("{name: a, corpus: c, count: 2}") + rounds_yaml("{name: a, corpus: c, count: 3}")[8:]
    path.write_text(two, encoding="utf-8")
    with pytest.raises(ValueError, match="round names must be unique"):
        load_read_config(path, weak)
    extra = "    readers: 2\n    folder: data/themes/read-x\n    runs: {min_chars: 50, max_paras: 2}\n"
    path.write_text(rounds_yaml("{name: a, corpus: c, count: 2, include: [{terms: [村], min: 2}]}", round_extra=extra))
    config = load_read_config(path, weak)
    first = config.round()
    assert first is config.round("r1") and first.readers == 2 and first.folder == "data/themes/read-x"
    assert first.groups[0].include[0].min == 2 and (first.runs.min_chars, first.runs.max_paras) == (50, 2)
    with pytest.raises(ValueError, match="no round 'r9'; rounds: \\['r1'\\]"):
        config.round("r9")


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
    assert merged.ties == [("c", 2, ())] and merged.skipped == [("c", 3, ())]
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
    # other: 3 agreeing pairs (6 members) of the 7 pair members that said other; governance never agreed
    assert figures["per_label"] == {"governance": 0.0, "other": 6 / 7}


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


# ------------------------------------------------------------- corpora of whole articles (TV news)


def item_paragraphs(n: int) -> list[str]:
    """Item ``n`` of the synthetic article corpus: a headline, a short lead, two body paragraphs."""
    topic = "社区议事会协商解决物业纠纷" if n % 2 else "运动员在比赛中夺冠"
    return [
        f"第{n}条新闻的标题",  # ends no sentence: a headline
        f"第{n}条导语。",
        f"正文第一段：{topic}，编号{n * 7919}。" + "内容" * 30 + "。",
        f"正文第二段：{topic}的后续，编号{n * 104729}。" + "细节" * 30 + "。",
    ]


@pytest.fixture()
def articles(tmp_path):
    rows = [{"id": f"d#{n}", "paras": item_paragraphs(n)} for n in range(1, 41)]
    (tmp_path / "tv.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    weak = WeakLabelConfig(
        corpora={"tv": CorpusSpec(name="tv", reader="jsonl_paragraphs", path="tv.jsonl", field="paras")},
        rules=(),
        excluded_lines={"tv": ((5, 5), (6, 6))},
    )
    return weak, tmp_path


def test_paragraph_runs_join_short_paragraphs_and_start_at_headlines():
    runs = RunSettings(min_chars=20, max_paras=3)
    paragraphs = ["标题一", "短导语。", "这是一段足够长的正文，写满了二十个字以上的内容。", "标题二", "又一段。", "再一段。", "末段。"]
    assert paragraph_runs(paragraphs, runs) == [(1, 3), (4, 6), (7, 7)]
    assert paragraph_runs(paragraphs, RunSettings(min_chars=20, max_paras=1)) == [(i, i) for i in range(1, 8)]
    assert paragraph_runs(["一段。", "标题"], runs) == [(1, 1), (2, 2)]  # a headline never closes a run
    assert paragraph_runs([], runs) == []


def test_units_of_an_article_corpus_are_runs_with_their_cleaned_text(articles):
    weak, shared = articles
    talk = CandidateGroup(name="talk", corpus="tv", count=8, include=(TermGroup(terms=("议事会",)),))
    round_ = ReadRound(name="tv", groups=(talk,), runs=RunSettings(min_chars=30, max_paras=3))
    drawn = draw_candidates(round_, weak, [], shared)
    assert len(drawn) == 8 and len({c.line for c in drawn}) == 8  # one unit per item
    assert not {c.line for c in drawn} & {5, 6}  # excluded items
    for c in drawn:
        assert c.line % 2 == 1 and "议事会" in c.text and c.paras in ((1, 3), (4, 4))
        assert c.text == clean_text(reference_text(weak.corpora["tv"], shared, c.line, c.paras))
    row = assign_readers(drawn, readers=2, overlap=2)[0][0].to_json(with_group=False)
    assert list(row) == ["corpus", "line", "paras", "text"] and len(row["paras"]) == 2
    assert drawn == draw_candidates(round_, weak, [], shared)  # deterministic


def test_units_read_in_an_earlier_round_are_never_drawn_again(articles):
    weak, shared = articles
    talk = CandidateGroup(name="talk", corpus="tv", count=50, include=(TermGroup(terms=("议事会",)),))
    round_ = ReadRound(name="tv", groups=(talk,), runs=RunSettings(min_chars=30, max_paras=3))
    first = draw_candidates(round_, weak, [], shared)
    read = [first[0].key, (first[1].corpus, first[1].line, (first[1].paras[1], first[1].paras[1]))]
    again = draw_candidates(round_, weak, [], shared, read_before=read)
    lines = {(c.line, p) for c in again for p in range(c.paras[0], c.paras[1] + 1)}
    for _, line, paras in read:
        assert not any((line, p) in lines for p in range(paras[0], paras[1] + 1))  # no shared paragraph
    assert len(again) >= len(first) - 2


def test_runs_read_by_readers_become_rows_that_share_their_item_as_article(articles, tmp_path):
    weak, shared = articles
    folder = tmp_path / "read-tv"
    write_reads(folder / "reader-1.jsonl", [
        {"corpus": "tv", "line": 3, "paras": [1, 3], "label": "governance", "secondary": []},
        {"corpus": "tv", "line": 3, "paras": [4, 4], "label": "governance", "secondary": []},
        {"corpus": "tv", "line": 4, "paras": [4, 4], "label": "other", "secondary": []},
        {"corpus": "tv", "line": 8, "paras": [1, 3], "skip": True},
    ])
    write_reads(folder / "reader-2.jsonl", [
        {"corpus": "tv", "line": 3, "paras": [1, 3], "label": "governance", "secondary": ["digital_government"]},
        {"corpus": "tv", "line": 4, "paras": [4, 4], "label": "other", "secondary": []},
    ])
    merged = merge_reads(read_folder(folder))
    assert [(m.line, m.paras) for m in merged.kept] == [(3, (1, 3)), (3, (4, 4)), (4, (4, 4))]
    assert merged.skipped == [("tv", 8, (1, 3))]
    figures = agreement(read_folder(folder))
    assert figures["lines"] == 2 and figures["pairwise_agreement"] == 1.0
    refs = read_refs_from_folder(folder, weak)
    assert [r.article for r in refs] == ["read-tv-L3", "read-tv-L3", "read-tv-L4"]
    assert refs[0].to_json()["paras"] == [1, 3]

    weak_yaml = tmp_path / "weak.yaml"
    weak_yaml.write_text("corpora:\n  tv: {reader: jsonl_paragraphs, path: tv.jsonl, field: paras}\nrules: []\n")
    hw = write_reads(tmp_path / "hw" / "x.jsonl", [
        {"id": f"h{i}", "text": f"手写样例{i}号：" + "社区调解" * (5 + i), "label": "governance", "article": f"h{i}"}
        for i in range(4)
    ])
    config = DataConfig(handwritten_dir=hw.parent, weak_labels=None, read_labels=folder, weak_config=weak_yaml,
                        shared_dir=shared)
    rows = {r["id"]: r for r in assemble_rows(config)[0] if r["id"].startswith("read-")}
    assert set(rows) == {"read-tv-3-p1-3", "read-tv-3-p4-4", "read-tv-4-p4-4"}
    assert rows["read-tv-3-p4-4"]["text"] == item_paragraphs(3)[3]
    assert rows["read-tv-3-p1-3"]["text"] == clean_text("\n".join(item_paragraphs(3)[:3]))
    assert rows["read-tv-3-p1-3"]["article"] == rows["read-tv-3-p4-4"]["article"]


def test_a_read_of_an_article_corpus_without_paras_is_refused(articles, tmp_path):
    weak, _ = articles
    folder = tmp_path / "read-tv"
    write_reads(folder / "reader-1.jsonl", [{"corpus": "tv", "line": 3, "label": "other"}])
    with pytest.raises(ValueError, match="corpus 'tv' needs 'paras'"):
        read_refs_from_folder(folder, weak)


def test_the_brief_lists_every_reader_with_list_size_and_output_file(tmp_path):
    round_ = ReadRound(name="tv-news", groups=(group("any", 5),), folder="data/themes/read-tv", readers=2, overlap=3)
    lists = [tmp_path / "c.reader-1.jsonl", tmp_path / "c.reader-2.jsonl"]
    brief = write_brief(ROOT / "data" / "themes" / "reading-brief.md", round_, lists, [7, 6], tmp_path / "BRIEF.md")
    text = brief.read_text(encoding="utf-8")
    assert "$" not in text.replace("\\$", "")
    assert f"| reader-1 | `{lists[0]}` | 7 | `data/themes/read-tv/reader-1.jsonl` |" in text
    assert f"| reader-2 | `{lists[1]}` | 6 | `data/themes/read-tv/reader-2.jsonl` |" in text
    assert "round `tv-news`" in text and "/work/shared/LABELING.md" in text
    assert "Do **not** label by keyword" in text and '"skip": true' in text and "Never write the\n`text`" in text


def test_candidates_command_writes_lists_and_brief_for_a_round(articles, tmp_path, capsys):
    from wenzhai.cli.main import main

    _, shared = articles
    (tmp_path / "weak.yaml").write_text(
        "corpora:\n  tv: {reader: jsonl_paragraphs, path: tv.jsonl, field: paras}\nrules: []\n", encoding="utf-8"
    )
    (tmp_path / "read.yaml").write_text(
        "rounds:\n"
        "  - {name: old, groups: [{name: g0, corpus: tv, count: 2}]}\n"
        "  - name: tv\n    folder: data/themes/read-tv\n    readers: 3\n    overlap: 2\n"
        "    groups: [{name: g1, corpus: tv, count: 11}]\n",
        encoding="utf-8",
    )
    (tmp_path / "weak.jsonl").write_text("", encoding="utf-8")
    out = tmp_path / "build" / "candidates.jsonl"
    args = ["data", "candidates", "--out", str(out), "--round", "tv", "--read-config", str(tmp_path / "read.yaml"),
            "--rules", str(tmp_path / "weak.yaml"), "--weak", str(tmp_path / "weak.jsonl"), "--shared", str(shared)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "g1" in printed and "g0" not in printed
    lists = [[json.loads(x) for x in out.with_name(f"candidates.reader-{k}.jsonl").read_text().splitlines()]
             for k in (1, 2, 3)]
    assert [len(x) for x in lists] == [5, 5, 5]  # 2 shared + 9 round-robin
    assert all("group" not in row and "paras" in row for x in lists for row in x)
    assert "data/themes/read-tv/reader-3.jsonl" in (out.parent / "BRIEF.md").read_text(encoding="utf-8")
    assert main([*args[:5], "nope", *args[6:]]) == 2
    assert "--round: read config: no round 'nope'" in capsys.readouterr().err
