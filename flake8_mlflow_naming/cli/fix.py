"""``mlflow-naming fix`` and ``mlflow-naming migrate``: the command-line side of :mod:`..fix`."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections import Counter
from dataclasses import replace

from ..check import FileError
from ..fix.loop import FixOptions, FixResult, fix_file, fix_many
from ..lint.parse import SourceError, decode
from ..sources.discovery import iter_targets
from ..sources.read import STDIN, read_source
from .options import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, config_source, selected_codes
from .output import format_error, format_finding
from .progress import Progress


def fix_command(args: argparse.Namespace) -> int:
    """``fix``: apply safe fixes (unsafe ones with --unsafe-fixes)."""
    options = FixOptions(codes=selected_codes(args), unsafe=args.unsafe_fixes, write=not args.diff)
    return _fix_files(args, options, per_file_summary=False)


def migrate_command(args: argparse.Namespace) -> int:
    """``migrate``: every fix, unsafe included, optionally onto a given wrapper."""
    options = FixOptions(codes=selected_codes(args), unsafe=True, write=not args.diff)
    return _fix_files(args, options, per_file_summary=True)


def _fix_files(args: argparse.Namespace, options: FixOptions, per_file_summary: bool) -> int:
    if STDIN in args.paths:
        if len(args.paths) > 1:
            sys.stderr.write("mlflow-naming: error: '-' cannot be combined with other paths\n")
            return EXIT_ERROR
        return _fix_stdin(args, options)
    source = config_source(args)
    report = sys.stderr if args.diff else sys.stdout
    results: list[FixResult] = []
    targets = list(iter_targets(args.paths, source))
    files = [t.path for t in targets if t.error is None]
    for target in targets:
        if target.error is not None:
            results.append(FixResult(target.path, error=FileError(target.error)))
    results.extend(Progress(sys.stderr).track(fix_many(files, options, source, jobs=args.jobs), len(files)))
    for result in results:
        if args.diff and result.changed:
            sys.stdout.write(unified_diff(result))
        if result.error is not None:
            report.write(format_error(result.path, result.error) + "\n")
            continue
        for finding in result.remaining:
            report.write(format_finding(result.path, finding) + "\n")
        if per_file_summary and (result.changed or result.remaining):
            report.write(f"{result.path}: {_describe(result)}\n")
    changed = sum(r.changed for r in results)
    applied = sum(sum(r.applied.values()) for r in results)
    left = sum(len(r.remaining) for r in results)
    verb = "would change" if args.diff else "changed"
    report.write(f"{changed} file{'s' if changed != 1 else ''} {verb}, {applied} fix{'es' if applied != 1 else ''} applied, {left} finding{'s' if left != 1 else ''} left\n")
    if any(r.error for r in results):
        return EXIT_ERROR
    return EXIT_FINDINGS if left or (args.diff and changed) else EXIT_CLEAN


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
