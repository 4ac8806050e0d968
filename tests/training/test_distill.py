"""Distillation: the loss, the student's layers, unlabelled text, and a tiny student end to end."""

import json

import numpy as np
import pytest
import torch

from tests.tiny_models import build_tiny_classifier
from tests.training.test_train import synthetic_rows, training_arguments
from wenzhai.models.classifier import ThemeClassifier, softmax
from wenzhai.training.arguments import ThemeModelArguments
from wenzhai.training.distill import (
    IGNORE_LABEL,
    class_balanced_weights,
    distillation_loss,
    ensemble_logits,
    hidden_state_loss,
    matched_depths,
)
from wenzhai.training.layers import keep_layers
from wenzhai.training.unlabelled import unlabelled_texts


def test_loss_is_zero_when_the_student_matches_the_teacher_on_soft_targets_only():
    logits = torch.tensor([[2.0, 0.5, -1.0, 0.0, 0.3], [0.1, 0.2, 3.0, -2.0, 0.0]])
    labels = torch.tensor([1, IGNORE_LABEL])
    assert distillation_loss(logits, logits, labels, alpha=1.0, temperature=2.0).item() == pytest.approx(0, abs=1e-6)
    mixed = distillation_loss(logits, logits, labels, alpha=0.5, temperature=2.0)
    ce = torch.nn.functional.cross_entropy(logits[:1], labels[:1])
    assert mixed.item() == pytest.approx(0.5 * ce.item(), rel=1e-5)  # CE only over the labelled row
    unlabelled = torch.tensor([IGNORE_LABEL, IGNORE_LABEL])
    assert distillation_loss(logits, logits + 1.0, unlabelled, alpha=0.5, temperature=2.0).item() == pytest.approx(0, abs=1e-6)


def test_class_balanced_weights_give_every_class_the_same_total():
    labels = [4, 4, 4, 4, 0, 1, IGNORE_LABEL, IGNORE_LABEL]
    teacher = np.zeros((8, 5))
    teacher[6, 4] = teacher[7, 2] = 5.0  # unlabelled windows count as the teacher's top class
    weights = class_balanced_weights(labels, teacher, classes=5)
    owner = [4, 4, 4, 4, 0, 1, 4, 2]
    totals = {c: sum(w for w, o in zip(weights, owner, strict=True) if o == c) for c in set(owner)}
    assert set(totals) == {0, 1, 2, 4} and np.allclose(list(totals.values()), 2.0)  # 8 windows / 4 classes present
    assert weights.mean() == pytest.approx(1.0)


def test_weights_shift_the_loss_towards_the_weighted_rows():
    student = torch.tensor([[2.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 2.0]])
    teacher = torch.tensor([[2.0, 0.0, 0.0, 0.0, 0.0], [3.0, 0.0, 0.0, 0.0, 0.0]])  # row 1 disagrees
    labels = torch.tensor([0, 0])
    plain = distillation_loss(student, teacher, labels, alpha=0.5, temperature=2.0)
    ones = distillation_loss(student, teacher, labels, alpha=0.5, temperature=2.0, weights=torch.ones(2))
    assert ones.item() == pytest.approx(plain.item(), rel=1e-6)  # equal weights: the unweighted loss
    towards_wrong = distillation_loss(student, teacher, labels, 0.5, 2.0, weights=torch.tensor([0.1, 1.9]))
    towards_right = distillation_loss(student, teacher, labels, 0.5, 2.0, weights=torch.tensor([1.9, 0.1]))
    assert towards_right.item() < plain.item() < towards_wrong.item()


def test_matched_depths_meet_at_the_embeddings_and_the_last_layer():
    assert matched_depths(6, 12) == [0, 2, 4, 6, 8, 10, 12]
    assert matched_depths(1, 2) == [0, 2]
    assert matched_depths(3, 3) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="1..12 layers"):
        matched_depths(13, 12)


def test_hidden_state_loss_reads_real_tokens_only_and_honours_row_weights():
    torch.manual_seed(0)
    teacher = [torch.randn(2, 4, 8) for _ in range(2)]
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0]])
    student = [t.clone() for t in teacher]
    for s in student:
        s[0, 3] += 5.0  # a padding position of row 0: not read
    assert hidden_state_loss(student, teacher, mask).item() == pytest.approx(0, abs=1e-7)
    student[1][1, 0] += 1.0  # every dim of one real token of row 1, in the second pair
    expected = (8 * 1.0) / (2 * 8) / 2 / 2  # row 1: sum / (tokens · hidden), mean over 2 pairs, mean over 2 rows
    assert hidden_state_loss(student, teacher, mask).item() == pytest.approx(expected, rel=1e-6)
    assert hidden_state_loss(student, teacher, mask, torch.tensor([1.0, 0.0])).item() == pytest.approx(0, abs=1e-7)
    with pytest.raises(ValueError, match="same, non-zero number"):
        hidden_state_loss(student[:1], teacher, mask)


