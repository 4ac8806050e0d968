"""Split a cleaned page into segments: articles, and parts of long articles where the topic turns.

Three kinds of evidence, strongest first:

1. Layout. A headline always ends the article before it, and a byline that follows text
   (``【执笔人：…】``, ``（本报记者…摄）``) closes its article. A headline becomes the title of the text
   after it unless it *dangles*: column order on OCR'd pages often puts a headline away from its
   body. A headline followed by another headline dangles; so does one whose following text fits it
   poorly while the text at another place where an article may begin fits it well (IDF-weighted
   character overlap, `models.text.cohesion.HeadingFit`, against ``min_heading_fit``). A dangling headline still ends
   the article before it, but titles nothing: it stays (with its bylines) at the end of the
   preceding segment, or at the start of the next one when it opens the page.
2. Theme probabilities, when given (``paragraph_probs``: one row of K theme probabilities per
   paragraph, from the classifier). A gap is a theme turn when the mean distributions of the
   ``prob_window`` paragraphs on either side are both confident (top-1 minus top-2 >=
   ``min_margin``), have different top themes, and differ by Jensen–Shannon divergence >=
   ``min_js``; averaging over a window makes a one-paragraph blip no turn.
3. Lexical cohesion (divisive TextTiling over character bigrams, `models.text.cohesion.topic_cuts`)
   inside what layout and themes leave unbroken: separates headless articles and catches explicit
   turns of an essay (its vocabulary moving from 建设 to 治理).

Boundaries from 2 and 3 never create a piece shorter than ``min_segment_chars``.

When the paragraphs come from the learned page reader (`models.page_reader`; each carries a
``role``), layout is the reader's: an article starts at every headline that titles the text below
it and at every paragraph the reader marks ``start``; a headline marked ``heading_above`` titles the
article above it (column order printed it below its body). Statistics (2 and 3) then only look for
topic turns inside articles of at least ``essay_chars`` characters: parts of long essays, as on the
seed page.

Nothing is lost: every paragraph of a segment is its title, its text, or one of its ``dropped``
items (bylines and credits, headlines that title no text, doubled print), each with its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from wenzhai.models.text.cohesion import HeadingFit, bigrams, cosine, topic_cuts
from wenzhai.models.text.types import Paragraph

if TYPE_CHECKING:  # loaded only when a page needs the reader (`page_reader`)
    from wenzhai.models.page_reader import PageReader

CONTENT_KINDS = ("body", "caption")

#: Reads the gaps inside runs of text: (paragraphs, runs) -> {paragraph index: P(new article)}.
ReadGaps = Callable[[Sequence[Paragraph], Sequence[Sequence[int]]], Mapping[int, float]]

# Why a segment starts where it does (Segment.reason).
START, HEADING, AFTER_HEADING, AFTER_BYLINE, THEME, TOPIC, READ, DISPLACED = (
    "start", "heading", "after_heading", "after_byline", "theme", "topic", "reader", "displaced_heading"
)
# Why a character of the input is in neither a title nor a text (Dropped.reason).
BYLINE, LONE_HEADLINE, DOUBLED_PRINT = "byline", "headline without text", "doubled print"


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True)
class SegmentationConfig:
    """Thresholds of `segment_page`; defaults chosen on the seed page and on synthetic pages built
    from the dev set (reported, never trained on)."""

    window: int = field(default=3, metadata=_help("Paragraphs on each side of a gap compared by TextTiling."))
    min_depth: float = field(
        default=0.4, metadata=_help("TextTiling depth (0..2) of a cohesion dip that starts a new segment.")
    )
    max_similarity: float = field(
        default=0.05,
        metadata=_help("Bigram cosine (0..1) of the windows around a gap at or below which they are "
                       "different topics, however shallow the dip."),
    )
    min_heading_fit: float = field(
        default=0.1,
        metadata=_help("IDF-weighted share of a headline's characters and bigrams that a text must "
                       "contain to fit it. A headline dangles when the text after it fits below this "
                       "and another stretch of the page fits at or above it."),
    )
    heading_fit_chars: int = field(
        default=400, metadata=_help("Characters of text (from a paragraph on) that a headline is compared with.")
    )
    min_segment_chars: int = field(
        default=120, metadata=_help("Shortest piece of text a topic or theme boundary may cut off.")
    )
    prob_window: int = field(
        default=2, metadata=_help("Paragraphs on each side of a gap averaged to detect a theme turn.")
    )
    min_js: float = field(
        default=0.2, metadata=_help("Jensen-Shannon divergence (bits, 0..1) between windows that marks a turn.")
    )
    min_margin: float = field(
        default=0.1, metadata=_help("Top-1 minus top-2 mean probability each window needs for its theme to count.")
    )
    reader: str = field(
        default="default",
        metadata=_help("Page reader whose boundary model weighs theme probabilities on pages it read: "
                       "'default' (models/page_reader/) or a path to a reader JSON."),
    )
    essay_chars: int = field(
        default=1500,
        metadata=_help("On pages read by the page reader, only articles at least this long (characters) "
                       "are searched for topic turns: the parts of a long essay. News items stay whole."),
    )

    def __post_init__(self) -> None:
        for name in ("window", "prob_window", "heading_fit_chars", "min_segment_chars", "essay_chars"):
            value = getattr(self, name)
            low = 0 if name == "min_segment_chars" else 1
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ValueError(f"SegmentationConfig.{name}: must be an integer >= {low}, got {value!r}")
        if not isinstance(self.reader, str) or not self.reader:
            raise ValueError(f"SegmentationConfig.reader: must be 'default' or a path, got {self.reader!r}")
        bounds = {"min_depth": 2.0, "max_similarity": 1.0, "min_heading_fit": 1.0, "min_js": 1.0, "min_margin": 1.0}
        for name, high in bounds.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= high:
                raise ValueError(f"SegmentationConfig.{name}: must be a number in [0, {high}], got {value!r}")


@dataclass(frozen=True)
class Dropped:
    """Input text in neither a segment's title nor its text, and why (a byline, doubled print...)."""

    text: str
    offsets: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class Segment:
    """One article, or one part of an article, of the page.

    title: the headline introducing it (None for headless text and for later parts of an article).
    paragraphs: every paragraph it holds, in page order (headline, bylines, text, dangling headlines).
    span: half-open ``[start, end)`` in the original input, from its first to its last paragraph.
    reason: why it starts here: start, heading, after_heading (below a dangling headline),
        after_byline, reader (the page reader), displaced_heading (the body a headline printed below it
        titles begins there), theme (probabilities) or topic (lexical cohesion).
    dropped: what of its paragraphs is neither title nor text: bylines and credits, headlines
        titling no text, doubled print.
    heading: the headline paragraph ``title`` comes from. It is one of ``paragraphs``, except for a
        displaced headline printed among another article's paragraphs (column order).
    """

    title: str | None
    paragraphs: tuple[Paragraph, ...]
    span: tuple[int, int]
    reason: str = START
    dropped: tuple[Dropped, ...] = ()
    heading: Paragraph | None = field(default=None, repr=False, compare=False)

    @property
    def content(self) -> tuple[Paragraph, ...]:
        """The body and caption paragraphs: what is classified and summarised."""
        return tuple(p for p in self.paragraphs if p.kind in CONTENT_KINDS)

    @property
    def text(self) -> str:
        """Body and caption text, paragraphs joined by ``"\\n"``."""
        return "\n".join(p.text for p in self.content)


