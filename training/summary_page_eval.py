"""Check page summaries on noisy newspaper pages with gold articles (``dev/pages_dev.jsonl``).

    python -m wenzhai.training.summary_page_eval --data ../shared/dev/pages_dev.jsonl

Pages are cleaned and segmented as the pipeline does (without theme probabilities), then summarised
two ways at the same number of sentences: the page summary (`Summarizer.summarize_page`, the
segments as articles) and the previous whole-page summary (`Summarizer.summarize_paragraphs` over
all paragraphs). For each it prints the share of summary sentences that lie inside a gold article's
clean body (every kept part of it, read from the page at its ``parts``; a headline, byline, caption or
credit does not) and the share of each page's gold
articles that the summary covers (at most ``sentences`` of them can be). Reporting only: nothing is
tuned on these pages.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Sequence
from pathlib import Path


def _article_of(sentence: str, bodies: Sequence[str]) -> int | None:
    flat = "".join(sentence.split())
    for number, body in enumerate(bodies):
        if flat and flat in "".join(body.split()):
            return number
    return None


def _item_article(item, page_text: str, bodies: Sequence[str]) -> int | None:
    """The gold article holding every kept part of a summary item (read from the page at its parts,
    so a compressed sentence counts by what it keeps), or None."""
    found = {_article_of(page_text[a:b], bodies) for a, b in item.parts}
    return found.pop() if len(found) == 1 else None


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default="../shared/dev/pages_dev.jsonl")
    p.add_argument("--model", default=None, help="theme model whose encoder reads the sentences")
    p.add_argument("--sentences", type=int, default=3)
    args = p.parse_args(argv)

    from wenzhai.models.loading import load_classifier
    from wenzhai.models.segmentation import segment_page
    from wenzhai.models.summarizer import Summarizer
    from wenzhai.models.summary_budget import Budget
    from wenzhai.models.text import clean_page

    summarizer = Summarizer.from_classifier(load_classifier(args.model))
    budget = Budget(max_sentences=args.sentences)
    pages = [json.loads(line) for line in Path(args.data).read_text(encoding="utf-8").splitlines() if line.strip()]
    results: dict[str, dict[str, list[float]]] = {"page summary (segments)": {}, "whole-page summary": {}}
    for page in pages:
        paragraphs = clean_page(page["page_text"])
        segments = segment_page(paragraphs)
        bodies = [segment["text"] for segment in page["segments"]]
        outputs = {
            "page summary (segments)": summarizer.summarize_page([list(s.paragraphs) for s in segments], budget),
            "whole-page summary": summarizer.summarize_paragraphs(paragraphs, budget),
        }
        for name, items in outputs.items():
            found = [_item_article(item, page["page_text"], bodies) for item in items]
            row = results[name]
            row.setdefault("in a gold body", []).extend(f is not None for f in found)
            covered = len({f for f in found if f is not None})
            row.setdefault("articles covered", []).append(covered / min(len(bodies), args.sentences))
    print(f"{len(pages)} pages, {args.sentences} sentences per summary")
    for name, row in results.items():
        print(f"{name}: sentences inside a gold article body {100 * statistics.fmean(row['in a gold body']):.1f} % "
              f"({len(row['in a gold body'])} sentences); articles covered "
              f"{100 * statistics.fmean(row['articles covered']):.1f} % of min(articles, {args.sentences})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
