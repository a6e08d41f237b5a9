"""The parts of a kramdown source that no rewrite may change: code and math.

kramdown reads a post block by block, and inside a block span by span; code and math are
read as they stand, and nothing written inside them is Markdown, Liquid's leftovers or
kramdown syntax. The rewrites of kramdown.py work on the source text, so before any of
them runs, this module finds what kramdown would read as code or math and puts a token in
its place; the rewrites cannot see inside, whatever their patterns are.

What is opaque, as kramdown's grammar has it:

- HTML blocks: a block-level element opening a line, to its matching close tag, is read as
  HTML (its blank lines go: CommonMark would end the block there; a blank line after it, as
  kramdown ends it at the close tag); a "<" in it that kramdown reads as no tag is text;
- blocks, found line by line: fenced code (``` and ~~~, closed, with one word or none after
  the fence: kramdown reads any other fence line as text, and so it is escaped); indented
  code (four columns, after a blank line, not inside a list item);
  ``$$ ... $$`` math standing alone between block boundaries (blank lines and all); an HTML
  ``<pre>``, ``<script>``, ``<style>`` or ``<textarea>`` element opening a line (Jekyll's
  ``{% highlight %}`` arrives as one);
- spans, found within a paragraph: a code span (a backtick run to the next run of the same
  length, not empty; one space off each end of a longer run's; one backtick between spaces
  is text); an XML-namespaced tag (``<some:tag>``: HTML to kramdown, text to CommonMark);
  kramdown's raw HTML span elements (``<code>``, ``<kbd>``, ``<samp>``, ``<var>``, and every
  element whose content kramdown does not read as Markdown in a paragraph: ``<u>``, ``<mark>``,
  ``<s>``, ``<font>``, a name HTML does not have; read as spanhtml.raw_element reads them: tags
  nest, text is escaped; and the raw blocks above); a fenced code block inside a block quote
  (its lines, markers and all, go back to the source, as fenced code does);
  ``$$ ... $$`` math, and ``\\$$ ... $$`` opening a block and ending its line (kramdown's
  block-math escape takes the backslash off: inline math). A code span does not cross from one
  table row into the next.

Code blocks are given back to the Markdown source before CommonMark renders it (pulldown-cmark
reads fenced and indented code as kramdown does). Spans, math and raw HTML elements are
rendered here, into the HTML, after it: CommonMark never sees their text.

A token is two or three characters of Unicode planes 15 and 16 (private use). A post's own
characters of those planes are tokens too, each rendering as itself, so a token in the output
is always one of ours.
"""

from __future__ import annotations

import html
import itertools
import re
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from postdrop.core.limits import MAX_ELEMENTS, tags_end
from postdrop.core.spanhtml import (
    BLOCK_ELEMENTS,
    BLOCK_MODEL,
    HTML_ELEMENTS,
    KRAMDOWN_TAG,
    MARKDOWN_CONTENT,
    NAME_START_CLASS,
    SWALLOWING,
    WITHOUT_BODY,
    raw_element,
)
from postdrop.exceptions import PostRejected

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ["Masked", "after_definition", "mask", "quote_content", "tag_pattern"]

