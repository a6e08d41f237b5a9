"""Log lines carry keys, ids and reasons: never a post's body, and never a secret."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from postdrop.observability import logger
from tests.conftest import post
from tests.integration.conftest import s3_event

if TYPE_CHECKING:
    import pytest

    from tests.integration.conftest import Harness

MARKER = "BODYMARKER7731"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_no_body_or_secret_reaches_a_log_line(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    collect = _Collect()
    collect.setFormatter(logger.registered_formatter)
    std_logger = logging.getLogger(logger.name)  # the standard logger behind Powertools' Logger
    std_logger.addHandler(collect)
    logger.setLevel("DEBUG")
    caplog.set_level("INFO")  # whatever else logs through the standard loggers, at Lambda's usual level
    try:
        # Given a post, a rejected file and a poison message, each holding the marker
        harness.put("posts/good.md", post('title: "t"', f"<p>{MARKER} good</p>\n"))
        harness.put("posts/bad.md", f"{MARKER} no front matter\n".encode())
        parse = harness.pipeline.functions["ParseFunction"]
        parse.invoke(s3_event(harness.bucket, "posts/good.md", "01"))
        parse.invoke(s3_event(harness.bucket, "posts/bad.md", "01"))
        bodies = harness.envelopes_sent()
        # When they are stored (with a poison message that quotes the marker)
        harness.store_envelopes(*bodies, f'{{"action": "upsert", "post": "{MARKER}"}}')
    finally:
        std_logger.removeHandler(collect)
        logger.setLevel("WARNING")
    # Then the logs said what happened, and nothing of what the files hold
    text = "\n".join(collect.lines + [r.getMessage() for r in caplog.records])
    assert "posts/bad.md" in text and "not an envelope" in text
    assert MARKER not in text
    assert os.environ["AWS_SECRET_ACCESS_KEY"] not in text
