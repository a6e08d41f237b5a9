"""The short hashes a post.updated's ``changed`` is computed from (core.changes)."""

from __future__ import annotations

from postdrop import parse_post
from postdrop.core.changes import FIELDS, changed_fields, field_hashes
from tests.conftest import post


def _hashes(front: str, body: str = "<p>正文。</p>\n") -> dict[str, str]:
    return field_hashes(parse_post(post(front, body), "posts/2026-03-01-a.md"))


def test_each_field_has_a_short_hash_and_only_the_changed_ones_move() -> None:
    base = _hashes('title: "t"\ndate: 2026-03-01 09:00:00 +0800\ntags: [a]')
    assert set(base) == set(FIELDS) and all(len(h) == 8 for h in base.values())
    assert changed_fields(base, base) == []
    retagged = _hashes('title: "t"\ndate: 2026-03-01 09:00:00 +0800\ntags: [a, b]')
    assert changed_fields(base, retagged) == ["tags"]
    redated = _hashes('title: "u"\ndate: 2026-03-02 09:00:00 +0800\ntags: [a]')
    assert changed_fields(base, redated) == ["title", "published_at", "url"]  # the date is in the url


def test_status_is_not_content() -> None:
    # the same post, parsed before its date and after it: no field moved
    past = _hashes('title: "t"\ndate: 2026-03-01 09:00:00 +0800\npublished: false')
    assert changed_fields(past, _hashes('title: "t"\ndate: 2026-03-01 09:00:00 +0800\npublished: false')) == []
    assert "status" not in past


def test_a_field_only_one_side_knows_counts_as_changed() -> None:
    assert changed_fields({"title": "1"}, {"title": "1", "lang": "2"}) == ["lang"]
    assert changed_fields({"zzz": "1"}, {}) == ["zzz"]  # a field a later postdrop adds sorts last
