"""Seconds to summarise a 20,000-character essay with the shipped summariser (learned scorer).

    .venv/bin/python bench/summary_speed.py [--model DIR] [--threads 2] [--repeats 5]

The text is 20,000 characters of People's Daily 1998 prose (`training.summary_data.long_text`,
../shared). The summariser reads sentences with the theme model's own encoder (as the service
does); the model is loaded and warmed up before timing. Prints the best and median wall seconds
and the median CPU seconds of ``summarize(text, Budget(max_sentences=3))`` by a fresh summariser,
the classifier's memory of sentence vectors emptied first (so every sentence is encoded), for the learned scorer and the
centrality scorer, and of keyword extraction, with the load average around the runs.
"""

from __future__ import annotations

import argparse
import os
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
    from wenzhai.models.summarizer import Summarizer, SummarizerConfig
    from wenzhai.models.summary_budget import Budget
    from wenzhai.training.corpora import PD1998_FILE
    from wenzhai.training.summarization_eval import time_call
    from wenzhai.training.summary_data import long_text

    text = long_text(Path(args.shared) / PD1998_FILE)
    classifier = load_classifier(args.model, threads=args.threads)
    budget = Budget(max_sentences=3)
    load_before = os.getloadavg()[0]
    for name, config in (("learned scorer", SummarizerConfig()), ("centrality scorer", SummarizerConfig(scorer="centrality"))):
        Summarizer.from_classifier(classifier, config=config).summarize(text, budget)  # warm-up: sessions, jieba

        def cold(config=config) -> None:
            # the classifier keeps one sentence embedder per depth, with a memory of recent vectors that
            # every summariser built from it shares: empty it, so every sentence is encoded, as for a new text
            classifier.forget_vectors()
            Summarizer.from_classifier(classifier, config=config).summarize(text, budget)

        timing = time_call(cold, args.repeats)
        verdict = "within" if timing.median <= BUDGET_S else "OVER"
        print(f"{name}: {len(text):,} chars, 3 sentences, sentence vectors computed: best {timing.best:.3f} s, "
              f"median {timing.median:.3f} s wall ({verdict} the {BUDGET_S} s budget), CPU {timing.cpu:.3f} s")
    extract_keywords("预热")
    keywords = time_call(lambda: extract_keywords(text), args.repeats)
    print(f"keywords: best {keywords.best:.3f} s, median {keywords.median:.3f} s")
    print(f"threads {args.threads}; 1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
          f"on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
