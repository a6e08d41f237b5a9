"""ParseFunction: S3 object changes in (direct, or wrapped in SQS), envelopes out to StoreQueue.

Rejected files never raise: they become envelopes. Anything else that fails raises, so
Lambda's async retries, then ParseDLQ, keep the event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from postdrop.config import parse_settings
from postdrop.ingest import ingest_event
from postdrop.observability import logger, metrics, tracer

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = parse_settings()
    result = ingest_event(event, settings)
    return result.summary()
