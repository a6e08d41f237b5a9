"""Parse CPU per post: parse_post beside its peers, the library floor and the naive
normalizer, alternating, in one process, over the corpus, jekyll-world and kramdown's suite together.

    python -m bench.parse [--rounds N]    prints {"postdrop_us", "naive_us", "floor_us",
                                          "markdown_bleach_us", "markdown_it_nh3_us", "files"}

bench/run.py starts this twice: with the environment the template gives the functions
(GLIBC_TUNABLES among it), and with none, because glibc reads its tunables only when a
process starts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("POSTDROP_CORPUS", REPO.parent / "shared" / "corpus" / "posts"))

__all__ = ["CORPUS", "corpus_files", "measure", "posts_to_parse"]


def corpus_files() -> list[Path]:
    """The corpus (all files, as they are), or the project's own samples where it is absent."""
    if CORPUS.is_dir():
        return sorted(CORPUS.glob("*.md"))
    print(f"bench: corpus not at {CORPUS}; using events/posts", file=sys.stderr)
    return sorted((REPO / "events" / "posts").glob("2*.md"))


def jekyll_world_files() -> list[Path]:
    """The posts of ../shared/jekyll-world, found as the differential test finds them."""
    from tests.conftest import JEKYLL_WORLD, jekyll_world_sites

    sites = jekyll_world_sites()
    if not sites:
        print(f"bench: jekyll-world not at {JEKYLL_WORLD}; parse rows use the corpus alone", file=sys.stderr)
    return [path for posts in sites.values() for path in posts]


def kramdown_suite_files() -> list[Path]:
    """The cases of ../shared/kramdown-suite, each a post, as the differential test finds them."""
    from tests.conftest import KRAMDOWN_SUITE, kramdown_suite_files

    cases = kramdown_suite_files()
    if not cases:
        print(f"bench: kramdown's suite not at {KRAMDOWN_SUITE}; parse rows go without it", file=sys.stderr)
    return cases


def posts_to_parse() -> list[Path]:
    """The corpus, jekyll-world and kramdown's suite together: the first producer, fourteen
    ordinary blogs and every construct kramdown has."""
    return corpus_files() + jekyll_world_files() + kramdown_suite_files()


def _per_post_us(fn: Callable[[bytes, str], object], docs: list[tuple[bytes, str]], repeat: int) -> float:
    """The process's CPU time per post (not the wall clock's: on a shared machine that counts the
    time other processes took the core, which the contender that happens to run then pays)."""
    start = time.process_time()
    for _ in range(repeat):
        for data, key in docs:
            fn(data, key)
    return (time.process_time() - start) / (repeat * len(docs)) * 1e6


def measure(rounds: int) -> dict[str, float]:
    """Median µs per post of parse_post, its two peers (bench/peers.py), the library floor
    (bench/parse_floor.py) and the naive normalizer, over ``rounds`` rounds in which they
    alternate."""
    from bench.naive import naive_normalize
    from bench.parse_floor import floor_parse
    from bench.peers import PEERS
    from postdrop import PostRejected, parse_post

    docs = []
    for path in posts_to_parse():
        data, key = path.read_bytes(), f"posts/{path.name}"
        try:
            parse_post(data, key)
        except PostRejected:  # no post (a blog's undated README): nothing for the readers to compare on
            continue
        docs.append((data, key))
    contenders: dict[str, Callable[[bytes, str], object]] = {
        "postdrop_us": parse_post,
        "naive_us": naive_normalize,
        "floor_us": floor_parse,
        **PEERS,
    }
    for data, key in docs:  # warm each, and prove each handles every file
        for fn in contenders.values():
            fn(data, key)
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            samples[name].append(_per_post_us(fn, docs, 3))
    return {name: statistics.median(values) for name, values in samples.items()} | {"files": len(docs)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    print(json.dumps(measure(parser.parse_args().rounds)))
