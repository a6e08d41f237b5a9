"""The kramdown dialect: what Jekyll's Markdown adds to CommonMark, read as kramdown reads it."""

from __future__ import annotations

import contextlib
import time

import pytest

from postdrop import NormalizedPost, PostRejected, parse_post
from postdrop.core.kramdown import render_kramdown, to_commonmark


def parse(body: str) -> NormalizedPost:
    return parse_post(f"---\ntitle: t\n---\n{body}".encode(), "posts/2020-01-01-t.md")


def test_footnotes_markers_go_and_definitions_are_text() -> None:
    got = parse(
        "A claim[^1] and another[^note].\n\n[^1]: <https://example.org/source>\n[^note]: The note's own text.\n"
    )
    assert "[^" not in got.text
    assert "A claim1 and another2." in got.text
    assert "https://example.org/source" in got.text  # a definition that is an autolink is not lost
    assert "The note’s own text." in got.text


def test_math_keeps_its_tex_source_and_single_dollars_stay_dollars() -> None:
    got = parse("Costs $5 and $10.\n\n$$\n\\mathbf{x}_{t-1} = a_{i} \\\\ b_{j}\n$$\n\nInline $$e^{i\\pi}$$ too.")
    assert "Costs $5 and $10." in got.text
    assert "\\mathbf{x}_{t-1} = a_{i} \\\\ b_{j}" in got.text
    assert '<span class="math math-display">\n\\mathbf{x}_{t-1} = a_{i} \\\\ b_{j}\n</span>' in got.html
    assert "Inline e^{i\\pi} too." in got.text


def test_attribute_lists_and_extensions_never_reach_the_text() -> None:
    body = (
        "* TOC\n{:toc}\n\n## Heading {#custom-id}\n{: .no_toc}\n\nA paragraph.\n{: .text-center}\n\n"
        '![img](/a.png){: width="64px"} and [a link](/x){:target="_blank"}\n\n'
        '{::options parse_block_html="true" /}\n{::comment}\nhidden remark\n{:/comment}\n\n'
        "{::nomarkdown}<p>raw kept</p>{:/nomarkdown}\n\nThe CSS here.\n\n*[CSS]: Cascading Style Sheets\n\n"
        "Keep `{: .in-code}` as code.\n"
    )
    got = parse(body)
    assert got.text.split("\n") == [
        "Heading",
        "A paragraph.",
        "and a link",
        "raw kept",
        "The CSS here.",
        "Keep {: .in-code} as code.",
    ]
    assert got.sections[0].heading == "Heading"


def test_markdown_inside_an_html_block_with_markdown_1() -> None:
    got = parse('<div class="note" markdown="1">\n**Note:** read *this* [link](/x).\n</div>\n')
    assert got.text == "Note: read this link."
    assert "<strong>Note:</strong>" in got.html and 'href="/x"' in got.html


def test_an_html_table_with_blank_lines_stays_html() -> None:
    table = "<table>\n  <tr>\n\n    <td>one</td>\n\n        <td>two</td>\n  </tr>\n</table>\n\nAfter."
    got = parse(table)
    assert got.text == "one\ntwo\nAfter."
    assert "<pre>" not in got.html and "<td>two</td>" in got.html


def test_a_table_without_a_header_row_is_a_table() -> None:
    got = parse("| a | **b** |\n| c | d |\n\nAfter.")
    assert got.text == "a\nb\nc\nd\nAfter."
    assert got.html.count("<td>") == 4


def test_emphasis_against_cjk_punctuation_closes_as_in_kramdown() -> None:
    got = parse("**免责声明：**我之前很喜欢使用 Angular 1。又如 *注意：*这里，以及 `**代码：**不变`。")
    assert got.text == "免责声明：我之前很喜欢使用 Angular 1。又如 注意：这里，以及 **代码：**不变。"
    assert "<strong>免责声明：</strong>" in got.html and "<em>注意：</em>" in got.html


def test_smart_punctuation_as_kramdown_writes_it() -> None:
    got = parse('He said "yes" -- then --- it\'s done...')
    assert got.text == "He said “yes” – then — it’s done…"


def test_code_is_never_rewritten() -> None:
    source = "```\n{: .class}\n*[CSS]: x\n| a |\n```\n"
    assert to_commonmark(source) == source


def test_the_producers_html_posts_pass_unchanged() -> None:
    source = "<p>正文一。</p><p><strong>小标题</strong></p>\n\n<>\n\n[返回](//x/)｜[首页](//y/)"
    assert to_commonmark(source) == source


def test_kramdown_reads_these_as_its_own_syntax() -> None:
    got = parse(
        "- #### A heading item\nIts text, unindented.\n\n"
        "<code>```sh</code> is a fence name.\n\n"
        "`<<` and `>>` become <<guillemets>>.\n\n"
        "This *does _not_ nest* and this **does __not__ either**.\n"
    )
    assert got.text.split("\n") == [
        "A heading item",
        "Its text, unindented.",
        "```sh is a fence name.",
        "<< and >> become «guillemets».",
        "This does _not_ nest and this does __not__ either.",
    ]


def test_indented_code_is_never_rewritten() -> None:
    source = 'Text.\n\n    ![x](y){:width="1"}\n    *[CSS]: kept\n'
    assert to_commonmark(source) == source


def test_indented_code_in_a_list_item_is_code() -> None:
    # four columns past the item's text, after a blank line: code, its spans and asterisks as written
    got = parse("1. Call it:\n\n       /** `x` */\n       a_b(*p*);\n\n2. Or not.\n")
    assert "<pre><code>/** `x` */\na_b(*p*);\n</code></pre>" in got.html
    assert "/** `x` */" in got.text and "a_b(*p*);" in got.text


def test_a_span_over_a_quotes_lines_holds_no_quote_markers() -> None:
    got = parse("> a `x\n> y` b and <kbd>k\n> l</kbd> c\n>\n> > deep `m\n> > n`\n")
    assert "<code>x\ny</code>" in got.html and "<kbd>k\nl</kbd>" in got.html and "<code>m\nn</code>" in got.html
    assert "&gt;" not in got.html


def test_an_html_comment_block_holds_no_markdown_and_one_under_a_paragraph_closes_in_it() -> None:
    # a definition inside a comment defines nothing; a comment opening under a paragraph's line
    # that closes past the paragraph is text to kramdown, as is one never closed
    got = parse(
        "See [gh][].\n\n<!-- old\n\n[gh]: /old\n-->\n\n[gh]: /new\n\n```\nx\n```\n<!--\nhidden\n-->\n\n"
        "para\n<!-- open\n\nshown -->\n\n<!-- never\n\nend\n"
    )
    assert '<a href="/new"' in got.html and "hidden" not in got.text
    assert got.text.split("\n")[-4:] == ["para <!– open", "shown –>", "<!– never", "end"]


def test_a_code_span_closes_at_the_first_run_of_its_backticks_in_a_longer_run() -> None:
    # kramdown closes "`" at the next backtick, the start of "``" too; the rest opens the next span
    got = parse("#### 7.`sup``sub`\n\nx `a``b` y ``c```d`` z\n")
    assert "7.<code>sup</code><code>sub</code>" in got.html
    assert "x <code>a</code><code>b</code> y <code>c</code><code>d</code>` z" in got.html


def test_indented_code_goes_on_over_its_lazy_lines() -> None:
    # kramdown's indented code takes the unindented lines right under it, joined with a space;
    # under a heading it opens without a blank line
    got = parse("Text.\n\n    a = 1\n}\n### not a heading\n\nAfter.\n\n### Steps\n\tone\n\ttwo\n")
    assert "<pre><code>a = 1 } ### not a heading\n</code></pre>" in got.html
    assert "<pre><code>one\ntwo\n</code></pre>" in got.html and "<h3" in got.html
    assert got.text.split("\n")[:3] == ["Text.", "a = 1 } ### not a heading", "After."]


def test_a_star_run_under_a_line_of_text_is_its_paragraphs_text_emphasis_and_all() -> None:
    # no rule under a paragraph's line to kramdown: "****" is an emphasized "**", "***" text
    got = parse("para\n****\n\nx\n***\n\ny\n____\n\n****\n")
    assert "para\n<em>**</em>" in got.html and "x\n***" in got.html and "y\n<em>__</em>" in got.html
    assert got.html.endswith("<hr>")


def test_a_code_span_in_an_images_alt_text_is_its_source() -> None:
    got = parse("See ![the `Repo` module and `x < y`](shot.png) here.\n")
    assert '<img src="shot.png" alt="the `Repo` module and `x &lt; y`">' in got.html


def test_the_first_toc_takes_its_whole_list_and_a_later_one_leaves_its_list() -> None:
    # kramdown puts the table of contents in the place of the whole list the first {:toc} is
    # under (its items across blank lines too); a later {:toc} list is a list
    got = parse("* kept out\n\n* any list\n{:toc}\n\n# H\n\n- x\n- y\n{:toc}\n\n*\n{:toc}\n")
    assert got.text.split("\n") == ["H", "x", "y", "*"]


def test_a_fence_closes_with_a_tab_after_it() -> None:
    got = parse("```java\nx = 1;\n}\t\n```\t\n\n**Tip** after.\n")
    assert "<pre><code>x = 1;\n}\t\n</code></pre>" in got.html and "<strong>Tip</strong> after." in got.html


def test_a_no_break_space_after_a_closing_fence_leaves_it_open() -> None:
    # kramdown's white space after a close is ASCII; with none closing it, the fence is no fence
    got = parse("Case:\n\n```\nin: [1,2]\n```\u00a0\n\nNote *n*.\n```\n\nAfter.\n")
    assert "<pre><code>in: [1,2]\n```&nbsp;\n\nNote *n*.\n</code></pre>" in got.html


def test_a_lone_angle_bracket_in_a_pre_block_is_text() -> None:
    got = parse("<pre>\nMap m = new TreeMap<String, String>();\nif (a < b) <b>x</b>\n</pre>\n")
    assert "TreeMap&lt;String, String&gt;();" in got.html and "<b>x</b>" in got.html
    assert "TreeMap<String, String>();" in got.text


def test_two_backslashes_at_a_line_end_break_the_line() -> None:
    got = parse("one\\\\\ntwo\\\\\\\\\nthree\\\\\\\nfour\\\\\n\nend\\\\\n\n`code\\\\`\n")
    # as Jekyll renders it: one<br>two\<br>three\<br>four\ (a paragraph's last line breaks nothing)
    assert got.text.split("\n") == ["one", "two\\", "three\\", "four\\", "end\\", "code\\\\"]


def test_math_rows_and_tables_in_math_stay_tex() -> None:
    got = parse("Rows:\n\n$$\n|x| + |y| \\\\\n\\mathbf{a}*b_1*c\n$$\n")
    assert "|x| + |y| \\\\ \\mathbf{a}*b_1*c" in got.text
    assert "<table>" not in got.html


def test_a_caret_line_ends_the_block_before_it() -> None:
    got = parse("A paragraph\n^\n\n* one\n^\n* two\n\n> quoted\n^\n\n    code one\n\n^\n    code two\n")
    assert got.text.split("\n") == ["A paragraph", "one", "two", "quoted", "code one", "code two"]
    assert got.html.count("<ul>") == 2 and got.html.count("<pre>") == 2 and "^" not in got.html


def test_an_ordered_item_ends_a_paragraph_and_1_paren_is_text() -> None:
    got = parse("In the year\n2024. It was.\n\nPara\n\n1. a\ncontinued\n2. b\n\n1) not an item\n")
    assert got.text.split("\n") == ["In the year", "It was.", "Para", "a continued", "b", "1) not an item"]
    assert "<li>a\ncontinued</li>" in got.html  # a list's own lines stay as they are: a tight list


def test_1_paren_is_text_inside_a_list_item_too() -> None:
    got = parse("Steps:\n\n- 1) open the file\n- 2) save it\n  - 3) close it\n\n1. 4) numbered\n")
    assert got.text.split("\n") == ["Steps:", "1) open the file", "2) save it", "3) close it", "4) numbered"]
    assert got.html.count("<ol>") == 1  # only the outer "1." list


def test_a_heading_off_its_blocks_first_column_is_text() -> None:
    got = parse(
        " ### top\n\n- item\n\n  ### held\n\n   ### shifted\n\n1. one\n\n  ### after\n\n- x\nlazy\n\n  ### lazy held\n"
    )
    lines = got.text.split("\n")
    assert lines == ["### top", "item", "held", "### shifted", "one", "### after", "x lazy", "lazy held"]
    assert got.html.count("<h3 ") == 2


def test_rules_inside_a_table_are_not_rows() -> None:
    got = parse(
        "| h | i |\n|---|---|\n| 1 | 2 |\n|---|---|\n| 3 | 4 |\n|===|===|\n| f | g |\n\n| x |\n|===|\n| y |\n\n"
        "|---+---|\n| j | k |\n|:--|--:|\n| 5 | 6 |\n|---\n| 7\n|===\n| z\n|---+---|\n"
    )
    assert got.text.split("\n") == ["h", "i", "1", "2", "3", "4", "f", "g", "x", "y", "j", "k", "5", "6", "7", "z"]
    assert got.html.count("<table>") == 3 and got.html.count("</th>") == 2 + 1 + 2  # the second: an empty header


# --- code is sacred, and no rule destroys content ---------------------------------------------


def test_an_attribute_list_inside_highlighted_code_is_code() -> None:
    got = parse("{% highlight ruby %}\nh = {:love => 'lettuce'}\n{% endhighlight %}\n")
    assert got.text == "h = {:love => 'lettuce'}"


