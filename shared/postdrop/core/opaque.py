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
  kramdown's raw HTML span elements (``<code>``, ``<kbd>``, ``<samp>``, ``<var>`` and the raw
  blocks above); ``$$ ... $$`` math.

Code blocks are given back to the Markdown source before CommonMark renders it (pulldown-cmark
reads fenced and indented code as kramdown does). Spans, math and raw HTML elements are
rendered here, into the HTML, after it: CommonMark never sees their text.

A token is two or three characters of Unicode planes 15 and 16 (private use). A post's own
characters of those planes are tokens too, each rendering as itself, so a token in the output
is always one of ours.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from operator import add
from typing import TYPE_CHECKING

from postdrop.core.limits import MAX_ELEMENTS
from postdrop.exceptions import PostRejected

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["Masked", "mask"]

_SOURCE_MARK = "\U000ffffa"  # given back to the source before CommonMark
_HTML_MARK = "\U000ffffb"  # rendered into the HTML after it
_DIGIT = 0x100000
_BASE = 0xFFFD
_PRIVATE = re.compile("[\U000f0000-\U0010ffff]")
_TOKEN = re.compile("[\U000ffffa\U000ffffb][\U00100000-\U0010fffd]{2}")
# a line that may open an opaque block: at the text's start, and after a newline (a literal first
# character lets re skip ahead, where "^" with MULTILINE is tried at every position)
_CANDIDATE = re.compile(r" {0,3}[`~$<\t]| {4}")
_NEXT_CANDIDATE = re.compile(r"\n(?: {0,3}[`~$<\t]| {4})")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})(.*)")
_RAW_BLOCK = re.compile(r" {0,3}<(pre|script|style|textarea)(?=[\s>])", re.IGNORECASE)
_MATH_OPEN = re.compile(r" {0,3}\$\$")
_ITEM_CONTENT = re.compile(r"[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]+(?=\S)")
# Lines looked back at to tell whether indented lines continue a list item: each indented line
# looks back, so this bounds a post of deep lists (one look-back each) to linear time.
LOOK_BACK = 100
_LIST_ITEM = re.compile(r" {0,3}(?:[*+-]|\d{1,9}\.)(?:[ \t]|$)")
# what can open a span: a backtick run (after any backslashes), a raw element, "$$"
_SPAN_OPEN = re.compile(  # the lookahead first: one class test at each place, not five alternatives
    r"(?=[`$<])(?:(`+)|(\$\$)|<(code|kbd|samp|var|pre|script|style|textarea)(?=[\s>])[^>]*>"
    r"|(</?[A-Za-z][\w.-]{0,100}:[A-Za-z][\w.:-]{0,100}(?:\s[^<>]{0,500})?/?>)"  # an XML-namespaced tag
    r"|(<[A-Za-z][\w-]{0,100}\s[^<>]{0,2000}>))",  # another tag: its attributes hold no span
    re.IGNORECASE,
)
# The same places, found by three searches that each skip ahead to their first character (a
# class or a lookahead first is tried at every position, which on CJK text costs 5-10 ns a
# character); _openers merges them as _SPAN_OPEN's one left-to-right scan would find them.
_TICKS = re.compile(r"``*")  # not "`+": a repeat first is no literal to skip ahead to
_SPAN_TAG = re.compile(  # _SPAN_OPEN's tags, its "<" taken out in front: a literal first character
    r"<(?:(code|kbd|samp|var|pre|script|style|textarea)(?=[\s>])[^>]*>"
    r"|(/?[A-Za-z][\w.-]{0,100}:[A-Za-z][\w.:-]{0,100}(?:\s[^<>]{0,500})?/?>)"
    r"|([A-Za-z][\w-]{0,100}\s[^<>]{0,2000}>))",
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
# kramdown's HTML tag, after XML's names: an attribute value is quoted or word characters only.
# Anything else after "<" is text to kramdown (and a browser would read it as a tag, to the next ">").
_NAME_START = (
    ":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME = f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*+"
_TAG_START = re.compile(f"<(/?)(?=[{_NAME_START}])")
_KRAMDOWN_TAG = re.compile(
    rf"<(?:({_NAME})(?:\s*+{_NAME}(?:\s*=\s*(?:\w++|\"[^\"]{{0,4000}}\"|'[^']{{0,4000}}'))?)*+\s*/?>|/({_NAME})\s*>)"
)
_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")


@dataclass(slots=True)
class Masked:
    """A source with its opaque parts replaced by tokens, and what each token stands for."""

    text: str
    source: dict[str, str] = field(default_factory=dict)  # token -> the source it stands for
    rendered: dict[str, str] = field(default_factory=dict)  # token -> the HTML it renders as
    written: dict[str, str] = field(default_factory=dict)  # token -> what it was in the source
    blocks: set[str] = field(default_factory=set)  # tokens that are a whole code line or block
    tokens: _Tokens | None = None

    def raw(self, written: str, out: str, *, block: bool = False) -> str:
        """A token for ``written``, rendered as the HTML ``out`` (kramdown's {::nomarkdown})."""
        if self.tokens is None:
            self.tokens = _Tokens(self)
        return self.tokens.rendered(written, out, block=block)

    def code_lines(self, lines: list[str]) -> list[bool]:
        """Whether each line is (a line of) an opaque block: line rewrites leave it alone."""
        blocks = self.blocks
        return [bool(blocks) and line.strip() in blocks for line in lines]

    def to_source(self, text: str) -> str:
        """``text`` with the code blocks given back: the source CommonMark reads."""
        if _SOURCE_MARK not in text:
            return text
        return _TOKEN.sub(lambda m: self.source.get(m.group(0), m.group(0)), text)

    def to_written(self, text: str) -> str:
        """``text`` with every token given back as it was written."""
        text = self.to_source(text)
        if _HTML_MARK not in text:
            return text
        return _TOKEN.sub(lambda m: self.written.get(m.group(0), m.group(0)), text)

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
        for match in _TOKEN.finditer(rendered):
            token = match.group(0)
            out = self.rendered.get(token)
            if out is None:
                continue
            start, end = match.start(), match.end()
            if (
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

    def rendered(self, written: str, out: str, *, block: bool = False) -> str:
        token = self.new(_HTML_MARK)
        self.masked.rendered[token] = out
        self.masked.written[token] = written
        if block:
            self.masked.blocks.add(token)
        return token


def mask(text: str) -> Masked:
    """``text`` with its code and math replaced by tokens (see the module's docstring)."""
    if text.count("<") > 2 * MAX_ELEMENTS:  # each is a place to look at: more than the element cap can hold
        raise PostRejected(
            f"the body has more than {2 * MAX_ELEMENTS:,} '<' (tags or guillemets), more than its"
            f" {MAX_ELEMENTS:,} elements can hold; postdrop reads no more in one post"
        )
    masked = Masked(text)
    tokens = masked.tokens = _Tokens(masked)
    if _PRIVATE.search(text):
        text = _PRIVATE.sub(lambda m: tokens.rendered(m.group(0), m.group(0)), text)
    lines = text.split("\n")
    out: list[str] = []
    prose: list[str] = []  # the lines of the current run of prose, masked span by span at its end

    def flush() -> None:
        if prose:
            out.extend(_mask_spans("\n".join(prose), tokens).split("\n"))
            prose.clear()

    i, n = 0, len(lines)
    unclosed: dict[str, int] = {}
    # where each line starts in text (and where the text ends, plus one): sums taken in C
    starts = list(map(add, accumulate(map(len, lines), initial=0), range(n + 1)))
    html_blocks = _HtmlBlocks(text, starts)
    after_html = -1  # the line after an HTML block: a blank line goes before it
    while (c := _next_candidate(text, starts, i)) < n:  # lines before it are prose: taken whole
        prose.extend(lines[i:c])
        i = c
        line = lines[i]
        if not line.strip():
            prose.append(line)
            i += 1
            continue
        blank_before = i in (0, after_html) or not lines[i - 1].strip()
        if html_blocks.stray_close(i, line):  # a close tag that closes nothing: text to kramdown
            at = line.index("<")
            prose.append(f"{line[:at]}&lt;{line[at + 1 :]}")
            i += 1
            continue
        last_html = html_blocks.end(i, line)
        if last_html is not None:  # an HTML block: read whole, to its close tag
            flush()
            block = _escape_broken_tags(_mask_spans("\n".join(lines[i : last_html + 1]), tokens, raw_only=True))
            block = "\n".join(part for part in block.split("\n") if part.strip())
            out.append(tokens.source(block, block=True))  # one token: its lines are one block
            if last_html + 1 < n and lines[last_html + 1].strip():
                out.append("")  # kramdown ends the block at its close tag; CommonMark at a blank line
            i = after_html = last_html + 1
            continue
        end = _block_end(lines, i, blank_before, out, prose, unclosed)
        if end is None:
            prose.append(line)
            i += 1
            continue
        kind, last, head, tail = end
        if kind == "text":  # escaped, so that CommonMark reads text too
            at = len(line) - len(line.lstrip())
            prose.append(f"{line[:at]}\\{line[at:]}")
            i += 1
            continue
        flush()
        if kind.startswith("fence:"):  # a fence indented inside its list item
            # kramdown keeps the fence's own indentation in its code; CommonMark takes it off
            keep = " " * int(kind[6:])
            code = [lines[k] if k in (i, last) or not lines[k].strip() else keep + lines[k] for k in range(i, last + 1)]
            out.append(tokens.source("\n".join(code), block=True))
        elif kind == "code":  # one token for the block: its lines go back to the source together
            out.append(tokens.source("\n".join(lines[i : last + 1]), block=True))
        else:
            region = "\n".join(lines[i : last + 1])
            body = region[len(head) : len(region) - len(tail)]
            out.append(head + tokens.rendered(body, _render_block(kind, body), block=True) + tail)
        i = last + 1
    prose.extend(lines[i:])
    flush()
    masked.text = "\n".join(out)
    return masked


def _next_candidate(text: str, starts: list[int], i: int) -> int:
    """The number of the first line from line ``i`` on that may open an opaque block (one that
    starts, after up to three spaces, with one of ``` ` ~ $ < ``, a tab, or four spaces), or the
    number of lines. One search from line ``i``: lines an opaque block took are not looked at."""
    n = len(starts) - 1
    if i >= n:
        return n
    if i == 0:
        if _CANDIDATE.match(text):
            return 0
        i = 1
        if i >= n:
            return n
    match = _NEXT_CANDIDATE.search(text, starts[i] - 1)  # from the newline that ends line i - 1
    return n if match is None else bisect_left(starts, match.start() + 1)


def _block_end(  # noqa: PLR0917 - the scan's state, passed as it stands
    lines: list[str], i: int, blank_before: bool, out: list[str], prose: list[str], unclosed: dict[str, int]
) -> tuple[str, int, str, str] | None:
    """The opaque block opening at line ``i``: (kind, its last line, the text before it on its
    first line, after it on its last), or None. ``unclosed``: for a fence character or a raw
    tag, the shortest opening that found no close below it (nor will any opening after it)."""
    line = lines[i]
    indent = _columns(line)
    listed = indent >= 4 and _in_list(out, prose)
    if blank_before and indent >= 4 and not listed:
        last = i
        for k in range(i + 1, len(lines)):
            if lines[k].strip():
                if _columns(lines[k]) < 4:
                    break
                last = k
        return "code", last, "", ""
    fence = _FENCE.match(line)
    if fence and (indent < 4 or listed):
        mark = fence.group(1)
        if len(fence.group(2).strip().split()) > 1 or len(mark) >= unclosed.get(mark[0], 1 << 30):
            return "text", i, "", ""  # a fence line kramdown does not read as one
        for k in range(i + 1, len(lines)):
            stripped = lines[k].strip()
            if stripped.startswith(mark) and not stripped.strip(mark[0]):
                column = _item_column(out, prose) if indent else None
                if column is not None and 0 < indent - column <= 3:
                    return f"fence:{indent - column}", k, "", ""
                return "code", k, "", ""
        unclosed[mark[0]] = len(mark)
        return "text", i, "", ""  # never closed: kramdown reads text
    if blank_before and indent < 4 and _MATH_OPEN.match(line):
        return _math_block(lines, i)
    raw = _RAW_BLOCK.match(line)
    if raw:
        close = f"</{raw.group(1).lower()}>"
        if close in unclosed:
            return None
        for k in range(i, len(lines)):
            at = lines[k].lower().find(close, raw.end() if k == i else 0)
            if at >= 0:
                tail = lines[k][at + len(close) :]
                return "raw", k, "", tail
        unclosed[close] = 0
        return None
    return None


def _math_block(lines: list[str], i: int) -> tuple[str, int, str, str] | None:
    """``$$`` opening a block, to the next ``$$`` that ends its line and a block."""
    first = lines[i]
    head = first[: first.index("$$")]
    for k in range(i, len(lines)):
        line = lines[k]
        start = len(head) + 2 if k == i else 0
        at = line.find("$$", start)
        if at < 0:
            continue
        if line[at + 2 :].strip() or (k + 1 < len(lines) and lines[k + 1].strip()):
            return None  # math inside a paragraph: inline, read with the spans
        return "math", k, head, line[at + 2 :]
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


def _in_list(out: list[str], prose: list[str]) -> bool:
    """Whether indented lines here continue a list item (then they are not code): above them, a
    list item comes before any line that starts at the margin. Looks back LOOK_BACK lines."""
    for above in (prose, out):
        for line in reversed(above[-LOOK_BACK:]):
            if not line or line.isspace():
                continue
            if _LIST_ITEM.match(line):
                return True
            if _columns(line) < 2:
                return False  # a paragraph of the page, not an item's
    return False


def _item_column(out: list[str], prose: list[str]) -> int | None:
    """The content column of the list item the lines here belong to, or None (as _in_list)."""
    for above in (prose, out):
        for line in reversed(above[-LOOK_BACK:]):
            if not line.strip():
                continue
            item = _ITEM_CONTENT.match(line)
            if item is not None:
                return len(item.group(0).expandtabs(4))
            if _columns(line) < 2:
                return None
    return None


class _HtmlBlocks:
    """kramdown's HTML blocks: a block-level element opening a line runs to its matching close
    tag (blank lines and all); one without ``markdown="1"`` holds no Markdown. Each tag's opens
    and closes are matched once, in one pass over the text."""

    def __init__(self, text: str, starts: list[int]) -> None:
        self.text = text
        self.starts = starts  # where each line starts in text
        self.closes: dict[str, dict[int, int]] = {}
        self.closed: dict[str, set[int]] = {}  # the ends of the close tags some open tag matches
        self.markdown: list[int] | None = None  # where markdown="1" attributes are

    def _markdown_between(self, start: int, end: int) -> bool:
        if self.markdown is None:
            self.markdown = [m.start() for m in _MARKDOWN_ATTR.finditer(self.text)]
        k = bisect_left(self.markdown, start)
        return k < len(self.markdown) and self.markdown[k] < end

    def stray_close(self, i: int, line: str) -> bool:
        """Whether line ``i`` opens with a block-level close tag that no open tag matches."""
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
        return self.starts[i] + match.end() not in self.closed[tag]

    def end(self, i: int, line: str) -> int | None:
        """The last line of the HTML block opening at line ``i``, or None."""
        if "<" not in line:
            return None
        match = _HTML_BLOCK_OPEN.match(line)
        if match is None or _MARKDOWN_ATTR.search(line):
            return None
        tag = match.group(1).lower()
        if tag not in self.closes:
            self.closes[tag] = _matched(self.text, tag)
        start = self.starts[i] + match.start(1) - 1
        close = self.closes[tag].get(start)
        if close is None or self._markdown_between(start, close):
            return None  # never closed, or Markdown inside (read by kramdown.py's rules)
        return bisect_right(self.starts, close - 1) - 1


def _matched(text: str, tag: str) -> dict[int, int]:
    """Each open tag of ``tag``'s position, to the end of its matching close tag."""
    matched: dict[int, int] = {}
    stack: list[int] = []
    for match in re.finditer(rf"<(/?){tag}(?=[\s/>])[^>]*>", text, re.IGNORECASE):
        if match.group(1):
            if stack:
                matched[stack.pop()] = match.end()
        elif not match.group(0).endswith("/>"):
            stack.append(match.start())
    return matched


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
    for match in _TAG_START.finditer(block):
        start = match.start()
        if start < pos:
            continue
        tag = _KRAMDOWN_TAG.match(block, start)
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
    its paragraph (a blank line ends every span). ``raw_only``: raw HTML elements only (the
    text of an HTML block is not Markdown)."""
    if "`" not in text and "<" not in text and "$$" not in text:
        return text
    limit = -1  # where the paragraph of the last place looked at ends (a blank line, or the end)
    runs: dict[int, list[int]] = {}  # backtick runs by length: their starts
    dollars: list[int] | None = None
    closes: dict[str, list[int]] = {}
    pieces: list[str] = []
    pos = 0
    for seen, (start, end, kind, value) in enumerate(_openers(text, raw_only=raw_only)):
        if seen > MAX_ELEMENTS:  # each place costs some Python: a post has at most this many, as elements
            raise PostRejected(
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
        if start >= limit:  # past the paragraph of the place before: the next blank line after this one
            blank = _BLANK_LINE.search(text, start + 1)
            limit = len(text) if blank is None else blank.start()
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
            if not runs:
                for run in _TICKS.finditer(text):  # a closer may follow a backslash: code has no escapes
                    runs.setdefault(len(run.group(0)), []).append(run.start())
            starts = runs.get(len(ticks), [])
            k = bisect_right(starts, opener)
            close = starts[k] if k < len(starts) else -1
            after = opener + len(ticks)
            # one backtick between spaces is text to kramdown
            spaced = len(ticks) == 1 and opener > 0 and text[opener - 1].isspace()
            spaced = spaced and after < len(text) and text[after].isspace()
            if spaced or close < 0 or close >= limit or not text[after:close].strip():
                # no span: the backticks are text to kramdown (escaped, so CommonMark pairs none)
                pieces += [text[pos:opener], "\\`" * len(ticks)]
                pos = opener + len(ticks)
                continue
            code = text[after:close]
            if len(ticks) > 1:  # kramdown takes one space off each end
                code = code.removeprefix(" ").removesuffix(" ")
            rendered = f'<code class="language-plaintext highlighter-rouge">{html.escape(code, quote=False)}</code>'
            pieces += [text[pos:opener], tokens.rendered(text[opener : close + len(ticks)], rendered)]
            pos = close + len(ticks)
        elif kind == "$":  # $$
            if escaped:
                continue
            if dollars is None:
                dollars = [m.start() for m in re.finditer(r"(?<!\\)\$\$", text)]
            k = bisect_right(dollars, opener + 1)
            close = dollars[k] if k < len(dollars) else -1
            if close < 0 or close >= limit:
                continue
            tex = text[opener + 2 : close]
            rendered = f'<span class="math math-inline">{html.escape(tex, quote=False)}</span>'
            pieces += [text[pos:opener], tokens.rendered(text[opener : close + 2], rendered)]
            pos = close + 2
        else:  # a raw HTML span element: its text is kept as written
            tag = value.lower()
            if tag not in closes:
                closes[tag] = [m.end() for m in re.finditer(rf"</{tag}\s*>", text, re.IGNORECASE)]
            k = bisect_left(closes[tag], end)
            close = closes[tag][k] if k < len(closes[tag]) else -1
            if close < 0:
                continue
            element = text[start:close]
            pieces += [text[pos:start], tokens.rendered(element, element)]
            pos = close
    if not pieces:
        return text
    return "".join(pieces) + text[pos:]


def _openers(text: str, *, raw_only: bool) -> Iterator[tuple[int, int, str, str]]:
    """Where a span may open in ``text``, in order, as (start, end, kind, value): "`" (the
    backtick run), "$" ("$$"), "raw" (a raw element's name), "ns" (an XML-namespaced tag, whole)
    or "tag" (another tag, whose attributes hold no span). The places _SPAN_OPEN.finditer finds;
    a text with more candidates than a post may have elements is scanned by _SPAN_OPEN itself,
    one place at a time (the caller stops it past MAX_ELEMENTS)."""
    ticks = 0 if raw_only else text.count("`")
    dollars = 0 if raw_only else text.count("$$")
    if ticks + dollars + text.count("<") > MAX_ELEMENTS:
        for match in _SPAN_OPEN.finditer(text):
            kind = next(k for k, group in zip(_KINDS, match.groups(), strict=True) if group is not None)
            yield match.start(), match.end(), kind, match.group(_KINDS.index(kind) + 1)
        return
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
            else:
                found.append((m.start(), m.end(), "ns" if namespaced is not None else "tag", m.group()))
    if ticks or dollars:
        found.sort()
    scanned = 0  # one scan's matches do not overlap: a place inside an earlier one is none
    for place in found:
        if place[0] >= scanned:
            scanned = place[1]
            yield place


_KINDS = ("`", "$", "raw", "ns", "tag")
