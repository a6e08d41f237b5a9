"""kramdown's attribute lists and extensions, in the source.

Block IALs and ALDs (``{: .class}`` on their own line) are dropped, an id above or under a
heading becomes its `` {#id}``; span IALs after the element they belong to are dropped, after a
word they are text; ``{:toc}`` and its list are marked for the table of contents (anchors.py);
``{::comment}``, ``{::nomarkdown}`` and ``{::options /}`` are read; abbreviation definitions are
dropped and each abbreviation in the text becomes an ``<abbr>`` after rendering; an IAL's
``start="N"`` numbers its ordered list; a heading's ``{...}`` other than `` {#id}`` is text; a
paragraph of one image whose attribute list names ``standalone`` is a ``<figure>``."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from postdrop.core.anchors import TOC_MARK
from postdrop.core.kramdown.lines import LIST_ITEM, URL_CHARS, content_column, indent_of, lazy, sub_in_prose
from postdrop.core.opaque import Masked, look_back

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "ABBREVIATION",
    "START_MARK",
    "_abbreviations",
    "abbr_elements",
    "drop_attributes",
    "extension_blocks",
    "heading_attributes",
    "list_starts",
    "standalone_images",
]


# Line patterns start with "\n" and are searched in "\n" + text: a literal first character
# lets re skip ahead, where "^" with MULTILINE tries every position.
_EXTENSION_OPEN = lazy(r"\{::(comment|nomarkdown)\b(?:[^}\n\"']|\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'){0,200}+\}")
# an IAL or ALD line (in a quote too); a quoted value may hold "}"
_BLOCK_IAL = lazy(
    r"\n {0,3}(?:>[ \t]?)*\{:(?![:/])(?:[^}\n\"'\\]|\\.|\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'){0,200}+\}[ \t]*(?=\n|$)"
)
# a span IAL: after the element it belongs to (a link, image, emphasis, code span, HTML element,
# another IAL); it may wrap onto the next line. Anywhere else kramdown prints it as text.
_SPAN_IAL = lazy(r"(?:(?<=[)\]*_>}\U000f0000-\U0010ffff])|(?<=\n)|^)\{:(?![:/])(?:[^}\n]|\n(?![ \t]*\n)){0,200}\}")
_ITEM_IAL = lazy(r"(\n[ \t]*(?:[*+-]|\d{1,9}\.|:)[ \t]+)\{:(?![:/])[^}\n]{0,200}\}[ \t]*")
# a one-item list under {:toc} or {:footnotes}: kramdown puts the table of contents (the footnotes)
# in its place, whatever the item says
_TOC = lazy(r"\n {0,3}(?:[*+-]|\d+\.)[ \t]+[^\n]*\n {0,3}\{:[ \t]*footnotes[ \t]*\}[ \t]*(?=\n|$)")
# the first {:toc} under a list: kramdown puts the table of contents in the place of the whole list
# (its items across blank lines too); a later one is an attribute list of its list, which stays
# (its reference "toc" among other attributes too: "{:toc #markdown-toc}", "{: .nav toc}")
_TOC_IAL = lazy(r"\n {0,3}\{:[ \t]*(?:[^}\n\"']{0,200}[ \t])?toc(?=[ \t}])[^}\n\"']{0,200}\}[ \t]*(?=\n|$)")
_TOP_ITEM = lazy(r" {0,3}(?:[*+-]|\d{1,9}\.)[ \t]+\S")  # a marker alone on its line is text
ABBREVIATION = lazy(r"\n {0,3}\*\[[^\]\n]+\]:[^\n]*(?=\n|$)")


# an abbreviation's definition, on a line of its own: the abbreviation, what it stands for
# (searched in "\n" + text: a literal first re skips ahead to; "^" with MULTILINE is tried at every
# character, and "*[" opens every bold link's text)
_ABBREVIATION_DEFINITION = lazy(r"\n {0,3}\*\[([^\]\n]+)\]:([^\n]*)")
# the HTML's tags (and comments), between them its text
_HTML_PIECE = lazy(r"<!--.*?-->|<[^>]*>", re.DOTALL)
# elements whose text kramdown reads no abbreviation in: code, and raw text
_NO_ABBR = frozenset({"pre", "code", "script", "style", "textarea", "abbr"})


def _abbreviations(text: str) -> dict[str, str]:
    """The post's abbreviations (``*[HTML]: Hyper Text Markup Language``) and what each stands
    for; a later definition of one wins, as in kramdown."""
    return {m.group(1): m.group(2).strip() for m in _ABBREVIATION_DEFINITION.finditer("\n" + text)}


def abbr_elements(html: str, abbreviations: dict[str, str], raw: list[str]) -> str:
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


def extension_blocks(text: str, masked: Masked) -> str:
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


def drop_attributes(text: str) -> str:
    """Attribute lists, a ``{:toc}`` list, and abbreviation definitions, out of the prose
    (each line pattern is searched in "\n" + text, and removes the newline before the line)."""
    lined = "\n" + text
    if "toc" in lined:
        lined = _toc_list(lined)
    if "{:" in lined and "#" in lined:  # an id given a heading by the IAL on the line above or below it
        lined = sub_in_prose(_IAL_ABOVE_HEADING, lambda m: _with_id(m.group(2), m.group(1)), lined)
        lined = sub_in_prose(_IAL_UNDER_HEADING, lambda m: _with_id(m.group(1), m.group(2)), lined)
    for pattern, needed in ((_TOC, "{:"), (_BLOCK_IAL, "{:"), (ABBREVIATION, "*["), (_SPAN_IAL, "{:")):
        if needed in lined:
            replace = _span_ials() if pattern is _SPAN_IAL else _block_ial if pattern is _BLOCK_IAL else _nothing
            lined = sub_in_prose(pattern, replace, lined)
    if "{:" in lined:  # an IAL opening a list item or a definition belongs to it
        lined = sub_in_prose(_ITEM_IAL, lambda m: m.group(1), lined)
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
                return f"\n<!--{START_MARK}{int(start.group(1))}b-->"
        elif _in_ordered_list(text, match.start()):  # right under a block: that block's
            return f"\n<!--{START_MARK}{int(start.group(1))}a-->"
    if end >= len(text) or not below.strip():
        return ""
    quote = line[: line.rfind(">") + 1] if ">" in line[: line.find("{:")] else ""
    if quote:
        return quote.rstrip(" \t")  # a line of the quote's markers only: its paragraph ends
    if LIST_ITEM.match(below) is not None:
        return "\n<!-- -->" if line.startswith("\n{:") else ""  # in an item: the list goes on
    return "\n"


# an IAL's start="N" (an ordered list's first number), the item an ordered list opens with, and the
# mark _block_ial leaves for render_kramdown (a character no post holds: the opaque package tokenizes those)
_IAL_START = lazy(r"(?<![\w-])start\s*=\s*[\"']?0*(\d{1,9})\b")
_ORDERED_OPENING = lazy(r" {0,3}\d{1,9}\.(?:[ \t]|$)")
START_MARK = "\U000ffffc"
_START_MARK_HTML = lazy("<!--\U000ffffc(\\d{1,9})([ab])-->\n?")
_OL_TAG = lazy(r"<(/?)ol\b[^>]*>")


def _in_ordered_list(text: str, at: int) -> bool:
    """Whether the line that ends at ``at`` is a line of a top-level ordered list: from it up,
    past blank and indented lines, the first line at the margin opens an ordered item. Looks back
    LOOK_BACK lines."""
    end = at
    for _ in range(look_back()):
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if line.strip() and line[:1] not in " \t":
            return _ORDERED_OPENING.match(line) is not None
        if start == 0:
            return False
        end = start - 1
    return False


def list_starts(html: str) -> str:
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
_IAL_ABOVE_HEADING = lazy(rf"(?:(?<=\n\n)|(?<=\A\n)) {{0,3}}{_IAL_ID}\n{_ATX_TEXT}(?=\n|$)")
_IAL_UNDER_HEADING = lazy(rf"(?<=\n){_ATX_TEXT}\n {{0,3}}{_IAL_ID}(?=\n|$)")


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
_DEEP_IAL = lazy(r"\n(?: {4}| {0,3}\t)[ \t]*\{:(?![:/])[^}\n]{0,200}\}[ \t]*(?=\n|$)")


def _deep_attributes(lined: str) -> str:
    """An IAL line in a list item is one up to three columns right of the item's text (kramdown
    reads the item's lines without its indentation); four columns more, or outside any item, it
    is code, and the opaque package has masked the top level's."""
    lines = lined.split("\n")
    code = [False] * len(lines)
    keep = [True] * len(lines)
    for i, line in enumerate(lines):
        if line[:1] in " \t" and _DEEP_IAL.fullmatch("\n" + line) is not None:
            indent = indent_of(line)
            column = content_column(lines, code, i, indent)
            keep[i] = not column or indent - column > 3
    return "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)


