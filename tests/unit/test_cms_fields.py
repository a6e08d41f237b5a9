"""The fields a CMS gives every post: updated_at, authors, lang, headings, image, word_count and
reading_minutes; each from the front matter where the author wrote it, derived otherwise."""

from __future__ import annotations

import time

import pytest

from postdrop import parse_post
from postdrop.core.reading import CHINESE_PER_MINUTE, JAPANESE_PER_MINUTE, WORDS_PER_MINUTE, reading_of
from tests.conftest import post

# --- headings ---------------------------------------------------------------------------------


def _headings(body: str, key: str = "posts/x.md") -> list[tuple[int, str, str | None]]:
    return [(h.level, h.text, h.id) for h in parse_post(post("title: t", body), key).headings]


def test_headings_have_kramdowns_gfm_ids_numbered_apart() -> None:
    body = "# Intro\n\n## Intro\n\n### Intro\n\n## Code `x_y` and *more*\n\n## 简介 -- 二\n"
    assert _headings(body) == [
        (1, "Intro", "intro"),
        (2, "Intro", "intro-1"),
        (3, "Intro", "intro-2"),
        (2, "Code x_y and more", "code-x_y-and-more"),
        (2, "简介 – 二", "简介--二"),  # the en dash kramdown's typography makes is dropped, the spaces are not
    ]


def test_a_written_id_is_kept() -> None:
    assert _headings("## Custom {#my-id}\n") == [(2, "Custom", "my-id")]


def test_a_heading_id_is_made_from_the_text_kramdown_reads() -> None:
    """An image at the end leaves the space before it (``badge-``); a footnote's mark is no text."""
    body = "# Badge ![b](b.svg)\n\n## Claim[^c] made\n\nText.\n\n[^c]: Source.\n"
    assert [h.id for h in parse_post(post("title: t", body), "posts/x.md").headings] == ["badge-", "claim-made"]


def test_a_heading_id_keeps_letter_numbers_as_rubys_word_characters() -> None:
    assert [h.id for h in parse_post(post("title: t", "# War Ⅱ\n\n## Ⓐ ½\n"), "posts/x.md").headings] == [
        "war-ⅱ",
        "ⓐ-",
    ]


def test_a_heading_id_lowers_a_capital_sigma_as_ruby_does() -> None:
    # Ruby's downcase has no final form: ΔΔΣ is δδσ to Jekyll (Python's lower() gives δδς); a ς written stays
    assert [h.id for h in parse_post(post("title: t", "# ΔΔΣ\n\n## λόγος\n"), "posts/x.md").headings] == [
        "δδσ", "λόγος"]  # fmt: skip


def test_headings_written_in_html_have_no_id_unless_written() -> None:
    body = '<h2>Raw</h2>\n\n<h3 id="kept">Raw with id</h3>\n\n## Markdown\n'
    assert _headings(body) == [(2, "Raw", None), (3, "Raw with id", "kept"), (2, "Markdown", "markdown")]


def test_headings_in_an_html_element_read_as_markdown_have_the_converters_ids() -> None:
    body = '<div markdown="1">\n## 1. First\n\n## 1. First\n\n## 中文\n</div>\n\n## First\n'
    assert _headings(body) == [
        (2, "1. First", "first"),
        (2, "1. First", "first-1"),
        (2, "中文", "section"),
        (2, "First", "first"),  # the GFM parser numbers its own apart
    ]


def test_an_html_post_has_only_the_ids_it_writes() -> None:
    body = '<h2>One</h2>\n<h2 id="two">Two</h2>\n'
    assert _headings(body, "posts/x.html") == [(2, "One", None), (2, "Two", "two")]


def test_a_heading_shown_in_code_is_not_taken_for_one_written_in_html() -> None:
    body = "```html\n<h2>Shown</h2>\n```\n\nSee `<h2>Span</h2>`.\n\n## Shown\n\n## Span\n"
    assert _headings(body) == [(2, "Shown", "shown"), (2, "Span", "span")]


def test_the_code_scan_for_written_headings_is_linear() -> None:
    # Given an HTML heading and 40,000 fence openers, backtick runs and tildes, When the headings
    # are read, Then the scan that drops code from the source takes well under a second
    from postdrop.core.headings import _written_in_html

    for noise in ("```\n" * 40_000, "`a " * 40_000, "```\n````\n" * 20_000, "~~~\n```x\n" * 20_000):
        start = time.process_time()
        assert _written_in_html(f"<h2>Kept</h2>\n{noise}") == {(2, "Kept"): 1}
        assert time.process_time() - start < 1


def test_a_heading_in_a_comment_is_not_taken_for_one_written_in_html() -> None:
    assert _headings("<!--<h2>History</h2>-->\n\n## History\n") == [(2, "History", "history")]


