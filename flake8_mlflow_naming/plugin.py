"""The flake8 plugin: a thin adapter from flake8 to the engine.

flake8 hands over the parsed tree; the plugin never reads the file, never prints, and
turns configuration errors into an ``MLN000`` finding at line 1, since a plugin has no
other way to tell the user.
"""

from __future__ import annotations

import ast
from typing import Any, ClassVar, Iterator, Sequence

from . import __version__
from .codes import CONFIG_ERROR_CODE
from .config import Config, ConfigError, ConfigSource, parse_setting
from .lint.engine import SourceError, could_have_findings, lint_tree
from .naming import PatternTimeout

#: flake8 option → pyproject key. The key's own validation applies to both spellings.
_OPTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "--mlflow-run-name-regex": ("run-name-regex", {}),
    "--mlflow-run-name-max-length": ("run-name-max-length", {"type": int}),
    "--mlflow-run-wrapper": ("run-wrapper", {}),
    "--mlflow-wrapper-exempt": ("wrapper-exempt", {"comma_separated_list": True}),
    "--mlflow-tracked-artifact-roots": ("tracked-artifact-roots", {"comma_separated_list": True}),
    "--mlflow-run-name-template": ("run-name-template", {}),
    "--mlflow-version": ("mlflow-version", {}),
    "--mlflow-aliases": ("mlflow-aliases", {"comma_separated_list": True}),
    "--mlflow-run-wrapper-signature": ("run-wrapper-signature", {}),
    "--mlflow-wrapper-source": ("wrapper-source", {}),
}


class MlflowNamingChecker:
    """flake8 entry point ``MLN``."""

    name = "flake8-mlflow-naming"
    version = __version__

    _config_source: ClassVar[ConfigSource] = ConfigSource()
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
        overrides: dict[str, Any] = {}
        cls._config_source, cls._option_error = ConfigSource(), None
        for flag, (key, _) in _OPTIONS.items():
            value = getattr(options, flag[2:].replace("-", "_"), None)
            if value is None or value == []:
                continue
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
        path = None if self.filename in ("-", "stdin") else self.filename
        try:
            config: Config = self._config_source.for_path(path)
        except ConfigError as error:
            yield 1, 0, f"{CONFIG_ERROR_CODE} {error}", type(self)
            return
        if self.lines and not could_have_findings("".join(self.lines), config):
            return  # the exact prefilter: nothing here can resolve to MLflow or the wrapper
        try:
            findings = lint_tree(self.tree, self.filename, config)
        except (SourceError, PatternTimeout) as error:
            yield 1, 0, f"{CONFIG_ERROR_CODE} {error}", type(self)
            return
        for finding in findings:
            yield finding.line, finding.col, finding.text, type(self)
