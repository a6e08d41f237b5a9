"""kramdown, the Markdown Jekyll renders, read on CommonMark.

postdrop renders Markdown with pulldown-cmark (pyromark). Its options give most of what
kramdown adds to CommonMark: footnotes (definitions written ``[^1]: <https://...>`` too),
``$$`` math (kept as TeX source), heading IDs ``{#id}``, definition lists and typographic
quotes and dashes. What they do not give is handled here, on the Markdown source, outside
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
)
_WITH_MATH = _BASE | pyromark.Options.ENABLE_MATH
_INLINE_MATH = re.compile(r'<span class="math math-inline">(.*?)</span>', re.DOTALL)

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_EXTENSION_BLOCK = re.compile(r"\{::(comment|nomarkdown)\b[^}]*\}(.*?)\{:/(?:\1)?\}", re.DOTALL)
_OPTIONS = re.compile(r"\{::options\b[^}]*/\}")
_BLOCK_IAL = re.compile(r"^ {0,3}\{:(?!:)[^}\n]*\}[ \t]*$")
_SPAN_IAL = re.compile(r"\{:(?![:/])[^}\n]*\}")
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
_TABLE_ROW = re.compile(r"^ {0,3}\|")
_DELIMITER_ROW = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:[|+][ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_EMPHASIS = re.compile(r"(?<![*\\])(\*\*|\*)(?![\s*])(.+?)(?<![\s*\\])\1(?!\*)")


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
        markdown = _OPTIONS.sub("", _EXTENSION_BLOCK.sub(_extension_content, markdown))
    lines = markdown.split("\n")
    code = _fenced(lines)
    if "{:" in markdown or "*[" in markdown:
        lines, code = _drop_attribute_lines(lines, code)
    if "markdown" in markdown:
        lines, code = _markdown_in_html(lines, code)
    if "|" in markdown:
        lines, code = _headerless_tables(lines, code)
    text = "\n".join(lines)
    if "\n\n" in text and "<" in text:
        text = _join_html_blocks(text)
    if "*" in text and _CJK.search(text):
        lines = text.split("\n")
        text = "\n".join(
            line if is_code else _cjk_emphasis(line) for line, is_code in zip(lines, _fenced(lines), strict=True)
        )
    return text


def _extension_content(match: re.Match[str]) -> str:
    return match.group(2) if match.group(1) == "nomarkdown" else ""


def _fenced(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside (or is a fence of) a fenced code block."""
    flags: list[bool] = []
    fence = ""
    for line in lines:
        if fence:
            flags.append(True)
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = ""
            continue
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
        flags.append(bool(match))
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
            continue
        element = text[match.start() : end]
        if "\n\n" not in element or re.search(r"<(?:pre|textarea)\b|markdown\s*=", element, re.IGNORECASE):
            continue
        pieces += [text[pos : match.start()], re.sub(r"\n[ \t]*(?=\n)", "", element)]
        pos = end
    if not pieces:
        return text
    return "".join(pieces) + text[pos:]


def _element_end(text: str, start: int, tag: str) -> int | None:
    """The end of the element opened at ``start``: after its matching close tag."""
    depth = 0
    for match in re.finditer(rf"<(/?){tag}(?=[\s/>])[^>]*>", text[start:], re.IGNORECASE):
        if match.group(1):
            depth -= 1
            if depth == 0:
                return start + match.end()
        elif not match.group(0).endswith("/>"):
            depth += 1
    return None


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
    cjk_edge = (opens or _CJK.match(before)) and (closes or _CJK.match(after))
    if not cjk_edge:
        return match.group(0)
    tag = "strong" if delimiter == "**" else "em"
    return f"<{tag}>{inner}</{tag}>"


def _is_punctuation(ch: str) -> bool:
    import unicodedata  # noqa: PLC0415 - only lines with CJK and * come here

    return unicodedata.category(ch)[0] in "PS"
