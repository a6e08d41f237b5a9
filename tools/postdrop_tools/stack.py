"""The local stack: what template.yaml declares, created on the emulator.

Buckets, queues (dead-letter queues first), tables, topics and subscriptions, and the
schedule groups of scheduled posts, come from the template's resources. A bucket's
notifications to a function become notifications to a local queue, which the runner turns
into invocations, as Lambda's S3 trigger would; with
NotificationSource=EventBridge the bucket sends EventBridge events instead, and the template's
rule is created on the emulator with that same queue as its target.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postdrop_tools.emulator import ACCOUNT, REGION, local_client
from postdrop_tools.template import Template, load_template

if TYPE_CHECKING:
    from postdrop_tools.emulator import Emulator

__all__ = [
    "OUTPUTS_PARAMETER", "FunctionSpec", "LocalStack", "ParameterError", "batch_jobs_queue", "local_name", "provision",
    "s3_events_queue", "stream_rewinds_queue", "template_with",
]  # fmt: skip

STACK = "postdrop-local"
# Where provision leaves what the stack is (the template's Outputs, resolved, and the local
# queues that stand in for triggers), as CloudFormation's DescribeStacks tells a deployed one.
OUTPUTS_PARAMETER = f"/{STACK}/outputs"
# The template's timings run this much faster locally: StoreQueue's 180 s visibility timeout
# becomes 1 s, so a failed record comes back as it does in AWS, only sooner.
TIME_SCALE = 1 / 180


def local_name(logical: str, suffix: str = "") -> str:
    """The name a template resource gets on the emulator: one rule for the stack and the operator verbs."""
    return f"{STACK}-{logical}{suffix}"


def s3_events_queue(function: str) -> str:
    """The local queue that stands in for a function's S3 trigger."""
    return local_name(function, "-s3-events")


def batch_jobs_queue() -> str:
    """The local queue that stands in for S3 Control's CreateJob (the runner does the jobs)."""
    return local_name("S3BatchOperations", "-jobs")


def stream_rewinds_queue() -> str:
    """The local queue that asks the runner to deliver a stream range again (postdrop redrive publish)."""
    return local_name("StreamRewinds", "-requests")


@dataclass
class FunctionSpec:
    logical: str
    code_uri: str
    handler: str
    env: dict[str, str]
    timeout: int
    memory_mb: int = 128
    retries: int = 2
    on_failure_queue: str | None = None  # URL
    s3_queue: str | None = None  # URL of the queue that gets this function's S3 notifications
    sqs_source: str | None = None  # URL of an SQS event source
    batch_size: int = 10
    stream_source: str | None = None  # ARN of a DynamoDB stream event source
    stream_retries: int = -1  # its MaximumRetryAttempts (-1: until the record expires)
    stream_bisect: bool = False  # its BisectBatchOnFunctionError
    traced: bool = False  # Tracing: Active (X-Ray records its invocations)


@dataclass
class LocalStack:
    template: Template
    emulator: Emulator
    functions: dict[str, FunctionSpec] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        return local_client(service, self.emulator.endpoint)

    def ref(self, logical: str, attribute: str = "Ref") -> str:
        return self.template.physical[logical][attribute]

    def outputs(self) -> dict[str, str]:
        outputs = self.template.body.get("Outputs") or {}
        return {name: str(self.template.resolve(spec["Value"])) for name, spec in outputs.items()}


def _queue_order(queues: dict[str, dict[str, Any]]) -> list[str]:
    """Dead-letter targets before the queues that name them."""

    def depends(logical: str) -> set[str]:
        redrive = (queues[logical].get("Properties") or {}).get("RedrivePolicy") or {}
        target = redrive.get("deadLetterTargetArn")
        return {target["Fn::GetAtt"][0]} if isinstance(target, dict) and "Fn::GetAtt" in target else set()

    return sorted(queues, key=lambda q: (len(depends(q)), q))


def _create_queues(stack: LocalStack) -> None:
    sqs = stack.client("sqs")
    t = stack.template
    queues = t.of_type("AWS::SQS::Queue")
    for logical in _queue_order(queues):
        props = t.resolve(queues[logical].get("Properties") or {})
        name = local_name(logical)
        attributes = {k: str(props[k]) for k in ("MessageRetentionPeriod", "DelaySeconds") if k in props}
        if "VisibilityTimeout" in props:
            attributes["VisibilityTimeout"] = str(max(1, round(int(props["VisibilityTimeout"]) * TIME_SCALE)))
        if "RedrivePolicy" in props:
            attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        t.physical[logical] = {"Ref": url, "Arn": arn, "QueueName": name, "QueueUrl": url}


