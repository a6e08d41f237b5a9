"""Backfill on S3 Batch Operations: every object under posts/ through ParseFunction again.

Deployed, `postdrop backfill --stack NAME` creates the job with S3 Control CreateJob: a manifest
S3 generates over the prefix, ParseFunction invoked with invocation schema 2.0 (one task per
invocation), a completion report written to the bucket under REPORT_PREFIX, run under the
template's BatchOperationsRole. The request is checked against botocore's service model
before it is sent, locally too.

Locally there is no S3 Control: the CLI hands the same request to the runner of `postdrop up`
(a queue stands in for CreateJob), and ``run_locally`` does the job's part: lists the manifest,
invokes the real handler task by task, writes the report where Batch Operations would, and a
status object the CLI follows as it would follow DescribeJob.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from postdrop.core.keys import POSTS_PREFIX

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "REPORT_PREFIX", "JobStatus", "create_job_request", "invalid_request", "run_locally", "status_key",
]  # fmt: skip

REPORT_PREFIX = "batch-reports"  # outside posts/: writing here never triggers ParseFunction
_REPORT_COLUMNS = ("Bucket", "Key", "VersionId", "TaskStatus", "ErrorCode", "HTTPStatusCode", "ResultMessage")


@dataclass(frozen=True, slots=True)
class JobStatus:
    """What DescribeJob says of a job, as much as the CLI shows."""

    job_id: str
    status: str  # New, Preparing, Active, Complete, Failed, Cancelled, ...
    total: int
    succeeded: int
    failed: int
    report: str | None = None  # s3:// of the completion report's folder

    @property
    def done(self) -> bool:
        return self.status in ("Complete", "Failed", "Cancelled")


def create_job_request(
    *, account: str, bucket: str, function_arn: str, role_arn: str, prefix: str = POSTS_PREFIX, token: str | None = None
) -> dict[str, Any]:
    """The CreateJob parameters of a backfill over ``prefix`` of ``bucket``."""
    bucket_arn = f"arn:aws:s3:::{bucket}"
    return {
        "AccountId": account,
        "ConfirmationRequired": False,
        "Operation": {"LambdaInvoke": {"FunctionArn": function_arn, "InvocationSchemaVersion": "2.0"}},
        "Report": {
            "Bucket": bucket_arn, "Format": "Report_CSV_20180820", "Enabled": True, "Prefix": REPORT_PREFIX,
            "ReportScope": "AllTasks",
        },
        "ManifestGenerator": {
            "S3JobManifestGenerator": {
                "SourceBucket": bucket_arn, "EnableManifestOutput": False,
                "Filter": {"KeyNameConstraint": {"MatchAnyPrefix": [prefix]}},
            }
        },
        "ClientRequestToken": token or str(uuid.uuid4()),
        "Description": f"postdrop backfill of {prefix}",
        "Priority": 10,
        "RoleArn": role_arn,
    }  # fmt: skip


def invalid_request(request: dict[str, Any]) -> str | None:
    """What botocore's model of S3 Control says is wrong with a CreateJob request (None: nothing)."""
    import botocore.session
    from botocore.validate import ParamValidator

    shape = botocore.session.get_session().get_service_model("s3control").operation_model("CreateJob").input_shape
    if shape is None:  # pragma: no cover - CreateJob has had an input shape since S3 Control began
        return "botocore knows no input of S3 Control's CreateJob"
    report = ParamValidator().validate(request, shape)
    return report.generate_report() if report.has_errors() else None


def status_key(job_id: str) -> str:
    return f"{REPORT_PREFIX}/job-{job_id}/status.json"


def run_locally(
    s3: Any, request: dict[str, Any], job_id: str, invoke: Callable[[dict[str, Any]], Any], *, bucket: str
) -> JobStatus:
    """Do Batch Operations' part of a job on the emulator: one task per invocation of ``invoke``
    (the real handler), the completion report and a status object under REPORT_PREFIX."""
    prefixes = request["ManifestGenerator"]["S3JobManifestGenerator"]["Filter"]["KeyNameConstraint"]["MatchAnyPrefix"]
    keys = [
        obj["Key"]
        for prefix in prefixes
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for obj in page.get("Contents", [])
    ]
    folder = f"{REPORT_PREFIX}/job-{job_id}"
    rows: list[tuple[str, ...]] = []
    succeeded = failed = 0
    for number, key in enumerate(keys):
        _put_status(s3, bucket, JobStatus(job_id, "Active", len(keys), succeeded, failed))
        task = {"taskId": f"{job_id}-{number}", "s3Key": quote_plus(key, safe="/"), "s3VersionId": None,
                "s3Bucket": bucket}  # fmt: skip
        event = {"invocationSchemaVersion": "2.0", "invocationId": str(uuid.uuid4()),
                 "job": {"id": job_id, "userArguments": {}}, "tasks": [task]}  # fmt: skip
        try:
            (result,) = invoke(event)["results"]
            code, message = result["resultCode"], result["resultString"]
        except Exception as exc:  # the invocation failed: Batch Operations records the task as failed
            code, message = "PermanentFailure", f"Lambda function failed: {exc}"
        ok = code == "Succeeded"
        succeeded, failed = succeeded + ok, failed + (not ok)
        rows.append((bucket, key, "", "succeeded" if ok else "failed", "" if ok else code, "200", message))
    report = io.StringIO()
    csv.writer(report).writerows(rows)  # Batch Operations' report has no header row; the columns are documented
    results_key = f"{folder}/results/{uuid.uuid4()}.csv"
    s3.put_object(Bucket=bucket, Key=results_key, Body=report.getvalue().encode())
    manifest = {"Format": "Report_CSV_20180820", "ReportCreationDate": "", "Columns": list(_REPORT_COLUMNS),
                "Results": [{"TaskExecutionStatus": "mixed", "Bucket": bucket, "Key": results_key}]}  # fmt: skip
    s3.put_object(Bucket=bucket, Key=f"{folder}/manifest.json", Body=json.dumps(manifest).encode())
    status = JobStatus(job_id, "Complete", len(keys), succeeded, failed, f"s3://{bucket}/{folder}/")
    _put_status(s3, bucket, status)
    return status


def _put_status(s3: Any, bucket: str, status: JobStatus) -> None:
    body = json.dumps({"job_id": status.job_id, "status": status.status, "total": status.total,
                       "succeeded": status.succeeded, "failed": status.failed, "report": status.report})  # fmt: skip
    s3.put_object(Bucket=bucket, Key=status_key(status.job_id), Body=body.encode())


def read_status(s3: Any, bucket: str, job_id: str) -> JobStatus | None:
    """The local job's status object, or None before the runner has picked the job up."""
    try:
        data = json.loads(s3.get_object(Bucket=bucket, Key=status_key(job_id))["Body"].read())
    except s3.exceptions.NoSuchKey:
        return None
    return JobStatus(data["job_id"], data["status"], data["total"], data["succeeded"], data["failed"], data["report"])


def describe(s3control: Any, account: str, job_id: str) -> JobStatus:
    """A deployed job's status, from DescribeJob."""
    job = s3control.describe_job(AccountId=account, JobId=job_id)["Job"]
    progress = job.get("ProgressSummary") or {}
    report = job.get("Report") or {}
    where = f"s3://{report.get('Bucket', '').rpartition(':')[2]}/{report.get('Prefix', '')}/job-{job_id}/"
    return JobStatus(
        job_id, job["Status"], int(progress.get("TotalNumberOfTasks", 0)),
        int(progress.get("NumberOfTasksSucceeded", 0)), int(progress.get("NumberOfTasksFailed", 0)), where,
    )  # fmt: skip
