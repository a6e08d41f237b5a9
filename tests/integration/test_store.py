"""StoreFunction on moto: newest wins, replays are no-ops, one notification per real change."""

from __future__ import annotations

import io
import json
import logging
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.exceptions import ClientError

from postdrop.adapters.table import stored_post_json
from tests.conftest import post
from tests.integration.conftest import s3_event

pytestmark = pytest.mark.long(seconds=40)

if TYPE_CHECKING:
    from tests.integration.conftest import Harness

KEY = "posts/2026-03-01-story.md"
V1 = post('title: "第一版"\ndate: 2026-03-01 09:00:00 +0800\ncategories: emnews\ntags: 滚动新闻', "<p>一。</p>\n")
V2 = post('title: "第二版"\ndate: 2026-03-01 09:00:00 +0800\ncategories: emnews\ntags: 滚动新闻', "<p>二。</p>\n")
V3 = post('title: "第三版"\ndate: 2026-03-01 09:00:00 +0800\ncategories: emnews\ntags: 滚动新闻', "<p>三。</p>\n")


def envelope(h: Harness, key: str, body: bytes | None, sequencer: str) -> str:
    """Put the object (or not, for a delete) and let ParseFunction make its envelope."""
    if body is not None:
        h.put(key, body)
    else:
        h.delete(key)
    name = "ObjectCreated:Put" if body is not None else "ObjectRemoved:Delete"
    h.pipeline.functions["ParseFunction"].invoke(s3_event(h.bucket, key, sequencer, name))
    (sent,) = h.envelopes_sent()
    return sent


def events(h: Harness) -> list[str]:
    return [n["event_type"] for n in h.notifications()]


def test_a_new_post_is_stored_and_announced_once_even_when_replayed(harness: Harness) -> None:
    env = envelope(harness, KEY, V1, "0001")
    assert harness.store_envelopes(env) == {"batchItemFailures": []}
    assert harness.store_envelopes(env) == {"batchItemFailures": []}  # S3 delivered it twice
    item = harness.items()["2026-03-01-story"]
    assert item["record_type"] == "POST" and item["title"] == "第一版"
    assert harness.told() == {"2026-03-01-story": "POST"}  # its notification is recorded as out
    assert json.loads(stored_post_json(item) or "")["text"] == "一。"
    assert "post" not in item and len(item["post_zlib"].value) < len(stored_post_json(item) or "")
    assert events(harness) == ["post.created"]


def test_an_update_announces_post_updated(harness: Harness) -> None:
    harness.store_envelopes(envelope(harness, KEY, V1, "0001"))
    harness.store_envelopes(envelope(harness, KEY, V2, "0002"))
    assert harness.items()["2026-03-01-story"]["title"] == "第二版"
    assert events(harness) == ["post.created", "post.updated"]


def test_out_of_order_the_newest_sequencer_wins(harness: Harness) -> None:
    old, new = envelope(harness, KEY, V1, "00A1"), envelope(harness, KEY, V2, "000000B2")  # padded compare
    harness.store_envelopes(new)
    harness.store_envelopes(old)
    assert harness.items()["2026-03-01-story"]["title"] == "第二版"
    assert events(harness) == ["post.created"]


def test_same_content_under_a_newer_sequencer_is_silent_but_moves_the_order(harness: Harness) -> None:
    harness.store_envelopes(envelope(harness, KEY, V1, "0001"))
    harness.store_envelopes(envelope(harness, KEY, V1, "0003"))
    assert harness.items()["2026-03-01-story"]["sequencer"] == "0003"
    # a late, older, different version can no longer win
    harness.store_envelopes(envelope(harness, KEY, V2, "0002"))
    assert harness.items()["2026-03-01-story"]["title"] == "第一版"
    assert events(harness) == ["post.created"]


def test_a_rejected_file_deleted_is_announced_gone(harness: Harness) -> None:
    # Given a file subscribers were told is rejected
    harness.store_envelopes(envelope(harness, KEY, b"---\nfront matter never closed\n", "0001"))
    # When it is deleted
    harness.store_envelopes(envelope(harness, KEY, None, "0002"))
    # Then they are told it is gone, as for a post
    assert events(harness) == ["post.rejected", "post.deleted"]
    assert harness.items()["2026-03-01-story"]["record_type"] == "DELETED"


