"""The local pipeline: the emulator's real S3 notifications become handler invocations.

S3 -> (bucket notification, a local queue) -> ParseFunction, invoked asynchronously with
Lambda's retries and ParseDLQ; StoreQueue -> StoreFunction in batches with partial batch
failure, failed records visible again after the queue's visibility timeout (the template's,
scaled: stack.TIME_SCALE) and moved to StoreDLQ by the queue's own redrive policy; PostsTable's
stream -> PublishFunction as Lambda reads a stream: in order, from a checkpoint, a batch retried
from the first record it reports failed (in halves when the invocation failed outright), and
after MaximumRetryAttempts its range sent to the on-failure destination. A scheduled
post's one-time schedule (kept by the emulator) sends its recheck to StoreQueue when due. The
emulator leaves ``sequencer`` out of S3 records; it is stamped here, in arrival order, as S3
stamps it per key.
"""

from __future__ import annotations

import base64
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from postdrop.aws import Clients
from postdrop_tools.emulator import REGION
from postdrop_tools.faults import ProcessDied
from postdrop_tools.runtime import LocalFunction, configure_environment, process_environment
from postdrop_tools.stack import batch_jobs_queue, stream_rewinds_queue

if TYPE_CHECKING:
    from collections.abc import Callable

    from postdrop_tools.stack import LocalStack

__all__ = ["Pipeline", "sqs_record"]

# The list parameter of each batch call (SQS, SNS, transactions); BatchWriteItem's entries
# are the requests of its one table.
_BATCH_PARAMETERS = ("Entries", "PublishBatchRequestEntries", "TransactItems")
SNS_CHUNK = 64 * 1024
SCHEDULE_POLL = 0.5  # seconds between looks at the emulator's schedules (Scheduler fires to the minute or better)
STREAM_POLL = 0.25  # seconds between looks at a table's stream when nothing the runner ran could have written

# the sequencer moto gives every EventBridge event of S3 (the runner stamps its own in its place)
_MOTO_EVENTBRIDGE_SEQUENCER = "617f08299329d189"


@dataclass
class StreamReader:
    """Lambda's part for one stream event source: the checkpoint, and the batch being retried."""

    arn: str
    shard: str = ""
    checkpoint: str | None = None  # the sequence number of the last record done (None: the stream's start)
    attempts: int = 0  # failed invocations of the batch at the checkpoint
    limit: int = 0  # the batch's size while it is retried in halves (0: the function's BatchSize)


