"""The X-Ray SDK loads only where it is asked for (POSTDROP_XRAY_SDK) and Powertools would trace."""

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
        ({"LAMBDA_TASK_ROOT": "/var/task"}, False),  # the template's default: Lambda's own tracing only
        ({"LAMBDA_TASK_ROOT": "/var/task", "POSTDROP_XRAY_SDK": "false"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POSTDROP_XRAY_SDK": "true"}, True),
        ({"POSTDROP_XRAY_SDK": "true"}, False),  # outside Lambda
        ({"LAMBDA_TASK_ROOT": "/var/task", "POSTDROP_XRAY_SDK": "true", "AWS_SAM_LOCAL": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POSTDROP_XRAY_SDK": "true", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POSTDROP_XRAY_SDK": "true", "POWERTOOLS_TRACE_DISABLED": "false"}, True),
    ],
)
def test_the_sdk_traces_when_asked_for_in_lambda(env: dict[str, str], expected: bool) -> None:
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
    assert _tracer_in_fresh_process({"POSTDROP_XRAY_SDK": "true"}) == "handled True False"


def test_in_lambda_by_default_the_x_ray_sdk_is_never_imported() -> None:
    assert _tracer_in_fresh_process({"LAMBDA_TASK_ROOT": str(REPO / "functions" / "parse")}) == "handled True False"


def test_in_lambda_asked_for_the_tracer_is_the_x_ray_one() -> None:
    # the handler runs inside an X-Ray subsegment (no daemon listens here; the SDK logs
    # that the segment is missing and carries on)
    task_root = str(REPO / "functions" / "parse")
    result = _tracer_in_fresh_process({"LAMBDA_TASK_ROOT": task_root, "POSTDROP_XRAY_SDK": "true"})
    assert result == "handled False True"


def test_an_invocation_that_adds_no_metric_writes_no_warning() -> None:
    # a stream batch PublishFunction passes over whole counts nothing: no EMF line, and no
    # warning line either (a fresh process shows a UserWarning once, as a fresh Lambda does)
    code = (
        "from postdrop.observability import metrics\n"
        "handler = metrics.log_metrics(lambda event, context: None)\n"
        "handler({}, None)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=os.environ | {"POWERTOOLS_METRICS_NAMESPACE": "postdrop"}, cwd=REPO)  # fmt: skip
    assert (done.stdout, done.stderr) == ("", "")
