"""The item's decisions, table by table: precedence, what a change makes of an item, what is announced."""

from __future__ import annotations

import zlib
from typing import Any

import pytest

from postdrop.item import (
    POST_DICTIONARY,
    announced,
    event_type_for,
    first_item,
    known,
    next_item,
    pack_post,
    precedence,
    rechecked,
    shown,
    unpack_post,
)  # fmt: skip


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
        (["posts//x.md", "posts/x.md"], "posts/x.md"),  # a doubled slash (a typo) never hides the key written
        (["posts/a//x.md", "posts/a/x.md"], "posts/a/x.md"),
        (["posts//x.md", "posts/x.html"], "posts//x.md"),  # but the post's type comes first
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


def test_an_item_an_earlier_version_wrote_counts_as_told_what_it_shows() -> None:
    legacy = {"post_id": "x", **{k: v for k, v in record("posts/x.md", "01").items() if k != "post_id"}}
    assert known(legacy)[0] == ("POST", "h1", "published")  # an earlier version announced it as published
    rewritten = next_item(legacy, record("posts/x.md", "02", content_hash="h2"))
    assert rewritten is not None and shown(rewritten) == ("POST", "h2", "published")
    assert rewritten["announcement"]["event_type"] == "post.updated"


def test_an_item_of_the_version_before_is_announced_against_its_told_and_drops_it() -> None:
    # Given an item whose told is behind what it shows (v2 written, the process died before it was told)
    item = item_of(record("posts/x.md", "1"), record("posts/x.md", "2", content_hash="h2"))
    del item["announcement"]
    item["told"] = {"record_type": "POST", "content_hash": "h1", "since": 1, "categories": ["old"],
                    "origin": {"key": "posts/x.md", "sequencer": "1"}}  # fmt: skip
    # When a write moves nothing (a twin not shown), told stays; when one moves the state, it goes
    twin = next_item(item, record("posts/x.html", "1", content_hash="hh"))
    assert twin is not None and twin["told"] == item["told"] and "announcement" not in twin
    moved = next_item(twin, record("posts/x.md", "3", content_hash="h3"))
    assert moved is not None and "told" not in moved
    # Then the announcement is against what subscribers were told: their categories, not v2's
    assert moved["announcement"]["previous"] == {"record_type": "POST", "categories": ["old"]}
    assert moved["announcement"]["event_type"] == "post.updated"


def test_each_write_that_moves_the_state_records_its_announcement_against_the_state_before() -> None:
    created = first_item(record("posts/x.md", "1") | {"categories": ["a"], "field_hashes": {"title": "1", "body": "1"}})
    assert created["rev"] == created["since"] == 1
    assert announced(created) == {"since": 1, "event_type": "post.created"}  # nothing before: no previous
    updated = next_item(created, record("posts/x.md", "2", content_hash="h2")
                        | {"categories": ["b"], "field_hashes": {"title": "1", "body": "2"}})  # fmt: skip
    assert updated is not None and announced(updated) == {
        "since": 2, "event_type": "post.updated",
        "previous": {"record_type": "POST", "categories": ["a"]},
        "change": {"cause": "source", "changed": ["body"]},
    }  # fmt: skip
    deleted = next_item(updated, record("posts/x.md", "3", "DELETED"))
    assert deleted is not None and announced(deleted) == {
        "since": 3, "event_type": "post.deleted",
        "previous": {"record_type": "POST", "categories": ["b"]},
    }  # fmt: skip
    back = next_item(deleted, record("posts/x.md", "4"))
    assert back is not None and announced(back) == {"since": 4, "event_type": "post.created",
                                                    "previous": {"record_type": "DELETED"}}  # fmt: skip


def test_a_write_that_moves_nothing_carries_the_announcement_over() -> None:
    item = item_of(record("posts/x.md", "1"))
    twin = next_item(item, record("posts/x.html", "1", content_hash="hh"))
    assert twin is not None and twin["since"] == 1 and twin["rev"] == 2
    assert twin["announcement"] == item["announcement"] and announced(twin) == announced(item)


def test_a_tombstone_nobody_was_told_of_announces_nothing_and_is_no_previous() -> None:
    tombstone = first_item(record("posts/x.md", "2", "DELETED"))
    assert announced(tombstone) is None and "announcement" not in tombstone
    late = next_item(tombstone, record("posts/x.md", "3"))
    assert late is not None and announced(late) == {"since": 2, "event_type": "post.created"}


def test_a_reader_change_of_the_same_bytes_says_reader() -> None:
    item = item_of(record("posts/x.md", "1") | {"etag": "e1"})
    again = next_item(item, record("posts/x.md", "1", content_hash="h2") | {"etag": "e1"}, same_change=True)
    assert again is not None and again["announcement"]["change"]["cause"] == "reader"


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


def test_a_recheck_records_post_created_against_the_scheduled_state() -> None:
    from datetime import UTC, datetime

    item = next_item({"post_id": "x"}, _scheduled("1", "2026-03-01T10:00:00+00:00"),
                     now=datetime(2026, 3, 1, tzinfo=UTC))  # fmt: skip
    assert item is not None and announced(item) == {"since": 1, "event_type": "post.scheduled"}
    due = rechecked(item, datetime(2026, 3, 1, 10, tzinfo=UTC))
    assert due is not None and announced(due) == {
        "since": 2, "event_type": "post.created", "previous": {"record_type": "POST", "status": "scheduled"},
    }  # fmt: skip


def test_a_new_change_writes_the_effective_status_of_the_post_it_shows() -> None:
    from datetime import UTC, datetime

    # a post parsed while scheduled, stored after its date: it is published when written
    item = next_item({"post_id": "x"}, _scheduled("1", "2026-03-01T10:00:00+00:00"),
                     now=datetime(2026, 3, 2, tzinfo=UTC))  # fmt: skip
    assert item is not None and item["status"] == "published"


def test_a_post_is_packed_against_postdrops_dictionary_and_every_packing_reads_back() -> None:
    from pathlib import Path

    from postdrop import parse_post

    source = Path(__file__).resolve().parents[2] / "events" / "posts" / "2026-03-05-reading-notes.md"
    post_json = parse_post(source.read_bytes(), "posts/2026-03-05-reading-notes.md").model_dump_json()
    packed = pack_post(post_json)
    # smaller than zlib alone (what postdrop stored before), and both read back
    assert len(packed) < len(zlib.compress(post_json.encode(), 6))
    assert unpack_post(packed) == post_json == unpack_post(zlib.compress(post_json.encode()))


def test_the_dictionary_never_changes_and_an_unknown_one_is_named() -> None:
    # every stored post names its dictionary by this checksum: editing POST_DICTIONARY would strand them
    assert zlib.adler32(POST_DICTIONARY) == 1625749215
    other = zlib.compressobj(6, zdict=b"another dictionary")
    packed = other.compress(b'{"title":"t"}') + other.flush()
    with pytest.raises(ValueError, match="dictionary this postdrop does not know"):
        unpack_post(packed)
