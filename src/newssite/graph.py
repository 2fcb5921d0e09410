"""The site graph: which stories are published, and every page, feed and list they appear in.

Only this module knows which stories belong to a section, an author, a tag or a page of
results. It is always decided whole; a long-lived process (the preview) reuses the stories
made from unchanged inputs through a StoryMemo.
"""

from __future__ import annotations

import hashlib
import math
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeVar
from urllib.parse import urlsplit

from newssite.config import SiteConfig, did_you_mean
from newssite.errors import NewssiteError, raise_all
from newssite.markup import ASSET_SCHEME, SOURCE_SCHEME
from newssite.model import (
    Article,
    Asset,
    Author,
    Feed,
    FrozenDict,
    Page,
    Pagination,
    Photo,
    Removal,
    SearchShard,
    Section,
    Site,
    SiteInfo,
    SitemapEntry,
    StandalonePage,
    Story,
    Tag,
    Teaser,
)
from newssite.parse import Documents
from newssite.related import RelatedMemo, related_stories
from newssite.urls import (
    absolute,
    article_url,
    feed_url,
    href,
    list_page_url,
    page_url,
    section_url,
    slugify,
    tag_url,
    url_key,
)

_Item = TypeVar("_Item")
NEWS_SITEMAP_WINDOW = timedelta(days=2)
REMOVED_TITLE = "This article has been removed"
NEWS_SITEMAP_LIMIT = 1000
LATEST_URL = "/latest.json"
SEARCH_URL = "/search/"
SEARCH_BUNDLE_URL = "/pagefind/"  # Pagefind's index and its UI, written by search.py
NOT_FOUND_URL = "/404.html"
_PLACEHOLDER = re.compile(
    rf'(?P<attr>href|src)="(?P<scheme>{SOURCE_SCHEME}|{ASSET_SCHEME})(?P<target>[^"#]*)(?P<fragment>#[^"]*)?"'
)
_PLACEHOLDER_PREFIX = "newssite-"  # how SOURCE_SCHEME and ASSET_SCHEME both begin
# URLs the build writes itself; a story or page may not claim them.
_GENERATED_URLS = (
    "/feed.xml",
    "/feed.json",
    "/sitemap.xml",
    "/news-sitemap.xml",
    "/robots.txt",
    NOT_FOUND_URL,
    LATEST_URL,
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

    def includes(self, article: Article) -> bool:
        return (self.drafts or not article.draft) and (self.future or article.date <= self.now)


def searchable(story: Story, now: datetime) -> bool:
    """Whether search may find a story: never a draft or a story dated after the build's now,
    even when a build shows them (--drafts, --future), as an index is easily copied around."""
    return not story.draft and story.date <= now


def clock_moments(
    dates: Iterable[datetime], published: Iterable[datetime], config: SiteConfig
) -> list[datetime]:
    """When the clock alone changes what a build made, from the dates of all its stories
    and of those it published: a story's date comes (scheduled stories), a story turns
    stale, a story leaves the news sitemap."""
    published = list(published)
    moments = [*dates, *(date + NEWS_SITEMAP_WINDOW for date in published)]
    if config.stale_after_days is not None:
        stale = timedelta(days=config.stale_after_days)
        moments += [date + stale for date in published]
    return moments


def search_shards(urls: Sequence[str]) -> tuple[SearchShard, ...]:
    """The searchable article URLs (oldest first) as the search index gets them: search.py
    lays them out in levels (levels.py). () when there is nothing to find."""
    # newssite-search glue (issue 14): one shard of every searchable story.
    return (SearchShard(SEARCH_BUNDLE_URL, tuple(urls)),) if urls else ()


@dataclass(frozen=True, slots=True)
class _MadeStory:
    """A story and its JSON-LD, with everything they were made from besides the config."""

    article: Article
    section: Section
    authors: tuple[Author, ...]
    tags: tuple[Tag, ...]
    links: tuple[tuple[str, str], ...]  # (source, URL) of each document its body links to
    age_notice: str
    story: Story
    jsonld: Mapping[str, object]
    modified: datetime  # story.modified, worked out once

    def still_made_from(
        self,
        article: Article,
        section: Section,
        authors: tuple[Author, ...],
        tags: tuple[Tag, ...],
        age_notice: str,
        targets: Mapping[str, str],
    ) -> bool:
        return (
            (self.article is article or self.article == article)
            and self.section == section
            and self.authors == authors
            and self.tags == tags
            and self.age_notice == age_notice
            and all(targets.get(source) == url for source, url in self.links)
        )


@dataclass
class StoryMemo:
    """The stories of the previous build of a long-lived process (the preview), by source.

    A story made from the same inputs is reused, the very same object, so the pages that
    show it compare equal by identity (render.RenderMemo): a rebuild after one edit does
    work in proportion to the edit, not to the archive.
    """

    config: SiteConfig | None = None
    made: dict[str, _MadeStory] = field(default_factory=dict)
    related: RelatedMemo = field(default_factory=RelatedMemo)
    valid_claims: tuple[object, ...] = ()  # the URLs of the last build that passed the checks


def build_site(
    docs: Documents, config: SiteConfig, publication: Publication, memo: StoryMemo | None = None
) -> Site:
    """Decide every page of the site; raise all relation errors (authors, links, URLs) at once."""
    memo = StoryMemo() if memo is None else memo
    if memo.config != config:
        memo.config, memo.made, memo.valid_claims = config, {}, ()
    problems: list[NewssiteError] = []
    sections = {s.slug: Section(s.slug, s.title, section_url(s.slug)) for s in config.sections}
    authors = _index_authors(docs.authors, problems)
    included = sorted(
        (a for a in docs.articles if publication.includes(a)), key=_chronological, reverse=True
    )
    # A story taken down keeps its URL (a short notice) but leaves every list, feed and sitemap.
    published = [a for a in included if a.removed is None]
    withdrawn = [a for a in included if a.removed is not None]
    _check_authors(published, authors, problems)
    raise_all(problems)

    tags = _canonical_tags(published)
    targets = _link_targets(included, authors.values(), docs.pages, sections)
    authors = {slug: _resolve_author(a, targets, config, problems) for slug, a in authors.items()}
    made = [
        _made_story(
            a, sections, authors, tags, targets, config, publication.now, problems, memo.made
        )
        for a in published
    ]
    stories = tuple(m.story for m in made)
    pages_by_source = {
        page.source: _resolve_page(page, targets, config, problems) for page in docs.pages
    }
    raise_all(problems)
    memo.made = {m.article.source: m for m in made}

    # Pagefind cannot make an empty index: no search page until there is a story to find.
    found = [s.url for s in reversed(stories) if searchable(s, publication.now)]
    search = search_shards(found) if config.search else ()
    info = site_info(
        config,
        tuple(sections.values()),
        [(p.slug, p.title) for p in docs.pages],
        searching=bool(search),
    )
    by_section = _group(stories, lambda s: [s.section.slug])
    by_author = _group(stories, lambda s: [a.slug for a in s.authors])
    by_tag = _group(stories, lambda s: [t.slug for t in s.tags])
    tag_objects = {tag.slug: tag for story in stories for tag in story.tags}

    pages: list[Page] = []
    related = related_stories(stories, memo=memo.related)
    pages += [_article_page(m.story, m.jsonld, related[m.story.url]) for m in made]
    pages += [_removed_page(article, sections) for article in withdrawn]
    pages += _list_pages("home", "/", config.title, "home.html", stories, config, {})
    for section in sections.values():
        pages += _list_pages(
            "section",
            section.url,
            section.title,
            "section.html",
            by_section.get(section.slug, ()),
            config,
            {"section": section},
        )
    for author in sorted(authors.values(), key=lambda a: a.slug):
        pages += _list_pages(
            "author",
            author.url,
            author.name,
            "author.html",
            by_author.get(author.slug, ()),
            config,
            {"author": author},
        )
    for slug in sorted(by_tag):
        tag = tag_objects[slug]
        pages += _list_pages(
            "tag", tag.url, tag.name, "tag.html", by_tag[slug], config, {"tag": tag}
        )
    for standalone in sorted(pages_by_source.values(), key=lambda p: p.slug):
        pages.append(
            Page(
                "page",
                page_url(standalone.slug),
                "page.html",
                standalone.title,
                standalone.summary,
                FrozenDict({"standalone": standalone}),
            )
        )
    pages.append(Page("notfound", NOT_FOUND_URL, "404.html", "Page not found", noindex=True))
    if search:
        pages.append(search_page(search, config))

    assets = _assets(stories, published, docs.pages, config)
    # Which URLs are claimed, and by whom: the checks below are skipped when that is as the
    # previous build (of the preview) found it valid.
    claims = (
        tuple((a.source, a.section, a.slug, a.aliases) for a in included),
        tuple((p.source, p.slug) for p in docs.pages),
        assets,
        tuple((p.kind, p.url, p.feed_url, p.context.get("pagination")) for p in pages),
    )
    if claims != memo.valid_claims:
        _check_collisions(pages, included, docs.pages, assets, problems)
        _check_aliases(included, pages, docs.pages, assets, problems)
    raise_all(problems)
    memo.valid_claims = claims
    redirects = _redirects(included, config)
    pages += [page for page, _ in redirects]

    feeds = _feeds(stories, sections.values(), authors.values(), by_section, by_author, config)
    upcoming = [
        a.date
        for a in docs.articles
        if not a.draft and a.removed is None and a.date > publication.now
    ]
    return Site(
        info=info,
        now=publication.now,
        stories=stories,
        authors=tuple(sorted(authors.values(), key=lambda a: a.slug)),
        tags=tuple(sorted(tag_objects.values(), key=lambda t: t.slug)),
        pages=tuple(pages),
        feeds=feeds,
        sitemap=_sitemap(pages, {id(m.story): m.modified for m in made}),
        news_sitemap=tuple(s for s in stories if publication.now - s.date <= NEWS_SITEMAP_WINDOW)[
            :NEWS_SITEMAP_LIMIT
        ],
        assets=assets,
        next_publish=min(upcoming) if upcoming and not publication.future else None,
        drafts_included=publication.drafts,
        redirects=tuple(sorted(pair for _, pair in redirects)),
        search=search,
    )


def site_info(
    config: SiteConfig,
    sections: tuple[Section, ...],
    standalone: Iterable[tuple[str, str]],
    *,
    searching: bool,
) -> SiteInfo:
    """What every page shows of the site; `standalone` holds (slug, title) of its pages."""
    return SiteInfo(
        title=config.title,
        description=config.description,
        language=config.language,
        base_url=config.base_url,
        sections=sections,
        pages=tuple((title, page_url(slug)) for slug, title in sorted(standalone)),
        feed_url="/feed.xml",
        latest_url=LATEST_URL,
        search_url=SEARCH_URL if searching else None,
    )


def search_page(search: Sequence[SearchShard], config: SiteConfig) -> Page:
    description = f"Search the stories of {config.title}."
    context = FrozenDict({"bundle_url": search[0].url})
    return Page("search", SEARCH_URL, "search.html", "Search", description, context)


def _index_authors(authors: Iterable[Author], problems: list[NewssiteError]) -> dict[str, Author]:
    found: dict[str, Author] = {}
    for author in authors:
        if author.slug in found:
            problems.append(
                NewssiteError(
                    f"two authors share the slug '{author.slug}' (also {found[author.slug].source})",
                    path=author.source,
                    field="slug",
                )
            )
        found[author.slug] = author
    return found


def _check_authors(
    articles: Sequence[Article], authors: Mapping[str, Author], problems: list[NewssiteError]
) -> None:
    known = sorted(authors)
    for article in articles:
        for slug in article.authors:
            if slug not in authors:
                hint = did_you_mean(slug, known) or f" (known: {', '.join(known) or 'none'})"
                problems.append(
                    NewssiteError(
                        f"unknown author '{slug}'{hint}; add content/authors/{slug}.md",
                        path=article.source,
                        line=article.lines.get("author"),
                        field="author",
                    )
                )


def _chronological(article: Article) -> tuple[float, datetime, str]:
    """Sort key: by date, then source. Comparing aware datetimes converts both to UTC each
    time; their timestamps decide nearly every comparison far more cheaply, and when two
    are equal (or too close for a float) the dates themselves decide, so the order is exact."""
    return (article.date.timestamp(), article.date, article.source)


def _canonical_tags(articles: Sequence[Article]) -> dict[str, Tag]:
    """Each spelling of a tag -> its Tag; equal slugs are one tag, the oldest story's spelling wins."""
    return canonical_tags(sorted(articles, key=_chronological))


def canonical_tags(oldest_first: Iterable[Article]) -> dict[str, Tag]:
    """_canonical_tags of stories already in chronological order."""
    by_slug: dict[str, Tag] = {}
    by_name: dict[str, Tag] = {}
    for article in oldest_first:
        for name in article.tags:
            if name not in by_name:
                slug = slugify(name)
                by_name[name] = by_slug.setdefault(slug, Tag(slug, name, tag_url(slug)))
    return by_name


def _link_targets(
    articles: Iterable[Article],
    authors: Iterable[Author],
    pages: Iterable[StandalonePage],
    sections: Mapping[str, Section],
) -> dict[str, str]:
    targets = {a.source: article_url(a.section, a.slug) for a in articles}
    targets.update({a.source: a.url for a in authors})
    targets.update({p.source: page_url(p.slug) for p in pages})
    return targets


def _resolve_html(
    html: str,
    owner_source: str,
    owner_url: str,
    targets: Mapping[str, str],
    config: SiteConfig,
    problems: list[NewssiteError],
    field: str = "body",
    links: dict[str, str] | None = None,
) -> str:
    """Fill in the placeholders markup.py left for links to other sources and local files;
    `links` gets the source and URL of each document linked to."""
    if _PLACEHOLDER_PREFIX not in html:
        return html  # most bodies: a substring search is far cheaper than the pattern's scan

    def replace_one(match: re.Match[str]) -> str:
        target = match.group("target")
        fragment = match.group("fragment") or ""
        if match.group("scheme") == ASSET_SCHEME:
            url = owner_url + posixpath.basename(target)
        elif target in targets:
            url = targets[target]
            if links is not None:
                links[target] = url
        else:
            problems.append(
                NewssiteError(
                    f"links to {target}, which is not a published story, author or page",
                    path=owner_source,
                    field=field,
                )
            )
            url = "/"
        return f'{match.group("attr")}="{href(url, config.base_path)}{fragment}"'

    return _PLACEHOLDER.sub(replace_one, html)


def _resolve_photo(photo: Photo | None, owner_url: str) -> Photo | None:
    if photo is None or not photo.src.startswith(ASSET_SCHEME):
        return photo
    return replace(photo, src=owner_url + posixpath.basename(photo.src))


def _made_story(
    article: Article,
    sections: Mapping[str, Section],
    authors: Mapping[str, Author],
    tags: Mapping[str, Tag],
    targets: Mapping[str, str],
    config: SiteConfig,
    now: datetime,
    problems: list[NewssiteError],
    earlier: Mapping[str, _MadeStory],
) -> _MadeStory:
    """The article's Story and JSON-LD: the earlier build's when made from the same inputs."""
    section = sections[article.section]
    by = tuple([authors[slug] for slug in article.authors])
    tagged = tuple(dict.fromkeys([tags[name] for name in article.tags]))
    notice = age_notice(article.date, now, config.stale_after_days)
    before = earlier.get(article.source)
    if before is not None and before.still_made_from(article, section, by, tagged, notice, targets):
        return before
    url = article_url(article.section, article.slug)
    links: dict[str, str] = {}
    body_html = _resolve_html(
        article.body_html, article.source, url, targets, config, problems, links=links
    )
    story = Story(
        source=article.source,
        slug=article.slug,
        url=url,
        title=article.title,
        summary=article.summary,
        section=section,
        authors=by,
        tags=tagged,
        date=article.date,
        updated=article.updated,
        photo=_resolve_photo(article.photo, url),
        body_html=body_html,
        body_digest=hashlib.sha256(body_html.encode("utf-8", "surrogatepass")).hexdigest(),
        reading_minutes=article.reading_minutes,
        draft=article.draft,
        extra=article.extra,
        corrections=article.corrections,
        age_notice=notice,
    )
    modified = story.modified
    jsonld = news_article_jsonld(story, config, modified)
    return _MadeStory(
        article, section, by, tagged, tuple(links.items()), notice, story, jsonld, modified
    )


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


def _resolve_author(
    author: Author, targets: Mapping[str, str], config: SiteConfig, problems: list[NewssiteError]
) -> Author:
    html = _resolve_html(author.bio_html, author.source, author.url, targets, config, problems)
    return replace(author, bio_html=html)


def _resolve_page(
    page: StandalonePage,
    targets: Mapping[str, str],
    config: SiteConfig,
    problems: list[NewssiteError],
) -> StandalonePage:
    url = page_url(page.slug)
    html = _resolve_html(page.body_html, page.source, url, targets, config, problems)
    return replace(page, body_html=html)


def _group(stories: Iterable[Story], keys_of: object) -> dict[str, tuple[Story, ...]]:
    groups: dict[str, list[Story]] = defaultdict(list)
    for story in stories:
        for key in keys_of(story):  # type: ignore[operator]
            groups[key].append(story)
    return {key: tuple(value) for key, value in groups.items()}


def _article_page(
    story: Story, jsonld: Mapping[str, object], related: tuple[Teaser, ...] = ()
) -> Page:
    context = {
        "story": story,
        "jsonld": jsonld,
        "related": related,
    }
    return Page(
        "article",
        story.url,
        "article.html",
        story.title,
        story.summary,
        FrozenDict(context),
        feed_url=feed_url(story.section.url),
    )


def _removed_page(article: Article, sections: Mapping[str, Section]) -> Page:
    """The short notice that replaces a story taken down: no body, no photo, not indexed."""
    removal = article.removed
    assert isinstance(removal, Removal)
    return Page(
        "removed",
        article_url(article.section, article.slug),
        "removed.html",
        REMOVED_TITLE,
        removal.reason,
        FrozenDict({"removal": removal, "section": sections[article.section]}),
        noindex=True,
    )


def _redirects(
    articles: Sequence[Article], config: SiteConfig
) -> list[tuple[Page, tuple[str, str]]]:
    """A redirect page at each alias (meta refresh, canonical to the new URL, not indexed)."""
    found = []
    for article in articles:
        if not article.aliases:
            continue
        target = article_url(article.section, article.slug)
        title = article.title if article.removed is None else REMOVED_TITLE
        for alias in article.aliases:
            context = {"target": target, "canonical": absolute(target, config.base_url)}
            page = Page(
                "redirect", alias, "redirect.html", title, "", FrozenDict(context), noindex=True
            )
            found.append((page, (alias, target)))
    return found


def news_article_jsonld(
    story: Story, config: SiteConfig, modified: datetime | None = None
) -> dict[str, object]:
    """schema.org NewsArticle for search engines; every author is a Person with a url.
    `modified` is story.modified when the caller has it already."""
    url = absolute(story.url, config.base_url)
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title[:110],
        "description": story.summary,
        "datePublished": story.date.isoformat(),
        "dateModified": (modified or story.modified).isoformat(),
        "mainEntityOfPage": url,
        "url": url,
        "articleSection": story.section.title,
        "author": [
            {"@type": "Person", "name": a.name, "url": absolute(a.url, config.base_url)}
            for a in story.authors
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": config.title,
            "url": config.base_url,
        },
        "inLanguage": config.language,
    }
    if story.tags:
        data["keywords"] = [tag.name for tag in story.tags]
    if story.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": c.date.isoformat()}
            for c in story.corrections
        ]
    if story.photo:
        data["image"] = _image_objects(story.photo, config)
    return data


