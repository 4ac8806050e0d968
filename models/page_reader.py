"""The learned page reader: the role of every line of an OCR'd page, from line features.

Each non-blank line gets one of `LINE_ROLES`:

* ``cont``: continues the paragraph above (column wrap, even across a blank line);
* ``para``: opens a new paragraph of the same article;
* ``start``: opens the body of a new article (after its headline, or with no headline at all);
* ``heading``: a headline titling the text below it;
* ``heading_above``: a headline printed below its own body (column order): it titles the text above;
* ``byline``: an author, byline or photo credit line (under a headline or after a body).

The features (`line_features`) are what a reader of the page looks at: the printed width of the line
against its column, sentence ends, blank lines and indents, doubled bold type, the text tests of
`models.text.kinds` (byline, credit, author line, headline text), the decisions of the rule-based
assembler in `models.text.paragraphs` (kept as features, not as thresholds), the change of column
width, brackets or quotes a line leaves open, how well the line fits as a headline the text below or
above it, and the lexical cohesion across the line. The model is trained on simulated pages (`wenzhai train-reader`,
`training/reader_training.py`) and stored as JSON: a softmax over a linear layer or a sum of
regression trees (gradient boosting), both evaluated here with numpy alone.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from wenzhai.models.text.chars import (
    CLAUSE_PUNCT,
    CLOSING,
    ends_sentence,
    has_inner_sentence_end,
    is_cjk,
    leaves_open,
)
from wenzhai.models.text.cohesion import HeadingFit, char_grams, cosine
from wenzhai.models.text.kinds import (
    is_author_line,
    is_bracket_byline,
    is_bracketed_note,
    is_credit,
    is_heading_text,
    is_photo_credit,
)

LINE_ROLES: tuple[str, ...] = ("cont", "para", "start", "heading", "heading_above", "byline")
#: The roles of a headline line (above its text, or printed below it).
HEADLINE_ROLES = frozenset({"heading", "heading_above"})
DEFAULT_READER = Path(__file__).resolve().parent / "page_reader" / "reader.json"

_START_CUE = re.compile(r"^(记者|日前|近日|今天|昨天|本报|据|新华社|今年|近年来|当地时间)")
_DATE_CUE = re.compile(r"今天[（(]|昨天[（(]|\d+日电|\d+月\d+日")
_NEIGHBOURS = 3
_BODY_PUNCT = frozenset("，,。；;")
_CONTEXT_CHARS = 200
_MAX_TITLE_CHARS = 40

FEATURE_NAMES: tuple[str, ...] = (
    "width", "width_to_column", "ends_sentence", "prev_ends_sentence", "blank_before", "blank_after",
    "indent", "heading_text", "clause_punct", "doubled", "bracket_byline_or_credit", "photo_credit",
    "author_line", "name_like", "dash_opening", "ends_with_photo", "prev_width_to_column",
    "prev_heading_text", "next_heading_text", "next_width_to_column", "rule_heading", "rule_byline",
    "rule_opens_paragraph", "first_line", "last_line", "cohesion_across", "start_cue", "date_cue",
    "kicker", "width_to_next", "chars", "prev_byline_like", "fit_below", "fit_above", "fit_margin",
    "column_change", "prev_blank_before", "next_blank_after", "prev_doubled", "next_doubled",
    "prev_ends_closer", "ends_closer", "page_width", "page_sentence_ends", "prev_rule_byline",
    "prev_rule_heading", "next_rule_heading", "headline_shape", "prev_headline_shape", "leaves_open",
    "prev_leaves_open", "wide_gap_before",
)


@dataclass(frozen=True)
class LineView:
    """What the reader needs of a cleaned line (see `models.text.paragraphs.Line`)."""

    text: str
    width: float
    indent: bool
    blank_before: bool
    doubled: bool
    rule_kind: str  # kind of the paragraph the rule-based assembler put the line in
    rule_opens: bool  # the rule-based assembler opened a paragraph at this line
    wide_gap: bool = False  # two or more blank lines above it: on a page, the space between articles


def _name_like(text: str) -> bool:
    """2-4 ideographs, nothing else: a bare author name (``章云``)."""
    core = text.replace(" ", "")
    return 2 <= len(core) <= 4 and all(is_cjk(ch) for ch in core)


def _byline_like(text: str) -> bool:
    return is_bracket_byline(text) or is_credit(text) or text.endswith("摄") or text.startswith("——")


def _column(widths: list[float], ends: list[bool], k: int) -> float:
    """Median width of the nearest wrapped lines (not ending a sentence): the column's width."""
    lo, hi = max(0, k - _NEIGHBOURS), min(len(widths), k + _NEIGHBOURS + 1)
    around = [widths[j] for j in range(lo, hi) if j != k and not ends[j]]
    if not around:
        around = [widths[j] for j in range(lo, hi) if j != k] or [widths[k]]
    return max(statistics.median(around), 1.0)


