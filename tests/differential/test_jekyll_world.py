"""postdrop beside Jekyll over the posts of ordinary Jekyll blogs (../shared/jekyll-world).

Each folder is built as a Jekyll site (jekyll_site.py) and each post compared with what
parse_post returns for the same file:

- title, categories and tags are Jekyll's;
- the date is the same instant where the post writes an offset, the same wall clock
  otherwise (Jekyll reads offset-less dates as UTC here, postdrop in its default zone);
- every text block Jekyll renders (paragraph, list item, heading, table cell, definition,
  caption, each line of code) is in ``text``, white space folded;
- ``text`` holds no Liquid, kramdown, HTML or Markdown syntax that Jekyll's text lacks.

The comparison's own rules (not postdrop's): kramdown's typographic quotes and dashes fold
to ASCII; footnote back-links (↩), rouge's line-number gutters and the table of contents
kramdown generates for ``{:toc}`` are navigation, not text;
MathJax delimiters (``\\[ \\]``, ``\\( \\)``) around kramdown's math are dropped.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from postdrop import parse_post
from tests.conftest import jekyll_world_sites
from tests.differential.jekyll_site import JEKYLL, build

if TYPE_CHECKING:
    from pathlib import Path

SITES = jekyll_world_sites()
pytestmark = [
    pytest.mark.skipif(not SITES, reason="../shared/jekyll-world is absent (third-party posts, never copied here)"),
    pytest.mark.skipif(JEKYLL is None, reason="jekyll is not installed (Debian: apt-get install jekyll)"),
]
CASES = [(site, path) for site, posts in SITES.items() for path in posts]
# The differences kept on purpose, each listed in the README ("Where postdrop and Jekyll
# differ"): the post, the check it is exempt from (for text, only the Jekyll blocks holding the
# given words), and why.
KEPT: dict[str, tuple[str, str, str]] = {
    "jekyll__jekyll/2023-01-29-jekyll-3-9-3-released.markdown": (
        "date",
        "",
        "'2023-01-29 18:30:22 2023 -0800' is malformed: Ruby's Time.parse drops its offset; postdrop "
        "does not guess and takes the date in the file name, with a warning",
    ),
    "seanh__jekyll-theme-oatcake/2019-08-01-basics.md": (
        "text",
        "* Integer non orci",
        "a list indented 2 spaces under an item indented 5: kramdown keeps it as the text "
        "'* Integer ...' inside the deeper item, CommonMark (and its author) as a list",
    ),
}
_TYPOGRAPHY = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "«": "<<", "»": ">>"}
)
_BLOCKS = "p, h1, h2, h3, h4, h5, h6, li, td, th, dt, dd, caption, figcaption, pre"
_NAVIGATION = "a.reversefootnote, td.gutter, td.rouge-gutter, .lineno, #markdown-toc"
_MATH_DELIMITERS = re.compile(r"\\\[|\\\]|\\\(|\\\)")
# Syntax that Jekyll's reading consumes: none of it may be in postdrop's text more often than in Jekyll's.
SYNTAX = {
    "Liquid": re.compile(r"{%|%}|{{|}}"),
    # attribute lists, footnote marks, abbreviations, an end-of-block "^" line, a table's rule lines
    "kramdown": re.compile(r"{:|\[\^[^\]]*\]|^\*\[|^[ \t]*\^[ \t]*$|^[ \t|+:]*(?:[-=—–][ \t|+:]*){3,}$", re.MULTILINE),
    "HTML": re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>"),
    "Markdown": re.compile(r"\*\*|__|\]\(|^#{1,6}[ \t]|^```|^~~~|^\|.*\|$|\$\$", re.MULTILINE),
}


@pytest.fixture(scope="module")
def jekyll(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, Any]]]:
    return {site: build(posts, tmp_path_factory.mktemp(site) / "site") for site, posts in SITES.items()}


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", _MATH_DELIMITERS.sub("", text.translate(_TYPOGRAPHY)))


def jekyll_text(html: str) -> tuple[list[str], str]:
    """Jekyll's text blocks (innermost first-level text of each block element) and its whole text."""
    tree = LexborHTMLParser(html)
    for node in tree.css(_NAVIGATION):
        node.decompose()
    blocks: list[str] = []
    for node in tree.css(_BLOCKS):
        if node.tag == "pre":
            blocks.extend(line for line in node.text(deep=True).split("\n") if line.strip())
        else:
            blocks.append(node.text(deep=True))
    body = tree.body
    return [b for b in blocks if b.strip()], body.text(deep=True) if body is not None else ""


def _path_id(case: tuple[str, Path]) -> str:
    return f"{case[0]}/{case[1].name}"


@pytest.mark.parametrize("case", CASES, ids=[_path_id(c) for c in CASES])
def test_postdrop_reads_the_post_as_jekyll_does(
    case: tuple[str, Path], jekyll: dict[str, dict[str, dict[str, Any]]]
) -> None:
    site, path = case
    theirs = jekyll[site][path.name]
    ours = parse_post(path.read_bytes(), f"posts/{path.name}")
    problems = []
    if ours.title != theirs["title"] and ours.title != theirs["title"].translate(_TYPOGRAPHY):
        problems.append(f"title {ours.title!r} != {theirs['title']!r}")
    if ours.categories != theirs["categories"]:
        problems.append(f"categories {ours.categories} != {theirs['categories']}")
    if ours.tags != theirs["tags"]:
        problems.append(f"tags {ours.tags} != {theirs['tags']}")
    kept, words, _why = KEPT.get(_path_id(case), ("", "", ""))
    if kept != "date":
        problems += _date_problems(path, ours.published_at, theirs["date"])
    blocks, whole = jekyll_text(theirs["content"])
    if kept == "text":
        blocks = [b for b in blocks if words not in b]
    folded = _fold(ours.text)
    missing = [b for b in blocks if _fold(b) not in folded]
    if missing:
        problems.append(f"{len(missing)} of {len(blocks)} Jekyll text blocks missing, first: {missing[:3]}")
    for kind, pattern in SYNTAX.items():
        extra = len(pattern.findall(ours.text)) - len(pattern.findall(whole))
        if extra > 0:
            problems.append(f"{extra} more {kind} syntax than Jekyll's text: {pattern.findall(ours.text)[:5]}")
    assert not problems, "\n".join(problems)


def _date_problems(path: Path, ours: str | None, theirs: str) -> list[str]:
    if ours is None:
        return [f"no date; Jekyll's is {theirs}"]
    ours_date, theirs_date = datetime.fromisoformat(ours), datetime.fromisoformat(theirs)
    text = path.read_text(encoding="utf-8", errors="replace")
    written = re.search(r"^date:.*\d(?:\s*[+-]\d\d:?\d\d|Z)[\"']?\s*$", text, re.MULTILINE)
    if written:
        return [] if ours_date == theirs_date else [f"date {ours} is not the instant {theirs}"]
    if ours_date.replace(tzinfo=None) != theirs_date.replace(tzinfo=None):
        return [f"date {ours} is not the wall clock of {theirs}"]
    return []


def test_every_kept_difference_is_a_post_of_jekyll_world() -> None:
    assert set(KEPT) <= {_path_id(c) for c in CASES}
