"""NormalizedPost v1: the public contract every consumer of postdrop depends on.

``model_dump(mode="json")`` is the wire form. Field meanings: ../DESIGN.md and the
generated JSON Schema in schemas/normalized-post.v1.json.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SCHEMA_VERSION", "STATUSES", "Heading", "Image", "Link", "NormalizedPost", "Section", "Source", "Status"]

SCHEMA_VERSION: Literal["1"] = "1"

Status = Literal["published", "unpublished", "scheduled", "draft"]
STATUSES: tuple[Status, ...] = ("published", "unpublished", "scheduled", "draft")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Section(_Frozen):
    """A run of paragraphs under one heading (null before the first heading)."""

    heading: str | None = None
    paragraphs: list[str] = Field(default_factory=list)


class Source(_Frozen):
    """Where the article came from: the named outlet and the original URL."""

    name: str | None = None
    url: str | None = None


class Link(_Frozen):
    """A trailing back link of the post."""

    text: str
    href: str


class Heading(_Frozen):
    """A heading of the article, for a table of contents."""

    level: int = Field(ge=1, le=6)
    text: str
    id: str | None = Field(default=None, description="The id Jekyll's kramdown gives it; null when it has none.")


class Image(_Frozen):
    """The post's feature image."""

    url: str
    alt: str | None = None


class NormalizedPost(_Frozen):
    """One post, normalized. Produced only by ``postdrop.parse_post``."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    post_id: str = Field(description="The key under posts/ without its extension; unique per key.")
    slug: str = Field(description="Jekyll's rule: YYYY-MM-DD-slug.ext gives slug, else the file stem.")
    key: str = Field(description="The object key, decoded.")
    title: str = Field(min_length=1, description="Never empty; derived with a warning when missing.")
    published_at: str | None = Field(
        description="ISO 8601 with offset; null only when no date exists anywhere (with a warning)."
    )
    layout: str | None = None
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    summary: str | None = Field(default=None, description="The '> digest' lead, when the body starts with one.")
    sections: list[Section] = Field(default_factory=list)
    text: str = Field(description="Plain text of the article body, paragraphs joined by newlines.")
    char_count: int = Field(ge=0, description="Characters of text without newlines.")
    excerpt: str = Field(
        description="The first ~120 characters of text. Kept as it was; the excerpt the author chose is jekyll_excerpt."
    )
    jekyll_excerpt: str = Field(
        default="",
        description="Jekyll's post.excerpt as plain text: the front matter's excerpt, else the body up to "
        "excerpt_separator (default the first blank line); empty when the separator is empty.",
    )
    url: str | None = Field(
        default=None,
        description="Jekyll's post.url from the permalink, under the site's url and baseurl when set; "
        "null when the permalink needs a date the post lacks.",
    )
    status: Status = Field(
        default="published",
        description="published, unpublished (published: false), scheduled (dated after the parse), "
        "draft (under _drafts/ or drafts/).",
    )
    updated_at: str | None = Field(
        default=None, description="ISO 8601 with offset, from last_modified_at, updated, updated_at, modified, lastmod."
    )
    authors: list[str] = Field(default_factory=list, description="From authors and author, in order.")
    lang: str | None = Field(
        default=None,
        description="BCP 47: the front matter's lang, else told from the text's script (zh, ja, ko, und-Latn, ...).",
    )
    headings: list[Heading] = Field(default_factory=list, description="The article's h1-h6, with kramdown's ids.")
    image: Image | None = Field(
        default=None, description="image, cover or feature_image of the front matter, else the article's first image."
    )
    word_count: int = Field(default=0, ge=0, description="Words; each Chinese or Japanese character counts as one.")
    reading_minutes: int = Field(
        default=0, ge=0, description="Minutes to read at silent-reading rates (docs/reading.md)."
    )
    html: str = Field(description="Body HTML, sanitized with an allow-list.")
    source: Source = Field(default_factory=Source)
    links: list[Link] = Field(default_factory=list)
    images: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict, description="Front-matter keys the contract does not name.")
    warnings: list[str] = Field(default_factory=list, description="What was repaired or assumed.")
    content_hash: str = Field(description="sha256 over the normalized content, not over ingestion metadata.")
