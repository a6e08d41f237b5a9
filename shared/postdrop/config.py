"""Settings of each function, read from its environment on first use (never at import), and
again whenever the variables they read have other values.

Plain dataclasses, each field naming its variable and how it is checked: a function's
settings are a handful of strings, and a pydantic model of them cost each cold start some
10 ms of schema building for nothing a dataclass cannot say. ParseSettings' defaults and checks
that come from the parse core (its dates and site modules: their regular expressions, some 7 ms
to import) load it when ParseSettings are made, so StoreFunction and PublishFunction never do.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import MISSING, dataclass, field, fields
from functools import cache
from typing import TYPE_CHECKING, Any, Self

from postdrop.exceptions import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from postdrop.adapters.schedules import ScheduleTarget
    from postdrop.core.site import Site

__all__ = ["ParseSettings", "PublishSettings", "StoreSettings", "parse_settings", "publish_settings", "store_settings"]

DEFAULT_MAX_OBJECT_BYTES = 5 * 1024 * 1024


def _text(*, min_length: int = 0, pattern: str | None = None) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) < min_length:
            raise ValueError(f"must be at least {min_length} character(s)")
        if pattern is not None and not re.match(pattern, value):
            raise ValueError(f"must match {pattern!r}")
        return value

    return check


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError("must be a whole number") from None
    if number <= 0:
        raise ValueError("must be greater than 0")
    return number


def _separator(value: str) -> str:
    """An excerpt separator: ``\\n`` is a newline (an environment variable rarely holds one)."""
    return value.replace("\\n", "\n")


def _zone_name(value: str) -> str:
    """An IANA zone name, as Jekyll's ``timezone`` is written (an offset such as +0100 is none:
    Jekyll quietly reads it as UTC; here every post without an offset would fail)."""
    from postdrop.core.dates import zone  # noqa: PLC0415 - the parse core: ParseFunction's

    try:
        zone(value)
    except (KeyError, ValueError):  # zoneinfo's ZoneInfoNotFoundError is a KeyError
        raise ValueError("must be an IANA zone name such as Asia/Shanghai, Europe/Berlin or UTC") from None
    return value


def _flag(value: str) -> bool:
    """``true`` or ``false``, as a template's parameter passes a YAML boolean."""
    if value.lower() not in ("true", "false"):
        raise ValueError("must be true or false")
    return value.lower() == "true"


def _json_setting(value: str, kind: str, setting: str) -> Any:
    """A part of _config.yml written as JSON: the JSON, or a ValueError naming the ``kind`` of JSON
    (``list``, ``object``) that ``setting`` is."""
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueError(f"must be a JSON {kind} (of _config.yml's {setting}): {exc}") from None


def _defaults(value: str) -> tuple[dict[str, Any], ...]:
    """_config.yml's ``defaults:`` list written as JSON: each an object with ``values`` (and ``scope``)."""
    sets = _json_setting(value, "list", "defaults")
    if not isinstance(sets, list) or not all(isinstance(s, dict) and isinstance(s.get("values"), dict) for s in sets):
        raise ValueError('must be a JSON list of {"scope": {...}, "values": {...}} objects, as _config.yml\'s defaults')
    return tuple(sets)


def _kramdown(value: str) -> dict[str, Any]:
    """_config.yml's ``kramdown:`` block written as a JSON object."""
    options = _json_setting(value, "object", "kramdown: block")
    if not isinstance(options, dict):
        raise ValueError('must be a JSON object, as _config.yml\'s kramdown: block (e.g. {"auto_id_prefix": "h-"})')
    return options


def _site_variables(value: str) -> dict[str, Any]:
    """_config.yml's other settings (what a post's Liquid reads as ``site.*``) written as a JSON object."""
    variables = _json_setting(value, "object", "settings")
    if not isinstance(variables, dict):
        raise ValueError('must be a JSON object of _config.yml\'s other settings (e.g. {"images": "/assets/img"})')
    return variables


