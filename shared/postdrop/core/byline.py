"""Who wrote the post and when it was last changed, from its front matter.

- authors: ``authors`` then ``author`` (Jekyll's ``page.author``, jekyll-seo-tag's forms): a
  name, a list of names, or mappings with a ``name``; in order, each once.
- updated_at: the first of ``last_modified_at`` (jekyll-last-modified-at), ``updated``,
  ``updated_at``, ``modified``, ``lastmod`` (Hugo) that holds a date; read as ``date`` is.
"""

from __future__ import annotations

from typing import Any

from postdrop.core.dates import parse_date

__all__ = ["MAX_AUTHORS", "UPDATED_KEYS", "authors_of", "updated_at_of"]

UPDATED_KEYS = ("last_modified_at", "updated", "updated_at", "modified", "lastmod")
MAX_AUTHORS = 100
_MAX_NAME = 200


def authors_of(meta: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for key in ("authors", "author"):
        raw = meta.get(key)
        for item in raw if isinstance(raw, list) else [raw]:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, bool) or name is None or isinstance(name, dict | list):
                continue
            text = " ".join(str(name).split())[:_MAX_NAME]
            if text and text not in names:
                names.append(text)
    return names[:MAX_AUTHORS]


def updated_at_of(meta: dict[str, Any], zone: str, warnings: list[str]) -> str | None:
    for key in UPDATED_KEYS:
        raw = meta.get(key)
        if raw is None or isinstance(raw, bool | dict | list) or not str(raw).strip():
            continue
        parsed = parse_date(raw if isinstance(raw, str) else str(raw), zone)  # a YamlTime stays one
        if parsed is not None:
            return parsed.isoformat()
        warnings.append(f"{key} {str(raw).strip()[:60]!r} holds no usable date; updated_at is not from it")
    return None
