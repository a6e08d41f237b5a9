"""White space folded and cut as str.split() reads it, a piece at a time on a long text."""

from __future__ import annotations

import random

import pytest

from postdrop.core.spaces import LIST_FREE_FROM, fold, pieces

SAMPLES = ["a b", " a\u3000b\u00a0c\u2028 ", "词 词\n\n词", "x" * 10, " " * 10, ""]


@pytest.mark.parametrize("length", [0, 7, LIST_FREE_FROM - 1, LIST_FREE_FROM + 3, 3 * LIST_FREE_FROM + 11])
@pytest.mark.parametrize("alphabet", ["ab \n\u3000.-", "a", " \t", "ab\u00a0\u2028\x1c"])
def test_a_long_text_folds_and_splits_as_a_short_one(length: int, alphabet: str) -> None:
    rnd = random.Random(length)
    text = "".join(rnd.choice(alphabet) for _ in range(length))
    cut = list(pieces(text))
    assert "".join(cut) == text
    assert sum(len(piece.split()) for piece in cut) == len(text.split())  # no word cut in two
    assert fold(text) == " ".join(text.split())


@pytest.mark.parametrize("text", SAMPLES)
def test_a_short_text_is_one_piece(text: str) -> None:
    assert list(pieces(text)) == [text]
    assert fold(text) == " ".join(text.split())


def test_a_long_text_is_cut_near_each_piece_length_at_white_space() -> None:
    text = ("word " * LIST_FREE_FROM)[:-1]
    cut = list(pieces(text))
    assert len(cut) == 5 and all(piece.split() == ["word"] * len(piece.split()) for piece in cut)
    assert all(LIST_FREE_FROM <= len(piece) < LIST_FREE_FROM + 5 for piece in cut[:-1])
