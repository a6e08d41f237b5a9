"""A whole Jekyll blog synced under posts/ (``aws s3 sync my-blog/ s3://bucket/posts/``): its posts
and drafts are read, the site's other files (layouts, includes, config, images, dot files) are
ignored as Jekyll ignores them, and a file that is neither is still rejected with its reason."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.conftest import post
from tests.integration.conftest import s3_event

if TYPE_CHECKING:
    from tests.integration.conftest import Harness

# A blog as it sits in its repository, with what each file must become.
POSTS = {
    "posts/_posts/2026-01-05-first.md": post('title: "First"', "Hello.\n"),
    "posts/blog/_posts/2026-01-06-second.markdown": post('title: "Second"', "Again.\n"),
}
DRAFTS = {"posts/_drafts/next.md": post('title: "Next"', "Soon.\n")}
SITE_FILES = {
    "posts/_config.yml": b"title: My blog\n",
    "posts/_layouts/post.html": post("layout: default", "<article>{{ content }}</article>\n"),
    "posts/_includes/head.html": b"<head></head>\n",
    "posts/_sass/main.scss": b"body { margin: 0 }\n",
    "posts/assets/img/cat.png": b"\x89PNG\r\n\x1a\n",
    "posts/css/main.css": b"body { margin: 0 }\n",
    "posts/.gitignore": b"_site\n",
    "posts/assets/.DS_Store": b"\x00\x00\x00\x01Bud1",
    "posts/index.html": post("layout: default", "{% for p in site.posts %}{{ p.title }}{% endfor %}\n"),
    "posts/feed.xml": post("layout: null", "<feed></feed>\n"),
    "posts/CNAME": b"blog.example.com\n",
    "posts/node_modules/x/readme.md": post('title: "not mine"'),
}
NOT_POSTS = {"posts/notes.docx": b"PK\x03\x04"}


def test_a_synced_blog_stores_its_posts_and_ignores_the_site_around_them(harness: Harness) -> None:
    # Given a whole blog synced under posts/, as `aws s3 sync` uploads it
    for key, body in (POSTS | DRAFTS | SITE_FILES | NOT_POSTS).items():
        harness.put(key, body)
    # When the pipeline has run
    harness.pipeline.drain()
    # Then the posts and the draft are stored, the docx is rejected, and nothing else is there
    items = harness.items()
    assert {pid: item["record_type"] for pid, item in items.items()} == {
        "_posts/2026-01-05-first": "POST",
        "blog/_posts/2026-01-06-second": "POST",
        "_drafts/next": "POST",
        "notes": "REJECTED",
    }
    # and subscribers hear of exactly those: no post.rejected for an image, no layout as a post
    heard = sorted((n["event_type"], n["key"]) for n in harness.notifications())
    assert heard == [
        ("post.created", "posts/_posts/2026-01-05-first.md"),
        ("post.created", "posts/blog/_posts/2026-01-06-second.markdown"),
        ("post.draft", "posts/_drafts/next.md"),
        ("post.rejected", "posts/notes.docx"),
    ]


def test_parse_counts_each_site_file_it_ignores_and_sends_nothing(harness: Harness, counted: dict[str, float]) -> None:
    event: dict[str, list[dict[str, object]]] = {"Records": []}
    for n, (key, body) in enumerate(SITE_FILES.items()):
        harness.put(key, body)
        event["Records"] += s3_event(harness.bucket, key, f"{n:02d}")["Records"]
    summary = harness.pipeline.functions["ParseFunction"].invoke(event)
    assert harness.envelopes_sent() == []
    assert (summary["site_files"], summary["rejected"], summary["parsed"]) == (len(SITE_FILES), 0, 0)
    assert (counted["site_files"], counted["rejected"]) == (len(SITE_FILES), 0)  # the dashboard's line, not the alarm's


def test_the_removal_of_a_site_file_still_reaches_the_store(harness: Harness) -> None:
    # A record made of the file before (a rejection; a layout stored as a post by an older
    # postdrop) must end when the file is removed (`aws s3 rm`: a delete marker in the bucket).
    key = "posts/_layouts/post.html"
    harness.put(key, post("layout: default"))
    harness.delete(key)
    harness.pipeline.functions["ParseFunction"].invoke(
        s3_event(harness.bucket, key, "05", "ObjectRemoved:DeleteMarkerCreated")
    )
    (sent,) = harness.envelopes_sent()
    assert json.loads(sent)["action"] == "delete"


def test_an_old_version_of_a_site_file_expiring_is_ignored(harness: Harness) -> None:
    # The bucket's lifecycle expires old versions: an image replaced once, its old version gone.
    # The image is still there and still no post: nothing is read, rejected or sent.
    key = "posts/assets/cat.png"
    harness.put(key, b"\x89PNG old")
    harness.put(key, b"\x89PNG new")
    summary = harness.pipeline.functions["ParseFunction"].invoke(
        s3_event(harness.bucket, key, "06", "LifecycleExpiration:Delete")
    )
    assert harness.envelopes_sent() == []
    assert (summary["site_files"], summary["rejected"]) == (1, 0)
