"""Bounds a post must keep to: its head (check_head), so that it can always be stored, and the
nesting of its body (check_nesting), so that it is read in time.

The head (title, categories, tags, source) travels whole in every envelope, item and
notification, even when the post itself is archived in S3: a 100,000-character title made
every envelope of its post too large for SQS, on every attempt. Each part is capped, generously
(the longest title in the corpus and the Jekyll sites postdrop is tested on is 496 characters,
the most categories 10, the longest category 27 characters; the most tags 128, on a news site
that tags each post with every package it names), so that a head at every cap still fits an
SQS message with room to spare; a post past a cap is rejected, saying which. Categories and
tags are capped by their characters in all, not by their number: Jekyll takes any number, and
a hundred short tags weigh less than ten long ones.

Nesting: bounds checked before the HTML libraries see a body, so hostile input is rejected in time.

lexbor (the body reader) and html5ever (nh3, the sanitizer) take time that grows faster than
the input with nesting depth: 40,000 nested ``<div>`` cost 15 s of CPU, 80,000 nested ``>``
quotes 33 s, past what a 256 MB function gets in its 30 s. Browsers stop nesting at 512 (Blink's
parser puts deeper elements beside their parent), so postdrop reads at most that deep and
rejects a deeper body with where it goes too deep. Below that, the time follows the sum of every
element's depth (5 MB of 500-deep blocks: 112 million levels, 5 s on a whole core, over 30 s on
the CPU share of 256 MB), so that sum is bounded too, at about 3 s of such a function's CPU. The
scan is one regular-expression pass over the tags, taken only when the body has more tags than
MAX_DEPTH (below that neither bound can be reached).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from postdrop.exceptions import PostRejected

if TYPE_CHECKING:
    from postdrop.model import NormalizedPost

__all__ = [
    "INLINE_MARKS", "MAX_DEPTH", "MAX_DEPTH_SUM", "MAX_ELEMENTS", "MAX_EXCERPT_CHARS", "MAX_HEADINGS",
    "MAX_HEAD_EXCERPT_CHARS", "MAX_INLINE_MARKS", "MAX_MARKDOWN_LINES",
    "MAX_SOURCE_NAME_CHARS", "MAX_SOURCE_URL_CHARS", "MAX_TERMS", "MAX_TERMS_CHARS", "MAX_TERM_CHARS",
    "MAX_TITLE_CHARS", "MAX_URL_CHARS",
    "check_head", "check_nesting", "head_excerpt", "head_problem", "tags_end", "within_caps",
]  # fmt: skip

MAX_TITLE_CHARS = 2_000
MAX_TERMS = 1_000  # categories, and tags, each
MAX_TERM_CHARS = 100  # one category or tag (the first category is an index key: at most 2,048 bytes)
MAX_TERMS_CHARS = 10_000  # all of a post's categories, and all its tags, each
MAX_SOURCE_NAME_CHARS = 500
MAX_SOURCE_URL_CHARS = 4_096
MAX_EXCERPT_CHARS = 1_000  # parse_post makes excerpts of 120 characters; an envelope's is held to this
# Jekyll's excerpt is the author's: with no separator in the body it is the whole post. The head
# (every envelope, item and notification) carries at most this much of it, cut with an ellipsis;
# the post itself keeps it whole.
MAX_HEAD_EXCERPT_CHARS = 1_000
# A post's url (Jekyll's permalink, percent-encoded: ASCII). The longest in the corpus and
# jekyll-world is under 200; only a permalink of many long non-ASCII categories comes near this.
MAX_URL_CHARS = 8_192

MAX_DEPTH = 512
MAX_DEPTH_SUM = 10_000_000  # ~0.45 s on one core of the machine that measured it
# Reading costs about 10 µs an element (lexbor, nh3 and the walk over the blocks): 5 MB of
# one-word paragraphs is 1.7 million of them, some 17 s of a core. A post reads up to this many.
MAX_ELEMENTS = 100_000
# The reader's work and memory grow with a Markdown body's lines: one construct on each of a
# million short lines (5 MB) took up to 350 MB and 20 s of a core before a cap above stopped it
# (a 256 MB function dies). At this many, the worst of 60 constructs takes about 1.7 s of a core
# and 115 MB; the longest post of the blogs sampled has 4,480 lines.
MAX_MARKDOWN_LINES = 100_000
# The Markdown engine (pulldown-cmark, in Rust) keeps 80 to 230 bytes for each mark that may open
# or close a span or a cell (emphasis, links, code, strikethrough, escapes, entities, tables): a
# million "~~a " took 172 MB. Rust ends the process when an allocation fails, so a read's memory
# limit (postdrop.budget) cannot make a rejection of it: the marks are counted first. The most in
# a post of ../shared is 1,542, in 39 KB.
MAX_INLINE_MARKS = 400_000
INLINE_MARKS = "*_~[]`!&\\|"
# A heading costs the post some 2 KB of memory (a section, an entry of headings, an anchor):
# 100,000 of them took 270 MB. The most in a post of the blogs sampled is 195.
MAX_HEADINGS = 10_000
_HEADING_TAG = re.compile(r"<h[1-6][\s/>]", re.IGNORECASE)
# a tag: whether it closes, its name, whether it closes itself ("/>": the lazy run stops before it)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>")
# Void elements never hold children; these close themselves when a sibling opens (<p>, <li>),
# so an unclosed one is no deeper than its parent.
_NOT_NESTING = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup",
    "rp", "rt", "caption",
})  # fmt: skip


def check_nesting(html: str, *, source_lines: bool) -> None:
    """Raise PostRejected when ``html`` nests elements deeper than MAX_DEPTH, or holds more than
    MAX_ELEMENTS elements or MAX_HEADINGS headings.

    ``source_lines``: ``html`` is the file's own body (an .html post), so the reason can name the
    line of the body where it goes too deep; rendered Markdown has no such line.
    """
    tags = html.count("<")
    if tags <= MAX_DEPTH:
        return
    opening = tags - html.count("</")  # each tag that opens an element starts at a "<" not before a "/"
    if opening > MAX_ELEMENTS:  # opening tags, or about: each read costs ~10 µs
        raise PostRejected(
            f"the body has more than {MAX_ELEMENTS:,} elements (paragraphs, list items, cells, HTML);"
            " postdrop reads no more in one post"
        )
    if opening > MAX_HEADINGS and (headings := len(_HEADING_TAG.findall(html))) > MAX_HEADINGS:
        raise PostRejected(f"the body has {headings:,} headings; postdrop reads at most {MAX_HEADINGS:,} in one post")
    if opening <= MAX_DEPTH:  # so few can nest no deeper than MAX_DEPTH, nor sum past MAX_DEPTH_SUM
        return
    depth = total = elements = 0
    # one findall (the tags as tuples, built in C), then a short step a tag
    for number, (closing, name, self_closing) in enumerate(_TAG.findall(html, 0, tags_end(html))):
        if self_closing or name.lower() in _NOT_NESTING:
            continue
        if closing:
            if depth:
                depth -= 1
            continue
        depth += 1
        total += depth
        elements += 1
        if total > MAX_DEPTH_SUM:
            raise PostRejected(
                f"the body nests its elements too deeply for their number ({elements} elements reach"
                f" {MAX_DEPTH_SUM:,} levels of nesting in all); postdrop reads no more"
            )
        if depth > MAX_DEPTH:
            where = f" at line {_line_of_tag(html, number)} of the body" if source_lines else ""
            raise PostRejected(
                f"the body nests elements more than {MAX_DEPTH} deep{where} (block quotes, lists or HTML);"
                " browsers stop nesting there, and postdrop reads no deeper"
            )


def tags_end(text: str) -> int:
    """Where a search for tags (``<`` then anything but ``>`` then ``>``) may stop: after the last
    ``>``. Past it, each ``<`` would be searched to the text's end for a ``>`` it cannot find,
    again from the next: 800 such ``<div`` in 1.6 MB took 72 s. Up to it, the same tags match."""
    return text.rfind(">") + 1


def _line_of_tag(html: str, number: int) -> int:
    """The line of ``html`` (from 1) where its tag ``number`` (from 0) opens."""
    for seen, match in enumerate(_TAG.finditer(html, 0, tags_end(html))):
        if seen == number:
            return html.count("\n", 0, match.start()) + 1
    return html.count("\n") + 1


def within_caps(terms: list[str]) -> list[str]:
    """As many of ``terms`` as a head takes, each cut to its cap: what a rejection is filed under."""
    kept: list[str] = []
    chars = 0
    for term in terms[:MAX_TERMS]:
        cut = term[:MAX_TERM_CHARS]
        chars += len(cut)
        if chars > MAX_TERMS_CHARS:
            break
        kept.append(cut)
    return kept


def _terms_problem(kind: str, singular: str, terms: list[str]) -> str | None:
    if len(terms) > MAX_TERMS:
        return f"the post has {len(terms):,} {kind}; postdrop takes at most {MAX_TERMS}"
    for number, term in enumerate(terms, 1):
        if len(term) > MAX_TERM_CHARS:
            return f"{singular} {number} is {len(term):,} characters long; postdrop takes at most {MAX_TERM_CHARS}"
    chars = sum(map(len, terms))
    if chars > MAX_TERMS_CHARS:
        return f"the post's {kind} are {chars:,} characters long in all; postdrop takes at most {MAX_TERMS_CHARS:,}"
    return None


def head_problem(
    title: str,
    *,
    categories: list[str],
    tags: list[str],
    source_name: str | None,
    source_url: str | None,
    excerpt: str,
    url: str | None = None,
    jekyll_excerpt: str = "",
) -> str | None:
    """Which part of a head is past its cap, as a sentence; None when none is."""
    if len(title) > MAX_TITLE_CHARS:
        return f"the title is {len(title):,} characters long; postdrop takes titles of at most {MAX_TITLE_CHARS:,}"
    problem = _terms_problem("categories", "category", categories) or _terms_problem("tags", "tag", tags)
    if problem is not None:
        return problem
    name, source = source_name or "", source_url or ""
    if len(name) > MAX_SOURCE_NAME_CHARS:
        return f"the source name is {len(name):,} characters long; postdrop takes at most {MAX_SOURCE_NAME_CHARS}"
    if len(source) > MAX_SOURCE_URL_CHARS:
        return f"the source URL is {len(source):,} characters long; postdrop takes at most {MAX_SOURCE_URL_CHARS:,}"
    if len(excerpt) > MAX_EXCERPT_CHARS:
        return f"the excerpt is {len(excerpt):,} characters long; postdrop makes them of at most {MAX_EXCERPT_CHARS:,}"
    if len(url or "") > MAX_URL_CHARS:
        return f"the post's url is {len(url or ''):,} characters long; postdrop takes at most {MAX_URL_CHARS:,}"
    if len(jekyll_excerpt) > MAX_HEAD_EXCERPT_CHARS:
        return (
            f"the head's jekyll_excerpt is {len(jekyll_excerpt):,} characters long; a head carries at most"
            f" {MAX_HEAD_EXCERPT_CHARS:,}"
        )
    return None


def head_excerpt(jekyll_excerpt: str) -> str:
    """What a head carries of Jekyll's excerpt: all of it up to MAX_HEAD_EXCERPT_CHARS, else
    its start and an ellipsis (the post keeps it whole)."""
    if len(jekyll_excerpt) <= MAX_HEAD_EXCERPT_CHARS:
        return jekyll_excerpt
    return jekyll_excerpt[: MAX_HEAD_EXCERPT_CHARS - 1].rstrip() + "…"


def check_head(post: NormalizedPost) -> None:
    """Raise PostRejected when a part of ``post``'s head (what every envelope, item and notification
    carries whole) is past its cap, naming which."""
    problem = head_problem(
        post.title,
        categories=post.categories,
        tags=post.tags,
        source_name=post.source.name,
        source_url=post.source.url,
        excerpt=post.excerpt,
        url=post.url,
    )
    if problem is not None:
        raise PostRejected(problem)
