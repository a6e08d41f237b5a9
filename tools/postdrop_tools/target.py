"""Where the operator verbs act: the local stack of `postdrop up` (default) or a deployed one.

Target.local("http://127.0.0.1:4566")   the Outputs the local stack published when it was provisioned
Target.deployed("postdrop")             the Outputs CloudFormation holds for the stack

Both read the template's Outputs by the same names: nothing here rebuilds a name or an ARN.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3

from postdrop.config import DEFAULT_MAX_OBJECT_BYTES
from postdrop_tools.emulator import DEFAULT_ENDPOINT, local_client
from postdrop_tools.stack import OUTPUTS_PARAMETER

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
    parse_function: str | None  # deployed: the function (its ARN)
    parse_events: str | None  # local: the queue the emulator's S3 notifications go to
    endpoint: str | None = None
    region: str | None = None
    batch_jobs: str | None = None  # local: the queue that stands in for S3 Control's CreateJob
    parse_function_arn: str | None = None
    batch_role_arn: str | None = None  # the template's BatchOperationsRole
    payload_location: str | None = None  # s3://bucket/prefix/ of offloaded notifications
    publish_dlq: str | None = None  # stream ranges PublishFunction failed on every retry
    schedule_dlq: str | None = None  # scheduled posts' rechecks Scheduler could not bring to StoreQueue
    publish_function: str | None = None  # deployed: PublishFunction (its live alias's ARN)
    stream_rewinds: str | None = None  # local: the queue that asks the runner to deliver a range again
    max_object_bytes: int = DEFAULT_MAX_OBJECT_BYTES  # the template's MaxObjectBytes: ParseFunction reads no more

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

    def redeliver_stream(self, info: dict[str, Any]) -> None:
        """Hand PublishFunction the stream records of a range it failed on every retry (a
        PublishDLQ record's ``DDBStreamBatchInfo``), as its event source would. Deployed: read
        them from the stream (within its 24 hours) and invoke the function, failing when it fails
        again; local: the runner's event source delivers the range again."""
        if self.stream_rewinds:
            self.client("sqs").send_message(QueueUrl=self.stream_rewinds, MessageBody=json.dumps(info))
            return
        if not self.publish_function:
            raise TargetError("the stack has no PublishFunctionArn output: cannot hand PublishFunction its records")
        from postdrop_tools.pipeline import stream_record

        records = [stream_record(r, info["streamArn"]) for r in stream_range(self.client("dynamodbstreams"), info)]
        for start in range(0, len(records), 100):
            response = self.client("lambda").invoke(
                FunctionName=self.publish_function, Payload=json.dumps({"Records": records[start : start + 100]})
            )
            answer = json.loads(response["Payload"].read() or b"{}")
            if response.get("FunctionError") or (answer or {}).get("batchItemFailures"):
                raise TargetError(f"PublishFunction failed again on {info.get('startSequenceNumber')}..: {answer}")

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
    def from_outputs(cls, outputs: dict[str, str], **where: Any) -> Target:
        """A stack as its template's Outputs name it (local or deployed: the same names)."""
        return cls(
            bucket=outputs["PostsBucketName"],
            table=outputs["PostsTableName"],
            topic_arn=outputs["PostsTopicArn"],
            store_queue=outputs["StoreQueueUrl"],
            store_dlq=outputs["StoreDLQUrl"],
            parse_dlq=outputs["ParseDLQUrl"],
            parse_function_arn=outputs.get("ParseFunctionArn"),
            batch_role_arn=outputs.get("BatchOperationsRoleArn"),
            payload_location=outputs.get("PayloadLocation"),
            publish_dlq=outputs.get("PublishDLQUrl"),
            schedule_dlq=outputs.get("ScheduleDLQUrl"),
            publish_function=outputs.get("PublishFunctionArn"),
            **({"parse_function": None, "parse_events": None} | where),
        )

    @classmethod
    def local(cls, endpoint: str = DEFAULT_ENDPOINT) -> Target:
        """The local stack `postdrop up` (or a test) provisioned, as it published itself."""
        if not endpoint.startswith(("http://", "https://")):
            raise TargetError(f"--endpoint {endpoint!r} has no scheme: write http://{endpoint}")
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):  # noqa: S310  # nosec B310
                pass
        except (urllib.error.URLError, OSError) as exc:
            port = urllib.parse.urlsplit(endpoint).port
            start = "`make up`" if endpoint == DEFAULT_ENDPOINT else f"`postdrop up --port {port}`"
            raise TargetError(
                f"no local stack at {endpoint}: start one with {start} (or pass --stack NAME for a deployed one)"
            ) from exc
        ssm = local_client("ssm", endpoint)
        try:
            published = json.loads(ssm.get_parameter(Name=OUTPUTS_PARAMETER)["Parameter"]["Value"])
        except ssm.exceptions.ParameterNotFound as exc:
            raise TargetError(f"{endpoint} is not running postdrop's local stack (start it with `make up`)") from exc
        local = published["local"]
        return cls.from_outputs(
            published["outputs"], endpoint=endpoint, parse_events=local["ParseFunctionEvents"],
            batch_jobs=local["BatchJobs"], stream_rewinds=local.get("StreamRewinds"),
            max_object_bytes=int(local.get("MaxObjectBytes", DEFAULT_MAX_OBJECT_BYTES)),
        )  # fmt: skip

    @classmethod
    def deployed(cls, stack: str, region: str | None = None) -> Target:
        cfn = boto3.client("cloudformation", region_name=region)
        try:
            description = cfn.describe_stacks(StackName=stack)["Stacks"][0]
        except Exception as exc:  # botocore's errors: no credentials, no such stack, no network
            raise TargetError(f"cannot read stack {stack!r}: {exc}") from exc
        outputs = {o["OutputKey"]: o["OutputValue"] for o in description.get("Outputs", [])}
        missing = {"PostsBucketName", "PostsTableName", "PostsTopicArn", "StoreQueueUrl", "StoreDLQUrl",
                   "ParseDLQUrl"} - set(outputs)  # fmt: skip
        if missing:
            raise TargetError(f"stack {stack!r} is not a postdrop stack (no output {', '.join(sorted(missing))})")
        function = outputs.get("ParseFunctionArn")
        parameters = {p["ParameterKey"]: p.get("ParameterValue") for p in description.get("Parameters", [])}
        cap = int(parameters.get("MaxObjectBytes") or DEFAULT_MAX_OBJECT_BYTES)
        return cls.from_outputs(outputs, region=region, parse_function=function, max_object_bytes=cap)


def stream_range(client: Any, info: dict[str, Any]) -> list[dict[str, Any]]:
    """The stream records from ``startSequenceNumber`` to ``endSequenceNumber`` of a shard."""
    iterator = client.get_shard_iterator(
        StreamArn=info["streamArn"], ShardId=info["shardId"], ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber=info["startSequenceNumber"],
    )["ShardIterator"]  # fmt: skip
    end, records = int(info["endSequenceNumber"]), list[dict[str, Any]]()
    while iterator:
        response = client.get_records(ShardIterator=iterator, Limit=1000)
        batch = response.get("Records", [])
        for record in batch:
            if int(record["dynamodb"]["SequenceNumber"]) > end:
                return records
            records.append(record)
        if not batch:
            return records
        iterator = response.get("NextShardIterator")
    return records
