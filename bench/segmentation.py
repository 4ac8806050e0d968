"""Print how long cleaning and segmenting the seed page takes (median and worst of N runs).

Usage: .venv/bin/python bench/segmentation.py [PAGE] [--runs 50]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from wenzhai.models.segmentation import segment_page
from wenzhai.models.text import clean_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page", nargs="?", default=str(Path(__file__).resolve().parents[1].parent / "shared/seed/page.txt"))
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    raw = Path(args.page).read_text(encoding="utf-8")
    segment_page(clean_page(raw))  # warm-up (imports, regex compilation)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        segments = segment_page(clean_page(raw))
        times.append((time.perf_counter() - start) * 1000)
    print(f"{len(raw):,} chars → {len(segments)} segments; clean+segment over {args.runs} runs: "
          f"median {statistics.median(times):.1f} ms, p90 {sorted(times)[int(0.9 * len(times))]:.1f} ms, "
          f"max {max(times):.1f} ms")


if __name__ == "__main__":
    main()
