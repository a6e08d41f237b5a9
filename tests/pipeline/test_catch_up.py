"""A subscriber's side on a local stack (moto server): read a stored post, list posts, catch up late.

Everything goes through the CLI's own functions against `Target.local`, as `postdrop get`,
`postdrop list` and `postdrop replay` run them against `make up` (or a deployed stack).
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

import pytest

from postdrop import parse_post
from postdrop_tools.cli import main
from postdrop_tools.emulator import emulator
from postdrop_tools.local import drain_queue, subscribe_queue
from postdrop_tools.pipeline import Pipeline
from postdrop_tools.read import get_item, list_posts, post_json
from postdrop_tools.replay import matches, replay
from postdrop_tools.stack import provision
from postdrop_tools.target import Target, TargetError
from tests.conftest import post

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from postdrop_tools.stack import LocalStack

pytestmark = pytest.mark.pipeline
PARTNERS = {"category": ["partners"]}


def story(n: int, categories: str, day: int = 1, title: str = "") -> bytes:
    return post(f'title: "{title or f"第{n}篇"}"\ndate: 2026-03-{day:02d} 09:00:00 +0800\ncategories: [{categories}]',
                f"<p>第{n}篇的正文。</p>\n")  # fmt: skip


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[LocalStack, Pipeline, Target]]:
    with emulator() as emu:
        made = provision(emu)
        yield made, Pipeline(made), Target.local(str(emu.endpoint))


def drop(stack: LocalStack, files: Mapping[str, bytes | None]) -> None:
    s3, bucket = stack.client("s3"), stack.ref("PostsBucket")
    for key, data in files.items():
        if data is None:
            s3.delete_object(Bucket=bucket, Key=key)
        else:
            s3.put_object(Bucket=bucket, Key=key, Body=data)


def test_get_prints_the_stored_post_and_list_finds_it_under_each_category(
    stack: tuple[LocalStack, Pipeline, Target], capsys: pytest.CaptureFixture[str]
) -> None:
    made, pipeline, target = stack
    drop(made, {"posts/2026-03-01-a.md": story(1, "markets, partners", 1),
                "posts/2026-03-02-b.md": story(2, "partners", 2),
                "posts/undated.md": post('title: "无日期"\ncategories: partners')})  # fmt: skip
    pipeline.drain()
    # get: the NormalizedPost as parse_post makes it
    item = get_item(target, "2026-03-01-a")
    assert item is not None
    stored = json.loads(post_json(target, item))
    assert stored == json.loads(parse_post(story(1, "markets, partners", 1), "posts/2026-03-01-a.md").model_dump_json())
    assert main(["get", "2026-03-01-a", "--endpoint", str(target.endpoint)]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "第1篇"
    # and by its key, as up, run and list --rejected print it
    assert main(["get", "posts/2026-03-01-a.md", "--endpoint", str(target.endpoint)]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "第1篇"
    assert main(["get", "nope", "--endpoint", str(target.endpoint)]) == 1
    assert "no post 'nope'" in capsys.readouterr().err
    # the key of a file ParseFunction ignores: why, not that the id is wrong
    assert main(["get", "posts/_posts/forgot-the-date.md", "--endpoint", str(target.endpoint)]) == 1
    assert "is no post: ParseFunction ignores it, Jekyll reads only dated files" in capsys.readouterr().err
    # list: under its second category too, newest first, undated last; --since leaves older out
    assert [p["post_id"] for p in list_posts(target, category="partners")] == [
        "2026-03-02-b", "2026-03-01-a", "undated"]  # fmt: skip
    assert [p["post_id"] for p in list_posts(target, category="markets")] == ["2026-03-01-a"]
    assert main(["list", "--category", "Partners", "--endpoint", str(target.endpoint)]) == 0  # another case
    assert "no stored posts match; stored in another case: partners" in capsys.readouterr().err
    assert [p["post_id"] for p in list_posts(target, category="partners", since="2026-03-02")] == ["2026-03-02-b"]
    assert main(["list", "--category", "markets", "--endpoint", str(target.endpoint)]) == 0
    assert "2026-03-01-a  第1篇  [markets partners]" in capsys.readouterr().out


def test_list_since_a_day_holds_that_days_posts_in_the_posts_zone(stack: tuple[LocalStack, Pipeline, Target]) -> None:
    # Given a post dated by its file name alone: midnight of that day in the default zone (+08:00),
    # the evening before in UTC
    made, pipeline, target = stack
    drop(made, {"posts/2026-04-03-midnight.md": post('title: "午夜"\ncategories: dawn', "<p>x</p>\n")})
    pipeline.drain()
    # When the operator lists the posts of that day and after, and of the next day and after
    # Then the day holds it (it is the day's first moment where the post was dated), the next does not
    assert [p["post_id"] for p in list_posts(target, category="dawn", since="2026-04-03")] == ["2026-04-03-midnight"]
    assert list_posts(target, category="dawn", since="2026-04-04") == []
    assert [p["post_id"] for p in list_posts(target, category="dawn", since="2026-04-02T16:00:00Z")] == [
        "2026-04-03-midnight"
    ]


def test_list_rejected_shows_what_the_rejected_files_alarm_points_at(
    stack: tuple[LocalStack, Pipeline, Target], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given two broken files beside a good one (the alarm's case: a producer sending broken files)
    made, pipeline, target = stack
    drop(made, {"posts/broken/a.md": b"---\ntitle: never closed\n",
                "posts/broken/b.docx": b"PK\x03\x04",
                "posts/broken/c.md": story(3, "partners", 3)})  # fmt: skip
    pipeline.drain()
    # When the operator lists the rejected files
    rejected = list_posts(target, rejected=True)
    # Then each broken file is there with why, latest first, and no post is
    mine = [p for p in rejected if p["post_id"].startswith("broken/")]
    reasons = {p["key"]: p["reason"] for p in mine}
    assert set(reasons) == {"posts/broken/a.md", "posts/broken/b.docx"}
    assert "never closed" in reasons["posts/broken/a.md"]
    assert reasons["posts/broken/b.docx"].startswith("not a post file type (.docx)")
    assert [p["updated_at"] for p in rejected] == sorted((p["updated_at"] for p in rejected), reverse=True)
    assert all(p["record_type"] == "REJECTED" for p in rejected)
    assert "broken/c" not in {p["post_id"] for p in rejected}
    assert list_posts(target, rejected=True, since="2999-01-01") == []
    assert main(["list", "--rejected", "--endpoint", str(target.endpoint)]) == 0
    assert "posts/broken/b.docx  not a post file type (.docx)" in capsys.readouterr().out
    # and an empty answer says so rather than printing nothing
    assert main(["list", "--rejected", "--since", "2999-01-01", "--endpoint", str(target.endpoint)]) == 0
    assert capsys.readouterr().err == "postdrop: no rejected files match\n"


def subscriber_state(notifications: list[dict[str, Any]]) -> dict[str, str]:
    """What a subscriber holds after folding notifications by revision: post_id -> content_hash of
    the posts it has (live and inside its filter)."""
    newest: dict[str, dict[str, Any]] = {}
    for n in notifications:
        if n["post_id"] not in newest or n["revision"] >= newest[n["post_id"]]["revision"]:
            newest[n["post_id"]] = n
    return {pid: n["content_hash"] for pid, n in newest.items()
            if n["event_type"] in ("post.created", "post.updated") and "partners" in n["categories"]}  # fmt: skip


def test_a_late_subscriber_that_subscribes_then_replays_ends_with_the_tables_state(
    stack: tuple[LocalStack, Pipeline, Target],
) -> None:
    made, pipeline, target = stack
    before = {f"posts/2026-03-1{i}-late{i}.md": story(10 + i, "partners" if i % 2 else "markets", 10 + i)
              for i in range(8)}  # fmt: skip
    drop(made, before)
    pipeline.drain()
    # Given a subscriber that arrives now: it subscribes first, with its filter
    sqs, sns = made.client("sqs"), made.client("sns")
    queue, _ = subscribe_queue(sqs, sns, made.ref("PostsTopic"), "late-subscriber", PARTNERS)
    # When changes flow while it replays: an update, a delete, one moved in, one moved out, a new one
    changes: dict[str, bytes | None] = {
        "posts/2026-03-11-late1.md": story(11, "partners", 11, title="改过的标题"),
        "posts/2026-03-13-late3.md": None,
        "posts/2026-03-12-late2.md": story(12, "markets, partners", 12),
        "posts/2026-03-15-late5.md": story(15, "markets", 15),
        "posts/2026-03-20-new.md": story(20, "partners", 20),
    }
    drop(made, changes)
    flowing = threading.Thread(target=pipeline.drain)
    flowing.start()
    report = replay(target, queue, PARTNERS)
    flowing.join()
    # Then what it holds is exactly the table's current partners posts
    table = {p["post_id"]: get_item(target, p["post_id"]) for p in list_posts(target, category="partners")}
    expected = {pid: str(item["content_hash"]) for pid, item in table.items() if item}
    received = drain_queue(made, queue)
    assert subscriber_state(received) == expected
    assert report.sent >= 1 and report.scanned >= len(before)
    # and a replay into a queue with nothing else reproduces the settled state alone, byte for byte
    fresh, _ = subscribe_queue(sqs, sns, made.ref("PostsTopic"), "fresh-subscriber", PARTNERS)
    drain_queue(made, fresh)
    report = replay(target, fresh, PARTNERS)
    replayed = drain_queue(made, fresh)
    assert subscriber_state(replayed) == expected
    # without --deleted, nothing but those posts: not the announcement that took late5 out of the
    # filter (a late subscriber never held it, and would take an unknown post's update for its creation)
    assert {n["post_id"] for n in replayed} == set(expected)
    assert all("partners" in n["categories"] for n in replayed)
    assert report.deleted >= 2  # late3 deleted, late5 moved out
    assert "left out (--deleted sends them)" in report.line()
    # with --deleted, the deletions and exits too, as the topic sent them
    everything, _ = subscribe_queue(sqs, sns, made.ref("PostsTopic"), "cleaning-subscriber", PARTNERS)
    drain_queue(made, everything)
    replay(target, everything, PARTNERS, deleted=True)
    others = [n for n in drain_queue(made, everything) if n["post_id"] not in expected]
    assert {n["post_id"] for n in others} >= {"2026-03-13-late3", "2026-03-15-late5"}
    for n in others:
        assert n["event_type"] == "post.deleted" or (
            "partners" in n["previous"]["categories"] and "partners" not in n["categories"]
        )


def test_replay_of_a_post_that_was_told_sends_the_same_notification(stack: tuple[LocalStack, Pipeline, Target]) -> None:
    made, pipeline, target = stack
    sqs, sns = made.client("sqs"), made.client("sns")
    live, _ = subscribe_queue(sqs, sns, made.ref("PostsTopic"), "live", {"category": ["same"]})
    drop(made, {"posts/2026-04-01-same.md": story(30, "same", 1)})
    pipeline.drain()
    drop(made, {"posts/2026-04-01-same.md": story(31, "same, other", 1)})  # an update: previous is announced
    pipeline.drain()
    told = {n["notification_id"]: n for n in drain_queue(made, live)}
    replay(target, live, {"category": ["same"]})
    (again,) = drain_queue(made, live)
    assert again == told[again["notification_id"]]


def test_replay_to_a_queue_that_is_not_there_names_it(stack: tuple[LocalStack, Pipeline, Target]) -> None:
    _, _, target = stack
    missing = f"{target.endpoint}/123456789012/no-such-queue"
    with pytest.raises(TargetError, match=f"no queue {missing}: "):
        replay(target, missing)
    with pytest.raises(TargetError, match="no queue arn:aws:sqs:us-east-1:123456789012:no-such-queue: "):
        replay(target, "arn:aws:sqs:us-east-1:123456789012:no-such-queue")


def test_replay_to_a_wrapped_subscription_says_the_command_that_turns_raw_delivery_on(
    stack: tuple[LocalStack, Pipeline, Target], capsys: pytest.CaptureFixture[str]
) -> None:
    made, _, target = stack
    sqs, sns = made.client("sqs"), made.client("sns")
    _, subscription = subscribe_queue(sqs, sns, target.topic_arn, "wrapped-replay")
    sns.set_subscription_attributes(
        SubscriptionArn=subscription, AttributeName="RawMessageDelivery", AttributeValue="false"
    )
    assert main(["replay", "--subscription", subscription, "--endpoint", target.endpoint or ""]) == 1
    said = capsys.readouterr().err
    assert "RawMessageDelivery off" in said and f"set-subscription-attributes --subscription-arn {subscription}" in said


def test_replay_refuses_a_condition_it_cannot_apply() -> None:
    with pytest.raises(ValueError, match="numeric"):
        matches({"category": [{"numeric": [">", 1]}]}, {})
    assert matches({"category": [{"prefix": "part"}]}, {"category": {"DataType": "String.Array",
                                                                    "StringValue": '["x", "partners"]'}})  # fmt: skip
    assert not matches({"category": [{"anything-but": ["x"]}]}, {"category": {"DataType": "String.Array",
                                                                             "StringValue": '["x"]'}})  # fmt: skip
    assert matches({"source": [{"exists": False}]}, {})


def test_list_says_which_posts_are_not_on_the_site(
    stack: tuple[LocalStack, Pipeline, Target], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a published post, one dated in the future and one its author unpublished, in one category
    made, pipeline, target = stack
    drop(made, {"posts/2026-03-05-live.md": post('title: "上线"\ncategories: status', "<p>x</p>\n"),
                "posts/2099-01-01-later.md": post('title: "以后"\ncategories: status', "<p>x</p>\n"),
                "posts/2026-03-06-held.md": post('title: "撤下"\ncategories: status\npublished: false',
                                                 "<p>x</p>\n")})  # fmt: skip
    pipeline.drain()
    # When the operator lists that category
    assert main(["list", "--category", "status", "--endpoint", str(target.endpoint)]) == 0
    lines = {line.split()[1]: line for line in capsys.readouterr().out.splitlines()}
    # Then each post not on the site says why on its line; the published one has no mark
    assert "上线  [status]" in lines["2026-03-05-live"]
    assert "以后  (scheduled)  [status]" in lines["2099-01-01-later"]
    assert "撤下  (unpublished)  [status]" in lines["2026-03-06-held"]


def test_get_finds_a_post_by_its_s3_url_and_names_the_other_unicode_form(
    stack: tuple[LocalStack, Pipeline, Target], capsys: pytest.CaptureFixture[str]
) -> None:
    import unicodedata

    made, pipeline, target = stack
    mac = unicodedata.normalize("NFD", "posts/2026-03-09-café.md")  # a name as a Mac saved it
    drop(made, {mac: post('title: "Café"')})
    pipeline.drain()
    endpoint = ["--endpoint", str(target.endpoint)]
    assert main(["get", f"s3://{made.ref('PostsBucket')}/{mac}", *endpoint]) == 0  # as `aws s3 ls` names it
    assert json.loads(capsys.readouterr().out)["title"] == "Café"
    assert main(["get", "2026-03-09-café", *endpoint]) == 1  # typed: its accents composed (NFC)
    said = capsys.readouterr().err
    assert "no post '2026-03-09-café'" in said and "accents written in NFD (as a Mac writes file names)" in said