def test_a_delete_tombstones_the_post_and_announces_it(harness: Harness) -> None:
    harness.store_envelopes(envelope(harness, KEY, V1, "0001"))
    harness.store_envelopes(envelope(harness, KEY, None, "0002"))
    item = harness.items()["2026-03-01-story"]
    assert item["record_type"] == "DELETED" and "post" not in item and "title" not in item
    assert events(harness) == ["post.created", "post.deleted"]


def test_a_late_delete_is_ignored(harness: Harness) -> None:
    delete = envelope(harness, KEY, None, "0001")
    harness.store_envelopes(envelope(harness, KEY, V1, "0002"))
    harness.store_envelopes(delete)
    assert harness.items()["2026-03-01-story"]["record_type"] == "POST"
    assert events(harness) == ["post.created"]


def test_a_late_create_cannot_resurrect_a_deleted_post(harness: Harness) -> None:
    create = envelope(harness, KEY, V1, "0001")
    harness.store_envelopes(envelope(harness, KEY, None, "0002"))
    harness.store_envelopes(create)
    assert harness.items()["2026-03-01-story"]["record_type"] == "DELETED"
    assert events(harness) == []  # nothing was ever visible


def test_a_rejected_file_gets_a_record_and_one_notification(harness: Harness) -> None:
    key = "posts/broken.md"
    harness.store_envelopes(envelope(harness, key, b"---\nfront matter never closed\n", "0001"))
    harness.store_envelopes(envelope(harness, key, b"---\nfront matter never closed\n", "0002"))  # dropped again
    item = harness.items()["broken"]
    assert item["record_type"] == "REJECTED"
    assert item["reason"].startswith("front matter opened at line 1 is never closed")
    (note,) = harness.notifications()
    assert note["event_type"] == "post.rejected" and note["reason"] == item["reason"]
    # the file itself stays in the bucket
    assert harness.stack.client("s3").get_object(Bucket=harness.bucket, Key=key)["Body"].read()


def _fail_once(h: Harness, operation: str, code: str = "ThrottlingException") -> dict[str, int]:
    """Make the next call of ``operation`` fail at the client, as AWS would when throttling."""
    state = {"left": 1, "failed": 0}

    def hook(**_: Any) -> None:
        if state["left"]:
            state["left"] -= 1
            state["failed"] += 1
            raise ClientError({"Error": {"Code": code, "Message": "injected"}}, operation)

    service = "sns" if operation == "PublishBatch" else "dynamodb"
    client = h.pipeline.clients.sns if service == "sns" else h.pipeline.clients.dynamodb
    client.meta.events.register(f"before-call.{service}.{operation}", hook)
    return state


def test_a_failed_publish_after_the_write_is_published_on_the_retry(harness: Harness) -> None:
    env = envelope(harness, KEY, V1, "0001")
    state = _fail_once(harness, "PublishBatch")
    first = harness.store_envelopes(env)
    assert state["failed"] == 1
    assert first == {"batchItemFailures": []}  # the write is done: the stream retries the publish
    assert harness.told() == {"2026-03-01-story": "POST"}
    assert harness.store_envelopes(env) == {"batchItemFailures": []}  # SQS redelivers it: nothing to write
    notes = harness.notifications()
    assert [n["event_type"] for n in notes] == ["post.created"]  # created, not lost nor doubled


def _legacy_item(h: Harness, key: str, body: bytes, sequencer: str) -> None:
    """The item an earlier postdrop left for ``key``: no files, no rev, no told, a pending mark."""
    env = json.loads(envelope(h, key, body, sequencer))
    table, db = h.stack.ref("PostsTable"), h.stack.client("dynamodb")
    item = {"post_id": {"S": env["post_id"]}, "seq": {"S": sequencer.rjust(32, "0")}, "sequencer": {"S": sequencer},
            "key": {"S": key}, "bucket": {"S": h.bucket}, "record_type": {"S": "POST"}, "pending": {"S": "1"},
            "content_hash": {"S": env["head"]["content_hash"]}, "title": {"S": env["head"]["title"]},
            "post": {"S": json.dumps(env["post"], ensure_ascii=False)}, "prev_record_type": {"S": "-"}}  # fmt: skip
    db.put_item(TableName=table, Item=item)


