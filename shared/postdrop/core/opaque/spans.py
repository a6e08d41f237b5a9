"""The opaque spans of a paragraph: code spans, kramdown's raw HTML span elements (``<code>``,
``<kbd>``, ``<u>``...), XML-namespaced tags and ``$$`` math, each within its paragraph (a blank
line, or a line that opens another block, ends every span), and not from one table row into the
next."""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from itertools import islice
from typing import TYPE_CHECKING

from postdrop.core.limits import MAX_ELEMENTS
from postdrop.core.opaque.htmlblocks import nested_raw_end, nested_raw_html
from postdrop.core.opaque.lines import NON_SPACE, TAG_NAME
from postdrop.core.spanhtml import BLOCK_ELEMENTS, KRAMDOWN_TAG, MARKDOWN_CONTENT, SWALLOWING, WITHOUT_BODY, raw_element
from postdrop.exceptions import PostRejected

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from postdrop.core.opaque.tokens import Tokens

__all__ = ["mask_spans"]

# what can open a span: a backtick run (after any backslashes), a raw element, "$$"
# (a raw element's open tag is read up to 10,000 characters: searched to the next ">" unbounded,
# a thousand "<code " with none after them took each a search to the text's end)
# (an XML-namespaced tag: HTML to kramdown, but for a "<mailto:...>" autolink, which it reads first)
_SPAN_OPEN = re.compile(  # the lookahead first: one class test at each place, not five alternatives
    r"(?=[`$<])(?:(`+)|(\$\$)|<(code|kbd|samp|var|pre|script|style|textarea)(?=[\s>])[^>]{0,10000}>"
    r"|(?<!\]\()(</?(?!(?-i:mailto|https?|ftps?):)[A-Za-z][\w.-]{0,100}:[A-Za-z][\w.:-]{0,100}(?:\s[^<>]{0,500})?/?>)"
    r"|(<(?:[A-Za-z]|[^\x00-\x7f\s])[\w-]{0,100}(?:\s[^<>]{0,2000})?/?>))",  # another tag: its attributes hold no span
    re.IGNORECASE,
)
# The same places, found by three searches that each skip ahead to their first character (a
# class or a lookahead first is tried at every position, which on CJK text costs 5-10 ns a
# character); _openers merges them as _SPAN_OPEN's one left-to-right scan would find them.
_TICKS = re.compile(r"``*")  # not "`+": a repeat first is no literal to skip ahead to
_SPAN_TAG = re.compile(  # _SPAN_OPEN's tags, its "<" taken out in front: a literal first character
    r"<(?:(code|kbd|samp|var|pre|script|style|textarea)(?=[\s>])[^>]{0,10000}>"
    r"|(?<!\]\(<)(/?(?!(?-i:mailto|https?|ftps?):)[A-Za-z][\w.-]{0,100}:[A-Za-z][\w.:-]{0,100}(?:\s[^<>]{0,500})?/?>)"
    r"|((?:[A-Za-z]|[^\x00-\x7f\s])[\w-]{0,100}(?:\s[^<>]{0,2000})?/?>))",
    re.IGNORECASE,
)
_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")
_NESTING = frozenset({"pre", "textarea"})  # raw elements whose tags inside nest (htmlblocks.nested_raw_end)
_CELL_BORDER = re.compile(r"(?<!\\)\|")
# the raw elements kramdown reads in a paragraph as spans (spanhtml.raw_element), to their close
# tag in it; the ones a browser reads to their close tag as text (spanhtml.SWALLOWING: <script>,
# <title>…) to their paragraph's end when it holds none, as kramdown closes them; <pre> runs to its
# first close tag
_RAW_SPAN_ELEMENTS = frozenset({"code", "kbd", "samp", "var"}) | SWALLOWING
# where kramdown's paragraph ends (kramdown-parser-gfm's rule): a blank line, or a line that opens
# a list item, an ATX heading, a definition or a fenced code block, or a block's attribute list
# ("{: .class}"). (A quote's line too, but a quote's own lines each open with ">": those are left
# to the blank lines.)
_PARAGRAPH_END = re.compile(
    r"\n(?:[ \t]*(?=\n)| {0,3}(?:[*+-][ \t]|\d{1,9}\.[ \t]|#{1,6}[ \t]|:[ \t]|```|~~~"
    r"|\{:(?![:/])[^\n]*\}[ \t]*(?=\n|$)))"
)


