"""PostsTable: one item per post_id, written conditionally so the newest S3 change wins.

Item shape (the stored form; mapped explicitly from envelopes in ``item_for``):

    post_id (pk)  record_type  POST | REJECTED | DELETED
    seq           the S3 sequencer, left-padded: string order is S3's order
    key, bucket, version_id, etag, sequencer, updated_at
    POST:         content_hash, title, published_at, published_utc, category (the first,
                  for the ByCategory index), categories, tags, source_url, and either
                  post_zlib (the NormalizedPost JSON, zlib-compressed: a quarter of the
                  size, so a quarter of the write units) or post_ref (s3://… of it, for
                  large posts). Items written before postdrop compressed hold ``post``
                  (the JSON as text); ``stored_post_json`` reads both.
    REJECTED:     reason, content_hash (of the reason)
    pending       "1" on every write: the change may still owe a notification. It is known
                  to be out once the change's published marker exists (``mark_published``);
                  items written before markers existed had ``pending`` removed instead.
    prev_*        record_type, content_hash and reason of the record this one replaced

A write is one UpdateItem with ``attribute_not_exists(post_id) OR seq < :seq`` that returns
the old item, so "created, updated, unchanged, stale or replayed" is known without a read.
Published markers (``/published/<post_id>/<seq>``, record_type PUBLISHED, expiring) say
which changes' notifications went out; only a replay reads one.
"""

from __future__ import annotations

import hashlib
import json
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from postdrop.exceptions import TransientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from postdrop.envelope import Envelope

__all__ = [
    "MARKER_PREFIX", "RecordType", "WriteOutcome", "item_bytes", "item_for", "mark_published", "marker_key",
    "previous_of", "stored_post_json", "stored_sequencer", "was_published", "write_record",
]  # fmt: skip

RecordType = Literal["POST", "REJECTED", "DELETED"]
MAX_ITEM_BYTES = 400 * 1024
ZLIB_LEVEL = 6
BATCH_WRITE_LIMIT = 25
MARKER_PREFIX = "/published/"
MARKER_DAYS = 15  # longer than SQS keeps a message (14 days at most): no redelivery outlives its marker
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """written: the change is now stored. Else why not: stale (older than stored) or replay (same change)."""

    status: Literal["written", "stale", "replay"]
    old: dict[str, Any] | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _utc(iso: str | None) -> str | None:
    if not iso:
        return None
    return datetime.fromisoformat(iso).astimezone(UTC).isoformat().replace("+00:00", "Z")


def item_for(envelope: Envelope) -> dict[str, Any]:
    """The stored item for an envelope (without the bookkeeping ``write_record`` adds)."""
    change = envelope.change
    item: dict[str, Any] = {
        "post_id": envelope.post_id,
        "seq": change.order,
        "sequencer": change.sequencer,
        "key": change.key,
        "bucket": change.bucket,
        "version_id": change.version_id,
        "etag": change.etag,
        "updated_at": _now(),
    }
    if envelope.action == "upsert" and envelope.head is not None:
        head = envelope.head
        item |= {
            "record_type": "POST",
            "content_hash": head.content_hash,
            "title": head.title,
            "published_at": head.published_at,
            "published_utc": _utc(head.published_at),
            "category": head.categories[0] if head.categories else None,
            "categories": head.categories,
            "tags": head.tags,
            "source_url": head.source_url,
            "post_zlib": _compress(envelope.post_json) if envelope.post_json is not None else None,
            "post_ref": envelope.post_ref,
        }
    elif envelope.action == "reject":
        reason = envelope.reason or "rejected"
        item |= {
            "record_type": "REJECTED",
            "reason": reason,
            "content_hash": hashlib.sha256(reason.encode()).hexdigest(),
        }
    else:
        item |= {"record_type": "DELETED"}
    return {k: v for k, v in item.items() if v is not None and v != []}


def _compress(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), ZLIB_LEVEL)


