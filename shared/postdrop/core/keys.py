"""Identity from the object key: post_id, slug and the file name parts."""

from __future__ import annotations

import posixpath
import re

from postdrop.exceptions import PostRejected

__all__ = ["POSTS_PREFIX", "POST_SUFFIXES", "filename_of", "is_dated", "key_problem", "post_id_of", "slug_of"]

POSTS_PREFIX = "posts/"
# Jekyll's DATE_FILENAME_MATCHER: one-digit months and days too, and years of two or three digits
_JEKYLL_NAME = re.compile(r"\d{2,4}-\d{1,2}-\d{1,2}-(?P<slug>.+)")


def filename_of(key: str) -> str:
    return key.rpartition("/")[2]


def _stem(name: str) -> str:
    """``name`` without its extension, as posixpath.splitext cuts it (``.md`` has none)."""
    dot = name.rfind(".")
    return name[:dot] if dot > 0 and name[:dot].strip(".") else name


def post_id_of(key: str) -> str:
    """The key under ``posts/`` without its extension: ``posts/a/b.md`` -> ``a/b``."""
    if not key or not key.strip("/"):
        raise PostRejected("the object key is empty")
    rest = key[len(POSTS_PREFIX) :] if key.startswith(POSTS_PREFIX) else key
    head, _, name = rest.strip("/").rpartition("/")
    head = head.rstrip("/")
    stem = _stem(name)
    return f"{head}/{stem}" if head else stem


def is_dated(name: str) -> bool:
    """Whether a file name is Jekyll's post name, ``YYYY-MM-DD-slug.ext`` (its extension any)."""
    return _JEKYLL_NAME.fullmatch(_stem(name)) is not None


def slug_of(key: str) -> str:
    """Jekyll's rule: ``YYYY-MM-DD-slug.ext`` gives ``slug``; any other name gives its stem; either
    without its trailing dots, as Jekyll's ``page.slug`` (``2024-03-21-untitled...md``: ``untitled``)."""
    stem = _stem(filename_of(key))
    match = _JEKYLL_NAME.fullmatch(stem)
    return (match["slug"] if match else stem).rstrip(".")


# Jekyll reads .mkd, .mkdn and .mkdown as Markdown too (its markdown_ext); last, as they were added
POST_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt", ".mkd", ".mkdn", ".mkdown")


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be a post, before anything is read; None when it can."""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in key):
        return "the object key holds control characters"
    if not key.startswith(POSTS_PREFIX):
        return f"the object key is outside {POSTS_PREFIX}"
    if ".." in key.split("/"):
        return "the object key has a '..' segment"
    if not key.lower().endswith(POST_SUFFIXES):
        ext = posixpath.splitext(key)[1] or "no extension"
        return f"not a post file type ({ext}): postdrop reads {', '.join(POST_SUFFIXES)}"
    return None
