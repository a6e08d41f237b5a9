"""Lists, quotes and definition lists where kramdown and CommonMark end them differently.

An ordered item ends the paragraph above it whatever its number, and ``1)`` is text; a bare
marker under a paragraph's line is text; a lazy line of a quote or of an item of the other
list's kind belongs where kramdown puts it; a heading or a wide indent inside an item; ``:x``
opening a line is no definition, nor is ``: x`` two blank lines under its term."""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING

from postdrop.core.kramdown.lines import (
    ITEM_MARKER,
    ITEM_OR_FOOTNOTE,
    LIST_ITEM,
    QUOTE_MARKERS,
    content_column,
    escape_at,
    indent_of,
    is_text_line,
    lazy,
    lined_text,
    sub_in_prose,
)
from postdrop.core.opaque.lines import unindented
from postdrop.core.spanhtml import SPAN_ELEMENTS

if TYPE_CHECKING:
    import re

    from postdrop.core.opaque import Masked

__all__ = [
    "BARE_MARKER",
    "STRAY_COLON",
    "bare_markers",
    "colon_opens_a_line",
    "definitions_under_items",
    "empty_items",
    "has_bare_marker",
    "has_quote_line",
    "heading_items",
    "lazy_items",
    "lazy_quote_lines",
    "lines_under_item_code",
    "ordered_items",
    "paren_items",
    "quotes_under_items",
    "shifted_headings",
    "stray_colons",
    "wide_items",
]

# "1)" opening a line, or an item's text ("- 1)"): kramdown reads no list item there
_PAREN_ITEM = lazy(r"\n((?:[ \t>]|(?:[*+-]|\d{1,9}\.)[ \t])*\d{1,9})\)(?=[ \t\n]|$)")
_ORDERED_ITEM = lazy(r"^ {0,3}(\d{1,9})\.[ \t]+[^ \t\n]")  # (a no-break space is text to kramdown)
_NESTED_ORDERED = lazy(r"[ \t]*(\d{1,9})\.[ \t]+[^ \t\n]")  # at any indentation
_HEADING_ITEM = lazy(r"^( {0,3}(?:[*+-]|\d{1,9}[.)]) +)#{1,6}[ \t]")
_ITEM_CONTENT = lazy(r" {0,3}(?:[*+-]|\d{1,9}\.) +(?=\S)")  # an item's line at the margin, to its text
_MARGIN_HEADING = lazy(r"#{1,6}[ \t]")


def heading_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """``- #### Heading`` then unindented lines, or an unindented ``## Heading`` under an item's
    lines: kramdown keeps those lines in the list item (lazily, as it does after any first line)
    and reads the heading there; CommonMark ends the item after a heading, or at one. Indent them
    to the item's content, as kramdown reads them."""
    out: list[str] = []
    column = 0  # the content column the lines go to, after a heading in an item
    item = 0  # the content column of the item the lines are under (lazily), up to a blank line
    for line, is_code in zip(lines, code, strict=True):
        if is_code or not line.strip():
            column = item = 0
            out.append(line)
            continue
        match = _HEADING_ITEM.match(line)
        opened = _ITEM_CONTENT.match(line) if match is None else None
        if match:
            column = item = len(match.group(1))
            out.append(line)
        elif opened is not None:
            column, item = 0, len(opened.group(0))
            out.append(line)
        elif item and not column and _MARGIN_HEADING.match(line):
            column = item
            out.append(" " * column + line)
        elif column and not LIST_ITEM.match(line) and not line.startswith(("\t", " " * column)):
            out.append(" " * column + line.lstrip(" "))
        else:
            out.append(line)
    return out, code  # one line out per line in: the code flags stand


_EMPTY_ITEM = lazy(r"([ \t]*)([*+-]|\d{1,9}\.)[ \t]+")  # an item's line with no text (fullmatch)
_ANY_ITEM = lazy(r"(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")  # at a line's text
_UNDERLINE = lazy(r"[ \t]*(?:=+|-+|\*+|_+)[ \t]*")


