"""S3 object changes, from every event shape that can carry them to ParseFunction.

- S3 notifications: direct, inside SQS messages, inside SNS messages, inside SNS inside SQS
  (raw or not), inside a Lambda on-failure destination record (ParseDLQ redrive);
- EventBridge S3 events: "Object Created"; "Object Deleted" and "Object Expired" as removals;
- S3 Batch Operations invocations, schema 1.0 and 2.0 (``batch_job``): every task is a
  backfill of one object, answered per task in Batch Operations' own format.

Recognized events that change no post (S3's ``s3:TestEvent``, a restore from Glacier, a tag
or ACL change, a storage class transition) are ``ignored``, each with what it was. Anything
else raises ``EventNotUnderstood`` with one sentence naming the record and what it is: the
invocation fails, so retries and ParseDLQ keep it. Never a silent zero.

Keys in S3 and EventBridge events and in Batch Operations tasks are URL-encoded (``+`` is a
space): they are decoded here, once. (Hand-written rather than Powertools' data classes:
their package imports every event class, about 35 ms of each cold start, for a few fields.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Self
from urllib.parse import unquote_plus

from pydantic import BaseModel, ConfigDict, Field, model_validator

from postdrop.exceptions import EventNotUnderstood

__all__ = [
    "BACKFILL_FLAG", "BatchJob", "Intake", "S3Change", "batch_job", "padded_sequencer", "read_event", "s3_changes",
]  # fmt: skip

SEQUENCER_WIDTH = 32
BACKFILL_FLAG = "postdropBackfill"  # a record field only `postdrop backfill` sets
_WHAT_LIMIT = 80


class S3Change(BaseModel):
    """One object change in the bucket: what happened, to which version, in which order."""

    model_config = ConfigDict(frozen=True)

    bucket: str = Field(min_length=1)
    key: str = Field(min_length=1)  # decoded; S3 has no empty key, and the table keeps files by key
    kind: Literal["created", "removed"]
    event_name: str
    sequencer: str  # "" for a Batch Operations task: StoreFunction takes the one the table holds
    size: int | None = None
    etag: str | None = None
    version_id: str | None = None
    event_time: str | None = None
    # Set by `postdrop backfill` and Batch Operations: re-read this object at the stored sequencer.
    backfill: bool = False

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        """Only a backfill may come without a sequencer (StoreFunction takes the stored one): any other
        change without one has no place in its key's order, on any receive."""
        if not self.sequencer and not self.backfill:
            raise ValueError("a change that is not a backfill has no sequencer")
        return self

    @property
    def seq(self) -> str:
        """The sequencer, left-padded so that strings compare in S3's order (the item's ``seq``)."""
        return padded_sequencer(self.sequencer)

    @property
    def names_a_folder(self) -> bool:
        """The key ends in ``/``: the zero-byte "folder" consoles and sync tools create
        (``posts/``, ``posts/2024/``). It names no file, so it is no post and removes none."""
        return self.key.endswith("/")

    @property
    def made_a_delete_marker(self) -> bool:
        """A removal that left a delete marker current: the key reads as gone, S3 need not be asked.
        Any other removal (a permanent delete of a version, or of a delete marker) may leave an
        object under the key."""
        return self.kind == "removed" and any(m in self.event_name for m in ("DeleteMarkerCreated", "Delete Marker"))


def padded_sequencer(sequencer: str) -> str:
    """S3 sequencers compare as hex strings of equal length: left-pad, then compare."""
    return sequencer.upper().rjust(SEQUENCER_WIDTH, "0")


@dataclass(slots=True)
class Intake:
    """What an event holds: the changes to process, and what was recognized but changes nothing."""

    changes: list[S3Change] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BatchJob:
    """An S3 Batch Operations invocation: its tasks, each one object to parse again."""

    schema_version: str
    invocation_id: str
    tasks: list[tuple[str, S3Change]]  # (taskId, change)

    def response(self, results: list[tuple[str, str, str]]) -> dict[str, Any]:
        """Batch Operations' response: (taskId, resultCode, resultString) per task."""
        return {
            "invocationSchemaVersion": self.schema_version,
            "treatMissingKeysAs": "PermanentFailure",
            "invocationId": self.invocation_id,
            "results": [{"taskId": t, "resultCode": code, "resultString": text} for t, code, text in results],
        }


