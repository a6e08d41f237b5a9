"""The parts of a kramdown source that no rewrite may change: code and math.

kramdown reads a post block by block, and inside a block span by span; code and math are
read as they stand, and nothing written inside them is Markdown, Liquid's leftovers or
kramdown syntax. The rewrites of the kramdown package work on the source text, so before any of
them runs, this package finds what kramdown would read as code or math and puts a token in
its place; the rewrites cannot see inside, whatever their patterns are.

What is opaque, as kramdown's grammar has it:

- HTML blocks: a block-level element opening a line, to its matching close tag, is read as
  HTML (its blank lines go: CommonMark would end the block there; a blank line after it, as
  kramdown ends it at the close tag); a "<" in it that kramdown reads as no tag is text;
- blocks, found line by line: fenced code (``` and ~~~, closed, with one word or none after
  the fence: kramdown reads any other fence line as text, and so it is escaped); indented
  code (four columns, after a blank line, not inside a list item);
  ``$$ ... $$`` math standing alone between block boundaries (blank lines and all); an HTML
  ``<pre>``, ``<script>``, ``<style>`` or ``<textarea>`` element opening a line (Jekyll's
  ``{% highlight %}`` arrives as one);
- spans, found within a paragraph: a code span (a backtick run to the next run of the same
  length, not empty; one space off each end of a longer run's; one backtick between spaces
  is text); an XML-namespaced tag (``<some:tag>``: HTML to kramdown, text to CommonMark);
  kramdown's raw HTML span elements (``<code>``, ``<kbd>``, ``<samp>``, ``<var>``, and every
  element whose content kramdown does not read as Markdown in a paragraph: ``<u>``, ``<mark>``,
  ``<s>``, ``<font>``, a name HTML does not have; read as spanhtml.raw_element reads them: tags
  nest, text is escaped; and the raw blocks above); a fenced code block inside a block quote
  (its lines, markers and all, go back to the source, as fenced code does);
  ``$$ ... $$`` math, and ``\\$$ ... $$`` opening a block and ending its line (kramdown's
  block-math escape takes the backslash off: inline math). A code span does not cross from one
  table row into the next.

Code blocks are given back to the Markdown source before CommonMark renders it (pulldown-cmark
reads fenced and indented code as kramdown does). Spans, math and raw HTML elements are
rendered here, into the HTML, after it: CommonMark never sees their text.

A token is two or three characters of Unicode planes 15 and 16 (private use). A post's own
characters of those planes are tokens too, each rendering as itself, so a token in the output
is always one of ours.

The package, by what each module finds: blocks.py (code, math and raw blocks, line by line),
htmlblocks.py (HTML blocks, to their close tag), spans.py (code spans, raw span elements and
math in a paragraph), lookback.py (what the lines above a line say), tokens.py (the tokens and
what they stand for), lines.py (reading by offsets); ``mask`` here runs them over a post.
"""

from __future__ import annotations

import html
import re
import sys

from postdrop.core.limits import INLINE_MARKS, MAX_ELEMENTS, MAX_INLINE_MARKS, MAX_MARKDOWN_LINES
from postdrop.core.opaque.blocks import (
    LAZY_END_LINE,
    LINK_TITLE,
    FenceScans,
    after_definition,
    block_end_at,
    comment_end,
    holds_blocks,
    into_item,
    lazy_code,
    lengthened_close,
    loose_line,
    markdown_block_open,
    next_candidate,
    quote_content,
    quoted_code,
    quoted_fence,
)
from postdrop.core.opaque.htmlblocks import (
    HtmlBlocks,
    ends_paragraph,
    escape_broken_tags,
    nested_raw_html,
    opens_commonmark_block,
    tag_pattern,
    unknown_open_before,
)
from postdrop.core.opaque.lines import (
    HTML_BLOCK_OPEN,
    LOOK_BACK,
    NON_SPACE,
    NextMatch,
    columns,
    line_end_at,
    look_back,
    new_look_budget,
    spend,
)
from postdrop.core.opaque.lookback import PageLines, in_list, item_column
from postdrop.core.opaque.spans import mask_spans
from postdrop.core.opaque.tokens import Masked, Tokens
from postdrop.core.spanhtml import HTML_ELEMENTS
from postdrop.exceptions import PostRejected