def empty_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """An item with no text on its marker's line (``1. ``): kramdown reads it as an item wherever a
    list may open (an ordered one under a paragraph's line too; a bullet there underlines a
    setext heading, but under a list item's lines it is a new item), its text four columns past
    its marker's indentation. Its text is the line right under it (indented or lazy), or, after
    blank lines, a line indented to that column; CommonMark's empty item ends at a blank line
    and cannot interrupt a paragraph. Such a line goes onto the marker's line; an item with no
    text under a line of text gets an empty comment, which lets it interrupt (the sanitized
    HTML keeps no comment: the item is as empty)."""
    out: list[str] = []
    flags: list[bool] = []
    item = False  # under an item's lines, up to a blank line
    i = 0
    while i < len(lines):
        line = lines[i]
        empty = None if code[i] else _EMPTY_ITEM.fullmatch(line)
        text_above = i > 0 and not code[i - 1] and lines[i - 1].strip() != ""
        if (
            empty is not None
            and (item or indent_of(line) <= 3)
            and (empty.group(2)[0].isdigit() or item or not text_above)
        ):
            joined = _item_text(lines, code, i, empty)
            if joined is not None:
                i, written = joined
                out.append(written)
                flags.append(False)
                item = True
                i += 1
                continue
            if text_above:
                line = line.rstrip() + " <!-- -->"
        # (an item's line at any indentation: a nested list's lines are items' lines)
        item = bool(line.strip()) and not code[i] and (item or _ANY_ITEM.match(line.lstrip(" \t")) is not None)
        out.append(line)
        flags.append(code[i])
        i += 1
    return out, flags


def _item_text(lines: list[str], code: list[bool], at: int, empty: re.Match[str]) -> tuple[int, str] | None:
    """The line that is the text of the item with none on its line ``lines[at]`` (empty_items),
    moved onto that line: (its index, the line written), or None."""
    column = indent_of(lines[at]) + 4
    head = empty.group(1) + empty.group(2)
    written = head + " " * max(1, column - len(head.expandtabs(4)))
    below = at + 1
    if below < len(lines) and lines[below].strip():
        line = lines[below]
        text = line.lstrip()
        if (
            code[below]
            or indent_of(line) >= column + 4
            or text[:1] in (">", "#", "<", "|", "{")
            or _ANY_ITEM.match(text) is not None
            or _UNDERLINE.fullmatch(line) is not None
        ):
            return None  # a block of its own (or code, or a setext underline): no text of the item
        return below, written + text
    while below < len(lines) and not lines[below].strip():
        below += 1
    if below == at + 1 or below == len(lines) or not column <= indent_of(lines[below]) < column + 4:
        return None
    return below, written + lines[below].lstrip()


_SHIFTED_HEADING = lazy(r"[ \t]+#{1,6}[ \t]")


