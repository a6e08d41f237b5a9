"""The sanitizer: a real XSS vector list goes through parse_post and nothing live survives."""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from postdrop import parse_post
from postdrop.core.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES
from tests.conftest import post

VECTORS = [
    line
    for line in (Path(__file__).parents[1] / "data" / "xss-vectors.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
URL_ATTRIBUTES = {"href", "src"}


def _assert_inert(html: str) -> None:
    tree = LexborHTMLParser(f"<body>{html}</body>")
    assert tree.body is not None
    for node in tree.body.traverse():
        if node.tag in ("body", "-text"):
            continue
        assert node.tag in ALLOWED_TAGS, f"tag {node.tag} survived"
        for name, value in node.attributes.items():
            assert name in ALLOWED_ATTRIBUTES.get(node.tag, set()) | {"rel"}, f"attribute {name} survived"
            if name in URL_ATTRIBUTES and value and ":" in value.split("/", 1)[0]:
                assert value.split(":", 1)[0].lower() in ALLOWED_URL_SCHEMES, f"URL {value} survived"
            lowered = (value or "").lower()
            for marker in ("javascript:", "vbscript:", "data:", "expression("):
                assert marker not in lowered, f"{marker} survived in {name}={value!r}"


def test_there_are_enough_vectors_to_mean_something() -> None:
    assert len(VECTORS) >= 70


@pytest.mark.parametrize("vector", VECTORS)
def test_vector_is_inert_in_html_and_absent_from_text(vector: str) -> None:
    got = parse_post(post("title: t", f"<p>before</p>\n\n{vector}\n\n<p>after</p>\n"), "posts/x.md")
    _assert_inert(got.html)
    # text is plain text: markup the Markdown reader saw as characters stays characters, but
    # nothing that was a live element (a script's body, a style sheet) reaches it
    assert "<script>" not in got.text.lower() and "</script>" not in got.text.lower()
    assert "list-style-image" not in got.text and "-moz-binding" not in got.text
    assert all(link.href.split(":", 1)[0].lower() not in ("javascript", "data", "vbscript") for link in got.links)
    assert all(not img.lower().startswith(("javascript", "data", "vbscript")) for img in got.images)


def test_all_vectors_at_once() -> None:
    got = parse_post(post("title: t", "\n\n".join(VECTORS)), "posts/x.md")
    _assert_inert(got.html)
