"""Print theme-tagging speed and accuracy: the plain transformers way vs ours, side by side.

In one process and one run, every variant tags the same N real segments (the dev set's texts,
cycled) and is scored on the 128 dev rows. Variants run one after the other; before each, what the
previous one left is freed and the kernel's peak-RSS counter is reset, so each variant's peak RSS is
the process's peak while it ran (Python, PyTorch and the libraries included).

Checkpoints: ``models/teacher`` is the fine-tuned 12-layer model (built by ``make model``, not
committed: 66 MB in fp16); ``models/default`` is the 6-layer student distilled from it, which serves
by default. The default run needs only models/default; the teacher variants (reference, teacher-fp32,
teacher-int8) need ``make model`` first.

- ``reference``: ``transformers.pipeline("text-classification", top_k=None)`` on the teacher, called one
  text at a time with ``truncation=True, max_length=256`` on the raw text, as a newcomer would. Latency
  is per call (= per segment). ``reference-default`` does the same with the shipped checkpoint.
- ``ours``: `models.classifier.ThemeClassifier` as shipped (the default model on its folder's backend,
  ONNX Runtime int8: windows, ``clean_text``), fed ``--call-size`` texts per call, as the pipeline and
  ``/batch`` do. Latency is per segment amortised (call time / texts in the call).
- ``teacher-fp32``: our path on the teacher in PyTorch fp32 with length-sorted batches: the model whose
  dev macro-F1 the shipped path must keep (within 0.5 point).
- levers one at a time: ``teacher-int8`` (int8 alone), ``default-fp32`` (the student alone),
  ``torch-int8``, ``ours-1thread``.

The shipped variant and the teacher also time a 5-sentence summary of a 20,000-character essay (the seed
page's body paragraphs repeated) and ``Pipeline.analyze`` on the seed page.

Usage: .venv/bin/python bench/speed.py [--segments 1000] [--variants reference,ours,int8,...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHARED = REPO.parent / "shared"
DEV = SHARED / "dev" / "themes_dev.jsonl"
SEED = SHARED / "seed" / "page.txt"
SHIPPED = REPO / "models" / "default"  # the 6-layer student that serves by default
TEACHER = REPO / "models" / "teacher"  # the fine-tuned 12-layer model it was distilled from (make model)
ESSAY_CHARS = 20_000

# name -> (kind, checkpoint, threads, batch_size, backend (None = the model folder's), extras: essay + analyze)
VARIANTS: dict[str, tuple[str, Path, int, int, str | None, bool]] = {
    "reference": ("reference", TEACHER, 2, 1, "torch", False),
    "reference-default": ("reference", SHIPPED, 2, 1, "torch", False),
    "ours": ("ours", SHIPPED, 2, 16, None, True),
    "ours-1thread": ("ours", SHIPPED, 1, 16, None, False),
    "teacher-fp32": ("ours", TEACHER, 2, 16, "torch", True),
    "teacher-int8": ("ours", TEACHER, 2, 16, "onnx-int8", False),
    "default-fp32": ("ours", SHIPPED, 2, 16, "torch", False),
    "torch-int8": ("ours", SHIPPED, 2, 16, "torch-int8", False),
}
# The default run needs only committed models (models/teacher is built by `make model`): the shipped path
# against the plain transformers pipeline on the same checkpoint, and the checkpoint in PyTorch fp32.
DEFAULT_VARIANTS = "reference-default,ours,default-fp32"


def read_dev() -> list[dict[str, Any]]:
    if not DEV.exists():
        sys.exit(f"bench/speed.py: the dev set {DEV} is missing (it lives in ../shared, beside the project)")
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """The process's peak RSS since the last :func:`reset_peak_rss` (VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss() -> None:
    """Free what the previous variant left, then restart the kernel's peak-RSS count (Linux ≥ 4.0)."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")


def macro_f1(gold: list[str], pred: list[str]) -> float:
    from sklearn.metrics import f1_score

    from wenzhai.models.themes import LABELS

    return float(f1_score(gold, pred, labels=list(LABELS), average="macro", zero_division=0))


def essay_text() -> str:
    """About 20,000 characters of real body text: the seed page's body paragraphs, repeated."""
    from wenzhai.models.text import clean_page

    body = [p.text for p in clean_page(SEED.read_text(encoding="utf-8")) if p.kind == "body"]
    paragraphs: list[str] = []
    while sum(len(p) + 1 for p in paragraphs) < ESSAY_CHARS:
        paragraphs.extend(body)
    text = "\n".join(paragraphs)
    return text[:ESSAY_CHARS]


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def run_reference(checkpoint: Path, threads: int, texts: list[str], dev: list[dict[str, Any]]) -> dict[str, Any]:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    torch.set_num_threads(threads)
    model = AutoModelForSequenceClassification.from_pretrained(checkpoint, dtype=torch.float32).float()
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    clf = pipeline("text-classification", model=model, tokenizer=tokenizer, top_k=None, device="cpu")
    loaded_rss = rss_mb()

    def predict(text: str) -> str:
        scores = clf(text, truncation=True, max_length=256)
        if scores and isinstance(scores[0], list):  # some transformers versions nest one text's scores
            scores = scores[0]
        return max(scores, key=lambda s: s["score"])["label"]

    predict(texts[0])  # warm-up
    latencies = []
    start = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        predict(text)
        latencies.append((time.perf_counter() - t0) * 1000)
    wall = time.perf_counter() - start
    pred = [predict(row["text"]) for row in dev]
    return {"wall_s": wall, "latencies_ms": latencies, "latency_kind": "per call",
            "pred": pred, "loaded_rss_mb": loaded_rss}


