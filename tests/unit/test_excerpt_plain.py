"""An excerpt that is plain prose is read without rendering it: the text it reads as must be what
rendering it (Liquid, kramdown, pulldown-cmark) and taking its text gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from postdrop.core.body import render_markdown
from postdrop.core.excerpt import _is_plain, jekyll_excerpt, plain_text

# plain characters, and a few of each kind the reader gives a meaning to
PLAIN = "ab Z9 \n,.;:?!%/@()+=-“”，。、：？（）《》—…·中文"
ALPHABET = st.sampled_from([*PLAIN, "\n\n", "> ", "  \n", "--", "...", "*", "_", "1.", "#", "'", "<", "&", "\\"])


@settings(deadline=None, max_examples=300)
@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_a_plain_excerpt_reads_as_rendering_it_would(source: str) -> None:
    if _is_plain(source):
        assert jekyll_excerpt({"excerpt_separator": "\u2063"}, source, "", render_markdown) == plain_text(
            render_markdown(source)
        )


def test_prose_is_plain_and_markdown_is_not() -> None:
    assert _is_plain("A first paragraph, plain: 100% prose (no marks).\n第二行，中文。")
    marked = ("*a*", "_a_", "1. item", "- item", "a  \nb", "a -- b", "so...", "it's", "    code", "{{ x }}", "<b>x</b>")
    for source in marked:
        assert not _is_plain(source), source