# ----------------------------------------------------------------------------------------------
# Theme probabilities


def check_probs(paragraph_probs: object, n: int) -> np.ndarray:
    """``paragraph_probs`` as an ``n x K`` float array, or a ValueError saying what is wrong."""
    try:
        probs = np.asarray(paragraph_probs, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("paragraph_probs: must be an N x K array of numbers") from None
    if probs.ndim != 2 or probs.shape[0] != n or probs.shape[1] < 2:
        raise ValueError(
            f"paragraph_probs: must have shape (number of paragraphs = {n}, K >= 2 themes), got {probs.shape}"
        )
    if not np.all(np.isfinite(probs)) or np.any(probs < 0):
        raise ValueError("paragraph_probs: values must be finite and non-negative")
    sums = probs.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-3)
    if bad.size:
        raise ValueError(f"paragraph_probs: row {bad[0]} sums to {sums[bad[0]]:.4f}; each row must sum to 1")
    return probs


def js_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen–Shannon divergence in bits: 0 for equal distributions, 1 for disjoint ones."""
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        mask = a > 0
        return float(np.sum(a[mask] * np.log2(a[mask] / m[mask])))

    return (kl(p) + kl(q)) / 2


def theme_turns(probs: np.ndarray, window: int, min_js: float, min_margin: float) -> dict[int, float]:
    """Theme turns in a run of paragraphs: ``{index of the paragraph after the gap: divergence}``.

    Both windows must be full (``window`` paragraphs each: one paragraph leaning elsewhere is not a
    turn), need a confident top theme, and the two top themes must differ; of neighbouring
    qualifying gaps only the most divergent is kept, so a turn spread over a window gives one cut.
    """
    candidates: dict[int, float] = {}
    for gap in range(window, len(probs) - window + 1):
        left = probs[max(0, gap - window):gap].mean(axis=0)
        right = probs[gap:gap + window].mean(axis=0)
        ls, rs = np.sort(left), np.sort(right)
        if ls[-1] - ls[-2] < min_margin or rs[-1] - rs[-2] < min_margin:
            continue
        if int(np.argmax(left)) == int(np.argmax(right)):
            continue
        js = js_divergence(left, right)
        if js >= min_js:
            candidates[gap] = js
    return {
        g: v for g, v in candidates.items()
        if v >= candidates.get(g - 1, -1.0) and v > candidates.get(g + 1, -1.0)
    }


# ----------------------------------------------------------------------------------------------
# Putting it together


def _run_cuts(texts: list[str], probs: np.ndarray | None, config: SegmentationConfig) -> dict[int, str]:
    """Boundaries inside one unbroken run of content paragraphs: ``{index in run: reason}``."""
    lengths = [len(t) for t in texts]
    cuts: dict[int, str] = {}
    if probs is not None:
        turns = theme_turns(probs, config.prob_window, config.min_js, config.min_margin)
        for k in sorted(turns, key=lambda g: -turns[g]):  # strongest first
            edges = sorted([0, *cuts, len(texts)])
            before = max(e for e in edges if e < k)
            after = min(e for e in edges if e > k)
            if min(sum(lengths[before:k]), sum(lengths[k:after])) >= config.min_segment_chars:
                cuts[k] = THEME
    edges = sorted([0, *cuts, len(texts)])
    for lo, hi in zip(edges, edges[1:], strict=False):
        found = topic_cuts(texts[lo:hi], config.window, config.min_depth, config.max_similarity,
                           config.min_segment_chars)
        cuts.update({lo + k: TOPIC for k in found})
    return cuts


def _content_window(paragraphs: Sequence[Paragraph], first: int, chars: int) -> str:
    """Up to ``chars`` characters of consecutive content paragraphs from ``first`` on."""
    text, k = "", first
    while k < len(paragraphs) and paragraphs[k].kind in CONTENT_KINDS and len(text) < chars:
        text += paragraphs[k].text
        k += 1
    return text[:chars]


def _dangles(paragraphs: Sequence[Paragraph], head: int, first: int, fit: HeadingFit,
             config: SegmentationConfig) -> bool:
    """Is headline ``head`` misplaced above the content starting at paragraph ``first``?

    Only when that content fits it poorly AND the text at some other place where layout lets an
    article begin (content right after a non-content paragraph, or opening the page) fits it well:
    a headline with no better home on the page keeps the text below it.
    """
    title = paragraphs[head].text
    if fit(title, _content_window(paragraphs, first, config.heading_fit_chars)) >= config.min_heading_fit:
        return False
    homes = (
        c for c, p in enumerate(paragraphs)
        if c != first and p.kind in CONTENT_KINDS and (c == 0 or paragraphs[c - 1].kind not in CONTENT_KINDS)
    )
    return any(
        fit(title, _content_window(paragraphs, c, config.heading_fit_chars)) >= config.min_heading_fit
        for c in homes
    )


def _layout(paragraphs: Sequence[Paragraph], config: SegmentationConfig
            ) -> tuple[dict[int, str], set[int], set[int]]:
    """Layout boundaries ``{paragraph index: reason}``, titling headlines, and loose (dangling) ones."""
    kinds = [p.kind for p in paragraphs]
    fit = HeadingFit([p.text for p in paragraphs if p.kind in CONTENT_KINDS])
    starts: dict[int, str] = {}
    titles: set[int] = set()
    loose: set[int] = set()
    i = 0
    while i < len(paragraphs):
        if kinds[i] == "heading":
            first = i + 1
            while first < len(paragraphs) and kinds[first] == "byline":
                first += 1
            has_body = first < len(paragraphs) and kinds[first] in CONTENT_KINDS
            if has_body and not _dangles(paragraphs, i, first, fit, config):
                starts[i] = HEADING
                titles.add(i)
            else:
                loose.update(range(i, first))
                if has_body:
                    starts[first] = AFTER_HEADING
            i = first
            continue
        after_text = i > 0 and kinds[i - 1] in CONTENT_KINDS
        if kinds[i] == "byline" and after_text and i + 1 < len(paragraphs) and kinds[i + 1] in CONTENT_KINDS:
            starts[i + 1] = AFTER_BYLINE  # a byline after text closed the article before it
        i += 1
    return starts, titles, loose


def segment_page(
    paragraphs: Sequence[Paragraph],
    paragraph_probs: object | None = None,
    config: SegmentationConfig | None = None,
    openings: ReadGaps | None = None,
) -> list[Segment]:
    """Segments of a cleaned page, in page order (see the module docstring for the rules).

    paragraph_probs: optional ``N x K`` theme probabilities, one row per paragraph of ``paragraphs``
    (the rows of headlines and bylines are not used); rows must sum to 1.
    openings: optional reader of gaps (`models.continuity.ContinuityModel.reader`): given the
    paragraphs and runs of text, ``{paragraph index: P(new article)}`` for every paragraph of the
    runs but the first of each; called only when the page reader's boundary stage will use it.
    """
    config = config or SegmentationConfig()
    paragraphs = list(paragraphs)
    if not paragraphs:
        return []
    probs = None if paragraph_probs is None else check_probs(paragraph_probs, len(paragraphs))
    if any(p.role is not None for p in paragraphs):
        groups = _read_groups(paragraphs, probs, openings, config)
    else:
        groups = _rule_groups(paragraphs, probs, config)
    titling = {title_at for _, _, title_at in groups if title_at is not None}
    segments = []
    for why, members, title_at in groups:
        parts = tuple(paragraphs[m] for m in members)
        heading = paragraphs[title_at] if title_at is not None else None
        dropped = _dropped(paragraphs, members, titling)
        segments.append(Segment(heading.text if heading else None, parts, (parts[0].span[0], parts[-1].span[1]),
                                why, dropped, heading))
    return segments


def _dropped(paragraphs: Sequence[Paragraph], members: list[int], titling: set[int]) -> tuple[Dropped, ...]:
    """Bylines, headlines titling no segment, and doubled print among ``members``."""
    out = []
    for m in members:
        p = paragraphs[m]
        if p.kind == "byline":
            out.append(Dropped(p.text, tuple(p.offsets), BYLINE))
        elif p.kind == "heading" and m not in titling:
            out.append(Dropped(p.text, tuple(p.offsets), LONE_HEADLINE))
        if p.dropped:
            out.append(Dropped("".join(ch for _, ch in p.dropped), tuple(i for i, _ in p.dropped), DOUBLED_PRINT))
    return tuple(out)


Group = tuple[str, list[int], "int | None"]  # (reason, paragraph indices, index of the titling headline)


def _read_groups(paragraphs: list[Paragraph], probs: np.ndarray | None, openings: ReadGaps | None,
                 config: SegmentationConfig) -> list[Group]:
    """Articles as the page reader laid them out, long ones split at topic turns.

    A headline the reader places *above* its text, or one with no text below it, is a displaced
    headline. Printed below an untitled article, it titles the untitled article on the page that
    its characters fit best (`HeadingFit`; the article just above wins ties). Below a titled article
    (a sub-headline) or with no article above, it titles nothing and is listed as dropped.
    """
    groups: list[list] = []  # [reason, members, title index, has content]
    floating: list[tuple[int, int]] = []  # (displaced headline, index of the group just above it)
    opens = _opening_paragraphs(paragraphs, probs, openings, config)

    def text_follows(i: int) -> bool:
        j = i + 1
        while j < len(paragraphs) and paragraphs[j].kind == "byline":
            j += 1
        return j < len(paragraphs) and paragraphs[j].kind in CONTENT_KINDS

    for i, p in enumerate(paragraphs):
        if p.kind == "heading":
            if p.role != "heading_above" and text_follows(i):
                groups.append([HEADING, [i], i, False])
                continue
            if groups:
                groups[-1][1].append(i)
            else:
                groups.append([START, [i], None, False])
            floating.append((i, len(groups) - 1))
        elif p.kind == "byline":
            if groups:
                groups[-1][1].append(i)
            else:
                groups.append([START, [i], None, False])
        elif not groups or (i in opens and groups[-1][3]):
            groups.append([READ if groups else START, [i], None, True])
        else:
            groups[-1][1].append(i)
            groups[-1][3] = True
    # Long essays split at topic turns first, so a displaced headline can find the part it titles.
    out: list[list] = []
    where = {}  # group index -> index in out of its last piece (where a floating headline sits)
    for g, (why, members, title_at, has_content) in enumerate(groups):
        content = [m for m in members if paragraphs[m].kind in CONTENT_KINDS]
        if sum(len(paragraphs[m].text) for m in content) < config.essay_chars:
            out.append([why, members, title_at, has_content])
            where[g] = len(out) - 1
            continue
        texts = [paragraphs[m].text for m in content]
        cuts = _run_cuts(texts, None if probs is None else probs[content], config)
        piece: list[int] = []
        piece_why, piece_title = why, title_at
        cut_at = {content[k]: r for k, r in cuts.items()}
        for m in members:
            if m in cut_at and piece:
                out.append([piece_why, piece, piece_title, True])
                piece, piece_why, piece_title = [], cut_at[m], None
            piece.append(m)
        out.append([piece_why, piece, piece_title, True])
        where[g] = len(out) - 1
    _place_displaced(paragraphs, out, [(head, where[g]) for head, g in floating], config)
    return [(why, members, title_at) for why, members, title_at, _ in out]


def content_runs(paragraphs: Sequence[Paragraph]) -> list[list[int]]:
    """Maximal runs of consecutive content paragraphs (headlines and bylines break them)."""
    runs: list[list[int]] = []
    for i, p in enumerate(paragraphs):
        if p.kind not in CONTENT_KINDS:
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def gapped_runs(paragraphs: Sequence[Paragraph]) -> list[list[int]]:
    """The `content_runs` with a gap inside (two paragraphs or more): where the boundary stage looks."""
    return [run for run in content_runs(paragraphs) if len(run) >= 2]


def boundary_features(paragraphs: Sequence[Paragraph], probs: np.ndarray, openings: Mapping[int, float],
                      run: list[int], pos: int, window: int) -> list[float]:
    """`models.page_reader.BOUNDARY_FEATURES` of the gap before ``run[pos]`` (``0 < pos < len(run)``);
    ``openings``: the continuity model's P(new article) per paragraph (`models.continuity`)."""
    left, right = run[max(0, pos - window):pos], run[pos:pos + window]
    lp, rp = probs[left].mean(axis=0), probs[right].mean(axis=0)
    ls, rs = np.sort(lp), np.sort(rp)
    left_text = "".join(paragraphs[m].text for m in left)[-300:]
    right_text = "".join(paragraphs[m].text for m in right)[:300]
    before = sum(len(paragraphs[m].text) for m in run[:pos])
    after = sum(len(paragraphs[m].text) for m in run[pos:])
    start = paragraphs[run[pos]].start_prob
    return [
        0.0 if start is None else start,
        js_divergence(lp, rp),
        float(int(np.argmax(lp)) != int(np.argmax(rp))),
        float(ls[-1] - ls[-2]),
        float(rs[-1] - rs[-2]),
        cosine(bigrams(left_text), bigrams(right_text)),
        float(np.log1p(before)),
        float(np.log1p(after)),
        float(openings[run[pos]]),
    ]


