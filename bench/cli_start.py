"""Print how long the command line takes from start to its first output line.

Why: every `wenzhai` command used to spend 6-10 s importing PyTorch, transformers and scikit-learn
before printing anything; the target is `wenzhai tag` of one line <= 2 s wall. Each run is a fresh
process (`.venv/bin/wenzhai`), timed from spawn to its first line on stdout; the load average is
printed beside the figures, since five agents share this machine's two cores.

Usage: .venv/bin/python bench/cli_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WENZHAI = Path(sys.executable).with_name("wenzhai")
SEED = REPO.parent / "shared" / "seed" / "page.txt"
LINE = {"id": 1, "text": "村里修好了水泥路，村民发展特色种植，收入逐年增加。"}


def first_line_seconds(command: list[str]) -> float:
    """Seconds from spawning ``command`` to its first stdout line (the process is then waited for)."""
    env = {**os.environ, "OMP_NUM_THREADS": "2"}
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    _, err = proc.communicate(timeout=300)
    if proc.returncode != 0 or not line:
        raise RuntimeError(f"{' '.join(command)} failed: {err.decode()[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be >= 1")
    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "one.jsonl"
        rows.write_text(json.dumps(LINE, ensure_ascii=False) + "\n", encoding="utf-8")
        commands = {"wenzhai tag (one line)": [str(WENZHAI), "tag", str(rows)]}
        if SEED.exists():
            commands["wenzhai analyze (seed page)"] = [str(WENZHAI), "analyze", str(SEED)]
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        results = {}
        for name, command in commands.items():
            first_line_seconds(command)  # warm the file cache
            times = [first_line_seconds(command) for _ in range(args.runs)]
            results[name] = {"median_s": statistics.median(times), "max_s": max(times), "runs": args.runs}
            print(f"{name:<30} first output: median {statistics.median(times):.2f} s, max {max(times):.2f} s "
                  f"({args.runs} runs; load {os.getloadavg()[0]:.1f})", flush=True)
    print(json.dumps({"cli_first_output": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
