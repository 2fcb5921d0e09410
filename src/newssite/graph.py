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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from newssite.config import Edition, SiteConfig, did_you_mean, edition_config
from newssite.errors import NewssiteError, raise_all
from newssite.jsonld import news_article_jsonld
from newssite.markup import ASSET_SCHEME, SOURCE_SCHEME
from newssite.model import (
    Article,
    Author,
    Feed,
    FrozenDict,
    LiveCoverage,
    LiveUpdate,
    Page,
    Pagination,
    Photo,
    Removal,
    Section,
    SeriesPart,
    ShownUpdate,
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
    LivePlan,
    Plan,
    Publication,
    UrlClaim,
    age_notice,
    colliding_claims,
    describe_days,
    is_source,
    linked_sources,
    page_path,
    url_claims,
)
from newssite.search_parts import SEARCH_BUNDLE_URL
from newssite.urls import (
    absolute,
    feed_url,
    href,
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
    updates: Sequence[LiveUpdate] = (),
) -> None:
    """The checks that need every source: authors known and unique, each URL claimed once,
    aliases that point nowhere else, live stories with their updates. All problems are
    raised at once."""
    problems: list[NewssiteError] = []
    known = _index_authors(authors, problems)
    included = [a for a in articles if a.source in plan.included]
    _check_authors([a for a in included if a.removed is None], known, problems)
    _check_links([a for a in included if a.removed is None], authors, standalone, plan, problems)
    _check_live(articles, updates, known, plan, problems)
    _check_series([a for a in included if a.removed is None], plan, problems)
    problems += plan.problems
    raise_all(problems)
    claims = url_claims(
        plan,
        [*((a.url, a.source) for a in included), *((p.url, p.source) for p in standalone)],
    )
    _check_collisions(claims, problems)
    _check_aliases(included, standalone, claims, problems)
    raise_all(problems)


def make_site(
    plan: Plan,
    articles: Iterable[Article],
    authors: Iterable[Author],
    standalone: Iterable[StandalonePage],
    config: SiteConfig,
    publication: Publication,
    updates: Iterable[LiveUpdate] = (),
) -> Site:
    """The Story, Author and page objects of the sources given (a whole build gives every
    source, an update those its changed files show, with the updates of the live stories
    among them); link problems are raised at once."""
    problems: list[NewssiteError] = []
    targets = plan.targets
    resolved = {a.slug: _resolve_author(a, targets, config, problems) for a in authors}
    editions = {("" if e.default else e.code): e for e in config.editions}
    sections_of = {code: edition_sections(config, e) for code, e in editions.items()}
    authors_of = {code: edition_authors(resolved, e) for code, e in editions.items()}
    tags_of = plan.edition_tags or {"": plan.tags}
    stories: dict[str, Story] = {}
    jsonld: dict[str, Mapping[str, object]] = {}
    withdrawn: dict[str, Article] = {}
    updates_of: dict[str, list[LiveUpdate]] = defaultdict(list)
    for update in updates:
        updates_of[update.story].append(update)
    shown_updates: dict[str, ShownUpdate] = {}
    for article in articles:
        if article.source not in plan.included:
            continue
        if article.removed is not None:
            withdrawn[article.source] = article
            continue
        code = article.edition
        story = _made_story(
            article,
            sections_of[code],
            authors_of[code],
            tags_of[code],
            targets,
            config,
            publication.now,
            problems,
        )
        if article.source in plan.live:
            made = {
                u.source: _shown_update(u, story.url, resolved, targets, config, problems)
                for u in updates_of.get(article.source, ())
            }
            shown_updates.update(made)
            coverage = live_coverage(story, article.live_end, plan.live[article.source], 0, made)
            story = replace(story, live=coverage)
        stories[article.source] = story
        seen = edition_config(config, editions[code])
        versions = plan.alternates.get(page_path(story.url), ())
        series = plan.series.get(article.series)
        jsonld[article.source] = news_article_jsonld(
            story, seen, translations=versions, series=series
        )
    pages = {p.source: _resolve_page(p, targets, config, problems) for p in standalone}
    raise_all(problems)
    default = Site(
        info=site_info(
            config,
            tuple(sections_of[""].values()),
            plan.standalone,
            searching=bool(plan.shards),
        ),
        now=publication.now,
        sections=FrozenDict(sections_of[""]),
        stories=FrozenDict(stories),
        jsonld=FrozenDict(jsonld),
        authors=FrozenDict(authors_of[""]),
        tags=FrozenDict({tag.slug: tag for tag in tags_of[""].values()}),
        standalone=FrozenDict(pages),
        withdrawn=FrozenDict(withdrawn),
        updates=FrozenDict(shown_updates),
        assets=plan.assets,
        redirects=plan.redirects,
        search=plan.shards,
        next_publish=plan.next_publish,
        drafts_included=publication.drafts,
        alternates=FrozenDict(plan.alternates),
    )
    if not config.languages:
        return default
    bundles = {shard.url for shard in plan.shards}
    switch = tuple((e.code, language_name(e.code), e.prefix + "/") for e in config.editions)
    others = {}
    for code, edition in editions.items():
        info = site_info(
            edition_config(config, edition),
            tuple(sections_of[code].values()),
            plan.edition_pages.get(code, ()),
            searching=edition.prefix + SEARCH_BUNDLE_URL in bundles,
            prefix=edition.prefix,
        )
        info = replace(info, editions=switch)
        others[code] = replace(
            default,
            info=info,
            sections=FrozenDict(sections_of[code]),
            authors=FrozenDict(authors_of[code]),
            tags=FrozenDict({tag.slug: tag for tag in tags_of.get(code, {}).values()}),
        )
    return replace(others[""], editions=FrozenDict(others))


