"""End to end: legacy scripts → ``mlflow-naming migrate`` onto ``tracked_run`` → executed → real runs.

Nothing is mocked: the migrated scripts run in subprocesses against a SQLite tracking store
(and one against a live ``mlflow server``), and the runs are read back with
``MlflowClient.search_runs``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_mlflow_naming.config import Config
from flake8_mlflow_naming.naming import looks_generated

from ..helpers import FIXTURES, run_tool
from ..mlflow_fixtures import MLFLOW_TEST_ENV, MLFLOW_WARNING_FILTERS, import_mlflow, mlflow_server, run_git  # noqa: F401

pytestmark = MLFLOW_WARNING_FILTERS

WRAPPER = "flake8_mlflow_naming.runtime.tracked_run"
#: Legacy scripts whose every name the migration can make schema-valid (the others keep
#: f-string or %-formatted names that only a person can fix, and the wrapper rejects them).
RUNNABLE = ["aliases_training.py", "bare_start_end.py", "client_runs.py", "export_artifacts.py", "notebook_export.py", "train_baseline.py"]
WRAPPED = {"legacy-aliases", "legacy-export", "legacy-baseline", "e2e-nested", "e2e-tagged"}

NESTED_SWEEP = """\
import mlflow


def main():
    mlflow.set_experiment("e2e-nested")
    with mlflow.start_run(run_name="seed_sweep"):
        for seed in range(3):
            with mlflow.start_run():
                mlflow.log_metric("loss", 1.0 / (seed + 1))


if __name__ == "__main__":
    main()
"""
BAD_NAME = """\
import mlflow

mlflow.set_experiment("e2e-bad-name")
for trial in range(2):
    with mlflow.start_run(run_name=f"Trial {trial}"):
        mlflow.log_metric("loss", 0.5)
"""
TAGGED = """\
import mlflow

mlflow.set_experiment("e2e-tagged")
with mlflow.start_run(run_name="tagged_training", tags={"team": "vision"}):
    mlflow.log_metric("loss", 0.5)
"""


def run_script(project: Path, script: str, uri: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **MLFLOW_TEST_ENV, "MLFLOW_TRACKING_URI": uri, **env}
    return subprocess.run([sys.executable, script], cwd=project, env=full_env, capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A git repository holding the legacy scripts and three more, migrated with the CLI."""
    import_mlflow()
    root = tmp_path_factory.mktemp("e2e") / "project"
    shutil.copytree(FIXTURES / "legacy", root)
    (root / "e2e_nested.py").write_text(NESTED_SWEEP)
    (root / "e2e_bad_name.py").write_text(BAD_NAME)
    (root / "e2e_tagged.py").write_text(TAGGED)
    (root / "pyproject.toml").write_text('[tool.mlflow-naming]\nrequired-tags = []\n')
    result = run_tool("mlflow-naming", "migrate", "--wrapper", WRAPPER, str(root))
    assert b"Traceback" not in result.stderr, result.stderr
    run_git(root, "init", "-q")
    run_git(root, "add", ".")
    run_git(root, "-c", "user.email=e2e@example.invalid", "-c", "user.name=e2e", "commit", "-qm", "migrated")
    return root


@pytest.fixture(scope="module")
def store(project, tmp_path_factory):
    """Run every runnable migrated script once against a fresh SQLite store; return (uri, client)."""
    mlflow = import_mlflow()
    uri = f"sqlite:///{tmp_path_factory.mktemp('store') / 'mlflow.db'}"
    for script in [*RUNNABLE, "e2e_nested.py", "e2e_tagged.py"]:
        result = run_script(project, script, uri)
        assert result.returncode == 0, (script, result.stderr.decode()[-3000:])
    return uri, mlflow.MlflowClient(uri)


def all_runs(client, names=None):
    experiments = [e for e in client.search_experiments() if names is None or e.name in names]
    return client.search_runs([e.experiment_id for e in experiments], max_results=1000) if experiments else []


def test_every_run_has_a_schema_valid_name(store):
    _, client = store
    runs = all_runs(client)
    assert len(runs) >= 15
    schema = Config().schema
    for run in runs:
        assert schema.problem(run.info.run_name) is None, run.info.run_name
        assert not looks_generated(run.info.run_name)


def test_wrapped_runs_carry_the_standard_tags(store, project):
    _, client = store
    head = run_git(project, "rev-parse", "HEAD").strip()
    runs = all_runs(client, WRAPPED)
    assert runs
    for run in runs:
        tags = run.data.tags
        assert tags["mlflow.source.git.commit"] == head
        assert tags["status"] == "completed"
        for key in ("mlflow.user", "mlflow.source.name", "mlflow_naming.version"):
            assert tags.get(key), (key, run.info.run_name)


def test_nested_runs_have_their_parent(store):
    _, client = store
    runs = all_runs(client, {"e2e-nested"})
    parents = [r for r in runs if r.info.run_name == "seed_sweep"]
    children = [r for r in runs if r is not parents[0]]
    assert len(parents) == 1 and len(children) == 3
    assert {r.data.tags["mlflow.parentRunId"] for r in children} == {parents[0].info.run_id}
    assert sorted(r.info.run_name for r in children) == [f"e2e_nested_main_seed_{s}" for s in range(3)]


def test_a_script_that_raises_leaves_a_failed_run(store, project):
    uri, client = store
    result = run_script(project, "train_baseline.py", uri, LEGACY_FAIL="1")
    assert result.returncode != 0 and b"LEGACY_FAIL" in result.stderr
    failed = [r for r in all_runs(client, {"legacy-baseline"}) if r.info.status == "FAILED"]
    assert failed and "RuntimeError" in failed[0].data.tags["failure_reason"]
    assert failed[0].data.tags["status"] == "failed"


def test_a_bad_literal_name_fails_before_any_run_is_created(store, project):
    uri, client = store
    before = len(all_runs(client))
    result = run_script(project, "e2e_bad_name.py", uri)
    assert result.returncode != 0 and b"RunNameError" in result.stderr and b"MLN003" in result.stderr
    assert len(all_runs(client)) == before


def test_required_tags_are_enforced(project, tmp_path):
    mlflow = import_mlflow()
    (project / "pyproject.toml").write_text('[tool.mlflow-naming]\nrequired-tags = ["team"]\n')
    try:
        uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
        assert run_script(project, "e2e_tagged.py", uri).returncode == 0
        untagged = run_script(project, "e2e_nested.py", uri)
        assert untagged.returncode != 0 and b"team" in untagged.stderr
        runs = all_runs(mlflow.MlflowClient(uri))
        assert [r.info.run_name for r in runs] == ["tagged_training"]
        assert runs[0].data.tags["team"] == "vision"
    finally:
        (project / "pyproject.toml").write_text('[tool.mlflow-naming]\nrequired-tags = []\n')


def test_migrated_script_against_a_live_mlflow_server(project, mlflow_server):  # noqa: F811 - the imported fixture, by name
    mlflow = import_mlflow()
    result = run_script(project, "e2e_nested.py", mlflow_server.url)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    runs = all_runs(mlflow.MlflowClient(mlflow_server.url), {"e2e-nested"})
    assert sorted(r.info.run_name for r in runs) == ["e2e_nested_main_seed_0", "e2e_nested_main_seed_1", "e2e_nested_main_seed_2", "seed_sweep"]
    assert all(r.data.tags["status"] == "completed" for r in runs)
