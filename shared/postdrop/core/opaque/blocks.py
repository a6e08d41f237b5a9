"""The opaque blocks, found line by line: fenced code (in a quote or a list item too), indented
code, ``$$`` math blocks, HTML ``<pre>``, ``<script>``, ``<style>`` and ``<textarea>`` elements,
HTML comments; where each ends, and the lines a block may open on."""

from __future__ import annotations

import html
import itertools
import re
from functools import cache
from typing import TYPE_CHECKING

from postdrop.core.opaque.htmlblocks import nested_raw_end
from postdrop.core.opaque.lines import (
    HTML_BLOCK_OPEN,
    INDENT,
    ITEM_CONTENT,
    NON_SPACE,
    TAG_NAME,
    NextMatch,
    columns,
    line_end_at,
    look_back,
    unindented,
)
from postdrop.core.opaque.lookback import PageLines, holding_column, in_footnote, in_list, item_column, lines_back
from postdrop.core.spanhtml import BLOCK_MODEL

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "LAZY_END_LINE",
    "LINK_TITLE",
    "FenceScans",
    "after_definition",
    "block_end_at",
    "comment_end",
    "holds_blocks",
    "into_item",
    "lazy_code",
    "lengthened_close",
    "loose_line",
    "markdown_block_open",
    "next_candidate",
    "quote_content",
    "quoted_code",
    "quoted_fence",
]

# a line that may open an opaque block: at the text's start, and after a newline (a literal first
# character lets re skip ahead, where "^" with MULTILINE is tried at every position)
# (a quote's or a list item's line whose content opens with a tag: an HTML block there, perhaps)
_OPENINGS = (
    r" {0,3}[`~$<\t]| {4}| {0,3}>[> \t]*(?:```|~~~|\t| {4}|(?:(?:[*+-]|\d{1,9}\.)[ \t]+)?<)"
    r"| {0,3}(?:[*+-]|\d{1,9}\.)[ \t]+(?:```|~~~|<)"
)
_CANDIDATE = re.compile(_OPENINGS)
_NEXT_CANDIDATE = re.compile(rf"\n(?:{_OPENINGS})")
# a fence inside a block quote (in a list item, perhaps): the quote's markers (group 1), the fence
# (group 2) and what follows it on its line (group 3)
_QUOTED_FENCE = re.compile(r"([ \t]*(?:> ?[ \t]{0,3})*> ?)[ \t]{0,3}(`{3,}|~{3,})(.*)")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})(.*)")
_ITEM_FENCE = re.compile(r"([ \t]*(?:[*+-]|\d{1,9}\.)[ \t]+)(`{3,}|~{3,})(.*)")  # a fence opening a list item
_RAW_BLOCK = re.compile(r" {0,3}<(pre|script|style|textarea)(?=[\s>])", re.IGNORECASE)
_MATH_OPEN = re.compile(r" {0,3}\$\$")
# a link definition's line (kramdown's: the URL may have spaces), and a title alone on its line
_LINK_DEFINITION = re.compile(r" {0,3}\[(?!\^)[^\n\]]{1,999}\]:[ \t]*\S")
LINK_TITLE = re.compile(r"[ \t]*(?:\"[^\n]*\"|'[^\n]*')[ \t]*")


# kramdown's elements whose content markdown="1" reads as blocks (its HTML_CONTENT_MODEL_BLOCK)
_BLOCK_CONTENT_NAMES = (
    "address applet article aside blockquote body dd details div dl fieldset figure figcaption footer form"
    " header hgroup iframe li main map menu nav noscript object section summary td"
)
_BLOCK_CONTENT = frozenset(_BLOCK_CONTENT_NAMES.split())
_MARKDOWN_BLOCK = re.compile(r"\smarkdown\s*=\s*[\"']?(?:1|block)\b", re.IGNORECASE)


def markdown_block_open(line: str) -> bool:
    """Whether ``line`` is only the open tag of an element whose content kramdown reads as blocks
    (``<div markdown="1">``): its content starts a block, so indented lines right under it are
    code, as under a blank line."""
    line = line.rstrip()
    if not line.endswith(">") or line.count("<") != 1 or line.count(">") != 1 or line.endswith("/>"):
        return False
    name = TAG_NAME.match(line)
    return name is not None and name.group(1).lower() in _BLOCK_CONTENT and _MARKDOWN_BLOCK.search(line) is not None


def holds_blocks(line: str) -> bool:
    """Whether the HTML block ``line`` opens is an element whose content kramdown reads as blocks."""
    match = HTML_BLOCK_OPEN.match(line)
    return match is not None and match.group(1).lower() in BLOCK_MODEL


_COMMENT_OPEN = re.compile(r" {0,3}<!--")


