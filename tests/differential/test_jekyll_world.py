"""postdrop beside Jekyll over the posts of ordinary Jekyll blogs (../shared/jekyll-world).

Each folder is built as a Jekyll site (jekyll_site.py) and each post compared with what
parse_post returns for the same file:

- title, categories and tags are Jekyll's;
- the date is the same instant where the post writes an offset, the same wall clock
  otherwise (Jekyll reads offset-less dates as UTC here, postdrop in its default zone);
- the text both ways (compare.py): every text block Jekyll renders is in ``text``, every
  line of ``text`` is in Jekyll's text, and ``text`` holds no Liquid, kramdown, HTML or
  Markdown syntax that Jekyll's text lacks.

And Jekyll's own fields of each post (test_jekyll_fields_agree), with postdrop's default zone
set to UTC, the zone Jekyll runs in here: ``jekyll_excerpt`` is the text of Jekyll's
``post.excerpt``, ``url`` is ``post.url``, ``status`` is ``published`` exactly when Jekyll's
default build (no future, no unpublished posts) publishes the post, and each heading has
Jekyll's level and id.

TODO lists the posts postdrop does not read as Jekyll does yet (expected to fail, strictly).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from postdrop import parse_post
from tests.conftest import jekyll_world_sites, toc_entries
from tests.differential.compare import TYPOGRAPHY, text_problems
from tests.differential.jekyll_site import JEKYLL, build, field_problems

if TYPE_CHECKING:
    from pathlib import Path

SITES = jekyll_world_sites()
pytestmark = [
    pytest.mark.long(seconds=50),
    pytest.mark.skipif(not SITES, reason="../shared/jekyll-world is absent (third-party posts, never copied here)"),
    pytest.mark.skipif(JEKYLL is None, reason="jekyll is not installed (Debian: apt-get install jekyll)"),
]
CASES = [(site, path) for site, posts in SITES.items() for path in posts]
# The differences kept on purpose, each listed in docs/reading.md ("Where postdrop and Jekyll
# differ"): the post, the check it is exempt from (for text, only the Jekyll blocks holding the
# given words), and why.
KEPT: dict[str, tuple[str, str, str]] = {
    "jekyll__jekyll/2023-01-29-jekyll-3-9-3-released.markdown": (
        "date",
        "",
        "'2023-01-29 18:30:22 2023 -0800': Ruby's Time.parse stops before the second year and reads the "
        "wall time, as postdrop does; the test reads it in postdrop's default zone, Jekyll's build in UTC",
    ),
}
# Posts postdrop does not read as Jekyll does yet: the post and what differs.
TODO: dict[str, str] = {}
# Jekyll's fields kept apart on purpose: the post, the field, and why (docs/reading.md).
KEPT_FIELDS: dict[str, dict[str, str]] = {}


@pytest.fixture(scope="module")
def jekyll(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, Any]]]:
    return {site: build(posts, tmp_path_factory.mktemp(site) / "site") for site, posts in SITES.items()}


def _path_id(case: tuple[str, Path]) -> str:
    return f"{case[0]}/{case[1].name}"


def _params() -> list[Any]:
    return [
        pytest.param(
            case,
            id=_path_id(case),
            marks=[pytest.mark.xfail(reason=TODO[_path_id(case)], strict=True)] if _path_id(case) in TODO else [],
        )
        for case in CASES
    ]


@pytest.mark.parametrize("case", _params())
def test_postdrop_reads_the_post_as_jekyll_does(
    case: tuple[str, Path], jekyll: dict[str, dict[str, dict[str, Any]]]
) -> None:
    site, path = case
    if path.name not in jekyll[site]:
        pytest.skip("Jekyll reads no post from a file name without a date (postdrop does)")
    theirs = jekyll[site][path.name]
    ours = parse_post(path.read_bytes(), f"posts/{path.name}")
    problems = []
    if ours.title != theirs["title"] and ours.title != theirs["title"].translate(TYPOGRAPHY):
        problems.append(f"title {ours.title!r} != {theirs['title']!r}")
    if ours.categories != theirs["categories"]:
        problems.append(f"categories {ours.categories} != {theirs['categories']}")
    if ours.tags != theirs["tags"]:
        problems.append(f"tags {ours.tags} != {theirs['tags']}")
    kept, words, _why = KEPT.get(_path_id(case), ("", "", ""))
    if kept != "date":
        problems += _date_problems(path, ours.published_at, theirs["date"])
    problems += text_problems(ours.text, theirs["content"], kept_words=words if kept == "text" else "")
    assert not problems, "\n".join(problems)


def _date_problems(path: Path, ours: str | None, theirs: str) -> list[str]:
    if ours is None:
        return [f"no date; Jekyll's is {theirs}"]
    ours_date, theirs_date = datetime.fromisoformat(ours), datetime.fromisoformat(theirs)
    text = path.read_text(encoding="utf-8", errors="replace")
    written = re.search(r"^date:.*\d(?:\s*[+-]\d\d:?\d\d|Z)[\"']?\s*$", text, re.MULTILINE)
    if written:
        return [] if ours_date == theirs_date else [f"date {ours} is not the instant {theirs}"]
    if ours_date.replace(tzinfo=None) != theirs_date.replace(tzinfo=None):
        return [f"date {ours} is not the wall clock of {theirs}"]
    return []


@pytest.mark.parametrize("case", [pytest.param(c, id=_path_id(c)) for c in CASES if b"{:toc}" in c[1].read_bytes()])
def test_a_table_of_contents_is_jekylls(case: tuple[str, Path], jekyll: dict[str, dict[str, dict[str, Any]]]) -> None:
    site, path = case
    if path.name not in jekyll[site]:
        pytest.skip("Jekyll reads no post from a file name without a date (postdrop does)")
    theirs = toc_entries(jekyll[site][path.name]["content"])
    ours = toc_entries(parse_post(path.read_bytes(), f"posts/{path.name}").html)
    assert ours == theirs


def test_every_kept_difference_is_a_post_of_jekyll_world() -> None:
    ids = {_path_id(c) for c in CASES}
    assert set(KEPT) <= ids and set(TODO) <= ids
    assert not set(KEPT) & set(TODO)


@pytest.mark.parametrize("case", [pytest.param(c, id=_path_id(c)) for c in CASES])
def test_jekyll_fields_agree(case: tuple[str, Path], jekyll: dict[str, dict[str, dict[str, Any]]]) -> None:
    site, path = case
    if path.name not in jekyll[site]:
        pytest.skip("Jekyll reads no post from a file name without a date (postdrop does)")
    theirs = jekyll[site][path.name]
    ours = parse_post(path.read_bytes(), f"posts/{path.name}", default_zone="UTC", now=datetime.now(UTC))
    problems = field_problems(ours, theirs, kept=KEPT_FIELDS.get(_path_id(case), {}))
    assert not problems, "\n".join(problems)


def test_every_kept_field_is_a_post_of_jekyll_world() -> None:
    assert set(KEPT_FIELDS) <= {_path_id(c) for c in CASES}
