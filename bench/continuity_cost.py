"""Print what reading the gaps of a page costs (the continuity model, `models.continuity`) against the
paragraph pass that page reading makes anyway, per page of a gold pages file and on the seed page.

Why: the continuity model adds an encoder call (at the sentence-vector depth, 80 characters each side of every gap
inside a run of text) to `analyze`; this says how large it is. Both run on one compute thread, with an
empty memory of sentence vectors (every page is new to it).

Usage: .venv/bin/python bench/continuity_cost.py [--data ../shared/dev/pages_dev.jsonl] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(SHARED / "dev" / "pages_dev.jsonl"), help="gold pages (JSONL)")
    parser.add_argument("--seed-page", default=str(SHARED / "seed" / "page.txt"), help="the seed page")
    parser.add_argument("--threads", type=int, default=1, help="compute threads (ONNX Runtime)")
    args = parser.parse_args()
    for path in (args.data, args.seed_page):
        if not Path(path).is_file():
            sys.exit(f"bench/continuity_cost.py: needs {path} (the shared data folder beside the project)")
    from wenzhai.models.loading import load_classifier
    from wenzhai.models.pipeline import paragraph_pass
    from wenzhai.models.segmentation import SegmentationConfig, gapped_runs, paragraph_tokens
    from wenzhai.models.text import clean_page
    from wenzhai.training.page_eval import load_gold_pages

    classifier = load_classifier(None, threads=args.threads)
    continuity = classifier.continuity
    if continuity is None:
        sys.exit("bench/continuity_cost.py: the default model has no continuity.json (wenzhai train-continuity)")
    embed = classifier.sentence_embedder(continuity.settings.layers)
    tokens = paragraph_tokens(SegmentationConfig())
    pages = [p.page_text for p in load_gold_pages(args.data)] + [Path(args.seed_page).read_text(encoding="utf-8")]
    gaps, reading, passing = [], [], []
    for text in pages:
        paragraphs = clean_page(text)
        runs = gapped_runs(paragraphs)
        gaps.append(sum(len(run) - 1 for run in runs))
        embed.forget()
        started = time.perf_counter()
        continuity.opening_probs(embed, paragraphs, runs)
        reading.append(time.perf_counter() - started)
        started = time.perf_counter()
        paragraph_pass(classifier, paragraphs, max_tokens=tokens)  # as much of each as analyze reads
        passing.append(time.perf_counter() - started)
    ms = [1000 * t for t in reading]
    print(f"{len(pages) - 1} pages of {args.data} and the seed page, {args.threads} thread(s)")
    print(f"gaps read per page: median {statistics.median(gaps[:-1])}, seed page {gaps[-1]}")
    print(f"continuity: median {statistics.median(ms[:-1]):.0f} ms, max {max(ms[:-1]):.0f} ms per page; seed page {ms[-1]:.0f} ms")
    print(f"paragraph pass: median {1000 * statistics.median(passing[:-1]):.0f} ms per page; seed page {1000 * passing[-1]:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
