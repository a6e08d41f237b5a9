"""The floor under parse_post: only the library calls it cannot do without, once each.

Decode, the front matter, Liquid (python-liquid, where the body has any), CommonMark with
parse_post's options (pyromark), one HTML parse and text extraction (lexbor), one sanitize
(nh3), the canonical JSON and its sha256, one pydantic validation. No kramdown rewrites,
summary, trailer, sections, images, dates or warnings: no per-node work at all. What it
costs bounds how fast parse_post could ever be with these libraries; `make bench` prints
it beside parse_post.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

import orjson
import pyromark
from selectolax.lexbor import LexborHTMLParser

from postdrop.core.decode import decode_text
from postdrop.core.frontmatter import split_front_matter
from postdrop.core.kramdown import PYROMARK_OPTIONS
from postdrop.core.liquid import has_liquid
from postdrop.core.sanitize import sanitize_html
from postdrop.model import NormalizedPost

__all__ = ["floor_parse"]


def floor_parse(data: bytes, key: str) -> NormalizedPost:
    text = decode_text(data, [])  # line ends normalized (poole/hyde writes CRLF)
    front = split_front_matter(text, [], required=False)
    body = _liquid().from_string(front.body).render() if has_liquid(front.body) else front.body
    html = pyromark.html(body, options=PYROMARK_OPTIONS)
    root = LexborHTMLParser(html).body
    plain = root.text(deep=True) if root is not None else ""
    fields = {
        "post_id": key, "slug": key, "key": key, "title": str(front.data.get("title") or key), "published_at": None,
        "text": plain, "char_count": len(plain), "excerpt": plain[:120], "html": sanitize_html(html),
    }  # fmt: skip
    fields["content_hash"] = hashlib.sha256(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return NormalizedPost.model_validate(fields)


@cache
def _liquid() -> Any:
    import liquid

    return liquid.Environment(tolerance=liquid.Mode.LAX, strict_filters=False)