def page_reader(config: SegmentationConfig) -> PageReader:
    """The page reader ``config`` names (loaded once per path)."""
    from wenzhai.models.page_reader import load_reader

    return load_reader(None if config.reader == "default" else config.reader)


def paragraph_tokens(config: SegmentationConfig) -> int | None:
    """How many tokens of each paragraph the reader's boundary stage learned its theme probabilities
    from (None: whole paragraphs): `models.pipeline.paragraph_pass` reads that much."""
    return page_reader(config).paragraph_tokens


def _opening_paragraphs(paragraphs: list[Paragraph], probs: np.ndarray | None, openings: ReadGaps | None,
                        config: SegmentationConfig) -> set[int]:
    """Content paragraphs that open an article: the reader's ``start`` role, revised, with theme
    probabilities, continuity readings and a reader that has a boundary stage, by that stage inside
    runs of text: at every gap (mode ``decide``) or only where the reader continues (mode ``add``:
    the headless articles layout alone misses). The gaps are read only then."""
    opens = {i for i, p in enumerate(paragraphs) if p.role == "start"}
    if probs is None or openings is None:
        return opens
    reader = page_reader(config)
    runs = gapped_runs(paragraphs)
    if reader.boundary is None or not runs:
        return opens
    gaps = [(run, pos) for run in runs for pos in range(1, len(run))
            if reader.boundary_mode == "decide" or run[pos] not in opens]
    if not gaps:
        return opens
    read = openings(paragraphs, runs)
    rows = np.array([boundary_features(paragraphs, probs, read, run, pos, config.prob_window) for run, pos in gaps])
    verdict = reader.boundary.predict_proba(rows)[:, 1] >= 0.5
    decided = {run[pos] for run, pos in gaps}
    return (opens - decided) | {run[pos] for (run, pos), opened in zip(gaps, verdict, strict=True) if opened}