def stored_post_json(item: dict[str, Any]) -> str | None:
    """The NormalizedPost JSON an item holds inline (None for post_ref items and non-posts)."""
    packed = item.get("post_zlib")
    if packed is not None:
        return zlib.decompress(bytes(getattr(packed, "value", packed))).decode("utf-8")
    legacy = item.get("post")
    return str(legacy) if legacy is not None else None


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size as a JSON estimate of what DynamoDB counts (names and values, UTF-8;
    a binary value counts its length): over, never under, the billed size."""
    return _encoded_bytes(_to_dynamo(item))


def _encoded_bytes(encoded: dict[str, Any]) -> int:
    return len(json.dumps(encoded, ensure_ascii=False, default=_bytes_as_text).encode())


def _bytes_as_text(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return "b" * len(value)
    if hasattr(value, "value") and isinstance(value.value, bytes):  # boto3's Binary, as a scan returns it
        return "b" * len(value.value)
    return str(value)  # a number (Decimal)


def _to_dynamo(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in item.items()}


def _from_dynamo(item: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: _deserializer.deserialize(v) for k, v in item.items()} if item else None


_STORED = (
    "seq", "sequencer", "key", "bucket", "version_id", "etag", "updated_at", "record_type", "content_hash",
    "title", "published_at", "published_utc", "category", "categories", "tags", "source_url", "post_zlib", "post",
    "post_ref",
    "reason",
    "pending",
)  # fmt: skip
# What the write replaced, kept on the item so a retried record can still tell created from updated.
_PREVIOUS = ("record_type", "content_hash", "reason")
_NONE = "-"


def previous_of(item: dict[str, Any]) -> dict[str, Any]:
    """The record a stored item replaced, as the item remembers it."""
    return {name: item[f"prev_{name}"] for name in _PREVIOUS if item.get(f"prev_{name}", _NONE) != _NONE}


def write_record(
    client: DynamoDBClient, table: str, item: dict[str, Any], *, same_change: bool = False
) -> WriteOutcome:
    """Store ``item`` unless the table already holds this change or a newer one.

    One UpdateItem: it sets the new attributes, removes the ones the new record lacks,
    remembers what it replaced (``prev_*``) and marks the change ``pending`` (a replay then
    asks ``was_published``). ``same_change`` (backfill) also
    lets it rewrite the change the table already holds, e.g. after a parser fix.
    """
    encoded = _to_dynamo({**item, "pending": "1"})  # serialized once: for the size check and the request
    size = _encoded_bytes(encoded)
    if size > MAX_ITEM_BYTES:
        raise ValueError(f"{item['post_id']}: the item would be {size} bytes; DynamoDB holds {MAX_ITEM_BYTES}")
    names = {f"#{n}": n for n in (*_STORED, *(f"prev_{p}" for p in _PREVIOUS))}
    sets = [f"#prev_{p} = if_not_exists(#{p}, :none)" for p in _PREVIOUS]
    sets += [f"#{n} = :{n}" for n in _STORED if n in encoded]
    removes = [f"#{n}" for n in _STORED if n not in encoded]
    attribute_values = {f":{n}": encoded[n] for n in _STORED if n in encoded}
    attribute_values[":none"] = {"S": _NONE}
    try:
        response = client.update_item(
            TableName=table,
            Key={"post_id": {"S": item["post_id"]}},
            UpdateExpression=f"SET {', '.join(sets)}" + (f" REMOVE {', '.join(removes)}" if removes else ""),
            ConditionExpression=f"attribute_not_exists(post_id) OR #seq {'<=' if same_change else '<'} :seq",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=attribute_values,
            ReturnValues="ALL_OLD",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        old = _from_dynamo(exc.response.get("Item"))  # type: ignore[arg-type]
        same = old is not None and old.get("seq") == item["seq"]
        return WriteOutcome("replay" if same else "stale", old)
    return WriteOutcome("written", _from_dynamo(response.get("Attributes")))


def mark_published(client: DynamoDBClient, table: str, published: list[tuple[str, str]]) -> None:
    """Record that the notifications of these changes (post_id, seq) went out.

    One small marker item per change (key ``/published/<post_id>/<seq>``: no post_id starts
    with "/"), put in batches of 25 and expiring after MARKER_DAYS through the table's TTL.
    A marker costs one write unit; clearing the post item's own mark, as postdrop did
    before, rewrote the whole item inside a transaction, billed twice. Raises
    TransientError when DynamoDB leaves some unwritten after a few tries.
    """
    expires = str(int(datetime.now(UTC).timestamp()) + MARKER_DAYS * 86400)
    requests: list[Any] = [
        {"PutRequest": {"Item": {"post_id": {"S": marker_key(post_id, seq)}, "record_type": {"S": "PUBLISHED"},
                                 "expires_at": {"N": expires}}}}
        for post_id, seq in dict.fromkeys(published)
    ]  # fmt: skip
    for start in range(0, len(requests), BATCH_WRITE_LIMIT):
        todo = requests[start : start + BATCH_WRITE_LIMIT]
        for attempt in range(4):
            left = client.batch_write_item(RequestItems={table: todo}).get("UnprocessedItems", {}).get(table) or []
            if not left:
                break
            todo = list(left)
            time.sleep(0.05 * 2**attempt)
        else:
            raise TransientError(f"DynamoDB left {len(todo)} published marker(s) unwritten")


def was_published(client: DynamoDBClient, table: str, post_id: str, seq: str) -> bool:
    """Whether the notification of this change went out (its marker exists)."""
    key = {"post_id": {"S": marker_key(post_id, seq)}}
    return "Item" in client.get_item(TableName=table, Key=key, ConsistentRead=True)


def marker_key(post_id: str, seq: str) -> str:
    return f"{MARKER_PREFIX}{post_id}/{seq}"


def stored_sequencer(client: DynamoDBClient, table: str, post_id: str, key: str) -> str:
    """The sequencer the table holds for the object ``key`` ("0" when none): a backfill re-reads
    the object at that change, so an unchanged post stays silent and a newer change still wins."""
    response = client.get_item(
        TableName=table, Key={"post_id": {"S": post_id}}, ProjectionExpression="sequencer, #k",
        ExpressionAttributeNames={"#k": "key"}, ConsistentRead=True,
    )  # fmt: skip
    item = response.get("Item") or {}
    if item.get("key", {}).get("S") == key and "sequencer" in item:
        return str(item["sequencer"]["S"])
    return "0"
