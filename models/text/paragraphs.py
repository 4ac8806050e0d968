"""Turn raw OCR lines into clean paragraphs with kinds and exact offsets.

How a newspaper page reaches us: narrow columns wrapped mid-word, blank lines both between paragraphs
AND in the middle of sentences (column and page breaks), headlines and bylines on lines of their
own. The joining rule that follows from this:

* A line that does not end a sentence is always continued by the next line, even across blank
  lines (``…关于\\n\\n“千万工程”和…``): a paragraph cannot end mid-sentence. An indented next line is
  the one exception (an indent is an explicit paragraph start).
* After a line that ends a sentence (or after a headline/byline) a new paragraph starts when the next
  line is indented, follows a blank line, is a headline or byline, or when the text is not set in
  narrow columns (then every line is a paragraph, as in plain essays). In narrow columns without
  any of these marks the sentence simply went on in the same paragraph.
* Headlines: short lines without clause punctuation, at a paragraph start, whose printed width
  clearly differs from their column's (narrower, or wider when set across columns). A line as wide
  as its column is wrapped text even when a column break (blank line) follows it, and a body line
  that merely lost its indent is only one or two cells shorter than its column.
* Bylines: ``【执笔人：…】`` and ``（本报记者…摄）`` (possibly wrapped over lines), and an institution or
  reporter line directly under a headline.
* Captions: text opening like a caption (``图为…``), or the short text between a headline and a
  photo credit (``（…摄）``), which is how photo items are printed.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from wenzhai.models.text.chars import CLAUSE_PUNCT, display_width, ends_sentence, leaves_open
from wenzhai.models.text.doubling import DEFAULT_MIN_CHARS, split_doubling
from wenzhai.models.text.kinds import (
    is_author_line,
    is_bracket_byline,
    is_bracketed_note,
    is_caption_text,
    is_credit,
    is_heading_text,
    is_photo_credit,
)
from wenzhai.models.text.letterspacing import remove_letter_spacing
from wenzhai.models.text.mapped import MappedText
from wenzhai.models.text.normalize import normalize
from wenzhai.models.text.types import Paragraph, ParagraphKind

if TYPE_CHECKING:
    from wenzhai.models.page_reader import LineView

# The same line breaks as str.splitlines, so "a line" means what Python means by it.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_BYLINE_OPENERS = {"【": "】", "（": "）", "(": ")"}
_NEIGHBOURS = 3  # lines on each side that estimate the width of a column


@dataclass(frozen=True)
class CleanConfig:
    """Thresholds of the clean-up rules (defaults fit Chinese newspaper pages)."""

    max_heading_chars: int = field(
        default=30, metadata={"help": "Longest line (in characters) that can be a headline."}
    )
    heading_width_ratio: float = field(
        default=0.75,
        metadata={
            "help": "A headline directly above text is at most this fraction of the printed width of "
            "the line under it (a body line missing its 2-cell indent is ~0.8 of its column)."
        },
    )
    column_tolerance: float = field(
        default=0.15,
        metadata={
            "help": "A line standing alone whose printed width is within this fraction of its "
            "column's (median of the nearest lines) is wrapped text, not a headline."
        },
    )
    max_column_width: float = field(
        default=40.0,
        metadata={
            "help": "Median printed line width (full-width cells) up to which the text counts as "
            "narrow columns; wider text is treated as one paragraph per line."
        },
    )
    min_doubled_chars: int = field(
        default=DEFAULT_MIN_CHARS,
        metadata={"help": "A doubled line is collapsed only if it keeps at least this many letters."},
    )
    max_byline_lines: int = field(
        default=4, metadata={"help": "Most lines a bracketed byline (【执笔人：…】) may wrap over."}
    )
    caption_max_chars: int = field(
        default=300, metadata={"help": "Longest text between a headline and a photo credit read as a caption."}
    )
    caption_max_paragraphs: int = field(
        default=2, metadata={"help": "Most paragraphs between a headline and a photo credit read as a caption."}
    )
    reader: str = field(
        default="default",
        metadata={
            "help": "Who decides each line's role: 'default' (the learned page reader shipped in "
            "models/page_reader/), a path to another reader JSON, or 'rules' (the hand-written rules alone)."
        },
    )

    def __post_init__(self) -> None:
        for name in ("max_heading_chars", "min_doubled_chars", "max_byline_lines", "caption_max_chars",
                     "caption_max_paragraphs"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"CleanConfig.{name}: must be a positive integer, got {value!r}")
        if not 0.0 < self.heading_width_ratio <= 1.0:
            raise ValueError(
                f"CleanConfig.heading_width_ratio: must be in (0, 1], got {self.heading_width_ratio!r}"
            )
        if not 0.0 <= self.column_tolerance < 1.0:
            raise ValueError(f"CleanConfig.column_tolerance: must be in [0, 1), got {self.column_tolerance!r}")
        if not isinstance(self.reader, str) or not self.reader:
            raise ValueError(f"CleanConfig.reader: must be 'default', 'rules' or a path, got {self.reader!r}")
        if not self.max_column_width > 0:
            raise ValueError(f"CleanConfig.max_column_width: must be > 0, got {self.max_column_width!r}")


@dataclass(frozen=True)
class Line:
    """One non-blank input line after character-level clean-up."""

    text: MappedText
    indent: bool  # the raw line opened with an indent (`_indented`)
    gap_lines: int  # blank lines between it and the previous non-blank line (0 for the first line)
    end: int  # input index just after the line (where its line break is)
    dropped: tuple[tuple[int, str], ...] = ()  # (input index, character) of a doubled line's second copies

    @property
    def blank_before(self) -> bool:
        """At least one blank line separates it from the previous non-blank line."""
        return self.gap_lines > 0

    @property
    def doubled(self) -> bool:
        return bool(self.dropped)

    @property
    def width(self) -> float:
        return display_width(self.text.text)


def split_lines(raw: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every line of ``raw`` (line breaks excluded)."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for brk in _LINE_BREAK.finditer(raw):
        bounds.append((start, brk.start()))
        start = brk.end()
    if start < len(raw):
        bounds.append((start, len(raw)))
    return bounds


def clean_line(
    raw: str, start: int, end: int, min_doubled_chars: int = DEFAULT_MIN_CHARS
) -> tuple[MappedText, tuple[int, ...]]:
    """Normalise, remove letter-spacing and collapse doubling on ``raw[start:end]``.

    Returns the clean line and the input indices of the doubled copies it dropped.
    """
    text = remove_letter_spacing(normalize(MappedText.from_source(raw, start, end)))
    return split_doubling(text, min_doubled_chars)


def _indented(raw: str, start: int, end: int) -> bool:
    """Does the line at ``raw[start:end]`` open with an indent?

    Any leading whitespace is one, except a single half-width space before a digit or Latin letter:
    that is the space of a spaced number (``减少至 2.7 万``) that the column wrap put at the line start.
    """
    if not raw[start].isspace():
        return False
    nxt = raw[start + 1] if start + 1 < end else ""
    return not (raw[start] == " " and nxt.isascii() and nxt.isalnum())


def clean_lines(raw: str, config: CleanConfig) -> list[Line]:
    """The non-blank lines of ``raw``, cleaned, with indent and blank-line marks."""
    lines: list[Line] = []
    blanks = 0
    for start, end in split_lines(raw):
        text, dropped = clean_line(raw, start, end, config.min_doubled_chars)
        if not text:
            blanks += 1
            continue
        lines.append(Line(text, _indented(raw, start, end), blanks if lines else 0, end, tuple((i, raw[i]) for i in dropped)))
        blanks = 0
    return lines


def line_views(lines: list[Line], rule_drafts: list[_Draft]) -> list[LineView]:
    """``lines`` as the learned page reader sees them, the rule-based assembler's ``rule_drafts`` included."""
    from wenzhai.models.page_reader import LineView

    rule_of: dict[int, tuple[str, bool]] = {}
    for draft in rule_drafts:
        for k, line in enumerate(draft.lines):
            rule_of[id(line)] = (draft.kind, k == 0)
    return [
        LineView(line.text.text, line.width, line.indent, line.blank_before, line.doubled, *rule_of[id(line)],
                 wide_gap=line.gap_lines >= 2)
        for line in lines
    ]


