"""Posts near DynamoDB's 400 KB item limit: twins and kept copies never make a storable change unstorable.

An item holds, beside the file it shows, the whole record of each live file it does not show
(``x.md`` beside ``x.html``) and, after a crash between a publish and its confirmation, a copy of
what may have gone out. Each of those is a post. When they would pass the limit, their posts move
to the archive in S3 and the item keeps pointers: the item's size is heads and bookkeeping.
The sizes are postdrop's own arithmetic (``item_bytes``); moto's near the limit is not trusted.
"""

from __future__ import annotations

import random

from postdrop.adapters.table import MAX_ITEM_BYTES, item_bytes
from postdrop.core.limits import head_excerpt
from postdrop_tools.faults import FaultInjector
from tests.conftest import post
from tests.integration.conftest import Harness, s3_event

STEM = "posts/2026-03-01-big"
POST_ID = "2026-03-01-big"


def incompressible(title: str, seed: int, kb: int = 63) -> bytes:
    """A post of about ``kb`` KB of CJK text that zlib cannot shrink much (random characters)."""
    rng = random.Random(seed)
    chars = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(kb * 1024 // 3))
    paragraphs = "".join(f"<p>{chars[i : i + 500]}</p>\n" for i in range(0, len(chars), 500))
    return post(f'title: "{title}"\ndate: 2026-03-01 09:00:00 +0800\ncategories: partners', paragraphs)


def store(h: Harness, key: str, sequencer: str, data: bytes | None) -> dict[str, object]:
    if data is None:
        h.delete(key)
        event = s3_event(h.bucket, key, sequencer, "ObjectRemoved:Delete")
    else:
        h.put(key, data)
        event = s3_event(h.bucket, key, sequencer)
    h.pipeline.functions["ParseFunction"].invoke(event)
    return h.store_envelopes(*h.envelopes_sent())


def test_three_large_twins_are_all_stored_and_the_last_one_standing_shows(harness: Harness) -> None:
    # Given x.md, x.markdown and x.html of one post, each about 63 KB of text that does not compress
    for n, suffix in enumerate((".md", ".markdown", ".html"), start=1):
        assert store(harness, STEM + suffix, f"000{n}", incompressible(f"孪生{n}", n)) == {"batchItemFailures": []}
    item = harness.items()[POST_ID]
    assert item["key"] == STEM + ".md" and set(item["files"]) == {STEM + s for s in (".md", ".markdown", ".html")}
    assert item_bytes(item) < MAX_ITEM_BYTES
    assert harness.queue("StoreDLQ") == []
    # and a post moved to the archive has its head's excerpts kept beside it again (no post to read them from)
    held = item["files"][STEM + ".html"]["record"]
    assert "post_ref" in held and "post_zlib" not in held
    assert {"excerpt", "jekyll_excerpt"} <= set(held)
    # When x.md and x.markdown are deleted
    store(harness, STEM + ".md", "0004", None)
    store(harness, STEM + ".markdown", "0005", None)
    # Then x.html, still in the bucket, is what the post shows, whole, and subscribers were told so
    item = harness.items()[POST_ID]
    assert (item["record_type"], item["key"], item["title"]) == ("POST", STEM + ".html", "孪生3")
    last = sorted(harness.notifications(), key=lambda n: n["revision"])[-1]
    assert last["event_type"] == "post.updated" and last["post"]["title"] == "孪生3"
    assert last["excerpt"] == last["post"]["excerpt"]
    assert last["jekyll_excerpt"] == head_excerpt(last["post"]["jekyll_excerpt"])  # the head's is cut at 1,000
    assert len(last["post"]["text"]) > 20_000


def test_a_large_version_published_just_before_a_crash_does_not_dead_letter_the_next(harness: Harness) -> None:
    # Given x.md and x.html stored, both large
    store(harness, STEM + ".md", "0001", incompressible("一", 1))
    store(harness, STEM + ".html", "0001", incompressible("旁", 2))
    harness.notifications()
    # and x.md v2's post.updated published, PublishFunction dying before its batch is done
    faults = FaultInjector(rate=1.0, seed=1, limit=1)
    faults.die_after(harness.pipeline.clients.sns, ["PublishBatch"])
    harness.put(STEM + ".md", incompressible("二", 3))
    harness.pipeline.functions["ParseFunction"].invoke(s3_event(harness.bucket, STEM + ".md", "0002"))
    (v2,) = harness.envelopes_sent()
    harness.store_envelopes(v2, publish=False)
    # When x.md v3 arrives before the stream is read again (the item keeps no copy of v2: the stream holds it)
    assert store(harness, STEM + ".md", "0003", incompressible("三", 4)) == {"batchItemFailures": []}
    # Then v3 is stored, nothing is dead-lettered, and subscribers hear v2 again, then v3
    assert harness.queue("StoreDLQ") == []
    item = harness.items()[POST_ID]
    assert item["title"] == "三" and item_bytes(item) < MAX_ITEM_BYTES
    notes = harness.notifications()  # the batch of v2 and v3 published, then again from its start (the crash)
    assert [n.get("title") for n in notes] == ["二", "三", "二", "三"]
    assert notes[:2] == notes[2:] and sorted(notes, key=lambda n: n["revision"])[-1]["title"] == "三"
