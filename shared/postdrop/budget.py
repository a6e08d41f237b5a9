"""How long ParseFunction may spend reading one file, and the rejection of a file that takes longer.

Lambda gives a function a share of one core in proportion to its memory (a whole vCPU at
1,769 MB, so 0.145 of one at 256 MB) and stops it at its Timeout. A file that takes longer to
read than that would time out, be retried twice by Lambda's async invocation, and end in
ParseDLQ, having failed the same way three times. The known ways to make reading slow are
bounded where they start (``postdrop.core.limits``, the rewrites' look-up bounds); this is the
bound for every other: each file is read under a CPU-time limit (``cpu_limit``), the time left
at the start of the invocation less ``MARGIN_S`` (the envelope, the archive, the send) at the
memory size's share of a core. A file past it is rejected on the first attempt, with the reason
(a REJECTED record, announced to its subscribers as any rejection): nothing is lost, and the
function stays in its time.

The limit is CPU time (``ITIMER_PROF``), so it means the same on a laptop as in Lambda: the
local runner, given the template's MemorySize, rejects what the deployed function would. Python
runs a signal's handler between two bytecodes, so the exception is raised in postdrop's or a
library's Python code; a native call (lexbor, nh3) finishes first, and each is bounded by
``limits``. Only the main thread can take signals: elsewhere (a runner's worker thread) the
limit is not set.

ReadTooLong is a PostRejected, so a ValueError: code that catches ValueError around a
conversion (python-liquid's argument casts, a date's parse) would swallow it where it happens to
be raised. So the limit fires again every ``_AGAIN_S`` of CPU until it leaves the read.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from postdrop.exceptions import PostRejected

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["LAMBDA_MB_PER_VCPU", "MARGIN_S", "ReadTooLong", "cpu_limit", "cpu_seconds"]

LAMBDA_MB_PER_VCPU = 1769  # Lambda's memory size of one whole vCPU
MARGIN_S = 5.0  # of the invocation's time, kept for what follows the read (the envelope, the archive, the send)
_LEAST_S = 0.5  # of CPU, however little time is left: a small post is read in a few milliseconds
_AGAIN_S = 0.05  # of CPU: how soon the limit fires again when code it was raised in swallowed it


class ReadTooLong(PostRejected):
    """The file took longer to read than the function has."""


def cpu_seconds(remaining_ms: int, memory_mb: int) -> float:
    """The CPU time one file may take: the invocation's time left, less MARGIN_S, at the share of
    a core ``memory_mb`` buys (at most one: reading is one thread)."""
    share = min(1.0, memory_mb / LAMBDA_MB_PER_VCPU)
    return max(_LEAST_S, (remaining_ms / 1000 - MARGIN_S) * share)


@contextmanager
def cpu_limit(seconds: float | None) -> Iterator[None]:
    """Run the block under a limit of ``seconds`` of this process's CPU time; past it, ReadTooLong
    is raised inside the block. None, or outside the main thread: no limit."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    over = False  # set first on the way out: a signal that fires in the finally raises nothing

    def expired(_signum: int, _frame: Any) -> None:
        if over:
            return
        raise ReadTooLong(
            f"reading it took more than {seconds:.1f} s of CPU, the time ParseFunction has for one file at its "
            "MemorySize: the post repeats a construct past what can be read in time, or it is too large for that "
            "memory size (split it, or raise ParseFunction's MemorySize)"
        )

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds, _AGAIN_S)
    try:
        yield
    finally:
        over = True
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
