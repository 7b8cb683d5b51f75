"""Bytes to an ``ast`` module the way the interpreter reads them, or one :class:`SourceError` line."""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceError(Exception):
    """A file that cannot be analysed (unreadable, undecodable or not valid Python)."""

    message: str
    line: int = 1
    col: int = 0

    def __str__(self) -> str:
        return self.message


def parse(source: bytes | str, path: str) -> ast.Module:
    """Parse ``source`` (bytes honour the coding cookie and BOM); SourceError if impossible."""
    try:
        return ast.parse(source, filename=path, type_comments=False)
    except SyntaxError as error:
        line = error.lineno or 1
        col = max((error.offset or 1) - 1, 0)
        return _raise(f"cannot parse: {error.msg}", line, col)
    except (ValueError, UnicodeDecodeError) as error:  # null bytes, bad encodings
        return _raise(f"cannot parse: {error}", 1, 0)
    except (RecursionError, MemoryError):
        return _raise("cannot parse: too deeply nested for Python's parser", 1, 0)


def _raise(message: str, line: int, col: int) -> ast.Module:
    raise SourceError(message, line, col)


def decode(source: bytes) -> str:
    """Decode Python source the way the interpreter does (BOM, coding cookie, else UTF-8)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        text = source.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise SourceError(f"cannot decode: {error}") from None
    return text[1:] if text.startswith("\ufeff") else text