def shifted_headings(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """kramdown reads ``#`` as a heading only in its block's first column (a list item's content
    column): `` ### x`` at the top, or ``   ### x`` in a ``-`` item, is paragraph text.
    CommonMark allows three spaces before it. Its first ``#`` is escaped there."""
    out = list(lines)
    for i, line in enumerate(lines):
        if code[i] or _SHIFTED_HEADING.match(line) is None:
            continue
        indent = indent_of(line)
        if 0 < indent - content_column(lines, code, i, indent) < 4:  # four columns more are code
            out[i] = escape_at(line, indent)
    return out, code


_WIDE_ITEM = lazy(r"([ \t]*(?:[*+-]|\d{1,9}\.|:))([ \t]+)(?=\S)")  # a definition's ":" too


def wide_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """kramdown counts all the white space after a list item's marker (or a definition's colon)
    into the item's indentation (a tab to the next multiple of four): the first line's text is
    never code, and the item's
    lines are those indented as far as its text. CommonMark reads five columns or more after the
    marker as indented code. Such an item is written with one space after its marker, and the
    lines indented to its text are moved left by as much. A line less indented than its text after
    a blank line ends the list (code, four columns in: the opaque package made it a token), where CommonMark's
    item would take it: an empty comment ends the list there."""
    out = list(lines)
    ends: list[int] = []  # lines after a blank line, indented less than the item's text: out of its list
    i = 0
    while i < len(lines):
        match = None if code[i] else _WIDE_ITEM.match(lines[i])
        if match is None:
            i += 1
            continue
        if match.group(1)[-1] == ":" and not _under_term(lines, code, i):
            i += 1  # no definition: a paragraph's line, as written
            continue
        marker = match.group(1).expandtabs(4)
        text_column = len((match.group(1) + match.group(2)).expandtabs(4))  # kramdown's indentation
        shift = text_column - (len(marker) + 1)  # CommonMark's, with one space after the marker
        if shift < 4:  # four columns or fewer after the marker: CommonMark reads the same
            i += 1
            continue
        out[i] = marker + " " + lines[i][match.end() :]
        i += 1
        blank_above = False
        while i < len(lines):  # the item's lines: indented to its text, or lazy
            line = lines[i]
            if code[i]:  # code: in the item (left as it is), or, less indented, after its list
                if blank_above and len(marker) < indent_of(line) < text_column and marker[0] != " ":
                    ends.append(i)
                break
            if not line.strip():
                blank_above = True
            elif indent_of(line) >= text_column:
                out[i] = " " * (indent_of(line) - shift) + line.lstrip(" \t")
                blank_above = False
            elif blank_above or LIST_ITEM.match(line):
                if blank_above and not LIST_ITEM.match(line) and indent_of(line) > len(marker) and marker[0] != " ":
                    ends.append(i)  # the list ends above it; CommonMark would go on with the item
                break
            i += 1
    if not ends:
        return out, code
    # an empty comment ends the list for CommonMark (as kramdown's "^"), a blank line after it
    for at in reversed(ends):
        out[at:at] = ["<!-- -->", ""]
        code = [*code[:at], False, False, *code[at:]]
    return out, code


_NO_TERM = lazy(r"[ \t]|[*+-](?:[ \t]|$)|\d{1,9}\.(?:[ \t]|$)|[>#<|]")


def _under_term(lines: list[str], code: list[bool], i: int) -> bool:
    """Whether the ``:`` line ``i`` may be a definition: a paragraph's line at the margin right
    above it, or one blank line between (kramdown's term; not a list item's, a quote's, a
    heading's or an HTML block's line)."""
    above = i - 1 if i > 0 and lines[i - 1].strip() else i - 2 if i > 1 else -1
    return above >= 0 and bool(lines[above].strip()) and not code[above] and _NO_TERM.match(lines[above]) is None


class _Item:
    """A list item as kramdown's list reader holds it: where its list's lines start (``base``:
    the content column of the item around it), its content column, whether its list is ordered,
    and whether a list or a blank line has come inside it yet."""

    __slots__ = ("base", "column", "nested", "ordered")

    def __init__(self, base: int, column: int, *, ordered: bool) -> None:
        self.base, self.column, self.ordered, self.nested = base, column, ordered, False


# what ends a quote's lazy lines in kramdown, besides a blank line: an attribute list, an
# end-of-block mark, a tag (or closing tag) opening the line, of an element that is not a span's
_UNDERLINE_ONLY = lazy(r" {0,3}(?:=+|-+)[ \t]*")
_QUOTE_END = lazy(r"[ \t]*(?:\{:|\^[ \t]*$|<!-- -->$)| {0,3}</?([A-Za-z][\w:-]*)")  # "^" as _end_of_blocks writes it


def lazy_quote_lines(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """kramdown's quote runs from its first ``>`` line to a blank line, taking every line between,
    marked or not (but an attribute list, an end-of-block mark or a line opening with a block
    element's tag); it reads the lines without their markers. CommonMark keeps a line without a
    marker only as a paragraph's lazy line: under an HTML block in the quote (``> <div><a``,
    ``href="x">``) it ends the quote. Such a line gets the markers of the quote's line above."""
    out = list(lines)
    markers = ""
    for i, line in enumerate(lines):
        if not line.strip():
            markers = ""
            continue
        quoted = QUOTE_MARKERS.match(line) if line.lstrip(" ")[:1] == ">" and indent_of(line) <= 3 else None
        if code[i]:  # a code block's line: in the quote, or ending it
            markers = "" if quoted is None else quoted.group(0).rstrip(" \t") + " "
        elif quoted is not None:
            markers = quoted.group(0).rstrip(" \t") + " "
        elif markers:
            end = _QUOTE_END.match(line)
            if end is not None and (end.group(1) is None or end.group(1).lower() not in _LAZY_SPAN_TAGS):
                markers = ""
            elif _UNDERLINE_ONLY.fullmatch(line):  # text of the quote's paragraph to kramdown, a heading's
                markers = ""  # underline with a marker to CommonMark: left as it was
            else:
                out[i] = markers + line
    return out, code


_LAZY_SPAN_TAGS = SPAN_ELEMENTS | {"script"}  # kramdown's LAZY_END_HTML_SPAN_ELEMENTS
_MARGIN_ITEM = lazy(r"([*+-]|\d{1,9}\.) {1,4}(?=\S)")
_DEFINITION_LINE = lazy(r":[ \t]+\S")


def definitions_under_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """A definition's line (``: the meaning``) right under the line of a list item's marker (at
    the margin), left of its text: kramdown's item takes it (a lazy line) and reads the item's
    text as its term, a definition list in the item; CommonMark's item took it as text. It (and
    a definition's line right under it) is moved to the item's text column."""
    out = list(lines)
    column = 0  # the text column of the item the line above was moved into (0: none)
    for i in range(1, len(lines)):
        if code[i] or code[i - 1] or _DEFINITION_LINE.match(lines[i]) is None:
            column = 0
            continue
        item = _MARGIN_ITEM.match(lines[i - 1])
        column = len(item.group(0)) if item is not None else column  # (a second definition goes there too)
        if column:
            out[i] = " " * column + lines[i]
    return out, code  # one line out per line in: the code flags stand


_ITEM_OF_KIND = {False: lazy(r" {0,3}[*+-][ \t]"), True: lazy(r" {0,3}\d{1,9}\.[ \t]")}
# a line that is no lazy line of a list item: an attribute list, an end-of-block mark, a block tag
_NO_LAZY_LINE = lazy(rf" {{0,3}}(?:\{{:(?![:/])|\^[ \t]*$|</?(?!(?:{'|'.join(sorted(_LAZY_SPAN_TAGS))})\b)[A-Za-z_:])")


def lines_under_item_code(lines: list[str], code: list[bool], masked: Masked) -> tuple[list[str], list[bool]]:
    """The lines right under a fence that the opaque package moved into a list item (it was a lazy line of
    the item): kramdown's item takes them too, to a blank line (an image's line, a quote), as lazy
    lines; CommonMark ended the list at them. They are moved to the item's text column."""
    out = list(lines)
    for i, line in enumerate(lines):
        if not code[i] or (item := masked.item_code.get(line.strip())) is None:
            continue
        column, marker, margin = item
        next_item = _ITEM_OF_KIND[marker == "."]
        j = i + 1
        while j < len(lines) and lines[j].strip() and not code[j]:
            below = lines[j]
            if indent_of(below) < column:
                lazy_line = unindented(below, margin)
                if next_item.match(lazy_line) is not None or _NO_LAZY_LINE.match(lazy_line) is not None:
                    break
                out[j] = " " * column + unindented(below, margin)
            j += 1
    return out, code


def has_quote_line(text: str) -> bool:
    """Whether a line of the text opens with a quote's ``>`` (substring searches: cheaper than a
    pattern tried at each line of a post whose tags hold ``>``)."""
    return ">" in text and ("\n>" in text or "\n >" in text or "\n  >" in text or "\n   >" in text)


def quotes_under_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """A quote right under the line of a list item's marker, left of its text: kramdown's item
    takes it (a lazy line, and the lines under it to a blank line) and reads a quote in it;
    CommonMark ended the list at it. Its lines are moved to the item's text column; an item of
    the list right under them (kramdown's next item) gets an empty comment in the item above it,
    which ends the quote's paragraph (CommonMark would go on with it over a ``2.``)."""
    out: list[str] = []
    flags: list[bool] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        item = None
        if i and not code[i] and line.lstrip(" ")[:1] == ">" and indent_of(line) <= 3 and not code[i - 1]:
            item = _MARGIN_ITEM.match(lines[i - 1])
        if item is None or indent_of(line) >= len(item.group(0)):
            out.append(line)
            flags.append(code[i])
            i += 1
            continue
        lead = " " * len(item.group(0))
        next_item = _ITEM_OF_KIND[item.group(1)[0].isdigit()]
        j = i
        while j < len(lines) and lines[j].strip() and not code[j]:
            below = lines[j]
            if j > i and next_item.match(below) is not None and indent_of(below) < len(lead):
                out.append(lead + "<!-- -->")
                flags.append(False)
                break
            if j > i and _NO_LAZY_LINE.match(below) is not None:
                break
            out.append(below if indent_of(below) >= len(lead) else lead + below)
            flags.append(False)
            j += 1
        i = j
    return out, flags


def lazy_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """A line right under an item's text, indented less than the item's content, that opens an
    item of the other kind of list (``* x`` under a ``1.`` item, ``1. x`` under a ``*`` one) once
    a list or a blank line has come inside the item: kramdown's list reader takes it as a lazy
    line and indents it past the nested list's items, so it is text of the deepest paragraph.
    CommonMark starts a list there. Its marker is escaped: CommonMark reads the lazy line too.
    Before that (``  - x`` right under ``1. a``), the lazy line is the item's content, where it
    opens a list: CommonMark starts a list of its own after the item; the line is indented to
    the item's content, so CommonMark nests it there too."""
    out = list(lines)
    open_items: list[_Item] = []
    blank_above = True
    # the lines that may open an item: outside items, the scan goes from one to the next
    starts = [k for k, line in enumerate(lines) if line.lstrip(" \t")[:1] in ITEM_OR_FOOTNOTE and not code[k]]
    i = -1
    while (i := i + 1) < len(lines):
        if not open_items:
            k = bisect_left(starts, i)
            if k == len(starts):
                break
            i = starts[k]
        line = lines[i]
        if code[i]:
            continue
        if not line.strip():
            for item in open_items:
                item.nested = True
            blank_above = True
            continue
        if line.lstrip().startswith(">"):
            open_items, blank_above = [], False
            continue
        indent = indent_of(line)
        marker = ITEM_MARKER.match(line.expandtabs(4)) if line.lstrip()[:1] in ITEM_OR_FOOTNOTE else None
        while open_items and indent < open_items[-1].column:
            item = open_items[-1]
            if indent < item.base or blank_above:
                open_items.pop()  # the line is outside the item's list, or after a blank line: the item ends
                continue
            if marker is not None:
                ordered = marker.group(2)[-1] == "."
                if ordered == item.ordered and indent - item.base <= min(item.column - item.base - 1, 3):
                    open_items.pop()  # a sibling: the item ends, and the new one opens below
                    break
                if ordered != item.ordered and indent - item.base <= 3:
                    if item.nested:
                        out[i] = escape_at(line, len(marker.group(1)) + len(marker.group(2)) - 1)
                    else:  # kramdown reads the item's lazy lines as its content: a list in it
                        out[i] = " " * item.column + line.expandtabs(4)[indent:]
                marker = None  # a lazy line: kramdown keeps it in the item (as text, or a list there)
            break
        if marker is not None:
            base = open_items[-1].column if open_items else 0
            if indent - base <= 3:
                if open_items:
                    open_items[-1].nested = True
                open_items.append(_Item(base, len(marker.group(0)), ordered=marker.group(2)[-1] == "."))
        blank_above = False
    return out, code


# searched in "\n" + text: a list marker alone on its line, at a block's start, or a "*", "+" or
# "1." one anywhere (right under an item's line too, where kramdown reads it as the item's lazy text)
# (a literal first character: re skips ahead to each line end; the first line is "\n" + "\n" + text's)
BARE_MARKER = lazy(r"\n(?:[ \t]*\n {0,3}-|[ \t]*(?:[*+]|\d{1,9}\.))(?=\n|$)")


def has_bare_marker(text: str) -> bool:
    return BARE_MARKER.search(lined_text(text)) is not None


def bare_markers(text: str) -> str:
    """A list marker with nothing after it (``*`` alone on a line) opens no item in kramdown, whose
    item needs white space after its marker: it is a paragraph's text, or, right under a list
    item's line (``30.`` under ``29. x``), the item's lazy text. CommonMark opens an empty item.
    Its last character is escaped (under a paragraph's line, ``-`` is a setext underline in both:
    left alone, as under an item's line, where kramdown reads a heading)."""
    return sub_in_prose(BARE_MARKER, lambda m: f"{m.group(0)[:-1]}\\{m.group(0)[-1]}", "\n\n" + text)[2:]


def paren_items(text: str) -> str:
    """``1)`` opens no list item in kramdown, at a line's start or at an item's (``- 1) x``): its
    ``)`` is escaped, so CommonMark reads text too."""
    return sub_in_prose(_PAREN_ITEM, lambda match: f"\n{match.group(1)}\\)", "\n" + text)[1:]


def ordered_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """kramdown ends a paragraph at any ``N.`` item; CommonMark only at ``1.``: a blank line goes
    between (not inside a list's own lines: a list item's lazy lines stay as they are). Under a
    bullet item's text, at its content (lazy_items puts a lazy one there), or under an ordered
    item's text at its content, the item is a list inside that item to kramdown; an empty
    comment goes above it, at its column, which ends CommonMark's paragraph as a blank line
    would, without making the list loose."""
    out: list[str] = []
    flags: list[bool] = []
    text_above = False  # the lines above, back to a blank one, are a paragraph (not a list's)
    bullet = -1  # the content column of the bullet item whose text the lines above are (-1: none)
    ordered = False  # that item is an ordered one: only an item at its content is inside it
    for line, is_code in zip(lines, code, strict=True):
        if is_code or not line.strip():
            text_above = False
            bullet = -1
            out.append(line)
            flags.append(is_code)
            continue
        first = not out or not out[-1].strip() or flags[-1]
        item = _ORDERED_ITEM.match(line) if line[:4].lstrip()[:1].isdigit() else None
        if (
            bullet >= 0
            and line.lstrip(" \t")[:1].isdigit()
            and (nested := _NESTED_ORDERED.match(line)) is not None
            and (not ordered or bullet <= indent_of(line) < bullet + 4)
        ):
            indent = indent_of(line)
            if bullet <= indent < bullet + 4 and int(nested.group(1)) != 1:
                out.append(" " * indent + "<!-- -->")
                flags.append(False)
            bullet = -1
            text_above = False
            out.append(line)
            flags.append(False)
            continue
        if item is not None and text_above and int(item.group(1)) != 1:
            out.append("")
            flags.append(False)
            first = True
        if first:
            text_above = is_text_line(line, span_tags=True)
        if line.lstrip(" \t")[:1] in "*+-" and (marker := ITEM_MARKER.match(line.expandtabs(4))) is not None:
            bullet = len(marker.group(0)) if marker.group(2) in "*+-" else -1
            ordered = False
        elif item is not None and (marker := ITEM_MARKER.match(line.expandtabs(4))) is not None:
            bullet, ordered = len(marker.group(0)), True  # (its lazy lines are left: no item there)
        elif item is not None or line.lstrip(" \t")[:1] in ">#":
            bullet = -1
        out.append(line)
        flags.append(False)
    return out, flags


# searched in "\n" + text: a colon opening a line with no space after it (no definition to
# kramdown), or a definition two blank lines or more under its term
STRAY_COLON = lazy(r"\n(?:( {0,3}):(?=[^- \t\n])|([ \t]*\n[ \t]*\n(?:[ \t]*\n)* {0,3}):(?=[ \t]))")
_DEFINITION = lazy(r" {0,3}:[ \t]")


def colon_opens_a_line(text: str) -> bool:
    """Whether a line starts with ``:`` after up to three spaces (what _STRAY_COLON needs): four
    substring searches, far cheaper than the pattern tried at every line."""
    return text.startswith((":", " :", "  :", "   :")) or any(f"\n{lead}:" in text for lead in ("", " ", "  ", "   "))


def stray_colons(text: str) -> str:
    """``:x`` opening a line is text, not a definition (kramdown's needs a space after the
    colon), and so is ``: x`` under more than one blank line."""

    def escape(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return f"\n{match.group(1)}\\:"
        above = match.string[match.string.rfind("\n", 0, match.start()) + 1 : match.start()]
        if _DEFINITION.match(above):
            return match.group(0)  # the next definition of the same term
        return f"\n{match.group(2)}\\:"

    return sub_in_prose(STRAY_COLON, escape, "\n" + text)[1:]
