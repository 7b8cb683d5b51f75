"""A team wrapper that takes a config object first, configured only with ``run-wrapper`` and
``wrapper-arguments``: the legacy scripts and the README example are migrated onto it, then
run against a real SQLite store, and the stored runs are read back.

The wrapper is the shape issue 13 names: ``production_run(config, run_name, **kwargs)``,
re-exported from its package's ``__init__``; it rejects names off the schema, as a team's
wrapper would, so a migrated script that invents a bad name fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from ..helpers import FIXTURES, run_tool
from ..mlflow_fixtures import MLFLOW_TEST_ENV, MLFLOW_WARNING_FILTERS, import_mlflow

pytestmark = MLFLOW_WARNING_FILTERS

SCHEMA = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")

PYPROJECT = """\
[tool.mlflow-naming]
run-wrapper = "team_tracking.production_run"

[tool.mlflow-naming.wrapper-arguments]
config = "team_tracking.runs:RunConfig.from_env()"
"""

INIT = "from .runs import RunConfig, production_run\n"

RUNS = '''\
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass

import mlflow

_SCHEMA = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


@dataclass
class RunConfig:
    team: str

    @classmethod
    def from_env(cls):
        return cls(team=os.environ.get("TEAM", "vision"))


@contextmanager
def production_run(config: RunConfig, run_name: str, **kwargs):
    if not isinstance(run_name, str) or not _SCHEMA.fullmatch(run_name) or len(run_name) > 80:
        raise ValueError(f"production_run: bad run name {run_name!r}")
    tags = {"team": config.team, "platform": "production_run", **(kwargs.pop("tags", None) or {})}
    with mlflow.start_run(run_name=run_name, tags=tags, **kwargs) as run:
        yield run
'''

#: The README's before/after example, called with floats as a sweep would be.
README_EXAMPLE = """\
import mlflow

def train(rates):
    with mlflow.start_run(run_name='ResNet50 sweep'):
        for lr in rates:
            with mlflow.start_run():
                mlflow.log_param('lr', lr)


if __name__ == "__main__":
    mlflow.set_experiment("readme-example")
    train([0.01, 0.1])
"""

#: Bare start/end pairs in one block, with floats in the loop.
BARE_SWEEP = """\
import mlflow

mlflow.set_experiment("bare-sweep")
parent = mlflow.start_run(run_name="bare_sweep_parent")
for alpha in [0.5, 1.5]:
    mlflow.start_run(nested=True)
    mlflow.log_param("alpha", alpha)
    mlflow.end_run()
mlflow.end_run()
print(parent.info.run_id)
"""

#: Legacy scripts whose every run the migration can name (the others hold f-string names only a person can fix).
RUNNABLE = ["aliases_training.py", "bare_start_end.py", "client_runs.py", "export_artifacts.py", "notebook_export.py", "train_baseline.py"]
#: Runs the migration cannot move onto the wrapper: MlflowClient runs, and a start/end pair split by try/finally.
NOT_WRAPPED_EXPERIMENTS = {"legacy-client-runs"}
NOT_WRAPPED_RUNS = {"daily_summary"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    import_mlflow()
    root = tmp_path_factory.mktemp("config_first") / "project"
    shutil.copytree(FIXTURES / "legacy", root)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "team_tracking").mkdir()
    (root / "team_tracking" / "__init__.py").write_text(INIT)
    (root / "team_tracking" / "runs.py").write_text(RUNS)
    (root / "readme_example.py").write_text(README_EXAMPLE)
    (root / "bare_sweep.py").write_text(BARE_SWEEP)
    scripts = [*RUNNABLE, "readme_example.py", "bare_sweep.py"]
    result = run_tool("mlflow-naming", "migrate", *scripts, cwd=root)
    assert b"Traceback" not in result.stderr, result.stderr
    output = result.stdout.decode()
    # What migrate says is left is what a fresh check finds on the written files.
    check = run_tool("mlflow-naming", "check", *scripts, cwd=root)
    left = [line for line in check.stdout.decode().splitlines() if ": MLN" in line]
    assert output.splitlines()[-1].endswith(f"{len(left)} finding{'s' if len(left) != 1 else ''} left"), output
    # Only the start/end_run pair split by try/finally is left for a person.
    split = next(n for n, line in enumerate((root / "bare_start_end.py").read_text().splitlines(), 1) if "daily_summary" in line)
    fixable_left = [line for line in left if re.search(r"MLN00[1256]", line) and not line.startswith(f"bare_start_end.py:{split}:")]
    assert not fixable_left, fixable_left
    return root


#: Runs each script as ``__main__`` in turn, in one interpreter (importing mlflow once keeps the test fast).
RUN_ALL = """
import runpy, sys
for script in sys.argv[1:]:
    print("running", script, flush=True)
    runpy.run_path(script, run_name="__main__")
