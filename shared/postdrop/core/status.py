"""A post's publication status, as Jekyll's default build decides whether it publishes it.

- ``draft``: the file is under a ``_drafts/`` or ``drafts/`` folder below ``posts/`` (Jekyll's
  drafts are in ``_drafts/``; it builds them only with ``--drafts``);
- ``unpublished``: the front matter says ``published: false`` (or ``published:`` with no
  value: Jekyll's publisher reads a missing value as no);
- ``scheduled``: the post's date is after ``now`` (Jekyll's ``future: false`` hides it);
- ``published``: anything else, a post without a date too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["DRAFT_FOLDERS", "Status", "status_of"]

Status = Literal["published", "unpublished", "scheduled", "draft"]
DRAFT_FOLDERS = frozenset({"_drafts", "drafts"})


def status_of(key: str, meta: dict[str, Any], date: datetime | None, now: datetime) -> Status:
    """The status of the post at ``key`` with front matter ``meta`` and date ``date``, at ``now``
    (both aware). Jekyll compares whole seconds."""
    folders = key.split("/")[1:-1]  # below posts/, without the file name
    if DRAFT_FOLDERS.intersection(folders):
        return "draft"
    if "published" in meta and (meta["published"] is False or meta["published"] is None):
        return "unpublished"
    if date is not None and int(date.timestamp()) > int(now.timestamp()):
        return "scheduled"
    return "published"
