"""Copy a model folder into the BentoML model store, so the service can load it by tag.

A separate preparation step, run once per model (the service itself only loads and serves):

    python -m serving.store models/default --name wenzhai-theme
    WENZHAI_MODEL=bentoml:wenzhai-theme:latest bentoml serve serving.service:Wenzhai
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_NAME = "wenzhai-theme"


def save_to_store(model_dir: str | Path, name: str = DEFAULT_NAME) -> str:
    """Copy ``model_dir`` (a Hugging Face folder with config.json) into the store; returns the tag."""
    import bentoml

    source = Path(model_dir)
    if not (source / "config.json").is_file():
        raise ValueError(f"MODEL_DIR: {source} is not a model folder (no config.json)")
    with bentoml.models.create(name, metadata={"source": str(source.resolve())}) as model:
        shutil.copytree(source, model.path, dirs_exist_ok=True)
    return str(model.tag)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m serving.store", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir", metavar="MODEL_DIR", help="model folder to copy into the store")
    parser.add_argument("--name", default=DEFAULT_NAME, help=f"model name in the store (default {DEFAULT_NAME})")
    args = parser.parse_args(argv)
    try:
        tag = save_to_store(args.model_dir, args.name)
    except (ValueError, OSError) as exc:
        print(f"wenzhai.serving.store: error: {exc}", file=sys.stderr)
        return 2
    print(f"saved {tag}; serve it with WENZHAI_MODEL=bentoml:{tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
