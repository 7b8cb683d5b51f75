"""``mlflow-naming fix`` and ``mlflow-naming migrate``: the command-line side of :mod:`..fix`."""

from __future__ import annotations

import argparse
import difflib
import io
import sys
from collections import Counter
from dataclasses import replace
from typing import TextIO

from ..check import FileError, FileResult
from ..fix.loop import FixOptions, FixResult, fix_file, fix_many
from ..lint.parse import SourceError, decode
from ..lint.rules import MIGRATION_CODES
from ..sources.discovery import iter_targets
from ..sources.read import STDIN, read_source
from .options import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERRUPTED, config_source, selected_codes, warn_no_files
from .output import format_error, format_finding, is_config_error
from .progress import Progress


def fix_command(args: argparse.Namespace) -> int:
    """``fix``: apply safe fixes (unsafe ones with --unsafe-fixes)."""
    options = FixOptions(codes=selected_codes(args), unsafe=args.unsafe_fixes, write=not args.diff)
    return _fix_files(args, options, per_file_summary=False)


def migrate_command(args: argparse.Namespace) -> int:
    """``migrate``: every fix, unsafe included, optionally onto a given wrapper."""
    # Experiment and registered-model renames are reported but applied only when selected.
    fix_codes = None if args.select else MIGRATION_CODES
    options = FixOptions(codes=selected_codes(args), unsafe=True, write=not args.diff, fix_codes=fix_codes)
    return _fix_files(args, options, per_file_summary=True)


def _fix_files(args: argparse.Namespace, options: FixOptions, per_file_summary: bool) -> int:
    if STDIN in args.paths:
        if len(args.paths) > 1:
            sys.stderr.write("mlflow-naming: error: '-' cannot be combined with other paths\n")
            return EXIT_ERROR
        return _fix_stdin(args, options)
    if args.stdin_filename:
        sys.stderr.write("mlflow-naming: error: --stdin-filename works only with '-' (standard input)\n")
        return EXIT_ERROR
    options = replace(options, allow_hardlinks=getattr(args, "allow_hardlinks", False))
    source = config_source(args)
    output_format = getattr(args, "output_format", "concise")
    statistics = getattr(args, "statistics", False)
    collect = output_format != "concise" or statistics
    # The findings left go to standard output; with --diff, or when a whole document
    # (json, sarif, ...) goes there, the counts go to standard error.
    report = sys.stderr if args.diff or collect else sys.stdout
    quiet = getattr(args, "quiet", False)
    progress = Progress(io.StringIO() if quiet else sys.stderr)  # not a terminal: a quiet bar draws nothing
    tally = _Tally(
        report,
        progress,
        diff=args.diff,
        per_file_summary=per_file_summary,
        show_source=getattr(args, "show_source", False),
        collect=collect,
        unsafe=options.unsafe,
    )
    targets = list(iter_targets(args.paths, source, force_exclude=args.force_exclude))
    if not targets:
        warn_no_files(args.paths)
    files = [t.path for t in targets if t.error is None]
    try:
        for target in targets:
            if target.error is not None:
                tally.add(FixResult(target.path, error=FileError(target.error)))
        # Results are handled as they come and then dropped: memory does not grow with the tree.
        for result in progress.track(fix_many(files, options, source, jobs=args.jobs), len(files)):
            tally.add(result)
    except KeyboardInterrupt:
        tally.interrupted()
        return EXIT_INTERRUPTED
    if collect:
        from . import output

        sys.stdout.write(output.statistics(tally.results, output_format) if statistics else output.FORMATS[output_format](tally.results))
    if getattr(args, "show_fixes", False):
        tally.show_fixes()
    if not quiet:
        tally.summary()
    if tally.errors:
        return EXIT_ERROR
    if getattr(args, "exit_zero", False):
        return EXIT_CLEAN
    return EXIT_FINDINGS if tally.left or (args.diff and tally.changed) else EXIT_CLEAN


