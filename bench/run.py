"""`make bench`: postdrop's figures beside their baselines, measured in one run.

Prints one table (or, with --json, one JSON object). Each row: what, postdrop's figure,
the baseline's figure, and the ratio baseline/postdrop (above 1 means postdrop is better).
Machines here are shared and noisy: every figure is the median of several rounds, and
postdrop and its baseline alternate within each round.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("POSTDROP_CORPUS", REPO.parent / "shared" / "corpus" / "posts"))
sys.path.insert(0, str(REPO))


@dataclass
class Row:
    what: str
    unit: str
    postdrop: float
    baseline_name: str
    baseline: float

    @property
    def ratio(self) -> float:
        return self.baseline / self.postdrop if self.postdrop else float("inf")


def _corpus() -> list[tuple[bytes, str]]:
    if CORPUS.is_dir():
        files = sorted(CORPUS.glob("*.md"))
    else:
        print(f"bench: corpus not at {CORPUS}; using events/posts", file=sys.stderr)
        files = sorted((REPO / "events" / "posts").glob("2*.md"))
    return [(p.read_bytes(), f"posts/{p.name}") for p in files]


def _per_post_us(fn: Callable[[bytes, str], object], docs: list[tuple[bytes, str]], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        for data, key in docs:
            fn(data, key)
    return (time.perf_counter() - start) / (repeat * len(docs)) * 1e6


def bench_parse(rounds: int) -> Row:
    from bench.naive import naive_normalize
    from postdrop import parse_post

    docs = _corpus()
    for data, key in docs:  # warm both, and prove the naive one handles every file
        parse_post(data, key)
        naive_normalize(data, key)
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(_per_post_us(parse_post, docs, 3))
        theirs.append(_per_post_us(naive_normalize, docs, 3))
    return Row(
        f"parse CPU per post ({len(docs)} corpus files)",
        "µs",
        statistics.median(ours),
        "frontmatter+bs4",
        statistics.median(theirs),
    )


def _import_ms(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print((time.perf_counter() - t) * 1000)"
    env = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1", "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(out.stdout)


def _import_rows(rounds: int, floor: tuple[str, str], cases: dict[str, str], label: str) -> list[Row]:
    """Median import time of each case beside the floor's, measured alternately in fresh processes."""
    samples: dict[str, list[float]] = {name: [] for name in [*cases, "floor"]}
    for _ in range(rounds):
        samples["floor"].append(_import_ms(floor[1]))
        for name, statement in cases.items():
            samples[name].append(_import_ms(statement))
    base = statistics.median(samples["floor"])
    return [Row(label.format(name), "ms", statistics.median(samples[name]), floor[0], base) for name in cases]


def bench_import(rounds: int) -> list[Row]:
    cases = {"postdrop (lazy API)": "import postdrop", "postdrop + parse core": "import postdrop; postdrop.parse_post"}
    floor = ("import pydantic", "import pydantic; from pydantic import BaseModel")
    return _import_rows(rounds, floor, cases, "import {}")


def bench_cold_start(rounds: int) -> list[Row]:
    """Import each handler as Lambda does (its folder and the layer first on the path, only a
    region set) beside the floor any handler pays for the mandated packages."""
    cases = {
        name: f"import sys; sys.path[:0] = [{str(REPO / 'functions' / name)!r}, {str(REPO / 'shared')!r}]; import app"
        for name in ("parse", "store")
    }
    floor = ("mandated pkgs", "import boto3, pydantic, aws_lambda_powertools; from pydantic import BaseModel")
    return _import_rows(rounds, floor, cases, "cold start: import {} handler")


def _table(rows: list[Row]) -> str:
    lines = [f"{'what':44} {'postdrop':>12} {'baseline':>26} {'ratio':>8}"]
    for r in rows:
        lines.append(
            f"{r.what:44} {r.postdrop:>9.1f} {r.unit:2} {r.baseline_name:>15} {r.baseline:>7.1f} {r.unit:2} "
            f"{r.ratio:>7.2f}x"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    rows = [bench_parse(args.rounds), *bench_import(args.rounds), *bench_cold_start(args.rounds)]
    machine = f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    if args.json:
        print(json.dumps({"machine": machine, "rows": [asdict(r) | {"ratio": r.ratio} for r in rows]}, indent=2))
    else:
        print(f"postdrop bench on {machine}\n")
        print(_table(rows))
        print("\nratio = baseline / postdrop: above 1 postdrop is faster; for imports it is the floor's share.")


if __name__ == "__main__":
    main()