@dataclass
class Pipeline:
    stack: LocalStack
    quiet: bool = True
    on_parsed: Callable[[int], None] | None = None
    on_parse_result: Callable[[dict[str, Any]], None] | None = None  # each S3 event's ParseFunction summary
    # logical name -> makes a handler from clients, to run instead of the template's (the benchmarks' baselines);
    # None: the design has no such function, so it is not run
    handlers: dict[str, Callable[[Clients], Callable[[dict[str, Any], Any], Any]] | None] = field(default_factory=dict)
    functions: dict[str, LocalFunction] = field(default_factory=dict)
    _sequence: int = 0
    _next_schedule_poll: float = 0.0
    _scheduler: Any = None
    _streams: dict[str, StreamReader] = field(default_factory=dict)
    _next_stream_poll: float = 0.0
    _streams_client: Any = None
    _streams_idle: bool = False  # the last look at every stream found nothing to do, and nothing wrote since

    calls: Counter[str] = field(default_factory=Counter)
    entries: Counter[str] = field(default_factory=Counter)  # the entries of batch calls
    publish_chunks: int = 0  # SNS bills each 64 KB of a published message as one request
    log_bytes: int = 0  # what postdrop's log lines at INFO would take in CloudWatch Logs

    def __post_init__(self) -> None:
        configure_environment(self.stack, quiet=self.quiet)
        self.clients = Clients()  # the handlers' clients: count calls or inject faults on these
        quiet = process_environment(self.stack, quiet=self.quiet)
        self.functions = {}
        for name, spec in self.stack.functions.items():
            if name in self.handlers and self.handlers[name] is None:
                continue
            make = self.handlers.get(name)
            self.functions[name] = LocalFunction(spec, make(self.clients) if make else None, self.clients, quiet)
        self.sqs = self.stack.client("sqs")
        self.batch_jobs = self.sqs.get_queue_url(QueueName=batch_jobs_queue())["QueueUrl"]
        self.stream_rewinds = self.sqs.get_queue_url(QueueName=stream_rewinds_queue())["QueueUrl"]
        self._count_handler_calls()
        self._count_log_bytes()

    def _count_handler_calls(self) -> None:
        """Count the AWS calls postdrop's own code makes (the handlers' clients), by operation,
        and the entries of each batch call (what SNS and DynamoDB bill by)."""
        for client in (self.clients.s3, self.clients.sqs, self.clients.dynamodb, self.clients.sns):
            service = client.meta.service_model.service_name

            def count(model: Any, params: dict[str, Any], _service: str = service, **_: Any) -> None:
                operation = f"{_service}.{model.name}"
                self.calls[operation] += 1
                batch = next((params[k] for k in _BATCH_PARAMETERS if k in params), None)
                if "RequestItems" in params:  # BatchWriteItem: a list of requests a table; BatchGetItem: its Keys
                    batch = [r for requests in params["RequestItems"].values()
                             for r in (requests["Keys"] if isinstance(requests, dict) else requests)]  # fmt: skip
                if batch is not None:
                    self.entries[operation] += len(batch)
                if operation == "sns.PublishBatch":
                    self.publish_chunks += sum(-(-len(e["Message"].encode()) // SNS_CHUNK) for e in batch or [])

            client.meta.events.register("before-parameter-build", count)

    def _count_log_bytes(self) -> None:
        """Count the bytes postdrop's log lines take at the template's default level (INFO), as
        CloudWatch Logs would ingest them, whatever this run prints: its own output keeps the
        level it had (a quiet run shows warnings only)."""
        import logging

        from postdrop.observability import logger

        for handler in logger._logger.handlers:  # what is printed keeps the level the run asked for
            handler.setLevel(max(handler.level, logger.log_level))
        pipeline = self

        class _Counter(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                pipeline.log_bytes += len(logger.registered_formatter.format(record).encode()) + 1

        counter = _Counter(level=logging.INFO)
        logger._logger.handlers = [h for h in logger._logger.handlers if type(h).__name__ != "_Counter"] + [counter]
        logger.setLevel(min(logger.log_level, logging.INFO))

    def _next_sequencer(self) -> str:
        self._sequence += 1
        return f"{int(time.time() * 1000):012X}{self._sequence:08X}"

    def _stamp(self, body: dict[str, Any]) -> dict[str, Any]:
        """Sequencers in arrival order: moto leaves them out of S3 records and gives every
        EventBridge event the same one. And an EventBridge event's key URL-encoded, as S3 sends
        it (and Powertools reads it): moto's is the key as it is, so a '+' in it read as a space."""
        for record in body.get("Records") or []:
            obj = record.get("s3", {}).get("object", {})
            obj.setdefault("sequencer", self._next_sequencer())
        if "detail-type" in body:
            obj = body.setdefault("detail", {}).setdefault("object", {})
            if obj.get("sequencer") in (None, _MOTO_EVENTBRIDGE_SEQUENCER):  # as moto sent it, not redriven
                obj["sequencer"] = self._next_sequencer()
                if isinstance(obj.get("key"), str):
                    obj["key"] = quote_plus(obj["key"])  # as moto encodes its S3 notifications' keys
        return body

    def _send_to_dlq(self, queue_url: str, body: str) -> None:
        self.sqs.send_message(QueueUrl=queue_url, MessageBody=body)

    def pump_s3(self, fn: LocalFunction) -> int:
        """Deliver the S3 events waiting for ``fn`` (nothing else); return how many."""
        url = fn.spec.s3_queue
        if url is None:
            return 0
        messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            body = json.loads(message["Body"])
            if "Records" in body or "detail-type" in body:  # S3's test event carries no change
                event = self._stamp(body)
                result = fn.invoke_async(event, self._send_to_dlq)  # a failure ends in ParseDLQ, as in Lambda
                if self.on_parse_result and isinstance(result, dict):
                    self.on_parse_result(result)
                if self.on_parsed:
                    self.on_parsed(len(event["Records"]))
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def _pump_sqs(self, fn: LocalFunction) -> int:
        url = fn.spec.sqs_source
        if url is None:
            return 0
        response = self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=min(fn.spec.batch_size, 10), AttributeNames=["All"]
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        event = {"Records": [sqs_record(m, arn) for m in messages]}
        try:
            result = fn.invoke(event) or {}
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        except ProcessDied:  # no answer at all: the batch reappears after the queue's visibility timeout
            return len(messages)
        except Exception:
            failed = {m["MessageId"] for m in messages}
        for message in messages:  # a failed record comes back after the queue's (scaled) visibility timeout
            if message["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def _pump_batch_jobs(self) -> int:
        """Do the part of S3 Batch Operations for each job the CLI created (batchjob.run_locally)."""
        from postdrop_tools.batchjob import run_locally

        messages = self.sqs.receive_message(QueueUrl=self.batch_jobs, MaxNumberOfMessages=1).get("Messages", [])
        for message in messages:
            job = json.loads(message["Body"])
            request = job["request"]
            function = self.functions[request["Operation"]["LambdaInvoke"]["FunctionArn"].split(":")[6]]
            bucket = request["ManifestGenerator"]["S3JobManifestGenerator"]["SourceBucket"].rpartition(":")[2]
            self.sqs.delete_message(QueueUrl=self.batch_jobs, ReceiptHandle=message["ReceiptHandle"])
            run_locally(self.stack.client("s3"), request, job["job_id"], function.invoke, bucket=bucket)
        return len(messages)

    def fire_schedules(self, now: datetime | None = None) -> int:
        """Do EventBridge Scheduler's part: each one-time schedule of the stack's groups whose time
        has come sends its target (a queue) its input, then is deleted, as ActionAfterCompletion
        DELETE does. Returns how many fired. Not more often than every SCHEDULE_POLL seconds
        unless ``now`` is given."""
        if now is None:
            if time.monotonic() < self._next_schedule_poll:
                return 0
            self._next_schedule_poll = time.monotonic() + SCHEDULE_POLL
        groups = [self.stack.ref(g) for g in self.stack.template.of_type("AWS::Scheduler::ScheduleGroup")]
        if not groups:
            return 0
        if self._scheduler is None:  # made once: a boto3 client costs tens of milliseconds
            self._scheduler = self.stack.client("scheduler")
        scheduler, at = self._scheduler, now or datetime.now(UTC)
        fired = 0
        for group in groups:
            for summary in scheduler.list_schedules(GroupName=group).get("Schedules", []):
                schedule = scheduler.get_schedule(Name=summary["Name"], GroupName=group)
                due = _one_time(schedule["ScheduleExpression"])
                if due is None or due > at or schedule.get("State", "ENABLED") != "ENABLED":
                    continue
                target = schedule["Target"]
                name = target["Arn"].rsplit(":", 1)[1]  # arn:aws:sqs:region:account:NAME
                url = self.sqs.get_queue_url(QueueName=name)["QueueUrl"]
                self.sqs.send_message(QueueUrl=url, MessageBody=target.get("Input", "{}"))
                if schedule.get("ActionAfterCompletion") == "DELETE":
                    scheduler.delete_schedule(Name=summary["Name"], GroupName=group)
                fired += 1
        return fired

    def _stream_batch(self, fn: LocalFunction, reader: StreamReader) -> list[dict[str, Any]]:
        """The records after ``reader``'s checkpoint, at most its batch size, as Lambda delivers them."""
        if self._streams_client is None:
            self._streams_client = self.stack.client("dynamodbstreams")
        streams = self._streams_client
        if not reader.shard:
            shards = streams.describe_stream(StreamArn=reader.arn)["StreamDescription"]["Shards"]
            if not shards:
                return []
            reader.shard = shards[0]["ShardId"]
        where: dict[str, Any] = {"ShardIteratorType": "TRIM_HORIZON"}
        if reader.checkpoint is not None:
            where = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": reader.checkpoint}
        iterator = streams.get_shard_iterator(StreamArn=reader.arn, ShardId=reader.shard, **where)["ShardIterator"]
        limit = reader.limit or fn.spec.batch_size
        records = streams.get_records(ShardIterator=iterator, Limit=limit).get("Records", [])
        return [stream_record(r, reader.arn) for r in records]

    def pump_stream(self, fn: LocalFunction) -> int:
        """Deliver ``fn`` one batch of its stream, as Lambda's event source does; return its records."""
        arn = fn.spec.stream_source
        if arn is None:
            return 0
        reader = self._streams.setdefault(fn.spec.logical, StreamReader(arn))
        records = self._stream_batch(fn, reader)
        if not records:
            return 0
        numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
        try:
            result = fn.invoke({"Records": records}) or {}
        except (ProcessDied, Exception):  # no answer, or an error: the same records again, in halves
            self._stream_failed(fn, reader, records, bisect=True)
            return len(records)
        failures = [f.get("itemIdentifier") for f in result.get("batchItemFailures") or []]
        if not failures:
            reader.checkpoint, reader.attempts, reader.limit = numbers[-1], 0, 0
            return len(records)
        first = min((numbers.index(n) for n in failures if n in numbers), default=0)
        if first > 0:  # done up to the failed record: the checkpoint moves there, its retry starts anew
            reader.checkpoint, reader.attempts, reader.limit = numbers[first - 1], 0, 0
        self._stream_failed(fn, reader, records[first:], bisect=False)
        return len(records)

    def _stream_failed(self, fn: LocalFunction, reader: StreamReader, records: list[dict[str, Any]],
                       *, bisect: bool) -> None:  # fmt: skip
        """A batch at the checkpoint failed: retry it (halved, for a failed invocation, where the
        source bisects), or after MaximumRetryAttempts send its range to the on-failure
        destination and move past it, as Lambda does."""
        reader.attempts += 1
        if bisect and fn.spec.stream_bisect and len(records) > 1:
            reader.limit = max(1, len(records) // 2)
        retries = fn.spec.stream_retries
        if retries < 0 or reader.attempts <= retries:
            return
        if fn.spec.on_failure_queue:
            self._send_to_dlq(fn.spec.on_failure_queue, json.dumps(_stream_failure(fn, reader, records)))
        reader.checkpoint, reader.attempts, reader.limit = records[-1]["dynamodb"]["SequenceNumber"], 0, 0

    def _pump_rewinds(self) -> int:
        """Deliver a stream range again, as `postdrop redrive publish` asks: the event source's
        checkpoint goes back to just before the range (what follows it is delivered again too)."""
        messages = self.sqs.receive_message(QueueUrl=self.stream_rewinds, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            info = json.loads(message["Body"])
            for fn in self.functions.values():
                if fn.spec.stream_source == info["streamArn"]:
                    reader = self._streams.setdefault(fn.spec.logical, StreamReader(info["streamArn"]))
                    start = int(info["startSequenceNumber"])
                    current = int(reader.checkpoint) if reader.checkpoint is not None else start
                    reader.checkpoint = str(min(current, start - 1))
                    reader.attempts, reader.limit = 0, 0
                    self._streams_idle = False
            self.sqs.delete_message(QueueUrl=self.stream_rewinds, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def pump_streams(self, *, now: bool = False) -> int:
        """Every stream event source's next batch (all of them, until each is done, with ``now``)."""
        handled = 0
        for fn in self.functions.values():
            if fn.spec.stream_source:
                while (count := self.pump_stream(fn)) and now:
                    handled += count
                handled += count
        self._streams_idle = not handled and not any(r.attempts for r in self._streams.values())
        return handled

    def pump(self) -> int:
        """One round over every event source; returns how many messages it handled."""
        handled = self._pump_batch_jobs() + self.fire_schedules() + self._pump_rewinds()
        written = 0
        for fn in self.functions.values():
            if fn.spec.s3_queue:
                handled += self.pump_s3(fn)
            if fn.spec.sqs_source:
                written += self._pump_sqs(fn)
        handled += written
        if written:
            self._streams_idle = False
        if not self._streams_idle or time.monotonic() >= self._next_stream_poll:
            self._next_stream_poll = time.monotonic() + STREAM_POLL
            handled += self.pump_streams()
        return handled

    def _sources(self) -> list[str]:
        """Every queue the runner reads: S3 and EventBridge triggers, SQS event sources, batch jobs."""
        urls = [self.batch_jobs, self.stream_rewinds]
        for fn in self.functions.values():
            urls += [url for url in (fn.spec.s3_queue, fn.spec.sqs_source) if url]
        return urls

    def waiting(self) -> int:
        """Messages in the runner's queues, visible or in flight (received, not yet deleted, as a
        failed record is until its visibility timeout ends), and stream records not yet done:
        0 means nothing is left to run."""
        streams = any(fn.spec.stream_source for fn in self.functions.values())
        total = int(streams and not self._streams_idle)  # looked at by pump, at least every STREAM_POLL
        for url in self._sources():
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
            )["Attributes"]
            total += sum(int(value) for value in attributes.values())
        return total

    def drain(self, timeout: float = 600.0) -> None:
        """Pump until the runner's queues hold nothing, visible or in flight. (The emulator puts
        an S3 notification on its queue before the PutObject that caused it returns, so a drop
        made before this call is already waiting here.)"""
        deadline = time.monotonic() + timeout
        empty_checks = 0
        # Empty twice in a row: the emulator counts visible and in-flight messages one after the
        # other, so a message whose visibility timeout ends between the two counts is in neither.
        while empty_checks < 2:
            empty_checks = 0 if self.pump() or self.waiting() else empty_checks + 1
            if time.monotonic() > deadline:
                raise TimeoutError(f"the pipeline did not drain within {timeout:.0f}s")
            time.sleep(0.02)


def _one_time(expression: str) -> datetime | None:
    """The time of an ``at(yyyy-mm-ddThh:mm:ss)`` expression (UTC, as postdrop writes them)."""
    if not (expression.startswith("at(") and expression.endswith(")")):
        return None
    return datetime.fromisoformat(expression[3:-1]).replace(tzinfo=UTC)


def stream_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record in the shape Lambda's DynamoDB event source delivers: binary values
    base64, the creation time in epoch seconds, the stream's ARN."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if created is not None and hasattr(created, "timestamp"):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    for image in ("NewImage", "OldImage", "Keys"):
        if image in change:
            change[image] = _base64_binary(change[image])
    return {key: value for key, value in record.items() if key != "dynamodb"} | {
        "dynamodb": change, "eventSourceARN": stream_arn,
    }  # fmt: skip


def _base64_binary(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"B"} and isinstance(value["B"], bytes | bytearray):
            return {"B": base64.b64encode(value["B"]).decode()}
        return {k: _base64_binary(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_base64_binary(v) for v in value]
    return value


def _stream_failure(fn: LocalFunction, reader: StreamReader, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The record Lambda sends a stream event source's on-failure destination: the range, not the records."""
    first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
    return {
        "requestContext": {"requestId": "local", "functionArn": f"arn:aws:lambda:{REGION}:function:{fn.spec.logical}",
                           "condition": "RetryAttemptsExhausted", "approximateInvokeCount": reader.attempts},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(),
        "DDBStreamBatchInfo": {
            "shardId": reader.shard, "startSequenceNumber": first["SequenceNumber"],
            "endSequenceNumber": last["SequenceNumber"], "batchSize": len(records), "streamArn": reader.arn,
        },
    }  # fmt: skip


def sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """The record shape Lambda's SQS event source delivers."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }
