"""Write the built site into output/: a small change in place, any other through a swap.

A small change to an output/ that is exactly as the last build left it is made in place,
so that publishing one story costs in proportion to the story, not to the archive: each
new or changed file is renamed over its old one (atomic per file), the files of removed
pages go with the folders they leave empty, and every other file is not touched. Each old
file first gets a second name beside it: an error puts them all back (output/ is left as
it was), success hands them to a background removal. A journal in the cache folder,
synced before the first change and removed after the last, marks the update: a build that
finds one (the update was killed) trusts nothing in output/ and rebuilds it whole, and
the no-change shortcut (freshness.py) does not apply.

Any other build (the first one, a new theme or config, a repair) writes a staging folder
beside output/ and swaps it in, so that output/ holds the old site or the new one, never a
mix; unchanged files are hard-linked from the previous output.

Either way a build that fails leaves output/ as it was, and unchanged files keep their
bytes, inode and mtime (deploy tools upload only what changed).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from newssite.errors import NewssiteError, UsageError
from newssite.model import Output
from newssite.output_state import (
    JOURNAL_NAME,
    MANIFEST_CHANGES_NAME,
    MANIFEST_NAME,
    MANIFEST_VERSION,
    OutputSurvey,
    as_recorded,
    collector_paused,
    restamped,
    stamp_of_files,
    survey_output,
)
from newssite.spool import (
    FILE_MODE,
    TRASH_PREFIX,
    Copy,
    remove_dead_builds_folders,
    sha256_hex,
    write_new_file,
)

PARTLY_UPDATED = "output/ is partly updated; the next build repairs it"
MANIFEST_CHANGES_LIMIT = 1 << 20
DIR_MODE = 0o755
# An in-place update shows readers a mix of old and new pages while it runs (the swap never
# does) and a kill leaves that mix until the next build, so it is kept for changes made in
# milliseconds: a story published or edited touches tens of files, 500 take some 20 ms.
# A change to a quarter of the site or more (a theme, the config, a renamed section) is
# published whole: staging then costs about as much as the writing itself.
IN_PLACE_LIMIT = 500
IN_PLACE_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int
    # Every file of output/ with its stat after writing, when the write knows it without
    # listing output/ again (a small change made in place, or none); else None.
    files: Mapping[str, os.stat_result] | None = None
    stamp: str | None = None  # output_state.stamp_of_files(files), when files is known

    @property
    def total(self) -> int:
        return self.written + self.unchanged


@contextlib.contextmanager
def output_lock(output_dir: Path) -> Iterator[None]:
    """One build at a time per output folder; a second one fails at once, naming the holder."""
    lock_path = output_dir.parent / f"{output_dir.name}.lock"
    try:
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")  # noqa: SIM115 (held for the whole block)
    except OSError as error:
        raise UsageError(
            f"{output_dir}: cannot create {lock_path.name}: {error.strerror}"
        ) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise UsageError(f"another build holds {lock_path.name} (pid {holder})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_output_dir(output_dir: Path) -> Path:
    """The real folder to publish into: a symlinked output/ is followed, a file is refused."""
    if output_dir.is_symlink():
        output_dir = output_dir.resolve()
    if output_dir.exists() and not output_dir.is_dir():
        raise UsageError(f"{output_dir}: exists and is not a directory")
    parent = output_dir.parent
    if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{output_dir}: permission denied (cannot write in {parent})")
    return output_dir


def clean_stale_staging(output_dir: Path) -> None:
    """Remove staging and old folders left behind by builds that were killed."""
    name = output_dir.name
    remove_dead_builds_folders(output_dir.parent, (f"{name}.tmp-", f"{name}.old-"))


def _save_manifest(cache_dir: Path, files: dict[str, list[object]]) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_dir / f"{MANIFEST_NAME}.{os.getpid()}"
    manifest_id = f"{os.getpid()}-{time.time_ns()}"
    with collector_paused():
        text = json.dumps({"version": MANIFEST_VERSION, "id": manifest_id, "files": files})
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, cache_dir / MANIFEST_NAME)
    (cache_dir / MANIFEST_CHANGES_NAME).unlink(missing_ok=True)


def _save_manifest_changes(
    cache_dir: Path, manifest_id: str, changes: Mapping[str, list[object] | None]
) -> None:
    line = json.dumps({"of": manifest_id, "files": changes}) + "\n"
    descriptor = os.open(
        cache_dir / MANIFEST_CHANGES_NAME, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE
    )
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(line)


def _new_digest(output: Output) -> str:
    if output.digest is not None:
        return output.digest
    assert output.data is not None, output.path
    return sha256_hex(output.data)


def _size(output: Output) -> int:
    if output.data is not None:
        return len(output.data)
    assert output.spooled is not None, output.path
    return os.stat(output.spooled).st_size


def _check_paths(paths: Sequence[str]) -> None:
    # All paths joined and searched at once: one search per path costs much on a large site.
    joined = "/" + "/\n/".join(paths) + "/"
    if paths and ("//" in joined or "/./" in joined or "/../" in joined):
        bad = next(p for p in paths if any(part in ("", ".", "..") for part in p.split("/")))
        raise NewssiteError(f"refusing to write outside the output folder: {bad!r}")
    if len(set(paths)) < len(paths):
        seen: set[str] = set()
        for path in paths:
            if path in seen:
                raise NewssiteError(f"two files would be written to {path}", path=path)
            seen.add(path)


def write_outputs(
    outputs: Sequence[Output],
    copies: Sequence[Copy],
    output_dir: Path,
    cache_dir: Path,
    keep_files: Sequence[str] = (),
    survey: OutputSurvey | None = None,
) -> WriteReport:
    """Make output_dir hold exactly these files: a small change in place, any other through a
    staged folder swapped in. `survey`: output/ as found before rendering (else surveyed here)."""
    output_dir = check_output_dir(output_dir)
    _check_paths([o.path for o in outputs] + [c.path for c in copies])
    clean_stale_staging(output_dir)
    if survey is None:
        survey = survey_output(output_dir, cache_dir)
    manifest, existing = survey.manifest, survey.files

    # An output without bytes was not made again: its file is as the last build wrote it.
    made = [o for o in outputs if o.data is not None or o.spooled is not None]
    digests = {o.path: _new_digest(o) for o in made}

    def unchanged_output(output: Output) -> bool:
        stat = existing.get(output.path)
        if stat is None or stat.st_size != _size(output):
            return False
        recorded = manifest.get(output.path)
        digest = digests[output.path]
        if as_recorded(recorded, stat):
            return recorded[2] == digest
        try:
            return sha256_hex((output_dir / output.path).read_bytes()) == digest
        except OSError:
            return False

    def unchanged_copy(copy: Copy) -> bool:
        stat = existing.get(copy.path)
        source = copy.source.stat()
        return stat is not None and (stat.st_size, stat.st_mtime_ns) == (
            source.st_size,
            source.st_mtime_ns,
        )

    same_outputs = {o.path for o in outputs if o.data is None and o.spooled is None}
    same_outputs.update(o.path for o in made if unchanged_output(o))
    same_copies = {c.path for c in copies if unchanged_copy(c)}
    kept = [name for name in keep_files if name in existing]
    planned = {o.path for o in outputs} | {c.path for c in copies} | set(kept)
    removed = [path for path in existing if path not in planned]
    written = len(outputs) + len(copies) - len(same_outputs) - len(same_copies)
    if written == 0 and not removed and output_dir.is_dir() and not survey.interrupted:
        stamp = survey.stamp or stamp_of_files(existing)
        return WriteReport(0, len(same_outputs) + len(same_copies), 0, existing, stamp)

    unchanged = same_outputs | same_copies
    changed = [o for o in outputs if o.path not in unchanged]
    changed_copies = [c for c in copies if c.path not in unchanged]
    new_paths = [o.path for o in changed] + [c.path for c in changed_copies]
    if (
        survey.trusted
        and _small_change(written + len(removed), len(outputs) + len(copies))
        and not _clashes(new_paths, existing, output_dir)
    ):
        _update_in_place(changed, changed_copies, removed, output_dir, cache_dir)
        gone = [p for p in [*removed, *kept, *(c.path for c in copies)] if p in manifest]
        _record_changes(output_dir, cache_dir, digests, same_outputs, survey, gone)
        files: dict[str, os.stat_result] | None = dict(existing)
        for path in removed:
            del files[path]
        files.update((path, os.stat(output_dir / path)) for path in new_paths)
        before = {path: existing[path] for path in [*removed, *new_paths] if path in existing}
        after = {path: files[path] for path in new_paths}
        stamp = restamped(survey.stamp, before, after) if survey.stamp else stamp_of_files(files)
    else:
        _publish_staged(outputs, copies, kept, unchanged, output_dir, cache_dir)
        _record(output_dir, cache_dir, digests, same_outputs, survey)
        files = stamp = None
    # Only once output/ is whole again and its manifest saved: a kill before this line
    # leaves the journal, and the next build repairs output/.
    with contextlib.suppress(OSError):
        (cache_dir / JOURNAL_NAME).unlink(missing_ok=True)
    return WriteReport(written, len(same_outputs) + len(same_copies), len(removed), files, stamp)


def _small_change(changes: int, files: int) -> bool:
    return changes <= IN_PLACE_LIMIT and changes < files * IN_PLACE_SHARE


def _clashes(paths: Iterable[str], existing: Mapping[str, object], output_dir: Path) -> bool:
    """Whether a new file needs a folder where a file is, or goes where a folder is: in
    place, one could not be put back after the other (the swap has no such order)."""
    for path in paths:
        parent = path.rpartition("/")[0]
        while parent:
            if parent in existing:
                return True
            parent = parent.rpartition("/")[0]
        if os.path.isdir(f"{output_dir}/{path}"):
            return True
    return False


def _update_in_place(
    outputs: Sequence[Output],
    copies: Sequence[Copy],
    removed: Sequence[str],
    output_dir: Path,
    cache_dir: Path,
) -> None:
    """Write these outputs and copies over their files in output/ and remove `removed`, each
    file atomically, under a journal (see the module docstring). On an error the files
    done so far are put back, so that output/ is left as it was."""
    _begin_journal(cache_dir, [o.path for o in outputs] + [c.path for c in copies], removed)
    root = str(output_dir)
    # What to undo: each file with its old one set aside beside it (None: it is new),
    # and the folders made for new files.
    done: list[tuple[str, str | None]] = []
    made_dirs: list[str] = []
    path = ""
    try:
        for output in outputs:
            path = output.path
            destination = f"{root}/{path}"
            _make_folders(root, path, made_dirs)
            done.append((destination, _link_aside(destination)))
            if output.spooled is not None:
                _move_in(output.spooled, destination)
            else:
                assert output.data is not None, path
                _replace(destination, partial(write_new_file, data=output.data, shown=path))
        for copy in copies:
            path = copy.path
            destination = f"{root}/{path}"
            _make_folders(root, path, made_dirs)
            done.append((destination, _link_aside(destination)))
            _replace(destination, partial(shutil.copy2, copy.source))
        for path in removed:
            destination, aside = f"{root}/{path}", _aside(f"{root}/{path}")
            with contextlib.suppress(FileNotFoundError):
                os.rename(destination, aside)
                done.append((destination, aside))
    except BaseException as error:
        put_back = _put_back(done, [f"{root}/{folder}" for folder in made_dirs])
        if put_back:
            with contextlib.suppress(OSError):
                (cache_dir / JOURNAL_NAME).unlink()
        if not isinstance(error, OSError):
            raise
        outcome = "output/ was left as it was" if put_back else PARTLY_UPDATED
        raise NewssiteError(
            f"{error.strerror or error} ({outcome})", path=f"{root}/{path}", field="output"
        ) from None
    _discard([aside for _, aside in done if aside is not None], cache_dir)
    with contextlib.suppress(OSError):
        _remove_emptied_folders(root, removed)


def _aside(file: str) -> str:
    folder, _, name = file.rpartition("/")
    return f"{folder}/.{name}.newssite-old-{os.getpid()}"


def _link_aside(file: str) -> str | None:
    """A second name for the file beside it, to put it back from (None: there is no file)."""
    aside = _aside(file)
    try:
        os.link(file, aside, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except FileExistsError:  # left by a killed build of the same pid
        os.unlink(aside)
        os.link(file, aside, follow_symlinks=False)
    except OSError:  # a file system without hard links
        shutil.copy2(file, aside, follow_symlinks=False)
    return aside


def _put_back(done: Sequence[tuple[str, str | None]], made_dirs: Sequence[str]) -> bool:
    """Undo an in-place update: each file's old one back, new files and folders removed.
    False when something could not be put back."""
    try:
        for file, aside in reversed(done):
            if aside is not None:
                os.replace(aside, file)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(aside)  # still there when both names were of one file
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(file)
        for folder in reversed(made_dirs):
            os.rmdir(folder)
    except OSError:
        return False
    return True


def _begin_journal(cache_dir: Path, written: Sequence[str], removed: Sequence[str]) -> None:
    """Record on disk, synced, what an in-place update is about to change."""
    journal = cache_dir / JOURNAL_NAME
    data = json.dumps({"pid": os.getpid(), "write": sorted(written), "remove": sorted(removed)})
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data.encode("utf-8", "surrogatepass"))
            handle.flush()
            os.fsync(handle.fileno())
        folder = os.open(cache_dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as error:
        with contextlib.suppress(OSError):
            journal.unlink(missing_ok=True)
        raise NewssiteError(
            f"{error.strerror or error} while preparing to write (output/ was left as it was)",
            path=str(journal),
        ) from None


def _remove_emptied_folders(root: str, removed: Iterable[str]) -> None:
    """Remove the folders that removing these files left empty, deepest first: a clean
    build has no empty folder."""
    folders: set[str] = set()
    for path in removed:
        parent = path.rpartition("/")[0]
        while parent and parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    for folder in sorted(folders, key=lambda name: name.count("/"), reverse=True):
        try:
            os.rmdir(f"{root}/{folder}")
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT):
                raise


def _make_folders(root: str, path: str, made_dirs: list[str]) -> None:
    """Make the missing folders of path, listing each one made in made_dirs."""
    parent = path.rpartition("/")[0]
    if not parent or os.path.isdir(f"{root}/{parent}"):
        return
    folder = ""
    for part in parent.split("/"):
        folder = f"{folder}/{part}" if folder else part
        with contextlib.suppress(FileExistsError):
            os.mkdir(f"{root}/{folder}")
            os.chmod(f"{root}/{folder}", DIR_MODE)  # whatever the umask
            made_dirs.append(folder)


def _move_in(spooled: str, destination: str) -> None:
    """Rename a spooled file over destination; copied beside it first when the spool is on
    another file system (an output folder elsewhere)."""
    try:
        os.replace(spooled, destination)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        _replace(destination, partial(shutil.copyfile, spooled))


def _replace(destination: str, make: Callable[[str], object]) -> None:
    """Make a file at a temporary name beside destination, then rename it over destination."""
    folder, _, name = destination.rpartition("/")
    temporary = f"{folder}/.{name}.newssite-{os.getpid()}"
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        make(temporary)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, destination)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _publish_staged(
    outputs: Sequence[Output],
    copies: Sequence[Copy],
    kept: Sequence[str],
    unchanged: set[str],
    output_dir: Path,
    cache_dir: Path,
) -> None:
    staging = output_dir.parent / f"{output_dir.name}.tmp-{os.getpid()}"
    try:
        _stage(outputs, copies, kept, unchanged, output_dir, staging)
        _swap(staging, output_dir, cache_dir)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            raise NewssiteError(
                f"{error.strerror or error} while writing the site",
                path=str(output_dir),
                field="output",
            ) from None
        raise


def _stage(
    outputs: Sequence[Output],
    copies: Sequence[Copy],
    kept: Sequence[str],
    unchanged: set[str],
    output_dir: Path,
    staging: Path,
) -> None:
    staging.mkdir(mode=DIR_MODE)
    os.chmod(staging, DIR_MODE)
    made_dirs: set[str] = set()
    root, published = str(staging), str(output_dir)

    # Plain strings, not Path objects: a large site stages tens of thousands of files.
    def target(path: str) -> str:
        parent = path.rpartition("/")[0]
        if parent and parent not in made_dirs:
            folder = ""
            for part in parent.split("/"):
                folder = f"{folder}/{part}" if folder else part
                if folder not in made_dirs:
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(f"{root}/{folder}")
                    os.chmod(f"{root}/{folder}", DIR_MODE)  # whatever the umask
                    made_dirs.add(folder)
        return f"{root}/{path}"

    for path in sorted(unchanged | set(kept)):
        _link_or_copy(f"{published}/{path}", target(path))
    for output in outputs:
        if output.path in unchanged:
            continue
        if output.spooled is not None:
            _link_or_copy(output.spooled, target(output.path))
            continue
        assert output.data is not None, output.path
        write_new_file(target(output.path), output.data, output.path)
    for copy in copies:
        if copy.path in unchanged:
            continue
        destination = target(copy.path)
        shutil.copy2(copy.source, destination)
        os.chmod(destination, FILE_MODE)


def _link_or_copy(source: Path | str, destination: Path | str) -> None:
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, destination, follow_symlinks=False)


def _swap(staging: Path, output_dir: Path, trash_dir: Path) -> None:
    """Two renames; between them output/ is briefly absent (POSIX has no directory exchange)."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    old = output_dir.parent / f"{output_dir.name}.old-{os.getpid()}"
    os.rename(output_dir, old)
    try:
        os.rename(staging, output_dir)
    except OSError:
        os.rename(old, output_dir)
        raise
    _remove_in_background(old, trash_dir)