def comment_end(
    line: str, pos: int, block_start: bool, closers: NextMatch, blank_lines: NextMatch
) -> tuple[str, int] | None:
    """How kramdown reads an HTML comment opening the line ``line`` (starting at ``pos``), and
    where its ``-->`` ends: ("block", end) for one that opens a block (its lines are no Markdown
    to kramdown, a link definition in there defines nothing, nor to CommonMark; what follows its
    close on that line is read as a block of its own); ("span", end) for one under a paragraph's
    line that closes within the paragraph (kramdown's paragraph goes on over it: no block ends it);
    ("text", 0) for one under a paragraph's line that closes past the paragraph's end (kramdown
    reads a comment there only within the paragraph; CommonMark's HTML block would take the lines
    to its close), and for one never closed. None when the line opens no comment. ``closers``
    finds each ``-->``, ``blank_lines`` each blank line."""
    opened = _COMMENT_OPEN.match(line)
    if opened is None:
        return None
    close_at = closers.at(pos + opened.end())
    if close_at < 0:
        return "text", 0  # never closed: text to kramdown too
    if not block_start:
        end_of_paragraph = blank_lines.at(pos)
        return ("span", close_at + 3) if end_of_paragraph < 0 or close_at < end_of_paragraph else ("text", 0)
    return "block", close_at + 3


def next_candidate(text: str, pos: int) -> int:
    """Where the first line from the one starting at ``pos`` on that may open an opaque block
    starts (one that starts, after up to three spaces, with one of ``` ` ~ $ < ``, a tab, or
    four spaces), or -1. One search: lines an opaque block took are not looked at."""
    if pos > len(text):
        return -1
    if pos == 0 and _CANDIDATE.match(text):
        return 0
    match = _NEXT_CANDIDATE.search(text, max(pos - 1, 0))  # from the newline that ends the line before
    return -1 if match is None else match.start() + 1


