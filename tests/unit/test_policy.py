"""`postdrop policy`: a filter policy on a name or value postdrop never sends is named, with what was meant."""

from __future__ import annotations

import json
from typing import Any

import pytest

from postdrop.notification import SIZE_ATTRIBUTE, Notification
from postdrop_tools.cli import main
from postdrop_tools.policy import ATTRIBUTES, emulator_differences, not_following, policy_problems, read_policy
from postdrop_tools.replay import check_applicable, matches
from postdrop_tools.template import load_template


@pytest.mark.parametrize(
    ("policy", "said"),
    [
        ({"categories": ["emnews"]}, "no attribute 'categories'; did you mean 'category'?"),
        ({"tag": ["a"]}, "did you mean 'tags'?"),
        ({"event_type": ["post.create"]}, "no notification has 'post.create'; did you mean 'post.created'?"),
        ({"status": ["publish"]}, "did you mean 'published'?"),
        ({"event_type": [{"prefix": "created"}]}, "no value starts with 'created'"),
        ({"event_type": [{"anything-but": "post.deletd"}]}, "so it leaves nothing out"),
        ({"category": "emnews"}, "takes a list of conditions"),
        ({"category": [{"contains": "em"}]}, "is not a condition SNS knows"),
        ({"$or": [{"category": ["a"]}, {"Category": ["b"]}]}, "Category: postdrop's notifications have no attribute"),
        ({"category": [{"numeric": [">", 1]}]}, "is numeric, and the attribute is text"),
        ({"tags": [2026]}, "2026 is numeric, and the attribute is text"),
        # SNS refuses EventBridge's wildcard when the policy is set; no attribute is an IP address
        ({"category": [{"wildcard": "te*"}]}, "wildcard is EventBridge's, not SNS's; use prefix or suffix"),
        ({"status": [{"cidr": "10.0.0.0/24"}]}, "matches IP addresses, and no attribute postdrop sends holds one"),
    ],
)
def test_a_mistake_is_named_where_it_stands(policy: dict[str, Any], said: str) -> None:
    (problem,) = policy_problems(policy)
    assert said in problem


@pytest.mark.parametrize(
    "policy",
    [
        {"category": ["emnews"], "event_type": ["post.created", "post.updated"]},
        {"tags": [{"prefix": "滚动"}], "source": [{"exists": True}], "status": [{"anything-but": ["draft"]}]},
        {"event_type": [{"prefix": "post."}], "category": [{"equals-ignore-case": "EMNEWS"}]},
        {SIZE_ATTRIBUTE: [{"numeric": [">", 262144]}]},
        {"$or": [{"category": ["a"]}, {"tags": ["b"]}]},
    ],
)
def test_a_policy_on_what_postdrop_sends_passes(policy: dict[str, Any]) -> None:
    assert policy_problems(policy) == []


def test_the_templates_example_subscription_passes() -> None:
    template = load_template(stack="t", account="123456789012", region="us-east-1")
    policy = template.resources["ExampleSubscription"]["Properties"]["FilterPolicy"]
    assert policy and policy_problems(policy) == []


def test_the_attributes_it_knows_are_the_ones_a_notification_carries() -> None:
    # a post that moved category, tag, source and status: every attribute is on its notification
    note = Notification.model_validate({
        "notification_id": "n", "event_type": "post.updated", "post_id": "p", "key": "posts/p.md", "sequencer": "1",
        "categories": ["a"], "tags": ["t"], "source_name": "s", "status": "published",
        "previous": {"record_type": "POST", "categories": ["b"], "status": "scheduled"},
    })  # fmt: skip
    attributes = note.message_attributes()
    assert set(attributes) == set(ATTRIBUTES) - {SIZE_ATTRIBUTE}  # that one only on an offloaded message
    for name in attributes:  # and a policy that passes the check matches it
        assert matches({name: [{"exists": True}]}, attributes) and policy_problems({name: [{"exists": True}]}) == []


def test_body_scope_checks_the_notifications_fields_and_the_posts() -> None:
    assert policy_problems({"post": {"lang": ["zh"]}, "previous": {"record_type": ["POST"]}}, "MessageBody") == []
    (problem,) = policy_problems({"lang": ["zh"]}, "MessageBody")
    assert "under post" in problem
    (problem,) = policy_problems({"event_type": ["post.delete"]}, "MessageBody")
    assert "did you mean 'post.deleted'?" in problem


