"""`postdrop invoke FUNCTION EVENT_FILE`: `sam local invoke` without Docker.

The emulator comes up with the template's resources; the objects an S3 event names are
uploaded from events/posts/ (the bucket of an S3 record or EventBridge event is taken to mean
the local PostsBucket); the
function's real handler is called in this process with the event and the environment of
the template, overridden by events/env.json (an empty value there keeps the local
resource's name); its result is printed as JSON on stdout, and each notification the
invocation published as one line on stderr.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postdrop.aws import Clients
from postdrop_tools.emulator import Emulator, emulator
from postdrop_tools.local import drain_queue, notification_lines, tap_topic
from postdrop_tools.runtime import LocalFunction, configure_environment, process_environment
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
    """Point a top-level S3 record or EventBridge event at the local bucket, whatever bucket it
    names (as `sam local invoke` users edit one event file), then upload from ``posts`` every
    object a created change of the event names, whatever wraps it (SQS, SNS, Batch Operations).
    An event that carries no S3 change uploads nothing: the handler says what it is."""
    from postdrop.exceptions import EventNotUnderstood
    from postdrop.s3events import batch_job, read_event

    s3 = stack.client("s3")
    bucket = stack.ref("PostsBucket")
    for record in event.get("Records") or []:
        if record.get("eventSource") == "aws:s3":
            record["s3"]["bucket"]["name"] = bucket
            record["s3"]["bucket"]["arn"] = f"arn:aws:s3:::{bucket}"
    if event.get("source") == "aws.s3" and isinstance((event.get("detail") or {}).get("bucket"), dict):
        event["detail"]["bucket"]["name"] = bucket
        event["resources"] = [f"arn:aws:s3:::{bucket}"]
    try:
        job = batch_job(event)
        changes = [change for _, change in job.tasks] if job else read_event(event).changes
    except EventNotUnderstood:
        return
    for change in changes:
        source = posts / change.key.removeprefix("posts/")
        if change.kind == "created" and change.bucket == bucket and source.is_file():
            s3.put_object(Bucket=bucket, Key=change.key, Body=source.read_bytes())


def invoke_event(
    function: str,
    event: dict[str, Any],
    *,
    env_file: Path = EVENTS / "env.json",
    posts: Path = EVENTS / "posts",
    emu: Emulator | None = None,
) -> Any:
    """Invoke one function of the template on a fresh local stack; return the handler's result.
    The stack is made on ``emu`` once it is reset, when given (many invocations, one server)."""
    with contextlib.nullcontext(emu) if emu is not None else emulator() as running:
        if emu is not None:
            running.reset()
        return _invoke_on(running, function, event, env_file, posts)


def _invoke_on(emu: Emulator, function: str, event: dict[str, Any], env_file: Path, posts: Path) -> Any:
    """Provision the template on ``emu``, invoke ``function`` there with ``event``, print what it published."""
    stack = provision(emu)
    if function not in stack.functions:
        raise KeyError(f"{function} is not a function of template.yaml ({', '.join(stack.functions)})")
    overrides = _env_overrides(function, env_file)
    configure_environment(stack, overrides, quiet=True)
    _prepare_s3_objects(stack, event, posts)
    # clients made now, for this emulator (a module loaded before keeps the clients it made)
    quiet = process_environment(stack, quiet=True) | overrides
    tap = tap_topic(stack, "invoke-tap")
    result = LocalFunction(stack.functions[function], clients=Clients(), overrides=quiet).invoke(event)
    for notification in drain_queue(stack, tap):  # what subscribers received, offloaded ones too
        first, *warnings = notification_lines(notification)
        print("\n".join([f"published: {first}", *warnings]), file=sys.stderr)
    return result


def _function_names() -> list[str]:
    """The template's functions, read from template.yaml without starting anything."""
    import yaml

    from postdrop_tools.template import TEMPLATE

    class _Loader(yaml.SafeLoader):  # CloudFormation's short forms (!Ref, !Sub, ...) read as plain nodes
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    resources = yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_Loader)["Resources"]  # noqa: S506  # nosec B506
    return [name for name, spec in resources.items() if spec.get("Type") == "AWS::Serverless::Function"]


def invoke_command(args: argparse.Namespace) -> int:
    names = _function_names()
    if args.function not in names:  # said before the emulator starts
        print(f"postdrop: {args.function} is not a function of template.yaml ({', '.join(names)})", file=sys.stderr)
        return 64  # a usage error, as sam local invoke's unknown function is
    path = Path(args.event)
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"postdrop: {path}: not a readable JSON event ({exc})", file=sys.stderr)
        return 1
    if not isinstance(event, dict):  # Lambda hands a handler an object; sam local generate-event writes one
        kind = {list: "an array", str: "a string", int: "a number", float: "a number"}.get(type(event), "no object")
        print(f"postdrop: {path}: the event is {kind}, not a JSON object as Lambda's events are", file=sys.stderr)
        return 1
    try:
        # as sam local invoke does: the function's log lines on stderr, its result alone on stdout
        with contextlib.redirect_stdout(sys.stderr):
            result = invoke_event(args.function, event, env_file=Path(args.env_vars))
    except Exception as exc:  # the handler failed, as the invocation would in Lambda: one line, no traceback
        why = f"{type(exc).__name__}: {exc}" if isinstance(exc, KeyError | AttributeError | TypeError) else str(exc)
        print(f"postdrop: {args.function} failed on {path}: {why}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
