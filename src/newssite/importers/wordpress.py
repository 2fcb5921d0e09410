"""`newssite import wordpress EXPORT.xml`: a WordPress export (WXR 1.0-1.2) as an Archive.

The export is read as a stream (defusedxml's iterparse, which refuses entity expansion and
external entities), twice: the first pass keeps a small record of each item (its fields,
categories and metadata, not its text), since attachments, categories and authors come
before or after the posts that use them; the second pass converts each post's text as it
comes and hands it on to be written at once. A 100 MB export is so never in memory, nor
the Markdown made of it: only a small record of each item.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from newssite.errors import NewssiteError
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
    old_path,
    plain_text,
    query_id,
    unique,
    usable_alias,
)
from newssite.importers.convert import (
    Conversion,
    embed_html,
    is_media_url,
    player_url,
    to_markdown,
)
from newssite.urls import url_key

_NAMESPACES = (  # a part of the namespace URI -> the prefix used here; http or https, any version
    ("wordpress.org/export", "wp"),
    ("purl.org/rss/1.0/modules/content", "content"),
    ("purl.org/dc/elements", "dc"),
    ("wfw", "wfw"),
)
# Characters XML 1.0 forbids, which real exports carry (from pasted text); never inside a
# UTF-8 multi-byte sequence, so they can be dropped from the bytes as they stream in.
_FORBIDDEN_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->", re.DOTALL)
_MORE = re.compile(r"<!--\s*more\b[^>]*-->|<!--\s*noteaser\s*-->", re.IGNORECASE)
_NEXTPAGE = re.compile(r"<!--\s*nextpage\s*-->", re.IGNORECASE)
_CAPTION = re.compile(r"\[(caption|wp_caption)([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.IGNORECASE)
_EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.DOTALL | re.IGNORECASE)
_SHORTCODE = re.compile(r"\[(/?)([a-zA-Z][\w-]*)((?:\s[^\]\n]*)?)\]")
_BARE_URL = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.MULTILINE)
_EMBED_FIGURE = re.compile(
    r"<figure[^>]*wp-block-embed[^>]*>\s*<div[^>]*>\s*(https?://[^\s<]+)\s*</div>"
    r"(?:\s*<figcaption[^>]*>(.*?)</figcaption>)?\s*</figure>",
    re.DOTALL | re.IGNORECASE,
)
_BLOCK_START = re.compile(
    r"^\s*<(?:p|h[1-6]|ul|ol|li|blockquote|table|div|figure|pre|iframe|hr|dl|section|form|"
    r"address|aside|video|audio|object|embed)\b",
    re.IGNORECASE,
)
_SIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")
_IMG_SRC = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_CREDIT_META = re.compile(r's:6:"credit";s:\d+:"([^"]*)"')
_UPLOADS = "/wp-content/uploads/"
# What the record of an item keeps (the rest, such as a page builder's copy of the text in
# its metadata, can be as large as the post): kept for every item until the end.
_KEPT_FIELDS = frozenset(
    {"title", "link", "guid", "pubDate", "dc:creator", "excerpt:encoded", "wp:attachment_url"}
    | {"wp:post_id", "wp:post_type", "wp:status", "wp:post_name", "wp:post_password"}
    | {"wp:post_date", "wp:post_date_gmt"}
)
_KEPT_META = frozenset(
    {"_thumbnail_id", "_wp_attached_file", "_wp_attachment_metadata"}
    | {"_wp_attachment_image_alt", "_yoast_wpseo_primary_category"}
)
_STORY_TYPES = frozenset({"post"})
_SKIPPED_TYPES = {
    "nav_menu_item": "menu items",
    "revision": "revisions",
    "wp_block": "reusable blocks",
    "wp_template": "templates",
    "wp_template_part": "templates",
    "wp_global_styles": "theme settings",
    "wp_navigation": "menu items",
    "custom_css": "theme settings",
    "customize_changeset": "theme settings",
    "oembed_cache": "embed caches",
    "user_request": "privacy requests",
}


@dataclass(slots=True)
class _Item:
    fields: dict[str, str] = field(default_factory=dict)
    categories: list[tuple[str, str, str]] = field(default_factory=list)  # domain, nicename, name
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0
    index: int = 0  # the item's place in the export, to find its text in the second pass
    opening: str = ""  # the first words of its text, for an item without a title

    def get(self, name: str) -> str:
        return self.fields.get(name, "").strip()


@dataclass
class _Export:
    title: str = ""
    link: str = ""
    language: str = ""
    base_url: str = ""
    authors: dict[str, tuple[str, str]] = field(default_factory=dict)  # login -> name, email
    categories: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # nicename ->
    term_ids: dict[str, str] = field(default_factory=dict)  # term id -> category nicename
    items: list[_Item] = field(default_factory=list)
    dropped: int = 0  # characters XML forbids, dropped while reading


class _CleanStream:
    """The export's bytes without the control characters XML forbids."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.dropped = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        clean = data.translate(None, _FORBIDDEN_BYTES)
        self.dropped += len(data) - len(clean)
        return clean