# S3 notification event names: which are changes of content, which change nothing here.
_CREATED = ("ObjectCreated:",)
_REMOVED = ("ObjectRemoved:", "LifecycleExpiration:")
_NO_CHANGE = ("ObjectRestore:", "ObjectTagging:", "ObjectAcl:", "LifecycleTransition", "IntelligentTiering",
              "Replication:", "s3:ReducedRedundancyLostObject")  # fmt: skip
_EVENTBRIDGE = {"Object Created": "created", "Object Deleted": "removed", "Object Expired": "removed"}
_EVENTBRIDGE_NO_CHANGE = frozenset({
    "Object Restore Initiated", "Object Restore Completed", "Object Restore Expired", "Object Tags Added",
    "Object Tags Deleted", "Object ACL Updated", "Object Storage Class Changed", "Object Access Tier Changed",
})  # fmt: skip


def read_event(event: Any) -> Intake:
    """The S3 changes in a Lambda event, whatever wraps them; raises EventNotUnderstood otherwise."""
    intake = Intake()
    _walk(event, "the event", intake)
    return intake


def s3_changes(event: Any) -> list[S3Change]:
    """The object changes in a Lambda event (``read_event(event).changes``)."""
    return read_event(event).changes


def batch_job(event: Any) -> BatchJob | None:
    """The Batch Operations invocation ``event`` is, or None when it is not one."""
    if not isinstance(event, dict) or "invocationSchemaVersion" not in event:
        return None
    version = str(event["invocationSchemaVersion"])
    if version not in ("1.0", "2.0") or not isinstance(event.get("tasks"), list):
        raise EventNotUnderstood(
            f"an S3 Batch Operations invocation of schema {version!r} (postdrop reads 1.0 and 2.0)"
        )
    tasks = []
    for i, task in enumerate(event["tasks"]):
        where = f"Batch Operations task {i}"
        if not isinstance(task, dict) or "taskId" not in task or not task.get("s3Key"):
            raise EventNotUnderstood(f"{where}: has no taskId or s3Key")
        bucket = task.get("s3Bucket") or str(task.get("s3BucketArn") or "").rpartition(":")[2]
        if not bucket:
            raise EventNotUnderstood(f"{where}: names no bucket (s3Bucket or s3BucketArn)")
        change = S3Change(
            bucket=bucket, key=unquote_plus(task["s3Key"]), kind="created", event_name="BatchOperations",
            sequencer="", version_id=task.get("s3VersionId") or None, backfill=True,
        )  # fmt: skip
        tasks.append((str(task["taskId"]), change))
    return BatchJob(version, str(event.get("invocationId", "")), tasks)


def _what(node: Any) -> str:
    """A few words on what a node is, for a sentence (never its whole content)."""
    if isinstance(node, dict):
        keys = ", ".join(sorted(map(str, node))[:6])
        return f"an object with {keys or 'no fields'}"
    text = json.dumps(node, ensure_ascii=False) if not isinstance(node, str) else repr(node)
    return f"{type(node).__name__} {text[:_WHAT_LIMIT]}"


def _json(text: Any, where: str) -> Any:
    if not isinstance(text, str):
        raise EventNotUnderstood(f"{where}: holds {_what(text)}, not the JSON text of an event")
    try:
        return json.loads(text)
    except ValueError:
        raise EventNotUnderstood(f"{where}: is not JSON ({text[:_WHAT_LIMIT]!r}); an S3 event was expected") from None


def _walk(node: Any, where: str, intake: Intake) -> None:
    if not isinstance(node, dict):
        raise EventNotUnderstood(f"{where}: is {_what(node)}, not an event")
    if "requestPayload" in node:  # a Lambda on-failure destination record (ParseDLQ)
        _walk(node["requestPayload"], f"{where} (the failed invocation's event)", intake)
    elif node.get("Event") == "s3:TestEvent":
        intake.ignored.append(f"{where}: S3's test event for bucket {node.get('Bucket')}")
    elif node.get("source") == "aws.s3" and "detail-type" in node:
        _eventbridge(node, where, intake)
    elif node.get("Type") == "Notification" and "Message" in node:  # SNS's envelope, as SQS receives it
        _walk(_json(node["Message"], f"{where}, the SNS message"), f"{where}, the SNS message", intake)
    elif "invocationSchemaVersion" in node:
        raise EventNotUnderstood(f"{where}: an S3 Batch Operations invocation, which Batch Operations sends directly")
    elif isinstance(node.get("Records"), list) and node["Records"]:
        for i, record in enumerate(node["Records"]):
            _record(record, f"{where}, record {i}", intake)
    else:
        raise EventNotUnderstood(f"{where}: is {_what(node)}, which carries no S3 change")


