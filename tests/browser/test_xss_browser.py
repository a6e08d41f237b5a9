"""postdrop's ``html`` in a real browser: public XSS vectors in every construct a post has.

Every vector of ``../shared/xss-vectors/vectors.txt`` (third-party text, read in place) goes
into posts as ``.html`` and inside Markdown constructs; each ``html`` that parse_post makes
is loaded in headless Chromium, every element is focused and clicked and sent the events its
attributes name, and the test fails on any script execution, any request that is not an image
the post names, and any javascript:/data:/vbscript: URL in the DOM, ``links``, ``images`` or
``source.url``. The controls first show that each detector fires on unsanitized markup.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from postdrop import PostRejected, parse_post
from tests.browser.harness import Chromium, Finding, Output, chromium_path, dangerous_url
from tests.conftest import REPO, post

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

pytestmark = [pytest.mark.browser, pytest.mark.long(seconds=100)]

VECTORS_FILE = Path(os.environ.get("POSTDROP_XSS_VECTORS", REPO.parent / "shared" / "xss-vectors" / "vectors.txt"))
CHROMIUM = chromium_path()


def _vectors() -> list[str]:
    if not VECTORS_FILE.is_file():
        return []
    vectors = []
    for line in VECTORS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#@"):
            continue
        vectors.append(json.loads(line[5:]) if line.startswith("json:") else line)
    return vectors


VECTORS = _vectors()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium (Debian: apt-get install chromium; .ci/run installs it)"
)
needs_vectors = pytest.mark.skipif(
    not VECTORS, reason=f"the public XSS vectors are not at {VECTORS_FILE}; third-party text, never copied here"
)

# How a vector reaches the body: each is a construct a post can hold. (suffix, body)
CONSTRUCTS: dict[str, tuple[str, Callable[[str], str]]] = {
    "html-file": (".html", lambda v: f"<p>before</p>\n{v}\n<p>after</p>\n"),
    "raw-html-block": (".md", lambda v: f"Before.\n\n{v}\n\nAfter.\n"),
    "inline-html": (".md", lambda v: f"Some *text* {v} more text.\n"),
    "link": (".md", lambda v: f"A [link]({v}) and [another](<{v}>).\n"),
    "image": (".md", lambda v: f"An ![image]({v}) here.\n"),
    "autolink": (".md", lambda v: f"Go to <{v}> now.\n"),
    "reference": (".md", lambda v: f"A [reference][r] link and ![ref image][r].\n\n[r]: {v}\n"),
    "footnote": (".md", lambda v: f"A claim.[^1]\n\n[^1]: {v}\n"),
    "math": (".md", lambda v: f"Inline $x = {v}$ and display:\n\n$$\n{v}\n$$\n"),
    "liquid": (".md", lambda v: f'{{{{ "{v}" }}}} and {{% raw %}}{v}{{% endraw %}}\n'),
    "trailer": (".md", lambda v: f"The article.\n\n[Back]({v}) [More](https://example.com/more)\n\n<{v}>\n"),
    "lead-quote": (".md", lambda v: f"> {v}\n\nThe article.\n"),
}


def _outputs(vectors: list[str], dangerous: list[str], rejected: Counter[str]) -> Iterator[Output]:
    """parse_post over every vector in every construct; model fields are checked on the way."""
    for index, vector in enumerate(vectors):
        for name, (suffix, body) in CONSTRUCTS.items():
            label = f"vector {index} in {name}: {vector[:80]!r}"
            try:
                got = parse_post(post("title: t", body(vector)), f"posts/v{index}{suffix}")
            except PostRejected:  # a body postdrop refuses (a NUL byte, say) reaches no browser
                rejected[name] += 1
                continue
            urls = [link.href for link in got.links] + list(got.images) + [got.source.url]
            dangerous += [f"{label}: {url!r}" for url in urls if dangerous_url(url)]
            yield Output(label, got.html, tuple(got.images))


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    assert CHROMIUM is not None
    with Chromium(CHROMIUM) as chromium:
        yield chromium


# --- the detectors fire: markup that is live is caught, markup that is not is left alone -----------

CONTROLS = {
    "script": ("<script>1</script>", "script"),
    "error handler": ("<img src=x onerror=1>", "script"),
    "named event": ('<div onmouseover="1">hover</div>', "script"),
    "focus": ("<input autofocus onfocus=1>", "script"),
    "followed javascript: link": ('<a href="javascript:void(0)">x</a>', "script"),
    "tab-split javascript: link": ('<a href="jav&#x09;ascript:void(0)">x</a>', "script"),
    "svg load": ("<svg onload=1></svg>", "script"),
    "unnamed image": ('<img src="http://elsewhere.test/pixel.png">', "request"),
    "style sheet": ('<link rel=stylesheet href="http://elsewhere.test/x.css">', "request"),
    "data: link": ('<a href="data:text/html,hi">x</a>', "url"),
    "vbscript: image": ('<img src="vbscript:msgbox(1)">', "url"),
}


@needs_chromium
@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_each_detector_fires_on_live_markup(browser: Chromium, name: str) -> None:
    markup, kind = CONTROLS[name]
    findings = browser.check([Output(name, markup)])
    assert kind in {f.kind for f in findings}, f"{name}: the {kind} detector did not fire ({findings})"


@needs_chromium
def test_inert_markup_has_no_findings(browser: Chromium) -> None:
    clean = [
        Output("link, named image", '<p><a href="https://example.com/">a</a> <img src="/i/a.png"></p>', ["/i/a.png"]),
        Output("table", "<table><tr><td>1</td></tr></table><pre><code>x = 1</code></pre>"),
    ]
    assert browser.check(clean) == []


@needs_chromium
@needs_vectors
def test_unsanitized_vectors_are_caught(browser: Chromium) -> None:
    """The public vectors, as written, mostly do run in this browser: the harness sees them."""
    sample = VECTORS[:120]
    findings = browser.check([Output(f"raw {i}", v) for i, v in enumerate(sample)])
    caught = {f.label for f in findings}
    # 33 of these 120 run in Chromium 156 (many target old browsers: IE expressions, vbscript)
    assert len(caught) >= len(sample) // 4, f"only {len(caught)} of {len(sample)} raw vectors were caught"


# --- postdrop's output ------------------------------------------------------------------------


@needs_chromium
@needs_vectors
def test_no_vector_is_live_in_any_construct(browser: Chromium) -> None:
    dangerous: list[str] = []
    rejected: Counter[str] = Counter()
    outputs = list(_outputs(VECTORS, dangerous, rejected))
    findings: list[Finding] = browser.check(outputs)
    report = "\n".join(f"{f.kind}: {f.label}: {f.detail}" for f in findings[:40])
    print(
        f"browser: {len(VECTORS)} vectors x {len(CONSTRUCTS)} constructs: {len(outputs)} outputs loaded "
        f"({sum(rejected.values())} bodies rejected), {browser.pages_loaded} pages, {browser.elements_probed} "
        f"elements probed; executions {sum(f.kind == 'script' for f in findings)}, requests "
        f"{sum(f.kind == 'request' for f in findings)}, dangerous URLs {sum(f.kind == 'url' for f in findings)} "
        f"in the DOM and {len(dangerous)} in links/images/source.url"
    )
    assert len(outputs) >= len(VECTORS) * (len(CONSTRUCTS) - 1)
    assert not findings, f"{len(findings)} finding(s):\n{report}"
    assert not dangerous, "\n".join(dangerous[:40])
