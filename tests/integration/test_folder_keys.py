"""Folder keys (#30): consoles and sync tools create ``posts/`` and ``posts/2024/`` as zero-byte
objects. They name no post: ParseFunction ignores them, puts and deletes, and counts them; and an
envelope without a usable post_id is not an envelope, so StoreFunction dead-letters it at once."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from postdrop.envelope import MAX_POST_ID_BYTES
from tests.conftest import post
from tests.integration.conftest import s3_event

if TYPE_CHECKING:
    from tests.integration.conftest import Harness

FOLDERS = ["posts/", "posts/2024/", "posts/2024/03/"]


@pytest.mark.parametrize("key", FOLDERS)
@pytest.mark.parametrize("name", ["ObjectCreated:Put", "ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated"])
def test_a_folder_key_is_ignored_and_counted(harness: Harness, counted: dict[str, float], key: str, name: str) -> None:
    # Given a folder marker made (or removed) under posts/
    if name.startswith("ObjectCreated"):
        harness.put(key, b"")
    # When ParseFunction gets its event
    summary = harness.pipeline.functions["ParseFunction"].invoke(s3_event(harness.bucket, key, "01", name))
    # Then nothing goes to StoreQueue, and the folder is counted
    assert harness.envelopes_sent() == []
    assert summary["folders"] == 1 and summary["rejected"] == 0 and summary["deleted"] == 0
    assert counted["folders"] == 1


def test_a_folder_beside_a_post_leaves_the_post_alone(harness: Harness) -> None:
    harness.put("posts/2024/a.md", post('title: "t"'))
    harness.put("posts/2024/", b"")
    event = s3_event(harness.bucket, "posts/2024/a.md", "01")
    event["Records"] += s3_event(harness.bucket, "posts/2024/", "02")["Records"]
    harness.pipeline.functions["ParseFunction"].invoke(event)
    (sent,) = harness.envelopes_sent()
    assert json.loads(sent)["post_id"] == "2024/a"


def test_a_batch_operations_task_over_a_folder_succeeds_without_an_envelope(harness: Harness) -> None:
    harness.put("posts/2024/", b"")
    task = {"taskId": "t1", "s3Key": "posts/2024/", "s3VersionId": None, "s3Bucket": harness.bucket}
    job = {"invocationSchemaVersion": "2.0", "invocationId": "inv", "tasks": [task]}
    answer = harness.pipeline.functions["ParseFunction"].invoke(job)
    assert answer["results"] == [
        {"taskId": "t1", "resultCode": "Succeeded", "resultString": "posts/2024/: a folder, not a post; ignored"}
    ]
    assert harness.envelopes_sent() == []


def _reject_envelope(post_id: str, key: str = "posts/") -> str:
    """A reject envelope as ParseFunction sent one for a folder key before (post_id "")."""
    change = {"bucket": "b", "key": key, "kind": "created", "event_name": "ObjectCreated:Put", "sequencer": "01"}
    return json.dumps({"action": "reject", "post_id": post_id, "change": change, "reason": "not a post file type"})


@pytest.mark.parametrize(
    "post_id",
    ["", "x" * (MAX_POST_ID_BYTES + 1), "文" * (MAX_POST_ID_BYTES // 3 + 1)],
    ids=["empty", "long", "long-cjk"],
)
def test_an_envelope_without_a_usable_post_id_is_dead_lettered_at_once(harness: Harness, post_id: str) -> None:
    # Given an envelope whose post_id DynamoDB cannot take as a key
    body = _reject_envelope(post_id)
    # When StoreFunction receives it the first time
    result = harness.store_envelopes(body)
    # Then it is not retried: it is in StoreDLQ already, with why
    assert result == {"batchItemFailures": []}
    (dead,) = harness.stack.client("sqs").receive_message(
        QueueUrl=harness.stack.ref("StoreDLQ"), MessageAttributeNames=["All"]
    )["Messages"]
    assert dead["Body"] == body
    reason = dead["MessageAttributes"]["reason"]["StringValue"]
    assert reason.startswith("not an envelope") and "post_id" in reason
    assert harness.items() == {}
