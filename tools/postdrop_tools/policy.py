"""`postdrop policy`: check a subscriber's SNS filter policy against what postdrop sends.

SNS takes any attribute name and any value in a filter policy, so a policy on an attribute
postdrop never sends (``categories`` where the attribute is ``category``) or on a value no
notification carries (``post.create``) is accepted, and its subscriber silently hears nothing.
``policy_problems`` names each such mistake, where it stands in the policy and, when one is
close, what was meant. It knows the names and closed value sets of the notification contract
(``postdrop.notification``): the message attributes for the default scope, the Notification's
fields for ``FilterPolicyScope: MessageBody``. Open values (a category, a tag, a source) are
the producer's to choose, so only their shape is checked.
"""

from __future__ import annotations

import difflib
import json
from typing import TYPE_CHECKING, Any, get_args

from postdrop.model import NormalizedPost, Status
from postdrop.notification import SIZE_ATTRIBUTE, EventType, Notification, Previous

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pydantic import BaseModel

__all__ = ["ATTRIBUTES", "SCOPES", "emulator_differences", "not_following", "policy_problems", "read_policy"]

# The message attributes a notification carries (Notification.message_attributes) -> the values
# they take, where the contract closes them (None: the producer's own, such as a category).
ATTRIBUTES: dict[str, tuple[str, ...] | None] = {
    "event_type": get_args(EventType),
    "category": None,
    "tags": None,
    "source": None,
    "status": get_args(Status),
    SIZE_ATTRIBUTE: None,  # a number, on notifications offloaded to S3 (over 256 KB)
}
# Closed values of the message body's fields, by their path.
_BODY_VALUES: dict[str, tuple[str, ...]] = {
    "event_type": get_args(EventType),
    "status": get_args(Status),
    "previous.status": get_args(Status),
    "previous.record_type": ("POST", "REJECTED", "DELETED"),
    "post.status": get_args(Status),
}
_BODY_MODELS: dict[str, type[BaseModel]] = {"previous": Previous, "post": NormalizedPost}
SCOPES = ("MessageAttributes", "MessageBody")
# SNS's operators: an object condition has exactly one of these keys.
_OPERATORS = ("prefix", "suffix", "anything-but", "equals-ignore-case", "exists", "numeric", "cidr")
# Operators of other AWS filters that SNS refuses when the policy is set: what to write instead.
_NOT_SNS = {"wildcard": "EventBridge's, not SNS's; use prefix or suffix"}


def read_policy(text: str) -> dict[str, Any]:
    """A filter policy from its JSON text; ValueError saying what is wrong with it."""
    try:
        policy = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the filter policy is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    if not isinstance(policy, dict) or not policy:
        raise ValueError("a filter policy is a JSON object of attribute names, each with a list of conditions")
    return policy


def policy_problems(policy: dict[str, Any], scope: str = "MessageAttributes") -> list[str]:
    """Each reason the policy cannot match what postdrop sends, as one line naming where; [] when none."""
    if scope not in SCOPES:
        raise ValueError(f"FilterPolicyScope is one of {', '.join(SCOPES)}, not {scope!r}")
    return list(_problems(policy, scope, ""))


def _problems(policy: dict[str, Any], scope: str, path: str) -> Iterator[str]:
    for name, conditions in policy.items():
        where = f"{path}{name}"
        if name == "$or":
            if not isinstance(conditions, list) or not all(isinstance(c, dict) for c in conditions):
                yield f"{where}: $or takes a list of policies"
                continue
            for alternative in conditions:
                yield from _problems(alternative, scope, path)
            continue
        known = _known_names(scope, path)
        if known is not None and name not in known:
            yield f"{where}: {_unknown(name, path, known, scope)}"
            continue
        if scope == "MessageBody" and isinstance(conditions, dict):
            yield from _problems(conditions, scope, f"{where}.")
            continue
        if not isinstance(conditions, list) or not conditions:
            yield f'{where}: takes a list of conditions, such as ["a value"] or [{{"prefix": "a"}}]'
            continue
        values = ATTRIBUTES.get(name) if scope == "MessageAttributes" else _BODY_VALUES.get(where)
        textual = scope == "MessageAttributes" and name != SIZE_ATTRIBUTE  # String or String.Array attributes
        for condition in conditions:
            problem = _numeric_problem(condition) if textual else None
            problem = problem or _condition_problem(condition, values)
            if problem is not None:
                yield f"{where}: {problem}"


# Attributes sent as a String.Array, and when
_LISTS = {"category": "(always a list)", "tags": "(always a list)", "status": "when a change moved it (a list)"}


def emulator_differences(policy: dict[str, Any], scope: str = "MessageAttributes") -> list[str]:
    """Each part of the policy the local emulator (moto) applies otherwise than SNS, as one line
    saying what a local subscriber gets instead (docs/development.md, "What still differs")."""
    if scope == "MessageBody":
        return ["the emulator delivers nothing to a MessageBody policy (it reads the JSON of every protocol's message)"]
    lines: list[str] = []
    for name, operator in _operators(policy):
        if operator == "equals-ignore-case":
            line = f"{name}: equals-ignore-case never matches"
        elif name in _LISTS and operator in ("prefix", "suffix"):
            line = f"{name}: {operator} never matches {_LISTS[name]}"
        elif name in _LISTS and operator == "anything-but":
            line = f"{name}: anything-but reads the list's JSON text {_LISTS[name]}: it lets in what it excludes"
        else:
            continue
        if line not in lines:
            lines.append(line)
    return lines


