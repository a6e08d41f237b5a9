"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; one newline style."""

from __future__ import annotations

import codecs
import re

from postdrop.exceptions import PostRejected

__all__ = ["decode_text"]

# C0 controls other than tab, LF, FF and CR, plus DEL. A few are repaired; many mean binary.
_CONTROL = re.compile("[\x01-\x08\x0b\x0e-\x1f\x7f]")
# The same characters as bytes. In UTF-8 and GB18030 they are only ever themselves (no
# multi-byte sequence holds a byte below 0x20 or 0x7F), so bytes without any are clean text.
_CONTROL_BYTES = bytes([*range(0x01, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_MAX_CONTROL_RATIO = 0.01
_NEWLINES = re.compile(r"\r\n?")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


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
    nul = data.find(b"\x00")
    if nul >= 0:
        line = _line_of(data, nul)
        raise PostRejected(f"the file holds a NUL byte at byte {nul} (line {line}): it is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            where = f"byte {utf8_error.start} (line {_line_of(data, utf8_error.start)})"
            raise PostRejected(f"the file is neither UTF-8 nor GB18030 text: undecodable {where}") from None
        warnings.append("the file is not UTF-8; decoded as GB18030")
        return text


def decode_text(data: bytes, warnings: list[str]) -> str:
    """Decode a post file and normalize CRLF and CR line ends to LF.

    Appends to ``warnings`` what it assumed; raises PostRejected for bytes that are not text.
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
