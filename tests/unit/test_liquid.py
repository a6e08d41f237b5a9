"""The Liquid step: a post's Liquid rendered as Jekyll renders it, before Markdown."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from postdrop import NormalizedPost, PostRejected, parse_post
from postdrop.core.liquid import post_url_of
from postdrop.core.site import Site
from tests.conftest import REPO

FRONT = "title: Liquid sample\ndate: 2021-03-04 05:06:07 +0000\ncategories: notes"


def parse(body: str, *, site: Site | None = None, key: str = "posts/2021-03-04-liquid-sample.md") -> NormalizedPost:
    return parse_post(f"---\n{FRONT}\n---\n{body}".encode(), key, site=site)


def test_page_and_site_variables_and_url_filters() -> None:
    got = parse(
        "Read *{{ page.title }}* on {{ site.title }}: [here]({{ '/about/' | relative_url }}), "
        "[there]({{ site.baseurl }}/x) and [abs]({{ 'y' | absolute_url }}).",
        site=Site(url="https://blog.example.org", baseurl="/b", title="Example Blog"),
    )
    assert got.text == "Read Liquid sample on Example Blog: here, there and abs."
    assert [link["href"] for link in _links(got.html)] == ["/b/about/", "/b/x", "https://blog.example.org/b/y"]


def _links(html: str) -> list[dict[str, str]]:
    from selectolax.lexbor import LexborHTMLParser

    return [{k: v or "" for k, v in a.attributes.items()} for a in LexborHTMLParser(html).css("a")]


@pytest.mark.parametrize(
    ("permalink", "url"),
    [("", "/notes/2021/03/04/liquid-sample.html"), ("permalink: /p/:title/\n", "/p/liquid-sample/")],
    ids=["site-default", "own-permalink"],
)
def test_page_url_is_the_posts_url_without_the_baseurl(permalink: str, url: str) -> None:
    """Jekyll's page.url is post.url (its permalink, its categories), relative: themes add the baseurl."""
    body = "At {{ page.url }}, linked as {{ page.url | relative_url }}."
    got = parse_post(f"---\n{FRONT}\n{permalink}---\n{body}".encode(), "posts/2021-03-04-liquid-sample.md",
                     site=Site(baseurl="/b"))  # fmt: skip
    assert got.text == f"At {url}, linked as /b{url}."


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("posts/2021-03-04-liquid-sample.md", "_posts/2021-03-04-liquid-sample.md"),
        ("posts/tech/2021-03-04-liquid-sample.md", "_posts/tech/2021-03-04-liquid-sample.md"),
        ("posts/blog/_posts/2021-03-04-liquid-sample.md", "blog/_posts/2021-03-04-liquid-sample.md"),
    ],
)
def test_page_path_is_the_posts_path_in_its_site_its_folders_too(key: str, path: str) -> None:
    # Jekyll 4.3 gives a post in _posts/tech/ the page.path _posts/tech/2021-03-04-probe.md
    got = parse("{{ page.path }} and {{ page.relative_path }}", key=key)
    assert got.text == f"{path} and {path}"


