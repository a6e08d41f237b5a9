"""postdrop: Jekyll-style post files dropped into S3, normalized, stored and announced.

The public API is ``parse_post``, ``PostRejected`` and ``NormalizedPost``. Imports are lazy
(PEP 562) so a handler that never parses does not pay for the Markdown and HTML libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from postdrop.exceptions import PostRejected

if TYPE_CHECKING:
    from postdrop.core.normalize import parse_post
    from postdrop.model import NormalizedPost

__all__ = ["NormalizedPost", "PostRejected", "parse_post"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "parse_post":
        from postdrop.core.normalize import parse_post  # noqa: PLC0415

        return parse_post
    if name == "NormalizedPost":
        from postdrop.model import NormalizedPost  # noqa: PLC0415

        return NormalizedPost
    raise AttributeError(f"module 'postdrop' has no attribute {name!r}")
