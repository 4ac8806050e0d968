"""`wenzhai train`, `adapt`, `evaluate` and `export`: fine-tune, adapt, score and ship theme models.

`train` and `adapt` read every field of their argument dataclasses (training/arguments.py) and of
``transformers.TrainingArguments``: code defaults, then ``--config FILE``, then ``--field value``
(`wenzhai train --help` lists them all).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

FIELDS_HINT = (
    "Every field of the argument dataclasses in training/arguments.py and of transformers.TrainingArguments "
    "is an option (--field value) and a key of the --config YAML; `--help` lists them with their help text."
)


def _field_command(sub: argparse._SubParsersAction, name: str, help: str, config: str | None, handler) -> None:
    """A sub-command whose options are parsed by HfArgumentParser (``--help`` included)."""
    p = sub.add_parser(name, help=help, description=f"{help}. {FIELDS_HINT}", add_help=False)
    p.add_argument("--config", default=config, help=f"YAML of field: value (default: {config})")
    p.set_defaults(handler=handler, takes_field_overrides=True)


def register(sub: argparse._SubParsersAction) -> None:
    _field_command(sub, "train", "fine-tune (or distil) the theme classifier", "configs/train.yaml", run_train)
    _field_command(
        sub, "adapt", "domain-adaptive MLM training of the encoder on unlabelled news text", None, run_adapt
    )

    e = sub.add_parser("evaluate", help="score a model on labelled JSONL and write a report")
    e.add_argument("--model", required=True, help="model folder")
    e.add_argument("--data", required=True, help='labelled JSONL with "text" and "label"')
    e.add_argument("--out", default=None, help="report folder (default: MODEL/eval)")
    e.add_argument("--no-baseline", action="store_true", help="skip the TF-IDF baseline")
    e.add_argument(
        "--example-ids", action="store_true",
        help="name the boundary-confusion examples by row id only, without their text (for a report that is "
        "committed, such as models/default/eval: dev-set text must never be)",
    )
    e.set_defaults(handler=run_evaluate)

    x = sub.add_parser("export", help="write a trained model as an fp16 folder (the shipped default)")
    x.add_argument("--model", required=True, help="trained model folder")
    x.add_argument("--out", default="models/default", help="output folder (default: models/default)")
    x.add_argument(
        "--max-mb", type=float, default=60.0,
        help="refuse weights larger than this many MB (default: 60, the limit for the shipped default; 0 = none)",
    )
    x.set_defaults(handler=run_export)


def run_train(args: argparse.Namespace) -> int:
    from wenzhai.training.arguments import THEME_TRAINING_DEFAULTS, ThemeModelArguments, parse_arguments
    from wenzhai.training.train import train

    model_args, training_args = parse_arguments(
        ThemeModelArguments, args.field_overrides, args.config, THEME_TRAINING_DEFAULTS, prog="wenzhai train"
    )
    report = train(model_args, training_args)
    summary = {k: report[k] for k in ("validation_macro_f1", "temperature", "ece_before", "ece_after",
                                      "secondary_threshold", "train_seconds")}
    print(json.dumps({"output_dir": training_args.output_dir, **summary}, indent=2))
    return 0


def run_adapt(args: argparse.Namespace) -> int:
    from wenzhai.training.arguments import ADAPT_TRAINING_DEFAULTS, AdaptArguments, parse_arguments
    from wenzhai.training.domain_mlm import adapt

    adapt_args, training_args = parse_arguments(
        AdaptArguments, args.field_overrides, args.config, ADAPT_TRAINING_DEFAULTS, prog="wenzhai adapt"
    )
    report = adapt(adapt_args, training_args)
    print(json.dumps({k: v for k, v in report.items() if k != "arguments"}, indent=2))
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from wenzhai.training.evaluate import boundary_table_text, evaluate

    model, data = Path(args.model), Path(args.data)
    for name, path in (("--model", model), ("--data", data)):
        if not path.exists():
            raise ValueError(f"{name}: {path} does not exist")
    results = evaluate(
        model, data, Path(args.out) if args.out else None, baseline=not args.no_baseline,
        example_text=not args.example_ids,
    )
    print(results["model"]["text"])
    print(f"macro-F1 {results['model']['macro_f1']:.4f}  accuracy {results['model']['accuracy']:.4f}  "
          f"ECE {results['model']['ece']:.4f}")
    if "baseline" in results:
        print(f"TF-IDF baseline macro-F1 {results['baseline']['macro_f1']:.4f} "
              f"(trained on the model's {results['baseline']['train_rows']} training rows)")
    print(boundary_table_text(results["model"]["boundaries"]))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from wenzhai.training.export import export_fp16

    model = Path(args.model)
    if not (model / "config.json").exists():
        raise ValueError(f"--model: {model} is not a model folder (no config.json)")
    if args.max_mb < 0:
        raise ValueError(f"--max-mb must be >= 0 (0 = no limit), got {args.max_mb}")
    size_mb = export_fp16(model, Path(args.out), size_limit_mb=args.max_mb or float("inf"))
    print(f"wrote {args.out} ({size_mb:.1f} MB of fp16 weights)")
    return 0
