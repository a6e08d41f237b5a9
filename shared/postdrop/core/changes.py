"""What changed between two versions of a post, without keeping the old one (#27, item 4).

Each field a subscriber may act on gets a short hash (``field_hashes``), carried in the post's
head and kept in the item; the next ``post.updated`` lists the fields whose hash moved
(``changed_fields``), so a search index re-embeds only the body when only the body changed.
Eight hex digits a field: a change goes unseen only when its two hashes collide, about once in
four billion changes of that field.

The hashes are one string, each field's eight digits in FIELDS' order (160 bytes, where a map
of names took some 330 in every item and every write): FIELDS only ever grows at its end, so a
string made before a field was added is read field by field, the new field counting as changed.
A map of names (what postdrop kept before) is read too.

``body`` is the article (its sections, text and HTML, and what is counted from them: characters,
words, reading minutes); the rest are NormalizedPost's fields of those names. ``status`` is not
content (the clock changes it): a change of it is an event of its own, never a ``post.updated``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from pydantic_core import to_json

if TYPE_CHECKING:
    from collections.abc import Mapping

    from postdrop.model import NormalizedPost

__all__ = ["FIELDS", "changed_fields", "field_hashes", "named_hashes"]

# The name a subscriber reads in ``changed`` -> the NormalizedPost fields it covers, in the order
# listed. Append only: the order is the layout of every stored hash string.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "published_at": ("published_at",),
    "updated_at": ("updated_at",),
    "categories": ("categories",),
    "tags": ("tags",),
    "authors": ("authors",),
    "summary": ("summary",),
    "body": ("sections", "text", "html", "char_count", "word_count", "reading_minutes"),
    "headings": ("headings",),
    "excerpt": ("excerpt",),
    "jekyll_excerpt": ("jekyll_excerpt",),
    "url": ("url",),
    "slug": ("slug",),
    "lang": ("lang",),
    "image": ("image",),
    "images": ("images",),
    "links": ("links",),
    "source": ("source",),
    "layout": ("layout",),
    "extra": ("extra",),
}
_ORDER = {name: n for n, name in enumerate(FIELDS)}
DIGITS = 8


_PARTS = {part for parts in FIELDS.values() for part in parts}


def _digest(value: Any) -> str:
    return hashlib.sha256(to_json(value)).hexdigest()[:DIGITS]


def field_hashes(post: NormalizedPost) -> str:
    """A short hash of each of FIELDS of ``post`` (over its JSON, as pydantic writes it: a
    mapping in ``extra`` reordered counts as changed), one string in FIELDS' order."""
    data = post.model_dump(include=_PARTS)
    return "".join(_digest([data.get(part) for part in parts]) for parts in FIELDS.values())


def named_hashes(hashes: str | Mapping[str, str]) -> dict[str, str]:
    """Field name -> its hash, from the string ``field_hashes`` makes or a map of names."""
    if not isinstance(hashes, str):
        return dict(hashes)
    return {
        name: hashes[n * DIGITS : (n + 1) * DIGITS] for n, name in enumerate(FIELDS) if (n + 1) * DIGITS <= len(hashes)
    }


def changed_fields(before: str | Mapping[str, str], now: str | Mapping[str, str]) -> list[str]:
    """The fields whose hash moved from ``before`` to ``now`` (one only in either counts), in FIELDS' order."""
    was, new = named_hashes(before), named_hashes(now)
    names = {name for name in {*was, *new} if was.get(name) != new.get(name)}
    return sorted(names, key=lambda name: (_ORDER.get(name, len(_ORDER)), name))
