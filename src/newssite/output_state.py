"""What output/ holds as the last build left it: the manifest of the files it wrote, the
survey of output/ against it, and the journal of an in-place update that did not finish.

write.py keeps these records; the stages before it (the freshness check, the update path,
review) only read them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import pickle
import signal
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeGuard

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
# What in-place updates changed since the manifest was saved whole, a line of JSON each:
# saving 24,000 entries costs more than a small update; past this size it is saved whole.
MANIFEST_CHANGES_NAME = "manifest-changes.jsonl"
JOURNAL_NAME = "output-update.json"


class FileStat(NamedTuple):
    """What a build reads of a file's stat in output/ (an os.stat_result has these too)."""

    st_size: int
    st_mtime_ns: int
    st_ino: int


@dataclass(frozen=True, slots=True)
class OutputSurvey:
    """output/ as a build finds it: surveyed once, before rendering, and used to write."""

    files: Mapping[str, os.stat_result | FileStat]  # every file, by path inside output/
    manifest: Mapping[str, list[object]]  # the last build's (empty after an interrupted update)
    manifest_id: str | None  # names the manifest as saved whole, which its changes extend
    intact: frozenset[str]  # files exactly as the last build wrote them
    interrupted: bool  # a journal was found: an in-place update did not finish
    stamp: str = ""  # stamp_of_files(files)

    @property
    def trusted(self) -> bool:
        """Whether output/ holds every file of the last build as written, so that it may be
        updated in place."""
        return (
            not self.interrupted and bool(self.manifest) and len(self.intact) == len(self.manifest)
        )


def load_manifest(cache_dir: Path) -> dict[str, list[object]]:
    """path -> [size, mtime_ns, sha256] of the output as last written; junk is ignored."""
    return read_manifest(cache_dir)[1]


