"""Turn split sources into typed Articles, Authors and StandalonePages, collecting every error."""

from __future__ import annotations

import difflib
import re
import signal
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from html import escape, unescape
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError

from newssite.cache import BuildCache, cache_salt, parse_key
from newssite.config import SiteConfig
from newssite.errors import NewssiteError
from newssite.markup import ASSET_SCHEME, MarkupRenderer, MarkupSettings, RenderedBody
from newssite.model import (
    STORY_TYPES,
    Alert,
    Article,
    Author,
    Correction,
    FrontLayout,
    FrontPage,
    FrontSlot,
    FrozenDict,
    LiveUpdate,
    Photo,
    Removal,
    Series,
    Sponsor,
    StandalonePage,
)
from newssite.sources import FRONT_FILE, RawDocument, SourceFile, split, split_yaml
from newssite.urls import (
    InvalidSlugError,
    alias_segment_ok,
    author_url,
    explain_bad_slug,
    is_slug,
    slugify,
)

ARTICLE_FIELDS = (
    "title",
    "date",
    "author",
    "section",
    "summary",
    "tags",
    "photo",
    "updated",
    "slug",
    "draft",
    "corrections",
    "removed",
    "aliases",
    "type",
    "sponsor",
    "dateline",
    "byline",
    "live",
    "live_end",
    "lang",
    "translation_of",
    "series",
)
UPDATE_FIELDS = ("date", "title", "author", "pinned", "photo")
SPONSOR_FIELDS = ("name", "url")
UPDATES_FOLDER = "updates"
AUTHOR_FIELDS = ("name", "role", "avatar", "links", "email", "slug")
PAGE_FIELDS = ("title", "summary", "slug", "draft", "aliases", "lang", "translation_of")
PHOTO_FIELDS = ("src", "alt", "caption", "credit")
CORRECTION_FIELDS = ("date", "text")
REMOVAL_FIELDS = ("date", "reason")
_URL_SCHEMES = frozenset({"http", "https"})
PARALLEL_THRESHOLD = 200
# The body `newssite new article` writes; a story that still holds it is not finished.
PLACEHOLDER_BODY = "Write the story here. The first paragraph is the summary unless you set one."
# The newsroom's "to come" markers, in capitals as desks write them: TK, TKTK, TODO. Not a
# part of a longer word or name ("TKO", "TK-421", "TK Maxx"), nor inside code or a URL.
_MARKER = re.compile(r"(?<![\w/.-])(?:TODO|TK(?:TK)*(?!\s[A-Z][a-z]))(?![\w-])")
_CODE_OR_URL = re.compile(r"`[^`\n]*`|\]\([^)\n]*\)|<?https?://[^\s>)]+")
# What a body must hold for the line by line search below to find anything.
_MAY_BE_UNFINISHED = re.compile(f"TK|TODO|{re.escape(PLACEHOLDER_BODY.split('.')[0])}")
_MARKER_FIELDS = ("title", "summary", "photo.caption", "photo.credit", "photo.alt")


@dataclass(frozen=True, slots=True)
class Documents:
    articles: tuple[Article, ...]
    authors: tuple[Author, ...]
    pages: tuple[StandalonePage, ...]
    warnings: tuple[NewssiteError, ...] = ()
    keys: tuple[str, ...] = ()  # cache keys of the sources, to prune the cache
    updates: tuple[LiveUpdate, ...] = ()  # the updates of live stories
    series: tuple[Series, ...] = ()
    fronts: tuple[FrontPage, ...] = ()
    alert: Alert | None = None


class _Fields:
    """Typed access to one document's front matter; problems are collected, not raised."""

    def __init__(self, raw: RawDocument) -> None:
        self.raw = raw
        self.problems: list[NewssiteError] = []
        self.warnings: list[NewssiteError] = []

    def error(self, name: str, message: str) -> None:
        line = (
            self.raw.lines.get(name)
            or self.raw.lines.get(name.split(".")[0])
            or self.raw.lines.get(re.split(r"[.\[]", name)[0])
        )
        self.problems.append(
            NewssiteError(message, path=self.raw.source.path, line=line or 1, field=name)
        )

    def warn(self, name: str, message: str) -> None:
        line = self.raw.lines.get(name)
        self.warnings.append(
            NewssiteError(message, path=self.raw.source.path, line=line or 1, field=name)
        )

    def text(self, name: str, *, required: bool = False, value: object = None) -> str:
        found = self.raw.meta.get(name) if value is None else value
        if found is None:
            if required:
                self.error(name, "required field is missing")
            return ""
        if not isinstance(found, str):
            hint = " (put it in quotes)" if isinstance(found, int | float | bool) else ""
            self.error(name, f"expected text, got {_kind(found)}{hint}")
            return ""
        if required and not found.strip():
            self.error(name, "must not be empty")
        return found.strip()

    def flag(self, name: str) -> bool:
        found = self.raw.meta.get(name, False)
        if not isinstance(found, bool):
            self.error(name, f"expected true or false, got {_kind(found)}")
            return False
        return found

    def unknown_keys(self, known: tuple[str, ...]) -> dict[str, object]:
        extra = {}
        for key, value in self.raw.meta.items():
            if key in known:
                continue
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
            if close:
                self.warn(key, f"unknown field (did you mean '{close[0]}'?)")
            extra[key] = value
        return extra


def _kind(value: object) -> str:
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        str: "text",
    }
    return "nothing" if value is None else names.get(type(value), type(value).__name__)


def parse_moment(value: object, zone: ZoneInfo) -> datetime:
    """An ISO 8601 date or datetime as an aware datetime; naive times are in the site zone."""
    if isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ValueError(f"expected an ISO 8601 date, got {_kind(value)}")
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time())
        else:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise ValueError(
            f"invalid date {text!r} (use e.g. 2026-11-24 or 2026-11-24T08:30:00-05:00)"
        ) from None
    aware = moment if moment.tzinfo is not None else _localize(moment, zone)
    # A fixed offset, not the zone object: cached and fresh parses must compare equal.
    return aware.astimezone(timezone(aware.utcoffset() or timedelta()))


