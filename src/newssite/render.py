"""Render the plan's files: pages through Jinja, the rest through feeds.py.

Each file is made from its job in the plan (plan.py) and the stories, authors and pages
it shows (graph.py's Site). A cold build renders on every core.
"""

from __future__ import annotations

import json
import signal
import traceback
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import jinja2
from babel.dates import format_timedelta
from markupsafe import Markup

from newssite.config import SiteConfig, edition_config
from newssite.errors import NewssiteError
from newssite.feeds import (
    render_alert,
    render_corrections_feed,
    render_corrections_json_feed,
    render_feed,
    render_json_feed,
    render_latest,
    render_news_sitemap,
    render_redirects,
    render_robots,
    render_sitemap_index,
    urlset_output,
)
from newssite.graph import (
    article_page,
    corrections_page,
    list_page,
    live_coverage,
    make_feed,
    not_found_page,
    redirect_page,
    removed_page,
    search_page,
    standalone_page,
)
from newssite.jsonld import front_page_jsonld
from newssite.model import (
    FrontBlock,
    FrozenDict,
    Output,
    Page,
    Pagination,
    SeriesPart,
    Site,
    Story,
    Teaser,
)
from newssite.plan import TEMPLATE_OF, Job, Plan, series_url
from newssite.related import teaser
from newssite.search_parts import search_key
from newssite.spool import spool
from newssite.templates import (
    TEASER_TEMPLATE,
    edition_environment,
    is_english,
    locale_of,
    make_environment,
    month_title,
    words_of,
)
from newssite.urls import absolute, feed_url, output_path

