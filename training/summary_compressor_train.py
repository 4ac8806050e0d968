"""Fit the clause compressor of summary sentences (`models/summary_compressor.json`).

    python -m wenzhai.training.summary_compressor_train --shared ../shared --out models/summary_compressor.json

1. Documents: the articles our readers summarised (`data/summaries/read.jsonl`, read from the corpora),
   split as the scorer's training splits them (`summary_scorer_train.held_out`: a third held out by a
   hash of the id); ``--leads N`` adds N TV-news and N People's Daily articles with their lead paragraph
   as the reference (distant supervision, dev-checked like the scorer's).
2. Sentences: what the shipped summariser (learned scorer, no compression) picks for each training
   article, ``--picks`` sentences (more sentences: more clauses to learn from).
3. Target: each clause's share of distinct character bigrams found in the reference; the logistic
   regression learns it as a probability (every clause enters twice, as keep and as drop, weighted by the
   share and its complement). Lexical features seen fewer than ``--min-count`` times are dropped.
4. Choice: for each regularisation strength, keep threshold and least kept length, the held-out articles' 3-sentence
   summaries are compressed and scored (character ROUGE-L against the readers' summaries); the best
   pair is written, with the table in the JSON's ``about`` block. The dev sets are never read.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from wenzhai.models.summarizer import Summarizer, SummarizerConfig, body_sentences, document_bigrams
from wenzhai.models.summary_budget import Budget
from wenzhai.models.summary_compressor import (
    ClauseCompressor,
    ClauseFeatures,
    joined_text,
    kept_runs,
    summary_clause_features,
)
from wenzhai.models.text import clean_page
from wenzhai.models.text.cohesion import bigrams
from wenzhai.training.corpora import PD1998_FILE, TV_NEWS_FILE
from wenzhai.training.summary_rouge import make_scorer, mean_scores, rouge_f1
from wenzhai.training.summary_scorer_train import held_out
from wenzhai.training.summary_sources import (
    READ_SUMMARIES,
    TitledText,
    pd1998_leads,
    read_summaries,
    sample,
    summary_dev_windows,
    tv_news_leads,
)

STRENGTHS = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(0.1 + 0.05 * i, 2) for i in range(9))
MIN_KEPT = (0, 5, 10, 15, 20)
#: Sentences per summary when the held-out articles are scored (the CLI's default budget).
VALIDATION_SENTENCES = 3


@dataclass(frozen=True)
class Picked:
    """A document, the sentences the summariser picked (document order) and its bigram counts."""

    doc: TitledText
    sentences: list[str]
    document: Counter[str]

    @cached_property
    def features(self) -> ClauseFeatures:
        """The clauses' features: they depend on the sentences and the document alone, so they are
        computed once, not once per setting the training scores."""
        return summary_clause_features(self.sentences, [self.document] * len(self.sentences))


def pick_sentences(summarizer: Summarizer, docs: Sequence[TitledText], k: int) -> list[Picked]:
    """Each document's ``k``-sentence summary by ``summarizer`` (which must not compress)."""
    if summarizer.compressor is not None:
        raise ValueError("pick_sentences needs a summariser without a compressor")
    out = []
    for doc in docs:
        paragraphs = clean_page(doc.text)
        sentences = [s.text for s in summarizer.summarize_paragraphs(paragraphs, Budget(max_sentences=k), title="")]
        if sentences:
            out.append(Picked(doc, sentences, document_bigrams(body_sentences(paragraphs, summarizer.config))))
    return out


def clause_targets(picked: Sequence[Picked]) -> tuple[list[dict[str, float]], list[float]]:
    """Clause feature rows and their targets (share of the clause's bigrams in the reference)."""
    rows, targets = [], []
    for item in picked:
        reference = set(bigrams(item.doc.reference))
        for (bounds, features), sentence in zip(item.features, item.sentences, strict=True):
            for (a, b), row in zip(bounds, features, strict=True):
                grams = set(bigrams(sentence[a:b]))
                rows.append(row)
                targets.append(len(grams & reference) / len(grams) if grams else 1.0)
    return rows, targets


def fit(rows: Sequence[dict[str, float]], targets: Sequence[float], strength: float, min_count: int) -> ClauseCompressor:
    """Logistic regression of the targets (as probabilities) on the rows; threshold 0.5 until chosen."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    seen = Counter(name for row in rows for name, value in row.items() if ":" in name and value)
    rows = [{k: v for k, v in row.items() if ":" not in k or seen[k] >= min_count} for row in rows]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(list(rows) * 2)
    y = np.r_[np.ones(len(rows)), np.zeros(len(rows))]
    t = np.asarray(targets, dtype=np.float64)
    model = LogisticRegression(C=strength, max_iter=5000).fit(x, y, sample_weight=np.r_[t, 1.0 - t] + 1e-6)
    weights = dict(zip(vectorizer.get_feature_names_out(), model.coef_[0].tolist(), strict=True))
    return ClauseCompressor(weights, float(model.intercept_[0]), 0.5)


def compressed_rouge(compressor: ClauseCompressor | None, picked: Sequence[Picked]) -> dict[str, float]:
    """Mean ROUGE-1/2/L (× 100) of the picked sentences, compressed (None: whole), against the references."""
    scorer = make_scorer()
    scores = []
    for item in picked:
        if compressor is None:
            text = "".join(item.sentences)
        else:
            runs = kept_runs(compressor, item.sentences, item.features)
            text = "".join(joined_text(s, r) for s, r in zip(item.sentences, runs, strict=True))
        scores.append(rouge_f1(scorer, text, item.doc.reference))
    return mean_scores(scores)


def choose_settings(
    rows: Sequence[dict[str, float]], targets: Sequence[float], valid: Sequence[Picked], min_count: int
) -> tuple[ClauseCompressor, float, dict[str, float]]:
    """``(best compressor, its strength, held-out ROUGE-L per setting)`` over `STRENGTHS` × `MIN_KEPT` ×
    `THRESHOLDS`, each scored on ``valid``'s compressed summaries; the table is printed row by row."""
    table: dict[str, float] = {}
    best: tuple[float, ClauseCompressor, float] | None = None
    for strength in STRENGTHS:
        model = fit(rows, targets, strength, min_count)
        for least in MIN_KEPT:
            cells = []
            for threshold in THRESHOLDS:
                candidate = ClauseCompressor(model.weights, model.bias, threshold, least)
                score = compressed_rouge(candidate, valid)["rougeL"]
                table[f"C={strength:g} t={threshold:.2f} min={least}"] = round(score, 2)
                cells.append(f"t={threshold:.2f} {score:.2f}")
                if best is None or score > best[0]:
                    best = (score, candidate, strength)
            print(f"C={strength:g} min={least:2d}: " + "  ".join(cells))
    assert best is not None
    return best[1], best[2], table


