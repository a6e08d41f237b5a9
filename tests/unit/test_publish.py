"""Which stream records PublishFunction announces, read as Lambda delivers them."""

from __future__ import annotations

import base64
import zlib
from typing import Any

import pytest

from postdrop.exceptions import EventNotUnderstood
from postdrop.publish import announceable, stream_records

ANNOUNCEMENT = {"M": {"since": {"N": "3"}, "event_type": {"S": "post.updated"}}}


def record(image: dict[str, Any] | None, name: str = "MODIFY") -> dict[str, Any]:
    change: dict[str, Any] = {"SequenceNumber": "100", "Keys": {"post_id": {"S": "x"}}}
    if image is not None:
        change["NewImage"] = image
    return {"eventName": name, "eventSource": "aws:dynamodb", "dynamodb": change}


def image(rev: int, since: int, **more: Any) -> dict[str, Any]:
    return {"post_id": {"S": "x"}, "rev": {"N": str(rev)}, "since": {"N": str(since)}, "record_type": {"S": "POST"},
            "content_hash": {"S": "h"}, "announcement": ANNOUNCEMENT} | more  # fmt: skip


def test_a_write_that_moved_the_state_is_announced_with_its_post_readable() -> None:
    packed = base64.b64encode(zlib.compress(b'{"title":"t"}')).decode()  # Lambda's events carry binary as base64
    item = announceable(record(image(3, 3, post_zlib={"B": packed})))
    assert item is not None and zlib.decompress(bytes(item["post_zlib"])) == b'{"title":"t"}'


@pytest.mark.parametrize(
    "skipped",
    [
        record(image(4, 3)),  # a write that moved nothing (a twin not shown): since stays behind rev
        record(image(3, 3, announcement={"M": {"since": {"N": "2"}, "event_type": {"S": "post.created"}}})),
        record({k: v for k, v in image(1, 1).items() if k != "announcement"}, "INSERT"),  # a tombstone nobody heard of
        record({"post_id": {"S": "x"}}, "INSERT"),  # an image without the item's bookkeeping
        record(None, "REMOVE"),  # an earlier version's marker expiring
        record(
            {"post_id": {"S": "/published/x"}, "rev": {"N": "1"}, "since": {"N": "1"}, "announcement": ANNOUNCEMENT}
        ),
    ],
)
def test_every_other_record_is_skipped(skipped: dict[str, Any]) -> None:
    assert announceable(skipped) is None


def test_anything_but_the_table_s_stream_is_refused_saying_what_it_is() -> None:
    with pytest.raises(EventNotUnderstood, match="record 0 is not one \\(eventSource aws:sqs\\)"):
        stream_records({"Records": [{"eventSource": "aws:sqs", "body": "{}"}]})
    with pytest.raises(EventNotUnderstood, match="no Records list"):
        stream_records({})
