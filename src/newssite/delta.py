"""An update of the last build for a few changed stories (a publish, an edit), made without
reading the archive.

Every build leaves an index of the stories in the cache folder: what lists, feeds, sitemaps
and the search index need of each (its URL, date, section, authors, tags, flags) and which
stories its page shows as related. From two such indexes, before and after an edit, a plan
says what every generated file is made of (`Plan.jobs`, by story source); the files whose
plan changed, or that show a changed story, are made again, and nothing else is read.

The update is tried only when nothing but stories changed and the change stays simple: a
story added or edited keeps its URL, has no aliases, files of its own or takedown, does
not leave the published site, and uses photos already published. Anything else (a deletion,
a template, the config, an author, an error) is a whole build (build.py), which reports
problems as it always does. tests/test_incremental.py holds both ways to the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import jinja2

from newssite.cache import BuildCache
from newssite.config import SiteConfig
from newssite.errors import NewssiteError
from newssite.freshness import LastBuild
from newssite.graph import (
    _GENERATED_URLS,
    NEWS_SITEMAP_LIMIT,
    NEWS_SITEMAP_WINDOW,
    SEARCH_URL,
    Publication,
    _article_page,
    _chronological,
    _made_story,
    _removed_page,
    _resolve_author,
    canonical_tags,
    clock_moments,
    list_page,
    make_feed,
    paginate,
    search_page,
    search_shards,
    site_info,
)
from newssite.images import IMG_URL, made_file_names, made_files_in, process_photos
from newssite.model import (
    Article,
    Author,
    Output,
    Page,
    Pagination,
    SearchShard,
    Section,
    Site,
    Story,
    Tag,
)
from newssite.parse import Documents, parse_all
from newssite.related import RELATED_COUNT, WINDOW, RelatedKey, choose_related, teaser
from newssite.render import (
    LATEST_COUNT,
    _urlset_output,
    render_feed,
    render_json_feed,
    render_latest,
    render_news_sitemap,
    render_page,
    render_sitemap_index,
    sitemap_index_of,
    sitemap_parts,
)
from newssite.search import index_levels
from newssite.sources import MAX_FILE_BYTES, SourceFile, is_ignored_name
from newssite.templates import make_environment
from newssite.urls import (
    article_url,
    author_url,
    feed_url,
    json_feed_url,
    list_page_url,
    output_path,
    page_url,
    section_url,
    slugify,
    url_key,
)
from newssite.write import (
    OutputListing,
    spool,
    spool_folder,
    update_interrupted,
    write_outputs,
)

INDEX_NAME = "story-index.json"
INDEX_VERSION = 3


class StoryRecord(NamedTuple):
    """What the plan needs of one story (parse.py's Article, without its text)."""

    source: str
    key: str  # its parsed document in the build cache
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


def record_of(article: Article, key: str) -> StoryRecord:
    return StoryRecord(
        article.source,
        key,
        article_url(article.section, article.slug),
        article.date,
        article.section,
        article.authors,
        article.tags,
        article.draft,
        article.removed is not None,
        article.aliases,
        article.assets,
        article.modified,
    )


@dataclass(frozen=True, slots=True)
class StoryIndex:
    """The last build as an update needs it; saved by every successful build."""

    basis: str  # newssite, libraries, templates, config and options: all must be the same
    inputs: Mapping[str, str]  # freshness.input_lines of the last build
    stories: Mapping[str, StoryRecord]
    related: Mapping[str, tuple[str, ...]]  # story source -> related story sources
    authors: tuple[tuple[str, str], ...]  # (slug, cache key) of each author document
    pages: tuple[tuple[str, str, str], ...]  # standalone pages: (source, slug, title)
    plan: PlanSummary


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """What an update compares its plan with, of the last build's plan."""

    digests: Mapping[str, str]  # output path -> digest of its job, for all but article pages
    shards: Mapping[str, str]  # search part URL -> digest of its pages
    tags: Mapping[str, tuple[str, str]]  # each spelling -> the slug and name of its tag
    pages: int


def save_index(cache_dir: Path, index: StoryIndex) -> None:
    """Write the index atomically; a build that cannot is only slower next time.

    The stories are stored as columns, their related stories by position, their cache
    keys by digest: it is read by every update, and this is what it costs least to read."""
    stories = list(index.stories.values())
    position = {story.source: number for number, story in enumerate(stories)}
    salt = stories[0].key.rsplit(":", 1)[1] if stories else ""
    data = {
        "version": INDEX_VERSION,
        "basis": index.basis,
        "inputs": index.inputs,
        "salt": salt,
        "source": [s.source for s in stories],
        "digest": [s.key.rsplit(":", 2)[1] for s in stories],
        "url": [s.url for s in stories],
        "date": [s.date.isoformat() for s in stories],
        "section": [s.section for s in stories],
        "authors": [s.authors for s in stories],
        "tags": [s.tags for s in stories],
        "flags": [s.draft | s.removed << 1 for s in stories],
        "aliases": [s.aliases for s in stories],
        "assets": [s.assets for s in stories],
        "modified": [None if s.modified == s.date else s.modified.isoformat() for s in stories],
        "related": [[position[r] for r in index.related.get(s.source, ())] for s in stories],
        "authors_of_site": index.authors,
        "pages": index.pages,
        "plan": {
            "digests": index.plan.digests,
            "shards": index.plan.shards,
            "tags": index.plan.tags,
            "pages": index.plan.pages,
        },
    }
    temporary = cache_dir / f"{INDEX_NAME}.{os.getpid()}"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(data, check_circular=False), encoding="utf-8")
        os.replace(temporary, cache_dir / INDEX_NAME)
    except OSError:
        temporary.unlink(missing_ok=True)


