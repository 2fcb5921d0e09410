"""`newssite init` and `newssite new article`: small files written from templates."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frontmatter

from newssite.config import did_you_mean, load_config
from newssite.errors import UsageError
from newssite.parse import parse_moment
from newssite.urls import InvalidSlugError, article_url, href, slugify

_CONFIG = """\
title = {title}
description = "Independent news from our town."
base_url = "https://news.example.org/"
language = "en"
timezone = "{timezone}"
theme = "default"
per_page = 20
# stale_after_days = 730   # label old stories "This article is more than 2 years old"

[[sections]]
slug = "news"
title = "News"
"""

_AUTHOR = """\
---
name: The Editors
role: Newsroom
---
The editors of {title}.
"""

_WELCOME = """\
---
title: {headline}
date: {date}
author: editor
section: news
summary: The first story of a new newsroom.
tags: [Announcements]
---
This is the first story of **{title}**. Edit it in `{path}`, or start another with

    newssite new article "Your headline" --section news --author editor

Stories are Markdown files with front matter: a headline, a date, authors and a section.
"""

_ABOUT = """\
---
title: About us
---
{title} is an independent newsroom. Write to the editors at editors@news.example.org.
"""

_GITIGNORE = "output/\noutput.tmp-*/\noutput.old-*/\noutput.lock\n.newssite-cache/\n"

_WORKFLOW = """\
name: Publish
on:
  push:
    branches: [main]
  schedule:
    - cron: "*/15 * * * *"   # scheduled stories go live within 15 minutes of their time
  workflow_dispatch:
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: pages
  cancel-in-progress: false
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - uses: actions/cache@v4
        with:
          path: .newssite-cache
          key: newssite-${{ github.sha }}
          restore-keys: newssite-
      - run: pip install newssite
      - run: newssite check
      - run: newssite build
      - uses: actions/upload-pages-artifact@v3
        with:
          path: output
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def init_site(
    directory: Path, *, title: str, timezone: str = "UTC", now: datetime | None = None
) -> list[Path]:
    """Write a new site that builds at once; refuse to touch a folder that has files."""
    if not title.strip():
        raise UsageError("--title: the outlet's name must not be empty")
    try:
        zone = ZoneInfo(timezone)
    except (ValueError, ZoneInfoNotFoundError):
        raise UsageError(
            f"--timezone: unknown time zone {timezone!r} (use an IANA name such as 'Europe/Kyiv')"
        ) from None
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} is a file; choose a new folder")
    if directory.exists() and any(directory.iterdir()):
        raise UsageError(f"{directory} is not empty; choose a new folder")
    moment = (now or datetime.now(zone)).astimezone(zone).replace(microsecond=0)
    story_dir = Path("content/articles") / f"{moment:%Y}" / f"{moment:%m}"
    story_path = story_dir / "welcome.md"
    files = {
        Path("newssite.toml"): _CONFIG.format(title=_toml_string(title), timezone=timezone),
        Path("content/authors/editor.md"): _AUTHOR.format(title=title),
        story_path: _WELCOME.format(
            headline=json.dumps(f"Welcome to {title}", ensure_ascii=False),  # valid YAML too
            title=title,
            date=moment.isoformat(),
            path=story_path.as_posix(),
        ),
        Path("content/pages/about.md"): _ABOUT.format(title=title),
        Path(".gitignore"): _GITIGNORE,
        Path(".github/workflows/publish.yml"): _WORKFLOW,
        Path("static/.gitkeep"): "",
    }
    written = []
    for relative, text in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def new_article(
    site_dir: Path,
    headline: str,
    section: str,
    authors: tuple[str, ...],
    date: str | None,
    now: datetime | None = None,
) -> tuple[Path, str]:
    """Write content/articles/YYYY/MM/<slug>.md; return its path and preview URL.

    A wrong --section, --author or --date is a usage error (exit 2) with a "did you mean".
    """
    config = load_config(site_dir)
    sections = [s.slug for s in config.sections]
    if section not in sections:
        hint = did_you_mean(section, sections) or f" (known: {', '.join(sections)})"
        raise UsageError(f"--section: unknown section '{section}'{hint}")
    known = sorted(p.stem for p in (site_dir / "content/authors").glob("*.md"))
    for author in authors:
        if author not in known:
            hint = did_you_mean(author, known) or f" (known: {', '.join(known) or 'none'})"
            raise UsageError(f"--author: unknown author '{author}'{hint}")
    if not headline.strip():
        raise UsageError("the headline must not be empty")
    try:
        slug = slugify(headline)
        moment = (
            parse_moment(date, config.timezone)
            if date
            else (now or datetime.now(config.timezone)).astimezone(config.timezone)
        )
    except InvalidSlugError:
        raise UsageError(f"cannot make a file name from the headline {headline!r}") from None
    except ValueError as error:
        raise UsageError(f"--date: {error}") from None
    moment = moment.astimezone(config.timezone).replace(microsecond=0)
    folder = site_dir / "content" / "articles" / f"{moment:%Y}" / f"{moment:%m}"
    path = folder / f"{slug}.md"
    if path.exists():
        raise UsageError(f"{path} already exists")
    post = frontmatter.Post(
        "Write the story here. The first paragraph is the summary unless you set one.\n",
        title=headline.strip(),
        date=moment.isoformat(),
        author=authors[0] if len(authors) == 1 else list(authors),
        section=section,
        summary="",
        tags=[],
    )
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(frontmatter.dumps(post, sort_keys=False) + "\n", encoding="utf-8")
    return path, "http://127.0.0.1:8000" + href(article_url(section, slug), "/")
