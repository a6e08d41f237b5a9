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
from postdrop.store import StoreBatch, dead_letter_last_attempts

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

# Every failed record is reported (even all of them): the handler dead-letters last attempts itself.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = store_settings()
    batch = StoreBatch(settings)
    reasons: dict[str, str] = {}

    def write(record: SQSRecord) -> None:
        try:
            envelope = Envelope.model_validate_json(record.body)
        except ValidationError as exc:  # its text quotes the input: log where, never what
            where = sorted({".".join(map(str, e["loc"])) for e in exc.errors(include_input=False)})
            logger.error("not an envelope", extra={"message_id": record.message_id, "fields": where[:10]})
            reasons[record.message_id] = f"not an envelope (fields: {', '.join(where[:10])})"
            raise ValueError(reasons[record.message_id]) from None
        try:
            batch.write(record.message_id, envelope)
        except Exception as exc:
            logger.exception("record failed; SQS will redeliver it", extra={"message_id": record.message_id})
            reasons[record.message_id] = f"{type(exc).__name__}: {exc}"
            raise

    with processor(records=event["Records"], handler=write):
        processor.process()
    failures = {str(item["itemIdentifier"]) for item in processor.response()["batchItemFailures"]}
    failures |= batch.finish()
    failures = dead_letter_last_attempts(event["Records"], failures, reasons, settings)
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in sorted(failures)]}
