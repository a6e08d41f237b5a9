"""The boto3 clients a function calls: one ``Clients`` per Lambda init, passed to the logic.

Each ``app.py`` makes its ``Clients`` when Lambda loads it and hands it to the logic it
calls; nothing in postdrop reaches for a client of its own. The local runner, the soak,
the benchmarks and the tests make theirs and pass them in, instrumented as they need
(counting calls, injecting faults), so no hook depends on when it was attached.

In Lambda, each function makes the clients it always calls at init (``Clients.at_init``):
Lambda runs init at a full core, and the first event at the memory size's share of one
(0.145 at 256 MB), where the same work takes about seven times as long. Elsewhere (tests,
tools) and for the clients a function calls only sometimes, a client is made on first
use. All clients of one ``Clients`` come from one boto3 session, so botocore reads its
endpoint rules and data files once: measured here, a second client from the same session
takes ~12 ms, one from a new session ~130 ms. The session's loader knows only the five
services postdrop calls: botocore's own lists every folder of its data (some 450
services, twice) to check a name before it loads a model. Clients read the endpoint
(AWS_ENDPOINT_URL, for the emulator) and region from the environment when they are made.
(boto3 sessions are not safe to share across threads; postdrop's handlers and tools make
clients from one thread.)
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import json
import os
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

__all__ = ["CLIENT_CONFIG", "SERVICES", "Clients", "at_init", "builtin_handler_kept", "end_of_init", "in_lambda"]

SERVICES = ("s3", "sqs", "dynamodb", "sns", "scheduler")  # every service postdrop calls
CLIENT_CONFIG: dict[str, Any] = {"retries": {"mode": "adaptive", "max_attempts": 5}, "connect_timeout": 5,
                                 "read_timeout": 20}  # fmt: skip  # botocore.config.Config's, for every client


class Clients:
    """S3, SQS, DynamoDB, SNS and EventBridge Scheduler clients, each made on first use (or at
    init: ``at_init``)."""

    @classmethod
    def at_init(cls, **rehearse: tuple[str, ...]) -> Clients:
        """Clients for a handler module to make at load. In Lambda (LAMBDA_TASK_ROOT set), the
        client of each service named is made now, where init has a full core, and each of the
        operations given is called once, answered inside the process (no request leaves it):
        botocore builds that operation's validator, serializer, endpoint rules, signer and
        parser then, not in the first event (not with the X-Ray SDK on: it would trace them).
        Anywhere else, each client is made on first use.
        A client that cannot be made now (no region, say) is left to its first use, which
        fails the invocation in the handler, where retries are decided."""
        clients = cls()
        if in_lambda():
            # What the imports made, out of the way of the collections that making the clients and
            # the rehearsals set off (see end_of_init): in ParseFunction some 10 ms of CPU less
            gc.freeze()
            # socket.getaddrinfo encodes the endpoint's host name with the idna codec, whose module
            # (with stringprep and unicodedata's 3.2 tables) would otherwise load in the first call
            codecs.lookup("idna")
            from postdrop.observability import tracing_enabled  # noqa: PLC0415

            traced = tracing_enabled()  # the X-Ray SDK would trace a rehearsal outside any segment
            for service, operations in rehearse.items():
                with contextlib.suppress(Exception):  # a warm-up: whatever fails here, fails again in use
                    client = getattr(clients, service)
                    if not traced:
                        _rehearse(client, operations)
        return clients

    @cached_property
    def _session(self) -> Any:
        import boto3  # noqa: PLC0415 - the parse core never needs it

        core = _botocore_session()
        core.register_component("data_loader", _loader(core.get_config_variable("data_path")))
        return boto3.session.Session(botocore_session=core)

    def _client(self, service: str) -> Any:
        from botocore.config import Config  # noqa: PLC0415

        return self._session.client(service, config=Config(**CLIENT_CONFIG))

    @cached_property
    def s3(self) -> S3Client:
        return self._client("s3")  # type: ignore[no-any-return]

    @cached_property
    def sqs(self) -> SQSClient:
        return self._client("sqs")  # type: ignore[no-any-return]

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        return self._client("dynamodb")  # type: ignore[no-any-return]

    @cached_property
    def sns(self) -> SNSClient:
        return self._client("sns")  # type: ignore[no-any-return]

    @cached_property
    def scheduler(self) -> Any:
        """Only StoreFunction calls it, and only for a post whose date has not come."""
        return self._client("scheduler")


def in_lambda() -> bool:
    """Whether this process is a Lambda function's (its task root is set), where init has a full core."""
    return bool(os.environ.get("LAMBDA_TASK_ROOT"))


