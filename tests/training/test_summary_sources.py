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
    tv_news,
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
    docs = distant_documents(shared_dir, per_source=5000, seed=1, exclude=windows)
    assert len(docs) > 5000
    for doc in docs:
        if doc.source == "tv-news":
            assert doc.id[3:11] not in DEV_TV_DATES
        if doc.source == "pd1998":
            first = int(doc.id.split("-L")[1])
            assert not any(a <= first <= b for a, b in DEV_PD1998_LINES)
    assert not [d.id for d in docs if windows(d.text)]
