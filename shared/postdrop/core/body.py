"""The post body: Markdown (with raw HTML) rendered by CommonMark, then read as HTML.

The body of a producer's post has up to four parts, in this order:

    > digest                    -> summary (a lead blockquote)
    article HTML / Markdown     -> sections, text, html, images
    <https://original/url>      -> source.url (``<>`` when there is none)
    [back](..)｜[home](//host/)   -> links

and ``（文章来源：X）`` inside the article names the source (source.name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser

from postdrop.core.kramdown import render_kramdown
from postdrop.core.spaces import fold

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

__all__ = ["Body", "in_body", "read_body", "render_markdown"]

_DROPPED_TAGS = ["script", "style", "noscript", "template", "iframe", "object", "embed", "title", "head"]
# Every tag that ends the text before it: headings, paragraphs and the other blocks, and
# the containers that hold them.
_BLOCK_TAGS = frozenset(
    {
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "dt", "dd", "td", "th", "caption", "figcaption",
        "address", "div", "center", "section", "article", "main", "header", "footer", "aside", "blockquote",
        "figure", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "details", "summary", "nav", "body",
    }
)  # fmt: skip
_SOURCE_NAME = re.compile(r"[（(]\s*(?:文章)?来源\s*[：:]\s*(?P<name>.+?)\s*[）)]")
_SOURCE_WORD = "来源"  # what _SOURCE_NAME needs, as written in the HTML (no named reference writes it)
_LINK_SEPARATORS = frozenset("｜|/·•-–—,，、 \t\n\u3000\xa0")
# A URL's scheme as a browser reads it (WHATWG URL): leading C0 controls and spaces are
# ignored, tabs and newlines removed anywhere; without a scheme the URL is relative.
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_URL_EDGE = "".join(map(chr, range(0x21)))
_URL_INVISIBLE = str.maketrans("", "", "\t\n\r")
# A bold-only paragraph is a section heading, unless it reads as a bold lead sentence.
_MAX_HEADING_CHARS = 60
_SENTENCE_END = ("。", ".", "；", ";", "：", ":")
_SOURCE_NAME_WINDOW = 3
_DIGEST_PROBE = 20  # characters of a digest's opening (spaces aside) that the article repeats

# Reading blocks from serialized HTML (lexbor's: every element closed; "<" and ">" escaped
# in text and attribute values, except inside the raw-text elements below).
# Marks put in the text while it is read: the end of a block, the start of a heading or of a
# bold-only paragraph, a <br>. Controls that are not white space (folding keeps them); decode
# removes them from every post, and _blocks removes any that the HTML still holds (from a
# character reference or a Liquid value) before it puts its own.
_END, _HEADING_MARK, _BREAK, _BOLD_MARK = "\x00", "\x01", "\x02", "\x03"
_MARKS = str.maketrans("", "", _END + _HEADING_MARK + _BREAK + _BOLD_MARK)
_RAW_TEXT = re.compile(r"<(xmp|plaintext|noembed|noframes)(?=[\s/>])[^>]*>(.*?)(?:</\1>|$)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEADING_OPEN = re.compile(r"<h[1-6](?=[\s/>])[^>]*>")
_BR = re.compile(r"<br(?=[\s/>])[^>]*>")
_TAG = re.compile(r"<[^>]*>")
# a paragraph that holds one <strong> or <b>, with only space or <br> around it
_BLANK = r"(?:\s|&nbsp;|<br>)*"
_BOLD_ONLY = re.compile(
    rf"(?P<open><p(?=[\s>])[^>]*>){_BLANK}<(?P<tag>strong|b)(?=[\s/>])[^>]*>(?P<content>(?:[^<]|<(?!/p>))*?)"
    rf"</(?P=tag)>{_BLANK}</p>"
)


def _names(names: frozenset[str]) -> str:
    """An alternation of tag names grouped by first letter: re then tries a few at each "<"."""
    firsts: dict[str, list[str]] = {}
    for name in sorted(names):
        firsts.setdefault(name[0], []).append(re.escape(name[1:]))
    return "|".join(f"{first}(?:{'|'.join(sorted(rests, key=len, reverse=True))})" for first, rests in firsts.items())


_BLOCK_TAG = re.compile(rf"</?(?:{_names(_BLOCK_TAGS)})(?=[\s/>])[^>]*>")


@dataclass(slots=True)
class Body:
    summary: str | None = None
    sections: list[tuple[str | None, list[str]]] = field(default_factory=list)
    html: str = ""
    source_name: str | None = None
    source_url: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


def render_markdown(markdown: str) -> str:
    """Markdown as Jekyll's kramdown reads it, to HTML; raw HTML passes through (it is sanitized later)."""
    return render_kramdown(markdown)


