"""The item's decisions, table by table: precedence, what a change makes of an item, what is announced."""

from __future__ import annotations

from typing import Any

import pytest

from postdrop.item import next_item, precedence, rechecked, shown, told, unconfirmed
from postdrop.store import event_type_for


def record(key: str, seq: str, record_type: str = "POST", content_hash: str | None = "h1") -> dict[str, Any]:
    out: dict[str, Any] = {"post_id": "x", "key": key, "seq": seq.rjust(32, "0"), "sequencer": seq,
                           "record_type": record_type}  # fmt: skip
    if record_type != "DELETED" and content_hash is not None:
        out["content_hash"] = content_hash
    return out


def item_of(*records: dict[str, Any]) -> dict[str, Any]:
    """The item those records make, applied in order to an empty one."""
    item: dict[str, Any] = {"post_id": "x"}
    for r in records:
        item = next_item(item, r) or item
    return item


@pytest.mark.parametrize(
    ("keys", "first"),
    [
        (["posts/x.html", "posts/x.md"], "posts/x.md"),
        (["posts/x.txt", "posts/x.markdown", "posts/x.htm"], "posts/x.markdown"),
        (["posts/x.jpg", "posts/x.txt"], "posts/x.txt"),  # any post type before a file rejected for its type
        (["posts/x.MD", "posts/x.html"], "posts/x.MD"),  # suffixes compare without case
        (["posts/x.png", "posts/x.jpg"], "posts/x.jpg"),  # then by key
    ],
)
def test_precedence(keys: list[str], first: str) -> None:
    assert min(keys, key=precedence) == first


def test_a_change_the_item_holds_or_an_older_one_writes_nothing() -> None:
    item = item_of(record("posts/x.md", "02"))
    assert next_item(item, record("posts/x.md", "02")) is None  # the same change
    assert next_item(item, record("posts/x.md", "01", content_hash="h0")) is None  # an older one
    assert next_item(item, record("posts/x.md", "02", content_hash="h2"), same_change=True) is not None  # a backfill


@pytest.mark.parametrize(
    ("changes", "shows", "since"),
    [
        ([record("posts/x.md", "01")], ("POST", "posts/x.md"), 1),
        ([record("posts/x.md", "01"), record("posts/x.md", "02")], ("POST", "posts/x.md"), 1),  # same content
        ([record("posts/x.md", "01"), record("posts/x.md", "02", content_hash="h2")], ("POST", "posts/x.md"), 2),
        ([record("posts/x.md", "01"), record("posts/x.jpg", "01", "REJECTED", "r")], ("POST", "posts/x.md"), 1),
        ([record("posts/x.jpg", "01", "REJECTED", "r"), record("posts/x.md", "01")], ("POST", "posts/x.md"), 2),
        (
            [
                record("posts/x.html", "01", content_hash="hh"),
                record("posts/x.md", "01"),
                record("posts/x.md", "02", "DELETED"),
            ],
            ("POST", "posts/x.html"),
            3,
        ),
        ([record("posts/x.md", "01"), record("posts/x.md", "02", "DELETED")], ("DELETED", "posts/x.md"), 2),
        ([record("posts/x.md", "02", "DELETED"), record("posts/x.md", "01")], ("DELETED", "posts/x.md"), 1),
    ],
)
def test_what_the_item_shows_and_since_when(changes: list[dict[str, Any]], shows: tuple[str, str], since: int) -> None:
    item = item_of(*changes)
    assert (item["record_type"], item["key"]) == shows
    assert item["since"] == since and item["rev"] >= since


def test_a_file_not_shown_keeps_its_record_to_show_it_later() -> None:
    item = item_of(record("posts/x.html", "01", content_hash="hh"), record("posts/x.md", "01"))
    assert item["files"]["posts/x.html"]["record"]["content_hash"] == "hh"
    assert "record" not in item["files"]["posts/x.md"]  # the shown file's record is the top level


