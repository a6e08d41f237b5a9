"""The `postdrop` command. Each verb is a small function; errors are one line, never a traceback.

Exit codes: 0 done; 1 failed (the line on stderr says why and what to do); 2 a post rejected
(`parse`: the file cannot be a post, a contract since the first version); 64 a usage error
(a verb, flag or value postdrop does not take); 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from postdrop.core.dates import DEFAULT_ZONE

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from postdrop_tools.target import Target

__all__ = ["main"]

EXIT_FAILED = 1
EXIT_REJECTED = 2
EXIT_USAGE = 64  # sysexits' EX_USAGE: apart from a rejection, which scripts have read as 2 since the first version
DEAD_LETTER_QUEUES = ["parse", "store", "publish", "schedule"]  # what "all" means to redrive and dead-letters


def _fail(message: str, code: int = 1) -> int:
    print(f"postdrop: {message}", file=sys.stderr)
    return code


def cmd_parse(args: argparse.Namespace) -> int:
    import dataclasses

    from postdrop import PostRejected, parse_post
    from postdrop.config import ParseSettings
    from postdrop.exceptions import ConfigError

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _fail(f"{args.file}: cannot read: {exc.strerror or exc}")
    key = args.key or f"posts/{path.name}"
    # ParseFunction's verdict on the key comes first, before it reads a byte: the same here
    from postdrop.core.keys import key_problem
    from postdrop.core.sitefiles import site_file

    ignored = site_file(key)
    if ignored:
        return _fail(f"{args.file}: dropped as {key}, ParseFunction would ignore it, unread: {ignored}", EXIT_REJECTED)
    problem = key_problem(key)
    if problem:
        return _fail(f"{args.file}: dropped as {key}, ParseFunction would reject it, unread: {problem}", EXIT_REJECTED)
    # the site's settings as ParseFunction reads them (POSTDROP_TIMEZONE, POSTDROP_SITE_*), the
    # template's parameters over them, then the flags
    environment = {**os.environ, **_parse_parameters(args.parameter_overrides), "STORE_QUEUE_URL": "-"}
    try:
        settings = ParseSettings.from_env(environment)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    flags = {"url": args.site_url, "baseurl": args.site_baseurl, "title": args.site_title}
    site = dataclasses.replace(settings.site, **{name: value for name, value in flags.items() if value is not None})
    try:
        post = parse_post(data, key, default_zone=args.zone or settings.default_zone, site=site)
    except PostRejected as exc:
        return _fail(f"{args.file}: {exc.reason}", EXIT_REJECTED)
    sys.stdout.write(post.model_dump_json(indent=2) + "\n")
    return 0


def _parse_parameters(overrides: list[tuple[str, str]]) -> dict[str, str]:
    """ParseFunction's environment variables that template parameters set, from ``overrides``
    (refused as CloudFormation refuses them); a parameter ParseFunction does not read is a usage error."""
    if not overrides:
        return {}
    from postdrop_tools.stack import ParameterError, template_with

    given = dict(overrides)
    try:
        template = template_with(given)
    except ParameterError as exc:
        raise UsageError(str(exc)) from None
    variables = template.parameter_variables("ParseFunction")
    unread = sorted(set(given) - set(variables.values()))
    if unread:
        raise UsageError(f"--parameter-overrides: {', '.join(unread)} does not change how a post is read")
    return {name: template.parameter(parameter) for name, parameter in variables.items() if parameter in given}


def cmd_run(args: argparse.Namespace) -> int:
    from postdrop_tools.run import run_command

    return run_command(args)


def cmd_invoke(args: argparse.Namespace) -> int:
    from postdrop_tools.invoke import invoke_command

    return invoke_command(args)


def cmd_up(args: argparse.Namespace) -> int:
    from postdrop_tools.up import up_command

    return up_command(args)


def _target(args: argparse.Namespace) -> Target:
    from postdrop_tools.target import Target

    return Target.deployed(args.stack, args.region) if args.stack else Target.local(args.endpoint)


def cmd_drop(args: argparse.Namespace) -> int:
    from postdrop_tools.local import config_line
    from postdrop_tools.ops import drop

    report = drop(_target(args), [Path(p) for p in args.paths], progress=sys.stderr.isatty())
    for name, why in report.skipped.items():
        print(f"postdrop: skipped {name}: {why}", file=sys.stderr)
        if Path(name).name == "_config.yml" and (line := config_line(name, Path(name).read_bytes())) is not None:
            print(f"postdrop: {line}", file=sys.stderr)
    if report.hidden:
        print(
            f"postdrop: skipped {len(report.hidden)} hidden file(s) (a name or a folder starting with '.',"
            " such as .git/ or .DS_Store): no posts",
            file=sys.stderr,
        )
    print(f"dropped {len(report.dropped)} file(s) into the bucket under posts/")
    return 0 if not report.refused else 1  # a site's own files, left out, are no failure


def cmd_backfill(args: argparse.Namespace) -> int:
    from postdrop.core.keys import POSTS_PREFIX
    from postdrop_tools.ops import backfill, backfill_job

    if not args.prefix.startswith(POSTS_PREFIX):  # nothing outside it is a post: each would be announced rejected
        raise UsageError(
            f"--prefix is a key prefix from the bucket's root, under {POSTS_PREFIX}"
            f" (e.g. {POSTS_PREFIX}{args.prefix.lstrip('/') or 'blog/'}): only objects there are posts"
        )
    if args.direct:
        count = backfill(_target(args), args.prefix, progress=sys.stderr.isatty())
        print(f"sent {count} object(s) under {args.prefix} through the parse path")
        if not count:
            print(f"postdrop: no object under {args.prefix} (postdrop list shows what is stored)", file=sys.stderr)
        return 0
    status = backfill_job(_target(args), args.prefix, progress=sys.stderr.isatty())
    print(
        f"Batch Operations job {status.job_id}: {status.status}, {status.total} task(s) over {args.prefix}: "
        f"{status.succeeded} succeeded, {status.failed} failed; report {status.report}"
    )
    if status.status == "Complete" and not status.total:
        print(f"postdrop: no object under {args.prefix} (postdrop list shows what is stored)", file=sys.stderr)
    return 0 if status.status == "Complete" and not status.failed else 1


def cmd_redrive(args: argparse.Namespace) -> int:
    from postdrop_tools.ops import out_of_sight, redrive

    target = _target(args)
    for which in DEAD_LETTER_QUEUES if args.which == "all" else [args.which]:
        moved = redrive(target, which)
        print(f"redrove {moved} message(s) from the {which} DLQ{_elsewhere(out_of_sight(target, which), 'more')}")
    return 0


def _elsewhere(held: int, how: str) -> str:
    """What a dead-letter line adds for messages another reader holds out of sight."""
    return f" ({held} {how} out of sight, read elsewhere now: run again in a minute)" if held else ""


def cmd_dead_letters(args: argparse.Namespace) -> int:
    from postdrop_tools.ops import dead_letters, out_of_sight

    target, waiting = _target(args), 0
    for which in DEAD_LETTER_QUEUES if args.which == "all" else [args.which]:
        lines = dead_letters(target, which)
        held = out_of_sight(target, which)  # after the listing, which made its own visible again
        waiting += len(lines) + held
        print(f"{which} DLQ: {len(lines) + held} waiting{_elsewhere(held, 'of them')}")
        for line in lines:
            print(f"  {line}")
    return 1 if waiting else 0


def cmd_tail(args: argparse.Namespace) -> int:
    from postdrop_tools.local import notification_lines
    from postdrop_tools.ops import tail

    policy = _policy(args.filter)
    target = _target(args)

    def emit(notification: dict[str, Any]) -> None:
        if args.json:
            print(json.dumps(notification, ensure_ascii=False), flush=True)
            return
        print("\n".join(notification_lines(notification)), flush=True)  # with the post's warnings
        if args.post and notification.get("post") is not None:
            print(json.dumps(notification["post"], ensure_ascii=False, indent=2), flush=True)

    def listening() -> None:
        where = f"stack {args.stack}" if args.stack else target.endpoint
        print(f"postdrop tail: listening to {target.topic_arn} ({where}); Ctrl-C stops", file=sys.stderr, flush=True)

    _interrupt_on(signal.SIGTERM, getattr(signal, "SIGHUP", None))  # a closed terminal cleans up as Ctrl-C does
    with contextlib.suppress(KeyboardInterrupt):
        tail(target, policy, emit, seconds=args.seconds, whole=True, subscribed=listening)
    return 0


def _interrupt_on(*signals: signal.Signals | None) -> None:
    """Each of ``signals`` raises KeyboardInterrupt, as Ctrl-C does, so that what a command made
    on AWS (tail's queue and subscription) is removed when its terminal closes or it is killed."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for number in signals:
        if number is not None:
            signal.signal(number, interrupt)


def _warn_about(policy: dict[str, Any] | None) -> None:
    """A warning for each name or value of a filter policy no notification carries: it would
    select nothing, silently (postdrop policy)."""
    if policy is not None:
        from postdrop_tools.policy import policy_problems

        for problem in policy_problems(policy):
            print(f"postdrop: warning: {problem}", file=sys.stderr)


def _policy(text: str | None) -> dict[str, Any] | None:
    """A --filter value: an SNS filter policy as JSON (a usage error otherwise); warned about
    when it names what no notification carries."""
    if not text:
        return None
    try:
        policy = json.loads(text)
    except ValueError as exc:
        raise UsageError(f'--filter is not JSON ({exc}); e.g. --filter \'{{"category": ["emnews"]}}\'') from None
    if not isinstance(policy, dict):
        raise UsageError("--filter must be a JSON object of attribute -> conditions")
    _warn_about(policy)
    return policy


def cmd_get(args: argparse.Namespace) -> int:
    from postdrop_tools.read import get_item, post_json

    if not args.post_id.strip():
        raise UsageError("POST_ID is empty: give a post id (2026-03-02-NW0001) or its key (posts/2026-03-02-NW0001.md)")
    target = _target(args)
    if args.post_id.startswith("s3://"):  # the object's URL, as the AWS CLI prints it: its key
        args.post_id = args.post_id.removeprefix("s3://").partition("/")[2]
    item = get_item(target, args.post_id)
    if item is None and args.post_id.startswith("posts/"):  # a key, as up, run and list --rejected print them
        from postdrop.core.keys import post_id_of
        from postdrop.core.sitefiles import site_file

        if (ignored := site_file(args.post_id)) is not None:  # never a post: say why, not that the id is wrong
            return _fail(f"{args.post_id} is no post: ParseFunction ignores it, {ignored}")
        args.post_id = post_id_of(args.post_id)
        item = get_item(target, args.post_id)
    if item is None:
        return _fail(f"no post {args.post_id!r} in {target.table} (post ids are keys under posts/ without extension)"
                     + _other_form(target, args.post_id))  # fmt: skip
    if args.item:
        print(json.dumps(item, ensure_ascii=False, indent=2, default=_json_value))
        return 0
    record_type = item.get("record_type")
    if record_type != "POST":
        why = f": {item.get('reason')}" if record_type == "REJECTED" else ""
        return _fail(f"{args.post_id} is {str(record_type).lower()}{why} (--item shows its record)")
    print(json.dumps(json.loads(post_json(target, item)), ensure_ascii=False, indent=2))
    return 0


def _other_form(target: Target, post_id: str) -> str:
    """A hint when the id in the other Unicode form is a post: a name saved on a Mac (NFD) and
    the same name typed (NFC) are two keys, so two posts."""
    import unicodedata

    from postdrop_tools.read import get_item

    for form in ("NFC", "NFD"):
        other = unicodedata.normalize(form, post_id)
        if other != post_id and get_item(target, other) is not None:
            mac = " (as a Mac writes file names)" if form == "NFD" else ""
            return f"; there is one under the same name with its accents written in {form}{mac}: {other!r}"
    return ""


def _json_value(value: object) -> object:
    """A DynamoDB value JSON has no type for: numbers as numbers, binary as its length."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    data = getattr(value, "value", value)
    if isinstance(data, bytes | bytearray):
        return f"<{len(data)} bytes>"
    return str(value)


def cmd_list(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from postdrop.core.status import effective_status
    from postdrop_tools.local import labels_of
    from postdrop_tools.read import list_posts, since_utc

    now = datetime.now(UTC)
    if args.since:
        try:
            since_utc(args.since, recorded=args.rejected)  # said before any stack is looked for
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    target = _target(args)
    posts = list_posts(target, category=args.category, tag=args.tag, since=args.since, rejected=args.rejected)
    shown = posts if args.limit <= 0 else posts[: args.limit]
    for p in shown:
        if args.json:
            print(json.dumps(p, ensure_ascii=False, default=_json_value))
        elif args.rejected:
            print(f"{p.get('updated_at', ''):25} {p.get('key', p['post_id'])}  {p.get('reason', '')}")
        else:
            labels = labels_of(p)
            status = effective_status(p.get("status") or "published", p.get("published_at"), now)
            shown_status = "" if status == "published" else f"  ({status})"  # not on the site: said on its line
            print(f"{p.get('published_at') or '(no date)':25} {p['post_id']}  {p.get('title', '')}{shown_status}"
                  f"  [{labels}]")  # fmt: skip
    if len(shown) < len(posts):
        print(f"postdrop: {len(posts) - len(shown)} more; --limit 0 lists them all", file=sys.stderr)
    if not posts:  # an empty answer says so: "none" is an answer an operator at night can trust
        print(f"postdrop: no {'rejected files' if args.rejected else 'stored posts'} match"
              f"{_written_otherwise(target, args) if args.category or args.tag else ''}", file=sys.stderr)  # fmt: skip
    return 0


def _written_otherwise(target: Target, args: argparse.Namespace) -> str:
    """A hint when the category or tag asked for is stored in another case (list matches exactly,
    as SNS filters do): one more scan, made only for an empty answer."""
    from postdrop_tools.read import list_posts

    asked = {"categories": args.category, "tags": args.tag}
    found = {
        value
        for post in list_posts(target, since=args.since, rejected=args.rejected)
        for field, wanted in asked.items()
        if wanted
        for value in post.get(field) or []
        if value != wanted and value.casefold() == wanted.casefold()
    }
    if not found:
        return ""
    return f"; stored in another case: {', '.join(sorted(found))} (names match exactly, as SNS filters do)"


def cmd_replay(args: argparse.Namespace) -> int:
    from postdrop_tools.replay import replay, subscription_target

    target = _target(args)
    if args.subscription:
        queue, policy = subscription_target(target, args.subscription)
        _warn_about(policy)
    elif args.queue:
        queue, policy = args.queue, _policy(args.filter)
    else:
        raise UsageError("say where to replay: --queue URL_OR_ARN [--filter POLICY], or --subscription ARN")
    bar = None
    if sys.stderr.isatty():  # progress for a person; nothing for a script
        from tqdm import tqdm

        bar = tqdm(desc="scanned", unit="post", file=sys.stderr, leave=False)
    try:
        report = replay(target, queue, policy, deleted=args.deleted, segments=args.segments,
                        progress=bar.update if bar else None)  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
    print(report.line())
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    from postdrop_tools.policy import emulator_differences, not_following, policy_problems, read_policy

    scope, local = args.scope, False
    if args.subscription:
        from postdrop_tools.replay import subscription_policy

        target = _target(args)
        local = bool(target.endpoint)
        policy, scope = subscription_policy(target, args.subscription)
        if policy is None:
            print(f"{args.subscription} has no filter policy: it hears every notification")
            return 0
    elif args.policy:
        text = args.policy
        if not text.lstrip().startswith("{"):  # a file holding it
            if not Path(text).is_file():
                raise UsageError(f"{text} is neither a JSON filter policy nor a file holding one")
            text = Path(text).read_text(encoding="utf-8")
        policy = read_policy(text)
    else:
        raise UsageError("give a filter policy (JSON, or a file holding it) or --subscription ARN")
    problems = policy_problems(policy, scope)
    for problem in problems:
        print(f"postdrop: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"the filter policy ({scope}) names only what postdrop's notifications carry")
    if scope == "MessageBody":  # names that exist, on a body that is sometimes only a pointer
        print(
            "postdrop: but a MessageBody policy never matches a notification over 256 KB, whose body is"
            " its S3 pointer (a JSON array): filter on the message attributes (docs/subscribers.md)",
            file=sys.stderr,
        )
    for line in not_following(policy) if scope == "MessageAttributes" else []:
        print(f"postdrop: {line}", file=sys.stderr)
    differences = emulator_differences(policy, scope) if local else []
    for line in differences:
        print(f"postdrop: on the local emulator, {line}", file=sys.stderr)
    if differences:
        print("postdrop: (AWS's SNS applies it as written; postdrop tail --filter and replay do too)", file=sys.stderr)
    return 0


def cmd_soak(args: argparse.Namespace) -> int:
    from postdrop_tools.soak import soak_command

    return soak_command(args)


class UsageError(Exception):
    """A verb, flag or value postdrop does not take: exit EXIT_USAGE."""


class _Help(argparse.HelpFormatter):
    """Each option's help ends with its default, where it has one worth saying."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default in (None, False, [], argparse.SUPPRESS) or not action.option_strings:
            return text
        return f"{text} (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line and their own exit code, and defaults in every --help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"postdrop: {message} (see {self.prog} --help)\n")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("postdrop")
    except PackageNotFoundError:  # run from a checkout without an install
        return "unknown"


def _parameter(value: str) -> tuple[str, str]:
    """A template parameter's override, ``NAME=VALUE``."""
    name, equals, setting = value.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"{value!r} is not NAME=VALUE")
    return name, setting