def is_safe_url(url: str) -> bool:
    """http(s), protocol-relative or relative, as a browser resolves it: never javascript:,
    data: or other schemes. The same rule as the sanitizer's, so ``images`` and ``links``
    name exactly the URLs ``html`` keeps."""
    cleaned = url.strip(_URL_EDGE).translate(_URL_INVISIBLE)
    if not cleaned:
        return False
    scheme = _SCHEME.match(cleaned)
    return scheme is None or scheme.group(1).lower() in ("http", "https")


def _text(node: LexborNode) -> str:
    return fold(node.text(deep=True))


def _significant(nodes: list[LexborNode]) -> list[LexborNode]:
    """Without comments and white space between blocks (each node's tag read once: lexbor makes
    a new string each time)."""
    return [n for n in nodes if (tag := n.tag) != "-comment" and (tag != "-text" or (n.text_content or "").strip())]


def _children(node: LexborNode) -> list[LexborNode]:
    return list(node.iter(include_text=True))


_NOSCRIPT = re.compile(r"<noscript\b", re.IGNORECASE)
# what a page's head may hold before a <noscript> (the parser puts them, and it, there)
_HEAD_FIRST = ("<noscript", "<script", "<style", "<link", "<meta", "<base", "<title", "<template", "<!--")


def in_body(html: str) -> str:
    """``html`` to parse as a page's body: a ``<noscript>`` that opens it, or comes after only
    what a page's head holds (``<script>``, ``<link>``, ...), would go to the head, where the first
    block inside ends it and its content lands in the body (text when scripts run nowhere; the
    post's HTML leaves <noscript> out)."""
    if not html.lstrip()[:10].lower().startswith(_HEAD_FIRST) or _NOSCRIPT.search(html) is None:
        return html  # (a post opening with <p>, a heading, text...: no search)
    return "<body>" + html


def read_body(html: str, warnings: list[str], source: str | None = None) -> Body:
    """Split rendered body HTML into the parts of a post.

    ``source`` is the Markdown the HTML was rendered from, when it was: the producer writes its
    source line as an autolink, ``<https://...>``, and a paragraph that is a link written
    ``[https://...](https://...)`` renders the same, so only a URL written in ``<>`` there is
    one (a Jekyll post that ends with such a link and a few more keeps them as text).
    Elements are found by tag name (lexbor's getElementsByTagName), not by CSS selector:
    a selector is compiled on every query, which costs more than the search.
    """
    tree = LexborHTMLParser(in_body(html))
    tree.strip_tags(_DROPPED_TAGS)
    root = tree.body
    out = Body()
    if root is None:
        return out
    # lexbor skips the text nodes of ASCII white space alone (most of the root's: the line ends between
    # blocks) without making a node object for each; _significant drops the rest of the blank ones
    nodes = _significant(list(root.iter(include_text=True, skip_empty=True)))
    everything = nodes
    if nodes and nodes[0].tag == "blockquote" and _is_digest(nodes[0], nodes[1:]):
        out.summary = "\n".join(p for p in _paragraphs_of(nodes[0].html or "") if p) or None
        nodes = nodes[1:]
    nodes = _take_trailer(nodes, out, warnings, source)
    if _SOURCE_WORD in html or "&#" in html:  # no source name without it (or a character reference)
        nodes = _take_source_name(nodes, out)
    out.html = "".join(n.html or "" for n in nodes)
    images = tree.tags("img")
    if images:
        kept = {n.mem_id for n in nodes}
        lifted = {n.mem_id for n in everything if n.mem_id not in kept}
        _take_images(images, root, lifted, out, warnings)
    out.sections = _sections(out.html)
    return out


