"""Logger, Tracer and Metrics, created once and shared by both functions.

Configured by the POWERTOOLS_* environment variables the template sets (service name,
metrics namespace, log level); nothing here overrides them. Post bodies never go into a
log line: keys, ids and reasons do.

Tracing needs no SDK by default. The template turns on Lambda's active tracing, so X-Ray
records each invocation (and its init) from Lambda's side, and botocore itself passes the
trace header (_X_AMZN_TRACE_ID) on every call, so SQS and SNS carry the trace from
ParseFunction to StoreFunction. The X-Ray SDK, which Powertools' Tracer runs on, adds a
subsegment per AWS call; it is in maintenance mode (end of support 2027-02-25) and costs
each cold start some 35 ms, so it loads only where POSTDROP_XRAY_SDK is true (the
template's XRaySdkTracing) and Powertools' own rule would trace: in Lambda, not under
`sam local`, not with POWERTOOLS_TRACE_DISABLED. Elsewhere the Tracer gets a provider
that records nothing, so the process never imports the SDK (which Powertools loads even
for a disabled Tracer).
"""

from __future__ import annotations

import os
import warnings
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator, Sequence

__all__ = ["MetricUnit", "logger", "metrics", "tracer", "tracing_enabled"]


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def tracing_enabled(env: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Whether the Tracer records subsegments through the X-Ray SDK: asked for by
    POSTDROP_XRAY_SDK, and where Powertools' rule would trace."""
    in_lambda = bool(env.get("LAMBDA_TASK_ROOT")) and not env.get("AWS_SAM_LOCAL")
    return _true(env.get("POSTDROP_XRAY_SDK")) and in_lambda and not _true(env.get("POWERTOOLS_TRACE_DISABLED"))


class _NoSegment(BaseSegment):
    def close(self, end_time: int | None = None) -> None: ...
    def add_subsegment(self, subsegment: Any) -> None: ...
    def remove_subsegment(self, subsegment: Any) -> None: ...
    def put_annotation(self, key: str, value: Any) -> None: ...
    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...
    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None: ...


class _Untraced(BaseProvider):
    """The provider of a Tracer that is off: every call records nothing."""

    @contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Iterator[BaseSegment]:
        yield _NoSegment()

    @asynccontextmanager
    async def in_subsegment_async(self, name: str | None = None, **kwargs: Any) -> AsyncIterator[BaseSegment]:
        yield _NoSegment()

    def put_annotation(self, key: str, value: Any) -> None: ...
    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...
    def patch(self, modules: Sequence[str]) -> None: ...
    def patch_all(self) -> None: ...


# The template's environment names the service and the metrics namespace (Globals); these
# are only what a process outside Lambda without that environment gets.
SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME") or "postdrop"
NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "Postdrop"

logger = Logger(service=SERVICE)
# Only botocore is patched: it is the one library postdrop calls out with. Patching "all"
# would import requests, httplib, sqlite3 and MySQL hooks at every cold start for nothing.
tracer = (
    Tracer(service=SERVICE, patch_modules=("botocore",))
    if tracing_enabled()
    else Tracer(service=SERVICE, disabled=True, provider=_Untraced())
)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
# A batch that changes nothing (a stream batch of records PublishFunction passes over) adds no
# metric, and prints nothing, as it should; Powertools then warns "No application metrics to
# publish" to stderr, a line in the function's log and in every local run's output.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
