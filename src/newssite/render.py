"""Render pages through Jinja, and feeds, sitemaps and JSON through serialisers."""

from __future__ import annotations

import hashlib
import io
import json
import operator
import pickle
import signal
import traceback
import xml.etree.ElementTree as etree
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import jinja2
from markupsafe import Markup

from newssite import model
from newssite.cache import BuildCache
from newssite.config import SiteConfig
from newssite.errors import NewssiteError
from newssite.model import (
    Author,
    Feed,
    Output,
    Page,
    Photo,
    Section,
    Site,
    SitemapEntry,
    Story,
    Tag,
    Teaser,
)
from newssite.templates import ap_date, make_environment
from newssite.urls import absolute, href, json_feed_url, output_path
from newssite.write import spool

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
MEDIA = "http://search.yahoo.com/mrss/"
SITEMAP_LIMIT = 50_000  # URLs in one sitemap file, by the sitemap protocol
SITEMAP_SINGLE = 5_000  # up to this many URLs, one sitemap.xml; past it, an index and parts
SITEMAP_STORY_BLOCK = 2_000
LATEST_COUNT = 20
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)


def render_page(
    page: Page,
    site: Site,
    env: jinja2.Environment,
    config: SiteConfig,
    teasers: Teasers | None = None,
) -> Output:
    """One HTML page; a template problem becomes a NewssiteError naming the template and line.

    List templates place each story's teaser with `teaser_html(story, ...)`: given the
    build's `teasers`, a teaser made for an earlier page is reused, not rendered again.
    """
    context = {
        "site": site.info,
        "page": page,
        "canonical": absolute(page.url, config.base_url),
        "teaser_html": (teasers if teasers is not None else Teasers(env)).html,
        **page.context,
    }
    try:
        html = env.get_template(page.template).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise NewssiteError(
            f"template syntax error: {error.message}",
            path=_template_name(error.filename, config) or error.name or page.template,
            line=error.lineno,
        ) from None
    except jinja2.TemplateNotFound as error:
        raise NewssiteError(
            f"template not found: {error.name} (needed for {page.url})", path=page.template
        ) from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as error:
        path, line = _template_location(error, config)
        raise NewssiteError(
            f"template error while rendering {page.url}: {error}",
            path=path or page.template,
            line=line,
        ) from None
    return Output(output_path(page.url), html.encode("utf-8"))


TEASER_TEMPLATE = "teaser.html"
# How the default theme shows most stories (a card with an h2 or an h3 headline, a line of
# "Related"): made for every story before the pages are rendered in parallel, so that each
# is made once per build.
BULK_TEASERS: tuple[tuple[int, str | None, bool, bool], ...] = (
    (2, None, True, True),
    (3, None, True, True),
    (3, "related", True, True),
)
TeaserKey = tuple[str, int, str | None, bool, bool]  # story URL, level, variant, photo, summary


class Teasers:
    """The teaser HTML of each story (teaser.html) for each way a list shows it, made once
    per build and placed by every list page that shows the story.

    Keyed by the story's URL: one store serves one build (one Site), never two.
    """

    def __init__(
        self, env: jinja2.Environment, made: Mapping[TeaserKey, str] | None = None
    ) -> None:
        self.env = env
        self.made: dict[TeaserKey, Markup] = {k: Markup(v) for k, v in (made or {}).items()}

    def html(
        self,
        story: Story | Teaser,
        level: int = 3,
        variant: str | None = None,
        show_photo: bool = True,
        show_summary: bool = True,
    ) -> Markup:
        """The story's card; the arguments are those of the theme's `card` macro."""
        key = (story.url, level, variant, bool(show_photo), bool(show_summary))
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = Markup(
                self.env.get_template(TEASER_TEMPLATE).render(
                    story=teaser_of(story),
                    level=level,
                    variant=variant,
                    show_photo=show_photo,
                    show_summary=show_summary,
                )
            )
        return found


def teaser_of(story: Story | Teaser) -> Teaser:
    """What a list shows of a story: everything but its body, tags and extra fields."""
    if isinstance(story, Teaser):
        return story
    return Teaser(
        story.title,
        story.url,
        story.section,
        story.date,
        story.photo,
        story.summary,
        story.authors,
    )


