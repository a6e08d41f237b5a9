"""Jekyll's own fields of a post, on posts written here to reach every rule jekyll-world does not.

Each site below is built with the real Jekyll (jekyll_site.py), once as written and once with
Jekyll's defaults, and every post's ``jekyll_excerpt``, ``url``, ``status`` and heading ids are
compared with Jekyll's ``post.excerpt``, ``post.url``, whether the default build publishes it,
and the ids of its headings. postdrop reads each site with the same settings (``Site``) and
its zone set to UTC, the zone Jekyll runs in here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from postdrop import parse_post
from postdrop.core.site import Site
from tests.differential.jekyll_site import JEKYLL, build, field_problems, post_problems

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.skipif(JEKYLL is None, reason="jekyll is not installed (Debian: apt-get install jekyll)")

DEFAULTS: dict[str, str] = {
    "2024-01-05-Hello, World!.md": (
        "---\ntitle: Hello\ncategories: Tech News\n---\n"
        "The [first] paragraph, with a *reference* link.\n\nThe second paragraph.\n\n[first]: https://example.com/1\n"
    ),
    "2024-02-10-你好-世界.md": (
        "---\ntitle: 你好\ncategories: [博客, Big Data]\n---\n\n\n第一段，有两个句子。第二句。\n\n"
        "## 简介\n\n文字。\n\n## 简介\n\n更多文字。\n\n## Intro: the *first* “part”\n\n## Intro -- again\n"
    ),
    "2999-01-01-from-the-future.md": "---\ntitle: Later\n---\nNot yet.\n",
    "2024-03-01-dated-later.md": "---\ntitle: Later too\ndate: 2999-06-01 10:00:00 +0800\n---\nNot yet either.\n",
    "2024-03-02-hidden.md": "---\ntitle: Hidden\npublished: false\n---\nNobody sees this.\n",
    "2024-03-03-no-answer.md": "---\ntitle: Unsaid\npublished:\n---\nA published key with no value.\n",
    "2024-03-04-said-yes.md": "---\ntitle: Yes\npublished: true\n---\nShown.\n",
    "2024-03-05-own-permalink.md": (
        "---\ntitle: Own\ncategories: [Data Science, data science, Ünïcode]\n"
        "permalink: /blog/:categories/:title/\n---\nBody.\n"
    ),
    "2024-03-06-own-excerpt.md": (
        '---\ntitle: Own excerpt\nexcerpt: "An <em>own</em> excerpt &amp; more"\n---\nThe body is not the excerpt.\n'
    ),
    "2024-03-07-more.md": (
        "---\ntitle: More\nexcerpt_separator: <!--more-->\n---\nFirst paragraph.\n\n"
        "{% if true %}Second, in a Liquid block.\n<!--more-->\nAfter the separator.{% endif %}\n"
    ),
    "2024-03-08-slugged.md": (
        "---\ntitle: Slugged\nslug: Custom Slug!\npermalink: /:year/:i_month/:i_day/:slug:output_ext\n---\nBody.\n"
    ),
    "2024-03-09-late-evening.md": "---\ntitle: Offset\ndate: 2024-03-09 23:30:00 -0500\n---\nAcross midnight in UTC.\n",
    "2024-03-10-no-excerpt.md": '---\ntitle: None\nexcerpt_separator: ""\n---\nNo excerpt at all.\n',
    "2024-03-11-headings.md": (
        "---\ntitle: Headings\n---\nLead.\n\n# Intro\n\n## Intro\n\n### Intro\n\n## Code `x_y` and *more*\n\n"
        "## Custom {#my-id}\n\nSetext heading\n--------------\n\n"
        '<div class="box" markdown="1">\n## 1. Inside a div\n\n## 1. Inside a div\n</div>\n\n'
        "<h2>Written in HTML</h2>\n\n## Ampersand & <q>quote</q>\n"
    ),
    "2024-03-12-a-page.html": "---\ntitle: HTML\n---\n<p>An HTML post.</p>\n\n<h2>Its heading</h2>\n<p>More.</p>\n",
    "2024-03-13-literal-style.md": "---\ntitle: Literal\npermalink: ordinal\n---\nA style name here is a path.\n",
    "2024-03-14-week.md": (
        "---\ntitle: Week\npermalink: /:year/W:week/:short_day/:long_month/:y_day/:title:output_ext\n---\nBody.\n"
    ),
    "2024-03-15-footnote.md": "---\ntitle: Note\n---\nA claim.[^1]\n\nMore.\n\n[^1]: The source.\n",
    "2024-03-16-dotted....md": "---\ntitle: Dots\ncategory: One\n---\nTrailing dots in the name.\n",
    "2024-03-17-extension.md": "---\ntitle: Ext\npermalink: /feeds/:title:output_ext/index.xml\n---\nBody.\n",
    "2024-03-18-odd-category.md": (
        '---\ntitle: Odd\ncategories: ["what?", "a#b", "x[1]", "100%"]\n---\nCategories URLs must escape.\n'
    ),
    "2024-03-19-date-wins.md": "---\ntitle: Date wins\ndate: 2024-05-01\n---\nIts own date.\n",
    "2024-03-20-heading-marks.md": (
        "---\ntitle: Marks\n---\nLead.\n\n# Badge ![b](b.svg)\n\n## Claim[^c] made\n\n"
        "## A ![x](x.png) B\n\n[^c]: Source.\n"
    ),
    "2024-03-21-untitled...md": "---\ncategories: [Untitled]\n---\nJekyll titles it from the name, without its dots.\n",
    "2024-03-22-numerals.md": "---\ntitle: Numerals\n---\nLead.\n\n# World War Ⅱ\n\n## Ⓐ team, ½ and ²\n",
    "2024-03-23-code-headings.md": (
        "---\ntitle: Code\n---\nLead.\n\n# Real\n\n```html\n<h1>Real</h1>\n```\n\nUse `<h2>Inline</h2>` here.\n\n"
        "## Inline\n\n<h2>Raw</h2>\n\n## Raw\n\n~~~\n<h3>Tilde</h3>\n~~~\n\n### Tilde\n"
    ),
    "2024-3-2-short-date.md": "---\ncategories: Short\n---\nA name with a one-digit month and day.\n",
    "24-03-28-short-year.md": "---\ncategories: Short\n---\nA name with a two-digit year.\n",
    "2024-03-24-zone-name.md": "---\ntitle: Zone\ndate: 2024-03-24 17:44:08 CDT -0500\n---\nA zone by name.\n",
    "2024-03-25-date-then-offset.md": "---\ntitle: Day\ndate: 2024-03-25 +0800\n---\nAn offset after a day.\n",
    "2024-03-26-twelve-hour.md": '---\ntitle: Clock\ndate: "2024-03-26 1:30 pm GMT+8"\n---\nHalf past one.\n',
    "2024-03-27-both-tag-keys.md": "---\ntitle: Tags\ntags: [x, y]\ntag: z\n---\nThe singular wins.\n",
    "2024-03-29-indented-html.md": (
        "---\ntitle: Shown\n---\nAn indented block:\n\n    <h2>Shown</h2>\n\nThen in Markdown:\n\n## Shown\n"
    ),
    "2024-08-01-hours-offset.md": "---\ntitle: Hours\ndate: 2024-08-01 10:11:12 +8\n---\nYAML reads eight hours.\n",
    "2024-08-02-tags-twice.md": "---\ntitle: Twice\ntags: [b, a, b, '']\ncategories: [c, '', c]\n---\nAs listed.\n",
    "2024-06-31-past-the-month.md": "---\ntitle: Carried\n---\nThe first of July.\n",
    "2024-08-03-spelled-date.md": '---\ntitle: Spelled\ndate: "Sat, 3 August 2024 4:05 PM"\n---\nIn words.\n',
    "2024-08-04-blank-ids.md": "---\ntitle: Blank\n---\n## `&&`\n\nOne.\n\n## (())\n\nTwo.\n",
    "2024-08-05-blank-first.md": "\n\nNo front matter, and a blank line first.\n\nMore.\n",
    "2024-08-06-listed.md": (
        "---\ntitle: Listed\nexcerpt_separator: <!--more-->\n---\n* list\n{:toc}\n\n"
        '<h2 id="own">Own</h2>\n\n## Made\n\nText.\n\n### Deeper\n'
    ),
    "2024-08-07--pinned--note-.md": "---\nlayout: post\n---\nTitled by its name, doubled dashes and all.\n",
    "2024-08-08-numbers.md": (
        '---\ntitle: Numbers\n---\n{{ "8px" | plus: 2 }}, {{ "9" | modulo: "4 left" }}, {{ 2.5 | round }}, '
        "{{ 0.125 | round: 2 }} and {{ 7 | divided_by: 2.0 | round }}.\n\nMore.\n"
    ),
    "2024-08-09-own-page.md": (
        "---\ntitle: Own page\n---\n{{ page.id }} at {{ page.path }}.\n\nThe body's own {{ page.id }}.\n"
    ),
}
PRETTY: dict[str, str] = {
    "2024-04-01-pretty.md": (
        "---\ntitle: Pretty\ncategories: [Notes]\n---\nOne.\n\nTwo, still the excerpt.\n<!--more-->\nThree.\n"
    ),
    "2024-04-02-no-marker.md": "---\ntitle: No marker\n---\nAll of it.\n\nIs the excerpt.\n",
    "2024-04-03-own-template.md": "---\ntitle: Own\npermalink: /:collection/:name:output_ext\n---\nBody.\n",
    "2024-04-04-whole-own.md": "---\ntitle: Whole\n---\nThe excerpt of {{ page.relative_path }}, all of it.\n",
}
# _config.yml's defaults, scoped by type, by folder and by a glob; a post's name with a folder
# is a file in that folder below _posts/ (and below posts/ in its key).
SCOPES = """defaults:
  - scope: {path: "", type: posts}
    values: {permalink: "/:categories/:year/:title/", author: Someone}
  - scope: {path: _posts/notes}
    values: {categories: notes, excerpt_separator: "<!--cut-->", tags: [short]}
  - scope: {path: "_posts/*/deep"}
    values: {published: false}
  - scope: {type: drafts}
    values: {permalink: "/drafts/:title/"}
