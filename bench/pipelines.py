"""AWS calls per post and throughput: `postdrop run` beside its baselines, on the same pipeline.

- calls: postdrop's handlers and the straightforward ones (bench/straightforward.py) over
  the corpus; the local pipeline counts every call their code makes (botocore hooks).
- throughput: N posts (the corpus files repeated under distinct keys, in a temporary
  folder) through postdrop's handlers and through the floor (bench/floor.py: the same
  calls, no processing), drop to notification.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    from postdrop_tools.run import RunReport

__all__ = ["calls", "throughput"]


def calls(corpus: list[Path]) -> tuple[RunReport, RunReport]:
    """(postdrop, straightforward) runs over the corpus."""
    from bench import straightforward

    with _folder(corpus, len(corpus)) as folder:
        return _run(folder), _run(folder, straightforward.HANDLERS)


def throughput(corpus: list[Path], posts: int) -> tuple[RunReport, RunReport]:
    """(postdrop, floor) runs of ``posts`` posts."""
    from bench import floor

    with _folder(corpus, posts) as folder:
        return _run(folder), _run(folder, floor.HANDLERS)


def _run(folder: Path, handlers: dict[str, Callable[[Any], Any] | None] | None = None) -> RunReport:
    from postdrop_tools.run import run_pipeline

    report = run_pipeline(folder, handlers=handlers)
    if report.lost:
        raise RuntimeError(f"bench: {report.lost} post(s) lost in a pipeline run: {report.lost_keys[:3]}")
    return report


@contextmanager
def _folder(corpus: list[Path], posts: int) -> Iterator[Path]:
    """``posts`` files taken round-robin from ``corpus``, in batchNN/ folders so each key is new."""
    tmp = Path(tempfile.mkdtemp(prefix="postdrop-bench-"))
    try:
        for i in range(posts):
            source = corpus[i % len(corpus)]
            target = tmp / f"batch{i // len(corpus):02d}" / f"{i:05d}" / source.name  # blogs share file names
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
