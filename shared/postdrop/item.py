"""The PostsTable item: its shape, which of its files it shows, and what a new change makes of it.

One item per post_id. Several object keys can map to one post_id (``x.md`` and ``x.html``,
or ``x.jpg`` beside ``x.md``), so the item keeps every file it has heard of under ``files``
(key -> that file's newest change) and shows one of them at the top level:

- the file shown is the live one (not deleted) of highest precedence: post file types in
  the order of ``POST_SUFFIXES`` (.md, .markdown, .html, .htm, .txt), then any other file
  (rejected for its type), ties by key. Precedence depends on keys alone, so the item
  converges whatever order the changes arrive in; sequencers are compared per key only,
  as S3 orders them.
- a file not shown keeps its whole record inside its ``files`` entry (``record``), so the
  post can show it again when the file above it goes away.
- with no live file left the item is DELETED.

Bookkeeping: ``rev`` counts the item's writes; ``since`` is the rev at which what the item
shows (record type and content) last changed: a notification's ``revision``. ``told`` (set
only after a publish succeeds) is what subscribers were last told; the next announcement is
computed against it, never against the last write. ``announcing`` (set just before a
publish) is what may have reached them since: a publish can take effect and the process die
before ``told`` is recorded. While it is ahead of ``told`` it is unconfirmed, and a write
that makes the item show something else keeps the record it announces (``record``), so a
later record can announce it again, under the same id, before what follows.

What subscribers filter on follows the post: ``told`` and ``announcing`` hold, beside the
state, its filter attributes (categories, tags, source: ``filters_of``), and ``announcing``
the filters it was announced against (``previous``). A notification carries the filters of
the state it announces and of the state subscribers were told before it, so a subscription
that matched the post hears the change that takes it out of its filter.

``origin`` is the file change (key, sequencer) that made the item show what it shows: a
notification names it, so every delivery of one state is the same bytes, whichever later
change of the same content (a re-upload, a replay) sends it. Pure: no AWS here.

A post's state includes its *effective* publication status (#27): the parser's, except that a
scheduled post is published once its date has come. The item holds it as ``status``, computed
when a change is written (``item_for``, ``next_item``) and when the post's schedule fires
(``rechecked``), never from the clock when it is read: a state, once written, stays the same.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from postdrop.core.keys import POST_SUFFIXES
from postdrop.core.status import effective_status
from postdrop.envelope import PostHead

if TYPE_CHECKING:
    from postdrop.envelope import Envelope

__all__ = [
    "FILE_FIELDS", "FILTER_FIELDS", "ITEM_FIELDS", "RECORD_FIELDS", "Shown", "entry_of", "files_of", "filters_of",
    "held_records", "item_for", "next_item", "origin_of", "precedence", "rechecked", "rejection_hash", "shown",
    "state_of", "status_of_record", "told", "told_state", "unconfirmed",
]  # fmt: skip

# One file's record: what the top level holds for the file it shows. The post's head is
# PostHead's fields (one home for them: the envelope, the item and the notification).
RECORD_FIELDS = (
    "seq", "sequencer", "key", "bucket", "version_id", "etag", "updated_at", "record_type",
    *PostHead.model_fields, "published_utc", "category", "post_zlib", "post_ref", "reason",
)  # fmt: skip
# What a ``files`` entry holds of every file (its record too, for a live file not shown).
FILE_FIELDS = ("seq", "sequencer", "record_type", "content_hash", "reason", "version_id")
# Every attribute a write sets or removes (``told`` is written only when a publish succeeded,
# ``announcing`` just before a publish, and by a write that supersedes what it announces).
# ``post``, ``pending`` and ``prev_*`` are the shapes of earlier postdrop versions, removed on rewrite.
ITEM_FIELDS = (*RECORD_FIELDS, "files", "rev", "since", "origin", "post", "pending", "prev_record_type",
               "prev_content_hash", "prev_reason")  # fmt: skip
# What subscribers filter on (the message attributes category, tags, source and status), as a
# record, a ``told`` state and an ``announcing`` state hold them; empty ones are left out.
FILTER_FIELDS = ("categories", "tags", "source_name", "status")

ZLIB_LEVEL = 6
# (record_type, content_hash, status): what subscribers can see of a post. status is a post's
# effective publication status (None for a rejection or a deletion); a post written before
# postdrop knew it is "published", as it was announced.
Shown = tuple[str, str | None, str | None]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _utc(iso: str | None) -> str | None:
    if not iso:
        return None
    return datetime.fromisoformat(iso).astimezone(UTC).isoformat().replace("+00:00", "Z")


def item_for(envelope: Envelope, now: datetime | None = None) -> dict[str, Any]:
    """The record of one file's change: ``post_id`` and RECORD_FIELDS. An inline post is stored
    zlib-compressed (``post_zlib``): a quarter of the size, so a quarter of the write units.
    A post's ``status`` is its effective status at ``now`` (default: the clock)."""
    change = envelope.change
    record: dict[str, Any] = {
        "post_id": envelope.post_id,
        "seq": change.seq,
        "sequencer": change.sequencer,
        "key": change.key,
        "bucket": change.bucket,
        "version_id": change.version_id,
        "etag": change.etag,
        "updated_at": _now(),
    }
    if envelope.action == "upsert" and envelope.head is not None:
        head = envelope.head
        record |= {"record_type": "POST", **head.model_dump()} | {
            "status": effective_status(head.status, head.published_at, now or datetime.now(UTC)),
            "published_utc": _utc(head.published_at),  # for the ByCategory index's sort key
            "category": head.categories[0] if head.categories else None,  # its partition key
            "post_zlib": zlib.compress(envelope.post_json.encode(), ZLIB_LEVEL) if envelope.post_json else None,
            "post_ref": envelope.post_ref,
        }
    elif envelope.action == "reject":
        reason = envelope.reason or "rejected"
        record |= {
            "record_type": "REJECTED",
            "reason": reason,
            "content_hash": rejection_hash(reason, envelope.categories, envelope.tags),
            "categories": envelope.categories,  # as the file's front matter said, where it could be read
            "tags": envelope.tags,
        }
    else:
        record |= {"record_type": "DELETED"}
    return {k: v for k, v in record.items() if v is not None and v not in ([], "")}