def gives_offset(value: object) -> bool:
    """Whether a front-matter date names its UTC offset; if not, the site time zone is assumed."""
    if isinstance(value, datetime):
        return value.tzinfo is not None
    if not isinstance(value, str):
        return not isinstance(value, date)
    text = value.strip()
    if len(text) == 10:
        return False
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1)).tzinfo is not None
    except ValueError:
        return True  # not a date at all: the build reports that


def _localize(moment: datetime, zone: ZoneInfo) -> datetime:
    # Naive dates use the site timezone because field reporters often omit the offset.
    early = moment.replace(tzinfo=zone, fold=0)
    late = moment.replace(tzinfo=zone, fold=1)
    round_trip = early.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    if round_trip != moment:
        raise ValueError(f"nonexistent local time in {zone.key} (DST gap); give an offset")
    if early.utcoffset() != late.utcoffset():
        raise ValueError(
            f"ambiguous local time in {zone.key} (DST overlap); give an offset such as "
            f"{_offset(early)} or {_offset(late)}"
        )
    return early


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset() or timedelta()
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def check_url(value: str) -> str | None:
    """None if the URL is acceptable for front matter, else what is wrong with it."""
    scheme = urlsplit(value).scheme.lower()
    if not scheme:
        return None
    if scheme not in _URL_SCHEMES:
        return f"unsupported URL scheme '{scheme}'"
    return None


class _Context:
    def __init__(self, config: SiteConfig, renderer: MarkupRenderer) -> None:
        self.config = config
        self.renderer = renderer
        self.static_dir = config.site_dir / "static"
        self.section_slugs = tuple(section.slug for section in config.sections)
        self.site_root = config.site_dir.resolve()
        self.files: dict[str, str] = {}  # a local file's state, by path: see file_state

    def file_state(self, name: str) -> str:
        """ "missing", "outside" (a symlink out of the site) or "ok": many stories share a
        photo, and a parse sees each file once."""
        state = self.files.get(name)
        if state is None:
            path = self.config.site_dir / name
            if not path.is_file():
                state = "missing"
            elif not path.resolve().is_relative_to(self.site_root):
                state = "outside"
            else:
                state = "ok"
            self.files[name] = state
        return state