def test_indented_code_after_a_blank_line_is_never_rewritten() -> None:
    got = parse("Intro:\n\n    h = {:love => 1}\n    *[CSS]: x\n    a <<b>> c\n")
    assert got.text.split("\n") == ["Intro:", "h = {:love => 1} *[CSS]: x a <<b>> c"]
    assert "<pre><code>h = {:love =&gt; 1}\n*[CSS]: x\na &lt;&lt;b&gt;&gt; c\n</code></pre>" in got.html


def test_raw_code_elements_keep_their_text() -> None:
    got = parse("Call <code>f({:a => 1})</code> and <kbd>--version</kbd> now.\n")
    assert got.text == "Call f({:a => 1}) and --version now."


def test_a_ragged_table_keeps_every_cell() -> None:
    got = parse("| x |\n| y | z |\n\n| a | b |\n|---|---|\n| 1 | 2 | 3 |\n")
    assert got.text.split("\n") == ["x", "y", "z", "a", "b", "1", "2", "3"]


def test_a_broken_tag_in_an_html_block_is_text_and_swallows_nothing() -> None:
    got = parse('<div>\n<b 가나 다="x>bold</b> text after\n\nmore text\n</div>\n\nNext para.\n')
    assert got.text.split("\n") == ['<b 가나 다="x>bold</b> text after more text', "Next para."]


def test_a_math_block_with_blank_lines_is_one_block_and_keeps_its_backslashes() -> None:
    got = parse("$$\n\\begin{align}\na \\\\ b\n\nc \\, d\n\\end{align}\n$$\n\nAfter.\n")
    assert got.text.split("\n") == ["\\begin{align} a \\\\ b c \\, d \\end{align}", "After."]
    assert got.html.count("math-display") == 1


def test_an_unpaired_double_dollar_stays_in_its_paragraph() -> None:
    got = parse("It costs $$ 5.\n\n*Text*{: .c} here.\n\nThen $$a\\\\\nb$$ too.\n")
    assert got.text.split("\n") == ["It costs $$ 5.", "Text here.", "Then a\\\\ b too."]


def test_a_one_item_list_under_toc_is_navigation_whatever_it_says() -> None:
    got = parse("* content\n{:toc}\n\n## First\n\nText.\n")
    assert got.text.split("\n") == ["First", "Text."]


def test_kramdown_escapes_tildes_colons_and_spaced_links() -> None:
    got = parse(
        "A \\, b \\; c \\& d \\* e.\n\nThis ~is~ text, ~~this~~ not.\n\n:smile: here\n\n"
        "para\n\n\n: no definition\n\nsee [x](with spaces.html) now\n"
    )
    assert got.text.split("\n") == [
        "A \\, b \\; c \\& d * e.",
        "This ~is~ text, this not.",
        ":smile: here",
        "para",
        ": no definition",
        "see x now",
    ]
    assert 'href="with%20spaces.html"' in got.html or 'href="with spaces.html"' in got.html


def test_a_span_ial_after_a_word_is_text_and_one_after_an_element_goes() -> None:
    got = parse('This is an{: .ignored} span, *this*{: .x} and [l](/u){:target="_blank"\nrel="x"} not.\n')
    assert got.text == "This is an{: .ignored} span, this and l not."


def test_a_rule_line_under_a_paragraph_goes_on_with_it() -> None:
    got = parse("one\n---- ---\n\ntwo\nlines\n=====\n\nHead\n---\n")
    lines = got.text.split("\n")
    assert lines[0].startswith("one ") and lines[1:] == ["two lines =====", "Head"]
    assert got.html.count("<hr") == 0 and '<h2 id="head">Head</h2>' in got.html


def test_an_html_block_ends_at_its_close_tag_and_holds_no_markdown() -> None:
    got = parse("<div>\n  a ~ b :x: `c`\n\n  d\n</div>\nNext *para*.\n")
    assert got.text.split("\n") == ["a ~ b :x: `c` d", "Next para."]


def test_a_raw_heading_ends_at_its_close_tag_and_markdown_goes_on_under_it() -> None:
    # kramdown's HTML block of <h1>..<h6> ends at the close tag (CommonMark's would take the
    # lines down to a blank one, as raw HTML)
    got = parse("<h3>#Why</h3>   \n**Notes**   \n- one\n- two\n\npara\n<h2>Next</h2>\nafter *it*\n")
    assert got.text.split("\n") == ["#Why", "Notes", "one", "two", "para", "Next", "after it"]
    assert got.html.count("<li>") == 2
    assert "<strong>Notes</strong>" in got.html
    assert "<em>it</em>" in got.html


def test_a_line_of_a_span_tag_ending_in_two_spaces_breaks_the_line() -> None:
    # kramdown: the tag, then the line break its trailing spaces make, as after any text
    got = parse('First   \n<br>   \n<br>   \ntext   \n<img src="/x.png">   \nafter\n<br>\t\ntabbed\n')
    assert got.html.count("<br>") == 8  # each tag, and a break after the first line and each tag but the last
    assert got.text.split("\n") == ["First", "text", "after", "tabbed"]


def test_a_heading_at_the_margin_under_an_items_line_is_the_items() -> None:
    # kramdown keeps the unindented lines under an item's line in the item, a heading too
    got = parse("1. a\n###### Six\n1. b\n\n- c\ncontinued\n## Two\nmore\n- d\n")
    assert got.html.count("<ol>") == got.html.count("<ul>") == 1
    assert got.html.count("<li>") == 4
    assert [h.text for h in got.headings] == ["Six", "Two"]
    assert got.text.split("\n") == ["a", "Six", "b", "c continued", "Two", "more", "d"]


def test_a_bullet_alone_under_an_items_line_is_an_empty_item() -> None:
    # kramdown: a new, empty item (a bullet without the space is a setext underline, as on its own)
    got = parse("- a\n- \n\npara\n\n- b\n-\n\n- c\n*  \n- d\n\ntext\n- \n")
    assert got.html.count("<li>") == 6
    assert [h.text for h in got.headings] == ["b", "text"]
    assert got.text.split("\n") == ["a", "para", "b", "c", "d", "text"]


def test_extensions_as_kramdown_reads_them() -> None:
    got = parse(
        "A {::comment}gone{:/} b {::comment/} c.\n\n{::comment}\nhidden {:/} still {:/comment} hidden\n{:/comment}\n\n"
        '{::nomarkdown}\nThis *is* raw\n{:/nomarkdown}\n\n{::nomarkdown type="latex"}\n\\item x\n{:/}\n\n'
        '{::options syntax_highlighter_opts="{default_lang: ruby}" /}\n\n{::something}\nkept\n{:/something}\n\n'
        "{::comment}\nnever closed\n"
    )
    assert got.text.split("\n") == [
        "A b c.",
        "This *is* raw",
        "{::something} kept {:/something}",
        "{::comment} never closed",
    ]


def test_a_fence_kramdown_does_not_read_as_one_is_text() -> None:
    got = parse("~~~ two words\nnot code\n~~~\n\nthen\n\n```\nnever closed\n")
    assert got.text.split("\n") == ["~~~ two words not code ~~~", "then", "``` never closed"]
    assert "<pre>" not in got.html


def test_code_spans_and_heading_ids_as_kramdown_reads_them() -> None:
    got = parse(
        "A ` literal and `` `x` `` and `in\\` it.\n\n# Header {#9ab}\n\n# Good {#ok}\n\n"
        "See <https://example.com/~me/> and \\~tilde.\n"
    )
    assert got.text.split("\n") == [
        "A ` literal and `x` and in\\ it.",
        "Header {#9ab}",
        "Good",
        "See https://example.com/~me/ and ~tilde.",
    ]
    assert '<h1 id="ok">Good</h1>' in got.html or "<h1>Good</h1>" in got.html


def test_a_backtick_beside_a_no_break_space_opens_a_code_span() -> None:
    # kramdown's "one backtick between spaces is text" reads Ruby's \s: a no-break space is none
    got = parse("a\xa0`\xa0cd\xa0/mnt/c` b\n\nc ` x /y` d\n\ne `\xa0z` f\n")
    assert got.html.count("<code>") == 2
    assert got.text.split("\n") == ["a cd /mnt/c b", "c ` x /y` d", "e z f"]


def test_a_quote_after_a_character_of_text_is_a_closing_one() -> None:
    # kramdown's typography closes a quote after any character of text but white space and "\\[{(-"
    got = parse(
        'UUID="80e5" TYPE=\'ext4\' 所谓"反射"机制 and "open" \'single\'\n\n'
        '<a href="/x">a="b"</a> [l](/y?q="z") `c="d"` **e**"f" x..."g"\n'
    )
    assert got.text.split("\n") == [
        "UUID=\u201d80e5\u201d TYPE=\u2019ext4\u2019 所谓\u201d反射\u201d机制 and \u201copen\u201d \u2018single\u2019",
        'a=\u201db\u201d l c="d" e\u201cf\u201d x\u2026\u201cg\u201d',
    ]
    assert 'href="/y?q=%22z%22"' in got.html


def test_kramdown_tables_without_leading_pipes_and_rules_with_empty_cells() -> None:
    got = parse(
        "cell 1 | cell 2 \\| continued\n\n| a | b\n+ :-: |\n| c | d\n|----|||\n| e | f\n\n"
        "|no|table|here|\nparagraph\n\nSee <a>x | y</a> here.\n\nOne `a | b` cell.\n"
    )
    assert got.text.split("\n") == [
        "cell 1",
        "cell 2 | continued",
        "a",
        "b",
        "c",
        "d",
        "e",
        "f",
        "|no|table|here| paragraph",
        "See x | y here.",
        "One a | b cell.",
    ]
    assert got.html.count("<table>") == 2


def test_a_table_header_of_empty_cells_and_a_block_tag_in_a_cell() -> None:
    got = parse("|: Title :|||\n|:--|:--|:--|\n| <div>x</div> | b | c\n")
    assert got.text.split("\n") == [": Title :", "<div>x</div>", "b", "c"]
    assert got.html.count("<th>") == 3


def test_a_table_inside_a_list_item_is_a_table() -> None:
    got = parse("1. step\n    * `state` is:\n\n    x | y\n    0 | z\n\n2. next\n")
    assert got.text.split("\n") == ["step", "state is:", "x", "y", "0", "z", "next"]
    assert got.html.count("<table>") == 1


def test_long_dash_runs_as_kramdown_writes_them() -> None:
    got = parse("Keyword   Text\n--------  -----\nred       Sunsets\n\n---------- test\n")
    assert got.text.split("\n") == ["Keyword Text ——– —– red Sunsets", "———- test"]
    assert "<hr" not in got.html


def test_a_fence_indented_inside_its_list_item_keeps_that_indentation_in_its_code() -> None:
    got = parse("1. item\n\n    ```yaml\n    # x\n    a: 1\n    ```\n")
    assert "<pre><code> # x\n a: 1\n</code></pre>" in got.html


def test_item_ials_go_and_footnotes_never_referred_to_are_not_output() -> None:
    got = parse(
        "* {:.cls} first\n* another {:.cls}\n\nterm\n: {:.x} definition\n\nText[^a].\n\n[^a]: used\n[^b]: unused\n"
    )
    assert got.text.split("\n") == ["first", "another {:.cls}", "term", "definition", "Text1.", "1", "used"]


def test_autolinks_ald_lines_and_an_underline_under_a_quote_as_kramdown_reads_them() -> None:
    got = parse(
        "Mail <mailto:a_b@x.org> or <ü@x.de>, see <http://x.org/?a&amp;b=1>.\n\n"
        "{:id: key='a}' }\n\n> Quoted.\nNot a Header\n-\n\nEnd.\n"
    )
    assert got.text.split("\n") == [
        "Mail a_b@x.org or ü@x.de, see http://x.org/?a&b=1.",
        "Quoted. Not a Header -",
        "End.",
    ]


def test_a_stray_close_tag_is_text_and_footnotes_placement_and_spaced_definitions() -> None:
    got = parse(
        "para\n\n</div>\n\n* here\n{:footnotes}\n\nSee [with spaces] and a[^1].\n\n"
        '[with spaces]: with spaces.html "title"\n\n[^1]: Note.\n'
    )
    assert got.text.split("\n") == ["para", "</div>", "See with spaces and a1.", "1", "Note."]


def test_a_table_in_a_footnote_and_a_reference_after_a_space() -> None:
    got = parse(
        "See [the site] [s] and a note[^t].\n\n[s]: https://example.org\n\n[^t]:\n    | a | b |\n    | c | d |\n"
    )
    assert got.text.split("\n") == ["See the site and a note1.", "1", "a", "b", "c", "d"]
    assert 'href="https://example.org"' in got.html and "<table>" in got.html


def test_processing_instructions_and_cdata_are_text() -> None:
    got = parse('<?xml version="1.0"?>\n\nInline <![CDATA[section]]> and <? a *PI* ?>.\n')
    assert got.text.split("\n") == ["<?xml version=“1.0”?>", "Inline <![CDATA[section]]> and <? a PI ?>."]


def test_an_xml_namespaced_tag_is_html() -> None:
    got = parse("<webgen:block name=\"test\" />\n\nThis <some:url name:spac='x'>doit</some:url> test.\n")
    assert got.text == "This doit test."


