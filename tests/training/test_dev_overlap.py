"""Keeping the dev sets out of corpora of whole articles: which texts a dev file holds, which items
overlap them, and (with ../shared) that the stored exclusions and the TV-news draw are clear of them."""

import json
from pathlib import Path

import pytest

from wenzhai.training.dev_overlap import dev_texts, overlapping_items, row_texts

ROOT = Path(__file__).resolve().parents[2]

DEV_PARAGRAPH = "市民在手机上亮出电子证照，跨省通办的事项当天就能办结，不用再来回奔波。"
DEV_ARTICLE = "某能源公司的液化天然气接收站今天正式投产。" + "接收站每年可接卸液化天然气六百万吨，供应周边城市。"


def test_row_texts_cover_text_article_and_nested_segments():
    row = {"id": "p1", "page_text": "噪声", "segments": [{"text": "甲文。"}, {"text": "乙文。", "title": "题"}]}
    assert list(row_texts(row)) == ["甲文。", "乙文。"]
    assert list(row_texts({"article": "全文。", "summary": "摘要。"})) == ["全文。"]
    assert list(row_texts({"text": "  "})) == []


def test_dev_texts_read_every_jsonl_file_of_the_folder(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": "一"}, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"segments": [{"text": "二"}]}, ensure_ascii=False) + "\n")
    (tmp_path / "notes.md").write_text("not a dev file", encoding="utf-8")
    assert dev_texts(tmp_path) == ["一", "二"]
    with pytest.raises(OSError, match="no dev files"):
        dev_texts(tmp_path / "empty")


def test_items_sharing_a_paragraph_or_holding_a_dev_article_overlap():
    items = [
        ["今天的天气晴朗，适合出行的人们安排行程。", DEV_PARAGRAPH],  # one paragraph is a dev text
        ["某能源公司的液化天然气接收站今天正式投产。", "接收站每年可接卸液化天然气六百万吨，供应周边城市。"],  # whole = dev
        ["运动员在比赛中夺得冠军，观众热烈鼓掌庆祝这一时刻。", "电子证照"],  # shares a word, nothing more
        [],
    ]
    assert overlapping_items(items, [DEV_PARAGRAPH, DEV_ARTICLE]) == [1, 2]
    assert overlapping_items(items, [DEV_PARAGRAPH, DEV_ARTICLE], min_containment=1.01) == []


@pytest.mark.slow
@pytest.mark.shared
def test_stored_tv_exclusions_are_current_and_the_tv_draw_is_clear_of_the_dev_sets(shared_dir):
    """The items stored in configs/weak_labels.yaml are exactly those overlapping ../shared/dev/*.jsonl
    now, and no item the TV-news round draws overlaps any dev text."""
    from wenzhai.training.corpora import read_paragraphs
    from wenzhai.training.read_labels import draw_candidates, load_read_config
    from wenzhai.training.weak_labels import load_weak_config

    weak = load_weak_config(ROOT / "configs" / "weak_labels.yaml")
    spec = weak.corpora["tvnews"]
    items = read_paragraphs(spec, shared_dir)
    dev = dev_texts(shared_dir / "dev")
    stored = [lo for lo, hi in weak.excluded_lines["tvnews"] if lo == hi]
    assert len(stored) == len(weak.excluded_lines["tvnews"]), "TV-news exclusions are single items"
    assert overlapping_items(items, dev) == stored

    round_ = load_read_config(ROOT / "configs" / "read_labels.yaml", weak).round("tv-news")
    drawn = draw_candidates(round_, weak, [], shared_dir)
    assert len(drawn) >= 2500
    lines = sorted({c.line for c in drawn})
    assert not set(lines) & set(stored)
    assert overlapping_items([items[n - 1] for n in lines], dev) == []
