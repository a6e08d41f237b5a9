"""A post's publication status, as Jekyll's default build decides whether it publishes it.

- ``draft``: the file is under a ``_drafts/`` or ``drafts/`` folder below ``posts/`` (Jekyll's
  drafts are in ``_drafts/``; it builds them only with ``--drafts``);
- ``unpublished``: the front matter says ``published: false`` (or ``published:`` with no
  value: Jekyll's publisher reads a missing value as no);
- ``scheduled``: the post's date is after ``now`` (Jekyll's ``future: false`` hides it);
- ``published``: anything else, a post without a date too; and each of the above when the
  site builds it (``show_drafts``, ``unpublished``, ``future`` in its _config.yml: ``Site``).

That is the status at the parse. ``effective_status`` is what it is at a later moment: a
scheduled post is published once its date has come (StoreFunction stores that, and
announces the change when the date arrives: docs/item.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

__all__ = ["DRAFT_FOLDERS", "Status", "due_of", "effective_status", "status_of"]

Status = Literal["published", "unpublished", "scheduled", "draft"]
DRAFT_FOLDERS = frozenset({"_drafts", "drafts"})


def status_of(
    key: str,
    meta: dict[str, Any],
    date: datetime | None,
    now: datetime,
    *,
    show_drafts: bool = False,
    unpublished: bool = False,
    future: bool = False,
) -> Status:
    """The status of the post at ``key`` with front matter ``meta`` and date ``date``, at ``now``
    (both aware). Jekyll compares whole seconds. A site that builds drafts, unpublished posts or
    future ones (_config.yml's ``show_drafts``, ``unpublished``, ``future``) publishes them."""
    folders = key.split("/")[1:-1]  # below posts/, without the file name
    if not show_drafts and DRAFT_FOLDERS.intersection(folders):
        return "draft"
    if not unpublished and "published" in meta and (meta["published"] is False or meta["published"] is None):
        return "unpublished"
    if not future and date is not None and int(date.timestamp()) > int(now.timestamp()):
        return "scheduled"
    return "published"


def due_of(published_at: str | None) -> datetime | None:
    """When a post dated ``published_at`` (ISO 8601 with offset) is due: its date, to the
    second as Jekyll compares it (None without a date)."""
    if not published_at:
        return None
    return datetime.fromisoformat(published_at).replace(microsecond=0)


def effective_status(status: str, published_at: str | None, now: datetime) -> str:
    """``status`` (as parsed) at ``now``: ``scheduled`` turns ``published`` once its date has come."""
    due = due_of(published_at)
    if status == "scheduled" and due is not None and int(due.timestamp()) <= int(now.timestamp()):
        return "published"
    return status