def _image_objects(photo: Photo, config: SiteConfig) -> list[dict[str, object]]:
    """The photo as ImageObjects: its 16:9, 4:3 and 1:1 crops when newssite made them
    (Google asks for the three ratios), else the photo itself; each with caption and credit."""
    made = [rendition for name, rendition in photo.crops if name in ("16x9", "4x3", "1x1")]
    files = [(r.url, r.width, r.height) for r in made] or [(photo.src, photo.width, photo.height)]
    objects: list[dict[str, object]] = []
    for url, width, height in files:
        image: dict[str, object] = {"@type": "ImageObject", "url": absolute(url, config.base_url)}
        if width and height:
            image.update(width=width, height=height)
        if photo.caption:
            image["caption"] = photo.caption
        if photo.credit:
            image["creditText"] = photo.credit
        objects.append(image)
    return objects


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


def _list_pages(
    kind: str,
    list_url: str,
    title: str,
    template: str,
    stories: Sequence[Story],
    config: SiteConfig,
    subject: Mapping[str, object],
) -> list[Page]:
    return [
        list_page(kind, list_url, title, template, url, pagination, items, config, subject)
        for url, pagination, items in paginate(stories, list_url, config.per_page)
    ]


def list_page(
    kind: str,
    list_url: str,
    title: str,
    template: str,
    url: str,
    pagination: Pagination,
    items: tuple[Story, ...],
    config: SiteConfig,
    subject: Mapping[str, object],
) -> Page:
    """One page of a list (paginate() decides which stories are on it)."""
    page_title = title if pagination.number == 0 else f"{title} – page {pagination.number}"
    if kind == "home" and pagination.number == 0:
        page_title = config.title
    context = {**subject, "stories": items, "pagination": pagination}
    description = _list_description(kind, title, subject, config)
    list_feed = None if kind == "tag" else feed_url(list_url)
    return Page(kind, url, template, page_title, description, FrozenDict(context), list_feed)


