"""What the lines above a line say, as kramdown reads indented lines: whether they continue a
list item or a footnote (then they are no code), and at which column an item's text stands.
Each look goes back at most LOOK_BACK lines that are not blank, so a post of deep lists costs
linear time."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from postdrop.core.opaque.lines import INDENT, ITEM_CONTENT, NON_SPACE, columns, look_back

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["PageLines", "holding_column", "in_footnote", "in_list", "item_column", "lines_back"]

_LIST_ITEM = re.compile(r" {0,3}(?:[*+-]|\d{1,9}\.)(?:[ \t]|$)")


def lines_back(above: list[str], cut: list[bool] | None = None) -> Iterator[tuple[str, int, int]]:
    """The last LOOK_BACK lines of ``above`` (entries of one or more whole lines), last first,
    each as (the entry, where the line starts in it, where it ends): read in place, not copied.
    ``cut``: its one flag is set when lines above are left unread."""
    left = look_back()
    for k in range(len(above) - 1, -1, -1):
        entry = above[k]
        end = len(entry)
        while True:
            start = entry.rfind("\n", 0, end) + 1
            yield entry, start, end
            left -= 1
            if left == 0:
                if cut is not None and (start > 0 or k > 0):
                    cut[0] = True
                return
            if start == 0:
                break
            end = start - 1


def _filled_lines_back(out: list[str], prose: list[str]) -> Iterator[tuple[str, int, int]]:
    """The lines above here that are not blank, last first: ``prose``'s, then ``out``'s
    (LOOK_BACK lines of each, as ``_lines_back``)."""
    for above in (prose, out):
        for entry, start, end in lines_back(above):
            if not _blank_at(entry, start, end):
                yield entry, start, end


def _blank_at(entry: str, start: int, end: int) -> bool:
    """Whether the line ``entry[start:end]`` is blank, read in place."""
    if start == 0 and end == len(entry):  # the entry is the line
        return not entry or entry.isspace()
    return NON_SPACE.search(entry, start, end) is None


def _at_margin(entry: str, start: int, end: int) -> bool:
    """Whether the line ``entry[start:end]`` is indented less than two columns (``_columns < 2``),
    from its first two characters: a tab first is four columns, two white space characters two."""
    first = entry[start] if start < end else ""
    if not first.isspace():
        return True
    if first == "\t":
        return False
    return not (start + 1 < end and entry[start + 1].isspace())


def in_list(out: list[str], prose: list[str], page: PageLines | None = None, pos: int = 0) -> bool:
    """Whether indented lines here continue a list item (then they are not code): above them, a
    list item comes before any line that starts at the margin, but for the item's lazy lines (at
    the margin, right under its lines: kramdown's item takes them). Looks back LOOK_BACK lines;
    where they hold neither, ``page`` says what the text above ``pos`` holds last."""
    cut = [False]
    if _item_line_above(out, prose, _LIST_ITEM, cut) is not None:
        return True
    return cut[0] and page is not None and page.item_column(pos) > 0


def _item_line_above(
    out: list[str], prose: list[str], item: re.Pattern[str], cut: list[bool] | None = None
) -> tuple[str, int, int] | None:
    """The line above here that ``item`` matches, the first before a paragraph of the page, or
    None (``cut``'s flag set when it found neither in the lines it looks back at)."""
    margin = False  # a line at the margin is below: a lazy line only if a filled line is right above it
    for entry, start, end in itertools.chain(lines_back(prose, cut), lines_back(out, cut)):
        if _blank_at(entry, start, end):
            if margin:
                if cut is not None:
                    cut[0] = False
                return None  # a paragraph of the page, not an item's
            continue
        if item.match(entry, start, end):
            return entry, start, end
        margin = _at_margin(entry, start, end)  # (one below it is a lazy line: a filled line is above it)
    return None


# a list item's line at the page's margin (group 1), or a blank line and a line at the margin
# under it (indented less than two columns: a paragraph of the page, if no item's)
_PAGE_LINE = re.compile(r"^( {0,3}(?:[*+-]|\d{1,9}\.)(?:[ \t]|$))|^[ \t]*\n(?= ?\S)", re.MULTILINE)


class PageLines:
    """What the text above a place holds last, of a list item's line at the margin and a
    paragraph of the page (a line at the margin under a blank line), for places asked in
    increasing order: the text is searched once, so lists longer than LOOK_BACK lines cost no
    more than short ones. Read from the source, where the look back reads the masked lines."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.matches = _PAGE_LINE.finditer(text)
        self.next: re.Match[str] | None = None  # the next line found, not yet above the place asked
        self.started = False
        self.column = 0  # the text's column of the last item found above the place asked (0: a paragraph)

    def item_column(self, pos: int) -> int:
        """The content column of the list item at the margin whose line is last above ``pos``,
        or 0 where a paragraph of the page is (or nothing is)."""
        if not self.started:
            self.started, self.next = True, next(self.matches, None)
        while self.next is not None and (self.next.start() if self.next.group(1) else self.next.end()) < pos:
            item = self.next.group(1)
            if item is None:
                self.column = 0
            else:  # (an item with nothing after its marker has its text four columns past it)
                content = ITEM_CONTENT.match(self.text, self.next.start())
                content_end = self.text.find("\n", self.next.start())
                if content is not None and (content_end < 0 or content.end() <= content_end):
                    self.column = len(content.group(0).expandtabs(4))
                else:
                    self.column = columns(item) + 4
            self.next = next(self.matches, None)
        return self.column


_FOOTNOTE_START = re.compile(r" {0,3}\[\^[^\]\n]{1,999}\]:")


def in_footnote(out: list[str], prose: list[str]) -> bool:
    """Whether indented lines here go on a footnote's definition (kramdown's note takes them, and
    the lazy lines under them, as its blocks: no code): above them, past blank and indented lines
    only, a line opens a footnote definition. Looks back LOOK_BACK lines."""
    for entry, start, end in _filled_lines_back(out, prose):
        if INDENT.match(entry, start, end) is None:
            return _FOOTNOTE_START.match(entry, start, end) is not None
    return False


# an item's line, its text or nothing after its marker (group 1: the marker, indented)
_ITEM_OR_EMPTY = re.compile(r"([ \t]*(?:[*+-]|\d{1,9}\.))[ \t]+(?=\S|$)")


def item_column(out: list[str], prose: list[str]) -> int | None:
    """The content column of the list item the lines here belong to, or None (as in_list). An
    item with nothing after its marker has its text four columns past the marker's indentation
    (kramdown's list reader: its first line's content is white space only). An item's line
    right under a line of an item's paragraph, four columns or more past that item's text, is
    the paragraph's text (kramdown's list opens no item there, nor does CommonMark's): the item
    is the one whose paragraph it goes on."""
    margin = False  # as _item_line_above
    run: list[tuple[str, int, int]] = []  # the item's line and the filled lines right above it, last first
    for entry, start, end in itertools.chain(lines_back(prose), lines_back(out)):
        blank = _blank_at(entry, start, end)
        if run:
            if blank:
                break
            run.append((entry, start, end))
        elif blank:
            if margin:
                return None  # a paragraph of the page
        elif _ITEM_OR_EMPTY.match(entry, start, end):
            run.append((entry, start, end))
        else:
            margin = _at_margin(entry, start, end)
    if not run:
        return None
    stack: list[tuple[int, int]] = []  # the items open down the run: (marker's indent, text's column)
    for entry, start, end in reversed(run):
        if _ITEM_OR_EMPTY.match(entry, start, end) is None:
            continue  # a line of a paragraph
        indent = columns(entry[start:end])
        if stack and indent >= stack[-1][1] + 4:
            continue  # text of the paragraph above, no item
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, _text_column(entry, start, end)))
    return stack[-1][1] if stack else _text_column(*run[0])


def _text_column(entry: str, start: int, end: int) -> int:
    """The column of the text of the list item whose line is ``entry[start:end]``."""
    item = ITEM_CONTENT.match(entry, start, end)
    if item is None:
        return columns(entry[start:end]) + 4
    return len(item.group(0).expandtabs(4))


def holding_column(out: list[str], prose: list[str], indent: int, page: PageLines | None = None, pos: int = 0) -> int:
    """After a blank line, a line indented ``indent`` columns, left of the text of the list item
    above it, is outside that item (kramdown): the content column of the item that holds it, an
    item further up whose marker is indented less and whose text starts at ``indent`` or left of
    it (a nested list's line goes on its parent item), or 0 when none does (its list ended).
    Where the lines looked back at hold neither, the item at the margin ``page`` finds last
    above ``pos`` holds it, if its text starts there or left of it."""
    below = -1  # the marker indentation of the nearest item the line is outside of (-1: none yet)
    margin = False  # a line at the margin is below: an item's lazy line if a filled line is right above it
    cut = [False]
    for entry, start, end in itertools.chain(lines_back(prose, cut), lines_back(out, cut)):
        if _blank_at(entry, start, end):
            if margin:
                return 0  # a paragraph of the page
            continue
        item = ITEM_CONTENT.match(entry, start, end)
        if item is not None:
            margin = False
            marker = columns(entry[start:end])
            if below < 0 or marker < below:
                content = len(item.group(0).expandtabs(4))
                if content <= indent:
                    return content
                if marker == 0:
                    return 0
                below = marker
        else:
            margin = _at_margin(entry, start, end)
    if cut[0] and page is not None and 0 < (column := page.item_column(pos)) <= indent:
        return column
    return 0
