"""What every subcommand shares: exit codes, the one-line argument parser, and the common options.

The only place exit codes are defined. Options are turned into the library's own objects
here (codes into a frozenset, ``--config`` into a :class:`..config.ConfigSource`), so
nothing below the command line ever sees an ``argparse.Namespace``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..codes import ALL_CODES, CodeListError, parse_code_text, selected
from ..config import ConfigError, ConfigSource, parse_setting

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: Ctrl-C or SIGTERM, as shells report a process ended by SIGINT.
EXIT_INTERRUPTED = 130

#: The ``--output-format`` names, here so that building the parser does not import the
#: renderers (a test keeps this equal to :data:`.output.FORMATS`).
OUTPUT_FORMATS = ("concise", "json", "github", "sarif", "junit")
#: The formats ``--statistics`` can be printed in.
STATISTICS_FORMATS = ("concise", "json")


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, told the terminal width so that argparse does not import shutil
    (and with it bz2 and lzma) for every option it adds: start-up matters per file in pre-commit."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None) -> None:
        if width is None:
            try:
                width = int(os.environ.get("COLUMNS", "")) - 2
            except ValueError:
                try:
                    width = os.get_terminal_size(2).columns - 2
                except OSError:
                    width = 78
        super().__init__(prog, indent_increment, max_help_position, width)


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits 2."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"mlflow-naming: error: {message} (see --help)\n")


class _Unused:
    """Stands in for the parser of a subcommand that is not running: every call is accepted and ignored."""

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: self


class OnlyChosen:
    """The subcommands of a parser, where only the ``chosen`` one (None: every one) gets its options.

    Every subcommand is still registered with its help, so ``--help`` lists them all and an
    unknown name is still an error.
    """

    def __init__(self, subparsers: argparse._SubParsersAction, chosen: str | None) -> None:
        self._subparsers, self._chosen = subparsers, chosen

    def add_parser(self, name: str, **kwargs):
        """Register subcommand ``name``; its parser, or a stand-in when another one runs."""
        parser = self._subparsers.add_parser(name, **kwargs)
        return parser if self._chosen is None or self._chosen == name else _Unused()


def code_list(text: str) -> tuple[str, ...]:
    """An argparse type: ``MLN001,MLN003`` → validated codes or prefixes.

    An unknown code is answered as Ruff and Git answer a typo: the closest codes (or the
    code of a rule named that way, ``run-name-schema`` → MLN003), then every valid code.
    """
    try:
        return parse_code_text(text)
    except CodeListError as error:
        message = str(error).replace("names ", "", 1)
        unknown = [item.strip() for item in text.split(",") if item.strip() and _unknown_code(item.strip())]
        if unknown:
            message += _did_you_mean(unknown[0])
        raise argparse.ArgumentTypeError(message) from None


def _unknown_code(item: str) -> bool:
    try:
        parse_code_text(item)
    except CodeListError:
        return True
    return False


def _did_you_mean(typed: str) -> str:
    """``; did you mean MLN001?`` (when something is close) and the list of valid codes."""
    import difflib

    from ..codes import RULE_NAMES

    by_name = {name: code for code, name in RULE_NAMES.items()}
    upper = typed.upper()
    guesses = difflib.get_close_matches(upper, ALL_CODES, n=1, cutoff=0.75)
    guesses += [by_name[name] for name in difflib.get_close_matches(typed.lower(), list(by_name), n=1, cutoff=0.8)]
    if upper.isdigit():
        guesses.insert(0, f"MLN{int(upper):03d}")  # "--select 3": the number alone
    guesses = [g for g in dict.fromkeys(guesses) if g in ALL_CODES]
    hint = f"; did you mean {' or '.join(guesses)}?" if guesses else ""
    return f"{hint} (valid codes: {', '.join(ALL_CODES)})"


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {text!r}")
    return value


def non_negative_hours(text: str) -> float:
    """An argparse type: a number of hours, 0 or more (0 turns the check off)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of hours, 0 or more, not {text!r}")
    return value


def wrapper_name(text: str) -> str:
    """An argparse type: a dotted wrapper path, validated as the ``run-wrapper`` key is."""
    try:
        return parse_setting("run-wrapper", text, "--wrapper")[1]
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error).split("] ", 1)[-1]) from None


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    """``--select``/``--ignore``/``--config``/``--stdin-filename``, shared by check, fix and migrate."""
    parser.add_argument("--select", type=code_list, help="only these rule codes or prefixes (comma-separated)")
    parser.add_argument("--ignore", type=code_list, help="skip these rule codes or prefixes (comma-separated)")
    parser.add_argument(
        "--extend-select", type=code_list, help="also these codes, on top of the configured select (re-enables ignored ones)"
    )
    parser.add_argument("--extend-ignore", type=code_list, help="also skip these codes, on top of the configured ignore")
    parser.add_argument("--config", type=Path, help="use this pyproject.toml instead of searching for one")
    parser.add_argument("--stdin-filename", help="the path to report (and find configuration for) when reading -")
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply exclude/extend-exclude to files named on the command line too (what pre-commit hooks need)",
    )


def warn_no_files(paths: list[str]) -> None:
    """Ruff's warning when the paths hold nothing to check: a clean exit must not hide a wrong path."""
    import sys

    sys.stderr.write(f"mlflow-naming: warning: no Python files or notebooks found under {', '.join(paths)}\n")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """How findings are reported, shared by ``check`` and ``fix`` (whose report is the findings left)."""
    parser.add_argument("-q", "--quiet", action="store_true", help="print findings and errors only: no progress, no summary")
    parser.add_argument("--show-source", action="store_true", help="print the offending line and a caret under each finding")
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the findings cache (.mlflow_naming_cache/)"
    )
    parser.add_argument(
        "--output-format",
        choices=OUTPUT_FORMATS,
        default="concise",
        help="concise (default: path:line:col: CODE message), json, github (workflow annotations), sarif, junit",
    )
    parser.add_argument("--statistics", action="store_true", help="print the number of findings per code instead of the findings")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even if there are findings (errors still exit 2)")
    parser.add_argument(
        "--show-fixes", action="store_true", help="after the findings, list the fixes: applied by fix, or available to check"
    )


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    """``-j/--jobs``, shared by check, fix and migrate."""
    parser.add_argument(
        "-j", "--jobs", type=positive_int, default=available_cores(), help="worker processes (default: the number of cores, as flake8 and Ruff)"
    )


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def selected_codes(args: argparse.Namespace) -> frozenset[str]:
    """The codes the command line asks for (configuration filters apply on top)."""
    select = (args.select or ()) + (args.extend_select or ()) if args.select else ()
    ignore = tuple(code for code in args.ignore or () if code not in (getattr(args, "extend_select", None) or ()))
    return selected(ALL_CODES, select, ignore + (getattr(args, "extend_ignore", None) or ()))


def config_source(args: argparse.Namespace) -> ConfigSource:
    """Where this invocation's configuration comes from (``--config``, ``migrate --wrapper``)."""
    return ConfigSource(getattr(args, "config", None)).overriding(
        run_wrapper=getattr(args, "wrapper", None),
        extend_select=getattr(args, "extend_select", None),
        extend_ignore=getattr(args, "extend_ignore", None),
    )