def rejection_hash(reason: str, categories: list[str], tags: list[str]) -> str:
    """A rejection's content hash: over all its notification says (the reason, and the categories and
    tags subscribers filter it by), so a rejection under other categories is a state of its own,
    announced to them, and one notification_id is one body. Without filters it is the reason's
    hash alone, as earlier postdrop versions wrote it."""
    text = reason if not (categories or tags) else json.dumps([reason, categories, tags], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def entry_of(record: dict[str, Any]) -> dict[str, Any]:
    return {name: record[name] for name in FILE_FIELDS if name in record}


def precedence(key: str) -> tuple[int, str]:
    """Lower shows first: post file types in POST_SUFFIXES order, then other files; ties by key."""
    lower = key.lower()
    rank = next((i for i, suffix in enumerate(POST_SUFFIXES) if lower.endswith(suffix)), len(POST_SUFFIXES))
    return rank, key


def files_of(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every file the item has heard of; an item of an earlier postdrop knew only its own."""
    if "files" in item:
        return {key: dict(entry) for key, entry in item["files"].items()}
    return {item["key"]: entry_of(item)} if "key" in item and "seq" in item else {}


def _records(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The whole record of every live file of the item."""
    records = {}
    for key, entry in files_of(item).items():
        if entry.get("record_type") == "DELETED":
            continue
        if "record" in entry:
            records[key] = {"post_id": item["post_id"], **entry["record"]}
        elif item.get("key") == key:
            records[key] = {"post_id": item["post_id"]} | {n: item[n] for n in RECORD_FIELDS if n in item}
    return records


def status_of_record(record: dict[str, Any]) -> str | None:
    """A record's or a state's publication status: a post's (``published`` when written before
    postdrop knew it), None for anything else."""
    return str(record.get("status") or "published") if record.get("record_type") == "POST" else None


def shown(item: dict[str, Any] | None) -> Shown:
    if not item:
        return ("DELETED", None, None)
    record_type = str(item.get("record_type", "DELETED"))
    if record_type == "DELETED":
        return (record_type, None, None)
    return (record_type, item.get("content_hash"), status_of_record(item))


def told(item: dict[str, Any] | None) -> tuple[Shown, int]:
    """What subscribers were last told of the item, and at which ``since``. An item of an
    earlier postdrop (no ``rev``) counts as told what it shows: those versions announced on write."""
    if not item:
        return ("DELETED", None, None), 0
    if "told" in item:
        last = item["told"]
        record_type = str(last["record_type"])
        content_hash = None if record_type == "DELETED" else last.get("content_hash")
        return (record_type, content_hash, status_of_record(last)), int(last["since"])
    if "rev" not in item:
        return shown(item), 0
    return ("DELETED", None, None), 0


def filters_of(record: dict[str, Any] | None) -> dict[str, Any]:
    """The filter attributes a record or a state holds (a post's; none for a deletion)."""
    if not record:
        return {}
    return {name: record[name] for name in FILTER_FIELDS if record.get(name)}


def state_of(item: dict[str, Any]) -> dict[str, Any]:
    """What the item shows as ``told`` and ``announcing`` hold a state: record type, content
    hash, since, origin, the filter attributes subscribers match it by, the short hash of each
    field of a post and the etag and version of the file change shown (#27, item 4)."""
    record_type, content_hash, _ = shown(item)
    state: dict[str, Any] = {"record_type": record_type, "since": int(item.get("since", 0)), "origin": origin_of(item)}
    if content_hash is not None:
        state["content_hash"] = content_hash
    if record_type == "POST" and item.get("field_hashes"):  # what the next post.updated says changed
        state["fields"] = dict(item["field_hashes"])
    # the file's own change it shows: a later state of the same change is postdrop reading it anew
    state |= {name: item[name] for name in ("etag", "version_id") if item.get(name) not in (None, "", "null")}
    return state | (filters_of(item) if record_type != "DELETED" else {})


def told_state(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """The state subscribers were last told, with its filter attributes (None: told nothing).
    A ``told`` an earlier postdrop wrote has no filters; when it is still what the item shows,
    they are the item's."""
    if not item:
        return None
    last, since = told(item)
    record_type, content_hash, _ = last
    if "told" not in item and "rev" in item:
        return None
    state: dict[str, Any] = {"record_type": record_type, "since": since}
    if content_hash is not None:
        state["content_hash"] = content_hash
    recorded = item.get("told", {})
    if any(name in recorded for name in FILTER_FIELDS):
        return state | filters_of(recorded)
    if record_type != "DELETED" and last == shown(item):
        return state | filters_of(item)
    return state


def origin_of(item: dict[str, Any]) -> dict[str, str]:
    """The file change that made the item show what it shows (an item of an earlier postdrop: its top file)."""
    origin = item.get("origin")
    if origin:
        return {"key": str(origin["key"]), "sequencer": str(origin["sequencer"])}
    return {"key": str(item.get("key", "")), "sequencer": str(item.get("sequencer", ""))}


def held_records(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The records the item holds in full, the one it shows last: the files it does not show,
    the copy an unconfirmed announcement keeps, then its own top level. Each is the dict inside
    the item, so a caller can move a record's post out of line in place."""
    inner = [entry["record"] for entry in item.get("files", {}).values() if "record" in entry]
    kept = item.get("announcing", {}).get("record")
    return [*inner, *([kept] if kept else []), item]


def unconfirmed(item: dict[str, Any]) -> dict[str, Any] | None:
    """What may have been announced and is not yet recorded as told: ``announcing`` while it is
    ahead of ``told`` (its ``since`` greater). None when every announcement is confirmed."""
    announcing = item.get("announcing")
    if announcing is None or int(announcing["since"]) <= told(item)[1]:
        return None
    return dict(announcing)


def next_item(
    item: dict[str, Any], record: dict[str, Any], *, same_change: bool = False, now: datetime | None = None
) -> dict[str, Any] | None:
    """The item after one file's change, or None when it already holds that change or a newer one.

    ``same_change`` (a backfill re-reading the object) rewrites a change already held when its
    content differs, e.g. after a parser fix. The post shown gets its effective status at ``now``.
    """
    key = record["key"]
    files = files_of(item)
    held = files.get(key)
    if held is not None:
        newer = record["seq"] > held["seq"]
        redone = same_change and record["seq"] == held["seq"] and record.get("content_hash") != held.get("content_hash")
        if not (newer or redone):
            return None
    records = _records(item)
    records.pop(key, None)
    if record["record_type"] != "DELETED":
        records[key] = record
    files[key] = entry_of(record)
    top = records[min(records, key=precedence)] if records else record
    for other, other_record in records.items():
        if other != top["key"]:
            files[other] = entry_of(other_record) | {"record": {n: other_record[n] for n in RECORD_FIELDS
                                                                if n in other_record}}  # fmt: skip
    new = {"post_id": item["post_id"], **{n: top[n] for n in RECORD_FIELDS if n in top}, "files": files}
    if new.get("record_type") == "POST" and new.get("status") == "scheduled":  # a held file's date may have come
        new["status"] = effective_status("scheduled", new.get("published_at"), now or datetime.now(UTC))
    return _advance(item, new, origin_of(top))


def rechecked(item: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    """The item when its post's schedule fires at ``now``: the post it shows published, when it
    is scheduled and its date has come; None when the schedule has nothing to change (the post
    is public already, was deleted, moved to another date or is not due yet)."""
    if item.get("record_type") != "POST" or item.get("status") != "scheduled":
        return None
    status = effective_status("scheduled", item.get("published_at"), now)
    if status == "scheduled":
        return None
    new = {k: v for k, v in item.items() if k in (*RECORD_FIELDS, "post_id", "files")} | {"status": status}
    return _advance(item, new, origin_of(item))


def _advance(item: dict[str, Any], new: dict[str, Any], top_origin: dict[str, str]) -> dict[str, Any]:
    """``new`` (what the item shows, and its files) with the item's bookkeeping carried on:
    ``rev`` counts the write, ``since`` and ``origin`` move when what it shows moves, and an
    announcement that may have gone out keeps its record when superseded."""
    rev = int(item.get("rev", 0)) + 1
    new["rev"] = rev
    was = shown(item)
    new["since"] = rev if shown(new) != was or "since" not in item else int(item["since"])
    new["origin"] = origin_of(item) if new["since"] == int(item.get("since", -1)) else top_origin
    if "rev" not in item:  # an earlier postdrop's item: it announced what it shows when it wrote it
        new["told"] = {"record_type": was[0], "content_hash": was[1], "since": 0}
    pending = unconfirmed(item)
    since = int(item.get("since", 0))
    if pending is not None and "record" not in pending and int(pending["since"]) == since != new["since"]:
        # what may have gone out is superseded: keep its record, so it can be announced again
        kept = {n: item[n] for n in RECORD_FIELDS if n in item} | {"origin": origin_of(item)}
        new["announcing"] = pending | {"record": kept}
    elif pending is None and "record" in item.get("announcing", {}):  # confirmed since: drop the copy
        new["announcing"] = {k: v for k, v in item["announcing"].items() if k != "record"}
    return new
