"""Events as AWS shapes them: S3 notification records (for the soak, backfill and tests),
and events/sqs-store.json, an SQS event as `sam local generate-event sqs receive-message`
shapes it whose body is the envelope ParseFunction makes of a sample. Regenerate it with

    .venv/bin/python -m postdrop_tools.events
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote_plus

from postdrop_tools.emulator import ACCOUNT, REGION
from postdrop_tools.template import REPO

SAMPLE = "2026-03-02-NW0001.md"


def s3_event(
    bucket: str, key: str, sequencer: str, name: str = "ObjectCreated:Put", *, backfill: bool = False, **fields: Any
) -> dict[str, Any]:
    """An S3 notification event of one record, key URL-encoded as S3 encodes it (+ for a space).

    ``fields`` go into the record's ``object`` (size, eTag, versionId); ``backfill`` sets
    the record-level flag of `postdrop backfill`.
    """
    from postdrop.s3events import BACKFILL_FLAG

    record: dict[str, Any] = {
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
        "eventTime": fields.pop("eventTime", "2026-01-01T00:00:00.000Z"), "eventName": name,
        "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": quote_plus(key, safe="/"), "sequencer": sequencer, **fields}},
    }  # fmt: skip
    if backfill:
        record[BACKFILL_FLAG] = True
    return {"Records": [record]}


BUCKET = f"postdrop-local-posts-{ACCOUNT}-{REGION}"  # the template's bucket name, for the local stack


def sqs_store_event() -> dict[str, object]:
    from postdrop import parse_post
    from postdrop.aws import Clients
    from postdrop.parse import upsert_envelope
    from postdrop.s3events import S3Change

    key = f"posts/{SAMPLE}"
    post = parse_post((REPO / "events" / "posts" / SAMPLE).read_bytes(), key)
    change = S3Change(
        bucket=BUCKET, key=key, kind="created", event_name="ObjectCreated:Put", sequencer="0A1B2C3D4E5F678901",
        size=1024, etag="0123456789abcdef0123456789abcdef", event_time="1970-01-01T00:00:00.000Z",
    )  # fmt: skip
    body = upsert_envelope(post, change, Clients()).body  # the sample is small: inline, no client is made
    return {
        "Records": [
            {
                "messageId": "19dd0b57-b21e-4ac1-bd88-01bbb068cb78",
                "receiptHandle": "MessageReceiptHandle",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1523232000000",
                    "SenderId": ACCOUNT,
                    "ApproximateFirstReceiveTimestamp": "1523232000001",
                },
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:postdrop-local-StoreQueue",
                "awsRegion": REGION,
            }
        ]
    }


def main() -> None:
    path = REPO / "events" / "sqs-store.json"
    path.write_text(json.dumps(sqs_store_event(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
