"""``mlflow-naming check``: report findings in the chosen output format; exit 0, 1 or 2."""

from __future__ import annotations

import argparse
import sys
from typing import Iterator

from ..check import FileError, FileResult, check_file, check_many
from ..config import ConfigSource
from ..sources.discovery import iter_targets
from ..sources.read import STDIN
from . import output
from .options import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, config_source, selected_codes
from .progress import Progress


def iter_results(
    args: argparse.Namespace, source: ConfigSource, codes: frozenset[str], progress: Progress | None = None
) -> Iterator[FileResult]:
    """Check every target the arguments name, yielding one :class:`FileResult` each (counted on ``progress``)."""
    targets = list(iter_targets([p for p in args.paths if p != STDIN], source))

    def results():
        for target in targets:
            if target.error is not None:
                yield FileResult(target.path, error=FileError(target.error))
        files = [t.path for t in targets if t.error is None]
        yield from check_many(files, source, codes, getattr(args, "jobs", 1))
        if STDIN in args.paths:
            yield check_file(STDIN, source, codes, display_name=args.stdin_filename)

    if progress is None:
        yield from results()
    else:
        yield from progress.track(results(), len(targets) + (STDIN in args.paths))


def check_command(args: argparse.Namespace) -> int:
    """``mlflow-naming check``: report findings in ``--output-format``; exit 0, 1 or 2."""
    if args.stdin_filename and STDIN not in args.paths:
        sys.stderr.write("mlflow-naming: error: --stdin-filename works only with '-' (standard input)\n")
        return EXIT_ERROR
    source = config_source(args)
    codes = selected_codes(args)
    progress = Progress(sys.stderr)
    if args.output_format == "concise" and not args.statistics:
        results = []
        config_errors: set[str] = set()
        for result in iter_results(args, source, codes, progress):
            # Stream the default format, so a long run shows progress; keep no sources.
            if result.error is not None and result.error.config:
                if result.error.message in config_errors:
                    results.append(FileResult(result.path, error=result.error))
                    continue  # one line per configuration error, not one per file under it
                config_errors.add(result.error.message)
            text = output.concise([result])
            if text:
                progress.clear()
                sys.stdout.write(text)
                if progress.enabled:
                    sys.stdout.flush()  # the findings, then the bar again, in this order
            results.append(FileResult(result.path, result.findings, result.error))
    else:
        results = list(iter_results(args, source, codes, progress))
        if args.statistics:
            sys.stdout.write(output.statistics(results, args.output_format))
        else:
            sys.stdout.write(output.FORMATS[args.output_format](results))
    if any(r.error is not None for r in results):
        return EXIT_ERROR
    found = any(r.findings for r in results)
    return EXIT_FINDINGS if found and not args.exit_zero else EXIT_CLEAN
