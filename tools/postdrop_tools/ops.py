"""Operator verbs: drop, backfill, redrive, tail. Each takes a Target and reports what it did."""

from __future__ import annotations

import json
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postdrop.adapters.table import stored_sequencer
from postdrop.core.keys import POSTS_PREFIX, key_problem, post_id_of
from postdrop.core.sitefiles import site_file
from postdrop_tools.events import s3_event
from postdrop_tools.local import content_type, read_notification, subscribe_queue
from postdrop_tools.target import TargetError

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

    from postdrop_tools.batchjob import JobStatus
    from postdrop_tools.target import Target

__all__ = ["backfill", "backfill_job", "drop", "read_notification", "redrive", "safe_key", "tail"]


class UnsafeName(ValueError):
    pass


def safe_key(relative: str) -> str:
    """The object key for a file's path below what was dropped: posts/<path>, with / separators."""
    parts = [p for p in relative.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise UnsafeName(f"{relative!r}: not a path below the dropped folder")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in relative):
        raise UnsafeName(f"{relative!r}: control characters in the name")
    return POSTS_PREFIX + "/".join(parts)


def _files(paths: Iterable[Path], hidden: list[str]) -> Iterator[tuple[Path, str]]:
    """Each file to drop and its path under posts/; a folder's hidden files (a name or a folder
    starting with ".": .git/, .DS_Store) go to ``hidden`` instead."""
    for path in paths:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = file.relative_to(path).as_posix()
                if any(part.startswith(".") for part in relative.split("/")):
                    hidden.append(str(file))
                else:
                    yield file, relative
        elif path.is_file():
            yield path, path.name
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")


def _bar(total: int, desc: str, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="file", file=sys.stderr, leave=False)


@dataclass
class DropReport:
    dropped: list[str]
    skipped: dict[str, str]  # every file not uploaded, with why
    refused: list[str] = field(default_factory=list)  # of those, the ones ParseFunction would reject (not a site's)
    hidden: list[str] = field(default_factory=list)  # a folder's hidden files, left out without a line each


def drop(target: Target, paths: list[Path], *, progress: bool = False) -> DropReport:
    """Upload files (folders recursively) under posts/ with safe keys and text content types.

    A file ParseFunction would reject unread (outside posts/, not a post file type, a file
    without an extension, larger than the stack's MaxObjectBytes) or ignore (a Jekyll site's
    layouts, images, ``_config.yml``) is not uploaded: it is reported in ``skipped`` with why, so
    the one who dropped it hears it here rather than from a REJECTED record, or from nothing at all.
    """
    report = DropReport(dropped=[], skipped={})
    files = list(_files(paths, report.hidden))
    s3 = target.client("s3")
    bar = _bar(len(files), "dropped", progress)
    for file, relative in files:
        try:
            key = safe_key(relative)
        except UnsafeName as exc:
            report.skipped[str(file)] = str(exc)
            report.refused.append(str(file))
            continue
        why = site_file(key)
        if why is not None:
            report.skipped[str(file)] = f"{why} (ParseFunction would ignore {key})"
            continue
        problem = key_problem(key)
        if problem is not None:
            report.skipped[str(file)] = f"{problem} (ParseFunction would reject {key} unread)"
            report.refused.append(str(file))
            continue
        size = file.stat().st_size
        if size > target.max_object_bytes:  # ParseFunction would not read it (the stack's MaxObjectBytes)
            report.skipped[str(file)] = (
                f"the file is {size:,} bytes; the stack's cap (MaxObjectBytes) is {target.max_object_bytes:,} bytes"
                f" (ParseFunction would reject {key} unread)"
            )
            report.refused.append(str(file))
            continue
        s3.put_object(Bucket=target.bucket, Key=key, Body=file.read_bytes(), ContentType=content_type(file))
        report.dropped.append(key)
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    return report


def backfill(target: Target, prefix: str = POSTS_PREFIX, *, progress: bool = False) -> int:
    """Send every object under ``prefix`` through the parse path again. Idempotent: an unchanged post
    stays silent; one whose normalized form changed (a parser fix) is stored and announced as updated."""
    s3 = target.client("s3")
    keys: list[dict[str, Any]] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=prefix):
        keys += [obj for obj in page.get("Contents", []) if not obj["Key"].endswith("/")]  # a folder is no post
    bar = _bar(len(keys), "backfilled", progress)
    dynamodb = target.client("dynamodb")
    for obj in keys:
        event = s3_event(
            target.bucket, obj["Key"], stored_sequencer(dynamodb, target.table, post_id_of(obj["Key"]), obj["Key"]),
            size=obj["Size"],
            eTag=obj["ETag"].strip('"'), eventTime=obj["LastModified"].isoformat(), backfill=True,
        )  # fmt: skip
        target.deliver_to_parse(event)
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    return len(keys)


def backfill_job(
    target: Target, prefix: str = POSTS_PREFIX, *, progress: bool = False, timeout: float = 86400.0, poll: float = 1.0
) -> JobStatus:
    """Backfill through S3 Batch Operations: create the job, follow it to its end, return its counts.

    Same semantics as ``backfill``: each task re-reads its object at the change the table holds.
    """
    job_id = target.start_backfill_job(prefix)
    bar = None
    deadline = time.monotonic() + timeout
    while True:
        status = target.job_status(job_id)
        if status is not None:
            if bar is None and progress and status.total:
                bar = _bar(status.total, "tasks", progress)
            if bar is not None:
                bar.n = status.succeeded + status.failed
                bar.refresh()
            if status.done:
                break
        if time.monotonic() > deadline:
            raise TargetError(f"the Batch Operations job {job_id} did not finish within {timeout:.0f}s")
        time.sleep(poll)  # a job's progress is only ever polled (DescribeJob)
    if bar is not None:
        bar.close()
    return status