def _variable(
    name: str, check: Callable[[str], Any] = str, default: Any = MISSING, default_factory: Any = MISSING
) -> Any:
    """A field read from the environment variable ``name``, through ``check``; without it, ``default``
    (or what ``default_factory`` gives), else required."""
    return field(default=default, default_factory=default_factory, metadata={"variable": name, "check": check})


def _default_zone() -> str:
    from postdrop.core.dates import DEFAULT_ZONE  # noqa: PLC0415 - the parse core: ParseFunction's

    return DEFAULT_ZONE


def _default_permalink() -> str:
    from postdrop.core.site import DEFAULT_PERMALINK  # noqa: PLC0415

    return DEFAULT_PERMALINK


def _default_excerpt_separator() -> str:
    from postdrop.core.site import DEFAULT_EXCERPT_SEPARATOR  # noqa: PLC0415

    return DEFAULT_EXCERPT_SEPARATOR


class _Settings:
    @classmethod
    def variables(cls) -> tuple[str, ...]:
        """The environment variables these settings read."""
        return tuple(f.metadata["variable"] for f in fields(cls))  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        """The settings ``env`` (default: the process's environment) gives; ConfigError names
        every variable that is missing or wrong."""
        source = os.environ if env is None else env
        values: dict[str, Any] = {}
        problems = []
        for f in fields(cls):  # type: ignore[arg-type]
            name = f.metadata["variable"]
            if name not in source:
                if f.default is MISSING and f.default_factory is MISSING:
                    problems.append(f"{name}: required")
                continue
            try:
                values[f.name] = f.metadata["check"](source[name])
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
        if problems:
            raise ConfigError(f"{cls.__name__} from the environment: {'; '.join(problems)}")
        return cls(**values)


@dataclass(frozen=True, slots=True)
class ParseSettings(_Settings):
    store_queue_url: str = _variable("STORE_QUEUE_URL", _text(min_length=1))
    max_object_bytes: int = _variable("MAX_OBJECT_BYTES", _positive_int, DEFAULT_MAX_OBJECT_BYTES)
    default_zone: str = _variable("POSTDROP_TIMEZONE", _zone_name, default_factory=_default_zone)
    # What a post's Liquid sees as site.url, site.baseurl and site.title (empty by default).
    site_url: str = _variable("POSTDROP_SITE_URL", default="")
    site_baseurl: str = _variable("POSTDROP_SITE_BASEURL", default="")
    site_title: str = _variable("POSTDROP_SITE_TITLE", default="")
    # Jekyll's permalink (a style: date, pretty, ordinal, weekdate, none; or a template) and
    # excerpt_separator: they make each post's url and jekyll_excerpt.
    site_permalink: str = _variable("POSTDROP_SITE_PERMALINK", _text(min_length=1), default_factory=_default_permalink)
    site_excerpt_separator: str = _variable(
        "POSTDROP_SITE_EXCERPT_SEPARATOR", _separator, default_factory=_default_excerpt_separator
    )
    # _config.yml's defaults: (front matter by scope), and whether the site builds future posts,
    # published: false ones and drafts (each post's status: Jekyll's defaults say no).
    site_defaults: tuple[dict[str, Any], ...] = _variable("POSTDROP_SITE_DEFAULTS", _defaults, ())
    site_future: bool = _variable("POSTDROP_SITE_FUTURE", _flag, False)
    site_unpublished: bool = _variable("POSTDROP_SITE_UNPUBLISHED", _flag, False)
    site_show_drafts: bool = _variable("POSTDROP_SITE_SHOW_DRAFTS", _flag, False)
    # _config.yml's kramdown: block (its ids, toc levels, numbered code blocks change fields).
    site_kramdown: Mapping[str, Any] = _variable("POSTDROP_SITE_KRAMDOWN", _kramdown, default_factory=dict)
    # _config.yml's other settings, what a post's Liquid reads as site.* (site.author, site.images)
    site_variables: Mapping[str, Any] = _variable("POSTDROP_SITE_VARIABLES", _site_variables, default_factory=dict)

    @property
    def site(self) -> Site:
        from postdrop.core.site import Site  # noqa: PLC0415

        return Site(
            url=self.site_url,
            baseurl=self.site_baseurl,
            title=self.site_title,
            permalink=self.site_permalink,
            excerpt_separator=self.site_excerpt_separator,
            defaults=self.site_defaults,
            future=self.site_future,
            unpublished=self.site_unpublished,
            show_drafts=self.site_show_drafts,
            kramdown=self.site_kramdown,
            variables=self.site_variables,
        )


