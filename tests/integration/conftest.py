"""Integration fixtures: the template's stack on in-process moto (mock_aws), handlers called for real."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from moto import mock_aws

from postdrop_tools.emulator import ACCOUNT, LOCAL_CREDENTIALS, REGION, Emulator
from postdrop_tools.local import drain_queue, scan_table, tap_topic
from postdrop_tools.pipeline import Pipeline
from postdrop_tools.stack import LocalStack, provision

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass
class Harness:
    """A provisioned stack, its pipeline, and helpers to drop files and read what came out."""

    stack: LocalStack
    pipeline: Pipeline
    tap: str

    @property
    def bucket(self) -> str:
        return self.stack.ref("PostsBucket")

    def put(self, key: str, body: bytes) -> None:
        self.stack.client("s3").put_object(Bucket=self.bucket, Key=key, Body=body)

    def delete(self, key: str) -> None:
        self.stack.client("s3").delete_object(Bucket=self.bucket, Key=key)

    def items(self) -> dict[str, dict[str, Any]]:
        return {item["post_id"]: item for item in scan_table(self.stack)}

    def told(self) -> dict[str, str]:
        """post_id -> the record type of the state last announced, for the posts announced anything."""
        from postdrop.item import announced

        return {pid: str(item["record_type"]) for pid, item in self.items().items() if announced(item)}

    def notifications(self) -> list[dict[str, Any]]:
        return drain_queue(self.stack, self.tap)

    def queue(self, logical: str) -> list[dict[str, Any]]:
        return drain_queue(self.stack, self.stack.ref(logical))

    def store_envelopes(self, *bodies: str, receive_count: int = 1, publish: bool = True) -> dict[str, Any]:
        """Invoke StoreFunction directly with an SQS event holding these message bodies; then,
        unless told not to, let PublishFunction read the table's stream until it is done, as
        Lambda's event source would (retrying what fails, from the failed record)."""
        attributes = {"ApproximateReceiveCount": str(receive_count)}
        records = [
            {"messageId": f"m{i}", "receiptHandle": f"r{i}", "body": body, "attributes": attributes,
             "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs", "awsRegion": REGION,
             "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"}
            for i, body in enumerate(bodies)
        ]  # fmt: skip
        try:
            result: dict[str, Any] = self.pipeline.functions["StoreFunction"].invoke({"Records": records})
        finally:
            if publish:
                self.publish()
        return result

    def publish(self) -> int:
        """PublishFunction over every stream record not yet done; how many it was given."""
        return self.pipeline.pump_streams(now=True)

    def envelopes_sent(self) -> list[str]:
        """Take what ParseFunction sent to StoreQueue (leaving the queue empty)."""
        sqs = self.stack.client("sqs")
        url = self.stack.ref("StoreQueue")
        bodies = []
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            for m in messages:
                bodies.append(m["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return bodies


@pytest.fixture
def harness() -> Iterator[Harness]:
    saved = dict(os.environ)
    os.environ.update(LOCAL_CREDENTIALS)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        with mock_aws():
            stack = provision(Emulator(endpoint=None))
            tap = tap_topic(stack)
            yield Harness(stack=stack, pipeline=Pipeline(stack), tap=tap)
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """The metrics ParseFunction adds in one invocation, by name."""
    from postdrop.observability import metrics

    seen: dict[str, float] = {}
    original = metrics.add_metric

    def add_metric(*, name: str, unit: Any, value: float) -> None:
        seen[name] = seen.get(name, 0) + value
        original(name=name, unit=unit, value=value)

    monkeypatch.setattr(metrics, "add_metric", add_metric)
    return seen


def s3_event(bucket: str, key: str, sequencer: str, name: str = "ObjectCreated:Put") -> dict[str, Any]:
    """An S3 notification record as S3 sends it (key URL-encoded with + for spaces)."""
    from postdrop_tools.events import s3_event as make

    return make(bucket, key, sequencer, name, size=1)


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
