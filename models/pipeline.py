"""The whole job on one document: clean → segment → tag → summarise, as one typed result.

The CLI (`wenzhai analyze`), the batch runner and the service all call :meth:`Pipeline.analyze`; the
output shape is defined once, in :mod:`wenzhai.models.results`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np

from wenzhai.models import __version__
from wenzhai.models.continuity import gap_reader
from wenzhai.models.inputs import check_text
from wenzhai.models.language import check_language
from wenzhai.models.results import (
    AnalysisResult,
    DroppedText,
    SegmentResult,
    SummarySentence,
    ThemePrediction,
)
from wenzhai.models.segmentation import (
    CONTENT_KINDS,
    Segment,
    SegmentationConfig,
    paragraph_tokens,
    segment_page,
)
from wenzhai.models.summary_budget import DEFAULT_SUMMARY_SENTENCES, Budget, check_summary_sentences
from wenzhai.models.text import Paragraph, clean_page
from wenzhai.models.themes import headed_text
from wenzhai.models.windows import pool_logits


def segment_text(seg: Segment) -> str:
    """What a segment says: its body and captions, or, on a page of headlines only, the headlines."""
    return seg.text or "\n".join(p.text for p in seg.paragraphs)


class ThemeScorer(Protocol):
    """What the pipeline needs from a classifier (see models.classifier.ThemeClassifier)."""

    labels: tuple[str, ...]

    def predict_proba(self, texts: list[str], clean: bool = True) -> np.ndarray: ...

    def predict(self, texts: list[str], clean: bool = True) -> list[ThemePrediction]: ...

    def weighted_logits(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]: ...

    def opening_logits(self, texts: list[str], max_length: int | None = None) -> tuple[np.ndarray, np.ndarray]: ...

    def probabilities(self, logits: np.ndarray, texts: list[str]) -> np.ndarray: ...

    def describe(self, probs: np.ndarray) -> ThemePrediction: ...

    def info(self) -> dict[str, str]: ...


class SentenceSummarizer(Protocol):
    """What the pipeline needs from a summariser (see models.summarizer.Summarizer)."""

    def summarize_paragraphs(
        self, paragraphs: list[Paragraph], budget: Budget | None = None
    ) -> list[SummarySentence]: ...

    def summarize_page(
        self, articles: list[list[Paragraph]], budget: Budget | None = None
    ) -> list[SummarySentence]: ...


SEGMENT_THEME_MODES = ("lead", "paragraphs", "reread")


@dataclass(frozen=True)
class ParagraphPass:
    """The encoder's one read of a page: logits and token weights per paragraph of ``paragraphs``."""

    paragraphs: list[Paragraph]
    logits: np.ndarray
    weights: np.ndarray

    @cached_property
    def _row_of(self) -> dict[int, int]:
        return {id(p): i for i, p in enumerate(self.paragraphs)}

    def rows(self, paragraphs: tuple[Paragraph, ...]) -> list[int] | None:
        """Row numbers of ``paragraphs`` (the same objects), or None when one was not in the pass."""
        rows = [self._row_of.get(id(p)) for p in paragraphs]
        return None if any(r is None for r in rows) else rows  # type: ignore[return-value]

    def combined(self, rows: list[int]) -> np.ndarray:
        """The rows' logits pooled by token weight: what the windows of their joined text would give."""
        return pool_logits(self.logits[rows], self.weights[rows], [0] * len(rows), 1)[0][0]


