"""Links, definitions and footnote marks, where kramdown reads them otherwise than CommonMark.

An inline link's text holds no link, its URL runs to the parenthesis that balances the first,
its title is quoted and not empty; destinations and a definition's URL may hold spaces; an
e-mail autolink shows without ``mailto:`` and a URL autolink may hold spaces; an empty
definition is text and the first of two alike wins; a footnote mark before ``(`` or with a
label kramdown does not read is text."""

from __future__ import annotations

import re
from bisect import bisect_left

from postdrop.core.kramdown.lines import BLANK_LINE, DEFINITION_LABEL, MAX_REWRITES, URL_CHARS, lazy, sub_in_prose
from postdrop.core.opaque import after_definition
from postdrop.exceptions import PostRejected

__all__ = [
    "FOREIGN_AUTOLINK",
    "FOREIGN_FOOTNOTE",
    "MARK_BEFORE_PAREN",
    "SPACED_REFERENCE",
    "autolinks",
    "empty_definitions",
    "foreign_autolinks",
    "foreign_footnotes",
    "inline_links",
    "marks_before_parens",
    "shadowed_definitions",
    "spaced_destinations",
    "spaced_references",
]

# searched in "\n" + text: a footnote mark (or definition, opening a line) whose label kramdown
# does not read as one: its labels are an ASCII word character, then those and "-" (Ruby's \w)
_FOREIGN_LABEL = r"\[\^(?![A-Za-z0-9_][A-Za-z0-9_-]{0,998}\])[^\]\n]{1,999}\]"
# ("\[^x]" is text: the look-behind after the "[", so both alternatives open with a literal re skips to)
FOREIGN_FOOTNOTE = lazy(rf"(\n {{0,3}}{_FOREIGN_LABEL}:[^\n]*)|\[(?<!\\\[){_FOREIGN_LABEL[2:]}")
# a footnote mark kramdown reads, right before "(": kramdown's link never opens at "[^", so the
# "(" and what follows are text; CommonMark reads "[^1](url)" as a link
MARK_BEFORE_PAREN = lazy(r"\[(?<!\\\[)\^[A-Za-z0-9_][A-Za-z0-9_-]{0,998}\]\(")


def foreign_footnotes(text: str) -> str:
    """A footnote whose label kramdown does not read (``[^注]``): its mark is text, and its
    definition a link definition to kramdown, which shows nothing (the line goes)."""

    def one(match: re.Match[str]) -> str:
        return "\n" if match.group(1) is not None else f"\\{match.group(0)}"  # a definition's line goes

    return sub_in_prose(FOREIGN_FOOTNOTE, one, "\n" + text)[1:]


# searched in "\n" + text: a footnote definition right under a line of a paragraph (one that opens
# with none of the marks of another block: a heading, quote, list, table, rule, tag, fence, link,
# or code four columns in). kramdown's paragraph goes on over it: the definition is text, and so is
# its mark above when no other line defines it; CommonMark lets a definition end the paragraph.
# (The line's rest possessive: a line is read once, however long.)
DEFINITION_UNDER_TEXT = lazy(
    r"(\n {0,3}(?![#>|*+=:<`~\[-]|\d{1,9}[.)])\S[^\n]*+\n {0,3})\[(?=\^[A-Za-z0-9_][A-Za-z0-9_-]{0,998}\]:)"
)


def definitions_under_text(text: str) -> str:
    """A footnote definition right under a paragraph's line is the paragraph's text (its ``[``
    escaped), as kramdown reads it."""
    return sub_in_prose(DEFINITION_UNDER_TEXT, lambda match: f"{match.group(1)}\\[", "\n" + text)[1:]


def marks_before_parens(text: str) -> str:
    """A footnote mark right before ``(`` (``[^1](x)``): kramdown reads the mark (a footnote, or
    its text when no note has that label) and ``(x)`` as text, for no link opens at ``[^``.
    CommonMark reads a link: the ``(`` is escaped."""
    return sub_in_prose(MARK_BEFORE_PAREN, lambda match: f"{match.group(0)[:-1]}\\(", text)


