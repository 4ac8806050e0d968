"""Train the continuity model (`models.continuity`) on pairs of real paragraphs (`wenzhai train-continuity`).

Pairs come from the real titled articles the page simulator draws (`training.page_sources`: TV-news
transcripts and People's Daily 1998, every article overlapping a dev file dropped):

* *continues* (label 0): two consecutive paragraphs of one article, at a random gap, and one paragraph
  cut at a sentence end inside it (page reading splits paragraphs too);
* *new article* (label 1): the last paragraph of one article and the first paragraph of the article
  that follows it in the corpus (the same broadcast or issue: often the same kind of news), and of a
  random article, which is what a page shows where an article runs on with no headline into the next.

Articles are split into training and validation pools first, so no validation pair shares an article
with a training pair. The validation ROC AUC and accuracy are printed and stored with the weights.
The dev sets play no part.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wenzhai.models.continuity import CONTINUITY_FILE, ContinuityModel, ContinuitySettings
from wenzhai.models.text.chars import SENTENCE_END
from wenzhai.training.page_simulator import Article

Pair = tuple[str, str, int]
# kept as trained (models/default/continuity.json); `models.text.sentences.sentence_bounds` cuts 3 of 16,641 pairs differently
_SENTENCE_END = re.compile(f"[{re.escape(''.join(SENTENCE_END))}][”’」』）)]*")


@dataclass(frozen=True)
class ContinuityTrainingConfig:
    """Every knob of `wenzhai train-continuity`."""

    model: str = field(default="models/default", metadata={"help": "Theme-model folder whose encoder reads the pairs; "
                                                                     "the model is written into it as continuity.json."})
    seed: int = field(default=13, metadata={"help": "Seed of the article sample, the split and the pairs."})
    articles: int = field(default=6000, metadata={"help": "Pairs of neighbouring articles drawn (each gives up to four pairs of paragraphs)."})
    tv_share: float = field(default=0.75, metadata={"help": "Share of the drawn articles that are TV news (the rest 1998)."})
    val_share: float = field(default=0.15, metadata={"help": "Share of the drawn articles kept for validation."})
    c: float = field(default=1.0, metadata={"help": "Inverse L2 strength of the logistic regression."})
    held_out_lines: tuple[int, int] = field(
        default=(900, 1300), metadata={"help": "People's Daily 1998 lines never drawn (the 1998 test page)."}
    )
    overlap_window: int = field(default=20, metadata={"help": "Characters of verbatim overlap with dev that drop an article."})
    settings: ContinuitySettings = field(default_factory=ContinuitySettings)

    def __post_init__(self) -> None:
        if not isinstance(self.articles, int) or self.articles < 20:
            raise ValueError(f"ContinuityTrainingConfig.articles: must be an integer >= 20, got {self.articles!r}")
        for name in ("tv_share", "val_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"ContinuityTrainingConfig.{name}: must be in [0, 1], got {getattr(self, name)!r}")
        if not 0.0 < self.val_share < 1.0:
            raise ValueError("ContinuityTrainingConfig.val_share: must be in (0, 1)")
        if self.c <= 0:
            raise ValueError(f"ContinuityTrainingConfig.c: must be > 0, got {self.c!r}")


def draw_neighbours(articles: list[Article], n: int, tv_share: float, seed: int) -> list[tuple[Article, Article]]:
    """``n`` pairs of articles that follow each other in their corpus (the same broadcast or issue, so
    often the same kind of news), ``tv_share`` of them TV news; no article is in two pairs."""
    def units(pool: list[Article]) -> list[tuple[Article, Article]]:
        return [(pool[i], pool[i + 1]) for i in range(0, len(pool) - 1, 2)
                if len(pool[i].paragraphs) >= 2 and pool[i + 1].paragraphs]

    tv = units([a for a in articles if a.source.startswith("tv:")])
    other = units([a for a in articles if not a.source.startswith("tv:")])
    rng = random.Random(seed)
    n_tv = min(len(tv), round(n * tv_share))
    drawn = rng.sample(tv, n_tv) + rng.sample(other, min(len(other), n - n_tv))
    rng.shuffle(drawn)
    return drawn


def split_inside(paragraph: str, rng: random.Random) -> tuple[str, str] | None:
    """A paragraph cut at a sentence end in its middle (page reading splits paragraphs too), or None."""
    ends = [m.end() for m in _SENTENCE_END.finditer(paragraph) if 20 <= m.end() <= len(paragraph) - 20]
    if not ends:
        return None
    k = rng.choice(ends)
    return paragraph[:k], paragraph[k:]


def make_pairs(units: list[tuple[Article, Article]], seed: int) -> list[Pair]:
    """Per unit (an article and the one after it): *continues* at a paragraph gap and, where a paragraph has
    two sentences, inside one; *new article* into the next article and into a random one of the pool."""
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for i, (article, following) in enumerate(units):
        paragraphs = article.paragraphs
        k = rng.randrange(1, len(paragraphs))
        pairs.append((paragraphs[k - 1], paragraphs[k], 0))
        inside = split_inside(rng.choice(paragraphs), rng)
        if inside:
            pairs.append((*inside, 0))
        pairs.append((paragraphs[-1], following.paragraphs[0], 1))
        other = units[(i + rng.randrange(1, len(units))) % len(units)][1]
        pairs.append((paragraphs[-1], other.paragraphs[0], 1))
    return pairs


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC (scikit-learn's); a clear error when one class is missing."""
    from sklearn.metrics import roc_auc_score

    if len(np.unique(labels)) < 2:
        raise ValueError("AUC needs both classes")
    return float(roc_auc_score(labels, scores))


