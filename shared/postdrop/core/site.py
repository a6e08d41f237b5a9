"""What postdrop knows of the site a post belongs to: Jekyll's ``url``, ``baseurl``, ``title``,
``permalink``, ``excerpt_separator``, ``defaults``, ``show_drafts``, ``unpublished`` and ``future``
settings, and its ``kramdown:`` block (the options that change a post's fields: ``kramdown_of``).

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
    "Kramdown",
    "Site",
    "folder_categories",
    "front_matter_defaults",
    "front_matter_in",
    "kramdown_of",
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
    # _config.yml's ``kramdown:`` block, as written (what of it postdrop reads: ``kramdown_of``).
    kramdown: Mapping[str, Any] = field(default_factory=dict)
    # _config.yml's other settings: what a post's Liquid reads as site.* beside url, baseurl and title
    variables: Mapping[str, Any] = field(default_factory=dict)

    def builds(self) -> dict[str, bool]:
        """Which posts the site builds beyond Jekyll's defaults (status_of's flags)."""
        return {"show_drafts": self.show_drafts, "unpublished": self.unpublished, "future": self.future}


@dataclass(frozen=True, slots=True)
class Kramdown:
    """The kramdown options of Jekyll's that change a post's fields, as kramdown reads them.

    ``auto_ids`` (default true): whether headings get ids made from their text; ``auto_id_prefix``:
    what each such id starts with; ``toc_levels``: the heading levels a ``{:toc}`` list shows
    (``1..3``, ``2,3`` or a list); ``line_numbers``: the first line's number when every code
    block kramdown highlights is rouge's table with line numbers
    (``syntax_highlighter_opts: {block: {line_numbers: true}}``, Chirpy's setting), else None;
    ``header_offset``: the number added to the level of each heading kramdown makes (``3``: a
    ``#`` heading is an ``<h4>``).
    """

    auto_ids: bool = True
    auto_id_prefix: str = ""
    toc_levels: frozenset[int] = frozenset(range(1, 7))
    line_numbers: int | None = None
    # the same for code spans (the common ``line_numbers`` or the ``span`` options' set)
    span_line_numbers: int | None = None
    # whether a block without a language gets rouge's plaintext lexer (Jekyll's guess_lang, default on)
    guess_lang: bool = True
    # what kramdown adds to the level of each heading it makes (not one written in HTML), the
    # result kept within 1..6; its table of contents still reads the levels as written
    header_offset: int = 0


_DEFAULT_KRAMDOWN = Kramdown()
_TOC_RANGE = re.compile(r"(\d)\.\.(\d)")
_TOC_LIST = re.compile(r"\d(?:,\d)*")


def kramdown_of(site: Site) -> Kramdown:
    """The ``kramdown:`` options of ``site`` that change fields; a value kramdown would refuse (and
    the site not build) leaves the option at its default."""
    options = site.kramdown
    if not options or not isinstance(options, Mapping):
        return _DEFAULT_KRAMDOWN
    return Kramdown(
        auto_ids=_ruby_flag(options.get("auto_ids", True)),
        auto_id_prefix=_option_text(options.get("auto_id_prefix", "")),
        toc_levels=_toc_levels(options.get("toc_levels")),
        line_numbers=_line_numbers(options.get("syntax_highlighter_opts"), "block"),
        span_line_numbers=_line_numbers(options.get("syntax_highlighter_opts"), "span"),
        guess_lang=_ruby_flag(options.get("guess_lang", True)),
        header_offset=_ruby_integer(options.get("header_offset", 0)),
    )


def _ruby_flag(value: Any) -> bool:
    """kramdown's Boolean option: true and false as given; any other value by its text, which is
    false when empty or ``false`` (any case); Jekyll's Ruby reads a null as no value (false)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip()
    return bool(text) and text.lower() != "false"


# Ruby's Integer() of a text: a sign, a base's prefix (a leading 0 is octal), single underscores
# between digits (white space around is stripped first)
_RUBY_INTEGER = re.compile(
    r"[-+]?(?:0[xX][0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0[bB][01]+(?:_[01]+)*|0[oO_]?[0-7]+(?:_[0-7]+)*"
    r"|0[dD]\d+(?:_\d+)*|[1-9]\d*(?:_\d+)*|0)"
)


def _ruby_integer(value: Any) -> int:
    """kramdown's Integer option: an integer as given, else its text as Ruby's ``Integer()`` reads
    it; a value it refuses (a fraction, a word, a null: the site does not build) is the default, 0."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = "" if value is None or isinstance(value, bool | float) else str(value).strip()
    if len(text) > 40 or not _RUBY_INTEGER.fullmatch(text):
        return 0
    sign, digits = ("-", text[1:]) if text[:1] == "-" else ("", text.lstrip("+"))
    if digits[:2] in ("0d", "0D"):
        digits = digits[2:]
    elif len(digits) > 1 and digits[0] == "0" and digits[1] not in "xXbBoO":
        digits = "0o" + digits[1:]
    return int(sign + digits, 0)


def _option_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _toc_levels(value: Any) -> frozenset[int]:
    levels: list[int] = []
    if isinstance(value, str):
        if whole := _TOC_RANGE.fullmatch(value):
            levels = list(range(int(whole[1]), int(whole[2]) + 1))
        elif _TOC_LIST.fullmatch(value):
            levels = [int(level) for level in value.split(",")]
        else:
            return _DEFAULT_KRAMDOWN.toc_levels
    elif isinstance(value, list):
        try:
            levels = [int(level) for level in value]
        except (TypeError, ValueError):
            return _DEFAULT_KRAMDOWN.toc_levels
    else:
        return _DEFAULT_KRAMDOWN.toc_levels
    if not all(1 <= level <= 6 for level in levels):
        return _DEFAULT_KRAMDOWN.toc_levels
    return frozenset(levels)


def _line_numbers(value: Any, kind: str) -> int | None:
    """rouge's ``line_numbers`` for code blocks (``kind`` block) or spans: that kind's options over
    the common ones (Ruby's truth: any value but null and false); the first number is
    ``start_line`` (default 1)."""
    if not isinstance(value, Mapping):
        return None
    own = value.get(kind)
    merged = {**value, **(own if isinstance(own, Mapping) else {})}
    if merged.get("disable") not in (None, False):
        return None  # no highlighting at all
    if merged.get("line_numbers") in (None, False):
        return None
    start = merged.get("start_line", 1)
    return start if isinstance(start, int) and not isinstance(start, bool) else 1


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
