"""Load the BentoML service and print what it sustains: requests/s, latency, errors, memory.

Mixed load, as in production: ``--tag-clients`` (8) clients post one-segment /tag requests while
``--batch-clients`` (2) clients post /batch requests of ``--batch-docs`` (32) documents, all for
``--duration`` (60) seconds after a short warm-up. Server memory (the server process and its
workers) is read after the warm-up and at the end; growth should stay under 10 %.

By default the script starts its own `bentoml serve` on a free port and stops it afterwards:

    .venv/bin/python bench/load_test.py --model default    # the shipped model (make load)
    .venv/bin/python bench/load_test.py --model tiny       # a tiny random model (plumbing only)
    .venv/bin/python bench/load_test.py --url http://127.0.0.1:3000 --pid 1234   # a running server

/tag texts are paragraphs of ../shared/seed/page.txt when it exists (else a few built-in
sentences); /batch documents are runs of three consecutive paragraphs.
With ``--long-analyze CHARS`` one more client posts a single /analyze of a CHARS-character document
(the seed page's paragraphs, numbered) as the load starts, and /tag latencies of requests answered
while it ran are reported apart: a long document must not stall short requests.
With ``--batch-clients 0`` (one-segment /tag traffic only) it also checks the service targets: /tag p99
<= 250 ms (during the long /analyze too, which must answer 200), peak server RSS <= 0.8 GiB, ready
<= 5 s after start.
Exit status 1 when any request failed or memory grew by 10 % or more. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.server_process import BentoServer  # noqa: E402

SEED_PAGE = REPO_ROOT.parent / "shared" / "seed" / "page.txt"
FALLBACK_TEXTS = [
    "村里修好了水泥路，村民发展特色种植，收入逐年增加，乡村面貌焕然一新。",
    "市政务服务中心推行“一网通办”，群众办事只需在手机上提交材料，不再来回跑。",
    "某公司发布年度报告，营业收入同比增长百分之十二，研发投入持续加大。",
    "基层治理坚持党建引领，推进网格化管理，化解矛盾纠纷于萌芽状态。",
]


@dataclass
class Tally:
    """Latencies (seconds) of successful requests, and failures by cause, for one endpoint."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    items: int = 0  # texts or documents answered
    elapsed: float = 0.0  # seconds the load ran
    finished: list[float] = field(default_factory=list)  # time.monotonic() at each success

    def fail(self, cause: str) -> None:
        self.errors[cause] = self.errors.get(cause, 0) + 1


def load_texts() -> list[str]:
    if SEED_PAGE.exists():
        blocks = [b.strip() for b in SEED_PAGE.read_text(encoding="utf-8").split("\n\n")]
        texts = [b for b in blocks if len(b) >= 20]
        if texts:
            return texts
    return FALLBACK_TEXTS


def article(texts: list[str], start: int, paragraphs: int = 3) -> str:
    """A short article: ``paragraphs`` consecutive paragraphs of the page."""
    return "\n\n".join(texts[(start + k) % len(texts)] for k in range(paragraphs))


def long_document(texts: list[str], chars: int) -> str:
    """About ``chars`` characters of the page's paragraphs, numbered so none repeats (the cleaner folds repeats)."""
    out: list[str] = []
    i = 0
    while sum(len(p) + 2 for p in out) < chars:
        out.append(f"（{i // len(texts) + 1}）{texts[i % len(texts)]}")
        i += 1
    return "\n\n".join(out)


@dataclass
class LongAnalyze:
    """The one long /analyze sent as the load starts: its window in time, status and length."""

    chars: int = 0
    started: float = 0.0
    ended: float = 0.0
    status: str = "not sent"


async def post_long_analyze(http: httpx.AsyncClient, text: str, out: LongAnalyze) -> None:
    out.chars, out.started = len(text), time.monotonic()
    try:
        r = await http.post("/analyze", json={"text": text}, timeout=900)
        out.status = f"HTTP {r.status_code}"
    except httpx.HTTPError as exc:
        out.status = type(exc).__name__
    out.ended = time.monotonic()


async def client_loop(http: httpx.AsyncClient, route: str, bodies: itertools.cycle, expect: int,
                      deadline: float, tally: Tally, long: LongAnalyze | None = None) -> None:
    """Post until ``deadline``, and on while a long /analyze (``long``) is still running."""
    while time.monotonic() < deadline or (long is not None and long.started and not long.ended):
        body = next(bodies)
        started = time.perf_counter()
        try:
            r = await http.post(route, json=body)
        except httpx.HTTPError as exc:
            tally.fail(type(exc).__name__)
            continue
        elapsed = time.perf_counter() - started
        if r.status_code != 200:
            tally.fail(f"HTTP {r.status_code}")
            continue
        answer = r.json()
        bad = [row for row in answer if "error" in row]
        if len(answer) != expect or bad:
            tally.fail("wrong answer")
            continue
        tally.latencies.append(elapsed)
        tally.finished.append(time.monotonic())
        tally.items += expect