def test_an_item_an_earlier_version_wrote_counts_as_told_and_keeps_it() -> None:
    legacy = {"post_id": "x", **{k: v for k, v in record("posts/x.md", "01").items() if k != "post_id"}}
    assert told(legacy) == (("POST", "h1", "published"), 0)  # an earlier version announced it as published
    rewritten = next_item(legacy, record("posts/x.md", "02", content_hash="h2"))
    assert rewritten is not None and told(rewritten) == (("POST", "h1", "published"), 0)
    assert shown(rewritten) == ("POST", "h2", "published")


@pytest.mark.parametrize(
    ("was", "now", "event"),
    [
        (("DELETED", None, None), ("POST", "h", "published"), "post.created"),
        (("REJECTED", "r", None), ("POST", "h", "published"), "post.created"),
        (("POST", "h", "published"), ("POST", "h2", "published"), "post.updated"),
        (("POST", "h", "published"), ("POST", "h", "published"), None),
        (("POST", "h", "published"), ("REJECTED", "r", None), "post.rejected"),
        (("REJECTED", "r", None), ("REJECTED", "r2", None), "post.rejected"),
        (("REJECTED", "r", None), ("REJECTED", "r", None), None),
        (("POST", "h", "published"), ("DELETED", None, None), "post.deleted"),
        (("REJECTED", "r", None), ("DELETED", None, None), "post.deleted"),
        (("DELETED", None, None), ("DELETED", None, None), None),
        # #27: a post that is not public is announced as what it is; leaving public is post.deleted
        (("DELETED", None, None), ("POST", "h", "scheduled"), "post.scheduled"),
        (("DELETED", None, None), ("POST", "h", "unpublished"), "post.unpublished"),
        (("DELETED", None, None), ("POST", "h", "draft"), "post.draft"),
        (("POST", "h", "scheduled"), ("POST", "h2", "scheduled"), "post.scheduled"),
        (("POST", "h", "scheduled"), ("POST", "h", "published"), "post.created"),  # its date came
        (("POST", "h", "draft"), ("POST", "h2", "published"), "post.created"),
        (("POST", "h", "published"), ("POST", "h2", "unpublished"), "post.deleted"),
        (("POST", "h", "published"), ("POST", "h2", "draft"), "post.deleted"),
        (("POST", "h", "scheduled"), ("DELETED", None, None), "post.deleted"),
        (("POST", "h", "unpublished"), ("REJECTED", "r", None), "post.rejected"),
    ],
)
def test_the_event_is_what_changed_since_subscribers_were_told(
    was: tuple[str, str | None, str | None], now: tuple[str, str | None, str | None], event: str | None
) -> None:
    assert event_type_for(was, now) == event


def test_every_attribute_a_record_can_have_is_one_a_write_sets_or_removes() -> None:
    from postdrop.core.normalize import parse_post
    from postdrop.envelope import Envelope, PostHead
    from postdrop.item import ITEM_FIELDS, RECORD_FIELDS, item_for
    from postdrop.s3events import S3Change
    from tests.conftest import post as post_file

    change = S3Change(bucket="b", key="posts/x.md", kind="created", event_name="ObjectCreated:Put", sequencer="01",
                      etag="e", version_id="v")  # fmt: skip
    full = post_file('title: "t"\ncategories: [a]\ntags: [b]\ndate: 2026-03-01 09:00:00 +0800\nsource: s')
    parsed = parse_post(full, "posts/x.md")
    envelopes = [
        Envelope(action="upsert", post_id="x", change=change, head=PostHead.of(parsed), post=parsed),
        Envelope(action="upsert", post_id="x", change=change, head=PostHead.of(parsed), post_ref="s3://b/k"),
        Envelope(action="reject", post_id="x", change=change, reason="r"),
        Envelope(action="delete", post_id="x", change=change),
    ]
    for envelope in envelopes:
        assert set(item_for(envelope)) - {"post_id"} <= set(RECORD_FIELDS) <= set(ITEM_FIELDS)


