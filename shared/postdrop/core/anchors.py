"""The ids a post's own links point at: its headings' and its footnotes', as Jekyll's page has them.

A post links inside itself: ``[setup](#setup)``, a table of contents, a footnote's mark and its
note. Jekyll's kramdown writes the targets as ids (``<h2 id="setup">``, ``<sup id="fnref:1">``
with ``<a href="#fn:1">``, the note in ``<li id="fn:1">``), so a subscriber's page that shows
``html`` keeps those links working only if the ids are there, with the same names: a link to a
section shared from the blog (``post.html#setup``) reaches the same heading.

- Each heading gets the id ``headings_of`` gives it (kramdown's), unless it was written with one.
- A footnote's mark gets ``fnref:NAME`` (``fnref:NAME:1``, ``:2`` for the same note's later
  marks) and links to ``#fn:NAME``; the note gets ``fn:NAME``, NAME being the label as written,
  and ends with a link back to each of its marks (``↩``, then ``↩<sup>2</sup>``...), as
  kramdown ends it. Only ``html`` has them: ``text`` is read before (they are navigation).
- A ``{:toc}`` list becomes kramdown's table of contents where it stood: ``<ul id="markdown-toc">``,
  an entry for each heading with an id (``<a href="#setup" id="markdown-toc-setup">``), nested by
  level. The kramdown pass leaves an empty ``<div id="markdown-toc">`` in its place (TOC_MARK);
  ``html`` only, as above.
- A ``{% highlight LANG linenos %}`` block becomes rouge's table, as Jekyll's highlight tag
  writes it: ``<figure class="highlight">``, then in its ``<code>`` a one-row table whose first
  cell holds the line numbers (``<pre class="lineno">1\n2\n</pre>``) and whose second the code,
  with a line end after its last line. The Liquid pass marks the block's ``<code>`` (LINENOS_MARK);
  the line numbers are ``html`` only, as above (Jekyll's text is the code alone).

The ids an author wrote (``{: #id}``, ``<p id="build">``) are kept as written (core/sanitize.py).
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import TYPE_CHECKING, NamedTuple

from postdrop.core.headings import HEADING, Heading

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["LINENOS_MARK", "TOC_MARK", "anchored", "with_contents", "with_heading_ids"]

# Where the kramdown pass leaves a {:toc} list's place (core/kramdown/attributes.py): an empty block, no text
TOC_MARK = '<div id="markdown-toc"></div>'

# pulldown-cmark's footnote mark and note, as the kramdown pass leaves them
_MARK = re.compile(r'<sup class="footnote-reference"><a href="#([^"]*)">')
_NOTE = re.compile(r'<div class="footnote-definition" id="([^"]*)">')
_DIV = re.compile(r"<(/?)div\b")

# Where the Liquid pass (core/liquid.py) leaves a ``highlight ... linenos`` block: an attribute of its
# <code>, whose content is the code, escaped (no tag in it)
LINENOS_MARK = ' data-linenos="table"'
_LINENOS_BLOCK = re.compile(rf"<pre><code([^<>]*?){re.escape(LINENOS_MARK)}>([^<]*)</code></pre>")


def anchored(html: str, headings: list[Heading]) -> str:
    """``html`` (the article as rendered, before sanitizing) with its headings' and footnotes' ids."""
    html = with_heading_ids(html, headings)
    if 'class="footnote-' in html:
        html = _footnote_ids(html)
    return _contents(html, headings, toc=_table_of_contents)


def with_contents(html: str, headings: list[Heading]) -> str:
    """``html`` with its ``{:toc}`` list and ``linenos`` tables made, and nothing else of
    ``anchored`` (no ids, no footnote back-links): an excerpt, whose text Jekyll's shows them in
    (its ``post.excerpt`` is rendered by kramdown and rouge as a page of its own)."""
    # a line end before a nested list, as kramdown writes one: its entry's text is a word of its own
    return _contents(html, headings, toc=lambda marks: _table_of_contents(marks).replace("</a><ul>", "</a>\n<ul>"))


def _contents(html: str, headings: list[Heading], *, toc: Callable[[list[Heading]], str]) -> str:
    """The blocks the kramdown and Liquid passes left marks for: the ``{:toc}`` list, as ``toc``
    writes it, and rouge's ``linenos`` tables."""
    if TOC_MARK in html:
        html = html.replace(TOC_MARK, toc(headings), 1)
    if LINENOS_MARK in html:
        html = _LINENOS_BLOCK.sub(_rouge_table, html)
    return html