def _place_displaced(paragraphs: list[Paragraph], groups: list[list], floating: list[tuple[int, int]],
                     config: SegmentationConfig) -> None:
    """Give each displaced headline the article it titles (see `_read_groups`).

    Column order prints a headline below its own body, so that body ends just above it. Below an
    untitled article, the headline titles the untitled article on the page whose opening fits it best
    (`HeadingFit`; the article just above wins ties). Below a titled article, its body can only lie
    inside that article: it begins at the paragraph the reader finds likeliest to open an article
    among those that fit the headline better than the text above them does, where the article's own
    headline fits the text above better than the text from there on; that splits the article. With
    no such paragraph it is a sub-headline and titles nothing.
    """
    if not floating:
        return
    fit = HeadingFit([p.text for p in paragraphs if p.kind in CONTENT_KINDS])

    def window(members: list[int]) -> str:
        """The first ``heading_fit_chars`` characters of the content paragraphs among ``members``."""
        text = "".join(paragraphs[m].text for m in members if paragraphs[m].kind in CONTENT_KINDS)
        return text[:config.heading_fit_chars]

    for head, _ in sorted(floating, reverse=True):  # bottom up: a split never moves a headline below it
        above = next(g for g, group in enumerate(groups) if head in group[1])
        if not groups[above][3]:
            continue  # above no text: it titles nothing
        title = paragraphs[head].text
        if groups[above][2] is None:
            homes = [g for g, group in enumerate(groups) if group[2] is None and group[3]]
            best = max(homes, key=lambda g: (fit(title, window(groups[g][1])), g == above))
            groups[best][2] = head
            continue
        # below a titled article: split it where the headline's body begins, if anywhere (docstring)
        members = groups[above][1]
        body = [m for m in members[:members.index(head)] if paragraphs[m].kind in CONTENT_KINDS]
        own = paragraphs[groups[above][2]].text
        for k in sorted(range(1, len(body)), key=lambda j: (-(paragraphs[body[j]].start_prob or 0.0), -j)):
            lead = fit(title, paragraphs[body[k]].text[:config.heading_fit_chars])
            upper, lower = window(body[:k]), window(body[k:])
            if lead >= config.min_heading_fit and lead > fit(title, upper) and fit(own, upper) > fit(own, lower):
                at = members.index(body[k])
                groups[above][1] = members[:at]
                groups.insert(above + 1, [DISPLACED, members[at:], head, True])
                break