# --- image ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "image"),
    [
        ("image: /img/a.png", {"url": "/img/a.png", "alt": None}),
        ("image: /img/a.png\nimage_alt: An  alt", {"url": "/img/a.png", "alt": "An alt"}),
        ("image:\n  path: https://x.test/a.png\n  alt: A chart", {"url": "https://x.test/a.png", "alt": "A chart"}),
        ("cover: c.jpg", {"url": "c.jpg", "alt": None}),
        ("feature_image: f.jpg\nfeature_image_alt: F", {"url": "f.jpg", "alt": "F"}),
        ("image: a.png\ncover: c.jpg", {"url": "a.png", "alt": None}),
    ],
)
def test_the_front_matters_image(front: str, image: dict[str, str | None]) -> None:
    got = parse_post(post(f"title: t\n{front}", "![body](https://x.test/b.png)\n"), "posts/x.md")
    assert got.image is not None and got.image.model_dump() == image


def test_else_the_first_image_of_the_article_with_its_alt() -> None:
    body = 'Text.\n\n![A &amp; B](https://x.test/1.png "t")\n\n![second](https://x.test/2.png)\n'
    got = parse_post(post("title: t", body), "posts/x.md")
    assert got.image is not None and got.image.model_dump() == {"url": "https://x.test/1.png", "alt": "A & B"}


def test_an_unsafe_image_is_no_image() -> None:
    got = parse_post(post("title: t\nimage: javascript:alert(1)", "No images.\n"), "posts/x.md")
    assert got.image is None
    assert any(w.startswith("image:") for w in got.warnings)


def test_no_image() -> None:
    assert parse_post(post("title: t"), "posts/x.md").image is None


# --- authors and updated_at ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "authors"),
    [
        ("author: Jane Doe", ["Jane Doe"]),
        ("authors: [Jane, Joe]\nauthor: Jane", ["Jane", "Joe"]),
        ("author:\n  name: Jane\n  twitter: jd", ["Jane"]),
        ("authors:\n  - name: Jane\n  - Joe\n  - 7", ["Jane", "Joe", "7"]),
        ("author: true", []),
        ("title2: x", []),
    ],
)
def test_authors(front: str, authors: list[str]) -> None:
    assert parse_post(post(f"title: t\n{front}"), "posts/x.md").authors == authors


@pytest.mark.parametrize(
    ("front", "updated"),
    [
        ("last_modified_at: 2026-05-02 10:00:00 +0000", "2026-05-02T10:00:00+00:00"),
        ("updated: 2026-05-02", "2026-05-02T00:00:00+08:00"),
        ("lastmod: 2026-05-02T01:02:03Z\nupdated: 2020-01-01", "2020-01-01T00:00:00+08:00"),  # updated comes first
        ("", None),
    ],
)
def test_updated_at(front: str, updated: str | None) -> None:
    assert parse_post(post(f"title: t\n{front}"), "posts/x.md").updated_at == updated


def test_an_unusable_updated_date_is_a_warning() -> None:
    got = parse_post(post("title: t\nupdated: soon"), "posts/x.md")
    assert got.updated_at is None
    assert any(w.startswith("updated 'soon'") for w in got.warnings)


# --- lang, word_count, reading_minutes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "body", "lang"),
    [
        ("lang: fr_FR", "Hello.", "fr-FR"),
        ("lang: not a tag!", "Hello there.", "und-Latn"),
        ("", "城东新区本周一宣布启动整治行动，useful English words in between。", "zh"),
        ("", "これは日本語の文章です。漢字もかなも使います。", "ja"),
        ("", "안녕하세요. 오늘은 날씨가 좋습니다.", "ko"),
        ("", "Привет, мир. Это текст.", "und-Cyrl"),
        ("", "Ça va très bien, merci.", "und-Latn"),
        ("", "123 456", None),
    ],
)
def test_lang(front: str, body: str, lang: str | None) -> None:
    assert parse_post(post(f"title: t\n{front}", body + "\n"), "posts/x.md").lang == lang


@pytest.mark.parametrize(
    ("text", "words", "minutes"),
    [
        ("", 0, 0),
        ("one two three", 3, 1),
        ("a -- b | c", 3, 1),  # runs without a letter or digit are no words
        ("word " * WORDS_PER_MINUTE * 3, WORDS_PER_MINUTE * 3, 3),
        ("中" * CHINESE_PER_MINUTE * 2, CHINESE_PER_MINUTE * 2, 2),
        ("日本語のかな" * (JAPANESE_PER_MINUTE // 2), 6 * (JAPANESE_PER_MINUTE // 2), 3),
        ("用 Python 写", 3, 1),
        ("한국어 문장은 띄어 씁니다", 4, 1),  # Korean is written with spaces: counted in words
    ],
)
def test_word_count_and_reading_minutes(text: str, words: int, minutes: int) -> None:
    assert reading_of(text) == (words, minutes)


def test_a_post_carries_its_reading() -> None:
    got = parse_post(post("title: t", "Five words are right here.\n"), "posts/x.md")
    assert (got.word_count, got.reading_minutes) == (5, 1)
