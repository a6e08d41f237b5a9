"""The CPU time ParseFunction gives one file (postdrop.budget): its figure, and the limit itself."""

from __future__ import annotations

import contextlib
import signal
import threading
import time

import pytest

from postdrop.budget import ReadTooLong, cpu_limit, cpu_seconds
from postdrop.exceptions import PostRejected


def spin(seconds: float) -> None:
    """Spend ``seconds`` of this process's CPU time in Python code."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


@pytest.mark.parametrize(
    ("remaining_ms", "memory_mb", "expected"),
    [
        (30_000, 256, 25 * 256 / 1769),  # the template's ParseFunction: about 3.6 s of one core
        (30_000, 1769, 25.0),  # a whole vCPU
        (30_000, 3538, 25.0),  # reading is one thread: a second vCPU adds nothing
        (4_000, 256, 0.5),  # almost no time left: still the least a file gets
    ],
)
def test_the_budget_is_the_time_left_at_the_memory_sizes_share(
    remaining_ms: int, memory_mb: int, expected: float
) -> None:
    assert cpu_seconds(remaining_ms, memory_mb) == pytest.approx(expected)


def test_a_read_past_its_budget_is_a_rejection_saying_why() -> None:
    with pytest.raises(ReadTooLong) as raised, cpu_limit(0.05):
        spin(5)
    assert isinstance(raised.value, PostRejected)  # so ParseFunction records and announces it, as any rejection
    assert "took more than 0.1 s of CPU" in raised.value.reason  # 0.05, as written to one decimal
    assert "MemorySize" in raised.value.reason


def test_a_limit_swallowed_where_it_was_raised_fires_again() -> None:
    # ReadTooLong is a ValueError: code catching ValueError around a conversion swallows it
    def swallowing(seconds: float) -> None:
        end = time.process_time() + seconds
        while time.process_time() < end:
            with contextlib.suppress(ValueError):
                spin(0.01)

    with pytest.raises(ReadTooLong), cpu_limit(0.05):
        swallowing(0.3)  # swallowed at 0.05 s, and every time after...
        spin(5)  # ...but the read goes on past it: here it is raised again


def test_the_limit_is_gone_after_its_block() -> None:
    before = signal.getsignal(signal.SIGPROF)
    with cpu_limit(0.5):
        spin(0.01)
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) is before
    spin(0.6)  # past the old limit: nothing fires


def test_no_budget_and_other_threads_read_without_a_limit() -> None:
    with cpu_limit(None):
        spin(0.1)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with cpu_limit(0.01):  # signals reach only the main thread: no limit is set here
                spin(0.1)
        except BaseException as exc:  # the test reports whatever escaped
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert errors == []
