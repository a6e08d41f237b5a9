"""kramdown, the Markdown Jekyll renders, read on CommonMark.

postdrop renders Markdown with pulldown-cmark (pyromark). Its options give much of what
kramdown adds to CommonMark: footnotes (definitions written ``[^1]: <https://...>`` too),
heading IDs ``{#id}``, definition lists, GFM tables and task lists, typographic quotes and
dashes. First, the opaque package hides what kramdown reads as code or math (and HTML blocks) behind
tokens: no rule here can see inside them, and math is rendered there. The rest is rewritten
here, on the Markdown source around the tokens, one module for each kind of construct:

- attributes.py: attribute lists and ALDs (``{: .class}``, span IALs after the element they
  belong to; after a word an IAL is text), ``{:toc}`` and ``{:footnotes}`` lists (navigation,
  dropped whole), the extensions ``{::comment}``, ``{::nomarkdown}`` (content output as written)
  and ``{::options /}``; abbreviations (``<abbr>`` in the HTML, the definitions dropped); an
  IAL's ``start="N"``; a heading's ``{...}`` other than `` {#id}`` is text.
- html.py: HTML as kramdown's block parser reads it: ``markdown="1"`` (its content read as
  Markdown), ``markdown="0"``, ``parse_block_html``, a line of one span element's tag or of a
  body-less block tag, HTML blocks that end at their closing tag, comments in quotes,
  processing instructions and CDATA as text.
- tables.py: kramdown's tables: a block opened by a line with a cell border (leading pipe or
  not), header or not, ragged rows, rule and footer lines, inside list items and quotes too.
- lists.py: list items and quotes as kramdown ends them: an ordered item ends the paragraph
  before it, whatever its number, and ``1)`` is text; lazy lines of a quote or an item;
  headings and wide indents inside items; ``:x`` opening a line is no definition, nor is ``: x``
  two blank lines under a paragraph.
- spans.py: emphasis by kramdown's rules (with emphasis.py), in paragraphs with a link's
  brackets too and in table cells; emphasis next to CJK text (``**免责声明：**我之前`` is bold);
  ``<<`` and ``>>`` as guillemets.
- links.py: inline links (the text holds no link, the URL runs to the parenthesis that
  balances the first, a title is quoted and not empty), destinations and definitions with
  spaces, autolinks (e-mail ones show without ``mailto:``), empty and repeated definitions,
  footnote marks kramdown does not read as such.
- text.py: kramdown's escapes (a backslash before ``% & , / ; ? @ ^`` stays: a TeX ``\\,``),
  ``~one~`` as text, two backslashes ending a line as a break, a line of ``^`` ending a block,
  empty headings, rule lines and setext underlines under a paragraph of several lines, long
  dash runs as kramdown's typography writes them.
- lines.py: what they share: patterns compiled on first use, a rewrite of prose only (never
  in a token), indents and columns, the source's lines.

HTML inside a paragraph is read as kramdown's span parser reads it (spanhtml.py). After
CommonMark: footnotes no text refers to are not output, definition terms of several lines are
joined, abbreviations are marked, and lists are numbered from 1 (or an IAL's ``start``), as
kramdown numbers them.

Each rewrite runs only when the source has the characters it looks for (the tests in
``_TEXT_REWRITES`` and ``_LINE_REWRITES`` below), so the first producer's HTML-in-Markdown
posts pay for few of them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pyromark

from postdrop.core.kramdown.attributes import (
    ABBREVIATION,
    START_MARK,
    _abbreviations,
    abbr_elements,
    drop_attributes,
    extension_blocks,
    heading_attributes,
    list_starts,
    standalone_images,
)
from postdrop.core.kramdown.html import (
    OPTIONS,
    QUOTED_COMMENT,
    SOURCE_TOKEN_IN_TEXT,
    SPAN_ALTERNATION,
    SPAN_MARKDOWN_OFF,
    VOID_BLOCKS,
    VOID_TAG,
    html_options,
    join_html_blocks,
    markdown_in_html,
    options_in,
    quoted_comments,
    raw_span_elements,
    span_tag_lines,
    void_tag_lines,
    xml_markup,
)
from postdrop.core.kramdown.lines import BLANK_LINE, MAX_REWRITES, VOID_TAG_NAMES, lazy, lined_text, numbered_lines
from postdrop.core.kramdown.links import (
    DEFINITION_UNDER_TEXT,
    FOREIGN_AUTOLINK,
    FOREIGN_FOOTNOTE,
    MARK_BEFORE_PAREN,
    SPACED_REFERENCE,
    autolinks,
    definitions_under_text,
    empty_definitions,
    foreign_autolinks,
    foreign_footnotes,
    inline_links,
    marks_before_parens,
    shadowed_definitions,
    spaced_destinations,
    spaced_references,
)
from postdrop.core.kramdown.lists import (
    BARE_MARKER,
    STRAY_COLON,
    bare_markers,
    colon_opens_a_line,
    definitions_under_items,
    empty_items,
    has_bare_marker,
    has_quote_line,
    heading_items,
    lazy_items,
    lazy_quote_lines,
    lines_under_item_code,
    ordered_items,
    paren_items,
    quotes_under_items,
    shifted_headings,
    stray_colons,
    wide_items,
)
from postdrop.core.kramdown.spans import (
    closing_quotes,
    emphasis_pairs,
    guillemets,
    has_cjk_delimiter,
    kramdown_emphasis,
)
from postdrop.core.kramdown.tables import BLOCK_TAG_IN_CELL, read_tables
from postdrop.core.kramdown.text import (
    EMPTY_HEADING,
    SINGLE_TILDE,
    break_line_under_text,
    empty_headings,
    end_of_blocks,
    kramdown_escapes,
    line_breaks,
    long_dashes,
    paragraph_breaks,
    single_tildes,
)
from postdrop.core.opaque import Masked, mask
from postdrop.core.opaque.tokens import HTML_MARK
from postdrop.core.spanhtml import DOTTED_TAG, UNCLOSED_SPAN, UNQUOTED_VALUE, text_tags

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["MAX_REWRITES", "PYROMARK_OPTIONS", "render_kramdown", "to_commonmark"]


PYROMARK_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_HEADING_ATTRIBUTES
    | pyromark.Options.ENABLE_DEFINITION_LIST
    | pyromark.Options.ENABLE_SMART_PUNCTUATION
    | pyromark.Options.ENABLE_TASKLISTS
)
# <code> elements are looked for this far along a line for their end, so a hostile line of
# unclosed ones costs linear time, not quadratic. kramdown's are far shorter.
_SPAN = 400
_FOOTNOTE_REFERENCE = lazy(r'<sup class="footnote-reference"><a href="#([^"]*)">')
_FOOTNOTE_DEFINITION = lazy(r'<div class="footnote-definition" id="([^"]*)">')
_DIV_TAG = lazy(r"<(/?)div[\s>]")
_MARKDOWN_ATTR_ANY = lazy(r"markdown\s*=\s*[\"']?(?:1|block|span)\b")
_HEADING_ITEM_ANY = lazy(r"\n {0,3}(?:[*+-]|\d{1,9}[.)]) +#{1,6}[ \t]")  # searched in "\n" + text
# a heading's marks after its "#" at the margin, and a list item's line (each matched where it starts)
_HEADING_MARKS = lazy(r"#{0,5}[ \t]")
_ITEM_LINE = lazy(r" {0,3}(?:[*+-]|\d{1,9}[.)]) ")
# a list item's marker and white space only on a line (searched in "\n" + text)
_EMPTY_ITEM_ANY = lazy(r"\n[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]+(?=\n|$)")


def _heading_under_item(text: str) -> bool:
    """Whether a heading at the margin is right under a list item's line (a literal search to each
    line opening with "#", then a look at it and at the line above it)."""
    at = text.find("\n#")
    while at >= 0:
        above = text.rfind("\n", 0, at) + 1
        if _HEADING_MARKS.match(text, at + 2) is not None and _ITEM_LINE.match(text, above) is not None:
            return True
        at = text.find("\n#", at + 2)
    return False


def _empty_item(text: str) -> bool:
    """Whether a line holds a list item's marker and white space only."""
    return _EMPTY_ITEM_ANY.search(lined_text(text)) is not None


