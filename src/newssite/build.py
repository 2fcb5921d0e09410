"""The pipeline: config -> sources -> documents -> plan -> site -> rendered files -> output/."""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from newssite import __version__
from newssite.cache import BuildCache
from newssite.config import SiteConfig
from newssite.editorial import editorial_warnings
from newssite.errors import NewssiteError, raise_all
from newssite.freshness import (
    LastBuild,
    clock_window,
    input_lines,
    library_versions,
    output_stamp,
    save_last_build,
)
from newssite.graph import check_sources, make_site
from newssite.images import PhotoStore, process_photos, publish_photos
from newssite.last_plan import LastPlan, forget_last_plan, save_last_plan
from newssite.model import (
    STAGES,
    Article,
    Author,
    BuildOptions,
    BuildReport,
    Output,
    Site,
    StandalonePage,
)
from newssite.output_state import (
    collector_paused,
    load_manifest,
)
from newssite.parse import Documents, parse_all
from newssite.plan import (
    PAGE_TEMPLATES,
    Plan,
    Publication,
    Records,
    clock_moments,
    live_moments,
    make_plan,
    needed_sources,
    records_of,
)
from newssite.render import render_files
from newssite.search import index_search, require_pagefind
from newssite.sources import SourceFile, StatKey, discover, is_ignored_name
from newssite.spool import Copy, spool_folder
from newssite.start import BuildStart, build_started, now_from_clock, site_config, unchanged_report
from newssite.templates import THEME_STATIC_URL, template_digests, theme_dirs
from newssite.update import (
    Change,
    apply_change,
    find_change,
    last_plan_of,
    paths_to_make,
    related_changes_from,
    shown_documents,
    usable_last_plan,
)
from newssite.write import WriteReport, write_outputs

_KEPT_DOT_NAMES = frozenset({".well-known", ".nojekyll", ".htaccess"})


def build(
    site_dir: Path,
    options: BuildOptions,
    cache: BuildCache | None = None,
    start: BuildStart | None = None,
) -> BuildReport:
    """Build the site in site_dir; leave output/ untouched if anything fails.

    When no input changed since the last build and output/ is as it left it, there is
    nothing to do (freshness.py): the last build's report is returned. When a few sources
    changed, the last build's records stand in for the rest of the archive (update.py).
    Either way one plan (plan.py) decides every file, and only the files whose digest
    changed are made again. `start`: the build as start.build_started began it (the CLI
    starts it before loading this module); else it is started here.
    """
    if start is None:
        with build_started(site_dir, options) as begun:
            return build(site_dir, options, cache, begun)
    timer = _StageTimer(progress=options.progress)
    timer.seconds.append(("config", start.seconds))
    if start.unchanged is not None:
        timer.finish()
        return unchanged_report(start)
    config, lines, last, listing_of = start.config, start.lines, start.last, start.listing
    publication = Publication(start.now, options.drafts, options.future)
    cache = cache or BuildCache(config.cache_dir)
    basis = index_basis(config, options)
    try:
        with collector_paused():  # while output/ is listed
            previous = last_plan_of(config.cache_dir, last)
        gc.freeze()  # the archive's records: never garbage, never traversed again
        theme = _theme_digests(config, cache)
        survey = listing_of().survey(config.cache_dir)
        start.end_listing()  # no process of its own left when parsing forks workers
        previous = usable_last_plan(previous, last, survey)
        change = find_change(config, previous, lines, basis) if previous is not None else None
        attempt = len(timer.seconds)
        intact = survey.intact
        read = _read(change, previous, config, cache, publication, basis, intact, timer, theme)
        if read is None:  # the change cannot be checked without the whole archive
            timer.fold_since(attempt)
            read = _read(None, previous, config, cache, publication, basis, intact, timer, theme)
        assert read is not None
        docs, records, plan, site = read.docs, read.records, read.plan, read.site
        gc.freeze()
        with spool_folder(config.cache_dir) as spool_dir:
            with timer("render"):
                outputs = render_files(
                    read.todo, plan, site, config, workers=_workers(), spool_dir=spool_dir
                )
                made = set(read.todo)
                outputs += [Output(path, None) for path in plan.jobs if path not in made]
            with timer("search"):
                outputs += index_search(site, outputs, config, cache, survey.intact, _workers())
            with timer("write"):
                copies = static_copies(config, site, outputs)
                copies = publish_photos(read.photos, plan.photos, copies, config)
                forget_last_plan(config.cache_dir)  # until output/ holds this plan's files
                report = write_outputs(
                    outputs, copies, config.output, config.cache_dir, config.keep_files, survey
                )
                cache.save(live_keys=records.documents())
                last_plan = LastPlan.of(basis, lines, records, plan)
                save_last_plan(config.cache_dir, last_plan, previous)
    except Exception:
        cache.save_parsed()  # once the error is fixed, the archive need not be parsed again
        raise
    finally:
        gc.unfreeze()
    timer.finish()
    result = _report(plan, docs.warnings, report, len(outputs) + len(copies), config, timer)
    if read.updated:
        earlier = last.warnings if last is not None else ()
        result = replace(result, updated=True, warnings=_still_warned(earlier, docs, change))
    moments = clock_moments(
        [r.date for r in records.stories.values()] + live_moments(records),
        (s.date for s in plan.published),
        config,
        records,
    )
    window = clock_window(publication.now, moments)
    _save_record(config, start.inputs, result, window, report.stamp)
    return result