def _create_buckets(stack: LocalStack) -> None:
    s3 = stack.client("s3")
    t = stack.template
    for logical, spec in t.of_type("AWS::S3::Bucket").items():
        given = (spec.get("Properties") or {}).get("BucketName")  # (its notifications name functions: later)
        name = t.resolve(given) if given else local_name(logical).lower()
        # Left unversioned on purpose: the emulator sends no event for a delete marker, so a
        # versioned local bucket would never tell the pipeline that a post was deleted.
        s3.create_bucket(Bucket=name)
        t.physical[logical] = {"Ref": name, "Arn": f"arn:aws:s3:::{name}"}


def _create_keys(stack: LocalStack) -> None:
    kms = stack.client("kms")
    for logical, spec in stack.template.of_type("AWS::KMS::Key").items():
        description = (spec.get("Properties") or {}).get("Description", logical)
        meta = kms.create_key(Description=str(description))["KeyMetadata"]
        stack.template.physical[logical] = {"Ref": meta["KeyId"], "Arn": meta["Arn"]}


def _create_tables(stack: LocalStack) -> None:
    ddb = stack.client("dynamodb")
    t = stack.template
    for logical, spec in t.of_type("AWS::DynamoDB::Table").items():
        props = t.resolve(spec.get("Properties") or {})
        name = props.get("TableName") or local_name(logical)
        request: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        stream = props.get("StreamSpecification")
        if stream:
            request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
        description = ddb.create_table(**request)["TableDescription"]
        t.physical[logical] = {"Ref": name, "Arn": description["TableArn"]}
        if stream:
            t.physical[logical]["StreamArn"] = description["LatestStreamArn"]


def _create_schedule_groups(stack: LocalStack) -> None:
    """EventBridge Scheduler's groups (moto keeps their schedules; the runner fires them when due)."""
    t = stack.template
    groups = t.of_type("AWS::Scheduler::ScheduleGroup")
    if not groups:
        return
    scheduler = stack.client("scheduler")
    for logical, spec in groups.items():
        given = (spec.get("Properties") or {}).get("Name")
        name = str(t.resolve(given)) if given else local_name(logical)
        arn = scheduler.create_schedule_group(Name=name)["ScheduleGroupArn"]
        t.physical[logical] = {"Ref": name, "Arn": arn}


def _create_topics(stack: LocalStack) -> None:
    sns = stack.client("sns")
    t = stack.template
    for logical in t.of_type("AWS::SNS::Topic"):
        arn = sns.create_topic(Name=local_name(logical))["TopicArn"]
        t.physical[logical] = {"Ref": arn, "TopicArn": arn, "TopicName": local_name(logical)}
    for logical, spec in t.of_type("AWS::SNS::Subscription").items():
        props = t.resolve(spec["Properties"])
        attributes = {}
        if "FilterPolicy" in props:
            policy = props["FilterPolicy"]
            attributes["FilterPolicy"] = policy if isinstance(policy, str) else json.dumps(policy)
            attributes["FilterPolicyScope"] = props.get("FilterPolicyScope", "MessageAttributes")
        if props.get("RawMessageDelivery"):
            attributes["RawMessageDelivery"] = "true"
        arn = sns.subscribe(
            TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"], Attributes=attributes
        )["SubscriptionArn"]
        t.physical[logical] = {"Ref": arn}


