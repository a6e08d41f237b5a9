"""The article's headings (``<h1>``-``<h6>``): level, text, and the id Jekyll's kramdown gives each.

A heading written with an id (kramdown's `` {#id}``, or an ``id`` attribute in HTML) keeps it.
Otherwise, in a Markdown post, a heading written in Markdown gets the id of kramdown's GFM
parser (Jekyll's default): its text lower-cased, every character that is not a letter, mark,
digit, connector, ``-``, space or tab dropped, spaces and tabs made ``-``; the second heading
with one id gets ``-1``, the third ``-2``. Inside an HTML element read as Markdown
(``markdown="1"``) the GFM parser gives none, and kramdown's HTML converter gives its own:
the text from its first ASCII letter on, only ASCII letters, digits, spaces and ``-`` kept,
spaces made ``-``, lower-cased (``section`` when nothing is left), numbered apart. A heading
written as HTML in the post, and every heading of an ``.html`` post, has no id unless it was
written with one (kramdown leaves HTML as written): an HTML heading of a Markdown one's text
takes no id from it, whichever comes first.

The site's ``kramdown:`` settings change the ids: ``auto_ids: false`` gives none (but those
written), and ``auto_id_prefix`` is put before each one made (``heading-setup``), the counting
left as it was.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache
from html import unescape

from postdrop.core.spaces import fold

__all__ = ["HEADING", "Heading", "headings_and_origins", "headings_of", "listed_in_contents", "shifted"]

Heading = tuple[int, str, str | None]  # level, text, id

# lexbor writes tags in lower case; the content runs to the first closing tag of the level, read a
# run of text at a time (not, lazily, a character at a time)
HEADING = re.compile(r"<h([1-6])(\s[^>]*)?>((?:[^<]++|<(?!/h\1>))*+)</h\1>")
_ID = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# a footnote's mark (kramdown's <sup id="fnref:x"><a ...>1</a></sup>): no text of the heading's id
_FOOTNOTE_MARK = re.compile(r"<sup\s[^>]*(?:fnref:|footnote-reference)[^>]*>(?:[^<]++|<(?!/sup>))*+</sup>")
_SOURCE_HEADING = re.compile(r"<h([1-6])(?=[\s>/])([^>]*)>((?:(?!<h[1-6]).)*?)</h\1\s*>", re.DOTALL | re.IGNORECASE)
_SOURCE_OPEN = re.compile(r"<h[1-6]", re.IGNORECASE)
# Code in the source: a fenced block (to its closing fence, or the end), a run of backticks to the next
_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n(?:.*?^ {0,3}\1[`~]*[ \t]*$|.*\Z)|`+[^`]*`+", re.MULTILINE | re.DOTALL)
# Elements Markdown never makes: a heading inside one was in an HTML block of the post. Read in
# lexbor's HTML, whose tag names are lower case: matched as written (IGNORECASE makes the scan 3x slower).
_HTML_ONLY = "div|section|article|details|summary|aside|header|footer|main|nav|figure|center"
_HTML_ONLY_TAG = re.compile(rf"<(/?)(?:{_HTML_ONLY})(?=[\s>/])[^>]*>")


def headings_of(html: str, source: str, *, markdown: bool, auto_ids: bool = True, prefix: str = "") -> list[Heading]:
    """The headings of ``html`` (the article as rendered), in order. ``source`` is what was
    rendered (after Liquid): its own HTML headings are told apart from Markdown's. ``auto_ids``
    and ``prefix``: kramdown's settings of those names (``auto_id_prefix``)."""
    return _read(html, source, markdown=markdown, auto_ids=auto_ids, prefix=prefix, origins=False)[0]


def headings_and_origins(
    html: str, source: str, *, markdown: bool, auto_ids: bool = True, prefix: str = ""
) -> tuple[list[Heading], list[bool]]:
    """``headings_of``, and whether kramdown made each (a Markdown heading, in an HTML block read
    as Markdown too) rather than the post writing it in HTML: kramdown's ``header_offset`` moves
    the level of those alone."""
    return _read(html, source, markdown=markdown, auto_ids=auto_ids, prefix=prefix, origins=True)


