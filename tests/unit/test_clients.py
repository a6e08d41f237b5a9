"""Clients: made at init in Lambda, on first use elsewhere; botocore's loader knows postdrop's services only."""

from __future__ import annotations

import ast
import copy
import gc
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import botocore.config
import botocore.session
import pytest

from postdrop.aws import _HANDLED_SERVICES as HANDLED
from postdrop.aws import (
    CLIENT_CONFIG,
    OPERATIONS,
    SERVICES,
    Clients,
    _loader,
    _rehearse,
    at_init,
    builtin_handler_kept,
    model_for_operations,
    model_without_docs,
    trimmed_endpoints,
    write_botocore_data,
)
from postdrop.config import ParseSettings
from postdrop.core.normalize import parse_post
from postdrop.parse import _REHEARSAL_POST, rehearse
from tests.conftest import REPO

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_LOCAL = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}  # not a secret


@pytest.fixture(autouse=True)
def _collector_as_it_was() -> Iterator[None]:
    """A test that makes clients as in Lambda freezes this process's objects (Clients.at_init): thawed after."""
    yield
    gc.unfreeze()


def _made(clients: Clients) -> set[str]:
    return {name for name in SERVICES if name in vars(clients)}


def test_outside_lambda_no_client_is_made_until_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given no LAMBDA_TASK_ROOT (tests, the local runner, tools)
    monkeypatch.delenv("LAMBDA_TASK_ROOT", raising=False)
    # When a handler module asks for its clients at init
    clients = Clients.at_init(s3=(), sqs=())
    # Then nothing is made (nor a session) until a client is used
    assert _made(clients) == set()
    assert "_session" not in vars(clients)


