import pytest

from wenzhai.models.text import clean_page, split_sentences
from wenzhai.models.text.types import Paragraph


def _texts(text: str, soft: bool = False) -> list[str]:
    return [s.text for s in split_sentences(text, soft=soft)]


def test_splits_after_full_stop_question_and_exclamation():
    assert _texts("今天开会。你来吗？太好了！OK!真的?") == ["今天开会。", "你来吗？", "太好了！", "OK!", "真的?"]


def test_ellipsis_ends_a_sentence_once():
    assert _texts("领取电子身份证也能入住宾馆……近年来应用越来越多。") == [
        "领取电子身份证也能入住宾馆……",
        "近年来应用越来越多。",
    ]
    assert _texts("等一下…好。") == ["等一下…", "好。"]


def test_runs_of_marks_stay_together():
    assert _texts("真的吗？！是的。。") == ["真的吗？！", "是的。。"]


def test_closing_quotes_and_brackets_stay_with_their_sentence():
    assert _texts("他说：“我来了。”大家都笑了。") == ["他说：“我来了。”", "大家都笑了。"]
    assert _texts("（这是补充说明。）正文继续。") == ["（这是补充说明。）", "正文继续。"]
    assert _texts("『好！』「行。」") == ["『好！』", "「行。」"]


def test_no_split_inside_a_quote_that_continues():
    assert _texts("他说：“今天很好。明天更好。”然后走了。") == ["他说：“今天很好。明天更好。”", "然后走了。"]
    assert _texts("群众说“办事方便了！真方便”，大家都满意。") == ["群众说“办事方便了！真方便”，大家都满意。"]


def test_unmatched_quote_does_not_swallow_the_rest():
    assert _texts("“千万工程第一句。第二句。第三句。") == ["“千万工程第一句。", "第二句。", "第三句。"]


def test_very_long_quotes_are_split_inside():
    quote = "这是一句话。" * 10  # 60 characters
    text = f"他说：“{quote}”"
    assert len(_texts(text)) == 1
    assert len(split_sentences(text, max_quote_chars=50)) == 10


def test_commas_never_split():
    assert _texts("一是乡村建设，二是乡村治理，三是乡村发展") == ["一是乡村建设，二是乡村治理，三是乡村发展"]


def test_semicolon_is_a_soft_boundary_only_on_request():
    text = "出示电子身份证即可办理手续；赶火车忘带证件，迅速办理临时身份证明。"
    assert _texts(text) == [text]
    soft = split_sentences(text, soft=True)
    assert [(s.text, s.soft) for s in soft] == [
        ("出示电子身份证即可办理手续；", True),
        ("赶火车忘带证件，迅速办理临时身份证明。", False),
    ]


def test_semicolon_inside_a_quote_is_not_a_boundary():
    text = "他说：“先干这个；再干那个。”大家同意。"
    assert _texts(text, soft=True) == ["他说：“先干这个；再干那个。”", "大家同意。"]


def test_line_breaks_always_split_and_whitespace_is_trimmed():
    sentences = split_sentences("第一段没有句号\n  第二段。 ")
    assert [(s.text, s.span) for s in sentences] == [("第一段没有句号", (0, 7)), ("第二段。", (10, 14))]


def test_string_spans_index_the_string():
    text = "甲说了话。乙也说了话！"
    for s in split_sentences(text):
        assert text[s.span[0]:s.span[1]] == s.text


def test_paragraph_spans_index_the_original_input():
    raw = "电子身份证的应用，\n并非简单地数字化。这\n\n生动体现了服务理念。"
    (paragraph,) = clean_page(raw)
    sentences = split_sentences(paragraph)
    assert [s.text for s in sentences] == ["电子身份证的应用，并非简单地数字化。", "这生动体现了服务理念。"]
    assert [s.span for s in sentences] == [(0, 19), (19, 32)]
    assert raw[19:32] == "这\n\n生动体现了服务理念。"


def test_empty_and_whitespace_give_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n ") == []


def test_bad_arguments_are_clear_errors():
    with pytest.raises(TypeError, match="expected str or Paragraph"):
        split_sentences(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_quote_chars"):
        split_sentences("好。", max_quote_chars=-1)


def test_heading_paragraph_is_one_sentence():
    p = Paragraph("“文武”比拼竞风采", (5, 14), "heading", list(range(5, 14)))
    assert [(s.text, s.span) for s in split_sentences(p)] == [("“文武”比拼竞风采", (5, 14))]
