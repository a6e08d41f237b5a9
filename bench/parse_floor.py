"""The floor under parse_post: only the library calls it cannot do without, once each.

Decode, the front matter, CommonMark (pyromark), one HTML parse and text extraction
(lexbor), one sanitize (nh3), the canonical JSON and its sha256, one pydantic validation.
No summary, trailer, sections, images, dates or warnings: no per-node work at all. What
it costs bounds how much faster than the naive normalizer parse_post could ever be with
these libraries; `make bench` prints it beside parse_post.
"""

from __future__ import annotations

import hashlib

import orjson
import pyromark
from selectolax.lexbor import LexborHTMLParser

from postdrop.core.frontmatter import split_front_matter
from postdrop.core.sanitize import sanitize_html
from postdrop.model import NormalizedPost

__all__ = ["floor_parse"]


def floor_parse(data: bytes, key: str) -> NormalizedPost:
    text = data.decode("utf-8")
    front = split_front_matter(text, [])
    html = pyromark.html(front.body)
    root = LexborHTMLParser(html).body
    plain = root.text(deep=True) if root is not None else ""
    fields = {
        "post_id": key, "slug": key, "key": key, "title": str(front.data.get("title") or key), "published_at": None,
        "text": plain, "char_count": len(plain), "excerpt": plain[:120], "html": sanitize_html(html),
    }  # fmt: skip
    fields["content_hash"] = hashlib.sha256(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return NormalizedPost.model_validate(fields)
