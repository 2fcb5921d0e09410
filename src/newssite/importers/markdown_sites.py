"""What Hugo and Jekyll archives share: Markdown files with front matter, mapped to newssite.

hugo.py and jekyll.py find the files, read their config and know their URL rules and link
syntax; they hand over `Entry` records, and `make_archive` turns those into an Archive.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath

from newssite.importers.common import (
    IMAGE_SUFFIXES,
    PRIVATE_DIR,
    RESERVED_PREFIXES,
    RESERVED_URLS,
    Archive,
    CopiedFile,
    Document,
    ImportWarning,
    SiteSetup,
    first_words,
    make_slug,
    plain_text,
    unique,
    usable_alias,
)
from newssite.importers.convert import Conversion, embed_html, player_url, to_markdown
from newssite.urls import url_key

_IMAGE = re.compile(r"(!\[[^\]]*\]\()(<[^>]+>|[^)\s]+)((?:\s+\"[^\"]*\")?\))")
_CODE_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)


@dataclass
class Entry:
    """One story or page of the old site, as its importer read it."""

    kind: str  # "story" or "page"
    source: Path  # the file
    key: str  # how links name it (e.g. "posts/hello.md" or "2020-01-01-hello")
    meta: dict[str, object]
    body: str  # Markdown, or HTML when html is True
    slug: str
    old_urls: list[str]
    section_hint: str = ""  # the old section folder
    date: datetime | date | None = None
    draft: bool = False
    html: bool = False
    bundle: Path | None = None  # a folder whose files go beside the story
    static_roots: tuple[Path, ...] = ()  # where /path images of the old site are
    root: Path | None = None  # the old site's folder: no file outside it is copied


@dataclass
class Site:
    """The old site's own settings."""

    title: str = ""
    base_url: str = ""
    language: str = ""
    author: str = ""


@dataclass
class _Made:
    entry: Entry
    path: str
    slug: str
    url: str
    section: str
    title: str


@dataclass
class Context:
    """What a body rewrite needs: where each old file went, and where warnings go."""

    setup: SiteSetup
    made: dict[str, _Made] = field(default_factory=dict)  # key -> made
    warnings: list[ImportWarning] = field(default_factory=list)
    files: dict[str, CopiedFile] = field(default_factory=dict)
    photos: set[str] = field(default_factory=set)

    def link_to(self, key: str, here: str) -> str | None:
        """The relative path from the file `here` to the new file of `key`, or None."""
        made = self.made.get(key) or self.made.get(_short(key))
        if made is None:
            return None
        return posixpath.relpath(made.path, posixpath.dirname(here))

    def warn(self, kind: str, message: str, made: _Made) -> None:
        self.warnings.append(ImportWarning(kind, message, made.title, made.path))


def _short(key: str) -> str:
    return PurePosixPath(key).stem


RewriteBody = Callable[[str, "_Made", Context], str]


def make_archive(
    site: Site, entries: Sequence[Entry], setup: SiteSetup, rewrite: RewriteBody
) -> Archive:
    """Stories, pages, authors and sections from the entries; bodies through `rewrite`."""
    ctx = Context(setup)
    sections: dict[str, str] = {}
    authors: dict[str, str] = {}
    urls = {url_key(u) for u in setup.taken_urls}
    files: set[str] = set()
    made_list: list[_Made] = []
    for entry in sorted(entries, key=lambda e: (e.kind, str(e.source))):
        title = plain_text(str(entry.meta.get("title") or "")) or first_words(entry.body)
        if entry.kind == "page":
            slug = unique(
                entry.slug, urls, lambda s: url_key(f"/{s}/") + ("#" if _reserved(s) else "")
            )
            # Standalone pages have no drafts: an unpublished one stays outside content/.
            folder = f"{PRIVATE_DIR}/pages" if entry.draft else "content/pages"
            made = _Made(entry, f"{folder}/{slug}.md", slug, f"/{slug}/", "", title)
        else:
            section_title = _section_title(entry)
            section = make_slug(section_title, "news")
            section = section if section.isascii() else make_slug(section_title.lower(), "news")
            if not section.isascii():
                from newssite.urls import slugify

                section = slugify(section)
            sections.setdefault(section, section_title)
            slug = unique(entry.slug, urls, lambda s, section=section: url_key(f"/{section}/{s}/"))
            moment = entry.date
            folder = f"content/articles/{moment:%Y/%m}" if moment else "content/articles"
            if entry.bundle is not None:
                stem = unique(slug, files, lambda s, folder=folder: f"{folder}/{s}")
                path = f"{folder}/{stem}/{stem}.md"
            else:
                stem = unique(slug, files, lambda s, folder=folder: f"{folder}/{s}")
                path = f"{folder}/{stem}.md"
            made = _Made(entry, path, slug, f"/{section}/{slug}/", section, title)
        made_list.append(made)
        ctx.made[entry.key] = made
        if entry.kind == "story":
            ctx.made.setdefault(_short(entry.key), made)
    for url in {url_key(m.url) for m in made_list}:
        urls.add(url)
    claimed = set(urls) | {url_key(f"/{s}/") for s in sections}
    documents: list[Document] = []
    tags: set[str] = set()
    for made in made_list:
        document, item_tags, item_authors = _document(made, site, ctx, claimed, rewrite)
        documents.append(document)
        tags.update(item_tags)
        authors.update(item_authors)
    documents += [
        Document.of("author", f"content/authors/{slug}.md", name, {"name": name}, "")
        for slug, name in sorted(authors.items())
    ]
    if not sections and not setup.exists:
        sections["news"] = "News"
    return Archive(
        title=site.title,
        base_url=site.base_url,
        language=site.language,
        documents=tuple(documents),
        files=tuple(ctx.files[k] for k in sorted(ctx.files)),
        sections=tuple(sorted(sections.items())),
        warnings=tuple(ctx.warnings),
        tags=len({make_slug(t, "") for t in tags} - {""}),
        photos=len(ctx.photos),
    )


