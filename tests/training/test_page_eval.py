"""Page scoring as pages_dev.README.md defines it."""

from __future__ import annotations

from wenzhai.training.page_eval import (
    GoldPage,
    GoldSegment,
    PredictedSegment,
    Tally,
    match_segments,
    score_page,
)

PAGE = GoldPage("p", "标题一\n正文一开始了。\n\n正 文 二 开 始 了 。\n", (
    GoldSegment("正文一开始了。", "标题一", "正文一开始了。", "governance", False, 4),
    GoldSegment("正文二开始了。", None, "正文二开始了。", "other", True, 13),
))


def test_hits_ignore_whitespace_and_each_gold_segment_matches_once():
    predicted = [PredictedSegment("标题一", "正文一开始了。"), PredictedSegment(None, "正文 二开始了。"),
                 PredictedSegment(None, "正文二开始了。")]
    assert match_segments(PAGE.segments, predicted) == {0: 0, 1: 1}


def test_counts_themes_titles_headless_and_errors():
    tally = Tally()
    predicted = [PredictedSegment("标题一", "正文一开始了。", "governance", 4),
                 PredictedSegment(None, "开始了。", "other", 17)]
    score_page(PAGE, predicted, tally)
    assert (tally.gold, tally.predicted, tally.hits) == (2, 2, 1)
    assert tally.prf() == (0.5, 0.5, 0.5)
    assert (tally.headless_gold, tally.headless_hits) == (1, 0)
    assert (tally.theme_right, tally.title_right) == (1, 1)
    assert (tally.clear_gold, tally.theme_right_clear) == (1, 1)
    assert tally.per_label == {"governance": [1, 1], "other": [0, 1]}
    assert tally.errors == {"missed headless start": 1, "false start: letter-spaced line": 1}
