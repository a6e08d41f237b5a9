"""kramdown's tables, written for pulldown-cmark's GFM tables.

kramdown opens a table at any line with a cell border (a leading pipe or not), with or without a
header, with ragged rows (each widened to the widest), rule lines between rows and a footer;
inside list items and quotes too. A row's code spans hold their pipes; a block-level tag in a
cell is text."""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import cast

from postdrop.core.kramdown.lines import (
    BLOCK_TAG_NAMES,
    BLOCK_TAGS,
    CELL_BORDER,
    ITEM_OR_FOOTNOTE,
    LINE_LEAD,
    LIST_ITEM,
    SPAN_ELEMENT_OPEN,
    VOID_TAG_NAMES,
    indent_of,
    lazy,
)
from postdrop.core.opaque import Masked, quote_content
from postdrop.core.opaque.tokens import HTML_MARK
from postdrop.core.spanhtml import cell_tags, text_tags

__all__ = ["BLOCK_TAG_IN_CELL", "in_table", "is_table", "opens_table", "read_tables", "table_as_text"]

BLOCK_TAG_IN_CELL = lazy(rf"<(?=/?(?:{BLOCK_TAGS}|h[1-6]|pre)[\s/>])", re.IGNORECASE)
_ANY_ITEM = lazy(r"[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]+(?=\S)")  # a list item at any depth, to its content
_DEFINITION_ROW = lazy(r"^([ \t]*)\[(?=[^\]\n]*\]:)")
_FOOTNOTE_OPEN = lazy(r" {0,3}\[\^[^\]\n]{1,999}\]:[ \t]*")
_HTML_SPAN = lazy(r"<([A-Za-z][\w-]*)\b[^<>]{0,500}>.{0,500}?</\1\s*>")
_RULE_BORDER = lazy(r"[|+]")
_HTML_TOKEN_IN_TEXT = lazy("\U000ffffb[\U00100000-\U0010fffd]{2}")


def _escaped_borders(rows: list[str]) -> list[str]:
    """Table lines with their cell borders escaped, so that CommonMark reads no table in them,
    and a colon opening one escaped (``:-:|:-:`` under its header is no definition to kramdown,
    which wants white space after the colon; pulldown-cmark's wants none)."""
    return [_OPENING_COLON.sub(r"\1\\:", CELL_BORDER.sub(r"\\|", row), count=1) for row in rows]


_OPENING_COLON = re.compile(r"^( {0,3}):(?=[^ \t])")


def table_as_text(rows: list[str]) -> list[str]:
    """Table lines that are a paragraph to kramdown: no table (``_escaped_borders``), and their
    tags read as text_tags reads a paragraph's."""
    rows = _escaped_borders(rows)
    if any("<" in row for row in rows):
        rows = text_tags("\n".join(rows)).split("\n")
    return rows


def read_tables(lines: list[str], code: list[bool], masked: Masked | None = None) -> tuple[list[str], list[bool]]:
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
        wanted = sorted({*wanted, *(k for k, line in enumerate(lines) if HTML_MARK in line and not code[k])})
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
                indent = indent_of(line)
                while columns and indent < columns[-1] and not (len(columns) == 1 and indent >= 4):
                    columns.pop()  # the line is no longer inside this item
            if stripped[0] in ITEM_OR_FOOTNOTE:  # the regular expressions only where one may match
                item = _ANY_ITEM.match(line)
                if item is not None and indent_of(line) >= (columns[-1] if columns else 0) + 4:
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
        if piped and not columns and HTML_MARK in stripped and (i == 0 or not lines[i - 1].strip()):
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
        if not starts_block and not lines[i - 1].lstrip().startswith("<") and opens_table(line, column):
            # kramdown opens a table only after a blank line: under a paragraph's line (an item's),
            # a heading or a fence, the lines are text (CommonMark's table would interrupt them)
            j = i
            while j < len(lines) and not code[j] and in_table(lines[j]):
                j += 1
            out += _escaped_borders(lines[i:j])
            flags += code[i:j]
            i = j
            continue
        if not starts_block or not opens_table(line, column):
            out.append(line)
            flags.append(code[i])
            i += 1
            continue
        j = i
        while j < len(lines) and not code[j] and in_table(lines[j]):
            j += 1
        run = lines[i:j]
        ends_block = j == len(lines) or not lines[j].strip()
        a_table = ends_block and not all(_is_rule_row(row) for row in run)
        if a_table and piped:
            run = [_with_piped_math(row, cast("Masked", masked)) for row in run]
        rows = _written_table(run) if a_table else table_as_text(run)
        if a_table and masked is not None:
            masked.cell_spans(rows)
        out += rows
        flags += [False] * len(rows)
        i = j
    return out, flags


def _with_piped_math(line: str, masked: Masked) -> str:
    """``line`` with its math that holds a cell border written out (``$$|x|$$``)."""
    if HTML_MARK not in line:
        return line
    piped = masked.piped_math
    return _HTML_TOKEN_IN_TEXT.sub(lambda m: masked.written[m.group(0)] if m.group(0) in piped else m.group(0), line)