def run_ours(checkpoint: Path, threads: int, batch_size: int, backend: str | None, extras: bool, call_size: int,
             texts: list[str], dev: list[dict[str, Any]], essay_runs: int) -> dict[str, Any]:
    from wenzhai.models.classifier import ThemeClassifier

    load_start = time.perf_counter()
    clf = ThemeClassifier.from_pretrained(checkpoint, threads=threads, batch_size=batch_size, backend=backend)
    load_s = time.perf_counter() - load_start
    loaded_rss = rss_mb()
    clf.predict_proba(texts[:call_size])  # warm-up
    latencies = []
    start = time.perf_counter()
    for i in range(0, len(texts), call_size):
        chunk = texts[i : i + call_size]
        t0 = time.perf_counter()
        clf.predict_proba(chunk)
        latencies.extend([(time.perf_counter() - t0) * 1000 / len(chunk)] * len(chunk))
    wall = time.perf_counter() - start
    probs = clf.predict_proba([row["text"] for row in dev])
    result = {"wall_s": wall, "latencies_ms": latencies, "latency_kind": f"amortised, {min(call_size, len(texts))}/call",
              "pred": [clf.labels[int(i)] for i in np.argmax(probs, axis=1)], "loaded_rss_mb": loaded_rss,
              "load_s": load_s, "backend": clf.settings.backend}
    if extras:
        result.update(run_extras(clf, essay_runs))
    return result


def run_extras(clf, runs: int) -> dict[str, Any]:
    from wenzhai.models.pipeline import Pipeline
    from wenzhai.models.summarizer import Summarizer
    from wenzhai.models.summary_budget import Budget

    summarizer = Summarizer.from_classifier(clf)
    pipe = Pipeline(classifier=clf, summarizer=summarizer)  # what models.loading.load_pipeline builds
    essay = essay_text()
    seed = SEED.read_text(encoding="utf-8")
    budget = Budget(max_sentences=5)
    summarizer.document_summary(essay, budget)  # warm-up
    essay_ms = timed(lambda: summarizer.document_summary(essay, budget), runs)
    pipe.analyze(seed)
    analyze_ms = timed(lambda: pipe.analyze(seed), runs)
    return {"essay_chars": len(essay), "essay_ms": essay_ms, "seed_chars": len(seed), "analyze_ms": analyze_ms}


