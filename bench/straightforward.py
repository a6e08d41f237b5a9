"""The straightforward implementation postdrop's AWS calls are measured against.

What a first version of this pipeline usually looks like: the same parse_post, but one
SendMessage per post, a GetItem before every PutItem to see whether the post changed,
and one Publish per notification. It does the same job on the happy path (a post stored,
a notification with its event_type), so `make bench` runs both through the same local
pipeline and counts the calls each makes per post.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from boto3.dynamodb.types import TypeSerializer

from bench.floor import topic_arn
from postdrop.core.normalize import parse_post
from postdrop.exceptions import PostRejected

if TYPE_CHECKING:
    from postdrop.aws import Clients

__all__ = ["HANDLERS"]

_serialize = TypeSerializer().serialize


def parse_handler(clients: Clients, event: dict[str, Any], _context: Any) -> None:
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        data = clients.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        try:
            message = {"key": key, "post": parse_post(data, key).model_dump(mode="json")}
        except PostRejected as exc:
            message = {"key": key, "reason": str(exc)}
        clients.sqs.send_message(QueueUrl=os.environ["STORE_QUEUE_URL"], MessageBody=json.dumps(message))


def store_handler(clients: Clients, event: dict[str, Any], _context: Any) -> dict[str, Any]:
    table, topic = os.environ["POSTS_TABLE"], topic_arn(clients)
    for record in event["Records"]:
        message = json.loads(record["body"], parse_float=Decimal)  # DynamoDB takes no float
        post = message.get("post")
        post_id = post["post_id"] if post else message["key"].removeprefix("posts/").rsplit(".", 1)[0]
        old = clients.dynamodb.get_item(TableName=table, Key={"post_id": {"S": post_id}}).get("Item")
        if post is None:
            item = {"post_id": post_id, "record_type": "REJECTED", "key": message["key"], "reason": message["reason"]}
            event_type = "post.rejected"
        else:
            if old and old.get("content_hash", {}).get("S") == post["content_hash"]:
                continue  # unchanged
            item = {**post, "record_type": "POST"}
            event_type = "post.updated" if old else "post.created"
        clients.dynamodb.put_item(TableName=table, Item={k: _serialize(v) for k, v in item.items() if v is not None})
        clients.sns.publish(
            TopicArn=topic,
            Message=json.dumps({"post_id": post_id, "event_type": event_type}),
            MessageAttributes={"event_type": {"DataType": "String", "StringValue": event_type}},
        )
    return {"batchItemFailures": []}


# logical name -> makes the handler from the clients the local runner passes
HANDLERS: dict[str, Any] = {
    "ParseFunction": lambda clients: partial(parse_handler, clients),
    "StoreFunction": lambda clients: partial(store_handler, clients),
    "PublishFunction": None,  # this design publishes from StoreFunction: no stream publisher
}
