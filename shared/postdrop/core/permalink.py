"""A post's URL, as Jekyll 4 computes ``post.url``; absolute when the site's url is set.

The template is the post's ``permalink`` when its front matter has one, else the site's
(a style name: ``date``, Jekyll's default, ``pretty``, ``ordinal``, ``weekdate``, ``none``; or a
template of its own). Each ``:placeholder`` is replaced by the post's value, percent-encoded
as Jekyll's ``URL.escape_path`` does; the template's own text is kept as written. Then
Jekyll's clean-up: a leading ``/``, ``..`` read as ``/``, ``./`` removed, runs of ``/``
squeezed. The date parts are the post's date in the site's zone (Jekyll's ``timezone``;
postdrop's default zone), as Jekyll reads every date in its own zone.
"""

from __future__ import annotations

import contextlib
import itertools
import posixpath
import re
import unicodedata
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from postdrop.core.site import site_path_of

if TYPE_CHECKING:
    from datetime import datetime

    from postdrop.core.site import Site

__all__ = ["STYLES", "absolute_url", "escape_path", "normalize_url_path", "post_url", "site_root", "slugify"]

STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_MARKDOWN = frozenset({".md", ".markdown", ".mkd", ".mkdn", ".mkdown"})
_PLACEHOLDER = re.compile(r":([a-z_]+)")
_SLASHES = re.compile(r"/{2,}")
_PLAIN_PATH = re.compile(r"[a-zA-Z0-9./-]+")
# RFC 3986 path characters (unreserved, sub-delims, ":", "@", "/") and "?": what
# Addressable, under Jekyll's escape_path, leaves as written.
_PATH_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?")
_PRETTY_KEEP = frozenset("._~!$&'()+,;=@")
_ASCII_DEFAULT = re.compile(r"[^A-Za-z0-9]+")
_ASCII_PRETTY = re.compile(r"[^A-Za-z0-9._~!$&'()+,;=@]+")
_DATE_PARTS = {
    "year": "%Y", "month": "%m", "day": "%d", "hour": "%H", "minute": "%M", "second": "%S",
    "short_month": "%b", "long_month": "%B", "short_year": "%y", "w_year": "%G", "week": "%V",
    "w_day": "%u", "short_day": "%a", "long_day": "%A", "y_day": "%j", "i_day": "", "i_month": "",
}  # fmt: skip


@cache
def _keeps(ch: str, pretty: bool) -> bool:
    """Jekyll's slug characters: letters, marks and decimal digits (and, pretty, a few more)."""
    category = unicodedata.category(ch)
    return category[0] in "LM" or category == "Nd" or (pretty and ch in _PRETTY_KEEP)


