"""Logger, Tracer and Metrics, created once and shared by both functions.

Configured by the POWERTOOLS_* environment variables the template sets (service name,
metrics namespace, log level); nothing here overrides them. Post bodies never go into a
log line: keys, ids and reasons do.

Tracing follows Powertools' rule: on in Lambda, off outside it (no LAMBDA_TASK_ROOT),
under `sam local`, and when POWERTOOLS_TRACE_DISABLED is true. Where it is off, the
Tracer gets a provider that records nothing, so the process never imports the X-Ray SDK
(which Powertools loads even for a disabled Tracer: 150-250 ms, and outside Lambda it
also builds a botocore client for its sampler). In Lambda the Tracer is Powertools' own.
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator, Sequence

__all__ = ["MetricUnit", "logger", "metrics", "tracer", "tracing_enabled"]


def tracing_enabled(env: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Powertools' rule for when its Tracer records anything."""
    disabled = env.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in ("1", "true", "yes", "on")
    return not disabled and bool(env.get("LAMBDA_TASK_ROOT")) and not env.get("AWS_SAM_LOCAL")


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
