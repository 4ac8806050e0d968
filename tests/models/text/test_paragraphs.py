"""The hand-written clean-up rules (``reader="rules"``): they stay as the page reader's features."""

import pytest

from tests.models.text.spancheck import mapping_problems
from wenzhai.models.text import CleanConfig, clean_text
from wenzhai.models.text import clean_page as _clean_page

RULES = CleanConfig(reader="rules")


def clean_page(raw, config=RULES):
    return _clean_page(raw, config)


def _kinds(raw: str) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in clean_page(raw)]


def test_lines_wrapped_mid_word_are_rejoined_without_spaces():
    raw = "结婚登记，拿出手机\n出示电子身份证即可办理\n手续；赶火车忘带证件，\n登录 APP 迅速办理临时\n身份证明。\n"
    assert _kinds(raw) == [("body", "结婚登记，拿出手机出示电子身份证即可办理手续；赶火车忘带证件，登录APP迅速办理临时身份证明。")]


def test_blank_line_inside_a_sentence_does_not_end_the_paragraph():
    # the column ends mid-sentence: the line before the blank is as wide as the column
    raw = "深入学习习近平总书记关于\n\n“千万工程”和“浦江经验”两\n个重要批示精神和讲话要求。\n"
    assert _kinds(raw) == [("body", "深入学习习近平总书记关于“千万工程”和“浦江经验”两个重要批示精神和讲话要求。")]


def test_blank_line_after_a_comma_does_not_end_the_paragraph():
    raw = "“千万工程”的内涵和意义已不断深化和升华，\n\n“千万工程”改变的已不仅仅是乡村的人居环境。\n"
    assert len(clean_page(raw)) == 1


def test_blank_line_after_a_sentence_ends_the_paragraph():
    raw = "给人们办事带来诸多\n便利。\n\n把身份证这样的常用\n证件“装”进手机。\n"
    assert [p.text for p in clean_page(raw)] == ["给人们办事带来诸多便利。", "把身份证这样的常用证件“装”进手机。"]


def test_sentence_final_line_without_blank_continues_in_narrow_columns():
    raw = (
        "关键在于发挥垂直治理的制度功能。首先，坚持\n"
        "“一把手”亲自抓，各级领导亲自抓。\n"
        "坚持把“千万工程”列为“书记工程”，落\n"
        "实“一把手”责任制，形成推进机制。\n"
    )
    assert len(clean_page(raw)) == 1


def test_indent_starts_a_paragraph_even_mid_sentence():
    raw = "　　第一段的文字写在这里，\n没有结束。\n　　第二段开始了，\n也没有结束\n"
    assert [p.text for p in clean_page(raw)] == ["第一段的文字写在这里，没有结束。", "第二段开始了，也没有结束"]


def test_wide_lines_are_one_paragraph_each():
    first = "这是一篇普通文章的第一段，每一段都写在一行里面，没有换行折断，也没有空行分隔，句子一直写到段落的最后。"
    second = "第二段同样写在一行里面，行很长，超过报纸窄栏的宽度，所以每一个以句号结束的行都是一个自然段落。"
    assert [p.text for p in clean_page(f"{first}\n{second}\n")] == [first, second]


def test_latin_words_split_at_a_line_break_get_a_space_mapped_to_the_break():
    raw = "他说这是\nopen\nsource 软件的\n功劳。"
    (p,) = clean_page(raw)
    assert p.text == "他说这是open source软件的功劳。"
    assert raw[p.offsets[p.text.index(" ")]] == "\n"


def test_heading_alone_between_blank_lines():
    raw = "上一篇文章到此结束。\n\n“千万工程”的深远意义\n\n“千万工程”是一项重大决策。\n"
    assert _kinds(raw) == [
        ("body", "上一篇文章到此结束。"),
        ("heading", "“千万工程”的深远意义"),
        ("body", "“千万工程”是一项重大决策。"),
    ]


def test_line_as_wide_as_its_column_before_a_column_break_is_not_a_heading():
    raw = "上一段结束了。\n\n深入学习习近平总书记关于\n\n“千万工程”和“浦江经验”两\n个重要批示精神和讲话要求。\n"
    assert [k for k, _ in _kinds(raw)] == ["body", "body"]


def test_headline_wider_than_its_column():
    raw = "上一段结束了。\n\n浙江全面推进乡村振兴取得新进展\n\n全省各地把乡村\n建设摆在突出位\n置抓紧抓实。\n"
    assert [k for k, _ in _kinds(raw)] == ["body", "heading", "body"]


def test_heading_directly_above_a_much_wider_line():
    raw = "“文武”比拼竞风采\n5月24日至25日，花园新材公司举行职工技能比\n武活动。\n"
    assert [k for k, _ in _kinds(raw)] == ["heading", "body"]


def test_first_line_of_a_paragraph_that_lost_its_indent_is_not_a_heading():
    # a body line two cells shorter than its column, no punctuation: still body
    raw = "上文结束。\n\n扩大电子证照现实应\n用场景需要加强全过程\n规范管理确保信息安全\n"
    assert [k for k, _ in _kinds(raw)] == ["body", "body"]


def test_short_line_with_clause_punctuation_is_not_a_heading():
    raw = "上文结束。\n\n结婚登记，拿出手机\n\n出示电子身份证即可办理。\n"
    assert [k for k, _ in _kinds(raw)] == ["body", "body"]


def test_line_mid_sentence_is_never_a_heading():
    raw = "难点，疏通办事堵点。这\n生动体现了把群众身边\n\n关键小事办好\n\n的服务理念。\n"
    assert _kinds(raw) == [("body", "难点，疏通办事堵点。这生动体现了把群众身边关键小事办好的服务理念。")]


