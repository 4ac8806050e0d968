"""Train the page reader on simulated pages and export it as JSON (`wenzhai train-reader`).

Steps, all seeded (the same config rebuilds the same file):

1. draw real titled articles (`training.page_sources`, dev overlap removed) and split them by
   article into a training and a validation pool, so no validation article is seen in training;
2. render training and validation pages (`training.page_simulator`);
3. label every cleaned line with its gold role and compute `models.page_reader.line_features`;
4. fit each model kind named in the config (multinomial logistic regression, gradient-boosted
   trees), export each to the reader JSON format, and score it on the validation pages: line-role
   accuracy and macro-F1, and page boundary P/R/F1 by the pages_dev scoring, through the real
   ``clean_page`` → ``segment_page`` path with the exported file;
5. write the kind with the best validation boundary F1 (ties: the first listed) to ``output``, and
   the comparison to ``report``.

The dev pages play no part here.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wenzhai.models.config_files import read_yaml_mapping
from wenzhai.models.continuity import gap_reader
from wenzhai.models.page_reader import (
    BOUNDARY_FEATURES,
    BOUNDARY_MODES,
    FEATURE_NAMES,
    LINE_ROLES,
    LineView,
    PageReader,
)
from wenzhai.models.pipeline import paragraph_pass
from wenzhai.models.segmentation import (
    SegmentationConfig,
    boundary_features,
    gapped_runs,
    paragraph_tokens,
    segment_page,
)
from wenzhai.models.text.paragraphs import CleanConfig, Line, _Assembler, clean_lines, clean_page, line_views
from wenzhai.training.page_eval import GoldPage, GoldSegment, PredictedSegment, Tally, score_page
from wenzhai.training.page_simulator import Article, SimulatorConfig, simulate_pages

MODEL_KINDS = ("linear", "trees")


@dataclass(frozen=True)
class ReaderTrainingConfig:
    """What `wenzhai train-reader` builds."""

    seed: int = field(default=13, metadata={"help": "Seed of the article split and of model fitting."})
    train_pages: int = field(default=1200, metadata={"help": "Simulated training pages."})
    val_pages: int = field(default=200, metadata={"help": "Simulated validation pages (model choice, figures)."})
    val_share: float = field(default=0.15, metadata={"help": "Share of articles kept for validation pages."})
    held_out_lines: tuple[int, int] = field(
        default=(900, 1300),
        metadata={"help": "People's Daily 1998 lines never drawn (the 1998 test page is lines 1000-1200)."},
    )
    overlap_window: int = field(default=20, metadata={"help": "Characters of verbatim overlap with dev that drop an article."})
    kinds: tuple[str, ...] = field(default=MODEL_KINDS, metadata={"help": "Model kinds to fit and compare."})
    trees: int = field(default=120, metadata={"help": "Boosting rounds of the tree model."})
    tree_depth: int = field(default=3, metadata={"help": "Depth of each regression tree."})
    learning_rate: float = field(default=0.1, metadata={"help": "Shrinkage of the tree model."})
    l2: float = field(default=1.0, metadata={"help": "Inverse L2 strength (C) of the linear model."})
    theme_model: str = field(
        default="default",
        metadata={"help": "Theme model whose paragraph probabilities train the boundary stage ('default', a "
                          "model folder, or 'none' to build no boundary stage)."},
    )
    boundary_pages: int = field(default=300, metadata={"help": "Simulated pages that train the boundary stage."})
    paragraph_tokens: int = field(
        default=0,
        metadata={"help": "Tokens of each paragraph's opening that its theme probabilities read for the boundary "
                          "stage (stored with the stage; inference reads the same). 0: whole paragraphs."},
    )
    stage_only: str = field(
        default="",
        metadata={"help": "A reader JSON whose line model and role sequence are kept as they are: only the boundary "
                          "stage is fitted (after a new theme or continuity model). Empty: fit everything."},
    )
    output: str = field(default="models/page_reader/reader.json", metadata={"help": "Where the chosen reader goes."})
    report: str = field(default="reports/page_reader.json", metadata={"help": "Where the comparison goes."})
    simulator: SimulatorConfig = field(default_factory=SimulatorConfig)

    def __post_init__(self) -> None:
        for name in ("train_pages", "val_pages", "trees", "tree_depth", "boundary_pages"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"ReaderTrainingConfig.{name}: must be a positive integer")
        if not isinstance(self.paragraph_tokens, int) or self.paragraph_tokens < 0 or 0 < self.paragraph_tokens < 3:
            raise ValueError("ReaderTrainingConfig.paragraph_tokens: must be 0 (whole paragraphs) or an integer >= 3")
        if not 0.0 < self.val_share < 1.0:
            raise ValueError("ReaderTrainingConfig.val_share: must be in (0, 1)")
        if not self.kinds or any(k not in MODEL_KINDS for k in self.kinds):
            raise ValueError(f"ReaderTrainingConfig.kinds: choose from {MODEL_KINDS}, got {self.kinds!r}")
        if not 0.0 < self.learning_rate <= 1.0 or self.l2 <= 0:
            raise ValueError("ReaderTrainingConfig.learning_rate must be in (0, 1] and l2 > 0")


def load_config(path: str | Path) -> ReaderTrainingConfig:
    raw = read_yaml_mapping(path, "page reader config")
    sim = SimulatorConfig(**(raw.pop("simulator", None) or {}))
    for key in ("held_out_lines", "kinds"):
        if key in raw:
            raw[key] = tuple(raw[key])
    try:
        return ReaderTrainingConfig(simulator=sim, **raw)
    except TypeError as exc:
        raise ValueError(f"{path}: {exc}") from None


# ----------------------------------------------------------------------------------------------
# Gold line roles and features


def page_lines(page_text: str) -> tuple[list[LineView], list[Line]]:
    """The cleaned lines of a page as the reader sees them (rules' decisions included)."""
    config = CleanConfig(reader="rules")
    lines = clean_lines(page_text, config)
    return line_views(lines, _Assembler(lines, config).run()), lines


def gold_roles(page: dict) -> tuple[np.ndarray, list[int]]:
    """Features and gold role indices of every cleaned line of a simulated page."""
    from wenzhai.models.page_reader import line_features

    views, lines = page_lines(page["page_text"])
    starts = [start for start, _, _ in page["lines"]]
    roles = [role for _, _, role in page["lines"]]
    y = []
    for line in lines:
        first = line.text.offsets[0]
        k = int(np.searchsorted(starts, first, side="right")) - 1
        y.append(LINE_ROLES.index(roles[k]))
    return line_features(views), y


def role_sequence(page_roles: list[list[int]]) -> dict[str, list]:
    """`models.page_reader.RoleSequence` from the gold roles of simulated pages (one list per page):
    a role may follow another when some page shows it doing so."""
    k = len(LINE_ROLES)
    seen = np.zeros((k, k), dtype=bool)
    for y in page_roles:
        seen[y[:-1], y[1:]] = True
    return {"allowed": seen.astype(int).tolist()}


def dataset(pages: list[dict]) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """Features and gold roles of every line of ``pages``, and the roles page by page."""
    xs, page_roles = [], []
    for page in pages:
        x, y = gold_roles(page)
        xs.append(x)
        page_roles.append(y)
    return np.vstack(xs), np.asarray([r for y in page_roles for r in y]), page_roles


@contextmanager
def reader_file(spec: dict[str, Any]) -> Iterator[str]:
    """``spec`` written to a temporary reader JSON, for the reading path that loads readers by path;
    the loader's cache forgets it afterwards."""
    from wenzhai.models.page_reader import _load_cached

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reader.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
        try:
            yield str(path)
        finally:
            _load_cached.cache_clear()


# ----------------------------------------------------------------------------------------------
# Fitting and exporting


def fit_linear(x: np.ndarray, y: np.ndarray, config: ReaderTrainingConfig) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=config.l2, max_iter=2000)
    clf.fit((x - mean) / scale, y)
    coef = np.zeros((len(LINE_ROLES), x.shape[1]))
    intercept = np.full(len(LINE_ROLES), -1e9)
    coef[clf.classes_] = clf.coef_
    intercept[clf.classes_] = clf.intercept_
    return {"mean": mean.tolist(), "scale": scale.tolist(), "coef": coef.tolist(), "intercept": intercept.tolist()}


