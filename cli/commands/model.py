"""`wenzhai model optimize`: write a model folder's ONNX files (what inference runs on).

Why a separate step: inference never builds them (it names this command when they are missing).
``wenzhai export`` writes them with every exported model; this builds them for a folder that has
none or stale ones, such as models/default in a fresh clone (`make setup` runs it): the repository
commits only the fp16 safetensors, and the ONNX files are derived from them deterministically.
"""

from __future__ import annotations

import argparse
import json
import time


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="prepare a theme model for serving")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    o = actions.add_parser(
        "optimize",
        help="build (or verify) the model folder's ONNX files",
        description="Export the int8 ONNX classifier and the fp32 ONNX sentence encoder into MODEL/onnx/, "
        "unless they are already there and built from the folder's current weights; prints what it did.",
    )
    o.add_argument("--model", default=None, help="model folder; default: the shipped default model")
    o.add_argument("--sentence-layers", type=int, action="append", default=None,
                   help="encoder depth of the sentence vectors to export (repeatable; default: the summariser's)")
    o.add_argument("--force", action="store_true", help="rebuild even when the files are up to date")
    o.set_defaults(handler=optimize)


def optimize(args: argparse.Namespace) -> int:
    from wenzhai.models.loading import model_path
    from wenzhai.models.onnx_runtime import CLASSIFIER_FILE, OnnxModelMissing, onnx_path, sentence_file
    from wenzhai.models.summarizer import DEFAULT_LAYERS

    path = model_path(args.model)
    if path is None:
        raise ValueError("--model: no default model is installed; give --model DIR")
    layers = args.sentence_layers or [DEFAULT_LAYERS]
    if any(k < 0 for k in layers):
        raise ValueError(f"--sentence-layers: must be >= 0, got {layers}")
    started = time.perf_counter()
    wanted = [CLASSIFIER_FILE] + [sentence_file(k) for k in layers]
    try:
        if args.force:
            raise OnnxModelMissing("rebuild asked for")
        for name in wanted:
            onnx_path(path, name)
        built = False
    except OnnxModelMissing:
        from wenzhai.models.onnx_runtime import read_manifest
        from wenzhai.training.export import write_onnx

        kept = [meta["layers"] for meta in ((read_manifest(path) or {}).get("files") or {}).values()
                if meta.get("kind") == "encoder-fp32"]  # depths built before stay
        write_onnx(path, sentence_layers=[*layers, *kept])
        built = True
    files = {name: (path / "onnx" / name).stat().st_size for name in wanted}
    print(json.dumps({"model": str(path), "built": built, "bytes": files,
                      "seconds": round(time.perf_counter() - started, 2)}, ensure_ascii=False))
    return 0
