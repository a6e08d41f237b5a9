"""Text in its real encoding: a post saved in a legacy encoding reads as what was written, or is
rejected with its reason; it is never stored as mojibake (#26).

The samples (tests/unit/encoded_posts.py) are written for these tests, in the languages whose
legacy encodings producers still save in."""

from __future__ import annotations

import codecs
import random
import subprocess
import sys

import pytest

from postdrop import PostRejected, parse_post
from postdrop.core.decode import MIN_EVIDENCE_BYTES, decode_text
from tests.conftest import REPO
from tests.unit.encoded_posts import CHINESE, JAPANESE, LONG, SHORT, post_text

NAMES = {
    "latin-1": "Windows-1252", "cp1252": "Windows-1252", "koi8-r": "KOI8-R", "cp1251": "Windows-1251",
    "gb18030": "GB18030", "gbk": "GB18030", "big5": "Big5", "shift_jis": "Shift_JIS", "euc-jp": "EUC-JP",
    "euc-kr": "EUC-KR",
}  # fmt: skip
CASES = [(name, encoding) for name, (_, encodings) in LONG.items() for encoding in encodings]


@pytest.mark.parametrize(("name", "encoding"), CASES, ids=[f"{n}-{e}" for n, e in CASES])
def test_a_post_in_a_legacy_encoding_is_the_post_written(name: str, encoding: str) -> None:
    # Given a post-length text saved in a legacy encoding
    text = LONG[name][0]
    expected = parse_post(text.encode(), "posts/a.md")
    # When it is parsed
    got = parse_post(text.encode(encoding), "posts/a.md")
    # Then it is the same post as its UTF-8 file, with a warning naming the encoding
    assert got.content_hash == expected.content_hash
    assert got.title == expected.title
    assert any(f"decoded as {NAMES[encoding]}" in w for w in got.warnings), got.warnings


def test_the_latin_1_post_of_the_issue_is_not_mojibake() -> None:
    # Given the Latin-1 post that GB18030 used to read as Chinese characters
    data = post_text("Über Straße / Grüße aus München", "Viele Grüße aus München.").encode("latin-1")
    # When it is parsed, then its title is what was written
    got = parse_post(data, "posts/gruesse.md")
    assert got.title == "Über Straße / Grüße aus München"
    assert got.text == "Viele Grüße aus München."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be"])
def test_unicode_files_say_their_encoding(encoding: str) -> None:
    data = JAPANESE.encode(encoding)
    if encoding.startswith("utf-16"):
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
    assert decode_text(data, []) == JAPANESE


@pytest.mark.parametrize("name", list(SHORT))
def test_a_short_post_with_one_reading_in_one_script_is_read_with_a_warning(name: str) -> None:
    # Given a title and a line: too few non-ASCII bytes for the detector
    text, encoding = SHORT[name]
    data = text.encode(encoding)
    assert len([b for b in data if b >= 0x80]) < MIN_EVIDENCE_BYTES
    # When it is decoded, then it is what was written, and a warning says how it was told
    warnings: list[str] = []
    assert decode_text(data, warnings) == text
    assert any("non-ASCII bytes" in w for w in warnings), warnings


def test_short_chinese_read_as_big5_too_is_taken_as_gb18030_with_a_warning() -> None:
    warnings: list[str] = []
    text, encoding = SHORT["chinese"]
    assert decode_text(text.encode(encoding), warnings) == text
    assert any("decoded as GB18030" in w and "Big5" in w for w in warnings), warnings


