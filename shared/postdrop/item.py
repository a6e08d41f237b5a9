"""The PostsTable item: its shape, which of its files it shows, and what a new change makes of it.

One item per post_id. Several object keys can map to one post_id (``x.md`` and ``x.html``,
or ``x.jpg`` beside ``x.md``), so the item keeps every file it has heard of under ``files``
(key -> that file's newest change) and shows one of them at the top level:

- the file shown is the live one (not deleted) of highest precedence: post file types in
  the order of ``POST_SUFFIXES`` (.md, .markdown, .html, .htm, .txt, .mkd, .mkdn, .mkdown),
  then any other file (rejected for its type), a key without an empty folder name (``//``)
  first, ties by key. Precedence depends on keys alone, so the item converges whatever order
  the changes arrive in; sequencers are compared per key only, as S3 orders them.
- a file not shown keeps its whole record inside its ``files`` entry (``record``), so the
  post can show it again when the file above it goes away.
- with no live file left the item is DELETED.

Bookkeeping: ``rev`` counts the item's writes; ``since`` is the rev at which what the item
shows (record type, content, status) last changed: a notification's ``revision``. A write that
moves ``since`` records the announcement it implies (``announcement``: ``since``, ``event_type``,
``previous``, ``change``), computed from the item as it was; the table's stream carries each
write, in order per item, to the publisher, which announces each record whose ``since`` moved
(``announced``). A write that moves nothing carries the announcement over, so a replay of the
item says what was said. Items of the version before hold ``told`` (what subscribers were last
told): the write that next moves their state announces relative to it and drops it.

What subscribers filter on follows the post: ``previous`` holds the record type and filter
attributes (categories, tags, source, status: ``filters_of``) of the state before, so a
notification carries both and a subscription that matched the post hears the change that takes
it out of its filter.

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

from postdrop.core.changes import changed_fields
from postdrop.core.keys import POST_SUFFIXES
from postdrop.core.status import effective_status
from postdrop.envelope import INLINE_FIELDS, PostHead

if TYPE_CHECKING:
    from postdrop.envelope import Envelope
    from postdrop.notification import EventType

__all__ = [
    "FILE_FIELDS", "FILTER_FIELDS", "ITEM_FIELDS", "NOT_PUBLIC_EVENTS", "RECORD_FIELDS", "Shown", "announced",
    "announcement_for", "entry_of", "event_type_for", "files_of", "filters_of", "first_item", "held_records",
    "item_for", "known", "next_item", "origin_of", "pack_post", "precedence", "rechecked", "rejection_hash",
    "shown", "status_of_record", "unpack_post",
]  # fmt: skip

# One file's record: what the top level holds for the file it shows. The post's head is
# PostHead's fields (one home for them: the envelope, the item and the notification).
RECORD_FIELDS = (
    "seq", "sequencer", "key", "bucket", "version_id", "etag", "updated_at", "record_type",
    *PostHead.model_fields, "published_utc", "category", "post_zlib", "post_ref", "reason",
)  # fmt: skip
# What a ``files`` entry holds of every file (its record too, for a live file not shown).
FILE_FIELDS = ("seq", "sequencer", "record_type", "content_hash", "reason", "version_id")
# Every attribute a write sets or removes. ``post``, ``pending``, ``prev_*``, ``told`` and
# ``announcing`` are the shapes of earlier postdrop versions, removed on rewrite (``told`` is kept
# until the write that next moves the state announces relative to it).
ITEM_FIELDS = (*RECORD_FIELDS, "files", "rev", "since", "origin", "announcement", "told", "post", "pending",
               "prev_record_type", "prev_content_hash", "prev_reason", "announcing")  # fmt: skip
# What subscribers filter on (the message attributes category, tags, source and status), as a
# record and an announcement's ``previous`` hold them; empty ones are left out.
FILTER_FIELDS = ("categories", "tags", "source_name", "status")

ZLIB_LEVEL = 6
# ``post_zlib`` is the post's JSON deflated (zlib) against POST_DICTIONARY: the field names and
# markup every post's JSON repeats, which a post of a few KB otherwise pays for itself (#29: some
# 250 of a corpus post's 1,450 bytes, 17 %; 210 over jekyll-world). The zlib header names the
# dictionary by its Adler-32, so a post packed without one (postdrop before) or with another
# reads as it was written: a dictionary once used stays in DICTIONARIES for good; never edit one.
POST_DICTIONARY = (
    b'<blockquote><pre><code class="language-"><ul><li><ol><li><table><thead><tr><th><tbody><td>'
    b'<h2 id="<h3 id="<img src="https://" alt=""><strong></strong><em></em><br>'
    b'{"text":"","href":"https://"},{"text":"","href":"/"}'
    b'{"schema_version":"1","post_id":"","slug":"","key":"posts/","title":"","published_at":"","layout":"post",'
    b'"categories":[],"tags":[],"summary":"","sections":[{"heading":null,"paragraphs":["'
    b'"]}],"text":"","char_count":,"excerpt":"","jekyll_excerpt":"","url":"/","status":"published",'
    b'"updated_at":null,"authors":[],"lang":"en","headings":[],"image":null,"word_count":,"reading_minutes":1,'
    b'"html":"<p></p>\\n<p><a href=\\"https://","source":{"name":"","url":"https://"},"links":[{"text":"","href":"'
    b'"}],"images":[],"extra":{},"warnings":[],"content_hash":"'
)
DICTIONARIES = {zlib.adler32(POST_DICTIONARY): POST_DICTIONARY}
_FDICT = 0x20  # the zlib header's flag: a preset dictionary, its Adler-32 in the next four bytes


def pack_post(post_json: str) -> bytes:
    """A post's JSON as ``post_zlib`` holds it."""
    packer = zlib.compressobj(ZLIB_LEVEL, zdict=POST_DICTIONARY)
    return packer.compress(post_json.encode()) + packer.flush()