class _Reading(NamedTuple):
    """What a build read and planned, and what the files it makes show."""

    docs: Documents  # every source, or only the changed ones (updated)
    photos: PhotoStore
    records: Records
    plan: Plan
    todo: list[str]  # the files to make again
    site: Site
    updated: bool  # planned from the last plan's records and the changed sources


def _read(
    change: Change | None,
    previous: LastPlan | None,
    config: SiteConfig,
    cache: BuildCache,
    publication: Publication,
    basis: str,
    intact: Container[str],
    timer: _StageTimer,
    theme: Mapping[str, str],
    known_sources: dict[str, tuple[StatKey, SourceFile]] | None = None,
    preview: bool = False,
) -> _Reading | None:
    """Parse, plan and make the site: from every source when `change` is None, else from
    the last plan's records and the changed sources (None when that change cannot be
    checked without the whole archive: then the caller reads it all). `intact`: the files
    of the last build still as it made them. The preview keeps its sources and photos in
    memory (`known_sources`, `preview`)."""
    with timer("parse"):
        sources = discover(config.site_dir, known_sources) if change is None else change.files
        docs = parse_all(sources, config, cache, workers=_workers())
    if change is None and preview:
        cache.forget_parsed_except(docs.keys)  # a long preview session: files gone or changed
    gc.freeze()
    with timer("photos"):
        docs, photos = process_photos(
            docs, config, workers=_workers(), cache=cache if preview else None
        )
    with timer("graph"):
        before = previous.digests if previous is not None else {}
        if change is None:
            records = records_of(docs, photos)
            plan = make_plan(records, config, publication, basis, templates=theme)
            check_sources(docs.articles, docs.authors, docs.pages, plan, docs.updates)
            todo = paths_to_make(before, plan, intact)
            needed = _needed_documents(docs, plan, todo)
            site = make_site(plan, *needed, config, publication, docs.updates)
            return _Reading(docs, photos, records, plan, todo, site, updated=False)
        assert previous is not None
        records = apply_change(previous.records, change, docs, photos)
        chosen_from = related_changes_from(change.paths(), previous.records, records, publication)
        plan = make_plan(
            records, config, publication, basis, previous.related, chosen_from, templates=theme
        )
        todo = paths_to_make(before, plan, intact)
        shown = shown_documents(previous, records, change, plan, todo, docs, cache, config)
        if shown is None:
            return None
        site = make_site(plan, *shown[:3], config, publication, shown[3])
        return _Reading(docs, photos, records, plan, todo, site, updated=True)


