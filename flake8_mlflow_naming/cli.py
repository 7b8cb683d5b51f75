"""The ``mlflow-naming`` command line: ``check`` and ``rule`` (``fix`` and ``migrate`` live in :mod:`.fix`).

Exit codes follow Ruff: 0 clean, 1 findings, 2 errors (unparsable files, bad config,
bad arguments). Every error is one line; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from . import __version__, output
from .config import ConfigError, ConfigFinder
from .files import iter_targets
from .progress import Progress
from .rules import ALL_CODES, ALL_RULES, RULES_BY_CODE
from .runner import STDIN, FileResult, check_file, check_many

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"mlflow-naming: error: {message} (see --help)\n")


def _codes(text: str) -> tuple[str, ...]:
    codes = tuple(c.strip().upper() for c in text.split(",") if c.strip())
    for code in codes:
        if not code.startswith("MLN") or not any(known.startswith(code) for known in ALL_CODES):
            raise argparse.ArgumentTypeError(f"unknown rule code {code!r}")
    return codes


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    """``--select``/``--ignore``/``--config``/``--stdin-filename``, shared by check and fix."""
    parser.add_argument("--select", type=_codes, help="only these rule codes or prefixes (comma-separated)")
    parser.add_argument("--ignore", type=_codes, help="skip these rule codes or prefixes (comma-separated)")
    parser.add_argument("--config", type=Path, help="use this pyproject.toml instead of searching for one")
    parser.add_argument("--stdin-filename", help="the path to report (and find configuration for) when reading -")


def selected_codes(args: argparse.Namespace) -> frozenset[str]:
    """The codes the command line asks for (configuration filters apply on top)."""
    codes = {c for c in ALL_CODES if not args.select or c.startswith(tuple(args.select))}
    if args.ignore:
        codes = {c for c in codes if not c.startswith(tuple(args.ignore))}
    return frozenset(codes)


def make_finder(args: argparse.Namespace) -> ConfigFinder:
    """The configuration finder, honouring ``--config``."""
    return ConfigFinder(args.config)


def iter_results(args: argparse.Namespace, finder: ConfigFinder, codes: frozenset[str], progress: Progress | None = None):
    """Check every target the arguments name, yielding one :class:`FileResult` each (counted on ``progress``)."""
    targets = list(iter_targets([p for p in args.paths if p != STDIN], finder))

    def results():
        for target in targets:
            if target.error is not None:
                yield FileResult(target.path, error=target.error)
        files = [t.path for t in targets if t.error is None]
        config_file = str(args.config) if args.config else None
        yield from check_many(files, finder, codes, getattr(args, "jobs", 1), config_file)
        if STDIN in args.paths:
            yield check_file(STDIN, finder, codes, display_name=args.stdin_filename)

    if progress is None:
        yield from results()
    else:
        yield from progress.track(results(), len(targets) + (STDIN in args.paths))


def run_check(args: argparse.Namespace) -> int:
    """``mlflow-naming check``: report findings in ``--output-format``; exit 0, 1 or 2."""
    finder = make_finder(args)
    codes = selected_codes(args)
    progress = Progress(sys.stderr)
    if args.output_format == "concise" and not args.statistics:
        results = []
        for result in iter_results(args, finder, codes, progress):
            # Stream the default format, so a long run shows progress; keep no sources.
            text = output.concise([result])
            if text:
                progress.clear()
                sys.stdout.write(text)
                if progress.enabled:
                    sys.stdout.flush()  # the findings, then the bar again, in this order
            results.append(FileResult(result.path, result.findings, result.error, error_cell=result.error_cell))
    else:
        results = list(iter_results(args, finder, codes, progress))
        if args.statistics:
            sys.stdout.write(output.statistics(results, args.output_format))
        else:
            sys.stdout.write(output.FORMATS[args.output_format](results))
    if any(r.error is not None for r in results):
        return EXIT_ERROR
    found = any(r.findings for r in results)
    return EXIT_FINDINGS if found and not args.exit_zero else EXIT_CLEAN


def run_rule(args: argparse.Namespace) -> int:
    """``mlflow-naming rule CODE``: print a rule's documentation (``--all``: every rule)."""
    if args.all:
        sys.stdout.write("\n".join(rule.documentation() for rule in ALL_RULES))
        return EXIT_CLEAN
    if not args.code:
        for rule in ALL_RULES:
            sys.stdout.write(f"{rule.code}  {rule.name:<28} {rule.summary}\n")
        return EXIT_CLEAN
    rule = RULES_BY_CODE.get(args.code.upper())
    if rule is None:
        sys.stderr.write(f"mlflow-naming: error: unknown rule {args.code!r}; known: {', '.join(ALL_CODES)}\n")
        return EXIT_ERROR
    sys.stdout.write(rule.documentation())
    return EXIT_CLEAN


