"""Check a few stories as `newssite check` would, without reading the whole archive.

`newssite publish` checks the one story it is about to publish, and `check --changed`
the stories changed since a git ref. Both must answer in about a second on an archive of
10,000 stories, so only these are parsed: the stories asked about, the authors and pages,
the stories they link to, and the few other stories that could claim the same URL (found by
file name and a byte search, not by parsing). The small site made of them goes through the
same stages as a build (parse, photos, graph, render, editorial checks); links to pages of
the archive are checked against the files the last build wrote.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from newssite.config import SiteConfig, load_config
from newssite.editorial import editorial_warnings
from newssite.errors import NewssiteError, UsageError, is_content_failure, problems_of
from newssite.graph import check_sources, make_site
from newssite.images import process_photos
from newssite.model import Article, Author, BuildOptions, Series, StandalonePage
from newssite.output_state import load_manifest
from newssite.parse import Documents, parse_sources
from newssite.plan import Plan, Publication, make_plan, records_of
from newssite.render import render_files
from newssite.sources import SourceFile, is_ignored_name
from newssite.urls import (
    SLUG_PATTERN,
    InvalidSlugError,
    output_path,
    slugify,
)


@dataclass(frozen=True, slots=True)
class Review:
    checked: tuple[str, ...]  # the files asked about that exist, relative to the site folder
    errors: tuple[NewssiteError, ...]
    warnings: tuple[NewssiteError, ...]

    def failed(self, *, strict: bool) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))


def review_stories(
    site_dir: Path,
    paths: Sequence[str],
    options: BuildOptions,
    replaced: Mapping[str, bytes] | None = None,
) -> Review:
    """The errors and editorial warnings of the files at `paths` (relative to the site
    folder); `replaced` gives new bytes for some of them, checked instead of the file's."""
    config = load_config(site_dir.resolve(), base_url=options.base_url)
    replaced = replaced or {}
    wanted = [path for path in dict.fromkeys(paths) if path in replaced or _is_source(config, path)]
    if not wanted:
        return Review((), (), ())
    focus = [_source(config, path, replaced.get(path)) for path in wanted]
    shared = [
        s for s in _sources_of(config, ("authors", "pages", "series")) if s.path not in wanted
    ]
    results = parse_sources([*focus, *shared], config)
    errors = [problem for _, problems, _ in results for problem in problems]
    warnings = [warning for _, _, found in results for warning in found]
    if errors:
        return _review(wanted, errors, _about(warnings, set(wanted)))
    documents = [document for document, _, _ in results if document is not None]
    docs = Documents(
        articles=tuple(d for d in documents if isinstance(d, Article)),
        authors=tuple(d for d in documents if isinstance(d, Author)),
        pages=tuple(d for d in documents if isinstance(d, StandalonePage)),
        warnings=tuple(warnings),
        series=tuple(d for d in documents if isinstance(d, Series)),
    )
    focused = set(wanted)
    archive = _scan_archive(config, docs.articles, focused)
    context = _context_articles(config, docs, archive.candidates, focused)
    now = options.now or datetime.now(UTC)
    try:
        docs, photos = process_photos(docs, config, write=False)
        docs = replace(docs, articles=docs.articles + context)
        publication = Publication(now, options.drafts, options.future)
        plan = make_plan(records_of(docs, photos), config, publication)
        check_sources(docs.articles, docs.authors, docs.pages, plan)
        site = make_site(
            plan, docs.articles, docs.authors, docs.pages, config, publication, docs.updates
        )
        outputs = render_files(_focus_paths(plan, docs, focused), plan, site, config)
    except Exception as error:
        if not is_content_failure(error):
            raise
        # A problem of a story only there for context is the full build's to report, but
        # one that stopped the check is reported rather than passed over in silence.
        problems = problems_of(error)
        return _review(wanted, _about(problems, focused) or problems, [])
    # The pages of the archive, for links to them: as the last build wrote them, as this
    # small site has them, and where the other stories most likely are (a CI checkout has
    # no last build).
    files: dict[str, bytes | None] = dict.fromkeys(load_manifest(config.cache_dir))
    files.update(dict.fromkeys(output_path(url) for url in archive.urls))
    files.update(dict.fromkeys(plan.jobs))
    files.update({output.path: output.data for output in outputs})
    desk = editorial_warnings(focus, docs, site, config, files)
    return _review(wanted, [], _about([*docs.warnings, *desk], focused))