@dataclass
class _Draft:
    """A paragraph being assembled."""

    lines: list[Line]
    kind: ParagraphKind
    closer: str | None = None  # set while a bracketed byline is still open
    role: str | None = None  # the page reader's role of the first line (None: rules only)
    start_prob: float | None = None  # the reader's probability that the first line opens an article

    @property
    def last(self) -> Line:
        return self.lines[-1]


def _joined(lines: list[Line]) -> MappedText:
    """Join wrapped lines; only two Latin letters meeting at a wrap get a space (mapped to the break)."""
    parts = [lines[0].text]
    for prev, line in zip(lines, lines[1:], strict=False):
        left, right = prev.text.text[-1], line.text.text[0]
        if left.isascii() and left.isalpha() and right.isascii() and right.isalpha():
            parts.append(MappedText(" ", (prev.end,)))
        parts.append(line.text)
    return MappedText.concat(parts)


class _Assembler:
    """Walks the cleaned lines once, deciding for each whether it continues the current paragraph."""

    def __init__(self, lines: list[Line], config: CleanConfig) -> None:
        self.lines = lines
        self.config = config
        widths = [line.width for line in lines]
        self.columns = bool(widths) and statistics.median(widths) <= config.max_column_width
        self.drafts: list[_Draft] = []

    def run(self) -> list[_Draft]:
        for k in range(len(self.lines)):
            self._place(k)
        if self.drafts and self.drafts[-1].closer is not None:
            self.drafts[-1].closer = None  # unclosed bracket at the end: plain text
        return self.drafts

    def _place(self, k: int) -> None:
        line = self.lines[k]
        cur = self.drafts[-1] if self.drafts else None
        if cur is not None and cur.closer is not None:
            self._continue_bracket(cur, k)
            return
        at_start = cur is None or cur.kind != "body" or ends_sentence(cur.last.text.text)
        if cur is not None and not at_start and not line.indent:
            cur.lines.append(line)  # mid-sentence: the paragraph goes on, blank lines or not
            return
        kind = self._kind_at_start(k, cur)
        if (
            cur is None
            or kind != "body"
            or cur.kind != "body"
            or line.indent
            or line.blank_before
            or not self.columns
        ):
            self._open(line, kind)
        else:
            cur.lines.append(line)

    def _open(self, line: Line, kind: ParagraphKind) -> None:
        text = line.text.text
        closer = _BYLINE_OPENERS.get(text[0])
        draft = _Draft([line], kind)
        if kind == "body" and closer is not None and closer not in text:
            draft.closer = closer  # maybe a bracketed byline wrapped over lines
        self.drafts.append(draft)

    def _continue_bracket(self, cur: _Draft, k: int) -> None:
        line = self.lines[k]
        if len(cur.lines) >= self.config.max_byline_lines:
            cur.closer = None  # never closed: it was ordinary text after all
            self._place(k)
            return
        cur.lines.append(line)
        if cur.closer in line.text.text:
            cur.closer = None
            text = _joined(cur.lines).text
            if is_bracket_byline(text) or is_credit(text):
                cur.kind = "byline"

    def _kind_at_start(self, k: int, cur: _Draft | None) -> ParagraphKind:
        line = self.lines[k]
        text = line.text.text
        if is_bracket_byline(text) or is_credit(text):
            return "byline"
        under_heading = cur is not None and (cur.kind == "heading" or self._follows_heading(cur))
        if under_heading and is_author_line(text):
            return "byline"
        if is_heading_text(text, self.config.max_heading_chars) and self._stands_out(k):
            return "heading"
        return "body"

    def _stands_out(self, k: int) -> bool:
        """Is line ``k`` set apart from the column it sits in, as a headline is?

        Directly on top of a line (no blank between) it must be clearly narrower than that line: a
        body line that merely lost its two-cell indent is ~0.8 of its column. Standing alone (blank
        line or end of text after it) it must differ from the median width of the nearest wrapped
        lines (those not ending a sentence, i.e. full column lines) by more than
        ``column_tolerance``: a line as wide as its column is wrapped text that a column
        break interrupted, whatever its punctuation; a headline is narrower, or wider when it is
        set across columns.
        """
        line, config = self.lines[k], self.config
        nxt = self.lines[k + 1] if k + 1 < len(self.lines) else None
        if nxt is not None and not nxt.blank_before:
            return line.width <= config.heading_width_ratio * nxt.width
        around = self.lines[max(0, k - _NEIGHBOURS):k] + self.lines[k + 1:k + 1 + _NEIGHBOURS]
        wrapped = [other.width for other in around if not ends_sentence(other.text.text)]
        if not wrapped:
            return True  # no wrapped text nearby: nothing to be a column line of
        column = statistics.median(wrapped)
        return abs(line.width - column) > config.column_tolerance * column

    def _follows_heading(self, cur: _Draft) -> bool:
        """True when ``cur`` is a byline in the run of bylines directly under a headline."""
        if cur.kind != "byline":
            return False
        for draft in reversed(self.drafts):
            if draft.kind != "byline":
                return draft.kind == "heading"
        return False


