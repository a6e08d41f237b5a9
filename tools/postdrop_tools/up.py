"""`postdrop up`: the local stack stays up; whatever any S3 client drops is processed as it arrives.

    aws s3 cp post.md s3://BUCKET/posts/ --endpoint-url http://127.0.0.1:4566

Each notification is printed as subscribers receive it, one line each whatever its size (an
offloaded one is read through its pointer), then the post's warnings; a file that failed every
try is a ``dead-letter`` line with its reason and the DLQ it waits in; a file of a synced site that is no post
(an image, ``_config.yml``) an ``ignored`` line with why; a change stored that subscribers do
not hear of a ``kept`` line (a twin of the file the post shows: ``x.html`` beside ``x.md``), a
``removed`` one (such a twin deleted) or an ``unchanged`` one (a re-drop of the same post); a
function's warning or error one line
(``warning  message  key=...``); PostsTopic deleted, or made again (up's console then subscribes
again), one line each. Showing is never in the pipeline's way: a
notification that cannot be shown is a line on stderr, and the stack goes on. Ctrl-C stops
the emulator cleanly.
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from postdrop.store import KEPT, REMOVED, UNCHANGED
from postdrop_tools.emulator import DEFAULT_ENDPOINT, emulator
from postdrop_tools.local import (
    config_line,
    drain_queue,
    file_line,
    ignored_line,
    new_dead_letters,
    notification_lines,
    outside_said,
    tap_said,
    tap_topic,
    versioning_said,
)
from postdrop_tools.pipeline import Pipeline
from postdrop_tools.stack import provision

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from postdrop_tools.stack import LocalStack

__all__ = ["up_command"]


def up_command(args: argparse.Namespace) -> int:
    stopping = _on_ctrl_c()
    try:
        with emulator(port=args.port or None) as emu:
            stack = provision(emu, {"NotificationSource": args.notifications, **dict(args.parameter_overrides)})
            tap = tap_topic(stack, "up-tap")
            pipeline = Pipeline(stack, on_parse_result=lambda summary: _show_ignored(stack, summary))
            _readable_log_lines()
            bucket = stack.ref("PostsBucket")
            queue = stack.ref("ExampleSubscriberQueue")
            print(
                f"postdrop up: local stack on {emu.endpoint}\n"
                f"  bucket    {bucket}   (drop files under posts/)\n"
                f"  table     {stack.ref('PostsTable')}\n"
                f"  topic     {stack.ref('PostsTopic')}\n"
                f"  credentials: AWS_ACCESS_KEY_ID=postdrop-local AWS_SECRET_ACCESS_KEY=postdrop-local "
                f"AWS_DEFAULT_REGION={emu.region}\n"
                f"  try:      aws s3 cp events/posts/2026-03-02-NW0001.md s3://{bucket}/posts/ "
                f"--endpoint-url {emu.endpoint}\n"
                f"  subscriber queue {queue}\n"
                f"  read it:  .venv/bin/python examples/subscriber.py {queue} --endpoint-url {emu.endpoint}\n"
                f"  more:     postdrop tail, postdrop list, postdrop get POST_ID (docs/subscribers.md)\n"
                + (
                    ""
                    if emu.endpoint == DEFAULT_ENDPOINT
                    else f"  for them: export POSTDROP_ENDPOINT={emu.endpoint}   (or pass --endpoint {emu.endpoint})\n"
                )
                + "Ctrl-C stops it.",
                flush=True,
            )
            dead: set[str] = set()
            warned: set[str] = set()
            said: set[str] = set()
            topic_said: set[str] = set()
            looked = 0.0
            while True:
                if not _pumped(pipeline, said, stopping):
                    time.sleep(0.2)
                _show(stack, tap, as_json=args.json)
                if time.monotonic() - looked > 2:  # a file that failed every try, where it waits; the bucket; the topic
                    looked = time.monotonic()
                    _say(lambda: new_dead_letters(stack, dead) + _bucket_said(stack, warned))
                    _say(lambda: tap_said(stack, tap, topic_said))
    except KeyboardInterrupt:
        print("postdrop up: stopped", file=sys.stderr)
        return 0
    except Exception:
        if not stopping.is_set():
            raise
        # Ctrl-C reaches the emulator too (one process group): a call under way can fail on its
        # closed socket before this process's own KeyboardInterrupt is raised. Still a clean stop.
        print("postdrop up: stopped", file=sys.stderr)
        return 0


# StoreFunction's lines for a write no subscriber hears of, and what up calls each
_QUIET_WRITES = {KEPT: "kept", REMOVED: "removed", UNCHANGED: "unchanged"}


class LogLine(logging.Formatter):
    """A function's log line as a person reads it in up's output: its level, message and what it
    names (``warning  the version the event names does not exist  key=posts/a.md``), and an
    error's exception in one line, never a traceback; not Powertools' JSON, which Lambda keeps."""

    _STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        if record.msg in _QUIET_WRITES:
            shows, reason = getattr(record, "shows", ""), getattr(record, "reason", None)
            why = "nothing announced" if record.msg == UNCHANGED else f"the post shows {shows}: nothing announced"
            if reason:  # a file of another type beside the post (x.docx beside x.md): rejected, and why
                return file_line("rejected", getattr(record, "key", ""), f"{reason}; {why}")
            return file_line(_QUIET_WRITES[record.msg], getattr(record, "key", ""), why)
        named = [f"{k}={v}" for k, v in record.__dict__.items() if k not in self._STANDARD and v not in (None, "")]
        if record.exc_info and record.exc_info[1] is not None:
            named.append(f"error={type(record.exc_info[1]).__name__}: {record.exc_info[1]}")
        return "  ".join([f"{record.levelname.lower():<13}", record.getMessage(), *named])


def _readable_log_lines() -> None:
    """The functions' warnings and errors in up's own format.
    Powertools' JSON handler stays the logger's first (its formatter holds the logger's keys and
    state, which Powertools reaches through it) but writes nothing; a handler of up's prints."""
    from postdrop.observability import logger

    for handler in logger._logger.handlers:
        if type(handler) is logging.StreamHandler:
            handler.setLevel(logging.CRITICAL + 1)
    readable = logging.StreamHandler(sys.stdout)
    readable.setLevel(logging.INFO)
    readable.addFilter(_worth_a_line)
    readable.setFormatter(LogLine())
    logger._logger.addHandler(readable)