# The attributes that carry the values of both the state announced and the one told before it
_BOTH_STATES = ("category", "tags", "source", "status")


def not_following(policy: dict[str, Any]) -> list[str]:
    """Each part of an attribute policy that does not follow the post (docs/subscribers.md): a
    condition on an attribute a post lacks, which the change giving it one does not match, and
    two attributes together, which a change can match though the post never held both."""
    lines: list[str] = []
    for alternative in _alternatives(policy):
        for name in _on_absence(alternative):
            if name in _BOTH_STATES:
                line = (
                    f"{name}: exists: false matches a post without {name}, and the change that gives it one carries"
                    f" {name}, so it does not match: the subscriber never hears the post leave (filter on what"
                    " the posts you want have)"
                )
                if line not in lines:
                    lines.append(line)
        named = [name for name in _BOTH_STATES if name in alternative]
        if len(named) > 1:
            line = (
                f"{' and '.join(named)} together: each matches the post's old or new values, so a change can"
                " match them though the post never held both at once; keep a post only when the"
                " notification's head (categories, tags, source_name, status) matches your filter"
            )
            if line not in lines:
                lines.append(line)
    return lines


def _on_absence(policy: dict[str, Any]) -> Iterator[str]:
    """Each attribute the policy matches by its absence (``exists: false``). (An anything-but
    follows the post: the change that takes a post out still carries the value it matched.)"""
    for name, conditions in policy.items():
        for condition in conditions if isinstance(conditions, list) else []:
            if isinstance(condition, dict) and condition.get("exists") is False:
                yield name


def _alternatives(policy: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The policies ``policy`` is the union of: itself, each ``$or`` branch joined to the rest."""
    branches = policy.get("$or")
    rest = {name: conditions for name, conditions in policy.items() if name != "$or"}
    if not isinstance(branches, list):
        yield rest
        return
    for branch in branches:
        if isinstance(branch, dict):
            yield from _alternatives(rest | branch)


def _operators(policy: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(attribute, operator) of each object condition, through $or."""
    for name, conditions in policy.items():
        if name == "$or" and isinstance(conditions, list):
            for alternative in conditions:
                if isinstance(alternative, dict):
                    yield from _operators(alternative)
        elif isinstance(conditions, list):
            for condition in conditions:
                if isinstance(condition, dict) and len(condition) == 1:
                    yield name, next(iter(condition))


def _known_names(scope: str, path: str) -> tuple[str, ...] | None:
    """The names a policy may use at ``path``; None where postdrop does not check (deeper in a post)."""
    if scope == "MessageAttributes":
        return tuple(ATTRIBUTES)
    model = _BODY_MODELS.get(path.rstrip(".")) if path else Notification
    return tuple(model.model_fields) if model is not None else None


def _unknown(name: str, path: str, known: tuple[str, ...], scope: str) -> str:
    what = "attribute" if scope == "MessageAttributes" else "field"
    line = f"postdrop's notifications have no {what} {name!r}"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        line += f"; did you mean {close[0]!r}?"
    if scope == "MessageAttributes":
        line += f" (they carry {', '.join(ATTRIBUTES)})"
    elif not path and name in NormalizedPost.model_fields:
        line += f'; the post\'s own fields are under post: {{"post": {{"{name}": [...]}}}}'
    return line + ": no notification matches a condition on it"


def _condition_problem(condition: Any, values: tuple[str, ...] | None) -> str | None:
    if isinstance(condition, str):
        return _value_problem(condition, values)
    if isinstance(condition, bool | int | float) or condition is None:
        return None
    operator = next(iter(condition)) if isinstance(condition, dict) and len(condition) == 1 else None
    if operator in _NOT_SNS:
        return f"{json.dumps(condition)}: {operator} is {_NOT_SNS[operator]}"
    if operator not in _OPERATORS:
        return f"{json.dumps(condition)} is not a condition SNS knows ({', '.join(_OPERATORS)})"
    operand = condition[operator]
    if operator == "cidr":
        return f"{json.dumps(condition)} matches IP addresses, and no attribute postdrop sends holds one"
    if values is None:
        return None
    if operator == "prefix" and isinstance(operand, str) and not any(v.startswith(operand) for v in values):
        return f"no value starts with {operand!r}: {_values(values)}"
    if operator == "suffix" and isinstance(operand, str) and not any(v.endswith(operand) for v in values):
        return f"no value ends with {operand!r}: {_values(values)}"
    if operator == "anything-but":
        listed = operand if isinstance(operand, list) else [operand]
        for value in listed:
            if isinstance(value, str):
                problem = _value_problem(value, values)
                if problem is not None:
                    return f"anything-but: {problem}, so it leaves nothing out"
    return None


def _numeric_problem(condition: Any) -> str | None:
    """A number, or a numeric condition, on an attribute postdrop sends as text: SNS never matches it."""
    if (isinstance(condition, int | float) and not isinstance(condition, bool)) or (
        isinstance(condition, dict) and "numeric" in condition
    ):
        return f"{json.dumps(condition)} is numeric, and the attribute is text (String, String.Array): it never matches"
    return None


def _value_problem(value: str, values: tuple[str, ...] | None) -> str | None:
    if values is None or value in values:
        return None
    close = difflib.get_close_matches(value, values, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"no notification has {value!r}{hint} ({_values(values)})"


def _values(values: tuple[str, ...]) -> str:
    return "the values are " + ", ".join(values)