def mask_spans(text: str, tokens: Tokens, *, raw_only: bool = False) -> str:
    """Code spans, raw HTML span elements and ``$$`` math in a run of prose lines: each within
    its paragraph (a blank line, or a line that opens another block, ends every span).
    ``raw_only``: raw HTML elements only (the text of an HTML block is not Markdown)."""
    if "`" not in text and "<" not in text and "$$" not in text:
        return text
    limit = -1  # where the paragraph of the last place looked at ends (a blank line, or the end)
    paragraph_end = -1  # where _PARAGRAPH_END ends it (a nested item's line may end it before)
    nested = "\n    " in text
    dollars: list[int] | None = None
    closes: dict[str, list[int]] = {}
    unnested: set[str] = set()  # the raw elements of an HTML block found once never closed by nesting
    pieces: list[str] = []
    pos = 0
    for seen, (start, end, kind, value) in enumerate(_openers(text, raw_only=raw_only)):
        if seen > MAX_ELEMENTS:  # each place costs some Python: a post has at most this many, as elements
            raise PostRejected(  # (only _openers' slow path has more than that)
                f"the body has more than {MAX_ELEMENTS:,} places where a code span, math or an HTML"
                " element may open; postdrop reads no more in one post"
            )
        if start < pos or kind == "tag":
            continue
        if kind == "ns":  # an XML-namespaced tag, HTML to kramdown, text to CommonMark: kept as written
            pieces += [text[pos:start], tokens.rendered(value, value)]
            pos = end
            continue
        if raw_only and kind != "raw":
            continue
        if start >= limit:  # past the paragraph of the place before: where the one of this place ends
            if start >= paragraph_end:
                end_of_paragraph = _PARAGRAPH_END.search(text, start + 1)
                paragraph_end = len(text) if end_of_paragraph is None else end_of_paragraph.start()
            limit = paragraph_end
            if nested:  # a list item's line four spaces in or more ends it inside a list item
                limit = _nested_item_end(text, start, limit)
        opener = back = start
        while back > 0 and text[back - 1] == "\\":
            back -= 1
        escaped = (start - back) % 2 == 1  # an odd run of backslashes before it
        if kind == "`":  # backticks
            ticks = value
            if escaped:  # an escaped backtick: the rest of the run may open a span
                if len(ticks) == 1:
                    continue
                ticks, opener = ticks[1:], opener + 1
            pos = _code_spans(text, pos, opener, ticks, limit, tokens, pieces)
        elif kind == "$":  # $$
            # "\$$...$$" opening a block and ending a line: kramdown's block-math escape takes the
            # backslash off, and the paragraph then reads inline math
            unescaped = escaped and start - back == 1 and _opens_block(text, back)
            if escaped and not unescaped:
                continue
            if dollars is None:
                # any "$$" closes, a "\\$$" too: kramdown's math runs to the next "$$"; no more of
                # them than the places read before the cap above (5 MB of "$$" are 90 MB of positions)
                dollars = [m.start() for m in islice(re.finditer(r"\$\$", text), 2 * MAX_ELEMENTS + 4)]
            k = bisect_right(dollars, opener + 1)
            close = dollars[k] if k < len(dollars) else -1
            if close < 0 or close >= limit or (unescaped and not _ends_line(text, close + 2)):
                continue
            tex = text[opener + 2 : close]
            rendered = _unquoted(text, opener, f'<span class="math math-inline">{html.escape(tex, quote=False)}</span>')
            at = back if unescaped else opener
            token = tokens.rendered(text[at : close + 2], rendered)
            if "|" in tex and "\n" not in tex and _CELL_BORDER.search(tex) is not None:
                tokens.masked.piped_math.add(token)  # a table's row splits it (kramdown/tables.py)
            pieces += [text[pos:at], token]
            pos = close + 2
        elif not raw_only and (kind == "raw text" or value.lower() in _RAW_SPAN_ELEMENTS):  # tags, no Markdown
            name = value.lower()
            if (
                name not in SWALLOWING
                and not _close_tag_between(text, name, closes, end, limit)
                and (kind != "raw text" or escaped or _no_element_to_the_end(text, start, limit))
            ):
                continue  # no close tag in its paragraph: left to CommonMark (a list item's code, say)
            # (but another, "<T>", "<mark>", never closed: its text is raw to the paragraph's end, as
            # kramdown closes it there: "List<T> and **b**" emphasizes nothing; not "\<a>", text)
            close, rendered = raw_element(text, value, start, end, limit)
            pieces += [text[pos:start], tokens.rendered(text[start:close], _unquoted(text, start, rendered))]
            pos = close
        else:  # a raw HTML element: its text is kept as written
            tag = value.lower()
            if tag not in closes:
                closes[tag] = [m.end() for m in re.finditer(rf"</{tag}\s*>", text, re.IGNORECASE)]
            k = bisect_left(closes[tag], end)
            close = closes[tag][k] if k < len(closes[tag]) else -1
            if close < 0:
                continue
            element = text[start:close]
            if raw_only and tag in _NESTING and tag not in unnested and text.find("<", end, close) >= 0:
                # in an HTML block, kramdown reads the tags inside a <pre> as elements that nest (a
                # rouge table's <pre class="lineno"> closes before its own <pre> does)
                nested_end = nested_raw_end(text, start, tag)
                if nested_end is None:
                    unnested.add(tag)  # (nor will a later one close: read to its first close tag)
                else:
                    close, element = nested_end, text[start:nested_end]
                    pieces += [text[pos:start], tokens.rendered(element, nested_raw_html(element))]
                    pos = close
                    continue
            pieces += [text[pos:start], tokens.rendered(element, _unquoted(text, start, element))]
            pos = close
    if not pieces:
        return text
    return "".join(pieces) + text[pos:]


