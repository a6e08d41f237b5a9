"""Notification v1: what subscribers of PostsTopic receive, one per real change.

Machine subscribers (SQS, Lambda, HTTP/S, Firehose) get the notification as JSON, with the
whole NormalizedPost under ``post`` for created and updated posts. A message that would pass
SNS's 256 KB is offloaded the way AWS's SNS and SQS Extended Client libraries do it: the JSON
goes to S3 and the message is a ``PayloadS3Pointer`` with the ``ExtendedPayloadSize``
attribute, so those libraries read the whole notification without code of ours. Email
subscribers get a readable text (SNS per-protocol messages, ``MessageStructure: json``).
Message attributes carry what subscribers filter on without code: ``event_type`` (String),
``category`` and ``tags`` (String.Array), ``source`` (String).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from postdrop.model import NormalizedPost  # noqa: TC001 - pydantic needs it at run time

__all__ = [
    "POINTER_CLASS", "SIZE_ATTRIBUTE", "EventType", "Notification", "NotificationMessage", "PayloadPointer",
    "S3Location", "notification_id", "pointer_message",
]  # fmt: skip

# The payload-offloading convention of AWS's SNS/SQS Extended Client libraries (Java and Python).
POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer"
SIZE_ATTRIBUTE = "ExtendedPayloadSize"

EventType = Literal["post.created", "post.updated", "post.deleted", "post.rejected"]


def notification_id(post_id: str, revision: str, record_type: str, content: str = "") -> str:
    """Names the state announced, not the attempt: the post, the revision at which it began to
    show it, what it shows (record type, content hash). Every announcement of one state, by
    any retry or any record, carries the same id, so subscribers can drop a duplicate by it."""
    return hashlib.sha256(f"{post_id}\x1f{revision}\x1f{record_type}\x1f{content}".encode()).hexdigest()[:32]


class Notification(BaseModel):
    model_config = ConfigDict(frozen=True)

    schema_version: Literal["1"] = "1"
    notification_id: str = Field(description="Same for every delivery of the same change; drop duplicates by it.")
    event_type: EventType
    post_id: str
    key: str
    title: str | None = None
    published_at: str | None = None
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    source_name: str | None = None
    source_url: str | None = None
    excerpt: str | None = None
    reason: str | None = Field(default=None, description="Why the file was rejected (post.rejected only).")
    content_hash: str | None = None
    sequencer: str
    revision: int = Field(
        default=0,
        description="Grows with every state of the post: the notification with the highest revision is current.",
    )
    post: NormalizedPost | None = Field(
        default=None,
        description="The whole post (post.created and post.updated). Publishers splice it in as JSON text.",
    )

    def email_text(self) -> str:
        """What an email subscriber reads: title, date, excerpt, source link; never JSON."""
        lines = [self.title or self.post_id, f"{self.event_type} · {self.published_at or 'no date'}", ""]
        if self.event_type == "post.rejected":
            lines += [f"The file {self.key} was rejected: {self.reason}"]
        elif self.event_type == "post.deleted":
            lines += [f"The post {self.post_id} was removed ({self.key})."]
        else:
            lines += [self.excerpt or ""]
        source = self.source_url or self.source_name
        if source:
            lines += ["", f"Source: {source}"]
        lines += ["", f"post_id: {self.post_id}", f"notification_id: {self.notification_id}"]
        return "\n".join(lines)

    def message_attributes(self) -> dict[str, Any]:
        """SNS message attributes; empty values are left out (SNS refuses them)."""
        attributes: dict[str, Any] = {"event_type": {"DataType": "String", "StringValue": self.event_type}}
        if self.categories:
            attributes["category"] = {"DataType": "String.Array", "StringValue": json.dumps(self.categories)}
        if self.tags:
            attributes["tags"] = {"DataType": "String.Array", "StringValue": json.dumps(self.tags)}
        if self.source_name:
            attributes["source"] = {"DataType": "String", "StringValue": self.source_name}
        return attributes


# The message shapes below describe the topic to subscribers (schemas/notification.v1.json);
# StoreFunction never validates with them, so they are built only when first used.


class S3Location(BaseModel):
    model_config = ConfigDict(defer_build=True)

    s3BucketName: str
    s3Key: str


class PayloadPointer(RootModel[tuple[Literal["software.amazon.payloadoffloading.PayloadS3Pointer"], S3Location]]):
    """An offloaded notification: the Notification JSON is the S3 object it names."""

    model_config = ConfigDict(defer_build=True)


class NotificationMessage(RootModel[Notification | PayloadPointer]):
    """A PostsTopic message body: a Notification, or (over 256 KB) a pointer to one in S3."""

    model_config = ConfigDict(defer_build=True)


def pointer_message(bucket: str, key: str) -> str:
    return json.dumps([POINTER_CLASS, {"s3BucketName": bucket, "s3Key": key}], separators=(",", ":"))
