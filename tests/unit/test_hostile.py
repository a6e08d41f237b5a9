"""Hostile files end as rejections with a reason, before they can spend the function's time or memory.

Each fixture here is written for postdrop. What is asserted is the rejection and its reason, never a
time: `make bench` prints the worst case's CPU and memory beside the function's limits. Files that
are read, not rejected, are held to what ParseFunction itself enforces: the CPU time it gives a
file (postdrop.budget), which a quadratic reading of them passes many times over.
"""

from __future__ import annotations

import tracemalloc

import pytest

from postdrop import PostRejected, parse_post
from postdrop.budget import cpu_limit, cpu_seconds
from postdrop.core.body import render_markdown
from postdrop.core.frontmatter import MAX_NESTING, split_front_matter
from postdrop.core.limits import MAX_DEPTH, MAX_MARKDOWN_LINES
from postdrop.core.opaque.lines import LOOK_BACK_BUDGET, look_back_spent
from postdrop.core.site import Site
from postdrop.envelope import Envelope, PostHead
from postdrop.s3events import S3Change
from tests.conftest import corpus_files, jekyll_world_sites, kramdown_suite_files

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", "a", "b", "c", "d", "e", "f"], ["a", "b", "c", "d", "e", "f", "g"], strict=True)
)  # 9^7 = 4.8 million values from 300 bytes


def _post(front: str, body: str = "Body.\n") -> bytes:
    return f"---\n{front}\n---\n{body}".encode()


_DOUBLED = "{{% assign s = {} %}}{{% for i in (1..26) %}}{{% {} %}}{{% endfor %}}{{{{ s | size }}}}"
_TEN = "'xxxxxxxxxx'"
_MEGABYTE = "{% assign s = 'xxxxxxxx' %}{% for i in (1..17) %}{% assign s = s | append: s %}{% endfor %}"

