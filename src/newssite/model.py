"""The site model: frozen, typed records that flow through the pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from newssite.errors import NewssiteError


class FrozenDict(dict[str, Any]):
    """A read-only dict: safe to share between pages, and it pickles (for worker processes)."""

    def _read_only(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("FrozenDict is read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]
    __ior__ = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[dict[str, Any]]]:
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda item: item[0])))


EMPTY: Mapping[str, object] = FrozenDict()


def _empty() -> Mapping[str, object]:
    return EMPTY


@dataclass(frozen=True, slots=True)
class Section:
    slug: str
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Tag:
    slug: str
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Rendition:
    """One processed file of a photo: a width in one format, or a crop (images.py makes them)."""

    url: str  # a site path: /img/<hash>-960.webp
    width: int
    height: int
    mime: str  # image/webp, image/jpeg or image/png


@dataclass(frozen=True, slots=True)
class Photo:
    """A picture as published: `src` is a site path ("/photos/x.jpg") or an absolute URL."""

    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""
    source: str | None = None  # the local file it comes from, relative to the site folder
    width: int = 0  # of the picture as shown (EXIF orientation applied); 0: not known (remote)
    height: int = 0
    renditions: tuple[Rendition, ...] = ()  # responsive widths, WebP and a JPEG/PNG fallback
    crops: tuple[tuple[str, Rendition], ...] = ()  # ("social", 1200x630), ("16x9", ...), ...

    def crop(self, name: str) -> Rendition | None:
        return next((rendition for key, rendition in self.crops if key == name), None)


@dataclass(frozen=True, slots=True)
class Correction:
    """A correction notice on a story: when it was made and what was wrong."""

    date: datetime
    text: str


@dataclass(frozen=True, slots=True)
class Removal:
    """A takedown: the story's page is replaced by a short notice, and it leaves every list."""

    date: datetime
    reason: str = ""


def newest_change(
    date: datetime, updated: datetime | None, corrections: tuple[Correction, ...]
) -> datetime:
    """The last time a story changed: its date, `updated` or a correction, whichever is latest."""
    moments = [date, *([updated] if updated else []), *(c.date for c in corrections)]
    return max(moments)


STORY_TYPES = ("news", "opinion", "analysis", "review", "explainer", "sponsored")
TYPE_LABELS = {
    "news": "",
    "opinion": "Opinion",
    "analysis": "Analysis",
    "review": "Review",
    "explainer": "Explainer",
    "sponsored": "Sponsored",
}


@dataclass(frozen=True, slots=True)
class Sponsor:
    """Who paid for a sponsored story."""

    name: str
    url: str


@dataclass(frozen=True, slots=True)
class LiveUpdate:
    """One update of a live story: a file in the story's updates/ folder."""

    source: str
    story: str  # the source of the live story's index.md
    anchor: str  # "update-<file stem>"
    date: datetime
    body_html: str
    text: str  # the body as plain text (JSON-LD articleBody)
    title: str = ""
    author: str = ""  # an author slug, or "" for none
    pinned: bool = False
    photo: Photo | None = None
    lines: Mapping[str, int] = field(default_factory=_empty)
    links: tuple[str, ...] = ()  # sources its body links to
    assets: tuple[str, ...] = ()  # local files published beside the live story's page


