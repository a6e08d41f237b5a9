"""ParseFunction: S3 object changes in (S3 notifications direct or inside SQS/SNS, EventBridge,
S3 Batch Operations), envelopes out to StoreQueue.

Rejected files never raise: they become envelopes. An event that carries no S3 change, and
anything else that fails, raises, so Lambda's async retries, then ParseDLQ, keep the event.
A Batch Operations invocation is answered in its own format, per task.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from postdrop.aws import Clients, at_init, end_of_init
from postdrop.budget import cpu_seconds
from postdrop.config import parse_settings
from postdrop.observability import logger, metrics, tracer
from postdrop.parse import parse_batch_job, parse_event, rehearse
from postdrop.s3events import batch_job

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.utilities.typing import LambdaContext


def make_handler(clients: Clients) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The handler, calling AWS through ``clients`` (the local runner and tests pass their own)."""

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        settings = parse_settings()
        # each file's reading within this invocation's time (postdrop.budget): a slower one is rejected
        budget = cpu_seconds(context.get_remaining_time_in_millis(), int(context.memory_limit_in_mb))
        job = batch_job(event)
        if job is not None:
            return parse_batch_job(job, settings, clients, cpu_seconds=budget)
        return parse_event(event, settings, clients, cpu_seconds=budget).summary()

    handler: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] = lambda_handler  # as decorated
    return handler


# At Lambda init, at a full core: the clients every event calls, each call rehearsed once (see
# Clients.at_init), and one small post parsed (see postdrop.parse.rehearse).
_clients = Clients.at_init(s3=("get_object",), sqs=("send_message_batch",))
lambda_handler = make_handler(_clients)
at_init(lambda: rehearse(parse_settings(), _clients))
end_of_init()  # what init made, out of the garbage collector's way (see end_of_init)
