"""What was rewritten for the cold start matches what it replaced, character for character."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from postdrop.core import reading, spanhtml
from tests.conftest import REPO

EVERY_CHARACTER = "".join(map(chr, range(0x110000)))  # lone surrogates too: a str can hold them


@pytest.mark.parametrize("chars", [spanhtml.NAME_START, spanhtml._NAME_CHARS, "a-c\\-x", "\\--/", "\x00-\U0010ffff"])
def test_a_negated_class_matches_the_characters_of_its_ranges(chars: str) -> None:
    # Given a class's contents, as spanhtml writes them
    # When it is written as the negation of its complement
    negated = re.compile(spanhtml.negated_class(chars))
    # Then every code point is matched by both or by neither
    assert negated.findall(EVERY_CHARACTER) == re.findall(f"[{chars}]", EVERY_CHARACTER)


def test_the_test_for_characters_past_u2e7f_is_the_range_it_replaced() -> None:
    assert reading._BEYOND.findall(EVERY_CHARACTER) == re.findall("[\u2e80-\U0010ffff]", EVERY_CHARACTER)


def test_the_store_handler_loads_without_the_notification_models() -> None:
    # Given a fresh process as Lambda starts StoreFunction (its clients left to first use: no task root)
    modules = ("postdrop.notification", "postdrop.adapters.topic")
    code = f"import sys; sys.path.insert(0, sys.argv[1]); import app; print([m for m in {modules} if m in sys.modules])"
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO / "shared"), "AWS_DEFAULT_REGION": "us-east-1"}
    # When the handler module loads
    out = subprocess.run([sys.executable, "-c", code, str(REPO / "functions" / "store")], env=env,
                         capture_output=True, text=True, check=True)  # fmt: skip
    # Then no notification model was built: only PublishFunction (and a replay) announce
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("function", ["store", "publish"])
def test_the_store_and_publish_handlers_load_without_the_parse_cores_dates_and_site(function: str) -> None:
    # Given a fresh process as Lambda starts the function (its clients left to first use: no task root)
    modules = ("postdrop.core.dates", "postdrop.core.site")
    code = f"import sys; sys.path.insert(0, sys.argv[1]); import app; print([m for m in {modules} if m in sys.modules])"
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO / "shared"), "AWS_DEFAULT_REGION": "us-east-1"}
    # When the handler module loads
    out = subprocess.run([sys.executable, "-c", code, str(REPO / "functions" / function)], env=env,
                         capture_output=True, text=True, check=True)  # fmt: skip
    # Then neither was imported (their regular expressions are ParseFunction's): ParseSettings load
    # them when they are made
    assert out.stdout.strip() == "[]"


def test_parse_settings_defaults_are_the_parse_cores() -> None:
    from postdrop.config import ParseSettings
    from postdrop.core.dates import DEFAULT_ZONE
    from postdrop.core.site import DEFAULT_EXCERPT_SEPARATOR, DEFAULT_PERMALINK

    made, read = ParseSettings(store_queue_url="q"), ParseSettings.from_env({"STORE_QUEUE_URL": "q"})
    for settings in (made, read):
        assert settings.default_zone == DEFAULT_ZONE
        assert (settings.site_permalink, settings.site_excerpt_separator) == (
            DEFAULT_PERMALINK,
            DEFAULT_EXCERPT_SEPARATOR,
        )
    assert made == read


def test_pydantic_looks_for_no_plugins_in_lambda_and_none_is_installed() -> None:
    # Given the template's environment for every function (pydantic's plugin search, over every
    # installed package's entry points, would cost each cold start its first model's few ms)
    from importlib.metadata import entry_points

    from postdrop_tools.template import load_template

    template = load_template(stack="postdrop", account="123456789012", region="us-east-1")
    env = template.body["Globals"]["Function"]["Environment"]["Variables"]
    # Then it turns the search off, and that leaves nothing out: no installed package is a plugin
    assert env["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
    assert list(entry_points(group="pydantic")) == []
