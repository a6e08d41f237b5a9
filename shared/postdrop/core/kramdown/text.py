"""kramdown's rules for plain text and block ends.

A backslash before ``% & , / ; ? @ ^`` stays (a TeX ``\\,``); ``~one~`` is text (only ``~~``
strikes through); two backslashes ending a line are a line break; a line holding only ``^``
ends the block before it; an empty heading; a rule line or setext underline under a paragraph
of several lines goes on with the paragraph; long dash runs read as kramdown's typography
writes them."""

from __future__ import annotations

import re
from bisect import bisect_left

from postdrop.core.kramdown.html import SPAN_ALTERNATION
from postdrop.core.kramdown.lines import (
    BLANK_LINE,
    ITEM_MARKER,
    content_column,
    indent_of,
    is_text_line,
    lazy,
    lined_text,
    sub_in_prose,
)
from postdrop.core.opaque import LOOK_BACK

__all__ = [
    "EMPTY_HEADING",
    "SINGLE_TILDE",
    "break_line_under_text",
    "empty_headings",
    "end_of_blocks",
    "kramdown_escapes",
    "line_breaks",
    "long_dashes",
    "paragraph_breaks",
    "single_tildes",
]

# an even run of backslashes before a line end: kramdown's line break after the escaped pairs
_BACKSLASH_BREAK = lazy(r"(?<!\\)(?:\\\\)+(?=\n)")
# searched in "\n" + text: kramdown's end-of-block marker, "^" alone at the start of a line (of
# a quote's line too); a "1)" item, which kramdown does not have; an ordered item's line
_END_OF_BLOCK = lazy(r"\n((?:>[ \t]?)*)\^[ \t]*(?=\n|$)")


# searched in "\n" + text: a line of only "#" marks (kramdown-parser-gfm's heading needs text)
EMPTY_HEADING = lazy(r"\n {0,3}#{1,6}[ \t]*(?=\n|$)")


def empty_headings(text: str) -> str:
    """A line of only ``#`` (``####``) is no heading to kramdown-parser-gfm, whose ATX heading
    needs text: it is a paragraph's text. CommonMark reads an empty heading; the first ``#`` is
    escaped."""
    return sub_in_prose(EMPTY_HEADING, lambda m: m.group(0).replace("#", "\\#", 1), "\n" + text)[1:]


def end_of_blocks(text: str) -> str:
    """A line of only ``^`` is kramdown's end-of-block marker. An empty HTML comment in its place
    ends the block above as kramdown's marker does (a paragraph, a list, an indented code
    block), and neither the text nor the sanitized HTML keeps it."""
    return sub_in_prose(_END_OF_BLOCK, lambda match: f"\n{match.group(1)}<!-- -->", "\n" + text)[1:]


def line_breaks(text: str) -> str:
    """Two backslashes at a line's end are kramdown's line break (after any escaped pairs before
    them); CommonMark's is one. An even run gives one up; an odd run reads the same in both."""
    return sub_in_prose(_BACKSLASH_BREAK, lambda match: match.group(0)[:-1], text)


# ASCII punctuation that kramdown does not escape: "\," is a backslash and a comma to it
# each after an autolink's alternative: in <https://...> a backslash is text and "~" no strike,
# and in an HTML tag's attributes: what the post wrote is kept
_AUTOLINK = r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]{0,2000}>|</?[A-Za-z][A-Za-z0-9-]{0,100}(?:\s[^<>]{0,2000})?>|"
_FOREIGN_ESCAPE = lazy(_AUTOLINK + r"(?<!\\)((?:\\\\)*)\\([%&,/;?@^])")
SINGLE_TILDE = lazy(_AUTOLINK + r"(?<![~\\])~(?!~)|(?<![~\\])~{3,}")
_RULE_ITEM = lazy(r" {0,3}[*+-][ \t]+\S")
_DASH_RUN = lazy(r"-{4,}")
_SETEXT_DASHES = lazy(r"-{2,}")  # a paragraph's underline that is its text: "---" an em dash, "--" an en dash
# searched in "\n" + text
_BREAK_LINE_ANY = lazy(r"\n {0,3}(?:([-*_])(?:[ \t]*\1){2,}|=+|-+)[ \t]*(?=\n|$)")
_BREAK_LINE = lazy(r"^ {0,3}(?:([-*_])(?:[ \t]*\1){2,}|=+|-+)[ \t]*$")


def kramdown_escapes(text: str) -> str:
    """A backslash before ``% & , / ; ? @ ^`` is text to kramdown (a TeX ``\\,`` stays);
    CommonMark would drop it: it gets a backslash of its own."""
    return sub_in_prose(
        _FOREIGN_ESCAPE, lambda m: m.group(0) if m.group(2) is None else f"{m.group(1)}\\\\{m.group(2)}", text
    )


def single_tildes(text: str) -> str:
    """kramdown-parser-gfm strikes through ``~~`` only: ``~a~`` is text, and a longer run
    strikes with the two tildes next to the words (``~~~a~~~`` is ``~`` ~~a~~ ``~``). A run that
    opens one with no close in its paragraph (a ``~~`` after neither white space nor a tilde) is
    text: CommonMark would close it at a later run's ``~~`` after the escaped tildes."""
    closers: list[int] | None = None  # where a "~~" kramdown may close a strike at starts
    blanks: list[int] = []  # where paragraphs end

    def escape(match: re.Match[str]) -> str:
        nonlocal closers, blanks
        run = match.group(0)
        if run == "~":
            return "\\~"
        if not run.startswith("~") or len(run) < 3:
            return run  # an autolink, a tag or "~~"
        at, end, whole = match.start(), match.end(), match.string
        opens = end < len(whole) and not whole[end].isspace()
        closes = at > 0 and not whole[at - 1].isspace()
        extra = "\\~" * (len(run) - 2)
        if closes:
            return "~~" + extra
        if not opens:
            return run
        if closers is None:
            closers = [m.start() + 1 for m in _TILDE_CLOSER.finditer(whole)]
            blanks = [m.start() for m in BLANK_LINE.finditer(whole)]
        k = bisect_left(closers, end + 1)  # a close after one character of content at least
        b = bisect_left(blanks, end)
        if k == len(closers) or (b < len(blanks) and blanks[b] < closers[k]):
            return "\\~" * len(run)
        return extra + "~~"

    return sub_in_prose(SINGLE_TILDE, escape, text)