def load_index(cache_dir: Path) -> StoryIndex | None:
    """The index the last build left; None when it is missing, foreign or damaged."""
    try:
        data = json.loads((cache_dir / INDEX_NAME).read_text(encoding="utf-8"))
        if data["version"] != INDEX_VERSION:
            return None
        sources, salt, plan = data["source"], str(data["salt"]), data["plan"]
        if not all(type(source) is str for source in sources):
            return None
        records = []
        columns = zip(
            sources,
            data["digest"],
            data["url"],
            data["date"],
            data["section"],
            data["authors"],
            data["tags"],
            data["flags"],
            data["aliases"],
            data["assets"],
            data["modified"],
            strict=True,
        )
        moment = datetime.fromisoformat
        for (
            source,
            digest,
            url,
            date,
            section,
            authors,
            tags,
            flags,
            aliases,
            assets,
            changed,
        ) in columns:
            published = moment(date)
            records.append(
                StoryRecord(
                    source,
                    f"articles:{source}:{digest}:{salt}",
                    str(url),
                    published,
                    str(section),
                    tuple(map(str, authors)),
                    tuple(map(str, tags)),
                    bool(flags & 1),
                    bool(flags & 2),
                    tuple(map(str, aliases)),
                    tuple(map(str, assets)),
                    published if changed is None else moment(changed),
                )
            )
        related = {
            source: tuple([sources[number] for number in numbers])
            for source, numbers in zip(sources, data["related"], strict=True)
            if numbers
        }
        return StoryIndex(
            basis=str(data["basis"]),
            inputs=_strings(data["inputs"]),
            stories={record.source: record for record in records},
            related=related,
            authors=tuple((str(a), str(b)) for a, b in data["authors_of_site"]),
            pages=tuple((str(a), str(b), str(c)) for a, b, c in data["pages"]),
            plan=PlanSummary(
                digests={str(k): str(v) for k, v in plan["digests"].items()},
                shards={str(k): str(v) for k, v in plan["shards"].items()},
                tags={str(k): (str(v[0]), str(v[1])) for k, v in plan["tags"].items()},
                pages=int(plan["pages"]),
            ),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def index_of(
    basis: str,
    lines: Mapping[str, str],
    stories: Mapping[str, StoryRecord],
    related: Mapping[str, tuple[str, ...]],
    authors: tuple[tuple[str, str], ...],
    pages: tuple[tuple[str, str, str], ...],
    config: SiteConfig,
    publication: Publication,
) -> StoryIndex:
    """The index of a whole build, with the summary of its plan."""
    slugs = sorted(slug for slug, _ in authors)
    plan = make_plan(stories.values(), config, publication, slugs, pages, related=related)
    return StoryIndex(basis, lines, stories, related, authors, pages, plan.summary())


def _strings(found: object) -> dict[str, str]:
    """A JSON object of strings, as it is (a value of another type only compares unequal)."""
    if not isinstance(found, dict):
        raise TypeError("not an object")
    return found


# --- The plan ------------------------------------------------------------------------------

Job = tuple[object, ...]  # (kind, ...): what one generated file is made of, by story source


@dataclass(frozen=True, slots=True)
class Plan:
    """Every generated file that depends on the stories, decided from their records only
    (the same decisions as graph.build_site, which the differential test holds it to)."""

    published: tuple[StoryRecord, ...]  # newest first
    included: frozenset[str]  # sources of the stories the site shows (withdrawn too)
    jobs: Mapping[str, Job]  # output path -> what it is made of
    related: Mapping[str, tuple[str, ...]]
    tags: Mapping[str, Tag]  # each spelling -> its tag
    shards: tuple[SearchShard, ...]
    pages: int  # article, removed, list and search pages
    digests: Mapping[str, str]  # output path -> digest of its job, for all but article pages

    def summary(self) -> PlanSummary:
        return PlanSummary(
            digests=self.digests,
            shards={shard.url: _digest(shard.pages) for shard in self.shards},
            tags={name: (tag.slug, tag.name) for name, tag in self.tags.items()},
            pages=self.pages,
        )


def _digest(value: object) -> str:
    """A digest of a job: its repr holds only strings, numbers, moments and model records."""
    return hashlib.sha1(repr(value).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _job_digest(job: Job) -> str:
    if job[0] == "urlset":
        return _entries_digest(job[1])  # type: ignore[arg-type]
    if job[0] == "list":  # the most numerous: written out by hand, as repr is slow
        _, kind, list_url, subject, url, pagination, items = job
        assert isinstance(pagination, Pagination)
        links = f"{pagination.newer_url}\1{pagination.older_url}\1{pagination.first_url}"
        text = f"{kind}\1{list_url}\1{subject}\1{url}\1{pagination.number}\1{links}\1" + "\1".join(
            items  # type: ignore[arg-type]
        )
        return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return _digest(job)


class _Entry(NamedTuple):
    """A sitemap entry as render.py reads it (model.SitemapEntry), cheaper to make and hash."""

    url: str
    lastmod: datetime | None
    story: bool


def _entries_digest(entries: Sequence[_Entry]) -> str:
    digest = hashlib.sha1()
    for url, lastmod, story in entries:
        moment = "" if lastmod is None else repr(lastmod.timestamp())
        digest.update(f"{url}\1{moment}\1{story:d}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:20]


def published_sources(stories: Iterable[StoryRecord], publication: Publication) -> set[str]:
    """The stories a plan lists, withdrawn ones left out (make_plan's choice, unsorted)."""
    return {s.source for s in _included(stories, publication) if not s.removed}


def _included(stories: Iterable[StoryRecord], publication: Publication) -> list[StoryRecord]:
    now = publication.now
    return [
        s
        for s in stories
        if (publication.drafts or not s.draft) and (publication.future or s.date <= now)
    ]


def make_plan(
    stories: Iterable[StoryRecord],
    config: SiteConfig,
    publication: Publication,
    authors: Sequence[str],
    standalone: Sequence[tuple[str, str, str]],
    related: Mapping[str, tuple[str, ...]] | None = None,
    chosen_from: tuple[float, datetime, str] | None = None,
) -> Plan:
    """The plan of a site with these stories and author slugs. `related` gives the stories'
    related stories; with `chosen_from` (a story's graph._chronological key), only those
    of the stories before it are taken from it, and the others' chosen (a story's related
    stories are chosen among the stories before it); without `related`, all are chosen."""
    now = publication.now
    included = sorted(_included(stories, publication), key=_chronological, reverse=True)
    published = [s for s in included if not s.removed]
    oldest_first = published[::-1]  # _chronological orders as related.py does: by date, source
    tags = canonical_tags(oldest_first)  # type: ignore[arg-type]
    slug_of = {name: tag.slug for name, tag in tags.items()}.__getitem__
    slugs_of = {s.source: tuple(dict.fromkeys(map(slug_of, s.tags))) for s in published}
    keys = [(s.url, s.section, slugs_of[s.source], s.draft) for s in oldest_first]
    if related is None or chosen_from is not None:
        start = 0 if related is None else bisect_left(oldest_first, chosen_from, key=_chronological)
        related = _related(oldest_first, keys, related or {}, start)
    jobs: dict[str, Job] = {}
    entries: list[_Entry] = []
    for story in published:
        jobs[_page_path(story.url)] = ("article", story.source, related.get(story.source, ()))
        entries.append(_Entry(story.url, story.modified, True))
    for story in included:
        if story.removed:
            jobs[output_path(story.url)] = ("removed", story.source)
    # The newest change on each list page: compared as timestamps, which is far cheaper
    # than comparing aware datetimes (equal timestamps are one moment, written alike).
    stamps = {s.source: s.modified.timestamp() for s in published}
    stamp_of = stamps.__getitem__
    moment_of = {stamps[s.source]: s.modified for s in published}

    def add_list(kind: str, list_url: str, subject: str, members: Sequence[str]) -> None:
        for url, pagination, items in paginate(members, list_url, config.per_page):
            jobs[_page_path(url)] = ("list", kind, list_url, subject, url, pagination, items)
            lastmod = moment_of[max(map(stamp_of, items))] if items else None
            entries.append(_Entry(url, lastmod, False))

    def add_feed(kind: str, list_url: str, subject: str, members: Sequence[str]) -> None:
        items = tuple(members[: config.feed_size])
        atom = feed_url(list_url)
        jobs[output_path(atom)] = ("atom", kind, list_url, subject, items)
        jobs[output_path(json_feed_url(atom))] = ("json", kind, list_url, subject, items)

    newest_first = [s.source for s in published]
    by_section: dict[str, list[str]] = defaultdict(list)
    by_author: dict[str, list[str]] = defaultdict(list)
    by_tag: dict[str, list[str]] = defaultdict(list)
    for story in published:
        by_section[story.section].append(story.source)
        for slug in story.authors:
            by_author[slug].append(story.source)
        for slug in slugs_of[story.source]:
            by_tag[slug].append(story.source)
    add_list("home", "/", "", newest_first)
    for section in config.sections:
        add_list("section", section_url(section.slug), section.slug, by_section[section.slug])
    for slug in authors:
        add_list("author", author_url(slug), slug, by_author[slug])
    tag_of_slug = tags_by_slug(tags)
    for slug in sorted(by_tag):
        add_list("tag", tag_of_slug[slug].url, slug, by_tag[slug])
    entries += [
        _Entry(page_url(slug), None, False) for _, slug, _ in sorted(standalone, key=lambda p: p[1])
    ]
    found = [s.url for s in reversed(published) if not s.draft and s.date <= now]
    shards = search_shards(found) if config.search else ()
    if shards:
        jobs[output_path(SEARCH_URL)] = ("search", shards[0].url, tuple(s.url for s in shards[1:]))
        entries.append(_Entry(SEARCH_URL, None, False))
    parts = sitemap_parts(entries)
    for name, part in parts:
        jobs[name] = ("urlset", tuple(part))
    if len(parts) > 1:
        jobs["sitemap.xml"] = ("index", sitemap_index_of(parts))

    add_feed("home", "/", "", newest_first)
    for section in config.sections:
        add_feed("section", section_url(section.slug), section.slug, by_section[section.slug])
    for slug in authors:
        add_feed("author", author_url(slug), slug, by_author[slug])
    news = [s.source for s in published if now - s.date <= NEWS_SITEMAP_WINDOW]
    jobs["news-sitemap.xml"] = ("news", tuple(news[:NEWS_SITEMAP_LIMIT]))
    jobs["latest.json"] = ("latest", tuple(newest_first[:LATEST_COUNT]))
    pages = sum(1 for job in jobs.values() if job[0] in ("article", "removed", "list", "search"))
    digests = {path: _job_digest(job) for path, job in jobs.items() if job[0] != "article"}
    return Plan(
        published=tuple(published),
        included=frozenset(s.source for s in included),
        jobs=jobs,
        related=related,
        tags=tags,
        shards=shards,
        pages=pages,
        digests=digests,
    )


def _page_path(url: str) -> str:
    """urls.output_path, without its checks for the URLs the plan makes (all end in "/")."""
    return url[1:] + "index.html" if url.endswith("/") else output_path(url)


def tags_by_slug(tags: Mapping[str, Tag]) -> dict[str, Tag]:
    return {tag.slug: tag for tag in tags.values()}


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
    """The stories whose content a file shows (the plan holds the rest of what it shows)."""
    kind = job[0]
    if kind == "article":
        return (str(job[1]), *job[2])  # type: ignore[misc]
    if kind == "removed":
        return (str(job[1]),)
    if kind == "list":
        return job[6]  # type: ignore[return-value]
    if kind in ("atom", "json"):
        return job[4]  # type: ignore[return-value]
    if kind in ("news", "latest"):
        return job[1]  # type: ignore[return-value]
    return ()


def changed_jobs(
    before: PlanSummary,
    published_before: set[str],
    related_before: Mapping[str, tuple[str, ...]],
    after: Plan,
    changed: Iterable[str],
) -> list[str]:
    """The output paths to make again: new, made of something else, or showing a changed story."""
    edited = set(changed)
    paths = []
    for path, job in after.jobs.items():
        if job[0] == "article":
            source, related = job[1], job[2]
            again = (
                source in edited
                or source not in published_before
                or related_before.get(source, ()) != related  # type: ignore[call-overload]
                or not edited.isdisjoint(related)  # type: ignore[arg-type]
            )
        else:
            again = before.digests.get(path) != after.digests[path] or not edited.isdisjoint(
                depends_on(job)
            )
        if again:
            paths.append(path)
    return paths


def gone_jobs(
    before: PlanSummary, published_before: Iterable[StoryRecord], after: Plan
) -> list[str]:
    """The output paths of the last plan that this one does not have."""
    paths = [_page_path(story.url) for story in published_before]
    paths += list(before.digests)
    return [path for path in paths if path not in after.jobs]


# --- Making the changed files --------------------------------------------------------------


class NotSimple(Exception):
    """The change is not one an update makes: the whole site is built instead."""


@dataclass
class Materials:
    """The stories, authors and site the changed files are made from."""

    config: SiteConfig
    publication: Publication
    plan: Plan
    records: Mapping[str, StoryRecord]
    sections: dict[str, Section]
    authors: dict[str, Author]
    made: dict[str, tuple[Story, Mapping[str, object]]]  # source -> story and its JSON-LD
    articles: dict[str, Article]
    info: object
    env: jinja2.Environment

    def story(self, source: str) -> Story:
        return self.made[source][0]

    def stories(self, sources: Iterable[str]) -> tuple[Story, ...]:
        return tuple(self.made[source][0] for source in sources)


def materials(
    needed: set[str],
    changed: Mapping[str, Article],
    plan: Plan,
    records: Mapping[str, StoryRecord],
    index: StoryIndex,
    cache: BuildCache,
    config: SiteConfig,
    publication: Publication,
    env: jinja2.Environment,
) -> tuple[Materials, tuple[NewssiteError, ...]]:
    """Stories for the sources needed, from the cache and the changed documents, with their
    photos; and the photo warnings of the changed stories."""
    keys = [records[source].key for source in sorted(needed) if source not in changed]
    keys += [key for _, key in index.authors]
    found = cache.get_parsed_some(keys)
    if len(found) != len(keys):
        raise NotSimple("a document is missing from the cache")
    articles = [doc for key, (doc, _) in found.items() if isinstance(doc, Article)]
    articles += [changed[source] for source in sorted(needed) if source in changed]
    author_docs = [doc for key, (doc, _) in found.items() if isinstance(doc, Author)]
    docs, _store = process_photos(Documents(tuple(articles), tuple(author_docs), ()), config)
    warnings = tuple(w for w in docs.warnings if w.path in changed)
    sections = {s.slug: Section(s.slug, s.title, section_url(s.slug)) for s in config.sections}
    targets = {r.source: r.url for r in records.values() if r.source in plan.included}
    targets.update({a.source: a.url for a in docs.authors})
    targets.update({source: page_url(slug) for source, slug, _ in index.pages})
    problems: list[NewssiteError] = []
    authors = {a.slug: _resolve_author(a, targets, config, problems) for a in docs.authors}
    made = {}
    for article in docs.articles:
        if article.removed is not None:
            continue
        if any(slug not in authors for slug in article.authors):
            raise NotSimple("an unknown author")
        result = _made_story(
            article, sections, authors, plan.tags, targets, config, publication.now, problems, {}
        )
        made[article.source] = (result.story, result.jsonld)
    if problems:
        raise NotSimple("a link to check")
    info = site_info(
        config,
        tuple(sections.values()),
        [(slug, title) for _, slug, title in index.pages],
        searching=bool(plan.shards),
    )
    by_source = {article.source: article for article in docs.articles}
    return (
        Materials(
            config, publication, plan, records, sections, authors, made, by_source, info, env
        ),
        warnings,
    )


def make_file(path: str, job: Job, m: Materials, site: Site) -> Output:
    """One generated file, as the whole build makes it (graph.py, render.py)."""
    config, kind = m.config, job[0]
    if kind == "article":
        story, jsonld = m.made[str(job[1])]
        related = tuple(teaser(m.story(source)) for source in job[2])  # type: ignore[attr-defined]
        return render_page(_article_page(story, jsonld, related), site, m.env, config)
    if kind == "removed":
        return render_page(_removed_page(m.articles[str(job[1])], m.sections), site, m.env, config)
    if kind == "list":
        _, list_kind, list_url, subject, url, pagination, items = job
        title, template, context = _list_subject(str(list_kind), str(subject), m)
        page = list_page(
            str(list_kind),
            str(list_url),
            title,
            template,
            str(url),
            pagination,  # type: ignore[arg-type]
            m.stories(items),  # type: ignore[arg-type]
            config,
            context,
        )
        return render_page(page, site, m.env, config)
    if kind in ("atom", "json"):
        _, list_kind, list_url, subject, items = job
        title, subtitle = _feed_titles(str(list_kind), str(subject), m)
        feed = make_feed(str(list_url), title, m.stories(items), subtitle, config)  # type: ignore[arg-type]
        return render_feed(feed, site, config) if kind == "atom" else render_json_feed(feed, config)
    if kind == "urlset":
        return _urlset_output(path, job[1], config)  # type: ignore[arg-type]
    if kind == "index":
        return render_sitemap_index(job[1], config)  # type: ignore[arg-type]
    if kind == "news":
        return render_news_sitemap(site, config)
    if kind == "latest":
        return render_latest(site, config)
    if kind == "search":
        page: Page = search_page(m.plan.shards, config)
        return render_page(page, site, m.env, config)
    raise AssertionError(kind)


def _list_subject(kind: str, subject: str, m: Materials) -> tuple[str, str, dict[str, object]]:
    if kind == "home":
        return m.config.title, "home.html", {}
    if kind == "section":
        section = m.sections[subject]
        return section.title, "section.html", {"section": section}
    if kind == "author":
        author = m.authors[subject]
        return author.name, "author.html", {"author": author}
    tag = tags_by_slug(m.plan.tags)[subject]
    return tag.name, "tag.html", {"tag": tag}


def _feed_titles(kind: str, subject: str, m: Materials) -> tuple[str, str]:
    config = m.config
    if kind == "home":
        return config.title, config.description
    if kind == "section":
        return f"{m.sections[subject].title} – {config.title}", ""
    author = m.authors[subject]
    return f"{author.name} – {config.title}", author.role


def site_for(m: Materials, paths: Sequence[str]) -> Site:
    """The Site that render.py's functions are given: what they read of it, no more."""
    jobs = m.plan.jobs
    latest = m.stories(jobs["latest.json"][1]) if "latest.json" in paths else ()  # type: ignore[arg-type]
    news = m.stories(jobs["news-sitemap.xml"][1]) if "news-sitemap.xml" in paths else ()  # type: ignore[arg-type]
    return Site(
        info=m.info,  # type: ignore[arg-type]
        now=m.publication.now,
        stories=latest,
        authors=(),
        tags=(),
        pages=(),
        feeds=(),
        sitemap=(),
        news_sitemap=news,
    )


def needed_sources(plan: Plan, paths: Iterable[str]) -> set[str]:
    needed: set[str] = set()
    for path in paths:
        needed.update(depends_on(plan.jobs[path]))
    return needed


def photo_files(article: Article) -> set[str]:
    """The made photo files (paths inside output/) a story shows."""
    names = made_files_in(article.body_html)
    if article.photo is not None:
        names += made_file_names(article.photo)
    return {f"{IMG_URL.strip('/')}/{name}" for name in names}


# --- The update ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Update:
    """What an update did, for build.py's report and freshness record."""

    pages_added: int  # pages and files of the site, less those it had
    files_added: int
    written: int
    unchanged: int
    removed: int
    warnings: tuple[NewssiteError, ...]
    next_publish: datetime | None
    drafts: int
    output_files: Mapping[str, os.stat_result] | None
    moments: list[datetime]


def update(
    config: SiteConfig,
    publication: Publication,
    basis: str,
    lines: Mapping[str, str],
    last: LastBuild,
    cache: BuildCache,
    stage: Callable[[str], AbstractContextManager[None]],
    listing_of: Callable[[], OutputListing],
) -> Update | None:
    """Update output/ for the stories changed since the last build; None (having written
    nothing) when the change is not a simple one, or the last build left no index."""
    index = load_index(config.cache_dir)
    if index is None or index.basis != basis or update_interrupted(config.cache_dir):
        return None
    try:
        with stage("parse"):
            changed_files = _changed_story_files(config, index, lines)
            changed, parse_warnings = _parse_changed(changed_files, config, cache, index)
            records = dict(index.stories)
            records.update({source: record for source, (record, _) in changed.items()})
        with stage("graph"):
            author_slugs = sorted(slug for slug, _ in index.authors)
            before = index.plan
            published_before = published_sources(index.stories.values(), publication)
            after = make_plan(
                records.values(),
                config,
                publication,
                author_slugs,
                index.pages,
                related=index.related,
                chosen_from=_related_changes_from(changed, index, published_before),
            )
            _check_simple(changed, index, publication, before, after)
            listing = listing_of()  # output/ as the last build left it, or no update
            if listing.stamp != last.output:
                raise NotSimple("output/ is not as the last build left it")
            survey = listing.survey(config.cache_dir)
            if not survey.trusted:
                raise NotSimple("output/ is not as the last build left it")
            _check_claims(changed, index, after, survey.files)
            paths = changed_jobs(before, published_before, index.related, after, changed)
            gone = gone_jobs(before, [index.stories[s] for s in published_before], after)
            env = make_environment(config)
            made, warnings = materials(
                needed_sources(after, paths),
                {source: article for source, (_, article) in changed.items()},
                after,
                records,
                index,
                cache,
                config,
                publication,
                env,
            )
            for source in changed:
                if source in made.articles and not photo_files(made.articles[source]) <= set(
                    survey.files
                ):
                    raise NotSimple("a photo not published yet")
        with stage("render"):
            site = site_for(made, paths)
            outputs = [make_file(path, after.jobs[path], made, site) for path in paths]
            outputs = [o for o in outputs if not _same_as_file(o, config.output, survey.files)]
        with stage("search"):
            search_outputs, search_gone = _update_search(after, outputs, config, cache)
        with stage("write"), spool_folder(config.cache_dir) as spool_dir:
            outputs += search_outputs
            removed = set(gone) | set(search_gone)
            new = {o.path for o in outputs}
            kept = [Output(p, None) for p in survey.files if p not in new and p not in removed]
            # Spooled as a whole build's pages are, so that both write them alike.
            spooled = [spool(output, spool_dir) for output in outputs]
            report = write_outputs(
                kept + spooled, [], config.output, config.cache_dir, config.keep_files, survey
            )
            dropped = [index.stories[s].key for s in changed if s in index.stories]
            cache.save_update(changed_files=[*new, *removed], dropped_keys=dropped)
            save_index(
                config.cache_dir,
                replace(
                    index,
                    inputs=lines,
                    stories=records,
                    related=after.related,
                    plan=after.summary(),
                ),
            )
    except NotSimple:
        return None
    upcoming = [
        r.date
        for r in records.values()
        if not r.draft and not r.removed and r.date > publication.now
    ]
    new_warnings = parse_warnings + warnings
    return Update(
        pages_added=after.pages - before.pages,
        files_added=len(new - set(survey.files)) - len(removed & set(survey.files)),
        written=report.written,
        unchanged=report.unchanged,
        removed=report.removed,
        warnings=tuple(w for w in last.warnings if w.path not in changed) + new_warnings,
        next_publish=min(upcoming) if upcoming and not publication.future else None,
        drafts=sum(1 for story in after.published if story.draft),
        output_files=report.files,
        moments=clock_moments(
            (r.date for r in records.values()), (s.date for s in after.published), config
        ),
    )


def _changed_story_files(
    config: SiteConfig, index: StoryIndex, lines: Mapping[str, str]
) -> list[tuple[str, str]]:
    """(source, file) of each story file changed since the last build."""
    if any(name not in lines for name in index.inputs):
        raise NotSimple("a file was deleted")
    content = str((config.site_dir / "content").resolve()) + "/"
    found = []
    for name, line in lines.items():
        if index.inputs.get(name) == line:
            continue
        if not name.startswith(content + "articles/"):
            raise NotSimple("not a story")
        relative = name[len(content) :]
        if any(is_ignored_name(part) for part in relative.split("/")):
            continue  # an editor's file, never a source
        if not name.endswith(".md") or os.path.islink(name):
            raise NotSimple("not a story")
        found.append((f"content/{relative}", name))
    return found


def _parse_changed(
    files: Sequence[tuple[str, str]], config: SiteConfig, cache: BuildCache, index: StoryIndex
) -> tuple[dict[str, tuple[StoryRecord, Article]], tuple[NewssiteError, ...]]:
    """The changed stories, parsed; NotSimple for any problem (the whole build reports it)."""
    sources = []
    for source, name in files:
        try:
            data = Path(name).read_bytes()
        except OSError:
            raise NotSimple("cannot read a story") from None
        if len(data) > MAX_FILE_BYTES:
            raise NotSimple("a story too large")
        digest = hashlib.sha256(data).hexdigest()
        earlier = index.stories.get(source)
        if earlier is not None and earlier.key.rsplit(":", 2)[1] == digest:
            continue  # saved again as it was
        sources.append(SourceFile("articles", source, data, digest))
    try:
        docs = parse_all(sources, config, cache)
    except (NewssiteError, ExceptionGroup):
        raise NotSimple("a story with errors") from None
    keys = dict(zip([s.path for s in sources], docs.keys, strict=True))
    changed = {a.source: (record_of(a, keys[a.source]), a) for a in docs.articles}
    return changed, docs.warnings


def _related_changes_from(
    changed: Mapping[str, tuple[StoryRecord, Article]],
    index: StoryIndex,
    published_before: set[str],
) -> tuple[float, datetime, str] | None:
    """The oldest place (graph._chronological) where a change reaches what related stories
    are chosen by: a story there or after it may get other related stories, none before it
    (a story's related stories are chosen among the stories before it)."""
    places = []
    for source, (record, _) in changed.items():
        earlier = index.stories.get(source)
        if source not in published_before:
            places.append(_chronological(record))  # type: ignore[arg-type]
        elif earlier is not None and _related_by(earlier) != _related_by(record):
            places += [_chronological(earlier), _chronological(record)]  # type: ignore[arg-type]
    return min(places, default=None)


def _related_by(story: StoryRecord) -> tuple[object, ...]:
    slugs = tuple(dict.fromkeys(map(slugify, story.tags)))
    return (story.date, story.url, story.section, slugs, story.draft)


def _check_simple(
    changed: Mapping[str, tuple[StoryRecord, Article]],
    index: StoryIndex,
    publication: Publication,
    before: PlanSummary,
    after: Plan,
) -> None:
    included_before = {s.source for s in _included(index.stories.values(), publication)}
    for source, (record, _) in changed.items():
        earlier = index.stories.get(source)
        for version in (record, earlier):
            if version is not None and (version.aliases or version.assets or version.removed):
                raise NotSimple("aliases, files or a takedown")
        if earlier is not None and earlier.url != record.url:
            raise NotSimple("a story moved")
        if source in included_before and source not in after.included:
            raise NotSimple("a story left the site")
    if bool(before.shards) != bool(after.shards):
        raise NotSimple("search appears or goes")
    for name, (slug, shown) in before.tags.items():
        tag = after.tags.get(name)
        if tag is not None and (tag.slug, tag.name) != (slug, shown):
            raise NotSimple("a tag is spelled otherwise")


def _check_claims(
    changed: Mapping[str, tuple[StoryRecord, Article]],
    index: StoryIndex,
    after: Plan,
    output_files: Mapping[str, object],
) -> None:
    """A new story's URL is nobody else's (graph.py's checks name the files if it is)."""
    new = [r for s, (r, _) in changed.items() if s not in index.stories and s in after.included]
    if not new:
        return
    claims = {url_key(url) for url in _GENERATED_URLS}
    for source in after.included:
        if source in index.stories:
            story = index.stories[source]
            claims.add(url_key(story.url))
            claims.update(map(url_key, story.aliases))
    claims.update(url_key(page_url(slug)) for _, slug, _ in index.pages)
    for job in after.jobs.values():
        if job[0] == "list":
            claims.add(url_key(str(job[4])))
            claims.add(url_key(list_page_url(str(job[2]), 1).removesuffix("1/")))
    for record in new:
        if url_key(record.url) in claims or output_path(record.url) in output_files:
            raise NotSimple("a URL is claimed twice")
        claims.add(url_key(record.url))


def _same_as_file(output: Output, root: Path, files: Mapping[str, os.stat_result]) -> bool:
    stat = files.get(output.path)
    if stat is None or output.data is None or stat.st_size != len(output.data):
        return False
    try:
        return (root / output.path).read_bytes() == output.data
    except OSError:
        return False


def _update_search(
    after: Plan, outputs: Sequence[Output], config: SiteConfig, cache: BuildCache
) -> tuple[list[Output], list[str]]:
    """The levels of the search index whose stories changed, indexed again (search.py
    decides which); and the files of the last build's levels that are no more."""
    # newssite-search glue (issue 14): output/ is as the last build left it (checked).
    return index_levels(after.shards, outputs, config, cache, _EVERYTHING)


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


_EVERYTHING = _Everything()
