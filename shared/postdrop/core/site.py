"""What a post's Liquid sees of its site: Jekyll's ``site.url``, ``site.baseurl`` and ``site.title``.

Its own module, so that the settings (config.py, which StoreFunction loads too) name it
without loading the Liquid step.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Site"]


@dataclass(frozen=True, slots=True)
class Site:
    url: str = ""
    baseurl: str = ""
    title: str = ""
