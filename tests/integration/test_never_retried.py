"""Every input is stored or rejected with its reason on the first attempt (#30): ParseFunction
never raises for a file whose head is too large to send, nor for a large post under a long key."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.conftest import post
from tests.integration.conftest import s3_event

if TYPE_CHECKING:
    from tests.integration.conftest import Harness


@pytest.mark.parametrize(
    ("front", "fragment"),
    [
        ('title: "' + "标" * 100_000 + '"', "the title is 100,000 characters long"),
        ("tags: " + " ".join(f"tag{i:05}" + "签" * 20 for i in range(5_000)), "the post has 5,000 tags"),
        ("categories: [" + ", ".join(["类" * 200] * 3) + "]", "category 1 is 200 characters long"),
    ],
    ids=["title-300kb", "5000-tags", "long-category"],
)
def test_a_head_too_large_to_send_is_rejected_on_the_first_attempt(harness: Harness, front: str, fragment: str) -> None:
    # Given a file whose head alone is past what postdrop takes
    harness.put("posts/huge-head.md", post(front))
    # When ParseFunction runs once, then it does not raise: the file is rejected with why
    harness.pipeline.functions["ParseFunction"].invoke(s3_event(harness.bucket, "posts/huge-head.md", "01"))
    (sent,) = harness.envelopes_sent()
    envelope = json.loads(sent)
    assert envelope["action"] == "reject" and envelope["post_id"] == "huge-head"
    assert fragment in envelope["reason"]
    # and StoreFunction keeps it as a REJECTED record, announced
    assert harness.store_envelopes(sent) == {"batchItemFailures": []}
    assert harness.items()["huge-head"]["record_type"] == "REJECTED"


def test_a_large_post_under_a_key_near_s3s_limit_is_archived_and_stored(harness: Harness) -> None:
    # Given a post too large for a message, under a key of about 1,000 bytes
    key = "posts/" + "文" * 330 + ".md"
    body = "".join(f"<p>{i} " + "正文很长。" * 60 + "</p>\n" for i in range(300))
    harness.put(key, post('title: "大"', body))
    # When ParseFunction runs once, then it archives the post under a key S3 takes
    harness.pipeline.functions["ParseFunction"].invoke(s3_event(harness.bucket, key, "01"))
    (sent,) = harness.envelopes_sent()
    ref = json.loads(sent)["post_ref"]
    assert len(ref.removeprefix(f"s3://{harness.bucket}/").encode()) <= 1024
    assert harness.store_envelopes(sent) == {"batchItemFailures": []}
    assert harness.items()["文" * 330]["record_type"] == "POST"
