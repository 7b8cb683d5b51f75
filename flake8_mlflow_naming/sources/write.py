"""Replacing a fixed file: only if it still holds what was read, all at once, keeping its identity.

:func:`replace_verified` is the one way a fix reaches the disk. It guarantees, in order:

- the file still holds exactly the bytes that were fixed (same inode, size, mtime and
  SHA-256 as the :class:`.read.Snapshot` taken when it was read), checked under an exclusive
  ``flock`` that other ``mlflow-naming`` processes take too, so two fixers never overwrite
  each other's work and an edit saved meanwhile is never lost;
- a file the user may not write is reported, never replaced, even by root (for root, a file
  with no write bit at all counts as read-only, as ``chmod a-w`` intends);
- the file keeps its identity: normally the new content goes to a temporary file in the same
  folder that gets the old mode, owner, group and extended attributes (ACLs included) and is
  renamed over the original, so a crash leaves the old or the new file, never half of one.
  When the rename cannot keep the identity (the folder is not writable, the owner or an
  attribute cannot be copied, or ``allow_hardlinks`` for a file with several names) the new
  bytes are written through the original inode instead, after reserving the space, and the
  old bytes are put back if that write fails;
- the written file reads back as the new bytes.

Why this method is chosen over the alternatives is in ``docs/robustness.md``.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from .read import Snapshot

#: Suffix of the temporary file a replacement is written to (removed on every failure).
TEMPORARY_SUFFIX = ".mlflow-naming.tmp"


class WriteError(Exception):
    """The fixed bytes were not written; the file is as it was. The message is one line."""


class ChangedWhileFixing(WriteError):
    """The file no longer holds the bytes that were fixed (an editor, another fixer)."""


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path``'s content with ``data`` without checking what it held (new content, tests).

    Prefer :func:`replace_verified`, which refuses to overwrite a file changed since it was read.
    """
    status = os.stat(path)
    with open(path, "rb") as handle:
        current = handle.read()
    replace_verified(path, data, Snapshot.of(status, current))


def replace_verified(path: str | Path, data: bytes, snapshot: Snapshot, allow_hardlinks: bool = False) -> None:
    """Replace the content of ``path`` with ``data`` if it still is the ``snapshot`` that was fixed.

    Raises :class:`ChangedWhileFixing` when it is not, :class:`WriteError` when the file may
    not or cannot be written; in every failure the file is left as it was.
    """
    target = os.path.realpath(path)
    try:
        descriptor = os.open(target, os.O_RDWR | os.O_CLOEXEC)
    except OSError as error:
        raise _write_error(error) from None
    try:
        status = os.fstat(descriptor)
        if os.geteuid() == 0 and not status.st_mode & 0o222:
            raise WriteError("is read-only; left unchanged")
        _lock(descriptor)
        status = os.fstat(descriptor)
        current = _read_all(descriptor, status.st_size)
        if not snapshot.holds(status, current) or not _same_file(target, status):
            raise ChangedWhileFixing("changed while fixing; left unchanged")
        if status.st_nlink > 1 and not allow_hardlinks:
            raise WriteError(
                f"has {status.st_nlink} hard links, which a replacement would separate; left unchanged "
                "(--allow-hardlinks writes it in place)"
            )
        if status.st_nlink > 1 or not _replace_by_rename(target, data, descriptor, status):
            _write_in_place(descriptor, data, current)
        _check_reads_back(target, data)
    except OSError as error:
        raise _write_error(error) from None
    finally:
        os.close(descriptor)  # also releases the lock


def _write_error(error: OSError) -> WriteError:
    if error.errno in (errno.EACCES,):
        return WriteError("is read-only for you; left unchanged")
    return WriteError(f"cannot write: {error.strerror or error}; left unchanged")


def _lock(descriptor: int) -> None:
    """Wait for any other ``mlflow-naming`` writing this file; best effort where flock is missing."""
    try:
        import fcntl

        fcntl.flock(descriptor, fcntl.LOCK_EX)
    except (ImportError, OSError):
        pass


