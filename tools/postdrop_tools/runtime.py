"""A Docker-free Lambda runtime: the real handler modules, called in this process.

Each function's module is loaded from its CodeUri the way Lambda does (its folder first
on the path, the layer's package importable), with the environment the template gives it
and the emulator's endpoint. Async invocations get Lambda's retries and on-failure
destination; SQS event sources get batches and partial batch failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postdrop_tools.emulator import ACCOUNT, REGION
from postdrop_tools.stack import TIME_SCALE
from postdrop_tools.template import REPO

if TYPE_CHECKING:
    from collections.abc import Callable

    from postdrop.aws import Clients
    from postdrop_tools.stack import FunctionSpec, LocalStack

__all__ = [
    "LambdaContext", "LocalFunction", "configure_environment", "function_environment", "process_environment",
]  # fmt: skip

QUIET = {
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_DEV": "false",
}


@dataclass
class LambdaContext:
    """What Lambda passes as ``context``, enough for Powertools."""

    function_name: str
    timeout_s: int
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = ""
    log_group_name: str = ""
    log_stream_name: str = "local"

    def __post_init__(self) -> None:
        self.aws_request_id = self.aws_request_id or str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self._deadline = time.monotonic() + self.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def function_environment(stack: LocalStack, *, quiet: bool = True) -> dict[str, str]:
    """Every function's environment in one, pointed at the emulator: for a process that runs
    all the handlers (bench/memory.py). The local runner gives each function its own."""
    env: dict[str, str] = {}
    for fn in stack.functions.values():
        env.update(fn.env)
    return env | process_environment(stack, quiet=quiet)


def process_environment(stack: LocalStack, *, quiet: bool = True) -> dict[str, str]:
    """What every local function and the tools share: the emulator's endpoint and credentials
    and, when ``quiet``, Powertools' switches for a local run."""
    return stack.emulator.env() | (QUIET if quiet else {})


def configure_environment(stack: LocalStack, extra: dict[str, str] | None = None, *, quiet: bool = True) -> None:
    """Point this process at the emulator; each function adds its own environment per invoke."""
    os.environ.update(process_environment(stack, quiet=quiet) | (extra or {}))
    from postdrop.observability import logger

    logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))  # it may exist from before this call


class LocalFunction:
    """One function of the template, loaded from its folder (or given ``handler`` instead,
    as the benchmarks give baseline handlers). With ``clients``, the handler calls AWS
    through them (its module's ``make_handler``); without, through the module's own, as in
    Lambda. Each invocation's duration is kept, in ms."""

    def __init__(
        self, spec: FunctionSpec, handler: Callable[[dict[str, Any], Any], Any] | None = None,
        clients: Clients | None = None, overrides: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        self.spec = spec
        # During an invoke: the template's environment of this function alone, then ``overrides``
        # (a local run's quiet switches, an env.json's values), over the process's own.
        self.environment = spec.env | (overrides or {})
        self.handler = handler or self._load(clients)
        self.durations_ms: list[float] = []

    def _load(self, clients: Clients | None) -> Callable[[dict[str, Any], Any], Any]:
        module_name, _, attribute = self.spec.handler.rpartition(".")
        folder = REPO / self.spec.code_uri
        path = Path(folder, *module_name.split(".")).with_suffix(".py")
        unique = f"_postdrop_fn_{self.spec.logical}"
        module = sys.modules.get(unique)
        if module is None:
            spec = importlib.util.spec_from_file_location(unique, path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {self.spec.handler} from {path}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[unique] = module
            spec.loader.exec_module(module)
        if clients is not None:
            return module.make_handler(clients)  # type: ignore[no-any-return]
        return getattr(module, attribute)  # type: ignore[no-any-return]

    def invoke(self, event: dict[str, Any]) -> Any:
        """A synchronous invoke (RequestResponse): the handler's result, or its exception."""
        context = LambdaContext(
            function_name=self.spec.logical, timeout_s=self.spec.timeout, memory_limit_in_mb=self.spec.memory_mb
        )
        outside = os.environ.copy()
        os.environ.update(self.environment)
        started = time.perf_counter()
        try:
            return self.handler(event, context)
        finally:
            self.durations_ms.append((time.perf_counter() - started) * 1000)
            os.environ.clear()
            os.environ.update(outside)
            if os.environ.get("POWERTOOLS_METRICS_DISABLED") == "true":
                from postdrop.observability import metrics

                metrics.clear_metrics()  # with metrics off they are never flushed; do not let them pile up

    def invoke_async(self, event: dict[str, Any], send_to_dlq: Callable[[str, str], None]) -> Any:
        """An async invoke (Event): retried as Lambda retries, then sent to the on-failure destination.
        The handler's result, or None when every try failed."""
        error: Exception | None = None
        for attempt in range(self.spec.retries + 1):
            if attempt:  # Lambda waits about a minute before the first retry, two before the second
                time.sleep(60 * attempt * TIME_SCALE)
            try:
                return self.invoke(event)
            except Exception as exc:
                error = exc
        if self.spec.on_failure_queue and error is not None:
            send_to_dlq(self.spec.on_failure_queue, json.dumps(_destination_record(self.spec, event, error)))
        return None


def _destination_record(spec: FunctionSpec, event: dict[str, Any], error: Exception) -> dict[str, Any]:
    """The shape of a Lambda on-failure destination record."""
    return {
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(),
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{spec.logical}:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": spec.retries + 1,
        },
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": str(error), "errorType": type(error).__name__},
    }
