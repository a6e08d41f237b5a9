"""template.yaml, read as CloudFormation reads it: tags (!Ref, !Sub, !GetAtt ...) and intrinsics.

The local stack is built from this, so what runs locally is what the template declares.
Only what postdrop's template uses is resolved: Ref, Sub, GetAtt, Equals, Not, If.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Template", "load_template"]

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags turned into their long form."""


def _construct(tag: str) -> Any:
    name = "Ref" if tag == "Ref" else f"Fn::{tag}"

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if tag == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    return construct


for _tag in ("Ref", "Sub", "GetAtt", "Equals", "Not", "If", "And", "Or", "Join", "Select", "Split", "FindInMap"):
    _CfnLoader.add_constructor(f"!{_tag}", _construct(_tag))


@dataclass
class Template:
    """The template plus what the local stack knows of each resource (names, ARNs, URLs)."""

    body: dict[str, Any]
    pseudo: dict[str, str]
    parameters: dict[str, str] = field(default_factory=dict)
    # logical id -> {"Ref": ..., "Arn": ..., attribute: value}
    physical: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return dict(self.body.get("Resources") or {})

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v.get("Type") == kind and self.condition_holds(v)}

    def parameter(self, name: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        spec = (self.body.get("Parameters") or {}).get(name) or {}
        return str(spec.get("Default", ""))

    def condition_holds(self, resource: dict[str, Any]) -> bool:
        name = resource.get("Condition")
        if not name:
            return True
        return bool(self.resolve(self.body["Conditions"][name]))

    def resolve(self, value: Any) -> Any:
        """Resolve intrinsic functions in ``value`` against parameters and the local stack."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Ref":
                return self._ref(arg)
            if fn == "Fn::Sub":
                return self._sub(arg)
            if fn == "Fn::GetAtt":
                logical, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.physical[logical][attribute]
            if fn == "Fn::Equals":
                left, right = (self.resolve(v) for v in arg)
                return left == right
            if fn == "Fn::Not":
                return not self.resolve(arg[0])
            if fn == "Fn::If":
                condition, yes, no = arg
                return self.resolve(yes if self.resolve(self.body["Conditions"][condition]) else no)
        return {k: self.resolve(v) for k, v in value.items()}

    def _ref(self, name: str) -> str:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in (self.body.get("Parameters") or {}):
            return self.parameter(name)
        if name.endswith(".Alias"):  # SAM's reference to a function's AutoPublishAlias
            return self.physical[name.removesuffix(".Alias")]["Alias"]
        return self.physical[name]["Ref"]

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name:
                logical, attribute = name.split(".", 1)
                return self.physical[logical][attribute]
            return str(self._ref(name))

        return re.sub(r"\$\{([^}!]+)\}", replace, text)

    def function_env(self, logical: str) -> dict[str, str]:
        """A function's environment as Lambda would see it: Globals, then its own variables."""
        return {k: str(self.resolve(v)) for k, v in self._variables(logical).items()}

    def parameter_variables(self, logical: str) -> dict[str, str]:
        """The parameter each of a function's environment variables is, where it is one (``!Ref``)."""
        parameters = self.body.get("Parameters") or {}
        return {
            name: value["Ref"]
            for name, value in self._variables(logical).items()
            if isinstance(value, dict) and value.get("Ref") in parameters
        }

    def _variables(self, logical: str) -> dict[str, Any]:
        globals_env = (((self.body.get("Globals") or {}).get("Function") or {}).get("Environment") or {}).get(
            "Variables"
        ) or {}
        own = ((self.resources[logical]["Properties"].get("Environment") or {}).get("Variables")) or {}
        return {**globals_env, **own}


def load_template(path: Path = TEMPLATE, *, stack: str, account: str, region: str) -> Template:
    body = yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)  # noqa: S506  # a SafeLoader  # nosec B506
    pseudo = {"AWS::StackName": stack, "AWS::AccountId": account, "AWS::Region": region, "AWS::Partition": "aws"}
    return Template(body=body, pseudo=pseudo)
