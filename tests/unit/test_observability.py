"""Tracing is Powertools' own in Lambda and costs nothing where Powertools turns it off."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from postdrop.observability import tracing_enabled
from tests.conftest import REPO


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LAMBDA_TASK_ROOT": "/var/task"}, True),
        ({}, False),  # outside Lambda
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "false"}, True),
    ],
)
def test_tracing_follows_powertools_rule(env: dict[str, str], expected: bool) -> None:
    assert tracing_enabled(env) is expected


def _tracer_in_fresh_process(extra: dict[str, str]) -> str:
    code = (
        "import sys, postdrop.observability as o\n"
        "@o.tracer.capture_lambda_handler\n"
        "def handler(event, context): return 'handled'\n"
        "print(handler({}, None), o.tracer.disabled, 'aws_xray_sdk.core' in sys.modules)"
    )
    env = {"PATH": os.environ["PATH"], "AWS_DEFAULT_REGION": "us-east-1", "PYTHONPATH": str(REPO / "shared")}
    out = subprocess.run([sys.executable, "-c", code], env=env | extra, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_outside_lambda_the_x_ray_sdk_is_never_imported() -> None:
    assert _tracer_in_fresh_process({}) == "handled True False"


def test_in_lambda_the_tracer_is_the_x_ray_one() -> None:
    # POWERTOOLS_TRACE_DISABLED is not set: the handler runs inside an X-Ray subsegment
    # (no daemon listens here; the SDK logs that the segment is missing and carries on)
    result = _tracer_in_fresh_process({"LAMBDA_TASK_ROOT": str(REPO / "functions" / "parse")})
    assert result == "handled False True"
