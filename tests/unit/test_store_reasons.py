"""Why StoreFunction dead-letters a message that is not an envelope: where, never what."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from postdrop.envelope import Envelope
from postdrop.store import _not_an_envelope


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Hello from SQS!", "not an envelope: the body is not JSON (expected value at line 1 column 1)"),
        ("", "not an envelope: the body is not JSON (EOF while parsing a value at line 1 column 0)"),
        ("[1, 2]", "not an envelope: the body is no JSON object"),
        ('{"secret": "s3cr3t"}', "not an envelope: missing action, change, post_id"),
        ('{"post_id": 7, "action": "upsert"}', "not an envelope: missing change; wrong post_id"),
    ],
)
def test_the_reason_names_what_is_wrong_and_never_quotes_the_body(body: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Envelope.model_validate_json(body)
    assert _not_an_envelope(caught.value) == reason