@dataclass(frozen=True, slots=True)
class Author:
    slug: str
    name: str
    url: str
    source: str
    role: str = ""
    avatar: Photo | None = None
    email: str = ""
    links: tuple[tuple[str, str], ...] = ()
    bio_html: str = ""
    bio_text: str = ""
    extra: Mapping[str, object] = field(default_factory=_empty)
    lines: Mapping[str, int] = field(default_factory=_empty)  # field -> line, for photo checks
    # edition code -> {name, role, bio_html, bio_text} in that edition's language
    editions: Mapping[str, object] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class Article:
    """One story as written: section, authors and tags are still names, not objects."""

    source: str
    slug: str
    title: str
    section: str
    authors: tuple[str, ...]
    date: datetime  # always timezone-aware
    body_html: str
    summary: str
    reading_minutes: int
    updated: datetime | None = None
    photo: Photo | None = None
    tags: tuple[str, ...] = ()
    draft: bool = False
    extra: Mapping[str, object] = field(default_factory=_empty)
    links: tuple[str, ...] = ()  # sources this body links to, relative to the site folder
    assets: tuple[str, ...] = ()  # local files this story publishes, relative to the site folder
    lines: Mapping[str, int] = field(
        default_factory=dict
    )  # field -> line in the source, for errors found later
    corrections: tuple[Correction, ...] = ()
    removed: Removal | None = None
    aliases: tuple[str, ...] = ()  # old site paths that redirect here ("/news/old-slug/")
    story_type: str = "news"  # one of STORY_TYPES
    sponsor: Sponsor | None = None
    dateline: str = ""  # "KYIV": where the story was reported
    byline: str = ""  # a wire or staff byline without an author page ("Associated Press")
    live: bool = False  # live coverage: updates in the updates/ folder beside index.md
    live_end: datetime | None = None
    edition: str = ""  # the code of its edition; "" for the default edition
    prefix: str = ""  # what its URL starts with: "" or its edition's "/uk"
    translations: str = ""  # the source its translations share (the original's, no suffix)
    series: str = ""  # the slug of the series it is a part of

    @property
    def modified(self) -> datetime:
        return newest_change(self.date, self.updated, self.corrections)

    @property
    def url(self) -> str:
        return f"{self.prefix}/{self.section}/{self.slug}/"


@dataclass(frozen=True, slots=True)
class StandalonePage:
    source: str
    slug: str
    title: str
    summary: str
    body_html: str
    extra: Mapping[str, object] = field(default_factory=_empty)
    links: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()
    lines: Mapping[str, int] = field(default_factory=_empty)  # field -> line, for photo checks
    aliases: tuple[str, ...] = ()  # old URLs that redirect here
    edition: str = ""  # as Article's
    prefix: str = ""
    translations: str = ""

    @property
    def url(self) -> str:
        return f"{self.prefix}/{self.slug}/"


@dataclass(frozen=True, slots=True)
class ShownUpdate:
    """An update of a live story as its page shows it: the author resolved, links too."""

    source: str
    anchor: str
    date: datetime
    title: str
    author: Author | None
    pinned: bool
    photo: Photo | None
    body_html: str
    text: str


@dataclass(frozen=True, slots=True)
class LiveCoverage:
    """What a live story's page shows of its coverage, decided with the build's now."""

    start: datetime
    end: datetime | None
    is_live: bool  # the build's now is before `end` (or there is no end)
    updates: tuple[ShownUpdate, ...]  # on this page: pinned first, then newest first
    count: int  # updates shown on all the pages (published so far)
    newest: datetime | None  # the newest shown update's date
    updates_url: str  # the updates.json beside the page
    pagination: Pagination | None = None  # None: the updates fit on the page


@dataclass(frozen=True, slots=True)
class FrontSlot:
    """One place of a curated front: a pinned story, or the newest `count` stories of a
    section, tag, series or story type."""

    kind: str  # story, section, tag, series or type
    value: str  # a story's source (content/...), or the section, tag, series or type named
    count: int = 1
    line: int = 0  # in the front's file
    field: str = ""  # where in the file: "lead", "slots[2].story", "schedule[0].lead"


@dataclass(frozen=True, slots=True)
class FrontLayout:
    """A front's lead and slots, in force from `starts` (None: from the start)."""

    starts: datetime | None
    slots: tuple[FrontSlot, ...]  # the lead first, when there is one


@dataclass(frozen=True, slots=True)
class FrontPage:
    """A curated front: content/front.yaml (the home page) or content/front/<section>.yaml."""

    source: str
    section: str  # "" for the home page
    layouts: tuple[FrontLayout, ...]  # by the time each takes over