def unpack_post(packed: bytes) -> str:
    """The post's JSON from ``post_zlib``, packed with any dictionary of DICTIONARIES or none."""
    if len(packed) > 6 and packed[1] & _FDICT:
        dictionary = DICTIONARIES.get(int.from_bytes(packed[2:6], "big"))
        if dictionary is None:
            raise ValueError("post_zlib was packed with a dictionary this postdrop does not know")
        unpacker = zlib.decompressobj(zdict=dictionary)
        return (unpacker.decompress(packed) + unpacker.flush()).decode()
    return zlib.decompress(packed).decode()


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
    compressed (``post_zlib``, ``pack_post``): a fifth of the size, so a fifth of the write units; the
    head's INLINE_FIELDS are then not kept beside it (the post holds them).
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
            "post_zlib": pack_post(envelope.post_json) if envelope.post_json else None,
            "post_ref": envelope.post_ref,
        }
        if envelope.post_json:  # the post holds them: read back from it (envelope.inline_fields)
            record = {k: v for k, v in record.items() if k not in INLINE_FIELDS}
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


def precedence(key: str) -> tuple[int, bool, str]:
    """Lower shows first: post file types in POST_SUFFIXES order, then other files; then a key
    with no empty folder name before one with (``posts//x.md``, a typo that names the post of
    ``posts/x.md``: the file as written shows, whichever came first); ties by key."""
    lower = key.lower()
    rank = next((i for i, suffix in enumerate(POST_SUFFIXES) if lower.endswith(suffix)), len(POST_SUFFIXES))
    return rank, "//" in key, key


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


def filters_of(record: dict[str, Any] | None) -> dict[str, Any]:
    """The filter attributes a record or a state holds (a post's; none for a deletion)."""
    if not record:
        return {}
    return {name: record[name] for name in FILTER_FIELDS if record.get(name)}


def origin_of(item: dict[str, Any]) -> dict[str, str]:
    """The file change that made the item show what it shows (an item of an earlier postdrop: its top file)."""
    origin = item.get("origin")
    if origin:
        return {"key": str(origin["key"]), "sequencer": str(origin["sequencer"])}
    return {"key": str(item.get("key", "")), "sequencer": str(item.get("sequencer", ""))}


