import numpy as np

from wenzhai.models.classifier import softmax
from wenzhai.training.calibration import (
    choose_secondary_threshold,
    expected_calibration_error,
    fit_temperature,
    negative_log_likelihood,
)


def overconfident_logits(seed: int = 0, n: int = 400):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    logits = rng.normal(0, 1, (n, 3))
    noisy = np.where(rng.random(n) < 0.7, labels, rng.integers(0, 3, n))  # 70 % + chance correct
    logits[np.arange(n), noisy] += 3.0
    return logits * 4.0, labels  # sharpened: overconfident


def test_temperature_scaling_reduces_nll_and_ece_on_overconfident_logits():
    logits, labels = overconfident_logits()
    t = fit_temperature(logits, labels)
    assert t > 1.5
    assert negative_log_likelihood(logits, labels, t) < negative_log_likelihood(logits, labels, 1.0)
    assert expected_calibration_error(softmax(logits, t), labels) < expected_calibration_error(softmax(logits), labels)


def test_ece_is_zero_for_perfectly_calibrated_certain_predictions():
    probs = np.eye(3)[[0, 1, 2, 0]]
    assert expected_calibration_error(probs, np.array([0, 1, 2, 0])) == 0.0


def test_secondary_threshold_is_chosen_on_gold_tags():
    names = ["a", "b", "other"]
    probs = np.array([[0.6, 0.35, 0.05], [0.7, 0.1, 0.2], [0.2, 0.75, 0.05]])
    gold = [["b"], [], []]
    threshold, f1 = choose_secondary_threshold(probs, names, gold, grid=[0.1, 0.3, 0.5])
    assert threshold == 0.3 and f1 == 1.0
    assert choose_secondary_threshold(probs, names, [[], [], []], grid=[0.1]) == (0.3, 0.0)
