"""The delivery guarantees against the faults AWS really has, one reproduction per case.

Per object key the table converges to the key's newest state; subscribers are told every
state the post moved to at least once, as what it is relative to the state before, and every
duplicate carries the same notification_id. StoreFunction's write is the only write; the
table's stream carries it to PublishFunction, which Lambda retries from the first record it
reports failed: the faults here strike both, and at every point between them.
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
    return told_of(h.notifications())


def told_of(notes: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(n["event_type"], n.get("title")) for n in notes]


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
    """Set ``["left"] = 1``: PublishFunction's process dies once, before its next publish."""
    state = {"left": 0}

    def die(**_: Any) -> None:
        if state["left"]:
            state["left"] -= 1
            raise ProcessDied("died before publishing")

    harness.pipeline.clients.sns.meta.events.register("before-call.sns.PublishBatch", die)
    yield state
    harness.pipeline.clients.sns.meta.events.unregister("before-call.sns.PublishBatch", die)


# 1. A write is announced whatever happens between it and its publish.


def test_two_versions_in_one_batch_and_a_publisher_crash_are_each_announced_once_retried(
    harness: Harness, die_before_publish: dict[str, int]
) -> None:
    v1, v2 = dropped(harness, KEY, version("一"), "0001"), dropped(harness, KEY, version("二"), "0002")
    die_before_publish["left"] = 1
    assert harness.store_envelopes(v1, v2) == {"batchItemFailures": []}  # the stream retries the publish
    assert die_before_publish["left"] == 0
    # every state the post moved to, in order, each relative to the one before
    assert told(harness) == [("post.created", "一"), ("post.updated", "二")]


def test_a_crash_after_the_write_before_any_publish_only_delays_the_announcement(harness: Harness) -> None:
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
    harness.notifications()
    faults = FaultInjector(rate=1.0, seed=1, limit=1)
    faults.die_after(harness.pipeline.clients.dynamodb, ["UpdateItem"])  # written; StoreFunction dies
    second = dropped(harness, KEY, version("二"), "0002")
    with pytest.raises(ProcessDied):
        harness.store_envelopes(second, publish=False)
    assert harness.notifications() == []  # nothing published yet
    assert harness.publish()  # the stream holds the write: PublishFunction announces it
    assert told(harness) == [("post.updated", "二")]
    assert harness.store_envelopes(second) == {"batchItemFailures": []}  # SQS redelivers: nothing to write
    assert harness.notifications() == []