def test_what_is_not_a_policy_says_so() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        read_policy("{category: [a]}")
    with pytest.raises(ValueError, match="JSON object of attribute names"):
        read_policy('["category"]')


def test_the_command_exits_1_with_each_problem_and_0_when_none(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", json.dumps({"categories": ["emnews"], "event_type": ["post.create"]})]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].startswith("postdrop: categories:") and "post.created" in err[1]
    assert main(["policy", json.dumps({"category": ["emnews"]})]) == 0
    assert "names only what postdrop's notifications carry" in capsys.readouterr().out
    assert main(["policy", "no-such-file.json"]) == 64
    assert "neither a JSON filter policy nor a file" in capsys.readouterr().err


def test_tail_and_replay_warn_about_a_filter_that_selects_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    from postdrop_tools.cli import _policy

    assert _policy(json.dumps({"categories": ["emnews"]})) == {"categories": ["emnews"]}  # used as given
    assert "warning: categories:" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("policy", "said"),
    [
        # each behind a condition that decides first: matching stops there, the check does not
        ({"event_type": ["post.created"], "category": [{"wildcard": "te*"}]}, 'condition {"wildcard": "te*"}'),
        ({"category": ["a", {"anything-but": {"prefix": "x"}}]}, '{"anything-but": {"prefix": "x"}}'),
        ({"category": ["a"], "$or": [{"tags": ["b"]}]}, "'$or': it is not a list of two or more policies"),
        ({"category": ["a"], "$and": [{"tags": ["b"]}]}, "does not apply '$and': SNS knows $or alone"),
    ],
)
def test_what_the_local_matcher_cannot_apply_is_found_before_any_message(policy: dict[str, Any], said: str) -> None:
    assert matches(policy, {}) is False  # no error: the first attribute already fails
    with pytest.raises(ValueError, match="tail on a local stack") as caught:
        check_applicable(policy, "tail on a local stack")
    assert said in str(caught.value)


@pytest.mark.parametrize(
    ("policy", "scope", "said"),
    [
        ({"tags": [{"prefix": "py"}]}, "MessageAttributes", ["tags: prefix never matches (always a list)"]),
        ({"$or": [{"status": [{"suffix": "ed"}]}, {"category": ["x"]}]}, "MessageAttributes",
         ["status: suffix never matches when a change moved it (a list)"]),
        ({"category": [{"anything-but": ["x"]}, {"anything-but": ["y"]}]}, "MessageAttributes",
         ["category: anything-but reads the list's JSON text (always a list): it lets in what it excludes"]),
        ({"event_type": [{"equals-ignore-case": "POST.CREATED"}]}, "MessageAttributes",
         ["event_type: equals-ignore-case never matches"]),
        ({"event_type": [{"prefix": "post.d"}], "source": [{"anything-but": ["x"]}]}, "MessageAttributes", []),
        ({"event_type": ["post.created"]}, "MessageBody", ["the emulator delivers nothing to a MessageBody policy"]),
    ],
)  # fmt: skip
def test_what_the_local_emulator_applies_otherwise_than_sns_is_named(
    policy: dict[str, Any], scope: str, said: list[str]
) -> None:
    lines = emulator_differences(policy, scope)
    assert len(lines) == len(said) and all(line.startswith(s) for line, s in zip(lines, said, strict=True)), lines


def test_a_filter_that_does_not_follow_the_post_is_named_and_one_that_does_is_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # exists: false hears a post enter, never leave (the change that adds tags carries tags)
    assert main(["policy", '{"tags": [{"exists": false}]}']) == 0
    assert "tags: exists: false matches a post without tags" in capsys.readouterr().err
    # two attributes: old and new values of each, so a change can match a pair the post never had
    assert main(["policy", '{"category": ["emnews"], "status": ["published"]}']) == 0
    assert "category and status together" in capsys.readouterr().err
    # through $or, per branch; and a filter on one attribute, or on what a post has, follows it
    assert not_following({"$or": [{"category": ["a"]}, {"tags": ["b"]}]}) == []
    assert not_following({"event_type": ["post.created"], "$or": [{"tags": ["b"], "source": ["s"]}]}) != []
    assert not_following({"tags": [{"exists": True}], "event_type": ["post.updated"]}) == []
    assert not_following({"category": [{"anything-but": ["spam"]}]}) == []  # the way out carries the old value
