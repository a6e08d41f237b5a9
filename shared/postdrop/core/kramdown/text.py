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
from postdrop.core.opaque import look_back

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
    them); CommonMark's is one. An even run gives one up; an odd run reads the same in both.

    At a paragraph's end the pair is a backslash to both, but for a list item's first paragraph
    with a block of the item right under it (a fence, a nested list, a quote, a heading): kramdown
    gives that paragraph's text back its line end (its list reader does), so the pair breaks the
    line there, where CommonMark has no line to break: a ``<br />``."""

    def one(match: re.Match[str]) -> str:
        run = match.group(0)
        if _item_text_over_block(text, match.start(), match.end()):
            return run[:-2] + "<br />"
        return run[:-1]

    return sub_in_prose(_BACKSLASH_BREAK, one, text)


_SOURCE_MARK = "\U000ffffa"  # a code block's token (opaque/tokens.py): a fence in the item, here
# a line that opens a block in an item right under its text (no paragraph's line): a quote, a heading
_BLOCK_UNDER_TEXT = lazy(r"[ \t]*(?:>|#{1,6}(?:[ \t]|$))")
_ITEM_TEXT = lazy(r"[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]+(?=\S)")


def _item_text_over_block(text: str, start: int, end: int) -> bool:
    """Whether the line ending at ``end`` (its backslashes from ``start``) is the last line of a
    list item's first paragraph, a block of the item right under it (line_breaks). Looks back
    over the paragraph's lines, LOOK_BACK at most (each paragraph once: a block line ends it)."""
    below = text[end + 1 : text.find("\n", end + 1) % (len(text) + 1)]
    stripped = below.strip()
    code = len(stripped) == 3 and stripped[0] == _SOURCE_MARK
    nested = None if code else _ITEM_TEXT.match(below)
    if not code and nested is None and _BLOCK_UNDER_TEXT.match(below) is None:
        return False
    line_end = end
    for _ in range(look_back()):
        line_start = text.rfind("\n", 0, line_end) + 1
        line = text[line_start:line_end]
        if not line.strip() or line.lstrip()[:1] in (">", "#", _SOURCE_MARK):
            return False  # not a first paragraph (or one in a quote: left as it was)
        item = _ITEM_TEXT.match(line)
        if item is not None:  # the block is the item's (lazily too); a list's item, in the item's text column
            return nested is None or indent_of(below) >= len(item.group(0).expandtabs(4))
        if line_start == 0:
            return False
        line_end = line_start - 1
    return False


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
# (the repeat possessive: a repeated group keeps a backtracking entry an iteration, some 145 bytes,
# so a line of a million "_" took 875 MB)
_BREAK_LINE_ANY = lazy(r"\n {0,3}(?:([-*_])(?:[ \t]*\1){2,}+|=+|-+)[ \t]*(?=\n|$)")
_BREAK_LINE = lazy(r"^ {0,3}(?:([-*_])(?:[ \t]*\1){2,}+|=+|-+)[ \t]*$")


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
    for i, (line, is_code) in enumerate(zip(lines, code, strict=True)):
        if is_code or not line.strip():
            run = item_column = 0
            out.append(line)
            continue
        if i > 1 and _MARGIN_UNDERLINE.match(line) and (column := _item_paragraph_column(lines, code, i - 1)):
            # an underline at the page's margin under a list item's later paragraph is the item's
            # lazy line to kramdown: its heading when that paragraph is one line after a blank
            # line, else the paragraph's text; CommonMark ends the list with a rule there
            if not lines[i - 2].strip():
                out.append(" " * column + line)
            else:
                text = _SETEXT_DASHES.sub(_kramdown_dashes, line)
                out.append(text if text != line else f"\\{line}")
            run = item_column = 0
            continue
        if run and _BREAK_LINE.match(line) and not _RULE_ITEM.match(line):  # "* * *" ends it: a list's start
            setext = set(line.strip()) <= {"="} or set(line.strip()) <= {"-"}
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
                elif not item_column and not _after_block_boundary(lines, i - 1):
                    setext = False  # kramdown's heading opens at a block boundary only: under code, a
                    # heading or an HTML block right above it, the underline is the paragraph's text
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
        out.append(line)
    return out, code


_MARGIN_UNDERLINE = lazy(r"(?:-+|=+)[ \t]*$")


def _item_paragraph_column(lines: list[str], code: list[bool], i: int) -> int:
    """The content column of the list item whose paragraph line (not its marker's) line ``i`` is,
    indented to that column at least; 0 for any other line."""
    line = lines[i]
    indent = indent_of(line)
    if code[i] or not indent or line.lstrip()[:1] in ("", ">", "|", "#", "<") or ITEM_MARKER.match(line.expandtabs(4)):
        return 0
    column = _near_content_column(lines, code, i, indent)
    return column if column and indent >= column else 0


def _after_block_boundary(lines: list[str], i: int) -> bool:
    """Whether line ``i`` opens the text or follows a blank line, an end-of-block mark, or a block
    attribute list that is the next block's (a blank line or the text's start above it): kramdown's
    after_block_boundary?. An attribute list right under a block is that block's."""
    if i == 0:
        return True
    above = lines[i - 1].strip()
    if above.startswith("{:") and above.endswith("}"):
        return i == 1 or not lines[i - 2].strip()
    return not above or above == "^"


# a line that opens with a span element's tag (<img .../>): a paragraph's first line to kramdown
_SPAN_TAG_OPEN = lazy(rf" {{0,3}}<(?:{SPAN_ALTERNATION})(?=[\s/>])", re.IGNORECASE)


def _near_content_column(lines: list[str], code: list[bool], i: int, indent: int) -> int:
    """_content_column looking back LOOK_BACK lines at most (a post of many underlined lines
    reads each one's holder in bounded time)."""
    low = max(0, i - look_back())
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
