"""Texts the summariser is evaluated on: LCSTS, the seed page's essays, assembled long texts.

Every text becomes a :class:`Document` whose ``sentences`` are exactly the summariser's candidate
units (body sentences from our cleaner and splitter), so baselines and our system choose among the
same sentences.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenzhai.models.summarizer import SummarizerConfig, body_sentences
from wenzhai.models.text import Paragraph, clean_page


@dataclass
class Document:
    """A text to summarise: cleaned paragraphs, body sentences, maybe a reference and sections.

    sections: per sentence, the source article it came from (assembled long texts only).
    """

    id: str
    paragraphs: list[Paragraph]
    sentences: list[str]
    reference: str | None = None
    sections: list[int] = field(default_factory=list)

    @classmethod
    def from_paragraphs(cls, id: str, paragraphs: Sequence[Paragraph], reference: str | None = None) -> Document:
        sentences = [c.text for c in body_sentences(paragraphs, SummarizerConfig())]
        return cls(id, list(paragraphs), sentences, reference)

    @classmethod
    def from_text(cls, id: str, text: str, reference: str | None = None) -> Document:
        return cls.from_paragraphs(id, clean_page(text), reference)


def load_lcsts(path: Path, labels: Sequence[int]) -> list[Document]:
    """LCSTS rows whose ``human_label`` is in ``labels`` (and that have a body sentence)."""
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["human_label"] in labels:
            doc = Document.from_text(str(row["id"]), row["text"], row["summary"])
            if doc.sentences:
                docs.append(doc)
    return docs


def seed_essays(seed_text: str) -> list[tuple[str, list[Paragraph]]]:
    """The seed page's two long 千万工程 essays, located by their first and last paragraphs.

    The page prints one essay (黄祖辉's, starting "“千万工程”意义深远") without a headline of its
    own, ending at its 【执笔人…】 byline; the other runs from the headline "“千万工程”的深远意义"
    to the next headline.
    """
    paragraphs = clean_page(seed_text)

    def index(pred: Callable[[Paragraph], bool], start: int = 0) -> int:
        return next(i for i in range(start, len(paragraphs)) if pred(paragraphs[i]))

    a0 = index(lambda p: p.text.startswith("“千万工程”意义深远"))
    a1 = index(lambda p: p.kind == "byline", a0)
    b0 = index(lambda p: p.kind == "heading" and p.text == "“千万工程”的深远意义")
    b1 = index(lambda p: p.kind == "heading", b0 + 1)
    return [
        ("“千万工程”意义深远（黄祖辉）", paragraphs[a0 : a1 + 1]),
        ("“千万工程”的深远意义", paragraphs[b0:b1]),
    ]


def assembled_essays(folder: Path, min_chars: int = 3000) -> list[Document]:
    """Long texts built from the hand-written multi-segment articles, one register at a time.

    Articles (2+ segments each, in id order) are concatenated, segments as paragraphs, until the
    text reaches ``min_chars``; a remainder too short is dropped. ``sections`` records which article
    each sentence came from; the *proxy* reference is the first sentence of every article.
    """
    articles: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                articles.setdefault(row["article"], []).append(row)
    by_register: dict[str, list[list[dict[str, Any]]]] = {}
    for name in sorted(articles):
        rows = sorted(articles[name], key=lambda r: r["id"])
        if len(rows) >= 2:
            by_register.setdefault(rows[0].get("register", "other"), []).append(rows)
    docs = []
    for register, groups in sorted(by_register.items()):
        chunk: list[list[dict[str, Any]]] = []
        for rows in groups:
            chunk.append(rows)
            if sum(len(r["text"]) for a in chunk for r in a) >= min_chars:
                docs.append(_essay_from_articles(f"{register}-{len(docs)}", chunk))
                chunk = []
    return docs


def _essay_from_articles(name: str, articles: list[list[dict[str, Any]]]) -> Document:
    segments = [(number, r["text"]) for number, rows in enumerate(articles) for r in rows]
    text = "\n".join(t for _, t in segments)
    paragraphs = clean_page(text)
    candidates = body_sentences(paragraphs, SummarizerConfig())
    starts, position = [], 0  # where each segment begins in the joined text
    for _, segment in segments:
        starts.append(position)
        position += len(segment) + 1
    sections = []
    for c in candidates:
        segment = max(i for i, start in enumerate(starts) if start <= c.span[0])
        sections.append(segments[segment][0])
    leads: dict[int, str] = {}
    for c, section in zip(candidates, sections, strict=True):
        leads.setdefault(section, c.text)
    return Document(name, paragraphs, [c.text for c in candidates], "".join(leads.values()), sections)


def long_text(corpus: Path, chars: int = 20_000, skip_lines: int = 200, min_line: int = 60) -> str:
    """``chars`` characters of running People's Daily prose (lines of at least ``min_line``)."""
    out, total = [], 0
    for line in corpus.read_text(encoding="utf-8").splitlines()[skip_lines:]:
        if len(line) >= min_line:
            out.append(line)
            total += len(line) + 1
            if total >= chars:
                break
    return "\n".join(out)[:chars]
