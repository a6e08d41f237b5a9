"""Front matter as Jekyll reads it, plus recovery of the producer's unescaped titles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postdrop import PostRejected, parse_post
from postdrop.core.frontmatter import _fast_load, _load_yaml
from tests.conftest import post


def test_leading_blank_lines_are_tolerated_with_a_warning() -> None:
    got = parse_post(b"\n\n" + post('title: "t"'), "posts/a.md")
    assert got.title == "t"
    assert any("skipped 2 blank line(s)" in w for w in got.warnings)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"just text\n", "no front matter: line 1 should be '---'"),
        (b"\n\nplain\n", "no front matter: line 3"),
        (b"---\ntitle: x\nbody never closed\n", "opened at line 1 is never closed"),
        (b"---\n- a\n- b\n---\nbody", "is a YAML list, not a mapping"),
        (b"---\njust a scalar\n---\nbody", "is a YAML str, not a mapping"),
        (b"---\ntitle: x\n  nested: [unclosed\n---\nbody", "not valid YAML at line 3"),
    ],
)
def test_files_that_cannot_be_posts_are_rejected_saying_which_and_where(data: bytes, fragment: str) -> None:
    with pytest.raises(PostRejected) as info:
        parse_post(data, "posts/a.md")
    assert fragment in info.value.reason


def test_yaml_broken_after_its_first_document_is_read_up_to_there_as_jekyll_does() -> None:
    # Ruby's Psych stops at the end of the first document: the second line, left of the first,
    # would open another one, so Jekyll has the title and no tags
    got = parse_post(b'---\n title: "Indented: by one"\ntags: [a, b]\n---\nbody\n', "posts/2020-01-02-x.md")
    assert got.title == "Indented: by one"
    assert got.tags == []
    assert any("not valid YAML at line 3; read what comes before it" in w for w in got.warnings)


@pytest.mark.parametrize(
    "broken",
    ["title: Deploying: a guide", "description: it is: broken", 'title: "He said "no""'],
)
def test_a_list_written_in_brackets_beside_a_broken_line_is_still_a_list(broken: str) -> None:
    # Given front matter YAML refuses for one line, with categories and tags written as [a, b]
    front = f'layout: post\n{broken}\ncategories: [devops, aws]\ntags: [lambda, "s3 events", 00]'
    # When it is read line by line
    got = parse_post(post(front), "posts/_posts/2026-11-08-a.md")
    # Then each list is its items, as YAML reads them, not words of the brackets' text
    assert (got.categories, got.tags) == (["devops", "aws"], ["lambda", "s3 events", "00"])
    assert got.url == "/devops/aws/2026/11/08/a.html"
    assert any("recovered it line by line" in w for w in got.warnings)


@pytest.mark.parametrize("depth", [2, 1_000, 100_000])
def test_nested_brackets_beside_a_broken_line_are_text_or_rejected_never_a_crash(depth: int) -> None:
    data = post(f"title: Deploying: a guide\ntags: {'[' * depth}{']' * depth}")
    try:
        got = parse_post(data, "posts/_posts/2026-11-08-a.md")
    except PostRejected as rejected:  # a tag past its cap
        assert "characters long" in rejected.reason
    else:
        assert got.tags == ["[" * depth + "]" * depth]  # the text written, as before the lists were read


@pytest.mark.parametrize(
    ("title_line", "expected"),
    [
        ('title: "分析师称"稳中求进"仍是主基调"', '分析师称"稳中求进"仍是主基调'),
        ('title: "He said "no" twice"', 'He said "no" twice'),
        ('title: "a "quoted": colon"', 'a "quoted": colon'),
        ('title: "bad escape \\d here"', "bad escape \\d here"),
    ],
)
def test_unescaped_titles_come_out_as_the_producer_meant(title_line: str, expected: str) -> None:
    got = parse_post(
        post(f"layout: post\n{title_line}\ndate: 2026-03-06 16:20:00 +0800\ncategories: emnews"), "posts/a.md"
    )
    assert got.title == expected
    assert got.categories == ["emnews"]
    assert got.published_at == "2026-03-06T16:20:00+08:00"
    assert got.warnings


def test_unknown_keys_go_to_extra_as_given() -> None:
    got = parse_post(
        post("title: t\nauthor: 某某\nweight: 3\ndraft: false\nmeta: {a: [1, 2]}\nwhen: 2026-01-01"), "posts/a.md"
    )
    assert got.extra == {"author": "某某", "weight": 3, "draft": False, "meta": {"a": [1, 2]}, "when": "2026-01-01"}


@pytest.mark.parametrize(
    ("front", "categories", "tags"),
    [
        ("categories: emnews\ntags: 滚动新闻", ["emnews"], ["滚动新闻"]),
        ("categories: a b\ntags: x  y", ["a", "b"], ["x", "y"]),
        ("categories: [a b, c]\ntags: [x]", ["a b", "c"], ["x"]),
        ("category: solo one\ntag: t1", ["solo one"], ["t1"]),
        ("categories: a\ncategory: b\ntags: [1, 2.5]", ["a", "b"], ["1", "2.5"]),
        ("categories: a a\ntags:", ["a"], []),
        # Jekyll reads tag before tags, and then not tags; category and categories both
        ("tags: [x, y]\ntag: z\ncategories: [c1, c2]\ncategory: [c3, c1]", ["c1", "c2", "c3"], ["z"]),
        ("tags: x y\ntag:\ncategory: one two", ["one two"], ["x", "y"]),
        ("tags: x y\ntag: [p q, r]", [], ["p q", "r"]),
    ],
)
def test_categories_and_tags_follow_jekyll(front: str, categories: list[str], tags: list[str]) -> None:
    got = parse_post(post(f"title: t\n{front}"), "posts/a.md")
    assert (got.categories, got.tags) == (categories, tags)


@pytest.mark.parametrize("title", ['title: ""', "title:", "", "title: '   '"])
def test_a_missing_title_is_derived_with_a_warning(title: str) -> None:
    got = parse_post(post(title, "> 据报道，某公司今日宣布扩产。后续还有更多。\n\n<p>正文。</p>\n"), "posts/a.md")
    assert got.title == "据报道，某公司今日宣布扩产。"
    assert any("title is missing" in w for w in got.warnings)


@pytest.mark.parametrize(
    ("title_line", "expected"),
    [
        ('title: "a \\"quoted\\" word"', 'a "quoted" word'),
        ('title: "path C:\\new\\table"', "path C:\new\table"),  # \n and \t are YAML escapes, kept as Jekyll keeps them
        ("title: 'it''s'", "it's"),
    ],
)
def test_valid_yaml_is_read_as_yaml(title_line: str, expected: str) -> None:
    got = parse_post(post(f"{title_line}\ndate: 2026-03-06 16:20:00 +0800"), "posts/a.md")
    assert got.title == expected
    assert not any("recovered" in w for w in got.warnings)


def test_a_dated_post_with_no_title_takes_jekylls_title_from_the_slug() -> None:
    got = parse_post(b"---\n---\nFirst line of the body.\n", "posts/2016-05-20-codeblocks-ahoy.md")
    assert got.title == "Codeblocks Ahoy"
    assert "title is missing or empty; took 'Codeblocks Ahoy' from the file name, as Jekyll does" in got.warnings


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("2021-06-02--pinned--note-.md", " Pinned  Note"),  # Ruby's split("-") keeps the empty words
        ("2021-06-02-draft-.md", "Draft"),  # but not those after the last word
        ("2021-06-02-a-.-.md", "A ."),
    ],
)
def test_the_slugs_title_keeps_the_spaces_of_doubled_dashes_as_jekylls_titleize_slug(name: str, title: str) -> None:
    assert parse_post(b"---\nlayout: post\n---\nBody.\n", f"posts/{name}").title == title


def test_an_undated_file_with_no_title_takes_the_bodys_first_sentence() -> None:
    got = parse_post("---\n---\n第一句话在这里。第二句。\n".encode(), "posts/notes.md")
    assert got.title == "第一句话在这里。"
    assert any("from the body" in w for w in got.warnings)


def test_a_dated_file_without_front_matter_is_a_post_as_in_jekyll() -> None:
    got = parse_post(b"Some Heading\n============\n\nBody text.\n", "posts/2019-08-13-wide-images.md")
    assert got.title == "Wide Images"
    assert got.published_at == "2019-08-13T00:00:00+08:00"
    assert got.text == "Some Heading\nBody text."
    assert any(w.startswith("no front matter: read as Jekyll reads a dated post file") for w in got.warnings)


def test_an_undated_file_without_front_matter_is_still_rejected() -> None:
    with pytest.raises(PostRejected, match="no front matter: line 1 should be '---'"):
        parse_post(b"Some notes.\n", "posts/notes.md")


@pytest.mark.parametrize(
    ("front", "title", "tags"),
    [
        ("title: yes\ntags: 00", "yes", ["00"]),
        ("title: 1.10\ntags: on off", "1.10", ["on", "off"]),
        ("title: null\ntags: 2022", "null", ["2022"]),
    ],
)
def test_text_fields_keep_the_text_written_not_a_yaml_type(front: str, title: str, tags: list[str]) -> None:
    got = parse_post(post(front), "posts/a.md")
    assert (got.title, got.tags) == (title, tags)


@pytest.mark.parametrize("null", ["null", "~", "Null", "NULL"])
def test_a_null_category_or_tag_is_none_as_jekyll_reads_it(null: str) -> None:
    # Jekyll 4.3: category: null gives no category, and its url no /null/ folder
    got = parse_post(post(f"title: t\ncategory: {null}\ntags: {null}"), "posts/2024-05-06-a.md", default_zone="UTC")
    assert (got.categories, got.tags, got.url) == ([], [], "/2024/05/06/a.html")
    got = parse_post(post(f"title: t\ncategories: {null}\ntag: {null}"), "posts/2024-05-06-a.md", default_zone="UTC")
    assert (got.categories, got.tags) == ([], [])


_fast_value = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30).map(
        lambda s: '"' + s + '"'
    ),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
        min_size=1,
        max_size=30,
    ),
)


_FAST_KEYS = ["title", "layout", "date", "categories", "category", "tags", "tag"]


@settings(deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_FAST_KEYS), _fast_value), min_size=1, max_size=6))
def test_the_fast_reader_and_libyaml_agree_whenever_the_fast_reader_answers(lines: list[tuple[str, str]]) -> None:
    block = "\n".join(f"{key}: {value}" for key, value in lines)
    fast = _fast_load(block)
    if fast is None:
        return
    slow = _load_yaml(block, 2, [])
    assert fast == slow


@pytest.mark.parametrize(
    "block", ["title: t\ncategory: false", "title: t\ntag: No", "tags: OFF\nlayout: a", "title: no"]
)
def test_a_false_word_is_read_as_libyaml_reads_it(block: str) -> None:
    # libyaml's False: `category: false` is no category to Jekyll, where the text "false" was one
    fast = _fast_load(block)
    assert fast is None or fast == _load_yaml(block, 2, [])


def test_the_producers_block_takes_the_fast_reader() -> None:
    block = 'layout: post\ntitle: "离岸人民币"\ndate: 2021-12-08 10:46:18 +0800\ncategories: emnews\ntags: 东财滚动新闻'
    assert _fast_load(block) == {
        "layout": "post", "title": "离岸人民币", "date": "2021-12-08 10:46:18 +0800", "categories": "emnews",
        "tags": "东财滚动新闻",
    }  # fmt: skip


def test_a_yaml_alias_bomb_is_rejected_not_expanded() -> None:
    lines = ["title: t", 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join(['*' + chr(96 + i)] * 10)}]")
    with pytest.raises(PostRejected, match="more than 10000 values"):
        parse_post(post("\n".join(lines)), "posts/a.md")


def test_a_title_written_as_a_list_or_a_mapping_is_read_as_jekyll_prints_it_with_a_warning() -> None:
    # Jekyll's {{ page.title }} prints a list as its items joined; a mapping is no title a post can show
    got = parse_post(post("title: [Part, [One, Two]]"), "posts/2024-05-06-a-list.md", default_zone="UTC")
    assert got.title == "PartOneTwo"
    assert "title is a YAML list, not text; read as Jekyll prints it: 'PartOneTwo'" in got.warnings
    got = parse_post(post("title: {en: Hello}"), "posts/2024-05-06-a-map.md", default_zone="UTC")
    assert got.title == "A Map" and "title is a YAML mapping, not text; taken as no title" in got.warnings


def test_a_local_yaml_tag_on_a_value_is_dropped_as_psych_drops_it() -> None:
    # Psych reads a scalar under a tag it does not know as if untagged, and Jekyll keeps the post:
    # "!Important notes" is "notes", an empty "- !r" item is nil (no tag); postdrop rejected the post
    got = parse_post(post('title: !Important notes\ntags:\n - !r\n - b\n - !k "1.0"', "Body."), "posts/a.md")
    assert (got.title, got.tags) == ("notes", ["b", "1.0"])
    with pytest.raises(PostRejected, match="tag '!seq'"):  # on a list Psych refuses too
        parse_post(post("title: t\ntags: !seq\n  - a", "Body."), "posts/a.md")
