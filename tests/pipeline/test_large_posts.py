"""Posts whose notification passes SNS's 256 KB, through the tools people run: `postdrop run` and `postdrop up`.

Their notifications are offloaded to S3 behind a pointer; every tool that shows notifications
reads through it, prints one line, and keeps going.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess  # nosec B404 - the tools under test, run as a user runs them
import sys
import threading
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest

from postdrop import parse_post
from postdrop.adapters.topic import MAX_MESSAGE_BYTES
from postdrop_tools.emulator import LOCAL_CREDENTIALS, REGION
from tests.conftest import REPO, SAMPLES, post

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.pipeline
POSTDROP = Path(sys.executable).parent / "postdrop"
PARAGRAPH = "这是一段很长的正文，用来测试订阅者收到完整的大文章。" * 20


def _post(title: str, paragraphs: int) -> bytes:
    body = "".join(f"<p>{i} {PARAGRAPH}</p>\n" for i in range(paragraphs))
    return post(f'title: "{title}"\ncategories: partners\ndate: 2026-03-09 08:00:00 +0800', body)


@cache
def large_posts() -> dict[str, bytes]:
    """A 1.1 MB post, and one whose notification is just over the offload threshold."""
    just_over = next(
        data
        for n in range(40, 400)
        if len(parse_post(data := _post("刚过阈值", n), "posts/x.md").model_dump_json().encode()) > MAX_MESSAGE_BYTES
    )
    huge = _post("大文章", 1900)
    assert len(huge) > 1100 * 1024
    return {"2026-03-09-just-over.md": just_over, "2026-03-09-large.md": huge}


def test_postdrop_run_prints_offloaded_notifications_and_loses_nothing(tmp_path: Path) -> None:
    for name, data in large_posts().items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "2026-03-02-NW0001.md").write_bytes((SAMPLES / "2026-03-02-NW0001.md").read_bytes())
    result = subprocess.run(
        [str(POSTDROP), "run", str(tmp_path), "--json"], capture_output=True, text=True, cwd=REPO, check=False
    )  # nosec B603
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["dropped"], summary["stored"], summary["lost"]) == (3, 3, 0)
    assert summary["events"] == {"post.created": 3}
    assert "Traceback" not in result.stderr


@pytest.fixture
def up() -> Iterator[tuple[subprocess.Popen[str], str, list[str]]]:
    """`postdrop up` on a free port, as a person starts it; its stdout lines collected as they come."""
    process = subprocess.Popen(
        [str(POSTDROP), "up", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )  # fmt: skip  # nosec B603
    lines: list[str] = []
    assert process.stdout is not None
    threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True).start()  # type: ignore[union-attr]
    endpoint = _wait_for(lines, re.compile(r"local stack on (http://127\.0\.0\.1:\d+)"), 90, process)
    try:
        yield process, endpoint, lines
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for(lines: list[str], pattern: re.Pattern[str], seconds: float, process: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in list(lines):
            if match := pattern.search(line):
                return match.group(1) if match.groups() else line
        assert process.poll() is None, f"postdrop up ended: {process.stderr.read() if process.stderr else ''}"
        time.sleep(0.2)
    raise AssertionError(f"postdrop up printed no line like {pattern.pattern} in {seconds} s: {lines}")


def test_postdrop_up_prints_offloaded_notifications_and_keeps_running(
    up: tuple[subprocess.Popen[str], str, list[str]],
) -> None:
    process, endpoint, lines = up
    # Given a dropper with boto3, as any S3 client drops into the local stack
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                      aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])  # fmt: skip
    bucket = _wait_for(lines, re.compile(r"bucket\s+(\S+)"), 5, process)
    # When a 1.1 MB post and one just over the threshold are dropped
    for name, data in large_posts().items():
        s3.put_object(Bucket=bucket, Key=f"posts/{name}", Body=data)
    # Then up prints one line for each, title included, and stays up for the next drop
    _wait_for(lines, re.compile(r"post\.created\s+posts/2026-03-09-large\.md\s+大文章"), 120, process)
    _wait_for(lines, re.compile(r"post\.created\s+posts/2026-03-09-just-over\.md\s+刚过阈值"), 120, process)
    s3.put_object(Bucket=bucket, Key="posts/2026-03-02-NW0001.md", Body=(SAMPLES / "2026-03-02-NW0001.md").read_bytes())
    _wait_for(lines, re.compile(r"post\.created\s+posts/2026-03-02-NW0001\.md"), 60, process)
    assert process.poll() is None
    assert sum("post.created" in line for line in lines) == 3