def at_init(rehearsal: Callable[[], object]) -> None:
    """In Lambda, run ``rehearsal`` now, at init (a full core), so the first event does not make
    what it makes; anywhere else, nothing. Whatever it raises is dropped: what failed in a
    rehearsal fails again in the handler, where retries are decided."""
    if in_lambda():
        with contextlib.suppress(Exception):
            rehearsal()


def end_of_init() -> None:
    """In Lambda, the handler module's last step: every object init made (modules, models,
    clients: some 65,000 the collector tracks) is moved out of the garbage collector's
    generations (``gc.freeze``). A collection of them found a handful of garbage objects and
    took 35 to 50 ms of CPU: in an event, at 0.109 of a core, some 400 ms of wall; and the
    younger ones, which init leaves full, 6 to 19 ms each. Each later collection looks at what
    the events made only. Anywhere else (tests, tools), nothing."""
    if in_lambda():
        gc.freeze()


# The services whose events a session's built-in handlers are kept for: postdrop's, and those
# botocore's credential providers call (STS for web identity and SAML, SSO's OIDC, Cognito).
_HANDLED_SERVICES = frozenset(SERVICES) | {"sts", "sso-oidc", "signin", "cognito-identity"}


def builtin_handler_kept(event_name: str) -> bool:
    """Whether a session registers botocore's built-in handler of ``event_name``: not one that
    only writes documentation (``docs.*``), nor one of another service's events, which no client
    of this session emits. Registering each costs botocore an alias lookup and a signature check:
    80 of its 127 were a third of making the session (some 10 ms of init)."""
    parts = event_name.split(".")
    return parts[0] != "docs" and (len(parts) < 2 or parts[1] == "*" or parts[1] in _HANDLED_SERVICES)


def _botocore_session() -> Any:
    """A botocore session, as ``botocore.session.get_session()`` makes it, with only the
    built-in handlers ``builtin_handler_kept`` keeps, an event aliaser that finds a name with no
    old service name in it at once (``_QuickAliaser``), and where the environment holds an access
    key (Lambda's credentials are there), a credential chain of the environment's provider alone.

    botocore's chain tries that provider first (unless the session is given a profile, which
    postdrop's never is), and it either gives the environment's credentials or raises for a
    partial set: the providers after it are never asked. Building them cost each init some 3 ms
    (the instance and container providers each make an HTTP session, the profile providers read
    the configuration). Without an access key in the environment, the chain is botocore's."""
    import botocore.session  # noqa: PLC0415
    from botocore import handlers  # noqa: PLC0415
    from botocore.hooks import EventAliaser  # noqa: PLC0415

    class _QuickAliaser(EventAliaser):
        """botocore's event aliaser, which renames an event naming a service by an old name (its 65
        EVENT_ALIASES) the first time each name is registered or emitted: it splits the name again
        for each alias it tries. A name holding none of them (no part equal to an alias without a
        dot, no alias with one as a substring) is the name unchanged, which botocore's loop finds
        after trying all 65: here it is found at once, and any other name goes through botocore's
        loop. Making the session registered some 55 names (some 4 ms of init), and every client and
        first call emits new ones."""

        def __init__(self, event_emitter: Any, event_aliases: Any = None) -> None:
            super().__init__(event_emitter, event_aliases)
            aliases: dict[str, str] = vars(self)["_event_aliases"]  # botocore's (or the copied) aliases
            self._whole_parts = frozenset(old for old in aliases if "." not in old)
            self._dotted = tuple(old for old in aliases if "." in old)

        def _alias_event_name(self, event_name: str) -> Any:
            cache: dict[str, str] = vars(self)["_alias_name_cache"]
            if (
                event_name not in cache
                and self._whole_parts.isdisjoint(event_name.split("."))
                and not any(old in event_name for old in self._dotted)
            ):
                cache[event_name] = event_name
            return EventAliaser._alias_event_name(self, event_name)  # type: ignore[attr-defined]

    class _Session(botocore.session.Session):
        def _create_credential_resolver(self) -> Any:
            if not os.environ.get("AWS_ACCESS_KEY_ID") or self.instance_variables().get("profile") is not None:
                return super()._create_credential_resolver()  # type: ignore[misc]
            from botocore.credentials import CredentialResolver, EnvProvider  # noqa: PLC0415

            return CredentialResolver(providers=[EnvProvider()])

        def _register_builtin_handlers(self, events: Any) -> None:
            # Session.__init__ calls this first thing after making its aliaser, before anything is registered
            emitter = vars(self)["_original_handler"]
            self._events = events = _QuickAliaser(emitter)
            # each where botocore's register, register_first and register_last put it, less their
            # check that the handler takes keyword arguments (inspect's signature of each: some 1.5
            # ms), which botocore's own handlers pass, or no botocore session could be made
            where_to = {None: emitter._register, handlers.REGISTER_FIRST: emitter._register_first,
                        handlers.REGISTER_LAST: emitter._register_last}  # fmt: skip
            for event_name, handler, *where in handlers.BUILTIN_HANDLERS:
                if builtin_handler_kept(event_name):
                    where_to[where[0] if where else None](events._alias_event_name(event_name), handler, None, False)

    return _Session()