_SOURCE_MARK = "\U000ffffa"  # given back to the source before CommonMark
_HTML_MARK = "\U000ffffb"  # rendered into the HTML after it
_DIGIT = 0x100000
_BASE = 0xFFFD
# the size of a four-byte string, less its characters and their terminator
_WIDE_STRING_HEADER = sys.getsizeof("\U00010000") - 4 * 2
_PRIVATE = re.compile("[\U000f0000-\U0010ffff]")
# each kind searched on its own: a literal first character is skipped to, a class is tried everywhere
_SOURCE_TOKEN = re.compile("\U000ffffa[\U00100000-\U0010fffd]{2}")
_HTML_TOKEN = re.compile("\U000ffffb[\U00100000-\U0010fffd]{2}")
# a line that may open an opaque block: at the text's start, and after a newline (a literal first
# character lets re skip ahead, where "^" with MULTILINE is tried at every position)
_CANDIDATE = re.compile(
    r" {0,3}[`~$<\t]| {4}| {0,3}>[> \t]*(?:```|~~~|\t| {4})| {0,3}(?:[*+-]|\d{1,9}\.)[ \t]+(?:```|~~~)"
)
_NON_SPACE = re.compile(r"\S")  # a line with one is not blank (str.strip's white space is \s's)
_NEXT_CANDIDATE = re.compile(
    r"\n(?: {0,3}[`~$<\t]| {4}| {0,3}>[> \t]*(?:```|~~~|\t| {4})| {0,3}(?:[*+-]|\d{1,9}\.)[ \t]+(?:```|~~~))"
)
# a fence inside a block quote (in a list item, perhaps): the quote's markers (group 1), the fence
# (group 2) and what follows it on its line (group 3)
_QUOTED_FENCE = re.compile(r"([ \t]*(?:> ?[ \t]{0,3})*> ?)[ \t]{0,3}(`{3,}|~{3,})(.*)")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})(.*)")
_ITEM_FENCE = re.compile(r"([ \t]*(?:[*+-]|\d{1,9}\.)[ \t]+)(`{3,}|~{3,})(.*)")  # a fence opening a list item
_RAW_BLOCK = re.compile(r" {0,3}<(pre|script|style|textarea)(?=[\s>])", re.IGNORECASE)
_MATH_OPEN = re.compile(r" {0,3}\$\$")
_ITEM_CONTENT = re.compile(r"[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]+(?=\S)")
# Lines looked back at to tell whether indented lines continue a list item: each indented line
# looks back, so this bounds a post of deep lists (one look-back each) to linear time.
LOOK_BACK = 100
_LIST_ITEM = re.compile(r" {0,3}(?:[*+-]|\d{1,9}\.)(?:[ \t]|$)")
# what can open a span: a backtick run (after any backslashes), a raw element, "$$"
# (a raw element's open tag is read up to 10,000 characters: searched to the next ">" unbounded,
# a thousand "<code " with none after them took each a search to the text's end)
# (an XML-namespaced tag: HTML to kramdown, but for a "<mailto:...>" autolink, which it reads first)
_SPAN_OPEN = re.compile(  # the lookahead first: one class test at each place, not five alternatives
    r"(?=[`$<])(?:(`+)|(\$\$)|<(code|kbd|samp|var|pre|script|style|textarea)(?=[\s>])[^>]{0,10000}>"
    r"|(?<!\]\()(</?(?!(?-i:mailto|https?|ftps?):)[A-Za-z][\w.-]{0,100}:[A-Za-z][\w.:-]{0,100}(?:\s[^<>]{0,500})?/?>)"
    r"|(<[A-Za-z][\w-]{0,100}(?:\s[^<>]{0,2000})?/?>))",  # another tag: its attributes hold no span
    re.IGNORECASE,
)
# The same places, found by three searches that each skip ahead to their first character (a
# class or a lookahead first is tried at every position, which on CJK text costs 5-10 ns a
# character); _openers merges them as _SPAN_OPEN's one left-to-right scan would find them.
_TICKS = re.compile(r"``*")  # not "`+": a repeat first is no literal to skip ahead to
_SPAN_TAG = re.compile(  # _SPAN_OPEN's tags, its "<" taken out in front: a literal first character
    r"<(?:(code|kbd|samp|var|pre|script|style|textarea)(?=[\s>])[^>]{0,10000}>"
    r"|(?<!\]\(<)(/?(?!(?-i:mailto|https?|ftps?):)[A-Za-z][\w.-]{0,100}:[A-Za-z][\w.:-]{0,100}(?:\s[^<>]{0,500})?/?>)"
    r"|([A-Za-z][\w-]{0,100}(?:\s[^<>]{0,2000})?/?>))",
    re.IGNORECASE,
)
_HTML_BLOCK_OPEN = re.compile(
    r" {0,3}<(address|article|aside|blockquote|center|details|dialog|dd|div|dl|dt|fieldset|figcaption|figure|"
    r"footer|form|header|hr|li|main|nav|ol|p|section|summary|table|tbody|td|tfoot|th|thead|tr|ul|iframe|video"
    r"|audio|canvas|noscript|object|map|math|svg)(?=[\s/>]|$)",
    re.IGNORECASE,
)
_HTML_BLOCK_CLOSE = re.compile(
    r" {0,3}</(address|article|aside|blockquote|center|details|dialog|dd|div|dl|dt|fieldset|figcaption|figure|"
    r"footer|form|header|li|main|nav|ol|p|section|summary|table|tbody|td|tfoot|th|thead|tr|ul)\s*>",
    re.IGNORECASE,
)
_MARKDOWN_ATTR = re.compile(r"markdown\s*=\s*[\"']?(?:1|block|span)", re.IGNORECASE)
_MARKDOWN_OFF = re.compile(r"\smarkdown\s*=", re.IGNORECASE)  # markdown="0" (or "1": not a block here)
# kramdown's {::options parse_block_html="true" /} on a line of its own (kramdown.py's _html_options)
_BLOCK_HTML_ON = re.compile(r"(?:^|\n) {0,3}\{::options\b[^}\n]{0,300}?\bparse_block_html\s*=\s*[\"']?true\b")
_TAG_START = re.compile(f"<(/?)(?={NAME_START_CLASS})")
_NOSCRIPT = re.compile(r" {0,3}<noscript(?=[\s>])", re.IGNORECASE)
_NOSCRIPT_CLOSE = re.compile(r"</noscript\s*>[ \t]*$", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")
_CELL_BORDER = re.compile(r"(?<!\\)\|")
# the raw elements kramdown reads in a paragraph as spans (spanhtml.raw_element), to their close
# tag in it; the ones a browser reads to their close tag as text (spanhtml.SWALLOWING: <script>,
# <title>…) to their paragraph's end when it holds none, as kramdown closes them; <pre> runs to its
# first close tag
_RAW_SPAN_ELEMENTS = frozenset({"code", "kbd", "samp", "var"}) | SWALLOWING
# every element with a body outside spanhtml.MARKDOWN_CONTENT (<u>, <mark>, <s>, <font>, a name
# HTML does not have) holds text and tags but no Markdown in a paragraph, as <kbd> does
_TAG_NAME = re.compile(r"<([A-Za-z][\w-]*)")
# where kramdown's paragraph ends (kramdown-parser-gfm's rule): a blank line, or a line that opens
# a list item, an ATX heading, a definition or a fenced code block. (A quote's line too, but a
# quote's own lines each open with ">": those are left to the blank lines.)
_PARAGRAPH_END = re.compile(r"\n(?:[ \t]*(?=\n)| {0,3}(?:[*+-][ \t]|\d{1,9}\.[ \t]|#{1,6}[ \t]|:[ \t]|```|~~~))")
# a link definition's line (kramdown's: the URL may have spaces), and a title alone on its line
_LINK_DEFINITION = re.compile(r" {0,3}\[(?!\^)[^\n\]]{1,999}\]:[ \t]*\S")
_LINK_TITLE = re.compile(r"[ \t]*(?:\"[^\n]*\"|'[^\n]*')[ \t]*")


@dataclass(slots=True)
class Masked:
    """A source with its opaque parts replaced by tokens, and what each token stands for."""

    text: str
    source: dict[str, str] = field(default_factory=dict)  # token -> the source it stands for
    rendered: dict[str, str] = field(default_factory=dict)  # token -> the HTML it renders as
    written: dict[str, str] = field(default_factory=dict)  # token -> what it was in the source
    blocks: set[str] = field(default_factory=set)  # tokens that are a whole code line or block
    html_blocks: set[str] = field(default_factory=set)  # of those, the HTML blocks
    piped_math: set[str] = field(default_factory=set)  # inline math with a cell border (kramdown.py's tables)
    item_code: dict[str, tuple[int, str]] = field(default_factory=dict)  # a fence on an item's lazy line: its item
    tokens: _Tokens | None = None

    def raw(self, written: str, out: str, *, block: bool = False) -> str:
        """A token for ``written``, rendered as the HTML ``out`` (kramdown's {::nomarkdown})."""
        if self.tokens is None:
            self.tokens = _Tokens(self)
        return self.tokens.rendered(written, out, block=block)

    def cell_spans(self, rows: list[str]) -> None:
        """kramdown reads each ``\\|`` of a table's row as ``|`` before the row's spans, but for
        code's (code spans, ``<code>`` elements): the math and raw elements in ``rows`` are
        rendered so."""
        for row in rows:
            if _HTML_MARK not in row:
                continue
            for match in _HTML_TOKEN.finditer(row):
                out = self.rendered.get(match.group(0))
                if out is not None and "\\|" in out and not out.startswith("<code"):
                    self.rendered[match.group(0)] = out.replace("\\|", "|")

    def code_lines(self, lines: list[str]) -> list[bool]:
        """Whether each line is (a line of) an opaque block: line rewrites leave it alone."""
        blocks = self.blocks
        return [bool(blocks) and line.strip() in blocks for line in lines]

    def to_source(self, text: str) -> str:
        """``text`` with the code blocks given back: the source CommonMark reads."""
        if _SOURCE_MARK not in text:
            return text
        return _SOURCE_TOKEN.sub(lambda m: self.source.get(m.group(0), m.group(0)), text)

    def to_written(self, text: str) -> str:
        """``text`` with every token given back as it was written."""
        text = self.to_source(text)
        if _HTML_MARK not in text:
            return text
        return _HTML_TOKEN.sub(lambda m: self.written.get(m.group(0), m.group(0)), text)

    def to_html(self, rendered: str) -> str:
        """CommonMark's HTML with the spans, math and raw elements rendered in. A raw HTML block
        that CommonMark wrapped in a paragraph of its own comes out without the paragraph."""
        if _HTML_MARK not in rendered:
            return rendered
        # one search for the tokens (their first character is a class re skips to), and the
        # "<p>" and "</p>" around each looked at by hand: an alternation that also opens with
        # "<p>" would be tried at every position of the HTML
        pieces: list[str] = []
        pos = 0
        last_open = last_close = -1  # the last "<" and ">" before the token (looked for since the one before)
        seen = 0
        for match in _HTML_TOKEN.finditer(rendered):  # the source tokens went back before CommonMark
            token = match.group(0)
            out = self.rendered.get(token)
            if out is None:
                continue
            start, end = match.start(), match.end()
            last_open = max(last_open, rendered.rfind("<", seen, start))
            last_close = max(last_close, rendered.rfind(">", seen, start))
            seen = start
            if last_open > last_close:  # inside a tag: an image's alt
                out = html.escape(self.written.get(token, ""))  # kramdown's alt text is the source as written
            elif (
                token in self.blocks
                and rendered.startswith("</p>", end)
                and start >= pos + 3
                and rendered.startswith("<p>", start - 3)
                and not out.startswith("<span")
            ):
                start, end = start - 3, end + 4
            pieces += [rendered[pos:start], out]
            pos = end
        return "".join(pieces) + rendered[pos:] if pieces else rendered


class _Tokens:
    def __init__(self, masked: Masked) -> None:
        self.masked = masked
        self.count = 0
        self.spans: dict[tuple[str, str], str] = {}  # a code span's written and HTML -> its token

    def new(self, kind: str) -> str:
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise PostRejected(
                f"the body has more than {MAX_ELEMENTS:,} code spans, code lines and math; postdrop reads no more"
            )
        n = self.count
        return kind + chr(_DIGIT + n // _BASE) + chr(_DIGIT + n % _BASE)

    def source(self, text: str, *, block: bool) -> str:
        token = self.new(_SOURCE_MARK)
        self.masked.source[token] = text
        if block:
            self.masked.blocks.add(token)
        return token

    def span(self, written: str, out: str) -> str:
        """One token for each code span written alike: ``[`x`][]`` refers to ``[`x`]: url``
        (kramdown's labels are the text as written; CommonMark's are the tokens here)."""
        token = self.spans.get((written, out))
        if token is None:
            token = self.spans[written, out] = self.rendered(written, out)
        return token

    def rendered(self, written: str, out: str, *, block: bool = False) -> str:
        token = self.new(_HTML_MARK)
        self.masked.rendered[token] = out
        self.masked.written[token] = written
        if block:
            self.masked.blocks.add(token)
        return token


def mask(text: str) -> Masked:
    """``text`` with its code and math replaced by tokens (see the module's docstring).

    The text is read by offsets, not split into lines: a line is cut out only where a block may
    open, and prose between such lines is taken whole, so a post of a million short lines costs
    no million strings (nor twice as many)."""
    if text.count("<") > 2 * MAX_ELEMENTS:  # each is a place to look at: more than the element cap can hold
        raise PostRejected(
            f"the body has more than {2 * MAX_ELEMENTS:,} '<' (tags or guillemets), more than its"
            f" {MAX_ELEMENTS:,} elements can hold; postdrop reads no more in one post"
        )
    masked = Masked(text)
    tokens = masked.tokens = _Tokens(masked)
    if _may_hold_planes_15_16(text) and _PRIVATE.search(text):
        text = _PRIVATE.sub(lambda m: tokens.rendered(m.group(0), m.group(0)), text)
    out: list[str] = []  # the masked text: whole lines, one or more an entry
    prose: list[str] = []  # the current run of prose (as out's entries), masked span by span at its end

    def flush() -> None:
        if prose:
            out.append(_mask_spans("\n".join(prose), tokens))
            prose.clear()

    size = len(text)
    pos = 0  # where the line the scan stands at starts; size + 1 past the last line
    unclosed: dict[str, int] = {}
    html_blocks = _HtmlBlocks(text)
    on = _BLOCK_HTML_ON.search(text) if "parse_block_html" in text else None
    markdown_from = size + 1 if on is None else on.start()  # where HTML blocks start to hold Markdown
    after_html = -1  # where the line after an HTML block starts: a blank line goes before it
    closers, blank_lines = _NextMatch(text, _COMMENT_CLOSER), _NextMatch(text, _BLANK_LINE_AFTER)
    fences: _FenceScans = {}  # _quoted_fence's scans
    while (c := _next_candidate(text, pos)) >= 0:  # lines before it are prose: taken whole
        if c > pos:
            prose.append(text[pos : c - 1])
        pos = c
        end = _line_end(text, pos)
        line = text[pos:end]
        if not line.strip():
            prose.append(line)
            pos = end + 1
            continue
        above = text.rfind("\n", 0, pos - 1) + 1  # where the line above starts
        blank_before = pos in (0, after_html) or _NON_SPACE.search(text, above, pos - 1) is None
        if html_blocks.stray_close(pos, line):  # a close tag that closes nothing: text to kramdown
            at = line.index("<")
            prose.append(f"{line[:at]}&lt;{line[at + 1 :]}")
            pos = end + 1
            continue
        comment = None
        if "<!--" in line:  # a block opens after a blank line, a block the masking took, a heading
            block_start = blank_before or not prose or text.startswith("#", above)
            if not block_start and text.startswith(("[", " [", "  [", "   ["), above):
                block_start = after_definition(text, above)  # a link definition ends its block
            comment = _comment_end(line, pos, block_start, closers, blank_lines)
        if comment is not None:
            kind, close = comment
            at = line.index("<")
            if kind == "text":  # under a paragraph's line, closed past its end: text to kramdown
                prose.append(f"{line[:at]}&lt;{line[at + 1 :]}")
                pos = end + 1
                continue
            close_line_end = _line_end(text, close)
            if kind == "span":  # kramdown's paragraph goes on over it (CommonMark's HTML block would end it)
                written = text[pos + at : close]
                prose.append(line[:at] + tokens.rendered(written, written) + text[close:close_line_end])
                pos = close_line_end + 1
                continue
            # a comment opening a block: read whole, to its close (no Markdown)
            flush()
            out.append(tokens.source(text[pos:close], block=True))  # no Markdown under parse_block_html either
            rest = text[close:close_line_end]
            if rest.strip():  # kramdown reads a block from its close on (a paragraph, a heading...)
                out.append("")
                prose.append(rest.lstrip(" \t"))
            pos = close_line_end + 1
            continue
        if "/" in line and (unknown := _UNKNOWN_TAG_LINE.fullmatch(line)) is not None:
            name = unknown.group(2).lower()
            if name not in HTML_ELEMENTS and unknown.group(1):  # a close tag no open tag of its name matches
                if _unknown_open_before(text, pos, unknown.group(2)) is None:
                    at = line.index("<")
                    prose.append(f"{line[:at]}&lt;{line[at + 1 :]}")  # text to kramdown
                    pos = end + 1
                    continue
            elif name not in HTML_ELEMENTS and unknown.group(3):
                # an element HTML does not have, closed in its tag (<Directory />): kramdown's HTML
                # block, which ends the paragraph above it; a block starts under it
                flush()
                if not blank_before:
                    out.append("")
                out.append(token := tokens.source(line.lstrip(" "), block=True))
                masked.html_blocks.add(token)
                if end < size and _NON_SPACE.search(text, end + 1, _line_end(text, end + 1)) is not None:
                    out.append("")
                pos = after_html = end + 1
                continue
        last_html = html_blocks.end(pos, line)
        if last_html is not None and _NOSCRIPT.match(line) is not None:
            # CommonMark opens no HTML block at <noscript> with more on its line: it would wrap
            # the element in a paragraph that its first block inside closes, leaving that block
            # (a browser's text when scripts are off) outside it. Raw, as kramdown writes it
            flush()
            if not blank_before:
                out.append("")  # kramdown ends the paragraph above at the block's tag
            out.append(tokens.rendered(text[pos:last_html], text[pos:last_html], block=True))
            if last_html < size and _NON_SPACE.search(text, last_html + 1, _line_end(text, last_html + 1)) is not None:
                out.append("")  # and the element at its close tag
            pos = after_html = last_html + 1
            continue
        tail = ""
        if last_html is not None and html_blocks.close_end < last_html:
            tail = text[html_blocks.close_end : last_html]
            if tail.strip() and tail.lstrip()[:1] not in ("<", "{"):
                # text after the close tag on its line: kramdown ends the block at the tag and
                # reads the rest as a paragraph (whose lines go on under it)
                last_html = html_blocks.close_end
            else:
                tail = ""
        if last_html is not None and tail:
            flush()
            out += [tokens.source(text[pos:last_html], block=True), ""]
            prose.append(tail.lstrip(" \t"))
            pos = _line_end(text, last_html) + 1
            continue
        if last_html is not None:  # an HTML block: read whole, to its close tag
            flush()
            block = _escape_broken_tags(_mask_spans(text[pos:last_html], tokens, raw_only=True))
            if pos < markdown_from or _MARKDOWN_OFF.search(line) is not None or not _holds_blocks(line):
                block = "\n".join(part for part in block.split("\n") if part.strip())
            # else kramdown.py reads it as Markdown (parse_block_html): its blank lines part its blocks
            out.append(token := tokens.source(block, block=True))  # one token: its lines are one block
            masked.html_blocks.add(token)
            after = last_html + 1
            if last_html < size and _NON_SPACE.search(text, after, _line_end(text, after)) is not None:
                out.append("")  # kramdown ends the block at its close tag; CommonMark at a blank line
            pos = after_html = after
            continue
        # a link definition ends its block in kramdown: indented lines under one are code
        # (a quoted title under it is the definition's)
        defined_above = (
            not blank_before
            and text.startswith(("[", " [", "  [", "   ["), above)
            and after_definition(text, above)
            and _LINK_TITLE.fullmatch(line) is None
        )
        quoted = _quoted_fence(text, pos, line, fences) if ">" in line else None
        if quoted is not None:  # code in a quote: its lines go back to the source, markers and all
            flush()
            out.append(tokens.source(text[pos:quoted], block=True))
            pos = quoted + 1
            continue
        indented = _quoted_code(text, pos, line, blank_before) if ">" in line[:4] else None
        if indented is not None:  # indented code in a quote: its lines as CommonMark reads them alike
            flush()
            out.append(tokens.source(indented[1], block=True))
            pos = indented[0] + 1
            continue
        heading_above = not blank_before and text.startswith("#", above) and _ATX_LINE.match(text, above) is not None
        if not blank_before and not heading_above and text.startswith("<", above) and "markdown" in text[above:pos]:
            heading_above = _markdown_block_open(text[above : pos - 1])  # a block starts under it too
        block_end = _block_end(
            text, pos, line, blank_before or defined_above, out, prose, unclosed, code_may_open=heading_above
        )
        if block_end is None:
            prose.append(line)
            pos = end + 1
            continue
        kind, last, head, tail = block_end
        if kind == "text":  # escaped, so that CommonMark reads text too
            at = len(line) - len(line.lstrip())
            ticks = line[at : len(line) - len(line[at:].lstrip("`"))]
            if ticks:  # a code span's opening, when its paragraph closes it (a fence line there opens no block)
                paragraph_end = blank_lines.at(pos)
                close = text.find(ticks, pos + len(line), size if paragraph_end < 0 else paragraph_end)
                if close >= 0:
                    inner = text[pos + at + len(ticks) : close].removeprefix(" ").removesuffix(" ")
                    span = tokens.span(
                        text[pos + at : close + len(ticks)],
                        f'<code class="language-plaintext highlighter-rouge">{html.escape(inner, quote=False)}</code>',
                    )
                    close_end = _line_end(text, close)
                    prose.append(line[:at] + span + text[close + len(ticks) : close_end])
                    pos = close_end + 1
                    continue
            prose.append(f"{line[:at]}\\{line[at:]}")
            pos = end + 1
            continue
        if kind.startswith("loose"):  # text: its marker escaped (and at a block's start its indentation gone)
            prose.append(_loose_line(line if kind == "loose marker" else line.lstrip(" \t")))
            pos = end + 1
            continue
        flush()
        region = text[pos:last]
        if kind.startswith("item fence:"):  # a fence on a lazy line of a list item: into the item
            lead = " " * int(kind[11:-1])
            out.append(lead + (token := tokens.source(_into_item(region, lead)[len(lead) :], block=True)))
            masked.item_code[token] = (len(lead), kind[-1])  # the lazy lines under it are the item's too
        elif kind.startswith("fence:"):  # a fence indented inside its list item
            # kramdown keeps the fence's own indentation in its code; CommonMark takes it off
            keep = " " * int(kind[6:])
            code = region.split("\n")
            code[1:-1] = [keep + code_line if code_line.strip() else code_line for code_line in code[1:-1]]
            written = "\n".join(code)
            lead = written[: len(written) - len(written.lstrip(" \t"))]
            out.append(lead + tokens.source(written[len(lead) :], block=True))
        elif kind == "code":  # one token for the block: its lines go back to the source together
            if defined_above:
                out.append("")  # CommonMark would read the lines as the definition's paragraph
            # the token stands where the block's first line does (its indentation before it, a list
            # item's marker when the fence opens the item): the lines below see the block's column
            lead = head or region[: len(region) - len(region.lstrip(" \t"))]
            closing = region[region.rfind("\n") + 1 :]
            if closing.endswith("\t") and closing.lstrip(" \t")[:3] in ("```", "~~~"):
                region = region.rstrip(" \t")  # a fence's close line: CommonMark takes no tab after it
            out.append(lead + tokens.source(region[len(lead) :], block=True))
        elif kind == "lazy code":  # rendered here: CommonMark ends it at its first lazy line
            out.append(tokens.rendered(region, _lazy_code(region), block=True))
        elif kind == "nested raw":  # a raw element whose close tag an element inside it holds
            body = region[: len(region) - len(tail)]
            out.append(tokens.rendered(body, _nested_raw_html(body), block=True) + tail)
        else:
            body = region[len(head) : len(region) - len(tail)]
            out_html = _render_block(kind, body)
            if kind == "raw" and body[:4].lower() == "<pre":  # a "<" opening no tag kramdown reads: text
                out_html = _escape_broken_tags(out_html)
            token = tokens.rendered(body, out_html, block=True)
            if kind == "raw" and tail.startswith("<"):  # kramdown reads a block from there: an HTML block
                out.append(head + token)
                if _NOSCRIPT.match(tail) is not None and _NOSCRIPT_CLOSE.search(tail) is not None:
                    out += ["", tokens.rendered(tail, tail, block=True)]  # raw, as above, a block of its own
                    if last < size and _NON_SPACE.search(text, last + 1, _line_end(text, last + 1)) is not None:
                        out.append("")
                else:
                    prose.append(tail)
            elif kind == "math" and tail.strip():  # a block attribute list: its class goes, as every class does
                out.append(head + token)
            else:
                out.append(head + token + tail)
        pos = last + 1
    if pos <= size:
        prose.append(text[pos:])
    flush()
    masked.text = "\n".join(out)
    return masked


# kramdown's elements whose content markdown="1" reads as blocks (its HTML_CONTENT_MODEL_BLOCK)
_BLOCK_CONTENT_NAMES = (
    "address applet article aside blockquote body dd details div dl fieldset figure figcaption footer form"
    " header hgroup iframe li main map menu nav noscript object section summary td"
)
_BLOCK_CONTENT = frozenset(_BLOCK_CONTENT_NAMES.split())
_MARKDOWN_BLOCK = re.compile(r"\smarkdown\s*=\s*[\"']?(?:1|block)\b", re.IGNORECASE)


def _markdown_block_open(line: str) -> bool:
    """Whether ``line`` is only the open tag of an element whose content kramdown reads as blocks
    (``<div markdown="1">``): its content starts a block, so indented lines right under it are
    code, as under a blank line."""
    line = line.rstrip()
    if not line.endswith(">") or line.count("<") != 1 or line.count(">") != 1 or line.endswith("/>"):
        return False
    name = _TAG_NAME.match(line)
    return name is not None and name.group(1).lower() in _BLOCK_CONTENT and _MARKDOWN_BLOCK.search(line) is not None


def _holds_blocks(line: str) -> bool:
    """Whether the HTML block ``line`` opens is an element whose content kramdown reads as blocks."""
    match = _HTML_BLOCK_OPEN.match(line)
    return match is not None and match.group(1).lower() in BLOCK_MODEL


def _may_hold_planes_15_16(text: str) -> bool:
    """False when ``text`` holds no character past U+FFFF, told from its size: CPython keeps a
    string with one in four bytes a character, and the search for them is slow on CJK text
    (a class tried at each character)."""
    return not text.isascii() and sys.getsizeof(text) >= _WIDE_STRING_HEADER + 4 * (len(text) + 1)


def _line_end(text: str, pos: int) -> int:
    """Where the line that starts at ``pos`` ends (its newline, or the end of the text)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


_COMMENT_OPEN = re.compile(r" {0,3}<!--")
_COMMENT_CLOSER = re.compile("-->")
_BLANK_LINE_AFTER = re.compile(r"\n[ \t]*(?:\n|$)")


class _NextMatch:
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


def _comment_end(
    line: str, pos: int, block_start: bool, closers: _NextMatch, blank_lines: _NextMatch
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


def _next_candidate(text: str, pos: int) -> int:
    """Where the first line from the one starting at ``pos`` on that may open an opaque block
    starts (one that starts, after up to three spaces, with one of ``` ` ~ $ < ``, a tab, or
    four spaces), or -1. One search: lines an opaque block took are not looked at."""
    if pos > len(text):
        return -1
    if pos == 0 and _CANDIDATE.match(text):
        return 0
    match = _NEXT_CANDIDATE.search(text, max(pos - 1, 0))  # from the newline that ends the line before
    return -1 if match is None else match.start() + 1


def _block_end(  # noqa: PLR0917 - the scan's state, passed as it stands
    text: str,
    pos: int,
    line: str,
    blank_before: bool,
    out: list[str],
    prose: list[str],
    unclosed: dict[str, int],
    *,
    code_may_open: bool = False,
) -> tuple[str, int, str, str] | None:
    """The opaque block opening at the line ``line`` that starts at ``pos``: (kind, where its
    last line ends, the text before it on its first line, after it on its last), or None.
    ``unclosed``: for a fence character or a raw tag, the shortest opening that found no close
    below it (nor will any opening after it). ``code_may_open``: indented code may open here
    without a blank line (under a heading)."""
    size = len(text)
    first_end = pos + len(line)
    indent = _columns(line)
    listed = indent >= 4 and _in_list(out, prose)
    if line[:1] == " " and _SPACES_THEN_TAB.match(line) is not None:
        # no INDENT (a tab or four spaces) opens the line: no code to kramdown, nor a list item, a
        # quote or a heading (their markers follow at most three spaces): a line of text
        if (blank_before or code_may_open) and not listed:
            return "loose", first_end, "", ""
        if _LOOSE_MARKER.match(line) is not None:
            return "loose marker", first_end, "", ""
    if (blank_before or code_may_open) and indent >= 4:
        # indented code: four columns in, of the page or of the list item it is in
        column = 0 if not listed else _item_column(out, prose)
        if column is not None and indent < column and blank_before:
            column = _holding_column(out, prose, indent)  # that item ended (kramdown): which holds the line?
        if column == 0 and line.startswith(("\t", "    ")):
            lazy = _lazy_code_end(text, first_end)
            if lazy is not None and not _in_footnote(out, prose):
                return "lazy code", lazy, "", ""
        if column is not None and indent >= column + 4:
            last = first_end
            at = first_end + 1
            while at <= size:
                end = _line_end(text, at)
                below = text[at:end]
                if below.strip():
                    if _columns(below) < column + 4:
                        break
                    last = end
                at = end + 1
            return "code", last, "", ""
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
        return "code", _line_end(text, close.start() + 1), item.group(1), ""
    if fence and (indent < 4 or listed):
        mark = fence.group(1)
        # a fence line kramdown does not read as one: text (escaped, so that CommonMark reads text
        # too; not where CommonMark reads no fence either: a backtick after "```" is a code span's)
        prose_line = None if mark[0] == "`" and "`" in fence.group(2) else ("text", first_end, "", "")
        if len(fence.group(2).strip().split()) > 1 or len(mark) >= unclosed.get(mark[0], 1 << 30):
            return prose_line
        if not blank_before and (item_above := _lazy_item(out, prose)) is not None and indent < item_above[0]:
            # a lazy line of the list item above (kramdown's item takes it): a fence only when it
            # closes within the item's lines (CommonMark would end the list at it)
            item_end = _item_fence_end(text, first_end, mark, *item_above)
            return prose_line if item_end is None else (f"item fence:{item_above[0]}{item_above[1]}", item_end, "", "")
        close = _fence_close(mark).search(text, first_end)
        if close is not None:
            last = _line_end(text, close.start() + 1)
            column = _item_column(out, prose) if indent else None
            if column is not None and 0 < indent - column <= 3:
                return f"fence:{indent - column}", last, "", ""
            return "code", last, "", ""
        unclosed[mark[0]] = len(mark)
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
            end = _line_end(text, at)
            below = text[at:end]
            found = below.lower().find(close_tag, start)
            if found >= 0:
                if raw.group(1).lower() in ("pre", "textarea") and "<" in text[pos + raw.end() : at + found]:
                    nested = _nested_raw_end(text, pos, raw.group(1).lower())
                    if nested != at + found + len(close_tag):  # a tag inside holds the close tag as text
                        return _nested_raw_block(text, pos, nested)
                return "raw", end, "", below[found + len(close_tag) :]
            at, start = end + 1, 0
        unclosed[close_tag] = 0
        return None
    return None


def _nested_raw_html(body: str) -> str:
    """The HTML of a raw element read as _nested_raw_end reads it: its tags as written, a close
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


def _nested_raw_end(text: str, pos: int, name: str) -> int | None:
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


def _nested_raw_block(text: str, pos: int, end: int | None) -> tuple[str, int, str, str]:
    """The raw block from ``pos`` to ``end`` (_nested_raw_end; None: to the end of the text)."""
    if end is None:
        return "nested raw", len(text), "", ""
    last = _line_end(text, end)
    return "nested raw", last, "", text[end:last]


_SPACES_THEN_TAB = re.compile(r" {1,3}\t")
_LOOSE_MARKER = re.compile(r"[ \t]*(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
_BLOCK_MARK = re.compile(r"([ \t]*)(?:(\d{1,9})(?=[.)])|(?=[*+\-#>~`=|<:]))")


# a line that is one tag: a close tag (group 1), its name (group 2), closed in itself (group 3)
_UNKNOWN_TAG_LINE = re.compile(r" {0,3}<(/)?([A-Za-z][\w.-]{0,100})(?:\s[^<>\n]{0,2000}?)?(/)?>[ \t]*")


def _unknown_open_before(text: str, pos: int, name: str) -> re.Match[str] | None:
    """An open tag of ``name`` (not closed in itself) before ``pos``, or None."""
    return re.compile(rf"<{re.escape(name)}(?:\s[^<>]{{0,2000}})?(?<!/)>", re.IGNORECASE).search(text, 0, pos)


def _loose_line(line: str) -> str:
    """A line of text whose first character CommonMark could read as a block's marker, escaped."""
    mark = _BLOCK_MARK.match(line)
    if mark is None:
        return line
    at = mark.end()
    return f"{line[:at]}\\{line[at:]}"


_ATX_LINE = re.compile(r"#{1,6}(?:[ \t]|$)", re.MULTILINE)
# a line kramdown's indented code takes on its own: a tab or four spaces first (its INDENT)
_INDENT = re.compile(r"\t| {4}")
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
        end = _line_end(text, at)
        if _NON_SPACE.search(text, at, end) is None:
            blank = True
        elif _INDENT.match(text, at) is not None:
            last, blank = end, False
        elif blank or _NO_LAZY_CODE.match(text, at, end) is not None:
            break
        else:
            last, lazy = end, True
        at = end + 1
    return last if lazy else None


def _lazy_code(region: str) -> str:
    """The HTML of kramdown's indented code with lazy lines: a lazy line after up to three spaces
    joins the line above with a space, and each line loses one INDENT."""
    code = _INDENT_AT_LINES.sub("", _LAZY_JOIN.sub(r" \1", region + "\n"))
    return f"<pre><code>{html.escape(code, quote=False)}</code></pre>"


_FenceScans = dict[tuple[int, str], tuple[int, int, int | None]]  # (depth, fence) -> (from, stopped at, answer)


def _quoted_fence(text: str, pos: int, line: str, scans: _FenceScans) -> int | None:
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
        end = _line_end(text, at)
        marked = prefix.match(text, at, end)
        if marked is None:
            break  # the quote (or its depth) ends before the code does
        rest = text[marked.end() : end].strip(" \t")
        if rest.startswith(mark) and not rest.strip(mark[0]):
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
    while not (code_stops and _INDENT.match(line)) and (level := _QUOTE_LEVEL.match(line)) is not None:
        line = line[level.end() :]
        depth += 1
    return depth, line


def _quote_opens(text: str, above: int, above_end: int) -> bool:
    """Whether a quote opens under the paragraph whose last line is ``text[above:above_end]``:
    no line of it, back to a blank line, is a quote's (a quote's lazy lines go on the quote)."""
    for _ in range(LOOK_BACK):
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


def _quoted_code(text: str, pos: int, line: str, blank_before: bool) -> tuple[int, str] | None:
    """Indented code inside a block quote, opening at ``line`` (at ``pos``): kramdown takes the
    quote's markers off (`` {0,3}> ?`` a level) and reads a content that opens with a tab or four
    spaces, at the quote's start or after a blank line in it, as code. CommonMark expands a tab
    after the marker from the marker's column (``> \t- x`` is a list item to it). Where the code's
    last line ends, and its lines written as CommonMark reads the same code: each level ``> ``,
    then four spaces (a line of text right under the code is lazy: it joins the code's line with a
    space). None where a list item opens in the quote above (its content column decides) or no
    code opens."""
    depth, content = quote_content(line)
    if depth == 0 or not _INDENT.match(content) or not content.strip():
        return None
    above_end = pos - 1
    above = text.rfind("\n", 0, max(above_end, 0)) + 1
    if not blank_before and text[above:above_end].strip(" \t>") and not _quote_opens(text, above, above_end):
        return None  # under a line of text: a paragraph's lazy line, no code
    back = above
    blank_below = True
    for _ in range(LOOK_BACK):  # the quote's lines above: a list item among them leaves the line be
        if back <= 0 or back > above_end:
            break
        quote_line = text[back : text.find("\n", back)]
        if not quote_line.lstrip().startswith(">"):
            break
        if _QUOTED_ITEM.match(quote_line):
            return None
        text_line = quote_line.strip(" \t>")
        if text_line and blank_below and quote_content(quote_line)[1][:1] not in (" ", "\t"):
            break  # text at the quote's margin after a blank line: no list above it goes on
        blank_below = not text_line
        back = text.rfind("\n", 0, back - 1) + 1
    lead = "> " * depth
    written = [lead + "    " + content[_INDENT.match(content).end() :]]  # type: ignore[union-attr]
    last = pos + len(line)
    at = last + 1
    pending: list[str] = []  # blank quote lines, kept when code follows them
    joined: set[int] = set()  # the lines of written that join the line above
    while at <= len(text):
        end = _line_end(text, at)
        below = text[at:end]
        below_depth, below_content = quote_content(below)
        if below_depth == depth and _INDENT.match(below_content) and below_content.strip():
            written += [*pending, lead + "    " + below_content[_INDENT.match(below_content).end() :]]  # type: ignore[union-attr]
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


@cache
def _fence_close(mark: str) -> re.Pattern[str]:
    """A line that closes a fence opened by ``mark``: the fence's character, as many times or
    more, and white space only around (searched from the newline before it); ASCII white space
    after it, as kramdown's (Ruby's) "\\s": a no-break space after the fence leaves it open."""
    return re.compile(rf"\n[^\S\n]*{re.escape(mark)}{re.escape(mark[0])}*[ \t\r\f\v]*(?=\n|\Z)")


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
        end = _line_end(text, at)
        line = text[at:end]
        found = line.find("$$", start)
        if found >= 0:
            after = line[found + 2 :]
            below = text[end + 1 : _line_end(text, end + 1)] if end < size else ""
            if (after.strip() and _MATH_IAL.fullmatch(after) is None) or (
                below.strip() and _MATH_IAL.fullmatch(below) is None and below.strip() != "^"
            ):
                return None  # math inside a paragraph: inline, read with the spans
            return "math", end, head, after
        at, start = end + 1, 0
    return None


def _render_block(kind: str, body: str) -> str:
    if kind == "raw":
        return body
    tex = body[2:-2]
    return f'<span class="math math-display">{html.escape(tex, quote=False)}</span>'


def _columns(line: str) -> int:
    """The line's indentation in columns (a tab to the next multiple of 4)."""
    if "\t" not in line:  # the common case, without building the expanded line
        return len(line) - len(line.lstrip())
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def _lines_back(above: list[str]) -> Iterator[tuple[str, int, int]]:
    """The last LOOK_BACK lines of ``above`` (entries of one or more whole lines), last first,
    each as (the entry, where the line starts in it, where it ends): read in place, not copied."""
    left = LOOK_BACK
    for entry in reversed(above):
        end = len(entry)
        while True:
            start = entry.rfind("\n", 0, end) + 1
            yield entry, start, end
            left -= 1
            if left == 0:
                return
            if start == 0:
                break
            end = start - 1


def _filled_lines_back(out: list[str], prose: list[str]) -> Iterator[tuple[str, int, int]]:
    """The lines above here that are not blank, last first: ``prose``'s, then ``out``'s
    (LOOK_BACK lines of each, as ``_lines_back``)."""
    for above in (prose, out):
        for entry, start, end in _lines_back(above):
            if not _blank_at(entry, start, end):
                yield entry, start, end


def _blank_at(entry: str, start: int, end: int) -> bool:
    """Whether the line ``entry[start:end]`` is blank, read in place."""
    if start == 0 and end == len(entry):  # the entry is the line
        return not entry or entry.isspace()
    return _NON_SPACE.search(entry, start, end) is None


def _at_margin(entry: str, start: int, end: int) -> bool:
    """Whether the line ``entry[start:end]`` is indented less than two columns (``_columns < 2``),
    from its first two characters: a tab first is four columns, two white space characters two."""
    first = entry[start] if start < end else ""
    if not first.isspace():
        return True
    if first == "\t":
        return False
    return not (start + 1 < end and entry[start + 1].isspace())


def after_definition(text: str, above: int) -> bool:
    """Whether the line starting at ``above`` is a link definition that kramdown reads as one:
    it and the definitions right above it follow a blank line (or open the text). Otherwise
    they are lines of a paragraph. Looks back LOOK_BACK lines."""
    end = _line_end(text, above)
    for _ in range(LOOK_BACK):
        if _LINK_DEFINITION.match(text, above, end) is None and not (
            _LINK_TITLE.fullmatch(text, above, end) and above > 0
        ):
            return _NON_SPACE.search(text, above, end) is None
        if above == 0:
            return True
        end = above - 1
        above = text.rfind("\n", 0, end) + 1
    return False


def _in_list(out: list[str], prose: list[str]) -> bool:
    """Whether indented lines here continue a list item (then they are not code): above them, a
    list item comes before any line that starts at the margin. Looks back LOOK_BACK lines."""
    for entry, start, end in _filled_lines_back(out, prose):
        if _LIST_ITEM.match(entry, start, end):
            return True
        if _at_margin(entry, start, end):
            return False  # a paragraph of the page, not an item's
    return False


_FOOTNOTE_START = re.compile(r" {0,3}\[\^[^\]\n]{1,999}\]:")


def _in_footnote(out: list[str], prose: list[str]) -> bool:
    """Whether indented lines here go on a footnote's definition (kramdown's note takes them, and
    the lazy lines under them, as its blocks: no code): above them, past blank and indented lines
    only, a line opens a footnote definition. Looks back LOOK_BACK lines."""
    for entry, start, end in _filled_lines_back(out, prose):
        if _INDENT.match(entry, start, end) is None:
            return _FOOTNOTE_START.match(entry, start, end) is not None
    return False


def _item_column(out: list[str], prose: list[str]) -> int | None:
    """The content column of the list item the lines here belong to, or None (as _in_list)."""
    for entry, start, end in _filled_lines_back(out, prose):
        item = _ITEM_CONTENT.match(entry, start, end)
        if item is not None:
            return len(item.group(0).expandtabs(4))
        if _at_margin(entry, start, end):
            return None
    return None


def _lazy_item(out: list[str], prose: list[str]) -> tuple[int, str] | None:
    """The list item a line right under a line of text belongs to as a lazy line: its content
    column and its kind of marker (``-`` for ``*+-``, ``.`` for numbers), or None. The lines
    between the item and here are its own: indented to its column (after blank lines too), or
    lazy lines (not after a blank line) that CommonMark reads as its paragraph's too. None for
    an item whose marker is indented, as a nested list's is (its lazy lines are its parent's
    first), and where CommonMark's content column is not kramdown's: five spaces or more after
    the marker, or a tab. Looks back LOOK_BACK lines."""
    between: list[str] = []  # the lines under the item, last first
    margin_below = False  # the line under this one is a line of text at the margin
    for entry, start, end in itertools.chain(_lines_back(prose), _lines_back(out)):
        item = _ITEM_CONTENT.match(entry, start, end)
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
        if opening[0] in " \t" or "\t" in opening or len(opening) - len(opening.rstrip(" ")) > 4:
            return None
        column = len(opening)
        blank = False
        for line in reversed(between):
            if not line.strip():
                blank = True
            elif _columns(line) >= column:
                blank = False
            elif blank or _BLOCK_MARK.match(line) is not None or _NO_LAZY_ITEM_LINE.match(line) is not None:
                return None
        return column, "." if opening[0].isdigit() else "-"
    return None


# a line that is no lazy line of a list item (kramdown's lazy_re): an attribute list, an end-of-block
# mark, a block-level element's open or close tag
_NO_LAZY_ITEM_LINE = re.compile(rf" {{0,3}}(?:\{{:(?![:/])|\^[ \t]*$|</?(?!(?:{_SPAN_NAMES}|script)\b)[A-Za-z_:])")
_ITEM_STARTS = {"-": re.compile(r"( {0,3})[*+-][ \t]"), ".": re.compile(r"( {0,3})\d+\.[ \t]")}


def _item_fence_end(text: str, first_end: int, mark: str, column: int, marker: str) -> int | None:
    """Where a fence on a lazy line of a list item (content column ``column``) closes, as kramdown
    reads the item: its lines go on over lines indented to the column (after blank lines too) and
    lazy lines (not after a blank line), to an item of the list's kind; None when the fence does
    not close within them (then its line is the item's text)."""
    size = len(text)
    close = re.compile(rf" {{0,3}}{re.escape(mark)}{re.escape(mark[0])}*[ \t\r\f\v]*")
    item_start = _ITEM_STARTS[marker]
    at, blank = first_end + 1, False
    while at <= size:
        end = _line_end(text, at)
        line = text[at:end]
        if not line.strip():
            blank = True
        elif line[:1] == "^" and not line[1:].strip():
            return None  # an end-of-block mark
        elif (start := item_start.match(line)) is not None and len(start.group(1)) < column:
            return None  # the list's next item
        elif " \t" in line[: _indent_end(line)]:
            return None  # (tabs after spaces: columns kramdown and CommonMark may count apart)
        elif _columns(line) >= column:
            blank = False
            if close.fullmatch(_tabs_as_spaces(line), column):
                return end
        elif blank or _NO_LAZY_ITEM_LINE.match(line) is not None:
            return None
        else:
            blank = False
            if close.fullmatch(line):
                return end
        at = end + 1
    return None


def _into_item(region: str, lead: str) -> str:
    """A fenced block that opened on a lazy line of a list item, its lines indented into the item
    (``lead``: its content column) for CommonMark: the fence at the column, each line left of the
    column moved past it; a line at the column or right of it is the item's (both take the column
    off)."""
    lines = region.split("\n")
    lines[0] = lead + lines[0].lstrip(" ")
    column = len(lead)
    lines[1:] = [
        line if not line.strip() else _tabs_as_spaces(line) if _columns(line) >= column else lead + line
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


def _holding_column(out: list[str], prose: list[str], indent: int) -> int:
    """After a blank line, a line indented ``indent`` columns, left of the text of the list item
    above it, is outside that item (kramdown): the content column of the item that holds it, an
    item further up whose marker is indented less and whose text starts at ``indent`` or left of
    it (a nested list's line goes on its parent item), or 0 when none does (its list ended)."""
    below = -1  # the marker indentation of the nearest item the line is outside of (-1: none yet)
    for entry, start, end in _filled_lines_back(out, prose):
        item = _ITEM_CONTENT.match(entry, start, end)
        if item is not None:
            marker = _columns(entry[start:end])
            if below < 0 or marker < below:
                content = len(item.group(0).expandtabs(4))
                if content <= indent:
                    return content
                if marker == 0:
                    return 0
                below = marker
        elif _at_margin(entry, start, end):
            return 0
    return 0


class _HtmlBlocks:
    """kramdown's HTML blocks: a block-level element opening a line runs to its matching close
    tag (blank lines and all); one without ``markdown="1"`` holds no Markdown. Each tag's opens
    and closes are matched once, in one pass over the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.closes: dict[str, dict[int, int]] = {}
        self.closed: dict[str, set[int]] = {}  # the ends of the close tags some open tag matches
        self.markdown: list[int] | None = None  # where markdown="1" attributes are
        self.close_end = 0  # where the close tag of the block end() found last ends

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
        match = _HTML_BLOCK_OPEN.match(line)
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
            return None  # not closed (as far as this reads), or Markdown inside (read by kramdown.py's rules)
        self.close_end = close  # where its close tag ends (end's answer: where that line ends)
        return _line_end(self.text, close - 1)

    def _never_closed(self, tag: str, start: int, line: str) -> bool:
        """Whether the element opening at ``start`` is plainly never closed: no close tag of its
        name comes after it, it has a body and its open tag is whole on its line."""
        if tag in WITHOUT_BODY or ">" not in line or line.rstrip().endswith("/>") or _MARKDOWN_ATTR.search(line):
            return False
        return re.search(rf"</{tag}(?=[\s>])", self.text[start:], re.IGNORECASE) is None


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


def _escape_broken_tags(block: str) -> str:
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


def _mask_spans(text: str, tokens: _Tokens, *, raw_only: bool = False) -> str:
    """Code spans, raw HTML span elements and ``$$`` math in a run of prose lines: each within
    its paragraph (a blank line, or a line that opens another block, ends every span).
    ``raw_only``: raw HTML elements only (the text of an HTML block is not Markdown)."""
    if "`" not in text and "<" not in text and "$$" not in text:
        return text
    limit = -1  # where the paragraph of the last place looked at ends (a blank line, or the end)
    dollars: list[int] | None = None
    closes: dict[str, list[int]] = {}
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
            end_of_paragraph = _PARAGRAPH_END.search(text, start + 1)
            limit = len(text) if end_of_paragraph is None else end_of_paragraph.start()
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
                dollars = [m.start() for m in re.finditer(r"(?<!\\)\$\$", text)]
            k = bisect_right(dollars, opener + 1)
            close = dollars[k] if k < len(dollars) else -1
            if close < 0 or close >= limit or (unescaped and not _ends_line(text, close + 2)):
                continue
            tex = text[opener + 2 : close]
            rendered = _unquoted(text, opener, f'<span class="math math-inline">{html.escape(tex, quote=False)}</span>')
            at = back if unescaped else opener
            token = tokens.rendered(text[at : close + 2], rendered)
            if "|" in tex and "\n" not in tex and _CELL_BORDER.search(tex) is not None:
                tokens.masked.piped_math.add(token)  # a table's row splits it (kramdown.py)
            pieces += [text[pos:at], token]
            pos = close + 2
        elif not raw_only and (kind == "raw text" or value.lower() in _RAW_SPAN_ELEMENTS):  # tags, no Markdown
            name = value.lower()
            if name not in SWALLOWING and not _close_tag_between(text, name, closes, end, limit):
                continue  # no close tag in its paragraph: left to CommonMark (a list item's code, say)
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
            pieces += [text[pos:start], tokens.rendered(element, _unquoted(text, start, element))]
            pos = close
    if not pieces:
        return text
    return "".join(pieces) + text[pos:]


def _code_spans(  # noqa: PLR0917 - the scan's state, passed as it stands
    text: str, pos: int, opener: int, ticks: str, limit: int, tokens: _Tokens, pieces: list[str]
) -> int:
    """The code span the backticks ``ticks`` at ``opener`` open, and the ones that open right
    after it (the rest of its closing run): each a token in ``pieces`` (the prose up to it from
    ``pos`` before it), or its backticks as text. kramdown's close is the first run of as many
    backticks after the opener, maybe the start of a longer run ("`a``b`" is two spans); a
    closer may follow a backslash: code has no escapes. Returns where the reading goes on."""
    while True:
        after = opener + len(ticks)
        close = text.find(ticks, after)
        # one backtick between spaces is text to kramdown
        spaced = len(ticks) == 1 and opener > 0 and text[opener - 1].isspace()
        spaced = spaced and after < len(text) and text[after].isspace()
        if spaced or close < 0 or close >= limit or not text[after:close].strip() or _across_rows(text, opener, close):
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
    if at - line > 3 or _NON_SPACE.search(text, line, at) is not None:
        return False
    return line == 0 or _NON_SPACE.search(text, text.rfind("\n", 0, line - 1) + 1, line - 1) is None


def _ends_line(text: str, at: int) -> bool:
    """Whether only spaces follow ``at`` on its line."""
    end = text.find("\n", at)
    return _NON_SPACE.search(text, at, len(text) if end < 0 else end) is None


def _row_after(text: str, opener: int, close: int) -> bool:
    """Whether a cell border (an unescaped ``|``) follows a code span that spans lines, on its
    last line, and none stands before it on its first: kramdown's table reader takes no line
    for a row there, so the lines read as a paragraph's."""
    first = text.rfind("\n", 0, opener) + 1
    last = text.find("\n", close)
    return _CELL_BORDER.search(text, first, opener) is None and (
        _CELL_BORDER.search(text, close, len(text) if last < 0 else last) is not None
    )


def _line_tokens(tokens: _Tokens, written: str, rendered: str) -> str:
    """A span that spans lines as one token a line (its HTML cut at the same line ends), so the
    lines stay lines to kramdown.py's line rewrites."""
    return "\n".join(
        tokens.rendered(part, out) for part, out in zip(written.split("\n"), rendered.split("\n"), strict=True)
    )


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
        name = _TAG_NAME.match(tag)
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
