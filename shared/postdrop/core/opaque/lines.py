"""Reading the source by offsets: where a line ends, its indent in columns, and a pattern's
next match for places asked in increasing order (each stretch of the text searched once)."""

from __future__ import annotations

import re

__all__ = [
    "HTML_BLOCK_OPEN",
    "INDENT",
    "ITEM_CONTENT",
    "LOOK_BACK",
    "LOOK_BACK_BUDGET",
    "NON_SPACE",
    "TAG_NAME",
    "NextMatch",
    "columns",
    "line_end_at",
    "look_back",
    "look_back_spent",
    "new_look_budget",
    "spend",
    "unindented",
]

NON_SPACE = re.compile(r"\S")  # a line with one is not blank (str.strip's white space is \s's)
ITEM_CONTENT = re.compile(r"[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]+(?=\S)")
# Lines looked back at to tell whether indented lines continue a list item: each indented line
# looks back, so this bounds a post of deep lists (one look-back each) to linear time.
LOOK_BACK = 100
# Linear, but at up to a hundred lines a line: a file of one construct repeated on every line (a
# fence under a fence, an indented line under text, a link definition under another) looked
# back a hundred lines from each, 12 s of a core for 100,000 lines (ParseFunction has about 4).
# So a text being read has LOOK_BACK_BUDGET lines of looking back in all, each look charged its
# whole length when it starts; once they are spent, each look goes back SHORT_LOOK_BACK lines.
# The most any of 9,536 posts of the blogs sampled spends is 108,800 (a post of 4,480 lines);
# tests/unit/test_hostile.py holds ../shared's posts under a fifth of it.
LOOK_BACK_BUDGET = 1_000_000
SHORT_LOOK_BACK = 4
_left = [LOOK_BACK_BUDGET]  # this text's lines of look-back left (one text is read at a time)
HTML_BLOCK_OPEN = re.compile(
    r" {0,3}<(address|article|aside|blockquote|center|details|dialog|dd|div|dl|dt|fieldset|figcaption|figure|"
    r"footer|form|h[1-6]|header|hr|li|main|nav|ol|p|section|summary|table|tbody|td|tfoot|th|thead|tr|ul|iframe|video"
    r"|audio|canvas|noscript|object|map|math|svg)(?=[\s/>]|$)",
    re.IGNORECASE,
)
# every element with a body outside spanhtml.MARKDOWN_CONTENT (<u>, <mark>, <s>, <font>, a name
# HTML does not have) holds text and tags but no Markdown in a paragraph, as <kbd> does
TAG_NAME = re.compile(r"<([A-Za-z][\w-]*)")


def new_look_budget() -> None:
    """A new text is read: it has the whole budget of look-back lines."""
    _left[0] = LOOK_BACK_BUDGET


def look_back() -> int:
    """How many lines the next look back may go, charged to the budget: LOOK_BACK while it lasts."""
    lines = LOOK_BACK if _left[0] > 0 else SHORT_LOOK_BACK
    _left[0] -= lines
    return lines


def spend(lines: int) -> bool:
    """Charge ``lines`` read past a line (a scan forward that may fail and be tried again from
    the next line) to the budget; False, charging nothing, once it is spent."""
    if _left[0] <= 0:
        return False
    _left[0] -= lines
    return True


def look_back_spent() -> int:
    """The lines of look-back the text read last has spent (for the tests' bound on real posts)."""
    return LOOK_BACK_BUDGET - _left[0]


def line_end_at(text: str, pos: int) -> int:
    """Where the line that starts at ``pos`` ends (its newline, or the end of the text)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


class NextMatch:
    """Where a pattern first matches at or after a place, for places asked in increasing order:
    each stretch of the text is searched once. (A search per line from that line on makes a post
    of many such lines quadratic: 24,000 lines opening a comment took 15 s of a core.)"""

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        self.text, self.pattern = text, pattern
        self.asked, self.found = len(text) + 1, -1  # nothing asked yet

    def at(self, pos: int) -> int:
        """The start of the first match at or after ``pos``, or -1."""
        if not (self.asked <= pos and (self.found < 0 or pos <= self.found)):
            match = self.pattern.search(self.text, pos)
            self.asked, self.found = pos, -1 if match is None else match.start()
        return self.found


# a line kramdown's indented code takes on its own: a tab or four spaces first (its INDENT)
INDENT = re.compile(r"\t| {4}")


def columns(line: str) -> int:
    """The line's indentation in columns (a tab to the next multiple of 4)."""
    if "\t" not in line:  # the common case, without building the expanded line
        return len(line) - len(line.lstrip())
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def unindented(line: str, margin: int) -> str:
    """``line`` with up to ``margin`` of its leading spaces taken off."""
    return line[min(margin, len(line) - len(line.lstrip(" "))) :] if margin else line