def edition_sections(config: SiteConfig, edition: Edition) -> dict[str, Section]:
    """The sections as an edition shows them: its titles, under its prefix."""
    code = edition.code
    return {
        s.slug: Section(
            s.slug,
            s.title_in(code) if not edition.default else s.title,
            edition.prefix + section_url(s.slug),
        )
        for s in config.sections
    }


def edition_authors(authors: Mapping[str, Author], edition: Edition) -> dict[str, Author]:
    """The authors as an edition shows them: their pages under its prefix, and their name,
    role and bio in its language where the author file gives them."""
    if edition.default:
        return dict(authors)
    found = {}
    for slug, author in authors.items():
        own = author.editions.get(edition.code) or {}
        assert isinstance(own, Mapping)
        found[slug] = replace(
            author,
            url=edition.prefix + author.url,
            name=str(own.get("name", author.name)),
            role=str(own.get("role", author.role)),
            bio_html=str(own.get("bio_html", author.bio_html)),
            bio_text=str(own.get("bio_text", author.bio_text)),
        )
    return found


def language_name(code: str) -> str:
    """A language's name in itself, from CLDR: "uk" -> "Українська"."""
    try:
        locale = Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def text_direction(code: str) -> str:
    """ "rtl" for a right-to-left language (CLDR's character order), else "ltr"."""
    try:
        return Locale.parse(code, sep="-").text_direction
    except (UnknownLocaleError, ValueError):
        return "ltr"


def site_info(
    config: SiteConfig,
    sections: tuple[Section, ...],
    standalone: Iterable[tuple[str, str]],
    *,
    searching: bool,
    prefix: str = "",
) -> SiteInfo:
    """What every page shows of the site; `standalone` holds (slug, title) of its pages."""
    return SiteInfo(
        title=config.title,
        description=config.description,
        language=config.language,
        base_url=config.base_url,
        sections=sections,
        pages=tuple((title, prefix + page_url(slug)) for slug, title in sorted(standalone)),
        feed_url=prefix + "/feed.xml",
        latest_url=prefix + LATEST_URL,
        search_url=prefix + SEARCH_URL if searching else None,
        home_url=prefix + "/",
        direction=text_direction(config.language),
        opinion_disclaimer=config.opinion_disclaimer,
        support=config.support,
        corrections_url=CORRECTIONS_URL,
        alert_url=ALERT_URL,
    )


def _check_live(
    articles: Sequence[Article],
    updates: Sequence[LiveUpdate],
    authors: Mapping[str, Author],
    plan: Plan,
    problems: list[NewssiteError],
) -> None:
    """Every update belongs to a live story, every live story has updates, and an update's
    author and links are known."""
    live = {a.source for a in articles if a.live}
    stories = {a.source for a in articles}
    with_updates = {u.story for u in updates}
    for update in updates:
        if update.story not in live:
            found = "is not a live story" if update.story in stories else "does not exist"
            problems.append(
                NewssiteError(
                    f"an update of a live story, but {update.story} {found}"
                    " (a live story is <slug>/index.md with live: true)",
                    path=update.source,
                    line=1,
                    field="updates",
                )
            )
            continue
        if update.author and update.author not in authors:
            hint = did_you_mean(update.author, sorted(authors))
            problems.append(
                NewssiteError(
                    f"unknown author '{update.author}'{hint}",
                    path=update.source,
                    line=update.lines.get("author"),
                    field="author",
                )
            )
        if update.story in plan.included:
            for target in update.links:
                if target not in plan.targets:
                    problems.append(
                        NewssiteError(
                            f"links to {target}, which is not a published story, author or page",
                            path=update.source,
                            field="body",
                        )
                    )
    for article in articles:
        if article.live and article.source not in with_updates:
            folder = posixpath.dirname(article.source)
            problems.append(
                NewssiteError(
                    f"a live story needs its updates in {folder}/updates/ (none found)",
                    path=article.source,
                    line=article.lines.get("live"),
                    field="live",
                )
            )


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
    url = article.url
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
        story_type=article.story_type,
        sponsor=article.sponsor,
        dateline=article.dateline,
        byline=article.byline,
        language=config.edition(article.edition).code,
    )
    return story


