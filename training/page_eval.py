"""Score page reading against gold pages (``pages_dev.jsonl`` or simulated pages).

Scoring follows ``../shared/dev/pages_dev.README.md``: a predicted segment is a boundary hit when its
text, all whitespace removed, starts with a gold segment's ``start_marker`` (whitespace removed);
each gold segment is matched once; precision/recall/F1 are pooled over pages; headless gold
segments (``title`` null) are quoted separately. Theme accuracy counts an unmatched gold segment as
wrong; it is also given over matched segments only, per label, and without ``ambiguous`` segments.
Title accuracy: a matched gold segment's title is right when the predicted title equals it with
whitespace removed (both null counts as right).

Errors are counted by the artefact that explains them (`error_kind`), so a report says which layout
trick still fools the reader.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenzhai.training.jsonl import iter_jsonl

_SPACE = re.compile(r"\s+")
_SPACED_LINE = re.compile(r"[^\x00-\x7f] [^\x00-\x7f] [^\x00-\x7f]")
_PAGE_FIELDS = ("id", "page_text", "segments")
_SEGMENT_FIELDS = ("text", "title", "start_marker")


def squash(text: str | None) -> str:
    """``text`` with all whitespace removed (how boundaries and titles are compared)."""
    return _SPACE.sub("", text or "")


@dataclass(frozen=True)
class GoldSegment:
    text: str
    title: str | None
    start_marker: str
    label: str | None = None
    ambiguous: bool = False
    start_offset: int | None = None


@dataclass(frozen=True)
class GoldPage:
    id: str
    page_text: str
    segments: tuple[GoldSegment, ...]


@dataclass(frozen=True)
class PredictedSegment:
    """What the scorer needs of one predicted segment."""

    title: str | None
    text: str
    theme: str | None = None
    start: int | None = None  # offset in the page of the segment's first character, for error kinds


def load_gold_pages(path: str | Path) -> list[GoldPage]:
    """Pages of a gold JSONL file; a clear error naming the line and field when one is malformed."""
    pages = []
    for where, row in iter_jsonl(path):
        if not isinstance(row, dict) or any(k not in row for k in _PAGE_FIELDS):
            raise ValueError(f"{where}: a page needs the fields {', '.join(_PAGE_FIELDS)}")
        segments = []
        for k, seg in enumerate(row["segments"]):
            missing = [f for f in _SEGMENT_FIELDS if not isinstance(seg, dict) or f not in seg]
            if missing:
                raise ValueError(f"{where}: segment {k} lacks {', '.join(missing)}")
            segments.append(GoldSegment(
                text=seg["text"], title=seg["title"], start_marker=seg["start_marker"], label=seg.get("label"),
                ambiguous=bool(seg.get("ambiguous", False)), start_offset=seg.get("start_offset"),
            ))
        pages.append(GoldPage(str(row["id"]), row["page_text"], tuple(segments)))
    return pages


def match_segments(gold: Sequence[GoldSegment], predicted: Sequence[PredictedSegment]) -> dict[int, int]:
    """``{gold index: predicted index}`` of boundary hits; each gold segment is matched at most once."""
    matches: dict[int, int] = {}
    markers = [squash(g.start_marker) for g in gold]
    for j, pred in enumerate(predicted):
        text = squash(pred.text)
        for i, marker in enumerate(markers):
            if i not in matches and marker and text.startswith(marker):
                matches[i] = j
                break
    return matches


def error_kind(page: GoldPage, start: int | None) -> str:
    """The layout artefact at a false boundary starting at ``start`` in the page text."""
    if start is None:
        return "unknown"
    text = page.page_text
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
    if any(g.title and squash(line) and squash(line) in squash(g.title) * 2 for g in page.segments):
        return "starts at a headline"
    if _SPACED_LINE.search(line):
        return "letter-spaced line"
    before = text[max(0, line_start - 3):line_start]
    if before.count("\n") >= 2:
        return "after a blank line inside an article"
    return "short or wrapped line inside an article"


@dataclass
class Tally:
    """Counts pooled over pages."""

    gold: int = 0
    predicted: int = 0
    hits: int = 0
    headless_gold: int = 0
    headless_hits: int = 0
    theme_right: int = 0
    theme_right_clear: int = 0
    clear_gold: int = 0
    matched_clear: int = 0
    title_right: int = 0
    per_label: dict[str, list[int]] = field(default_factory=dict)  # label: [right, gold]
    errors: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def prf(self) -> tuple[float, float, float]:
        p = self.hits / self.predicted if self.predicted else 0.0
        r = self.hits / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_page(page: GoldPage, predicted: Sequence[PredictedSegment], tally: Tally, max_examples: int = 40) -> None:
    """Add one page's counts (boundaries, themes, titles, error kinds) to ``tally``."""
    matches = match_segments(page.segments, predicted)
    tally.gold += len(page.segments)
    tally.predicted += len(predicted)
    tally.hits += len(matches)
    matched_preds = set(matches.values())

    def note(kind: str, detail: str) -> None:
        tally.errors[kind] += 1
        if len(tally.examples) < max_examples:
            tally.examples.append(f"{page.id}: {kind}: {detail}")

    for i, gold in enumerate(page.segments):
        headless = gold.title is None
        tally.headless_gold += headless
        right_label = [0, 1]
        if not gold.ambiguous:
            tally.clear_gold += 1
        if i in matches:
            pred = predicted[matches[i]]
            tally.headless_hits += headless
            tally.matched_clear += not gold.ambiguous
            if pred.theme == gold.label:
                tally.theme_right += 1
                tally.theme_right_clear += not gold.ambiguous
                right_label[0] = 1
            if squash(pred.title) == squash(gold.title):
                tally.title_right += 1
            elif pred.title is None:
                note("headline missing" if not headless else "title expected none",
                     f"gold {gold.title!r}")
            elif headless:
                note("title on a headless article", f"got {pred.title!r}")
            else:
                note("wrong headline", f"got {pred.title!r}, gold {gold.title!r}")
        else:
            note("missed headless start" if headless else "missed titled start", repr(gold.start_marker))
        if gold.label is not None:
            counts = tally.per_label.setdefault(gold.label, [0, 0])
            counts[0] += right_label[0]
            counts[1] += right_label[1]
    for j, pred in enumerate(predicted):
        if j not in matched_preds:
            note(f"false start: {error_kind(page, pred.start)}", repr(squash(pred.text)[:16]))


