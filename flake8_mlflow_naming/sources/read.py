"""Reading a file's bytes (or standard input) with one clear line when that is impossible."""

from __future__ import annotations

import sys

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