def _list_description(
    kind: str, title: str, subject: Mapping[str, object], config: SiteConfig
) -> str:
    if kind == "home":
        return config.description or f"The latest news from {config.title}."
    if kind == "author":
        author = subject["author"]
        assert isinstance(author, Author)
        return author.bio_text or f"Stories by {author.name}."
    return f"{title}: the latest stories from {config.title}."


def _assets(
    stories: Sequence[Story],
    articles: Sequence[Article],
    pages: Sequence[StandalonePage],
    config: SiteConfig,
) -> tuple[Asset, ...]:
    by_source = {a.source: a for a in articles}
    assets = []
    for story in stories:
        for asset in by_source[story.source].assets:
            assets.append(Asset(story.url + posixpath.basename(asset), asset))
    for page in pages:
        for asset in page.assets:
            assets.append(Asset(page_url(page.slug) + posixpath.basename(asset), asset))
    return tuple(sorted(set(assets), key=lambda a: a.url))


def _check_collisions(
    pages: Sequence[Page],
    articles: Sequence[Article],
    standalone: Sequence[StandalonePage],
    assets: Sequence[Asset],
    problems: list[NewssiteError],
) -> None:
    """Two sources that map to one URL (also by case or Unicode form) is an error naming all."""
    claims: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for article in articles:
        claims[url_key(article_url(article.section, article.slug))].append(
            (article_url(article.section, article.slug), article.source)
        )
    for page in standalone:
        claims[url_key(page_url(page.slug))].append((page_url(page.slug), page.source))
    for asset in assets:
        claims[url_key(asset.url)].append((asset.url, asset.source))
    for page in pages:
        if page.kind not in ("article", "page", "removed", "redirect"):
            claims[url_key(page.url)].append((page.url, f"the generated {page.kind} page"))
        pagination = page.context.get("pagination")
        if isinstance(pagination, Pagination) and pagination.number == 0:
            numbered = list_page_url(page.url, 1).removesuffix("1/")
            claims[url_key(numbered)].append((numbered, f"the numbered pages of {page.url}"))
    for url in _GENERATED_URLS:
        if url != NOT_FOUND_URL:
            claims[url_key(url)].append((url, "a file newssite generates"))
    for entries in claims.values():
        if len(entries) < 2:
            continue
        files = sorted({owner for _, owner in entries if owner.startswith(("content/", "static/"))})
        if not files:
            continue
        others = sorted(
            {owner for _, owner in entries if not owner.startswith(("content/", "static/"))}
        )
        urls = " and ".join(sorted({url for url, _ in entries}))
        problems.append(
            NewssiteError(
                f"{', '.join([*files, *others])}: all map to the URL {urls}",
                path=files[0],
                field="slug",
            )
        )


