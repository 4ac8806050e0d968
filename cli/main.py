"""The `wenzhai` command line.

Each area contributes its own sub-commands through a ``register(subparsers)`` function (kept next
to the code it drives), so this module only wires them together and turns expected failures into a
one-line message on stderr with exit code 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from wenzhai.cli.commands import UsageError

# Modules that contribute sub-commands; each has ``register(subparsers) -> None`` and its handlers
# raise ``UsageError`` (or ValueError/OSError) for bad input.
COMMAND_MODULES: tuple[str, ...] = (
    "wenzhai.cli.commands.analyze",
    "wenzhai.cli.commands.tag",
    "wenzhai.cli.commands.train",
    "wenzhai.cli.commands.summarize",
    "wenzhai.cli.commands.evaluate_summaries",
    "wenzhai.cli.commands.data",
    "wenzhai.cli.commands.encoder",
    "wenzhai.cli.commands.batch",
    "wenzhai.cli.commands.model",
    "wenzhai.cli.commands.pages",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wenzhai",
        description="Clean, segment, theme-tag and summarise Chinese articles.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # an optional area whose extra is not installed
            if exc.name and exc.name.startswith("wenzhai."):
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    # Training commands take any field of their argument dataclasses (HfArgumentParser parses them);
    # every other command accepts only the options it declares.
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "takes_field_overrides", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.field_overrides = extra
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:  # the reader went away (`wenzhai analyze page.txt | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except (UsageError, ValueError, OSError, UnicodeDecodeError) as exc:
        print(f"wenzhai {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"wenzhai {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