# an inline link's or image's destination with a space in it and no title: kramdown takes it whole
_SPACED_DESTINATION = lazy(
    r"\]\([ \t]*([^\s()<>\"']+(?:[ \t]+[^\s()<>\"']+)+)((?:[ \t]+(?:\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'))?[ \t]*)\)"
)
# searched in "\n" + text: a link definition whose URL has a space (and perhaps a title after it),
# at a line's start or opening a list item's text (nested too) or a quote (kramdown reads the block
# there: "- [Tool]: what it does" is a definition, the item empty); a quote may stand in a word of
# the URL, not after its white space (kramdown's URL has none there)
_SPACED_DEFINITION = lazy(
    r"(\n(?:[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]+|[ \t]*>[ \t]?)* {0,3}\[(?!\^)[^\]\n]{1,999}\]:[ \t]*)"
    r"([^\s<>]+(?:[ \t]+[^\s<>\"'][^\s<>]*)+)"
    r"((?:[ \t]+(?:\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'))?[ \t]*)(?=\n|$)"
)


# an autolink or an HTML tag with a bracket inside: its brackets are no link's
_BRACKETED_TAG = lazy(
    r"<(?=[^<>]*[\[\]])(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]{0,2000}|/?[A-Za-z][A-Za-z0-9-]{0,100}(?:\s[^<>]{0,2000})?)>"
)
# in a link's parentheses: a parenthesis, or white space before a title's quote
_LINK_PAREN_STOP = lazy(r"(\()|(\))|\s(?=[\"'])")
_LINK_TITLE = lazy(r"\s*?([\"'])(.+?)\1\s*?\)", re.DOTALL)
_LINK_ANGLE_URL = lazy(r"\(<(.*?)>", re.DOTALL)
_TITLE_CHARS = 200  # and an angle-bracketed URL or a title this far
_UNESCAPED_BRACKET = lazy(r"(?<!\\)((?:\\\\)*)([\[\]])")


def inline_links(text: str) -> str:
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
    blanks = [m.start() for m in BLANK_LINE.finditer(text)]
    limits: dict[int, int] = {}  # where each link's parentheses must end: its paragraph's end, or before
    for start in starts:
        close = pairs[start]
        k = bisect_left(blanks, close)
        limits[start] = min(blanks[k] if k < len(blanks) else len(text), close + URL_CHARS)
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
        broken = "\n" in url and " " not in url and "\t" not in url
        if broken:  # a URL broken over lines (kramdown keeps the line break in href, which a
            # browser's URL parser takes out; CommonMark reads no link): written whole
            url = url.replace("\r", "").replace("\n", "")
        elif "<" in url or ">" in url or "\n" in url or not _differs(text[bracket + 1 : close], url, title):
            continue  # as written, CommonMark reads what kramdown does (or no <> form could say it)
        if "<" in url or ">" in url:
            continue  # (no <> form could say it)
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
        + [(m.start(), 0) for m in BLANK_LINE.finditer(text)]
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


_OPEN_BRACKET = lazy(r"\[")
_CLOSE_BRACKET = lazy(r"\]")


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


def spaced_destinations(text: str) -> str:
    """``[a](with spaces.html)`` and ``[id]: with spaces.html``: kramdown's links; CommonMark's
    only with the destination in ``<>``."""
    if "](" in text:
        text = sub_in_prose(_SPACED_DESTINATION, lambda m: f"](<{m.group(1)}>{m.group(2)})", text)
    if "]:" in text:
        text = sub_in_prose(_SPACED_DEFINITION, _spaced_definition, "\n" + text)[1:]
        if "]:" in text and _BRACKETED_DEFINITION.search("\n" + text) is not None:
            text = sub_in_prose(_BRACKETED_DEFINITION, _bracketed_definition, "\n" + text)[1:]
        if ")" in text or "(" in text:
            text = sub_in_prose(_PAREN_DEFINITION, _paren_definition, "\n" + text)[1:]
    return text


