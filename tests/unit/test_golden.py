"""Golden JSON for the project's own sample posts (events/posts/), reviewed by eye.

Regenerate after an intended change with:  UPDATE_GOLDEN=1 make test ARGS=tests/unit/test_golden.py
and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import pytest

from postdrop import PostRejected, parse_post
from tests.conftest import REPO, sample_files

if TYPE_CHECKING:
    from pathlib import Path

GOLDEN = REPO / "tests" / "golden"


def _result(path: Path) -> dict[str, Any]:
    try:
        return parse_post(path.read_bytes(), f"posts/{path.name}").model_dump(mode="json")
    except PostRejected as exc:
        return {"rejected": exc.reason}


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_sample_matches_its_golden_json(path: Path) -> None:
    golden = GOLDEN / f"{path.stem}.json"
    got = _result(path)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with UPDATE_GOLDEN=1 and review it"
    assert got == json.loads(golden.read_text(encoding="utf-8"))


def test_every_golden_file_has_its_sample() -> None:
    stems = {p.stem for p in sample_files()}
    assert {g.stem for g in GOLDEN.glob("*.json")} <= stems