def test_a_write_that_supersedes_an_unconfirmed_announcement_keeps_its_record() -> None:
    item = item_of(record("posts/x.md", "1"), record("posts/x.md", "2", content_hash="h2"))
    item["told"] = {"record_type": "POST", "content_hash": "h1", "since": 1}
    item["announcing"] = {"record_type": "POST", "content_hash": "h2", "since": item["since"],
                          "event_type": "post.updated"}  # fmt: skip
    assert unconfirmed(item) == item["announcing"]
    undone = next_item(item, record("posts/x.md", "3", content_hash="h1"))
    assert undone is not None and shown(undone) == ("POST", "h1", "published")
    kept = undone["announcing"]
    assert kept["since"] == item["since"] and kept["record"]["content_hash"] == "h2"
    assert kept["record"]["sequencer"] == "2"  # the record announced, as it was
    # once confirmed, the next write drops the copy and keeps the mark
    confirmed = undone | {"told": {"record_type": "POST", "content_hash": "h2", "since": item["since"]}}
    assert unconfirmed(confirmed) is None
    later = next_item(confirmed, record("posts/x.md", "4", content_hash="h4"))
    assert later is not None and "record" not in later["announcing"]


def test_an_announcement_already_told_or_still_shown_keeps_no_record() -> None:
    item = item_of(record("posts/x.md", "1"))
    item["announcing"] = {"record_type": "POST", "content_hash": "h1", "since": item["since"], "event_type": "x"}
    item["told"] = item["announcing"] | {}
    assert unconfirmed(item) is None
    after = next_item(item, record("posts/x.md", "2", content_hash="h2"))
    assert after is not None and "announcing" not in after  # told: nothing to keep, nothing written
    del item["told"]
    same = next_item(item, record("posts/x.md", "2"))  # a newer change of the same content: it still shows it
    assert same is not None and "announcing" not in same


def _scheduled(seq: str, date: str, content_hash: str = "h1") -> dict[str, Any]:
    return record("posts/x.md", seq, content_hash=content_hash) | {"status": "scheduled", "published_at": date}


def test_a_scheduled_post_whose_date_has_come_is_written_as_published() -> None:
    from datetime import UTC, datetime

    # Given a scheduled record whose date is 10:00 UTC
    before, after = datetime(2026, 3, 1, 9, 59, 59, tzinfo=UTC), datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    item = next_item({"post_id": "x"}, _scheduled("1", "2026-03-01T18:00:00+08:00"), now=before)
    assert item is not None and shown(item) == ("POST", "h1", "scheduled")
    # When its schedule fires too early, nothing changes; when at its date, it is published, a new state
    assert rechecked(item, before) is None
    due = rechecked(item, after)
    assert due is not None and shown(due) == ("POST", "h1", "published") and due["since"] == item["rev"] + 1
    assert due["origin"] == item["origin"] and due["files"] == item["files"]  # the same file change, now public
    # and a late or second firing finds it public: nothing to write
    assert rechecked(due, after) is None


def test_a_recheck_that_supersedes_an_unconfirmed_announcement_keeps_its_record() -> None:
    from datetime import UTC, datetime

    item = next_item({"post_id": "x"}, _scheduled("1", "2026-03-01T10:00:00+00:00"),
                     now=datetime(2026, 3, 1, tzinfo=UTC))  # fmt: skip
    assert item is not None
    item["announcing"] = {"record_type": "POST", "content_hash": "h1", "since": item["since"], "status": "scheduled",
                          "event_type": "post.scheduled"}  # fmt: skip
    due = rechecked(item, datetime(2026, 3, 1, 10, tzinfo=UTC))
    assert due is not None and due["announcing"]["record"]["status"] == "scheduled"


def test_a_new_change_writes_the_effective_status_of_the_post_it_shows() -> None:
    from datetime import UTC, datetime

    # a post parsed while scheduled, stored after its date: it is published when written
    item = next_item({"post_id": "x"}, _scheduled("1", "2026-03-01T10:00:00+00:00"),
                     now=datetime(2026, 3, 2, tzinfo=UTC))  # fmt: skip
    assert item is not None and item["status"] == "published"
