"""Fitting the clause compressor: targets, the fit, the held-out score, and the shipped file's provenance."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.models.test_summarizer import bag_of_chars
from wenzhai.models.summarizer import Summarizer
from wenzhai.models.summary_compressor import DEFAULT_COMPRESSOR_PATH, ClauseCompressor
from wenzhai.models.text.cohesion import bigrams
from wenzhai.training.summary_compressor_train import (
    Picked,
    clause_targets,
    compressed_rouge,
    fit,
    main,
    pick_sentences,
)
from wenzhai.training.summary_rouge import make_scorer, rouge_f1
from wenzhai.training.summary_sources import TitledText

SENTENCES = ["近日，全省新增就业十二万人。", "记者了解到，村里修了新路，方便出行。"]


def _picked(reference: str) -> Picked:
    doc = TitledText("read-tv-1", "read-tv", "".join(SENTENCES), reference)
    return Picked(doc, SENTENCES, sum((Counter(bigrams(s)) for s in SENTENCES), Counter()))


def test_targets_are_each_clauses_share_of_bigrams_in_the_reference():
    rows, targets = clause_targets([_picked("全省新增就业十二万人，村里修了新路。")])
    assert len(rows) == 5
    assert targets[0] == 0.0  # 近日
    assert targets[1] == 1.0  # 全省新增就业十二万人
    assert targets[2] == 0.0 and targets[3] == 1.0  # 记者了解到 / 村里修了新路
    assert targets[4] == 0.0  # 方便出行: not in the reference


def test_fit_learns_which_features_mean_keep_and_drops_rare_lexical_ones():
    rows = [{"figures": 1.0, "open:甲": 1.0}] * 20 + [{"figures": 0.0, "open:乙": 1.0}] * 20 + [{"open:丙": 1.0}]
    targets = [0.9] * 20 + [0.1] * 20 + [0.5]
    model = fit(rows, targets, strength=1.0, min_count=5)
    assert model.weights["figures"] > 0
    assert "open:丙" not in model.weights  # seen once: below the minimum count
    p_figures, p_plain = model.probabilities([{"figures": 1.0, "open:甲": 1.0}, {"figures": 0.0, "open:乙": 1.0}])
    assert p_figures > 0.75 > 0.25 > p_plain


def test_whole_sentences_score_what_rouge_says_and_compression_changes_it():
    reference = "全省新增就业十二万人，村里修了新路。"
    whole = compressed_rouge(None, [_picked(reference)])
    expected = rouge_f1(make_scorer(), "".join(SENTENCES), reference)
    assert whole["rougeL"] == pytest.approx(100 * expected["rougeL"])
    drop_openers = ClauseCompressor({"first": -10.0}, bias=5.0, threshold=0.5, min_kept_chars=0)
    assert compressed_rouge(drop_openers, [_picked(reference)])["rougeL"] > whole["rougeL"]


def test_sentences_are_picked_by_a_summariser_that_does_not_compress():
    with pytest.raises(ValueError, match="without a compressor"):
        pick_sentences(Summarizer(bag_of_chars), [], 3)


@pytest.mark.slow
@pytest.mark.shared
def test_the_shipped_weights_are_what_the_command_writes(shared_dir, tmp_path, capsys):
    out = tmp_path / "compressor.json"
    assert main(["--shared", str(shared_dir), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "held-out ROUGE-1/2/L" in printed
    written, shipped = (json.loads(p.read_text(encoding="utf-8")) for p in (out, DEFAULT_COMPRESSOR_PATH))
    assert (written["threshold"], written["min_kept_chars"]) == (shipped["threshold"], shipped["min_kept_chars"])
    assert written["weights"].keys() == shipped["weights"].keys()
    assert all(abs(written["weights"][k] - v) < 1e-3 for k, v in shipped["weights"].items())
    about = written["about"]
    assert about["validation_chosen"]["rougeL"] > about["validation_whole_sentences"]["rougeL"]
