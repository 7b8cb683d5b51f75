"""Fix files: lint with the engine, apply the fixes of those very findings, repeat until stable.

LibCST parses a file only when the pure-``ast`` lint found something fixable in it.
Nothing is written unless the result parses; writes are atomic (temporary file in the
same folder, permissions kept, then rename), so a file is always either as it was or
completely fixed.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..config import Config, ConfigError, ConfigFinder, shared_finder
from ..engine import SourceError, decode, lint_source, parse
from ..findings import Applicability, Finding
from ..notebook import NotebookError, fix_notebook, is_notebook
from ..runner import read_source

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
    error: str | None = None
    error_line: int = 1
    error_col: int = 0
    error_cell: int | None = None  # notebooks: 1-based cell of the error, among all cells
    libcst_parses: int = 0

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original


@dataclass(frozen=True)
class FixOptions:
    """What to fix: rule codes, whether unsafe fixes apply, a wrapper override, writing or not."""

    codes: frozenset[str] | None = None
    unsafe: bool = False
    wrapper: str | None = None
    write: bool = True
    config_file: str | None = None


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


def fix_file(path: str, options: FixOptions, finder: ConfigFinder | None = None, source: bytes | None = None) -> FixResult:
    """Fix one file (or ``source`` given for it); write it back atomically when ``options.write``."""
    result = FixResult(path)
    finder = finder or shared_finder(options.config_file)
    try:
        config = finder.for_path(None if path == "-" else path)
        if options.wrapper:
            config = config.with_overrides(run_wrapper=options.wrapper)
        result.original = source if source is not None else read_source(path)
        if is_notebook(path):
            fixed = fix_notebook(result.original, path, config, options, result)
        else:
            fixed = fix_source(result.original, path, config, options, result)
    except NotebookError as error:
        result.error, result.error_line, result.error_col, result.error_cell = error.message, error.line, error.col, error.cell
        return result
    except ConfigError as error:
        result.error = str(error)
        return result
    except SourceError as error:
        result.error, result.error_line, result.error_col = error.message, error.line, error.col
        return result
    except FixError as error:
        result.error = str(error)
        return result
    if fixed != result.original:
        result.fixed = fixed
        if options.write and path != "-":
            try:
                atomic_write(Path(path), fixed)
            except OSError as error:
                result.error = f"cannot write: {error.strerror or error}; left unchanged"
    return result


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path``'s content with ``data`` all at once, keeping its permission bits."""
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(target.stat().st_mode)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".mlflow-naming.tmp", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def fix_many(paths: Iterable[str], options: FixOptions, jobs: int = 1):
    """Fix files, in ``jobs`` worker processes when more than one; yields results in order."""
    paths = list(paths)
    if jobs <= 1 or len(paths) < 2:
        for path in paths:
            yield fix_file(path, options)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(fix_file, paths, [options] * len(paths), chunksize=max(1, len(paths) // (jobs * 8)))
