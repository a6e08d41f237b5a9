"""Fuzzing the two readers of outside input (#30): parse_post over generated and mutated post
files, and the envelope reader (Envelope.model_validate_json, StoreFunction's first step) over
generated and mutated envelopes. Every input ends as a post (or an envelope) whose head can be
sent, or as PostRejected (or ValidationError) with a reason, within a time bound: nothing raises
anything else, so nothing is retried for ever.

Bounded for CI: POSTDROP_FUZZ_EXAMPLES examples a test (default 100) and at most
POSTDROP_FUZZ_SECONDS of wall clock a test (default 60; past it the remaining examples pass
without running). A long run: ``POSTDROP_FUZZ_EXAMPLES=20000 POSTDROP_FUZZ_SECONDS=600
HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/unit/test_fuzz_faults.py``.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from postdrop import PostRejected, parse_post
from postdrop.adapters.queue import MAX_BATCH_BYTES
from postdrop.core.limits import check_head
from postdrop.envelope import MAX_POST_ID_BYTES, Envelope, PostHead
from postdrop.item import item_for
from postdrop.s3events import S3Change
from postdrop.store import _not_an_envelope, notification_for
from tests.conftest import sample_files
from tests.unit.encoded_posts import LONG, SHORT

EXAMPLES = int(os.environ.get("POSTDROP_FUZZ_EXAMPLES", "100"))
BUDGET_SECONDS = float(os.environ.get("POSTDROP_FUZZ_SECONDS", "60"))
PER_INPUT_SECONDS = 10.0  # of CPU: a third of ParseFunction's 30 s; generated inputs are small, this is generous
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
_started: dict[str, float] = {}


def _over_budget(test: str) -> bool:
    """True once ``test`` has run BUDGET_SECONDS: the remaining examples pass without running."""
    return time.monotonic() - _started.setdefault(test, time.monotonic()) > BUDGET_SECONDS


# --- post files -------------------------------------------------------------------------------

SEEDS: list[bytes] = [p.read_bytes() for p in sample_files()]
SEEDS += [text.encode(encodings[0]) for text, encodings in LONG.values()]
SEEDS += [text.encode(encoding) for text, encoding in SHORT.values()]

_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcxyz ABC019-_:#>*`|[](){}<>/\\\"'!&%;=.,\t\n")
        + list("中文新闻标签类，。“”—…😀Ünicodeßé")
        + ["\r", "\x00", "\x08"]
    ),
    max_size=80,
)
_FRAGMENTS = st.sampled_from([
    "# Heading\n", "## 小标题\n", "> digest\n", "> > nested\n", "- item\n", "1. one\n", "    code\n",
    "```\nfence\n```\n",
    "<div>", "</div>", "<p>para</p>", "<script>alert(1)</script>", "<a href=\"javascript:x\">l</a>", "<img src=x>",
    "{% if page.title %}t{% endif %}", "{{ page.title }}", "{% raw %}", "{% for x in (1..5) %}{{x}}{% endfor %}",
    "| a | b |\n|---|---|\n| 1 | 2 |\n", "[link](http://x.example/)", "<http://source.example.org/a>",
    "（文章来源：新华社）", "***bold***", "$$ x $$", "<!-- c -->", "&#1;", "&amp;", "\n\n", "---\n",
])  # fmt: skip
_YAML_VALUE = st.one_of(
    _TEXT.map(json.dumps),
    st.sampled_from(
        ["", "~", "yes", "00", "2026-03-04", "2026-13-45 99:99", "[a, b]", "{a: 1}", "&x [1]", "*x", "|\n  x"]
    ),
    st.integers().map(str),
    st.lists(_TEXT.map(json.dumps), max_size=5).map(lambda xs: "[" + ", ".join(xs) + "]"),
)
_FIELD = st.sampled_from(["title", "date", "categories", "category", "tags", "tag", "layout", "permalink", "x"])


@st.composite
def generated_post(draw: st.DrawFn) -> bytes:
    """A post in the shape of Jekyll's files: front matter of named and other keys, a body of
    Markdown, HTML and Liquid fragments; sometimes with a head far past its caps."""
    fields = draw(st.lists(st.tuples(_FIELD, _YAML_VALUE), max_size=8))
    huge = draw(st.sampled_from([None, "title", "tags", "categories"]))
    lines = [f"{name}: {value}" for name, value in fields]
    if huge == "title":
        lines.append('title: "' + "标" * draw(st.integers(1_900, 120_000)) + '"')
    elif huge is not None:
        lines.append(f"{huge}: " + " ".join(f"t{i}" + "签" * 30 for i in range(draw(st.integers(50, 3_000)))))
    body = "".join(draw(st.lists(st.one_of(_FRAGMENTS, _TEXT), max_size=30)))
    text = "---\n" + "\n".join(lines) + "\n---\n" + body
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "gb18030", "latin-1"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return text.replace("\n", newline).encode(encoding, errors="replace")


@st.composite
def mutated_post(draw: st.DrawFn) -> bytes:
    """A real-shaped post with text spliced in, bytes flipped, inserted, removed, repeated or cut off."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["flip", "insert", "splice", "splice", "splice", "delete", "repeat", "cut"]))
        if kind == "splice":  # text a post may hold, in the middle of what it holds
            data[at:at] = draw(st.one_of(_FRAGMENTS, _TEXT)).encode()
        elif kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif kind == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 64))] * draw(st.integers(2, 200))
        else:
            del data[at:]
    return bytes(data)


_KEYS = st.sampled_from(["posts/a.md", "posts/2026-03-04-x.md", "posts/a.html", "posts/a.txt", "posts/x/y.markdown"])