@dataclass(frozen=True, slots=True)
class StoreSettings(_Settings):
    table_name: str = _variable("POSTS_TABLE", _text(min_length=1))
    # An item that would pass DynamoDB's 400 KB keeps its held posts here, under archive/.
    payload_bucket: str = _variable("PAYLOAD_BUCKET", _text(min_length=1))
    # A record that can never be stored goes here at once, with its reason (StoreQueue's
    # maxReceiveCount alone decides when a failing one stops being retried).
    dlq_url: str | None = _variable("STORE_DLQ_URL", default=None)


@dataclass(frozen=True, slots=True)
class PublishSettings(_Settings):
    topic_arn: str = _variable("POSTS_TOPIC_ARN", _text(pattern=r"^arn:aws[\w-]*:sns:"))
    # Notifications over SNS's 256 KB are stored here, under PAYLOAD_PREFIX, for subscribers to read.
    payload_bucket: str = _variable("PAYLOAD_BUCKET", _text(min_length=1))
    payload_prefix: str = _variable("PAYLOAD_PREFIX", default="payloads/")
    # A scheduled post's one-time schedule (#27): its group, the StoreQueue it sends a recheck
    # to, the role EventBridge Scheduler assumes for that, and the DLQ of failed deliveries.
    # Without a group, no schedule is kept (a scheduled post is published by its next change).
    schedule_group: str | None = _variable("SCHEDULE_GROUP", default=None)
    store_queue_arn: str | None = _variable("STORE_QUEUE_ARN", _text(pattern=r"^arn:aws[\w-]*:sqs:"), None)
    scheduler_role_arn: str | None = _variable("SCHEDULER_ROLE_ARN", _text(pattern=r"^arn:aws[\w-]*:iam:"), None)
    schedule_dlq_arn: str | None = _variable("SCHEDULE_DLQ_ARN", default=None)

    @property
    def schedules(self) -> ScheduleTarget | None:
        """Where scheduled posts' schedules go; None when the stack keeps none."""
        if not (self.schedule_group and self.store_queue_arn and self.scheduler_role_arn):
            return None
        from postdrop.adapters.schedules import ScheduleTarget  # noqa: PLC0415 - botocore: PublishFunction's only

        return ScheduleTarget(self.schedule_group, self.store_queue_arn, self.scheduler_role_arn,
                              self.schedule_dlq_arn or None)  # fmt: skip


def parse_settings() -> ParseSettings:
    return _read(ParseSettings, _now(ParseSettings))  # type: ignore[no-any-return] # cache erases S


def store_settings() -> StoreSettings:
    return _read(StoreSettings, _now(StoreSettings))  # type: ignore[no-any-return]


def publish_settings() -> PublishSettings:
    return _read(PublishSettings, _now(PublishSettings))  # type: ignore[no-any-return]


def _now[S: _Settings](settings: type[S]) -> tuple[tuple[str, str], ...]:
    """The environment variables ``settings`` reads, as they are now."""
    return tuple((name, os.environ[name]) for name in settings.variables() if name in os.environ)


@cache
def _read[S: _Settings](settings: type[S], variables: tuple[tuple[str, str], ...]) -> S:
    """Settings are read once per set of values: in Lambda once per init; locally again when a
    function's environment differs, with no cache to clear by hand."""
    return settings.from_env(dict(variables))