def bulk_teasers(
    stories: Sequence[Story | Teaser], env: jinja2.Environment
) -> list[tuple[TeaserKey, str]]:
    """The BULK_TEASERS of each story, made before the pages. A story whose teaser fails
    is left out: the page that shows it renders it again and reports the error."""
    teasers = Teasers(env)
    for story in stories:
        for level, variant, show_photo, show_summary in BULK_TEASERS:
            try:
                teasers.html(story, level, variant, show_photo, show_summary)
            except Exception:  # reported, with its template line, by a page that shows it
                continue
    return [(key, str(html)) for key, html in teasers.made.items()]


def _template_name(filename: str | None, config: SiteConfig) -> str | None:
    if not filename:
        return None
    path = Path(filename)
    try:
        return path.resolve().relative_to(config.site_dir.resolve()).as_posix()
    except ValueError:
        return "/".join(path.parts[-3:])


def _template_location(error: BaseException, config: SiteConfig) -> tuple[str | None, int | None]:
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".j2")):
            return _template_name(frame.filename, config), frame.lineno
    return None, None


def page_fingerprint(
    page: Page, site: Site, salt: str, fingerprinter: Fingerprinter | None = None
) -> str:
    """A hash of everything a page's template is given; equal fingerprints render equal bytes.

    Templates see only `site.info`, the page and its context, so this is exact: incremental
    rendering comes from hashing inputs, not from guessing what an edit touched. One
    `fingerprinter` for all pages of a build hashes each story once, not on every list page.
    """
    fingerprinter = Fingerprinter() if fingerprinter is None else fingerprinter
    head = (
        page.kind,
        page.url,
        page.template,
        page.title,
        page.description,
        page.feed_url,
        page.noindex,
    )
    parts = [salt, fingerprinter.text_of(site.info), repr(head)]
    for key in sorted(page.context):
        parts.append(key)
        parts.append(fingerprinter.of(page.context[key]))
    return _sha("\0".join(parts))


class Fingerprinter:
    """Hashes of values by their pickle, in which each dataclass of the model is its fields,
    and a story, author, section, tag or teaser (each shown on many pages) stands by its own
    hash: made once per build, remembered by identity.

    The model holds no sets, so a pickle is the same bytes for equal values in any process;
    fast mode (no pickle memo) keeps it so however objects happen to be shared. The
    dataclasses go through the pickler's dispatch table, so nothing else costs a Python call.
    """

    def __init__(self) -> None:
        self.hashes: dict[int, str] = {}
        self.table = {kind: self._reducer(kind) for kind in _MODEL_DATACLASSES}
        self.texts: dict[int, str] = {}

    def text_of(self, value: object) -> str:
        """repr(value), made once for each object (the site info every page is given)."""
        found = self.texts.get(id(value))
        if found is None:
            found = self.texts[id(value)] = repr(value)
        return found

    def of(self, value: object) -> str:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=5)
        pickler.fast = True
        pickler.dispatch_table = self.table
        pickler.dump(value)
        return hashlib.sha256(buffer.getbuffer()).hexdigest()

    def _reducer(self, kind: type) -> Callable[[object], tuple[object, ...]]:
        name, fields_of = kind.__qualname__, _field_getter(kind)
        if kind not in _SHARED:
            return lambda value: (_Hashed, (name, fields_of(value)))
        hashes = self.hashes

        def shared(value: object) -> tuple[object, ...]:
            found = hashes.get(id(value))
            if found is None:
                found = hashes[id(value)] = self.of((name, fields_of(value)))
            return _Hashed, (found,)

        return shared


class _Hashed(str):
    """Stands for a dataclass in a fingerprint pickle (never unpickled)."""


# Shown on many pages: each is hashed once per build and stands by its hash.
_SHARED = frozenset({Story, Author, Section, Tag, Teaser})
_MODEL_DATACLASSES = tuple(
    kind for kind in vars(model).values() if isinstance(kind, type) and is_dataclass(kind)
)


