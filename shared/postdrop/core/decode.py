"""Bytes to text in the encoding the file was written in; one newline style.

How the encoding is told:

1. A byte order mark says it: UTF-8, UTF-16 (LE or BE).
2. Bytes that are valid UTF-8 are UTF-8 (legacy text is almost never valid UTF-8 by chance).
   NUL bytes without a UTF-16 mark mean binary: rejected.
3. UTF-8 with a few bytes that are not (a damaged file, or one pasted together from two
   encodings: at least three well-formed UTF-8 characters for each stray run) is rejected,
   naming the first: read in a legacy encoding, all its other letters would be mojibake.
4. Anything else is taken for one of the legacy encodings producers still save in:
   GB18030/GBK (the first producer's), Big5, Shift_JIS, EUC-JP, EUC-KR, KOI8-R,
   Windows-1251 and Windows-1252 (Latin-1's superset). GB18030 cannot simply be tried and
   kept when it decodes: it decodes almost any bytes (a Latin-1 ``Grüße`` came out as
   mojibake). Which one it is, is told from the file's non-ASCII bytes:

   - With at least MIN_EVIDENCE_BYTES of them (any post of a paragraph or more in a CJK or
     Cyrillic script), a detector decides: charset-normalizer, which weighs how plausible each
     decoding is as text of a language. It is imported only here, so UTF-8 posts never pay
     for it: its import costs 40 to 90 ms once per process, and a post-length file 0.5 to 3 ms
     (a 4 MB one about half a second).
   - With fewer (a title and a line, or Latin text with a few accented letters), detectors
     guess wrong (charset-normalizer reads a 12-character GB18030 post as Shift_JIS and short
     KOI8-R or Big5 text as Korean), so a rule decides: the file is read in each encoding, and
     a reading counts when every non-ASCII character is of the encoding's script (Han for
     GB18030 and Big5; kana, with Han, for the Japanese ones; Hangul for EUC-KR; Cyrillic or
     accented Latin letters for the single-byte ones) and every word holding one is written
     as words are (in one script; lower case, Capitalized or ALL CAPS; a Latin word of two
     letters or more has an ASCII letter too). Text read in the wrong encoding almost never
     passes: Latin-1 read as KOI8-R mixes scripts in a word, KOI8-R read as Windows-1251
     flips every letter's case, Chinese read as KOI8-R or Windows-1252 hits symbols. Kana,
     Hangul, Cyrillic and Latin readings are more telling than Han alone (Korean bytes read as
     GB18030 are common Han characters; Han read as EUC-KR is rarely Hangul only), so when one
     of those passes, Han-only readings are set aside. When the detector finds no text in a
     longer file, this rule is tried too.

   A post decoded from a legacy encoding gets a warning naming it (and, when the rule told it,
   how many non-ASCII bytes it went by).

Short texts: one reading that passes is taken, with that warning. Several that differ: when
GB18030's is one of them and keeps to GB2312's 7,445 characters (short Chinese reads as Big5
too; bytes of other encodings read as GBK mostly land outside GB2312), GB18030 is taken, as
the first producer writes it, with a warning naming the other readings; otherwise the file
is rejected with a reason naming what it reads as. None, or GB18030 only with characters
outside GB2312: rejected, saying so. postdrop never stores text it cannot tell from
mojibake; the reason asks for the file in UTF-8.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from postdrop.exceptions import PostRejected

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["LEGACY_ENCODINGS", "MIN_EVIDENCE_BYTES", "as_read", "decode_text", "written_suffix"]

# C0 controls other than tab, LF, FF and CR, plus DEL. A few are repaired; many mean binary.
_CONTROL = re.compile("[\x01-\x08\x0b\x0e-\x1f\x7f]")
# The same characters as bytes. In UTF-8 and the legacy encodings read here they are only
# ever themselves (no multi-byte sequence holds a byte below 0x20 or 0x7F: trail bytes start
# at 0x40 and skip 0x7F), so bytes without any are clean text.
_CONTROL_BYTES = bytes([*range(0x01, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_MAX_CONTROL_RATIO = 0.01
_NEWLINES = re.compile(r"\r\n?")
_LINE_END = re.compile(r"\r\n?|\n")
_HIGH_BYTES = bytes(range(0x80, 0x100))
# Legacy text read as UTF-8 holds at most about one well-formed multi-byte character per two runs
# of bytes that are not (0.6 at worst in the corpus saved as GB18030); UTF-8 with a stray byte
# holds dozens per stray byte.
_UTF8_DAMAGE_RATIO = 3

# Below this many non-ASCII bytes the detector is not asked (measured on this project's
# samples: it was wrong up to 38 of them, for EUC-JP and KOI8-R text cut short).
MIN_EVIDENCE_BYTES = 64
_MAX_CHAOS = 0.2  # charset-normalizer's "mess" of the reading it ranks first, at most

# Punctuation a text in any script may hold: dashes, quotes, ellipsis, bullets, euro, numero.
_COMMON_PUNCT = frozenset("\u00a0«»°§·\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201a\u201c\u201d\u201e"
                          "\u2022\u2026\u20ac\u2116\u00d7")  # fmt: skip
_LATIN_PUNCT = _COMMON_PUNCT | frozenset(
    "\u00bf\u00a1\u00a9\u00ae\u2122\u00b2\u00b3\u00bd\u00bc\u00be\u00a3\u2039\u203a"
)


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def _cjk_punct(ch: str) -> bool:
    """Ideographic space and punctuation, full-width forms, and the quotes CJK text uses."""
    return "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff65" or ch in _COMMON_PUNCT or "\u2460" <= ch <= "\u24ff"


def _kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u30ff"


def _hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e"


def _cyrillic(ch: str) -> bool:
    return "\u0410" <= ch <= "\u044f" or ch in "Ёё"


def _latin(ch: str) -> bool:
    """A Latin letter past ASCII: accented ones, and the micro sign and ordinal indicators (µs, 1º)."""
    return ("\u00c0" <= ch <= "\u024f" and ch not in "×÷") or ch in "\u00b5\u00aa\u00ba"


@dataclass(frozen=True, slots=True)
class _Legacy:
    codec: str  # Python's codec
    name: str  # what a warning or a reason calls it
    letter: Callable[[str], bool]  # a non-ASCII letter of the script it encodes
    punct: frozenset[str] | None  # the non-ASCII punctuation it may hold; None: CJK punctuation
    telling: bool  # a reading in this script is rarely mojibake (see the module docstring)
    cased: bool = False  # words of the script have case: check it

    def reading(self, data: bytes) -> str | None:
        """The text ``data`` is in this encoding when every non-ASCII character is of its script; else None."""
        try:
            text = data.decode(self.codec)
        except UnicodeDecodeError:
            return None
        has_kana = False
        for ch in set(text):  # each distinct character once, gathered at C speed
            if ch < "\x80":
                continue
            if self.letter(ch):
                has_kana = has_kana or _kana(ch)
                continue
            if (ch in self.punct) if self.punct is not None else _cjk_punct(ch):
                continue
            return None
        if self.letter is _japanese and not has_kana:
            return None  # Japanese text holds kana; Han alone is read as Chinese
        if self.cased and not _words_written_as_words(text, self.letter):
            return None
        return text


def _japanese(ch: str) -> bool:
    return _kana(ch) or _han(ch) or ch == "\u30fc"


_WORD = re.compile(r"[^\W\d_]+")


def _words_written_as_words(text: str, letter: Callable[[str], bool]) -> bool:
    """Every word holding a non-ASCII letter is in one script and cased as words are."""
    for match in _WORD.finditer(text):
        word = match.group(0)
        if word.isascii():
            continue
        if not word.isalpha():  # a number that is no digit (½, ², ³) stands between words, not in one
            if not all(_words_written_as_words(part, letter) for part in _letter_runs(word)):
                return False
            continue
        if not (word.islower() or word.isupper() or word.istitle()):
            return False
        ascii_letters = sum(ch.isascii() for ch in word)
        if letter is _cyrillic and (ascii_letters or not all(map(_cyrillic, word))):
            return False  # Cyrillic words are Cyrillic throughout
        if letter is _latin and (
            (len(word) > 1 and not ascii_letters) or not all(ch.isascii() or _latin(ch) for ch in word)
        ):
            return False  # accented letters sit in words of ASCII letters
    return True


def _letter_runs(word: str) -> list[str]:
    """``word``'s runs of letters, split where a character that is no letter stands (``a½b``: a, b)."""
    return "".join(ch if ch.isalpha() else " " for ch in word).split()


