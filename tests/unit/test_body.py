"""The body: sections, summary, source, links, images; nothing structural leaks into text."""

from __future__ import annotations

import pytest

from postdrop import PostRejected, parse_post
from postdrop.core.body import is_safe_url
from tests.conftest import post

MEDIA = (
    "<p>　　第一段，&ldquo;引号&rdquo; &amp; 实体。</p><!-- hidden comment --><p><strong>小标题一</strong></p>"
    "<p>第二段<br/>换行后</p><script>alert('x')</script><style>p{}</style>"
    '<center><img src="https://img.example.org/a.png" alt="a" onerror="x()"></center>'
    '<p class="em_media">（文章来源：示例<span><a href="http://q.example.org/">日</a></span>报）</p>\n\n'
    "<https://news.example.org/1.html>\n\n"
    "[返回示例新闻](//posts.example.org/category/x.html)｜[返回首页](//posts.example.org/)"
)


def test_media_html_post() -> None:
    got = parse_post(post('title: "t"', MEDIA), "posts/a.md")
    assert [s.model_dump() for s in got.sections] == [
        {"heading": None, "paragraphs": ["第一段，“引号” & 实体。"]},
        {"heading": "小标题一", "paragraphs": ["第二段", "换行后"]},
    ]
    assert got.text == "第一段，“引号” & 实体。\n小标题一\n第二段\n换行后"
    assert got.source.model_dump() == {"name": "示例日报", "url": "https://news.example.org/1.html"}
    assert [(link.text, link.href) for link in got.links] == [
        ("返回示例新闻", "//posts.example.org/category/x.html"),
        ("返回首页", "//posts.example.org/"),
    ]
    assert got.images == ["https://img.example.org/a.png"]
    for leaked in ("alert", "hidden comment", "文章来源", "返回", "news.example.org", "p{}"):
        assert leaked not in got.text
        assert leaked not in got.html
    assert "onerror" not in got.html


def test_digest_lead_becomes_summary() -> None:
    """The producer's digest: a lead blockquote whose opening the article repeats."""
    digest = "这是一段摘要，正文的开头会一字不差地重复它的第一句。"
    got = parse_post(post("title: t", f"> {digest}（示例）\n\n<p>{digest}正文继续。</p>\n\n<>\n"), "posts/a.md")
    assert got.summary == f"{digest}（示例）"
    assert got.text == f"{digest}正文继续。"
    assert got.source.url is None


def test_an_ordinary_lead_blockquote_is_the_articles_own_text() -> None:
    got = parse_post(post("title: t", "> An epigraph, quoted.\n\nThe article begins here.\n"), "posts/a.md")
    assert got.summary is None
    assert got.text == "An epigraph, quoted.\nThe article begins here."


def test_links_without_a_source_line_before_them_stay_in_the_text() -> None:
    body = "The article.\n\nDiscuss on [Hacker News](https://news.example.com/item?id=1)\n\n[Home](/)\n"
    got = parse_post(post("title: t", body), "posts/a.md")
    assert got.links == [] and got.source.url is None
    assert got.text == "The article.\nDiscuss on Hacker News\nHome"


def test_a_link_written_with_its_url_as_text_is_no_source_line() -> None:
    # A blog post that ends with a link to its source, written as a Markdown link, and one more link:
    # the producer's source line is an autolink, <http://...>, so these are the article's own
    body = "The article.\n\n[http://a.example.com/x](http://a.example.com/x)\n\n[The sheet](http://b.example.com/y)\n"
    got = parse_post(post("title: t", body), "posts/2024-01-02-a.md")
    assert got.source.url is None and got.links == []
    assert got.text == "The article.\nhttp://a.example.com/x\nThe sheet"
    # written as an autolink, the same ending is the producer's source line and back link
    body = "The article.\n\n<http://a.example.com/x>\n\n[The sheet](http://b.example.com/y)\n"
    got = parse_post(post("title: t", body), "posts/2024-01-02-a.md")
    assert got.source.url == "http://a.example.com/x" and [link.href for link in got.links] == [
        "http://b.example.com/y"
    ]
    assert got.text == "The article."


def test_back_links_on_two_lines_with_relative_targets() -> None:
    got = parse_post(
        post("title: t", "正文。\n\n<http://e.example.org/1>\n\n[返回新闻](../emnews/)\n[返回首页](./)\n"), "posts/a.md"
    )
    assert [link.href for link in got.links] == ["../emnews/", "./"]
    assert got.source.url == "http://e.example.org/1"
    assert got.text == "正文。"


def test_markdown_body_headings_lists_and_images() -> None:
    body = "## 一\n\n段落 *强调*。\n\n- 甲\n- 乙\n\n# 二\n\n![图](https://img.example.org/b.png)\n\n```\ncode\n```\n"
    got = parse_post(post("title: t", body), "posts/a.md")
    assert [(s.heading, s.paragraphs) for s in got.sections] == [("一", ["段落 强调。", "甲", "乙"]), ("二", ["code"])]
    assert got.images == ["https://img.example.org/b.png"]
    assert '<h2 id="一">一</h2>' in got.html and "<em>强调</em>" in got.html