def shifted(headings: list[Heading], made: list[bool], offset: int) -> list[Heading]:
    """``headings`` as kramdown writes them with ``header_offset``: the level of each it made
    moved by ``offset``, kept within 1..6 (the others as written)."""
    if not offset:
        return headings
    return [
        (max(1, min(6, level + offset)) if by_kramdown else level, text, ident)
        for (level, text, ident), by_kramdown in zip(headings, made, strict=True)
    ]


def listed_in_contents(headings: list[Heading], made: list[bool] | None) -> list[Heading]:
    """The headings a ``{:toc}`` list can show: those kramdown made (``made``: which; None: all)."""
    if made is None or all(made):
        return headings
    return [heading for heading, by_kramdown in zip(headings, made, strict=True) if by_kramdown]


def _read(
    html: str, source: str, *, markdown: bool, auto_ids: bool, prefix: str, origins: bool
) -> tuple[list[Heading], list[bool]]:
    matches = list(HEADING.finditer(html)) if "<h" in html else []
    if not matches:
        return [], []
    ids = markdown and auto_ids  # without auto ids, a heading has the id it was written with alone
    classify = markdown and (auto_ids or origins)  # whether the HTML headings are told from Markdown's
    written, turns = _written_and_turns(source, html, matches) if classify else (Counter(), {})
    own_ids: set[str] | None = None  # the ids of the HTML headings written with one (read when needed)
    gfm: Counter[str] = Counter()
    converter: Counter[str] = Counter()
    out: list[Heading] = []
    made: list[bool] = []
    depth, at = 0, 0
    # an element past the last heading's start holds none of them: the search stops there
    nested = _HTML_ONLY_TAG.search(html, 0, matches[-1].start()) is not None
    for match in matches:
        if nested:
            depth += _depth_change(html, at, match.start())
            at = match.end()
        level, attrs, inner = int(match[1]), match[2] or "", match[3]
        inner = inner.strip()  # kramdown's text ends where the heading's does: an image there leaves a space
        raw = unescape(_TAG.sub("", inner)) if "<" in inner or "&" in inner else inner
        text = fold(raw)
        given = _ID.search(attrs)
        by_kramdown = classify
        if given is not None:
            ident: str | None = unescape(next(g for g in given.groups() if g is not None))
            if origins and classify:
                if own_ids is None:
                    own_ids = _ids_written_in_html(source)
                by_kramdown = ident not in own_ids
        elif classify and (_in_html(level, text, written, turns) if turns else written[(level, text)] > 0):
            if not turns:
                written[(level, text)] -= 1
            ident, by_kramdown = None, False
        elif not ids:
            ident = None
        elif depth > 0:
            ident = prefix + _kramdown_id(raw.strip(), converter)
        else:
            ident = prefix + _gfm_id(_without_marks(inner) if "<sup" in inner else raw, gfm)
        if ids and ident is not None and not ident.strip():
            ident = None  # kramdown writes no blank id ("## `&&`" has none; its counter still counts it)
        out.append((level, text, ident))
        made.append(by_kramdown)
    return out, made


def _ids_written_in_html(source: str) -> set[str]:
    """The ids of the HTML headings ``source`` writes with one (``<h2 id="x">``)."""
    found = set()
    for m in _SOURCE_HEADING.finditer(source):
        if m[2] and (given := _ID.search(m[2])) is not None:
            found.add(unescape(next(g for g in given.groups() if g is not None)))
    return found


def _in_html(
    level: int, text: str, written: Counter[tuple[int, str]], turns: dict[tuple[int, str], list[bool]]
) -> bool:
    """Whether the next heading of ``level`` and ``text`` without an id was written as HTML: as
    ``turns`` says, in the source's order, for a text written both ways; else while ``written``
    counts one left."""
    key = (level, text)
    if key in turns:
        return bool(turns[key]) and turns[key].pop(0)
    if written[key] > 0:
        written[key] -= 1
        return True
    return False


