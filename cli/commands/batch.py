"""`wenzhai batch INPUT OUTPUT`: score whole archives, in process or on a Ray cluster, resumably."""

from __future__ import annotations

import argparse
import sys

from wenzhai.serving.batch.runner import ENGINES, BatchJob
from wenzhai.serving.batch.scoring import MODES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="score JSONL/Parquet archives (resumable; in process or on Ray)",
        description='Read {"id", "text"} rows from JSONL or Parquet files (or folders of them) and append one '
        "JSON line per row to OUTPUT: the analyze JSON with its id (default), or the tag/summarize result. "
        'A bad row becomes {"id", "source", "error"}. Run it again after a crash and rows whose id is '
        "already in OUTPUT are skipped.",
    )
    p.add_argument("input", metavar="INPUT", help=".jsonl or .parquet file, or a folder searched recursively")
    p.add_argument("output", metavar="OUTPUT", help="JSONL file to append results to (created if missing)")
    p.add_argument("--mode", choices=MODES, default="analyze", help="what to compute per row (default analyze)")
    p.add_argument("--engine", choices=ENGINES, default="local",
                   help="local: in this process; ray: Ray Data actors, one model per actor (default local)")
    p.add_argument("--address", default=None,
                   help="Ray cluster to join (e.g. ray://head:10001 or auto); default: $RAY_ADDRESS, else a "
                   "private local Ray for this run")
    p.add_argument("--actors", type=int, default=None, help="Ray actors, each holding one model copy "
                   "(default: one per CPU, leaving one CPU for reading on a cluster)")
    p.add_argument("--cpus-per-actor", type=float, default=1.0, help="CPUs each Ray actor reserves and uses as "
                   "torch threads (default 1)")
    p.add_argument("--model", default=None, help="model folder, or 'none' for text statistics only; "
                   "default: the shipped default model (on a cluster it must exist on every node)")
    p.add_argument("--batch-size", type=int, default=32, help="rows per model batch (default 32)")
    p.add_argument("--threads", type=int, default=None, help="torch threads per worker "
                   "(default: torch's default in process, --cpus-per-actor on Ray)")
    p.add_argument("--summary-sentences", type=int, default=3, help="sentences per summary (default 3)")
    p.add_argument("--no-progress", action="store_true", help="do not show the progress bar")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wenzhai.serving.batch.runner import run_batch

    job = BatchJob(
        input=args.input,
        output=args.output,
        mode=args.mode,
        engine=args.engine,
        model=args.model,
        address=args.address,
        actors=args.actors,
        cpus_per_actor=args.cpus_per_actor,
        batch_size=args.batch_size,
        threads=args.threads,
        summary_sentences=args.summary_sentences,
        progress=not args.no_progress,
    )
    counts = run_batch(job)
    print(f"wenzhai batch: {counts.summary(args.output)}", file=sys.stderr)
    return 0