def _spaced_definition(match: re.Match[str]) -> str:
    """The definition's URL in ``<>``, where kramdown reads the line as a definition: opening a list
    item, a quote or a block (a definition interrupts no paragraph: then the line is text)."""
    head, url, tail = match.groups()
    if _ITEM_MARKER.match(head) is None:
        above = match.string.rfind("\n", 0, match.start()) + 1
        if head.lstrip(" \n").startswith(">"):  # a quote's line: text under a line of its paragraph
            line_above = match.string[above : match.start()].lstrip(" \t")
            if line_above.startswith(">") and line_above.strip(" \t>"):
                return match.group(0)
        elif not after_definition(match.string, match.start() + 1):
            return match.group(0)
    return f"{head}<{url}>{tail}"


_ITEM_MARKER = lazy(r"\n[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]")
# searched in "\n" + text: a link definition whose URL holds a parenthesis (and perhaps a title)
_PAREN_DEFINITION = lazy(
    r"(\n {0,3}\[(?!\^)[^\]\n]{1,999}\]:[ \t]*)([^\s<>()]*+[()][^\s<>]*)"
    r"((?:[ \t]+(?:\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'))?[ \t]*)(?=\n|$)"
)


def _paren_definition(match: re.Match[str]) -> str:
    """``[patch]: https://x/commit/c94)``: kramdown's URL is the rest of the line, parentheses and
    all; CommonMark's ends before a parenthesis that balances none (and then reads no definition,
    nor any under it): that URL in ``<>``."""
    depth = 0
    for char in match.group(2):
        if char in "()":
            depth += 1 if char == "(" else -1
            if depth < 0:
                break
    if depth == 0:
        return match.group(0)
    head, url, tail = match.groups()
    return f"{head}<{url}>{tail}"


# searched in "\n" + text: a link definition whose URL opens with "<" (and perhaps a title after it)
_BRACKETED_DEFINITION = lazy(
    r"(\n {0,3}\[(?!\^)[^\]\n]{1,999}\]:[ \t]*)(<[^\n]*?)"
    r"((?:[ \t]+(?:\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'))?[ \t]*)(?=\n|$)"
)
_ANGLE_URL = lazy(r"<[^<>\n]*>")


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


_EMAIL_AUTOLINK = lazy(r"<(mailto:)?([^\s<>@()\[\]\\]+@[^\s<>@()\[\]\\]+)>")
# kramdown's URL autolink runs to the first ">" on its line, spaces and all (CommonMark's has none)
_URL_AUTOLINK = lazy(r"(?<!\]\()<(mailto:|https?:|ftps?:)([^<>\n]+)>")  # not a link's "](<url>)"
_SPACED_AUTOLINK = lazy(r"<(?:mailto|https?|ftps?):[^<>\n \t]*[ \t]")  # the test that one holds a space
_DEFINITION_HEAD = lazy(r" {0,3}\[(?!\^)[^\]\n]{1,999}\]:[ \t]*")  # a link definition's line, to its URL
_ENTITY_AUTOLINK = lazy(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*&[^\s<>]*)>")
_MARKDOWN_SPECIAL = lazy(r"([\\`*_\[\]<>&!])")


def autolinks(text: str) -> str:
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
        text = sub_in_prose(_URL_AUTOLINK, spaced, text)
    if "@" in text:
        text = sub_in_prose(_EMAIL_AUTOLINK, email, text)
    if "&" in text:
        text = sub_in_prose(_ENTITY_AUTOLINK, entities, text)
    return text


