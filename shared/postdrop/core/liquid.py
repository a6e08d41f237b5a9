"""The Liquid step: a post's body rendered as Jekyll renders it, before Markdown.

Jekyll runs Liquid over every post, then kramdown over the result. postdrop does the same,
one post at a time with no site around it, on python-liquid (a Shopify/Jekyll-compatible
Liquid that never reaches Python attributes, and bounds loops and output):

- ``page.*`` is the post's front matter with Jekyll's own fields (title, date, slug, url,
  categories, tags, and content: the body as written, before Liquid); ``site.*`` is the
  settings' ``url``, ``baseurl`` and ``title``.
- Jekyll's tags as Jekyll means them: ``raw``; ``highlight LANG`` (a code block in that
  language; with ``linenos``, marked for rouge's line-number table, core/anchors.py);
  ``post_url`` and ``link`` (the URL Jekyll's default permalink gives the target); ``include``
  and ``include_relative`` render nothing, with a warning (a post has no includes).
- Jekyll's common filters (``relative_url``, ``absolute_url``, ``date_to_string``,
  ``xml_escape``, ``slugify``, ``markdownify``, ``jsonify``, ...), beside Liquid's own.
- What a single post cannot know (``site.posts``, ``site.data``, ...) is empty, with a warning.
- An unknown tag or any Liquid error never rejects the post and never leaks syntax: the
  broken part renders nothing and a warning names it and its line. Liquid's own limits
  (loop iterations, output size, the variables' size, nesting) reject a post that would run
  away, and a loop over a range longer than the loop limit is rejected before it starts.

python-liquid costs ~300 ms to import, and this module some milliseconds, so both load on the
first post that has ``{%`` or ``{{`` in its body (normalize.py imports this module there); a
post without them never pays for either.
"""

from __future__ import annotations

import contextlib
import contextvars
import html
import json
import math
import posixpath
import re
import sys
import unicodedata
import urllib.parse
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache, wraps
from typing import TYPE_CHECKING, Any

from postdrop.core.anchors import LINENOS_MARK, with_heading_ids
from postdrop.core.dates import YamlTime, date_from_filename, parse_date, written_offset
from postdrop.core.headings import headings_and_origins, headings_of, shifted
from postdrop.core.permalink import normalize_url_path, site_root, slugify
from postdrop.core.site import Site, kramdown_of
from postdrop.exceptions import PostRejected

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "MAX_LIQUID_CHARS",
    "MAX_LIQUID_MARKUP",
    "MAX_LIQUID_TAG_CHARS",
    "MAX_LOOP_ITERATIONS",
    "MAX_OUTPUT_CHARS",
    "Site",  # from postdrop.core.site, where it lives
    "has_liquid",
    "post_url_of",
    "render_liquid",
]

MAX_LOOP_ITERATIONS = 100_000
# python-liquid takes some 35 µs a tag or output; no post of an ordinary blog has 1,000.
MAX_LIQUID_MARKUP = 10_000
# ... and of their characters, one (the longest in 531 files of 73 blogs: 252) and all (7,149)
MAX_LIQUID_TAG_CHARS = 10_000
MAX_LIQUID_CHARS = 200_000
MAX_LIQUID_WARNINGS = 20  # then one line says how many more
MAX_OUTPUT_CHARS = 20 * 1024 * 1024
# What a post's variables may hold at once (python-liquid's measure: sys.getsizeof of each), so
# that `{% assign s = s | append: s %}` in a loop is rejected before it takes the function's memory.
MAX_LOCALS_BYTES = 8 * 1024 * 1024
# An item of a list counted as this many characters of output: a split into 20 MB / 20 = a
# million strings is about 60 MB of Python objects.
_SPLIT_ITEM_CHARS = 20
# site.* that a site has and one post cannot: empty, with a warning when a post reads them.
SITE_COLLECTIONS = ("posts", "pages", "data", "categories", "tags", "collections", "documents", "static_files")
_JEKYLL_NAME = re.compile(r"^(?:.*/)?(\d{2,4}-\d{1,2}-\d{1,2}-([^/]+?))(?:\.[^./]+)?$")
_OPENER = re.compile(r"\{\{|\{%")
_HIGHLIGHT = re.compile(r"\s*([a-zA-Z0-9.+#_-]+)")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # Addressable's absolute?: a scheme, then ":"
# Jekyll's highlight markup, whole: the language, then options (name, name=value, name="1 2");
# ``linenos`` among them, with any value, is rouge's table
_HIGHLIGHT_SYNTAX = re.compile(r'[a-zA-Z0-9.+#_-]+((?:\s+\w+(?:=(?:\w+|"(?:[0-9]+\s)*[0-9]+"))?)*)', re.ASCII)
_HIGHLIGHT_OPTION = re.compile(r'(?:\w="[^"]*"|\w=\w|\w)+', re.ASCII)


@dataclass(slots=True)
class _Run:
    """The post being rendered: its site, the warnings its Liquid gives, and the zone its date
    shows in (the site's: Jekyll runs with TZ set to it)."""

    site: Site
    warnings: list[str]
    zone: tzinfo = UTC


_run: contextvars.ContextVar[_Run] = contextvars.ContextVar("postdrop_liquid_run")


def _site() -> Site:
    run = _run.get(None)
    return run.site if run is not None else Site()


def has_liquid(text: str) -> bool:
    return "{%" in text or "{{" in text