def _save_record(
    config: SiteConfig,
    inputs: str,
    report: BuildReport,
    window: tuple[datetime | None, datetime | None],
    output: str | None,
) -> None:
    """The record the next build decides from (freshness.py); `output`: the stamp of
    output/ as written, when the write stage knows it without listing output/ again."""
    save_last_build(
        config.cache_dir,
        LastBuild(
            inputs=inputs,
            output=output_stamp(config.output) if output is None else output,
            valid_from=window[0],
            valid_until=window[1],
            pages=report.pages,
            files=report.files,
            drafts=report.drafts,
            next_publish=report.next_publish,
            warnings=report.warnings,
        ),
    )


def index_basis(config: SiteConfig, options: BuildOptions) -> str:
    """What every file and record depends on besides its sources and the theme: newssite,
    its libraries, the config and the build's options."""
    settings = (
        __version__,
        library_versions(),
        repr(config),
        options.drafts,
        options.future,
        options.base_url,
        str(config.output),
    )
    return hashlib.sha256(repr(settings).encode("utf-8", "surrogatepass")).hexdigest()


def _still_warned(
    earlier: Iterable[NewssiteError], docs: Documents, change: Change | None
) -> tuple[NewssiteError, ...]:
    """An update's warnings: the last build's about files it did not read again, and its own."""
    read = change.paths() if change is not None else set()
    return tuple(w for w in earlier if w.path not in read) + docs.warnings


@dataclass
class PreviewMemo:
    """What the preview keeps between rebuilds besides the cache, in memory: its last plan
    (records, related stories, digests, the inputs it read), its warnings, every file it
    made, and which of them the search index has not read yet."""

    last: LastPlan | None = None
    warnings: tuple[NewssiteError, ...] = ()
    files: dict[str, Output] = field(default_factory=dict)
    template_references: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    unindexed: set[str] = field(default_factory=set)  # pages made since the last index


@dataclass(frozen=True, slots=True)
class Preview:
    plan: Plan
    site: Site
    outputs: list[Output]
    copies: list[Copy]
    warnings: tuple[NewssiteError, ...]


def preview_files(
    site_dir: Path,
    options: BuildOptions,
    cache: BuildCache,
    known_sources: dict[str, tuple[StatKey, SourceFile]] | None = None,
    *,
    search: bool = True,
    memo: PreviewMemo | None = None,
) -> Preview:
    """The whole pipeline but the write, in memory, for the preview: the records of the
    last rebuild (`memo`) with the changed sources read again, as an update reads them
    from the cache folder; the files whose digest changed are made again, the others kept.

    With search=False the search index is left for `search_files`, so a preview can show
    the pages first and index them right after.
    """
    memo = PreviewMemo() if memo is None else memo
    config = site_config(site_dir, options)
    publication = _publication(options)
    basis = index_basis(config, options)
    lines = input_lines(config)
    theme = theme_digests(config, memo.template_references)
    previous = memo.last
    change = find_change(config, previous, lines, basis) if previous is not None else None
    read = None
    reading = (previous, config, cache, publication, basis, memo.files, _StageTimer(), theme)
    if change is not None:
        read = _read(change, *reading, preview=True)
    if read is None:
        read = _read(None, *reading, known_sources, preview=True)
    plan, site = read.plan, read.site
    warnings = (
        _still_warned(memo.warnings, read.docs, change) if read.updated else read.docs.warnings
    )
    made = render_files(read.todo, plan, site, config, workers=_workers())
    memo.files = {path: memo.files[path] for path in plan.jobs if path in memo.files}
    memo.files.update((output.path, output) for output in made)
    memo.unindexed.update(output.path for output in made)
    memo.last = LastPlan.of(basis, lines, read.records, plan)
    memo.warnings = warnings
    outputs = [memo.files[path] for path in plan.jobs]
    if search:
        outputs += index_search(site, outputs, config, cache, remade=memo.unindexed)
        memo.unindexed.clear()
    copies = publish_photos(read.photos, plan.photos, static_copies(config, site, outputs), config)
    return Preview(plan, site, outputs, copies, warnings)