def slugify(text: str, *, pretty: bool = False, cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify`` in its ``default`` and ``pretty`` modes: every run of other
    characters is one ``-``, none at either end; lower case unless ``cased``."""
    if text.isascii():
        slug = (_ASCII_PRETTY if pretty else _ASCII_DEFAULT).sub("-", text).strip("-")
        return slug if cased else slug.lower()
    out: list[str] = []
    for ch in text:
        if _keeps(ch, pretty):
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    slug = "".join(out).strip("-") if out else ""
    return slug if cased else slug.lower()


def escape_path(value: str) -> str:
    """Jekyll's ``URL.escape_path``: what a path may not hold, percent-encoded as UTF-8."""
    if not value or _PLAIN_PATH.fullmatch(value):
        return value
    return "".join(ch if ch in _PATH_SAFE else "".join(f"%{b:02X}" for b in ch.encode()) for ch in value)


def post_url(
    meta: dict[str, Any], key: str, *, slug: str, categories: list[str], date: datetime | None, site: Site
) -> str | None:
    """Jekyll's ``post.url`` for the post (relative to the site), or None when the template
    needs a date and the post has none (Jekyll reads no such file as a post).

    ``date`` is the post's date in the site's zone; ``slug`` the file name's (Jekyll's
    ``slug``: the front matter's when it has one)."""
    own = meta.get("permalink")
    own = own if isinstance(own, str) and own else None
    parts, needs_date = _template(own or STYLES.get(site.permalink, site.permalink))
    if needs_date and date is None:
        return None
    stem = posixpath.splitext(key.rpartition("/")[2])[0]
    values = _Placeholders(meta, key, stem=stem, slug=slug, categories=categories, own=own)
    out = []
    for text, name in parts:
        if name is None:
            out.append(text)
        else:
            value = _date_part(date, name) if date is not None and name in _DATE_PARTS else values[name]
            out.append(escape_path(value) + text)
    url = "/" + "".join(out)
    url = url.replace("..", "/").replace("./", "")
    return _SLASHES.sub("/", url)


@lru_cache(maxsize=64)  # a front matter's permalink is any text: a few are kept, not all
def _template(template: str) -> tuple[tuple[tuple[str, str | None], ...], bool]:
    """``template`` as its parts, each literal text (name None) or a placeholder's name and the
    text after it (the ``_`` Jekyll reads past), and whether it names a date part."""
    parts: list[tuple[str, str | None]] = []
    at, needs_date = 0, False
    for match in _PLACEHOLDER.finditer(template):
        name = match.group(1)
        for candidate in (name, name[:-1]) if name.endswith("_") else (name,):
            if candidate in _DATE_PARTS or candidate in _Placeholders.NAMES:
                parts.append((template[at : match.start()], None))
                parts.append((match.group(0)[1 + len(candidate) :], candidate))
                needs_date = needs_date or candidate in _DATE_PARTS
                at = match.end()
                break  # a name that is neither stops Jekyll's build; its text is kept
    parts.append((template[at:], None))
    return tuple(parts), needs_date


def absolute_url(path: str, site: Site) -> str:
    """``path`` under the site's baseurl, and its url when set (Jekyll's ``absolute_url``).

    Under either, the path is as Addressable's ``normalize`` writes it (see
    :func:`normalize_url_path`); with neither, it is ``post.url`` as written."""
    base = site.baseurl.strip("/")
    if not base and not site.url:
        return path
    relative = normalize_url_path(f"/{base}{path}" if base else path)
    return site_root(site.url) + relative if site.url else relative


# RFC 3986 classes as Addressable 2.8 writes them; a character outside is percent-encoded.
_UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
_PCHAR = frozenset(_UNRESERVED + "!$&'()*+,;=:@")
_FRAGMENT = _PCHAR | {"/", "?"}
_QUERY = frozenset(_UNRESERVED + "!$'()*+,=:@/?")  # no "&" (the pairs' separator) nor ";"
_URI_CHARS = frozenset(_UNRESERVED + ":/?#[]@!$&'()*+,;=")
_PERCENT = re.compile(rb"%[0-9A-Fa-f]{2}")
# Addressable's own NFKC (its pure-Ruby IDNA, as Jekyll's Addressable 2.8 reads a URL) is Unicode 3.2's
# but for what its tables lack, which it leaves as written and composes with nothing: what is
# outside the BMP or unassigned in Unicode 3.2, and what Unicode 3.2 added (U+03F4, U+2047, the
# circled numbers U+3251...; 21 combining marks among them). U+F951 maps to U+96FB, as before
# Unicode 3.2's corrigendum, and U+05D9 U+05B4 compose to U+FB1D (excluded since Unicode 3.2).
_ADDED_IN_3_2 = re.compile(
    "[\u03f4\u03f5\u0363-\u036f\u1714\u1734\u2047\u2057\u205f\u2071\u20e5-\u20ea\u213d-\u2140\u2145-\u2149"
    "\u2a0c\u2a74-\u2a76\u2adc\u309f\u30ff\u3251-\u325f\u32b1-\u32bf\ufa30-\ufa6a\ufdfc\uff5f\uff60]"
)
_RUBY_SPACE = " \t\n\v\f\r\0"  # Ruby's String#strip (NUL at the end only; the path starts with "/")


def normalize_url_path(url: str) -> str:
    """A site-relative URL (``/a/b/?q#f``) as Addressable's ``normalize`` writes it, in Jekyll's
    ``absolute_url`` and ``relative_url``: the path's white space at either end cut off (a
    permalink written as a folded YAML scalar ends in a line break; Jekyll's ``post.url`` keeps
    it, its feed and SEO tags do not), then each path segment, the query's ``&``-separated pairs
    and the fragment decoded, in Unicode NFKC and encoded again, in upper-case hex: what RFC 3986
    allows there as written, any other character as its UTF-8 bytes (``é`` is ``%C3%A9``, a
    space ``%20``, a stray ``%`` ``%25``). An empty query or fragment is dropped."""
    path, hashmark, fragment = url.partition("#")
    path, question, query = path.partition("?")
    if _PLAIN_PATH.fullmatch(path) and "/." not in path and not question and not hashmark:
        return path
    segments = [_normalize_component(segment, _PCHAR) for segment in path.strip(_RUBY_SPACE).split("/")]
    out = "/".join(_without_dot_segments(segments) if "." in segments or ".." in segments else segments) or "/"
    if question and (query := "&".join(_normalize_component(pair, _QUERY, keep=b"+") for pair in query.split("&"))):
        out += "?" + query
    if hashmark and (fragment := _normalize_component(fragment, _FRAGMENT)):
        out += "#" + fragment
    return out


def _without_dot_segments(segments: list[str]) -> list[str]:
    """RFC 3986's remove_dot_segments (Addressable's ``normalize_path``): ``.`` dropped, ``..`` with
    the segment before it; one at the end leaves the path ending in ``/``."""
    out = segments[:1]
    for at, segment in enumerate(segments[1:], 1):
        if segment == ".." and len(out) > 1:
            out.pop()
        if segment in (".", ".."):
            if at == len(segments) - 1:
                out.append("")
        else:
            out.append(segment)
    return out


def _lacks(ch: str) -> bool:
    return ch > "\uffff" or bool(_ADDED_IN_3_2.match(ch)) or unicodedata.ucd_3_2_0.category(ch) == "Cn"


def _nfkc(text: str) -> str:
    """NFKC as Addressable 2.8 computes it (see ``_ADDED_IN_3_2``): Unicode 3.2's compatibility
    decomposition in canonical order, then each character composed with the one before it alone,
    as Addressable does (a mark after a mark of lower class stays apart; nothing composes when the
    text begins with a combining mark)."""
    if text.isascii():
        return text
    text = text.replace("\uf951", "\u96fb")
    chars = "".join(
        run if lacked else unicodedata.ucd_3_2_0.normalize("NFKD", run)
        for lacked, group in itertools.groupby(text, _lacks)
        for run in ("".join(group),)
    )
    if not chars or (unicodedata.ucd_3_2_0.combining(chars[0]) and not _lacks(chars[0])):
        return chars
    out, starter = [], chars[0]
    for ch in chars[1:]:
        if composed := _compose_pair(starter, ch):
            starter = composed
        else:
            out.append(starter)
            starter = ch
    out.append(starter)
    return "".join(out)


@lru_cache(maxsize=1024)
def _compose_pair(first: str, second: str) -> str | None:
    """The primary composite of two characters (Unicode 3.2's, Hangul's included), if any."""
    if _lacks(first) or _lacks(second):
        return None
    if first + second == "\u05d9\u05b4":
        return "\ufb1d"
    composed = unicodedata.ucd_3_2_0.normalize("NFC", first + second)
    return composed if len(composed) == 1 else None


def _unencode(escape: bytes, keep: bytes) -> bytes:
    byte = int(escape[1:], 16).to_bytes()
    return escape if byte in keep else byte


def _normalize_component(text: str, safe: frozenset[str], *, keep: bytes = b"") -> str:
    """Addressable's ``normalize_component``: ``%XX`` decoded (but a kept byte's), NFKC, and
    encoded again; bytes that are not UTF-8 are encoded as Addressable's fallback does (what
    is not a URI character)."""
    if text.isascii() and "%" not in text and all(ch in safe for ch in text):
        return text
    raw = _PERCENT.sub(lambda m: _unencode(m[0], keep), text.encode(errors="surrogatepass"))
    try:
        decoded = _nfkc(raw.decode())
    except UnicodeDecodeError:
        return "".join(chr(b) if chr(b) in _URI_CHARS else f"%{b:02X}" for b in raw)
    out = []
    for at, ch in enumerate(decoded):
        if ch in safe:
            out.append(ch)
        elif ch == "%" and keep and decoded[at + 1 : at + 3].upper() == "2B":
            out.append("%")  # a kept %2B (a "+" in a query), its hex upper-cased below
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode()))
    result = "".join(out)
    return result.replace("%2b", "%2B") if keep else result


