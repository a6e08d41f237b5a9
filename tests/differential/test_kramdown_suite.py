"""postdrop beside Jekyll over kramdown's own test suite (../shared/kramdown-suite).

Each case of kramdown's and kramdown-parser-gfm's suites is a post there; each folder is built
as a Jekyll site (jekyll_site.py) and every post's ``text`` compared with Jekyll's rendering,
both ways (compare.py): every text block Jekyll renders is in ``text``, every line of ``text``
is in Jekyll's text, and no syntax leaks.

KEPT lists the cases where postdrop differs on purpose: the words of what is kept out of the
comparison, and the reason (docs/reading.md says the same). TODO lists the cases where postdrop
does not yet read the post as kramdown does: they are expected to fail (strictly: a case that
starts agreeing must leave the list).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from postdrop import parse_post
from tests.conftest import KRAMDOWN_SUITE, kramdown_suite_files
from tests.differential.compare import text_problems
from tests.differential.jekyll_site import JEKYLL, build

if TYPE_CHECKING:
    from pathlib import Path

SUITE = KRAMDOWN_SUITE
CASES = [(path.parent.name, path) for path in kramdown_suite_files()]  # (folder, case), folder by folder
pytestmark = [
    pytest.mark.skipif(not CASES, reason=f"kramdown's suite is not at {SUITE} (third-party text, never copied here)"),
    pytest.mark.skipif(JEKYLL is None, reason="jekyll is not installed (Debian: apt-get install jekyll)"),
]

# Differences kept on purpose: the case, the words of the Jekyll blocks (and postdrop lines) kept
# out of the comparison, and why; the rest of the case is compared.
KEPT: dict[str, tuple[str, str]] = {
    "kramdown__span/01-link-latex-escaping": (
        "http://example.com/hash#hash",
        "the post ends with a paragraph that is one autolink: postdrop reads it as the producer's"
        " source line (source.url), not as text (DESIGN.md, the body's trailer)",
    ),
    "kramdown__block/09-html-parse-as-raw": (
        "http://example.com",
        "its '<http://example.com>' paragraph near the end is one autolink: postdrop reads it as the"
        " producer's source line (source.url), as in 01-link-latex-escaping",
    ),
}

# Cases postdrop does not read as kramdown does yet: the case and what differs.
TODO: dict[str, str] = {}


def _case_id(case: tuple[str, Path]) -> str:
    return f"{case[0]}/{case[1].name.removeprefix('2000-01-01-').removesuffix('.md')}"


def _params() -> list[Any]:
    params = []
    for case in CASES:
        case_id = _case_id(case)
        marks = []
        if case_id in TODO:
            marks.append(pytest.mark.xfail(reason=TODO[case_id], strict=True))
        params.append(pytest.param(case, id=case_id, marks=marks))
    return params


@pytest.fixture(scope="module")
def jekyll(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, Any]]]:
    folders: dict[str, list[Path]] = {}
    for folder, path in CASES:
        folders.setdefault(folder, []).append(path)
    return {folder: build(paths, tmp_path_factory.mktemp(folder) / "site") for folder, paths in folders.items()}


@pytest.mark.parametrize("case", _params())
def test_postdrop_reads_the_case_as_jekyll_does(
    case: tuple[str, Path], jekyll: dict[str, dict[str, dict[str, Any]]]
) -> None:
    folder, path = case
    theirs = jekyll[folder][path.name]
    ours = parse_post(path.read_bytes(), f"posts/{path.name}")
    kept_words, _why = KEPT.get(_case_id(case), ("", ""))
    problems = text_problems(ours.text, theirs["content"], kept_words=kept_words)
    assert not problems, "\n".join(problems)


def test_every_listed_case_is_a_case_of_the_suite() -> None:
    ids = {_case_id(c) for c in CASES}
    assert set(KEPT) <= ids and set(TODO) <= ids
    assert not set(KEPT) & set(TODO)