def test_split_drops_the_empty_strings_at_its_end_as_ruby_does() -> None:
    # Jekyll 4.3: "a,,b," split on "," is a, "", b; on " " runs of spaces are one cut
    got = parse(
        '{{ "a,,b," | split: "," | size }} {{ "a,,b," | split: "," | join: "+" }} {{ "x  y " | split: " " | size }}'
    )
    assert got.text == "3 a++b 2"


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ('{{ "8px" | plus: 2 }}', "10"),  # text is Ruby's to_i: its leading integer
        ('{{ "2,500" | times: 2 }}', "4"),
        ('{{ "3e2" | minus: 1 }}', "2"),
        ('{{ ".25" | plus: 1 }}', "1"),
        ('{{ "1_024" | plus: 0 }}', "1024"),
        ('{{ "9" | modulo: "4 left" }}', "1"),  # arguments too
        ('{{ "2.6cm" | ceil }} {{ "2.6" | ceil }}', "2 3"),  # "2.6" alone is a decimal
        ('{{ "1.25" | round: "1 place" }}', "1.3"),
        ('{{ "x" | at_least: 2 }}', "2"),
    ],
)
def test_math_filters_read_text_as_ruby_liquids_to_number(markup: str, shown: str) -> None:
    # Jekyll 4.3 (Liquid 5.4): Utils.to_number; python-liquid gave 0 or an error for some
    assert parse(markup).text == shown


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ("{{ 2.5 | round }} {{ -2.5 | round }} {{ 0.5 | round }}", "3 -3 1"),  # a tie away from zero
        ("{{ 0.125 | round: 2 }} {{ 1.005 | round: 2 }}", "0.13 1.01"),  # the float's shortest text, exact
        ("{{ 7 | divided_by: 2.0 | round }}", "4"),  # a reading time's minutes
        ("{{ 25 | round: -1 }} {{ 1234.56 | round: -2 }}", "30 1200"),
        ("{{ 2.0 | round: 1 }} {{ 3 | round: 2 }}", "2.0 3"),
        ("{{ nil | round }} {{ 2.5 | round: nil }}", "0 3"),
    ],
)
def test_round_rounds_as_ruby_liquid_does(markup: str, shown: str) -> None:
    # Jekyll 4.3 (Liquid 5.4): BigDecimal's ROUND_HALF_UP; Python's round gave 2 for 2.5
    assert parse(markup).text == shown


def test_the_excerpts_page_is_jekylls_excerpt_drop() -> None:
    # Jekyll 4.3 renders the excerpt with its own page: id "...#excerpt", path ".../#excerpt", no excerpt
    got = parse("Here {{ page.id }} at {{ page.path }} [{{ page.excerpt }}].\n\nIn the body {{ page.id }}.")
    own = "/notes/2021/03/04/liquid-sample#excerpt at _posts/2021-03-04-liquid-sample.md/#excerpt"
    assert got.jekyll_excerpt == f"Here {own} []."
    assert got.text.endswith("In the body /notes/2021/03/04/liquid-sample.")


def test_a_whole_body_excerpt_naming_its_page_is_rendered_as_the_excerpt() -> None:
    front = "---\ntitle: Whole\nexcerpt_separator: <!--cut-->\n---\n"
    got = parse_post(f"{front}All of it: {{{{ page.relative_path }}}}.".encode(), "posts/2021-03-04-liquid-sample.md")
    assert got.jekyll_excerpt == "All of it: _posts/2021-03-04-liquid-sample.md/#excerpt."
    assert got.text == "All of it: _posts/2021-03-04-liquid-sample.md."


def test_raw_keeps_its_text_verbatim() -> None:
    got = parse("Write `{% raw %}{{ page.title }}{% endraw %}` to show the title.")
    assert got.text == "Write {{ page.title }} to show the title."


_NO_LIQUID: dict[str, Any] = {"scope": {"path": "", "type": "posts"}, "values": {"render_with_liquid": False}}


@pytest.mark.parametrize("defaults", [(), (_NO_LIQUID,)])
def test_render_with_liquid_false_leaves_the_body_and_excerpt_as_written(defaults: tuple[dict[str, Any], ...]) -> None:
    # Jekyll 4 renders no Liquid in such a post (checked against Jekyll 4.3): its text shows the tags
    front = "" if defaults else "render_with_liquid: false\n"
    body = "Show {{ page.title }} and {% raw %}a{% endraw %}.\n\nThen {% if true %}b{% endif %}.\n"
    data = f"---\ntitle: Kept\n{front}---\n{body}"
    got = parse_post(data.encode(), "posts/2021-03-04-kept.md", site=Site(defaults=list(defaults)))
    assert got.text == "Show {{ page.title }} and {% raw %}a{% endraw %}.\nThen {% if true %}b{% endif %}."
    assert got.jekyll_excerpt == "Show {{ page.title }} and {% raw %}a{% endraw %}."
    assert not [w for w in got.warnings if "Liquid" in w]