PARALLEL_RENDER_THRESHOLD = 400


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
        "alternates": tuple(
            (code, absolute(url, config.base_url))
            for code, url in site.alternates.get(output_path(page.url), ())
        ),
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
            env = edition_environment(self.env, story.url)
            found = self.made[key] = Markup(
                env.get_template(TEASER_TEMPLATE).render(
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
        story.story_type,
        story.byline,
    )


def bulk_teasers(
    stories: Sequence[Story | Teaser],
    env: jinja2.Environment,
    related: Container[str] | None = None,
) -> list[tuple[TeaserKey, str]]:
    """The BULK_TEASERS of each story, made before the pages. A story whose teaser fails
    is left out: the page that shows it renders it again and reports the error. With
    `related` (story URLs), only those get the "related" teaser (the pages made show no
    other story as related; a teaser a page needs and no one made is made as it renders)."""
    teasers = Teasers(env)
    for story in stories:
        for level, variant, show_photo, show_summary in BULK_TEASERS:
            if variant == "related" and related is not None and story.url not in related:
                continue
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


def render_file(
    path: str,
    job: Job,
    site: Site,
    plan: Plan,
    env: jinja2.Environment,
    config: SiteConfig,
    teasers: Teasers | None = None,
) -> Output:
    """One file of the plan, made from the stories, authors and pages it shows (a redirect
    in the words of the page it leads to)."""
    in_words_of = str(job[2]).lstrip("/") if job[0] == "redirect" else path
    edition = config.edition_of_path(in_words_of)
    if not edition.default:
        site = site.edition(edition.code)
        config = edition_config(config, edition)
        env = edition_environment(env, in_words_of)
    elif config.languages:
        site = site.edition("")
    return _render_in_edition(path, job, site, plan, env, config, teasers, edition.prefix)


def _render_in_edition(
    path: str,
    job: Job,
    site: Site,
    plan: Plan,
    env: jinja2.Environment,
    config: SiteConfig,
    teasers: Teasers | None,
    prefix: str,
) -> Output:
    kind = job[0]
    if kind == "article":
        source = str(job[1])
        story = site.stories[source]
        if story.age_notice and config.stale_after_days and not is_english(config.language):
            story = replace(story, age_notice=_age_notice(config, words_of(env)))
        related = tuple(teaser(site.stories[other]) for other in job[2])  # type: ignore[attr-defined]
        part = _series_part(job[3], site, plan) if len(job) > 3 else None  # type: ignore[arg-type]
        page = article_page(story, site.jsonld[source], related, part)
    elif kind == "removed":
        page = removed_page(site.withdrawn[str(job[1])], site.sections, words_of(env))
    elif kind == "list":
        _, list_kind, list_url, subject, url, pagination, items = job[:7]
        assert isinstance(pagination, Pagination)
        number = pagination.number
        title, template, context = _list_subject(
            str(list_kind), str(subject), number, site, config, plan
        )
        blocks = _front_blocks(job[7], site) if len(job) > 7 else ()  # type: ignore[arg-type]
        context = {**context, "blocks": blocks}
        if list_kind == "home":
            context["front_jsonld"] = front_page_jsonld(config) if number == 0 else None
        page = list_page(
            str(list_kind),
            str(list_url),
            title,
            template,
            str(url),
            pagination,  # type: ignore[arg-type]
            _listed(site, items),  # type: ignore[arg-type]
            config,
            context,
            words_of(env),
        )
    elif kind == "page":
        page = standalone_page(site.standalone[str(job[1])])
    elif kind == "corrections":
        shown = tuple(
            (teaser_of(site.stories[source]), site.stories[source].corrections[number])
            for source, number in job[1]  # type: ignore[attr-defined]
        )
        page = corrections_page(shown, config)
    elif kind == "notfound":
        page = not_found_page(prefix, words_of(env))
    elif kind == "search":
        page = search_page(str(job[1]), config, prefix, words_of(env))
    elif kind == "redirect":
        page = redirect_page(str(job[1]), str(job[2]), str(job[3]), config)
    elif kind == "liveupdates":
        page = _live_page(job, site, plan)
    elif kind == "updates":
        return _updates_json(path, site.stories[str(job[1])], site, env, config)
    else:
        date_text = None if is_english(config.language) else env.filters["shortdate"]
        return _render_other(path, job, site, config, plan, date_text)
    return render_page(page, site, env, config, teasers)


LIVE_UPDATE_TEMPLATE = "live-update.html"


def _live_page(job: Job, site: Site, plan: Plan) -> Page:
    """A numbered page of a live story's older updates."""
    _, source, url, pagination, _ = job
    story = site.stories[str(source)]
    assert isinstance(pagination, Pagination) and story.live is not None
    live = plan.live[str(source)]
    number = next(n for n, page in enumerate(live.pages) if page[0] == url)
    coverage = live_coverage(story, story.live.end, live, number, site.updates)
    return Page(
        "liveupdates",
        str(url),
        TEMPLATE_OF["liveupdates"],
        f"{story.title} – updates, page {pagination.number}",
        story.summary,
        FrozenDict({"story": replace(story, live=coverage), "coverage": coverage}),
        feed_url=feed_url(story.section.url),
    )


def _updates_json(
    path: str, story: Story, site: Site, env: jinja2.Environment, config: SiteConfig
) -> Output:
    """updates.json beside a live story's page: what its script polls for new updates,
    each with the HTML the page shows it with (live-update.html)."""
    coverage = story.live
    assert coverage is not None
    template = env.get_template(LIVE_UPDATE_TEMPLATE)
    data = {
        "live": coverage.is_live,
        "end": coverage.end.isoformat() if coverage.end else None,
        "count": coverage.count,
        "updates": [
            {
                "id": update.anchor,
                "date": update.date.isoformat(),
                "title": update.title,
                "author": update.author.name if update.author else "",
                "pinned": update.pinned,
                "html": template.render(site=site.info, update=update),
            }
            for update in coverage.updates
        ],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    return Output(path, (text + "\n").encode("utf-8"))


def _age_notice(config: SiteConfig, _: Callable[[str], str]) -> str:
    """The staleness label in an edition's language ("more than 2 years" by CLDR)."""
    assert config.stale_after_days is not None
    span = format_timedelta(
        timedelta(days=config.stale_after_days), threshold=1, locale=locale_of(config.language)
    )
    return _("This article is more than %(span)s old") % {"span": span}


def _render_other(
    path: str,
    job: Job,
    site: Site,
    config: SiteConfig,
    plan: Plan,
    date_text: Callable[[datetime], str] | None = None,
) -> Output:
    kind = job[0]
    if kind in ("atom", "json"):
        _, list_kind, list_url, subject, items = job
        title, subtitle = _feed_titles(str(list_kind), str(subject), site, config, plan)
        feed = make_feed(str(list_url), title, _stories(site, items), subtitle, config)  # type: ignore[arg-type]
        return render_feed(feed, config) if kind == "atom" else render_json_feed(feed, config)
    if kind == "urlset":
        return urlset_output(path, job[1], config)  # type: ignore[arg-type]
    if kind == "index":
        return render_sitemap_index(job[1], config)  # type: ignore[arg-type]
    if kind == "news":
        return render_news_sitemap(_stories(site, job[1]), config)  # type: ignore[arg-type]
    if kind == "latest":
        return render_latest(_stories(site, job[1]), config, path, date_text)  # type: ignore[arg-type]
    if kind == "robots":
        return render_robots(config)
    if kind == "corrections-feed":
        entries = [(site.stories[source], number) for source, number in job[1]]  # type: ignore[attr-defined]
        return render_corrections_feed(entries, "/" + path, config)
    if kind == "corrections-json":
        entries = [(site.stories[source], number) for source, number in job[1]]  # type: ignore[attr-defined]
        return render_corrections_json_feed(entries, "/" + path, config)
    if kind == "alert":
        return render_alert(job[1], config)  # type: ignore[arg-type]
    if kind == "redirects":
        return render_redirects(job[1], config)  # type: ignore[arg-type]
    raise AssertionError(kind)


def _listed(site: Site, sources: Sequence[str]) -> tuple[Story, ...]:
    """The stories as a list shows them: without their text, reading time or age notice,
    which plan.py's teaser digests do not cover (an edit of the text remakes no list)."""
    return tuple(
        [
            replace(story, body_html="", body_digest="", reading_minutes=0, age_notice="")
            for story in _stories(site, sources)
        ]
    )


def _stories(site: Site, sources: Sequence[str]) -> tuple[Story, ...]:
    stories = site.stories
    return tuple([stories[source] for source in sources])


def _series_part(place: tuple[str, int, int, str, str], site: Site, plan: Plan) -> SeriesPart:
    slug, number, total, before, after = place
    previous = teaser(site.stories[before]) if before else None
    following = teaser(site.stories[after]) if after else None
    return SeriesPart(plan.series[slug], series_url(slug), number, total, previous, following)


def _front_blocks(
    blocks: tuple[tuple[str, str, str, tuple[str, ...]], ...], site: Site
) -> tuple[FrontBlock, ...]:
    return tuple(
        FrontBlock(kind, title, url or None, _listed(site, sources))
        for kind, title, url, sources in blocks
    )


def _list_subject(
    kind: str, subject: str, number: int, site: Site, config: SiteConfig, plan: Plan
) -> tuple[str, str, dict[str, object]]:
    if kind == "home":
        return config.title, "home.html", {}
    if kind == "series":
        series = plan.series[subject]
        return series.title, "series.html", {"series": series}
    if kind == "month":
        title = month_title(int(subject[:4]), int(subject[5:7]), config.language)
        return title, "month.html", {"month": title}
    if kind == "section":
        section = site.sections[subject]
        return section.title, "section.html", {"section": section}
    if kind == "author":
        author = site.authors[subject]
        if number:  # the bio is on the first page only: an edit of it remakes no other
            author = replace(author, bio_html="", bio_text="")
        return author.name, "author.html", {"author": author}
    tag = site.tags[subject]
    return tag.name, "tag.html", {"tag": tag}


def _feed_titles(
    kind: str, subject: str, site: Site, config: SiteConfig, plan: Plan
) -> tuple[str, str]:
    if kind == "home":
        return config.title, config.description
    if kind == "series":
        series = plan.series[subject]
        return f"{series.title} – {config.title}", series.description
    if kind == "section":
        return f"{site.sections[subject].title} – {config.title}", ""
    author = site.authors[subject]
    return f"{author.name} – {config.title}", author.role


def render_files(
    paths: Sequence[str],
    plan: Plan,
    site: Site,
    config: SiteConfig,
    *,
    env: jinja2.Environment | None = None,
    workers: int = 1,
    spool_dir: Path | None = None,
) -> list[Output]:
    """The plan's files at `paths`, in that order; all template errors raised at once.

    With a spool_dir, each made file goes there at once instead of staying in memory.
    """
    env = make_environment(config) if env is None else env
    problems: dict[tuple[str | None, int | None, str], NewssiteError] = {}
    outputs: list[Output] = []
    for result in _render_all(paths, plan, site, env, config, workers, spool_dir):
        if isinstance(result, NewssiteError):
            key = (result.path, result.line, result.message.split(" while rendering ")[0])
            problems.setdefault(key, result)
        else:
            outputs.append(spool(result, spool_dir) if spool_dir is not None else result)
    if problems:
        raise ExceptionGroup("template errors", list(problems.values()))
    return outputs


def _render_all(
    paths: Sequence[str],
    plan: Plan,
    site: Site,
    env: jinja2.Environment,
    config: SiteConfig,
    workers: int,
    spool_dir: Path | None = None,
) -> Iterator[Output | NewssiteError]:
    if workers < 2 or len(paths) < PARALLEL_RENDER_THRESHOLD:
        teasers = Teasers(env)  # one process: each teaser is made when a page first shows it
        for path in paths:
            yield _render_or_error(path, plan, site, env, config, teasers)
        return
    # Jinja is pure Python: a cold build renders on every core. Each worker gets the plan
    # and the site once (forked, not copied), builds its own environment, and returns files
    # in order. The teasers lists place are made first, once, and every worker gets them all.
    # Each worker spools the files it makes: their bytes never cross to this process.
    made: dict[TeaserKey, str] = {}
    related = _shown_as_related(paths, plan)
    stories = [(source, source in related) for source in site.stories]
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(plan, site, config, made)
    ) as pool:
        for part in pool.map(_teaser_batch, _batches(stories, workers, 100)):
            made.update(part)
    with ProcessPoolExecutor(
        max_workers=workers,
        initializer=_start_worker,
        initargs=(plan, site, config, made, spool_dir),
    ) as pool:
        for batch_result in pool.map(_render_batch, _batches(paths, workers, 50)):
            yield from batch_result


_Item = TypeVar("_Item")
_worker: dict[str, object] = {}  # set once in each worker process by _start_worker


def _shown_as_related(paths: Sequence[str], plan: Plan) -> set[str]:
    """The sources of the stories the article pages at `paths` show as related."""
    jobs = [plan.jobs[path] for path in paths]
    return {str(source) for job in jobs if job[0] == "article" for source in job[2]}  # type: ignore[attr-defined]


def _batches(items: Sequence[_Item], workers: int, smallest: int) -> list[list[_Item]]:
    size = max(smallest, len(items) // (workers * 6))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _start_worker(
    plan: Plan,
    site: Site,
    config: SiteConfig,
    made: Mapping[TeaserKey, str],
    spool_dir: Path | None = None,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    env = make_environment(config)
    teasers = Teasers(env, made)
    searched = frozenset(output_path(url) for shard in site.search for url in shard.pages)
    _worker.update(
        plan=plan, site=site, config=config, teasers=teasers, spool_dir=spool_dir, searched=searched
    )


def _teaser_batch(sources: list[tuple[str, bool]]) -> list[tuple[TeaserKey, str]]:
    """The bulk teasers of these stories; (source, whether a page shows it as related)."""
    site, teasers = _worker["site"], _worker["teasers"]
    assert isinstance(site, Site) and isinstance(teasers, Teasers)
    stories = [site.stories[source] for source, _ in sources]
    related = {site.stories[source].url for source, shown in sources if shown}
    return bulk_teasers(stories, teasers.env, related)


def _render_batch(paths: list[str]) -> list[Output | NewssiteError]:
    plan, site, config, teasers = (
        _worker["plan"],
        _worker["site"],
        _worker["config"],
        _worker["teasers"],
    )
    assert isinstance(plan, Plan) and isinstance(site, Site) and isinstance(config, SiteConfig)
    assert isinstance(teasers, Teasers)
    spool_dir, searched = _worker["spool_dir"], _worker["searched"]
    assert isinstance(searched, frozenset)
    results = [_render_or_error(path, plan, site, teasers.env, config, teasers) for path in paths]
    if not isinstance(spool_dir, Path):
        return results
    return [
        r if isinstance(r, NewssiteError) else _spooled(r, spool_dir, searched) for r in results
    ]


def _spooled(output: Output, spool_dir: Path, searched: AbstractSet[str]) -> Output:
    """The output spooled; a story page with its search key, worked out here, in parallel,
    rather than by the search stage."""
    made = spool(output, spool_dir)
    if output.path in searched and output.data is not None:
        return replace(made, searched=search_key(output.data))
    return made


def _render_or_error(
    path: str,
    plan: Plan,
    site: Site,
    env: jinja2.Environment,
    config: SiteConfig,
    teasers: Teasers | None = None,
) -> Output | NewssiteError:
    try:
        return render_file(path, plan.jobs[path], site, plan, env, config, teasers)
    except NewssiteError as error:
        return error
