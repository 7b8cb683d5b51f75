"""The run-time claims of MLN007–MLN010, checked against a real MLflow store (SQLite).

Each test executes a rule's own INVALID example (the text its documentation shows) with the
installed MLflow and checks that MLflow really does what the rule's message says; then the
fixed form, where the rule has one, really works. ``tracked_run`` refusing experiment names
(MLN007's runtime twin) is tested here too.
"""

from __future__ import annotations

import uuid

import pytest

from flake8_mlflow_naming.config import Config
from flake8_mlflow_naming.lint.rules import RULES_BY_CODE
from flake8_mlflow_naming.naming import ExperimentNameError, looks_generated
from flake8_mlflow_naming.runtime import tracked_run

from .mlflow_fixtures import *  # noqa: F403 - the fixtures, which pytest finds by name
from .mlflow_fixtures import MLFLOW_WARNING_FILTERS, import_mlflow

pytestmark = MLFLOW_WARNING_FILTERS


@pytest.fixture(autouse=True)
def _artifacts_in_tmp(tmp_path, monkeypatch):
    # A SQLite store keeps artifacts under ./mlruns: never in the checkout.
    monkeypatch.chdir(tmp_path)


def _example(code: str, number: int, kind: str = "INVALID"):
    return getattr(RULES_BY_CODE[code], kind)[number]


def _example_with(code: str, text: str, kind: str = "INVALID"):
    """The rule's example whose source contains ``text`` (examples get inserted; indexes move)."""
    return next(example for example in getattr(RULES_BY_CODE[code], kind) if text in example.code)


def _run_example(source: str, **names) -> dict:
    """Execute an example's source (our own documentation text) with ``names`` predefined."""
    namespace = dict(names)
    exec(compile(source, "<example>", "exec"), namespace)
    return namespace


def _sklearn_model():
    linear_model = pytest.importorskip("sklearn.linear_model")
    return linear_model.LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0])


@pytest.fixture
def implicit_experiment(experiment_id, monkeypatch):
    """Runs MLflow starts by itself land in ``experiment_id``, for this test only.

    Through the environment variable MLflow reads, not ``set_experiment``, whose global
    state would leak into later tests.
    """
    monkeypatch.setenv("MLFLOW_EXPERIMENT_ID", experiment_id)
    return experiment_id


def test_mln010_module_level_logging_really_starts_a_run_with_a_generated_name(mlflow_client, implicit_experiment):
    mlflow = import_mlflow()
    example = _example("MLN010", 0)
    assert "start_run" not in example.code
    _run_example(example.code)
    run = mlflow.active_run()
    assert run is not None, "logging with no active run must have started one"
    mlflow.end_run()
    assert run.info.experiment_id == implicit_experiment
    stored = mlflow_client.get_run(run.info.run_id)
    assert stored.data.params == {"lr": "0.01"}
    assert looks_generated(stored.info.run_name), stored.info.run_name


def test_mln010_autolog_without_a_run_makes_every_fit_a_generated_run(mlflow_client, implicit_experiment):
    mlflow = import_mlflow()
    experiment_id = implicit_experiment
    example = _example("MLN010", 2)
    model = _sklearn_model()
    try:
        _run_example(example.code, model=model, X=[[0.0], [1.0]], y=[0.0, 1.0])
        _run_example("model.fit(X, y)\n", model=model, X=[[0.0], [1.0]], y=[0.0, 1.0])
    finally:
        mlflow.sklearn.autolog(disable=True)
    runs = mlflow_client.search_runs([experiment_id])
    assert len(runs) == 2
    assert all(looks_generated(run.info.run_name) for run in runs), [run.info.run_name for run in runs]


def test_mln009_log_model_with_a_slash_in_its_name_really_raises(mlflow_client, experiment_id):
    mlflow = import_mlflow()
    example = _example("MLN009", 0)
    assert 'name="models/churn"' in example.code
    model = _sklearn_model()
    with mlflow.start_run(experiment_id=experiment_id, run_name="mln009_claim"):
        with pytest.raises(mlflow.exceptions.MlflowException, match="models/churn"):
            _run_example(example.code, model=model)
        _run_example(example.fixed, model=model)  # the fixed name is accepted
    assert [m.name for m in mlflow_client.search_logged_models([experiment_id])] == ["models_churn"]


def test_mln009_a_positional_artifact_path_becomes_the_logged_model_name_and_raises(experiment_id):
    mlflow = import_mlflow()
    example = _example_with("MLN009", 'log_model(model, "models/churn")')
    with (
        mlflow.start_run(experiment_id=experiment_id, run_name="mln009_positional"),
        pytest.raises(mlflow.exceptions.MlflowException, match="models/churn"),
    ):
        _run_example(example.code, model=_sklearn_model())


@pytest.mark.parametrize("character", ["/", ":", ".", "%", '"', "'"])
def test_mln009_every_forbidden_character_is_refused_by_the_installed_mlflow(experiment_id, character):
    mlflow = import_mlflow()
    with pytest.raises(mlflow.exceptions.MlflowException):
        mlflow.initialize_logged_model(name=f"ranker{character}v1", experiment_id=experiment_id)


def test_mln008_registered_model_with_a_slash_really_fails(mlflow_client):
    mlflow = import_mlflow()
    example = _example_with("MLN008", '"team/churn"')
    with pytest.raises(mlflow.exceptions.MlflowException, match="/"):
        _run_example(example.code)
    assert mlflow_client.search_registered_models(filter_string="name = 'team/churn'") == []
    suffix = uuid.uuid4().hex[:6]
    _run_example(example.fixed.replace("team_churn", f"team_churn_{suffix}"))
    assert mlflow_client.get_registered_model(f"team_churn_{suffix}").name == f"team_churn_{suffix}"


def test_tracked_run_refuses_a_bad_experiment_name_before_creating_anything(mlflow_client, tracking_uri):
    name = f"Churn Prediction {uuid.uuid4().hex[:6]}"
    with pytest.raises(ExperimentNameError, match=r"MLN007.*experiment-name-regex"):
        tracked_run(run_name="churn_baseline", experiment_name=name)
    assert mlflow_client.get_experiment_by_name(name) is None
    assert import_mlflow().active_run() is None


def test_tracked_run_puts_the_run_in_a_good_experiment_creating_it_once(mlflow_client, tracking_uri):
    name = f"recommendations/ctr_model/q{uuid.uuid4().hex[:6]}"
    for run_name in ("ctr_first", "ctr_second"):
        with tracked_run(run_name=run_name, experiment_name=name) as run:
            pass
    experiment = mlflow_client.get_experiment_by_name(name)
    assert experiment is not None
    runs = mlflow_client.search_runs([experiment.experiment_id])
    assert sorted(r.info.run_name for r in runs) == ["ctr_first", "ctr_second"]
    assert run.info.experiment_id == experiment.experiment_id


def test_tracked_run_reads_experiment_name_regex_from_the_config(mlflow_client, tracking_uri):
    config = Config(experiment_name_regex=r"^/Users/[^/]+/[a-z_]+$")
    with pytest.raises(ExperimentNameError):
        tracked_run(run_name="churn_baseline", experiment_name="churn_model", config=config)
    with pytest.raises(ValueError, match="not both"):
        tracked_run(run_name="churn_baseline", experiment_name="/Users/ana/churn", experiment_id="0", config=config)