def test_an_html_tags_attributes_are_kept_as_written() -> None:
    got = parse('A <a href="/~me/a\\,b" title="`x` $$y$$">link</a> and ~5 and `code`.\n')
    assert got.text == "A link and ~5 and code."
    assert 'href="/~me/a\\,b"' in got.html and 'title="`x` $$y$$"' in got.html


def test_a_definition_line_with_a_pipe_is_a_table_row_as_kramdown_reads_tables_first() -> None:
    got = parse("Text.\n\n[^1]: a | b\n\n[x]: http://e.org/a|b\n")
    assert got.text.split("\n") == ["Text.", "[^1]: a", "b", "[x]: http://e.org/a", "b"]


def test_tilde_runs_strike_through_as_kramdown_pairs_them() -> None:
    got = parse("~~~This is another test~~~\n\nI ~~don't even~~~ have.\n")
    assert got.text.split("\n") == ["~This is another test~", "I don’t even~ have."]
    assert got.html.count("<del>") == 2


def test_a_standalone_image_is_a_figure_with_its_alt_text_as_caption() -> None:
    got = parse("para\n\n![A cat](/cat.jpg){: .wide standalone}\n\n![inline](/x.png){: standalone} in text\n")
    assert '<figure><img src="/cat.jpg" alt="A cat"><figcaption>A cat</figcaption></figure>' in got.html
    assert got.text.split("\n") == ["para", "A cat", "in text"]
    assert got.images == ["/cat.jpg", "/x.png"]


def test_a_span_element_with_markdown_0_holds_text() -> None:
    got = parse(
        'A <span markdown="0">*raw* <http://x.org> `c`</span> and <b markdown="0">x <i markdown="1">*y*</i></b>.'
    )
    assert got.text == "A *raw* <http://x.org> `c` and x y."
    assert "<em>y</em>" in got.html


def test_options_change_how_later_html_and_footnotes_are_read() -> None:
    body = (
        "<div>\n*before*\n</div>\n\n"
        '{::options parse_block_html="true" footnote_nr="7" /}\n\n'
        "<div>\n*after*\n</div>\n\nSome text[^a].\n\n[^a]: The note.\n\n"
        '{::options parse_span_html="false" /}\n\nA <span>*kept*</span>.\n'
    )
    got = parse(body)
    assert "*before*" in got.text and "<em>after</em>" in got.html
    assert "Some text7." in got.text
    assert "A *kept*." in got.text


def test_many_unclosed_text_elements_are_rejected_in_time() -> None:
    with pytest.raises(PostRejected, match="more than 100,000"):
        parse('{::options parse_span_html="false" /}\n\n' + "<span>x " * 150_000)


def test_white_space_after_an_item_marker_is_the_items_indentation_not_code() -> None:
    got = parse("Mixed:\n\n* \t  \tsome text\n        * nested\n\nAfter.\n")
    assert "<code>" not in got.html
    assert got.text.split("\n") == ["Mixed:", "some text", "nested", "After."]


def test_the_last_definition_of_a_label_wins_and_indented_lines_under_definitions_are_code() -> None:
    got = parse("[1]: first.url\n [1]: last.url\n    [2]: nourl\n\nSee [1] and [2].\n")
    assert 'href="last.url"' in got.html and "first.url" not in got.html
    assert "<code>[2]: nourl\n</code>" in got.html
    assert "See 1 and [2]." in got.text


def test_a_line_that_opens_a_block_ends_the_paragraph_a_span_may_pair_in() -> None:
    got = parse("With $$1\n+ 1$$ in between, and `a\n- b` too.\n")
    assert got.text.split("\n") == ["With $$1", "1$$ in between, and `a", "b` too."]
    assert "math" not in got.html and "<code>" not in got.html


def test_inline_links_read_as_kramdown_reads_them() -> None:
    got = parse(
        "A [link with [no](inner.html) inside](outer.html).\n\n"
        'A [paren](/to(do "doit") and [spaced](with (spaces).html).\n\n'
        "Not [one with an empty title](x.html '') here.\n\n"
        "[Some ![alt](/i.png) text](local.html)\n"
    )
    assert 'href="outer.html"' in got.html and 'href="inner.html"' not in got.html
    assert "A link with [no](inner.html) inside." in got.text
    assert 'href="/to(do" title="doit"' in got.html and 'href="with%20(spaces).html"' in got.html
    assert "Not [one with an empty title](x.html ‘’) here." in got.text
    assert (
        '<a href="local.html" rel="noopener noreferrer nofollow">Some <img src="/i.png" alt="alt"> text</a>' in got.html
    )


def test_a_backslash_in_a_links_url_escapes_nothing() -> None:
    got = parse("See [the docs](http://e.com/a\\)b) now.\n\nAnd [a file](C:\\dir\\name.txt) too.\n")
    assert got.text.split("\n") == ["See the docsb) now.", "And a file too."]
    assert 'href="http://e.com/a%5C"' in got.html


def test_an_attribute_list_indented_in_a_nested_item_is_dropped_and_code_is_kept() -> None:
    got = parse(
        "* top\n    * nested\n    \n    ![](a.png)\n    a caption\n    {:.figure}\n\n"
        "* item\n\n      {:.code}\n\npara\n\n    {:.top-code}\n"
    )
    assert got.text.split("\n") == ["top", "nested", "a caption", "item", "{:.code}", "para", "{:.top-code}"]


def test_a_span_ial_after_a_parenthesis_that_closes_no_link_is_text() -> None:
    got = parse('Some (see [a](http://x.com/a){:target="_blank"}, [b](/b(c))){:.x} end\n\nx ){:.y} z\n')
    assert got.text.split("\n") == ["Some (see a, b){:.x} end", "x ){:.y} z"]
    assert 'href="/b(c)"' in got.html


def test_table_lines_after_a_line_that_is_not_blank_are_text() -> None:
    got = parse(
        "Speeds compared\n| kind | time |\n|------|------|\n| CPU  | 3ns  |\n\n"
        "1. item text\n    | x | y |\n    |---|---|\n\n## Heading\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert got.text.split("\n")[:2] == [
        "Speeds compared | kind | time | |——|——| | CPU | 3ns |",  # dashes as kramdown's typography writes them
        "item text | x | y | |—|—|",
    ]
    assert "<table>" not in got.html  # kramdown opens a table only after a blank line


def test_a_list_items_text_of_table_lines_is_a_table_when_the_item_ends_there() -> None:
    got = parse("- Apps\n- Native libraries | **Runtime**\n- Kernel | HAL\n  more text\n- OR(a | b)\n  - nested\n")
    assert got.html.count("<table>") == 2  # not the item whose paragraph goes on
    want = ["Apps", "Native libraries", "Runtime", "Kernel | HAL more text", "OR(a", "b)", "nested"]
    assert got.text.split("\n") == want


def test_a_pipe_in_a_code_span_of_an_items_text_makes_no_table() -> None:
    got = parse("* **n mod d = 0 if `d|n`**\n* r: the rest, 0<d\n* **n mod d = 0 if `d|n`**\n* ` a | b`\n\na > b\n")
    assert got.html.count("<table>") == 1  # the last: no code span to kramdown's table reader
    assert got.html.count("<code>d|n</code>") == 2  # "<d" to "> b" is no tag: it crosses a blank line


def test_markdown_0_keeps_an_html_block_raw_under_parse_block_html() -> None:
    got = parse(
        '{::options parse_block_html="true" /}\n\n<div class="outer" markdown="0">\n    <div class="row">\n\n'
        '        <div id="chart">*not emphasis*</div>\n\n    </div>\n</div>\n\n<div>\n*emphasis*\n</div>\n'
    )
    assert got.text.split("\n") == ["*not emphasis*", "emphasis"]
    assert "<pre>" not in got.html and got.html.count("<em>") == 1


def test_parse_block_html_reads_a_divs_paragraphs_and_indented_code_apart() -> None:
    got = parse(
        '{::options parse_block_html="true" /}\n<div class="row">\n<div class="side">\n\nFirst *para*.\n\n\n'
        "    def f(x):\n        return x * 2\n\nAfter the code.\n</div>\n</div>\n\n"
        "<div>\n<table>\n\n    <tr><td>cell</td></tr>\n</table>\n</div>\n"
    )
    assert got.text.split("\n") == ["First para.", "def f(x): return x * 2", "After the code.", "cell"]
    assert "<pre><code>def f(x):\n    return x * 2\n</code></pre>" in got.html


def test_a_line_of_a_span_elements_tag_opens_a_paragraph_with_the_text_under_it() -> None:
    got = parse(
        '<img src="/x.png"/>\nA step -- a *modeling* task.\n\n<span class="note">\nsome **bold**\n</span>\n\n'
        '<div class="fig" markdown="1">\n  <img src="/y.png"/>\n  <br />\n  A *caption*.\n</div>\n\n'
        '<img src="/z.png"/>\n'
    )
    assert got.text.split("\n") == ["A step – a modeling task.", "some bold", "A caption."]
    assert got.html.count("<em>") == 2 and got.html.count("<strong>") == 1 and "<!--" not in got.html


def test_a_list_marker_alone_on_its_line_is_text() -> None:
    got = parse("*\nfirst line\n\n* a\n* b\n\n*\n\n-\n\n+ \n\n1.\n\nUnder text\n-\n")
    assert got.text.split("\n") == ["* first line", "a", "b", "*", "-", "1.", "Under text"]
    assert got.html.count("<li>") == 3 and "<li>\n<p>" not in got.html  # "+ " is an empty item; a tight list


def test_a_line_opening_with_a_triple_backtick_code_span_is_a_paragraph() -> None:
    got = parse("```header``` sets the image.\n\n```js let x = `a` ```\n\n``` two words\n")
    assert got.text.split("\n") == ["header sets the image.", "js let x = `a`", "``` two words"]
    assert got.html.count("<code>") == 2


def test_a_fence_opening_a_list_item_is_code_as_written() -> None:
    got = parse(
        '- Check a key:\n\n- ```js\n  let o = { a: 1 };\n  \n  alert( "a" in o ); // `in` *works* __here__\n  ```\n\n'
        "1. ```\n   <b>x</b>\n   ```\n\n- ```js never closed\n"
    )
    assert '<pre><code>let o = { a: 1 };\n\nalert( "a" in o ); // `in` *works* __here__\n</code></pre>' in got.html
    assert "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>" in got.html
    assert got.text.split("\n")[-1] == "```js never closed"


def test_a_block_element_never_closed_runs_to_the_end_as_raw_html() -> None:
    got = parse("Intro *a*.\n\n<article>\n\n    <p>Some <b>x</b></p>\n\nText *em* after.\n\n## Heading\n")
    assert got.text.split("\n") == ["Intro a.", "Some x", "Text *em* after. ## Heading"]
    assert "<pre>" not in got.html and "<h2" not in got.html
    kept = parse("<div class=a>\n\ntext *em*\n\n</div>\n\n<hr>\n\nmore *x*\n\n<div/>\n\nlast *y*\n")
    assert kept.html.count("<em>") == 2  # after one closed, one without a body, one self-closed: none swallowed


def test_lines_after_a_fence_in_a_nested_item_stay_in_the_item() -> None:
    got = parse(
        '* Set it up:\n    * add the snippet:\n    ~~~json\n    {"a": 1}\n    ~~~\n    * then save it\n'
        "    \n    ![](shot.png)\n    The *result*\n    {:.figure}\n\n* Done\n"
    )
    assert got.text.split("\n")[-3:] == ["then save it", "The result", "Done"]
    # (the fence is a lazy line of the nested item: its code keeps what is left of its indent
    # once the outer item's column is taken off, as Jekyll's does)
    assert '<pre><code>  {"a": 1}\n</code></pre>' in got.html and "<em>result</em>" in got.html


def test_html_in_a_paragraph_is_read_as_kramdowns_span_parser_reads_it() -> None:
    got = parse(
        "An invalid </closing> tag.\n\nA <p>block tag</p> inside.\n\nThis <SoMe>doit</some> test\n\n"
        "Keys <kbd><kbd>Ctrl</kbd>+<kbd>C</kbd></kbd> nest.\n\n<em>open\n\nclosed</em> later."
    )
    assert got.text.split("\n") == [
        "An invalid </closing> tag.",
        "A <p>block tag</p> inside.",
        "This doit</some> test",
        "Keys Ctrl+C nest.",
        "open",
        "closed</em> later.",  # an element ends with its paragraph: the close tag after it closes nothing
    ]


def test_a_table_row_is_split_into_cells_before_its_spans_are_read() -> None:
    got = parse("| a <em>span | </em> here |\n| b | c |\n\n| x `code | y\n| z` | w\n")
    assert "</em> here" in got.text
    assert "x `code" in got.text and "z`" in got.text  # a code span never crosses a row


def test_a_lazy_item_line_of_the_other_list_kind_is_text_of_the_deepest_item() -> None:
    got = parse("1. Root level\n  * Second level\n    * Third level\n  * Back to second level\n")
    assert "Third level * Back to second level" in got.text


def test_an_escaped_block_math_line_is_inline_math() -> None:
    got = parse("\\$$5+5$$\n\nAnd \\$$not math$$ here.\n")
    assert '<span class="math">5+5</span>' in got.html  # kramdown's escape took the backslash off
    assert "$$not math$$" in got.text  # not opening a block: the escape stays