def fit_trees(x: np.ndarray, y: np.ndarray, config: ReaderTrainingConfig) -> dict[str, Any]:
    from sklearn.ensemble import GradientBoostingClassifier

    if set(np.unique(y)) != set(range(len(LINE_ROLES))):
        raise ValueError("fit_trees: the training pages must show every line role")
    clf = GradientBoostingClassifier(
        n_estimators=config.trees, max_depth=config.tree_depth, learning_rate=config.learning_rate,
        init="zero", random_state=config.seed, subsample=0.8,
    )
    clf.fit(x, y)
    trees = []
    for k in range(len(LINE_ROLES)):
        per_class = []
        for est in clf.estimators_[:, k]:
            t = est.tree_
            per_class.append({
                "left": t.children_left.tolist(), "right": t.children_right.tolist(),
                "feature": t.feature.tolist(), "threshold": [round(v, 6) for v in t.threshold.tolist()],
                "value": [round(v, 6) for v in t.value[:, 0, 0].tolist()],
            })
        trees.append(per_class)
    return {"learning_rate": config.learning_rate, "prior": [0.0] * len(LINE_ROLES), "trees": trees}


def reader_spec(kind: str, model: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "roles": list(LINE_ROLES), "features": list(FEATURE_NAMES), "model": model}


