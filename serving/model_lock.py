"""One model call at a time per worker, with short interactive calls served first.

Why: a worker runs one model call at a time (its torch threads are the machine's cores). A
``/batch`` request analyses its documents one lock hold each, and a plain mutex hands the lock to
whichever thread the OS wakes, so a one-segment ``/tag`` call (a few milliseconds of work) could
wait behind several documents (hundreds of milliseconds each). :class:`ModelLock` lets waiting
``urgent`` callers (``/tag``) go before waiting bulk ones (documents), and bounds how long bulk work
can be passed over (``max_urgent_streak`` urgent holds in a row while bulk work waits), so a steady
stream of ``/tag`` traffic never starves ``/batch``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ModelLock:
    """A mutex with two kinds of waiter: urgent ones go first, bulk ones are never starved."""

    def __init__(self, max_urgent_streak: int = 2) -> None:
        if max_urgent_streak < 1:
            raise ValueError("max_urgent_streak must be >= 1")
        self.max_urgent_streak = max_urgent_streak
        self._cond = threading.Condition()
        self._held = False
        self._urgent_waiting = 0
        self._bulk_waiting = 0
        self._streak = 0  # urgent holds granted in a row while bulk work was waiting

    def _bulk_turn(self) -> bool:
        return self._bulk_waiting > 0 and self._streak >= self.max_urgent_streak

    @contextmanager
    def hold(self, urgent: bool = False) -> Iterator[None]:
        """Hold the lock for one model call; ``urgent`` for short interactive calls."""
        with self._cond:
            if urgent:
                self._urgent_waiting += 1
                try:
                    while self._held or self._bulk_turn():
                        self._cond.wait()
                finally:
                    self._urgent_waiting -= 1
                self._streak = self._streak + 1 if self._bulk_waiting else 0
            else:
                self._bulk_waiting += 1
                try:
                    while self._held or (self._urgent_waiting and not self._bulk_turn()):
                        self._cond.wait()
                finally:
                    self._bulk_waiting -= 1
                self._streak = 0
            self._held = True
        try:
            yield
        finally:
            with self._cond:
                self._held = False
                self._cond.notify_all()