def test_emphasis_and_strikethrough_by_kramdowns_rules() -> None:
    got = parse(
        "This ****is empty.\n\nThis is **a *star*.\n\nAnd *nest**ed* like** this.\n\n"
        "This ~~is a *strike* through *test ~~with nesting~~ involved* here~~.\n\nsnake_case_name stays.\n"
    )
    assert "This <em>**</em>is empty." in got.html
    assert "This is <em>*a *star</em>." in got.html
    assert "And *nest<strong>ed* like</strong> this." in got.html
    assert "<del>is a <em>strike</em> through *test ~~with nesting</del> involved* here~~." in got.html
    assert "snake_case_name stays." in got.text


@pytest.mark.parametrize(
    ("body", "html"),
    [  # each as kramdown 2.4 with kramdown-parser-gfm 1.1 writes it
        ("[a *b](c) d* e", "<p>[a <em>b](c) d</em> e</p>"),
        ("[*a](b) [c*](d)", '<p><a href="d"><em>a](b) [c</em></a></p>'),
        ("x [a _b](c) y_ z [d](e)", '<p>x [a <em>b](c) y</em> z <a href="e">d</a></p>'),
        ("[a _b](c) [d](e_f) g_ h", '<p>[a <em>b](c) <a href="e_f">d</a> g</em> h</p>'),
        ("[a *b* c](d) *e*", '<p><a href="d">a <em>b</em> c</a> <em>e</em></p>'),
        ("[x _y](u_v) w", '<p><a href="u_v">x _y</a> w</p>'),
        ("*foo [bar* baz](url)", '<p>*foo <a href="url">bar* baz</a></p>'),
    ],
)
def test_emphasis_opened_in_a_links_text_may_run_past_its_brackets(body: str, html: str) -> None:
    assert parse(body).html == html.replace('">', '" rel="noopener noreferrer nofollow">')


@pytest.mark.parametrize(
    ("body", "html"),
    [  # each as kramdown 2.4 with kramdown-parser-gfm 1.1 writes it
        ("See [a] *** b ****.", "<p>See [a] <strong>* b **</strong>.</p>"),
        ("Pay [x](y) 100_000_ or _5_000.", '<p>Pay <a href="y">x</a> 100<em>000</em> or _5_000.</p>'),
        ("A [ref] *b [c] d* [^n].\n\n[ref]: /r", '<p>A <a href="/r">ref</a> <em>b [c] d</em> [^n].</p>'),
        ("x [*a] [ref] b*\n\n[ref]: /r", '<p>x [<em>a] <a href="/r">ref</a> b</em></p>'),
    ],
)
def test_emphasis_in_a_paragraph_with_links_is_kramdowns(body: str, html: str) -> None:
    # a paragraph with a link's brackets, bare or a reference, is read by kramdown's rules too
    assert parse(body).html == html.replace('">', '" rel="noopener noreferrer nofollow">')


def test_a_tag_kramdown_cannot_read_for_its_unquoted_value_is_text() -> None:
    # kramdown reads an unquoted attribute value of word characters only; CommonMark any
    got = parse(
        "Read the <a href=other.html>other page</a> now.\n\nAn image <img src=a.png alt=x> inline.\n\n"
        "<img src=/pic.jpg width=300>\n\nA <span class=hl>word</span> tag.\n"
    )
    assert got.text.split("\n") == [
        "Read the <a href=other.html>other page</a> now.",
        "An image <img src=a.png alt=x> inline.",
        "<img src=/pic.jpg width=300>",
        "A word tag.",
    ]
    assert "<img" not in got.html and "<a " not in got.html


def test_an_element_whose_content_kramdown_reads_raw_keeps_its_markdown_as_written() -> None:
    # <u>, <mark>, <s>, <font> and names HTML lacks hold no Markdown to kramdown; <small>, <span> do
    got = parse(
        "Some <u>under *x*</u> and <mark>**m** `c`</mark>, but <small>_s_</small> and <span>*e*</span>.\n\n"
        "这是<s>删除的*字*</s>，<font color=red>红*色*</font>。\n\n<u>Start *raw*</u> then *em*.\n"
    )
    assert got.text.split("\n") == [
        "Some under *x* and **m** `c`, but s and e.",
        "这是删除的*字*，红*色*。",
        "Start *raw* then em.",
    ]
    assert "<u>under *x*</u>" in got.html and "<small><em>s</em></small>" in got.html


def test_an_ordered_list_starts_at_one_whatever_its_first_number() -> None:
    # kramdown ignores the numbers of a list's items; a raw <ol start> is kept as written
    assert '<ol start="' not in parse("Steps:\n\n3. Third\n4. Fourth\n\n- x\n\n  7. nested\n").html
    assert '<ol start="5">' in parse('3. Third\n\n<ol start="5"><li>raw</li></ol>\n').html


def test_footnotes_come_after_the_text_in_the_order_of_their_references() -> None:
    got = parse("A[^b] and B[^a].\n\n[^a]: Note a.\n\n[^b]: Note b.\n\nMiddle.\n\n[^c]: Unused.\n\nEnd.\n")
    assert got.text.split("\n") == ["A1 and B2.", "Middle.", "End.", "1", "Note b.", "2", "Note a."]


def test_a_footnote_label_kramdown_does_not_read_is_text_and_its_definition_a_link_definition() -> None:
    # kramdown's labels start with an ASCII word character: "[^注]" is no footnote to it
    got = parse("A[^注] and B[^ok-1].\n\n[^注]: A note nobody sees.\n[^ok-1]: Shown.\n")
    assert got.text.split("\n") == ["A[^注] and B1.", "1", "Shown."]


def test_code_inside_a_quote_is_code_and_no_rule_changes_it() -> None:
    got = parse("> The call:\n>\n>     run(*args, **opts)  # my_var_name\n\n> para\n>\n> \t- not_an *item*\n")
    assert "<code>run(*args, **opts)  # my_var_name\n</code>" in got.html
    assert "<code>- not_an *item*\n</code>" in got.html
    assert "<li>" not in got.html and "<em>" not in got.html


def test_a_pre_block_with_a_tag_like_word_runs_as_kramdown_nests_its_tags() -> None:
    got = parse("<pre>\n#include <stdio.h>\n</pre>\n\n## After\n\nText *em*.\n")
    assert "<h2" not in got.html and "<em>" not in got.html  # the rest of the post is the pre's
    assert "## After" in got.text and "*em*" in got.text
    closed = parse("<pre>\n<b>bold</b> and 1 < 2\n</pre>\n\n## After\n")
    assert '<h2 id="after">After</h2>' in closed.html


def test_emphasis_is_read_cell_by_cell_and_inside_span_elements() -> None:
    got = parse("| a | b |\n|---|---|\n| A**+**B | x_y_z |\n\n<span>_**one **_</span><span>_**two**_</span>\n")
    assert "<td>A<strong>+</strong>B</td>" in got.html
    assert "<span><em>**one **</em></span><span><em><strong>two</strong></em></span>" in got.html


def test_a_reference_over_two_lines_in_emphasis_keeps_the_paragraph() -> None:
    got = parse("*Thanks to [the\nteam][] for it.*\n\n[the team]: https://example.com/team\n")
    assert '<em>Thanks to <a href="https://example.com/team"' in got.html
    assert "the\nteam</a>" in got.html


def test_a_reference_whose_label_is_on_the_line_below_keeps_the_paragraph() -> None:
    # kramdown reads "[text]" and "[label]" a line end apart as one reference link; the reading
    # keeps the paragraph's lines (it made parse_post raise: 'zip() argument 2 is shorter')
    got = parse("*a [x]\n[word ref] b*\n\n[word ref]: https://example.com/a\n")
    assert '<em>a <a href="https://example.com/a"' in got.html and ">x</a>" in got.html
    assert got.text == "a x b"  # as Jekyll shows it: <em>a <a href=...>x</a> b</em>


def test_an_escaped_bracket_before_a_caret_is_no_footnote_mark() -> None:
    got = parse("Matches \\[^0-9\\] and \\[^a] only.\n")
    assert got.text == "Matches [^0-9] and [^a] only."


def test_a_tag_name_with_an_underscore_is_a_tag_to_kramdown() -> None:
    # kramdown's names are XML's; CommonMark's have no "_" and would show the tag as text
    got = parse("Cast with as_type <new_type> (value) here.\n")
    assert got.text == "Cast with as_type (value) here."


def test_a_definition_whose_url_is_on_the_next_line_is_text() -> None:
    got = parse("See [x][] and [y][].\n\n[y]: https://example.com/y\n[x]:\n  https://example.com/x\n")
    assert '<a href="https://example.com/y"' in got.html and "https://example.com/x" not in got.html.split('"')
    assert "[x][]" in got.text and "[x]:" in got.text


def test_a_label_with_a_code_span_refers_to_its_definition() -> None:
    got = parse("Call [`fmt`][] now.\n\n[`fmt`]: https://example.com/fmt\n")
    assert '<a href="https://example.com/fmt"' in got.html
    assert got.text == "Call fmt now."


@pytest.mark.parametrize(
    ("body", "href", "shown"),
    [
        ("Go to <https://example.com/a b> now.\n", "https://example.com/a%20b", "https://example.com/a b"),
        ("Mail <mailto:the team@example.org> now.\n", "mailto:the%20team@example.org", "the team@example.org"),
    ],
)
def test_an_autolink_may_hold_spaces(body: str, href: str, shown: str) -> None:
    got = parse(body)
    assert f'<a href="{href}"' in got.html and f">{shown}</a>" in got.html


def test_a_spaced_link_destination_is_no_autolink() -> None:
    got = parse("Mail [us](mailto:us@example.org?subject=Hello there) today.\n")
    assert got.text == "Mail us today."


def test_an_escaped_pipe_in_a_table_rows_math_and_raw_elements_is_a_pipe() -> None:
    got = parse("| a | b |\n|---|---|\n| n $$\\|x\\|$$ | <kbd>p\\|q</kbd> `c\\|d` |\n\nOut $$\\|y\\|$$.\n")
    assert "\\(|x|\\)" in got.text or "|x|" in got.text.replace("\\|", "")
    assert "p|q" in got.text and "c\\|d" in got.text and "\\|y\\|" in got.text


def test_a_rule_line_in_a_quote_is_a_rule() -> None:
    got = parse("> ----------\n>\n> Framed.\n>\n> ----------\n")
    assert got.html.count("<hr") == 2 and got.text == "Framed."


def test_a_lazy_line_under_code_in_a_quote_joins_the_code() -> None:
    got = parse(">     run(a|b)\n> then(c)\n>\n> after *it*\n")
    assert "<pre><code>run(a|b) then(c)\n</code></pre>" in got.html and "<table>" not in got.html
    assert "<em>it</em>" in got.html


def test_markdown_in_a_paragraph_element_is_read_as_spans() -> None:
    got = parse('<p markdown="1">\n- a *b*\n2. c\n## d\n</p>\n\n<div markdown="1">\n- e\n</div>\n')
    assert got.html.count("<li>") == 1 and "<h2" not in got.html and "<em>b</em>" in got.html
    assert "- a b" in got.text and "2. c" in got.text and "## d" in got.text


def test_code_less_indented_than_a_wide_items_text_ends_the_list_and_is_code() -> None:
    got = parse("1.       Start:\n\n    run ~b~ a\\,b <<g>> --x\n\n2.       Stop.\n")
    assert "<pre><code>run ~b~ a\\,b &lt;&lt;g&gt;&gt; --x\n</code></pre>" in got.html  # code as written
    assert got.html.count("<ol>") == 2


def test_a_marker_four_columns_past_its_items_text_is_the_paragraphs_text() -> None:
    got = parse("1. For each:\n    1. For k:\n            1. Draw $x | y$ here\n")
    assert "<table>" not in got.html and got.html.count("<li>") == 2
    assert "1. Draw $x | y$ here" in got.text


def test_a_span_element_left_open_closes_at_its_paragraphs_end() -> None:
    got = parse('Go <a href="https://example.com/1"> one,\n<a href="https://example.com/2"> two\n\nNext <b>bold\n')
    assert got.html.count("<a ") == 2 and got.html.count("<b>") == 1
    assert "</a></p>" in got.html and "<b>bold</b></p>" in got.html


def test_a_definition_whose_url_has_a_quote_inside_a_word_defines_nothing_shown() -> None:
    # kramdown's URL may hold a quote, only not after white space: the line is a definition
    got = parse("Above.\n\n[//]: # a note the page doesn't show\n\nBelow.\n")
    assert got.text == "Above.\nBelow."


@pytest.mark.parametrize(
    "definition", ["[1]: https://example.com/tables  (the list)", "[1]: <https://example.com/the tables>"]
)
def test_a_definitions_url_with_a_space_is_no_autolink(definition: str) -> None:
    got = parse(f"Read [the tables][1] first.\n\n{definition}\n")
    assert got.text == "Read the tables first." and got.html.count("<a ") == 1


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("One line\n<!-- a remark -->then more  \nlast line\n", "One line then more\nlast line"),
        ("One line\n<!-- a\nremark -->\nlast line\n", "One line last line"),
        ("> Quoted\n<!-- a remark -->still quoted\n", "Quoted still quoted"),
        ("> Quoted\n> <!-- a remark --> in the quote\n> too\n", "Quoted in the quote too"),
    ],
)
def test_a_comment_under_a_paragraphs_line_goes_on_the_paragraph(body: str, text: str) -> None:
    got = parse(body)
    assert got.html.count("<p>") == 1 and got.text == text


def test_text_after_a_comment_that_opens_a_block_is_a_block_of_its_own() -> None:
    got = parse("<!-- a remark -->Some *text*\ngoes on.\n\n<!-- b --># A heading\n")
    assert "<p>Some <em>text</em>\ngoes on.</p>" in got.html
    assert "<h1" in got.html and got.text == "Some text goes on.\nA heading"


