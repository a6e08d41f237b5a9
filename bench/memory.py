"""Peak RSS of each handler, each in its own process, as Lambda runs it.

The emulator is started and the stack made as `postdrop run` makes them; the files are
uploaded; ParseFunction's process then handles one S3 event per file,
StoreFunction's process the envelopes it queued, in batches of 10, and PublishFunction's
the table's stream records of those writes, in batches of 100 (the template's BatchSize:
a post too large for its item is read back from S3 there). Each process has only
the layer and its function folder to import from (bench/layer.py) and the function's
environment from the template, with the local runner's quiet switches (so, as deployed by
default, the X-Ray SDK is not loaded). The floor
is a process that imports the mandated packages and handles nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.first_invocation import TableStream
from bench.layer import FUNCTIONS, LAYER

__all__ = ["largest_post", "peak_rss"]

_CHILD = Path(__file__).with_name("lambda_child.py")
_FLOOR_APP = """import boto3, pydantic, aws_lambda_powertools
from pydantic import BaseModel


def lambda_handler(event, context):
    return None
"""


def largest_post(folder: Path, corpus: list[Path], size: int) -> Path:
    """A post just under ``size`` bytes: a corpus file's front matter, its body repeated."""
    text = max(corpus, key=lambda p: p.stat().st_size).read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    data = f"{head}\n---\n".encode()
    chunk = (body.strip() + "\n\n").encode()
    data += chunk * ((size - len(data)) // len(chunk))
    path = folder / "2026-01-01-largest.md"
    path.write_bytes(data)
    return path


def peak_rss(files: list[Path]) -> dict[str, dict[str, float]]:
    """Per function: RSS at start, after import and at peak, in MiB."""
    from postdrop_tools.emulator import emulator
    from postdrop_tools.events import s3_event
    from postdrop_tools.pipeline import sqs_record
    from postdrop_tools.runtime import function_environment
    from postdrop_tools.stack import provision

    with emulator() as emu:
        stack = provision(emu)
        s3, sqs = stack.client("s3"), stack.client("sqs")
        bucket = stack.ref("PostsBucket")
        parse_events = []
        for i, path in enumerate(files):
            key = f"posts/{path.name}"
            s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
            parse_events.append(s3_event(bucket, key, f"{i + 1:016X}", size=path.stat().st_size))
        env = function_environment(stack) | {"LAMBDA_TASK_ROOT": str(FUNCTIONS), "PATH": os.environ["PATH"]}
        memory = {name: fn.memory_mb for name, fn in stack.functions.items()}
        result = {"ParseFunction": _run("parse", parse_events, env, memory["ParseFunction"])}
        queue = stack.ref("StoreQueue")
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        batches = []
        while messages := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
            batches.append({"Records": [sqs_record(m, arn) for m in messages]})
            for m in messages:
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
        result["StoreFunction"] = _run("store", batches, env, memory["StoreFunction"])
        stream = TableStream(stack.client("dynamodbstreams"), stack.functions["PublishFunction"].stream_source or "")
        if not (records := stream.drain()):
            raise RuntimeError("the stores wrote nothing PublishFunction announces")
        result["PublishFunction"] = _run(
            "publish",
            [{"Records": records[i : i + 100]} for i in range(0, len(records), 100)],
            env,
            memory["PublishFunction"],
        )
        (FUNCTIONS / "floor").mkdir(exist_ok=True)
        (FUNCTIONS / "floor" / "app.py").write_text(_FLOOR_APP, encoding="utf-8")
        result["floor"] = _run("floor", [], env, 128)
    return result


def _run(function: str, events: list[dict[str, Any]], env: dict[str, str], memory_mb: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        json.dump(events, f)
    try:
        out = subprocess.run(
            [sys.executable, "-S", str(_CHILD), str(FUNCTIONS / function), str(LAYER), f.name],
            capture_output=True, text=True, env=env | {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb)},
            check=False, timeout=600,
        )  # fmt: skip
    finally:
        os.unlink(f.name)
    if out.returncode != 0:
        raise RuntimeError(f"{function} handler process failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]
