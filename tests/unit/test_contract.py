"""The public contract: names, schema files in step with the models, a pure core, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import postdrop
from postdrop_tools import schemas
from tests.conftest import REPO, SAMPLES


def test_public_names() -> None:
    assert set(postdrop.__all__) == {"parse_post", "PostRejected", "NormalizedPost"}
    assert issubclass(postdrop.PostRejected, ValueError)
    assert postdrop.PostRejected("why").reason == "why"


def test_normalized_post_has_every_contract_field() -> None:
    fields = set(postdrop.NormalizedPost.model_fields)
    assert fields == {
        "schema_version", "post_id", "slug", "key", "title", "published_at", "layout", "categories", "tags",
        "summary", "sections", "text", "char_count", "excerpt", "html", "source", "links", "images", "extra",
        "warnings", "content_hash", "jekyll_excerpt", "url", "status", "updated_at", "authors", "lang", "headings",
        "image", "word_count", "reading_minutes",
    }  # fmt: skip


@pytest.mark.parametrize("name", sorted(schemas.expected()))
def test_committed_schema_matches_the_model(name: str) -> None:
    committed = REPO / "schemas" / name
    assert committed.exists(), f"schemas/{name} is missing: run make schemas"
    assert committed.read_text(encoding="utf-8") == schemas.expected()[name], "schema drifted: run make schemas"


def test_parsed_sample_validates_against_its_schema_types() -> None:
    schema = json.loads((REPO / "schemas" / "normalized-post.v1.json").read_text(encoding="utf-8"))
    got = postdrop.parse_post((SAMPLES / "2026-03-02-NW0001.md").read_bytes(), "posts/2026-03-02-NW0001.md")
    assert set(got.model_dump(mode="json")) == set(schema["properties"])
    assert set(schema["required"]) <= set(got.model_dump(mode="json"))


def _python(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO, env={"PATH": ""}
    )
    return out.stdout.strip()


def test_the_core_imports_no_boto3_and_import_postdrop_is_light() -> None:
    loaded = _python(
        "import sys, postdrop; light = 'pyromark' in sys.modules; "
        "postdrop.parse_post(b'---\\ntitle: t\\n---\\nx', 'posts/x.md'); "
        "print(light, 'boto3' in sys.modules, 'botocore' in sys.modules)"
    )
    assert loaded == "False False False"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    postdrop_bin = Path(sys.executable).parent / "postdrop"
    return subprocess.run([str(postdrop_bin), *args], capture_output=True, text=True, check=False, cwd=REPO)


def test_cli_parse_prints_utf8_json() -> None:
    result = _cli("parse", "events/posts/2026-03-02-NW0001.md")
    assert result.returncode == 0, result.stderr
    assert "城东新区" in result.stdout  # not \\u-escaped
    assert json.loads(result.stdout)["post_id"] == "2026-03-02-NW0001"


def test_cli_parse_key_option() -> None:
    result = _cli("parse", "events/posts/2026-03-02-NW0001.md", "--key", "posts/2026/x.md")
    assert json.loads(result.stdout)["post_id"] == "2026/x"


def test_cli_parse_rejection_is_one_line_exit_2() -> None:
    result = _cli("parse", "events/posts/not-a-post.md")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("postdrop: events/posts/not-a-post.md: no front matter")
    assert "Traceback" not in result.stderr


def test_cli_parse_missing_file_is_one_line() -> None:
    result = _cli("parse", "no/such/file.md")
    assert result.returncode == 1
    assert result.stderr.startswith("postdrop: no/such/file.md: cannot read")


def test_the_sqs_event_file_is_in_step_with_the_envelope_it_shows() -> None:
    from postdrop_tools.events import sqs_store_event

    committed = json.loads((REPO / "events" / "sqs-store.json").read_text(encoding="utf-8"))
    assert committed == sqs_store_event(), "events/sqs-store.json drifted: run python -m postdrop_tools.events"