async def run_load(url: str, args: argparse.Namespace, texts: list[str], long: LongAnalyze) -> dict[str, Tally]:
    tag_bodies = itertools.cycle([{"texts": [t]} for t in texts])
    articles = [article(texts, start) for start in range(len(texts))]
    batches = [
        {"documents": [{"id": i, "text": articles[(start + i) % len(articles)]} for i in range(args.batch_docs)],
         "summary_sentences": 3}
        for start in range(len(articles))
    ]
    batch_bodies = itertools.cycle(batches)
    limits = httpx.Limits(max_connections=args.tag_clients + args.batch_clients + 2)
    async with httpx.AsyncClient(base_url=url, timeout=args.timeout, limits=limits) as http:
        deadline = time.monotonic() + args.duration
        tallies = {"/tag": Tally(), "/batch": Tally()}
        jobs = [client_loop(http, "/tag", tag_bodies, 1, deadline, tallies["/tag"], long) for _ in range(args.tag_clients)]
        jobs += [client_loop(http, "/batch", batch_bodies, args.batch_docs, deadline, tallies["/batch"])
                 for _ in range(args.batch_clients)]
        if args.long_analyze:
            jobs.append(post_long_analyze(http, long_document(texts, args.long_analyze), long))
        started = time.monotonic()
        await asyncio.gather(*jobs)
        elapsed = time.monotonic() - started
    for tally in tallies.values():
        tally.elapsed = elapsed
    return tallies


def warm_up(url: str, texts: list[str], batch_docs: int) -> None:
    """Every route once, so the memory measured at the start already holds what the first analysis
    loads (the sentence encoder session, jieba's dictionary): growth then means growth."""
    with httpx.Client(base_url=url, timeout=300) as http:
        for text in texts[:8]:
            http.post("/tag", json={"texts": [text]}).raise_for_status()
        http.post("/analyze", json={"text": article(texts, 0)}).raise_for_status()
        docs = [{"id": i, "text": article(texts, i)} for i in range(batch_docs)]
        http.post("/batch", json={"documents": docs}).raise_for_status()


def time_analyze(url: str, runs: int) -> list[float]:
    """End-to-end POST /analyze of the seed page (HTTP, JSON and the whole pipeline), in ms, on an idle server."""
    if not SEED_PAGE.exists() or runs < 1:
        return []
    page = SEED_PAGE.read_text(encoding="utf-8")
    out = []
    with httpx.Client(base_url=url, timeout=300) as http:
        http.post("/analyze", json={"text": page}).raise_for_status()  # warm-up
        for _ in range(runs):
            started = time.perf_counter()
            http.post("/analyze", json={"text": page}).raise_for_status()
            out.append((time.perf_counter() - started) * 1000)
    return out


def rss_of(pids: list[int]) -> int:
    import psutil

    total = 0
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            total += proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
        except psutil.NoSuchProcess:
            pass
    return total


class PeakRss:
    """Samples the server's memory (process + workers) every ``interval`` seconds in a thread."""

    def __init__(self, pids: list[int], interval: float = 0.5) -> None:
        import threading

        self.pids, self.interval, self.peak = pids, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_of(self.pids))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# The service targets for one-segment /tag traffic (issue #18): checked when --batch-clients is 0.
TARGET_P99_MS, TARGET_RSS_BYTES, TARGET_READY_S = 250.0, 0.8 * 2**30, 5.0


def during(tag: Tally, long: LongAnalyze) -> list[float]:
    """Latencies (s) of /tag requests answered while the long /analyze ran."""
    return [lat for lat, end in zip(tag.latencies, tag.finished, strict=True) if long.started <= end <= long.ended]


def targets(tag: Tally, peak_rss: int, ready_s: float | None, long: LongAnalyze) -> str:
    p99 = float(np.percentile(np.asarray(tag.latencies) * 1000, 99)) if tag.latencies else float("nan")
    checks = [f"/tag p99 {p99:.0f} ms (<= {TARGET_P99_MS:.0f}): {'met' if p99 <= TARGET_P99_MS else 'NOT met'}",
              f"peak RSS {peak_rss / 2**30:.2f} GiB (<= 0.8): {'met' if peak_rss <= TARGET_RSS_BYTES else 'NOT met'}"]
    if long.chars:
        lat = during(tag, long)
        p99_long = float(np.percentile(np.asarray(lat) * 1000, 99)) if lat else float("nan")
        met = p99_long <= TARGET_P99_MS and long.status == "HTTP 200"
        checks.append(f"/tag p99 while the {long.chars:,}-char /analyze ran {p99_long:.0f} ms over {len(lat)} requests "
                      f"(<= {TARGET_P99_MS:.0f}, and that /analyze answered {long.status} after "
                      f"{long.ended - long.started:.1f} s): {'met' if met else 'NOT met'}")
    if ready_s is not None:
        checks.append(f"ready {ready_s:.1f} s after start (<= {TARGET_READY_S:.0f}): "
                      f"{'met' if ready_s <= TARGET_READY_S else 'NOT met'}")
    return "targets: " + "; ".join(checks)


