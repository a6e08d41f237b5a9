"""The delivery guarantees against the faults AWS really has, one reproduction per case.

Per object key the table converges to the key's newest state; subscribers are told every
change at least once, as what it is relative to what they were last told, and every
duplicate carries the same notification_id. Each test here failed before postdrop computed
announcements against ``told`` and kept records per file.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from postdrop_tools.faults import FaultInjector, ProcessDied
from tests.conftest import post
from tests.integration.conftest import s3_event

pytestmark = pytest.mark.long(seconds=35)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.integration.conftest import Harness

KEY = "posts/2026-03-01-story.md"
POST_ID = "2026-03-01-story"


def version(title: str, text: str = "正文") -> bytes:
    return post(f'title: "{title}"\ndate: 2026-03-01 09:00:00 +0800\ncategories: emnews', f"<p>{text}</p>\n")


def parsed(h: Harness, key: str, sequencer: str, name: str = "ObjectCreated:Put", **fields: Any) -> str:
    """ParseFunction's envelope for one S3 event of ``key``, as it stands in the bucket now."""
    event = s3_event(h.bucket, key, sequencer, name)
    event["Records"][0]["s3"]["object"].update(fields)
    h.pipeline.functions["ParseFunction"].invoke(event)
    (sent,) = h.envelopes_sent()
    return sent


def dropped(h: Harness, key: str, body: bytes, sequencer: str) -> str:
    h.put(key, body)
    return parsed(h, key, sequencer)


def told(h: Harness) -> list[tuple[str, str | None]]:
    return [(n["event_type"], n.get("title")) for n in h.notifications()]


def shows(h: Harness, post_id: str = POST_ID) -> tuple[str, str | None, str | None]:
    item = h.items()[post_id]
    return item["record_type"], item.get("key"), item.get("title")