def _text_of(inner: str) -> str:
    inner = inner.strip()
    raw = unescape(_TAG.sub("", inner)) if "<" in inner or "&" in inner else inner
    return " ".join(raw.split())


def _without_marks(inner: str) -> str:
    """The heading's text without its footnote marks, as kramdown's GFM parser reads it for an id."""
    return unescape(_TAG.sub("", _FOOTNOTE_MARK.sub("", inner)))


def _depth_change(html: str, start: int, end: int) -> int:
    change = 0
    for tag in _HTML_ONLY_TAG.finditer(html, start, end):
        change += -1 if tag[1] else 1
    return change


def _written_in_html(source: str, html: str = "") -> Counter[tuple[int, str]]:
    """The headings ``source`` writes as HTML, as (level, text), counted; not one shown in code
    (a fenced block, a code span, and, as ``html`` shows it, an indented block), which kramdown
    writes as text."""
    return _written_and_turns(source, html, None)[0]


def _written_and_turns(
    source: str, html: str, matches: list[re.Match[str]] | None
) -> tuple[Counter[tuple[int, str]], dict[tuple[int, str], list[bool]]]:
    """``_written_in_html``, and, for a text also written as a Markdown heading, its turns: whether
    each heading of that text in ``matches`` (the article's, without an id) is HTML, in order."""
    if not _SOURCE_OPEN.search(source):
        return Counter(), {}
    if "<!--" in source:
        source = _without_comments(source)
    fenced = ""
    if "`" in source or "~~~" in source:
        fenced = "".join(m[0] for m in _CODE.finditer(source))
        source = _CODE.sub("", source)
    written = _source_headings(source)
    if written and "&lt;h" in html:
        # shown as code in the article but not in a fenced block or span: an indented code block
        for key, count in (_shown_in_code(html) - _source_headings(fenced)).items():
            written[key] -= count
    return written, (_turns(source, written, matches) if written and matches else {})


# A Markdown heading in the source: kramdown's ATX (from the line's start) or setext form; its text
# read roughly (markup dropped), to be matched with an HTML heading's
# (each part read in one pass, without going back: a long line costs its length)
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]++([^\n]*+)|^([^\n]++)\n(=++|-++)[ \t]*+$", re.MULTILINE)
_MD_LINK = re.compile(r"!?\[([^\][]*+)\]\([^()]*+\)")
_MD_MARKUP = re.compile(r"[*_`]|\\(?=[^\w\s])")
_IAL = re.compile(r"\{[:#][^{}]*+\}[ \t]*+$")
_OWN_ID = re.compile(r"\{:?[^{}]*?#[\w-]")


def _turns(
    source: str, written: Counter[tuple[int, str]], matches: list[re.Match[str]]
) -> dict[tuple[int, str], list[bool]]:
    """For each text ``source`` writes both as an HTML heading and as a Markdown one, whether each
    heading of it is HTML, in the source's order; kept only when the article's headings of that
    text (``matches``, those without an id) are as many, the HTML ones as ``written`` counts."""
    in_article = Counter((int(m[1]), _text_of(m[3])) for m in matches if not m[2] or _ID.search(m[2]) is None)
    shared = {key for key, count in written.items() if 0 < count < in_article[key]}
    if not shared:
        return {}
    found: list[tuple[int, tuple[int, str], bool]] = []
    for m in _SOURCE_HEADING.finditer(source):
        key = (int(m[1]), " ".join(unescape(_TAG.sub("", m[3])).split()))
        if key in shared and (not m[2] or _ID.search(m[2]) is None):
            found.append((m.start(), key, True))
    for m in _MD_HEADING.finditer(source):
        if m[1] is not None:
            level, content = len(m[1]), m[2].rstrip(" \t#")
        else:
            level, content = (1 if m[4][0] == "=" else 2), m[3]
            if not content.strip():
                continue
        if "{" in content:
            if _OWN_ID.search(content):
                continue  # written with its id
            content = _IAL.sub("", content)
        text = " ".join(unescape(_TAG.sub("", _MD_MARKUP.sub("", _MD_LINK.sub(r"\1", content)))).split())
        if (level, text) in shared:
            found.append((m.start(), (level, text), False))
    found.sort(key=lambda item: item[0])
    turns: dict[tuple[int, str], list[bool]] = {}
    for _at, key, is_html in found:
        turns.setdefault(key, []).append(is_html)
    return {key: order for key, order in turns.items() if len(order) == in_article[key] and sum(order) == written[key]}


