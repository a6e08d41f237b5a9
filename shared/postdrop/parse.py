"""ParseFunction's logic: S3 changes in, one envelope per change out to StoreQueue.

Nothing is lost here: a file that cannot be a post becomes a ``reject`` envelope with its
reason (the store keeps a REJECTED record and announces it); only failures a retry can fix
raise, and Lambda's async retries and ParseDLQ take those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from postdrop.adapters.objects import (
    ARCHIVE_PREFIX,
    ObjectGone,
    ObjectTooLarge,
    archive_key,
    current_version,
    read_object,
    write_archive,
)
from postdrop.adapters.queue import send_envelopes
from postdrop.budget import cpu_limit
from postdrop.core.keys import key_problem, post_id_of
from postdrop.core.normalize import front_matter_filters, parse_post
from postdrop.core.sitefiles import site_file
from postdrop.envelope import INLINE_POST_BYTES, Envelope, PostHead
from postdrop.exceptions import PostRejected
from postdrop.observability import MetricUnit, logger, metrics
from postdrop.s3events import S3Change, read_event

if TYPE_CHECKING:
    from postdrop.aws import Clients
    from postdrop.config import ParseSettings
    from postdrop.model import NormalizedPost
    from postdrop.s3events import BatchJob

__all__ = [
    "ARCHIVE_PREFIX", "ParseResult", "archive_key", "envelope_for", "parse_batch_job", "parse_event", "rehearse",
    "upsert_envelope",
]  # fmt: skip

# S3 answers these when a retry can succeed; Batch Operations retries TemporaryFailure tasks.
_TRANSIENT_CODES = frozenset({"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "Throttling",
                              "ThrottlingException", "RequestLimitExceeded", "503", "500"})  # fmt: skip


@dataclass(slots=True)
class ParseResult:
    parsed: int = 0
    rejected: int = 0
    deleted: int = 0
    vanished: int = 0
    ignored: int = 0
    folders: int = 0  # keys ending in "/": folder markers, no post
    folder_keys: list[str] = field(default_factory=list)
    site_files: list[str] = field(default_factory=list)  # keys of a site's files beside its posts (core/sitefiles.py)
    envelopes: list[Envelope] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "parsed": self.parsed,
            "rejected": self.rejected,
            "deleted": self.deleted,
            "vanished": self.vanished,
            "ignored": self.ignored,
            "folders": self.folders,
            "folder_keys": self.folder_keys,
            "site_files": len(self.site_files),
            "site_file_keys": self.site_files,
            "keys": [e.change.key for e in self.envelopes],
        }


def envelope_for(
    change: S3Change, settings: ParseSettings, clients: Clients, *, cpu_seconds: float | None = None
) -> Envelope | None:
    """The envelope for one change; None only when the object vanished before it could be read.
    ``cpu_seconds``: the CPU time its reading may take (``postdrop.budget``); past it, a reject."""
    try:
        post_id = post_id_of(change.key) or change.key
    except PostRejected:
        post_id = change.key or "(empty key)"
    if change.kind == "removed":
        if change.made_a_delete_marker:
            return Envelope(action="delete", post_id=post_id, change=change)
        # A permanent delete: of the current version, of an older one, or of a delete marker
        # (which restores the version below it). The event cannot tell which: ask S3.
        current = current_version(clients.s3, change.bucket, change.key)
        if current is None:
            return Envelope(action="delete", post_id=post_id, change=change)
        version_id, etag = current
        logger.info("a version was removed; the key still holds one", extra={"key": change.key, "version": version_id})
        change = change.model_copy(update={"version_id": version_id, "etag": etag})
    problem = key_problem(change.key)
    if problem is not None:
        return Envelope(action="reject", post_id=post_id, change=change, reason=problem)
    try:
        body = read_object(clients.s3, change.bucket, change.key, change.version_id, settings.max_object_bytes)
    except ObjectTooLarge as exc:
        return Envelope(action="reject", post_id=post_id, change=change, reason=str(exc))
    except ObjectGone as exc:
        if exc.code == "NoSuchVersion":  # the event names a version the bucket does not hold
            logger.warning("the version the event names does not exist; nothing to parse", extra={"reason": str(exc)})
        else:
            logger.warning("object gone before it was read; its delete event records it", extra={"key": change.key})
        return None
    try:
        with cpu_limit(cpu_seconds):
            post = parse_post(body.data, change.key, default_zone=settings.default_zone, site=settings.site)
    except PostRejected as exc:  # a head past its caps too: parse_post checks it
        filters = front_matter_filters(body.data, change.key, settings.site)  # its subscribers hear of it too
        return Envelope(action="reject", post_id=post_id, change=change, reason=_sentence(exc.reason), **filters)
    return upsert_envelope(post, change, clients)


def _sentence(reason: str) -> str:
    """A reason as an envelope carries it: at most MAX_REASON_CHARS, so a reject always fits a message."""
    return reason if len(reason) <= MAX_REASON_CHARS else reason[: MAX_REASON_CHARS - 1] + "…"


MAX_REASON_CHARS = 1000


def upsert_envelope(post: NormalizedPost, change: S3Change, clients: Clients) -> Envelope:
    """Inline the post when the envelope fits a message and an item; else archive the post in
    S3 and point to it. The inline envelope's JSON is made once, here, and sent as it is."""
    head = PostHead.of(post)
    inline = Envelope(action="upsert", post_id=post.post_id, change=change, head=head, post=post)
    if len(inline.body.encode()) <= INLINE_POST_BYTES:
        return inline
    body = post.model_dump_json()
    ref = write_archive(clients.s3, change.bucket, archive_key(post.post_id, post.content_hash), body)
    logger.info("large post archived", extra={"key": change.key, "post_ref": ref, "bytes": len(body)})
    return Envelope(action="upsert", post_id=post.post_id, change=change, head=head, post_ref=ref)