def render_kramdown(markdown: str) -> str:
    """kramdown Markdown to HTML; raw HTML passes through (it is sanitized later)."""
    masked = mask(markdown)
    first_footnote = _footnote_nr(masked.text) if "footnote_nr" in masked.text else 1
    abbreviations = _abbreviations(masked.text) if "*[" in masked.text else {}
    rewritten = _rewrite(masked)
    source = masked.to_source(rewritten)
    html = pyromark.html(source, options=PYROMARK_OPTIONS)
    if abbreviations:
        raw = [masked.source[token] for token in SOURCE_TOKEN_IN_TEXT.findall(rewritten) if token in masked.html_blocks]
        html = abbr_elements(html, abbreviations, raw)
    if '<ol start="' in html and '<ol start="' not in source:  # kramdown numbers every list from 1
        html = _LIST_START.sub("<ol>", html)
    if START_MARK in html:  # but for an IAL's start="N"
        html = list_starts(html)
    if "<dt>" in html:
        html = _TERM.sub(_term_lines, html)
    if 'class="footnote-definition"' in html:
        html = _unreferenced_footnotes(html)
        if first_footnote != 1:
            html = _FOOTNOTE_NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + first_footnote - 1}", html)
    return masked.to_html(html)


# a definition list's term of more than one line, as pulldown-cmark writes it
_TERM = lazy(r"<dt>((?:(?!</dt>)[^\n])*\n(?:(?!</dt>).)*)</dt>", re.DOTALL)
_TAG_IN_TERM = lazy(r"<(/?)([a-z][a-z0-9]*)[^>]*>")