def train_continuity(config: ContinuityTrainingConfig, articles: list[Article], classifier: Any) -> dict[str, Any]:
    """Fit the continuity model for ``classifier``'s encoder; returns the model spec with its figures."""
    from sklearn.linear_model import LogisticRegression

    drawn = draw_neighbours(articles, config.articles, config.tv_share, config.seed)
    n_val = int(len(drawn) * config.val_share)
    train, val = make_pairs(drawn[n_val:], config.seed), make_pairs(drawn[:n_val], config.seed + 1)
    embed = classifier.sentence_embedder(config.settings.layers)
    x, y = config.settings.features(embed, [p[:2] for p in train]), np.array([p[2] for p in train])
    xv, yv = config.settings.features(embed, [p[:2] for p in val]), np.array([p[2] for p in val])
    fitted = LogisticRegression(C=config.c, max_iter=3000).fit(x, y)
    model = ContinuityModel(config.settings, fitted.coef_[0].astype(np.float64), float(fitted.intercept_[0]))
    scores = xv @ model.coef + model.intercept
    figures = {
        "train_pairs": len(y), "val_pairs": len(yv),
        "val_auc": round(auc(yv, scores), 4),
        "val_accuracy": round(float(np.mean((scores >= 0) == (yv == 1))), 4),
        "val_auc_cosine_only": round(auc(yv, -xv[:, -1]), 4),
    }
    return model.to_spec(training={**{k: v for k, v in asdict(config).items() if k != "settings"}, **figures})


def train_continuity_from_args(config: ContinuityTrainingConfig, shared: str | None = None) -> dict[str, Any]:
    """Load the sources and the theme model, train, write ``continuity.json`` into the model folder."""
    from wenzhai.models.loading import load_classifier
    from wenzhai.training.data import default_shared_dir
    from wenzhai.training.page_sources import load_sources

    classifier = load_classifier(config.model)  # a wrong folder fails before the corpora are read
    articles, removed = load_sources(Path(shared) if shared else default_shared_dir(), config.held_out_lines, config.overlap_window)
    print(f"{len(articles)} articles ({removed} dropped for overlapping the dev files)", flush=True)
    spec = train_continuity(config, articles, classifier)
    out = Path(config.model) / CONTINUITY_FILE
    out.write_text(json.dumps(spec, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in spec["training"].items() if k.endswith(("_pairs", "_auc", "_accuracy", "_only"))}),
          flush=True)
    print(f"written to {out} ({out.stat().st_size:,} bytes)")
    return spec
