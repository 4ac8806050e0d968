"""Print rows/s of `wenzhai batch` on N rows: the Ray engine vs the in-process engine.

Rows are real texts (the dev set's, else the project's handwritten examples) cycled to N rows with
unique ids. "wall" and "rows/s" cover a whole run, model loading and (for Ray) cluster start-up
included; "first rows after" is that fixed cost, and the last column the rate once rows flow.

Usage: .venv/bin/python bench/batch_bench.py [--rows 2000] [--model tiny|default|DIR] [--mode analyze]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.tiny_models when run as a script

from wenzhai.serving.batch.runner import BatchCounts, BatchJob, run_batch  # noqa: E402

NICENESS_ENV = "RAY_worker_niceness"  # Ray reads its config from RAY_<name> variables
TEXT_SOURCES = [REPO.parent / "shared" / "dev" / "themes_dev.jsonl", REPO / "data" / "themes" / "handwritten"]


def load_texts() -> tuple[list[str], str]:
    for source in TEXT_SOURCES:
        files = sorted(source.glob("*.jsonl")) if source.is_dir() else [source] if source.exists() else []
        texts = [json.loads(line)["text"] for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        if texts:
            return texts, str(source)
    raise SystemExit("no texts found in " + ", ".join(map(str, TEXT_SOURCES)))


def write_rows(path: Path, texts: list[str], n: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"bench-{i:06d}", "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n")


def resolve_model(choice: str, workdir: Path) -> str:
    if choice == "tiny":
        from tests.tiny_models import build_tiny_classifier

        return str(build_tiny_classifier(workdir / "tiny-model"))
    if choice == "default":
        from wenzhai.models.loading import default_model_dir

        path = default_model_dir()
        if path is None:
            raise SystemExit("--model default: no default model is installed (models/default/ or $WENZHAI_MODEL)")
        return str(path)
    return choice


def timed(job: BatchJob) -> BatchCounts:
    counts = run_batch(job)
    if counts.error:
        print(f"  note: {counts.error} error rows", file=sys.stderr)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--model", default="tiny", help="tiny (random, built now), default, or a model folder")
    parser.add_argument("--mode", default="analyze", choices=["analyze", "tag", "summarize"])
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--local-threads", default="1", help="comma-separated torch thread counts for in-process runs")
    parser.add_argument("--ray-niceness", type=int, default=None,
                        help="nice level of Ray workers (Ray's default is 15: they yield to everything else)")
    args = parser.parse_args()

    texts, source = load_texts()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model = resolve_model(args.model, work)
        write_rows(work / "in.jsonl", texts, args.rows)
        print(f"{args.rows:,} rows ({len(texts)} distinct texts from {source}), mode {args.mode}, model {model}")

        def job(name: str, engine: str, **kwargs) -> BatchJob:
            return BatchJob(str(work / "in.jsonl"), str(work / f"{name}.jsonl"), mode=args.mode, engine=engine,
                            model=model, progress=False, **kwargs)

        if args.ray_niceness is not None:
            os.environ[NICENESS_ENV] = str(args.ray_niceness)
        results = {
            f"in-process, {n} torch thread(s)": timed(job(f"local{n}", "local", threads=n))
            for n in map(int, args.local_threads.split(","))
        }
        ray_name = f"ray, {args.actors} actors x 1 thread"
        results[ray_name] = timed(job("ray", "ray", actors=args.actors))
    niceness = os.environ.get(NICENESS_ENV, "15 (Ray's default)")
    print(f"  (Ray workers at nice {niceness}; this process at nice {os.nice(0)}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"  {'run':<30} {'wall':>7}  {'rows/s':>8}  {'first rows after':>16}  {'rows/s after them':>17}")
    for name, counts in results.items():
        rest = args.rows - counts.first_batch_rows
        steady = rest / max(counts.seconds - counts.first_rows_after, 1e-9)
        print(f"  {name:<30} {counts.seconds:6.1f}s  {args.rows / counts.seconds:8.1f}  "
              f"{counts.first_rows_after:15.1f}s  {steady:17.1f}")
    best_local = min(c.seconds for k, c in results.items() if k.startswith("in-process"))
    print(f"  ray vs best in-process: {results[ray_name].seconds / best_local:.2f}x the wall time")


if __name__ == "__main__":
    main()