def _headline_shape(text: str) -> bool:
    """Short, no sentence end, no comma or full stop inside (a colon may stand: ``贵州：抓好…``)."""
    return 2 <= len(text) <= _MAX_TITLE_CHARS and not ends_sentence(text) and not any(ch in _BODY_PUNCT for ch in text)


def _window(texts: list[str], first: int, step: int) -> list[int]:
    """Lines from ``first`` on (``step`` 1: down the page, -1: up) until ``_CONTEXT_CHARS`` characters."""
    out, chars, k = [], 0, first
    while 0 <= k < len(texts) and chars < _CONTEXT_CHARS:
        out.append(k)
        chars += len(texts[k])
        k += step
    return out


class _WindowCohesion:
    """Bigram cosine between two runs of consecutive lines, from prefix sums of per-line counts.

    Equal to `models.text.cohesion.cosine` of the runs' summed bigram counts; the prefix sums make
    each window two row differences instead of a sum over its lines. Pages too large for a dense
    line x bigram table fall back to summing counters.
    """

    MAX_CELLS = 4_000_000

    def __init__(self, grams: list[Counter[str]]) -> None:
        self.pairs = [{g: c for g, c in counts.items() if len(g) == 2} for counts in grams]
        vocab: dict[str, int] = {}
        for counts in self.pairs:
            for g in counts:
                vocab.setdefault(g, len(vocab))
        self.prefix = None
        if vocab and len(self.pairs) * len(vocab) <= self.MAX_CELLS:
            table = np.zeros((len(self.pairs) + 1, len(vocab)), dtype=np.float32)
            for k, counts in enumerate(self.pairs, start=1):
                for g, c in counts.items():
                    table[k, vocab[g]] = c
            self.prefix = np.cumsum(table, axis=0)

    def __call__(self, left: list[int], right: list[int]) -> float:
        if not left or not right:
            return 0.0
        if self.prefix is None:
            return cosine(self._summed(left), self._summed(right))
        a = (self.prefix[max(left) + 1] - self.prefix[min(left)]).astype(float)
        b = (self.prefix[max(right) + 1] - self.prefix[min(right)]).astype(float)
        norm = float(np.sqrt(a @ a * (b @ b)))
        return float(a @ b) / norm if norm else 0.0

    def _summed(self, lines: list[int]) -> Counter[str]:
        total: Counter[str] = Counter()
        for k in lines:
            total.update(self.pairs[k])
        return total


