"""Tokens: what stands in the source for a part no rewrite may change, and what each gives back.

A token is two or three characters of Unicode planes 15 and 16 (private use): a mark (the source's,
for code given back to the Markdown before CommonMark; the HTML's, for what is rendered into the
HTML after it) and a number. ``Masked`` holds the masked text and what each token stands for."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from postdrop.core.limits import MAX_ELEMENTS
from postdrop.exceptions import PostRejected

__all__ = ["HTML_MARK", "Masked", "Tokens"]


_SOURCE_MARK = "\U000ffffa"  # given back to the source before CommonMark
HTML_MARK = "\U000ffffb"  # rendered into the HTML after it
_DIGIT = 0x100000
_BASE = 0xFFFD
# each kind searched on its own: a literal first character is skipped to, a class is tried everywhere
_SOURCE_TOKEN = re.compile("\U000ffffa[\U00100000-\U0010fffd]{2}")
_HTML_TOKEN = re.compile("\U000ffffb[\U00100000-\U0010fffd]{2}")


@dataclass(slots=True)
class Masked:
    """A source with its opaque parts replaced by tokens, and what each token stands for."""

    text: str
    source: dict[str, str] = field(default_factory=dict)  # token -> the source it stands for
    rendered: dict[str, str] = field(default_factory=dict)  # token -> the HTML it renders as
    written: dict[str, str] = field(default_factory=dict)  # token -> what it was in the source
    blocks: set[str] = field(default_factory=set)  # tokens that are a whole code line or block
    html_blocks: set[str] = field(default_factory=set)  # of those, the HTML blocks
    piped_math: set[str] = field(default_factory=set)  # inline math with a cell border (kramdown/tables.py)
    item_code: dict[str, tuple[int, str, int]] = field(default_factory=dict)  # a fence on an item's lazy line: its item
    tokens: Tokens | None = None

    def raw(self, written: str, out: str, *, block: bool = False) -> str:
        """A token for ``written``, rendered as the HTML ``out`` (kramdown's {::nomarkdown})."""
        if self.tokens is None:
            self.tokens = Tokens(self)
        return self.tokens.rendered(written, out, block=block)

    def cell_spans(self, rows: list[str]) -> None:
        """kramdown reads each ``\\|`` of a table's row as ``|`` before the row's spans, but for
        code's (code spans, ``<code>`` elements): the math and raw elements in ``rows`` are
        rendered so."""
        for row in rows:
            if HTML_MARK not in row:
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
        if HTML_MARK not in text:
            return text
        return _HTML_TOKEN.sub(lambda m: self.written.get(m.group(0), m.group(0)), text)

    def to_html(self, rendered: str) -> str:
        """CommonMark's HTML with the spans, math and raw elements rendered in. A raw HTML block
        that CommonMark wrapped in a paragraph of its own comes out without the paragraph."""
        if HTML_MARK not in rendered:
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


class Tokens:
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
        token = self.new(HTML_MARK)
        self.masked.rendered[token] = out
        self.masked.written[token] = written
        if block:
            self.masked.blocks.add(token)
        return token