@dataclass(frozen=True, slots=True)
class Series:
    """A series of stories: content/series/<slug>.md."""

    source: str
    slug: str
    title: str
    description: str = ""
    order: str = "oldest"  # the order of its parts: oldest or newest first
    photo: Photo | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """The breaking-news alert of content/alert.yaml, published as /alert.json."""

    source: str
    text: str
    level: str  # breaking or developing
    expires: datetime
    link: str = ""


@dataclass(frozen=True, slots=True)
class FrontBlock:
    """One block of a curated front as its template shows it."""

    kind: str  # lead, story, section, tag, series, type or latest
    title: str
    url: str | None
    stories: tuple[Story, ...]


@dataclass(frozen=True, slots=True)
class SeriesPart:
    """Where a story stands in its series: "Part 3 of 7", with the parts beside it."""

    series: Series
    url: str
    number: int
    total: int
    previous: Teaser | None = None
    next: Teaser | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """A published article with its relations resolved, as themes see it."""

    source: str
    slug: str
    url: str
    title: str
    summary: str
    section: Section
    authors: tuple[Author, ...]
    tags: tuple[Tag, ...]
    date: datetime
    updated: datetime | None
    photo: Photo | None
    body_html: str = field(repr=False)  # stands in the repr (the page fingerprint) by its hash
    body_digest: str
    reading_minutes: int
    draft: bool
    extra: Mapping[str, object]
    corrections: tuple[Correction, ...] = ()
    age_notice: str = ""  # "This article is more than 2 years old", decided with the build's now
    story_type: str = "news"
    sponsor: Sponsor | None = None
    dateline: str = ""
    byline: str = ""  # a wire or staff byline without an author page
    live: LiveCoverage | None = None
    language: str = ""  # its edition's language code

    @property
    def modified(self) -> datetime:
        changed = newest_change(self.date, self.updated, self.corrections)
        if self.live is not None and self.live.newest is not None:
            return max(changed, self.live.newest)
        return changed

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.story_type, "")

    @property
    def corrected(self) -> datetime | None:
        return max((c.date for c in self.corrections), default=None)

    @property
    def is_updated(self) -> bool:
        return self.updated is not None and self.updated > self.date


@dataclass(frozen=True, slots=True)
class Teaser:
    """A story as another page lists it (a list's card, "Related"): no body, no tags, so an
    edit to a story's text leaves the pages that point to it unchanged."""

    title: str
    url: str
    section: Section
    date: datetime
    photo: Photo | None = None
    summary: str = ""  # the dek a list's card shows ("Related" leaves it out)
    authors: tuple[Author, ...] = ()
    story_type: str = "news"
    byline: str = ""

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.story_type, "")


@dataclass(frozen=True, slots=True)
class Pagination:
    """One numbered page of a list; pages count from the oldest so old pages stay stable.
    (It does not say how many pages the list has: every page would change with that.)"""

    number: int  # 0 for the front page of the list
    newer_url: str | None
    older_url: str | None
    first_url: str


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every page shows of the site: its name and navigation. Nothing per story."""

    title: str
    description: str
    language: str
    base_url: str
    sections: tuple[Section, ...]
    pages: tuple[tuple[str, str], ...]  # (title, url) of standalone pages, for the footer
    feed_url: str
    latest_url: str
    search_url: str | None = None
    opinion_disclaimer: str = ""  # shown under opinion pieces
    home_url: str = "/"  # the front page of this edition
    direction: str = "ltr"  # of its language: "rtl" for Arabic, Hebrew, Persian, Urdu...
    editions: tuple[tuple[str, str, str], ...] = ()  # (code, name, front page) of each edition
    support: Any = None  # config.Support: the "support us" block, or None
    corrections_url: str = "/corrections/"
    alert_url: str = "/alert.json"


@dataclass(frozen=True, slots=True)
class Page:
    """One HTML page to render: its template and exactly what that template is given."""

    kind: str  # article, home, section, author, tag, page, notfound
    url: str
    template: str
    title: str
    description: str = ""
    context: Mapping[str, object] = field(default_factory=_empty)
    feed_url: str | None = None
    noindex: bool = False


@dataclass(frozen=True, slots=True)
class Feed:
    url: str
    title: str
    alternate_url: str
    feed_id: str
    stories: tuple[Story, ...]
    subtitle: str = ""


class SitemapEntry(NamedTuple):
    """One URL of the sitemap: where, when it last changed, and whether it is a story."""

    url: str
    lastmod: datetime | None = None
    story: bool = False  # a story's page (else a list or standalone page)
    alternates: tuple[tuple[str, str], ...] = ()  # (language, URL) of each edition's version


@dataclass(frozen=True, slots=True)
class Asset:
    """A file copied as it is: from `source` (relative to the site folder) to `url`."""

    url: str
    source: str


@dataclass(frozen=True, slots=True)
class SearchShard:
    """One part of the search index: the article pages of a run of stories, oldest first.

    The first part (at /pagefind/) also carries Pagefind's UI; the others are merged in."""

    url: str  # the Pagefind bundle: "/pagefind/" or "/pagefind/part-<hash>/"
    pages: tuple[str, ...]  # article URLs
    takedowns: tuple[str, ...] = ()  # URLs of stories taken down: no trace may stay in search


