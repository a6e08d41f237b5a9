"""What template.yaml promises an operator, read from the template itself.

cfn-lint and checkov check the template's form; these check postdrop's own promises: every
deploy is a canary rolled back by an alarm on the new version, everything that invokes
ParseFunction invokes its "live" alias (or a canary would never see an event), stateful
resources survive a replacement, every subscription keeps what SNS could not deliver.
"""

from __future__ import annotations

import json
from typing import Any

from postdrop_tools.template import load_template

TEMPLATE = load_template(stack="postdrop", account="123456789012", region="us-east-1")
RESOURCES = TEMPLATE.resources
FUNCTIONS = TEMPLATE.of_type("AWS::Serverless::Function")
GLOBALS = TEMPLATE.body["Globals"]["Function"]


def _mentions(value: Any, logical: str) -> list[str]:
    """Every way ``value`` names the resource ``logical`` (Ref, GetAtt, Sub), as text."""
    text = json.dumps(value)
    return [form for form in (f'{{"Ref": "{logical}"}}', f'{{"Ref": "{logical}.Alias"}}',
                              f'["{logical}", "Arn"]', f"${{{logical}.Arn}}") if form in text]  # fmt: skip


def test_every_function_deploys_as_a_canary_rolled_back_by_its_new_versions_errors() -> None:
    assert GLOBALS["AutoPublishAlias"] == "live"
    assert TEMPLATE.parameter("DeploymentType").startswith("Canary")
    for logical, spec in FUNCTIONS.items():
        preference = spec["Properties"]["DeploymentPreference"]
        assert preference["Type"] == {"Ref": "DeploymentType"}, logical
        (alarm,) = preference["Alarms"]
        dimensions = {d["Name"]: d["Value"] for d in RESOURCES[alarm["Ref"]]["Properties"]["Dimensions"]}
        assert dimensions["FunctionName"] == {"Ref": logical}
        assert dimensions["Resource"] == {"Fn::Sub": f"${{{logical}}}:live"}
        assert dimensions["ExecutedVersion"] == {"Fn::GetAtt": [logical, "Version.Version"]}


def test_whatever_invokes_parse_function_invokes_its_live_alias() -> None:
    invokers = ["PostsBucket", "ParseFunctionS3Permission", "PostsEventRule", "ParseFunctionEventsPermission",
                "BatchOperationsRole"]  # fmt: skip
    for logical in invokers:
        assert _mentions(RESOURCES[logical]["Properties"], "ParseFunction") == ['{"Ref": "ParseFunction.Alias"}'], (
            logical
        )
    assert TEMPLATE.body["Outputs"]["ParseFunctionArn"]["Value"] == {"Ref": "ParseFunction.Alias"}


def test_stateful_resources_survive_a_replacement_or_a_deleted_stack() -> None:
    stateful = ("AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::KMS::Key", "AWS::Logs::LogGroup")
    for logical, spec in RESOURCES.items():
        if spec["Type"] in stateful and spec.get("Condition") != "IsNotProd":  # the dev-only demo keeps nothing
            assert (spec.get("DeletionPolicy"), spec.get("UpdateReplacePolicy")) == ("Retain", "Retain"), logical


def test_every_subscription_keeps_what_sns_could_not_deliver() -> None:
    for logical, spec in RESOURCES.items():
        if spec["Type"] == "AWS::SNS::Subscription" and spec["Properties"]["Protocol"] == "sqs":
            assert "RedrivePolicy" in spec["Properties"], logical
    assert RESOURCES["ExampleSubscriberQueue"]["Condition"] == "IsNotProd"


def test_every_function_is_tagged_for_cost_allocation() -> None:
    assert GLOBALS["Tags"]["cost-centre"] == {"Ref": "CostCentre"}


def test_each_alarms_command_names_its_stack_so_it_runs_as_written_on_an_operators_laptop() -> None:
    # without --stack, postdrop acts on the local stack (make up), not on the one that raised the alarm
    import re

    commands = 0
    for name, spec in TEMPLATE.of_type("AWS::CloudWatch::Alarm").items():
        description = str(TEMPLATE.resolve(spec["Properties"]["AlarmDescription"]))
        verbs = re.findall(r"postdrop (?:redrive|list|replay|dead-letters)\b", description)
        commands += len(verbs)
        assert description.count("--stack postdrop --region us-east-1") == len(verbs), (name, description)
    assert commands >= 13


def test_docs_operations_names_every_parameter_with_its_default() -> None:
    from tests.conftest import REPO

    table = (REPO / "docs" / "operations.md").read_text(encoding="utf-8").split("## Parameters", 1)[1]
    for name, spec in TEMPLATE.body["Parameters"].items():
        default = str(spec.get("Default", ""))
        row = next((line for line in table.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, f"docs/operations.md lists no parameter {name}"
        assert (f"`{default}`" if default else "(empty)") in row, (name, default)