__all__ = ["LOOK_BACK", "Masked", "after_definition", "look_back", "mask", "quote_content", "tag_pattern"]

# the size of a four-byte string, less its characters and their terminator
_WIDE_STRING_HEADER = sys.getsizeof("\U00010000") - 4 * 2
_PRIVATE = re.compile("[\U000f0000-\U0010ffff]")
_MARKDOWN_OFF = re.compile(r"\smarkdown\s*=", re.IGNORECASE)  # markdown="0" (or "1": not a block here)
# kramdown's {::options parse_block_html="true" /} on a line of its own (kramdown/html.py's html_options)
_BLOCK_HTML_ON = re.compile(r"(?:^|\n) {0,3}\{::options\b[^}\n]{0,300}?\bparse_block_html\s*=\s*[\"']?true\b")
_NOSCRIPT = re.compile(r" {0,3}<noscript(?=[\s>])", re.IGNORECASE)
_NOSCRIPT_CLOSE = re.compile(r"</noscript\s*>[ \t]*$", re.IGNORECASE)
_ITEM_LINE = re.compile(r"\n[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]")  # a line that opens a list item
# a block attribute list alone on the rest of a line (kramdown's IAL_BLOCK: `\}` may be in it)
_BLOCK_IAL = re.compile(r"[ \t]*\{:(?![:/])(?:\\\}|[^}\n])+\}[ \t]*")


# the quote and list markers that open a line (possessive: a line of a million "- " keeps no
# backtracking entry for each)
_CONTAINER_MARKERS = re.compile(r"^[ \t]*+(?:>[ \t]*+|(?:[*+-]|\d{1,9}[.)])[ \t]++)++", re.MULTILINE)
_ITEM_MARKER = re.compile(r"[*+-]|\d{1,9}[.)]")


def _containers(text: str) -> int:
    """How many block quotes and list items the lines' markers could open, at most: each list
    marker, and each quote marker past the quotes of the line above. The Markdown engine (in Rust,
    which ends the process when an allocation fails) keeps each in memory before the element cap
    can count them: a line of a million "- " took 300 MB."""
    opened = quotes_above = 0
    next_line = -1  # where the line after the last one with markers starts
    for marks in _CONTAINER_MARKERS.finditer(text):
        prefix = marks.group()
        quotes = prefix.count(">")
        held = quotes_above if marks.start() == next_line else 0  # the quotes a line right under keeps
        opened += sum(1 for _ in _ITEM_MARKER.finditer(prefix)) + max(0, quotes - held)  # no list of them
        quotes_above, next_line = quotes, text.find("\n", marks.end()) + 1
    return opened


