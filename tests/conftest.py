"""Shared test fixtures: paths, the third-party corpus (read in place, never copied), samples."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

# CI replays the same examples every run (a red build is then a real regression, not a new
# draw); `HYPOTHESIS_PROFILE=thorough make test` searches much harder, locally.
settings.register_profile("default", max_examples=300)
settings.register_profile("ci", max_examples=300, derandomize=True, print_blob=True)
settings.register_profile("thorough", max_examples=5000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))

REPO = Path(__file__).resolve().parents[1]
EVENTS = REPO / "events"
SAMPLES = EVENTS / "posts"
CORPUS = Path(os.environ.get("POSTDROP_CORPUS", REPO.parent / "shared" / "corpus" / "posts"))


JEKYLL_WORLD = Path(os.environ.get("POSTDROP_JEKYLL_WORLD", REPO.parent / "shared" / "jekyll-world"))


@pytest.fixture(autouse=True, scope="module")
def _environment_as_found() -> Iterator[None]:
    """Each test module leaves the process's environment as it found it. A local pipeline points
    boto3 at its emulator (AWS_ENDPOINT_URL and the emulator's credentials); left set, it sent a
    later module's in-process moto calls to a stopped server."""
    saved = os.environ.copy()
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(autouse=True, scope="module")
def _boto3_as_found() -> Iterator[None]:
    """Each test module leaves boto3's Session class as it found it. Importing sqs_extended_client
    swaps it for the whole process; left swapped, a later module's clients in the same worker were
    built by it, and one made from a Lambda's trimmed service models failed (KeyError:
    'receive_message'), only when the workers happened to deal the modules in that order. A module
    that leaves it swapped is put back and fails here, whatever the order."""
    import boto3

    found = boto3.session.Session, boto3.Session, boto3.DEFAULT_SESSION
    yield
    left = boto3.session.Session, boto3.Session, boto3.DEFAULT_SESSION
    boto3.session.Session, boto3.Session, boto3.DEFAULT_SESSION = found  # type: ignore[misc]
    assert left[:2] == found[:2], f"this module left boto3's Session swapped for {left[0]!r}; put it back"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules marked ``long`` run first, the longest first; the rest keep their order.

    `make test` deals whole modules to the workers in this order (``--dist loadscope
    --no-loadscope-reorder``): a long module dealt last would keep one core busy while the
    others wait, so the longest go out first and the short ones fill in at the end.
    """
    items.sort(key=lambda item: -_long_seconds(item))  # a stable sort: a module's tests stay in order


def _long_seconds(item: pytest.Item) -> float:
    mark = item.get_closest_marker("long")
    return float(mark.kwargs["seconds"]) if mark else 0.0


def jekyll_world_sites() -> dict[str, list[Path]]:
    """The posts of each Jekyll site in ../shared/jekyll-world, by folder name."""
    if not JEKYLL_WORLD.is_dir():
        return {}
    return {d.name: sorted(p for p in d.iterdir() if p.is_file()) for d in sorted(JEKYLL_WORLD.iterdir()) if d.is_dir()}


KRAMDOWN_SUITE = Path(os.environ.get("POSTDROP_KRAMDOWN_SUITE", REPO.parent / "shared" / "kramdown-suite"))


def kramdown_suite_files() -> list[Path]:
    """The cases of ../shared/kramdown-suite (each a post), folder by folder."""
    if not KRAMDOWN_SUITE.is_dir():
        return []
    return [path for d in sorted(KRAMDOWN_SUITE.iterdir()) if d.is_dir() for path in sorted(d.glob("*.md"))]


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.is_file())


requires_corpus = pytest.mark.skipif(
    not corpus_files(),
    reason=f"the real post corpus is not at {CORPUS} (set POSTDROP_CORPUS); it is third-party text, never copied here",
)


def post(front: str, body: str = "<p>Body text.</p>\n") -> bytes:
    """A post in the producer's shape, for tests that need one small file."""
    return f"---\n{front.strip()}\n---\n{body}".encode()


def eventually(check: Callable[[], Any], *, what: str, timeout: float = 30.0, every: float = 0.05) -> Any:
    """Poll ``check`` until it returns something truthy (returned), or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)
    return result


def toc_entries(html: str) -> list[tuple[int, str, str]]:
    """The ``{:toc}`` table of contents in ``html`` (``ul#markdown-toc``): each entry's depth, link
    target and own id, in order; empty when there is none."""
    from selectolax.lexbor import LexborHTMLParser

    toc = LexborHTMLParser(html).css_first("ul#markdown-toc")
    entries = []
    for a in toc.css("a") if toc is not None else []:
        depth, node = 0, a.parent
        while node is not None and node.attributes.get("id") != "markdown-toc":
            depth += node.tag == "ul"
            node = node.parent
        entries.append((depth, a.attributes.get("href") or "", a.attributes.get("id") or ""))
    return entries