def test_render_with_liquid_other_than_false_renders_liquid() -> None:
    for value in ("true", '"false"', "0"):  # only YAML's false turns it off, as Jekyll's == false
        data = f"---\ntitle: On\nrender_with_liquid: {value}\n---\nShow {{{{ page.title }}}}.\n"
        assert parse_post(data.encode(), "posts/2021-03-04-on.md").text == "Show On."


def test_highlight_is_a_code_block_whose_lines_are_code() -> None:
    got = parse("Before.\n\n{% highlight ruby %}\n# not a heading\n<html>\n\ndef x = 1\n{% endhighlight %}\n\nAfter.")
    assert got.text.split("\n") == ["Before.", "# not a heading <html> def x = 1", "After."]
    assert "<pre><code># not a heading\n&lt;html&gt;\n\ndef x = 1</code></pre>" in got.html
    assert "<h1" not in got.html


def test_highlight_with_linenos_is_rouges_table_of_line_numbers_and_code() -> None:
    # Jekyll 4.3: a one-row table in the code, the numbers in a <pre> of their own, the code in another
    # with a line end after its last line; the text is the code's alone
    got = parse(
        "Before.\n\n{% highlight ruby linenos %}\n# not a heading\n<html>\n\ndef x = 1\n{% endhighlight %}\n\nAfter."
    )
    assert got.text.split("\n") == ["Before.", "# not a heading <html> def x = 1", "After."]
    assert got.html == (
        "<p>Before.</p><figure><pre><code><table><tbody><tr><td><pre>1\n2\n3\n4\n</pre></td>"
        "<td><pre># not a heading\n&lt;html&gt;\n\ndef x = 1\n</pre></td></tr></tbody></table></code></pre></figure>"
        "<p>After.</p>"
    )


@pytest.mark.parametrize(
    ("markup", "table"),
    [
        ("ruby linenos", True),
        ("ruby linenos=table", True),
        ("ruby linenos=inline", True),  # rouge writes the table for any value
        ("ruby linenos=false", True),
        ('Ruby   mark_lines="1 2"  linenos  ', True),
        ("c++ linenos", True),
        ("ruby", False),
        ("ruby LINENOS", False),  # an option by another name
        ("linenos", False),  # the language's name
        ("ruby linenos=1-3", False),  # not Jekyll's syntax (its build stops there)
    ],
)
def test_linenos_is_read_as_jekylls_highlight_tag_reads_it(markup: str, table: bool) -> None:
    got = parse(f"{{% highlight {markup} %}}\nx = 1\n{{% endhighlight %}}\n")
    assert got.text == "x = 1"
    assert ("<table>" in got.html) is table


def test_post_url_and_link_give_jekylls_default_permalinks() -> None:
    got = parse(
        "See [a]({% post_url 2019-12-24-categories-and-tags %}) [b]({% link _posts/2018-01-02-release.md %}) "
        "[c]({% link _docs/history.md %}) [d]({% link about.md %})",
        site=Site(baseurl="/blog"),
    )
    hrefs = [link["href"] for link in _links(got.html)]
    assert hrefs == [
        "/blog/2019/12/24/categories-and-tags.html",
        "/blog/2018/01/02/release.html",
        "/blog/docs/history.html",
        "/blog/about.html",
    ]
    assert post_url_of("not-a-dated-name") is None
    # a file name's year of two or three digits, as Jekyll reads it for the post's own url
    assert post_url_of("24-1-5-short") == "/2024/01/05/short.html"
    assert post_url_of("124-1-5-old.md") == "/0124/01/05/old.html"