def test_a_line_left_of_a_nested_items_text_goes_on_its_parent_item() -> None:
    # past the blank line, four columns in is left of "- b"'s text but right of "1. a"'s: a quote
    # in item a (and its attribute list the quote's), no code
    got = parse("1. a\n   - b\n\n    > quoted *here*\n    {: .note}\n\n2. c\n")
    assert "<pre>" not in got.html and "<em>here</em>" in got.html
    assert got.text == "a\nb\nquoted here\nc"


@pytest.mark.parametrize("underline", ["-", "---", "=="])
def test_an_underline_at_the_margin_under_an_items_line_makes_the_item_a_heading(underline: str) -> None:
    got = parse(f"* first step\n{underline}\n* second step\n")
    assert got.html.count("<ul>") == 1 and got.html.count("<li>") == 2
    assert "<h" in got.html and "<hr" not in got.html
    assert got.text == "first step\nsecond step"


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("A line\n -\n", "A line -"),
        ("A line\n  ===\n", "A line ==="),
        ("1. An item\n ---\n2. Next\n", "An item —\nNext"),
        ("* An item\n\n  Its line\n   --\n", "An item\nIts line –"),
    ],
)
def test_an_underline_indented_from_its_blocks_margin_is_text(body: str, text: str) -> None:
    got = parse(body)
    assert "<h" not in got.html and got.text == text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("Shift a << 2 and b >> 3 bits.\n", "Shift a « 2 and b » 3 bits."),
        ("Runs <<< and >>>> too.\n", "Runs «< and »» too."),
        ("> A quote >> in it\n>> and a deeper one\n", "A quote » in it\nand a deeper one"),
        ("A <b>>> bold</b> run.\n", "A » bold run."),
    ],
)
def test_every_double_angle_in_text_is_a_guillemet(body: str, text: str) -> None:
    assert parse(body).text == text


@pytest.mark.parametrize(
    ("body", "blocks"),
    [
        ("A paragraph.\n{: .lead}\nAnother one.\n", ["<p>A paragraph.</p>", "<p>Another one.</p>"]),
        (
            "> Said.\n{: .said}\n> Replied.\n",
            ["<blockquote>\n<p>Said.</p>\n</blockquote>", "<blockquote>\n<p>Replied."],
        ),
        ("> Said.\n> {: .said}\n> Replied.\n", ["<p>Said.</p>\n<p>Replied.</p>"]),
        ("| k | v |\n|---|---|\n| a | 1 |\n{: .grid}\nBelow.\n", ["<td>1</td>", "<p>Below.</p>"]),
        ('1. one\n2. two\n{: start="3"}\n3. three\n', ["<li>two</li>\n</ol>", "<ol>\n<li>three</li>"]),
        ("* one\n  {: .first}\n* two\n", ["<li>one</li>\n<li>two</li>"]),
    ],
)
def test_a_block_attribute_list_ends_the_block_above_it(body: str, blocks: list[str]) -> None:
    got = parse(body)
    assert all(block in got.html for block in blocks), got.html
    assert "{:" not in got.text


@pytest.mark.parametrize("below", ["{: .equation}\n", "{: .equation}\nThen text.\n", "^\n"])
def test_math_standing_alone_before_an_attribute_list_or_block_end_is_a_block(below: str) -> None:
    got = parse(f"Before.\n\n$$\na^2 + b^2\n$$\n{below}")
    assert '<span class="math math-display">' in got.html and "{:" not in got.text


def test_a_fence_with_two_words_after_it_is_a_code_span_its_paragraph_closes() -> None:
    # kramdown's fence takes one word at most: the line is text, its backticks a code span's
    got = parse("Before.\n\n```shell session\n$ make all\n```\nAnd on.\n\nAfter.\n")
    assert got.text == "Before.\nshell session $ make all And on.\nAfter."
    assert "<pre>" not in got.html and got.html.count("<code") == 1


@pytest.mark.parametrize(
    "body",
    [
        "<b>x\n\n" * 10_000,  # span elements left open, a paragraph each
        "a <em>b\n" * 50_000,  # in one paragraph
        ">     x\n" + "> y\n" * 50_000,  # lazy lines under code in a quote
        "<http://a b " * 50_000,  # autolinks never closed
        "[x]:\n" * 50_000,  # definitions without a URL
        "<a_b>x " * 50_000,  # tags with an underscore
        "| a $$\\|x\\|$$ |\n" * 50_000,  # a table's rows with math
        "> a\n> <!-- c -->\n" * 50_000,  # comments going on a quote's paragraph
        "a\n<!-- c -->b\n" * 50_000,  # and on a paragraph
        "a\n -\n" * 50_000,  # indented underlines
        "p\n{: .x}\n" * 50_000,  # block IALs with a block right under each
        "- a\n\n" + "    **a *b* c\n\n" * 30_000,  # emphasis in an item's indented paragraphs (each looks back)
        "x\n<picture>\n" * 50_000,  # elements of other names, never closed, each ending a paragraph
    ],
)
def test_the_new_readings_stay_linear(body: str) -> None:
    started = time.process_time()
    with contextlib.suppress(PostRejected):  # past a cap (elements): rejected, in time too
        parse(body)
    assert time.process_time() - started < 2.0


def test_a_footnote_mark_before_a_parenthesis_is_no_link() -> None:
    # kramdown's link never opens at "[^": the mark is read (a note, or text with no note), then "(...)"
    got = parse("See[^1](x) and [^n](y).\n\n[^1]: Note.\n")
    assert '<a href="x"' not in got.html and '<a href="y"' not in got.html
    assert got.text.split("\n") == ["See1(x) and [^n](y).", "1", "Note."]


def test_an_underscore_pair_next_to_code_span_is_emphasis() -> None:
    # kramdown's "_" closes before "`" and opens after it; the code span is no letter
    got = parse("Say _this_`now` or `then`_that_ here.\n")
    assert "<em>this</em><code" in got.html and "</code><em>that</em>" in got.html
    assert got.text == "Say thisnow or thenthat here."


def test_a_quote_takes_its_lazy_lines_under_html_and_headings() -> None:
    # kramdown's quote runs to a blank line, unmarked lines and all, and reads them inside it
    got = parse('> <div class="note"><a\ntitle="t" href="/x">Read\nmore</a> now</div>\n\nThen.\n')
    assert got.html.count("<blockquote>") == 1 and "title=" not in got.text
    assert got.text.split("\n") == ["Read more now", "Then."]
    listed = parse("> Quote\n## Heading in it\n- item in it\n\nOut.\n")
    assert listed.html.index("</blockquote>") > listed.html.index("<li>item in it</li>")


def test_a_fence_right_under_an_item_line_is_the_items_code_when_it_closes_there() -> None:
    # kramdown's item takes the lines under its text (lazy lines) to a blank line: the fence
    # opens code inside the item when it closes among them, and the list goes on under it
    got = parse("1. Set the key\n```yaml\nkey: on\n  deep: 2\n```\n2. Then run\n```\n<b>x</b> *y*\n```\n")
    assert got.html.count("<ol>") == 1 and got.html.count("<li>") == 2
    assert got.html.index("<pre>") < got.html.index("</li>")
    assert "<code>key: on\n  deep: 2\n</code>" in got.html
    assert "<code>&lt;b&gt;x&lt;/b&gt; *y*\n</code>" in got.html
    # a blank line ends the item's lazy lines: a fence that has not closed by then is its text
    open_ = parse("- Make a user\n```sh\n$ add me\n  $ log in\n\nNext part\n```\nlast\n")
    assert "<pre>" not in open_.html and "<li>Make a user\n```sh\n$ add me\n$ log in</li>" in open_.html
    assert open_.text.split("\n") == ["Make a user ```sh $ add me $ log in", "Next part ``` last"]


def test_a_fence_under_an_items_lazy_line_is_the_items_code_too() -> None:
    # the item's text goes on over an unindented line (lazy), and the fence under it is the item's
    got = parse("1. Ask the host for a tunnel\nto the port:\n```\nOPEN host:443\n```\n2. Wait for it\n")
    assert got.html.count("<ol>") == 1 and got.html.index("<pre>") < got.html.index("</li>")
    assert got.text.split("\n") == ["Ask the host for a tunnel to the port:", "OPEN host:443", "Wait for it"]


def test_an_autolink_of_a_scheme_kramdown_has_none_for_is_text() -> None:
    # kramdown's autolinks are http(s), ftp(s) and mailto; "<std::string>" is no tag to it either
    got = parse("Use std::vector<std::string> or <irc://chat/room>, not <https://a.example/b>.\n")
    assert (
        got.html.count("<a ") == 1
        and got.text == "Use std::vector<std::string> or <irc://chat/room>, not https://a.example/b."
    )


def test_a_link_destination_in_angle_brackets_with_a_colon_is_the_links() -> None:
    # kramdown reads the link first: "<x:y>" there is its URL, no XML-namespaced tag
    got = parse("See [the note](<note:one>) here.\n")
    assert "\U000ffffb" not in got.html and "%F3" not in got.html and got.text == "See the note here."


def test_a_definition_whose_url_runs_on_past_its_angle_brackets_is_hidden() -> None:
    # kramdown's "<...>" URL is one only with white space or a title after it; else the URL is
    # the rest of the line, and the line is a definition all the same (nothing shown)
    got = parse("Text.\n\n[//]: <>### A hidden heading\n\n[//]: <>- [A hidden item] x\n[//]: <> (as usual)\n")
    assert got.text == "Text." and "hidden" not in got.html


def test_table_lines_under_a_quotes_text_are_text() -> None:
    # kramdown opens a table only where a block starts: under a line of the quote's paragraph the
    # rows are its text (CommonMark's table interrupted the paragraph)
    got = parse("> A title line\n> | Road | Cost |\n> | :--- | ---: |\n> | Main | 3 |\n")
    assert "<table>" not in got.html and got.text == "A title line | Road | Cost | | :— | —: | | Main | 3 |"
    spaced = parse("> A title line\n>\n> | Road | Cost |\n> | :--- | ---: |\n> | Main | 3 |\n")
    assert "<table>" in spaced.html


def test_an_attribute_list_after_an_underscore_that_closes_nothing_is_text() -> None:
    # a span IAL applies to the element before it: after a "_" that closes no emphasis it is text
    got = parse("Norm of $X_{:j}$ and snake_case_{:k}, but _this_{:.x} and __that__{:.y} go.\n")
    assert got.text == "Norm of $X_{:j}$ and snake_case_{:k}, but this and that go."
    assert "<em>this</em>" in got.html and "<strong>that</strong>" in got.html


def test_math_with_a_bar_in_a_line_that_opens_a_table_is_split_into_cells() -> None:
    # kramdown splits a table row at each "|" before it reads the row's spans, math's too
    got = parse(
        "The norm $$|v|$$ is small.\n\nIn a paragraph $$|v|$$ stays\nmath.\n\n| a | b |\n|---|---|\n| n | $$|v|$$ |\n"
    )
    assert got.html.count("<table>") == 2 and got.html.count('<span class="math') == 1
    assert "<td>The norm $$</td><td>v</td><td>$$ is small.</td>" in got.html
    assert "<td>n</td><td>$$</td><td>v</td><td>$$</td>" in got.html
    escaped = parse("The norm $$\\|v\\|$$ is small.\n")
    assert "<table>" not in escaped.html and '<span class="math' in escaped.html


def test_each_abbreviation_in_the_text_is_an_abbr_element() -> None:
    # kramdown marks each abbreviation of the text (not in code, nor in an HTML block) with <abbr>,
    # between characters other than ASCII word characters, written as defined, the longest first
    got = parse(
        "The CPU and the CPUs, a Big Co (no Big  Co) and ОСь, not `CPU`.\n\n<div>\nCPU in a block\n</div>\n\n"
        '*[CPU]: Central Processing Unit\n*[Big Co]: A "large" firm\n*[ОС]:\n'
    )
    assert got.html.count('<abbr title="Central Processing Unit">CPU</abbr>') == 1
    assert (
        '<abbr title="A &quot;large&quot; firm">Big Co</abbr> (no Big  Co)' in got.html
        and "<abbr>ОС</abbr>ь" in got.html
    )
    assert "<code>CPU</code>" in got.html and "CPU in a block" in got.html
    assert got.text.split("\n")[0] == "The CPU and the CPUs, a Big Co (no Big Co) and ОСь, not CPU."


def test_an_attribute_lists_start_numbers_its_ordered_list() -> None:
    # kramdown's lists start at 1 whatever their first number, but for an IAL's start="N": one
    # after a blank line numbers the list right under it, one right under a list that list
    got = parse(
        'Text.\n\n{: start="3"}\n1. three\n2. four\n\nMore.\n\n5. again\n   1. inner\n{:start="7"}\n\n9. plain\n'
    )
    assert got.html.count('<ol start="3">') == 1 and got.html.count('<ol start="7">') == 1
    assert got.html.count("<ol>") == 2 and "\U000ffffc" not in got.html and "<!--" not in got.html
    assert got.text.split("\n") == ["Text.", "three", "four", "More.", "again", "inner", "plain"]
    assert "\U000ffffc" not in to_commonmark('{: start="3"}\n1. three\n')


