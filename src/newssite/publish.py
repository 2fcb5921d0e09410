"""`newssite publish` and `newssite unpublish`: flip a story's `draft:` and set its date.

The front matter is edited as text, one line at a time, so everything else in the file
(comments, key order, quoting, line endings) stays byte for byte as the reporter wrote it:
loading the YAML and dumping it again would lose all of that. Publishing checks the story
first, as `newssite check --strict` would (review.py), and writes nothing if it fails.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from newssite.config import SiteConfig, load_config
from newssite.errors import NewssiteError, UsageError
from newssite.model import BuildOptions
from newssite.parse import parse_moment, split_edition
from newssite.review import Review, review_stories
from newssite.sources import SourceFile, split
from newssite.urls import (
    InvalidSlugError,
    absolute,
    article_url,
    author_url,
    feed_url,
    json_feed_url,
    section_url,
    slugify,
)

# A top-level key at the start of a line: `date: value  # comment`.
_KEY_LINE = re.compile(r"(?P<key>[A-Za-z_][\w-]*)(?P<gap>[ \t]*:)(?P<space>[ \t]*)(?P<rest>.*)")
_BOUNDARY = re.compile(r"-{3,}[ \t]*")


# --- Editing front matter as text -------------------------------------------------------------


def with_field(text: str, key: str, value: str, path: str) -> str:
    """`text` with the top-level front-matter `key` set to the YAML scalar `value`.

    The value keeps the quotes the old one had and any comment after it; a missing key is
    added as the last line of the front matter. Every other byte is kept.
    """
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    start, end = _front_matter_span(lines, path)
    for index in range(start, end):
        line = lines[index]
        body = line.rstrip("\r\n")
        match = _KEY_LINE.fullmatch(body)
        if match is None or match["key"] != key:
            continue
        old, comment = _split_value(match["rest"])
        if not old:
            raise NewssiteError(
                f"write the value of {key} on its own line (`{key}: ...`) so it can be set",
                path=path,
                line=index + 1,
                field=key,
            )
        quote = old[0] if old[0] in "'\"" else ""
        new = f"{quote}{value}{quote}"
        lines[index] = body[: match.start("rest")] + new + comment + line[len(body) :]
        return "".join(lines)
    ending = _line_ending(lines[start - 1])
    lines.insert(end, f"{key}: {value}{ending}")
    return "".join(lines)


def _front_matter_span(lines: Sequence[str], path: str) -> tuple[int, int]:
    """The indexes of the first and one past the last front-matter line."""
    first = lines[0].removeprefix("\ufeff").rstrip("\r\n") if lines else ""
    if first.strip() != "---":
        raise NewssiteError("the story has no front matter (--- lines at the top)", path=path)
    for index in range(1, len(lines)):
        if _BOUNDARY.fullmatch(lines[index].rstrip("\r\n")):
            return 1, index
    raise NewssiteError("unterminated front matter (no closing ---)", path=path, line=1)


def _split_value(rest: str) -> tuple[str, str]:
    """A one-line YAML value and what follows it (spaces and a # comment)."""
    if rest[:1] in ("'", '"'):
        quote = rest[0]
        index = 1
        while index < len(rest):
            if rest[index] == "\\" and quote == '"':
                index += 2
                continue
            if rest[index] == quote:
                if quote == "'" and rest[index + 1 : index + 2] == "'":
                    index += 2
                    continue
                return rest[: index + 1], rest[index + 1 :]
            index += 1
        return rest, ""
    comment = re.search(r"[ \t]+#", rest)
    value = rest[: comment.start()] if comment else rest
    stripped = value.rstrip(" \t")
    return stripped, rest[len(stripped) :]


def _line_ending(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else "\n"


# --- The commands ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Published:
    path: Path
    url: str  # the absolute URL the story will have
    date: datetime  # the story's date: when it goes live
    scheduled: bool  # dated after now: it goes live at the first build after its date
    redated: bool  # False: it was published already, and its date was kept
    review: Review  # when it failed, nothing was written

    @property
    def written(self) -> bool:
        return not self.review.failed(strict=True)


def publish_story(
    site_dir: Path, story: Path, at: str | None, now: datetime, options: BuildOptions
) -> Published:
    """Check the story as it would be published (draft: false, dated now or `at`) and, only
    if it passes as `check --strict` would, write it so.

    A story that is not a draft and whose date has passed is live already: it is checked,
    and its date kept unless `at` is given (re-dating a published story misleads readers).
    """
    config = load_config(_site_of(site_dir, story), base_url=options.base_url)
    relative, text = _read_story(config, story)
    meta = _meta(text, relative)
    live = meta.get("draft") is not True and not _later_than(meta.get("date"), now, config)
    new_text = text
    if at is not None or not live:
        moment = _publish_moment(at, now, config)
        new_text = with_field(text, "date", moment.isoformat(), relative)
    if "draft" in meta:
        new_text = with_field(new_text, "draft", "false", relative)
    review = review_stories(
        config.site_dir,
        [relative],
        BuildOptions(now=now, drafts=False, future=True, base_url=options.base_url),
        replaced={relative: new_text.encode("utf-8")},
    )
    new_meta = _meta(new_text, relative)
    date = parse_moment(new_meta.get("date"), config.timezone)
    published = Published(
        config.site_dir / relative,
        _absolute_url(config, new_meta, relative),
        date,
        date > now,
        new_text != text and (at is not None or not live),
        review,
    )
    if published.written and new_text != text:
        _write(config.site_dir / relative, new_text)
    return published


def _later_than(value: object, now: datetime, config: SiteConfig) -> bool:
    try:
        return parse_moment(value, config.timezone) > now
    except ValueError:
        return True  # no usable date: not live; the check says what is wrong


@dataclass(frozen=True, slots=True)
class Unpublished:
    path: Path
    url: str
    already_draft: bool
    leaves: tuple[str, ...]  # absolute URLs of the feeds and sitemaps it leaves


def unpublish_story(site_dir: Path, story: Path) -> Unpublished:
    """Make the story a draft again (`draft: true`); say which feeds and sitemaps it leaves."""
    config = load_config(_site_of(site_dir, story))
    relative, text = _read_story(config, story)
    meta = _meta(text, relative)
    url = _absolute_url(config, meta, relative)
    if meta.get("draft") is True:
        return Unpublished(config.site_dir / relative, url, True, ())
    _write(config.site_dir / relative, with_field(text, "draft", "true", relative))
    return Unpublished(config.site_dir / relative, url, False, _lists_left(config, meta, url))


def _site_of(site_dir: Path, story: Path) -> Path:
    """The site folder: the one given when the story is in it, else the nearest folder above
    the story that has a newssite.toml (so `newssite publish my-site/content/articles/x.md`
    works from anywhere)."""
    given = site_dir.resolve()
    path = story.resolve() if story.exists() else (given / story).resolve()
    if path.is_relative_to(given) and (given / "newssite.toml").is_file():
        return given
    return next((folder for folder in path.parents if (folder / "newssite.toml").is_file()), given)


def _read_story(config: SiteConfig, story: Path) -> tuple[str, str]:
    """The story's path relative to the site folder, and its text."""
    path = story if story.is_absolute() else Path.cwd() / story
    if not path.is_file():
        alternative = config.site_dir / story
        path = alternative if alternative.is_file() else path
    if not path.is_file():
        raise UsageError(f"{story}: no such story file")
    try:
        relative = path.resolve().relative_to(config.site_dir).as_posix()
    except ValueError:
        raise UsageError(f"{story} is not inside the site {config.site_dir}") from None
    if not relative.startswith("content/articles/") or not relative.endswith(".md"):
        raise UsageError(f"{story} is not a story: stories are content/articles/**/*.md")
    data = path.read_bytes()
    try:
        return relative, data.decode("utf-8")
    except UnicodeDecodeError:
        raise NewssiteError("the file is not UTF-8 text", path=relative) from None


def _publish_moment(at: str | None, now: datetime, config: SiteConfig) -> datetime:
    if at is None:
        return now.astimezone(config.timezone).replace(microsecond=0)
    try:
        moment = parse_moment(at, config.timezone)
    except ValueError as error:
        raise UsageError(f"--at: {error}") from None
    if len(at.strip()) == 10:
        raise UsageError("--at: give a time too, e.g. 2026-12-01T06:00:00+02:00")
    return moment


def _meta(text: str, relative: str) -> dict[str, object]:
    return dict(split(SourceFile("articles", relative, text.encode("utf-8"), "")).meta)


def _slug_of(meta: dict[str, object], relative: str, config: SiteConfig) -> str:
    slug = meta.get("slug")
    if isinstance(slug, str):
        return slug.strip()
    path = Path(relative)
    stem = path.parent.name if path.stem == "index" else path.stem  # a story folder
    stem = split_edition(stem, config)[0]
    try:
        return slugify(stem)
    except InvalidSlugError:
        return stem


def _prefix_of(config: SiteConfig, meta: dict[str, object], relative: str) -> str:
    """The URL prefix of the story's edition ("" or "/uk"), by `lang:` or its file name."""
    lang = meta.get("lang")
    code = lang if isinstance(lang, str) else split_edition(Path(relative).stem, config)[1]
    found = [e for e in config.editions if code and e.code.lower() == code.lower()]
    return found[0].prefix if found else ""


def _absolute_url(config: SiteConfig, meta: dict[str, object], relative: str) -> str:
    section = meta.get("section")
    section = section.strip() if isinstance(section, str) else "?"
    url = _prefix_of(config, meta, relative) + article_url(
        section, _slug_of(meta, relative, config)
    )
    return absolute(url, config.base_url)


def _authors_of(meta: dict[str, object]) -> list[str]:
    value = meta.get("author")
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [name.strip() for name in names if isinstance(name, str) and name.strip()]


def _lists_left(config: SiteConfig, meta: dict[str, object], url: str) -> tuple[str, ...]:
    """The feeds and sitemaps of the last build that carry the story; when there was no
    build yet, the ones that would."""
    section = meta.get("section")
    prefix = urlsplit(url).path.removeprefix(config.base_path.rstrip("/"))
    prefix = next((e.prefix for e in config.languages if prefix.startswith(e.prefix + "/")), "")
    lists = [prefix + "/"]
    if isinstance(section, str):
        lists.append(prefix + section_url(section.strip()))
    lists += [prefix + author_url(author) for author in _authors_of(meta)]
    candidates = [
        feed for url_ in lists for feed in (feed_url(url_), json_feed_url(feed_url(url_)))
    ]
    candidates += ["/sitemap.xml", "/news-sitemap.xml"]
    output = config.output
    if not output.is_dir():
        return tuple(absolute(candidate, config.base_url) for candidate in candidates)
    found = [candidate for candidate in candidates if _carries(output / candidate.lstrip("/"), url)]
    found += [
        "/" + path.name for path in sorted(output.glob("sitemap?*.xml")) if _carries(path, url)
    ]
    return tuple(absolute(candidate, config.base_url) for candidate in found)


def _carries(path: Path, url: str) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return url.encode("utf-8") in data or url.replace("/", "\\/").encode("utf-8") in data


def _write(path: Path, text: str) -> None:
    """Replace the story whole (write beside it, then rename), so an editor or a crash never
    sees half a file."""
    temporary = path.with_name(f".{path.name}.newssite-tmp")
    temporary.write_bytes(text.encode("utf-8"))
    os.chmod(temporary, path.stat().st_mode & 0o7777)
    temporary.replace(path)
