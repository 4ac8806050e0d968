"""The in-process engine: the per-batch function in a loop, one model in this process.

It is the reference the Ray engine is tested against, and the right choice for a few thousand rows
(no cluster to start, rows written in input order).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wenzhai.serving.batch.scoring import Outcome, ScorerSpec, process_rows
from wenzhai.serving.batch.sources import InputFile, read_rows


class LocalEngine:
    name = "local"

    def run(
        self, files: list[InputFile], spec: ScorerSpec, done: set[tuple[str, Any]], batch_size: int
    ) -> Iterator[list[Outcome]]:
        """Outcomes chunk by chunk, in input order."""
        scorer = spec.build()
        for file in files:
            with file.path.open("rb") as f:
                for chunk in read_rows(f, file.kind, file.name, batch_size):
                    yield process_rows(scorer, chunk, done)