def _verb(verbs: Any, name: str, *, help: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A verb whose --help opens with what it does (the line `postdrop --help` lists)."""
    parser: argparse.ArgumentParser = verbs.add_parser(name, help=help, description=help, **kwargs)
    return parser


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="postdrop", description="Normalize Jekyll-style posts dropped into S3.",
        epilog="Exit codes: 0 done, 1 failed, 2 post rejected (parse), 64 usage error, 130 interrupted.",
    )  # fmt: skip
    parser.add_argument("--version", action="version", version=f"postdrop {_version()}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB", parser_class=_Parser)

    p = _verb(verbs, "parse", help="print the NormalizedPost JSON of one post file")
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--key",
        help="the object key to parse it as, folders and all (default: posts/<file name>; a file of _posts/ or"
        " _drafts/ is read by those folders' rules only under them: --key posts/_drafts/a.md)",
    )
    p.add_argument(
        "--zone",
        type=_zone_arg,
        help=f"zone of dates written without an offset (default: POSTDROP_TIMEZONE, else {DEFAULT_ZONE})",
    )
    p.add_argument("--site-url", help="site.url, as the post's Liquid sees it (default: POSTDROP_SITE_URL)")
    p.add_argument("--site-baseurl", help="site.baseurl, as the post's Liquid sees it (default: POSTDROP_SITE_BASEURL)")
    p.add_argument("--site-title", help="site.title, as the post's Liquid sees it (default: POSTDROP_SITE_TITLE)")
    p.add_argument(
        "--parameter-overrides", nargs="+", default=[], type=_parameter, metavar="NAME=VALUE",
        help="template.yaml's parameters ParseFunction reads, as sam deploy takes them: SitePermalink=pretty"
        " SiteKramdown='{\"auto_ids\": false}' (each over its POSTDROP_ variable)",
    )  # fmt: skip
    p.epilog = (
        "The site's other settings are read from the environment as ParseFunction reads them: POSTDROP_SITE_PERMALINK,"
        " POSTDROP_SITE_EXCERPT_SEPARATOR, POSTDROP_SITE_DEFAULTS, POSTDROP_SITE_KRAMDOWN, POSTDROP_SITE_FUTURE,"
        " POSTDROP_SITE_UNPUBLISHED, POSTDROP_SITE_SHOW_DRAFTS, POSTDROP_SITE_VARIABLES (the template's Site*"
        " parameters, which --parameter-overrides names as a stack's are named)."
    )
    p.set_defaults(func=cmd_parse)

    _add_pipeline_verbs(verbs)
    return parser


def _add_pipeline_verbs(verbs: argparse._SubParsersAction[Any]) -> None:
    """The verbs that need the emulator or AWS; their modules load only when one runs."""
    template = argparse.ArgumentParser(add_help=False)
    template.add_argument(
        "--parameter-overrides", nargs="+", default=[], type=_parameter, metavar="NAME=VALUE",
        help="template.yaml's parameters, as sam deploy takes them: DefaultTimeZone=Europe/Berlin SitePermalink=pretty",
    )  # fmt: skip
    r = _verb(verbs, "run", help="the whole pipeline on the embedded emulator", parents=[template])
    r.add_argument(
        "dir",
        nargs="?",
        default="events/posts",
        metavar="DIR",
        help="folder of post files to drop (default: events/posts)",
    )
    r.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")
    r.set_defaults(func=cmd_run)

    i = _verb(verbs, "invoke", help="sam local invoke without Docker: one handler, one event, on the emulator")
    i.add_argument("function", metavar="FUNCTION", help="ParseFunction, StoreFunction or PublishFunction")
    i.add_argument("event", metavar="EVENT_FILE", help="an event JSON file, e.g. events/s3-put.json")
    i.add_argument("--env-vars", default="events/env.json", help="environment overrides (sam's env.json format)")
    i.set_defaults(func=cmd_invoke)

    u = _verb(
        verbs, "up", help="a local stack that processes what any S3 client drops, until Ctrl-C", parents=[template]
    )
    u.add_argument("--port", type=_port, default=4566, help="the emulator's port on 127.0.0.1 (0: any free port)")
    u.add_argument("--json", action="store_true", help="also print each notification's JSON")
    u.add_argument(
        "--notifications", choices=["S3", "EventBridge"], default="S3",
        help="the template's NotificationSource: S3 notifications (default) or EventBridge events",
    )  # fmt: skip
    u.set_defaults(func=cmd_up)

    from postdrop_tools.emulator import DEFAULT_ENDPOINT

    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--stack", help="act on this deployed stack instead of the local one")
    where.add_argument("--region", help="the deployed stack's region (default: your AWS config)")
    where.add_argument(
        "--endpoint",
        default=os.environ.get("POSTDROP_ENDPOINT") or DEFAULT_ENDPOINT,
        help=f"the local stack of `postdrop up` (default: $POSTDROP_ENDPOINT, else {DEFAULT_ENDPOINT})",
    )

    d = _verb(verbs, "drop", parents=[where], help="upload post files or folders under posts/")
    d.add_argument("paths", nargs="+", metavar="PATH")
    d.set_defaults(func=cmd_drop)

    b = _verb(
        verbs, "backfill", parents=[where], help="re-run every object through parsing, as an S3 Batch Operations job"
    )
    b.add_argument("--prefix", default="posts/", help="only objects under this key prefix (posts/ or under it)")
    b.add_argument(
        "--direct", action="store_true", help="send each object from here instead of an S3 Batch Operations job"
    )
    b.set_defaults(func=cmd_backfill)

    r2 = _verb(verbs, "redrive", parents=[where], help="move dead letters back for another try")
    r2.add_argument(
        "which",
        nargs="?",
        type=lambda name: "all" if name == "both" else name,  # "both": what "all" was called before PublishDLQ
        choices=[*DEAD_LETTER_QUEUES, "all"],
        default="all",
        help="ParseDLQ, StoreDLQ, PublishDLQ (stream ranges, within 24 hours), ScheduleDLQ (scheduled posts' "
        "rechecks, to StoreQueue), or all four (default: %(default)s)",
    )
    r2.set_defaults(func=cmd_redrive)

    dl = _verb(verbs, "dead-letters", parents=[where], help="list what waits in the dead-letter queues, and why")
    dl.add_argument(
        "which", nargs="?", choices=[*DEAD_LETTER_QUEUES, "all"], default="all",
        help="ParseDLQ, StoreDLQ, PublishDLQ, ScheduleDLQ or all four (default: %(default)s); exits 1 when any waits",
    )  # fmt: skip
    dl.set_defaults(func=cmd_dead_letters)

    t = _verb(verbs, "tail", parents=[where], help="print notifications as they arrive (Ctrl-C stops)")
    t.add_argument("--filter", help='an SNS filter policy, e.g. \'{"category": ["emnews"]}\'')
    t.add_argument("--seconds", type=float, help="stop after this long")
    t.add_argument("--post", action="store_true", help="print the whole post too (offloaded ones read from S3)")
    t.add_argument("--json", action="store_true", help="one notification JSON a line, post included, for machines")
    t.set_defaults(func=cmd_tail)

    g = _verb(verbs, "get", parents=[where], help="print a stored post's NormalizedPost JSON")
    g.add_argument("post_id", metavar="POST_ID", help="the key under posts/ without its extension, or the key itself")
    g.add_argument("--item", action="store_true", help="print the table's item instead (its state and bookkeeping)")
    g.set_defaults(func=cmd_get)

    ls = _verb(
        verbs,
        "list",
        parents=[where],
        help="the stored posts, newest first, or the rejected files (a filtered table scan)",
    )
    ls.add_argument("--category", help="only posts with this category (any of theirs)")
    ls.add_argument("--tag", help="only posts with this tag")
    ls.add_argument(
        "--since",
        help="only posts published at or after this date (2026-03-01, or an ISO time; without an offset, in"
        " POSTDROP_TIMEZONE, default Asia/Shanghai, the zone of post dates written without one); with"
        " --rejected, files rejected at or after this time, in UTC without an offset (as listed)",
    )
    ls.add_argument(
        "--rejected", action="store_true",
        help="the rejected files instead, latest first, each with why (--since: rejected since then)",
    )  # fmt: skip
    ls.add_argument("--limit", type=int, default=50, help="print at most this many (default 50; 0: all)")
    ls.add_argument("--json", action="store_true", help="one JSON object a line")
    ls.set_defaults(func=cmd_list)

    rp = _verb(
        verbs,
        "replay",
        parents=[where],
        help="send every post's last announcement to one subscriber's queue (catch-up)",
    )
    rp.add_argument("--queue", help="the subscriber's SQS queue URL or ARN")
    rp.add_argument("--filter", help="an SNS filter policy: only the posts it selects (default: all)")
    rp.add_argument("--subscription", help="an SQS subscription's ARN: its queue and its filter policy")
    rp.add_argument("--deleted", action="store_true", help="send deletions too (default: only live posts)")
    rp.add_argument("--segments", type=_positive, default=4, help="parallel scan segments")
    rp.set_defaults(func=cmd_replay)

    po = _verb(
        verbs,
        "policy",
        parents=[where],
        help="check a subscriber's SNS filter policy: names and values no notification carries match nothing",
    )
    po.add_argument("policy", nargs="?", help="the filter policy: its JSON, or a file holding it")
    po.add_argument("--scope", choices=["MessageAttributes", "MessageBody"], default="MessageAttributes",
                    help="the subscription's FilterPolicyScope")  # fmt: skip
    po.add_argument("--subscription", help="check this subscription's own policy and scope (its ARN)")
    po.set_defaults(func=cmd_policy)

    s = _verb(verbs, "soak", help="prove nothing is lost, doubled or stale under replays, disorder and faults")
    s.add_argument("--posts", type=int, default=30, help="posts written per seed")
    s.add_argument("--updates", type=int, default=3, help="versions written of each post")
    s.add_argument("--deletes", type=float, default=0.1, help="fraction of posts deleted at the end")
    s.add_argument("--replay", type=int, default=2, help="deliveries of every S3 event")
    s.add_argument("--shuffle", action="store_true", help="deliver the events in random order")
    s.add_argument("--fault-rate", type=float, default=0.1, help="fraction of calls failed, per kind of fault")
    s.add_argument("--seed", type=int, default=1, help="the first seed (the workload and the faults follow from it)")
    s.add_argument("--seeds", type=int, default=1, help="run this many seeds, from --seed on")
    s.add_argument("--jobs", type=int, default=4, help="seeds run at once, each in its own process")
    s.add_argument("--json", action="store_true", help="one JSON report a seed instead of the summary")
    s.set_defaults(func=cmd_soak)


def _positive(value: str) -> int:
    """A count of one or more."""
    number = _integer(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not 1 or more")
    return number


def _port(value: str) -> int:
    """A TCP port, or 0 for any free one."""
    number = _integer(value)
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is no port (0 to 65535; 0: any free port)")
    return number


def _integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None


def _zone_arg(value: str) -> str:
    """An IANA zone name, as ParseFunction's POSTDROP_TIMEZONE must be."""
    from postdrop.core.dates import zone

    try:
        zone(value)
    except (KeyError, ValueError):  # zoneinfo's ZoneInfoNotFoundError is a KeyError
        raise argparse.ArgumentTypeError(
            f"{value!r} is no IANA zone name (Asia/Shanghai, Europe/Berlin, UTC: case counts)"
        ) from None
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:  # the reader stopped early (postdrop list --json | head): done, quietly, as cat is
        with contextlib.suppress(OSError):  # and no second error when Python flushes stdout at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except UsageError as exc:
        return _fail(f"{exc} (see postdrop {args.verb} --help)", EXIT_USAGE)
    except Exception as exc:  # a user sees one line, never a traceback
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

        from postdrop_tools.emulator import EmulatorError
        from postdrop_tools.stack import ParameterError
        from postdrop_tools.target import TargetError

        if isinstance(exc, ParameterError):
            return _fail(f"{exc} (see postdrop {args.verb} --help)", EXIT_USAGE)

        if isinstance(exc, NoRegionError):
            return _fail("no AWS region: pass --region REGION or set AWS_REGION (or AWS_DEFAULT_REGION)")
        if isinstance(exc, NoCredentialsError):
            return _fail("no AWS credentials: configure them (aws configure, AWS_PROFILE) or use the local stack")
        if isinstance(exc, TargetError | EmulatorError | TimeoutError | FileNotFoundError | ValueError):
            return _fail(str(exc))
        if isinstance(exc, ClientError | BotoCoreError):
            return _fail(f"AWS refused: {exc}")
        raise


if __name__ == "__main__":
    sys.exit(main())
