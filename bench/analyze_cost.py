"""Print what `analyze` costs against tagging the same text once, and how that cost grows with length.

Why: `analyze` reads a page several times (paragraph probabilities for segmentation, segment themes,
sentence vectors for the summaries); the issue's target is analyze <= 1.5x tagging the page's whole
text once (`classifier.predict([text])`), with cost linear in length. Both run in this one process on
the same loaded pipeline (models/default on ONNX Runtime, --threads compute threads), alternating, so
the ratio compares like with like even on a busy machine; the load average is printed beside it.

Documents: the seed page (../shared/seed/page.txt) and longer ones made of its paragraphs, each
paragraph numbered so no two are equal (the cleaner would fold repeats). Every analyze run starts
with the sentence encoder's memory of recent vectors emptied: a new document's sentences are new.

Usage: .venv/bin/python bench/analyze_cost.py [--sizes 5000,40000,150000] [--runs 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from load_test import long_document  # bench/ is the script's folder, first on sys.path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "page.txt"


def document(page: str, chars: int) -> str:
    """``chars`` characters (at paragraph boundaries) of the page's paragraphs, numbered, repeated as needed."""
    return long_document([p.strip() for p in page.split("\n\n") if p.strip()], chars)


def timed(call, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5000,40000,150000", help="document sizes in characters (the seed page first)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per size of each of tag-once and analyze")
    parser.add_argument("--threads", type=int, default=2, help="compute threads (ONNX Runtime)")
    parser.add_argument("--segment-themes", default=None, metavar="MODE",
                        help="lead, paragraphs or reread (PipelineConfig.segment_themes; default: the pipeline's own)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not SEED.exists():
        sys.exit(f"bench/analyze_cost.py: needs {SEED} (the shared data folder beside the project)")
    if args.runs < 1 or not sizes or min(sizes) < 1:
        parser.error("--runs and --sizes must be >= 1")
    from wenzhai.models.loading import load_pipeline
    from wenzhai.models.pipeline import PipelineConfig

    pipeline = load_pipeline(threads=args.threads)
    if args.segment_themes is not None:
        try:
            pipeline.config = PipelineConfig(segment_themes=args.segment_themes)
        except ValueError as exc:
            parser.error(str(exc))
    page = SEED.read_text(encoding="utf-8")
    pipeline.analyze(page)  # warm-up: sessions, jieba's dictionary
    print(f"models/default, backend {pipeline.classifier.settings.backend}, {args.threads} threads, "
          f"segment themes: {pipeline.config.segment_themes}; "
          f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'chars':>8} {'tag-once s':>11} {'analyze s':>10} {'ratio':>6} {'analyze ms/1k chars':>20}  (medians of {args.runs})")
    rows = []
    for size in sizes:
        text = page if size <= len(page) else document(page, size)
        tag, analyze = [], []
        for _ in range(args.runs):  # alternate, so both see the same machine load
            tag += timed(lambda t=text: pipeline.classifier.predict([t]), 1)
            pipeline.classifier.forget_vectors()
            analyze += timed(lambda t=text: pipeline.analyze(t), 1)
        row = {"chars": len(text), "tag_once_s": statistics.median(tag), "analyze_s": statistics.median(analyze),
               "ratio": statistics.median(a / t for a, t in zip(analyze, tag, strict=True)),
               "load": os.getloadavg()[0]}
        rows.append(row)
        print(f"{row['chars']:>8,} {row['tag_once_s']:>11.2f} {row['analyze_s']:>10.2f} {row['ratio']:>6.2f} "
              f"{row['analyze_s'] / row['chars'] * 1e6:>20.1f}  load {row['load']:.1f}", flush=True)
    print(json.dumps({"analyze_cost": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