class _Tally:
    """Prints each file's outcome as it arrives and keeps only counts (and the changed paths)."""

    def __init__(
        self,
        report: TextIO,
        progress: Progress,
        diff: bool,
        per_file_summary: bool,
        show_source: bool = False,
        collect: bool = False,
        unsafe: bool = True,
    ) -> None:
        self._report, self._progress, self._diff, self._per_file_summary = report, progress, diff, per_file_summary
        self._show_source, self._collect, self._unsafe = show_source, collect, unsafe
        self.changed = self.applied = self.left = self.errors = 0
        #: Findings left with an unsafe fix (what ``--unsafe-fixes`` would still resolve).
        self.unsafe_left = 0
        self.changed_paths: list[str] = []
        self._config_errors: set[str] = set()
        #: With ``collect``: what is left in each file, rendered at the end in the output format.
        self.results: list[FileResult] = []
        #: Fixes applied, per file and code, for ``--show-fixes``.
        self.applied_by_file: list[tuple[str, Counter]] = []

    def add(self, result: FixResult) -> None:
        """Print one file's outcome and count it ("changed" only when really written, or for --diff)."""
        lines: list[str] = []
        if self._diff and result.changed:
            self._show(sys.stdout, unified_diff(result))
        changed = result.changed if self._diff else result.written
        if changed:
            self.changed += 1
            self.changed_paths.append(result.path)
        self.applied += sum(result.applied.values())
        self.left += len(result.remaining)
        self.unsafe_left += sum(1 for f in result.remaining if f.fix is not None and f.fix.applicability.value == "unsafe")
        if result.applied:
            self.applied_by_file.append((result.path, Counter(result.applied)))
        if self._collect:
            source = result.fixed if result.fixed is not None else (result.original or None)
            self.results.append(FileResult(result.path, list(result.remaining), result.error, source=source))
            return
        if result.error is not None:
            self.errors += 1
            line = format_error(result.path, result.error)
            if result.error.message not in self._config_errors:  # one line per configuration error
                lines.append(line)
            if is_config_error(result.error):
                self._config_errors.add(result.error.message)
        if self._show_source and result.remaining:
            from .output import concise

            source = result.fixed if result.fixed is not None else (result.original or None)
            shown = concise([FileResult(result.path, list(result.remaining), source=source)], show_source=True)
            lines.extend(shown.splitlines())
        else:
            lines.extend(format_finding(result.path, finding, mark_fixable=True) for finding in result.remaining)
        if self._per_file_summary and result.error is None and (changed or result.remaining):
            lines.append(f"{result.path}: {_describe(result)}")
        if lines:
            self._show(self._report, "".join(line + "\n" for line in lines))

    def _show(self, stream: TextIO, text: str) -> None:
        """Write ``text`` with the progress bar out of its way (drawn again after it)."""
        if not text:
            return
        self._progress.clear()
        stream.write(text)
        if self._progress.enabled:
            stream.flush()

    def summary(self, prefix: str = "") -> None:
        """The closing line: files changed, fixes applied, findings left."""
        verb = "would change" if self._diff else "changed"
        changed, applied, left = self.changed, self.applied, self.left
        more = f"; {self.unsafe_left} more fixable with `--unsafe-fixes`" if self.unsafe_left and not self._unsafe else ""
        self._report.write(
            f"{prefix}{changed} file{'s' if changed != 1 else ''} {verb}, {applied} fix{'es' if applied != 1 else ''} applied, "
            f"{left} finding{'s' if left != 1 else ''} left{more}\n"
        )

    def show_fixes(self) -> None:
        """``--show-fixes``: the fixes applied, per file and code, as Ruff lists them."""
        from .output import rule_name

        verb = "Would fix" if self._diff else "Fixed"
        self._report.write(f"{verb} {self.applied} finding{'s' if self.applied != 1 else ''}:\n")
        for path, counts in self.applied_by_file:
            self._report.write(f"- {path}:\n")
            for code, count in sorted(counts.items()):
                self._report.write(f"    {count} × {code} ({rule_name(code)})\n")

    def interrupted(self) -> None:
        """Say what was changed before the interrupt: every other file is as it was."""
        self._report.flush()
        if not self._diff and not self._per_file_summary:  # migrate has already named each file
            for path in self.changed_paths:
                self._report.write(f"{path}: changed\n")
        self.summary(prefix="interrupted: ")
        sys.stderr.write("mlflow-naming: interrupted; the files above were changed, every other file is as it was\n")


def _fix_stdin(args: argparse.Namespace, options: FixOptions) -> int:
    name = args.stdin_filename or STDIN
    source = read_source(STDIN)
    result = fix_file(name if args.stdin_filename else STDIN, replace(options, write=False), config_source(args), source)
    if result.error is not None:
        sys.stdout.buffer.write(source)
        sys.stderr.write(format_error(name, result.error) + "\n")
        return EXIT_ERROR
    if args.diff:
        sys.stdout.write(unified_diff(result))
    else:
        sys.stdout.buffer.write(result.fixed if result.fixed is not None else source)
    for finding in result.remaining:
        sys.stderr.write(format_finding(name, finding) + "\n")
    return EXIT_FINDINGS if result.remaining or (args.diff and result.changed) else EXIT_CLEAN


def unified_diff(result: FixResult) -> str:
    """A unified diff between the file as it was and as fixed."""
    try:
        before, after = decode(result.original), decode(result.fixed or result.original)
    except SourceError:
        return ""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{result.path.lstrip('/')}", f"b/{result.path.lstrip('/')}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _describe(result: FixResult) -> str:
    fixes = sum(result.applied.values())
    by_code = ", ".join(f"{code} x{count}" for code, count in sorted(Counter(result.applied).items()))
    text = f"{fixes} fix{'es' if fixes != 1 else ''}" + (f" ({by_code})" if by_code else "")
    return text + f", {len(result.remaining)} finding{'s' if len(result.remaining) != 1 else ''} left"
