"""The page simulator: deterministic pages whose gold roles and boundaries match what they print."""

from __future__ import annotations

import re

import pytest

from tests.models.topics import DIGITAL, RURAL
from wenzhai.training.page_simulator import (
    Article,
    SimulatorConfig,
    articles_from_item,
    print_doubled,
    simulate_pages,
    strip_dateline,
)
from wenzhai.training.page_sources import DevOverlap, peoples_daily_articles

ARTICLES = [
    Article(f"政务服务新变化第{k}期", tuple(DIGITAL[k % 3:] + DIGITAL[:k % 3]), f"d{k}") for k in range(6)
] + [Article(f"乡村振兴新气象第{k}期", tuple(RURAL[k % 3:] + RURAL[:k % 3]), f"r{k}") for k in range(6)]
BUSY = SimulatorConfig(seed=3, headless=0.3, displaced=0.3, byline_after=0.5, byline_under=0.3, photo_item=0.1,
                       letter_spaced=0.1, column_break=0.1)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_same_config_same_pages_and_another_seed_differs():
    first = simulate_pages(ARTICLES, 5, BUSY, "t")
    assert first == simulate_pages(ARTICLES, 5, BUSY, "t")
    other = simulate_pages(ARTICLES, 5, SimulatorConfig(seed=4), "t")
    assert [p["page_text"] for p in other] != [p["page_text"] for p in first]


def test_gold_boundaries_point_at_each_body():
    for page in simulate_pages(ARTICLES, 20, BUSY, "t"):
        text = page["page_text"]
        assert 3 <= len(page["segments"]) <= 6
        for seg in page["segments"]:
            assert _squash(text[seg["start_offset"]:]).startswith(_squash(seg["start_marker"]))
            assert seg["start_marker"] == seg["text"][:12]


def test_line_roles_cover_every_printed_line_and_headlines_are_their_titles():
    for page in simulate_pages(ARTICLES, 20, BUSY, "t"):
        text = page["page_text"]
        printed = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        assert [(a, b) for a, b, _ in page["lines"]] == printed
        owners = dict(map(tuple, page["owner"]))
        for start, end, role in page["lines"]:
            if role.startswith("heading"):
                title = page["segments"][owners[start]]["title"]
                assert len(_squash(text[start:end])) in (len(_squash(title)), 2 * len(_squash(title)))


@pytest.mark.parametrize("title", ["【一线调研】小农机上山岗", "上海：“一网统管”加快城市治理现代化", "标题标题"])
def test_every_doubled_form_collapses_back(title):
    import random

    from wenzhai.models.text.doubling import collapse_doubling
    from wenzhai.models.text.mapped import MappedText

    rng = random.Random(0)
    for _ in range(20):
        printed = print_doubled(title, rng)
        assert len(printed) == 2 * len(title)
        assert collapse_doubling(MappedText.from_source(printed)).text == title


def test_roundups_split_into_titled_articles_and_datelines_go():
    parts = articles_from_item("国内联播快讯", ["首个标题", "央视网消息（新闻联播）：第一条新闻正文。", "第二个标题", "第二条新闻正文。"], "x")
    assert [(a.title, a.paragraphs) for a in parts] == [("首个标题", ("第一条新闻正文。",)), ("第二个标题", ("第二条新闻正文。",))]
    assert strip_dateline("央视网消息（新闻联播）：今天起实施。") == "今天起实施。"


def test_dev_overlap_drops_an_article_sharing_a_stretch_with_dev():
    dev = ["这是开发集里的一段文字，其中有一句足够长的原话用来检查是否泄露到训练页面里。"]
    check = DevOverlap(dev, window=20)
    leaked = Article("标题", ("前言。其中有一句足够长的原话用来检查是否泄露到训练页面里。后记。",), "a")
    clean = Article("标题", ("完全不同的一段新闻，讲的是另一件事情，没有任何相同的长片段。",), "b")
    assert check.article(leaked) and not check.article(clean)
    assert check("其中有一句 足够长的原话\n用来检查是否泄露到训练")  # whitespace does not hide it
    with pytest.raises(ValueError, match="window"):
        DevOverlap(dev, window=4)


def test_peoples_daily_articles_skip_the_held_out_lines():
    lines = ["省长的问候", "本报记者阎晓明", "第一段正文写得足够长，超过三十个字符，以句号结束，是正文的样子。",
             "第二段正文同样足够长，超过三十个字符，也以句号结束，是正文的样子。"]
    assert [a.title for a in peoples_daily_articles(lines, (100, 200))] == ["省长的问候"]
    assert peoples_daily_articles(lines, (1, 4)) == []


@pytest.mark.shared
def test_no_source_article_overlaps_a_dev_page(shared_dir):
    """The real check: after filtering, no article drawn for simulation shares 20 characters with dev."""
    from wenzhai.training.page_sources import dev_texts, load_sources

    articles, removed = load_sources(shared_dir, (900, 1300))
    assert removed > 0  # pages_dev is built from the same broadcaster: some overlap must have been found
    check = DevOverlap(dev_texts(shared_dir))
    assert not any(check.article(a) for a in articles[::50])


def test_a_column_break_can_widen_a_paragraph_gap_as_much_as_a_gap_between_articles():
    """Two blank lines inside an article occur only through column breaks, so a wide gap is evidence, not proof."""

    def wide_gaps_inside_articles(config: SimulatorConfig) -> int:
        count = 0
        for page in simulate_pages(ARTICLES, 20, config, "t"):
            lines = page["lines"]  # [start, end, role] of every printed line
            for (_, end, _), (start, _, role) in zip(lines[:-1], lines[1:], strict=True):
                count += role in ("para", "cont") and page["page_text"][end:start].count("\n") >= 3
        return count

    assert wide_gaps_inside_articles(SimulatorConfig(seed=3, column_break=0.0)) == 0
    assert wide_gaps_inside_articles(SimulatorConfig(seed=3, column_break=0.5)) > 0
