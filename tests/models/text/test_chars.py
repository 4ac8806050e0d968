"""Character classes shared by the clean-up rules."""

import pytest

from wenzhai.models.text.chars import leaves_open


@pytest.mark.parametrize(
    ("text", "open_"),
    [
        ("国务院日前印发《关于深化", True),
        ("【执笔人：王明", True),
        ("他说：“我们一定", True),
        ("“证照分离”改革进一步激发", False),
        ("（附图片1张）", False),
        ("《规划》（2024—2035年）发布", False),
        ("没有括号的一行", False),
        ('直引号"不算', False),
        ("外层“内层（未闭合”", False),  # the outer quote closes through the unmatched inner bracket
    ],
)
def test_leaves_open(text, open_):
    assert leaves_open(text) is open_
