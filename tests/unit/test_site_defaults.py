"""_config.yml's ``defaults:`` (Site.defaults): the front matter a scope gives each post under it,
as Jekyll's FrontmatterDefaults merges it."""

from __future__ import annotations

from typing import Any

import pytest

from postdrop import parse_post
from postdrop.core.site import Site, folder_categories, front_matter_defaults, site_path_of, with_defaults


def _site(*sets: Any) -> Site:
    return Site(defaults=list(sets))


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("posts/2024-01-01-a.md", "_posts/2024-01-01-a.md"),
        ("posts/tech/2024-01-01-a.md", "_posts/tech/2024-01-01-a.md"),
        ("posts/_posts/tech/2024-01-01-a.md", "_posts/tech/2024-01-01-a.md"),  # a whole site synced
        ("posts/blog/_posts/2024-01-01-a.md", "blog/_posts/2024-01-01-a.md"),
        ("posts/_drafts/a.md", "_drafts/a.md"),
    ],
)
def test_a_key_is_a_path_in_the_site(key: str, path: str) -> None:
    assert site_path_of(key) == path


def test_scopes_by_type_and_path_the_longer_path_winning() -> None:
    site = _site(
        {"scope": {"path": "_posts/tech"}, "values": {"layout": "tech", "author": "T"}},
        {"scope": {"path": "", "type": "posts"}, "values": {"layout": "post", "lang": "en"}},
        {"scope": {"type": "pages"}, "values": {"layout": "page"}},
        {"scope": {"type": "post"}, "values": {"toc": True}},  # Jekyll's old name of the type
        {"values": {"comments": False}},  # no scope: every file
        {"scope": {"path": "_posts/tech"}},  # no values: not a set
        "not a set",
    )
    assert front_matter_defaults(site, "posts/tech/2024-01-01-a.md") == {
        "layout": "tech", "author": "T", "lang": "en", "toc": True, "comments": False,
    }  # fmt: skip
    assert front_matter_defaults(site, "posts/2024-01-01-a.md")["layout"] == "post"


def test_a_path_scope_is_a_prefix_of_the_text_and_a_glob_matches_a_folder() -> None:
    site = _site(
        {"scope": {"path": "_posts/te"}, "values": {"a": 1}},
        {"scope": {"path": "_posts/*/deep"}, "values": {"b": 2}},
        {"scope": {"path": "**/*.markdown"}, "values": {"c": 3}},
        {"scope": {"path": "_posts/{x,y}/*"}, "values": {"d": 4}},
        {"scope": {"path": "_posts/{x,y}"}, "values": {"e": 5}},  # no "*": a prefix, as written
    )
    assert front_matter_defaults(site, "posts/tech/deep/2024-01-01-a.md") == {"a": 1, "b": 2}
    assert front_matter_defaults(site, "posts/y/2024-01-01-a.markdown") == {"c": 3, "d": 4}
    assert front_matter_defaults(site, "posts/other/deep/x/2024-01-01-a.md") == {"b": 2}


def test_the_posts_own_front_matter_wins_deep_and_categories_are_joined() -> None:
    defaults = {"categories": "a b", "tags": ["t"], "author": {"name": "N", "url": "u"}}
    meta = {"categories": ["b", "c"], "tags": "own", "author": {"url": "v"}}
    assert with_defaults(defaults, meta) == {
        "categories": ["a", "b", "c"], "tags": "own", "author": {"name": "N", "url": "v"},
    }  # fmt: skip


def test_a_key_the_post_leaves_empty_keeps_the_defaults_value() -> None:
    # Jekyll's deep_merge_hashes: a null over a value keeps the value (permalink: with nothing after)
    defaults = {"permalink": "/:title/", "author": {"name": "N"}, "layout": "post"}
    meta = {"permalink": None, "author": {"name": None}, "image": None}
    assert with_defaults(defaults, meta) == {
        "permalink": "/:title/", "author": {"name": "N"}, "layout": "post", "image": None,
    }  # fmt: skip
    site = Site(permalink="/:year/:title", defaults=[{"scope": {"type": "posts"}, "values": {"permalink": "/:title/"}}])
    got = parse_post(b"---\ntitle: T\npermalink:\n---\nBody.\n", "posts/2024-01-01-a.md", default_zone="UTC", site=site)
    assert got.url == "/a/"


