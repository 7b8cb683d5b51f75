"""The ``mlflow-naming`` command line: the parser and the entry point.

The ``cli`` package is the only layer that parses arguments, prints or exits. Each
subcommand lives in its own module (:mod:`.check`, :mod:`.fix`, :mod:`.audit`, :mod:`.rule`)
and is imported only when it runs: ``check`` never loads libcst, and only ``audit`` loads
MLflow. Exit codes follow Ruff: 0 clean, 1 findings, 2 errors. Every error is one line; no
traceback reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import __version__
from ..config import ConfigError
from .options import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    STATISTICS_FORMATS,
    ArgumentParser,
    OnlyChosen,
    add_jobs_option,
    add_output_options,
    add_selection_options,
    non_negative_hours,
    positive_int,
    wrapper_name,
)


def _lazy(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """The handler ``name`` of subcommand module ``module``, imported only when it runs."""

    def handler(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(f"{__package__}.{module}"), name)(args)

    return handler


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of every subcommand; with ``chosen``, only that one gets its options.

    Building every subcommand's options costs more than linting a small file, so ``main``
    builds those of the subcommand on the command line only (the others are still listed).
    """
    parser = ArgumentParser(prog="mlflow-naming", description="Lint MLflow run naming, wrapper use and artifact paths.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = OnlyChosen(parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser), chosen)

    check = commands.add_parser("check", help="report findings")
    check.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH", help="files and folders ('-' reads standard input; default: .)"
    )
    add_jobs_option(check)
    add_selection_options(check)
    add_output_options(check)
    check.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE instead of standard output")
    check.add_argument("--show-files", action="store_true", help="print the files that would be checked, and exit")
    check.add_argument("--fix", action="store_true", help="apply the fixes, as `mlflow-naming fix` does, and report what is left")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix: also apply fixes that may change behaviour")
    check.add_argument(
        "--add-noqa", action="store_true", help="silence every finding with a `# noqa: CODE` comment on its line, as Ruff's --add-noqa"
    )
    check.add_argument("--cache-dir", metavar="DIR", help="keep the findings cache in DIR (beats MLFLOW_NAMING_CACHE_DIR and cache-dir)")
    check.set_defaults(handler=_lazy("check", "check_command"))

    rule = commands.add_parser("rule", help="show a rule's documentation")
    rule.add_argument("code", nargs="?", help="e.g. MLN001; without it, list the rules")
    rule.add_argument("--all", action="store_true", help="print every rule's documentation")
    rule.set_defaults(handler=_lazy("rule", "rule_command"))

    server = commands.add_parser("server", help="run the language server on stdio (needs the lsp extra)")
    server.add_argument("--stdio", action="store_true", help="accepted for editors that pass it; stdio is the only transport")
    server.set_defaults(handler=_lazy("server", "server_command"))

    _register_fix(commands)
    _register_audit(commands)
    _register_init(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mlflow-naming`` console script."""
    _interrupt_on_sigterm()
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(next((a for a in arguments if not a.startswith("-")), None) if arguments else None)
    args = parser.parse_args(arguments)
    if getattr(args, "statistics", False) and args.output_format not in STATISTICS_FORMATS:
        parser.error(f"--statistics works with --output-format {' or '.join(STATISTICS_FORMATS)}")
    try:
        return args.handler(args)
    except ConfigError as error:
        sys.stderr.write(f"mlflow-naming: error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("mlflow-naming: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``| head``): end quietly, and keep Python from complaining
        # about the unflushable standard output at exit.
        _silence_stdout()
        return EXIT_CLEAN
    except OSError as error:  # a file system problem no subcommand expected: one line, exit 2
        sys.stderr.write(f"mlflow-naming: error: {error.strerror or error}{f': {error.filename}' if error.filename else ''}\n")
        return EXIT_ERROR
    except Exception as error:
        if type(error).__name__ == "BrokenProcessPool":  # a worker process killed mid-run
            sys.stderr.write("mlflow-naming: error: a worker process died; every file is either as it was or completely fixed\n")
            return EXIT_INTERRUPTED
        # A bug of ours: still one line (and the exit code of an error), never a traceback.
        sys.stderr.write(f"mlflow-naming: internal error: {type(error).__name__}: {error} (please report it)\n")
        return EXIT_ERROR


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _interrupt_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C, so cleanup runs (worker processes inherit the handler).

    Writes are atomic either way; this also removes a half-written temporary file. A file
    size limit (``ulimit -f``) makes a too-large write fail with an error instead of killing
    the process, so it is reported like a full disk.
    """
    import signal

    if hasattr(signal, "SIGXFSZ"):
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        except ValueError:
            pass

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (embedded use): leave signals alone
        pass


def _register_fix(commands: OnlyChosen) -> None:
    fix = commands.add_parser("fix", help="apply fixes (safe ones unless --unsafe-fixes)")
    fix.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH", help="files and folders ('-': standard input to standard output; default: .)"
    )
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that may change behaviour")
    fix.add_argument("--diff", action="store_true", help="print a diff instead of writing files")
    fix.add_argument(
        "--allow-hardlinks", action="store_true", help="fix a file with several hard links in place, keeping the links"
    )
    add_jobs_option(fix)
    add_selection_options(fix)
    add_output_options(fix)
    fix.set_defaults(handler=_lazy("fix", "fix_command"))

    migrate = commands.add_parser("migrate", help="codemod legacy scripts: every fix, unsafe included")
    migrate.add_argument("paths", nargs="+", metavar="PATH", help="files and folders ('-': standard input to standard output)")
    migrate.add_argument("--wrapper", type=wrapper_name, help="dotted path of the team wrapper to migrate to (overrides run-wrapper)")
    migrate.add_argument("--diff", action="store_true", help="print a diff instead of writing files")
    migrate.add_argument(
        "--allow-hardlinks", action="store_true", help="fix a file with several hard links in place, keeping the links"
    )
    add_jobs_option(migrate)
    add_selection_options(migrate)
    migrate.set_defaults(handler=_lazy("fix", "migrate_command"))


