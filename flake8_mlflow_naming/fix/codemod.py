"""The migration as a LibCST codemod command, for teams that drive LibCST directly::

    python -m libcst.tool codemod -x --no-format \\
        flake8_mlflow_naming.fix.codemod.MigrateToWrapper --wrapper team.tracking.tracked_run src/

It does exactly what ``mlflow-naming migrate`` does, through the same engine and fixes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext, SkipFile

from ..config import ConfigError, ConfigSource
from ..lint.parse import SourceError
from ..lint.rules import MIGRATION_CODES
from .loop import FixError, FixOptions, FixResult, fix_source


class MigrateToWrapper(CodemodCommand):
    """Apply every flake8-mlflow-naming fix, unsafe included, optionally onto a team wrapper."""

    DESCRIPTION = "Name MLflow runs, add nested=True, and move start_run to the team wrapper."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--wrapper", default=None, help="dotted path of the team wrapper (overrides run-wrapper)")

    def __init__(self, context: CodemodContext, wrapper: str | None = None) -> None:
        super().__init__(context)
        self.options = FixOptions(fix_codes=MIGRATION_CODES, unsafe=True, write=False)
        self.config_source = ConfigSource().overriding(run_wrapper=wrapper)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        path = self.context.filename or "-"
        try:
            config = self.config_source.for_path(None if path == "-" else Path(path))
            fixed = fix_source(tree.bytes, path, config, self.options, FixResult(path))
        except (ConfigError, SourceError, FixError) as error:
            raise SkipFile(str(error)) from None
        return tree if fixed == tree.bytes else cst.parse_module(fixed)
