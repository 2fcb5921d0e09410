"""`newssite init` and `newssite new article`: small files written from templates."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frontmatter

from newssite.config import Edition, SiteConfig, did_you_mean, load_config
from newssite.errors import NewssiteError, UsageError
from newssite.parse import PLACEHOLDER_BODY, parse_moment, split_edition
from newssite.sources import SourceFile, split
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

    newssite new article "Your headline"

which writes a draft; `newssite publish` checks it and puts it live at the next build.

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


@dataclass(frozen=True, slots=True)
class NewStory:
    path: Path
    preview_url: str
    draft: bool
    section: str
    authors: tuple[str, ...]
    defaults: tuple[str, ...]  # what was chosen for the reporter, e.g. "by ana (your git email)"


def new_article(
    site_dir: Path,
    headline: str,
    section: str | None,
    authors: tuple[str, ...],
    date: str | None,
    now: datetime | None = None,
    *,
    publish: bool = False,
    git_email: str | None = None,
    lang: str | None = None,
    translation_of: Path | None = None,
) -> NewStory:
    """Write content/articles/YYYY/MM/<slug>.md, a draft unless `publish`.

    Without --section or --author, the site's only section or author is used, and the
    author whose `email:` is the reporter's git email comes first. A wrong --section,
    --author or --date is a usage error (exit 2) with a "did you mean".

    With `lang` (an edition's code) the file name carries it: <slug>.uk.md. With
    `translation_of` (the original's file) the translation is written beside it, under the
    original's name with the suffix, and in the original's section unless one is given.
    """
    config = load_config(site_dir)
    edition = _chosen_edition(lang, config)
    original = _original(site_dir, translation_of) if translation_of is not None else None
    if original is not None and edition.default:
        raise UsageError("--translation-of: give --lang, the language of the translation")
    if original is not None and section is None:
        section = _section_of(site_dir, original)
    sections = [s.slug for s in config.sections]
    section, section_reason = _chosen_section(section, sections)
    emails = _author_emails(site_dir)
    known = sorted(emails)
    authors, author_reason = _chosen_authors(authors, emails, git_email)
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
    zone = edition.timezone or config.timezone
    moment = moment.astimezone(zone).replace(microsecond=0)
    folder = site_dir / "content" / "articles" / f"{moment:%Y}" / f"{moment:%m}"
    suffix = "" if edition.default else f".{edition.code}"
    path = folder / f"{slug}{suffix}.md"
    if original is not None:
        folder = original.parent
        slug = split_edition(original.stem, config)[0]
        path = folder / f"{slug}{suffix}.md"
    if path.exists():
        raise UsageError(f"{path} already exists")
    post = frontmatter.Post(
        PLACEHOLDER_BODY + "\n",
        title=headline.strip(),
        date=moment.isoformat(),
        author=authors[0] if len(authors) == 1 else list(authors),
        section=section,
        summary="",
        tags=[],
        draft=not publish,
    )
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(frontmatter.dumps(post, sort_keys=False) + "\n", encoding="utf-8")
    url = "http://127.0.0.1:8000" + href(edition.prefix + article_url(section, slug), "/")
    defaults = (
        *([f"section {section} ({section_reason})"] if section_reason != "given" else []),
        *([f"by {', '.join(authors)} ({author_reason})"] if author_reason != "given" else []),
    )
    return NewStory(path, url, not publish, section, authors, defaults)


def _chosen_edition(lang: str | None, config: SiteConfig) -> Edition:
    if lang is None:
        return config.editions[0]
    codes = {e.code.lower(): e for e in config.editions}
    if lang.lower() not in codes:
        known = [e.code for e in config.editions]
        hint = did_you_mean(lang, known) or f" (editions: {', '.join(known)})"
        raise UsageError(
            f"--lang: '{lang}' is not an edition of this site{hint}; add it to "
            "[[languages]] in newssite.toml"
        )
    return codes[lang.lower()]


def _original(site_dir: Path, given: Path) -> Path:
    """The original story's file, given as a path from here, the site or content/."""
    for path in (given, site_dir / given, site_dir / "content" / given):
        if path.is_file():
            return path
    raise UsageError(f"--translation-of: no story file {given}")


def _section_of(site_dir: Path, original: Path) -> str | None:
    try:
        relative = original.resolve().relative_to(site_dir.resolve()).as_posix()
        meta = split(SourceFile("articles", relative, original.read_bytes(), "")).meta
    except (ValueError, OSError, NewssiteError):
        return None
    section = meta.get("section")
    return section if isinstance(section, str) else None


def _chosen_section(given: str | None, sections: list[str]) -> tuple[str, str]:
    if given is None:
        if len(sections) == 1:
            return sections[0], "the only section"
        raise UsageError(f"--section: choose one of {', '.join(sections)}")
    if given not in sections:
        hint = did_you_mean(given, sections) or f" (known: {', '.join(sections)})"
        raise UsageError(f"--section: unknown section '{given}'{hint}")
    return given, "given"


def _chosen_authors(
    given: tuple[str, ...], emails: dict[str, str], git_email: str | None
) -> tuple[tuple[str, ...], str]:
    if given:
        return tuple(dict.fromkeys(given)), "given"
    if git_email:
        mine = [slug for slug, email in emails.items() if email == git_email.strip().lower()]
        if len(mine) == 1:
            return (mine[0],), "your git email"
    if len(emails) == 1:
        return (next(iter(emails)),), "the only author"
    known = ", ".join(sorted(emails)) or "none yet: add content/authors/<slug>.md"
    raise UsageError(
        f"--author: choose who writes it ({known}); or set `email:` in your author file to "
        "the address of `git config user.email`, and you are the default"
    )


def _author_emails(site_dir: Path) -> dict[str, str]:
    """Author slug (file name) -> the author's `email:` in lowercase, or ""."""
    emails: dict[str, str] = {}
    for path in sorted((site_dir / "content/authors").glob("*.md")):
        relative = path.relative_to(site_dir).as_posix()
        data = path.read_bytes()
        try:
            meta = split(SourceFile("authors", relative, data, "")).meta
        except NewssiteError:
            meta = {}  # the build reports it
        email = meta.get("email")
        emails[path.stem] = email.strip().lower() if isinstance(email, str) else ""
    return emails


def git_user_email(folder: Path) -> str | None:
    """The reporter's `git config user.email` as seen from `folder`, if git has one."""
    try:
        done = subprocess.run(
            ["git", "config", "user.email"],
            cwd=folder if folder.is_dir() else None,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