def _piped_math_table(lines: list[str], code: list[bool], i: int, masked: Masked) -> tuple[list[str], int] | None:
    """A table that the ``|`` of math in its lines makes (kramdown splits a row's cells before it
    reads the row's spans, math too: ``The value $$|x|$$ is`` opening a block is a row of three
    cells): its rows, the math written out, and the next line's index; None where the lines,
    so read, make no table (their math stays math)."""
    view = _with_piped_math(lines[i], masked)
    if view == lines[i] or not opens_table(view, 0):
        return None
    run = [view]
    j = i + 1
    while j < len(lines) and not code[j] and in_table(row := _with_piped_math(lines[j], masked)):
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
    if depth == 0 or not opens_table(content, 0):
        return None  # no table line
    above_depth, above_content = quote_content(above, code_stops=False)
    # under a line of the quote's text (a paragraph's, a heading's): text, as kramdown opens a
    # table only where a block starts (CommonMark's table would interrupt the paragraph)
    under_text = above_depth == depth and bool(above_content.strip()) and not above_content.lstrip().startswith("<")
    contents = []
    j = i
    while j < len(lines) and not code[j]:
        below_depth, below = quote_content(lines[j], code_stops=False)
        if below_depth != depth or not in_table(below):
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
        rows = [BLOCK_TAG_IN_CELL.sub("&lt;", row) for row in rows]
    # a row that looks like a footnote or link definition is a row: kramdown reads tables first
    rows = [_DEFINITION_ROW.sub(r"\1\\[", row) for row in rows]
    return [_cells_tags(row) if "<" in row else row for row in rows]


# a code span as kramdown's table reader skips it: no white space inside its backticks
_ROW_CODE_SPAN = lazy(r"(?<!`)(`+)(?![`\s])[^\n]*?(?<![`\s])\1(?!`)")


def _item_table(lines: list[str], code: list[bool], i: int, start: int, column: int) -> tuple[list[str], int] | None:
    """A list item whose text (from ``start`` of line ``i``; the item's content at ``column``) is
    table lines, and ends with them (a blank line, the end, or an item, nested or not, next): kramdown
    reads a table there, as the item's content starts a block. The lines out, and the next line's
    index; None when the item holds no table."""
    content = lines[i][start:]
    if content.lstrip()[:1] in ("", "#", ">", "<") or not _has_cell_border(_ROW_CODE_SPAN.sub("", content)):
        return None  # (a border inside a code span that the opaque package left in the text is none either)
    j = i + 1
    while (
        j < len(lines)
        and not code[j]
        and indent_of(lines[j]) >= column
        and in_table(lines[j])
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
    return "|".join(cell_tags(cell) for cell in CELL_BORDER.split(row))


_ITEM_LEAD = ITEM_OR_FOOTNOTE | {" ", "\t"}  # what a line that may be one starts with


def opens_table(line: str, column: int) -> bool:
    """Whether ``line`` opens a table, in a list item whose content starts at ``column``."""
    stripped = line.lstrip(" ")
    indent = len(line) - len(stripped)
    if not (indent <= 3 or column <= indent <= column + 3) or not stripped or stripped[0] in "#><\t":
        return False
    return stripped[0] == "|" or (LIST_ITEM.match(line) is None and _has_cell_border(line))


def in_table(line: str) -> bool:
    stripped = line.lstrip(" ")
    return bool(stripped) and (
        stripped[0] == "|" or _has_cell_border(line) or (stripped[0] == "+" and _is_rule_row(line))
    )


def _has_cell_border(line: str) -> bool:
    """A ``|`` that splits cells: not escaped, not in code (a token here), not inside an HTML
    span element (kramdown counts none of those)."""
    if CELL_BORDER.search(line) is None:
        return False
    if "<" in line:
        line = _HTML_SPAN.sub("", line)
        for tag in SPAN_ELEMENT_OPEN.finditer(line):  # an element never closed runs to the end
            name = tag.group(1).lower()
            if name not in VOID_TAG_NAMES and name not in BLOCK_TAG_NAMES:
                line = line[: tag.start()]
                break
    return CELL_BORDER.search(line) is not None


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
    # a row of one "|" is a row of no cells to kramdown; GFM reads that line as no row: one empty cell
    return top + [
        row.replace("|", "| |") if row.strip() == "|" else row
        for row, rule in zip(rows, rules, strict=True)
        if not rule
    ]


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
    cells = CELL_BORDER.split(row.strip())
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


def is_table(text: str, start: int, end: int) -> bool:
    """Whether the span context ``text[start:end]`` is a table kramdown reads: table lines from a
    block's start (or a list item's text) to a blank line or the end."""
    below = text.find("\n", end + 1)
    if end < len(text) and text[end + 1 : len(text) if below < 0 else below].strip(" \t>"):
        return False  # no block boundary after it: a paragraph
    lines = text[start:end].split("\n")
    lead = LINE_LEAD.match(lines[0])
    at = 0 if lead is None else lead.end()
    if "#" in lines[0][:at] or ":" in lines[0][:at] or not opens_table(lines[0][at:], 0):
        return False
    return all(in_table(line.lstrip(" \t>")) for line in lines[1:])
