"""PublishFunction: PostsTable's stream in; one notification for each state a write moved to.

Records come in order per item. The first record not published is reported in
batchItemFailures (its sequence number): Lambda retries from it, every later record again too,
until the event source's MaximumRetryAttempts sends the range to PublishDLQ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from postdrop.aws import Clients, at_init, end_of_init
from postdrop.config import publish_settings
from postdrop.observability import logger, metrics, tracer
from postdrop.publish import StreamBatch, stream_records

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.utilities.typing import LambdaContext


def make_handler(clients: Clients) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The handler, calling AWS through ``clients`` (the local runner and tests pass their own)."""

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        records = stream_records(event)  # anything but PostsTable's stream fails the invocation, saying what
        failed = StreamBatch(publish_settings(), clients).publish(records)
        return {"batchItemFailures": [{"itemIdentifier": failed}] if failed else []}

    handler: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] = lambda_handler  # as decorated
    return handler


# At Lambda init, at a full core: the client every batch calls, its call rehearsed once (see
# Clients.at_init); S3, for a post too large for its item or a notification too large for SNS,
# is made on first use (some 20 ms of CPU at init that most cold starts never use).
lambda_handler = make_handler(Clients.at_init(sns=("publish_batch",)))
at_init(publish_settings)  # read (and its ARN patterns compiled) at init: each batch reads it again from a cache
end_of_init()  # what init made, out of the garbage collector's way (see end_of_init)
