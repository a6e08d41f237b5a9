"""Hold a process to a share of one core, as Lambda holds a function below 1,769 MB.

Lambda gives a function CPU in proportion to its MemorySize: one vCPU at 1,769 MB, so 0.145
of a core at 256 MB and 0.109 at 192 MB. Here the same share is set with the kernel's CFS
bandwidth control, whichever this machine lets us write:

- cgroup v2: a child group of a cgroup that has the ``cpu`` controller, ``cpu.max`` =
  "quota period";
- cgroup v1: a child group under the ``cpu`` hierarchy, ``cpu.cfs_quota_us`` and
  ``cpu.cfs_period_us``;
- else a duty cycle: the process pinned to one core (``taskset``'s call) and stopped and
  continued by SIGSTOP/SIGCONT, running ``share`` of each period. This one limits wall time,
  not CPU time (a process that waits on the network still loses its off-time), so it is
  harsher than Lambda's, and the table says which one was used.

The period is 20 ms (Linux's default is 100 ms): fine enough that a first invocation of a
few hundred milliseconds is not rounded to whole periods. Lambda's own period is not
published. A group is made per limit and removed after.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["LAMBDA_MB_PER_VCPU", "PERIOD_US", "limited", "method", "share_of"]

LAMBDA_MB_PER_VCPU = 1769  # one full vCPU at this MemorySize; proportional below
PERIOD_US = 20_000
_V2 = Path("/sys/fs/cgroup")
_V1 = Path("/sys/fs/cgroup/cpu")


def share_of(memory_mb: int) -> float:
    """The share of one core Lambda gives ``memory_mb`` (1.0 from 1,769 MB up, one core)."""
    return min(1.0, memory_mb / LAMBDA_MB_PER_VCPU)


def _v2_parent() -> Path | None:
    """A cgroup v2 directory whose children can have the cpu controller, if writable."""
    for root in (_V2, _V2 / "unified"):
        controllers = root / "cgroup.subtree_control"
        with contextlib.suppress(OSError):
            if "cpu" in controllers.read_text(encoding="ascii").split() and os.access(root, os.W_OK):
                return root
    return None


def _v1_parent() -> Path | None:
    if (_V1 / "cpu.cfs_quota_us").is_file() and os.access(_V1, os.W_OK):
        return _V1
    return None


def method() -> str:
    """How this machine limits: "cgroup v2 cpu.max", "cgroup v1 cfs_quota" or "duty cycle"."""
    if _v2_parent() is not None:
        return "cgroup v2 cpu.max"
    if _v1_parent() is not None:
        return "cgroup v1 cfs_quota"
    return "duty cycle"


@contextlib.contextmanager
def limited(pid: int, share: float) -> Iterator[str]:
    """Hold process ``pid`` (all its threads) to ``share`` of one core until the block ends
    or it exits. Yields the method used."""
    how = method()
    if how == "duty cycle":
        with _duty_cycle(pid, share):
            yield how
        return
    parent = _v2_parent() if how.startswith("cgroup v2") else _v1_parent()
    assert parent is not None
    group = parent / f"postdrop-bench-{uuid.uuid4().hex[:8]}"
    group.mkdir()
    try:
        quota = max(1000, round(share * PERIOD_US))
        if how.startswith("cgroup v2"):
            (group / "cpu.max").write_text(f"{quota} {PERIOD_US}\n", encoding="ascii")
        else:
            (group / "cpu.cfs_period_us").write_text(f"{PERIOD_US}\n", encoding="ascii")
            (group / "cpu.cfs_quota_us").write_text(f"{quota}\n", encoding="ascii")
        (group / "cgroup.procs").write_text(f"{pid}\n", encoding="ascii")
        yield how
    finally:
        _remove(group, parent)


def _remove(group: Path, parent: Path) -> None:
    """Move what is left in ``group`` back to ``parent``, then remove it."""
    with contextlib.suppress(OSError):
        for line in (group / "cgroup.procs").read_text(encoding="ascii").split():
            with contextlib.suppress(OSError):
                (parent / "cgroup.procs").write_text(f"{line}\n", encoding="ascii")
    for _ in range(50):
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.02)


@contextlib.contextmanager
def _duty_cycle(pid: int, share: float) -> Iterator[None]:
    with contextlib.suppress(OSError):
        os.sched_setaffinity(pid, {min(os.sched_getaffinity(0))})
    stop = threading.Event()
    on, off = share * PERIOD_US / 1e6, (1 - share) * PERIOD_US / 1e6

    def run() -> None:
        try:
            while not stop.is_set():
                time.sleep(on)
                os.kill(pid, signal.SIGSTOP)
                time.sleep(off)
                os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            return
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