def _remove_in_background(folder: Path, trash_dir: Path) -> None:
    """Delete the replaced tree without making the build wait for it (tens of thousands of
    files on a large site): moved into the cache folder, out of sight, and removed there by
    a process of its own. What a failed removal leaves, the next build removes."""
    trash = trash_dir / f"{TRASH_PREFIX}{os.getpid()}"
    try:
        trash_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(trash, ignore_errors=True)
        os.rename(folder, trash)
    except OSError:  # another file system: remove it here
        shutil.rmtree(folder, ignore_errors=True)
        return
    _spawn_removal(trash)


def _discard(files: Sequence[str], trash_dir: Path) -> None:
    """Delete the old files an in-place update set aside, in the background as a replaced
    tree is: on some disks freeing a file's blocks takes milliseconds, a rename does not."""
    if not files:
        return
    trash = trash_dir / f"{TRASH_PREFIX}{os.getpid()}"
    with contextlib.suppress(OSError):  # then each file is removed here
        trash.mkdir(parents=True, exist_ok=True)
    for number, file in enumerate(files):
        try:
            os.rename(file, f"{trash}/{number}")
        except OSError:  # another file system, or no trash folder: remove it here
            with contextlib.suppress(OSError):
                os.unlink(file)
    _spawn_removal(trash)


