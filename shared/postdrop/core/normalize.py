"""parse_post: one post file's bytes in, a NormalizedPost out (or PostRejected)."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

import orjson

from postdrop.core.anchors import TOC_MARK, anchored, has_contents, with_contents
from postdrop.core.body import read_body, render_markdown
from postdrop.core.byline import authors_of, updated_at_of
from postdrop.core.dates import DEFAULT_ZONE, date_from_filename, parse_date, zone
from postdrop.core.decode import decode_text, written_suffix
from postdrop.core.excerpt import jekyll_excerpt, separator_unseen
from postdrop.core.frontmatter import split_front_matter
from postdrop.core.headings import headings_and_origins, headings_of, listed_in_contents, shifted
from postdrop.core.image import image_of
from postdrop.core.keys import filename_of, post_id_of, slug_of
from postdrop.core.limits import check_head, check_nesting, within_caps
from postdrop.core.permalink import absolute_url, post_url
from postdrop.core.reading import lang_of, reading_of
from postdrop.core.sanitize import sanitize_html
from postdrop.core.site import Site, front_matter_in, kramdown_of, site_path_of
from postdrop.core.status import status_of
from postdrop.exceptions import PostRejected
from postdrop.model import NormalizedPost

__all__ = ["DEFAULT_ZONE", "content_hash_of", "front_matter_filters", "parse_post"]

EXCERPT_CHARS = 120
TITLE_CHARS = 60
MAX_EXTRA_VALUES = 10_000
_NAMED_KEYS = frozenset({"layout", "title", "date", "categories", "category", "tags", "tag"})
_HTML_SUFFIXES = (".html", ".htm")
# A <pre> the post writes in HTML itself (its code blocks then cannot all be told from the Markdown's)
_OWN_PRE = re.compile(r"<pre[\s>]", re.IGNORECASE)
# what the excerpt's page says of itself (Jekyll's excerpt drop): a whole-body excerpt naming it is rendered again
_EXCERPT_OWN = re.compile(r"page\.(?:id|path|relative_path|excerpt)\b")
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
# Fields a reader sees; ingestion metadata (key, post_id, warnings) stays out of the hash, and so
# does status, which the clock changes (a scheduled post becomes published with the same bytes).
_HASHED = ("schema_version", "slug", "title", "published_at", "layout", "categories", "tags", "summary",
           "sections", "text", "html", "source", "links", "images", "extra", "jekyll_excerpt", "url",
           "updated_at", "authors", "lang", "headings", "image", "word_count", "reading_minutes")  # fmt: skip


def parse_post(
    data: bytes,
    key: str,
    *,
    default_zone: str = DEFAULT_ZONE,
    site: Site | None = None,
    now: datetime | None = None,
) -> NormalizedPost:
    """Normalize one post file. Pure: no AWS, no I/O.

    ``key`` is the decoded object key; ``default_zone`` is the IANA zone of dates written
    without an offset (and the site's zone, which a URL's date parts are in); ``site`` is the
    site's settings (what the post's Liquid sees as ``site.*``, its permalink and excerpt
    separator, the front matter its ``defaults`` give the post; Jekyll's defaults when None);
    ``now`` is the time a post dated after it is ``scheduled`` at (default: the clock). Raises
    PostRejected, with a one-sentence reason, for input that cannot be a post.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"parse_post takes bytes, not {type(data).__name__}")
    warnings: list[str] = []
    post_id = post_id_of(key)
    if not key.isascii() and not unicodedata.is_normalized("NFC", key):
        warnings.append(
            "the object key is not in NFC (its accents are combining characters, as macOS wrote file names):"
            " the same name saved in NFC is another key, so another post"
        )
    if "//" in key:
        warnings.append(
            "the object key has an empty folder name ('//'): it names the same post as the key without it,"
            " whose file shows first when both are there"
        )
    text = decode_text(bytes(data), warnings)
    filename = filename_of(key)
    name_date = date_from_filename(filename, default_zone)  # Jekyll's YYYY-MM-DD- name, read once
    jekyll_name = name_date is not None
    front = split_front_matter(text, warnings, required=not jekyll_name)
    site = site or Site()
    meta = front_matter_in(site, key, front.data)

    slug = slug_of(key)
    published_at = _published_at(meta, name_date, default_zone, warnings)
    categories = _jekyll_list(meta, "categories", "category", warnings)
    tags = _jekyll_list(meta, "tags", "tag", warnings)
    date = datetime.fromisoformat(published_at) if published_at else None
    in_zone = date.astimezone(zone(default_zone)) if date is not None else None
    url = post_url(meta, key, slug=slug, categories=categories, date=in_zone, site=site)
    # page.*: Jekyll's fields over the front matter, but for its slug (data["slug"] ||= the file's)
    own_slug = meta.get("slug")
    page = {**meta, "slug": slug if own_slug is None or own_slug is False else own_slug, "path": site_path_of(key),
            "categories": categories, "tags": tags, "date": in_zone, "url": url or ""}  # fmt: skip
    # render_with_liquid: false (Jekyll 4): the body, and so its excerpt, is Markdown as written
    liquid = meta.get("render_with_liquid") is not False
    source = _liquid(front.body, page, site, warnings) if liquid else front.body
    is_html = key.lower().endswith(_HTML_SUFFIXES)
    html = source if is_html else render_markdown(source)
    check_nesting(html, source_lines=is_html)  # before lexbor and nh3, whose time grows with depth
    body = read_body(html, warnings, None if is_html else source)  # the Markdown: where a source line is an autolink
    paragraphs = [p for _heading, paras in body.sections for p in paras]
    lines = [line for heading, paras in body.sections for line in ([heading] if heading else []) + paras]
    plain = "\n".join(lines)
    if not plain:
        warnings.append("the article body has no text")

    section_heads = [h for h, _ in body.sections if h]
    fallbacks = [] if jekyll_name else [body.summary, *section_heads[:1], *paragraphs[:1]]
    title = _title(meta.get("title"), fallbacks, slug, warnings)
    kramdown = kramdown_of(site)
    auto_ids, prefix = kramdown.auto_ids, kramdown.auto_id_prefix
    # which headings kramdown made (not written in HTML): the levels its header_offset moves, and
    # those its {:toc} lists; the others keep theirs
    made = None
    if kramdown.header_offset or TOC_MARK in body.html:
        headings, made = headings_and_origins(body.html, source, markdown=not is_html, auto_ids=auto_ids, prefix=prefix)
    else:
        headings = headings_of(body.html, source, markdown=not is_html, auto_ids=auto_ids, prefix=prefix)
    shown = shifted(headings, made, kramdown.header_offset) if made is not None else headings
    own_pre = kramdown.line_numbers is not None and _OWN_PRE.search(front.body) is not None
    levels = None if shown is headings else [level for level, _text, _ident in shown]
    listed = listed_in_contents(headings, made)
    clean_html = sanitize_html(anchored(body.html, headings, kramdown, own_pre=own_pre, levels=levels, listed=listed))

    def render(part: str) -> str:  # an excerpt's source, rendered as the body is (its warnings are the body's)
        if part == front.body and not (liquid and _EXCERPT_OWN.search(part)):
            out, marks = html, listed  # the whole body is the excerpt: rendered already
        else:
            rendered = _liquid(part, page, site, [], excerpt=True) if liquid else part
            out, marks = (rendered if is_html else render_markdown(rendered)), None
        if has_contents(out, kramdown):  # Jekyll's excerpt shows its table of contents, line numbers
            if marks is None:
                found = headings_and_origins(out, rendered, markdown=not is_html, auto_ids=auto_ids, prefix=prefix)
                marks = listed_in_contents(*found)
            out = with_contents(out, marks, kramdown, own_pre=own_pre)
        return out

    written = written_suffix(bytes(data), text, front.body) if b"\r" in data else None  # CRLF, CR line ends
    if written is not None and (unseen := separator_unseen(meta, front.body, site.excerpt_separator, written)):
        warnings.append(unseen)
    words, minutes = reading_of(plain)
    image = image_of(meta, clean_html, warnings)
    fields: dict[str, Any] = {
        "post_id": post_id,
        "slug": slug,
        "key": key,
        "title": title,
        "published_at": published_at,
        "layout": None if meta.get("layout") is None else str(meta["layout"]),
        "categories": categories,
        "tags": tags,
        "summary": body.summary,
        "sections": [{"heading": h, "paragraphs": p} for h, p in body.sections],
        "text": plain,
        "char_count": len(plain) - plain.count("\n"),
        "excerpt": _excerpt(plain),
        "jekyll_excerpt": jekyll_excerpt(
            meta, front.body, site.excerpt_separator, render, written, fenced=front.fenced
        ),
        "url": None if url is None else absolute_url(url, site),
        "status": status_of(key, meta, date, now or datetime.now(UTC), **site.builds()),
        "updated_at": updated_at_of(meta, default_zone, warnings),
        "authors": authors_of(meta),
        "lang": lang_of(meta, plain),
        "headings": [{"level": level, "text": text, "id": ident} for level, text, ident in shown],
        "image": None if image is None else {"url": image[0], "alt": image[1]},
        "word_count": words,
        "reading_minutes": minutes,
        "html": clean_html,
        "source": {"name": body.source_name, "url": body.source_url},
        "links": [{"text": t, "href": h} for t, h in body.links],
        "images": body.images,
        "extra": _extra(meta),
        "warnings": warnings,
    }
    fields["content_hash"] = content_hash_of(fields)
    post = NormalizedPost.model_validate(fields)
    check_head(post)  # the head travels whole in every message: one past its caps could never be sent
    return post


