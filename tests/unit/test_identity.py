"""post_id, slug and content_hash: identity from the key, hash from what a reader sees."""

from __future__ import annotations

import pytest

from postdrop import PostRejected, parse_post
from tests.conftest import post

BASE = post('title: "标题"\ndate: 2026-01-01 08:00:00 +0800\ncategories: a\ntags: b', "<p>正文</p>\n")


@pytest.mark.parametrize(
    ("key", "post_id", "slug"),
    [
        ("posts/2022-01-02-NW1.md", "2022-01-02-NW1", "NW1"),
        ("posts/2022/01/2022-01-02-NW1.md", "2022/01/2022-01-02-NW1", "NW1"),
        ("posts/notes.markdown", "notes", "notes"),
        ("posts/市场 快讯.md", "市场 快讯", "市场 快讯"),
        ("elsewhere/a.b.md", "elsewhere/a.b", "a.b"),
        ("posts/-2022.md", "-2022", "-2022"),
        ("posts/2016-8-2-one-digit.md", "2016-8-2-one-digit", "one-digit"),  # Jekyll reads one-digit months, days
    ],
)
def test_post_id_and_slug(key: str, post_id: str, slug: str) -> None:
    got = parse_post(BASE, key)
    assert (got.post_id, got.slug, got.key) == (post_id, slug, key)


def test_post_id_is_unique_per_folder() -> None:
    assert parse_post(BASE, "posts/a/x.md").post_id != parse_post(BASE, "posts/b/x.md").post_id


def test_an_empty_key_is_rejected() -> None:
    with pytest.raises(PostRejected, match="key is empty"):
        parse_post(BASE, "")


def test_hash_is_stable_and_ignores_where_the_file_lives() -> None:
    a = parse_post(BASE, "posts/a/x.md")
    assert a.content_hash == parse_post(BASE, "posts/a/x.md").content_hash
    assert a.content_hash == parse_post(BASE, "posts/b/x.md").content_hash
    assert len(a.content_hash) == 64


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"\xe6\xa0\x87\xe9\xa2\x98", "新标题".encode()),  # title
        (b"08:00:00", b"09:00:00"),  # date
        (b"categories: a", b"categories: c"),
        (b"tags: b", b"tags: b2"),
        ("正文".encode(), "正文改".encode()),
        (b"<p>", b'<p><img src="https://i.example.org/x.png">'),
        (b"---\n<p>", b"---\n> digest\n\n<p>"),
    ],
)
def test_hash_changes_with_any_field_a_reader_sees(old: bytes, new: bytes) -> None:
    changed = BASE.replace(old, new, 1)
    assert changed != BASE
    assert parse_post(changed, "posts/x.md").content_hash != parse_post(BASE, "posts/x.md").content_hash


def test_parse_post_takes_bytes_only() -> None:
    with pytest.raises(TypeError):
        parse_post("text", "posts/x.md")  # type: ignore[arg-type]


def test_a_key_not_in_nfc_is_one_post_of_its_own_and_says_so() -> None:
    import unicodedata

    data = b"---\ntitle: Caf\xc3\xa9\n---\nBody.\n"
    composed = "posts/2024-01-05-café.md"
    decomposed = unicodedata.normalize("NFD", composed)  # as macOS's HFS+ wrote the name
    mac, windows = parse_post(data, decomposed), parse_post(data, composed)
    assert mac.post_id != windows.post_id  # two keys in S3, two pages to Jekyll
    assert [w for w in mac.warnings if "NFC" in w] and not [w for w in windows.warnings if "NFC" in w]
    assert not parse_post(data, "posts/2024-01-05-市场.md").warnings  # CJK is NFC as written


def test_a_key_with_a_doubled_slash_names_the_post_without_it_and_says_so() -> None:
    data = b"---\ntitle: A\n---\nBody.\n"
    typo, written = parse_post(data, "posts//2024-01-05-a.md"), parse_post(data, "posts/2024-01-05-a.md")
    assert typo.post_id == written.post_id  # one post: the item shows posts/2024-01-05-a.md first (test_item)
    assert [w for w in typo.warnings if "empty folder name ('//')" in w] and not written.warnings
