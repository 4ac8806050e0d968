"""Page summaries: body sentences only, every main article covered before any gets a second sentence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.models.test_summarizer import bag_of_chars
from wenzhai.models.summarizer import Summarizer, SummarizerConfig, body_sentences, dateline_length, is_credit
from wenzhai.models.summary_budget import Budget
from wenzhai.models.text import Paragraph

ARTICLES = [
    ("乡村建设走出新路子", [
        "浙江实施乡村建设行动二十年，农村人居环境显著改善。各地坚持政府主导，又引入市场力量参与建设。"
        "村集体和企业共同投资，公共设施有人建也有人管。农民收入持续增长，乡村面貌焕然一新。",
        "专家认为，乡村建设要把握发展阶段，因地制宜推进。各地要总结经验，形成长效管护机制。",
    ]),
    ("电子证照方便群众办事", [
        "新华社杭州１月５日电（记者王五）电子证照在全省推广以来，群众办事少跑腿。政务服务网上可办事项超过九成。"
        "企业开办时间压缩到一天以内，营商环境持续优化。",
        "（刘亮明陈建军）邱娥国（附图片１张）",
        "基层干部表示，数字政府建设让服务更贴近群众。下一步将推进更多事项跨省通办。",
    ]),
    ("企业创新添活力", [
        "一批民营企业加大研发投入，新产品不断涌现。企业与高校合作建立实验室，科研成果加快转化。"
        "今年前三季度，全省规模以上工业增加值同比增长百分之六。",
        "如此美容美发店！",
    ]),
    ("简讯", ["本市图书馆延长开放时间。"]),
]


def page(articles=ARTICLES) -> list[list[Paragraph]]:
    """Each article as paragraphs: its headline, a byline, its body paragraphs, a photo caption."""
    out, offset = [], 0

    def paragraph(text: str, kind: str) -> Paragraph:
        nonlocal offset
        p = Paragraph(text, (offset, offset + len(text)), kind, list(range(offset, offset + len(text))))
        offset += len(text) + 1
        return p

    for title, bodies in articles:
        out.append([paragraph(title, "heading"), paragraph("本报记者张三", "byline"),
                    *(paragraph(b, "body") for b in bodies), paragraph("图为村民在文化礼堂排练。（李四摄）", "caption")])
    return out


@pytest.fixture()
def summarizer():
    return Summarizer(bag_of_chars, SummarizerConfig(page_article_chars=60))


def test_page_summary_takes_body_sentences_only(summarizer):
    items = summarizer.summarize_page(page(), Budget(max_sentences=10))
    assert items
    for item in items:
        body = next(p for article in page() for p in article if p.span[0] <= item.span[0] < p.span[1])
        assert body.kind == "body" and item.span[1] <= body.span[1]
        assert all(body.span[0] <= a < b <= body.span[1] for a, b in item.parts)
        assert not is_credit(item.text) and "如此美容美发店" not in item.text
        assert "本报记者" not in item.text and "图为" not in item.text
    assert not any(item.text.startswith("新华社") for item in items)  # the dateline is left out
    starts = [item.span[0] for item in items]
    assert starts == sorted(starts)


def article_of(item, articles) -> int:
    return next(i for i, a in enumerate(articles) if any(p.span[0] <= item.span[0] < p.span[1] for p in a if p.kind == "body"))


def test_every_main_article_is_covered_before_a_second_sentence(summarizer):
    articles = page()
    three = summarizer.summarize_page(articles, Budget(max_sentences=3))
    assert sorted(article_of(i, articles) for i in three) == [0, 1, 2]  # the short notice is not a main article
    four = [article_of(i, articles) for i in summarizer.summarize_page(articles, Budget(max_sentences=4))]
    assert sorted(set(four)) == [0, 1, 2] and len(four) == 4
    one = summarizer.summarize_page(articles, Budget(max_sentences=1))
    assert [article_of(i, articles) for i in one] == [0]  # the biggest article leads


def test_a_page_of_short_articles_still_gets_a_summary(summarizer):
    small = page([("简讯一", ["本市图书馆延长开放时间，市民可以晚上去读书。"]),
                  ("简讯二", ["公园新修了步道，周末游客明显增多。"])])
    items = summarizer.summarize_page(small, Budget(max_sentences=2))
    assert len(items) == 2
    assert summarizer.summarize_page([], Budget(max_sentences=2)) == []


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["max_sentences", "max_chars", "ratio"]), st.integers(1, 300), st.floats(0.01, 1.0))
def test_page_budgets_hold(kind, number, share):
    summarizer = Summarizer(bag_of_chars, SummarizerConfig(page_article_chars=60))
    budget = {"max_sentences": Budget(max_sentences=min(number, 12)), "max_chars": Budget(max_chars=number),
              "ratio": Budget(ratio=share)}[kind]
    articles = page()
    items = summarizer.summarize_page(articles, budget)
    if kind == "max_sentences":
        assert len(items) <= budget.max_sentences
    else:
        main_chars = sum(len(c.text) for i in range(3)
                         for c in summarizer.candidates(body_sentences(articles[i], summarizer.config)))
        assert sum(len(i.text) for i in items) <= budget.char_limit(main_chars)


def test_credit_and_dateline_rules():
    assert is_credit("（刘亮明陈建军）邱娥国（附图片１张）")
    assert is_credit("邱娥国在派出所门前留影（傅丁根摄）")
    assert not is_credit("（一）加强种子市场管理。")
    assert not is_credit("新华社巴格达１月３日电（记者顾正龙）联合国特委会驻地遭袭。")
    # photo captions, including the People's Daily's photo above a headline
    assert is_credit("压题照片：水东乡引进国外技术建设的蔬菜大棚。")
    assert is_credit("图为村民在新建的文化广场上排练。")
    assert not is_credit("图书馆今年新增藏书两万册。")
    sentence = "央视网消息（新闻联播）：今年是规划收官之年。"
    assert sentence[dateline_length(sentence):] == "今年是规划收官之年。"
    assert dateline_length("新华社的记者说电视很好。") == 0
    assert dateline_length("据新华社纽约１月２日电（记者张良华）股市小涨。") == len("据新华社纽约１月２日电（记者张良华）")


def test_a_headline_read_as_body_is_no_article_of_its_own():
    # the cleaner may call a lone headline line body; on a page with real paragraphs it is left out
    everyone_main = Summarizer(bag_of_chars, SummarizerConfig(page_article_chars=0))
    items = everyone_main.summarize_page(page(), Budget(max_sentences=20))
    assert items and not any("图书馆" in item.text for item in items)
    alone = everyone_main.summarize_page(page([("简讯", ["本市图书馆延长开放时间。"])]), Budget(max_sentences=2))
    assert [item.text for item in alone] == ["本市图书馆延长开放时间。"]  # a page of one line still has it


def test_the_pipeline_page_summary_covers_its_segments():
    from wenzhai.models.pipeline import Pipeline

    bodies = [
        "浙江实施乡村建设行动二十年，农村人居环境显著改善。各地坚持政府主导，又引入市场力量参与建设。" * 3,
        "电子证照在全省推广以来，群众办事少跑腿。政务服务网上可办事项超过九成，企业开办时间压缩到一天以内。" * 3,
        "一批民营企业加大研发投入，新产品不断涌现。企业与高校合作建立实验室，科研成果加快转化为生产力。" * 3,
    ]
    raw = "\n\n".join(f"{title}\n\n{body}" for title, body in zip(["乡村建设走出新路子", "电子证照方便群众办事", "企业创新添活力"], bodies, strict=True))
    result = Pipeline(summarizer=Summarizer(bag_of_chars)).analyze(raw, summary_sentences=3)
    assert len(result.summary) == 3
    sources = {next(i for i, body in enumerate(bodies) if item.text in body) for item in result.summary}
    assert sources == {0, 1, 2}  # one sentence from each article, not three from the first