# a list item's line four spaces in or more (group 1: its indent)
_DEEP_ITEM = re.compile(r"\n( {4,})(?:[*+-]|\d{1,9}\.)[ \t]")
# a line's indent, and a list item's marker with the spaces after it
_LINE_OPENING = re.compile(r" *+(?:(?:[*+-]|\d{1,9}\.) +(?=\S))?")


def _nested_item_end(text: str, start: int, limit: int) -> int:
    """Where the paragraph around ``start`` ends before ``limit`` at a list item's line that is
    indented four spaces or more: kramdown reads an item's lines with the item's indent taken
    off, so inside an item a line opening another item (a nested one, or the next of a nested
    list) ends the paragraph when it is at most three spaces further in than the text of the
    paragraph's line (its text's column after an item's marker, else its indent)."""
    item = _DEEP_ITEM.search(text, start, limit)
    if item is None:
        return limit
    line = text.rfind("\n", 0, start) + 1
    opening = _LINE_OPENING.match(text, line)
    if opening is None or opening.end() == line:
        return limit
    column = opening.end() - line
    while item is not None:
        if len(item.group(1)) <= column + 3:
            return item.start()
        item = _DEEP_ITEM.search(text, item.end() - 1, limit)
    return limit


_RUBY_SPACE = frozenset(" \t\n\r\f\v")


def _code_spans(  # noqa: PLR0917 - the scan's state, passed as it stands
    text: str, pos: int, opener: int, ticks: str, limit: int, tokens: Tokens, pieces: list[str]
) -> int:
    """The code span the backticks ``ticks`` at ``opener`` open, and the ones that open right
    after it (the rest of its closing run): each a token in ``pieces`` (the prose up to it from
    ``pos`` before it), or its backticks as text. kramdown's close is the first run of as many
    backticks after the opener, maybe the start of a longer run ("`a``b`" is two spans); a
    closer may follow a backslash: code has no escapes. Returns where the reading goes on."""
    while True:
        after = opener + len(ticks)
        close = text.find(ticks, after)
        # one backtick between spaces is text to kramdown (Ruby's \s: a no-break space is none)
        spaced = len(ticks) == 1 and opener > 0 and text[opener - 1] in _RUBY_SPACE
        spaced = spaced and after < len(text) and text[after] in _RUBY_SPACE
        if spaced or close < 0 or close >= limit or _across_rows(text, opener, close):
            # no span: the backticks are text to kramdown (escaped, so CommonMark pairs none)
            pieces += [text[pos:opener], "\\`" * len(ticks)]
            return opener + len(ticks)
        code = text[after:close]
        if len(ticks) > 1:  # kramdown takes one space off each end
            code = code.removeprefix(" ").removesuffix(" ")
        rendered = f'<code class="language-plaintext highlighter-rouge">{html.escape(code, quote=False)}</code>'
        written = text[opener : close + len(ticks)]
        rendered = _unquoted(text, opener, rendered)
        if "\n" in written and _row_after(text, opener, close):  # a token a line: no row to the tables
            pieces += [text[pos:opener], _line_tokens(tokens, written, rendered)]
        else:
            pieces += [text[pos:opener], tokens.span(written, rendered)]
        pos = close + len(ticks)
        rest = pos
        while rest < len(text) and text[rest] == "`":
            rest += 1
        if rest == pos:
            return pos
        opener, ticks = pos, text[pos:rest]


_QUOTE_MARKERS = re.compile(r"(?:[ \t]{0,3}>[ \t]?)+")