def _count(result: ParseResult, envelope: Envelope) -> None:
    if envelope.action == "upsert":
        result.parsed += 1
    elif envelope.action == "reject":
        result.rejected += 1
        logger.info("rejected", extra={"key": envelope.change.key, "reason": envelope.reason})
    else:
        result.deleted += 1
    result.envelopes.append(envelope)


def parse_event(
    event: Any, settings: ParseSettings, clients: Clients, *, cpu_seconds: float | None = None
) -> ParseResult:
    """Every S3 change of an event to StoreQueue, each file read within ``cpu_seconds`` of CPU.
    Raises EventNotUnderstood for a shape that holds none."""
    intake = read_event(event)
    result = ParseResult(ignored=len(intake.ignored))
    for what in intake.ignored:
        logger.info("ignored: changes no post", extra={"what": what})
    for change in intake.changes:
        logger.set_correlation_id(change.key)
        if change.names_a_folder:
            _folder(result, change)
            continue
        if _site_file(result, change):
            continue
        envelope = envelope_for(change, settings, clients, cpu_seconds=cpu_seconds)
        if envelope is None:
            result.vanished += 1
            continue
        _count(result, envelope)
    if result.envelopes:
        send_envelopes(clients.sqs, settings.store_queue_url, result.envelopes)
    _add_metrics(result)
    return result


def _folder(result: ParseResult, change: S3Change) -> None:
    """A folder marker (``posts/2024/``): no post, created or removed; counted and logged, never sent."""
    result.folders += 1
    result.folder_keys.append(change.key)
    logger.info("ignored: the key names a folder, not a post", extra={"key": change.key, "event": change.event_name})


def _site_file(result: ParseResult, change: S3Change) -> bool:
    """A file of a Jekyll site that Jekyll never reads as a post (``_layouts/post.html``, an image):
    made, or an old version of it removed (lifecycle expiry), it is counted and logged, never sent.
    Its removal (a delete marker) goes on to the store as any removal does, so a record made of it
    before (a rejection, or a post by an older postdrop) ends."""
    why = None if change.made_a_delete_marker else site_file(change.key)
    if why is None:
        return False
    result.site_files.append(change.key)
    logger.info("ignored: a file of the site, not a post", extra={"key": change.key, "why": why})
    return True


def _add_metrics(result: ParseResult) -> None:
    metrics.add_metric(name="parsed", unit=MetricUnit.Count, value=result.parsed)
    metrics.add_metric(name="rejected", unit=MetricUnit.Count, value=result.rejected)
    metrics.add_metric(name="folders", unit=MetricUnit.Count, value=result.folders)
    metrics.add_metric(name="site_files", unit=MetricUnit.Count, value=len(result.site_files))


