"""Run one batch job: inputs → engine → OUTPUT, with a progress bar and the final counts.

The runner owns everything both engines share: finding and checking the inputs before any model
loads, resolving the model folder on the driver (workers get an absolute path), resuming from what
OUTPUT already holds, writing each finished chunk at once, and counting.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from wenzhai.models.inputs import InputError
from wenzhai.models.model_calls import install_gate
from wenzhai.serving.batch.output import open_output
from wenzhai.serving.batch.scoring import ERROR, OK, SKIPPED, ScorerSpec
from wenzhai.serving.batch.sources import find_inputs

ENGINES: tuple[str, ...] = ("local", "ray")


@dataclass
class BatchJob:
    """One `wenzhai batch` run."""

    input: str = field(metadata={"help": "A .jsonl/.parquet file, or a folder searched recursively for them."})
    output: str = field(metadata={"help": "The JSONL file results are appended to (resumable)."})
    mode: str = field(default="analyze", metadata={"help": "analyze (the analyze JSON), tag or summarize."})
    engine: str = field(default="local", metadata={"help": "local (in-process) or ray (Ray Data actors)."})
    model: str | None = field(default=None, metadata={"help": "Model folder; None: the default model."})
    address: str | None = field(default=None, metadata={"help": "Ray cluster address; None: a local Ray."})
    actors: int | None = field(default=None, metadata={"help": "Ray actors (model copies); None: one per CPU."})
    cpus_per_actor: float = field(default=1.0, metadata={"help": "CPUs reserved by each Ray actor."})
    batch_size: int = field(default=32, metadata={"help": "Rows per batch handed to the model."})
    threads: int | None = field(default=None, metadata={"help": "Torch threads per worker."})
    summary_sentences: int = field(default=3, metadata={"help": "Sentences per summary."})
    progress: bool = field(default=True, metadata={"help": "Show a progress bar on stderr."})

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise InputError(f"--engine: {self.engine!r} is not an engine; allowed: {', '.join(ENGINES)}")
        if self.engine != "ray" and (self.address or self.actors or self.cpus_per_actor != 1.0):
            raise InputError("--address, --actors and --cpus-per-actor need --engine ray")
        if self.actors is not None and self.actors < 1:
            raise InputError(f"--actors must be >= 1, got {self.actors}")
        if self.cpus_per_actor <= 0:
            raise InputError(f"--cpus-per-actor must be > 0, got {self.cpus_per_actor}")
        if not 1 <= self.batch_size <= 10_000:
            raise InputError(f"--batch-size must be between 1 and 10000, got {self.batch_size}")

    def scorer_spec(self) -> ScorerSpec:
        """The spec workers build their scorer from, with the model folder resolved here, once."""
        from wenzhai.models.loading import model_path

        model = None if self.model == "none" else model_path(self.model)
        return ScorerSpec(
            mode=self.mode,
            model=str(model.resolve()) if model is not None else None,
            threads=self.threads,
            summary_sentences=self.summary_sentences,
        )


@dataclass
class BatchCounts:
    ok: int = 0  # rows scored and written by this run
    error: int = 0  # error rows written by this run
    skipped: int = 0  # input rows skipped because OUTPUT already had them
    truncated_bytes: int = 0  # unfinished last line cut off OUTPUT before resuming
    seconds: float = 0.0  # wall time of the run
    first_rows_after: float = 0.0  # wall time until the first batch came back (start-up + model load)
    first_batch_rows: int = 0  # rows in that first batch

    def summary(self, output: str) -> str:
        text = f"{self.ok:,} ok and {self.error:,} error rows written to {output} in {self.seconds:.1f} s"
        if self.first_batch_rows:
            text += f" (first rows after {self.first_rows_after:.1f} s)"
        if self.skipped:
            text += f"; {self.skipped:,} rows skipped (already in OUTPUT)"
        if self.truncated_bytes:
            text += f"; cut an unfinished last line ({self.truncated_bytes:,} bytes) off OUTPUT first"
        return text


def make_engine(job: BatchJob):
    if job.engine == "local":
        from wenzhai.serving.batch.local_engine import LocalEngine

        return LocalEngine()
    try:
        from wenzhai.serving.batch.ray_engine import RayEngine
    except ImportError as exc:
        raise InputError(f"--engine ray needs Ray Data ({exc}); install it with: pip install 'ray[data]'") from None
    return RayEngine(address=job.address, actors=job.actors, cpus_per_actor=job.cpus_per_actor)


@contextmanager
def model_call_ticker(job: BatchJob) -> Iterator[tqdm]:
    """A second progress line that moves with every bounded model call of the current batch.

    Why: the row bar moves once per batch, and a batch of long documents (a 150,000-character essay is
    a few thousand token windows) can take minutes; this line shows the work going on meanwhile.
    In-process engine only: on Ray the model calls run in other processes.
    """
    ticker = tqdm(unit="call", desc="  model calls in this batch", disable=not job.progress or job.engine != "local",
                  mininterval=1.0, dynamic_ncols=True, position=1, leave=False)

    @contextmanager
    def tick() -> Iterator[None]:
        yield
        ticker.update(1)

    install_gate(None if ticker.disable else tick)
    try:
        with ticker:
            yield ticker
    finally:
        install_gate(None)


def run_batch(job: BatchJob) -> BatchCounts:
    """Score every input row not yet in OUTPUT; append one JSON line per row; return the counts."""
    start = time.perf_counter()
    output = Path(job.output)
    files = find_inputs(job.input, exclude=output)
    spec = job.scorer_spec()
    engine = make_engine(job)
    total = sum(file.rows_estimate() for file in files)
    handle, resumed = open_output(output)
    counts = BatchCounts(truncated_bytes=resumed.truncated_bytes)
    tally = {OK: 0, ERROR: 0, SKIPPED: 0}
    bar = tqdm(
        total=total, unit="row", desc=f"wenzhai batch ({job.engine})", disable=not job.progress,
        mininterval=1.0, dynamic_ncols=True,
    )
    with handle, bar, model_call_ticker(job) as ticker:
        for outcomes in engine.run(files, spec, resumed.done, job.batch_size):
            handle.write("".join(outcome.line for outcome in outcomes))
            handle.flush()
            if not counts.first_batch_rows:
                counts.first_rows_after, counts.first_batch_rows = time.perf_counter() - start, len(outcomes)
            for outcome in outcomes:
                tally[outcome.status] += 1
            bar.update(len(outcomes))
            bar.set_postfix(ok=tally[OK], error=tally[ERROR], skipped=tally[SKIPPED], refresh=False)
            ticker.reset()
        os.fsync(handle.fileno())
        bar.total = bar.n  # the estimate counted blank lines; end the bar at what was read
        bar.refresh()
    counts.ok, counts.error, counts.skipped = tally[OK], tally[ERROR], tally[SKIPPED]
    counts.seconds = time.perf_counter() - start
    return counts
