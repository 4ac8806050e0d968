"""Seconds to summarise a 20,000-character essay with the shipped summariser (learned scorer).

    .venv/bin/python bench/summary_speed.py [--model DIR] [--threads 2] [--repeats 5]

The text is 20,000 characters of People's Daily 1998 prose (`training.summary_data.long_text`,
../shared). The summariser reads sentences with the theme model's own encoder (as the service
does); the model is loaded and warmed up before timing. Prints the best and median wall seconds
and the median CPU seconds of ``summarize(text, Budget(max_sentences=3))``, for the learned scorer
and the centrality scorer, and of keyword extraction, with the load average around the runs.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

BUDGET_S = 1.5


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=None, help="theme model folder (default: the shipped one)")
    p.add_argument("--shared", default="../shared")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()

    from wenzhai.models.keywords import extract_keywords
    from wenzhai.models.loading import load_classifier
    from wenzhai.models.summarizer import Summarizer
    from wenzhai.models.summary_budget import Budget
    from wenzhai.training.summarization_eval import time_call
    from wenzhai.training.summary_data import long_text

    text = long_text(Path(args.shared) / "corpora" / "pd199801" / "pd199801_plain.txt")
    learned = Summarizer.from_classifier(load_classifier(args.model, threads=args.threads))
    centrality = Summarizer(learned.embed, replace(learned.config, scorer="centrality"))
    budget = Budget(max_sentences=3)
    load_before = os.getloadavg()[0]
    for name, summarizer in (("learned scorer", learned), ("centrality scorer", centrality)):
        summarizer.summarize(text, budget)  # warm-up: first-call allocations, jieba and ONNX sessions
        timing = time_call(lambda s=summarizer: s.summarize(text, budget), args.repeats)
        verdict = "within" if timing.median <= BUDGET_S else "OVER"
        print(f"{name}: {len(text):,} chars, 3 sentences: best {timing.best:.3f} s, median {timing.median:.3f} s "
              f"wall ({verdict} the {BUDGET_S} s budget), CPU {timing.cpu:.3f} s")
    extract_keywords("预热")
    keywords = time_call(lambda: extract_keywords(text), args.repeats)
    print(f"keywords: best {keywords.best:.3f} s, median {keywords.median:.3f} s")
    print(f"threads {args.threads}; 1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
          f"on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
