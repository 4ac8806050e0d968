"""Tail averaging: the running mean is the mean of the steps' weights, and training keeps the better weights."""

import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from tests.training.test_train import training_arguments
from wenzhai.models.classifier import ThemeClassifier
from wenzhai.models.themes import LABEL2ID
from wenzhai.training.arguments import ThemeModelArguments
from wenzhai.training.weight_average import TailAverage


def run_steps(averager: TailAverage, model: torch.nn.Module, weights: list[float], max_steps: int) -> None:
    averager.on_train_begin(None, SimpleNamespace(max_steps=max_steps), None)
    for step, value in enumerate(weights, start=1):
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(value)
        averager.on_step_end(None, SimpleNamespace(global_step=step), None, model=model)


def test_the_average_covers_the_steps_from_the_start_fraction_on():
    model = torch.nn.Linear(3, 2)
    averager = TailAverage(0.5)
    run_steps(averager, model, [10.0, 20.0, 1.0, 2.0, 3.0, 6.0], max_steps=6)  # steps 3-6 are averaged
    assert averager.steps == 4
    target = torch.nn.Linear(3, 2)
    averager.apply_to(target)
    assert torch.allclose(target.weight, torch.full((2, 3), 3.0)) and torch.allclose(target.bias, torch.full((2,), 3.0))


def test_averaging_needs_a_start_fraction_below_one_and_an_averaged_step():
    with pytest.raises(ValueError, match="start_fraction"):
        TailAverage(1.0)
    with pytest.raises(ValueError, match="average_weights_from"):
        ThemeModelArguments(average_weights_from=-0.1)
    with pytest.raises(RuntimeError, match="no weights were averaged"):
        TailAverage(0.5).apply_to(torch.nn.Linear(2, 2))


def test_training_records_both_candidates_and_ships_the_better(tiny_encoder_dir, tmp_path):
    from datasets import Dataset, DatasetDict

    from tests.training.test_train import synthetic_rows
    from wenzhai.training.train import macro_f1, train

    data = DatasetDict(train=Dataset.from_list(synthetic_rows(30, seed=1)),
                       validation=Dataset.from_list(synthetic_rows(6, seed=2)))
    args = ThemeModelArguments(max_length=32, window_stride=8, threads=2, early_stopping_patience=0,
                               serve_backend="torch", average_weights_from=0.5, model_version="test")
    out = tmp_path / "model"
    report = train(args, training_arguments(output_dir=str(out), learning_rate=3e-3, num_train_epochs=4,
                                            per_device_train_batch_size=16), dataset=data, base_dir=tiny_encoder_dir)
    averaged = report["weight_average"]
    assert averaged["steps_averaged"] >= 1 and averaged["from_fraction"] == 0.5
    best = max(averaged["validation_macro_f1_averaged"], averaged["validation_macro_f1_best_checkpoint"])
    assert report["validation_macro_f1"] == pytest.approx(best)
    kept = "averaged" if averaged["validation_macro_f1_averaged"] > averaged["validation_macro_f1_best_checkpoint"] \
        else "best checkpoint"
    assert averaged["kept"] == kept
    assert json.loads((out / "training_report.json").read_text())["weight_average"] == averaged
    saved = ThemeClassifier.from_pretrained(out, backend="torch")  # the folder holds the weights that were kept
    gold = np.array([LABEL2ID[x] for x in data["validation"]["label"]])
    assert macro_f1(gold, saved.logits(list(data["validation"]["text"])).argmax(axis=1)) == pytest.approx(best)
    assert f"weights: {kept}" in (out / "README.md").read_text()
