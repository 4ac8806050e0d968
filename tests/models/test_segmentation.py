from __future__ import annotations

import numpy as np
import pytest

from tests.models.topics import DIGITAL, RURAL
from wenzhai.models.segmentation import (
    AFTER_BYLINE,
    AFTER_HEADING,
    HEADING,
    START,
    THEME,
    TOPIC,
    Segment,
    SegmentationConfig,
    check_probs,
    js_divergence,
    segment_page,
    theme_turns,
)
from wenzhai.models.text import clean_page
from wenzhai.models.text.types import Paragraph

A, B = [0.8, 0.1, 0.1], [0.1, 0.8, 0.1]
NO_LEXICAL = SegmentationConfig(min_depth=2.0, max_similarity=0.0)  # statistics switched off


def _page(*items: tuple[str, str]) -> list[Paragraph]:
    """Paragraphs laid end to end (kind, text), with offsets into the joined text."""
    out, pos = [], 0
    for kind, text in items:
        out.append(Paragraph(text, (pos, pos + len(text)), kind, list(range(pos, pos + len(text)))))
        pos += len(text) + 1
    return out


def _body(texts: list[str]) -> list[tuple[str, str]]:
    return [("body", t) for t in texts]


def _shape(segments: list[Segment]) -> list[tuple[str | None, str, list[str]]]:
    return [(s.title, s.reason, [p.kind for p in s.paragraphs]) for s in segments]


# ------------------------------------------------------------------------------- layout


def test_heading_titles_the_text_it_introduces():
    segments = segment_page(_page(("heading", "电子证照让政务服务更方便"), *_body(DIGITAL)))
    assert _shape(segments) == [("电子证照让政务服务更方便", HEADING, ["heading", "body", "body", "body"])]
    assert segments[0].text == "\n".join(DIGITAL)
    assert segments[0].span == (0, segments[0].paragraphs[-1].span[1])


def test_headings_start_new_articles():
    segments = segment_page(_page(("heading", "政务服务"), *_body(DIGITAL[:2]), ("heading", "政务服务平台"),
                                  *_body(DIGITAL[2:])))
    assert [s.title for s in segments] == ["政务服务", "政务服务平台"]


def test_byline_under_a_heading_stays_with_it_and_a_byline_after_text_closes_the_article():
    segments = segment_page(_page(
        ("heading", "乡村振兴新气象"), ("byline", "本报记者张三"), *_body(RURAL[:2]),
        ("byline", "（本报记者张三摄）"), *_body(RURAL[2:]),
    ))
    assert _shape(segments) == [
        ("乡村振兴新气象", HEADING, ["heading", "byline", "body", "body", "byline"]),
        (None, AFTER_BYLINE, ["body"]),
    ]


def test_heading_followed_by_heading_dangles_and_joins_the_segment_before():
    segments = segment_page(_page(*_body(RURAL), ("heading", "乡村的巨大变化"), ("heading", "政务服务新变化"),
                                  *_body(DIGITAL)))
    assert _shape(segments) == [
        (None, START, ["body", "body", "body", "heading"]),
        ("政务服务新变化", HEADING, ["heading", "body", "body", "body"]),
    ]


def test_misplaced_heading_is_not_forced_onto_the_text_below_it():
    # the headline is about e-certificates, the text under it is rural; its own text comes later
    segments = segment_page(_page(
        ("heading", "电子证照信息安全"), ("byline", "政务服务研究中心"), *_body(RURAL),
        ("heading", "政务服务新变化"), *_body(DIGITAL),
    ))
    assert _shape(segments) == [
        (None, AFTER_HEADING, ["heading", "byline", "body", "body", "body"]),
        ("政务服务新变化", HEADING, ["heading", "body", "body", "body"]),
    ]


def test_poorly_fitting_heading_without_a_better_home_keeps_its_text():
    segments = segment_page(_page(("heading", "春风化雨润心田"), *_body(RURAL)))
    assert [s.title for s in segments] == ["春风化雨润心田"]


def test_dangling_heading_at_the_end_joins_the_last_segment():
    segments = segment_page(_page(*_body(RURAL), ("heading", "“千万工程”的巨大贡献")))
    assert _shape(segments) == [(None, START, ["body", "body", "body", "heading"])]


def test_page_of_headings_only_is_one_untitled_segment():
    segments = segment_page(_page(("heading", "标题一"), ("heading", "标题二")))
    assert _shape(segments) == [(None, START, ["heading", "heading"])]
    assert segments[0].text == ""


