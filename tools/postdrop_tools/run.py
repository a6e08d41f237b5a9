"""`postdrop run`: the whole pipeline on the embedded emulator, over a folder of post files.

Emulator up, the template's resources created, every file dropped into the bucket under
posts/, the S3 events delivered to the real handlers until the queues drain, then the
table and the topic's deliveries read back to say what happened to each file.
"""

from __future__ import annotations

import json
import sys
import time
import zlib
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postdrop_tools.cost import CostEstimate, billed_item_bytes, estimate_cost, floor_cost
from postdrop_tools.emulator import emulator
from postdrop_tools.local import drain_queue, drop_files, new_dead_letters, post_files, scan_table, tap_topic
from postdrop_tools.pipeline import Pipeline
from postdrop_tools.stack import provision

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from postdrop.aws import Clients

__all__ = ["RunReport", "run_command", "run_pipeline"]


@dataclass
class RunReport:
    dropped: int = 0
    stored: int = 0
    rejected: int = 0
    ignored: int = 0  # files of a Jekyll site that are no posts (core/sitefiles.py): ParseFunction ignores them
    deleted: int = 0
    notified: int = 0
    lost: int = 0
    kept: int = 0  # files stored behind the file their post shows (x.html beside x.md): no notification
    seconds: float = 0.0  # the whole run: emulator up, stack made, drops, drain, read back, emulator down
    pipeline_seconds: float = 0.0  # from the first drop until every queue stayed empty
    events: dict[str, int] = field(default_factory=dict)
    subscriber: int = 0
    subscriber_filter: dict[str, Any] = field(default_factory=dict)  # the template's ExampleSubscription policy
    reasons: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)  # key -> what was repaired or assumed
    lost_keys: list[str] = field(default_factory=list)
    kept_keys: dict[str, str] = field(default_factory=dict)  # a file kept -> the file its post shows
    dead_letters: list[str] = field(default_factory=list)  # a line for each dead letter: which file, and why
    ignored_keys: dict[str, str] = field(default_factory=dict)  # a site's file -> why ParseFunction ignored it
    calls: dict[str, int] = field(default_factory=dict)
    log_bytes: int = 0  # postdrop's own log lines at INFO, as CloudWatch Logs would ingest them
    invocations: dict[str, int] = field(default_factory=dict)
    cost: dict[str, Any] = field(default_factory=dict)
    floor_cost: dict[str, Any] = field(default_factory=dict)  # the same posts at the physical floor (cost.floor_cost)

    @property
    def calls_per_stored_post(self) -> float:
        return round(sum(self.calls.values()) / max(1, self.stored + self.rejected), 2)

    @property
    def posts_per_second(self) -> float:
        """Drop to notification: files read as posts (a site's other files left out) per second of pipeline time."""
        return round((self.dropped - self.ignored) / self.pipeline_seconds, 1) if self.pipeline_seconds else 0.0

    def public(self) -> dict[str, Any]:
        return asdict(self) | {"calls_per_post": self.calls_per_stored_post, "posts_per_second": self.posts_per_second}


def _held(item: dict[str, Any] | None, key: str) -> dict[str, Any] | None:
    """The file's entry in an item that shows another of its post's files (x.html beside x.md)."""
    if item is None or item.get("key") == key or item.get("record_type") == "DELETED":
        return None
    entry = (item.get("files") or {}).get(key)
    return entry if entry is not None and entry.get("record_type") != "DELETED" else None


def run_pipeline(
    folder: Path,
    *,
    progress: bool = False,
    handlers: dict[str, Callable[[Clients], Any] | None] | None = None,
    parameters: dict[str, str] | None = None,
) -> RunReport:
    """Drop every file of ``folder`` into a fresh local stack and report what became of each.

    ``handlers`` replaces functions' handlers by logical name (the benchmarks' baselines);
    ``parameters`` overrides template.yaml's parameters (the site's zone, permalink…).
    """
    from postdrop.core.keys import post_id_of
    from postdrop.core.sitefiles import site_file

    files = post_files(folder)
    started = time.perf_counter()
    with emulator() as emu:
        stack = provision(emu, parameters)
        tap = tap_topic(stack)
        bar = _progress(len(files), progress)
        pipeline = Pipeline(stack, on_parsed=bar.update if bar else None, handlers=handlers or {})
        first_drop = time.perf_counter()
        keys = drop_files(stack, folder, files)
        pipeline.drain()
        pipeline_seconds = time.perf_counter() - first_drop
        if bar:
            bar.close()
        items = {item["post_id"]: item for item in scan_table(stack)}
        notifications = drain_queue(stack, tap)
        subscriber = drain_queue(stack, stack.ref("ExampleSubscriberQueue"))
        dead_letters = new_dead_letters(stack, set())
    report = RunReport(
        dropped=len(keys),
        seconds=round(time.perf_counter() - started, 2),
        pipeline_seconds=round(pipeline_seconds, 2),
        calls=dict(sorted(pipeline.calls.items())),
        log_bytes=pipeline.log_bytes,
    )
    for key in keys:
        item = items.get(post_id_of(key))
        kind = item.get("record_type") if item else None
        if (why := site_file(key)) is not None:  # ParseFunction ignores it by its key: its post_id may be a post's
            report.ignored += 1
            report.ignored_keys[key] = why
        elif kind == "POST" and item is not None and item.get("key") == key:
            report.stored += 1
        elif kind == "REJECTED" and item is not None and item.get("key") == key:
            report.rejected += 1
            report.reasons[key] = str(item.get("reason"))
        elif (held := _held(item, key)) is not None and held.get("record_type") == "REJECTED":
            report.rejected += 1
            report.reasons[key] = str(held.get("reason"))
        elif held is not None and item is not None:
            report.kept += 1
            report.kept_keys[key] = str(item.get("key"))
        else:
            report.lost += 1
            report.lost_keys.append(key)
    report.dead_letters = dead_letters
    report.deleted = sum(1 for item in items.values() if item.get("record_type") == "DELETED")
    report.warnings = {n["key"]: n["post"]["warnings"] for n in notifications if (n.get("post") or {}).get("warnings")}
    report.notified = len(notifications)
    report.events = dict(Counter(n["event_type"] for n in notifications))
    report.subscriber = len(subscriber)
    report.subscriber_filter = stack.template.resources["ExampleSubscription"]["Properties"]["FilterPolicy"]
    report.invocations = {name: len(fn.durations_ms) for name, fn in pipeline.functions.items()}
    report.cost = estimate_cost(
        posts=report.dropped - report.ignored,  # a site's files, ignored unread, are no posts
        calls=report.calls,
        entries=dict(pipeline.entries),
        invocations={name: fn.durations_ms for name, fn in pipeline.functions.items()},
        polled_batches=sum(len(fn.durations_ms) for fn in pipeline.functions.values() if fn.spec.sqs_source),
        memory_mb={name: fn.spec.memory_mb for name, fn in pipeline.functions.items()},
        item_kbs=[billed_item_bytes(item) / 1024 for item in items.values()],
        publish_chunks=pipeline.publish_chunks,
        log_bytes=pipeline.log_bytes,
        traced={name: fn.spec.traced for name, fn in pipeline.functions.items()},
    ).public()
    store = pipeline.functions.get("StoreFunction")
    report.floor_cost = floor_cost(
        _post_kbs(notifications), batch_size=store.spec.batch_size if store is not None else 10
    ).public()
    return report


