"""White space folded as ``str.split()`` reads it, without the list of words a long text makes.

``" ".join(text.split())`` makes a string for each word: on 5 MB of one-letter words that is 2.5
million strings, some 140 MB, and a read that holds two such lists passes what a 256 MB
ParseFunction has. Past ``LIST_FREE_FROM`` characters the same folding and counting are done a
piece at a time, cut at white space (Python's ``\\s`` and ``str.split()`` take the same characters
for white space).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["LIST_FREE_FROM", "fold", "pieces"]

LIST_FREE_FROM = 1 << 18  # characters (a piece's list of one-letter words: some 7 MB)
_SPACE = re.compile(r"\s")


def fold(text: str) -> str:
    """Each run of white space (full-width and no-break spaces too) one space, none at either end:
    ``" ".join(text.split())``, a piece at a time past LIST_FREE_FROM characters (``re.sub`` would
    not do: it joins a list of pieces too, two a match)."""
    if len(text) < LIST_FREE_FROM:
        return " ".join(text.split())
    return " ".join(folded for piece in pieces(text) if (folded := " ".join(piece.split())))


def pieces(text: str) -> Iterator[str]:
    """``text`` cut at white space into pieces of about LIST_FREE_FROM characters, no word cut in
    two, for a count that would otherwise split the whole text (the text itself when short)."""
    start = 0
    while len(text) - start > LIST_FREE_FROM:
        space = _SPACE.search(text, start + LIST_FREE_FROM)
        if space is None:
            break
        yield text[start : space.start()]
        start = space.start()
    yield text[start:] if start else text