def _term_lines(match: re.Match[str]) -> str:
    """kramdown makes each line of the paragraph above a definition a term of its own (``<dt>``);
    pulldown-cmark one term of the lines. A term whose element runs over a line end is left."""
    lines = match.group(1).split("\n")
    for line in lines:
        depth = 0
        for tag in _TAG_IN_TERM.finditer(line):
            if tag.group(2) not in VOID_TAG_NAMES:
                depth += -1 if tag.group(1) else 1
            if depth < 0:
                return match.group(0)
        if depth:
            return match.group(0)
    return "\n".join(f"<dt>{line}</dt>" for line in lines if line.strip())


# the number pulldown-cmark starts an ordered list at (its first item's): kramdown's lists start at 1
_LIST_START = lazy(r'<ol start="\d+">')
# the number pulldown-cmark gives a footnote, at its reference and at its definition
_FOOTNOTE_NUMBER = lazy(r'(<sup class="footnote-(?:reference|definition-label)">(?:<a href="[^"]*">)?)(\d{1,9})(?=<)')


def _footnote_nr(text: str) -> int:
    """The number kramdown gives the first footnote: 1, or what ``{::options footnote_nr /}`` says."""
    number = 1
    for _at, options in options_in(text):
        value = options.get("footnote_nr", "")
        if value.isdigit() and 0 < int(value) < 1_000_000:
            number = int(value)
    return number