def _spawn_removal(trash: Path) -> None:
    try:
        subprocess.Popen(
            ["rm", "-rf", "--", str(trash)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(trash, ignore_errors=True)


def _record(
    output_dir: Path,
    cache_dir: Path,
    digests: Mapping[str, str],
    unchanged: AbstractSet[str],
    survey: OutputSurvey,
) -> None:
    """Save the manifest. A file unchanged and intact keeps its entry: it was not touched,
    or was hard-linked (same inode, same stat). An output neither made nor intact is left
    out, so that the next build makes it."""
    untouched = unchanged & survey.intact
    files = {path: survey.manifest[path] for path in untouched}
    root = str(output_dir)
    for path, digest in digests.items():
        if path in untouched:
            continue
        with contextlib.suppress(OSError):
            stat = os.stat(f"{root}/{path}")
            files[path] = [stat.st_size, stat.st_mtime_ns, digest]
    with contextlib.suppress(OSError):
        _save_manifest(cache_dir, files)


def _record_changes(
    output_dir: Path,
    cache_dir: Path,
    digests: Mapping[str, str],
    unchanged: AbstractSet[str],
    survey: OutputSurvey,
    gone: Iterable[str],
) -> None:
    """Save what an in-place update changed in the manifest: the entries of the files made
    this time (the others were not touched) and the paths of the last build's files that
    are no longer outputs (`gone`). The manifest is saved whole when it has no id yet or
    its changes grew large."""
    try:
        grown = (cache_dir / MANIFEST_CHANGES_NAME).stat().st_size > MANIFEST_CHANGES_LIMIT
    except OSError:
        grown = False
    if survey.manifest_id is None or grown:
        _record(output_dir, cache_dir, digests, unchanged, survey)
        return
    changes: dict[str, list[object] | None] = dict.fromkeys(gone)
    root = str(output_dir)
    for path, digest in digests.items():
        if path in unchanged and path in survey.intact:
            continue
        try:
            stat = os.stat(f"{root}/{path}")
            changes[path] = [stat.st_size, stat.st_mtime_ns, digest]
        except OSError:
            changes[path] = None
    with contextlib.suppress(OSError):
        _save_manifest_changes(cache_dir, survey.manifest_id, changes)
