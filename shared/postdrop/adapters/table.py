"""PostsTable's calls: conditional writes so the newest change of each file wins, and ``told``.

The item's shape and what a change makes of it are in ``postdrop.item`` (pure). Here:

- ``write_first``: the common case in one UpdateItem. The post's only file (or a new post)
  gets a newer change that shows something new; the condition says so, and the write
  returns the item as it now is. When the condition fails, the item as it was comes back
  with the error, so no read is needed to take the general path.
- ``write_next``: the general path. The item ``next_item`` planned, written only if the
  item is still at the ``rev`` it was planned from (optimistic concurrency).
- ``mark_announcing``: just before a publish, what is about to be announced, if the item
  still shows it; it bumps ``rev``, so a write planned before it plans again and keeps the
  record it announces (``postdrop.item.next_item``).
- ``mark_told``: after a publish succeeded, what subscribers were told; only ever forward.
  Each is one transaction per batch (it bills twice the item's units, but it is one call,
  not one per post).

Stored, each record compresses its post (``post_zlib``: the NormalizedPost JSON, zlib, a
quarter of the size and so of the write units) or points to it (``post_ref``, s3://… of a
large post). Items of earlier postdrop versions hold ``post`` (the JSON as text);
``stored_post_json`` reads both.
"""

from __future__ import annotations

import json
import re
import time
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from postdrop.exceptions import PermanentFailure, TransientError
from postdrop.item import ITEM_FIELDS, entry_of, origin_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mypy_boto3_dynamodb import DynamoDBClient


__all__ = [
    "MARKER_PREFIX", "Written", "item_bytes", "mark_announcing", "mark_told", "read_item", "stored_post_json",
    "stored_sequencer", "write_first", "write_next",
]  # fmt: skip

MAX_ITEM_BYTES = 400 * 1024
TRANSACTION_LIMIT = 100  # actions in one TransactWriteItems
# Earlier postdrop versions put one marker item per announced change under this prefix (they
# expire through the table's TTL); scans skip them.
MARKER_PREFIX = "/published/"
ONE = {"N": "1"}
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


def write_first(client: DynamoDBClient, table: str, record: dict[str, Any], *, same_change: bool = False) -> Written:
    """Store ``record`` as the post's only file, if the item holds no other file, an older
    change of this one (the same one too, for ``same_change``), and shows something else."""
    item = {**record, "files": {record["key"]: entry_of(record)}, "origin": origin_of(record)}
    changes = "attribute_exists(#content_hash)"  # a removal changes what a live post shows
    values: dict[str, Any] = {":one": {"N": "1"}, ":zero": {"N": "0"}, ":seq": {"S": record["seq"]}}
    if "content_hash" in record:
        changes = "(attribute_not_exists(#content_hash) OR #content_hash <> :content_hash)"
    settled = "(attribute_not_exists(#announcing) OR #announcing.#since <= #told.#since)"  # else: next_item
    condition = (
        "attribute_not_exists(post_id) OR (attribute_exists(#files) AND size(#files) = :one"
        f" AND #files.#file.#seq {'<=' if same_change else '<'} :seq AND {changes} AND {settled})"
    )
    counters = "#rev = if_not_exists(#rev, :zero) + :one, #since = if_not_exists(#rev, :zero) + :one"
    names = {"#file": record["key"], "#announcing": "announcing", "#told": "told"}
    return _update(client, table, item, condition=condition, values=values, names=names, counters=counters)


def write_next(client: DynamoDBClient, table: str, item: dict[str, Any], planned_from: dict[str, Any]) -> Written:
    """Store the item ``next_item`` planned, if the item is still the one it was planned from."""
    if "rev" in planned_from:
        condition, values = "#rev = :rev_was", {":rev_was": {"N": str(planned_from["rev"])}}
    else:  # written by an earlier postdrop: no rev yet
        condition, values = "attribute_not_exists(#rev) AND #seq = :seq_was", {":seq_was": {"S": planned_from["seq"]}}
    return _update(client, table, item, condition=condition, values=values, names={}, counters="")