def _liquid(source: str, page: dict[str, Any], site: Site, warnings: list[str], *, excerpt: bool = False) -> str:
    """``source`` with its Liquid rendered (the Liquid step loads on the first post that has Liquid);
    ``excerpt``: the excerpt's, whose ``page`` is Jekyll's excerpt drop."""
    if "{%" not in source and "{{" not in source:
        return source
    from postdrop.core.liquid import render_liquid  # noqa: PLC0415

    return render_liquid(source, page, site, warnings, excerpt=excerpt)


def front_matter_filters(data: bytes, key: str, site: Site | None = None) -> dict[str, list[str]]:
    """The categories and tags a file's front matter names, as parse_post reads them in ``site``
    (its defaults and folders too), within the head's caps; {} when it cannot be read. A rejected
    file's rejection is announced to the subscribers its post would have concerned."""
    warnings: list[str] = []
    try:
        text = decode_text(bytes(data), warnings)
        jekyll_name = date_from_filename(filename_of(key), DEFAULT_ZONE) is not None
        front = split_front_matter(text, warnings, required=not jekyll_name).data
        meta = front_matter_in(site or Site(), key, front)
        terms = {"categories": _jekyll_list(meta, "categories", "category", warnings),
                 "tags": _jekyll_list(meta, "tags", "tag", warnings)}  # fmt: skip
    except PostRejected:
        return {}
    return {name: within_caps(values) for name, values in terms.items() if values}


