"""The language check: Chinese text passes quietly, other text gets a notice that says why."""

import pytest

from wenzhai.models.language import MIN_CJK_SHARE, check_language


@pytest.mark.parametrize(
    "text",
    [
        "村里修好了水泥路，村民发展特色种植，收入逐年增加。",
        "市民在手机APP上就能办理，5G网络覆盖全县。",  # Latin words and digits in Chinese prose
        "２０２３年５月２４日",  # only digits and Han: digits do not count
        "乡村振兴\n\n本报讯（记者 张三）",
    ],
)
def test_chinese_text_has_no_notice(text: str) -> None:
    check = check_language(text)
    assert check.chinese and check.notice is None
    assert check.cjk_share >= MIN_CJK_SHARE


@pytest.mark.parametrize(
    "text",
    [
        "The village built a new road and farmers grew special crops.",
        "Привет, как дела? Всё хорошо.",
        "Cunli xiuhaole shuinilu.",  # pinyin is not Chinese characters
        "新闻 The county opened a one-stop government service centre for all residents.",
    ],
)
def test_other_text_gets_a_notice_with_its_share(text: str) -> None:
    check = check_language(text)
    assert not check.chinese
    assert check.cjk_share < MIN_CJK_SHARE
    assert f"{check.cjk_share:.0%} of its words are Chinese characters" in check.notice


def test_counts_words_not_letters() -> None:
    # 2 Han characters against 2 English words: half, i.e. at the threshold, counted as Chinese
    check = check_language("乡村 rural revitalisation")
    assert check.cjk_share == 0.5 and check.chinese


def test_no_letters_at_all() -> None:
    check = check_language("12345 ... !!!")
    assert check.cjk_share == 0.0 and not check.chinese
    assert check.notice.startswith("no letters or Chinese characters")
