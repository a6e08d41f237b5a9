"""Publishing notifications to PostsTopic with PublishBatch (ten to a call)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mypy_boto3_sns import SNSClient

    from postdrop.notification import Notification

__all__ = ["publish_notifications"]

MAX_ENTRIES = 10


def publish_notifications(client: SNSClient, topic_arn: str, notifications: Sequence[Notification]) -> dict[str, str]:
    """Publish each notification once; return the ids SNS did not accept, with why (the caller retries them)."""
    unique = list({n.notification_id: n for n in notifications}.values())
    failed: dict[str, str] = {}
    for start in range(0, len(unique), MAX_ENTRIES):
        chunk = unique[start : start + MAX_ENTRIES]
        try:
            response = client.publish_batch(
                TopicArn=topic_arn,
                PublishBatchRequestEntries=[
                    {
                        "Id": n.notification_id,
                        "Message": n.model_dump_json(exclude_none=True),
                        "MessageAttributes": n.message_attributes(),
                    }
                    for n in chunk
                ],
            )
        except Exception as exc:
            failed.update((n.notification_id, f"SNS PublishBatch failed: {exc}") for n in chunk)
            continue
        for entry in response.get("Failed") or []:
            failed[entry["Id"]] = (
                f"SNS refused the notification: {entry.get('Code')} {entry.get('Message', '')}".strip()
            )
    return failed