def block_end_at(  # noqa: PLR0917 - the scan's state, passed as it stands
    text: str,
    pos: int,
    line: str,
    blank_before: bool,
    out: list[str],
    prose: list[str],
    unclosed: dict[str, int],
    *,
    code_may_open: bool = False,
    page: PageLines | None = None,
) -> tuple[str, int, str, str] | None:
    """The opaque block opening at the line ``line`` that starts at ``pos``: (kind, where its
    last line ends, the text before it on its first line, after it on its last), or None.
    ``unclosed``: for a fence character or a raw tag, the shortest opening that found no close
    below it (nor will any opening after it). ``code_may_open``: indented code may open here
    without a blank line (under a heading). ``page``: what the text above holds last, where the
    look back finds no list item nor a paragraph of the page (lookback.in_list)."""
    size = len(text)
    first_end = pos + len(line)
    indent = columns(line)
    listed = indent >= 4 and in_list(out, prose, page, pos)
    if line[:1] == " " and _SPACES_THEN_TAB.match(line) is not None:
        # no INDENT (a tab or four spaces) opens the line: no code to kramdown, nor a list item, a
        # quote or a heading (their markers follow at most three spaces): a line of text
        if (blank_before or code_may_open) and not listed:
            return "loose", first_end, "", ""
        if _LOOSE_MARKER.match(line) is not None:
            return "loose marker", first_end, "", ""
    if (blank_before or code_may_open) and indent >= 4:
        # indented code: four columns in, of the page or of the list item it is in
        column = 0 if not listed else item_column(out, prose)
        if column is not None and indent < column and blank_before:
            column = holding_column(out, prose, indent, page, pos)  # that item ended (kramdown): which holds the line?
        if column == 0 and line.startswith(("\t", "    ")):
            lazy = _lazy_code_end(text, first_end)
            if lazy is not None and not in_footnote(out, prose):
                return "lazy code", lazy, "", ""
        if column is not None and indent >= column + 4:
            last = first_end
            at = first_end + 1
            blank = lazy = False
            while at <= size:
                end = line_end_at(text, at)
                below = text[at:end]
                if below.strip():
                    if columns(below) < column + 4:
                        if blank or not column or _LOOSE_MARKER.match(below) or _NO_LAZY_CODE.match(below):
                            break
                        lazy = True  # right under the code: kramdown's code goes on over it (its lazy line)
                    last, blank = end, False
                else:
                    blank = True
                at = end + 1
            return (f"item lazy code:{column}" if lazy else "code"), last, "", ""
    fence = _FENCE.match(line)
    item = None if fence else _ITEM_FENCE.match(line)
    if item is not None and (indent < 4 or listed):
        mark = item.group(2)
        if (
            len(item.group(3).strip().split()) > 1
            or "`" in item.group(3)
            or len(mark) >= unclosed.get(mark[0], 1 << 30)
        ):
            return None  # no fence to kramdown (or one that, as an opening above, finds no close): the item's text
        close = _fence_close(mark).search(text, first_end)
        if close is None:
            unclosed[mark[0]] = len(mark)
            return None
        return "code", line_end_at(text, close.start() + 1), item.group(1), ""
    if fence and (indent < 4 or listed):
        mark = fence.group(1)
        lazy_text = False  # a lazy line of a nested item that kramdown reads as text
        # a fence line kramdown does not read as one: text (escaped, so that CommonMark reads text
        # too; not where CommonMark reads no fence either: a backtick after "```" is a code span's)
        prose_line = None if mark[0] == "`" and "`" in fence.group(2) else ("text", first_end, "", "")
        if len(fence.group(2).strip().split()) > 1 or (unclosed and f"text@{pos}" in unclosed):
            return prose_line
        # no close as long as the fence below (an opening above found none): a shorter one may close it
        never_closed = len(mark) >= unclosed.get(mark[0], 1 << 30)
        if never_closed and (unclosed[mark[0]] <= 3 or not _may_close_short(mark, fence.group(2))):
            return prose_line
        if (
            not blank_before
            and (item_above := _lazy_item(out, prose)) is not None
            and item_above[2] <= indent < item_above[0]
        ):
            # a lazy line of the list item above (kramdown's item takes it): a fence only when it
            # closes within the item's lines (CommonMark would end the list at it)
            item_end = None if never_closed else _item_fence_end(text, first_end, mark, *item_above)
            column, marker, margin = item_above
            if not margin and (item_end is None or item_end < 0):
                return prose_line
            if item_end is not None and item_end >= 0:
                return f"item fence:{column},{margin}{marker}", item_end, "", ""
            # a nested item's: its line is text when it does not close in the item's lines, but
            # whether the close below is text too is read as for a fence in the item (None), and
            # where the item's columns may count apart (-1), the line is read as CommonMark reads it
            lazy_text = item_end is None
        if (
            not blank_before
            and (wide := _lazy_item(out, prose, wide=True)) is not None
            and indent < wide[0]
            and (never_closed or (wide_end := _item_fence_end(text, first_end, mark, *wide)) is None or wide_end < 0)
        ):
            return prose_line  # (an item with five spaces or more after its marker: kramdown's text too)
        if not blank_before and indent < 4 and _lazy_quote(prose):
            # a lazy line of the quote above (kramdown's quote takes its lines to a blank line): a
            # fence only when it closes before that blank line, else text of the quote's paragraph
            close = None if never_closed else _fence_close_at(mark, text, first_end, 3)
            if close is None or _BLANK_LINE_BEFORE.search(text, first_end - 1, close.start() + 1) is not None:
                return prose_line
        column = item_column(out, prose) if indent else None
        # a line indented four columns or more past its block's margin (the page's, or the list
        # item's text) closes no fence (kramdown's and CommonMark's close is indented three spaces
        # at most): it is the code's
        most = 3 if column is None and not listed else None if column is None else column + 3
        close = None if never_closed else _fence_close_at(mark, text, first_end, most)
        short = ""
        if close is None:
            if not never_closed:
                unclosed[mark[0]] = len(mark)
            if (close := _short_close(text, first_end, mark, fence.group(2), most=most, unclosed=unclosed)) is not None:
                short = "short "
        if close is not None:
            last = line_end_at(text, close.start() + 1)
            if not blank_before and column is not None and _holds_item(text, first_end, close.start(), column):
                # right under an item's text, over a list's items: kramdown's text, its close too
                unclosed[f"text@{close.start() + 1}"] = 0
                return prose_line
            if lazy_text:
                return prose_line
            if column is not None and 0 < indent - column <= 3:
                return f"{short}fence:{indent - column}", last, "", ""
            return f"{short}code", last, "", ""
        return prose_line  # never closed: kramdown reads text
    if blank_before and indent < 4 and _MATH_OPEN.match(line):
        return _math_block(text, pos, line)
    raw = _RAW_BLOCK.match(line)
    if raw:
        close_tag = f"</{raw.group(1).lower()}>"
        if close_tag in unclosed:
            return None
        at, start = pos, raw.end()
        while at <= size:
            end = line_end_at(text, at)
            below = text[at:end]
            found = below.lower().find(close_tag, start)
            if found >= 0:
                if raw.group(1).lower() in ("pre", "textarea") and "<" in text[pos + raw.end() : at + found]:
                    nested = nested_raw_end(text, pos, raw.group(1).lower())
                    if nested != at + found + len(close_tag):  # a tag inside holds the close tag as text
                        return _nested_raw_block(text, pos, nested)
                return "raw", end, "", below[found + len(close_tag) :]
            at, start = end + 1, 0
        unclosed[close_tag] = 0
        return None
    return None


def _nested_raw_block(text: str, pos: int, end: int | None) -> tuple[str, int, str, str]:
    """The raw block from ``pos`` to ``end`` (htmlblocks.nested_raw_end; None: to the end of the text)."""
    if end is None:
        return "nested raw", len(text), "", ""
    last = line_end_at(text, end)
    return "nested raw", last, "", text[end:last]