def _update(
    client: DynamoDBClient, table: str, item: dict[str, Any], *, condition: str,
    values: dict[str, Any], names: dict[str, str], counters: str,
) -> Written:  # fmt: skip
    """One UpdateItem: set the item's attributes, remove those it lacks; ``told`` and
    ``announcing`` are set only when the item holds them, never removed."""
    encoded = _to_dynamo({k: v for k, v in item.items() if k != "post_id"})
    size = _encoded_bytes(encoded) + 64  # the key and the counters
    if size > MAX_ITEM_BYTES:
        raise PermanentFailure(f"{item['post_id']}: the item would be {size} bytes; DynamoDB holds {MAX_ITEM_BYTES}")
    fields = (*ITEM_FIELDS, *(n for n in ("told", "announcing") if n in encoded))
    names = names | {f"#{n}": n for n in fields}
    sets = [f"#{n} = :{n}" for n in fields if n in encoded and not (counters and n in ("rev", "since"))]
    sets += [counters] if counters else []
    removes = [f"#{n}" for n in ITEM_FIELDS if n not in encoded and not (counters and n in ("rev", "since"))]
    attribute_values = values | {f":{n}": encoded[n] for n in fields if n in encoded}
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


def mark_announcing(client: DynamoDBClient, table: str, owed: Mapping[str, dict[str, Any]]) -> set[str]:
    """Record what is about to be announced of each post (post_id -> the ``announcing`` state:
    ``postdrop.item.state_of``'s fields, ``event_type`` and ``previous``), where the item still
    shows it (its ``since``) and holds no other unconfirmed announcement. Returns the posts where
    it does not: they changed meanwhile, so their records are retried."""
    return _transact(client, {p: _announcing_update(table, p, state) for p, state in owed.items()})


def mark_told(client: DynamoDBClient, table: str, told: Mapping[str, dict[str, Any]]) -> None:
    """Record what subscribers were told of each post (post_id -> the state, as ``state_of``
    gives it): only ever forward (a post told of a later state is left as it is)."""
    _transact(client, {p: _told_update(table, p, state) for p, state in told.items()})


def _transact(client: DynamoDBClient, actions: dict[str, dict[str, Any]]) -> set[str]:
    """One conditional update per post, in a TransactWriteItems per 100 posts; returns the posts
    whose condition failed. Raises TransientError when a transaction keeps failing for another
    reason (a conflict, throttling)."""
    pending, refused = dict(actions), set()
    for attempt in range(4):
        retry: dict[str, dict[str, Any]] = {}
        names = list(pending)
        for start in range(0, len(names), TRANSACTION_LIMIT):
            chunk = names[start : start + TRANSACTION_LIMIT]
            try:
                client.transact_write_items(TransactItems=[pending[p] for p in chunk])  # type: ignore[misc]
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                reasons: Any = exc.response.get("CancellationReasons") or [{}] * len(chunk)
                for post_id, reason in zip(chunk, reasons, strict=False):  # a cancelled one applies nothing
                    if reason.get("Code") == "ConditionalCheckFailed":
                        refused.add(post_id)
                    else:  # fine itself ("None"), or a conflict or throttling: try again
                        retry[post_id] = pending[post_id]
        if not retry:
            return refused
        pending = retry
        time.sleep(0.05 * 2**attempt)
    raise TransientError(f"could not update {len(pending)} post(s) in a transaction")


def _state(state: Mapping[str, Any]) -> dict[str, Any]:
    """A state as ``told`` and ``announcing`` hold it (record type, content hash, since, filter
    attributes, what else it names), in DynamoDB's types."""
    kept = {k: v for k, v in state.items() if v is not None and v not in ([], "", {})}
    return {"M": _to_dynamo(kept)}


def _guarded(table: str, post_id: str, expression: str, condition: str, values: dict[str, Any]) -> dict[str, Any]:
    """One conditional Update of a transaction; ``#name`` placeholders name attributes as written."""
    used = set(_PLACEHOLDER.findall(f"{expression} {condition}"))
    return {
        "Update": {
            "TableName": table,
            "Key": {"post_id": {"S": post_id}},
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {p: p[1:] for p in used if p.startswith("#")},
            "ExpressionAttributeValues": values,
        }
    }


def _announcing_update(table: str, post_id: str, state: Mapping[str, Any]) -> dict[str, Any]:
    settled = "(attribute_exists(#told) AND #announcing.#since <= #told.#since)"
    condition = f"#since = :since AND (attribute_not_exists(#announcing) OR #announcing.#since = :since OR {settled})"
    values = {":announcing": _state(state), ":since": {"N": str(state["since"])}, ":one": ONE}
    return _guarded(table, post_id, "SET #announcing = :announcing, #rev = #rev + :one", condition, values)


def _told_update(table: str, post_id: str, state: Mapping[str, Any]) -> dict[str, Any]:
    condition = "attribute_exists(post_id) AND (attribute_not_exists(#told) OR #told.#since < :since)"
    told = {k: v for k, v in state.items() if k != "record"}  # event_type and previous: a replay says it again
    values = {":told": _state(told), ":since": {"N": str(state["since"])}}
    return _guarded(table, post_id, "SET #told = :told", condition, values)


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