def test_a_quote_right_under_an_items_line_is_in_the_item() -> None:
    # kramdown's item takes the unindented quote under its text as a lazy line, and the quote's
    # lazy lines to a blank line: a quote inside the item, and the list goes on after it
    got = parse("1. What is its name?\n> the answer\nand on\n2. Next step\n\n- Loose\n\n> apart\n")
    assert got.html.count("<ol>") == 1 and got.html.index("<blockquote>") < got.html.index("</li>")
    assert got.text.split("\n") == ["What is its name?", "the answer and on", "Next step", "Loose", "apart"]
    assert got.html.rindex("<blockquote>") > got.html.index("</ul>")


def test_an_unknown_element_closed_in_its_tag_is_a_block_of_its_own() -> None:
    # kramdown reads a line-opening tag of an element HTML does not have as an HTML block: it
    # ends the paragraph above, and a block starts under it (indented code too); a close tag of
    # such a name that no open tag matches is text
    got = parse("Para one\n<my-widget/>\nmore text\n\n<Conf />\n    indented code\n</Conf>\nthen text\n")
    assert got.text.split("\n") == ["Para one", "more text", "indented code", "</Conf> then text"]
    assert "<pre><code>indented code\n</code></pre>" in got.html and "&lt;/Conf&gt;" in got.html


def test_a_tab_indented_line_of_a_fence_under_an_items_text_loses_the_items_column() -> None:
    # kramdown writes an item line's leading tabs as four spaces each, then takes the column off
    got = parse("- Set it in the file\n```ini\n[alias]\n\tshort = log -1\n\t\tdeep = x\n```\n- next\n")
    assert "<pre><code>[alias]\n  short = log -1\n      deep = x\n</code></pre>" in got.html
    assert got.html.count("<li>") == 2


def test_the_lines_right_under_an_items_lazy_fence_are_the_items_too() -> None:
    # kramdown's item goes on over the unindented lines under the code to a blank line
    got = parse(
        "1. List them\n```sh\nls -l\n```\n![shot](/a.png)\n\n2. Use one\n```sh\nrun 1\n```\n> a note\n\nAfter.\n"
    )
    assert got.html.count("<ol>") == 1 and got.html.index("<img") < got.html.index("</li>")
    assert got.html.index("<blockquote>") < got.html.rindex("</li>") < got.html.index("After.")


def test_a_definitions_url_that_opens_with_a_processing_instruction_keeps_its_brackets() -> None:
    # kramdown's URL is the rest of the line; the rewrite that makes "<?" text must not reach
    # inside it (it put a literal "&lt;" into the href and the image's src)
    html = render_kramdown('![i][r]\n\n[r]: <?x y="1"?><b/>\n')
    assert 'src="%3C?x%20y=%221%22?%3E%3Cb/%3E"' in html and "&amp;lt;" not in html


def test_a_line_opening_with_a_tag_of_any_element_but_a_span_element_ends_its_paragraph() -> None:
    # kramdown ends a paragraph at a line that opens with a tag of any name but its span
    # elements' (<picture>, <video>, <time>), and reads the element as an HTML block to its close
    # tag: the <a> left open above it is empty, its close tag under it text, and text after the
    # close tag on its line a paragraph (CommonMark's paragraph went on over the lines)
    got = parse(
        'Made by [us](/about)\n<a href="/home">\n<picture>\n  <source srcset="dark.png">\n'
        '  <img src="light.png" alt="logo">\n</picture>\n</a>\n\n'
        'A clip below:\n<video src="clip.mp4" controls></video>\n\n'
        'See the *time*\n<time datetime="2020-01-01">new year</time> then **more**\n'
    )
    assert got.text.split("\n") == ["Made by us", "</a>", "A clip below:", "See the time", "new year", "then more"]
    assert '<a href="/home" rel="noopener noreferrer nofollow"></a></p>' in got.html


def test_emphasis_in_an_items_paragraph_indented_four_columns_is_kramdowns() -> None:
    # a paragraph of a list item indented four columns (its item's text two or three columns in)
    # is no code to either reader: kramdown's emphasis is read there too ("**a *star*" is an
    # emphasized "*a *star"); eight columns past a "- " item is code, left as written
    got = parse(
        "- item one\n- item two\n\n    <span>_**a **_</span><span>_**b**_</span> and *c*\n\n"
        "1. Step\n\n    Note **a *star* here\n\n- a\n\n        code *x* _**t **_\n"
    )
    texts = ["item one", "item two", "**a **b and c", "Step", "Note *a *star here", "a", "code *x* _**t **_"]
    assert got.text.split("\n") == texts


def test_a_line_opening_with_a_span_tag_counts_among_a_paragraphs_lines_above_an_underline() -> None:
    # an underline under a paragraph of several lines is its text (an em dash for "---"), and a
    # line that opens with a span element's tag is one of them: no heading under it
    got = parse(
        '## Joins\n<img src="concat.svg" alt="concat" />  \nSeveral tables can be joined by rows.\n---\n\n'
        "<span>Plain</span> words\nunder a span\n===\n\nend\n"
    )
    assert [h.heading for h in got.sections if h.heading] == ["Joins"]
    texts = ["Joins", "Several tables can be joined by rows. —", "Plain words under a span ===", "end"]
    assert got.text.split("\n") == texts


def test_a_definitions_url_with_a_parenthesis_that_balances_none_is_the_whole_rest_of_its_line() -> None:
    # kramdown's URL runs to the line's end, ")" and all; CommonMark's stopped before the ")" and
    # read no definition there, nor in the lines under it: every reference was text
    got = parse(
        "The fix is in the [patch], see [notes] and [wiki].\n\n[patch]: https://example.com/commit/c94)\n"
        '[notes]: https://example.com/notes\n[wiki]: https://en.example.org/wiki/Foo_(bar) "Foo"\n'
    )
    assert got.text == "The fix is in the patch, see notes and wiki."
    assert (
        'href="https://example.com/commit/c94)"' in got.html
        and 'href="https://en.example.org/wiki/Foo_(bar)"' in got.html
    )


def test_text_after_an_html_blocks_close_tag_in_a_list_item_stays_in_the_item() -> None:
    # kramdown ends the block at its close tag and reads the rest of the line as a paragraph of
    # the item the block is in; it lost the item's indentation and ended the list there
    got = parse("- item\n  <div>2020</div> here\n- two\n  <time>2021</time> there\n\nend\n")
    assert got.html.count("<ul>") == 1 and got.html.index("here") < got.html.index("two") < got.html.index("</ul>")
    assert got.html.index("there") < got.html.index("</ul>")
    assert got.text.split("\n") == ["item", "2020", "here", "two", "2021", "there", "end"]


def test_a_line_opening_with_a_name_kramdown_reads_as_no_tag_opens_no_html_block() -> None:
    # "<std::string>" is no tag to kramdown (a name has one colon at most), an autolink is a
    # link: their lines stay in their paragraphs, and no block takes the rest of the post
    got = parse("Type\n<std::string> is used\nhere\n\nSee\n<https://example.com>\nmore\n\nEnd *here*.\n")
    assert got.text.split("\n") == ["Type <std::string> is used here", "See https://example.com more", "End here."]


def test_a_tag_never_closed_takes_the_rest_of_its_paragraph_emphasis_and_all() -> None:
    # kramdown reads <T> as an element to its close tag or the paragraph's end: the second "**" is
    # the element's, so "**List<T>**" pairs nothing (Jekyll: "a **List<T>** and ...</T>")
    got = parse("Takes a **List<T>** and *x<y>* here.\n\nThen **bold** *em*.\n")
    assert got.text.split("\n") == ["Takes a **List** and *x* here.", "Then bold em."]
    assert "<strong>List" not in got.html and "<em>x" not in got.html


def test_a_strong_pair_after_a_code_span_before_punctuation_is_kramdowns() -> None:
    # CommonMark takes the code span for a letter: "`x`**(5)**" would not open; kramdown's does
    got = parse("Use `uses`**(5)** and `opens`_(6)_ here.\n")
    assert "</code><strong>(5)</strong>" in got.html and "</code><em>(6)</em>" in got.html
    assert got.text == "Use uses(5) and opens(6) here."


def test_emphasis_in_a_paragraph_with_a_pipe_but_no_table_is_kramdowns() -> None:
    # a table interrupts no paragraph in kramdown: the "|" is text, and "**Values:**left" strong
    got = parse("Type: float\n**Values:**left | right | none\n**Initial:**none\n")
    assert got.text == "Type: float Values:left | right | none Initial:none"
    assert "<strong>Values:</strong>left" in got.html and "<strong>Initial:</strong>none" in got.html


def test_a_raw_tag_never_closed_takes_its_paragraph_to_the_attribute_list() -> None:
    # kramdown reads <size> (no HTML name: raw content) to its paragraph's end: the "**" after it
    # are text; the paragraph ends at its attribute list, which is no text
    got = parse("**Type:** t\n**Values:**none | <size>\n**Initial:** none\n{: .note}\n\nNext *em*.\n")
    assert got.text.split("\n") == ["Type: t Values:none | **Initial:** none", "Next em."]
    assert "{:" not in got.html
    assert parse("Use List<T> and **b** here\n\nthen <<c>> and \\<d> **e**.\n").text.split("\n") == [
        "Use List and **b** here",
        "then «c» and <d> e.",
    ]


def test_emphasis_never_pairs_across_a_heading_and_the_line_under_it() -> None:
    # a heading is a span context of its own line; the line right under it opens a paragraph:
    # "# a *b" and "c* d" pair nothing (they were read as one context, <em> spilling between blocks)
    got = parse("#### *nix\n在*nix系统下\n\n# a *b\nc* d\n\nText *x\n## y* z\n")
    assert [h.text for h in got.headings] == ["*nix", "a *b", "y* z"]
    assert got.text.split("\n") == ["*nix", "在*nix系统下", "a *b", "c* d", "Text *x", "y* z"]
    assert "<em>" not in got.html
    assert parse("# A *real* one\nunder *it*\n").html.count("<em>") == 2


def test_a_definition_with_spaces_opening_an_item_or_quote_is_one_and_inside_a_paragraph_is_text() -> None:
    # "- [Tool]: what it does" opens the item with a link definition to kramdown: the line is
    # never shown, and an item holding only that is empty; under a paragraph's line it is text
    got = parse(
        "Intro.\n\n- [First one]: does the first thing\n  and more of it\n\n- [Second]: the second\n\n"
        "> [q]: r s\n> after\n\npara line\n[a]: b c\n\n> quoted\n> [p]: r s\n"
    )
    assert got.text.split("\n") == ["Intro.", "and more of it", "after", "para line [a]: b c", "quoted [p]: r s"]
    assert "<li></li>" in got.html


def test_a_line_of_one_pipe_is_an_empty_table_row() -> None:
    # kramdown reads "|" alone as a row of no cells (a table, nothing shown); GFM read no row there,
    # so the "|" was text, and under a row it took the table apart
    assert parse("Before.\n\n|\n\nAfter.\n").text == "Before.\nAfter."
    got = parse("|\n| b |\n\n| c |\n|\n")
    assert got.text == "b\nc" and got.html.count("<table>") == 2 and "|" not in got.html


def test_an_underline_under_a_line_right_after_a_block_is_text_as_kramdown_opens_headings_at_boundaries() -> None:
    # kramdown's setext heading opens only after a blank line (its after_block_boundary?): under a
    # line right after a fence or a heading, "---" is the paragraph's text (an em dash)
    got = parse("```\nx\n```\nb\n---\n\n# H\nc\n---\n\nd\n---\n")
    assert [h.text for h in got.headings] == ["H", "d"]
    assert got.text.split("\n") == ["x", "b —", "H", "c —", "d"]
    assert parse("1. a\n   ```\n   x\n   ```\n   b\n---\n").text == "a\nx\nb —"


def test_an_underline_at_the_margin_under_an_items_later_paragraph_is_the_items_lazy_line() -> None:
    # kramdown keeps the line in the item: the heading of a one-line paragraph after a blank line,
    # else the paragraph's text ("---" its em dash); CommonMark ended the list with a rule there
    got = parse("- a\n\n  b\n===\n\n- c\n  ```\n  x\n  ```\n  d\n===\n\n1. e\n\n   f\n   g\n---\n")
    assert [(h.level, h.text) for h in got.headings] == [(1, "b")]
    assert got.text.split("\n") == ["a", "b", "c", "x", "d ===", "e", "f g —"]
    assert "<hr" not in got.html
    after_code = parse("3.  config\n    ```js\n    a = 1\n    ```\n    after\n---\n\nNext.\n")
    assert after_code.text == "config\na = 1\nafter —\nNext."


def test_an_attribute_list_right_after_a_block_elements_close_tag_is_the_elements() -> None:
    # kramdown reads "{: ...}" alone after the close tag as the element's block attribute list;
    # with more after it on the line it is a paragraph's text
    got = parse('Intro.\n\n<div class="box">inside</div>{: #boxed}\n\nTail.\n\n<hr>{: .x}\n<p>p</p> {: .c}\n')
    assert got.text.split("\n") == ["Intro.", "inside", "Tail.", "p"]
    assert "{:" not in got.html
    assert parse("<div>x</div>{: #a} words after\n").text.split("\n") == ["x", "{: #a} words after"]


def test_emphasis_in_a_paragraph_with_a_reference_link_and_a_pipe_but_no_table_is_kramdowns() -> None:
    # the "|" is on no first line: no table to kramdown, its "|" text; the links and the
    # emphasis are read together as in any paragraph with brackets
    got = parse(
        "**Kind:**stacking\n**Accepted:**[a number][] | auto\\\\\n**Default:**auto\n{: .spec}\n\n"
        "[a number]: https://example.com/n\n"
    )
    assert got.text == "Kind:stacking Accepted:a number | auto\nDefault:auto"
    assert got.html.count("<strong>") == 3 and 'href="https://example.com/n"' in got.html