_TILDE_CLOSER = lazy(r"[^\s~](?=~~)")


def _kramdown_dashes(match: re.Match[str]) -> str:
    """A run of dashes as kramdown's typography writes it: em dashes from the left, then an en
    dash for two left over (pulldown-cmark spreads a long run differently)."""
    ems, rest = divmod(len(match.group(0)), 3)
    return "—" * ems + ("–" if rest == 2 else "-" * rest)


def long_dashes(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """Runs of four dashes or more in a line of text, as kramdown's typography writes them (a
    rule line, a table's rule or a setext underline is left alone, in a quote too)."""
    out = list(lines)
    for i, line in enumerate(lines):
        if code[i] or "----" not in line:
            continue
        body = line.lstrip(" \t>") if line.lstrip().startswith(">") else line  # a quote's line: its markers off
        if body.strip(" \t|+:=-") and not body.lstrip().startswith("<"):
            out[i] = _DASH_RUN.sub(_kramdown_dashes, line)
    return out, code


def paragraph_breaks(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """A paragraph goes on over a rule line (``***``, ``---- ---``) in kramdown, and over a
    setext underline under more than one line or indented from its block's margin; CommonMark
    ends it there. The line is text: its first character escaped. An underline at the page's
    margin under a list item's line is the item's: indented to its text."""
    out: list[str] = []
    run = 0  # lines of the paragraph above (0: none)
    item_column = 0  # the content column of the list item whose line is the one above (0: none)
    block_above = False  # the line above is a rule's or code's: no block boundary (kramdown's)
    unbounded = False  # the paragraph above opened right under a rule or code: no setext heading
    for i, (line, is_code) in enumerate(zip(lines, code, strict=True)):
        if is_code or not line.strip():
            run = item_column = 0
            block_above = is_code
            out.append(line)
            continue
        if not run:
            unbounded, block_above = block_above, False
        if run and _BREAK_LINE.match(line) and not _RULE_ITEM.match(line):  # "* * *" ends it: a list's start
            setext = set(line.strip()) <= {"="} or set(line.strip()) <= {"-"}
            if setext and run == 1 and unbounded and not item_column:
                setext = False  # kramdown's setext heading opens only after a blank line or at the start
            if setext and run == 1:
                # kramdown's underline stands at its block's margin (a list item's text column):
                # a lazy line at the page's margin under an item's line underlines the item's
                # heading (CommonMark would open an item, a rule or go on with the text); one
                # indented otherwise is the paragraph's text (CommonMark's underline may be)
                indent = indent_of(line)
                if item_column and not indent:
                    out.append(" " * item_column + line.lstrip())
                    run = item_column = 0
                    continue
                if indent and indent != (item_column or _near_content_column(lines, code, i, indent)):
                    setext = False
            if not setext or run > 1:
                text = _SETEXT_DASHES.sub(_kramdown_dashes, line) if not line.strip(" \t-") else line
                if _BREAK_LINE.match(text):  # still a rule or an underline to CommonMark
                    at = len(text) - len(text.lstrip())
                    text = f"{text[:at]}\\{text[at:]}"
                out.append(text)
                run += 1
                continue
        quoted = line.lstrip().startswith(">")
        content = line.lstrip(" >") if quoted else line  # a quote's paragraph too
        item = ITEM_MARKER.match(content)
        item_column = 0
        if item is not None:  # an item's line opens its paragraph (a list ends the one above: GFM's)
            run = 1 if is_text_line(content[item.end() :]) and not _BREAK_LINE.match(content) else 0
            if run and not quoted:
                item_column = len(item.group(0).expandtabs(4))
        else:
            opens = is_text_line(content) or (content[:4].lstrip()[:1] == "<" and _SPAN_TAG_OPEN.match(content))
            run = run + 1 if (run or (opens and not _BREAK_LINE.match(content))) else 0
            if not run and _BREAK_LINE.match(content) and not quoted:
                block_above = True  # a rule line
        out.append(line)
    return out, code


# a line that opens with a span element's tag (<img .../>): a paragraph's first line to kramdown
_SPAN_TAG_OPEN = lazy(rf" {{0,3}}<(?:{SPAN_ALTERNATION})(?=[\s/>])", re.IGNORECASE)


def _near_content_column(lines: list[str], code: list[bool], i: int, indent: int) -> int:
    """_content_column looking back LOOK_BACK lines at most (a post of many underlined lines
    reads each one's holder in bounded time)."""
    low = max(0, i - LOOK_BACK)
    return content_column(lines[low : i + 1], code[low : i + 1], i - low, indent)


def break_line_under_text(text: str) -> bool:
    """Whether a rule line or setext underline stands right under a line that is not blank: where
    _paragraph_breaks may have work (a rule between blank lines, the common one, needs none)."""
    lined = lined_text(text)
    for match in _BREAK_LINE_ANY.finditer(lined):
        above = lined.rfind("\n", 0, match.start()) + 1
        if _NON_SPACE.search(lined, above, match.start()) is not None:
            return True
    return False


_NON_SPACE = lazy(r"\S")
