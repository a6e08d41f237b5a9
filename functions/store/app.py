"""StoreFunction: a batch of envelopes from StoreQueue in; items written, notifications out.

Partial batch failure: a record that fails is reported in batchItemFailures and only it
is redelivered; on its last receive it is moved to StoreDLQ with the reason it failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

from postdrop.config import store_settings
from postdrop.observability import logger, metrics, tracer
from postdrop.store import StoreBatch

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

# Every failed record is reported, even all of them: StoreBatch.finish dead-letters last attempts.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    batch = StoreBatch(store_settings())

    def write(record: SQSRecord) -> None:
        batch.write_message(record.message_id, record.body)

    with processor(records=event["Records"], handler=write):
        processor.process()
    failed = {str(item["itemIdentifier"]) for item in processor.response()["batchItemFailures"]}
    retry = batch.finish(event["Records"], failed)
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in sorted(retry)]}