def mask(text: str) -> Masked:
    """``text`` with its code and math replaced by tokens (see the module's docstring).

    The text is read by offsets, not split into lines: a line is cut out only where a block may
    open, and prose between such lines is taken whole, so a post of a million short lines costs
    no million strings (nor twice as many)."""
    if text.count("<") > 2 * MAX_ELEMENTS:  # each is a place to look at: more than the element cap can hold
        raise PostRejected(
            f"the body has more than {2 * MAX_ELEMENTS:,} '<' (tags or guillemets), more than its"
            f" {MAX_ELEMENTS:,} elements can hold; postdrop reads no more in one post"
        )
    if (lines := text.count("\n") + (not text.endswith("\n"))) > MAX_MARKDOWN_LINES:
        raise PostRejected(
            f"the Markdown body has {lines:,} lines; postdrop reads at most {MAX_MARKDOWN_LINES:,} in one post"
        )
    if len(text) > MAX_INLINE_MARKS and (marks := sum(map(text.count, INLINE_MARKS))) > MAX_INLINE_MARKS:
        raise PostRejected(
            f"the Markdown body has {marks:,} marks of emphasis, links, code or tables ({' '.join(INLINE_MARKS)});"
            f" postdrop reads at most {MAX_INLINE_MARKS:,} in one post"
        )
    if len(text) > 2 * MAX_ELEMENTS and (opened := _containers(text)) > MAX_ELEMENTS:  # two characters a marker
        raise PostRejected(
            f"the body opens {opened:,} block quotes and list items, more than the {MAX_ELEMENTS:,} elements postdrop"
            " reads in one post"
        )
    new_look_budget()  # this text's looks back, here and in the rewrites after the masking
    masked = Masked(text)
    tokens = masked.tokens = Tokens(masked)
    if _may_hold_planes_15_16(text) and _PRIVATE.search(text):
        text = _PRIVATE.sub(lambda m: tokens.rendered(m.group(0), m.group(0)), text)
    out: list[str] = []  # the masked text: whole lines, one or more an entry
    prose: list[str] = []  # the current run of prose (as out's entries), masked span by span at its end

    def flush() -> None:
        if prose:
            out.append(mask_spans("\n".join(prose), tokens))
            prose.clear()

    size = len(text)
    pos = 0  # where the line the scan stands at starts; size + 1 past the last line
    unclosed: dict[str, int] = {}
    html_blocks = HtmlBlocks(text)
    on = _BLOCK_HTML_ON.search(text) if "parse_block_html" in text else None
    markdown_from = size + 1 if on is None else on.start()  # where HTML blocks start to hold Markdown
    after_html = -1  # where the line after an HTML block starts: a blank line goes before it
    closers, blank_lines = NextMatch(text, _COMMENT_CLOSER), NextMatch(text, _BLANK_LINE_AFTER)
    item_lines, lazy_ends = NextMatch(text, _ITEM_LINE), NextMatch(text, LAZY_END_LINE)
    fences: FenceScans = {}  # _quoted_fence's scans
    page = PageLines(text)  # a list item's line or a paragraph of the page, last above a line
    continued: dict[tuple[int, int], NextMatch] = {}  # _contained_html's, by container
    while (c := next_candidate(text, pos)) >= 0:  # lines before it are prose: taken whole
        if c > pos:
            prose.append(text[pos : c - 1])
        pos = c
        end = line_end_at(text, pos)
        line = text[pos:end]
        if not line.strip():
            prose.append(line)
            pos = end + 1
            continue
        above = text.rfind("\n", 0, pos - 1) + 1  # where the line above starts
        blank_before = pos in (0, after_html) or NON_SPACE.search(text, above, pos - 1) is None
        if html_blocks.stray_close(pos, line):  # a close tag that closes nothing: text to kramdown
            at = line.index("<")
            prose.append(f"{line[:at]}&lt;{line[at + 1 :]}")
            pos = end + 1
            continue
        comment = None
        if "<!--" in line:  # a block opens after a blank line, a block the masking took, a heading
            block_start = blank_before or not prose or text.startswith("#", above)
            if not block_start and text.startswith(("[", " [", "  [", "   ["), above):
                block_start = after_definition(text, above)  # a link definition ends its block
            comment = comment_end(line, pos, block_start, closers, blank_lines)
        if comment is not None:
            kind, close = comment
            at = line.index("<")
            if kind == "text":  # under a paragraph's line, closed past its end: text to kramdown
                prose.append(f"{line[:at]}&lt;{line[at + 1 :]}")
                pos = end + 1
                continue
            close_line_end = line_end_at(text, close)
            if kind == "span":  # kramdown's paragraph goes on over it (CommonMark's HTML block would end it)
                written = text[pos + at : close]
                prose.append(line[:at] + tokens.rendered(written, written) + text[close:close_line_end])
                pos = close_line_end + 1
                continue
            # a comment opening a block: read whole, to its close (no Markdown)
            flush()
            out.append(tokens.source(text[pos:close], block=True))  # no Markdown under parse_block_html either
            rest = text[close:close_line_end]
            if rest.strip():  # kramdown reads a block from its close on (a paragraph, a heading...)
                out.append("")
                prose.append(rest.lstrip(" \t"))
            pos = close_line_end + 1
            continue
        if "/" in line and (unknown := _UNKNOWN_TAG_LINE.fullmatch(line)) is not None:
            name = unknown.group(2).lower()
            if name not in HTML_ELEMENTS and unknown.group(1):  # a close tag no open tag of its name matches
                if unknown_open_before(text, pos, unknown.group(2)) is None:
                    at = line.index("<")
                    prose.append(f"{line[:at]}&lt;{line[at + 1 :]}")  # text to kramdown
                    pos = end + 1
                    continue
            elif name not in HTML_ELEMENTS and unknown.group(3):
                # an element HTML does not have, closed in its tag (<Directory />): kramdown's HTML
                # block, which ends the paragraph above it; a block starts under it
                flush()
                if not blank_before:
                    out.append("")
                out.append(token := tokens.source(line.lstrip(" "), block=True))
                masked.html_blocks.add(token)
                if end < size and NON_SPACE.search(text, end + 1, line_end_at(text, end + 1)) is not None:
                    out.append("")
                pos = after_html = end + 1
                continue
        if line[:1] != "<" and pos < markdown_from and (contained := _CONTAINED_OPEN.match(line)) is not None:
            found = _contained_html(text, pos, line, contained.group(1), html_blocks, continued)
            if found is not None:
                last, before, block, shown, lines_after = found
                flush()
                if before is not None:
                    out.append(before)
                # read as it stands, as HTML: CommonMark reads the token as a paragraph's text (a
                # paragraph of its own, which to_html takes off)
                shown = masked.to_html(escape_broken_tags(mask_spans(shown, tokens, raw_only=True)))
                out.append(contained.group(1) + tokens.rendered(block, shown, block=True))
                out += lines_after[:-1]
                if lines_after[-1]:
                    prose.append(lines_after[-1])
                pos = last + 1
                continue
        if line[:1] in (" ", "\t") and "<" in line and columns(line) >= 4:
            item_html = _item_html(text, pos, line, out, prose, page, html_blocks)
            if item_html is not None:  # an HTML block in a list item: read whole, as HTML
                last, shown = item_html
                flush()
                lead = line[: len(line) - len(line.lstrip(" \t"))]
                shown = masked.to_html(escape_broken_tags(mask_spans(shown, tokens, raw_only=True)))
                out.append(lead + tokens.rendered(text[pos + len(lead) : last], shown, block=True))
                pos = last + 1
                continue
        last_html = html_blocks.end(pos, line)
        if last_html is not None and _NOSCRIPT.match(line) is not None:
            # CommonMark opens no HTML block at <noscript> with more on its line: it would wrap
            # the element in a paragraph that its first block inside closes, leaving that block
            # (a browser's text when scripts are off) outside it. Raw, as kramdown writes it
            flush()
            if not blank_before:
                out.append("")  # kramdown ends the paragraph above at the block's tag
            out.append(tokens.rendered(text[pos:last_html], text[pos:last_html], block=True))
            if last_html < size and NON_SPACE.search(text, last_html + 1, line_end_at(text, last_html + 1)) is not None:
                out.append("")  # and the element at its close tag
            pos = after_html = last_html + 1
            continue
        tail = ial = ""
        if last_html is not None and html_blocks.close_end < last_html:
            tail = text[html_blocks.close_end : last_html]
            if tail.strip() and tail.lstrip()[:1] not in ("<", "{"):
                # text after the close tag on its line: kramdown ends the block at the tag and
                # reads the rest as a paragraph (whose lines go on under it)
                last_html = html_blocks.close_end
            else:
                if tail[:1] != "<" and _BLOCK_IAL.fullmatch(tail) is not None:
                    # a block attribute list right after the close tag, alone (</iframe>{: height="3"}):
                    # kramdown's, the element's, as on the line under it
                    last_html, ial = html_blocks.close_end, tail.strip()
                tail = ""
        if last_html is not None and tail:
            flush()
            if not blank_before and not ends_paragraph(line):
                out.append("")  # as below
            out += [tokens.source(text[pos:last_html], block=True), ""]
            prose.append(line[: len(line) - len(line.lstrip(" \t"))] + tail.lstrip(" \t"))  # in its list item too
            pos = line_end_at(text, last_html) + 1
            continue
        if last_html is not None:  # an HTML block: read whole, to its close tag
            flush()
            block = escape_broken_tags(mask_spans(text[pos:last_html], tokens, raw_only=True))
            as_html = pos < markdown_from or _MARKDOWN_OFF.search(line) is not None or not holds_blocks(line)
            if as_html:
                block = "\n".join(part for part in block.split("\n") if part.strip())
            # else the kramdown package reads it as Markdown (parse_block_html): its blank lines part its blocks
            if not blank_before and not ends_paragraph(line):
                out.append("")  # kramdown ends a paragraph above at the tag (<picture>, <video>), CommonMark not
            if as_html and not opens_commonmark_block(line):
                # CommonMark would read the line as a paragraph's, its Markdown too: written as it is
                out.append(tokens.rendered(text[pos:last_html], masked.to_html(block), block=True))
            else:
                out.append(token := tokens.source(block, block=True))  # one token: its lines are one block
                masked.html_blocks.add(token)
            if ial:  # read as the attribute list's own line under the block
                prose.append(ial)
                pos = line_end_at(text, last_html) + 1
                continue
            after = last_html + 1
            if last_html < size and NON_SPACE.search(text, after, line_end_at(text, after)) is not None:
                out.append("")  # kramdown ends the block at its close tag; CommonMark at a blank line
            pos = after_html = after
            continue
        # a link definition ends its block in kramdown: indented lines under one are code
        # (a quoted title under it is the definition's)
        defined_above = (
            not blank_before
            and text.startswith(("[", " [", "  [", "   ["), above)
            and after_definition(text, above)
            and LINK_TITLE.fullmatch(line) is None
        )
        quoted = quoted_fence(text, pos, line, fences) if ">" in line else None
        if quoted is not None:  # code in a quote: its lines go back to the source, markers and all
            flush()
            out.append(tokens.source(text[pos:quoted], block=True))
            pos = quoted + 1
            continue
        indented = quoted_code(text, pos, line, blank_before) if ">" in line[:4] else None
        if indented is not None:  # indented code in a quote: its lines as CommonMark reads them alike
            flush()
            out.append(tokens.source(indented[1], block=True))
            pos = indented[0] + 1
            continue
        heading_above = not blank_before and text.startswith("#", above) and _ATX_LINE.match(text, above) is not None
        if not blank_before and not heading_above and text.startswith("<", above) and "markdown" in text[above:pos]:
            heading_above = markdown_block_open(text[above : pos - 1])  # a block starts under it too
        block_end = block_end_at(
            text, pos, line, blank_before or defined_above, out, prose, unclosed, code_may_open=heading_above, page=page
        )
        if block_end is None:
            prose.append(line)
            pos = end + 1
            continue
        kind, last, head, tail = block_end
        if kind == "text":  # escaped, so that CommonMark reads text too
            at = len(line) - len(line.lstrip())
            ticks = line[at : len(line) - len(line[at:].lstrip("`"))]
            if ticks:  # a code span's opening, when its paragraph closes it (a fence line there opens no block)
                paragraph_end = blank_lines.at(pos)
                limit = size if paragraph_end < 0 else paragraph_end
                # a list item's line ends the paragraph too, and so does a line opening with a
                # block's tag, an attribute list or a "^"
                for stops in (item_lines, lazy_ends):
                    if 0 <= (stop := stops.at(pos + len(line))) < limit:
                        limit = stop
                close = text.find(ticks, pos + len(line), limit)
                if close >= 0:
                    inner = text[pos + at + len(ticks) : close].removeprefix(" ").removesuffix(" ")
                    span = tokens.span(
                        text[pos + at : close + len(ticks)],
                        f'<code class="language-plaintext highlighter-rouge">{html.escape(inner, quote=False)}</code>',
                    )
                    close_end = line_end_at(text, close)
                    prose.append(line[:at] + span + text[close + len(ticks) : close_end])
                    pos = close_end + 1
                    continue
            if ticks:  # as entities: no two fence lines' runs pair as a code span, and no escape shows
                prose.append(line[:at] + "&#96;" * len(ticks) + line[at + len(ticks) :])
            else:  # (a tilde run keeps its strike: kramdown's "~~~a~~~" strikes "~a~")
                prose.append(f"{line[:at]}\\{line[at:]}")
            pos = end + 1
            continue
        if kind.startswith("loose"):  # text: its marker escaped (and at a block's start its indentation gone)
            prose.append(loose_line(line if kind == "loose marker" else line.lstrip(" \t")))
            pos = end + 1
            continue
        flush()
        region = text[pos:last]
        if kind.startswith("short "):  # closed by a shorter run (kramdown's pattern backtracks): CommonMark's close too
            kind, region = kind[6:], lengthened_close(region)
        if kind.startswith("item fence:"):  # a fence on a lazy line of a list item: into the item
            column, margin = kind[11:-1].split(",")
            lead = " " * int(column)
            out.append(lead + (token := tokens.source(into_item(region, lead, int(margin))[len(lead) :], block=True)))
            masked.item_code[token] = (len(lead), kind[-1], int(margin))  # the lazy lines under it are the item's too
        elif kind.startswith("fence:"):  # a fence indented inside its list item
            # kramdown keeps the fence's own indentation in its code; CommonMark takes it off
            keep = " " * int(kind[6:])
            code = region.split("\n")
            code[1:-1] = [keep + code_line if code_line.strip() else code_line for code_line in code[1:-1]]
            written = "\n".join(code)
            lead = written[: len(written) - len(written.lstrip(" \t"))]
            out.append(lead + tokens.source(written[len(lead) :], block=True))
        elif kind == "code":  # one token for the block: its lines go back to the source together
            if defined_above:
                out.append("")  # CommonMark would read the lines as the definition's paragraph
            # the token stands where the block's first line does (its indentation before it, a list
            # item's marker when the fence opens the item): the lines below see the block's column
            lead = head or region[: len(region) - len(region.lstrip(" \t"))]
            closing = region[region.rfind("\n") + 1 :]
            if closing.endswith("\t") and closing.lstrip(" \t")[:3] in ("```", "~~~"):
                region = region.rstrip(" \t")  # a fence's close line: CommonMark takes no tab after it
            out.append(lead + tokens.source(region[len(lead) :], block=True))
        elif kind.startswith("item lazy code:"):  # in a list item: rendered, at the column of its text
            text_column = int(kind[15:])
            out.append(" " * text_column + tokens.rendered(region, lazy_code(region, text_column), block=True))
        elif kind == "lazy code":  # rendered here: CommonMark ends it at its first lazy line
            out.append(tokens.rendered(region, lazy_code(region), block=True))
        elif kind == "nested raw":  # a raw element whose close tag an element inside it holds
            body = region[: len(region) - len(tail)]
            out.append(tokens.rendered(body, nested_raw_html(body), block=True) + tail)
        else:
            body = region[len(head) : len(region) - len(tail)]
            out_html = _render_block(kind, body)
            if kind == "raw" and body[:4].lower() == "<pre":  # a "<" opening no tag kramdown reads: text
                out_html = escape_broken_tags(out_html)
            token = tokens.rendered(body, out_html, block=True)
            if kind == "raw" and tail.startswith("<"):  # kramdown reads a block from there: an HTML block
                out.append(head + token)
                if _NOSCRIPT.match(tail) is not None and _NOSCRIPT_CLOSE.search(tail) is not None:
                    out += ["", tokens.rendered(tail, tail, block=True)]  # raw, as above, a block of its own
                    if last < size and NON_SPACE.search(text, last + 1, line_end_at(text, last + 1)) is not None:
                        out.append("")
                else:
                    prose.append(tail)
            elif kind == "math" and tail.strip():  # a block attribute list: its class goes, as every class does
                out.append(head + token)
            else:
                out.append(head + token + tail)
        pos = last + 1
    if pos <= size:
        prose.append(text[pos:])
    flush()
    masked.text = "\n".join(out)
    return masked


