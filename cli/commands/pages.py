"""`wenzhai evaluate-pages`, `wenzhai train-reader` and `wenzhai train-continuity`: measure and rebuild page reading."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wenzhai.cli.commands.model_options import add_model_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate-pages",
        help="score page reading (boundaries, titles, themes) against gold pages",
        description="Run every page of a gold JSONL file (pages_dev.jsonl format) through the analysis "
        "pipeline and print boundary precision/recall/F1 (headless segments separately), title accuracy, "
        "theme accuracy (all gold, matched, per label, without ambiguous) and errors by artefact kind.",
    )
    p.add_argument("--data", required=True, help="gold pages, JSONL (see ../shared/dev/pages_dev.README.md)")
    p.add_argument("--report", default=None, help="also write the figures as Markdown to this file")
    p.add_argument("--segment-themes", default=None, metavar="MODE",
                   help="how each segment's theme is read: lead, paragraphs or reread "
                   "(models.pipeline.PipelineConfig.segment_themes; default: the pipeline's own)")
    add_model_options(p)  # --model none: text statistics only (no themes)
    p.set_defaults(handler=run_evaluate)

    t = sub.add_parser(
        "train-reader",
        help="simulate pages and train the page reader (deterministic)",
        description="Render simulated OCR pages from real titled articles, train the line-role and "
        "headline-placement models on them, compare model kinds on simulated validation pages, and "
        "export the chosen reader as JSON (models/page_reader/reader.json by default).",
    )
    t.add_argument("--config", default="configs/page_reader.yaml", help="YAML of ReaderTrainingConfig")
    t.add_argument("--shared", default=None, help="the shared data folder (default ../shared)")
    t.add_argument("--output", default=None, help="where to write the reader JSON (overrides the config)")
    t.add_argument("--stage-only", default=None, metavar="READER_JSON",
                   help="keep this reader's line model and role sequence; fit only the theme-aware boundary stage")
    t.set_defaults(handler=run_train)

    c = sub.add_parser(
        "train-continuity",
        help="train the model that tells a paragraph continuing its article from one opening another",
        description="Read pairs of real paragraphs (consecutive ones of one article; the end of one article and "
        "the start of another) with a theme model's lowest encoder layer, fit logistic regression, print its "
        "validation AUC and write continuity.json into the model folder (models.continuity).",
    )
    c.add_argument("--model", default="models/default", help="theme-model folder (default: %(default)s)")
    c.add_argument("--shared", default=None, help="the shared data folder (default ../shared)")
    c.add_argument("--articles", type=int, default=6000, help="pairs of neighbouring articles drawn (default: %(default)s)")
    c.add_argument("--seed", type=int, default=13, help="seed (default: %(default)s)")
    c.set_defaults(handler=run_train_continuity)


def run_evaluate(args: argparse.Namespace) -> int:
    from wenzhai.models.loading import load_classifier, model_path
    from wenzhai.models.pipeline import Pipeline, PipelineConfig
    from wenzhai.training.page_eval import (
        Tally,
        as_predicted,
        load_gold_pages,
        markdown_report,
        score_page,
        summary_rows,
    )

    pages = load_gold_pages(args.data)
    # Page reading and themes need the theme model only: no summariser is loaded or run.
    text_only = args.model == "none" or model_path(args.model) is None
    classifier = None if text_only else load_classifier(args.model, backend=args.backend)
    config = PipelineConfig() if args.segment_themes is None else PipelineConfig(segment_themes=args.segment_themes)
    pipeline = Pipeline(classifier=classifier, config=config)
    tally = Tally()
    for page in pages:
        result = pipeline.analyze(page.page_text, summary_sentences=0)
        segments = result["segments"] if isinstance(result, dict) else result.segments
        score_page(page, as_predicted(segments), tally)
    width = max(len(name) for name, _ in summary_rows(tally))
    for name, value in summary_rows(tally):
        print(f"{name:<{width}}  {value}")
    for label, (right, gold) in sorted(tally.per_label.items()):
        print(f"{'theme ' + label:<{width}}  {right}/{gold}")
    for kind, n in tally.errors.most_common():
        print(f"{'errors: ' + kind:<{width}}  {n}")
    if args.report:
        Path(args.report).write_text(markdown_report(tally, f"Page reading on {args.data}"), encoding="utf-8")
        print(f"report written to {args.report}", file=sys.stderr)
    return 0


def run_train(args: argparse.Namespace) -> int:
    from wenzhai.training.reader_training import train_reader_from_config

    train_reader_from_config(args.config, shared=args.shared, output=args.output, stage_only=args.stage_only)
    return 0


def run_train_continuity(args: argparse.Namespace) -> int:
    from wenzhai.training.continuity_training import ContinuityTrainingConfig, train_continuity_from_args

    config = ContinuityTrainingConfig(model=args.model, articles=args.articles, seed=args.seed)
    train_continuity_from_args(config, shared=args.shared)
    return 0
