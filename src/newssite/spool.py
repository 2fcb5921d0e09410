"""Files on their way to output/: the spool folder where rendered pages wait to be written,
the copies published as they are, and the removal of folders left by killed builds.

Rendering, photos and search hand their results to write.py through these; none of them
writes output/.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import posixpath
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newssite.errors import NewssiteError
from newssite.model import Output

SPOOL_PREFIX = "spool-"
TRASH_PREFIX = "trash-"  # a replaced output/ being removed in the background
FILE_MODE = 0o644


@dataclass(frozen=True, slots=True)
class Copy:
    """A file published as it is: `path` inside the output, read from `source`."""

    path: str
    source: Path


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
    # Flat, named by a digest of the output's path: no folder to make per page (a mkdir
    # each cost 1.6 s of a 2,000-story build), and one name per output of the build.
    name = hashlib.sha256(output.path.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    file = f"{folder}/{name}{posixpath.splitext(output.path)[1]}"
    try:
        write_new_file(file, output.data, output.path)
    except OSError as error:
        raise NewssiteError(
            f"{error.strerror or error} (output/ was left as it was)", path=str(folder)
        ) from None
    return Output(output.path, None, spooled=file, digest=sha256_hex(output.data))


def remove_dead_builds_folders(
    parent: Path, prefixes: tuple[str, ...], *, own: bool = True
) -> None:
    """Remove the folders in parent named prefix + pid (+ "-anything") whose build is no
    longer running (with `own`, this process's own too: it is done with them)."""
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        prefix = next((p for p in prefixes if entry.name.startswith(p)), None)
        if prefix is None or entry.is_symlink():
            continue
        pid_text = entry.name.removeprefix(prefix).split("-")[0]
        if not pid_text.isdigit():
            continue
        if int(pid_text) == os.getpid() and not own:
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


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_new_file(destination: Path | str, data: bytes, shown: str) -> None:
    try:
        descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(destination, FILE_MODE)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise OSError(error.errno, f"no space left on device while writing {shown}") from None
        raise OSError(error.errno, f"{error.strerror} while writing {shown}") from None
