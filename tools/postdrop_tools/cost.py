"""What a run would cost on AWS, scaled to 1,000 posts, from what the local pipeline counted.

Inputs are measured, not assumed: the AWS calls postdrop's code made (and the entries in
each batch call), each handler invocation's duration, the functions' MemorySize from the
template, the size of the items written, and the bytes postdrop's own log lines take at
the template's default level (INFO). Prices are AWS's published on-demand prices for
us-east-1 (arm64 Lambda), copied on PRICES_AS_OF; they change, so the date is printed with
every estimate.

Two lines are what the template's settings cost beyond the calls: CloudWatch Logs ingestion
(postdrop's lines, plus for every invocation Lambda's START/END/REPORT lines and Powertools'
metrics line: PER_INVOCATION_LOG_BYTES, and the XRAY line of a traced one) and X-Ray, for the functions deployed with
``Tracing: Active`` (``traced``: Lambda records the first request each second and 5 % of the
rest, a rate no sampling rule changes, so a pipeline under one post a second, as most are,
records every invocation). Left out, because
they are small, monthly rather than per post, or depend on the account: free tiers, the
custom metrics' monthly charge, KMS requests (SNS and DynamoDB cache their data keys), data
transfer, storage over time.

DynamoDB bills a write by the size of the item it writes, rounded up to the KB, each item on
its own: ``billed_item_bytes`` follows DynamoDB's documented rules, and a run's writes are
priced at the mean of its items' rounded-up units (not the mean size rounded up).

Durations come from this machine against the local emulator, so the Lambda figure is an
estimate of the order of magnitude, not a bill.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "PER_INVOCATION_LOG_BYTES", "PRICES", "PRICES_AS_OF", "TRACED_LOG_BYTES", "CostEstimate", "billed_item_bytes",
    "estimate_cost", "floor_cost",
]  # fmt: skip

PRICES_AS_OF = "2025-06-01"
PRICES = {  # USD, us-east-1
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second_arm64": 0.0000133334,
    "s3_put": 0.005 / 1e3,  # the producer's upload; archived posts and offloaded notifications
    "s3_get": 0.0004 / 1e3,
    "sqs_request": 0.40 / 1e6,  # standard queue, per request (up to 64 KB)
    "dynamodb_write_unit": 0.625 / 1e6,  # on-demand WRU: 1 KB of item per write, 2 in a transaction
    "dynamodb_read_unit": 0.125 / 1e6,  # on-demand RRU: 4 KB of item per strongly consistent read
    "sns_publish": 0.50 / 1e6,  # per 64 KB chunk of each message published (a batch bills each entry); to SQS free
    "logs_ingested_gb": 0.50,  # CloudWatch Logs, standard class (Lambda's logs: the first tier)
    "xray_trace": 5.00 / 1e6,  # X-Ray, per trace recorded
}
# Log bytes every invocation writes beyond postdrop's own lines: Lambda's START, END and REPORT
# lines (about 330 bytes) and Powertools' EMF metrics line (343 bytes for ParseFunction's
# metrics, 457 for StoreFunction's, serialized): the larger, rounded up. A traced invocation's
# REPORT adds an XRAY line (TraceId, SegmentId, Sampled: about 90 bytes).
PER_INVOCATION_LOG_BYTES = 800
TRACED_LOG_BYTES = 100


def billed_item_bytes(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB bills it: each attribute's name and value in UTF-8; a number
    about half its significant digits plus one; a binary its length; a boolean or null one byte;
    a list or map 3 bytes plus one a member (a map's members count their names); a set its members."""
    return sum(len(name.encode()) + _value_bytes(value) for name, value in item.items())