def _name(tag: str) -> str:
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        if "excerpt" in uri:
            return "excerpt:" + local
        for part, prefix in _NAMESPACES:
            if part in uri:
                return f"{prefix}:{local}"
        return local
    return tag


def read_export(path: Path) -> _Export:
    """Everything in a WXR file but the posts' text (read by `item_texts`, a second pass):
    a malformed or hostile file is an error naming its line."""
    export = _Export()
    with _reading(path), path.open("rb") as raw:
        stream = _CleanStream(raw)
        for element in _elements(stream):
            _take(element, export)
        export.dropped = stream.dropped
    if not export.items and not export.title and not export.authors:
        raise NewssiteError(
            "no WordPress channel found: is this a WordPress export (WXR)?", path=str(path)
        )
    return export


def item_texts(path: Path, wanted: set[int]) -> Iterator[tuple[int, str]]:
    """The HTML of the wanted items (by place in the export), one at a time: the export's
    text is never all in memory, only what was made of it."""
    index = 0
    with _reading(path), path.open("rb") as raw:
        for element in _elements(_CleanStream(raw)):
            if _name(element.tag) != "item":
                continue
            index += 1
            if index in wanted:
                found = next((c for c in element if _name(c.tag) == "content:encoded"), None)
                yield index, _text(found) if found is not None else ""


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn what the XML parser raises into errors naming the export (and its line)."""
    shown = str(path)
    try:
        yield
    except DefusedXmlException as error:
        raise NewssiteError(
            f"refused: the export declares entities or external references ({type(error).__name__}); "
            "a WordPress export never does",
            path=shown,
        ) from None
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        reason = str(error).split(":")[0]
        raise NewssiteError(f"not well-formed XML: {reason}", path=shown, line=line) from None
    except OSError as error:
        raise NewssiteError(f"cannot read the export: {error.strerror}", path=shown) from None


def _elements(stream: _CleanStream) -> Iterator[Element]:
    """Each complete child of <channel> (an item, an author, a category ...), then dropped,
    so the tree never holds more than one item."""
    stack: list[Element] = []
    names: list[str] = []
    for event, element in iterparse(stream, events=("start", "end")):
        if event == "start":
            stack.append(element)
            names.append(_name(element.tag))
            continue
        stack.pop()
        names.pop()
        if names[-1:] == ["channel"]:
            yield element
            element.clear()
            stack[-1].remove(element)


def _take(element: Element, export: _Export) -> None:
    name = _name(element.tag)
    text = _text(element).strip()
    if name == "title":
        export.title = plain_text(text)
    elif name == "link":
        export.link = text
    elif name == "language":
        export.language = text
    elif name in ("wp:base_blog_url",):
        export.base_url = text
    elif name == "wp:author":
        values = _children(element)
        login = values.get("wp:author_login", "")
        if login:
            display = values.get("wp:author_display_name") or " ".join(
                part
                for part in (values.get("wp:author_first_name"), values.get("wp:author_last_name"))
                if part
            )
            export.authors[login] = (
                plain_text(display) or login,
                values.get("wp:author_email", ""),
            )
    elif name == "wp:category":
        values = _children(element)
        nicename = values.get("wp:category_nicename", "")
        if nicename:
            export.categories[nicename] = (
                plain_text(values.get("wp:cat_name", "")) or nicename,
                values.get("wp:category_parent", ""),
                values.get("wp:term_id", ""),
            )
            if values.get("wp:term_id"):
                export.term_ids[values["wp:term_id"]] = nicename
    elif name == "wp:term":
        values = _children(element)
        if values.get("wp:term_taxonomy") == "category" and values.get("wp:term_slug"):
            export.term_ids.setdefault(values.get("wp:term_id", ""), values["wp:term_slug"])
    elif name == "item":
        export.items.append(_item(element, len(export.items) + 1))


def _children(element: Element) -> dict[str, str]:
    return {_name(child.tag): _text(child).strip() for child in element}


def _text(element: Element) -> str:
    """All the text of an element, also inside stray markup (`<title>A <em>b</em></title>`)."""
    return element.text or "" if len(element) == 0 else "".join(element.itertext())


def _item(element: Element, index: int) -> _Item:
    item = _Item(index=index)
    content = None
    for child in element:
        name = _name(child.tag)
        if name == "category":
            item.categories.append(
                (child.get("domain", ""), child.get("nicename", ""), _text(child).strip())
            )
        elif name == "wp:postmeta":
            values = _children(child)
            if values.get("wp:meta_key") in _KEPT_META:
                item.meta.setdefault(values["wp:meta_key"], values.get("wp:meta_value", ""))
        elif name == "wp:comment":
            item.comments += 1
        elif name == "content:encoded":
            content = child
        elif name in _KEPT_FIELDS:
            item.fields[name] = _text(child)
    if content is not None and not plain_text(item.get("title")):
        item.opening = first_words(_BLOCK_COMMENT.sub("", _text(content)))
    return item


# --- from records to documents ------------------------------------------------------------


@dataclass
class _Context:
    setup: SiteSetup
    uploads: Path | None
    export: _Export
    base_path: str
    attachments: dict[str, _Item]
    warnings: list[ImportWarning] = field(default_factory=list)
    files: dict[str, CopiedFile] = field(default_factory=dict)
    used_attachments: set[str] = field(default_factory=set)
    links: dict[str, str] = field(default_factory=dict)  # old URL -> new file (content/...)
    attachment_paths: dict[str, str] = field(default_factory=dict)  # URL path -> attachment
    photos: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Plan:
    item: _Item
    kind: str  # story, page, private, draft-page
    path: str
    slug: str
    url: str
    title: str
    section: str = ""


def import_wordpress(
    source: Path, setup: SiteSetup, uploads: Path | None, put: Callable[[Document], None]
) -> Archive:
    """Turn a WordPress export into stories, pages, authors and sections. Each document is
    given to `put` as soon as it is made (and not kept): the Archive returned has none, only
    what the report, the redirects and the config need."""
    if uploads is not None and not uploads.is_dir():
        raise NewssiteError(
            "--uploads must be a folder (a copy of wp-content/uploads)", path=str(uploads)
        )
    export = read_export(source)
    site_url = export.base_url or export.link
    base_path = urlsplit(site_url).path.rstrip("/")
    attachments = {
        item.get("wp:post_id"): item
        for item in export.items
        if item.get("wp:post_type") == "attachment"
    }
    ctx = _Context(setup, uploads, export, base_path, attachments)
    for key, attachment in attachments.items():
        url = attachment.get("wp:attachment_url") or attachment.get("guid")
        if url:
            ctx.attachment_paths.setdefault(_SIZED.sub("", unquote(urlsplit(url).path)), key)
    skipped: Counter[str] = Counter()

    sections = _sections(export)
    authors = _authors(export)
    plans = _plan(export, sections, ctx, skipped)
    for slug, (name, email) in sorted(authors.items()):
        put(_author_document(slug, name, email))
    tags: set[str] = set()
    query_redirects = []
    claimed = {url_key(plan.url) for plan in plans} | set(map(url_key, setup.taken_urls))
    claimed |= {url_key(f"/{slug}/") for slug in sections}
    comments = sum(item.comments for item in export.items)
    in_use = {plan.section for plan in plans}
    by_index = {plan.item.index: plan for plan in plans}
    # From here each post's record is dropped once its file is written.
    del plans
    export.items.clear()
    for index, html_text in item_texts(source, set(by_index)):
        plan = by_index.pop(index)
        document, item_tags, queries = _document(plan, html_text, sections, authors, ctx, claimed)
        put(document)
        tags.update(item_tags)
        query_redirects += queries
    unused = [key for key in attachments if key not in ctx.used_attachments]
    if unused:
        skipped["attachments not used by any story or page"] = len(unused)
    if comments:
        skipped["comments"] = comments
    used = [(slug, sections[slug][0]) for slug in sections if slug in in_use]
    if not used and not setup.exists:
        used = [("news", "News")]  # a config needs a section, even for an archive of pages
    if export.dropped:
        ctx.warnings.append(
            ImportWarning(
                "stray control characters",
                f"{export.dropped} characters XML does not allow were dropped from the export",
            )
        )
    return Archive(
        title=export.title,
        base_url=site_url,
        language=export.language,
        documents=(),
        files=tuple(ctx.files[key] for key in sorted(ctx.files)),
        sections=tuple(used),
        warnings=tuple(ctx.warnings),
        skipped=dict(sorted(skipped.items())),
        tags=len({make_slug(tag) for tag in tags}),
        photos=len(ctx.photos),
        query_redirects=tuple(query_redirects),
    )


def _sections(export: _Export) -> dict[str, tuple[str, str]]:
    """Section slug -> (title, category nicename); a site without categories gets "news"."""
    found: dict[str, tuple[str, str]] = {}
    names = {nicename: title for nicename, (title, _, _) in export.categories.items()}
    # Categories used by posts but missing from the channel's list (WordPress.com exports).
    for item in export.items:
        for domain, nicename, name in item.categories:
            if domain == "category" and nicename and nicename not in names:
                names[nicename] = plain_text(name) or unquote(nicename)
    for nicename, title in names.items():
        slug = _section_slug(nicename, title)
        found.setdefault(slug, (title, nicename))
    return found or {"news": ("News", "")}


# Section URLs newssite uses for its own pages.
_RESERVED_SECTIONS = frozenset({"page", "authors", "tags", "search", "img", "pagefind", "series"})


def _section_slug(nicename: str, title: str) -> str:
    """A config slug (ASCII: the config takes no other) for a category."""
    from newssite.urls import InvalidSlugError, slugify

    slug = "news"
    for text in (unquote(nicename), title):
        try:
            slug = slugify(text)
            break
        except InvalidSlugError:
            continue
    return f"{slug}-section" if slug in _RESERVED_SECTIONS else slug


def _section_of(item: _Item, sections: Mapping[str, tuple[str, str]], export: _Export) -> str:
    by_nicename = {nicename: slug for slug, (_, nicename) in sections.items()}
    primary = item.meta.get("_yoast_wpseo_primary_category", "").strip()
    if primary and export.term_ids.get(primary) in by_nicename:
        return by_nicename[export.term_ids[primary]]
    for domain, nicename, _ in item.categories:
        if domain == "category" and nicename in by_nicename:
            return by_nicename[nicename]
    return "uncategorized" if "uncategorized" in sections else next(iter(sections))


def _authors(export: _Export) -> dict[str, tuple[str, str]]:
    """Author slug -> (display name, email), for every author of the export and every creator."""
    found: dict[str, tuple[str, str]] = {}
    for login, (name, email) in export.authors.items():
        found[make_slug(login, "editor")] = (name, email)
    for item in export.items:
        creator = item.get("dc:creator")
        if creator and make_slug(creator, "editor") not in found:
            found[make_slug(creator, "editor")] = (creator, "")
    return found


def _author_document(slug: str, name: str, email: str) -> Document:
    meta: dict[str, object] = {"name": name}
    if email and "@" in email:
        meta["email"] = email
    return Document.of("author", f"content/authors/{slug}.md", name, meta, "")


def _plan(
    export: _Export, sections: Mapping[str, tuple[str, str]], ctx: _Context, skipped: Counter[str]
) -> list[_Plan]:
    """Where each post and page goes: a unique file and URL for each."""
    plans = []
    urls: set[str] = {url_key(f"/{slug}/") for slug in sections} | set(
        map(url_key, ctx.setup.taken_urls)
    )
    files: set[str] = set()
    for item in export.items:
        kind = item.get("wp:post_type") or "post"
        status = item.get("wp:status") or "publish"
        if kind == "attachment":
            continue
        if kind not in ("post", "page"):
            skipped[_SKIPPED_TYPES.get(kind, f"items of type {kind!r}")] += 1
            continue
        if status in ("trash", "auto-draft", "inherit"):
            skipped[f"{status} items"] += 1
            continue
        title = plain_text(item.get("title")) or item.opening
        name = unquote(item.get("wp:post_name"))
        fallback = make_slug(title, "") or f"{kind}-{item.get('wp:post_id') or len(plans) + 1}"
        slug = make_slug(name, fallback) if name else fallback
        private = status == "private" or bool(item.get("wp:post_password"))
        if kind == "post":
            section = _section_of(item, sections, export)
            moment = _moment(item)
            folder = f"content/articles/{moment:%Y/%m}" if moment else "content/articles"
            slug = unique(slug, urls, lambda s, section=section: url_key(f"/{section}/{s}/"))
            stem = unique(slug, files, lambda s, folder=folder: f"{folder}/{s}.md")
            path = f"{folder}/{stem}.md"
            if private:
                path = f"{PRIVATE_DIR}/{path.removeprefix('content/')}"
            plans.append(
                _Plan(
                    item,
                    "private" if private else "story",
                    path,
                    slug,
                    f"/{section}/{slug}/",
                    title,
                    section,
                )
            )
        else:
            slug = unique(
                slug,
                urls,
                lambda s: url_key(f"/{s}/") if not _reserved_page(s) else url_key(f"/{s}/") + "#",
            )
            published = status in ("publish", "future") and not private
            path = f"content/pages/{slug}.md" if published else f"{PRIVATE_DIR}/pages/{slug}.md"
            plans.append(
                _Plan(item, "page" if published else "draft-page", path, slug, f"/{slug}/", title)
            )
    for plan in plans:
        # Only a published story or page can be the target of a link in another.
        if plan.item.get("wp:status") not in ("publish", "") or plan.kind not in ("story", "page"):
            continue
        for url in (plan.item.get("link"), plan.item.get("guid")):
            if url:
                ctx.links.setdefault(_link_key(url), plan.path)
    return plans


def _reserved_page(slug: str) -> bool:
    url = f"/{slug}/"
    return url in RESERVED_URLS or any(url.startswith(prefix) for prefix in RESERVED_PREFIXES)


def _link_key(url: str) -> str:
    parts = urlsplit(html.unescape(url.strip()))
    path = unquote(parts.path).rstrip("/")
    return f"{(parts.hostname or '').removeprefix('www.')}{path}?{parts.query}"


def _moment(item: _Item) -> datetime | None:
    """The post's date with the offset WordPress knew (local date minus the GMT date)."""
    local = _parse_wp_date(item.get("wp:post_date"))
    gmt = _parse_wp_date(item.get("wp:post_date_gmt"))
    if gmt is None and item.get("pubDate"):
        try:
            published = parsedate_to_datetime(item.get("pubDate"))
            gmt = published.astimezone(UTC).replace(tzinfo=None)
        except (TypeError, ValueError):
            gmt = None
    if local is None:
        return gmt.replace(tzinfo=UTC) if gmt else None
    if gmt is None:
        return local.replace(tzinfo=UTC)
    minutes = round((local - gmt).total_seconds() / 900) * 15
    if abs(minutes) > 14 * 60:
        minutes = 0
    return local.replace(tzinfo=timezone(timedelta(minutes=minutes)))