def _drain(target: Target, url: str) -> Iterator[dict[str, Any]]:
    sqs = target.client("sqs")
    while messages := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0
    ).get("Messages", []):
        yield from messages


def _dead_letter_queues(target: Target) -> dict[str, str | None]:
    return {"parse": target.parse_dlq, "store": target.store_dlq, "publish": target.publish_dlq,
            "schedule": target.schedule_dlq}  # fmt: skip


def dead_letters(target: Target, which: str) -> list[str]:
    """A line for each message waiting in ``which`` dead-letter queue (parse, store, publish, schedule):
    the file or the posts, and why. Each is left where it is: received out of sight for the
    listing, then made visible again at once, so a redrive still finds every one."""
    from postdrop_tools.local import dead_letter_line, peek_queue, range_posts

    url = _dead_letter_queues(target)[which]
    if not url:
        return []  # a stack from before that queue
    streams = target.client("dynamodbstreams") if which == "publish" else None
    return [dead_letter_line(which, m, range_posts(streams, m) if streams else None)
            for m in peek_queue(target.client("sqs"), url)]  # fmt: skip


def out_of_sight(target: Target, which: str) -> int:
    """How many messages of ``which`` dead-letter queue another reader holds out of sight now (a
    console, a second operator, a redrive): a listing or a redrive does not see them until
    their visibility timeout ends."""
    url = _dead_letter_queues(target)[which]
    if not url:
        return 0
    attributes = target.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0))


def redrive(target: Target, which: str) -> int:
    """Move dead letters back for another try; each leaves its DLQ only after it was re-sent.
    ``publish``: each stream range in PublishDLQ is handed to PublishFunction again; ``schedule``:
    each scheduled post's recheck goes to StoreQueue, where Scheduler would have put it."""
    sqs = target.client("sqs")
    if which == "publish":
        return _redrive_publish(target)
    dlq = _dead_letter_queues(target)[which]
    if not dlq:
        return 0  # a stack from before that queue
    moved = 0
    for message in _drain(target, dlq):
        if which in ("store", "schedule"):  # an envelope, or the recheck Scheduler was to send StoreQueue
            sqs.send_message(QueueUrl=target.store_queue, MessageBody=message["Body"])
        else:  # a Lambda on-failure destination record: the S3 event is its requestPayload
            body = json.loads(message["Body"])
            target.deliver_to_parse(body.get("requestPayload", body))
        sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
        moved += 1
    return moved


def _redrive_publish(target: Target) -> int:
    if not target.publish_dlq:
        return 0  # a stack from before the table's stream: nothing to redrive
    sqs, moved = target.client("sqs"), 0
    for message in _drain(target, target.publish_dlq):
        info = json.loads(message["Body"]).get("DDBStreamBatchInfo") or {}
        target.redeliver_stream(info)
        sqs.delete_message(QueueUrl=target.publish_dlq, ReceiptHandle=message["ReceiptHandle"])
        moved += 1
    return moved


def tail(
    target: Target,
    filter_policy: dict[str, Any] | None,
    emit: Callable[[dict[str, Any]], None],
    *,
    seconds: float | None = None,
    whole: bool = False,
    subscribed: Callable[[], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Subscribe a temporary queue to the topic, hand each notification to ``emit``; clean up after.

    An offloaded notification (over 256 KB) is read through its pointer in S3. Without
    ``whole`` the post itself is left out of what is emitted (the head is what a tail shows).
    It runs until ``seconds`` pass or ``stop`` is set; ``subscribed`` is called once the
    queue is subscribed, so a caller knows from when on notifications reach it.
    """
    from postdrop_tools.replay import check_applicable, matches

    sqs, sns = target.client("sqs"), target.client("sns")
    name = f"postdrop-tail-{uuid.uuid4().hex[:8]}"
    # SNS applies the policy on AWS; the emulator's filter lacks some of SNS's rules (prefix on a
    # list, anything-but), so locally the queue takes everything and replay's matcher decides
    local_filter = filter_policy if target.endpoint else None
    if local_filter:
        check_applicable(local_filter, "tail on a local stack")  # before subscribing, not at the first message
    seen, url, subscription = 0, None, None
    deadline = None if seconds is None else time.monotonic() + seconds
    try:  # from the start: an interrupt right after subscribing (Ctrl-C, a closed terminal) still cleans up
        url, subscription = subscribe_queue(sqs, sns, target.topic_arn, name, None if local_filter else filter_policy)
        if subscribed is not None:
            subscribed()
        while (deadline is None or time.monotonic() < deadline) and not (stop is not None and stop.is_set()):
            wait = 1 if deadline is None else max(0, min(1, int(deadline - time.monotonic())))
            received = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait, MessageAttributeNames=["All"]
            )
            for message in received.get("Messages", []):
                if local_filter and not matches(local_filter, message.get("MessageAttributes") or {}):
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                    continue
                notification = read_notification(target.client("s3"), message["Body"])  # offloaded ones too
                if not whole:
                    notification.pop("post", None)
                emit(notification)
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                seen += 1
            if target.endpoint:
                time.sleep(0.2)  # the emulator answers at once; do not spin
    finally:
        if subscription is not None:
            sns.unsubscribe(SubscriptionArn=subscription)
        if url is not None:
            sqs.delete_queue(QueueUrl=url)
    return seen