def _source_headings(source: str) -> Counter[tuple[int, str]]:
    """The HTML headings ``source`` writes without an id (one written with its id keeps it: it
    hides no Markdown heading of the same text, as a ``### C`` after ``markdownify``'s ``### C``)."""
    return Counter(
        (int(m[1]), " ".join(unescape(_TAG.sub("", m[3])).split()))
        for m in _SOURCE_HEADING.finditer(source)
        if not m[2] or _ID.search(m[2]) is None
    )


def _shown_in_code(html: str) -> Counter[tuple[int, str]]:
    """The HTML headings the article shows as text in its ``<code>`` elements."""
    shown: Counter[tuple[int, str]] = Counter()
    at = 0
    while (start := html.find("<code", at)) >= 0:
        end = html.find("</code>", start)
        if end < 0:
            break
        text = html[start:end]
        if "&lt;h" in text:
            shown += _source_headings(unescape(_TAG.sub("", text)))
        at = end + 7
    return shown


def _without_comments(source: str) -> str:
    """``source`` without its HTML comments (one left open runs to the end), in one pass."""
    out, at = [], 0
    while (start := source.find("<!--", at)) >= 0:
        out.append(source[at:start])
        end = source.find("-->", start + 4)
        at = len(source) if end < 0 else end + 3
    out.append(source[at:])
    return "".join(out)


# what _word drops from lower-case ASCII: all but letters, digits and "_" (and the spaces, tabs and "-" kept)
_NOT_GFM_ASCII = re.compile(r"[^a-z0-9_ \t-]")


@cache
def _word(ch: str) -> bool:
    """Ruby's ``\\p{Word}``: letters (Unicode's Alphabetic: with the letter numbers, ``Ⅱ``, and the
    circled letters, ``Ⓐ``), marks, decimal digits, connector punctuation."""
    category = unicodedata.category(ch)
    return category[0] in "LM" or category in ("Nd", "Pc", "Nl") or "\u24b6" <= ch <= "\u24e9"


def _gfm_id(text: str, counter: Counter[str]) -> str:
    """kramdown-parser-gfm's ``generate_gfm_header_id``."""
    # Ruby's downcase maps Σ to σ everywhere; Python's lower() makes it ς at a word's end
    lower = text.replace("Σ", "σ").lower()
    if lower.isascii():  # one substitution, not a test per character
        kept = _NOT_GFM_ASCII.sub("", lower)
    else:
        kept = "".join(ch for ch in lower if ch in " \t-" or _word(ch))
    base = kept.replace(" ", "-").replace("\t", "-")
    seen = counter[base]
    counter[base] += 1
    return f"{base}-{seen}" if seen else base


_NOT_ASCII_LETTER_START = re.compile(r"^[^a-zA-Z]+")
_NOT_ID = re.compile(r"[^a-zA-Z0-9 -]")


def _kramdown_id(text: str, counter: Counter[str]) -> str:
    """kramdown's HTML converter's ``generate_id``."""
    base = _NOT_ID.sub("", _NOT_ASCII_LETTER_START.sub("", text)).replace(" ", "-").lower() or "section"
    seen = counter[base]
    counter[base] += 1
    return f"{base}-{seen}" if seen else base