def live_coverage(
    story: Story,
    end: datetime | None,
    plan: LivePlan,
    page: int,
    updates: Mapping[str, ShownUpdate],
) -> LiveCoverage:
    """The coverage a live story's page shows: page 0 is the story's page (pinned updates,
    then the newest), page n the n-th numbered page of older updates. Updates not given
    (an update build needs only those of the pages it makes) are left out."""
    _, pagination, sources = plan.pages[page]
    shown = [*plan.pinned, *sources] if page == 0 else list(sources)
    return LiveCoverage(
        start=story.date,
        end=end,
        is_live=plan.is_live,
        updates=tuple(updates[source] for source in shown if source in updates),
        count=plan.count,
        newest=plan.newest,
        updates_url=story.url + "updates.json",
        pagination=pagination if len(plan.pages) > 1 else None,
    )


def _shown_update(
    update: LiveUpdate,
    owner_url: str,
    authors: Mapping[str, Author],
    targets: Mapping[str, str],
    config: SiteConfig,
    problems: list[NewssiteError],
) -> ShownUpdate:
    """An update as its live story's page shows it: author and links resolved."""
    return ShownUpdate(
        source=update.source,
        anchor=update.anchor,
        date=update.date,
        title=update.title,
        author=authors.get(update.author),
        pinned=update.pinned,
        photo=_resolve_photo(update.photo, owner_url),
        body_html=_resolve_html(
            update.body_html, update.source, owner_url, targets, config, problems
        ),
        text=update.text,
    )


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
    url = page.url
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


def _same(text: str) -> str:
    return text


def removed_page(
    article: Article, sections: Mapping[str, Section], _: Callable[[str], str] = _same
) -> Page:
    """The short notice that replaces a story taken down: no body, no photo, not indexed.
    `_`: the gettext of the page's language."""
    removal = article.removed
    assert isinstance(removal, Removal)
    return Page(
        "removed",
        article.url,
        "removed.html",
        _(REMOVED_TITLE),
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
        page.url,
        "page.html",
        page.title,
        page.summary,
        FrozenDict({"standalone": page}),
    )


def not_found_page(prefix: str = "", _: Callable[[str], str] = _same) -> Page:
    title = _("Page not found")
    return Page("notfound", prefix + NOT_FOUND_URL, "404.html", title, noindex=True)


def search_page(
    bundle_url: str, config: SiteConfig, prefix: str = "", _: Callable[[str], str] = _same
) -> Page:
    description = _("Search the stories of %(site)s.") % {"site": config.title}
    context = FrozenDict({"bundle_url": bundle_url})
    return Page("search", prefix + SEARCH_URL, "search.html", _("Search"), description, context)


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
    _: Callable[[str], str] = _same,
) -> Page:
    """One page of a list (paginate() decides which stories are on it); `_`: the gettext
    of its language."""
    page_title = title
    if pagination.number:
        page_title = _("%(title)s – page %(number)s") % {
            "title": title,
            "number": pagination.number,
        }
    if kind == "home" and pagination.number == 0:
        page_title = config.title
    context = {**subject, "stories": items, "pagination": pagination}
    description = _list_description(kind, title, subject, config, _)
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
    kind: str,
    title: str,
    subject: Mapping[str, object],
    config: SiteConfig,
    _: Callable[[str], str] = _same,
) -> str:
    if kind == "home":
        return config.description or _("The latest news from %(site)s.") % {"site": config.title}
    if kind == "author":
        author = subject["author"]
        assert isinstance(author, Author)
        return author.bio_text or _("Stories by %(name)s.") % {"name": author.name}
    return _("%(title)s: the latest stories from %(site)s.") % {
        "title": title,
        "site": config.title,
    }


def _check_collisions(
    claims: Mapping[str, Sequence[UrlClaim]], problems: list[NewssiteError]
) -> None:
    """Two sources that map to one URL (also by case or Unicode form) is an error naming all."""
    for entries in colliding_claims(claims):
        files = sorted({claim.owner for claim in entries if is_source(claim.owner)})
        others = sorted({claim.owner for claim in entries if not is_source(claim.owner)})
        urls = " and ".join(sorted({claim.url for claim in entries}))
        problems.append(
            NewssiteError(
                f"{', '.join([*files, *others])}: all map to the URL {urls}",
                path=files[0],
                field="slug",
            )
        )


def _check_aliases(
    articles: Sequence[Article],
    standalone: Sequence[StandalonePage],
    claims: Mapping[str, Sequence[UrlClaim]],
    problems: list[NewssiteError],
) -> None:
    """An alias may not be the URL of anything else; the error names both files."""
    owners: dict[str, str] = {}
    reserved = [url for url in GENERATED_URLS if url.endswith("/")]
    for entries in claims.values():
        for claim in entries:
            if claim.feed is not None:
                owners.setdefault(url_key(claim.feed), "a feed newssite generates")
            if claim.numbered is not None:
                reserved.append(claim.numbered)
    for key, entries in claims.items():
        sources = [claim.owner for claim in entries if is_source(claim.owner)]
        owners[key] = sources[0] if sources else owners.get(key, entries[0].owner)
    owners.setdefault(url_key("/_redirects"), "a file newssite generates")
    first_claim: dict[str, str] = {}
    claimants: list[tuple[Article | StandalonePage, str, str]] = [
        (a, a.url, "story") for a in articles if a.aliases
    ]
    claimants += [(p, p.url, "page") for p in standalone if p.aliases]
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
