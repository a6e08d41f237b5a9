"""Emphasis and guillemets, as kramdown's span parser reads them.

kramdown's delimiter rules (emphasis.py) in a paragraph's context: with a link's brackets, a
span tag opening the line, table cells each on their own; simple pairs both readers agree on
are left to CommonMark. Emphasis next to CJK text (``**免责声明：**我之前`` is bold, which
CommonMark's flanking rule cannot close). ``<<`` and ``>>`` are guillemets, unless they close
a tag. A straight quote after a character of text is kramdown's closing quote (``UUID="x"``,
``所谓"反射"``), where CommonMark's smart punctuation opens one."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from postdrop.core.emphasis import emphasis, linked_emphasis
from postdrop.core.kramdown.lines import CELL_BORDER, DEFINITION_LABEL, LINE_LEAD, MAX_REWRITES, lazy, sub_in_prose
from postdrop.core.kramdown.tables import is_table
from postdrop.core.opaque.lines import ITEM_CONTENT, columns, look_back
from postdrop.core.spanhtml import KRAMDOWN_TAG, SPAN_ELEMENTS

if TYPE_CHECKING:
    from collections.abc import Callable

    from postdrop.core.opaque import Masked

__all__ = ["closing_quotes", "emphasis_pairs", "guillemets", "has_cjk_delimiter", "kramdown_emphasis"]

# CJK letters and punctuation, fullwidth forms: ranges, not a regex class (that one takes 5 ms
# to compile, on every cold start)
_CJK_RANGES = ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))
_CJK = bytearray(0x10000)  # 1 at each code point of _CJK_RANGES: one index, not four comparisons
for _low, _high in _CJK_RANGES:
    _CJK[_low : _high + 1] = b"\x01" * (_high + 1 - _low)
_STARS = lazy(r"\*+")
_GUILLEMET = lazy(r"(?<!\\)(?:<<+|>>+)")
# an emphasis pair with no asterisk inside; it opens with a literal "*" (the look-behind
# comes after it) so re can skip ahead, and the inside is possessive: linear time
_EMPHASIS = lazy(r"(\*(?<![*\\]\*)\*?)(?![\s*])([^*\n]++)(?<![\s\\])\1(?!\*)")


# A straight double quote CommonMark's smart punctuation reads as an opening one where kramdown's
# typography closes it: after a character of text that is neither white space nor one of kramdown's
# "\\ [ { ( -" (nor what ends a construct the quote then follows: a delimiter, a code span, a tag,
# an entity, a link's bracket or parenthesis, another quote, a guillemet, an ellipsis, a cell's
# border, a token), before one that is neither white space nor punctuation. Starting with the
# quote, re skips ahead to each.
_OPENED_DOUBLE = lazy('"(?<=[^\\s\\\\\\[{(\\-*_`\'"<>);|\\]«»\U000f0000-\U0010ffff]")(?=[^\\s!-/:-@\\[-`{-~])')
# a straight single quote after punctuation, before such a character (``='b'``): kramdown's ’, CommonMark's ‘
_OPENED_SINGLE = lazy("'(?<=[!#$%+,./:=?@^|}~]')(?=[^\\s!-/:-@\\[-`{-~])")
_QUOTE_PARTNER_ENDS = frozenset(" \t\n*_`<>'\"\\")  # before a partner, these leave kramdown another reading


def closing_quotes(text: str) -> str:
    """kramdown's closing quotes where CommonMark would open one, written as the characters: a double
    quote and its partner (the next in its paragraph, which CommonMark would leave unpaired: “),
    a single quote alone (CommonMark's unpaired one is ’ already). Not in a tag, a link's
    destination or an attribute list."""
    pieces: list[str] = []
    pos = 0
    places = 0
    end = -2  # where the paragraph of the last quote looked at ends (-1: at the text's end)
    for match in _OPENED_DOUBLE.finditer(text) if '"' in text else ():
        at = match.start()
        if at < pos or text.endswith("...", 0, at) or _in_markup(text, at):
            continue
        places += 1
        if places > MAX_REWRITES:
            break
        if end == -2 or 0 <= end < at:  # (found once a paragraph: quotes come in order)
            end = text.find("\n\n", at)
        partner = text.find('"', at + 1, len(text) if end < 0 else end)
        if partner >= 0 and (
            text[partner - 1] in _QUOTE_PARTNER_ENDS
            or text[partner + 1 : partner + 2] in ("*", "_", "'")
            or _in_markup(text, partner)
        ):
            continue  # kramdown reads that one otherwise (or it is markup's): left to CommonMark's pairing
        pieces += [text[pos:at], "”"]
        pos = at + 1
        if partner >= 0:
            pieces += [text[pos:partner], "”"]
            pos = partner + 1
    if pieces:
        text = "".join(pieces) + text[pos:]
    if "'" in text and _OPENED_SINGLE.search(text) is not None:
        text = sub_in_prose(_OPENED_SINGLE, _closing_single, text)
    return text


def _closing_single(match: re.Match[str]) -> str:
    at = match.start()
    if _in_markup(match.string, at) or match.string.endswith("..", 0, at):  # "...": kramdown's ellipsis
        return "'"
    return "’"


_LAST_TAG: list[Any] = [None, -1, -1]  # _in_markup's last tag: the text, where its "<" is, where it ends (-1: no tag)


def _in_markup(text: str, at: int) -> bool:
    """Whether ``at`` is inside a tag or a processing instruction (after its ``<`` and a name or
    ``?``, no ``>`` between), a link's destination (after ``](`` on its line, no ``)`` between), a
    link definition's line or an attribute list."""
    low = max(0, at - _LOOK_BEHIND)
    opener = text.rfind("<", low, at)
    if opener >= 0 and text[opener + 1 : opener + 2] in _MARKUP_START and text.find(">", opener, at) < 0:
        if text[opener + 1] in "?/!":
            return True
        # a tag to kramdown (attributes after white space, values quoted or word characters);
        # from a "<" that opens none, kramdown reads text, its quotes typographic
        if _LAST_TAG[0] is not text or _LAST_TAG[1] != opener:  # each tag read once, for its quotes
            tag = KRAMDOWN_TAG.match(text, opener, min(len(text), at + _LOOK_BEHIND))  # (read no further than that)
            _LAST_TAG[:] = [text, opener, -1 if tag is None else tag.end()]
        if _LAST_TAG[2] > at:
            return True
    line_start = max(text.rfind("\n", low, at) + 1, low)  # (a longer line: read no further back than low)
    if text.find("]:", line_start, at) >= 0:
        return True
    for start, end in (("](", ")"), ("{:", "}")):
        begun = text.rfind(start, line_start, at)
        if begun >= 0 and text.find(end, begun + len(start), at) < 0:
            return True
    return False


def guillemets(text: str) -> str:
    """kramdown's typographic ``<<`` and ``>>`` (not a blockquote's ``>>``)."""
    return sub_in_prose(_GUILLEMET, _guillemet, text)


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
_MARKUP_START = _TAG_NAME_START | {"?"}
_NEW_SPAN_CONTEXT = lazy(r"[ \t>]*(?:(?:[*+-]|\d{1,9}\.)[ \t]|#{1,6}(?:[ \t]|$)|:[ \t])")
# an ATX heading's line (kramdown-parser-gfm's: a "#" run, then white space); the line under it
# starts a paragraph of its own, as a heading interrupts the paragraph above it
_ATX_HEADING = lazy(r"[ \t>]*#{1,6}(?:[ \t]|$)")
_RULE_OR_UNDERLINE = lazy(r"[ \t>]*[-*_=][-*_= \t]*")
_STAR_RUN = lazy(r"(?:\*{3,}|_{3,})[ \t]*")


def kramdown_emphasis(text: str, masked: Masked) -> str:
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
    found = DEFINITION_LABEL.findall(text) if "]:" in text else []
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
            context = _emphasis_context(context, tag, item_text=context[:4] == "    " and _in_item_text(text, start))
        elif (
            "|" in context and ("[" in context or "]" in context) and "{#" not in context and is_table(text, start, end)
        ):
            # a table with a link or an image in a row (an image over its caption): each cell on its own
            context = "\n".join(_cells_emphasis(line, tag, labels) for line in context.split("\n"))
        elif kept.group(0) in "[]" and "{#" not in context and ("|" not in context or _prose_with_borders(context)):
            context = _emphasis_context(context, tag, links=labels)  # its "|" are text, if any
        elif "[" not in context and "]" not in context and "{#" not in context:
            if is_table(text, start, end):
                context = "\n".join(_cells_emphasis(line, tag) for line in context.split("\n"))
            elif _prose_with_borders(context):
                context = _emphasis_context(context, tag)  # its "|" is text: a paragraph's emphasis
        pieces += [text[pos:start], context]
        pos = search = max(end, match.end())
    return "".join(pieces) + text[pos:] if pieces else text


def _cells_emphasis(line: str, tag: Callable[[str], str], links: frozenset[str] | None = None) -> str:
    """A table row with kramdown's emphasis read in each cell on its own, as kramdown reads a
    row's spans once it has split it at its borders (``links``: the labels of the link
    definitions, for a cell with a link's brackets)."""
    cells = CELL_BORDER.split(line)
    for k, cell in enumerate(cells):
        if "*" in cell or "_" in cell or "~~" in cell:
            body = cell.lstrip(" \t")
            linked = links is not None and ("[" in body or "]" in body)
            cells[k] = cell[: len(cell) - len(body)] + (
                _emphasis_context(body, tag, links=links) if linked else _emphasis_context(body, tag)
            )
    return "|".join(cells)


# an emphasis pair both readers read alike: its delimiter after no word character and before no
# white space, no delimiter, escape, tag or line end inside (a tag's element is read on its own by
# kramdown, to its close tag or the paragraph's end: "**List<T>**" pairs nothing), closed after no
# white space and before no word character; nor next to a token (code's, as "_a_`x`" or
# "`x`**(5)**", its mark before it and its digits after: CommonMark takes them for letters, so a
# "_" neither opens nor closes there, nor a "*" before punctuation; kramdown's does)
_SIMPLE_PAIR = lazy(
    r"(\*\*(?<![\w*\\\U000ffffa\U000ffffb\U00100000-\U0010fffd]\*\*)"  # a literal first: re skips ahead
    r"|\*(?<![\w*\\\U000ffffa\U000ffffb\U00100000-\U0010fffd]\*)"
    r"|__(?<![\w*\\\U000ffffa\U000ffffb\U00100000-\U0010fffd]__)|_(?<![\w*\\\U000ffffa\U000ffffb\U00100000-\U0010fffd]_))"
    r"(?![\s*_])[^*_\n\\<]*?[^\s*_\\<]\1(?![\w*\U000ffffa\U000ffffb])"
)
# a delimiter no simple pair holds: a "*" before no white space or after a character of text (not
# a list item's marker), or a "_" not inside a word
_LOOSE_DELIMITER = lazy(r"\*(?![ \t])|\*(?<=[^\s>]\*)|_(?<![^\W\d_]_)(?<!__)|_+(?!_)(?![^\W_])")
# what leaves a paragraph to CommonMark: a link's bracket, a cell border, a heading's id
_LEFT_TO_COMMONMARK = lazy(r"[\[\]|]|\{#")
# a paragraph whose first line has no "|" (kramdown's table starts at none of its lines: a table
# interrupts no paragraph) and with no line of a table's delimiter row (GFM's table): its "|" are text
_PROSE_WITH_BORDERS = lazy(r"[^|\n]*\n")
_DELIMITER_ROW = lazy(r"^[ \t>]*\|?[ \t]*:?-+:?[ \t]*\|[-:| \t]*$", re.MULTILINE)


def _prose_with_borders(context: str) -> bool:
    """Whether the "|" in the paragraph ``context`` are text to kramdown and to CommonMark alike."""
    return _PROSE_WITH_BORDERS.match(context) is not None and _DELIMITER_ROW.search(context) is None


_DELIMITER = lazy(r"[*_]")
# a delimiter that may open an emphasis (before no white space; "_" after no letter) after a bracket,
# before the bracket that closes it: in a link's text, where kramdown's emphasis may open and run past
# the link (a pair in there may be no pair to kramdown)
_DELIMITER_IN_BRACKETS = lazy(r"\[[^\]]{0,2000}?(?:\*|(?<![^\W\d_])_)(?!\s)")


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
    end = text.find("\n", at)
    if _ATX_HEADING.match(text, start):  # a heading is one line: its text is a context of its own
        return start, len(text) if end < 0 else end
    while start > 0 and not _NEW_SPAN_CONTEXT.match(text, start):
        above = text.rfind("\n", 0, start - 1) + 1
        line = text[above : start - 1]
        if not line.strip(" \t>") or _ATX_HEADING.match(line):  # a blank line (in a quote: its markers alone)
            break
        start = above
    while end >= 0:
        below = text.find("\n", end + 1)
        line = text[end + 1 : len(text) if below < 0 else below]
        if not line.strip(" \t>") or _NEW_SPAN_CONTEXT.match(line):
            break
        end = below
    return start, len(text) if end < 0 else end


_TASK_MARK = lazy(r"\[[ xX]\][ \t]")
_MARKER_ENDS = ("*", "+", "-", ".")  # the last character of a list item's marker


def _emphasis_context(
    context: str, tag: Callable[[str], str], *, links: frozenset[str] | None = None, item_text: bool = False
) -> str:
    """One span context's lines with kramdown's emphasis (as they are when it is left alone).
    With ``links`` (the labels of the post's link definitions), a context with links' brackets:
    its links read with its emphasis, as kramdown reads them (emphasis.linked_emphasis).
    ``item_text``: the context is a list item's paragraph, however far it is indented."""
    if (
        "~~" not in context
        and _LOOSE_DELIMITER.search(_SIMPLE_PAIR.sub("", context)) is None
        and (links is None or _DELIMITER_IN_BRACKETS.search(context) is None)
    ):
        return context  # simple pairs, markers, "_" inside words: CommonMark reads them as kramdown does
    leads, texts = [], []
    for line in context.split("\n"):
        lead = LINE_LEAD.match(line)
        at = 0 if lead is None else lead.end()
        if line.startswith("[", at) and _TASK_MARK.match(line, at) and line[:at].rstrip(" \t")[-1:] in _MARKER_ENDS:
            at += 3  # a task item's "[ ]" (GFM's, kramdown's parser too): no link's bracket, as written
        leads.append(line[:at])
        texts.append(line[at:])
    joined = "\n".join(texts)
    if any(t.startswith("<") and not _opens_with_span_tag(t) for t in texts if t) or any(
        _RULE_OR_UNDERLINE.fullmatch(t) and (i == 0 or not _STAR_RUN.fullmatch(t) or len(leads[i].expandtabs(4)) >= 4)
        for i, t in enumerate(texts)
        if t
    ):
        return context  # a rule line (but "****" under a line of text: text to kramdown, emphasis and all)
    if len(leads[0].expandtabs(4)) >= 4 and not leads[0].strip() and not item_text:
        return context  # indented as CommonMark's code: as written
    if links is not None:
        if DEFINITION_LABEL.search(joined) is not None:  # definitions' lines: the old reading
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


def _in_item_text(text: str, start: int) -> bool:
    """Whether the paragraph starting at ``start``, indented four columns or more (and no code to
    kramdown: the masking took that), is a list item's to CommonMark too: the first line above it
    indented less is an item's line whose text starts less than four columns left of it (the
    lines between, blank or indented as far, the item's). Looks back LOOK_BACK lines at most."""
    line_end = text.find("\n", start)
    indent = columns(text[start : len(text) if line_end < 0 else line_end])
    end = start - 1
    for _ in range(look_back()):
        if end <= 0:
            return False
        above = text.rfind("\n", 0, end) + 1
        line = text[above:end]
        end = above - 1
        if not line.strip() or columns(line) >= indent:
            continue
        item = ITEM_CONTENT.match(line)
        return item is not None and indent < len(line[: item.end()].expandtabs(4)) + 4
    return False


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


def emphasis_pairs(text: str) -> str:
    """Emphasis pairs as kramdown reads them, in one pass: see _cjk_pair and _escape_inner."""
    return sub_in_prose(_EMPHASIS, _emphasis_pair, text)


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


def has_cjk_delimiter(text: str) -> bool:
    """A ``*`` run between a CJK character and anything not a space: where CommonMark's
    flanking rule and kramdown's reading can differ."""
    for match in _STARS.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if (_is_cjk(before) and not after.isspace()) or (_is_cjk(after) and not before.isspace()):
            return True
    return False
