"""Typed errors of postdrop. Only the handlers decide what becomes a retry or a dead letter."""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "EventNotUnderstood",
    "PermanentFailure",
    "PostRejected",
    "PostdropError",
    "TransientError",
]


class PostdropError(Exception):
    """Base of every error postdrop raises on purpose."""


class PostRejected(PostdropError, ValueError):
    """The input cannot be a post. Data, not a crash: it becomes a REJECTED record.

    ``reason`` is one human sentence naming what is wrong and where (field, line).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ConfigError(PostdropError):
    """The function's environment is missing or has a bad setting."""


class TransientError(PostdropError):
    """A downstream service failed in a way a retry can fix (throttling, timeouts)."""


class EventNotUnderstood(PostdropError, ValueError):
    """An invocation event that carries no S3 change postdrop knows; the message says which
    record and what it is. The invocation fails, so Lambda's retries and ParseDLQ keep it."""


class PermanentFailure(PostdropError):
    """A record no retry can store (not an envelope, an item DynamoDB cannot hold): StoreFunction
    moves it to StoreDLQ at once, with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