def post_url_of(name: str, baseurl: str = "") -> str | None:
    """The URL Jekyll's default permalink (``/:year/:month/:day/:title.html``) gives the post
    file ``name`` (``2019-12-24-categories-and-tags`` or with its extension); None when the
    name is not a dated post name. The target's categories are not known here, so they are
    not in the URL (Jekyll puts them in front)."""
    match = _JEKYLL_NAME.match(name.strip())
    date = date_from_filename(match[1], "UTC") if match else None
    if match is None or date is None:
        return None
    return f"{baseurl.rstrip('/')}/{date.year:04d}/{date:%m/%d}/{match[2]}.html"


def render_liquid(
    body: str, page: dict[str, Any], site: Site | None, warnings: list[str], *, excerpt: bool = False
) -> str:
    """``body`` with its Liquid rendered; ``body`` itself when it has none. ``site`` None: an
    empty one. ``excerpt``: ``body`` is the post's excerpt, whose ``page`` is Jekyll's excerpt
    drop: its ``id`` ends ``#excerpt``, its ``path`` and ``relative_path`` ``/#excerpt``, and it
    has no ``excerpt``."""
    if not has_liquid(body):
        return body
    markup = body.count("{%") + body.count("{{")
    if markup > MAX_LIQUID_MARKUP:
        raise PostRejected(
            f"the body has {markup:,} Liquid tags and outputs, more than the {MAX_LIQUID_MARKUP:,} postdrop reads"
        )
    unclosed = _unclosed(body)
    if unclosed is None:
        _check_markup_size(body)
    if unclosed:
        warnings.append(f"Liquid: {unclosed}; removed the Liquid markup and kept the text")
        return _strip_markup(body)
    env = _environment()
    from liquid.exceptions import LiquidError, ResourceLimitError  # noqa: PLC0415 - loaded by _environment

    site = site or Site()
    found: list[str] = []
    date = page.get("date")
    zone = date.tzinfo if isinstance(date, datetime) and date.tzinfo is not None else UTC
    token = _run.set(_Run(site, found, zone))
    try:
        try:
            template = env.from_string(body)
            out = template.render(
                page=_page_data(page, site, body, excerpt=excerpt),
                site=_SiteData(site),
                jekyll={"environment": "production"},
            )
        except ResourceLimitError as exc:
            raise PostRejected(f"Liquid in the body runs past postdrop's limits ({_first_line(exc)})") from None
        except LiquidError as exc:  # the lexer cannot split the body into tags at all
            found.append(f"Liquid: {_first_line(exc)}; removed the Liquid markup and kept the text")
            out = _strip_markup(body)
    finally:
        _run.reset(token)
    distinct = list(dict.fromkeys(found))
    warnings.extend(distinct[:MAX_LIQUID_WARNINGS])
    if len(distinct) > MAX_LIQUID_WARNINGS:
        warnings.append(f"Liquid: {len(distinct) - MAX_LIQUID_WARNINGS} more problems like these")
    return str(out)


def _check_markup_size(body: str) -> None:
    """Raise PostRejected when one tag or output, or all of them, are past what postdrop reads:
    python-liquid takes some 200 bytes of memory a character of markup (a 5 MB string literal
    in one output took 1.1 GB; one ``{% liquid %}`` tag of 200,000 lines 770 MB and 14 s)."""
    total, at = 0, 0
    while (found := _OPENER.search(body, at)) is not None:
        end = body.find("}}" if found.group() == "{{" else "%}", found.end())
        if end < 0:
            return  # the rest is text to python-liquid
        size, at = end + 2 - found.start(), end + 2
        total += size
        if size > MAX_LIQUID_TAG_CHARS:
            line = body.count("\n", 0, found.start()) + 1
            raise PostRejected(
                f"the Liquid {'output' if found.group() == '{{' else 'tag'} at body line {line} is {size:,}"
                f" characters long; postdrop reads at most {MAX_LIQUID_TAG_CHARS:,}"
            )
    if total > MAX_LIQUID_CHARS:
        raise PostRejected(
            f"the body's Liquid tags and outputs are {total:,} characters long in all; postdrop reads at most"
            f" {MAX_LIQUID_CHARS:,}"
        )


def _unclosed(body: str) -> str | None:
    """What python-liquid's lexer would search for to the end of the body, again from each
    opener (time quadratic in their number): an output, tag or raw block never closed. The
    last opener of each kind decides: when it is closed, so is every one before it."""
    for opener, closer, what in (("{{", "}}", "an output '{{'"), ("{%", "%}", "a tag '{%'")):
        last = body.rfind(opener)
        if last >= 0 and body.find(closer, last + 2) < 0:
            return f"{what} at body line {body.count(chr(10), 0, last) + 1} is never closed"
    raws = list(_RAW_OPEN.finditer(body)) if "raw" in body else []
    if raws and _RAW_CLOSE.search(body, raws[-1].end()) is None:
        return f"a '{{% raw %}}' at body line {body.count(chr(10), 0, raws[-1].start()) + 1} is never closed"
    return None


