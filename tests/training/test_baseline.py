"""The TF-IDF baseline on tiny synthetic data: it learns separable themes and reports both scores."""

import random

import pytest

from wenzhai.models.themes import LABELS
from wenzhai.training.baseline import run_baseline

CUES = {
    "rural_construction": "村庄道路修通农民增收",
    "governance": "信访调解依法治理监督",
    "digital_government": "电子证照一网通办在线",
    "enterprise_news": "公司职工投产销售利润",
    "other": "比赛冠军演出电影音乐",
}


def rows(n: int, seed: int, ambiguous_every: int = 0) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for label, cue in CUES.items():
        for i in range(n):
            text = "".join(rng.choice(cue) for _ in range(30)) + "的了是在有和"
            out.append(
                {
                    "text": text,
                    "label": label,
                    "ambiguous": bool(ambiguous_every and i % ambiguous_every == 0),
                }
            )
    return out


def test_baseline_learns_separable_themes():
    result = run_baseline(rows(20, 1), rows(6, 2, ambiguous_every=3))
    assert result.macro_f1 > 0.9
    assert result.n_dev == 30 and result.n_dev_unambiguous == 20
    assert all(label in result.report for label in LABELS)
    assert len(result.predictions) == 30


def test_baseline_needs_data():
    with pytest.raises(ValueError, match="needs"):
        run_baseline([], rows(1, 1))
