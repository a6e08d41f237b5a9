"""Jekyll's ``post.excerpt``, as plain text.

Jekyll 4's rule (``Document#generate_excerpt``, ``Jekyll::Excerpt``): an ``excerpt`` in the
front matter is the excerpt, as written. Otherwise the separator is the front matter's
``excerpt_separator``, else the site's (default ``"\\n\\n"``, the first blank line); an empty
one means no excerpt. The excerpt is the body as written up to the separator (all of it when
the separator is not there; Jekyll's body starts after the blank lines that follow the front
matter, and a file without front matter is its body from the first byte: a blank line first
leaves the excerpt empty); when the body goes on, Liquid blocks opened in it and not closed
are closed, and the reference-style link definitions from the rest that it uses are appended.
Then it is rendered as the post is (Liquid, then Markdown) and its text taken.
"""

from __future__ import annotations

import re
from html import unescape
from typing import TYPE_CHECKING, Any

from selectolax.lexbor import LexborHTMLParser

from postdrop.core.body import in_body
from postdrop.core.decode import as_read
from postdrop.core.limits import tags_end
from postdrop.core.spaces import fold

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["excerpt_source", "jekyll_excerpt", "plain_text", "separator_unseen"]

_LIQUID_TAG = re.compile(r"{%-?\s*(\w+)\s*.*?-?%}", re.DOTALL)
# Liquid's block tags (Jekyll's highlight among them): an excerpt that opens one is closed.
_BLOCKS = frozenset({"if", "unless", "for", "case", "capture", "comment", "raw", "tablerow", "ifchanged", "highlight"})
# every "[...]" of a text, from each "[" to the first "]" after it (overlapping)
_BRACKETED = re.compile(r"(?=(\[[^\]]+\]))")
_LINK_DEFINITION = re.compile(r"^ {0,3}(?:(\[[^\]]+\])(:.+))$", re.MULTILINE)
_DROPPED = ["script", "style", "noscript", "template", "iframe", "object", "embed", "title", "head"]
_BREAK = "\ue000"
_DROPPED_OPEN = re.compile(rf"<(?:{'|'.join(_DROPPED)})(?=[\s/>])", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")  # a private-use character marks the end of each block while the text is read
_BLOCK_END = re.compile(
    r"</(?:p|h[1-6]|li|dt|dd|pre|blockquote|div|tr|td|th|table|ul|ol|dl|figcaption|section|article)\s*>|<br\s*/?>",
    re.IGNORECASE,
)
# Ruby's \s, which Jekyll's front matter pattern takes after the closing "---": ASCII white space
# alone (a line holding a no-break space is a paragraph, the excerpt when it comes first)
_LEADING_BLANK_LINES = re.compile(r"[ \t\r\n\f\v]*\n")
# a footnote's number before its text: a list number in kramdown's HTML, not text
_FOOTNOTE_LABEL = re.compile(r'<sup class="footnote-definition-label">[^<]*</sup>')


def excerpt_source(body: str, separator: str, written: str | None = None, *, fenced: bool = True) -> str:
    """The part of ``body`` (before Liquid) that Jekyll renders as the excerpt.

    ``written`` is the same body with its line ends as written, when they are not all LF:
    Jekyll looks for the separator there (``decode.written_suffix``). ``fenced``: whether the
    body follows front matter (its leading blank lines are then not Jekyll's)."""
    blank = _LEADING_BLANK_LINES.match(body if written is None else written) if fenced else None
    if written is None:
        head, _, tail = body[blank.end() if blank else 0 :].partition(separator)
    else:
        head, _, tail = written[blank.end() if blank else 0 :].partition(separator)
        head, tail = as_read(head), as_read(tail)
    if not tail:
        return head
    if "{%" in head:
        head = _close_liquid_blocks(head)
    definitions = _definitions_used(head, tail)
    if not definitions:
        return head
    # Jekyll joins them with "\n", and kramdown reads each line as a definition of its own (apart,
    # one whose title holds a "|" would be a table's row). The footnotes' come last, each apart:
    # postdrop's reader would read "[0]: url" under "[^1]: note" as the note's text, and where a
    # note is defined does not change what kramdown makes of it
    links = "\n".join(definition for definition in definitions if not definition.startswith("[^"))
    notes = "\n\n".join(definition for definition in definitions if definition.startswith("[^"))
    return head + "\n\n" + links + ("\n\n" + notes if links and notes else notes)


def _definitions_used(head: str, tail: str) -> list[str]:
    """The link definitions of ``tail`` whose ``[label]`` is in ``head`` (Jekyll's rule), found
    through the set of every ``[...]`` in ``head``: one pass each, whatever their numbers."""
    if "[" not in tail or "[" not in head:
        return []
    labels = set(_BRACKETED.findall(head))
    return [label + rest for label, rest in _LINK_DEFINITION.findall(tail) if label in labels]


def jekyll_excerpt(
    meta: dict[str, Any],
    body: str,
    default_separator: str,
    render: Callable[[str], str],
    written: str | None = None,
    *,
    fenced: bool = True,
) -> str:
    """The excerpt's text; empty when the separator is (Jekyll makes none).

    ``render`` turns source as written (Liquid and Markdown) into HTML, as the post's body is;
    ``written`` is the body with its line ends as written, when they are not all LF; ``fenced``:
    whether the body follows front matter (a file without any is its body from its first byte)."""
    chosen = meta.get("excerpt")
    if chosen is not None and chosen is not False:  # Jekyll's excerpt drop: its to_s (["a", "b"] for a list)
        if isinstance(chosen, str):
            return plain_text(chosen)
        from postdrop.core.liquid import ruby_to_s  # noqa: PLC0415 - a post without Liquid never imports it

        return plain_text(ruby_to_s(chosen))
    separator = _separator(meta, default_separator)
    if not separator:
        return ""
    source = excerpt_source(body, separator, written, fenced=fenced)
    if source.startswith(">"):  # a quote (the first producer's digest): its text is its content's
        source = _unquoted(source)
    if _is_plain(source):  # what rendering it would give: its paragraphs' text as written
        return "\n".join(text for paragraph in source.split("\n\n") if (text := " ".join(paragraph.split())))
    return plain_text(render(source))


def _separator(meta: dict[str, Any], default_separator: str) -> str:
    separator = meta.get("excerpt_separator")
    return default_separator if separator is None or separator is False else str(separator)


def separator_unseen(meta: dict[str, Any], body: str, default_separator: str, written: str | None) -> str | None:
    """A warning for a file whose line ends (CRLF, CR) hide the excerpt's separator from Jekyll,
    which looks for it in the file as written, when the body read with LF line ends has it: the
    whole post is then the excerpt (what a re-save on Windows does to a teaser); else None."""
    if written is None or meta.get("excerpt") not in (None, False):
        return None
    separator = _separator(meta, default_separator)
    if not separator or separator in written or separator not in body.strip("\n"):
        return None
    return (
        "the file's line ends are not LF, and Jekyll looks for the excerpt separator (a blank line by default)"
        " in them: jekyll_excerpt is the whole post; save it with LF line ends, or set excerpt_separator"
    )


def _unquoted(source: str) -> str:
    """A block quote's content, when each of its lines opens with ``>`` (one ``>`` and one space
    off each line); else ``source`` as it is (lazy lines are left to the renderer)."""
    lines = source.rstrip("\n").split("\n")
    if not all(line.startswith(">") for line in lines):
        return source
    return "\n".join(line[2:] if line.startswith("> ") else line[1:] for line in lines)


def _is_plain(source: str) -> bool:
    """Whether ``source`` reads as its own text, whatever Liquid, kramdown and pulldown-cmark do:
    words and sentence punctuation only (no character that Liquid, Markdown, HTML or typography
    reads), no line that opens a block other than a paragraph, and no hard line break. Most
    excerpts (a first paragraph of prose) are; they need not be rendered to be read."""
    if not _PLAIN_CHARACTERS.fullmatch(source) or "_" in source or "  \n" in source:
        return False
    return "--" not in source and "..." not in source and _LINE_OPENS_BLOCK.search(source) is None


# words (an underscore is emphasis: tested apart), spaces and punctuation no reader gives a meaning
_PLAIN_CHARACTERS = re.compile(r"[\w \n,.;:?!%/@()+=\-“”‘’，。、；：？！（）《》「」『』【】—…·]*")
# a line that opens indented, with what may open a list, a rule, an underline or a definition,
# or with an ordered item's number
_LINE_OPENS_BLOCK = re.compile(r"^(?:[ \-+=:]|\d+[.)])", re.MULTILINE)


def plain_text(html: str) -> str:
    """The text of HTML: each block on a line, white space folded, what is not text dropped."""
    if "<" not in html and "&" not in html:
        return fold(html)
    if "footnote-definition-label" in html:
        html = _FOOTNOTE_LABEL.sub("", html)
    html = html.replace(_BREAK, "")
    if "<!--" not in html and not _DROPPED_OPEN.search(html):  # only tags to remove: no parser needed
        marked = _BLOCK_END.sub(_BREAK, html)
        end = tags_end(marked)
        text = unescape(_TAG.sub("", marked[:end]) + marked[end:])
        return "\n".join(folded for block in text.split(_BREAK) if (folded := fold(block)))
    tree = LexborHTMLParser(in_body(_BLOCK_END.sub(_BREAK + r"\g<0>", html)))
    tree.strip_tags(_DROPPED)
    text = tree.body.text(deep=True) if tree.body is not None else ""
    return "\n".join(folded for block in text.split(_BREAK) if (folded := fold(block)))


def _close_liquid_blocks(head: str) -> str:
    """Jekyll's ``sanctify_liquid_tags``: each block tag opened and never closed is closed at the end
    (once a name: the closing tag added closes the name's other openings too, as in Jekyll)."""
    tags = head[: head.rfind("%}") + 2]  # every "{%" read has a "%}" after it: one pass
    done: set[str] = set()
    for name in reversed(_LIQUID_TAG.findall(tags)):
        if name in _BLOCKS and name not in done:
            done.add(name)
            if not re.search(rf"{{%-?\s*end{name}.*?\s*-?%}}", head, re.DOTALL):
                head += f"\n{{% end{name} %}}"
    return head