@dataclass(frozen=True, slots=True)
class Site:
    """What the files of the site are made from: the stories, authors and pages the plan
    (plan.py) shows, made whole (graph.py). A whole build has them all; an update only
    those that the files it makes again show."""

    info: SiteInfo
    now: datetime
    sections: Mapping[str, Section]  # by slug
    stories: Mapping[str, Story]  # by source: the published stories asked for
    jsonld: Mapping[str, Mapping[str, object]]  # by source: each story's schema.org data
    authors: Mapping[str, Author]  # by slug
    tags: Mapping[str, Tag]  # by slug
    standalone: Mapping[str, StandalonePage]  # by source
    withdrawn: Mapping[str, Article]  # by source: the stories taken down
    updates: Mapping[str, ShownUpdate] = field(default_factory=_empty)  # of live stories
    assets: tuple[Asset, ...] = ()
    redirects: tuple[tuple[str, str], ...] = ()  # (old path, new path) from story aliases
    search: tuple[SearchShard, ...] = ()  # the parts of the search index; () when search is off
    next_publish: datetime | None = None
    drafts_included: bool = False
    editions: Mapping[str, Site] = field(default_factory=_empty)  # code -> the edition's Site
    alternates: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=_empty)

    def edition(self, code: str) -> Site:
        """The site as an edition's files see it (its sections, authors, tags, words)."""
        return self.editions.get(code, self)


@dataclass(frozen=True, slots=True)
class Output:
    path: str  # relative to the output folder, with forward slashes
    data: bytes | None  # None: in `spooled`, or else the file in the output is right (unchanged)
    spooled: str | None = None  # a file holding the bytes: a build keeps its pages on disk
    digest: str | None = None  # the sha256 of the spooled bytes
    # A story page's search key and what Pagefind reads of it (search_parts.search_key),
    # when the process that rendered it worked them out.
    searched: tuple[str, bytes | None] | None = None


@dataclass(frozen=True, slots=True)
class BuildOptions:
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    output_dir: str | None = None
    now: datetime | None = None
    progress: object = None  # a callable(stage: str, done: int, total: int) or None
    extra_static: tuple[str, ...] = field(default_factory=tuple)


# The stages a build reports to BuildOptions.progress, in order.
STAGES = ("config", "parse", "photos", "graph", "render", "search", "write")


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, as the CLI reports it."""

    pages: int
    files: int
    written: int
    unchanged: int
    removed: int
    warnings: tuple[NewssiteError, ...]
    next_publish: datetime | None
    output_dir: Path
    stage_seconds: tuple[tuple[str, float], ...] = field(default_factory=tuple)
    drafts: int = 0
    updated: bool = False  # planned from the last build's records and the changed files