def paragraph_pass(
    classifier: ThemeScorer, paragraphs: list[Paragraph], every_paragraph: bool = False, max_tokens: int | None = None
) -> tuple[ParagraphPass, np.ndarray]:
    """The encoder's one read of a page's paragraphs, and the ``N x K`` probabilities segmentation takes.

    Segmentation reads the theme probabilities of body text and captions only (`segment_page`: the rows
    of headlines and bylines are not used), so those are all that is read unless ``every_paragraph``
    (segment themes pooled from the pass, which a headline-only segment needs too). The rows not read
    are uniform. ``max_tokens`` reads only each paragraph's opening (`ThemeScorer.opening_logits`; None:
    the whole paragraph): the page reader's boundary stage says how much it learned from
    (`PageReader.paragraph_tokens`). `Pipeline.analyze` and the page reader's training
    (`training.reader_training`) both call this, so the reader learns from the probabilities it is
    given at inference.
    """
    rows = [i for i, p in enumerate(paragraphs) if every_paragraph or p.kind in CONTENT_KINDS]
    texts = [paragraphs[i].text for i in rows]
    if max_tokens is None:
        logits, weights = classifier.weighted_logits(texts)
    else:
        logits, weights = classifier.opening_logits(texts, max_tokens)
    read_probs = classifier.probabilities(logits, texts)
    labels = len(classifier.labels)
    # the classifier's own dtype: the boundary stage's features are means of these rows, to the last bit
    probs = np.full((len(paragraphs), labels), 1.0 / labels, dtype=read_probs.dtype)
    probs[rows] = read_probs
    return ParagraphPass([paragraphs[i] for i in rows], logits, weights), probs


@dataclass
class PipelineConfig:
    """Knobs of the analysis that are not model weights."""

    summary_sentences: int = field(
        default=DEFAULT_SUMMARY_SENTENCES, metadata={"help": "Sentences in the page summary (0 = none)."}
    )
    segment_summary_min_chars: int = field(
        default=600,
        metadata={"help": "Segments longer than this also get their own summary (0 turns it off)."},
    )
    segment_summary_sentences: int = field(default=2, metadata={"help": "Sentences per segment summary."})
    keywords: int = field(default=5, metadata={"help": "Keywords per segment and for the page (with a summariser)."})
    segment_themes: str = field(
        default="lead",
        metadata={
            "help": "How a segment's theme is read: 'lead' reads one window (the model's max_length tokens) over "
            "its headline and opening, as a news article states its subject there (on the dev pages 109 of 120 "
            "segments right, against 100 for 'paragraphs' and 106 for 'reread'; docs/pages.md); 'paragraphs' combines the logits of its "
            "paragraphs from the encoder pass segmentation already made (token-weighted, no further reading, "
            "but each paragraph read without its neighbours, and only as far as the page reader's "
            "`paragraph_tokens`); 'reread' encodes the segment's whole text again "
            "(about one more pass over the page)."
        },
    )
    segmentation: SegmentationConfig = field(default_factory=SegmentationConfig)

    def __post_init__(self) -> None:
        if not 0 <= self.summary_sentences <= 50:
            raise ValueError("summary_sentences must be between 0 and 50")
        if self.segment_summary_min_chars < 0:
            raise ValueError("segment_summary_min_chars must be >= 0")
        if not 1 <= self.segment_summary_sentences <= 20:
            raise ValueError("segment_summary_sentences must be between 1 and 20")
        if not 1 <= self.keywords <= 50:
            raise ValueError("keywords must be between 1 and 50")
        if self.segment_themes not in SEGMENT_THEME_MODES:
            raise ValueError(f"segment_themes must be one of {', '.join(SEGMENT_THEME_MODES)}, got {self.segment_themes!r}")