def read_manifest(cache_dir: Path) -> tuple[str | None, dict[str, list[object]]]:
    """The manifest's id and its files, with the changes saved since it was saved whole."""
    try:
        with collector_paused():
            data = json.loads((cache_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return None, {}
    files, manifest_id = data.get("files"), data.get("id")
    if not isinstance(files, dict):
        return None, {}
    if not isinstance(manifest_id, str):  # saved before there were changes
        return None, files
    try:
        lines = (cache_dir / MANIFEST_CHANGES_NAME).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    except OSError:
        return None, {}
    try:
        for line in lines:
            change = json.loads(line)
            if change["of"] != manifest_id:  # left by a build killed as it saved it whole
                break
            for path, entry in change["files"].items():
                if entry is None:
                    files.pop(path, None)
                else:
                    files[path] = entry
    except (ValueError, KeyError, TypeError, AttributeError):  # a torn or foreign line
        return None, {}
    return manifest_id, files


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection for a moment: json makes a tuple per file of a large
    manifest, all alive at once, and the collections they would set off in a build's heap
    cost several times the encoding (140 ms against 25 ms for 24,000 files)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def survey_output(output_dir: Path, cache_dir: Path) -> OutputSurvey:
    """List output/ and compare it with the manifest of the last build."""
    interrupted = update_interrupted(cache_dir)
    manifest_id, manifest = (None, {}) if interrupted else read_manifest(cache_dir)
    files = files_under(output_dir)
    intact = frozenset(
        path for path, stat in files.items() if as_recorded(manifest.get(path), stat)
    )
    return OutputSurvey(files, manifest, manifest_id, intact, interrupted)


@dataclass(frozen=True, slots=True)
class OutputListing:
    """output/ as listed by `listed_elsewhere`: every file's stat, and their stamp."""

    files: Mapping[str, tuple[int, int, int]]  # path -> size, mtime_ns, inode
    stamp: str  # stamp_of_files

    def survey(self, cache_dir: Path) -> OutputSurvey:
        """survey_output, from this listing."""
        interrupted = update_interrupted(cache_dir)
        manifest_id, manifest = (None, {}) if interrupted else read_manifest(cache_dir)
        files = dict(zip(self.files, map(FileStat._make, self.files.values()), strict=True))
        intact = frozenset(
            path for path, stat in files.items() if as_recorded(manifest.get(path), stat)
        )
        return OutputSurvey(files, manifest, manifest_id, intact, interrupted, self.stamp)


LISTING_PROCESSES = 2  # output/ is listed in shares, one process each, on both cores


@contextlib.contextmanager
def listed_elsewhere(output_dir: Path) -> Iterator[Callable[[], OutputListing]]:
    """output/ listed and stamped by forked processes, from now on: on the other cores,
    while this one reads the inputs or loads the stages (in threads they would take
    turns). Each lists a share of output/'s top-level entries. The callable waits for
    them. They are forked here, while the heap is small (cheap to copy), and end by
    themselves: a killed build leaves no process behind."""
    try:
        names = sorted(os.listdir(output_dir))
    except OSError:
        names = []
    shares = [names[n::LISTING_PROCESSES] for n in range(LISTING_PROCESSES)]
    started = [_list_elsewhere(output_dir, share) for share in shares if share]
    found: list[OutputListing] = []

    def listing() -> OutputListing:
        if not found:
            files: dict[str, tuple[int, int, int]] = {}
            total = 0
            for read_end, pid, share in started:
                with os.fdopen(read_end, "rb", closefd=False) as pipe:
                    data = pipe.read()
                os.waitpid(pid, 0)
                # The process's own pickle, through a pipe of this build (never from a file).
                if data:
                    share_files, share_sum = pickle.loads(data)
                else:
                    share_files = _files_of(output_dir, share)
                    share_sum = stamp_sum(share_files)
                files.update(share_files)
                total += share_sum
            found.append(OutputListing(files, _stamp_text(total)))
        return found[0]

    try:
        yield listing
    finally:
        for read_end, pid, _ in started:
            os.close(read_end)
            if not found:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)


def _list_elsewhere(output_dir: Path, names: list[str]) -> tuple[int, int, list[str]]:
    """Fork a process that writes the files under output_dir/NAME for each of `names`, with
    their stats, to a pipe: (the pipe's read end, the process, the names)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the listing process: it only writes its listing to the pipe
        try:
            # A collection here would walk the build's whole inherited heap, copying each
            # page it touches: that doubled the listing's time.
            gc.disable()
            os.close(read_end)
            files = _files_of(output_dir, names)
            data = pickle.dumps((files, stamp_sum(files)), pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    return read_end, pid, names


def _files_of(output_dir: Path, names: list[str]) -> dict[str, tuple[int, int, int]]:
    """path -> (size, mtime_ns, inode) of the files under output_dir/NAME, for each name."""
    return {
        path: (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        for path, stat in files_under(output_dir, only=names).items()
    }


_STAMP_MODULUS = 1 << 256


def stamp_of_files(
    files: Mapping[str, os.stat_result | FileStat] | Mapping[str, tuple[int, int, int]],
) -> str:
    """A hash of each file's path, size, mtime and inode: equal stamps, output/ untouched."""
    return _stamp_text(stamp_sum(files))


def restamped(
    stamp: str,
    gone: Mapping[str, os.stat_result | FileStat],
    new: Mapping[str, os.stat_result | FileStat],
) -> str:
    """The stamp of output/ once the files `gone` left it (with the stats they had) and the
    files `new` came (a file written again is in both): worked out from those alone."""
    total = int(stamp, 16) - stamp_sum(gone) + stamp_sum(new)
    return _stamp_text(total)


def _stamp_text(total: int) -> str:
    return f"{total % _STAMP_MODULUS:064x}"


def stamp_sum(
    files: Mapping[str, os.stat_result | FileStat] | Mapping[str, tuple[int, int, int]],
) -> int:
    """The sum of each file's hash (mod 2**256): the stamp of a whole is the sum of its
    shares' (each listing process stamps its own share)."""
    total = 0
    sha = hashlib.sha256
    for relative, stat in files.items():
        if isinstance(stat, os.stat_result):
            stat = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        size, mtime, inode = stat  # a FileStat or a (size, mtime, inode)
        line = f"{relative}\0{size}\0{mtime}\0{inode}"
        total += int.from_bytes(sha(line.encode("utf-8", "surrogatepass")).digest())
    return total % _STAMP_MODULUS


def update_interrupted(cache_dir: Path) -> bool:
    """Whether an in-place update of output/ began and did not end (its journal is there)."""
    return os.path.lexists(cache_dir / JOURNAL_NAME)


def as_recorded(entry: object, stat: os.stat_result) -> TypeGuard[list[object]]:
    """Whether a manifest entry [size, mtime_ns, sha256] records this stat (junk never does)."""
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and entry[0] == stat.st_size
        and entry[1] == stat.st_mtime_ns
    )


def files_under(
    root: Path, *, follow_symlinks: bool = False, only: Collection[str] | None = None
) -> dict[str, os.stat_result]:
    """Every file under root with its stat (a symlink's own, or its target's when
    follow_symlinks), keyed by relative path; an unreadable folder lists as empty.
    `only`: the names at root's top level to list (the rest are left out)."""
    found: dict[str, os.stat_result] = {}
    if not root.is_dir():
        return found
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError:
            continue
        if only is not None and not prefix:
            entries = [entry for entry in entries if entry.name in only]
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, relative + "/"))
                continue
            try:
                found[relative] = entry.stat(follow_symlinks=follow_symlinks)
            except OSError:  # a broken symlink: its own stat
                found[relative] = entry.stat(follow_symlinks=False)
    return found
