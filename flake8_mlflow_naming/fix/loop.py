"""Fix files: lint with the engine, apply the fixes of those very findings, repeat until stable.

LibCST parses a file only when the pure-``ast`` lint found something fixable in it.
Nothing is written unless the result parses; writes go through
:func:`..sources.write.replace_verified`, so a file is always either as it was or completely
fixed, and a file changed since it was read (an editor, another fixer) is left alone. This is a library: it never prints or exits (the command line is :mod:`..cli.fix`).
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..check import FileError, check_file
from ..config import Config, ConfigError, ConfigSource
from ..lint.engine import lint_source
from ..lint.findings import Applicability, Finding
from ..lint.parse import SourceError, decode
from ..naming import PatternTimeout
from ..sources.kinds import ReassemblyError, Source, open_source
from ..sources.read import STDIN, Snapshot, read_with_snapshot
from ..sources.write import WriteError, replace_verified
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
    applied: Counter[str] = field(default_factory=Counter)
    remaining: list[Finding] = field(default_factory=list)
    error: FileError | None = None
    libcst_parses: int = 0
    #: True only once the fixed bytes are on disk (and read back): what "files changed" counts.
    written: bool = False
    #: Whether the fixed bytes differ from the original; kept when the bytes are dropped.
    differs: bool = False

    @property
    def changed(self) -> bool:
        """True when fixing changed the file's bytes (written or, with ``write=False``, not)."""
        return self.differs or (self.fixed is not None and self.fixed != self.original)

    def without_sources(self) -> FixResult:
        """This result without the file's old and new bytes, so many results stay small."""
        self.differs = self.changed
        self.original, self.fixed = b"", None
        return self


@dataclass(frozen=True)
class FixOptions:
    """What to fix: rule codes, whether unsafe fixes apply, whether to write files."""

    codes: frozenset[str] | None = None
    unsafe: bool = False
    write: bool = True
    #: Write a file with several hard links in place (keeping the links) instead of refusing it.
    allow_hardlinks: bool = False
    #: The codes whose fixes apply (None: every code checked); the others are only reported.
    fix_codes: frozenset[str] | None = None


def is_applicable(finding: Finding, unsafe: bool, fix_codes: frozenset[str] | None = None) -> bool:
    """True when ``finding`` has a fix that these options may apply."""
    if fix_codes is not None and finding.code not in fix_codes:
        return False
    return finding.fix is not None and (unsafe or finding.fix.applicability is Applicability.SAFE)


def fix_source(source: bytes, path: str, config: Config, options: FixOptions, result: FixResult) -> bytes:
    """Return the fixed bytes of ``source``, filling in ``result``; raise SourceError/FixError.

    LibCST parses the file once: each later pass transforms the tree the previous pass
    produced. Every pass prints that tree once; the printed bytes are linted (which also
    proves they parse) and those very findings drive the next pass and the result.
    """
    findings = lint_source(source, path, config, options.codes)
    if not any(is_applicable(f, options.unsafe, options.fix_codes) for f in findings):
        result.remaining = findings
        return source
    # LibCST's trees are large and acyclic: cyclic garbage collection during one file only
    # burns time (it is restored afterwards).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _fix_passes(source, path, config, options, result, findings)
    finally:
        if collecting:
            gc.enable()


def _fix_passes(
    source: bytes, path: str, config: Config, options: FixOptions, result: FixResult, findings: list[Finding]
) -> bytes:
    # LibCST is imported only once a file has something to fix: a clean tree never loads it.
    import libcst as cst

    from .apply import apply_fixes, choose_compatible

    current, text = source, decode(source)
    module = None
    for _ in range(MAX_PASSES):
        applicable = [f for f in findings if is_applicable(f, options.unsafe, options.fix_codes)]
        if not applicable:
            break
        chosen = choose_compatible(applicable)
        try:
            if module is None:
                module = cst.parse_module(current)
                result.libcst_parses += 1
            module = apply_fixes(module, text, [f.fix for f in chosen], path)  # type: ignore[misc]
            code = module.code
        except cst.ParserSyntaxError as error:
            raise FixError(f"LibCST cannot parse this file ({str(error).splitlines()[0]}); left unchanged") from None
        except RecursionError:
            # ``ast`` copes with deeper nesting than LibCST's recursive tree walks do.
            raise FixError("too deeply nested for LibCST to fix; left unchanged") from None
        if code == text:
            break
        fixed = code.encode(module.encoding)
        try:
            findings = lint_source(fixed, path, config, options.codes, prefilter=False)
        except SourceError as error:
            raise FixError(f"a fix produced code that does not parse ({error}); left unchanged") from None
        result.applied.update(f.code for f in chosen)
        current, text = fixed, code
    result.remaining = findings  # computed for ``current``: no second lint of the same bytes
    return current


