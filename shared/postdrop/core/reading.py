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

from postdrop.core.spaces import pieces

__all__ = ["CHINESE_PER_MINUTE", "JAPANESE_PER_MINUTE", "WORDS_PER_MINUTE", "lang_of", "reading_of"]

WORDS_PER_MINUTE = 238
CHINESE_PER_MINUTE = 255
JAPANESE_PER_MINUTE = 357
_SAMPLE = 1_000  # characters of text that tell its script
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# Runs of Han (with its extensions and compatibility forms), kana and full-width letters and digits
_UNSPACED = re.compile(
    r"[\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uff9f\U00020000-\U0003134f]+"
)
# from the first of them on: one range to test first (most texts have nothing past it), written as
# what it leaves out, which compiles in 2 ms, not 8 (re visits each character of a range below U+10000)
_BEYOND = re.compile("[^\x00-\u2e7f]")
# Written "[kana][kana]*", not "[kana]+": a pattern that opens with a class lets re skip to the next
# of its characters, where one that opens with a repeat is tried at every position (twice the time
# over a Chinese text, which has none). The big classes (_UNSPACED, _HAN) are not written twice:
# each costs 3 ms more to compile, at every cold start.
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f][\u3040-\u30ff\uff66-\uff9f]*")
# A run between spaces made only of punctuation and symbols ("--", "|", "…", "，") is no word. Read
# in the runs joined by single spaces: a pattern that opens with a space (not with \s, a class)
# lets re go from space to space, where \s has it try a match at every character (reading_of:
# 175 -> 161 million instructions over the 493 files of the parse rows).
_NOT_A_WORD = re.compile(r" [^\w\s]+(?= )")
_ASCII = re.compile(r"[\x00-\x7f]+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# The letters of each script beyond ASCII, by Unicode block: (first, last) code points
_SCRIPTS = {
    "Latn": ((0x00C0, 0x024F), (0x1E00, 0x1EFF)),
    "Grek": ((0x0370, 0x03FF),),
    "Cyrl": ((0x0400, 0x052F),),
    "Armn": ((0x0531, 0x058F),),
    "Hebr": ((0x05D0, 0x05EA),),
    "Arab": ((0x0620, 0x064A), (0x066E, 0x06D3)),
    "Deva": ((0x0900, 0x097F),),
    "Beng": ((0x0980, 0x09FF),),
    "Thai": ((0x0E01, 0x0E4E),),
    "Geor": ((0x10A0, 0x10FF),),
    "Hang": ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)),
}
_RUNS = {
    script: re.compile("[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges) + "]+")
    for script, ranges in _SCRIPTS.items()
}
_HAN = re.compile(r"[\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_SCRIPT_WEIGHT = 3  # a Han or kana character carries about as much as three letters of a spaced script


def reading_of(text: str) -> tuple[int, int]:
    """(word_count, reading_minutes) of ``text``."""
    unspaced, spaced = 0, text
    if not text.isascii() and _BEYOND.search(text):
        spaced, runs = _UNSPACED.subn(" ", text)
        unspaced = len(text) - len(spaced) + runs  # each run of characters became one space
    words = 0
    for piece in pieces(spaced):  # a long text a piece at a time: its list of runs is a string a word
        runs_between_spaces = piece.split()
        words += len(runs_between_spaces) - len(_NOT_A_WORD.findall(f" {' '.join(runs_between_spaces)} "))
    if not words and not unspaced:
        return 0, 0
    japanese = unspaced > 0 and _KANA.search(text, 0, _SAMPLE * 2) is not None  # kana are all through Japanese
    per_minute = JAPANESE_PER_MINUTE if japanese else CHINESE_PER_MINUTE
    minutes = words / WORDS_PER_MINUTE + unspaced / per_minute
    return words + unspaced, max(1, round(minutes))


def lang_of(meta: dict[str, Any], text: str) -> str | None:
    """The front matter's ``lang`` when it is a language tag, else the language the text's
    script names; None for a text without letters."""
    written = meta.get("lang")
    if isinstance(written, str) and _TAG.fullmatch(written.strip().replace("_", "-")):
        return written.strip().replace("_", "-")
    sample = text[:_SAMPLE]
    if sample.isascii():
        return "und-Latn" if _ASCII_LETTER.search(sample) else None
    if _BEYOND.search(sample) is None:  # Han and kana are all past U+2E7F: one quick scan says there are none
        han = kana = 0
    else:
        han, kana = _letters(_HAN, sample), _letters(_KANA, sample)
    cjk = (han + kana) * _SCRIPT_WEIGHT
    if cjk and cjk >= len(sample) - han - kana:  # outweighs whatever else the sample holds
        return "ja" if kana * 10 >= han + kana else "zh"
    rest = _ASCII.sub("", sample)  # what is not ASCII; ASCII other than spaces counts as Latin
    counts = {script: _letters(runs, rest) for script, runs in _RUNS.items()}
    counts["Latn"] += len(sample) - len(rest) - sample.count(" ") - sample.count("\n")
    best = max(counts, key=counts.__getitem__)
    if cjk and cjk >= counts[best]:
        return "ja" if kana * 10 >= han + kana else "zh"
    if not counts[best]:
        return None
    return "ko" if best == "Hang" else f"und-{best}"


def _letters(runs: re.Pattern[str], text: str) -> int:
    """How many characters ``runs`` matches in ``text`` (a search first: most scripts are not there)."""
    return sum(map(len, runs.findall(text))) if runs.search(text) else 0
