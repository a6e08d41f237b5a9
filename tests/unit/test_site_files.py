"""What of a Jekyll site synced under posts/ is no post (core/sitefiles.py), by Jekyll's own rules."""

from __future__ import annotations

import pytest

from postdrop.core.keys import key_problem
from postdrop.core.sitefiles import site_file
from tests.conftest import corpus_files, jekyll_world_sites

SITE_FILES = {
    "posts/_config.yml": "named '_config.yml'",
    "posts/_layouts/post.html": "under _layouts/",
    "posts/_includes/head.html": "under _includes/",
    "posts/_data/nav.yml": "under _data/",
    "posts/_site/2026/01/05/a.html": "under _site/",
    "posts/blog/_sass/x.md": "under _sass/",
    "posts/.git/HEAD": "under .git/",
    "posts/.DS_Store": "named '.DS_Store'",
    "posts/_posts/.2026-01-05-a.md.swp": "named '.2026-01-05-a.md.swp'",
    "posts/_posts/2026-01-05-a.md~": "named '2026-01-05-a.md~'",
    "posts/_posts/#2026-01-05-a.md#": "named '#2026-01-05-a.md#'",
    "posts/_posts/_hidden.md": "named '_hidden.md'",
    "posts/node_modules/pkg/readme.md": "leaves node_modules/ out",
    "posts/Gemfile": "named 'Gemfile'",
    "posts/assets/img/cat.PNG": "(.PNG)",
    "posts/css/main.css": "(.css)",
    "posts/feed.xml": "(.xml)",
    "posts/fonts/a.woff2": "(.woff2)",
    "posts/CNAME": "CNAME is a file of the site",
    "posts/robots.txt": "robots.txt is a file of the site",
    "posts/assets/img/Thumbs.db": "Thumbs.db is a file of the site",  # a blog synced from Windows
    "posts/assets/desktop.ini": "desktop.ini is a file of the site",
    "posts/index.html": "index.html is a page",
    "posts/blog/404.md": "404.md is a page",
}
POST_KEYS = [
    "posts/2026-03-02-NW0001.md",
    "posts/-202205262391921712.md",  # the producer's undated file
    "posts/_posts/2026-01-05-a.md",
    "posts/blog/_posts/2026-01-05-a.markdown",
    "posts/_drafts/a.md",
    "posts/emnews/2026-01-05-a.html",
    "posts/about.md",  # a page at a site's top cannot be told from an undated post: read
    "posts/notes.txt",
    "posts/index-of-things.md",
]


@pytest.mark.parametrize(("key", "why"), SITE_FILES.items())
def test_a_file_jekyll_never_reads_as_a_post_is_a_site_file(key: str, why: str) -> None:
    reason = site_file(key)
    assert reason is not None and why in reason


@pytest.mark.parametrize("key", POST_KEYS)
def test_a_post_is_never_a_site_file(key: str) -> None:
    assert site_file(key) is None


@pytest.mark.parametrize("key", ["posts/../_layouts/a.md", "posts/./.x", "drafts/_config.yml", "posts/_a/"])
def test_keys_that_cannot_be_posts_for_another_reason_are_left_to_key_problem(key: str) -> None:
    assert site_file(key) is None


def test_documents_and_unknown_types_stay_rejections() -> None:
    for key in ("posts/notes.docx", "posts/README", "posts/a.rtf"):
        assert site_file(key) is None and key_problem(key) is not None


def test_no_real_post_is_taken_for_a_site_file() -> None:
    keys = [f"posts/{path.name}" for path in corpus_files()]
    keys += [f"posts/_posts/{path.name}" for posts in jekyll_world_sites().values() for path in posts]
    if not keys:
        pytest.skip("../shared/corpus and ../shared/jekyll-world are absent (third-party posts, never copied here)")
    assert [key for key in keys if site_file(key) is not None] == []
