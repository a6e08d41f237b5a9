"""What of a Jekyll site synced under posts/ is no post (core/sitefiles.py), by Jekyll's own rules."""

from __future__ import annotations

import re

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
    "posts/node_modules/pkg/readme.md": "no posts under node_modules/",
    "posts/assets/vendor/icons/a.md": "no posts under vendor/",
    # Jekyll reads no undated file in _posts/ (a template kept beside the posts), at any depth
    "posts/_posts/template.md": "only dated files (YYYY-MM-DD-title.md) in _posts/, not 'template.md'",
    "posts/blog/_posts/2026/notes.markdown": "only dated files",
    "posts/_posts/2026-01-a.md": "only dated files",
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
    # a blog's repository, synced whole: its documents, tools and the code its posts talk about
    "posts/README.md": "README.md is a file of the blog's repository",
    "posts/docs/README-zh.md": "README-zh.md is a file of the blog's repository",
    "posts/LICENSE": "LICENSE is a file of the blog's repository",
    "posts/license.txt": "license.txt is a file of the blog's repository",
    "posts/CONTRIBUTING.md": "CONTRIBUTING.md is a file",
    "posts/CODE_OF_CONDUCT.md": "CODE_OF_CONDUCT.md is a file",
    "posts/AGENTS.md": "AGENTS.md is a file",
    "posts/Dockerfile": "Dockerfile is a file",
    "posts/Makefile": "Makefile is a file",
    "posts/requirements.txt": "requirements.txt is a file",
    "posts/llms.txt": "llms.txt is a file",
    "posts/google0123456789abcdef.html": "google0123456789abcdef.html is a file",
    "posts/6ff2b87724ac930114bf05c74db50bb5.txt": "is a file of the blog's repository",
    "posts/theme.gemspec": "(.gemspec)",
    "posts/code/src/main/java/App.java": "(.java)",
    "posts/assets/notebook.ipynb": "(.ipynb)",
    "posts/scripts/deploy.sh": "(.sh)",
    # an editor's, a merge's or a download's copy beside a post, in _posts/ too (Jekyll would publish it)
    "posts/_posts/2026-04-01-x.md.bak": "an editor's or a tool's copy",
    "posts/_posts/2026-04-01-x.md.orig": "an editor's or a tool's copy",
    "posts/_posts/2026-04-01-x.md.rej": "an editor's or a tool's copy",
    "posts/_posts/2026-04-01-x.md.swp": "an editor's or a tool's copy",
    "posts/_posts/2026-04-01-x.md:Zone.Identifier": "an editor's or a tool's copy",
    "posts/notes.md.tmp": "an editor's or a tool's copy",
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
    "posts/_posts/2026-01-05-a.mkd",  # Jekyll's other Markdown extensions
    "posts/_posts/2026-01-05-a.mkdown",
    "posts/_posts/2026-01-05-readme.md",  # a dated name is a post, whatever it says
    "posts/history-of-the-city.md",
    "posts/security-notes.md",
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


def test_documents_and_files_without_an_extension_stay_rejections() -> None:
    # a producer may have meant each of them as a post: it hears why it was not read
    for key in ("posts/notes.docx", "posts/NW0009", "posts/a.rtf", "posts/a.rst", "posts/a.mdx", "posts/a.textile"):
        assert site_file(key) is None and key_problem(key) is not None


def test_a_dated_file_in_posts_is_a_post_to_jekyll_whatever_its_extension() -> None:
    # so one postdrop does not read is rejected with why, not ignored as a site's file
    for key in ("posts/_posts/2014-11-24-notes.Rmd", "posts/blog/_drafts/2013-12-20-notes.text"):
        assert site_file(key) is None and key_problem(key) is not None
    assert site_file("posts/_posts/2014-11-24-chart.png") is not None  # an image beside its post is the site's
    assert site_file("posts/assets/2014-11-24-run.Rmd") is not None  # outside _posts/, a dated name is no post


def test_jekylls_markdown_extensions_are_post_file_types() -> None:
    for key in ("posts/_posts/2026-01-05-a.mkd", "posts/_posts/2026-01-05-a.MKDN", "posts/_posts/2026-01-05-a.mkdown"):
        assert site_file(key) is None and key_problem(key) is None


def test_no_real_post_is_taken_for_a_site_file() -> None:
    keys = [f"posts/{path.name}" for path in corpus_files()]
    # the blogs' posts Jekyll reads (a dated name): their README.md, which Jekyll reads as none, is a site file
    keys += [
        f"posts/_posts/{path.name}"
        for posts in jekyll_world_sites().values()
        for path in posts
        if re.match(r"\d{2,4}-\d{1,2}-\d{1,2}-", path.name)
    ]
    if not keys:
        pytest.skip("../shared/corpus and ../shared/jekyll-world are absent (third-party posts, never copied here)")
    assert [key for key in keys if site_file(key) is not None] == []
