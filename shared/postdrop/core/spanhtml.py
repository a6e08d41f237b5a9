"""kramdown's span-level HTML: which tags in a paragraph's text are tags, and which are text.

kramdown reads the HTML inside a paragraph (a heading, a list item's text, a table cell) with
its span parser: an open tag starts an element that runs to its own close tag (matched by name
as written, but without regard to case for the names of HTML's elements) or, never closed, to
the end of the paragraph. What that reading shows as text, CommonMark passes on as HTML, and a
browser or the sanitizer would drop or act on it:

- a close tag that closes nothing (no element is open, or the open one is another): ``An
  invalid </closing> tag.``, ``<SoMe>doit</some>``;
- a block-level element's tag: ``A <p>block tag</p>.``, ``<hR>``;
- a tag kramdown does not read as one, where CommonMark does: an attribute value unquoted
  but for word characters (``<a href=x.html>``, ``<img src=/a.png>``).

``text_tags`` escapes those in a masked source (the opaque package has made code and raw elements
tokens), paragraph by paragraph; ``cell_tags`` in one table cell. A line that opens with the
tag of an element that is not a span element starts an HTML block to kramdown, not a paragraph:
its lines, to the next blank line, are left as they are.
"""

from __future__ import annotations

import html
import re
import sys
from bisect import bisect_right

__all__ = [
    "BLOCK_MODEL",
    "KRAMDOWN_TAG",
    "NAME_START",
    "NAME_START_CLASS",
    "SWALLOWING",
    "UNCLOSED_SPAN",
    "UNQUOTED_VALUE",
    "cell_tags",
    "negated_class",
    "raw_element",
    "text_tags",
]