def test_a_publish_entry_failed_mid_batch_is_retried_from_its_record(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
    harness.notifications()
    faults = FaultInjector(rate=1.0, seed=1, limit=1)  # seed 1 leaves out the first entry
    faults.fail_entries(harness.pipeline.clients.sns, ["PublishBatch"])
    v2 = dropped(harness, KEY, version("二"), "0002")
    other = dropped(harness, "posts/other.md", version("别的"), "0001")
    assert harness.store_envelopes(v2, other) == {"batchItemFailures": []}  # the writes never fail for it
    assert faults.injected == {"failed entry sns.PublishBatch": 1}
    notes = harness.notifications()
    assert ("post.updated", "二") in told_of(notes) and ("post.created", "别的") in told_of(notes)
    assert all(copies == [copies[0]] * len(copies) for copies in _by_id(notes).values())  # a retry: the same bodies
    # and the operator's log line names the post it failed on, not only a stream sequence number
    failed = [r for r in caplog.records if r.getMessage() == "publish failed; retried from this record"]
    posts = {(KEY.removeprefix("posts/").removesuffix(".md"), KEY), ("other", "posts/other.md")}
    assert failed and {(getattr(r, "post_id", None), getattr(r, "key", None)) for r in failed} <= posts


def test_a_publish_whose_response_was_lost_goes_out_again_under_the_same_id(harness: Harness) -> None:
    faults = FaultInjector(rate=1.0, seed=0, limit=1)  # SNS took it, the answer is lost, botocore sends it again
    faults.lose_responses(harness.pipeline.clients.sns, ["PublishBatch"])
    unclosed = b"---\nfront matter never closed\n"
    harness.store_envelopes(dropped(harness, KEY, unclosed, "0001"))
    assert faults.injected == {"lost sns.PublishBatch": 1}
    notes = harness.notifications()
    assert len(notes) >= 2 and notes == [notes[0]] * len(notes) and notes[0]["event_type"] == "post.rejected"
    harness.store_envelopes(dropped(harness, KEY, unclosed, "0002"))  # rejected again for the same reason
    assert harness.notifications() == []


def test_a_stream_record_delivered_twice_is_the_same_notification_twice(harness: Harness) -> None:
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
    harness.store_envelopes(dropped(harness, KEY, version("二"), "0002"))
    first = harness.notifications()
    reader = harness.pipeline._streams["PublishFunction"]
    reader.checkpoint = None  # Lambda lost its checkpoint: the whole stream again
    harness.publish()
    again = harness.notifications()
    assert [n["notification_id"] for n in again] == [n["notification_id"] for n in first] and again == first


def test_a_publisher_failing_every_retry_leaves_the_range_in_publish_dlq(harness: Harness) -> None:
    def refuse(**_: Any) -> None:  # SNS refuses every publish
        raise ClientError({"Error": {"Code": "InternalError", "Message": "injected"}}, "PublishBatch")

    sns = harness.pipeline.clients.sns
    sns.meta.events.register("before-call.sns.PublishBatch", refuse)
    try:
        harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
    finally:
        sns.meta.events.unregister("before-call.sns.PublishBatch", refuse)
    assert harness.notifications() == []
    (failure,) = harness.queue("PublishDLQ")  # MaximumRetryAttempts, then the on-failure destination
    info = failure["DDBStreamBatchInfo"]
    assert info["streamArn"] == harness.stack.ref("PostsTable", "StreamArn") and info["batchSize"] >= 1
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"


def test_a_range_in_publish_dlq_is_announced_by_redrive_publish_once_the_fault_is_gone(harness: Harness) -> None:
    from postdrop_tools.ops import redrive
    from postdrop_tools.stack import stream_rewinds_queue
    from postdrop_tools.target import Target

    # Given a post whose publish failed every retry: its stream range waits in PublishDLQ
    def refuse(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "InternalError", "Message": "injected"}}, "PublishBatch")

    sns = harness.pipeline.clients.sns
    sns.meta.events.register("before-call.sns.PublishBatch", refuse)
    try:
        harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
        harness.store_envelopes(dropped(harness, "posts/other.md", version("别的"), "0001"))
    finally:
        sns.meta.events.unregister("before-call.sns.PublishBatch", refuse)
    assert harness.notifications() == []
    # When the operator redrives PublishDLQ
    rewinds = harness.stack.client("sqs").get_queue_url(QueueName=stream_rewinds_queue())["QueueUrl"]
    target = Target.from_outputs(harness.stack.outputs(), stream_rewinds=rewinds)
    assert redrive(target, "publish") == 2  # two ranges: one a post
    harness.pipeline.drain()
    # Then each state is announced, once a state (copies share an id), and PublishDLQ is empty
    notes = harness.notifications()
    assert sorted(set(told_of(notes))) == [("post.created", "一"), ("post.created", "别的")]
    assert all(copies == [copies[0]] * len(copies) for copies in _by_id(notes).values())
    assert harness.queue("PublishDLQ") == []


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
        assert harness.store_envelopes(fixed) == {"batchItemFailures": []}  # written; the stream retries the publish
    finally:
        sns.meta.events.unregister("before-call.sns.PublishBatch", refuse)
    assert refused["left"] == 0
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
    stray = KEY.removesuffix(".md") + ".docx"
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


# Found by `make soak SEEDS=2` (200 posts, seed 8) when the store published: a delete announced,
# the process dying before it recorded that, and the restore processed before the delete's redelivery.


def test_a_restore_after_a_delete_announced_just_before_a_crash_is_announced(versioned: Harness) -> None:
    s3 = versioned.stack.client("s3")
    v1 = s3.put_object(Bucket=versioned.bucket, Key=KEY, Body=version("一"))["VersionId"]
    versioned.store_envelopes(parsed(versioned, KEY, "0001", versionId=v1))
    marker = s3.delete_object(Bucket=versioned.bucket, Key=KEY)["VersionId"]
    deleted = parsed(versioned, KEY, "0002", "ObjectRemoved:DeleteMarkerCreated", versionId=marker)
    faults = FaultInjector(rate=1.0, seed=1, limit=1)
    faults.die_after(versioned.pipeline.clients.sns, ["PublishBatch"])  # post.deleted went out; the publisher died
    versioned.store_envelopes(deleted)  # the stream retries the batch: post.deleted again
    s3.delete_object(Bucket=versioned.bucket, Key=KEY, VersionId=marker)  # v1 is current again
    versioned.store_envelopes(parsed(versioned, KEY, "0003", "ObjectRemoved:Delete", versionId=marker))
    versioned.store_envelopes(deleted)  # SQS redelivers the delete: stale, nothing written
    assert faults.injected == {"died after sns.PublishBatch": 1}
    assert shows(versioned) == ("POST", KEY, "一")
    notes = versioned.notifications()
    # subscribers heard post.deleted: they hear it again (the same id, a copy they drop), then that it is back
    assert [(n["event_type"], n.get("title")) for n in notes] == [
        ("post.created", "一"), ("post.deleted", None), ("post.deleted", None), ("post.created", "一"),
    ]  # fmt: skip
    assert notes[1] == notes[2]
    assert len({n["notification_id"] for n in notes}) == 3