# Where the layer's build writes its copy of botocore's data (``write_botocore_data``), in a
# folder named for the botocore it was made from.
BOTOCORE_DATA_DIR = Path(__file__).with_name("botocore-data")


def trimmed_endpoints(endpoints: dict[str, Any]) -> dict[str, Any]:
    """botocore's endpoint data (endpoints.json) with, in each partition, only the services a
    postdrop process can call (SERVICES, and those botocore's credential providers call); every
    other key as it is. Each lookup botocore makes for one of those services reads the same data."""
    return endpoints | {
        "partitions": [
            partition | {"services": {n: s for n, s in partition["services"].items() if n in _HANDLED_SERVICES}}
            for partition in endpoints["partitions"]
        ]
    }


_PROSE = frozenset({"documentation", "documentationUrl"})


def model_without_docs(model: dict[str, Any]) -> dict[str, Any]:
    """A botocore service model without the documentation of its operations and shapes, which
    botocore reads only to write docstrings on demand: S3's model is 1.4 MB with it, 0.23 MB
    without. Prose botocore does read (a client context parameter's) is kept."""

    def bare(node: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in node.items() if key not in _PROSE}

    def operation(op: dict[str, Any]) -> dict[str, Any]:
        refs = {k: bare(op[k]) for k in ("input", "output") if k in op}
        return bare(op) | refs | ({"errors": [bare(e) for e in op["errors"]]} if "errors" in op else {})

    def shape(node: dict[str, Any]) -> dict[str, Any]:
        refs = {k: bare(node[k]) for k in ("member", "key", "value") if k in node}
        members = {"members": {n: bare(m) for n, m in node["members"].items()}} if "members" in node else {}
        return bare(node) | refs | members

    return bare(model) | {
        "operations": {name: operation(op) for name, op in model["operations"].items()},
        "shapes": {name: shape(node) for name, node in model["shapes"].items()},
    }


# Each operation a postdrop process calls, by service (botocore's names): the layer's models hold
# these and the shapes they reach, no other (``model_for_operations``). A test holds this list to
# every operation name postdrop's and the functions' code spells.
OPERATIONS: dict[str, tuple[str, ...]] = {
    "s3": ("GetObject", "HeadObject", "PutObject"),
    "sqs": ("SendMessage", "SendMessageBatch"),
    "dynamodb": ("BatchGetItem", "GetItem", "UpdateItem"),
    "sns": ("PublishBatch",),
    "scheduler": ("CreateSchedule", "DeleteSchedule", "UpdateSchedule"),
}


