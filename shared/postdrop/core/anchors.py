"""The ids a post's own links point at: its headings' and its footnotes', as Jekyll's page has them.

A post links inside itself: ``[setup](#setup)``, a table of contents, a footnote's mark and its
note. Jekyll's kramdown writes the targets as ids (``<h2 id="setup">``, ``<sup id="fnref:1">``
with ``<a href="#fn:1">``, the note in ``<li id="fn:1">``), so a subscriber's page that shows
``html`` keeps those links working only if the ids are there, with the same names: a link to a
section shared from the blog (``post.html#setup``) reaches the same heading.

- Each heading gets the id ``headings_of`` gives it (kramdown's), unless it was written with one.
- A footnote's mark gets ``fnref:NAME`` (``fnref:NAME:1``, ``:2`` for the same note's later
  marks) and links to ``#fn:NAME``; the note gets ``fn:NAME``, NAME being the label as written,
  and ends with a link back to each of its marks (``↩``, then ``↩<sup>2</sup>``...), as
  kramdown ends it. Only ``html`` has them: ``text`` is read before (they are navigation).
- A ``{:toc}`` list becomes kramdown's table of contents where it stood: ``<ul id="markdown-toc">``,
  an entry for each heading with an id (``<a href="#setup" id="markdown-toc-setup">``), nested by
  level. The kramdown pass leaves an empty ``<div id="markdown-toc">`` in its place (TOC_MARK);
  ``html`` only, as above.
- A ``{% highlight LANG linenos %}`` block becomes rouge's table, as Jekyll's highlight tag
  writes it: ``<figure class="highlight">``, then in its ``<code>`` a one-row table whose first
  cell holds the line numbers (``<pre class="lineno">1\n2\n</pre>``) and whose second the code,
  with a line end after its last line. The Liquid pass marks the block's ``<code>`` (LINENOS_MARK);
  the line numbers are ``html`` only, as above (Jekyll's text is the code alone).
- On a site whose ``kramdown:`` settings number code blocks (``syntax_highlighter_opts``'
  ``line_numbers``, as Chirpy's sites do), each code block of the Markdown that rouge
  highlights (a language rouge knows, or none: its plaintext) is rouge's table as kramdown
  writes it, numbered from ``start_line``; a highlight tag's block keeps its own rule. Its
  numbers are ``html``'s and ``jekyll_excerpt``'s (Jekyll's excerpt text shows them). A site
  whose common ``line_numbers`` reaches code spans too has each span's one number in
  ``jekyll_excerpt`` alone (Jekyll's table inside a paragraph is no HTML a page keeps).
- A ``{:toc}`` list shows the levels of the site's ``toc_levels`` alone.

The ids an author wrote (``{: #id}``, ``<p id="build">``) are kept as written (core/sanitize.py).
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import TYPE_CHECKING, NamedTuple

from postdrop.core.headings import HEADING, Heading
from postdrop.core.site import Kramdown

if TYPE_CHECKING:
    from collections.abc import Callable

_KRAMDOWN = Kramdown()

__all__ = ["LINENOS_MARK", "TOC_MARK", "anchored", "has_contents", "with_contents", "with_heading_ids"]

# Where the kramdown pass leaves a {:toc} list's place (core/kramdown/attributes.py): an empty block, no text
TOC_MARK = '<div id="markdown-toc"></div>'

# pulldown-cmark's footnote mark and note, as the kramdown pass leaves them
_MARK = re.compile(r'<sup class="footnote-reference"><a href="#([^"]*)">')
_NOTE = re.compile(r'<div class="footnote-definition" id="([^"]*)">')
_DIV = re.compile(r"<(/?)div\b")

# Where the Liquid pass (core/liquid.py) leaves a ``highlight ... linenos`` block: an attribute of its
# <code>, whose content is the code, escaped (no tag in it)
LINENOS_MARK = ' data-linenos="table"'
_LINENOS_BLOCK = re.compile(rf"<pre><code([^<>]*?){re.escape(LINENOS_MARK)}>([^<]*)</code></pre>")
# A code block of the Markdown, as the kramdown pass writes it: its code ends with a line end (a
# highlight tag's, stripped, never does)
_MARKDOWN_BLOCK = re.compile(r'<pre><code(?: class="language-([^"<>]*)")?>([^<]*\n)</code></pre>')
# A code span of the Markdown: the kramdown pass marks it as Jekyll's (a <code> written in HTML has no such class)
_CODE_SPAN = re.compile(r'<code class="language-([^"<> ]*) highlighter-rouge">([^<]*)</code>')
# The names rouge 3.30 finds a lexer by (its lexers' tags and aliases): a block in another language
# is not highlighted, so not numbered; ``plaintext`` and ``text`` only when the site guesses languages
_ROUGE_LEXERS = """Dockerfile HAML Isabelle LaTeX OCL R S TeX abap actionscript ada apache
apex apib apiblueprint applescript armasm as as3 aug augeas awk bash bat
batch batchfile bbcbasic behat bib bibtex biml bpf brainfuck brightscript brs bs
bsdmake bsl c c# c++ ceylon cfc cfscript cl clean clj cljs
clojure cmake cmhg cmm coffee coffee-script coffeescript common-lisp common_lisp conf config configuration
console coq cpp cr crystal cs csharp css csvs cucumber cuda cypher
cython d dafny dart datastudio diff digdag django dlang docker dockerfile dosbatch
dot e-mail ecl eex eiffel elisp elixir elm emacs-lisp email eml epp
eps erb erl erlang eruby esc escape ex exs factor fea ff
fluent fortran freefem fsharp ftl gd gdscript ghc-cmm ghc-core gherkin glsl gnumake
go golang gradle graphql groovy hack haml handlebars haskell haxe hbs hcl
heex hh hlsl hocon hql hs html http hx hy hylang idlang
idr idris igorpro ini io irb irb_output isa isabelle isbl j janet
java javascript jdn jinja jl js jsl json json-doc jsonc jsonnet jsp
jsx julia kdb+ kotlin ksh lasso lassoscript latex lean leex lhaskell lhs
liquid lisp litcoffee literate_coffeescript literate_haskell lithaskell livescript llvm ls lua lustre lutin
m m68k magik make makefile markdown mason mathematica matlab md meson mf
microsoftshell minizinc mkd ml moon moonscript mosel msgtrans msshell mustache mxml nasm
nes nesasm nginx nial nim nimrod nix nixos obj-c obj-c++ obj-cpp obj_c
obj_c++ obj_cpp objc objc++ objcpp objective_c objective_cpp objectivec objectivec++ objectivecpp ocaml ocl
openedge opentype opentype_feature_file opentypefeature pascal patch perl php php3 php4 php5 pl
plaintext plist plsql pony posh postscr postscript powershell pp praat prolog prometheus
properties proto protobuf pry ps puppet py pyrex python pyx q qml
r racket rb react realbasic reasonml rego rescript rhtml robot robot-framework robot_framework
rs rs,ignore rs,no_run rs,should_panic ruby rust rust,ignore rust,no_run rust,should_panic s sas sass
scala scheme scss sed sh shell shell-session shell_session sieve slice slim smalltalk
smarty sml solidity sparql sqf sql squeak ssh st stan stata supercollider
swift systemd syzlang syzprog tap tcl terminal terraform tex text tf toml
ts tsx ttcn3 tulip turtle twig typescript udiff unit-file vala varnish varnishconf
vb vcl velocity verilog vhdl vim viml vimscript visualbasic vue vuejs winbatch
wl wollok xml xojo xpath xquery yaml yang yml zig zir zsh"""
_ROUGE_NAMES = frozenset(_ROUGE_LEXERS.split())
_PLAIN = frozenset({"plaintext", "text"})


def anchored(
    html: str,
    headings: list[Heading],
    kramdown: Kramdown = _KRAMDOWN,
    *,
    own_pre: bool = False,
    levels: list[int] | None = None,
    listed: list[Heading] | None = None,
) -> str:
    """``html`` (the article as rendered, before sanitizing) with its headings' and footnotes' ids;
    ``kramdown``: the site's options (its table of contents' levels, its code blocks' numbers);
    ``own_pre``: whether the post writes ``<pre>`` in HTML itself (kramdown numbers none of those,
    and one without a language cannot be told from a Markdown block: none such is numbered);
    ``levels``: each heading's level as kramdown writes it, when the site's ``header_offset``
    moves some (``headings`` keep those written: the table of contents reads them); ``listed``:
    the headings a ``{:toc}`` list shows, when not all (kramdown's own, not those written in HTML)."""
    html = with_heading_ids(html, headings, levels)
    if 'class="footnote-' in html:
        html = _footnote_ids(html)
    return _contents(html, headings if listed is None else listed, kramdown, toc=_table_of_contents, own_pre=own_pre)


def with_contents(html: str, headings: list[Heading], kramdown: Kramdown = _KRAMDOWN, *, own_pre: bool = False) -> str:
    """``html`` with its ``{:toc}`` list and ``linenos`` tables made, and nothing else of
    ``anchored`` (no ids, no footnote back-links): an excerpt, whose text Jekyll's shows them in
    (its ``post.excerpt`` is rendered by kramdown and rouge as a page of its own)."""
    # a line end before a nested list, as kramdown writes one: its entry's text is a word of its own
    return _contents(
        html,
        headings,
        kramdown,
        toc=lambda marks: _table_of_contents(marks).replace("</a><ul>", "</a>\n<ul>"),
        spans=True,
        own_pre=own_pre,
    )


def has_contents(html: str, kramdown: Kramdown = _KRAMDOWN) -> bool:
    """Whether ``with_contents`` has anything to make in ``html``."""
    numbered = (kramdown.line_numbers is not None or kramdown.span_line_numbers is not None) and "<code" in html
    return TOC_MARK in html or LINENOS_MARK in html or numbered


def _contents(
    html: str,
    headings: list[Heading],
    kramdown: Kramdown,
    *,
    toc: Callable[[list[Heading]], str],
    spans: bool = False,
    own_pre: bool = False,
) -> str:
    """The blocks the kramdown and Liquid passes left marks for: the ``{:toc}`` list, as ``toc``
    writes it, and rouge's ``linenos`` tables; and, on a site that numbers them, the Markdown's
    code blocks as rouge's tables, its code spans too with ``spans`` (an excerpt's text shows
    their numbers; the article keeps its spans inline: a table in a paragraph is no HTML)."""
    if TOC_MARK in html:
        if kramdown.toc_levels != _KRAMDOWN.toc_levels:
            headings = [heading for heading in headings if heading[0] in kramdown.toc_levels]
        html = html.replace(TOC_MARK, toc(headings), 1)
    if kramdown.line_numbers is not None and "<pre><code" in html:
        html = _numbered_blocks(html, kramdown, own_pre=own_pre)
    if spans and kramdown.span_line_numbers is not None and "<code" in html:
        html = _numbered_spans(html, kramdown)
    if LINENOS_MARK in html:
        html = _LINENOS_BLOCK.sub(_rouge_table, html)
    return html


def _highlighted(language: str | None, kramdown: Kramdown) -> bool:
    """Whether kramdown's rouge highlights code in ``language`` (None: none written)."""
    name = (language or "").split("?", 1)[0]
    if name and name not in _ROUGE_NAMES:
        return False  # rouge finds no lexer: kramdown writes the code as it is
    return kramdown.guess_lang or bool(name and name not in _PLAIN)


def _numbered_spans(html: str, kramdown: Kramdown) -> str:
    """kramdown's rouge with ``line_numbers`` for spans (a site's common setting reaches them):
    each code span is rouge's table too, its one line numbered."""
    number = kramdown.span_line_numbers

    def table(match: re.Match[str]) -> str:
        language, code = match.groups()
        if not _highlighted(language, kramdown):
            return match[0]
        return (
            f"{match[0][: match[0].index('>') + 1]}"
            '<table class="rouge-table"><tbody><tr><td class="rouge-gutter gl">'
            f'<pre class="lineno">{number}\n</pre></td>'
            f'<td class="rouge-code"><pre>{code}\n</pre></td></tr></tbody></table></code>'
        )

    return _CODE_SPAN.sub(table, html)


def _numbered_blocks(html: str, kramdown: Kramdown, *, own_pre: bool) -> str:
    """kramdown's rouge with ``line_numbers``: each code block it highlights becomes rouge's
    HTMLLegacy table (gutter ``rouge-gutter gl``, code ``rouge-code``), numbered from
    ``line_numbers``; the code keeps its last line end."""
    first = kramdown.line_numbers or 0

    def table(match: re.Match[str]) -> str:
        language, code = match.groups()
        if not _highlighted(language, kramdown) or (own_pre and language is None):
            return match[0]
        numbers = "".join(f"{n}\n" for n in range(first, first + code.count("\n")))
        return (
            f"<pre><code{'' if language is None else f' class="language-{language}"'}>"
            f'<table class="rouge-table"><tbody><tr><td class="rouge-gutter gl">'
            f'<pre class="lineno">{numbers}</pre></td>'
            f'<td class="rouge-code"><pre>{code}</pre></td></tr></tbody></table></code></pre>'
        )

    return _MARKDOWN_BLOCK.sub(table, html)


def _rouge_table(match: re.Match[str]) -> str:
    """rouge's HTMLTable in Jekyll's figure: a number for each line of the code (its line ends
    and one more: the code ends without one), then the code, ended by a line end."""
    attributes, code = match.groups()
    numbers = "".join(f"{n}\n" for n in range(1, code.count("\n") + 2))
    return (
        f'<figure class="highlight"><pre><code{attributes}><table class="rouge-table"><tbody><tr>'
        f'<td class="gutter gl"><pre class="lineno">{numbers}</pre></td><td class="code"><pre>{code}\n</pre></td>'
        "</tr></tbody></table></code></pre></figure>"
    )


def _table_of_contents(headings: list[Heading]) -> str:
    """kramdown's table of contents: a list of links to the headings that have ids, nested by
    level (a heading is under the last one above it of a lower level); each entry's id is its
    heading's, after ``markdown-toc-``."""
    roots: list[_Entry] = []
    open_: list[_Entry] = []  # the entries a deeper heading can go under, outermost first
    for level, text, ident in headings:
        if ident is None:
            continue
        entry = _Entry(level, text, ident, [])
        while open_ and open_[-1].level >= level:
            open_.pop()
        (open_[-1].children if open_ else roots).append(entry)
        open_.append(entry)
    return f'<ul id="markdown-toc">{"".join(map(_entry_html, roots))}</ul>' if roots else ""


class _Entry(NamedTuple):
    level: int
    text: str
    ident: str
    children: list[_Entry]


def _entry_html(entry: _Entry) -> str:
    ident = escape(entry.ident)
    nested = f"<ul>{''.join(map(_entry_html, entry.children))}</ul>" if entry.children else ""
    return f'<li><a href="#{ident}" id="markdown-toc-{ident}">{escape(entry.text)}</a>{nested}</li>'


def with_heading_ids(html: str, headings: list[Heading], levels: list[int] | None = None) -> str:
    """``html`` with its headings' ids and nothing else of ``anchored``: Liquid's ``markdownify``,
    whose HTML the post's own pass then reads as written (its footnotes' ids are made there);
    ``levels``: each heading's level to write, when one differs from the level read."""
    moved = levels is not None and any(level != heading[0] for level, heading in zip(levels, headings, strict=True))
    if moved or any(ident is not None for _level, _text, ident in headings):
        html = _heading_ids(html, headings, levels if moved else None)
    return html


def _heading_ids(html: str, headings: list[Heading], levels: list[int] | None) -> str:
    ids = iter([ident for _level, _text, ident in headings])  # headings_of reads the same matches, in order
    to = iter(levels or ())

    def tag(match: re.Match[str]) -> str:
        ident = next(ids, None)
        element = match[0]
        if levels is not None and (level := next(to, None)) is not None and str(level) != match[1]:
            element = f"<h{level}{element[3:-5]}</h{level}>"  # HEADING ends with the closing tag: </hN>
        if ident is None or " id=" in (match[2] or ""):
            return element
        return f'<h{element[2]} id="{escape(ident)}"{element[3:]}'

    return HEADING.sub(tag, html)


def _footnote_ids(html: str) -> str:
    seen: Counter[str] = Counter()

    def mark(match: re.Match[str]) -> str:
        name = match[1]
        repeat = seen[name]
        seen[name] += 1
        ident = f"fnref:{name}:{repeat}" if repeat else f"fnref:{name}"
        return f'<sup class="footnote-reference" id="{ident}"><a href="#fn:{name}">'

    html = _MARK.sub(mark, html)
    out: list[str] = []
    at = 0
    for note in _NOTE.finditer(html):
        end = _note_end(html, note.end())
        name = note[1]
        backs = " ".join(
            f'<a href="#fnref:{name}{f":{i}" if i else ""}">&#8617;{f"<sup>{i + 1}</sup>" if i else ""}</a>'
            for i in range(seen[name])
        )
        last_p = html.rfind("</p>", note.end(), end)
        cut = last_p if last_p >= 0 else end
        out += [html[at : note.start()], f'<div class="footnote-definition" id="fn:{name}">', html[note.end() : cut]]
        out.append(f" {backs}" if backs else "")
        at = cut
    out.append(html[at:])
    return "".join(out)


def _note_end(html: str, start: int) -> int:
    """Where the note opened just before ``start`` closes: its ``</div>`` (the HTML is lexbor's,
    so its divs are balanced), or the end of ``html``."""
    depth = 1
    for tag in _DIV.finditer(html, start):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return tag.start()
    return len(html)
