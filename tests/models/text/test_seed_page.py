"""The reference OCR page end to end through clean-up and sentence splitting."""

from __future__ import annotations

import re

import pytest

from tests.models.text.spancheck import mapping_problems
from wenzhai.models.text import clean_page, clean_text, split_sentences
from wenzhai.models.text.chars import is_cjk


@pytest.fixture(scope="module")
def paragraphs(seed_page):
    return clean_page(seed_page)


def _by_kind(paragraphs, kind):
    return [p.text for p in paragraphs if p.kind == kind]


def test_headings(paragraphs):
    assert _by_kind(paragraphs, "heading") == [
        "“千万工程”的巨大贡献与深远意义",
        "“千万工程”的深远意义",
        "“千万工程”的巨大贡献",
        "“文武”比拼竞风采",
    ]


def test_bylines_including_the_collapsed_research_centre_line(paragraphs):
    assert _by_kind(paragraphs, "byline") == [
        "浙江省习近平新时代中国特色社会主义思想研究中心",
        "【执笔人：黄祖辉，特约研究员，浙江大学中国农村发展研究院首席专家】",
        "（本报记者周振平摄）",
    ]


def test_photo_item_is_a_caption(paragraphs):
    (caption,) = _by_kind(paragraphs, "caption")
    assert caption.startswith("5月24日至25日，花园新材公司举行职工技能比武活动")


def test_body_paragraph_openings(paragraphs):
    openings = [p.text[:8] for p in paragraphs if p.kind == "body"]
    assert openings == [
        "根据省委学习贯彻", "结婚登记，拿出手", "把身份证这样的常", "电子身份证的实质", "不只是电子身份证",
        "扩大电子证照现实", "小小电子码，大大", "“千万工程”意义", "一是乡村建设既要", "二是乡村建设既要",
        "三是乡村建设既要", "四是乡村建设既要", "从乡村建设的治理", "一是“党政合一”", "二是“智治合一”",
        "三是“调动群众”", "四是“激励相容”", "浙江“千万工程”", "面向新征程，浙江", "“千万工程”是习",
        "20年来，“千万", "20年来，“千万",
    ]


def test_rejoined_across_column_breaks_and_letter_spacing_removed(paragraphs):
    text = "\n".join(p.text for p in paragraphs)
    for fragment in (
        "深入学习习近平总书记关于“千万工程”和“浦江经验”两个重要批示精神",
        "用足用好我省宝贵资源",
        "这生动体现了把群众身边“关键小事”办好的服务理念。",
        "给人们办事带来诸多便利。",
        "登录APP迅速办理临时身份证明",
        "2018年9月26日，“千万工程”荣获联合国“地球卫士奖”",
        "2003年6月，习近平同志",
        "达37565元，连续38年居全国省区第一。",
        "首先，坚持“一把手”亲自抓。坚持把“千万工程”列为“书记工程”，落实",
    ):
        assert fragment in text


def test_legitimate_repetition_survives(paragraphs):
    text = clean_text("\n\n".join(p.text for p in paragraphs))  # and cleaning clean text keeps it
    for fragment in ("千村示范、万村整治", "一以贯之、一抓到底", "亲自谋划、亲自部署、亲自推动", "大拆大建", "方方面面"):
        assert fragment in text


def test_no_line_breaks_or_stray_spaces_inside_paragraphs(paragraphs):
    for p in paragraphs:
        assert "\n" not in p.text and "\r" not in p.text
        assert not re.search(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", p.text), p.text


def test_every_paragraph_maps_back_exactly(seed_page, paragraphs):
    for p in paragraphs:
        assert mapping_problems(seed_page, p.text, p.offsets, p.span) == [], p.text[:20]


def test_only_the_two_doubled_lines_lose_cjk_characters(seed_page, paragraphs):
    kept = {i for p in paragraphs for i in p.offsets}
    lost_lines = {
        seed_page.rfind("\n", 0, i) for i, ch in enumerate(seed_page) if is_cjk(ch) and i not in kept
    }
    starts = [seed_page.index("““千万工程千万工程"), seed_page.index("浙江省习近平新时代中国特色社会主义思想研究中心浙江省")]
    assert sorted(line + 1 for line in lost_lines) == starts


def test_sentences_have_no_line_breaks_and_map_back(seed_page, paragraphs):
    count = 0
    for p in paragraphs:
        for s in split_sentences(p, soft=True):
            count += 1
            assert "\n" not in s.text
            assert p.span[0] <= s.span[0] < s.span[1] <= p.span[1]
            source = re.sub(r"\s", "", seed_page[s.span[0]:s.span[1]])
            if p.kind == "body":  # no doubled lines in body text: the source is the sentence verbatim
                assert source == s.text
    assert count > 80  # sentences really are split (22 body paragraphs)


def test_known_sentences(paragraphs):
    sentences = [s.text for p in paragraphs for s in split_sentences(p)]
    assert "首先，坚持“一把手”亲自抓。" in sentences
    assert "结婚登记，拿出手机出示电子身份证即可办理手续；赶火车忘带证件，登录APP迅速办理临时身份证明；证件丢失，领取电子身份证也能入住宾馆……" in sentences
    assert "小小电子码，大大获得感。" in sentences
