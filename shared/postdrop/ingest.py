"""ParseFunction's logic: S3 changes in, one envelope per change out to StoreQueue.

Nothing is lost here: a file that cannot be a post becomes a ``reject`` envelope with its
reason (the store keeps a REJECTED record and announces it); only failures a retry can fix
raise, and Lambda's async retries and ParseDLQ take those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postdrop import aws
from postdrop.adapters.objects import ObjectGone, ObjectTooLarge, read_object, write_archive
from postdrop.adapters.queue import send_envelopes
from postdrop.core.keys import key_problem, post_id_of
from postdrop.core.normalize import parse_post
from postdrop.envelope import INLINE_POST_BYTES, Envelope, PostHead
from postdrop.exceptions import PostRejected
from postdrop.observability import MetricUnit, logger, metrics
from postdrop.s3events import S3Change, s3_changes

if TYPE_CHECKING:
    from postdrop.config import ParseSettings
    from postdrop.model import NormalizedPost

__all__ = ["ARCHIVE_PREFIX", "IngestResult", "envelope_for", "ingest_event", "upsert_envelope"]


@dataclass(slots=True)
class IngestResult:
    parsed: int = 0
    rejected: int = 0
    deleted: int = 0
    vanished: int = 0
    envelopes: list[Envelope] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "parsed": self.parsed,
            "rejected": self.rejected,
            "deleted": self.deleted,
            "vanished": self.vanished,
            "keys": [e.change.key for e in self.envelopes],
        }


def envelope_for(change: S3Change, settings: ParseSettings) -> Envelope | None:
    """The envelope for one change; None only when the object vanished before it could be read."""
    try:
        post_id = post_id_of(change.key)
    except PostRejected:
        post_id = change.key or "(empty key)"
    if change.kind == "removed":
        return Envelope(action="delete", post_id=post_id, change=change)
    problem = key_problem(change.key)
    if problem is not None:
        return Envelope(action="reject", post_id=post_id, change=change, reason=problem)
    try:
        body = read_object(aws.s3(), change.bucket, change.key, change.version_id, settings.max_object_bytes)
    except ObjectTooLarge as exc:
        return Envelope(action="reject", post_id=post_id, change=change, reason=str(exc))
    except ObjectGone:
        logger.warning("object gone before it was read; its delete event records it", extra={"key": change.key})
        return None
    try:
        post = parse_post(body.data, change.key, default_zone=settings.default_zone)
    except PostRejected as exc:
        return Envelope(action="reject", post_id=post_id, change=change, reason=exc.reason)
    return upsert_envelope(post, change)


ARCHIVE_PREFIX = "archive/posts/"  # outside posts/: writing here never triggers ParseFunction


def upsert_envelope(post: NormalizedPost, change: S3Change) -> Envelope:
    """Inline the post when the envelope fits a message and an item; else archive the post in
    S3 and point to it. The inline envelope's JSON is made once, here, and sent as it is."""
    head = PostHead.of(post)
    inline = Envelope(action="upsert", post_id=post.post_id, change=change, head=head, post=post)
    if len(inline.body.encode()) <= INLINE_POST_BYTES:
        return inline
    body = post.model_dump_json()
    key = f"{ARCHIVE_PREFIX}{post.post_id}/{post.content_hash}.json"
    ref = write_archive(aws.s3(), change.bucket, key, body)
    logger.info("large post archived", extra={"key": change.key, "post_ref": ref, "bytes": len(body)})
    return Envelope(action="upsert", post_id=post.post_id, change=change, head=head, post_ref=ref)


def ingest_event(event: Any, settings: ParseSettings) -> IngestResult:
    result = IngestResult()
    for change in s3_changes(event):
        logger.set_correlation_id(change.key)
        envelope = envelope_for(change, settings)
        if envelope is None:
            result.vanished += 1
            continue
        if envelope.action == "upsert":
            result.parsed += 1
        elif envelope.action == "reject":
            result.rejected += 1
            logger.info("rejected", extra={"key": change.key, "reason": envelope.reason})
        else:
            result.deleted += 1
        result.envelopes.append(envelope)
    if result.envelopes:
        send_envelopes(aws.sqs(), settings.store_queue_url, result.envelopes)
    metrics.add_metric(name="parsed", unit=MetricUnit.Count, value=result.parsed)
    metrics.add_metric(name="rejected", unit=MetricUnit.Count, value=result.rejected)
    return result
