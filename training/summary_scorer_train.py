"""Fit the learned sentence scorer (`models.summary_scorer`) by distant supervision and write its JSON.

    python -m wenzhai.training.summary_scorer_train --shared ../shared --out models/summary_scorer.json

1. Documents: titled TV-news items, People's Daily 1998 headline → article pairs and LCSTS
   text → summary rows (`training.summary_sources`), the dev set's days, lines and text excluded;
   and the articles our readers summarised (`data/summaries/read.jsonl`, ``--read``), the closest
   thing we have to what users want from a summary.
2. Labels: each candidate sentence's ROUGE (mean of character ROUGE-1/2/L *recall* by default,
   ``--label f1`` for F1) against the title or summary, divided by the best sentence's in its
   document: 1 for the sentence that covers most of what the title says, 0 for one that shares
   nothing with it. Recall does not punish a long sentence for what it adds, as a summary of
   ~130 characters needs sentences that carry facts, not the shortest paraphrase of a headline.
3. Features: exactly what the summariser computes at inference (`Summarizer.candidate_features`),
   with sentence vectors from the same encoder path (the theme model's encoder at
   the depth the summariser reads at; the vector cache is keyed by that depth).
4. Variants: a linear model (ridge), a one-hidden-layer MLP and the mean of five such MLPs
   (seeds ``--seed`` … ``--seed``+4; one MLP's picks move with its seed), fitted on the documents not held
   out (by a hash of the id: 15 % of the distant ones, a third of the read summaries); each is scored on those (ROUGE-L
   of the one-sentence pick and of a 140-character summary against the title/summary, and of a
   3-sentence summary against each held-out read summary), never on the dev set. ``--variant``
   picks which one is written (default: the best 3-sentence ROUGE-L on the held-out read summaries,
   or without them the best 140-character ROUGE-L).

Everything is seeded: the same data and encoder give the same JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wenzhai.models.centrality import rescale
from wenzhai.models.encoders import default_cache_root
from wenzhai.models.summarizer import Summarizer, SummarizerConfig, body_sentences
from wenzhai.models.summary_budget import Budget, select_sentences
from wenzhai.models.summary_scorer import FEATURE_NAMES, SentenceScorer
from wenzhai.models.text import CleanConfig, clean_page
from wenzhai.training.summary_rouge import make_scorer, rouge_f1
from wenzhai.training.summary_sources import (
    READ_SOURCES,
    READ_SUMMARIES,
    REFERENCES,
    TitledText,
    distant_documents,
    read_summaries,
    summary_dev_windows,
)

VARIANTS = ("linear", "mlp", "mlp-ensemble")
ENSEMBLE_SIZE = 5


@dataclass
class Example:
    """One document's candidates: features, similarity, per-sentence label and texts."""

    doc: TitledText
    texts: list[str]
    features: np.ndarray
    similarity: np.ndarray
    labels: np.ndarray


#: Share of the read summaries (`summary_sources.read_summaries`) held out for validation: they are the
#: documents most like what users summarise, so a larger share than the distant ones' 15 %.
READ_VALIDATION_SHARE = 1 / 3


