"""The distributed engine: Ray Data, with a pool of actors that each load the model once.

Pipeline: a file datasource (read tasks run :func:`serving.batch.sources.read_rows`, the reader the
in-process engine uses) → ``map_batches`` over an actor pool whose actors build one
:class:`~serving.batch.scoring.Scorer` each and call :func:`~serving.batch.scoring.process_rows` on
every batch → the driver streams the finished batches back (``iter_batches``) and appends them to
OUTPUT. Without an address a private local Ray is started for the run and stopped after it; with
``--address`` (or ``RAY_ADDRESS``, as ``ray job submit`` sets it) the run joins that cluster.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import ray
from ray.data.datasource import FileBasedDatasource

from wenzhai.models.inputs import InputError
from wenzhai.serving.batch.scoring import Outcome, ScorerSpec, process_rows
from wenzhai.serving.batch.sources import InputFile, RawRow, read_rows

ROW_SCHEMA = pa.schema(
    [("source", pa.string()), ("row_no", pa.int64()), ("line", pa.string()), ("problem", pa.string())]
)
LOCAL_OBJECT_STORE_BYTES = 256 * 1024**2


class RawRowDatasource(FileBasedDatasource):
    """Our JSONL/Parquet files as Arrow blocks of raw rows (one read task per group of files)."""

    def __init__(self, files: list[InputFile], chunk_rows: int) -> None:
        super().__init__([str(file.path) for file in files])
        self._names = {str(file.path): (file.name, file.kind) for file in files}
        self._chunk_rows = chunk_rows

    def _open_input_source(self, filesystem, path: str, **open_args):
        return filesystem.open_input_file(path)  # random access: Parquet needs it, JSONL doesn't mind

    def _read_stream(self, f, path: str) -> Iterator[pa.Table]:
        name, kind = self._names[path]
        for chunk in read_rows(f, kind, name, self._chunk_rows):
            yield pa.Table.from_pylist([row._asdict() for row in chunk], schema=ROW_SCHEMA)


class ScoringActor:
    """One Ray actor: loads the model once (constructor), then scores batch after batch."""

    def __init__(self, spec: ScorerSpec, done: set[tuple[str, Any]]) -> None:
        self.scorer = spec.build()
        self.done = done

    def __call__(self, batch: pa.Table) -> pa.Table:
        columns = [batch.column(name).to_pylist() for name in ROW_SCHEMA.names]
        rows = [RawRow(*values) for values in zip(*columns, strict=True)]
        outcomes = process_rows(self.scorer, rows, self.done)
        return pa.table({"status": [o.status for o in outcomes], "line": [o.line for o in outcomes]})


def check_reachable(address: str, timeout_s: float = 5.0) -> None:
    """Fail at once with a clear message when ``host:port`` does not answer (``ray.init`` would retry
    for minutes); ``auto`` and other forms without a port are left to Ray."""
    host, _, port = address.split("://", 1)[-1].rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=timeout_s).close()
    except OSError as exc:
        raise InputError(f"--address: no Ray cluster answers at {address} ({exc.strerror or exc})") from None


class RayEngine:
    name = "ray"

    def __init__(self, address: str | None = None, actors: int | None = None, cpus_per_actor: float = 1.0) -> None:
        self.address = address
        self.actors = actors
        self.cpus_per_actor = cpus_per_actor

    def _start(self) -> int:
        """Start or join Ray; return the actor pool size."""
        if self.address:
            check_reachable(self.address)
        # Workers' own output and Ray's start-up notices would break the progress bar; errors still
        # surface as exceptions on the driver (and in Ray's logs under /tmp/ray).
        quiet = {"log_to_driver": False, "logging_level": logging.ERROR, "include_dashboard": False}
        if self.address or os.environ.get("RAY_ADDRESS"):
            ray.init(address=self.address, **quiet)
            cluster_cpus = ray.cluster_resources().get("CPU", 1.0)
            # Leave one CPU for the read tasks: an actor pool holding every CPU starves them.
            return self.actors or max(1, int((cluster_cpus - 1) // self.cpus_per_actor))
        actors = self.actors or max(1, int((os.cpu_count() or 1) // self.cpus_per_actor))
        # Logical CPUs (Ray does not pin): the actors' share plus one for the read tasks.
        ray.init(
            num_cpus=int(actors * self.cpus_per_actor) + 1,
            object_store_memory=LOCAL_OBJECT_STORE_BYTES,
            **quiet,
        )
        return actors

    def run(
        self, files: list[InputFile], spec: ScorerSpec, done: set[tuple[str, Any]], batch_size: int
    ) -> Iterator[list[Outcome]]:
        """Outcomes batch by batch, in completion order."""
        actors = self._start()
        try:
            logging.getLogger("ray.data").setLevel(logging.ERROR)
            context = ray.data.DataContext.get_current()
            context.enable_progress_bars = False  # the runner shows one bar for the whole job
            context.print_on_execution_start = False
            if spec.threads is None:
                spec = dataclasses.replace(spec, threads=max(1, int(self.cpus_per_actor)))
            dataset = ray.data.read_datasource(RawRowDatasource(files, batch_size)).map_batches(
                ScoringActor,
                fn_constructor_kwargs={"spec": spec, "done": done},
                batch_size=batch_size,
                batch_format="pyarrow",
                compute=ray.data.ActorPoolStrategy(size=actors),
                num_cpus=self.cpus_per_actor,
            )
            for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
                yield [Outcome(*pair) for pair in zip(*(batch.column(c).to_pylist() for c in ("status", "line")), strict=True)]
        finally:
            ray.shutdown()
