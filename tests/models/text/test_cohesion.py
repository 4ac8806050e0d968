from collections import Counter

import pytest

from tests.models.topics import DIGITAL, RURAL
from wenzhai.models.text.cohesion import (
    HeadingFit,
    bigrams,
    char_grams,
    cohesion_scores,
    cosine,
    depth_scores,
    topic_cuts,
)


def test_char_grams_skip_punctuation_and_spaces():
    assert char_grams("乡村，建设 A") == Counter({"乡": 1, "村": 1, "乡村": 1, "建": 1, "设": 1, "建设": 1, "A": 1})
    assert bigrams("乡村乡村") == Counter({"乡村": 2, "村乡": 1})


def test_cosine():
    assert cosine(Counter("ab"), Counter("ab")) == pytest.approx(1.0)
    assert cosine(Counter("ab"), Counter("cd")) == 0.0
    assert cosine(Counter(), Counter("a")) == 0.0


def test_depth_scores_measure_the_dip_to_the_peaks_on_both_sides():
    assert depth_scores([0.5, 0.2, 0.4]) == pytest.approx([0.0, 0.5, 0.0])
    assert depth_scores([0.5, 0.3, 0.1, 0.3, 0.6]) == pytest.approx([0.0, 0.2, 0.9, 0.3, 0.0])


def test_cohesion_is_lower_across_a_topic_change():
    scores = cohesion_scores([bigrams(t) for t in DIGITAL + RURAL], window=2)
    assert min(range(len(scores)), key=scores.__getitem__) == len(DIGITAL) - 1


def test_topic_cut_between_unrelated_stretches():
    cuts = topic_cuts(DIGITAL + RURAL, window=3, min_depth=0.4, max_similarity=0.05, min_chars=60)
    assert list(cuts) == [len(DIGITAL)]
    assert cuts[len(DIGITAL)] >= 1.0


def test_no_cut_inside_one_topic():
    assert topic_cuts(DIGITAL, window=3, min_depth=0.4, max_similarity=0.05, min_chars=60) == {}
    assert topic_cuts(RURAL, window=3, min_depth=0.4, max_similarity=0.05, min_chars=60) == {}


def test_min_chars_forbids_short_pieces():
    texts = DIGITAL[:1] + RURAL
    assert list(topic_cuts(texts, window=3, min_depth=0.4, max_similarity=0.05, min_chars=60)) == [1]
    assert topic_cuts(texts, window=3, min_depth=0.4, max_similarity=0.05, min_chars=len(texts[0]) + 1) == {}


def test_heading_fit_weighs_distinctive_characters():
    fit = HeadingFit(DIGITAL + RURAL)
    assert fit("电子证照", DIGITAL[0]) == pytest.approx(1.0)
    assert fit("电子证照", RURAL[0]) == 0.0
    # "的" is in every text of this page: sharing only it is worth nothing
    page = HeadingFit(["美丽的乡村", "繁华的城市", "忙碌的工厂"])
    assert page("乡村的", "繁华的城市") == 0.0
    assert page("乡村的", "美丽的乡村") > 0.5
    assert fit("，。", RURAL[0]) == 0.0