HOSTILE = {
    "aliases in title": (_post(LAUGHS + "title: *g"), "posts/a.md", "expands to more than 10000 values"),
    "aliases in tags": (_post(LAUGHS + "title: t\ntags: *g"), "posts/a.md", "expands to more than 10000 values"),
    "aliases in categories": (_post(LAUGHS + "title: t\ncategories: *f"), "posts/a.md", "expands to more than"),
    "aliases in an extra key": (_post(LAUGHS + "title: t\nseries: *g"), "posts/a.md", "expands to more than"),
    # PyYAML takes 60 to 90 bytes of memory a character: 2.4 MB of keys took 220 MB
    "300,000 keys of front matter": (_post("title: t\n" + "".join(f"k{i}: v\n" for i in range(300_000))), "posts/a.md",
                                     "front matter at line 1 is 3,188,900 characters long; postdrop reads front matters"
                                     " of at most 262,144"),
    "recursive alias": (_post("title: t\nloop: &x [*x]"), "posts/a.md", "refers to itself"),
    # 199 levels and more: parse_post read it, then StoreFunction's JSON reader (or, from 254,
    # ParseFunction's serializer) could not, and the file sat in a dead-letter queue, unannounced
    "front matter nested 220 deep": (_post("title: t\nx: " + "[" * 220 + "]" * 220), "posts/a.md",
                                     f"nests lists or mappings more than {MAX_NESTING} deep"),
    "front matter nested past YAML's own limit": (_post("title: t\nx: " + "[" * 1000 + "]" * 1000), "posts/a.md",
                                                  f"more than {MAX_NESTING} deep"),
    "an alias used deeper than it was written": (
        _post("title: t\na: &a " + "[" * 20 + "]" * 20 + "\nb: " + "[" * 13 + "*a" + "]" * 13), "posts/a.md",
        f"more than {MAX_NESTING} deep",
    ),
    "40,000 nested divs": (_post("title: t", "<div>" * 40_000 + "x" + "</div>" * 40_000), "posts/a.html",
                           f"more than {MAX_DEPTH} deep at line 1 of the body"),
    "80,000 nested quotes": (_post("title: t", ">" * 80_000 + " x\n"), "posts/a.md", f"more than {MAX_DEPTH} deep"),
    "deep lists": (_post("title: t", "".join("  " * i + "- x\n" for i in range(1200))), "posts/a.md", "deep"),
    "nested spans in markdown": (_post("title: t", "<span>" * 20_000 + "x"), "posts/a.md", "deep"),
    "200,000 one-word paragraphs": (_post("title: t", "x\n\n" * 200_000), "posts/a.md",
                                    "the Markdown body has 400,000 lines; postdrop reads at most 100,000"),
    # some 2 KB of memory each: 100,000 took 270 MB (a 256 MB function dies), in Markdown or HTML
    "100,000 headings": (_post("title: t", "# a\n" * 100_000), "posts/a.md",
                         "the body has 100,000 headings; postdrop reads at most 10,000 in one post"),
    "100,000 HTML headings": (_post("title: t", "<h2>a</h2>\n" * 100_000), "posts/a.html",
                              "the body has 100,000 headings; postdrop reads at most 10,000"),
    "four nested lists a line": (_post("title: t", "- - - - a\n" * 50_000), "posts/a.md",
                                 "the body opens 200,000 block quotes and list items, more than the 100,000 elements"),
    "100,000 Liquid outputs": (_post("title: t", "{{ x }}" * 100_000), "posts/a.md",
                               "Liquid tags and outputs, more than the 10,000 postdrop reads"),
    "a million guillemets on one line": (_post("title: t", "<<a " * 1_000_000), "posts/a.md",
                                         "more than 200,000 '<' (tags or guillemets)"),
    "a million closing guillemets on one line": (_post("title: t", "a>> " * 1_000_000), "posts/a.md",
                                                 "more than 100,000 places for one kramdown rewrite"),
    "150,000 attribute lists on one line": (_post("title: t", "_x_{: .c} " * 150_000), "posts/a.md",
                                            "more than 100,000 places for one kramdown rewrite"),
    # what the Markdown engine (in Rust) would keep in memory: 5 MB of each took 250 to 650 MB
    "five megabytes of strikethrough": (_post("title: t", "~~a " * 1_225_000), "posts/a.md",
                                        "the Markdown body has 2,450,000 marks of emphasis, links, code or tables"),
    "five megabytes of table cells": (_post("title: t", "|" * 4_900_000), "posts/a.md",
                                      "the Markdown body has 4,900,000 marks"),
    "a million nested lists on one line": (_post("title: t", "- " * 1_000_000 + "a"), "posts/a.md",
                                           "the body opens 1,000,000 block quotes and list items"),
    # each "$$" a place math may close: their positions were listed whole first (90 MB)
    "five megabytes of math marks": (_post("title: t", "$$" * 2_450_000), "posts/a.md",
                                     "more than 100,000 places where a code span, math or an HTML element may open"),
    "a million ordered items on one line": (_post("title: t", "1. " * 1_000_000 + "a"), "posts/a.md",
                                            "the body opens 1,000,000 block quotes and list items"),
    "nested quotes opened again on every line": (_post("title: t", (">" * 400 + " a\n\n") * 10_000), "posts/a.md",
                                                 "the body opens 4,000,000 block quotes and list items"),
    "a million kramdown line breaks": (_post("title: t", "a\\\\\n" * 1_000_000), "posts/a.md",
                                       "the Markdown body has 1,000,000 lines"),
    # Liquid that grows a value in a loop: each of these reached 640 MB and more (a 256 MB function
    # dies), and 40 doublings took the whole machine
    "a string doubled in a Liquid loop": (
        _post("title: t", _DOUBLED.format(_TEN, "assign s = s | append: s")), "posts/a.md",
        "Liquid in the body runs past postdrop's limits (local namespace",
    ),
    "a capture doubled in a Liquid loop": (
        _post("title: t", _DOUBLED.format(_TEN, "capture s %}{{ s }}{{ s }}{% endcapture")), "posts/a.md",
        "(local namespace limit reached)",
    ),
    "an array doubled in a Liquid loop": (
        _post("title: t", _DOUBLED.format("'a,b' | split: ','", "assign s = s | concat: s")),
        "posts/a.md", "(local namespace limit reached)",
    ),
    # a value made many times larger by one filter, out of variables within their limit
    "a join with a megabyte separator": (
        _post("title: t", _MEGABYTE + "{% assign a = s | slice: 0, 100000 | split: '' %}{{ a | join: s | size }}"),
        "posts/a.md",
        "('join' would make a value past",
    ),
    "a replace at a million places": (
        _post("title: t", _MEGABYTE + "{{ s | replace: 'x', s | size }}"), "posts/a.md",
        "('replace' would make a value past",
    ),
    "a chain of appends": (
        _post("title: t", _MEGABYTE + "{{ s" + " | append: s" * 24 + " | size }}"), "posts/a.md",
        "('append' made a value past",
    ),
    # python-liquid takes some 200 bytes of memory a character of markup: 5 MB in one output took 1.1 GB
    "a megabyte string in one Liquid output": (
        _post("title: t", "{{ '" + "x" * 1_000_000 + "' | size }}"), "posts/a.md",
        "the Liquid output at body line 1 is 1,000,015 characters long; postdrop reads at most 10,000",
    ),
    "one Liquid tag of 20,000 lines": (
        _post("title: t", "text\n{% liquid\n" + "assign x = 1\n" * 20_000 + "%}"), "posts/a.md",
        "the Liquid tag at body line 2 is",
    ),
    "thirty long Liquid outputs": (
        _post("title: t", ("{{ '" + "x" * 9_000 + "' | size }}\n") * 30), "posts/a.md",
        "the body's Liquid tags and outputs are 270,450 characters long in all; postdrop reads at most 200,000",
    ),
    # an offset that python-liquid walked in C, where no time limit reaches: 14 s of a core here
    "a Liquid loop offset far into a range": (
        _post("title: t", "{% for i in (1..300000000) offset: 299999990 %}{{ i }}{% endfor %}"), "posts/a.md",
        "(loop iteration limit reached)",
    ),
    # each line a list item over a fence: 350 MB and 7 s of a core before the element cap stopped it
    "a million lines of Markdown": (
        _post("title: t", "- a\n```\n" * 600_000), "posts/a.md",
        "the Markdown body has 1,200,000 lines; postdrop reads at most 100,000 in one post",
    ),
    "many blocks just under the depth": (
        _post("title: t", ("<div>" * 500 + "x" + "</div>" * 500 + "\n") * 200), "posts/a.html", "too deeply for",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_rejected_with_its_reason(name: str) -> None:
    data, key, says = HOSTILE[name]
    with pytest.raises(PostRejected) as caught:
        parse_post(data, key)
    assert says in caught.value.reason, caught.value.reason


def test_a_reversed_loop_over_a_long_range_is_rejected_before_it_is_listed() -> None:
    # python-liquid listed the range whole to reverse it (30 million: some 1 GB) before the loop
    # limit rejected it; a 256 MB function died first
    tracemalloc.start()
    try:
        with pytest.raises(PostRejected, match="loop iteration limit reached"):
            parse_post(_post("title: t", "{% for i in (1..30000000) reversed %}{{ i }}{% endfor %}"), "posts/a.md")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"{peak:,} bytes"


def test_front_matter_as_deep_as_postdrop_reads_goes_through_the_envelope_and_back() -> None:
    deepest = "[" * (MAX_NESTING - 1) + "x" + "]" * (MAX_NESTING - 1)
    post = parse_post(_post(f"title: t\nx: {deepest}\ny: {{a: {{b: [1, 2]}}}}"), "posts/a.md")
    change = S3Change(bucket="b", key="posts/a.md", kind="created", event_name="ObjectCreated:Put", sequencer="1")
    envelope = Envelope(action="upsert", post_id=post.post_id, change=change, post=post, head=PostHead.of(post))
    assert Envelope.model_validate_json(envelope.body).post == post  # as StoreFunction reads it
    assert post.extra["y"] == {"a": {"b": [1, 2]}}


def test_an_integer_past_pythons_digits_in_front_matter_is_kept_as_written() -> None:
    # Python converts at most 4,300 digits: libyaml's integer was a ValueError out of parse_post
    got = parse_post(_post("title: t\nserial: " + "9" * 100_000 + "\ntags: [a]", "Text.\n"), "posts/a.md")
    assert got.title == "t" and got.tags == ["a"] and got.text == "Text."


def test_many_liquid_variables_and_a_loop_of_assigns_are_read_in_the_functions_time() -> None:
    # the measure of a post's variables, if summed at each assign, makes this quadratic (280 s of a core)
    body = "".join(f"{{% assign v{i} = {i} %}}" for i in range(3_000))
    body += "{% for i in (1..99999) %}{% assign x = i %}{% endfor %}{{ x }}"
    with cpu_limit(cpu_seconds(30_000, 256)):
        assert parse_post(_post("title: t", body), "posts/a.md").text == "99999"


@pytest.mark.parametrize(
    "body",
    [
        "<div>" * 100 + "deep but fine" + "</div>" * 100,
        "".join(f"<p>paragraph {i}" for i in range(5000)),  # unclosed paragraphs close themselves
        "<ul>" + "<li>item" * 3000 + "</ul>",
        "\n\n".join("> " * 20 + f"quote {i}" for i in range(200)),
    ],
)
def test_ordinary_nesting_is_read(body: str) -> None:
    assert parse_post(_post("title: t", body), "posts/a.html").text


# Lines each of which sent a search to the end of its quote or of the post: 16,000 of them took
# 30 to 130 s of a core (as the construct repeats, quadratically); they take 0.1 to 0.6 s now.
# And as many lines as postdrop reads (MAX_MARKDOWN_LINES), each looking back over the lines above
# it (whether a list item there takes it): a hundred lines a line, 4 to 12 s of a core for these
# before the looks of one post had a budget (postdrop.core.opaque.lines.LOOK_BACK_BUDGET).
_LONGEST = MAX_MARKDOWN_LINES
REPEATED_LINES = {  # name: (the lines, how many lines in all)
    "a fence opened in a quote on every line": ("> ```x\n", 16_000),
    "fences in a quote between comments": ("> ```x\n<!--\n", 32_000),
    "a comment opened on every line": ("<!--x\n", 16_000),
    "comments closed before text": ("<!-- x -->term\n\n", 32_000),
    "comments opened under a paragraph": ("a\n<!-- x\n", 32_000),
    "a fence opened in a list item on every line": ("- ```x\n", 16_000),
    "a fence under a fence": ("```\n", _LONGEST),
    "a tilde fence under a tilde fence": ("~~~\n", _LONGEST),
    "a fence under a line of text": ("a\n```\n", _LONGEST),
    "an indented line under a line of text": ("a\n    b\n", _LONGEST),
    "a link definition under a link definition": ("[a]: /b\n", _LONGEST),
    "quoted fences between comments, as many as postdrop reads": ("> ```x\n<!--\n", _LONGEST),
}


@pytest.mark.parametrize("name", sorted(REPEATED_LINES))
def test_a_construct_repeated_on_every_line_is_read_in_the_functions_time(name: str) -> None:
    unit, lines = REPEATED_LINES[name]
    data = _post("title: t", unit * (lines // unit.count("\n")))
    with cpu_limit(cpu_seconds(30_000, 256)):  # ParseFunction's own limit at the template's size; past it, ReadTooLong
        parse_post(data, "posts/a.md")


def test_real_posts_spend_a_fraction_of_the_look_back_budget() -> None:
    """Past the budget a look goes back a few lines only, and reads lists differently: no post of
    ../shared's blogs, kramdown's suite or the corpus comes near it."""
    files = corpus_files() + kramdown_suite_files() + [p for ps in jekyll_world_sites().values() for p in ps]
    if not files:
        pytest.skip("../shared is not here")
    spent = {}
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        try:
            render_markdown(split_front_matter(text, [], required=False).body)
        except PostRejected:
            continue
        spent[path.name] = look_back_spent()
    assert max(spent.values()) < LOOK_BACK_BUDGET // 5, max(spent.items(), key=lambda item: item[1])


# An open tag with no ">" anywhere after it: each search from a "<" to the next ">" went to the
# text's end, again from the next "<" (a thousand of them in 2 MB: 1.5 to 4 s of a core reading it,
# 72 s counting its nesting). Found by the reader-9 helper's fuzzing.
@pytest.mark.parametrize("tag", ["div", "code", "pre", "script"])
def test_open_tags_never_closed_by_a_gt_are_read_in_the_functions_time(tag: str) -> None:
    data = _post("title: t", (f"<{tag} " + "a/" * 995 + "\nx\n") * 2_000)
    with cpu_limit(cpu_seconds(30_000, 256)):
        parse_post(data, "posts/a.md")


def test_headings_written_both_ways_under_a_toc_and_a_header_offset_are_read_in_the_functions_time() -> None:
    # each heading's origin (kramdown's, or written in HTML with its id) is read once: a {:toc}
    # lists kramdown's alone, and the site's header_offset moves their levels
    # (as many as postdrop reads: MAX_HEADINGS)
    body = "* toc\n{:toc}\n\n" + "".join(f'<h2 id="h{i}">A</h2>\n\n## A {{#m{i}}}\n\n' for i in range(5_000))
    site = Site(kramdown={"header_offset": 2})
    with cpu_limit(cpu_seconds(30_000, 256)):
        got = parse_post(_post("title: t", body), "posts/a.md", site=site)
    assert len(got.headings) == 10_000 and got.headings[1].level == 4


def test_a_long_permalink_and_url_filters_of_percents_and_non_ascii_are_read_in_the_functions_time() -> None:
    # the site's url sends the post's path and each url filter's through Addressable's normalize,
    # decoded and encoded again once, segment by segment
    permalink = "/%zz%41é a?b=%2b c&" * 8_000 + "#" + "%e2%82%ac/" * 8_000  # within the front matter cap
    body = "".join(f'{{{{ "/x{i}/%41 é?q=%2b#f" | absolute_url }}}}\n' for i in range(4_000))  # within Liquid's caps
    site = Site(url="https://example.com", baseurl="/b")
    with cpu_limit(cpu_seconds(30_000, 256)), pytest.raises(PostRejected, match="url is 304,022 characters long"):
        parse_post(_post(f'title: t\npermalink: "{permalink}"', body), "posts/2020-01-02-a.md", site=site)
    with cpu_limit(cpu_seconds(30_000, 256)):
        got = parse_post(_post("title: t", body), "posts/2020-01-02-a.md", site=site)
    assert got.text.startswith("https://example.com/b/x0/A%20%C3%A9?q=%2B#f")


@pytest.mark.parametrize("unit", ["{: ", "# ", "= "])
def test_five_megabytes_of_short_words_are_read_in_bounded_memory(unit: str) -> None:
    # the text's white space folded, and its words counted, through a list of a string a word
    # (1.6 to 2.5 million here): 180 to 210 MB of Python's memory before postdrop.core.spaces, where a
    # 256 MB ParseFunction has some 160 for a read (the function itself holds about 80)
    tracemalloc.start()
    try:
        post = parse_post(_post("title: t", unit * (4_900_000 // len(unit))), "posts/a.md")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert post.char_count > 3_000_000
    assert peak < 128 * 1024 * 1024, f"{peak:,} bytes"