def _worth_a_line(record: logging.LogRecord) -> bool:
    """Warnings and errors, and the stored changes nobody hears of (a file kept behind its twin,
    a re-drop of what the post shows): each file dropped gets a line. Other INFO lines are what
    up already says in its own (a notification, an ignored file)."""
    return record.levelno >= logging.WARNING or record.msg in _QUIET_WRITES


def _pumped(pipeline: Pipeline, said: set[str], stopping: threading.Event) -> bool:
    """One round of the pipeline; whether it did anything. A failure (a queue of the stack deleted
    by hand, the emulator refusing a call) is said once, on stderr, and the stack stays up: what
    the emulator holds is not thrown away with the process."""
    try:
        return bool(pipeline.pump())
    except Exception as exc:
        if stopping.is_set():
            raise
        if str(exc) not in said:
            said.add(str(exc))
            print(f"postdrop up: {exc} (the stack stays up; Ctrl-C stops it)", file=sys.stderr, flush=True)
        time.sleep(1)
        return False


def _on_ctrl_c() -> threading.Event:
    """An event set on the first Ctrl-C (SIGINT), which is still raised as KeyboardInterrupt."""
    stopping = threading.Event()

    def interrupted(signum: int, frame: object) -> None:
        stopping.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    return stopping


def _show(stack: LocalStack, tap: str, *, as_json: bool) -> None:
    """Print what the tap queue holds; a failure to read or print one is said on stderr, never raised."""
    try:
        notifications = drain_queue(stack, tap)
    except Exception as exc:  # the message stays in the tap queue; the pipeline is not touched
        print(f"postdrop up: could not read a notification: {exc}", file=sys.stderr, flush=True)
        return
    for notification in notifications:
        try:
            print("\n".join(notification_lines(notification)), flush=True)
            if as_json:
                print(json.dumps(notification, ensure_ascii=False), flush=True)
        except Exception as exc:
            print(f"postdrop up: could not show a notification: {exc}", file=sys.stderr, flush=True)


def _show_ignored(stack: LocalStack, summary: dict[str, Any]) -> None:
    """A line for each file of a synced site that ParseFunction ignored, with why: every file
    dropped gets a line, a notification's or this one. A blog's _config.yml gets one more: the
    parameters that would read its posts as its Jekyll does."""
    from postdrop.core.sitefiles import site_file

    for key in summary.get("site_file_keys", []):
        print(ignored_line(key, site_file(key) or ""), flush=True)
        if key.rpartition("/")[2] == "_config.yml":
            with contextlib.suppress(Exception):  # gone again, or unreadable: the ignored line said enough
                body = stack.client("s3").get_object(Bucket=stack.ref("PostsBucket"), Key=key)["Body"].read()
                if (line := config_line(key, body)) is not None:
                    print(f"warning        {line}", flush=True)
    for key in summary.get("folder_keys", []):
        print(ignored_line(key, "a folder (a console or a sync tool made it), not a post"), flush=True)


def _bucket_said(stack: LocalStack, said: set[str]) -> list[str]:
    """What a person should hear of the bucket itself, once each: versioning turned on (deletes
    go unheard here), files dropped outside posts/ (nothing reads them)."""
    return versioning_said(stack, said) + outside_said(stack, said)


def _say(lines: Callable[[], list[str]]) -> None:
    """Print what ``lines`` returns; a failure to get or print them is one line on stderr."""
    try:
        for line in lines():
            print(line, flush=True)
    except Exception as exc:
        print(
            f"postdrop up: could not look at the dead-letter queues, bucket or topic: {exc}",
            file=sys.stderr,
            flush=True,
        )