def keep_final_line_ending(original: bytes, fixed: bytes) -> bytes:
    """``fixed`` ending in a line break when ``original`` did.

    LibCST drops the last line break of a file whose lines end in a bare ``\r`` (old Mac
    style): ``parse_module(b"x = 1\r").bytes == b"x = 1"``.
    """
    if fixed == original or fixed.endswith((b"\n", b"\r")):
        return fixed
    for ending in (b"\r\n", b"\r", b"\n"):
        if original.endswith(ending):
            return fixed + ending
    return fixed


def fix_file(path: str, options: FixOptions, config_source: ConfigSource, source: bytes | None = None) -> FixResult:
    """Fix one file (or ``source`` given for it); write it back when ``options.write``.

    A notebook goes through the same loop as a ``.py`` file: its cells' module is fixed and
    then rebuilt into the notebook (see :mod:`..sources.kinds`). The file is replaced only
    if it still holds the bytes that were read (see :func:`..sources.write.replace_verified`).
    Whenever the file is left as it was, ``remaining`` is what a fresh ``check`` reports.
    """
    result = FixResult(path)
    snapshot: Snapshot | None = None
    try:
        config = config_source.for_path(None if path == STDIN else path)
        if source is not None:
            result.original = source
        else:
            result.original, snapshot = read_with_snapshot(path)
        kind = open_source(path, result.original)
        python = kind.python
        if python is None:
            return result
        if len(python) > config.max_fix_file_size:
            return _too_large(result, kind, python, path, config, options)
        try:
            fixed_python = keep_final_line_ending(python, fix_source(python, path, config, options, result))
        except SourceError as error:
            raise kind.place_error(error) from None
        rebuilt = kind.rebuild(fixed_python)
        if rebuilt.positions_hold:
            result.remaining = kind.place(result.remaining, fixed_python)
        else:  # the file's layout moved code: ask the engine again, on the bytes to be written
            result.remaining = check_file(path, config_source, options.codes, source=rebuilt.raw).findings
        fixed = rebuilt.raw
    except (ConfigError, SourceError, FixError, ReassemblyError, PatternTimeout) as error:
        result.error = FileError.of(error)
        return _left_unchanged(result, config_source, options, source)
    if fixed != result.original:
        result.fixed = fixed
        if options.write and path != STDIN:
            try:
                if snapshot is None:  # bytes given by the caller: they must still be the file's
                    snapshot = Snapshot.of(os.stat(path), result.original)
                replace_verified(path, fixed, snapshot, allow_hardlinks=options.allow_hardlinks)
                result.written = True
            except WriteError as error:
                result.error = FileError(str(error))
                return _left_unchanged(result, config_source, options, source)
            except OSError as error:
                result.error = FileError(f"cannot write: {error.strerror or error}; left unchanged")
                return _left_unchanged(result, config_source, options, source)
    return result


def _too_large(result: FixResult, kind: Source, python: bytes, path: str, config: Config, options: FixOptions) -> FixResult:
    """Report, not fix, a file LibCST would need too much memory and time for (``max-fix-file-size``)."""
    try:
        findings = lint_source(python, path, config, options.codes)
    except SourceError as error:
        result.error = FileError.of(kind.place_error(error))
        return result
    result.remaining = kind.place(findings)
    if any(is_applicable(f, options.unsafe, options.fix_codes) for f in findings):
        result.error = FileError(
            f"{len(python):,} bytes of code, more than max-fix-file-size ({config.max_fix_file_size:,}); "
            "not fixed, its findings are listed"
        )
    return result


def _left_unchanged(result: FixResult, config_source: ConfigSource, options: FixOptions, source: bytes | None) -> FixResult:
    """A result for a file that was not written: no fixes applied, the findings a fresh check reports.

    The file is checked as it is now on disk (it may have been edited meanwhile), or the
    given ``source`` when there is no file.
    """
    result.applied.clear()
    result.fixed = None
    result.remaining = []
    if (result.original or source is not None) and not (result.error is not None and result.error.config):
        on_disk = source is None and result.path != STDIN
        fresh = check_file(result.path, config_source, options.codes, source=None if on_disk else result.original)
        result.remaining = fresh.findings
    return result


def _fix_and_forget(path: str, options: FixOptions, config_source: ConfigSource) -> FixResult:
    """:func:`fix_file` for a run that writes: the result without the file's bytes."""
    return fix_file(path, options, config_source).without_sources()


def fix_many(paths: Sequence[str], options: FixOptions, config_source: ConfigSource, jobs: int = 1) -> Iterator[FixResult]:
    """Fix files, in ``jobs`` worker processes when more than one; yields results in order.

    When ``options.write``, results carry no file contents (memory does not grow with the
    tree); without it (``--diff``) each result keeps its old and new bytes for the diff.
    On an interrupt (SIGINT/SIGTERM) every file already started is finished and yielded,
    then KeyboardInterrupt is raised (see :func:`..workers.map_in_order`).
    """
    function = _fix_and_forget if options.write else fix_file
    return map_in_order(function, list(paths), jobs, options, config_source)