def search_files(
    site_dir: Path,
    options: BuildOptions,
    preview: Preview,
    cache: BuildCache,
    memo: PreviewMemo,
    interrupted: Callable[[], bool] | None = None,
) -> list[Output]:
    """The search index of pages made by `preview_files(..., search=False, memo=memo)`,
    made at the lowest CPU priority (the browser reloading those pages comes first); it
    raises search.SearchInterrupted when `interrupted()` turns true. Only the pages made
    since the index was last made are read again."""
    config = site_config(site_dir, options)
    files = index_search(
        preview.site,
        preview.outputs,
        config,
        cache,
        yielding=True,
        interrupted=interrupted,
        remade=memo.unindexed,
    )
    memo.unindexed.clear()
    return files


def check(site_dir: Path, options: BuildOptions, *, editorial: bool = False) -> BuildReport:
    """Everything a build validates, rendered in memory; nothing is written.

    With `editorial`, the warnings also hold the desk's checks (editorial.py).
    """
    config = site_config(site_dir, options)
    require_pagefind(config)
    sources = discover(config.site_dir)
    docs = parse_all(sources, config, BuildCache(config.cache_dir), workers=_workers())
    docs, photos = process_photos(docs, config, write=False, workers=_workers())
    publication = _publication(options)
    records = records_of(docs, photos)
    basis = index_basis(config, options)
    plan = make_plan(records, config, publication, basis, templates=theme_digests(config))
    check_sources(docs.articles, docs.authors, docs.pages, plan, docs.updates)
    site = make_site(
        plan, docs.articles, docs.authors, docs.pages, config, publication, docs.updates
    )
    outputs = render_files(list(plan.jobs), plan, site, config, workers=_workers())
    copies = publish_photos(photos, plan.photos, static_copies(config, site, outputs), config)
    warnings = docs.warnings
    if editorial:
        files = {o.path: o.data for o in outputs} | {c.path: None for c in copies}
        previous = load_manifest(config.cache_dir)
        warnings += tuple(editorial_warnings(sources, docs, site, config, files, previous))
    nothing = WriteReport(0, 0, 0)
    return _report(plan, warnings, nothing, len(outputs) + len(copies), config, _StageTimer())


def _needed_documents(
    docs: Documents, plan: Plan, todo: Iterable[str]
) -> tuple[list[Article], tuple[Author, ...], tuple[StandalonePage, ...]]:
    """The stories the files at `todo` show, with every author and page (few, and cheap)."""
    needed = needed_sources(plan, todo)
    return [a for a in docs.articles if a.source in needed], docs.authors, docs.pages


def _publication(options: BuildOptions) -> Publication:
    return Publication(options.now or now_from_clock(), options.drafts, options.future)


def _workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def theme_digests(
    config: SiteConfig, references: dict[str, tuple[str | None, ...]] | None = None
) -> dict[str, str]:
    """Each page template's digest, with all it extends, includes and imports."""
    return template_digests(config, PAGE_TEMPLATES, references)


def _theme_digests(config: SiteConfig, cache: BuildCache) -> dict[str, str]:
    """theme_digests, with what each template refers to kept in the cache from build to
    build (parsing the theme's templates is a tenth of a second)."""
    references = cache.template_references()
    known = len(references)
    digests = theme_digests(config, references)
    if len(references) != known:
        cache.remember_template_references(references)
    return digests


