"""`wenzhai tag`: theme-tag JSONL rows ``{"id", "text"}`` → ``{"id", "theme", "scores", "secondary"}``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from wenzhai.cli.commands import UsageError
from wenzhai.cli.commands.io import read_input
from wenzhai.cli.commands.model_options import add_model_options
from wenzhai.models.records import Record, parse_record
from wenzhai.models.results import to_json

CHUNK_ROWS = 256


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tag",
        help="theme-tag JSONL rows",
        description='Read JSONL {"id", "text"} and write one JSONL line per input line, in order: '
        '{"id", "theme", "scores", "secondary"}, or {"id", "error"} for a bad line.',
    )
    p.add_argument("file", nargs="?", default="-", help="UTF-8 JSONL file, or - for stdin (default)")
    add_model_options(p)
    p.set_defaults(handler=run)


def chunks(lines: list[str], size: int) -> Iterator[list[tuple[int, str]]]:
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    for start in range(0, len(numbered), size):
        yield numbered[start : start + size]


def check_json_lines(lines: list[str], source: str) -> None:
    """Refuse input with no JSON object line at all: plain text given to `tag` by mistake.

    One error with what to do instead, rather than a "not valid JSON" row for every line of a page.
    A file that has object lines keeps its per-line errors for the lines that are not.
    """
    if not any(line.strip() for line in lines) or any(line.lstrip().startswith("{") for line in lines):
        return  # nothing to tag, or JSON lines
    raise UsageError(
        f"{source}: no line is a JSON object; `wenzhai tag` reads JSON lines such as "
        '{"id": "a", "text": "村里修好了水泥路。"}. For a plain text page use `wenzhai analyze FILE`; '
        "to tag texts, write one JSON object per line"
    )


def run(args: argparse.Namespace) -> int:
    from wenzhai.models.loading import load_classifier

    lines = read_input(args.file, "tag").splitlines()
    check_json_lines(lines, "stdin" if args.file == "-" else args.file)
    classifier = load_classifier(args.model, backend=args.backend)
    for chunk in chunks(lines, CHUNK_ROWS):
        records: list[Record] = [parse_record(line, n) for n, line in chunk]
        valid = [r for r in records if r.error is None]
        predictions = iter(classifier.predict([r.text for r in valid]))
        for record in records:
            row = {"id": record.id, "error": record.error} if record.error else {"id": record.id, **to_json(next(predictions))}
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0
