"""StoreFunction's logic: envelopes in, one conditional write each.

Per batch: one consistent BatchGetItem of the items its envelopes' posts have (``read_ahead``),
so each write starts from its item without a read of its own. Per record: write the file's
change into its post's item (``postdrop.item`` decides what the item becomes; a change the item
already holds, or an older one, writes nothing). A write that moves what the item shows
records, in the same write, the announcement it implies, computed from the item as it was; the
table's stream carries it to PublishFunction (``postdrop.publish``), which announces it. So a
crash or a lost response anywhere here only delays an announcement: the write is in the stream
or it is not, and a redelivered record finds it done or does it.

Failures have one owner each: a record that can never be stored (not an envelope, an item
too large for DynamoDB) goes to StoreDLQ at once with its reason; any other failure fails
the record, SQS redelivers it, and the queue's maxReceiveCount alone decides when to stop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from postdrop.adapters.objects import archive_key, read_archive, require_archive, write_archive
from postdrop.adapters.queue import dead_letter
from postdrop.adapters.table import (
    MAX_ITEM_BYTES,
    Written,
    item_bytes,
    read_item,
    read_items,
    stored_post_json,
    stored_sequencer,
    write_first,
    write_next,
)
from postdrop.core.status import due_of
from postdrop.envelope import INLINE_FIELDS, Envelope, PostHead, Recheck, inline_fields
from postdrop.exceptions import EventNotUnderstood, PermanentFailure, TransientError
from postdrop.item import (
    NOT_PUBLIC_EVENTS,
    event_type_for,
    filters_of,
    first_item,
    held_records,
    item_for,
    next_item,
    origin_of,
    rechecked,
    shown,
)
from postdrop.model import NormalizedPost
from postdrop.observability import MetricUnit, logger, metrics

if TYPE_CHECKING:
    from collections.abc import Callable

    from postdrop.adapters.topic import Outgoing
    from postdrop.aws import Clients
    from postdrop.config import StoreSettings
    from postdrop.notification import EventType, Notification

__all__ = [
    "KEPT", "NOT_PUBLIC_EVENTS", "REMOVED", "UNCHANGED", "StoreBatch", "event_type_for", "notification_for",
    "outgoing_for", "sqs_messages",
]  # fmt: skip

WRITE_TRIES = 8  # rounds of optimistic concurrency before the record is left to SQS's retry
# A file the item does not show, or a kept copy, holds its post inline up to this (compressed);
# a larger one is archived, so an item's size follows the post it shows, not its files times it.
HELD_INLINE_BYTES = 16 * 1024
# What a stored change that moved nothing subscribers see is logged as (INFO, with key and shows,
# and the reason of a file rejected behind the post: x.docx beside x.md)
KEPT = "stored behind the file the post shows: nothing to announce"
REMOVED = "a file removed; the post shows another of its files: nothing to announce"
UNCHANGED = "stored; what the post shows did not change: nothing to announce"


def notification_for(
    item: dict[str, Any],
    event_type: EventType,
    previous: dict[str, Any] | None,
    change: dict[str, Any] | None = None,
    *,
    post_json: str | None = None,
) -> Notification:
    """The notification of what ``item`` shows, as of its ``since``, told after ``previous``
    (the record type and filters of the state subscribers were told before it; None: nothing),
    and for a post.updated what changed: the item's ``announcement`` holds all three.
    ``post_json``: the post the item shows, when the caller has it already (else it is read
    from the item, when the head's INLINE_FIELDS are left to it).

    Every field is a function of the state and of ``previous``: each delivery of one
    announcement is the same bytes.
    """
    # Only PublishFunction (and a replay) announce: StoreFunction's init builds no notification model.
    from postdrop.notification import Notification, notification_id  # noqa: PLC0415

    now = shown(item)
    since = int(item.get("since", 0))
    fields: dict[str, Any] = {
        # since names the state (a status change moves it), so the id needs no status of its own
        "notification_id": notification_id(item["post_id"], str(since), now[0], now[1] or ""),
        "event_type": event_type,
        "post_id": item["post_id"],
        **origin_of(item),
        "revision": since,
        "reason": item.get("reason"),
    }
    if now[0] == "POST":  # the post's head, as the item holds it
        fields |= {name: item[name] for name in PostHead.model_fields if item.get(name) is not None}
        fields.pop("field_hashes", None)  # what the next change compares with; not for subscribers
        if not any(name in item for name in INLINE_FIELDS):  # left out beside an inline post: read from it
            inline = post_json if post_json is not None else stored_post_json(item)
            fields |= inline_fields(json.loads(inline)) if inline is not None else {}
    elif now[0] == "REJECTED":  # what the rejected file's front matter said, where it could be read
        fields |= filters_of(item)
    if previous is not None:
        fields["previous"] = {"record_type": previous["record_type"], **filters_of(previous)}
    if change:
        fields |= {name: change[name] for name in ("changed", "cause") if name in change}
    return Notification.model_validate(fields)


@dataclass(slots=True)
class StoreBatch:
    """One SQS batch: write each record's change as it comes (the stream announces them)."""

    settings: StoreSettings
    clients: Clients
    counts: dict[str, int] = field(default_factory=lambda: {"stored": 0, "unchanged": 0, "stale": 0, "replayed": 0})
    # post_id -> the item as last read or written in this batch (None: no item); a post not here is read
    held: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    _envelopes: dict[str, Envelope] = field(default_factory=dict)  # message id -> its envelope, parsed ahead

    def read_ahead(self, records: list[dict[str, Any]]) -> None:
        """Read the items of every post the batch's envelopes name, in one consistent BatchGetItem,
        before any is written: each write then starts from its post's item. A read that fails
        leaves each write to read its own item; one gone stale by its write only fails the write's
        condition, which hands back the item as it now is."""
        for record in records:
            try:
                self._envelopes[record["messageId"]] = Envelope.model_validate_json(record["body"])
            except ValidationError:
                continue  # a recheck, or no envelope: write_message says which
        post_ids = {envelope.post_id for envelope in self._envelopes.values()}
        if not post_ids:
            return
        try:
            self.held = read_items(self.clients.dynamodb, self.settings.table_name, sorted(post_ids))
        except Exception:
            logger.warning("could not read the batch's items ahead; each write reads its own", exc_info=True)

    def write_message(self, record_id: str, body: str) -> None:
        """Write one SQS message's envelope. Raises PermanentFailure (with where) or what failed."""
        logger.set_correlation_id(None)  # until this record names its file: not the record's before
        envelope = self._envelopes.pop(record_id, None)
        try:
            if envelope is None:
                envelope = Envelope.model_validate_json(body)
        except ValidationError as exc:
            recheck = _recheck(body)  # a scheduled post's schedule, at its date
            if recheck is None:
                raise PermanentFailure(_not_an_envelope(exc)) from None
            self.recheck(record_id, recheck)
            return
        self.write(record_id, envelope)

    def recheck(self, record_id: str, recheck: Recheck, now: datetime | None = None) -> None:
        """A scheduled post's date has come: write its item as published (a new state, announced
        as any change is). A late or second firing finds nothing to change and writes nothing; a
        schedule for a date the post no longer has is ignored; one that fires before the post's
        date fails, so SQS brings it back."""
        logger.set_correlation_id(recheck.post_id)
        db, table = self.clients.dynamodb, self.settings.table_name
        self.held.pop(recheck.post_id, None)  # it reads its own; a later write of the post too
        for _ in range(WRITE_TRIES):
            item = read_item(db, table, recheck.post_id)
            if item is None:
                return
            at = now or datetime.now(UTC)
            planned = rechecked(item, at)
            if planned is None:
                due = due_of(item.get("published_at"))
                if item.get("status") == "scheduled" and due is not None and at < due <= recheck.due_at:
                    raise TransientError(f"{recheck.post_id}: its schedule fired before the post's date ({due})")
                self.counts["replayed"] += 1
                return
            result = write_next(db, table, self._fit(planned), item)
            if result.written and result.item is not None:
                logger.info("a scheduled post's date has come", extra={"post_id": recheck.post_id})
                self.counts["stored"] += 1
                return
        raise TransientError(f"{recheck.post_id}: the item kept changing during {WRITE_TRIES} tries")

    def write(self, record_id: str, envelope: Envelope) -> None:
        """Write one envelope's change: the item and, when what it shows moves, its announcement."""
        logger.set_correlation_id(envelope.change.key)
        db, table = self.clients.dynamodb, self.settings.table_name
        if envelope.change.backfill and not envelope.change.sequencer:  # a Batch Operations task
            sequencer = stored_sequencer(db, table, envelope.post_id, envelope.change.key)
            envelope = envelope.model_copy(
                update={"change": envelope.change.model_copy(update={"sequencer": sequencer})}
            )
        if envelope.post_ref is not None:  # a post that is not where it says can never be announced: say so now
            require_archive(self.clients.s3, envelope.post_ref)
        record = item_for(envelope)
        same_change = envelope.change.backfill
        # The item read first (ahead, for the whole batch): a post's first change is then one write,
        # and a change to a post already stored one write too (a failed conditional write would be
        # billed by the item's size). Until this write ends, its post's item is not held: should it
        # fail, the next record of the post reads the item again.
        if envelope.post_id in self.held:
            held_item = self.held.pop(envelope.post_id)
        else:
            held_item = read_item(db, table, envelope.post_id)
        if held_item is None:
            result = write_first(db, table, self._fit(first_item(record)))
        else:
            result = Written(False, held_item)
        for _ in range(WRITE_TRIES):
            if result.written or result.item is None:
                break
            planned = next_item(result.item, record, same_change=same_change)
            if planned is None:  # the item holds this change or a newer one of this file
                held = result.item.get("files", {}).get(record["key"], result.item)
                self.counts["replayed" if held.get("seq") == record["seq"] else "stale"] += 1
                self.held[envelope.post_id] = result.item
                return
            result = write_next(db, table, self._fit(planned), result.item)
        else:
            raise TransientError(f"{envelope.post_id}: the item kept changing during {WRITE_TRIES} tries")
        self.held[envelope.post_id] = result.item  # the item the write left: the next record of the post starts there
        if result.written and result.item is not None:
            moved = int(result.item.get("since", 0)) == int(result.item.get("rev", -1))
            self.counts["stored" if moved else "unchanged"] += 1
            if not moved:  # the operator asking what became of a file finds why nobody heard of it
                shows = str(result.item.get("key", ""))
                if record.get("record_type") == "DELETED":
                    said = REMOVED
                else:
                    said = KEPT if shows != record["key"] else UNCHANGED
                rejected = {"reason": record.get("reason")} if record.get("record_type") == "REJECTED" else {}
                logger.info(said, extra={"key": record["key"], "shows": shows, **rejected})

    def _fit(self, item: dict[str, Any]) -> dict[str, Any]:
        """The item with its size bounded by the post it shows: the records it holds beside that
        one (files it does not show) keep a post larger than HELD_INLINE_BYTES in the archive,
        content-addressed as ParseFunction archives a large post, and hold ``post_ref``.
        Should the item still pass DynamoDB's 400 KB, its own post goes there too; an item too
        large after that can never be stored, and the write says so (PermanentFailure)."""
        *held, top = held_records(item)
        for record in held:
            packed = record.get("post_zlib")
            if packed is not None and len(bytes(getattr(packed, "value", packed))) > HELD_INLINE_BYTES:
                self._archive(item["post_id"], record)
        if "post_zlib" in top and item_bytes(item) > MAX_ITEM_BYTES - 1024:
            self._archive(item["post_id"], top)
        return item

    def _archive(self, post_id: str, record: dict[str, Any]) -> None:
        """Move a record's post to the archive; the record keeps where (``post_ref``)."""
        key = archive_key(post_id, str(record["content_hash"]))
        text = stored_post_json(record) or ""
        record["post_ref"] = write_archive(self.clients.s3, self.settings.payload_bucket, key, text)
        del record["post_zlib"]
        if text and not any(name in record for name in INLINE_FIELDS):  # no post beside them now: kept again
            record |= inline_fields(json.loads(text))
        logger.info("a held post moved to the archive, to keep the item small", extra={"post_ref": key})

    def finish(self) -> None:
        """The batch's counts as metrics: stored, unchanged, stale, replayed."""
        for name, value in self.counts.items():
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

    def dead_letter(self, record: dict[str, Any], reason: str) -> bool:
        """Move a record that can never be stored to StoreDLQ with its reason; False if that failed."""
        if not self.settings.dlq_url:
            return False
        try:
            dead_letter(self.clients.sqs, self.settings.dlq_url, record["body"], reason, record["messageId"])
        except Exception:
            logger.exception("could not dead-letter the record", extra={"message_id": record["messageId"]})
            return False
        logger.error("record dead-lettered", extra={"message_id": record["messageId"], "reason": reason})
        return True


def sqs_messages(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The SQS records of a StoreFunction event; EventNotUnderstood naming the first record that is not one."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        raise EventNotUnderstood("StoreFunction takes SQS messages from StoreQueue; this event has no Records list")
    for n, record in enumerate(records):
        if not (isinstance(record, dict) and "messageId" in record and "body" in record):
            source = record.get("eventSource", "unknown") if isinstance(record, dict) else type(record).__name__
            raise EventNotUnderstood(
                f"StoreFunction takes SQS messages from StoreQueue; record {n} is not one (eventSource {source})"
            )
    return records


def outgoing_for(
    item: dict[str, Any],
    event_type: EventType,
    previous: dict[str, Any] | None,
    s3: Callable[[], Any],
    *,
    envelope: Envelope | None = None,
    change: dict[str, Any] | None = None,
) -> Outgoing:
    """The notification of what ``item`` shows, with the post for created and updated: the
    envelope's JSON when it carries this very post, else the item's, else read from its archive
    (only when published), with the S3 client ``s3`` gives then (most posts never need one, so
    PublishFunction does not make it at init). A replay builds the same one from the item and
    its ``announcement``."""
    from postdrop.adapters.topic import Outgoing  # noqa: PLC0415 - as in notification_for

    head = envelope.head if envelope is not None else None
    carried = (envelope is not None and head is not None and item["key"] == envelope.change.key
               and item["content_hash"] == head.content_hash)  # fmt: skip
    post_json = envelope.post_json if carried and envelope is not None else None  # no need to decompress
    if post_json is None and shown(item)[0] == "POST":  # decompressed once: the head's excerpts and the post
        post_json = stored_post_json(item)
    notification = notification_for(item, event_type, previous, change, post_json=post_json)
    if event_type not in POST_EVENTS:
        return Outgoing(notification)
    status = item.get("status")  # the effective status: the post's own is the one it was parsed with
    if post_json is not None:
        return Outgoing(notification, post_json=_with_status(post_json, status))
    ref = str(item["post_ref"])
    return Outgoing(notification, load_post=lambda: _with_status(read_archive(s3(), ref), status))


# The notifications that carry the whole post: a post's own states, public or not.
POST_EVENTS = frozenset({"post.created", "post.updated", *NOT_PUBLIC_EVENTS.values()})


def _with_status(post_json: str, status: Any) -> str:
    """The post's JSON with its ``status`` the item's effective one: a scheduled post whose date
    has come is published, in the notification's ``post`` too. Only that one differs from the
    parse (a status other than published is the parser's own), so only then is the JSON parsed."""
    if status != "published" or '"status":"scheduled"' not in post_json:
        return post_json
    post = NormalizedPost.model_validate_json(post_json)
    if post.status == status:
        return post_json
    return post.model_copy(update={"status": status}).model_dump_json()


def _recheck(body: str) -> Recheck | None:
    """A schedule's recheck message, or None when the body is not one."""
    try:
        return Recheck.model_validate_json(body)
    except ValidationError:
        return None


def _not_an_envelope(exc: ValidationError) -> str:
    """Why a body is not an envelope: where, never what (pydantic's text quotes the input)."""
    errors = exc.errors(include_input=False, include_url=False)
    if errors and errors[0]["type"] == "json_invalid":
        return f"not an envelope: the body is not JSON ({errors[0].get('ctx', {}).get('error', 'unreadable')})"
    if any(not e["loc"] for e in errors):
        return "not an envelope: the body is no JSON object"
    missing = sorted({".".join(map(str, e["loc"])) for e in errors if e["type"] == "missing"})
    wrong = sorted({".".join(map(str, e["loc"])) for e in errors if e["type"] != "missing"})
    parts = ([f"missing {', '.join(missing[:10])}"] if missing else []) + (
        [f"wrong {', '.join(wrong[:10])}"] if wrong else []
    )
    why = [e["msg"].removeprefix("Value error, ") for e in errors if e["type"] == "value_error"]  # ours: no input
    return f"not an envelope: {'; '.join(parts)}" + (f" ({'; '.join(why[:3])})" if why else "")
