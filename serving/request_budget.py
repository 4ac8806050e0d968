"""Each request's deadline and cancellation, seen by the model calls made on its behalf.

Why: BentoML answers 504 when a request runs past its timeout, but the worker thread computing it
goes on, and work for a client that has hung up runs to the end; either way the next requests wait
for results nobody reads. A :class:`RequestBudget` is made per request by the guard
(:mod:`serving.guard`: the deadline, optionally shortened by the client's ``X-Deadline-Ms`` header,
and a flag set when the client disconnects) and bound to the thread that computes the request
(:func:`running`). Every model call checks it through the compute gate
(:meth:`serving.model_lock.ModelLock.gate`) and raises :class:`RequestStopped` once the time is up
or the client is gone, so the work stops within one bounded model call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

DEADLINE_HEADER = "x-deadline-ms"
CLIENT_GONE = 499  # nginx's "client closed request": nobody reads it, the log does


class RequestStopped(Exception):
    """The request's deadline passed or its client went away; ``status`` is what to answer."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class RequestBudget:
    """How long a request may compute, whether it is short interactive work, whether its client left."""

    seconds: float = field(metadata={"help": "Seconds the request may run, from its arrival."})
    urgent: bool = field(default=False, metadata={"help": "Short interactive work: its model calls go first."})
    started: float = field(default_factory=time.monotonic)
    cancelled: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        if self.seconds <= 0:
            raise ValueError(f"seconds: must be > 0, got {self.seconds}")

    @property
    def deadline(self) -> float:
        return self.started + self.seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check(self) -> None:
        """Raise :class:`RequestStopped` when the client has gone or the deadline has passed."""
        if self.cancelled.is_set():
            raise RequestStopped("client: the connection closed before the answer; the work was stopped", CLIENT_GONE)
        if self.remaining() <= 0:
            raise RequestStopped(
                f"deadline: the request did not finish within its {self.seconds:g} s; send less text per request "
                f"(or allow more time with the {DEADLINE_HEADER} header, up to the server's timeout)",
                504,
            )


_local = threading.local()


@contextmanager
def running(budget: RequestBudget | None) -> Iterator[RequestBudget | None]:
    """Bind ``budget`` to this thread while the request computes (None: no limits)."""
    previous = getattr(_local, "budget", None)
    _local.budget = budget
    try:
        yield budget
    finally:
        _local.budget = previous


def current() -> RequestBudget | None:
    """The budget of the request this thread computes, if any."""
    return getattr(_local, "budget", None)
