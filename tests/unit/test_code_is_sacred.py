"""Code is sacred: no rule of the reader changes the inside of code, whatever it holds.

Generated posts mix prose with every kind of code kramdown knows (fenced with ``` and ~~~,
a fence inside a list item, on its marker's line, right under its text or in a block quote, indented,
``{% highlight %}``, ``<pre>``, code spans, ``<code>`` and ``<kbd>`` elements), and the code
holds every construct the reader rewrites elsewhere: attribute lists, extensions, abbreviations,
math, guillemets, emphasis, tables, rules, end-of-block marks, line breaks, items, HTML. Given
such a post, when it is parsed, then each piece of code is in ``html`` as the text of a ``<code>``
element byte for byte, and in ``text`` (white space folded), as Jekyll shows it. Liquid is not
code to Jekyll (it runs first, inside code too): the code holds none.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from postdrop import parse_post

# What the reader rewrites outside code, each a piece a line of code may hold.
CONSTRUCTS = [
    "{: .cls}",
    "{:toc}",
    "h = {:love => 'lettuce'}",
    "{::comment}x{:/comment}",
    "{::nomarkdown}y{:/}",
    '{::options parse_block_html="true" /}',
    "*[CSS]: Cascading",
    "$$x^2$$",
    "$5 and $6",
    "\\\\",
    "a\\,b\\;c",
    "<<a>>",
    "**b** *i* _u_ __w__",
    "~s~ ~~t~~",
    "| a | b |",
    "|---|---|",
    "----",
    "^",
    "1) x",
    "2. y",
    "* z",
    ": dd",
    "[l](u v) [^1]",
    "# h {#id}",
    '<div markdown="1">',
    "<b 가>",
    "&amp; &copy;",
    "--- -- ...",
    "\"q\" 's'",
]
_WORDS = st.text(alphabet="abcxyz019 .,;:=+-*/\\()[]{}#!?'\"", min_size=1, max_size=12)
piece = st.one_of(st.sampled_from(CONSTRUCTS), _WORDS)
code_line = (
    st.lists(piece, min_size=1, max_size=4)
    .map(" ".join)
    .map(str.strip)
    .filter(lambda line: bool(line) and "{{" not in line and "{%" not in line)
)
code_lines = st.lists(code_line, min_size=1, max_size=4)
prose = st.sampled_from(["Some text.", "A *word* and {: .x} more.", "| a |", "Term\n: def", "> quote"])


_ITEM_OPENING = re.compile(r"(?:[*+-]|\d{1,9}\.)(?:[ \t]|$)")


def _block(kind: str, lines: list[str]) -> tuple[str, str]:
    """The Markdown of a code block of ``kind``, and the code Jekyll shows for it."""
    code = "\n".join(lines)
    if kind == "backticks":
        return f"```\n{code}\n```", code + "\n"
    if kind == "tildes":
        return f"~~~\n{code}\n~~~", code + "\n"
    if kind == "indented":  # after a paragraph: not the continuation of an item or definition
        return "Code:\n\n" + "\n".join("    " + line for line in lines), code + "\n"
    if kind == "listed":  # a fence one column into its list item: kramdown keeps that column
        inner = "\n".join("    " + line for line in lines)
        return f"1. Item:\n\n    ```\n{inner}\n    ```", "\n".join(" " + line for line in lines) + "\n"
    if kind == "item":  # a fence opening a list item, on the item's marker line
        inner = "\n".join("  " + line for line in lines)
        return f"- ```\n{inner}\n  ```", code + "\n"
    if kind == "lazy":  # a fence right under an item's text, at the margin: the item's (kramdown)
        # (not over a line that opens a list item at the item's column: no fence to kramdown there,
        # test_kramdown's test_a_fence_right_under_an_items_text_over_a_lists_items_is_text)
        lines = [f"x {line}" if _ITEM_OPENING.match(line) else line for line in lines]
        inner = "\n".join("   " + line for line in lines)
        return f"1. Item:\n```\n{inner}\n```", "\n".join(lines) + "\n"
    if kind == "quoted":  # a fence inside a block quote: each line carries the quote's marker
        inner = "\n".join(f"> {line}" for line in lines)
        return f"> Quoted:\n>\n> ```\n{inner}\n> ```", code + "\n"
    if kind == "highlight":
        return f"{{% highlight ruby %}}\n{code}\n{{% endhighlight %}}", code
    return f"<pre><code>{_escape(code)}</code></pre>", code  # pre


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def post_with_code(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts: list[str] = []
    codes: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(prose))
        kind = draw(
            st.sampled_from(
                [
                    "backticks",
                    "tildes",
                    "indented",
                    "listed",
                    "item",
                    "lazy",
                    "quoted",
                    "highlight",
                    "pre",
                    "span",
                    "element",
                ]
            )
        )
        lines = draw(code_lines)
        if kind == "span":
            code = lines[0].replace("`", "'")
            parts.append(f"Call `{code}` now.")
            codes.append(code)
        elif kind == "element":
            code = lines[0]
            parts.append(f"Press <kbd>{_escape(code)}</kbd> or <code>{_escape(code)}</code>.")
            codes += [code]  # <kbd> is checked in text only
        else:
            lines = [line.replace("`", "'").replace("~", "-") for line in lines]
            markdown, code = _block(kind, lines)
            parts.append(markdown)
            codes.append(code)
    return "\n\n".join(parts) + "\n", codes


@settings(deadline=None)
@given(post_with_code())
def test_code_in_html_and_text_is_as_written(case: tuple[str, list[str]]) -> None:
    body, codes = case
    got = parse_post(f"---\ntitle: t\n---\n{body}".encode(), "posts/2020-01-01-t.md")
    shown = [node.text(deep=True) for node in LexborHTMLParser(got.html).css("code")]
    folded_text = " ".join(got.text.split())
    for code in codes:
        assert code in shown, f"{code!r} is not the text of any <code> in {got.html!r}"
        assert " ".join(code.split()) in folded_text


def test_a_fence_line_indented_four_columns_is_the_codes_not_its_close() -> None:
    # outside a list item a fence closes at a line indented three spaces at most (kramdown's and
    # CommonMark's rule): "    ```" is a line of the code, which runs on to the bare "```", code
    # span and all; the masking closed it there and took the "`amazonaws.com`" below for a span
    body = (
        'Qiita writes a file name:\n\n```ruby\n    puts "Hello"\n    ```\n\nBut GFM has none, so:\n\n'
        '    ```ruby\n    puts "Hello"\n    ```\n\nImages keep `amazonaws.com` names:\n\n```md\n![i](/a.png)\n```\n\n'
        "After *that*.\n"
    )
    got = parse_post(f"---\ntitle: t\n---\n{body}".encode(), "posts/2020-01-01-t.md")
    shown = [node.text(deep=True) for node in LexborHTMLParser(got.html).css("code")]
    assert shown == [body[body.index("    puts") : body.index("\n```\n\nAfter") + 1]]
    assert got.text.endswith("\nAfter that.")


def test_a_fence_line_indented_four_columns_past_its_items_text_is_the_codes() -> None:
    # in a list item the close is indented three spaces at most past the item's text: a "```"
    # six columns past it is a line of the code, and the code span under it is code too
    body = "- item\n\n  ```ruby\n  puts 1\n        ```\n  `x` still code\n  ```\n\n- two\n"
    got = parse_post(f"---\ntitle: t\n---\n{body}".encode(), "posts/2020-01-01-t.md")
    shown = [node.text(deep=True) for node in LexborHTMLParser(got.html).css("code")]
    assert shown == ["puts 1\n      ```\n`x` still code\n"]
    assert got.html.count("<li>") == 2


def test_a_fence_line_indented_four_columns_in_a_quote_is_the_codes() -> None:
    # in a block quote too the close is indented three spaces at most past the quote's marker
    body = "> ```\n> code\n>     ```\n> `x` more\n> ```\n\nafter\n"
    got = parse_post(f"---\ntitle: t\n---\n{body}".encode(), "posts/2020-01-01-t.md")
    shown = [node.text(deep=True) for node in LexborHTMLParser(got.html).css("code")]
    assert shown == ["code\n    ```\n`x` more\n"]
    assert got.text.endswith("\nafter")
