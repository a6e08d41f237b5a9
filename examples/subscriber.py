"""A PostsTopic subscriber that reads every notification whole, with AWS's SQS Extended Client.

postdrop publishes each notification with the whole post under ``post``. A notification
over SNS's 256 KB is stored in S3 and the message is the payload-offloading pointer
(``software.amazon.payloadoffloading.PayloadS3Pointer`` with the ``ExtendedPayloadSize``
attribute) that AWS's Extended Client libraries, Python and Java, follow by themselves, so
this subscriber has no postdrop code in it: subscribe a queue to PostsTopic with raw message
delivery (the attributes must reach the queue), give the subscriber s3:GetObject on the
stack's PayloadLocation, and receive.

    pip install boto3 amazon-sqs-extended-client
    python examples/subscriber.py QUEUE_URL [--endpoint-url http://127.0.0.1:4566] [--seconds 20]

Leave the client's ``delete_payload_from_s3`` off: every subscriber reads the same payload
(the bucket's lifecycle removes payloads after 15 days).

The post's teaser is ``jekyll_excerpt`` (the excerpt its author chose, as Jekyll shows it);
``excerpt`` keeps its first meaning, the first 120 characters of text. A post stored before
the field existed has none until a backfill gives it one: fall back to ``excerpt`` then.

Publication state: ``post.created``, ``post.updated`` and ``post.deleted`` are a post's public
life. A post that is not public is announced as ``post.scheduled``, ``post.unpublished`` or
``post.draft``; when it stops being public it is ``post.deleted`` with ``status`` saying what it
is now (absent: the file is gone); a scheduled post is ``post.created`` when its date comes.
A subscriber of live posts filters on the ``status`` attribute, ``{"status": ["published"]}``
(the template's example subscription adds a category): it never sees a draft, and hears the
change that takes a post out, including a ``post.rejected`` whose ``previous.status`` is
``published`` (its file was replaced by one that cannot be read). A message without ``status``
is from before it existed, and was published.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Any

import boto3
import sqs_extended_client  # noqa: F401 - teaches boto3's SQS client to follow S3 pointers
from botocore.exceptions import NoCredentialsError, NoRegionError

if TYPE_CHECKING:
    from collections.abc import Iterator


def notifications(queue_url: str, *, endpoint_url: str | None = None, seconds: float = 20) -> Iterator[dict[str, Any]]:
    """Each notification on the queue, whole, until the queue stays empty for ``seconds``."""
    session = boto3.session.Session()
    sqs: Any = session.client("sqs", endpoint_url=endpoint_url)
    sqs.s3_client = session.client("s3", endpoint_url=endpoint_url)  # where the pointers are followed
    idle_until = time.monotonic() + seconds
    while time.monotonic() < idle_until:
        wait = max(0, min(5, int(idle_until - time.monotonic())))
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait)
        for message in messages.get("Messages", []):
            body = json.loads(message["Body"])
            if body.get("Type") == "Notification" and "TopicArn" in body:  # SNS's envelope: no raw delivery
                raise SystemExit(
                    f"{queue_url}: its subscription delivers SNS's envelope; turn on RawMessageDelivery"
                    " (aws sns set-subscription-attributes --subscription-arn ARN --attribute-name"
                    " RawMessageDelivery --attribute-value true; aws sns list-subscriptions-by-topic gives the"
                    " ARN): the message attributes, and the pointer of a large"
                    " notification, reach the queue only then"
                )
            yield body
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            idle_until = time.monotonic() + seconds


def lines_for(n: dict[str, Any]) -> list[str]:
    """What this subscriber prints of one notification: what happened, and where the post was
    before when it moved (``previous``: a subscriber filtered on one of those drops its copy)."""
    post = n.get("post") or {}
    status = n.get("status") or ("published" if n["event_type"] in ("post.created", "post.updated") else None)
    title = repr(n["title"]) if n.get("title") else ""
    parts = (n["event_type"], n["post_id"], f"[{status}]" if status else "", title, n.get("url") or "")
    lines = [" ".join(part for part in parts if part)]
    previous = n.get("previous") or {}
    if n["event_type"] == "post.deleted":
        lines.append("    gone" if status is None else f"    no longer public: {status}")
    elif n["event_type"] == "post.rejected" and previous.get("status") == "published":
        lines.append(f"    no longer public: its file cannot be read ({n.get('reason', 'rejected')})")
    for name in ("categories", "tags"):
        was, now = previous.get(name, []), n.get(name, [])
        if previous and sorted(was) != sorted(now):
            left = set(was) - set(now)  # a subscriber filtered on one of these drops its copy
            note = f" (a subscriber filtered on {', '.join(sorted(left))} drops its copy)" if left else ""
            lines.append(f"    {name}: {', '.join(was) or '-'} -> {', '.join(now) or '-'}{note}")
    teaser = n.get("jekyll_excerpt") or n.get("excerpt") or ""
    if teaser:
        lines.append(f"    {teaser[:200]}")
    if post.get("reading_minutes"):
        words = post["word_count"]
        lines.append(
            f"    {words} word{'' if words == 1 else 's'}, {post['reading_minutes']} min, lang {post.get('lang')}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queue_url")
    parser.add_argument("--endpoint-url", help="the local stack's endpoint (postdrop up prints it)")
    parser.add_argument("--seconds", type=float, default=20, help="stop once the queue is empty this long")
    args = parser.parse_args()
    try:
        for n in notifications(args.queue_url, endpoint_url=args.endpoint_url, seconds=args.seconds):
            print("\n".join(lines_for(n)))
    except (NoRegionError, NoCredentialsError) as exc:  # the one thing a first run lacks: said, not a traceback
        sys.exit(f"subscriber.py: {exc} (postdrop up prints the AWS_ variables to export for its stack)")


if __name__ == "__main__":
    main()
