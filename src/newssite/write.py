"""Write the built site: into a staging folder beside output/, then swapped in.

A build that fails or is killed at any moment leaves the previous output/ as it was.
Unchanged files are hard-linked from the previous output, so they keep their bytes and
mtime (deploy tools upload only what changed) and the swap costs little.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from newssite.errors import NewssiteError, UsageError
from newssite.model import Output

SPOOL_PREFIX = "spool-"
TRASH_PREFIX = "trash-"  # a replaced output/ being removed in the background
MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
FILE_MODE = 0o644
DIR_MODE = 0o755


@dataclass(frozen=True, slots=True)
class Copy:
    """A file published as it is: `path` inside the output, read from `source`."""

    path: str
    source: Path


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int

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


@contextlib.contextmanager
def spool_folder(cache_dir: Path) -> Iterator[Path]:
    """A folder in the cache for this build's rendered files until they are written, so a
    build does not hold every page in memory; removed when the build ends (or, when it was
    killed, by a later build)."""
    remove_dead_builds_folders(cache_dir, (SPOOL_PREFIX, TRASH_PREFIX))
    folder = cache_dir / f"{SPOOL_PREFIX}{os.getpid()}"
    try:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    except OSError as error:
        raise NewssiteError(
            f"{error.strerror or error} while preparing to write (output/ was left as it was)",
            path=str(folder),
        ) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def spool(output: Output, folder: Path) -> Output:
    """The output with its bytes in a file under folder (see spool_folder), not in memory."""
    if output.data is None:
        return output
    file = folder / output.path
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        _write_file(file, output.data, output.path)
    except OSError as error:
        raise NewssiteError(
            f"{error.strerror or error} (output/ was left as it was)", path=str(folder)
        ) from None
    return Output(output.path, None, spooled=str(file), digest=_digest(output.data))


def remove_dead_builds_folders(parent: Path, prefixes: tuple[str, ...]) -> None:
    """Remove the folders in parent named prefix + pid (+ "-anything") whose build is no
    longer running (this process's own included: it is done with them)."""
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        prefix = next((p for p in prefixes if entry.name.startswith(p)), None)
        if prefix is None or entry.is_symlink():
            continue
        pid_text = entry.name.removeprefix(prefix).split("-")[0]
        if not pid_text.isdigit():
            continue
        if int(pid_text) != os.getpid() and process_alive(int(pid_text)):
            continue
        shutil.rmtree(entry, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Whether a process of this machine still runs (for folders named after a build's pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def load_manifest(cache_dir: Path) -> dict[str, list[object]]:
    """path -> [size, mtime_ns, sha256] of the output as last written; junk is ignored."""
    try:
        data = json.loads((cache_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def _save_manifest(cache_dir: Path, files: dict[str, list[object]]) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_dir / f"{MANIFEST_NAME}.{os.getpid()}"
    temporary.write_text(
        json.dumps({"version": MANIFEST_VERSION, "files": files}), encoding="utf-8"
    )
    os.replace(temporary, cache_dir / MANIFEST_NAME)


def intact_files(output_dir: Path, cache_dir: Path) -> set[str]:
    """Output files still exactly as the last build wrote them (size and mtime as recorded)."""
    manifest = load_manifest(cache_dir)
    intact = set()
    for path, stat in files_under(output_dir).items():
        recorded = manifest.get(path)
        if recorded and recorded[:2] == [stat.st_size, stat.st_mtime_ns]:
            intact.add(path)
    return intact


def _stat_pair(stat: os.stat_result) -> list[object]:
    return [stat.st_size, stat.st_mtime_ns]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _new_digest(output: Output) -> str:
    if output.digest is not None:
        return output.digest
    assert output.data is not None, output.path
    return _digest(output.data)


def _size(output: Output) -> int:
    if output.data is not None:
        return len(output.data)
    assert output.spooled is not None, output.path
    return os.stat(output.spooled).st_size


def files_under(root: Path, *, follow_symlinks: bool = False) -> dict[str, os.stat_result]:
    """Every file under root with its stat (a symlink's own, or its target's when
    follow_symlinks), keyed by relative path; an unreadable folder lists as empty."""
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
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, relative + "/"))
                else:
                    found[relative] = entry.stat(follow_symlinks=False)
    return found


def _check_paths(paths: Iterable[str]) -> None:
    seen: set[str] = set()
    for path in paths:
        parts = path.split("/")
        if path.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise NewssiteError(f"refusing to write outside the output folder: {path!r}")
        if path in seen:
            raise NewssiteError(f"two files would be written to {path}", path=path)
        seen.add(path)


def write_outputs(
    outputs: Sequence[Output],
    copies: Sequence[Copy],
    output_dir: Path,
    cache_dir: Path,
    keep_files: Sequence[str] = (),
) -> WriteReport:
    """Make output_dir hold exactly these files, swapping a staged folder in at the end."""
    output_dir = check_output_dir(output_dir)
    _check_paths([o.path for o in outputs] + [c.path for c in copies])
    clean_stale_staging(output_dir)
    manifest = load_manifest(cache_dir)
    existing = files_under(output_dir)

    def unchanged_output(output: Output) -> bool:
        stat = existing.get(output.path)
        if output.data is None and output.spooled is None:
            return True
        if stat is None or stat.st_size != _size(output):
            return False
        recorded = manifest.get(output.path)
        digest = _new_digest(output)
        if recorded and recorded[:2] == [stat.st_size, stat.st_mtime_ns]:
            return recorded[2] == digest
        try:
            return _digest((output_dir / output.path).read_bytes()) == digest
        except OSError:
            return False

    def unchanged_copy(copy: Copy) -> bool:
        stat = existing.get(copy.path)
        source = copy.source.stat()
        return stat is not None and (stat.st_size, stat.st_mtime_ns) == (
            source.st_size,
            source.st_mtime_ns,
        )

    same_outputs = {o.path for o in outputs if unchanged_output(o)}
    same_copies = {c.path for c in copies if unchanged_copy(c)}
    kept = [name for name in keep_files if name in existing]
    planned = {o.path for o in outputs} | {c.path for c in copies} | set(kept)
    removed = [path for path in existing if path not in planned]
    written = len(outputs) + len(copies) - len(same_outputs) - len(same_copies)
    digests = {
        o.path: str(manifest[o.path][2]) if o.data is None and o.spooled is None else _new_digest(o)
        for o in outputs
    }
    if written == 0 and not removed and output_dir.is_dir():
        return WriteReport(0, len(same_outputs) + len(same_copies), 0)

    staging = output_dir.parent / f"{output_dir.name}.tmp-{os.getpid()}"
    try:
        _stage(outputs, copies, kept, same_outputs | same_copies, output_dir, staging)
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
    linked = {
        path: entry
        for path, entry in manifest.items()
        if path in same_outputs and path in existing and entry[:2] == _stat_pair(existing[path])
    }
    _record(output_dir, cache_dir, outputs, digests, linked)
    return WriteReport(written, len(same_outputs) + len(same_copies), len(removed))


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
        _write_file(target(output.path), output.data, output.path)
    for copy in copies:
        if copy.path in unchanged:
            continue
        destination = target(copy.path)
        shutil.copy2(copy.source, destination)
        os.chmod(destination, FILE_MODE)


def _write_file(destination: Path | str, data: bytes, shown: str) -> None:
    try:
        descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(destination, FILE_MODE)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise OSError(error.errno, f"no space left on device while writing {shown}") from None
        raise OSError(error.errno, f"{error.strerror} while writing {shown}") from None


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
    outputs: Sequence[Output],
    digests: dict[str, str],
    linked: Mapping[str, list[object]],
) -> None:
    """Save the manifest; files `linked` unchanged keep their entry (same inode, same stat)."""
    files: dict[str, list[object]] = {}
    root = str(output_dir)
    for output in outputs:
        entry = linked.get(output.path)
        if entry is not None and entry[2] == digests[output.path]:
            files[output.path] = entry
            continue
        with contextlib.suppress(OSError):
            stat = os.stat(f"{root}/{output.path}")
            files[output.path] = [stat.st_size, stat.st_mtime_ns, digests[output.path]]
    with contextlib.suppress(OSError):
        _save_manifest(cache_dir, files)
