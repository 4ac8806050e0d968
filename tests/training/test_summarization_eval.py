"""Summarisation evaluation: character ROUGE on worked examples, baselines, essays, cached embeddings."""

from __future__ import annotations

import json

import numpy as np
import pytest

from wenzhai.models.summarizer import SummarizerConfig
from wenzhai.training.summarization_eval import (
    LEXICAL_GRID,
    describe,
    essay_means,
    essay_rows,
    layer_embeddings,
    lexical_configs,
)
from wenzhai.training.summary_baselines import bigram_similarity, char_bigrams, lead, random_pick, textrank
from wenzhai.training.summary_data import assembled_essays, seed_essays
from wenzhai.training.summary_rouge import (
    CharTokenizer,
    SentenceRouge,
    make_scorer,
    paired_bootstrap,
    rouge_f1,
)


def test_char_tokenizer_folds_width_and_drops_punctuation():
    assert CharTokenizer().tokenize("１９９８年，ＡＢ “千万工程”！") == list("1998年ab千万工程")


def test_rouge_worked_example_equal_lengths():
    # reference 我爱北京天安门 / prediction 北京天安门很美 (7 characters each)
    # unigrams shared: 北京天安门 = 5            -> P = R = F = 5/7
    # bigrams: 北京 京天 天安 安门 shared of 6   -> 4/6
    # LCS: 北京天安门 = 5                         -> 5/7
    scores = rouge_f1(make_scorer(), "北京天安门很美", "我爱北京天安门")
    assert scores["rouge1"] == pytest.approx(5 / 7)
    assert scores["rouge2"] == pytest.approx(4 / 6)
    assert scores["rougeL"] == pytest.approx(5 / 7)


def test_rouge_worked_example_with_punctuation_and_unequal_lengths():
    # reference 乡村建设行动 (6 chars, 5 bigrams) / prediction 乡村，建设。 -> tokens 乡村建设 (4, 3 bigrams)
    # P = 4/4, R = 4/6, F = 2PR/(P+R) = 0.8;  R-2: P = 3/3, R = 3/5, F = 0.75;  R-L: LCS 4 -> 0.8
    scores = rouge_f1(make_scorer(), "乡村，建设。", "乡村建设行动")
    assert scores == pytest.approx({"rouge1": 0.8, "rouge2": 0.75, "rougeL": 0.8})


def test_sentence_rouge_means_and_oracle():
    table = SentenceRouge([["乡村建设行动。", "电子证照。"], ["电子证照。", "企业发展。"]], ["乡村建设行动", "企业发展"])
    assert table.mean([[0], [1]])["rougeL"] == pytest.approx(100.0)
    assert table.mean([[1], [0]])["rougeL"] == pytest.approx(0.0)
    assert table.mean([[], [1]])["rouge1"] == pytest.approx(50.0)
    assert table.oracle_picks() == [[0], [1]]


def test_paired_bootstrap_interval():
    mean, low, high = paired_bootstrap([1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 2.0, 3.0])
    assert (mean, low, high) == pytest.approx((1.0, 1.0, 1.0))  # a constant difference has no spread
    mean, low, high = paired_bootstrap([1.0, 0.0] * 50, [0.0, 1.0] * 50, samples=500)
    assert mean == pytest.approx(0.0) and low < 0.0 < high
    with pytest.raises(ValueError):
        paired_bootstrap([], [])


def test_bigram_similarity_by_hand():
    a, b = char_bigrams("乡村建设，"), char_bigrams("乡村振兴")
    assert a == {"乡村", "村建", "建设"} and b == {"乡村", "村振", "振兴"}
    assert bigram_similarity(a, b) == pytest.approx(1 / (2 * np.log(4)))
    assert bigram_similarity(a, char_bigrams("电子证照")) == 0.0


