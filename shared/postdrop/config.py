"""Settings of each function, read from its environment on first use (never at import), and
again whenever the variables they read have other values."""

from __future__ import annotations

import os
from functools import cache
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from postdrop.core.dates import DEFAULT_ZONE
from postdrop.core.site import Site
from postdrop.exceptions import ConfigError

__all__ = ["ParseSettings", "StoreSettings", "parse_settings", "store_settings"]

DEFAULT_MAX_OBJECT_BYTES = 5 * 1024 * 1024


class _Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Self:
        source = dict(os.environ if env is None else env)
        try:
            return cls.model_validate(source)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
            )
            raise ConfigError(f"{cls.__name__} from the environment: {problems}") from None


class ParseSettings(_Settings):
    store_queue_url: str = Field(alias="STORE_QUEUE_URL", min_length=1)
    max_object_bytes: int = Field(DEFAULT_MAX_OBJECT_BYTES, alias="MAX_OBJECT_BYTES", gt=0)
    default_zone: str = Field(DEFAULT_ZONE, alias="POSTDROP_TIMEZONE", min_length=1)
    # What a post's Liquid sees as site.url, site.baseurl and site.title (empty by default).
    site_url: str = Field("", alias="POSTDROP_SITE_URL")
    site_baseurl: str = Field("", alias="POSTDROP_SITE_BASEURL")
    site_title: str = Field("", alias="POSTDROP_SITE_TITLE")

    @property
    def site(self) -> Site:
        return Site(url=self.site_url, baseurl=self.site_baseurl, title=self.site_title)


class StoreSettings(_Settings):
    table_name: str = Field(alias="POSTS_TABLE", min_length=1)
    topic_arn: str = Field(alias="POSTS_TOPIC_ARN", pattern=r"^arn:aws[\w-]*:sns:")
    # Notifications over SNS's 256 KB are stored here, under PAYLOAD_PREFIX, for subscribers to read.
    payload_bucket: str = Field(alias="PAYLOAD_BUCKET", min_length=1)
    payload_prefix: str = Field("payloads/", alias="PAYLOAD_PREFIX")
    # A record that can never be stored goes here at once, with its reason (StoreQueue's
    # maxReceiveCount alone decides when a failing one stops being retried).
    dlq_url: str | None = Field(None, alias="STORE_DLQ_URL")


def parse_settings() -> ParseSettings:
    return _read(ParseSettings, _variables(ParseSettings))  # type: ignore[return-value]


def store_settings() -> StoreSettings:
    return _read(StoreSettings, _variables(StoreSettings))  # type: ignore[return-value]


def _variables(model: type[_Settings]) -> tuple[tuple[str, str], ...]:
    """The environment variables ``model`` reads, as they are now."""
    names = (field.alias for field in model.model_fields.values())
    return tuple((name, os.environ[name]) for name in names if name and name in os.environ)


@cache
def _read(model: type[_Settings], variables: tuple[tuple[str, str], ...]) -> _Settings:
    """Settings are read once per set of values: in Lambda once per init; locally again when a
    function's environment differs, with no cache to clear by hand."""
    return model.from_env(dict(variables))
