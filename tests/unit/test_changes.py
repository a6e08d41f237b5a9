"""The short hashes a post.updated's ``changed`` is computed from (core.changes)."""

from __future__ import annotations

from postdrop import parse_post
from postdrop.core.changes import FIELDS, changed_fields, field_hashes, named_hashes
from tests.conftest import post


def _hashes(front: str, body: str = "<p>正文。</p>\n") -> str:
    return field_hashes(parse_post(post(front, body), "posts/2026-03-01-a.md"))


def test_each_field_has_a_short_hash_and_only_the_changed_ones_move() -> None:
    base = _hashes('title: "t"\ndate: 2026-03-01 09:00:00 +0800\ntags: [a]')
    assert len(base) == 8 * len(FIELDS)  # one string, eight hex digits a field in FIELDS' order
    named = named_hashes(base)
    assert list(named) == list(FIELDS) and all(len(h) == 8 and int(h, 16) >= 0 for h in named.values())
    assert changed_fields(base, base) == []
    retagged = _hashes('title: "t"\ndate: 2026-03-01 09:00:00 +0800\ntags: [a, b]')
    assert changed_fields(base, retagged) == ["tags"]
    redated = _hashes('title: "u"\ndate: 2026-03-02 09:00:00 +0800\ntags: [a]')
    assert changed_fields(base, redated) == ["title", "published_at", "url"]  # the date is in the url


def test_status_is_not_content() -> None:
    # the same post, parsed before its date and after it: no field moved
    past = _hashes('title: "t"\ndate: 2026-03-01 09:00:00 +0800\npublished: false')
    assert changed_fields(past, _hashes('title: "t"\ndate: 2026-03-01 09:00:00 +0800\npublished: false')) == []
    assert "status" not in named_hashes(past)


def test_a_field_only_one_side_knows_counts_as_changed() -> None:
    assert changed_fields({"title": "1"}, {"title": "1", "lang": "2"}) == ["lang"]
    assert changed_fields({"zzz": "1"}, {}) == ["zzz"]  # a field a later postdrop adds sorts last


def test_hashes_kept_before_read_alike_a_map_of_names_and_a_string_older_than_a_field() -> None:
    now = _hashes('title: "t"\ndate: 2026-03-01 09:00:00 +0800')
    # the map of names the version before kept: the same fields, nothing changed
    assert changed_fields(named_hashes(now), now) == []
    # a string made before FIELDS' last field was added: that field counts as changed, no other
    assert changed_fields(now[:-8], now) == [list(FIELDS)[-1]]
