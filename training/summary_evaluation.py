"""Score summarisers against reference summaries: ours, Lead-1, Lead-3 and TextRank side by side.

The data is JSON lines with ``id``, ``article`` and ``summary`` (``title`` and ``source_kind``
optional), as ``../shared/dev/summaries_dev.jsonl``. Every system summarises the article alone (the
title is never given to any system) to the same number of sentences; the baselines choose among
exactly the body sentences our summariser sees (`training.summary_data.Document`), so the units are
the same and only the choice differs.

ROUGE-1/2/L F1 at character level comes from ``rouge-score`` with our character tokenizer
(`training.summary_rouge`). Each mean has a 95 % percentile bootstrap interval over the rows, each
difference ours − baseline a paired one; the same tables are given per ``source_kind``.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from wenzhai.training.jsonl import iter_jsonl
from wenzhai.training.summary_baselines import lead, textrank
from wenzhai.training.summary_data import Document
from wenzhai.training.summary_rouge import (
    ROUGE_TYPES,
    bootstrap_interval,
    make_scorer,
    paired_bootstrap,
    rouge_f1,
)

#: A system: the document and a number of sentences -> the summary text.
SummarySystem = Callable[[Document, int], str]

REQUIRED_FIELDS = ("id", "article", "summary")


@dataclass(frozen=True)
class ReferenceRow:
    """One article with its reference summary."""

    id: str
    article: str
    summary: str
    title: str = ""
    source_kind: str = "all"


def load_reference_rows(path: Path) -> list[ReferenceRow]:
    """Rows of a JSONL file; a bad line is an error naming the line and the field."""
    rows = []
    for where, record in iter_jsonl(path):
        if not isinstance(record, dict):
            raise ValueError(f"{where}: expected a JSON object")
        for name in REQUIRED_FIELDS:
            if not isinstance(record.get(name), str) or not record[name].strip():
                raise ValueError(f"{where}: field {name!r} must be a non-empty string")
        rows.append(ReferenceRow(record["id"], record["article"], record["summary"],
                                 str(record.get("title") or ""), str(record.get("source_kind") or "all")))
    if not rows:
        raise ValueError(f"{path}: no rows")
    return rows


def baseline_systems(sentences: int) -> dict[str, SummarySystem]:
    """Lead-1, Lead-k and TextRank-k (k = ``sentences``) over the document's body sentences."""

    def pick(choose: Callable[[Sequence[str], int], list[int]], fixed: int | None = None) -> SummarySystem:
        return lambda doc, k: "".join(doc.sentences[i] for i in choose(doc.sentences, fixed or k))

    return {"Lead-1": pick(lead, 1), f"Lead-{sentences}": pick(lead), f"TextRank-{sentences}": pick(textrank)}


@dataclass
class Evaluation:
    """Per-row ROUGE (0–100) of every system, and the rows' source kinds."""

    kinds: list[str]
    scores: dict[str, list[dict[str, float]]]
    lengths: dict[str, list[int]]

    def subset(self, kind: str) -> Evaluation:
        keep = [i for i, k in enumerate(self.kinds) if k == kind]
        return Evaluation([kind] * len(keep), {n: [r[i] for i in keep] for n, r in self.scores.items()},
                          {n: [r[i] for i in keep] for n, r in self.lengths.items()})

    def column(self, system: str, rouge: str) -> list[float]:
        return [row[rouge] for row in self.scores[system]]


def evaluate(rows: Sequence[ReferenceRow], systems: dict[str, SummarySystem], sentences: int) -> Evaluation:
    """Run every system on every row at ``sentences`` sentences and score it."""
    scorer = make_scorer()
    docs = [Document.from_text(row.id, row.article, row.summary) for row in rows]
    scores: dict[str, list[dict[str, float]]] = {}
    lengths: dict[str, list[int]] = {}
    for name, system in systems.items():
        outputs = [system(doc, sentences) for doc in docs]
        scores[name] = [{k: 100 * v for k, v in rouge_f1(scorer, out, doc.reference or "").items()}
                        for out, doc in zip(outputs, docs, strict=True)]
        lengths[name] = [len(out) for out in outputs]
    return Evaluation([row.source_kind for row in rows], scores, lengths)


def _interval(values: Sequence[float], samples: int, seed: int) -> str:
    mean, low, high = bootstrap_interval(values, samples, seed)
    return f"{mean:.2f} [{low:.2f}, {high:.2f}]"


def markdown_tables(evaluation: Evaluation, ours: str, samples: int = 2000, seed: int = 0) -> list[str]:
    """The system table (mean and 95 % interval per ROUGE type) and ours − each baseline (paired)."""
    header = ["system", *(f"{t.replace('rouge', 'ROUGE-')} [95 %]" for t in ROUGE_TYPES), "median chars"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in evaluation.scores:
        cells = [_interval(evaluation.column(name, t), samples, seed) for t in ROUGE_TYPES]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {statistics.median(evaluation.lengths[name]):.0f} |")
    lines += ["", "| ours − baseline | " + " | ".join(t.replace("rouge", "ROUGE-") for t in ROUGE_TYPES) + " |",
              "|---|" + "---|" * len(ROUGE_TYPES)]
    for name in evaluation.scores:
        if name == ours:
            continue
        cells = []
        for t in ROUGE_TYPES:
            mean, low, high = paired_bootstrap(evaluation.column(ours, t), evaluation.column(name, t), samples, seed)
            cells.append(f"{mean:+.2f} [{low:+.2f}, {high:+.2f}]")
        lines.append(f"| {ours} − {name} | " + " | ".join(cells) + " |")
    return lines


def report(
    evaluation: Evaluation, ours: str, sentences: int, samples: int = 2000, seed: int = 0,
    ours_budget: str | None = None,
) -> str:
    """Markdown: all rows, then one block per ``source_kind`` (in order of first appearance)."""
    budget = f"{sentences} sentences per summary (Lead-1: one"
    budget += f"; ours: at most {ours_budget})" if ours_budget else ")"
    lines = [f"Character ROUGE F1 × 100 (rouge-score, character tokenizer), {budget}, {len(evaluation.kinds)} rows; "
             f"[95 % bootstrap interval over rows, {samples:,} resamples].", "", "### All rows", ""]
    lines += markdown_tables(evaluation, ours, samples, seed)
    for kind in dict.fromkeys(evaluation.kinds):
        part = evaluation.subset(kind)
        lines += ["", f"### {kind} ({len(part.kinds)} rows)", ""]
        lines += markdown_tables(part, ours, samples, seed)
    return "\n".join(lines) + "\n"
