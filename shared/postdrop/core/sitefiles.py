"""The files of a Jekyll site that are no posts, for a whole blog dropped under ``posts/``.

``aws s3 sync my-blog/ s3://bucket/posts/`` uploads the site's machinery and static files beside
its posts: ``_config.yml``, ``_layouts/post.html`` (front matter and all), images, stylesheets.
Jekyll reads none of them as a post, and neither does postdrop: ParseFunction ignores them
(logged and counted, as it does folder markers), so they are neither stored as posts nor
rejected one by one. Any other file that cannot be a post is still rejected with its reason.

Jekyll's own rules (its EntryFilter and default ``exclude``): no folder whose name starts with
``_`` (but ``_posts`` and ``_drafts``), ``.``, ``#`` or ``~``, or ends with ``~``, and no file so
named, is read; nor ``node_modules``, ``vendor``, ``Gemfile``... A static file (an image, a
font, a stylesheet) is copied as it is. ``index`` and ``404`` are the site's pages. In ``_posts/``
Jekyll reads only the files with a dated name (its DATE_FILENAME_MATCHER): a ``template.md``
kept there is never read at all.

The site's other pages at its top (``about.md``) cannot be told from a post dropped without a
date in its name, so they are read as posts: sync ``_posts/`` for the posts alone.
"""

from __future__ import annotations

import re

from postdrop.core.keys import POST_SUFFIXES, POSTS_PREFIX, is_dated

__all__ = ["site_file"]

_POST_FOLDERS = frozenset({"_posts", "_drafts"})
_EXCLUDED = frozenset({"node_modules", "vendor", "gemfiles", "Gemfile", "Gemfile.lock"})  # Jekyll's default exclude
# What a site keeps even among its posts (an image beside a post in _posts/), copied as it is
_STATIC_TYPES = frozenset({
    "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "tif", "tiff", "heic", "apng",  # images
    "woff", "woff2", "ttf", "otf", "eot",  # fonts
    "css", "scss", "sass", "less", "js", "mjs", "cjs", "map", "ts", "coffee", "wasm",  # styles and scripts
    "json", "yml", "yaml", "toml", "xml", "csv", "tsv", "rss", "atom", "webmanifest", "lock",  # data, feeds
    "mp4", "webm", "mov", "m4v", "mp3", "m4a", "ogg", "oga", "wav", "flac",  # media
    "pdf", "zip", "gz", "tgz", "tar", "7z",  # documents and archives
})  # fmt: skip
_STATIC_NAMES = frozenset(
    {"CNAME", "Rakefile", "robots.txt", "humans.txt", "ads.txt", "Thumbs.db", "ehthumbs.db", "desktop.ini"}
)  # the last three: what Windows leaves in folders
# Copies editors, merges and downloads leave beside a file (a.md.bak, a.md.orig, a.md.swp): Jekyll
# would publish a dated one in _posts/ as it is, as no reader wants; postdrop passes over them
_COPY_TYPES = frozenset({"bak", "backup", "orig", "rej", "tmp", "temp", "swp", "swo", "old", "save", "sav"})
_PAGES = frozenset({"index", "404"})
_POST_TYPES = frozenset(suffix[1:] for suffix in POST_SUFFIXES)
# Documents a producer may have meant as a post, in a format postdrop does not read: rejected, with why
_DOCUMENT_TYPES = frozenset({
    "doc", "docx", "odt", "rtf", "pages", "wps", "mdx", "rst", "adoc", "asciidoc", "org", "textile", "text",
})  # fmt: skip
# A repository's own documents and tools, never a post (a dated name is not one of them)
_REPOSITORY_FILE = re.compile(
    r"(?:(?i:readme|licen[cs]e|copying|changelog|contributing|code_of_conduct|codeowners)"
    r"|AUTHORS|CONTRIBUTORS|MAINTAINERS|SECURITY|SUPPORT|NOTICE|HISTORY|CHANGES|FUNDING|AGENTS|CLAUDE|GEMINI|OFL)"
    r"(?:[-_.].*)?"
    r"|(?:Dockerfile|Containerfile|Makefile|GNUmakefile|Procfile|Vagrantfile|Guardfile|Jenkinsfile|Brewfile"
    r"|Earthfile|Justfile|Pipfile|Capfile|gradlew|mvnw)(?:\..*)?"
    r"|requirements(?:-\w+)?\.txt|llms(?:-full)?\.txt|security\.txt|keybase\.txt"
    # search engines' site verification files
    r"|google[0-9a-f]{16}\.html|[0-9a-fA-F]{32}\.txt|baidu_verify_[\w-]+\.html|yandex_[0-9a-f]{16}\.html"
)


def site_file(key: str) -> str | None:
    """Why ``key`` is a file of the site Jekyll never reads as a post; None when it may be one.

    Keys that cannot be posts for another reason (outside ``posts/``, a ``..`` segment) are
    left to ``keys.key_problem``, which rejects them."""
    if not key.startswith(POSTS_PREFIX):
        return None
    *folders, name = key[len(POSTS_PREFIX) :].split("/")
    if not name or any(part in (".", "..") for part in (*folders, name)):
        return None
    for folder in folders:
        if folder in _EXCLUDED or (folder and folder not in _POST_FOLDERS and _special(folder)):
            return f"Jekyll reads no posts under {folder}/"
    if name in _EXCLUDED or _special(name):
        return f"Jekyll reads no post from a file named {name!r}"
    if name in _STATIC_NAMES:
        return f"{name} is a file of the site, which Jekyll reads as no post"
    if _REPOSITORY_FILE.fullmatch(name):
        return f"{name} is a file of the blog's repository, not a post"
    stem, dot, extension = name.rpartition(".")
    kind = extension.lower()
    if stem and (kind in _COPY_TYPES or name.endswith(":Zone.Identifier")):  # the second: Windows' mark of a download
        return f"{name} is an editor's or a tool's copy of a file, not a post"
    # any type that is neither a post's nor a document's; but a dated file in _posts/ is a post to
    # Jekyll whatever its extension (2014-11-24-notes.Rmd): key_problem says why it is not read
    other = kind not in _POST_TYPES and kind not in _DOCUMENT_TYPES
    if stem and kind and (kind in _STATIC_TYPES or (other and not (is_dated(name) and _POST_FOLDERS & set(folders)))):
        return f"a file of the site (.{extension}), which Jekyll reads as no post (a page or a copy)"
    if dot and stem in _PAGES:
        return f"{name} is a page of the site, not a post"
    if "_posts" in folders and "_drafts" not in folders and not is_dated(name):
        return f"Jekyll reads only dated files (YYYY-MM-DD-title.md) in _posts/, not {name!r}"
    return None


def _special(name: str) -> bool:
    """A name Jekyll's EntryFilter passes over: a leading ``_ . # ~``, or a backup's trailing ``~``."""
    return name[0] in "_.#~" or name.endswith("~")
