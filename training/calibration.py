"""Temperature scaling, expected calibration error, and the secondary-theme threshold.

Temperature scaling (one scalar dividing the logits, fitted by minimising validation NLL) keeps the
argmax — accuracy is unchanged — while making the probabilities honest, which the secondary-theme
threshold and the API's scores rely on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from wenzhai.models.classifier import softmax


def negative_log_likelihood(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    probs = softmax(logits, temperature).astype(np.float64)
    return float(-np.mean(np.log(np.clip(probs[np.arange(len(labels)), labels], 1e-12, 1.0))))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature in [0.05, 20] minimising NLL: a coarse log-grid, then a golden-section refine."""
    if len(labels) == 0:
        return 1.0
    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 61))
    losses = [negative_log_likelihood(logits, labels, t) for t in grid]
    best = int(np.argmin(losses))
    lo, hi = np.log(grid[max(best - 1, 0)]), np.log(grid[min(best + 1, len(grid) - 1)])
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(40):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if negative_log_likelihood(logits, labels, np.exp(a)) < negative_log_likelihood(logits, labels, np.exp(b)):
            hi = b
        else:
            lo = a
    return float(np.exp((lo + hi) / 2))


def reliability_bins(probs: np.ndarray, labels: np.ndarray, n_bins: int = 10) -> list[dict[str, float]]:
    """Per confidence bin: mean confidence, accuracy and count (for ECE and the reliability diagram)."""
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = []
    for i in range(n_bins):
        upper_ok = confidence <= edges[i + 1] if i == n_bins - 1 else confidence < edges[i + 1]
        in_bin = (confidence >= edges[i]) & upper_ok
        count = int(in_bin.sum())
        bins.append(
            {
                "lower": float(edges[i]),
                "upper": float(edges[i + 1]),
                "count": count,
                "confidence": float(confidence[in_bin].mean()) if count else 0.0,
                "accuracy": float(correct[in_bin].mean()) if count else 0.0,
            }
        )
    return bins


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, n_bins: int = 10) -> float:
    """ECE: the count-weighted mean gap between confidence and accuracy over confidence bins."""
    if len(labels) == 0:
        return 0.0
    bins = reliability_bins(probs, labels, n_bins)
    return float(sum(b["count"] * abs(b["confidence"] - b["accuracy"]) for b in bins) / len(labels))


def choose_secondary_threshold(
    probs: np.ndarray,
    label_names: Sequence[str],
    gold_secondary: Sequence[Sequence[str]],
    grid: Sequence[float],
    default: float = 0.3,
) -> tuple[float, float]:
    """Pick the grid threshold maximising micro-F1 of predicted vs gold secondary themes.

    Returns ``(threshold, f1)``; with no gold secondary tags at all, ``(default, 0.0)``.
    """
    if not any(gold_secondary):
        return default, 0.0
    best = (default, -1.0)
    for threshold in grid:
        tp = fp = fn = 0
        for p, gold in zip(probs, gold_secondary, strict=True):
            primary = int(np.argmax(p))
            predicted = {
                label_names[i]
                for i in range(len(label_names))
                if i != primary and label_names[i] != "other" and p[i] >= threshold
            }
            tp += len(predicted & set(gold))
            fp += len(predicted - set(gold))
            fn += len(set(gold) - predicted)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best[1]:
            best = (float(threshold), f1)
    return best
