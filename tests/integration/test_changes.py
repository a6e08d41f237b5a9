"""A post.updated says what changed and why (#27, item 4): ``changed`` (the fields whose short
hash moved since what subscribers were told) and ``cause`` (``source``: the author's file;
``reader``: postdrop reading the same file anew, a backfill after a reader fix)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from postdrop.core.changes import DIGITS, FIELDS, named_hashes
from tests.conftest import post
from tests.integration.test_guarantees import KEY, POST_ID, dropped, parsed

if TYPE_CHECKING:
    from tests.integration.conftest import Harness


def version(title: str = "标题", text: str = "正文", tags: str = "a") -> bytes:
    front = f'title: "{title}"\ndate: 2026-03-01 09:00:00 +0800\ncategories: emnews\ntags: [{tags}]'
    return post(front, f"<p>{text}</p>\n")


def with_hash(hashes: str, name: str, digest: str) -> str:
    """``hashes`` (field_hashes' string) with field ``name``'s set to ``digest``."""
    at = list(FIELDS).index(name) * DIGITS
    return hashes[:at] + digest + hashes[at + DIGITS :]


def store(h: Harness, body: bytes, sequencer: str) -> dict[str, Any]:
    """Drop ``body`` as KEY, run it through both functions; the one notification it makes."""
    assert h.store_envelopes(dropped(h, KEY, body, sequencer)) == {"batchItemFailures": []}
    (note,) = h.notifications()
    return note


def test_an_update_names_the_fields_that_changed_and_that_the_author_changed_them(harness: Harness) -> None:
    created = store(harness, version(), "0A01")
    assert created["event_type"] == "post.created" and "changed" not in created and "cause" not in created
    # the item keeps the excerpts once, in its post; subscribers still read them in the head
    assert not {"excerpt", "jekyll_excerpt"} & set(harness.items()[POST_ID])
    assert created["excerpt"] == created["post"]["excerpt"] == "正文"
    assert created["jekyll_excerpt"] == created["post"]["jekyll_excerpt"] == "正文"
    # a new title only
    retitled = store(harness, version(title="新标题"), "0A02")
    assert (retitled["event_type"], retitled["changed"], retitled["cause"]) == ("post.updated", ["title"], "source")
    # a new body: the body and what is made from it (the excerpts), nothing else
    rewritten = store(harness, version(title="新标题", text="新的正文"), "0A03")
    assert rewritten["changed"] == ["body", "excerpt", "jekyll_excerpt"] and rewritten["cause"] == "source"
    # tags and title together
    both = store(harness, version(title="再改", text="新的正文", tags="a, b"), "0A04")
    assert both["changed"] == ["title", "tags"]
    # what the item keeps to say it is a few hundred bytes: the hashes and the announcement, not the old post
    item = harness.items()[POST_ID]
    assert set(named_hashes(item["field_hashes"])) >= {"title", "body", "tags"} and len(item["field_hashes"]) == 160
    assert item["announcement"]["change"] == {"changed": ["title", "tags"], "cause": "source"}
    assert len(json.dumps(item["announcement"], ensure_ascii=False, default=str)) < 600


def test_a_backfill_after_a_reader_fix_says_postdrop_read_it_anew(harness: Harness) -> None:
    # Given a post an older reader stored with another body (same file, same change)
    env = json.loads(dropped(harness, KEY, version(text="修正后的正文"), "0A01"))
    env["post"]["text"] = "旧解析器的正文"
    env["post"]["content_hash"] = env["head"]["content_hash"] = "0" * 64
    env["head"]["field_hashes"] = with_hash(env["head"]["field_hashes"], "body", "00000000")
    assert harness.store_envelopes(json.dumps(env, ensure_ascii=False)) == {"batchItemFailures": []}
    harness.notifications()
    # When Batch Operations re-reads the unchanged object with today's reader
    job = {"invocationSchemaVersion": "2.0", "invocationId": "inv",
           "tasks": [{"taskId": "t1", "s3Key": KEY, "s3VersionId": None, "s3Bucket": harness.bucket}]}  # fmt: skip
    harness.pipeline.functions["ParseFunction"].invoke(job)
    (sent,) = harness.envelopes_sent()
    assert harness.store_envelopes(sent) == {"batchItemFailures": []}
    # Then subscribers hear the body changed, because postdrop read the same file anew
    (note,) = harness.notifications()
    assert (note["event_type"], note["changed"], note["cause"]) == ("post.updated", ["body"], "reader")


def test_the_same_bytes_uploaded_again_after_a_reader_change_are_the_readers_change(harness: Harness) -> None:
    # Given a post told with another body hash (as an older reader would have made it)
    harness.put(KEY, version())
    env = json.loads(parsed(harness, KEY, "0A01", eTag="5d41402abc4b2a76b9719d911017c592"))
    env["post"]["content_hash"] = env["head"]["content_hash"] = "0" * 64
    env["head"]["field_hashes"] = with_hash(env["head"]["field_hashes"], "body", "00000000")
    assert harness.store_envelopes(json.dumps(env, ensure_ascii=False)) == {"batchItemFailures": []}
    harness.notifications()
    # When the author uploads the very same bytes again (same etag, a new change)
    harness.put(KEY, version())
    assert harness.store_envelopes(parsed(harness, KEY, "0A02", eTag="5d41402abc4b2a76b9719d911017c592")) == {
        "batchItemFailures": []
    }
    (note,) = harness.notifications()
    # Then it is the reader's change, not the author's
    assert (note["changed"], note["cause"]) == (["body"], "reader")


def test_a_new_upload_with_another_etag_is_the_authors_change(harness: Harness) -> None:
    harness.put(KEY, version())
    assert harness.store_envelopes(parsed(harness, KEY, "0A01", eTag="aaaa")) == {"batchItemFailures": []}
    harness.notifications()
    harness.put(KEY, version(title="改"))
    assert harness.store_envelopes(parsed(harness, KEY, "0A02", eTag="bbbb")) == {"batchItemFailures": []}
    (note,) = harness.notifications()
    assert (note["changed"], note["cause"]) == (["title"], "source")
