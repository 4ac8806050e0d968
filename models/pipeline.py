"""The whole job on one document: clean → segment → tag → summarise, as one JSON-ready dict.

The CLI (`wenzhai analyze`), the batch runner and the service all call :meth:`Pipeline.analyze`, so
the output shape is defined once, here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from wenzhai.models import __version__
from wenzhai.models.inputs import check_text
from wenzhai.models.segmentation import Segment, SegmentationConfig, segment_page
from wenzhai.models.text import Paragraph, clean_page


def segment_text(seg: Segment) -> str:
    """What a segment says: its body and captions, or, on a page of headlines only, the headlines."""
    return seg.text or "\n".join(p.text for p in seg.paragraphs)


class ThemeScorer(Protocol):
    """What the pipeline needs from a classifier (see models.classifier.ThemeClassifier)."""

    labels: tuple[str, ...]

    def predict_proba(self, texts: list[str], clean: bool = True) -> np.ndarray: ...

    def secondary_labels(self, probs: np.ndarray) -> list[str]: ...

    def info(self) -> dict[str, str]: ...


class SentenceSummarizer(Protocol):
    """What the pipeline needs from a summariser (see models.summarizer.Summarizer)."""

    def summarize_paragraphs(
        self, paragraphs: list[Paragraph], max_sentences: int
    ) -> list[dict[str, Any]]: ...


@dataclass
class PipelineConfig:
    """Knobs of the analysis that are not model weights."""

    summary_sentences: int = field(default=3, metadata={"help": "Sentences in the page summary."})
    segment_summary_min_chars: int = field(
        default=600,
        metadata={"help": "Segments longer than this also get their own summary (0 turns it off)."},
    )
    segment_summary_sentences: int = field(default=2, metadata={"help": "Sentences per segment summary."})
    keywords: int = field(default=5, metadata={"help": "Keywords per segment and for the page (with a summariser)."})
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

    def analyze(self, raw: str, summary_sentences: int | None = None) -> dict[str, Any]:
        text = check_text(raw)
        paragraphs = clean_page(text)
        probs = None
        if self.classifier is not None and paragraphs:
            probs = self.classifier.predict_proba([p.text for p in paragraphs], clean=False)
        segments = segment_page(paragraphs, paragraph_probs=probs, config=self.config.segmentation)
        seg_dicts = self._tag_segments(segments)
        n_summary = self.config.summary_sentences if summary_sentences is None else summary_sentences
        summary: list[dict[str, Any]] = []
        keywords: list[str] = []
        if self.summarizer is not None and n_summary > 0:
            summary = self.summarizer.summarize_paragraphs(paragraphs, n_summary)
            self._add_segment_summaries(segments, seg_dicts)
            keywords = self._add_keywords(seg_dicts)
        return {
            "segments": seg_dicts,
            "themes": self._theme_shares(seg_dicts),
            "summary": summary,
            "keywords": keywords,
            "model": self.model_info(),
        }

    def _add_keywords(self, seg_dicts: list[dict[str, Any]]) -> list[str]:
        """Keywords per segment (on each row) and of the whole page (returned): why the summary says what it says."""
        from wenzhai.models.keywords import extract_keywords, keywords_by_segment

        n = self.config.keywords
        for row, words in zip(seg_dicts, keywords_by_segment([row["text"] for row in seg_dicts], n), strict=True):
            row["keywords"] = words
        return extract_keywords("\n".join(row["text"] for row in seg_dicts), n)

    def _tag_segments(self, segments: list[Segment]) -> list[dict[str, Any]]:
        out = [
            {
                "title": seg.title,
                "text": segment_text(seg),
                "span": list(seg.span),
                "theme": None,
                "scores": None,
                "secondary": None,
            }
            for seg in segments
        ]
        if self.classifier is None or not segments:
            return out
        probs = self.classifier.predict_proba([row["text"] for row in out], clean=False)
        labels = self.classifier.labels
        for row, p in zip(out, probs, strict=True):
            row["theme"] = labels[int(np.argmax(p))]
            row["scores"] = {label: round(float(x), 4) for label, x in zip(labels, p, strict=True)}
            row["secondary"] = self.classifier.secondary_labels(p)
        return out

    def _add_segment_summaries(self, segments: list[Segment], seg_dicts: list[dict[str, Any]]) -> None:
        limit = self.config.segment_summary_min_chars
        if limit == 0 or self.summarizer is None:
            return
        for seg, row in zip(segments, seg_dicts, strict=True):
            if len(row["text"]) > limit:
                row["summary"] = self.summarizer.summarize_paragraphs(
                    list(seg.content), self.config.segment_summary_sentences
                )

    @staticmethod
    def _theme_shares(seg_dicts: list[dict[str, Any]]) -> dict[str, float] | None:
        """Share of the page's segment text per theme (by characters); null without a classifier."""
        tagged = [row for row in seg_dicts if row["theme"] is not None]
        if not tagged:
            return None
        weights = [max(len(row["text"]), 1) for row in tagged]  # a headline-only page still counts
        total = sum(weights)
        shares: dict[str, float] = {}
        for row, weight in zip(tagged, weights, strict=True):
            shares[row["theme"]] = shares.get(row["theme"], 0.0) + weight / total
        return {k: round(v, 4) for k, v in sorted(shares.items(), key=lambda kv: -kv[1])}
