"""Jekyll's rendered post beside postdrop's reading of it: the comparison both ways.

The comparison's own rules (not postdrop's): kramdown's typographic quotes and dashes fold
to ASCII; footnote back-links (↩), rouge's line-number gutters and the table of contents
kramdown generates for ``{:toc}`` are navigation, not text; MathJax delimiters
(``\\[ \\]``, ``\\( \\)``) around kramdown's math are dropped; white space is folded away.
What postdrop drops from every post on purpose (``<script>``, ``<style>`` and the other
elements body.py drops: no script reaches a subscriber) is left out of Jekyll's text too.

- forward: every text block Jekyll renders (paragraph, list item, heading, table cell,
  definition, caption, each line of code) is in postdrop's ``text``;
- reverse: every line of postdrop's ``text`` is in Jekyll's text;
- no Liquid, kramdown, HTML or Markdown syntax in ``text`` more often than in Jekyll's.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

__all__ = ["SYNTAX", "TYPOGRAPHY", "fold", "jekyll_text", "text_problems"]

TYPOGRAPHY = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "«": "<<", "»": ">>"}
)
_BLOCKS = "p, h1, h2, h3, h4, h5, h6, li, td, th, dt, dd, caption, figcaption, pre"
_NAVIGATION = "a.reversefootnote, td.gutter, td.rouge-gutter, .lineno, #markdown-toc"
_DROPPED = "script, style, noscript, template, iframe, object, embed, title, head"
_MATH_DELIMITERS = re.compile(r"\\\[|\\\]|\\\(|\\\)")
# Syntax that Jekyll's reading consumes: none of it may be in postdrop's text more often than in Jekyll's.
SYNTAX = {
    "Liquid": re.compile(r"{%|%}|{{|}}"),
    # attribute lists, footnote marks, abbreviations, an end-of-block "^" line, a table's rule lines
    "kramdown": re.compile(r"{:|\[\^[^\]]*\]|^\*\[|^[ \t]*\^[ \t]*$|^[ \t|+:]*(?:[-=—–][ \t|+:]*){3,}$", re.MULTILINE),
    "HTML": re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>"),
    "Markdown": re.compile(r"\*\*|__|\]\(|^#{1,6}[ \t]|^```|^~~~|^\|.*\|$|\$\$", re.MULTILINE),
}


def fold(text: str) -> str:
    return re.sub(r"\s+", "", _MATH_DELIMITERS.sub("", text.translate(TYPOGRAPHY)))


def jekyll_text(html: str) -> tuple[list[str], str]:
    """Jekyll's text blocks (the text of each block element) and its whole text."""
    tree = LexborHTMLParser(html)
    for node in tree.css(_NAVIGATION):
        node.decompose()
    tree.strip_tags(_DROPPED.split(", "))
    blocks: list[str] = []
    for node in tree.css(_BLOCKS):
        if node.tag == "pre":
            blocks.extend(line for line in node.text(deep=True).split("\n") if line.strip())
        else:
            blocks.append(node.text(deep=True))
    body = tree.body
    return [b for b in blocks if b.strip()], body.text(deep=True) if body is not None else ""


def text_problems(ours: str, html: str, *, kept_words: str = "") -> list[str]:
    """How postdrop's ``text`` differs from the text of Jekyll's ``html``, both ways.
    ``kept_words``: Jekyll blocks (and postdrop lines) holding these are left out on purpose."""
    blocks, whole = jekyll_text(html)
    lines = [line for line in ours.split("\n") if line.strip()]
    if kept_words:
        blocks = [b for b in blocks if kept_words not in b]
        lines = [line for line in lines if kept_words not in line]
    problems = []
    folded = fold(ours)
    missing = [b for b in blocks if fold(b) not in folded]
    if missing:
        problems.append(f"{len(missing)} of {len(blocks)} Jekyll text blocks missing, first: {missing[:3]}")
    theirs = fold(whole)
    extra = [line for line in lines if fold(line) not in theirs]
    if extra:
        problems.append(f"{len(extra)} of {len(lines)} lines of postdrop's text not in Jekyll's, first: {extra[:3]}")
    # Jekyll's text as postdrop writes its lines: stripped, or one line a block, spaces folded, or
    # one line in all (a "|...|" line of an element that is no block, a <figure>'s, is a line of
    # its own in Jekyll's text, where the table-row pattern takes the "__" inside it whole)
    stripped = "\n".join(line.strip() for line in whole.split("\n"))
    joined = "\n".join(" ".join(block.split()) for block in blocks)
    flat = " ".join(whole.split())
    for kind, pattern in SYNTAX.items():
        theirs_count = max(len(pattern.findall(text)) for text in (whole, stripped, joined, flat))
        more = len(pattern.findall(ours)) - theirs_count
        if more > 0:
            problems.append(f"{more} more {kind} syntax than Jekyll's text: {pattern.findall(ours)[:5]}")
    return problems
