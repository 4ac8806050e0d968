"""`wenzhai model optimize`: build a model's int8 ONNX file ahead of time.

Why a separate step: the first load of a model on the 'onnx-int8' backend exports and quantises it
(a few seconds, cached). `make serve` runs this first, so a server's start-up only loads.
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
        help="build (or verify) the int8 ONNX file of a model in the cache",
        description="Export and quantise the model for the onnx-int8 backend, once; prints where it is.",
    )
    o.add_argument("--model", default=None, help="model folder; default: the shipped default model")
    o.set_defaults(handler=optimize)


def optimize(args: argparse.Namespace) -> int:
    from wenzhai.models.loading import load_classifier
    from wenzhai.models.onnx_runtime import onnxruntime_available

    if not onnxruntime_available():
        raise ValueError("onnxruntime is not installed; `make setup` installs it (or use --backend torch)")
    started = time.perf_counter()
    classifier = load_classifier(args.model, backend="onnx-int8")
    probe = classifier.predict(["模型预热：乡村振兴，政务服务。"])[0]
    print(json.dumps({
        "onnx": str(classifier.onnx_model.path),
        "seconds": round(time.perf_counter() - started, 2),
        "probe_theme": probe.theme,
    }, ensure_ascii=False))
    return 0