"""
SCOPED: dict[str, str] = {
    "2024-06-01-plain.md": "---\ntitle: Plain\n---\nUnder the type's defaults alone.\n",
    "notes/2024-06-02-noted.md": (
        "---\ntitle: Noted\ncategories: Extra\n---\nFirst.\n\nSecond.\n<!--cut-->\nAfter the cut.\n"
    ),
    "notes/2024-06-03-own-tags.md": "---\ntitle: Own tags\ntags: mine\n---\nIts own tags win.\n",
    "misc/deep/2024-06-04-deep.md": "---\ntitle: Deep\n---\nHidden by a glob's scope.\n",
    "2024-06-05-own-permalink.md": "---\ntitle: Own\npermalink: /own/:title/\n---\nIts own permalink wins.\n",
    "2024-06-06-empty-permalink.md": "---\ntitle: Empty\npermalink:\n---\nThe scope's permalink stands.\n",
}
# A whole site synced below posts/: the folders above a _posts/ folder are categories; the site
# builds future and unpublished posts.
SYNCED: dict[str, str] = {
    "blog/Tech/_posts/2024-07-01-folder.md": "---\ntitle: Folder\ncategories: [Extra, blog]\n---\nBody.\n",
    "_posts/2999-01-01-later.md": "---\ntitle: Later\n---\nPublished now: the site builds the future.\n",
    "_posts/2024-07-02-hidden.md": "---\ntitle: Hidden\npublished: false\n---\nPublished all the same.\n",
}
# A site whose kramdown: block changes ids and code blocks: a prefix before each id made, a table
# of contents of two levels, Chirpy's numbered code blocks (whose numbers the excerpt's text shows).
KRAMDOWN = """kramdown:
  auto_id_prefix: sec-
  toc_levels: "2..3"
  syntax_highlighter_opts:
    block: {line_numbers: true}