def test_a_link_definition_opening_a_list_items_text_defines_and_shows_nothing() -> None:
    # kramdown reads "[Task one]: build ..." in an item as a definition (its URL may hold spaces),
    # the item's next line its paragraph; of two definitions of a label the last wins
    got = parse(
        "- [Task one]: build a small server\n  that keeps integers\n- [Task two]: see it\n\n"
        "Words [Task one] here.\n\n[Task one]: https://example.com/one\n"
    )
    assert got.text.split("\n") == ["that keeps integers", "Words Task one here."]
    assert 'href="https://example.com/one"' in got.html


def test_a_fence_on_a_quotes_lazy_line_is_code_only_when_it_closes_before_a_blank_line() -> None:
    # kramdown's quote takes the lines under it to a blank line: a fence in there that does not
    # close before it is the quote's text, and the fence lines after it pair otherwise
    got = parse("> Before\n~~~\ny\n\nz\n~~~\n\nEnd `c`.\n\n> After\n```\nx = 1\n```\n")
    assert got.text.split("\n") == ["Before ~~~ y", "z ~~~", "End c.", "After", "x = 1"]


def test_a_fence_right_under_an_items_text_over_a_lists_items_is_text() -> None:
    # kramdown reads no fence there: the fence lines are the items' text, and the close does not
    # open a fence that pairs with a later one
    got = parse("- one\n- two\n  ```\n    1. alpha\n    2. beta\n  ```\n\n- three\n  ```\n  code a\n  ```\n")
    assert got.text.split("\n") == ["one", "two ```", "alpha", "beta ```", "three", "code a"]
    got = parse("* Opt\n```\n    * Adam\n    * SGD\n```\n\n* next\n")
    assert got.text.split("\n") == ["Opt ```", "Adam", "SGD ```", "next"]


def test_a_fence_on_the_lazy_line_of_an_item_with_an_indented_marker_is_the_items() -> None:
    # "   * x" at the page's margin opens a list (no nested one): a fence on its lazy line that
    # does not close within the item is its text, and no code span across the items either
    got = parse("Step two\n\n   * shrink 32 to 16\n``` \n   * keep the largest\n``` \n\n# Next\n")
    assert got.text.split("\n") == ["Step two", "shrink 32 to 16 ```", "keep the largest ```", "Next"]


def test_a_tables_lines_right_under_a_heading_are_a_paragraph_and_its_rule_no_definition() -> None:
    # no table opens under a heading's line (kramdown): the lines are text, ":-:|:-:" too
    got = parse("### Compare\nA|B|C\n:-:|:-:|:-:\n**pos**|p.u|p.l\n")
    assert got.text.split("\n") == ["Compare", "A|B|C :-:|:-:|:-: pos|p.u|p.l"]
    assert "<dd>" not in got.html and "<table>" not in got.html


def test_a_setext_underline_right_under_a_rule_or_code_is_text() -> None:
    # kramdown opens a setext heading only at a block boundary (a blank line, the start): under a
    # rule's or a fence's line the title and its underline are a paragraph; an ATX heading is one
    got = parse("Intro.\n\n-----\nRefs\n-----\n* one\n\n-----\n## Atx\n\n```\ncode\n```\nAfter\n=====\n")
    assert got.text.split("\n") == ["Intro.", "Refs —–", "one", "Atx", "code", "After ====="]
    assert "<h1" not in got.html and "<h2" in got.html


def test_a_fence_in_an_item_over_a_lists_line_after_a_blank_line_is_code() -> None:
    # kramdown parts an item's lines at a nested list's first line only before any blank line
    got = parse("- two\n  ```\n  a\n\n  1. alpha\n  ```\n")
    assert "<pre><code>a\n\n1. alpha\n</code></pre>" in got.html and "<ol>" not in got.html
    # and a list whose indented marker follows a rule takes a fence on its lazy line
    got = parse("Intro\n\n---\n - one\n - code\n```\nx = 1\n```\n")
    assert got.text.split("\n") == ["Intro", "one", "code", "x = 1"] and "<pre><code>x = 1" in got.html


def test_an_emphasis_delimiter_in_a_heading_pairs_nothing_on_the_lines_under_it() -> None:
    # a heading's span context is its own line: its "*" is text, and the paragraph under it
    # pairs its own delimiters
    got = parse("#### *nix\n在*nix系统下\n创建好*nix系统\n")
    assert got.text.split("\n") == ["*nix", "在nix系统下 创建好nix系统"]
    assert '<h4 id="nix">*nix</h4>' in got.html and got.html.count("<em>") == 1


def test_math_on_a_nested_items_lazy_lines_keeps_the_list_going() -> None:
    # "$$" lines at the margin right under a nested item's line are its lazy lines (kramdown):
    # the tab-indented items after the blank line go on with the nested list, no code
    got = parse(
        "- Outer\n\t- One:\n$$\n\t\\Delta w = \\eta (y - a)\n$$\n\n\t- Two:\n$$\n\tx_i * y\n$$\n\n\t- Three\n\t- Four\n"
    )
    assert "<pre>" not in got.html and got.html.count("<li>") == 5
    assert got.text.split("\n")[-2:] == ["Three", "Four"]


def test_an_ordered_item_whose_text_opens_with_no_break_spaces_ends_the_paragraph() -> None:
    # a no-break space is text to kramdown: "2. \u00a0x" is an item, and it ends the paragraph above
    got = parse("Intro copy1. uuid {\n2. \u00a0\u00a0 first = x;\n3. \u00a0\u00a0 return y;\n\nAfter\n")
    assert got.html.count("<li>") == 2 and got.text.split("\n")[0] == "Intro copy1. uuid {"


def test_a_no_break_space_beside_a_star_is_no_white_space_to_kramdowns_emphasis() -> None:
    # Ruby's \s is ASCII: "*\u00a0result ... \u00a0*" opens and closes an emphasis
    got = parse("A\u00a0*\u00a0result\u00a0=\u00a0(T\u00a0*)copy and *b\u00a0* c.\n")
    assert got.html.count("<em>") == 2 and "*" not in got.text


def test_a_tag_whose_name_opens_past_ascii_is_kramdowns_element_shown_as_text() -> None:
    # kramdown reads "<파드 이름>" as an element (XML's names) with raw content to its paragraph's
    # end and writes its attribute as 이름=""; a browser shows that tag as text
    got = parse("- logs <파드 이름> : 특정 **파드**의 로그\n- create -f <파일명> : *YAML*\n\n값 <名前>と**太字**\n")
    assert got.text.split("\n") == [
        'logs <파드 이름=""> : 특정 **파드**의 로그',
        "create -f <파일명> : *YAML*",
        "값 <名前>と**太字**",
    ]
    assert (
        parse("fwd <파드 이름> <로컬 포트>:<파드 포트> : 설정\n").text
        == 'fwd <파드 이름=""> <로컬 포트="">:<파드 포트=""> : 설정'
    )


def test_the_quotes_in_a_block_tag_shown_as_text_stay_straight() -> None:
    # kramdown shows a block element's tag in a paragraph as the text written: no typographic quotes
    got = parse('A <p class="x">para</p> and <hr class=\'y\'> "end".\n')
    assert got.text == "A <p class=\"x\">para</p> and <hr class='y'> “end”."


def test_a_fence_line_read_as_text_opens_no_code_span_past_a_block_tags_line() -> None:
    # "```xml" under an item's text is text there (the item's lazy lines end at "<property>", a
    # block's tag: kramdown's paragraph ends there too), so no code span runs over the tags
    got = parse(
        '3. list kind \n```xml\n<property name="n">\n<value>C</value>\n</property>\n```\n\n4. Map\n```\nm\n```\n'
    )
    assert got.text.split("\n")[0] == "list kind ```xml" and "<code>xml" not in got.html


def test_a_fence_on_the_lazy_line_of_a_wide_item_is_its_text_when_it_does_not_close_in_it() -> None:
    # "*        soft" (many spaces after the marker) is an item to kramdown too; a fence on its
    # lazy line that does not close within it is its text, so the next fence opens a block
    got = parse("*        soft    core\n*        hard    nproc\n```\n\n+ mmsdk `/etc/x`\n\n```\nnet.a = 1\n```\n")
    assert got.text.split("\n") == ["soft core", "hard nproc ```", "mmsdk /etc/x", "net.a = 1"]


def test_a_line_of_one_span_tag_right_above_a_fence_is_a_paragraph_and_the_fence_code() -> None:
    # kramdown: the tag's line is a paragraph (its element closed at the paragraph's end, where
    # the fence ends it) and the fence opens code; CommonMark's HTML block would take the fence
    got = parse('<img src="/a.png" alt="diagram">\n```\nprint(1)\n```\n\n<span class="note">\n~~~\nplain\n~~~\n')
    assert got.text.split("\n") == ["print(1)", "plain"]
    assert got.html.count("<pre><code>") == 2 and "</span></p><pre>" in got.html


def test_a_fence_no_run_as_long_closes_is_closed_by_a_shorter_one() -> None:
    # kramdown's fence pattern backtracks: "````" under which only "```" closes opens with three,
    # the fourth backtick its language; the longest shorter run below closes it
    got = parse("````\nfour over three\n\nstill code\n```\n\nBetween.\n\n~~~~~sh\necho five\n~~~~\n\nAfter.\n")
    assert got.text.split("\n") == ["four over three still code", "Between.", "echo five", "After."]
    assert "<pre><code>four over three\n\nstill code\n</code></pre>" in got.html
    # a word after a space is a second word: no fence at any length, the lines are text
    assert parse("```` python\ntwo words\n```\n").html.count("<pre>") == 0


def test_an_ordered_item_under_a_bullet_items_text_is_a_list_inside_the_item() -> None:
    # kramdown's item takes the line (lazily, left of its text too) and ends its paragraph there,
    # whatever the number; CommonMark would read "3. third" as the paragraph's text
    got = parse("- a bullet's text\n3. third step\n4. fourth step\n- next bullet\n  more of it\n  2. second\n")
    assert got.text.split("\n") == [
        "a bullet’s text",
        "third step",
        "fourth step",
        "next bullet more of it",
        "second",
    ]
    assert got.html.count("<ol>") == 2 and got.html.count("<li>") == 5 and "<p>" not in got.html


def test_an_html_block_in_a_quote_or_an_item_holds_raw_text() -> None:
    # kramdown reads a quote's (an item's) content as blocks: a block tag opening it is an HTML
    # block to its close tag, no math and no code span in it; what follows the close tag, on its
    # line or under it, is a paragraph of the container's
    got = parse(
        "> Said first.\n> <p>$$m^2$$ and `raw` stay</p>\n> then *this* $$n$$\n\n"
        "- <div>item $$k$$</div> tail `t`\n- plain\n\n> <div>\n> `one`\n>\n> two\n> </div>\n"
    )
    assert got.text.split("\n") == [
        "Said first.",
        "$$m^2$$ and `raw` stay",
        "then this n",
        "item $$k$$",
        "tail t",
        "plain",
        "`one` two",
    ]
    assert "<div>\n`one`\n\ntwo\n</div>" in got.html and "<p><p>" not in got.html
    assert got.html.count("<em>") == 1 and got.html.count("<code>") == 1
    # a tag CommonMark reads as no HTML block (an element of another name, text after it): raw too
    assert parse("<custom>$$c$$ *e*</custom>\n\n> <custom>`x` *y*</custom>\n").text.split("\n") == [
        "$$c$$ *e*",
        "`x` *y*",
    ]


def test_two_backslashes_ending_an_items_text_over_a_block_of_the_item_break_the_line() -> None:
    # kramdown's list reader gives an item's first paragraph its line end back when a block of the
    # item follows it (a lazy fence, a nested list, a quote): the pair is a line break there; at
    # the end of the item, of a later paragraph or of a paragraph of the page, a backslash
    got = parse(
        "- item text\\\\\n```\ncode\n```\n\n- a\\\\\n  - nested\n\n- b\\\\\n- c\n\n"
        "- d\n\n  e\\\\\n  ```\n  more\n  ```\n\nplain\\\\\n```\nlast\n```\n"
    )
    assert got.text.split("\n") == [
        "item text",
        "code",
        "a",
        "nested",
        "b\\",
        "c",
        "d",
        "e\\",
        "more",
        "plain\\",
        "last",
    ]
    assert got.html.count("<br") == 2


def test_an_item_with_no_text_on_its_line_takes_the_text_under_it() -> None:
    # kramdown's text of such an item is four columns past its marker: after a blank line a line
    # indented so far is the item's (CommonMark: code under an empty item); the line right under
    # it too, and the item interrupts a paragraph (an ordered one anywhere, a bullet in an item)
    got = parse(
        "1. \n\n    first item's text\n\n2. second\n\n- \n\n      six columns in\n\n"
        "- one\n  1. \n  nested text\n\nplain\n3. \nlazy text\n\n- \n\n  two columns: no item's\n"
    )
    assert got.text.split("\n") == [
        "first item’s text",
        "second",
        "six columns in",
        "one",
        "nested text",
        "plain",
        "lazy text",
        "two columns: no item’s",
    ]
    assert "<pre>" not in got.html and got.html.count("<li>") == 7