def _parse_wp_date(text: str) -> datetime | None:
    if not text or text.startswith("0000"):
        return None
    try:
        return datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        return None


def _document(
    plan: _Plan,
    html_text: str,
    sections: Mapping[str, tuple[str, str]],
    authors: Mapping[str, tuple[str, str]],
    ctx: _Context,
    claimed: set[str],
) -> tuple[Document, list[str], list[tuple[str, str]]]:
    item = plan.item
    status = item.get("wp:status") or "publish"
    title = plan.title
    text = _NEXTPAGE.sub("", _BLOCK_COMMENT.sub("", html_text))
    raw = _MORE.split(text, maxsplit=1)
    teaser, content = (raw[0], raw[0] + raw[1]) if len(raw) == 2 else ("", raw[0])
    if not plain_text(item.get("title")):
        title = title or plan.slug.replace("-", " ").capitalize()
        _warn(ctx, "untitled", f"no title: titled {title!r} from its first words or slug", plan)
    conversion = _conversion(plan, ctx)
    body = to_markdown(_prepare(content, conversion, ctx, plan), conversion)
    for kind, message in conversion.problems:
        _warn(ctx, kind, message, replace(plan, title=title))
    meta: dict[str, object] = {"title": title}
    tags: list[str] = []
    queries: list[tuple[str, str]] = []
    if plan.kind in ("story", "private"):
        moment = _moment(item)
        creator = make_slug(item.get("dc:creator"), "editor") if item.get("dc:creator") else ""
        if not creator or creator not in authors:
            creator = next(iter(sorted(authors)), "editor")
        if moment is None:
            _warn(ctx, "no date", "no date in the export: dated 1970-01-01", plan)
        meta["date"] = moment.isoformat() if moment else "1970-01-01T00:00:00+00:00"
        meta["author"] = creator
        meta["section"] = plan.section
        summary = plain_text(item.get("excerpt:encoded")) or plain_text(
            _BLOCK_COMMENT.sub("", teaser)
        )
        if summary:
            meta["summary"] = summary
        first = True
        for domain, nicename, name in item.categories:
            if domain == "post_tag" or (domain == "category" and not first):
                tags.append(plain_text(name) or unquote(nicename))
            if domain == "category" and sections.get(plan.section, ("", ""))[1] == nicename:
                first = False
        if item.categories and first is True:
            # The story's section came from Yoast or a default: every category is a tag.
            tags = [
                plain_text(n) or unquote(k)
                for d, k, n in item.categories
                if d in ("post_tag", "category") and sections.get(plan.section, ("", ""))[1] != k
            ]
        tags = list(dict.fromkeys(tag for tag in tags if _taggable(tag)))
        if tags:
            meta["tags"] = tags
        photo = _featured(item, plan, ctx)
        if photo:
            meta["photo"] = photo
        if status in ("draft", "pending") or plan.kind == "private":
            meta["draft"] = True
    if make_slug(PurePosixPath(plan.path).stem, "") != plan.slug or not plan.slug.isascii():
        meta["slug"] = plan.slug
    published = status in ("publish", "future") and plan.kind in ("story", "page")
    if published:
        aliases = []
        for url in dict.fromkeys(u for u in (item.get("link"), item.get("guid")) if u):
            if not url.startswith(("http://", "https://", "/")):
                continue
            path = old_path(html.unescape(url), ctx.base_path)
            if path is None:
                query = query_id(html.unescape(url))
                if query and url == item.get("link"):
                    queries.append((query, plan.url))
                continue
            decoded = unicodedata.normalize("NFC", unquote(path))
            if usable_alias(decoded, plan.url, claimed):
                aliases.append(decoded)
        if aliases:
            meta["aliases"] = aliases
    kind = plan.kind
    if plan.kind == "private":
        _warn(
            ctx,
            "private or password-protected",
            "kept outside content/ as a draft: its text is not published",
            plan,
        )
    elif plan.kind == "draft-page":
        _warn(
            ctx,
            "unpublished page",
            f"a {status} page: kept outside content/ (pages have no drafts); move it to content/pages/ to publish",
            plan,
        )
    if status == "future":
        _warn(ctx, "scheduled", "scheduled: published by the first build after its date", plan)
    return (
        Document.of("story" if kind == "private" else kind, plan.path, title, meta, body),
        tags,
        queries,
    )