def _rule_groups(paragraphs: list[Paragraph], probs: np.ndarray | None, config: SegmentationConfig) -> list[Group]:
    """Segments by the hand-written layout rules and statistics (paragraphs without reader roles)."""
    starts, titles, loose = _layout(paragraphs, config)
    # Runs of consecutive content paragraphs that layout leaves unbroken, then statistics inside.
    runs: list[list[int]] = []
    for i, p in enumerate(paragraphs):
        if p.kind not in CONTENT_KINDS:
            continue
        if runs and runs[-1][-1] == i - 1 and i not in starts:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        texts = [paragraphs[i].text for i in run]
        cuts = _run_cuts(texts, None if probs is None else probs[run], config)
        starts.update({run[k]: why for k, why in cuts.items()})

    # Paragraphs that start nothing (bylines, dangling headlines) join the segment before them;
    # any before the first segment (a dangling headline opening the page) join that one.
    if 0 not in loose:
        starts.setdefault(0, START)
    groups: list[tuple[str, list[int]]] = []
    pending: list[int] = []
    for i in range(len(paragraphs)):
        if i in starts:
            groups.append((starts[i], [*pending, i]))
            pending = []
        elif groups:
            groups[-1][1].append(i)
        else:
            pending.append(i)
    if pending:  # nothing but dangling headlines
        groups.append((START, pending))
    return [(why, members, next((m for m in members if m in titles), None)) for why, members in groups]
