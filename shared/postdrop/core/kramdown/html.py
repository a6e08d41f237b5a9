"""HTML blocks as kramdown's block parser reads them, in the source.

``markdown="1"`` (or ``block``, ``span``) reads an element's content as Markdown and
``markdown="0"`` as raw text; ``{::options parse_block_html="true" /}`` turns the first on for
what follows. A line holding only a span element's tag, or a body-less block tag, does not open
an HTML block as CommonMark's would; an HTML block ends at its closing tag; a comment opening a
quote's line stays in the quote; processing instructions and CDATA are text."""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache

from postdrop.core.kramdown.lines import (
    BLANK_LINE,
    BLOCK_TAG_NAMES,
    BLOCK_TAGS,
    LIST_ITEM,
    MAX_REWRITES,
    QUOTE_MARKERS,
    SPAN_ELEMENT_OPEN,
    VOID_TAG_NAMES,
    indent_of,
    is_text_line,
    lazy,
    sub_in_prose,
)
from postdrop.core.kramdown.tables import in_table, opens_table, table_as_text
from postdrop.core.limits import tags_end
from postdrop.core.opaque import Masked, tag_pattern
from postdrop.core.opaque.tokens import HTML_MARK
from postdrop.core.spanhtml import BLOCK_MODEL, MARKDOWN_CONTENT
from postdrop.exceptions import PostRejected

__all__ = [
    "OPTIONS",
    "QUOTED_COMMENT",
    "SOURCE_TOKEN_IN_TEXT",
    "SPAN_ALTERNATION",
    "SPAN_MARKDOWN_OFF",
    "VOID_BLOCKS",
    "VOID_TAG",
    "html_options",
    "join_html_blocks",
    "markdown_in_html",
    "options_in",
    "quoted_comments",
    "raw_span_elements",
    "span_tag_lines",
    "void_tag_lines",
    "xml_markup",
]

OPTIONS = lazy(r"\{::options\b(?:[^}\"'/]|/(?!\})|\"[^\"]{0,200}\"|'[^']{0,200}'){0,300}+/\}")
_MARKDOWN_ATTR = lazy(
    r"^ {0,3}<(?P<tag>[A-Za-z][A-Za-z0-9-]*)(?P<before>[^>]*?)\s+markdown\s*=\s*"
    r"(?P<q>[\"']?)(?:1|block|span)(?P=q)(?P<after>[^>]*)>(?P<rest>.*)$"
)
# after a newline (the text gets one in front): a literal first character lets re search fast
_HTML_BLOCK_OPEN = lazy(rf"\n {{0,3}}<({BLOCK_TAGS})(?=[\s/>]|$)", re.IGNORECASE | re.MULTILINE)
# {::options key="value" /}: each option's name and value
_OPTION = lazy(r"(\w+)\s*=\s*(?:\"([^\"]{0,200})\"|'([^']{0,200})'|(\S+?))(?=\s|/\})")


def options_in(text: str) -> list[tuple[int, dict[str, str]]]:
    """The ``{::options /}`` extensions of the masked text: where each is, and what it sets."""
    return [
        (
            match.start(),
            {m.group(1): m.group(2) or m.group(3) or m.group(4) or "" for m in _OPTION.finditer(match.group(0))},
        )
        for match in OPTIONS.finditer(text)
    ]


def html_options(text: str, masked: Masked) -> str:
    """``{::options parse_span_html="false" /}``: span elements after it hold text, as with
    ``markdown="0"``; ``{::options parse_block_html="true" /}``: the HTML blocks after it hold
    Markdown, as with ``markdown="1"`` (which markdown_in_html then reads)."""
    options = options_in(text)
    no_span_html = next((at for at, values in options if values.get("parse_span_html") == "false"), -1)
    if no_span_html >= 0:
        text = raw_span_elements(text, masked, since=no_span_html)
        options = options_in(text)
    since = next((at for at, values in options if values.get("parse_block_html") == "true"), -1)
    if since < 0 or not masked.html_blocks:
        return text

    def markdown_on(match: re.Match[str]) -> str:
        token = match.group(0)
        if token not in masked.html_blocks:
            return token
        block = masked.source[token]
        if _ANY_MARKDOWN_ATTR.search(block.split(">", 1)[0]) is not None:
            return token  # its own markdown="..." wins: markdown="0" keeps it raw
        return re.sub(r"^(\s*<[A-Za-z][\w-]*)", r'\1 markdown="1"', _block_markdown(block, masked), count=1)

    return text[:since] + SOURCE_TOKEN_IN_TEXT.sub(markdown_on, text[since:])


