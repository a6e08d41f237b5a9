"""The floor of the throughput figure: postdrop's AWS calls with no processing between them.

The same calls, per post and per batch, as postdrop's handlers make on the happy path:
GetObject and one SendMessageBatch per S3 event; one UpdateItem per record, one
PublishBatch and one TransactWriteItems (what subscribers were told) per store batch. Nothing is parsed, validated
or serialized beyond what the calls need, so `postdrop run` beside this run shows what
postdrop's own work costs in throughput.
"""

from __future__ import annotations

import json
import os
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

if TYPE_CHECKING:
    from postdrop.aws import Clients

__all__ = ["HANDLERS"]

_TOPICS: dict[str, str] = {}


def topic_arn(clients: Clients) -> str:
    """PostsTopic's ARN: StoreFunction's environment no longer names it (PublishFunction publishes),
    so this design, which publishes from StoreFunction, looks it up once."""
    if "arn" not in _TOPICS:
        arns = [t["TopicArn"] for t in clients.sns.list_topics()["Topics"] if "PostsTopic" in t["TopicArn"]]
        _TOPICS["arn"] = arns[0]
    return _TOPICS["arn"]


def parse_handler(clients: Clients, event: dict[str, Any], _context: Any) -> None:
    entries: list[Any] = []
    for i, record in enumerate(event["Records"]):
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        body = clients.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        entries.append({"Id": str(i), "MessageBody": json.dumps({"key": key, "bytes": len(body)})})
    clients.sqs.send_message_batch(QueueUrl=os.environ["STORE_QUEUE_URL"], Entries=entries)


def store_handler(clients: Clients, event: dict[str, Any], _context: Any) -> dict[str, Any]:
    table, topic = os.environ["POSTS_TABLE"], topic_arn(clients)
    post_ids = []
    for record in event["Records"]:
        key = json.loads(record["body"])["key"]
        post_id = key.removeprefix("posts/").rsplit(".", 1)[0]
        clients.dynamodb.update_item(
            TableName=table,
            Key={"post_id": {"S": post_id}},
            UpdateExpression="SET record_type = :t, #k = :k, pending = :p",
            ExpressionAttributeNames={"#k": "key"},
            ExpressionAttributeValues={":t": {"S": "POST"}, ":k": {"S": key}, ":p": {"BOOL": True}},
        )
        post_ids.append(post_id)
    clients.sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": str(i), "Message": json.dumps({"post_id": p, "event_type": "post.created"})}
            for i, p in enumerate(post_ids)
        ],
    )
    clients.dynamodb.transact_write_items(TransactItems=[
        {"Update": {"TableName": table, "Key": {"post_id": {"S": p}}, "UpdateExpression": "SET told = :t",
                    "ExpressionAttributeValues": {":t": {"M": {"since": {"N": "1"}}}}}}
        for p in post_ids
    ])  # fmt: skip
    return {"batchItemFailures": []}


# logical name -> makes the handler from the clients the local runner passes
HANDLERS: dict[str, Any] = {
    "ParseFunction": lambda clients: partial(parse_handler, clients),
    "StoreFunction": lambda clients: partial(store_handler, clients),
    "PublishFunction": None,  # this design publishes from StoreFunction: no stream publisher
}
