"""Parse cost in instructions, which a busy machine does not move: parse_post beside the faster
peer (markdown-it-py + nh3 + BeautifulSoup), over the parse rows' files (bench/parse.py).

    python -m bench.instructions [--only postdrop|peer]   needs valgrind (apt install valgrind)

Each contender runs in its own process under callgrind: one warm pass over the files, then one
pass inside ``functools.reduce``, and only that pass is counted (``--toggle-collect``), with
``PYTHONHASHSEED=0`` and the functions' environment (template.yaml's GLIBC_TUNABLES). Two runs of
the same code differ by about 0.1 %. A run takes some minutes: callgrind is about fifty times
slower than the code it counts.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bench.parse import posts_to_parse

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["count"]

REPO = Path(__file__).resolve().parents[1]
CONTENDERS = ("postdrop", "peer")
FUNCTIONS_ENV = {"GLIBC_TUNABLES": "glibc.malloc.top_pad=4194304", "PYTHONHASHSEED": "0"}


def _parser(name: str) -> Callable[[bytes, str], object]:
    if name == "postdrop":
        from postdrop import parse_post

        return parse_post
    from bench.peers import markdown_it_nh3

    return markdown_it_nh3


def _counted_pass(name: str) -> int:
    """The child: a warm pass, then the counted one. Returns the files read."""
    from postdrop.exceptions import PostRejected

    parse = _parser(name)
    docs = [(path.read_bytes(), f"posts/{path.name}") for path in posts_to_parse()]

    def one(read: int, doc: tuple[bytes, str]) -> int:
        try:  # noqa: SIM105 (a context manager would be counted too)
            parse(*doc)
        except PostRejected:
            pass
        return read + 1

    for doc in docs:
        one(0, doc)
    return functools.reduce(one, docs, 0)


def count(name: str) -> tuple[int, int]:
    """(instructions of the counted pass, files) for one contender, under callgrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("bench.instructions: valgrind not found; install it (apt install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "callgrind.out")
        done = subprocess.run(
            [valgrind, "--tool=callgrind", "--toggle-collect=functools_reduce", f"--callgrind-out-file={out}",
             sys.executable, "-m", "bench.instructions", "--child", name],
            cwd=REPO, env=os.environ | FUNCTIONS_ENV, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0 or not out.exists():
            raise SystemExit(f"bench.instructions: {name} failed under callgrind:\n{done.stderr[-2000:]}")
        totals = next(line for line in out.read_text(errors="replace").splitlines() if line.startswith("totals:"))
    return int(totals.split()[1]), int(done.stdout.strip() or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=CONTENDERS, help="count one contender (default: both, and the ratio)")
    parser.add_argument("--child", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(_counted_pass(args.child))
        return
    result: dict[str, float] = {}
    for name in [args.only] if args.only else CONTENDERS:
        instructions, files = count(name)
        result[f"{name}_million"] = round(instructions / 1e6, 1)
        result["files"] = files
        print(f"{name:8} {instructions / 1e6:10,.1f} million instructions, {files} files", file=sys.stderr)
    if not args.only:
        result["ratio"] = round(result["postdrop_million"] / result["peer_million"], 3)
        print(f"postdrop / peer = {result['ratio']}x (the guard: at most 0.33x)", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
