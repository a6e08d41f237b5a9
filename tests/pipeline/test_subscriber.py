"""A subscriber that knows nothing of postdrop gets whole posts: AWS's SQS Extended Client, on `postdrop up`."""

from __future__ import annotations

import importlib.util
import json
import sys
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws

from postdrop_tools.emulator import LOCAL_CREDENTIALS, REGION, emulator
from postdrop_tools.local import subscribe_queue
from postdrop_tools.ops import drop, read_notification
from postdrop_tools.pipeline import Pipeline
from postdrop_tools.stack import provision
from postdrop_tools.target import Target
from tests.conftest import REPO, SAMPLES, corpus_files, post

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType

pytestmark = pytest.mark.pipeline


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """examples/subscriber.py, loaded as its user runs it; the process's boto3 put back after the test.

    Importing sqs_extended_client swaps boto3's Session class for the whole process (that is how it
    teaches SQS clients to follow pointers): left in place, every later test's SQS client in this
    worker would be built by it, and a Lambda's trimmed service model has none of the operations
    it wraps. The import is undone here so each use of the example patches afresh.
    """
    for owner in (boto3, boto3.session):
        monkeypatch.setattr(owner, "Session", owner.Session)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", boto3.DEFAULT_SESSION)
    monkeypatch.delitem(sys.modules, "sqs_extended_client", raising=False)
    spec = importlib.util.spec_from_file_location("subscriber", REPO / "examples" / "subscriber.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _large_post() -> bytes:
    paragraph = "这是一段很长的正文，用来测试订阅者收到完整的大文章。" * 20
    body = "".join(f"<p>{i} {paragraph}</p>\n" for i in range(1900))
    data = post('title: "大文章"\ncategories: emnews\ndate: 2026-03-09 08:00:00 +0800', body)
    assert len(data) > 1100 * 1024
    return data


def test_extended_client_subscriber_receives_small_and_large_posts_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example: ModuleType
) -> None:
    small = (corpus_files() or [SAMPLES / "2026-03-02-NW0001.md"])[0]  # a real corpus post where it is at hand
    large = tmp_path / "2026-03-09-large.md"
    large.write_bytes(_large_post())
    for name, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with emulator() as emu:
        # Given a queue subscribed to PostsTopic with raw delivery, as a subscriber makes one
        stack = provision(emu)
        sqs, sns = stack.client("sqs"), stack.client("sns")
        queue, _ = subscribe_queue(sqs, sns, stack.ref("PostsTopic"), "postdrop-local-extended-subscriber")
        target = Target.local(str(emu.endpoint))
        # When a small and a 1.1 MB post are dropped into the bucket
        dropped = drop(target, [small, large]).dropped
        assert sorted(dropped) == sorted([f"posts/{small.name}", "posts/2026-03-09-large.md"])
        Pipeline(stack).drain()
        # Then the Extended Client reads both notifications whole, the large one through its pointer
        received: dict[str, dict[str, Any]] = {
            n["post_id"]: n for n in example.notifications(queue, endpoint_url=emu.endpoint, seconds=1)
        }
        assert set(received) == {small.stem, "2026-03-09-large"}
        big = received["2026-03-09-large"]
        assert big["event_type"] == "post.created" and big["title"] == "大文章"
        assert (
            len(big["post"]["sections"][0]["paragraphs"]) == 1900 and big["post"]["content_hash"] == big["content_hash"]
        )
        assert received[small.stem]["post"]["title"] == received[small.stem]["title"]
        assert received[small.stem]["post"]["text"]
        payloads = stack.client("s3").list_objects_v2(Bucket=stack.ref("PostsBucket"), Prefix="payloads/")
        assert [o["Size"] for o in payloads.get("Contents", [])] and len(payloads["Contents"]) == 1  # only the large


def test_tail_prints_whole_posts_following_the_pointer() -> None:
    with emulator() as emu:
        stack = provision(emu)
        bucket = stack.ref("PostsBucket")
        s3 = stack.client("s3")
        s3.put_object(Bucket=bucket, Key="payloads/n1.json", Body=json.dumps({"post_id": "p", "post": {"text": "x"}}))
        pointer = json.dumps(["software.amazon.payloadoffloading.PayloadS3Pointer",
                              {"s3BucketName": bucket, "s3Key": "payloads/n1.json"}])  # fmt: skip
        assert read_notification(s3, pointer) == {"post_id": "p", "post": {"text": "x"}}
        assert read_notification(s3, '{"post_id": "q"}') == {"post_id": "q"}


def test_the_example_says_what_happened_and_where_a_post_moved_from(example: ModuleType) -> None:
    lines_for = example.lines_for
    deleted = {"event_type": "post.deleted", "post_id": "2026-03-01-a", "categories": [], "tags": [],
               "previous": {"record_type": "POST", "categories": ["partners"], "tags": []}}  # fmt: skip
    assert lines_for(deleted) == [
        "post.deleted 2026-03-01-a",
        "    gone",
        "    categories: partners -> - (a subscriber filtered on partners drops its copy)",
    ]
    moved = {"event_type": "post.updated", "post_id": "b", "title": "B", "categories": ["markets"], "tags": ["x"],
             "previous": {"record_type": "POST", "categories": ["partners"], "tags": ["x"]},
             "post": {"word_count": 1, "reading_minutes": 1, "lang": "en"}}  # fmt: skip
    assert lines_for(moved) == [
        "post.updated b [published] 'B'",
        "    categories: partners -> markets (a subscriber filtered on partners drops its copy)",
        "    1 word, 1 min, lang en",
    ]
    joined = {"event_type": "post.updated", "post_id": "c", "categories": ["news"], "tags": [],
              "previous": {"record_type": "POST", "categories": [], "tags": []}}  # fmt: skip
    assert lines_for(joined)[1] == "    categories: - -> news"  # it left nothing: nobody drops it
    withdrawn = {"event_type": "post.rejected", "post_id": "d", "categories": [], "tags": [],
                 "reason": "no front matter", "previous": {"record_type": "POST", "categories": [], "tags": [],
                                                           "status": "published"}}  # fmt: skip
    assert lines_for(withdrawn)[1] == "    no longer public: its file cannot be read (no front matter)"


def test_the_example_subscriber_says_to_turn_on_raw_delivery_on_a_wrapped_queue(
    monkeypatch: pytest.MonkeyPatch, example: ModuleType
) -> None:
    for name, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)  # moto's mock, not an emulator another test left set
    with mock_aws():
        # Given a queue whose subscription delivers SNS's envelope (RawMessageDelivery off)
        sqs = boto3.client("sqs", region_name=REGION)
        queue = sqs.create_queue(QueueName="wrapped")["QueueUrl"]
        envelope = {"Type": "Notification", "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "{}"}
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(envelope))
        # When the example reads it, it stops with what to change, not a KeyError
        with pytest.raises(SystemExit, match="turn on RawMessageDelivery"):
            list(example.notifications(queue, seconds=1))
