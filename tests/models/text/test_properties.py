"""Property tests: clean-up and splitting never crash, never lose text, never leave the input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.models.text.spancheck import LINE_BREAKS, line_of, mapping_problems, visible
from wenzhai.models.segmentation import segment_page
from wenzhai.models.text import clean_page, split_sentences
from wenzhai.models.text.chars import is_cjk

# Text that looks like OCR output: CJK, punctuation, spaces, full-width letters, line breaks.
_pieces = st.sampled_from(
    list("千万工程乡村建设治理电子证照的是了，。；：！？…“”‘’（）【】《》、 \u3000\t\n\n\n")
    + ["\r\n", "““", "””", "ＡＰＰ", "２０２３", "APP", "2018 ", "摄）", "（本报记者", "【执笔人：", "】", "\u2028", "\u200b"]
)
ocr_like = st.lists(_pieces, max_size=120).map("".join)
anything = st.text(max_size=200)
doubled = st.tuples(st.text(alphabet="千万工程乡村建设的巨大贡献", min_size=2, max_size=12), ocr_like).map(
    lambda t: f"““{t[0]}{t[0]}””\n{t[1]}"
)
inputs = st.one_of(ocr_like, anything, doubled)


def _cjk_lost_only_as_duplicates(raw: str, paragraphs) -> bool:
    kept = {i for p in paragraphs for i in p.offsets}
    for i, ch in enumerate(raw):
        if is_cjk(ch) and i not in kept:
            start, end = line_of(raw, i)
            line = [raw[j] for j in range(start, end) if visible(raw[j])]
            mine = [raw[j] for j in range(start, end) if j in kept and visible(raw[j])]
            if len(line) != 2 * len(mine):
                return False
    return True


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_clean_page_offsets_are_exact_and_in_bounds(raw):
    paragraphs = clean_page(raw)
    for p in paragraphs:
        assert 0 <= p.span[0] < p.span[1] <= len(raw)
        assert mapping_problems(raw, p.text, p.offsets, p.span) == []
        assert not any(ch in LINE_BREAKS for ch in p.text)
        assert all(ch == " " or not ch.isspace() for ch in p.text)
        assert p.text == p.text.strip() and "  " not in p.text
    spans = [p.span for p in paragraphs]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), "paragraphs overlap"


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_no_cjk_character_is_lost_except_true_duplicates(raw):
    assert _cjk_lost_only_as_duplicates(raw, clean_page(raw))


@settings(max_examples=200, deadline=None)
@given(inputs, st.booleans())
def test_sentences_cover_their_paragraph(raw, soft):
    for p in clean_page(raw):
        pos = 0
        for s in split_sentences(p, soft=soft):
            while p.text[pos] == " ":
                pos += 1
            assert p.text[pos:pos + len(s.text)] == s.text  # consecutive slices, nothing skipped
            assert s.span == (p.offsets[pos], p.offsets[pos + len(s.text) - 1] + 1)
            assert s.soft is False or soft
            pos += len(s.text)
        assert p.text[pos:].strip() == ""


@settings(max_examples=200, deadline=None)
@given(inputs)
def test_segments_partition_the_paragraphs(raw):
    paragraphs = clean_page(raw)
    segments = segment_page(paragraphs)
    assert [p for seg in segments for p in seg.paragraphs] == paragraphs
    for seg in segments:
        assert 0 <= seg.span[0] < seg.span[1] <= len(raw)
        assert seg.title is None or seg.title in {p.text for p in seg.paragraphs if p.kind == "heading"}


def test_the_span_checker_catches_a_lost_character():
    raw = "千万工程\n乡村建设"
    text, offsets = "千万工乡村建设", [0, 1, 2, 5, 6, 7, 8]
    assert mapping_problems(raw, text, offsets, (0, 9))
    assert not _cjk_lost_only_as_duplicates(raw, [type("P", (), {"offsets": offsets})()])


def test_the_span_checker_accepts_a_true_duplicate_and_rejects_a_changed_char():
    raw = "程程"  # a doubled one-character line, first copy kept
    assert mapping_problems(raw, "程", [0], (0, 1)) == []
    assert mapping_problems(raw, "工", [0], (0, 1))