def test_heading_longer_than_limit_is_body():
    line = "很长的一行没有任何标点符号" * 3
    assert clean_page(f"{line}\n")[0].kind == "body"
    assert clean_page(f"{line}\n", CleanConfig(max_heading_chars=60, reader="rules"))[0].kind == "heading"


def test_bracket_byline_wrapped_over_two_lines():
    raw = "实现农业农村现代化。\n\n【执笔人：黄祖辉，特约研究员，浙江\n大学中国农村发展研究院首席专家】\n"
    assert _kinds(raw)[-1] == ("byline", "【执笔人：黄祖辉，特约研究员，浙江大学中国农村发展研究院首席专家】")


def test_bracketed_text_without_byline_words_is_body():
    raw = "【编者按】本期刊登\n一组读者来信。\n"
    assert _kinds(raw) == [("body", "【编者按】本期刊登一组读者来信。")]


def test_unclosed_bracket_does_not_swallow_the_page():
    raw = "（一）乡村建设\n要坚持政府主导\n要重视市场力量\n要引入社会资本\n要尊重农民意愿。\n"
    assert len(clean_page(raw)) == 1
    assert clean_page(raw)[0].kind == "body"


def test_doubled_headline_and_institution_line_under_it():
    org = "浙江省习近平新时代中国特色社会主义思想研究中心"
    raw = f"上文。\n\n““千万工程千万工程””的巨大贡献与深远意义的巨大贡献与深远意义\n{org}{org}\n\n正文开始了。\n"
    assert _kinds(raw) == [
        ("body", "上文。"),
        ("heading", "“千万工程”的巨大贡献与深远意义"),
        ("byline", org),
        ("body", "正文开始了。"),
    ]


def test_institution_line_not_under_a_heading_is_body():
    raw = "上文。\n\n浙江大学中国农村发展研究中心\n\n下文。\n"
    assert [k for k, _ in _kinds(raw)] == ["body", "heading", "body"]


def test_photo_item_text_is_a_caption_and_credit_a_byline():
    raw = "“文武”比拼竞风采\n5月24日至25日，花园新材公司举行职工技能比武活动。\n\n（本报记者周振平摄）\n"
    assert [k for k, _ in _kinds(raw)] == ["heading", "caption", "byline"]


def test_long_text_before_a_photo_credit_stays_body():
    # sentences that differ (a line that is one text printed twice is OCR doubling, and collapses)
    body = "".join(f"公司举行第{k}轮职工技能比武活动，提高自身理论水平和操作技能。" for k in range(12))
    raw = f"比武竞风采\n{body}\n\n（本报记者周振平摄）\n"
    assert [k for k, _ in _kinds(raw)] == ["heading", "body", "byline"]


def test_text_opening_like_a_caption():
    raw = "上文。\n\n图为工人们在车间里检查新设备。\n"
    assert [k for k, _ in _kinds(raw)] == ["body", "caption"]


def test_every_paragraph_maps_back_to_the_input():
    raw = " 根据安排，\n\n学习会举行 。\n\n““学习学习””的意义的意义\n登录 ＡＰＰ\n迅速办理。\n"
    for p in clean_page(raw):
        assert mapping_problems(raw, p.text, p.offsets, p.span) == []


def test_crlf_and_unicode_line_separators():
    raw = "第一行没有\r\n结束\u2028还在继续。\r\n\r\n新段落。"
    assert [p.text for p in clean_page(raw)] == ["第一行没有结束还在继续。", "新段落。"]


def test_empty_and_whitespace_input_give_no_paragraphs():
    assert clean_page("") == []
    assert clean_page(" \n\u3000\n\t") == []
    assert clean_text("") == ""


def test_clean_text_joins_paragraphs_with_newlines():
    raw = "第一段\n文字。\n\n第二段文字。"
    assert clean_text(raw) == "第一段文字。\n第二段文字。"


def test_non_string_input_is_a_clear_error():
    with pytest.raises(TypeError, match="raw must be str"):
        clean_page(b"bytes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_heading_chars", 0), ("heading_width_ratio", 1.5), ("max_column_width", 0), ("caption_max_chars", -1)],
)
def test_config_is_validated(field, value):
    with pytest.raises(ValueError, match=f"CleanConfig.{field}"):
        CleanConfig(**{field: value})


def test_spaced_number_wrapped_to_a_line_start_is_no_indent():
    # `3.5 万` printed with spaces; the column wrap put the space before 3.5 at a line start
    raw = "全市新增就业岗位由去年的\n 3.5 万个增加到今年的\n 4.2 万个。\n"
    assert [p.text for p in clean_page(raw)] == ["全市新增就业岗位由去年的3.5万个增加到今年的4.2万个。"]


def test_a_full_width_or_double_space_indent_is_still_an_indent():
    for indent in ("　　", "  ", " "):
        raw = f"第一段的文字写在这里，\n没有结束。\n{indent}第二段开始了。\n"
        assert len(clean_page(raw)) == 2, repr(indent)


def test_an_unfinished_line_wholly_in_brackets_is_a_byline_not_a_headline():
    """The reader's "text" for a one-line paragraph that ends no sentence: in brackets a byline, else a headline."""
    from wenzhai.models.text.paragraphs import _Draft, _unfinished_lines_are_headlines, clean_lines

    lines = clean_lines("（孙海涛胡跃平）\n乡村道路修到家门口\n村里修好了水泥路。\n", CleanConfig())
    drafts = [_Draft([line], "body", role="para", start_prob=0.5) for line in lines]
    kinds = [d.kind for d in _unfinished_lines_are_headlines(drafts, 40)]
    assert kinds == ["byline", "heading", "body"]
