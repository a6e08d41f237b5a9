"""Jekyll front matter: the ``---`` fenced YAML block at the top of a post.

Valid YAML is read as YAML, as Jekyll reads it. The producer writes front matter by string
concatenation and never escapes a title, so a block that is not valid YAML but is plain
``key: value`` lines is recovered line by line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from postdrop.core.dates import yaml_time
from postdrop.exceptions import PostRejected

__all__ = ["MAX_FRONT_MATTER_CHARS", "MAX_NESTING", "MAX_VALUES", "FrontMatter", "split_front_matter"]

# Front matter is a handful of keys; YAML aliases can make a 300-byte block stand for millions
# of values ("billion laughs"). The loaded data shares the aliased parts, so its expanded size is
# counted without expanding it, and a block past this is rejected before any key is read.
MAX_VALUES = 10_000
# Lists and mappings inside one another: a post's own keys go into ``extra``, then into the
# envelope, the item and each notification, and a JSON reader on that path stops at some depth
# (StoreFunction's at about 250 with the envelope's levels, a serializer at 254). Real front
# matter nests two or three; DynamoDB's documents stop at 32, and so does postdrop.
MAX_NESTING = 32
# PyYAML takes 60 to 90 bytes of memory a character of a block (a 2.4 MB block of keys: 220 MB,
# past what ParseFunction has); the longest of 5,081 front matters of 73 blogs is 1,188.
MAX_FRONT_MATTER_CHARS = 256 * 1024


@cache
def _yaml() -> tuple[Any, Any]:
    """PyYAML and its safe loader, imported on first use: the producer's own front matter
    never needs them (see _fast_load), so most cold starts skip PyYAML's ~25 ms import."""
    import yaml  # noqa: PLC0415

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        """Safe YAML, except that timestamps stay strings (dates.py reads them with the post's
        zone; one with a time is a YamlTime, whose offset Jekyll's loader reads), and so does
        an integer past the 4,300 digits Python converts (Jekyll reads it)."""

        def construct_yaml_int(self, node: Any) -> Any:
            try:
                return super().construct_yaml_int(node)
            except ValueError:
                return self.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: yaml_time(loader.construct_scalar(node)))
    # Ruby's Psych reads yes/no/true/false/on/off as booleans in any letter case (``published: fAlSe``
    # hides the post from Jekyll); PyYAML only in three (no, No, NO). Tried after its own resolvers.
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _ANY_CASE_BOOL, list("yYnNtTfFoO"))
    Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
    Loader.add_multi_constructor("!", _untagged)
    return yaml, Loader