def _taggable(tag: str) -> bool:
    from newssite.urls import InvalidSlugError, slugify

    try:
        return bool(tag and slugify(tag))
    except InvalidSlugError:
        return False


def _warn(ctx: _Context, kind: str, message: str, plan: _Plan) -> None:
    ctx.warnings.append(ImportWarning(kind, message, plan.title or plan.slug, plan.path))


def _prepare(content: str, conversion: Conversion, ctx: _Context, plan: _Plan) -> str:
    """WordPress markup to plain HTML: captions, embeds and paragraphs, shortcodes reported."""
    text = content.replace("\r\n", "\n")
    text = _EMBED_FIGURE.sub(lambda m: f"\n\n{m.group(1)}\n\n", text)
    text = _CAPTION.sub(lambda m: _caption_figure(m.group(2), m.group(3)), text)
    text = _EMBED.sub(lambda m: f"\n\n{m.group(1).strip()}\n\n", text)
    text = _BARE_URL.sub(lambda m: _bare_url(m.group(1), conversion), text)
    for match in _SHORTCODE.finditer(text):
        if not match.group(1) and match.group(2).lower() not in ("caption", "embed"):
            conversion.problems.append(
                (
                    "shortcode kept as text",
                    f"[{match.group(2)}] has no equivalent; it is kept as text",
                )
            )
    return _autop(text)