def test_an_item_an_earlier_version_wrote_counts_as_told(harness: Harness) -> None:
    # Given an item written and announced by an earlier postdrop
    _legacy_item(harness, KEY, V1, "0001")
    # When S3 delivers its change again, Then nothing more is announced
    assert harness.store_envelopes(envelope(harness, KEY, V1, "0001")) == {"batchItemFailures": []}
    assert events(harness) == []
    # and a newer change is an update of what subscribers were told, in today's shape
    assert harness.store_envelopes(envelope(harness, KEY, V2, "0002")) == {"batchItemFailures": []}
    assert events(harness) == ["post.updated"]
    item = harness.items()["2026-03-01-story"]
    assert item["title"] == "第二版" and "pending" not in item and "post" not in item and "prev_record_type" not in item


def test_one_bad_record_fails_only_itself(harness: Harness) -> None:
    good = envelope(harness, KEY, V1, "0001")
    other = envelope(harness, "posts/other.md", V2, "0001")
    state = _fail_once(harness, "UpdateItem")  # the first write is throttled past botocore's retries
    result = harness.store_envelopes("not an envelope", good, other)
    failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    assert state["failed"] == 1
    assert failed == {"m1"}  # the throttled one is retried, not the third
    assert len(harness.items()) == 1
    # the poison message can never be stored: it is in StoreDLQ at once, with why
    (dead,) = harness.stack.client("sqs").receive_message(
        QueueUrl=harness.stack.ref("StoreDLQ"), MessageAttributeNames=["All"]
    )["Messages"]
    assert dead["Body"] == "not an envelope"
    reason = dead["MessageAttributes"]["reason"]["StringValue"]
    assert reason.startswith("not an envelope: the body is not JSON (") and "line 1 column" in reason


def _count_calls(h: Harness) -> dict[str, int]:
    """StoreFunction's DynamoDB calls, by operation, from now on."""
    calls: dict[str, int] = {}

    def count(model: Any, **_: Any) -> None:
        calls[model.name] = calls.get(model.name, 0) + 1

    h.pipeline.clients.dynamodb.meta.events.register("before-call.dynamodb", count)
    return calls


def test_a_batch_reads_its_posts_items_in_one_call_and_each_write_starts_from_the_last(harness: Harness) -> None:
    # Given a batch with two changes of one post (and a second post), its first change stored before
    harness.store_envelopes(envelope(harness, KEY, V1, "0001"))
    harness.notifications()
    v2, v3, other = (envelope(harness, KEY, V2, "0002"), envelope(harness, KEY, V3, "0003"),
                     envelope(harness, "posts/other.md", V1, "0001"))  # fmt: skip
    calls = _count_calls(harness)
    # When StoreFunction takes it
    assert harness.store_envelopes(v2, v3, other) == {"batchItemFailures": []}
    # Then the items are read once for the batch, and each change is one write: the second change
    # of the post starts from the item the first one wrote
    assert calls == {"BatchGetItem": 1, "UpdateItem": 3}
    assert harness.items()["2026-03-01-story"]["title"] == "第三版"
    assert sorted(events(harness)) == ["post.created", "post.updated", "post.updated"]


def test_an_item_changed_after_the_batch_read_it_fails_the_condition_and_the_write_goes_on_from_it(
    harness: Harness,
) -> None:
    from postdrop.adapters.table import read_item, write_next
    from postdrop.envelope import Envelope
    from postdrop.item import item_for, next_item

    # Given a stored post, and a batch with its newest change
    harness.store_envelopes(envelope(harness, KEY, V1, "0001"))
    v2, v3 = envelope(harness, KEY, V2, "0002"), envelope(harness, KEY, V3, "0003")
    table, db = harness.stack.ref("PostsTable"), harness.stack.client("dynamodb")  # another writer's client
    written: list[bool] = []

    def another_writer(**_: Any) -> None:  # between the batch's read and its write, once
        if not written:
            item = read_item(db, table, "2026-03-01-story")
            assert item is not None
            planned = next_item(item, item_for(Envelope.model_validate_json(v2)), same_change=False)
            assert planned is not None
            written.append(write_next(db, table, planned, item).written)

    harness.pipeline.clients.dynamodb.meta.events.register("after-call.dynamodb.BatchGetItem", another_writer)
    calls = _count_calls(harness)
    # When StoreFunction writes from the item it read, which another writer has changed since
    assert harness.store_envelopes(v3) == {"batchItemFailures": []}
    # Then its write fails the condition, hands back the item as it now is, and the change is
    # written over that, with no read of its own
    assert written == [True]
    assert calls == {"BatchGetItem": 1, "UpdateItem": 2}
    item = harness.items()["2026-03-01-story"]
    assert item["title"] == "第三版" and item["rev"] == 3
    assert events(harness) == ["post.created", "post.updated", "post.updated"]


