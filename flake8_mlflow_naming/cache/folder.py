"""The cache folder, opened so that nothing is ever read or written through a link.

The folder is opened with ``O_NOFOLLOW | O_DIRECTORY`` and every file in it is reached
relative to that descriptor (``dir_fd``): read with ``O_NOFOLLOW``, written by
:func:`..sources.write.write_atomically` (a new ``O_EXCL`` file renamed into place, which
replaces a link instead of following it). A folder that is a symbolic link, belongs to
another user or may be written by group or others is not used at all, and neither is one
that a repository's own ``cache-dir`` places outside the project root (through ``..``, an
absolute path or a linked parent folder). A folder named on the command line or through
``MLFLOW_NAMING_CACHE_DIR`` is the user's choice: its parents may be links; the folder
itself still may not.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC
#: A cache file larger than this is not read (a planted file must not exhaust memory).
MAX_FILE_SIZE = 256 << 20


class FolderRefused(Exception):
    """The folder may not be used; the message completes "cache not used: <folder> ..."."""


@dataclass(frozen=True)
class CacheLocation:
    """Where the cache of a project lives, and whether the user (not the repository) chose it."""

    path: Path
    root: Path
    user_chosen: bool

    def check_inside_root(self) -> None:
        """Refuse a repository-chosen folder whose real location is outside the project root."""
        if self.user_chosen:
            return
        real_root = os.path.realpath(self.root)
        real = os.path.realpath(self.path.parent)
        if os.path.commonpath((real_root, real)) != real_root:
            raise FolderRefused(
                "is outside the project root (a repository's cache-dir must stay inside it; "
                "use --cache-dir or MLFLOW_NAMING_CACHE_DIR)"
            )


class CacheFolder:
    """An open cache folder: read and replace files in it, never through links."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor

    @classmethod
    def open(cls, location: CacheLocation, create: bool) -> CacheFolder | None:
        """The open folder; None when it does not exist and ``create`` is false; :class:`FolderRefused` when unsafe."""
        location.check_inside_root()
        path = location.path
        created = False
        if create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                os.mkdir(path, 0o755)
                created = True
            except FileExistsError:
                pass
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)
        except FileNotFoundError:
            if create:
                raise
            return None
        except OSError:
            if os.path.islink(path):
                raise FolderRefused("is a symbolic link") from None
            raise
        try:
            status = os.fstat(descriptor)
            if create and created and status.st_mode & 0o022 and status.st_uid == os.geteuid():
                os.fchmod(descriptor, 0o755)  # a umask of 002 must not make our own folder unusable
                status = os.fstat(descriptor)
            if status.st_uid != os.geteuid():
                raise FolderRefused("belongs to another user")
            if status.st_mode & 0o022:
                raise FolderRefused("is writable by group or others (chmod go-w it)")
            location.check_inside_root()  # the folder is there now: where it really is
        except BaseException:
            os.close(descriptor)
            raise
        return cls(descriptor)

    def read(self, name: str) -> bytes | None:
        """The bytes of the regular file ``name``, or None (missing, a link, too large, unreadable)."""
        try:
            handle = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW, dir_fd=self.descriptor)
        except OSError:
            return None
        try:
            status = os.fstat(handle)
            if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_FILE_SIZE:
                return None
            chunks, size = [], 0
            while size <= MAX_FILE_SIZE:
                chunk = os.read(handle, max(status.st_size - size, 1 << 16))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            return b"".join(chunks) if size <= MAX_FILE_SIZE else None
        except OSError:
            return None
        finally:
            os.close(handle)

    def is_regular_file(self, name: str) -> bool:
        """True when ``name`` is a regular file (not a link) in the folder."""
        try:
            return stat.S_ISREG(os.stat(name, dir_fd=self.descriptor, follow_symlinks=False).st_mode)
        except OSError:
            return False

    def replace(self, name: str, data: bytes) -> None:
        """Replace ``name`` with ``data`` atomically (a link at ``name`` is replaced, not followed)."""
        from ..sources.write import (
            write_atomically,  # only a run that stores something needs it
        )

        write_atomically(self.descriptor, name, data, mode=0o644, durable=False)

    def close(self) -> None:
        """Close the folder."""
        os.close(self.descriptor)
