"""The peers parse_post is measured against: what a user would write for the same job.

Each reads the front matter, renders the Markdown, sanitizes the HTML (with postdrop's
allow-list) and extracts the text, the paragraphs, the images and the links:

- ``markdown_bleach``: python-frontmatter + Python-Markdown (its ``extra`` extensions:
  tables, footnotes, attribute lists, definition lists, abbreviations, Markdown in HTML)
  + bleach + BeautifulSoup (html.parser);
- ``markdown_it_nh3``: python-frontmatter + markdown-it-py (CommonMark, tables,
  strikethrough) + nh3 + BeautifulSoup (lxml).

Neither evaluates Liquid or reads the producer's digest, source line or back links, so
they do less than parse_post: a ratio in postdrop's favour is a conservative one.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import bleach
import frontmatter
import markdown
import nh3
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from postdrop.core.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES

__all__ = ["PEERS", "markdown_bleach", "markdown_it_nh3"]


def _front(data: bytes) -> tuple[dict[str, Any], str]:
    text = data.decode("utf-8-sig")
    try:
        post = frontmatter.loads(text)
    except Exception:  # YAML a peer cannot read: the whole file is its body
        return {}, text
    return dict(post.metadata), post.content


def _extract(meta: dict[str, Any], soup: BeautifulSoup, key: str) -> dict[str, Any]:
    return {
        "key": key,
        "title": str(meta.get("title") or ""),
        "date": str(meta.get("date") or ""),
        "text": soup.get_text("\n", strip=True),
        "paragraphs": [p.get_text(" ", strip=True) for p in soup.find_all("p")],
        "images": [img.get("src") for img in soup.find_all("img")],
        "links": [(a.get_text(" ", strip=True), a.get("href")) for a in soup.find_all("a")],
    }


@cache
def _python_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=["extra"])


def markdown_bleach(data: bytes, key: str) -> dict[str, Any]:
    meta, body = _front(data)
    md = _python_markdown()
    html = md.reset().convert(body)
    clean = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={tag: sorted(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        protocols=ALLOWED_URL_SCHEMES,
        strip=True,
    )
    return _extract(meta, BeautifulSoup(clean, "html.parser"), key)


@cache
def _markdown_it() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@cache
def _nh3() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
    )


def markdown_it_nh3(data: bytes, key: str) -> dict[str, Any]:
    meta, body = _front(data)
    clean = _nh3().clean(_markdown_it().render(body))
    return _extract(meta, BeautifulSoup(clean, "lxml"), key)


PEERS = {"markdown_bleach_us": markdown_bleach, "markdown_it_nh3_us": markdown_it_nh3}
