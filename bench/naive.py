"""The obvious normalizer postdrop is measured against: python-frontmatter + BeautifulSoup.

It does less than parse_post (no Markdown rendering, no sanitizing, no digest, source or
back-link handling), so a ratio in postdrop's favour is a conservative one.
"""

from __future__ import annotations

from typing import Any

import frontmatter
from bs4 import BeautifulSoup


def naive_normalize(data: bytes, key: str) -> dict[str, Any]:
    post = frontmatter.loads(data.decode("utf-8"))
    soup = BeautifulSoup(post.content, "html.parser")
    paragraphs = [p.get_text(" ", strip=True) for p in soup.find_all("p")]
    return {
        "key": key,
        "title": str(post.get("title") or ""),
        "date": str(post.get("date") or ""),
        "categories": str(post.get("categories") or "").split(),
        "tags": str(post.get("tags") or "").split(),
        "text": "\n".join(p for p in paragraphs if p),
        "images": [img.get("src") for img in soup.find_all("img")],
    }
