"""Fix files: lint with the engine, apply the fixes of those very findings, repeat until stable.

LibCST parses a file only when the pure-``ast`` lint found something fixable in it.
Nothing is written unless the result parses; writes go through
:func:`..sources.write.atomic_write`, so a file is always either as it was or completely
fixed. This is a library: it never prints or exits (the command line is :mod:`..cli.fix`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from ..check import FileError, check_file
from ..config import Config, ConfigError, ConfigSource
from ..lint.engine import lint_source
from ..lint.findings import Applicability, Finding
from ..lint.parse import SourceError, decode, parse
from ..sources.kinds import ReassemblyError, open_source
from ..sources.read import STDIN, read_source
from ..sources.write import atomic_write
from ..workers import map_in_order

#: Enough for every chain of fixes the rules produce (e.g. MLN002, then MLN001 on the wrapper call).
MAX_PASSES = 10


class FixError(Exception):
    """The fixes could not be applied safely; the file is left as it was."""


@dataclass
class FixResult:
    """The outcome for one file."""

    path: str
    original: bytes = b""
    fixed: bytes | None = None  # None when nothing changed
    applied: Counter = field(default_factory=Counter)
    remaining: list[Finding] = field(default_factory=list)
    error: FileError | None = None
    libcst_parses: int = 0

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original


@dataclass(frozen=True)
class FixOptions:
    """What to fix: rule codes, whether unsafe fixes apply, whether to write files."""

    codes: frozenset[str] | None = None
    unsafe: bool = False
    write: bool = True


def is_applicable(finding: Finding, unsafe: bool) -> bool:
    """True when ``finding`` has a fix that these options may apply."""
    return finding.fix is not None and (unsafe or finding.fix.applicability is Applicability.SAFE)


def fix_source(source: bytes, path: str, config: Config, options: FixOptions, result: FixResult) -> bytes:
    """Return the fixed bytes of ``source``, filling in ``result``; raise SourceError/FixError."""
    current = source
    findings = lint_source(current, path, config, options.codes)
    for _ in range(MAX_PASSES):
        if not any(is_applicable(f, options.unsafe) for f in findings):
            break
        # LibCST is imported only once a file has something to fix: a clean tree never loads it.
        import libcst as cst

        from .apply import apply_fixes, choose_compatible

        chosen = choose_compatible(f for f in findings if is_applicable(f, options.unsafe))
        try:
            module = cst.parse_module(current)
            result.libcst_parses += 1
            fixed = apply_fixes(module, decode(current), [f.fix for f in chosen], path).bytes  # type: ignore[misc]
        except cst.ParserSyntaxError as error:
            raise FixError(f"LibCST cannot parse this file ({str(error).splitlines()[0]}); left unchanged") from None
        except RecursionError:
            # ``ast`` copes with deeper nesting than LibCST's recursive tree copies do.
            raise FixError("too deeply nested for LibCST to fix; left unchanged") from None
        if fixed == current:
            break
        try:
            parse(fixed, path)
        except SourceError as error:
            raise FixError(f"a fix produced code that does not parse ({error}); left unchanged") from None
        result.applied.update(f.code for f in chosen)
        current = fixed
        findings = lint_source(current, path, config, options.codes)
    result.remaining = findings  # computed for ``current``: no second lint of the same bytes
    return current


def fix_file(path: str, options: FixOptions, config_source: ConfigSource, source: bytes | None = None) -> FixResult:
    """Fix one file (or ``source`` given for it); write it back atomically when ``options.write``.

    A notebook goes through the same loop as a ``.py`` file: its cells' module is fixed and
    then rebuilt into the notebook (see :mod:`..sources.kinds`).
    """
    result = FixResult(path)
    try:
        config = config_source.for_path(None if path == STDIN else path)
        result.original = source if source is not None else read_source(path)
        kind = open_source(path, result.original)
        python = kind.python
        if python is None:
            return result
        try:
            fixed_python = fix_source(python, path, config, options, result)
        except SourceError as error:
            raise kind.place_error(error) from None
        rebuilt = kind.rebuild(fixed_python)
        if rebuilt.positions_hold:
            result.remaining = kind.place(result.remaining, fixed_python)
        else:  # the file's layout moved code: ask the engine again, on the bytes to be written
            result.remaining = check_file(path, config_source, options.codes, source=rebuilt.raw).findings
        fixed = rebuilt.raw
    except (ConfigError, SourceError, FixError, ReassemblyError) as error:
        result.error = FileError.of(error)
        return result
    if fixed != result.original:
        result.fixed = fixed
        if options.write and path != STDIN:
            try:
                atomic_write(Path(path), fixed)
            except OSError as error:
                result.error = FileError(f"cannot write: {error.strerror or error}; left unchanged")
    return result


def fix_many(paths: Sequence[str], options: FixOptions, config_source: ConfigSource, jobs: int = 1) -> Iterator[FixResult]:
    """Fix files, in ``jobs`` worker processes when more than one; yields results in order."""
    return map_in_order(fix_file, list(paths), jobs, options, config_source)
