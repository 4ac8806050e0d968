"""Does the service's memory grow with the number of requests, and is that growth ours?

Starts the wenzhai service and, as the control, `bench/empty_service.py` (a BentoML service with no
model that answers /tag with a constant), one after the other, on free ports. Each gets the same
one-line /tag requests, one at a time, cycling through the seed page's paragraphs; the server's RSS
(process and workers) is printed every ``--every`` requests after a warm-up, with the growth per
1,000 requests from a least-squares line. Equal slopes mean the growth comes from BentoML's stack,
which both servers share, not from the model or our code. With ``--long-analyze CHARS`` the wenzhai
server then answers ``--repeat`` POST /analyze of a CHARS-character document, one after the other,
with its RSS after each: whether a long document's memory is a high-water mark (it levels off) or
a leak (it climbs with every one).

    .venv/bin/python bench/serve_memory.py --requests 8000 --every 2000 --long-analyze 150000 --repeat 4
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import httpx
import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from load_test import load_texts, long_document, rss_of  # noqa: E402

from tests.server_process import SERVICE, BentoServer  # noqa: E402

SERVERS = {"wenzhai": (SERVICE, BENCH.parent), "empty BentoML service": ("empty_service:EmptyService", BENCH)}


def rss_curve(
    target: str, cwd: Path, texts: list[str], requests: int, every: int, warm_up: int, long_text: str = "", repeat: int = 0
) -> tuple[list[int], list[int]]:
    """RSS in bytes after the warm-up and after every ``every`` requests; then after each of ``repeat``
    POST /analyze of ``long_text``."""
    with tempfile.TemporaryDirectory() as tmp:
        server = BentoServer(target=target, cwd=cwd, log_path=Path(tmp) / "server.log").start()
        try:
            server.wait_ready(timeout=600)
            pids = [server.proc.pid]
            with httpx.Client(base_url=server.url, timeout=120) as http:
                for k in range(warm_up):
                    http.post("/tag", json={"texts": [texts[k % len(texts)]]}).raise_for_status()
                curve = [rss_of(pids)]
                for k in range(requests):
                    http.post("/tag", json={"texts": [texts[k % len(texts)]]}).raise_for_status()
                    if (k + 1) % every == 0:
                        curve.append(rss_of(pids))
                after_long = []
                for _ in range(repeat if long_text else 0):
                    http.post("/analyze", json={"text": long_text}, timeout=600).raise_for_status()
                    after_long.append(rss_of(pids))
            return curve, after_long
        finally:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=8000, help="requests after the warm-up (default 8000)")
    p.add_argument("--every", type=int, default=2000, help="read the RSS every N requests (default 2000)")
    p.add_argument("--warm-up", type=int, default=300, help="requests before the first reading (default 300)")
    p.add_argument("--long-analyze", type=int, default=0, metavar="CHARS",
                   help="then POST /analyze of a CHARS-character document to the wenzhai server (0: skip)")
    p.add_argument("--repeat", type=int, default=4, help="how many of those long requests (default 4)")
    args = p.parse_args(argv)
    if args.requests < args.every or args.every < 1:
        p.error("--every must be between 1 and --requests")
    texts = load_texts()
    print(f"{args.requests} one-line /tag requests, one at a time, after {args.warm_up} to warm up; RSS in MiB")
    for name, (target, cwd) in SERVERS.items():
        long_text = long_document(texts, args.long_analyze) if args.long_analyze and name == "wenzhai" else ""
        curve, after_long = rss_curve(target, cwd, texts, args.requests, args.every, args.warm_up, long_text,
                                      args.repeat)
        done = np.arange(len(curve)) * args.every
        slope = np.polyfit(done, np.array(curve, dtype=np.float64) / 2**20, 1)[0] * 1000
        readings = " ".join(f"{r / 2**20:.0f}" for r in curve)
        print(f"{name:22s} {readings}   growth {slope:+.2f} MiB per 1,000 requests")
        if after_long:
            print(f"{'':22s} after each of {len(after_long)} POST /analyze of {args.long_analyze:,} characters: "
                  + " ".join(f"{r / 2**20:.0f}" for r in after_long))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
