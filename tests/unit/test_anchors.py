"""A post's own links keep their targets in ``html``: headings' and footnotes' ids as Jekyll names
them, and the ids the author wrote, on a page that shows the sanitized HTML."""

from __future__ import annotations

import html as markup
import re
from collections import Counter
from typing import TYPE_CHECKING

import pytest
from selectolax.lexbor import LexborHTMLParser

from postdrop import parse_post
from postdrop.exceptions import PostRejected
from tests.conftest import corpus_files, jekyll_world_sites, toc_entries

if TYPE_CHECKING:
    from pathlib import Path

POST = b"""---
title: Notes
---
See [the setup](#setup) first.[^1]

## Setup

Install it[^tools] and read the manual[^1].

## Setup

Again, with a second heading of the same name.

## Custom {#my-own}

<p id="build">A target the author wrote.</p>

An old page's target: <a name="old">here</a>, and [a link to it](#old).

[^1]: The first note.
[^tools]: A named note.
"""


def _targets(html: str) -> tuple[Counter[str], list[str]]:
    """The targets in ``html`` (ids, and the names of ``<a name>``), counted, and the fragments
    its links point at."""
    tree = LexborHTMLParser(html)
    ids = Counter(node.attributes["id"] or "" for node in tree.css("[id]"))
    ids += Counter(node.attributes["name"] or "" for node in tree.css("a[name]"))
    hrefs = [node.attributes["href"] or "" for node in tree.css("a[href]")]
    return ids, [href[1:] for href in hrefs if href.startswith("#")]


def test_every_in_page_link_reaches_one_target() -> None:
    post = parse_post(POST, "2024-05-01-notes.md")
    ids, fragments = _targets(post.html)
    assert fragments, "the post links inside itself"
    assert [f for f in fragments if f not in ids] == []
    assert [i for i, n in ids.items() if n > 1] == []


def test_headings_carry_the_ids_the_headings_field_gives() -> None:
    post = parse_post(POST, "2024-05-01-notes.md")
    assert [h.id for h in post.headings] == ["setup", "setup-1", "my-own"]
    assert re.findall(r"<h2 id=\"([^\"]*)\">", post.html) == ["setup", "setup-1", "my-own"]


def test_footnote_marks_and_notes_are_named_as_kramdown_names_them() -> None:
    html = parse_post(POST, "2024-05-01-notes.md").html
    marks = re.findall(r'<sup id="([^"]*)"><a href="#([^"]*)"', html)
    # the same note marked twice: its second mark is fnref:1:1, as kramdown writes it
    assert marks == [("fnref:1", "fn:1"), ("fnref:tools", "fn:tools"), ("fnref:1:1", "fn:1")]
    assert re.findall(r'<div id="(fn:[^"]*)">', html) == ["fn:1", "fn:tools"]


def test_each_note_links_back_to_each_of_its_marks_in_html_only() -> None:
    post = parse_post(POST, "2024-05-01-notes.md")
    backs = re.findall(r'<a href="#(fnref:[^"]*)"[^>]*>\u21a9(?:<sup>(\d+)</sup>)?</a>', post.html)
    assert backs == [("fnref:1", ""), ("fnref:1:1", "2"), ("fnref:tools", "")]
    assert "The first note. <a" in post.html  # at the end of the note's paragraph, as kramdown puts it
    assert "\u21a9" not in post.text


TOC_POST = b"""---
title: Guide
---
Intro.

* A list kramdown replaces with the table of contents
{:toc}

## Install

### On Linux & macOS

### On Windows

## Use `it`

# Appendix
"""


def test_a_toc_list_is_kramdowns_table_of_contents_in_html_only() -> None:
    post = parse_post(TOC_POST, "2024-05-02-guide.md")
    # nested by level under the last heading of a lower level, as kramdown nests it
    assert toc_entries(post.html) == [
        (0, "#install", "markdown-toc-install"),
        (1, "#on-linux--macos", "markdown-toc-on-linux--macos"),
        (1, "#on-windows", "markdown-toc-on-windows"),
        (0, "#use-it", "markdown-toc-use-it"),
        (0, "#appendix", "markdown-toc-appendix"),
    ]
    assert post.html.index('id="markdown-toc"') < post.html.index("<h2")  # where the list was
    ids, fragments = _targets(post.html)
    assert [f for f in fragments if f not in ids] == [] and [i for i, n in ids.items() if n > 1] == []
    # it is navigation: text, sections and the excerpt have none of it
    assert post.text == "Intro.\nInstall\nOn Linux & macOS\nOn Windows\nUse it\nAppendix"
    assert "kramdown replaces" not in post.html


@pytest.mark.parametrize(
    "body",
    [
        "* TOC\n{:toc}\n\nNo heading at all.\n",  # nothing to list: no empty list either
        "```\n* TOC\n{:toc}\n```\n\n## A heading\n",  # in code: code, not a table
    ],
)
def test_no_table_of_contents_where_kramdown_writes_none(body: str) -> None:
    post = parse_post(b"---\ntitle: t\n---\n" + body.encode(), "2024-05-03-t.md")
    assert "markdown-toc" not in post.html


