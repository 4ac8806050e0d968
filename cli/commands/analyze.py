"""`wenzhai analyze`: the whole pipeline on one document, printed as one JSON object."""

from __future__ import annotations

import argparse
import json
import sys

from wenzhai.cli.commands.io import read_input
from wenzhai.cli.commands.model_options import add_model_options
from wenzhai.models.summary_budget import (
    DEFAULT_SUMMARY_SENTENCES,
    MAX_SUMMARY_SENTENCES,
    check_summary_sentences,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyze",
        help="clean, segment, tag and summarise one document",
        description="Print one JSON object, the same as POST /analyze answers: segments (title, text, "
        "span, theme, scores, secondary, summary, keywords), page theme shares, summary sentences, "
        "keywords, the model used and a language check. Spans are character offsets into the input as given.",
    )
    p.add_argument("file", nargs="?", default="-", help="UTF-8 text file, or - for stdin (default)")
    add_model_options(p)
    p.add_argument(
        "--summary-sentences", type=int, default=DEFAULT_SUMMARY_SENTENCES, metavar="N",
        help=f"sentences in the page summary, 0 to {MAX_SUMMARY_SENTENCES} as in the API "
        f"(default {DEFAULT_SUMMARY_SENTENCES})",
    )
    p.add_argument("--indent", type=int, default=None, help="pretty-print the JSON with this indent")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wenzhai.models.loading import load_pipeline
    from wenzhai.models.results import to_json

    check_summary_sentences(args.summary_sentences, field="--summary-sentences")  # before the slow part
    raw = read_input(args.file, "analyze")
    pipeline = load_pipeline(args.model, backend=args.backend)
    result = pipeline.analyze(raw, summary_sentences=args.summary_sentences)
    json.dump(to_json(result), sys.stdout, ensure_ascii=False, indent=args.indent)
    sys.stdout.write("\n")
    return 0
