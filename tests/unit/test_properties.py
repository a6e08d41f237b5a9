"""Property-based tests: generated posts round-trip; no input raises anything but PostRejected."""

from __future__ import annotations

import random
import string
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postdrop import PostRejected, parse_post
from tests.conftest import corpus_files

_WORD_ALPHABET = string.ascii_letters + string.digits + "中文新闻财经滚动"
# Not YAML's null alone ("categories: NULL"): Jekyll reads no category there, and so does postdrop
# (test_front_matter.py::test_a_null_category_or_tag_is_none_as_jekyll_reads_it).
word = st.text(alphabet=_WORD_ALPHABET, min_size=1, max_size=12).filter(lambda w: w not in ("null", "Null", "NULL"))
# Producer titles: any printable text on one line, quotes included, unescaped. Not backslashes:
# where the block is still valid YAML they are YAML escapes, read as Jekyll reads them
# (test_front_matter.py::test_valid_yaml_is_read_as_yaml).
title = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn"), blacklist_characters="\x85\\"
        ),
        min_size=1,
        max_size=60,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
paragraph = (
    st.text(alphabet=_WORD_ALPHABET + "，。！？ ", min_size=1, max_size=80)
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: bool(s) and not s[0].isdigit())
)


@st.composite
def producer_post(draw: st.DrawFn) -> dict[str, object]:
    return {
        "title": draw(title),
        "date": draw(st.datetimes(min_value=datetime(1990, 1, 1))).replace(microsecond=0),
        "categories": draw(st.lists(word, min_size=1, max_size=3, unique=True)),
        "tags": draw(st.lists(word, min_size=1, max_size=3, unique=True)),
        "paragraphs": draw(st.lists(paragraph, min_size=1, max_size=5)),
        "url": draw(st.sampled_from(["", "https://news.example.org/a/1.html"])),
        "html": draw(st.booleans()),
    }


def _write(p: dict[str, object]) -> bytes:
    paragraphs = p["paragraphs"]
    assert isinstance(paragraphs, list)
    body = "".join(f"<p>{x}</p>" for x in paragraphs) if p["html"] else "\n\n".join(paragraphs)
    date = p["date"]
    return (
        f'---\nlayout: post\ntitle: "{p["title"]}"\ndate: {date:%Y-%m-%d %H:%M:%S} +0800\n'
        f"categories: {' '.join(p['categories'])}\ntags: {' '.join(p['tags'])}\n---\n"  # type: ignore[arg-type]
        f"{body}\n\n<{p['url']}>\n\n[返回新闻](//posts.example.org/emnews/)｜[返回首页](//posts.example.org/)"
    ).encode()


@settings(deadline=None)
@given(producer_post())
def test_generated_producer_posts_round_trip(p: dict[str, object]) -> None:
    got = parse_post(_write(p), "posts/2026-01-01-x.md")
    assert got.title == p["title"]
    assert got.published_at == f"{p['date']:%Y-%m-%dT%H:%M:%S}+08:00"
    assert got.categories == p["categories"]
    assert got.tags == p["tags"]
    assert got.text == "\n".join(p["paragraphs"])  # type: ignore[arg-type]
    assert got.source.url == (p["url"] or None)
    assert [link.href for link in got.links] == ["//posts.example.org/emnews/", "//posts.example.org/"]


@settings(deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_only_ever_raise_post_rejected(data: bytes) -> None:
    try:
        parse_post(data, "posts/x.md")
    except PostRejected as exc:
        assert exc.reason and "\n" not in exc.reason


@settings(deadline=None)
@given(st.binary(max_size=512).map(lambda b: b"---\n" + b))
def test_random_front_matter_only_ever_raises_post_rejected(data: bytes) -> None:
    try:
        parse_post(data, "posts/x.md")
    except PostRejected as exc:
        assert exc.reason


_CORPUS = [p.read_bytes() for p in corpus_files()] or [b"---\ntitle: t\n---\n<p>x</p>\n"]


def _mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        op = rng.randrange(4)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            del buf[pos : pos + rng.randint(1, 40)]
        elif op == 1:
            buf[pos:pos] = rng.choice([b"---\n", b'"', b"\\", b"\x00", b"\xff", b"<p>", b"\r", b": ", b"\t", b">"])
        elif op == 2 and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        else:
            buf[pos:pos] = buf[rng.randrange(len(buf) + 1) :][:60]
    return bytes(buf)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(_CORPUS))), st.integers(min_value=0, max_value=2**32))
def test_mutated_corpus_files_only_ever_raise_post_rejected(index: int, seed: int) -> None:
    data = _mutate(_CORPUS[index], random.Random(seed))
    try:
        got = parse_post(data, "posts/2022-01-01-x.md")
    except PostRejected as exc:
        assert exc.reason
    else:
        assert got.title and got.content_hash


# Pieces of kramdown's syntax, in the places a blog puts them: at a line's start (markers,
# indentation, fences, block HTML, a link definition) and inside it (emphasis, links, spans, code,
# math, line ends). A post joined from them at random reaches the reader's rules where they meet
# one another, which real posts do one blog at a time: a reference link over two lines inside
# emphasis made parse_post raise on a blog nobody here had seen; with it fixed, 80,000 posts joined
# at random from these pieces found another (a reference's label on the line below its text) in
# 19 of them (test_kramdown.py holds it). Few pieces, so that they meet often;
# HYPOTHESIS_PROFILE=thorough tries 5,000 posts.
_LINE_STARTS = [
    "", "", "", "- ", "* ", "1. ", "  ", "    ", "\t", " \t", "> ", ">\t", "## ", "| ", "|---|", "```", "$$",
    "<div>", "</div>", '<div markdown="1">', "<pre>", "</pre>", "<!--", "-->", "{% raw %}", "{% endraw %}",
    "[word ref]: http://e.com/a", "---", ": ", "{:toc}",
]  # fmt: skip
_INLINE = [
    "word", "中文", " ", " ", "*", "**", "_", "`", "[word", "ref][]", "[word ref]", "](x)", "<span>", "</span>",
    "<b>", "</b>", "$", "$$", "\\", "{: .c}", "|", "\n", "\n", "\n\n", "<!-- c -->", "&amp;", "<", ">",
]  # fmt: skip
kramdown_line = st.tuples(
    st.sampled_from(_LINE_STARTS), st.lists(st.sampled_from(_INLINE), max_size=12).map("".join)
).map("".join)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(kramdown_line, min_size=1, max_size=24))
def test_generated_kramdown_posts_are_read_or_rejected_never_raise(lines: list[str]) -> None:
    data = ("---\ntitle: t\n---\n" + "\n".join(lines) + "\n").encode()
    try:
        got = parse_post(data, "posts/2024-01-01-x.md")
    except PostRejected as exc:
        assert exc.reason
    else:
        assert got.title == "t" and got.content_hash
