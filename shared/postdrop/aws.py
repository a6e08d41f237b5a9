"""The boto3 clients a function calls: one ``Clients`` per Lambda init, passed to the logic.

Each ``app.py`` makes its ``Clients`` when Lambda loads it and hands it to the logic it
calls; nothing in postdrop reaches for a client of its own. The local runner, the soak,
the benchmarks and the tests make theirs and pass them in, instrumented as they need
(counting calls, injecting faults), so no hook depends on when it was attached.

A client is made on first use (a cold start pays only for the services it calls), all of
one ``Clients`` from one boto3 session, so botocore reads its endpoint rules and data
files once: measured here, a second client from the same session takes ~12 ms, one from
a new session ~130 ms. Clients read the endpoint (AWS_ENDPOINT_URL, for the emulator) and
region from the environment when they are made. (boto3 sessions are not safe to share
across threads; postdrop's handlers and tools make clients from one thread.)
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

__all__ = ["Clients"]


class Clients:
    """S3, SQS, DynamoDB and SNS clients, each made on first use."""

    @cached_property
    def _session(self) -> Any:
        import boto3  # noqa: PLC0415 - the parse core never needs it

        return boto3.session.Session()

    def _client(self, service: str) -> Any:
        from botocore.config import Config  # noqa: PLC0415

        config = Config(retries={"mode": "adaptive", "max_attempts": 5}, connect_timeout=5, read_timeout=20)
        return self._session.client(service, config=config)

    @cached_property
    def s3(self) -> S3Client:
        return self._client("s3")  # type: ignore[no-any-return]

    @cached_property
    def sqs(self) -> SQSClient:
        return self._client("sqs")  # type: ignore[no-any-return]

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        return self._client("dynamodb")  # type: ignore[no-any-return]

    @cached_property
    def sns(self) -> SNSClient:
        return self._client("sns")  # type: ignore[no-any-return]
