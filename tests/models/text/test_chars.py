"""Character classes shared by the clean-up rules."""

import pytest

from wenzhai.models.text.chars import has_inner_sentence_end, leaves_open


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


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("具体实施村庄清洁行动。今年3月，中央办公厅发出通知", True),
        ("他说：“办成了。”记者了解到", True),
        ("乡村建设要坚持政府主导。", False),  # the end of the line, not inside it
        ("如此美容美发店！", False),
        ("标题：副标题，没有句号", False),
        ("“办成了。” ", False),
    ],
)
def test_has_inner_sentence_end(text, inner):
    assert has_inner_sentence_end(text) is inner


@pytest.mark.parametrize(
    ("text", "note"),
    [("（孙海涛胡跃平）", True), ("(女工委)", True), (" （本报记者李四摄） ", True),
     ("不忘藏北人民的拉萨市民（图片）", False), ("（图）拉萨市民", False), ("（一）（二）", False), ("（）", False)],
)
def test_is_bracketed_note(text, note):
    from wenzhai.models.text.kinds import is_bracketed_note

    assert is_bracketed_note(text) is note
