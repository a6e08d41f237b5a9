"""EventBridge Scheduler: one one-time schedule per scheduled post (#27, docs/item.md).

A post whose effective status is ``scheduled`` gets a schedule named from its post_id (so
making it again is an update, never a second schedule) that sends StoreQueue a ``recheck``
message (``postdrop.envelope.Recheck``) at the post's date; StoreFunction then recomputes the
post's status and announces what changed. A post that stops being scheduled deletes it. A
one-time schedule deletes itself once it has run (``ActionAfterCompletion: DELETE``), and a
schedule left behind by a crash only fires a recheck that finds nothing to do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["ScheduleTarget", "at_expression", "delete_schedule", "put_schedule", "schedule_name"]

# Scheduler retries a failed delivery for up to a day; what still fails goes to the target's DLQ.
RETRY_POLICY = {"MaximumEventAgeInSeconds": 86_400, "MaximumRetryAttempts": 185}


@dataclass(frozen=True, slots=True)
class ScheduleTarget:
    """Where schedules live and what they call: the group, StoreQueue's ARN, the role Scheduler
    assumes to send to it, and the dead-letter queue of deliveries that kept failing."""

    group: str
    queue_arn: str
    role_arn: str
    dlq_arn: str | None = None


def schedule_name(post_id: str) -> str:
    """A schedule's name from its post_id: names take 64 of ``[0-9A-Za-z_.-]``, post_ids any text."""
    return "post-" + hashlib.sha256(post_id.encode()).hexdigest()[:40]


def at_expression(due: datetime) -> str:
    """A one-time schedule at ``due`` (aware), to the second, in UTC."""
    return f"at({due.astimezone(UTC):%Y-%m-%dT%H:%M:%S})"


def put_schedule(client: Any, target: ScheduleTarget, post_id: str, due: datetime, body: str) -> None:
    """Make the post's schedule fire at ``due`` with ``body``: create it, or move the one it has."""
    request: dict[str, Any] = {
        "Name": schedule_name(post_id),
        "GroupName": target.group,
        "Description": f"postdrop: publish {post_id[:400]} at its date",
        "ScheduleExpression": at_expression(due),
        "ScheduleExpressionTimezone": "UTC",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "DELETE",
        "Target": {
            "Arn": target.queue_arn,
            "RoleArn": target.role_arn,
            "Input": body,
            "RetryPolicy": RETRY_POLICY,
            **({"DeadLetterConfig": {"Arn": target.dlq_arn}} if target.dlq_arn else {}),
        },
    }
    try:
        client.create_schedule(**request)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ConflictException":
            raise
        client.update_schedule(**request)  # it exists: UpdateSchedule replaces all of it


def delete_schedule(client: Any, target: ScheduleTarget, post_id: str) -> None:
    """Delete the post's schedule; one already gone (it ran, or never was) is no error."""
    try:
        client.delete_schedule(Name=schedule_name(post_id), GroupName=target.group)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise
