"""Bytes in: encodings and line ends give the same post; what is not text is rejected."""

from __future__ import annotations

import gzip
import json

import pytest

from postdrop import PostRejected, parse_post
from tests.conftest import post

SAMPLE = post('title: "汇率小幅走高"\ndate: 2026-03-04 10:46:18 +0800', "第一段。\n\n第二段。\n")


@pytest.mark.parametrize(
    "variant",
    [
        SAMPLE,
        b"\xef\xbb\xbf" + SAMPLE,
        SAMPLE.replace(b"\n", b"\r\n"),
        SAMPLE.replace(b"\n", b"\r"),
        SAMPLE.replace(b"\n---\n", b"\r\n---\n", 1),  # mixed
        SAMPLE.decode().encode("gb18030"),
        SAMPLE.decode().encode("gbk"),
        SAMPLE.decode().encode("utf-16"),
    ],
    ids=["utf8", "utf8-bom", "crlf", "cr", "mixed", "gb18030", "gbk", "utf16-bom"],
)
def test_encodings_and_line_ends_give_the_same_post(variant: bytes) -> None:
    expected = parse_post(SAMPLE, "posts/a.md")
    got = parse_post(variant, "posts/a.md")
    assert got.title == "汇率小幅走高"
    assert got.text == "第一段。\n第二段。"
    if b"\r\n\r\n" in variant or b"\r\r" in variant:  # the body's blank line as written: not Jekyll's "\n\n"
        assert got.jekyll_excerpt == "第一段。\n第二段。"
        # and the author hears why their teaser became the whole post
        (said,) = (w for w in got.warnings if w not in expected.warnings)
        assert "line ends are not LF" in said and "jekyll_excerpt is the whole post" in said
        moved = {"jekyll_excerpt", "content_hash", "warnings"}
        assert got.model_dump(exclude=moved) == expected.model_dump(exclude=moved)
    else:
        assert got.content_hash == expected.content_hash
        assert got.jekyll_excerpt == "第一段。"
        assert not any("line ends" in w for w in got.warnings)


@pytest.mark.parametrize(
    ("separator", "body", "crlf_excerpt"),
    [
        ("<!--more-->", "one\n\ntwo <!--more--> three\n", "one\ntwo"),
        ("\n\n\n", "one\n\n\ntwo\n\nthree\n", "one\ntwo\nthree"),
    ],
    ids=["no-line-end", "line-ends"],
)
def test_jekyll_looks_for_the_excerpt_separator_in_the_line_ends_as_written(
    separator: str, body: str, crlf_excerpt: str
) -> None:
    """A separator without a line end is found whatever the line ends; one with line ends only
    where the file has those very characters (Jekyll's rule: a CRLF file's excerpt is all of it)."""
    lf = post(f"title: t\nexcerpt_separator: {json.dumps(separator)}", body)
    lf_excerpt = parse_post(lf, "posts/a.md").jekyll_excerpt
    assert lf_excerpt == ("one\ntwo" if separator == "<!--more-->" else "one")
    crlf = parse_post(lf.replace(b"\n", b"\r\n"), "posts/a.md")
    assert crlf.jekyll_excerpt == crlf_excerpt
    # a warning only where the line ends hid the separator
    assert any("line ends are not LF" in w for w in crlf.warnings) == (separator != "<!--more-->")


def test_gb18030_is_said_in_a_warning() -> None:
    got = parse_post(SAMPLE.decode().encode("gb18030"), "posts/a.md")
    assert any("GB18030" in w for w in got.warnings)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (SAMPLE[:20] + b"\x00\x01\x02" + SAMPLE[20:], "NUL byte at byte 20 (line 2)"),
        (b"\xff\xfe-\x00-\x00-", "UTF-16"),
        (b"---\ntitle: x\n---\n\x80\xff\xfe abc", "byte 17 (line 4) is not"),
        (b"---\n" + bytes(range(1, 32)) * 8 + b"\n---\n", "control characters"),
        # as files are saved and uploaded: Notepad's UTF-16 without its mark, a gzipped upload
        ("---\r\ntitle: x\r\n---\r\nBody.\r\n".encode("utf-16-le"), "UTF-16 without a byte order mark"),
        ("---\ntitle: x\n---\nBody.\n".encode("utf-16-be"), "UTF-16 without a byte order mark"),
        ("---\ntitle: 你好\n---\n中文的正文。\n".encode("utf-16-le"), "UTF-16 without a byte order mark"),
        (gzip.compress(SAMPLE), "the file is gzip-compressed (uploaded with Content-Encoding: gzip?)"),
    ],
)
def test_bytes_that_are_not_text_are_rejected_with_where(data: bytes, fragment: str) -> None:
    with pytest.raises(PostRejected) as info:
        parse_post(data, "posts/a.md")
    assert fragment in info.value.reason
    assert isinstance(info.value, ValueError)


def test_a_stray_control_character_is_removed_with_a_warning() -> None:
    got = parse_post(SAMPLE.replace("第一段".encode(), "第\x08一段".encode()), "posts/a.md")
    assert got.text.startswith("第一段")
    assert any("control character" in w and "line 5" in w for w in got.warnings)