def _unquoted(text: str, start: int, rendered: str) -> str:
    """A span's HTML (``rendered``) without the block quote's markers that open its lines after
    the first (kramdown reads a quote's text with its markers taken off): as many as open the
    line of ``start``."""
    if "\n" not in rendered:
        return rendered
    line = text.rfind("\n", 0, start) + 1
    quote = _QUOTE_MARKERS.match(text, line, start)
    if quote is None:
        return rendered
    depth = quote.group(0).count(">")
    return re.sub(rf"\n(?:[ \t]{{0,3}}(?:>|&gt;)[ \t]?){{0,{depth}}}", "\n", rendered)


def _across_rows(text: str, opener: int, close: int) -> bool:
    """Whether a code span from ``opener`` to ``close`` would cross from one table row into the
    next: it spans lines, and a cell border (an unescaped ``|``) stands before it on its first
    line and after it on its last. kramdown splits a table's lines into cells before it reads
    their spans: each backtick is text in its cell."""
    if text.find("\n", opener, close) < 0:
        return False
    first = text.rfind("\n", 0, opener) + 1
    last = text.find("\n", close)
    return _CELL_BORDER.search(text, first, opener) is not None and (
        _CELL_BORDER.search(text, close, len(text) if last < 0 else last) is not None
    )


def _opens_block(text: str, at: int) -> bool:
    """Whether ``at`` opens a block: up to three spaces before it on its line, and a blank line
    (or the start of the prose) above."""
    line = text.rfind("\n", 0, at) + 1
    if at - line > 3 or NON_SPACE.search(text, line, at) is not None:
        return False
    return line == 0 or NON_SPACE.search(text, text.rfind("\n", 0, line - 1) + 1, line - 1) is None


def _ends_line(text: str, at: int) -> bool:
    """Whether only spaces follow ``at`` on its line."""
    end = text.find("\n", at)
    return NON_SPACE.search(text, at, len(text) if end < 0 else end) is None


def _row_after(text: str, opener: int, close: int) -> bool:
    """Whether a cell border (an unescaped ``|``) follows a code span that spans lines, on its
    last line, and none stands before it on its first: kramdown's table reader takes no line
    for a row there, so the lines read as a paragraph's."""
    first = text.rfind("\n", 0, opener) + 1
    last = text.find("\n", close)
    return _CELL_BORDER.search(text, first, opener) is None and (
        _CELL_BORDER.search(text, close, len(text) if last < 0 else last) is not None
    )


def _line_tokens(tokens: Tokens, written: str, rendered: str) -> str:
    """A span that spans lines as one token a line (its HTML cut at the same line ends), so the
    lines stay lines to the kramdown package's line rewrites."""
    return "\n".join(
        tokens.rendered(part, out) for part, out in zip(written.split("\n"), rendered.split("\n"), strict=True)
    )


def _no_element_to_the_end(text: str, start: int, limit: int) -> bool:
    """Whether the tag at ``start``, never closed in its paragraph (to ``limit``), is no raw
    element running to its end: "<<a>>" (guillemets), a link's "(<my file.html>)", a tag inside
    a link's destination ("](https://<host>/)") or a definition's "]: <some spaces.html>" (read
    before any tag), or a tag in a table's row (closed at its cell's end)."""
    if text[start - 1 : start] in ("<", "("):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].rstrip(" \t").endswith("]:"):
        return True
    if (opener := text.rfind("](", line_start, start)) >= 0 and _DESTINATION.fullmatch(text, opener + 2, start):
        return True  # in an inline link's destination ("](https://<host>/)"): kramdown's link reads it first
    return "|" in text[line_start:limit] and _in_table(text, start, limit)


def _in_table(text: str, at: int, limit: int) -> bool:
    """Whether the paragraph around ``at`` (to ``limit``), one of whose lines has a "|", may be a
    table: its first line has a "|" (kramdown's table interrupts no paragraph) or a line of it is
    a delimiter row (GFM's)."""
    start = text.rfind("\n\n", 0, at) + 1
    first = text[start : text.find("\n", start + 1, limit) if "\n" in text[start + 1 : limit] else limit]
    return "|" in first or _DELIMITER_ROW.search(text, start, limit) is not None


_DESTINATION = re.compile(r"[^\s()<>]*")  # a link's destination up to a tag in it: no white space, parenthesis or tag
_DELIMITER_ROW = re.compile(r"^[ \t>]*\|?[ \t]*:?-+:?[ \t]*\|[-:| \t]*$", re.MULTILINE)


