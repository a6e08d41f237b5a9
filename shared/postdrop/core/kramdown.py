"""kramdown, the Markdown Jekyll renders, read on CommonMark.

postdrop renders Markdown with pulldown-cmark (pyromark). Its options give most of what
kramdown adds to CommonMark: footnotes (definitions written ``[^1]: <https://...>`` too),
``$$`` math (kept as TeX source), heading IDs ``{#id}``, definition lists, GFM task lists
and typographic quotes and dashes. What they do not give is handled here, on the Markdown source, outside
fenced code:

- attribute lists (``{: .class}``, ``{:toc}``, span IALs after a link or image) and the
  extensions ``{::options /}``, ``{::comment}``, ``{::nomarkdown}``: removed, their
  content kept where kramdown keeps it. A ``{:toc}`` list is navigation: dropped whole.
- abbreviation definitions (``*[CSS]: Cascading Style Sheets``): removed (the text keeps
  the abbreviation, as kramdown's ``<abbr>`` does).
- ``markdown="1"`` on an HTML block: its content is read as Markdown.
- an HTML block with blank lines inside stays one HTML block (CommonMark would end it at the
  first blank line and read the rest as Markdown or indented code).
- a table with no header row is a table.
- emphasis next to CJK text: ``**免责声明：**我之前`` is bold, as kramdown reads it; CommonMark's
  flanking rule cannot close ``**`` after punctuation that a CJK letter follows.
- a single ``$`` is a dollar sign: kramdown's math is only ``$$...$$``.

Each rewrite runs only when the source has the characters it looks for, so the first
producer's HTML-in-Markdown posts pay for none of them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import pyromark

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["render_kramdown", "to_commonmark"]

_BASE = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_HEADING_ATTRIBUTES
    | pyromark.Options.ENABLE_DEFINITION_LIST
    | pyromark.Options.ENABLE_SMART_PUNCTUATION
    | pyromark.Options.ENABLE_TASKLISTS
)
_WITH_MATH = _BASE | pyromark.Options.ENABLE_MATH
_INLINE_MATH = re.compile(r'<span class="math math-inline">(.*?)</span>', re.DOTALL)

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_EXTENSION_OPEN = re.compile(r"\{::(comment|nomarkdown)\b[^}\n]{0,200}\}")
_OPTIONS = re.compile(r"\{::options\b[^}]*/\}")
_BLOCK_IAL = re.compile(r"^ {0,3}\{:(?!:)[^}\n]*\}[ \t]*$")
_SPAN_IAL = re.compile(r"\{:(?![:/])[^}\n]{0,200}\}")
_TOC_ITEM = re.compile(r"^ {0,3}(?:[*+-]|\d+\.)[ \t]+TOC[ \t]*$")
_ABBREVIATION = re.compile(r"^ {0,3}\*\[[^\]\n]+\]:.*$")
_MARKDOWN_ATTR = re.compile(
    r"^(?P<indent> {0,3})<(?P<tag>[A-Za-z][A-Za-z0-9-]*)(?P<before>[^>]*?)\s+markdown\s*=\s*"
    r"(?P<q>[\"']?)(?:1|block|span)(?P=q)(?P<after>[^>]*)>(?P<rest>.*)$"
)
# CommonMark's type-6 HTML blocks: they end at a blank line; kramdown reads the element whole.
_BLOCK_TAGS = (
    "address|article|aside|blockquote|center|details|dialog|dd|div|dl|dt|fieldset|figcaption|figure|footer|"
    "form|header|hr|li|main|nav|ol|p|section|summary|table|tbody|td|tfoot|th|thead|tr|ul"
)
_HTML_BLOCK_OPEN = re.compile(rf"^ {{0,3}}<({_BLOCK_TAGS})(?=[\s/>]|$)", re.IGNORECASE | re.MULTILINE)
_BLANK_LINE = re.compile(r"\n(?:[ \t]*\n)+")
_TABLE_ROW = re.compile(r"^ {0,3}\|")
_DELIMITER_ROW = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:[|+][ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
# The inline rewrites look this far along a line for a closing delimiter, so a hostile line of
# openers costs linear time, not quadratic. kramdown's spans are far shorter.
_SPAN = 400
_LIST_ITEM = re.compile(r"^ {0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
_HEADING_ITEM = re.compile(r"^( {0,3}(?:[*+-]|\d{1,9}[.)]) +)#{1,6}[ \t]")
_CODE_ELEMENT = re.compile(rf"<code\b[^>\n]{{0,200}}>.{{0,{_SPAN}}}?</code>", re.IGNORECASE)
_GUILLEMET = re.compile(r"(?<!<)<<(?=[^\s<])|(?<=[^\s>])>>(?!>)")
# An emphasis pair with no asterisk inside: each opener is tried only as far as the next
# asterisk, so a line of openers costs linear time.
_SAME_KIND = re.compile(r"(?<![*\\])(\*\*|\*)(?![\s*])([^*\n]+?)(?<![\s\\])\1(?!\*)")
_EMPHASIS = _SAME_KIND


def render_kramdown(markdown: str) -> str:
    """kramdown Markdown to HTML; raw HTML passes through (it is sanitized later)."""
    source = to_commonmark(markdown)
    if "$$" not in source:
        return pyromark.html(source, options=_BASE)
    html = pyromark.html(source, options=_WITH_MATH)
    # pulldown-cmark reads $x$ as math too; kramdown does not: give those their dollars back.
    return _INLINE_MATH.sub(r"$\1$", html) if "math-inline" in html else html


def to_commonmark(markdown: str) -> str:
    """The kramdown constructs CommonMark lacks, rewritten (or removed) in the source."""
    if "{:" in markdown:
        markdown = _OPTIONS.sub("", _extension_blocks(markdown))
    lines = markdown.split("\n")
    code = _code_lines(lines)
    if "{:" in markdown or "*[" in markdown:
        lines, code = _drop_attribute_lines(lines, code)
    if "markdown" in markdown:
        lines, code = _markdown_in_html(lines, code)
    if "|" in markdown:
        lines, code = _headerless_tables(lines, code)
    if "#" in markdown:
        lines = _heading_items(lines, code)
    inline = [rewrite for trigger, rewrite in _INLINE_REWRITES if trigger(markdown)]
    if inline:
        lines = [line if is_code else _rewrite_inline(line, inline) for line, is_code in zip(lines, code, strict=True)]
    text = "\n".join(lines)
    if "<" in text and _BLANK_LINE.search(text):
        text = _join_html_blocks(text)
    return text


def _rewrite_inline(line: str, rewrites: list[Callable[[str], str]]) -> str:
    for rewrite in rewrites:
        line = rewrite(line)
    return line


def _extension_blocks(text: str) -> str:
    """``{::comment}...{:/comment}`` removed; ``{::nomarkdown}...{:/nomarkdown}`` its content.
    One pass: an extension never closed is left as it is, and the search stops there."""
    out: list[str] = []
    pos = 0
    while (match := _EXTENSION_OPEN.search(text, pos)) is not None:
        name = match.group(1)
        ends = [(i, len(mark)) for mark in (f"{{:/{name}}}", "{:/}") if (i := text.find(mark, match.end())) >= 0]
        if not ends:
            break
        end, size = min(ends)
        out += [text[pos : match.start()], text[match.end() : end] if name == "nomarkdown" else ""]
        pos = end + size
    return "".join(out) + text[pos:] if out else text


def _code_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it is code: inside (or a fence of) a fenced code block, or an
    indented code block (four spaces after a blank line, outside a list)."""
    flags: list[bool] = []
    fence = ""
    blank_before, in_list, indented = True, False, False
    for line in lines:
        if fence:
            flags.append(True)
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = ""
            continue
        blank = not line.strip()
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        if indented and (blank or indent >= 4):
            flags.append(True)
            continue
        indented = False
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
            flags.append(True)
        elif not blank and indent >= 4 and blank_before and not in_list:
            indented = True
            flags.append(True)
        else:
            if _LIST_ITEM.match(line):
                in_list = True
            elif not blank and indent == 0 and blank_before:
                in_list = False
            flags.append(False)
        blank_before = blank
    return flags


