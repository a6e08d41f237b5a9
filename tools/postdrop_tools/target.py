"""Where the operator verbs act: the local stack of `postdrop up` (default) or a deployed one.

Target.local("http://127.0.0.1:4566")   names as `postdrop up` creates them
Target.deployed("postdrop")             physical ids from CloudFormation
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3

from postdrop_tools.emulator import ACCOUNT, DEFAULT_ENDPOINT, REGION, local_client
from postdrop_tools.stack import STACK, batch_jobs_queue, local_name, s3_events_queue
from postdrop_tools.template import load_template

if TYPE_CHECKING:
    from postdrop_tools.batchjob import JobStatus

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
    batch_jobs: str | None = None  # local: the queue that stands in for S3 Control's CreateJob
    parse_function_arn: str | None = None
    batch_role_arn: str | None = None  # the template's BatchOperationsRole

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

    def start_backfill_job(self, prefix: str) -> str:
        """Create an S3 Batch Operations job that runs ParseFunction over ``prefix``; its id.

        The request is checked against botocore's model of S3 Control first, locally too.
        """
        from postdrop_tools.batchjob import create_job_request, invalid_request

        if not self.parse_function_arn or not self.batch_role_arn:
            raise TargetError("the stack has no ParseFunctionArn or BatchOperationsRoleArn output (deploy it again)")
        account = self.parse_function_arn.split(":")[4]
        request = create_job_request(
            account=account, bucket=self.bucket, function_arn=self.parse_function_arn, role_arn=self.batch_role_arn,
            prefix=prefix,
        )  # fmt: skip
        problem = invalid_request(request)
        if problem:
            raise TargetError(f"the CreateJob request is not what S3 Control takes: {problem}")
        if self.batch_jobs:
            job_id = str(uuid.uuid4())
            self.client("sqs").send_message(
                QueueUrl=self.batch_jobs, MessageBody=json.dumps({"job_id": job_id, "request": request})
            )
            return job_id
        return str(self.client("s3control").create_job(**request)["JobId"])

    def job_status(self, job_id: str) -> JobStatus | None:
        """Where the job stands (None: not picked up yet)."""
        from postdrop_tools.batchjob import describe, read_status

        if self.batch_jobs:
            return read_status(self.client("s3"), self.bucket, job_id)
        account = (self.parse_function_arn or "").split(":")[4]
        return describe(self.client("s3control"), account, job_id)

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
        bucket_name = (template.resources["PostsBucket"].get("Properties") or {}).get("BucketName")
        target = cls(
            bucket=template.resolve(bucket_name) if bucket_name else local_name("PostsBucket").lower(),
            table=local_name("PostsTable"),
            topic_arn=f"arn:aws:sns:{REGION}:{ACCOUNT}:{local_name('PostsTopic')}",
            store_queue="",
            store_dlq="",
            parse_dlq="",
            parse_function=None,
            parse_events=None,
            endpoint=endpoint,
            parse_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:ParseFunction",
            batch_role_arn=f"arn:aws:iam::{ACCOUNT}:role/{local_name('BatchOperationsRole')}",
        )
        sqs = target.client("sqs")

        def url(name: str) -> str:
            return str(sqs.get_queue_url(QueueName=name)["QueueUrl"])

        try:
            target.store_queue = url(local_name("StoreQueue"))
            target.store_dlq = url(local_name("StoreDLQ"))
            target.parse_dlq = url(local_name("ParseDLQ"))
            target.parse_events = url(s3_events_queue("ParseFunction"))
            target.batch_jobs = url(batch_jobs_queue())
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
        outputs = {
            o["OutputKey"]: o["OutputValue"]
            for o in cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
        }
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
            parse_function_arn=outputs.get("ParseFunctionArn"),
            batch_role_arn=outputs.get("BatchOperationsRoleArn"),
        )
