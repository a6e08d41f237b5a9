"""postdrop beside Jekyll over the constructs of ordinary blog posts, on posts written here.

The folders of real blogs (test_jekyll_world.py) and kramdown's own suite reach most of what
kramdown reads, but few of them use what everyday posts do: inline HTML holding Markdown or
raw text (``<u>``, ``<mark>``, ``<sup>``, ``<span style=...>``), tags with unquoted attributes,
code inside list items and block quotes, comments, ``<details>``, ``markdown="1"``, kramdown's
extensions, abbreviations, footnotes, definition lists, setext headings, line breaks, entities,
typography, autolinks, images, reference links, task lists, Liquid's ``raw`` and
``highlight``, tilde fences; in English and in Chinese. Each post below (front matter written
around it: the title, and the date in its file name) is built with the real Jekyll
(jekyll_site.py) and compared with postdrop's reading of it:

- the text both ways (compare.py): every text block Jekyll renders is in ``text``, every line
  of ``text`` is in Jekyll's text, and no syntax leaks that Jekyll's text lacks;
- the text in Jekyll's order: each of Jekyll's text blocks after the ones before it;
- the elements a reader sees (emphasis, links, images, code, quotes, list items, headings,
  tables, rules, breaks, the raw elements): as many of each in ``html`` as in Jekyll's, and
  ordered lists starting at the same numbers;
- Jekyll's fields (excerpt, url, status, heading ids), as test_jekyll_fields.py compares them.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from postdrop import parse_post
from postdrop.core.site import Site
from tests.differential.compare import fold, jekyll_text, text_problems
from tests.differential.jekyll_site import JEKYLL, build, field_problems

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.skipif(JEKYLL is None, reason="jekyll is not installed (Debian: apt-get install jekyll)")

# file name -> (front matter lines besides the date, body); the date is the file name's
POSTS: dict[str, tuple[str, str]] = {
    "2024-01-01-inline-u-mark.md": (
        "title: Underline and mark",
        (
            "Some <u>underlined *words* here</u> and a <mark>highlighted **bold** phrase</mark> in one line.\n"
            "\n"
            "Water is H<sub>2</sub>O and E = mc<sup>2</sup>, with <small>fine print _here_</small> after.\n"
            "\n"
            'The <abbr title="World Health Organization">WHO</abbr> said <ins>added text</ins>'
            " and <del>removed text</del>.\n"
            "\n"
            'A <span style="color: red">red *span* of text</span> ends the post.\n'
        ),
    ),
    "2024-01-02-inline-zh.md": (
        "title: 中文的行内标签",
        (
            "这是<u>下划线的文字</u>，还有<mark>高亮的**重点**内容</mark>。\n"
            "\n"
            "水的化学式是H<sub>2</sub>O，面积单位是m<sup>2</sup>。\n"
            "\n"
            '<span style="color:blue">蓝色的*一段*话</span>放在段首。\n'
        ),
    ),
    "2024-01-03-unquoted-attrs.md": (
        "title: Unquoted attributes",
        (
            "Read the <a href=other.html>other page</a> before this one.\n"
            "\n"
            "An image <img src=a.png alt=diagram> sits inline here.\n"
            "\n"
            "<p class=note>A raw paragraph with an unquoted class.</p>\n"
            "\n"
            "And a <a href=x.html title=plain>titled link</a> closes it.\n"
        ),
    ),
    "2024-01-04-list-code.md": (
        "title: Code in list items",
        (
            "Steps to follow:\n"
            "\n"
            "1. Install the tool:\n"
            "\n"
            "        pip install thing\n"
            "\n"
            "2. Run it:\n"
            "\n"
            "        thing --run\n"
            "        thing --stop\n"
            "\n"
            "3. Done.\n"
            "\n"
            "* A bullet item\n"
            "\n"
            "      indented code in a bullet\n"
            "\n"
            "* Another item\n"
        ),
    ),
    "2024-01-05-list-code-tabs.md": (
        "title: Tabs in list code",
        ("A list with tabs:\n\n-\tFirst item\n\n\t\tcode after two tabs\n\n-\tSecond item\n\nEnding paragraph.\n"),
    ),
    "2024-01-06-comments.md": (
        "title: HTML comments",
        (
            "Before the comment.\n"
            "\n"
            "<!--\n"
            "This is hidden\n"
            "across lines\n"
            "-->\n"
            "\n"
            "After the comment, and an inline <!-- hidden --> one.\n"
            "\n"
            "<!-- one line comment -->\n"
            "Text right after a comment line.\n"
        ),
    ),
    "2024-01-07-details.md": (
        "title: Details and summary",
        (
            "Click to see more:\n"
            "\n"
            "<details>\n"
            "<summary>Show the answer</summary>\n"
            "\n"
            "The answer is *forty-two*.\n"
            "\n"
            "</details>\n"
            "\n"
            '<details markdown="1">\n'
            "<summary>Another one</summary>\n"
            "\n"
            "Hidden **bold** text.\n"
            "</details>\n"
            "\n"
            "Final words.\n"
        ),
    ),
    "2024-01-08-div-markdown.md": (
        "title: Div with markdown",
        (
            '<div markdown="1">\n'
            "A paragraph with *emphasis* inside a div.\n"
            "\n"
            "- item one\n"
            "- item two\n"
            "</div>\n"
            "\n"
            '<div class="box">\n'
            "Raw *not emphasis* here.\n"
            "</div>\n"
            "\n"
            "Outside text.\n"
        ),
    ),
    "2024-01-09-kramdown-ext.md": (
        "title: Kramdown extensions",
        (
            "Visible start.\n"
            "\n"
            "{::comment}\n"
            "This should not appear.\n"
            "{:/comment}\n"
            "\n"
            "{::nomarkdown}\n"
            "<p>Raw <b>HTML</b> kept as is.</p>\n"
            "{:/nomarkdown}\n"
            "\n"
            "Visible end with {::comment}hidden span{:/comment} inline.\n"
        ),
    ),
    "2024-01-10-abbr.md": (
        "title: Abbreviations",
        (
            "The HTML spec is maintained by the W3C.\n"
            "\n"
            "Another HTML mention here.\n"
            "\n"
            "*[HTML]: Hyper Text Markup Language\n"
            "*[W3C]:  World Wide Web Consortium\n"
        ),
    ),
    "2024-01-11-footnotes.md": (
        "title: Footnotes with paragraphs",
        (
            "A claim that needs a note.[^1] And another.[^long]\n"
            "\n"
            "[^1]: The short note.\n"
            "\n"
            "[^long]: The first paragraph of the long note.\n"
            "\n"
            "    The second paragraph of the long note.\n"
            "\n"
            "    - a list in the note\n"
            "\n"
            "Closing paragraph.\n"
        ),
    ),
    "2024-01-12-deflist.md": (
        "title: Definition lists",
        ("Terms:\n\napple\n: a red fruit\n\nbanana\n: a yellow fruit\n: also a color\n\nEnd of terms.\n"),
    ),
    "2024-01-13-setext.md": (
        "title: Setext headings",
        ("Main Section\n============\n\nSome text under it.\n\nSub Section\n-----------\n\nMore text.\n"),
    ),
    "2024-01-14-breaks.md": (
        "title: Hard line breaks",
        (
            "Roses are red,  \n"
            "violets are blue.\n"
            "\n"
            "Line one\\\\\n"
            "line two.\n"
            "\n"
            "A backslash at end\\\n"
            "next line.\n"
            "\n"
            "Line with a <br> tag and<br/>another.\n"
        ),
    ),
    "2024-01-15-nested-quotes.md": (
        "title: Nested blockquotes",
        (
            "> Outer quote start.\n"
            ">\n"
            "> > Inner quote text.\n"
            "> > - inner item one\n"
            "> > - inner item two\n"
            ">\n"
            "> - outer item\n"
            "> - another outer item\n"
            ">\n"
            "> Outer quote end.\n"
            "\n"
            "After the quotes.\n"
        ),
    ),
    "2024-01-16-table-br.md": (
        "title: Tables with breaks",
        (
            "| Name | Notes |\n"
            "|------|-------|\n"
            "| One  | first<br>second |\n"
            "| Two  | a *b* c<br/>d |\n"
            "\n"
            "Below the table.\n"
        ),
    ),
    "2024-01-17-entities.md": (
        "title: Entities",
        (
            "Non&nbsp;breaking space, an em dash &#8212; and &copy; 2024.\n"
            "\n"
            "Hex &#x263A; and named &hearts; &amp; &lt;tag&gt;.\n"
            "\n"
            "Unknown &foo; stays.\n"
        ),
    ),
    "2024-01-18-typography.md": (
        "title: Typography",
        (
            "Dashes -- and --- and ellipsis... here.\n"
            "\n"
            "Guillemets <<quoted>> and \"double\" and 'single' quotes.\n"
            "\n"
            "It's the 90's, rock 'n' roll.\n"
        ),
    ),
    "2024-01-19-autolinks.md": (
        "title: Autolinks",
        (
            "See <https://example.com/path> for more.\n"
            "\n"
            "Mail <me@example.com> anytime.\n"
            "\n"
            "A bare URL https://example.org/page stays text.\n"
            "\n"
            "Middle paragraph to keep the autolink from the end.\n"
        ),
    ),
    "2024-01-20-images.md": (
        "title: Images with titles",
        (
            'An image: ![alt text](/img/a.png "The title")\n'
            "\n"
            "![Standalone picture](/img/b.png 'Single quoted')\n"
            "\n"
            "Reference image ![ref alt][pic] here.\n"
            "\n"
            '[pic]: /img/c.png "Ref title"\n'
        ),
    ),
    "2024-01-21-ref-links.md": (
        "title: Reference links",
        (
            "Visit [the site][site] and [another][] or [Implicit].\n"
            "\n"
            "Also [undefined ref][nope] stays.\n"
            "\n"
            '[site]: https://example.com "Example"\n'
            "[another]: https://another.example.com\n"
            "[implicit]: https://implicit.example.com\n"
        ),
    ),
    "2024-01-22-tasks.md": (
        "title: Task lists",
        ("To do:\n\n- [ ] write the post\n- [x] pick a title\n- [ ] publish\n\nDone list.\n"),
    ),
    "2024-01-23-emoji.md": (
        "title: Emoji shortcodes",
        ("I am happy :smile: and :+1: about it.\n\nTime is 10:30 and ratio 1:2.\n"),
    ),
    "2024-01-24-liquid-raw.md": (
        "title: Liquid raw",
        (
            "Use {% raw %}{{ page.title }}{% endraw %} in templates.\n"
            "\n"
            'An escaped brace: {{ "{{" }} and {{ "}}" }}.\n'
            "\n"
            "{% raw %}\n"
            "{% if x %}block{% endif %}\n"
            "{% endraw %}\n"
            "\n"
            "Last line.\n"
        ),
    ),
    "2024-01-25-highlight.md": (
        "title: Highlight with linenos",
        (
            "Code:\n"
            "\n"
            "{% highlight ruby linenos %}\n"
            "def hello\n"
            '  puts "hi"\n'
            "end\n"
            "{% endhighlight %}\n"
            "\n"
            "{% highlight python %}\n"
            'print("x")\n'
            "{% endhighlight %}\n"
            "\n"
            "{% highlight c++ linenos=table %}\n"
            "\n"
            "int a = 1;\n"
            "\n"
            "if (a < 2 && a > 0) {}\n"
            "  \n"
            "{% endhighlight %}\n"
            "\n"
            "{% highlight text linenos=inline %}\n"
            "plain <b>text</b>\n"
            "{% endhighlight %}\n"
            "\n"
            "- an item\n"
            "\n"
            "  {% highlight shell linenos %}\n"
            "  echo 1\n"
            "  {% endhighlight %}\n"
            "\n"
            "After code.\n"
        ),
    ),
    "2024-01-25-raw-headings.md": (
        "title: Raw headings over Markdown",
        (
            "<h3>#為什麼寫</h3>   \n"
            "**용어 정리**   \n"
            "- 워킹트리 : 작업 공간\n"
            "- 저장소 : *커밋*\n"
            "\n"
            '<h2 id="own">With an id</h2> then *text*\n'
            "next line\n"
            "\n"
            "<h4>\n"
            "Over *lines*\n"
            "</h4>\n"
            "1. first\n"
            "\n"
            "A paragraph\n"
            "<H5>Under it</H5>\n"
            "`code` after\n"
        ),
    ),
    "2024-01-25-tag-line-breaks.md": (
        "title: Lines of a tag with a line break",
        (
            "첫 줄   \n"
            "<br>   \n"
            "<br>   \n"
            "- - -   \n"
            "<br>   \n"
            "<br>   \n"
            "文字   \n"
            '<img src="/x.png">   \n'
            "after the image\n"
            "<br>\t\n"
            "a tab is no break\n"
        ),
    ),
    "2024-01-25-code-no-break-space.md": (
        "title: Code spans beside no-break spaces",
        (
            "따라서 아래\xa0처럼\xa0`\xa0cd\xa0/mnt/c` 명령어를 이용합니다.\n"
            "\n"
            "A ` lone backtick` between spaces, and `\xa0led` by one.\n"
        ),
    ),
    "2024-01-25-closing-quotes.md": (
        "title: Quotes after a character of text",
        (
            "Mount it with UUID=\"80e5-1f2a\" and TYPE='ext4' in fstab.\n"
            "\n"
            '所谓"反射"机制，就是"运行时"查看类型。\n'
            "\n"
            '<a href="https://example.com/">链接里的"引号"</a> and [a link](https://example.com/ "a title")'
            ' with key="value".\n'
            "\n"
            "He said \"hello\" and she said 'hi' to them, it's fine.\n"
            "\n"
            '## Set MODE="fast"\n'
            "\n"
            "| key | value |\n"
            "|-----|-------|\n"
            '| name="x" | "quoted" |\n'
            "\n"
            '- an item with opt="on" here\n'
            '- and `code="kept"` after="it"\n'
        ),
    ),
    "2024-01-25-heading-under-item.md": (
        "title: Headings right under list items",
        (
            "### 言论\n"
            "1. 第一条。——某人\n"
            "1.第二条没有空格\n"
            "###### [领导力的阶段](https://example.com/lead)\n"
            "1. 第一阶段：熟悉业务\n"
            "1. 第二阶段：说服他人\n"
            "###### Embrace and extend\n"
            "1. 拥抱阶段\n"
            "\n"
            "- an item\n"
            "its lazy line\n"
            "## A heading in it\n"
            "and a line after\n"
            "- the next item\n"
        ),
    ),
    "2024-01-25-empty-item.md": (
        "title: An empty item at a list's end",
        (
            "- 一个Master节点，一个Node节点\n"
            "\n"
            "- Master节点包括 API Server\n"
            "- \n"
            "\n"
            "A paragraph.\n"
            "\n"
            "- one\n"
            "-\n"
            "\n"
            "- two\n"
            "+ \n"
            "- three\n"
        ),
    ),
    "2024-01-26-tilde-fence.md": (
        "title: Tilde fences",
        (
            "Fenced:\n"
            "\n"
            "~~~\n"
            "plain tilde block\n"
            "~~~\n"
            "\n"
            "~~~ ruby\n"
            "puts 1\n"
            "~~~\n"
            "\n"
            "~~~~~\n"
            "nested ~~~ inside\n"
            "~~~~~\n"
            "\n"
            "Done.\n"
        ),
    ),
    "2024-01-27-inline-mixed.md": (
        "title: Mixed inline HTML",
        (
            "Press <kbd>Ctrl</kbd>+<kbd>C</kbd> to copy, then <em>really *stop*</em>.\n"
            "\n"
            "A <strong>strong _word_</strong> and <b>bold</b> and <i>italic</i>.\n"
            "\n"
            'Text with <span class="a"><em>nested</em> spans</span> ok.\n'
            "\n"
            'An <a href="/x">link with *emphasis*</a> inside.\n'
        ),
    ),
    "2024-01-28-html-block-para.md": (
        "title: HTML blocks",
        (
            '<p align="center">\n'
            '  <img src="/a.png" alt="centered">\n'
            "</p>\n"
            "\n"
            "<div>\n"
            "  <p>Inside a div, <u>underlined</u>.</p>\n"
            "</div>\n"
            "\n"
            "<center>Centered text</center>\n"
            "\n"
            "Plain after.\n"
        ),
    ),
    "2024-01-29-zh-list.md": (
        "title: 中文列表与引用",
        (
            "今天的任务：\n"
            "\n"
            "1. 写一篇文章\n"
            "2. 修改**标题**\n"
            "3. 发布\n"
            "\n"
            "> 引用的一段话，\n"
            "> 跨越两行。\n"
            "\n"
            "最后一句话——结束。\n"
        ),
    ),
    "2024-01-30-zh-typography.md": (
        "title: 中文排版",
        (
            '他说："这是一个测试"。\n'
            "\n"
            "使用<u>下划线</u>与<mark>标记</mark>的**中文**段落。\n"
            "\n"
            "链接：<https://example.cn/页面>\n"
            "\n"
            "中文&nbsp;空格&#8212;破折号。\n"
        ),
    ),
    "2024-01-31-list-para.md": (
        "title: Loose lists",
        (
            "- First item para one.\n"
            "\n"
            "  First item para two.\n"
            "\n"
            "- Second item\n"
            "  lazy continuation.\n"
            "\n"
            "    1. nested ordered\n"
            "    2. nested two\n"
            "\n"
            "Trailing paragraph.\n"
        ),
    ),
    "2024-02-01-code-indent.md": (
        "title: Indented code",
        ("Normal text:\n\n    indented code line\n    <b>not html</b>\n\n\tcode with a tab\n\nAfter code.\n"),
    ),
    "2024-02-02-span-unquoted.md": (
        "title: More unquoted",
        (
            "<div class=wide>\n"
            "Div with an unquoted class.\n"
            "</div>\n"
            "\n"
            "A <span class=hl>highlighted span</span> and <font color=red>red font</font>.\n"
            "\n"
            "<img src=/pic.jpg width=300>\n"
            "\n"
            "Text at the end.\n"
        ),
    ),
    "2024-02-03-ial.md": (
        "title: Attribute lists",
        (
            "A paragraph with a class.\n"
            "{: .note}\n"
            "\n"
            "## Heading with id {#custom-id}\n"
            "\n"
            '![img](/i.png){: width="50%"}\n'
            "\n"
            '[a link](/x){:target="_blank"} in text.\n'
        ),
    ),
    "2024-02-04-escapes.md": (
        "title: Escapes",
        (
            "Escaped \\*stars\\* and \\_underscores\\_ and \\# hash.\n"
            "\n"
            "A pipe \\| and backtick \\` here.\n"
            "\n"
            "Math-ish 2 * 3 * 4 = 24 and a_b_c name.\n"
        ),
    ),
    "2024-02-05-html-inline-para-start.md": (
        "title: Inline HTML at paragraph start",
        (
            "<u>Underlined start</u> of a paragraph.\n"
            "\n"
            "<mark>Marked start</mark> of another.\n"
            "\n"
            "<sup>1</sup> A footnote-like line.\n"
            "\n"
            "<small>Small print paragraph.</small>\n"
        ),
    ),
    "2024-02-06-strike.md": (
        "title: Strikethrough",
        ("This is ~~struck~~ text and <s>also struck</s> and <strike>old</strike>.\n\n中文~~删除~~文字。\n"),
    ),
    "2024-02-07-headings.md": (
        "title: ATX headings",
        ("# Top heading #\n\n## Second *emph* heading\n\n### Third with `code`\n\n#### 中文标题\n\nBody text.\n"),
    ),
    "2024-02-08-quote-code.md": (
        "title: Code in quotes",
        ("> Quote with code:\n>\n>     quoted code\n>\n> ```\n> fenced in quote\n> ```\n\nAfter.\n"),
    ),
    "2024-02-09-mixed-list-html.md": (
        "title: HTML in list items",
        (
            "- item with <u>underline</u>\n"
            "- item with <mark>mark *em*</mark>\n"
            "- item with <a href=y.html>unquoted link</a>\n"
            "\n"
            "1. <strong>Bold</strong> first\n"
            "2. Second <br> broken\n"
            "\n"
            "End.\n"
        ),
    ),
    "2024-02-10-comment-inline-multiline.md": (
        "title: Multiline inline comment",
        ("Start of a paragraph <!-- a comment\nthat spans lines --> and the rest.\n\nNext paragraph.\n"),
    ),
    "2024-03-01-u-in-cells.md": (
        "title: Raw elements in cells and headings",
        (
            "## A <u>marked *heading*</u> here\n"
            "\n"
            "| Key | Value |\n"
            "|-----|-------|\n"
            "| <mark>hot *key*</mark> | <u>under</u> |\n"
            "\n"
            "- <s>done *item*</s> and more\n"
            "- <font color=red>red *font*</font> text\n"
            "\n"
            "Line <mark>spans\n"
            "two *lines*</mark> then ends.\n"
        ),
    ),
    "2024-03-02-unquoted-more.md": (
        "title: More unquoted tags",
        (
            "Visit <a href=https://example.com/a>the site</a> now.\n"
            "\n"
            "<div class=note data-src=/a/b.png>\n"
            "Inside a div with an unquoted path.\n"
            "</div>\n"
            "\n"
            "Text with <span title=a-b>a dashed title</span> span.\n"
            "\n"
            'A <img src="quoted.png" alt=ok> mix.\n'
        ),
    ),
    "2024-03-03-liquid.md": (
        "title: Liquid things\ntags: [a, b]",
        (
            '{% assign name = "World" %}\n'
            "Hello {{ name }} from {{ page.title }}.\n"
            "\n"
            "{% capture note %}captured *text*{% endcapture %}\n"
            "Note: {{ note }}\n"
            "\n"
            '{% if page.tags contains "a" %}Tagged a.{% endif %}\n'
            "\n"
            "{% for t in page.tags %}- tag {{ t }}\n"
            "{% endfor %}\n"
            "Site: {{ site.title }}.\n"
        ),
    ),
    "2024-03-04-tables.md": (
        "title: Tables",
        (
            "Name | Age | Note\n"
            ":--- | :-: | ---:\n"
            "Ann | 30 | `a|b`\n"
            "Bob | 25 | x \\| y\n"
            "\n"
            "| 中文 | 数字 |\n"
            "| ---- | ---- |\n"
            "| 一   | 1    |\n"
            "\n"
            "After tables.\n"
        ),
    ),
    "2024-03-05-html-blocks.md": (
        "title: HTML blocks with markdown",
        (
            "<p>A **raw** paragraph with _markdown_.</p>\n"
            "\n"
            "<figure>\n"
            '  <img src="/a.png" alt="A figure">\n'
            "  <figcaption>The *caption* text.</figcaption>\n"
            "</figure>\n"
            "\n"
            "<table>\n"
            "  <tr><td>**cell**</td><td>two</td></tr>\n"
            "</table>\n"
            "\n"
            '<iframe src="https://example.com/embed"></iframe>\n'
            "\n"
            "<span>Span *start*</span> of a paragraph.\n"
            "\n"
            "Last.\n"
        ),
    ),
    "2024-03-06-links.md": (
        "title: Links of all kinds",
        (
            "[![badge](/b.svg)](https://example.com) is a badge.\n"
            "\n"
            "A [spaced link](<my file.html>) and [angle](<https://x.com/a b>).\n"
            "\n"
            "A URL with underscores https://example.com/a_b_c_d and snake_case_name here.\n"
            "\n"
            "A <sup>[1](#fn1)</sup> mark.\n"
        ),
    ),
    "2024-03-07-numbers.md": (
        "title: Lines starting with numbers",
        (
            "The year was good.\n"
            "2019. That was a year.\n"
            "\n"
            "3. Third\n"
            "4. Fourth\n"
            "\n"
            "a < b and x<y and <3 and & alone.\n"
            "\n"
            "Escaped \\<b>not bold\\</b> here.\n"
        ),
    ),
    "2024-03-08-rules.md": (
        "title: Rules",
        ("Above.\n\n***\n\nMiddle.\n\n___\n\nBetween.\n\n- - -\n\nBelow.\n"),
    ),
    "2024-03-09-zh-breaks.md": (
        "title: 中文换行",
        (
            "床前明月光，<br>\n"
            "疑是地上霜。<br/>\n"
            "举头望明月，  \n"
            "低头思故乡。\n"
            "\n"
            "这是“引号”和‘单引号’，还有「直角引号」。\n"
            "\n"
            "<!-- more -->\n"
            "\n"
            "第二部分的内容。\n"
        ),
    ),
    "2024-03-10-math.md": (
        "title: Math",
        ("Inline $$a^2 + b^2$$ math.\n\n$$\n\\sum_{i=1}^n i = \\frac{n(n+1)}{2}\n$$\n\nPrice is $5.\n"),
    ),
    "2024-03-11-nested-list-fence.md": (
        "title: Nested fences",
        (
            "1. Step one\n"
            "\n"
            "   ```bash\n"
            "   echo one\n"
            "   ```\n"
            "\n"
            "2. Step two\n"
            "   * sub item\n"
            "\n"
            "     ```\n"
            "     nested code\n"
            "     ```\n"
            "\n"
            "Done.\n"
        ),
    ),
    "2024-03-12-options.md": (
        "title: Options",
        (
            '{::options parse_block_html="true" /}\n'
            "\n"
            "<div>\n"
            "A *parsed* div.\n"
            "</div>\n"
            "\n"
            "<section>\n"
            "## Heading in a section\n"
            "\n"
            "Text.\n"
            "</section>\n"
        ),
    ),
    "2024-03-13-video.md": (
        "title: Media",
        (
            '<video controls src="/v.mp4">Your browser lacks video.</video>\n'
            "\n"
            '<audio src="/a.mp3"></audio>\n'
            "\n"
            "Caption *after* media.\n"
            "\n"
            '<center><img src="/c.png"></center>\n'
        ),
    ),
    "2024-03-14-emph-edge.md": (
        "title: Emphasis edges",
        (
            "A **bold**word and *em*word and word*em*.\n"
            "\n"
            "中文**加粗**文字和*斜体*。\n"
            "\n"
            "Use __init__ and __main__ here.\n"
            "\n"
            "A * lone star and 5 * 3.\n"
        ),
    ),
    "2024-03-15-deflist-md.md": (
        "title: Definition lists rich",
        (
            "*Term* one\n"
            ": Definition with **bold**.\n"
            "\n"
            "Term two\n"
            ":   Definition paragraph.\n"
            "\n"
            "    Second paragraph of it.\n"
        ),
    ),
    "2024-03-16-blockquote-lazy.md": (
        "title: Lazy quotes",
        ("> First line of quote\ncontinued lazily.\n\n> Quote with a heading:\n> ## Inner heading\n> text\n\nDone.\n"),
    ),
    "2024-03-17-list-indent-code.md": (
        "title: List code, deeper",
        (
            "- Item one:\n"
            "\n"
            "          four spaces past content\n"
            "\n"
            "- Item two:\n"
            "```\n"
            "unindented fence after item\n"
            "```\n"
            "\n"
            "10. Wide marker:\n"
            "\n"
            "        code under ten\n"
        ),
    ),
    "2024-03-18-raw-inline.md": (
        "title: Inline comments and raw",
        (
            "Visible {::nomarkdown}<b>raw bold</b>{:/nomarkdown} and more.\n"
            "\n"
            "Text <!-- note: *not* shown --> continues.\n"
            "\n"
            'A <span markdown="0">*literal*</span> span.\n'
            "\n"
            'A <u markdown="1">*emph in u*</u> here.\n'
        ),
    ),
    "2024-04-01-ordered-start.md": (
        "title: Ordered list numbers",
        ("Steps start at three:\n\n3. Third step\n4. Fourth step\n\nThen:\n\n1. One\n1. Also one\n"),
    ),
    "2024-04-02-raw-in-link.md": (
        "title: Raw elements around links",
        (
            "A [<u>linked underline</u>](/x) and <mark>[not a link](/y)</mark>.\n"
            "\n"
            'An <a href="/z"><u>underlined link</u></a> here.\n'
            "\n"
            "<u>An **open** underline\n"
            "\n"
            "that a blank line ends.\n"
        ),
    ),
    "2024-04-03-html-comment-para.md": (
        "title: Comments between paragraphs",
        (
            "First paragraph.\n"
            "<!-- comment right under a line -->\n"
            "Second line of what?\n"
            "\n"
            "<!--\n"
            "- a list in a comment\n"
            "- hidden\n"
            "-->\n"
            "\n"
            "Text after.\n"
            "\n"
            "<!-- a comment --> with text after it on the line.\n"
        ),
    ),
    "2024-04-04-kbd-list.md": (
        "title: Keyboard in lists",
        (
            "- Press <kbd>Ctrl</kbd> + <kbd>Shift</kbd>\n"
            "- Use <code>git *status*</code>\n"
            "- A <var>name</var> and <samp>output *x*</samp>\n"
            "\n"
            "Done with <kbd>Esc</kbd>.\n"
        ),
    ),
    "2024-04-05-entities-code.md": (
        "title: Entities everywhere",
        (
            "Copyright &copy; and `&copy;` in code.\n"
            "\n"
            "| a &amp; b | c &lt; d |\n"
            "|---|---|\n"
            "| &#x4e2d; | &nbsp; |\n"
            "\n"
            "# Heading &amp; more\n"
            "\n"
            "- item &mdash; dash\n"
        ),
    ),
    "2024-04-06-zh-mixed.md": (
        "title: 中英混排",
        (
            "使用 **Jekyll** 搭建博客，参见[官方文档](https://jekyllrb.com/docs/)。\n"
            "\n"
            "> **注意**：这里有<u>重要</u>的*提示*。\n"
            "\n"
            "1. 第一步：安装 `ruby`\n"
            "2. 第二步：运行 `bundle exec jekyll serve`\n"
            "\n"
            '![截图](/img/截图.png "截图标题")\n'
            "\n"
            "脚注测试[^注]。\n"
            "\n"
            "[^注]: 这是脚注。\n"
        ),
    ),
    "2024-04-07-img-html.md": (
        "title: HTML images",
        (
            '<img src="/a.png" alt="block image" width="300">\n'
            "\n"
            'Inline <img src="/b.png" alt="inline image"> in text.\n'
            "\n"
            '<p><img src="/c.png" alt="in p"></p>\n'
            "\n"
            '![md image](/d.png){:height="100px"}\n'
        ),
    ),
    "2024-04-08-headings-html.md": (
        "title: Headings with HTML",
        (
            "## Title with <code>code</code> and <em>em</em>\n"
            "\n"
            "### Title with <mark>mark</mark>\n"
            "\n"
            "<h2>An HTML heading</h2>\n"
            "\n"
            "## Title with a [link](/x)\n"
        ),
    ),
    "2024-04-09-smart-quotes.md": (
        'title: "Quotes: \\"double\\" and \'single\'"',
        (
            "\"Quoted at start,\" she said. 'And single.'\n"
            "\n"
            "Don't stop; it's 'quoted' \"twice\".\n"
            "\n"
            "Apostrophes in 'tis and '90s.\n"
        ),
    ),
    "2024-04-10-lists-mixed.md": (
        "title: Mixed lists",
        (
            "+ plus item\n"
            "+ another plus\n"
            "\n"
            "* star item\n"
            "  continued\n"
            "\n"
            "- dash item\n"
            "    - four-space nested\n"
            "        - eight-space nested\n"
            "\n"
            "1. ordered\n"
            "   - nested bullet\n"
            "2. second\n"
        ),
    ),
    "2024-04-11-pre-blocks.md": (
        "title: Pre blocks",
        (
            "<pre>\n"
            "preformatted *text*\n"
            "  with indent\n"
            "</pre>\n"
            "\n"
            '<pre><code class="language-js">const a = 1 < 2;\n'
            "</code></pre>\n"
            "\n"
            "After pre.\n"
        ),
    ),
    "2024-04-12-trailing-html.md": (
        "title: Inline HTML tails",
        (
            "Text then <b>bold <i>nested italic</i></b> done.\n"
            "\n"
            "An <span>unclosed span runs on.\n"
            "\n"
            "Next <strong>closed</strong> paragraph.\n"
            "\n"
            "A <sup>sup with **bold**</sup> and <sub>sub with `code`</sub>.\n"
        ),
    ),
    "2024-05-01-tight-blocks.md": (
        "title: Tight blocks",
        (
            "Text right above a fence:\n"
            "```\n"
            "code right under text\n"
            "```\n"
            "Text right under a fence.\n"
            "## Heading right under text\n"
            "- item right under a heading\n"
            "- another\n"
            "| a | b |\n"
            "|---|---|\n"
            "| 1 | 2 |\n"
            "A line after a table.\n"
        ),
    ),
    "2024-05-02-mixed-emphasis.md": (
        "title: Strong emphasis",
        (
            "This is ***bold italic*** and ___also___ both.\n"
            "\n"
            "A [Wikipedia link](https://en.wikipedia.org/wiki/Foo_(bar)) with parentheses.\n"
            "\n"
            "**粗体**紧接中文，*斜体*也是。\n"
        ),
    ),
    "2024-05-03-quote-para.md": (
        "title: Quotes and paragraphs",
        ("A paragraph.\n> A quote right under it.\n\n> Quote one\n\n> Quote two after a blank line\n\nText.\n"),
    ),
    "2024-05-04-paren-steps.md": (
        "title: Numbered steps in bullets",
        (
            "How I set up the project:\n"
            "\n"
            "- 1) install the tools\n"
            "- 2) clone the repository\n"
            "  - 3) run the first build\n"
            "- plain item\n"
            "\n"
            "> - 1) a step quoted\n"
            "\n"
            "1. 2) inside an ordered item\n"
        ),
    ),
    "2024-05-05-shifted-headings.md": (
        "title: Headings a space off",
        (
            "A code sample ends here:\n"
            "\n"
            "```java\n"
            "class Shape {}\n"
            "```\n"
            "\n"
            " ### Shape hierarchy\n"
            "\n"
            "Text under a heading typed one space in.\n"
            "\n"
            "- a list item\n"
            "\n"
            "  ### A heading inside the item\n"
            "\n"
            "   ### One column too far\n"
            "\n"
            "1. numbered\n"
            "\n"
            "  ### Left of the item's text\n"
            "\n"
            "## A real heading\n"
        ),
    ),
    "2024-05-06-indented-title.md": (
        ' title: "Front matter typed one space in"\ntags: [never, read]',
        "Jekyll reads the title and stops there; the date is the file name's.\n",
    ),
    "2024-05-07-backslash-urls.md": (
        "title: Backslashes in link URLs",
        (
            "A regular expression as a [pattern](https://example.com/[a-z\\-]*\\) to match, then text.\n"
            "\n"
            "| what | where |\n"
            "|---|---|\n"
            '| notes | [the share](file://server\\notes\\){:target="_blank"}, [home](/) |\n'
            "\n"
            "An [escaped underscore](https://example.com/a\\_b) in a URL.\n"
        ),
    ),
    "2024-05-08-nested-figure-ial.md": (
        "title: A figure class in a nested item",
        (
            "* Setting up the editor\n"
            "    * open the command palette\n"
            "    \n"
            "    ![palette](palette.png)\n"
            "    The palette, open\n"
            "    {:.figure}\n"
            "    \n"
            "    * type the command's name\n"
            "\n"
            "* Code in an item:\n"
            "\n"
            "      {:.not-an-attribute}\n"
        ),
    ),
    "2024-05-09-ial-after-parenthesis.md": (
        "title: Attribute lists after parentheses",
        (
            '* Two talks are worth it (slides: [the first](https://example.com/one){:target="_blank"},'
            ' [the second](https://example.com/two)){:target="_blank"}\n'
            "* A [link with (parentheses)](https://example.com/a_(b)){:.external} in an item\n"
        ),
    ),
    "2024-05-10-table-under-text.md": (
        "title: Tables right under a line of text",
        (
            "Latency of each layer, roughly:\n"
            "| layer | latency |\n"
            "|-------|---------|\n"
            "| cache | 1 ns    |\n"
            "| disk  | 10 ms   |\n"
            "\n"
            "1. The stack after each step:\n"
            "    | step | stack |\n"
            "    |:---:|:---|\n"
            "    | a | [a] |\n"
            "\n"
            "### A table under a heading\n"
            "| x | y |\n"
            "|---|---|\n"
            "| 1 | 2 |\n"
            "\n"
            "```\n"
            "code\n"
            "```\n"
            "| under | a fence |\n"
            "|---|---|\n"
            "| 3 | 4 |\n"
            "\n"
            "| a real | table |\n"
            "|---|---|\n"
            "| 5 | 6 |\n"
        ),
    ),
    "2024-05-11-pipes-in-items.md": (
        "title: Pipes in list items",
        (
            "The layers, top down:\n"
            "\n"
            "- **Applications**\n"
            "- Native libraries | **Runtime**\n"
            "- Kernel\n"
            "\n"
            "Operators:\n"
            "\n"
            "- AND(&&, &): both sides true\n"
            "  - OR(||, |): either side true\n"
            "  - NOT(!): the other value\n"
            "- a | b\n"
            "  a line that goes on\n"
            "\n"
            "* remainder r, with 0≤r<d\n"
            "* **n mod d = 0 exactly when `d|n`**\n"
            "* `x|y` in code, then text\n"
            "\n"
            "And q > 0 here.\n"
        ),
    ),
    "2024-05-12-markdown-0-block.md": (
        "title: A raw block among Markdown blocks",
        (
            '{::options parse_block_html="true" /}\n'
            '<div class="note">\n'
            "\n"
            "Markdown *inside* this one.\n"
            "\n"
            "</div>\n"
            "\n"
            '<div class="widget" markdown="0">\n'
            '    <div class="row">\n'
            "\n"
            '        <div class="cell">**kept as written**</div>\n'
            "\n"
            "    </div>\n"
            "</div>\n"
            "\n"
            "Text after.\n"
        ),
    ),
    "2024-05-13-block-html-code.md": (
        "title: Code inside HTML read as Markdown",
        (
            '{::options parse_block_html="true" /}\n'
            '<div class="row">\n'
            '<div class="left">\n'
            "\n"
            '<img src="neuron.png" alt="a neuron"/>\n'
            "\n"
            "</div>\n"
            '<div class="right">\n'
            "\n"
            "A function applied to the *weighted* sum:\n"
            "\n"
            "\n"
            "    def step(x):\n"
            "        return 1 if x > 0 else 0\n"
            "\n"
            "    total = weight * (a + b)\n"
            "\n"
            "Without it, layers add nothing.\n"
            "</div>\n"
            "</div>\n"
        ),
    ),
    "2024-05-14-span-tag-lines.md": (
        "title: Images with captions under them",
        (
            '<img src="/images/model.png"/>\n'
            "The model at a glance -- its *inputs* on the left.\n"
            "\n"
            '<div class="figure" markdown="1">\n'
            '  <img src="/images/step.png"/>\n'
            "  <br />\n"
            "  One training step: predict the **next** word.\n"
            "</div>\n"
            "\n"
            '<a href="https://example.com/">\n'
            "a linked *phrase*\n"
            "</a>\n"
        ),
    ),
    "2024-05-15-bare-markers.md": (
        "title: A lone asterisk",
        (
            "Release notes:\n"
            "\n"
            "* Faster startup\n"
            "  * about 10% on large apps\n"
            "* Many bug fixes\n"
            "\n"
            "*\n"
            "\n"
            "## Other changes\n"
            "\n"
            "1.\n"
            "\n"
            "The end.\n"
        ),
    ),
    "2024-05-16-triple-backtick-spans.md": (
        "title: Triple backticks inline",
        (
            "```yaml\n"
            "header:\n"
            "  image: /cover.png\n"
            "```\n"
            "\n"
            "```header``` holds the cover image's options.\n"
            "\n"
            "``` not a fence either\n"
        ),
    ),
    "2024-05-17-fence-on-item-line.md": (
        "title: Code fences opening list items",
        (
            "Ways to check for a key:\n"
            "\n"
            "- ```js\n"
            "  let box = { size: undefined };\n"
            "  \n"
            '  alert( "size" in box ); // `in` sees it: *true*\n'
            "  ```\n"
            "\n"
            "- a second item\n"
            "\n"
            "1. ~~~\n"
            "   plain <b>text</b> kept\n"
            "   ~~~\n"
        ),
    ),
    "2024-05-18-unclosed-article.md": (
        "title: An element never closed",
        (
            "The interactive part starts below.\n"
            "\n"
            "<article>\n"
            "\n"
            "    <p>An indented paragraph in the article.</p>\n"
            "\n"
            "    <figure>\n"
            "        <figcaption><strong>Figure:</strong> the first explorable</figcaption>\n"
            "    </figure>\n"
            "\n"
            "Text that *stays* as written.\n"
        ),
    ),
    "2024-05-19-fence-then-figure-in-item.md": (
        "title: A figure after a fence in a nested item",
        (
            "* Setting up snippets\n"
            "    * open the settings file and add:\n"
            "    ~~~json\n"
            '    "hl": {"prefix": "hl"}\n'
            "    ~~~\n"
            "    * type the prefix and press Tab\n"
            "    \n"
            "    ![snippet](snippet.png)\n"
            "    The snippet, *expanded*\n"
            "    {:.figure}\n"
            "\n"
            "* Done\n"
        ),
    ),
    "2024-05-20-emphasis-beside-links.md": (
        "title: Emphasis beside links",
        (
            "Masking [a word] turns `cat` into *** and `fire` into ****, as [the docs][d] say.\n"
            "\n"
            "A vector of [size](https://example.com/n) 100_000_ and a *starred [note] here*.\n"
            "\n"
            "[d]: https://example.com/docs\n"
        ),
    ),
    "2024-05-21-indented-code-in-item.md": (
        "title: Indented code in a numbered list",
        (
            "1. Call it with a string:\n"
            "\n"
            "        /** a `plain` comment */\n"
            '        run("a_b", *args);\n'
            "\n"
            "   which prints `ok`.\n"
            "\n"
            "2. Or with a map:\n"
            "\n"
            "        Map<String, String> m = new HashMap<>();\n"
        ),
    ),
    "2024-05-22-spans-across-quote-lines.md": (
        "title: Spans across a quote's lines",
        (
            '> Export the service with `<service ref="a"\n'
            '> timeout="5"/>` and press <kbd>Ctrl\n'
            "> C</kbd> to stop.\n"
            ">\n"
            '>    <bean id="bar">\n'
            '>        <property name="baz" />\n'
            ">    </bean>\n"
            "\n"
            "Then go on.\n"
        ),
    ),
    "2024-05-23-comments-and-definitions.md": (
        "title: Comments around definitions",
        (
            "Read the [guide][g] and the [notes][n].\n"
            "\n"
            "<!-- the old links\n"
            "\n"
            "[g]: https://example.com/old-guide\n"
            "-->\n"
            "\n"
            "[g]: https://example.com/guide\n"
            "[n]: https://example.com/notes\n"
            "<!--\n"
            "## A draft section\n"
            "\n"
            "Not published yet.\n"
            "-->\n"
            "\n"
            "```sh\n"
            "make\n"
            "```\n"
            "<!-- after the fence\n"
            "\n"
            "still hidden -->\n"
            "\n"
            "A line\n"
            "<!-- opened under it\n"
            "\n"
            "and closed later -->\n"
        ),
    ),
    "2024-05-24-adjacent-code-spans.md": (
        "title: Code spans side by side",
        ("#### 4.`dl``dt``dd`\n\n- 先调用`init()``start()`再调用`stop()`。\n- Call ``a```b`` and `c``d` in turn.\n"),
    ),
    "2024-05-25-lazy-code-lines.md": (
        "title: Code lines without their indentation",
        (
            "The handler:\n"
            "\n"
            "    function stop() {\n"
            "        clear();\n"
            "}\n"
            "### Usage\n"
            "\n"
            "Call it twice.\n"
            "\n"
            "### 步骤\n"
            "\t一、准备环境\n"
            "\t二、运行脚本\n"
            "### css\n"
            "\t.button { display: block; }\n"
        ),
    ),
    "2024-05-26-star-runs-under-text.md": (
        "title: Star runs under a line",
        ("The password is hidden as\n****\n\nand the key as\n***\n\nor\n____\n\n****\n\nThe end.\n"),
    ),
    "2024-05-27-code-in-alt-text.md": (
        "title: Code in an image's description",
        (
            "The sidebar groups functions:\n"
            "\n"
            "![The sidebar, showing grouped functions\n"
            "in the `Repo` module](https://example.com/sidebar.png)\n"
            "\n"
            "Then `list/0` comes first.\n"
        ),
    ),
    "2024-05-28-toc-under-a-list.md": (
        "title: A table of contents under a list",
        (
            "Summary:\n"
            "\n"
            "* the layers keep the platform **stable**\n"
            "* each layer has one job\n"
            "\n"
            "* any list\n"
            "{:toc}\n"
            "\n"
            "## Layers\n"
            "\n"
            "Text.\n"
            "\n"
            "- first\n"
            "- second\n"
            "{:toc}\n"
        ),
    ),
    "2024-05-29-fence-closed-with-a-tab.md": (
        "title: A fence closed with a tab",
        ("Write the script:\n\n```java\nclass Probe {\n}\t\n```\t\n\n**Tip** compile it first.\n"),
    ),
    "2024-05-30-fence-with-nbsp-after.md": (
        "title: A fence with a no-break space after it",
        ("Example 2:\n\n```\ninput: nums = [1,2,3]\n```\u00a0\n\nHints: *n* is small\n```\n\nAfter.\n"),
    ),
    "2024-05-31-generics-in-pre.md": (
        "title: Generics in a pre block",
        (
            "The helper:\n\n<pre>\npublic static Map fields(Object o) {\n"
            "\tMap map = new TreeMap<String, String>();\n\treturn map;\n}\n</pre>\n\nDone.\n"
        ),
    ),
    "2024-06-01-reference-across-lines.md": (
        "title: A reference whose text runs over two lines",
        (
            "*Thanks to [the kind\nreviewers][] and [the docs\nteam][], the release went out.*\n"
            "\n"
            "[the kind reviewers]: https://example.com/reviewers\n"
            "[the docs team]: https://example.com/docs\n"
        ),
    ),
    "2024-06-02-bare-marker-in-a-list.md": (
        "title: A bare marker under an item",
        ("Steps:\n\n7. open the box\n8.\n9. close the box\n\nAnd:\n\n* one\n*\n* two\n"),
    ),
    "2024-06-03-quote-paragraphs-with-stars.md": (
        "title: Stars in two paragraphs of a quote",
        ("Examples:\n\n> (a) pick {one/*two} here.\n>\n> (b) and {*three/four} there.\n\nDone.\n"),
    ),
    "2024-06-04-item-tables-and-tags.md": (
        "title: Pipes in list items",
        (
            "- H:|-[left]-[right]-|\n"
            "    - the bars '|' stand for the edges\n"
            "\n"
            "- width:<length>|auto; the default is auto\n"
            "- height:<length>; no bar here\n"
        ),
    ),
    "2024-06-05-sub-items-two-spaces.md": (
        "title: Sub-items indented two spaces",
        (
            "1. `Open`\n  - read the file\n  - parse it\n1. `Close`\n  - flush\n"
            "\nDone.\n\n* a bullet\n1. a number under it\n"
        ),
    ),
    "2024-06-06-code-in-a-quote.md": (
        "title: Indented code in a quote",
        (
            "> The call:\n"
            ">\n"
            ">     run(*args, **opts)  # my_var_name\n"
            ">     done **\n"
            "\n"
            "> Notes:\n"
            "> - first point\n"
            "> - second point\n"
            ">\n"
            "> **Steps**\n"
            ">\n"
            "> \t- not an item but code, *as* written\n"
            "> \t- the second_line\n"
            "\n"
            ">\tone tab after the marker *too*\n"
            "\n"
            "> > nested\n"
            "> >\n"
            "> >     deep_code *x*\n"
        ),
    ),
    "2024-06-07-emphasis-in-cells.md": (
        "title: Emphasis inside table cells",
        (
            "Converting step by step:\n"
            "\n"
            "|   position   | output | stack |\n"
            "| :----------: | :----: | :---: |\n"
            "| **A**+B*C    |   A    |       |\n"
            "| A**+**B*C    |   A    |   +   |\n"
            "| A+B**\\***C  |   AB   |  +\\*  |\n"
            "| snake_case_name | *a*b | x |\n"
            "\n"
            "- step**+**one | two\n"
        ),
    ),
    "2024-06-08-markdown-block-edges.md": (
        "title: The edges of a markdown block",
        (
            '<div class="report" markdown="1">\n'
            "## Costs\n"
            "\n"
            "| Hosting        | 4.50 EUR\n"
            "|----------------|---------\n"
            "| **Total**      | 4.50 EUR\n"
            "</div>\n"
            "\n"
            '<div class="quote" markdown="1">\n'
            '> "It works well"\\\n'
            "> ---a reader\n"
            "\n"
            "One line\\\n"
            "and the next, <span>in a\\\nspan</span>.\n"
            "</div>\n"
            "\n"
            "Outside\\\n"
            "a break.\n"
        ),
    ),
    "2024-06-09-terms-of-several-lines.md": (
        "title: Definition terms over several lines",
        (
            "Downloads:\n"
            "\n"
            "* [the archive][tar]\n"
            "  SIZE\n"
            "  : 1024 bytes\n"
            "\n"
            "  SHA256\n"
            "  : 0a1b2c\n"
            "\n"
            "Term *one*\n"
            "Term two\n"
            ": what both mean\n"
            "\n"
            "[tar]: https://example.com/archive.tar.gz\n"
        ),
    ),
    "2024-06-10-math-with-a-class.md": (
        "title: Math blocks with an attribute list",
        (
            "The activation:\n"
            "\n"
            "$$h_t = \\tanh(W x_t + b)$$ {: .text-center }\n"
            "\n"
            "and the weights:\n"
            "\n"
            "$$a_t = \\frac{e^{u_t}}{\\sum_k e^{u_k}}$${: .text-center }\n"
            "\n"
            "Done.\n"
        ),
    ),
    "2024-06-11-quoted-commands.md": (
        "title: Commands in quotes",
        (
            "Remove the old service:\n"
            "> ps aux | grep nginx | xargs kill\n"
            "\n"
            "The usage:\n"
            "\n"
            "> build [options] [file|folder]\n"
            "\n"
            "Install the viewer:\n"
            ">\tsudo apt-get install less\n"
            "\n"
            "> a quote\n"
            "lazy text\n"
            ">\tstill *its* text\n"
            "\n"
            "> | key | value |\n"
            "> |-----|-------|\n"
            "> | a   | 1     |\n"
        ),
    ),
    "2024-06-12-tag-like-text-in-pre.md": (
        "title: A tag-like word in a pre block",
        (
            "A closed one first:\n"
            "\n"
            "<pre>\n"
            "<b>bold</b> and 1 < 2\n"
            "</pre>\n"
            "\n"
            "The program:\n"
            "\n"
            "<pre>\n"
            "#include <stdio.h>\n"
            "int main(void) { return 0; }\n"
            "</pre>\n"
            "\n"
            "### Building it\n"
            "\n"
            "Run *make* and then:\n"
            "\n"
            "<pre>\n"
            "./main\n"
            "</pre>\n"
        ),
    ),
    "2024-06-13-emphasis-inside-spans.md": (
        "title: Emphasis inside span elements",
        (
            '<span class="red">_**Result: the model learns **_</span><span class="red">_**the structure**_</span>'
            '<span class="red">_**itself**_</span>\n'
            "\n"
            "Open *a <span>b* c</span> d* here.\n"
            "\n"
            'Also **bold <a href="/x">link** text</a> end**.\n'
            "\n"
            "<strong>*x*</strong> and *y* and <em>_z_</em>.\n"
            "\n"
            '<abbr title="x">*y*</abbr> and <sup>**2**</sup> and <sub>_i_</sub> and <span>a_b_c</span>.\n'
        ),
    ),
    "2024-06-14-spaces-then-a-tab.md": (
        "title: Lines indented with spaces then a tab",
        (
            "Setup:\n"
            "\n"
            "  \tnot code but *text* here\n"
            "\n"
            "Then:\n"
            "\n"
            " \t- not an item *either*\n"
            "\n"
            "  \t2. nor a numbered one\n"
            "\n"
            "- an item\n"
            " \t- its lazy text\n"
            "- another\n"
            "\n"
            "Quoted:\n"
            "\n"
            ">\t1. code in a quote\n"
            ">\t2. its second line\n"
        ),
    ),
    "2024-06-15-dotted-tag-names.md": (
        "title: Header names in angle brackets",
        (
            "- `--stdints` converts C <stdint.h> types to Nim's\n"
            "- and <math.h> functions too\n"
            "\n"
            "Include <stdio.h> first, then <my.config>settings</my.config> and more.\n"
            "\n"
            "The header `<vector.h>` in code, and [a link](<my file.html>).\n"
        ),
    ),
    "2024-06-16-bare-hashes-and-underlines.md": (
        "title: Bare hashes and dashes under a paragraph",
        ("Notes kept in the body:\nlayout: none here\n---\n\n#\nHave a good day\n\n#### \n\nHey there!\n\n##\n"),
    ),
    "2024-06-17-underlines-in-items.md": (
        "title: Underlines under a list item's lines",
        (
            "Shopping notes:\n"
            "\n"
            "* bread and\n"
            "  milk\n"
            "  ===\n"
            "\n"
            "- first line\n"
            "  second line\n"
            "  -\n"
            "\n"
            "- one more\n"
            "  and more\n"
            "  ---\n"
            "\n"
            "1. A heading in an item\n"
            "   ---\n"
        ),
    ),
    "2024-06-18-escaped-footnote-brackets.md": (
        "title: Escaped brackets before a caret",
        (
            "A character class like \\[^0-9\\] matches anything but a digit, and \\[^abc] works too.\n"
            "\n"
            "Write the pattern as `[^x]` in code, or escape it: \\[^\\s\\].\n"
        ),
    ),
    "2024-06-19-underscore-tag-names.md": (
        "title: Tag names with an underscore",
        (
            "Call convert_to <target_type> (value) to change the type.\n"
            "\n"
            "The placeholder <file_name> stands for your own file, and <my_config>holds *these* words</my_config>"
            " here.\n"
        ),
    ),
    "2024-06-20-definitions-on-two-lines.md": (
        "title: Link definitions with the URL on the next line",
        (
            "The helper [`format_date`][] turns a date into text, and [`parse_date`][] reads one back.\n"
            "See also [the guide][guide].\n"
            "\n"
            "[`parse_date`]: https://example.com/api/parse_date\n"
            "[`format_date`]:\n"
            "  https://example.com/api/format_date\n"
            "[guide]:\n"
            "https://example.com/guide\n"
        ),
    ),
    "2024-06-21-autolinks-with-spaces.md": (
        "title: Autolinks holding spaces",
        (
            "The archive moved to <https://example.com/old files/archive.html> last year.\n"
            "\n"
            "Mail <mailto:team lead@example.org> for access, or see <http://example.com/a b> and <https://example.com/plain>.\n"
            "\n"
            "A link [with spaces](https://example.com/my page.html) stays a link.\n"
        ),
    ),
    "2024-06-22-pipes-in-cell-spans.md": (
        "title: Escaped pipes in the math of a table row",
        (
            "| symbol | meaning |\n"
            "|--------|---------|\n"
            "| the norm $$\\|x\\|$$ of x | a length |\n"
            "| press <kbd>a\\|b</kbd> now | either key |\n"
            "| code `a\\|b` too | code keeps it |\n"
            "\n"
            "Outside a table $$\\|y\\|$$ keeps its backslashes.\n"
        ),
    ),
    "2024-06-23-rules-in-quotes.md": (
        "title: Rule lines inside a quote",
        (
            "> ------------------------------------------\n"
            ">\n"
            "> A quote framed by two rules.\n"
            ">\n"
            "> ------------------------------------------\n"
            "\n"
            "> Text in a quote\n"
            "> ---- and dashes after it.\n"
        ),
    ),
    "2024-06-24-span-elements-left-open.md": (
        "title: Span elements left open",
        (
            'Links: <a href="https://example.com/one"> One,\n'
            '<a href="https://example.com/two"> Two\n'
            "\n"
            "After the list, <b>bold *and* more\n"
            "\n"
            "<span>a span left open\n"
            "\n"
            "- an item <em>with emphasis\n"
            "- the next item\n"
        ),
    ),
    "2024-06-25-lazy-lines-under-quoted-code.md": (
        "title: A lazy line under code in a quote",
        (
            "Its signature:\n"
            "\n"
            ">\tint open_file(const char *path, int flags)\n"
            '> open_file("a.txt", O_RDONLY|O_CREAT);\n'
            "\n"
            "And with spaces:\n"
            "\n"
            ">     run(a|b)\n"
            "> then(c)\n"
            ">\n"
            "> text after *it*\n"
        ),
    ),
    "2024-06-26-span-elements-with-markdown.md": (
        "title: Markdown inside a paragraph element",
        (
            '<aside markdown="1" class="quote">\n'
            "  A thought worth keeping.\n"
            '  <p markdown="1" class="credit">\n'
            "- @someone, [a talk](https://example.com/talk)\n"
            "  </p>\n"
            "</aside>\n"
            "\n"
            '<p markdown="1">\n'
            "1. not a list *but* text\n"
            "# not a heading\n"
            "</p>\n"
            "\n"
            '<div markdown="1">\n'
            "- a real item\n"
            "</div>\n"
        ),
    ),
    "2024-06-27-lines-under-wide-items.md": (
        "title: Lines less indented than a wide item's text",
        (
            "Steps:\n"
            "\n"
            "1.       Start the tool with a flag:\n"
            "\n"
            "    tool --debug ~x~ a\\,b <<y>>\n"
            "\n"
            "2.       Then stop it.\n"
            "\n"
            "And bullets:\n"
            "\n"
            "-      wide item text\n"
            "\n"
            "  two spaces: a paragraph now\n"
        ),
    ),
    "2024-06-28-deep-marker-in-an-item.md": (
        "title: A marker too deep in a list item",
        ("Gibbs:\n\n1. For each sample:\n    1. For each k:\n            1. Draw $x | y$ from it\n\n- a | b\n"),
    ),
    "2024-06-29-script-named-in-prose.md": (
        "title: Naming <script> and <style> in a sentence",
        (
            "Load code with the <script> tag, not inline.\n"
            "\n"
            "## Styles\n"
            "\n"
            "Put rules in <style> and <SCRIPT> goes here too.\n"
            "\n"
            "* a <textarea> holds text\n"
            "* the <title> names the page\n"
            "\n"
            "A later </script> is text, and the post goes on.\n"
            "\n"
            "The <iframe> tag and <noscript> too.\n"
            "\n"
            "在段落里写 <script> 标签，后文仍在。\n"
            "\n"
            "The end.\n"
        ),
    ),
    "2024-06-30-ial-heading-ids.md": (
        "title: Heading ids from attribute lists",
        (
            "Lead.\n"
            "\n"
            "{:#own-id}\n"
            "### Features\n"
            "\n"
            "Text.\n"
            "\n"
            "### Usage\n"
            "{: .note #use}\n"
            "\n"
            "More, [to features](#own-id).\n"
            "\n"
            "## Mine {#mine}\n"
            "{:#other}\n"
            "\n"
            "A paragraph.\n"
            "{:#para}\n"
            "### Right under it\n"
            "\n"
            "### Closed ###\n"
            "{:#closed-id}\n"
            "\n"
            "The end.\n"
        ),
    ),
    "2024-07-01-footnote-lazy-line.md": (
        "title: A footnote's indented paragraph with a lazy line",
        (
            "Rivers carry silt to the sea.[^delta]\n"
            "\n"
            "[^delta]: A delta forms where the flow slows down.\n"
            "\n"
            "    Its second paragraph is indented four spaces, and its\n"
            "last line is not, which kramdown still counts as the note's.\n"
            "\n"
            "After the note, *this* paragraph is the post's own.\n"
        ),
    ),
    "2024-07-02-rule-tag-above-text.md": (
        "title: A rule tag alone on its line, text right under it",
        (
            "The first section ends here.\n"
            "<hr>\n"
            "**Theorem:** the sum of \\\\(a\\\\) and _b_ is even.\n"
            "\n"
            "<hr/>\n"
            " An indented line with a [link](/notes/) and *emphasis*.\n"
            "\n"
            '<hr class="thin" />\n'
            "- an item right under the rule\n"
            "- and a second one\n"
            "\n"
            "The end.\n"
        ),
    ),
    "2024-07-03-close-tag-commented-out.md": (
        "title: A close tag commented out inside a figure",
        (
            "A paragraph before the figure.\n"
            "\n"
            '<div class="figure">\n'
            '<!-- <a href="/big.png"> -->\n'
            '<img src="/small.png" alt="chart">\n'
            "<!-- </div> -->\n"
            '<div class="caption">The <b>chart</b> of rainfall.</div>\n'
            "</div>\n"
            "\n"
            "After the figure, *words* with emphasis.\n"
        ),
    ),
    "2024-07-04-tilde-runs-in-equations.md": (
        "title: Runs of tildes as spaces in equations",
        (
            "The first equation holds ~~~~(1) and the second one too ~~~~(2) in this note.\n"
            "\n"
            "Two runs ~~~~(3) with a closer c~~~~ later.\n"
            "\n"
            "A strike ~~that works~~ stays, and ~~~words~~~ too.\n"
        ),
    ),
    "2024-07-05-noscript-after-a-script.md": (
        "title: A noscript fallback after a script embed",
        (
            "Watch the clip below.\n"
            "\n"
            '<script src="/clip.js" async></script><noscript><p><a href="/clip.html">Open the clip</a></p></noscript>\n'
            "\n"
            "The demo runs in the terminal.\n"
            "\n"
            "<noscript><p>Scripts are off, so the chart is hidden.</p></noscript>\n"
            "\n"
            "A line above\n"
            "<noscript><div>Still hidden.</div></noscript>\n"
            "and *one* below.\n"
        ),
    ),
    "2024-07-05-generic-types-in-prose.md": (
        "title: Generic types written in prose",
        (
            "A method that takes a List<object> and returns it sorted.\n"
            "\n"
            "## Why boxing costs\n"
            "\n"
            "Each value in a List<object> is boxed.\n"
            "\n"
            "A `List<int>` avoids it.\n"
        ),
    ),
    "2024-07-05-footnote-under-a-paragraph.md": (
        "title: Footnotes written right under their paragraph",
        (
            "The first claim needs a source[^1].\n"
            "[^1]: written on the next line, so kramdown reads it as the paragraph's text\n"
            "\n"
            "The second claim has one too[^two].\n"
            "\n"
            "## Notes\n"
            "[^two]: a heading above it ends no paragraph, so this one is a footnote\n"
            "[^3]: and a second definition under it, never referred to\n"
        ),
    ),
    "2024-07-06-definition-wide-colon.md": (
        "title: Definitions with wide space after the colon",
        (
            "A small glossary follows.\n"
            "\n"
            "kramdown\n"
            ":     A converter written in *Ruby*\n"
            "\n"
            "Jekyll\n"
            ": A site generator\n"
            "\n"
            "Rouge\n"
            ":       A highlighter, seven spaces in\n"
            "        and a second line under it\n"
            "\n"
            "The end.\n"
        ),
    ),
    "2024-07-07-images-and-brackets-in-link-text.md": (
        "title: Reference images and brackets inside a link's text",
        (
            "See [the ![logo][img] site](/home/) for more.\n"
            "\n"
            "A [list [of] things](/about) and [an ![icon](/i.png) inside](/docs/guide.html).\n"
            "\n"
            "The [badge ![build]](/ci) and [an ![undefined][nope] image](/x/) too.\n"
            "\n"
            "[img]: /logo.png\n"
            "[build]: /build.svg\n"
        ),
    ),
    "2024-07-08-self-closed-block-tags.md": (
        "title: Block tags closed by their slash, Markdown under them",
        (
            "Lead.\n"
            "\n"
            "<p/>\n"
            "## A heading under an empty paragraph tag\n"
            "\n"
            "Text.\n"
            "\n"
            '<div class="clear"/>\n'
            "A *paragraph* right under a closed div.\n"
            "\n"
            '<section id="s1" />\n'
            "- an item\n"
            "- another\n"
        ),
    ),
    "2024-07-09-indented-under-markdown-block-tag.md": (
        "title: Indented lines right under a markdown block's open tag",
        (
            '<div markdown="1">\n'
            "    indented *text* here\n"
            "\n"
            "    more indented\n"
            "</div>\n"
            "\n"
            '<section markdown="1">\n'
            "  two spaces *in*, a paragraph\n"
            "</section>\n"
            "\n"
            '<div class="note" markdown="block">\n'
            "\tA tab-indented line\n"
            "</div>\n"
            "\n"
            "End.\n"
        ),
    ),
    "2024-07-10-text-after-a-block-close-tag.md": (
        "title: Text after a block element's close tag on its line",
        (
            "Lead.\n"
            "\n"
            "<p>first</p>**bold** tail<p>third</p>\n"
            "\n"
            "<div>a</div> text after *it*\n"
            "and a next line\n"
            "\n"
            "Middle.\n"
            "\n"
            '<div class="box">\n'
            "inside\n"
            "</div> closing words\n"
            "\n"
            "<p>kept</p>   \n"
            "End.\n"
        ),
    ),
    "2024-07-11-close-tag-of-a-bodyless-tag.md": (
        "title: A close tag after a body-less tag",
        (
            "Lead.\n"
            "\n"
            '<link rel="stylesheet" href="/a.css"></link>\n'
            "Text after the link.\n"
            "\n"
            "<hr></hr>\n"
            "\n"
            '<meta charset="utf-8"></meta>\n'
            "\n"
            "A line\n"
            '<link rel="icon" href="/i.png"></link> and more\n'
            "\n"
            "End.\n"
        ),
    ),
    "2024-07-12-tag-line-above-a-fence.md": (
        "title: A line of one span tag right above a fence",
        (
            "Lead.\n"
            "\n"
            '<img src="/a.png" alt="diagram">\n'
            "```python\n"
            "print(1)\n"
            "```\n"
            "\n"
            '<span class="note">\n'
            "~~~\n"
            "plain\n"
            "~~~\n"
            "\n"
            "A line with <b>bold\n"
            "```\n"
            "tail code\n"
            "```\n"
            "\n"
            "End.\n"
        ),
    ),
    "2024-07-13-fence-closed-by-a-shorter-run.md": (
        "title: A fence that only a shorter run closes",
        ("Lead.\n\n````\nfour over three\n\nstill code\n```\n\nBetween.\n\n~~~~~sh\necho five\n~~~~\n\nAfter.\n"),
    ),
    "2024-07-14-ordered-item-under-a-bullet.md": (
        "title: An ordered item under a bullet item's text",
        (
            "Lead.\n"
            "\n"
            "- a bullet's text\n"
            "3. third step\n"
            "4. fourth step\n"
            "- next bullet\n"
            "  more of it\n"
            "2. second step\n"
            "\n"
            "End.\n"
        ),
    ),
    "2024-07-15-html-block-in-a-quote-or-an-item.md": (
        "title: An HTML block in a quote or a list item",
        (
            "Lead.\n"
            "\n"
            "> The quote opens.\n"
            "> <p>Area is $$w h$$ and `raw` stays.</p>\n"
            "> then *this* line\n"
            "\n"
            "- <div>first $$k$$</div> and a `tail`\n"
            "- <p>second</p>\n"
            "  goes on *here*\n"
            "- third\n"
            "\n"
            "> <div>\n"
            "> `kept` as written\n"
            ">\n"
            "> two\n"
            "> </div>\n"
            "\n"
            "End.\n"
        ),
    ),
    "2024-07-16-backslashes-over-an-items-block.md": (
        "title: Two backslashes over a block of a list item",
        (
            "Lead.\n"
            "\n"
            "- run this\\\\\n"
            "```sh\n"
            "make all\n"
            "```\n"
            "- then\\\\\n"
            "  - a nested step\n"
            "- last\\\\\n"
            "\n"
            "End\\\\\n"
            "```\n"
            "done\n"
            "```\n"
        ),
    ),
    "2024-07-17-items-with-no-text-on-the-marker-line.md": (
        "title: List items with nothing after the marker",
        (
            "Steps.\n"
            "\n"
            "1. \n"
            "\n"
            "    Fetch the sources first.\n"
            "\n"
            "2. Build them.\n"
            "\n"
            "- packing\n"
            "  1. \n"
            "  fold the shirts\n"
            "\n"
            "1. outer step\n"
            "   2. inner step\n"
            "\n"
            "Notes\n"
            "4. \n"
            "a lazy note\n"
        ),
    ),
    "2024-07-18-definition-under-an-item-and-a-page-tag.md": (
        "title: A definition under an item, a page tag in a paragraph",
        (
            "Glossary.\n"
            "\n"
            "- warm cache\n"
            ": one filled by earlier reads\n"
            ": also a cache after a restart\n"
            "- cold cache\n"
            "\n"
            'Turn it on with `<html class="dark"> on the root, or a <body> class.\n'
            "\n"
            "Then `run` it.\n"
        ),
    ),
    "2024-07-19-nested-items-fences-and-tags.md": (
        "title: Fences and tags in nested list items",
        (
            "集合类型:\n"
            "\n"
            "- `List`\n"
            "    - 实现 List<E>, 非线程安全\n"
            "    - Collections.synchronizedList(...)\n"
            "- Settings\n"
            "  - keys: the file's keys\n"
            "  ```json\n"
            '  {"paths": ["/a/*"]}\n'
            "  ```\n"
            "      - paths: matched as a shell matches\n"
            "      - `exclude`: leave a path out\n"
            "\n"
            "1. **Output**\n"
            "    * ask for JSON\n"
            "    ```python\n"
            "    prompt = 'answer in JSON'\n"
            "\n"
            "    print(prompt)\n"
            "    ```\n"
        ),
    ),
    "2024-07-20-a-long-outline.md": (
        "title: A nested list longer than a hundred lines",
        (
            "1. **Reading**\n"
            "    - the first chapter\n"
            + "".join(f"\n        A note on page {page}, with $$p_{{{page}}}$$ in it.\n" for page in range(1, 61))
            + "\n    - the second chapter, where $$q$$ holds\n"
            "2. **Writing**\n"
            "\n"
            "    A paragraph of the second item.\n"
        ),
    ),
    "2024-07-21-html-blocks-in-list-items.md": (
        "title: TeX in HTML blocks under list items",
        (
            "Exercises:\n"
            "\n"
            "1. Differentiate:\n"
            "\t<div>\n"
            "\t\t\\begin{align}\n"
            "\t\t&f(x) = x^2 \\sin x && g(x) = e^{2x} \\\\\n"
            "\t\t&h(x) = \\ln x && k(x) = \\( x^3 \\)\n"
            "\t\t\\end{align}\n"
            "\t</div>\n"
            "\n"
            "2. Integrate <span>\\\\( x \\\\)</span> over the interval.\n"
            "\n"
            "* The sum of the angles is:\n"
            "    <div>\n"
            "    \t\\begin{equation} a + b = 180 \\\\ \\end{equation}\n"
            "    </div>\n"
            "which gives the rule.\n"
        ),
    ),
    "2024-07-22-code-in-items-in-a-quote.md": (
        "title: Commands quoted from a manual",
        (
            "From the manual:\n"
            "\n"
            "> *   To verify a package file:\n"
            ">\n"
            ">         rpm -Vp pkg-1.0-1.el6.x86_64.rpm\n"
            ">\n"
            ">\n"
            "> *   To find the owner of a file:\n"
            ">\n"
            ">         rpm -qf /usr/bin/some_tool\n"
            ">\n"
            "> 3.  Import the bundle:\n"
            ">\n"
            ">        For example:\n"
            ">\n"
            ">     \tImport-Depot C:\\path\\to\\offline_bundle.zip\n"
            "\n"
            "The rest is *ours*.\n"
        ),
    ),
    "2024-07-23-an-outline-pasted-from-notes.md": (
        "title: An outline pasted from a notes app",
        (
            "## What to learn\n"
            "- **Vectors**\n"
            "  - A vector has a length and a direction\n"
            "          - = an arrow from the origin\n"
            "      - We add vectors head to tail\n"
            "          - Scaling stretches the arrow\n"
            "              - Example\n"
            "\n"
            "                  Moving by [1,2] then [3,1] ends at [4,3].\n"
            "\n"
            "                  $$[1,2] + [3,1] = [4,3]$$\n"
            "\n"
            "  - A basis spans the plane\n"
        ),
    ),
    "2024-07-24-an-image-over-its-caption.md": (
        "title: An image over its caption",
        (
            "| ![A shell session](/assets/session.png) |\n"
            "|:--:|\n"
            "| *Saving images to and loading them from *.tar files* |\n"
            "\n"
            "Then the *steps*, with a [*reference*](https://example.org/ref).\n"
        ),
    ),
    "2024-07-25-code-under-an-item-and-a-line-under-it.md": (
        "title: Steps with commands",
        (
            "5.\tBuild the app\n"
            "\n"
            "        npm run build\n"
            "6.\tRun the app  \n"
            "\n"
            "        npm run start \n"
            "![The app's window](/assets/app-window.png)\n"
            "\n"
            "[The guide](https://example.org/guide) has more.\n"
        ),
    ),
    "2024-07-26-anchors-over-numbered-steps.md": (
        "title: Anchors over numbered steps",
        (
            "1. Create the project.\n"
            "\n"
            '<a id="step-consent"></a>\n'
            "2. On the next screen, fill in the <code>App name</code>.\n"
            "\n"
            "    Click the <code>SAVE</code> button.\n"
            "\n"
            '<a id="step-scopes"></a>\n'
            "3. Add the scopes, then click <strong>UPDATE</strong>.\n"
        ),
    ),
}
SITE = Site(title="postdrop differential")  # jekyll_site.CONFIG's title, for {{ site.title }}
# The elements counted in both renderings (footnote marks, rouge's line-number gutter and the {:toc} list are
# navigation, left out; postdrop's footnotes are written otherwise: COUNTS_KEPT). The gutter is the first cell
# of the table in a <code> (postdrop's html keeps no class).
COUNTED = frozenset(
    {"a", "em", "strong", "img", "pre", "code", "u", "mark", "s", "del", "blockquote", "table", "li", "dt", "dd"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "br", "hr"}
)
# (and <noscript>: what a reader sees only with scripts off; both texts leave it out)
_NAVIGATION = (
    "div.footnotes, sup[role=doc-noteref], td.gutter, td.rouge-gutter, code > table > tbody > tr > td:first-child,"
    " #markdown-toc, noscript"
)
# posts whose elements are counted otherwise, and why
COUNTS_KEPT: dict[str, str] = {
    "2024-01-11-footnotes.md": "postdrop writes footnote marks as links and its notes where they are defined",
    "2024-07-01-footnote-lazy-line.md": "postdrop writes footnote marks as links (2024-01-11-footnotes.md)",
    "2024-07-05-footnote-under-a-paragraph.md": "postdrop writes footnote marks as links (2024-01-11-footnotes.md)",
}


# Posts whose text or elements postdrop does not read as Jekyll does yet: the post and what differs
# (expected to fail, strictly: a post that starts agreeing must leave the list).
TODO: dict[str, str] = {}


# posts whose text blocks are read in another order on purpose, and why
ORDER_KEPT: dict[str, str] = {
    "2024-01-25-highlight.md": "rouge's linenos table holds the whole code in one cell, then its lines",
}


def _params() -> list[Any]:
    return [
        pytest.param(name, marks=[pytest.mark.xfail(reason=TODO[name], strict=True)] if name in TODO else [])
        for name in POSTS
    ]


def _source(name: str) -> str:
    head, body = POSTS[name]
    return f"---\n{head}\ndate: {name[:10]} 10:00:00 +0800\n---\n{body}"


@pytest.fixture(scope="module")
def jekyll(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("posts")
    paths: list[Path] = []
    for name in POSTS:
        path = folder / name
        path.write_text(_source(name), encoding="utf-8")
        paths.append(path)
    return build(paths, tmp_path_factory.mktemp("blog") / "site")


@pytest.mark.parametrize("name", _params())
def test_postdrop_reads_the_post_as_jekyll_does(name: str, jekyll: dict[str, dict[str, Any]]) -> None:
    theirs = jekyll[name]
    ours = parse_post(_source(name).encode(), f"posts/{name}", site=SITE)
    problems = text_problems(ours.text, theirs["content"])
    if name not in COUNTS_KEPT:
        want, got = _elements(theirs["content"]), _elements(ours.html)
        if want != got:
            problems.append(f"elements Jekyll's alone: {dict(want - got)}, postdrop's alone: {dict(got - want)}")
    if name not in ORDER_KEPT:
        problems += _order_problems(ours.text, theirs["content"])
    assert not problems, "\n".join(problems)


def test_rouge_line_number_tables_are_jekylls(jekyll: dict[str, dict[str, Any]]) -> None:
    # the code blocks holding rouge's table, tag by tag with their text (the line numbers and the
    # code's bytes); rouge's token spans and the classes aside: postdrop's html keeps no class
    name = "2024-01-25-highlight.md"
    ours = parse_post(_source(name).encode(), f"posts/{name}", site=SITE)
    assert _rouge_tables(ours.html) == _rouge_tables(jekyll[name]["content"])
    assert len(_rouge_tables(ours.html)) == 4


def test_typographic_quotes_are_jekylls(jekyll: dict[str, dict[str, Any]]) -> None:
    # the quotes kramdown's typography writes, in order (compare.py folds them: the text alone
    # would not tell a closing quote from an opening one)
    name = "2024-01-25-closing-quotes.md"
    ours = parse_post(_source(name).encode(), f"posts/{name}", site=SITE)
    assert _QUOTES.findall(ours.html) == _QUOTES.findall(jekyll[name]["content"])


_QUOTES = re.compile("[\u2018\u2019\u201c\u201d]")


def _rouge_tables(html: str) -> list[str]:
    bare = re.sub(r"<(/?\w+)[^>]*>", r"<\1>", re.sub(r"</?span\b[^>]*>", "", html))
    return re.findall(r"<pre><code><table>.*?</table></code></pre>", bare, re.DOTALL)


def _order_problems(ours: str, html: str) -> list[str]:
    """Jekyll's text blocks that are in ``ours`` only before a block they follow in Jekyll's."""
    blocks, _whole = jekyll_text(html)
    text = fold(ours)
    pos = 0
    out_of_order = []
    for block in map(fold, blocks):
        at = text.find(block, pos)
        if at >= 0:
            pos = at
        elif block in text:
            out_of_order.append(block)
    if not out_of_order:
        return []
    return [f"{len(out_of_order)} Jekyll text blocks out of Jekyll's order, first: {out_of_order[:3]}"]


@pytest.mark.parametrize("name", list(POSTS))
def test_jekyll_fields_agree(name: str, jekyll: dict[str, dict[str, Any]]) -> None:
    ours = parse_post(_source(name).encode(), f"posts/{name}", default_zone="UTC", now=datetime.now(UTC), site=SITE)
    problems = field_problems(ours, jekyll[name], kept={})
    assert not problems, "\n".join(problems)


def test_every_listed_post_is_a_post_here() -> None:
    assert set(COUNTS_KEPT) | set(ORDER_KEPT) | set(TODO) <= set(POSTS)


def _elements(html: str) -> Counter[str]:
    tree = LexborHTMLParser(html)
    for node in tree.css(_NAVIGATION):
        node.decompose()
    body = tree.body
    if body is None:
        return Counter()
    counted = Counter(node.tag for node in body.traverse() if node.tag in COUNTED)
    # the number each ordered list starts at, as a reader sees it
    counted.update(f"ol start={node.attributes.get('start') or 1}" for node in body.css("ol"))
    return counted
