"""The CLI's manners, as a person meets them: a version, help with defaults, distinct exit codes, one-line errors."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, cast

import pytest

from postdrop.exceptions import EventNotUnderstood
from postdrop.store import sqs_messages
from postdrop_tools.cli import EXIT_REJECTED, EXIT_USAGE, main
from postdrop_tools.local import dead_letter_line, notification_lines
from tests.conftest import SAMPLES

if TYPE_CHECKING:
    from pathlib import Path


def test_version_and_help_say_what_postdrop_is(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as version:
        main(["--version"])
    assert version.value.code == 0 and capsys.readouterr().out.startswith("postdrop ")
    with pytest.raises(SystemExit):
        main(["replay", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "send every post's last announcement" in text and "parallel scan segments (default: 4)" in text


def test_usage_errors_and_rejections_have_their_own_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["bogus"])
    assert usage.value.code == EXIT_USAGE
    assert capsys.readouterr().err.count("\n") == 1  # one line
    assert main(["tail", "--filter", "{not json", "--stack", "s", "--region", "us-east-1"]) == EXIT_USAGE
    assert "--filter is not JSON" in capsys.readouterr().err
    assert main(["parse", str(SAMPLES / "not-a-post.md")]) == EXIT_REJECTED == 2  # the contract since the first version
    assert main(["get", " "]) == EXIT_USAGE  # said before any stack is looked for (it was DynamoDB's refusal)
    assert "POST_ID is empty" in capsys.readouterr().err
    assert main(["list", "--since", "yesterday"]) == EXIT_USAGE  # said before any stack is looked for
    assert "--since 'yesterday' is not a date" in capsys.readouterr().err
    assert main(["list", "--endpoint", "localhost:4566"]) == 1  # not "no local stack": the scheme is missing
    assert "has no scheme: write http://localhost:4566" in capsys.readouterr().err
    # numbers out of range are usage errors, said in one line (a negative --segments hung, a port
    # past 65535 was a traceback from bind())
    for argv, said in ((["replay", "--segments", "-3"], "'-3' is not 1 or more"),
                       (["replay", "--segments", "0"], "'0' is not 1 or more"),
                       (["up", "--port", "99999"], "'99999' is no port (0 to 65535")):  # fmt: skip
        with pytest.raises(SystemExit) as usage:
            main(argv)
        assert usage.value.code == EXIT_USAGE
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1


def test_a_parameter_override_the_template_refuses_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(tmp_path), "--parameter-overrides", "SiteFuture=maybe"]) == EXIT_USAGE
    assert "SiteFuture='maybe' is not one of true, false (see postdrop run --help)" in capsys.readouterr().err
    assert main(["run", str(tmp_path), "--parameter-overrides", "Nope=1"]) == EXIT_USAGE
    assert "template.yaml has no parameter Nope" in capsys.readouterr().err


def test_no_region_is_one_line_that_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/postdrop-test-config")
    assert main(["list", "--stack", "postdrop"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "postdrop: no AWS region: pass --region REGION or set AWS_REGION (or AWS_DEFAULT_REGION)"


def test_invoke_names_a_function_the_template_lacks_before_starting_anything(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["invoke", "FooFunction", "events/s3-put.json"]) == EXIT_USAGE
    assert (
        "FooFunction is not a function of template.yaml (ParseFunction, StoreFunction, PublishFunction)"
        in capsys.readouterr().err
    )


def test_invoke_says_an_event_that_is_no_json_object_is_none_before_starting_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for text, kind in (("[]", "an array"), ('"s3"', "a string"), ("7", "a number")):
        event = tmp_path / "event.json"
        event.write_text(text)
        assert main(["invoke", "ParseFunction", str(event)]) == 1
        assert f"the event is {kind}, not a JSON object as Lambda's events are" in capsys.readouterr().err


def test_store_function_says_what_an_event_is_when_it_is_not_its_own() -> None:
    with pytest.raises(EventNotUnderstood, match="record 0 is not one \\(eventSource aws:s3\\)"):
        sqs_messages({"Records": [{"eventSource": "aws:s3", "s3": {}}]})
    assert sqs_messages({"Records": [{"messageId": "m", "body": "{}"}]}) == [{"messageId": "m", "body": "{}"}]


def test_a_notification_line_is_followed_by_its_posts_warnings() -> None:
    warnings = ["date dropped: 'soon' is not a date", "encoding guessed: cp1252"]
    notification = {"event_type": "post.created", "key": "posts/a.md", "title": "A", "categories": ["news"],
                    "post": {"warnings": warnings}}  # fmt: skip
    assert notification_lines(notification) == [
        "post.created     posts/a.md  A  [news]",
        "    warning: date dropped: 'soon' is not a date",
        "    warning: encoding guessed: cp1252",
    ]
    del notification["post"]  # a tail without the post, or a deletion: the line alone
    assert notification_lines(notification) == ["post.created     posts/a.md  A  [news]"]
    # the widest event type keeps the keys in one column
    unpublished = notification | {"event_type": "post.unpublished"}
    assert notification_lines(unpublished) == ["post.unpublished posts/a.md  A  [news]"]
    # a release note tagged with 128 packages: the first labels, then how many more
    many = notification | {"tags": [f"p{i}" for i in range(128)]}
    shown = " ".join(f"#p{i}" for i in range(11))
    assert notification_lines(many) == [f"post.created     posts/a.md  A  [news {shown} (+117 more)]"]


def test_a_notification_line_says_why_a_post_left_and_what_an_update_changed() -> None:
    head = {"key": "posts/a.md", "title": "A", "categories": ["news"]}
    unpublished = head | {"event_type": "post.deleted", "status": "unpublished",
                          "previous": {"record_type": "POST", "status": "published"}}  # fmt: skip
    assert notification_lines(unpublished) == ["post.deleted     posts/a.md  A  (now unpublished)  [news]"]
    rejected_gone = {"event_type": "post.deleted", "key": "posts/b.md", "categories": [],
                     "previous": {"record_type": "REJECTED"}}  # fmt: skip
    assert notification_lines(rejected_gone) == ["post.deleted     posts/b.md  (file gone; it was rejected)"]
    draft_gone = rejected_gone | {"previous": {"record_type": "POST", "status": "draft", "categories": ["x"]}}
    assert notification_lines(draft_gone) == ["post.deleted     posts/b.md  (file gone; it was a draft)  [was x]"]
    post_gone = draft_gone | {"previous": {"record_type": "POST", "status": "published", "categories": ["x"]}}
    assert notification_lines(post_gone) == ["post.deleted     posts/b.md  (file gone)  [was x]"]
    updated = head | {"event_type": "post.updated", "changed": ["title", "body"]}
    assert notification_lines(updated) == ["post.updated     posts/a.md  A  (changed: title, body)  [news]"]


def test_a_dead_letter_says_which_file_and_why() -> None:
    failed = {  # a Lambda on-failure destination record, as ParseDLQ receives it
        "requestPayload": {"Records": [{"s3": {"object": {"key": "posts/a.md"}}}]},
        "responsePayload": {"errorMessage": "Task timed out after 30.00 seconds", "errorType": "Timeout"},
    }
    assert dead_letter_line("parse", {"Body": json.dumps(failed)}) == (
        "dead-letter    posts/a.md  Task timed out after 30.00 seconds  (postdrop redrive parse, after a fix)"
    )
    failed["requestPayload"] = {"Records": [{"s3": {"object": {"key": "posts/2026-06-02+my%2Bpost.md"}}}]}
    assert dead_letter_line("parse", {"Body": json.dumps(failed)}).startswith(  # as the file is named
        "dead-letter    posts/2026-06-02 my+post.md  Task timed out"
    )
    envelope = {"post_id": "a", "change": {"key": "posts/a.md"}}  # maxReceiveCount moved it: no reason given
    assert dead_letter_line("store", {"Body": json.dumps(envelope)}) == (
        "dead-letter    posts/a.md  StoreFunction failed on every receive (maxReceiveCount; its error:"
        " StoreFunction's log, by this key)  (postdrop redrive store, after a fix)"
    )
    assert "an envelope" in dead_letter_line("store", {"Body": "not json"})
    stream = {"DDBStreamBatchInfo": {"startSequenceNumber": "100", "endSequenceNumber": "104"}}
    assert dead_letter_line("publish", {"Body": json.dumps(stream)}) == (
        "dead-letter    stream records 100..104  PublishFunction failed every retry (its error: PublishFunction's"
        " log)  (postdrop redrive publish, after a fix, within the stream's 24 h)"
    )
    recheck = {"post_id": "2099-01-01-later", "change": {"key": "posts/2099-01-01-later.md"}}
    assert dead_letter_line("schedule", {"Body": json.dumps(recheck)}).startswith(
        "dead-letter    posts/2099-01-01-later.md  its scheduled recheck could not reach StoreQueue"
    ) and dead_letter_line("schedule", {"Body": json.dumps(recheck)}).endswith(
        "(postdrop redrive schedule, after a fix)"
    )


def test_redrive_names_all_four_dlqs_all_and_still_takes_both() -> None:
    from postdrop_tools.cli import _parser

    assert _parser().parse_args(["redrive"]).which == "all"
    assert _parser().parse_args(["redrive", "both"]).which == "all"  # the name before PublishDLQ, kept
    assert _parser().parse_args(["redrive", "publish"]).which == "publish"
    assert _parser().parse_args(["redrive", "schedule"]).which == "schedule"
    assert _parser().parse_args(["dead-letters", "schedule"]).which == "schedule"


def test_the_local_stacks_endpoint_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from postdrop_tools.cli import _parser

    assert _parser().parse_args(["list"]).endpoint == "http://127.0.0.1:4566"  # `postdrop up`'s default port
    monkeypatch.setenv("POSTDROP_ENDPOINT", "http://127.0.0.1:4599")  # `postdrop up --port 4599`
    for verb in (["list"], ["tail"], ["get", "a"], ["drop", "a.md"], ["redrive"]):
        assert _parser().parse_args(verb).endpoint == "http://127.0.0.1:4599", verb
    assert _parser().parse_args(["list", "--endpoint", "http://127.0.0.1:5000"]).endpoint == "http://127.0.0.1:5000"


def test_up_says_a_failed_round_once_and_stays_up(capsys: pytest.CaptureFixture[str]) -> None:
    import threading

    from postdrop_tools.up import _pumped

    class _Gone:  # a pipeline whose queue was deleted by hand: every round fails the same way
        def pump(self) -> int:
            raise RuntimeError("AWS refused: NonExistentQueue on ReceiveMessage")

    said: set[str] = set()
    for _ in range(2):
        assert _pumped(_Gone(), said, threading.Event()) is False  # type: ignore[arg-type]
    assert capsys.readouterr().err.count("NonExistentQueue") == 1
    stopping = threading.Event()
    stopping.set()  # Ctrl-C under way: the failure is the emulator going, and up stops
    with pytest.raises(RuntimeError):
        _pumped(_Gone(), said, stopping)  # type: ignore[arg-type]


def test_since_without_an_offset_is_the_posts_zone_for_posts_and_utc_for_rejections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from postdrop_tools.read import since_utc

    monkeypatch.delenv("POSTDROP_TIMEZONE", raising=False)
    assert since_utc("2026-12-07") == "2026-12-06T16:00:00Z"  # the day of the posts' dates (Asia/Shanghai)
    # a rejection's time is listed in UTC, and an alarm's is shown in UTC: --since reads it so
    assert since_utc("2026-12-07T09:05", recorded=True) == "2026-12-07T09:05:00Z"
    assert since_utc("2026-12-07T17:05+08:00", recorded=True) == "2026-12-07T09:05:00Z"


def test_parse_of_a_sites_own_file_says_parsefunction_would_not_read_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "_config.yml"
    config.write_text("title: my blog\n")
    assert main(["parse", str(config)]) == EXIT_REJECTED  # not a post, as before
    err = capsys.readouterr().err
    assert err.startswith(f"postdrop: {config}: dropped as posts/_config.yml, ParseFunction would ignore it, unread:")
    assert "Jekyll reads no post" in err


@pytest.mark.parametrize(
    ("name", "key", "verdict"),
    [
        ("x.textile", None, "would reject it, unread: not a post file type (.textile)"),
        ("2026-05-01-y.mdown", None, "would ignore it, unread: a file of the site (.mdown)"),
        ("a.md", "posts/../a.md", "would reject it, unread: the object key has a '..' segment"),
        ("a.md", "drafts/a.md", "would reject it, unread: the object key is outside posts/"),
    ],
)
def test_parse_gives_parsefunctions_verdict_on_the_key_before_reading_the_post(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, key: str | None, verdict: str
) -> None:
    # Given a readable post, under a name or key ParseFunction never reads as a post
    path = tmp_path / name
    path.write_text("---\ntitle: t\n---\nText.\n")
    # When parse reads it as that key, it says what the pipeline would do, and prints no post
    assert main(["parse", str(path), *(["--key", key] if key else [])]) == EXIT_REJECTED
    out = capsys.readouterr()
    assert verdict in out.err and out.out == ""


def test_a_zone_that_is_no_iana_name_is_a_usage_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    for zone in ("Asia/Shangai", "asia/shanghai", ""):
        with pytest.raises(SystemExit) as stopped:
            main(["parse", str(SAMPLES / "2026-03-02-NW0001.md"), "--zone", zone])
        assert stopped.value.code == EXIT_USAGE
        assert "is no IANA zone name" in capsys.readouterr().err


def test_backfill_takes_only_prefixes_under_posts(capsys: pytest.CaptureFixture[str]) -> None:
    # outside posts/ nothing is a post: each object would be announced as rejected, for good
    for prefix in ("batch-reports/", "blog/", ""):
        assert main(["backfill", "--prefix", prefix]) == EXIT_USAGE
        assert "under posts/ (e.g. posts/" in capsys.readouterr().err


def test_runs_summary_says_why_each_file_was_lost_and_prices_no_run_that_stored_nothing() -> None:
    from pathlib import Path

    from postdrop_tools.run import RunReport, _summary

    line = (
        "dead-letter    posts/a.md  POSTDROP_TIMEZONE: must be an IANA zone name  (postdrop redrive parse, after a fix)"
    )
    report = RunReport(dropped=1, lost=1, lost_keys=["posts/a.md"], dead_letters=[line],
                       cost={"usd_per_1000_posts": 0.0067})  # fmt: skip
    lines = _summary(Path("posts"), report).splitlines()
    lost = next(i for i, text in enumerate(lines) if text.startswith("  lost"))
    assert lines[lost : lost + 2] == ["  lost      1  posts/a.md", f"            {line}"]
    assert "  cost      -" in lines  # nothing stored: no price per post
    report = RunReport(dropped=1, ignored=1, ignored_keys={"posts/a.mdown": "a static file of the site (.mdown)"})
    assert "            posts/a.mdown: a static file of the site (.mdown)" in _summary(Path("p"), report).splitlines()


def test_policy_warns_that_a_body_policy_misses_every_offloaded_notification(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["policy", "--scope", "MessageBody", '{"event_type": ["post.created"]}']) == 0
    out = capsys.readouterr()
    assert "names only what postdrop's notifications carry" in out.out
    assert "never matches a notification over 256 KB" in out.err
    assert main(["policy", '{"event_type": ["post.created"]}']) == 0  # attributes: no such warning
    assert capsys.readouterr().err == ""


def test_a_reader_that_stops_early_ends_the_command_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    # postdrop list --json | head -1: the pipe closes under the next write
    def closed_pipe(_args: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("postdrop_tools.cli.cmd_parse", closed_pipe)
    assert main(["parse", str(SAMPLES / "2026-03-02-NW0001.md")]) == 0


def test_up_prints_a_functions_log_line_as_one_readable_line() -> None:
    import logging

    from postdrop_tools.up import LogLine

    record = logging.LogRecord("postdrop", logging.WARNING, "parse.py", 1, "object gone before it was read", (), None)
    record.key = "posts/a.md"
    assert LogLine().format(record) == "warning        object gone before it was read  key=posts/a.md"
    try:
        raise TimeoutError("read timed out")
    except TimeoutError:
        import sys

        failed = logging.LogRecord("postdrop", logging.ERROR, "store.py", 1, "record failed", (), sys.exc_info())
    line = LogLine().format(failed)
    assert line.endswith("record failed  error=TimeoutError: read timed out") and "Traceback" not in line


def test_parse_reads_the_sites_settings_as_parsefunction_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a site whose permalink and zone are set as the template sets them for ParseFunction
    path = tmp_path / "2026-03-02-a.md"
    path.write_bytes(b"---\ntitle: a\ndate: 2026-03-02 23:30:00\n---\nText.\n")
    monkeypatch.setenv("POSTDROP_SITE_PERMALINK", "pretty")
    monkeypatch.setenv("POSTDROP_TIMEZONE", "UTC")
    monkeypatch.setenv("POSTDROP_SITE_URL", "https://env.example")
    # When a post is parsed, with and without a flag over one of them
    assert main(["parse", str(path)]) == 0
    read = json.loads(capsys.readouterr().out)
    assert main(["parse", str(path), "--site-url", "https://flag.example", "--zone", "Asia/Shanghai"]) == 0
    flagged = json.loads(capsys.readouterr().out)
    # Then its url and date are the function's; a flag wins over the environment
    assert (read["url"], read["published_at"]) == ("https://env.example/2026/03/02/a/", "2026-03-02T23:30:00+00:00")
    assert flagged["url"] == "https://flag.example/2026/03/02/a/"
    assert flagged["published_at"] == "2026-03-02T23:30:00+08:00"
    # and a setting the function would refuse is a usage error, named
    monkeypatch.setenv("POSTDROP_SITE_FUTURE", "maybe")
    assert main(["parse", str(path)]) == EXIT_USAGE
    assert "POSTDROP_SITE_FUTURE: must be true or false" in capsys.readouterr().err


def test_parse_takes_the_template_s_parameters_as_a_stack_is_given_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a post with a heading, and a shell that sets the site's permalink one way
    path = tmp_path / "2026-03-02-a.md"
    path.write_bytes(b"---\ntitle: a\ndate: 2026-03-02 10:00:00 +0000\n---\n## One heading\n\nText.\n")
    monkeypatch.setenv("POSTDROP_SITE_PERMALINK", "date")
    # When it is parsed with the parameters sam deploy would be given
    overrides = ["SitePermalink=/:title/", 'SiteKramdown={"auto_id_prefix": "h-"}']
    assert main(["parse", str(path), "--parameter-overrides", *overrides]) == 0
    read = json.loads(capsys.readouterr().out)
    # Then they are read as ParseFunction reads them, over the environment
    assert read["url"].endswith("/a/") and "/2026/" not in read["url"]
    assert [h["id"] for h in read["headings"]] == ["h-one-heading"]
    # and a parameter the template lacks, a value it refuses, or one ParseFunction never reads is a usage error
    for bad, said in [
        ("SitePermalnk=pretty", "template.yaml has no parameter SitePermalnk"),
        ("SiteFuture=maybe", "SiteFuture='maybe' is not one of"),
        ("StoreMaxReceiveCount=5", "StoreMaxReceiveCount does not change how a post is read"),
        ('SiteKramdown=["x"]', "POSTDROP_SITE_KRAMDOWN"),
    ]:
        assert main(["parse", str(path), "--parameter-overrides", bad]) == EXIT_USAGE, bad
        assert said in capsys.readouterr().err, bad


def test_up_names_what_was_dropped_outside_posts_once_and_never_postdrops_own_prefixes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import boto3
    from moto import mock_aws

    from postdrop_tools.local import outside_said

    if TYPE_CHECKING:
        from postdrop_tools.stack import LocalStack

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bkt")
        for key in ["posts/a.md", "payloads/n.json", "archive/posts/x.json.gz", "batch-reports/job-1/status.json",
                    "_posts/2026-01-01-a.md", "README.md", "Posts/_posts/2026-01-02-b.md", "it's here.md"]:  # fmt: skip
            s3.put_object(Bucket="bkt", Key=key, Body=b"x")

        class Stack:  # what outside_said reads of a LocalStack
            def ref(self, logical: str) -> str:
                return "bkt"

            def client(self, service: str) -> object:
                return s3

        said: set[str] = set()
        stack = cast("LocalStack", Stack())
        lines = outside_said(stack, said)
        assert [line.split()[1] for line in lines] == [
            "s3://bkt/Posts/",
            "s3://bkt/_posts/",
            "s3://bkt/README.md",
            "s3://bkt/it's",
        ]
        # posts/ in another case is a typo of posts/ itself: moved onto it, not kept as a folder under it
        assert lines[0].endswith("aws s3 mv --recursive s3://bkt/Posts/ s3://bkt/posts/")
        assert "aws s3 mv --recursive s3://bkt/_posts/ s3://bkt/posts/_posts/" in lines[1]
        # a name with a space or a quote, as a shell takes it
        assert lines[3].endswith("""aws s3 mv 's3://bkt/it'"'"'s here.md' 's3://bkt/posts/it'"'"'s here.md'""")
        assert outside_said(stack, said) == []  # once each


def test_a_blogs_config_gives_the_parameters_that_read_its_posts_as_its_jekyll_does() -> None:
    from postdrop_tools.local import config_line, site_overrides

    config = (
        b"title: Ma page\ntimezone: Europe/Paris\npermalink: /:year/:title/\nurl: https://blog.example\n"
        b"future: true\ndefaults:\n  - scope: {path: ''}\n    values: {layout: post}\ntheme: minima\n"
    )
    assert site_overrides(config) == [
        "DefaultTimeZone=Europe/Paris", "SiteUrl=https://blog.example", "'SiteTitle=Ma page'",
        "SitePermalink=/:year/:title/", """'SiteDefaults=[{"scope":{"path":""},"values":{"layout":"post"}}]'""",
        "SiteFuture=true",
    ]  # fmt: skip
    line = config_line("posts/_config.yml", config)
    assert line is not None and "not read from the bucket" in line
    assert "postdrop up --parameter-overrides DefaultTimeZone=Europe/Paris SiteUrl=https://blog.example" in line
    # one that sets nothing a post's fields follow, or that is no YAML: nothing more to say
    assert config_line("posts/_config.yml", b"theme: minima\nplugins: [jekyll-feed]\n") is None
    assert site_overrides(b"title: [unclosed\n") == []


def test_a_blogs_other_settings_are_the_site_variables_its_posts_liquid_reads() -> None:
    from postdrop_tools.local import PARAMETER_BYTES, site_overrides

    config = b"title: T\nimages: /assets/img\nauthor: {name: Ada}\nplugins: [jekyll-feed]\nexclude: [x]\n"
    assert site_overrides(config) == [
        "SiteTitle=T", """'SiteVariables={"images":"/assets/img","author":{"name":"Ada"}}'""",
    ]  # fmt: skip
    # more than a parameter holds: the settings of one value are kept, a long menu is left out
    menu = "".join(f"  - {{title: Page {n}, url: /page-{n}/}}\n" for n in range(200)).encode()
    (variables,) = site_overrides(b"cdn: https://cdn.example\nnavigation:\n" + menu)
    assert variables == """'SiteVariables={"cdn":"https://cdn.example"}'"""
    huge = f"note: {'x' * PARAMETER_BYTES}\n".encode()
    assert site_overrides(huge) == []  # nothing of it fits