"""
KRAMDOWN_POSTS: dict[str, str] = {
    "2024-08-01-prefixed.md": (
        "---\ntitle: Prefixed\n---\n* contents\n{:toc}\n\n# Top\n\n## Setup\n\n### Steps\n\n## Setup\n\n"
        '<h2>Setup</h2>\n\n<div markdown="1">\n## Boxed\n</div>\n\n## Own {#own}\n'
    ),
    "2024-08-02-numbered.md": (
        "---\ntitle: Numbered\n---\nAn opening with code:\n```python\nx = 1\ny = 2\n```\n"
        "```madeuplanguage\nkept as is\n```\n```\nno language\n```\n\nThe rest.\n"
    ),
    "2024-08-03-html-first.md": "---\ntitle: HTML first\n---\n<h3>Twice</h3>\n\nText.\n\n### Twice\n",
}
# A site whose kramdown moves the levels of the headings it makes (an HTML one keeps its own); its
# table of contents still reads them as written.
OFFSET = """kramdown:
  header_offset: 2
  toc_levels: "1..2"
"""
OFFSET_POSTS: dict[str, str] = {
    "2024-09-01-moved.md": (
        "---\ntitle: Moved\nexcerpt_separator: <!--more-->\n---\n* list\n{:toc}\n\n# One\n\n## Two\n\n"
        '<h2>Html</h2>\n\n<div markdown="1">\n### Inside\n</div>\n\n#### Four {#four}\n\n<h3 id="own">Own</h3>\n'
    ),
}
SITES: dict[str, tuple[dict[str, str], str, Site]] = {
    "defaults": (DEFAULTS, "", Site()),
    "pretty": (
        PRETTY,
        'permalink: pretty\nexcerpt_separator: "<!--more-->"\n',
        Site(permalink="pretty", excerpt_separator="<!--more-->"),
    ),
    "scoped": (SCOPED, SCOPES, Site(defaults=yaml.safe_load(SCOPES)["defaults"])),
    "synced": (SYNCED, "future: true\nunpublished: true\n", Site(future=True, unpublished=True)),
    "kramdown": (KRAMDOWN_POSTS, KRAMDOWN, Site(kramdown=yaml.safe_load(KRAMDOWN)["kramdown"])),
    "offset": (OFFSET_POSTS, OFFSET, Site(kramdown=yaml.safe_load(OFFSET)["kramdown"])),
}
# Where postdrop reads a sample otherwise on purpose, with the reason.
KEPT: dict[tuple[str, str], dict[str, str]] = {
    ("defaults", "2024-03-04-said-yes.md"): {
        "title": "YAML 1.1 reads `title: Yes` as true (Jekyll's title); postdrop keeps a text field's text",
    },
}
CASES = [(site, name) for site, (posts, _, _) in SITES.items() for name in posts]


@pytest.fixture(scope="module")
def jekyll(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, Any]]]:
    built = {}
    for site, (posts, settings, _) in SITES.items():
        folder: Path = tmp_path_factory.mktemp(f"own-{site}")
        paths, folders = [], {}
        for name, text in posts.items():
            below, _, file = name.rpartition("/")
            (folder / file).write_text(text, encoding="utf-8")
            paths.append(folder / file)
            folders[file] = below if "_posts" in below.split("/") else f"_posts/{below}".rstrip("/")
        built[site] = build(paths, folder / "site", settings, folders=folders)
    return built


@pytest.mark.parametrize("case", CASES, ids=[f"{s}/{n}" for s, n in CASES])
def test_jekyll_fields_agree_on_written_samples(
    case: tuple[str, str], jekyll: dict[str, dict[str, dict[str, Any]]]
) -> None:
    site, name = case
    posts, _, settings = SITES[site]
    theirs = jekyll[site][name.rpartition("/")[2]]
    now = datetime.now(UTC)
    ours = parse_post(posts[name].encode(), f"posts/{name}", default_zone="UTC", site=settings, now=now)
    kept = KEPT.get(case, {})
    problems = field_problems(ours, theirs, kept=kept) + post_problems(ours, theirs, kept=kept)
    assert not problems, "\n".join(problems)


def test_the_samples_reach_each_status() -> None:
    now = datetime.now(UTC)
    statuses = {
        parse_post(text.encode(), f"posts/{name}", default_zone="UTC", now=now).status
        for name, text in DEFAULTS.items()
    }
    assert statuses == {"published", "unpublished", "scheduled"}
