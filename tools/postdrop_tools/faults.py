"""Fault injection at the client: a fraction of calls answered with AWS's own throttling error.

The answer replaces the HTTP response (botocore's ``before-send`` event), so everything
above it behaves as with a real throttle: botocore's retries and backoff first, then, if
those run out, the handler's own error path (partial batch failure, redelivery, DLQ).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders

__all__ = ["FaultInjector"]

_JSON_THROTTLE = b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"injected by soak"}'
_QUERY_THROTTLE = (
    b'<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>'
    b"<Code>Throttling</Code><Message>injected by soak</Message></Error><RequestId>soak</RequestId></ErrorResponse>"
)


class _Raw:
    """Just enough of urllib3's response for botocore to read a body."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, *_: Any, **__: Any) -> Any:
        yield self._body


@dataclass
class FaultInjector:
    rate: float
    seed: int
    injected: dict[str, int] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)  # noqa: S311  # a reproducible fault schedule  # nosec B311

    def attach(self, client: Any, operations: list[str]) -> None:
        service = client.meta.service_model.service_name
        body = _JSON_THROTTLE if client.meta.service_model.protocol == "json" else _QUERY_THROTTLE
        content_type = "application/x-amz-json-1.0" if body is _JSON_THROTTLE else "text/xml"
        for operation in operations:
            name = f"{service}.{operation}"

            def maybe_throttle(request: Any, _name: str = name, **_: Any) -> AWSResponse | None:
                self.calls[_name] = self.calls.get(_name, 0) + 1
                if self._rng.random() >= self.rate:
                    return None
                self.injected[_name] = self.injected.get(_name, 0) + 1
                headers = HTTPHeaders()
                headers["Content-Type"] = content_type
                headers["x-amzn-RequestId"] = "soak"
                return AWSResponse(request.url, 400, headers, _Raw(body))

            client.meta.events.register(f"before-send.{service}.{operation}", maybe_throttle)
