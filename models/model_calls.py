"""One gate around every bounded model call, so a host can schedule, time out and cancel long work.

Why: a 150,000-character document is thousands of encoder calls. If the whole document ran as one
uninterrupted unit, a one-line ``/tag`` sent meanwhile would wait for all of it, and work for a
client that has gone could not stop. The classifier (a few token windows per call) and the sentence
embedder (one batch of sentences per call) enter :func:`model_call` around each bounded call; by
default that does nothing. A server installs its own gate (:func:`install_gate`) that takes its
compute lock for the call, lets short interactive requests go first, and raises when the request
owning the calling thread is past its deadline or its client has gone (``serving.model_lock``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager

Gate = Callable[[], AbstractContextManager[object]]
_gate: Gate = contextlib.nullcontext


def install_gate(gate: Gate | None) -> None:
    """Route every model call of this process through ``gate()`` (None: back to no gate)."""
    global _gate
    _gate = gate or contextlib.nullcontext


def model_call() -> AbstractContextManager[object]:
    """The context one bounded model call runs in (see the module docstring)."""
    return _gate()
