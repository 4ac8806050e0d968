"""Training end to end on a tiny random encoder and tiny synthetic data (seconds, no hub)."""

import json
import random

import numpy as np
import pytest

from wenzhai.models.classifier import ThemeClassifier
from wenzhai.models.themes import LABELS
from wenzhai.training.arguments import (
    ADAPT_TRAINING_DEFAULTS,
    THEME_TRAINING_DEFAULTS,
    AdaptArguments,
    ThemeModelArguments,
    parse_arguments,
)

MARKERS = {
    "rural_construction": "乡村镇农振兴建设",
    "governance": "治理法制监督委",
    "digital_government": "数电证照政务网",
    "enterprise_news": "企业厂职工产品",
    "other": "花音书影天海山",
}
FILLER = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可"


def synthetic_rows(n_per_label: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for label, marker in MARKERS.items():
        for i in range(n_per_label):
            chars = [rng.choice(marker) if rng.random() < 0.5 else rng.choice(FILLER) for _ in range(rng.randint(20, 70))]
            secondary = ["governance"] if label == "rural_construction" and i % 3 == 0 else []
            rows.append({"text": "".join(chars), "label": label, "secondary": secondary, "article": f"{label}-{i}"})
    return rows


@pytest.fixture(scope="module")
def tiny_dataset():
    from datasets import Dataset, DatasetDict

    return DatasetDict(
        train=Dataset.from_list(synthetic_rows(40, seed=1)),
        validation=Dataset.from_list(synthetic_rows(6, seed=2)),
    )


def training_arguments(**overrides):
    """transformers.TrainingArguments with our theme-training defaults (what `wenzhai train` starts from)."""
    from transformers import TrainingArguments

    return TrainingArguments(**{**THEME_TRAINING_DEFAULTS, **overrides})


def test_arguments_are_validated():
    with pytest.raises(ValueError, match="window_stride"):
        ThemeModelArguments(max_length=64, window_stride=62)
    with pytest.raises(ValueError, match="unknown argument"):
        parse_arguments(ThemeModelArguments, ["--learning_rat", "1e-3"], training_defaults=THEME_TRAINING_DEFAULTS)


def test_code_defaults_then_yaml_then_command_line(tmp_path):
    config = tmp_path / "train.yaml"
    config.write_text("learning_rate: 2.0e-4\nmax_length: 128\nstudent_layers: [0, 2]\nteacher: t\n", encoding="utf-8")
    ours, hf = parse_arguments(
        ThemeModelArguments, ["--max_length", "96", "--num_train_epochs", "2", "--trim_vocab", "false"],
        config, THEME_TRAINING_DEFAULTS,
    )
    assert (ours.max_length, ours.student_layers, ours.teacher, ours.trim_vocab) == (96, [0, 2], "t", False)
    assert (hf.learning_rate, hf.num_train_epochs) == (2e-4, 2.0)
    assert hf.per_device_train_batch_size == THEME_TRAINING_DEFAULTS["per_device_train_batch_size"]
    assert hf.metric_for_best_model == "macro_f1" and hf.report_to == []
    config.write_text("learning_rat: 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown field\\(s\\) learning_rat"):
        parse_arguments(ThemeModelArguments, [], config, THEME_TRAINING_DEFAULTS)


def test_training_end_to_end_on_tiny_model(tiny_dataset, tiny_encoder_dir, tmp_path):
    from wenzhai.training.train import train

    args = ThemeModelArguments(max_length=32, window_stride=8, early_stopping_patience=3, threads=2, model_version="test")
    hf = training_arguments(
        output_dir=str(tmp_path / "model"), learning_rate=3e-3, num_train_epochs=8, per_device_train_batch_size=16
    )
    report = train(args, hf, dataset=tiny_dataset, base_dir=tiny_encoder_dir)
    out = tmp_path / "model"
    assert (out / "model.safetensors").exists() and not list(out.glob("*.bin"))
    config = json.loads((out / "config.json").read_text())
    assert config["id2label"] == {str(i): label for i, label in enumerate(LABELS)}
    assert config["wenzhai"]["temperature"] == pytest.approx(report["temperature"])
    assert (out / "README.md").read_text().startswith("# wenzhai theme classifier")
    assert report["validation_macro_f1"] > 0.6, report["log_history"]
    assert report["ece_after"] <= report["ece_before"] + 1e-6

    clf = ThemeClassifier.from_pretrained(out, backend="torch")  # the ONNX file is built by `wenzhai export`
    assert clf.info() == {"name": "wenzhai-theme", "version": "test"}
    texts = ["".join([MARKERS["governance"]] * 3), "企业厂职工产品" * 20]  # the second needs several windows
    preds = clf.predict(texts)
    assert preds[0].theme == "governance"
    assert preds[1].theme == "enterprise_news"
    for p in preds:
        assert set(p.scores) == set(LABELS)
        assert abs(sum(p.scores.values()) - 1) < 1e-3
        assert p.theme not in p.secondary
    assert np.allclose(clf.predict_proba([]).shape, (0, len(LABELS)))


@pytest.mark.parametrize(
    ("name", "kind"), [("train.yaml", "train"), ("distill.yaml", "train"), ("adapt.yaml", "adapt")]
)
def test_shipped_training_configs_load_and_validate(name, kind):
    """`make model` runs these files: every key must be a known, valid argument."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "configs" / name
    if kind == "adapt":
        args, _ = parse_arguments(AdaptArguments, [], path, ADAPT_TRAINING_DEFAULTS)
    else:
        args, _ = parse_arguments(ThemeModelArguments, [], path, THEME_TRAINING_DEFAULTS)
    if name == "distill.yaml":
        assert args.teacher and len(args.student_layers) == 6
    if name == "train.yaml":
        assert args.encoder.startswith("./"), "a relative encoder folder needs ./ so a missing one is never a hub id"
