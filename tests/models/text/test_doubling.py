import pytest

from wenzhai.models.text.doubling import collapse_doubling, is_doubled
from wenzhai.models.text.mapped import MappedText


def _collapse(text: str) -> str:
    return collapse_doubling(MappedText.from_source(text)).text


def test_doubled_headline_with_doubled_quotes_collapses():
    assert _collapse("““千万工程千万工程””的巨大贡献与深远意义的巨大贡献与深远意义") == "“千万工程”的巨大贡献与深远意义"


def test_doubled_byline_collapses():
    org = "浙江省习近平新时代中国特色社会主义思想研究中心"
    assert _collapse(org + org) == org


@pytest.mark.parametrize(
    "text",
    [
        "千村示范、万村整治",
        "浙江“千万工程”之所以能一以贯之、一抓到底",
        "亲自谋划、亲自部署、亲自推动",
        "谢谢谢谢",  # X + X, but X is only two characters
        "哈哈",
        "研究研究，再研究研究",  # only some runs are doubled
        "““千万工程””",  # quotes doubled, words not
        "",
    ],
)
def test_legitimate_repetition_is_kept(text):
    assert not is_doubled(text)
    assert _collapse(text) == text


def test_min_chars_is_the_threshold():
    assert not is_doubled("学习学习", min_chars=3)
    assert is_doubled("学习学习", min_chars=2)


def test_collapse_keeps_first_copy_offsets():
    out = collapse_doubling(MappedText.from_source("““千万工程千万工程””"))
    assert out.text == "“千万工程”"
    assert out.offsets == (0, 2, 3, 4, 5, 10)
