"""S3 event records, whichever way they arrive: direct from S3, or wrapped in SQS messages
(redrive and backfill), or inside a Lambda on-failure destination record.

Keys in S3 events are URL-encoded (``+`` is a space): they are decoded here, once.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote_plus

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["BACKFILL_FLAG", "S3Change", "order_key", "s3_changes"]

SEQUENCER_WIDTH = 32
BACKFILL_FLAG = "postdropBackfill"  # a record field only `postdrop backfill` sets


class S3Change(BaseModel):
    """One object change in the bucket: what happened, to which version, in which order."""

    model_config = ConfigDict(frozen=True)

    bucket: str
    key: str  # decoded
    kind: Literal["created", "removed"]
    event_name: str
    sequencer: str
    size: int | None = None
    etag: str | None = None
    version_id: str | None = None
    event_time: str | None = None
    # Set by `postdrop backfill`: re-read this object at the stored sequencer (may rewrite the same change).
    backfill: bool = False

    @property
    def order(self) -> str:
        return order_key(self.sequencer)


def order_key(sequencer: str) -> str:
    """S3 sequencers compare as hex strings of equal length: left-pad, then compare."""
    return sequencer.upper().rjust(SEQUENCER_WIDTH, "0")


def _from_s3_record(record: dict[str, Any]) -> S3Change:
    s3 = record["s3"]
    obj = s3["object"]
    name = record.get("eventName", "")
    return S3Change(
        bucket=s3["bucket"]["name"],
        key=unquote_plus(obj["key"]),
        kind="removed" if name.startswith("ObjectRemoved") else "created",
        event_name=name,
        sequencer=obj.get("sequencer") or "0",
        size=obj.get("size"),
        etag=(obj.get("eTag") or "").strip('"') or None,
        version_id=obj.get("versionId"),
        event_time=record.get("eventTime"),
        backfill=bool(record.get(BACKFILL_FLAG)),
    )


def _records(event: Any) -> Iterator[dict[str, Any]]:
    """Yield the S3 records inside ``event``, unwrapping SQS bodies and destination records."""
    if not isinstance(event, dict):
        return
    if "requestPayload" in event:  # a Lambda on-failure destination record (ParseDLQ)
        yield from _records(event["requestPayload"])
        return
    for record in event.get("Records") or []:
        source = record.get("eventSource") or record.get("EventSource")
        if source == "aws:s3":
            yield record
        elif source == "aws:sqs":
            yield from _records(json.loads(record["body"]))
        elif source == "aws:sns":
            yield from _records(json.loads(record["Sns"]["Message"]))


def s3_changes(event: Any) -> list[S3Change]:
    """The object changes in a Lambda event. S3's own test event holds none."""
    return [_from_s3_record(r) for r in _records(event)]
