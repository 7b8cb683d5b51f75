"""The flake8 plugin: a thin adapter from flake8 to the engine.

flake8 hands over the parsed tree; the plugin never reads the file, never prints, and
turns configuration errors into an ``MLN000`` finding at line 1, since a plugin has no
other way to tell the user.

flake8 imports this module at every start, also for files that never mention MLflow (an
editor runs ``flake8 -`` once per file), so it imports nothing of the package at the top:
configuration is read on the first file, and the engine is imported only once a file
passes the exact prefilter.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from . import __version__
from .codes import CONFIG_ERROR_CODE  # a leaf that imports nothing
from .flake8_options import FLAKE8_OPTIONS, INTEGER, LIST  # a leaf too

if TYPE_CHECKING:
    import ast

    from .config import ConfigSource

#: ``--flag`` -> (pyproject key, flake8 ``add_option`` extras), from the one table in :mod:`.flake8_options`.
_OPTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    f"--{name}": (key, {"comma_separated_list": True} if kind == LIST else {"type": int} if kind == INTEGER else {})
    for name, (key, kind) in FLAKE8_OPTIONS.items()
}


class MlflowNamingChecker:
    """flake8 entry point ``MLN``."""

    name = "flake8-mlflow-naming"
    version = __version__

    _config_source: ClassVar[ConfigSource | None] = None  # None: no options given
    _option_error: ClassVar[str | None] = None

    def __init__(self, tree: ast.Module, filename: str = "stdin", lines: Sequence[str] = ()) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, parser: Any) -> None:
        """Register the ``--mlflow-*`` options (also readable from setup.cfg, tox.ini, .flake8)."""
        for flag, (key, extra) in _OPTIONS.items():
            parser.add_option(
                flag,
                default=None,
                parse_from_config=True,
                help=f"Overrides [tool.mlflow-naming] {key} (flake8-mlflow-naming).",
                **extra,
            )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """Validate the options once; remember them as overrides of the pyproject settings."""
        cls._config_source, cls._option_error = None, None
        given = {flag: getattr(options, flag[2:].replace("-", "_"), None) for flag in _OPTIONS}
        given = {flag: value for flag, value in given.items() if value is not None and value != []}
        if not given:
            return
        from .config import ConfigError, ConfigSource, parse_setting

        overrides: dict[str, Any] = {}
        for flag, value in given.items():
            key = _OPTIONS[flag][0]
            try:
                field, typed = parse_setting(key, list(value) if isinstance(value, list) else value, f"flake8 option {flag}")
            except ConfigError as error:
                cls._option_error = str(error)
                return
            overrides[field] = tuple(typed) if isinstance(typed, list) else typed
        cls._config_source = ConfigSource().overriding(**overrides)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        """Yield ``(line, column, "MLN00X message", type)`` for flake8."""
        if self._option_error is not None:
            yield 1, 0, f"{CONFIG_ERROR_CODE} {self._option_error}", type(self)
            return
        from .config import ConfigError, ConfigSource
        from .lint.prefilter import could_have_findings

        path = None if self.filename in ("-", "stdin") else self.filename
        try:
            config = (self._config_source or ConfigSource()).for_path(path)
        except ConfigError as error:
            yield 1, 0, f"{CONFIG_ERROR_CODE} {error}", type(self)
            return
        if path is not None and config.is_excluded_by_user(path):
            return  # pyproject ``exclude`` holds under flake8 too, as ``per-file-ignores`` does
        if self.lines and not could_have_findings("".join(self.lines), config):
            return  # the exact prefilter: nothing here can resolve to MLflow or the wrapper
        from .lint.engine import SourceError, lint_tree
        from .naming import PatternTimeout

        try:
            findings = lint_tree(self.tree, self.filename, config)
        except (SourceError, PatternTimeout) as error:
            yield 1, 0, f"{CONFIG_ERROR_CODE} {error}", type(self)
            return
        for finding in findings:
            yield finding.line, finding.col, finding.text, type(self)
