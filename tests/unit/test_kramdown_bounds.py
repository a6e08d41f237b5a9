"""The readings of the reader-20 round, on files written to make them slow: each is read in
ParseFunction's own CPU time (postdrop.budget), as test_hostile.py holds the others."""

from __future__ import annotations

import contextlib

import pytest

from postdrop import PostRejected, parse_post
from postdrop.budget import cpu_limit, cpu_seconds

_ATTRIBUTES = 150_000  # a line of a megabyte


def _post(body: str) -> bytes:
    return f"---\ntitle: t\n---\n{body}".encode()


HOSTILE_BODIES = {
    # each quote looked for a link's "](" and an attribute list's "{:" from its line's start: a
    # line of quotes read its whole length again at each (quadratic)
    "quotes on one long line": 'x="y" ' * _ATTRIBUTES + "\n",
    # and a "<" that opens no kramdown tag before them (no white space between its attributes)
    "quoted attributes of no tag on one line": '<a b="x"' * _ATTRIBUTES + ">\n",
    # an HTML block under a list item that never ends in it (a blank line, then a line left of
    # the item's text), tried again from each of its lines: the lines read are charged to the
    # look-back budget
    "HTML blocks in an item that the item ends": "- x\n" + "    <div>\n" * 40_000 + "\nx\n" + "    </div>\n" * 40_000,
    # a list longer than the look back, with indented lines under each nested item
    "a list of a hundred thousand lines": "1. a\n" + "    - b\n\n        c\n\n" * 24_000,
    # indented code in a list item with a lazy line under each of its lines
    "an item's code with lazy lines": "- a\n\n" + "        code\nlazy\n" * 48_000,
    # item-looking lines under an item's paragraph, four columns past its text
    "an outline pasted four columns deep": "- a\n" + "          - b\n" * 96_000 + "\n          code\n",
    # a rouge table pasted in an HTML block, its <pre> never closed
    "nested pre in an HTML block never closed": "<div>\n" + "<pre><code><pre>1\n" * 30_000 + "</div>\n",
    # code in items in a quote
    "code in a quoted item after each blank line": "> * a\n>\n" + ">         code\n>\n" * 48_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_this_rounds_readings_are_read_in_the_functions_time(name: str) -> None:
    # ParseFunction's own limit at the template's size; a rejection with its reason is an answer in time too
    with cpu_limit(cpu_seconds(30_000, 256)), contextlib.suppress(PostRejected):
        parse_post(_post(HOSTILE_BODIES[name]), "posts/2020-01-01-a.md")
