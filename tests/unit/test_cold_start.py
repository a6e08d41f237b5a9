"""What was rewritten for the cold start matches what it replaced, character for character."""

from __future__ import annotations

import re

import pytest

from postdrop.core import reading, spanhtml

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