def _untagged(loader: Any, _suffix: str, node: Any) -> Any:
    """A value with a local tag no loader knows (``title: !Important notes``, ``- !r``): Ruby's
    Psych reads a scalar as if untagged (``notes``; an empty one nil), so Jekyll keeps the post;
    on a list or a mapping it refuses, and so does postdrop."""
    import yaml  # noqa: PLC0415

    if not isinstance(node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(
            None, None, f"could not determine a constructor for the tag {node.tag!r}", node.start_mark
        )
    tag = "tag:yaml.org,2002:str" if node.style else loader.resolve(yaml.ScalarNode, node.value, (True, False))
    plain = yaml.ScalarNode(tag, node.value, node.start_mark, node.end_mark, node.style)
    return loader.yaml_constructors[tag](loader, plain)


_ANY_CASE_BOOL = re.compile(r"^(?i:yes|no|true|false|on|off)$")
_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_SIMPLE_LINE = re.compile(r"(?P<key>[A-Za-z0-9_][\w.-]*)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*")
TEXT_KEYS = ("title", "layout", "date", "categories", "category", "tags", "tag")
_SCALAR_KEYS = frozenset(("title", "layout", "date"))
_LIST_KEYS = frozenset(("categories", "category", "tags", "tag"))
_SINGULAR_KEYS = frozenset(("category", "tag"))


@dataclass(frozen=True, slots=True)
class FrontMatter:
    data: dict[str, Any]
    body: str
    # whether the file opens with front matter: Jekyll's body then starts after the blank lines
    # that follow it (its closing ``---\s*`` takes them), else it is the whole file, blank lines and all
    fenced: bool = True


def _first_line(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]


def split_front_matter(text: str, warnings: list[str], *, required: bool = True) -> FrontMatter:
    """Split ``text`` into front matter and body. Without front matter, raise PostRejected
    when it is ``required``, else the whole text is the body (Jekyll reads a dated post
    file without front matter as a post)."""
    start = 0
    while True:  # skip leading blank lines (Jekyll would not; the producer sometimes writes one)
        line = _first_line(text, start)
        if line.strip() or start + len(line) >= len(text):
            break
        start += len(line) + 1
    skipped = text.count("\n", 0, start)
    if line.rstrip() != "---":
        if not required:
            warnings.append("no front matter: read as Jekyll reads a dated post file (title and date from its name)")
            return FrontMatter(data={}, body=text, fenced=False)
        # The reason names the line, not its text: reasons are stored and logged, bodies never are.
        raise PostRejected(
            f"no front matter: line {skipped + 1} should be '---' to open the YAML block"
            " (without one, only a dated name, YYYY-MM-DD-title.md, makes a file a post, as in Jekyll)"
        )
    if skipped:
        warnings.append(f"skipped {skipped} blank line(s) before the front matter (Jekyll would not read it)")
    open_line = skipped + 1
    block_start = start + len(line) + 1
    closing = _CLOSING_FENCE.search(text, block_start) if block_start <= len(text) else None
    if closing is None:
        raise PostRejected(f"front matter opened at line {open_line} is never closed with a '---' line")
    block = text[block_start : closing.start()]
    if len(block) > MAX_FRONT_MATTER_CHARS:
        raise PostRejected(
            f"front matter at line {open_line} is {len(block):,} characters long; postdrop reads front matters of at"
            f" most {MAX_FRONT_MATTER_CHARS:,}"
        )
    data = _load(block, open_line + 1, warnings)
    return FrontMatter(data=data, body=text[closing.end() + 1 :])


# The producer's own block (layout, title, date, categories, tags as single-line text) is
# read without the YAML machinery: for these keys and these value forms YAML's answer is the
# text itself (the text keys keep what was written; dates are read by dates.py). Anything
# else, or any line that does not fit, goes to libyaml. tests/unit/test_front_matter.py
# checks that both readers agree on such blocks.
_FAST_LINE = re.compile(
    r"(?P<key>title|layout|date|categories|category|tags|tag)[ \t]*:[ \t]+"
    r"(?:\"(?P<quoted>[^\"\\]*)\""
    # a plain scalar that YAML reads as its text: not null/~ nor false (``category: false`` is no
    # category, the YAML path's answer), no ': ' or ' #' inside
    r"|(?!(?:null|Null|NULL|~|(?i:false|no|off))[ \t]*$)"
    r"(?P<plain>[^\s\"'\[\]{}#&*!|>%@`,?:-](?:(?!: | #)[^\n])*?))[ \t]*"
)


def _fast_load(block: str) -> dict[str, Any] | None:
    data: dict[str, Any] = {}
    for line in block.split("\n"):
        if not line.strip():
            continue
        match = _FAST_LINE.fullmatch(line)
        if match is None:
            return None
        plain = match["plain"]
        data[match["key"]] = match["quoted"] if plain is None else yaml_time(plain)
    return data


def _load(block: str, first_line: int, warnings: list[str]) -> dict[str, Any]:
    fast = _fast_load(block)
    if fast is not None:
        return fast
    return _load_yaml(block, first_line, warnings)


def _load_yaml(block: str, first_line: int, warnings: list[str]) -> dict[str, Any]:
    yaml, loader = _yaml()
    try:
        data = yaml.load(block, Loader=loader)  # loader is a SafeLoader  # nosec B506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        recovered = _recover(block)
        if recovered is None and (data := _first_document(block, loader)) is not None:
            line = f" at line {first_line + mark.line}" if mark is not None else ""
            warnings.append(f"front matter is not valid YAML{line}; read what comes before it, as Jekyll does")
            _check_expansion(data, first_line)
            _keep_text_scalars(block, data)
            return {str(key): value for key, value in data.items()}
        if recovered is None:
            where = f" at line {first_line + mark.line}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise PostRejected(
                f"front matter is not valid YAML{where} ({problem}) nor plain 'key: value' lines"
            ) from None
        _check_expansion(recovered, first_line)
        warnings.append("front matter is not valid YAML; recovered it line by line as 'key: value'")
        return recovered
    if data is None:
        return {}
    _check_expansion(data, first_line)
    if not isinstance(data, dict):
        raise PostRejected(
            f"front matter at line {first_line} is a YAML {type(data).__name__}, not a mapping of keys to values"
        )
    _keep_text_scalars(block, data)
    return {str(key): value for key, value in data.items()}


