"""Every real post file parses, and its fields match what the file itself says.

The expectations come from reading each file with simple line rules of the producer's
format (independent of postdrop's parser), so a regression in any field shows up here.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import pytest

from postdrop import parse_post
from tests.conftest import corpus_files, requires_corpus

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = requires_corpus

FILES = corpus_files()
IDS = [p.name for p in FILES]


def _front(text: str, name: str) -> str | None:
    match = re.search(rf"^{name}:[ \t]*(.*)$", text, re.MULTILINE)
    return match.group(1).strip() if match else None


def _expected_date(raw: str | None, filename: str) -> str | None:
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?: \+0800)?", raw or "")
    if match:
        return f"{match[1]}T{match[2]}+08:00"
    name_date = re.match(r"(\d{4}-\d{2}-\d{2})-", filename)
    return f"{name_date[1]}T00:00:00+08:00" if name_date else None


def _strip_tags(s: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", s)).strip()


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_corpus_file_fields(path: Path) -> None:
    # Given a real post file
    raw = path.read_text(encoding="utf-8")
    # When it is parsed
    post = parse_post(path.read_bytes(), f"posts/{path.name}")
    # Then every field the file states comes out as stated
    title = (_front(raw, "title") or "").strip('"')
    if title:
        assert post.title == title
    else:
        assert post.title and any("title" in w for w in post.warnings)
    assert post.published_at == _expected_date(_front(raw, "date"), path.name)
    assert post.categories == (_front(raw, "categories") or "").split()
    assert post.tags == (_front(raw, "tags") or "").split()
    assert post.layout == "post"
    assert post.post_id == path.stem
    assert post.key == f"posts/{path.name}"

    url_line = re.search(r"^<([^<>]*)>$", raw, re.MULTILINE)
    assert post.source.url == (url_line[1] or None if url_line else None)
    back_links = re.findall(r"\[([^\]]+)\]\(([^)]+)\)", raw[url_line.end() :] if url_line else "")
    assert [(link.text, link.href) for link in post.links] == back_links

    digest = re.search(r"^> (.*)$", raw, re.MULTILINE)
    assert post.summary == (html.unescape(digest[1]).strip() if digest else None)

    source_name = re.search(r"（文章来源：(.*?)）</p>", raw)
    assert post.source.name == (_strip_tags(source_name[1]) if source_name else None)
    assert post.images == re.findall(r'<img src="([^"]+)"', raw)

    # And none of the structural parts leak into the article text
    assert post.text
    assert not re.search(r"<[a-zA-Z/!]", post.text), "markup leaked into text"
    assert "文章来源" not in post.text
    for link in post.links:
        assert link.text not in post.text
    if post.source.url:
        assert post.source.url not in post.text
    if post.summary:  # the digest is lifted out of the article (its first paragraph may repeat it)
        assert "<blockquote" not in post.html
    assert post.char_count == len(post.text.replace("\n", ""))
    assert "<script" not in post.html and "class=" not in post.html and "style=" not in post.html


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_corpus_crlf_and_bom_variants_give_the_same_post(path: Path) -> None:
    data = path.read_bytes()
    plain = parse_post(data, f"posts/{path.name}")
    crlf = parse_post(data.replace(b"\n", b"\r\n"), f"posts/{path.name}")
    bom = parse_post(b"\xef\xbb\xbf" + data, f"posts/{path.name}")
    gbk = parse_post(data.decode("utf-8").encode("gb18030"), f"posts/{path.name}")
    assert bom.content_hash == gbk.content_hash == plain.content_hash
    # Jekyll looks for the excerpt's "\n\n" in the file as written: with CRLF the excerpt is all of it
    different = {"warnings", "jekyll_excerpt", "content_hash"}
    assert crlf.model_dump(exclude=different) == plain.model_dump(exclude=different)
    assert len(crlf.jekyll_excerpt) >= len(plain.jekyll_excerpt)


def test_the_specified_post_has_its_sections() -> None:
    path = next(p for p in FILES if p.name == "2022-01-02-NW202201022234222555.md")
    post = parse_post(path.read_bytes(), f"posts/{path.name}")
    assert [s.heading for s in post.sections] == [
        None,
        "开启服务序幕，党员下沉“出真功”",
        "“百日”是起点，长效是目标",
        "织密网格组织，夯实“红色堡垒”",
    ]
    assert post.sections[0].paragraphs[0].startswith("近日来，荔湾区充分发挥")
    assert post.source.name == "南方Plus"
    assert post.categories == ["nanfangPlus"]


def test_a_bold_lead_sentence_is_a_paragraph_not_a_heading() -> None:
    path = next(p for p in FILES if p.name == "2022-01-07-202201072239307540.md")
    post = parse_post(path.read_bytes(), f"posts/{path.name}")
    headings = [s.heading for s in post.sections]
    assert "雪球类信托计划产品发行按下暂停键" in headings
    assert not any(h and h.endswith("。") for h in headings)


def test_the_dateless_post_is_stored_with_a_null_date_and_a_derived_title() -> None:
    path = next(p for p in FILES if p.name == "-202205262391921712.md")
    post = parse_post(path.read_bytes(), f"posts/{path.name}")
    assert post.published_at is None
    assert post.title.startswith("据霍尼韦尔官网消息")
    assert any("published_at is null" in w for w in post.warnings)
    assert post.slug == "-202205262391921712"
