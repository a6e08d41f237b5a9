"""Logger, Tracer and Metrics, created once and shared by both functions.

Configured by the POWERTOOLS_* environment variables the template sets (service name,
metrics namespace, log level). Post bodies never go into a log line: keys, ids and reasons do.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

__all__ = ["MetricUnit", "logger", "metrics", "tracer"]

logger = Logger(service="postdrop")
# Only botocore is patched: it is the one library postdrop calls out with. Patching "all"
# would import requests, httplib, sqlite3 and MySQL hooks at every cold start for nothing.
tracer = Tracer(service="postdrop", patch_modules=("botocore",))
metrics = Metrics(namespace="Postdrop", service="postdrop")
