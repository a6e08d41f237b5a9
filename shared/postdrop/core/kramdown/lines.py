"""What the rewrites share: regular expressions compiled on first use, a substitution in prose
only (never inside a token of the opaque package), a line's indent and an item's content column, and the
source as lines (with a newline in front, so a line pattern can start with a literal "\\n")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from postdrop.core.limits import MAX_ELEMENTS
from postdrop.core.spanhtml import SPAN_ELEMENTS
from postdrop.exceptions import PostRejected

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "BLANK_LINE",
    "BLOCK_TAGS",
    "BLOCK_TAG_NAMES",
    "CELL_BORDER",
    "DEFINITION_LABEL",
    "ITEM_MARKER",
    "ITEM_OR_FOOTNOTE",
    "LINE_LEAD",
    "LIST_ITEM",
    "MAX_REWRITES",
    "QUOTE_MARKERS",
    "SPAN_ELEMENT_OPEN",
    "URL_CHARS",
    "VOID_TAG_NAMES",
    "content_column",
    "escape_at",
    "indent_of",
    "is_text_line",
    "lazy",
    "lined_text",
    "numbered_lines",
    "sub_in_prose",
]


# Each place a rewrite looks at costs some microseconds of Python: a post has at most this many
# for one rewrite (5 MB of "<<a " has 1.3 million), as it has at most MAX_ELEMENTS elements.
MAX_REWRITES = MAX_ELEMENTS


class _Lazy:
    """A regular expression compiled on first use. Compiling this module's two dozen at import
    cost every cold start of ParseFunction some 17 ms, and a post uses few of them."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        value = getattr(self._compiled, name)
        setattr(self, name, value)  # the next lookup finds it on the object, without this call
        return value


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Stands for ``re.compile(pattern, flags)``, compiled when first used."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))


# CommonMark's type-6 HTML blocks: they end at a blank line; kramdown reads the element whole.
BLOCK_TAGS = (
    "address|article|aside|blockquote|center|details|dialog|dd|div|dl|dt|fieldset|figcaption|figure|footer|"
    "form|header|hr|li|main|nav|ol|p|section|summary|table|tbody|td|tfoot|th|thead|tr|ul"
)
BLANK_LINE = lazy(r"\n(?:[ \t]*\n)+")
_NUMBERED_LINE = lazy(r"\n([ \t>]*)((?:(?:[*+-]|\d{1,9}\.)[ \t][ \t>]*)*)\d{1,9}([.)])(?=[ \t\n]|$)")
_BULLET_TEXT = lazy(r"[ \t]*[*+-][ \t]+\S")  # a bullet item's line, its text on it
_ORDERED_TEXT = lazy(r"[ \t]*\d{1,9}\.[ \t]+(?=\S)")  # an ordered item's line, to its text
CELL_BORDER = lazy(r"(?<!\\)\|")
LIST_ITEM = lazy(r"^ {0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
QUOTE_MARKERS = lazy(r"(?:[ \t]{0,3}>[ \t]?)+")


def sub_in_prose(pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str], text: str) -> str:
    """``pattern.sub(replace, text)`` over the masked source (code and math are tokens there),
    looking at MAX_REWRITES places at most."""
    places = 0

    def one(match: re.Match[str]) -> str:
        nonlocal places
        places += 1
        if places > MAX_REWRITES:
            raise PostRejected(
                f"the body has more than {MAX_REWRITES:,} places for one kramdown rewrite (emphasis,"
                " guillemets, attribute lists, line breaks, items); postdrop reads no more in one post"
            )
        return replace(match)

    return pattern.sub(one, text)


