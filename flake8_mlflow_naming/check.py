"""Lint many files: read each, find its configuration, run the engine, report problems as data.

``check``, ``fix`` and the language server all start here, so they see the same files,
configuration and findings. Nothing in this module prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator

from .config import ConfigError, ConfigSource
from .lint.parse import SourceError
from .patterns import PatternTimeout
from .lint.prefilter import could_have_findings
from .sources.kinds import ReassemblyError, open_source
from .sources.read import STDIN, read_source

if TYPE_CHECKING:
    from .cache import FindingsCache
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


#: Fewer files than this to lint are linted here: starting worker processes would cost more.
POOL_MIN_FILES = 16


def _check_in_worker(path: str, config_source: ConfigSource, codes: frozenset[str] | None) -> tuple[FileResult, bytes | None]:
    """Worker-process side of :func:`check_many`: the result without its source, and the digest of what was read."""
    from .cache import digest

    result = check_file(path, config_source, codes)
    read = None if result.source is None else digest(result.source)
    result.source = None
    return result, read


def check_many(
    paths: list[str], config_source: ConfigSource, codes: frozenset[str] | None, jobs: int, cache: FindingsCache | None = None
) -> Iterator[FileResult]:
    """Check files in order; the files that need linting go to ``jobs`` worker processes when there are enough.

    This process first sorts the files out: those the ``cache`` knows unchanged and those the
    exact prefilter rejects are done at once; only the rest (the work) is linted, and only
    paths travel to the workers, which read the files themselves.
    """
    triaged = [_triage(path, config_source, codes, cache) for path in paths]
    pending = [item.path for item in triaged if isinstance(item, _Pending)]
    if len(pending) < POOL_MIN_FILES:
        jobs = 1
    if jobs > 1:
        from .lint import engine  # noqa: F401  (forked workers inherit the imported engine)
        from .workers import map_in_order

        linted = map_in_order(_check_in_worker, pending, jobs, config_source, codes)
    else:
        linted = (_check_in_worker(path, config_source, codes) for path in pending)
    for item in triaged:
        if not isinstance(item, _Pending):
            yield item
            continue
        result, read_digest = next(linted)
        if cache is not None and result.error is None and read_digest is not None:
            cache.store_digest(item.path, item.stat, item.config_key, read_digest, result.findings)
        yield result


@dataclass
class _Pending:
    """A file that must be linted, with what the cache needs to remember its findings."""

    path: str
    stat: os.stat_result | None
    config_key: bytes | None


def _triage(path: str, config_source: ConfigSource, codes: frozenset[str] | None, cache: FindingsCache | None) -> FileResult | _Pending:
    """The result of ``path`` when the cache or the prefilter settles it, else what linting it needs."""
    if cache is None:
        return _Pending(path, None, None)
    try:
        config = config_source.for_path(path)
        stat = os.stat(path)
    except (ConfigError, OSError):
        return _Pending(path, None, None)  # check_file reports the problem
    key = cache.config_key(config, codes)
    findings = cache.lookup(path, stat, key)
    if findings is not None:
        return FileResult(path, list(findings))
    try:
        raw = read_source(path)
        findings = cache.lookup(path, stat, key, raw)
        if findings is not None:
            return FileResult(path, list(findings))
        python = open_source(path, raw).python
    except SourceError:
        return _Pending(path, None, None)
    if python is None or not could_have_findings(python, config):
        cache.store(path, stat, key, raw, [])
        return FileResult(path)
    return _Pending(path, stat, key)
