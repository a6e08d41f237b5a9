"""The HTML allow-list. Everything not named here is removed by nh3 (ammonia).

- Tags: text structure, lists, tables, links, images, quotes, code, and a collapsed
  ``<details>`` with its ``<summary>`` (kept closed: no ``open``). No script, style,
  iframe, object, embed, form, input, svg or math: their content is dropped whole.
- Attributes: href and name on links; src, alt, title, width, height on images; table spans.
  ``lang``, ``title`` and ``id`` on every allowed tag (text, never a URL). ``id``: the
  targets of the post's own links (``#setup``, a footnote), the ids Jekyll gives headings and
  footnotes (core/anchors.py) and those the author wrote. On a page that shows the post an id
  names a global (``window.setup``) but never replaces one, as on the blog itself.
  No event handlers, no style, no class (they belong to the source site), except the classes that mark ``$$`` math
  (``<span class="math math-display">``): TeX source a page can hand to MathJax or KaTeX.
- URLs: http, https and mailto, or relative; never javascript:, vbscript: or data:.
- Links get rel="noopener noreferrer nofollow"; comments are stripped.
"""

from __future__ import annotations

import re
from functools import cache

import nh3

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_CLASSES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "GENERIC_ATTRIBUTES",
    "sanitize_html",
]

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "center", "code", "dd", "del", "details", "div",
        "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "name"},  # <a name="x">: an old page's link target (names no global)
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
GENERIC_ATTRIBUTES = frozenset({"lang", "title", "id"})  # kept on any tag nh3 keeps
ALLOWED_CLASSES = {"span": frozenset({"math", "math-display"})}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
_EMPTY_CLASS = re.compile(r'(<span\b[^<>]*?) class=""')
_CONTENT_DROPPED = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"})


@cache
def _cleaner() -> nh3.Cleaner:
    """Built once: nh3 compiles the allow-list into a reusable cleaner."""
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_CONTENT_DROPPED),
        attributes={"*": set(GENERIC_ATTRIBUTES)} | {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def sanitize_html(html: str) -> str:
    """Return ``html`` with only the allow-listed tags, attributes and URL schemes."""
    if len(html) > 2 * _LONG_TEXT:  # shorter, it holds no run _TEXT_RUN splits
        html = _split_long_text(html)
    clean = _cleaner().clean(html).strip()
    # nh3 empties a class attribute that names no allowed class; an empty one says nothing
    return _EMPTY_CLASS.sub(r"\1", clean) if ' class=""' in clean else clean


# html5ever (under nh3) takes time quadratic in the length of one text node when it holds
# '&' or characters U+00A0-U+00BF (200,000 of them in one paragraph: 10 s). A <wbr> every
# _LONG_TEXT characters of such a run splits the node; <wbr> is not on the allow-list, so nh3
# removes it and the output is the same text, in linear time.
_LONG_TEXT = 2048
_TEXT_RUN = re.compile(rf">([^<>]{{{2 * _LONG_TEXT},}})<")
_REFERENCE_START = re.compile(r"&#?[A-Za-z0-9]*")
_RAW_TEXT = re.compile(r"<(?:textarea|title|xmp|plaintext|noembed|noframes)\b", re.IGNORECASE)


def _split_long_text(html: str) -> str:
    if not _has_long_stretch(html, 2 * _LONG_TEXT) or _RAW_TEXT.search(html):  # there <wbr> would be text
        return html
    return _TEXT_RUN.sub(_split_run, html)


def _has_long_stretch(html: str, size: int) -> bool:
    """Whether ``size`` characters in a row hold neither "<" nor ">" (what a run _TEXT_RUN finds
    needs). A few probes a post, each from the last bracket of the stretch before, where the
    patterns' passes over the whole text cost more than nh3 takes for most posts."""
    start = 0
    while len(html) - start >= size:
        end = start + size
        last = max(html.rfind("<", start, end), html.rfind(">", start, end))
        if last < 0:
            return True
        start = last + 1
    return False


def _split_run(match: re.Match[str]) -> str:
    run = match.group(1)
    pieces = []
    start = 0
    while len(run) - start > _LONG_TEXT:
        cut = start + _LONG_TEXT
        amp = run.rfind("&", cut - 40, cut)
        if amp > start and _REFERENCE_START.fullmatch(run, amp, cut):
            cut = amp  # never inside a character reference
        pieces.append(run[start:cut])
        start = cut
    pieces.append(run[start:])
    return ">" + "<wbr>".join(pieces) + "<"
