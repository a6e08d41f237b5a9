"""Every event shape ParseFunction is sent: what it holds, what it ignores, what it refuses and why."""

from __future__ import annotations

import json
from typing import Any

import pytest

from postdrop.exceptions import EventNotUnderstood
from postdrop.s3events import batch_job, read_event
from postdrop_tools.events import s3_event

BUCKET = "b"


def _sqs(body: str) -> dict[str, Any]:
    return {"Records": [{"eventSource": "aws:sqs", "messageId": "m-1", "body": body}]}


def _sns(message: str) -> dict[str, Any]:
    return {"Records": [{"EventSource": "aws:sns", "Sns": {"MessageId": "s-1", "Message": message}}]}


def _eventbridge(detail_type: str, **detail: Any) -> dict[str, Any]:
    obj = {"key": "posts/a+b.md", "sequencer": "00AB", "size": 3, "etag": "e", "version-id": "v1"}
    return {"source": "aws.s3", "detail-type": detail_type, "time": "t",
            "detail": {"bucket": {"name": BUCKET}, "object": obj, **detail}}  # fmt: skip


PUT = s3_event(BUCKET, "posts/a b.md", "00AB")
SNS_ENVELOPE = json.dumps({"Type": "Notification", "MessageId": "x", "Message": json.dumps(PUT)})


@pytest.mark.parametrize(
    ("event", "kinds"),
    [
        (PUT, ["created"]),
        (s3_event(BUCKET, "posts/a b.md", "00AB", "ObjectRemoved:DeleteMarkerCreated"), ["removed"]),
        (s3_event(BUCKET, "posts/a b.md", "00AB", "LifecycleExpiration:Delete"), ["removed"]),
        (_sqs(json.dumps(PUT)), ["created"]),  # S3 -> SQS
        (_sns(json.dumps(PUT)), ["created"]),  # S3 -> SNS -> Lambda
        (_sqs(json.dumps(_sns(json.dumps(PUT)))), ["created"]),  # a wrapped SNS record, as redrive sends it
        (_sqs(SNS_ENVELOPE), ["created"]),  # S3 -> SNS -> SQS without raw delivery
        ({"requestPayload": PUT, "responsePayload": {}}, ["created"]),  # ParseDLQ's destination record
        (_eventbridge("Object Created", reason="PutObject"), ["created"]),
        (_eventbridge("Object Deleted", **{"deletion-type": "Delete Marker Created"}), ["removed"]),
        (_eventbridge("Object Expired"), ["removed"]),
    ],
)
def test_changes_are_found_whatever_wraps_them(event: dict[str, Any], kinds: list[str]) -> None:
    intake = read_event(event)
    assert [c.kind for c in intake.changes] == kinds and intake.ignored == []
    assert intake.changes[0].key in ("posts/a b.md",)  # decoded once (+ is a space)


def test_eventbridge_fields_are_kept() -> None:
    (change,) = read_event(_eventbridge("Object Created")).changes
    assert (change.sequencer, change.size, change.etag, change.version_id) == ("00AB", 3, "e", "v1")


@pytest.mark.parametrize(
    "event",
    [
        {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": BUCKET},
        s3_event(BUCKET, "posts/a.md", "01", "ObjectRestore:Completed"),
        s3_event(BUCKET, "posts/a.md", "01", "ObjectTagging:Put"),
        _eventbridge("Object Restore Completed"),
        _eventbridge("Object Storage Class Changed"),
    ],
)
def test_events_that_change_no_post_are_counted_as_ignored(event: dict[str, Any]) -> None:
    intake = read_event(event)
    assert intake.changes == [] and len(intake.ignored) == 1


@pytest.mark.parametrize(
    ("event", "says"),
    [
        (_sqs("Hello from SQS!"), "record 0 (SQS message m-1): is not JSON ('Hello from SQS!')"),
        (_sns("example message"), "record 0 (SNS message s-1): is not JSON ('example message')"),
        (_sqs(json.dumps({"message": "hi", "username": "u"})), "an object with message, username, which carries no"),
        ({"Records": [{"eventSource": "aws:dynamodb"}]}, "a record from aws:dynamodb, not an S3 change"),
        ({"Records": []}, "which carries no S3 change"),
        ({"hello": "world"}, "is an object with hello, which carries no S3 change"),
        (s3_event(BUCKET, "posts/a.md", "01", "ObjectSomething:New"), "an S3 event 'ObjectSomething:New'"),
        (_eventbridge("Object Teleported"), "an EventBridge S3 event 'Object Teleported'"),
        (s3_event(BUCKET, "posts/a.md", ""), "record of posts/a.md without a sequencer, which S3 always sends"),
        ([1, 2], "is list [1, 2], not an event"),
        (_sqs(json.dumps({"invocationSchemaVersion": "2.0", "tasks": []})), "Batch Operations invocation"),
    ],
)
def test_anything_else_fails_with_one_sentence(event: Any, says: str) -> None:
    with pytest.raises(EventNotUnderstood) as caught:
        read_event(event)
    assert says in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("task", "bucket"),
    [
        ({"taskId": "t", "s3Key": "posts/a+b.md", "s3VersionId": None, "s3Bucket": BUCKET}, BUCKET),  # 2.0
        ({"taskId": "t", "s3Key": "posts/a+b.md", "s3VersionId": "v", "s3BucketArn": f"arn:aws:s3:::{BUCKET}"}, BUCKET),
    ],
)
def test_batch_operations_tasks_are_backfills(task: dict[str, Any], bucket: str) -> None:
    job = batch_job({"invocationSchemaVersion": "1.0", "invocationId": "i", "tasks": [task]})
    assert job is not None
    ((task_id, change),) = job.tasks
    assert task_id == "t" and change.bucket == bucket and change.key == "posts/a b.md"
    assert change.backfill and change.sequencer == "" and change.kind == "created"
    assert job.response([("t", "Succeeded", "ok")]) == {
        "invocationSchemaVersion": "1.0", "treatMissingKeysAs": "PermanentFailure", "invocationId": "i",
        "results": [{"taskId": "t", "resultCode": "Succeeded", "resultString": "ok"}],
    }  # fmt: skip


def test_a_batch_job_of_an_unknown_schema_is_refused() -> None:
    assert batch_job(PUT) is None
    with pytest.raises(EventNotUnderstood, match=r"schema '3\.0'"):
        batch_job({"invocationSchemaVersion": "3.0", "tasks": []})