def test_unsafe_link_and_image_targets_are_dropped_with_a_warning() -> None:
    body = '<p>x<img src="javascript:alert(1)"></p>\n\n<>\n\n[返回](javascript:alert(1))\n'
    got = parse_post(post("title: t", body), "posts/a.md")
    assert got.images == [] and got.links == []
    assert len([w for w in got.warnings if "unsafe" in w]) == 2
    assert "javascript" not in got.html


def test_excerpt_and_char_count() -> None:
    long = "字" * 300
    got = parse_post(post("title: t", f"{long}\n\n第二段\n"), "posts/a.md")
    assert got.char_count == 303
    assert len(got.excerpt) == 120 and got.excerpt.endswith("…")


def test_html_file_is_read_as_html_not_markdown() -> None:
    got = parse_post(post("title: t", "<p>a *not emphasis*</p>\n\n    <p>not code</p>\n"), "posts/a.html")
    assert got.text == "a *not emphasis*\nnot code"


@pytest.mark.parametrize(
    "body", ["<div>" * 5000 + "深", ">" * 5000 + " 深", "<blockquote>" * 3000 + "深", "<table><tr><td>" * 2000 + "深"]
)
def test_hostile_nesting_is_rejected_not_crashed_on(body: str) -> None:
    # deeper than browsers nest (512): rejected with its reason before lexbor and nh3 spend time on it
    with pytest.raises(PostRejected, match="nests elements more than 512 deep"):
        parse_post(post("title: t", body), "posts/a.md")


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.com/a.png", True),
        ("HTTP://example.com/", True),
        ("//cdn.example.com/a.png", True),
        ("/img/a.png", True),
        ("a.png?x=1:2", True),
        ("java\\0script:alert(1)", True),  # not a scheme to a browser: a relative path, as the sanitizer keeps it
        ("javascript:alert(1)", False),
        (" \x0e javascript:alert(1)", False),  # leading C0 controls and spaces are ignored
        ("jav\tascript:alert(1)", False),  # tabs and newlines are removed anywhere
        ("data:image/png;base64,AAAA", False),
        ("vbscript:msgbox(1)", False),
        ("mailto:a@example.com", False),
        ("", False),
    ],
)
def test_is_safe_url_reads_the_scheme_as_a_browser_does(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


def test_line_breaks_outside_any_block_split_paragraphs() -> None:
    """An HTML post of text and <br> at its top level, no <p>: each line is a paragraph."""
    body = "first line<br>second line<br/><br>third, <b>bold</b> and <!-- x -->on"
    got = parse_post(post('title: "t"', body), "posts/a.html")
    assert got.text == "first line\nsecond line\nthird, bold and on"


def test_blocks_end_text_and_a_bold_only_paragraph_is_a_heading() -> None:
    body = (
        "<div>lead<p><b>Part one</b><br></p>one &lt;two&gt; &amp;&nbsp;three</div>"
        "<p><strong>Not</strong> a heading</p><p><strong>a</strong> <strong>b</strong></p>"
        "<ul><li>item<ul><li>inner</li></ul></li></ul><h2>Two<br>lines</h2><xmp><p>kept</p></xmp>"
    )
    got = parse_post(post('title: "t"', body), "posts/a.html")
    assert [(s.heading, s.paragraphs) for s in got.sections] == [
        (None, ["lead"]),
        ("Part one", ["one <two> & three", "Not a heading", "a b", "item", "inner"]),
        ("Two lines", ["<p>kept</p>"]),
    ]


def test_control_characters_from_character_references_are_not_read_as_marks() -> None:
    """The reader marks headings and breaks with controls; the post's own (&#1;) are dropped first."""
    got = parse_post(post('title: "t"', "<p>&#1;not a heading&#2;one</p><p>&#3;two</p>"), "posts/a.html")
    assert [(s.heading, s.paragraphs) for s in got.sections] == [(None, ["not a headingone", "two"])]


@pytest.mark.parametrize(
    "body",
    [
        "<noscript><p>Scripts are off.</p></noscript>\n\nThe post itself.\n",
        '<script src="/clip.js"></script><noscript><p><a href="/clip.html">Open it</a></p></noscript>\n'
        "\nThe post itself.\n",
    ],
)
def test_noscript_content_stays_out_where_the_post_opens_with_it(body: str) -> None:
    """A <noscript> first in the body is read in the body: parsed as a page, it went to the head,
    its first block inside ended it, and what it hides for scripts was the post's text and html."""
    got = parse_post(post('title: "t"', body), "posts/2024-01-01-a.md")
    assert got.text == "The post itself."
    assert "Open it" not in got.html
    assert "Scripts are off" not in got.html
