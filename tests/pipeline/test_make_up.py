"""`make up` in a terminal, the way a person runs it: the banner, a drop, its line, Ctrl-C."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import subprocess  # nosec B404 - make, as a person runs it
import termios
import time

import boto3
import pytest

from postdrop_tools.emulator import LOCAL_CREDENTIALS, REGION
from tests.conftest import REPO, SAMPLES

pytestmark = pytest.mark.pipeline
PORT = "4577"  # apart from the default 4566, which a developer's own `make up` may hold


def _read_until(fd: int, pattern: str, seconds: float, seen: list[str]) -> re.Match[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if match := re.search(pattern, "".join(seen)):
            return match
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen.append(os.read(fd, 65536).decode(errors="replace"))
            except OSError:  # the terminal closed: the process ended
                break
    raise AssertionError(f"no {pattern!r} on the terminal within {seconds} s:\n{''.join(seen)[-3000:]}")


def _own_terminal() -> None:
    """In the child: a session of its own whose controlling terminal is the pty, as a shell gives."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def test_make_up_in_a_terminal_shows_a_drop_and_stops_on_ctrl_c() -> None:
    master, slave = pty.openpty()
    command = ["make", "up", f"ARGS=--port {PORT}"]  # as typed in a shell  # nosec B607
    process = subprocess.Popen(
        command, cwd=REPO, stdin=slave, stdout=slave, stderr=slave,
        preexec_fn=_own_terminal, env=os.environ | {"TERM": "xterm"},  # noqa: PLW1509
    )  # fmt: skip  # nosec B603
    os.close(slave)
    seen: list[str] = []
    try:
        banner = _read_until(master, r"bucket\s+(\S+)", 120, seen)
        assert "subscriber queue" in _read_until(master, r"Ctrl-C stops it", 10, seen).string
        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{PORT}", region_name=REGION,
                          aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])  # fmt: skip
        sample = SAMPLES / "2026-03-02-NW0001.md"
        s3.put_object(Bucket=banner.group(1), Key=f"posts/{sample.name}", Body=sample.read_bytes())
        _read_until(master, r"post\.created\s+posts/2026-03-02-NW0001\.md\s+\S", 60, seen)
        # its twin (.html beside .md: one post, the .md shown) and a re-drop: each says nobody hears of it
        s3.put_object(Bucket=banner.group(1), Key="posts/2026-03-02-NW0001.html", Body=sample.read_bytes())
        _read_until(
            master, r"kept\s+posts/2026-03-02-NW0001\.html\s+the post shows posts/2026-03-02-NW0001\.md", 60, seen
        )
        s3.put_object(Bucket=banner.group(1), Key=f"posts/{sample.name}", Body=sample.read_bytes())
        _read_until(master, r"unchanged\s+posts/2026-03-02-NW0001\.md\s+nothing announced", 60, seen)
        s3.put_object(Bucket=banner.group(1), Key="posts/2026-03-02-NW0001.docx", Body=b"PK\x03\x04")
        stray = r"rejected\s+posts/2026-03-02-NW0001\.docx\s+not a post file type \(\.docx\).*the post shows"
        _read_until(master, stray, 60, seen)
        s3.delete_object(Bucket=banner.group(1), Key="posts/2026-03-02-NW0001.html")
        _read_until(
            master, r"removed\s+posts/2026-03-02-NW0001\.html\s+the post shows posts/2026-03-02-NW0001\.md", 60, seen
        )
        # a blog's _posts/ synced to the bucket's root, where nothing reads it: said once, with the fix
        s3.put_object(Bucket=banner.group(1), Key="_posts/2026-03-03-a.md", Body=sample.read_bytes())
        _read_until(master, r"s3://\S+/_posts/ is outside posts/: nothing reads it.*aws s3 mv --recursive", 60, seen)
        # a synced blog's image: a line says it was ignored, and why
        s3.put_object(Bucket=banner.group(1), Key="posts/assets/cat.png", Body=b"\x89PNG\r\n\x1a\n")
        _read_until(master, r"ignored\s+posts/assets/cat\.png\s+a file of the site \(\.png\)", 60, seen)
        # a synced blog's _config.yml: ignored, and the parameters that would read its posts as its Jekyll does
        s3.put_object(Bucket=banner.group(1), Key="posts/_config.yml", Body=b"timezone: Europe/Paris\n")
        _read_until(
            master,
            r"posts/_config\.yml: a site's settings are the stack's parameters.*DefaultTimeZone=Europe/Paris",
            60,
            seen,
        )
        s3.put_object(Bucket=banner.group(1), Key="posts/_posts/new/", Body=b"")  # a console's "create folder"
        _read_until(master, r"ignored\s+posts/_posts/new/\s+a folder", 60, seen)
        os.write(master, b"\x03")  # Ctrl-C, through the terminal's line discipline
        _read_until(master, r"postdrop up: stopped", 30, seen)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # make and postdrop up: the session's group
        os.close(master)
    assert "Traceback" not in "".join(seen)