def test_an_ordered_item_at_an_ordered_items_text_column_is_a_list_inside_it() -> None:
    got = parse("1. six\n   2. seven\n10. eight\n    3. nine\n1. ten\n  2. sibling\n")
    assert got.text.split("\n") == ["six", "seven", "eight", "nine", "ten", "sibling"]
    assert got.html.count("<ol>") == 3


def test_a_pages_own_tag_in_a_paragraph_is_text() -> None:
    # kramdown reads <html>, <head> and <body> in a paragraph as text; a browser would hide them
    got = parse('Dark mode needs `<html class="dark"> on the root.\n\nThen a <body> tag.\n')
    assert got.text.split("\n") == ['Dark mode needs `<html class="dark"> on the root.', "Then a <body> tag."]


def test_a_definition_right_under_an_items_line_makes_a_definition_list_in_the_item() -> None:
    # kramdown's item takes the ": meaning" line lazily and reads its text as the term
    got = parse("- plain item\n- a term\n: its meaning\n: another meaning\n\nAfter.\n")
    assert got.text.split("\n") == ["plain item", "a term", "its meaning", "another meaning", "After."]
    assert got.html.count("<dd>") == 2 and "<li>\n<dl>" in got.html


def test_a_nested_items_unclosed_tag_ends_at_the_next_item_of_its_list() -> None:
    # kramdown reads a nested item's lines with the outer item's column taken off: the next line
    # of the nested list opens an item, whatever its indent in the page, and ends the paragraph
    # (and the raw element "<T>" left open in it)
    got = parse("- Types\n    - Box<T>, a pointer\n    - Rc\n\n1. Vec\n   1. Vec<u8> bytes\n   2. String\n")
    assert got.text.split("\n") == ["Types", "Box, a pointer", "Rc", "Vec", "Vec bytes", "String"]
    assert got.html.count("<li>") == 6


def test_a_fence_on_a_nested_items_lazy_line_is_that_items_code() -> None:
    # a fence right under a nested item's text, left of that text but inside the outer item: a
    # lazy line of the nested item (kramdown), its code with the outer item's column taken off,
    # and the lines indented into the nested item after it are the nested item's own
    got = parse("- outer\n  - nested item\n  ```\n  code\n   more\n  ```\n      - deeper\n      - deepest\n")
    assert got.text.split("\n") == ["outer", "nested item", "code more", "deeper", "deepest"]
    assert "<li>nested item\n<pre><code>code\n more\n</code></pre>\n<ul>" in got.html
    # one that does not close before a blank line is the nested item's text, as its lines are
    got = parse("1. Lead\n    * nested text\n    ```python\n    x = 1\n\n    y = 2\n    ```\n")
    assert got.text.split("\n") == ["Lead", "nested text ```python x = 1", "y = 2 ```"]
    assert "<pre>" not in got.html


def test_a_tag_inside_an_inline_links_destination_is_the_links() -> None:
    # kramdown reads the inline link before any tag in it: "<host>" in its URL opens no element
    # that would take the rest of the paragraph as raw text
    got = parse("Open [`Console`](https://a.example/go?to=https://<host>/) (then reload), pick `site`.\n")
    assert got.text == "Open Console (then reload), pick site."
    assert got.html.count("<code>") == 2 and 'href="https://a.example/go?to=https://' in got.html


def test_a_tag_with_an_underscore_in_its_name_in_a_table_cell_shows_nothing() -> None:
    # kramdown reads "<pem_file>" as an element in the cell (XML's names), a browser shows none
    # of it; CommonMark would have shown it as text (its tag names have no "_")
    got = parse("| flag | meaning |\n| --- | --- |\n| --cert <pem_file> | a `TLS` cert |\n| --rate <speed> | slow |\n")
    assert got.text.split("\n") == ["flag", "meaning", "–cert", "a TLS cert", "–rate", "slow"]


def test_a_toc_reference_among_other_attributes_puts_the_table_of_contents_there() -> None:
    # kramdown's "toc" is a reference of the attribute list, whatever else it holds: the list
    # above "{:toc #markdown-toc}" is replaced by the table (navigation, no text); a later one
    # is its list's attribute list
    got = parse("* 目录\n{:toc #markdown-toc}\n\n## One\n\ntext\n\n* x\n{: .c toc}\n\n## Two\n")
    assert got.text.split("\n") == ["One", "text", "x", "Two"]
    assert got.html.startswith('<ul id="markdown-toc">')


def test_a_task_items_box_stays_a_box_when_its_text_has_emphasis() -> None:
    # "[ ]" opening an item's text is a task's box (kramdown's GFM parser), no link's bracket:
    # the emphasis read beside CJK text after it leaves it as written
    got = parse("- [ ] **角色**是否明确\n- [x] **格式**已指定\n\nA [ ] **非**任务\n")
    assert got.text.split("\n") == ["角色是否明确", "格式已指定", "A [ ] 非任务"]
    assert "[ ]" not in got.html.split("<p>")[0] and got.html.count("<strong>") == 3


def test_inline_math_closes_at_the_next_dollars_a_backslash_before_them_too() -> None:
    # kramdown's inline math runs to the next "$$", whatever stands before it: "\$$" closes a
    # math span (its TeX ends with the backslash), while "\$$" outside math is an escaped dollar
    got = parse("Let $$Sx = a \\$$ and $$Sy = b \\$$, so $$a \\neq b$$.\n\nPrice \\$$5 and $$x$$.\n")
    assert got.html.count('<span class="math">') == 4
    assert got.text.split("\n") == ["Let Sx = a \\ and Sy = b \\, so a \\neq b.", "Price $$5 and x."]


def test_a_code_span_of_white_space_between_longer_runs_is_an_empty_code_span() -> None:
    # kramdown takes one space off each end of a span of two backticks or more: "`` ``" and
    # "``` ```" are empty code spans, no backticks as text (a lone "`" between spaces is text)
    got = parse("a ``` ``` b and `` `` c and ` ` d\n")
    assert got.text == "a b and c and ` ` d" and got.html.count("<code>") == 2


def test_a_pre_inside_a_pre_of_an_html_block_nests() -> None:
    # a rouge table pasted as HTML: kramdown reads the tags inside the outer <pre> as elements
    # that nest, so the gutter's <pre> closes first and the outer one at its own close tag; no
    # close tag after the inner one is text
    got = parse(
        'Before.\n\n<figure class="highlight"><pre><code><table><tbody><tr><td><pre>1\n2\n</pre></td>'
        '<td class="code"><pre>let a = 1;\nlet b = 2;\n</pre></td></tr></tbody></table></code></pre></figure>'
        "\n\nAfter.\n"
    )
    assert "&lt;" not in got.html and "</" not in got.text
    assert got.html.endswith("</pre></td></tr></tbody></table></code></pre></figure><p>After.</p>")
    assert got.text.split("\n")[-1] == "After." and "let a = 1; let b = 2;" in got.text


def test_indented_lines_far_below_their_list_items_marker_are_the_items() -> None:
    # more lines than the look back reads (a hundred) under an item at the margin: a line
    # indented four columns after a blank line is still the item's (a nested item here, its
    # math read as math), not code, and the next item at the margin goes on the list
    notes = "".join(f"\n        note {n} of the first\n" for n in range(60))
    got = parse(f"1. Top\n    - first\n{notes}\n    - second, where $$x_1$$ holds\n2. Next\n")
    assert "<pre>" not in got.html and '<span class="math">x_1</span>' in got.html
    assert got.text.split("\n")[-3:] == ["note 59 of the first", "second, where x_1 holds", "Next"]


def test_an_html_block_inside_a_list_item_holds_no_markdown() -> None:
    # a block tag indented to a list item's text (under its line, a tab or spaces): kramdown's
    # HTML block, whose "\\" at a line's end, "\(" and "*x*" are its text, as written
    got = parse(
        "1. Solve:\n\t<div>\n\t\t\\begin{align} a &= b \\\\\n\t\tc &= \\( d \\) *e*\n\t\t\\end{align}\n\t</div>\n\n"
        "- Then:\n    <div>\n    f \\\\\n    g\n    </div>\nwhich follows.\n"
    )
    assert got.text.split("\n") == [
        "Solve:",
        "\\begin{align} a &= b \\\\ c &= \\( d \\) *e* \\end{align}",
        "Then:",
        "f \\\\ g",
        "which follows.",
    ]


def test_indented_code_in_a_list_item_inside_a_quote_is_code() -> None:
    # kramdown takes the quote's markers off, then the item's indentation: a line four columns
    # past the item's text after a blank quote line is code (a tab counted from the quote's
    # content), whose "_" and "*" no rewrite reads as emphasis
    got = parse(
        "> *   To list the files:\n>\n>         ls lib_x86_64/*.so\n>\n"
        "> 2.  Then copy:\n>\n>     \tcp a_b_c *.cfg\n>\n>     Done _here_.\n"
    )
    assert got.html.count("<pre><code>") == 2
    assert got.text.split("\n") == [
        "To list the files:",
        "ls lib_x86_64/*.so",
        "Then copy:",
        "cp a_b_c *.cfg",
        "Done here.",
    ]


def test_a_dash_line_four_columns_past_an_items_text_is_its_paragraphs_text() -> None:
    # "- ..." lines right under an item's paragraph, four columns or more past its text, are
    # the paragraph's lines (no nested item): a line four columns past the item's text after a
    # blank line is the item's code, its "$$" as written
    got = parse(
        "- **Outline**\n  - Step one goes here\n          - a dash line of its text\n"
        "              - and a deeper one\n\n                code of the item, $$a_1$$ as written\n\n  - Step two\n"
    )
    assert "<pre><code>        code of the item, $$a_1$$ as written\n</code></pre>" in got.html
    assert got.html.count("<li>") == 3


def test_a_tag_with_no_space_between_two_attributes_is_text() -> None:
    # kramdown's tag needs white space before each attribute: '<a href="x"title="y">' opens no
    # element, its "<" is text and the rest is read as text (quotes typographic), so its close
    # tag closes nothing and is text too
    got = parse('See <a href="https://example.org/a"\ntitle="the page"target="_blank">the page</a> now.\n')
    assert got.text.startswith("See <a href=\u201dhttps://example.org/a\u201d title=\u201dthe page\u201dtarget=")
    assert got.text.endswith("_blank\u201d>the page</a> now.")
    assert "<a " not in got.html and "&lt;/a&gt;" in got.html


def test_emphasis_in_the_cells_of_a_table_with_an_image_is_kramdowns() -> None:
    # an image over its caption: each cell's emphasis read on its own, as kramdown reads it (a
    # "*" inside the caption's emphasis is text), in a table whose rows hold links' brackets too
    got = parse("| ![chart](/chart.png) |\n|:--:|\n| *Sales in *.csv files, by month* |\n| [*raw*](/raw) data |\n")
    assert got.text.split("\n") == ["Sales in *.csv files, by month", "raw data"]
    assert "<td><em>Sales in *.csv files, by month</em></td>" in got.html


def test_a_link_whose_url_breaks_over_two_lines_is_a_link() -> None:
    # kramdown reads the URL to its closing parenthesis, line break and all (a browser's URL
    # parser takes the break out); CommonMark would read no link there
    got = parse("See [the guide](https://example.org/gu\nide/intro.html) and ![a map](/img/m\nap.png) here.\n")
    assert got.text == "See the guide and here."
    assert 'href="https://example.org/guide/intro.html"' in got.html and 'src="/img/map.png"' in got.html


def test_indented_code_in_a_nested_list_item_inside_a_quote_is_code() -> None:
    # the item's text column counts from its own marker, however far in it is nested
    got = parse("> 1.  Pick the updates:\n>     *   For every host, run:\n>\n>\t         umds -S --enable-host\n")
    assert "<pre><code> umds -S --enable-host\n</code></pre>" in got.html
    assert got.text.split("\n") == ["Pick the updates:", "For every host, run:", "umds -S --enable-host"]


def test_indented_code_in_a_list_item_goes_on_over_its_lazy_lines() -> None:
    # a line right under an item's code, indented less (at the page's margin too), is the code's
    # lazy line to kramdown: it joins the line above with a space; a blank line or an item ends it
    got = parse(
        "1.\tRun the app\n\n        npm run start \n![screen](/img/s.png)\n\n"
        "- Example\n\n        x = 1\n## Not a heading\n- Next\n"
    )
    assert got.html.count("<pre><code>") == 2 and "<h2" not in got.html
    assert got.text.split("\n") == [
        "Run the app",
        "npm run start ![screen](/img/s.png)",
        "Example",
        "x = 1 ## Not a heading",
        "Next",
    ]


def test_an_ordered_item_under_a_line_opening_with_a_span_tag_is_an_item() -> None:
    # a line opening with a span element's tag is kramdown's paragraph, and an item numbered
    # other than 1 ends it (CommonMark's would not): an anchor above a numbered step
    got = parse('<a id="step-3"></a>\n3. Open the settings\n\n    Then save them.\n')
    assert got.text.split("\n") == ["Open the settings", "Then save them."]
    assert "<ol" in got.html and got.html.count("<li>") == 1


def test_a_footnote_definition_right_under_a_paragraphs_line_is_its_text() -> None:
    # kramdown's paragraph goes on over the line, and the mark above defines nothing; after a blank
    # line, or under a heading, a definition is a footnote's
    got = parse("A claim[^1].\n[^1]: the source\n\nAnother[^2].\n\n## Notes\n[^2]: its source\n")
    assert got.text.split("\n") == ["A claim[^1]. [^1]: the source", "Another1.", "Notes", "1", "its source"]
    assert 'class="footnote-definition"' not in got.html.split("Another")[0]
