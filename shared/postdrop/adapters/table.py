"""PostsTable's calls: conditional writes so the newest change of each file wins.

The item's shape, what a change makes of it and the announcement a write records are in
``postdrop.item`` (pure). Here:

- ``write_first``: a post's first change in one UpdateItem, if the post has no item yet (the
  store reads the item first: a consistent read costs a fifth of what a failed conditional write
  of the item would); when it has one after all, the item comes back with the failed condition.
- ``read_items``: the items of a batch's posts, read in one BatchGetItem before its writes (the
  store hands each write the item read for its post; a read gone stale only fails a condition,
  which hands back the item as it now is).
- ``write_next``: the general path. The item ``next_item`` planned, written only if the
  item is still at the ``rev`` it was planned from (optimistic concurrency).

Each is the only write of a change: the table's stream carries it to the publisher.

Stored, each record compresses its post (``post_zlib``: the NormalizedPost JSON, zlib with
postdrop's dictionary, ``postdrop.item.pack_post``: a fifth of the size and so of the write
units) or points to it (``post_ref``, s3://… of a large post). Items of earlier postdrop
versions hold ``post`` (the JSON as text); ``stored_post_json`` reads both;
``from_stream_image`` reads an item from a stream record.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from postdrop.exceptions import PermanentFailure
from postdrop.item import ITEM_FIELDS, unpack_post

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mypy_boto3_dynamodb import DynamoDBClient


__all__ = [
    "MARKER_PREFIX", "Written", "from_stream_image", "item_bytes", "read_item", "read_items", "stored_post_json",
    "stored_sequencer", "write_first", "write_next",
]  # fmt: skip

MAX_ITEM_BYTES = 400 * 1024
BATCH_GET_KEYS = 100  # BatchGetItem's most keys a request (and 16 MB an answer: the rest come back unprocessed)
BATCH_GET_TRIES = 4  # requests for a chunk's unprocessed keys before each is read on its own (GetItem)
BATCH_GET_BACKOFF = 0.05  # seconds before the first retry of unprocessed keys, doubling after
# Earlier postdrop versions put one marker item per announced change under this prefix (they
# expire through the table's TTL); scans skip them.
MARKER_PREFIX = "/published/"
_PLACEHOLDER = re.compile(r"[#:]\w+")
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


@dataclass(frozen=True, slots=True)
class Written:
    """``written``: the write took effect. ``item``: the item as it now is (None: no item)."""

    written: bool
    item: dict[str, Any] | None


def stored_post_json(item: dict[str, Any]) -> str | None:
    """The NormalizedPost JSON an item or record holds inline (None for post_ref and non-posts)."""
    packed = item.get("post_zlib")
    if packed is not None:
        return unpack_post(bytes(getattr(packed, "value", packed)))
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


def write_first(client: DynamoDBClient, table: str, item: dict[str, Any]) -> Written:
    """Store ``item`` (``postdrop.item.first_item``: a post's first change, rev 1) if the post
    has no item yet; else the item as it is comes back, not written."""
    return _update(client, table, item, condition="attribute_not_exists(post_id)", values={})


def write_next(client: DynamoDBClient, table: str, item: dict[str, Any], planned_from: dict[str, Any]) -> Written:
    """Store the item ``next_item`` planned, if the item is still the one it was planned from."""
    if "rev" in planned_from:
        condition, values = "#rev = :rev_was", {":rev_was": {"N": str(planned_from["rev"])}}
    else:  # written by an earlier postdrop: no rev yet
        condition, values = "attribute_not_exists(#rev) AND #seq = :seq_was", {":seq_was": {"S": planned_from["seq"]}}
    return _update(client, table, item, condition=condition, values=values)


def _update(client: DynamoDBClient, table: str, item: dict[str, Any], *, condition: str,
            values: dict[str, Any]) -> Written:  # fmt: skip
    """One UpdateItem: set the item's attributes, remove those it lacks."""
    encoded = _to_dynamo({k: v for k, v in item.items() if k != "post_id"})
    size = _encoded_bytes(encoded) + 64  # the key
    if size > MAX_ITEM_BYTES:
        raise PermanentFailure(f"{item['post_id']}: the item would be {size} bytes; DynamoDB holds {MAX_ITEM_BYTES}")
    names = {f"#{n}": n for n in ITEM_FIELDS}
    sets = [f"#{n} = :{n}" for n in ITEM_FIELDS if n in encoded]
    removes = [f"#{n}" for n in ITEM_FIELDS if n not in encoded]
    attribute_values = values | {f":{n}": encoded[n] for n in ITEM_FIELDS if n in encoded}
    expression = f"SET {', '.join(sets)}" + (f" REMOVE {', '.join(removes)}" if removes else "")
    used = set(_PLACEHOLDER.findall(expression + " " + condition))
    try:
        response = client.update_item(
            TableName=table,
            Key={"post_id": {"S": item["post_id"]}},
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames={k: v for k, v in names.items() if k in used},
            ExpressionAttributeValues={k: v for k, v in attribute_values.items() if k in used},
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        return Written(False, _from_dynamo(exc.response.get("Item")))  # type: ignore[arg-type]
    return Written(True, _from_dynamo(response.get("Attributes")))


def stored_sequencer(client: DynamoDBClient, table: str, post_id: str, key: str) -> str:
    """The sequencer the table holds for the object ``key`` ("0" when none): a backfill re-reads
    the object at that change, so an unchanged post stays silent and a newer change still wins."""
    response = client.get_item(
        TableName=table, Key={"post_id": {"S": post_id}}, ProjectionExpression="#files.#file, sequencer, #k",
        ExpressionAttributeNames={"#files": "files", "#file": key, "#k": "key"}, ConsistentRead=True,
    )  # fmt: skip
    item = _from_dynamo(response.get("Item")) or {}
    entry = (item.get("files") or {}).get(key)
    if entry is not None and "sequencer" in entry:
        return str(entry["sequencer"])
    if "files" not in item and item.get("key") == key and "sequencer" in item:
        return str(item["sequencer"])
    return "0"


def read_item(client: DynamoDBClient, table: str, post_id: str) -> dict[str, Any] | None:
    """The post's item as it is now (a consistent read), None when there is none."""
    response = client.get_item(TableName=table, Key={"post_id": {"S": post_id}}, ConsistentRead=True)
    return _from_dynamo(response.get("Item"))


def read_items(client: DynamoDBClient, table: str, post_ids: Iterable[str]) -> dict[str, dict[str, Any] | None]:
    """The posts' items as they are now (consistent reads), by post_id; None for a post with none.

    One BatchGetItem per 100 distinct post_ids (a key twice in one request is an error, so they
    are deduplicated). Keys DynamoDB leaves unprocessed (throttled, or past its 16 MB an answer)
    are asked again after a short backoff, a few times; those still unprocessed are read one by
    one (GetItem), so every post_id asked for is in the answer.
    """
    wanted = list(dict.fromkeys(post_ids))
    found: dict[str, dict[str, Any] | None] = dict.fromkeys(wanted)
    for start in range(0, len(wanted), BATCH_GET_KEYS):
        keys: list[Any] = [{"post_id": {"S": post_id}} for post_id in wanted[start : start + BATCH_GET_KEYS]]
        for attempt in range(BATCH_GET_TRIES):
            if attempt:
                time.sleep(BATCH_GET_BACKOFF * 2 ** (attempt - 1))
            response = client.batch_get_item(RequestItems={table: {"Keys": keys, "ConsistentRead": True}})
            for raw in response.get("Responses", {}).get(table, []):
                item = _from_dynamo(raw)
                if item is not None:
                    found[str(item["post_id"])] = item
            left = (response.get("UnprocessedKeys") or {}).get(table)
            keys = list(left["Keys"]) if left else []
            if not keys:
                break
        for key in keys:  # still unprocessed after every try
            post_id = str(key["post_id"]["S"])
            found[post_id] = read_item(client, table, post_id)
    return found


def from_stream_image(image: dict[str, Any]) -> dict[str, Any]:
    """An item as a DynamoDB stream record's ``NewImage`` holds it (DynamoDB's JSON), in Python's types."""
    return _from_dynamo(image) or {}