def _functions(stack: LocalStack) -> None:
    t = stack.template
    global_props = (t.body.get("Globals") or {}).get("Function") or {}
    for logical, spec in t.of_type("AWS::Serverless::Function").items():
        props = spec["Properties"]
        fn = FunctionSpec(
            logical=logical,
            code_uri=props["CodeUri"],
            handler=props["Handler"],
            env=t.function_env(logical),
            timeout=int(props.get("Timeout", global_props.get("Timeout", 3))),
            memory_mb=int(props.get("MemorySize", global_props.get("MemorySize", 128))),
            traced=t.resolve(props.get("Tracing", global_props.get("Tracing", "PassThrough"))) == "Active",
        )
        invoke = props.get("EventInvokeConfig") or {}
        fn.retries = int(invoke.get("MaximumRetryAttempts", 2))
        on_failure = ((invoke.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        if on_failure:
            fn.on_failure_queue = t.physical[on_failure["Fn::GetAtt"][0]]["Ref"]
        for event in (props.get("Events") or {}).values():
            event_props = event.get("Properties") or {}
            if event["Type"] == "SQS":
                fn.sqs_source = t.physical[event_props["Queue"]["Fn::GetAtt"][0]]["Ref"]
                fn.batch_size = int(event_props.get("BatchSize", 10))
            elif event["Type"] == "DynamoDB":
                fn.stream_source = t.physical[event_props["Stream"]["Fn::GetAtt"][0]]["StreamArn"]
                fn.batch_size = int(event_props.get("BatchSize", 100))
                fn.stream_retries = int(event_props.get("MaximumRetryAttempts", -1))
                fn.stream_bisect = bool(event_props.get("BisectBatchOnFunctionError", False))
                failure = ((event_props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
                if failure:
                    fn.on_failure_queue = t.physical[failure["Fn::GetAtt"][0]]["Ref"]
        stack.functions[logical] = fn
        arn = f"arn:aws:lambda:{t.pseudo['AWS::Region']}:{t.pseudo['AWS::AccountId']}:function:{logical}"
        alias = props.get("AutoPublishAlias", global_props.get("AutoPublishAlias"))
        t.physical[logical] = {"Ref": logical, "Arn": arn, "Alias": f"{arn}:{alias}" if alias else arn}


def _event_queue(stack: LocalStack, function_arn: str) -> str:
    """The ARN of the local queue standing in for a function's S3 or EventBridge trigger."""
    fn = stack.functions[function_arn.split(":")[6]]  # arn:aws:lambda:region:account:function:NAME[:alias]
    sqs = stack.client("sqs")
    if fn.s3_queue is None:
        fn.s3_queue = sqs.create_queue(QueueName=s3_events_queue(fn.logical))["QueueUrl"]
    return str(sqs.get_queue_attributes(QueueUrl=fn.s3_queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


def _notifications(stack: LocalStack) -> None:
    """Each bucket's NotificationConfiguration, with functions replaced by their local queues;
    each EventBridge rule, with its function targets replaced the same way."""
    t = stack.template
    s3 = stack.client("s3")
    for logical, spec in t.of_type("AWS::S3::Bucket").items():
        config = t.resolve((spec.get("Properties") or {}).get("NotificationConfiguration") or {})
        local: dict[str, Any] = {}
        if (config.get("EventBridgeConfiguration") or {}).get("EventBridgeEnabled"):
            local["EventBridgeConfiguration"] = {}
        queues = []
        for lambda_config in config.get("LambdaConfigurations") or []:
            queue: dict[str, Any] = {"QueueArn": _event_queue(stack, lambda_config["Function"]),
                                     "Events": [lambda_config["Event"]]}  # fmt: skip
            rules = ((lambda_config.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
            if rules:
                queue["Filter"] = {"Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}}
            queues.append(queue)
        if queues:
            local["QueueConfigurations"] = queues
        if local:
            s3.put_bucket_notification_configuration(Bucket=t.physical[logical]["Ref"], NotificationConfiguration=local)
    events = stack.client("events")
    for logical, spec in t.of_type("AWS::Events::Rule").items():
        props = t.resolve(spec["Properties"])
        name = local_name(logical)
        arn = events.put_rule(Name=name, EventPattern=json.dumps(props["EventPattern"]))["RuleArn"]
        targets = [{"Id": target["Id"], "Arn": _event_queue(stack, target["Arn"])} for target in props["Targets"]]
        events.put_targets(Rule=name, Targets=targets)
        t.physical[logical] = {"Ref": name, "Arn": arn}


class ParameterError(ValueError):
    """A ``--parameter-overrides`` value template.yaml refuses: the user's to correct."""


def provision(emulator: Emulator, parameters: dict[str, str] | None = None) -> LocalStack:
    """Create everything template.yaml declares on the emulator and return where it is."""
    template = template_with(parameters, account=emulator.account, region=emulator.region)
    stack = LocalStack(template=template, emulator=emulator)
    _create_queues(stack)
    _create_buckets(stack)
    _create_keys(stack)
    _create_tables(stack)
    _create_topics(stack)
    _create_schedule_groups(stack)
    _roles(stack)
    _functions(stack)
    _notifications(stack)
    stack.client("sqs").create_queue(QueueName=batch_jobs_queue())
    stack.client("sqs").create_queue(QueueName=stream_rewinds_queue())
    _publish_outputs(stack)
    _check_settings(template)
    return stack


def template_with(parameters: dict[str, str] | None, *, account: str = ACCOUNT, region: str = REGION) -> Template:
    """template.yaml with ``parameters`` over its defaults, refused as CloudFormation refuses
    them (a name it lacks, a value outside its AllowedValues): ParameterError, before anything."""
    template = load_template(stack=STACK, account=account, region=region)
    unknown = sorted(set(parameters or {}) - set(template.body.get("Parameters") or {}))
    if unknown:
        raise ParameterError(
            f"template.yaml has no parameter {', '.join(unknown)} (it has: {', '.join(template.body['Parameters'])})"
        )
    problems = [problem for name, value in (parameters or {}).items() if (problem := _refused(template, name, value))]
    if problems:
        raise ParameterError(f"--parameter-overrides: {'; '.join(problems)}")
    template.parameters.update(parameters or {})
    return template


def _refused(template: Template, name: str, value: str) -> str | None:
    """Why CloudFormation would refuse ``value`` for the parameter ``name``, or None."""
    spec = template.body["Parameters"][name]
    allowed = [str(v) for v in spec.get("AllowedValues") or []]
    if allowed and value not in allowed:
        return f"{name}={value!r} is not one of {', '.join(allowed)}"
    if "AllowedPattern" in spec and not re.fullmatch(spec["AllowedPattern"], value):
        return f"{name}={value!r} does not match {spec['AllowedPattern']}"
    if spec.get("Type") == "Number":
        try:
            number = float(value)
        except ValueError:
            return f"{name}={value!r} is not a number"
        if "MinValue" in spec and number < float(spec["MinValue"]):
            return f"{name}={value} is below its MinValue {spec['MinValue']}"
        if "MaxValue" in spec and number > float(spec["MaxValue"]):
            return f"{name}={value} is above its MaxValue {spec['MaxValue']}"
    return None


def _check_settings(template: Template) -> None:
    """Each function's settings, read from the environment the parameters give it, as the function
    reads them on its first event: a value CloudFormation takes but the function cannot (a zone
    name with a typo) fails here, once, not on every event of every file."""
    from postdrop.config import ParseSettings, PublishSettings, StoreSettings
    from postdrop.exceptions import ConfigError

    settings: dict[str, type[ParseSettings | StoreSettings | PublishSettings]] = {
        "ParseFunction": ParseSettings, "StoreFunction": StoreSettings, "PublishFunction": PublishSettings,
    }  # fmt: skip
    for logical, kind in settings.items():
        if logical in template.resources:
            try:
                kind.from_env(template.function_env(logical))
            except ConfigError as exc:
                raise ParameterError(f"--parameter-overrides: {logical} would fail every event: {exc}") from None


def _roles(stack: LocalStack) -> None:
    """IAM roles are not created locally; each gets the ARN IAM would give it."""
    t = stack.template
    for logical in t.of_type("AWS::IAM::Role"):
        name = local_name(logical)
        t.physical[logical] = {"Ref": name, "Arn": f"arn:aws:iam::{t.pseudo['AWS::AccountId']}:role/{name}"}


def _publish_outputs(stack: LocalStack) -> None:
    """The template's Outputs, resolved against what was created, for other processes to read."""
    t = stack.template
    outputs = {name: str(t.resolve(output["Value"])) for name, output in (t.body.get("Outputs") or {}).items()}
    sqs = stack.client("sqs")
    local = {
        "ParseFunctionEvents": sqs.get_queue_url(QueueName=s3_events_queue("ParseFunction"))["QueueUrl"],
        "BatchJobs": sqs.get_queue_url(QueueName=batch_jobs_queue())["QueueUrl"],
        "StreamRewinds": sqs.get_queue_url(QueueName=stream_rewinds_queue())["QueueUrl"],
        "MaxObjectBytes": str(t.resolve({"Ref": "MaxObjectBytes"})),  # what `drop` holds files to
    }
    stack.client("ssm").put_parameter(
        Name=OUTPUTS_PARAMETER, Type="String", Overwrite=True, Value=json.dumps({"outputs": outputs, "local": local})
    )
