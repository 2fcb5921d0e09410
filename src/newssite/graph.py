"""The site model made whole: the stories, authors and pages that the plan's files show,
with their links resolved, and the checks that need every source (authors, links, URLs).

What is published and which files show what is decided by plan.py; this module makes the
Story, Author and page objects that the templates are given, for the sources asked for.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

from newssite.config import SiteConfig, did_you_mean
from newssite.errors import NewssiteError, raise_all
from newssite.jsonld import news_article_jsonld
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
    Section,
    SeriesPart,
    Site,
    SiteInfo,
    StandalonePage,
    Story,
    Tag,
    Teaser,
)
from newssite.plan import (
    ALERT_URL,
    CORRECTIONS_URL,
    GENERATED_URLS,
    LATEST_URL,
    NOT_FOUND_URL,
    REMOVED_TITLE,
    SEARCH_URL,
    Plan,
    Publication,
    age_notice,
    describe_days,
    linked_sources,
)
from newssite.search_parts import SEARCH_BUNDLE_URL
from newssite.urls import (
    absolute,
    article_url,
    feed_url,
    href,
    list_page_url,
    page_url,
    section_url,
    url_key,
)

__all__ = ["SEARCH_BUNDLE_URL", "Publication", "age_notice", "describe_days"]

_PLACEHOLDER = re.compile(
    rf'(?P<attr>href|src)="(?P<scheme>{SOURCE_SCHEME}|{ASSET_SCHEME})(?P<target>[^"#]*)(?P<fragment>#[^"]*)?"'
)
_PLACEHOLDER_PREFIX = "newssite-"  # how SOURCE_SCHEME and ASSET_SCHEME both begin


def searchable(story: Story, now: datetime) -> bool:
    """Whether search may find a story: never a draft or a story dated after the build's now,
    even when a build shows them (--drafts, --future), as an index is easily copied around."""
    return not story.draft and story.date <= now


def check_sources(
    articles: Sequence[Article],
    authors: Sequence[Author],
    standalone: Sequence[StandalonePage],
    plan: Plan,
) -> None:
    """The checks that need every source: authors known and unique, each URL claimed once,
    aliases that point nowhere else. All problems are raised at once."""
    problems: list[NewssiteError] = []
    known = _index_authors(authors, problems)
    included = [a for a in articles if a.source in plan.included]
    _check_authors([a for a in included if a.removed is None], known, problems)
    _check_links([a for a in included if a.removed is None], authors, standalone, plan, problems)
    _check_series([a for a in included if a.removed is None], plan, problems)
    problems += plan.problems
    raise_all(problems)
    claims = _page_claims(plan)
    _check_collisions(claims, included, standalone, plan.assets, problems)
    _check_aliases(included, claims, standalone, plan.assets, problems)
    raise_all(problems)


def make_site(
    plan: Plan,
    articles: Iterable[Article],
    authors: Iterable[Author],
    standalone: Iterable[StandalonePage],
    config: SiteConfig,
    publication: Publication,
) -> Site:
    """The Story, Author and page objects of the sources given (a whole build gives every
    source, an update those its changed files show); link problems are raised at once."""
    problems: list[NewssiteError] = []
    sections = {s.slug: Section(s.slug, s.title, section_url(s.slug)) for s in config.sections}
    targets = plan.targets
    resolved = {a.slug: _resolve_author(a, targets, config, problems) for a in authors}
    tags = {tag.slug: tag for tag in plan.tags.values()}
    stories: dict[str, Story] = {}
    jsonld: dict[str, Mapping[str, object]] = {}
    withdrawn: dict[str, Article] = {}
    for article in articles:
        if article.source not in plan.included:
            continue
        if article.removed is not None:
            withdrawn[article.source] = article
            continue
        story = _made_story(
            article, sections, resolved, plan.tags, targets, config, publication.now, problems
        )
        stories[article.source] = story
        series = plan.series.get(article.series)
        jsonld[article.source] = news_article_jsonld(story, config, series=series)
    pages = {p.source: _resolve_page(p, targets, config, problems) for p in standalone}
    raise_all(problems)
    return Site(
        info=site_info(
            config, tuple(sections.values()), plan.standalone, searching=bool(plan.shards)
        ),
        now=publication.now,
        sections=FrozenDict(sections),
        stories=FrozenDict(stories),
        jsonld=FrozenDict(jsonld),
        authors=FrozenDict(resolved),
        tags=FrozenDict(tags),
        standalone=FrozenDict(pages),
        withdrawn=FrozenDict(withdrawn),
        assets=plan.assets,
        redirects=plan.redirects,
        search=plan.shards,
        next_publish=plan.next_publish,
        drafts_included=publication.drafts,
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
        support=config.support,
        corrections_url=CORRECTIONS_URL,
        alert_url=ALERT_URL,
    )


def _page_claims(plan: Plan) -> list[tuple[str, str, str | None, bool]]:
    """(kind, URL, feed URL, front of a list) of each page the plan makes."""
    claims = []
    for job in (*plan.jobs.values(), *plan.shadowed):
        kind = str(job[0])
        if kind == "list":
            list_kind, list_url, pagination = str(job[1]), str(job[2]), job[5]
            assert isinstance(pagination, Pagination)
            feed = None if list_kind == "tag" else feed_url(list_url)
            claims.append((list_kind, str(job[4]), feed, pagination.number == 0))
        elif kind in ("notfound", "search", "corrections"):
            url = {"notfound": NOT_FOUND_URL, "search": SEARCH_URL}.get(kind, CORRECTIONS_URL)
            claims.append((kind, url, None, False))
    return claims


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


def _check_links(
    articles: Sequence[Article],
    authors: Sequence[Author],
    standalone: Sequence[StandalonePage],
    plan: Plan,
    problems: list[NewssiteError],
) -> None:
    """Every story, page or author a text links to by its file must be on the site."""
    documents: list[tuple[str, Iterable[str]]] = [(a.source, a.links) for a in articles]
    documents += [(p.source, p.links) for p in standalone]
    documents += [(a.source, linked_sources(a.bio_html)) for a in authors]
    for source, links in documents:
        for target in links:
            if target not in plan.targets:
                problems.append(
                    NewssiteError(
                        f"links to {target}, which is not a published story, author or page",
                        path=source,
                        field="body",
                    )
                )


def _check_series(articles: Sequence[Article], plan: Plan, problems: list[NewssiteError]) -> None:
    known = sorted(plan.series)
    for article in articles:
        if article.series and article.series not in plan.series:
            hint = did_you_mean(article.series, known) or f" (known: {', '.join(known) or 'none'})"
            problems.append(
                NewssiteError(
                    f"unknown series '{article.series}'{hint};"
                    f" add content/series/{article.series}.md",
                    path=article.source,
                    line=article.lines.get("series"),
                    field="series",
                )
            )


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


def _resolve_html(
    html: str,
    owner_source: str,
    owner_url: str,
    targets: Mapping[str, str],
    config: SiteConfig,
    problems: list[NewssiteError],
    field: str = "body",
) -> str:
    """Fill in the placeholders markup.py left for links to other sources and local files."""
    if _PLACEHOLDER_PREFIX not in html:
        return html  # most bodies: a substring search is far cheaper than the pattern's scan

    def replace_one(match: re.Match[str]) -> str:
        target = match.group("target")
        fragment = match.group("fragment") or ""
        if match.group("scheme") == ASSET_SCHEME:
            url = owner_url + posixpath.basename(target)
        elif target in targets:
            url = targets[target]
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
) -> Story:
    """The article as its page shows it, links resolved."""
    section = sections[article.section]
    by = tuple([authors[slug] for slug in article.authors])
    tagged = tuple(dict.fromkeys([tags[name] for name in article.tags]))
    notice = age_notice(article.date, now, config.stale_after_days)
    url = article_url(article.section, article.slug)
    body_html = _resolve_html(article.body_html, article.source, url, targets, config, problems)
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
    return story


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


def article_page(
    story: Story,
    jsonld: Mapping[str, object],
    related: tuple[Teaser, ...] = (),
    part: SeriesPart | None = None,
) -> Page:
    context = {
        "story": story,
        "jsonld": jsonld,
        "related": related,
        "part": part,
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


def removed_page(article: Article, sections: Mapping[str, Section]) -> Page:
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


def redirect_page(alias: str, target: str, title: str, config: SiteConfig) -> Page:
    """A redirect page at an alias (meta refresh, canonical to the new URL, not indexed)."""
    context = {"target": target, "canonical": absolute(target, config.base_url)}
    return Page("redirect", alias, "redirect.html", title, "", FrozenDict(context), noindex=True)


def standalone_page(page: StandalonePage) -> Page:
    return Page(
        "page",
        page_url(page.slug),
        "page.html",
        page.title,
        page.summary,
        FrozenDict({"standalone": page}),
    )


def not_found_page() -> Page:
    return Page("notfound", NOT_FOUND_URL, "404.html", "Page not found", noindex=True)


def search_page(bundle_url: str, config: SiteConfig) -> Page:
    description = f"Search the stories of {config.title}."
    context = FrozenDict({"bundle_url": bundle_url})
    return Page("search", SEARCH_URL, "search.html", "Search", description, context)


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
    list_feed = None if kind in ("tag", "month") else feed_url(list_url)
    return Page(kind, url, template, page_title, description, FrozenDict(context), list_feed)


def corrections_page(corrections: tuple[tuple[Teaser, object], ...], config: SiteConfig) -> Page:
    """/corrections/: every correction, newest first, each linking to its story."""
    description = f"Every correction {config.title} has made to its stories, newest first."
    context = FrozenDict({"corrections": corrections, "feed": feed_url(CORRECTIONS_URL)})
    return Page(
        "corrections", CORRECTIONS_URL, "corrections.html", "Corrections", description, context
    )


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


def _check_collisions(
    pages: Sequence[tuple[str, str, str | None, bool]],
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
    for kind, url, _, list_front in pages:
        claims[url_key(url)].append((url, f"the generated {kind} page"))
        if list_front:
            numbered = list_page_url(url, 1).removesuffix("1/")
            claims[url_key(numbered)].append((numbered, f"the numbered pages of {url}"))
    for url in GENERATED_URLS:
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
    pages: Sequence[tuple[str, str, str | None, bool]],
    standalone: Sequence[StandalonePage],
    assets: Sequence[Asset],
    problems: list[NewssiteError],
) -> None:
    """An alias may not be the URL of anything else; the error names both files."""
    owners: dict[str, str] = {}
    reserved = [url for url in GENERATED_URLS if url.endswith("/")]
    for kind, url, list_feed, list_front in pages:
        owners.setdefault(url_key(url), f"the generated {kind} page")
        if list_feed is not None:
            owners.setdefault(url_key(list_feed), "a feed newssite generates")
        if list_front:
            reserved.append(list_page_url(url, 1).removesuffix("1/"))
    for url in (*GENERATED_URLS, "/_redirects"):
        owners.setdefault(url_key(url), "a file newssite generates")
    for asset in assets:
        owners[url_key(asset.url)] = asset.source
    for page in standalone:
        owners[url_key(page_url(page.slug))] = page.source
    for article in articles:
        owners[url_key(article_url(article.section, article.slug))] = article.source
    first_claim: dict[str, str] = {}
    claimants: list[tuple[Article | StandalonePage, str, str]] = [
        (a, article_url(a.section, a.slug), "story") for a in articles if a.aliases
    ]
    claimants += [(p, page_url(p.slug), "page") for p in standalone if p.aliases]
    for article, url, noun in claimants:
        own = url_key(url)
        for index, alias in enumerate(article.aliases):
            key = url_key(alias)
            under = next((p for p in reserved if key.startswith(url_key(p)) and key != own), None)
            folders = ["/".join(key.split("/")[:n]) for n in range(2, key.count("/") + 1)]
            blocked = next((folder for folder in folders if folder in owners), None)
            if key == own:
                message = f"{alias} is this {noun}'s own URL"
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
