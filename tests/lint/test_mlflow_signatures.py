"""The signature tables in ``lint/mlflow_api.py`` agree with the installed mlflow.

The linter never imports mlflow; this test does, in the test environment only, and compares
every table entry that covers the installed release with ``inspect.signature`` of the real
function. A table that drifted from MLflow (a parameter added, moved or renamed) fails here.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

from flake8_mlflow_naming.lint import mlflow_api
from flake8_mlflow_naming.lint.mlflow_api import KEYWORD_ONLY_CALL, SIGNATURES, VAR_KEYWORD, VersionWindow

mlflow = pytest.importorskip("mlflow")
INSTALLED = tuple(int(part) for part in mlflow.__version__.split(".")[:2])


def _covers(first, end, version=INSTALLED) -> bool:
    return first <= version and (end is None or version < end)


def _entry(api: str):
    entries = [entry for entry in SIGNATURES[api] if _covers(entry[0], entry[1])]
    return entries[0] if entries else None


def _function(api: str):
    """The object ``api`` names in the installed mlflow (``MlflowClient.x`` is the client's method)."""
    if api.startswith("MlflowClient."):
        return getattr(mlflow.MlflowClient, api.split(".", 1)[1])
    module, _, name = api.rpartition(".")
    return getattr(importlib.import_module(module), name)


CURRENT = sorted(api for api in SIGNATURES if _entry(api) is not None)


def test_the_tables_cover_the_installed_release():
    # Every API the rules bind exists in the installed release, and so do most flavors.
    assert {"mlflow.start_run", "MlflowClient.update_run", "MlflowClient.log_batch", "mlflow.pyfunc.log_model"} <= set(CURRENT)
    assert len(CURRENT) >= 100


@pytest.mark.parametrize("api", CURRENT)
def test_table_matches_inspect_signature(api):
    _first, _end, positional, keyword_only = _entry(api)
    try:
        function = _function(api)
    except ImportError as error:  # a flavor whose module needs its framework at import time
        pytest.skip(f"{api}: {error}")
    parameters = list(inspect.signature(function).parameters.values())
    if parameters and parameters[0].name == "self":
        parameters = parameters[1:]
    kinds = inspect.Parameter
    real_positional = tuple(p.name for p in parameters if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD))
    real_keyword_only = tuple(p.name for p in parameters if p.kind is kinds.KEYWORD_ONLY)
    real_var_keyword = any(p.kind is kinds.VAR_KEYWORD for p in parameters)
    assert (real_positional, real_keyword_only) == (positional, keyword_only)
    table_var_keyword = any(_covers(first, end) for first, end in VAR_KEYWORD.get(api, ()))
    assert real_var_keyword == table_var_keyword


def test_keyword_only_decorated_functions_are_known_to_be_gone_or_checked():
    # ``@keyword_only`` flavors (mleap) bind no positional slot in their releases.
    for api, ranges in KEYWORD_ONLY_CALL.items():
        for first, end in ranges:
            window = VersionWindow(first, end or (99, 0))
            assert mlflow_api.signature_shapes(api, window) == ((),)


def test_newest_release_constants_match_the_tables():
    assert mlflow_api.newest_parameters("mlflow.start_run") == mlflow_api.START_RUN_PARAMETERS
    assert mlflow_api.newest_parameters("MlflowClient.create_run") == mlflow_api.CREATE_RUN_PARAMETERS
    assert mlflow_api.newest_parameters("MlflowClient.update_run") == mlflow_api.CLIENT_UPDATE_RUN_PARAMETERS
    assert mlflow_api.newest_parameters("MlflowClient.set_tag") == mlflow_api.CLIENT_SET_TAG_PARAMETERS
    assert mlflow_api.newest_parameters("mlflow.set_tag") == mlflow_api.FLUENT_SET_TAG_PARAMETERS
    assert mlflow_api.newest_parameters("mlflow.set_tags") == mlflow_api.FLUENT_SET_TAGS_PARAMETERS
    assert mlflow_api.newest_parameters("mlflow.log_artifact") == mlflow_api.FLUENT_LOG_ARTIFACT_PARAMETERS
    assert mlflow_api.newest_parameters("MlflowClient.log_artifacts") == mlflow_api.CLIENT_LOG_ARTIFACTS_PARAMETERS
    assert mlflow_api.newest_parameters("MlflowClient.create_experiment") == mlflow_api.CREATE_EXPERIMENT_PARAMETERS