@lru_cache(maxsize=8)
def site_root(url: str) -> str:
    """The site's ``url`` as Jekyll's ``absolute_url`` writes it (Addressable's ``normalize``):
    scheme and host in lower case, the host's non-ASCII names in punycode, the scheme's own port
    dropped. A trailing ``/`` stays: Jekyll joins the url and the path as written, so
    ``https://me.github.io/`` gives ``https://me.github.io//about/``, in its feed too."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host, slash, path = rest.partition("/")
    userinfo, at, host = host.rpartition("@")
    name, colon, port = host.rpartition(":") if host.count(":") == 1 else (host, "", "")
    if (scheme.lower(), port) in (("http", "80"), ("https", "443")):
        colon = port = ""
    if not name.isascii():
        with contextlib.suppress(UnicodeError):
            name = name.encode("idna").decode("ascii")
    return f"{scheme.lower()}://{userinfo}{at}{name.lower()}{colon}{port}{slash}{path}"


def _date_part(date: datetime, name: str) -> str:
    match name:
        case "year":
            return f"{date.year:04d}"
        case "month":
            return f"{date.month:02d}"
        case "day":
            return f"{date.day:02d}"
        case "i_day":
            return str(date.day)
        case "i_month":
            return str(date.month)
        case _:
            return date.strftime(_DATE_PARTS[name])


class _Placeholders:
    """A post's URL placeholders other than its date parts (Jekyll's UrlDrop), each made when asked for."""

    NAMES = frozenset(
        {"title", "slug", "name", "path", "collection", "output_ext", "categories", "slugified_categories"}
    )

    def __init__(
        self, meta: dict[str, Any], key: str, *, stem: str, slug: str, categories: list[str], own: str | None
    ) -> None:
        written = meta.get("slug")
        self.slug = str(written) if written is not None else slug.rstrip(".")
        self.meta, self.key, self.stem, self.categories, self.own = meta, key, stem, categories, own

    def __getitem__(self, name: str) -> str:
        match name:
            case "title":
                return slugify(self.slug, pretty=True, cased=True)
            case "slug":
                return slugify(self.slug)
            case "name":
                return slugify(self.stem)
            case "path":
                # Jekyll's cleaned_relative_path: the path in the site without its extension, the
                # first "_posts" of its text cut out (its folders stay: blog/_posts/a.md is blog//a)
                path = posixpath.splitext(site_path_of(self.key))[0]
                return path.replace("_posts", "", 1).rstrip(".")
            case "collection":
                return "posts"
            case "output_ext":
                return self._output_ext()
            case "categories":
                return "/".join(dict.fromkeys(c.lower() for c in self.categories))
            case _:
                return "/".join(dict.fromkeys(slugify(c) for c in self.categories))

    def _output_ext(self) -> str:
        extension = posixpath.splitext(self.key)[1].lower()
        if self.own and not self.own.endswith("/"):
            own_ext = posixpath.splitext(self.own.rpartition("/")[2])[1]
            if own_ext:
                return own_ext
        return ".html" if extension in _MARKDOWN else extension
