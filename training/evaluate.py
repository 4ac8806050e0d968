"""Evaluate a theme model on labelled JSONL: per-label report, plots and a Markdown report.

Writes next to the report: ``confusion_matrix.png``, ``reliability.png`` and ``report.md`` (+ a JSON
of the figures). The TF-IDF + logistic-regression baseline, trained on the same training data, is
reported side by side so every model is read against the same floor.

The report also tabulates the confusions across the theme boundaries that ``LABELING.md`` spells out
and that models get wrong most (``BOUNDARY_PAIRS``), in both directions, with a few of the texts, so
a reader sees *what* is confused rather than only how often.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from wenzhai.models.themes import LABEL2ID, LABELS
from wenzhai.training.calibration import expected_calibration_error, reliability_bins
from wenzhai.training.jsonl import iter_jsonl

BOUNDARY_PAIRS: tuple[tuple[str, str], ...] = (
    ("governance", "digital_government"),
    ("enterprise_news", "other"),
    ("rural_construction", "governance"),
)
"""Label pairs whose confusions the report lists in both directions (the boundaries of LABELING.md)."""
BOUNDARY_EXAMPLES = 3


def label_report(gold: list[str], pred: list[str]) -> dict[str, Any]:
    """scikit-learn per-label precision/recall/F1 plus macro-F1 and accuracy."""
    from sklearn.metrics import accuracy_score, classification_report, f1_score

    return {
        "per_label": classification_report(gold, pred, labels=list(LABELS), output_dict=True, zero_division=0),
        "macro_f1": float(f1_score(gold, pred, labels=list(LABELS), average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(gold, pred)),
        "text": classification_report(gold, pred, labels=list(LABELS), digits=3, zero_division=0),
    }


def plot_confusion(gold: list[str], pred: list[str], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = plt.subplots(figsize=(7, 6))
    ConfusionMatrixDisplay.from_predictions(gold, pred, labels=list(LABELS), ax=ax, xticks_rotation=30, colorbar=False)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_reliability(probs: np.ndarray, gold_ids: np.ndarray, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bins = [b for b in reliability_bins(probs, gold_ids) if b["count"]]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    ax.bar(
        [(b["lower"] + b["upper"]) / 2 for b in bins],
        [b["accuracy"] for b in bins],
        width=0.09,
        alpha=0.7,
        label="accuracy per confidence bin",
    )
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], "o-", color="black")
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def read_labelled(path: Path) -> list[dict[str, Any]]:
    """Rows with ``text`` and a valid ``label`` from a JSONL file (errors name the line and field)."""
    rows = []
    for where, row in iter_jsonl(path):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or row.get("label") not in LABEL2ID:
            raise ValueError(f"{where}: needs a string 'text' and 'label' in {', '.join(LABELS)}")
        rows.append(row)
    if not rows:
        raise ValueError(f"{path}: no labelled rows")
    return rows


def model_training_rows(model_dir: Path) -> list[dict[str, Any]]:
    """The training split the model was trained on (data config and seed from its training report)."""
    from wenzhai.training.arguments import data_split_seed
    from wenzhai.training.data import DataConfig, assemble_rows

    report_path = model_dir / "training_report.json"
    arguments = json.loads(report_path.read_text(encoding="utf-8"))["arguments"] if report_path.exists() else {}
    seed = data_split_seed(arguments.get("split_seed", -1), arguments.get("seed", 42))
    config = DataConfig.from_yaml(arguments.get("data_config", "configs/data.yaml"), seed=seed)
    rows, _ = assemble_rows(config)
    return [r for r in rows if r["split"] == "train"]


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis when longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def boundary_confusions(
    gold: list[str],
    pred: list[str],
    texts: list[str],
    pairs: tuple[tuple[str, str], ...] = BOUNDARY_PAIRS,
    examples: int = BOUNDARY_EXAMPLES,
    width: int = 60,
    ids: list[str] | None = None,
    with_text: bool = True,
) -> list[dict[str, Any]]:
    """One cell per direction of every pair: ``gold`` label, ``predicted`` label, how many rows were
    confused that way, and the first ``examples`` of them (in data order): ``[id] text`` cut to
    ``width`` characters, or the bare ids when ``with_text`` is False (for reports that get committed
    while the evaluated texts must not be, like the dev set's)."""

    def example(i: int) -> str:
        name = ids[i] if ids else ""
        if not with_text:
            return name or f"row {i + 1}"
        return f"[{name}] {shorten(texts[i], width)}" if name else shorten(texts[i], width)

    cells = []
    for a, b in pairs:
        for g, p in ((a, b), (b, a)):
            hits = [i for i in range(len(gold)) if gold[i] == g and pred[i] == p]
            cells.append(
                {
                    "gold": g,
                    "predicted": p,
                    "count": len(hits),
                    "gold_total": gold.count(g),
                    "examples": [example(i) for i in hits[:examples]],
                }
            )
    return cells


def boundary_table_markdown(cells: list[dict[str, Any]], baseline: list[dict[str, Any]] | None = None) -> str:
    """The boundary confusions as a Markdown table (a baseline count column when given)."""
    head = "| gold → predicted | model | " + ("TF-IDF | " if baseline else "") + "examples (model) |"
    lines = [head, "|---|---|" + ("---|" if baseline else "") + "---|"]
    for k, cell in enumerate(cells):
        examples = "<br>".join(e.replace("|", "\\|") for e in cell["examples"]) or "–"
        base = f"{baseline[k]['count']} | " if baseline else ""
        lines.append(
            f"| `{cell['gold']}` → `{cell['predicted']}` | {cell['count']} of {cell['gold_total']} | {base}{examples} |"
        )
    return "\n".join(lines)


def boundary_table_text(cells: list[dict[str, Any]]) -> str:
    """The boundary confusions as plain lines for the terminal: count, then the examples indented."""
    lines = ["confusions across the theme boundaries (gold → predicted):"]
    for cell in cells:
        lines.append(f"  {cell['gold']} → {cell['predicted']}: {cell['count']} of {cell['gold_total']}")
        lines += [f"      {e}" for e in cell["examples"]]
    return "\n".join(lines)


def evaluate(
    model_dir: Path, data: Path, out_dir: Path | None = None, baseline: bool = True, example_text: bool = True
) -> dict[str, Any]:
    """Score ``model_dir`` on ``data``; write plots and ``report.md`` into ``out_dir``.

    ``example_text`` False names the boundary examples by row id only (see ``boundary_confusions``).
    """
    from wenzhai.models.classifier import ThemeClassifier

    rows = read_labelled(data)
    out_dir = out_dir or model_dir / "eval"
    out_dir.mkdir(parents=True, exist_ok=True)
    gold = [r["label"] for r in rows]
    gold_ids = np.array([LABEL2ID[g] for g in gold])
    clf = ThemeClassifier.from_pretrained(model_dir)
    probs = clf.predict_proba([r["text"] for r in rows])
    pred = [clf.labels[int(i)] for i in probs.argmax(axis=1)]
    texts = [r["text"] for r in rows]
    ids = [str(r.get("id", f"row {n}")) for n, r in enumerate(rows, start=1)]
    results: dict[str, Any] = {"model": label_report(gold, pred), "rows": len(rows), "data": str(data)}
    results["model"]["ece"] = expected_calibration_error(probs, gold_ids)
    results["model"]["predictions"] = pred
    results["model"]["boundaries"] = boundary_confusions(gold, pred, texts, ids=ids, with_text=example_text)
    clear = [i for i, r in enumerate(rows) if not r.get("ambiguous")]
    if len(clear) < len(rows):
        results["model_unambiguous"] = label_report([gold[i] for i in clear], [pred[i] for i in clear])
    if baseline:
        from wenzhai.training.baseline import run_baseline

        base = run_baseline(model_training_rows(model_dir), rows)
        results["baseline"] = label_report(gold, base.predictions)
        results["baseline"]["train_rows"] = base.n_train
        results["baseline"]["boundaries"] = boundary_confusions(
            gold, base.predictions, texts, ids=ids, with_text=example_text
        )
    plot_confusion(gold, pred, out_dir / "confusion_matrix.png", f"{model_dir.name} on {data.name}")
    plot_reliability(probs, gold_ids, out_dir / "reliability.png", f"reliability on {data.name}")
    (out_dir / "report.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    (out_dir / "report.md").write_text(markdown_report(results, model_dir), encoding="utf-8")
    return results


def markdown_report(results: dict[str, Any], model_dir: Path) -> str:
    systems = [("wenzhai model", results["model"])]
    if "baseline" in results:
        systems.append(("TF-IDF char 1–3 + LR", results["baseline"]))
    header = "| label | " + " | ".join(f"{name} P / R / F1" for name, _ in systems) + " |"
    lines = [header, "|---|" + "---|" * len(systems)]
    for label in LABELS:
        cells = []
        for _, rep in systems:
            m = rep["per_label"][label]
            cells.append(f"{m['precision']:.3f} / {m['recall']:.3f} / {m['f1-score']:.3f}")
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    lines.append("| **macro-F1** | " + " | ".join(f"**{rep['macro_f1']:.4f}**" for _, rep in systems) + " |")
    lines.append("| accuracy | " + " | ".join(f"{rep['accuracy']:.4f}" for _, rep in systems) + " |")
    extra = ""
    if "model_unambiguous" in results:
        extra = f"\nWithout rows marked ambiguous: macro-F1 {results['model_unambiguous']['macro_f1']:.4f}.\n"
    if "baseline" in results:
        extra += f"\nThe baseline was trained on the model's {results['baseline']['train_rows']} training rows.\n"
    boundaries = boundary_table_markdown(
        results["model"]["boundaries"], results["baseline"]["boundaries"] if "baseline" in results else None
    )
    return f"""# Evaluation of `{model_dir}`

Data: `{results['data']}` ({results['rows']} rows). Expected calibration error of the model:
{results['model']['ece']:.4f}.

{chr(10).join(lines)}
{extra}
## Confusions across the theme boundaries

Rows of one gold label predicted as the other label of a pair (`LABELING.md`, "Boundary cases"),
with up to {BOUNDARY_EXAMPLES} of the model's examples each, cut short.

{boundaries}

![confusion matrix](confusion_matrix.png) ![reliability diagram](reliability.png)
"""
