"""What postdrop knows of the site a post belongs to: Jekyll's ``url``, ``baseurl``, ``title``,
``permalink``, ``excerpt_separator``, ``defaults``, ``show_drafts``, ``unpublished`` and ``future``
settings.

Its own module, so that the settings (config.py, which StoreFunction loads too) name it
without loading the Liquid step. A post's Liquid sees ``site.url``, ``site.baseurl`` and
``site.title``; ``permalink`` and ``excerpt_separator`` make its ``url`` and ``jekyll_excerpt``;
``defaults`` (the ``defaults:`` list of _config.yml, as written) gives every post in a scope
front matter it does not write itself (``front_matter_in``), and the
folders above a ``_posts/`` folder are categories (``folder_categories``); ``show_drafts``,
``unpublished`` and ``future`` say which posts the site publishes (its ``status``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = [
    "DEFAULT_EXCERPT_SEPARATOR",
    "DEFAULT_PERMALINK",
    "Site",
    "folder_categories",
    "front_matter_defaults",
    "front_matter_in",
    "site_path_of",
    "with_defaults",
]

# Jekyll's defaults: the ``date`` permalink style, and an excerpt up to the first blank line.
DEFAULT_PERMALINK = "date"
DEFAULT_EXCERPT_SEPARATOR = "\n\n"
_POSTS_PREFIX = "posts/"
_SITE_FOLDERS = frozenset({"_posts", "_drafts"})
_DEPRECATED_TYPES = {"post": "posts", "draft": "drafts", "page": "pages"}
_GLOB = re.compile(r"\*\*/|\*|\?|\{[^{}]*\}")


@dataclass(frozen=True, slots=True)
class Site:
    url: str = ""
    baseurl: str = ""
    title: str = ""
    permalink: str = DEFAULT_PERMALINK
    excerpt_separator: str = DEFAULT_EXCERPT_SEPARATOR
    # _config.yml's ``defaults:``: each a mapping of ``scope`` (``path``, ``type``) and ``values``.
    defaults: Sequence[Mapping[str, Any]] = field(default=())
    # Whether the site builds drafts, ``published: false`` posts and future ones (Jekyll: no).
    show_drafts: bool = False
    unpublished: bool = False
    future: bool = False

    def builds(self) -> dict[str, bool]:
        """Which posts the site builds beyond Jekyll's defaults (status_of's flags)."""
        return {"show_drafts": self.show_drafts, "unpublished": self.unpublished, "future": self.future}


def front_matter_in(site: Site, key: str, front: dict[str, Any]) -> dict[str, Any]:
    """The front matter of the post at ``key`` as Jekyll reads it in ``site``: _config.yml's
    defaults under it and, for a whole site synced, the folders above its ``_posts/`` as
    categories (blog/_posts/: blog); a ``tag`` with a value leaves ``tags`` unread."""
    meta = with_defaults(front_matter_defaults(site, key), front)
    if ("_posts/" in key or "_drafts/" in key) and (folders := folder_categories(key)):
        meta = with_defaults({"categories": folders}, meta)
    if (tag := meta.get("tag")) is not None and tag is not False and "tags" in meta:  # Ruby's ||=: false is none
        # Jekyll's pluralized_array_from_hash: a tag with a value stands for the post's tags, and
        # tags is not read (category and categories are both read)
        meta = {name: value for name, value in meta.items() if name != "tags"}
    return meta


def site_path_of(key: str) -> str:
    """The post's path in its site, as Jekyll's scopes see it: the key below ``posts/`` when it
    holds the site's ``_posts/`` or ``_drafts/`` folder (a whole site synced), else the file
    under ``_posts/`` (``posts/tech/a.md`` is ``_posts/tech/a.md``)."""
    rest = key[len(_POSTS_PREFIX) :] if key.startswith(_POSTS_PREFIX) else key
    rest = rest.lstrip("/")
    return rest if _SITE_FOLDERS.intersection(rest.split("/")[:-1]) else f"_posts/{rest}"


def folder_categories(key: str) -> list[str]:
    """Jekyll's categories from a post's path: the folders above its ``_posts/`` (``_drafts/``)
    folder, as written (``blog/Tech/_posts/a.md``: blog, Tech); none for a key without one."""
    path = site_path_of(key)
    special = "_drafts" if "_drafts" in path.split("/")[:-1] else "_posts"
    if path.startswith(special):
        return []
    name = path.rpartition("/")[2]
    above = path[: path.find(special)]  # Jekyll cuts at the first "_posts" in the path's text
    return [part for part in above.split("/") if part and part not in (special, name)]


def front_matter_defaults(site: Site, key: str) -> dict[str, Any]:
    """Jekyll's ``FrontmatterDefaults#all`` for the post at ``key``: the ``values`` of every set
    whose scope holds it (no ``type``, or ``posts``; no ``path``, or one its path starts with, or a
    glob one of its folders matches), merged deep, the more specific scope winning (the longer
    path; with paths alike, the one that names a type); sets of another form are left out."""
    merged: dict[str, Any] = {}
    if not site.defaults:
        return merged
    path = site_path_of(key)
    old: Mapping[str, Any] | None = None
    for entry in site.defaults:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("values"), Mapping):
            continue
        scope = entry.get("scope", {})
        if not isinstance(scope, Mapping) or not _applies(scope, path):
            continue
        if _has_precedence(old, scope):
            merged, old = _deep_merge(merged, entry["values"]), scope
        else:
            merged = _deep_merge(entry["values"], merged)
    return merged


def with_defaults(defaults: Mapping[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """The front matter ``meta`` over ``defaults``, as Jekyll merges them: deep, the post's own
    value winning, but ``categories`` joined (the defaults' first, each once)."""
    if not defaults:
        return meta
    merged = _deep_merge(defaults, meta)
    if defaults.get("categories") is not None and meta.get("categories") is not None:
        merged["categories"] = list(dict.fromkeys([*_listed(defaults["categories"]), *_listed(meta["categories"])]))
    return merged


def _listed(value: Any) -> list[Any]:
    if isinstance(value, str):
        return value.split()
    return [v for v in value if v is not None] if isinstance(value, list) else [value]


def _applies(scope: Mapping[str, Any], path: str) -> bool:
    kind = scope.get("type")
    if kind is not None and _DEPRECATED_TYPES.get(str(kind), str(kind)) != "posts":
        return False
    where = scope.get("path")
    if not isinstance(where, str) or not where:
        return True
    if "*" not in where:
        return path.startswith(where)  # Jekyll's test: a prefix of the text, not of the folders
    pattern = _glob(where.lstrip("/"))
    parts = path.split("/")
    return any(pattern.fullmatch("/".join(parts[: n + 1])) for n in range(len(parts)))


@lru_cache(maxsize=32)
def _glob(where: str) -> re.Pattern[str]:
    """Ruby's ``Dir.glob`` pattern as a regex: ``*`` and ``?`` within a folder name, ``**/`` any
    folders, ``{a,b}`` either."""
    out, at = [], 0
    for match in _GLOB.finditer(where):
        out.append(re.escape(where[at : match.start()]))
        part = match.group(0)
        if part == "**/":
            out.append("(?:[^/]*/)*")
        elif part == "*":
            out.append("[^/]*")
        elif part == "?":
            out.append("[^/]")
        else:
            out.append("(?:" + "|".join(re.escape(p) for p in part[1:-1].split(",")) + ")")
        at = match.end()
    out.append(re.escape(where[at:]))
    return re.compile("".join(out))


def _has_precedence(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
    if old is None:
        return True
    new_path, old_path = _scope_path(new), _scope_path(old)
    if len(new_path) != len(old_path):
        return len(new_path) >= len(old_path)
    return "type" in new or "type" not in old


def _scope_path(scope: Mapping[str, Any]) -> str:
    path = scope.get("path")
    return path.lstrip("/") if isinstance(path, str) else ""


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Jekyll's ``Utils.deep_merge_hashes``: ``over`` wins, mappings in both are merged, but a null
    in ``over`` (``permalink:`` with no value) leaves ``base``'s value standing."""
    merged = dict(base)
    for name, value in over.items():
        here = merged.get(name)
        if value is None and name in merged:
            continue
        merged[name] = _deep_merge(here, value) if isinstance(here, Mapping) and isinstance(value, Mapping) else value
    return merged
