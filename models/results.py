"""The typed results that `wenzhai.models` returns: one definition of the output shape.

The pipeline, the classifier and the summariser return these dataclasses; the CLI prints
:func:`to_json` of them and the service derives its response schemas from them
(:mod:`wenzhai.serving.schemas`), so a field is declared once, with its help text, here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from wenzhai.models.language import LanguageCheck
from wenzhai.models.themes import LABELS


def _help(text: str, **kwargs: Any) -> Any:
    """A dataclass field whose ``help`` becomes the field's description in the API schema."""
    return field(metadata={"help": text}, **kwargs)


@dataclass(frozen=True)
class SummarySentence:
    """One extracted sentence, as it stands in the cleaned text, or cut to the clauses that carry it."""

    text: str = _help("The sentence as it appears in the cleaned text, or its kept clauses (see parts).")
    score: float = _help("How central the sentence is to the text (higher is more).")
    span: list[int] = _help("[start, end) character offsets of the whole sentence in the input text.")
    parts: list[list[int]] = _help(
        "[start, end) input offsets of each stretch of the sentence that the summary keeps: the whole span when "
        "nothing was cut, else the kept clauses (the text joins them, closed like a sentence).",
        default_factory=list,
    )
    sentence: str = _help(
        "The whole sentence as it appears in the cleaned text (the same as text when nothing was cut).", default=""
    )


@dataclass(frozen=True)
class ThemePrediction:
    """The theme of one text: what `wenzhai tag` and POST /tag return per text."""

    theme: str = _help(f"Most likely theme: one of {', '.join(LABELS)}.")
    scores: dict[str, float] = _help("Calibrated probability per theme (sums to 1).")
    secondary: list[str] = _help("Other themes likely enough to mention, most likely first.")


@dataclass(frozen=True)
class DroppedText:
    """Input text that is neither a segment's title nor its text: nothing of the page is lost unseen."""

    text: str = _help("The text as printed (a byline or credit, a headline titling no text, doubled print).")
    reason: str = _help("Why it is not title or text: byline, headline without text, or doubled print.")
    span: list[int] = _help("[start, end) character offsets into the input text (its first to its last character).")


@dataclass
class SegmentResult:
    """One article (or topic run) of a page, with its theme, and summary and keywords when asked for."""

    title: str | None = _help("The segment's headline, when the page has one.")
    text: str = _help("The cleaned segment text.")
    span: list[int] = _help("[start, end) character offsets into the input text.")
    theme: str | None = _help("Most likely theme (null without a theme model).")
    scores: dict[str, float] | None = _help("Probability per theme (null without a model).")
    secondary: list[str] | None = _help("Secondary themes (null without a model).")
    summary: list[SummarySentence] | None = _help(
        "Summary sentences of this segment (long segments only).", default=None
    )
    keywords: list[str] | None = _help("Content words of this segment, best first.", default=None)
    dropped: list[DroppedText] = _help(
        "What of this segment's input is neither title nor text, and why (bylines, credits, doubled print).",
        default_factory=list,
    )

    def tag(self, prediction: ThemePrediction) -> None:
        self.theme, self.scores, self.secondary = prediction.theme, prediction.scores, prediction.secondary


@dataclass
class DocumentSummary:
    """What `wenzhai summarize` prints for one text and POST /summarize returns."""

    summary: list[SummarySentence] = _help("Summary sentences in text order.")
    keywords: list[str] | None = _help("Content words of the text, best first.", default=None)


@dataclass
class AnalysisResult:
    """The whole job on one document: what `wenzhai analyze` prints and POST /analyze returns."""

    segments: list[SegmentResult] = _help("The page's segments, in page order.")
    themes: dict[str, float] | None = _help("Share of the page's text per theme (null without a model).")
    summary: list[SummarySentence] = _help("Summary sentences of the whole page, in page order.")
    keywords: list[str] = _help("Content words of the whole page, best first.")
    model: dict[str, str] = _help("Name and version of the theme model.")
    language: LanguageCheck | None = _help(
        "Whether the text is Chinese (what the models read), with a notice when it is not.", default=None
    )


def to_json(value: Any) -> Any:
    """``value`` (a result dataclass, or lists/dicts of them) as plain JSON-ready Python data.

    Every field is written, null included, so the CLI prints exactly what the API sends.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value