def static_copies(config: SiteConfig, site: Site, outputs: list[Output]) -> list[Copy]:
    """Theme static files under /theme/, the site's static/ at the root, and story files."""
    site_root = config.site_dir.resolve()
    problems: list[NewssiteError] = []
    copies: dict[str, Copy] = {}
    prefix = THEME_STATIC_URL.strip("/")
    for theme in reversed(theme_dirs(config)):
        for relative, path in _files_under(
            theme / "static", theme.resolve(), site_root, config, problems
        ):
            copies[f"{prefix}/{relative}"] = Copy(f"{prefix}/{relative}", path)
    generated = {output.path: output for output in outputs}
    static = config.site_dir / "static"
    for relative, path in _files_under(static, site_root, site_root, config, problems):
        if relative in generated or relative.startswith(f"{prefix}/"):
            problems.append(
                NewssiteError(
                    f"collides with the generated file /{relative}", path=f"static/{relative}"
                )
            )
            continue
        copies[relative] = Copy(relative, path)
    for asset in site.assets:
        relative = asset.url.lstrip("/")
        if relative in generated or relative in copies:
            problems.append(
                NewssiteError(f"collides with the published file /{relative}", path=asset.source)
            )
            continue
        copies[relative] = Copy(relative, config.site_dir / asset.source)
    raise_all(problems)
    return [copies[key] for key in sorted(copies)]


def _files_under(
    folder: Path,
    allowed_root: Path,
    site_root: Path,
    config: SiteConfig,
    problems: list[NewssiteError],
) -> Iterator[tuple[str, Path]]:
    if not folder.is_dir():
        return
    if folder.is_symlink():
        problems.append(
            NewssiteError(
                "symlinked folders are not followed", path=_shown(folder, config.site_dir)
            )
        )
        return
    for current, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d in _KEPT_DOT_NAMES or not is_ignored_name(d))
        for name in [d for d in dirnames if (Path(current) / d).is_symlink()]:
            dirnames.remove(name)
            shown = _shown(Path(current) / name, config.site_dir)
            problems.append(
                NewssiteError(
                    "symlinked folders are not followed; copy the files instead", path=shown
                )
            )
        for name in sorted(filenames):
            if is_ignored_name(name) and name not in _KEPT_DOT_NAMES:
                continue
            path = Path(current) / name
            shown = _shown(path, config.site_dir)
            if path.is_symlink():
                target = path.resolve()
                if not target.exists():
                    problems.append(NewssiteError("broken symlink", path=shown))
                    continue
                if not (target.is_relative_to(site_root) or target.is_relative_to(allowed_root)):
                    problems.append(
                        NewssiteError(f"symlink points outside the site ({target})", path=shown)
                    )
                    continue
            yield path.relative_to(folder).as_posix(), path


def _shown(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return str(path)


def _report(
    plan: Plan,
    warnings: tuple[NewssiteError, ...],
    written: WriteReport,
    files: int,
    config: SiteConfig,
    timer: _StageTimer,
) -> BuildReport:
    return BuildReport(
        pages=plan.pages,
        files=files,
        written=written.written,
        unchanged=written.unchanged,
        removed=written.removed,
        warnings=warnings,
        next_publish=plan.next_publish,
        output_dir=config.output,
        stage_seconds=tuple(timer.seconds),
        drafts=sum(1 for story in plan.published if story.draft),
    )


class _StageTimer:
    """Times each stage, and tells BuildOptions.progress (stage, stages done, total) as it starts."""

    def __init__(
        self, clock: Callable[[], float] = time.perf_counter, progress: object = None
    ) -> None:
        self.clock = clock
        self.seconds: list[tuple[str, float]] = []
        self.progress: Callable[[str, int, int], None] | None = (
            progress if callable(progress) else None
        )

    def fold_since(self, mark: int) -> None:
        """Count the stages timed since `mark` (an attempt that gave way) in the stage
        before them, so that each stage is reported once."""
        spent = sum(seconds for _, seconds in self.seconds[mark:])
        del self.seconds[mark:]
        if self.seconds:
            stage, seconds = self.seconds[-1]
            self.seconds[-1] = (stage, seconds + spent)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress("done", len(STAGES), len(STAGES))

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(stage, len(self.seconds), len(STAGES))
        start = self.clock()
        try:
            yield
        finally:
            self.seconds.append((stage, self.clock() - start))
