"""examples/subscriber.py run before its user exported the stack's AWS_ variables: one line, no traceback."""

from __future__ import annotations

import os
import subprocess  # the example as its user runs it  # nosec B404
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "subscriber.py"


def test_the_example_subscriber_without_a_region_says_what_to_export() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    done = subprocess.run(  # nosec B603
        [sys.executable, str(EXAMPLE), "http://127.0.0.1:9/123456789012/q", "--seconds", "0"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "subscriber.py: You must specify a region. (postdrop up prints the AWS_ variables to export for its stack)"
    )
