"""Hostile files end as rejections with a reason, before they can spend the function's time or memory.

Each fixture here is written for postdrop. What is asserted is the rejection and its reason, never a
time: `make bench` prints the worst case's CPU and memory beside the function's limits.
"""

from __future__ import annotations

import pytest

from postdrop import PostRejected, parse_post
from postdrop.core.limits import MAX_DEPTH

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", "a", "b", "c", "d", "e", "f"], ["a", "b", "c", "d", "e", "f", "g"], strict=True)
)  # 9^7 = 4.8 million values from 300 bytes


def _post(front: str, body: str = "Body.\n") -> bytes:
    return f"---\n{front}\n---\n{body}".encode()


HOSTILE = {
    "aliases in title": (_post(LAUGHS + "title: *g"), "posts/a.md", "expands to more than 10000 values"),
    "aliases in tags": (_post(LAUGHS + "title: t\ntags: *g"), "posts/a.md", "expands to more than 10000 values"),
    "aliases in categories": (_post(LAUGHS + "title: t\ncategories: *f"), "posts/a.md", "expands to more than"),
    "aliases in an extra key": (_post(LAUGHS + "title: t\nseries: *g"), "posts/a.md", "expands to more than"),
    "recursive alias": (_post("title: t\nloop: &x [*x]"), "posts/a.md", "refers to itself"),
    "40,000 nested divs": (_post("title: t", "<div>" * 40_000 + "x" + "</div>" * 40_000), "posts/a.html",
                           f"more than {MAX_DEPTH} deep at line 1 of the body"),
    "80,000 nested quotes": (_post("title: t", ">" * 80_000 + " x\n"), "posts/a.md", f"more than {MAX_DEPTH} deep"),
    "deep lists": (_post("title: t", "".join("  " * i + "- x\n" for i in range(1200))), "posts/a.md", "deep"),
    "nested spans in markdown": (_post("title: t", "<span>" * 20_000 + "x"), "posts/a.md", "deep"),
    "200,000 one-word paragraphs": (_post("title: t", "x\n\n" * 200_000), "posts/a.md",
                                    "more than 100,000 elements"),
    "100,000 Liquid outputs": (_post("title: t", "{{ x }}" * 100_000), "posts/a.md",
                               "Liquid tags and outputs, more than the 10,000 postdrop reads"),
    "a million guillemets on one line": (_post("title: t", "<<a " * 1_000_000), "posts/a.md",
                                         "more than 200,000 '<' (tags or guillemets)"),
    "a million closing guillemets on one line": (_post("title: t", "a>> " * 1_000_000), "posts/a.md",
                                                 "more than 100,000 places for one kramdown rewrite"),
    "half a million attribute lists on one line": (_post("title: t", "*x*{: .c} " * 500_000), "posts/a.md",
                                                   "more than 100,000 places for one kramdown rewrite"),
    "a million kramdown line breaks": (_post("title: t", "a\\\\\n" * 1_000_000), "posts/a.md",
                                       "more than 100,000 places for one kramdown rewrite"),
    "many blocks just under the depth": (
        _post("title: t", ("<div>" * 500 + "x" + "</div>" * 500 + "\n") * 200), "posts/a.html", "too deeply for",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_rejected_with_its_reason(name: str) -> None:
    data, key, says = HOSTILE[name]
    with pytest.raises(PostRejected) as caught:
        parse_post(data, key)
    assert says in caught.value.reason, caught.value.reason


@pytest.mark.parametrize(
    "body",
    [
        "<div>" * 100 + "deep but fine" + "</div>" * 100,
        "".join(f"<p>paragraph {i}" for i in range(5000)),  # unclosed paragraphs close themselves
        "<ul>" + "<li>item" * 3000 + "</ul>",
        "\n\n".join("> " * 20 + f"quote {i}" for i in range(200)),
    ],
)
def test_ordinary_nesting_is_read(body: str) -> None:
    assert parse_post(_post("title: t", body), "posts/a.html").text
