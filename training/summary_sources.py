"""Distant supervision for the sentence scorer: real articles paired with a title or human summary.

* TV news (``corpora/tv-news-transcripts``): each item's broadcast title against its paragraphs.
* People's Daily, January 1998 (``corpora/pd199801``): the file has no article boundaries, so an
  article is read as a headline line (short, no closing punctuation) and the lines up to the next
  one; the headline is its reference.
* LCSTS part III: each short text against its human summary.

The summaries dev set (``dev/summaries_dev.jsonl``) draws TV-news items from 26 broadcast days and
People's Daily articles from six line ranges (its README's table). Those days and lines are never
read here (:data:`DEV_TV_DATES`, :data:`DEV_PD1998_LINES`); the optional ``exclude`` windows drop
any document that shares a stretch of text with the dev articles as well.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from wenzhai.models.text.chars import SENTENCE_END
from wenzhai.training.dev_overlap import DevOverlap

#: Broadcast days of the dev set's TV-news items (``sumdev-xwlb-YYYYMMDD-n``).
DEV_TV_DATES: frozenset[str] = frozenset({
    "20230114", "20230502", "20230509", "20230602", "20230613", "20230805", "20231111", "20231205",
    "20231206", "20231207", "20250114", "20250205", "20250210", "20250212", "20250214", "20250303",
    "20250408", "20250612", "20250613", "20250705", "20250709", "20250813", "20250908", "20250913",
    "20251010", "20251011",
})
#: 1-based, inclusive line ranges of the dev set's People's Daily articles (headline line first).
DEV_PD1998_LINES: tuple[tuple[int, int], ...] = (
    (2778, 2791), (3686, 3702), (5760, 5778), (6099, 6106), (7587, 7607), (16865, 16934),
)
#: Width of the verbatim stretches compared with the dev articles.
WINDOW = 16


@dataclass(frozen=True)
class TitledText:
    """An article (paragraphs joined by ``\\n``) and its reference: a title or a human summary."""

    id: str
    source: str
    text: str
    reference: str


def dev_windows(path: Path, width: int = WINDOW) -> DevOverlap:
    """The verbatim-stretch check against the dev articles; the dateline every TV item opens with aside."""
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return DevOverlap((r["article"].replace("央视网消息（新闻联播）：", "") for r in rows), width)


def tv_news(path: Path, min_chars: int = 500, exclude_dates: frozenset[str] = DEV_TV_DATES) -> Iterator[TitledText]:
    """Titled TV-news items of at least ``min_chars`` characters, never from ``exclude_dates``."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            text = "\n".join(p.strip() for p in row["paras"] if p.strip())
            if row["date"] in exclude_dates or len(text) < min_chars or not row["title"].strip():
                continue
            yield TitledText(f"tv-{row['id']}", "tv-news", text, row["title"].strip())


def is_headline(line: str, max_chars: int = 40) -> bool:
    """A short line that does not end like a sentence (headlines, kickers, bylines, subheads)."""
    line = line.strip()
    return 0 < len(line) <= max_chars and line[-1] not in SENTENCE_END and line[-1] not in "”’」』)）"


def pd1998_articles(
    path: Path, min_chars: int = 300, exclude_lines: Sequence[tuple[int, int]] = DEV_PD1998_LINES
) -> Iterator[TitledText]:
    """Headline → article pairs; an article touching an excluded line range is left out whole.

    A run of headline-like lines opens an article: the first is its headline, the rest (kicker,
    byline) stay in the text, where the cleaner marks bylines as such.
    """
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    start = 0
    while start < len(lines):
        if not is_headline(lines[start]):
            start += 1
            continue
        end = start + 1
        while end < len(lines) and is_headline(lines[end]):
            end += 1
        body_end = end
        while body_end < len(lines) and not is_headline(lines[body_end]):
            body_end += 1
        first, last = start + 1, body_end  # 1-based, inclusive
        text = "\n".join(line.strip() for line in lines[start + 1 : body_end] if line.strip())
        overlaps = any(first <= b and a <= last for a, b in exclude_lines)
        if not overlaps and sum(len(line) for line in lines[end:body_end]) >= min_chars:
            yield TitledText(f"pd1998-L{first}", "pd1998", text, lines[start].strip())
        start = body_end


def lcsts(path: Path, labels: Sequence[int] = (3, 4, 5)) -> Iterator[TitledText]:
    """LCSTS rows whose ``human_label`` is in ``labels`` (default: the summaries readers judged
    relevant, >= 3; rows scored 1–2 have summaries that say little about their text)."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["human_label"] in labels:
            yield TitledText(f"lcsts-{row['id']}", "lcsts", row["text"], row["summary"])


def sample(items: Iterable[TitledText], limit: int, seed: int) -> list[TitledText]:
    """At most ``limit`` items, drawn at random (seeded) but kept in corpus order."""
    pool = list(items)
    if len(pool) <= limit:
        return pool
    keep = sorted(random.Random(seed).sample(range(len(pool)), limit))
    return [pool[i] for i in keep]


def distant_documents(
    shared: Path, per_source: int, seed: int = 0, exclude: DevOverlap | None = None
) -> list[TitledText]:
    """Up to ``per_source`` TV-news and People's Daily articles plus the relevant LCSTS rows.

    ``exclude``: the dev check (:func:`dev_windows`); a document sharing a stretch with a dev article is dropped.
    """
    corpora = shared / "corpora"
    docs = sample(tv_news(corpora / "tv-news-transcripts" / "tv_news_articles.jsonl.gz"), per_source, seed)
    docs += sample(pd1998_articles(corpora / "pd199801" / "pd199801_plain.txt"), per_source, seed)
    docs += list(lcsts(corpora / "lcsts-part3" / "lcsts_part3.jsonl"))
    if exclude:
        docs = [d for d in docs if not exclude(d.text)]
    return docs