def _field_getter(kind: type) -> Callable[[object], tuple[object, ...]]:
    names = [f.name for f in fields(kind)]
    getter = operator.attrgetter(*names)
    return (lambda value: (getter(value),)) if len(names) == 1 else getter


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class RenderMemo:
    """What the previous build of a long-lived process (the preview) rendered each file from.

    A page equal to last time's, on the same site info, theme and config, keeps last time's
    fingerprint without hashing: with stories reused by identity (graph.StoryMemo) the
    comparison is mostly `is` checks, so a rebuild does not hash 10,000 unchanged pages.
    """

    basis: tuple[object, ...] = ()
    inputs: dict[str, object] = field(default_factory=dict)  # path -> what it was made from


def _remember(cache: BuildCache, outputs: Sequence[Output], fingerprints: Sequence[str]) -> None:
    keep_bytes = cache.directory is None
    cache.remember_pages(
        {
            o.path: (fp, o.data if keep_bytes else None)
            for o, fp in zip(outputs, fingerprints, strict=True)
        }
    )


_Job = tuple[str, object, Callable[[], Output] | None]  # path, inputs, maker (None: a page)
_NOTHING = object()


def _render_files(
    jobs: Sequence[_Job],
    site: Site,
    config: SiteConfig,
    cache: BuildCache | None,
    salt: str,
    intact: Container[str],
    earlier: Mapping[str, object],
    render: Callable[[list[int]], Iterator[tuple[int, Output | NewssiteError]]],
    spool_dir: Path | None = None,
) -> tuple[list[Output], list[str]]:
    """Outputs for the jobs, made only where the fingerprint of the inputs changed.

    With a spool_dir, each made file goes there at once instead of staying in memory.
    """
    previous = cache.page_fingerprints() if cache is not None else {}
    fingerprinter = Fingerprinter()
    fingerprints: list[str] = []
    outputs: list[Output | None] = []
    todo: list[int] = []
    for index, (path, inputs, _) in enumerate(jobs):
        fingerprint = ""
        if cache is not None:
            known = previous.get(path)
            if known is not None and earlier.get(path, _NOTHING) == inputs:
                fingerprint = known
            elif isinstance(inputs, Page):
                fingerprint = page_fingerprint(inputs, site, salt, fingerprinter)
            else:
                fingerprint = _sha(salt + "\0" + fingerprinter.of(inputs))
        fingerprints.append(fingerprint)
        if cache is not None and previous.get(path) == fingerprint:
            kept = cache.rendered[path][1]
            if kept is not None or path in intact:
                outputs.append(Output(path, kept))
                continue
        outputs.append(None)
        todo.append(index)

    problems: dict[tuple[str | None, int | None, str], NewssiteError] = {}
    for index, result in render(todo):
        if isinstance(result, NewssiteError):
            key = (result.path, result.line, result.message.split(" while rendering ")[0])
            problems.setdefault(key, result)
        else:
            outputs[index] = spool(result, spool_dir) if spool_dir is not None else result
    if problems:
        raise ExceptionGroup("template errors", list(problems.values()))
    return [o for o in outputs if o is not None], fingerprints


PARALLEL_RENDER_THRESHOLD = 400
_worker: dict[str, object] = {}  # set once in each worker process by _start_worker


def _render_pages(
    todo: Sequence[int],
    pages: Sequence[Page],
    site: Site,
    env: jinja2.Environment,
    config: SiteConfig,
    workers: int,
) -> Iterator[tuple[int, Output | NewssiteError]]:
    if workers < 2 or len(todo) < PARALLEL_RENDER_THRESHOLD:
        teasers = Teasers(env)  # one process: each teaser is made when a page first shows it
        for index in todo:
            yield index, _render_or_error(pages[index], site, env, config, teasers)
        return
    # Jinja is pure Python too: a cold build renders on every core. Each worker gets the
    # site once (forked, not copied), builds its own environment, and returns pages in
    # order. The teasers lists place are made first, once, and every worker gets them all.
    made: dict[TeaserKey, str] = {}
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(site, config, made)
    ) as pool:
        for part in pool.map(_teaser_batch, _batches(range(len(site.stories)), workers, 100)):
            made.update(part)
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(site, config, made)
    ) as pool:
        for batch_result in pool.map(_render_batch, _batches(todo, workers, 50)):
            yield from batch_result