def _photo(fields: _Fields, name: str, value: object, ctx: _Context) -> Photo | None:
    """A photo mapping (or just its src); src is a URL, /static path or path beside the file."""
    if value is None:
        return None
    mapping: Mapping[str, object] = {"src": value} if isinstance(value, str) else value  # type: ignore[assignment]
    if not isinstance(mapping, Mapping):
        fields.error(name, f"expected a mapping with src, alt, caption, credit; got {_kind(value)}")
        return None
    for key in mapping:
        if key not in PHOTO_FIELDS:
            close = difflib.get_close_matches(key, PHOTO_FIELDS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            fields.error(f"{name}.{key}", f"unknown photo field{hint}")
    texts = {
        key: fields.text(
            f"{name}.{key}",
            value=mapping.get(key) if mapping.get(key) is not None else "",
            required=key == "src",
        )
        for key in PHOTO_FIELDS
    }
    src = texts["src"]
    if not src:
        return None
    problem = check_url(src)
    if problem:
        fields.error(f"{name}.src", problem)
        return None
    if urlsplit(src).scheme:
        return Photo(src=src, alt=texts["alt"], caption=texts["caption"], credit=texts["credit"])
    source = _local_file(fields, f"{name}.src", src, ctx)
    if source is None:
        return None
    published = src if src.startswith("/") else f"{ASSET_SCHEME}{source}"
    return Photo(published, texts["alt"], texts["caption"], texts["credit"], source=source)


def _local_file(fields: _Fields, name: str, src: str, ctx: _Context) -> str | None:
    if src.startswith("/"):
        candidate = PurePosixPath("static") / src.lstrip("/")
    else:
        candidate = PurePosixPath(fields.raw.source.path).parent / src
    normal = PurePosixPath(*_normal_parts(candidate))
    if not normal.parts or normal.parts[0] in ("..",) or ".." in normal.parts:
        fields.error(name, f"{src!r} points outside the site")
        return None
    state = ctx.file_state(str(Path(*normal.parts)))
    if state == "missing":
        hint = (
            "paths starting with / are looked up in static/"
            if src.startswith("/")
            else ("relative paths are looked up beside the story")
        )
        fields.error(name, f"file not found: {normal} ({hint})")
        return None
    if state == "outside":
        fields.error(name, f"{src!r} is a symlink that points outside the site")
        return None
    return str(normal)


def _normal_parts(path: PurePosixPath) -> list[str]:
    parts: list[str] = []
    for part in path.parts:
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            else:
                parts.append("..")
        else:
            parts.append(part)
    return parts


def _slug(fields: _Fields, source: SourceFile, config: SiteConfig | None = None) -> str:
    explicit = fields.raw.meta.get("slug")
    if explicit is not None:
        text = fields.text("slug")
        if text and not is_slug(text):
            fields.error("slug", explain_bad_slug(text))
            return ""
        return text
    path = PurePosixPath(source.path)
    stem = path.parent.name if path.stem == "index" else path.stem  # a story folder
    if config is not None and config.languages:
        stem = split_edition(stem, config)[0]
    try:
        return slugify(stem)
    except InvalidSlugError:
        fields.error("slug", f"cannot make a slug from the file name {stem!r}; add a slug field")
        return ""


def split_edition(stem: str, config: SiteConfig) -> tuple[str, str | None]:
    """A file name's stem without its edition suffix, and the suffix: "vote.uk" -> ("vote",
    "uk"). A suffix that names no language is part of the name ("v2.final")."""
    name, dot, suffix = stem.rpartition(".")
    if not config.languages or not dot or not name:
        return stem, None
    if any(suffix.lower() == edition.code.lower() for edition in config.editions):
        return name, suffix
    if len(suffix) <= 8 and _is_language(suffix):
        return name, suffix
    return stem, None


def _is_language(code: str) -> bool:
    try:
        Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _edition(fields: _Fields, source: SourceFile, config: SiteConfig) -> tuple[str, str, str]:
    """(edition code, URL prefix, the source its translations share) of a story or page."""
    stem, suffix = split_edition(PurePosixPath(source.path).stem, config)
    lang = fields.text("lang")
    codes = {edition.code.lower(): edition for edition in config.editions}
    code = lang or suffix
    edition = config.editions[0]
    if code:
        if code.lower() not in codes:
            known = ", ".join(e.code for e in config.editions)
            name = "lang" if lang else "file name"
            fields.error(
                "lang",
                f"'{code}' in the {name} is not an edition of this site (editions: {known}; "
                "add it to [[languages]] in newssite.toml)",
            )
        else:
            edition = codes[code.lower()]
    original = fields.text("translation_of")
    if original:
        path = PurePosixPath("content", original)
        stem_of, _ = split_edition(path.stem, config)
        group = str(path.with_name(stem_of + path.suffix))
    else:
        path = PurePosixPath(source.path)
        group = str(path.with_name(stem + path.suffix))
    return ("" if edition.default else edition.code), edition.prefix, group


def parse_article(raw: RawDocument, ctx: _Context) -> tuple[Article | None, _Fields]:
    fields = _Fields(raw)
    meta = raw.meta
    code, prefix, group = _edition(fields, raw.source, ctx.config)
    zone = ctx.config.edition(code).timezone or ctx.config.timezone
    title = fields.text("title", required=True)
    moment = _moment(fields, "date", meta.get("date"), zone, required=True)
    updated = _moment(fields, "updated", meta.get("updated"), zone, required=False)
    if moment and updated and updated < moment:
        fields.error("updated", "is before the story's date")
    byline = fields.text("byline")
    authors = _authors(fields, meta.get("author"), required=not byline)
    section = fields.text("section", required=True)
    if section and section not in ctx.section_slugs:
        close = difflib.get_close_matches(section, ctx.section_slugs, n=1)
        hint = (
            f" (did you mean '{close[0]}'?)"
            if close
            else f" (known: {', '.join(ctx.section_slugs)})"
        )
        fields.error("section", f"unknown section '{section}'{hint}")
    summary = fields.text("summary")
    tags = _tags(fields, meta.get("tags"))
    photo = _photo(fields, "photo", meta.get("photo"), ctx)
    slug = _slug(fields, raw.source, ctx.config)
    draft = fields.flag("draft")
    corrections = _corrections(fields, meta.get("corrections"), zone, moment)
    removed = _removal(fields, meta.get("removed"), zone, moment)
    aliases = _aliases(fields, meta.get("aliases"))
    story_type = _story_type(fields, meta.get("type"), section, ctx)
    sponsor = _sponsor(fields, meta.get("sponsor"), story_type)
    dateline = fields.text("dateline")
    live = fields.flag("live")
    live_end = _moment(fields, "live_end", meta.get("live_end"), zone, required=False)
    if live_end is not None and not gives_offset(meta.get("live_end")):
        fields.error(
            "live_end", "give the time with its UTC offset, e.g. 2026-11-24T18:00:00+02:00"
        )
    if live_end is not None and not live:
        fields.error("live_end", "only a live story (live: true) has an end of live coverage")
    if live and PurePosixPath(raw.source.path).name != "index.md":
        fields.error("live", "a live story is a folder: put it in <slug>/index.md beside updates/")
    series = fields.text("series")
    if series and not is_slug(series):
        fields.error("series", f"not a series slug: {series!r} (lowercase a-z, 0-9 and dashes)")
    extra = fields.unknown_keys(ARTICLE_FIELDS)
    if not draft and removed is None:
        _check_finished(fields, raw)
    body = _render(fields, ctx, raw)
    if fields.problems or moment is None or body is None:
        return None, fields
    html = body.html
    if story_type == "sponsored":
        html = sponsored_links(html)
    if dateline:
        html = with_dateline(html, dateline)
    article = Article(
        source=raw.source.path,
        slug=slug,
        title=title,
        section=section,
        authors=authors,
        date=moment,
        updated=updated,
        body_html=html,
        summary=summary or body.summary,
        reading_minutes=body.reading_minutes,
        photo=photo,
        tags=tags,
        draft=draft,
        extra=FrozenDict(extra),
        links=body.links,
        assets=_published_files(body, photo),
        lines=_lines_with_images(raw),
        corrections=corrections,
        removed=removed,
        aliases=aliases,
        story_type=story_type,
        sponsor=sponsor,
        dateline=dateline,
        byline=byline,
        live=live,
        live_end=live_end,
        edition=code,
        prefix=prefix,
        translations=group,
        series=series,
    )
    return article, fields


def is_update_path(path: str) -> bool:
    """Whether a source is an update of a live story: content/articles/…/<slug>/updates/x.md."""
    parts = path.split("/")
    return len(parts) >= 5 and parts[1] == "articles" and parts[-2] == UPDATES_FOLDER


def story_of_update(path: str) -> str:
    """The live story an update belongs to: the index.md of the folder above updates/."""
    return str(PurePosixPath(path).parent.parent / "index.md")


def parse_update(raw: RawDocument, ctx: _Context) -> tuple[LiveUpdate | None, _Fields]:
    """One update of a live story; its date must carry its UTC offset."""
    fields = _Fields(raw)
    meta = raw.meta
    value = meta.get("date")
    moment = _moment(fields, "date", value, ctx.config.timezone, required=True)
    if moment is not None and not gives_offset(value):
        fields.error(
            "date", "an update's time needs its UTC offset, e.g. 2026-11-24T14:05:00+02:00"
        )
    title = fields.text("title")
    author = fields.text("author")
    pinned = fields.flag("pinned")
    photo = _photo(fields, "photo", meta.get("photo"), ctx)
    fields.unknown_keys(UPDATE_FIELDS)
    if raw.body.strip():
        _check_finished(fields, raw)
    else:
        fields.problems.append(_body_problem(raw, 0, "the update has no text"))
    body = _render(fields, ctx, raw)
    if fields.problems or moment is None or body is None:
        return None, fields
    path = PurePosixPath(raw.source.path)
    update = LiveUpdate(
        source=raw.source.path,
        story=story_of_update(raw.source.path),
        anchor=f"update-{path.stem}",
        date=moment,
        body_html=body.html,
        text=_plain_text(body.html),
        title=title,
        author=author,
        pinned=pinned,
        photo=photo,
        lines=_lines_with_images(raw),
        links=body.links,
        assets=_published_files(body, photo),
    )
    return update, fields


_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|figcaption|td|th)>|<br\s*/?>")
_EXTERNAL_LINK = re.compile(r'<a href="(?:https?:)?//[^"]*"(?![^>]*\brel=)')


