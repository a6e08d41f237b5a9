"""Build a folder of post files as a Jekyll site and dump what Jekyll made of each post.

The site is the folder's posts under ``_posts/`` with Jekyll's defaults (kramdown, GFM
input, rouge), future and unpublished posts on. What a post asks of a site it does not
have is stubbed: a plugin's tag renders nothing, each ``{% include %}`` is an empty file, each ``{% post_url %}`` and
``{% link %}`` target that is not in the folder is a stub post or page (left out of the
dump). A Liquid page writes every post as JSON: file name, title, date, categories, tags,
the rendered content, ``post.excerpt`` (rendered) and ``post.url``. A second build of the same
folder with Jekyll's defaults (no future, no unpublished posts, unless the settings say so)
says which posts Jekyll's default build publishes (``published``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import datetime
from typing import TYPE_CHECKING, Any

from selectolax.lexbor import LexborHTMLParser

from tests.differential.compare import fold

if TYPE_CHECKING:
    from pathlib import Path

    from postdrop import NormalizedPost

JEKYLL = shutil.which("jekyll")

DUMP = """---
layout: null
---
[{% for post in site.posts %}{% unless post.postdrop_stub %}{"name": {{ post.path | split: "/" | last | jsonify }},
 "title": {{ post.title | jsonify }}, "categories": {{ post.categories | jsonify }},
 "tags": {{ post.tags | jsonify }}, "date": {{ post.date | date: "%Y-%m-%dT%H:%M:%S%:z" | jsonify }},
 "url": {{ post.url | jsonify }},{% capture excerpt %}{{ post.excerpt }}{% endcapture %}
 "excerpt": {{ excerpt | jsonify }},
 "content": {{ post.content | jsonify }}},{% endunless %}{% endfor %}null]
"""
# The second build: Jekyll's defaults (future and unpublished off), the names of what it publishes.
DEFAULT_CONFIG = "future: false\nunpublished: false\n"
PUBLISHED = """---
layout: null
---
[{% for post in site.posts %}{{ post.path | split: "/" | last | jsonify }},{% endfor %}null]
"""
CONFIG = """title: postdrop differential
future: true
unpublished: true
collections:
  docs:
    output: true
"""
_RAW = re.compile(r"{%-?\s*raw\s*-?%}.*?{%-?\s*endraw\s*-?%}", re.DOTALL)
_INCLUDE = re.compile(r"{%-?\s*include\s+([^\s%}]+)")
_POST_URL = re.compile(r"{%-?\s*post_url\s+([^\s%}]+)")
_LINK = re.compile(r"{%-?\s*link\s+([^\s%}]+)")
_STUB_POST = "---\ntitle: stub\npostdrop_stub: true\n---\nstub\n"
# Tags of plugins the sites use (jekyll-gist, jekyll-twitter-plugin), stubbed: they render
# nothing, as postdrop does.
PLUGIN_TAGS = ("gist", "twitter")
_PLUGIN = "".join(
    f"Liquid::Template.register_tag('{t}', Class.new(Liquid::Tag) {{ def render(_) = '' }})\n" for t in PLUGIN_TAGS
)


def build(
    posts: list[Path], site: Path, settings: str = "", *, folders: dict[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """Jekyll's reading of ``posts``, by file name; ``published``: whether its default build
    publishes it. ``settings``: lines of YAML added to the site's _config.yml; ``folders``: the
    folder a post's file goes in, by its name, below the site (``_posts`` unless named)."""
    assert JEKYLL is not None
    (site / "_posts").mkdir(parents=True)
    names = {p.name for p in posts}
    stems = {p.name.rsplit(".", 1)[0] for p in posts}
    for path in posts:
        folder = site / (folders or {}).get(path.name, "_posts")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / path.name)
        _stub_targets(path.read_text(encoding="utf-8", errors="replace"), site, names, stems)
    (site / "_config.yml").write_text(CONFIG + settings, encoding="utf-8")
    (site / "_plugins").mkdir()
    (site / "_plugins" / "stubs.rb").write_text(_PLUGIN, encoding="utf-8")
    (site / "posts.json").write_text(DUMP, encoding="utf-8")
    (site / "published.json").write_text(PUBLISHED, encoding="utf-8")
    # the site's own future/unpublished settings stand in its default build too
    default = [line for line in DEFAULT_CONFIG.splitlines(keepends=True) if not _sets(settings, line.split(":")[0])]
    (site / "_default.yml").write_text("".join(default) or "postdrop_default: true\n", encoding="utf-8")
    _jekyll(site, "_site", "_config.yml")
    _jekyll(site, "_site_default", "_config.yml,_default.yml")
    dumped = json.loads((site / "_site" / "posts.json").read_text(encoding="utf-8"))
    published = set(json.loads((site / "_site_default" / "published.json").read_text(encoding="utf-8")))
    return {post["name"]: {**post, "published": post["name"] in published} for post in dumped if post is not None}