# the markers of the containers a line's content stands in (quotes, list items: group 1), then
# a tag opening the content (perhaps an HTML block's)
_CONTAINED_OPEN = re.compile(r"((?: {0,3}(?:> ?|(?:[*+-]|\d{1,9}\.)[ \t]{1,4}))+)(?= {0,3}<)")
_LIST_MARKER = re.compile(r"[*+-]|\d{1,9}\.")
_QUOTE_MARKERS = re.compile(r"(?: {0,3}> ?)*")
_WHITE_LINE = re.compile(r"\n[ \t]+(?=\n|$)")
_CONTAINERS_MOST = 20  # the deepest quote, the widest item's text, whose lines a block goes on


def _contained_html(  # noqa: PLR0917 - the scan's state, passed as it stands
    text: str,
    pos: int,
    line: str,
    prefix: str,
    html_blocks: HtmlBlocks,
    continued: dict[tuple[int, int], NextMatch],
) -> tuple[int, str | None, str, str, list[str]] | None:
    """An HTML block opening inside a quote or a list item (``> <p>$$x$$</p>``, ``- <div>``):
    kramdown reads the container's content as blocks, and the block as HTML (no Markdown, no
    math, no code span in it), to its close tag; what follows the close tag on its line, and the
    container's lines under it, are blocks of their own. ``prefix``: the markers before the
    content. The block's lines after the first must each go on the container (a quote's as
    many markers, a list item's indentation to its text); a block in an item of a quote, on one
    line only. (where the block's last line ends, a line to write above it or None, the block
    from its tag on, its lines as kramdown reads them (the container's markers off), [the lines
    to write under it..., a line of prose to read under them or ""]), or None (read as before:
    a paragraph's)."""
    if "\t" in prefix:
        return None  # (columns kramdown and CommonMark may count apart)
    content = line[len(prefix) :]
    start = pos + len(prefix)
    last = html_blocks.end(start, content)
    if last is None or html_blocks.close_end >= len(text):
        return None  # no block, or one never closed (to the container's end, as kramdown reads it)
    depth = prefix.count(">")
    listed = _LIST_MARKER.search(prefix) is not None
    quoted = depth > 0 and not listed
    first_end = pos + len(line)
    if last > first_end:
        key = (depth, 0) if quoted else (0, len(prefix))
        if (listed and depth) or max(key) > _CONTAINERS_MOST:
            return None  # (an item in a quote: one line only)
        if key not in continued:
            lead = f"(?: {{0,3}}> ?){{{depth}}}" if quoted else f" {{{len(prefix)}}}"
            continued[key] = NextMatch(text, re.compile(rf"\n(?!{lead})"))
        stop = continued[key].at(first_end)
        if 0 <= stop < last:
            return None  # a line of the block does not go on the container
    block = text[start:last]
    tail = text[html_blocks.close_end : last]
    if not tail.strip() or tail.lstrip()[:1] in ("<", "{"):
        tail = ""
    else:  # text after the close tag on its line: a paragraph of the container's
        block = block[: len(block) - len(tail)]
    lead = rf"\n(?: {{0,3}}> ?){{{depth}}}" if quoted else rf"\n {{{len(prefix)}}}"
    shown = _WHITE_LINE.sub("\n", re.sub(lead, "\n", block))  # (its blank lines kept, as kramdown keeps them)
    # a line that goes on the container: its markers (a list marker's width as spaces)
    goes_on = _LIST_MARKER.sub(lambda marker: " " * len(marker.group(0)), prefix)
    blank = ">" * depth
    after: list[str] = []
    if quoted and (tail or (last < len(text) and NON_SPACE.search(text, last + 1, line_end_at(text, last + 1)))):
        after = [blank]  # the block ends at its close tag: no lazy line of a paragraph
    before = None
    if quoted and pos > 0:
        above = text[text.rfind("\n", 0, pos - 1) + 1 : pos - 1]
        markers = _QUOTE_MARKERS.match(above).group(0)  # type: ignore[union-attr]
        if markers.count(">") >= depth and above[len(markers) :].strip():
            before = blank  # a paragraph's line above in the quote: kramdown ends it at the tag
    return last, before, block, shown, [*after, goes_on + tail.lstrip(" \t") if tail else ""]


