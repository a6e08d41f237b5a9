"""kramdown, the Markdown Jekyll renders, read on CommonMark.

postdrop renders Markdown with pulldown-cmark (pyromark). Its options give much of what
kramdown adds to CommonMark: footnotes (definitions written ``[^1]: <https://...>`` too),
heading IDs ``{#id}``, definition lists, GFM tables and task lists, typographic quotes and
dashes. First, opaque.py hides what kramdown reads as code or math (and HTML blocks) behind
tokens: no rule here can see inside them, and math is rendered there. The rest is handled
here, on the Markdown source around the tokens:

- attribute lists and ALDs (``{: .class}``, span IALs after the element they belong to;
  after a word an IAL is text), ``{:toc}`` and ``{:footnotes}`` lists (navigation, dropped
  whole), the extensions ``{::comment}``, ``{::nomarkdown}`` (content output as written)
  and ``{::options /}``; abbreviation definitions (each abbreviation in the text an ``<abbr>``).
- ``markdown="1"`` on an HTML block: its content is read as Markdown.
- kramdown's tables: a block opened by a line with a cell border (leading pipe or not),
  header or not, ragged rows, rule and footer lines, inside list items too.
- emphasis next to CJK text: ``**免责声明：**我之前`` is bold, as kramdown reads it; CommonMark's
  flanking rule cannot close ``**`` after punctuation that a CJK letter follows.
- two backslashes at the end of a line are a line break; a line holding only ``^`` ends the
  block before it; an ordered item ends the paragraph before it, whatever its number, and
  ``1)`` is text.
- kramdown's escapes: a backslash before ``% & , / ; ? @ ^`` stays (a TeX ``\\,``);
  ``~one~`` is text (only ``~~`` strikes through); ``:x`` opening a line is no definition,
  nor is ``: x`` two blank lines under a paragraph; link destinations and definitions may
  hold spaces (a definition's URL is on its label's line; a URL autolink may hold spaces too); an
  inline link's text holds no link, its URL runs to the parenthesis that
  balances the first, and a title is quoted and not empty; e-mail autolinks show without
  ``mailto:``; a heading's ``{...}`` other than `` {#id}`` is text; a rule line or setext
  underline under a paragraph of several lines goes on with the paragraph, and long dash runs
  read as kramdown's typography writes them.
- HTML inside a paragraph as kramdown's span parser reads it (spanhtml.py: a close tag that
  closes nothing, a block element's tag are text), a table row's cells each on its own;
  emphasis and strikethrough by kramdown's rules (emphasis.py), in paragraphs with a link's
  brackets too, read with the links (inline, or references to the post's definitions; a bracket
  that opens no link is text), an emphasis opened in a link's text running past its brackets; a
  lazy item line of the other list's kind is text of the deepest item.
- after CommonMark: footnotes no text refers to are not output.

Each rewrite runs only when the source has the characters it looks for, so the first
producer's HTML-in-Markdown posts pay for few of them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import pyromark

from postdrop.core.anchors import TOC_MARK
from postdrop.core.emphasis import emphasis, linked_emphasis
from postdrop.core.limits import MAX_ELEMENTS, tags_end
from postdrop.core.opaque import LOOK_BACK, Masked, after_definition, mask, quote_content, tag_pattern
from postdrop.core.spanhtml import (
    BLOCK_MODEL,
    DOTTED_TAG,
    KRAMDOWN_TAG,
    MARKDOWN_CONTENT,
    SPAN_ELEMENTS,
    UNCLOSED_SPAN,
    UNQUOTED_VALUE,
    cell_tags,
    text_tags,
)
from postdrop.exceptions import PostRejected

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["MAX_REWRITES", "PYROMARK_OPTIONS", "render_kramdown", "to_commonmark"]

# Each place a rewrite looks at costs some microseconds of Python: a post has at most this many
# for one rewrite (5 MB of "<<a " has 1.3 million), as it has at most MAX_ELEMENTS elements.
MAX_REWRITES = MAX_ELEMENTS

PYROMARK_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_HEADING_ATTRIBUTES
    | pyromark.Options.ENABLE_DEFINITION_LIST
    | pyromark.Options.ENABLE_SMART_PUNCTUATION
    | pyromark.Options.ENABLE_TASKLISTS
)


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


def _lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Stands for ``re.compile(pattern, flags)``, compiled when first used."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))


# Line patterns start with "\n" and are searched in "\n" + text: a literal first character
# lets re skip ahead, where "^" with MULTILINE tries every position.
_EXTENSION_OPEN = _lazy(r"\{::(comment|nomarkdown)\b(?:[^}\n\"']|\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'){0,200}+\}")
_OPTIONS = _lazy(r"\{::options\b(?:[^}\"'/]|/(?!\})|\"[^\"]{0,200}\"|'[^']{0,200}'){0,300}+/\}")
# an IAL or ALD line (in a quote too); a quoted value may hold "}"
_BLOCK_IAL = _lazy(
    r"\n {0,3}(?:>[ \t]?)*\{:(?![:/])(?:[^}\n\"'\\]|\\.|\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'){0,200}+\}[ \t]*(?=\n|$)"
)
# a span IAL: after the element it belongs to (a link, image, emphasis, code span, HTML element,
# another IAL); it may wrap onto the next line. Anywhere else kramdown prints it as text.
_SPAN_IAL = _lazy(r"(?:(?<=[)\]*_>}\U000f0000-\U0010ffff])|(?<=\n)|^)\{:(?![:/])(?:[^}\n]|\n(?![ \t]*\n)){0,200}\}")
_ITEM_IAL = _lazy(r"(\n[ \t]*(?:[*+-]|\d{1,9}\.|:)[ \t]+)\{:(?![:/])[^}\n]{0,200}\}[ \t]*")
# a one-item list under {:toc} or {:footnotes}: kramdown puts the table of contents (the footnotes)
# in its place, whatever the item says
_TOC = _lazy(r"\n {0,3}(?:[*+-]|\d+\.)[ \t]+[^\n]*\n {0,3}\{:[ \t]*footnotes[ \t]*\}[ \t]*(?=\n|$)")
# the first {:toc} under a list: kramdown puts the table of contents in the place of the whole list
# (its items across blank lines too); a later one is an attribute list of its list, which stays
_TOC_IAL = _lazy(r"\n {0,3}\{:[ \t]*toc[ \t]*\}[ \t]*(?=\n|$)")
_TOP_ITEM = _lazy(r" {0,3}(?:[*+-]|\d{1,9}\.)[ \t]+\S")  # a marker alone on its line is text
_ABBREVIATION = _lazy(r"\n {0,3}\*\[[^\]\n]+\]:[^\n]*(?=\n|$)")
_MARKDOWN_ATTR = _lazy(
    r"^ {0,3}<(?P<tag>[A-Za-z][A-Za-z0-9-]*)(?P<before>[^>]*?)\s+markdown\s*=\s*"
    r"(?P<q>[\"']?)(?:1|block|span)(?P=q)(?P<after>[^>]*)>(?P<rest>.*)$"
)
# CommonMark's type-6 HTML blocks: they end at a blank line; kramdown reads the element whole.
_BLOCK_TAGS = (
    "address|article|aside|blockquote|center|details|dialog|dd|div|dl|dt|fieldset|figcaption|figure|footer|"
    "form|header|hr|li|main|nav|ol|p|section|summary|table|tbody|td|tfoot|th|thead|tr|ul"
)
# after a newline (the text gets one in front): a literal first character lets re search fast
_HTML_BLOCK_OPEN = _lazy(rf"\n {{0,3}}<({_BLOCK_TAGS})(?=[\s/>]|$)", re.IGNORECASE | re.MULTILINE)
_BLANK_LINE = _lazy(r"\n(?:[ \t]*\n)+")
# CJK letters and punctuation, fullwidth forms: ranges, not a regex class (that one takes 5 ms
# to compile, on every cold start)
_CJK_RANGES = ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))
_CJK = bytearray(0x10000)  # 1 at each code point of _CJK_RANGES: one index, not four comparisons
for _low, _high in _CJK_RANGES:
    _CJK[_low : _high + 1] = b"\x01" * (_high + 1 - _low)
# <code> elements are looked for this far along a line for their end, so a hostile line of
# unclosed ones costs linear time, not quadratic. kramdown's are far shorter.
_SPAN = 400
_STARS = _lazy(r"\*+")
# an even run of backslashes before a line end: kramdown's line break after the escaped pairs
_BACKSLASH_BREAK = _lazy(r"(?<!\\)(?:\\\\)+(?=\n)")
# searched in "\n" + text: kramdown's end-of-block marker, "^" alone at the start of a line (of
# a quote's line too); a "1)" item, which kramdown does not have; an ordered item's line
_END_OF_BLOCK = _lazy(r"\n((?:>[ \t]?)*)\^[ \t]*(?=\n|$)")
# "1)" opening a line, or an item's text ("- 1)"): kramdown reads no list item there
_PAREN_ITEM = _lazy(r"\n((?:[ \t>]|(?:[*+-]|\d{1,9}\.)[ \t])*\d{1,9})\)(?=[ \t\n]|$)")
_NUMBERED_LINE = _lazy(r"\n([ \t>]*)((?:(?:[*+-]|\d{1,9}\.)[ \t][ \t>]*)*)\d{1,9}([.)])(?=[ \t\n]|$)")
_ORDERED_ITEM = _lazy(r"^ {0,3}(\d{1,9})\.[ \t]+\S")
_CELL_BORDER = _lazy(r"(?<!\\)\|")
_BLOCK_TAG_IN_CELL = _lazy(rf"<(?=/?(?:{_BLOCK_TAGS}|h[1-6]|pre)[\s/>])", re.IGNORECASE)
_ANY_ITEM = _lazy(r"[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]+(?=\S)")  # a list item at any depth, to its content
_FOOTNOTE_REFERENCE = _lazy(r'<sup class="footnote-reference"><a href="#([^"]*)">')
_FOOTNOTE_DEFINITION = _lazy(r'<div class="footnote-definition" id="([^"]*)">')
_DIV_TAG = _lazy(r"<(/?)div[\s>]")
_DEFINITION_ROW = _lazy(r"^([ \t]*)\[(?=[^\]\n]*\]:)")
_FOOTNOTE_OPEN = _lazy(r" {0,3}\[\^[^\]\n]{1,999}\]:[ \t]*")
# searched in "\n" + text: a footnote mark (or definition, opening a line) whose label kramdown
# does not read as one: its labels are an ASCII word character, then those and "-" (Ruby's \w)
_FOREIGN_LABEL = r"\[\^(?![A-Za-z0-9_][A-Za-z0-9_-]{0,998}\])[^\]\n]{1,999}\]"
# ("\[^x]" is text: the look-behind after the "[", so both alternatives open with a literal re skips to)
_FOREIGN_FOOTNOTE = _lazy(rf"(\n {{0,3}}{_FOREIGN_LABEL}:[^\n]*)|\[(?<!\\\[){_FOREIGN_LABEL[2:]}")
# a footnote mark kramdown reads, right before "(": kramdown's link never opens at "[^", so the
# "(" and what follows are text; CommonMark reads "[^1](url)" as a link
_MARK_BEFORE_PAREN = _lazy(r"\[(?<!\\\[)\^[A-Za-z0-9_][A-Za-z0-9_-]{0,998}\]\(")
_HTML_SPAN = _lazy(r"<([A-Za-z][\w-]*)\b[^<>]{0,500}>.{0,500}?</\1\s*>")
_RULE_BORDER = _lazy(r"[|+]")
_MARKDOWN_ATTR_ANY = _lazy(r"markdown\s*=\s*[\"']?(?:1|block|span)\b")
_HEADING_ITEM_ANY = _lazy(r"\n {0,3}(?:[*+-]|\d{1,9}[.)]) +#{1,6}[ \t]")  # searched in "\n" + text
_LIST_ITEM = _lazy(r"^ {0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
_HEADING_ITEM = _lazy(r"^( {0,3}(?:[*+-]|\d{1,9}[.)]) +)#{1,6}[ \t]")
_GUILLEMET = _lazy(r"(?<!\\)(?:<<+|>>+)")
# an emphasis pair with no asterisk inside; it opens with a literal "*" (the look-behind
# comes after it) so re can skip ahead, and the inside is possessive: linear time
_EMPHASIS = _lazy(r"(\*(?<![*\\]\*)\*?)(?![\s*])([^*\n]++)(?<![\s\\])\1(?!\*)")


def render_kramdown(markdown: str) -> str:
    """kramdown Markdown to HTML; raw HTML passes through (it is sanitized later)."""
    masked = mask(markdown)
    first_footnote = _footnote_nr(masked.text) if "footnote_nr" in masked.text else 1
    abbreviations = _abbreviations(masked.text) if "*[" in masked.text else {}
    rewritten = _rewrite(masked)
    source = masked.to_source(rewritten)
    html = pyromark.html(source, options=PYROMARK_OPTIONS)
    if abbreviations:
        raw = [
            masked.source[token] for token in _SOURCE_TOKEN_IN_TEXT.findall(rewritten) if token in masked.html_blocks
        ]
        html = _abbr_elements(html, abbreviations, raw)
    if '<ol start="' in html and '<ol start="' not in source:  # kramdown numbers every list from 1
        html = _LIST_START.sub("<ol>", html)
    if _START_MARK in html:  # but for an IAL's start="N"
        html = _list_starts(html)
    if "<dt>" in html:
        html = _TERM.sub(_term_lines, html)
    if 'class="footnote-definition"' in html:
        html = _unreferenced_footnotes(html)
        if first_footnote != 1:
            html = _FOOTNOTE_NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + first_footnote - 1}", html)
    return masked.to_html(html)


# an abbreviation's definition, on a line of its own: the abbreviation, what it stands for
# (searched in "\n" + text: a literal first re skips ahead to; "^" with MULTILINE is tried at every
# character, and "*[" opens every bold link's text)
_ABBREVIATION_DEFINITION = _lazy(r"\n {0,3}\*\[([^\]\n]+)\]:([^\n]*)")
# the HTML's tags (and comments), between them its text
_HTML_PIECE = _lazy(r"<!--.*?-->|<[^>]*>", re.DOTALL)
# elements whose text kramdown reads no abbreviation in: code, and raw text
_NO_ABBR = frozenset({"pre", "code", "script", "style", "textarea", "abbr"})


def _abbreviations(text: str) -> dict[str, str]:
    """The post's abbreviations (``*[HTML]: Hyper Text Markup Language``) and what each stands
    for; a later definition of one wins, as in kramdown."""
    return {m.group(1): m.group(2).strip() for m in _ABBREVIATION_DEFINITION.finditer("\n" + text)}


def _abbr_elements(html: str, abbreviations: dict[str, str], raw: list[str]) -> str:
    """Each abbreviation in the HTML's text (not in code, nor in an element's tag, nor in the
    HTML blocks ``raw``, which kramdown reads no Markdown in) as kramdown writes it:
    ``<abbr title="...">HTML</abbr>``. It stands between a start or a character other than an
    ASCII letter, digit or ``_`` (Ruby's ``\\W``) and no such character after it, written as
    defined (white space and all); the longest abbreviation first."""
    import html as html_module  # noqa: PLC0415 - only posts with abbreviations come here

    keys = sorted(abbreviations, key=len, reverse=True)
    shown = {html_module.escape(key, quote=False): key for key in keys}
    pattern = re.compile(rf"(?<![A-Za-z0-9_])(?:{'|'.join(map(re.escape, shown))})(?![A-Za-z0-9_])")

    def abbr(match: re.Match[str]) -> str:
        title = abbreviations.get(shown.get(match.group(0), ""), "")
        attribute = f' title="{html_module.escape(title)}"' if title else ""
        return f"<abbr{attribute}>{match.group(0)}</abbr>"

    def marked(part: str) -> str:
        pieces: list[str] = []
        pos = 0
        skipping: list[str] = []  # the elements open around the text that hold no abbreviation
        for tag in _HTML_PIECE.finditer(part):
            text = part[pos : tag.start()]
            pieces += [text if skipping or not text else pattern.sub(abbr, text), tag.group(0)]
            pos = tag.end()
            name = tag.group(0)[1:].split(">", 1)[0].split(None, 1)[0].lower() if len(tag.group(0)) > 2 else ""
            if name.startswith("/") and name[1:] in _NO_ABBR:
                if skipping and skipping[-1] == name[1:]:
                    skipping.pop()
            elif name in _NO_ABBR and not tag.group(0).endswith("/>"):
                skipping.append(name)
        text = part[pos:]
        pieces.append(text if skipping or not text else pattern.sub(abbr, text))
        return "".join(pieces)

    out: list[str] = []
    pos = 0
    for block in raw:  # pulldown-cmark writes an HTML block as it stands
        at = html.find(block, pos)
        if at >= 0:
            out += [marked(html[pos:at]), block]
            pos = at + len(block)
    out.append(marked(html[pos:]))
    return "".join(out)


# a definition list's term of more than one line, as pulldown-cmark writes it
_TERM = _lazy(r"<dt>((?:(?!</dt>)[^\n])*\n(?:(?!</dt>).)*)</dt>", re.DOTALL)
_TAG_IN_TERM = _lazy(r"<(/?)([a-z][a-z0-9]*)[^>]*>")


def _term_lines(match: re.Match[str]) -> str:
    """kramdown makes each line of the paragraph above a definition a term of its own (``<dt>``);
    pulldown-cmark one term of the lines. A term whose element runs over a line end is left."""
    lines = match.group(1).split("\n")
    for line in lines:
        depth = 0
        for tag in _TAG_IN_TERM.finditer(line):
            if tag.group(2) not in _VOID_TAG_NAMES:
                depth += -1 if tag.group(1) else 1
            if depth < 0:
                return match.group(0)
        if depth:
            return match.group(0)
    return "\n".join(f"<dt>{line}</dt>" for line in lines if line.strip())


# the number pulldown-cmark starts an ordered list at (its first item's): kramdown's lists start at 1
_LIST_START = _lazy(r'<ol start="\d+">')
# {::options key="value" /}: each option's name and value
_OPTION = _lazy(r"(\w+)\s*=\s*(?:\"([^\"]{0,200})\"|'([^']{0,200})'|(\S+?))(?=\s|/\})")
# the number pulldown-cmark gives a footnote, at its reference and at its definition
_FOOTNOTE_NUMBER = _lazy(r'(<sup class="footnote-(?:reference|definition-label)">(?:<a href="[^"]*">)?)(\d{1,9})(?=<)')


def _options(text: str) -> list[tuple[int, dict[str, str]]]:
    """The ``{::options /}`` extensions of the masked text: where each is, and what it sets."""
    return [
        (
            match.start(),
            {m.group(1): m.group(2) or m.group(3) or m.group(4) or "" for m in _OPTION.finditer(match.group(0))},
        )
        for match in _OPTIONS.finditer(text)
    ]


def _footnote_nr(text: str) -> int:
    """The number kramdown gives the first footnote: 1, or what ``{::options footnote_nr /}`` says."""
    number = 1
    for _at, options in _options(text):
        value = options.get("footnote_nr", "")
        if value.isdigit() and 0 < int(value) < 1_000_000:
            number = int(value)
    return number


def _html_options(text: str, masked: Masked) -> str:
    """``{::options parse_span_html="false" /}``: span elements after it hold text, as with
    ``markdown="0"``; ``{::options parse_block_html="true" /}``: the HTML blocks after it hold
    Markdown, as with ``markdown="1"`` (which kramdown.py's line rewrites then read)."""
    options = _options(text)
    no_span_html = next((at for at, values in options if values.get("parse_span_html") == "false"), -1)
    if no_span_html >= 0:
        text = _raw_span_elements(text, masked, since=no_span_html)
        options = _options(text)
    since = next((at for at, values in options if values.get("parse_block_html") == "true"), -1)
    if since < 0 or not masked.html_blocks:
        return text

    def markdown_on(match: re.Match[str]) -> str:
        token = match.group(0)
        if token not in masked.html_blocks:
            return token
        block = masked.source[token]
        if _ANY_MARKDOWN_ATTR.search(block.split(">", 1)[0]) is not None:
            return token  # its own markdown="..." wins: markdown="0" keeps it raw
        return re.sub(r"^(\s*<[A-Za-z][\w-]*)", r'\1 markdown="1"', _block_markdown(block, masked), count=1)

    return text[:since] + _SOURCE_TOKEN_IN_TEXT.sub(markdown_on, text[since:])


_LINE_TAG = _lazy(r" {0,3}<(/?)([A-Za-z][\w-]{0,100})")


def _block_markdown(block: str, masked: Masked) -> str:
    """An HTML block read as Markdown (parse_block_html), as kramdown reads it: each element in it
    whose content kramdown reads as blocks gets ``markdown="1"`` too, and its indented code blocks
    become tokens, as opaque.py makes the top level's: lines indented four columns where a block
    starts (after a blank line, or an element's open or close tag), to the last such line before
    one that is less indented. Inside an element whose content kramdown does not read as blocks
    (a table, a paragraph) there is none; nor in a block with a list item (an item's lines may be
    indented as far)."""
    lines = block.split("\n")
    first = _LINE_TAG.match(lines[0])
    if first is None or first.group(2).lower() not in BLOCK_MODEL or masked.tokens is None:
        return block
    find_code = ("\n    " in block or "\n\t" in block) and not any(_LIST_ITEM.match(line) for line in lines)
    out = lines[:1]
    boundary = True  # a block may start at the line
    raw = ""  # the element whose close tag the lines wait for
    i = 1
    while i < len(lines) - 1:  # the content: the open tag's line and the close tag's are the block's
        line = lines[i]
        if raw:
            raw = "" if f"</{raw}" in line.lower() else raw
            boundary = not raw
        elif not line.strip():
            boundary = True
        elif find_code and boundary and _indent(line) >= 4:
            j = i + 1
            while j < len(lines) - 1 and (not lines[j].strip() or _indent(lines[j]) >= 4):
                j += 1
            while not lines[j - 1].strip():
                j -= 1
            out.append(masked.tokens.source("\n".join(lines[i:j]), block=True))
            i, boundary = j, False
            continue
        elif (tag := _LINE_TAG.match(line)) is not None:
            name = tag.group(2).lower()
            closed = tag.group(1) == "/" or name == "hr" or f"</{name}" in line.lower()
            boundary = closed or name in BLOCK_MODEL
            raw = "" if boundary or name not in _BLOCK_TAG_NAMES else name
            if not tag.group(1) and name in BLOCK_MODEL and _ANY_MARKDOWN_ATTR.search(line.split(">", 1)[0]) is None:
                line = f'{line[: tag.end()]} markdown="1"{line[tag.end() :]}'
        else:
            boundary = False
        out.append(line)
        i += 1
    return "\n".join([*out, *lines[i:]])


_SOURCE_TOKEN_IN_TEXT = _lazy("\U000ffffa[\U00100000-\U0010fffd]{2}")
_HTML_MARK = "\U000ffffb"  # opens a token rendered into the HTML (opaque.py)
_HTML_TOKEN_IN_TEXT = _lazy("\U000ffffb[\U00100000-\U0010fffd]{2}")
_ANY_MARKDOWN_ATTR = _lazy(r"\smarkdown\s*=", re.IGNORECASE)


def _unreferenced_footnotes(html: str) -> str:
    """kramdown outputs no footnote that the text never refers to, and the others after the text,
    in the order of their first references; pulldown-cmark outputs each definition where it
    stands. (Rendered spans and raw HTML are tokens here: every <div> is pulldown-cmark's own.)"""
    references = _FOOTNOTE_REFERENCE.findall(html)
    order = {label: k for k, label in enumerate(dict.fromkeys(references))}
    pieces: list[str] = []
    notes: list[tuple[int, str]] = []
    pos = 0
    for match in _FOOTNOTE_DEFINITION.finditer(html):
        if match.start() < pos:
            continue
        depth, end = 0, match.start()
        for tag in _DIV_TAG.finditer(html, match.start()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        if end == match.start():
            break  # never closed: pulldown-cmark closes what it opens, so this is no definition of its
        if match.group(1) in order:
            notes.append((order[match.group(1)], html[match.start() : end]))
        pieces.append(html[pos : match.start()])
        pos = end
    if not pieces:
        return html
    notes.sort(key=lambda note: note[0])
    return "".join(pieces) + html[pos:] + "\n".join(note for _k, note in notes)


def to_commonmark(markdown: str) -> str:
    """The kramdown constructs CommonMark lacks, rewritten (or removed) in the source; code and
    math as written."""
    masked = mask(markdown)
    written = masked.to_written(_rewrite(masked))
    return _START_MARK_LINE.sub("", written) if _START_MARK in written else written


def _rewrite(masked: Masked) -> str:
    """The rewrites, over the source whose code and math are tokens (opaque.py)."""
    markdown = masked.text
    if "markdown" in markdown and _SPAN_MARKDOWN_OFF.search(markdown) is not None:
        markdown = _raw_span_elements(markdown, masked)
    if "{:" in markdown:
        if "{::options" in markdown:
            markdown = _html_options(markdown, masked)
        markdown = _OPTIONS.sub("", _extension_blocks(markdown, masked))
        if "standalone" in markdown:
            markdown = _standalone_images(markdown, masked)
    for needed, rewrite in _TEXT_REWRITES:
        if needed(markdown):
            markdown = rewrite(markdown)
        if rewrite is _guillemets and ("*" in markdown or "_" in markdown):  # after the attribute lists
            markdown = _kramdown_emphasis(markdown, masked)
    if "<!--" in markdown and _QUOTED_COMMENT.search(markdown) is not None:
        markdown = _quoted_comments(markdown, masked)
    if "<" in markdown and _BLANK_LINE.search(markdown):
        markdown = _join_html_blocks(markdown)
    by_line = [
        rewrite
        for needed, rewrite in _LINE_REWRITES
        if needed(markdown)
        or (rewrite is _tables and masked.piped_math and _HTML_MARK in markdown)
        or (rewrite is _lines_under_item_code and masked.item_code)
    ]
    if by_line:
        lines = markdown.split("\n")
        code = masked.code_lines(lines)
        for rewrite_lines in by_line:
            if rewrite_lines is _tables:
                lines, code = _tables(lines, code, masked)
            elif rewrite_lines is _lines_under_item_code:
                lines, code = _lines_under_item_code(lines, code, masked)
            else:
                lines, code = rewrite_lines(lines, code)
        markdown = "\n".join(lines)
    return markdown


# a comment opening a quote's line, closed on it: its markers (group 1), the comment (group 2)
_QUOTED_COMMENT = _lazy(r"\n((?:[ \t]{0,3}>[ \t]?)+)(<!--(?:(?!-->)[^\n]){0,2000}-->)")
_QUOTE_MARKERS = _lazy(r"(?:[ \t]{0,3}>[ \t]?)+")


def _quoted_comments(text: str, masked: Masked) -> str:
    """A comment opening a quote's line under a line of the quote's paragraph goes on the
    paragraph, as it does outside a quote (opaque.py): kramdown's paragraph ends at no comment,
    where CommonMark's HTML block would. It is a token rendered as written."""

    def one(match: re.Match[str]) -> str:
        above_start = text.rfind("\n", 0, match.start()) + 1
        markers = _QUOTE_MARKERS.match(text, above_start, match.start())
        if markers is None or markers.group(0).count(">") != match.group(1).count(">"):
            return match.group(0)
        if not _is_text_line(text[markers.end() : match.start()]):
            return match.group(0)  # no paragraph's line above (a blank quote line, a heading, a tag...)
        return f"\n{match.group(1)}{masked.raw(match.group(2), match.group(2))}"

    return _sub_in_prose(_QUOTED_COMMENT, one, text)


def _sub_in_prose(pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str], text: str) -> str:
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


def _extension_blocks(text: str, masked: Masked) -> str:
    """kramdown's ``{::comment}`` (removed) and ``{::nomarkdown}`` (its content is output as
    written: HTML, or nothing for another ``type``), as kramdown reads them: ``{::name /}``
    stands alone; an opening alone on its line is a block, closed by ``{:/name}`` or ``{:/}``
    alone on a line; any other is a span, closed by the first of them. One never closed is
    text. One pass: a close searched for in vain is not searched for again."""
    out: list[str] = []
    pos = 0
    search = 0
    missing: set[tuple[str, bool]] = set()
    while (match := _EXTENSION_OPEN.search(text, search)) is not None:
        name, start = match.group(1), match.start()
        search = match.end()
        if match.group(0).endswith("/}"):
            out.append(text[pos:start])
            pos = search
            continue
        block = _alone_on_line(text, start, search)
        if (name, block) in missing:
            continue
        closer = (_BLOCK_CLOSER if block else _SPAN_CLOSER)(name).search(text, search)
        if closer is None:
            missing.add((name, block))
            continue
        content = text[search : closer.start()]
        out.append(text[pos:start])
        if name == "nomarkdown" and not re.search(r"\btype\s*=\s*[\"']?(?!html)\w", match.group(0)):
            written = match.group(0) + content + closer.group(0)
            out.append(masked.raw(written, masked.to_written(content).strip("\n"), block=block))
        pos = search = closer.end()
    return "".join(out) + text[pos:] if out else text


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """Whether only spaces stand around ``text[start:end]`` on its line (looking no further
    than the spaces: a long line costs nothing)."""
    before, after = start, end
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    while after < len(text) and text[after] in " \t":
        after += 1
    return (before == 0 or text[before - 1] == "\n") and (after == len(text) or text[after] == "\n")


@cache
def _BLOCK_CLOSER(name: str) -> re.Pattern[str]:
    return re.compile(rf"^[ \t]*\{{:/(?:{name})?\}}[ \t]*$", re.MULTILINE)


@cache
def _SPAN_CLOSER(name: str) -> re.Pattern[str]:
    return re.compile(rf"\{{:/(?:{name})?\}}")


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def _drop_attributes(text: str) -> str:
    """Attribute lists, a ``{:toc}`` list, and abbreviation definitions, out of the prose
    (each line pattern is searched in "\n" + text, and removes the newline before the line)."""
    lined = "\n" + text
    if "toc" in lined:
        lined = _toc_list(lined)
    if "{:" in lined and "#" in lined:  # an id given a heading by the IAL on the line above or below it
        lined = _sub_in_prose(_IAL_ABOVE_HEADING, lambda m: _with_id(m.group(2), m.group(1)), lined)
        lined = _sub_in_prose(_IAL_UNDER_HEADING, lambda m: _with_id(m.group(1), m.group(2)), lined)
    for pattern, needed in ((_TOC, "{:"), (_BLOCK_IAL, "{:"), (_ABBREVIATION, "*["), (_SPAN_IAL, "{:")):
        if needed in lined:
            replace = _span_ials() if pattern is _SPAN_IAL else _block_ial if pattern is _BLOCK_IAL else _nothing
            lined = _sub_in_prose(pattern, replace, lined)
    if "{:" in lined:  # an IAL opening a list item or a definition belongs to it
        lined = _sub_in_prose(_ITEM_IAL, lambda m: m.group(1), lined)
        if _DEEP_IAL.search(lined) is not None:
            lined = _deep_attributes(lined)
    return lined[1:]


def _block_ial(match: re.Match[str]) -> str:
    """A block IAL's line goes. It ends the block above it in kramdown (its lazy end): a block
    right under it is a new one, where CommonMark would go on with the paragraph, the list item's
    text, the quote or the table's text: a blank line (a quote's, in a quote) takes its place, or,
    at the margin above a list item, an empty comment, which ends the list (a new one starts)."""
    text, end = match.string, match.end()
    below_end = text.find("\n", end + 1)
    below = text[end + 1 : below_end if below_end >= 0 else len(text)]
    line = match.group(0)
    if "start" in line and (start := _IAL_START.search(line)) is not None and ">" not in line[: line.find("{:")]:
        # an ordered list's first number (kramdown's lists start at 1 otherwise): a mark for
        # render_kramdown, an HTML comment (it ends the list above, and opens no paragraph)
        above_start = text.rfind("\n", 0, match.start()) + 1
        if not text[above_start : match.start()].strip():  # after a blank line: the block below's
            if _ORDERED_OPENING.match(below) is not None:
                return f"\n<!--{_START_MARK}{int(start.group(1))}b-->"
        elif _in_ordered_list(text, match.start()):  # right under a block: that block's
            return f"\n<!--{_START_MARK}{int(start.group(1))}a-->"
    if end >= len(text) or not below.strip():
        return ""
    quote = line[: line.rfind(">") + 1] if ">" in line[: line.find("{:")] else ""
    if quote:
        return quote.rstrip(" \t")  # a line of the quote's markers only: its paragraph ends
    if _LIST_ITEM.match(below) is not None:
        return "\n<!-- -->" if line.startswith("\n{:") else ""  # in an item: the list goes on
    return "\n"


# an IAL's start="N" (an ordered list's first number), the item an ordered list opens with, and the
# mark _block_ial leaves for render_kramdown (a character no post holds: opaque.py tokenizes those)
_IAL_START = _lazy(r"(?<![\w-])start\s*=\s*[\"']?0*(\d{1,9})\b")
_ORDERED_OPENING = _lazy(r" {0,3}\d{1,9}\.(?:[ \t]|$)")
_START_MARK = "\U000ffffc"
_START_MARK_LINE = _lazy("\n?<!--\U000ffffc\\d{1,9}[ab]-->")
_START_MARK_HTML = _lazy("<!--\U000ffffc(\\d{1,9})([ab])-->\n?")
_OL_TAG = _lazy(r"<(/?)ol\b[^>]*>")


def _in_ordered_list(text: str, at: int) -> bool:
    """Whether the line that ends at ``at`` is a line of a top-level ordered list: from it up,
    past blank and indented lines, the first line at the margin opens an ordered item. Looks back
    LOOK_BACK lines."""
    end = at
    for _ in range(LOOK_BACK):
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if line.strip() and line[:1] not in " \t":
            return _ORDERED_OPENING.match(line) is not None
        if start == 0:
            return False
        end = start - 1
    return False


def _list_starts(html: str) -> str:
    """The ordered lists an IAL's ``start`` numbers, as kramdown writes them: ``<ol start="N">``
    (_block_ial's marks say which: the list right after the mark, or the one that ends right
    before it); the marks go."""
    edits: list[tuple[int, int, str]] = []  # (from, to, what): the <ol> tags to number, the marks to drop
    for mark in _START_MARK_HTML.finditer(html):
        edits.append((mark.start(), mark.end(), ""))
        number, where = mark.group(1), mark.group(2)
        if where == "b":
            after = len(html) - len(html[mark.end() :].lstrip())
            tag = _OL_TAG.match(html, after)
            if tag is not None and not tag.group(1):
                edits.append((tag.start(), tag.end(), f'<ol start="{number}">'))
            continue
        before = html[: mark.start()].rstrip()
        if not before.endswith("</ol>"):
            continue
        depth = 0
        for tag in reversed(list(_OL_TAG.finditer(html, 0, len(before)))):
            depth += 1 if tag.group(1) else -1
            if depth == 0:
                edits.append((tag.start(), tag.end(), f'<ol start="{number}">'))
                break
    pieces: list[str] = []
    pos = 0
    for start, end, what in sorted(edits):
        pieces += [html[pos:start], what]
        pos = end
    return "".join(pieces) + html[pos:]


# a block IAL with an id, on its own line after a blank line and right above an ATX heading, or
# right under one: kramdown gives the heading that id, over its own `` {#id}`` (and past closing
# #s); written as the heading's " {#id}", which pulldown-cmark reads
_IAL_ID = r"\{:[^}\n#]{0,200}#([A-Za-z][\w:-]{0,200})[^}\n]{0,200}\}[ \t]*"
_ATX_TEXT = r"( {0,3}#{1,6}[ \t][^\n]{0,2000}?)(?:[ \t]+\{#[^}\n]{0,200}\}|[ \t]+#+)?[ \t]*"
_IAL_ABOVE_HEADING = _lazy(rf"(?:(?<=\n\n)|(?<=\A\n)) {{0,3}}{_IAL_ID}\n{_ATX_TEXT}(?=\n|$)")
_IAL_UNDER_HEADING = _lazy(rf"(?<=\n){_ATX_TEXT}\n {{0,3}}{_IAL_ID}(?=\n|$)")


def _with_id(heading: str, ident: str) -> str:
    """An ATX heading's line with ``ident`` as its id, as kramdown's `` {#id}`` writes it."""
    return f"{heading} {{#{ident}}}"


def _toc_list(lined: str) -> str:
    """The list the first ``{:toc}`` line is under, out of ``lined`` ("\n" + text) with the line:
    kramdown writes its table of contents there (navigation, not text). The list runs up from the
    line above to its first item, over blank lines between its items and lines inside them."""
    match = _TOC_IAL.search(lined)
    if match is not None:
        lines = lined[: match.start()].split("\n")
        start = _list_start(lines)
        if start is None:
            return lined  # no list above it: an attribute list of what it follows (dropped later)
        # a comment stands where the list was: anchors.py writes the table there, once the
        # headings have their ids; the text has none of it (a comment is no text)
        return "\n".join(lines[:start]) + f"\n\n{TOC_MARK}\n" + lined[match.end() :]
    return lined


def _list_start(lines: list[str]) -> int | None:
    """The index of the first item of the list whose last line is ``lines[-1]``, or None."""
    i = len(lines) - 1
    start = None
    while i > 0:
        line = lines[i]
        if not line.strip():
            j = i
            while j > 0 and not lines[j].strip():
                j -= 1
            below = lines[i + 1] if i + 1 < len(lines) else ""
            if j == 0 or not (_TOP_ITEM.match(below) or below[:1] in (" ", "\t")):
                break
            i = j
            continue
        if _TOP_ITEM.match(line):
            if start is not None and line.lstrip()[:1] in "*+-" and lines[start].lstrip()[:1] not in "*+-":
                break  # an ordered list takes bullet items after it; a bullet list ends at an ordered item
            start = i
        elif line[:1] not in (" ", "\t"):  # at the margin: an item's lazy line, or the list ends
            j = i
            while j > 0 and lines[j].strip() and not _TOP_ITEM.match(lines[j]):
                j -= 1
            if j == 0 or not lines[j].strip():
                break
            i = j
            continue
        i -= 1
    return start


# searched in "\n" + text: an IAL line indented four columns or more, a list item's when it is in one
_DEEP_IAL = _lazy(r"\n(?: {4}| {0,3}\t)[ \t]*\{:(?![:/])[^}\n]{0,200}\}[ \t]*(?=\n|$)")


def _deep_attributes(lined: str) -> str:
    """An IAL line in a list item is one up to three columns right of the item's text (kramdown
    reads the item's lines without its indentation); four columns more, or outside any item, it
    is code, and opaque.py has masked the top level's."""
    lines = lined.split("\n")
    code = [False] * len(lines)
    keep = [True] * len(lines)
    for i, line in enumerate(lines):
        if line[:1] in " \t" and _DEEP_IAL.fullmatch("\n" + line) is not None:
            indent = _indent(line)
            column = _content_column(lines, code, i, indent)
            keep[i] = not column or indent - column > 3
    return "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)


# a span element with markdown="0": its content is not Markdown
_SPAN_MARKDOWN_OFF = _lazy(
    r"<([A-Za-z][\w-]{0,100})((?:\s[^<>]{0,2000}?)?)\s+markdown\s*=\s*([\"']?)0\3([^<>]{0,2000})>", re.IGNORECASE
)
# inside it, a tag, and an element whose markdown="1" (or "span", "block") turns Markdown back on
_INNER_TAG = _lazy(r"</?[A-Za-z][\w-]{0,100}(?:\s[^<>]{0,2000})?/?>")
_INNER_MARKDOWN_ON = _lazy(
    r"<([A-Za-z][\w-]{0,100})\s[^<>]{0,2000}?markdown\s*=\s*[\"']?(?:1|span|block)\b[^<>]{0,2000}>", re.IGNORECASE
)


def _raw_span_elements(text: str, masked: Masked, since: int | None = None) -> str:
    """``<span markdown="0">*text*</span>``: kramdown reads the element's content as text (a
    ``<`` there is shown, not a tag's), but for the tags in it, and for an element in it whose
    ``markdown="1"`` turns Markdown back on. Block-level elements are HTML blocks, not these.
    ``since``: every span element from there on (``{::options parse_span_html="false" /}``)
    that has no markdown attribute of its own."""
    import html  # noqa: PLC0415 - only a post with such an element comes here

    def raw(piece: str) -> str:
        """A piece of the element (tags and text, no Markdown) as a token of its HTML."""
        written = masked.to_written(piece)  # a code span in it is text too
        out: list[str] = []
        pos = 0
        for tag in _INNER_TAG.finditer(written):
            out += [html.escape(written[pos : tag.start()], quote=False), tag.group(0)]
            pos = tag.end()
        out.append(html.escape(written[pos:], quote=False))
        return masked.raw(written, "".join(out))

    closes: dict[str, list[tuple[int, int]]] = {}  # by name: where its close tags are (one search a name)
    blanks = [m.start() for m in _BLANK_LINE.finditer(text)]  # where paragraphs end

    def close_after(name: str, at: int) -> tuple[int, int] | None:
        """The first close tag of ``name`` after ``at``, in the same paragraph."""
        key = name.lower()
        if key not in closes:
            closes[key] = [(m.start(), m.end()) for m in _close_tag(key).finditer(text)]
        found = closes[key]
        k = bisect_left(found, (at, at))
        if k == len(found):
            return None
        b = bisect_left(blanks, at)
        return found[k] if b == len(blanks) or found[k][0] < blanks[b] else None

    pieces: list[str] = []
    pos = 0
    places = 0
    found = _SPAN_MARKDOWN_OFF.finditer(text) if since is None else _SPAN_ELEMENT_OPEN.finditer(text, since)
    for match in found:
        places += 1
        if places > MAX_REWRITES:
            raise PostRejected(
                f"the body has more than {MAX_REWRITES:,} places for one kramdown rewrite (HTML elements"
                " whose content is text); postdrop reads no more in one post"
            )
        if match.start() < pos or match.group(1).lower() in _BLOCK_TAG_NAMES:
            continue
        if since is not None and (match.group(1).lower() in _VOID_TAG_NAMES or "markdown" in match.group(0)):
            continue
        close = close_after(match.group(1), match.end())
        if close is None:
            continue
        opening = match.group(0) if since is not None else f"<{match.group(1)}{match.group(2)}{match.group(4)}>"
        inner: list[str] = []
        at = match.end()
        for on in _INNER_MARKDOWN_ON.finditer(text, match.end(), close[0]):  # Markdown again inside such one
            end = close_after(on.group(1), on.end())
            if on.start() < at or end is None or end[1] > close[0]:
                continue
            inner += [raw(text[at : on.start()]), text[on.start() : end[1]]]
            at = end[1]
        inner.append(raw(text[at : close[0]]))
        pieces += [text[pos : match.start()], masked.raw(match.group(0), opening), *inner]
        pieces.append(masked.raw(text[close[0] : close[1]], text[close[0] : close[1]]))
        pos = close[1]
    return "".join(pieces) + text[pos:] if pieces else text


@cache
def _close_tag(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE)


_BLOCK_TAG_NAMES = frozenset(_BLOCK_TAGS.split("|")) | {"h1", "h2", "h3", "h4", "h5", "h6", "pre"}
_VOID_TAG_NAMES = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_SPAN_ELEMENT_OPEN = _lazy(r"<([A-Za-z][\w-]{0,100})(?:\s[^<>]{0,2000})?(?<!/)>")


# searched in "\n" + text: a line of one image with a span IAL (and perhaps a block IAL under it)
_IMAGE_LINE = _lazy(
    r"\n {0,3}!\[([^\]\n]{0,1000})\]\([ \t]*([^\s()<>]{1,4000})[ \t]*\)\{:([^}\n]{0,200})\}[ \t]*"
    r"(?:\n {0,3}\{:[^}\n]{0,200}\}[ \t]*)?(?=\n|$)"
)
_STANDALONE_REF = _lazy(r"(?:^|\s)standalone(?:\s|$)")


def _standalone_images(text: str, masked: Masked) -> str:
    """A paragraph that is one image whose attribute list names ``standalone``: kramdown writes a
    ``<figure>`` with the image and its alt text as the ``<figcaption>``."""
    import html  # noqa: PLC0415 - only a post with such an image comes here

    def figure(match: re.Match[str]) -> str:
        lined = match.string
        above = lined.rfind("\n", 0, match.start())
        alone_above = match.start() == 0 or not lined[above + 1 : match.start()].strip()
        below = lined.find("\n", match.end() + 1)
        alone_below = match.end() == len(lined) or not lined[match.end() + 1 : below if below >= 0 else None].strip()
        if not (alone_above and alone_below and _STANDALONE_REF.search(match.group(3))):
            return match.group(0)
        alt, src = html.escape(match.group(1)), html.escape(match.group(2))
        out = f'<figure><img src="{src}" alt="{alt}" /><figcaption>{alt}</figcaption></figure>'
        return "\n" + masked.raw(match.group(0)[1:], out, block=True)

    return _sub_in_prose(_IMAGE_LINE, figure, "\n" + text)[1:]


_PAREN_BUDGET = 100_000  # characters one post's span IALs look back over for their link's "("


def _span_ials() -> Callable[[re.Match[str]], str]:
    """What becomes of each span IAL of one text: it goes, but one after a ``)`` that closes no
    link's parentheses (``(see [a](x))`` then ``{:...}``) is text to kramdown, and one after a
    ``_`` that closes no emphasis (``X_{:j}``, no ``_`` that may open one before it in its
    paragraph: only a ``_`` after no letter or digit opens). The look back is bounded for the
    whole text: past it, an IAL after ``)`` or ``_`` goes."""
    budget = _PAREN_BUDGET

    def one(match: re.Match[str]) -> str:
        nonlocal budget
        text, at = match.string, match.start()
        if at > 0 and text[at - 1] == "_" and budget > 0:
            start = max(text.rfind("\n\n", 0, at - 1), at - 1 - min(_URL_CHARS, budget), 0)
            budget -= at - 1 - start
            closing = len(text[start:at].rstrip("_"))  # the "_" run before the IAL
            if start <= text.rfind("\n\n", 0, at - 1) + 1 and not _emphasis_open(text, start, start + closing):
                return match.group(0)
            return ""
        if at == 0 or text[at - 1] != ")" or budget <= 0:
            return ""
        depth = 0
        stop = max(at - min(_URL_CHARS, budget), 0)
        budget -= at - stop
        for k in range(at - 1, stop - 1, -1):
            ch = text[k]
            if ch == ")":
                depth += 1
            elif ch == "(":
                depth -= 1
                if depth == 0:
                    return "" if k > 0 and text[k - 1] == "]" else match.group(0)
            elif ch == "\n" and text.startswith("\n", k + 1):
                return match.group(0)  # the paragraph's start, and no "(" for the ")"
        return match.group(0) if stop == 0 else ""  # "" where the look back was cut short

    return one


_UNDERSCORES = _lazy(r"_+")


def _emphasis_open(text: str, start: int, end: int) -> bool:
    """Whether an emphasis opened with ``_`` is open at ``end``, reading the ``_`` runs of
    ``text[start:end]`` in turn: one after no letter or digit and before no white space opens,
    one after no white space closes what is open."""
    is_open = False
    for run in _UNDERSCORES.finditer(text, start, end):
        before = text[run.start() - 1] if run.start() > start else " "
        after = text[run.end()] if run.end() < end else " "
        if is_open:
            is_open = before.isspace()
        elif not (before.isalnum() or after.isspace()):
            is_open = True
    return is_open


def _nothing(_match: re.Match[str]) -> str:
    return ""


def _markdown_in_html(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """``<div markdown="1">`` ... ``</div>``: blank lines around the content make CommonMark end
    the HTML block and read the content as Markdown, as kramdown does. kramdown reads the content
    in place, its close tag right under it (no table there: _no_table_before_close), and
    kramdown-parser-gfm turns no backslash at a line's end into a line break inside an element."""
    out: list[str] = []
    flags: list[bool] = []
    closing: list[str] = []  # the close tags still awaited, innermost last
    for line, is_code in zip(lines, code, strict=True):
        if closing and not is_code and closing[-1] in _SPAN_MODEL:
            line = _span_content(line)  # noqa: PLW2901 - the line as the element's span content
        match = None if is_code else _MARKDOWN_ATTR.match(line)
        if closing and not is_code and line.strip().lower().startswith(f"</{closing[-1]}"):
            if out and out[-1].strip() and not flags[-1]:
                _no_table_before_close(out, flags)
            out += ["", line.strip(), ""]
            flags += [False, False, False]
            closing.pop()
            continue
        if match is None:
            inner = line.strip() if closing and not is_code else line
            if (
                closing
                and inner.endswith("\\")
                and not inner.startswith("<")
                and (len(inner) - len(inner.rstrip("\\"))) % 2
            ):
                inner += "\\"  # kramdown-parser-gfm makes no line break of it inside an element
            out.append(inner)
            flags.append(is_code)
            continue
        tag = match["tag"]
        out += [f"<{tag}{match['before']}{match['after']}>", ""]
        flags += [False, False]
        rest = match["rest"]
        if rest.strip():
            close = rest.lower().rfind(f"</{tag.lower()}")
            if tag.lower() in _SPAN_MODEL:
                rest = _span_content(rest)
            if close >= 0:
                out += [rest[:close], "", rest[close:], ""]
                flags += [False] * 4
                continue
            out.append(rest)
            flags.append(False)
        closing.append(tag.lower())
    return out, flags


# the elements whose content kramdown reads as spans, markdown="1" too (a <p>, a heading, a <span>)
_SPAN_MODEL = MARKDOWN_CONTENT - BLOCK_MODEL
# a line that opens a block: a list item, a heading, a quote, a rule or setext underline
_BLOCK_START = _lazy(r"[ \t]*(?:[*+-](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|#|>|(?:[-=_*][ \t]*){3,}$)")


def _span_content(line: str) -> str:
    """A line of an element whose content kramdown reads as spans (``<p markdown="1">``, a
    heading's): no block opens in it, its marker escaped (``- a`` is text)."""
    start = _BLOCK_START.match(line)
    if start is None:
        return line
    at = len(line) - len(line.lstrip(" \t"))
    if line[at].isdigit():
        at = start.end() - 1  # "1." : its "." escaped
    return f"{line[:at]}\\{line[at:]}"


def _no_table_before_close(out: list[str], flags: list[bool]) -> None:
    """The lines right above an element's close tag (``</div>`` under them): kramdown reads the
    element's content in place, where a table needs a blank line (or the end) after it, so table
    lines there are a paragraph: their borders escaped, so that CommonMark reads no table."""
    k = len(out)
    while k > 0 and out[k - 1].strip() and not flags[k - 1] and _in_table(out[k - 1]):
        k -= 1
    if k == len(out) or (k > 0 and out[k - 1].strip()) or not _opens_table(out[k], 0):
        return
    out[k:] = _table_as_text(out[k:])


def _escaped_borders(rows: list[str]) -> list[str]:
    """Table lines with their cell borders escaped, so that CommonMark reads no table in them."""
    return [_CELL_BORDER.sub(r"\\|", row) for row in rows]


def _table_as_text(rows: list[str]) -> list[str]:
    """Table lines that are a paragraph to kramdown: no table (``_escaped_borders``), and their
    tags read as text_tags reads a paragraph's."""
    rows = _escaped_borders(rows)
    if any("<" in row for row in rows):
        rows = text_tags("\n".join(rows)).split("\n")
    return rows


def _join_html_blocks(text: str) -> str:
    """Remove the blank lines inside a block-level HTML element that starts a line, so it stays
    one HTML block. An element with ``<pre>`` or ``<textarea>`` inside keeps its lines, and so
    does one with ``markdown="1"`` (_markdown_in_html, after this, reads its content)."""
    text = "\n" + text
    pieces: list[str] = []
    pos = 0
    for match in _HTML_BLOCK_OPEN.finditer(text):
        start = match.start() + 1  # the element, after the newline the search starts with
        if start < pos:
            continue
        end = _element_end(text, start, match.group(1).lower())
        if end is None:
            break  # never closed: nor is anything after it joined (one scan, not one per line)
        element = text[start:end]
        if not _BLANK_LINE.search(element) or re.search(r"<(?:pre|textarea)\b|markdown\s*=", element, re.IGNORECASE):
            continue
        pieces += [text[pos:start], _BLANK_LINE.sub("\n", element)]
        pos = end
    if not pieces:
        return text[1:]
    return ("".join(pieces) + text[pos:])[1:]


def _element_end(text: str, start: int, tag: str) -> int | None:
    """The end of the element opened at ``start``: after its matching close tag."""
    depth = 0
    for match in tag_pattern(tag).finditer(text, start, tags_end(text)):
        if match.group(1):
            depth -= 1
            if depth == 0:
                return match.end()
        elif not match.group(0).endswith("/>"):
            depth += 1
    return None


def _tables(lines: list[str], code: list[bool], masked: Masked | None = None) -> tuple[list[str], list[bool]]:
    """kramdown's tables written as GFM's (_gfm_table). A table opens a block with a line that
    has a ``|`` (not escaped, not in code: code spans are tokens here) and runs over the lines
    that have one; it holds a row that is not a rule line, and a blank line (or the end) comes
    after it. Lines that look like a table but are none are text: their pipes escaped. The math
    and raw elements in a table's rows read ``\\|`` as ``|`` (``masked.cell_spans``)."""
    out: list[str] = []
    flags: list[bool] = []
    columns: list[int] = []  # the content columns of the list items the lines are in, innermost last
    # the lines that matter outside list items: a cell border, or what may open an item or a footnote
    wanted = [k for k, line in enumerate(lines) if ("|" in line or line[:1] in _ITEM_LEAD) and not code[k]]
    piped = masked.piped_math if masked is not None else set()
    if piped:  # math whose "|" kramdown's table splits ($$|x|$$): the lines that hold one too
        wanted = sorted({*wanted, *(k for k, line in enumerate(lines) if _HTML_MARK in line and not code[k])})
    i = 0
    while i < len(lines):
        if not columns:  # outside items, the lines up to the next wanted one go through as they are
            k = bisect_left(wanted, i)
            skip_to = wanted[k] if k < len(wanted) else len(lines)
            if skip_to > i:
                out += lines[i:skip_to]
                flags += code[i:skip_to]
                i = skip_to
                continue
        line = lines[i]
        stripped = "" if code[i] else line.lstrip()
        if stripped:
            if columns:
                indent = _indent(line)
                while columns and indent < columns[-1] and not (len(columns) == 1 and indent >= 4):
                    columns.pop()  # the line is no longer inside this item
            if stripped[0] in _ITEM_OR_FOOTNOTE:  # the regular expressions only where one may match
                item = _ANY_ITEM.match(line)
                if item is not None and _indent(line) >= (columns[-1] if columns else 0) + 4:
                    item = None  # a marker four columns past its block's: text (a paragraph's line) or code
                if item is not None:
                    columns.append(len(item.group(0).expandtabs(4)))
                    table = _item_table(lines, code, i, item.end(), columns[-1]) if "|" in stripped else None
                    if table is not None:
                        if masked is not None:
                            masked.cell_spans(table[0])
                        out += table[0]
                        flags += [False] * len(table[0])
                        i = table[1]
                        continue
                elif _FOOTNOTE_OPEN.match(line):
                    columns.append(4)  # a footnote's content is indented four columns
        if piped and not columns and _HTML_MARK in stripped and (i == 0 or not lines[i - 1].strip()):
            table = _piped_math_table(lines, code, i, cast("Masked", masked))
            if table is not None:
                cast("Masked", masked).cell_spans(table[0])
                out += table[0]
                flags += [False] * len(table[0])
                i = table[1]
                continue
        if "|" not in stripped:  # no cell border: no table opens here (nor in code)
            out.append(line)
            flags.append(code[i])
            i += 1
            continue
        if stripped[0] == ">" and not columns:
            quoted = _quoted_table(lines, code, i)
            if quoted is not None:
                if masked is not None:
                    masked.cell_spans(quoted[0])
                out += quoted[0]
                flags += [False] * len(quoted[0])
                i = quoted[1]
                continue
        column = columns[-1] if columns else 0
        # a block opens after a blank line, or under a footnote's label with nothing after it
        starts_block = i == 0 or not lines[i - 1].strip() or _FOOTNOTE_OPEN.fullmatch(lines[i - 1]) is not None
        if not starts_block and not lines[i - 1].lstrip().startswith("<") and _opens_table(line, column):
            # kramdown opens a table only after a blank line: under a paragraph's line (an item's),
            # a heading or a fence, the lines are text (CommonMark's table would interrupt them)
            j = i
            while j < len(lines) and not code[j] and _in_table(lines[j]):
                j += 1
            out += _escaped_borders(lines[i:j])
            flags += code[i:j]
            i = j
            continue
        if not starts_block or not _opens_table(line, column):
            out.append(line)
            flags.append(code[i])
            i += 1
            continue
        j = i
        while j < len(lines) and not code[j] and _in_table(lines[j]):
            j += 1
        run = lines[i:j]
        ends_block = j == len(lines) or not lines[j].strip()
        a_table = ends_block and not all(_is_rule_row(row) for row in run)
        if a_table and piped:
            run = [_with_piped_math(row, cast("Masked", masked)) for row in run]
        rows = _written_table(run) if a_table else _table_as_text(run)
        if a_table and masked is not None:
            masked.cell_spans(rows)
        out += rows
        flags += [False] * len(rows)
        i = j
    return out, flags


def _with_piped_math(line: str, masked: Masked) -> str:
    """``line`` with its math that holds a cell border written out (``$$|x|$$``)."""
    if _HTML_MARK not in line:
        return line
    piped = masked.piped_math
    return _HTML_TOKEN_IN_TEXT.sub(lambda m: masked.written[m.group(0)] if m.group(0) in piped else m.group(0), line)


def _piped_math_table(lines: list[str], code: list[bool], i: int, masked: Masked) -> tuple[list[str], int] | None:
    """A table that the ``|`` of math in its lines makes (kramdown splits a row's cells before it
    reads the row's spans, math too: ``The value $$|x|$$ is`` opening a block is a row of three
    cells): its rows, the math written out, and the next line's index; None where the lines,
    so read, make no table (their math stays math)."""
    view = _with_piped_math(lines[i], masked)
    if view == lines[i] or not _opens_table(view, 0):
        return None
    run = [view]
    j = i + 1
    while j < len(lines) and not code[j] and _in_table(row := _with_piped_math(lines[j], masked)):
        run.append(row)
        j += 1
    if j < len(lines) and lines[j].strip():
        return None  # no block boundary after the lines: a paragraph's, math and all
    if all(_is_rule_row(row) for row in run):
        return None
    return _written_table(run), j


def _quoted_table(lines: list[str], code: list[bool], i: int) -> tuple[list[str], int] | None:
    """Table lines inside a block quote (``> a | b``), from the line ``i`` where a block opens in
    it (the quote's start, or after a blank line of it) to a blank line or the quote's end: a
    table to kramdown, which reads a quote's content, its markers taken off, as blocks. The lines
    out (a GFM table under the quote's markers, or text: their borders escaped) and the next
    line's index; None where the lines open no block."""
    depth, content = quote_content(lines[i], code_stops=False)
    above = lines[i - 1] if i > 0 else ""
    if depth == 0 or not _opens_table(content, 0):
        return None  # no table line
    above_depth, above_content = quote_content(above, code_stops=False)
    # under a line of the quote's text (a paragraph's, a heading's): text, as kramdown opens a
    # table only where a block starts (CommonMark's table would interrupt the paragraph)
    under_text = above_depth == depth and bool(above_content.strip()) and not above_content.lstrip().startswith("<")
    contents = []
    j = i
    while j < len(lines) and not code[j]:
        below_depth, below = quote_content(lines[j], code_stops=False)
        if below_depth != depth or not _in_table(below):
            break
        contents.append(below)
        j += 1
    ends_block = j == len(lines) or not lines[j].strip(" \t>")
    prefix = "> " * depth
    if ends_block and not under_text and not all(_is_rule_row(row) for row in contents):
        return [prefix + row for row in _written_table(contents)], j
    return _escaped_borders(lines[i:j]), j


def _written_table(run: list[str]) -> list[str]:
    """The lines of one kramdown table, as GFM's, at the first line's margin."""
    margin = run[0][: len(run[0]) - len(run[0].lstrip(" "))]
    rows = [row if row.startswith(margin) else margin + row for row in _gfm_table(run)]
    if "<" in "".join(rows):  # a block-level tag in a cell is text to kramdown
        rows = [_BLOCK_TAG_IN_CELL.sub("&lt;", row) for row in rows]
    # a row that looks like a footnote or link definition is a row: kramdown reads tables first
    rows = [_DEFINITION_ROW.sub(r"\1\\[", row) for row in rows]
    return [_cells_tags(row) if "<" in row else row for row in rows]


# a code span as kramdown's table reader skips it: no white space inside its backticks
_ROW_CODE_SPAN = _lazy(r"(?<!`)(`+)(?![`\s])[^\n]*?(?<![`\s])\1(?!`)")


def _item_table(lines: list[str], code: list[bool], i: int, start: int, column: int) -> tuple[list[str], int] | None:
    """A list item whose text (from ``start`` of line ``i``; the item's content at ``column``) is
    table lines, and ends with them (a blank line, the end, or an item, nested or not, next): kramdown
    reads a table there, as the item's content starts a block. The lines out, and the next line's
    index; None when the item holds no table."""
    content = lines[i][start:]
    if content.lstrip()[:1] in ("", "#", ">", "<") or not _has_cell_border(_ROW_CODE_SPAN.sub("", content)):
        return None  # (a border inside a code span that opaque.py left in the text is none either)
    j = i + 1
    while (
        j < len(lines)
        and not code[j]
        and _indent(lines[j]) >= column
        and _in_table(lines[j])
        and _ANY_ITEM.match(lines[j]) is None  # a nested item: kramdown reads the item's text before it alone
    ):
        j += 1
    if j < len(lines) and lines[j].strip() and _ANY_ITEM.match(lines[j]) is None:
        return None  # the item's paragraph goes on: its text is a paragraph
    run = [content] + [row.expandtabs(4)[column:] for row in lines[i + 1 : j]]
    if all(_is_rule_row(row) for row in run):
        return None
    rows = _written_table(run)
    return [lines[i][:start] + rows[0]] + [" " * column + row for row in rows[1:]], j


def _cells_tags(row: str) -> str:
    """A table row with each cell's tags read on their own (spanhtml.cell_tags): kramdown splits
    the row at its borders before it reads any span, so an element never crosses a border."""
    return "|".join(cell_tags(cell) for cell in _CELL_BORDER.split(row))


_ITEM_OR_FOOTNOTE = frozenset("*+-0123456789[")  # what a list item or a footnote's label opens with
_ITEM_LEAD = _ITEM_OR_FOOTNOTE | {" ", "\t"}  # what a line that may be one starts with


def _opens_table(line: str, column: int) -> bool:
    """Whether ``line`` opens a table, in a list item whose content starts at ``column``."""
    stripped = line.lstrip(" ")
    indent = len(line) - len(stripped)
    if not (indent <= 3 or column <= indent <= column + 3) or not stripped or stripped[0] in "#><\t":
        return False
    return stripped[0] == "|" or (_LIST_ITEM.match(line) is None and _has_cell_border(line))


def _in_table(line: str) -> bool:
    stripped = line.lstrip(" ")
    return bool(stripped) and (
        stripped[0] == "|" or _has_cell_border(line) or (stripped[0] == "+" and _is_rule_row(line))
    )


def _has_cell_border(line: str) -> bool:
    """A ``|`` that splits cells: not escaped, not in code (a token here), not inside an HTML
    span element (kramdown counts none of those)."""
    if _CELL_BORDER.search(line) is None:
        return False
    if "<" in line:
        line = _HTML_SPAN.sub("", line)
        for tag in _SPAN_ELEMENT_OPEN.finditer(line):  # an element never closed runs to the end
            name = tag.group(1).lower()
            if name not in _VOID_TAG_NAMES and name not in _BLOCK_TAG_NAMES:
                line = line[: tag.start()]
                break
    return _CELL_BORDER.search(line) is not None


def _is_rule_row(row: str) -> bool:
    """A kramdown table's rule line: ``|``, ``+``, ``:``, ``-`` (or ``=``, a footer's) and spaces."""
    stripped = row.strip()
    return bool(stripped) and not stripped.strip("|+:-= \t") and ("-" in stripped or "=" in stripped)


def _gfm_table(rows: list[str]) -> list[str]:
    """One kramdown table as a GFM one. kramdown reads rule lines (``|---|``, ``|--+--|``, ``|---``)
    anywhere in a table: before the first row they mark nothing, the first after a row ends the
    header, later ones start a new body; a ``|===|`` line starts the footer. GFM knows one
    delimiter row, right under a one-row header: the header keeps its first row and gets a
    delimiter of its width (with kramdown's alignments), the other rules go, and a table with
    no rule under a row (kramdown's header-less table) gets an empty header."""
    rules = [_is_rule_row(row) for row in rows]
    lead = rules.index(False) if False in rules else len(rows)
    rows, rules = rows[lead:], rules[lead:]
    if not rows:
        return []
    # kramdown gives every row the cells of the widest; GFM cuts rows to the header's width
    cells = max(_cell_count(row) for row, rule in zip(rows, rules, strict=True) if not rule)
    header = next((row for row, rule in zip(rows, rules, strict=True) if rule and "-" in row), None)
    if header is None:
        top = ["|" + " |" * cells, "|" + "---|" * cells]
    else:
        top, rows, rules = [_widened(rows[0], cells), _delimiter(header, cells)], rows[1:], rules[1:]
    return top + [row for row, rule in zip(rows, rules, strict=True) if not rule]


def _widened(row: str, cells: int) -> str:
    """A header row given empty cells up to ``cells``."""
    missing = cells - _cell_count(row)
    if missing <= 0:
        return row
    row = row.rstrip()
    closed = row.endswith("|") and not row.endswith("\\|") and len(row.strip()) > 1
    return (row if closed else row + " |") + " |" * missing


def _cell_count(row: str) -> int:
    """The cells of a row as kramdown (and GFM) count them: ``|a|||`` has three."""
    cells = _CELL_BORDER.split(row.strip())
    if len(cells) > 1 and not cells[0].strip():
        cells = cells[1:]  # the leading pipe
    if len(cells) > 1 and not cells[-1].strip():
        cells = cells[:-1]  # one trailing pipe
    return max(1, len(cells))


def _delimiter(rule: str, cells: int) -> str:
    """A GFM delimiter row ``cells`` wide, with the alignments a kramdown rule line gives."""
    marks = []
    for part in _RULE_BORDER.split(rule.strip().strip("|+")):
        cell = part.strip()
        if not cell:
            continue  # "||": no cell of its own
        left, right = cell.startswith(":"), len(cell) > 1 and cell.endswith(":")
        marks.append(f"{':' if left else ''}---{':' if right else ''}")
    return "|" + "|".join((marks + ["---"] * cells)[:cells]) + "|"


def _heading_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """``- #### Heading`` then unindented lines: kramdown keeps those lines in the list item
    (lazily, as it does after any first line); CommonMark ends the item after a heading.
    Indent them to the item's content, as kramdown reads them."""
    out: list[str] = []
    column = 0
    for line, is_code in zip(lines, code, strict=True):
        if is_code or not line.strip():
            column = 0
            out.append(line)
            continue
        match = _HEADING_ITEM.match(line)
        if match:
            column = len(match.group(1))
            out.append(line)
        elif column and not _LIST_ITEM.match(line) and not line.startswith(("\t", " " * column)):
            out.append(" " * column + line.lstrip(" "))
        else:
            out.append(line)
    return out, code  # one line out per line in: the code flags stand


# kramdown's span elements (its HTML_SPAN_ELEMENTS) that CommonMark's type-7 HTML block may take:
# a line of only one of their tags, a paragraph's lines under it
_SPAN_ELEMENTS = (
    "a|abbr|acronym|b|big|bdo|br|button|cite|del|dfn|em|i|img|input|ins|label|mark|q|rb|rbc|rp|rt|rtc|ruby|select"
    "|small|span|strong|sub|sup|tt"
)
_SPAN_TAG_LINE_ANY = _lazy(
    rf"\n {{0,3}}</?(?:{_SPAN_ELEMENTS})(?:\s[^<>\n]{{0,2000}})?/?>[ \t]*\n[ \t]*[^\s]", re.IGNORECASE
)
_SPAN_TAG_LINE = _lazy(rf" {{0,3}}</?(?:{_SPAN_ELEMENTS})(?:\s[^<>\n]{{0,2000}})?/?>[ \t]*", re.IGNORECASE)


def _span_tag_lines(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """A line of only a span element's tag (``<img src="x"/>``, ``<span class="y">``) with text
    under it opens a paragraph to kramdown, the tag an element in it; CommonMark opens a raw HTML
    block there, to the next blank line, and reads no Markdown in it. An empty comment after the
    tag makes the line one CommonMark's HTML block cannot open with (neither the text nor the
    sanitized HTML keeps it)."""
    out = list(lines)
    for i, line in enumerate(lines[:-1]):
        if (
            not code[i]
            and line[:4].lstrip()[:1] == "<"
            and lines[i + 1].strip()
            and not code[i + 1]
            and _SPAN_TAG_LINE.fullmatch(line) is not None
        ):
            out[i] = line.rstrip() + "<!-- -->"
    return out, code


# kramdown's block-level elements without a body (its HTML_ELEMENTS_WITHOUT_BODY less the span
# elements): a line of only one's tag is a block of its own, whatever follows on the next line
_VOID_BLOCKS = "area|base|col|command|embed|hr|keygen|link|meta|param|source|track|wbr"
# (and any other block-level tag closed by its "/>": kramdown reads <p/> as an element without a body)
_VOID_TAG = (
    rf"<(?:({_VOID_BLOCKS})(?:\s[^<>\n]{{0,2000}})?/?"
    rf"|(?!(?:{_SPAN_ELEMENTS})\b)([A-Za-z][\w-]{{0,100}})(?:\s[^<>\n]{{0,2000}})?/)>"
)
_VOID_CLOSE = rf"<(?:{_VOID_BLOCKS})(?:\s[^<>\n]{{0,2000}})?/?>[ \t]*</(?:{_VOID_BLOCKS})\s*>"
_VOID_TAG_LINE_ANY = _lazy(rf"\n {{0,3}}(?:{_VOID_TAG}[ \t]*\n[ \t]*\S|{_VOID_CLOSE})", re.IGNORECASE)
_VOID_TAG_LINE = _lazy(rf" {{0,3}}{_VOID_TAG}[ \t]*", re.IGNORECASE)
# a body-less tag with a close tag after it (``<link ...></link>``): kramdown's element ends at
# its open tag, and the close tag opens a paragraph, as text
_VOID_CLOSED_LINE = _lazy(rf"( {{0,3}}<({_VOID_BLOCKS})(?:\s[^<>\n]{{0,2000}})?/?>)[ \t]*(</\2\s*>.*)", re.IGNORECASE)
# what opens a line of markup: a tag, or a raw element's token (opaque.py's _HTML_MARK)
_MARKUP_FIRST = ("<", "\U000ffffb")
# those whose tag opens CommonMark's HTML block under a paragraph's line too (its condition 6)
_CONDITION_6 = (
    "address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div"
    " dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe"
    " legend li link main menu menuitem nav noframes ol optgroup option p param search section summary table"
    " tbody td tfoot th thead title tr track ul"
)
_VOID_INTERRUPTING = frozenset(_CONDITION_6.split())


def _void_tag_lines(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """A line of only a body-less block element's tag (``<hr>``, ``<hr/>``, ``<meta ...>``) with
    a line right under it: kramdown's element ends on its line, and the next line opens a block of
    its own (a paragraph, a list); CommonMark's HTML block takes the lines under the tag up to a
    blank line, as raw HTML. A blank line after the tag ends CommonMark's block there too (not
    before indented text, which would become code, nor before a tag or a raw element: HTML
    either way, and raw elements in a paragraph of their own would leave an empty one)."""
    out: list[str] = []
    flags: list[bool] = []
    last = len(lines) - 1
    for i, line in enumerate(lines):
        closed = None if code[i] or "</" not in line else _VOID_CLOSED_LINE.fullmatch(line)
        if closed is not None and (closed.group(2).lower() in _VOID_INTERRUPTING or i == 0 or not lines[i - 1].strip()):
            out += [closed.group(1), "", "&lt;" + closed.group(3)[1:]]  # the close tag: a paragraph's text
            flags += [False, False, False]
            continue
        out.append(line)
        flags.append(code[i])
        if (
            i < last
            and not code[i]
            and line[:4].lstrip()[:1] == "<"
            and lines[i + 1].strip()
            and lines[i + 1].lstrip()[:1] not in _MARKUP_FIRST
            and (code[i + 1] or not lines[i + 1].startswith(("    ", "\t")))
        ):
            tag = _VOID_TAG_LINE.fullmatch(line)
            if tag is not None and (
                (tag.group(1) or tag.group(2)).lower() in _VOID_INTERRUPTING or i == 0 or not lines[i - 1].strip()
            ):
                out.append("")
                flags.append(False)
    return out, flags


# searched in "\n" + text: a heading's "#" that white space puts off its column
_SHIFTED_HEADING_ANY = _lazy(r"\n[ \t]+#{1,6}[ \t]")
_SHIFTED_HEADING = _lazy(r"[ \t]+#{1,6}[ \t]")


def _shifted_headings(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """kramdown reads ``#`` as a heading only in its block's first column (a list item's content
    column): `` ### x`` at the top, or ``   ### x`` in a ``-`` item, is paragraph text.
    CommonMark allows three spaces before it. Its first ``#`` is escaped there."""
    out = list(lines)
    for i, line in enumerate(lines):
        if code[i] or _SHIFTED_HEADING.match(line) is None:
            continue
        indent = _indent(line)
        if 0 < indent - _content_column(lines, code, i, indent) < 4:  # four columns more are code
            out[i] = _escape_at(line, indent)
    return out, code


def _content_column(lines: list[str], code: list[bool], i: int, indent: int) -> int:
    """The content column of the list item that holds line ``i`` (indented ``indent``), as far as
    a heading cares: the nearest item above whose marker is indented less and whose text is not
    right of the line; 0 at the top. A paragraph's first line above, outside the items, is the top."""
    below = indent  # what may hold the line is indented less than this
    for k in range(i - 1, -1, -1):
        line = lines[k]
        if code[k] or not line.strip() or _indent(line) >= below:
            continue
        marker = _ITEM_MARKER.match(line.expandtabs(4)) if line.lstrip()[:1] in _ITEM_OR_FOOTNOTE else None
        if marker is not None:
            if len(marker.group(0)) <= indent:
                return len(marker.group(0))
            below = len(marker.group(1))  # the line is outside this item: only its list's holders are left
            if below == 0:
                return 0
        elif k == 0 or not lines[k - 1].strip():
            return 0  # a paragraph's first line (a lazy line goes on up to its item)
    return 0


# searched in "\n" + text: a list item whose marker a tab or five spaces follow
_WIDE_ITEM_ANY = _lazy(r"\n[ \t]*(?:[*+-]|\d{1,9}\.|:)(?: {0,4}\t| {5})")
_WIDE_ITEM = _lazy(r"([ \t]*(?:[*+-]|\d{1,9}\.|:))([ \t]+)(?=\S)")  # a definition's ":" too


def _wide_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """kramdown counts all the white space after a list item's marker (or a definition's colon)
    into the item's indentation (a tab to the next multiple of four): the first line's text is
    never code, and the item's
    lines are those indented as far as its text. CommonMark reads five columns or more after the
    marker as indented code. Such an item is written with one space after its marker, and the
    lines indented to its text are moved left by as much. A line less indented than its text after
    a blank line ends the list (code, four columns in: opaque.py made it a token), where CommonMark's
    item would take it: an empty comment ends the list there."""
    out = list(lines)
    ends: list[int] = []  # lines after a blank line, indented less than the item's text: out of its list
    i = 0
    while i < len(lines):
        match = None if code[i] else _WIDE_ITEM.match(lines[i])
        if match is None:
            i += 1
            continue
        if match.group(1)[-1] == ":" and not _under_term(lines, code, i):
            i += 1  # no definition: a paragraph's line, as written
            continue
        marker = match.group(1).expandtabs(4)
        text_column = len((match.group(1) + match.group(2)).expandtabs(4))  # kramdown's indentation
        shift = text_column - (len(marker) + 1)  # CommonMark's, with one space after the marker
        if shift < 4:  # four columns or fewer after the marker: CommonMark reads the same
            i += 1
            continue
        out[i] = marker + " " + lines[i][match.end() :]
        i += 1
        blank_above = False
        while i < len(lines):  # the item's lines: indented to its text, or lazy
            line = lines[i]
            if code[i]:  # code: in the item (left as it is), or, less indented, after its list
                if blank_above and len(marker) < _indent(line) < text_column and marker[0] != " ":
                    ends.append(i)
                break
            if not line.strip():
                blank_above = True
            elif _indent(line) >= text_column:
                out[i] = " " * (_indent(line) - shift) + line.lstrip(" \t")
                blank_above = False
            elif blank_above or _LIST_ITEM.match(line):
                if blank_above and not _LIST_ITEM.match(line) and _indent(line) > len(marker) and marker[0] != " ":
                    ends.append(i)  # the list ends above it; CommonMark would go on with the item
                break
            i += 1
    if not ends:
        return out, code
    # an empty comment ends the list for CommonMark (as kramdown's "^"), a blank line after it
    for at in reversed(ends):
        out[at:at] = ["<!-- -->", ""]
        code = [*code[:at], False, False, *code[at:]]
    return out, code


_NO_TERM = _lazy(r"[ \t]|[*+-](?:[ \t]|$)|\d{1,9}\.(?:[ \t]|$)|[>#<|]")


def _under_term(lines: list[str], code: list[bool], i: int) -> bool:
    """Whether the ``:`` line ``i`` may be a definition: a paragraph's line at the margin right
    above it, or one blank line between (kramdown's term; not a list item's, a quote's, a
    heading's or an HTML block's line)."""
    above = i - 1 if i > 0 and lines[i - 1].strip() else i - 2 if i > 1 else -1
    return above >= 0 and bool(lines[above].strip()) and not code[above] and _NO_TERM.match(lines[above]) is None


# searched in "\n" + text: a bullet item's line and an ordered item's, both needed for a lazy item line
_BULLET_LINE_ANY = _lazy(r"\n[ \t]*[*+-][ \t]")
_ORDERED_LINE_ANY = _lazy(r"\n[ \t]*\d{1,9}\.[ \t]")
_ITEM_MARKER = _lazy(r"( *)([*+-]|\d{1,9}\.)([ \t]+)(?=\S)")


class _Item:
    """A list item as kramdown's list reader holds it: where its list's lines start (``base``:
    the content column of the item around it), its content column, whether its list is ordered,
    and whether a list or a blank line has come inside it yet."""

    __slots__ = ("base", "column", "nested", "ordered")

    def __init__(self, base: int, column: int, *, ordered: bool) -> None:
        self.base, self.column, self.ordered, self.nested = base, column, ordered, False


# searched in "\n" + text: a quote's line, then a line of text without the quote's marker
_LAZY_QUOTE_LINE_ANY = _lazy(r"\n {0,3}>[^\n]*\n(?! {0,3}>)[ \t]*[^\s]")
# what ends a quote's lazy lines in kramdown, besides a blank line: an attribute list, an
# end-of-block mark, a tag (or closing tag) opening the line, of an element that is not a span's
_UNDERLINE_ONLY = _lazy(r" {0,3}(?:=+|-+)[ \t]*")
_QUOTE_END = _lazy(r"[ \t]*(?:\{:|\^[ \t]*$|<!-- -->$)| {0,3}</?([A-Za-z][\w:-]*)")  # "^" as _end_of_blocks writes it


def _lazy_quote_lines(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """kramdown's quote runs from its first ``>`` line to a blank line, taking every line between,
    marked or not (but an attribute list, an end-of-block mark or a line opening with a block
    element's tag); it reads the lines without their markers. CommonMark keeps a line without a
    marker only as a paragraph's lazy line: under an HTML block in the quote (``> <div><a``,
    ``href="x">``) it ends the quote. Such a line gets the markers of the quote's line above."""
    out = list(lines)
    markers = ""
    for i, line in enumerate(lines):
        if not line.strip():
            markers = ""
            continue
        quoted = _QUOTE_MARKERS.match(line) if line.lstrip(" ")[:1] == ">" and _indent(line) <= 3 else None
        if code[i]:  # a code block's line: in the quote, or ending it
            markers = "" if quoted is None else quoted.group(0).rstrip(" \t") + " "
        elif quoted is not None:
            markers = quoted.group(0).rstrip(" \t") + " "
        elif markers:
            end = _QUOTE_END.match(line)
            if end is not None and (end.group(1) is None or end.group(1).lower() not in _LAZY_SPAN_TAGS):
                markers = ""
            elif _UNDERLINE_ONLY.fullmatch(line):  # text of the quote's paragraph to kramdown, a heading's
                markers = ""  # underline with a marker to CommonMark: left as it was
            else:
                out[i] = markers + line
    return out, code


_LAZY_SPAN_TAGS = SPAN_ELEMENTS | {"script"}  # kramdown's LAZY_END_HTML_SPAN_ELEMENTS
# a quote's line right under the line of a list item's marker (at the margin), left of its text
_QUOTE_UNDER_ITEM_ANY = _lazy(r"\n(?:[*+-]|\d{1,9}\.) {1,4}\S[^\n]*\n {0,3}>")  # searched in "\n" + text
_MARGIN_ITEM = _lazy(r"([*+-]|\d{1,9}\.) {1,4}(?=\S)")
_ITEM_OF_KIND = {False: _lazy(r" {0,3}[*+-][ \t]"), True: _lazy(r" {0,3}\d{1,9}\.[ \t]")}
# a line that is no lazy line of a list item: an attribute list, an end-of-block mark, a block tag
_NO_LAZY_LINE = _lazy(rf" {{0,3}}(?:\{{:(?![:/])|\^[ \t]*$|</?(?!(?:{'|'.join(sorted(_LAZY_SPAN_TAGS))})\b)[A-Za-z_:])")


def _lines_under_item_code(lines: list[str], code: list[bool], masked: Masked) -> tuple[list[str], list[bool]]:
    """The lines right under a fence that opaque.py moved into a list item (it was a lazy line of
    the item): kramdown's item takes them too, to a blank line (an image's line, a quote), as lazy
    lines; CommonMark ended the list at them. They are moved to the item's text column."""
    out = list(lines)
    for i, line in enumerate(lines):
        if not code[i] or (item := masked.item_code.get(line.strip())) is None:
            continue
        column, marker = item
        next_item = _ITEM_OF_KIND[marker == "."]
        j = i + 1
        while j < len(lines) and lines[j].strip() and not code[j]:
            below = lines[j]
            if _indent(below) < column:
                if next_item.match(below) is not None or _NO_LAZY_LINE.match(below) is not None:
                    break
                out[j] = " " * column + below
            j += 1
    return out, code


def _has_quote_line(text: str) -> bool:
    """Whether a line of the text opens with a quote's ``>`` (substring searches: cheaper than a
    pattern tried at each line of a post whose tags hold ``>``)."""
    return ">" in text and ("\n>" in text or "\n >" in text or "\n  >" in text or "\n   >" in text)


def _quotes_under_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """A quote right under the line of a list item's marker, left of its text: kramdown's item
    takes it (a lazy line, and the lines under it to a blank line) and reads a quote in it;
    CommonMark ended the list at it. Its lines are moved to the item's text column; an item of
    the list right under them (kramdown's next item) gets an empty comment in the item above it,
    which ends the quote's paragraph (CommonMark would go on with it over a ``2.``)."""
    out: list[str] = []
    flags: list[bool] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        item = None
        if i and not code[i] and line.lstrip(" ")[:1] == ">" and _indent(line) <= 3 and not code[i - 1]:
            item = _MARGIN_ITEM.match(lines[i - 1])
        if item is None or _indent(line) >= len(item.group(0)):
            out.append(line)
            flags.append(code[i])
            i += 1
            continue
        lead = " " * len(item.group(0))
        next_item = _ITEM_OF_KIND[item.group(1)[0].isdigit()]
        j = i
        while j < len(lines) and lines[j].strip() and not code[j]:
            below = lines[j]
            if j > i and next_item.match(below) is not None and _indent(below) < len(lead):
                out.append(lead + "<!-- -->")
                flags.append(False)
                break
            if j > i and _NO_LAZY_LINE.match(below) is not None:
                break
            out.append(below if _indent(below) >= len(lead) else lead + below)
            flags.append(False)
            j += 1
        i = j
    return out, flags


def _lazy_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """A line right under an item's text, indented less than the item's content, that opens an
    item of the other kind of list (``* x`` under a ``1.`` item, ``1. x`` under a ``*`` one) once
    a list or a blank line has come inside the item: kramdown's list reader takes it as a lazy
    line and indents it past the nested list's items, so it is text of the deepest paragraph.
    CommonMark starts a list there. Its marker is escaped: CommonMark reads the lazy line too.
    Before that (``  - x`` right under ``1. a``), the lazy line is the item's content, where it
    opens a list: CommonMark starts a list of its own after the item; the line is indented to
    the item's content, so CommonMark nests it there too."""
    out = list(lines)
    open_items: list[_Item] = []
    blank_above = True
    # the lines that may open an item: outside items, the scan goes from one to the next
    starts = [k for k, line in enumerate(lines) if line.lstrip(" \t")[:1] in _ITEM_OR_FOOTNOTE and not code[k]]
    i = -1
    while (i := i + 1) < len(lines):
        if not open_items:
            k = bisect_left(starts, i)
            if k == len(starts):
                break
            i = starts[k]
        line = lines[i]
        if code[i]:
            continue
        if not line.strip():
            for item in open_items:
                item.nested = True
            blank_above = True
            continue
        if line.lstrip().startswith(">"):
            open_items, blank_above = [], False
            continue
        indent = _indent(line)
        marker = _ITEM_MARKER.match(line.expandtabs(4)) if line.lstrip()[:1] in _ITEM_OR_FOOTNOTE else None
        while open_items and indent < open_items[-1].column:
            item = open_items[-1]
            if indent < item.base or blank_above:
                open_items.pop()  # the line is outside the item's list, or after a blank line: the item ends
                continue
            if marker is not None:
                ordered = marker.group(2)[-1] == "."
                if ordered == item.ordered and indent - item.base <= min(item.column - item.base - 1, 3):
                    open_items.pop()  # a sibling: the item ends, and the new one opens below
                    break
                if ordered != item.ordered and indent - item.base <= 3:
                    if item.nested:
                        out[i] = _escape_at(line, len(marker.group(1)) + len(marker.group(2)) - 1)
                    else:  # kramdown reads the item's lazy lines as its content: a list in it
                        out[i] = " " * item.column + line.expandtabs(4)[indent:]
                marker = None  # a lazy line: kramdown keeps it in the item (as text, or a list there)
            break
        if marker is not None:
            base = open_items[-1].column if open_items else 0
            if indent - base <= 3:
                if open_items:
                    open_items[-1].nested = True
                open_items.append(_Item(base, len(marker.group(0)), ordered=marker.group(2)[-1] == "."))
        blank_above = False
    return out, code


def _escape_at(line: str, at: int) -> str:
    """``line`` with a backslash before its character at column ``at`` (tabs as four columns)."""
    expanded = line.expandtabs(4)
    return f"{expanded[:at]}\\{expanded[at:]}"


# searched in "\n" + text: a list marker alone on its line, at a block's start, or a "*", "+" or
# "1." one anywhere (right under an item's line too, where kramdown reads it as the item's lazy text)
# (a literal first character: re skips ahead to each line end; the first line is "\n" + "\n" + text's)
_BARE_MARKER = _lazy(r"\n(?:[ \t]*\n {0,3}-|[ \t]*(?:[*+]|\d{1,9}\.))(?=\n|$)")


def _has_bare_marker(text: str) -> bool:
    return _BARE_MARKER.search(_lined(text)) is not None


def _bare_markers(text: str) -> str:
    """A list marker with nothing after it (``*`` alone on a line) opens no item in kramdown, whose
    item needs white space after its marker: it is a paragraph's text, or, right under a list
    item's line (``30.`` under ``29. x``), the item's lazy text. CommonMark opens an empty item.
    Its last character is escaped (under a paragraph's line, ``-`` is a setext underline in both:
    left alone, as under an item's line, where kramdown reads a heading)."""
    return _sub_in_prose(_BARE_MARKER, lambda m: f"{m.group(0)[:-1]}\\{m.group(0)[-1]}", "\n\n" + text)[2:]


# searched in "\n" + text: a line of only "#" marks (kramdown-parser-gfm's heading needs text)
_EMPTY_HEADING = _lazy(r"\n {0,3}#{1,6}[ \t]*(?=\n|$)")


def _empty_headings(text: str) -> str:
    """A line of only ``#`` (``####``) is no heading to kramdown-parser-gfm, whose ATX heading
    needs text: it is a paragraph's text. CommonMark reads an empty heading; the first ``#`` is
    escaped."""
    return _sub_in_prose(_EMPTY_HEADING, lambda m: m.group(0).replace("#", "\\#", 1), "\n" + text)[1:]


def _end_of_blocks(text: str) -> str:
    """A line of only ``^`` is kramdown's end-of-block marker. An empty HTML comment in its place
    ends the block above as kramdown's marker does (a paragraph, a list, an indented code
    block), and neither the text nor the sanitized HTML keeps it."""
    return _sub_in_prose(_END_OF_BLOCK, lambda match: f"\n{match.group(1)}<!-- -->", "\n" + text)[1:]


def _foreign_footnotes(text: str) -> str:
    """A footnote whose label kramdown does not read (``[^注]``): its mark is text, and its
    definition a link definition to kramdown, which shows nothing (the line goes)."""

    def one(match: re.Match[str]) -> str:
        return "\n" if match.group(1) is not None else f"\\{match.group(0)}"  # a definition's line goes

    return _sub_in_prose(_FOREIGN_FOOTNOTE, one, "\n" + text)[1:]


def _marks_before_parens(text: str) -> str:
    """A footnote mark right before ``(`` (``[^1](x)``): kramdown reads the mark (a footnote, or
    its text when no note has that label) and ``(x)`` as text, for no link opens at ``[^``.
    CommonMark reads a link: the ``(`` is escaped."""
    return _sub_in_prose(_MARK_BEFORE_PAREN, lambda match: f"{match.group(0)[:-1]}\\(", text)


def _paren_items(text: str) -> str:
    """``1)`` opens no list item in kramdown, at a line's start or at an item's (``- 1) x``): its
    ``)`` is escaped, so CommonMark reads text too."""
    return _sub_in_prose(_PAREN_ITEM, lambda match: f"\n{match.group(1)}\\)", "\n" + text)[1:]


def _ordered_items(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """kramdown ends a paragraph at any ``N.`` item; CommonMark only at ``1.``: a blank line goes
    between (not inside a list's own lines: a list item's lazy lines stay as they are)."""
    out: list[str] = []
    flags: list[bool] = []
    text_above = False  # the lines above, back to a blank one, are a paragraph (not a list's)
    for line, is_code in zip(lines, code, strict=True):
        if is_code or not line.strip():
            text_above = False
            out.append(line)
            flags.append(is_code)
            continue
        first = not out or not out[-1].strip() or flags[-1]
        item = _ORDERED_ITEM.match(line) if line[:4].lstrip()[:1].isdigit() else None
        if item is not None and text_above and int(item.group(1)) != 1:
            out.append("")
            flags.append(False)
            first = True
        if first:
            text_above = _is_text_line(line)
        out.append(line)
        flags.append(False)
    return out, flags


def _guillemets(text: str) -> str:
    """kramdown's typographic ``<<`` and ``>>`` (not a blockquote's ``>>``)."""
    return _sub_in_prose(_GUILLEMET, _guillemet, text)


def _guillemet(match: re.Match[str]) -> str:
    """kramdown's typography reads every ``<<`` and ``>>`` in a paragraph's text as a guillemet,
    spaced or not, a longer run two characters at a time from its left (``<<<`` is ``«<``); left
    as written: the ``>`` markers opening a line (a quote's), and a run's first ``>`` where it
    closes a tag. (What is looked at before the run is bounded: no line is read over and over.)"""
    text, run, start = match.string, match.group(0), match.start()
    lead = ""
    if run[0] == ">":
        back = start
        while back > 0 and start - back < _LOOK_BEHIND and text[back - 1] in " \t>":
            back -= 1
        if back == 0 or text[back - 1] == "\n":
            return run  # a quote's markers
        if _closes_tag(text, start):
            lead, run = ">", run[1:]
    pairs, odd = divmod(len(run), 2)
    return lead + ("«" if run[0] == "<" else "»") * pairs + run[:odd] if run else lead


_LOOK_BEHIND = 2_100  # characters: a tag's length at most (as _INNER_TAG reads one), and some


def _closes_tag(text: str, at: int) -> bool:
    """Whether the ``>`` at ``at`` closes a tag opened on its line: after the last ``<`` before it
    and no ``>`` or line end between, that ``<`` opening a name (or ``/``, ``!``) and left over by
    the ``<`` run it ends (an even run is guillemets only)."""
    low = max(0, at - _LOOK_BEHIND)
    opener = text.rfind("<", low, at)
    if opener < 0 or text[opener + 1 : opener + 2] not in _TAG_NAME_START or text.find(">", opener, at) >= 0:
        return False
    if text.find("\n", opener, at) >= 0:
        return False
    run_start = opener
    while run_start > low and text[run_start - 1] == "<":
        run_start -= 1
    return (opener - run_start) % 2 == 0


_TAG_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/!")


def _line_breaks(text: str) -> str:
    """Two backslashes at a line's end are kramdown's line break (after any escaped pairs before
    them); CommonMark's is one. An even run gives one up; an odd run reads the same in both."""
    return _sub_in_prose(_BACKSLASH_BREAK, lambda match: match.group(0)[:-1], text)


# what opens a line before its text: a quote's and an item's markers, a heading's
_LINE_LEAD = _lazy(r"(?:[ \t>]*(?:[*+-]|\d{1,9}\.|:)(?=[ \t]))*[ \t>]*(?:#{1,6}(?=[ \t]|$))?[ \t]*")
_NEW_SPAN_CONTEXT = _lazy(r"[ \t>]*(?:(?:[*+-]|\d{1,9}\.)[ \t]|#{1,6}(?:[ \t]|$)|:[ \t])")
_RULE_OR_UNDERLINE = _lazy(r"[ \t>]*[-*_=][-*_= \t]*")
_STAR_RUN = _lazy(r"(?:\*{3,}|_{3,})[ \t]*")


def _kramdown_emphasis(text: str, masked: Masked) -> str:
    """Emphasis read as kramdown reads it (emphasis.py), paragraph by paragraph (a list item's
    or a heading's text on its own), strikethrough with it. Left to CommonMark and the rewrites
    after this one: a paragraph with a cell border, a line that opens with a tag, a rule line, or
    a heading's ``{#id}``, and one with a link's brackets unless an emphasis opened in a link's
    text runs past them (emphasis.linked_emphasis). Only the paragraphs with a delimiter are
    looked at.
    The elements' tags are tokens (rendered after CommonMark): the rewrites after this one see no
    new "<" (nor pay for one)."""
    if (
        "~~" not in text
        and _LOOSE_DELIMITER.search(_SIMPLE_PAIR.sub("", text)) is None
        and ("[" not in text or _DELIMITER_IN_BRACKETS.search(text) is None)
    ):
        return text  # simple pairs, markers and "_" inside words only: CommonMark reads them alike
    tags: dict[str, str] = {}
    found = _DEFINITION_LABEL.findall(text) if "]:" in text else []
    labels = frozenset(" ".join(label.lower().split()) for label in found)  # the link definitions'

    def tag(name: str) -> str:
        if name not in tags:  # one token a kind of tag: a token stands for its HTML wherever it is
            tags[name] = masked.raw(f"<{name}>", f"<{name}>")
        return tags[name]

    pieces: list[str] = []
    pos = 0
    search = 0
    while (match := _DELIMITER.search(text, search)) is not None:
        search = match.end()
        if _is_marker(text, match.start()):
            continue  # a list item's marker, no delimiter
        start, end = _span_context(text, match.start())
        start = max(start, pos)
        context = text[start:end]
        kept = _LEFT_TO_COMMONMARK.search(context)
        if kept is None:
            context = _emphasis_context(context, tag)
        elif kept.group(0) in "[]" and "|" not in context and "{#" not in context:
            context = _emphasis_context(context, tag, links=labels)
        elif "[" not in context and "]" not in context and "{#" not in context and _is_table(text, start, end):
            context = "\n".join(_cells_emphasis(line, tag) for line in context.split("\n"))
        pieces += [text[pos:start], context]
        pos = search = max(end, match.end())
    return "".join(pieces) + text[pos:] if pieces else text


def _is_table(text: str, start: int, end: int) -> bool:
    """Whether the span context ``text[start:end]`` is a table kramdown reads: table lines from a
    block's start (or a list item's text) to a blank line or the end."""
    below = text.find("\n", end + 1)
    if end < len(text) and text[end + 1 : len(text) if below < 0 else below].strip(" \t>"):
        return False  # no block boundary after it: a paragraph
    lines = text[start:end].split("\n")
    lead = _LINE_LEAD.match(lines[0])
    at = 0 if lead is None else lead.end()
    if "#" in lines[0][:at] or ":" in lines[0][:at] or not _opens_table(lines[0][at:], 0):
        return False
    return all(_in_table(line.lstrip(" \t>")) for line in lines[1:])


def _cells_emphasis(line: str, tag: Callable[[str], str]) -> str:
    """A table row with kramdown's emphasis read in each cell on its own, as kramdown reads a
    row's spans once it has split it at its borders."""
    cells = _CELL_BORDER.split(line)
    for k, cell in enumerate(cells):
        if "*" in cell or "_" in cell or "~~" in cell:
            body = cell.lstrip(" \t")
            cells[k] = cell[: len(cell) - len(body)] + _emphasis_context(body, tag)
    return "|".join(cells)


# an emphasis pair both readers read alike: its delimiter after no word character and before no
# white space, no delimiter, escape or line end inside, closed after no white space and before
# no word character; nor next to a token (code's, as "_a_`x`"): CommonMark takes it for a letter,
# so its "_" neither opens nor closes there; kramdown's does
_SIMPLE_PAIR = _lazy(
    r"(\*\*(?<![\w*\\\U000ffffa\U000ffffb]\*\*)|\*(?<![\w*\\\U000ffffa\U000ffffb]\*)"  # a literal first: re skips ahead
    r"|__(?<![\w*\\\U000ffffa\U000ffffb]__)|_(?<![\w*\\\U000ffffa\U000ffffb]_))"
    r"(?![\s*_])[^*_\n\\]*?[^\s*_\\]\1(?![\w*\U000ffffa\U000ffffb])"
)
# a delimiter no simple pair holds: a "*" before no white space or after a character of text (not
# a list item's marker), or a "_" not inside a word
_LOOSE_DELIMITER = _lazy(r"\*(?![ \t])|\*(?<=[^\s>]\*)|_(?<![^\W\d_]_)(?<!__)|_+(?!_)(?![^\W_])")
# what leaves a paragraph to CommonMark: a link's bracket, a cell border, a heading's id
_LEFT_TO_COMMONMARK = _lazy(r"[\[\]|]|\{#")


_DELIMITER = _lazy(r"[*_]")
# a delimiter that may open an emphasis (before no white space; "_" after no letter) after a bracket,
# before the bracket that closes it: in a link's text, where kramdown's emphasis may open and run past
# the link (a pair in there may be no pair to kramdown)
_DELIMITER_IN_BRACKETS = _lazy(r"\[[^\]]{0,2000}?(?:\*|(?<![^\W\d_])_)(?!\s)")


def _is_marker(text: str, at: int) -> bool:
    """Whether the ``*`` at ``at`` is a list item's marker: white space after it, and only white
    space or a quote's ``>`` before it on its line."""
    if text[at + 1 : at + 2] not in (" ", "\t"):
        return False
    line = text.rfind("\n", 0, at) + 1
    return not text[line:at].strip(" \t>")


def _span_context(text: str, at: int) -> tuple[int, int]:
    """The lines of the span context (a paragraph, an item's or a heading's text) around ``at``."""
    start = text.rfind("\n", 0, at) + 1
    while start > 0 and not _NEW_SPAN_CONTEXT.match(text, start):
        above = text.rfind("\n", 0, start - 1) + 1
        if not text[above : start - 1].strip(" \t>"):  # a blank line (in a quote: its markers alone)
            break
        start = above
    end = text.find("\n", at)
    while end >= 0:
        below = text.find("\n", end + 1)
        line = text[end + 1 : len(text) if below < 0 else below]
        if not line.strip(" \t>") or _NEW_SPAN_CONTEXT.match(line):
            break
        end = below
    return start, len(text) if end < 0 else end


def _emphasis_context(context: str, tag: Callable[[str], str], *, links: frozenset[str] | None = None) -> str:
    """One span context's lines with kramdown's emphasis (as they are when it is left alone).
    With ``links`` (the labels of the post's link definitions), a context with links' brackets:
    its links read with its emphasis, as kramdown reads them (emphasis.linked_emphasis)."""
    if (
        "~~" not in context
        and _LOOSE_DELIMITER.search(_SIMPLE_PAIR.sub("", context)) is None
        and (links is None or _DELIMITER_IN_BRACKETS.search(context) is None)
    ):
        return context  # simple pairs, markers, "_" inside words: CommonMark reads them as kramdown does
    leads, texts = [], []
    for line in context.split("\n"):
        lead = _LINE_LEAD.match(line)
        at = 0 if lead is None else lead.end()
        leads.append(line[:at])
        texts.append(line[at:])
    joined = "\n".join(texts)
    if any(t.startswith("<") and not _opens_with_span_tag(t) for t in texts if t) or any(
        _RULE_OR_UNDERLINE.fullmatch(t) and (i == 0 or not _STAR_RUN.fullmatch(t) or len(leads[i].expandtabs(4)) >= 4)
        for i, t in enumerate(texts)
        if t
    ):
        return context  # a rule line (but "****" under a line of text: text to kramdown, emphasis and all)
    if len(leads[0].expandtabs(4)) >= 4 and not leads[0].strip():
        return context  # indented as CommonMark's code: as written
    if links is not None:
        if _DEFINITION_LABEL.search(joined) is not None:  # definitions' lines: the old reading
            if _DELIMITER_IN_BRACKETS.search(context) is None:
                return context
            links = None
        linked = linked_emphasis(joined, tag, links)
        if linked is None:
            return context
        read = linked.split("\n")
    else:
        read = emphasis(joined, tag).split("\n")
    return "\n".join(lead + t for lead, t in zip(leads, read, strict=True))


def _opens_with_span_tag(line: str) -> bool:
    """Whether ``line`` opens with a span element's open tag and has text after it: a paragraph's
    line to CommonMark too (a tag alone on its line may open an HTML block)."""
    tag = KRAMDOWN_TAG.match(line)
    return (
        tag is not None
        and tag.group(1) is not None
        and tag.group(1).lower() in SPAN_ELEMENTS
        and bool(line[tag.end() :].strip())
    )


def _emphasis(text: str) -> str:
    """Emphasis pairs as kramdown reads them, in one pass: see _cjk_pair and _escape_inner."""
    return _sub_in_prose(_EMPHASIS, _emphasis_pair, text)


def _emphasis_pair(match: re.Match[str]) -> str:
    cjk = _cjk_pair(match)
    return cjk if cjk != match.group(0) else _escape_inner(match)


def _escape_inner(match: re.Match[str]) -> str:
    """kramdown does not nest emphasis in emphasis of its kind: in ``*does _not_ work*`` and
    ``**does __not__ work**`` the inner delimiters are text."""
    outer, inner = match.group(1), match.group(2)
    if "_" not in inner:
        return match.group(0)
    twin = "__" if len(outer) == 2 else "_"
    pattern = rf"(?<![\w_]){re.escape(twin)}(?!_)(\S(?:.*?\S)?){re.escape(twin)}(?![\w_])"
    escaped = re.sub(pattern, lambda m: "\\_" * len(twin) + m.group(1) + "\\_" * len(twin), inner)
    return outer + escaped + outer


def _cjk_pair(match: re.Match[str]) -> str:
    """A ``*``/``**`` pair that CommonMark leaves literal only because a CJK letter sits
    against punctuation at a delimiter, written as the HTML kramdown gives it."""
    text = match.string
    delimiter, inner = match.group(1), match.group(2)
    before = text[match.start() - 1] if match.start() > 0 else " "
    after = text[match.end()] if match.end() < len(text) else " "
    opens = not _is_punctuation(inner[0]) or before.isspace() or _is_punctuation(before)
    closes = not _is_punctuation(inner[-1]) or after.isspace() or _is_punctuation(after)
    if opens and closes:
        return match.group(0)  # CommonMark reads this pair already
    # markdown-it's cjk-friendly rule: a CJK character on either side of the delimiter lifts
    # CommonMark's punctuation condition (kramdown has none).
    cjk_edge = (opens or _is_cjk(before) or _is_cjk(inner[0])) and (closes or _is_cjk(after) or _is_cjk(inner[-1]))
    if not cjk_edge:
        return match.group(0)
    tag = "strong" if delimiter == "**" else "em"
    return f"<{tag}>{inner}</{tag}>"


def _is_punctuation(ch: str) -> bool:
    import unicodedata  # noqa: PLC0415 - only lines with CJK and * come here

    return unicodedata.category(ch)[0] in "PS"


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return code < 0x10000 and _CJK[code] == 1


def _has_cjk_delimiter(text: str) -> bool:
    """A ``*`` run between a CJK character and anything not a space: where CommonMark's
    flanking rule and kramdown's reading can differ."""
    for match in _STARS.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if (_is_cjk(before) and not after.isspace()) or (_is_cjk(after) and not before.isspace()):
            return True
    return False


class _Last:
    """The last text a function was given and its answer, kept by identity (a long text's hash
    costs a pass over it): the tests of _rewrite ask about one text several times."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: tuple[str | None, Any] = (None, None)


_LINED = _Last()
_NUMBERED = _Last()


def _lined(text: str) -> str:
    """``"\n" + text``, where the line patterns are searched (on a long post a copy costs about
    what a search does)."""
    key, lined = _LINED.last
    if key is not text:
        lined = "\n" + text
        _LINED.last = (text, lined)
    return cast("str", lined)


def _numbered_lines(text: str) -> tuple[bool, bool]:
    """Whether ``text`` has a ``1)`` line, and an ordered item right under a paragraph's line:
    one search for both (each line start it tries costs about as much as the whole test). Its
    two rewrites ask about one text: the last answer is kept."""
    key, found = _NUMBERED.last
    if key is not text:
        found = _numbered_lines_of(_lined(text))
        _NUMBERED.last = (text, found)
    return cast("tuple[bool, bool]", found)


def _numbered_lines_of(lined: str) -> tuple[bool, bool]:
    paren = interrupt = False
    for match in _NUMBERED_LINE.finditer(lined):
        if match.group(3) == ")":
            paren = True
        elif not interrupt and not match.group(2) and ">" not in match.group(1) and len(match.group(1)) < 4:
            interrupt = _is_text_line(lined[lined.rfind("\n", 0, match.start()) + 1 : match.start()])
        if paren and interrupt:
            break
    return paren, interrupt


def _is_text_line(line: str) -> bool:
    """A line that can open a paragraph: not blank, not a list item, quote, table row, heading,
    HTML or indented code."""
    stripped = line.lstrip()
    return bool(stripped) and stripped[0] not in ">|#<" and _indent(line) < 4 and _LIST_ITEM.match(line) is None


# ASCII punctuation that kramdown does not escape: "\," is a backslash and a comma to it
# each after an autolink's alternative: in <https://...> a backslash is text and "~" no strike,
# and in an HTML tag's attributes: what the post wrote is kept
_AUTOLINK = r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]{0,2000}>|</?[A-Za-z][A-Za-z0-9-]{0,100}(?:\s[^<>]{0,2000})?>|"
_FOREIGN_ESCAPE = _lazy(_AUTOLINK + r"(?<!\\)((?:\\\\)*)\\([%&,/;?@^])")
_ANY_FOREIGN_ESCAPE = _lazy(r"\\[%&,/;?@^]")  # what _FOREIGN_ESCAPE can rewrite: a search that skips ahead
_SINGLE_TILDE = _lazy(_AUTOLINK + r"(?<![~\\])~(?!~)|(?<![~\\])~{3,}")
# searched in "\n" + text: a colon opening a line with no space after it (no definition to
# kramdown), or a definition two blank lines or more under its term
_STRAY_COLON = _lazy(r"\n(?:( {0,3}):(?=[^- \t\n])|([ \t]*\n[ \t]*\n(?:[ \t]*\n)* {0,3}):(?=[ \t]))")
_DEFINITION = _lazy(r" {0,3}:[ \t]")
# an inline link's or image's destination with a space in it and no title: kramdown takes it whole
_SPACED_DESTINATION = _lazy(
    r"\]\([ \t]*([^\s()<>\"']+(?:[ \t]+[^\s()<>\"']+)+)((?:[ \t]+(?:\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'))?[ \t]*)\)"
)
# a heading's trailing attribute block; kramdown's is only " {#id}", an id starting with a letter
_HEADING_ATTRIBUTES = _lazy(r"^( {0,3}#{1,6}[ \t][^\n]*?|[^\n]*?)(\{[^{}\n]*\})[ \t#]*$")
_KRAMDOWN_HEADER_ID = _lazy(r"[ \t]\{#[A-Za-z][\w:-]*\}")
_SETEXT = _lazy(r"^ {0,3}(?:=+|-+)[ \t]*$")
_RULE_ITEM = _lazy(r" {0,3}[*+-][ \t]+\S")
_DASH_RUN = _lazy(r"-{4,}")
_SETEXT_DASHES = _lazy(r"-{2,}")  # a paragraph's underline that is its text: "---" an em dash, "--" an en dash
# searched in "\n" + text: a link definition whose URL has a space (and perhaps a title after it);
# a quote may stand in a word of the URL, not after its white space (kramdown's URL has none there)
_SPACED_DEFINITION = _lazy(
    r"(\n {0,3}\[(?!\^)[^\]\n]{1,999}\]:[ \t]*)([^\s<>]+(?:[ \t]+[^\s<>\"'][^\s<>]*)+)"
    r"((?:[ \t]+(?:\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'))?[ \t]*)(?=\n|$)"
)
# searched in "\n" + text
_BREAK_LINE_ANY = _lazy(r"\n {0,3}(?:([-*_])(?:[ \t]*\1){2,}|=+|-+)[ \t]*(?=\n|$)")
_BREAK_LINE = _lazy(r"^ {0,3}(?:([-*_])(?:[ \t]*\1){2,}|=+|-+)[ \t]*$")


def _kramdown_escapes(text: str) -> str:
    """A backslash before ``% & , / ; ? @ ^`` is text to kramdown (a TeX ``\\,`` stays);
    CommonMark would drop it: it gets a backslash of its own."""
    return _sub_in_prose(
        _FOREIGN_ESCAPE, lambda m: m.group(0) if m.group(2) is None else f"{m.group(1)}\\\\{m.group(2)}", text
    )


def _single_tildes(text: str) -> str:
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
            blanks = [m.start() for m in _BLANK_LINE.finditer(whole)]
        k = bisect_left(closers, end + 1)  # a close after one character of content at least
        b = bisect_left(blanks, end)
        if k == len(closers) or (b < len(blanks) and blanks[b] < closers[k]):
            return "\\~" * len(run)
        return extra + "~~"

    return _sub_in_prose(_SINGLE_TILDE, escape, text)


_TILDE_CLOSER = _lazy(r"[^\s~](?=~~)")


def _colon_opens_a_line(text: str) -> bool:
    """Whether a line starts with ``:`` after up to three spaces (what _STRAY_COLON needs): four
    substring searches, far cheaper than the pattern tried at every line."""
    return text.startswith((":", " :", "  :", "   :")) or any(f"\n{lead}:" in text for lead in ("", " ", "  ", "   "))


def _stray_colons(text: str) -> str:
    """``:x`` opening a line is text, not a definition (kramdown's needs a space after the
    colon), and so is ``: x`` under more than one blank line."""

    def escape(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return f"\n{match.group(1)}\\:"
        above = match.string[match.string.rfind("\n", 0, match.start()) + 1 : match.start()]
        if _DEFINITION.match(above):
            return match.group(0)  # the next definition of the same term
        return f"\n{match.group(2)}\\:"

    return _sub_in_prose(_STRAY_COLON, escape, "\n" + text)[1:]


# an autolink or an HTML tag with a bracket inside: its brackets are no link's
_BRACKETED_TAG = _lazy(
    r"<(?=[^<>]*[\[\]])(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]{0,2000}|/?[A-Za-z][A-Za-z0-9-]{0,100}(?:\s[^<>]{0,2000})?)>"
)
# in a link's parentheses: a parenthesis, or white space before a title's quote
_LINK_PAREN_STOP = _lazy(r"(\()|(\))|\s(?=[\"'])")
_LINK_TITLE = _lazy(r"\s*?([\"'])(.+?)\1\s*?\)", re.DOTALL)
_LINK_ANGLE_URL = _lazy(r"\(<(.*?)>", re.DOTALL)
# where kramdown's and CommonMark's readings of an inline link may part: white space or a
# parenthesis in its parentheses (a title, spaces, nested parentheses), or a "[" inside brackets
_ODD_TARGET = _lazy(r"\]\([^)\s\\]*[\s(\\]")
_NESTED_BRACKET = _lazy(r"\[[^\]\n]*\[")
_URL_CHARS = 4000  # a link's parentheses are looked into this far (kramdown's are far shorter)
_TITLE_CHARS = 200  # and an angle-bracketed URL or a title this far
_UNESCAPED_BRACKET = _lazy(r"(?<!\\)((?:\\\\)*)([\[\]])")


def _inline_links(text: str) -> str:
    """kramdown's inline links and images, ``[text](url "title")``, where CommonMark reads them
    otherwise. Brackets pair within their paragraph (an image's too); a link holds no link, so
    brackets in its text are text; the URL runs to the parenthesis that balances the first (it
    may hold spaces and parentheses), or to white space before a title, which must then be
    quoted, not empty, and followed by ``)``. Such a link is written in CommonMark's terms (its
    URL in ``<>``, its text's brackets escaped) when CommonMark would read it otherwise; an
    opening bracket kramdown reads as text is escaped."""
    pairs = _bracket_pairs(text)
    if not pairs:
        return text
    opens = sorted(pairs)
    starts = [at for at in opens if text.startswith("(", pairs[at] + 1)]  # a reference: as CommonMark
    images = [at for at in opens if text[at] == "!"]  # inline ones (in limits) and references
    blanks = [m.start() for m in _BLANK_LINE.finditer(text)]
    limits: dict[int, int] = {}  # where each link's parentheses must end: its paragraph's end, or before
    for start in starts:
        close = pairs[start]
        k = bisect_left(blanks, close)
        limits[start] = min(blanks[k] if k < len(blanks) else len(text), close + _URL_CHARS)
    parens = _Parens(text, [(pairs[start] + 1, limits[start]) for start in starts])
    pieces: list[str] = []
    pos = 0
    for start in starts:
        if start < pos:
            continue  # inside a link written out already
        close, limit = pairs[start], limits[start]
        bracket = start + 1 if text[start] == "!" else start
        link = parens.target(text, close + 1, limit)
        if link is None:
            pieces += [text[pos:bracket], "\\["]
            pos = bracket + 1
            continue
        url, title, end = link
        if "<" in url or ">" in url or "\n" in url or not _differs(text[bracket + 1 : close], url, title):
            continue  # as written, CommonMark reads what kramdown does (or no <> form could say it)
        inner = _link_text(text, bracket + 1, close, (pairs, images, limits), parens)
        target = url.replace("\\", "\\\\").replace("&", "&amp;")
        if target[:1] == "/":
            target = "\\" + target  # "</x>" would read as a close tag to the rewrites after this one
        titled = "" if title is None else ' "' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
        pieces += [text[pos:bracket], f"[{inner}](<{target}>{titled})"]
        pos = end
    return "".join(pieces) + text[pos:] if pieces else text


def _bracket_pairs(text: str) -> dict[int, int]:
    """Where each "[" (or "![") that may open a link is closed: brackets pair within their
    paragraph; one escaped (after an odd run of backslashes) or in a tag or autolink is text, and
    "[^" opens a footnote's mark. Found by literal searches (each skips ahead in C), not by one
    pattern tried at every character."""
    tags = [(m.start(), m.end()) for m in _BRACKETED_TAG.finditer(text)] if "<" in text else []
    events = sorted(
        [(m.start(), 1) for m in _OPEN_BRACKET.finditer(text)]
        + [(m.start(), 2) for m in _CLOSE_BRACKET.finditer(text)]
        + [(m.start(), 0) for m in _BLANK_LINE.finditer(text)]
    )
    if len(events) > 3 * MAX_REWRITES:
        raise PostRejected(
            f"the body has more than {MAX_REWRITES:,} places for one kramdown rewrite (links);"
            " postdrop reads no more in one post"
        )
    pairs: dict[int, int] = {}
    opens: list[int] = []
    for at, kind in events:
        if kind == 0:
            opens.clear()  # a paragraph's end
            continue
        if _escaped(text, at):
            continue
        if tags:
            k = bisect_left(tags, (at + 1, 0)) - 1
            if k >= 0 and tags[k][0] < at < tags[k][1]:
                continue  # in a tag
        if kind == 1:
            footnote = text.startswith("^", at + 1)
            image = at > 0 and text[at - 1] == "!" and not _escaped(text, at - 1)
            opens.append(-1 if footnote else at - 1 if image else at)
        elif opens:
            start = opens.pop()
            if start >= 0:
                pairs[start] = at
    return pairs


def _escaped(text: str, at: int) -> bool:
    """Whether ``text[at]`` is escaped: an odd run of backslashes before it."""
    back = at
    while back > 0 and text[back - 1] == "\\":
        back -= 1
    return (at - back) % 2 == 1


_OPEN_BRACKET = _lazy(r"\[")
_CLOSE_BRACKET = _lazy(r"\]")


def _link_text(
    text: str, start: int, end: int, found: tuple[dict[int, int], list[int], dict[int, int]], parens: _Parens
) -> str:
    """A link's text, ``text[start:end]``, for CommonMark: its brackets escaped (a link holds no
    link: they are text to kramdown), but for the images in it, kept as written (a reference
    image too). ``found``: the bracket pairs, where images open (in order) and where each inline
    one's parentheses must end."""
    pairs, images, limits = found
    pieces: list[str] = []
    pos = start
    for at in images[bisect_left(images, start) : bisect_left(images, end)]:
        if at < pos:
            continue
        if at in limits:  # an inline image: to its parentheses' close
            image = parens.target(text, pairs[at] + 1, limits[at])
            image_end = None if image is None else image[2]
        else:  # a reference image: "![alt][ref]", "![alt][]" or "![alt]", kept for CommonMark to resolve
            image_end = pairs[at] + 1
            if image_end in pairs:
                image_end = pairs[image_end] + 1
            elif text.startswith("[]", image_end):
                image_end += 2
        if image_end is None or image_end > end:
            continue
        pieces += [_escape_brackets(text[pos:at]), text[at:image_end]]
        pos = image_end
    return "".join(pieces) + _escape_brackets(text[pos:end])


def _escape_brackets(text: str) -> str:
    return _UNESCAPED_BRACKET.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text) if "[" in text or "]" in text else text


class _Parens:
    """Where each "(" of a text is closed, and where white space stands before a quote: what
    kramdown's reading of a link's parentheses stops at, found once for the whole text (each
    link's own scan would make a text of many unclosed ones quadratic)."""

    def __init__(self, text: str, windows: list[tuple[int, int]]) -> None:
        """``windows``: the stretches of text that links' parentheses may span."""
        self.closes: dict[int, int] = {}
        self.quotes: list[int] = []
        merged: list[list[int]] = []
        for start, end in sorted(windows):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            opened: list[int] = []
            for stop in _LINK_PAREN_STOP.finditer(text, start, end):
                if stop.group(1) is not None:
                    opened.append(stop.start())
                elif stop.group(2) is not None:
                    if opened:
                        self.closes[opened.pop()] = stop.start()
                else:
                    self.quotes.append(stop.start())

    def target(self, text: str, at: int, limit: int) -> tuple[str, str | None, int] | None:
        """kramdown's reading of the parentheses at ``at``: (url, title, the end), or None when
        they make no link before ``limit``: to the parenthesis that closes the first, or to
        white space before a quote, a title then following."""
        near = min(limit, at + _TITLE_CHARS)
        angle = _LINK_ANGLE_URL.match(text, at, near)
        if angle is not None:
            url, pos = angle.group(1), angle.end()
            if text.startswith(")", pos):
                return url, None, pos + 1
        else:
            close = self.closes.get(at, limit)
            k = bisect_left(self.quotes, at)
            quote = self.quotes[k] if k < len(self.quotes) else limit
            if close < quote and close < limit:
                return text[at + 1 : close].strip(), None, close + 1
            if quote >= limit:
                return None
            url, pos = text[at + 1 : quote].strip(), quote + 1
        title = _LINK_TITLE.match(text, pos, min(limit, pos + _TITLE_CHARS))
        return None if title is None else (url, title.group(2), title.end())


def _differs(inner: str, url: str, title: str | None) -> bool:
    """Whether CommonMark may read ``[inner](url "title")`` as written otherwise than kramdown:
    brackets in the text, white space, parentheses or a backslash (no escape to kramdown there) in
    the URL, quotes in the title."""
    if "[" in inner or "]" in inner or any(ch in url for ch in " \t()\\"):
        return True
    return title is not None and any(ch in title for ch in "\"'\n")


def _spaced_destinations(text: str) -> str:
    """``[a](with spaces.html)`` and ``[id]: with spaces.html``: kramdown's links; CommonMark's
    only with the destination in ``<>``."""
    if "](" in text:
        text = _sub_in_prose(_SPACED_DESTINATION, lambda m: f"](<{m.group(1)}>{m.group(2)})", text)
    if "]:" in text:
        text = _sub_in_prose(_SPACED_DEFINITION, lambda m: f"{m.group(1)}<{m.group(2)}>{m.group(3)}", "\n" + text)[1:]
        if "]:" in text and _BRACKETED_DEFINITION.search("\n" + text) is not None:
            text = _sub_in_prose(_BRACKETED_DEFINITION, _bracketed_definition, "\n" + text)[1:]
    return text


# searched in "\n" + text: a link definition whose URL opens with "<" (and perhaps a title after it)
_BRACKETED_DEFINITION = _lazy(
    r"(\n {0,3}\[(?!\^)[^\]\n]{1,999}\]:[ \t]*)(<[^\n]*?)"
    r"((?:[ \t]+(?:\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'))?[ \t]*)(?=\n|$)"
)
_ANGLE_URL = _lazy(r"<[^<>\n]*>")


def _bracketed_definition(match: re.Match[str]) -> str:
    """``[//]: <>### note``: kramdown's URL in ``<>`` is one only when white space (or a title)
    follows it; else the URL is the whole rest of the line, and the line a definition still
    (CommonMark read a paragraph): that URL, in ``<>`` with its own brackets escaped."""
    head, url, tail = match.groups()
    angle = _ANGLE_URL.match(url)
    if angle is not None and angle.end() == len(url):
        return match.group(0)
    escaped = url.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")
    return f"{head}<{escaped}>{tail}"


def _kramdown_dashes(match: re.Match[str]) -> str:
    """A run of dashes as kramdown's typography writes it: em dashes from the left, then an en
    dash for two left over (pulldown-cmark spreads a long run differently)."""
    ems, rest = divmod(len(match.group(0)), 3)
    return "—" * ems + ("–" if rest == 2 else "-" * rest)


def _long_dashes(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
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


def _paragraph_breaks(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
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
        if run and _BREAK_LINE.match(line) and not _RULE_ITEM.match(line):  # "* * *" ends it: a list's start
            setext = set(line.strip()) <= {"="} or set(line.strip()) <= {"-"}
            if setext and run == 1:
                # kramdown's underline stands at its block's margin (a list item's text column):
                # a lazy line at the page's margin under an item's line underlines the item's
                # heading (CommonMark would open an item, a rule or go on with the text); one
                # indented otherwise is the paragraph's text (CommonMark's underline may be)
                indent = _indent(line)
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
        item = _ITEM_MARKER.match(content)
        item_column = 0
        if item is not None:  # an item's line opens its paragraph (a list ends the one above: GFM's)
            run = 1 if _is_text_line(content[item.end() :]) and not _BREAK_LINE.match(content) else 0
            if run and not quoted:
                item_column = len(item.group(0).expandtabs(4))
        else:
            run = run + 1 if (run or (_is_text_line(content) and not _BREAK_LINE.match(content))) else 0
        out.append(line)
    return out, code


def _near_content_column(lines: list[str], code: list[bool], i: int, indent: int) -> int:
    """_content_column looking back LOOK_BACK lines at most (a post of many underlined lines
    reads each one's holder in bounded time)."""
    low = max(0, i - LOOK_BACK)
    return _content_column(lines[low : i + 1], code[low : i + 1], i - low, indent)


def _break_line_under_text(text: str) -> bool:
    """Whether a rule line or setext underline stands right under a line that is not blank: where
    _paragraph_breaks may have work (a rule between blank lines, the common one, needs none)."""
    lined = _lined(text)
    for match in _BREAK_LINE_ANY.finditer(lined):
        above = lined.rfind("\n", 0, match.start()) + 1
        if _NON_SPACE.search(lined, above, match.start()) is not None:
            return True
    return False


_NON_SPACE = _lazy(r"\S")


def _heading_attributes(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """A heading's ``{...}`` that is not kramdown's `` {#id}`` is text to kramdown: its brace
    written as a character reference, so that pulldown-cmark takes no id, class or attribute."""
    out = list(lines)
    for i, line in enumerate(lines):
        if code[i] or not line.endswith(("}", "} ", "}#", "#")) or "{" not in line:
            continue
        atx = line.lstrip(" ").startswith("#")
        setext = not atx and i + 1 < len(lines) and not code[i + 1] and _SETEXT.match(lines[i + 1]) is not None
        match = _HEADING_ATTRIBUTES.match(line) if atx or setext else None
        if match is None:
            continue
        head, block = match.group(1), match.group(2)
        if _KRAMDOWN_HEADER_ID.fullmatch(head[-1:] + block) and len(head.strip(" #")) > 0:
            continue
        out[i] = f"{head}&#123;{line[len(head) + 1 :]}"  # pulldown-cmark reads "\\{" as attributes too
    return out, code


_EMAIL_AUTOLINK = _lazy(r"<(mailto:)?([^\s<>@()\[\]\\]+@[^\s<>@()\[\]\\]+)>")
# kramdown's URL autolink runs to the first ">" on its line, spaces and all (CommonMark's has none)
_URL_AUTOLINK = _lazy(r"(?<!\]\()<(mailto:|https?:|ftps?:)([^<>\n]+)>")  # not a link's "](<url>)"
_SPACED_AUTOLINK = _lazy(r"<(?:mailto|https?|ftps?):[^<>\n \t]*[ \t]")  # the test that one holds a space
_DEFINITION_HEAD = _lazy(r" {0,3}\[(?!\^)[^\]\n]{1,999}\]:[ \t]*")  # a link definition's line, to its URL
_ENTITY_AUTOLINK = _lazy(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*&[^\s<>]*)>")
_MARKDOWN_SPECIAL = _lazy(r"([\\`*_\[\]<>&!])")


def _autolinks(text: str) -> str:
    """kramdown's autolinks where CommonMark's differ: an e-mail address shows without its
    ``mailto:`` and may be non-ASCII; character references in a URL are read in its text; a URL
    (``http(s)``, ``ftp(s)``, ``mailto``) may hold spaces, to the first ``>`` on its line."""

    def email(match: re.Match[str]) -> str:
        address = match.group(2)
        if match.group(1) is None and address.isascii():
            return match.group(0)  # CommonMark's e-mail autolink already
        return f"[{_MARKDOWN_SPECIAL.sub(r'\\\1', address)}](<mailto:{address}>)"

    def entities(match: re.Match[str]) -> str:
        import html  # noqa: PLC0415 - only posts with such a link come here

        shown = html.unescape(match.group(1))
        return f"[{_MARKDOWN_SPECIAL.sub(r'\\\1', shown)}](<{match.group(1)}>)"

    def spaced(match: re.Match[str]) -> str:
        scheme, rest = match.groups()
        if " " not in rest and "\t" not in rest:
            return match.group(0)  # CommonMark's autolink, or an e-mail one (below)
        whole = match.string
        if _DEFINITION_HEAD.fullmatch(whole, whole.rfind("\n", 0, match.start()) + 1, match.start()) is not None:
            return match.group(0)  # a link definition's URL (in "<>", spaces and all): no autolink
        shown = rest if scheme == "mailto:" else scheme + rest
        url = (scheme + rest).replace("\\", "\\\\")
        return f"[{_MARKDOWN_SPECIAL.sub(r'\\\1', shown)}](<{url}>)"

    if ("<http" in text or "<ftp" in text or "<mailto:" in text) and _SPACED_AUTOLINK.search(text) is not None:
        text = _sub_in_prose(_URL_AUTOLINK, spaced, text)
    if "@" in text:
        text = _sub_in_prose(_EMAIL_AUTOLINK, email, text)
    if "&" in text:
        text = _sub_in_prose(_ENTITY_AUTOLINK, entities, text)
    return text


# CommonMark's autolink of a scheme kramdown has no autolink for (std::vector<std::string>: kramdown
# reads "<std::string>" as no tag either, so as text); not a link's "](<url>)"
# ("<" first: a literal re skips ahead to, where a look-behind first is tried at every character)
_FOREIGN_AUTOLINK = _lazy(r"<(?<!\]\(<)(?!(?:mailto|https?|ftps?):)[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\x00-\x20<>]*>")


def _foreign_autolinks(text: str) -> str:
    """``<scheme:...>`` with a scheme other than kramdown's (``http(s)``, ``ftp(s)``, ``mailto``):
    text, its ``<`` escaped (a link definition's URL in ``<>`` stays)."""

    def escape(match: re.Match[str]) -> str:
        whole = match.string
        if _DEFINITION_HEAD.fullmatch(whole, whole.rfind("\n", 0, match.start()) + 1, match.start()) is not None:
            return match.group(0)
        return "\\" + match.group(0)

    return _sub_in_prose(_FOREIGN_AUTOLINK, escape, text)


_DEFINITION_LABEL = _lazy(r"^ {0,3}\[(?!\^)([^\]\n]{1,999})\]:", re.MULTILINE)
_SPACED_REFERENCE = _lazy(r"((?<!\\)\[[^\[\]\n]{1,999}(?<!\\)\])(?:[ \t]+\n?|\n)[ \t]*\[([^\[\]\n]{1,999})\]")


def _spaced_references(text: str) -> str:
    """``[text] [id]``: kramdown allows white space (a line break too) between a link's text and
    its reference; CommonMark does not. Joined where ``id`` is defined."""
    labels = {" ".join(label.lower().split()) for label in _DEFINITION_LABEL.findall(text)}
    if not labels:
        return text

    def join(match: re.Match[str]) -> str:
        if " ".join(match.group(2).lower().split()) not in labels:
            return match.group(0)
        return f"{match.group(1)}[{match.group(2)}]"

    return _sub_in_prose(_SPACED_REFERENCE, join, text)


# searched in "\n" + text: a link definition's label with nothing after its colon on the line (in
# a quote or an item too): kramdown's definition has its URL on its first line
_EMPTY_DEFINITION = _lazy(r"(\n[ \t>]*\[(?!\^)[^\]\n]{1,999}\]):(?=[ \t]*\n)")
_EMPTY_LABEL_END = _lazy(r"\]:[ \t]*(?:\n|$)")  # the test for one: a literal first, re skips ahead


def _empty_definitions(text: str) -> str:
    """``[id]:`` with its URL on the next line is no link definition to kramdown, but text of a
    paragraph; CommonMark's may go on on the next line. Its colon escaped, both read text."""
    return _sub_in_prose(_EMPTY_DEFINITION, lambda match: f"{match.group(1)}\\:", "\n" + text + "\n")[1:-1]


def _shadowed_definitions(text: str) -> str:
    """Of two link definitions with one label, kramdown keeps the last, CommonMark the first: the
    earlier ones get a label no reference has (a definition is never shown). Only definitions
    that open a block are definitions to either reader; one in a paragraph is its text."""
    found: dict[str, list[re.Match[str]]] = {}
    for match in _DEFINITION_LABEL.finditer(text):
        found.setdefault(" ".join(match.group(1).lower().split()), []).append(match)
    shadowed = []
    for matches in found.values():
        if len(matches) < 2:
            continue
        read = [m for m in matches if after_definition(text, m.start())]
        shadowed += [m.start(1) for m in read[:-1]]
    if not shadowed:
        return text
    pieces, pos = [], 0
    for at in sorted(shadowed):
        pieces += [text[pos:at], "\u2063shadowed\u2063"]
        pos = at
    return "".join(pieces) + text[pos:]


_XML_MARKUP = _lazy(r"<(?=\?|!\[CDATA\[)")


def _xml_markup(text: str) -> str:
    """A processing instruction (``<? ... ?>``) or a CDATA section is text to kramdown, and
    Markdown inside it is read; CommonMark would pass it on as raw HTML."""
    return _sub_in_prose(_XML_MARKUP, lambda _m: "&lt;", text)


# Each rewrite with the test of the whole source that says it has work to do: a substring
# test first, then at most one search, so a post with none of these constructs pays for none.
_TEXT_REWRITES: tuple[tuple[Callable[[str], bool], Callable[[str], str]], ...] = (
    (lambda text: "{:" in text or ("*[" in text and _ABBREVIATION.search(_lined(text)) is not None), _drop_attributes),
    (lambda text: "[^" in text and _FOREIGN_FOOTNOTE.search(text) is not None, _foreign_footnotes),
    (lambda text: "](" in text and "[^" in text and _MARK_BEFORE_PAREN.search(text) is not None, _marks_before_parens),
    (lambda text: "<<" in text or ">>" in text, _guillemets),
    (lambda text: "*" in text and ("_" in text or _has_cjk_delimiter(text)), _emphasis),
    (lambda text: "\\\\\n" in text, _line_breaks),
    (lambda text: "\n^" in text or text.startswith("^"), _end_of_blocks),
    (lambda text: "#" in text and _EMPTY_HEADING.search(_lined(text)) is not None, _empty_headings),
    (lambda text: _BARE_MARKER.search("\n\n" + text[:12] + "\n") is not None or _has_bare_marker(text), _bare_markers),
    (lambda text: _numbered_lines(text)[0], _paren_items),
    (lambda text: "\\" in text and _ANY_FOREIGN_ESCAPE.search(text) is not None, _kramdown_escapes),
    (lambda text: "~" in text and _SINGLE_TILDE.search(text) is not None, _single_tildes),
    (lambda text: _colon_opens_a_line(text) and _STRAY_COLON.search(_lined(text)) is not None, _stray_colons),
    (
        lambda text: "](" in text and (_ODD_TARGET.search(text) or _NESTED_BRACKET.search(text)) is not None,
        _inline_links,
    ),
    (lambda text: "](" in text or "]:" in text, _spaced_destinations),
    (lambda text: "<" in text and ("@" in text or "&" in text or "<http" in text or "<ftp" in text), _autolinks),
    (lambda text: "<" in text and ":" in text and _FOREIGN_AUTOLINK.search(text) is not None, _foreign_autolinks),
    (lambda text: "]:" in text and _EMPTY_LABEL_END.search(text) is not None, _empty_definitions),
    (lambda text: "]:" in text and _SPACED_REFERENCE.search(text) is not None, _spaced_references),
    (lambda text: text.count("]:") > 1, _shadowed_definitions),
    (lambda text: "<?" in text or "<![CDATA[" in text, _xml_markup),
    (
        lambda text: (
            "<" in text
            and (
                "</" in text
                or _BLOCK_TAG_IN_CELL.search(text) is not None
                or UNQUOTED_VALUE.search(text) is not None
                or DOTTED_TAG.search(text) is not None
                or UNCLOSED_SPAN.search(text) is not None
            )
        ),
        text_tags,
    ),
)
# The rarer block constructs, read line by line.
_LINE_REWRITES: tuple[tuple[Callable[[str], bool], Callable[..., tuple[list[str], list[bool]]]], ...] = (
    (lambda _text: False, _lines_under_item_code),  # (run where opaque.py put an item's fence: _rewrite)
    (
        lambda text: _has_quote_line(text) and _QUOTE_UNDER_ITEM_ANY.search(_lined(text)) is not None,
        _quotes_under_items,
    ),
    (lambda text: ">" in text and _LAZY_QUOTE_LINE_ANY.search(_lined(text)) is not None, _lazy_quote_lines),
    (lambda text: "markdown" in text and _MARKDOWN_ATTR_ANY.search(text) is not None, _markdown_in_html),
    (lambda text: "<" in text and _SPAN_TAG_LINE_ANY.search(_lined(text)) is not None, _span_tag_lines),
    (lambda text: "<" in text and _VOID_TAG_LINE_ANY.search(_lined(text)) is not None, _void_tag_lines),
    (lambda text: "|" in text, _tables),
    (lambda text: ("\t" in text or "     " in text) and _WIDE_ITEM_ANY.search(_lined(text)) is not None, _wide_items),
    (
        lambda text: (
            _BULLET_LINE_ANY.search(_lined(text)) is not None and _ORDERED_LINE_ANY.search(_lined(text)) is not None
        ),
        _lazy_items,
    ),
    (lambda text: "#" in text and _SHIFTED_HEADING_ANY.search(_lined(text)) is not None, _shifted_headings),
    (lambda text: " #" in text and _HEADING_ITEM_ANY.search(_lined(text)) is not None, _heading_items),
    (lambda text: _numbered_lines(text)[1], _ordered_items),
    (_break_line_under_text, _paragraph_breaks),
    (lambda text: "{" in text and ("#" in text or "==" in text or "--" in text), _heading_attributes),
    (lambda text: "----" in text, _long_dashes),
)