def model_for_operations(model: dict[str, Any], operations: tuple[str, ...]) -> dict[str, Any]:
    """A botocore service model with only ``operations`` and the shapes they reach (their input,
    output and errors, and what those hold), and every exception shape of the service (an error's
    code is looked up among them, whichever operation it answers): botocore's client class makes a
    method of each operation, and its model reads each shape it is asked for. Calling any other
    operation fails, as one the service does not have (AttributeError)."""
    shapes = model["shapes"]
    kept: set[str] = set()
    todo = [name for name, shape in shapes.items() if shape.get("exception")]
    for name in operations:
        op = model["operations"][name]  # a KeyError: an operation the service does not have
        todo += [op[k]["shape"] for k in ("input", "output") if k in op] + [e["shape"] for e in op.get("errors", ())]
    while todo:
        name = todo.pop()
        if name in kept:
            continue
        kept.add(name)
        shape = shapes[name]
        todo += [shape[k]["shape"] for k in ("member", "key", "value") if k in shape]
        todo += [member["shape"] for member in shape.get("members", {}).values()]
    return model | {
        "operations": {name: op for name, op in model["operations"].items() if name in operations},
        "shapes": {name: shape for name, shape in shapes.items() if name in kept},
    }


def write_botocore_data(botocore_dir: Path, target: Path = BOTOCORE_DATA_DIR) -> Path:
    """Write, from the botocore package at ``botocore_dir`` (the layer's), to TARGET/<its version>/
    (returned): ``trimmed_endpoints`` of its endpoints.json, and for each service postdrop calls,
    its latest model with only the operations postdrop calls (``model_for_operations``) and
    without documentation (``model_without_docs``), and its endpoint rules, as
    plain compact JSON. The same data a client reads, in less to read: no gzip, no prose. The
    layer's build runs it; ``_loader`` reads it."""
    import gzip  # noqa: PLC0415
    import re  # noqa: PLC0415

    source = (botocore_dir / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r"^__version__ = ['\"]([^'\"]+)['\"]", source, re.MULTILINE)
    if found is None:
        raise ValueError(f"{botocore_dir}: no __version__ in botocore's __init__.py")
    folder, data = target / found[1], botocore_dir / "data"

    def read(path: Path) -> Any:
        return json.loads(gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes())

    def write(path: Path, value: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")

    write(folder / "endpoints.json", trimmed_endpoints(read(data / "endpoints.json")))
    for service in SERVICES:
        versions = sorted(p for p in (data / service).iterdir() if any(p.glob("service-2.json*")))
        latest = versions[-1]  # the version botocore's loader picks (the latest)

        def model(value: dict[str, Any], service: str = service) -> dict[str, Any]:
            return model_without_docs(model_for_operations(value, OPERATIONS[service]))

        for name, transform in (("service-2", model), ("endpoint-rule-set-1", lambda rules: rules)):
            (file,) = latest.glob(f"{name}.json*")
            write(folder / service / latest.name / f"{name}.json", transform(read(file)))
    return folder


def _loader(data_path: str | None) -> Any:
    """botocore's data loader, as ``botocore.loaders.create_loader`` makes it, but

    - it lists only SERVICES as available: loading a model checks the name against that
      list, and botocore's own walks every service folder (some 450) to make it;
    - it reads JSON into plain dicts, not OrderedDicts (which a dict's order made
      redundant), with orjson: half of json's time on the service models;
    - where the layer holds its copy of botocore's data (``write_botocore_data``, made by its
      build from the same botocore: BOTOCORE_DATA_DIR/<botocore's version>), it reads that:
      endpoints.json trimmed to postdrop's services (40 KB, not 1.2 MB, some 6 to 11 ms less
      of each init), and each service's model without its prose and its endpoint rules, not
      gzipped (S3's client: some 10 ms less). As botocore's own data it counts as built in:
      botocore hands a ruleset the legacy endpoint of any other endpoints.json, which would
      change what its rules resolve.
    """
    import botocore  # noqa: PLC0415
    import orjson  # noqa: PLC0415 - the parse core's already; read in half json's time
    from botocore.exceptions import DataNotFoundError  # noqa: PLC0415
    from botocore.loaders import JSONFileLoader, Loader  # noqa: PLC0415

    class _PlainJSONFileLoader(JSONFileLoader):
        def _load_file(self, full_path: str, open_method: Any) -> Any:
            if not os.path.isfile(full_path):
                return None
            with open_method(full_path, "rb") as fp:
                return orjson.loads(fp.read())

    trimmed = BOTOCORE_DATA_DIR / botocore.__version__

    class _OnlyPostdropServices(Loader):
        def list_available_services(self, type_name: str) -> list[str]:
            found = []
            for service in SERVICES:
                try:
                    self.determine_latest_version(service, type_name)
                except DataNotFoundError:
                    continue
                found.append(service)
            return sorted(found)

        def is_builtin_path(self, path: str) -> bool:
            return super().is_builtin_path(path) or path.startswith(str(trimmed))

    paths = [os.path.expanduser(os.path.expandvars(p)) for p in (data_path or "").split(os.pathsep) if p]
    # as botocore orders them (a customer's data, then its own), the trimmed copy just before its own
    paths += [Loader.CUSTOMER_DATA_PATH, *([str(trimmed)] if trimmed.is_dir() else []), Loader.BUILTIN_DATA_PATH]
    return _OnlyPostdropServices(
        extra_search_paths=paths, file_loader=_PlainJSONFileLoader(), include_default_search_paths=False
    )


def _attribute_values(depth: int) -> dict[str, Any]:
    """A DynamoDB item's attributes (DynamoDB's JSON) as the store's are made: scalars, a list
    of strings (a post's categories and tags) and a map of the same ``depth - 1`` deep (a post's
    files, each file's record), so that a rehearsal walks the shapes theirs reach. Each path down
    an item makes botocore shapes of its own, and each value costs every call that carries it:
    one of each type on each path (sets and maps in lists, which postdrop's items do not hold,
    are left to their first use)."""
    values: dict[str, Any] = {"s": {"S": "x"}, "n": {"N": "1"}, "b": {"B": "eA=="}, "bool": {"BOOL": True},
                              "null": {"NULL": True}, "l": {"L": [{"S": "x"}]}}  # fmt: skip
    return values | {"m": {"M": _attribute_values(depth - 1)}} if depth > 1 else values


# How deep a rehearsal's item goes: 4 holds an item's announcement of an update (the
# announcement, what was shown before, its tags, a tag) and its files (the files, a file, its
# sequencer); a post's second file, held whole (the files, a file, its record, its tags, a
# tag), is 5 down, and has its shapes made in its first write, as before.
_REHEARSAL_DEPTH = 4
_TABLE = "postdrop-rehearsal"
# Printable ASCII, U+0080-U+00FF (UTF-8's continuation bytes) and the lead bytes of CJK text
_MESSAGE_CHARACTERS = "".join(map(chr, range(0x20, 0x100))) + "中文のテキスト한국어"


@cache
def _rehearsal_calls() -> tuple[dict[str, dict[str, Any]], dict[str, bytes]]:
    """For each operation a handler rehearses at init, parameters that pass validation (those
    postdrop's adapters pass, so the input shapes they reach are made at init too); and, by
    operation name, the answer it gets where it has a body to parse, shaped as the real one.
    (GetItem's is empty: the store reads an item on its own only where a batch's read failed.)"""
    item = {"post_id": {"S": "rehearsal"}, **_attribute_values(_REHEARSAL_DEPTH)}
    parameters: dict[str, dict[str, Any]] = {
        "get_object": {"Bucket": "postdrop-rehearsal", "Key": "posts/rehearsal.md"},
        "send_message_batch": {
            "QueueUrl": "https://sqs.us-east-1.amazonaws.com/000000000000/postdrop-rehearsal",
            "Entries": [{"Id": "0", "MessageBody": "{}"}],
        },
        "update_item": {
            "TableName": _TABLE, "Key": {"post_id": {"S": "rehearsal"}}, "UpdateExpression": "SET #s = :s REMOVE #n",
            "ConditionExpression": "#n = :n", "ExpressionAttributeNames": {"#s": "s", "#n": "n"},
            "ExpressionAttributeValues": {f":{name}": value for name, value in item.items()},
            "ReturnValues": "ALL_NEW", "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        },
        "get_item": {"TableName": _TABLE, "Key": {"post_id": {"S": "rehearsal"}}, "ConsistentRead": True},
        "batch_get_item": {"RequestItems": {_TABLE: {"Keys": [{"post_id": {"S": "rehearsal"}}],
                                                     "ConsistentRead": True}}},
        "publish_batch": {
            "TopicArn": "arn:aws:sns:us-east-1:000000000000:postdrop-rehearsal",
            "PublishBatchRequestEntries": [{
                # as topic.entry_for makes them; the query protocol URL-encodes each byte of the
                # message through a cache of its own, filled here with the bytes posts are made of
                "Id": "0", "Message": _MESSAGE_CHARACTERS, "MessageStructure": "json", "Subject": "postdrop",
                "MessageAttributes": {"event_type": {"DataType": "String", "StringValue": "x"},
                                      "tags": {"DataType": "String.Array", "StringValue": "[]"},
                                      "size": {"DataType": "Number", "StringValue": "1"}},
            }],
        },
    }  # fmt: skip
    answers = {
        "UpdateItem": json.dumps({"Attributes": item}).encode(),
        "BatchGetItem": json.dumps({"Responses": {_TABLE: [item]}, "UnprocessedKeys": {}}).encode(),
        "PublishBatch": (b"<PublishBatchResponse><PublishBatchResult><Successful><member><Id>0</Id>"
                         b"<MessageId>m</MessageId><SequenceNumber>1</SequenceNumber></member></Successful>"
                         b"<Failed><member><Id>1</Id><Code>c</Code><Message>m</Message><SenderFault>false"
                         b"</SenderFault></member></Failed></PublishBatchResult></PublishBatchResponse>"),
        "SendMessageBatch": json.dumps({
            "Successful": [{"Id": "0", "MessageId": "m", "MD5OfMessageBody": "d"}],
            "Failed": [{"Id": "1", "SenderFault": False, "Code": "c", "Message": "m"}],
        }).encode(),
    }  # fmt: skip
    return parameters, answers


def _rehearse(client: Any, operations: tuple[str, ...]) -> list[dict[str, Any]]:
    """Call each of ``operations`` once on ``client``, answered by a before-send hook (as
    botocore's Stubber answers) with a success shaped as the real one (``_rehearsal_calls``,
    else an empty one): the whole request path runs but the network. The hook then answers
    nothing, and stays: unregistering it would empty the client's cache of the handlers of each
    event, which the first event would then build again."""
    from botocore.awsrequest import AWSResponse, HTTPHeaders  # noqa: PLC0415

    protocol = client.meta.service_model.protocol
    parameters, answers = _rehearsal_calls()
    rehearsing = [True]

    def answer(request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        if not rehearsing[0]:
            return None  # a real call: sent
        operation = event_name.rsplit(".", 1)[-1]
        body = answers.get(operation)
        if body is None and protocol in ("query", "ec2"):
            body = f"<{operation}Response><{operation}Result/></{operation}Response>".encode()
        elif body is None:
            body = b"{}" if protocol.startswith("json") or protocol == "rest-json" else b""
        return AWSResponse(request.url, 200, HTTPHeaders(), _Raw(body))

    # its own id: a hook of an earlier rehearsal of this client, answering nothing now, stays too
    client.meta.events.register("before-send", answer, unique_id=f"postdrop-rehearsal-{id(answer)}")
    try:
        return [getattr(client, operation)(**parameters[operation]) for operation in operations]
    finally:
        rehearsing[0] = False


class _Raw:
    """The raw body of a rehearsal's answer, as urllib3's response offers it to botocore."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, amt: int | None = None, **_: Any) -> bytes:
        body, self._body = self._body, b""
        return body

    def close(self) -> None:
        return None
