"""Where the operator verbs act: the local stack of `postdrop up` (default) or a deployed one.

Target.local("http://127.0.0.1:4566")   names as `postdrop up` creates them
Target.deployed("postdrop")             physical ids from CloudFormation
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import boto3

from postdrop_tools.emulator import ACCOUNT, DEFAULT_ENDPOINT, REGION, local_client
from postdrop_tools.stack import STACK, local_name, s3_events_queue
from postdrop_tools.template import load_template

__all__ = ["DEFAULT_ENDPOINT", "Target", "TargetError"]


class TargetError(Exception):
    """The stack to act on cannot be reached or is not postdrop's."""


@dataclass
class Target:
    bucket: str
    table: str
    topic_arn: str
    store_queue: str
    store_dlq: str
    parse_dlq: str
    parse_function: str | None  # deployed: the function's name
    parse_events: str | None  # local: the queue the emulator's S3 notifications go to
    endpoint: str | None = None
    region: str | None = None

    def client(self, service: str) -> Any:
        if self.endpoint:
            return local_client(service, self.endpoint)
        return boto3.client(service, region_name=self.region)  # type: ignore[call-overload]

    def deliver_to_parse(self, event: dict[str, Any]) -> None:
        """Hand ParseFunction an S3 event the way S3 would (async)."""
        if self.parse_events:
            self.client("sqs").send_message(QueueUrl=self.parse_events, MessageBody=json.dumps(event))
        elif self.parse_function:
            self.client("lambda").invoke(
                FunctionName=self.parse_function, InvocationType="Event", Payload=json.dumps(event).encode()
            )
        else:  # pragma: no cover - both constructors set one
            raise TargetError("no way to reach ParseFunction")

    @classmethod
    def local(cls, endpoint: str = DEFAULT_ENDPOINT) -> Target:
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):  # noqa: S310  # nosec B310
                pass
        except (urllib.error.URLError, OSError) as exc:
            raise TargetError(
                f"no local stack at {endpoint}: start one with `make up` (or pass --stack NAME for a deployed one)"
            ) from exc
        template = load_template(stack=STACK, account=ACCOUNT, region=REGION)
        bucket_props = template.resolve(template.resources["PostsBucket"].get("Properties") or {})
        target = cls(
            bucket=bucket_props.get("BucketName") or local_name("PostsBucket").lower(),
            table=local_name("PostsTable"),
            topic_arn=f"arn:aws:sns:{REGION}:{ACCOUNT}:{local_name('PostsTopic')}",
            store_queue="",
            store_dlq="",
            parse_dlq="",
            parse_function=None,
            parse_events=None,
            endpoint=endpoint,
        )
        sqs = target.client("sqs")

        def url(name: str) -> str:
            return str(sqs.get_queue_url(QueueName=name)["QueueUrl"])

        try:
            target.store_queue = url(local_name("StoreQueue"))
            target.store_dlq = url(local_name("StoreDLQ"))
            target.parse_dlq = url(local_name("ParseDLQ"))
            target.parse_events = url(s3_events_queue("ParseFunction"))
        except sqs.exceptions.QueueDoesNotExist as exc:
            raise TargetError(f"{endpoint} is not running postdrop's local stack (start it with `make up`)") from exc
        return target

    @classmethod
    def deployed(cls, stack: str, region: str | None = None) -> Target:
        cfn = boto3.client("cloudformation", region_name=region)
        try:
            resources = cfn.describe_stack_resources(StackName=stack)["StackResources"]
        except Exception as exc:  # botocore's errors: no credentials, no such stack, no network
            raise TargetError(f"cannot read stack {stack!r}: {exc}") from exc
        ids = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}
        missing = {"PostsBucket", "PostsTable", "PostsTopic", "StoreQueue", "StoreDLQ", "ParseDLQ"} - set(ids)
        if missing:
            raise TargetError(f"stack {stack!r} is not a postdrop stack (no {', '.join(sorted(missing))})")
        return cls(
            bucket=ids["PostsBucket"],
            table=ids["PostsTable"],
            topic_arn=ids["PostsTopic"],
            store_queue=ids["StoreQueue"],
            store_dlq=ids["StoreDLQ"],
            parse_dlq=ids["ParseDLQ"],
            parse_function=ids.get("ParseFunction"),
            parse_events=None,
            region=region,
        )
