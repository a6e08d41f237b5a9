"""The hostile fixtures of tests/unit/test_hostile.py, each in a fresh process: the CPU seconds
parse_post spends before it rejects the file, and the process's peak RSS, beside the limits of
ParseFunction (its Timeout at the CPU share its MemorySize buys, and the MemorySize itself).

Lambda gives a function CPU in proportion to its memory: a whole vCPU at 1,769 MB, so 256 MB is
about 0.145 of one, and 30 s there is about 4.3 s of one core's time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["LAMBDA_MB_PER_VCPU", "worst_case"]

LAMBDA_MB_PER_VCPU = 1769
_CHILD = """
import json, sys, time
from postdrop import PostRejected, parse_post
key, data = sys.argv[1], sys.stdin.buffer.read()
start = time.process_time()
try:
    parse_post(data, key)
    outcome = "read"
except PostRejected:
    outcome = "rejected"
cpu = time.process_time() - start
# VmHWM is this process's own peak (ru_maxrss would carry the forking parent's across exec)
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
peak_mib = int(hwm.split()[1]) / 1024
print(json.dumps({"cpu_s": cpu, "peak_mib": peak_mib, "outcome": outcome}))
"""


_SWEEP_CHILD = """
import json, sys, time
import boto3, aws_lambda_powertools, pydantic  # what ParseFunction holds before it reads a file
boto3.client("s3", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
from postdrop import PostRejected, parse_post
unit, one_a_line, size = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3])
body = (unit + "\\n") * (size // (len(unit) + 1)) if one_a_line else unit * (size // len(unit))
data = ("---\\ntitle: t\\n---\\n" + body).encode()
start = time.process_time()
try:
    parse_post(data, "posts/a.md")
    outcome = "read"
except PostRejected:
    outcome = "rejected"
cpu = time.process_time() - start
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"cpu_s": cpu, "peak_mib": int(hwm.split()[1]) / 1024, "outcome": outcome}))
"""
# what a post's Markdown repeats: emphasis, code, links, HTML, math, attribute lists, rules,
# tables, quotes and lists, entities, escapes, Liquid; each found something at 5 MB once
SWEEP = [
    "*a ", "**a ", "_", "*", "`", "``a ", "[", "[a](", "![a](", "<a ", "</a>", "<!-- ", "&amp;", "&#",
    "\\", "$$", "$$ a ", "{: ", "{:.a}", "{::", "[^a]", "~~a ", "<http://a", "www.a.b ", "|", "| a ",
    "*[a]: b ", "{{", "{%", "<span>*a ", "--", "<<", "a  ", "# ", "= ", "- ", ">", "1. ", "    ", "x = y; ",
]  # fmt: skip
SIZE = 5 * 1024 * 1024 - 100  # the object cap, less the front matter


def sweep() -> dict[str, Any]:
    """Each of SWEEP's constructs at the cap, on one line and once a line: CPU, peak RSS, outcome."""
    figures: dict[str, dict[str, Any]] = {}
    for unit in SWEEP:
        for one_a_line in ("0", "1"):
            argv = [sys.executable, "-c", _SWEEP_CHILD, unit, one_a_line, str(SIZE)]
            done = subprocess.run(argv, capture_output=True, check=False)
            name = f"{unit!r} {'a line each' if one_a_line == '1' else 'on one line'}"
            if done.returncode != 0:  # killed or aborted: the worst outcome, said as such
                figures[name] = {"cpu_s": 0.0, "peak_mib": float("inf"), "outcome": f"died ({done.returncode})"}
            else:
                figures[name] = json.loads(done.stdout)
    return {"files": figures, **_worst(figures), "read": sum(f["outcome"] == "read" for f in figures.values())}


def worst_case() -> dict[str, Any]:
    """Each fixture's CPU, peak RSS and outcome; and the worst CPU and RSS over them."""
    repo = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(repo))
    from tests.unit.test_hostile import HOSTILE

    figures: dict[str, dict[str, Any]] = {}
    for name, (data, key, _) in HOSTILE.items():
        done = subprocess.run([sys.executable, "-c", _CHILD, key], input=data, capture_output=True, check=True)
        figures[name] = json.loads(done.stdout)
    rejected = all(f["outcome"] == "rejected" for f in figures.values())
    return {"fixtures": figures, **_worst(figures), "all_rejected": rejected}


def _worst(figures: dict[str, dict[str, Any]]) -> dict[str, float]:
    """The most CPU and the highest peak over the files' figures."""
    return {
        "worst_cpu_s": max(f["cpu_s"] for f in figures.values()),
        "worst_peak_mib": max(f["peak_mib"] for f in figures.values()),
    }


def _print(result: dict[str, Any]) -> None:
    """One line a fixture, then the worst beside ParseFunction's limits at 256 MB."""
    share = 256 / LAMBDA_MB_PER_VCPU
    for name, figures in sorted(result["fixtures"].items(), key=lambda item: -item[1]["cpu_s"]):
        print(f"{name:<40} {figures['outcome']:<9} {figures['cpu_s']:7.3f} s CPU  {figures['peak_mib']:6.1f} MiB")
    print(
        f"{len(result['fixtures'])} fixtures, {'all' if result['all_rejected'] else 'NOT all'} rejected;"
        f" worst {result['worst_cpu_s']:.2f} s CPU (ParseFunction at 256 MB: {30 * share:.1f} s of a core),"
        f" worst peak {result['worst_peak_mib']:.1f} MiB (of 256 MB)"
    )


def _print_sweep(result: dict[str, Any]) -> None:
    share = 256 / LAMBDA_MB_PER_VCPU
    for name, figures in sorted(result["files"].items(), key=lambda item: -item[1]["peak_mib"])[:10]:
        print(f"{name:<30} {figures['outcome']:<9} {figures['cpu_s']:7.3f} s CPU  {figures['peak_mib']:6.1f} MiB")
    print(
        f"{len(result['files'])} files at the cap ({result['read']} read, the others rejected); worst"
        f" {result['worst_cpu_s']:.2f} s CPU (ParseFunction at 256 MB: {30 * share:.1f} s of a core), worst peak"
        f" {result['worst_peak_mib']:.1f} MiB with the function's imports (of 256 MB)"
    )


if __name__ == "__main__":
    if "--sweep" in sys.argv[1:]:
        _print_sweep(sweep())
    else:
        _print(worst_case())
