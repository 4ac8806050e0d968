"""`wenzhai evaluate-summaries`: our summaries against reference summaries, next to Lead and TextRank.

Prints a Markdown report: character ROUGE-1/2/L F1 of ours, Lead-1, Lead-k and TextRank-k with 95 %
bootstrap intervals, the paired differences, and the same per ``source_kind``
(`wenzhai.training.summary_evaluation`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wenzhai.cli.commands import UsageError
from wenzhai.cli.commands.summarize import add_summarizer_arguments


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate-summaries",
        help="ROUGE of our summaries vs Lead and TextRank on reference summaries (JSONL)",
        description="Score our summariser, Lead-1, Lead-k and TextRank-k against the `summary` of each "
        "JSONL row ({id, article, summary[, title, source_kind]}); every system gets the article only.",
    )
    p.add_argument("--data", required=True, metavar="FILE", help="JSONL rows with id, article and summary")
    p.add_argument("--max-sentences", type=int, default=3, metavar="K", help="sentences per summary (default 3)")
    p.add_argument("--max-chars", type=int, default=None, metavar="N",
                   help="give ours a budget of N characters instead of K sentences (the baselines keep K "
                   "sentences; the table shows every system's median length)")
    p.add_argument("--title", action="store_true",
                   help="also score ours reading each row's title as the text's headline (the baselines never do)")
    add_summarizer_arguments(p)
    p.add_argument("--samples", type=int, default=2000, help="bootstrap resamples (default 2000)")
    p.add_argument("--with-centrality", action="store_true",
                   help="also score the unsupervised centrality scorer (the previous default)")
    p.add_argument("--keywords", type=int, default=0, metavar="K",
                   help="also compare keyword extractors: hits@K in the reference summaries (0: skip)")
    p.add_argument("--lexicon", default=None, metavar="FILE",
                   help="with --keywords: also score ours with this lexicon (`python -m wenzhai.training.summary_lexicon`)")
    p.add_argument("--out", default=None, metavar="FILE", help="write the Markdown here (default: stdout)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from wenzhai.cli.commands.summarize import load_summarizer
    from wenzhai.models.summarizer import Summarizer
    from wenzhai.models.summary_budget import Budget
    from wenzhai.training.summary_evaluation import baseline_systems, evaluate, load_reference_rows, report

    if args.max_sentences < 1:
        raise UsageError(f"--max-sentences must be a positive integer, got {args.max_sentences}")
    if args.keywords < 0:
        raise UsageError(f"--keywords must be >= 0, got {args.keywords}")
    if args.samples < 100:
        raise UsageError(f"--samples must be >= 100, got {args.samples}")
    data = Path(args.data)
    if not data.is_file():
        raise UsageError(f"--data: {data} does not exist")
    if args.max_chars is not None and args.max_chars < 1:
        raise UsageError(f"--max-chars must be a positive integer, got {args.max_chars}")
    rows = load_reference_rows(data)
    titles = {row.id: row.title for row in rows}
    ours = load_summarizer(args)

    def system(summarizer: Summarizer, read_title: bool = False):
        def run_one(doc, k: int) -> str:
            budget = Budget(max_chars=args.max_chars) if args.max_chars else Budget(max_sentences=k)
            title = titles[doc.id] if read_title else ""
            return "".join(s.text for s in summarizer.summarize_paragraphs(doc.paragraphs, budget, title=title))

        return run_one

    systems = {"ours": system(ours)}
    if args.title:
        systems["ours, reading the title"] = system(ours, read_title=True)
    if args.with_centrality:
        systems["ours, centrality scorer"] = system(Summarizer(ours.embed, replace(ours.config, scorer="centrality")))
    systems.update(baseline_systems(args.max_sentences))
    markdown = report(evaluate(rows, systems, args.max_sentences), "ours", args.max_sentences, args.samples,
                      ours_budget=f"{args.max_chars} characters" if args.max_chars else None)
    if args.keywords:
        from wenzhai.models.keywords import read_lexicon
        from wenzhai.training.summary_keyword_eval import keyword_table

        lexicon = read_lexicon(args.lexicon) if args.lexicon else ()
        markdown += "\n### Keywords\n\n" + "\n".join(keyword_table(rows, args.keywords, lexicon, args.samples)) + "\n"
    if args.out:
        Path(args.out).write_text(markdown, encoding="utf-8")
    else:
        sys.stdout.write(markdown)
    return 0
