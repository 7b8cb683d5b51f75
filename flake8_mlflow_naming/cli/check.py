"""``mlflow-naming check``: report findings in the chosen output format; exit 0, 1 or 2."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from typing import IO

from ..check import FileError, FileResult, check_file, check_many
from ..config import ConfigSource
from ..sources.discovery import iter_targets
from ..sources.read import STDIN
from . import output
from .options import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, config_source, selected_codes, warn_no_files
from .progress import Progress


def iter_results(
    args: argparse.Namespace,
    source: ConfigSource,
    codes: frozenset[str],
    progress: Progress | None = None,
    cache: object | None = None,
) -> Iterator[FileResult]:
    """Check every target the arguments name, yielding one :class:`FileResult` each (counted on ``progress``)."""
    targets = list(iter_targets([p for p in args.paths if p != STDIN], source, getattr(args, "force_exclude", False)))
    if not targets and STDIN not in args.paths:
        warn_no_files(args.paths)

    def results():
        for target in targets:
            if target.error is not None:
                yield FileResult(target.path, error=FileError(target.error))
        files = [t.path for t in targets if t.error is None]
        yield from check_many(files, source, codes, getattr(args, "jobs", 1), cache)
        if STDIN in args.paths:
            yield check_file(STDIN, source, codes, display_name=args.stdin_filename)

    if progress is None:
        yield from results()
    else:
        yield from progress.track(results(), len(targets) + (STDIN in args.paths))


def use_color(stream: IO[str], environment: os._Environ | dict[str, str] = os.environ) -> bool:
    """Colour on a terminal, never into a pipe or file, and never when ``NO_COLOR`` is set (no-color.org)."""
    if environment.get("NO_COLOR"):
        return False
    if environment.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty() and environment.get("TERM") != "dumb"
    except (AttributeError, ValueError, OSError):
        return False


def check_command(args: argparse.Namespace) -> int:
    """``mlflow-naming check``: report findings in ``--output-format``; exit 0, 1 or 2."""
    if args.stdin_filename and STDIN not in args.paths:
        sys.stderr.write("mlflow-naming: error: --stdin-filename works only with '-' (standard input)\n")
        return EXIT_ERROR
    if args.unsafe_fixes and not args.fix:
        sys.stderr.write("mlflow-naming: error: --unsafe-fixes works only with --fix (or use `mlflow-naming fix --unsafe-fixes`)\n")
        return EXIT_ERROR
    if args.fix:
        if args.show_files or args.output_file:
            sys.stderr.write("mlflow-naming: error: --fix cannot be combined with --show-files or --output-file\n")
            return EXIT_ERROR
        from .fix import fix_command

        # Ruff's `check --fix`: fix what can be fixed, then report what is left.
        args.diff, args.allow_hardlinks = False, False
        return fix_command(args)
    source = config_source(args)
    codes = selected_codes(args)
    if args.add_noqa:
        return _add_noqa(args, source, codes)
    if args.show_files:
        return _show_files(args, source)
    out = open(args.output_file, "w", encoding="utf-8") if args.output_file else sys.stdout  # noqa: SIM115 - closed below unless stdout
    try:
        return _report(args, source, codes, out)
    finally:
        if out is not sys.stdout:
            out.close()


def _report(args: argparse.Namespace, source: ConfigSource, codes: frozenset[str], out: IO[str]) -> int:
    progress = Progress(open(os.devnull, "w") if args.quiet else sys.stderr)  # noqa: SIM115 - lives as long as the command
    cache = None if args.no_cache or (STDIN in args.paths and len(args.paths) == 1) else _open_cache(source, getattr(args, "cache_dir", None))
    color = args.output_format == "concise" and use_color(out)
    if args.output_format == "concise" and not args.statistics:
        results = []
        config_errors: set[str] = set()
        for result in iter_results(args, source, codes, progress, cache):
            # Stream the default format, so a long run shows progress; keep no sources.
            if result.error is not None and result.error.config:
                if result.error.message in config_errors:
                    results.append(FileResult(result.path, error=result.error))
                    continue  # one line per configuration error, not one per file under it
                config_errors.add(result.error.message)
            text = output.concise([result], show_source=args.show_source, color=color, show_fixes=args.show_fixes)
            if text:
                progress.clear()
                out.write(text)
                if progress.enabled:
                    out.flush()  # the findings, then the bar again, in this order
            results.append(FileResult(result.path, result.findings, result.error))
    else:
        results = list(iter_results(args, source, codes, progress, cache))
        if args.statistics:
            out.write(output.statistics(results, args.output_format))
        else:
            out.write(output.FORMATS[args.output_format](results))
    if cache is not None:
        cache.save()
        cache.close()
    found_any = any(r.findings or r.error is not None for r in results)
    if args.output_format == "concise" and not args.statistics and not args.quiet and (found_any or _is_terminal(sys.stderr)):
        # On standard error, so it is seen when the findings are piped (``| grep``, CI logs)
        # and never mixes into them; a clean run stays silent there (pre-commit, scripts).
        progress.clear()
        sys.stderr.write(output.summary(results))
    if any(r.error is not None for r in results):
        return EXIT_ERROR
    found = any(r.findings for r in results)
    return EXIT_FINDINGS if found and not args.exit_zero else EXIT_CLEAN


def _open_cache(source: ConfigSource, folder: str | None):
    """The findings cache of the project this run is in; None when it is not to be used (said once on stderr when unsafe)."""
    from ..cache import CacheUnavailable, cache_location, open_cache
    from ..config import ConfigError

    try:
        project = source.for_path(None)
    except ConfigError:
        return None  # reported once per file below
    try:
        return open_cache(cache_location(project, folder))
    except CacheUnavailable as why:
        if str(why):
            sys.stderr.write(f"mlflow-naming: warning: cache not used: {why}\n")
        return None


def _show_files(args: argparse.Namespace, source: ConfigSource) -> int:
    """``--show-files``: the files a run would check, one a line, in the order it checks them."""
    status = EXIT_CLEAN
    for target in iter_targets([p for p in args.paths if p != STDIN], source, args.force_exclude):
        if target.error is not None:
            sys.stderr.write(f"mlflow-naming: error: {target.path}: {target.error}\n")
            status = EXIT_ERROR
        else:
            sys.stdout.write(target.path + "\n")
    return status


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _add_noqa(args: argparse.Namespace, source: ConfigSource, codes: frozenset[str]) -> int:
    """``--add-noqa``: a ``# noqa: CODE`` comment for every finding, where flake8 and check honour it.

    Each file is written atomically (owner, mode and links kept) and only if it still holds the
    bytes that were checked. Notebooks are left alone: their cells live inside JSON.
    """
    import tokenize
    from io import BytesIO

    from ..lint.noqa import with_noqa_codes
    from ..sources.read import read_with_snapshot
    from ..sources.write import WriteError, replace_verified
    from ..text_diff import split_lines

    added, status = 0, EXIT_CLEAN
    for result in iter_results(args, source, codes):
        if result.error is not None:
            sys.stderr.write(output.format_error(result.path, result.error) + "\n")
            status = EXIT_ERROR
            continue
        if not result.findings or result.path == STDIN:
            continue
        if result.path.lower().endswith(".ipynb"):
            sys.stderr.write(f"mlflow-naming: warning: {result.path}: notebooks are not given # noqa comments\n")
            continue
        raw, snapshot = read_with_snapshot(result.path)
        encoding, _ = tokenize.detect_encoding(BytesIO(raw).readline)
        by_line: dict[int, set[str]] = {}
        for finding in result.findings:
            by_line.setdefault(finding.line, set()).add(finding.code)
        lines, changed = with_noqa_codes(split_lines(raw.decode(encoding)), by_line)
        if not changed:
            continue
        try:
            replace_verified(result.path, "".join(lines).encode(encoding), snapshot)
        except WriteError as error:
            sys.stderr.write(f"mlflow-naming: error: {result.path}: {error}\n")
            status = EXIT_ERROR
            continue
        added += changed
    sys.stderr.write(f"Added {added} noqa directive{'s' if added != 1 else ''}.\n")
    return status