def as_gold(page: dict) -> GoldPage:
    return GoldPage(page["id"], page["page_text"], tuple(
        GoldSegment(s["text"], s["title"], s["start_marker"]) for s in page["segments"]
    ))


def boundary_scores(pages: list[dict], reader_path: str, scorer: Any = None) -> Tally:
    """Page reading of simulated pages with the reader at ``reader_path``: text only, or with the
    theme probabilities of ``scorer`` (a theme classifier) as the pipeline passes them."""
    tally = Tally()
    config = CleanConfig(reader=reader_path)
    seg_config = SegmentationConfig(reader=reader_path)
    for page in pages:
        paragraphs = clean_page(page["page_text"], config)
        probs = theme_probs(scorer, paragraphs, paragraph_tokens(seg_config))
        segments = segment_page(paragraphs, paragraph_probs=probs, config=seg_config, openings=gap_reader(scorer))
        predicted = [PredictedSegment(s.title, s.text, None, s.span[0]) for s in segments]
        score_page(as_gold(page), predicted, tally)
    return tally


def line_scores(reader: PageReader, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    pred = reader.model.predict_proba(x).argmax(axis=1)
    f1s = []
    for k in range(len(LINE_ROLES)):
        tp = int(np.sum((pred == k) & (y == k)))
        p = tp / max(1, int(np.sum(pred == k)))
        r = tp / max(1, int(np.sum(y == k)))
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return {"line_accuracy": float(np.mean(pred == y)), "line_macro_f1": float(np.mean(f1s)),
            **{f"f1_{role}": round(f, 4) for role, f in zip(LINE_ROLES, f1s, strict=True)}}


def theme_probs(scorer: Any, paragraphs: list, max_tokens: int | None = None) -> np.ndarray | None:
    """The classifier's paragraph probabilities, exactly as `Pipeline.analyze` computes them (`paragraph_pass`,
    each paragraph's first ``max_tokens`` tokens or all of it)."""
    if scorer is None or not paragraphs:
        return None
    return paragraph_pass(scorer, paragraphs, max_tokens=max_tokens)[1]


def boundary_dataset(pages: list[dict], reader_path: str, scorer: Any, window: int, max_tokens: int | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Second-stage rows: every gap inside a run of text, labelled 1 where a gold article body starts
    there, and whether the reader itself opens an article there (``start`` role)."""
    xs, ys, opened = [], [], []
    config = CleanConfig(reader=reader_path)
    read_gaps = gap_reader(scorer)
    if read_gaps is None:
        raise ValueError("the boundary stage needs a theme model with a continuity model: run `wenzhai train-continuity`")
    for page in pages:
        text = page["page_text"]
        starts = set()
        for seg in page["segments"]:
            k = seg["start_offset"]
            while k < len(text) and text[k].isspace():
                k += 1
            starts.add(k)
        paragraphs = clean_page(text, config)
        probs = theme_probs(scorer, paragraphs, max_tokens)
        runs = gapped_runs(paragraphs)
        openings = read_gaps(paragraphs, runs) if runs else {}
        for run in runs:
            for pos in range(1, len(run)):
                xs.append(boundary_features(paragraphs, probs, openings, run, pos, window))
                ys.append(int(paragraphs[run[pos]].offsets[0] in starts))
                opened.append(paragraphs[run[pos]].role == "start")
    return np.asarray(xs), np.asarray(ys), np.asarray(opened, dtype=bool)


def fit_boundary(x: np.ndarray, y: np.ndarray, config: ReaderTrainingConfig, mode: str) -> dict[str, Any]:
    """The second stage: logistic regression over `BOUNDARY_FEATURES` (two classes), applied in ``mode``
    (`models.page_reader.BOUNDARY_MODES`), with how much of each paragraph its theme probabilities read."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=config.l2, max_iter=2000).fit((x - mean) / scale, y)
    coef = np.vstack([-clf.coef_[0] / 2, clf.coef_[0] / 2])  # softmax over two classes = the sigmoid
    intercept = np.array([-clf.intercept_[0] / 2, clf.intercept_[0] / 2])
    return {"features": list(BOUNDARY_FEATURES), "mode": mode,
            "model": {"mean": mean.tolist(), "scale": scale.tolist(), "coef": coef.tolist(),
                      "intercept": intercept.tolist()},
            **({"paragraph_tokens": config.paragraph_tokens} if config.paragraph_tokens else {})}


def add_boundary_stage(spec: dict[str, Any], train_pages: list[dict], val: list[dict],
                       config: ReaderTrainingConfig, results: dict[str, Any]) -> dict[str, Any]:
    """Fit the theme-aware boundary stage for the chosen reader in each mode (`BOUNDARY_MODES`: deciding
    every gap, or only adding openings where the reader continues); keep the mode that reads the
    simulated validation pages best, and only if it beats the reader's roles alone (all with theme
    probabilities and continuity readings)."""
    from wenzhai.models.loading import load_classifier

    scorer = load_classifier(None if config.theme_model == "default" else config.theme_model)
    with reader_file(spec) as path:
        x, y, opened = boundary_dataset(train_pages, path, scorer, SegmentationConfig().prob_window,
                                        config.paragraph_tokens or None)
        best_f1, best = boundary_scores(val, path, scorer).prf()[2], spec
    report: dict[str, Any] = {"rows": len(y), "val_boundary_f1_roles_only": round(best_f1, 4)}
    for mode in BOUNDARY_MODES:
        rows = slice(None) if mode == "decide" else ~opened
        staged = {**spec, "boundary": fit_boundary(x[rows], y[rows], config, mode)}
        with reader_file(staged) as path:
            tally = boundary_scores(val, path, scorer)
        f1 = tally.prf()[2]
        report[mode] = {"rows": int(len(y[rows])), "val_boundary_f1": round(f1, 4),
                        "val_headless_recall": f"{tally.headless_hits}/{tally.headless_gold}"}
        if f1 > best_f1:
            best_f1, best = f1, staged
    report["kept"] = best["boundary"]["mode"] if best is not spec else "none"
    results["boundary_stage"] = report
    print("boundary stage", json.dumps(report), flush=True)
    return best


def add_role_sequence(spec: dict[str, Any], train_roles: list[list[int]], val: list[dict], f1_without: float,
                      results: dict[str, Any]) -> dict[str, Any]:
    """Decode roles under the transitions the training pages show (`role_sequence`); kept only if
    the simulated validation pages read better that way."""
    staged = {**spec, "sequence": role_sequence(train_roles)}
    with reader_file(staged) as path:
        tally = boundary_scores(val, path)
    p, r, f1 = tally.prf()
    kept = f1 > f1_without
    results["role_sequence"] = {
        "val_boundary_f1_without": round(f1_without, 4), "val_boundary_f1_with": round(f1, 4),
        "val_boundary_precision_with": round(p, 4), "val_boundary_recall_with": round(r, 4),
        "val_headless_recall_with": f"{tally.headless_hits}/{tally.headless_gold}", "kept": kept,
    }
    print("role sequence", json.dumps(results["role_sequence"]), flush=True)
    return staged if kept else spec


def split_articles(articles: list[Article], share: float, seed: int) -> tuple[list[Article], list[Article]]:
    """Training and validation pools, split by article."""
    order = sorted(articles, key=lambda a: a.source)
    random.Random(seed).shuffle(order)
    n_val = int(len(order) * share)
    return order[n_val:], order[:n_val]


def train_reader(config: ReaderTrainingConfig, articles: list[Article]) -> dict[str, Any]:
    """Fit every configured model kind, write the best; returns the comparison."""
    train_pool, val_pool = split_articles(articles, config.val_share, config.seed)
    sim = config.simulator
    val = simulate_pages(val_pool, config.val_pages, SimulatorConfig(**{**asdict(sim), "seed": sim.seed + 1}), "val")
    results: dict[str, Any] = {"kinds": {}}
    if config.stage_only:
        best_spec = {k: v for k, v in json.loads(Path(config.stage_only).read_text(encoding="utf-8")).items()
                     if k != "boundary"}
        results["chosen"] = f"{best_spec['kind']} (kept from {config.stage_only})"
    else:  # the training pages are only simulated when the line models are fitted
        best_spec = fit_line_models(config, simulate_pages(train_pool, config.train_pages, sim, "train"), val, results)
    if config.theme_model != "none":
        stage_pages = simulate_pages(train_pool, config.boundary_pages,
                                     SimulatorConfig(**{**asdict(sim), "seed": sim.seed + 2}), "stage")
        best_spec = add_boundary_stage(best_spec, stage_pages, val, config, results)
    out = Path(config.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(best_spec, separators=(",", ":")), encoding="utf-8")
    results["size_bytes"] = out.stat().st_size
    return results


def fit_line_models(config: ReaderTrainingConfig, train: list[dict], val: list[dict], results: dict[str, Any]) -> dict[str, Any]:
    """Fit every model kind on the training pages, keep the best on validation, add the role sequence."""
    x, y, train_roles = dataset(train)
    xv, yv, _ = dataset(val)
    results.update({"train_lines": len(y), "val_lines": len(yv)})
    best_kind, best_f1, best_spec = None, -1.0, None
    for kind in config.kinds:
        model = fit_linear(x, y, config) if kind == "linear" else fit_trees(x, y, config)
        spec = reader_spec(kind, model)
        with reader_file(spec) as path:
            tally = boundary_scores(val, path)
        p, r, f1 = tally.prf()
        results["kinds"][kind] = {
            **line_scores(PageReader.from_spec(spec), xv, yv),
            "boundary_precision": round(p, 4), "boundary_recall": round(r, 4), "boundary_f1": round(f1, 4),
            "headless_recall": f"{tally.headless_hits}/{tally.headless_gold}",
            "title_accuracy": round(tally.title_right / max(1, tally.hits), 4),
        }
        print(kind, json.dumps(results["kinds"][kind]), flush=True)
        if f1 > best_f1:
            best_kind, best_f1, best_spec = kind, f1, spec
    results["chosen"] = best_kind
    return add_role_sequence(best_spec, train_roles, val, best_f1, results)


def train_reader_from_config(path: str, shared: str | None = None, output: str | None = None,
                             stage_only: str | None = None) -> dict[str, Any]:
    from wenzhai.training.page_sources import load_sources

    config = load_config(path)
    overrides = {k: v for k, v in (("output", output), ("stage_only", stage_only)) if v}
    if overrides:
        config = ReaderTrainingConfig(**{**asdict(config), **overrides, "simulator": config.simulator})
    shared_dir = Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared"
    articles, removed = load_sources(shared_dir, config.held_out_lines, config.overlap_window)
    print(f"{len(articles)} articles ({removed} dropped for overlapping the dev files)", flush=True)
    results = train_reader(config, articles)
    results["articles"], results["dropped_for_dev_overlap"] = len(articles), removed
    report = Path(config.report)
    if config.stage_only and report.is_file():  # the line models' figures stay those of the run that fitted them
        results = {**json.loads(report.read_text(encoding="utf-8")), **{k: v for k, v in results.items() if k != "kinds"}}
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"chosen: {results['chosen']} → {config.output} ({results['size_bytes']:,} bytes)")
    return results
