"""The command line: parse arguments, call the pipeline, print results, choose the exit code."""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC
from pathlib import Path
from typing import TextIO

from newssite import __version__
from newssite.errors import NewssiteError, UsageError, is_content_failure, problems_of
from newssite.model import BuildOptions

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
_SHOWN_INSTANCES = 3  # grouped warnings name this many of their files

DESCRIPTION = """\
newssite turns a folder of Markdown stories into a complete static news site:
article pages, section, author and tag pages, Atom feeds and sitemaps.

Start with:   newssite init my-site && cd my-site && newssite serve
"""


def _site_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the site folder, holding newssite.toml (default: the current folder)",
    )


def _publishing_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--drafts", action="store_true", help="include stories marked draft: true")
    parser.add_argument(
        "--future", action="store_true", help="include stories scheduled for a later date"
    )


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newssite",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newssite {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser("build", help="build the site into output/")
    _site_argument(build)
    build.add_argument(
        "--output", type=Path, metavar="DIR", help="where to write (default: DIR/output)"
    )
    _publishing_arguments(build)
    build.add_argument(
        "--base-url", metavar="URL", help="publish under another address, e.g. for a preview deploy"
    )
    build.add_argument(
        "--next-publish",
        action="store_true",
        help="print only when the next scheduled story goes live (for CI schedulers), then exit",
    )

    check = commands.add_parser("check", help="validate everything a build would, write nothing")
    _site_argument(check)
    _publishing_arguments(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument(
        "--changed",
        nargs="?",
        const="",
        default=None,
        metavar="REF",
        help="check only the stories changed since the git REF (default: the upstream branch)",
    )

    publish = commands.add_parser(
        "publish", help="check a story as `check --strict` does, then make it live"
    )
    publish.add_argument("story", type=Path, help="the story file, e.g. content/articles/x.md")
    publish.add_argument(
        "--at",
        metavar="TIME",
        help="go live at this time (an embargo), e.g. 2026-12-01T06:00:00+02:00; default: now",
    )
    _site_argument(publish)
    unpublish = commands.add_parser("unpublish", help="make a story a draft again")
    unpublish.add_argument("story", type=Path, help="the story file, e.g. content/articles/x.md")
    _site_argument(unpublish)

    serve = commands.add_parser(
        "serve", help="preview the site; rebuilds and reloads on every save"
    )
    _site_argument(serve)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)"
    )
    serve.add_argument(
        "--poll",
        type=float,
        nargs="?",
        const=0.5,
        default=None,
        metavar="SECONDS",
        help="watch by polling (for network or shared folders)",
    )
    serve.add_argument("--no-drafts", dest="drafts", action="store_false", help="hide drafts")
    serve.add_argument(
        "--no-future", dest="future", action="store_false", help="hide scheduled stories"
    )
    serve.set_defaults(drafts=True, future=True)

    new = commands.add_parser("new", help="start a new story file")
    kinds = new.add_subparsers(dest="kind", metavar="KIND", required=True)
    article = kinds.add_parser("article", help='a new article: newssite new article "Headline" ...')
    article.add_argument("headline", help="the story's headline, in quotes")
    article.add_argument(
        "--section", help="section slug, e.g. politics (default: the site's only section)"
    )
    article.add_argument(
        "--author",
        action="append",
        default=[],
        help="author slug, repeat for co-authors (default: the author whose email: is your "
        "git email, or the site's only author)",
    )
    article.add_argument("--date", help="publication date (ISO 8601); default: now")
    article.add_argument(
        "--lang", help="the edition it is written for, e.g. uk (default: the site's language)"
    )
    article.add_argument(
        "--translation-of",
        type=Path,
        metavar="PATH",
        help="the story it translates: written beside it as <name>.<lang>.md",
    )
    article.add_argument(
        "--publish",
        action="store_true",
        help="write it as published (draft: false): it goes live at the next build",
    )
    _site_argument(article)

    imports = commands.add_parser(
        "import", help="turn a WordPress export or a Hugo or Jekyll site into this site"
    )
    imports.add_argument("kind", choices=("wordpress", "hugo", "jekyll"), help="the old system")
    imports.add_argument(
        "source", type=Path, help="the WordPress export (.xml), or the Hugo or Jekyll folder"
    )
    _site_argument(imports)
    imports.add_argument(
        "--uploads", type=Path, metavar="DIR", help="a copy of wp-content/uploads (WordPress)"
    )
    imports.add_argument(
        "--force",
        action="store_true",
        help="overwrite files an earlier import made and nobody edited since",
    )

    init = commands.add_parser("init", help="create a new site that builds at once")
    init.add_argument("directory", type=Path, help="folder to create")
    init.add_argument("--title", default="The Example Independent", help="the outlet's name")
    init.add_argument(
        "--timezone",
        default="UTC",
        metavar="ZONE",
        help="the newsroom's time zone, e.g. Europe/Kyiv (default: UTC)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    handler = _COMMANDS[args.command]
    previous = _stop_on_sigterm()
    try:
        return handler(args, sys.stdout)
    except KeyboardInterrupt:
        print("newssite: interrupted; the previous output was left as it was", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _Terminated:
        print("newssite: terminated; the previous output was left as it was", file=sys.stderr)
        return EXIT_TERMINATED
    except UsageError as error:
        print(f"newssite: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BaseException as error:
        if not is_content_failure(error):
            raise
        return _report_problems(error, args.command)
    finally:
        _restore_sigterm(previous)


class _Terminated(BaseException):
    """SIGTERM, raised like Ctrl-C so the build cleans its staging folder on the way out."""


def _stop_on_sigterm() -> object:
    if threading.current_thread() is not threading.main_thread():
        return None

    def terminate(signum: int, frame: object) -> None:
        raise _Terminated

    return signal.signal(signal.SIGTERM, terminate)


def _restore_sigterm(previous: object) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]


def _report_problems(error: BaseException, command: str = "build") -> int:
    from newssite.write import PARTLY_UPDATED

    problems = problems_of(error)
    for problem in problems:
        print(problem, file=sys.stderr)
    count = len(problems)
    errors = f"{count} error{'s' if count != 1 else ''}"
    if command == "build" and any(PARTLY_UPDATED in str(problem) for problem in problems):
        print(f"newssite: {errors}; {PARTLY_UPDATED}", file=sys.stderr)
    elif command == "build":
        print(
            f"newssite: {errors}; nothing was published (the previous output is unchanged)",
            file=sys.stderr,
        )
    else:
        print(f"newssite: {errors}", file=sys.stderr)
    return EXIT_CONTENT


def _print_warnings(warnings: Sequence[NewssiteError], stream: TextIO) -> None:
    repeated, single = _group_repeated(warnings)
    for warning in single:
        print(f"warning: {warning}", file=stream)
    for line in _repeated_lines(repeated, "warning"):
        print(line, file=stream)
    for line in _kind_summary(warnings):
        print(line, file=stream)


def _group_repeated(
    problems: Sequence[NewssiteError],
) -> tuple[list[list[NewssiteError]], list[NewssiteError]]:
    """The same warning about the same thing in several files (one undersized photo used by
    1,400 stories) as one group; the rest one by one, in their order."""
    groups: dict[tuple[str | None, str], list[NewssiteError]] = {}
    for problem in problems:
        groups.setdefault((_kind_of(problem), problem.message), []).append(problem)
    repeated = [group for group in groups.values() if len({p.path for p in group}) > 1]
    grouped = {id(p) for group in repeated for p in group}
    return repeated, [p for p in problems if id(p) not in grouped]


def _kind_of(problem: NewssiteError) -> str:
    """A warning's kind is its field without indexes: "aliases[2]" -> "aliases"."""
    field = problem.field or ""
    if "[" in field:
        field = re.sub(r"\[\d+\]", "", field)
    return field or "site"


def _repeated_lines(groups: Sequence[Sequence[NewssiteError]], level: str) -> list[str]:
    lines = []
    for group in groups:
        first = group[0]
        where = [f"{p.path}:{p.line}" if p.line else str(p.path) for p in group]
        shown = ", ".join(where[:_SHOWN_INSTANCES])
        more = f" and {len(where) - _SHOWN_INSTANCES} more" if len(where) > _SHOWN_INSTANCES else ""
        field = f"{first.field}: " if first.field else ""
        prefix = "warning: " if level == "warning" else ""
        lines.append(f"{prefix}{field}{first.message} ({len(group)} times: {shown}{more})")
    return lines


def _kind_summary(warnings: Sequence[NewssiteError]) -> list[str]:
    """One line per kind of warning, most frequent first, when there are several."""
    counts: dict[str, int] = {}
    for warning in warnings:
        counts[_kind_of(warning)] = counts.get(_kind_of(warning), 0) + 1
    if len(warnings) < 2:
        return []
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [f"  {count} warning{'s' if count != 1 else ''}: {kind}" for kind, count in ordered]


def _run_build(args: argparse.Namespace, out: TextIO) -> int:
    from newssite.progress import BuildProgress
    from newssite.start import build_started, now_from_clock, unchanged_report

    progress = BuildProgress(out)
    options = BuildOptions(
        drafts=args.drafts,
        future=args.future,
        base_url=args.base_url,
        output_dir=str(args.output) if args.output else None,
        now=now_from_clock(),
        progress=progress,
    )
    if args.next_publish:
        from newssite.build import check

        report = check(args.site, options)
        if report.next_publish:
            print(report.next_publish.astimezone(UTC).isoformat().replace("+00:00", "Z"), file=out)
        return EXIT_OK
    started = time.perf_counter()
    try:
        # Started before the stages load: output/ is listed on the other core meanwhile,
        # and a build with nothing to do never loads them.
        with build_started(args.site, options) as start:
            if start.unchanged is not None:
                report = unchanged_report(start)
            else:
                from newssite.build import build

                report = build(args.site, options, start=start)
    finally:
        progress.close()
    _print_warnings(report.warnings, sys.stderr)
    seconds = time.perf_counter() - started
    print(
        f"{'Updated' if report.updated else 'Built'} {report.pages} pages, {report.files} files "
        f"({report.written} written, {report.unchanged} unchanged, {report.removed} removed) "
        f"in {seconds:.2f} s -> {_shown_path(report.output_dir)}",
        file=out,
    )
    stages = ", ".join(f"{name} {secs:.2f} s" for name, secs in report.stage_seconds)
    print(f"  stages: {stages}", file=out)
    if report.next_publish:
        print(f"  next scheduled story goes live at {report.next_publish.isoformat()}", file=out)
    return EXIT_OK


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _run_check(args: argparse.Namespace, out: TextIO) -> int:
    from newssite.build import check
    from newssite.start import now_from_clock

    options = BuildOptions(drafts=args.drafts, future=args.future, now=now_from_clock())
    if args.changed is not None:
        return _check_changed(args, options, out)
    pages: int | None = None
    try:
        report = check(args.site, options, editorial=True)
    except Exception as error:
        if not is_content_failure(error):
            raise
        errors, warnings = problems_of(error), []
    else:
        errors, warnings, pages = [], list(report.warnings), report.pages
    return _print_check(args, out, pages, errors, warnings)


def _check_changed(args: argparse.Namespace, options: BuildOptions, out: TextIO) -> int:
    from newssite.review import changed_paths, review_stories

    ref, paths = changed_paths(args.site, args.changed or None)
    review = review_stories(args.site, paths, options)
    errors, warnings = list(review.errors), list(review.warnings)
    return _print_check(args, out, len(review.checked), errors, warnings, since=ref)


def _print_check(
    args: argparse.Namespace,
    out: TextIO,
    pages: int | None,
    errors: list[NewssiteError],
    warnings: list[NewssiteError],
    since: str | None = None,
) -> int:
    # --strict: the desk's warnings block publishing like errors do.
    level = "error" if args.strict else "warning"
    problems = sorted(
        [(problem, "error") for problem in errors] + [(warning, level) for warning in warnings],
        key=lambda item: item[0].sort_key(),
    )
    failed = bool(errors) or (args.strict and bool(warnings))
    if args.format == "json":
        data = {
            "ok": not failed,
            "pages": pages,
            "errors": sum(1 for _, kind in problems if kind == "error"),
            "warnings": sum(1 for _, kind in problems if kind == "warning"),
            "problems": [
                {
                    "path": problem.path,
                    "line": problem.line,
                    "field": problem.field,
                    "message": problem.message,
                    "level": kind,
                }
                for problem, kind in problems
            ],
        }
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
    else:
        # Errors go to stderr like a build's; the desk's warnings are the report (stdout).
        _print_grouped([item for item in problems if item[1] == "error"], sys.stderr)
        repeated, single = _group_repeated([p for p, kind in problems if kind == "warning"])
        _print_grouped([(p, level) for p in single], out)
        for line in _repeated_lines(repeated, level):
            print(line, file=out)
        for line in _kind_summary(warnings):
            print(line, file=out)
        print(_check_summary(pages, len(errors), len(warnings), args.strict, since), file=out)
    return EXIT_CONTENT if failed else EXIT_OK


def _print_grouped(problems: Sequence[tuple[NewssiteError, str]], out: TextIO) -> None:
    """A heading line per file, then its problems: `path:LINE: field: message` as a build
    prints them (warnings with a `warning: ` prefix), and a blank line between files."""
    current: str | None = None
    for problem, level in problems:
        heading = problem.path or "(the site)"
        if heading != current:
            if current is not None:
                print(file=out)
            print(heading, file=out)
            current = heading
        print(f"warning: {problem}" if level == "warning" else str(problem), file=out)
    if problems:
        print(file=out)


def _check_summary(
    pages: int | None, errors: int, warnings: int, strict: bool, since: str | None = None
) -> str:
    def count(number: int, word: str) -> str:
        return f"{number or 'no'} {word}{'s' if number != 1 else ''}"

    if pages is None:
        return f"Check failed: {count(errors, 'error')}; fix them, then check again."
    what = (
        count(pages, "page") if since is None else f"{count(pages, 'changed file')} since {since}"
    )
    text = f"Checked {what}: {count(errors, 'error')}, {count(warnings, 'warning')}"
    return text + (" (--strict: warnings count as errors)." if strict and warnings else ".")


def _run_serve(args: argparse.Namespace, out: TextIO) -> int:
    from newssite.serve import serve

    return serve(
        args.site,
        host=args.host,
        port=args.port,
        poll=args.poll,
        drafts=args.drafts,
        future=args.future,
        out=out,
    )


def _run_new(args: argparse.Namespace, out: TextIO) -> int:
    from newssite.scaffold import git_user_email, new_article
    from newssite.start import now_from_clock

    story = new_article(
        args.site,
        args.headline,
        args.section,
        tuple(args.author),
        args.date,
        now_from_clock(),
        publish=args.publish,
        git_email=None if args.author else git_user_email(args.site),
        lang=args.lang,
        translation_of=args.translation_of,
    )
    print(f"Created {story.path}", file=out)
    if story.defaults:
        print(f"  {'; '.join(story.defaults)}", file=out)
    if story.draft:
        print("  It is a draft (draft: true): no build publishes it.", file=out)
    else:
        print("  It is published (draft: false): it goes live at the next build, once", file=out)
        print("  the placeholder text is replaced (a build refuses a story holding it).", file=out)
    print(f"  Preview it with 'newssite serve' at {story.preview_url}", file=out)
    if story.draft:
        print(f"  When it is ready: newssite publish {story.path}", file=out)
    return EXIT_OK


def _run_publish(args: argparse.Namespace, out: TextIO) -> int:
    from newssite.publish import publish_story
    from newssite.start import now_from_clock

    now = now_from_clock()
    done = publish_story(args.site, args.story, args.at, now, BuildOptions(now=now))
    review = done.review
    if not done.written:
        problems = [(p, "error") for p in review.errors] + [(w, "warning") for w in review.warnings]
        _print_grouped(sorted(problems, key=lambda item: item[0].sort_key()), sys.stderr)
        count = len(problems)
        print(
            f"newssite: not published: {count} problem{'s' if count != 1 else ''} "
            "(errors, and the desk's warnings as `check --strict` counts them); "
            f"{args.story} was left as it was",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    when, shown = done.date.isoformat(), _shown_path(done.path)
    if done.scheduled:
        print(f"Scheduled {shown}: it goes live at {when},", file=out)
        print("  at the first build after that time (or a build with --future).", file=out)
    elif done.redated:
        print(f"Published {shown} (draft: false, dated {when}):", file=out)
        print("  it goes live at the next build.", file=out)
    else:
        print(f"{shown} was published already (dated {when}); it checks clean.", file=out)
    print(f"  URL: {done.url}", file=out)
    return EXIT_OK


def _run_unpublish(args: argparse.Namespace, out: TextIO) -> int:
    from newssite.publish import unpublish_story

    done = unpublish_story(args.site, args.story)
    shown = _shown_path(done.path)
    if done.already_draft:
        print(f"{shown} is a draft already (draft: true); nothing changed.", file=out)
        return EXIT_OK
    print(f"Unpublished {shown} (draft: true).", file=out)
    print(f"At the next build {done.url} is taken down (a link to it leads nowhere;", file=out)
    print("  to take it down with a notice at its URL instead, use `removed:`).", file=out)
    if done.leaves:
        print("  It leaves these feeds and sitemaps:", file=out)
        for url in done.leaves:
            print(f"    {url}", file=out)
    else:
        print("  It is in none of the last build's feeds and sitemaps.", file=out)
    return EXIT_OK


def _run_init(args: argparse.Namespace, out: TextIO) -> int:
    from newssite.scaffold import init_site
    from newssite.start import now_from_clock

    created = init_site(
        args.directory, title=args.title, timezone=args.timezone, now=now_from_clock()
    )
    print(f"Created a new site in {args.directory} ({len(created)} files).", file=out)
    print("Next steps:", file=out)
    print(f"  cd {args.directory}", file=out)
    print("  newssite serve        # preview at http://127.0.0.1:8000/", file=out)
    print('  newssite new article "Your headline"   # a draft, until you publish it', file=out)
    print("  newssite build        # the site is written to output/", file=out)
    return EXIT_OK


def _run_import(args: argparse.Namespace, out: TextIO) -> int:
    from newssite.importers import import_archive

    if not args.source.exists():
        raise UsageError(f"{args.source}: no such file or folder")
    report = import_archive(
        args.kind, args.source, args.site, uploads=args.uploads, force=args.force
    )
    archive = report.archive
    counts = ", ".join(f"{number} {kind}" for kind, number in report.counts().items())
    made = "Made a new site" if report.created_site else "Imported"
    print(f"{made} in {_shown_path(report.site_dir)} from {args.source}: {counts}.", file=out)
    print(
        f"  files: {len(report.written)} written, {len(report.unchanged)} unchanged, "
        f"{len(report.overwritten)} overwritten",
        file=out,
    )
    if report.sections_added:
        print(f"  sections added to newssite.toml: {', '.join(report.sections_added)}", file=out)
    for label, paths in (
        ("edited since the last import, kept as they are", report.kept_edited),
        ("changed in the archive; run again with --force to update them", report.kept_stale),
        ("already there and not made by an import, kept as they are", report.kept_foreign),
    ):
        if paths:
            print(f"  {len(paths)} files {label}:", file=out)
            for path in paths[:10]:
                print(f"    {path}", file=out)
            if len(paths) > 10:
                print(f"    ... and {len(paths) - 10} more", file=out)
    if archive.skipped:
        skipped = ", ".join(f"{number} {what}" for what, number in archive.skipped.items())
        print(f"  skipped: {skipped}", file=out)
    if archive.query_redirects:
        print(
            f"  {len(archive.query_redirects)} old URLs with a query (/?p=ID) cannot be static "
            "redirects; they are listed in import-redirects.txt for your web server",
            file=out,
        )
    kinds = sorted({warning.kind for warning in archive.warnings})
    for kind in kinds:
        warnings = [warning for warning in archive.warnings if warning.kind == kind]
        print(f"warning: {kind}: {len(warnings)}", file=out)
        for warning in warnings[: _SHOWN_INSTANCES * 2]:
            where = f"{warning.path} ({warning.title}): " if warning.path else ""
            print(f"  {where}{warning.message}", file=out)
        if len(warnings) > _SHOWN_INSTANCES * 2:
            print(
                f"  ... and {len(warnings) - _SHOWN_INSTANCES * 2} more (all in import-report.txt)",
                file=out,
            )
    print("Next: newssite check, then newssite build (see docs/migration.md).", file=out)
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "import": _run_import,
    "build": _run_build,
    "check": _run_check,
    "serve": _run_serve,
    "new": _run_new,
    "publish": _run_publish,
    "unpublish": _run_unpublish,
    "init": _run_init,
}