def _parses_or_is_rejected(data: bytes, key: str) -> None:
    started = time.process_time()  # CPU, not the wall: a busy or paused machine does not count against it
    try:
        post = parse_post(data, key)
        check_head(post)  # what ParseFunction asks before it sends the head
    except PostRejected as exc:
        assert exc.reason and exc.reason.strip(), "a rejection without a reason"
        event(f"rejected: {' '.join(exc.reason.split()[:3])}")
    else:
        event("parsed")
        change = S3Change(bucket="b", key=key, kind="created", event_name="ObjectCreated:Put", sequencer="01")
        envelope = Envelope(action="upsert", post_id=post.post_id, change=change, head=PostHead.of(post),
                            post_ref=f"s3://b/archive/posts/{post.post_id}/{post.content_hash}.json")  # fmt: skip
        assert len(envelope.body.encode()) <= MAX_BATCH_BYTES, "a head that passed its caps does not fit a message"
    elapsed = time.process_time() - started
    assert elapsed < PER_INPUT_SECONDS, f"{len(data)} bytes took {elapsed:.1f} s of CPU"


@FUZZ
@given(generated_post(), _KEYS)
def test_generated_posts_parse_or_are_rejected_in_time(data: bytes, key: str) -> None:
    if not _over_budget("generated"):
        _parses_or_is_rejected(data, key)


@FUZZ
@given(mutated_post(), _KEYS)
def test_mutated_posts_parse_or_are_rejected_in_time(data: bytes, key: str) -> None:
    if not _over_budget("mutated"):
        _parses_or_is_rejected(data, key)


# --- envelopes --------------------------------------------------------------------------------

_CHANGE = {"bucket": "b", "key": "posts/a.md", "kind": "created", "event_name": "ObjectCreated:Put",
           "sequencer": "0A", "size": 10, "etag": "e", "version_id": None}  # fmt: skip
_HEAD = {"title": "t", "published_at": "2026-03-04T10:46:18+08:00", "categories": ["c"], "tags": ["t"],
         "source_name": None, "source_url": None, "excerpt": "x", "content_hash": "h"}  # fmt: skip
VALID: list[dict[str, Any]] = [
    {"action": "upsert", "post_id": "a", "change": _CHANGE, "head": _HEAD, "post_ref": "s3://b/archive/posts/a/h.json"},
    {"action": "reject", "post_id": "a", "change": _CHANGE, "reason": "not a post"},
    {"action": "delete", "post_id": "a", "change": _CHANGE | {"kind": "removed", "event_name": "ObjectRemoved:Delete"}},
]
_JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _TEXT,
    st.sampled_from(["", "s3://", "s3://b", "upsert", "reject", "delete", "removed", "2026-03-04",
                     "2026-03-04T10:46:18"]),
    st.integers(MAX_POST_ID_BYTES - 2, MAX_POST_ID_BYTES + 2).map(lambda n: "x" * n),
)  # fmt: skip
_JSON = st.recursive(_JSON_LEAF, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(_TEXT, kids, max_size=3),
                     max_leaves=10)  # fmt: skip
_PATHS = [("action",), ("post_id",), ("change",), ("change", "key"), ("change", "kind"), ("change", "sequencer"),
          ("change", "bucket"), ("change", "backfill"),
          ("head",), ("head", "title"), ("head", "categories"), ("post",), ("post_ref",), ("reason",)]  # fmt: skip


@st.composite
def envelope_body(draw: st.DrawFn) -> str:
    """An envelope's JSON with fields dropped or set to any JSON, or bytes cut and flipped, or any JSON."""
    shape = draw(st.sampled_from(["fields", "fields", "fields", "text", "json"]))
    if shape == "json":
        return json.dumps(draw(_JSON))
    value = json.loads(json.dumps(draw(st.sampled_from(VALID))))
    for _ in range(draw(st.integers(0, 3))):
        *parents, leaf = draw(st.sampled_from(_PATHS))
        node = value
        for name in parents:
            node = node.get(name) if isinstance(node, dict) else None
        if isinstance(node, dict):
            if draw(st.booleans()):
                node.pop(leaf, None)
            else:
                node[leaf] = draw(_JSON)
    body = json.dumps(value, ensure_ascii=draw(st.booleans()))
    if shape == "text":
        chars = list(body)
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, max(0, len(chars) - 1)))
            chars[at : at + 1] = draw(st.sampled_from(["", "}", "{", '"', "\\", "\x00", "\ud800", "[", "9e999"]))
        body = "".join(chars)
    return body


@FUZZ
@given(envelope_body())
def test_an_envelope_body_is_read_or_refused_with_a_reason(body: str) -> None:
    if _over_budget("envelope"):
        return
    started = time.process_time()
    try:
        envelope = Envelope.model_validate_json(body)
    except ValidationError as exc:
        reason = _not_an_envelope(exc)  # what StoreFunction dead-letters it with
        assert reason.startswith("not an envelope")
        event("refused")
    else:
        event(f"read: {envelope.action}")
        assert envelope.post_id and len(envelope.post_id.encode()) <= MAX_POST_ID_BYTES
        if envelope.post_ref is not None:
            bucket, _, key = envelope.post_ref.removeprefix("s3://").partition("/")
            assert bucket and key
        if envelope.change.backfill and not envelope.change.sequencer:  # the store takes the stored one
            change = envelope.change.model_copy(update={"sequencer": "0A"})
            envelope = envelope.model_copy(update={"change": change})
        item = item_for(envelope)  # what the store writes, then announces: pure steps, never raising
        if envelope.action != "delete":
            notification_for(
                item | {"since": 1}, "post.created" if envelope.action == "upsert" else "post.rejected", None
            )
    assert time.process_time() - started < PER_INPUT_SECONDS