def line_features(lines: Sequence[LineView]) -> np.ndarray:
    """One row of `FEATURE_NAMES` per line."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    texts = [line.text for line in lines]
    widths = [line.width for line in lines]
    ends = [ends_sentence(t) for t in texts]
    heading_text = [is_heading_text(t, _MAX_TITLE_CHARS) for t in texts]
    shape = [_headline_shape(t) for t in texts]
    open_ = [leaves_open(t) for t in texts]
    columns = [_column(widths, ends, k) for k in range(n)]
    grams = [char_grams(t) for t in texts]
    fit = HeadingFit(texts, grams)
    across = _WindowCohesion(grams)
    page_width = min(statistics.median(widths) / 40.0, 3.0)
    page_sentence_ends = sum(ends) / n
    rows = []
    for k, line in enumerate(lines):
        text = line.text
        prev = lines[k - 1] if k else None
        nxt = lines[k + 1] if k + 1 < n else None
        # The costlier context features are computed only where they can matter: headline fit for
        # lines that could be headlines, cohesion where a paragraph may begin (after a sentence end).
        titlelike = shape[k]
        opens = k == 0 or ends[k - 1] or titlelike
        below = _window(texts, k + 1, 1) if titlelike else []
        above = _window(texts, k - 1, -1) if titlelike or opens else []
        fit_below = fit.against(text, set().union(*(grams[j] for j in below))) if below else 0.0
        fit_above = fit.against(text, set().union(*(grams[j] for j in above))) if titlelike and above else 0.0
        before_w = widths[max(0, k - _NEIGHBOURS):k]
        after_w = widths[k:k + _NEIGHBOURS]
        change = 0.0
        if before_w and after_w:
            b, a = max(before_w), max(after_w)
            change = abs(a - b) / max(a, b, 1.0)
        cohesion = across(above, _window(texts, k, 1)) if k and opens else 1.0
        rows.append([
            min(line.width / 40.0, 3.0),
            min(line.width / columns[k], 3.0),
            float(ends[k]),
            1.0 if prev is None else float(ends[k - 1]),
            float(line.blank_before),
            float(nxt.blank_before) if nxt else 1.0,
            float(line.indent),
            float(heading_text[k]),
            float(any(ch in CLAUSE_PUNCT for ch in text)),
            float(line.doubled),
            float(is_bracket_byline(text) or is_credit(text)),
            float(is_photo_credit(text)),
            float(is_author_line(text)),
            float(_name_like(text)),
            float(text.startswith("——")),
            float(text.rstrip("）)").endswith("摄")),
            min(prev.width / columns[k], 3.0) if prev else 0.0,
            float(heading_text[k - 1]) if prev else 0.0,
            float(heading_text[k + 1]) if nxt else 0.0,
            min(nxt.width / columns[k], 3.0) if nxt else 0.0,
            float(line.rule_kind == "heading"),
            float(line.rule_kind == "byline"),
            float(line.rule_opens),
            float(k == 0),
            float(k == n - 1),
            cohesion,
            float(bool(_START_CUE.match(text))),
            float(bool(_DATE_CUE.search(text[:30]))),
            float(text.startswith("【") and "】" in text),
            min(line.width / nxt.width, 3.0) if nxt and not nxt.blank_before and nxt.width else 1.0,
            min(len(text) / 40.0, 3.0),
            float(_byline_like(prev.text)) if prev else 0.0,
            fit_below,
            fit_above,
            fit_above - fit_below,
            change,
            float(prev.blank_before) if prev else 1.0,
            float(lines[k + 2].blank_before) if k + 2 < n else 1.0,
            float(prev.doubled) if prev else 0.0,
            float(nxt.doubled) if nxt else 0.0,
            float(prev.text[-1] in CLOSING) if prev else 0.0,
            float(text[-1] in CLOSING),
            page_width,
            page_sentence_ends,
            float(prev.rule_kind == "byline") if prev else 0.0,
            float(prev.rule_kind == "heading") if prev else 0.0,
            float(nxt.rule_kind == "heading" and nxt.rule_opens) if nxt else 0.0,
            float(titlelike),
            float(shape[k - 1]) if prev else 0.0,
            float(open_[k]),
            float(open_[k - 1]) if prev else 0.0,
            float(line.wide_gap),
        ])
    return np.asarray(rows, dtype=float)


# ----------------------------------------------------------------------------------------------
# Models stored as JSON, evaluated with numpy


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class LinearModel:
    """Standardised features, one linear layer, softmax (multinomial logistic regression)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.mean = np.asarray(spec["mean"], dtype=float)
        self.scale = np.asarray(spec["scale"], dtype=float)
        self.coef = np.asarray(spec["coef"], dtype=float)  # K x F
        self.intercept = np.asarray(spec["intercept"], dtype=float)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return _softmax(((x - self.mean) / self.scale) @ self.coef.T + self.intercept)