def _read_all(descriptor: int, size: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(descriptor, max(size - offset, 1 << 16), offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def _same_file(target: str, status: os.stat_result) -> bool:
    """True when ``target`` still names the inode that is open (not renamed over meanwhile)."""
    try:
        now = os.stat(target)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (status.st_dev, status.st_ino)


def _replace_by_rename(target: str, data: bytes, descriptor: int, status: os.stat_result) -> bool:
    """Write ``data`` to a temporary file with the original's identity and rename it over ``target``.

    Returns False, having changed nothing, when the identity cannot be kept that way (the
    caller then writes in place).
    """
    folder = os.path.dirname(target)
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        folder_descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return False

    def last_look() -> None:
        # The last look before the rename: an editor that saved since the check above wins.
        if not _same_file(target, status) or os.fstat(descriptor).st_mtime_ns != status.st_mtime_ns:
            raise ChangedWhileFixing("changed while fixing; left unchanged")

    try:
        return write_atomically(
            folder_descriptor,
            os.path.basename(target),
            data,
            prepare=lambda temporary: _copy_identity(descriptor, temporary, status),
            before_rename=last_look,
        )
    finally:
        os.close(folder_descriptor)


def write_atomically(
    folder: int,
    name: str,
    data: bytes,
    mode: int = 0o600,
    prepare: Callable[[int], bool] | None = None,
    before_rename: Callable[[], None] | None = None,
    durable: bool = True,
) -> bool:
    """Replace ``name`` in the open folder ``folder`` with a file holding ``data``, all at once.

    The one atomic write of the package (fixes and the findings cache): the bytes go to a new
    file beside the target, created with ``O_CREAT | O_EXCL | O_NOFOLLOW`` under a name no
    other process uses, then one ``rename`` replaces the target. Readers see the old file or
    the new one, never part of either, and nothing is ever written *through* a symbolic link:
    the temporary file is new, and ``rename`` replaces a link at ``name`` instead of following
    it. Working relative to a folder descriptor means a folder swapped for a link after it was
    opened is not followed either.

    ``prepare(descriptor)`` may give the temporary file an identity (owner, mode); when it
    returns False nothing is renamed and False is returned. ``before_rename()`` may raise to
    stop at the last moment. ``durable`` syncs the file and the folder (a fix must survive a
    power cut; a cache may be lost). Raises OSError on failure, having left no temporary file.
    """
    for _ in range(8):
        temporary = f".{name}.{os.urandom(6).hex()}{TEMPORARY_SUFFIX}"
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=folder)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - eight random 48-bit names all taken
        raise FileExistsError(errno.EEXIST, "no free temporary name", name)
    try:
        try:
            _write_all_sequentially(handle, data)
            if prepare is not None and not prepare(handle):
                os.unlink(temporary, dir_fd=folder)
                return False
            if durable:
                os.fsync(handle)
        finally:
            os.close(handle)
        if before_rename is not None:
            before_rename()
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        try:
            os.unlink(temporary, dir_fd=folder)
        except OSError:
            pass
        raise
    if durable:
        try:
            os.fsync(folder)  # make the rename itself durable (best effort: some file systems refuse)
        except OSError:
            pass
    return True


def _write_all_sequentially(descriptor: int, data: bytes) -> None:
    view, offset = memoryview(data), 0
    while offset < len(data):
        offset += os.write(descriptor, view[offset:])


def _copy_identity(source: int, destination: int, status: os.stat_result) -> bool:
    """Give ``destination`` the owner, group, mode and extended attributes of ``source``."""
    mine = os.fstat(destination)
    try:
        if (mine.st_uid, mine.st_gid) != (status.st_uid, status.st_gid):
            os.fchown(destination, status.st_uid, status.st_gid)
        # After chown, which clears set-user-ID and set-group-ID bits.
        os.fchmod(destination, stat.S_IMODE(status.st_mode))
    except OSError:
        return False
    if not hasattr(os, "listxattr"):
        return True
    try:
        names = os.listxattr(source)
    except OSError as error:
        return error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP)
    for name in names:
        try:
            os.setxattr(destination, name, os.getxattr(source, name))
        except OSError:
            return False
    return True


def _write_in_place(descriptor: int, data: bytes, original: bytes) -> None:
    """Overwrite the open file with ``data``; on failure put ``original`` back."""
    if len(data) > len(original) and hasattr(os, "posix_fallocate"):
        try:
            # Reserve the space first: a full disk fails here, before a byte has changed.
            os.posix_fallocate(descriptor, 0, len(data))
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL, errno.ENOSYS):
                raise
    try:
        _write_all(descriptor, data)
        os.ftruncate(descriptor, len(data))
        os.fsync(descriptor)
    except BaseException:
        try:
            _write_all(descriptor, original)
            os.ftruncate(descriptor, len(original))
            os.fsync(descriptor)
        except OSError:
            pass
        raise


def _write_all(descriptor: int, data: bytes) -> None:
    view, offset = memoryview(data), 0
    while offset < len(data):
        offset += os.pwrite(descriptor, view[offset:], offset)


def _check_reads_back(target: str, data: bytes) -> None:
    with open(target, "rb") as handle:
        written = handle.read()
    if written != data:
        raise WriteError("the written file does not read back as written; check the disk")
