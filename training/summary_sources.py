"""Distant supervision for the sentence scorer: real articles paired with a title or human summary.

* TV news (``corpora/tv-news-transcripts``): each item's broadcast title against its paragraphs.
* People's Daily, January 1998 (``corpora/pd199801``): the file has no article boundaries, so an
  article is read as a headline line (short, no closing punctuation) and the lines up to the next
  one; the headline is its reference.
* LCSTS part III: each short text against its human summary.
* Leads (``references="lead"`` or ``"both"``): a news article's opening paragraph is its editor's
  summary of what follows, so a long TV-news item or People's Daily article minus that paragraph is
  a document and the paragraph its reference: several sentences of main point and key facts, closer
  to a written summary than a headline. (Pretraining summarisers on lead-as-target is an old trick;
  here it only labels sentences.) Compilations of briefs (``联播快讯``) are never one article and are
  left out.

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
from wenzhai.training.corpora import PD1998_FILE, TV_NEWS_FILE
from wenzhai.training.dev_overlap import DevOverlap
from wenzhai.training.jsonl import iter_jsonl

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
    """An article (paragraphs joined by ``\\n``) and its reference: a title, a human summary or a lead.

    ``title``: the headline a summariser may be shown; by default the reference itself (titled
    articles), "" where the reference is not a headline (LCSTS), the headline for lead references.
    """

    id: str
    source: str
    text: str
    reference: str
    title: str | None = None

    @property
    def headline(self) -> str:
        """The headline a summariser may be shown with the text ("" where there is none)."""
        return self.reference if self.title is None else self.title


#: The opening every TV-news item's first paragraph carries.
TV_DATELINE = "央视网消息（新闻联播）："


def dev_windows(path: Path, width: int = WINDOW) -> DevOverlap:
    """The verbatim-stretch check against the dev articles; the dateline every TV item opens with aside."""
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return DevOverlap((r["article"].replace(TV_DATELINE, "") for r in rows), width)


#: Where the dev summaries lie inside the shared folder.
SUMMARIES_DEV_FILE = Path("dev/summaries_dev.jsonl")


def summary_dev_windows(shared: Path) -> DevOverlap | None:
    """`dev_windows` over the shared folder's dev summaries, or None where the folder has none."""
    path = shared / SUMMARIES_DEV_FILE
    return dev_windows(path) if path.exists() else None


#: Titles of TV-news items that gather several unrelated briefs.
BRIEFS_TITLE = "联播快讯"
#: A lead paragraph usable as a reference: this many characters, ending like a sentence.
LEAD_CHARS = (40, 300)


def tv_news(path: Path, min_chars: int = 500, exclude_dates: frozenset[str] = DEV_TV_DATES) -> Iterator[TitledText]:
    """Titled TV-news items of at least ``min_chars`` characters, never from ``exclude_dates``."""
    for row in _tv_rows(path, exclude_dates):
        text = "\n".join(row["paras"])
        if len(text) >= min_chars:
            yield TitledText(f"tv-{row['id']}", "tv-news", text, row["title"])


def _tv_rows(path: Path, exclude_dates: frozenset[str]) -> Iterator[dict]:
    """Rows with a title and their non-empty paragraphs stripped, never from ``exclude_dates``."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            row["title"] = row["title"].strip()
            row["paras"] = [p.strip() for p in row["paras"] if p.strip()]
            if row["date"] not in exclude_dates and row["title"]:
                yield row


def lead_split(paragraphs: Sequence[str], min_chars: int) -> tuple[str, str] | None:
    """``(lead, rest)`` when the first paragraph can serve as the rest's reference: its length in
    :data:`LEAD_CHARS` (dateline removed), ending like a sentence, the rest at least ``min_chars``
    characters in two or more paragraphs; else None."""
    if len(paragraphs) < 3:
        return None
    lead = paragraphs[0].removeprefix(TV_DATELINE).strip()
    rest = paragraphs[1:]
    low, high = LEAD_CHARS
    if not low <= len(lead) <= high or lead[-1] not in SENTENCE_END or sum(map(len, rest)) < min_chars:
        return None
    return lead, "\n".join(rest)


def tv_news_leads(
    path: Path, min_chars: int = 500, exclude_dates: frozenset[str] = DEV_TV_DATES
) -> Iterator[TitledText]:
    """TV-news items as lead → rest pairs (briefs compilations left out), never from ``exclude_dates``."""
    for row in _tv_rows(path, exclude_dates):
        split = None if BRIEFS_TITLE in row["title"] else lead_split(row["paras"], min_chars)
        if split:
            yield TitledText(f"tv-lead-{row['id']}", "tv-lead", split[1], split[0], row["title"])


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


def pd1998_leads(
    path: Path, min_chars: int = 300, exclude_lines: Sequence[tuple[int, int]] = DEV_PD1998_LINES
) -> Iterator[TitledText]:
    """People's Daily articles as lead → rest pairs: the first paragraph after the headline lines
    (kicker, byline) against the paragraphs after it."""
    for doc in pd1998_articles(path, min_chars, exclude_lines):
        lines = doc.text.split("\n")
        body = [line for line in lines if not is_headline(line)]
        split = lead_split(body, min_chars)
        if split:
            yield TitledText(doc.id.replace("pd1998-", "pd1998-lead-"), "pd1998-lead", split[1], split[0], doc.reference)


def lcsts(path: Path, labels: Sequence[int] = (3, 4, 5)) -> Iterator[TitledText]:
    """LCSTS rows whose ``human_label`` is in ``labels`` (default: the summaries readers judged
    relevant, >= 3; rows scored 1–2 have summaries that say little about their text)."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["human_label"] in labels:
            yield TitledText(f"lcsts-{row['id']}", "lcsts", row["text"], row["summary"], "")


