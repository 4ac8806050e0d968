"""The analyze output shape, with and without a classifier (a fake scorer keeps this fast)."""

import numpy as np
import pytest

from wenzhai.models.inputs import InputError
from wenzhai.models.pipeline import Pipeline, PipelineConfig, paragraph_pass
from wenzhai.models.results import ThemePrediction, to_json
from wenzhai.models.segmentation import CONTENT_KINDS, segment_page
from wenzhai.models.text import clean_page
from wenzhai.models.themes import LABELS


class KeywordScorer:
    """Scores 'rural' for texts with 村, 'digital' for 证, else 'other' — enough to test plumbing.

    Logits are log-probabilities and each text weighs its length, so combining paragraphs behaves
    like a real classifier's token-weighted windows.
    """

    labels = LABELS

    def __init__(self):
        self.read = []  # every paragraph pass text (whole or its opening), in order
        self.leads = []  # every segment lead (an opening of the model's window)

    def weighted_logits(self, texts):
        self.read.extend(texts)
        return self._logits(texts)

    def opening_logits(self, texts, max_length=None):
        (self.leads if max_length is None else self.read).extend(texts)
        return self._logits([t[: max_length or 20] for t in texts])  # the "window": the first characters

    @staticmethod
    def _logits(texts):
        out = np.full((len(texts), len(LABELS)), 0.05, dtype=np.float32)
        for i, t in enumerate(texts):
            j = 0 if "村" in t else 2 if "证" in t else 4
            out[i, j] = 0.8
        return np.log(out), np.array([max(len(t), 1) for t in texts], dtype=float)

    def probabilities(self, logits, texts):
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def predict_proba(self, texts, clean=True):
        return self.probabilities(self.weighted_logits(texts)[0], texts)

    def describe(self, p):
        return ThemePrediction(theme=LABELS[int(np.argmax(p))], scores=dict(zip(LABELS, map(float, p), strict=True)), secondary=[])

    def predict(self, texts, clean=True):
        return [self.describe(p) for p in self.predict_proba(texts, clean)]

    def info(self):
        return {"name": "keyword-fake", "version": "t"}


def test_shape_without_classifier_has_null_themes(seed_page):
    result = Pipeline().analyze(seed_page)
    assert set(to_json(result)) == {"segments", "themes", "summary", "keywords", "model", "language"}
    assert result.themes is None and result.summary == [] and result.keywords == []
    for seg in result.segments:
        assert set(to_json(seg)) >= {"title", "text", "span", "theme", "scores", "secondary"}
        assert seg.theme is None
        start, end = seg.span
        assert 0 <= start < end <= len(seed_page)


def test_theme_shares_sum_to_one_and_follow_segment_length(seed_page):
    result = Pipeline(classifier=KeywordScorer()).analyze(seed_page)
    assert result.model == {"name": "keyword-fake", "version": "t"}
    assert sum(result.themes.values()) == pytest.approx(1.0, abs=1e-3)
    for seg in result.segments:
        assert seg.theme in LABELS and set(seg.scores) == set(LABELS)


@pytest.mark.parametrize("text", ["乡村振兴", "Hello world", "00", "2024年5月20日"])
def test_one_line_pages_are_analysed(text):
    result = Pipeline(classifier=KeywordScorer()).analyze(text)
    assert len(result.segments) == 1
    assert result.segments[0].text
    assert sum(result.themes.values()) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("bad", ["", "   \n\t ", None, 5])
def test_bad_text_is_an_input_error(bad):
    with pytest.raises(InputError, match="text"):
        Pipeline().analyze(bad)


def _is_subsequence(small: str, big: str) -> bool:
    rest = iter(big)
    return all(ch in rest for ch in small)


def test_dropped_text_is_reported_with_its_reason_and_place(seed_page):
    """Bylines, credits and doubled print are in the output's `dropped`, never silently gone or a title."""
    result = Pipeline().analyze(seed_page)
    dropped = [d for seg in result.segments for d in seg.dropped]
    assert {d.reason for d in dropped} <= {"byline", "headline without text", "doubled print"}
    for d in dropped:
        start, end = d.span
        assert 0 <= start < end <= len(seed_page) and _is_subsequence(d.text, seed_page[start:end])
    credits = [d for d in dropped if d.reason == "byline" and "摄" in d.text]
    assert credits and not any(seg.title and "摄" in seg.title for seg in result.segments)
    assert all("dropped" in row for row in to_json(result)["segments"])


def test_segment_themes_come_from_the_paragraph_pass_without_reading_the_page_again(seed_page):
    """One encoder pass: every text the classifier reads is a paragraph, each read once."""
    scorer = KeywordScorer()
    one_pass = PipelineConfig(segment_themes="paragraphs")
    result = Pipeline(classifier=scorer, config=one_pass).analyze(seed_page, summary_sentences=0)
    assert len(result.segments) > 1
    assert scorer.read == [p.text for p in clean_page(seed_page)]
    content = [p.text for p in clean_page(seed_page) if p.kind in CONTENT_KINDS]
    reread = KeywordScorer()
    Pipeline(classifier=reread, config=PipelineConfig(segment_themes="reread")).analyze(seed_page, summary_sentences=0)
    assert reread.read[:len(content)] == content  # the pass reads body text and captions only
    assert len(reread.read) == len(content) + len(result.segments)


