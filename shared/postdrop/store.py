"""StoreFunction's logic: envelopes in, conditional writes, then one notification per real change.

Order per record: write (marking the item ``pending`` and remembering what it replaced), publish,
then put a published marker for the change. A publish that fails leaves no marker and fails
the record, so SQS redelivers it; the redelivered record finds the same change stored
("replay") without a marker, and publishes it again. A replay whose marker exists is a
no-op: one notification per change, and ``notification_id`` lets subscribers drop the
rare duplicate (a crash between publish and marker).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from postdrop import aws
from postdrop.adapters.objects import read_archive, write_archive
from postdrop.adapters.queue import dead_letter
from postdrop.adapters.table import (
    item_for,
    mark_published,
    previous_of,
    stored_sequencer,
    was_published,
    write_record,
)  # fmt: skip
from postdrop.adapters.topic import Outgoing, publish_notifications
from postdrop.envelope import Envelope
from postdrop.notification import EventType, Notification, notification_id
from postdrop.observability import MetricUnit, logger, metrics

if TYPE_CHECKING:
    from postdrop.config import StoreSettings

__all__ = ["StoreBatch", "dead_letter_last_attempts", "event_type_for", "notification_for"]


def event_type_for(envelope: Envelope, old: dict[str, Any] | None) -> EventType | None:
    """What a written change means to subscribers; None when it changes nothing they see."""
    old_type = old.get("record_type") if old else None
    if envelope.action == "delete":  # subscribers told of a post or of a rejection hear that it is gone
        return "post.deleted" if old_type in ("POST", "REJECTED") else None
    if envelope.action == "reject":
        same = old_type == "REJECTED" and old is not None and old.get("reason") == envelope.reason
        return None if same else "post.rejected"
    if old_type != "POST":
        return "post.created"
    new_hash = envelope.head.content_hash if envelope.head is not None else None
    return None if old is not None and old.get("content_hash") == new_hash else "post.updated"


def notification_for(envelope: Envelope, event_type: EventType) -> Notification:
    change = envelope.change
    fields: dict[str, Any] = {
        "notification_id": notification_id(
            envelope.post_id,
            change.sequencer,
            event_type,
            envelope.head.content_hash if envelope.head is not None else (envelope.reason or ""),
        ),
        "event_type": event_type,
        "post_id": envelope.post_id,
        "key": change.key,
        "sequencer": change.sequencer,
        "reason": envelope.reason,
    }
    head = envelope.head
    if head is not None and envelope.action == "upsert":
        fields |= head.model_dump()
    return Notification.model_validate(fields)


@dataclass(slots=True)
class StoreBatch:
    """One SQS batch: write each record as it comes, publish together, then mark together."""

    settings: StoreSettings
    to_publish: list[tuple[str, str, Outgoing]] = field(default_factory=list)  # (record id, seq, notification)
    reasons: dict[str, str] = field(default_factory=dict)  # record id -> why it failed
    counts: dict[str, int] = field(
        default_factory=lambda: {"stored": 0, "unchanged": 0, "stale": 0, "replayed": 0, "notified": 0}
    )

    def write_message(self, record_id: str, body: str) -> None:
        """Write one SQS message's envelope; raise (failing only this record) with its reason noted."""
        try:
            envelope = Envelope.model_validate_json(body)
        except ValidationError as exc:  # its text quotes the input: log where, never what
            where = sorted({".".join(map(str, e["loc"])) for e in exc.errors(include_input=False)})
            logger.error("not an envelope", extra={"message_id": record_id, "fields": where[:10]})
            self.reasons[record_id] = f"not an envelope (fields: {', '.join(where[:10])})"
            raise ValueError(self.reasons[record_id]) from None
        try:
            self.write(record_id, envelope)
        except Exception as exc:
            logger.exception("record failed; SQS will redeliver it", extra={"message_id": record_id})
            self.reasons[record_id] = f"{type(exc).__name__}: {exc}"
            raise

    def write(self, record_id: str, envelope: Envelope) -> None:
        """Write one envelope; raises (failing only this record) when DynamoDB does."""
        logger.set_correlation_id(envelope.change.key)
        if envelope.change.backfill and not envelope.change.sequencer:  # a Batch Operations task
            sequencer = stored_sequencer(
                aws.dynamodb(), self.settings.table_name, envelope.post_id, envelope.change.key
            )
            envelope = envelope.model_copy(
                update={"change": envelope.change.model_copy(update={"sequencer": sequencer})}
            )
        item = item_for(envelope)
        outcome = write_record(aws.dynamodb(), self.settings.table_name, item, same_change=envelope.change.backfill)
        if outcome.status == "stale":
            self.counts["stale"] += 1
            return
        if outcome.status == "written":
            old = outcome.old
        else:  # the same change again: finish what an earlier try left undone, if anything
            self.counts["replayed"] += 1
            stored = outcome.old or {}
            if not stored.get("pending") or was_published(
                aws.dynamodb(), self.settings.table_name, envelope.post_id, item["seq"]
            ):
                return
            old = previous_of(stored)
        event_type = event_type_for(envelope, old)
        if outcome.status == "written":
            self.counts["stored" if event_type else "unchanged"] += 1
        if event_type is not None:
            self.to_publish.append((record_id, item["seq"], self._outgoing(envelope, event_type)))

    def _outgoing(self, envelope: Envelope, event_type: EventType) -> Outgoing:
        """The notification, with the post for created and updated (read from its archive when large)."""
        notification = notification_for(envelope, event_type)
        if event_type not in ("post.created", "post.updated"):
            return Outgoing(notification)
        if envelope.post_ref is not None:
            ref = envelope.post_ref
            return Outgoing(notification, load_post=lambda: read_archive(aws.s3(), ref))
        return Outgoing(notification, post_json=envelope.post_json)

    def _offload(self, notification_id: str, body: bytes) -> tuple[str, str]:
        """Store a notification too large for SNS where its subscribers read it; return (bucket, key)."""
        key = f"{self.settings.payload_prefix}{notification_id}.json"
        write_archive(aws.s3(), self.settings.payload_bucket, key, body)
        return self.settings.payload_bucket, key

    def finish(self, records: list[dict[str, Any]], failed: set[str]) -> set[str]:
        """Publish, mark what went out, dead-letter last attempts; return the record ids to retry."""
        unpublished = self._publish()
        self.reasons |= unpublished
        return dead_letter_last_attempts(records, failed | set(unpublished), self.reasons, self.settings)

    def _publish(self) -> dict[str, str]:
        """Publish what was written, mark it published; return the record ids to retry, with why."""
        failed_ids: dict[str, str] = {}
        if self.to_publish:
            outgoing = [o for _, _, o in self.to_publish]
            failed_ids = publish_notifications(aws.sns(), self.settings.topic_arn, outgoing, self._offload)
        sent = [(rid, seq, o.notification) for rid, seq, o in self.to_publish]
        retry = {rid: failed_ids[n.notification_id] for rid, _, n in sent if n.notification_id in failed_ids}
        published = [(n.post_id, seq) for _, seq, n in sent if n.notification_id not in failed_ids]
        self.counts["notified"] = len(published)
        if published:
            try:
                mark_published(aws.dynamodb(), self.settings.table_name, published)
            except Exception:
                logger.exception("could not mark notifications published; a replay of those changes may notify again")
        if retry:
            logger.warning("publish failed; those records will be retried", extra={"records": len(retry)})
        for name, value in self.counts.items():  # stored, unchanged, stale, replayed, notified
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
        return retry


def dead_letter_last_attempts(
    records: list[dict[str, Any]], failed: set[str], reasons: dict[str, str], settings: StoreSettings
) -> set[str]:
    """Move failed records on their last receive to StoreDLQ with their reason; return those still failing.

    Without this, SQS's redrive would move them too, but without saying why.
    """
    if not settings.dlq_url or not failed:
        return failed
    last = [
        r for r in records
        if r["messageId"] in failed
        and int((r.get("attributes") or {}).get("ApproximateReceiveCount", "1")) >= settings.max_receive
    ]  # fmt: skip
    still = set(failed)
    for record in last:
        reason = reasons.get(record["messageId"], "failed on every receive")
        try:
            dead_letter(aws.sqs(), settings.dlq_url, record["body"], reason, record["messageId"])
        except Exception:
            logger.exception("could not dead-letter the record", extra={"message_id": record["messageId"]})
            continue
        logger.error("record dead-lettered", extra={"message_id": record["messageId"], "reason": reason})
        still.discard(record["messageId"])
    return still
