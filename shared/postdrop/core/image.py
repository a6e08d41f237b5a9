"""The post's feature image: url and alt text.

From the front matter where the author names one (``image``, ``cover``, ``feature_image``: a
URL, or a mapping with ``path``, ``url`` or ``src`` and ``alt``, as jekyll-seo-tag and themes
write it; ``image_alt``, ``cover_alt``, ``feature_image_alt`` beside a URL), else the first
image of the article. A URL with a scheme other than http(s) is no image (the sanitizer's rule).
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from postdrop.core.body import is_safe_url

__all__ = ["IMAGE_KEYS", "image_of"]

IMAGE_KEYS = ("image", "cover", "feature_image")
_IMG = re.compile(r"<img\s[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\s(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_MAX_URL = 4_096
_MAX_ALT = 1_000

Image = tuple[str, str | None]  # url, alt


def image_of(meta: dict[str, Any], html: str, warnings: list[str]) -> Image | None:
    """The front matter's image, else the first image of ``html`` (the article, sanitized)."""
    for name in IMAGE_KEYS:
        raw = meta.get(name)
        url, alt = _named(raw)
        if url is None:
            continue
        if alt is None and isinstance(meta.get(f"{name}_alt"), str):
            alt = meta[f"{name}_alt"]
        if len(url) > _MAX_URL or not is_safe_url(url):
            warnings.append(f"{name}: not an http(s) or relative URL of at most {_MAX_URL} characters; not the image")
            continue
        return url, _alt(alt)
    if "<img" not in html and "<IMG" not in html:
        return None
    for tag in _IMG.finditer(html):
        attrs = {m[1].lower(): unescape(m[2] if m[2] is not None else m[3]) for m in _ATTR.finditer(tag[0])}
        src = attrs.get("src", "").strip()
        if src and is_safe_url(src):
            return src, _alt(attrs.get("alt"))
    return None


def _named(raw: Any) -> tuple[str | None, str | None]:
    if isinstance(raw, str) and raw.strip():
        return raw.strip(), None
    if isinstance(raw, dict):
        for key in ("path", "url", "src"):
            value = raw.get(key)
            if isinstance(value, str) and value.strip():
                alt = raw.get("alt")
                return value.strip(), alt if isinstance(alt, str) else None
    return None, None


def _alt(alt: str | None) -> str | None:
    if alt is None:
        return None
    folded = " ".join(alt.split())
    return folded[:_MAX_ALT] or None
