"""Notification v1: what subscribers of PostsTopic receive, one per real change.

The body is a compact summary (subscribers fetch the full post from the table by
post_id). Message attributes carry what subscribers filter on without code:
``event_type`` (String), ``category`` and ``tags`` (String.Array), ``source`` (String).
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["EventType", "Notification", "notification_id"]

EventType = Literal["post.created", "post.updated", "post.deleted", "post.rejected"]


def notification_id(post_id: str, sequencer: str, event_type: str, content: str = "") -> str:
    """Stable across retries of the same change, so subscribers can drop a rare duplicate.

    ``content`` (the content hash, or the rejection reason) tells apart two announcements of
    one S3 change, as a backfill after a parser fix makes.
    """
    return hashlib.sha256(f"{post_id}\x1f{sequencer}\x1f{event_type}\x1f{content}".encode()).hexdigest()[:32]


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

    def message_attributes(self) -> dict[str, Any]:
        """SNS message attributes; empty values are left out (SNS refuses them)."""
        import json  # noqa: PLC0415

        attributes: dict[str, Any] = {"event_type": {"DataType": "String", "StringValue": self.event_type}}
        if self.categories:
            attributes["category"] = {"DataType": "String.Array", "StringValue": json.dumps(self.categories)}
        if self.tags:
            attributes["tags"] = {"DataType": "String.Array", "StringValue": json.dumps(self.tags)}
        if self.source_name:
            attributes["source"] = {"DataType": "String", "StringValue": self.source_name}
        return attributes