_LINE_TAG = lazy(r" {0,3}<(/?)([A-Za-z][\w-]{0,100})")


def _block_markdown(block: str, masked: Masked) -> str:
    """An HTML block read as Markdown (parse_block_html), as kramdown reads it: each element in it
    whose content kramdown reads as blocks gets ``markdown="1"`` too, and its indented code blocks
    become tokens, as the opaque package makes the top level's: lines indented four columns where a block
    starts (after a blank line, or an element's open or close tag), to the last such line before
    one that is less indented. Inside an element whose content kramdown does not read as blocks
    (a table, a paragraph) there is none; nor in a block with a list item (an item's lines may be
    indented as far)."""
    lines = block.split("\n")
    first = _LINE_TAG.match(lines[0])
    if first is None or first.group(2).lower() not in BLOCK_MODEL or masked.tokens is None:
        return block
    find_code = ("\n    " in block or "\n\t" in block) and not any(LIST_ITEM.match(line) for line in lines)
    out = lines[:1]
    boundary = True  # a block may start at the line
    raw = ""  # the element whose close tag the lines wait for
    i = 1
    while i < len(lines) - 1:  # the content: the open tag's line and the close tag's are the block's
        line = lines[i]
        if raw:
            raw = "" if f"</{raw}" in line.lower() else raw
            boundary = not raw
        elif not line.strip():
            boundary = True
        elif find_code and boundary and indent_of(line) >= 4:
            j = i + 1
            while j < len(lines) - 1 and (not lines[j].strip() or indent_of(lines[j]) >= 4):
                j += 1
            while not lines[j - 1].strip():
                j -= 1
            out.append(masked.tokens.source("\n".join(lines[i:j]), block=True))
            i, boundary = j, False
            continue
        elif (tag := _LINE_TAG.match(line)) is not None:
            name = tag.group(2).lower()
            closed = tag.group(1) == "/" or name == "hr" or f"</{name}" in line.lower()
            boundary = closed or name in BLOCK_MODEL
            raw = "" if boundary or name not in BLOCK_TAG_NAMES else name
            if not tag.group(1) and name in BLOCK_MODEL and _ANY_MARKDOWN_ATTR.search(line.split(">", 1)[0]) is None:
                line = f'{line[: tag.end()]} markdown="1"{line[tag.end() :]}'
        else:
            boundary = False
        out.append(line)
        i += 1
    return "\n".join([*out, *lines[i:]])


SOURCE_TOKEN_IN_TEXT = lazy("\U000ffffa[\U00100000-\U0010fffd]{2}")
_ANY_MARKDOWN_ATTR = lazy(r"\smarkdown\s*=", re.IGNORECASE)


# a comment opening a quote's line, closed on it: its markers (group 1), the comment (group 2)
QUOTED_COMMENT = lazy(r"\n((?:[ \t]{0,3}>[ \t]?)+)(<!--(?:(?!-->)[^\n]){0,2000}-->)")


def quoted_comments(text: str, masked: Masked) -> str:
    """A comment opening a quote's line under a line of the quote's paragraph goes on the
    paragraph, as it does outside a quote (opaque/htmlblocks.py): kramdown's paragraph ends at no comment,
    where CommonMark's HTML block would. It is a token rendered as written."""

    def one(match: re.Match[str]) -> str:
        above_start = text.rfind("\n", 0, match.start()) + 1
        markers = QUOTE_MARKERS.match(text, above_start, match.start())
        if markers is None or markers.group(0).count(">") != match.group(1).count(">"):
            return match.group(0)
        if not is_text_line(text[markers.end() : match.start()]):
            return match.group(0)  # no paragraph's line above (a blank quote line, a heading, a tag...)
        return f"\n{match.group(1)}{masked.raw(match.group(2), match.group(2))}"

    return sub_in_prose(QUOTED_COMMENT, one, text)


# a span element with markdown="0": its content is not Markdown
SPAN_MARKDOWN_OFF = lazy(
    r"<([A-Za-z][\w-]{0,100})((?:\s[^<>]{0,2000}?)?)\s+markdown\s*=\s*([\"']?)0\3([^<>]{0,2000})>", re.IGNORECASE
)
# inside it, a tag, and an element whose markdown="1" (or "span", "block") turns Markdown back on
_INNER_TAG = lazy(r"</?[A-Za-z][\w-]{0,100}(?:\s[^<>]{0,2000})?/?>")
_INNER_MARKDOWN_ON = lazy(
    r"<([A-Za-z][\w-]{0,100})\s[^<>]{0,2000}?markdown\s*=\s*[\"']?(?:1|span|block)\b[^<>]{0,2000}>", re.IGNORECASE
)


