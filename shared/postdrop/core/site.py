"""What postdrop knows of the site a post belongs to: Jekyll's ``url``, ``baseurl``, ``title``,
``permalink`` and ``excerpt_separator`` settings.

Its own module, so that the settings (config.py, which StoreFunction loads too) name it
without loading the Liquid step. A post's Liquid sees ``site.url``, ``site.baseurl`` and
``site.title``; ``permalink`` and ``excerpt_separator`` make its ``url`` and ``jekyll_excerpt``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_EXCERPT_SEPARATOR", "DEFAULT_PERMALINK", "Site"]

# Jekyll's defaults: the ``date`` permalink style, and an excerpt up to the first blank line.
DEFAULT_PERMALINK = "date"
DEFAULT_EXCERPT_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Site:
    url: str = ""
    baseurl: str = ""
    title: str = ""
    permalink: str = DEFAULT_PERMALINK
    excerpt_separator: str = DEFAULT_EXCERPT_SEPARATOR