def _register_audit(commands: OnlyChosen) -> None:
    audit = commands.add_parser(
        "audit", help="audit the runs in a tracking store; plan, apply and undo renames (needs the runtime extra)"
    )
    audit.add_argument("--tracking-uri", required=True, metavar="URI", help="the MLflow tracking server or store")
    audit.add_argument(
        "--experiment", action="append", default=[], metavar="NAME_OR_ID", help="audit only this experiment (repeatable)"
    )
    audit.add_argument("--output-format", choices=("text", "json", "csv"), default="text", help="text (default), json, csv")
    audit.add_argument(
        "--stale-after", type=non_negative_hours, default=24.0, metavar="HOURS", help="report runs RUNNING longer than this (default 24; 0: never)"
    )
    audit.add_argument("--page-size", type=positive_int, default=1000, metavar="N", help="runs per search_runs page (default 1000)")
    audit.add_argument("--config", type=Path, help="use this pyproject.toml instead of searching for one")
    action = audit.add_mutually_exclusive_group()
    action.add_argument("--plan", type=Path, metavar="FILE", help="also write a rename plan (CSV) for badly named runs")
    action.add_argument("--apply", type=Path, metavar="FILE", help="rename runs as a plan says (no audit)")
    action.add_argument("--undo", type=Path, metavar="FILE", help="restore the names recorded in an undo file")
    audit.add_argument("--undo-file", type=Path, metavar="FILE", help="where --apply records renames (default: FILE.undo.csv)")
    audit.add_argument("--dry-run", action="store_true", help="with --apply or --undo: print what would change, change nothing")
    audit.add_argument(
        "--policy", action="store_true", help="plan/apply/undo [tool.mlflow-naming.lifecycle] and promotion tags instead of renames"
    )
    audit.add_argument("--delete-artifacts", action="store_true", help="with --policy --apply: also do delete_artifacts rows (irreversible)")

    audit.set_defaults(handler=_lazy("audit", "audit_command"))


def _register_init(commands: OnlyChosen) -> None:
    init = commands.add_parser(
        "init", help="propose a configuration from the names the repository (and its tracking server) already uses"
    )
    init.add_argument("path", nargs="?", default=".", metavar="PATH", help="the repository (default: .)")
    init.add_argument(
        "--tracking-uri", metavar="URI", help="also learn from the names on this tracking server (needs the runtime extra)"
    )
    init.add_argument("--page-size", type=positive_int, default=1000, metavar="N", help="runs per search_runs page (default 1000)")
    init.add_argument("--dry-run", action="store_true", help="print the configuration and the hook instead of writing them")
    init.add_argument("--force", action="store_true", help="replace the naming keys of an existing [tool.mlflow-naming]")
    init.set_defaults(handler=_lazy("init", "init_command"))


if __name__ == "__main__":
    sys.exit(main())