def build_parser(extra: Sequence[Callable[[argparse._SubParsersAction], None]] = ()) -> argparse.ArgumentParser:
    """The argument parser; ``extra`` registers further subcommands (fix, migrate)."""
    parser = _ArgumentParser(prog="mlflow-naming", description="Lint MLflow run naming, wrapper use and artifact paths.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_ArgumentParser)

    check = commands.add_parser("check", help="report findings")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files and folders ('-' reads standard input)")
    check.add_argument("-j", "--jobs", type=_jobs, default=1, help="worker processes (default 1)")
    add_selection_options(check)
    check.add_argument(
        "--output-format",
        choices=tuple(output.FORMATS),
        default="concise",
        help="concise (default: path:line:col: CODE message), json, github (workflow annotations), sarif, junit",
    )
    check.add_argument("--statistics", action="store_true", help="print the number of findings per code instead of the findings")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even if there are findings (errors still exit 2)")
    check.set_defaults(handler=run_check)

    rule = commands.add_parser("rule", help="show a rule's documentation")
    rule.add_argument("code", nargs="?", help="e.g. MLN001; without it, list the rules")
    rule.add_argument("--all", action="store_true", help="print every rule's documentation")
    rule.set_defaults(handler=run_rule)

    for register in extra:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mlflow-naming`` console script."""
    _interrupt_on_sigterm()
    parser = build_parser(_extra_commands())
    args = parser.parse_args(argv)
    if getattr(args, "statistics", False) and args.output_format not in output.STATISTICS_FORMATS:
        parser.error(f"--statistics works with --output-format {' or '.join(output.STATISTICS_FORMATS)}")
    try:
        return args.handler(args)
    except ConfigError as error:
        sys.stderr.write(f"mlflow-naming: error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("mlflow-naming: interrupted; every file is either as it was or completely fixed\n")
        return 130
    except Exception as error:  # a worker process killed mid-run (BrokenProcessPool)
        if type(error).__name__ != "BrokenProcessPool":
            raise
        sys.stderr.write("mlflow-naming: a worker process died; every file is either as it was or completely fixed\n")
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN


def _interrupt_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C, so cleanup runs (worker processes inherit the handler).

    Writes are atomic either way; this also removes a half-written temporary file.
    """
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        pass


def _lazy(name: str) -> Callable[[argparse.Namespace], int]:
    """A handler from :mod:`.fix.command`, imported only when run: ``check`` never loads libcst."""

    def handler(args: argparse.Namespace) -> int:
        from .fix import command

        return getattr(command, name)(args)

    return handler


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {text!r}")
    return value


def _register_fix(commands: argparse._SubParsersAction) -> None:
    fix = commands.add_parser("fix", help="apply fixes (safe ones unless --unsafe-fixes)")
    fix.add_argument("paths", nargs="+", metavar="PATH", help="files and folders ('-': standard input to standard output)")
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that may change behaviour")
    fix.add_argument("--diff", action="store_true", help="print a diff instead of writing files")
    fix.add_argument("-j", "--jobs", type=_jobs, default=1, help="worker processes (default 1)")
    add_selection_options(fix)
    fix.set_defaults(handler=_lazy("run_fix"))

    migrate = commands.add_parser("migrate", help="codemod legacy scripts: every fix, unsafe included")
    migrate.add_argument("paths", nargs="+", metavar="PATH", help="files and folders ('-': standard input to standard output)")
    migrate.add_argument("--wrapper", type=_wrapper, help="dotted path of the team wrapper to migrate to (overrides run-wrapper)")
    migrate.add_argument("--diff", action="store_true", help="print a diff instead of writing files")
    migrate.add_argument("-j", "--jobs", type=_jobs, default=1, help="worker processes (default 1)")
    add_selection_options(migrate)
    migrate.set_defaults(handler=_lazy("run_migrate"))


def _wrapper(text: str) -> str:
    from .config import ConfigError, parse_setting

    try:
        return parse_setting("run-wrapper", text, "--wrapper")[1]
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error).split("] ", 1)[-1]) from None


def _register_audit(commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser(
        "audit", help="audit the runs in a tracking store; plan, apply and undo renames (needs the runtime extra)"
    )
    audit.add_argument("--tracking-uri", required=True, metavar="URI", help="the MLflow tracking server or store")
    audit.add_argument(
        "--experiment", action="append", default=[], metavar="NAME_OR_ID", help="audit only this experiment (repeatable)"
    )
    audit.add_argument("--output-format", choices=("text", "json", "csv"), default="text", help="text (default), json, csv")
    audit.add_argument(
        "--stale-after", type=float, default=24.0, metavar="HOURS", help="report runs RUNNING longer than this (default 24; 0: never)"
    )
    audit.add_argument("--page-size", type=_jobs, default=1000, metavar="N", help="runs per search_runs page (default 1000)")
    audit.add_argument("--config", type=Path, help="use this pyproject.toml instead of searching for one")
    action = audit.add_mutually_exclusive_group()
    action.add_argument("--plan", type=Path, metavar="FILE", help="also write a rename plan (CSV) for badly named runs")
    action.add_argument("--apply", type=Path, metavar="FILE", help="rename runs as a plan says (no audit)")
    action.add_argument("--undo", type=Path, metavar="FILE", help="restore the names recorded in an undo file")
    audit.add_argument("--undo-file", type=Path, metavar="FILE", help="where --apply records renames (default: FILE.undo.csv)")
    audit.add_argument("--dry-run", action="store_true", help="with --apply or --undo: print what would change, change nothing")

    def handler(args: argparse.Namespace) -> int:
        from .audit_command import run_audit  # MLflow is imported only when audit runs

        return run_audit(args)

    audit.set_defaults(handler=handler)


def _extra_commands() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Subcommands whose work lives elsewhere (their handlers are imported lazily)."""
    return [_register_fix, _register_audit]


if __name__ == "__main__":
    sys.exit(main())
