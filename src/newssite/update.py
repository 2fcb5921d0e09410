"""Where a build's records come from when only a few sources changed: the last build's
records (last_plan.py) with the changed files parsed again, so that the archive is not read.

The plan (plan.py) is made from them exactly as from every source; what this module adds
is which files changed, and the checks that a whole build makes over every source, made
here over the records. A change those checks cannot vouch for (a new URL that may be
taken, a link to a story that left, files left behind by a story that went) is read whole.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newssite.cache import BuildCache
from newssite.config import SiteConfig
from newssite.images import PhotoStore, process_photos, shown_photos
from newssite.last_plan import LastPlan, load_last_plan
from newssite.model import Article, Author, LiveUpdate, StandalonePage
from newssite.output_state import OutputSurvey, update_interrupted
from newssite.parse import Documents
from newssite.plan import (
    Plan,
    Publication,
    Records,
    StoryRecord,
    author_record,
    chronological,
    documents_by_source,
    needed_sources,
    page_record,
    paths_to_make,
    story_record,
    update_record,
    url_claims,
)
from newssite.sources import (
    ALERT_FILE,
    CONTENT_KINDS,
    MAX_FILE_BYTES,
    SourceFile,
    desk_kind,
    is_ignored_name,
)
from newssite.templates import theme_dirs
from newssite.urls import url_key

__all__ = ["paths_to_make"]


@dataclass(frozen=True, slots=True)
class Change:
    """The content files changed since the last build: read again, or gone."""

    files: tuple[SourceFile, ...]
    deleted: frozenset[str]  # sources, e.g. content/articles/x.md

    def paths(self) -> set[str]:
        return {source.path for source in self.files} | set(self.deleted)


def last_plan_of(cache_dir: Path, last: object) -> LastPlan | None:
    """The last build's plan, when there was a last build and no update of output/ was
    left unfinished (usable_last_plan then checks output/ against it)."""
    if last is None or update_interrupted(cache_dir):
        return None
    return load_last_plan(cache_dir)


def usable_last_plan(
    previous: LastPlan | None, last: object, survey: OutputSurvey
) -> LastPlan | None:
    """The last build's plan, when output/ holds exactly what it made."""
    if previous is None or not survey.trusted:
        return None
    if getattr(last, "output", None) != survey.stamp:
        return None
    return previous


def find_change(
    config: SiteConfig, previous: LastPlan, lines: Mapping[str, str], basis: str
) -> Change | None:
    """The content files changed since the last build; None when anything else changed but
    the theme (the config, a static file, whose photos stories show) or the last plan was
    made with other settings. A theme's changes need no file read again: the plan's
    digests of the pages hold their templates', and the copies are all made again."""
    content = str((config.site_dir / "content").resolve()) + "/"
    themes = tuple(str(folder.resolve()) + "/" for folder in theme_dirs(config))
    if previous.basis != basis:
        return None
    changed, deleted = [], set()
    for name in previous.inputs.keys() | lines.keys():
        if previous.inputs.get(name) == lines.get(name) or name.startswith(themes):
            continue
        if not name.startswith(content):
            return None
        relative = name[len(content) :]
        if any(is_ignored_name(part) for part in relative.split("/")):
            continue  # an editor's file, never a source
        kind = desk_kind(relative) or relative.split("/", 1)[0]
        markdown = kind in CONTENT_KINDS and name.endswith(".md")
        if not (markdown or desk_kind(relative)) or os.path.islink(name):
            return None
        if name in lines:
            changed.append((kind, f"content/{relative}", name))
        else:
            deleted.add(f"content/{relative}")
    files = []
    for kind, source, name in sorted(changed):
        try:
            data = Path(name).read_bytes()
        except OSError:
            return None
        if len(data) > MAX_FILE_BYTES:
            return None
        files.append(SourceFile(kind, source, data, hashlib.sha256(data).hexdigest()))
    return Change(tuple(files), frozenset(deleted))


def apply_change(before: Records, change: Change, docs: Documents, store: PhotoStore) -> Records:
    """The last build's records with the changed sources read again and the deleted gone."""
    documents = documents_by_source(docs)
    read = change.paths()
    stories = {s: r for s, r in before.stories.items() if s not in read}
    stories.update(
        (a.source, story_record(a, documents[a.source], shown_photos(a, store)))
        for a in docs.articles
    )
    authors = {a.source: a for a in before.authors if a.source not in read}
    authors.update(
        (a.source, author_record(a, documents[a.source], shown_photos(a, store)))
        for a in docs.authors
    )
    pages = {p.source: p for p in before.pages if p.source not in read}
    pages.update(
        (p.source, page_record(p, documents[p.source], shown_photos(p, store))) for p in docs.pages
    )
    updates = {s: r for s, r in before.updates.items() if s not in read}
    updates.update((u.source, update_record(u, documents[u.source])) for u in docs.updates)
    series = {s.source: s for s in before.series if s.source not in read}
    series.update((s.source, s) for s in docs.series)
    fronts = {f.source: f for f in before.fronts if f.source not in read}
    fronts.update((f.source, f) for f in docs.fronts)
    alert = docs.alert or (None if f"content/{ALERT_FILE}" in read else before.alert)
    return Records(
        stories,
        tuple(sorted(authors.values(), key=lambda a: a.slug)),
        tuple(sorted(pages.values(), key=lambda p: (p.slug, p.prefix))),
        updates=updates,
        series=tuple(sorted(series.values(), key=lambda s: s.slug)),
        fronts=tuple(sorted(fronts.values(), key=lambda f: f.source)),
        alert=alert,
    )


