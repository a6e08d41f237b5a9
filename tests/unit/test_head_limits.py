"""Inputs that can never be stored are rejected on the first attempt (#30): a head past its caps,
or a large post whose archive key would pass S3's limit."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from postdrop import PostRejected, parse_post
from postdrop.adapters.objects import MAX_KEY_BYTES, archive_key
from postdrop.adapters.queue import MAX_BATCH_BYTES
from postdrop.core.limits import (
    MAX_HEAD_EXCERPT_CHARS,
    MAX_SOURCE_NAME_CHARS,
    MAX_SOURCE_URL_CHARS,
    MAX_TERM_CHARS,
    MAX_TERMS,
    MAX_TERMS_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    check_head,
    within_caps,
)
from postdrop.envelope import Envelope, PostHead
from postdrop.model import NormalizedPost
from postdrop.s3events import S3Change
from tests.conftest import post

WIDE = "\U0001f600"  # four bytes in UTF-8: the widest a character can be


def _post(**fields: Any) -> NormalizedPost:
    base: dict[str, Any] = {
        "post_id": "a", "slug": "a", "key": "posts/a.md", "title": "t", "published_at": None, "text": "",
        "char_count": 0, "excerpt": "", "html": "", "content_hash": "0" * 64,
    }  # fmt: skip
    return NormalizedPost.model_validate(base | fields)


def _terms(count: int) -> list[str]:
    """``count`` distinct terms, as long as the caps let that many be, in four-byte characters."""
    width = min(MAX_TERM_CHARS, MAX_TERMS_CHARS // count)
    return [f"{i:04}"[-min(4, width) :] + WIDE * (width - min(4, width)) for i in range(count)]


@pytest.mark.parametrize("count", [MAX_TERMS_CHARS // MAX_TERM_CHARS, MAX_TERMS], ids=["long-terms", "many-terms"])
def test_a_head_at_every_cap_still_fits_one_sqs_message(count: int) -> None:
    # Given a post at every cap, in four-byte characters, under a key at S3's limit
    widest = _post(
        title=WIDE * MAX_TITLE_CHARS,
        categories=_terms(count),
        tags=_terms(count),
        source={"name": WIDE * MAX_SOURCE_NAME_CHARS, "url": "https://x/" + "%" * (MAX_SOURCE_URL_CHARS - 10)},
        excerpt=WIDE * 120,
        jekyll_excerpt=WIDE * 100_000,  # the post keeps it whole; its head carries the start
        url="/" + "%E6" * ((MAX_URL_CHARS - 1) // 3),
    )
    check_head(widest)
    assert len(PostHead.of(widest).jekyll_excerpt) == MAX_HEAD_EXCERPT_CHARS
    key = "posts/" + "k" * (MAX_KEY_BYTES - 9) + ".md"
    change = S3Change(bucket="b" * 63, key=key, kind="created", event_name="ObjectCreated:Put", sequencer="F" * 32)
    ref = f"s3://{'b' * 63}/{archive_key(widest.post_id, widest.content_hash)}"
    # When it is archived, then the envelope that points to it fits a message, with room
    envelope = Envelope(action="upsert", post_id=key, change=change, head=PostHead.of(widest), post_ref=ref)
    assert len(envelope.body.encode()) < MAX_BATCH_BYTES // 2


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"title": "标" * 100_000}, "the title is 100,000 characters long; postdrop takes titles of at most 2,000"),
        (
            {"categories": [f"c{i}" for i in range(MAX_TERMS + 1)]},
            f"the post has 1,001 categories; postdrop takes at most {MAX_TERMS}",
        ),
        (
            {"tags": ["t" * MAX_TERM_CHARS] * (MAX_TERMS_CHARS // MAX_TERM_CHARS) + ["one more"]},
            "the post's tags are 10,008 characters long in all; postdrop takes at most 10,000",
        ),
        (
            {"tags": ["ok", "t" * (MAX_TERM_CHARS + 1)]},
            f"tag 2 is 101 characters long; postdrop takes at most {MAX_TERM_CHARS}",
        ),
        ({"source": {"name": "n" * 501}}, "the source name is 501 characters long"),
        ({"source": {"url": "https://" + "u" * 5000}}, "the source URL is 5,008 characters long"),
        ({"url": "/" + "u" * MAX_URL_CHARS}, "the post's url is 8,193 characters long; postdrop takes at most 8,192"),
    ],
    ids=["title", "categories", "tags-in-all", "tag", "source-name", "source-url", "url"],
)
def test_a_head_past_a_cap_is_rejected_naming_which(fields: dict[str, Any], fragment: str) -> None:
    with pytest.raises(PostRejected) as info:
        check_head(_post(**fields))
    assert info.value.reason == fragment or info.value.reason.startswith(fragment)


def test_the_caps_leave_real_heads_alone() -> None:
    got = parse_post(post('title: "' + "长" * 496 + '"\ntags: ' + " ".join(f"t{i}" for i in range(41))), "posts/a.md")
    check_head(got)


def test_a_post_with_as_many_tags_as_a_news_site_gives_it_is_read_whole() -> None:
    # Given a release note tagged with each of the 128 packages it names, as Jekyll shows them all
    tags = [f"package-{i}" for i in range(128)]
    got = parse_post(post("title: Updates\ntags: [" + ", ".join(tags) + "]"), "posts/2024-01-02-updates.md")
    # Then every tag is kept, and the head is one that can be stored
    assert got.tags == tags
    check_head(got)


def test_a_rejection_is_filed_under_what_a_head_takes_of_its_terms() -> None:
    many = [f"{i:05}" + "x" * 200 for i in range(2_000)]
    kept = within_caps(many)
    assert kept == [term[:MAX_TERM_CHARS] for term in many[: MAX_TERMS_CHARS // MAX_TERM_CHARS]]
    assert within_caps(["a", "b"]) == ["a", "b"]
    check_head(_post(categories=kept, tags=within_caps([f"t{i}" for i in range(5_000)])))


def test_an_archive_key_stays_within_s3s_limit() -> None:
    long_id = "文" * 330  # a key of about 1,000 bytes under posts/
    assert len(archive_key("big", _post(post_id="big").content_hash)) < MAX_KEY_BYTES
    assert archive_key("big", _post(post_id="big").content_hash).startswith("archive/posts/big/")
    key = archive_key(long_id, _post(post_id=long_id).content_hash)
    assert len(key.encode()) <= MAX_KEY_BYTES and key.startswith("archive/posts/") and key.endswith(".json")


_CHANGE = {"bucket": "b", "key": "posts/a.md", "kind": "created", "event_name": "ObjectCreated:Put", "sequencer": "1"}
_HEAD = {"title": "t", "published_at": "2026-03-04T10:46:18+08:00", "content_hash": "h"}


@pytest.mark.parametrize(
    ("head", "field"),
    [
        ({"published_at": "026-03-04T10:46:18+08:00"}, "head.published_at"),  # what the long fuzz run found
        ({"published_at": "2026-03-04T10:46:18"}, "head.published_at"),
        ({"title": ""}, "head.title"),
        ({"content_hash": ""}, "head.content_hash"),
        ({"title": "t" * (MAX_TITLE_CHARS + 1)}, "head"),
        ({"categories": ["c" * (MAX_TERM_CHARS + 1)]}, "head"),
        ({"excerpt": "e" * 1001}, "head"),
    ],
    ids=["not-iso", "no-offset", "no-title", "no-hash", "long-title", "long-category", "long-excerpt"],
)
def test_an_envelope_whose_head_cannot_be_stored_is_not_an_envelope(head: dict[str, Any], field: str) -> None:
    # Given an upsert whose head StoreFunction would fail on, on every receive (item_for, an index key)
    body = {"action": "upsert", "post_id": "a", "change": _CHANGE, "head": _HEAD | head, "post_ref": "s3://b/k"}
    # Then it is not an envelope: StoreFunction dead-letters it at once
    with pytest.raises(ValidationError) as info:
        Envelope.model_validate(body)
    assert [".".join(map(str, e["loc"])) for e in info.value.errors()] == [field]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key": ""}, "change.key"),  # found by the long fuzz run: KeyError 'key' on every receive
        ({"sequencer": ""}, "change"),  # found by the long fuzz run: KeyError 'sequencer' on every receive
        ({"bucket": ""}, "change.bucket"),
    ],
    ids=["no-key", "no-sequencer", "no-bucket"],
)
def test_an_envelope_whose_change_cannot_be_stored_is_not_an_envelope(change: dict[str, Any], field: str) -> None:
    body = {"action": "reject", "post_id": "a", "change": _CHANGE | change, "reason": "r"}
    with pytest.raises(ValidationError) as info:
        Envelope.model_validate(body)
    assert [".".join(map(str, e["loc"])) for e in info.value.errors()] == [field]


def test_a_backfill_may_come_without_a_sequencer() -> None:
    change = _CHANGE | {"sequencer": "", "backfill": True}
    assert Envelope.model_validate({"action": "delete", "post_id": "a", "change": change}).change.sequencer == ""


@pytest.mark.parametrize("where", ["s3", "eventbridge", "batch"])
def test_an_event_naming_an_empty_key_is_not_understood(where: str) -> None:
    from postdrop.exceptions import EventNotUnderstood
    from postdrop.s3events import batch_job, read_event

    s3 = {"bucket": {"name": "b"}, "object": {"key": "", "sequencer": "01"}}
    events = {
        "s3": {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": s3}]},
        "eventbridge": {"source": "aws.s3", "detail-type": "Object Created",
                        "detail": {"bucket": {"name": "b"}, "object": {"key": "", "sequencer": "01"}}},
        "batch": {"invocationSchemaVersion": "2.0", "invocationId": "i",
                  "tasks": [{"taskId": "t", "s3Key": "", "s3Bucket": "b"}]},
    }  # fmt: skip
    with pytest.raises(EventNotUnderstood):
        if where == "batch":
            batch_job(events[where])
        else:
            read_event(events[where])
