"""A headless Chromium that loads postdrop's ``html`` and reports anything live in it.

Each page holds a batch of outputs, one ``<section>`` each, served from an address no
network knows (every request is answered here, none leaves the machine). Three detectors,
none of which relies on what a vector happens to call (``alert`` or anything else):

- scripts: the DevTools debugger reports every script V8 compiles in the page's own world
  (a ``<script>``, an event-handler attribute when its event fires, a ``javascript:`` URL
  when it is followed, ``eval``), so any execution is one ``Debugger.scriptParsed``;
- requests: every request the page makes is recorded; an image request must be one of the
  URLs the post names in ``images``, a navigation (a followed link) one of its ``<a href>``,
  anything else is reported (answered 204, so the page stays where it is);
- URLs: every URL-bearing attribute left in the DOM is read back as the browser sees it.

The harness touches the page only from an isolated world (its own JavaScript context, which
the debugger tells apart): it focuses and clicks every element and dispatches every event
an attribute names, then lets queued tasks run.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

if TYPE_CHECKING:
    from collections.abc import Sequence

    from playwright.sync_api import Browser, CDPSession, Page, Request, Route

__all__ = ["BASE", "Chromium", "Finding", "Output", "chromium_path", "dangerous_url"]

BASE = "http://postdrop.test/"  # a name no resolver knows; the route handler answers for it
_DANGEROUS = ("javascript:", "data:", "vbscript:")
_LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions",
]  # fmt: skip

# Runs in the isolated world, after the page's load event: read URLs back, then interact.
_PROBE = (Path(__file__).parent / "probe.js").read_text(encoding="utf-8")


def chromium_path() -> str | None:
    """Debian's chromium (or $POSTDROP_CHROMIUM), or None where there is none."""
    for candidate in (os.environ.get("POSTDROP_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _defragment(url: str) -> str:
    return urldefrag(url).url


def dangerous_url(url: str | None) -> bool:
    """Whether a URL would run as script or carry inline content, reading its scheme as the
    WHATWG URL parser does (C0 controls and spaces trimmed, tabs and newlines removed)."""
    if not url:
        return False
    folded = url.strip("".join(map(chr, range(0x21)))).translate({9: None, 10: None, 13: None}).lower()
    return folded.startswith(_DANGEROUS)


@dataclass(frozen=True, slots=True)
class Output:
    """One html to load, with the image URLs its post names (requests for them are expected)."""

    label: str
    html: str
    images: Sequence[str] = ()


@dataclass(slots=True)
class Finding:
    label: str
    kind: str  # script | request | url
    detail: str


@dataclass(slots=True)
class _Batch:
    outputs: Sequence[Output]
    url: str
    scripts: list[str] = field(default_factory=list)
    requests: list[tuple[str, str, bool]] = field(default_factory=list)  # (url, resource type, navigation)
    served: bool = False

    def document(self) -> str:
        sections = "".join(
            f'<section data-post="{i}">{output.html}</section>\n' for i, output in enumerate(self.outputs)
        )
        head = "<!doctype html><html><head><meta charset=utf-8><title>postdrop</title></head>"
        return f"{head}<body>\n{sections}</body></html>"


class Chromium:
    """``with Chromium(path) as browser: browser.check(outputs)`` — findings, per output label."""

    def __init__(self, executable: str, *, batch_size: int = 80) -> None:
        self.executable = executable
        self.batch_size = batch_size
        self.pages_loaded = 0
        self.elements_probed = 0
        self._batch: _Batch | None = None

    def __enter__(self) -> Chromium:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser: Browser = self._playwright.chromium.launch(
            executable_path=self.executable, headless=True, args=_LAUNCH_ARGS
        )
        context = self._browser.new_context(java_script_enabled=True)
        self._page: Page = context.new_page()
        self._page.route("**/*", self._answer)
        self._cdp: CDPSession = context.new_cdp_session(self._page)
        self._cdp.on("Debugger.scriptParsed", self._script_parsed)
        self._cdp.send("Debugger.enable")
        return self

    def __exit__(self, *exc: object) -> None:
        self._browser.close()
        self._playwright.stop()

    def check(self, outputs: Sequence[Output]) -> list[Finding]:
        """Load every output (in batches), interact with it, and return what was live."""
        findings: list[Finding] = []
        for start in range(0, len(outputs), self.batch_size):
            batch = outputs[start : start + self.batch_size]
            found = self._check_batch(batch)
            if found and len(batch) > 1:  # name the culprits: each output of the batch alone
                for one in batch:
                    findings += self._check_batch([one])
            else:
                findings += found
        return findings

    def _check_batch(self, outputs: Sequence[Output]) -> list[Finding]:
        url = f"{BASE}page/{self.pages_loaded}"  # a new address each time: no load is taken for another
        label = outputs[0].label if len(outputs) == 1 else f"batch {url}"
        self._batch = batch = _Batch(outputs, url)
        try:
            self.pages_loaded += 1
            self._page.goto(url, wait_until="load")
            probe = self._probe([src for output in outputs for src in output.images])
        except Exception as exc:  # the page was left: a navigation nothing answered with 204
            self._batch = None
            return [Finding(label, "navigation", f"{exc}; requests: {batch.requests[-3:]}")]
        self.elements_probed += probe["elements"]
        self._page.title()  # one more round trip: requests the probe set off are routed before it returns
        self._batch = None
        findings = [Finding(label, "script", source) for source in batch.scripts]
        findings += [Finding(outputs[int(post)].label, "url", where) for post, where in probe["dangerous"]]
        images = {_defragment(u) for u in probe["images"]}  # resolved by the browser, encoded as it requests them
        anchors = {_defragment(u) for u in probe["anchors"]}
        for request_url, kind, navigation in batch.requests:
            expected = anchors if navigation else images
            if _defragment(request_url) not in expected or (not navigation and kind != "image"):
                findings.append(Finding(label, "request", f"{kind}{' navigation' if navigation else ''} {request_url}"))
        return findings

    def _probe(self, images: list[str]) -> dict[str, Any]:
        frame_id = self._cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        world = self._cdp.send("Page.createIsolatedWorld", {"frameId": frame_id, "worldName": "postdrop-probe"})
        result = self._cdp.send(
            "Runtime.evaluate",
            {"expression": f"({_PROBE})({json.dumps(images)})", "contextId": world["executionContextId"],
             "awaitPromise": True, "returnByValue": True},
        )  # fmt: skip
        if "exceptionDetails" in result:
            raise RuntimeError(f"the probe failed: {result['exceptionDetails']}")
        value: dict[str, Any] = result["result"]["value"]
        return value

    def _script_parsed(self, event: dict[str, Any]) -> None:
        aux = event.get("executionContextAuxData") or {}
        if self._batch is not None and aux.get("isDefault"):  # the page's own world, not the probe's
            self._batch.scripts.append(f"{event.get('url') or 'inline'} ({event.get('length', '?')} chars)")

    def _answer(self, route: Route, request: Request) -> None:
        batch = self._batch
        if batch is not None and not batch.served and request.url == batch.url:
            batch.served = True  # once: a link back to the page itself is a navigation like any other
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=batch.document())
            return
        if batch is not None:
            batch.requests.append((request.url, request.resource_type, request.is_navigation_request()))
        route.fulfill(status=204)