def test_an_update_announced_just_before_a_crash_then_undone_is_announced(harness: Harness) -> None:
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
    faults = FaultInjector(rate=1.0, seed=1, limit=1)
    faults.die_after(harness.pipeline.clients.sns, ["PublishBatch"])  # post.updated 二 went out; the publisher died
    harness.store_envelopes(dropped(harness, KEY, version("二"), "0002"))
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0003"))  # the same bytes as the first
    assert shows(harness) == ("POST", KEY, "一")
    notes = harness.notifications()
    assert [(n["event_type"], n.get("title")) for n in notes] == [
        ("post.created", "一"), ("post.updated", "二"), ("post.updated", "二"), ("post.updated", "一"),
    ]  # fmt: skip
    assert notes[1] == notes[2]  # the same bytes: previous included, recorded with the write
    assert notes[2]["post"]["title"] == "二"
    assert notes[3]["previous"]["record_type"] == "POST" and notes[3]["revision"] > notes[1]["revision"]


def test_one_notification_id_is_always_one_body(harness: Harness) -> None:
    # Given v2's post.updated went out and the publisher died before its batch was done
    harness.store_envelopes(dropped(harness, KEY, version("一"), "0001"))
    faults = FaultInjector(rate=1.0, seed=1, limit=1)
    faults.die_after(harness.pipeline.clients.sns, ["PublishBatch"])
    second = dropped(harness, KEY, version("二"), "0002")
    harness.store_envelopes(second)
    # When the same bytes are uploaded again (a newer sequencer) and stored, then v2's SQS record is redelivered
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
    harness.store_envelopes(first)  # its post.rejected went out; the publisher died; the stream sent it again
    # When a newer version is rejected for the same reason under another category, then the first is redelivered
    harness.store_envelopes(dropped(harness, KEY, unstorable("markets"), "0002"))
    harness.store_envelopes(first)
    # Then each rejection is its own notification (subscribers of markets hear of theirs), and every
    # delivery of one notification_id is the same body
    by_id = _by_id(harness.notifications())
    assert all(notes == [notes[0]] * len(notes) for notes in by_id.values()), by_id
    assert sorted({n["categories"][0] for notes in by_id.values() for n in notes}) == ["emnews", "markets"]


def test_a_delete_written_then_undone_before_any_publish_is_announced_in_order(versioned: Harness) -> None:
    # Given a delete written and a restore written before PublishFunction ran at all
    s3 = versioned.stack.client("s3")
    v1 = s3.put_object(Bucket=versioned.bucket, Key=KEY, Body=version("一"))["VersionId"]
    versioned.store_envelopes(parsed(versioned, KEY, "0001", versionId=v1))
    assert told(versioned) == [("post.created", "一")]
    marker = s3.delete_object(Bucket=versioned.bucket, Key=KEY)["VersionId"]
    deleted = parsed(versioned, KEY, "0002", "ObjectRemoved:DeleteMarkerCreated", versionId=marker)
    versioned.store_envelopes(deleted, publish=False)
    s3.delete_object(Bucket=versioned.bucket, Key=KEY, VersionId=marker)
    versioned.store_envelopes(parsed(versioned, KEY, "0003", "ObjectRemoved:Delete", versionId=marker), publish=False)
    assert versioned.notifications() == []
    # When the stream is read: each state, in order, the restore relative to the delete
    versioned.publish()
    assert shows(versioned) == ("POST", KEY, "一")
    notes = versioned.notifications()
    assert told_of(notes) == [("post.deleted", None), ("post.created", "一")]
    assert notes[1]["previous"]["record_type"] == "DELETED"
    versioned.store_envelopes(deleted)  # the redelivered delete: nothing new
    assert told(versioned) == []