def test_include_and_unknown_tags_render_nothing_with_a_warning() -> None:
    got = parse("One {% include note.html text='x' %} two {% gist 5555251 %} three {% youtube abc %}{% endyoutube %}.")
    assert got.text == "One two three ."
    warnings = "\n".join(got.warnings)
    assert "{% include note.html %} dropped: postdrop has no includes (body line 1)" in warnings
    assert "unknown tag 'gist' (body line 1)" in warnings
    assert "unknown tag 'endyoutube'" in warnings


def test_a_liquid_error_is_a_warning_and_never_leaks_syntax() -> None:
    got = parse("Kept {{ page.title | }} text, {% if %}hidden{% endif %} and {{ 1 | divided_by: 0 }}more.")
    assert got.text == "Kept text, and more."
    assert sum("Liquid:" in w for w in got.warnings) == 3


def test_a_python_error_inside_a_filter_or_loop_is_a_liquid_error_of_that_part_alone() -> None:
    # (and cols: nil, which a fuzzer of filters and loops found)
    # python-liquid let these out as Python errors: parse_post failed on the post, on every attempt
    got = parse(
        "{{ page.title }}: {{ -99999999999 | date: '%Y' }}and {% for i in (1..5) limit: -5 %}{{ i }}{% endfor %}"
        "{% for i in (1..3) %}{{ i }}{% endfor %}.{% tablerow i in (1..2) cols: nil %}{{ i }}{% endtablerow %}"
    )
    assert got.text == "Liquid sample: and 123."
    assert [w for w in got.warnings if w.startswith("Liquid:")] == [
        "Liquid: year -1199 is out of range (body line 1); it renders nothing",
        "Liquid: Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize. (body line 1); it renders"
        " nothing",
        "Liquid: int() argument must be a string, a bytes-like object or a real number, not 'NoneType' (body line 1);"
        " it renders nothing",
    ]


def test_markup_the_lexer_cannot_read_is_removed_and_the_text_kept() -> None:
    got = parse("Start {{ page.title }} then {% unclosed tag\n\nnext paragraph")
    assert "{" not in got.text and "next paragraph" in got.text
    assert any("removed the Liquid markup" in w for w in got.warnings)


def test_site_data_a_post_cannot_have_is_empty_with_a_warning() -> None:
    got = parse("Posts:{% for p in site.posts %} {{ p.title }}{% endfor %} done.")
    assert got.text == "Posts: done."
    assert "Liquid: site.posts is empty (one post has no site around it)" in got.warnings


def test_jekyll_filters_on_page_data() -> None:
    got = parse(
        "{{ page.date | date_to_string }}; {{ page.date | date: '%Y' }}; {{ 'Hello, World!' | slugify }}; "
        "{{ page.categories | jsonify }}; {{ '<b>' | xml_escape }}; {{ page.slug }}"
    )
    assert got.text == "04 Mar 2021; 2021; hello-world; [“notes”]; <b>; liquid-sample"  # kramdown's quotes, as Jekyll's


def test_a_date_shows_as_jekylls_ruby_time_shows_it() -> None:
    got = parse("Posted {{ page.date }}, {{ page.date | date_to_xmlschema }}.")
    # its localtime: the site's zone (here the producer's, +0800), whatever offset was written
    assert got.text == "Posted 2021-03-04 13:06:07 +0800, 2021-03-04T13:06:07+08:00."


def test_a_runaway_loop_is_rejected_within_liquids_limits() -> None:
    with pytest.raises(PostRejected, match="Liquid in the body runs past postdrop's limits"):
        parse("{% for a in (1..100000) %}{% for b in (1..100000) %}x{% endfor %}{% endfor %}")


