"""The HTML allow-list. Everything not named here is removed by nh3 (ammonia).

- Tags: text structure, lists, tables, links, images, quotes, code. No script, style,
  iframe, object, embed, form, input, svg or math: their content is dropped whole.
- Attributes: href on links; src, alt, title, width, height on images; table spans.
  ``lang`` and ``title`` on every allowed tag (nh3's generic attributes: text, never a URL).
  No event handlers, no style, no class or id (they belong to the source site), except
  the classes that mark ``$$`` math (``<span class="math math-display">``): TeX source
  a page can hand to MathJax or KaTeX.
- URLs: http, https and mailto, or relative; never javascript:, vbscript: or data:.
- Links get rel="noopener noreferrer nofollow"; comments are stripped.
"""

from __future__ import annotations

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
        "a", "abbr", "b", "blockquote", "br", "caption", "center", "code", "dd", "del", "div", "dl", "dt",
        "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
        "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
GENERIC_ATTRIBUTES = frozenset({"lang", "title"})  # nh3 keeps these on any tag it keeps
ALLOWED_CLASSES = {"span": frozenset({"math", "math-display"})}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
_CONTENT_DROPPED = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"})


@cache
def _cleaner() -> nh3.Cleaner:
    """Built once: nh3 compiles the allow-list into a reusable cleaner."""
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_CONTENT_DROPPED),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def sanitize_html(html: str) -> str:
    """Return ``html`` with only the allow-listed tags, attributes and URL schemes."""
    return _cleaner().clean(html).strip()
