"""Publishing notifications to PostsTopic with PublishBatch.

Each entry is a per-protocol message (``MessageStructure: json``): machine subscribers get
the notification JSON with the whole post spliced in, email subscribers a readable text.
An entry that would pass SNS's limit (256 KiB for a message with its attributes) is
offloaded: ``offload`` stores the JSON in S3 and the entry carries the payload-offloading
pointer and ``ExtendedPayloadSize`` instead, as AWS's Extended Client libraries expect.
Batches hold at most ten entries and 256 KiB together (SNS's limit for one PublishBatch).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from postdrop.notification import SIZE_ATTRIBUTE, pointer_message

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from mypy_boto3_sns import SNSClient

    from postdrop.notification import Notification

__all__ = ["MAX_BATCH_BYTES", "MAX_ENTRIES", "MAX_MESSAGE_BYTES", "Outgoing", "entry_for", "publish_notifications"]

MAX_ENTRIES = 10
MAX_MESSAGE_BYTES = 256 * 1024
MAX_BATCH_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A notification to publish, and its post's JSON text when the message carries the post."""

    notification: Notification
    post_json: str | None = None
    load_post: Callable[[], str] | None = None  # a large post is read from its archive only when published

    def body(self) -> str:
        """The notification JSON; the post's JSON is spliced in as written (not parsed again)."""
        head = self.notification.model_dump_json(exclude_none=True)
        post = self.post_json if self.post_json is not None else (self.load_post() if self.load_post else None)
        return head if post is None else f'{head[:-1]},"post":{post}}}'


def _entry_bytes(entry: dict[str, Any]) -> int:
    """What SNS counts against its limit: the message, the subject, attribute names, types, values."""
    size = len(entry["Message"].encode()) + len(entry.get("Subject", "").encode())
    for name, value in entry["MessageAttributes"].items():
        size += len(name.encode()) + len(value["DataType"].encode()) + len(value["StringValue"].encode())
    return size


def _per_protocol(default: str, email: str) -> str:
    return json.dumps({"default": default, "email": email}, ensure_ascii=False, separators=(",", ":"))


def entry_for(outgoing: Outgoing, offload: Callable[[str, bytes], tuple[str, str]]) -> tuple[dict[str, Any], int]:
    """The PublishBatch entry for one notification and its size as SNS counts it.

    A body longer than the limit in characters is offloaded without building the message
    that could not be sent: a large post is then held about twice (text and UTF-8), not five times.
    """
    n = outgoing.notification
    body, email = outgoing.body(), n.email_text()
    entry: dict[str, Any] = {
        "Id": n.notification_id,
        "MessageStructure": "json",
        "Subject": f"postdrop: {n.event_type}",  # SNS takes ASCII only here; the title is in the text
        "MessageAttributes": n.message_attributes(),
    }
    if len(body) <= MAX_MESSAGE_BYTES:  # it may fit: measure the message itself
        entry["Message"] = _per_protocol(body, email)
        size = _entry_bytes(entry)
        if size <= MAX_MESSAGE_BYTES:
            return entry, size
    data = body.encode()
    del body
    bucket, key = offload(n.notification_id, data)
    entry["Message"] = _per_protocol(pointer_message(bucket, key), email)
    entry["MessageAttributes"][SIZE_ATTRIBUTE] = {"DataType": "Number", "StringValue": str(len(data))}
    return entry, _entry_bytes(entry)


def _batches(entries: list[tuple[dict[str, Any], int]]) -> list[list[dict[str, Any]]]:
    batches: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    current_bytes = 0
    for entry, size in entries:
        if current and (len(current) == MAX_ENTRIES or current_bytes + size > MAX_BATCH_BYTES):
            batches.append(current)
            current, current_bytes = [], 0
        current.append(entry)
        current_bytes += size
    if current:
        batches.append(current)
    return batches


def publish_notifications(
    client: SNSClient,
    topic_arn: str,
    outgoing: Sequence[Outgoing],
    offload: Callable[[str, bytes], tuple[str, str]],
) -> dict[str, str]:
    """Publish each notification once; return the ids SNS did not accept, with why (the caller retries them).

    ``offload(notification_id, json_bytes)`` stores an oversized notification and returns its
    (bucket, key); entries are built one at a time, so one large post is in memory at once.
    """
    unique = list({o.notification.notification_id: o for o in outgoing}.values())
    failed: dict[str, str] = {}
    entries = []
    for item in unique:
        try:
            entries.append(entry_for(item, offload))
        except Exception as exc:  # its post or payload could not be read or stored: retry this one, not the rest
            failed[item.notification.notification_id] = f"could not prepare the notification: {exc}"
    for batch in _batches(entries):
        try:
            response = client.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=batch)  # type: ignore[arg-type]
        except Exception as exc:
            failed.update((entry["Id"], f"SNS PublishBatch failed: {exc}") for entry in batch)
            continue
        for entry in response.get("Failed") or []:
            failed[entry["Id"]] = (
                f"SNS refused the notification: {entry.get('Code')} {entry.get('Message', '')}".strip()
            )
    return failed
