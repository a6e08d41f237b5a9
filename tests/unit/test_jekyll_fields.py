"""Jekyll's own fields of a post: jekyll_excerpt, url and status (Jekyll itself is the reference
in tests/differential; these say the rules one at a time)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from postdrop import parse_post
from postdrop.config import ParseSettings
from postdrop.core.permalink import absolute_url, escape_path, slugify
from postdrop.core.site import Site
from tests.conftest import post, toc_entries

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


# --- status ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "front", "status"),
    [
        ("posts/2026-05-01-a.md", "title: t", "published"),
        ("posts/_drafts/2026-05-01-a.md", "title: t", "draft"),
        ("posts/blog/drafts/a.md", "title: t\ndate: 2026-05-01", "draft"),
        ("posts/2026-05-01-a.md", "title: t\npublished: false", "unpublished"),
        ("posts/2026-05-01-a.md", "title: t\npublished:", "unpublished"),  # Jekyll's publisher: no value is no
        ("posts/2026-05-01-a.md", "title: t\npublished: true", "published"),
        ("posts/2026-05-01-a.md", 'title: t\npublished: "false"', "published"),  # a string is not false to Jekyll
        ("posts/2026-05-01-a.md", "title: t\npublished: 0", "published"),  # nor is 0 (Ruby)
        ("posts/2026-05-01-a.md", "title: t\ndate: 2026-06-01 12:00:01 +0000", "scheduled"),
        ("posts/2026-05-01-a.md", "title: t\ndate: 2026-06-01 12:00:00 +0000", "published"),  # not after now
        ("posts/2099-01-01-a.md", "title: t", "scheduled"),  # the file name's date
        ("posts/_drafts/2099-01-01-a.md", "title: t\npublished: false", "draft"),  # the folder says first
        ("posts/2099-01-01-a.md", "title: t\npublished: false", "unpublished"),  # then the author
        ("posts/undated.md", "title: t", "published"),  # no date: nothing to wait for
    ],
)
def test_status(key: str, front: str, status: str) -> None:
    # Given a post file, When it is parsed at NOW, Then its status is Jekyll's reading of it
    assert parse_post(post(front), key, now=NOW).status == status


def test_a_scheduled_post_is_published_once_its_date_has_come_and_its_hash_does_not_move() -> None:
    data = post("title: t\ndate: 2026-06-02 09:00:00 +0800")
    before = parse_post(data, "posts/x.md", now=NOW)
    after = parse_post(data, "posts/x.md", now=NOW + timedelta(days=1))
    assert (before.status, after.status) == ("scheduled", "published")
    assert before.content_hash == after.content_hash  # status is the clock's, not the content's


# --- url -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pretty", "slug"),
    [
        ("Hello, World!", False, "hello-world"),
        ("Hello, World!", True, "hello,-world!"),
        ("  --Ünïcode  Title--  ", False, "ünïcode-title"),
        ("市场 快讯", False, "市场-快讯"),
        ("a_b.c~d", False, "a-b-c-d"),
        ("a_b.c~d", True, "a_b.c~d"),
        ("!!!", False, ""),
    ],
)
def test_slugify_as_jekyll(text: str, pretty: bool, slug: str) -> None:
    assert slugify(text, pretty=pretty) == slug


def test_slugify_keeps_case_when_asked() -> None:
    assert slugify("Hello World", pretty=True, cased=True) == "Hello-World"


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("plain/path-1.html", "plain/path-1.html"),
        ("big data", "big%20data"),
        ("市场", "%E5%B8%82%E5%9C%BA"),
        ("a#b", "a%23b"),
        ("x[1]", "x%5B1%5D"),
        ("100%", "100%25"),
        ("what?", "what?"),
        ("it's(ok)", "it's(ok)"),
    ],
)
def test_escape_path_as_jekyll(value: str, escaped: str) -> None:
    assert escape_path(value) == escaped


@pytest.mark.parametrize(
    ("front", "key", "url"),
    [
        ("title: t", "posts/2026-05-01-a-post.md", "/2026/05/01/a-post.html"),
        ("title: t\ncategories: News Tech", "posts/2026-05-01-a-post.md", "/news/tech/2026/05/01/a-post.html"),
        ("title: t\ncategories: [Big Data, big data]", "posts/2026-05-01-x.md", "/big%20data/2026/05/01/x.html"),
        ("title: t", "posts/2026-05-01-page.html", "/2026/05/01/page.html"),
        ("title: t\npermalink: /about/", "posts/2026-05-01-x.md", "/about/"),
        ("title: t\npermalink: /:title", "posts/2026-05-01-Mixed Case.md", "/Mixed-Case"),
        ("title: t\nslug: Own Slug\npermalink: /:slug/", "posts/2026-05-01-x.md", "/own-slug/"),
        ("title: t\npermalink: /:year/:i_month/:i_day/:name", "posts/2026-05-01-x.md", "/2026/5/1/2026-05-01-x"),
        ("title: t\npermalink: /a/../b/./c//:title/", "posts/2026-05-01-x.md", "/a/b/c/x/"),
        ("title: t\npermalink: pretty", "posts/2026-05-01-x.md", "/pretty"),  # a style name here is a path
        ("title: t\npermalink: /:unknown/:title/", "posts/2026-05-01-x.md", "/:unknown/x/"),
    ],
)
def test_url_as_jekyll(front: str, key: str, url: str) -> None:
    assert parse_post(post(front), key, now=NOW).url == url


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("posts/_posts/2024-01-05-flat.md", "/2024-01-05-flat/"),
        ("posts/_posts/notes/2024-01-06-nested.md", "/notes/2024-01-06-nested/"),
        ("posts/blog/_posts/2024-01-07-in-blog.md", "/blog/2024-01-07-in-blog/"),
        ("posts/es/_posts/2024-01-09-dots...md", "/es/2024-01-09-dots/"),
        # Ruby's sub: the first "_posts" of the path's text goes, inside a folder's name too
        ("posts/my_posts_x/_posts/2024-01-08-odd-folder.md", "/my_x/_posts/2024-01-08-odd-folder/"),
    ],
)
def test_the_path_placeholder_keeps_the_posts_folders(key: str, url: str) -> None:
    # Jekyll 4.3.1 built these (a site whose permalink is /:path/, as a theme's defaults give
    # its posts in language folders): :path is the post's path in the site, "_posts" cut out
    assert parse_post(post("title: t"), key, site=Site(permalink="/:path/"), now=NOW).url == url


def test_the_date_parts_are_in_the_sites_zone() -> None:
    # 23:30 in New York is the next day in Shanghai (the default zone) and in UTC
    data = post("title: t\ndate: 2026-05-01 23:30:00 -0400")
    assert parse_post(data, "posts/x.md").url == "/2026/05/02/x.html"
    assert parse_post(data, "posts/x.md", default_zone="America/New_York").url == "/2026/05/01/x.html"


@pytest.mark.parametrize(
    ("style", "url"),
    [
        ("date", "/notes/2026/05/01/a-post.html"),
        ("pretty", "/notes/2026/05/01/a-post/"),
        ("ordinal", "/notes/2026/121/a-post.html"),
        ("weekdate", "/notes/2026/W18/Fri/a-post.html"),
        ("none", "/notes/a-post.html"),
        ("/blog/:year/:title/", "/blog/2026/a-post/"),
    ],
)
def test_the_sites_permalink(style: str, url: str) -> None:
    got = parse_post(post("title: t\ncategory: Notes"), "posts/2026-05-01-a-post.md", site=Site(permalink=style))
    assert got.url == url


@pytest.mark.parametrize(
    ("site", "url"),
    [
        (Site(), "/x/"),
        (Site(baseurl="/blog/"), "/blog/x/"),
        # a url ending in '/': Jekyll 4.3.1 joins it to the path as written (6 of 55 unseen blogs)
        (Site(url="https://example.com/"), "https://example.com//x/"),
        (Site(url="https://example.com/", baseurl="/blog/"), "https://example.com//blog/x/"),
        (Site(url="https://example.com", baseurl="blog"), "https://example.com/blog/x/"),
        # Jekyll 4.3.1's absolute_url (Addressable's normalize): scheme and host lower-cased, the
        # scheme's own port dropped, a non-ASCII host in punycode; the path as written
        (Site(url="HTTPS://Example.COM:443", baseurl="/Blog"), "https://example.com/Blog/x/"),
        (Site(url="https://grenzenloseSchublade.github.io"), "https://grenzenloseschublade.github.io/x/"),
        (Site(url="http://EXAMPLE.com:8080"), "http://example.com:8080/x/"),
        (Site(url="https://Bücher.Example"), "https://xn--bcher-kva.example/x/"),
    ],
)
def test_absolute_url_under_the_sites_url_and_baseurl(site: Site, url: str) -> None:
    assert absolute_url("/x/", site) == url


@pytest.mark.parametrize(
    ("permalink", "url"),
    [
        # a folded scalar ends in a line break: post.url keeps it, absolute_url cuts it off
        (">\n  /x/folded/\n", "http://example.com/b/x/folded/"),
        ('"/x/a b/ "', "http://example.com/b/x/a%20b/"),
        ('"/x/[i]{j}|/"', "http://example.com/b/x/%5Bi%5D%7Bj%7D%7C/"),
        ('"/x/%41%zz%2F/"', "http://example.com/b/x/A%25zz%2F/"),
        ('"/x/%e2%82%ac/"', "http://example.com/b/x/%E2%82%AC/"),
        ('"/x/q?a=1 2&b=+%2b;c&&#f g?/"', "http://example.com/b/x/q?a=1%202&b=+%2B%3Bc&&#f%20g?/"),
        ('"/x/a%2b?x=%2B"', "http://example.com/b/x/a+?x=%2B"),
        ('"/x/?"', "http://example.com/b/x/"),
        ('"/x/#"', "http://example.com/b/x/"),
        ('"/x/\uff21\ufb01\uff08a\uff09/"', "http://example.com/b/x/Afi(a)/"),  # NFKC
        ('"/x/\u1112\u1161\u11ab/"', "http://example.com/b/x/%ED%95%9C/"),  # NFD Hangul, composed
        # Addressable's own NFKC: Unicode 3.2's tables, the BMP alone, pairs composed one after another
        ('"/x/\U0001d707AFL/"', "http://example.com/b/x/%F0%9D%9C%87AFL/"),
        ('"/x/\uf951/"', "http://example.com/b/x/%E9%9B%BB/"),
        ('"/x/a\u05d9\u05b4/"', "http://example.com/b/x/a%EF%AC%9D/"),
        ('"/x/a\u0308\u0331/"', "http://example.com/b/x/a%CC%B1%CC%88/"),
        ('"/x/\u0301e/"', "http://example.com/b/x/%CC%81e/"),
        ('"/x/\u2460\u3251/"', "http://example.com/b/x/1%E3%89%91/"),
        # dot segments, written or decoded from %2E, removed (RFC 3986)
        ('"/x/."', "http://example.com/b/x/"),
        ('"/x/%2E%2E/y/"', "http://example.com/b/y/"),
        ('"/a/%2e/b"', "http://example.com/b/a/b"),
        ('"/%2E%2E/%2E%2E/c/"', "http://example.com/c/"),
    ],
)
def test_the_absolute_url_path_as_addressable_normalizes_it(permalink: str, url: str) -> None:
    """Jekyll 4.3.1's absolute_url (Addressable 2.8's normalize) of a front matter permalink."""
    site = Site(url="http://Example.com", baseurl="/b", permalink="/blog/:title/")
    assert parse_post(post(f"title: t\npermalink: {permalink}"), "posts/2020-01-02-a.md", site=site).url == url


def test_without_url_or_baseurl_the_url_is_post_url_as_written() -> None:
    assert parse_post(post('title: t\npermalink: "/x/a b/"'), "posts/2020-01-02-a.md").url == "/x/a b/"


def test_the_url_filters_normalize_and_leave_a_url_with_a_scheme_as_it_is() -> None:
    body = (
        'A {{ "mailto:a b" | relative_url }} B {{ "https://x.y/a b" | absolute_url }} C {{ "a b/é" | relative_url }}'
        ' D {{ "/c d/" | absolute_url }} E {{ "/x/q?a=1 2#f g" | relative_url }}\n\nmore\n'
    )
    got = parse_post(post("title: t", body), "posts/2020-01-01-l.md", site=Site(url="http://Example.com", baseurl="/b"))
    assert got.jekyll_excerpt == (
        "A mailto:a b B https://x.y/a b C /b/a%20b/%C3%A9 D http://example.com/b/c%20d/ E /b/x/q?a=1%202#f%20g"
    )


def test_the_absolute_url_filter_writes_the_sites_host_as_the_url_does() -> None:
    data = post("title: t", 'See [home]({{ "/about/" | absolute_url }}).\n')
    got = parse_post(data, "posts/2024-03-01-host.md", site=Site(url="HTTPS://Example.COM:443", baseurl="/Blog"))
    assert 'href="https://example.com/Blog/about/"' in got.html


def test_an_undated_post_has_no_url_when_its_permalink_needs_a_date() -> None:
    assert parse_post(post("title: t"), "posts/undated.md").url is None
    assert parse_post(post("title: t\npermalink: /:title/"), "posts/undated.md").url == "/undated/"


def test_the_site_url_changes_the_hash() -> None:
    data = post("title: t")
    plain = parse_post(data, "posts/2026-05-01-x.md")
    hosted = parse_post(data, "posts/2026-05-01-x.md", site=Site(url="https://example.com"))
    assert hosted.url == "https://example.com/2026/05/01/x.html"
    assert plain.content_hash != hosted.content_hash


# --- jekyll_excerpt ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "body", "excerpt"),
    [
        ("title: t", "First *paragraph*,\nin two lines.\n\nSecond.\n", "First paragraph, in two lines."),
        ("title: t", "\n\n\nAfter blank lines.\n\nSecond.\n", "After blank lines."),  # Jekyll's body starts there
        ("title: t", "Only one paragraph.\n", "Only one paragraph."),
        ("title: t\nexcerpt: The <em>author's</em> own &amp; words", "Body.\n\nMore.\n", "The author's own & words"),
        ("title: t\nexcerpt: Not *rendered*", "Body.\n", "Not *rendered*"),  # as Jekyll: as written
        ("title: t\nexcerpt_separator: <!--more-->", "One.\n\nTwo.\n<!--more-->\nThree.\n", "One.\nTwo."),
        ('title: t\nexcerpt_separator: ""', "One.\n\nTwo.\n", ""),
        ("title: t", "See [the docs][d].\n\nMore.\n\n[d]: https://example.com/docs\n", "See the docs."),
        ("title: t", "## A heading first\n\nThen text.\n", "A heading first"),
    ],
)
def test_jekyll_excerpt(front: str, body: str, excerpt: str) -> None:
    assert parse_post(post(front, body), "posts/2026-05-01-x.md").jekyll_excerpt == excerpt


def test_the_excerpt_keeps_the_links_it_uses_defined_after_it() -> None:
    got = parse_post(post("title: t", "See [the docs][d].\n\nMore.\n\n[d]: https://example.com/docs\n"), "posts/x.md")
    assert got.jekyll_excerpt == "See the docs."
    assert "[d]" not in got.jekyll_excerpt


def test_a_liquid_block_cut_by_the_separator_is_closed() -> None:
    body = "{% if true %}Inside the block.\n\nStill inside.{% endif %}\n"
    got = parse_post(post("title: t", body), "posts/x.md")
    assert got.jekyll_excerpt == "Inside the block."
    assert not any("excerpt" in w for w in got.warnings)


@pytest.mark.parametrize(
    ("data", "excerpt"),
    [
        (b"---\ntitle: t\n---\n* content\n{:toc}\n## 2020-11-01\n\nText here.\n", "2020-11-01\n2020-11-01"),
        (  # CRLF: the whole post is the excerpt (rendered once, with the body)
            b"---\ntitle: t\r\n---\r\n* content\r\n{:toc}\r\n\r\n## One\r\n\r\nText.\r\n\r\n### Two\r\n\r\nMore.\r\n",
            "One Two\nOne\nText.\nTwo\nMore.",
        ),
        (
            b"---\ntitle: t\nexcerpt_separator: <!--more-->\n---\n* TOC\n{:toc}\n\n# Intro\n\nWords.\n\n"
            b"## Part *one*\n\nMore words.\n<!--more-->\n## After\n\nRest.\n",
            "Intro Part one\nIntro\nWords.\nPart one\nMore words.",
        ),
        (
            b"---\ntitle: t\nexcerpt_separator: <!--more-->\n---\nLead.\n\n{% highlight ruby linenos %}\n"
            b"def foo\n  puts 1\nend\n{% endhighlight %}\n\n<!--more-->\nMore.\n",
            "Lead.\n1 2 3\ndef foo puts 1 end",
        ),
    ],
)
def test_an_excerpt_shows_its_table_of_contents_and_line_numbers(data: bytes, excerpt: str) -> None:
    # Jekyll 4.3.1's post.excerpt of each (its text): kramdown renders the excerpt as a page, with
    # the {:toc} list of its own headings, and rouge's linenos table has its gutter
    assert parse_post(data, "posts/2024-02-01-x.md", now=NOW).jekyll_excerpt == excerpt


def test_the_sites_excerpt_separator() -> None:
    site = Site(excerpt_separator="<!--more-->")
    got = parse_post(post("title: t", "One.\n\nTwo.\n<!--more-->\nThree.\n"), "posts/x.md", site=site)
    assert got.jekyll_excerpt == "One.\nTwo."


def test_the_v1_excerpt_keeps_its_meaning() -> None:
    got = parse_post(post("title: t\nexcerpt: Chosen.", "x " * 200), "posts/x.md")
    assert got.jekyll_excerpt == "Chosen."
    assert len(got.excerpt) == 120 and got.excerpt.startswith("x x")


def test_an_html_post_excerpt_is_its_html_up_to_the_first_blank_line() -> None:
    got = parse_post(post("title: t", "<p>First <b>bold</b>.</p>\n\n<p>Second.</p>\n"), "posts/x.html")
    assert got.jekyll_excerpt == "First bold."


def test_an_excerpt_with_many_definitions_and_open_tags_is_read_in_one_pass() -> None:
    # Given a long first paragraph and thousands of definitions after it (Jekyll checks each one's
    # label against the excerpt), When parsed, Then it takes well under a second
    head = "[a] word " * 50_000
    definitions = "".join(f"[a{i}]: https://example.com/{i}\n" for i in range(20_000))
    start = time.process_time()
    got = parse_post(post("title: t", f"{head}\n\n[a]: https://example.com/a\n{definitions}"), "posts/x.md")
    assert time.process_time() - start < 2
    assert got.jekyll_excerpt.startswith("a word a word")


def test_an_excerpt_takes_its_link_definitions_after_a_footnotes_one() -> None:
    # the definitions Jekyll appends, a note's first: kramdown (Jekyll 4.3) reads the link after it
    body = "See [the page][0] now[^1].\n\nMore.\n\n[^1]: A note.\n[0]: https://example.com/page\n"
    got = parse_post(post("title: t", body), "posts/x.md")
    assert got.jekyll_excerpt == "See the page now1.\nA note."


@pytest.mark.parametrize(
    ("definitions", "excerpt"),
    [
        ('[d]: https://example.org/docs "Docs | Example"\n[h]: https://example.org/\n', "See the docs and home."),
        ('[h]: https://example.org/\n[d]: https://example.org/docs "Docs | Example"\n', "See the docs and home."),
    ],
)
def test_an_excerpts_link_definition_whose_title_holds_a_bar_is_a_definition(definitions: str, excerpt: str) -> None:
    # Jekyll 4.3.1 appends the definitions one a line, and kramdown reads each as a definition; a
    # blank line between them made the one with "|" in its title a table's row (the link unread)
    body = f"See [the docs][d] and [home][h].\n\nMore.\n\n{definitions}"
    assert parse_post(post("title: t", body), "posts/x.md").jekyll_excerpt == excerpt


def test_a_first_line_of_no_break_spaces_is_the_excerpt() -> None:
    # Jekyll 4.3 skips the blank lines after the front matter, but a no-break space is no blank
    got = parse_post(post("title: t", "\u00a0\n\n\u00a0\n\nReal text here.\n\nMore.\n"), "posts/x.md")
    assert got.jekyll_excerpt == ""
    got = parse_post(post("title: t", " \t\n\nReal text here.\n\nMore.\n"), "posts/x.md")
    assert got.jekyll_excerpt == "Real text here."


@pytest.mark.parametrize(
    ("data", "excerpt"),
    [
        (b"\n\nFirst words.\n\nMore.\n", ""),  # the separator opens the file: Jekyll's excerpt is empty
        (b" \n\nFirst words.\n\nMore.\n", ""),
        (b"\nFirst words.\n\nMore.\n", "First words."),
        (b"---\ntitle: t\n---\n\n\nFirst words.\n\nMore.\n", "First words."),  # front matter takes them
    ],
)
def test_a_file_without_front_matter_keeps_its_leading_blank_lines(data: bytes, excerpt: str) -> None:
    # Jekyll 4.3.1's post.excerpt: a dated file without front matter is its body from its first
    # byte; only the closing "---" of front matter takes the blank lines after it
    assert parse_post(data, "posts/2024-02-01-x.md", now=NOW).jekyll_excerpt == excerpt


def test_script_in_an_excerpt_is_no_text() -> None:
    got = parse_post(post("title: t", "Before <script>alert(1)</script> after.\n\nMore.\n"), "posts/x.md")
    assert got.jekyll_excerpt == "Before after."


# --- settings --------------------------------------------------------------------------------


def test_the_parse_settings_carry_the_sites_permalink_and_separator() -> None:
    env = {"STORE_QUEUE_URL": "q", "POSTDROP_SITE_PERMALINK": "pretty", "POSTDROP_SITE_EXCERPT_SEPARATOR": "\\n---\\n"}
    site = ParseSettings.from_env(env).site
    assert (site.permalink, site.excerpt_separator) == ("pretty", "\n---\n")
    default = ParseSettings.from_env({"STORE_QUEUE_URL": "q"}).site
    assert (default.permalink, default.excerpt_separator) == ("date", "\n\n")


# --- categories and tags -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "categories", "tags"),
    [
        # Jekyll keeps each category once, but every tag as listed: one listed twice is there twice
        ("categories: [p, q, p]\ntags: [m, n, m]", ["p", "q"], ["m", "n", "m"]),
        ("tags: m n m", [], ["m", "n", "m"]),
        # an empty one is kept (a null is not)
        ("categories: ['']\ntags: ['']", [""], [""]),
        ("categories: [p, '', q]\ntags: [m, null, '', n]", ["p", "", "q"], ["m", "", "n"]),
        ("category: ''\ntags: ''", [""], []),
        # Ruby's text of a value
        ("tags: [yes, 3]", [], ["true", "3"]),
        # each as written, its white space too (checked against Jekyll 4.3)
        ("categories: ['x  y', z]\ntags: ['one  two', ' three ']", ["x  y", "z"], ["one  two", " three "]),
        ("category: ' x  y '\ntag: ' one  two '", [" x  y "], [" one  two "]),
        # a string is split on ASCII white space alone, as Ruby's split: an ideographic space is a letter
        (
            'categories: "x\u3000y z"\ntags: "one\u3000two three\u00a0four\tfive"',
            ["x\u3000y", "z"],
            ["one\u3000two", "three\u00a0four", "five"],
        ),
        # a list in the tags is opened where it stands, its nulls dropped (Jekyll's flatten)
        ("tags:\n  - [one, two]\n  - [three, [four, null, '']]", [], ["one", "two", "three", "four", ""]),
        ("tags: [[one, two], one]", [], ["one", "two", "one"]),
    ],
)
def test_categories_and_tags_as_jekyll_lists_them(front: str, categories: list[str], tags: list[str]) -> None:
    got = parse_post(post(f"title: t\n{front}"), "posts/2026-05-01-a.md", default_zone="UTC")
    assert (got.categories, got.tags) == (categories, tags)


def test_a_category_written_with_two_spaces_keeps_them_in_the_url() -> None:
    got = parse_post(post("title: t\ncategories: ['x  y']"), "posts/2026-05-01-a.md", default_zone="UTC")
    assert got.url == "/x%20%20y/2026/05/01/a.html"  # Jekyll 4.3's url for this post


# --- title -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "title"),
    [
        # as Jekyll 4.3's post.title: white space as written, none folded
        ('"Scala 3.8  released!"', "Scala 3.8  released!"),
        ('"Scala\u00a03.8\u00a0released!"', "Scala\u00a03.8\u00a0released!"),
        ('"  lead and trail  "', "  lead and trail  "),
        ('"a\\tb\\nc"', "a\tb\nc"),
        ("plain  two   spaces", "plain  two   spaces"),
        (">\n  folded\n  two  lines", "folded two  lines\n"),
        ('"\u3000ideographic\u2003em"', "\u3000ideographic\u2003em"),
    ],
)
def test_a_title_keeps_its_white_space_as_jekyll_does(written: str, title: str) -> None:
    data = f"---\ntitle: {written}\n---\nBody.\n".encode()
    assert parse_post(data, "posts/2025-01-01-a.md", default_zone="UTC").title == title


def test_a_title_of_white_space_alone_is_none() -> None:
    # Jekyll keeps "  "; postdrop derives one (a post has a title), as for title: ''
    assert parse_post(b'---\ntitle: "  "\n---\nBody.\n', "posts/2025-01-08-a-b.md").title == "A B"


# --- tags, booleans in any letter case, the excerpt as Ruby prints it ----------------------------


@pytest.mark.parametrize(
    ("front", "tags"),
    [
        # Jekyll 4.3 reads `tags` as text or a list alone: a mapping is no tags
        ("tags: {a: 1}", []),
        # a single value is kept as written, on purpose (docs/reading.md: the producer's `tags: 2022`),
        # where Jekyll gives no tags for a number, a boolean or a date
        ("tags: 2022", ["2022"]),
        ("tags: tRuE", ["tRuE"]),
        # the singular key: false leaves the tags to be read (Ruby's ||=)
        ("tag: false\ntags: [a, b]", ["a", "b"]),
        ("tag: 42\ntags: [a, b]", ["42"]),
        # booleans in a list in any letter case, as Ruby's Psych reads them
        ("tags: [nO, tRuE, On, y]", ["false", "true", "true", "y"]),
    ],
)
def test_tags_as_jekyll_reads_them(front: str, tags: list[str]) -> None:
    got = parse_post(f"---\ntitle: t\n{front}\n---\nBody.\n".encode(), "posts/2025-02-01-a.md", default_zone="UTC")
    assert got.tags == tags


def test_a_slug_drops_the_file_names_trailing_dots() -> None:
    # Jekyll's populate_title cuts them (slug.gsub!(/\.*\z/, "")): post.slug and page.slug are "untitled"
    got = parse_post(post("title: t", "{{ page.slug }}\n"), "posts/2024-03-21-untitled...md", default_zone="UTC")
    assert (got.slug, got.text.strip(), got.url) == ("untitled", "untitled", "/2024/03/21/untitled.html")


@pytest.mark.parametrize(
    ("front", "categories", "url"),
    [
        # the singular key false is no category: Jekyll reads `categories` then (Ruby's ||=), and
        # finds none, so no `/false/` in the url
        ("category: false", [], "/2025/02/01/a.html"),
        ("category: No", [], "/2025/02/01/a.html"),
        ("category: false\ncategories: [Go, web]", ["Go", "web"], "/go/web/2025/02/01/a.html"),
        ("category: Go", ["Go"], "/go/2025/02/01/a.html"),
    ],
)
def test_a_false_category_is_none(front: str, categories: list[str], url: str) -> None:
    got = parse_post(f"---\ntitle: t\n{front}\n---\nBody.\n".encode(), "posts/2025-02-01-a.md", default_zone="UTC")
    assert (got.categories, got.url) == (categories, url)


def test_tags_given_by_defaults_as_a_mapping_are_none() -> None:
    site = Site(defaults=({"scope": {"path": ""}, "values": {"tags": {"a": 1}}},))
    assert parse_post(post("title: t"), "posts/2025-02-01-a.md", site=site).tags == []


@pytest.mark.parametrize("written", ["nO", "fAlSe", "oFf", "NO", "False", "off"])
def test_published_false_in_any_letter_case_is_unpublished(written: str) -> None:
    # Ruby's Psych reads yes/no/true/false/on/off in any case as booleans: Jekyll hides these posts
    got = parse_post(post(f"title: t\npublished: {written}"), "posts/2026-05-01-a.md", now=NOW)
    assert got.status == "unpublished"
    assert got.extra["published"] is False


@pytest.mark.parametrize("written", ["n", "N", "'no'", '"fAlSe"'])
def test_published_that_ruby_reads_as_text_is_published(written: str) -> None:
    assert parse_post(post(f"title: t\npublished: {written}"), "posts/2026-05-01-a.md", now=NOW).status == "published"


@pytest.mark.parametrize(
    ("front", "excerpt"),
    [
        # Jekyll's excerpt drop is the front matter's value's to_s: Ruby's inspect for a list or mapping
        ("excerpt: [a, b]", '["a", "b"]'),
        ("excerpt: {a: 1}", '{"a"=>1}'),
        (
            'excerpt: [1.0, 2.5e+20, "q\\"uote", {k: [v]}, null, true]',
            '[1.0, 2.5e+20, "q\\"uote", {"k"=>["v"]}, nil, true]',
        ),
        ("excerpt: true", "true"),
        ("excerpt: 42", "42"),
    ],
)
def test_an_excerpt_that_is_no_text_is_as_ruby_prints_it(front: str, excerpt: str) -> None:
    got = parse_post(post(f"title: t\n{front}", "Body.\n"), "posts/2025-03-01-a.md", default_zone="UTC")
    assert got.jekyll_excerpt == excerpt


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["2025-04-01 20:00.000000000 +08:00", '"2025-04-01 20:00.5 +08:00"'])
@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo"])
def test_a_zone_after_minutes_with_a_fraction_is_not_read(written: str, zone: str) -> None:
    # Ruby's Time.parse reads no zone after HH:MM.fraction: the wall time in the site's zone, as
    # Jekyll 4.3 dates this post (20:00 +09:00 with timezone: Asia/Tokyo)
    got = parse_post(post(f"title: t\ndate: {written}"), "posts/2025-04-01-a.md", default_zone=zone)
    offset = "+00:00" if zone == "UTC" else "+09:00"
    assert got.published_at == f"2025-04-01T20:00:00{offset}"


# --- headings made by Liquid ---------------------------------------------------------------------


def test_a_heading_markdownify_makes_has_its_id() -> None:
    body = '{{ "#### New site features" | markdownify }}\n\n## Other\n\n{{ "### C" | markdownify }}\n\n### C\n'
    got = parse_post(post("title: t", body), "posts/2025-06-01-a.md", default_zone="UTC")
    # as Jekyll 4.3: markdownify renders a page of its own, so its ids are counted apart from the post's
    assert [(h.level, h.id) for h in got.headings] == [(4, "new-site-features"), (2, "other"), (3, "c"), (3, "c")]
    assert '<h4 id="new-site-features">' in got.html


def test_a_heading_written_as_html_with_an_id_hides_no_markdown_heading() -> None:
    body = '<h2 id="setup">Setup</h2>\n\n## Setup\n'
    got = parse_post(post("title: t", body), "posts/2025-06-01-a.md", default_zone="UTC")
    assert [(h.level, h.id) for h in got.headings] == [(2, "setup"), (2, "setup")]  # Jekyll 4.3's


@pytest.mark.parametrize(
    ("body", "ids"),
    [
        # Jekyll 4.3: the Markdown heading is "notes" whether the HTML one of its text comes before or after
        ("## Notes\n\ntext\n\n<h2>Notes</h2>\n", ["notes", None]),
        ("<h2>Notes</h2>\n\ntext\n\n## Notes\n", [None, "notes"]),
        ("## Notes\n\n<h2>Notes</h2>\n\n## Notes\n", ["notes", None, "notes-1"]),
        ("Notes\n-----\n\n<h2>Notes</h2>\n\n## *Notes*\n", ["notes", None, "notes-1"]),
    ],
)
def test_an_html_heading_takes_no_id_from_a_markdown_heading_of_its_text(body: str, ids: list[str | None]) -> None:
    got = parse_post(post("title: t", body), "posts/2025-06-01-a.md", default_zone="UTC")
    assert [h.id for h in got.headings] == ids


# --- the site's kramdown settings ----------------------------------------------------------------


def test_the_sites_auto_id_prefix_starts_every_id_kramdown_makes() -> None:
    body = '## Setup\n\n## Setup\n\n<div markdown="1">\n### Inside\n</div>\n\n## Own {#own}\n'
    site = Site(kramdown={"auto_id_prefix": "heading-"})
    got = parse_post(post("title: t", body), "posts/2025-06-01-a.md", default_zone="UTC", site=site)
    # as Jekyll 4.3 with kramdown: {auto_id_prefix: heading-}: counted as before, the prefix put before
    assert [h.id for h in got.headings] == ["heading-setup", "heading-setup-1", "heading-inside", "own"]
    assert '<h2 id="heading-setup">' in got.html


def test_auto_ids_off_leaves_the_headings_without_ids_but_those_written() -> None:
    body = '## Setup\n\n## Own {#own}\n\n<h3 id="x">X</h3>\n'
    site = Site(kramdown={"auto_ids": False})
    got = parse_post(post("title: t", body), "posts/2025-06-01-a.md", default_zone="UTC", site=site)
    assert [h.id for h in got.headings] == [None, "own", "x"]
    assert "<h2>Setup</h2>" in got.html


def test_a_table_of_contents_shows_the_sites_toc_levels() -> None:
    body = "* list\n{:toc}\n\n# One\n\n## Two\n\n### Three\n"
    site = Site(kramdown={"toc_levels": "2..3"})
    got = parse_post(post("title: t", body), "posts/2025-06-01-a.md", default_zone="UTC", site=site)
    assert 'href="#one"' not in got.html
    assert 'href="#two"' in got.html and 'href="#three"' in got.html


_OFFSET_BODY = (
    "* toc\n{:toc}\n\n# One\n\n## Two\n\n<h2>Html</h2>\n\n"
    '<div markdown="1">\n### Inside\n</div>\n\n#### Four\n\n##### Five {#five}\n\n<h3 id="own">Own</h3>\n\n'
    "Setext\n------\n"
)


@pytest.mark.parametrize(
    ("kramdown", "headings", "toc"),
    [
        (  # a Markdown heading's level moves, kept within 1..6; one written in HTML keeps its own
            {"header_offset": 3},
            [(4, "one"), (5, "two"), (2, None), (6, "inside"), (6, "four"), (6, "five"), (3, "own"), (5, "setext")],
            ["one", "two", "inside", "four", "five", "setext"],
        ),
        (  # the table of contents reads the levels as written: toc_levels 2..3 is Two, Inside, Setext
            {"header_offset": "-1", "toc_levels": "2..3"},
            [(1, "one"), (1, "two"), (2, None), (2, "inside"), (3, "four"), (4, "five"), (3, "own"), (1, "setext")],
            ["two", "inside", "setext"],
        ),
        (
            {"header_offset": 1, "auto_ids": False},
            [(2, None), (3, None), (2, None), (4, None), (5, None), (6, "five"), (3, "own"), (3, None)],
            ["five"],
        ),
    ],
)
def test_the_sites_header_offset_moves_the_levels_of_the_headings_kramdown_makes(
    kramdown: dict[str, object], headings: list[tuple[int, str | None]], toc: list[str]
) -> None:
    # Jekyll 4.3.1 (kramdown 2.4) with each kramdown: block: the levels of post.content's headings,
    # and its {:toc} list (of kramdown's own headings alone)
    got = parse_post(
        post("title: t", _OFFSET_BODY), "posts/2025-06-01-a.md", default_zone="UTC", site=Site(kramdown=kramdown)
    )
    assert [(h.level, h.id) for h in got.headings] == headings
    assert [(int(m[1]), m[2]) for m in re.finditer(r'<h(\d)(?: id="([^"]*)")?>', got.html)] == headings
    assert [href for _depth, href, _id in toc_entries(got.html)] == [f"#{ident}" for ident in toc]


def test_the_header_offset_moves_the_headings_markdownify_makes_too() -> None:
    body = "{% capture x %}\n## From filter\n{% endcapture %}\n{{ x | markdownify }}\n\n# One\n\n<h2>Html</h2>\n"
    site = Site(kramdown={"header_offset": 1})
    got = parse_post(post("title: t", body), "posts/2025-06-01-a.md", default_zone="UTC", site=site)
    assert [(h.level, h.id) for h in got.headings] == [(3, "from-filter"), (2, "one"), (2, None)]


def test_a_table_of_contents_lists_no_heading_written_in_html() -> None:
    # kramdown lists its own headings; one written as HTML (with its id) is in the article, not the list
    body = '* toc\n{:toc}\n\n<h2 id="mine">Mine</h2>\n\n## Two\n\nText.\n\n### Three\n'
    front = "title: t\nexcerpt_separator: <!--more-->"  # the whole post is the excerpt, its list too
    got = parse_post(post(front, body), "posts/2025-06-01-a.md", default_zone="UTC")
    assert [href for _depth, href, _id in toc_entries(got.html)] == ["#two", "#three"]
    assert [h.id for h in got.headings] == ["mine", "two", "three"]
    assert got.jekyll_excerpt == "Two Three\nMine\nTwo\nText.\nThree"


@pytest.mark.parametrize(
    ("written", "offset"),
    [(3, 3), ("-2", -2), (" 1 ", 1), ("010", 8), ("0x2", 2), ("2.0", 0), (2.5, 0), (True, 0), (None, 0), ("two", 0)],
)
def test_the_header_offset_reads_as_rubys_integer(written: object, offset: int) -> None:
    # kramdown's Integer option: a text through Ruby's Integer() (a leading 0 is octal); one it
    # refuses fails the site's build, and postdrop keeps the default
    from postdrop.core.site import kramdown_of

    assert kramdown_of(Site(kramdown={"header_offset": written})).header_offset == offset


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, (True, "", frozenset(range(1, 7)), None)),
        ({"auto_ids": "false", "auto_id_prefix": "h-"}, (False, "h-", frozenset(range(1, 7)), None)),
        ({"toc_levels": "2"}, (True, "", frozenset({2}), None)),
        ({"toc_levels": [1, 3]}, (True, "", frozenset({1, 3}), None)),
        ({"toc_levels": "1..9"}, (True, "", frozenset(range(1, 7)), None)),  # kramdown refuses it
        (
            {"syntax_highlighter_opts": {"block": {"line_numbers": True, "start_line": 3}}},
            (True, "", frozenset(range(1, 7)), 3),
        ),
        (
            {"syntax_highlighter_opts": {"line_numbers": "nil"}},
            (True, "", frozenset(range(1, 7)), 1),
        ),  # Ruby: a string is true
        (
            {"syntax_highlighter_opts": {"line_numbers": True, "block": {"line_numbers": False}}},
            (True, "", frozenset(range(1, 7)), None),
        ),
        (
            {"syntax_highlighter_opts": {"disable": True, "block": {"line_numbers": True}}},
            (True, "", frozenset(range(1, 7)), None),
        ),
    ],
)
def test_the_kramdown_options_read_as_kramdown_reads_them(
    options: dict[str, object], expected: tuple[object, ...]
) -> None:
    from postdrop.core.site import kramdown_of

    got = kramdown_of(Site(kramdown=options))
    assert (got.auto_ids, got.auto_id_prefix, got.toc_levels, got.line_numbers) == expected


def test_numbered_code_blocks_show_their_numbers_in_the_excerpt() -> None:
    # Jekyll 4.3 with Chirpy's syntax_highlighter_opts (block line_numbers): every code block kramdown
    # highlights is rouge's table, whose numbers the excerpt's text shows; a highlight tag's is not,
    # nor is a block in a language rouge does not know
    body = (
        "Intro\n```python\na = 1\nb = 2\n```\n```nosuchlang\nc\n```\n"
        "{% highlight ruby %}\nd = 4\n{% endhighlight %}\n\n    indented\n\nAfter\n"
    )
    site = Site(kramdown={"syntax_highlighter_opts": {"block": {"line_numbers": True}}})
    got = parse_post(post("title: t", body), "posts/2025-06-01-a.md", default_zone="UTC", site=site)
    assert got.jekyll_excerpt.split() == ["Intro", "1", "2", "a", "=", "1", "b", "=", "2", "c", "d", "=", "4"]
    assert got.html.count("<table") == 2  # the python block's and the indented one's
    plain = parse_post(post("title: t", body), "posts/2025-06-01-a.md", default_zone="UTC")
    assert "1 2 a" not in " ".join(plain.jekyll_excerpt.split())
    assert " ".join(got.text.split()) == " ".join(plain.text.split())  # the text is the code alone


def test_numbered_code_spans_show_their_number_in_the_excerpt_alone() -> None:
    # Jekyll 4.3 with syntax_highlighter_opts: {line_numbers: nil} (the text "nil", true to Ruby):
    # each code span is rouge's table too, its excerpt text "1" then the code; the article keeps its span
    site = Site(kramdown={"syntax_highlighter_opts": {"line_numbers": "nil"}})
    got = parse_post(post("title: t", "Run `make` now.\n"), "posts/2025-06-01-a.md", default_zone="UTC", site=site)
    assert got.jekyll_excerpt.split() == ["Run", "1", "make", "now."]
    assert "<p>Run <code>make</code> now.</p>" in got.html


@pytest.mark.parametrize(
    "noise", ["## " + "[" * 100_000, "## " + "[a](" * 30_000, "x" * 200_000, "## a" + " #" * 50_000]
)
def test_the_order_scan_of_headings_written_both_ways_is_linear(noise: str) -> None:
    body = "<h2>A</h2>\n\n## A\n\n" + noise + "\n"
    start = time.process_time()
    got = parse_post(post("title: t", body), "posts/2025-06-01-a.md", default_zone="UTC")
    assert [h.id for h in got.headings][:2] == [None, "a"]
    assert time.process_time() - start < 2


def test_code_written_in_html_is_not_numbered() -> None:
    # kramdown leaves the HTML a post writes as it is: its <code> and <pre> get no rouge table
    body = "<p>Set <code>path</code> first.</p>\n\n<pre><code>as written\n</code></pre>\n\n```sh\nls\n```\n"
    site = Site(kramdown={"syntax_highlighter_opts": {"line_numbers": True}})
    got = parse_post(post("title: t", body), "posts/2025-06-01-a.md", default_zone="UTC", site=site)
    assert got.jekyll_excerpt.split()[:3] == ["Set", "path", "first."]
    assert got.html.count("<table") == 1  # the sh block's alone