def _item_html(  # noqa: PLR0917 - the scan's state, passed as it stands
    text: str, pos: int, line: str, out: list[str], prose: list[str], page: PageLines, html_blocks: HtmlBlocks
) -> tuple[int, str] | None:
    """An HTML block opening at ``line`` (at ``pos``) inside a list item: a block-level tag
    indented four columns or more, at most three past the text of the item the line is in
    (kramdown reads the item's lines with its indentation taken off, and there the tag opens an
    HTML block, under a paragraph's line too), to its close tag, with nothing after that on its
    line and no line under a blank line in it indented left of the item's text (which would end
    the item). Where the block's last line ends and its lines as kramdown reads them (the item's
    indentation off), or None. The rewrites must not read it as Markdown: ``\\`` at a line's end,
    ``\\(`` and the like are its text."""
    content = line.lstrip(" \t")
    if content[:1] != "<" or HTML_BLOCK_OPEN.match(content) is None or not in_list(out, prose, page, pos):
        return None
    indent = columns(line)
    column = item_column(out, prose)
    if column is None or not column <= indent <= column + 3:
        return None
    start = pos + len(line) - len(content)
    last = html_blocks.end(start, content)
    if last is None or html_blocks.close_end >= len(text) or NON_SPACE.search(text, html_blocks.close_end, last):
        return None
    shown = [content]
    blank = False
    at = start + len(content)
    while at < last:  # each line charged to the look-back budget: a block that fails is read again from its next line
        if not spend(1):
            return None
        below_end = line_end_at(text, at + 1)
        below, at = text[at + 1 : below_end], below_end
        if not below.strip():
            blank = True
            shown.append("")
            continue
        if blank and columns(below) < column:
            return None  # the item ends above it (kramdown): the block with it
        blank = False
        rest = below.lstrip(" \t")
        shown.append(below[: len(below) - len(rest)].expandtabs(4)[column:] + rest)
    return last, "\n".join(shown)


def _may_hold_planes_15_16(text: str) -> bool:
    """False when ``text`` holds no character past U+FFFF, told from its size: CPython keeps a
    string with one in four bytes a character, and the search for them is slow on CJK text
    (a class tried at each character)."""
    return not text.isascii() and sys.getsizeof(text) >= _WIDE_STRING_HEADER + 4 * (len(text) + 1)


_COMMENT_CLOSER = re.compile("-->")
_BLANK_LINE_AFTER = re.compile(r"\n[ \t]*(?:\n|$)")


# a line that is one tag: a close tag (group 1), its name (group 2), closed in itself (group 3)
_UNKNOWN_TAG_LINE = re.compile(r" {0,3}<(/)?([A-Za-z][\w.-]{0,100})(?:\s[^<>\n]{0,2000}?)?(/)?>[ \t]*")


_ATX_LINE = re.compile(r"#{1,6}(?:[ \t]|$)", re.MULTILINE)


def _render_block(kind: str, body: str) -> str:
    if kind == "raw":
        return body
    tex = body[2:-2]
    return f'<span class="math math-display">{html.escape(tex, quote=False)}</span>'