"""


@pytest.fixture(scope="module")
def client(project, tmp_path_factory):
    mlflow = import_mlflow()
    uri = f"sqlite:///{tmp_path_factory.mktemp('store') / 'mlflow.db'}"
    env = {**os.environ, **MLFLOW_TEST_ENV, "MLFLOW_TRACKING_URI": uri, "PYTHONPATH": str(project)}
    scripts = [*RUNNABLE, "readme_example.py", "bare_sweep.py"]
    result = subprocess.run([sys.executable, "-c", RUN_ALL, *scripts], cwd=project, env=env, capture_output=True, timeout=300)
    assert result.returncode == 0, (result.stdout.decode()[-500:], result.stderr.decode()[-3000:])
    return mlflow.MlflowClient(uri)


def runs_of(client, names=None):
    experiments = [e for e in client.search_experiments() if names is None or e.name in names]
    return client.search_runs([e.experiment_id for e in experiments], max_results=1000)


def test_the_migrated_calls_pass_the_config_first(project):
    text = (project / "readme_example.py").read_text()
    assert "from team_tracking import production_run" in text
    assert "from team_tracking.runs import RunConfig" in text
    assert "production_run(run_name='resnet50_sweep', config=RunConfig.from_env())" in text
    # The float loop is numbered: "0.01" could never be part of a valid name.
    assert "for i, lr in enumerate(rates):" in text


def test_every_stored_run_name_matches_the_schema(client):
    runs = runs_of(client)
    assert len(runs) >= 20
    for run in runs:
        assert SCHEMA.fullmatch(run.info.run_name) and len(run.info.run_name) <= 80, run.info.run_name


def test_wrapped_runs_carry_the_wrapper_tags(client):
    experiments = {e.experiment_id: e.name for e in client.search_experiments()}
    wrapped = [
        run
        for run in runs_of(client)
        if experiments[run.info.experiment_id] not in NOT_WRAPPED_EXPERIMENTS and run.info.run_name not in NOT_WRAPPED_RUNS
    ]
    assert len(wrapped) >= 15
    for run in wrapped:
        assert run.data.tags.get("platform") == "production_run", run.info.run_name
        assert run.data.tags.get("team") == "vision", run.info.run_name


def test_nested_runs_keep_their_parents(client):
    readme = runs_of(client, {"readme-example"})
    parent = [r for r in readme if r.info.run_name == "resnet50_sweep"]
    children = [r for r in readme if r.info.run_name != "resnet50_sweep"]
    assert len(parent) == 1 and len(children) == 2
    assert {r.data.tags["mlflow.parentRunId"] for r in children} == {parent[0].info.run_id}
    assert sorted(r.info.run_name for r in children) == ["readme_example_train_lr_0", "readme_example_train_lr_1"]
    assert sorted(r.data.params["lr"] for r in children) == ["0.01", "0.1"]

    bare = runs_of(client, {"bare-sweep"})
    parent = [r for r in bare if r.info.run_name == "bare_sweep_parent"]
    children = [r for r in bare if r.info.run_name != "bare_sweep_parent"]
    assert len(parent) == 1 and len(children) == 2
    assert {r.data.tags["mlflow.parentRunId"] for r in children} == {parent[0].info.run_id}
    assert all(r.info.status == "FINISHED" for r in bare)
