"""A post_ref that cannot be read is dead-lettered, not retried (#30): an envelope whose post_ref
is no S3 address is not an envelope, and an archive that is not there is a permanent failure."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber
from pydantic import ValidationError

from postdrop.adapters.objects import read_archive, require_archive
from postdrop.envelope import Envelope
from postdrop.exceptions import PermanentFailure
from postdrop_tools.emulator import REGION


@pytest.mark.parametrize("ref", ["s3://bucket", "s3:///key", "https://bucket/key", "bucket/key", ""])
def test_an_envelope_whose_post_ref_is_no_s3_address_is_not_an_envelope(ref: str) -> None:
    change = {
        "bucket": "b",
        "key": "posts/a.md",
        "kind": "created",
        "event_name": "ObjectCreated:Put",
        "sequencer": "1",
    }
    head = {"title": "t", "published_at": None, "content_hash": "h"}
    with pytest.raises(ValidationError) as info:
        Envelope.model_validate({"action": "upsert", "post_id": "a", "change": change, "head": head, "post_ref": ref})
    assert [e["loc"] for e in info.value.errors()] == [("post_ref",)]


def test_a_missing_archive_is_a_permanent_failure_with_its_reason() -> None:
    client = boto3.client("s3", region_name=REGION, endpoint_url="http://127.0.0.1:9")  # never reached: stubbed
    with Stubber(client) as stubber:
        stubber.add_client_error("get_object", service_error_code="NoSuchKey", http_status_code=404)
        with pytest.raises(PermanentFailure) as info:
            read_archive(client, "s3://b/archive/posts/a/h.json")
    assert info.value.reason.startswith("the post's archive s3://b/archive/posts/a/h.json does not exist (NoSuchKey)")


def test_other_archive_read_errors_are_left_to_retries() -> None:
    client = boto3.client("s3", region_name=REGION, endpoint_url="http://127.0.0.1:9")
    with Stubber(client) as stubber:
        stubber.add_client_error("get_object", service_error_code="SlowDown", http_status_code=503)
        with pytest.raises(Exception) as info:
            read_archive(client, "s3://b/k")
    assert not isinstance(info.value, PermanentFailure)


@pytest.mark.parametrize("code", ["404", "NoSuchKey"])
def test_an_archive_can_be_required_before_an_item_points_to_it(code: str) -> None:
    client = boto3.client("s3", region_name=REGION, endpoint_url="http://127.0.0.1:9")
    with Stubber(client) as stubber:
        stubber.add_response("head_object", {}, {"Bucket": "b", "Key": "archive/posts/a/h.json"})
        stubber.add_client_error("head_object", service_error_code=code, http_status_code=404)
        require_archive(client, "s3://b/archive/posts/a/h.json")
        with pytest.raises(PermanentFailure) as info:
            require_archive(client, "s3://b/archive/posts/a/h.json")
    assert info.value.reason.startswith("the post's archive s3://b/archive/posts/a/h.json does not exist")
