"""Run the engine over files: read, configure, lint, and report problems as data.

Shared by ``check`` and ``fix`` so both see the same files, configuration and findings.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Iterable

from .config import Config, ConfigError, ConfigFinder, shared_finder
from .engine import SourceError, lint_source
from .findings import Finding
from .notebook import NotebookError, is_notebook, lint_notebook

STDIN = "-"


@dataclass
class FileResult:
    """What happened to one file: its findings, or the one error that stopped it."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    error_line: int = 1
    error_col: int = 0
    source: bytes | None = None  # for a notebook, its JSON bytes
    config: Config | None = None
    error_cell: int | None = None  # notebooks: 1-based cell of the error, among all cells


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


def check_file(
    path: str,
    finder: ConfigFinder,
    codes: Iterable[str] | None = None,
    source: bytes | None = None,
    display_name: str | None = None,
) -> FileResult:
    """Lint one file. Never raises for bad input: the problem is put in ``error``."""
    shown = display_name or path
    result = FileResult(shown)
    try:
        result.config = config = finder.for_path(None if path == STDIN and not display_name else shown)
    except ConfigError as error:
        result.error = str(error)
        return result
    try:
        result.source = source if source is not None else read_source(path)
        if is_notebook(shown):
            result.findings = list(lint_notebook(result.source, shown, config, codes))
        else:
            result.findings = lint_source(result.source, shown, config, codes)
    except NotebookError as error:
        result.error, result.error_line, result.error_col, result.error_cell = error.message, error.line, error.col, error.cell
    except SourceError as error:
        result.error, result.error_line, result.error_col = error.message, error.line, error.col
    return result


def _check_in_worker(path: str, config_file: str | None, codes: frozenset[str] | None) -> FileResult:
    """Worker-process side of :func:`check_many`: one finder per process, no source sent back."""
    result = check_file(path, shared_finder(config_file), codes)
    result.source = None
    return result


def check_many(paths: list[str], finder: ConfigFinder, codes: frozenset[str] | None, jobs: int, config_file: str | None):
    """Check files in order, in ``jobs`` worker processes when more than one."""
    if jobs <= 1 or len(paths) < 2:
        for path in paths:
            yield check_file(path, finder, codes)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, len(paths) // (jobs * 16))
        yield from pool.map(_check_in_worker, paths, [config_file] * len(paths), [codes] * len(paths), chunksize=chunk)