def _by_id(notes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Every delivery, grouped by notification_id."""
    by_id: dict[str, list[dict[str, Any]]] = {}
    for note in notes:
        by_id.setdefault(note["notification_id"], []).append(note)
    return by_id


@pytest.fixture
def die_before_publish(harness: Harness) -> Iterator[dict[str, int]]:
    """Set ``["left"] = 1``: the process dies once, between its writes and its next publish."""
    state = {"left": 0}

    def die(**_: Any) -> None:
        if state["left"]:
            state["left"] -= 1
            raise ProcessDied("died before publishing")

    harness.pipeline.clients.sns.meta.events.register("before-call.sns.PublishBatch", die)
    yield state
    harness.pipeline.clients.sns.meta.events.unregister("before-call.sns.PublishBatch", die)


# 1. An unannounced write must not poison the next notification.


def test_a_new_post_written_twice_then_a_crash_is_still_announced_as_created(
    harness: Harness, die_before_publish: dict[str, int]
) -> None:
    v1, v2 = dropped(harness, KEY, version("一"), "0001"), dropped(harness, KEY, version("二"), "0002")
    die_before_publish["left"] = 1
    with pytest.raises(ProcessDied):
        harness.store_envelopes(v1, v2)
    assert harness.store_envelopes(v1, v2) == {"batchItemFailures": []}  # SQS redelivers the batch
    assert told(harness) == [("post.created", "二")]  # a post.created filter hears of it


def test_an_unannounced_update_is_announced_by_a_later_copy_of_it(
    harness: Harness, die_before_publish: dict[str, int]
) -> None:
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
    die_before_publish["left"] = 1
    with pytest.raises(ProcessDied):
        harness.store_envelopes(dropped(harness, KEY, version("二"), "0002"))
    harness.store_envelopes(dropped(harness, KEY, version("二"), "0003"))  # the same bytes again
    assert told(harness) == [("post.created", "一"), ("post.updated", "二")]


def test_an_update_whose_publish_entry_failed_is_announced_by_a_later_copy(harness: Harness) -> None:
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
    harness.notifications()
    faults = FaultInjector(rate=1.0, seed=1, limit=1)  # seed 1 leaves out the first entry
    faults.fail_entries(harness.pipeline.clients.sns, ["PublishBatch"])
    v2 = dropped(harness, KEY, version("二"), "0002")
    other = dropped(harness, "posts/other.md", version("别的"), "0001")
    first = harness.store_envelopes(v2, other)
    assert faults.injected == {"failed entry sns.PublishBatch": 1}
    assert first == {"batchItemFailures": [{"itemIdentifier": "m0"}]}  # v2's entry failed
    harness.store_envelopes(dropped(harness, KEY, version("二"), "0003"))  # a copy arrives before the retry
    harness.store_envelopes(v2, other)  # then the retry, now stale
    notes = told(harness)
    assert ("post.updated", "二") in notes and notes.count(("post.created", "别的")) == 1


def test_a_rejection_written_then_a_crash_is_announced_by_the_next_one(
    harness: Harness, die_before_publish: dict[str, int]
) -> None:
    die_before_publish["left"] = 1
    unclosed = b"---\nfront matter never closed\n"
    with pytest.raises(ProcessDied):
        harness.store_envelopes(dropped(harness, KEY, unclosed, "0001"))
    harness.store_envelopes(dropped(harness, KEY, unclosed, "0002"))  # rejected for the same reason
    assert [event for event, _ in told(harness)] == ["post.rejected"]


# 2. A backfill after a parser fix must announce the fixed post, whatever fails once.


def _stored_by_an_older_parser(h: Harness) -> str:
    """A post stored and announced with the content an older parser gave; returns its envelope."""
    env = json.loads(dropped(h, KEY, version("一", "修正后的正文"), "0A01"))
    env["post"]["text"] = "旧解析器的正文"
    env["post"]["content_hash"] = env["head"]["content_hash"] = "0" * 64
    assert h.store_envelopes(json.dumps(env, ensure_ascii=False)) == {"batchItemFailures": []}
    h.notifications()
    return json.dumps(env)


def _backfill(h: Harness) -> str:
    """The envelope a Batch Operations task over KEY makes: the object at the stored change."""
    job = {"invocationSchemaVersion": "2.0", "invocationId": "inv",
           "tasks": [{"taskId": "t1", "s3Key": KEY, "s3VersionId": None, "s3Bucket": h.bucket}]}  # fmt: skip
    h.pipeline.functions["ParseFunction"].invoke(job)
    (sent,) = h.envelopes_sent()
    return sent


def test_a_backfill_whose_publish_fails_once_announces_the_fix_on_the_retry(harness: Harness) -> None:
    _stored_by_an_older_parser(harness)
    fixed = _backfill(harness)
    refused = {"left": 1}

    def refuse(**_: Any) -> None:
        if refused["left"]:
            refused["left"] -= 1
            raise ClientError({"Error": {"Code": "InternalError", "Message": "injected"}}, "PublishBatch")

    sns = harness.pipeline.clients.sns
    sns.meta.events.register("before-call.sns.PublishBatch", refuse)
    try:
        assert harness.store_envelopes(fixed)["batchItemFailures"]
        assert harness.store_envelopes(fixed) == {"batchItemFailures": []}  # SQS redelivers it
    finally:
        sns.meta.events.unregister("before-call.sns.PublishBatch", refuse)
    (note,) = harness.notifications()
    assert note["event_type"] == "post.updated" and note["post"]["text"] == "修正后的正文"


def test_a_backfill_whose_write_response_is_lost_still_announces_the_fix(harness: Harness) -> None:
    _stored_by_an_older_parser(harness)
    fixed = _backfill(harness)
    faults = FaultInjector(rate=1.0, seed=0, limit=1)  # the write is applied, its answer lost, botocore retries
    faults.lose_responses(harness.pipeline.clients.dynamodb, ["UpdateItem"])
    assert harness.store_envelopes(fixed) == {"batchItemFailures": []}
    assert faults.injected == {"lost dynamodb.UpdateItem": 1}
    (note,) = harness.notifications()
    assert note["event_type"] == "post.updated" and note["post"]["text"] == "修正后的正文"


# 3. Files that share a post_id: each file's record is its own.


def test_a_stray_file_beside_a_post_never_touches_it(harness: Harness) -> None:
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
    stray = KEY.removesuffix(".md") + ".jpg"
    harness.store_envelopes(dropped(harness, stray, b"\xff\xd8 not a post", "0001"))
    assert shows(harness) == ("POST", KEY, "一")
    harness.delete(stray)
    harness.store_envelopes(parsed(harness, stray, "0002", "ObjectRemoved:Delete"))
    assert shows(harness) == ("POST", KEY, "一")
    assert told(harness) == [("post.created", "一")]  # nothing about the stray reached subscribers


@pytest.mark.parametrize("html_first", [False, True])
def test_twin_files_show_the_markdown_one_and_fall_back_to_the_other(harness: Harness, html_first: bool) -> None:
    html = KEY.removesuffix(".md") + ".html"
    envelopes = [dropped(harness, KEY, version("md"), "0001"), dropped(harness, html, version("html"), "0001")]
    for env in reversed(envelopes) if html_first else envelopes:
        harness.store_envelopes(env)
    assert shows(harness) == ("POST", KEY, "md")  # .md shows before .html, whatever came first
    harness.notifications()
    harness.delete(KEY)
    harness.store_envelopes(parsed(harness, KEY, "0002", "ObjectRemoved:Delete"))
    assert shows(harness) == ("POST", html, "html")  # x.md gone: the post is the file still there
    harness.delete(html)
    harness.store_envelopes(parsed(harness, html, "0002", "ObjectRemoved:Delete"))
    assert shows(harness)[0] == "DELETED"
    assert told(harness) == [("post.updated", "html"), ("post.deleted", None)]


# 4. Object versions: a removal ends in the state S3 now holds.


@pytest.fixture
def versioned(harness: Harness) -> Harness:
    harness.stack.client("s3").put_bucket_versioning(
        Bucket=harness.bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    return harness


def test_removing_an_older_version_for_good_leaves_the_post(versioned: Harness) -> None:
    s3 = versioned.stack.client("s3")
    v1 = s3.put_object(Bucket=versioned.bucket, Key=KEY, Body=version("一"))["VersionId"]
    versioned.store_envelopes(parsed(versioned, KEY, "0001", versionId=v1))
    v2 = s3.put_object(Bucket=versioned.bucket, Key=KEY, Body=version("二"))["VersionId"]
    versioned.store_envelopes(parsed(versioned, KEY, "0002", versionId=v2))
    s3.delete_object(Bucket=versioned.bucket, Key=KEY, VersionId=v1)
    versioned.store_envelopes(parsed(versioned, KEY, "0003", "ObjectRemoved:Delete", versionId=v1))
    assert shows(versioned) == ("POST", KEY, "二")
    assert [e for e, _ in told(versioned)] == ["post.created", "post.updated"]


def test_removing_a_delete_marker_brings_the_post_back(versioned: Harness) -> None:
    s3 = versioned.stack.client("s3")
    v1 = s3.put_object(Bucket=versioned.bucket, Key=KEY, Body=version("一"))["VersionId"]
    versioned.store_envelopes(parsed(versioned, KEY, "0001", versionId=v1))
    marker = s3.delete_object(Bucket=versioned.bucket, Key=KEY)["VersionId"]
    versioned.store_envelopes(parsed(versioned, KEY, "0002", "ObjectRemoved:DeleteMarkerCreated", versionId=marker))
    assert shows(versioned)[0] == "DELETED"
    s3.delete_object(Bucket=versioned.bucket, Key=KEY, VersionId=marker)  # v1 is current again
    versioned.store_envelopes(parsed(versioned, KEY, "0003", "ObjectRemoved:Delete", versionId=marker))
    assert shows(versioned) == ("POST", KEY, "一")
    assert told(versioned) == [("post.created", "一"), ("post.deleted", None), ("post.created", "一")]


# Found by `make soak SEEDS=2` (200 posts, seed 8): a delete announced, the process dying
# before it records that, and the restore processed before the delete's redelivery.


def test_a_restore_after_a_delete_announced_just_before_a_crash_is_announced(versioned: Harness) -> None:
    s3 = versioned.stack.client("s3")
    v1 = s3.put_object(Bucket=versioned.bucket, Key=KEY, Body=version("一"))["VersionId"]
    versioned.store_envelopes(parsed(versioned, KEY, "0001", versionId=v1))
    marker = s3.delete_object(Bucket=versioned.bucket, Key=KEY)["VersionId"]
    deleted = parsed(versioned, KEY, "0002", "ObjectRemoved:DeleteMarkerCreated", versionId=marker)
    faults = FaultInjector(rate=1.0, seed=1, limit=1)
    faults.die_after(versioned.pipeline.clients.sns, ["PublishBatch"])  # post.deleted went out; told not recorded
    with pytest.raises(ProcessDied):
        versioned.store_envelopes(deleted)
    s3.delete_object(Bucket=versioned.bucket, Key=KEY, VersionId=marker)  # v1 is current again
    versioned.store_envelopes(parsed(versioned, KEY, "0003", "ObjectRemoved:Delete", versionId=marker))
    versioned.store_envelopes(deleted)  # SQS redelivers the delete after the visibility timeout
    assert shows(versioned) == ("POST", KEY, "一")
    notes = versioned.notifications()
    # subscribers heard post.deleted: they hear it again (the same id, a copy they drop), then that it is back
    assert [(n["event_type"], n.get("title")) for n in notes] == [
        ("post.created", "一"), ("post.deleted", None), ("post.deleted", None), ("post.created", "一"),
    ]  # fmt: skip
    assert notes[1]["notification_id"] == notes[2]["notification_id"]
    assert len({n["notification_id"] for n in notes}) == 3


def test_an_update_announced_just_before_a_crash_then_undone_is_announced(harness: Harness) -> None:
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
    faults = FaultInjector(rate=1.0, seed=1, limit=1)
    faults.die_after(harness.pipeline.clients.sns, ["PublishBatch"])  # post.updated 二 went out; told not recorded
    second = dropped(harness, KEY, version("二"), "0002")
    with pytest.raises(ProcessDied):
        harness.store_envelopes(second)
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0003"))  # the same bytes as the first: told's
    assert shows(harness) == ("POST", KEY, "一")
    notes = harness.notifications()
    assert [(n["event_type"], n.get("title")) for n in notes] == [
        ("post.created", "一"), ("post.updated", "二"), ("post.updated", "二"), ("post.updated", "一"),
    ]  # fmt: skip
    assert notes[1]["notification_id"] == notes[2]["notification_id"]
    assert notes[2]["post"]["title"] == "二"  # announced again whole, from the record the item kept
    assert notes[1] == notes[2]  # the same bytes: previous included, kept with the announcement
    assert notes[3]["previous"]["record_type"] == "POST"


def test_one_notification_id_is_always_one_body(harness: Harness) -> None:
    # Given v2's post.updated went out and the process died before it was recorded as told
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
    faults = FaultInjector(rate=1.0, seed=1, limit=1)
    faults.die_after(harness.pipeline.clients.sns, ["PublishBatch"])
    second = dropped(harness, KEY, version("二"), "0002")
    with pytest.raises(ProcessDied):
        harness.store_envelopes(second)
    # When the same bytes are uploaded again (a newer sequencer) and stored, then v2's batch is redelivered
    harness.store_envelopes(dropped(harness, KEY, version("二"), "0003"))
    harness.store_envelopes(second)
    # Then every delivery of one notification_id is the same notification, naming the change that made it
    by_id = _by_id(harness.notifications())
    (copies,) = [notes for notes in by_id.values() if notes[0].get("title") == "二"]
    assert len(copies) == 2 and copies[0] == copies[1]
    assert copies[0]["sequencer"] == "0002"


def test_one_notification_id_is_one_body_for_rejections_too(harness: Harness) -> None:
    # Given a file rejected for one reason, whose front matter names a category
    def unstorable(category: str) -> bytes:  # a title past its cap: rejected whatever else the file says
        head = f'title: "{"长" * 100_000}"\ndate: 2026-03-01 09:00:00 +0800\ncategories: {category}'
        return post(head, "<p>正文</p>\n")

    faults = FaultInjector(rate=1.0, seed=1, limit=1)
    faults.die_after(harness.pipeline.clients.sns, ["PublishBatch"])
    first = dropped(harness, KEY, unstorable("emnews"), "0001")
    with pytest.raises(ProcessDied):  # its post.rejected went out; the process died before it was recorded
        harness.store_envelopes(first)
    # When a newer version is rejected for the same reason under another category, then the first is redelivered
    harness.store_envelopes(dropped(harness, KEY, unstorable("markets"), "0002"))
    harness.store_envelopes(first)
    # Then each rejection is its own notification (subscribers of markets hear of theirs), and every
    # delivery of one notification_id is the same body
    by_id = _by_id(harness.notifications())
    assert all(notes == [notes[0]] * len(notes) for notes in by_id.values()), by_id
    assert sorted({n["categories"][0] for notes in by_id.values() for n in notes}) == ["emnews", "markets"]


def test_a_crash_between_recording_an_announcement_and_publishing_it(versioned: Harness) -> None:
    s3 = versioned.stack.client("s3")
    v1 = s3.put_object(Bucket=versioned.bucket, Key=KEY, Body=version("一"))["VersionId"]
    versioned.store_envelopes(parsed(versioned, KEY, "0001", versionId=v1))
    assert told(versioned) == [("post.created", "一")]
    marker = s3.delete_object(Bucket=versioned.bucket, Key=KEY)["VersionId"]
    deleted = parsed(versioned, KEY, "0002", "ObjectRemoved:DeleteMarkerCreated", versionId=marker)
    faults = FaultInjector(rate=1.0, seed=1, limit=1)
    faults.die_after(versioned.pipeline.clients.dynamodb, ["TransactWriteItems"])  # announcing, not yet published
    with pytest.raises(ProcessDied):
        versioned.store_envelopes(deleted)
    assert versioned.notifications() == []
    s3.delete_object(Bucket=versioned.bucket, Key=KEY, VersionId=marker)
    versioned.store_envelopes(parsed(versioned, KEY, "0003", "ObjectRemoved:Delete", versionId=marker))
    assert shows(versioned) == ("POST", KEY, "一")
    # It may have gone out, for all the store knows: so it goes out, then what follows, in order
    assert told(versioned) == [("post.deleted", None), ("post.created", "一")]
    versioned.store_envelopes(deleted)  # the redelivered delete: nothing new
    assert told(versioned) == []
