"""Distant-supervision sources of the sentence scorer: the dev set's articles never get in."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from wenzhai.training.summary_sources import (
    DEV_PD1998_LINES,
    DEV_TV_DATES,
    dev_windows,
    distant_documents,
    is_headline,
    lcsts,
    pd1998_articles,
    pd1998_leads,
    read_summaries,
    tv_news,
    tv_news_leads,
)

BODY = "这是一段足够长的新闻正文，讲述了乡村建设和基层治理的许多细节。" * 20


def test_tv_news_skips_dev_days_short_items_and_untitled_ones(tmp_path):
    rows = [
        {"id": "20250114#4", "date": "20250114", "title": "开发集的日子", "paras": [BODY]},
        {"id": "20240101#1", "date": "20240101", "title": "普通的一天", "paras": [BODY, "第二段。"]},
        {"id": "20240101#2", "date": "20240101", "title": "太短", "paras": ["只有一句。"]},
        {"id": "20240101#3", "date": "20240101", "title": "  ", "paras": [BODY]},
    ]
    path = tmp_path / "tv.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    docs = list(tv_news(path))
    assert [d.id for d in docs] == ["tv-20240101#1"]
    assert docs[0].reference == "普通的一天" and docs[0].text.endswith("第二段。")
    assert "20250114" in DEV_TV_DATES


def test_pd1998_articles_leave_out_any_article_touching_a_dev_range(tmp_path):
    lines = []
    for number in range(4):
        lines += [f"第{number}篇文章的标题", "本报记者张三", BODY, BODY]
    path = tmp_path / "pd.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    everything = list(pd1998_articles(path, exclude_lines=()))
    assert [d.id for d in everything] == ["pd1998-L1", "pd1998-L5", "pd1998-L9", "pd1998-L13"]
    assert everything[0].reference == "第0篇文章的标题" and everything[0].text.startswith("本报记者张三\n")
    # a dev range that starts inside the second article and ends inside the third drops both
    kept = list(pd1998_articles(path, exclude_lines=((7, 10),)))
    assert [d.id for d in kept] == ["pd1998-L1", "pd1998-L13"]


def test_leads_become_the_reference_of_the_rest(tmp_path):
    lead = "央视网消息（新闻联播）：今年以来，各地扎实推进乡村建设行动，农村人居环境和基础设施持续改善，群众获得感不断增强。"
    rows = [
        {"id": "20240101#1", "date": "20240101", "title": "乡村面貌新", "paras": [lead, BODY, BODY]},
        {"id": "20240101#2", "date": "20240101", "title": "国内联播快讯", "paras": [lead, BODY, BODY]},
        {"id": "20240101#3", "date": "20240101", "title": "导语太短", "paras": ["很好。", BODY, BODY]},
        {"id": "20250114#1", "date": "20250114", "title": "开发集的日子", "paras": [lead, BODY, BODY]},
    ]
    path = tmp_path / "tv.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    docs = list(tv_news_leads(path))
    assert [d.id for d in docs] == ["tv-lead-20240101#1"]
    doc = docs[0]
    assert doc.reference == lead.removeprefix("央视网消息（新闻联播）：") and doc.text == BODY + "\n" + BODY
    assert doc.headline == "乡村面貌新"  # shown as the title, never the lead itself

    lines = ["第0篇文章的标题", "本报记者张三", "这是导语，用两三句话说明了整篇报道的主要内容，并给出了几个关键数字，读者读完就知道发生了什么。", BODY, BODY]
    pd = tmp_path / "pd.txt"
    pd.write_text("\n".join(lines), encoding="utf-8")
    [article] = pd1998_leads(pd, exclude_lines=())
    assert article.reference == lines[2] and article.text == BODY + "\n" + BODY
    assert article.headline == "第0篇文章的标题" and article.id == "pd1998-lead-L1"
    assert list(pd1998_leads(pd, exclude_lines=((1, 2),))) == []


def test_headline_lines():
    assert is_headline("继续把农业放在经济工作首位——论今年经济工作主要任务")
    assert not is_headline("中央经济工作会议确立了今年经济工作的重点。")
    assert not is_headline("他说：“好。”")
    assert not is_headline("")


def test_lcsts_keeps_only_the_asked_labels(tmp_path):
    path = tmp_path / "lcsts.jsonl"
    rows = [{"id": i, "human_label": label, "summary": f"摘要{i}", "text": f"正文{i}。"} for i, label in enumerate([1, 3, 2, 5])]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert [d.id for d in lcsts(path)] == ["lcsts-1", "lcsts-3"]
    assert [d.id for d in lcsts(path, labels=(1, 2))] == ["lcsts-0", "lcsts-2"]


def test_text_windows_catch_a_copied_stretch(tmp_path):
    dev = tmp_path / "dev.jsonl"
    article = "央视网消息（新闻联播）：今年以来各地加快推进乡村建设，农村人居环境持续改善，群众满意度不断提高。"
    dev.write_text(json.dumps({"id": "x", "article": article, "summary": "s"}, ensure_ascii=False), encoding="utf-8")
    windows = dev_windows(dev)
    assert windows("另一篇文章说：各地加快推进乡村建设，农村人居环境持续改善。")
    assert not windows("央视网消息（新闻联播）：今天的天气很好，大家出门游玩。")  # the dateline alone


@pytest.mark.shared
def test_exclusion_constants_match_the_dev_readme(shared_dir):
    readme = (shared_dir / "dev" / "summaries_dev.README.md").read_text(encoding="utf-8")
    dates = set(re.findall(r"`sumdev-xwlb-(\d{8})-\d+`", readme))
    ranges = {(int(a), int(b)) for a, b in re.findall(r"PD-1998 lines (\d+)–(\d+)", readme)}
    assert dates and dates <= DEV_TV_DATES
    assert ranges and ranges == set(DEV_PD1998_LINES)


@pytest.mark.shared
@pytest.mark.slow
def test_no_distant_document_comes_from_the_dev_articles(shared_dir):
    windows = dev_windows(shared_dir / "dev" / "summaries_dev.jsonl")
    docs = distant_documents(shared_dir, per_source=5000, seed=1, exclude=windows, references="both")
    assert len(docs) > 5000 and {d.source for d in docs} >= {"tv-news", "tv-lead", "pd1998", "pd1998-lead"}
    for doc in docs:
        if doc.source in ("tv-news", "tv-lead"):
            assert doc.id.rsplit("-", 1)[1][:8] not in DEV_TV_DATES
        if doc.source in ("pd1998", "pd1998-lead"):
            first = int(doc.id.split("-L")[1])
            assert not any(a <= first <= b for a, b in DEV_PD1998_LINES)
    assert not [d.id for d in docs if windows(d.text) or windows(d.reference)]


def _tiny_shared(tmp_path):
    """A shared folder with one TV-news item and one People's Daily article."""
    tv = tmp_path / "corpora" / "tv-news-transcripts"
    tv.mkdir(parents=True)
    with gzip.open(tv / "tv_news_articles.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write(json.dumps({"id": "20240101#1", "date": "20240101", "title": "普通的一天", "paras": [BODY]},
                             ensure_ascii=False))
    pd = tmp_path / "corpora" / "pd199801"
    pd.mkdir(parents=True)
    (pd / "pd199801_plain.txt").write_text("\n".join(["一篇文章的标题", BODY]), encoding="utf-8")
    return tmp_path