def indent_of(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


BLOCK_TAG_NAMES = frozenset(BLOCK_TAGS.split("|")) | {"h1", "h2", "h3", "h4", "h5", "h6", "pre"}
VOID_TAG_NAMES = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
SPAN_ELEMENT_OPEN = lazy(r"<([A-Za-z][\w-]{0,100})(?:\s[^<>]{0,2000})?(?<!/)>")


ITEM_OR_FOOTNOTE = frozenset("*+-0123456789[")  # what a list item or a footnote's label opens with


def content_column(lines: list[str], code: list[bool], i: int, indent: int) -> int:
    """The content column of the list item that holds line ``i`` (indented ``indent``), as far as
    a heading cares: the nearest item above whose marker is indented less and whose text is not
    right of the line; 0 at the top. A paragraph's first line above, outside the items, is the top."""
    below = indent  # what may hold the line is indented less than this
    for k in range(i - 1, -1, -1):
        line = lines[k]
        if code[k] or not line.strip() or indent_of(line) >= below:
            continue
        marker = ITEM_MARKER.match(line.expandtabs(4)) if line.lstrip()[:1] in ITEM_OR_FOOTNOTE else None
        if marker is not None:
            if len(marker.group(0)) <= indent:
                return len(marker.group(0))
            below = len(marker.group(1))  # the line is outside this item: only its list's holders are left
            if below == 0:
                return 0
        elif k == 0 or not lines[k - 1].strip():
            return 0  # a paragraph's first line (a lazy line goes on up to its item)
    return 0


ITEM_MARKER = lazy(r"( *)([*+-]|\d{1,9}\.)([ \t]+)(?=\S)")


def escape_at(line: str, at: int) -> str:
    """``line`` with a backslash before its character at column ``at`` (tabs as four columns)."""
    expanded = line.expandtabs(4)
    return f"{expanded[:at]}\\{expanded[at:]}"


# what opens a line before its text: a quote's and an item's markers, a heading's
LINE_LEAD = lazy(r"(?:[ \t>]*(?:[*+-]|\d{1,9}\.|:)(?=[ \t]))*[ \t>]*(?:#{1,6}(?=[ \t]|$))?[ \t]*")


class _Last:
    """The last text a function was given and its answer, kept by identity (a long text's hash
    costs a pass over it): the tests of _rewrite ask about one text several times."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: tuple[str | None, Any] = (None, None)


_LINED = _Last()
_NUMBERED = _Last()


def lined_text(text: str) -> str:
    """``"\n" + text``, where the line patterns are searched (on a long post a copy costs about
    what a search does)."""
    key, lined = _LINED.last
    if key is not text:
        lined = "\n" + text
        _LINED.last = (text, lined)
    return cast("str", lined)


def numbered_lines(text: str) -> tuple[bool, bool]:
    """Whether ``text`` has a ``1)`` line, and an ordered item right under a paragraph's line:
    one search for both (each line start it tries costs about as much as the whole test). Its
    two rewrites ask about one text: the last answer is kept."""
    key, found = _NUMBERED.last
    if key is not text:
        found = _numbered_lines_of(lined_text(text))
        _NUMBERED.last = (text, found)
    return cast("tuple[bool, bool]", found)


def _numbered_lines_of(lined: str) -> tuple[bool, bool]:
    paren = interrupt = False
    for match in _NUMBERED_LINE.finditer(lined):
        if match.group(3) == ")":
            paren = True
        elif not interrupt and not match.group(2) and ">" not in match.group(1):
            above = lined[lined.rfind("\n", 0, match.start()) + 1 : match.start()]
            if len(match.group(1)) < 4:
                interrupt = is_text_line(above, span_tags=True) or _BULLET_TEXT.match(above) is not None
            if not interrupt and (parent := _ORDERED_TEXT.match(above)) is not None:  # an item inside it
                indent = len(match.group(1).expandtabs(4))
                interrupt = len(parent.group(0).expandtabs(4)) <= indent < len(parent.group(0).expandtabs(4)) + 4
        if paren and interrupt:
            break
    return paren, interrupt


def is_text_line(line: str, *, span_tags: bool = False) -> bool:
    """A line that can open a paragraph: not blank, not a list item, quote, table row, heading,
    HTML or indented code (with ``span_tags``, a line opening with a span element's tag is one:
    kramdown's paragraph, ``<a id="x"></a>``)."""
    stripped = line.lstrip()
    if span_tags and stripped[:1] == "<" and indent_of(line) < 4:
        tag = _SPAN_TAG_OPEN.match(stripped)
        return tag is not None and tag.group(1).lower() in SPAN_ELEMENTS
    return bool(stripped) and stripped[0] not in ">|#<" and indent_of(line) < 4 and LIST_ITEM.match(line) is None


_SPAN_TAG_OPEN = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])")


URL_CHARS = 4000  # a link's parentheses are looked into this far (kramdown's are far shorter)


DEFINITION_LABEL = lazy(r"^ {0,3}\[(?!\^)([^\]\n]{1,999})\]:", re.MULTILINE)
