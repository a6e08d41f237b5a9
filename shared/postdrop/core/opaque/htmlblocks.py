"""kramdown's HTML blocks: a block-level element opening a line runs to its matching close tag
(blank lines and all), each tag's opens and closes matched once in one pass over the text; a
"<" that opens no tag kramdown reads, or a close tag of an element never opened, is text."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache

from postdrop.core.limits import tags_end
from postdrop.core.opaque.lines import HTML_BLOCK_OPEN, line_end_at
from postdrop.core.spanhtml import (
    HTML_ELEMENTS,
    KRAMDOWN_TAG,
    NAME_START_CLASS,
    SPAN_ELEMENTS,
    SWALLOWING,
    WITHOUT_BODY,
)

__all__ = [
    "HtmlBlocks",
    "ends_paragraph",
    "escape_broken_tags",
    "nested_raw_end",
    "nested_raw_html",
    "opens_commonmark_block",
    "tag_pattern",
    "unknown_open_before",
]

_HTML_BLOCK_CLOSE = re.compile(
    r" {0,3}</(address|article|aside|blockquote|center|details|dialog|dd|div|dl|dt|fieldset|figcaption|figure|"
    r"footer|form|header|li|main|nav|ol|p|section|summary|table|tbody|td|tfoot|th|thead|tr|ul)\s*>",
    re.IGNORECASE,
)
_MARKDOWN_ATTR = re.compile(r"markdown\s*=\s*[\"']?(?:1|block|span)", re.IGNORECASE)
_TAG_START = re.compile(f"<(/?)(?={NAME_START_CLASS})")


def nested_raw_html(body: str) -> str:
    """The HTML of a raw element read as nested_raw_end reads it: its tags as written, a close
    tag that closes no element open in it and a "<" that opens no tag escaped (text), the
    elements still open closed at its end."""
    stack: list[str] = []
    pieces: list[str] = []
    pos = at = 0
    comments_close = True  # False once a comment finds no "-->" (nor will a later one)
    while (found := body.find("<", at)) >= 0:
        end = body.find("-->", found + 4) + 3 if comments_close and body.startswith("<!--", found) else 2
        comments_close = comments_close and (end != 2 or not body.startswith("<!--", found))
        tag = None if end > 2 else KRAMDOWN_TAG.match(body, found)
        if end > 2:
            at = end
            continue
        if tag is not None and tag.group(2) is not None:
            closed = tag.group(2)
            if stack and (closed.lower() if stack[-1] in HTML_ELEMENTS else closed) == stack[-1]:
                stack.pop()
                at = tag.end()
                continue
            tag = None
        if tag is None:
            pieces += [body[pos:found], "&lt;"]
            pos = at = found + 1
            continue
        opened = tag.group(1)
        tag_name = opened.lower() if opened.lower() in HTML_ELEMENTS else opened
        if not tag.group(0).endswith("/>") and tag_name not in WITHOUT_BODY:
            stack.append(tag_name)
        at = tag.end()
    pieces.append(body[pos:])
    pieces += [f"</{tag_name}>" for tag_name in reversed(stack)]
    return "".join(pieces)


def nested_raw_end(text: str, pos: int, name: str) -> int | None:
    """Where kramdown's raw element ``name`` (``<pre>``, ``<textarea>``), whose open tag starts at
    ``pos``, ends (after its close tag), or None: kramdown reads the tags inside as elements that
    nest (``#include <stdio.h>`` opens one), and a close tag that is not the innermost element's
    is text, so an element never closed inside takes the rest of the text."""
    opening = KRAMDOWN_TAG.match(text, pos + text[pos:].index("<"))
    if opening is None:
        return None
    stack = [name]
    at = opening.end()
    comments_close = True  # False once a comment finds no "-->" (nor will a later one)
    while (found := text.find("<", at)) >= 0:
        if comments_close and text.startswith("<!--", found):
            close = text.find("-->", found + 4)
            comments_close = close >= 0
            at = found + 1 if close < 0 else close + 3
            continue
        tag = KRAMDOWN_TAG.match(text, found)
        if tag is None:
            at = found + 1
            continue
        at = tag.end()
        opened, closed = tag.group(1), tag.group(2)
        if closed is not None:
            if (closed.lower() if stack[-1] in HTML_ELEMENTS else closed) == stack[-1]:
                stack.pop()
                if not stack:
                    return at
        else:
            tag_name = opened.lower() if opened.lower() in HTML_ELEMENTS else opened
            if not tag.group(0).endswith("/>") and tag_name not in WITHOUT_BODY:
                stack.append(tag_name)
    return None


# a line opening with a tag of another name: kramdown's HTML block too, any name but its span
# elements' (<picture>, <font>, <time>, a name HTML lacks); the raw ones (<pre>, <script>...) are
# blocks.py's
# (no colon in the name: <std::string> is no tag to kramdown, and a namespaced <some:tag> is read
# in its paragraph, as spans.py reads it)
_OTHER_OPEN = re.compile(r" {0,3}<([A-Za-z_][\w.-]*)(?=[\s/>])")
_NOT_OTHER = SPAN_ELEMENTS | WITHOUT_BODY | SWALLOWING | {"pre"}


def _other_block_open(line: str) -> re.Match[str] | None:
    """The open tag of an element of another name than HTML_BLOCK_OPEN's opening ``line``, whole as
    kramdown reads a tag, or None."""
    match = _OTHER_OPEN.match(line)
    if match is None or match.group(1).lower() in _NOT_OTHER or KRAMDOWN_TAG.match(line, match.start(1) - 1) is None:
        return None
    return match


# CommonMark's type-6 HTML blocks, which end a paragraph above them: kramdown ends it at any
# element's tag but a span element's (a blank line goes before the others' blocks)
_TYPE_6 = re.compile(
    r" {0,3}<(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|"
    r"dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|"
    r"legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|"
    r"tbody|td|tfoot|th|thead|title|tr|track|ul)(?=[\s/>]|$)",
    re.IGNORECASE,
)


def ends_paragraph(line: str) -> bool:
    """Whether CommonMark ends a paragraph at the HTML block ``line`` opens (a type-6 block)."""
    return _TYPE_6.match(line) is not None


# CommonMark's type-7 HTML block: a whole open or close tag alone on its line (any name)
_TYPE_7 = re.compile(r" {0,3}</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>[ \t]*")


def opens_commonmark_block(line: str) -> bool:
    """Whether CommonMark opens an HTML block at ``line`` (type 6, or a tag alone on it: type 7);
    otherwise it reads the line as a paragraph, its Markdown too (``<video>a *b*</video>``)."""
    return _TYPE_6.match(line) is not None or _TYPE_7.fullmatch(line) is not None


def unknown_open_before(text: str, pos: int, name: str) -> re.Match[str] | None:
    """An open tag of ``name`` (not closed in itself) before ``pos``, or None."""
    return re.compile(rf"<{re.escape(name)}(?:\s[^<>]{{0,2000}})?(?<!/)>", re.IGNORECASE).search(text, 0, pos)


class HtmlBlocks:
    """kramdown's HTML blocks: a block-level element opening a line runs to its matching close
    tag (blank lines and all); one without ``markdown="1"`` holds no Markdown. Each tag's opens
    and closes are matched once, in one pass over the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.closes: dict[str, dict[int, int]] = {}
        self.closed: dict[str, set[int]] = {}  # the ends of the close tags some open tag matches
        self.markdown: list[int] | None = None  # where markdown="1" attributes are
        self.close_end = 0  # where the close tag of the block end() found last ends
        self.last_close: dict[str, int] = {}  # where the last close tag of each name starts (-1: none)

    def _markdown_between(self, start: int, end: int) -> bool:
        if self.markdown is None:
            self.markdown = [m.start() for m in _MARKDOWN_ATTR.finditer(self.text)]
        k = bisect_left(self.markdown, start)
        return k < len(self.markdown) and self.markdown[k] < end

    def stray_close(self, pos: int, line: str) -> bool:
        """Whether ``line`` (starting at ``pos``) opens with a block-level close tag that no open tag matches."""
        if "</" not in line:
            return False
        match = _HTML_BLOCK_CLOSE.match(line)
        if match is None:
            return False
        tag = match.group(1).lower()
        if tag not in self.closes:
            self.closes[tag] = _matched(self.text, tag)
        if tag not in self.closed:
            self.closed[tag] = set(self.closes[tag].values())
        return pos + match.end() not in self.closed[tag]

    def end(self, pos: int, line: str) -> int | None:
        """Where the last line of the HTML block opening ``line`` (starting at ``pos``) ends, or None."""
        if "<" not in line:
            return None
        match = HTML_BLOCK_OPEN.match(line) or _other_block_open(line)
        if match is None or _MARKDOWN_ATTR.search(line):
            return None
        tag = match.group(1).lower()
        if tag not in self.closes:
            self.closes[tag] = _matched(self.text, tag)
        start = pos + match.start(1) - 1
        close = self.closes[tag].get(start)
        if close is None and self._never_closed(tag, start, line):
            self.close_end = len(self.text)
            return len(self.text)  # kramdown reads an element never closed to the end of the text
        if close is None or self._markdown_between(start, close):
            return None  # not closed (as far as this reads), or Markdown inside (read by the kramdown package's rules)
        self.close_end = close  # where its close tag ends (end's answer: where that line ends)
        return line_end_at(self.text, close - 1)

    def _never_closed(self, tag: str, start: int, line: str) -> bool:
        """Whether the element opening at ``start`` is plainly never closed: no close tag of its
        name comes after it, it has a body and its open tag is whole on its line."""
        if tag in WITHOUT_BODY or ">" not in line or line.rstrip().endswith("/>") or _MARKDOWN_ATTR.search(line):
            return False
        if tag not in self.last_close:  # found once a tag: a line of each open tag would search the rest
            last = -1
            for last_match in re.finditer(rf"</{tag}(?=[\s>])", self.text, re.IGNORECASE):
                last = last_match.start()
            self.last_close[tag] = last
        return self.last_close[tag] < start


@cache
def tag_pattern(tag: str) -> re.Pattern[str]:
    """An open or close tag named ``tag`` (group 1: the close tag's ``/``); search it no further
    than ``limits.tags_end``."""
    return re.compile(rf"<(/?){tag}(?=[\s/>])[^>]*>", re.IGNORECASE)


def _matched(text: str, tag: str) -> dict[int, int]:
    """Each open tag of ``tag``'s position, to the end of its matching close tag. A tag inside
    a comment on one line (``<!-- </div> -->``, a tag commented out) is the comment's: kramdown
    reads the comment, not the tag."""
    matched: dict[int, int] = {}
    if tag in WITHOUT_BODY:
        return matched  # <hr></hr>: the element ends at its open tag; its close tag is text (kramdown)
    stack: list[int] = []
    starts, ends = _line_comments(text) if "<!--" in text else ([], [])
    for match in tag_pattern(tag).finditer(text, 0, tags_end(text)):
        if starts:
            k = bisect_right(starts, match.start()) - 1
            if k >= 0 and match.start() < ends[k]:
                continue
        if match.group(1):
            if stack:
                matched[stack.pop()] = match.end()
        elif not match.group(0).endswith("/>"):
            stack.append(match.start())
    return matched


def _line_comments(text: str) -> tuple[list[int], list[int]]:
    """Where each comment closed on the line it opens on starts and ends, in order. One pass: a
    line is searched for ``-->`` once from each ``<!--``, and not again after it finds none."""
    starts: list[int] = []
    ends: list[int] = []
    pos = text.find("<!--")
    while pos >= 0:
        line_end = text.find("\n", pos)
        if line_end < 0:
            line_end = len(text)
        close = text.find("-->", pos + 4, line_end)
        if close < 0:
            pos = text.find("<!--", line_end)
            continue
        starts.append(pos)
        ends.append(close + 3)
        pos = text.find("<!--", close + 3)
    return starts, ends


def escape_broken_tags(block: str) -> str:
    """An HTML block's "<" that opens no tag kramdown reads, and a close tag of an element never
    opened in the block, escaped: they are text to kramdown. A browser would take the first for
    a tag, and its attributes to the next ">" (or quote), swallowing the text after it."""
    if "<" not in block:
        return block
    if "<?" in block or "<![CDATA[" in block:  # text to kramdown, in an HTML block too
        block = block.replace("<?", "&lt;?").replace("<![CDATA[", "&lt;![CDATA[")
    opened: dict[str, int] = {}
    pieces: list[str] = []
    pos = 0
    starts, ends = _line_comments(block) if "<!--" in block else ([], [])
    for match in _TAG_START.finditer(block):
        start = match.start()
        if start < pos:
            continue
        if starts:  # a tag in a comment is the comment's (as _matched reads it)
            k = bisect_right(starts, start) - 1
            if k >= 0 and start < ends[k]:
                continue
        tag = KRAMDOWN_TAG.match(block, start)
        if tag is not None:
            name = (tag.group(1) or tag.group(2)).lower()
            if tag.group(1) is not None:
                opened[name] = opened.get(name, 0) + (not tag.group(0).endswith("/>"))
                continue
            if opened.get(name, 0) > 0:
                opened[name] -= 1
                continue
        pieces += [block[pos:start], "&lt;"]
        pos = start + 1
    return "".join(pieces) + block[pos:] if pieces else block
