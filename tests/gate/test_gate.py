"""The runtime gate end to end: real MLflow code paths through ``mlflow-naming+<inner>`` stores.

Every test reads back what the store holds through a plain (ungated) client. Expected names
are written from the spec: the default chain names an unnamed run
``{experiment_name}_{start_time:%Y%m%d_%H%M%S}`` (normalised, then ``_2``, ``_3``, ... within
the experiment) and a badly named one by its normalised old name.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone

import pytest

from flake8_mlflow_naming.config import DEFAULT_RUN_NAME_REGEX, Config
from flake8_mlflow_naming.gate import SCHEME_PREFIX, build_tracking_store
from flake8_mlflow_naming.gate.policy import GatePolicy, GateRefusal
from flake8_mlflow_naming.gate.store import NAMED_BY_TAG, ORIGINAL_NAME_TAG
from flake8_mlflow_naming.naming import NameSchema
from flake8_mlflow_naming.runtime import tracked_run

from ..helpers import write_project
from ..mlflow_fixtures import *  # noqa: F403 - the fixtures, which pytest finds by name
from ..mlflow_fixtures import MLFLOW_WARNING_FILTERS, import_mlflow, running_servers, use_tracking_uri

pytestmark = MLFLOW_WARNING_FILTERS

SCHEMA = NameSchema(DEFAULT_RUN_NAME_REGEX, 80)


@pytest.fixture(autouse=True)
def _no_active_experiment_afterwards(monkeypatch):
    # set_experiment sets a module global and MLFLOW_EXPERIMENT_ID; later tests must not inherit them.
    mlflow = import_mlflow()
    monkeypatch.setattr(mlflow.tracking.fluent, "_active_experiment_id", None)
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID", raising=False)


def _clear_mlflow_store_cache() -> None:
    # MLflow caches one store per URI; a test that changes gate-mode needs the gate rebuilt.
    from mlflow.tracking._tracking_service import utils

    utils._tracking_store_registry._get_store_with_resolved_uri.cache_clear()


@pytest.fixture
def store(sqlite_tracking_uri, tmp_path, monkeypatch):
    """``use(mode, **settings)``: a project with that gate-mode as cwd, MLflow on the gated store.

    Returns (plain client for reading back, experiment id, experiment name).
    """
    mlflow = import_mlflow()
    contexts = []

    def use(mode: str = "rename", **settings):
        folder = tmp_path / mode
        write_project(folder, {"gate-mode": mode, **settings})
        monkeypatch.chdir(folder)
        monkeypatch.delenv("MLFLOW_NAMING_CONFIG", raising=False)
        _clear_mlflow_store_cache()
        context = use_tracking_uri(SCHEME_PREFIX + sqlite_tracking_uri)
        context.__enter__()
        contexts.append(context)
        plain = mlflow.MlflowClient(tracking_uri=sqlite_tracking_uri)
        name = f"Churn Model {uuid.uuid4().hex[:6]}"
        experiment_id = plain.create_experiment(name)
        mlflow.set_experiment(experiment_id=experiment_id)
        return plain, experiment_id, name

    yield use
    for context in reversed(contexts):
        context.__exit__(None, None, None)
    _clear_mlflow_store_cache()


def _runs(client, experiment_id):
    return client.search_runs([experiment_id], order_by=["attributes.start_time ASC"])


def _default_name(experiment_name: str, run) -> str:
    start = datetime.fromtimestamp(run.info.start_time / 1000, tz=timezone.utc)
    return f"{experiment_name.lower().replace(' ', '_')}_{start:%Y%m%d_%H%M%S}"


def _assert_all_named(runs) -> None:
    names = [run.info.run_name for run in runs]
    assert names and all(SCHEMA.problem(name) is None for name in names), names
    assert len(set(names)) == len(names), names


# --- the decisions, without a store ------------------------------------------------------


def test_policy_keeps_good_names_and_refuses_bad_ones_in_reject_mode():
    policy = GatePolicy(Config(gate_mode="reject"))
    assert policy.decide_name("resnet_baseline", dict, set).name == "resnet_baseline"
    with pytest.raises(GateRefusal, match=r"^MLN001: run created without a name"):
        policy.decide_name(None, dict, set)
    with pytest.raises(GateRefusal, match=r"^MLN003: run name 'clumsy-fish-158' looks like a name MLflow generates"):
        policy.decide_name("clumsy-fish-158", dict, set)


def test_policy_in_rename_mode_builds_from_the_configured_template_or_says_what_is_missing():
    policy = GatePolicy(Config(rename_template="{tags.team}_{experiment}"))
    fields = {"tags.team": "Vision", "experiment": "churn"}
    assert policy.decide_name("Bad Name", lambda: dict(fields), lambda: {"vision_churn"}).name == "vision_churn_2"
    with pytest.raises(GateRefusal, match=r"no valid name can be built: the run has no tag 'team' for \{tags.team\}"):
        policy.decide_name(None, lambda: {"experiment": "churn"}, set)


def test_importing_mlflow_loads_only_the_gate_entry_points_not_the_package():
    """MLflow loads every tracking-store entry point on import, in every process of the environment."""
    import_mlflow()
    code = (
        "import sys, mlflow.tracking._tracking_service.utils\n"
        "print(sorted(m for m in sys.modules if m.startswith('flake8_mlflow_naming')))"
    )
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == str(["flake8_mlflow_naming", "flake8_mlflow_naming.gate", "flake8_mlflow_naming.gate.scheme"])


# --- SQLite: code paths that never name a run --------------------------------------------


def test_fluent_logging_with_no_active_run_gets_a_schema_valid_name(store):
    mlflow = import_mlflow()
    client, experiment_id, experiment_name = store()
    mlflow.log_metric("loss", 0.5)  # starts a run nobody named
    mlflow.log_param("lr", "0.01")
    mlflow.end_run()
    (run,) = _runs(client, experiment_id)
    assert run.info.run_name == _default_name(experiment_name, run)
    assert run.data.tags["mlflow.runName"] == run.info.run_name
    assert run.data.tags[NAMED_BY_TAG] == "gate" and ORIGINAL_NAME_TAG not in run.data.tags
    assert run.data.metrics == {"loss": 0.5} and run.data.params == {"lr": "0.01"}


def test_sklearn_autolog_fit_outside_a_run(store):
    mlflow = import_mlflow()
    pytest.importorskip("sklearn")
    from sklearn.linear_model import LinearRegression

    client, experiment_id, experiment_name = store()
    mlflow.sklearn.autolog(log_models=False, log_datasets=False, silent=True)
    try:
        LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0])
    finally:
        mlflow.sklearn.autolog(disable=True)
    (run,) = _runs(client, experiment_id)
    assert run.info.run_name == _default_name(experiment_name, run)
    assert "training_score" in run.data.metrics  # autolog still logged into the renamed run


def test_grid_search_autolog_children_are_named_and_unique(store):
    mlflow = import_mlflow()
    pytest.importorskip("sklearn")
    import numpy
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV

    client, experiment_id, _ = store()
    mlflow.sklearn.autolog(log_models=False, log_datasets=False, silent=True)
    try:
        # numpy data: with plain lists sklearn autolog fails to log its child runs at all.
        X, y = numpy.arange(8.0).reshape(-1, 1), numpy.arange(8.0)
        GridSearchCV(Ridge(), {"alpha": [0.1, 1.0, 10.0]}, cv=2).fit(X, y)
    finally:
        mlflow.sklearn.autolog(disable=True)
    runs = _runs(client, experiment_id)
    children = [run for run in runs if "mlflow.parentRunId" in run.data.tags]
    assert len(runs) == 4 and len(children) == 3  # the search and one child per alpha
    _assert_all_named(runs)
    assert {run.data.params["alpha"] for run in children} == {"0.1", "1.0", "10.0"}


def test_client_create_run_without_a_name_and_with_a_bad_one(store):
    mlflow = import_mlflow()
    client, experiment_id, experiment_name = store()
    gated = mlflow.MlflowClient()  # the tracking URI is the gate
    unnamed = gated.create_run(experiment_id)
    badly = gated.create_run(experiment_id, run_name="ResNet50 v1")
    assert unnamed.info.run_name == _default_name(experiment_name, client.get_run(unnamed.info.run_id))
    stored = client.get_run(badly.info.run_id)
    assert stored.info.run_name == "resnet50_v1"
    assert stored.data.tags[ORIGINAL_NAME_TAG] == "ResNet50 v1"


def test_two_unnamed_runs_in_the_same_second_get_distinct_names(store):
    mlflow = import_mlflow()
    _client, experiment_id, experiment_name = store()
    gated = mlflow.MlflowClient()
    start = int(datetime(2024, 3, 15, 12, tzinfo=timezone.utc).timestamp() * 1000)
    names = [gated.create_run(experiment_id, start_time=start + i).info.run_name for i in range(3)]
    base = f"{experiment_name.lower().replace(' ', '_')}_20240315_120000"
    assert names == [base, f"{base}_2", f"{base}_3"]


def test_renaming_a_run_later_goes_through_the_gate_too(store):
    mlflow = import_mlflow()
    client, experiment_id, _ = store()
    gated = mlflow.MlflowClient()
    run_id = gated.create_run(experiment_id, run_name="good_start").info.run_id
    gated.update_run(run_id, name="Final Model")
    assert client.get_run(run_id).info.run_name == "final_model"
    gated.set_tag(run_id, "mlflow.runName", "Final Model V2")
    stored = client.get_run(run_id)
    assert stored.info.run_name == "final_model_v2" and stored.data.tags[ORIGINAL_NAME_TAG] == "Final Model V2"
    gated.set_tag(run_id, "mlflow.runName", "kept_as_is")
    assert client.get_run(run_id).info.run_name == "kept_as_is"


def test_mlflow_evaluate_without_a_run(store):
    mlflow = import_mlflow()
    pandas = pytest.importorskip("pandas")
    client, experiment_id, experiment_name = store()
    data = pandas.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "prediction": [1.1, 2.1, 2.9, 4.2]})
    # mlflow.models.evaluate: what mlflow.evaluate wraps (deprecated in 3.x, the same function in 2.x).
    mlflow.models.evaluate(data=data, predictions="prediction", targets="y", model_type="regressor")
    (run,) = _runs(client, experiment_id)
    assert run.info.run_name == _default_name(experiment_name, run)
    assert "mean_absolute_error" in run.data.metrics


def test_tracked_run_through_the_gate_keeps_its_name_and_tags(store):
    client, experiment_id, _ = store(**{"required-tags": ["owner"]})
    with tracked_run(run_name="resnet50_baseline", experiment_id=experiment_id, tags={"owner": "ml"}):
        pass
    (run,) = _runs(client, experiment_id)
    assert run.info.run_name == "resnet50_baseline"
    assert run.data.tags["status"] == "completed" and NAMED_BY_TAG not in run.data.tags


def test_every_documented_scheme_is_registered_with_mlflow_and_the_file_store_is_gated(tmp_path, monkeypatch):
    mlflow = import_mlflow()
    from importlib.metadata import entry_points

    from mlflow.tracking._tracking_service.utils import _tracking_store_registry

    inner = ["sqlite", "postgresql", "postgresql+psycopg2", "postgresql+psycopg", "mysql", "mysql+pymysql",
             "mysql+mysqldb", "mssql", "mssql+pyodbc", "file", "http", "https"]  # fmt: skip
    for group in ("mlflow.tracking_store", "mlflow.model_registry_store"):
        registered = {ep.name for ep in entry_points(group=group) if ep.value.startswith("flake8_mlflow_naming.")}
        assert registered == {SCHEME_PREFIX + scheme for scheme in inner}, group
    assert _tracking_store_registry.get_store_builder(f"{SCHEME_PREFIX}file:///x") is build_tracking_store
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 keeps the file store behind a switch
    monkeypatch.chdir(tmp_path)
    client = mlflow.MlflowClient(tracking_uri=f"{SCHEME_PREFIX}file://{tmp_path / 'mlruns'}")
    experiment_id = client.create_experiment("files_experiment")
    run = client.create_run(experiment_id, start_time=1710504000000)
    assert run.info.run_name == "files_experiment_20240315_120000"


# --- reject and warn ---------------------------------------------------------------------


def test_reject_mode_refuses_with_the_code_and_stores_nothing(store):
    mlflow = import_mlflow()
    pytest.importorskip("sklearn")
    from mlflow.exceptions import MlflowException
    from sklearn.linear_model import LinearRegression

    client, experiment_id, _ = store("reject")
    with pytest.raises(MlflowException, match=r"MLN001: run created without a name"):
        mlflow.log_metric("loss", 0.5)
    with pytest.raises(MlflowException, match=r"MLN003: run name 'ResNet v1' does not match run-name-regex"):
        mlflow.MlflowClient().create_run(experiment_id, run_name="ResNet v1")
    mlflow.sklearn.autolog(log_models=False, log_datasets=False, silent=True)
    try:
        try:
            LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0])
        except MlflowException as error:
            assert "MLN001" in str(error)
    finally:
        mlflow.sklearn.autolog(disable=True)
    assert _runs(client, experiment_id) == []


def test_reject_mode_refuses_renaming_to_a_bad_name_and_missing_required_tags(store):
    mlflow = import_mlflow()
    from mlflow.exceptions import MlflowException

    client, experiment_id, _ = store("reject", **{"required-tags": ["owner"]})
    gated = mlflow.MlflowClient()
    with pytest.raises(MlflowException, match=r"required-tags: run created without tag\(s\) 'owner'"):
        gated.create_run(experiment_id, run_name="good_name")
    run_id = gated.create_run(experiment_id, run_name="good_name", tags={"owner": "ml"}).info.run_id
    with pytest.raises(MlflowException, match="MLN003"):
        gated.set_tag(run_id, "mlflow.runName", "Bad Name")
    with pytest.raises(MlflowException, match="MLN003"):
        gated.log_batch(run_id, tags=[mlflow.entities.RunTag("mlflow.runName", "Bad Name")])
    assert [run.info.run_name for run in _runs(client, experiment_id)] == ["good_name"]


def test_warn_mode_logs_one_line_and_stores_unchanged(store, caplog):
    mlflow = import_mlflow()
    client, experiment_id, _ = store("warn")
    with caplog.at_level(logging.WARNING, logger="flake8_mlflow_naming.gate"):
        run = mlflow.MlflowClient().create_run(experiment_id, run_name="Bad Name")
    assert client.get_run(run.info.run_id).info.run_name == "Bad Name"
    lines = [r.getMessage() for r in caplog.records if r.name == "flake8_mlflow_naming.gate"]
    assert len(lines) == 1 and "MLN003: run name 'Bad Name'" in lines[0] and "\n" not in lines[0]


def test_the_configuration_can_come_from_mlflow_naming_config(sqlite_tracking_uri, tmp_path, monkeypatch):
    mlflow = import_mlflow()
    from mlflow.exceptions import MlflowException

    project = write_project(tmp_path / "elsewhere", {"gate-mode": "reject"})
    monkeypatch.chdir(tmp_path)  # no pyproject here or above
    monkeypatch.setenv("MLFLOW_NAMING_CONFIG", str(project / "pyproject.toml"))
    store = build_tracking_store(SCHEME_PREFIX + sqlite_tracking_uri)
    experiment_id = mlflow.MlflowClient(tracking_uri=sqlite_tracking_uri).create_experiment(uuid.uuid4().hex)
    with pytest.raises(MlflowException, match=rf"MLN001.*configured in {project / 'pyproject.toml'}"):
        store.create_run(experiment_id, "", None, [], None)


# --- a live mlflow server with the gate as its backend -----------------------------------


@pytest.fixture(scope="module")
def gated_servers(tmp_path_factory):
    """Two servers on gated SQLite stores: gate-mode rename and reject, via MLFLOW_NAMING_CONFIG."""
    specs = []
    for mode in ("rename", "reject"):
        folder = tmp_path_factory.mktemp(f"gated-server-{mode}")
        write_project(folder / "project", {"gate-mode": mode})
        env = {"MLFLOW_NAMING_CONFIG": str(folder / "project" / "pyproject.toml")}
        specs.append((folder, f"{SCHEME_PREFIX}sqlite:///{folder / 'mlflow.db'}", env))
    with running_servers(specs) as servers:
        yield dict(zip(("rename", "reject"), servers))


def _post(url: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{url}/api/2.0/mlflow/{path}", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_raw_rest_runs_create_without_a_name_gets_a_named_run(gated_servers):
    url = gated_servers["rename"].url
    experiment_name = f"rest_{uuid.uuid4().hex[:6]}"
    status, body = _post(url, "experiments/create", {"name": experiment_name})
    assert status == 200, body
    experiment_id = body["experiment_id"]
    march_15_noon_utc = 1710504000000
    status, body = _post(url, "runs/create", {"experiment_id": experiment_id, "start_time": march_15_noon_utc})
    assert status == 200, body
    assert body["run"]["info"]["run_name"] == f"{experiment_name}_20240315_120000"
    status, found = _post(url, "runs/search", {"experiment_ids": [experiment_id]})
    assert [run["info"]["run_name"] for run in found["runs"]] == [f"{experiment_name}_20240315_120000"]


def test_raw_rest_runs_create_is_a_400_in_reject_mode_and_nothing_is_stored(gated_servers):
    url = gated_servers["reject"].url
    _, body = _post(url, "experiments/create", {"name": f"rest_{uuid.uuid4().hex[:6]}"})
    experiment_id = body["experiment_id"]
    status, body = _post(url, "runs/create", {"experiment_id": experiment_id})
    assert status == 400 and body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert body["message"].startswith("MLN001: run created without a name")
    status, body = _post(url, "runs/create", {"experiment_id": experiment_id, "run_name": "good_name"})
    assert status == 200
    _, found = _post(url, "runs/search", {"experiment_ids": [experiment_id]})
    assert [run["info"]["run_name"] for run in found["runs"]] == ["good_name"]


def test_clients_that_never_heard_of_the_gate_get_named_runs(gated_servers):
    mlflow = import_mlflow()
    pytest.importorskip("sklearn")
    import numpy
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV

    url = gated_servers["rename"].url
    client = mlflow.MlflowClient(tracking_uri=url)
    experiment_id = client.create_experiment(f"clients_{uuid.uuid4().hex[:6]}")
    with use_tracking_uri(url):
        client.create_run(experiment_id)
        mlflow.set_experiment(experiment_id=experiment_id)
        mlflow.log_metric("loss", 0.1)
        mlflow.end_run()
        mlflow.sklearn.autolog(log_models=False, log_datasets=False, silent=True)
        try:
            GridSearchCV(Ridge(), {"alpha": [0.1, 1.0]}, cv=2).fit(numpy.arange(6.0).reshape(-1, 1), numpy.arange(6.0))
        finally:
            mlflow.sklearn.autolog(disable=True)
    runs = client.search_runs([experiment_id])
    assert len(runs) == 2 + 1 + 2
    _assert_all_named(runs)


def test_the_ui_and_the_model_registry_keep_working(gated_servers):
    url = gated_servers["rename"].url
    with urllib.request.urlopen(f"{url}/", timeout=30) as response:
        assert response.status == 200 and b"<!doctype html>" in response.read(200).lower()
    status, body = _post(url, "registered-models/create", {"name": f"model_{uuid.uuid4().hex[:6]}"})
    assert status == 200, body


def test_credentials_in_the_inner_uri_are_never_logged(gated_servers, caplog):
    import_mlflow()
    url = gated_servers["rename"].url
    with_secret = url.replace("http://", "http://alice:s3cret@")
    store = build_tracking_store(SCHEME_PREFIX + with_secret, config=Config(gate_mode="warn"))
    experiment_id = store.create_experiment(f"creds_{uuid.uuid4().hex[:6]}", None, [])
    with caplog.at_level(logging.WARNING, logger="flake8_mlflow_naming.gate"):
        store.create_run(experiment_id, "", None, [], "Bad Name")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "MLN003" in text and "s3cret" not in text and "alice" not in text


def test_a_client_side_gate_over_http_names_uniquely_through_the_rest_api(gated_servers):
    import_mlflow()
    store = build_tracking_store(SCHEME_PREFIX + gated_servers["reject"].url, config=Config())
    experiment_name = f"over_http_{uuid.uuid4().hex[:6]}"
    experiment_id = store.create_experiment(experiment_name, None, [])
    # The server rejects unnamed runs: each one reaching it was named by the client's gate.
    names = [store.create_run(experiment_id, "", 1710504000000, [], None).info.run_name for _ in range(3)]
    base = f"{experiment_name}_20240315_120000"
    assert names == [base, f"{base}_2", f"{base}_3"]


def test_gate_mode_is_validated_in_the_config(tmp_path):
    from flake8_mlflow_naming.config import ConfigError, config_from_table

    assert config_from_table({"gate-mode": "reject"}, tmp_path / "pyproject.toml").gate_mode == "reject"
    assert Config().gate_mode == "rename"
    with pytest.raises(ConfigError, match=r"gate-mode must be one of rename, reject, warn, not 'block'"):
        config_from_table({"gate-mode": "block"}, tmp_path / "pyproject.toml")


def test_a_broken_configuration_is_one_mlflow_error_line(sqlite_tracking_uri, tmp_path, monkeypatch):
    import_mlflow()
    from mlflow.exceptions import MlflowException

    (tmp_path / "pyproject.toml").write_text('[tool.mlflow-naming]\ngate-mode = "block"\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MlflowException, match=r"^mlflow-naming gate: .*pyproject.toml:2: \[tool.mlflow-naming\] gate-mode must be one of") as caught:
        build_tracking_store(SCHEME_PREFIX + sqlite_tracking_uri)
    assert "\n" not in caught.value.message


# --- experiment names (MLN007) and LoggedModel names (MLN009) -----------------------------


def _gated_client():
    return import_mlflow().MlflowClient()


def test_experiment_names_rename_mode_stores_the_normalised_form_or_refuses(store):
    plain, _experiment_id, _ = store("rename")
    suffix = uuid.uuid4().hex[:6]
    created = _gated_client().create_experiment(f"Churn Model {suffix}")
    assert plain.get_experiment(created).name == f"churn_model_{suffix}"
    _gated_client().rename_experiment(created, f"Fraud/Daily Scores {suffix}")
    assert plain.get_experiment(created).name == f"fraud/daily_scores_{suffix}"
    before = len(plain.search_experiments())
    with pytest.raises(Exception, match=r"^MLN007:.*never invents"):
        _gated_client().create_experiment("___")
    assert len(plain.search_experiments()) == before


def test_experiment_names_reject_mode_raises_mln007_and_stores_nothing(store):
    plain, experiment_id, name = store("reject")
    mlflow = import_mlflow()
    before = len(plain.search_experiments())
    with pytest.raises(mlflow.exceptions.MlflowException, match=r"^MLN007:") as caught:
        _gated_client().create_experiment(f"Bad Name {uuid.uuid4().hex[:6]}")
    assert caught.value.error_code == "INVALID_PARAMETER_VALUE"
    assert len(plain.search_experiments()) == before
    with pytest.raises(mlflow.exceptions.MlflowException, match=r"^MLN007:"):
        _gated_client().rename_experiment(experiment_id, "Still Bad")
    assert plain.get_experiment(experiment_id).name == name
    good = f"good_{uuid.uuid4().hex[:6]}"
    assert plain.get_experiment(_gated_client().create_experiment(good)).name == good


def test_experiment_names_warn_mode_logs_one_line_and_stores_unchanged(store, caplog):
    plain, _, _ = store("warn")
    bad = f"Warn Me {uuid.uuid4().hex[:6]}"
    with caplog.at_level(logging.WARNING, logger="flake8_mlflow_naming.gate"):
        created = _gated_client().create_experiment(bad)
    lines = [r.getMessage() for r in caplog.records if r.name == "flake8_mlflow_naming.gate"]
    assert len(lines) == 1 and "MLN007" in lines[0]
    assert plain.get_experiment(created).name == bad


@pytest.mark.parametrize("mode", ["rename", "warn", "reject"])
def test_experiments_without_required_experiment_tags_follow_gate_mode(store, caplog, mode):
    """MLN013 at the store: reject refuses (nothing stored); rename and warn store and log one line."""
    mlflow = import_mlflow()
    plain, _, _ = store(mode, **{"required-experiment-tags": ["owner_team", "owner_lead"]})
    owned = f"owned_{mode}_{uuid.uuid4().hex[:6]}"
    created = _gated_client().create_experiment(owned, tags={"owner_team": "rec", "owner_lead": "ana"})
    assert plain.get_experiment(created).tags["owner_lead"] == "ana"
    unowned = f"unowned_{mode}_{uuid.uuid4().hex[:6]}"
    with caplog.at_level(logging.WARNING, logger="flake8_mlflow_naming.gate"):
        if mode == "reject":
            with pytest.raises(mlflow.exceptions.MlflowException, match=r"^MLN013:.*'owner_lead'") as caught:
                _gated_client().create_experiment(unowned, tags={"owner_team": "rec"})
            assert caught.value.error_code == "INVALID_PARAMETER_VALUE"
            assert plain.get_experiment_by_name(unowned) is None
        else:
            created = _gated_client().create_experiment(unowned, tags={"owner_team": "rec"})
            assert plain.get_experiment(created).tags.get("owner_team") == "rec"
    lines = [r.getMessage() for r in caplog.records if r.name == "flake8_mlflow_naming.gate"]
    assert len(lines) == 1 and "MLN013" in lines[0] and "'owner_lead'" in lines[0] and "'owner_team'" not in lines[0]


def test_logged_model_names_by_mode(store, caplog):
    mlflow = import_mlflow()
    plain, experiment_id, _ = store("rename")
    model = _gated_client().create_logged_model(experiment_id, name="v1.2/final:best")
    assert plain.get_logged_model(model.model_id).name == "v1_2_final_best"
    plain, experiment_id, _ = store("reject")
    with pytest.raises(mlflow.exceptions.MlflowException, match=r"^MLN009:"):
        _gated_client().create_logged_model(experiment_id, name="model.v2")
    assert plain.search_logged_models([experiment_id]) == []
    plain, experiment_id, _ = store("warn")
    with caplog.at_level(logging.WARNING, logger="flake8_mlflow_naming.gate"), pytest.raises(mlflow.exceptions.MlflowException):
        _gated_client().create_logged_model(experiment_id, name="model.v2")  # MLflow 3 itself refuses
    assert any("MLN009" in r.getMessage() for r in caplog.records)
    fine = _gated_client().create_logged_model(experiment_id, name="model_v2")
    assert plain.get_logged_model(fine.model_id).name == "model_v2"