# searched in "\n" + text: a line of one image with a span IAL (and perhaps a block IAL under it)
_IMAGE_LINE = lazy(
    r"\n {0,3}!\[([^\]\n]{0,1000})\]\([ \t]*([^\s()<>]{1,4000})[ \t]*\)\{:([^}\n]{0,200})\}[ \t]*"
    r"(?:\n {0,3}\{:[^}\n]{0,200}\}[ \t]*)?(?=\n|$)"
)
_STANDALONE_REF = lazy(r"(?:^|\s)standalone(?:\s|$)")


def standalone_images(text: str, masked: Masked) -> str:
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

    return sub_in_prose(_IMAGE_LINE, figure, "\n" + text)[1:]


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
            start = max(text.rfind("\n\n", 0, at - 1), at - 1 - min(URL_CHARS, budget), 0)
            budget -= at - 1 - start
            closing = len(text[start:at].rstrip("_"))  # the "_" run before the IAL
            if start <= text.rfind("\n\n", 0, at - 1) + 1 and not _emphasis_open(text, start, start + closing):
                return match.group(0)
            return ""
        if at == 0 or text[at - 1] != ")" or budget <= 0:
            return ""
        depth = 0
        stop = max(at - min(URL_CHARS, budget), 0)
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


_UNDERSCORES = lazy(r"_+")


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


# a heading's trailing attribute block; kramdown's is only " {#id}", an id starting with a letter
_HEADING_ATTRIBUTES = lazy(r"^( {0,3}#{1,6}[ \t][^\n]*?|[^\n]*?)(\{[^{}\n]*\})[ \t#]*$")
_KRAMDOWN_HEADER_ID = lazy(r"[ \t]\{#[A-Za-z][\w:-]*\}")
_SETEXT = lazy(r"^ {0,3}(?:=+|-+)[ \t]*$")


def heading_attributes(lines: list[str], code: list[bool]) -> tuple[list[str], list[bool]]:
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
