"""PublishFunction's logic: the table's stream in, one notification for each state a write moved to.

StoreFunction's write of a change is its only write; when it moves what the item shows, it
records the announcement that implies (``postdrop.item.announcement_for``). DynamoDB's stream
delivers every write of one item in one shard, in write order, and Lambda reads a shard in
order. This publishes, in that order, each record whose write moved the state (``since`` equal
to ``rev``) and names an announcement of it; the others (a write that moved nothing, a tombstone
nobody was told of, an earlier version's marker expiring) are skipped.

Each notification is built from the record's image alone (the item at that write: the state,
its announcement, its post inline or at its content-addressed ``post_ref``), so every delivery
of one state, by any retry, is the same bytes under the same ``notification_id``. A scheduled
post's schedule is made (or moved) and a schedule no longer wanted deleted before the state is
published. The first record that fails (its schedule, its post, its PublishBatch entry) is
returned: Lambda retries from it, every record after it again too.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postdrop.adapters.objects import write_archive
from postdrop.adapters.schedules import delete_schedule, put_schedule
from postdrop.adapters.table import MARKER_PREFIX, from_stream_image
from postdrop.adapters.topic import publish_notifications
from postdrop.core.status import due_of
from postdrop.envelope import Recheck
from postdrop.exceptions import EventNotUnderstood
from postdrop.item import announced, shown
from postdrop.observability import MetricUnit, logger, metrics
from postdrop.store import outgoing_for

if TYPE_CHECKING:
    from postdrop.adapters.topic import Outgoing
    from postdrop.aws import Clients
    from postdrop.config import PublishSettings

__all__ = ["StreamBatch", "announceable", "stream_records"]


def announceable(record: dict[str, Any]) -> dict[str, Any] | None:
    """The item a stream record's write made, when that write moved what it shows and names the
    announcement of it; None for any other record."""
    change = record.get("dynamodb") or {}
    image = change.get("NewImage")
    if record.get("eventName") not in ("INSERT", "MODIFY") or not image:
        return None
    if str((image.get("post_id") or {}).get("S", "")).startswith(MARKER_PREFIX):
        return None
    item = from_stream_image(_binary_as_bytes(image))
    if int(item.get("since", -1)) != int(item.get("rev", -2)) or announced(item) is None:
        return None
    return item


def _binary_as_bytes(value: Any) -> Any:
    """DynamoDB JSON with its binary values as bytes: Lambda's stream events carry them base64."""
    if isinstance(value, dict):
        if set(value) == {"B"} and isinstance(value["B"], str):
            return {"B": base64.b64decode(value["B"])}
        return {k: _binary_as_bytes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_binary_as_bytes(v) for v in value]
    return value


def stream_records(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The DynamoDB stream records of a PublishFunction event; EventNotUnderstood naming the
    first record that is not one."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        raise EventNotUnderstood("PublishFunction takes PostsTable's stream records; this event has no Records list")
    for n, record in enumerate(records):
        if not (isinstance(record, dict) and record.get("eventSource") == "aws:dynamodb" and "dynamodb" in record):
            source = record.get("eventSource", "unknown") if isinstance(record, dict) else type(record).__name__
            raise EventNotUnderstood(
                f"PublishFunction takes PostsTable's stream records; record {n} is not one (eventSource {source})"
            )
    return records


@dataclass(slots=True)
class StreamBatch:
    """One batch of stream records, published in order."""

    settings: PublishSettings
    clients: Clients
    counts: dict[str, int] = field(default_factory=lambda: {"notified": 0, "skipped": 0, "offloaded": 0})

    def publish(self, records: list[dict[str, Any]]) -> str | None:
        """Publish each record's announcement, in order; return the sequence number of the first
        record not published (None: every one was), for Lambda to retry from."""
        ready: list[tuple[str, Outgoing]] = []
        stopped_at: str | None = None
        for record in records:
            number = str(record["dynamodb"].get("SequenceNumber", ""))
            post_id = ((record["dynamodb"].get("Keys") or {}).get("post_id") or {}).get("S")  # in every log line
            try:
                item = announceable(record)
                if item is None:
                    self.counts["skipped"] += 1
                    continue
                ready.append((number, self._prepare(item)))
            except Exception:  # its schedule could not be kept, its image not read: retry from here
                logger.exception(
                    "a stream record could not be prepared; retried from it",
                    extra={"sequence": number, "post_id": post_id},
                )
                stopped_at = number
                break
        failed: dict[str, str] = {}
        if ready:
            batch = [o for _, o in ready]
            failed = publish_notifications(self.clients.sns, self.settings.topic_arn, batch, self._offload)
        for number, outgoing in ready:
            why = failed.get(outgoing.notification.notification_id)
            if why is not None:
                note = outgoing.notification
                logger.warning(
                    "publish failed; retried from this record",
                    extra={"sequence": number, "post_id": note.post_id, "key": note.key, "why": why},
                )
                stopped_at = number
                break
            self.counts["notified"] += 1
        for name, value in self.counts.items():
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
        return stopped_at

    def _prepare(self, item: dict[str, Any]) -> Outgoing:
        """The notification of the item's state, its schedule kept first."""
        announcement = announced(item) or {}
        event_type, previous = announcement["event_type"], announcement.get("previous")
        logger.set_correlation_id(item["post_id"])
        self._keep_schedule(item, previous)
        change = announcement.get("change")
        return outgoing_for(item, event_type, previous, lambda: self.clients.s3, change=change)

    def _keep_schedule(self, item: dict[str, Any], previous: dict[str, Any] | None) -> None:
        """Before a post's state is announced: a scheduled post has its schedule at its date (made,
        or moved); a post that subscribers were told was scheduled and is not now has none. Raises
        when Scheduler fails: the record is retried, and nothing was announced."""
        target = self.settings.schedules
        if target is None:
            return
        due = due_of(item.get("published_at"))
        if shown(item)[2] == "scheduled" and due is not None:
            body = Recheck(action="recheck", post_id=item["post_id"], due=due.isoformat()).model_dump_json()
            put_schedule(self.clients.scheduler, target, item["post_id"], due, body)
        elif (previous or {}).get("status") == "scheduled":
            delete_schedule(self.clients.scheduler, target, item["post_id"])

    def _offload(self, notification_id: str, body: bytes) -> tuple[str, str]:
        """Store a notification too large for SNS where its subscribers read it; return (bucket, key)."""
        key = f"{self.settings.payload_prefix}{notification_id}.json"
        write_archive(self.clients.s3, self.settings.payload_bucket, key, body)
        self.counts["offloaded"] += 1
        return self.settings.payload_bucket, key