def _take_images(images: list[LexborNode], root: LexborNode, lifted: set[int], out: Body, warnings: list[str]) -> None:
    """Image sources of the article, in document order, without those of the lifted parts."""
    root_id = root.mem_id
    for img in images:
        if lifted and _top_level_of(img, root_id) in lifted:
            continue
        src = (img.attributes.get("src") or "").strip()
        if src and src not in out.images:
            if is_safe_url(src):
                out.images.append(src)
            else:
                warnings.append(f"dropped an image with an unsafe URL scheme: {src[:60]!r}")


def _top_level_of(node: LexborNode, root_id: int) -> int:
    """The mem_id of the child of the root that holds ``node``."""
    parent = node.parent
    while parent is not None and parent.mem_id != root_id:
        node, parent = parent, parent.parent
    return node.mem_id


def _is_digest(quote: LexborNode, rest: list[LexborNode]) -> bool:
    """The producer's digest: a lead blockquote whose opening a paragraph of the article repeats. Any other
    lead blockquote (an epigraph, an abstract) is the article's own."""
    opening = _squeezed(quote)[:_DIGEST_PROBE]
    if not opening:
        return False
    return any(opening in _squeezed(node) for node in rest if node.tag == "p")


def _squeezed(node: LexborNode) -> str:
    """The text of ``node`` without its white space (what folding it, then dropping the spaces, gives)."""
    return "".join(node.text(deep=True).split())


# --- trailer: source URL line and back links --------------------------------------------


def _link_only(node: LexborNode) -> list[LexborNode] | None:
    """The links of a paragraph made only of links and separators, else None."""
    if node.tag != "p":
        return None
    links = []
    for child in _children(node):
        if child.tag == "a":
            links.append(child)
        elif child.tag == "-text":
            if any(ch not in _LINK_SEPARATORS for ch in child.text_content or ""):
                return None
        elif child.tag not in ("br", "-comment"):
            return None
    return links or None


def _source_line(node: LexborNode, links: list[LexborNode] | None, source: str | None) -> str | None:
    """The URL of the producer's source line (``<https://...>`` alone, an autolink: written so in
    ``source`` when it is given), "" for its ``<>`` (no source), None when ``node`` (whose
    ``_link_only`` is ``links``) is not one."""
    if node.tag != "p":
        return None
    if links is None:
        return "" if node.text(deep=True).strip() == "<>" else None
    href = (links[0].attributes.get("href") or "").strip()
    if len(links) == 1 and href == _text(links[0]) and href.lower().startswith(("http://", "https://")):
        return href if source is None or f"<{href}>" in source else None
    return None


def _take_trailer(nodes: list[LexborNode], out: Body, warnings: list[str], source: str | None) -> list[LexborNode]:
    """The producer's trailer: its source URL line, then paragraphs of back links, at the end.
    Paragraphs of links that no source line opens are the article's own."""
    back: list[list[LexborNode]] = []  # the back links, last paragraph first
    start = len(nodes)
    while start > 0:
        links = _link_only(nodes[start - 1])
        url = _source_line(nodes[start - 1], links, source)
        if url is not None:
            break
        if links is None:
            return nodes
        back.append(links)
        start -= 1
    if start == 0:
        return nodes
    out.source_url = url or None
    for paragraph in reversed(back):
        for a in paragraph:
            href = (a.attributes.get("href") or "").strip()
            text = _text(a)
            if href and is_safe_url(href):
                out.links.append((text or href, href))
            else:
                warnings.append(f"dropped a back link with an empty or unsafe target: {href[:60]!r}")
    return nodes[: start - 1]


def _take_source_name(nodes: list[LexborNode], out: Body) -> list[LexborNode]:
    """The producer ends the article with its source line; look at its last few blocks only."""
    for i in range(len(nodes) - 1, max(-1, len(nodes) - 1 - _SOURCE_NAME_WINDOW), -1):
        node = nodes[i]
        if node.tag != "p":
            continue
        text = _text(node)
        match = _SOURCE_NAME.fullmatch(text)
        if match:
            out.source_name = match["name"]
            return nodes[:i] + nodes[i + 1 :]
    return nodes