@pytest.mark.parametrize(
    ("text", "encoding", "fragment"),
    [
        # a rare character (outside GB2312) in a few words: GBK or Big5, the bytes cannot tell
        (post_text("朱镕基", "祝贺"), "gbk", "too few to tell its encoding: they read as GB18030 or Big5"),
        # Shift_JIS with symbols no reading allows, too short for the detector
        (post_text("京都★", "こんにちは♪"), "cp932", "GB18030 only with rare characters"),
    ],
    ids=["gbk-or-big5", "shift-jis-with-symbols"],
)
def test_a_short_post_whose_encoding_cannot_be_told_is_rejected(text: str, encoding: str, fragment: str) -> None:
    with pytest.raises(PostRejected) as info:
        parse_post(text.encode(encoding), "posts/a.md")
    assert fragment in info.value.reason
    assert info.value.reason.endswith("save it as UTF-8")


def test_a_longer_post_the_rule_cannot_read_goes_to_the_detector() -> None:
    # Given GB18030 text with an emoji and Shift_JIS text with symbols (no reading in one script)
    chinese = CHINESE.replace("城市更新让", "城市更新😀让")
    japanese = JAPANESE.replace("京都へ", "京都★へ")
    # Then the detector reads them right
    assert decode_text(chinese.encode("gb18030"), []) == chinese
    assert decode_text(japanese.encode("cp932"), []) == japanese


def test_bytes_no_encoding_reads_as_text_are_rejected() -> None:
    rng = random.Random(7)
    for _ in range(20):
        noise = bytes(rng.choice(range(0x80, 0x100)) if rng.random() < 0.5 else rng.randrange(0x20, 0x7F)
                      for _ in range(600))  # fmt: skip
        with pytest.raises(PostRejected) as info:
            decode_text(b"---\ntitle: x\n---\n" + noise, [])
        assert "UTF-8" in info.value.reason


def test_utf8_posts_and_short_legacy_posts_never_import_the_detector() -> None:
    code = (
        "import sys\n"
        "from postdrop import parse_post\n"
        "from tests.unit.encoded_posts import CHINESE, SHORT\n"
        "parse_post(CHINESE.encode(), 'posts/a.md')\n"
        "parse_post(SHORT['german'][0].encode('latin-1'), 'posts/b.md')\n"
        "assert 'charset_normalizer' not in sys.modules, 'imported'\n"
        "parse_post(CHINESE.replace('让', '😀让').encode('gb18030'), 'posts/c.md')\n"
        "assert 'charset_normalizer' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


@pytest.mark.parametrize("name", ["german", "chinese", "japanese", "russian"])
@pytest.mark.parametrize("stray", [b"\xff", b"\xe9", b"\xe9\xe8"])
def test_utf8_with_a_stray_byte_is_rejected_not_read_as_a_legacy_encoding(name: str, stray: bytes) -> None:
    # Given a UTF-8 post with one or two bytes from another encoding pasted in
    data = LONG[name][0].encode()
    at = data.index(b"\n\n", len(data) // 2)
    damaged = data[:at] + stray + data[at:]
    # Then it is rejected, naming where, instead of every other letter becoming mojibake
    with pytest.raises(PostRejected) as info:
        decode_text(damaged, [])
    line = damaged.count(b"\n", 0, at) + 1
    assert info.value.reason.startswith(
        f"the file is UTF-8 but for {len(stray)} place(s) that are not, the first at byte {at} (line {line})"
    )


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("Add ½ cup, then 2³ more", "decoded as Windows-1252, the one reading"),  # numbers that are no digits
        ("Takes 5 µs, the 1º try", "decoded as Windows-1252, the one reading"),  # letters past the accented ones
        # punctuation alone reads the same in Windows-1251: named as the likelier, the other said
        ("It’s “quoted” – fine…", "decoded as Windows-1252 (Windows-1251 reads them the same), the one reading"),
    ],
)
def test_a_short_windows_1252_post_says_so_and_reads_as_written(line: str, said: str) -> None:
    # Given a short post a Windows editor saved in its ANSI code page
    warnings: list[str] = []
    # When it is decoded, then it reads as written and the warning names the code page it was in
    assert decode_text(post_text("Notes", line).encode("cp1252"), warnings) == post_text("Notes", line)
    assert any(said in w for w in warnings), warnings
