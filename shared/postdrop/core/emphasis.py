"""kramdown's emphasis, read as kramdown's span parser reads it.

kramdown has no delimiter runs and no flanking rules: at a ``*``, ``**``, ``_`` or ``__`` it
opens an element and reads the spans after it until the same delimiter closes it, where

- the delimiter opens nothing before white space, ``_`` opens nothing after a letter (``a_b``,
  ``a-_b``), and an element opens nothing inside an element of its own kind;
- it closes only after a character that is not white space, not at once (the element holds
  something), an ``_`` not before a letter or digit, and an emphasis not where a strong
  delimiter stands (``**`` not followed by a third);
- a ``**`` that finds no close is read again as ``*`` followed by the text (``**a *star*`` is
  ``*a *star`` emphasized), but not inside an emphasis; a delimiter that opens nothing is text.

CommonMark's rules read many of those otherwise (``****``, ``*a *star*``, ``*nest**ed* like**``).
``emphasis`` reads one span context (a paragraph's text) and writes the elements as HTML and
every other delimiter escaped, so that CommonMark pairs none. Escaped characters, tokens, tags
and autolinks are read as they stand.

In a span context with links (``links=True``) the inline links are read too, as kramdown's link
parser reads them: the link's text to the bracket that balances its first (spans and all; a link
holds no link), then its URL to the parenthesis that balances the first, or a quoted title. The
emphasis read in a link's text knows nothing of its brackets: one opened there may close past
them, in the URL or in the next link, and a link whose bracket it took shows as text. Only such a
context is written out (links, their brackets as text escaped); any other is left to CommonMark,
as is one with a reference link (its definitions are not known here).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from postdrop.core.spanhtml import BLOCK_ELEMENTS, HTML_ELEMENTS, KRAMDOWN_TAG, MARKDOWN_CONTENT, WITHOUT_BODY

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["emphasis", "linked_emphasis"]

_ESCAPABLE = frozenset("\\.*_+`<>()[]{}#!:|\"'$=~-")  # kramdown-parser-gfm's: "~" too
_AUTOLINK = re.compile(r"<[^<>\s]{1,2000}>")
_INTERESTING = re.compile(r"[*_\\<~]")
_INTERESTING_WITH_LINKS = re.compile(r"[*_\\<~\[\]]|!\[")
# kramdown's inline link after its text: "(<url>)", or a URL to the parenthesis that balances the
# first (white space before a quote ends it: a title follows), or a quoted title then ")"
_LINK_PAREN_STOP = re.compile(r"(\()|(\))|\s(?=[\"'])")
_LINK_TITLE = re.compile(r"\s*?([\"'])(.+?)\1\s*?\)", re.DOTALL)
_LINK_ANGLE_URL = re.compile(r"\(<(.*?)>", re.DOTALL)
# after a link's text: a reference to a definition, "[id]" or "[]" (white space, lines too, before it)
_LINK_ID = re.compile(r"\s*?\[([^\]]+)?\]")
# a footnote's mark: read before a link, as a whole
_FOOTNOTE_MARK = re.compile(r"\[\^\w[\w-]*\]")
_LINKS = ("a", "img")
_CLOSE_TAG = re.compile(r"</([^\s/>]{1,200})\s*>")
_ELEMENT_BUDGET = 50_000
_MAX_ELEMENTS_OPEN = 2  # span elements read on their own inside one another, at most
_MAX_OPEN = 20
# kramdown-parser-gfm's strikethrough: "~~", no white space or tilde after it, to the first "~~"
# after something else (lines and all); its text is read on its own, emphasis and all
_STRIKETHROUGH = re.compile(r"~~(?![ \t\n\r\f\v~])(.*?[^ \t\n\r\f\v~])~~", re.DOTALL)
# white space to kramdown's emphasis and strikethrough (Ruby's \s): a no-break space is none
_SPACE = frozenset(" \t\n\r\f\v")
# A close is searched for from each delimiter, past each place that may open a span: a paragraph
# whose delimiters times places are more than this is left to CommonMark (and the rewrites after).
MAX_STEPS = 200_000
MAX_SCANNED = 20_000_000  # characters the searches may pass over, at most, for one paragraph


def _html_tag(tag: str) -> str:
    return f"<{tag}>"


class _LeftToCommonMark(Exception):
    """A link written by reference (what it is depends on the post's definitions), or images
    nested past _MAX_OPEN: the context is left to CommonMark."""


class _Reader:
    def __init__(
        self, text: str, tag: Callable[[str], str], *, links: bool = False, labels: frozenset[str] | None = None
    ) -> None:
        self.text = text
        self.labels = labels  # the link definitions' labels (normalized), when references are read
        self.tag = tag  # what stands for an element's tag ("em", "/em") in the output
        self.open: list[str] = []  # the elements around the place read, innermost last
        self.interesting = _INTERESTING_WITH_LINKS if links else _INTERESTING
        self.brackets: list[list[int]] = []  # for each link's text being read: its open brackets, its images
        self.crossed = False  # whether an emphasis opened in a link's text took one of its brackets
        self.element_budget = _ELEMENT_BUDGET  # characters span elements never closed may be read over

    def spans(self, pos: int, stop: str | None, kind: str) -> tuple[bool, int, list[str]]:
        """Read from ``pos`` to ``stop`` (a delimiter that closes the element ``kind``; for a
        link's text, the bracket that balances its first) or the end: (whether ``stop`` closed it,
        where the reading ended, the output)."""
        text = self.text
        out: list[str] = []
        start = pos
        while (match := self.interesting.search(text, pos)) is not None:
            at = match.start()
            out.append(text[pos:at])
            if kind in _LINKS and text[at] in "[]!":  # kramdown's bracket count, images read aside
                counts = self.brackets[-1]
                counts[0] += -1 if text[at] == "]" else 1
                if counts[0] - counts[1] == 0:
                    return True, at, out
                if text[at] == "]":
                    out.append("\\]")
                    pos = at + 1
                    continue
            elif stop is not None and text.startswith(stop, at) and self._closes(at, stop, kind, start):
                return True, at, out
            pos = self._one(at, out)
        out.append(text[pos:])
        return False, len(text), out

    def _closes(self, at: int, delimiter: str, kind: str, start: int) -> bool:
        text = self.text
        if kind[0] == "<":  # an element: its close tag (an HTML element's in any case)
            close = _CLOSE_TAG.match(text, at)
            if close is None:
                return False
            name = close.group(1)
            return f"<{name.lower() if name.lower() in HTML_ELEMENTS else name}" == kind
        if at <= start or text[at - 1] in _SPACE:
            return False
        after = at + len(delimiter)
        if kind == "em" and text.startswith(delimiter * 2, at) and not text.startswith(delimiter * 3, at):
            return False
        return not (delimiter[0] == "_" and after < len(text) and text[after].isalnum())

    def _one(self, at: int, out: list[str]) -> int:
        """Read the span that may open at ``at`` (a delimiter, an escape, a tag); returns where
        the reading goes on."""
        text = self.text
        char = text[at]
        if char == "\\":
            if at + 1 < len(text) and text[at + 1] in _ESCAPABLE:
                out.append(text[at : at + 2])
                return at + 2
            out.append(char)
            return at + 1
        if char == "~":
            strike = _STRIKETHROUGH.match(text, at) if text.startswith("~~", at) else None
            if strike is None:
                out.append("\\~")
                return at + 1
            _found, _end, inner = _Reader(strike.group(1), self.tag).spans(0, None, "")
            out += [self.tag("del"), *inner, self.tag("/del")]
            return strike.end()
        if char == "<":
            tag = KRAMDOWN_TAG.match(text, at)
            if tag is not None and tag.group(1) is not None and not tag.group(0).endswith("/>"):
                element = self._span_element(tag, out)
                if element is not None:
                    return element
            tag = tag or _AUTOLINK.match(text, at)
            end = at + 1 if tag is None else tag.end()
            out.append(text[at:end])
            return end
        if char in "[!":  # only where links are read
            mark = _FOOTNOTE_MARK.match(text, at) if char == "[" else None
            if mark is not None:
                out.append(mark.group(0))
                return mark.end()
            return self._link(at, out)
        if char == "]":
            out.append("\\]")
            return at + 1
        return self._emphasis(at, out)

    def _span_element(self, tag: re.Match[str], out: list[str]) -> int | None:
        """A span element (``<span>``, ``<a>``, ``<strong>``) whose close tag the reading of its
        content finds: kramdown reads its content as spans on their own, so no emphasis crosses its
        tags (``<span>_**a **_</span>`` emphasizes ``**a **``); one never closed holds the rest of
        the context (``**List<T>**`` pairs nothing: the second ``**`` is the element's). Where the
        reading goes on after it; None for another element, or one past the budget (read as
        before: its tag as written)."""
        name = tag.group(1)
        lower = name.lower()
        html = lower in HTML_ELEMENTS
        if lower in BLOCK_ELEMENTS or lower in WITHOUT_BODY or (html and lower not in MARKDOWN_CONTENT):
            return None
        if (
            len(self.open) >= _MAX_OPEN
            or self.element_budget <= 0
            or sum(kind[0] == "<" for kind in self.open) >= _MAX_ELEMENTS_OPEN
        ):
            return None  # read as before: a reading never closed costs a reading of the rest each
        key = f"<{lower if html else name}"
        self.open.append(key)
        try:
            found, end, inner = self.spans(tag.end(), "</", key)
        finally:
            self.open.pop()
        if not found:  # never closed: kramdown's element holds the rest of the context (closed at its end)
            self.element_budget -= end - tag.end()
            if self.element_budget < 0:
                return None  # read again as before: what it read is read twice, within a budget
            out += [tag.group(0), *inner]
            return end
        close = _CLOSE_TAG.match(self.text, end)
        if close is None:  # spans() stops only at a close tag; were it not one, read as before
            return None
        out += [tag.group(0), *inner, close.group(0)]
        return close.end()

    def _link(self, at: int, out: list[str]) -> int:
        """kramdown's parse_link at ``at`` (``[`` or ``![``): an inline link or image, or its
        bracket as text (then the reading goes on after it)."""
        text = self.text
        image = text[at] == "!"
        start = at + (2 if image else 1)
        bracket = "!\\[" if image else "\\["
        if not image and any(kind in _LINKS for kind in self.open):  # a link holds no link
            out.append(bracket)
            return start
        if len(self.open) >= _MAX_OPEN:  # images in images (kramdown nests them): no deeper here
            raise _LeftToCommonMark
        parent_is_link = bool(self.open) and self.open[-1] in _LINKS
        kind = "img" if image else "a"
        self.open.append(kind)
        self.brackets.append([1, 0])
        try:
            found, end, inner = self.spans(start, None, kind)
        finally:
            self.open.pop()
            self.brackets.pop()
        if not found:
            out.append(bracket)
            return start
        if not text.startswith("(", end + 1):
            return self._reference(at, end, inner, out)
        url_end = _url_end(text, end + 1)
        if url_end is None:
            out.append(bracket)
            return start
        if image:  # its alt text is no text of the post: as written
            out.append(text[at:url_end])
            if parent_is_link:
                self.brackets[-1][1] += 1
        else:
            out += ["[", *inner, "]", text[end + 1 : url_end]]
        return url_end

    def _reference(self, at: int, end: int, inner: list[str], out: list[str]) -> int:
        """A link or image whose text ends at ``end`` and no "(" follows: a reference to a
        definition (``[id]``, ``[]``, or none: the text is the label), else its bracket is text."""
        if self.labels is None:
            raise _LeftToCommonMark
        text = self.text
        image = text[at] == "!"
        start = at + (2 if image else 1)
        ref = _LINK_ID.match(text, end + 1)
        label = ref.group(1) if ref is not None and ref.group(1) else text[start:end]
        if " ".join(label.lower().split()) not in self.labels:
            out.append("!\\[" if image else "\\[")
            return start
        if "\\" in label or "[" in label or "]" in label:
            raise _LeftToCommonMark  # labels CommonMark and kramdown match otherwise
        close = end + 1 if ref is None else ref.end()
        if image:  # its alt text is no text of the post: as written
            out.append(text[at:close])
            if len(self.open) > 0 and self.open[-1] in _LINKS:
                self.brackets[-1][1] += 1
        else:  # the label on one line, and a line end between "]" and "[" after the link: the lines stay
            breaks = "" if ref is None else "\n" * text.count("\n", end + 1, ref.end())
            out += ["[", *inner, "][", " ".join(label.split()), "]", breaks]
        return close

    def _emphasis(self, at: int, out: list[str]) -> int:
        text = self.text
        char = text[at]
        run = char * 2 if text.startswith(char * 2, at) else char
        kind = "strong" if len(run) == 2 else "em"
        after = at + len(run)
        letter_before = char == "_" and _after_letter(text, at)
        if letter_before or (after < len(text) and text[after] in _SPACE) or kind in self.open:
            out.append("\\" + "\\".join(run))
            return after
        found, end, inner = self._element(after, run, kind)
        if not found and kind == "strong" and (not self.open or self.open[-1] != "em"):
            found, end, inner = self._element(at + 1, char, "em")
        if not found:
            out.append("\\" + "\\".join(run))
            return after
        if "]" in text[at:end] and any(kind in _LINKS for kind in self.open):
            self.crossed = True
        tag = "strong" if len(inner[0]) == 2 else "em"
        out += [self.tag(tag), *inner[1:], self.tag(f"/{tag}")]
        return end

    def _element(self, pos: int, delimiter: str, kind: str) -> tuple[bool, int, list[str]]:
        self.open.append(kind)
        try:
            found, end, inner = self.spans(pos, delimiter, kind)
        finally:
            self.open.pop()
        return found, end + len(delimiter), [delimiter, *inner]


def _url_end(text: str, at: int) -> int | None:
    """Where kramdown's inline link whose ``(`` is at ``at`` ends (after its ``)``), or None."""
    angle = _LINK_ANGLE_URL.match(text, at)
    if angle is not None:
        if text.startswith(")", angle.end()):
            return angle.end() + 1
        pos = angle.end()
    else:
        depth, pos = 0, at
        while (stop := _LINK_PAREN_STOP.search(text, pos)) is not None:
            pos = stop.end()
            if stop.group(2):
                depth -= 1
                if depth == 0:
                    return pos
            elif stop.group(1):
                depth += 1
            else:
                break
    title = _LINK_TITLE.match(text, pos)
    return None if title is None else title.end()


def _after_letter(text: str, at: int) -> bool:
    """Whether a letter ends the text before ``at``, or a letter and a hyphen."""
    before = text[at - 1] if at > 0 else ""
    if before == "-":
        before = text[at - 2] if at > 1 else ""
    return before.isalpha()


def emphasis(text: str, tag: Callable[[str], str] = _html_tag) -> str:
    """One span context's text with kramdown's emphasis written as HTML, every other ``*`` and
    ``_`` escaped; as it stands when reading it could take more than MAX_STEPS steps, or pass over
    more than MAX_SCANNED characters. ``tag`` gives what stands for a tag (``"em"``, ``"/em"``):
    the tag itself, or a token of it."""
    delimiters = text.count("*") + text.count("_")
    if delimiters * (delimiters + text.count("<") + text.count("\\")) > MAX_STEPS:
        return text
    if delimiters * len(text) > MAX_SCANNED:
        return text
    _found, _end, out = _Reader(text, tag).spans(0, None, "")
    return "".join(out)


def linked_emphasis(
    text: str, tag: Callable[[str], str] = _html_tag, labels: frozenset[str] | None = None
) -> str | None:
    """``emphasis`` for a span context with links: its text with the links and kramdown's
    emphasis. Without ``labels``, only when an emphasis opened in a link's text takes one of its
    brackets (where CommonMark, which reads a link's text on its own, parts from kramdown), and
    never for a context with a reference; with ``labels`` (the link definitions' labels,
    normalized), always, references read. None for a context with a tag or an autolink (kramdown
    reads an unclosed element to the end)."""
    if "<" in text or _too_long(text):  # an element's or an autolink's text is read otherwise in there
        return None
    reader = _Reader(text, tag, links=True, labels=labels)
    try:
        _found, _end, out = reader.spans(0, None, "")
    except _LeftToCommonMark:
        return None
    return "".join(out) if reader.crossed or labels is not None else None


def _too_long(text: str) -> bool:
    delimiters = text.count("*") + text.count("_")
    brackets = text.count("[")
    if delimiters * (delimiters + brackets + text.count("<") + text.count("\\")) > MAX_STEPS:
        return True
    return (delimiters + brackets) * len(text) > MAX_SCANNED