def raw_span_elements(text: str, masked: Masked, since: int | None = None) -> str:
    """``<span markdown="0">*text*</span>``: kramdown reads the element's content as text (a
    ``<`` there is shown, not a tag's), but for the tags in it, and for an element in it whose
    ``markdown="1"`` turns Markdown back on. Block-level elements are HTML blocks, not these.
    ``since``: every span element from there on (``{::options parse_span_html="false" /}``)
    that has no markdown attribute of its own."""
    import html  # noqa: PLC0415 - only a post with such an element comes here

    def raw(piece: str) -> str:
        """A piece of the element (tags and text, no Markdown) as a token of its HTML."""
        written = masked.to_written(piece)  # a code span in it is text too
        out: list[str] = []
        pos = 0
        for tag in _INNER_TAG.finditer(written):
            out += [html.escape(written[pos : tag.start()], quote=False), tag.group(0)]
            pos = tag.end()
        out.append(html.escape(written[pos:], quote=False))
        return masked.raw(written, "".join(out))

    closes: dict[str, list[tuple[int, int]]] = {}  # by name: where its close tags are (one search a name)
    blanks = [m.start() for m in BLANK_LINE.finditer(text)]  # where paragraphs end

    def close_after(name: str, at: int) -> tuple[int, int] | None:
        """The first close tag of ``name`` after ``at``, in the same paragraph."""
        key = name.lower()
        if key not in closes:
            closes[key] = [(m.start(), m.end()) for m in _close_tag(key).finditer(text)]
        found = closes[key]
        k = bisect_left(found, (at, at))
        if k == len(found):
            return None
        b = bisect_left(blanks, at)
        return found[k] if b == len(blanks) or found[k][0] < blanks[b] else None

    pieces: list[str] = []
    pos = 0
    places = 0
    found = SPAN_MARKDOWN_OFF.finditer(text) if since is None else SPAN_ELEMENT_OPEN.finditer(text, since)
    for match in found:
        places += 1
        if places > MAX_REWRITES:
            raise PostRejected(
                f"the body has more than {MAX_REWRITES:,} places for one kramdown rewrite (HTML elements"
                " whose content is text); postdrop reads no more in one post"
            )
        if match.start() < pos or match.group(1).lower() in BLOCK_TAG_NAMES:
            continue
        if since is not None and (match.group(1).lower() in VOID_TAG_NAMES or "markdown" in match.group(0)):
            continue
        close = close_after(match.group(1), match.end())
        if close is None:
            continue
        opening = match.group(0) if since is not None else f"<{match.group(1)}{match.group(2)}{match.group(4)}>"
        inner: list[str] = []
        at = match.end()
        for on in _INNER_MARKDOWN_ON.finditer(text, match.end(), close[0]):  # Markdown again inside such one
            end = close_after(on.group(1), on.end())
            if on.start() < at or end is None or end[1] > close[0]:
                continue
            inner += [raw(text[at : on.start()]), text[on.start() : end[1]]]
            at = end[1]
        inner.append(raw(text[at : close[0]]))
        pieces += [text[pos : match.start()], masked.raw(match.group(0), opening), *inner]
        pieces.append(masked.raw(text[close[0] : close[1]], text[close[0] : close[1]]))
        pos = close[1]
    return "".join(pieces) + text[pos:] if pieces else text


@cache
def _close_tag(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE)