def test_a_hidden_state_weight_needs_a_positive_value():
    with pytest.raises(ValueError, match="distill_hidden_weight must be >= 0"):
        ThemeModelArguments(distill_hidden_weight=-1.0)


def student_from_teacher(teacher, layers):
    student = ThemeClassifier.from_pretrained(teacher, backend="torch").model
    keep_layers(student, layers)
    return student


def test_student_keeps_the_named_teacher_layers(tmp_path):
    teacher = build_tiny_classifier(tmp_path / "teacher")
    student = student_from_teacher(teacher, (1,))
    full = ThemeClassifier.from_pretrained(teacher, backend="torch").model
    assert student.config.num_hidden_layers == 1 and len(student.base_model.encoder.layer) == 1
    torch.testing.assert_close(
        student.base_model.encoder.layer[0].output.dense.weight, full.base_model.encoder.layer[1].output.dense.weight
    )
    with pytest.raises(ValueError, match="layers must name layers of the encoder"):
        student_from_teacher(teacher, (5,))


def test_ensemble_targets_are_the_mean_of_the_teachers_logits(tmp_path):
    first, second = (build_tiny_classifier(tmp_path / name, seed=seed) for name, seed in (("a", 1), ("b", 2)))
    windows = [[0, 5, 6, 7, 1], [0, 8, 1]]
    alone = [ThemeClassifier.from_pretrained(d, backend="torch").window_logits(windows) for d in (first, second)]
    assert not np.allclose(*alone)  # two different teachers...
    (mean,) = ensemble_logits([str(first), str(second)], 1, windows)
    np.testing.assert_allclose(mean, (alone[0] + alone[1]) / 2, rtol=1e-5, atol=1e-6)  # ...give their mean
    train_mean, other_mean = ensemble_logits([str(first)], 1, windows, windows[:1])
    np.testing.assert_allclose(train_mean, alone[0], rtol=1e-6)  # one teacher: its own logits, per window list
    assert other_mean.shape == (1, alone[0].shape[1])

    tokenizer = json.loads((second / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = tokenizer["model"]["vocab"]
    vocab["新词"] = max(vocab.values()) + 1
    (second / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="another vocabulary"):
        ensemble_logits([str(first), str(second)], 1, windows)
    with pytest.raises(ValueError, match="at least one teacher"):
        ensemble_logits([], 1, windows)


def test_a_missing_teacher_folder_is_named_before_any_work(tmp_path):
    from wenzhai.training.train import train

    teacher = build_tiny_classifier(tmp_path / "teacher")
    args = ThemeModelArguments(teacher=str(teacher), extra_teachers=[str(tmp_path / "typo")], student_layers=[0])
    with pytest.raises(ValueError, match=r"extra_teachers: .*typo is not a model folder"):
        train(args, training_arguments(output_dir=str(tmp_path / "student")))


def test_the_split_seed_defaults_to_the_training_seed():
    from wenzhai.training.arguments import data_split_seed

    assert data_split_seed(-1, 42) == 42
    assert data_split_seed(42, 7) == 42


def test_arguments_need_a_teacher_for_student_layers():
    with pytest.raises(ValueError, match="needs teacher"):
        ThemeModelArguments(student_layers=[0, 1])
    with pytest.raises(ValueError, match="extra_teachers needs teacher"):
        ThemeModelArguments(extra_teachers=["t2"])
    with pytest.raises(ValueError, match="split_seed must be >= 0"):
        ThemeModelArguments(split_seed=-2)
    assert ThemeModelArguments(teacher="t", student_layers=[0.0, 2.0]).student_layers == [0, 2]


def test_unlabelled_texts_come_from_real_corpora_outside_the_dev_neighbourhood(shared_dir):
    from wenzhai.training.data import DataConfig

    texts = unlabelled_texts(50, DataConfig(shared_dir=shared_dir), seed=3)
    assert len(texts) == 50 and len(set(texts)) == 50
    assert all(60 <= len(t) <= 600 for t in texts)
    assert texts == unlabelled_texts(50, DataConfig(shared_dir=shared_dir), seed=3)
    dev = {json.loads(line)["text"] for line in (shared_dir / "dev" / "themes_dev.jsonl").open(encoding="utf-8")}
    assert not dev & set(texts)


def test_a_one_layer_student_learns_to_agree_with_its_teacher(tmp_path, tiny_encoder_dir):
    from datasets import Dataset, DatasetDict

    from wenzhai.training.train import train

    data = DatasetDict(train=Dataset.from_list(synthetic_rows(30, seed=1)),
                       validation=Dataset.from_list(synthetic_rows(6, seed=2)))
    common = {"max_length": 32, "window_stride": 8, "threads": 2, "early_stopping_patience": 0, "serve_backend": "torch"}
    hf = {"learning_rate": 3e-3, "per_device_train_batch_size": 16}
    teacher = tmp_path / "teacher"
    train(ThemeModelArguments(**common), training_arguments(output_dir=str(teacher), num_train_epochs=6, **hf),
          dataset=data, base_dir=tiny_encoder_dir)
    texts = list(data["validation"]["text"])
    teacher_logits = ThemeClassifier.from_pretrained(teacher).logits(texts)
    untrained = student_from_teacher(teacher, (1,))
    before = ThemeClassifier(untrained, ThemeClassifier.from_pretrained(teacher).tokenizer, backend_settings(teacher))
    gap_before = float(np.abs(softmax(before.logits(texts)) - softmax(teacher_logits)).mean())

    args = ThemeModelArguments(teacher=str(teacher), student_layers=[1], distill_alpha=1.0, distill_class_balance=True,
                               **common)
    report = train(args, training_arguments(output_dir=str(tmp_path / "student"), num_train_epochs=8, **hf), dataset=data)
    student = ThemeClassifier.from_pretrained(tmp_path / "student")
    student_logits = student.logits(texts)
    gap_after = float(np.abs(softmax(student_logits) - softmax(teacher_logits)).mean())  # shift-invariant, as KL
    assert student.model.config.num_hidden_layers == 1
    losses = [row["loss"] for row in report["log_history"] if "loss" in row]
    assert losses[-1] < 0.7 * losses[0], losses  # it learns the soft targets...
    assert gap_after < gap_before, (gap_before, gap_after)  # ...and ends closer to the teacher than it began
    assert np.mean(student_logits.argmax(1) == teacher_logits.argmax(1)) >= 0.8
    assert "Distilled from the fine-tuned teacher" in (tmp_path / "student" / "README.md").read_text()

    # The same student with its hidden states matched to the teacher's: it trains, and its card says so.
    args.distill_hidden_weight = 1.0
    report = train(args, training_arguments(output_dir=str(tmp_path / "hidden"), num_train_epochs=8, **hf), dataset=data)
    losses = [row["loss"] for row in report["log_history"] if "loss" in row]
    assert losses[-1] < 0.7 * losses[0], losses
    hidden_logits = ThemeClassifier.from_pretrained(tmp_path / "hidden").logits(texts)
    assert np.mean(hidden_logits.argmax(1) == teacher_logits.argmax(1)) >= 0.8
    assert "hidden states matched to the teacher's at weight 1.0" in (tmp_path / "hidden" / "README.md").read_text()

    # A student of two teachers, the second trained alike under another seed: it learns their mean.
    second = tmp_path / "teacher-2"
    train(ThemeModelArguments(**common, split_seed=42),
          training_arguments(output_dir=str(second), num_train_epochs=6, seed=7, **hf), dataset=data,
          base_dir=tiny_encoder_dir)
    args = ThemeModelArguments(teacher=str(teacher), extra_teachers=[str(second)], student_layers=[1],
                               distill_alpha=1.0, **common)
    report = train(args, training_arguments(output_dir=str(tmp_path / "pair"), num_train_epochs=8, **hf), dataset=data)
    assert report["arguments"]["extra_teachers"] == [str(second)]
    mean_logits = (teacher_logits + ThemeClassifier.from_pretrained(second).logits(texts)) / 2
    pair_logits = ThemeClassifier.from_pretrained(tmp_path / "pair").logits(texts)
    assert np.mean(pair_logits.argmax(1) == mean_logits.argmax(1)) >= 0.8
    assert f"the mean logits of the fine-tuned teachers `{teacher}` + `{second}`" in (tmp_path / "pair" / "README.md").read_text()


def backend_settings(model_dir):
    from wenzhai.models.classifier import InferenceSettings

    stored = json.loads((model_dir / "config.json").read_text())["wenzhai"]
    return InferenceSettings(**{k: v for k, v in stored.items() if k != "backend"})