def run_variant(name: str, args: argparse.Namespace, dev: list[dict[str, Any]]) -> dict[str, Any]:
    """One variant, in this process: load, warm up, tag the segments, score the dev rows, then let go."""
    import torch

    kind, checkpoint, threads, batch_size, backend, extras = VARIANTS[name]
    reset_peak_rss()
    torch.set_num_threads(threads)
    texts = [dev[i % len(dev)]["text"] for i in range(args.segments)]
    if kind == "reference":
        result = run_reference(checkpoint, threads, texts, dev)
    else:
        result = run_ours(checkpoint, threads, batch_size, backend, extras, args.call_size, texts, dev, args.essay_runs)
    result["macro_f1"] = macro_f1([row["label"] for row in dev], result.pop("pred"))
    result["peak_rss_mb"] = peak_rss_mb()
    result["threads"], result["batch_size"], result["checkpoint"] = threads, batch_size, checkpoint.name
    result.setdefault("backend", backend)
    return result


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def report(results: dict[str, dict[str, Any]], segments: int) -> None:
    def rate(name: str) -> float | None:
        return segments / results[name]["wall_s"] if name in results else None

    ref_rate, same_rate = rate("reference"), rate("reference-default")
    teacher = results.get("teacher-fp32") or results.get("reference")
    teacher_f1 = teacher["macro_f1"] if teacher else None
    print(f"\n{segments} segments (dev texts cycled); macro-F1 on the {len(read_dev())} dev rows; "
          f"teacher = models/{TEACHER.name}, default = models/{SHIPPED.name}")
    head = (f"{'variant':<18}{'model':<9}{'backend':<11}{'thr':>4}{'batch':>6}{'seg/s':>8}{'@p50':>7}{'p50 ms':>8}"
            f"{'p99 ms':>8}  {'latency':<21}{'peak RSS':>9}{'macro-F1':>9}{'ΔF1':>10}{'× ref':>7}{'× ref-d':>8}")
    print(head)
    print("-" * len(head))
    for name, r in results.items():
        own = segments / r["wall_s"]
        ratio = f"{own / ref_rate:.2f}" if ref_rate else "-"
        same = f"{own / same_rate:.2f}" if same_rate else "-"
        delta = f"{(r['macro_f1'] - teacher_f1) * 100:+.2f} pt" if teacher_f1 is not None else "-"
        batch = "1" if r["batch_size"] == 1 or r["backend"] == "onnx-int8" else str(r["batch_size"])
        p50 = pct(r["latencies_ms"], 50)
        print(f"{name:<18}{r['checkpoint']:<9}{r['backend']:<11}{r['threads']:>4}{batch:>6}{own:>8.1f}"
              f"{1000 / p50:>7.1f}{p50:>8.1f}{pct(r['latencies_ms'], 99):>8.1f}  {r['latency_kind']:<21}"
              f"{r['peak_rss_mb']:>7.0f}MB{r['macro_f1']:>9.4f}{delta:>10}{ratio:>7}{same:>8}")
    for name, r in results.items():
        if "essay_ms" in r:
            print(f"{name}: summarise a {r['essay_chars']:,}-char essay: median {np.median(r['essay_ms']):.0f} ms "
                  f"(max {max(r['essay_ms']):.0f}, {len(r['essay_ms'])} runs); Pipeline.analyze on the seed page "
                  f"({r['seed_chars']:,} chars): median {np.median(r['analyze_ms']):.0f} ms "
                  f"(max {max(r['analyze_ms']):.0f}); model load {r['load_s']:.1f} s, RSS after load "
                  f"{r['loaded_rss_mb']:.0f} MB")
    print("seg/s = segments / wall time; @p50 = 1000 / p50 ms, less swayed by other work on a shared machine; "
          "ΔF1 = macro-F1 minus the fp32 teacher's (teacher-fp32); × ref = seg/s over the reference's "
          "(pipeline on the teacher); × ref-d = over reference-default (pipeline on the shipped checkpoint)")
    print("onnx-int8 runs one window per call (batch 1), so a text's scores never depend on its batch; "
          "the references read raw text truncated to 256 tokens (no cleaning, no windows)")
    shipped = results.get("ours")
    if shipped and ref_rate and teacher_f1 is not None:
        speedup = segments / shipped["wall_s"] / ref_rate
        loss = (teacher_f1 - shipped["macro_f1"]) * 100
        verdict = "met" if speedup >= 4 and loss <= 0.5 else "NOT met"
        print(f"shipped path: {speedup:.2f}x the reference's throughput; macro-F1 {shipped['macro_f1']:.4f} vs the "
              f"fp32 teacher's {teacher_f1:.4f} ({-loss:+.2f} pt); target >= 4x at <= 0.5 pt loss: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=1000, help="segments to tag per variant")
    parser.add_argument("--variants", default=DEFAULT_VARIANTS, help=f"comma-separated, from {', '.join(VARIANTS)}")
    parser.add_argument("--call-size", type=int, default=64, help="texts per predict_proba call (our path)")
    parser.add_argument("--essay-runs", type=int, default=3, help="timed runs of the essay and the seed page")
    args = parser.parse_args()
    if args.segments < 1 or args.call_size < 1 or args.essay_runs < 1:
        parser.error("--segments, --call-size and --essay-runs must be >= 1")
    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        parser.error(f"--variants: unknown {', '.join(unknown)}; choose from {', '.join(VARIANTS)}")
    missing = sorted({str(VARIANTS[n][1].relative_to(REPO)) for n in names if not (VARIANTS[n][1] / "config.json").exists()})
    if missing:
        parser.error(f"{', '.join(missing)} not found: `make model` builds the teacher (it is not committed: "
                     "66 MB in fp16); --variants ours,reference-default,default-fp32 runs without it")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    dev = read_dev()
    results = {}
    for name in sorted(names, key=runs_on_pytorch):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results[name] = run_variant(name, args, dev)
    report({name: results[name] for name in names}, args.segments)


def runs_on_pytorch(name: str) -> bool:
    """Whether a variant runs PyTorch: those run after the ONNX Runtime ones. Why: once PyTorch has
    run in the process its idle OpenMP threads keep spinning, and an ONNX Runtime variant run after
    it was a third slower (66 vs 98 segments/s for `ours` after and before `reference`, same model)."""
    kind, _, _, _, backend, _ = VARIANTS[name]
    return kind == "reference" or (backend or "onnx-int8") != "onnx-int8"


if __name__ == "__main__":
    main()