def _check_aliases(
    articles: Sequence[Article],
    pages: Sequence[Page],
    standalone: Sequence[StandalonePage],
    assets: Sequence[Asset],
    problems: list[NewssiteError],
) -> None:
    """An alias may not be the URL of anything else; the error names both files."""
    owners: dict[str, str] = {}
    reserved = [url for url in _GENERATED_URLS if url.endswith("/")]
    for page in pages:
        if page.kind not in ("article", "page", "removed", "redirect"):
            owners.setdefault(url_key(page.url), f"the generated {page.kind} page")
        if page.feed_url is not None:
            owners.setdefault(url_key(page.feed_url), "a feed newssite generates")
        pagination = page.context.get("pagination")
        if isinstance(pagination, Pagination) and pagination.number == 0:
            reserved.append(list_page_url(page.url, 1).removesuffix("1/"))
    for url in (*_GENERATED_URLS, "/_redirects"):
        owners.setdefault(url_key(url), "a file newssite generates")
    for asset in assets:
        owners[url_key(asset.url)] = asset.source
    for page in standalone:
        owners[url_key(page_url(page.slug))] = page.source
    for article in articles:
        owners[url_key(article_url(article.section, article.slug))] = article.source
    first_claim: dict[str, str] = {}
    for article in articles:
        if not article.aliases:
            continue
        own = url_key(article_url(article.section, article.slug))
        for index, alias in enumerate(article.aliases):
            key = url_key(alias)
            under = next((p for p in reserved if key.startswith(url_key(p)) and key != own), None)
            folders = ["/".join(key.split("/")[:n]) for n in range(2, key.count("/") + 1)]
            blocked = next((folder for folder in folders if folder in owners), None)
            if key == own:
                message = f"{alias} is this story's own URL"
            elif key in owners:
                message = f"{alias} is already the URL of {owners[key]}"
            elif first_claim.get(key, article.source) != article.source:
                message = f"{alias} is also an alias in {first_claim[key]}"
            elif under is not None:
                message = f"{alias} is under {under}, where newssite writes its own pages"
            elif blocked is not None:
                message = f"{alias} needs a folder {blocked}, which is {owners[blocked]}"
            else:
                first_claim[key] = article.source
                continue
            problems.append(
                NewssiteError(
                    message,
                    path=article.source,
                    line=article.lines.get("aliases"),
                    field=f"aliases[{index}]",
                )
            )