class Pipeline:
    """Analyse documents with an optional classifier and summariser.

    Without a classifier the theme fields are null and segmentation uses text statistics only;
    without a summariser the summaries are empty lists. The output shape never changes.
    """

    def __init__(
        self,
        classifier: ThemeScorer | None = None,
        summarizer: SentenceSummarizer | None = None,
        config: PipelineConfig | None = None,
    ) -> None:
        self.classifier = classifier
        self.summarizer = summarizer
        self.config = config or PipelineConfig()

    def model_info(self) -> dict[str, str]:
        if self.classifier is None:
            return {"name": "none (text statistics only)", "version": __version__}
        return self.classifier.info()

    def analyze(self, raw: str, summary_sentences: int | None = None) -> AnalysisResult:
        text = check_text(raw)
        paragraphs = clean_page(text)
        probs = None
        read: ParagraphPass | None = None
        if self.classifier is not None and paragraphs:
            read, probs = paragraph_pass(self.classifier, paragraphs, self.config.segment_themes == "paragraphs",
                                         paragraph_tokens(self.config.segmentation))
        segments = segment_page(paragraphs, paragraph_probs=probs, config=self.config.segmentation,
                                openings=gap_reader(self.classifier))
        results = self._tag_segments(segments, read)
        n_summary = (self.config.summary_sentences if summary_sentences is None
                     else check_summary_sentences(summary_sentences))
        summary: list[SummarySentence] = []
        keywords: list[str] = []
        if self.summarizer is not None and n_summary > 0:
            # the page summary covers the segments (articles) before a second sentence from any one
            summary = self.summarizer.summarize_page([list(s.paragraphs) for s in segments], Budget(max_sentences=n_summary))
            self._add_segment_summaries(segments, results)
            keywords = self._add_keywords(results)
        return AnalysisResult(
            segments=results,
            themes=self._theme_shares(results),
            summary=summary,
            keywords=keywords,
            model=self.model_info(),
            language=check_language(text),
        )

    def _add_keywords(self, results: list[SegmentResult]) -> list[str]:
        """Keywords per segment (on each result) and of the whole page (returned): why the summary says what it says."""
        from wenzhai.models.keywords import segment_and_page_keywords

        per_segment, page = segment_and_page_keywords([r.text for r in results], self.config.keywords)
        for result, words in zip(results, per_segment, strict=True):
            result.keywords = words
        return page

    def _tag_segments(self, segments: list[Segment], read: ParagraphPass | None = None) -> list[SegmentResult]:
        results = [
            SegmentResult(
                title=seg.title, text=segment_text(seg), span=list(seg.span), theme=None, scores=None, secondary=None,
                dropped=[
                    DroppedText(text=d.text, reason=d.reason, span=[min(d.offsets), max(d.offsets) + 1])
                    for d in seg.dropped
                    if d.offsets
                ],
            )
            for seg in segments
        ]
        if self.classifier is not None and results:
            for result, prediction in zip(results, self._segment_themes(segments, results, read), strict=True):
                result.tag(prediction)
        return results

    def _segment_themes(
        self, segments: list[Segment], results: list[SegmentResult], read: ParagraphPass | None
    ) -> list[ThemePrediction]:
        """Each segment's theme, read as ``PipelineConfig.segment_themes`` says.

        In 'paragraphs' mode a segment is read again only when one of its paragraphs was not in the pass.
        """
        assert self.classifier is not None
        mode = self.config.segment_themes
        if mode == "lead":
            leads = [headed_text(r.title, r.text) for r in results]
            probs = self.classifier.probabilities(self.classifier.opening_logits(leads)[0], leads)
            return [self.classifier.describe(p) for p in probs]
        texts = [r.text for r in results]
        logits: list[np.ndarray | None] = [None] * len(segments)
        if read is not None and mode == "paragraphs":
            for i, seg in enumerate(segments):
                rows = read.rows(seg.content or seg.paragraphs)  # what segment_text reads
                if rows:
                    logits[i] = read.combined(rows)
        missing = [i for i, row in enumerate(logits) if row is None]
        if missing:
            again = self.classifier.weighted_logits([texts[i] for i in missing])[0]
            for i, row in zip(missing, again, strict=True):
                logits[i] = row
        probs = self.classifier.probabilities(np.stack(logits), texts)  # type: ignore[arg-type]
        return [self.classifier.describe(p) for p in probs]

    def _add_segment_summaries(self, segments: list[Segment], results: list[SegmentResult]) -> None:
        limit = self.config.segment_summary_min_chars
        if limit == 0 or self.summarizer is None:
            return
        budget = Budget(max_sentences=self.config.segment_summary_sentences)
        for seg, result in zip(segments, results, strict=True):
            if len(result.text) > limit:
                result.summary = self.summarizer.summarize_paragraphs(list(seg.paragraphs), budget)  # headline read

    @staticmethod
    def _theme_shares(results: list[SegmentResult]) -> dict[str, float] | None:
        """Share of the page's segment text per theme (by characters); null without a classifier."""
        tagged = [r for r in results if r.theme is not None]
        if not tagged:
            return None
        weights = [max(len(r.text), 1) for r in tagged]  # a headline-only page still counts
        total = sum(weights)
        shares: dict[str, float] = {}
        for result, weight in zip(tagged, weights, strict=True):
            shares[result.theme] = shares.get(result.theme, 0.0) + weight / total
        return {k: round(v, 4) for k, v in sorted(shares.items(), key=lambda kv: -kv[1])}
