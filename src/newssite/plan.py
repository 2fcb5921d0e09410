"""The plan: every file of the site, what it shows, and a digest of all that goes into it.

One function, `make_plan`, decides from compact records of the stories, authors and pages
(what lists, feeds, sitemaps, search and related stories need of them; never a body) which
stories are published, which lists, feeds and sitemaps show them and in what order, the
search index's parts, related stories, redirects and the next publish time. A whole build,
an update after a change, the preview and `check` all plan with it, and differ only in
where the records come from. A file is made again exactly when its digest changed.

Each edition of a site in several languages ([[languages]]) is planned as a whole site
under its prefix (/uk/): its stories' lists, tags, related stories, feeds and search index
are its own. The sitemap, the news sitemap and robots.txt are one for the site; each page's
versions in the other editions (`alternates`) go into its digest.
"""

from __future__ import annotations

import hashlib
import math
import posixpath
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import NamedTuple, TypeVar

from newssite.config import Edition, SiteConfig
from newssite.errors import NewssiteError
from newssite.images import PhotoStore, shown_photos
from newssite.markup import SOURCE_SCHEME
from newssite.model import (
    EMPTY,
    Alert,
    Article,
    Asset,
    Author,
    FrontLayout,
    FrontPage,
    LiveUpdate,
    Pagination,
    SearchShard,
    Series,
    SitemapEntry,
    StandalonePage,
    Tag,
)
from newssite.parse import Documents
from newssite.related import RELATED_COUNT, WINDOW, RelatedKey, choose_related
from newssite.search_parts import SEARCH_BUNDLE_URL, search_shards
from newssite.urls import (
    author_url,
    feed_url,
    json_feed_url,
    list_page_url,
    output_path,
    page_url,
    section_url,
    slugify,
    tag_url,
    url_key,
)

NEWS_SITEMAP_WINDOW = timedelta(days=2)
NEWS_SITEMAP_LIMIT = 1000
LATEST_COUNT = 20
LATEST_URL = "/latest.json"
ALERT_URL = "/alert.json"
CORRECTIONS_URL = "/corrections/"
SERIES_URL = "/series/"
SEARCH_URL = "/search/"
NOT_FOUND_URL = "/404.html"
REMOVED_TITLE = "This article has been removed"
SITEMAP_LIMIT = 50_000  # URLs in one sitemap file, by the sitemap protocol
SITEMAP_SINGLE = 5_000  # up to this many URLs, one sitemap.xml; past it, an index and parts
SITEMAP_STORY_BLOCK = 2_000
# URLs the build writes itself; a story or page may not claim them.
GENERATED_URLS = (
    "/feed.xml",
    "/feed.json",
    "/sitemap.xml",
    "/news-sitemap.xml",
    "/robots.txt",
    NOT_FOUND_URL,
    LATEST_URL,
    ALERT_URL,
    CORRECTIONS_URL,
    SERIES_URL,
    "/authors/",
    "/tags/",
    "/theme/",
    "/page/",
    SEARCH_BUNDLE_URL,
)


@dataclass(frozen=True, slots=True)
class Publication:
    """What is published now: the build's clock and switches, decided once."""

    now: datetime
    drafts: bool = False
    future: bool = False

    def includes(self, story: Article | StoryRecord) -> bool:
        return (self.drafts or not story.draft) and (self.future or story.date <= self.now)


# --- Records: what the plan knows of each source --------------------------------------------


class StoryRecord(NamedTuple):
    """What the plan needs of one story (parse.py's Article, without its text)."""

    source: str
    document: str  # the key of its parsed document in the build cache
    key: str  # a digest of all its page shows of it (text, photo files)
    teaser: str  # a digest of what a list shows of it: no body
    url: str
    date: datetime
    section: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]  # as written
    draft: bool
    removed: bool
    aliases: tuple[str, ...]
    assets: tuple[str, ...]
    modified: datetime
    title: str
    links: tuple[str, ...]  # sources its body links to
    photos: tuple[str, ...]  # the made photo files it shows (names under /img/)
    story_type: str = "news"  # model.STORY_TYPES; sponsored stories stay out of the news sitemap
    live: bool = False  # live coverage, with its updates in Records.updates
    live_end: datetime | None = None
    edition: str = ""  # its edition's code; "" for the default edition
    translations: str = ""  # the source it and its translations share (parse.py)

    series: str = ""  # the slug of its series
    corrected: tuple[datetime, ...] = ()  # the dates of its corrections


class UpdateRecord(NamedTuple):
    """What the plan needs of one update of a live story (parse.py's LiveUpdate)."""

    source: str
    document: str
    key: str  # a digest of all its page shows of it
    story: str  # the source of its live story
    date: datetime
    pinned: bool
    author: str  # an author slug or ""
    assets: tuple[str, ...]
    links: tuple[str, ...]


class LivePlan(NamedTuple):
    """What a live story's pages show of its updates, decided with the build's now."""

    is_live: bool
    pinned: tuple[str, ...]  # sources of the pinned updates, newest first
    pages: tuple[tuple[str, Pagination, tuple[str, ...]], ...]  # (URL, pagination, sources)
    count: int
    newest: datetime | None


class AuthorRecord(NamedTuple):
    slug: str
    source: str
    document: str
    key: str  # a digest of all an author's page shows of the author
    byline: str  # a digest of what a byline shows: all but the bio
    links: tuple[str, ...]
    photos: tuple[str, ...]


class PageRecord(NamedTuple):
    source: str
    slug: str
    title: str
    document: str
    key: str
    links: tuple[str, ...]
    assets: tuple[str, ...]
    photos: tuple[str, ...]
    aliases: tuple[str, ...] = ()  # old site paths that redirect here
    edition: str = ""  # as StoryRecord's
    translations: str = ""
    prefix: str = ""  # its edition's URL prefix: "" or "/uk"

    @property
    def url(self) -> str:
        return f"{self.prefix}{page_url(self.slug)}"


