"""A Lambda function subscribed to PostsTopic: an index of the live posts, newest state wins.

SNS invokes a Lambda subscriber with its envelope (raw delivery is for queues and HTTP only), one
record per invocation, the notification in ``Sns.Message``. A notification over SNS's 256 KB
arrives as the payload-offloading pointer, ``["software.amazon.payloadoffloading.PayloadS3Pointer",
{"s3BucketName": …, "s3Key": …}]``: no Extended Client library reads SNS events, so this function
follows it with one GetObject (grant it s3:GetObject on the stack's PayloadLocation).

SNS does not keep order and may deliver twice, and a replay may bring an older state after a
newer one. The rule that makes that harmless (docs/subscribers.md): keep, per ``post_id``, the
notification with the highest ``revision``. Here one conditional write does it, so a
duplicate or a late older state changes nothing; a post that leaves (``post.deleted``, or not
public any more) stays as a marker with its revision, so an older creation arriving after it
cannot bring it back.

The index's table (``INDEX_TABLE``) has the partition key ``post_id`` (String). Subscribe the
function with a filter policy as a queue would be (``{"status": ["published"]}`` hears every
post that goes live and every one that leaves), and give the function an on-failure
destination: SNS invokes it asynchronously, and Lambda drops an event whose retries all failed.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes import SNSEvent, event_source
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer"
LIVE = ("post.created", "post.updated")  # the events that leave a post public

logger = Logger(service="postdrop-index")


@cache
def _clients() -> tuple[Any, Any]:
    """S3 for the pointers and the index's table, made on first use (tests point boto3 first)."""
    return boto3.client("s3"), boto3.resource("dynamodb").Table(os.environ["INDEX_TABLE"])


def notification_of(message: str) -> dict[str, Any]:
    """The notification a message carries: itself, or the S3 object its pointer names."""
    body = json.loads(message)
    if isinstance(body, list) and len(body) == 2 and body[0] == POINTER_CLASS:
        s3, _ = _clients()
        stored = s3.get_object(Bucket=body[1]["s3BucketName"], Key=body[1]["s3Key"])["Body"].read()
        return dict(json.loads(stored))
    return dict(body)


def index_item(notification: dict[str, Any]) -> dict[str, Any]:
    """What the index keeps of one state: the post's head while it is live, else a marker. (Not
    the text: a DynamoDB item holds 400 KB, and a post may be larger; store it in S3 if needed.)"""
    item = {"post_id": notification["post_id"], "revision": notification["revision"],
            "event_type": notification["event_type"]}  # fmt: skip
    post = notification.get("post")
    if notification["event_type"] in LIVE and post:
        item |= {"title": post["title"], "url": post.get("url") or "", "categories": post["categories"],
                 "published_at": post["published_at"], "words": post.get("word_count", 0)}  # fmt: skip
    return item


def keep(notification: dict[str, Any]) -> bool:
    """Writes the state unless the index holds this revision or a newer one; True when written."""
    _, table = _clients()
    try:
        table.put_item(
            Item=index_item(notification),
            ConditionExpression="attribute_not_exists(post_id) OR revision < :revision",
            ExpressionAttributeValues={":revision": notification["revision"]},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise  # Lambda retries the event, then hands it to the on-failure destination
        return False
    return True


@event_source(data_class=SNSEvent)
def handler(event: SNSEvent, context: LambdaContext) -> None:
    for record in event.records:
        notification = notification_of(record.sns.message)
        written = keep(notification)
        logger.info(
            "indexed" if written else "older or the same: kept the newer",
            post_id=notification["post_id"], revision=notification["revision"],
            event_type=notification["event_type"], notification_id=notification["notification_id"],
        )  # fmt: skip
