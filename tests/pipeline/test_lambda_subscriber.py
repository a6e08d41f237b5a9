"""A Lambda function subscribed to PostsTopic (examples/lambda_subscriber.py), fed what SNS sends it.

The emulator cannot run a Lambda subscription, so a queue subscribed without raw delivery takes
its place: SNS puts the same envelope there that it hands a Lambda subscriber as ``Sns``, filter
policy applied. Each envelope becomes the event ``sam local generate-event sns notification``
shapes, and the example's handler reads it against the emulator's S3 and DynamoDB.
"""

from __future__ import annotations

import importlib.util
import json
import random
from typing import TYPE_CHECKING, Any

import pytest

from postdrop_tools.emulator import emulator
from postdrop_tools.ops import drop
from postdrop_tools.pipeline import Pipeline
from postdrop_tools.runtime import LambdaContext
from postdrop_tools.stack import provision
from postdrop_tools.target import Target
from tests.conftest import REPO, post

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType

pytestmark = pytest.mark.pipeline

# SNS's envelope on a queue names two fields with URL where a Lambda event has Url.
_LAMBDA_NAMES = {"SigningCertURL": "SigningCertUrl", "UnsubscribeURL": "UnsubscribeUrl"}


@pytest.fixture
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lambda_subscriber", REPO / "examples" / "lambda_subscriber.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sns_event(envelope: dict[str, Any], subscription: str) -> dict[str, Any]:
    sns = {_LAMBDA_NAMES.get(name, name): value for name, value in envelope.items()}
    sns.setdefault("Subject", None)
    sns.setdefault("MessageAttributes", {})
    record = {"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": subscription, "Sns": sns}
    return {"Records": [record]}


def _envelopes(sqs: Any, queue: str) -> list[dict[str, Any]]:
    bodies = []
    while messages := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_a_lambda_subscriber_keeps_the_newest_state_through_duplicates_disorder_and_pointers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example: ModuleType
) -> None:
    small = tmp_path / "2026-03-10-short.md"
    large = tmp_path / "2026-03-10-long.md"
    draft = tmp_path / "2026-03-10-draft.md"
    small.write_bytes(post('title: "First title"\ncategories: markets', "<p>短讯。</p>"))
    large.write_bytes(post('title: "长文"\ncategories: markets', "<p>长文的一段。</p>\n" * 40_000))
    draft.write_bytes(post('title: "Not yet"\npublished: false', "<p>draft</p>"))
    with emulator() as emu:
        for name, value in emu.env().items():  # the handler's boto3 calls go where the stack is
            monkeypatch.setenv(name, value)
        stack = provision(emu)
        sqs, sns, dynamodb = stack.client("sqs"), stack.client("sns"), stack.client("dynamodb")
        # Given a subscription as a Lambda function's, without raw delivery, filtered on live posts
        queue = sqs.create_queue(QueueName="lambda-stand-in")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        subscription = sns.subscribe(
            TopicArn=stack.ref("PostsTopic"), Protocol="sqs", Endpoint=arn,
            Attributes={"FilterPolicy": json.dumps({"status": ["published"]})},
        )["SubscriptionArn"]  # fmt: skip
        dynamodb.create_table(
            TableName="index", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "post_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "post_id", "AttributeType": "S"}],
        )  # fmt: skip
        monkeypatch.setenv("INDEX_TABLE", "index")
        # When posts are created, one is edited, the large one deleted, and a draft dropped
        target, pipeline = Target.local(str(emu.endpoint)), Pipeline(stack)
        drop(target, [small, large, draft])
        pipeline.drain()
        small.write_bytes(post('title: "Second title"\ncategories: markets', "<p>短讯，改过。</p>"))
        drop(target, [small])
        pipeline.drain()
        stack.client("s3").delete_object(Bucket=stack.ref("PostsBucket"), Key="posts/2026-03-10-long.md")
        pipeline.drain()
        envelopes = _envelopes(sqs, queue)
        pointers = [e for e in envelopes if isinstance(json.loads(e["Message"]), list)]
        assert len(envelopes) == 4 and len(pointers) == 1  # two creations, the edit, the deletion; no draft
        # and SNS delivers each twice, in any order
        events = [_sns_event(e, subscription) for e in envelopes * 2]
        random.Random(7).shuffle(events)
        context = LambdaContext("index", timeout_s=30)
        for event in events:
            example.handler(event, context)
        # Then the index holds each post's newest state: the edit, the deletion, never the draft
        items = {i["post_id"]["S"]: i for i in dynamodb.scan(TableName="index")["Items"]}
        assert set(items) == {"2026-03-10-short", "2026-03-10-long"}
        assert items["2026-03-10-short"]["title"]["S"] == "Second title"
        assert items["2026-03-10-short"]["event_type"]["S"] == "post.updated"
        assert items["2026-03-10-long"]["event_type"]["S"] == "post.deleted" and "title" not in items["2026-03-10-long"]
        # and the large post's creation was read whole through its pointer before its deletion won
        created = example.notification_of(pointers[0]["Message"])
        assert created["event_type"] == "post.created" and len(created["post"]["text"]) > 200_000
        assert int(items["2026-03-10-long"]["revision"]["N"]) > created["revision"]