def parse_batch_job(
    job: BatchJob, settings: ParseSettings, clients: Clients, *, cpu_seconds: float | None = None
) -> dict[str, Any]:
    """An S3 Batch Operations invocation: each task's object through parsing again (a backfill),
    each file read within ``cpu_seconds`` of CPU, answered per task: Succeeded, TemporaryFailure (a
    retry can fix it) or PermanentFailure."""
    result = ParseResult()
    outcome: dict[str, tuple[str, str]] = {}
    sent: list[tuple[str, Envelope]] = []
    for task_id, change in job.tasks:
        logger.set_correlation_id(change.key)
        if change.names_a_folder:
            _folder(result, change)
            outcome[task_id] = ("Succeeded", f"{change.key}: a folder, not a post; ignored")
            continue
        if _site_file(result, change):
            outcome[task_id] = ("Succeeded", f"{change.key}: a file of the site, not a post; ignored")
            continue
        try:
            envelope = envelope_for(change, settings, clients, cpu_seconds=cpu_seconds)
        except Exception as exc:
            code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""
            # connect and read timeouts, refused or dropped connections: a retry can succeed
            transient = code in _TRANSIENT_CODES or isinstance(exc, BotoConnectionError | HTTPClientError)
            logger.exception("task failed", extra={"task_id": task_id})
            outcome[task_id] = ("TemporaryFailure" if transient else "PermanentFailure", f"{type(exc).__name__}: {exc}")
            continue
        if envelope is None:
            result.vanished += 1
            what = f"version {change.version_id} does not exist" if change.version_id else "the object does not exist"
            outcome[task_id] = ("PermanentFailure", f"{change.key}: {what}")
            continue
        _count(result, envelope)
        sent.append((task_id, envelope))
    if sent:
        try:
            send_envelopes(clients.sqs, settings.store_queue_url, [e for _, e in sent])
        except Exception as exc:
            logger.exception("could not send the envelopes; Batch Operations retries these tasks")
            outcome |= {task_id: ("TemporaryFailure", f"could not reach StoreQueue: {exc}") for task_id, _ in sent}
    for task_id, envelope in sent:
        said = "parsed" if envelope.action == "upsert" else f"rejected: {envelope.reason}"
        outcome.setdefault(task_id, ("Succeeded", f"{envelope.change.key}: {said}"))
    _add_metrics(result)
    return job.response([(task_id, *outcome[task_id]) for task_id, _ in job.tasks])


# A small post as authors write them (front matter, a heading, emphasis, links, lists, a quote,
# CJK and Latin text): what most posts' first parse needs made, and no more. Its tags are a YAML
# list, which the fast reader leaves to PyYAML, as it leaves 172 of the 250 front matters of the
# corpus and jekyll-world: PyYAML's import (16 ms of CPU) is made here, not in the first event
# (110 ms at 0.145 of a core). Liquid (90 ms, in 61 of jekyll-world's 210 posts) is not.
_REHEARSAL_POST = """---
layout: post
title: "Rehearsal 排练"
date: 2026-01-01 08:00:00 +0800
categories: notes
tags: [rehearsal, 排练]
---

## A heading

A paragraph with *emphasis*, **strong** text, `code` and [a link](https://example.com/a).
这是一段中文，说明来源。[返回首页](//example.com/)｜<https://example.com/b>

- an item
- another item

1. first
2. second

> a quote
""".encode()


def rehearse(settings: ParseSettings, clients: Clients) -> None:
    """Lambda's init runs at a full core, the first event at the memory size's share of one
    (0.145 at 256 MB): one small post read from an S3 event, parsed and enveloped here, at init,
    so the first event does not make what most posts need (the regular expressions the kramdown
    package compiles on first use, PyYAML, pydantic's and the HTML libraries' first calls). Nothing is
    sent or logged, and the result is dropped; ``clients`` is not called (the post is inlined)."""
    key = "posts/2026-01-01-rehearsal.md"
    record = {"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
              "s3": {"bucket": {"name": "postdrop-rehearsal"},
                     "object": {"key": key, "sequencer": "00", "size": len(_REHEARSAL_POST)}}}  # fmt: skip
    for change in read_event({"Records": [record]}).changes:
        post = parse_post(_REHEARSAL_POST, change.key, default_zone=settings.default_zone, site=settings.site)
        upsert_envelope(post, change, clients).body  # noqa: B018 - the envelope's JSON, made once