def _rouge_table(match: re.Match[str]) -> str:
    """rouge's HTMLTable in Jekyll's figure: a number for each line of the code (its line ends
    and one more: the code ends without one), then the code, ended by a line end."""
    attributes, code = match.groups()
    numbers = "".join(f"{n}\n" for n in range(1, code.count("\n") + 2))
    return (
        f'<figure class="highlight"><pre><code{attributes}><table class="rouge-table"><tbody><tr>'
        f'<td class="gutter gl"><pre class="lineno">{numbers}</pre></td><td class="code"><pre>{code}\n</pre></td>'
        "</tr></tbody></table></code></pre></figure>"
    )


def _table_of_contents(headings: list[Heading]) -> str:
    """kramdown's table of contents: a list of links to the headings that have ids, nested by
    level (a heading is under the last one above it of a lower level); each entry's id is its
    heading's, after ``markdown-toc-``."""
    roots: list[_Entry] = []
    open_: list[_Entry] = []  # the entries a deeper heading can go under, outermost first
    for level, text, ident in headings:
        if ident is None:
            continue
        entry = _Entry(level, text, ident, [])
        while open_ and open_[-1].level >= level:
            open_.pop()
        (open_[-1].children if open_ else roots).append(entry)
        open_.append(entry)
    return f'<ul id="markdown-toc">{"".join(map(_entry_html, roots))}</ul>' if roots else ""


class _Entry(NamedTuple):
    level: int
    text: str
    ident: str
    children: list[_Entry]


def _entry_html(entry: _Entry) -> str:
    ident = escape(entry.ident)
    nested = f"<ul>{''.join(map(_entry_html, entry.children))}</ul>" if entry.children else ""
    return f'<li><a href="#{ident}" id="markdown-toc-{ident}">{escape(entry.text)}</a>{nested}</li>'


def with_heading_ids(html: str, headings: list[Heading]) -> str:
    """``html`` with its headings' ids and nothing else of ``anchored``: Liquid's ``markdownify``,
    whose HTML the post's own pass then reads as written (its footnotes' ids are made there)."""
    if any(ident is not None for _level, _text, ident in headings):
        html = _heading_ids(html, headings)
    return html


def _heading_ids(html: str, headings: list[Heading]) -> str:
    ids = iter([ident for _level, _text, ident in headings])  # headings_of reads the same matches, in order

    def tag(match: re.Match[str]) -> str:
        ident = next(ids, None)
        if ident is None or " id=" in (match[2] or ""):
            return match[0]
        return f'<h{match[1]} id="{escape(ident)}"{match[0][3:]}'

    return HEADING.sub(tag, html)


def _footnote_ids(html: str) -> str:
    seen: Counter[str] = Counter()

    def mark(match: re.Match[str]) -> str:
        name = match[1]
        repeat = seen[name]
        seen[name] += 1
        ident = f"fnref:{name}:{repeat}" if repeat else f"fnref:{name}"
        return f'<sup class="footnote-reference" id="{ident}"><a href="#fn:{name}">'

    html = _MARK.sub(mark, html)
    out: list[str] = []
    at = 0
    for note in _NOTE.finditer(html):
        end = _note_end(html, note.end())
        name = note[1]
        backs = " ".join(
            f'<a href="#fnref:{name}{f":{i}" if i else ""}">&#8617;{f"<sup>{i + 1}</sup>" if i else ""}</a>'
            for i in range(seen[name])
        )
        last_p = html.rfind("</p>", note.end(), end)
        cut = last_p if last_p >= 0 else end
        out += [html[at : note.start()], f'<div class="footnote-definition" id="fn:{name}">', html[note.end() : cut]]
        out.append(f" {backs}" if backs else "")
        at = cut
    out.append(html[at:])
    return "".join(out)


def _note_end(html: str, start: int) -> int:
    """Where the note opened just before ``start`` closes: its ``</div>`` (the HTML is lexbor's,
    so its divs are balanced), or the end of ``html``."""
    depth = 1
    for tag in _DIV.finditer(html, start):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return tag.start()
    return len(html)