def _post_kbs(notifications: list[dict[str, Any]]) -> list[float]:
    """Each stored post's JSON compressed, in KB: the one write of it the floor makes."""
    return [len(zlib.compress(json.dumps(n["post"], ensure_ascii=False).encode())) / 1024
            for n in notifications if n.get("post")]  # fmt: skip


def _progress(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="parsed", unit="file", file=sys.stderr, leave=False)


def _policy(policy: dict[str, Any]) -> str:
    """A filter policy in a few words: ``event_type post.created|post.updated, category emnews``."""
    return ", ".join(f"{name} {'|'.join(map(str, values))}" for name, values in policy.items())


def _summary(folder: Path, report: RunReport) -> str:
    events = ", ".join(f"{k} {v}" for k, v in sorted(report.events.items())) or "none"
    lines = [
        f"postdrop run: {report.dropped} file(s) from {folder} dropped into the local bucket under posts/",
        f"  stored    {report.stored}",
        f"  rejected  {report.rejected}",
    ]
    lines += [f"            {key}: {reason}" for key, reason in sorted(report.reasons.items())]
    if report.kept:
        lines += [f"  kept      {report.kept} file(s) stored behind the file their post shows (no notification)"]
        lines += [f"            {key}: the post shows {shown}" for key, shown in sorted(report.kept_keys.items())]
    if report.ignored:
        lines += [f"  ignored   {report.ignored} file(s) of the site that Jekyll reads as no post (layouts, images...)"]
        lines += [f"            {key}: {why}" for key, why in sorted(report.ignored_keys.items())]
    lines += [f"  warnings  {len(report.warnings)} post(s) stored with something repaired or assumed"]
    lines += [f"            {key}: {'; '.join(warnings)}" for key, warnings in sorted(report.warnings.items())]
    lines += [
        f"  deleted   {report.deleted}",
        f"  notified  {report.notified}  ({events})",
        f"            the example subscriber ({_policy(report.subscriber_filter)}) received {report.subscriber}",
        f"  lost      {report.lost}" + (f"  {', '.join(report.lost_keys)}" if report.lost_keys else ""),
        *(f"            {line}" for line in report.dead_letters),
        f"  calls     {report.calls_per_stored_post} AWS calls per post by postdrop's code ("
        + ", ".join(f"{k} {v}" for k, v in report.calls.items())
        + ")",
        f"  seconds   {report.seconds}  (drop to notification {report.pipeline_seconds} s: "
        f"{report.posts_per_second} posts/s)",
        f"  cost      {CostEstimate(**report.cost).line()}" if report.cost and report.stored else "  cost      -",
        "            (measured calls and durations, AWS list prices; see postdrop_tools/cost.py)",
        f"  floor     ${report.floor_cost['usd_per_1000_posts']:.4f} per 1,000 posts: the calls any design makes"
        if report.floor_cost
        else "  floor     -",
    ]
    return "\n".join(lines)


def run_command(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    if not folder.is_dir():
        print(f"postdrop: {folder}: not a folder of post files", file=sys.stderr)
        return 1
    report = run_pipeline(
        folder, progress=not args.json and sys.stderr.isatty(), parameters=dict(args.parameter_overrides)
    )
    if args.json:
        public = report.public()
        fields = (
            "dropped", "stored", "rejected", "ignored", "kept", "deleted", "notified", "lost", "seconds",
            "pipeline_seconds",
        )  # fmt: skip
        more = (
            "posts_per_second",
            "events",
            "reasons",
            "warnings",
            "calls",
            "calls_per_post",
            "invocations",
            "cost",
            "floor_cost",
            "dead_letters",
        )
        print(json.dumps({k: public[k] for k in fields + more}, ensure_ascii=False))
    else:
        print(_summary(folder, report))
    return 0 if report.lost == 0 else 1
