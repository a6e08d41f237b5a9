"""Fault injection at the real client (botocore's events), each fault as AWS produces it.

- ``throttle``: a fraction of calls answered with AWS's own throttling error instead of being
  sent (``before-send``): botocore's retries and backoff first, then the handler's error path.
- ``lose_responses``: the request is sent and takes effect, then the answer is lost (a 500,
  as after a timeout): botocore retries a request the service already applied.
- ``fail_entries``: a batch call leaves one of its entries out and reports it ``Failed``
  (PublishBatch, SendMessageBatch), as those APIs do when some entries fail.
- ``die_after``: the process dies right after a call took effect (a timeout, out of memory):
  ``ProcessDied`` is a BaseException, so no handler code catches it and no cleanup runs; the
  local pipeline leaves the batch's messages to reappear after the visibility timeout.

Each kind draws from one seeded generator, so a seed replays the same schedule.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.httpsession import URLLib3Session

__all__ = ["FaultInjector", "ProcessDied"]

_JSON_THROTTLE = b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"injected by soak"}'
_QUERY_THROTTLE = (
    b'<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>'
    b"<Code>Throttling</Code><Message>injected by soak</Message></Error><RequestId>soak</RequestId></ErrorResponse>"
)
_ENTRY_LISTS = {"PublishBatch": "PublishBatchRequestEntries", "SendMessageBatch": "Entries"}


class ProcessDied(BaseException):  # not an Exception: no code under test may catch it
    """The handler's process ended in the middle of an invocation."""


class _Raw:
    """Just enough of urllib3's response for botocore to read a body."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, *_: Any, **__: Any) -> Any:
        yield self._body


def _send_for_real(request: Any) -> None:
    """Deliver the request to whatever serves this client: moto in-process, or over HTTP."""
    from moto.core.models import botocore_stubber

    if botocore_stubber.enabled:
        botocore_stubber(event_name="before-send", request=request)
    else:
        URLLib3Session().send(request).content  # noqa: B018 - read it all, then drop it


def _error(request: Any, status: int, body: bytes, content_type: str) -> AWSResponse:
    headers = HTTPHeaders()
    headers["Content-Type"] = content_type
    headers["x-amzn-RequestId"] = "soak"
    return AWSResponse(request.url, status, headers, _Raw(body))


@dataclass
class FaultInjector:
    rate: float
    seed: int
    limit: int | None = None  # inject at most this many faults in all (a test's "once")
    injected: dict[str, int] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)  # noqa: S311  # a reproducible fault schedule  # nosec B311

    def _roll(self, what: str) -> bool:
        self.calls[what] = self.calls.get(what, 0) + 1
        if self.limit is not None and sum(self.injected.values()) >= self.limit:
            return False
        if self._rng.random() >= self.rate:
            return False
        self.injected[what] = self.injected.get(what, 0) + 1
        return True

    def throttle(self, client: Any, operations: list[str]) -> None:
        service = client.meta.service_model.service_name
        json_protocol = client.meta.service_model.protocol == "json"
        body = _JSON_THROTTLE if json_protocol else _QUERY_THROTTLE
        content_type = "application/x-amz-json-1.0" if json_protocol else "text/xml"
        for operation in operations:

            def maybe(request: Any, _what: str = f"throttled {service}.{operation}", **_: Any) -> AWSResponse | None:
                return _error(request, 400, body, content_type) if self._roll(_what) else None

            client.meta.events.register_first(f"before-send.{service}.{operation}", maybe)

    def lose_responses(self, client: Any, operations: list[str]) -> None:
        service = client.meta.service_model.service_name
        for operation in operations:

            def maybe(request: Any, _what: str = f"lost {service}.{operation}", **_: Any) -> AWSResponse | None:
                if not self._roll(_what):
                    return None
                _send_for_real(request)
                return _error(request, 500, b"", "text/plain")

            client.meta.events.register_first(f"before-send.{service}.{operation}", maybe)

    def fail_entries(self, client: Any, operations: list[str]) -> None:
        service = client.meta.service_model.service_name
        for operation in operations:
            name = _ENTRY_LISTS[operation]

            def leave_out(
                params: dict[str, Any], context: dict[str, Any], _name: str = name,
                _what: str = f"failed entry {service}.{operation}", **_: Any,
            ) -> dict[str, Any] | None:  # fmt: skip
                entries = params.get(_name) or []
                if len(entries) < 2 or not self._roll(_what):
                    return None
                index = self._rng.randrange(len(entries))
                context["soak_failed"] = entries[index]["Id"]
                return {**params, _name: entries[:index] + entries[index + 1 :]}

            def report(parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
                failed = context.pop("soak_failed", None)
                if failed is not None and "Error" not in parsed:
                    entry = {"Id": failed, "Code": "InternalError", "SenderFault": False, "Message": "injected"}
                    parsed.setdefault("Failed", []).append(entry)

            client.meta.events.register(f"provide-client-params.{service}.{operation}", leave_out)
            client.meta.events.register(f"after-call.{service}.{operation}", report)

    def die_after(self, client: Any, operations: list[str]) -> None:
        service = client.meta.service_model.service_name
        for operation in operations:

            def maybe(parsed: dict[str, Any], _what: str = f"died after {service}.{operation}", **_: Any) -> None:
                if "Error" not in parsed and self._roll(_what):
                    raise ProcessDied(_what)

            client.meta.events.register(f"after-call.{service}.{operation}", maybe)
