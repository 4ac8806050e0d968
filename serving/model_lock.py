"""One model call at a time per worker, with short interactive calls served first.

Why: a worker runs one model call at a time (its torch threads are the machine's cores). A
``/batch`` request analyses its documents one lock hold each, and a plain mutex hands the lock to
whichever thread the OS wakes, so a one-segment ``/tag`` call (a few milliseconds of work) could
wait behind several documents (hundreds of milliseconds each). :class:`ModelLock` lets waiting
``urgent`` callers (``/tag``) go before waiting bulk ones (documents), and bounds how long bulk work
can be passed over (``max_urgent_streak`` urgent holds in a row while bulk work waits), so a steady
stream of ``/tag`` traffic never starves ``/batch``.

:meth:`ModelLock.gate` is what the models call around each bounded model call
(:mod:`models.model_calls`): it takes the urgency of the calling thread's request
(:mod:`serving.request_budget`), waits no longer than that request's deadline, and refuses to start
work for a request that is out of time or whose client has gone.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from wenzhai.serving.request_budget import RequestBudget, current


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
    def hold(self, urgent: bool = False, budget: RequestBudget | None = None) -> Iterator[None]:
        """Hold the lock for one model call; ``urgent`` for short interactive calls.

        With a ``budget``, waiting ends (with :class:`serving.request_budget.RequestStopped`) when its
        deadline passes or its client goes away.
        """
        with self._cond:
            if urgent:
                self._urgent_waiting += 1
                try:
                    while self._held or self._bulk_turn():
                        self._wait(budget)
                finally:
                    self._urgent_waiting -= 1
                self._streak = self._streak + 1 if self._bulk_waiting else 0
            else:
                self._bulk_waiting += 1
                try:
                    while self._held or (self._urgent_waiting and not self._bulk_turn()):
                        self._wait(budget)
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

    def _wait(self, budget: RequestBudget | None) -> None:
        if budget is None:
            self._cond.wait()
            return
        budget.check()
        self._cond.wait(timeout=min(max(budget.remaining(), 0.0), 0.25))  # wakes to notice a client gone
        budget.check()

    def gate(self) -> contextlib.AbstractContextManager[None]:
        """The lock for one bounded model call of the calling thread's request (see the module docstring)."""
        budget = current()
        if budget is not None:
            budget.check()
        return self.hold(urgent=budget.urgent if budget is not None else False, budget=budget)