def content_hash_of(fields: dict[str, Any]) -> str:
    """sha256 over what a reader sees (the fields in _HASHED, as JSON data), in a canonical JSON form.

    The form is compact UTF-8 JSON with sorted keys, written by orjson. It is byte for byte
    what ``json.dumps(..., ensure_ascii=False, sort_keys=True, separators=(",", ":"))``
    writes for text, lists, integers and floats, except floats with a negative exponent
    (``1e-7``, where json writes ``1e-07``); hashes made before orjson still match.
    """
    payload = {name: fields.get(name) for name in _HASHED}
    payload["schema_version"] = "1"
    try:
        canonical = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # integers past 64 bits in front matter: only the stdlib writes them
        canonical = _stdlib_canonical(payload)
    return hashlib.sha256(canonical).hexdigest()


def _stdlib_canonical(payload: dict[str, Any]) -> bytes:
    import json  # noqa: PLC0415 - only front matter with integers past 64 bits comes here

    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _title(raw: Any, fallbacks: list[str | None], slug: str, warnings: list[str]) -> str:
    """The front matter's title, as written; else the first sentence of the first of ``fallbacks`` with
    text (the producer's undated files); else Jekyll's title from the slug ("codeblocks-ahoy"
    is "Codeblocks Ahoy", its trailing dots dropped), which is what Jekyll gives every dated post
    file without one."""
    if isinstance(raw, list):  # Liquid prints a list as its items joined, nested lists too: Jekyll's page.title
        raw = "".join(map(str, _flat(raw)))
        warnings.append(f"title is a YAML list, not text; read as Jekyll prints it: {raw!r}")
    elif isinstance(raw, dict):
        warnings.append("title is a YAML mapping, not text; taken as no title")
        raw = None
    # as written: Jekyll's post.title keeps a double space, a no-break space, a tab, a line end
    # (a folded ``>`` scalar's last one too); a title of white space alone is none (below)
    title = "" if raw is None else str(raw)
    if title.strip():
        return title
    for candidate in fallbacks:
        if candidate and candidate.strip():
            first = _SENTENCE.match(candidate.strip())
            derived = (first.group(0) if first else candidate).strip()
            if len(derived) > TITLE_CHARS:
                derived = derived[: TITLE_CHARS - 1].rstrip() + "…"
            warnings.append(f"title is missing or empty; derived {derived!r} from the body")
            return derived
    # Jekyll's titleize_slug: Ruby's split("-") keeps the empty words between two dashes and before
    # a first one (their spaces stay: "-a--b" is " A  B") and drops those after the last word
    derived = " ".join(word.capitalize() for word in slug.rstrip(".").rstrip("-").split("-"))
    if not derived:
        raise PostRejected("title is missing or empty, and neither the body nor the file name gives one")
    warnings.append(f"title is missing or empty; took {derived!r} from the file name, as Jekyll does")
    return derived