def _plain_text(html: str) -> str:
    return " ".join(unescape(_TAG.sub("", _BLOCK_END.sub(" ", html))).split())


def sponsored_links(html: str) -> str:
    """Outbound links of a sponsored story tell search engines they are paid for."""
    return _EXTERNAL_LINK.sub(lambda match: match.group() + ' rel="sponsored"', html)


def with_dateline(html: str, dateline: str) -> str:
    """The body opened with the dateline: "KYIV — " before the first paragraph's text."""
    mark = f'<span class="dateline">{escape(dateline)} —</span> '
    if html.startswith("<p>"):
        return "<p>" + mark + html[3:]
    return f"<p>{mark.rstrip()}</p>\n{html}"


def _story_type(fields: _Fields, value: object, section: str, ctx: _Context) -> str:
    """The story's type, or its section's default type."""
    if value is None:
        return next((s.type for s in ctx.config.sections if s.slug == section), "news")
    kind = fields.text("type")
    if kind not in STORY_TYPES:
        hint = did_you_mean_field(kind, STORY_TYPES) or f" (use {', '.join(STORY_TYPES)})"
        fields.error("type", f"unknown story type {kind!r}{hint}")
        return "news"
    return kind


def _sponsor(fields: _Fields, value: object, story_type: str) -> Sponsor | None:
    """Who paid for a sponsored story: required for `type: sponsored`, refused on others."""
    if value is None:
        if story_type == "sponsored":
            fields.error("sponsor", "a sponsored story needs sponsor: { name, url }")
        return None
    if story_type != "sponsored":
        fields.error("sponsor", "only a sponsored story (type: sponsored) has a sponsor")
        return None
    if not isinstance(value, Mapping):
        fields.error("sponsor", f"expected a mapping with name and url, got {_kind(value)}")
        return None
    _unknown_subfields(fields, "sponsor", value, SPONSOR_FIELDS)
    name = fields.text("sponsor.name", value=value.get("name", ""), required=True)
    url = fields.text("sponsor.url", value=value.get("url", ""), required=True)
    if url and (check_url(url) or not urlsplit(url).scheme):
        fields.error("sponsor.url", "expected an absolute http(s) URL")
        return None
    return Sponsor(name, url) if name and url else None


def _check_finished(fields: _Fields, raw: RawDocument) -> None:
    """A story about to be published must not hold the placeholder of `new article`, an
    empty body or a TK/TODO marker; a draft (`draft: true`) may."""
    keep_draft = "finish it, or keep the story a draft (draft: true)"
    if not raw.body.strip():
        fields.problems.append(_body_problem(raw, 0, f"the story has no body; {keep_draft}"))
    in_code = False
    lines = raw.body.split("\n") if _MAY_BE_UNFINISHED.search(raw.body) else ()
    for offset, text in enumerate(lines):
        if text.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        if in_code:
            continue
        if PLACEHOLDER_BODY.split(".")[0] in text:
            message = f"still holds the placeholder text of `newssite new article`; {keep_draft}"
            fields.problems.append(_body_problem(raw, offset, message))
        elif marker := _MARKER.search(_CODE_OR_URL.sub(" ", text)):
            message = f"{marker.group()} marks something still to come; {keep_draft}"
            fields.problems.append(_body_problem(raw, offset, message))
    for name in _MARKER_FIELDS:
        key, _, sub = name.partition(".")
        value = raw.meta.get(key)
        value = value.get(sub) if sub and isinstance(value, Mapping) else (None if sub else value)
        if isinstance(value, str) and (marker := _MARKER.search(value)):
            fields.error(name, f"{marker.group()} marks something still to come; {keep_draft}")


def _body_problem(raw: RawDocument, offset: int, message: str) -> NewssiteError:
    return NewssiteError(message, path=raw.source.path, line=raw.body_line + offset, field="body")


def _published_files(body: RenderedBody, photo: Photo | None) -> tuple[str, ...]:
    """Local files published beside the story: body images and a photo kept next to it."""
    files = list(body.assets)
    if photo and photo.source and photo.src.startswith(ASSET_SCHEME):
        files.append(photo.source)
    return tuple(dict.fromkeys(files))


def _moment(
    fields: _Fields, name: str, value: object, zone: ZoneInfo, *, required: bool
) -> datetime | None:
    if value is None:
        if required:
            fields.error(name, "required field is missing")
        return None
    try:
        return parse_moment(value, zone)
    except ValueError as error:
        fields.error(name, str(error))
        return None


def _unknown_subfields(
    fields: _Fields, name: str, mapping: Mapping[str, object], known: tuple[str, ...]
) -> None:
    for key in mapping:
        if key not in known:
            hint = did_you_mean_field(key, known) or f" (use {', '.join(known)})"
            fields.error(f"{name}.{key}", f"unknown field{hint}")


