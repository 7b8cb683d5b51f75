"""Reading a file's bytes (or standard input) with one clear line when that is impossible."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from ..lint.parse import SourceError

#: The path that means standard input.
STDIN = "-"


def read_source(path: str) -> bytes:
    """The bytes of ``path`` (``-`` is standard input); SourceError with one line if unreadable."""
    try:
        if path == STDIN:
            return sys.stdin.buffer.read()
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        raise SourceError("is a directory, not a Python file") from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None


@dataclass(frozen=True)
class Snapshot:
    """What a file held when it was read: enough to tell later whether it changed since.

    Size and mtime catch almost every change cheaply; the content hash catches a same-size
    edit within the file system's mtime resolution; device and inode catch a file replaced
    by another (an editor's save-by-rename, or another fixer's).
    """

    device: int
    inode: int
    size: int
    mtime_ns: int
    sha256: bytes

    @classmethod
    def of(cls, status: os.stat_result, data: bytes) -> Snapshot:
        """The snapshot of ``data`` read from a file whose ``fstat`` is ``status``."""
        return cls(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, _sha256(data))

    def holds(self, status: os.stat_result, data: bytes) -> bool:
        """True when a file with this ``fstat`` and content is still the file that was read."""
        return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns) == (
            self.device,
            self.inode,
            self.size,
            self.mtime_ns,
        ) and _sha256(data) == self.sha256


def read_with_snapshot(path: str) -> tuple[bytes, Snapshot]:
    """The bytes of ``path`` and a :class:`Snapshot` of them; SourceError with one line if unreadable.

    A file written to while it is read is read again (a few times), so the bytes and the
    snapshot always describe one and the same version of the file.
    """
    try:
        with open(path, "rb") as handle:
            for _ in range(_READ_ATTEMPTS):
                before = os.fstat(handle.fileno())
                handle.seek(0)
                data = handle.read()
                after = os.fstat(handle.fileno())
                if (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns) and len(data) == after.st_size:
                    return data, Snapshot.of(after, data)
            raise SourceError("cannot read: the file keeps changing while it is read")
    except IsADirectoryError:
        raise SourceError("is a directory, not a Python file") from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None


#: How often a file that changes while it is read is read again before giving up.
_READ_ATTEMPTS = 5


def _sha256(data: bytes) -> bytes:
    import hashlib  # only fix needs it; its import loads OpenSSL, which check's start-up does without

    return hashlib.sha256(data).digest()