def _sets(settings: str, name: str) -> bool:
    return re.search(rf"^{name}[ \t]*:", settings, re.MULTILINE) is not None


def _jekyll(site: Path, destination: str, config: str) -> None:
    assert JEKYLL is not None
    subprocess.run(
        [
            JEKYLL,
            "build",
            "--quiet",
            "-s",
            str(site),
            "-d",
            str(site / destination),
            "--config",
            _configs(site, config),
        ],
        check=True,
        env={**os.environ, "TZ": "UTC"},
        capture_output=True,
    )


def _configs(site: Path, names: str) -> str:
    return ",".join(str(site / name) for name in names.split(","))


def _stub_targets(text: str, site: Path, names: set[str], stems: set[str]) -> None:
    live = _RAW.sub("", text)
    for name in _INCLUDE.findall(live):
        target = site / "_includes" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
    for stem in _POST_URL.findall(live):
        if stem not in stems:
            # {% post_url folder/2021-08-26-x %} names a subfolder of _posts; a leading '/' is no root
            stub = site / "_posts" / f"{stem.lstrip('/')}.md"
            stub.parent.mkdir(parents=True, exist_ok=True)
            stub.write_text(_STUB_POST, encoding="utf-8")
    for path in _LINK.findall(live):
        if path.startswith("_posts/") and path.removeprefix("_posts/") in names:
            continue
        target = site / path.lstrip("/")  # inside the site, whatever the tag writes
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_STUB_POST, encoding="utf-8")


def field_problems(ours: NormalizedPost, theirs: dict[str, Any], *, kept: dict[str, str]) -> list[str]:
    """How postdrop's jekyll_excerpt, url, status and heading ids differ from Jekyll's (``theirs``,
    from build); the fields in ``kept`` are left out. Excerpts are compared as text, white space
    and typographic quotes folded, footnote back-links (navigation) left out."""
    problems = []
    if "excerpt" not in kept:
        want = fold(_text(theirs["excerpt"] or ""))
        got = fold(ours.jekyll_excerpt)
        if got != want:
            problems.append(f"excerpt {ours.jekyll_excerpt!r}\n != Jekyll's {theirs['excerpt']!r}")
    if "url" not in kept and ours.url != theirs["url"]:
        problems.append(f"url {ours.url!r} != {theirs['url']!r}")
    if "status" not in kept and (ours.status == "published") != theirs["published"]:
        problems.append(f"status {ours.status!r}, but Jekyll's default build publishes it: {theirs['published']}")
    if "headings" not in kept:
        want_headings = _headings(theirs["content"])
        got_headings = [(h.level, h.id) for h in ours.headings]
        if got_headings != want_headings:
            problems.append(f"headings {got_headings}\n != Jekyll's {want_headings}")
    return problems


def post_problems(ours: NormalizedPost, theirs: dict[str, Any], *, kept: dict[str, str]) -> list[str]:
    """How postdrop's title, categories, tags and published_at differ from Jekyll's ``post.title``,
    ``post.categories``, ``post.tags`` and ``post.date`` (the same instant); the fields in ``kept``
    are left out."""
    problems = []
    title = "" if theirs["title"] is None else str(theirs["title"])  # as written: white space and all
    if "title" not in kept and ours.title != title:
        problems.append(f"title {ours.title!r} != {theirs['title']!r}")
    for name in ("categories", "tags"):
        if name not in kept and getattr(ours, name) != [str(v) for v in theirs[name]]:
            problems.append(f"{name} {getattr(ours, name)!r} != {theirs[name]!r}")
    when = ours.published_at and datetime.fromisoformat(ours.published_at)
    if "published_at" not in kept and when != datetime.fromisoformat(theirs["date"]):
        problems.append(f"published_at {ours.published_at!r} != {theirs['date']!r}")
    return problems


def _text(html: str) -> str:
    tree = LexborHTMLParser(html)
    for node in tree.css("a.reversefootnote"):
        node.decompose()
    tree.strip_tags(["script", "style", "noscript", "template", "iframe", "object", "embed", "title", "head"])
    return tree.body.text(deep=True) if tree.body is not None else ""


def _headings(html: str) -> list[tuple[int, str | None]]:
    tree = LexborHTMLParser(html)
    return [(int((h.tag or "h0")[1]), h.attributes.get("id")) for h in tree.css("h1, h2, h3, h4, h5, h6")]