@dataclass(frozen=True, slots=True)
class Records:
    """Everything the plan is made from, besides the config and the publication."""

    stories: Mapping[str, StoryRecord]  # by source
    authors: tuple[AuthorRecord, ...]  # by slug
    pages: tuple[PageRecord, ...]  # by slug
    updates: Mapping[str, UpdateRecord] = field(default_factory=dict)  # by source
    series: tuple[Series, ...] = ()  # by slug
    fronts: tuple[FrontPage, ...] = ()  # the curated fronts, by source
    alert: Alert | None = None

    def documents(self) -> list[str]:
        """The cache keys of every parsed document these records come from."""
        keys = [story.document for story in self.stories.values()]
        keys += [update.document for update in self.updates.values()]
        return keys + [a.document for a in self.authors] + [p.document for p in self.pages]


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def story_record(article: Article, document: str, photos: tuple[str, ...] = ()) -> StoryRecord:
    """The record of a story whose parsed document is `document` in the cache, its photos
    processed (images.py): the key covers the files made of them."""
    page_key = _sha(f"{document}\0{article.photo!r}\0{article.body_html}\0{article.removed!r}")
    teaser = _sha(
        repr(
            (
                article.slug,
                article.title,
                article.summary,
                article.section,
                article.authors,
                article.date,
                article.updated,
                article.corrections,
                article.photo,
                article.tags,
                article.draft,
                sorted(article.extra.items(), key=lambda item: item[0]),
                article.story_type,
                article.byline,
            )
        )
    )
    return StoryRecord(
        article.source,
        document,
        page_key,
        teaser,
        article.url,
        article.date,
        article.section,
        article.authors,
        article.tags,
        article.draft,
        article.removed is not None,
        article.aliases,
        article.assets,
        article.modified,
        article.title,
        article.links,
        photos,
        article.story_type,
        article.live,
        article.live_end,
        article.edition,
        article.translations,
        article.series,
        tuple(correction.date for correction in article.corrections),
    )


def update_record(update: LiveUpdate, document: str) -> UpdateRecord:
    return UpdateRecord(
        update.source,
        document,
        _sha(f"{document}\0{update!r}"),
        update.story,
        update.date,
        update.pinned,
        update.author,
        update.assets,
        update.links,
    )


def author_record(author: Author, document: str, photos: tuple[str, ...] = ()) -> AuthorRecord:
    key = _sha(repr(author))
    byline = _sha(repr(replace(author, bio_html="", bio_text="", lines={})))
    links = linked_sources(author.bio_html)
    return AuthorRecord(author.slug, author.source, document, key, byline, links, photos)


def page_record(page: StandalonePage, document: str, photos: tuple[str, ...] = ()) -> PageRecord:
    key = _sha(repr(page))
    return PageRecord(
        page.source,
        page.slug,
        page.title,
        document,
        key,
        page.links,
        page.assets,
        photos,
        page.aliases,
        page.edition,
        page.translations,
        page.prefix,
    )


def records_of(docs: Documents, store: PhotoStore) -> Records:
    """The records of parsed documents whose photos `store` processed (images.py)."""
    documents = documents_by_source(docs).get
    stories = {
        a.source: story_record(a, documents(a.source, ""), shown_photos(a, store))
        for a in docs.articles
    }
    authors = (
        author_record(a, documents(a.source, ""), shown_photos(a, store)) for a in docs.authors
    )
    pages = (page_record(p, documents(p.source, ""), shown_photos(p, store)) for p in docs.pages)
    updates = {u.source: update_record(u, documents(u.source, "")) for u in docs.updates}
    return Records(
        stories,
        tuple(sorted(authors, key=_slug)),
        tuple(sorted(pages, key=_slug)),
        updates=updates,
        series=tuple(sorted(docs.series, key=_slug)),
        fronts=tuple(sorted(docs.fronts, key=lambda front: front.source)),
        alert=docs.alert,
    )


def documents_by_source(docs: Documents) -> dict[str, str]:
    """Each source's parsed document in the build cache (cache.parse_key)."""
    return {key.split(":", 1)[1].rsplit(":", 2)[0]: key for key in docs.keys}


def _slug(record: AuthorRecord | PageRecord | Series) -> tuple[str, str]:
    return (record.slug, record.prefix if isinstance(record, PageRecord) else "")


def linked_sources(html: str) -> tuple[str, ...]:
    """The sources a rendered text links to (markup.py leaves them as placeholders)."""
    found = []
    start = html.find(SOURCE_SCHEME)
    while start != -1:
        end = html.find('"', start)
        found.append(html[start + len(SOURCE_SCHEME) : end].split("#")[0])
        start = html.find(SOURCE_SCHEME, end)
    return tuple(dict.fromkeys(found))


# --- The plan -------------------------------------------------------------------------------