def _value_bytes(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, bytes | bytearray):
        return len(value)
    if hasattr(value, "value") and isinstance(value.value, bytes):  # boto3's Binary
        return len(value.value)
    if isinstance(value, int | float | Decimal):
        digits = Decimal(value).normalize().as_tuple().digits
        return (len(digits) + 1) // 2 + 1
    if isinstance(value, dict):
        return 3 + sum(1 + len(k.encode()) + _value_bytes(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return 3 + sum(1 + _value_bytes(v) for v in value)
    if isinstance(value, set | frozenset):
        return sum(_value_bytes(v) for v in value)
    raise TypeError(f"not a DynamoDB value: {type(value).__name__}")


@dataclass(frozen=True)
class CostEstimate:
    usd_per_1000_posts: float
    breakdown: dict[str, float]
    write_units_per_post: float = 0.0  # DynamoDB write units a post pays, index and transactions included
    prices_as_of: str = PRICES_AS_OF
    region: str = "us-east-1"

    def public(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        parts = ", ".join(f"{name} ${usd:.4f}" for name, usd in self.breakdown.items())
        return f"${self.usd_per_1000_posts:.4f} per 1,000 posts ({parts}; {self.region} prices of {self.prices_as_of})"


def estimate_cost(
    *,
    posts: int,
    calls: dict[str, int],
    entries: dict[str, int],
    invocations: dict[str, list[float]],
    polled_batches: int,
    memory_mb: dict[str, int],
    item_kbs: Sequence[float] = (1.0,),
    publish_chunks: int | None = None,
    log_bytes: int = 0,
    traced: dict[str, bool] | None = None,
) -> CostEstimate:
    """The cost of this run's work, scaled to 1,000 posts.

    ``calls`` and ``entries`` are keyed "service.Operation"; ``invocations`` maps a function
    to the duration of each of its invocations in ms; ``polled_batches`` counts the invocations
    Lambda's SQS event source made; ``item_kbs`` are the stored items' billed sizes (each write
    is priced at their mean rounded-up units); ``publish_chunks``
    the 64 KB chunks of the messages published (SNS's billing unit; one per entry if not given).
    Offloaded notifications and archived posts add their S3 PutObject; archive reads their GetObject.
    ``log_bytes`` counts postdrop's own log lines; ``traced`` names the functions X-Ray traces
    (every invocation of theirs recorded; default: none).
    """
    p = PRICES
    runs = sum(len(durations) for durations in invocations.values())
    traced_runs = sum(len(durations) for name, durations in invocations.items() if (traced or {}).get(name))
    lambda_usd = 0.0
    for function, durations in invocations.items():
        gb = memory_mb.get(function, 128) / 1024
        billed_seconds = sum(math.ceil(ms) for ms in durations) / 1000  # Lambda bills by the ms
        lambda_usd += len(durations) * p["lambda_request"] + billed_seconds * gb * p["lambda_gb_second_arm64"]
    # Lambda's SQS poller receives each batch and deletes it: about two requests per batch.
    sqs_requests = calls.get("sqs.SendMessageBatch", 0) + calls.get("sqs.SendMessage", 0) + 2 * polled_batches
    sizes = list(item_kbs) or [1.0]
    units = sum(math.ceil(kb) for kb in sizes) / len(sizes)
    writes = calls.get("dynamodb.UpdateItem", 0) + calls.get("dynamodb.PutItem", 0)
    write_units = writes * units  # DynamoDB bills a write by the whole item's size
    write_units += writes  # the ByCategory index: its projection is small, one unit per item written
    write_units += 2 * entries.get("dynamodb.TransactWriteItems", 0) * units  # "told" marks, billed twice
    # a consistent read bills each item by its size: a GetItem's one, each key of a BatchGetItem
    reads = calls.get("dynamodb.GetItem", 0) + entries.get("dynamodb.BatchGetItem", 0)
    read_units = reads * sum(max(1, math.ceil(kb / 4)) for kb in sizes) / len(sizes)
    published = entries.get("sns.PublishBatch", 0) + calls.get("sns.Publish", 0)
    if publish_chunks is not None:
        published = publish_chunks + calls.get("sns.Publish", 0)
    puts = posts + calls.get("s3.PutObject", 0)
    breakdown = {
        "lambda": lambda_usd,
        "s3": puts * p["s3_put"] + calls.get("s3.GetObject", 0) * p["s3_get"],
        "sqs": sqs_requests * p["sqs_request"],
        "dynamodb": write_units * p["dynamodb_write_unit"] + read_units * p["dynamodb_read_unit"],
        "sns": published * p["sns_publish"],
        "logs": (log_bytes + runs * PER_INVOCATION_LOG_BYTES + traced_runs * TRACED_LOG_BYTES)
        / 2**30
        * p["logs_ingested_gb"],
        "xray": traced_runs * p["xray_trace"],
    }
    scale = 1000 / max(1, posts)
    scaled = {name: round(usd * scale, 6) for name, usd in breakdown.items()}
    return CostEstimate(usd_per_1000_posts=round(sum(scaled.values()), 6), breakdown=scaled,
                        write_units_per_post=round(write_units / max(1, posts), 2))  # fmt: skip


def floor_cost(post_kbs: list[float], *, batch_size: int = 10) -> CostEstimate:
    """What any design of this pipeline pays at the least, per 1,000 posts (#29's floor).

    For each post: the producer's PUT, one GET, one write of the compressed post (``post_kbs``,
    each post's size in KB: DynamoDB bills each write by its own KB), one publish, one SQS
    message (sent, then received and deleted by Lambda's poller in batches of ``batch_size``),
    and the Lambda requests (one per S3 event, one per batch). No duration, no index, no
    bookkeeping, no logs or traces: a design pays the calls, nothing else here.
    """
    p = PRICES
    posts = max(1, len(post_kbs))
    write_units = sum(math.ceil(kb) for kb in post_kbs)
    per_batch = 1 / batch_size
    breakdown = {
        "lambda": posts * (1 + per_batch) * p["lambda_request"],
        "s3": posts * (p["s3_put"] + p["s3_get"]),
        "sqs": posts * (1 + 2 * per_batch) * p["sqs_request"],
        "dynamodb": write_units * p["dynamodb_write_unit"],
        "sns": posts * p["sns_publish"],
    }
    scaled = {name: round(usd * 1000 / posts, 6) for name, usd in breakdown.items()}
    return CostEstimate(usd_per_1000_posts=round(sum(scaled.values()), 6), breakdown=scaled,
                        write_units_per_post=round(write_units / posts, 2))  # fmt: skip