def test_baselines():
    sentences = ["电子证照应用很广。", "乡村建设要政府主导。", "乡村建设要引入市场。", "乡村建设要有效管护。"]
    assert lead(sentences, 2) == [0, 1] and lead(sentences, 9) == [0, 1, 2, 3]
    assert textrank(sentences, 1) != [0]  # the odd one out is the least central
    assert textrank(sentences, 2) == sorted(textrank(sentences, 2))
    picks = random_pick(sentences, 2, seed=7)
    assert picks == random_pick(sentences, 2, seed=7) and len(set(picks)) == 2


def test_assembled_essays_keep_article_bookkeeping(tmp_path):
    rows = []
    for article in range(3):
        for seg in range(2):
            text = f"第{article}篇第{seg}段开头的一句话。" + "这一段还有更多的内容需要说明。" * 3
            rows.append({"id": f"a{article}-{seg}", "article": f"a{article}", "register": "news", "text": text})
    rows.append({"id": "solo-1", "article": "solo", "register": "news", "text": "只有一段的文章不会被使用。"})
    (tmp_path / "x.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    docs = assembled_essays(tmp_path, min_chars=100)
    assert len(docs) == 3  # each two-segment article already passes 100 characters
    doc = docs[0]
    assert doc.sections == [0] * len(doc.sentences)
    assert doc.reference == "第0篇第0段开头的一句话。"
    long_docs = assembled_essays(tmp_path, min_chars=200)  # 114 characters per article
    assert len(long_docs) == 1 and max(long_docs[0].sections) == 1  # two articles; the third is left over
    metrics = essay_means(essay_rows(long_docs, lambda d, k: lead(d.sentences, k)))
    assert metrics["coverage"] == pytest.approx(50.0)  # lead-2 stays inside the first article


@pytest.mark.shared
def test_seed_essays_are_the_two_qianwan_essays(seed_page):
    essays = seed_essays(seed_page)
    assert len(essays) == 2
    first, second = (paragraphs for _title, paragraphs in essays)
    assert first[0].text.startswith("“千万工程”意义深远") and first[-1].text.startswith("【执笔人")
    assert second[0].kind == "heading" and second[1].text.startswith("“千万工程”是习近平同志")
    assert all(p.kind != "heading" for p in second[1:])


def test_layer_embeddings_match_the_lower_layer_embedder_and_are_cached(tiny_encoder_dir, tmp_path):
    from transformers import AutoModel, AutoTokenizer

    from wenzhai.models.sentence_embedder import EmbedderSettings, EncoderEmbedder

    texts = ["乡村建设", "电子证照的应用", "企业"]
    stacked = layer_embeddings(texts, str(tiny_encoder_dir), "", tmp_path)
    assert stacked.shape == (3, 3, 32)  # token embeddings + 2 layers
    model, tokenizer = AutoModel.from_pretrained(tiny_encoder_dir).eval(), AutoTokenizer.from_pretrained(tiny_encoder_dir)
    for k in range(3):
        direct = EncoderEmbedder(model, tokenizer, EmbedderSettings(layers=k))(texts)
        np.testing.assert_allclose(stacked[k], direct, atol=2e-3)  # cache stores float16
    assert len(list(tmp_path.glob("layers-*.npy"))) == 1
    np.testing.assert_array_equal(layer_embeddings(texts, str(tiny_encoder_dir), "", tmp_path), stacked)


def test_lexical_stage_varies_only_its_own_knobs():
    base = SummarizerConfig(centrality="degree", threshold=0.4, redundancy=0.0, lexical_weight=0.0)
    configs = lexical_configs(base)
    assert len(configs) == len(LEXICAL_GRID["lexical_weight"]) * 2 * len(LEXICAL_GRID["position_weight"])
    assert {c.lexical_weight for c in configs} == set(LEXICAL_GRID["lexical_weight"])
    assert 1.0 not in LEXICAL_GRID["lexical_weight"]  # the encoder always contributes
    assert all((c.centrality, c.threshold, c.redundancy) == ("degree", 0.4, 0.0) for c in configs)
    assert "lexical 0.75" in describe(SummarizerConfig(lexical_weight=0.75))