def _close_tag_between(text: str, tag: str, closes: dict[str, list[int]], start: int, end: int) -> bool:
    """Whether a close tag of ``tag`` ends between ``start`` and ``end`` (``closes``: where each
    tag's close tags end, found once a tag)."""
    if tag not in closes:
        closes[tag] = [m.end() for m in re.finditer(rf"</{tag}\s*>", text, re.IGNORECASE)]
    k = bisect_left(closes[tag], start)
    return k < len(closes[tag]) and closes[tag][k] <= end


def _openers(text: str, *, raw_only: bool) -> Iterable[tuple[int, int, str, str]]:
    """Where a span may open in ``text``, in order, as (start, end, kind, value): "`" (the
    backtick run), "$" ("$$"), "raw" (a raw element's name), "raw text" (the name of another
    element that holds no Markdown: _other_tag), "ns" (an XML-namespaced tag, whole) or "tag"
    (another tag, whose attributes hold no span). The places _SPAN_OPEN.finditer finds;
    a text with more candidates than a post may have elements is scanned by _SPAN_OPEN itself,
    one place at a time (the caller stops it past MAX_ELEMENTS)."""
    ticks = 0 if raw_only else text.count("`")
    dollars = 0 if raw_only else text.count("$$")
    if ticks + dollars + text.count("<") > MAX_ELEMENTS:
        return _each_opener(text, raw_only=raw_only)
    found: list[tuple[int, int, str, str]] = []
    if ticks:
        found += [(m.start(), m.end(), "`", m.group()) for m in _TICKS.finditer(text)]
    if dollars:
        at = text.find("$$")
        while at >= 0:
            found.append((at, at + 2, "$", "$$"))
            at = text.find("$$", at + 2)
    if "<" in text:
        for m in _SPAN_TAG.finditer(text):
            raw, namespaced, _other = m.groups()
            if raw is not None:
                found.append((m.start(), m.end(), "raw", raw))
            elif namespaced is not None:
                found.append((m.start(), m.end(), "ns", m.group()))
            elif _BLANK_LINE.search(text, m.start(), m.end()) is None:  # a tag never crosses a paragraph's end
                found.append(_other_tag(m.start(), m.end(), m.group(), text, raw_only=raw_only))
    if not (ticks or dollars):
        return found  # tags alone: one search's matches, in order, none inside another
    found.sort()
    places = []
    scanned = 0  # one scan's matches do not overlap: a place inside an earlier one is none
    for place in found:
        if place[0] >= scanned:
            scanned = place[1]
            places.append(place)
    return places


def _each_opener(text: str, *, raw_only: bool) -> Iterator[tuple[int, int, str, str]]:
    """_openers' places found by _SPAN_OPEN itself, one at a time (for a text with very many)."""
    for match in _SPAN_OPEN.finditer(text):
        kind = next(k for k, group in zip(_KINDS, match.groups(), strict=True) if group is not None)
        if kind == "tag":
            if _BLANK_LINE.search(text, match.start(), match.end()) is None:  # as in _openers
                yield _other_tag(match.start(), match.end(), match.group(), text, raw_only=raw_only)
        else:
            yield match.start(), match.end(), kind, match.group(_KINDS.index(kind) + 1)


def _other_tag(start: int, end: int, tag: str, text: str, *, raw_only: bool) -> tuple[int, int, str, str]:
    """A tag _SPAN_TAG finds that is no code element nor namespaced: "raw text" (its name) when it
    opens an element that holds no Markdown in a paragraph (kramdown's raw content model: not one
    of spanhtml.MARKDOWN_CONTENT, nor a block element's tag, which is text there, nor one without a body),
    and kramdown reads it as a tag; else "tag" (the tag whole)."""
    if not raw_only and not tag.endswith("/>"):
        name = TAG_NAME.match(tag) if tag[1].isascii() else _WIDE_TAG_NAME.match(tag)
        lowered = name.group(1).lower() if name is not None else ""
        if (
            name is not None
            and lowered not in MARKDOWN_CONTENT
            and lowered not in BLOCK_ELEMENTS
            and lowered not in WITHOUT_BODY
            and (kramdown_tag := KRAMDOWN_TAG.match(text, start)) is not None
            and kramdown_tag.end() == end
        ):
            return start, end, "raw text", name.group(1)
    return start, end, "tag", tag


_KINDS = ("`", "$", "raw", "ns", "tag")
# a tag whose name opens with a letter past ASCII (<파일명>, <名前 값>): kramdown's, as XML names it
_WIDE_TAG_NAME = re.compile(r"<([^\x00-\x7f\s][\w.-]*)")
