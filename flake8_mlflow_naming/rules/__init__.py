"""The registry: every rule, in code order. Adding a rule means adding its module and one line here."""

from __future__ import annotations

from .base import Rule
from .mln001_run_without_name import RunWithoutName
from .mln002_raw_start_run import RawStartRun
from .mln003_run_name_schema import RunNameSchema
from .mln004_untracked_artifact_path import UntrackedArtifactPath
from .mln005_run_outside_with import RunOutsideWith
from .mln006_nested_run_without_nested import NestedRunWithoutNested

ALL_RULES: tuple[type[Rule], ...] = (
    RunWithoutName,
    RawStartRun,
    RunNameSchema,
    UntrackedArtifactPath,
    RunOutsideWith,
    NestedRunWithoutNested,
)
#: MLN000 is not a rule: it carries configuration errors under flake8, which must not print.
CONFIG_ERROR_CODE = "MLN000"
ALL_CODES: tuple[str, ...] = tuple(rule.code for rule in ALL_RULES)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
