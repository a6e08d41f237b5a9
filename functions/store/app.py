"""StoreFunction: a batch of envelopes from StoreQueue in; items written (the table's stream
carries each write to PublishFunction, which announces it).

Partial batch failure: only the records that failed are reported in batchItemFailures and
redelivered by SQS, until the queue's maxReceiveCount moves them to StoreDLQ. A record that
can never be stored goes to StoreDLQ at once, with its reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from postdrop.aws import Clients, end_of_init
from postdrop.config import store_settings
from postdrop.exceptions import PermanentFailure
from postdrop.observability import logger, metrics, tracer
from postdrop.store import StoreBatch, sqs_messages

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.utilities.typing import LambdaContext


def make_handler(clients: Clients) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The handler, calling AWS through ``clients`` (the local runner and tests pass their own)."""

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        batch = StoreBatch(store_settings(), clients)
        failed: set[str] = set()
        records = sqs_messages(event)  # anything but StoreQueue's messages fails the invocation, saying what
        batch.read_ahead(records)  # the items of the batch's posts, in one read
        for record in records:
            message_id = record["messageId"]
            try:
                batch.write_message(message_id, record["body"])
            except PermanentFailure as exc:
                logger.error("record can never be stored", extra={"message_id": message_id, "reason": exc.reason})
                if not batch.dead_letter(record, exc.reason):
                    failed.add(message_id)
            except Exception:
                logger.exception("record failed; SQS will redeliver it", extra={"message_id": message_id})
                failed.add(message_id)
        batch.finish()
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in sorted(failed)]}

    handler: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] = lambda_handler  # as decorated
    return handler


# At Lambda init, at a full core: the clients every batch calls, each call rehearsed once (see
# Clients.at_init); S3 (the archive) and SQS (dead letters) made on first use.
lambda_handler = make_handler(Clients.at_init(dynamodb=("batch_get_item", "get_item", "update_item")))
end_of_init()  # what init made, out of the garbage collector's way (see end_of_init)
