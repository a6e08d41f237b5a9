"""One function's first invocation in a fresh process, as Lambda runs it: init, then events.

    python -S bench/first_child.py FUNCTION_DIR PATH[:PATH...] EVENTS.json REPORT_FD

Started by bench/first_invocation.py with `python -S` (only the function folder and the
given layer folders importable) and the function's environment from the template. Init
(``import app``: the handler module, the clients it makes) runs at once; then the child
says so on REPORT_FD and waits for a line on stdin, while the parent puts it under the
CPU limit of the memory size being modelled; then each event is one invocation. Reports
one JSON object on REPORT_FD: init and each invocation in wall and CPU milliseconds.
With BENCH_PROFILE=PREFIX, init and the first invocation are profiled (cProfile) into
PREFIX.FUNCTION.init.prof and PREFIX.FUNCTION.first.prof. The function's own output
(log lines, metrics) goes to stdout, as in Lambda.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from lambda_child import BenchContext  # type: ignore[import-not-found]  # run as a script: bench/ is its path


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _profiler() -> Any:
    import cProfile

    profiler = cProfile.Profile(time.process_time)  # CPU time: the limit does not count
    profiler.enable()
    return profiler


def main() -> None:
    function_dir, paths, events_file, report_fd = sys.argv[1:5]
    report = os.fdopen(int(report_fd), "w", encoding="utf-8")
    events: list[dict[str, Any]] = json.loads(Path(events_file).read_text(encoding="utf-8"))
    sys.path[:0] = [function_dir, *paths.split(":")]
    profile = os.environ.get("BENCH_PROFILE")  # a path prefix: cProfile of init and the first invocation
    profiler = _profiler() if profile else None
    wall, cpu = _clock()
    import app  # type: ignore[import-not-found]  # Lambda's init: the handler module

    init_wall, init_cpu = _clock()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(f"{profile}.{Path(function_dir).name}.init.prof")
        profiler = _profiler()
    report.write("init\n")
    report.flush()
    sys.stdin.readline()  # the parent has put this process under the CPU limit
    context = BenchContext(Path(function_dir).name, int(os.environ.get("BENCH_MEMORY_MB", "128")))
    invocations = []
    for event in events:
        start_wall, start_cpu = _clock()
        result = app.lambda_handler(event, context)
        end_wall, end_cpu = _clock()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(f"{profile}.{Path(function_dir).name}.first.prof")
            profiler = None
        invocations.append({"wall_ms": (end_wall - start_wall) * 1000, "cpu_ms": (end_cpu - start_cpu) * 1000,
                            "result": result})  # fmt: skip
    report.write(json.dumps({
        "init_wall_ms": (init_wall - wall) * 1000, "init_cpu_ms": (init_cpu - cpu) * 1000,
        "invocations": invocations,
    }) + "\n")  # fmt: skip
    report.close()


if __name__ == "__main__":
    main()