def test_a_post_without_liquid_never_imports_it() -> None:
    """Neither python-liquid nor postdrop's Liquid step loads for such a post, nor with the
    settings (which StoreFunction loads too)."""
    code = (
        "import sys; from postdrop import parse_post; import postdrop.config;"
        "parse_post(b'---\\ntitle: t\\n---\\nplain *text* only', 'posts/a.md');"
        "print('liquid' in sys.modules, 'postdrop.core.liquid' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO / "shared")
    assert out.stdout.strip() == "False False"


def test_an_opener_never_closed_is_not_handed_to_the_lexer() -> None:
    """python-liquid's lexer would search to the end of the body again from each unclosed
    opener; postdrop removes the markup instead, in one pass."""
    for body, what in [
        ("Text {{ " * 5000, "an output '{{' at body line 1 is never closed"),
        ("Text {% raw %}" * 5000, "a '{% raw %}' at body line 1 is never closed"),
        ("Text\n{% if x", "a tag '{%' at body line 2 is never closed"),
    ]:
        got = parse(body)
        assert "{" not in got.text and got.text.startswith("Text")
        assert f"Liquid: {what}; removed the Liquid markup and kept the text" in got.warnings


def test_liquid_warnings_stop_at_twenty_and_say_how_many_more() -> None:
    got = parse("".join(f"{{% tag{i} %}}" for i in range(50)) + " text")
    liquid = [w for w in got.warnings if w.startswith("Liquid:")]
    assert len(liquid) == 21
    assert liquid[-1] == "Liquid: 30 more problems like these"


def test_page_content_is_the_body_as_written() -> None:
    body = b"---\ntitle: t\n---\nfour words {{ page.content | number_of_words }}\n"
    got = parse_post(body, "posts/2020-01-01-t.md")
    assert got.text == "four words 7"  # as Jekyll counts it: the Liquid as written is words too


def test_number_of_words_counts_as_jekyll_does_in_each_mode() -> None:
    # Jekyll 4.3's own counts of these lines (built with it): a run between ASCII white space is a
    # word (U+3000 is none); with "cjk" each Han, kana and Hangul character is one, and so is each
    # run of other characters (the prolonged sound mark and the middle dot are no kana)
    mixed, plain, marks = (
        "Hello 世界 こんにちは 안녕하세요 world\u3000wide x y",
        "Hello world\u3000wide x",
        ("カタカナー・ひらがな、漢字〇々。ㄱㄴ 123abc"),
    )
    lines = [f"{{{{ '{mixed}' | number_of_words }}}}", f"{{{{ '{mixed}' | number_of_words: 'cjk' }}}}",
             f"{{{{ '{mixed}' | number_of_words: 'auto' }}}}", f"{{{{ '{plain}' | number_of_words: 'auto' }}}}",
             f"{{{{ '{marks}' | number_of_words: 'cjk' }}}}", "{{ 'a b' | number_of_words: 'other' }}"]  # fmt: skip
    got = parse_post(("---\ntitle: t\n---\n" + "\n\n".join(lines) + "\n").encode(), "posts/2020-01-01-t.md")
    assert got.text.split("\n") == ["7", "16", "16", "3", "18", "2"]
    # and normalize_whitespace folds Ruby's white space, not U+3000 (Jekyll: "a\u3000 b c")
    spaced = parse_post("---\ntitle: t\n---\n[{{ ' a\u3000 b  c ' | normalize_whitespace }}]\n".encode(), "posts/t.md")
    assert spaced.html == "<p>[a\u3000 b c]</p>"


def test_the_files_own_limits_reached_inside_liquid_reject_it() -> None:
    # a PostRejected is a ValueError: a Liquid tag must not turn it into a warning and read on
    from postdrop.budget import ReadTooLong, cpu_limit

    long_break_lines = "{% capture s %}" + "a\\\\\n" * 100_001 + "{% endcapture %}{{ s | markdownify }}"
    with pytest.raises(PostRejected, match="the Markdown body has 100,001 lines"):  # markdownify's, as the body's
        parse(long_break_lines)
    # one loop under Liquid's iteration limit (nested ones reach it first, a race with the CPU budget)
    loop = "{% for i in (1..90000) %}{{ i | plus: 1 | times: 3 | minus: 2 | modulo: 7 }}{% endfor %}"
    with pytest.raises(ReadTooLong), cpu_limit(0.05):
        parse(loop)


def _page(front: str, body: str, *, key: str = "posts/2021-03-04-liquid-sample.md", zone: str = "UTC") -> str:
    return parse_post(f"---\n{front}\n---\n{body}".encode(), key, default_zone=zone).html


def test_page_id_is_jekylls_the_folder_of_the_url_then_the_slug() -> None:
    assert _page("title: t", "[{{ page.id }}]") == "<p>[/2021/03/04/liquid-sample]</p>"
    # the front matter's slug is the page's slug (and its id's end); its id is not Jekyll's id
    assert _page("title: t\nslug: own\nid: 7", "[{{ page.id }}] [{{ page.slug }}]") == "<p>[/2021/03/04/own] [own]</p>"
    assert _page("title: t\npermalink: /p/:title/", "[{{ page.id }}]") == "<p>[/p/liquid-sample]</p>"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # a plain YAML timestamp is a Time in Jekyll: Ruby's Time#to_s, at the offset written
        ("2020-07-08T09:10:11+02:00", "2020-07-08 09:10:11 +0200"),
        ("2020-07-08 09:10:11.5 -3", "2020-07-08 09:10:11 -0300"),
        ("2020-07-08T09:10:11Z", "2020-07-08 09:10:11 UTC"),
        # without an offset YAML reads it as UTC; Jekyll shows it in the site's zone
        ("2020-07-08 09:10:11", "2020-07-08 18:10:11 +0900"),
        # quoted, or a day alone, it is text
        ("'2020-07-08T09:10:11+02:00'", "2020-07-08T09:10:11+02:00"),
        ("2020-07-08", "2020-07-08"),
    ],
)
def test_a_yaml_time_in_the_front_matter_shows_as_rubys_time(value: str, shown: str) -> None:
    got = _page(f"title: t\nedited: {value}", "[{{ page.edited }}]", zone="Asia/Tokyo")
    assert got == f"<p>[{shown}]</p>"