def did_you_mean_field(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _corrections(
    fields: _Fields, value: object, zone: ZoneInfo, published: datetime | None
) -> tuple[Correction, ...]:
    """`corrections:` a list of {date, text}; each becomes a notice on the page."""
    if value is None:
        return ()
    if not isinstance(value, list):
        fields.error(
            "corrections",
            f"expected a list of {{date, text}}, got {_kind(value)} "
            "(e.g. corrections: [{date: 2026-11-21, text: An earlier version misspelled ...}])",
        )
        return ()
    found = []
    for index, item in enumerate(value):
        name = f"corrections[{index}]"
        if not isinstance(item, Mapping):
            fields.error(name, f"expected a mapping with date and text, got {_kind(item)}")
            continue
        _unknown_subfields(fields, name, item, CORRECTION_FIELDS)
        moment = _moment(fields, f"{name}.date", item.get("date"), zone, required=True)
        text = _required_text(fields, f"{name}.text", item.get("text"))
        if moment and published and moment < published:
            fields.error(
                f"{name}.date",
                "is before the story's date: a correction cannot come before the story it "
                "corrects, and readers and news search see both dates",
            )
        elif moment and text:
            found.append(Correction(moment, text))
    return tuple(sorted(found, key=lambda correction: correction.date))


def _removal(
    fields: _Fields, value: object, zone: ZoneInfo, published: datetime | None
) -> Removal | None:
    """`removed: {date, reason}`: the story is taken down and replaced by a short notice."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        fields.error(
            "removed",
            f"expected a mapping with date and reason, got {_kind(value)} "
            "(e.g. removed: {date: 2026-11-30, reason: At the request of a court.})",
        )
        return None
    _unknown_subfields(fields, "removed", value, REMOVAL_FIELDS)
    moment = _moment(fields, "removed.date", value.get("date"), zone, required=True)
    reason = value.get("reason")
    text = fields.text("removed.reason", value=reason) if reason is not None else ""
    if moment and published and moment < published:
        fields.error("removed.date", "is before the story's date")
        return None
    return Removal(moment, text) if moment else None


def _required_text(fields: _Fields, name: str, value: object) -> str:
    if value is None:
        fields.error(name, "required field is missing")
        return ""
    return fields.text(name, value=value, required=True)


def alias_problem(alias: str) -> str | None:
    """What is wrong with an alias (an old URL of this site), or None."""
    if "://" in alias or alias.startswith("//"):
        return "give the old URL as a path of this site, without https:// and the host"
    if not alias.startswith("/"):
        return "an old URL of this site starts with / (e.g. /news/old-slug/)"
    if "?" in alias or "#" in alias:
        return "an alias cannot have a query (?) or a fragment (#)"
    if any(part in (".", "..") for part in alias.split("/")) or "//" in alias:
        return "an alias cannot contain '.', '..' or empty path segments"
    segments = alias.strip("/").split("/")
    if any(segment.startswith(".") or not alias_segment_ok(segment) for segment in segments):
        return "use only letters, digits, '-', '_', '.' and '/' in an alias"
    last = alias.rstrip("/").rsplit("/", 1)[-1]
    if not alias.endswith("/") and "." in last and not last.endswith((".html", ".htm")):
        return "only page URLs can redirect: end the alias with / or .html"
    return None


def _aliases(fields: _Fields, value: object) -> tuple[str, ...]:
    """`aliases:` old URLs of the story (after a slug change); each one redirects here."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        fields.error("aliases", "expected a list of old URLs, e.g. [/news/old-slug/]")
        return ()
    found = []
    for index, item in enumerate(items):
        # An old URL as the browser showed it (/greek/%CE%B5.../) is the same page as its
        # decoded form, and the decoded path is where a web server looks for the file.
        alias = unicodedata.normalize("NFC", unquote(item.strip()))
        problem = alias_problem(alias)
        if problem:
            fields.error(f"aliases[{index}]", f"{alias!r}: {problem}")
            continue
        last = alias.rsplit("/", 1)[-1]
        found.append(alias if alias.endswith("/") or "." in last else alias + "/")
    return tuple(dict.fromkeys(found))


def _authors(fields: _Fields, value: object, *, required: bool = True) -> tuple[str, ...]:
    if value is None:
        if required:
            fields.error("author", "required field is missing (or give a byline)")
        return ()
    names = [value] if isinstance(value, str) else value
    if (
        not isinstance(names, list)
        or not names
        or not all(isinstance(n, str) and n.strip() for n in names)
    ):
        fields.error("author", "expected an author slug or a list of author slugs")
        return ()
    return tuple(dict.fromkeys(name.strip() for name in names))


def _tags(fields: _Fields, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        fields.error("tags", "expected a list of text, e.g. [Harbor, City Council]")
        return ()
    tags = []
    for tag in value:
        try:
            slugify(tag)
        except InvalidSlugError:
            fields.error("tags", f"tag {tag!r} has no letters or digits")
            continue
        tags.append(" ".join(tag.split()))
    return tuple(dict.fromkeys(tags))


def _render(fields: _Fields, ctx: _Context, raw: RawDocument) -> RenderedBody | None:
    try:
        body = ctx.renderer.render(raw.body, raw.source.path)
    except RecursionError:
        fields.problems.append(
            NewssiteError(
                "the body is nested too deeply to render",
                path=raw.source.path,
                line=raw.body_line,
                field="body",
            )
        )
        return None
    _check_body_files(fields, body, ctx)
    return body


def _check_body_files(fields: _Fields, body: RenderedBody, ctx: _Context) -> None:
    """Every local file the body links to or shows must exist inside the site, or be an error."""
    raw = fields.raw
    for asset in body.assets:
        state = ctx.file_state(asset)
        if state == "missing":
            problem = f"links to {asset!r}, which is not a file (paths are relative to the story)"
        elif state == "outside":
            problem = f"links to {asset!r}, a symlink that points outside the site"
        else:
            continue
        name = PurePosixPath(asset).name
        offset = next(
            (n for n, text in enumerate(raw.body.splitlines()) if name and name in text), 0
        )
        fields.problems.append(
            NewssiteError(problem, path=raw.source.path, line=raw.body_line + offset, field="body")
        )


_BODY_IMAGE = re.compile(
    r"!\[[^\]]*\]\(\s*<?([^\s)>]+)|<img\b[^>]*?\ssrc\s*=\s*[\"']?([^\"'\s>]+)", re.I
)


def _lines_with_images(raw: RawDocument) -> FrozenDict:
    """Front-matter lines plus the body's first line and the line of each image by file name
    ("image:harbor.jpg"), so photo problems found after parsing can name their line."""
    lines = {**raw.lines, "body": raw.body_line}
    for offset, text in enumerate(raw.body.split("\n")):
        for match in _BODY_IMAGE.finditer(text):
            name = PurePosixPath(unquote(match.group(1) or match.group(2))).name
            lines.setdefault(f"image:{name}", raw.body_line + offset)
    return FrozenDict(lines)


def parse_author(raw: RawDocument, ctx: _Context) -> tuple[Author | None, _Fields]:
    fields = _Fields(raw)
    meta = raw.meta
    slug = _slug(fields, raw.source)
    name = fields.text("name", required=True)
    role = fields.text("role")
    email = fields.text("email")
    if email and ("@" not in email or any(ch in email for ch in " <>\"'")):
        fields.error("email", f"not an email address: {email!r}")
    avatar = _photo(fields, "avatar", meta.get("avatar"), ctx)
    if avatar and not avatar.alt:
        avatar = Photo(avatar.src, name, avatar.caption, avatar.credit, avatar.source)
    links = _links(fields, meta.get("links"))
    codes = tuple(edition.code for edition in ctx.config.languages)
    editions = _author_editions(fields, meta, codes, ctx)
    extra = fields.unknown_keys(AUTHOR_FIELDS + codes)
    body = _render(fields, ctx, raw)
    if fields.problems or body is None:
        return None, fields
    author = Author(
        slug=slug,
        name=name,
        url=author_url(slug),
        source=raw.source.path,
        role=role,
        avatar=avatar,
        email=email,
        links=links,
        bio_html=body.html,
        bio_text=body.summary,
        extra=FrozenDict(extra),
        lines=_lines_with_images(raw),
        editions=editions,
    )
    return author, fields


def _author_editions(
    fields: _Fields, meta: Mapping[str, object], codes: tuple[str, ...], ctx: _Context
) -> FrozenDict:
    """`uk: { name, role, bio }`: the author as an edition shows them (bio in Markdown)."""
    found = {}
    for code in codes:
        value = meta.get(code)
        if value is None:
            continue
        if not isinstance(value, dict):
            fields.error(code, "expected a mapping of name, role and bio")
            continue
        own: dict[str, str] = {}
        for key, text in value.items():
            if key not in ("name", "role", "bio"):
                fields.error(
                    f"{code}.{key}",
                    f"unknown field{did_you_mean_field(str(key), ('name', 'role', 'bio'))}",
                )
            elif not isinstance(text, str):
                fields.error(f"{code}.{key}", f"expected text, got {_kind(text)}")
            elif key == "bio":
                bio = ctx.renderer.render(text, fields.raw.source.path)
                own.update(bio_html=bio.html, bio_text=bio.summary)
            else:
                own[key] = text.strip()
        found[code] = FrozenDict(own)
    return FrozenDict(found)


def _links(fields: _Fields, value: object) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        fields.error("links", "expected a mapping of label: URL")
        return ()
    links = []
    for label, url in value.items():
        if not isinstance(url, str) or not url.strip():
            fields.error(f"links.{label}", "expected a URL")
            continue
        scheme = urlsplit(url.strip()).scheme.lower()
        if scheme not in ("http", "https", "mailto"):
            fields.error(
                f"links.{label}", f"unsupported URL scheme '{scheme or 'none'}' (use https://…)"
            )
            continue
        links.append((label, url.strip()))
    return tuple(links)


def parse_page(raw: RawDocument, ctx: _Context) -> tuple[StandalonePage | None, _Fields]:
    fields = _Fields(raw)
    title = fields.text("title", required=True)
    summary = fields.text("summary")
    code, prefix, group = _edition(fields, raw.source, ctx.config)
    slug = _slug(fields, raw.source, ctx.config)
    fields.flag("draft")
    aliases = _aliases(fields, raw.meta.get("aliases"))
    extra = fields.unknown_keys(PAGE_FIELDS)
    body = _render(fields, ctx, raw)
    if fields.problems or body is None:
        return None, fields
    page = StandalonePage(
        source=raw.source.path,
        slug=slug,
        title=title,
        summary=summary or body.summary,
        body_html=body.html,
        extra=FrozenDict(extra),
        links=body.links,
        assets=body.assets,
        lines=_lines_with_images(raw),
        aliases=aliases,
        edition=code,
        prefix=prefix,
        translations=group,
    )
    return page, fields


SERIES_FIELDS = ("title", "description", "photo", "order")
SERIES_ORDERS = ("oldest", "newest")
FRONT_FIELDS = ("lead", "slots", "schedule")
SLOT_KINDS = ("story", "section", "tag", "series", "type")
ALERT_FIELDS = ("text", "link", "level", "expires")
ALERT_LEVELS = ("breaking", "developing")
MAX_SLOT_COUNT = 50


def parse_series(raw: RawDocument, ctx: _Context) -> tuple[Series | None, _Fields]:
    """content/series/<slug>.md: title, optional description, photo and order of parts."""
    fields = _Fields(raw)
    slug = _slug(fields, raw.source)
    title = fields.text("title", required=True)
    description = fields.text("description") or " ".join(raw.body.split())
    order = fields.text("order") or "oldest"
    if order not in SERIES_ORDERS:
        fields.error("order", f"expected oldest or newest, not {order!r}")
    photo = _photo(fields, "photo", raw.meta.get("photo"), ctx)
    if photo is not None and photo.src.startswith(ASSET_SCHEME):
        fields.error("photo.src", "a series photo is a URL or a path under static/ (/photos/x.jpg)")
    _unknown_fields(fields, SERIES_FIELDS)
    if fields.problems:
        return None, fields
    return Series(raw.source.path, slug, title, description, order, photo), fields


def parse_front(raw: RawDocument, ctx: _Context) -> tuple[FrontPage | None, _Fields]:
    """content/front.yaml or content/front/<section>.yaml: a lead, slots, and layouts that
    take over at their time (`schedule`)."""
    fields = _Fields(raw)
    section = ""
    if raw.source.path != f"content/{FRONT_FILE}":
        section = PurePosixPath(raw.source.path).stem
        if section not in ctx.section_slugs:
            hint = did_you_mean_field(section, ctx.section_slugs)
            fields.error("section", f"no section '{section}' to curate{hint}")
    _unknown_fields(fields, FRONT_FIELDS)
    layouts = []
    if "lead" in raw.meta or "slots" in raw.meta:
        layouts.append(FrontLayout(None, _layout_slots(fields, raw.meta, "", ctx)))
    schedule = raw.meta.get("schedule")
    if schedule is not None and not isinstance(schedule, list):
        fields.error("schedule", "expected a list of layouts, each with from:, lead: and slots:")
    for index, entry in enumerate(schedule if isinstance(schedule, list) else []):
        name = f"schedule[{index}]"
        if not isinstance(entry, Mapping):
            fields.error(name, f"expected a mapping with from, lead and slots, got {_kind(entry)}")
            continue
        _unknown_subfields(fields, name, entry, ("from", *FRONT_FIELDS[:2]))
        starts = _moment(
            fields, f"{name}.from", entry.get("from"), ctx.config.timezone, required=True
        )
        if starts is not None and not gives_offset(entry.get("from")):
            fields.error(
                f"{name}.from", "give the time with its offset, e.g. 2026-12-24T06:00:00+02:00"
            )
        if starts is not None:
            layouts.append(FrontLayout(starts, _layout_slots(fields, entry, f"{name}.", ctx)))
    if fields.problems:
        return None, fields
    ordered = sorted(layouts, key=lambda layout: (layout.starts is not None, layout.starts))
    return FrontPage(raw.source.path, section, tuple(ordered)), fields


def _layout_slots(
    fields: _Fields, meta: Mapping[str, object], prefix: str, ctx: _Context
) -> tuple[FrontSlot, ...]:
    slots = []
    lead = meta.get("lead")
    if lead is not None:
        name = f"{prefix}lead"
        path = fields.text(name, value=lead, required=True)
        if path:
            slots.append(FrontSlot("lead", _content_path(path), 1, _line(fields, name), name))
    listed = meta.get("slots", [])
    if not isinstance(listed, list):
        fields.error(f"{prefix}slots", f"expected a list of slots, got {_kind(listed)}")
        return tuple(slots)
    for index, entry in enumerate(listed):
        name = f"{prefix}slots[{index}]"
        slot = _slot(fields, name, entry, ctx)
        if slot is not None:
            slots.append(slot)
    return tuple(slots)


def _slot(fields: _Fields, name: str, entry: object, ctx: _Context) -> FrontSlot | None:
    if not isinstance(entry, Mapping):
        fields.error(
            name,
            f"expected a mapping such as {{story: articles/...}} or {{section: news, count: 3}}, got {_kind(entry)}",
        )
        return None
    kinds = [key for key in SLOT_KINDS if key in entry]
    _unknown_subfields(fields, name, entry, (*SLOT_KINDS, "count"))
    if len(kinds) != 1:
        fields.error(name, f"name one of {', '.join(SLOT_KINDS)}")
        return None
    kind = kinds[0]
    field = f"{name}.{kind}"
    value = fields.text(field, value=entry[kind], required=True)
    count = entry.get("count", 1)
    if kind == "story" and "count" in entry:
        fields.error(f"{name}.count", "a pinned story is one story; count is for blocks")
    elif not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_SLOT_COUNT:
        fields.error(f"{name}.count", f"expected a whole number from 1 to {MAX_SLOT_COUNT}")
        return None
    if not value:
        return None
    if kind == "story":
        value = _content_path(value)
    elif kind == "section" and value not in ctx.section_slugs:
        hint = (
            did_you_mean_field(value, ctx.section_slugs)
            or f" (known: {', '.join(ctx.section_slugs)})"
        )
        fields.error(field, f"unknown section '{value}'{hint}")
        return None
    elif kind == "type" and value not in STORY_TYPES:
        fields.error(field, f"unknown story type '{value}' (use {', '.join(STORY_TYPES)})")
        return None
    return FrontSlot(kind, value, count, _line(fields, field), field)


def _content_path(path: str) -> str:
    """A story named by its path under content/ ("articles/2026/11/x.md") as its source."""
    return "content/" + path.strip().removeprefix("/").removeprefix("content/")


def _line(fields: _Fields, name: str) -> int:
    return fields.raw.lines.get(name) or fields.raw.lines.get(name.rsplit(".", 1)[0]) or 1


def _unknown_fields(fields: _Fields, known: tuple[str, ...]) -> None:
    for key in fields.raw.meta:
        if key not in known:
            hint = did_you_mean_field(key, known) or f" (use {', '.join(known)})"
            fields.error(key, f"unknown field{hint}")


def parse_alert(raw: RawDocument, ctx: _Context) -> tuple[Alert | None, _Fields]:
    """content/alert.yaml: the alert every page shows until it expires. An empty file is
    no alert."""
    fields = _Fields(raw)
    if not raw.meta:
        return None, fields
    _unknown_fields(fields, ALERT_FIELDS)
    text = fields.text("text", required=True)
    link = fields.text("link")
    if link and (problem := check_url(link)):
        fields.error("link", problem)
    elif link and not urlsplit(link).scheme and not link.startswith("/"):
        fields.error("link", "a site path (/news/story/) or an absolute URL (https://...)")
    level = fields.text("level", required=True)
    if level and level not in ALERT_LEVELS:
        fields.error("level", f"expected breaking or developing, not {level!r}")
    expires = _moment(
        fields, "expires", raw.meta.get("expires"), ctx.config.timezone, required=True
    )
    if expires is not None and not gives_offset(raw.meta.get("expires")):
        fields.error("expires", "give the time with its offset, e.g. 2026-11-26T18:00:00+02:00")
    if fields.problems or expires is None:
        return None, fields
    return Alert(raw.source.path, text, level, expires, link), fields


_PARSERS: dict[str, Callable[[RawDocument, _Context], tuple[object, _Fields]]] = {
    "articles": parse_article,
    "authors": parse_author,
    "pages": parse_page,
    "series": parse_series,
    "fronts": parse_front,
    "alert": parse_alert,
}
_YAML_KINDS = frozenset({"fronts", "alert"})
_CACHED_KINDS = frozenset({"articles", "authors", "pages"})  # the rest are cheap to read


def markup_settings(config: SiteConfig) -> MarkupSettings:
    return MarkupSettings(
        base_path=config.base_path, embed_hosts=config.embed_hosts, trusted_html=config.trusted_html
    )


def _parse_settings(config: SiteConfig) -> tuple[object, ...]:
    """Everything in the config that a parsed document depends on (the cache key's salt)."""
    return (
        "unfinished stories are errors",  # a rule added since results were cached (#19)
        "story types and live updates",  # fields added since (#16)
        tuple((section.slug, section.type) for section in config.sections),
        str(config.site_dir.resolve()),
        config.timezone.key,
        tuple(section.slug for section in config.sections),
        markup_settings(config),
        "author editions",
        tuple((e.code, e.timezone and e.timezone.key) for e in config.languages),
    )


ParseResult = tuple[
    Article | Author | StandalonePage | None, list[NewssiteError], list[NewssiteError]
]


def parse_sources(sources: Sequence[SourceFile], config: SiteConfig) -> list[ParseResult]:
    """Parse sources one by one: (document or None, problems, warnings) for each."""
    ctx = _Context(config, MarkupRenderer(markup_settings(config)))
    results: list[ParseResult] = []
    for source in sources:
        try:
            raw = split_yaml(source) if source.kind in _YAML_KINDS else split(source)
        except NewssiteError as error:
            results.append((None, [error], []))
            continue
        parser = parse_update if is_update_path(source.path) else _PARSERS[source.kind]
        document, fields = parser(raw, ctx)
        results.append((document, fields.problems, fields.warnings))  # type: ignore[arg-type]
    return results


def ignore_interrupts() -> None:
    """In worker processes: Ctrl-C is the main process's to handle (it cleans up)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _parse_in_processes(
    sources: Sequence[SourceFile], config: SiteConfig, workers: int
) -> list[ParseResult]:
    # Python-Markdown is pure Python (~2-4 ms a story): a cold build of a large archive
    # spreads it over the machine's cores. Results come back in order, so output is stable.
    batch = max(16, len(sources) // (workers * 8))
    batches = [sources[i : i + batch] for i in range(0, len(sources), batch)]
    with ProcessPoolExecutor(max_workers=workers, initializer=ignore_interrupts) as pool:
        parts = pool.map(parse_sources, batches, [config] * len(batches))
        return [result for part in parts for result in part]


def _local_files_present(document: object, site_dir: Path, seen: dict[str, bool]) -> bool:
    """A cached parse holds only while the local files it found are still there (and safe)."""
    files = list(getattr(document, "assets", ()))
    for photo in (getattr(document, "photo", None), getattr(document, "avatar", None)):
        if isinstance(photo, Photo) and photo.source:
            files.append(photo.source)
    for name in files:
        if name not in seen:
            path = site_dir / name
            seen[name] = path.is_file() and path.resolve().is_relative_to(site_dir.resolve())
        if not seen[name]:
            return False
    return True


def _stored_kind(source: SourceFile) -> str:
    """What a source is to the build cache: its content folder, or an update."""
    return "updates" if is_update_path(source.path) else source.kind


def parse_all(
    sources: Sequence[SourceFile],
    config: SiteConfig,
    cache: BuildCache | None = None,
    workers: int = 1,
) -> Documents:
    """Parse every source, reusing cached results; raise all content errors together."""
    salt = cache_salt(_parse_settings(config))
    keys = [
        parse_key(_stored_kind(s), s.path, s.digest, salt)
        for s in sources
        if s.kind in _CACHED_KINDS
    ]
    desk = [s for s in sources if s.kind not in _CACHED_KINDS]
    sources = [s for s in sources if s.kind in _CACHED_KINDS] + desk
    keys += [""] * len(desk)
    results: list[ParseResult | None] = [None] * len(sources)
    hits = cache.get_parsed_many([key for key in keys if key]) if cache is not None else {}
    checked: dict[str, bool] = {}
    for index, key in enumerate(keys):
        hit = hits.get(key)
        if hit is not None and _local_files_present(hit[0], config.site_dir, checked):
            results[index] = (hit[0], [], list(hit[1]))
    missing = [index for index, result in enumerate(results) if result is None]
    todo = [sources[index] for index in missing]
    if workers > 1 and len(todo) >= PARALLEL_THRESHOLD:
        fresh = _parse_in_processes(todo, config, workers)
    else:
        fresh = parse_sources(todo, config)
    for index, result in zip(missing, fresh, strict=True):
        results[index] = result
        document, problems, warnings = result
        cached = sources[index].kind in _CACHED_KINDS
        if cache is not None and cached and document is not None and not problems:
            cache.put_parsed(keys[index], document, tuple(warnings))

    parsed: dict[str, list[object]] = {kind: [] for kind in _PARSERS}
    updates: list[LiveUpdate] = []
    all_problems: list[NewssiteError] = []
    all_warnings: list[NewssiteError] = []
    for source, result in zip(sources, results, strict=True):
        assert result is not None
        document, problems, warnings = result
        all_problems.extend(problems)
        all_warnings.extend(warnings)
        if isinstance(document, LiveUpdate):
            updates.append(document)
        elif document is not None:
            parsed[source.kind].append(document)
    if all_problems:
        raise ExceptionGroup("content errors", sorted(all_problems, key=NewssiteError.sort_key))
    alerts = parsed["alert"]
    return Documents(
        articles=tuple(parsed["articles"]),  # type: ignore[arg-type]
        authors=tuple(parsed["authors"]),  # type: ignore[arg-type]
        pages=tuple(parsed["pages"]),  # type: ignore[arg-type]
        warnings=tuple(all_warnings),
        keys=tuple(key for key in keys if key),
        updates=tuple(updates),
        series=tuple(parsed["series"]),  # type: ignore[arg-type]
        fronts=tuple(parsed["fronts"]),  # type: ignore[arg-type]
        alert=alerts[0] if alerts else None,  # type: ignore[typeddict-item]
    )