def test_the_pass_skips_headlines_and_bylines_because_segmentation_never_reads_their_rows(seed_page):
    """Reading every paragraph or only body text and captions gives the same segments."""
    paragraphs = clean_page(seed_page)
    assert any(p.kind not in CONTENT_KINDS for p in paragraphs)
    full = paragraph_pass(KeywordScorer(), paragraphs, every_paragraph=True)[1]
    read, lean = paragraph_pass(KeywordScorer(), paragraphs)
    assert [p.kind for p in read.paragraphs] == [p.kind for p in paragraphs if p.kind in CONTENT_KINDS]
    skipped = [i for i, p in enumerate(paragraphs) if p.kind not in CONTENT_KINDS]
    np.testing.assert_allclose(lean[skipped], 1 / len(LABELS))
    assert not np.allclose(full[skipped], lean[skipped])
    def openings(paragraphs, runs):  # a fixed continuity reading, so the reader's boundary stage runs too
        return {run[pos]: 0.5 for run in runs for pos in range(1, len(run))}

    with_full = segment_page(paragraphs, paragraph_probs=full, openings=openings)
    with_lean = segment_page(paragraphs, paragraph_probs=lean, openings=openings)
    assert [(s.span, s.title) for s in with_full] == [(s.span, s.title) for s in with_lean]


def test_the_pass_reads_as_much_of_each_paragraph_as_the_readers_boundary_stage_learned_from(seed_page, tmp_path):
    """``max_tokens`` reads openings only; `Pipeline.analyze` takes it from the page reader it segments with."""
    import json

    from wenzhai.models.page_reader import DEFAULT_READER
    from wenzhai.models.segmentation import SegmentationConfig

    paragraphs = clean_page(seed_page)
    scorer = KeywordScorer()
    read, probs = paragraph_pass(scorer, paragraphs, max_tokens=6)
    content = [p.text for p in paragraphs if p.kind in CONTENT_KINDS]
    assert scorer.read == content
    assert list(read.weights) == [min(len(t), 6) for t in content]  # the scorer's "tokens" are characters
    expected = scorer.probabilities(scorer._logits([t[:6] for t in content])[0], content)
    np.testing.assert_allclose(probs[[i for i, p in enumerate(paragraphs) if p.kind in CONTENT_KINDS]], expected)

    spec = json.loads(DEFAULT_READER.read_text(encoding="utf-8"))
    spec["boundary"]["paragraph_tokens"] = 7
    path = tmp_path / "reader.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    asked = []

    class Recording(KeywordScorer):
        def opening_logits(self, texts, max_length=None):
            asked.append(max_length)
            return super().opening_logits(texts, max_length)

    config = PipelineConfig(segmentation=SegmentationConfig(reader=str(path)))
    Pipeline(classifier=Recording(), config=config).analyze(seed_page, summary_sentences=0)
    assert asked[0] == 7 and set(asked[1:]) == {None}  # the pass, then the segments' leads


def test_a_segment_theme_from_paragraphs_is_the_token_weighted_mean_of_their_logits():
    """Two 村 paragraphs outweigh one shorter 证 paragraph: the length-weighted mean decides."""
    page = "乡村建设的新变化在村里处处可见，村民说日子越过越好。\n村里修了路，也建起了文化礼堂和卫生室，村集体经济逐年增长。\n办证可以在网上完成。"
    scorer = KeywordScorer()
    result = Pipeline(classifier=scorer, config=PipelineConfig(segment_themes="paragraphs")).analyze(page, summary_sentences=0)
    assert len(result.segments) == 1
    logits, weights = scorer._logits([line for line in page.split("\n")])
    mean = (logits * weights[:, None]).sum(axis=0) / weights.sum()
    expected = scorer.probabilities(mean[None], [page])[0]
    assert result.segments[0].theme == "rural_construction"
    assert [result.segments[0].scores[label] for label in LABELS] == pytest.approx(list(expected), abs=1e-3)


def test_segment_themes_by_default_read_each_segments_headline_and_opening_once(seed_page):
    """'lead': one window per segment over "headline text"; the rest of a long segment does not vote."""
    scorer = KeywordScorer()
    result = Pipeline(classifier=scorer).analyze(seed_page, summary_sentences=0)
    expected = [f"{s.title} {s.text}" if s.title else s.text for s in result.segments]
    assert scorer.leads == expected
    page = "村里的路修好了，村民出行方便多了。\n" + "".join(f"第{i}张证件可以在网上办理，" for i in range(30))
    result = Pipeline(classifier=KeywordScorer()).analyze(page, summary_sentences=0)
    assert len(result.segments) == 1 and result.segments[0].theme == "rural_construction"
    pooled = Pipeline(classifier=KeywordScorer(), config=PipelineConfig(segment_themes="paragraphs"))
    assert pooled.analyze(page, summary_sentences=0).segments[0].theme == "digital_government"


def test_segment_themes_mode_is_validated():
    with pytest.raises(ValueError, match="segment_themes"):
        PipelineConfig(segment_themes="twice")