def sample(items: Iterable[TitledText], limit: int, seed: int) -> list[TitledText]:
    """At most ``limit`` items, drawn at random (seeded) but kept in corpus order."""
    pool = list(items)
    if len(pool) <= limit:
        return pool
    keep = sorted(random.Random(seed).sample(range(len(pool)), limit))
    return [pool[i] for i in keep]


REFERENCES = ("title", "lead", "both")

#: Summaries our readers wrote for corpus articles (ids and summaries only: the articles stay in the corpora).
READ_SUMMARIES = Path(__file__).resolve().parents[1] / "data" / "summaries" / "read.jsonl"
#: Each read id's corpus: its prefix → the source name its documents carry.
READ_SOURCES = {"tv-": "read-tv", "pd1998-": "read-pd1998"}


def read_summaries(shared: Path, path: Path = READ_SUMMARIES) -> list[TitledText]:
    """Articles with a summary one of our readers wrote for them (`data/summaries/read.jsonl`).

    Each row is ``{"id", "summary", "reader"}``; the id names a TV-news item (``tv-YYYYMMDD#k``) or a
    People's Daily article (``pd1998-L<headline line>``) as `tv_news` and `pd1998_articles` number
    them, and the article's text is read from ``shared``'s corpora. These summaries follow the brief in
    `data/summaries/reading-brief.md`: two sentences of a main point and its key facts, the kind of
    summary our users want, which headlines and lead paragraphs only approximate. An id that names
    no article is an error (the corpora are not the ones the summaries were written for).
    """
    rows = [row for _, row in iter_jsonl(path)]
    sources = [next((name for prefix, name in READ_SOURCES.items() if r["id"].startswith(prefix)), None) for r in rows]
    articles: dict[str, TitledText] = {}
    if "read-tv" in sources:  # each corpus is read only when a row needs it
        articles.update((d.id, d) for d in tv_news(shared / TV_NEWS_FILE, 0))
    if "read-pd1998" in sources:
        articles.update((d.id, d) for d in pd1998_articles(shared / PD1998_FILE, 0))
    docs = []
    for row, source in zip(rows, sources, strict=True):
        article = articles.get(row["id"])
        if article is None or source is None:
            raise ValueError(f"{path}: id {row['id']!r} names no article of the corpora under {shared / 'corpora'}")
        docs.append(TitledText(f"read-{row['id']}", source, article.text, row["summary"], article.reference))
    return docs


def distant_documents(
    shared: Path, per_source: int, seed: int = 0, exclude: DevOverlap | None = None, references: str = "title"
) -> list[TitledText]:
    """Up to ``per_source`` TV-news and People's Daily articles of each reference kind, plus the
    relevant LCSTS rows.

    ``references``: ``title`` (headline → article), ``lead`` (lead paragraph → the rest) or ``both``.
    ``exclude``: the dev check (:func:`dev_windows`); a document sharing a stretch with a dev article is dropped.
    """
    if references not in REFERENCES:
        raise ValueError(f"references must be one of {', '.join(REFERENCES)}, got {references!r}")
    corpora = shared / "corpora"
    tv, pd = shared / TV_NEWS_FILE, shared / PD1998_FILE
    docs = []
    if references in ("title", "both"):
        docs += sample(tv_news(tv), per_source, seed) + sample(pd1998_articles(pd), per_source, seed)
    if references in ("lead", "both"):
        docs += sample(tv_news_leads(tv), per_source, seed) + sample(pd1998_leads(pd), per_source, seed)
    docs += list(lcsts(corpora / "lcsts-part3" / "lcsts_part3.jsonl"))
    if exclude:
        docs = [d for d in docs if not exclude(d.text) and not exclude(d.reference)]
    return docs