Job = tuple[object, ...]  # (kind, ...): what one generated file is made of, by source
# A story's place in its series: (slug, part number, parts, previous part, next part).
SeriesPlace = tuple[str, int, int, str, str]
# One block of a curated front: (kind, title, URL of its list or "", story sources).
FrontBlockPlan = tuple[str, str, str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Plan:
    """Every generated file of the site: what it is made of and the digest of its inputs."""

    published: tuple[StoryRecord, ...]  # newest first; drafts too with --drafts
    included: frozenset[str]  # sources of the stories the site shows (withdrawn too)
    jobs: Mapping[str, Job]  # output path -> what it is made of
    digests: Mapping[str, str]  # output path -> digest of everything that goes into it
    related: Mapping[str, tuple[str, ...]]  # story source -> related story sources
    tags: Mapping[str, Tag]  # each spelling -> its tag
    shards: tuple[SearchShard, ...]
    redirects: tuple[tuple[str, str], ...]  # (old path, new path), sorted
    targets: Mapping[str, str]  # source -> URL of every story, author and page linked to
    assets: tuple[Asset, ...]  # files published beside the stories and pages shown
    photos: frozenset[str]  # the made photo files the site shows (names under /img/)
    standalone: tuple[tuple[str, str], ...]  # (slug, title) of each standalone page
    next_publish: datetime | None
    pages: int  # HTML pages
    live: Mapping[str, LivePlan] = field(default_factory=dict)  # live story source -> its plan
    edition_tags: Mapping[str, Mapping[str, Tag]] = EMPTY  # edition code -> its `tags`
    edition_pages: Mapping[str, tuple[tuple[str, str], ...]] = EMPTY  # its `standalone`
    alternates: Mapping[str, Alternates] = EMPTY  # output path -> versions in each edition

    # The curated fronts' problems, which graph.check_sources raises with all others.
    problems: tuple[NewssiteError, ...] = ()
    shadowed: tuple[Job, ...] = ()  # list pages at a URL a story claimed first (month archives)
    series: Mapping[str, Series] = field(default_factory=dict)  # by slug
    parts: Mapping[str, SeriesPlace] = field(default_factory=dict)  # source -> its place


class UrlClaim(NamedTuple):
    url: str
    owner: str  # a source file, or what newssite generates there
    feed: str | None = None  # a generated list's feed
    numbered: str | None = None  # where a generated list's numbered pages go (its prefix)


def url_claims(
    plan: Plan, sources: Iterable[tuple[str, str]], only: Container[str] | None = None
) -> dict[str, list[UrlClaim]]:
    """Every URL of the site and who claims it, by url_key (case and Unicode form folded):
    the sources given as (URL, source file), the files published beside stories and pages,
    each page the plan generates and the files newssite writes itself. The one rule for
    URLs: a URL that a source claims may have no other owner (`colliding_claims`).
    `only`: the url_keys wanted (every one when None)."""
    claims: dict[str, list[UrlClaim]] = defaultdict(list)

    def claim(url: str, owner: str, feed: str | None = None, numbered: str | None = None) -> None:
        key = url_key(url)
        if only is None or key in only:
            claims[key].append(UrlClaim(url, owner, feed, numbered))

    for url, source in sources:
        claim(url, source)
    for asset in plan.assets:
        claim(asset.url, asset.source)
    for path, job in (*plan.jobs.items(), *(("", job) for job in plan.shadowed)):
        kind = str(job[0])
        if kind == "list":
            list_kind, list_url, pagination = str(job[1]), str(job[2]), job[5]
            assert isinstance(pagination, Pagination)
            url = str(job[4])
            feed = None if list_kind == "tag" else feed_url(list_url)
            numbered = list_page_url(url, 1).removesuffix("1/") if pagination.number == 0 else None
            claim(url, f"the generated {list_kind} page", feed, numbered)
            if numbered is not None:
                claim(numbered, f"the numbered pages of {url}")
        elif kind in ("notfound", "search", "corrections"):  # "/404.html", "/uk/search/"
            claim("/" + path.removesuffix("index.html"), f"the generated {kind} page")
    for url in GENERATED_URLS:
        if url != NOT_FOUND_URL:
            claim(url, "a file newssite generates")
    return claims


def is_source(owner: str) -> bool:
    return owner.startswith(("content/", "static/"))


def colliding_claims(claims: Mapping[str, Sequence[UrlClaim]]) -> list[Sequence[UrlClaim]]:
    """The URLs that a source claims together with anything else."""
    return [
        entries
        for entries in claims.values()
        if len(entries) > 1 and any(is_source(claim.owner) for claim in entries)
    ]


def chronological(story: StoryRecord | Article) -> tuple[float, datetime, str]:
    """Sort key: by date, then source. Timestamps decide nearly every comparison far more
    cheaply than aware datetimes; when two are equal the dates themselves decide."""
    return (story.date.timestamp(), story.date, story.source)


def canonical_tags(
    oldest_first: Iterable[StoryRecord | Article], prefix: str = ""
) -> dict[str, Tag]:
    """Each spelling of a tag -> its Tag; equal slugs are one tag, the oldest spelling wins.
    `prefix`: the URL prefix of the stories' edition."""
    by_slug: dict[str, Tag] = {}
    by_name: dict[str, Tag] = {}
    for story in oldest_first:
        for name in story.tags:
            if name not in by_name:
                slug = slugify(name)
                by_name[name] = by_slug.setdefault(slug, Tag(slug, name, prefix + tag_url(slug)))
    return by_name


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


_Item = TypeVar("_Item")


def paginate(
    stories: Sequence[_Item], list_url: str, per_page: int
) -> list[tuple[str, Pagination, tuple[_Item, ...]]]:
    """Split a newest-first list into its front page and numbered pages counted from the oldest.

    Page k always holds the same stories once it is full, so publishing a story rewrites
    only the front page and the newest one or two numbered pages, not the archive.
    """
    total = len(stories)
    chunk_count = max(1, math.ceil(total / per_page))
    oldest_first = list(reversed(stories))

    def fully_on_front(number: int) -> bool:
        oldest_index_newest_first = total - 1 - (number - 1) * per_page
        return oldest_index_newest_first < per_page

    numbered = [n for n in range(1, chunk_count + 1) if not fully_on_front(n)]
    generated = set(numbered)
    result = []
    older_of_front = None
    if total > per_page:
        older_of_front = list_page_url(list_url, (total - 1 - per_page) // per_page + 1)
    result.append(
        (
            list_url,
            Pagination(0, None, older_of_front, list_url),
            tuple(stories[:per_page]),
        )
    )
    for number in numbered:
        chunk = oldest_first[(number - 1) * per_page : number * per_page]
        newer = list_page_url(list_url, number + 1) if number + 1 in generated else list_url
        older = list_page_url(list_url, number - 1) if number > 1 else None
        pagination = Pagination(number, newer, older, list_url)
        result.append((list_page_url(list_url, number), pagination, tuple(reversed(chunk))))
    return result


def make_plan(
    records: Records,
    config: SiteConfig,
    publication: Publication,
    basis: str = "",
    related: Mapping[str, tuple[str, ...]] | None = None,
    chosen_from: tuple[float, datetime, str] | None = None,
    *,
    templates: Mapping[str, str] | None = None,
) -> Plan:
    """The plan of the site. `basis` stands for what every file depends on besides its
    records (the config, newssite itself); `templates` gives each page template's digest
    (templates.template_digests), so a page is made again when its own template changes.

    `related` gives the related stories of an earlier plan; with `chosen_from` (a story's
    chronological key) those of the stories before it are kept, and the rest chosen again
    (a story's related stories are chosen among the stories before it). Without `related`,
    all are chosen.
    """
    now = publication.now
    live = live_plans(records, publication)
    written = records.stories
    if live:
        shown = {source: _with_updates(written[source], live, records) for source in live}
        records = replace(records, stories={**written, **shown})
    stories = records.stories.values()
    included = sorted((s for s in stories if publication.includes(s)), key=chronological)
    included.reverse()
    published = [s for s in included if not s.removed]
    editions = [(_code(e), e) for e in config.editions]
    tags_of: dict[str, dict[str, Tag]] = {}
    slugs_of: dict[str, tuple[str, ...]] = {}
    chosen: dict[str, tuple[str, ...]] = {}
    shards: list[SearchShard] = []
    for code, edition in editions:
        oldest_first = [s for s in reversed(published) if s.edition == code]
        tags = tags_of[code] = canonical_tags(oldest_first, edition.prefix)
        slug_of = {name: tag.slug for name, tag in tags.items()}.__getitem__
        slugs_of.update(
            (s.source, tuple(dict.fromkeys(map(slug_of, s.tags)))) for s in oldest_first
        )
        keys: list[RelatedKey] = [
            (s.url, s.section, slugs_of[s.source], s.draft) for s in oldest_first
        ]
        start = _choose_from(oldest_first, records, related, chosen_from, code)
        if start < len(oldest_first) or related is None:
            chosen.update(_related(oldest_first, keys, related or {}, start))
        else:
            chosen.update((s.source, related.get(s.source, ())) for s in oldest_first)
        found = [s.url for s in oldest_first if not s.draft and s.date <= now]
        down = [s.url for s in stories if s.removed and s.edition == code]
        if config.search:
            shards += search_shards(found, edition.prefix + SEARCH_BUNDLE_URL, down)
    targets = {s.source: s.url for s in included}
    targets.update({a.source: author_url(a.slug) for a in records.authors})
    targets.update({p.source: p.url for p in records.pages})

    site_key = _sha(
        repr(
            (
                basis,
                [(p.slug, p.title, p.edition) for p in records.pages],
                [shard.url for shard in shards],
                [a.slug for a in records.authors],
            )
        )
    )
    planner = _Planner(records, config, site_key, targets, now, templates or {})
    series_of = {series.slug: series for series in records.series}
    by_series: dict[str, list[StoryRecord]] = defaultdict(list)
    for story in published:
        if story.series in series_of and not story.edition:
            by_series[story.series].append(story)
    parts = series_parts(by_series)
    planner.alternates = _alternates(published, records, config, shards)
    planner.articles(published, chosen, parts, series_of)
    planner.live(published, live, written)
    planner.removed(s for s in included if s.removed)
    fronts: dict[str, tuple[FrontBlockPlan, ...]] = {}
    problems: list[NewssiteError] = []
    all_lists = []
    for code, edition in editions:
        prefix = edition.prefix
        members = [s for s in published if s.edition == code]
        by_section: dict[str, list[StoryRecord]] = defaultdict(list)
        by_author: dict[str, list[StoryRecord]] = defaultdict(list)
        by_tag: dict[str, list[StoryRecord]] = defaultdict(list)
        by_month: dict[str, list[StoryRecord]] = defaultdict(list)
        for story in members:
            by_section[story.section].append(story)
            for slug in story.authors:
                by_author[slug].append(story)
            for slug in slugs_of[story.source]:
                by_tag[slug].append(story)
            by_month[month_of(story.date, config)].append(story)
        tag_of_slug = {tag.slug: tag for tag in tags_of[code].values()}
        lists = [("home", prefix + "/", "", members)]
        lists += [
            ("section", prefix + section_url(s.slug), s.slug, by_section[s.slug])
            for s in config.sections
        ]
        lists += [
            ("author", prefix + author_url(a.slug), a.slug, by_author[a.slug])
            for a in records.authors
        ]
        lists += [("tag", tag_of_slug[slug].url, slug, by_tag[slug]) for slug in sorted(by_tag)]
        lists += [
            ("month", f"{prefix}/{month}/", month, by_month[month]) for month in sorted(by_month)
        ]
        if not code:  # the curated fronts name the default edition's stories
            groups = _FrontGroups(
                members, by_section, by_tag, by_series, tag_of_slug, series_of, config
            )
            for front in records.fronts:
                problems += front_problems(front, records, publication)
                layout = layout_in_force(front, now)
                if layout is not None:
                    pool = by_section[front.section] if front.section else members
                    list_url = section_url(front.section) if front.section else "/"
                    fronts[list_url] = front_blocks(layout, pool, groups, config.per_page)
        for kind, list_url, subject, shown in lists:
            planner.list_pages(kind, list_url, subject, shown, fronts.get(list_url))
        planner.standalone(code)
        planner.add(output_path(prefix + NOT_FOUND_URL), ("notfound",), ())
        shard = next((s for s in shards if s.url == prefix + SEARCH_BUNDLE_URL), None)
        if shard is not None:
            planner.add(output_path(prefix + SEARCH_URL), ("search", shard.url), ())
            planner.entry(SitemapEntry(prefix + SEARCH_URL, None, False))
        all_lists.append((prefix, members, lists))
    for slug in sorted(by_series):
        planner.series(series_of[slug], by_series[slug])
    planner.corrections(published)
    redirects = planner.redirects(included)
    planner.sitemaps()
    for prefix, members, lists in all_lists:
        for kind, list_url, subject, shown in lists:
            if kind in ("home", "section", "author"):
                planner.feeds(kind, list_url, subject, shown)
        if prefix:
            latest = members[:LATEST_COUNT]
            job = ("latest", tuple(s.source for s in latest))
            planner.add(output_path(prefix + LATEST_URL), job, latest, teaser=True)
    news = [
        s for s in published if now - s.date <= NEWS_SITEMAP_WINDOW and s.story_type != "sponsored"
    ][:NEWS_SITEMAP_LIMIT]
    planner.add("news-sitemap.xml", ("news", tuple(s.source for s in news)), news)
    latest = [s for s in published if not s.edition][:LATEST_COUNT]
    planner.add("latest.json", ("latest", tuple(s.source for s in latest)), latest, teaser=True)
    planner.add("robots.txt", ("robots",), ())
    if redirects:
        planner.add("_redirects", ("redirects", redirects), ())
    planner.add(ALERT_URL[1:], ("alert", alert_shown(records.alert, now)), ())
    upcoming = [s.date for s in stories if not s.draft and not s.removed and s.date > now]
    upcoming += [
        u.date
        for u in records.updates.values()
        if u.date > now and u.story in records.stories and records.stories[u.story].live
        if not records.stories[u.story].draft and not records.stories[u.story].removed
    ]
    upcoming = [] if publication.future else upcoming
    upcoming += [moment for moment in layout_starts(records.fronts) if moment > now]
    return Plan(
        published=tuple(published),
        included=frozenset(s.source for s in included),
        jobs=planner.jobs,
        digests=planner.digests,
        related=chosen,
        tags=tags_of[""],
        shards=tuple(shards),
        redirects=redirects,
        targets=targets,
        assets=_assets(published, records.pages, records.updates, live),
        photos=frozenset(
            name
            for record in (*published, *records.authors, *records.pages)
            for name in record.photos
        ),
        standalone=tuple(sorted((p.slug, p.title) for p in records.pages if not p.edition)),
        next_publish=min(upcoming) if upcoming else None,
        pages=planner.pages,
        live=live,
        edition_tags=tags_of,
        edition_pages={
            code: tuple(sorted((p.slug, p.title) for p in records.pages if p.edition == code))
            for code, _ in editions
        },
        alternates=planner.alternates,
        problems=tuple(problems),
        shadowed=tuple(planner.shadowed),
        series=series_of,
        parts=parts,
    )


def _code(edition: Edition) -> str:
    """How records name an edition: "" for the default one, else its code."""
    return "" if edition.default else edition.code


Alternates = tuple[tuple[str, str], ...]  # (language, URL) of each edition's version


def _alternates(
    published: Sequence[StoryRecord],
    records: Records,
    config: SiteConfig,
    shards: Sequence[SearchShard],
) -> dict[str, Alternates]:
    """Each page's versions in the other editions, by its output path: the translations of
    a story or page, and the same list or search page in each edition. {} with one edition."""
    if not config.languages:
        return {}
    language = {_code(e): e.code for e in config.editions}
    order = {_code(e): n for n, e in enumerate(config.editions)}
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for record in (*published, *records.pages):
        url = record.url
        groups[record.translations].setdefault(record.edition, url)
    found: dict[str, Alternates] = {}
    for versions in groups.values():
        if len(versions) < 2:
            continue
        shown = tuple((language[c], versions[c]) for c in sorted(versions, key=order.__getitem__))
        for url in versions.values():
            found[page_path(url)] = shown
    lists = ["/"]
    lists += [section_url(s.slug) for s in config.sections]
    lists += [author_url(a.slug) for a in records.authors]
    if config.search:
        lists.append(SEARCH_URL)
    prefixes = [(e.code, e.prefix) for e in config.editions]
    searching = {shard.url for shard in shards}
    for url in lists:
        shown = tuple(
            (code, prefix + url)
            for code, prefix in prefixes
            if url != SEARCH_URL or prefix + SEARCH_BUNDLE_URL in searching
        )
        if len(shown) > 1:
            for _, each in shown:
                found[page_path(each)] = shown
    return found


PAGE_KINDS = frozenset(
    {
        "article",
        "removed",
        "list",
        "page",
        "notfound",
        "search",
        "redirect",
        "liveupdates",
        "corrections",
    }
)
# The template each kind of page is rendered with (a list's kind: home, section, ...).
TEMPLATE_OF = {
    "article": "article.html",
    "removed": "removed.html",
    "page": "page.html",
    "notfound": "404.html",
    "search": "search.html",
    "redirect": "redirect.html",
    "liveupdates": "live-page.html",
    "home": "home.html",
    "section": "section.html",
    "author": "author.html",
    "tag": "tag.html",
    "series": "series.html",
    "month": "month.html",
    "corrections": "corrections.html",
}
PAGE_TEMPLATES = tuple(TEMPLATE_OF.values())


class _Planner:
    """Collects the jobs of a plan with their digests and the sitemap's entries."""

    def __init__(
        self,
        records: Records,
        config: SiteConfig,
        site_key: str,
        targets: Mapping[str, str],
        now: datetime,
        templates: Mapping[str, str],
    ) -> None:
        self.now = now
        self.template_keys = {
            kind: f"{site_key}\1{templates.get(name, '')}" for kind, name in TEMPLATE_OF.items()
        }
        self.records = records
        self.config = config
        self.site_key = site_key
        self.targets = targets
        self.authors = {a.slug: a for a in records.authors}
        byline_of = {a.slug: a.byline for a in records.authors}
        self.bylines = lambda slug: byline_of.get(slug, slug)
        self._whole_keys: dict[str, str] = {}
        # What a list shows of each story (its teaser, its bylines), and when it last
        # changed: worked out once, whichever lists show it.
        self.teaser_keys = {
            source: story.teaser + "\2" + "\2".join(map(self.bylines, story.authors))
            for source, story in records.stories.items()
        }
        self.modified_at = {
            source: story.modified.timestamp() for source, story in records.stories.items()
        }
        self.jobs: dict[str, Job] = {}
        self.digests: dict[str, str] = {}
        self.entries: list[SitemapEntry] = []
        self.pages = 0
        self.alternates: dict[str, Alternates] = {}
        self.shadowed: list[Job] = []  # lists at a URL a story took: a collision to report

    def entry(self, entry: SitemapEntry) -> None:
        """A URL of the sitemap, with its versions in the other editions."""
        versions = self.alternates.get(page_path(entry.url))
        self.entries.append(entry if versions is None else entry._replace(alternates=versions))

    def add(
        self,
        path: str,
        job: Job,
        shown: Iterable[StoryRecord],
        *,
        teaser: bool = False,
        extra: str = "",
    ) -> None:
        """A file made of `job`, showing the `shown` stories (whole, or as teasers). A path
        planned already keeps its first job: two claims on one URL are an error that
        graph.check_sources reports, naming both."""
        if path in self.jobs:
            if job[0] == "list":
                self.shadowed.append(job)
            return
        if teaser:
            teaser_keys = self.teaser_keys
            keys = "\1".join([teaser_keys[s.source] for s in shown])
        else:
            keys = "\1".join(map(self.whole_key, shown))
        self.jobs[path] = job
        if path in self.alternates:
            extra = f"{extra}\0{self.alternates[path]!r}"
        self.digests[path] = _sha(f"{self._basis(job)}\0{job!r}\0{keys}\0{extra}")
        if job[0] in PAGE_KINDS:
            self.pages += 1

    def _basis(self, job: Job) -> str:
        """The site's key and the digest of the template the file is rendered with."""
        kind = str(job[1]) if job[0] == "list" else str(job[0])
        return self.template_keys.get(kind, self.site_key)

    def whole_key(self, story: StoryRecord) -> str:
        """What a file that shows the whole story depends on: its text, its bylines and
        the URLs its text links to."""
        found = self._whole_keys.get(story.source)
        if found is None:
            bylines = "\2".join(map(self.bylines, story.authors))
            found = f"{story.key}\2{bylines}\2{self._links(story.links)}"
            self._whole_keys[story.source] = found
        return found

    def _links(self, links: Iterable[str]) -> str:
        return repr([(source, self.targets.get(source)) for source in links])

    def _bylines(self, slugs: Iterable[str]) -> str:
        return "\1".join(self.authors[slug].key if slug in self.authors else slug for slug in slugs)

    def articles(
        self,
        published: Sequence[StoryRecord],
        related: Mapping[str, tuple[str, ...]],
        parts: Mapping[str, SeriesPlace],
        series_of: Mapping[str, Series],
    ) -> None:
        teaser_keys = self.teaser_keys
        for story in published:
            chosen = related.get(story.source, ())
            notice = age_notice(story.date, self.now, self.config.stale_after_days)
            extra = f"{self._bylines(story.authors)}\0{self._links(story.links)}\0{notice}"
            path = page_path(story.url)
            if path in self.alternates:
                extra += f"\0{self.alternates[path]!r}"
            job: Job = ("article", story.source, chosen)
            place = parts.get(story.source)
            if place is not None:
                job += (place,)
                teasers = "\1".join([teaser_keys[source] for source in place[3:] if source])
                extra += f"\0{series_of[place[0]]!r}\0{teasers}"
            if path in self.jobs:
                continue  # two stories at one URL: graph.check_sources names both
            self.jobs[path] = job
            self.digests[path] = _sha(
                f"{self._basis(job)}\0{job!r}\0{story.key}\0"
                + "\1".join([teaser_keys[source] for source in chosen])
                + f"\0{extra}"
            )
            self.pages += 1
            self.entry(SitemapEntry(story.url, story.modified, True))

    def live(
        self,
        published: Sequence[StoryRecord],
        live: Mapping[str, LivePlan],
        written: Mapping[str, StoryRecord],
    ) -> None:
        """A live story's updates.json, and its numbered pages of older updates: each made
        of its own updates only, so a new update leaves them as they are."""
        updates = self.records.updates
        for story in published:
            plan = live.get(story.source)
            if plan is None:
                continue
            front = (*plan.pinned, *plan.pages[0][2])
            job: Job = ("updates", story.source, front)
            self.add(story.url[1:] + "updates.json", job, (), extra=story.key)
            for url, pagination, sources in plan.pages[1:]:
                keys = "\1".join(updates[s].key + self.bylines(updates[s].author) for s in sources)
                extra = f"{written[story.source].key}\0{story.title}\0{keys}"
                job = ("liveupdates", story.source, url, pagination, sources)
                self.add(page_path(url), job, (), extra=extra)

    def removed(self, withdrawn: Iterable[StoryRecord]) -> None:
        for story in withdrawn:
            self.add(output_path(story.url), ("removed", story.source), [story])

    def list_pages(
        self,
        kind: str,
        list_url: str,
        subject: str,
        members: Sequence[StoryRecord],
        blocks: tuple[FrontBlockPlan, ...] | None = None,
    ) -> None:
        for url, pagination, items in paginate(members, list_url, self.config.per_page):
            # An author's bio is on the first page of their list only (render.py).
            extra = ""
            if kind == "author":
                profile = self.authors[subject]
                extra = profile.byline if pagination.number else profile.key
            shown: Sequence[StoryRecord] = items  # type: ignore[assignment]
            sources = tuple(s.source for s in shown)
            job: Job = ("list", kind, list_url, subject, url, pagination, sources)
            if blocks is not None and pagination.number == 0:
                # A curated front: its blocks, and every story they show.
                sources = tuple(dict.fromkeys(s for block in blocks for s in block[3]))
                shown = [self.records.stories[source] for source in sources]
                job = (*job[:6], sources, blocks)
            self.add(page_path(url), job, shown, teaser=True, extra=extra)
            lastmod = self.last_modified(shown)
            self.entry(SitemapEntry(url, lastmod, False))

    def last_modified(self, shown: Sequence[StoryRecord]) -> datetime | None:
        """When the last of these stories changed (a list page's lastmod)."""
        if not shown:
            return None
        moments = [self.modified_at[s.source] for s in shown]
        return shown[moments.index(max(moments))].modified

    def series(self, series: Series, newest_first: Sequence[StoryRecord]) -> None:
        """A series' page with every part, in its order, and its feeds."""
        url = series_url(series.slug)
        parts = newest_first if series.order == "newest" else newest_first[::-1]
        sources = tuple(s.source for s in parts)
        job = ("list", "series", url, series.slug, url, Pagination(0, None, None, url), sources)
        self.add(page_path(url), job, parts, teaser=True, extra=repr(series))
        lastmod = max((s.modified for s in parts), key=lambda m: m.timestamp(), default=None)
        self.entry(SitemapEntry(url, lastmod, False))
        self.feeds("series", url, series.slug, newest_first, extra=repr(series))

    def corrections(self, published: Sequence[StoryRecord]) -> None:
        """/corrections/ and its feed: every correction of a published story, newest first."""
        found = sorted(
            (
                (moment, story.source, number)
                for story in published
                for number, moment in enumerate(story.corrected)
            ),
            key=lambda item: (-item[0].timestamp(), item[1], item[2]),
        )
        entries = tuple((source, number) for _, source, number in found)
        shown = [self.records.stories[source] for source in dict.fromkeys(s for s, _ in entries)]
        self.add(page_path(CORRECTIONS_URL), ("corrections", entries), shown, teaser=True)
        self.add(
            output_path(feed_url(CORRECTIONS_URL)),
            ("corrections-feed", entries),
            shown,
            teaser=True,
        )
        self.add(
            output_path(json_feed_url(feed_url(CORRECTIONS_URL))),
            ("corrections-json", entries),
            shown,
            teaser=True,
        )
        lastmod = found[0][0] if found else None
        self.entry(SitemapEntry(CORRECTIONS_URL, lastmod, False))

    def standalone(self, edition: str) -> None:
        for page in sorted(self.records.pages, key=lambda p: p.slug):
            if page.edition != edition:
                continue
            extra = f"{page.key}\0{self._links(page.links)}"
            self.add(output_path(page.url), ("page", page.source), (), extra=extra)
            self.entry(SitemapEntry(page.url, None, False))

    def redirects(self, included: Sequence[StoryRecord]) -> tuple[tuple[str, str], ...]:
        pairs = []
        claimants = [
            (story.aliases, story.url, REMOVED_TITLE if story.removed else story.title)
            for story in included
        ]
        claimants += [(p.aliases, p.url, p.title) for p in self.records.pages]
        for aliases, url, title in claimants:
            for alias in aliases:
                self.add(output_path(alias), ("redirect", alias, url, title), ())
                pairs.append((alias, url))
        return tuple(sorted(pairs))

    def sitemaps(self) -> None:
        parts = sitemap_parts(self.entries)
        for name, part in parts:
            self.jobs[name] = ("urlset", tuple(part))
            self.digests[name] = _entries_digest(self.site_key, part)
        if len(parts) > 1:
            self.add("sitemap.xml", ("index", sitemap_index_of(parts)), ())

    def feeds(
        self,
        kind: str,
        list_url: str,
        subject: str,
        members: Sequence[StoryRecord],
        extra: str = "",
    ) -> None:
        shown = members[: self.config.feed_size]
        sources = tuple(s.source for s in shown)
        extra = self.authors[subject].key if kind == "author" else extra
        atom = feed_url(list_url)
        self.add(output_path(atom), ("atom", kind, list_url, subject, sources), shown, extra=extra)
        self.add(
            output_path(json_feed_url(atom)),
            ("json", kind, list_url, subject, sources),
            shown,
            extra=extra,
        )


def _assets(
    published: Sequence[StoryRecord],
    pages: Sequence[PageRecord],
    updates: Mapping[str, UpdateRecord],
    live: Mapping[str, LivePlan],
) -> tuple[Asset, ...]:
    """The files beside stories and pages, published under their URLs (a live story's
    updates' files beside the story)."""
    found = {
        Asset(story.url + posixpath.basename(asset), asset)
        for story in published
        for asset in story.assets
    }
    urls = {story.source: story.url for story in published if story.source in live}
    found.update(
        Asset(urls[update.story] + posixpath.basename(asset), asset)
        for update in updates.values()
        if update.story in urls
        for asset in update.assets
    )
    found.update(
        Asset(page.url + posixpath.basename(asset), asset)
        for page in pages
        for asset in page.assets
    )
    return tuple(sorted(found, key=lambda a: a.url))


LIVE_PAGE_SIZE = 50  # updates on a live story's page; older ones go to numbered pages


def live_plans(records: Records, publication: Publication) -> dict[str, LivePlan]:
    """Each live story's updates as its pages show them: those dated up to the build's now
    (all with --future), pinned first, the rest newest first and the newest LIVE_PAGE_SIZE
    on the page, older ones on numbered pages counted from the oldest (paginate)."""
    by_story: dict[str, list[UpdateRecord]] = defaultdict(list)
    for update in records.updates.values():
        if publication.future or update.date <= publication.now:
            by_story[update.story].append(update)
    plans = {}
    for story in records.stories.values():
        if not story.live:
            continue
        shown = sorted(by_story.get(story.source, ()), key=chronological, reverse=True)
        pinned = tuple(u.source for u in shown if u.pinned)
        rest = [u.source for u in shown if not u.pinned]
        pages = tuple(paginate(rest, story.url, LIVE_PAGE_SIZE))
        is_live = story.live_end is None or publication.now < story.live_end
        newest = shown[0].date if shown else None
        plans[story.source] = LivePlan(is_live, pinned, pages, len(shown), newest)
    return plans


def _with_updates(
    story: StoryRecord, live: Mapping[str, LivePlan], records: Records
) -> StoryRecord:
    """A live story's record as its page shows it: its key covers the updates on the page
    and whether it is live; it was last modified by its newest update."""
    plan = live.get(story.source)
    if plan is None:
        return story
    bylines = {a.slug: a.byline for a in records.authors}
    shown = [records.updates[source] for source in (*plan.pinned, *plan.pages[0][2])]
    keys = "\1".join(u.key + bylines.get(u.author, u.author) for u in shown)
    key = _sha(f"{story.key}\0{plan.is_live}\0{plan.count}\0{keys}")
    modified = max(story.modified, plan.newest) if plan.newest else story.modified
    return story._replace(key=key, modified=modified)


def age_notice(published: datetime, now: datetime, stale_after_days: int | None) -> str:
    """The staleness label ("This article is more than 2 years old"), or "" for recent stories."""
    if stale_after_days is None or now - published <= timedelta(days=stale_after_days):
        return ""
    return f"This article is more than {describe_days(stale_after_days)} old"


def describe_days(days: int) -> str:
    """A span of days in the largest whole unit it covers: 730 -> "2 years", 90 -> "3 months"."""
    if days >= 365:
        count, unit = days // 365, "year"
    elif days >= 30:
        count, unit = days // 30, "month"
    else:
        count, unit = days, "day"
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _entries_digest(site_key: str, entries: Sequence[SitemapEntry]) -> str:
    digest = hashlib.sha1(site_key.encode())
    for url, lastmod, story, versions in entries:
        moment = "" if lastmod is None else lastmod.isoformat()
        seen = (
            f"{url}\1{moment}\1{story:d}\1{versions!r}\0"
            if versions
            else f"{url}\1{moment}\1{story:d}\0"
        )
        digest.update(seen.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:20]


def page_path(url: str) -> str:
    """urls.output_path, without its checks, for the URLs the plan makes (all end in "/")."""
    return url[1:] + "index.html" if url.endswith("/") else output_path(url)


def _choose_from(
    oldest_first: Sequence[StoryRecord],
    records: Records,
    earlier: Mapping[str, tuple[str, ...]] | None,
    chosen_from: tuple[float, datetime, str] | None,
    edition: str = "",
) -> int:
    """Where related stories must be chosen again (a story's related stories are chosen
    among the stories before it): from the oldest story that was not published when
    `earlier` was chosen, that is no longer published, or from `chosen_from`."""
    if earlier is None:
        return 0
    places = [] if chosen_from is None else [chosen_from]
    published = {story.source for story in oldest_first}
    places += [chronological(s) for s in oldest_first if s.source not in earlier]
    places += [
        chronological(records.stories[source])
        for source in earlier
        if source not in published
        and source in records.stories
        and records.stories[source].edition == edition
    ]
    if not places:
        return len(oldest_first)
    return bisect_left(oldest_first, min(places), key=chronological)


def _related(
    oldest_first: Sequence[StoryRecord],
    keys: Sequence[RelatedKey],
    earlier: Mapping[str, tuple[str, ...]],
    start: int,
) -> dict[str, tuple[str, ...]]:
    """Each story's related stories: `earlier`'s for the `start` oldest, chosen for the rest."""
    found = {s.source: earlier.get(s.source, ()) for s in oldest_first[:start]}
    chosen = choose_related(keys, RELATED_COUNT, WINDOW, only_from=start)
    for story in oldest_first[start:]:
        found[story.source] = tuple(oldest_first[i].source for i in chosen[story.url])
    return found


def depends_on(job: Job) -> tuple[str, ...]:
    """The stories whose content a file shows."""
    kind = job[0]
    if kind == "article" and len(job) == 3:
        return (str(job[1]), *job[2])  # type: ignore[misc]
    if kind in ("removed", "updates", "liveupdates"):
        return (str(job[1]),)
    if kind == "article" and len(job) > 3:
        return (str(job[1]), *job[2], *(s for s in job[3][3:] if s))  # type: ignore[index, misc]
    if kind == "list":
        return job[6]  # type: ignore[return-value]
    if kind in ("corrections", "corrections-feed", "corrections-json"):
        return tuple(dict.fromkeys(source for source, _ in job[1]))  # type: ignore[attr-defined]
    if kind in ("atom", "json"):
        return job[4]  # type: ignore[return-value]
    if kind in ("news", "latest"):
        return job[1]  # type: ignore[return-value]
    return ()


def paths_to_make(before: Mapping[str, str], after: Plan, present: Container[str]) -> list[str]:
    """The files of `after` to make again: new, with another digest than before, or not
    `present` as the last build made them."""
    get = before.get
    return [
        path for path, digest in after.digests.items() if get(path) != digest or path not in present
    ]


def needed_sources(plan: Plan, paths: Iterable[str]) -> set[str]:
    """The stories whose content the files at `paths` show."""
    needed: set[str] = set()
    jobs = plan.jobs
    for path in paths:
        needed.update(depends_on(jobs[path]))
    return needed


def gone_paths(before: Mapping[str, str], after: Plan) -> list[str]:
    """The files of the last plan that this one does not have."""
    return [path for path in before if path not in after.jobs]


def live_moments(records: Records) -> list[datetime]:
    """When the clock alone changes a live story's page: an update comes, coverage ends."""
    moments = [update.date for update in records.updates.values()]
    return moments + [s.live_end for s in records.stories.values() if s.live_end is not None]


def clock_moments(
    dates: Iterable[datetime],
    published: Iterable[datetime],
    config: SiteConfig,
    records: Records | None = None,
) -> list[datetime]:
    """When the clock alone changes what a build made, from the dates of all its stories
    and of those it published: a story's date comes (scheduled stories), a story turns
    stale, a story leaves the news sitemap; and from the desk's files in `records`: a
    front's layout takes over, the alert expires."""
    published = list(published)
    moments = [*dates, *(date + NEWS_SITEMAP_WINDOW for date in published)]
    if records is not None:
        moments += layout_starts(records.fronts)
        moments += [records.alert.expires] if records.alert is not None else []
    if config.stale_after_days is not None:
        stale = timedelta(days=config.stale_after_days)
        moments += [date + stale for date in published]
    return moments


# --- Curated fronts, series, month archives and the alert -----------------------------------


def month_of(moment: datetime, config: SiteConfig) -> str:
    """The month archive of a moment, in the site's time zone: "2026/11"."""
    local = moment.astimezone(config.timezone)
    return f"{local.year:04d}/{local.month:02d}"


def series_url(slug: str) -> str:
    return f"{SERIES_URL}{slug}/"


def series_parts(by_series: Mapping[str, Sequence[StoryRecord]]) -> dict[str, SeriesPlace]:
    """Each part's place in its series, counted from the oldest ("Part 3 of 7")."""
    places: dict[str, SeriesPlace] = {}
    for slug, newest_first in by_series.items():
        oldest_first = [story.source for story in reversed(newest_first)]
        total = len(oldest_first)
        for index, source in enumerate(oldest_first):
            before = oldest_first[index - 1] if index else ""
            after = oldest_first[index + 1] if index + 1 < total else ""
            places[source] = (slug, index + 1, total, before, after)
    return places


def layout_starts(fronts: Iterable[FrontPage]) -> list[datetime]:
    """When each scheduled layout of the fronts takes over."""
    return [layout.starts for front in fronts for layout in front.layouts if layout.starts]


def layout_in_force(front: FrontPage, now: datetime) -> FrontLayout | None:
    """The front's layout at `now`: the last one that has taken over, if any."""
    current = None
    for layout in front.layouts:
        if layout.starts is None or layout.starts <= now:
            current = layout
    return current


def front_problems(
    front: FrontPage, records: Records, publication: Publication
) -> list[NewssiteError]:
    """Pinned stories that will not be on the site when their layout is in force (a draft,
    taken down, missing, or scheduled for later) and series that do not exist, in the
    layout in force and in those still to come."""
    now = publication.now
    current = layout_in_force(front, now)
    series = {s.slug for s in records.series}
    problems = []
    for layout in front.layouts:
        if layout is not current and (layout.starts is None or layout.starts <= now):
            continue  # a layout that another has replaced
        takes_over = max(now, layout.starts) if layout.starts is not None else now
        for slot in layout.slots:
            message = None
            if slot.kind in ("lead", "story"):
                story = records.stories.get(slot.value)
                message = _pin_problem(story, slot.value, publication, takes_over)
            elif slot.kind == "series" and slot.value not in series:
                message = f"unknown series '{slot.value}'; add content/series/{slot.value}.md"
            if message:
                problems.append(
                    NewssiteError(message, path=front.source, line=slot.line, field=slot.field)
                )
    return problems


def _pin_problem(
    story: StoryRecord | None, source: str, publication: Publication, takes_over: datetime
) -> str | None:
    shown = source.removeprefix("content/")
    if story is None:
        return f"no story at {shown} (paths are relative to content/)"
    if story.draft and not publication.drafts:
        return f"{shown} is a draft; publish it or pin another story"
    if story.removed:
        return f"{shown} was taken down; pin another story"
    if story.date > takes_over and not publication.future:
        return f"{shown} is scheduled for {story.date.isoformat()}, after this layout is in force"
    return None


class _FrontGroups:
    """The stories an automatic block of a front chooses from, newest first, with its
    title and link."""

    def __init__(
        self,
        published: Sequence[StoryRecord],
        by_section: Mapping[str, Sequence[StoryRecord]],
        by_tag: Mapping[str, Sequence[StoryRecord]],
        by_series: Mapping[str, Sequence[StoryRecord]],
        tags: Mapping[str, Tag],
        series: Mapping[str, Series],
        config: SiteConfig,
    ) -> None:
        self.published = published
        self.by_section = by_section
        self.by_tag = by_tag
        self.by_series = by_series
        self.tags = tags
        self.series = series
        self.section_titles = {s.slug: s.title for s in config.sections}

    def members(self, kind: str, value: str) -> Sequence[StoryRecord]:
        if kind == "section":
            return self.by_section.get(value, ())
        if kind == "tag":
            return self.by_tag.get(slugify(value), ())
        if kind == "series":
            return self.by_series.get(value, ())
        return [s for s in self.published if s.story_type == value]

    def heading(self, kind: str, value: str) -> tuple[str, str]:
        if kind == "section":
            return self.section_titles[value], section_url(value)
        if kind == "tag":
            tag = self.tags.get(slugify(value))
            return (tag.name, tag.url) if tag is not None else (value, "")
        if kind == "series" and value in self.series:
            return self.series[value].title, series_url(value)
        return value.capitalize(), ""


def front_blocks(
    layout: FrontLayout, pool: Sequence[StoryRecord], groups: _FrontGroups, latest: int
) -> tuple[FrontBlockPlan, ...]:
    """The blocks of a front: the pinned stories where they are pinned, each automatic
    block with the newest stories not pinned or shown above it, then the newest stories
    of `pool` not shown yet ("Latest"). A story is on the front once."""
    included = {story.source for story in groups.published}
    pinned = {s.value for s in layout.slots if s.kind in ("lead", "story")}
    shown: set[str] = set()
    blocks: list[FrontBlockPlan] = []
    for slot in layout.slots:
        if slot.kind in ("lead", "story"):
            if slot.value in included and slot.value not in shown:
                shown.add(slot.value)
                blocks.append((slot.kind, "", "", (slot.value,)))
            continue
        chosen: list[str] = []
        for story in groups.members(slot.kind, slot.value):
            if len(chosen) == slot.count:
                break
            if story.source not in shown and story.source not in pinned:
                chosen.append(story.source)
        shown.update(chosen)
        if chosen:
            blocks.append((slot.kind, *groups.heading(slot.kind, slot.value), tuple(chosen)))
    rest = tuple(
        s.source for s in pool[:latest] if s.source not in shown and s.source not in pinned
    )
    if rest:
        blocks.append(("latest", "Latest", "", rest))
    return tuple(blocks)


def alert_shown(alert: Alert | None, now: datetime) -> tuple[str, ...]:
    """What /alert.json holds at `now`: the alert, or nothing once it expired."""
    if alert is None or alert.expires <= now:
        return ()
    return (alert.text, alert.link, alert.level, alert.expires.isoformat())
