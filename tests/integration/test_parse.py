"""ParseFunction on moto: keys decoded once, limits, wrapped events, rejections as envelopes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from moto import mock_aws

from postdrop.config import ParseSettings, PublishSettings, StoreSettings
from postdrop.exceptions import ConfigError
from postdrop_tools.emulator import LOCAL_CREDENTIALS, Emulator
from postdrop_tools.stack import provision
from tests.conftest import post
from tests.integration.conftest import as_json, s3_event

if TYPE_CHECKING:
    from tests.integration.conftest import Harness

BODY = post('title: "t"\ncategories: emnews', "<p>x</p>\n")


def parse(h: Harness, event: dict[str, Any]) -> list[dict[str, Any]]:
    h.pipeline.functions["ParseFunction"].invoke(event)
    return [json.loads(b) for b in h.envelopes_sent()]


@pytest.mark.parametrize("key", ["posts/a b+c.md", "posts/市场 快讯.md", "posts/2026/x%y.md"])
def test_keys_are_decoded_once(harness: Harness, key: str) -> None:
    harness.put(key, BODY)
    (env,) = parse(harness, s3_event(harness.bucket, key, "01"))
    assert env["action"] == "upsert"
    assert env["change"]["key"] == key


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("posts/letter.docx", "not a post file type (.docx)"),
        ("drafts/a.md", "outside posts/"),
        ("posts/../etc/a.md", "'..' segment"),
    ],
)
def test_keys_that_cannot_be_posts_are_rejected_before_any_read(harness: Harness, key: str, reason: str) -> None:
    (env,) = parse(harness, s3_event(harness.bucket, key, "01"))  # nothing was even uploaded
    assert env["action"] == "reject"
    assert reason in str(env["reason"])


def test_an_object_over_the_size_cap_is_rejected_unread(harness: Harness) -> None:
    harness.pipeline.functions["ParseFunction"].environment["MAX_OBJECT_BYTES"] = "2048"  # its configuration
    harness.put("posts/big.md", BODY + b"x" * 5000)
    (env,) = parse(harness, s3_event(harness.bucket, "posts/big.md", "01"))
    assert env["action"] == "reject"
    assert "the cap is 2048 bytes (the stack's MaxObjectBytes)" in str(env["reason"])


def test_wrapped_events_give_the_same_envelope(harness: Harness) -> None:
    harness.put("posts/w.md", BODY)
    direct = s3_event(harness.bucket, "posts/w.md", "01")
    in_sqs = {"Records": [{"eventSource": "aws:sqs", "body": as_json(direct)}]}
    from_dlq = {"Records": [{"eventSource": "aws:sqs", "body": as_json({"requestPayload": direct})}]}
    envelopes = [parse(harness, e)[0] for e in (direct, in_sqs, from_dlq)]
    assert envelopes[0] == envelopes[1] == envelopes[2]


def test_the_s3_test_event_does_nothing(harness: Harness) -> None:
    event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": harness.bucket}
    assert parse(harness, event) == []


def test_settings_name_what_is_missing() -> None:
    with pytest.raises(ConfigError, match="STORE_QUEUE_URL"):
        ParseSettings.from_env({})
    with pytest.raises(ConfigError, match="PAYLOAD_BUCKET"):
        StoreSettings.from_env({"POSTS_TABLE": "t"})
    with pytest.raises(ConfigError, match="POSTS_TOPIC_ARN"):
        PublishSettings.from_env({"POSTS_TOPIC_ARN": "not-an-arn", "PAYLOAD_BUCKET": "b"})
    with pytest.raises(ConfigError, match="MAX_OBJECT_BYTES"):
        ParseSettings.from_env({"STORE_QUEUE_URL": "u", "MAX_OBJECT_BYTES": "-1"})


def test_the_publisher_keeps_schedules_only_when_its_settings_name_where() -> None:
    base = {"POSTS_TOPIC_ARN": "arn:aws:sns:us-east-1:1:t", "PAYLOAD_BUCKET": "b"}
    assert PublishSettings.from_env(base).schedules is None  # a stack without a schedule group: none kept
    full = base | {"SCHEDULE_GROUP": "g", "STORE_QUEUE_ARN": "arn:aws:sqs:us-east-1:1:q",
                   "SCHEDULER_ROLE_ARN": "arn:aws:iam::1:role/r"}  # fmt: skip
    target = PublishSettings.from_env(full).schedules
    assert target is not None and (target.group, target.dlq_arn) == ("g", None)
    with pytest.raises(ConfigError, match="SCHEDULER_ROLE_ARN"):
        PublishSettings.from_env(full | {"SCHEDULER_ROLE_ARN": "role"})


def test_a_file_that_takes_longer_than_the_function_has_is_rejected_on_the_first_attempt(harness: Harness) -> None:
    # Given a ParseFunction with almost no CPU (a memory size of 1 MB: the least budget, 0.5 s of
    # CPU) and a long quote (4 MB) that takes about 2 s of CPU to read on these machines
    function = harness.pipeline.functions["ParseFunction"]
    function.spec.memory_mb = 1
    quote = "".join(f"> line {i} of a *long* quote, with words and more words in it\n" for i in range(70_000))
    harness.put("posts/2026-01-01-long.md", post('title: "long"\ncategories: emnews', quote))
    # When its S3 event is handled
    (env,) = parse(harness, s3_event(harness.bucket, "posts/2026-01-01-long.md", "01"))
    # Then, in one invocation, it is a rejection that says why, with the categories its subscribers filter on
    assert env["action"] == "reject"
    assert "took more than 0.5 s of CPU" in env["reason"]
    assert env["categories"] == ["emnews"]
    # and with the template's memory size the same post is read
    function.spec.memory_mb = 256
    (env,) = parse(harness, s3_event(harness.bucket, "posts/2026-01-01-long.md", "02"))
    assert env["action"] == "upsert", env.get("reason")


def test_the_sites_defaults_and_future_setting_reach_each_post(harness: Harness) -> None:
    # Given a stack deployed with SiteDefaults and SiteFuture set (the site's _config.yml, as JSON)
    environment = harness.pipeline.functions["ParseFunction"].environment
    environment["POSTDROP_SITE_DEFAULTS"] = json.dumps(
        [{"scope": {"path": "_posts/notes"}, "values": {"categories": ["notes"], "tags": ["short"], "layout": "note"}}]
    )
    environment["POSTDROP_SITE_FUTURE"] = "true"
    environment["POSTDROP_SITE_KRAMDOWN"] = json.dumps({"auto_id_prefix": "n-", "toc_levels": "2..3"})
    environment["POSTDROP_SITE_VARIABLES"] = json.dumps({"images": "/assets/img", "url": "not the site's url"})
    # When a post dated far ahead is dropped under the scope's folder (posts/notes/: _posts/notes/ to Jekyll)
    body = "## Soon\n\nSoon.\n\n![map]({{ site.images }}/map.png) on {{ site.url }}\n"
    harness.put("posts/notes/2999-01-01-later.md", post('title: "later"\ncategories: [own]', body))
    (env,) = parse(harness, s3_event(harness.bucket, "posts/notes/2999-01-01-later.md", "01"))
    # Then it takes the scope's front matter (its own categories after the defaults') and is published now
    assert env["action"] == "upsert"
    assert (env["post"]["categories"], env["post"]["tags"], env["post"]["layout"]) == (
        ["notes", "own"],
        ["short"],
        "note",
    )
    assert env["post"]["status"] == "published"
    # and its heading's id has the prefix the site's kramdown: block gives every id kramdown makes
    assert env["post"]["headings"] == [{"level": 2, "text": "Soon", "id": "n-soon"}]
    # and its Liquid reads the site's other settings; site.url stays SiteUrl's (empty here)
    assert env["post"]["images"] == ["/assets/img/map.png"] and env["post"]["text"].endswith("on")


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("POSTDROP_TIMEZONE", "+0100", "must be an IANA zone name"),
        ("POSTDROP_SITE_FUTURE", "yes", "must be true or false"),
        ("POSTDROP_SITE_DEFAULTS", "defaults: []", "must be a JSON list"),
        ("POSTDROP_SITE_DEFAULTS", '[{"scope": {"path": ""}}]', '"values"'),
        ("POSTDROP_SITE_KRAMDOWN", "auto_id_prefix: h-", "must be a JSON object"),
        ("POSTDROP_SITE_KRAMDOWN", '["h-"]', "must be a JSON object"),
        ("POSTDROP_SITE_VARIABLES", "images: /img", "must be a JSON object"),
        ("POSTDROP_SITE_VARIABLES", '["/img"]', "must be a JSON object"),
    ],
)
def test_a_site_setting_jekyll_would_read_otherwise_is_a_config_error(variable: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError, match=variable) as raised:
        ParseSettings.from_env({"STORE_QUEUE_URL": "u", variable: value})
    assert says in str(raised.value)


def test_a_rejected_post_is_announced_under_the_categories_its_site_gives_it(harness: Harness) -> None:
    # Given a site whose defaults file every post under _posts/partners/ in "partners", synced whole
    environment = harness.pipeline.functions["ParseFunction"].environment
    environment["POSTDROP_SITE_DEFAULTS"] = json.dumps(
        [{"scope": {"path": "blog/_posts/partners"}, "values": {"categories": ["partners"]}}]
    )
    # When a post there cannot be read (its head is past the title's cap)
    key = "posts/blog/_posts/partners/2026-01-01-long.md"
    harness.put(key, post(f'title: "{"x" * 5000}"\ntags: [deal]', "Body.\n"))
    (env,) = parse(harness, s3_event(harness.bucket, key, "01"))
    # Then its rejection carries the categories the site gives it (the defaults' and the folder above
    # _posts/), so the "partners" subscriber hears of it as it would have heard of the post
    assert env["action"] == "reject"
    assert (env["categories"], env["tags"]) == (["blog", "partners"], ["deal"])


def test_the_local_stack_takes_the_templates_parameters_as_sam_deploy_does(monkeypatch: pytest.MonkeyPatch) -> None:
    # postdrop up and run --parameter-overrides: the site's zone and permalink on a laptop too
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)  # moto in this process, as the harness runs it
    for name, value in LOCAL_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        with pytest.raises(ValueError, match="no parameter DefaultTimezone"):
            provision(Emulator(endpoint=None), {"DefaultTimezone": "UTC"})
        stack = provision(Emulator(endpoint=None), {"DefaultTimeZone": "Europe/Berlin", "SitePermalink": "pretty"})
    env = stack.functions["ParseFunction"].env
    assert (env["POSTDROP_TIMEZONE"], env["POSTDROP_SITE_PERMALINK"]) == ("Europe/Berlin", "pretty")
