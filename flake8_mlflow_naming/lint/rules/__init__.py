"""The registry: every rule, in code order. Adding a rule means adding its module and one line here
(and its code and name in :mod:`...codes`, which a test keeps equal to this list)."""

from __future__ import annotations

from collections.abc import Iterable

from .base import Rule
from .mln001_run_without_name import RunWithoutName
from .mln002_raw_start_run import RawStartRun
from .mln003_run_name_schema import RunNameSchema
from .mln004_untracked_artifact_path import UntrackedArtifactPath
from .mln005_run_outside_with import RunOutsideWith
from .mln006_nested_run_without_nested import NestedRunWithoutNested
from .mln007_experiment_name_schema import ExperimentNameSchema
from .mln008_registered_model_name_schema import RegisteredModelNameSchema
from .mln009_invalid_logged_model_name import InvalidLoggedModelName
from .mln010_implicit_run import ImplicitRun
from .mln011_model_from_raw_storage import ModelFromRawStorage
from .mln012_missing_required_tags import MissingRequiredTags
from .mln013_missing_experiment_tags import MissingExperimentTags
from .mln014_model_registry_stage import ModelRegistryStage
from .mln015_promotion_without_run_tag import PromotionWithoutRunTag

ALL_RULES: tuple[type[Rule], ...] = (
    RunWithoutName,
    RawStartRun,
    RunNameSchema,
    UntrackedArtifactPath,
    RunOutsideWith,
    NestedRunWithoutNested,
    ExperimentNameSchema,
    RegisteredModelNameSchema,
    InvalidLoggedModelName,
    ImplicitRun,
    ModelFromRawStorage,
    MissingRequiredTags,
    MissingExperimentTags,
    ModelRegistryStage,
    PromotionWithoutRunTag,
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
#: The codes whose fixes ``migrate`` (and its LibCST codemod) applies unless told otherwise.
MIGRATION_CODES: frozenset[str] = frozenset(rule.code for rule in ALL_RULES if rule.migrates)


def api_names_of(rules: Iterable[type[Rule]]) -> frozenset[str]:
    """The last names of every API the given rules match."""
    return frozenset(name for rule in rules for name in rule.apis)


#: Every API last name any rule matches, sorted: the prefilter's list.
API_NAMES: tuple[str, ...] = tuple(sorted(api_names_of(ALL_RULES)))