def _focus_paths(plan: Plan, docs: Documents, focus: set[str]) -> list[str]:
    """The pages of the files asked about (and their redirects), the only ones to render:
    the list pages would show little but cost a template each."""
    urls = {a.url for a in docs.articles if a.source in focus}
    urls |= {alias for a in docs.articles if a.source in focus for alias in a.aliases}
    urls |= {a.url for a in docs.authors if a.source in focus}
    urls |= {p.url for p in docs.pages if p.source in focus}
    return [path for path in map(output_path, sorted(urls)) if path in plan.jobs]


def _review(
    checked: Sequence[str], errors: Iterable[NewssiteError], warnings: Iterable[NewssiteError]
) -> Review:
    def unique(problems: Iterable[NewssiteError]) -> tuple[NewssiteError, ...]:
        found = {(p.path, p.line, p.field, p.message): p for p in problems}
        return tuple(sorted(found.values(), key=NewssiteError.sort_key))

    return Review(tuple(checked), unique(errors), unique(warnings))


def _about(problems: Iterable[NewssiteError], paths: set[str]) -> list[NewssiteError]:
    """The problems of the files asked about: their own, and those that name them (a URL
    two stories claim is reported at one of them and names the other)."""
    return [
        problem
        for problem in problems
        if problem.path in paths or any(path in problem.message for path in paths)
    ]


def _is_source(config: SiteConfig, path: str) -> bool:
    parts = PurePosixPath(path).parts
    return (
        len(parts) >= 3
        and parts[0] == "content"
        and parts[1] in ("articles", "authors", "pages")
        and path.endswith(".md")
        and not any(is_ignored_name(part) for part in parts)
        and (config.site_dir / path).is_file()
    )


def _source(config: SiteConfig, path: str, data: bytes | None) -> SourceFile:
    if data is None:
        data = (config.site_dir / path).read_bytes()
    kind = PurePosixPath(path).parts[1]
    return SourceFile(kind, path, data, hashlib.sha256(data).hexdigest())


def _sources_of(config: SiteConfig, kinds: Sequence[str]) -> list[SourceFile]:
    return [_source(config, path, None) for path in _markdown_under(config, kinds)]


def _markdown_under(config: SiteConfig, kinds: Sequence[str]) -> list[str]:
    """The Markdown files of content/<kind>/, as discover() finds them (names only)."""
    found: list[str] = []
    for kind in kinds:
        top = os.path.join(config.site_dir, "content", kind)
        for current, folders, names in os.walk(top):
            folders[:] = sorted(f for f in folders if not is_ignored_name(f))
            base = "content/" + kind + current[len(top) :].replace(os.sep, "/")
            found += [
                f"{base}/{name}"
                for name in sorted(names)
                if name.endswith(".md") and not is_ignored_name(name)
            ]
    return found


@dataclass(frozen=True, slots=True)
class _Archive:
    """What a quick read of every other story's front matter tells (review.py does not
    parse the archive)."""

    candidates: frozenset[str]  # stories that may claim a URL or alias of those asked about
    urls: frozenset[str]  # the URL each other story most likely has, for links to it


_SECTION_LINE = re.compile(rb"(?m)^section:[ \t]*['\"]?([A-Za-z0-9_-]+)")
_SLUG_LINE = re.compile(rb"(?m)^slug:[ \t]*['\"]?([a-z0-9-]+)['\"]?[ \t]*(?:#.*)?\r?$")


def _scan_archive(config: SiteConfig, articles: Sequence[Article], focus: set[str]) -> _Archive:
    """The stories whose file name, `slug:` or `aliases:` may give them one of the URLs of
    `articles`, and the likely URL of every story, from the first KiB of each file."""
    slugs = {article.slug for article in articles}
    slugs |= {alias.rstrip("/").rsplit("/", 1)[-1] for a in articles for alias in a.aliases}
    slugs.discard("")
    names = b"|".join(re.escape(slug.encode("utf-8")) for slug in sorted(slugs)) or b"(?!)"
    claims = re.compile(rb"/(?:" + names + rb")/")
    candidates: set[str] = set()
    urls: set[str] = set()
    site_dir = str(config.site_dir)
    for path in _markdown_under(config, ("articles",)):
        if path in focus:
            continue
        head = _front_matter_of(site_dir, path)
        explicit = _SLUG_LINE.search(head)
        slug = explicit.group(1).decode() if explicit else _slug_of_name(path)
        section = _SECTION_LINE.search(head)
        if section:
            urls.add(f"/{section.group(1).decode()}/{slug}/")
        if slug in slugs or claims.search(head):
            candidates.add(path)
    return _Archive(frozenset(candidates), frozenset(urls))