_SPACES_THEN_TAB = re.compile(r" {1,3}\t")
_LOOSE_MARKER = re.compile(r"[ \t]*(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
_BLOCK_MARK = re.compile(r"([ \t]*)(?:(\d{1,9})(?=[.)])|(?=[*+\-#>~`=|<:]))")


def loose_line(line: str) -> str:
    """A line of text whose first character CommonMark could read as a block's marker, escaped."""
    mark = _BLOCK_MARK.match(line)
    if mark is None:
        return line
    at = mark.end()
    return f"{line[:at]}\\{line[at:]}"


# what ends the lazy lines of kramdown's indented code: an attribute list, an end-of-block mark,
# a block-level element's open or close tag
_SPAN_NAMES = (
    "a|abbr|acronym|b|big|bdo|br|button|cite|code|del|dfn|em|i|img|input|ins|kbd|label|mark|option|q|rb|rbc|"
    "rp|rt|rtc|ruby|samp|select|small|span|strong|sub|sup|tt|u|var"
)
_NO_LAZY_CODE = re.compile(rf"{{:| {{0,3}}\^|[ \t]*$| {{0,3}}</?(?!(?:{_SPAN_NAMES})\b)[A-Za-z_:]")
_LAZY_JOIN = re.compile(r"\n( {0,3}\S)")
_INDENT_AT_LINES = re.compile(r"^(?:\t| {4})", re.MULTILINE)


def _lazy_code_end(text: str, first_end: int) -> int | None:
    """kramdown's indented code at the page's margin goes on over lines right under it that are
    not indented (its lazy lines), and after blank lines only over lines with its INDENT (a tab or
    four spaces first). Where such a block ends when it has a lazy line; None when it has none
    (CommonMark reads it alike)."""
    size = len(text)
    last, at, blank, lazy = first_end, first_end + 1, False, False
    while at <= size:
        end = line_end_at(text, at)
        if NON_SPACE.search(text, at, end) is None:
            blank = True
        elif INDENT.match(text, at) is not None:
            last, blank = end, False
        elif blank or _NO_LAZY_CODE.match(text, at, end) is not None:
            break
        else:
            last, lazy = end, True
        at = end + 1
    return last if lazy else None


def lazy_code(region: str, column: int = 0) -> str:
    """The HTML of kramdown's indented code with lazy lines: a lazy line after up to three spaces
    joins the line above with a space, and each line loses one INDENT. In a list item whose text
    is at ``column``, its lines first lose the item's indentation (a lazy line, as much as it has)."""
    if column:
        region = "\n".join(_unindented_columns(line, column) for line in region.split("\n"))
    code = _INDENT_AT_LINES.sub("", _LAZY_JOIN.sub(r" \1", region + "\n"))
    return f"<pre><code>{html.escape(code, quote=False)}</code></pre>"


def _unindented_columns(line: str, column: int) -> str:
    """``line`` with up to ``column`` columns of its indentation taken off (a tab to the next four)."""
    rest = line.lstrip(" \t")
    return line[: len(line) - len(rest)].expandtabs(4)[column:] + rest


FenceScans = dict[tuple[int, str], tuple[int, int, int | None]]  # (depth, fence) -> (from, stopped at, answer)


def quoted_fence(text: str, pos: int, line: str, scans: FenceScans) -> int | None:
    """Where fenced code that opens inside a block quote at the line ``line`` (starting at ``pos``)
    ends: kramdown reads a quote's lines, its markers taken off, as blocks, and so code; each line
    to the closing fence must carry as many markers. None: no such code (a fence kramdown does not
    read as one, more than one word after it, or never closed in the quote). ``scans`` keeps each
    scan's stretch by depth and fence (from, the line it stopped at, its answer): a fence opening
    inside that stretch has the same answer, so a quote of many unclosed fences is read once, not
    once a line (4,000 lines of ``> ```x`` took 17 s of a core)."""
    fence = _QUOTED_FENCE.fullmatch(line)
    if fence is None or len(fence.group(3).split()) > 1 or fence.group(2)[0] in fence.group(3):
        return None
    depth = fence.group(1).count(">")
    mark = fence.group(2)
    at = pos + len(line) + 1
    scanned = scans.get((depth, mark))
    if scanned is not None and scanned[0] <= at <= scanned[1]:
        return scanned[2]
    prefix = re.compile(rf"[ \t]*(?:> ?[ \t]{{0,3}}){{{depth - 1}}}> ?")
    start, found = at, None
    while at <= len(text):
        end = line_end_at(text, at)
        marked = prefix.match(text, at, end)
        if marked is None:
            break  # the quote (or its depth) ends before the code does
        content = text[marked.end() : end]
        rest = content.strip(" \t")
        # (indented four columns or more in the quote: a line of the code)
        if rest.startswith(mark) and not rest.strip(mark[0]) and columns(content) <= 3:
            found = end
            break
        at = end + 1
    scans[(depth, mark)] = (start, at, found)
    return found


_QUOTE_LEVEL = re.compile(r" {0,3}> ?")  # kramdown takes one quote level off a line: its BLOCKQUOTE_START
_QUOTED_ITEM = re.compile(r"[ \t>]*(?:[*+-]|\d{1,9}\.)[ \t]")


def quote_content(line: str, *, code_stops: bool = True) -> tuple[int, str]:
    """A quote's line as kramdown's quotes read it: its depth, and its content, the levels taken
    off down to one with no quote marker (with ``code_stops``, or one that opens with a tab or
    four spaces: indented code at that depth)."""
    depth = 0
    while not (code_stops and INDENT.match(line)) and (level := _QUOTE_LEVEL.match(line)) is not None:
        line = line[level.end() :]
        depth += 1
    return depth, line


def _quote_opens(text: str, above: int, above_end: int) -> bool:
    """Whether a quote opens under the paragraph whose last line is ``text[above:above_end]``:
    no line of it, back to a blank line, is a quote's (a quote's lazy lines go on the quote)."""
    for _ in range(look_back()):
        line = text[above:above_end]
        if not line.strip():
            return True
        if line.lstrip(" ").startswith(">"):
            return False
        if above == 0:
            return True
        above_end = above - 1
        above = text.rfind("\n", 0, above_end) + 1
    return False


def quoted_code(text: str, pos: int, line: str, blank_before: bool) -> tuple[int, str] | None:
    """Indented code inside a block quote, opening at ``line`` (at ``pos``): kramdown takes the
    quote's markers off (`` {0,3}> ?`` a level) and reads a content that opens with a tab or four
    spaces, at the quote's start or after a blank line in it, as code. CommonMark expands a tab
    after the marker from the marker's column (``> \t- x`` is a list item to it). Where the code's
    last line ends, and its lines written as CommonMark reads the same code: each level ``> ``,
    then four spaces (a line of text right under the code is lazy: it joins the code's line with a
    space). None where a list item opens in the quote above (its content column decides) or no
    code opens."""
    depth, content = quote_content(line)
    if depth == 0 or not INDENT.match(content) or not content.strip():
        return None
    above_end = pos - 1
    above = text.rfind("\n", 0, max(above_end, 0)) + 1
    if not blank_before and text[above:above_end].strip(" \t>") and not _quote_opens(text, above, above_end):
        return None  # under a line of text: a paragraph's lazy line, no code
    back = above
    blank_below = True
    for _ in range(look_back()):  # the quote's lines above: a list item among them leaves the line be
        if back <= 0 or back > above_end:
            break
        quote_line = text[back : text.find("\n", back)]
        if not quote_line.lstrip().startswith(">"):
            break
        if _QUOTED_ITEM.match(quote_line):
            # (after a blank line of the quote: under a line of text, a paragraph's lazy line)
            quote_blank = blank_before or not text[above:above_end].strip(" \t>")
            return _quoted_item_code(text, pos, depth, quote_line) if quote_blank else None
        text_line = quote_line.strip(" \t>")
        if text_line and blank_below and quote_content(quote_line)[1][:1] not in (" ", "\t"):
            break  # text at the quote's margin after a blank line: no list above it goes on
        blank_below = not text_line
        back = text.rfind("\n", 0, back - 1) + 1
    lead = "> " * depth
    written = [lead + "    " + content[INDENT.match(content).end() :]]  # type: ignore[union-attr]
    last = pos + len(line)
    at = last + 1
    pending: list[str] = []  # blank quote lines, kept when code follows them
    joined: set[int] = set()  # the lines of written that join the line above
    while at <= len(text):
        end = line_end_at(text, at)
        below = text[at:end]
        below_depth, below_content = quote_content(below)
        if below_depth == depth and INDENT.match(below_content) and below_content.strip():
            written += [*pending, lead + "    " + below_content[INDENT.match(below_content).end() :]]  # type: ignore[union-attr]
            pending = []
            last = end
        elif below_depth == depth and not pending and _NO_LAZY_CODE.match(below_content) is None:
            written.append(" " + below_content)  # a lazy line right under the code joins its line, as at the margin
            joined.add(len(written) - 1)
            last = end
        elif below.strip() and not below.strip(" \t>") and below.count(">") == depth:
            pending.append(lead.rstrip())
        else:
            break
        at = end + 1
    if joined:
        return last, "".join(line if k in joined else "\n" + line for k, line in enumerate(written))[1:]
    return last, "\n".join(written)


# a list item's marker (a nested item's too) and the one to four spaces after it (kramdown's and
# CommonMark's text column alike)
_ITEM_TEXT = re.compile(r" *(?:[*+-]|\d{1,9}\.) {1,4}(?=\S)")


def _quoted_item_code(text: str, pos: int, depth: int, item_line: str) -> tuple[int, str] | None:
    """Indented code in a list item inside a block quote: the quote's content of the line at
    ``pos`` (after a blank line) four columns or more past the text of the item that
    ``item_line`` opens at the same depth (kramdown takes the quote's markers off, then the
    item's indentation: a tab counts to the next four columns of the content). Where the code's
    last line ends and its lines written as CommonMark reads the same code (each ``> `` a level,
    then the item's column and four spaces), or None."""
    item_depth, item_content = quote_content(item_line, code_stops=False)
    item = _ITEM_TEXT.match(item_content)
    if item_depth != depth or item is None:
        return None
    column = len(item.group(0)) + 4
    lead = "> " * depth + " " * column
    written: list[str] = []
    pending: list[str] = []  # blank quote lines, kept when code follows them
    last = at = pos
    while at <= len(text):
        end = line_end_at(text, at)
        below = text[at:end]
        below_depth, below_content = quote_content(below, code_stops=False)
        if below_depth == depth and below_content.strip():
            rest = below_content.lstrip(" \t")
            indent = below_content[: len(below_content) - len(rest)].expandtabs(4)
            if len(indent) < column:
                break
            written += [*pending, lead + indent[column:] + rest]
            pending = []
            last = end
        elif below_depth == depth or (below.strip() and not below.strip(" \t>")):
            pending.append(">" * depth)
        else:
            break
        at = end + 1
    return (last, "\n".join(written)) if written else None


@cache
def _fence_close(mark: str) -> re.Pattern[str]:
    """A line that closes a fence opened by ``mark``: the fence's character, as many times or
    more, and white space only around (searched from the newline before it; group 1: the white
    space before it); ASCII white space after it, as kramdown's (Ruby's) "\\s": a no-break space
    after the fence leaves it open."""
    return re.compile(rf"\n([^\S\n]*){re.escape(mark[0])}{{{len(mark)},}}[ \t\r\f\v]*(?=\n|\Z)")


# the longest fence whose shorter closes are looked for (_short_close): each look that finds none
# lowers the shortest opening known to find no close, so a post pays for a dozen at most
_SHORT_FENCE_MOST = 16


def _short_close(
    text: str, start: int, mark: str, info: str, *, most: int | None, unclosed: dict[str, int]
) -> re.Match[str] | None:
    """The close of a fence ``mark`` that no run as long closes, as kramdown's fence pattern
    finds it: it backtracks to a shorter opening run, the characters left over starting the code's
    language (four backticks over three: code whose language is one backtick), so the first line
    of the longest run below that is shorter than the fence closes it. The characters left over
    and the info string must make one word. ``unclosed`` as block_end_at's."""
    if not _may_close_short(mark, info):
        return None
    for k in range(min(len(mark), unclosed.get(mark[0], 1 << 30)) - 1, 2, -1):
        close = _fence_close_at(mark[:k], text, start, most)
        if close is not None:
            return close
        unclosed[mark[0]] = k
    return None


def _may_close_short(mark: str, info: str) -> bool:
    """Whether kramdown may read the fence ``mark`` as a shorter one (_short_close): its info
    string one word, right after the fence (CommonMark's fence has no backtick after its backticks:
    no fence there), and the fence no longer than _SHORT_FENCE_MOST."""
    return (
        3 < len(mark) <= _SHORT_FENCE_MOST
        and not (info[:1].isspace() and info.strip())
        and len(info.split()) <= 1
        and mark[0] not in info
    )


def lengthened_close(region: str) -> str:
    """A fenced block that a run shorter than its opening's closes (_short_close), its close as
    long as the opening: CommonMark's close too (the code's lines as they are)."""
    opening = region.lstrip(" \t")
    run = len(opening) - len(opening.lstrip(opening[0]))
    at = region.rfind("\n") + 1
    close = region[at:]
    indent = len(close) - len(close.lstrip(" \t"))
    written = len(close) - indent - len(close[indent:].lstrip(opening[0]))
    return region[:at] + close[:indent] + opening[0] * run + close[indent + written :]


def _fence_close_at(mark: str, text: str, start: int, most: int | None) -> re.Match[str] | None:
    """The first line from ``start`` on that closes the fence ``mark`` opened, indented ``most``
    columns at most (None: any): one indented further is a line of the code."""
    for close in _fence_close(mark).finditer(text, start):
        if most is None or columns(close.group(1)) <= most:
            return close
    return None


# a block attribute list right after a math block's closing "$$": kramdown's scanner reads it at
# once (its "^" matches where the scan stands), so the "$$" ends a block there
_MATH_IAL = re.compile(r"[ \t]*\{:(?![:/])[^}\n]{1,200}\}[ \t]*")


def _math_block(text: str, pos: int, first: str) -> tuple[str, int, str, str] | None:
    """``$$`` opening a block, to the next ``$$`` that ends its line (or that a block attribute
    list follows) and a block boundary (kramdown's: a blank line, the end, a block attribute
    list's line or an end-of-block ``^`` line)."""
    head = first[: first.index("$$")]
    size = len(text)
    at, start = pos, len(head) + 2
    while at <= size:
        end = line_end_at(text, at)
        line = text[at:end]
        found = line.find("$$", start)
        if found >= 0:
            after = line[found + 2 :]
            below = text[end + 1 : line_end_at(text, end + 1)] if end < size else ""
            if (after.strip() and _MATH_IAL.fullmatch(after) is None) or (
                below.strip() and _MATH_IAL.fullmatch(below) is None and below.strip() != "^"
            ):
                return None  # math inside a paragraph: inline, read with the spans
            return "math", end, head, after
        at, start = end + 1, 0
    return None


def after_definition(text: str, above: int) -> bool:
    """Whether the line starting at ``above`` is a link definition that kramdown reads as one:
    it and the definitions right above it follow a blank line (or open the text). Otherwise
    they are lines of a paragraph. Looks back LOOK_BACK lines."""
    end = line_end_at(text, above)
    for _ in range(look_back()):
        if _LINK_DEFINITION.match(text, above, end) is None and not (
            LINK_TITLE.fullmatch(text, above, end) and above > 0
        ):
            return NON_SPACE.search(text, above, end) is None
        if above == 0:
            return True
        end = above - 1
        above = text.rfind("\n", 0, end) + 1
    return False


def _lazy_item(out: list[str], prose: list[str], *, wide: bool = False) -> tuple[int, str, int] | None:
    """The list item a line right under a line of text belongs to as a lazy line: its content
    column, its kind of marker (``-`` for ``*+-``, ``.`` for numbers) and the content column of
    the item its list is nested in (0 for a list at the margin), or None. The lines between the
    item and here are its own: indented to its column (after blank lines too), or lazy lines (not
    after a blank line) that CommonMark reads as its paragraph's too. A nested item's lazy lines
    are those its parent item holds (indented to the parent's column at least: kramdown reads
    the parent's lines with that column taken off, then the nested list in them). None where
    CommonMark's content column is not kramdown's: five spaces or more after the marker, or a
    tab (and for ``wide``, an item of a nested list). Looks back LOOK_BACK lines."""
    between: list[str] = []  # the lines under the item, last first
    margin_below = False  # the line under this one is a line of text at the margin
    above = itertools.chain(lines_back(prose), lines_back(out))
    for entry, start, end in above:
        item = ITEM_CONTENT.match(entry, start, end)
        if item is None:
            line = entry[start:end]
            if not line.strip():
                if margin_below:
                    return None  # a paragraph at the margin after a blank line: no item's lines
            elif line[:1] not in " \t":
                if _BLOCK_MARK.match(line) is not None or _NO_LAZY_ITEM_LINE.match(line) is not None:
                    return None  # a block of the page's, or a line no item takes lazily
                margin_below = True
            else:
                margin_below = False
            between.append(line)
            continue
        opening = item.group(0)
        if "\t" in opening or (len(opening) - len(opening.rstrip(" ")) > 4) != wide:
            return None  # (``wide``: only such an item, its column kramdown's)
        margin = 0 if opening[0] != " " else _parent_column(above, len(opening) - len(opening.lstrip(" ")))
        if margin is None or (margin and wide):
            return None
        column = len(opening)
        blank = False
        for line in reversed(between):
            if not line.strip():
                blank = True
            elif columns(line) >= column:
                blank = False
            elif blank or _BLOCK_MARK.match(line) is not None or _NO_LAZY_ITEM_LINE.match(line) is not None:
                return None
        return column, "." if opening[0].isdigit() else "-", margin
    return None


def _parent_column(above: Iterator[tuple[str, int, int]], indent: int) -> int | None:
    """The content column of the item that holds the list of an item whose marker is indented
    ``indent`` spaces: 0 for a list at the page's margin (the lines ``above`` it hold no item
    indented less, up to a paragraph at the margin after a blank line, a heading or a rule, or
    the text's start); the parent item's column when its marker is indented less and its text is
    not right of the marker (else None, as for a parent whose column kramdown and CommonMark
    may count apart: a tab, five spaces or more after its marker)."""
    margin_line = False  # the line below the one looked at is a paragraph's line at the margin
    for entry, start, end in above:
        if NON_SPACE.search(entry, start, end) is None:
            if margin_line:
                return 0
            continue
        if (parent := ITEM_CONTENT.match(entry, start, end)) is not None:
            opening = parent.group(0)
            if entry[start] == "\t" or len(opening) - len(opening.lstrip(" ")) < indent:  # a parent item's
                if "\t" in opening or len(opening) - len(opening.rstrip(" ")) > 4 or len(opening) > indent:
                    return None
                return len(opening)
            margin_line = False
        elif entry[start] in " \t":
            margin_line = False
        elif _ATX_OR_RULE.match(entry, start, end) is not None:
            return 0  # a heading or a rule at the margin: the list opens under it
        else:
            margin_line = True
    return 0


# (the repeat possessive, as _BREAK_LINE in kramdown/text.py: a repeated group keeps a backtracking
# entry an iteration, some 145 bytes, so a line of a million "_" took 875 MB)
_ATX_OR_RULE = re.compile(r"#{1,6}(?:[ \t]|$)|([-*_])(?:[ \t]*\1){2,}+[ \t]*$|=+[ \t]*$")


# a line that is no lazy line of a list item (kramdown's lazy_re): an attribute list, an end-of-block
# mark, a block-level element's open or close tag
_NO_LAZY_ITEM_LINE = re.compile(rf" {{0,3}}(?:\{{:(?![:/])|\^[ \t]*$|</?(?!(?:{_SPAN_NAMES}|script)\b)[A-Za-z_:])")
# searched: a line that ends a paragraph as it ends an item's lazy lines (kramdown's LAZY_END)
LAZY_END_LINE = re.compile(
    rf"\n {{0,3}}(?:\{{:(?![:/])|\^[ \t]*$|</?(?!(?:{_SPAN_NAMES}|script)\b)[A-Za-z_:])", re.MULTILINE
)
_ITEM_STARTS = {"-": re.compile(r"( {0,3})[*+-][ \t]"), ".": re.compile(r"( {0,3})\d+\.[ \t]")}


_ITEM_OPENING = re.compile(r"(?:[*+-]|\d{1,9}\.)[ \t]")
_ITEM_LINE = re.compile(r"\n[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]")


def _holds_item(text: str, start: int, end: int, column: int) -> bool:
    """Whether a line between ``start`` and ``end`` opens a list item up to three columns past
    ``column`` before any blank line (a fence right under an item's text over such lines is no
    fence to kramdown: its list parts the item's lines there, and reads each part on its own)."""
    if (blank := _BLANK_LINE_BELOW.search(text, start - 1, end)) is not None:
        end = blank.start()
    at = start
    while (item := _ITEM_LINE.search(text, at, end)) is not None:
        line = text[item.start() + 1 : line_end_at(text, item.start() + 1)]
        if column <= columns(line) <= column + 3:
            return True
        at = item.end()
    return False


_QUOTE_LINE = re.compile(r" {0,3}>")
_BLANK_LINE_BELOW = re.compile(r"\n[ \t]*(?:\n|$)")
_BLANK_LINE_BEFORE = re.compile(r"\n[ \t]*\n")  # (searched up to a close line: no "$" there)


def _lazy_quote(prose: list[str]) -> bool:
    """Whether the line here is a lazy line of a block quote: a quote's line is above it in the
    current run of prose, with no blank line between (kramdown's quote runs to a blank line)."""
    for entry, start, end in lines_back(prose):
        if _BLANK.fullmatch(entry, start, end) is not None:
            return False
        if _QUOTE_LINE.match(entry, start, end) is not None:
            return True
    return False


_BLANK = re.compile(r"[ \t]*")


def _item_fence_end(  # noqa: PLR0917 - the item as _lazy_item gives it
    text: str, first_end: int, mark: str, column: int, marker: str, margin: int
) -> int | None:
    """Where a fence on a lazy line of a list item (content column ``column``, its list nested
    in an item whose column is ``margin``, or 0) closes, as kramdown reads the item: its lines go
    on over lines indented to the column (after blank lines too) and lazy lines (not after a
    blank line), to an item of the list's kind; None when the fence does not close within them
    (then its line is the item's text); -1 where a line's indent has spaces then a tab."""
    size = len(text)
    close = re.compile(rf" {{0,3}}{re.escape(mark)}{re.escape(mark[0])}*[ \t\r\f\v]*")
    item_start = _ITEM_STARTS[marker]
    at, blank = first_end + 1, False
    split = False  # a blank line came: kramdown parts the item's lines at no list's line after it
    while at <= size:
        end = line_end_at(text, at)
        line = text[at:end]
        if not line.strip():
            blank = split = True
        elif line[:1] == "^" and not line[1:].strip():
            return None  # an end-of-block mark
        elif (start := item_start.match(unindented(line, margin))) is not None and len(
            start.group(1)
        ) < column - margin:
            return None  # the list's next item
        elif " \t" in line[: _indent_end(line)]:
            return -1  # (tabs after spaces: columns kramdown and CommonMark may count apart)
        elif columns(line) >= column:
            blank = False
            if close.fullmatch(_tabs_as_spaces(line), column):
                return end
            if not split and columns(line) - column <= 3 and _ITEM_OPENING.match(line.lstrip(" \t")) is not None:
                # an item of a list inside, no blank line above it in the item: kramdown parts the
                # item's lines there and reads each part on its own (the fence cannot close)
                return None
        elif blank or _NO_LAZY_ITEM_LINE.match(unindented(line, margin)) is not None:
            return None
        else:
            blank = False
            if close.fullmatch(line, margin if columns(line) >= margin else 0):
                return end
        at = end + 1
    return None


def into_item(region: str, lead: str, margin: int = 0) -> str:
    """A fenced block that opened on a lazy line of a list item, its lines indented into the item
    (``lead``: its content column) for CommonMark: the fence at the column, each line left of the
    column moved past it (past the column of the item its list is nested in, ``margin``: kramdown
    reads the nested list with that column taken off); a line at the column or right of it is the
    item's (both take the column off)."""
    lines = region.split("\n")
    lines[0] = lead + lines[0].lstrip(" ")
    column = len(lead)
    lines[1:] = [
        line
        if not line.strip()
        else _tabs_as_spaces(line)
        if columns(line) >= column
        else lead + unindented(line, margin)
        for line in lines[1:]
    ]
    return "\n".join(lines)


def _tabs_as_spaces(line: str) -> str:
    """A line of an item's content with its leading tabs as four spaces each: kramdown's list
    reader writes them so before it takes the item's column off (CommonMark keeps what a tab
    has past the column as a tab's)."""
    if line[:1] != "\t":
        return line
    rest = line.lstrip("\t")
    return " " * 4 * (len(line) - len(rest)) + rest


def _indent_end(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))
