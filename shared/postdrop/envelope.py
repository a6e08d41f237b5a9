"""The message from ParseFunction to StoreFunction: one per object change.

upsert carries the post's head (what the table indexes and the notification says) and
either the whole NormalizedPost or, for a post too large for an SQS message or a
DynamoDB item, ``post_ref``: where ParseFunction archived its JSON in S3. reject carries
the reason; delete carries neither. Each carries what identifies the S3 change (bucket,
key, version, etag, sequencer): ordering and idempotency are keyed on it downstream.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from postdrop.core.changes import field_hashes
from postdrop.core.limits import head_excerpt, head_problem
from postdrop.model import NormalizedPost, Status  # noqa: TC001 - pydantic needs them at run time
from postdrop.s3events import S3Change  # noqa: TC001

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["INLINE_POST_BYTES", "MAX_POST_ID_BYTES", "Envelope", "PostHead", "Recheck"]

# An envelope whose JSON is larger sends its post to S3: an SQS message holds 256 KB, a
# DynamoDB item 400 KB.
INLINE_POST_BYTES = 200 * 1024
# DynamoDB's limit on a partition key value (post_id is the table's): a longer one fails every write.
MAX_POST_ID_BYTES = 2048


def _instant(name: str, value: str) -> str:
    """``value`` when it is an ISO 8601 date and time with a UTC offset; else ValueError naming ``name``."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} is not an ISO 8601 date and time") from None
    if when.tzinfo is None:
        raise ValueError(f"{name} has no UTC offset")
    return value


class PostHead(BaseModel):
    """The part of a post the table indexes and subscribers are told, whatever its size."""

    model_config = ConfigDict(frozen=True)

    title: str = Field(min_length=1)
    published_at: str | None
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    source_name: str | None = None
    source_url: str | None = None
    excerpt: str = ""
    content_hash: str = Field(min_length=1)
    # #27: Jekyll's own fields (each with a default: an envelope or item written before reads as it did)
    jekyll_excerpt: str = Field(default="", description="The post's jekyll_excerpt, cut at MAX_HEAD_EXCERPT_CHARS.")
    url: str | None = None
    status: Status = Field(
        default="published", description="As parsed; the item holds the effective one (scheduled turns published)."
    )
    # #27 item 4: what a post.updated says changed (core.changes: one string; a map of names from
    # an envelope of the version before); compared by the next write, never in a notification
    field_hashes: str | dict[str, str] = ""

    @field_validator("published_at")
    @classmethod
    def _iso_with_offset(cls, published_at: str | None) -> str | None:
        """The table's ByCategory index sorts by it in UTC: it must read as an instant."""
        return published_at if published_at is None else _instant("published_at", published_at)

    @model_validator(mode="after")
    def _within_caps(self) -> Self:
        """The caps ParseFunction holds a head to (core.limits): past them it may not fit an item, an
        index key or a message, on any receive."""
        problem = head_problem(
            self.title,
            categories=self.categories,
            tags=self.tags,
            source_name=self.source_name,
            source_url=self.source_url,
            excerpt=self.excerpt,
            url=self.url,
            jekyll_excerpt=self.jekyll_excerpt,
        )
        if problem is not None:
            raise ValueError(problem)
        return self

    @classmethod
    def of(cls, post: NormalizedPost) -> Self:
        return cls(
            title=post.title,
            published_at=post.published_at,
            categories=post.categories,
            tags=post.tags,
            source_name=post.source.name,
            source_url=post.source.url,
            excerpt=post.excerpt,
            content_hash=post.content_hash,
            jekyll_excerpt=head_excerpt(post.jekyll_excerpt),
            url=post.url,
            status=post.status,
            field_hashes=field_hashes(post),
        )


# The head's fields a post kept inline holds itself: an item with its post inline leaves them
# out (#29: some 850 of a corpus item's 3,560 bytes, a write unit a post) and a notification
# reads them back from the post (``inline_fields``), the same values PostHead.of takes.
INLINE_FIELDS = ("excerpt", "jekyll_excerpt")


def inline_fields(post: Mapping[str, Any]) -> dict[str, str]:
    """INLINE_FIELDS of a head, from its post (as JSON-decoded); an empty one left out, as the item leaves it."""
    fields = {
        "excerpt": str(post.get("excerpt") or ""),
        "jekyll_excerpt": head_excerpt(str(post.get("jekyll_excerpt") or "")),
    }
    return {name: value for name, value in fields.items() if value}


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    action: Literal["upsert", "reject", "delete"]
    post_id: str
    change: S3Change
    head: PostHead | None = None
    post: NormalizedPost | None = None
    post_ref: str | None = Field(default=None, description="s3://bucket/key of the post's JSON when not inline")
    reason: str | None = None
    # a reject's: what the rejected file's front matter files it under, where it could be read
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)

    @field_validator("post_id")
    @classmethod
    def _usable_post_id(cls, post_id: str) -> str:
        """The table's key: an empty one or one past DynamoDB's key limit can never be written,
        so such an envelope is not one (StoreFunction dead-letters it at once, with this reason)."""
        if not post_id:
            raise ValueError("post_id is empty: it names no post")
        size = len(post_id.encode())
        if size > MAX_POST_ID_BYTES:
            raise ValueError(f"post_id is {size} bytes; DynamoDB keys hold {MAX_POST_ID_BYTES}")
        return post_id

    @field_validator("post_ref")
    @classmethod
    def _an_s3_address(cls, post_ref: str | None) -> str | None:
        if post_ref is not None:
            bucket, _, key = post_ref.removeprefix("s3://").partition("/")
            if not post_ref.startswith("s3://") or not bucket or not key:
                raise ValueError("post_ref is not an s3://bucket/key address")
        return post_ref

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.action == "upsert" and (self.head is None or (self.post is None) == (self.post_ref is None)):
            raise ValueError("an upsert carries a head and exactly one of post and post_ref")
        if self.action == "reject" and not self.reason:
            raise ValueError("a reject carries its reason")
        return self

    @cached_property
    def post_json(self) -> str | None:
        """The inline post's JSON, made once: the item stores it, the notification carries it."""
        return self.post.model_dump_json() if self.post is not None else None

    @cached_property
    def body(self) -> str:
        """The message body (its JSON), made once: ParseFunction sizes it, then sends it."""
        return self.model_dump_json()


class Recheck(BaseModel):
    """What a scheduled post's schedule sends StoreQueue at its date (EventBridge Scheduler's
    Input): look at the post again, and publish it if its date has come (#27)."""

    model_config = ConfigDict(frozen=True)

    action: Literal["recheck"]
    post_id: str = Field(min_length=1)
    due: str = Field(description="The post's date the schedule was made for (ISO 8601 with offset).")

    @field_validator("due")
    @classmethod
    def _an_instant(cls, due: str) -> str:
        return _instant("due", due)

    @property
    def due_at(self) -> datetime:
        return datetime.fromisoformat(self.due)