def _first_document(block: str, loader: Any) -> dict[Any, Any] | None:
    """The block's first YAML document when it is a mapping and the error comes after it: Jekyll
    (Ruby's Psych) stops reading there. `` title: x`` then ``tags: y`` is one key: the second line,
    left of the first, would need a new document."""
    yaml, _ = _yaml()
    try:
        data = next(iter(yaml.load_all(block, Loader=loader)), None)  # nosec B506 (a SafeLoader)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def _keep_text_scalars(block: str, data: dict[Any, Any]) -> None:
    """Text fields stay the text written: ``tags: 00`` is "00", ``title: yes`` is "yes", not 0 or True.
    A null stays its word in a title, layout or date; in categories or tags it is no value, as
    Jekyll reads it (``category: null`` is no category, and no ``/null/`` in the url)."""
    for name in TEXT_KEYS:
        value = data.get(name)
        if value is False and name in _SINGULAR_KEYS:  # none: Jekyll reads the plural key then (Ruby's ||=)
            continue
        if isinstance(value, bool | int | float) or (value is None and name in data and name in _SCALAR_KEYS):
            written = re.findall(rf"^{name}[ \t]*:[ \t]*(\S.*?)[ \t]*$", block, re.MULTILINE)
            if written and not written[-1].startswith("#"):  # YAML keeps the last of repeated keys
                data[name] = written[-1]


def _recover(block: str) -> dict[str, Any] | None:
    """Read a block of unindented ``key: value`` lines; None when it is anything else."""
    data: dict[str, Any] = {}
    for line in block.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None:
            return None
        data[match["key"]] = _recover_value(match["value"] or "", key=match["key"])
    return data or None


def _recover_value(raw: str, *, key: str) -> Any:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]  # the producer's quotes, taken literally
    if key in _LIST_KEYS and raw.startswith("[") and raw.endswith("]"):  # `tags: [a, b]` beside a broken line
        listed = _text_list(raw)
        if listed is not None:
            return listed
    if key in TEXT_KEYS:  # the text keys keep what was written, as on the YAML path
        return raw or None
    yaml, loader = _yaml()
    try:
        value = yaml.load(raw, Loader=loader)  # loader is a SafeLoader  # nosec B506
    except yaml.YAMLError:
        return raw
    return raw if isinstance(value, dict) else value


def _text_list(raw: str) -> list[str] | None:
    """A YAML flow sequence of scalars, each kept as the text written (``[00, yes]`` is "00", "yes",
    as the YAML path keeps text fields); None when it is anything else. Only a flat list is
    parsed: brackets inside it (a nested list, ten thousand deep) would recurse in the loader."""
    if any(ch in raw[1:-1] for ch in "[]{}"):
        return None
    yaml, _ = _yaml()
    try:
        value = yaml.load(raw, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))  # strings, lists, dicts  # nosec B506
    except yaml.YAMLError:
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None


def _check_expansion(data: Any, first_line: int) -> None:
    """Reject YAML whose aliases expand past MAX_VALUES values, that refers to itself, or that
    nests deeper than MAX_NESTING; linear in the data as loaded (each shared part is measured
    once: its values, times its uses, and its height, wherever it is used)."""
    measured: dict[int, tuple[int, int]] = {}  # id -> (values, height)
    in_progress: set[int] = set()
    too_deep = PostRejected(
        f"front matter at line {first_line} nests lists or mappings more than {MAX_NESTING} deep;"
        " postdrop reads no deeper (a post's keys are stored and announced as JSON)"
    )

    def measure(value: Any, depth: int) -> tuple[int, int]:
        if not isinstance(value, dict | list):
            return 1, 0
        if depth >= MAX_NESTING:
            raise too_deep
        ident = id(value)
        if ident in measured:
            values, height = measured[ident]
            if depth + height > MAX_NESTING:  # an alias used deeper than it was written
                raise too_deep
            return values, height
        if ident in in_progress:
            raise PostRejected(f"front matter at line {first_line} refers to itself (a recursive YAML alias)")
        in_progress.add(ident)
        members = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total, height = 1, 1
        for member in members:
            values, below = measure(member, depth + 1)
            total += values
            height = max(height, below + 1)
            if total > MAX_VALUES:
                break
        in_progress.discard(ident)
        measured[ident] = (total, height)
        if total > MAX_VALUES:
            raise PostRejected(
                f"front matter at line {first_line} expands to more than {MAX_VALUES} values (YAML aliases?)"
            )
        return total, height

    measure(data, 0)
