"""Print how long reading a page takes (median and worst of N runs): clean-up + segmentation, and
optionally the analysis without summaries (clean-up, theme probabilities, segmentation, tagging).

Usage: .venv/bin/python bench/segmentation.py [PAGE] [--runs 50] [--analyze] [--model DIR]

To compare with an older commit, export its ``models/`` folder as ``OLD/wenzhai/models`` (``git archive``)
and run this script with ``PYTHONPATH=OLD``: the older code is then imported instead.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from wenzhai.models.segmentation import segment_page
from wenzhai.models.text import clean_page


def _segments(result: object) -> list:
    """The segments of an analysis (older commits returned the JSON dict)."""
    return result["segments"] if isinstance(result, dict) else result.segments


def timed(label: str, run: Callable[[], int], runs: int) -> None:
    run()  # warm-up (imports, regex compilation, model sessions)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        n = run()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label}: {n} segments; over {runs} runs: median {statistics.median(times):.1f} ms, "
          f"p90 {sorted(times)[int(0.9 * len(times))]:.1f} ms, max {max(times):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page", nargs="?", default=str(Path(__file__).resolve().parents[1].parent / "shared/seed/page.txt"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--analyze", action="store_true", help="also time the analysis with the theme model")
    parser.add_argument("--model", default=None, help="theme model folder (default: the shipped one)")
    args = parser.parse_args()
    raw = Path(args.page).read_text(encoding="utf-8")
    print(f"{len(raw):,} characters")
    timed("clean+segment", lambda: len(segment_page(clean_page(raw))), args.runs)
    if args.analyze:
        from wenzhai.models.loading import load_classifier
        from wenzhai.models.pipeline import Pipeline

        pipeline = Pipeline(classifier=load_classifier(args.model, threads=1))
        timed("analyze (no summaries, 1 thread)",
              lambda: len(_segments(pipeline.analyze(raw, summary_sentences=0))), args.runs)


if __name__ == "__main__":
    main()