def test_no_paragraphs_no_segments():
    assert segment_page([]) == []


# ------------------------------------------------------------------------------- statistics


def test_headless_articles_are_separated_by_topic():
    segments = segment_page(_page(*_body(DIGITAL), *_body(RURAL)))
    assert _shape(segments) == [(None, START, ["body"] * 3), (None, TOPIC, ["body"] * 3)]
    assert segments[1].text.startswith(RURAL[0])


def test_one_topic_stays_one_segment():
    assert len(segment_page(_page(*_body(DIGITAL + DIGITAL[::-1])))) == 1


def test_topic_boundary_never_cuts_off_less_than_min_segment_chars():
    paragraphs = _page(*_body(DIGITAL[:1] + RURAL))
    short = len(DIGITAL[0])
    assert len(segment_page(paragraphs, config=SegmentationConfig(min_segment_chars=short))) == 2
    assert len(segment_page(paragraphs, config=SegmentationConfig(min_segment_chars=short + 1))) == 1


# ------------------------------------------------------------------------------- theme probabilities


def test_js_divergence_bounds():
    p = np.array([0.5, 0.5, 0.0])
    assert js_divergence(p, p) == pytest.approx(0.0)
    assert js_divergence(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(1.0)


def test_sustained_turn_is_found_at_the_right_gap():
    assert list(theme_turns(np.array([A, A, A, B, B, B]), 2, 0.2, 0.1)) == [3]


def test_one_paragraph_blip_is_not_a_turn():
    assert theme_turns(np.array([A, A, A, B, A, A, A]), 2, 0.2, 0.1) == {}


def test_gradual_turn_gives_one_boundary():
    mixed = [0.45, 0.45, 0.1]
    turns = theme_turns(np.array([A, A, A, mixed, B, B, B]), 2, 0.2, 0.1)
    assert len(turns) == 1 and next(iter(turns)) in (3, 4)


def test_unconfident_windows_are_no_turn():
    low_a, low_b = [0.4, 0.35, 0.25], [0.35, 0.4, 0.25]
    assert theme_turns(np.array([low_a] * 3 + [low_b] * 3), 2, 0.0, 0.1) == {}


def test_min_js_is_the_threshold():
    near_a, near_b = [0.55, 0.4, 0.05], [0.4, 0.55, 0.05]
    probs = np.array([near_a] * 3 + [near_b] * 3)
    assert list(theme_turns(probs, 2, 0.01, 0.1)) == [3]
    assert theme_turns(probs, 2, 0.2, 0.1) == {}


def test_probabilities_split_a_lexically_uniform_run():
    paragraphs = _page(*_body(RURAL + RURAL[::-1]))
    assert len(segment_page(paragraphs, config=NO_LEXICAL)) == 1
    segments = segment_page(paragraphs, paragraph_probs=[A] * 3 + [B] * 3, config=NO_LEXICAL)
    assert [(s.reason, len(s.paragraphs)) for s in segments] == [(START, 3), (THEME, 3)]


def test_heading_rows_of_the_probabilities_are_ignored():
    paragraphs = _page(("heading", "乡村新气象"), *_body(RURAL + RURAL[::-1]))
    probs = [B] + [A] * 3 + [B] * 3  # the headline's row says B: it must not matter
    segments = segment_page(paragraphs, paragraph_probs=probs, config=NO_LEXICAL)
    assert [(s.title, s.reason, len(s.paragraphs)) for s in segments] == [
        ("乡村新气象", HEADING, 4), (None, THEME, 3),
    ]


def test_theme_turn_respects_min_segment_chars():
    paragraphs = _page(*_body(RURAL + RURAL[::-1]))
    config = SegmentationConfig(min_depth=2.0, max_similarity=0.0, min_segment_chars=10_000)
    assert len(segment_page(paragraphs, paragraph_probs=[A] * 3 + [B] * 3, config=config)) == 1


@pytest.mark.parametrize(
    ("probs", "message"),
    [
        ([[1.0, 0.0]], r"shape \(number of paragraphs = 2"),
        ([[1.0], [1.0]], "K >= 2"),
        ([[0.5, 0.6], [1.0, 0.0]], "row 0 sums to 1.1000"),
        ([[-0.5, 1.5], [1.0, 0.0]], "non-negative"),
        ([[float("nan"), 1.0], [1.0, 0.0]], "finite"),
        ([["a", "b"], [1.0, 0.0]], "array of numbers"),
    ],
)
def test_bad_probabilities_are_clear_errors(probs, message):
    with pytest.raises(ValueError, match=message):
        check_probs(probs, 2)


@pytest.mark.parametrize(
    ("field", "value"),
    [("window", 0), ("prob_window", 1.5), ("min_depth", 2.5), ("max_similarity", -0.1), ("min_js", "x"),
     ("min_margin", True), ("min_segment_chars", -1), ("heading_fit_chars", 0), ("min_heading_fit", 1.1)],
)
def test_config_is_validated(field, value):
    with pytest.raises(ValueError, match=f"SegmentationConfig.{field}"):
        SegmentationConfig(**{field: value})


def test_every_config_field_has_help():
    from dataclasses import fields

    assert all(f.metadata.get("help") for f in fields(SegmentationConfig))


# ------------------------------------------------------------------------------- the seed page

OPENINGS = ["根据省委学习贯彻", "结婚登记，拿出手机", "“千万工程”意义深远", "从乡村建设的治理视角看",
            "“千万工程”是习近平同志", "5月24日至25日，花园新材公司"]
GOVERNANCE_TURN = "从乡村建设的治理视角看"


@pytest.fixture(scope="module")
def seed_paragraphs(seed_page):
    return clean_page(seed_page)


def _first_content(segment: Segment) -> str:
    return segment.content[0].text if segment.content else ""


def test_seed_page_segments(seed_paragraphs):
    segments = segment_page(seed_paragraphs)
    assert [_first_content(s)[: len(o)] for s, o in zip(segments, OPENINGS, strict=True)] == OPENINGS
    # The doubled banner printed under the study-session report is displaced: it titles the essay it
    # fits (“千万工程”意义深远…), not the report above it or the e-ID commentary below it.
    assert [s.title for s in segments] == [
        None, None, "“千万工程”的巨大贡献与深远意义", None, "“千万工程”的深远意义", "“文武”比拼竞风采",
    ]


def test_seed_page_no_segment_spans_two_openings(seed_page, seed_paragraphs):
    for segment in segment_page(seed_paragraphs):
        inside = [o for o in OPENINGS if o in seed_page[segment.span[0]:segment.span[1]]]
        assert len(inside) <= 1, inside


def test_seed_page_misplaced_headlines_title_nothing(seed_paragraphs):
    segments = segment_page(seed_paragraphs)
    first, essay = segments[0], segments[4]
    assert [p.kind for p in first.paragraphs] == ["body", "heading", "byline"]
    assert first.paragraphs[1].text == "“千万工程”的巨大贡献与深远意义" and first.title is None
    assert essay.paragraphs[-1].text == "“千万工程”的巨大贡献" and essay.title == "“千万工程”的深远意义"


def test_seed_page_bylines_and_caption_attach_to_their_articles(seed_paragraphs):
    segments = segment_page(seed_paragraphs)
    assert segments[3].paragraphs[-1].text.startswith("【执笔人：黄祖辉")
    assert [p.kind for p in segments[5].paragraphs] == ["heading", "caption", "byline"]
    assert segments[5].text.startswith("5月24日至25日，花园新材公司举行职工技能比武活动")


def test_seed_page_governance_turn_from_statistics_alone(seed_paragraphs):
    turn = next(s for s in segment_page(seed_paragraphs) if _first_content(s).startswith(GOVERNANCE_TURN))
    assert turn.reason == TOPIC


def test_seed_page_governance_turn_through_theme_probabilities(seed_paragraphs):
    """The classifier path alone (lexical statistics off) finds the turn from synthetic probabilities."""
    turn_at = next(i for i, p in enumerate(seed_paragraphs) if p.text.startswith(GOVERNANCE_TURN))
    essay_start = next(i for i, p in enumerate(seed_paragraphs) if p.text.startswith("“千万工程”意义深远"))
    rural, governance, other = [0.05, 0.85, 0.05, 0.05], [0.85, 0.05, 0.05, 0.05], [0.1, 0.1, 0.1, 0.7]
    probs = [other if i < essay_start else rural if i < turn_at else governance for i in range(len(seed_paragraphs))]

    without = segment_page(seed_paragraphs, config=NO_LEXICAL)
    assert not any(_first_content(s).startswith(GOVERNANCE_TURN) for s in without)
    with_probs = segment_page(seed_paragraphs, paragraph_probs=probs, config=NO_LEXICAL)
    def reason(opening: str) -> str:
        return next(s.reason for s in with_probs if _first_content(s).startswith(opening))

    assert reason(GOVERNANCE_TURN) == THEME
    assert reason("“千万工程”意义深远") == THEME  # the e-ID → essay turn, too
