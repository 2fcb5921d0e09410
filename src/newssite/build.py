"""The pipeline: config -> sources -> documents -> site -> rendered files -> output/."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import jinja2

from newssite import __version__
from newssite.cache import BuildCache, cache_salt
from newssite.config import SiteConfig, load_config, with_output
from newssite.delta import StoryIndex, index_of, record_of, save_index, update
from newssite.editorial import editorial_warnings
from newssite.errors import NewssiteError, raise_all
from newssite.freshness import (
    LastBuild,
    clock_window,
    input_lines,
    input_stamp,
    library_versions,
    load_last_build,
    output_stamp,
    save_last_build,
    stamp_of_files,
    still_valid,
    unchanged_since_last_build,
)
from newssite.graph import Publication, StoryMemo, build_site, clock_moments
from newssite.images import process_photos, publish_photos
from newssite.model import BuildOptions, Output, Site
from newssite.parse import Documents, parse_all
from newssite.render import RenderMemo, render_site
from newssite.search import index_search, require_pagefind
from newssite.sources import SourceFile, StatKey, discover, is_ignored_name
from newssite.templates import THEME_STATIC_URL, make_environment, theme_dirs
from newssite.write import (
    Copy,
    OutputListing,
    WriteReport,
    listed_elsewhere,
    load_manifest,
    output_lock,
    spool_folder,
    write_outputs,
)

_KEPT_DOT_NAMES = frozenset({".well-known", ".nojekyll", ".htaccess"})


@dataclass(frozen=True, slots=True)
class BuildReport:
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
    updated: bool = False  # made by updating the last build for changed stories (delta.py)


def build(site_dir: Path, options: BuildOptions, cache: BuildCache | None = None) -> BuildReport:
    """Build the site in site_dir; leave output/ untouched if anything fails.

    When no input changed since the last build and output/ is as it left it, there is
    nothing to do (freshness.py): the last build's report is returned.
    """
    timer = _StageTimer(progress=options.progress)
    publication = _publication(options)
    cache_given = cache
    # What each stage makes lives to the end of the build: frozen, it is not scanned again
    # by every full garbage collection of the later stages (~0.4 s at 10,000 stories).
    with contextlib.ExitStack() as held:
        with timer("config"):
            config = _load(site_dir, options)
            held.enter_context(output_lock(config.output))
            listing = held.enter_context(contextlib.ExitStack())
            listing_of = listing.enter_context(listed_elsewhere(config.output))
            lines = input_lines(config)
            inputs = input_stamp(config, options, lines)
            last = load_last_build(config.cache_dir)
            unchanged = unchanged_since_last_build(
                config, inputs, publication.now, last, lambda: listing_of().stamp
            )
        if unchanged is not None:
            timer.finish()
            return _unchanged_report(unchanged, config, timer)
        cache = cache_given or BuildCache(config.cache_dir)
        basis = index_basis(config, options)
        try:
            updated = _update(
                config, publication, basis, lines, inputs, last, cache, timer, listing_of
            )
            if updated is not None:
                return updated
            with timer("parse"):
                survey = listing_of().survey(config.cache_dir)
                listing.close()  # no process of its own left when parsing forks workers
                docs = parse_all(discover(config.site_dir), config, cache, workers=_workers())
            gc.freeze()
            with timer("photos"):
                docs, photos = process_photos(docs, config, workers=_workers())
            memo = StoryMemo()
            with timer("graph"):
                site = build_site(docs, config, publication, memo)
            gc.freeze()
            with spool_folder(config.cache_dir) as spool_dir:
                with timer("render"):
                    intact = survey.intact
                    env = make_environment(config)
                    salt = render_salt(config)
                    outputs = render_site(
                        site,
                        env,
                        config,
                        cache,
                        salt,
                        intact,
                        workers=_workers(),
                        spool_dir=spool_dir,
                    )
                with timer("search"):
                    outputs += index_search(
                        site, outputs, config, cache, intact, workers=_workers()
                    )
                with timer("write"):
                    copies = publish_photos(
                        photos, site, static_copies(config, site, outputs), config
                    )
                    report = write_outputs(
                        outputs, copies, config.output, config.cache_dir, config.keep_files, survey
                    )
                    cache.save(live_keys=docs.keys)
                    save_index(
                        config.cache_dir,
                        story_index(basis, lines, docs, site, memo, config, publication),
                    )
        except Exception:
            cache.save_parsed()  # once the error is fixed, the archive need not be parsed again
            raise
        finally:
            gc.unfreeze()
    timer.finish()
    result = _report(site, docs.warnings, report, len(outputs) + len(copies), config, timer)
    moments = clock_moments((a.date for a in docs.articles), (s.date for s in site.stories), config)
    _save_record(config, inputs, result, clock_window(publication.now, moments), report.files)
    return result


def _update(
    config: SiteConfig,
    publication: Publication,
    basis: str,
    lines: dict[str, str],
    inputs: str,
    last: LastBuild | None,
    cache: BuildCache,
    timer: _StageTimer,
    listing_of: Callable[[], OutputListing],
) -> BuildReport | None:
    """The last build updated for a few changed stories (delta.py), when it can be."""
    if last is None or not still_valid(last, publication.now):
        return None
    attempt = len(timer.seconds)
    updated = update(config, publication, basis, lines, last, cache, timer, listing_of)
    if updated is None:
        timer.fold_since(attempt)  # the whole build times its own stages
        return None
    timer.finish()
    report = BuildReport(
        pages=last.pages + updated.pages_added,
        files=last.files + updated.files_added,
        written=updated.written,
        unchanged=updated.unchanged,
        removed=updated.removed,
        warnings=updated.warnings,
        next_publish=updated.next_publish,
        output_dir=config.output,
        stage_seconds=tuple(timer.seconds),
        drafts=updated.drafts,
        updated=True,
    )
    window = clock_window(publication.now, updated.moments)
    _save_record(config, inputs, report, window, updated.output_files)
    return report


def _save_record(
    config: SiteConfig,
    inputs: str,
    report: BuildReport,
    window: tuple[datetime | None, datetime | None],
    files: Mapping[str, os.stat_result] | None,
) -> None:
    """The record the next build decides from (freshness.py); `files`: output/ as written,
    when the write stage knows it without listing output/ again."""
    save_last_build(
        config.cache_dir,
        LastBuild(
            inputs=inputs,
            output=output_stamp(config.output) if files is None else stamp_of_files(files),
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
    """What an update requires to be as the last build had it (delta.StoryIndex.basis)."""
    settings = (
        __version__,
        library_versions(),
        render_salt(config),
        options.drafts,
        options.future,
        options.base_url,
        str(config.output),
    )
    return hashlib.sha256(repr(settings).encode("utf-8", "surrogatepass")).hexdigest()


def story_index(
    basis: str,
    lines: dict[str, str],
    docs: Documents,
    site: Site,
    memo: StoryMemo,
    config: SiteConfig,
    publication: Publication,
) -> StoryIndex:
    """The index an update of this build starts from (delta.py)."""
    keys = {key.split(":", 1)[1].rsplit(":", 2)[0]: key for key in docs.keys}
    oldest_first = sorted(site.stories, key=lambda s: (s.date, s.source))
    chosen = memo.related.chosen
    return index_of(
        basis,
        lines,
        {a.source: record_of(a, keys[a.source]) for a in docs.articles},
        {
            story.source: tuple(oldest_first[i].source for i in chosen[story.url])
            for story in oldest_first
        },
        tuple(sorted((a.slug, keys[a.source]) for a in docs.authors)),
        tuple(sorted((p.source, p.slug, p.title) for p in docs.pages)),
        config,
        publication,
    )


def _unchanged_report(last: LastBuild, config: SiteConfig, timer: _StageTimer) -> BuildReport:
    return BuildReport(
        pages=last.pages,
        files=last.files,
        written=0,
        unchanged=last.files,
        removed=0,
        warnings=last.warnings,
        next_publish=last.next_publish,
        output_dir=config.output,
        stage_seconds=tuple(timer.seconds),
        drafts=last.drafts,
    )


@dataclass
class PreviewMemo:
    """What a long-lived process keeps between rebuilds besides the cache: the stories and
    the inputs of every file of the previous build (graph.StoryMemo, render.RenderMemo)."""

    stories: StoryMemo = field(default_factory=StoryMemo)
    files: RenderMemo = field(default_factory=RenderMemo)


def render_files(
    site_dir: Path,
    options: BuildOptions,
    cache: BuildCache,
    known_sources: dict[str, tuple[StatKey, SourceFile]] | None = None,
    *,
    search: bool = True,
    memo: PreviewMemo | None = None,
) -> tuple[Site, list[Output], list[Copy], tuple[NewssiteError, ...]]:
    """Stages 1-5 in memory, reusing what `cache` and `memo` hold from earlier runs (for the
    preview).

    With search=False the search index is left for `search_files`, so a preview can show
    the pages first and index them right after.
    """
    memo = PreviewMemo() if memo is None else memo
    config = _load(site_dir, options)
    docs = parse_all(discover(config.site_dir, known_sources), config, cache, workers=_workers())
    cache.forget_parsed_except(docs.keys)
    docs, photos = process_photos(docs, config, workers=_workers(), cache=cache)
    site = build_site(docs, config, _publication(options), memo.stories)
    salt = render_salt(config)
    env = cache.environments.get(salt)
    if not isinstance(env, jinja2.Environment):
        cache.environments = {salt: (env := make_environment(config))}
    outputs = render_site(site, env, config, cache, salt, memo=memo.files)
    if search:
        outputs += index_search(site, outputs, config, cache, workers=_workers())
    copies = publish_photos(photos, site, static_copies(config, site, outputs), config)
    return site, outputs, copies, docs.warnings


def search_files(
    site_dir: Path,
    options: BuildOptions,
    site: Site,
    outputs: list[Output],
    cache: BuildCache,
    interrupted: Callable[[], bool] | None = None,
) -> list[Output]:
    """The search index of pages made by `render_files(..., search=False)`, made at the
    lowest CPU priority (the browser reloading those pages comes first); it raises
    search.SearchInterrupted when `interrupted()` turns true."""
    config = _load(site_dir, options)
    return index_search(site, outputs, config, cache, yielding=True, interrupted=interrupted)


def check(site_dir: Path, options: BuildOptions, *, editorial: bool = False) -> BuildReport:
    """Everything a build validates, rendered in memory; nothing is written.

    With `editorial`, the warnings also hold the desk's checks (editorial.py).
    """
    config = _load(site_dir, options)
    require_pagefind(config)
    sources = discover(config.site_dir)
    docs = parse_all(sources, config, BuildCache(config.cache_dir), workers=_workers())
    docs, photos = process_photos(docs, config, write=False, workers=_workers())
    site = build_site(docs, config, _publication(options))
    outputs = render_site(site, make_environment(config), config)
    copies = publish_photos(photos, site, static_copies(config, site, outputs), config)
    warnings = docs.warnings
    if editorial:
        files = {o.path: o.data for o in outputs} | {c.path: None for c in copies}
        previous = load_manifest(config.cache_dir)
        warnings += tuple(editorial_warnings(sources, docs, site, config, files, previous))
    nothing = WriteReport(0, 0, 0)
    return _report(site, warnings, nothing, len(outputs) + len(copies), config, _StageTimer())


def _load(site_dir: Path, options: BuildOptions) -> SiteConfig:
    # The resolved folder: a site built as "." and as /abs/path is one site to the cache.
    config = load_config(site_dir.resolve(), base_url=options.base_url)
    output = Path(options.output_dir).absolute() if options.output_dir else None
    return with_output(config, output)


def _publication(options: BuildOptions) -> Publication:
    return Publication(options.now or now_from_clock(), options.drafts, options.future)


def _workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def render_salt(config: SiteConfig) -> str:
    """What every page depends on besides its own inputs: the theme's files and the config."""
    digest = hashlib.sha256(repr(config).encode("utf-8"))
    for folder in theme_dirs(config):
        templates = folder / "templates"
        for path in sorted(templates.rglob("*")) if templates.is_dir() else ():
            if path.is_file():
                digest.update(path.relative_to(templates).as_posix().encode("utf-8"))
                digest.update(path.read_bytes())
    return cache_salt(digest.hexdigest())


def now_from_clock(environ: dict[str, str] | None = None) -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set (reproducible builds), else the clock."""
    environ = dict(os.environ) if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            raise NewssiteError(f"SOURCE_DATE_EPOCH must be whole seconds, not {epoch!r}") from None
    return datetime.now(UTC)


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
    site: Site,
    warnings: tuple[NewssiteError, ...],
    written: WriteReport,
    files: int,
    config: SiteConfig,
    timer: _StageTimer,
) -> BuildReport:
    return BuildReport(
        pages=len(site.pages),
        files=files,
        written=written.written,
        unchanged=written.unchanged,
        removed=written.removed,
        warnings=warnings,
        next_publish=site.next_publish,
        output_dir=config.output,
        stage_seconds=tuple(timer.seconds),
        drafts=sum(1 for story in site.stories if story.draft),
    )


STAGES = ("config", "parse", "photos", "graph", "render", "search", "write")


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
