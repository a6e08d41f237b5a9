"""How long the post is to read, and in what language it is written.

word_count: words of the scripts written with spaces between words (Latin, Cyrillic, Greek,
Arabic, Hebrew, Korean Hangul, ...): runs of characters between spaces that hold a letter or a
digit; and, for Chinese and Japanese, which are written without spaces, each Han, kana or
full-width letter counts as one.

reading_minutes: at silent-reading rates measured on one text translated into many languages
(IReST: Trauzettel-Klosinski & Dietz, 2012, adult readers): 255 characters a minute for
Chinese, 357 for Japanese (kana carry less than a Han character each); and 238 words a minute
for the spaced scripts (Brysbaert's 2019 meta-analysis of silent reading of non-fiction in
English, the rate the studies agree on). Korean is counted in its spaced words (eojeol) at the
word rate: Korean puts spaces between words, and an eojeol carries about what an English word
does. A text with any words reads in at least one minute; the minutes are rounded to the nearest.

lang: the front matter's ``lang`` (a BCP 47 tag), else told from the script the text is
written in: ``zh`` (Han without kana), ``ja`` (Han with kana, or kana), ``ko`` (Hangul), and
for other scripts ``und-`` and the script's code (``und-Latn``, ``und-Cyrl``, ...): a script
names no one language, and postdrop does not guess one.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["CHINESE_PER_MINUTE", "JAPANESE_PER_MINUTE", "WORDS_PER_MINUTE", "lang_of", "reading_of"]

WORDS_PER_MINUTE = 238
CHINESE_PER_MINUTE = 255
JAPANESE_PER_MINUTE = 357
_SAMPLE = 4_000  # characters of text that tell its script
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# Han (with its extensions and compatibility forms), kana, CJK punctuation and full-width forms
_UNSPACED = re.compile(
    r"[\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uff9f\U00020000-\U0003134f]"
)
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_WORD = re.compile(r"[^\W_]", re.UNICODE)
# The letters of each script told apart (by Unicode block); counted with one regex pass each.
_SCRIPTS = {
    "Latn": re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]"),
    "Grek": re.compile(r"[\u0370-\u03ff]"),
    "Cyrl": re.compile(r"[\u0400-\u052f]"),
    "Armn": re.compile(r"[\u0531-\u058f]"),
    "Hebr": re.compile(r"[\u05d0-\u05ea]"),
    "Arab": re.compile(r"[\u0620-\u064a\u066e-\u06d3]"),
    "Deva": re.compile(r"[\u0900-\u097f]"),
    "Beng": re.compile(r"[\u0980-\u09ff]"),
    "Thai": re.compile(r"[\u0e01-\u0e4e]"),
    "Geor": re.compile(r"[\u10a0-\u10ff]"),
    "Hang": re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]"),
}
_HAN = re.compile(r"[\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_SCRIPT_WEIGHT = 3  # a Han or kana character carries about as much as three letters of a spaced script


def reading_of(text: str) -> tuple[int, int]:
    """(word_count, reading_minutes) of ``text``."""
    unspaced = _UNSPACED.findall(text) if not text.isascii() else []
    spaced = _UNSPACED.sub(" ", text) if unspaced else text
    words = sum(1 for token in spaced.split() if _WORD.search(token))
    if not words and not unspaced:
        return 0, 0
    japanese = bool(unspaced) and _KANA.search(text) is not None
    per_minute = JAPANESE_PER_MINUTE if japanese else CHINESE_PER_MINUTE
    minutes = words / WORDS_PER_MINUTE + len(unspaced) / per_minute
    return words + len(unspaced), max(1, round(minutes))


def lang_of(meta: dict[str, Any], text: str) -> str | None:
    """The front matter's ``lang`` when it is a language tag, else the language the text's
    script names; None for a text without letters."""
    written = meta.get("lang")
    if isinstance(written, str) and _TAG.fullmatch(written.strip().replace("_", "-")):
        return written.strip().replace("_", "-")
    sample = text[:_SAMPLE]
    if sample.isascii():
        return "und-Latn" if any(ch.isalpha() for ch in sample) else None
    counts = {script: len(letters.findall(sample)) for script, letters in _SCRIPTS.items()}
    best = max(counts, key=counts.__getitem__)
    han, kana = len(_HAN.findall(sample)), len(_KANA.findall(sample))
    cjk = (han + kana) * _SCRIPT_WEIGHT
    if cjk and cjk >= counts[best]:
        return "ja" if kana * 10 >= han + kana else "zh"
    if not counts[best]:
        return None
    return "ko" if best == "Hang" else f"und-{best}"
