"""Corpora of whole articles (``jsonl_paragraphs``, gzip): items, paragraph runs named by ``paras``,
the dateline dropped, and clear errors for references that do not fit the corpus."""

import gzip
import json

import pytest

from wenzhai.training.corpora import (
    CorpusSpec,
    check_paras,
    corpus_line,
    corpus_text,
    corpus_title,
    read_corpus,
    read_paragraphs,
)

DATELINE = "央视网消息（新闻联播）："


@pytest.fixture()
def items(tmp_path):
    rows = [
        {"id": "20240101#1", "paras": [DATELINE + "第一段讲村里修路。", "第二段讲村民增收。", "  "]},
        {"id": "20240101#2", "paras": []},
        {"id": "20240101#3", "paras": ["只有一段，引用了“央视网消息（新闻联播）：”这几个字。"]},
    ]
    path = tmp_path / "items.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    spec = CorpusSpec(name="tv", reader="jsonl_paragraphs", path="items.jsonl.gz", field="paras", drop_prefix=DATELINE)
    return spec, tmp_path


def test_items_are_read_through_gzip_as_paragraphs_without_the_dateline(items):
    spec, shared = items
    assert spec.has_paragraphs
    assert read_paragraphs(spec, shared) == (
        ("第一段讲村里修路。", "第二段讲村民增收。"),
        (),
        ("只有一段，引用了“央视网消息（新闻联播）：”这几个字。",),
    )
    assert read_corpus(spec, shared)[0] == "第一段讲村里修路。\n第二段讲村民增收。"
    assert corpus_line(spec, shared, 2) == ""


def test_corpus_text_names_a_run_of_paragraphs(items):
    spec, shared = items
    assert corpus_text(spec, shared, 1, (2, 2)) == "第二段讲村民增收。"
    assert corpus_text(spec, shared, 1, (1, 2)) == "第一段讲村里修路。\n第二段讲村民增收。"
    with pytest.raises(ValueError, match="line 1 has paragraphs 1..2, not 2..3"):
        corpus_text(spec, shared, 1, (2, 3))
    with pytest.raises(ValueError, match="has lines 1..3, not 4"):
        corpus_text(spec, shared, 4, (1, 1))
    with pytest.raises(ValueError, match="a reference needs 'paras'"):
        corpus_text(spec, shared, 1)


def test_a_line_corpus_takes_no_paras(tmp_path):
    (tmp_path / "c.txt").write_text("一行文字。\n", encoding="utf-8")
    spec = CorpusSpec(name="c", reader="lines", path="c.txt")
    assert not spec.has_paragraphs and corpus_text(spec, tmp_path, 1) == "一行文字。"
    with pytest.raises(ValueError, match="cannot name 'paras'"):
        corpus_text(spec, tmp_path, 1, (1, 1))


@pytest.mark.parametrize("value", [[2, 1], [0, 1], [1], "1-2", [1, 2.0], [True, 2]])
def test_bad_paras_are_refused_with_the_place(value):
    with pytest.raises(ValueError, match="here: field 'paras' must be"):
        check_paras(value, "here")


def test_paras_absent_is_the_whole_line():
    assert check_paras(None, "here") == () and check_paras([1, 3], "here") == (1, 3)


def test_a_paragraph_reader_needs_its_field():
    with pytest.raises(ValueError, match="jsonl_paragraphs reader needs 'field'"):
        CorpusSpec(name="tv", reader="jsonl_paragraphs", path="x.jsonl")


def test_item_headlines_are_read_from_the_title_field(tmp_path):
    rows = [{"title": " 村里修了路 ", "paras": ["第一段。"]}, {"paras": ["无标题。"]}]
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    spec = CorpusSpec(name="tv", reader="jsonl_paragraphs", path="t.jsonl", field="paras", title_field="title")
    assert [corpus_title(spec, tmp_path, n) for n in (1, 2, 3)] == ["村里修了路", "", ""]
    untitled = CorpusSpec(name="tv", reader="jsonl_paragraphs", path="t.jsonl", field="paras")
    assert corpus_title(untitled, tmp_path, 1) == ""


def test_only_an_item_corpus_takes_a_title_field():
    with pytest.raises(ValueError, match="only a jsonl_paragraphs reader has item headlines"):
        CorpusSpec(name="c", reader="lines", path="c.txt", title_field="title")