def _feeds(
    stories: Sequence[Story],
    sections: Iterable[Section],
    authors: Iterable[Author],
    by_section: Mapping[str, Sequence[Story]],
    by_author: Mapping[str, Sequence[Story]],
    config: SiteConfig,
) -> tuple[Feed, ...]:
    feeds = [make_feed("/", config.title, stories, config.description, config)]
    feeds += [
        make_feed(s.url, f"{s.title} – {config.title}", by_section.get(s.slug, ()), "", config)
        for s in sections
    ]
    feeds += [
        make_feed(a.url, f"{a.name} – {config.title}", by_author.get(a.slug, ()), a.role, config)
        for a in sorted(authors, key=lambda a: a.slug)
    ]
    return tuple(feeds)


def make_feed(
    list_url: str, title: str, items: Sequence[Story], subtitle: str, config: SiteConfig
) -> Feed:
    """The feed of a list: its newest `feed_size` stories."""
    url = feed_url(list_url)
    host = urlsplit(config.base_url).hostname or "localhost"
    return Feed(
        url,
        title,
        list_url,
        f"tag:{host},2000:{config.base_path}{url.lstrip('/')}",
        tuple(items[: config.feed_size]),
        subtitle,
    )


def _sitemap(pages: Sequence[Page], modified: Mapping[int, datetime]) -> tuple[SitemapEntry, ...]:
    """Every indexable page with its last change; `modified` holds every story's, by identity."""
    entries = []
    modified_of = modified.__getitem__
    for page in pages:
        if page.noindex:
            continue
        story = page.context.get("story")
        items = page.context.get("stories")
        lastmod = None
        if isinstance(story, Story):
            lastmod = modified_of(id(story))
        elif isinstance(items, tuple) and items:
            # ~60,000 list items in a large archive: map() keeps the loop out of Python code.
            lastmod = max(map(modified_of, map(id, items)))
        entries.append(SitemapEntry(page.url, lastmod, isinstance(story, Story)))
    return tuple(entries)
