"""A scheduled post is announced as published at its date on the emulator, by its schedule alone (#27).

moto server keeps the post's one-time EventBridge Scheduler schedule; the runner fires it when
due, as `postdrop up` does, and nobody drops a file.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from postdrop_tools.emulator import emulator
from postdrop_tools.local import drain_queue, subscribe_queue
from postdrop_tools.pipeline import Pipeline
from postdrop_tools.stack import provision
from tests.conftest import post

pytestmark = [pytest.mark.pipeline, pytest.mark.long(seconds=25)]


def test_the_emulator_fires_a_scheduled_posts_schedule_and_subscribers_hear_it_published() -> None:
    with emulator() as emu:
        stack = provision(emu)
        pipeline = Pipeline(stack)
        sqs, sns, topic = stack.client("sqs"), stack.client("sns"), stack.ref("PostsTopic")
        live = subscribe_queue(sqs, sns, topic, "live", {"event_type": ["post.created"]})[0]
        every = subscribe_queue(sqs, sns, topic, "every")[0]
        # Given a post dated 20 seconds from now (a margin for a busy machine: parsing it after its
        # date would publish it at once), dropped and run through the pipeline
        due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=20)
        body = post(f'title: "定时"\ndate: {due.isoformat()}\ncategories: [partners]', "<p>正文。</p>\n")
        stack.client("s3").put_object(Bucket=stack.ref("PostsBucket"), Key="posts/2026-03-01-later.md", Body=body)
        pipeline.drain(timeout=120)
        # Then it is told as scheduled, and a subscriber of new posts has heard nothing yet
        assert [(n["event_type"], n["status"]) for n in drain_queue(stack, every)] == [("post.scheduled", "scheduled")]
        assert drain_queue(stack, live) == []
        # When its date comes and the runner runs, with no file dropped
        deadline = time.monotonic() + 90
        heard: list[dict[str, object]] = []
        while not heard and time.monotonic() < deadline:
            pipeline.pump()
            heard = drain_queue(stack, live)
            time.sleep(0.2)
        # Then it hears the post created, published
        assert [(n["event_type"], n["status"], n["post_id"]) for n in heard] == [
            ("post.created", "published", "2026-03-01-later"),
        ]  # fmt: skip
        assert datetime.now(UTC) >= due