def test_an_id_the_author_wrote_is_kept_and_other_attributes_are_not() -> None:
    html = parse_post(POST, "2024-05-01-notes.md").html
    assert '<p id="build">' in html
    assert "class=" not in html


@pytest.mark.parametrize(
    "source",
    [
        b'<h2 id=\'x" onmouseover="alert(1)\'>T</h2>\n<p id="a"><b>b</b></p>\n',
        b'<h2 id="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">T</h2>\n',
        b'<p id=""><img id=x src=x onerror=alert(1)></p>\n',
    ],
)
def test_an_id_is_only_ever_an_id(source: bytes) -> None:
    html = parse_post(b"---\ntitle: t\n---\n" + source, "2024-05-01-hostile.html").html
    tree = LexborHTMLParser(html)
    assert tree.css("script") == []
    for node in tree.css("*"):
        assert not any(name.startswith("on") for name in node.attributes), node.html


def _written(name: str, source: str) -> int:
    """How often ``source`` writes ``name`` as a whole word."""
    return len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", source))


REAL_POSTS = {"jekyll-world": [p for posts in jekyll_world_sites().values() for p in posts], "corpus": corpus_files()}


@pytest.mark.parametrize("folder", sorted(REAL_POSTS))
def test_no_in_page_link_of_a_real_blog_is_dead(folder: str) -> None:
    paths: list[Path] = REAL_POSTS[folder]
    if not paths:
        pytest.skip(f"../shared/{folder} is absent (third-party posts, never copied here)")
    dead, read = [], 0
    for path in paths:
        try:
            post = parse_post(path.read_bytes(), path.name)
        except PostRejected:
            continue  # the corpus's rejected files: tests/unit/test_corpus.py holds their reasons
        read += 1
        ids, fragments = _targets(post.html)
        source = path.read_text("utf-8", errors="replace")
        # a link whose name the source writes nowhere else has no target on Jekyll's page either
        dead += [
            f"{path.name}: #{f}"
            for f in fragments
            if f and markup.unescape(f) not in ids and _written(f, source) > fragments.count(f)
        ]
    assert read > len(paths) // 2 and dead == []


def test_a_heading_shown_in_an_indented_code_block_leaves_the_markdown_one_its_id() -> None:
    # kramdown writes an indented block as code: the <h2> there is text, and the Markdown heading
    # of the same words keeps its id (as after a fenced block)
    body = "A page:\n\n    <body>\n    \t<h2>Some title</h2>\n    </body>\n\nAs shown:\n\n## Some title\n"
    got = parse_post(f"---\ntitle: t\n---\n{body}".encode(), "posts/2024-01-01-a.md", default_zone="UTC")
    assert [(h.level, h.id) for h in got.headings] == [(2, "some-title")]
    assert '<h2 id="some-title">' in got.html
    # one written as HTML, beside one shown as code, still has none
    both = "<h2>Some title</h2>\n\n" + body
    got = parse_post(f"---\ntitle: t\n---\n{both}".encode(), "posts/2024-01-01-a.md", default_zone="UTC")
    assert [(h.level, h.id) for h in got.headings] == [(2, None), (2, "some-title")]


def test_a_heading_whose_id_would_be_blank_has_none_but_is_counted() -> None:
    # kramdown's GFM id of "`&&`" is empty: it writes no id, yet the next empty one is "-1"
    source = '## `&&`\n\none\n\n### (())\n\ntwo\n\n<h2 id=" ">three</h2>\n\nfour\n'
    got = parse_post(b"---\ntitle: t\n---\n" + source.encode(), "posts/2020-01-01-x.md", default_zone="UTC")
    assert [(h.level, h.id) for h in got.headings] == [(2, None), (3, "-1"), (2, None)]
    assert got.html.startswith("<h2><code>")  # no id="" on it


def test_a_linenos_block_is_rouges_table_as_jekyll_writes_it() -> None:
    # Jekyll 4.3's highlight tag with rouge: a number for each line, the code ended by a line end
    from postdrop.core.anchors import anchored
    from postdrop.core.body import render_markdown
    from postdrop.core.liquid import render_liquid

    body = render_liquid(
        "{% highlight c++ linenos %}\n\nint a;\n\nif (a < b) {}\n  \n\n{% endhighlight %}", {}, None, []
    )
    assert anchored(render_markdown(body), []) == (
        '<figure class="highlight"><pre><code class="language-c--" data-lang="c++"><table class="rouge-table">'
        '<tbody><tr><td class="gutter gl"><pre class="lineno">1\n2\n3\n4\n</pre></td><td class="code"><pre>'
        "int a;\n\nif (a &lt; b) {}\n  \n</pre></td></tr></tbody></table></code></pre></figure>\n"
    )


def test_an_empty_linenos_block_has_one_line() -> None:
    from postdrop.core.anchors import anchored

    assert anchored('<pre><code class="language-x" data-lang="x" data-linenos="table"></code></pre>', []) == (
        '<figure class="highlight"><pre><code class="language-x" data-lang="x"><table class="rouge-table"><tbody><tr>'
        '<td class="gutter gl"><pre class="lineno">1\n</pre></td><td class="code"><pre>\n</pre></td>'
        "</tr></tbody></table></code></pre></figure>"
    )
