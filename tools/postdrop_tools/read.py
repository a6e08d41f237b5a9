"""Reading the store: one post whole (`postdrop get`), the posts newest first (`postdrop list`),
and every post item of PostsTable, read by parallel scan segments (what `list` and `replay` read).

Why a scan and not an index for "the posts of a category or a tag": a post has several of each,
and an index finds an item under one value only (ByCategory holds the first category). An
index per membership would add a write of one item per category and tag to every change a
post makes (two write units each, with its index), on the hot path, for a question an operator
asks now and then. A filtered scan costs nothing on writes and half a read unit per 4 KB of the
table when it runs: 1,000,000 posts of about 4 KB are some 500,000 read units, $0.06 at on-demand
prices, once per `list`.
"""

from __future__ import annotations

import os
import queue
import re
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer

from postdrop.adapters.table import MARKER_PREFIX, stored_post_json
from postdrop.core.dates import DEFAULT_ZONE, zone

if TYPE_CHECKING:
    from collections.abc import Iterator

    from postdrop_tools.target import Target

__all__ = ["SEGMENTS", "get_item", "list_posts", "post_json", "scan_items"]

SEGMENTS = 4  # parallel scan segments: each a thread reading its own share of the table
LISTED = ["post_id", "record_type", "title", "published_at", "published_utc", "categories", "tags", "key",
          "source_name", "status"]  # fmt: skip
_deserializer = TypeDeserializer()
_DONE = object()


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def get_item(target: Target, post_id: str) -> dict[str, Any] | None:
    """The post's item as the table holds it (a consistent read), or None."""
    response = target.client("dynamodb").get_item(
        TableName=target.table, Key={"post_id": {"S": post_id}}, ConsistentRead=True
    )
    item = response.get("Item")
    return _plain(item) if item else None


def post_json(target: Target, item: dict[str, Any]) -> str:
    """The stored NormalizedPost JSON of a POST item: inline (compressed) or from its archive in S3."""
    inline = stored_post_json(item)
    if inline is not None:
        return inline
    from postdrop.adapters.objects import read_archive

    return read_archive(target.client("s3"), str(item["post_ref"]))


def scan_items(
    target: Target, *, segments: int = SEGMENTS, projection: list[str] | None = None,
    condition: str | None = None, values: dict[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:  # fmt: skip
    """Every post item (``condition`` a FilterExpression over them, naming attributes ``#name``),
    read by ``segments`` threads at once; items come as pages arrive, in no order. A segment's
    error is raised here."""
    client = target.client("dynamodb")
    request: dict[str, Any] = {"TableName": target.table, "TotalSegments": segments}
    names = [*(projection or []), *re.findall(r"#(\w+)", condition or "")]
    if projection:
        request["ProjectionExpression"] = ", ".join(f"#{name}" for name in projection)
    if names:
        request["ExpressionAttributeNames"] = {f"#{name}": name for name in names}
    if condition:
        request["FilterExpression"] = condition
        request["ExpressionAttributeValues"] = values or {}
    pages: queue.Queue[Any] = queue.Queue(maxsize=16)

    def read(segment: int) -> None:
        try:
            for page in client.get_paginator("scan").paginate(**request, Segment=segment):
                pages.put(page["Items"])
            pages.put(_DONE)
        except Exception as exc:  # handed to the reader, who raises it
            pages.put(exc)

    threads = [threading.Thread(target=read, args=(s,), daemon=True) for s in range(segments)]
    for thread in threads:
        thread.start()
    running = segments
    while running:
        page = pages.get()
        if page is _DONE:
            running -= 1
        elif isinstance(page, Exception):
            raise page
        else:
            yield from (_plain(i) for i in page if not i["post_id"]["S"].startswith(MARKER_PREFIX))


def since_utc(since: str, *, recorded: bool = False) -> str:
    """A --since value as the items' times are written (``2026-03-01``, or any ISO time).
    Without an offset, a post's publication time is a day or a wall clock in the posts' zone
    (POSTDROP_TIMEZONE, as ParseFunction reads dates written without one): ``2026-03-01`` holds
    the posts of that day. A time something was ``recorded`` (a rejection) is in UTC, as
    ``list --rejected`` prints it and as CloudWatch shows an alarm's time."""
    try:
        moment = datetime.fromisoformat(since)
    except ValueError:
        raise ValueError(f"--since {since!r} is not a date (write 2026-03-01 or 2026-03-01T08:00:00+08:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC if recorded else zone(os.environ.get("POSTDROP_TIMEZONE") or DEFAULT_ZONE))
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def list_posts(
    target: Target, *, category: str | None = None, tag: str | None = None, since: str | None = None,
    rejected: bool = False,
) -> list[dict[str, Any]]:  # fmt: skip
    """The stored posts (record type POST), newest first (undated ones last), under ``category``
    and ``tag`` (any of the post's, not only its first) and published at ``since`` or later.
    With ``rejected``, the files rejected instead (record type REJECTED, with their ``reason``),
    the latest rejection first, ``since`` then being when it was recorded."""
    record_type, when = ("REJECTED", "updated_at") if rejected else ("POST", "published_utc")
    conditions, values = ["#record_type = :type"], {":type": {"S": record_type}}
    if category:
        conditions.append("contains(#categories, :category)")
        values[":category"] = {"S": category}
    if tag:
        conditions.append("contains(#tags, :tag)")
        values[":tag"] = {"S": tag}
    if since:
        conditions.append(f"#{when} >= :since")
        values[":since"] = {"S": since_utc(since, recorded=rejected)}
    projection = [*LISTED, "reason", "updated_at"] if rejected else LISTED
    posts = list(scan_items(target, projection=projection, condition=" AND ".join(conditions), values=values))
    posts.sort(key=lambda p: (when in p, p.get(when, ""), p["post_id"]), reverse=True)
    return posts
