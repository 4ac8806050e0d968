"""ModelLock: one holder at a time, urgent waiters first, bulk waiters never starved."""

import threading
import time

import pytest

from wenzhai.serving.model_lock import ModelLock


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.005)


def start_waiter(lock, name, urgent, order, hold_s=0.0):
    def run():
        with lock.hold(urgent=urgent):
            order.append(name)
            time.sleep(hold_s)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_urgent_waiter_goes_before_a_bulk_waiter_that_came_first():
    lock, order = ModelLock(), []
    with lock.hold():
        bulk = start_waiter(lock, "bulk", False, order)
        wait_for(lambda: lock._bulk_waiting == 1)
        urgent = start_waiter(lock, "urgent", True, order)
        wait_for(lambda: lock._urgent_waiting == 1)
    bulk.join(5)
    urgent.join(5)
    assert order == ["urgent", "bulk"]


def test_a_steady_stream_of_urgent_calls_does_not_starve_bulk_work():
    lock, order = ModelLock(max_urgent_streak=2), []
    with lock.hold():
        bulk = start_waiter(lock, "bulk", False, order)
        wait_for(lambda: lock._bulk_waiting == 1)
        urgent = [start_waiter(lock, f"u{i}", True, order, hold_s=0.02) for i in range(5)]
        wait_for(lambda: lock._urgent_waiting == 5)
    for thread in [bulk, *urgent]:
        thread.join(5)
    assert order.index("bulk") == 2, order  # after at most two urgent holds in a row
    assert sorted(order) == sorted(["bulk", "u0", "u1", "u2", "u3", "u4"])


def test_never_two_holders_at_once_and_errors_release_the_lock():
    lock, inside, peak = ModelLock(), [0], [0]
    guard = threading.Lock()

    def work(urgent):
        for _ in range(20):
            with lock.hold(urgent=urgent):
                with guard:
                    inside[0] += 1
                    peak[0] = max(peak[0], inside[0])
                time.sleep(0.0005)
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=work, args=(i % 2 == 0,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert peak[0] == 1
    with pytest.raises(RuntimeError), lock.hold():
        raise RuntimeError("model call failed")
    with lock.hold(urgent=True):  # released despite the error
        pass


def test_streak_must_be_positive():
    with pytest.raises(ValueError, match="max_urgent_streak"):
        ModelLock(max_urgent_streak=0)


def test_the_gate_refuses_work_for_a_request_out_of_time_or_whose_client_left():
    from wenzhai.serving.request_budget import RequestBudget, RequestStopped, running

    lock = ModelLock()
    late = RequestBudget(seconds=0.05)
    time.sleep(0.06)
    with running(late), pytest.raises(RequestStopped, match="deadline") as stopped, lock.gate():
        pass
    assert stopped.value.status == 504
    gone = RequestBudget(seconds=60)
    gone.cancelled.set()
    with running(gone), pytest.raises(RequestStopped, match="connection closed"), lock.gate():
        pass
    assert not lock._held


def test_waiting_for_the_lock_ends_at_the_requests_deadline():
    from wenzhai.serving.request_budget import RequestBudget, RequestStopped, running

    lock = ModelLock()
    outcome = []

    def waiter():
        with running(RequestBudget(seconds=0.3)):
            try:
                with lock.gate():
                    outcome.append("ran")
            except RequestStopped as exc:
                outcome.append(exc.status)

    with lock.hold():
        thread = threading.Thread(target=waiter, daemon=True)
        started = time.monotonic()
        thread.start()
        thread.join(5)
    assert outcome == [504] and time.monotonic() - started < 3


def test_the_gate_takes_the_urgency_of_the_calling_threads_request():
    from wenzhai.serving.request_budget import RequestBudget, running

    lock, order = ModelLock(), []

    def waiter(name, urgent):
        with running(RequestBudget(seconds=30, urgent=urgent)), lock.gate():
            order.append(name)

    with lock.hold():
        bulk = threading.Thread(target=waiter, args=("bulk", False), daemon=True)
        bulk.start()
        wait_for(lambda: lock._bulk_waiting == 1)
        urgent = threading.Thread(target=waiter, args=("urgent", True), daemon=True)
        urgent.start()
        wait_for(lambda: lock._urgent_waiting == 1)
    bulk.join(5)
    urgent.join(5)
    assert order == ["urgent", "bulk"]