def _caption_figure(attributes: str, inner: str) -> str:
    caption_attr = re.search(r'caption="([^"]*)"', attributes)
    image = _IMG_SRC.search(inner)
    if not image:
        return inner
    rest = _IMG_SRC.sub("", re.sub(r"</?a\b[^>]*>", "", inner)).strip()
    caption = caption_attr.group(1) if caption_attr else rest
    return f"\n\n<figure>{image.group(0)}<figcaption>{caption}</figcaption></figure>\n\n"


def _bare_url(url: str, conversion: Conversion) -> str:
    player = player_url(url, conversion.embed_hosts)
    if player:
        return embed_html(player)
    if is_media_url(url):
        host = urlsplit(url).hostname or url
        conversion.problems.append(
            (
                "embed not allowed",
                f"an embed of {host} became a link; add its player's host to embed_hosts to embed it",
            )
        )
    return f'<p><a href="{html.escape(url, quote=True)}">{html.escape(url)}</a></p>'


def _autop(text: str) -> str:
    """WordPress stores classic posts without <p>: blank lines part paragraphs (its wpautop)."""
    blocks = re.split(r"\n\s*\n", text.strip())
    out = []
    for block in blocks:
        if not block.strip():
            continue
        if _BLOCK_START.match(block) or block.lstrip().startswith("<!--"):
            out.append(block)
        else:
            out.append("<p>" + block.strip().replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(out)


def _conversion(plan: _Plan, ctx: _Context) -> Conversion:
    folder = PurePosixPath(plan.path).parent

    def map_link(href: str) -> str:
        target = ctx.links.get(_link_key(href))
        if target and target.startswith("content/") and plan.path.startswith("content/"):
            return _relative(target, folder.as_posix())
        return href

    def map_image(src: str) -> str:
        attachment = _attachment_by_url(src, ctx)
        attached = attachment.meta.get("_wp_attached_file", "") if attachment else ""
        return _local_copy(src, plan, ctx, attached=attached) or src

    def credit_of(src: str) -> str:
        attachment = _attachment_by_url(src, ctx)
        return _credit(attachment) if attachment else ""

    return Conversion(ctx.setup.embed_hosts, map_link, map_image, credit_of)


def _relative(target: str, folder: str) -> str:
    import posixpath

    return posixpath.relpath(target, folder)


def _attachment_by_url(src: str, ctx: _Context) -> _Item | None:
    key = ctx.attachment_paths.get(_SIZED.sub("", unquote(urlsplit(html.unescape(src)).path)))
    if key is None:
        return None
    ctx.used_attachments.add(key)
    return ctx.attachments[key]


def _credit(attachment: _Item) -> str:
    match = _CREDIT_META.search(attachment.meta.get("_wp_attachment_metadata", ""))
    return plain_text(match.group(1)) if match else ""


def _featured(item: _Item, plan: _Plan, ctx: _Context) -> dict[str, str] | None:
    key = item.meta.get("_thumbnail_id", "").strip()
    if not key:
        return None
    attachment = ctx.attachments.get(key)
    if attachment is None:
        _warn(ctx, "featured image missing", f"featured image {key} is not in the export", plan)
        return None
    ctx.used_attachments.add(key)
    url = attachment.get("wp:attachment_url") or attachment.get("guid")
    src = _local_copy(url, plan, ctx, attached=attachment.meta.get("_wp_attached_file", "")) or url
    photo = {"src": src}
    alt = plain_text(attachment.meta.get("_wp_attachment_image_alt", ""))
    caption = plain_text(attachment.get("excerpt:encoded"))
    credit = _credit(attachment)
    if alt:
        photo["alt"] = alt
    if caption:
        photo["caption"] = caption
    if credit:
        photo["credit"] = credit
    return photo


def _local_copy(url: str, plan: _Plan, ctx: _Context, *, attached: str = "") -> str | None:
    """With --uploads: copy the photo beside the story and give its file name; else None."""
    if not url:
        return None
    relative = attached or ""
    path = unquote(urlsplit(html.unescape(url)).path)
    if not relative and _UPLOADS in path:
        relative = path.split(_UPLOADS, 1)[1]
    if not relative:
        return None
    if ctx.uploads is None:
        _warn(
            ctx,
            "photo left on the old site",
            f"{url} is still loaded from the old site (no --uploads)",
            plan,
        )
        ctx.photos.add(url)
        return None
    source = _find_upload(ctx.uploads, relative)
    if source is None:
        _warn(
            ctx,
            "photo not in --uploads",
            f"{relative} is not in {ctx.uploads}; the old URL is kept",
            plan,
        )
        return None
    if source.suffix.lower() not in IMAGE_SUFFIXES or not _readable_image(source):
        _warn(
            ctx,
            "photo not usable",
            f"{relative} is not a JPEG, PNG, GIF or WebP newssite can read; the old URL is kept",
            plan,
        )
        return None
    folder = PurePosixPath(plan.path).parent
    name = make_slug(source.stem, "photo") + source.suffix.lower()
    target = f"{folder}/{name}"
    existing = ctx.files.get(target)
    if existing is not None and existing.source != source:
        name = f"{PurePosixPath(relative).parent.as_posix().replace('/', '-')}-{name}"
        target = f"{folder}/{name}"
    ctx.files[target] = CopiedFile(target, source)
    ctx.photos.add(str(source))
    return name


def _find_upload(root: Path, relative: str) -> Path | None:
    parts = PurePosixPath(relative.lstrip("/")).parts
    if not parts or ".." in parts:
        return None
    candidate = root.joinpath(*parts)
    if candidate.is_file() and candidate.resolve().is_relative_to(root.resolve()):
        return candidate
    original = root.joinpath(*PurePosixPath(_SIZED.sub("", "/".join(parts))).parts)
    if original.is_file() and original.resolve().is_relative_to(root.resolve()):
        return original
    return None


def _readable_image(path: Path) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
        return False
    return True