# CommonMark's autolink of a scheme kramdown has no autolink for (std::vector<std::string>: kramdown
# reads "<std::string>" as no tag either, so as text); not a link's "](<url>)"
# ("<" first: a literal re skips ahead to, where a look-behind first is tried at every character)
FOREIGN_AUTOLINK = lazy(r"<(?<!\]\(<)(?!(?:mailto|https?|ftps?):)[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\x00-\x20<>]*>")


def foreign_autolinks(text: str) -> str:
    """``<scheme:...>`` with a scheme other than kramdown's (``http(s)``, ``ftp(s)``, ``mailto``):
    text, its ``<`` escaped (a link definition's URL in ``<>`` stays)."""

    def escape(match: re.Match[str]) -> str:
        whole = match.string
        if _DEFINITION_HEAD.fullmatch(whole, whole.rfind("\n", 0, match.start()) + 1, match.start()) is not None:
            return match.group(0)
        return "\\" + match.group(0)

    return sub_in_prose(FOREIGN_AUTOLINK, escape, text)


SPACED_REFERENCE = lazy(r"((?<!\\)\[[^\[\]\n]{1,999}(?<!\\)\])(?:[ \t]+\n?|\n)[ \t]*\[([^\[\]\n]{1,999})\]")


def spaced_references(text: str) -> str:
    """``[text] [id]``: kramdown allows white space (a line break too) between a link's text and
    its reference; CommonMark does not. Joined where ``id`` is defined."""
    labels = {" ".join(label.lower().split()) for label in DEFINITION_LABEL.findall(text)}
    if not labels:
        return text

    def join(match: re.Match[str]) -> str:
        if " ".join(match.group(2).lower().split()) not in labels:
            return match.group(0)
        return f"{match.group(1)}[{match.group(2)}]"

    return sub_in_prose(SPACED_REFERENCE, join, text)


# searched in "\n" + text: a link definition's label with nothing after its colon on the line (in
# a quote or an item too): kramdown's definition has its URL on its first line
_EMPTY_DEFINITION = lazy(r"(\n[ \t>]*\[(?!\^)[^\]\n]{1,999}\]):(?=[ \t]*\n)")


def empty_definitions(text: str) -> str:
    """``[id]:`` with its URL on the next line is no link definition to kramdown, but text of a
    paragraph; CommonMark's may go on on the next line. Its colon escaped, both read text."""
    return sub_in_prose(_EMPTY_DEFINITION, lambda match: f"{match.group(1)}\\:", "\n" + text + "\n")[1:-1]


# a link definition opening a list item's text (kramdown's, and CommonMark's)
_ITEM_DEFINITION = lazy(r"^[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]+\[(?!\^)([^\]\n]{1,999})\]:[ \t]*\S", re.MULTILINE)


def shadowed_definitions(text: str) -> str:
    """Of two link definitions with one label, kramdown keeps the last, CommonMark the first: the
    earlier ones get a label no reference has (a definition is never shown). Only definitions
    that open a block are definitions to either reader; one in a paragraph is its text."""
    found: dict[str, list[re.Match[str]]] = {}
    for match in DEFINITION_LABEL.finditer(text):
        found.setdefault(" ".join(match.group(1).lower().split()), []).append(match)
    in_items = set()
    if "- [" in text or "* [" in text or "+ [" in text or ". [" in text:
        for match in _ITEM_DEFINITION.finditer(text):  # an item's first line opens a block: read
            found.setdefault(" ".join(match.group(1).lower().split()), []).append(match)
            in_items.add(match.start())
    shadowed = []
    for matches in found.values():
        if len(matches) < 2:
            continue
        matches.sort(key=lambda m: m.start())
        read = [m for m in matches if m.start() in in_items or after_definition(text, m.start())]
        shadowed += [m.start(1) for m in read[:-1]]
    if not shadowed:
        return text
    pieces, pos = [], 0
    for at in sorted(shadowed):
        pieces += [text[pos:at], "\u2063shadowed\u2063"]
        pos = at
    return "".join(pieces) + text[pos:]