def test_a_failed_read_ahead_leaves_each_write_to_read_its_own_item(harness: Harness) -> None:
    v1, other = envelope(harness, KEY, V1, "0001"), envelope(harness, "posts/other.md", V2, "0001")
    state = _fail_once(harness, "BatchGetItem")  # throttled past botocore's retries
    calls = _count_calls(harness)
    assert harness.store_envelopes(v1, other) == {"batchItemFailures": []}
    assert state["failed"] == 1
    assert calls == {"GetItem": 2, "UpdateItem": 2}  # the BatchGetItem failed before the count saw it
    assert sorted(harness.items()) == ["2026-03-01-story", "other"]


def test_subscribers_filter_by_message_attributes(harness: Harness) -> None:
    sports = post('title: "t"\ncategories: sports\ntags: 体育', "<p>x</p>\n")
    harness.store_envelopes(envelope(harness, KEY, V1, "0001"), envelope(harness, "posts/s.md", sports, "0001"))
    received = harness.queue("ExampleSubscriberQueue")
    assert [n["post_id"] for n in received] == ["2026-03-01-story"]  # category emnews only
    everything = harness.notifications()
    assert sorted(n["post_id"] for n in everything) == ["2026-03-01-story", "s"]


def test_a_1mb_post_goes_through_whole(harness: Harness) -> None:
    paragraph = "这是一段很长的正文，用来测试大文件。" * 20
    body = "".join(f"<p>{i} {paragraph}</p>" for i in range(1500)).encode()
    data = post('title: "大文件"\ncategories: emnews\ntags: 滚动新闻', body.decode())
    assert len(data) > 1024 * 1024
    env = envelope(harness, "posts/big.md", data, "0001")
    assert len(env.encode()) < 256 * 1024  # the envelope fits an SQS message
    assert json.loads(env)["post_ref"].startswith(f"s3://{harness.bucket}/archive/posts/big/")
    assert harness.store_envelopes(env) == {"batchItemFailures": []}
    item = harness.items()["big"]
    assert "post" not in item and item["title"] == "大文件"
    bucket, _, key = item["post_ref"].removeprefix("s3://").partition("/")
    archived = json.loads(harness.stack.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
    assert len(archived["sections"][0]["paragraphs"]) == 1500  # whole
    assert archived["content_hash"] == item["content_hash"]
    # the notification is over SNS's 256 KB: subscribers get a payload-offloading pointer to it, whole
    sqs = harness.stack.client("sqs")
    (message,) = sqs.receive_message(QueueUrl=harness.tap, MaxNumberOfMessages=10)["Messages"]  # as it came
    pointer_class, where = cast("list[Any]", json.loads(message["Body"]))
    assert pointer_class == "software.amazon.payloadoffloading.PayloadS3Pointer"
    assert where["s3BucketName"] == harness.bucket and where["s3Key"].startswith("payloads/")
    s3 = harness.stack.client("s3")
    note = json.loads(s3.get_object(Bucket=where["s3BucketName"], Key=where["s3Key"])["Body"].read())
    assert note["event_type"] == "post.created" and note["post"] == archived
    # the archive write did not trigger a parse
    parse_events = harness.stack.functions["ParseFunction"].s3_queue
    assert parse_events is not None
    from postdrop_tools.local import drain_queue

    keys = [r["s3"]["object"]["key"] for m in drain_queue(harness.stack, parse_events) for r in m.get("Records", [])]
    assert all(not k.startswith(("archive/", "payloads/")) for k in keys)


def test_a_record_that_keeps_failing_ends_in_store_dlq_with_its_reason(harness: Harness) -> None:
    sqs = harness.stack.client("sqs")
    sqs.send_message(QueueUrl=harness.stack.ref("StoreQueue"), MessageBody='{"action": "upsert"}')
    harness.pipeline.drain()
    messages = sqs.receive_message(
        QueueUrl=harness.stack.ref("StoreDLQ"), MessageAttributeNames=["All"], MaxNumberOfMessages=10
    )["Messages"]
    assert len(messages) == 1
    assert messages[0]["Body"] == '{"action": "upsert"}'
    assert messages[0]["MessageAttributes"]["reason"]["StringValue"].startswith("not an envelope")
    assert harness.queue("StoreQueue") == []


def test_a_publish_that_keeps_failing_is_left_to_the_stream_s_on_failure_destination(harness: Harness) -> None:
    # Given a post whose publish fails on every try
    env = envelope(harness, KEY, V1, "0001")
    client = harness.pipeline.clients.sns

    def refuse(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "InternalError", "Message": "injected"}}, "PublishBatch")

    client.meta.events.register("before-call.sns.PublishBatch", refuse)
    try:
        # When it is stored, Then StoreFunction is done with it (its write is the only one)
        assert harness.store_envelopes(env, receive_count=99) == {"batchItemFailures": []}
    finally:
        client.meta.events.unregister("before-call.sns.PublishBatch", refuse)
    # and the stream's retries end with its range in PublishDLQ, not in StoreDLQ
    assert harness.queue("StoreDLQ") == []
    (failure,) = harness.queue("PublishDLQ")
    assert failure["DDBStreamBatchInfo"]["batchSize"] >= 1 and harness.notifications() == []


