"""The per-batch function of batch scoring, shared by every engine.

:func:`process_rows` turns a chunk of raw rows into one output line per row: validation (bad rows
become error rows), skipping rows already in OUTPUT, and the model call. The in-process engine calls
it in a loop; each Ray actor builds one :class:`Scorer` (the model is loaded once per actor) and
calls the same function on every batch it gets. So the two engines cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from wenzhai.models.records import Record, parse_record
from wenzhai.models.results import to_json
from wenzhai.models.summary_budget import DEFAULT_SUMMARY_SENTENCES, Budget
from wenzhai.serving.batch.sources import RawRow

MODES: tuple[str, ...] = ("analyze", "tag", "summarize")

OK, ERROR, SKIPPED = "ok", "error", "skipped"


class Outcome(NamedTuple):
    """What became of one input row: its status and, unless skipped, its output JSON line."""

    status: str  # OK, ERROR or SKIPPED (already in OUTPUT)
    line: str  # one JSON object followed by "\n"; "" when skipped


def row_key(row_id: Any, source: str) -> tuple[str, Any]:
    """How a row is recognised when resuming: its id, or its position when it has none."""
    return ("id", row_id) if row_id is not None else ("at", source)


@dataclass(frozen=True)
class ScorerSpec:
    """Everything a worker needs to build its scorer; small and picklable (shipped to Ray actors).

    ``model`` is an absolute model folder resolved on the driver, so workers never depend on their
    own environment; ``None`` means no theme model (analyze: text statistics only; tag and summarize
    need one: the summariser reads sentences with the theme model's encoder).
    """

    mode: str = field(default="analyze", metadata={"help": "analyze, tag or summarize."})
    model: str | None = field(default=None, metadata={"help": "Model folder (absolute) or None."})
    threads: int | None = field(default=None, metadata={"help": "Compute threads per worker (None: every core)."})
    summary_sentences: int = field(
        default=DEFAULT_SUMMARY_SENTENCES, metadata={"help": "Sentences per summary (analyze, summarize)."}
    )

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"--mode: {self.mode!r} is not a mode; allowed: {', '.join(MODES)}")
        if self.mode in ("tag", "summarize") and self.model is None:
            raise ValueError(f"--mode {self.mode} needs a theme model: give --model DIR (no default model is installed)")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"--threads must be >= 1, got {self.threads}")
        if not 0 <= self.summary_sentences <= 50 or (self.mode == "summarize" and self.summary_sentences == 0):
            low = 1 if self.mode == "summarize" else 0
            raise ValueError(
                f"--summary-sentences must be between {low} and 50 with --mode {self.mode}, got {self.summary_sentences}"
            )

    def build(self) -> Scorer:
        """Load the model(s) for this mode: called once per process (per actor on Ray)."""
        n = self.summary_sentences
        if self.mode == "analyze":
            from wenzhai.models.loading import load_pipeline

            pipeline = load_pipeline(self.model or "none", threads=self.threads)
            return Scorer(self.mode, lambda row: to_json(pipeline.analyze(row.text, summary_sentences=n)))
        if self.mode == "tag":
            from wenzhai.models.loading import load_classifier

            predict = load_classifier(self.model, threads=self.threads).predict
            return Scorer(self.mode, lambda row: to_json(predict([row.text])[0]),
                          many=lambda rows: to_json(predict([row.text for row in rows])))
        from wenzhai.models.loading import load_summarizer

        summarizer = load_summarizer(self.model, threads=self.threads)
        budget = Budget(max_sentences=n)
        return Scorer(self.mode, lambda row: to_json(summarizer.document_summary(row.text, budget, title=row.title)))


class Scorer:
    """A loaded model behind one mode: valid rows in, one result dict (or an error message) per row out.

    ``one`` scores a single row; ``many``, when the model batches well (the classifier), scores a
    whole batch at once, falling back to ``one`` per row if the batch fails so only the failing
    row becomes an error row. In ``summarize`` mode a row's optional ``title`` (its headline) is
    read too, as `wenzhai summarize --jsonl` reads it.
    """

    def __init__(
        self,
        mode: str,
        one: Callable[[Record], dict[str, Any]],
        many: Callable[[list[Record]], list[dict[str, Any]]] | None = None,
    ) -> None:
        self.mode = mode
        self.one = one
        self.many = many

    @property
    def reads_title(self) -> bool:
        """Whether rows are parsed with their optional headline: only summaries read one."""
        return self.mode == "summarize"

    def score(self, rows: list[Record]) -> list[dict[str, Any] | str]:
        if self.many is not None and rows:
            try:
                return list(self.many(rows))
            except Exception:  # isolate the failing row(s) below instead of losing the batch
                pass
        return [self._score_one(row) for row in rows]

    def _score_one(self, row: Record) -> dict[str, Any] | str:
        try:
            return self.one(row)
        except Exception as exc:  # one unprocessable document must not stop an archive run
            return f"{self.mode} failed: {type(exc).__name__}: {exc}"


def _dump(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False) + "\n"


def process_rows(scorer: Scorer, rows: list[RawRow], done: Container[tuple[str, Any]]) -> list[Outcome]:
    """One :class:`Outcome` per raw row, in order: parse, skip rows already done, score the rest."""
    records: list[tuple[RawRow, Record]] = []
    outcomes: list[Outcome | None] = []
    for raw in rows:
        record = (Record(id=None, error=raw.problem) if raw.problem
                  else parse_record(raw.line or "", raw.row_no, with_title=scorer.reads_title))
        if row_key(record.id, raw.source) in done:
            outcomes.append(Outcome(SKIPPED, ""))
        elif record.error is not None:
            outcomes.append(Outcome(ERROR, _dump({"id": record.id, "source": raw.source, "error": record.error})))
        else:
            outcomes.append(None)
            records.append((raw, record))
    results = iter(scorer.score([record for _, record in records]))
    pending = iter(records)
    for i, outcome in enumerate(outcomes):
        if outcome is not None:
            continue
        raw, record = next(pending)
        result = next(results)
        if isinstance(result, str):
            outcomes[i] = Outcome(ERROR, _dump({"id": record.id, "source": raw.source, "error": result}))
        else:
            outcomes[i] = Outcome(OK, _dump({"id": record.id, **result}))
    return [outcome for outcome in outcomes if outcome is not None]