def related_changes_from(
    changed: Iterable[str], before: Records, after: Records, publication: Publication
) -> tuple[float, datetime, str] | None:
    """The oldest place (plan.chronological) where a change reaches what related stories
    are chosen by: a story there or after it may get other related stories, none before it
    (a story's related stories are chosen among the stories before it)."""
    places = []
    for source in changed:
        old, new = before.stories.get(source), after.stories.get(source)
        same = old is not None and new is not None and _related_by(old) == _related_by(new)
        if same and publication.includes(old) == publication.includes(new):  # type: ignore[arg-type]
            continue
        places += [chronological(r) for r in (old, new) if r is not None]
    return min(places, default=None)


def _related_by(story: StoryRecord) -> tuple[object, ...]:
    return (story.date, story.url, story.section, story.tags, story.draft, story.removed)


def shown_documents(
    previous: LastPlan,
    records: Records,
    change: Change,
    plan: Plan,
    todo: Sequence[str],
    docs: Documents,
    cache: BuildCache,
    config: SiteConfig,
) -> (
    tuple[list[Article], tuple[Author, ...], tuple[StandalonePage, ...], tuple[LiveUpdate, ...]]
    | None
):
    """The documents the files at `todo` show: the changed ones as parsed, the others from
    the cache. None when the change needs the whole archive to be checked, or would leave
    files of a story behind (its photos, its own files), which only a whole build removes."""
    if not _checks_out(previous.records, records, change, plan):
        return None
    changed = change.paths()
    needed = needed_sources(plan, todo)
    keys = [records.stories[s].document for s in sorted(needed) if s not in changed]
    keys += [
        u.document
        for u in records.updates.values()
        if u.story in needed and u.source not in changed
    ]
    keys += [a.document for a in records.authors if a.source not in changed]
    keys += [p.document for p in records.pages if p.source not in changed]
    found = cache.get_parsed_some(keys)
    if len(found) != len(set(keys)):
        return None  # a document is missing from the cache
    cached = Documents(
        tuple(doc for doc, _ in found.values() if isinstance(doc, Article)),
        tuple(doc for doc, _ in found.values() if isinstance(doc, Author)),
        tuple(doc for doc, _ in found.values() if isinstance(doc, StandalonePage)),
        updates=tuple(doc for doc, _ in found.values() if isinstance(doc, LiveUpdate)),
    )
    cached, _ = process_photos(cached, config)
    return (
        [*cached.articles, *docs.articles],
        cached.authors + docs.authors,
        cached.pages + docs.pages,
        cached.updates + docs.updates,
    )


def _checks_out(before: Records, after: Records, change: Change, plan: Plan) -> bool:
    """Whether the checks of a whole build (graph.check_sources) would pass, as far as a
    change of these sources can make them fail; False when that cannot be told here."""
    if plan.problems:
        return False  # the fronts' problems: a whole build names them with all others
    for source in change.paths():
        for update in (before.updates.get(source), after.updates.get(source)):
            if update is not None and (update.assets or update.links):
                return False  # files of its own, links: checked over every source
        if source in after.updates and not _is_live(after, after.updates[source].story):
            return False  # an update outside a live story: a whole build reports it
        if _is_live(before, source) != _is_live(after, source):
            return False
        either = after.updates.get(source) or before.updates.get(source)
        touched = either.story if either is not None else source
        if _is_live(after, touched) and not any(u.story == touched for u in after.updates.values()):
            return False  # a live story without updates: a whole build reports it
        old, new = before.stories.get(source), after.stories.get(source)
        for version in (old, new):
            if version is not None and (version.aliases or version.assets or version.removed):
                return False  # URL claims and files of their own: checked over every source
        if old is not None and new is not None and old.url != new.url:
            return False
    if {(p.slug, p.title, p.aliases) for p in before.pages} != {
        (p.slug, p.title, p.aliases) for p in after.pages
    }:
        return False  # the footer of every page, and URL claims
    if {a.slug for a in before.authors} - {a.slug for a in after.authors}:
        return False
    authors = {a.slug for a in after.authors}
    targets = plan.targets
    for source in plan.included:
        story = after.stories[source]
        if not story.removed and not all(slug in authors for slug in story.authors):
            return False
        if not all(link in targets for link in story.links):
            return False
        if story.series and story.series not in plan.series:
            return False
    for record in (*after.authors, *after.pages):
        if not all(link in targets for link in record.links):
            return False
    return _new_urls_free(after, plan, change.paths())


def _is_live(records: Records, source: str) -> bool:
    story = records.stories.get(source)
    return story is not None and story.live


def _new_urls_free(after: Records, plan: Plan, changed: Container[str]) -> bool:
    """A story added or changed has a URL nothing else claims, an alias included (the rule
    is plan.url_claims'; graph.py names the files when it is broken)."""
    new = [source for source in plan.included if source in changed]
    if not new:
        return True
    stories = [after.stories[source] for source in plan.included]
    wanted = {url_key(after.stories[source].url) for source in new}
    claims = url_claims(
        plan,
        [
            *((story.url, story.source) for story in stories),
            *((alias, story.source) for story in stories for alias in story.aliases),
            *((page.url, page.source) for page in after.pages),
        ],
        only=wanted,
    )
    return all(len(claims[key]) == 1 for key in wanted)
