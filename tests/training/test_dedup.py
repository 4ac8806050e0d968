"""Near-duplicate detection: exact Jaccard maths, and MinHash candidates that find real edits."""

import random

import pytest

from wenzhai.training.dedup import ShingleIndex, containment, find_near_duplicates, jaccard, shingles

BASE = (
    "本报讯记者报道：全省今年共投入资金三亿元，新修村道一千二百公里，解决了四十万农村群众的饮水困难，"
    "并在二百个行政村建成文化活动室和卫生室，村容村貌明显改善，农民人均纯收入增长百分之八。"
)


def edited(text: str, n_edits: int, seed: int) -> str:
    rng = random.Random(seed)
    chars = list(text)
    for _ in range(n_edits):
        chars[rng.randrange(len(chars))] = rng.choice("甲乙丙丁戊己庚辛")
    return "".join(chars)


def test_shingles_ignore_whitespace_and_handle_short_text():
    assert shingles("一二三 四五\n六") == {"一二三四五", "二三四五六"}
    assert shingles("短文") == {"短文"}
    assert shingles("  ") == frozenset()


def test_jaccard_and_containment():
    a, b = shingles(BASE), shingles(BASE[:40])
    assert jaccard(a, a) == 1.0
    assert containment(a, b) == 1.0  # the shorter text sits inside the longer one
    assert 0.0 < jaccard(a, b) < 0.6
    assert jaccard(frozenset(), frozenset()) == 0.0


def test_finds_lightly_edited_copy_and_keeps_the_first():
    texts = ["完全无关的一段体育新闻，主队以三比一获胜，球迷欢呼。", BASE, edited(BASE, 2, seed=1)]
    pairs = find_near_duplicates(texts, threshold=0.6)
    assert [(p.kept, p.later) for p in pairs] == [(1, 2)]
    assert pairs[0].similarity >= 0.6


def test_unrelated_and_heavily_edited_texts_are_not_duplicates():
    heavy = edited(BASE, 40, seed=3)
    assert jaccard(shingles(BASE), shingles(heavy)) < 0.6
    assert (
        find_near_duplicates([BASE, heavy, "另一条关于电子证照在线验证的消息，群众办事不再跑腿。"], 0.6) == []
    )


def test_reported_pairs_are_verified_exactly():
    texts = [edited(BASE, k, seed=k) for k in range(0, 30, 3)]
    for pair in find_near_duplicates(texts, 0.5):
        assert jaccard(shingles(texts[pair.kept]), shingles(texts[pair.later])) == pytest.approx(
            pair.similarity
        )
        assert pair.similarity >= 0.5


def test_threshold_is_validated():
    with pytest.raises(ValueError, match="threshold"):
        find_near_duplicates([BASE], 0.0)


def test_shingle_index_scores_every_overlapping_text():
    index = ShingleIndex([BASE, "毫不相干的国际新闻报道内容在这里。"])
    hits = index.overlaps(BASE[10:60])
    assert [h[0] for h in hits] == [0]
    assert hits[0][2] == 1.0