def test_in_lambda_the_named_clients_are_made_at_init(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Given Lambda's environment
    monkeypatch.setenv("LAMBDA_TASK_ROOT", str(tmp_path))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name, value in _LOCAL.items():
        monkeypatch.setenv(name, value)
    # When
    clients = Clients.at_init(s3=(), sqs=())
    # Then those two are made, from one session, and the others wait for first use
    assert _made(clients) == {"s3", "sqs"}
    assert clients.sns.meta.region_name == "us-east-1"


def test_in_lambda_a_client_that_cannot_be_made_waits_for_its_first_use(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given Lambda's environment without a region (SQS needs one)
    monkeypatch.setenv("LAMBDA_TASK_ROOT", str(tmp_path))
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    # When init asks for it, init still succeeds
    clients = Clients.at_init(sqs=())
    assert _made(clients) == set()
    # Then the error comes at first use, inside the handler, where retries are decided
    from botocore.exceptions import NoRegionError

    with pytest.raises(NoRegionError):
        _ = clients.sqs


def test_the_loader_lists_only_postdrops_services_and_reads_the_same_models(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given botocore's own loader and postdrop's, without the layer's trimmed endpoints
    monkeypatch.setattr("postdrop.aws.BOTOCORE_DATA_DIR", tmp_path / "none")
    theirs = botocore.session.get_session().get_component("data_loader")
    ours = _loader(None)
    # Then only the four services are available, and each model reads the same
    assert ours.list_available_services("service-2") == sorted(SERVICES)
    for service in SERVICES:
        for kind in ("service-2", "endpoint-rule-set-1"):
            assert ours.load_service_model(service, kind) == theirs.load_service_model(service, kind)
    assert ours.load_data("endpoints") == theirs.load_data("endpoints")


def _load_parse_app(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (which imports app) in a fresh process as Lambda starts ParseFunction's, with
    an endpoint nothing listens on."""
    env = {
        "PATH": os.environ["PATH"], "PYTHONPATH": str(REPO / "shared"), "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "LAMBDA_TASK_ROOT": str(REPO / "functions" / "parse"),
        "POWERTOOLS_METRICS_NAMESPACE": "Test", "STORE_QUEUE_URL": "http://127.0.0.1:9/q", **_LOCAL,
    }  # fmt: skip
    return subprocess.run([sys.executable, "-c", code, str(REPO / "functions" / "parse")], env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip


def test_in_lambda_importing_a_handler_makes_its_clients_without_a_request() -> None:
    # Given a fresh process as Lambda starts one, with an endpoint nothing listens on
    code = "import sys; sys.path.insert(0, sys.argv[1]); import app; print('botocore.client' in sys.modules)"
    # When the handler module loads, then its clients are made (no request: nothing listens there)
    out = _load_parse_app(code)
    assert out.stdout.strip() == "True"


def test_in_lambda_what_init_made_is_out_of_the_garbage_collectors_way_and_elsewhere_not(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given a fresh process as Lambda starts one
    code = "import gc, sys; sys.path.insert(0, sys.argv[1]); import app; print(gc.get_freeze_count() > 10000)"
    # When the handler module loads, then the objects it made are frozen (no collection looks at them again)
    assert _load_parse_app(code).stdout.strip() == "True"
    # And outside Lambda (tests, tools) the end of init leaves the collector as it was
    from postdrop.aws import end_of_init

    monkeypatch.delenv("LAMBDA_TASK_ROOT", raising=False)
    frozen = gc.get_freeze_count()
    end_of_init()
    assert gc.get_freeze_count() == frozen


_APPS_REHEARSE = {  # what functions/*/app.py rehearse, by service
    "s3": ("get_object",),
    "sqs": ("send_message_batch",),
    "dynamodb": ("batch_get_item", "get_item", "update_item"),
    "sns": ("publish_batch",),
}


@pytest.mark.parametrize("service", sorted(_APPS_REHEARSE))
def test_a_rehearsal_runs_each_operation_without_a_request(monkeypatch: pytest.MonkeyPatch, service: str) -> None:
    # Given a client pointed where nothing listens
    for name, value in _LOCAL.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    client = getattr(Clients(), service)
    # When each operation is rehearsed, then each succeeds (answered in the process; a
    # request would have failed to connect)
    _rehearse(client, _APPS_REHEARSE[service])


def test_a_rehearsal_walks_the_shapes_of_real_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given clients pointed where nothing listens
    for name, value in _LOCAL.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    clients = Clients()
    # When the store's and the publisher's operations are rehearsed
    table = _rehearse(clients.dynamodb, ("batch_get_item", "get_item", "update_item"))
    (topic,) = _rehearse(clients.sns, ("publish_batch",))
    # Then each answer holds what a real one holds, an item's maps nested as a stored item's are
    # (its announcement, what was shown before, its tags, a tag), so botocore makes their shapes at init
    batch, _, updated = table
    item = updated["Attributes"]
    assert batch["Responses"]["postdrop-rehearsal"] == [item]
    assert item["m"]["M"]["m"]["M"]["l"]["L"][0] == {"S": "x"}
    assert {"S", "N", "B", "BOOL", "NULL", "L", "M"} == {next(iter(v)) for v in item.values()}
    assert topic["Successful"][0]["MessageId"] == "m" and topic["Failed"][0]["SenderFault"] is False


def test_after_a_rehearsal_calls_reach_the_service_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Given a client rehearsed at init, in Lambda's environment, on in-process moto
    from moto import mock_aws

    monkeypatch.setenv("LAMBDA_TASK_ROOT", str(tmp_path))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)  # in-process moto: no server another test left named
    for name, value in _LOCAL.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        clients = Clients.at_init(s3=("get_object",))
        assert _made(clients) == {"s3"}
        # When it is called for real, then the service answers (no bucket), not the rehearsal
        with pytest.raises(clients.s3.exceptions.NoSuchBucket):
            clients.s3.get_object(Bucket="postdrop-rehearsal", Key="posts/rehearsal.md")


def test_with_the_x_ray_sdk_on_the_clients_are_made_but_not_rehearsed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given Lambda's environment with XRaySdkTracing=true (its Tracer would trace a rehearsal outside any segment)
    monkeypatch.setenv("LAMBDA_TASK_ROOT", str(tmp_path))
    monkeypatch.setenv("POSTDROP_XRAY_SDK", "true")
    monkeypatch.delenv("AWS_SAM_LOCAL", raising=False)
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name, value in _LOCAL.items():
        monkeypatch.setenv(name, value)
    rehearsed: list[str] = []
    monkeypatch.setattr("postdrop.aws._rehearse", lambda client, operations: rehearsed.extend(operations))
    # When
    clients = Clients.at_init(s3=("get_object",))
    # Then the client is made at init, and nothing is rehearsed
    assert _made(clients) == {"s3"}
    assert rehearsed == []


def test_at_init_runs_a_rehearsal_in_lambda_only_and_drops_its_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ran: list[str] = []

    def rehearsal() -> None:
        ran.append("ran")
        raise RuntimeError("fails again, for real, in the handler")

    # Given no task root (tests, tools): nothing runs
    monkeypatch.delenv("LAMBDA_TASK_ROOT", raising=False)
    at_init(rehearsal)
    assert ran == []
    # Given Lambda's: it runs, and what it raises stays there
    monkeypatch.setenv("LAMBDA_TASK_ROOT", str(tmp_path))
    at_init(rehearsal)
    assert ran == ["ran"]


def test_the_parse_rehearsal_parses_an_ordinary_post_and_calls_no_service() -> None:
    # Given clients none of which is made yet
    clients = Clients()
    # When the parse rehearsal runs
    rehearse(ParseSettings.from_env({"STORE_QUEUE_URL": "q"}), clients)
    # Then its post is a post as authors write them (nothing repaired), and no client was made
    post = parse_post(_REHEARSAL_POST, "posts/2026-01-01-rehearsal.md")
    assert post.warnings == [] and post.headings and post.links is not None
    assert _made(clients) == set()


def test_in_lambda_importing_the_parse_handler_makes_the_first_posts_regexes_and_prints_nothing() -> None:
    # Given a fresh process as Lambda starts one, with an endpoint nothing listens on
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import app; from postdrop.core.kramdown import html; "
            "print(html._HTML_BLOCK_OPEN._compiled is not None, 'yaml' in sys.modules, "
            "file=sys.stderr)")  # fmt: skip
    # When the handler module loads
    out = _load_parse_app(code)
    # Then what a post's first parse compiles was compiled at init, PyYAML loaded, and no log line written
    assert out.stderr.strip() == "True True"
    assert out.stdout == ""


_EVENTS = ("provide-client-params", "before-parameter-build", "before-endpoint-resolution", "before-call",
           "request-created", "choose-signer", "before-sign", "before-send", "needs-retry", "before-parse",
           "after-call")  # fmt: skip


@pytest.mark.parametrize("service", SERVICES)
def test_a_clients_handlers_are_botocores_for_every_operation(monkeypatch: pytest.MonkeyPatch, service: str) -> None:
    # Given a client of postdrop's session (its built-in handlers narrowed) and one of botocore's own
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    ours = Clients()._client(service)
    config = botocore.config.Config(**CLIENT_CONFIG)
    theirs = botocore.session.get_session().create_client(service, region_name="us-east-1", config=config)
    model = theirs.meta.service_model
    # Then every event of every operation reaches the same handlers, in the same order
    for operation in model.operation_names:
        for event in _EVENTS:
            name = f"{event}.{model.service_id.hyphenize()}.{operation}"
            assert _handlers(ours, name) == _handlers(theirs, name), name


def _handlers(client: Any, event_name: str) -> list[Any]:
    """The handlers an event reaches, in order, each by its module and name (a client's own objects
    and closures are made anew for each client)."""
    found = []
    for handler in client.meta.events._emitter._handlers.prefix_search(event_name):
        function = getattr(handler, "func", handler)  # a functools.partial's function
        found.append((function.__module__, getattr(function, "__qualname__", type(function).__qualname__)))
    return found


def test_the_built_in_handlers_left_out_are_documentation_and_other_services() -> None:
    from botocore import handlers

    left_out = {spec[0] for spec in handlers.BUILTIN_HANDLERS if not builtin_handler_kept(spec[0])}
    assert left_out
    for name in left_out:
        parts = name.split(".")
        assert parts[0] == "docs" or parts[1] not in {*SERVICES, "*", "sts"}, name
    assert builtin_handler_kept("choose-signer.sts.AssumeRoleWithWebIdentity")  # web identity credentials


def _endpoints() -> dict[str, Any]:
    import json
    from pathlib import Path

    data: dict[str, Any] = json.loads(Path(botocore.__file__).with_name("data").joinpath("endpoints.json").read_text())
    return data


def test_the_trimmed_endpoints_resolve_each_service_postdrop_calls_as_botocore_s_own() -> None:
    # Given botocore's endpoint data, and the layer's copy trimmed to the services postdrop calls
    from botocore.regions import EndpointResolver

    full = _endpoints()
    mine, theirs = EndpointResolver(trimmed_endpoints(full), True), EndpointResolver(full, True)
    regions = sorted({region for partition in full["partitions"] for region in partition["regions"]})
    # Then every lookup of those services, in every region of every partition, finds the same
    assert mine.get_available_partitions() == theirs.get_available_partitions()
    variants = ((False, False), (True, False), (False, True), (True, True))
    for service in sorted(HANDLED):
        for name in theirs.get_available_partitions():
            assert mine.get_available_endpoints(service, name) == theirs.get_available_endpoints(service, name)
        for region in regions:
            assert mine.get_partition_for_region(region) == theirs.get_partition_for_region(region)
            for fips, dual in variants:
                assert _outcome(mine, service, region, fips, dual) == _outcome(theirs, service, region, fips, dual)


def _outcome(resolver: Any, service: str, region: str, fips: bool, dualstack: bool) -> Any:
    """What a legacy endpoint lookup gives: the endpoint, or the error it raises."""
    try:
        return resolver.construct_endpoint(service, region, use_fips_endpoint=fips, use_dualstack_endpoint=dualstack)
    except Exception as exc:  # an unmodelled variant, say: the same error either way
        return type(exc).__name__, str(exc)


def _requests(clients: Clients) -> list[tuple[str, dict[str, str], bytes | str]]:
    """Where each of postdrop's calls goes and what it carries, from these clients (each
    stopped before it is sent)."""

    class Sent(Exception):
        pass

    sent: list[tuple[str, dict[str, str], bytes | str]] = []
    varies = {"authorization", "x-amz-date", "user-agent", "amz-sdk-invocation-id", "x-amz-security-token"}

    def stop(request: Any, **_: Any) -> None:
        body = request.body or b""
        headers = {k.lower(): str(v) for k, v in request.headers.items() if k.lower() not in varies}
        sent.append((request.url, headers, body if isinstance(body, bytes | str) else body.read()))
        raise Sent

    item = {":a": {"M": {"l": {"L": [{"N": "1"}]}}}}
    attributes = {"tags": {"DataType": "String.Array", "StringValue": '["a"]'}}
    schedule = {"Name": "n", "GroupName": "g", "ScheduleExpression": "at(2030-01-01T00:00:00)",
                "FlexibleTimeWindow": {"Mode": "OFF"}, "ClientToken": "c"}  # fmt: skip
    target = {"Arn": "arn:aws:sqs:us-east-1:1:q", "RoleArn": "arn:aws:iam::1:role/r"}
    calls: list[tuple[Any, str, dict[str, Any]]] = [
        (clients.s3, "get_object", {"Bucket": "b-1", "Key": "posts/a.md"}),
        (clients.s3, "put_object", {"Bucket": "b-1", "Key": "archive/a.json", "Body": b"{}"}),
        (clients.dynamodb, "get_item", {"TableName": "t", "Key": {"post_id": {"S": "p"}}}),
        (clients.dynamodb, "update_item", {"TableName": "t", "Key": {"post_id": {"S": "p"}},
                                           "UpdateExpression": "SET a = :a", "ExpressionAttributeValues": item}),
        (clients.sqs, "send_message_batch", {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/q",
                                             "Entries": [{"Id": "1", "MessageBody": "m"}]}),
        (clients.sns, "publish_batch", {"TopicArn": "arn:aws:sns:us-east-1:1:t", "PublishBatchRequestEntries": [
            {"Id": "1", "Message": "m", "MessageAttributes": attributes}]}),
        (clients.s3, "head_object", {"Bucket": "b-1", "Key": "posts/a.md"}),
        (clients.dynamodb, "batch_get_item", {"RequestItems": {"t": {"Keys": [{"post_id": {"S": "p"}}]}}}),
        (clients.sqs, "send_message", {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/q", "MessageBody": "m"}),
        (clients.scheduler, "create_schedule", {**schedule, "Target": {**target, "Input": "{}"}}),
        (clients.scheduler, "update_schedule", {**schedule, "Target": target}),
        (clients.scheduler, "delete_schedule", {"Name": "n", "GroupName": "g", "ClientToken": "c"}),
    ]  # fmt: skip
    # every operation the layer's models hold is sent here (each with botocore's data and the layer's)
    assert {(c.meta.service_model.service_name, c.meta.method_to_api_mapping[o]) for c, o, _ in calls} == {
        (service, operation) for service, operations in OPERATIONS.items() for operation in operations
    }
    for client, operation, parameters in calls:
        client.meta.events.register("before-send", stop)
        with pytest.raises(Sent):
            getattr(client, operation)(**parameters)
    return sent


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1", "cn-north-1", "us-gov-west-1"])
def test_a_layer_with_its_botocore_data_reads_it_and_calls_as_botocore_s_own_would(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, region: str
) -> None:
    # Given a layer whose build wrote its copy of botocore's data, and real AWS (no endpoint override)
    from pathlib import Path

    for name, value in _LOCAL.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    expected = _requests(Clients())
    written = write_botocore_data(Path(botocore.__file__).parent, tmp_path)
    monkeypatch.setattr("postdrop.aws.BOTOCORE_DATA_DIR", tmp_path)
    # When clients are made
    clients = Clients()
    # Then their session read the layer's copy, endpoints as botocore's own data, and each call
    # goes where it went, carrying the same request
    loader = clients._session._session.get_component("data_loader")
    data, path = loader.load_data_with_path("endpoints")
    assert path == str(written / "endpoints") and loader.is_builtin_path(path)
    assert data == trimmed_endpoints(_endpoints())
    model, path = loader.load_data_with_path("s3/2006-03-01/service-2")
    assert path == str(written / "s3" / "2006-03-01" / "service-2")
    assert "documentation" not in model["operations"]["GetObject"]
    assert _requests(clients) == expected


def _shape_tree(shape: Any, seen: set[str]) -> Any:
    """Everything botocore reads of a shape but its prose, its members' shapes the same way."""
    if shape is None:
        return None
    head = (shape.name, shape.type_name, shape.serialization, shape.metadata, getattr(shape, "enum", None))
    if shape.name in seen:
        return head
    seen.add(shape.name)
    members = getattr(shape, "members", None) or {}
    nested = [getattr(shape, name, None) for name in ("member", "key", "value")]
    return head, {n: _shape_tree(m, seen) for n, m in members.items()}, [_shape_tree(n, seen) for n in nested]


def _operation_head(operation: Any) -> Any:
    """What botocore reads of an operation besides its shapes."""
    context = [(p.name, p.member_name) for p in operation.context_parameters]
    head = (operation.http, operation.metadata, operation.endpoint_discovery, operation.static_context_parameters)
    return head, context


def test_the_layer_s_models_are_botocore_s_operations_postdrop_calls_without_their_prose(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given postdrop's loader reading the layer's copy of botocore's data, and botocore's own
    from pathlib import Path

    from botocore.model import ServiceModel

    written = write_botocore_data(Path(botocore.__file__).parent, tmp_path)
    monkeypatch.setattr("postdrop.aws.BOTOCORE_DATA_DIR", tmp_path)
    theirs, loader = botocore.session.get_session().get_component("data_loader"), _loader(None)
    for service in SERVICES:
        full = theirs.load_service_model(service, "service-2")
        version = full["metadata"]["apiVersion"]
        ours, path = loader.load_data_with_path(f"{service}/{version}/service-2")
        assert path == str(written / service / version / "service-2")
        ours = loader.load_service_model(service, "service-2")  # with botocore's extras, as a client reads it
        # Then each is the same model less its documentation (an operation, a shape or a member
        # called "documentation" kept), every operation's shapes read alike by botocore,
        assert any("documentation" in shape for shape in full["shapes"].values())
        assert not any("documentation" in shape for shape in ours["shapes"].values())
        assert ours == model_without_docs(model_for_operations(full, OPERATIONS[service]))
        mine, model = ServiceModel(ours, service), ServiceModel(full, service)
        assert mine.operation_names == sorted(OPERATIONS[service])
        assert [e.name for e in mine.error_shapes] == [e.name for e in model.error_shapes]
        for name in mine.operation_names:
            a, b = mine.operation_model(name), model.operation_model(name)
            assert _operation_head(a) == _operation_head(b)
            for shape in ("input_shape", "output_shape"):
                assert _shape_tree(getattr(a, shape), set()) == _shape_tree(getattr(b, shape), set())
            assert [e.name for e in a.error_shapes] == [e.name for e in b.error_shapes]
        # and its endpoint rules the same rules
        rules, path = loader.load_data_with_path(f"{service}/{version}/endpoint-rule-set-1")
        assert path == str(written / service / version / "endpoint-rule-set-1")
        assert rules == theirs.load_service_model(service, "endpoint-rule-set-1")


def test_prose_goes_and_names_stay() -> None:
    # Given a model whose shape has a member called "documentation", and a client context parameter
    model = {"documentation": "about", "clientContextParams": {"P": {"type": "boolean", "documentation": "read"}},
             "operations": {"documentation": {"documentation": "x", "http": {},
                                              "input": {"shape": "S", "documentation": "in"},
                                              "errors": [{"shape": "E", "documentation": "err"}]}},
             "shapes": {"S": {"type": "structure", "documentation": "y", "documentationUrl": "u",
                              "members": {"documentation": {"shape": "T", "documentation": "z"}}},
                        "L": {"type": "list", "member": {"shape": "S", "documentation": "w"}}}}  # fmt: skip
    # Then the operations' and shapes' prose goes, every name and the parameter's prose stay
    assert model_without_docs(model) == {
        "clientContextParams": {"P": {"type": "boolean", "documentation": "read"}},
        "operations": {"documentation": {"http": {}, "input": {"shape": "S"}, "errors": [{"shape": "E"}]}},
        "shapes": {"S": {"type": "structure", "members": {"documentation": {"shape": "T"}}},
                   "L": {"type": "list", "member": {"shape": "S"}}}}  # fmt: skip


def test_a_model_for_operations_keeps_their_shapes_and_every_exception() -> None:
    # Given a model of three operations, one reaching shapes through a list, a map and a structure
    model: dict[str, Any] = {"metadata": {"protocol": "json"},
             "operations": {"Get": {"name": "Get", "input": {"shape": "GetIn"}, "output": {"shape": "GetOut"},
                                    "errors": [{"shape": "Gone"}]},
                            "Put": {"name": "Put", "input": {"shape": "PutIn"}},
                            "List": {"name": "List", "output": {"shape": "ListOut"}}},
             "shapes": {"GetIn": {"type": "structure", "members": {"K": {"shape": "Keys"}}},
                        "Keys": {"type": "list", "member": {"shape": "Key"}},
                        "Key": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "Item"}},
                        "Item": {"type": "structure", "members": {"Self": {"shape": "Item"}}},
                        "GetOut": {"type": "structure", "members": {}}, "S": {"type": "string"},
                        "Gone": {"type": "structure", "members": {"M": {"shape": "Message"}}, "exception": True},
                        "Busy": {"type": "structure", "members": {"M": {"shape": "Message"}}, "exception": True},
                        "Message": {"type": "string"}, "Blob": {"type": "blob"},
                        "PutIn": {"type": "structure", "members": {"B": {"shape": "Blob"}}},
                        "ListOut": {"type": "structure", "members": {}}}}  # fmt: skip
    # When it is cut to Get
    cut = model_for_operations(model, ("Get",))
    # Then Get stays whole with every shape it reaches, and every exception (an error is found by its
    # code, whichever operation it answers); the other operations and their own shapes go
    assert cut["metadata"] == model["metadata"]
    assert cut["operations"] == {"Get": model["operations"]["Get"]}
    assert set(cut["shapes"]) == {"GetIn", "Keys", "Key", "S", "Item", "GetOut", "Gone", "Busy", "Message"}
    assert all(cut["shapes"][name] == model["shapes"][name] for name in cut["shapes"])
    # and an operation the service does not have is no model
    with pytest.raises(KeyError):
        model_for_operations(model, ("Delete",))


def _spelled(node: ast.AST) -> str | None:
    """A name the code could call an operation by: a method called, or a string (getattr's, a rehearsal's)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


# Words postdrop's code spells that are also an operation's name, and what they are there
_NOT_CALLS = {
    ("dynamodb", "query"): "botocore's query protocol, in a rehearsal's answer",
    ("sns", "publish"): "StreamBatch.publish, PublishFunction's own",
}


def test_every_operation_postdrops_code_calls_is_in_the_layer_s_models() -> None:
    # Given each operation of postdrop's services, by botocore's own models
    from botocore import xform_name

    session = botocore.session.get_session()
    names: dict[str, set[tuple[str, str]]] = {}
    for service in SERVICES:
        for operation in session.get_service_model(service).operation_names:
            names.setdefault(xform_name(operation), set()).add((service, operation))
            names.setdefault(operation, set()).add((service, operation))
    # When the package's and the functions' code is read for the names it calls them by
    spelled = set()
    for path in [*(REPO / "shared" / "postdrop").rglob("*.py"), *(REPO / "functions").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for service, operation in names.get(_spelled(node) or "", ()):
                if (service, _spelled(node)) not in _NOT_CALLS:
                    spelled.add((service, operation))
    # Then each is in the layer's models (a missing one would be an AttributeError in Lambda only)
    kept = {(service, operation) for service, operations in OPERATIONS.items() for operation in operations}
    assert spelled <= kept, sorted(spelled - kept)
    assert ("s3", "GetObject") in spelled and ("scheduler", "CreateSchedule") in spelled


def _credentials(session: Any) -> Any:
    """What a session's credential chain gives: its credentials' values and method, or the error it raises."""
    try:
        found = session.get_credentials()
    except Exception as exc:
        return type(exc).__name__, str(exc)
    return found and (found.get_frozen_credentials(), found.method)


_NO_CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                   "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")  # fmt: skip


@pytest.mark.parametrize(
    "env",
    [
        {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token"},
        {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_PROFILE": "other"},
        {"AWS_ACCESS_KEY_ID": "AKIDENV"},  # a partial set: an error either way
        {},  # no key: the shared credentials file's default profile, by botocore's chain
        {"AWS_PROFILE": "other"},
    ],
)
def test_a_sessions_credentials_are_those_botocores_chain_finds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str]
) -> None:
    # Given an environment, and a shared credentials file with two profiles
    for name in _NO_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    shared = tmp_path / "credentials"
    shared.write_text("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n"
                      "[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other-secret\n")  # fmt: skip
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(shared))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # When postdrop's session and botocore's own look for credentials
    ours = Clients()._session._session
    # Then they find the same; with a key in the environment, from the environment's provider alone
    assert _credentials(ours) == _credentials(botocore.session.get_session())
    providers = [p.METHOD for p in ours.get_component("credential_provider").providers]
    assert (providers == ["env"]) == ("AWS_ACCESS_KEY_ID" in env)


def _event_names_seen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every event name postdrop's session and clients register or emit, making each client
    and rehearsing each of its operations (the names are recorded as they are aliased)."""
    from botocore.hooks import EventAliaser

    seen: list[str] = []
    original = EventAliaser._alias_event_name  # type: ignore[attr-defined]

    def recording(self: Any, event_name: str) -> Any:
        seen.append(event_name)
        return original(self, event_name)

    monkeypatch.setattr(EventAliaser, "_alias_event_name", recording)
    for name, value in _LOCAL.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    clients = Clients()
    for service in SERVICES:
        client = getattr(clients, service)
        _rehearse(client, tuple(o for o in _rehearsal_parameters() if hasattr(client, o)))
    monkeypatch.undo()
    return seen


def _rehearsal_parameters() -> dict[str, dict[str, Any]]:
    from postdrop.aws import _rehearsal_calls

    return _rehearsal_calls()[0]


def test_the_sessions_aliaser_names_each_event_as_botocores(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given every name a session and its clients register and emit, and names made to hold each of
    # botocore's old service names (as a part, inside a part, across parts)
    from botocore.handlers import BUILTIN_HANDLERS
    from botocore.hooks import EventAliaser, HierarchicalEmitter
    from botocore.utils import EVENT_ALIASES

    names = _event_names_seen(monkeypatch) + [spec[0] for spec in BUILTIN_HANDLERS]
    for old in EVENT_ALIASES:
        names += [f"before-call.{old}.Op", old, f"x.{old}", f"before-call.{old}x.Op", f"a{old}.b", f"{old}.{old}"]
    assert len(set(names)) > 600
    # When postdrop's session's aliaser (and a client's copy of it) and botocore's name each
    ours = Clients()._session._session.get_component("event_emitter")
    theirs: Any = EventAliaser(HierarchicalEmitter())
    # Then each name is the same event, renamed or not
    for aliaser in (ours, copy.copy(ours)):
        assert type(aliaser) is not EventAliaser
        assert [aliaser._alias_event_name(n) for n in names] == [theirs._alias_event_name(n) for n in names]
    assert ours._alias_event_name("before-call.api.sagemaker.Op") == "before-call.sagemaker.Op"


def test_each_built_in_handler_the_session_registers_passes_botocores_check() -> None:
    # Given the built-in handlers a session registers without botocore's check that each takes
    # keyword arguments (which would raise ValueError on registering one that does not)
    from botocore.compat import accepts_kwargs
    from botocore.handlers import BUILTIN_HANDLERS

    kept = [spec[1] for spec in BUILTIN_HANDLERS if builtin_handler_kept(spec[0])]
    # Then each passes it
    assert len(kept) > 40
    assert all(callable(handler) and accepts_kwargs(handler) for handler in kept)