# kramdown's HTML tag, after XML's names: an attribute value is quoted or word characters only.
# Anything else after "<" is text to kramdown (and a browser would read it as a tag, to the next ">").
NAME_START = (
    ":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_CHARS = f"{NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"


def negated_class(chars: str) -> str:
    """The character class ``[chars]`` (characters, ranges ``a-b``, ``\\-`` for a hyphen), written as
    the negation of its complement: the same characters, but re compiles a class by visiting
    each character of its ranges below U+10000, 62,000 for ``[NAME_START]`` and 11,500 for its
    complement, so KRAMDOWN_TAG's six name classes took 17 ms of every ParseFunction cold start."""
    ranges, i = [], 0
    while i < len(chars):
        first = chars[i + 1] if chars[i] == "\\" else chars[i]
        i += 2 if chars[i] == "\\" else 1
        last = first
        if i + 1 < len(chars) and chars[i] == "-":
            last, i = chars[i + 1], i + 2
        ranges.append((ord(first), ord(last)))
    gaps, at = [], 0
    for lo, hi in sorted(ranges):
        if lo > at:
            gaps.append(f"\\U{at:08x}" if lo - 1 == at else f"\\U{at:08x}-\\U{lo - 1:08x}")
        at = max(at, hi + 1)
    if at <= sys.maxunicode:
        gaps.append(f"\\U{at:08x}-\\U{sys.maxunicode:08x}")
    return f"[^{''.join(gaps)}]" if gaps else "(?s:.)"


NAME_START_CLASS = negated_class(NAME_START)  # [NAME_START]
_NAME = f"{NAME_START_CLASS}{negated_class(_NAME_CHARS)}*+"
KRAMDOWN_TAG = re.compile(
    rf"<(?:({_NAME})(?:\s++{_NAME}(?:\s*=\s*(?:\w++|\"[^\"]{{0,4000}}\"|'[^']{{0,4000}}'))?)*+\s*/?>|/({_NAME})\s*>)"
)
# CommonMark's raw HTML tag (open or close). One that is no KRAMDOWN_TAG (an attribute value
# unquoted but for word characters: <a href=x.html>, <img src=/a.png>) is text to kramdown, and
# CommonMark would pass it on as a tag: escaped.
_COMMONMARK_TAG = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9-]*+(?:\s++[A-Za-z_:][A-Za-z0-9_.:-]*+"
    r"(?:\s*=\s*(?:[^\s\"'=<>`]++|'[^']{0,4000}'|\"[^\"]{0,4000}\"))?)*+\s*/?>|/[A-Za-z][A-Za-z0-9-]*\s*>)"
)
# what may be such a tag (an unquoted value with a character that is no word character): the test
# that a source has one, for a text without close tags that text_tags would not otherwise be run on
UNQUOTED_VALUE = re.compile(r"<[A-Za-z][^<>]{0,4000}?=[ \t]*+[^\s\"'=<>`]*?[^\w\s\"'=<>`]")


def _names(names: str) -> frozenset[str]:
    return frozenset(names.split())


# kramdown's (2.4) lists of HTML's elements
SPAN_ELEMENTS = _names(
    "a abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label mark option q rb rbc rp"
    " rt rtc ruby samp select small span strong sub sup tt u var"
)
BLOCK_ELEMENTS = _names(
    "address article aside applet body blockquote caption col colgroup dd div dl dt fieldset figcaption footer"
    " form h1 h2 h3 h4 h5 h6 header hgroup hr html head iframe legend menu li main map nav ol optgroup p pre"
    " section summary table tbody td th thead tfoot tr ul"
)
WITHOUT_BODY = _names("area base br col command embed hr img input keygen link meta param source track wbr")
# the elements whose content kramdown reads as Markdown in a paragraph (its span and block content
# models); the content of any other element with a body is raw: text and tags (raw_element)
# (of those, the ones whose content is blocks: BLOCK_MODEL, read as blocks under parse_block_html)
BLOCK_MODEL = _names(
    "address applet article aside blockquote body dd details div dl fieldset figure figcaption footer form header"
    " hgroup iframe li main map menu nav noscript object section summary td"
)
MARKDOWN_CONTENT = BLOCK_MODEL | _names(
    "a abbr acronym b bdo big button cite caption del dfn dt em h1 h2 h3 h4 h5 h6 i ins label legend optgroup"
    " p q rb rbc rp rt rtc ruby select small span strong sub sup th tt"
)
# the other names kramdown knows as HTML's (its content models'): matched without regard to case
_OTHER_ELEMENTS = _names("details figure math noscript object script style textarea")
HTML_ELEMENTS = SPAN_ELEMENTS | BLOCK_ELEMENTS | WITHOUT_BODY | _OTHER_ELEMENTS
# the elements a browser reads to their close tag as text (raw text, RCDATA, plaintext): one left
# open in a paragraph would take the rest of the post with it, where kramdown closes it at the
# paragraph's end (<script>, <title>…: opaque reads those whose content is raw; <iframe>, a block
# element's tag, is text in a paragraph)
SWALLOWING = _names("iframe noembed noframes noscript plaintext script style textarea title xmp")
# the span elements whose content is Markdown (and <noscript>): open at a paragraph's end, kramdown
# closes them there (a browser would carry an <a> or <b> on into the next paragraph); and <object>,
# whose content the sanitizer drops: C#'s "List<object>" in prose took the rest of the post with it
_CLOSED_AT_END = (SPAN_ELEMENTS & MARKDOWN_CONTENT) | {"noscript", "object"}
# the open tag of one of them, or of a swallowing element: in a text without close tags, one never
# closed (text_tags' test)
UNCLOSED_SPAN = re.compile(rf"<(?:{'|'.join(sorted(_CLOSED_AT_END | SWALLOWING))})(?=[\s>])", re.IGNORECASE)

# each searched in "\n" + text: a blank line; a line that opens a list item, an ATX heading or a
# definition (a span context of its own), or a line that is a code block's token (the opaque
# package's: a fence ends the paragraph above it); a line that opens with a tag or a comment,
# perhaps after a quote's or an item's marker (group 1: where its "<" is)
_BLANK = re.compile(r"\n[ \t]*(?=\n|$)")
_CONTEXT_OPENER = re.compile(r"\n(?:[ \t>]*(?:(?:[*+-]|\d{1,9}\.)[ \t]|\U000ffffa)| {0,3}(?:#{1,6}|:)[ \t])")
_TAG_LINE = re.compile(r"\n[ \t>]*(?:(?:[*+-]|\d{1,9}\.)[ \t]+)?(<)(?:/?[A-Za-z]|!--)")
_TAG_OPEN = re.compile(r"<(?=/?[A-Za-z])|<!--")
_RAW_TAG_OPEN = re.compile(r"<(?=/?(?:[A-Za-z]|[^\x00-\x7f\s]))|<!--")  # and a name past ASCII (raw_element)
_PIPE = re.compile(r"(?<!\\)\|")
# a tag whose name has a "." or a "_" (kramdown's names may, CommonMark's may not: <stdint.h>,
# <new_type>): DOTTED_TAG finds one
_DOTTED_NAME = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*[._]")
DOTTED_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*[._][\w.-]*(?:\s[^<>]*)?/?>")


def text_tags(text: str) -> str:
    """``text`` with the tags kramdown's span parser reads as text escaped (``&lt;``), in each
    paragraph (a list item's, a heading's text on its own). A line that opens with the tag of an
    element that is not a span element opens an HTML block, to the next blank line: left alone.
    A paragraph whose every line has a cell border may be a table: its cells are read on their
    own (``cell_tags``, by kramdown/tables.py)."""
    lined = "\n" + text  # positions in it are those in text of the line after the newline
    blanks = [m.start() for m in _BLANK.finditer(lined)]
    openers = [m.start() for m in _CONTEXT_OPENER.finditer(lined)]
    html_blocks = [m.start() for m in _TAG_LINE.finditer(lined) if _opens_html_block(lined, m.start(1))]
    escapes: list[int] = []
    drops: list[tuple[int, int]] = []
    closings: list[tuple[int, str]] = []  # where a paragraph ends with elements open, their close tags
    quotes: list[int] = []  # the quotes in a tag that is text: kramdown writes them straight, as written
    pos = 0
    while (match := _TAG_OPEN.search(text, pos)) is not None:
        at = match.start()
        blank = _last_before(blanks, at)
        following_blank = _first_after(blanks, at, len(text))
        if _last_before(html_blocks, at) > blank:  # in an HTML block
            pos = following_blank
            continue
        start = max(blank, _last_before(openers, at), 0)
        end = min(following_blank, _first_after(openers, at, len(text)), _first_after(html_blocks, at, len(text)))
        if _table_like(text, start, end):
            pos = end
            continue
        stack: list[tuple[str, bool]] = []
        pos = at
        while (tag := _TAG_OPEN.search(text, pos, end)) is not None:
            pos, kept = _read_tag(text, tag.start(), stack, end)
            if kept is False:
                escapes.append(tag.start())
                if ('"' in text[tag.start() : pos] or "'" in text[tag.start() : pos]) and KRAMDOWN_TAG.match(
                    text, tag.start(), end
                ):  # (a tag kramdown does not read as one is text from its "<" on: its quotes typographic)
                    quotes += [at for at in range(tag.start(), pos) if text[at] in "\"'"]
            elif (
                kept
                and ("." in text[tag.start() : pos] or "_" in text[tag.start() : pos])  # re only where one may match
                and _DOTTED_NAME.match(text, tag.start()) is not None
                and text[tag.start() - 1 : tag.start()] != "("  # a link's "(<url>)": no tag
            ):
                drops.append((tag.start(), pos))
        closes = "".join(f"</{name}>" for name, html in reversed(stack) if html and name in _CLOSED_AT_END)
        if closes:  # kramdown closes the span elements still open at their paragraph's end
            closings.append((end - 1 if text[end - 1 : end] == "\n" else end, closes))
        pos = max(end, at + 1)
    if closings or quotes:
        edits = [(at, at + 1, "&lt;") for at in escapes] + [(a, b, "") for a, b in drops]
        edits += [(at, at + 1, "&quot;" if text[at] == '"' else "&#39;") for at in quotes]
        return _edited(text, sorted(edits + [(at, at, closes) for at, closes in closings]))
    if drops:
        return _dropped(_escaped(text, escapes), escapes, drops)
    return _escaped(text, escapes)


def _edited(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``text[start:end]`` of ``edits`` (in order, none inside another)
    replaced."""
    pieces: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        pieces += [text[pos:start], replacement]
        pos = end
    return "".join(pieces) + text[pos:]


def _dropped(escaped: str, escapes: list[int], drops: list[tuple[int, int]]) -> str:
    """``escaped`` (text with ``escapes`` made "&lt;") without the tags at ``drops`` (positions in
    text): tags kramdown reads whose name CommonMark's tags cannot have (``<stdint.h>``), which a
    browser shows nothing of (nor does the sanitizer keep)."""
    pieces: list[str] = []
    pos = 0
    for start, end in drops:
        shift = 3 * bisect_right(escapes, start)  # each escape before it made "<" four characters
        pieces.append(escaped[pos : start + shift])
        pos = end + shift
    return "".join(pieces) + escaped[pos:]


def _last_before(starts: list[int], at: int) -> int:
    """The last of the line starts ``starts`` at or before ``at``, or -1."""
    k = bisect_right(starts, at) - 1
    return starts[k] if k >= 0 else -1


def _first_after(starts: list[int], at: int, default: int) -> int:
    """The first of the line starts ``starts`` after ``at``, or ``default``."""
    k = bisect_right(starts, at)
    return starts[k] if k < len(starts) else default


def cell_tags(cell: str) -> str:
    """One table cell's text with the tags kramdown reads as text escaped: kramdown splits a row
    into cells before it reads their spans, so an element never crosses a cell border."""
    if "<" not in cell:
        return cell
    escapes: list[int] = []
    drops: list[tuple[int, int]] = []
    stack: list[tuple[str, bool]] = []
    pos = 0
    for match in _TAG_OPEN.finditer(cell):
        if match.start() >= pos:
            at = match.start()
            pos, kept = _read_tag(cell, at, stack, len(cell))
            if kept is False:
                escapes.append(at)
            elif kept and ("." in cell[at:pos] or "_" in cell[at:pos]) and _DOTTED_NAME.match(cell, at) is not None:
                drops.append((at, pos))  # a tag whose name CommonMark's cannot have (<pem_file>): as text_tags
    return _dropped(_escaped(cell, escapes), escapes, drops) if drops else _escaped(cell, escapes)


def raw_element(text: str, name: str, start: int, end: int, limit: int) -> tuple[int, str]:
    """kramdown's reading of a raw span element (``<kbd>``, ``<code>``, ``<samp>``, ``<var>``,
    ``<u>``, ``<mark>``, any element whose content model is raw to kramdown)
    whose open tag is ``text[start:end]``, in a paragraph that ends at ``limit``: its content is
    no Markdown, but its tags are read as a paragraph's are (an element in it of its own name
    nests, a close tag that closes nothing is text); never closed, it runs to the paragraph's
    end. Returns where it ends, and its HTML (text escaped, tags as written)."""
    html = name.lower() in HTML_ELEMENTS  # its close tag matched without regard to case
    stack = [(name.lower(), True) if html else (name, False)]
    pieces = [text[start:end] if name[0].isascii() else _written_as_text(text[start:end])]
    pos = end
    for match in _RAW_TAG_OPEN.finditer(text, end, limit):
        at = match.start()
        if at < pos:
            continue
        after, kept = _read_tag(text, at, stack, limit)
        if kept and not text[at + 1].isascii():  # an element of such a name inside: as its tag is written
            pieces += [_escape_text(text[pos:at]), _written_as_text(text[at:after])]
        else:
            pieces += [_escape_text(text[pos:at]), text[at:after] if kept else _escape_text(text[at:after])]
        pos = after
        if not stack:
            return pos, "".join(pieces)
    pieces.append(_escape_text(text[pos:limit]))
    pieces += [f"</{open_name}>" for open_name, _html in reversed(stack)]
    return limit, "".join(pieces)


def _written_as_text(tag: str) -> str:
    """The open tag of an element whose name opens with a letter past ASCII (``<파드 이름>``) as
    kramdown writes it, each attribute with a quoted value (``<파드 이름="">``), escaped: a browser
    reads no tag there but text (and its close tag as a comment, shown as nothing)."""
    opened = _WIDE_OPEN_TAG.fullmatch(tag)
    if opened is None:
        return _escape_text(tag)
    attributes = "".join(
        f' {attribute.group(1)}="{html.escape(_unquoted_value(attribute.group(2) or ""))}"'
        for attribute in _ATTRIBUTE.finditer(opened.group(2))
    )
    return f"&lt;{opened.group(1)}{attributes}{' /' if opened.group(3) else ''}&gt;"


def _unquoted_value(value: str) -> str:
    return value[1:-1] if value[:1] in ("'", '"') else value


_WIDE_OPEN_TAG = re.compile(r"<([^\s/>]+)(.*?)\s*(/?)>", re.DOTALL)
_ATTRIBUTE = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(\w+|\"[^\"]*\"|'[^']*'))?")


def _escape_text(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;") if "<" in text or ">" in text else text


def _read_tag(text: str, at: int, stack: list[tuple[str, bool]], limit: int) -> tuple[int, bool | None]:
    """Read the tag (or comment) at ``at`` as kramdown's span parser does, with the elements
    open around it (``stack``, innermost last: the name as kramdown keeps it, and whether it is
    HTML's, matched without regard to case). Returns where the reading goes on, and whether
    it read HTML (True), a tag that is text (False), or no tag (None: a "<" CommonMark reads too).
    """
    if text.startswith("<!--", at):
        end = text.find("-->", at + 4, limit)
        return (at + 1, None) if end < 0 else (end + 3, True)
    tag = KRAMDOWN_TAG.match(text, at, limit)
    if tag is None:
        other = _COMMONMARK_TAG.match(text, at, limit)
        return (at + 1, None) if other is None else (other.end(), False)
    opened, closed = tag.group(1), tag.group(2)
    if closed is not None:
        if stack and (closed.lower() if stack[-1][1] else closed) == stack[-1][0]:
            stack.pop()
            return tag.end(), True
        return tag.end(), False
    html = opened.lower() in HTML_ELEMENTS
    name = opened.lower() if html else opened
    if name in BLOCK_ELEMENTS:
        return tag.end(), False
    if not tag.group(0).endswith("/>") and name not in WITHOUT_BODY:
        stack.append((name, html))
    return tag.end(), True


def _opens_html_block(text: str, at: int) -> bool:
    """Whether the tag or comment at ``at``, opening a line, opens an HTML block to kramdown: a
    comment, or the tag of an element that is not a span element (an open tag, or a close tag)."""
    if text.startswith("<!--", at):
        return True
    tag = KRAMDOWN_TAG.match(text, at)
    return tag is not None and (tag.group(1) or tag.group(2)).lower() not in SPAN_ELEMENTS


def _table_like(text: str, start: int, end: int) -> bool:
    """Whether every line of ``text[start:end]`` has a ``|`` that is not escaped: a table's
    lines, whose cells kramdown/tables.py reads."""
    lines = [line for line in text[start:end].split("\n") if line.strip()]
    return bool(lines) and all(_PIPE.search(line) is not None for line in lines)


def _escaped(text: str, escapes: list[int]) -> str:
    if not escapes:
        return text
    pieces: list[str] = []
    pos = 0
    for at in escapes:
        pieces += [text[pos:at], "&lt;"]
        pos = at + 1
    return "".join(pieces) + text[pos:]