def lead_documents(shared: Path, count: int, seed: int) -> list[TitledText]:
    """``count`` TV-news and ``count`` People's Daily articles with their lead as reference, dev-checked."""
    if count <= 0:
        return []
    docs = sample(tv_news_leads(shared / TV_NEWS_FILE), count, seed) + sample(pd1998_leads(shared / PD1998_FILE), count, seed)
    exclude = summary_dev_windows(shared)
    return [d for d in docs if not exclude or not (exclude(d.text) or exclude(d.reference))]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="models/summary_compressor.json", help="JSON weights to write")
    p.add_argument("--shared", default="../shared", help="the shared data folder (its corpora hold the articles)")
    p.add_argument("--model", default=None, help="theme model whose encoder the summariser uses (default: shipped)")
    p.add_argument("--read", default=str(READ_SUMMARIES), metavar="FILE", help="our readers' summaries (JSONL)")
    p.add_argument("--picks", type=int, default=3, help="sentences picked per training article (default 3, as summarised)")
    p.add_argument("--leads", type=int, default=0,
                   help="also learn from N TV-news and N People's Daily articles against their lead (default 0)")
    p.add_argument("--min-count", type=int, default=5, help="training clauses a lexical feature needs (default 5)")
    p.add_argument("--seed", type=int, default=0, help="seed of the lead-document draw")
    p.add_argument("--no-refit", dest="refit", action="store_false",
                   help="write the model fitted without the held-out articles (default: once the strength and "
                   "threshold are chosen on them, refit on every read article with those settings)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.picks < 1 or args.min_count < 1 or args.leads < 0:
        raise SystemExit("--picks and --min-count must be >= 1, --leads >= 0")
    from wenzhai.models.loading import load_classifier

    shared = Path(args.shared)
    read = read_summaries(shared, Path(args.read))
    train_docs = [d for d in read if not held_out(d)] + lead_documents(shared, args.leads, args.seed)
    valid_docs = [d for d in read if held_out(d)]
    summarizer = Summarizer.from_classifier(load_classifier(args.model), config=SummarizerConfig(compress=False))
    train = pick_sentences(summarizer, train_docs, args.picks)
    valid = pick_sentences(summarizer, valid_docs, VALIDATION_SENTENCES)
    rows, targets = clause_targets(train)
    print(f"{len(train)} training articles ({Counter(p.doc.source for p in train)}), {len(rows)} clauses, "
          f"mean target {np.mean(targets):.3f}; {len(valid)} held-out read articles")
    whole = compressed_rouge(None, valid)
    print(f"whole sentences: ROUGE-1/2/L {whole['rouge1']:.2f} / {whole['rouge2']:.2f} / {whole['rougeL']:.2f}")
    chosen, strength, table = choose_settings(rows, targets, valid, args.min_count)
    final = compressed_rouge(chosen, valid)
    if args.refit:  # the held-out third chose the settings; the written model learns from it too
        # the held-out articles' picks at --picks sentences: the ones already made when that is the scored length
        valid_picks = valid if args.picks == VALIDATION_SENTENCES else pick_sentences(summarizer, valid_docs, args.picks)
        every_rows, every_targets = clause_targets(train + valid_picks)
        refit = fit(every_rows, every_targets, strength, args.min_count)
        chosen = ClauseCompressor(refit.weights, refit.bias, chosen.threshold, chosen.min_kept_chars)
    about = {
        "command": "python -m wenzhai.training.summary_compressor_train " + " ".join(argv),
        "strength": strength,
        "threshold": chosen.threshold,
        "min_kept_chars": chosen.min_kept_chars,
        "train_articles": len(train),
        "refit_on_held_out": args.refit,
        "train_clauses": len(rows),
        "validation": f"{len(valid)} held-out read articles, {VALIDATION_SENTENCES}-sentence summaries, ROUGE-L",
        "validation_whole_sentences": {k: round(v, 2) for k, v in whole.items()},
        "validation_chosen": {k: round(v, 2) for k, v in final.items()},
        "validation_rougeL": table,
    }
    compressor = ClauseCompressor(chosen.weights, chosen.bias, chosen.threshold, chosen.min_kept_chars, about)
    compressor.save(args.out)
    print(f"chosen C={strength:g}, threshold {chosen.threshold:.2f}, least kept {chosen.min_kept_chars} "
          f"(refit on every read article: {args.refit}); "
          f"held-out ROUGE-1/2/L {final['rouge1']:.2f} / {final['rouge2']:.2f} / "
          f"{final['rougeL']:.2f}; wrote {args.out} ({len(compressor.to_dict()['weights'])} weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
