"""postdrop beside Jekyll, the reference reader of these files, over the real corpus.

The corpus is built as a Jekyll site (jekyll_site.py, in a temporary folder) whose Liquid
page dumps every post as JSON; title, categories, tags, dates and the article's paragraphs are
compared with parse_post's. Where postdrop differs on purpose, the test says so:

- Jekyll sees no front matter after a leading blank line (it renders the block as text);
  postdrop skips the blank lines with a warning, because this producer meant them.
- Jekyll reads a date without an offset as UTC (TZ=UTC here); postdrop reads it in the
  producer's zone (Asia/Shanghai): same wall clock, different offset.
- Jekyll does not read a post whose file name has no date (-202205262391921712.md);
  postdrop stores it with a null date.
- kramdown turns ASCII quotes and dashes in Markdown text into typographic ones;
  CommonMark does not. The comparison folds those.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from postdrop import parse_post
from tests.conftest import corpus_files, requires_corpus
from tests.differential.jekyll_site import JEKYLL, build

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [
    requires_corpus,
    pytest.mark.skipif(JEKYLL is None, reason="jekyll is not installed (Debian: apt-get install jekyll)"),
]

_TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."})
_SOURCE_LINE = re.compile(r"^[（(](?:文章)?来源[：:].*[）)]$")


@pytest.fixture(scope="module")
def jekyll_posts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return build(corpus_files(), tmp_path_factory.mktemp("corpus") / "site")


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(_TYPOGRAPHY))


def _jekyll_paragraphs(html: str) -> list[str]:
    """The article's paragraphs in Jekyll's HTML, by rules of their own (not postdrop's)."""
    tree = LexborHTMLParser(html)
    out = []
    for node in tree.css("p, h1, h2, h3, h4, h5, h6, li"):
        if any(a.tag == "blockquote" for a in _ancestors(node)):
            continue
        text = node.text(deep=True).strip()
        if not text or text == "<>" or _SOURCE_LINE.match(text):
            continue
        rest = text
        for link in node.css("a"):
            rest = rest.replace(link.text(deep=True), "", 1)
        if node.css("a") and not re.sub(r"[｜|\s]", "", rest):
            continue  # a paragraph of links: the source URL line or the back links
        out.append(text)
    return out


def _ancestors(node: Any) -> list[Any]:
    found = []
    while (node := node.parent) is not None:
        found.append(node)
    return found


def _ours(path: Path) -> Any:
    return parse_post(path.read_bytes(), f"posts/{path.name}")


def test_jekyll_reads_all_but_the_dateless_file_name(jekyll_posts: dict[str, dict[str, Any]]) -> None:
    names = {p.name for p in corpus_files()}
    assert names - set(jekyll_posts) == {"-202205262391921712.md"}


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_postdrop_agrees_with_jekyll(path: Path, jekyll_posts: dict[str, dict[str, Any]]) -> None:
    if path.name not in jekyll_posts:
        pytest.skip("Jekyll does not read a post without a date in its file name (postdrop does)")
    theirs = jekyll_posts[path.name]
    ours = _ours(path)
    if any("blank line(s) before the front matter" in w for w in ours.warnings):
        # Jekyll saw no front matter: its title is the slug, its categories empty
        assert theirs["title"] == ours.slug and theirs["categories"] == []
        assert ours.title and ours.categories
        return
    assert ours.title == theirs["title"].translate(_TYPOGRAPHY) or ours.title == theirs["title"]
    assert ours.categories == theirs["categories"]
    assert ours.tags == theirs["tags"]
    assert ours.published_at is not None
    ours_date = datetime.fromisoformat(ours.published_at)
    theirs_date = datetime.fromisoformat(theirs["date"])
    if re.search(r"^date: .*[+-]\d{4}\s*$", path.read_text(encoding="utf-8"), re.MULTILINE):
        assert ours_date == theirs_date  # the same instant
    else:  # no offset written: Jekyll says UTC, postdrop the producer's zone; same wall clock
        assert ours_date.replace(tzinfo=None) == theirs_date.replace(tzinfo=None)
        assert (ours.published_at[-6:], theirs["date"][-6:]) == ("+08:00", "+00:00")
    assert _fold("".join(ours.text.split("\n"))) == _fold("".join(_jekyll_paragraphs(theirs["content"])))
