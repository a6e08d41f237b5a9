"""Run one handler over a list of events in this process, as Lambda would, and report its memory.

    python bench/lambda_child.py FUNCTION_DIR LAYER_DIR EVENTS.json

Started by bench/memory.py with `python -S` (no site-packages: only the layer and the
function folder are importable, as in Lambda) and the function's environment. Prints one
JSON object: peak RSS (VmHWM) and RSS before the handler was imported, in MiB.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path


def _status_mib(field: str) -> float:
    """A size from /proc/self/status (VmRSS now, VmHWM its peak), in MiB. Unlike ru_maxrss,
    VmHWM starts afresh at exec: it does not carry the parent's size over."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


class BenchContext:
    """What Lambda passes as ``context``, enough for Powertools."""

    def __init__(self, name: str, memory_mb: int = 128) -> None:
        self.function_name = name
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "bench"
        self.function_version = "$LATEST"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def main() -> None:
    function_dir, layer_dir, events_file = sys.argv[1:4]
    events = json.loads(Path(events_file).read_text(encoding="utf-8"))
    before = _status_mib("VmRSS")
    sys.path[:0] = [function_dir, layer_dir]
    import app  # type: ignore[import-not-found]

    imported = _status_mib("VmRSS")
    # the memory size Lambda would give it (its share of a core sets ParseFunction's reading budget)
    context = BenchContext(Path(function_dir).name, int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")))
    for event in events:
        app.lambda_handler(event, context)
    peak = _status_mib("VmHWM")
    print(json.dumps({"start_mib": before, "imported_mib": imported, "peak_mib": peak, "invocations": len(events)}))


if __name__ == "__main__":
    main()