def test_page_date_shows_in_the_sites_zone() -> None:
    # Jekyll's date is its localtime: in the site's zone, whatever offset it was written with
    got = _page("title: t\ndate: 2020-07-08 09:10:11 +0000", "[{{ page.date }}]", zone="Asia/Tokyo")
    assert got == "<p>[2020-07-08 18:10:11 +0900]</p>"


@pytest.mark.parametrize(
    ("liquid", "shown"),
    [
        ("{{ page.date | date: '%s' }}", "1588939690"),  # the time's own epoch seconds, not the machine's reading
        ("{{ page.date | date: '%%s %s' }}", "%s 1588939690"),
        ("{{ page.date | date_to_string: 'ordinal' }}", "8th May 2020"),
        ("{{ page.date | date_to_string: 'ordinal', 'US' }}", "May 8th, 2020"),
        ("{{ page.date | date_to_long_string: 'ordinal' }}", "8th May 2020"),
        ("{{ page.date | date_to_long_string }}", "08 May 2020"),
        ("{{ 'Ça va, Zoë_x!' | slugify }}", "ça-va-zoë-x"),
        ("{{ 'Ça va, Zoë_x!' | slugify: 'pretty' }}", "ça-va,-zoë_x!"),
        ("{{ 'Ça va, Zoë_x!' | slugify: 'latin' }}", "ca-va-zoe-x"),
        ("{{ 'Ça va, Zoë_x!' | slugify: 'ascii' }}", "a-va-zo-x"),
        ("{{ 'Ça va, Zoë_x!' | slugify: 'raw' }}", "ça-va,-zoë_x!"),
        ("{{ 'Ça va' | slugify: 'none' }}", "ça va"),
        ("{{ page.tags | jsonify }}", '["p","q"]'),  # Ruby's to_json: no spaces
        ("{{ 'abcdef' | truncate: 2 }}", "..."),  # Ruby's Liquid: the ellipsis counts, nothing left of the text
        ("{{ 'abcdef' | truncate: 5 }}", "ab..."),
        (
            "{{ page.name }}|{{ page.ext }}|{{ page.collection }}|{{ page.draft }}|{{ page.relative_path }}",
            "2020-05-08-f.md|.md|posts|false|_posts/2020-05-08-f.md",
        ),
    ],
)
def test_jekyll_filters_and_page_fields_as_jekyll_shows_them(liquid: str, shown: str) -> None:
    front = "title: t\ndate: 2020-05-08 12:08:10 +0000\ntags: [p, q]"
    got = parse_post(f"---\n{front}\n---\n<p>[{liquid}]</p>\n".encode(), "posts/2020-05-08-f.md", default_zone="UTC")
    assert got.html == f"<p>[{shown}]</p>"