def markdown_in_html(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """``<div markdown="1">`` ... ``</div>``: blank lines around the content make CommonMark end
    the HTML block and read the content as Markdown, as kramdown does. kramdown reads the content
    in place, its close tag right under it (no table there: _no_table_before_close), and
    kramdown-parser-gfm turns no backslash at a line's end into a line break inside an element."""
    out: list[str] = []
    flags: list[bool] = []
    closing: list[str] = []  # the close tags still awaited, innermost last
    for line, is_code in zip(lines, code, strict=True):
        if closing and not is_code and closing[-1] in _SPAN_MODEL:
            line = _span_content(line)  # noqa: PLW2901 - the line as the element's span content
        match = None if is_code else _MARKDOWN_ATTR.match(line)
        if closing and not is_code and line.strip().lower().startswith(f"</{closing[-1]}"):
            if out and out[-1].strip() and not flags[-1]:
                _no_table_before_close(out, flags)
            out += ["", line.strip(), ""]
            flags += [False, False, False]
            closing.pop()
            continue
        if match is None:
            inner = line.strip() if closing and not is_code else line
            if (
                closing
                and inner.endswith("\\")
                and not inner.startswith("<")
                and (len(inner) - len(inner.rstrip("\\"))) % 2
            ):
                inner += "\\"  # kramdown-parser-gfm makes no line break of it inside an element
            out.append(inner)
            flags.append(is_code)
            continue
        tag = match["tag"]
        out += [f"<{tag}{match['before']}{match['after']}>", ""]
        flags += [False, False]
        rest = match["rest"]
        if rest.strip():
            close = rest.lower().rfind(f"</{tag.lower()}")
            if tag.lower() in _SPAN_MODEL:
                rest = _span_content(rest)
            if close >= 0:
                out += [rest[:close], "", rest[close:], ""]
                flags += [False] * 4
                continue
            out.append(rest)
            flags.append(False)
        closing.append(tag.lower())
    return out, flags


# the elements whose content kramdown reads as spans, markdown="1" too (a <p>, a heading, a <span>)
_SPAN_MODEL = MARKDOWN_CONTENT - BLOCK_MODEL
# a line that opens a block: a list item, a heading, a quote, a rule or setext underline
_BLOCK_START = lazy(r"[ \t]*(?:[*+-](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|#|>|(?:[-=_*][ \t]*){3,}$)")


def _span_content(line: str) -> str:
    """A line of an element whose content kramdown reads as spans (``<p markdown="1">``, a
    heading's): no block opens in it, its marker escaped (``- a`` is text)."""
    start = _BLOCK_START.match(line)
    if start is None:
        return line
    at = len(line) - len(line.lstrip(" \t"))
    if line[at].isdigit():
        at = start.end() - 1  # "1." : its "." escaped
    return f"{line[:at]}\\{line[at:]}"


def _no_table_before_close(out: list[str], flags: list[bool]) -> None:
    """The lines right above an element's close tag (``</div>`` under them): kramdown reads the
    element's content in place, where a table needs a blank line (or the end) after it, so table
    lines there are a paragraph: their borders escaped, so that CommonMark reads no table."""
    k = len(out)
    while k > 0 and out[k - 1].strip() and not flags[k - 1] and in_table(out[k - 1]):
        k -= 1
    if k == len(out) or (k > 0 and out[k - 1].strip()) or not opens_table(out[k], 0):
        return
    out[k:] = table_as_text(out[k:])


def join_html_blocks(text: str) -> str:
    """Remove the blank lines inside a block-level HTML element that starts a line, so it stays
    one HTML block. An element with ``<pre>`` or ``<textarea>`` inside keeps its lines, and so
    does one with ``markdown="1"`` (_markdown_in_html, after this, reads its content)."""
    text = "\n" + text
    pieces: list[str] = []
    pos = 0
    for match in _HTML_BLOCK_OPEN.finditer(text):
        start = match.start() + 1  # the element, after the newline the search starts with
        if start < pos:
            continue
        end = _element_end(text, start, match.group(1).lower())
        if end is None:
            break  # never closed: nor is anything after it joined (one scan, not one per line)
        element = text[start:end]
        if not BLANK_LINE.search(element) or re.search(r"<(?:pre|textarea)\b|markdown\s*=", element, re.IGNORECASE):
            continue
        pieces += [text[pos:start], BLANK_LINE.sub("\n", element)]
        pos = end
    if not pieces:
        return text[1:]
    return ("".join(pieces) + text[pos:])[1:]


def _element_end(text: str, start: int, tag: str) -> int | None:
    """The end of the element opened at ``start``: after its matching close tag."""
    depth = 0
    for match in tag_pattern(tag).finditer(text, start, tags_end(text)):
        if match.group(1):
            depth -= 1
            if depth == 0:
                return match.end()
        elif not match.group(0).endswith("/>"):
            depth += 1
    return None


# kramdown's span elements (its HTML_SPAN_ELEMENTS) that CommonMark's type-7 HTML block may take:
# a line of only one of their tags, a paragraph's lines under it
SPAN_ALTERNATION = (
    "a|abbr|acronym|b|big|bdo|br|button|cite|del|dfn|em|i|img|input|ins|label|mark|q|rb|rbc|rp|rt|rtc|ruby|select"
    "|small|span|strong|sub|sup|tt"
)
_SPAN_TAG_LINE = lazy(rf" {{0,3}}</?(?:{SPAN_ALTERNATION})(?:\s[^<>\n]{{0,2000}})?/?>[ \t]*", re.IGNORECASE)


def span_tag_lines(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """A line of only a span element's tag (``<img src="x"/>``, ``<span class="y">``) with text
    under it opens a paragraph to kramdown, the tag an element in it; CommonMark opens a raw HTML
    block there, to the next blank line, and reads no Markdown in it. An empty comment after the
    tag makes the line one CommonMark's HTML block cannot open with (neither the text nor the
    sanitized HTML keeps it); two spaces or more after the tag stay after it, a line break there
    as in any line of a paragraph."""
    out = list(lines)
    for i, line in enumerate(lines[:-1]):
        if (
            not code[i]
            and line[:4].lstrip()[:1] == "<"
            and lines[i + 1].strip()
            and _SPAN_TAG_LINE.fullmatch(line) is not None
        ):
            tag = line.rstrip()
            out[i] = tag + ("<!-- -->  " if line.endswith("  ", len(tag)) else "<!-- -->")
    return out, code


# kramdown's block-level elements without a body (its HTML_ELEMENTS_WITHOUT_BODY less the span
# elements): a line of only one's tag is a block of its own, whatever follows on the next line
VOID_BLOCKS = "area|base|col|command|embed|hr|keygen|link|meta|param|source|track|wbr"
# (and any other block-level tag closed by its "/>": kramdown reads <p/> as an element without a body)
VOID_TAG = (
    rf"<(?:({VOID_BLOCKS})(?:\s[^<>\n]{{0,2000}})?/?"
    rf"|(?!(?:{SPAN_ALTERNATION})\b)([A-Za-z][\w-]{{0,100}})(?:\s[^<>\n]{{0,2000}})?/)>"
)
_VOID_TAG_LINE = lazy(rf" {{0,3}}{VOID_TAG}[ \t]*", re.IGNORECASE)
# a body-less tag with a close tag after it (``<link ...></link>``): kramdown's element ends at
# its open tag, and the close tag opens a paragraph, as text
_VOID_CLOSED_LINE = lazy(rf"( {{0,3}}<({VOID_BLOCKS})(?:\s[^<>\n]{{0,2000}})?/?>)[ \t]*(</\2\s*>.*)", re.IGNORECASE)
# what opens a line of markup: a tag, or a raw element's token
_MARKUP_FIRST = ("<", HTML_MARK)
# those whose tag opens CommonMark's HTML block under a paragraph's line too (its condition 6)
_CONDITION_6 = (
    "address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div"
    " dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe"
    " legend li link main menu menuitem nav noframes ol optgroup option p param search section summary table"
    " tbody td tfoot th thead title tr track ul"
)
_VOID_INTERRUPTING = frozenset(_CONDITION_6.split())


def void_tag_lines(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """A line of only a body-less block element's tag (``<hr>``, ``<hr/>``, ``<meta ...>``) with
    a line right under it: kramdown's element ends on its line, and the next line opens a block of
    its own (a paragraph, a list); CommonMark's HTML block takes the lines under the tag up to a
    blank line, as raw HTML. A blank line after the tag ends CommonMark's block there too (not
    before indented text, which would become code, nor before a tag or a raw element: HTML
    either way, and raw elements in a paragraph of their own would leave an empty one)."""
    out: list[str] = []
    flags: list[bool] = []
    last = len(lines) - 1
    for i, line in enumerate(lines):
        closed = None if code[i] or "</" not in line else _VOID_CLOSED_LINE.fullmatch(line)
        if closed is not None and (closed.group(2).lower() in _VOID_INTERRUPTING or i == 0 or not lines[i - 1].strip()):
            out += [closed.group(1), "", "&lt;" + closed.group(3)[1:]]  # the close tag: a paragraph's text
            flags += [False, False, False]
            continue
        out.append(line)
        flags.append(code[i])
        if (
            i < last
            and not code[i]
            and line[:4].lstrip()[:1] == "<"
            and lines[i + 1].strip()
            and lines[i + 1].lstrip()[:1] not in _MARKUP_FIRST
            and (code[i + 1] or not lines[i + 1].startswith(("    ", "\t")))
        ):
            tag = _VOID_TAG_LINE.fullmatch(line)
            if tag is not None and (
                (tag.group(1) or tag.group(2)).lower() in _VOID_INTERRUPTING or i == 0 or not lines[i - 1].strip()
            ):
                out.append("")
                flags.append(False)
    return out, flags


_XML_MARKUP = lazy(r"(?<!\\)<(?=\?|!\[CDATA\[)")  # not an escaped "\<" (in a definition's URL)


def xml_markup(text: str) -> str:
    """A processing instruction (``<? ... ?>``) or a CDATA section is text to kramdown, and
    Markdown inside it is read; CommonMark would pass it on as raw HTML."""
    return sub_in_prose(_XML_MARKUP, lambda _m: "&lt;", text)