def _unreferenced_footnotes(html: str) -> str:
    """kramdown outputs no footnote that the text never refers to, and the others after the text,
    in the order of their first references; pulldown-cmark outputs each definition where it
    stands. (Rendered spans and raw HTML are tokens here: every <div> is pulldown-cmark's own.)"""
    references = _FOOTNOTE_REFERENCE.findall(html)
    order = {label: k for k, label in enumerate(dict.fromkeys(references))}
    pieces: list[str] = []
    notes: list[tuple[int, str]] = []
    pos = 0
    for match in _FOOTNOTE_DEFINITION.finditer(html):
        if match.start() < pos:
            continue
        depth, end = 0, match.start()
        for tag in _DIV_TAG.finditer(html, match.start()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        if end == match.start():
            break  # never closed: pulldown-cmark closes what it opens, so this is no definition of its
        if match.group(1) in order:
            notes.append((order[match.group(1)], html[match.start() : end]))
        pieces.append(html[pos : match.start()])
        pos = end
    if not pieces:
        return html
    notes.sort(key=lambda note: note[0])
    return "".join(pieces) + html[pos:] + "\n".join(note for _k, note in notes)


def to_commonmark(markdown: str) -> str:
    """The kramdown constructs CommonMark lacks, rewritten (or removed) in the source; code and
    math as written."""
    masked = mask(markdown)
    written = masked.to_written(_rewrite(masked))
    return _START_MARK_LINE.sub("", written) if START_MARK in written else written


def _rewrite(masked: Masked) -> str:
    """The rewrites, over the source whose code and math are tokens (the opaque package)."""
    markdown = masked.text
    if "markdown" in markdown and SPAN_MARKDOWN_OFF.search(markdown) is not None:
        markdown = raw_span_elements(markdown, masked)
    if "{:" in markdown:
        if "{::options" in markdown:
            markdown = html_options(markdown, masked)
        markdown = OPTIONS.sub("", extension_blocks(markdown, masked))
        if "standalone" in markdown:
            markdown = standalone_images(markdown, masked)
    for needed, rewrite in _TEXT_REWRITES:
        if needed(markdown):
            markdown = rewrite(markdown)
        if rewrite is guillemets and ("*" in markdown or "_" in markdown):  # after the attribute lists
            markdown = kramdown_emphasis(markdown, masked)
    if "<!--" in markdown and QUOTED_COMMENT.search(markdown) is not None:
        markdown = quoted_comments(markdown, masked)
    if "<" in markdown and BLANK_LINE.search(markdown):
        markdown = join_html_blocks(markdown)
    by_line = [
        rewrite
        for needed, rewrite in _LINE_REWRITES
        if needed(markdown)
        or (rewrite is read_tables and masked.piped_math and HTML_MARK in markdown)
        or (rewrite is lines_under_item_code and masked.item_code)
    ]
    if by_line:
        lines = markdown.split("\n")
        code = masked.code_lines(lines)
        for rewrite_lines in by_line:
            if rewrite_lines is read_tables:
                lines, code = read_tables(lines, code, masked)
            elif rewrite_lines is lines_under_item_code:
                lines, code = lines_under_item_code(lines, code, masked)
            else:
                lines, code = rewrite_lines(lines, code)
        markdown = "\n".join(lines)
    return markdown


_START_MARK_LINE = lazy("\n?<!--\U000ffffc\\d{1,9}[ab]-->")
_SPAN_TAG_LINE_ANY = lazy(
    rf"\n {{0,3}}</?(?:{SPAN_ALTERNATION})(?:\s[^<>\n]{{0,2000}})?/?>[ \t]*\n[ \t]*[^\s]", re.IGNORECASE
)
_VOID_CLOSE = rf"<(?:{VOID_BLOCKS})(?:\s[^<>\n]{{0,2000}})?/?>[ \t]*</(?:{VOID_BLOCKS})\s*>"
_VOID_TAG_LINE_ANY = lazy(rf"\n {{0,3}}(?:{VOID_TAG}[ \t]*\n[ \t]*\S|{_VOID_CLOSE})", re.IGNORECASE)


# searched in "\n" + text: a heading's "#" that white space puts off its column
_SHIFTED_HEADING_ANY = lazy(r"\n[ \t]+#{1,6}[ \t]")


# searched in "\n" + text: a list item whose marker a tab or five spaces follow
_WIDE_ITEM_ANY = lazy(r"\n[ \t]*(?:[*+-]|\d{1,9}\.|:)(?: {0,4}\t| {5})")


# searched in "\n" + text: a bullet item's line and an ordered item's, both needed for a lazy item line
_BULLET_LINE_ANY = lazy(r"\n[ \t]*[*+-][ \t]")
_ORDERED_LINE_ANY = lazy(r"\n[ \t]*\d{1,9}\.[ \t]")


# searched in "\n" + text: a quote's line, then a line of text without the quote's marker
_LAZY_QUOTE_LINE_ANY = lazy(r"\n {0,3}>[^\n]*\n(?! {0,3}>)[ \t]*[^\s]")
# a quote's line right under the line of a list item's marker (at the margin), left of its text
# a definition's line right under the line of a list item's marker (at the margin), left of its text
_DEFINITION_UNDER_ITEM_ANY = lazy(r"\n(?:[*+-]|\d{1,9}\.) {1,4}\S[^\n]*\n:[ \t]+\S")  # searched in "\n" + text
_QUOTE_UNDER_ITEM_ANY = lazy(r"\n(?:[*+-]|\d{1,9}\.) {1,4}\S[^\n]*\n {0,3}>")  # searched in "\n" + text
_ANY_FOREIGN_ESCAPE = lazy(r"\\[%&,/;?@^]")  # what _FOREIGN_ESCAPE can rewrite: a search that skips ahead
# where kramdown's and CommonMark's readings of an inline link may part: white space or a
# parenthesis in its parentheses (a title, spaces, nested parentheses), or a "[" inside brackets
_ODD_TARGET = lazy(r"\]\([^)\s\\]*[\s(\\]")
_NESTED_BRACKET = lazy(r"\[[^\]\n]*\[")
# a page's own element in a paragraph (<html class="dark">): text to kramdown, hidden by a browser
_PAGE_TAG = lazy(r"<(?:html|head|body)(?=[\s/>])", re.IGNORECASE)
_EMPTY_LABEL_END = lazy(r"\]:[ \t]*(?:\n|$)")  # the test for one: a literal first, re skips ahead


# Each rewrite with the test of the whole source that says it has work to do: a substring
# test first, then at most one search, so a post with none of these constructs pays for none.
_TEXT_REWRITES: tuple[tuple[Callable[[str], bool], Callable[[str], str]], ...] = (
    (
        lambda text: "{:" in text or ("*[" in text and ABBREVIATION.search(lined_text(text)) is not None),
        drop_attributes,
    ),
    (lambda text: "[^" in text and FOREIGN_FOOTNOTE.search(text) is not None, foreign_footnotes),
    (
        lambda text: "[^" in text and "]:" in text and DEFINITION_UNDER_TEXT.search(lined_text(text)) is not None,
        definitions_under_text,
    ),
    (lambda text: "](" in text and "[^" in text and MARK_BEFORE_PAREN.search(text) is not None, marks_before_parens),
    (lambda text: "<<" in text or ">>" in text, guillemets),
    (lambda text: '"' in text or "'" in text, closing_quotes),
    (lambda text: "*" in text and ("_" in text or has_cjk_delimiter(text)), emphasis_pairs),
    (lambda text: "\\\\\n" in text, line_breaks),
    (lambda text: "\n^" in text or text.startswith("^"), end_of_blocks),
    (lambda text: "#" in text and EMPTY_HEADING.search(lined_text(text)) is not None, empty_headings),
    (lambda text: BARE_MARKER.search("\n\n" + text[:12] + "\n") is not None or has_bare_marker(text), bare_markers),
    (lambda text: numbered_lines(text)[0], paren_items),
    (lambda text: "\\" in text and _ANY_FOREIGN_ESCAPE.search(text) is not None, kramdown_escapes),
    (lambda text: "~" in text and SINGLE_TILDE.search(text) is not None, single_tildes),
    (lambda text: colon_opens_a_line(text) and STRAY_COLON.search(lined_text(text)) is not None, stray_colons),
    (
        lambda text: "](" in text and (_ODD_TARGET.search(text) or _NESTED_BRACKET.search(text)) is not None,
        inline_links,
    ),
    (lambda text: "](" in text or "]:" in text, spaced_destinations),
    (lambda text: "<" in text and ("@" in text or "&" in text or "<http" in text or "<ftp" in text), autolinks),
    (lambda text: "<" in text and ":" in text and FOREIGN_AUTOLINK.search(text) is not None, foreign_autolinks),
    (lambda text: "]:" in text and _EMPTY_LABEL_END.search(text) is not None, empty_definitions),
    (lambda text: "]:" in text and SPACED_REFERENCE.search(text) is not None, spaced_references),
    (lambda text: text.count("]:") > 1, shadowed_definitions),
    (lambda text: "<?" in text or "<![CDATA[" in text, xml_markup),
    (
        lambda text: (
            "<" in text
            and (
                "</" in text
                or BLOCK_TAG_IN_CELL.search(text) is not None
                or UNQUOTED_VALUE.search(text) is not None
                or DOTTED_TAG.search(text) is not None
                or UNCLOSED_SPAN.search(text) is not None
                or _PAGE_TAG.search(text) is not None
            )
        ),
        text_tags,
    ),
)
# The rarer block constructs, read line by line.
_LINE_REWRITES: tuple[tuple[Callable[[str], bool], Callable[..., tuple[list[str], list[bool]]]], ...] = (
    (lambda _text: False, lines_under_item_code),  # (run where the opaque package put an item's fence: _rewrite)
    (
        lambda text: has_quote_line(text) and _QUOTE_UNDER_ITEM_ANY.search(lined_text(text)) is not None,
        quotes_under_items,
    ),
    (lambda text: ">" in text and _LAZY_QUOTE_LINE_ANY.search(lined_text(text)) is not None, lazy_quote_lines),
    (
        lambda text: "\n:" in text and _DEFINITION_UNDER_ITEM_ANY.search(lined_text(text)) is not None,
        definitions_under_items,
    ),
    (lambda text: "markdown" in text and _MARKDOWN_ATTR_ANY.search(text) is not None, markdown_in_html),
    (lambda text: "<" in text and _SPAN_TAG_LINE_ANY.search(lined_text(text)) is not None, span_tag_lines),
    (lambda text: "<" in text and _VOID_TAG_LINE_ANY.search(lined_text(text)) is not None, void_tag_lines),
    (lambda text: "|" in text, read_tables),
    (
        lambda text: ("\t" in text or "     " in text) and _WIDE_ITEM_ANY.search(lined_text(text)) is not None,
        wide_items,
    ),
    (
        lambda text: (
            _BULLET_LINE_ANY.search(lined_text(text)) is not None
            and _ORDERED_LINE_ANY.search(lined_text(text)) is not None
        ),
        lazy_items,
    ),
    (lambda text: "#" in text and _SHIFTED_HEADING_ANY.search(lined_text(text)) is not None, shifted_headings),
    (
        lambda text: (
            (" #" in text and _HEADING_ITEM_ANY.search(lined_text(text)) is not None) or _heading_under_item(text)
        ),
        heading_items,
    ),
    (_empty_item, empty_items),
    (lambda text: numbered_lines(text)[1], ordered_items),
    (break_line_under_text, paragraph_breaks),
    (lambda text: "{" in text and ("#" in text or "==" in text or "--" in text), heading_attributes),
    (lambda text: "----" in text, long_dashes),
)
