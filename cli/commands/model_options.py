"""The ``--model`` / ``--backend`` options shared by every command that loads the theme model."""

from __future__ import annotations

import argparse

from wenzhai.models.backends import BACKENDS


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None, help="model folder; default: the shipped default model")
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="how the encoder runs (default: $WENZHAI_BACKEND, else the model folder's setting, "
        "onnx-int8 for the shipped model)",
    )