# In the order a tie is reported; GB18030 first, the first producer's.
LEGACY_ENCODINGS: tuple[_Legacy, ...] = (
    _Legacy("gb18030", "GB18030", _han, None, telling=False),
    _Legacy("big5", "Big5", _han, None, telling=False),
    _Legacy("cp932", "Shift_JIS", _japanese, None, telling=True),
    _Legacy("euc_jp", "EUC-JP", _japanese, None, telling=True),
    _Legacy("euc_kr", "EUC-KR", _hangul, None, telling=True),
    # Windows-1252 before the Cyrillic ones: text whose only non-ASCII bytes are punctuation
    # (’ “ ” – … nbsp) reads the same in it and in Windows-1251, and is far likelier Latin text
    _Legacy("cp1252", "Windows-1252", _latin, _LATIN_PUNCT, telling=True, cased=True),
    _Legacy("koi8_r", "KOI8-R", _cyrillic, _COMMON_PUNCT, telling=True, cased=True),
    _Legacy("cp1251", "Windows-1251", _cyrillic, _COMMON_PUNCT, telling=True, cased=True),
)


def _in_gb2312(text: str) -> bool:
    """Whether ``text`` keeps to GB2312's 7,445 characters: what simplified Chinese text uses, and what
    the bytes of another encoding read as GBK mostly fall outside of."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _utf16_without_mark(data: bytes) -> bool:
    """Whether ``data`` reads as UTF-16 text saved without its mark: in its first 4,000 bytes the
    NULs stand only at the high bytes of its characters (ASCII's; Chinese has none) and the whole
    reads as UTF-16 text, white space its only control characters."""
    head = data[:4000] if len(data) % 2 == 0 else data[: min(4000, len(data) - 1)]
    for high, low, codec in ((head[1::2], head[0::2], "utf-16-le"), (head[0::2], head[1::2], "utf-16-be")):
        if high.count(0) >= 4 and low.count(0) == 0:
            try:
                text = head.decode(codec)
            except UnicodeDecodeError:
                continue
            return all(ch.isprintable() or ch in "\n\r\t" for ch in text)
    return False


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _detect(data: bytes) -> tuple[str, str] | None:
    """(text, encoding name) as charset-normalizer reads ``data``; None when it finds no text."""
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only files that are not UTF-8 pay its import

    # Its default threshold (0.2) drops a whole post over one chunk's emoji or symbols; the
    # mean mess of the reading it ranks first is held to that bound instead.
    best = from_bytes(data, threshold=0.5).best()
    if best is None or best.chaos > _MAX_CHAOS:
        return None
    text = str(best)
    for legacy in LEGACY_ENCODINGS:  # its name among postdrop's when one reads the same (GBK is GB18030's)
        try:
            if data.decode(legacy.codec) == text:
                return text, legacy.name
        except UnicodeDecodeError:
            continue
    return text, best.encoding.upper().replace("_", "-")


def _decode_legacy(data: bytes, warnings: list[str], utf8_error: UnicodeDecodeError) -> str:
    """Decode bytes that are not UTF-8 (see the module docstring); PostRejected when it cannot be told."""
    evidence = len(data) - len(data.translate(None, _HIGH_BYTES))  # non-ASCII bytes, at C speed
    as_utf8 = data.decode("utf-8", "replace")
    stray = as_utf8.count("\ufffd")  # each run of bytes that are no UTF-8 is one replacement
    sequences = len(as_utf8) - (len(data) - evidence) - stray  # well-formed multi-byte characters
    if sequences >= _UTF8_DAMAGE_RATIO * stray:  # UTF-8 text with a few bytes that are not
        where = f"byte {utf8_error.start} (line {_line_of(data, utf8_error.start)})"
        raise PostRejected(
            f"the file is UTF-8 but for {stray} place(s) that are not, the first at {where}: it is damaged or"
            " mixes two encodings; save it as UTF-8 throughout"
        )
    if evidence >= MIN_EVIDENCE_BYTES:
        detected = _detect(data)
        if detected is not None:
            text, name = detected
            warnings.append(f"the file is not UTF-8; decoded as {name}, the encoding its text reads as")
            return text
    readings: dict[str, list[str]] = {}  # text -> the encodings that read it so
    telling: dict[str, list[str]] = {}
    gb2312 = False
    for legacy in LEGACY_ENCODINGS:
        reading = legacy.reading(data)
        if reading is None:
            continue
        readings.setdefault(reading, []).append(legacy.name)
        if legacy.telling:
            telling.setdefault(reading, []).append(legacy.name)
        elif legacy.codec == "gb18030":
            gb2312 = _in_gb2312(reading)
    candidates = telling or readings
    if len(candidates) == 1 and (telling or gb2312 or "GB18030" not in next(iter(candidates.values()))):
        ((text, names),) = candidates.items()
        same = f" ({_names(names[1:])} reads them the same)" if len(names) > 1 else ""
        warnings.append(
            f"the file is not UTF-8; decoded as {names[0]}{same}, the one reading of its"
            f" {evidence} non-ASCII bytes that is text"
        )
        return text
    names = [names[0] for names in candidates.values()]
    if gb2312 and not telling:  # short Chinese reads as Big5 too: the first producer writes GB18030
        text = next(text for text, names in candidates.items() if "GB18030" in names)
        others = _names([n for n in names if n != "GB18030"])
        warnings.append(
            f"the file is not UTF-8; decoded as GB18030, though its {evidence} non-ASCII bytes read as {others} too"
        )
        return text
    where = f"byte {utf8_error.start} (line {_line_of(data, utf8_error.start)})"
    if not candidates:
        raise PostRejected(
            f"the file is not UTF-8 ({where} is not), and postdrop cannot tell its encoding: none of"
            f" {_names([legacy.name for legacy in LEGACY_ENCODINGS])} reads its {evidence} non-ASCII bytes"
            " as text; save it as UTF-8"
        )
    what = (
        "GB18030 only with rare characters (outside GB2312), as the bytes of other encodings do"
        if names == ["GB18030"]
        else _names(names)
    )
    raise PostRejected(
        f"the file is not UTF-8, and its {evidence} non-ASCII bytes are too few to tell its encoding:"
        f" they read as {what}; save it as UTF-8"
    )


def _decode_bytes(data: bytes, warnings: list[str]) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise PostRejected(
                f"the file starts with a UTF-16 byte order mark but byte {exc.start} is not UTF-16"
            ) from exc
        warnings.append("the file is UTF-16; decoded by its byte order mark")
        return text
    if data.startswith(b"\x1f\x8b"):  # gzip's magic: a site tool's upload with Content-Encoding: gzip
        raise PostRejected("the file is gzip-compressed (uploaded with Content-Encoding: gzip?): upload it as text")
    nul = data.find(b"\x00")
    if nul >= 0:
        if _utf16_without_mark(data):
            raise PostRejected(
                "the file looks like UTF-16 without a byte order mark (a NUL beside each ASCII character):"
                " save it as UTF-8, or as UTF-16 with its mark"
            )
        line = _line_of(data, nul)
        raise PostRejected(f"the file holds a NUL byte at byte {nul} (line {line}): it is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        return _decode_legacy(data, warnings, utf8_error)


def as_read(written: str) -> str:
    """Text as written (decoded, its own line ends) as ``decode_text`` reads it: LF line ends,
    no stray control characters."""
    return _CONTROL.sub("", _NEWLINES.sub("\n", written))


def written_suffix(data: bytes, text: str, suffix: str) -> str | None:
    """The end of the file ``data`` with its line ends as written (CRLF, CR) that reads as
    ``suffix``, the end of ``text`` (``decode_text(data)``); None when it cannot be told.

    Jekyll looks for the excerpt's separator in the file as written: in a file saved with CRLF
    line ends the default one, a blank line (``"\n\n"``), is never there."""
    if not text.endswith(suffix):
        return None
    start = len(text) - len(suffix)
    line = text.count("\n", 0, start)
    column = start - (text.rfind("\n", 0, start) + 1)
    written = _decode_bytes(data, [])
    at = 0
    if line:
        ends = _LINE_END.finditer(written)
        for _ in range(line - 1):
            next(ends, None)
        last = next(ends, None)
        if last is None:
            return None
        at = last.end()
    part = written[at + column :]
    return part if as_read(part) == suffix else None


def decode_text(data: bytes, warnings: list[str]) -> str:
    """Decode a post file and normalize CRLF and CR line ends to LF.

    Appends to ``warnings`` what it assumed; raises PostRejected for bytes that are not text,
    or whose encoding cannot be told (the module docstring says how it is told).
    """
    if not data.strip():
        raise PostRejected("the file is empty")
    text = _decode_bytes(data, warnings)
    if "\r" in text:
        text = _NEWLINES.sub("\n", text)
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and len(data.translate(None, _CONTROL_BYTES)) == len(data):
        return text  # the common case, checked at C speed: no stray control characters
    first = _CONTROL.search(text)
    if first is not None:
        controls = _CONTROL.findall(text)
        line = text.count("\n", 0, first.start()) + 1
        if len(controls) > max(1, len(text) * _MAX_CONTROL_RATIO):
            raise PostRejected(
                f"the file holds {len(controls)} control characters (first U+{ord(controls[0]):04X} at line {line}): "
                "it is binary, not text"
            )
        text = _CONTROL.sub("", text)
        warnings.append(f"removed {len(controls)} stray control character(s), the first at line {line}")
    return text
