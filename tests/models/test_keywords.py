"""Keywords are whole words of the text (jieba dictionary words, never HMM fragments), ranked by TF-IDF."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenzhai.models.keywords import (
    DOMAIN_TERMS,
    extract_keywords,
    read_lexicon,
    segment_and_page_keywords,
    text_words,
)

ESSAY = (
    "村里的水足用了，村民再也不用挑水。因水而兴的小镇上写着标语，合作社的货款已付清。"
    "乡村振兴离不开基层治理，电子证照让群众办事少跑腿。村民说，乡村建设要靠大家。"
)


@pytest.fixture(scope="module")
def dictionary():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return {w for w, n in tokenizer.FREQ.items() if n > 0} | set(DOMAIN_TERMS)


def test_keywords_are_dictionary_words_where_jiebas_hmm_makes_fragments(dictionary):
    import jieba.analyse

    theirs = jieba.analyse.extract_tags(ESSAY, 20, allowPOS=("n", "nr", "ns", "nt", "nz", "vn", "v"))
    assert "足用" in theirs  # the HMM glues 足 and 用 into a "verb": the case this module avoids
    ours = extract_keywords(ESSAY, 20)
    assert ours and "足用" not in ours
    assert all(word in dictionary for word in ours)


def test_every_keyword_is_a_word_of_the_text(dictionary):
    words = {w for w, _ in text_words(ESSAY)}
    for keyword in extract_keywords(ESSAY, 20):
        assert keyword in words and keyword in ESSAY


PIECES = ["乡村", "建设", "治理", "电子证照", "农民", "企业", "足", "用", "水", "因", "而", "兴", "上", "写", "已", "付",
          "，", "。", "发展", "政务服务", "村", "合作社"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40))
def test_keywords_are_words_of_any_text(dictionary, pieces):
    text = "".join(pieces)
    words = {w for w, _ in text_words(text)}
    for keyword in extract_keywords(text, 10):
        assert keyword in words and keyword in dictionary and len(keyword) >= 2


def test_content_words_ranked_by_tf_idf_and_no_seed_page_coinages():
    text = "浙江实施千万工程二十年。千万工程改变了乡村。乡村人居环境显著改善，农民收入持续增长。"
    keywords = extract_keywords(text, 5)
    assert keywords[0] == "乡村"  # the most frequent content word with a real IDF
    assert "千万工程" not in keywords  # no hand-added seed-page term: jieba's words only
    assert not any(ch.isdigit() for k in keywords for ch in k)
    assert "千万工程" not in DOMAIN_TERMS and "浦江经验" not in DOMAIN_TERMS and "电子身份证" not in DOMAIN_TERMS


def test_bad_arguments_and_empty_text():
    assert extract_keywords("   ") == []
    with pytest.raises(ValueError, match="top_k"):
        extract_keywords("乡村建设", 0)
    with pytest.raises(TypeError, match="string"):
        extract_keywords(None)  # type: ignore[arg-type]
    texts = ["乡村建设要坚持政府主导。乡村建设成效明显。", "电子证照方便群众。", ""]
    per_segment, page = segment_and_page_keywords(texts, 2)
    assert per_segment == [extract_keywords(t, 2) for t in texts]
    assert page == extract_keywords("\n".join(texts), 2)  # each text cut once, the same words
    with pytest.raises(ValueError, match="top_k"):
        segment_and_page_keywords(texts, 0)
    assert segment_and_page_keywords(["", " "]) == ([[], []], [])


def test_a_lexicon_adds_words(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text("村民议事会\t40\n\n", encoding="utf-8")
    lexicon = read_lexicon(path)
    assert lexicon == ("村民议事会",)
    text = "村民议事会每月开一次。村民议事会讨论修路。"
    assert "村民议事会" not in extract_keywords(text, 5)
    assert extract_keywords(text, 5, lexicon=lexicon)[0] == "村民议事会"