def test_a_hash_and_a_nested_list_output_as_rubys_liquid_writes_them() -> None:
    from selectolax.lexbor import LexborHTMLParser

    post = parse_post(
        b"---\ntitle: Hash sample\nauthor: {name: Jo, n: 3, f: 1.5, ok: true, z: ~, l: [1, 'x'], s: 'a\"b#{c}'}\n"
        b"list: [a, ~, true, [1, [2, 3]], {k: v}]\nimage: {path: /a.png, alt: A}\n---\n"
        b"`{{ page.author }}`\n\n`{{ page.list }}`\n\n`{{ page.image | join: ',' }}`\n\n"
        b"`{% for pair in page.image %}<{{ pair }}>{% endfor %}`\n\n`{{ page.list | join: '-' }}`\n\n"
        b"`{{ page.image | inspect }}`\n",
        "posts/2021-03-04-hash-sample.md",
    )
    codes = [node.text() for node in LexborHTMLParser(post.html).css("code")]
    assert codes == [
        '{"name"=>"Jo", "n"=>3, "f"=>1.5, "ok"=>true, "z"=>nil, "l"=>[1, "x"], "s"=>"a\\"b\\#{c}"}',
        'atrue123{"k"=>"v"}',
        '{"path"=>"/a.png", "alt"=>"A"}',
        "<path/a.png><altA>",
        'a--true-1-2-3-{"k"=>"v"}',
        "{&quot;path&quot;=&gt;&quot;/a.png&quot;, &quot;alt&quot;=&gt;&quot;A&quot;}",  # inspect: xml-escaped
    ]


def test_date_filter_epoch_seconds_in_the_sites_zone_and_rubys_fraction_fields() -> None:
    from selectolax.lexbor import LexborHTMLParser

    post = parse_post(
        b"---\ntitle: Epoch sample\ndate: 2015-03-01 09:05:07.25 +0100\n---\n"
        b"`{{ 1425200000 | date: '%F %T %z' }}` `{{ '1425200000' | date: '%H:%M' }}` "
        b"`{{ page.date | date: '%L|%N|%3N|%s|%%L' }}` `{{ 1.5 | date: '%Y' }}`\n",
        "posts/2015-03-01-epoch-sample.md",
        default_zone="Europe/Berlin",
    )
    codes = [node.text() for node in LexborHTMLParser(post.html).css("code")]
    # page.date has no fraction of a second: Jekyll reads the date back from Ruby's Time#to_s
    assert codes == ["2015-03-01 09:53:20 +0100", "09:53", "000|000000000|000|1425197107|%L", "1.5"]


def test_a_float_outputs_as_ruby_writes_it() -> None:
    post = parse_post(
        b"---\ntitle: Float sample\nbig: 1.0e+20\nsmall: 0.00001\nr: 4.0\nl: [1.0e+20, 2.5]\n---\n"
        b"`{{ page.big }}|{{ page.small }}|{{ page.r }}|{{ page.l }}|{{ page.l | join: ',' }}`\n",
        "posts/2015-03-01-float-sample.md",
    )
    assert post.text == "1.0e+20|1.0e-05|4.0|1.0e+202.5|1.0e+20,2.5"
