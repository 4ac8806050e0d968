"""Run `bentoml serve` as a child process, the way users start the service (tests, load benchmark).

The server gets its own process group, so stopping it also stops BentoML's worker processes, and
nothing else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVICE = "wenzhai.serving.service:Wenzhai"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The status code of GET ``url``, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, OSError):
        return None


class BentoServer:
    """``bentoml serve TARGET --port PORT`` in ``cwd`` with extra environment variables."""

    def __init__(
        self,
        env: dict[str, str] | None = None,
        target: str = SERVICE,
        cwd: Path = REPO_ROOT,
        log_path: Path | None = None,
        port: int | None = None,
        python: Path | None = None,
    ) -> None:
        # No usage tracking calls from test and benchmark servers (they run without network).
        self.env = {"BENTOML_DO_NOT_TRACK": "True", **os.environ, **(env or {})}
        self.target = target
        self.cwd = cwd
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or Path(os.devnull)
        self.python = python  # another interpreter (`python -m bentoml serve`); None: this venv's bentoml
        self.proc: subprocess.Popen[bytes] | None = None
        self.startup: list[tuple[float, int | None, int | None]] = []  # (t, livez, readyz) while starting

    def start(self) -> BentoServer:
        bentoml = [str(self.python), "-m", "bentoml"] if self.python else [str(Path(sys.executable).with_name("bentoml"))]
        command = [*bentoml, "serve", self.target, "--host", "127.0.0.1", "--port", str(self.port)]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            command, cwd=self.cwd, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_ready(self, timeout: float = 180.0, interval: float = 0.05) -> BentoServer:
        """Poll /livez and /readyz until ready, recording what they said; raise with the log if not."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"bentoml serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            live = http_status(self.url + "/livez", timeout=1.0)
            ready = http_status(self.url + "/readyz", timeout=1.0) if live else None
            self.startup.append((time.monotonic() - started, live, ready))
            if ready == 200:
                return self
            time.sleep(interval)
        raise TimeoutError(f"{self.url} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def wait_live(self, timeout: float = 180.0) -> BentoServer:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"bentoml serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            if http_status(self.url + "/livez", timeout=1.0) == 200:
                return self
            time.sleep(0.1)
        raise TimeoutError(f"{self.url} not live after {timeout:.0f} s:\n{self.log_tail()}")

    def pids(self) -> list[int]:
        """The server process and all its children (BentoML's workers)."""
        import psutil

        if self.proc is None:
            return []
        try:
            parent = psutil.Process(self.proc.pid)
            return [parent.pid, *(child.pid for child in parent.children(recursive=True))]
        except psutil.NoSuchProcess:
            return []

    def rss_bytes(self) -> int:
        """Resident memory of the server and its workers together."""
        import psutil

        total = 0
        for pid in self.pids():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += psutil.Process(pid).memory_info().rss
        return total

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 20.0) -> None:
        if self.proc is None:
            return
        _signal_group(self.proc.pid, signal.SIGTERM)  # the group: the server and its workers
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout)
        self._log.close()
        self.proc = None

    def __enter__(self) -> BentoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(pgid, sig)