def _mark_captions(paragraphs: list[Paragraph], config: CleanConfig) -> list[Paragraph]:
    """Body text opening like a caption, or short text between a headline and a photo credit."""
    kinds = [p.kind for p in paragraphs]
    for i, p in enumerate(paragraphs):
        if p.kind == "body" and is_caption_text(p.text):
            kinds[i] = "caption"
        if p.kind != "byline" or not is_photo_credit(p.text):
            continue
        first = i
        while first > 0 and kinds[first - 1] in ("body", "caption"):
            first -= 1
        body = range(first, i)
        short = sum(len(paragraphs[j].text) for j in body) <= config.caption_max_chars
        if 0 < len(body) <= config.caption_max_paragraphs and short and first > 0 and kinds[first - 1] in (
            "heading",
            "byline",
        ):
            for j in body:
                kinds[j] = "caption"
    return [
        p if p.kind == kind else replace(p, kind=kind)
        for p, kind in zip(paragraphs, kinds, strict=True)
    ]


_ROLE_KINDS: dict[str, ParagraphKind] = {
    "para": "body", "start": "body", "heading": "heading", "heading_above": "heading", "byline": "byline",
}


def _read_drafts(lines: list[Line], rule_drafts: list[_Draft], config: CleanConfig) -> list[_Draft]:
    """Paragraphs as the learned page reader sees them; the rules' decisions are its features."""
    from wenzhai.models.page_reader import load_reader

    reader = load_reader(None if config.reader == "default" else config.reader)
    views = line_views(lines, rule_drafts)
    drafts: list[_Draft] = []
    roles, probs = reader.read(views)
    start = reader.roles.index("start")
    for line, role, row in zip(lines, roles, probs, strict=True):
        if role in ("start", "para") and drafts and _left_open(drafts[-1]):
            role = "cont"  # a paragraph cannot end inside 《…》 or “…”: the line goes on with it
        if role == "cont" and drafts and not _closed_bracket(drafts[-1]):
            drafts[-1].lines.append(line)
            continue
        if role == "cont":  # nothing to continue: a closed 【…】 byline is complete
            role = reader.best_opening(row)
        drafts.append(_Draft([line], _ROLE_KINDS[role], role=role, start_prob=float(row[start])))
    return _unfinished_lines_are_headlines(drafts, config.max_heading_chars)