class TreeEnsemble:
    """Gradient-boosted regression trees, one per class and round; raw scores summed, then softmax.

    All trees are stacked into padded ``T x nodes`` arrays, so a prediction is one walk of depth
    steps over every (row, tree) pair at once instead of a Python loop over hundreds of trees.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.rate = float(spec["learning_rate"])
        self.prior = np.asarray(spec["prior"], dtype=float)
        flat = [(k, t) for k, per_class in enumerate(spec["trees"]) for t in per_class]
        width = max(len(t["left"]) for _, t in flat)

        def stack(key: str, fill: float, dtype: type) -> np.ndarray:
            return np.array([t[key] + [fill] * (width - len(t[key])) for _, t in flat], dtype=dtype)

        self.left = stack("left", -1, np.int64)
        self.right = stack("right", -1, np.int64)
        self.feature = np.maximum(stack("feature", 0, np.int64), 0)
        self.threshold = stack("threshold", 0.0, float)
        self.value = stack("value", 0.0, float)
        self.tree_class = np.array([k for k, _ in flat])
        self.classes = len(spec["trees"])
        # flat indices: tree t's node j is t * width + j; children point at flat indices too
        roots = np.arange(len(flat)) * width
        self._roots = roots[None, :]
        self._flat = (
            np.where(self.left >= 0, self.left + roots[:, None], -1).ravel(),
            np.where(self.right >= 0, self.right + roots[:, None], -1).ravel(),
            self.feature.ravel(),
            self.threshold.ravel(),
        )

    #: Lines walked through the trees at a time: the walk holds a few lines x trees integer arrays, so a
    #: 150,000-character page in one go briefly took ~250 MB (tracemalloc); in chunks its memory is flat.
    CHUNK_ROWS = 512

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        if len(x) <= self.CHUNK_ROWS:
            return self._predict_chunk(x)
        return np.concatenate([self._predict_chunk(x[i : i + self.CHUNK_ROWS]) for i in range(0, len(x), self.CHUNK_ROWS)])

    def _predict_chunk(self, x: np.ndarray) -> np.ndarray:
        n, trees = len(x), len(self.tree_class)
        left, right, feature, threshold = self._flat
        flat_x = x.ravel()
        row_base = (np.arange(n) * x.shape[1])[:, None]
        node = np.broadcast_to(self._roots, (n, trees)).copy()
        for _ in range(self.left.shape[1]):
            nxt = left[node]
            inner = nxt >= 0
            if not inner.any():
                break
            go_left = flat_x[row_base + feature[node]] <= threshold[node]
            node = np.where(inner, np.where(go_left, nxt, right[node]), node)
        leaf = self.value.ravel()[node]  # n x trees
        raw = np.tile(self.prior, (n, 1))
        for k in range(self.classes):
            raw[:, k] += self.rate * leaf[:, self.tree_class == k].sum(axis=1)
        return _softmax(raw)


#: Features of the second stage: does a paragraph inside a run of text open a new article, given the
#: reader's own belief, the theme model's paragraph probabilities on either side and the continuity
#: model's reading of the gap (`models.continuity`)?
BOUNDARY_FEATURES: tuple[str, ...] = (
    "reader_start", "theme_js", "theme_top_differs", "theme_margin_left", "theme_margin_right",
    "cohesion", "log_chars_before", "log_chars_after", "new_article",
)
#: How the second stage is applied: ``decide`` every gap inside a run of text (it may also undo the
#: reader's ``start``), or only ``add`` openings at gaps the reader continues.
BOUNDARY_MODES: tuple[str, ...] = ("decide", "add")


class RoleSequence:
    """Which role may follow which, as seen on simulated pages: the page's lines are read as one
    sequence (Viterbi decoding of the model's probabilities under these constraints).

    The line model decides each line with its neighbours' features but not their roles, so it can
    call a line ``cont`` right under a line it is sure is a headline, which no page it learned from
    shows (headlines are single lines). Decoding picks the likeliest roles that form a sequence the
    simulated pages do show: there, the headline and the text's ``start`` below it.
    """

    _FORBIDDEN = -1e9

    def __init__(self, spec: dict[str, Any]) -> None:
        allowed = np.asarray(spec["allowed"], dtype=bool)  # K x K, rows: from, columns: to
        self.log_transitions = np.where(allowed, 0.0, self._FORBIDDEN)

    def decode(self, probs: np.ndarray) -> np.ndarray:
        """The likeliest allowed role index of every line, given each line's role probabilities."""
        emit = np.log(np.clip(probs, 1e-12, None))
        n, k = emit.shape
        score = emit[0].copy()
        back = np.zeros((n, k), dtype=np.int64)
        for i in range(1, n):
            total = score[:, None] + self.log_transitions
            back[i] = total.argmax(axis=0)
            score = total[back[i], np.arange(k)] + emit[i]
        path = np.empty(n, dtype=np.int64)
        path[-1] = int(score.argmax())
        for i in range(n - 1, 0, -1):
            path[i - 1] = back[i, path[i]]
        return path


@dataclass(frozen=True)
class PageReader:
    """A trained line-role model (linear or trees) with the names of its classes and features.

    boundary: optional second stage (a `LinearModel` over `BOUNDARY_FEATURES`) used by
    `models.segmentation.segment_page` when theme probabilities and continuity readings are given;
    boundary_mode: how (`BOUNDARY_MODES`).
    paragraph_tokens: how many tokens of each paragraph the boundary stage's theme probabilities were
    read from (None: whole paragraphs); inference must read the same (`models.pipeline.paragraph_pass`).
    sequence: optional `RoleSequence`: roles are then decoded for the page as a whole.
    """

    roles: tuple[str, ...]
    model: LinearModel | TreeEnsemble
    kind: str
    boundary: LinearModel | None = None
    sequence: RoleSequence | None = None
    boundary_mode: str = "decide"
    paragraph_tokens: int | None = None

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> PageReader:
        if tuple(spec.get("features", ())) != FEATURE_NAMES:
            raise ValueError("page reader: its features differ from this version's FEATURE_NAMES; "
                             "rebuild it with `wenzhai train-reader`")
        kind = spec["kind"]
        if kind == "linear":
            model: LinearModel | TreeEnsemble = LinearModel(spec["model"])
        elif kind == "trees":
            model = TreeEnsemble(spec["model"])
        else:
            raise ValueError(f"page reader: kind must be 'linear' or 'trees', got {kind!r}")
        roles = tuple(spec["roles"])
        if set(roles) != set(LINE_ROLES):
            raise ValueError(f"page reader: roles must be {LINE_ROLES}, got {roles}")
        boundary = None
        if spec.get("boundary") is not None:
            if tuple(spec["boundary"].get("features", ())) != BOUNDARY_FEATURES:
                raise ValueError("page reader: its boundary features differ from BOUNDARY_FEATURES; rebuild it")
            boundary = LinearModel(spec["boundary"]["model"])
            mode = spec["boundary"].get("mode", "decide")
            if mode not in BOUNDARY_MODES:
                raise ValueError(f"page reader: boundary mode must be one of {BOUNDARY_MODES}, got {mode!r}")
        sequence = RoleSequence(spec["sequence"]) if spec.get("sequence") is not None else None
        tokens = (spec["boundary"] or {}).get("paragraph_tokens") if boundary is not None else None
        if tokens is not None and (not isinstance(tokens, int) or tokens < 3):
            raise ValueError(f"page reader: boundary paragraph_tokens must be an integer >= 3, got {tokens!r}")
        return cls(roles, model, kind, boundary, sequence, mode if boundary is not None else "decide", tokens)

    def predict_roles(self, lines: Sequence[LineView]) -> list[str]:
        """The most likely role of each line; the first line can only open something."""
        return self.read(lines)[0]

    def read(self, lines: Sequence[LineView]) -> tuple[list[str], np.ndarray]:
        """Each line's most likely role, and every role's probability (columns in `roles` order)."""
        if not lines:
            return [], np.zeros((0, len(self.roles)))
        probs = self.headline_plausible(lines, self.model.predict_proba(line_features(lines)))
        best = self.sequence.decode(probs) if self.sequence is not None else probs.argmax(axis=1)
        out = [self.roles[int(i)] for i in best]
        if out[0] == "cont":
            out[0] = self.best_opening(probs[0])
        return out, probs

    def headline_plausible(self, lines: Sequence[LineView], probs: np.ndarray) -> np.ndarray:
        """``probs`` with the headline roles set to 0 (rows renormalised) for lines no headline on the
        simulated pages is: one that holds a sentence end before more text (`chars.has_inner_sentence_end`)
        or one wholly in round brackets (`kinds.is_bracketed_note`). Trees can still call such a line a
        headline on a page unlike those they learned from."""
        heads = [i for i, role in enumerate(self.roles) if role in HEADLINE_ROLES]
        rows = [k for k, line in enumerate(lines)
                if has_inner_sentence_end(line.text) or is_bracketed_note(line.text)]
        if not rows or not heads:
            return probs
        probs = probs.copy()
        probs[np.ix_(rows, heads)] = 0.0
        others = [i for i in range(probs.shape[1]) if i not in heads]
        for k in rows:
            total = probs[k].sum()
            if total > 0:
                probs[k] /= total
            else:
                probs[k, others] = 1.0 / len(others)
        return probs

    def best_opening(self, probs: np.ndarray) -> str:
        """The most likely role other than ``cont`` (for a line that cannot continue anything)."""
        order = np.argsort(-probs)
        return next(self.roles[int(i)] for i in order if self.roles[int(i)] != "cont")


def load_reader(path: str | Path | None = None) -> PageReader:
    """The page reader stored at ``path`` (default: the one shipped in models/page_reader/)."""
    return _load_cached(str(Path(path) if path else DEFAULT_READER))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> PageReader:
    file = Path(path)
    if not file.is_file():
        raise OSError(f"page reader {file} not found: rebuild it with `wenzhai train-reader`")
    return PageReader.from_spec(json.loads(file.read_text(encoding="utf-8")))
