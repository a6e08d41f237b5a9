"""`postdrop invoke FUNCTION EVENT_FILE`: `sam local invoke` without Docker.

The emulator comes up with the template's resources; the objects an S3 event names are
uploaded from events/posts/ (its bucket is taken to mean the local PostsBucket); the
function's real handler is called in this process with the event and the environment of
the template, overridden by events/env.json (an empty value there keeps the local
resource's name); its result is printed as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from postdrop_tools.emulator import emulator
from postdrop_tools.runtime import LocalFunction, configure_environment
from postdrop_tools.stack import LocalStack, provision
from postdrop_tools.template import REPO

if TYPE_CHECKING:
    import argparse

__all__ = ["invoke_command", "invoke_event"]

EVENTS = REPO / "events"


def _env_overrides(function: str, env_file: Path) -> dict[str, str]:
    if not env_file.exists():
        return {}
    table = json.loads(env_file.read_text(encoding="utf-8"))
    own = table.get(function) or table.get("Parameters") or {}
    return {k: str(v) for k, v in own.items() if str(v) != ""}


def _prepare_s3_objects(stack: LocalStack, event: dict[str, Any], posts: Path) -> None:
    """Point the event's records at the local bucket and upload the objects they name."""
    s3 = stack.client("s3")
    bucket = stack.ref("PostsBucket")
    for record in event.get("Records") or []:
        if record.get("eventSource") != "aws:s3":
            continue
        record["s3"]["bucket"]["name"] = bucket
        record["s3"]["bucket"]["arn"] = f"arn:aws:s3:::{bucket}"
        key = unquote_plus(record["s3"]["object"]["key"])
        source = posts / key.removeprefix("posts/")
        if record.get("eventName", "").startswith("ObjectCreated") and source.is_file():
            s3.put_object(Bucket=bucket, Key=key, Body=source.read_bytes())


def invoke_event(
    function: str, event: dict[str, Any], *, env_file: Path = EVENTS / "env.json", posts: Path = EVENTS / "posts"
) -> Any:
    """Invoke one function of the template on a fresh local stack; return the handler's result."""
    with emulator() as emu:
        stack = provision(emu)
        if function not in stack.functions:
            raise KeyError(f"{function} is not a function of template.yaml ({', '.join(stack.functions)})")
        configure_environment(stack, _env_overrides(function, env_file), quiet=True)
        _prepare_s3_objects(stack, event, posts)
        return LocalFunction(stack.functions[function]).invoke(event)


def invoke_command(args: argparse.Namespace) -> int:
    path = Path(args.event)
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"postdrop: {path}: not a readable JSON event ({exc})", file=sys.stderr)
        return 1
    try:
        result = invoke_event(args.function, event, env_file=Path(args.env_vars))
    except KeyError as exc:
        print(f"postdrop: {exc.args[0]}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
