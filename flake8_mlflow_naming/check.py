"""Lint many files: read each, find its configuration, run the engine, report problems as data.

``check``, ``fix`` and the language server all start here, so they see the same files,
configuration and findings. Nothing in this module prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator

from .config import ConfigError, ConfigSource
from .lint.parse import SourceError
from .naming import PatternTimeout
from .lint.prefilter import could_have_findings
from .sources.kinds import ReassemblyError, open_source
from .sources.read import STDIN, read_source

if TYPE_CHECKING:
    from .lint.findings import Finding


@dataclass(frozen=True)
class FileError:
    """The one problem that stopped a file, shared by check and fix results.

    ``cell`` is set for notebooks: the 1-based cell of the problem, among all cells.
    """

    message: str
    line: int = 1
    col: int = 0
    cell: int | None = None
    #: The problem is the configuration's, not the file's: front ends print it once.
    config: bool = False

    @classmethod
    def of(cls, error: SourceError | ConfigError | PatternTimeout | ReassemblyError | str) -> "FileError":
        """The record of a caught error (its position when it has one)."""
        if isinstance(error, SourceError):
            return cls(error.message, error.line, error.col, getattr(error, "cell", None))
        return cls(str(error), config=isinstance(error, (ConfigError, PatternTimeout)))


@dataclass
class FileResult:
    """What happened to one file: its findings, or the one error that stopped it."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: FileError | None = None
    source: bytes | None = None  # the file's bytes (a notebook's JSON), when kept


def check_file(
    path: str,
    config_source: ConfigSource,
    codes: Iterable[str] | None = None,
    source: bytes | None = None,
    display_name: str | None = None,
) -> FileResult:
    """Lint one file. Never raises for bad input: the problem is put in ``error``."""
    shown = display_name or path
    result = FileResult(shown)
    try:
        config = config_source.for_path(None if path == STDIN and not display_name else shown)
        result.source = raw = source if source is not None else read_source(path)
        kind = open_source(shown, raw)
        python = kind.python
        # The engine (every rule) is imported only once a file passes the exact prefilter.
        if python is not None and could_have_findings(python, config):
            from .lint.engine import lint_source

            try:
                result.findings = kind.place(lint_source(python, shown, config, codes, prefilter=False))
            except SourceError as error:
                raise kind.place_error(error) from None
    except (ConfigError, SourceError, PatternTimeout) as error:
        result.error = FileError.of(error)
    return result


def _check_in_worker(path: str, config_source: ConfigSource, codes: frozenset[str] | None) -> FileResult:
    """Worker-process side of :func:`check_many`: no source sent back."""
    result = check_file(path, config_source, codes)
    result.source = None
    return result


def check_many(paths: list[str], config_source: ConfigSource, codes: frozenset[str] | None, jobs: int) -> Iterator[FileResult]:
    """Check files in order, in ``jobs`` worker processes when more than one."""
    if jobs <= 1 or len(paths) < 2:
        for path in paths:
            yield check_file(path, config_source, codes)
        return
    from .workers import map_in_order

    yield from map_in_order(_check_in_worker, paths, jobs, config_source, codes)
