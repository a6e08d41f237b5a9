"""The message from ParseFunction to StoreFunction: one per object change.

upsert carries the NormalizedPost, reject carries the reason, delete carries neither.
Each carries what identifies the S3 change (bucket, key, version, etag, sequencer), which
is what ordering and idempotency are keyed on downstream.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from postdrop.model import NormalizedPost  # noqa: TC001 - pydantic needs it at run time
from postdrop.s3events import S3Change  # noqa: TC001

__all__ = ["Envelope"]


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    action: Literal["upsert", "reject", "delete"]
    post_id: str
    change: S3Change
    post: NormalizedPost | None = None
    reason: str | None = None