def report(tallies: dict[str, Tally], rss_start: int, rss_end: int, args: argparse.Namespace, model: str) -> bool:
    print(f"\nmodel {model}; {args.tag_clients} /tag clients (1 segment each) + {args.batch_clients} /batch "
          f"clients ({args.batch_docs} documents each), {args.duration:.0f} s")
    print(f"{'endpoint':<8} {'requests':>8} {'req/s':>8} {'items/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    failed = 0
    for route, tally in tallies.items():
        lat = np.array(tally.latencies) * 1000 if tally.latencies else np.array([np.nan])
        errors = sum(tally.errors.values())
        failed += errors
        elapsed = tally.elapsed
        print(f"{route:<8} {len(tally.latencies):>8} {len(tally.latencies) / elapsed:>8.2f} "
              f"{tally.items / elapsed:>8.1f} {np.percentile(lat, 50):>8.1f} {np.percentile(lat, 99):>8.1f} "
              f"{errors:>6}" + (f"  {tally.errors}" if tally.errors else ""))
    growth = (rss_end - rss_start) / rss_start * 100 if rss_start else float("nan")
    print(f"server RSS: start {rss_start / 2**20:.0f} MiB, end {rss_end / 2**20:.0f} MiB, growth {growth:+.1f} %")
    ok = failed == 0 and growth < 10
    print("PASS: no errors, memory growth under 10 %" if ok else "FAIL: errors, or memory grew by 10 % or more")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="default",
                        help="default, tiny, a model folder or bentoml:TAG (ignored with --url)")
    parser.add_argument("--url", default=None, help="load a running server instead of starting one")
    parser.add_argument("--pid", type=int, action="append", default=[],
                        help="with --url: server process id(s) whose memory to report")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--tag-clients", type=int, default=8)
    parser.add_argument("--batch-clients", type=int, default=2)
    parser.add_argument("--batch-docs", type=int, default=32)
    parser.add_argument("--timeout", type=float, default=120.0, help="per-request timeout in seconds")
    parser.add_argument("--long-analyze", type=int, default=0, metavar="CHARS",
                        help="also post one /analyze of this many characters as the load starts (0 = none)")
    parser.add_argument("--analyze-runs", type=int, default=5,
                        help="timed end-to-end POST /analyze calls of the seed page after the load (0 = none)")
    args = parser.parse_args()
    if args.duration <= 0 or args.tag_clients < 0 or args.batch_clients < 0 or args.batch_docs < 1:
        parser.error("--duration must be > 0, client counts >= 0, --batch-docs >= 1")
    texts = load_texts()

    server = None
    with tempfile.TemporaryDirectory(prefix="wenzhai-load-") as tmp:
        model = args.model
        if args.url is None:
            if model == "tiny":
                from tests.tiny_models import build_tiny_classifier

                model = str(build_tiny_classifier(Path(tmp) / "tiny", max_length=64, window_stride=16))
            env = {"WENZHAI_MODEL": model} if model != "default" else {}
            server = BentoServer(env=env, log_path=Path(tmp) / "server.log").start()
            print(f"starting bentoml serve on {server.url} (model {args.model}) ...", flush=True)
            try:
                server.wait_ready(timeout=600)
            except (RuntimeError, TimeoutError) as exc:
                print(exc, file=sys.stderr)
                server.stop()
                return 2
            url, pids = server.url, [server.proc.pid]
            ready_s = server.startup[-1][0]
            print(f"ready (/readyz 200) {ready_s:.1f} s after `bentoml serve` started", flush=True)
        else:
            url, pids, ready_s = args.url.rstrip("/"), args.pid, None
        try:
            warm_up(url, texts, args.batch_docs)
            rss_start = rss_of(pids)
            with PeakRss(pids) as peak:
                long = LongAnalyze()
                tallies = asyncio.run(run_load(url, args, texts, long))
            rss_end = rss_of(pids)
            analyze_ms = time_analyze(url, args.analyze_runs)
        finally:
            if server is not None:
                server.stop()
    ok = report(tallies, rss_start, rss_end, args, args.model if args.url is None else args.url)
    print(f"server peak RSS during the load: {peak.peak / 2**20:.0f} MiB")
    if analyze_ms:
        print(f"POST /analyze of the seed page ({SEED_PAGE.stat().st_size:,} bytes) after the load, idle server: "
              f"median {np.median(analyze_ms):.0f} ms, max {max(analyze_ms):.0f} ms ({len(analyze_ms)} runs)")
    if args.batch_clients == 0:
        print(targets(tallies["/tag"], peak.peak, ready_s, long))
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