def is_validation(doc_id: str, share: float = 0.15) -> bool:
    """A fixed, seed-free split: the id's hash decides."""
    return int(hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF < share


def is_read(doc: TitledText) -> bool:
    """A document whose reference one of our readers wrote (not a headline, lead or LCSTS summary)."""
    return doc.source in READ_SOURCES.values()


def held_out(doc: TitledText) -> bool:
    """Whether ``doc`` is in our validation split (never the dev set)."""
    return is_validation(doc.id, READ_VALIDATION_SHARE if is_read(doc) else 0.15)


def reads_title(doc: TitledText) -> bool:
    """Half of the titled articles are shown with their title (a summariser reads headlines when a
    text has them), half without (plain text has none); LCSTS rows have no headline to show."""
    return bool(doc.headline) and is_validation("title:" + doc.id, 0.5)


def cached_embeddings(texts: Sequence[str], embed, key: str, cache_dir: Path) -> dict[str, np.ndarray]:
    """Sentence vectors of ``texts`` (distinct), cached on disk under ``key`` + the texts."""
    unique = sorted(set(texts))
    digest = hashlib.sha256(json.dumps([key, unique], ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
    path = cache_dir / f"vectors-{digest}.npy"
    if path.exists():
        matrix = np.load(path)
    else:
        matrix = np.asarray(embed(unique), dtype=np.float32)
        cache_dir.mkdir(parents=True, exist_ok=True)
        np.save(path, matrix)
    return dict(zip(unique, matrix, strict=True))


LABELS = ("f1", "recall")


def sentence_labels(texts: Sequence[str], reference: str, scorer, label: str = "f1") -> np.ndarray:
    """Mean ROUGE-1/2/L of each sentence against ``reference``, over the document's best (0 if none).

    ``f1``: F1 (a long sentence pays for what it adds); ``recall``: how much of the reference it
    covers, whatever its length.
    """
    if label not in LABELS:
        raise ValueError(f"label must be one of {', '.join(LABELS)}, got {label!r}")
    measure = "fmeasure" if label == "f1" else "recall"
    raw = np.array([statistics.fmean(getattr(v, measure) for v in scorer.score(reference, t).values()) for t in texts])
    top = raw.max() if len(raw) else 0.0
    return raw / top if top > 0 else raw


def build_examples(
    docs: Sequence[TitledText], embed, key: str, cache_dir: Path, label: str = "recall", reader: str = "rules"
) -> list[Example]:
    """Candidates, features and labels of every document with 3+ candidates and a matching reference."""
    config = SummarizerConfig(scorer="centrality")  # features only: no weights needed (they are being fitted)
    parsed = []
    for doc in docs:
        paragraphs = clean_page(doc.text, CleanConfig(reader=reader))
        parsed.append((doc, paragraphs, body_sentences(paragraphs, config)))
    texts = [s.text for _, _, sentences in parsed for s in sentences] + [d.headline for d in docs if reads_title(d)]
    vectors = cached_embeddings(texts, embed, key, cache_dir)
    summarizer = Summarizer(lambda texts: np.stack([vectors[t] for t in texts]), config)
    scorer = make_scorer()
    examples = []
    for doc, _paragraphs, sentences in parsed:
        candidates = summarizer.candidates(sentences)
        if len(candidates) < 3:
            continue
        texts = [c.text for c in candidates]
        labels = sentence_labels(texts, doc.reference, scorer, label)
        if labels.max() <= 0:
            continue
        title = doc.headline if reads_title(doc) else ""
        features, similarity = summarizer.candidate_features(candidates, title=title)
        examples.append(Example(doc, texts, features, similarity, labels))
    return examples


def fit(variant: str, examples: Sequence[Example], seed: int = 0, read_weight: float = 1.0) -> SentenceScorer:
    """Fit ``variant`` on the examples' features and labels; return it as a numpy scorer.

    ``read_weight``: the weight of each sentence of a read-summary document (`is_read`) against 1 for
    the distant ones, of which there are about fifty times as many.
    """
    from sklearn.linear_model import Ridge
    from sklearn.neural_network import MLPRegressor
    from sklearn.preprocessing import StandardScaler

    x = np.vstack([e.features for e in examples])
    y = np.concatenate([e.labels for e in examples])
    weight = np.concatenate([np.full(len(e.labels), read_weight if is_read(e.doc) else 1.0) for e in examples])
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    z = (x - scaler.mean_) / scale
    if variant == "linear":
        model = Ridge(alpha=1.0).fit(z, y, sample_weight=weight)
        return SentenceScorer(FEATURE_NAMES, scaler.mean_, scale, (), (model.coef_, float(model.intercept_)))
    if variant in ("mlp", "mlp-ensemble"):
        seeds = [seed] if variant == "mlp" else [seed + k for k in range(ENSEMBLE_SIZE)]
        models = [MLPRegressor(hidden_layer_sizes=(32,), alpha=1e-3, max_iter=300, early_stopping=True,
                               random_state=s).fit(z, y, sample_weight=weight) for s in seeds]
        # The mean of n one-hidden-layer nets is one net: their hidden units side by side, each
        # output weight divided by n, so an ensemble needs no other weight format.
        hidden = ((np.hstack([m.coefs_[0] for m in models]), np.concatenate([m.intercepts_[0] for m in models])),)
        output = (np.concatenate([m.coefs_[1][:, 0] for m in models]) / len(models),
                  float(np.mean([m.intercepts_[1][0] for m in models])))
        return SentenceScorer(FEATURE_NAMES, scaler.mean_, scale, hidden, output)
    raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")


def pick_rouge(examples: Sequence[Example], score) -> dict[str, float]:
    """Mean ROUGE-L F1 × 100 of each document's top-scored sentence against its reference, per source."""
    scorer = make_scorer()
    by_source: dict[str, list[float]] = {}
    for e in examples:
        best = int(np.argmax(score(e)))
        by_source.setdefault(e.doc.source, []).append(100 * rouge_f1(scorer, e.texts[best], e.doc.reference)["rougeL"])
    return {source: statistics.fmean(values) for source, values in sorted(by_source.items())}


def budget_rouge(examples: Sequence[Example], score, budget: Budget, redundancy: float) -> dict[str, float]:
    """Mean ROUGE-L F1 × 100 of each document's summary within ``budget`` (MMR selection as the
    summariser makes it, in document order) against its reference, per source."""
    scorer = make_scorer()
    by_source: dict[str, list[float]] = {}
    for e in examples:
        lengths = [len(t) for t in e.texts]
        picks = select_sentences(rescale(score(e)), e.similarity, lengths, budget, sum(lengths), redundancy=redundancy)
        summary = "".join(e.texts[i] for i in picks)
        by_source.setdefault(e.doc.source, []).append(100 * rouge_f1(scorer, summary, e.doc.reference)["rougeL"])
    return {source: statistics.fmean(values) for source, values in sorted(by_source.items())}


def validation_table(
    variants: dict[str, SentenceScorer], examples: Sequence[Example], chars: int = 140, sentences: int = 3
) -> dict[str, dict[str, float]]:
    """ROUGE-L per source of the one-sentence pick and of a ``chars``-character summary, for each
    variant, the lead and the oracle; ``mean`` averages the budgeted summaries' sources. With
    read-summary documents, also their ``sentences``-sentence summaries (the summariser's default
    budget) and ``read mean``, those sources' average: the figure nearest to what users get."""
    redundancy = SummarizerConfig().redundancy
    scores = {name: (lambda e, s=s: s(e.features)) for name, s in variants.items()}
    scores["first sentences"] = lambda e: -np.arange(len(e.texts), dtype=np.float64)
    scores["oracle (uses the reference)"] = lambda e: e.labels
    read = [e for e in examples if is_read(e.doc)]
    table = {}
    for name, score in scores.items():
        one = {f"{k} 1 sentence": v for k, v in pick_rouge(examples, score).items()}
        budget = budget_rouge(examples, score, Budget(max_chars=chars), redundancy)
        table[name] = {**one, **{f"{k} {chars} chars": v for k, v in budget.items()},
                       "mean": statistics.fmean(budget.values())}
        if read:
            fixed = budget_rouge(read, score, Budget(max_sentences=sentences), redundancy)
            table[name].update({f"{k} {sentences} sentences": v for k, v in fixed.items()})
            table[name]["read mean"] = statistics.fmean(fixed.values())
    return table


def selection_key(table: dict[str, dict[str, float]]) -> str:
    """The validation figure that picks the variant: ``read mean`` when read summaries were held out,
    else the distant ``mean``."""
    return "read mean" if all("read mean" in row for row in table.values()) else "mean"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="models/summary_scorer.json", help="JSON weights to write")
    p.add_argument("--shared", default="../shared", help="the shared data folder")
    p.add_argument("--model", default=None, help="theme model whose encoder reads the sentences (default: shipped)")
    p.add_argument("--per-source", type=int, default=4000, help="TV-news and People's Daily documents each")
    p.add_argument("--reader", default="rules",
                   help="page cleaner for the articles (CleanConfig.reader): 'rules' by default, so the scorer's "
                   "data does not change when the learned page reader is retrained (these are plain articles)")
    p.add_argument("--variant", choices=VARIANTS, default=None, help="variant to write (default: best on validation)")
    p.add_argument("--references", choices=REFERENCES, default="title",
                   help="what a TV-news or People's Daily document is labelled against: its headline, its lead "
                   "paragraph (the document is then the rest), or both kinds of document")
    p.add_argument("--label", choices=LABELS, default="recall", help="per-sentence ROUGE used as the label")
    p.add_argument("--read", default=str(READ_SUMMARIES), metavar="FILE",
                   help="summaries our readers wrote for corpus articles (default: the committed "
                   "data/summaries/read.jsonl; '' for none): a third is held out, and their 3-sentence ROUGE-L "
                   "then picks the variant")
    p.add_argument("--read-weight", type=float, default=1.0,
                   help="weight of each read-summary sentence in the fit, against 1 for a distant one")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cache-dir", default=None, help="sentence-vector cache (default: $WENZHAI_CACHE/summary-scorer)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    from wenzhai.models.loading import load_classifier, model_path

    shared = Path(args.shared)
    exclude = summary_dev_windows(shared)
    docs = distant_documents(shared, args.per_source, args.seed, exclude, args.references)
    if args.read:
        docs += [d for d in read_summaries(shared, Path(args.read)) if not exclude or not exclude(d.text)]
    summarizer = Summarizer.from_classifier(load_classifier(args.model), config=SummarizerConfig(scorer="centrality"))
    cache = Path(args.cache_dir) if args.cache_dir else default_cache_root() / "summary-scorer"
    key = f"{model_path(args.model)} layers={summarizer.embed.settings.layers}"  # another depth: other vectors
    examples = build_examples(docs, summarizer.embed, key, cache, args.label, args.reader)
    train = [e for e in examples if not held_out(e.doc)]
    valid = [e for e in examples if held_out(e.doc)]
    print(f"documents: {len(train)} train, {len(valid)} validation "
          f"({', '.join(f'{s} {n}' for s, n in sorted(Counter(e.doc.source for e in examples).items()))})")
    variants = {name: fit(name, train, args.seed, args.read_weight) for name in VARIANTS}
    table = validation_table(variants, valid)
    for name, row in table.items():
        print(f"{name:32s} " + "  ".join(f"{k} {v:.2f}" for k, v in row.items()))
    picked_by = selection_key(table)
    chosen = args.variant or max(VARIANTS, key=lambda name: table[name][picked_by])
    data = variants[chosen].to_dict()
    data["about"] = {
        "variant": chosen,
        "command": "python -m wenzhai.training.summary_scorer_train " + " ".join(argv),
        "train_documents": len(train),
        "validation_one_sentence_rougeL": {k: {s: round(v, 2) for s, v in row.items()} for k, row in table.items()},
    }
    out = Path(args.out)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} ({chosen})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