def _first_line(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return str(message).split("\n", 1)[0]


_RAW_OPEN = re.compile(r"{%-?\s*raw\s*-?%}")
_RAW_CLOSE = re.compile(r"{%-?\s*endraw\s*-?%}")
_MARKUP = re.compile(r"{%.{0,2000}?%}|{{.{0,2000}?}}|{%[^\n]*|{{[^\n]*", re.DOTALL)


def _strip_markup(body: str) -> str:
    return _MARKUP.sub("", body)


def _note(message: str) -> None:
    run = _run.get(None)
    if run is not None:
        run.warnings.append(message)


def _line_of(token: Any) -> str:
    source, index = getattr(token, "source", None), getattr(token, "start_index", -1)
    if not isinstance(source, str) or index < 0:
        return ""
    return f" (body line {bisect_right(_newlines(source), index) + 1})"


@lru_cache(maxsize=1)
def _newlines(source: str) -> list[int]:
    """Where the body's lines end: found once, so a body of many errors names each line in log time."""
    return [m.start() for m in re.finditer("\n", source)]


class _SiteData(dict[str, Any]):
    """site.*: the settings, plus empty collections that say so when read."""

    def __init__(self, site: Site) -> None:
        super().__init__(site.variables)  # the site's other settings (site.author, site.images): its own win
        self.update(url=site.url, baseurl=site.baseurl, title=site.title, time=datetime.now(UTC))
        self.update({name: {} if name == "data" else [] for name in SITE_COLLECTIONS})

    def __getitem__(self, key: str) -> Any:
        if key in SITE_COLLECTIONS:
            _note(f"Liquid: site.{key} is empty (one post has no site around it)")
        return super().__getitem__(key)


class _RubyTime(datetime):
    """A date as Liquid shows it in Jekyll: Ruby's Time#to_s, ``2008-11-21 00:00:00 +0000``."""

    @classmethod
    def of(cls, date: datetime) -> _RubyTime:
        return cls.fromtimestamp(date.timestamp(), date.tzinfo)

    def __str__(self) -> str:
        return self.strftime("%Y-%m-%d %H:%M:%S %z")


class _RubyUtcTime(_RubyTime):
    """A time YAML wrote in UTC (``...Z``): Ruby's Time#to_s names the zone, ``... 03:04:05 UTC``."""

    def __str__(self) -> str:
        return self.strftime("%Y-%m-%d %H:%M:%S UTC")


def _shown_time(value: YamlTime, local: tzinfo) -> Any:
    """A plain YAML timestamp as Jekyll's page shows it: the Time its YAML loader made, at the
    offset written (``Z``: in UTC), and one without an offset, which it reads as UTC, in the
    site's zone."""
    offset = written_offset(value)
    instant = parse_date(value if offset else YamlTime(f"{value.strip()} Z"), "UTC")
    if instant is None:
        return value
    if offset == "Z":
        return _RubyUtcTime.of(instant)
    return _RubyTime.of(instant if offset else instant.astimezone(local))


def _page_id(url: str, slug: Any) -> str:
    """Jekyll's Document#id: the folder of the post's URL, then its slug (``/2015/03/01/a``)."""
    folder = posixpath.dirname(url.rstrip("/")) or "/"
    return posixpath.join(folder, str(slug))


def _page_data(page: dict[str, Any], site: Site, body: str, *, excerpt: bool = False) -> dict[str, Any]:
    """``page.*``: the front matter, Jekyll's fields, and (as Jekyll gives a post rendering
    itself) ``content``, the body as written."""
    data = dict(page)
    data.setdefault("content", body)
    date = data.get("date")
    local = date.tzinfo if isinstance(date, datetime) and date.tzinfo is not None else UTC
    for name, value in page.items():
        if isinstance(value, YamlTime):
            data[name] = _shown_time(value, local)
    if isinstance(date, datetime):  # Jekyll reads the date back from its to_s: no fraction of a second
        data["date"] = _RubyTime.of(date.replace(microsecond=0))
    if "url" not in page:  # Jekyll's post.url, without the baseurl (parse_post gives it from the permalink)
        data["url"] = post_url_of(str(data.get("path", ""))) or ""
    name = posixpath.basename(str(data.get("path", "")))  # the file's: Jekyll's own fields
    data.update(relative_path=str(data.get("path", "")), collection="posts")
    data.setdefault("name", name)
    data.setdefault("ext", posixpath.splitext(name)[1])
    data.setdefault("draft", False)
    if data["url"] and data.get("slug") is not None:  # Jekyll's own id, whatever the front matter says
        data["id"] = _page_id(str(data["url"]), data["slug"])
    if excerpt:  # Jekyll's Excerpt: its own id and path, no excerpt of its own
        if "id" in data:
            data["id"] = f"{data['id']}#excerpt"
        data["path"] = data["relative_path"] = posixpath.join(str(data.get("path", "")), "#excerpt")
        data["excerpt"] = None
    return data


# --- the environment: built on first use, then shared by every post ------------------------


@cache
def _environment() -> Any:
    import liquid  # noqa: PLC0415 - ~300 ms; only a post with Liquid in it gets here
    from liquid.ast import Node  # noqa: PLC0415
    from liquid.builtin.expressions import LoopExpression  # noqa: PLC0415
    from liquid.builtin.output import Output, OutputNode  # noqa: PLC0415
    from liquid.builtin.tags.for_tag import ForTag  # noqa: PLC0415
    from liquid.builtin.tags.tablerow_tag import TablerowTag  # noqa: PLC0415
    from liquid.context import RenderContext  # noqa: PLC0415
    from liquid.exceptions import (  # noqa: PLC0415
        FilterValueError,
        LiquidError,
        LoopIterationLimitError,
        OutputStreamLimitError,
        ResourceLimitError,
    )
    from liquid.tag import Tag  # noqa: PLC0415
    from liquid.template import BoundTemplate  # noqa: PLC0415
    from liquid.token import TOKEN_EXPRESSION, TOKEN_ILLEGAL, TOKEN_OUTPUT, TOKEN_TAG  # noqa: PLC0415

    class Context(RenderContext):
        """python-liquid's measure of the variables (sys.getsizeof of each), kept as they are
        assigned: its own sums all of them at each assign, which 3,000 variables and a loop of
        100,000 assigns made 280 s of CPU."""

        __slots__ = ("_sizes", "_total")

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._sizes: dict[str, int] = {}
            self._total = 0

        def assign(self, key: str, val: Any) -> None:
            size = sys.getsizeof(val, 1)
            self._total += size - self._sizes.get(key, 0)
            self._sizes[key] = size
            super().assign(key, val)

        def get_size_of_locals(self) -> int:
            return self._total + self.local_namespace_size_carry

    class Guarded(Node):
        """A node of the post whose Python errors are Liquid errors: python-liquid lets some out
        as they are (a date before year 1, ``limit: -5``, ``cols: nil``), which failed the
        post on every attempt; as a Liquid error the node renders nothing, with a warning."""

        __slots__ = ("node",)

        def __init__(self, node: Any) -> None:
            super().__init__(node.token)
            self.node = node

        def render_to_output(self, context: Any, buffer: Any) -> int:
            try:
                return int(self.node.render(context, buffer) or 0)
            except PostRejected:  # a ValueError too: the file's own limits (its CPU, markdownify's reader)
                raise
            except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
                raise FilterValueError(str(exc) or type(exc).__name__, token=self.token) from None

    class Template(BoundTemplate):
        context_class = Context

        def __init__(self, env: Any, nodes: list[Any], *args: Any, **kwargs: Any) -> None:
            super().__init__(env, [Guarded(node) for node in nodes], *args, **kwargs)

    class Environment(liquid.Environment):
        """Jekyll's Liquid: lax about unknown filters; every error a warning of the post."""

        template_class = Template
        loop_iteration_limit = MAX_LOOP_ITERATIONS
        output_stream_limit = MAX_OUTPUT_CHARS
        local_namespace_limit = MAX_LOCALS_BYTES
        context_depth_limit = 30

        def error(self, exc: Any, msg: str | None = None, token: Any = None) -> None:
            if not isinstance(exc, LiquidError):
                exc = exc(msg, token=token)
            if isinstance(exc, ResourceLimitError):
                raise exc
            _note(f"Liquid: {exc.message}{_line_of(exc.token or token)}; it renders nothing")

    def markup_of(stream: Any) -> str:
        """The text of an inline tag after its name (Jekyll's tags read it themselves); the
        stream is left on the tag's last token, as the parser expects."""
        if stream.peek.kind != TOKEN_EXPRESSION:
            return ""
        next(stream)
        return str(stream.current.value)

    class NoteNode(Node):
        __slots__ = ("message",)

        def __init__(self, token: Any, message: str) -> None:
            super().__init__(token)
            self.message = message

        def render_to_output(self, context: Any, buffer: Any) -> int:
            _note(self.message)
            return 0

    class UrlNode(Node):
        """post_url / link: the target's URL, with the site's baseurl in front."""

        __slots__ = ("kind", "target")

        def __init__(self, token: Any, kind: str, target: str) -> None:
            super().__init__(token)
            self.kind, self.target = kind, target

        def render_to_output(self, context: Any, buffer: Any) -> int:
            base = _site().baseurl
            url = _link_url(self.target, base) if self.kind == "link" else post_url_of(self.target, base)
            if url is None:
                _note(
                    f"Liquid: {{% {self.kind} {self.target} %}} names no post{_line_of(self.token)}; it renders nothing"
                )
                return 0
            buffer.write(url)
            return len(url)

    class PostUrlTag(Tag):
        name = "post_url"
        block = False

        def parse(self, stream: Any) -> Node:
            token = stream.expect(TOKEN_TAG)
            return UrlNode(token, self.name, markup_of(stream).strip())

    class LinkTag(PostUrlTag):
        name = "link"

    class IncludeTag(Tag):
        name = "include"
        block = False

        def parse(self, stream: Any) -> Node:
            token = stream.expect(TOKEN_TAG)
            target = (markup_of(stream).split(None, 1) or [""])[0]
            what = f"{{% {self.name} {target} %}}".replace("  ", " ")
            return NoteNode(token, f"Liquid: {what} dropped: postdrop has no includes{_line_of(token)}")

    class IncludeRelativeTag(IncludeTag):
        name = "include_relative"

    class UnknownTag(Tag):
        """Any tag Jekyll's plugins may add (gist, ...): renders nothing, with a warning."""

        name = TOKEN_ILLEGAL
        block = False

        def parse(self, stream: Any) -> Node:
            token = stream.expect(TOKEN_TAG)
            markup_of(stream)
            return NoteNode(token, f"Liquid: unknown tag '{token.value}'{_line_of(token)}; it renders nothing")

    class HighlightNode(Node):
        __slots__ = ("block", "language", "linenos")

        def __init__(self, token: Any, language: str, block: Any, *, linenos: bool) -> None:
            super().__init__(token)
            self.language, self.block, self.linenos = language, block, linenos

        def render_to_output(self, context: Any, buffer: Any) -> int:
            inner = context.get_buffer(buffer)
            self.block.render(context, inner)
            code = inner.getvalue().strip("\r\n")
            out = _code_block(code, self.language, linenos=self.linenos)
            buffer.write(out)
            return len(out)

    class HighlightTag(Tag):
        name = "highlight"
        end = "endhighlight"

        def parse(self, stream: Any) -> Node:
            from liquid.parser import get_parser  # noqa: PLC0415

            token = stream.eat(TOKEN_TAG)
            markup = ""
            if stream.current.kind == TOKEN_EXPRESSION:
                markup = str(next(stream).value)
            match = _HIGHLIGHT.match(markup)
            language = match.group(1).lower() if match else ""
            block = get_parser(self.env).parse_block(stream, frozenset(("endhighlight", "end of expression")))
            stream.expect(TOKEN_TAG, value="endhighlight")
            return HighlightNode(token, language, block, linenos=_has_linenos(markup))

    class RubyOutputNode(OutputNode):
        """``{{ x }}`` as Ruby's Liquid writes it: a hash as Ruby shows one (``{"k"=>"v"}``), an
        array joined flat, nil in it as nothing (python-liquid writes Python's repr)."""

        __slots__ = ()

        def render_to_output(self, context: Any, buffer: Any) -> int:
            return int(buffer.write(_ruby_to_s(self.expression.evaluate(context))))

    class RubyOutput(Output):
        def parse(self, stream: Any) -> Any:
            node = super().parse(stream)
            node.__class__ = RubyOutputNode  # the same slots: the parsed output, written as Ruby does
            return node

    class BoundedLoop(LoopExpression):
        """A loop over a range longer than the loop limit is past it before it starts: python-liquid
        would walk an ``offset:`` into it in C (a signal cannot stop that) or list it whole for
        ``reversed``, and Jekyll's Ruby walks it too."""

        __slots__ = ()

        def _to_iter(self, obj: object, context: Any) -> tuple[Any, int]:
            if isinstance(obj, range) and obj.stop - obj.start > MAX_LOOP_ITERATIONS:  # a step of 1
                raise LoopIterationLimitError("loop iteration limit reached", token=None)
            return super()._to_iter(obj, context)

    def bounded(tag: type[Any]) -> type[Any]:
        class Bounded(tag):  # type: ignore[misc]
            def parse(self, stream: Any) -> Any:
                node = super().parse(stream)
                node.expression.__class__ = BoundedLoop  # the same slots: the parsed loop, bounded
                return node

        return Bounded

    env = Environment(tolerance=liquid.Mode.WARN, strict_filters=False)
    for tag in (PostUrlTag, LinkTag, IncludeTag, IncludeRelativeTag, HighlightTag, bounded(ForTag),
                bounded(TablerowTag)):  # fmt: skip
        env.add_tag(tag)
    env.tags[TOKEN_ILLEGAL] = UnknownTag(env)
    env.tags[TOKEN_OUTPUT] = RubyOutput(env)
    for name, func in _filters().items():
        env.add_filter(name, func)
    env.add_filter("date", _epoch_seconds(env.filters["date"]))
    env.add_filter("split", _without_trailing_empties(env.filters["split"]))
    for name in _MATH_FILTERS:
        env.add_filter(name, _ruby_numbers(env.filters[name]))
    env.add_filter("round", _ruby_round(env.filters["round"]))
    for name, func in list(env.filters.items()):
        env.filters[name] = _bounded(name, func, OutputStreamLimitError)
    return env


def _bounded(name: str, func: Callable[..., Any], error: Callable[..., Exception]) -> Callable[..., Any]:
    """``func``, refusing a value past the output limit: before it is made, for the filters
    whose result can be many times their input (``join``'s separator between a million items,
    ``replace``'s replacement at each of a million places, ``split`` into a million strings),
    and after, for the rest (a chain of a thousand ``append: s``)."""

    @wraps(func)
    def bounded(value: Any, *args: Any, **kwargs: Any) -> Any:
        if _growth(name, value, args) > MAX_OUTPUT_CHARS:
            raise error(f"'{name}' would make a value past {MAX_OUTPUT_CHARS:,} characters", token=None)
        result = func(value, *args, **kwargs)
        if isinstance(result, str | list) and len(result) > MAX_OUTPUT_CHARS:
            raise error(f"'{name}' made a value past {MAX_OUTPUT_CHARS:,} characters", token=None)
        return result

    return bounded


def _growth(name: str, value: Any, args: tuple[Any, ...]) -> int:
    """At least how large filter ``name``'s result would be, in characters (a list's items as
    ``_SPLIT_ITEM_CHARS`` each), where that can be many times ``value``; 0 for other filters."""
    if name == "join" and isinstance(value, list | tuple):
        separator = len(str(args[0])) if args else 1
        return separator * max(len(value) - 1, 0) + sum(len(item) for item in value if isinstance(item, str))
    if name == "replace" and isinstance(value, str) and len(args) > 1:
        old, new = str(args[0]), str(args[1])
        places = value.count(old) if old else len(value) + 1
        return len(value) + places * max(len(new) - len(old), 0)
    if name == "split" and isinstance(value, str) and args:
        on = str(args[0]) if args[0] is not None else ""
        return (value.count(on) + 1 if on else len(value)) * _SPLIT_ITEM_CHARS
    return 0


def _code_block(code: str, language: str, *, linenos: bool = False) -> str:
    """What Jekyll's highlight gives kramdown, in a form CommonMark keeps whole: a ``<pre>``
    HTML block (it ends at ``</pre>``, blank lines and all), on lines of its own. With
    ``linenos``, its ``<code>`` has Jekyll's attributes and the mark that makes it rouge's table."""
    attribute = f' class="language-{html.escape(language.replace("+", "-"))}"' if language else ""
    if linenos:
        attribute += f' data-lang="{html.escape(language)}"{LINENOS_MARK}'
    return f"\n\n<pre><code{attribute}>{html.escape(code, quote=False)}</code></pre>\n\n"


def _has_linenos(markup: str) -> bool:
    """Whether Jekyll's highlight tag writes rouge's line-number table for ``markup``: it reads
    as Jekyll's syntax and names ``linenos`` among its options."""
    whole = _HIGHLIGHT_SYNTAX.fullmatch(markup.strip())
    return whole is not None and any(
        option.split("=", 1)[0] == "linenos" for option in _HIGHLIGHT_OPTION.findall(whole.group(1))
    )


def _link_url(path: str, baseurl: str) -> str | None:
    """``{% link %}``: a post by its default permalink, a collection document by
    ``/:collection/:path.html``, a page by its own path with ``.html``."""
    path = path.strip().lstrip("/")
    if not path:
        return None
    if path.startswith("_posts/"):
        return post_url_of(path, baseurl)
    stem, dot, ext = path.rpartition(".")
    target = stem if dot and ext.lower() in ("md", "markdown", "html", "htm") else path
    if target.startswith("_"):
        target = target[1:]
    if target == "index" or target.endswith("/index"):
        return f"{baseurl.rstrip('/')}/{target.removesuffix('index')}"
    return f"{baseurl.rstrip('/')}/{target}.html"


# --- Jekyll's filters ------------------------------------------------------------------------

# The characters of Unicode's Han, Hiragana, Katakana and Hangul scripts (Scripts.txt), which
# Jekyll's number_of_words counts one by one in its "cjk" and "auto" modes (its \p{Han}\p{Katakana}
# \p{Hiragana}\p{Hangul}); the marks the scripts share with others (ー, ・, 、) are none of them
_CJK_SCRIPTS = (
    "\u1100-\u11ff\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u302e\u302f"
    "\u3038-\u303b\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff\u3131-\u318e\u31f0-\u31ff"
    "\u3200-\u321e\u3260-\u327e\u32d0-\u32fe\u3300-\u3357\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97c"
    "\uac00-\ud7a3\ud7b0-\ud7c6\ud7cb-\ud7fb\uf900-\ufa6d\ufa70-\ufad9\uff66-\uff6f\uff71-\uff9d"
    "\uffa0-\uffbe\uffc2-\uffc7\uffca-\uffcf\uffd2-\uffd7\uffda-\uffdc\U0001b000-\U0001b122"
    "\U0001b150-\U0001b152\U0001b164-\U0001b167\U0001f200\U00020000-\U0003134f"
)
_RUBY_SPACE = " \t\n\v\f\r"  # Ruby's \s and String#split's white space: ASCII alone (not U+3000)


@cache
def _word_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A CJK character, a run of anything else between white space, a run between white space:
    compiled on first use (the classes take milliseconds, at a post's first Liquid)."""
    return (re.compile(f"[{_CJK_SCRIPTS}]"), re.compile(f"[^{_CJK_SCRIPTS}{_RUBY_SPACE}]+"),
            re.compile(f"[^{_RUBY_SPACE}]+"))  # fmt: skip


def _number_of_words(value: Any, mode: Any = None) -> int:
    """Jekyll's ``number_of_words``: the runs between white space; with ``"cjk"`` each Han, kana
    or Hangul character counts as a word and the runs of other characters too, and with ``"auto"``
    so only when the text holds one."""
    text = _text(value)
    cjk, other, word = _word_patterns()
    if mode == "cjk" or (mode == "auto" and cjk.search(text)):
        return len(cjk.findall(text)) + len(other.findall(text))
    return len(word.findall(text))


def _filters() -> dict[str, Callable[..., Any]]:
    from postdrop.core.body import render_markdown  # noqa: PLC0415

    return {
        "relative_url": _relative_url,
        "absolute_url": _absolute_url,
        "date_to_string": lambda v, *a: _date_string(v, "%b", *a),
        "date_to_long_string": lambda v, *a: _date_string(v, "%B", *a),
        "date_to_xmlschema": lambda v: _strftime(v, "%Y-%m-%dT%H:%M:%S%:z"),
        "date_to_rfc822": lambda v: _strftime(v, "%a, %d %b %Y %H:%M:%S %z"),
        "xml_escape": lambda v: html.escape(_text(v)).replace("&#x27;", "&apos;"),
        "truncate": _truncate,
        "cgi_escape": lambda v: urllib.parse.quote_plus(_text(v)),
        "uri_escape": lambda v: urllib.parse.quote(_text(v), safe="!#$&'()*+,/:;=?@[]~"),
        "slugify": _slugify,
        "markdownify": lambda v: _markdownify(render_markdown, _text(v)),
        "smartify": _text,
        "jsonify": lambda v: json.dumps(v, ensure_ascii=False, default=str, separators=(",", ":")),
        "inspect": lambda v: html.escape(_ruby_inspect(v)),
        "join": _join,
        "number_of_words": _number_of_words,
        "normalize_whitespace": lambda v: " ".join(_word_patterns()[2].findall(_text(v))),
        "array_to_sentence_string": _sentence,
        "group_by": lambda v, *a: [],
        "group_by_exp": lambda v, *a: [],
        "where_exp": lambda v, *a: [],
        "sample": lambda v, *a: v[0] if isinstance(v, list) and v else v,
        "push": lambda v, x: [*_items(v), x],
        "unshift": lambda v, x: [x, *_items(v)],
        "pop": lambda v, *a: _items(v)[:-1],
        "shift": lambda v, *a: _items(v)[1:],
    }


def _epoch_seconds(date_filter: Callable[..., Any]) -> Callable[..., Any]:
    """Liquid's ``date``, but ``%s`` is the time's own seconds since the epoch (Python's strftime
    reads the clock fields in the machine's zone)."""

    @wraps(date_filter)
    def date(value: Any, fmt: Any = None, *args: Any, **kwargs: Any) -> Any:
        if (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and _EPOCH.match(value)):
            # Ruby's Time.at: seconds since the epoch, shown in the site's zone (Jekyll's TZ)
            run = _run.get(None)
            with contextlib.suppress(OverflowError, OSError, ValueError):  # past Python's years: as it is
                value = datetime.fromtimestamp(int(value), run.zone if run is not None else UTC)
        if isinstance(value, float):  # Liquid's to_date reads no float: the value as it is
            return value
        if isinstance(value, datetime) and isinstance(fmt, str) and re.search(r"%[sLN]|%\d+N", fmt):
            fmt = re.sub(r"%%|%s|%L|%(\d*)N", lambda m: _ruby_field(value, m), fmt)
        return date_filter(value, fmt, *args, **kwargs)

    return date


_EPOCH = re.compile(r"\A\d+\Z")


# Liquid's filters that read their input and arguments as numbers (Liquid's Utils.to_number)
_MATH_FILTERS = ("plus", "minus", "times", "divided_by", "modulo", "abs", "ceil", "floor", "at_least", "at_most")
_DECIMAL_TEXT = re.compile(r"\A[ \t\n\v\f\r]*-?\d+\.\d+[ \t\n\v\f\r]*\Z")
_RUBY_INTEGER = re.compile(r"\A[ \t\n\v\f\r]*([+-]?\d+(?:_\d+)*)")


def _ruby_numbers(math_filter: Callable[..., Any]) -> Callable[..., Any]:
    """Liquid's math filter, its text values read as Ruby's Liquid reads them: ``1.5`` a decimal,
    any other text Ruby's ``to_i`` (its leading integer, ``_`` between digits: ``"12px"`` is 12,
    ``"1,234"`` 1, ``"1e3"`` 1, ``".5"`` 0), where python-liquid read some of them as 0 or failed."""

    @wraps(math_filter)
    def math(value: Any, *args: Any, **kwargs: Any) -> Any:
        return math_filter(_ruby_number(value), *map(_ruby_number, args), **kwargs)

    return math


def _ruby_round(round_filter: Callable[..., Any]) -> Callable[..., Any]:
    """Liquid's ``round`` as Ruby's Liquid rounds: the number as a BigDecimal (a float by its
    shortest text), a tie away from zero (``2.5`` is 3, ``0.125`` to 2 places 0.13; Python's
    round gave 2 and 0.12), an integer when rounded to 0 places; past Decimal (infinity) as python-liquid."""

    @wraps(round_filter)
    def round_(value: Any, places: Any = 0, *args: Any, **kwargs: Any) -> Any:
        number, digits = (_numeric(_ruby_number(v)) for v in (value, places))  # nil, true, a list: 0
        with contextlib.suppress(ArithmeticError, ValueError):
            if args or kwargs:
                raise ValueError  # more arguments than Ruby's round takes: python-liquid's error
            exact = Decimal(repr(number) if isinstance(number, float) else str(number).strip())
            digits = int(Decimal(repr(digits) if isinstance(digits, float) else str(digits).strip()))
            rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
            if isinstance(number, int) or digits <= 0:  # Ruby: Integer#round, or the filter's to_i
                return int(rounded)
            return float(rounded)
        return round_filter(value, places, *args, **kwargs)

    return round_


def _numeric(value: Any) -> int | float | str:
    return value if isinstance(value, int | float | str) and not isinstance(value, bool) else 0


def _ruby_number(value: Any) -> Any:
    if not isinstance(value, str) or _DECIMAL_TEXT.match(value):
        return value
    integer = _RUBY_INTEGER.match(value)
    return int(integer[1].replace("_", "")) if integer else 0


def _without_trailing_empties(split_filter: Callable[..., Any]) -> Callable[..., Any]:
    """Liquid's ``split`` as Ruby's String#split answers: no empty strings at the end (``"a,,b,"``
    split on ``","`` is a, "", b)."""

    @wraps(split_filter)
    def split(value: Any, *args: Any, **kwargs: Any) -> Any:
        parts = split_filter(value, *args, **kwargs)
        if isinstance(parts, list):
            while parts and parts[-1] == "":
                parts.pop()
        return parts

    return split


def _markdownify(render_markdown: Callable[[str], str], text: str) -> str:
    """Jekyll's ``markdownify``: kramdown renders the text as a page of its own, so its headings
    have their ids (counted apart from the post's: ``{{ "### C" | markdownify }}`` and a ``### C``
    of the post are both ``c``), which the post then shows as HTML written with an id."""
    html = render_markdown(text)
    if "<h" not in html:
        return html
    kramdown = kramdown_of(_site())
    if kramdown.header_offset:  # kramdown writes its own headings' levels moved
        headings, made = headings_and_origins(
            html, text, markdown=True, auto_ids=kramdown.auto_ids, prefix=kramdown.auto_id_prefix
        )
        levels = [level for level, _text, _ident in shifted(headings, made, kramdown.header_offset)]
        return with_heading_ids(html, headings, levels)
    return with_heading_ids(
        html, headings_of(html, text, markdown=True, auto_ids=kramdown.auto_ids, prefix=kramdown.auto_id_prefix)
    )


def _ruby_field(value: datetime, match: re.Match[str]) -> str:
    """What Ruby's strftime writes for ``%s`` (the time's own seconds since the epoch: Python's
    reads the clock fields in the machine's zone), ``%L`` (milliseconds) and ``%N`` (nanoseconds,
    ``%3N`` its first 3 digits), which Python's strftime lacks; ``%%`` kept."""
    text = match[0]
    if text == "%%":
        return "%%"
    if text == "%s":
        return str(int(value.timestamp()))
    digits = f"{value.microsecond:06d}000"
    if text == "%L":
        return digits[:3]
    return digits[: int(match[1])] if match[1] else digits


def _date_string(value: Any, month: str, kind: Any = None, style: Any = None) -> str:
    """Jekyll's date_to_string and date_to_long_string: ``01 Mar 2015``; with ``"ordinal"``,
    ``1st Mar 2015``, and in the ``"US"`` style ``Mar 1st, 2015``."""
    date = _as_date(value)
    if date is None:
        return _text(value)
    if kind != "ordinal":
        return date.strftime(f"%d {month} %Y")
    day = date.day
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    if style == "US":
        return date.strftime(f"{month} ") + f"{day}{suffix}, {date.year}"
    return f"{day}{suffix} " + date.strftime(f"{month} %Y")


def _slugify(value: Any, mode: Any = None) -> str:
    """Jekyll's slugify filter in its modes: ``raw`` (white space), ``default``, ``pretty``,
    ``ascii`` (every non-ASCII letter too) and ``latin`` (accents dropped first); any other
    mode (``none``) leaves the text, lower-cased."""
    text = _text(value)
    if mode not in (None, "raw", "default", "pretty", "ascii", "latin"):
        return text.lower()
    if mode == "raw":
        return re.sub(r"\s+", "-", text).strip("-").lower()
    if mode in ("ascii", "latin"):
        if mode == "latin":
            text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return slugify(text, pretty=mode == "pretty")


def _truncate(value: Any, length: Any = 50, end: Any = "...") -> str | None:
    """Liquid's truncate (Ruby's): ``length`` characters in all, the ellipsis among them, and
    nothing but the ellipsis when it is longer than that."""
    if value is None:
        return None
    text, ellipsis = _text(value), _text(end)
    try:
        size = int(float(length))
    except (TypeError, ValueError):
        size = 50
    return text[: max(size - len(ellipsis), 0)] + ellipsis if len(text) > size else text


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _relative_url(value: Any) -> str:
    """Jekyll's ``relative_url``: a URL with a scheme as it is, any other under the baseurl, as
    Addressable's ``normalize`` writes it."""
    text = _text(value)
    if _SCHEME.match(text):
        return text
    return normalize_url_path(_join_url(_site().baseurl, text))


def _absolute_url(value: Any) -> str:
    """Jekyll's ``absolute_url``: ``relative_url``'s, after the site's url when it has one."""
    text, url = _text(value), _site().url
    if _SCHEME.match(text) or not url:
        return _relative_url(text)
    return site_root(url) + _relative_url(text)


def _join_url(base: str, path: str) -> str:
    if re.match(r"[a-z][a-z0-9+.-]*://", path, re.IGNORECASE):
        return path
    joined = "/".join(part.strip("/") for part in (base, path) if part.strip("/"))
    return "/" + joined + ("/" if path.endswith("/") and joined else "")


def _as_date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _strftime(value: Any, fmt: str) -> str:
    date = _as_date(value)
    return date.strftime(fmt) if date is not None else _text(value)


def _sentence(value: Any, connector: str = "and") -> str:
    items = [_text(v) for v in _items(value)]
    if len(items) <= 2:
        return f" {connector} ".join(items)
    return ", ".join(items[:-1]) + f", {connector} " + items[-1]


def _ruby_to_s(value: Any) -> str:
    """``value`` as Ruby's Liquid outputs it: an array joined flat (nil in it as nothing), a
    hash as Ruby's ``inspect``, a float as Ruby writes one (``1.0e+20``), true and false in lower
    case, nil as nothing."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "".join(_ruby_to_s(item) for item in value)
    if isinstance(value, dict):
        return _ruby_inspect(value)
    if isinstance(value, float):
        return _ruby_float(value)
    if isinstance(value, range):
        return f"{value.start}..{value.stop - 1}"
    return str(value)


def _join(value: Any, separator: Any = " ") -> str:
    """Liquid's ``join``: a hash or a single value as one item; nested arrays flat, as Ruby's
    Array#join has them."""
    if value is None:
        return ""
    items: list[Any] = []

    def flat(item: Any) -> None:
        if isinstance(item, list | tuple):
            for inner in item:
                flat(inner)
        else:
            items.append(item)

    flat(value if isinstance(value, list | tuple) else [value])
    return _text(separator).join(_ruby_to_s(item) for item in items)


_RUBY_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\f": "\\f",
                 "\v": "\\v", "\a": "\\a", "\b": "\\b", "\x1b": "\\e"}  # fmt: skip


def _ruby_string(text: str) -> str:
    out = []
    for i, char in enumerate(text):
        if char in _RUBY_ESCAPES:
            out.append(_RUBY_ESCAPES[char])
        elif char == "#" and text[i + 1 : i + 2] in ("{", "$", "@"):
            out.append("\\#")
        elif not char.isprintable() and char != " ":
            out.append(f"\\u{ord(char):04X}" if ord(char) <= 0xFFFF else f"\\u{{{ord(char):X}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _ruby_float(number: float) -> str:
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    text = repr(number)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa if '.' in mantissa else mantissa + '.0'}e{exponent}"
    return text


def ruby_to_s(value: Any) -> str:
    """Ruby's ``to_s`` of a value YAML gives: a list or mapping as Ruby shows one (``["a", "b"]``,
    ``{"k"=>"v"}``), true and false in lower case, nil as nothing, a float as Ruby writes it."""
    if isinstance(value, list | tuple | dict):
        return _ruby_inspect(value)
    return _ruby_to_s(value)


def _ruby_inspect(value: Any) -> str:
    """Ruby's ``inspect`` of a value YAML gives (Ruby 3.1: ``{"k"=>"v"}``)."""
    if isinstance(value, str):
        return _ruby_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nil"
    if isinstance(value, float):
        return _ruby_float(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_ruby_inspect(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_ruby_inspect(k)}=>{_ruby_inspect(v)}" for k, v in value.items()) + "}"
    return str(value)