def _reserved(slug: str) -> bool:
    url = f"/{slug}/"
    return url in RESERVED_URLS or any(url.startswith(p) for p in RESERVED_PREFIXES)


def _section_title(entry: Entry) -> str:
    for key in ("section", "categories", "category"):
        value = entry.meta.get(key)
        names = _strings(value, split=key == "categories")
        if names:
            return names[0]
    return entry.section_hint or "News"


def _strings(value: object, *, split: bool = False) -> list[str]:
    if isinstance(value, str):
        return [p for p in (value.split() if split else [value]) if p.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def _document(
    made: _Made, site: Site, ctx: Context, claimed: set[str], rewrite: RewriteBody
) -> tuple[Document, list[str], dict[str, str]]:
    entry = made.entry
    meta: dict[str, object] = {"title": made.title}
    if not plain_text(str(entry.meta.get("title") or "")):
        ctx.warn("untitled", f"no title: titled {made.title!r} from its first words", made)
    text = _rewrite_outside_code(entry.body, lambda part: rewrite(part, made, ctx))
    if entry.html:
        conversion = Conversion(ctx.setup.embed_hosts)
        text = to_markdown(text, conversion)
        for kind, message in conversion.problems:
            ctx.warn(kind, message, made)
    text = _rewrite_outside_code(text, lambda part: rewrite_images(part, made, ctx))
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    tags: list[str] = []
    found_authors: dict[str, str] = {}
    if entry.kind == "story":
        moment = entry.date
        if moment is None:
            ctx.warn("no date", "no date in front matter or file name: dated 2000-01-01", made)
            moment = date(2000, 1, 1)
        meta["date"] = moment.isoformat()
        names = _strings(entry.meta.get("authors")) or _strings(entry.meta.get("author"))
        names = names or [site.author or "The Editors"]
        slugs = []
        for name in names:
            slug = make_slug(name, "editor")
            slug = slug if slug.isascii() else make_slug(slug, "editor")
            found_authors.setdefault(slug, name)
            slugs.append(slug)
        meta["author"] = slugs[0] if len(slugs) == 1 else slugs
        meta["section"] = made.section
        summary = next(
            (
                plain_text(str(entry.meta[k]))
                for k in ("summary", "description", "excerpt")
                if entry.meta.get(k)
            ),
            "",
        )
        if summary:
            meta["summary"] = summary
        categories = _strings(entry.meta.get("categories"), split=True)[1:]
        tags = list(dict.fromkeys(_strings(entry.meta.get("tags"), split=True) + categories))
        tags = [t for t in tags if make_slug(t, "")]
        if tags:
            meta["tags"] = tags
        photo = _photo(entry, made, ctx)
        if photo:
            meta["photo"] = photo
        if entry.draft:
            meta["draft"] = True
    elif entry.draft:
        ctx.warn(
            "unpublished page",
            "a draft page: kept outside content/ (pages have no drafts); move it to publish",
            made,
        )
    if made.slug != make_slug(PurePosixPath(made.path).stem, "") or not made.slug.isascii():
        meta["slug"] = made.slug
    aliases = [a for a in dict.fromkeys(entry.old_urls) if usable_alias(a, made.url, claimed)]
    if aliases:
        meta["aliases"] = aliases
    return Document.of(entry.kind, made.path, made.title, meta, text), tags, found_authors


def _rewrite_outside_code(text: str, rewrite: Callable[[str], str]) -> str:
    parts, last = [], 0
    for match in _CODE_FENCE.finditer(text):
        parts.append(rewrite(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(rewrite(text[last:]))
    return "".join(parts)


def rewrite_images(text: str, made: _Made, ctx: Context) -> str:
    """Local images of the old site: copied beside the story (or its bundle's files)."""

    def replace(match: re.Match[str]) -> str:
        src = match.group(2).strip("<>")
        new = local_image(src, made, ctx)
        if new is None:
            return match.group(0)
        if new == "":
            return f"(image not found: {src})"
        return f"{match.group(1)}{new}{match.group(3)}"

    return _IMAGE.sub(replace, text)


def local_image(src: str, made: _Made, ctx: Context) -> str | None:
    """The new src of a local image (None: leave it as it is; "": missing)."""
    if "://" in src or src.startswith(("data:", "#", "mailto:")):
        return None
    entry = made.entry
    clean = src.split("?")[0].split("#")[0]
    candidates: list[Path] = []
    if clean.startswith("/"):
        candidates = [root / clean.lstrip("/") for root in entry.static_roots]
    else:
        if entry.bundle is not None:
            candidates.append(entry.bundle / clean)
        candidates.append(entry.source.parent / clean)
    inside = entry.root.resolve() if entry.root else None
    found = next(
        (
            c
            for c in candidates
            if c.is_file() and (inside is None or c.resolve().is_relative_to(inside))
        ),
        None,
    )
    if found is None or found.suffix.lower() not in IMAGE_SUFFIXES:
        ctx.warn("image not found", f"{src} is not in the old site: shown as text", made)
        return ""
    folder = PurePosixPath(made.path).parent
    name = make_slug(found.stem, "photo") + found.suffix.lower()
    target = f"{folder}/{name}"
    existing = ctx.files.get(target)
    if existing is not None and existing.source != found:
        name = f"{len(ctx.files)}-{name}"
        target = f"{folder}/{name}"
    ctx.files[target] = CopiedFile(target, found)
    ctx.photos.add(str(found))
    return name


def _photo(entry: Entry, made: _Made, ctx: Context) -> dict[str, str] | None:
    value: object = None
    for key in ("photo", "image", "featured_image", "images", "cover", "thumbnail"):
        if entry.meta.get(key):
            value = entry.meta[key]
            break
    alt = ""
    caption = ""
    credit = ""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        alt = str(value.get("alt") or "")
        caption = str(value.get("caption") or "")
        credit = str(value.get("credit") or "")
        value = value.get("src") or value.get("path") or value.get("image") or value.get("url")
    if not isinstance(value, str) or not value.strip():
        return None
    src = value.strip()
    local = local_image(src, made, ctx)
    if local == "":
        return None
    photo = {"src": local or src}
    if "://" in src:
        ctx.photos.add(src)
    for key, text in (("alt", alt), ("caption", caption), ("credit", credit)):
        if text:
            photo[key] = plain_text(text)
    return photo


def moment_of(value: object) -> datetime | date | None:
    """A front-matter date as YAML or TOML gave it, or parsed from text."""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip().replace(" ", "T", 1)
        text = (
            re.sub(r"T?([+-]\d{2})(\d{2})$", r"\1:\2", text)
            if re.search(r"[+-]\d{4}$", text)
            else text
        )
        text = re.sub(r"\s+", "", text)
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                return None
    return None


def day_of(moment: datetime | date | None) -> datetime | None:
    if moment is None:
        return None
    return moment if isinstance(moment, datetime) else datetime.combine(moment, time())


def embed_or_link(url: str, ctx: Context, made: _Made) -> str:
    """An embed when the host is allowed, else a link and a warning."""
    player = player_url(url, ctx.setup.embed_hosts)
    if player:
        return embed_html(player)
    ctx.warn(
        "embed not allowed", f"{url} became a link; add its player's host to embed_hosts", made
    )
    return f"\n\n<{url}>\n\n"


def report_leftovers(
    text: str, pattern: re.Pattern[str], kind: str, made: _Made, ctx: Context
) -> None:
    for match in pattern.finditer(text):
        ctx.warn(kind, f"{match.group(0)[:80]} has no equivalent; kept as text", made)


def strings_of(value: object) -> list[str]:
    return _strings(value)


def iter_markdown(root: Path, suffixes: Iterable[str]) -> list[Path]:
    wanted = tuple(suffixes)
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(wanted))


def front_matter_keys(meta: Mapping[str, object]) -> dict[str, object]:
    return {str(k).lower(): v for k, v in meta.items()}