def _left_open(draft: _Draft) -> bool:
    """A body paragraph that stops mid-sentence inside an open bracket or quote."""
    text = _joined(draft.lines).text
    return draft.kind == "body" and not ends_sentence(text) and leaves_open(text)


def _unfinished_lines_are_headlines(drafts: list[_Draft], max_chars: int) -> list[_Draft]:
    """Two consistency rules between a paragraph's kind and its text.

    A one-line "body" paragraph that ends no sentence cannot stop before a new paragraph (a
    paragraph never ends mid-sentence): wholly in round brackets it is a byline or note
    (`is_bracketed_note`), else when it is shaped like a headline it is one. And a "headline" that the
    lines after it continue into clauses and sentences is the opening of a body paragraph (headlines
    are single lines on the pages the reader learned from).
    """
    for draft in drafts:
        if draft.kind == "heading" and len(draft.lines) > 1:
            text = _joined(draft.lines).text
            if ends_sentence(text) or any(ch in CLAUSE_PUNCT for ch in text):
                draft.kind, draft.role = "body", "start"
    for draft, nxt in zip(drafts, drafts[1:], strict=False):
        text = draft.lines[0].text.text
        if draft.kind != "body" or len(draft.lines) != 1 or ends_sentence(text) or draft.role not in ("start", "para"):
            continue
        if is_bracketed_note(text):
            draft.kind, draft.role = "byline", "byline"
        elif nxt.kind != "byline" and not leaves_open(text) and is_heading_text(text, max_chars):
            draft.kind, draft.role = "heading", "heading"
    return drafts


def _closed_bracket(draft: _Draft) -> bool:
    """A byline paragraph in brackets whose closing bracket has been printed: nothing continues it."""
    text = _joined(draft.lines).text
    closer = _BYLINE_OPENERS.get(text[0])
    return draft.kind == "byline" and closer is not None and text.endswith(closer)


def clean_page(raw: str, config: CleanConfig | None = None) -> list[Paragraph]:
    """Clean paragraphs of ``raw``, each with its span and per-character offsets into ``raw``.

    With the page reader (the default) each paragraph also carries its ``role`` (article start,
    headline above or below its text, byline); ``dropped`` holds the input indices of doubled print.
    """
    if not isinstance(raw, str):
        raise TypeError(f"clean_page: raw must be str, got {type(raw).__name__}")
    config = config or CleanConfig()
    lines = clean_lines(raw, config)
    drafts = _Assembler(lines, config).run()
    if config.reader != "rules" and lines:
        drafts = _read_drafts(lines, drafts, config)
    paragraphs = []
    for draft in drafts:
        text = _joined(draft.lines)
        dropped = tuple(i for line in draft.lines for i in line.dropped)
        paragraphs.append(
            Paragraph(text.text, text.span(), draft.kind, list(text.offsets), draft.role, dropped, draft.start_prob)
        )
    return _mark_captions(paragraphs, config)
