"""Sending envelopes to StoreQueue in as few SendMessageBatch calls as the limits allow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from postdrop.exceptions import TransientError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mypy_boto3_sqs import SQSClient

    from postdrop.envelope import Envelope

__all__ = ["MAX_BATCH_BYTES", "EnvelopeTooLarge", "dead_letter", "send_envelopes"]

MAX_ENTRIES = 10
MAX_BATCH_BYTES = 256 * 1024 - 1024  # SQS counts the whole batch; keep a little room


class EnvelopeTooLarge(Exception):
    """An envelope alone exceeds what one SQS message can carry."""


def _batches(bodies: Sequence[str]) -> list[list[tuple[int, str]]]:
    batches: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    size = 0
    for index, body in enumerate(bodies):
        length = len(body.encode())
        if length > MAX_BATCH_BYTES:
            raise EnvelopeTooLarge(f"envelope {index} is {length} bytes; one SQS message holds {MAX_BATCH_BYTES}")
        if current and (len(current) == MAX_ENTRIES or size + length > MAX_BATCH_BYTES):
            batches.append(current)
            current, size = [], 0
        current.append((index, body))
        size += length
    if current:
        batches.append(current)
    return batches


def send_envelopes(client: SQSClient, queue_url: str, envelopes: Sequence[Envelope]) -> None:
    """Send every envelope; raise TransientError naming any that SQS did not take."""
    bodies = [e.body for e in envelopes]
    for batch in _batches(bodies):
        response = client.send_message_batch(
            QueueUrl=queue_url, Entries=[{"Id": str(i), "MessageBody": body} for i, body in batch]
        )
        failed = response.get("Failed") or []
        if failed:
            keys = ", ".join(envelopes[int(f["Id"])].change.key for f in failed)
            raise TransientError(f"StoreQueue did not take {len(failed)} envelope(s): {keys}")


def dead_letter(client: SQSClient, dlq_url: str, body: str, reason: str, message_id: str) -> None:
    """Put a message that keeps failing into its dead-letter queue, saying why."""
    client.send_message(
        QueueUrl=dlq_url,
        MessageBody=body,
        MessageAttributes={
            "reason": {"DataType": "String", "StringValue": reason[:1000] or "unknown"},
            "original_message_id": {"DataType": "String", "StringValue": message_id},
        },
    )