def _context_articles(
    config: SiteConfig, docs: Documents, candidates: Iterable[str], focus: set[str]
) -> tuple[Article, ...]:
    """Other stories the graph must know to judge these: those they link to, and those
    that could have the same URL or alias. Only their URLs matter here: their bodies,
    photos and unknown authors are left out, and so are stories with problems of their
    own (the full build reports them)."""
    authors = {author.slug for author in docs.authors}
    linked = {
        link
        for article in docs.articles
        for link in article.links
        if link.startswith("content/articles/") and link not in focus
    }
    sources = [
        _source(config, path, None)
        for path in sorted(linked | set(candidates))
        if _is_source(config, path)
    ]
    return tuple(
        replace(
            document,
            body_html="",
            links=(),
            assets=(),
            photo=None,
            authors=tuple(a for a in document.authors if a in authors) or tuple(authors)[:1],
        )
        for document, problems, _ in parse_sources(sources, config)
        if isinstance(document, Article) and not problems
    )


def _slug_of_name(path: str) -> str:
    parts = path.rsplit("/", 2)
    stem = parts[-1].removesuffix(".md")
    if stem == "index" and len(parts) == 3:
        stem = parts[1]  # a story folder: <slug>/index.md
    if SLUG_PATTERN.match(stem):
        return stem  # most file names are slugs already: slugify is far slower
    try:
        return slugify(stem)
    except InvalidSlugError:
        return ""


def _front_matter_of(site_dir: str, path: str) -> bytes:
    """The front matter of a file, read from its first 8 KiB (where it is, unless it is
    longer). os.read: a file object costs half again as much, and this runs for every story
    of the archive."""
    try:
        descriptor = os.open(os.path.join(site_dir, path), os.O_RDONLY)
        try:
            data = os.read(descriptor, 8192)
            end = data.find(b"\n---", 3)
            while end < 0 and (more := os.read(descriptor, 65536)):
                data += more
                end = data.find(b"\n---", 3)
        finally:
            os.close(descriptor)
    except OSError:
        return b""
    return data[: end if end >= 0 else len(data)]


# --- Which stories changed (git) ---------------------------------------------------------------


def changed_paths(site_dir: Path, ref: str | None) -> tuple[str, list[str]]:
    """The ref compared with, and the content files changed since it: committed since the
    merge base, staged, not staged, and new files git does not ignore."""
    base_ref = ref or _default_ref(site_dir)
    try:
        _git(site_dir, "rev-parse", "--verify", "--quiet", f"{base_ref}^{{commit}}")
    except UsageError as error:
        if "not in a git repository" in str(error):
            raise
        raise UsageError(
            f"--changed: {base_ref!r} is no branch, tag or commit of this repository"
        ) from None
    base = _git(site_dir, "merge-base", base_ref, "HEAD").strip()
    changed = _git(
        site_dir, "diff", "--name-only", "--no-renames", "--relative", "-z", base, "--", "content"
    )
    new = _git(site_dir, "ls-files", "--others", "--exclude-standard", "-z", "--", "content")
    paths = [path for path in (changed + new).split("\0") if path]
    return base_ref, sorted(set(paths))


def _default_ref(site_dir: Path) -> str:
    """The branch's upstream, else the remote's default branch."""
    for candidate in ("@{upstream}", "origin/HEAD"):
        try:
            return _git(site_dir, "rev-parse", "--abbrev-ref", candidate).strip()
        except UsageError:
            continue
    raise UsageError(
        "--changed: this branch has no upstream branch to compare with; give a ref, e.g. "
        "`newssite check --changed main`, or `--changed HEAD` for what is not committed yet"
    )


def _git(site_dir: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=site_dir,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError:
        raise UsageError("--changed needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"--changed: git {args[0]} did not answer in 60 s") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1:] or [f"git {args[0]} failed"]
        if "not a git repository" in done.stderr:
            message = [f"{site_dir.resolve()} is not in a git repository"]
        raise UsageError(f"--changed: {message[0]}")
    return done.stdout
