"""Filtered subscribers hear every change of a post they matched, up to the change that takes it out.

The rule, proven with real SNS filter policies (moto's SNS applies them) on subscriptions made
the way subscribers make them: *a subscription filtered on any category, tag or source hears
every change of every post that was ever inside its filter, up to and including the change that
takes the post out.* Each case is a story of one post told through the real handlers; for every
category, tag and source that appears in the story there is one subscription filtered on it, and
what each receives is checked against the story as an unfiltered subscriber hears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from postdrop_tools.local import drain_queue, subscribe_queue
from tests.conftest import post
from tests.integration.conftest import s3_event

pytestmark = pytest.mark.long(seconds=33)

if TYPE_CHECKING:
    from tests.integration.conftest import Harness

# message attribute -> field
ATTRIBUTES = {"category": "categories", "tags": "tags", "source": "source_name", "status": "status"}
FUTURE = "2099-03-01 09:00:00 +0800"  # a scheduled post's date


def version(
    categories: str = "", tags: str = "", source: str = "", title: str = "标题", *,
    date: str = "2026-03-01 09:00:00 +0800", extra: str = "",
) -> bytes:  # fmt: skip
    front = f'title: "{title}"\ndate: {date}\ncategories: [{categories}]\ntags: [{tags}]\n{extra}'
    body = "<p>正文。</p>\n" + (f"<p>（文章来源：{source}）</p>\n" if source else "")
    return post(front, body)


BROKEN = b"---\ntitle: never closed\n"  # rejected: its front matter is never closed
# rejected for its title (past the head's cap), though its front matter files it under partners
OVERLONG = post(f'title: "{"长" * 2001}"\ncategories: [partners]\ntags: [a]', "<p>正文。</p>\n")


@dataclass(frozen=True)
class Put:
    key: str
    body: bytes


@dataclass(frozen=True)
class Delete:
    key: str


MD, HTML = "posts/2026-03-01-story.md", "posts/2026-03-01-story.html"
STORIES: dict[str, list[Put | Delete]] = {
    "create": [Put(MD, version("partners", "a"))],
    "update": [Put(MD, version("partners", "a")), Put(MD, version("partners", "a", title="新标题"))],
    "category change": [Put(MD, version("partners", "a")), Put(MD, version("markets", "a"))],
    "category added then removed": [
        Put(MD, version("partners")), Put(MD, version("partners, markets")), Put(MD, version("markets")),
    ],
    "tag change": [Put(MD, version("partners", "a, b")), Put(MD, version("partners", "c"))],
    "Chinese tags": [Put(MD, version("要闻", "新闻, 财经")), Put(MD, version("要闻", "财经"))],
    "source change": [Put(MD, version(source="示例日报")), Put(MD, version(source="另一家报"))],
    "source dropped": [Put(MD, version("partners", source="示例日报")), Put(MD, version("partners"))],
    "delete": [Put(MD, version("partners", "a", "示例日报")), Delete(MD)],
    "delete and restore": [Put(MD, version("partners", "a")), Delete(MD), Put(MD, version("markets", "b"))],
    "reject after post": [Put(MD, version("partners", "a", "示例日报")), Put(MD, BROKEN)],
    "reject, then a post again": [Put(MD, version("partners")), Put(MD, BROKEN), Put(MD, version("markets"))],
    "a new file rejected, its front matter read": [Put(MD, OVERLONG), Put(MD, version("markets"))],
    "a post, then rejected with other filters": [Put(MD, version("markets", "b")), Put(MD, OVERLONG)],
    "twin files": [
        Put(MD, version("partners", "a")), Put(HTML, version("markets", "b")), Delete(MD), Delete(HTML),
    ],
    "out and back in": [
        Put(MD, version("partners")), Put(MD, version("markets")), Put(MD, version("other")),
        Put(MD, version("partners")),
    ],
    # #27: publication state is a filter attribute and a state of its own
    "scheduled": [Put(MD, version("partners", "a", date=FUTURE))],
    "scheduled, then published": [Put(MD, version("partners", date=FUTURE)), Put(MD, version("partners"))],
    "unpublished": [Put(MD, version("partners", "a")), Put(MD, version("partners", "a", extra="published: false"))],
    "unpublished, edited, published again": [
        Put(MD, version("partners")), Put(MD, version("partners", extra="published: false")),
        Put(MD, version("partners", title="改", extra="published: false")), Put(MD, version("markets")),
    ],
    "published, then scheduled again, then deleted": [
        Put(MD, version("partners")), Put(MD, version("partners", date=FUTURE)), Delete(MD),
    ],
}  # fmt: skip


def filters_of(notification: dict[str, Any] | None) -> set[tuple[str, str]]:
    """(attribute, value) pairs the post matches in the state a notification announces (a rejection:
    what the rejected file's front matter said)."""
    if notification is None or _record_type(notification) == "DELETED":
        return set()
    lists = ("categories", "tags")
    pairs = {(a, v) for a, field in ATTRIBUTES.items() if field in lists for v in notification.get(field, [])}
    pairs |= {("status", notification["status"])} if notification.get("status") else set()
    return pairs | ({("source", notification["source_name"])} if notification.get("source_name") else set())


def tell(h: Harness, story: list[Put | Delete]) -> None:
    """Each step through ParseFunction and StoreFunction, as S3 would deliver it."""
    for n, step in enumerate(story, start=1):
        if isinstance(step, Put):
            h.put(step.key, step.body)
            event = s3_event(h.bucket, step.key, f"{n:04X}")
        else:
            h.delete(step.key)
            event = s3_event(h.bucket, step.key, f"{n:04X}", "ObjectRemoved:Delete")
        h.pipeline.functions["ParseFunction"].invoke(event)
        h.store_envelopes(*h.envelopes_sent())


@pytest.mark.parametrize("name", list(STORIES))
def test_a_filtered_subscriber_hears_every_change_of_a_post_it_matched(harness: Harness, name: str) -> None:
    story = STORIES[name]
    sqs, sns, topic = harness.stack.client("sqs"), harness.stack.client("sns"), harness.stack.ref("PostsTopic")
    values = {(a, v) for step in story if isinstance(step, Put) for a, v in _written(step.body)}
    queues = {pair: subscribe_queue(sqs, sns, topic, f"f{i}", {pair[0]: [pair[1]]})[0]
              for i, pair in enumerate(sorted(values))}  # fmt: skip
    tell(harness, story)

    heard = sorted(harness.notifications(), key=lambda n: n["revision"])  # the unfiltered subscriber
    assert heard, "the story was announced"
    for before, now in zip([None, *heard], heard, strict=False):  # previous is what was told before, as filters see it
        expected = None if before is None else {"record_type": _record_type(before), **_filters(before)}
        assert now.get("previous") == expected, now
    for pair, url in queues.items():
        received = [n["notification_id"] for n in drain_queue(harness.stack, url)]
        owed = [
            now["notification_id"]
            for before, now in zip([None, *heard], heard, strict=False)
            if pair in filters_of(now) or pair in filters_of(before)
        ]
        assert sorted(received) == sorted(owed), f"{name}: the subscription on {pair} heard {received}, owed {owed}"


def _written(body: bytes) -> set[tuple[str, str]]:
    from postdrop import PostRejected, parse_post
    from postdrop.core.normalize import front_matter_filters

    try:
        p = parse_post(body, MD)  # a head past its caps is rejected here too
    except PostRejected:
        filed = front_matter_filters(body, MD)
        return {("category", c) for c in filed.get("categories", [])} | {("tags", t) for t in filed.get("tags", [])}
    pairs = {("category", c) for c in p.categories} | {("tags", t) for t in p.tags} | {("status", p.status)}
    return pairs | ({("source", p.source.name)} if p.source.name else set())


def _record_type(notification: dict[str, Any]) -> str:
    """A post.deleted with a status is a post that stopped being public: it is still there."""
    if notification["event_type"] == "post.deleted" and notification.get("status"):
        return "POST"
    return {"post.deleted": "DELETED", "post.rejected": "REJECTED"}.get(notification["event_type"], "POST")


def _filters(notification: dict[str, Any]) -> dict[str, Any]:
    """The filter fields of a state as ``previous`` names them: both lists always, a source when there is one."""
    fields = {"categories": notification.get("categories", []), "tags": notification.get("tags", [])}
    fields |= {"status": notification["status"]} if notification.get("status") else {}
    return fields | ({"source_name": notification["source_name"]} if notification.get("source_name") else {})


def test_a_delete_carries_the_removed_posts_attributes_and_says_they_are_previous(harness: Harness) -> None:
    # Given a post in a category, with a tag and a source, that subscribers were told of
    tell(harness, [Put(MD, version("partners", "a", "示例日报")), Delete(MD)])
    created, deleted = sorted(harness.notifications(), key=lambda n: n["revision"])
    # Then its deletion says what it was, under previous, and nothing is current
    assert deleted["event_type"] == "post.deleted"
    assert deleted["previous"] == {"record_type": "POST", "categories": ["partners"], "tags": ["a"],
                                   "source_name": "示例日报", "status": "published"}  # fmt: skip
    assert "status" not in deleted  # gone, not just out of public view
    assert deleted["categories"] == [] and "previous" not in created


def test_a_rejected_file_is_announced_to_the_subscribers_its_front_matter_names(harness: Harness) -> None:
    # Given a subscriber of partners, and a new file whose front matter files it under partners
    sqs, sns, topic = harness.stack.client("sqs"), harness.stack.client("sns"), harness.stack.ref("PostsTopic")
    partners = subscribe_queue(sqs, sns, topic, "partners", {"category": ["partners"]})[0]
    # When the file is rejected (its title is past the head's cap)
    tell(harness, [Put(MD, OVERLONG)])
    # Then that subscriber hears the rejection, which says what the file was filed under
    (note,) = drain_queue(harness.stack, partners)
    assert note["event_type"] == "post.rejected" and "title" in note["reason"]
    assert note["categories"] == ["partners"] and note["tags"] == ["a"]


def _subscribers(h: Harness, **policies: dict[str, list[str]]) -> dict[str, str]:
    sqs, sns, topic = h.stack.client("sqs"), h.stack.client("sns"), h.stack.ref("PostsTopic")
    return {name: subscribe_queue(sqs, sns, topic, name, policy)[0] for name, policy in policies.items()}


def _heard(h: Harness, url: str) -> list[tuple[str, str | None]]:
    notes = sorted(drain_queue(h.stack, url), key=lambda n: n["revision"])
    return [(n["event_type"], n.get("status")) for n in notes]


def test_a_scheduled_post_does_not_reach_a_subscriber_of_created_posts(harness: Harness) -> None:
    # Given a subscriber of new posts and one of scheduled posts
    queues = _subscribers(harness, created={"event_type": ["post.created"]},
                          scheduled={"event_type": ["post.scheduled"]})  # fmt: skip
    # When a post dated in the future is dropped
    tell(harness, [Put(MD, version("partners", date=FUTURE))])
    # Then only the subscriber of scheduled posts hears of it, as scheduled, with its url and excerpt
    assert _heard(harness, queues["created"]) == []
    (note,) = drain_queue(harness.stack, queues["scheduled"])
    assert note["status"] == "scheduled" and note["post"]["status"] == "scheduled"
    assert note["url"] == "/partners/2099/03/01/story.html" and note["jekyll_excerpt"] == "正文。"


def test_unpublishing_a_post_tells_its_subscribers_it_is_gone_and_why(harness: Harness) -> None:
    # Given a subscriber of the public lifecycle (created, updated, deleted) and a published post
    queues = _subscribers(harness, live={"event_type": ["post.created", "post.updated", "post.deleted"]})
    # When its author sets published: false, edits it while unpublished, then publishes it again
    tell(harness, [
        Put(MD, version("partners")), Put(MD, version("partners", extra="published: false")),
        Put(MD, version("partners", title="改", extra="published: false")), Put(MD, version("partners", title="改")),
    ])  # fmt: skip
    # Then it hears the post created, deleted because unpublished, and created again: never the unpublished edit
    assert _heard(harness, queues["live"]) == [
        ("post.created", "published"), ("post.deleted", "unpublished"), ("post.created", "published"),
    ]  # fmt: skip
    notes = sorted(harness.notifications(), key=lambda n: n["revision"])
    assert [n["event_type"] for n in notes] == ["post.created", "post.deleted", "post.unpublished", "post.created"]
    gone = notes[1]
    assert gone["previous"]["status"] == "published" and gone["title"] == "标题" and "post" not in gone


def test_a_subscriber_filters_on_status_and_hears_the_change_that_takes_a_post_out(harness: Harness) -> None:
    # Given a subscriber of published posts and one of scheduled posts
    queues = _subscribers(harness, published={"status": ["published"]}, scheduled={"status": ["scheduled"]})
    # When a post is published, then moved to a future date, then to the past again
    tell(harness, [Put(MD, version("partners")), Put(MD, version("partners", date=FUTURE)),
                   Put(MD, version("partners", title="改"))])  # fmt: skip
    # Then the published subscriber hears it out (post.deleted, status scheduled) and back in
    assert _heard(harness, queues["published"]) == [
        ("post.created", "published"), ("post.deleted", "scheduled"), ("post.created", "published"),
    ]  # fmt: skip
    # and the scheduled one hears it in and out (previous.status says where it was)
    assert _heard(harness, queues["scheduled"]) == [("post.deleted", "scheduled"), ("post.created", "published")]


def test_a_policy_on_an_attribute_postdrop_never_sends_hears_nothing_and_the_check_says_why(harness: Harness) -> None:
    from postdrop_tools.policy import policy_problems
    from postdrop_tools.replay import subscription_policy
    from postdrop_tools.target import Target

    # Given two subscribers of partners: one filtered on "category", one on "categories" (SNS takes both)
    sqs, sns, topic = harness.stack.client("sqs"), harness.stack.client("sns"), harness.stack.ref("PostsTopic")
    right, _ = subscribe_queue(sqs, sns, topic, "right", {"category": ["partners"]})
    wrong, wrong_arn = subscribe_queue(sqs, sns, topic, "wrong", {"categories": ["partners"]})
    # When a post filed under partners is stored
    tell(harness, [Put(MD, version("partners", "a"))])
    # Then only the first hears it, and `postdrop policy --subscription` names the second's mistake
    assert [n["event_type"] for n in drain_queue(harness.stack, right)] == ["post.created"]
    assert drain_queue(harness.stack, wrong) == []
    target = Target(bucket=harness.bucket, table="", topic_arn=topic, store_queue="", store_dlq="", parse_dlq="",
                    parse_function=None, parse_events=None)  # fmt: skip
    policy, scope = subscription_policy(target, wrong_arn)
    assert policy is not None and scope == "MessageAttributes"
    (problem,) = policy_problems(policy, scope)
    assert "did you mean 'category'?" in problem


def test_a_post_with_as_many_tags_as_its_head_takes_reaches_a_subscriber_of_its_last_tag(harness: Harness) -> None:
    # Given subscribers of the first and of the thousandth of a post's tags (ten characters each:
    # the head's cap on tags in all), and of a tag only its edit has
    tags = [f"pkg-{i:06}" for i in range(1_000)]
    queues = _subscribers(harness, first={"tags": [tags[0]]}, last={"tags": [tags[-1]]}, new={"tags": ["pkg-new"]})
    # When the post is dropped, then dropped again with one other tag
    tell(harness, [Put(MD, version("partners", ", ".join(tags))), Put(MD, version("partners", "pkg-new"))])
    # Then both subscribers of its old tags hear it created and leave it; the new tag's hears the edit
    heard = {name: [event for event, _ in _heard(harness, url)] for name, url in queues.items()}
    assert heard == {"first": ["post.created", "post.updated"], "last": ["post.created", "post.updated"],
                     "new": ["post.updated"]}  # fmt: skip
    created = min(harness.notifications(), key=lambda n: n["revision"])
    assert created["tags"] == tags


def test_the_templates_example_subscriber_hears_each_post_of_its_category_to_its_end(harness: Harness) -> None:
    # Given a subscription with the filter policy template.yaml gives its example subscriber
    from postdrop_tools.template import load_template

    spec = load_template(stack="postdrop", account="123456789012", region="us-east-1").resources
    props = spec["ExampleSubscription"]["Properties"]
    assert props["FilterPolicyScope"] == "MessageAttributes"
    (category,) = props["FilterPolicy"]["category"]
    queues = _subscribers(harness, example=props["FilterPolicy"])
    # When a post of its category is published, edited, replaced by a file that cannot be read,
    # published again, then deleted; and another is scheduled for the future
    tell(harness, [
        Put(MD, version(category)), Put(MD, version(category, title="改")), Put(MD, BROKEN),
        Put(MD, version(category)), Delete(MD), Put("posts/2026-03-02-other.md", version(category, date=FUTURE)),
    ])  # fmt: skip
    # Then it hears the first post's whole public life, its end each time included, and nothing of the other
    assert [event for event, _status in _heard(harness, queues["example"])] == [
        "post.created", "post.updated", "post.rejected", "post.created", "post.deleted",
    ]  # fmt: skip