def _record(record: Any, where: str, intake: Intake) -> None:
    if not isinstance(record, dict):
        raise EventNotUnderstood(f"{where}: is {_what(record)}, not a record")
    source = record.get("eventSource") or record.get("EventSource")
    if source == "aws:s3":
        _s3_record(record, where, intake)
    elif source == "aws:sqs":
        inner = f"{where} (SQS message {record.get('messageId', '?')})"
        _walk(_json(record.get("body"), inner), inner, intake)
    elif source == "aws:sns":
        sns = record.get("Sns") or {}
        inner = f"{where} (SNS message {sns.get('MessageId', '?')})"
        _walk(_json(sns.get("Message"), inner), inner, intake)
    else:
        raise EventNotUnderstood(f"{where}: a record from {source or 'no named source'}, not an S3 change")


def _s3_record(record: dict[str, Any], where: str, intake: Intake) -> None:
    name = str(record.get("eventName", ""))
    s3 = record.get("s3") or {}
    obj = s3.get("object") or {}
    if not obj.get("key") or not (s3.get("bucket") or {}).get("name"):
        raise EventNotUnderstood(f"{where}: an S3 record ({name or 'no eventName'}) without a bucket or key")
    key = unquote_plus(obj["key"])
    if name.startswith(_NO_CHANGE):
        intake.ignored.append(f"{where}: {name} of {key} changes no post")
        return
    if not name.startswith(_CREATED + _REMOVED):
        raise EventNotUnderstood(f"{where}: an S3 event {name!r} postdrop does not know")
    if not obj.get("sequencer"):  # S3 always sends one; without it the change has no place in the key's order
        raise EventNotUnderstood(f"{where}: an S3 {name} record of {key} without a sequencer, which S3 always sends")
    intake.changes.append(
        S3Change(
            bucket=s3["bucket"]["name"],
            key=key,
            kind="created" if name.startswith(_CREATED) else "removed",
            event_name=name,
            sequencer=obj["sequencer"],
            size=obj.get("size"),
            etag=(obj.get("eTag") or "").strip('"') or None,
            version_id=obj.get("versionId"),
            event_time=record.get("eventTime"),
            backfill=bool(record.get(BACKFILL_FLAG)),
        )
    )


def _eventbridge(event: dict[str, Any], where: str, intake: Intake) -> None:
    kind_of = event["detail-type"]
    detail = event.get("detail") or {}
    obj = detail.get("object") or {}
    bucket = (detail.get("bucket") or {}).get("name")
    if not obj.get("key") or not bucket:
        raise EventNotUnderstood(f"{where}: an EventBridge {kind_of!r} event without a bucket or key")
    key = unquote_plus(obj["key"])
    if kind_of in _EVENTBRIDGE_NO_CHANGE:
        intake.ignored.append(f"{where}: EventBridge {kind_of!r} of {key} changes no post")
        return
    kind = _EVENTBRIDGE.get(kind_of)
    if kind is None:
        raise EventNotUnderstood(f"{where}: an EventBridge S3 event {kind_of!r} postdrop does not know")
    if not obj.get("sequencer"):
        raise EventNotUnderstood(f"{where}: an EventBridge {kind_of!r} event of {key} without a sequencer")
    reason = detail.get("deletion-type") or detail.get("reason") or ""
    intake.changes.append(
        S3Change(
            bucket=bucket,
            key=key,
            kind=kind,
            event_name=f"EventBridge:{kind_of}" + (f":{reason}" if reason else ""),
            sequencer=obj["sequencer"],
            size=obj.get("size"),
            etag=(obj.get("etag") or "").strip('"') or None,
            version_id=obj.get("version-id"),
            event_time=event.get("time"),
        )
    )