def _drop_attribute_lines(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    out: list[str] = []
    flags: list[bool] = []
    for line, is_code in zip(lines, code, strict=True):
        if is_code:
            out.append(line)
            flags.append(True)
            continue
        if _ABBREVIATION.match(line):
            continue
        if _BLOCK_IAL.match(line):
            if "toc" in line and out and _TOC_ITEM.match(out[-1]):
                out.pop()
                flags.pop()
            continue
        out.append(_outside_code_spans(line, _drop_span_ials) if "{:" in line else line)
        flags.append(False)
    return out, flags


def _drop_span_ials(text: str) -> str:
    return _SPAN_IAL.sub("", text)


def _outside_code_spans(line: str, rewrite: Callable[[str], str]) -> str:
    """``rewrite`` applied to the parts of ``line`` outside backtick code spans."""
    if "`" not in line:
        return rewrite(line)
    parts = re.split(r"(`+[^`]*?`+)", line)
    return "".join(part if i % 2 else rewrite(part) for i, part in enumerate(parts))


def _markdown_in_html(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """``<div markdown="1">`` ... ``</div>``: blank lines around the content make CommonMark end
    the HTML block and read the content as Markdown, as kramdown does."""
    out: list[str] = []
    flags: list[bool] = []
    closing: list[str] = []  # the close tags still awaited, innermost last
    for line, is_code in zip(lines, code, strict=True):
        match = None if is_code else _MARKDOWN_ATTR.match(line)
        if closing and not is_code and line.strip().lower().startswith(f"</{closing[-1]}"):
            out += ["", line.strip(), ""]
            flags += [False, False, False]
            closing.pop()
            continue
        if match is None:
            out.append(line.strip() if closing and not is_code else line)
            flags.append(is_code)
            continue
        tag = match["tag"]
        # the attribute stays (the sanitizer drops it): it tells _join_html_blocks to keep the blank lines
        out += [f'<{tag}{match["before"]} markdown="1"{match["after"]}>', ""]
        flags += [False, False]
        rest = match["rest"]
        if rest.strip():
            close = rest.lower().rfind(f"</{tag.lower()}")
            if close >= 0:
                out += [rest[:close], "", rest[close:], ""]
                flags += [False] * 4
                continue
            out.append(rest)
            flags.append(False)
        closing.append(tag.lower())
    return out, flags


def _join_html_blocks(text: str) -> str:
    """Remove the blank lines inside a block-level HTML element that starts a line, so it stays
    one HTML block. An element with ``<pre>`` or ``<textarea>`` inside keeps its lines."""
    pieces: list[str] = []
    pos = 0
    for match in _HTML_BLOCK_OPEN.finditer(text):
        if match.start() < pos:
            continue
        end = _element_end(text, match.start(), match.group(1).lower())
        if end is None:
            break  # never closed: nor is anything after it joined (one scan, not one per line)
        element = text[match.start() : end]
        if not _BLANK_LINE.search(element) or re.search(r"<(?:pre|textarea)\b|markdown\s*=", element, re.IGNORECASE):
            continue
        pieces += [text[pos : match.start()], _BLANK_LINE.sub("\n", element)]
        pos = end
    if not pieces:
        return text
    return "".join(pieces) + text[pos:]


def _element_end(text: str, start: int, tag: str) -> int | None:
    """The end of the element opened at ``start``: after its matching close tag."""
    depth = 0
    for match in _tag_pattern(tag).finditer(text, start):
        if match.group(1):
            depth -= 1
            if depth == 0:
                return match.end()
        elif not match.group(0).endswith("/>"):
            depth += 1
    return None


@cache
def _tag_pattern(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){tag}(?=[\s/>])[^>]*>", re.IGNORECASE)


def _headerless_tables(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
    """kramdown reads ``| a | b |`` lines with no delimiter row as a table of body rows; GFM
    needs a header row: give it an empty one."""
    out: list[str] = []
    flags: list[bool] = []
    i = 0
    while i < len(lines):
        starts_block = i == 0 or not lines[i - 1].strip()
        if code[i] or not starts_block or not _TABLE_ROW.match(lines[i]):
            out.append(lines[i])
            flags.append(code[i])
            i += 1
            continue
        j = i
        while j < len(lines) and not code[j] and _TABLE_ROW.match(lines[j]):
            j += 1
        rows = lines[i:j]
        if not any(_DELIMITER_ROW.match(row) for row in rows):
            cells = max(1, len(rows[0].strip().strip("|").split("|")))
            out += ["|" + " |" * cells, "|" + "---|" * cells]
            flags += [False, False]
        out += rows
        flags += [False] * len(rows)
        i = j
    return out, flags


def _heading_items(lines: list[str], code: list[bool]) -> list[str]:
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
    return out


def _code_element_backticks(line: str) -> str:
    """Backticks inside an inline ``<code>`` element are its text (kramdown reads the element
    as HTML); CommonMark would start code spans with them."""
    return _CODE_ELEMENT.sub(lambda m: m.group(0).replace("`", "&#96;"), line)


def _guillemets(line: str) -> str:
    """kramdown's typographic ``<<`` and ``>>`` (not a blockquote's ``>>``)."""
    return _outside_code_spans(line, lambda part: _GUILLEMET.sub(lambda m: "«" if m.group(0) == "<<" else "»", part))


def _nested_emphasis(line: str) -> str:
    """kramdown does not nest emphasis in emphasis of its kind: in ``*does _not_ work*`` and
    ``**does __not__ work**`` the inner delimiters are text."""
    return _outside_code_spans(line, lambda part: _SAME_KIND.sub(_escape_inner, part))


def _escape_inner(match: re.Match[str]) -> str:
    outer, inner = match.group(1), match.group(2)
    twin = "__" if len(outer) == 2 else "_"
    pattern = rf"(?<![\w_]){re.escape(twin)}(?!_)(\S(?:.*?\S)?){re.escape(twin)}(?![\w_])"
    escaped = re.sub(pattern, lambda m: "\\_" * len(twin) + m.group(1) + "\\_" * len(twin), inner)
    return outer + escaped + outer


def _cjk_emphasis(line: str) -> str:
    """``*``/``**`` pairs that CommonMark leaves literal only because a CJK letter sits
    against punctuation at a delimiter, written as the HTML kramdown gives them."""
    if "*" not in line or not _CJK.search(line):
        return line
    return _outside_code_spans(line, lambda part: _EMPHASIS.sub(_cjk_pair, part))


def _cjk_pair(match: re.Match[str]) -> str:
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
    cjk_edge = (opens or _CJK.match(before) or _CJK.match(inner[0])) and (
        closes or _CJK.match(after) or _CJK.match(inner[-1])
    )
    if not cjk_edge:
        return match.group(0)
    tag = "strong" if delimiter == "**" else "em"
    return f"<{tag}>{inner}</{tag}>"


def _is_punctuation(ch: str) -> bool:
    import unicodedata  # noqa: PLC0415 - only lines with CJK and * come here

    return unicodedata.category(ch)[0] in "PS"


# Rewrites inside a line of text (never code), each with the test of the source that needs it.
_INLINE_REWRITES: tuple[tuple[Callable[[str], bool], Callable[[str], str]], ...] = (
    (lambda text: "<code" in text and "`" in text, _code_element_backticks),
    (lambda text: "<<" in text or ">>" in text, _guillemets),
    (lambda text: "*" in text and "_" in text, _nested_emphasis),
    (lambda text: "*" in text and _CJK.search(text) is not None, _cjk_emphasis),
)
