"""StoreFunction: a batch of envelopes from StoreQueue in; items written, notifications out.

Partial batch failure: a record that fails is reported in batchItemFailures and only it
is redelivered (and, after maxReceiveCount, lands in StoreDLQ).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from pydantic import ValidationError

from postdrop.config import store_settings
from postdrop.envelope import Envelope
from postdrop.observability import logger, metrics, tracer
from postdrop.store import StoreBatch

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    batch = StoreBatch(store_settings())

    def write(record: SQSRecord) -> None:
        try:
            envelope = Envelope.model_validate_json(record.body)
        except ValidationError as exc:  # its text quotes the input: log where, never what
            where = sorted({".".join(map(str, e["loc"])) for e in exc.errors(include_input=False)})
            logger.error("not an envelope", extra={"message_id": record.message_id, "fields": where[:10]})
            raise ValueError(f"message {record.message_id} is not an envelope") from None
        try:
            batch.write(record.message_id, envelope)
        except Exception:
            logger.exception("record failed; SQS will redeliver it", extra={"message_id": record.message_id})
            raise

    with processor(records=event["Records"], handler=write):
        processor.process()
    failures = {str(item["itemIdentifier"]) for item in processor.response()["batchItemFailures"]}
    failures |= batch.finish()
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in sorted(failures)]}