def _batch_task(h: Harness, key: str) -> tuple[dict[str, Any], str]:
    """ParseFunction's answer to a Batch Operations task over ``key``, and the envelope it sent."""
    job = {"invocationSchemaVersion": "2.0", "invocationId": "inv", "job": {"id": "j"},
           "tasks": [{"taskId": "t1", "s3Key": key, "s3VersionId": None, "s3Bucket": h.bucket}]}  # fmt: skip
    answer: dict[str, Any] = h.pipeline.functions["ParseFunction"].invoke(job)
    (sent,) = h.envelopes_sent()
    return answer, sent


def test_a_batch_operations_task_rereads_the_object_at_the_stored_change(harness: Harness) -> None:
    # Given a post stored and announced from its S3 event
    assert harness.store_envelopes(envelope(harness, KEY, V1, "0A01")) == {"batchItemFailures": []}
    assert events(harness) == ["post.created"]
    # When Batch Operations runs ParseFunction over the unchanged object
    answer, sent = _batch_task(harness, KEY)
    assert answer["results"] == [{"taskId": "t1", "resultCode": "Succeeded", "resultString": f"{KEY}: parsed"}]
    assert json.loads(sent)["change"]["sequencer"] == ""  # the store takes the sequencer the table holds
    assert harness.store_envelopes(sent) == {"batchItemFailures": []}
    # Then nothing is rewritten and nobody is told: the same change, the same content
    assert events(harness) == []
    assert harness.items()["2026-03-01-story"]["sequencer"] == "0A01"


def test_a_batch_operations_task_over_an_object_the_table_lacks_creates_it(harness: Harness) -> None:
    harness.put("posts/never-seen.md", V1)
    _, sent = _batch_task(harness, "posts/never-seen.md")
    assert harness.store_envelopes(sent) == {"batchItemFailures": []}
    assert events(harness) == ["post.created"]
    # and a real event of that object afterwards still wins over the backfill
    assert harness.store_envelopes(envelope(harness, "posts/never-seen.md", V2, "0001")) == {"batchItemFailures": []}
    assert events(harness) == ["post.updated"]


def test_a_batch_operations_task_whose_object_is_gone_fails_permanently(harness: Harness) -> None:
    task = {"taskId": "t1", "s3Key": "posts/gone.md", "s3VersionId": None, "s3Bucket": harness.bucket}
    job = {"invocationSchemaVersion": "2.0", "invocationId": "inv", "tasks": [task]}
    answer = harness.pipeline.functions["ParseFunction"].invoke(job)
    assert answer["results"] == [
        {"taskId": "t1", "resultCode": "PermanentFailure", "resultString": "posts/gone.md: the object does not exist"}
    ]
    assert harness.envelopes_sent() == []


def test_a_record_that_can_never_be_stored_is_logged_under_no_other_posts_key(harness: Harness) -> None:
    from postdrop.observability import logger

    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logger.registered_formatter)  # each line as CloudWatch Logs receives it
    logging.getLogger(logger.name).addHandler(handler)
    try:
        # the record after a good one: its log lines carried the good one's key as correlation_id
        harness.store_envelopes(envelope(harness, KEY, V1, "0001"), "not an envelope")
    finally:
        logging.getLogger(logger.name).removeHandler(handler)
    lines = [line for line in map(json.loads, written.getvalue().splitlines()) if line.get("message_id") == "m1"]
    assert [line["message"] for line in lines] == ["record can never be stored", "record dead-lettered"]
    assert all(line.get("correlation_id") != KEY for line in lines), lines