def _batches(indices: Sequence[int], workers: int, smallest: int) -> list[list[int]]:
    size = max(smallest, len(indices) // (workers * 6))
    return [list(indices[i : i + size]) for i in range(0, len(indices), size)]


def _start_worker(site: Site, config: SiteConfig, made: Mapping[TeaserKey, str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    env = make_environment(config)
    _worker.update(site=site, config=config, env=env, teasers=Teasers(env, made))


def _teaser_batch(indices: list[int]) -> list[tuple[TeaserKey, str]]:
    site, teasers = _worker["site"], _worker["teasers"]
    assert isinstance(site, Site) and isinstance(teasers, Teasers)
    return bulk_teasers([site.stories[index] for index in indices], teasers.env)


def _render_batch(indices: list[int]) -> list[tuple[int, Output | NewssiteError]]:
    site, config, teasers = _worker["site"], _worker["config"], _worker["teasers"]
    assert isinstance(site, Site) and isinstance(config, SiteConfig)
    assert isinstance(teasers, Teasers)
    return [
        (index, _render_or_error(site.pages[index], site, teasers.env, config, teasers))
        for index in indices
    ]


def _render_or_error(
    page: Page,
    site: Site,
    env: jinja2.Environment,
    config: SiteConfig,
    teasers: Teasers | None = None,
) -> Output | NewssiteError:
    try:
        return render_page(page, site, env, config, teasers)
    except NewssiteError as error:
        return error


def _xml(root: etree.Element) -> bytes:
    etree.indent(root, space="  ")
    body = etree.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def _sub(
    parent: etree.Element, tag: str, text: str | None = None, **attributes: str
) -> etree.Element:
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def render_feed(feed: Feed, site: Site, config: SiteConfig) -> Output:
    """An Atom (RFC 4287) feed, serialised by ElementTree so every field is escaped."""
    base = config.base_url
    root = etree.Element("feed", {"xmlns": ATOM, "xmlns:media": MEDIA, "xml:lang": config.language})
    _sub(root, "id", feed.feed_id)
    _sub(root, "title", feed.title)
    if feed.subtitle:
        _sub(root, "subtitle", feed.subtitle)
    updated = max((story.modified for story in feed.stories), default=EMPTY_FEED_UPDATED)
    _sub(root, "updated", _rfc3339(updated))
    _sub(root, "link", rel="self", type="application/atom+xml", href=absolute(feed.url, base))
    _sub(root, "link", rel="alternate", type="text/html", href=absolute(feed.alternate_url, base))
    author = _sub(root, "author")
    _sub(author, "name", config.title)
    _sub(author, "uri", base)
    _sub(root, "generator", "newssite", uri="https://pypi.org/project/newssite/")
    for story in feed.stories:
        _feed_entry(root, story, config)
    return Output(output_path(feed.url), _xml(root))


def entry_id(story: Story, config: SiteConfig) -> str:
    """A tag: URI that survives edits of the title (RFC 4151)."""
    host = absolute("/", config.base_url).split("/")[2].split(":")[0]
    return f"tag:{host},{story.date.astimezone(config.timezone).date().isoformat()}:{story.slug}"


def _feed_entry(root: etree.Element, story: Story, config: SiteConfig) -> None:
    entry = _sub(root, "entry")
    _sub(entry, "id", entry_id(story, config))
    _sub(entry, "title", story.title, type="text")
    _sub(
        entry, "link", rel="alternate", type="text/html", href=absolute(story.url, config.base_url)
    )
    _sub(entry, "published", _rfc3339(story.date))
    _sub(entry, "updated", _rfc3339(story.modified))
    for person in story.authors:
        author = _sub(entry, "author")
        _sub(author, "name", person.name)
        _sub(author, "uri", absolute(person.url, config.base_url))
    _sub(entry, "category", term=story.section.slug, label=story.section.title)
    for tag in story.tags:
        _sub(entry, "category", term=tag.slug, label=tag.name)
    if story.summary:
        _sub(entry, "summary", story.summary, type="text")
    content = _sub(entry, "content", _feed_content(story, config), type="html")
    content.set("xml:base", absolute(story.url, config.base_url))
    if story.photo is not None:
        _media_content(entry, story.photo, config)


def _media_content(entry: etree.Element, photo: Photo, config: SiteConfig) -> None:
    """The story photo as Media RSS: its largest JPEG/PNG file, credit, caption, thumbnail."""
    files = [rendition for rendition in photo.renditions if rendition.mime != "image/webp"]
    largest = files[-1] if files else None
    url = absolute(largest.url if largest else photo.src, config.base_url)
    media = _sub(entry, "media:content", url=url, medium="image")
    if largest is not None:
        media.attrib.update(type=largest.mime, width=str(largest.width), height=str(largest.height))
    if photo.caption:
        _sub(media, "media:description", photo.caption, type="plain")
    if photo.credit:
        _sub(media, "media:credit", photo.credit)
    if files:
        small = files[0]
        _sub(
            media,
            "media:thumbnail",
            url=absolute(small.url, config.base_url),
            width=str(small.width),
            height=str(small.height),
        )


def _feed_content(story: Story, config: SiteConfig) -> str:
    if story.photo is None:
        return story.body_html
    photo = story.photo
    src = absolute(photo.src, config.base_url)
    caption = " ".join(
        part for part in (photo.caption, f"({photo.credit})" if photo.credit else "") if part
    )
    figure = etree.Element("figure")
    etree.SubElement(figure, "img", {"src": src, "alt": photo.alt})
    if caption:
        etree.SubElement(figure, "figcaption").text = caption
    return etree.tostring(figure, encoding="unicode", method="html") + story.body_html


JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def render_json_feed(feed: Feed, config: SiteConfig) -> Output:
    """The JSON Feed 1.1 twin of an Atom feed: the same stories, ids, dates and full text."""
    base = config.base_url
    data: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": absolute(feed.alternate_url, base),
        "feed_url": absolute(json_feed_url(feed.url), base),
    }
    if feed.subtitle:
        data["description"] = feed.subtitle
    data["language"] = config.language
    data["authors"] = [{"name": config.title, "url": base}]
    data["items"] = [_json_feed_item(story, config) for story in feed.stories]
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Output(output_path(json_feed_url(feed.url)), (text + "\n").encode("utf-8"))


def _json_feed_item(story: Story, config: SiteConfig) -> dict[str, object]:
    base = config.base_url
    item: dict[str, object] = {
        "id": entry_id(story, config),
        "url": absolute(story.url, base),
        "title": story.title,
        "content_html": _feed_content(story, config),
    }
    if story.summary:
        item["summary"] = story.summary
    item["date_published"] = _rfc3339(story.date)
    item["date_modified"] = _rfc3339(story.modified)
    item["authors"] = [{"name": a.name, "url": absolute(a.url, base)} for a in story.authors]
    item["tags"] = list(dict.fromkeys([story.section.title, *(tag.name for tag in story.tags)]))
    if story.photo is not None:
        photo = story.photo
        files = [rendition for rendition in photo.renditions if rendition.mime != "image/webp"]
        item["image"] = absolute(files[-1].url if files else photo.src, base)
        # JSON Feed has no field for a photo's credit; an extension object carries it.
        item["_photo"] = {"alt": photo.alt, "caption": photo.caption, "credit": photo.credit}
    return item


def render_sitemaps(entries: Sequence[SitemapEntry], config: SiteConfig) -> list[Output]:
    """sitemap.xml, or past SITEMAP_SINGLE URLs a sitemap index and its parts."""
    parts = sitemap_parts(entries)
    outputs = [_urlset_output(name, part, config) for name, part in parts]
    if len(parts) > 1:
        outputs.append(render_sitemap_index(sitemap_index_of(parts), config))
    return outputs


def sitemap_parts(
    entries: Sequence[SitemapEntry],
    single: int = SITEMAP_SINGLE,
    block: int = SITEMAP_STORY_BLOCK,
) -> list[tuple[str, Sequence[SitemapEntry]]]:
    """The sitemap files: (name, entries). Up to `single` URLs, one sitemap.xml. Past that,
    the list and standalone pages in sitemap-pages.xml, and the stories in blocks of `block`
    counted from the oldest, so publishing a story rewrites the newest block, not the
    archive's sitemap. `entries` list the stories newest first, as the site does."""
    if len(entries) <= single:
        return [("sitemap.xml", entries)]
    pages = [entry for entry in entries if not entry.story]
    stories = [entry for entry in entries if entry.story][::-1]
    parts: list[tuple[str, Sequence[SitemapEntry]]] = [
        (
            f"sitemap-pages{_numbered(n, len(pages), SITEMAP_LIMIT)}.xml",
            pages[i : i + SITEMAP_LIMIT],
        )
        for n, i in enumerate(range(0, len(pages), SITEMAP_LIMIT), 1)
    ]
    parts += [
        (f"sitemap-stories-{n}.xml", stories[i : i + block])
        for n, i in enumerate(range(0, len(stories), block), 1)
    ]
    return parts


def _numbered(number: int, count: int, size: int) -> str:
    return f"-{number}" if count > size else ""


def sitemap_index_of(
    parts: Sequence[tuple[str, Sequence[SitemapEntry]]],
) -> tuple[tuple[str, datetime | None], ...]:
    """Each part's file name with its newest lastmod."""
    return tuple(
        (name, max((e.lastmod for e in part if e.lastmod), default=None)) for name, part in parts
    )


def render_sitemap_index(
    index: Sequence[tuple[str, datetime | None]], config: SiteConfig
) -> Output:
    """The sitemap index: one <sitemap> per part, with its newest lastmod."""
    root = etree.Element("sitemapindex", {"xmlns": SITEMAP})
    for name, lastmod in index:
        sitemap = _sub(root, "sitemap")
        _sub(sitemap, "loc", absolute(f"/{name}", config.base_url))
        if lastmod:
            _sub(sitemap, "lastmod", _rfc3339(lastmod))
    return Output("sitemap.xml", _xml(root))


def _urlset_output(path: str, entries: Sequence[SitemapEntry], config: SiteConfig) -> Output:
    return Output(path, _urlset(entries, config))


def _urlset(entries: Sequence[SitemapEntry], config: SiteConfig) -> bytes:
    root = etree.Element("urlset", {"xmlns": SITEMAP})
    for entry in entries:
        url = _sub(root, "url")
        _sub(url, "loc", absolute(entry.url, config.base_url))
        if entry.lastmod:
            _sub(url, "lastmod", _rfc3339(entry.lastmod))
    return _xml(root)


def render_news_sitemap(site: Site, config: SiteConfig) -> Output:
    """Google News sitemap: stories of the last two days, at most 1,000."""
    root = etree.Element("urlset", {"xmlns": SITEMAP, "xmlns:news": NEWS})
    for story in site.news_sitemap:
        url = _sub(root, "url")
        _sub(url, "loc", absolute(story.url, config.base_url))
        news = _sub(url, "news:news")
        publication = _sub(news, "news:publication")
        _sub(publication, "news:name", config.title)
        _sub(publication, "news:language", config.language.split("-")[0].lower())
        _sub(news, "news:publication_date", _rfc3339(story.date))
        _sub(news, "news:title", story.title)
    return Output("news-sitemap.xml", _xml(root))


def render_robots(config: SiteConfig) -> Output:
    lines = [
        "User-agent: *",
        "Allow: /",
        f"Sitemap: {absolute('/sitemap.xml', config.base_url)}",
        f"Sitemap: {absolute('/news-sitemap.xml', config.base_url)}",
    ]
    return Output("robots.txt", ("\n".join(lines) + "\n").encode("utf-8"))


def _thumbnail(photo: Photo) -> str:
    """The narrowest JPEG/PNG file of a photo: the News Feed shows it 120 px wide."""
    files = [rendition for rendition in photo.renditions if rendition.mime != "image/webp"]
    return files[0].url if files else photo.src


def render_latest(site: Site, config: SiteConfig) -> Output:
    """The small file that fills the News Feed on article pages, so they never embed lists."""
    stories = [
        {
            "title": story.title,
            "url": href(story.url, config.base_path),
            "section": story.section.title,
            "date": story.date.isoformat(),
            "date_text": ap_date(story.date.astimezone(config.timezone)),
            "photo": href(_thumbnail(story.photo), config.base_path) if story.photo else None,
        }
        for story in site.stories[:LATEST_COUNT]
    ]
    data = json.dumps({"stories": stories}, ensure_ascii=False, indent=1, sort_keys=True)
    return Output("latest.json", (data + "\n").encode("utf-8"))


def render_redirects(site: Site, config: SiteConfig) -> Output:
    """`_redirects` (Netlify's format, read by several hosts): one `/old /new 301` per alias."""
    lines = [
        f"{href(old, config.base_path)} {href(new, config.base_path)} 301"
        for old, new in site.redirects
    ]
    return Output("_redirects", ("\n".join(lines) + "\n").encode("utf-8"))


def render_site(
    site: Site,
    env: jinja2.Environment,
    config: SiteConfig,
    cache: BuildCache | None = None,
    salt: str = "",
    intact: Container[str] = (),
    workers: int = 1,
    memo: RenderMemo | None = None,
    spool_dir: Path | None = None,
) -> list[Output]:
    """Every generated file of the site (HTML, feeds, sitemaps, JSON), in a stable order.

    Feeds, sitemaps and the rest are fingerprinted like pages and remade only when what
    they are made from changed.
    """
    basis = (site.info, salt, config)
    earlier = memo.inputs if memo is not None and memo.basis == basis else {}
    pages: list[_Job] = [(output_path(page.url), page, None) for page in site.pages]
    jobs = pages + _derived_files(site, config)

    def render(todo: list[int]) -> Iterator[tuple[int, Output | NewssiteError]]:
        # Pages come first in `jobs`, so a page's job index is its index in site.pages.
        yield from _render_pages(
            [i for i in todo if i < len(pages)], site.pages, site, env, config, workers
        )
        yield from ((i, _made(jobs[i])) for i in todo if i >= len(pages))

    outputs, fingerprints = _render_files(
        jobs, site, config, cache, salt, intact, earlier, render, spool_dir
    )
    if cache is not None:
        _remember(cache, outputs, fingerprints)
    if memo is not None:
        memo.basis = basis
        memo.inputs = {path: inputs for path, inputs, _ in jobs}
    return outputs


def _made(job: _Job) -> Output:
    maker = job[2]
    assert maker is not None
    return maker()


def _derived_files(site: Site, config: SiteConfig) -> list[_Job]:
    """Every generated file besides the pages: path, what it is made from, how to make it."""
    jobs: list[_Job] = []
    for feed in site.feeds:
        jobs.append(
            (output_path(feed.url), ("atom", feed), partial(render_feed, feed, site, config))
        )
    for feed in site.feeds:
        json_path = output_path(json_feed_url(feed.url))
        jobs.append((json_path, ("json", feed), partial(render_json_feed, feed, config)))
    parts = sitemap_parts(site.sitemap)
    for path, entries in parts:
        jobs.append((path, ("urlset", entries), partial(_urlset_output, path, entries, config)))
    if len(parts) > 1:
        index = sitemap_index_of(parts)
        jobs.append(("sitemap.xml", ("index", index), partial(render_sitemap_index, index, config)))
    jobs.append(
        (
            "news-sitemap.xml",
            ("news", site.news_sitemap),
            partial(render_news_sitemap, site, config),
        )
    )
    jobs.append(("robots.txt", ("robots",), partial(render_robots, config)))
    latest = site.stories[:LATEST_COUNT]
    jobs.append(("latest.json", ("latest", latest), partial(render_latest, site, config)))
    if site.redirects:
        jobs.append(
            ("_redirects", ("redirects", site.redirects), partial(render_redirects, site, config))
        )
    return jobs