def _published_at(meta: dict[str, Any], from_name: datetime | None, zone: str, warnings: list[str]) -> str | None:
    """The front matter's date, else ``from_name`` (the file name's), as ISO 8601 with its offset,
    in whole seconds as Jekyll's ``post.date`` (``14:15:00.001``, a Blogger import's, is 14:15:00).
    A post that writes no date takes its file name's without a warning: that is Jekyll's rule
    (the front matter's ``date`` only overrides it), and most blogs' posts write none."""
    raw = meta.get("date")
    if raw is not None and str(raw).strip():
        parsed = parse_date(raw if isinstance(raw, str) else str(raw), zone)  # a YamlTime stays one
        if parsed is not None:  # whole seconds: Jekyll's post.date is its date read back from Time#to_s
            return parsed.replace(microsecond=0).isoformat()
        problem = f"date {str(raw).strip()!r} holds no usable date"
    elif from_name is not None:
        return from_name.isoformat()
    else:
        problem = "front matter has no date"
    if from_name is not None:
        warnings.append(f"{problem}; took {from_name.date().isoformat()} from the file name")
        return from_name.isoformat()
    warnings.append(f"{problem} and the file name has none; published_at is null")
    return None


# Ruby's String#split splits on ASCII white space alone: "日本　中国" (an ideographic space) is one tag
_RUBY_BLANKS = re.compile(r"[ \t\n\v\f\r]+")


def _jekyll_list(meta: dict[str, Any], plural: str, singular: str, warnings: list[str]) -> list[str]:
    """Jekyll's rule: a string is split on white space; a list is kept, but for its nulls; the
    singular key adds one. Categories are each kept once; tags as listed, a tag listed twice
    twice (Jekyll's populate_tags keeps them all), and an empty one too (``tags: ['']``). Each
    is its text as written: ``'a  b'`` keeps both spaces (the key Jekyll's site.tags files it
    under, and its url's ``:categories``)."""
    values: list[str] = []
    for name in (plural, singular):
        raw = meta.get(name)
        if raw is None or (raw is False and name == singular):  # Ruby's ||=: a false tag leaves tags to be read
            continue
        if isinstance(raw, str):
            items: list[Any] = [word for word in _RUBY_BLANKS.split(raw) if word] if name == plural else [raw]
        elif isinstance(raw, list):
            items = _flat(raw) if plural == "tags" else raw
        elif name == "tags" and isinstance(raw, dict):  # Jekyll reads tags as text or a list alone
            warnings.append("tags: a mapping is neither text nor a list; no tags, as Jekyll reads it")
            continue
        else:
            items = [raw]
            if isinstance(raw, dict):
                warnings.append(f"{name}: a mapping is not a list; kept its text")
        for item in items:
            if item is None:
                continue
            text = ("true" if item else "false") if isinstance(item, bool) else str(item)
            if plural == "tags" or text not in values:
                values.append(text)
    return values


def _flat(items: list[Any]) -> list[Any]:
    """The items, a list among them opened in its place: Jekyll flattens the tags (``tags: [[a, b], c]``
    is a, b, c, as a YAML list item written ``- [a, b]`` gives). Front matter that refers to itself
    was rejected when it was read."""
    if not any(isinstance(item, list) for item in items):
        return items
    flat: list[Any] = []
    stack = [iter(items)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            flat.append(item)
        else:
            stack.pop()
    return flat


def _excerpt(text: str) -> str:
    """The first EXCERPT_CHARS characters of the text, white space folded. Only as much of the
    start is folded as it takes: folding never makes a text longer."""
    size = 4 * EXCERPT_CHARS
    while True:
        head = text[:size]
        flat = " ".join(head.split())
        if len(flat) > EXCERPT_CHARS:
            return flat[: EXCERPT_CHARS - 1].rstrip() + "…"
        if len(head) == len(text):
            return flat
        size *= 4


def _extra(meta: dict[str, Any]) -> dict[str, Any]:
    budget = [MAX_EXTRA_VALUES]
    return {k: _jsonable(v, budget) for k, v in meta.items() if k not in _NAMED_KEYS}


def _jsonable(value: Any, budget: list[int]) -> Any:
    """Front-matter values as JSON can carry them (YAML also has sets, bytes, odd floats).

    YAML aliases can make a small block expand into an enormous tree ("billion laughs"):
    copying stops, and the file is rejected, past MAX_EXTRA_VALUES values.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise PostRejected(f"front matter holds more than {MAX_EXTRA_VALUES} values (YAML aliases expanding?)")
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v, budget) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v, budget) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
