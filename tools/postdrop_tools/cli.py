"""The `postdrop` command. Each verb is a small function; errors are one line, never a traceback."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from postdrop.core.dates import DEFAULT_ZONE

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from postdrop_tools.target import Target

__all__ = ["main"]

EXIT_REJECTED = 2


def _fail(message: str, code: int = 1) -> int:
    print(f"postdrop: {message}", file=sys.stderr)
    return code


def cmd_parse(args: argparse.Namespace) -> int:
    from postdrop import PostRejected, parse_post
    from postdrop.core.site import Site

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _fail(f"{args.file}: cannot read: {exc.strerror or exc}")
    key = args.key or f"posts/{path.name}"
    try:
        site = Site(url=args.site_url, baseurl=args.site_baseurl, title=args.site_title)
        post = parse_post(data, key, default_zone=args.zone, site=site)
    except PostRejected as exc:
        return _fail(f"{args.file}: {exc.reason}", EXIT_REJECTED)
    sys.stdout.write(post.model_dump_json(indent=2) + "\n")
    return 0


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
    from postdrop_tools.ops import drop

    report = drop(_target(args), [Path(p) for p in args.paths], progress=sys.stderr.isatty())
    for name, why in report.skipped.items():
        print(f"postdrop: skipped {name}: {why}", file=sys.stderr)
    print(f"dropped {len(report.dropped)} file(s) into the bucket under posts/")
    return 0 if not report.skipped else 1


def cmd_backfill(args: argparse.Namespace) -> int:
    from postdrop_tools.ops import backfill, backfill_job

    if args.direct:
        count = backfill(_target(args), args.prefix, progress=sys.stderr.isatty())
        print(f"sent {count} object(s) under {args.prefix} through the parse path")
        return 0
    status = backfill_job(_target(args), args.prefix, progress=sys.stderr.isatty())
    print(
        f"Batch Operations job {status.job_id}: {status.status}, {status.total} task(s) over {args.prefix}: "
        f"{status.succeeded} succeeded, {status.failed} failed; report {status.report}"
    )
    return 0 if status.status == "Complete" and not status.failed else 1


def cmd_redrive(args: argparse.Namespace) -> int:
    from postdrop_tools.ops import redrive

    target = _target(args)
    for which in ["parse", "store"] if args.which == "both" else [args.which]:
        print(f"redrove {redrive(target, which)} message(s) from the {which} DLQ")
    return 0


def cmd_tail(args: argparse.Namespace) -> int:
    from postdrop_tools.ops import tail

    policy = json.loads(args.filter) if args.filter else None

    def emit(notification: dict[str, object]) -> None:
        print(json.dumps(notification, ensure_ascii=False), flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        tail(_target(args), policy, emit, seconds=args.seconds, whole=args.post)
    return 0


def cmd_soak(args: argparse.Namespace) -> int:
    from postdrop_tools.soak import soak_command

    return soak_command(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="postdrop", description="Normalize Jekyll-style posts dropped into S3.")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = verbs.add_parser("parse", help="print the NormalizedPost JSON of one post file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--key", help="the object key to parse it as (default: posts/<file name>)")
    p.add_argument("--zone", default=DEFAULT_ZONE, help="zone of dates written without an offset")
    p.add_argument("--site-url", default="", help="site.url, as the post's Liquid sees it")
    p.add_argument("--site-baseurl", default="", help="site.baseurl, as the post's Liquid sees it")
    p.add_argument("--site-title", default="", help="site.title, as the post's Liquid sees it")
    p.set_defaults(func=cmd_parse)

    _add_pipeline_verbs(verbs)
    return parser


def _add_pipeline_verbs(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The verbs that need the emulator or AWS; their modules load only when one runs."""
    r = verbs.add_parser("run", help="the whole pipeline on the embedded emulator")
    r.add_argument("dir", nargs="?", default="events/posts", metavar="DIR", help="folder of post files to drop")
    r.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")
    r.set_defaults(func=cmd_run)

    i = verbs.add_parser("invoke", help="sam local invoke without Docker: one handler, one event, on the emulator")
    i.add_argument("function", metavar="FUNCTION", help="ParseFunction or StoreFunction")
    i.add_argument("event", metavar="EVENT_FILE", help="an event JSON file, e.g. events/s3-put.json")
    i.add_argument("--env-vars", default="events/env.json", help="environment overrides (sam's env.json format)")
    i.set_defaults(func=cmd_invoke)

    u = verbs.add_parser("up", help="a local stack that processes what any S3 client drops, until Ctrl-C")
    u.add_argument("--port", type=int, default=4566, help="the emulator's port on 127.0.0.1 (0: any free port)")
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
    where.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help="the local stack of `postdrop up`")

    d = verbs.add_parser("drop", parents=[where], help="upload post files or folders under posts/")
    d.add_argument("paths", nargs="+", metavar="PATH")
    d.set_defaults(func=cmd_drop)

    b = verbs.add_parser(
        "backfill", parents=[where], help="re-run every object through parsing, as an S3 Batch Operations job"
    )
    b.add_argument("--prefix", default="posts/", help="only objects under this prefix")
    b.add_argument(
        "--direct", action="store_true", help="send each object from here instead of an S3 Batch Operations job"
    )
    b.set_defaults(func=cmd_backfill)

    r2 = verbs.add_parser("redrive", parents=[where], help="move dead letters back for another try")
    r2.add_argument("which", nargs="?", choices=["parse", "store", "both"], default="both")
    r2.set_defaults(func=cmd_redrive)

    t = verbs.add_parser("tail", parents=[where], help="print notifications as they arrive (Ctrl-C stops)")
    t.add_argument("--filter", help='an SNS filter policy, e.g. \'{"category": ["emnews"]}\'')
    t.add_argument("--seconds", type=float, help="stop after this long")
    t.add_argument("--post", action="store_true", help="print the whole post too (offloaded ones read from S3)")
    t.set_defaults(func=cmd_tail)

    s = verbs.add_parser("soak", help="prove nothing is lost, doubled or stale under replays, disorder and faults")
    s.add_argument("--posts", type=int, default=30)
    s.add_argument("--updates", type=int, default=3, help="versions written of each post")
    s.add_argument("--deletes", type=float, default=0.1, help="fraction of posts deleted at the end")
    s.add_argument("--replay", type=int, default=2, help="deliveries of every S3 event")
    s.add_argument("--shuffle", action="store_true", help="deliver the events in random order")
    s.add_argument("--fault-rate", type=float, default=0.1, help="fraction of calls failed, per kind of fault")
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--seeds", type=int, default=1, help="run this many seeds, from --seed on")
    s.add_argument("--jobs", type=int, default=4, help="seeds run at once, each in its own process")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_soak)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as exc:  # a user sees one line, never a traceback
        from postdrop_tools.emulator import EmulatorError
        from postdrop_tools.target import TargetError

        if isinstance(exc, TargetError | EmulatorError | TimeoutError | FileNotFoundError | ValueError):
            return _fail(str(exc))
        raise


if __name__ == "__main__":
    sys.exit(main())