def tiny_read_summaries(tmp_path):
    """``(shared, read)``: the tiny corpora above and a read file with one summary of each article."""
    shared = _tiny_shared(tmp_path)
    read = tmp_path / "read.jsonl"
    rows = [{"id": "tv-20240101#1", "summary": "电视新闻的摘要。", "reader": "r1"},
            {"id": "pd1998-L1", "summary": "人民日报文章的摘要。", "reader": "r2"}]
    read.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return shared, read


def test_read_summaries_take_their_articles_from_the_corpora(tmp_path):
    shared, read = tiny_read_summaries(tmp_path)
    docs = read_summaries(shared, read)
    assert [(d.id, d.source, d.reference, d.headline) for d in docs] == [
        ("read-tv-20240101#1", "read-tv", "电视新闻的摘要。", "普通的一天"),
        ("read-pd1998-L1", "read-pd1998", "人民日报文章的摘要。", "一篇文章的标题"),
    ]
    assert docs[0].text == BODY
    read.write_text(json.dumps({"id": "tv-20991231#9", "summary": "无此文章。", "reader": "r1"}), encoding="utf-8")
    with pytest.raises(ValueError, match="names no article"):
        read_summaries(shared, read)


@pytest.mark.shared
def test_committed_read_summaries_resolve_and_keep_clear_of_the_dev_set(shared_dir):
    docs = read_summaries(shared_dir)
    windows = dev_windows(shared_dir / "dev" / "summaries_dev.jsonl")
    assert len(docs) >= 200 and {d.source for d in docs} == {"read-tv", "read-pd1998"}
    assert len({d.id for d in docs}) == len(docs)
    for doc in docs:
        assert not windows(doc.text), doc.id