def test_parse_post_reads_the_defaults_of_its_scope() -> None:
    site = _site(
        {"scope": {"path": "", "type": "posts"}, "values": {"permalink": "/:categories/:title/", "lang": "fr"}},
        {"scope": {"path": "_posts/notes"}, "values": {"categories": "notes", "excerpt_separator": "<!--cut-->"}},
    )
    text = b"---\ntitle: T\ncategories: Extra\n---\nOne.\n\nTwo.\n<!--cut-->\nThree.\n"
    got = parse_post(text, "posts/notes/2024-01-01-a.md", default_zone="UTC", site=site)
    assert (got.url, got.categories, got.lang) == ("/notes/extra/a/", ["notes", "Extra"], "fr")
    assert got.jekyll_excerpt == "One.\nTwo."
    assert parse_post(text, "posts/notes/2024-01-01-a.md", default_zone="UTC").url == "/extra/2024/01/01/a.html"


def test_no_defaults_is_the_front_matter_itself() -> None:
    meta = {"title": "t"}
    assert with_defaults(front_matter_defaults(Site(), "posts/a.md"), meta) is meta


@pytest.mark.parametrize(
    ("key", "categories"),
    [
        ("posts/2024-01-01-a.md", []),
        ("posts/tech/2024-01-01-a.md", []),  # a folder below _posts/ is no category
        ("posts/_posts/tech/2024-01-01-a.md", []),
        ("posts/blog/Tech/_posts/2024-01-01-a.md", ["blog", "Tech"]),
        ("posts/news/_drafts/a.md", ["news"]),
    ],
)
def test_the_folders_above_posts_are_categories(key: str, categories: list[str]) -> None:
    assert folder_categories(key) == categories


def test_folder_categories_come_first_and_once() -> None:
    got = parse_post(b"---\ntitle: t\ncategories: [x, blog]\n---\nBody.\n", "posts/blog/_posts/2024-01-01-a.md")
    assert (got.categories, got.url) == (["blog", "x"], "/blog/x/2024/01/01/a.html")


@pytest.mark.parametrize(
    ("setting", "key", "front"),
    [
        ("show_drafts", "posts/_drafts/2024-01-01-a.md", ""),
        ("unpublished", "posts/2024-01-01-a.md", "published: false\n"),
        ("future", "posts/2999-01-01-a.md", ""),
    ],
)
def test_a_site_that_builds_drafts_unpublished_or_future_posts_publishes_them(
    setting: str, key: str, front: str
) -> None:
    text = f"---\ntitle: t\n{front}---\nBody.\n".encode()
    assert parse_post(text, key).status != "published"
    flags: dict[str, Any] = {setting: True}
    site = Site(**flags)
    assert parse_post(text, key, site=site).status == "published"


def test_a_sites_language_given_by_its_defaults_is_each_posts_own_unless_it_writes_one() -> None:
    # Given a site whose defaults give every post its language (Jekyll gives posts none of its own)
    site = Site(defaults=[{"scope": {"path": ""}, "values": {"lang": "en-GB"}}])
    # Then a post in that site has it, rather than a guess from its script, and a post's own wins
    assert parse_post(b"---\ntitle: t\n---\nColour and flavour.\n", "posts/2024-01-01-a.md", site=site).lang == "en-GB"
    assert parse_post(b"---\ntitle: t\nlang: fr\n---\nBonjour.\n", "posts/2024-01-01-b.md", site=site).lang == "fr"
    assert parse_post(b"---\ntitle: t\n---\nColour and flavour.\n", "posts/2024-01-01-a.md").lang == "und-Latn"