def markdown_report(tally: Tally, title: str) -> str:
    """The figures of ``tally`` as a Markdown report."""
    p, r, f1 = tally.prf()
    lines = [f"# {title}", "", "| figure | value |", "|---|---|"]
    for name, value in summary_rows(tally):
        lines.append(f"| {name} | {value} |")
    lines += ["", "## Theme accuracy per label", "", "| label | right | gold | accuracy |", "|---|---|---|---|"]
    for label, (right, gold) in sorted(tally.per_label.items()):
        lines.append(f"| {label} | {right} | {gold} | {right / gold:.3f} |")
    lines += ["", "## Errors by artefact kind", "", "| kind | count |", "|---|---|"]
    for kind, n in tally.errors.most_common():
        lines.append(f"| {kind} | {n} |")
    if tally.examples:
        lines += ["", "## First errors", ""] + [f"- {e}" for e in tally.examples]
    del p, r, f1
    return "\n".join(lines) + "\n"


def summary_rows(tally: Tally) -> list[tuple[str, str]]:
    """``(figure, value)`` rows shared by the table on stdout and the Markdown report."""
    p, r, f1 = tally.prf()
    matched = tally.hits
    rows = [
        ("pages' gold segments", str(tally.gold)),
        ("predicted segments", str(tally.predicted)),
        ("boundary precision", f"{p:.3f}"),
        ("boundary recall", f"{r:.3f}"),
        ("boundary F1", f"{f1:.3f}"),
        ("headless recall", f"{tally.headless_hits}/{tally.headless_gold}"),
        ("title accuracy (matched)", f"{tally.title_right / matched:.3f}" if matched else "n/a"),
        ("theme accuracy (all gold)", f"{tally.theme_right / tally.gold:.3f}" if tally.gold else "n/a"),
        ("theme accuracy (matched)", f"{tally.theme_right / matched:.3f}" if matched else "n/a"),
        ("theme accuracy without ambiguous (all)",
         f"{tally.theme_right_clear / tally.clear_gold:.3f}" if tally.clear_gold else "n/a"),
        ("theme accuracy without ambiguous (matched)",
         f"{tally.theme_right_clear / tally.matched_clear:.3f}" if tally.matched_clear else "n/a"),
    ]
    return rows


def as_predicted(segments: Sequence[Any]) -> list[PredictedSegment]:
    """Pipeline segments (`SegmentResult`s, or their JSON objects) as `PredictedSegment`s."""
    out = []
    for s in segments:
        get = s.get if isinstance(s, dict) else lambda key, s=s: getattr(s, key, None)
        span = get("span")
        out.append(PredictedSegment(get("title"), get("text"), get("theme"), span[0] if span else None))
    return out
