"""Notification v1: what subscribers of PostsTopic receive, one per real change.

Machine subscribers (SQS, Lambda, HTTP/S, Firehose) get the notification as JSON, with the
whole NormalizedPost under ``post`` for created and updated posts. A message that would pass
SNS's 256 KB is offloaded the way AWS's SNS and SQS Extended Client libraries do it: the JSON
goes to S3 and the message is a ``PayloadS3Pointer`` with the ``ExtendedPayloadSize``
attribute, so those libraries read the whole notification without code of ours. Email
subscribers get a readable text (SNS per-protocol messages, ``MessageStructure: json``).
Message attributes carry what subscribers filter on without code: ``event_type`` (String),
``category`` and ``tags`` (String.Array), ``source`` and ``status`` (String).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from postdrop.model import NormalizedPost, Status  # noqa: TC001 - pydantic needs them at run time

__all__ = [
    "POINTER_CLASS", "SIZE_ATTRIBUTE", "EventType", "Notification", "NotificationMessage", "PayloadPointer",
    "Previous", "RecordType", "S3Location", "notification_id", "pointer_message",
]  # fmt: skip

# The payload-offloading convention of AWS's SNS/SQS Extended Client libraries (Java and Python).
POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer"
SIZE_ATTRIBUTE = "ExtendedPayloadSize"

# post.created, post.updated and post.deleted are a post's public lifecycle; a post that is not
# public (scheduled, unpublished, a draft) is announced as what it is (#27, docs/subscribers.md).
EventType = Literal[
    "post.created", "post.updated", "post.deleted", "post.rejected", "post.scheduled", "post.unpublished", "post.draft",
]  # fmt: skip
RecordType = Literal["POST", "REJECTED", "DELETED"]


def notification_id(post_id: str, revision: str, record_type: str, content: str = "") -> str:
    """Names the state announced, not the attempt: the post, the revision at which it began to
    show it, what it shows (record type, content hash). Every announcement of one state, by
    any retry or any record, carries the same id, so subscribers can drop a duplicate by it."""
    return hashlib.sha256(f"{post_id}\x1f{revision}\x1f{record_type}\x1f{content}".encode()).hexdigest()[:32]


class Previous(BaseModel):
    """What subscribers were told of the post before this change, as filters see it."""

    model_config = ConfigDict(frozen=True)

    record_type: RecordType = Field(description="POST, REJECTED or DELETED: what the post was.")
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    source_name: str | None = None
    status: Status | None = Field(
        default=None, description="The post's publication status then (absent: not a post, or published)."
    )


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
    jekyll_excerpt: str | None = Field(
        default=None,
        description="The excerpt the author chose (Jekyll's post.excerpt as text), at most 1,000 characters here;"
        " the post's own is whole.",
    )
    url: str | None = Field(default=None, description="Jekyll's post.url (absolute when the site's url is set).")
    status: Status | None = Field(
        default=None,
        description="The post's publication status now: published, scheduled (its date has not come),"
        " unpublished or draft. On post.deleted, set when the post stopped being public without going away.",
    )
    sequencer: str
    changed: list[str] | None = Field(
        default=None,
        description="post.updated: the fields that changed since the previous notification (title, body,"
        " categories, ...; docs/subscribers.md). Absent when postdrop cannot tell (told before it kept them).",
    )
    cause: Literal["source", "reader"] | None = Field(
        default=None,
        description="post.updated: source when the author's file changed; reader when postdrop read the same"
        " file anew (a backfill after a reader fix).",
    )
    revision: int = Field(
        default=0,
        description="Grows with every state of the post: the notification with the highest revision is current.",
    )
    previous: Previous | None = Field(
        default=None,
        description=(
            "What subscribers were told of the post before this change (absent for its first"
            " announcement). The message attributes category, tags and source carry the values of"
            " both this state and the previous one, so a subscription that matched the post hears"
            " the change that takes it out of its filter; categories, tags and source_name here are"
            " the current ones."
        ),
    )
    post: NormalizedPost | None = Field(
        default=None,
        description="The whole post (post.created and post.updated). Publishers splice it in as JSON text.",
    )

    def email_text(self) -> str:
        """What an email subscriber reads: title, date, the author's excerpt, the post's url, source
        link; never JSON."""
        lines = [self.title or self.post_id, f"{self.event_type} · {self.published_at or 'no date'}", ""]
        if self.event_type == "post.rejected":
            lines += [f"The file {self.key} was rejected: {self.reason}"]
        elif self.event_type == "post.deleted" and self.status is None:
            lines += [f"The post {self.post_id} was removed ({self.key})."]
        elif self.event_type == "post.deleted":
            lines += [f"The post {self.post_id} is no longer public: it is {self.status} ({self.key})."]
        else:
            lines += [self.jekyll_excerpt or self.excerpt or ""]
            if self.status not in (None, "published"):
                lines += ["", f"Not public yet: {self.status}."]
        if self.url and self.event_type != "post.rejected":
            lines += ["", self.url]
        source = self.source_url or self.source_name
        if source:
            lines += ["", f"Source: {source}"]
        lines += ["", f"post_id: {self.post_id}", f"notification_id: {self.notification_id}"]
        return "\n".join(lines)

    def previous_state(self) -> dict[str, Any] | None:
        """``previous`` as the table keeps it beside the announcement (empty values left out)."""
        return None if self.previous is None else self.previous.model_dump(exclude_defaults=True)

    def message_attributes(self) -> dict[str, Any]:
        """SNS message attributes: what filter policies match, for this state and the previous
        one together; empty values are left out (SNS refuses them). ``source`` and ``status``
        are a String when the two states name one value, a String.Array of both when the change
        moved it. A post told before postdrop knew its status was told it as published."""
        before = self.previous or Previous(record_type="DELETED")
        categories = _union(self.categories, before.categories)
        tags = _union(self.tags, before.tags)
        sources = _union([self.source_name or ""], [before.source_name or ""])
        was = before.status or ("published" if before.record_type == "POST" else "")
        now = self.status or ("published" if self.event_type in ("post.created", "post.updated") else "")
        statuses = _union([now], [was])
        attributes: dict[str, Any] = {"event_type": {"DataType": "String", "StringValue": self.event_type}}
        if categories:
            attributes["category"] = {"DataType": "String.Array", "StringValue": _json(categories)}
        if tags:
            attributes["tags"] = {"DataType": "String.Array", "StringValue": _json(tags)}
        if len(sources) == 1:
            attributes["source"] = {"DataType": "String", "StringValue": sources[0]}
        elif sources:
            attributes["source"] = {"DataType": "String.Array", "StringValue": _json(sources)}
        if len(statuses) == 1:
            attributes["status"] = {"DataType": "String", "StringValue": statuses[0]}
        elif statuses:
            attributes["status"] = {"DataType": "String.Array", "StringValue": _json(statuses)}
        return attributes


def _union(now: list[str], before: list[str]) -> list[str]:
    """The values of both lists, each once, in order, empty ones left out."""
    return [value for value in dict.fromkeys([*now, *before]) if value]


def _json(values: list[str]) -> str:
    """A String.Array's value: JSON as written (a Chinese tag in UTF-8, not escaped to three
    times its bytes), which is what a message's 256 KB count."""
    return json.dumps(values, ensure_ascii=False)


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