def held_records(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The records the item holds in full, the one it shows last: the files it does not show,
    then its own top level. Each is the dict inside the item, so a caller can move a record's
    post out of line in place."""
    inner = [entry["record"] for entry in item.get("files", {}).values() if "record" in entry]
    return [*inner, item]


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
    ``rev`` counts the write; ``since``, ``origin`` and ``announcement`` move when what it shows
    moves, and are carried over unchanged when it does not."""
    rev = int(item.get("rev", 0)) + 1
    new["rev"] = rev
    moved = shown(new) != shown(item) or "since" not in item
    new["since"] = rev if moved else int(item["since"])
    new["origin"] = top_origin if moved else origin_of(item)
    if not moved:
        new |= {name: item[name] for name in ("announcement", "told") if name in item}
        return new
    was, before = known(item)
    announcement = announcement_for(was, before, new)
    if announcement is not None:
        new["announcement"] = announcement
    elif "announcement" in item:  # told nothing new (an earlier version's told is what it shows): keep the last
        new["announcement"] = item["announcement"]
    return new


# The event type of a post that is not public, by its status (#27): no subscription filtered on
# post.created or post.updated starts to receive posts that are not public.
NOT_PUBLIC_EVENTS: dict[str, EventType] = {
    "scheduled": "post.scheduled", "unpublished": "post.unpublished", "draft": "post.draft",
}  # fmt: skip
NOTHING: Shown = ("DELETED", None, None)


def _public(state: Shown) -> bool:
    return state[0] == "POST" and state[2] == "published"


def event_type_for(was: Shown, now: Shown) -> EventType | None:
    """What subscribers told ``was`` must hear when the post now shows ``now``; None: nothing.

    The public lifecycle: ``post.created`` when a post becomes public, ``post.updated`` while it
    stays public, ``post.deleted`` when it stops being public (deleted, or its status moved:
    the notification's ``status`` says which). A post that is not public is announced as
    ``post.scheduled``, ``post.unpublished`` or ``post.draft``.
    """
    if now == was:
        return None
    if now[0] == "POST":
        if _public(now):
            return "post.updated" if _public(was) else "post.created"
        if _public(was):
            return "post.deleted"
        return NOT_PUBLIC_EVENTS[str(now[2])]
    if now[0] == "REJECTED":
        return "post.rejected"
    return "post.deleted" if was[0] in ("POST", "REJECTED") else None


def known(item: dict[str, Any] | None) -> tuple[Shown, dict[str, Any] | None]:
    """What subscribers know of the item before a write: the state, and the record that holds its
    filters, field hashes and file change (None: they were told nothing of this post).

    Every state a write moved to is announced through the stream, in order, so subscribers know
    what the item shows, except a tombstone nobody was told of. An item of the version before
    holds ``told``: they know that. An item of an earlier postdrop (no ``rev``) announced on write.
    """
    if not item or "record_type" not in item:
        return NOTHING, None
    if "told" in item:
        last = dict(item["told"])
        record_type = str(last["record_type"])
        state: Shown = (record_type, None if record_type == "DELETED" else last.get("content_hash"),
                        status_of_record(last))  # fmt: skip
        if state == shown(item) and not any(name in last for name in FILTER_FIELDS):
            last |= filters_of(item) | {"fields": item.get("field_hashes")}  # told before it kept them: the item's
        return state, last | {"field_hashes": last.get("fields")}
    now = shown(item)
    if now[0] == "DELETED" and "announcement" not in item and "rev" in item:
        return NOTHING, None
    return now, item


def announcement_for(was: Shown, before: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any] | None:
    """The announcement a write that makes the item ``new`` implies, when subscribers know ``was``
    (held by ``before``, None when they were told nothing): its ``since``, ``event_type``,
    ``previous`` (the record type and filter attributes of ``was``) and, for a post.updated,
    ``change``. None when the move says nothing to subscribers."""
    event_type = event_type_for(was, shown(new))
    if event_type is None:
        return None
    announcement: dict[str, Any] = {"since": int(new["since"]), "event_type": event_type}
    if before is not None:
        announcement["previous"] = {"record_type": was[0], **(filters_of(before) if was[0] != "DELETED" else {})}
    if event_type == "post.updated" and before is not None:
        announcement["change"] = _change(before, new)
    return announcement


def _change(before: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What a post.updated says changed: ``changed``, the fields whose short hash moved (absent
    when the state before has none), and ``cause``: ``reader`` when the file change shown is the
    one shown before (the same key and sequencer, etag or version: postdrop read the same bytes
    anew, a backfill after a reader fix), else ``source``."""
    was = origin_of(before) if "origin" in before or "key" in before else {}
    same_bytes = was.get("key") == new.get("key") and (
        was.get("sequencer") == new.get("sequencer")
        or any(before.get(n) not in (None, "", "null") and before.get(n) == new.get(n) for n in ("etag", "version_id"))
    )
    change: dict[str, Any] = {"cause": "reader" if same_bytes else "source"}
    if before.get("field_hashes") and new.get("field_hashes"):
        change["changed"] = changed_fields(before["field_hashes"], new["field_hashes"])
    return change


def first_item(record: dict[str, Any]) -> dict[str, Any]:
    """The item a post's first change makes (the write that creates it): its only file, rev 1."""
    return next_item({"post_id": record["post_id"]}, record) or {}


def announced(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """The announcement of the state the item shows, where it has one (None: a tombstone nobody
    was told of, or an item of an earlier version)."""
    announcement = (item or {}).get("announcement")
    if announcement is None or int(announcement["since"]) != int((item or {}).get("since", -1)):
        return None
    return dict(announcement)
