"""Text clean-up and sentence splitting for OCR'd Chinese pages.

`clean_page` turns raw input into `Paragraph` objects (kind, span and per-character offsets into the
input); `split_sentences` cuts a paragraph into `Sentence` objects whose spans still point into the
input; `clean_text` is the plain-string form used by training code.
"""

from __future__ import annotations

from wenzhai.models.text.paragraphs import CleanConfig, clean_page
from wenzhai.models.text.sentences import split_sentences
from wenzhai.models.text.types import PARAGRAPH_KINDS, Paragraph, ParagraphKind, Sentence, span_of

#: Training data and classifier inputs are cleaned by the rules alone: the theme model was trained on
#: text cleaned this way, and a single text needs no page reading.
TEXT_CLEANING = CleanConfig(reader="rules")


def clean_text(raw: str, config: CleanConfig | None = None) -> str:
    """The cleaned paragraphs of ``raw`` joined by ``"\\n"`` (no spans), for training data."""
    return "\n".join(p.text for p in clean_page(raw, config or TEXT_CLEANING))


__all__ = [
    "PARAGRAPH_KINDS",
    "CleanConfig",
    "Paragraph",
    "ParagraphKind",
    "Sentence",
    "clean_page",
    "clean_text",
    "span_of",
    "split_sentences",
]