# --- sections ------------------------------------------------------------------------------


def _paragraphs_of(html: str) -> list[str]:
    return [text for kind, text in _blocks(html) if kind == "p"]


def _blocks(html: str) -> list[tuple[str, str]]:
    """Flatten serialized HTML into ("h", heading) and ("p", paragraph) blocks, in document order.

    Every block tag ends the text before it, and a <br> splits a paragraph. A paragraph whose
    only content is one <strong> or <b> is a section heading, unless it reads as a bold lead
    sentence. The work is a few substitutions over the whole text, at C speed, and one step per
    block: no walk over the tree's nodes (and no recursion: a hostile file may nest thousands
    of levels deep).
    """
    if _END in html or _HEADING_MARK in html or _BREAK in html or _BOLD_MARK in html:
        html = html.translate(_MARKS)
    if "<!--" in html:
        html = _COMMENT.sub("", html)
    if "<xmp" in html or "<plaintext" in html or "<noembed" in html or "<noframes" in html:
        html = _RAW_TEXT.sub(_escape_raw_text, html)
    if "<strong" in html or "<b>" in html or "<b " in html:
        html = _BOLD_ONLY.sub(_mark_bold, html)
    if "<h" in html:
        html = _HEADING_OPEN.sub(_END + _HEADING_MARK, html)
    html = _BLOCK_TAG.sub(_END, html)
    if "<br" in html:
        html = _BR.sub(_BREAK, html)
    # white space folded once for the whole text; the one space a block or line may then have at
    # either end (beside an end mark or a <br>) is taken off that piece alone, not by passes over
    # the whole text
    text = fold(_plain(html))
    blocks: list[tuple[str, str]] = []
    for piece in text.split(_END):
        block = piece.strip(" ")
        if not block:  # an empty block (tags back to back) holds nothing
            continue
        mark = block[0]
        paragraph = block
        if mark in (_HEADING_MARK, _BOLD_MARK):
            whole = fold(block[1:].replace(_BREAK, " "))
            if mark == _HEADING_MARK or _is_heading_text(whole):
                if whole:
                    blocks.append(("h", whole))
                continue
            paragraph = block[1:].strip()
        if _BREAK in paragraph:
            for part in paragraph.split(_BREAK):
                line = part.strip(" ")
                if line:
                    blocks.append(("p", line))
        elif paragraph:
            blocks.append(("p", paragraph))
    return blocks


def _plain(html: str) -> str:
    """The text of serialized inline HTML: tags out, the serializer's four escapes read."""
    text = _TAG.sub("", html) if "<" in html else html
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\xa0").replace("&amp;", "&")


def _escape_raw_text(match: re.Match[str]) -> str:
    """A raw-text element's content is text, not tags: escaped as any other text is."""
    return match.group(2).replace("&", "&amp;").replace("<", "&lt;")


def _mark_bold(match: re.Match[str]) -> str:
    """Mark a bold-only paragraph, if its <strong> is one element (not ``<b>a</b> x <b>b</b>``)."""
    depth = 0
    for mark in _tag_marks(match["tag"]).finditer(match["content"]):
        depth += -1 if mark.group(1) else 1
        if depth < 0:
            return match.group(0)
    return match["open"] + _BOLD_MARK + match.group(0)[len(match["open"]) :]


@cache
def _tag_marks(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){tag}(?=[\s/>])")


def _is_heading_text(text: str) -> bool:
    return bool(text) and len(text) <= _MAX_HEADING_CHARS and not text.endswith(_SENTENCE_END)


def _sections(html: str) -> list[tuple[str | None, list[str]]]:
    sections: list[tuple[str | None, list[str]]] = []
    for kind, text in _blocks(html):
        if kind == "h":
            sections.append((text, []))
        elif sections:
            sections[-1][1].append(text)
        else:
            sections.append((None, [text]))
    return sections
