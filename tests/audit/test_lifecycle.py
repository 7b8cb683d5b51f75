"""``audit --policy``: the archival policy and promotion tags, planned, applied and undone on real stores.

Thousands of runs are seeded in one SQL transaction straight into the store's own SQLite
file (``create_run`` through the API costs tens of milliseconds each), in the rows MLflow
writes (``runs``, ``tags``, ``latest_metrics``). Everything the policy reads and changes
goes through ``MlflowClient``: a SQLite store, and a live ``mlflow server`` over REST. The
expected actions are computed from the seeded specification, never from the tool's output.
"""

from __future__ import annotations

import csv
import sqlite3
import time
import uuid
from pathlib import Path

import pytest

from flake8_mlflow_naming.cli import main
from flake8_mlflow_naming.config import ConfigError, config_from_table

from ..mlflow_fixtures import *  # noqa: F403 - the fixtures, which pytest finds by name
from ..mlflow_fixtures import MLFLOW_WARNING_FILTERS, import_mlflow

pytestmark = MLFLOW_WARNING_FILTERS

DAY_MS, HOUR_MS = 86_400_000, 3_600_000
LIFECYCLE = """
[tool.mlflow-naming.lifecycle]
failed-after-days = 7
keep-top-percent = 10
keep-top-metric = "val_loss"
keep-top-direction = "min"
others-after-days = 30
stale-running-after-hours = 24
protected-tags = ["promoted", "production_run"]
"""


def seed(db_path: str, experiment_id: str, runs: list[dict]) -> list[str]:
    """Insert runs (status, start_time, end_time, tags, metrics) in one transaction; their ids in order."""
    ids, run_rows, tag_rows, metric_rows = [], [], [], []
    for index, run in enumerate(runs):
        run_id = uuid.uuid4().hex
        ids.append(run_id)
        name = f"seeded_run_{index}"
        run_rows.append(
            (run_id, name, "UNKNOWN", "", "", "seed", run["status"], run["start_time"], run.get("end_time"), "",
             "active", run.get("artifact_uri", f"/nonexistent/{run_id}"), int(experiment_id))
        )  # fmt: skip
        tags = {**run.get("tags", {}), "mlflow.runName": name}
        tag_rows.extend((key, value, run_id) for key, value in tags.items())
        metric_rows.extend((key, value, 0, 0, 0, run_id) for key, value in run.get("metrics", {}).items())
    with sqlite3.connect(db_path) as db:
        db.executemany(
            "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status,"
            " start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            run_rows,
        )
        db.executemany("INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)", tag_rows)
        db.executemany(
            "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?)",
            metric_rows,
        )
    return ids


def population(count: int, now: int, cycle: int = 16) -> tuple[list[dict], dict[int, str]]:
    """``count`` runs of nine kinds and, by index, the action the policy above must plan for each.

    All but eight of every ``cycle`` runs are young FINISHED ones (kept), as in a store that
    is mostly recent work.

    FINISHED runs carry ``val_loss``; the lowest 10% of all of them (of any age) are kept.
    """
    runs, expected = [], {}
    finished = [i for i in range(count) if i % cycle == 4]
    young = [i for i in range(count) if i % cycle == 6 or i % cycle >= 8]  # ranked too, but last (val_loss 1e9)
    # val_loss = position among the old FINISHED runs: the first ceil(10%) of all ranked runs are the best.
    keep = -(-(len(finished) + len(young)) * 10 // 100)
    loss = {i: float(rank) for rank, i in enumerate(finished)}
    for i in range(count):
        kind = i % cycle
        if kind == 0:  # FAILED 10 days ago: archived
            run, action = {"status": "FAILED", "start_time": now - 10 * DAY_MS - 5000, "end_time": now - 10 * DAY_MS}, "archive"
        elif kind == 1:  # FAILED 2 days ago: kept
            run, action = {"status": "FAILED", "start_time": now - 2 * DAY_MS - 5000, "end_time": now - 2 * DAY_MS}, None
        elif kind == 2:  # RUNNING for 100 hours: ended as KILLED
            run, action = {"status": "RUNNING", "start_time": now - 100 * HOUR_MS}, "kill"
        elif kind == 3:  # RUNNING for an hour: kept
            run, action = {"status": "RUNNING", "start_time": now - HOUR_MS}, None
        elif kind == 4:  # FINISHED 40 days ago, ranked by val_loss
            run = {"status": "FINISHED", "start_time": now - 40 * DAY_MS, "end_time": now - 40 * DAY_MS + 1000}
            run["metrics"] = {"val_loss": loss[i]}
            action = None if loss[i] < keep else "archive"
        elif kind == 5:  # FINISHED 40 days ago without the metric: archived
            run, action = {"status": "FINISHED", "start_time": now - 40 * DAY_MS, "end_time": now - 40 * DAY_MS + 1000}, "archive"
        elif kind == 6 or kind >= 8:  # FINISHED 5 days ago: too young
            run = {"status": "FINISHED", "start_time": now - 5 * DAY_MS, "end_time": now - 5 * DAY_MS, "metrics": {"val_loss": 1e9}}
            action = None
        else:  # 7: FAILED 10 days ago but protected
            run = {"status": "FAILED", "start_time": now - 10 * DAY_MS - 5000, "end_time": now - 10 * DAY_MS}
            run["tags"] = {"production_run": "true"}
            action = None
        runs.append(run)
        if action:
            expected[i] = action
    return runs, expected


def policy(*args: str, capsys) -> tuple[int, str]:
    code = main(["audit", "--policy", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out + err


def plan_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A pyproject with the lifecycle table, as the current folder."""
    (tmp_path / "pyproject.toml").write_text("[tool.mlflow-naming]\nrun-name-regex = '.*'\n" + LIFECYCLE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    return tmp_path


def _registry(client, experiment_id: str, referenced_run: str) -> dict[str, str]:
    """A registered model with a champion alias on a version of ``referenced_run``, and a version without a run."""
    name = f"ctr_model_{uuid.uuid4().hex[:6]}"
    client.create_registered_model(name)
    promoted = client.create_model_version(name, f"runs:/{referenced_run}/model", run_id=referenced_run)
    client.set_registered_model_alias(name, "champion", promoted.version)
    raw = client.create_model_version(name, "s3://bucket/raw/model")
    return {"name": name, "promoted": str(promoted.version), "raw": str(raw.version)}


def all_runs(client, experiment_id: str) -> dict[str, object]:
    """Every run of the experiment by id, read in pages (one request per thousand, not one per run)."""
    found, token = {}, None
    while True:
        page = client.search_runs([experiment_id], max_results=1000, page_token=token)
        found.update((run.info.run_id, run) for run in page)
        token = page.token
        if not token:
            return found


def _round_trip(uri: str, db_path: str, count: int, capsys, project: Path, page_size: int, cycle: int) -> None:
    """Seed ``count`` runs, plan, apply and undo the policy through ``uri``; check the store at each step."""
    mlflow = import_mlflow()
    client = mlflow.MlflowClient(tracking_uri=uri)
    experiment_id = client.create_experiment(f"lifecycle_{uuid.uuid4().hex[:8]}")
    now = int(time.time() * 1000)
    runs, expected = population(count, now, cycle)
    started = time.perf_counter()
    ids = seed(db_path, experiment_id, runs)
    assert time.perf_counter() - started < 20
    # An old FAILED run a model version references: never touched, though the age rule says archive.
    referenced = seed(db_path, experiment_id, [{"status": "FAILED", "start_time": now - 30 * DAY_MS, "end_time": now - 30 * DAY_MS}])[0]
    registry = _registry(client, experiment_id, referenced)
    expected_rows = {(ids[i], action) for i, action in expected.items()} | {(referenced, "tag_promotion")}

    plan = project / "policy.csv"
    code, out = policy("--tracking-uri", uri, "--experiment", experiment_id, "--page-size", str(page_size), "--plan", str(plan), capsys=capsys)
    assert code == 1, out
    rows = plan_rows(plan)
    assert {(r["run_id"], r["action"]) for r in rows} == expected_rows
    assert all(r["reason"] for r in rows)
    promotion = next(r for r in rows if r["action"] == "tag_promotion")
    assert promotion["detail"] == f"{registry['name']}/{registry['promoted']}" and "alias 'champion'" in promotion["reason"]
    assert f"model {registry['name']!r} version {registry['raw']} has no run_id" in out

    code, out = policy("--tracking-uri", uri, "--apply", str(plan), "--page-size", str(page_size), capsys=capsys)
    assert code == 0, out[-2000:]
    stored = all_runs(client, experiment_id)
    for i, run_id in enumerate(ids):
        run = stored[run_id]
        action = expected.get(i)
        if action == "archive":
            assert run.data.tags["status"] == "archived" and run.data.tags["archived_at"].startswith("20"), i
        elif action == "kill":
            assert run.info.status == "KILLED", i
        else:
            assert "archived_at" not in run.data.tags and run.info.status == runs[i]["status"], i
    assert set(expected.values()) == {"archive", "kill"}
    kept = client.get_run(referenced)
    assert kept.info.status == "FAILED" and "archived_at" not in kept.data.tags
    assert kept.data.tags["production_run"] == "true"
    assert kept.data.tags["production_model_version"] == f"{registry['name']}/{registry['promoted']}"

    # A second plan finds nothing left to do: archived runs are done, the promotion is tagged.
    code, out = policy("--tracking-uri", uri, "--experiment", experiment_id, "--page-size", str(page_size), capsys=capsys)
    assert code == 0, out[-2000:]

    code, out = policy("--tracking-uri", uri, "--undo", f"{plan}.undo.csv", capsys=capsys)
    assert code == 0, out[-2000:]
    stored = all_runs(client, experiment_id)
    for i, run_id in enumerate(ids):
        run = stored[run_id]
        assert run.info.status == runs[i]["status"], i
        assert "status" not in run.data.tags and "archived_at" not in run.data.tags, i
    assert "production_run" not in client.get_run(referenced).data.tags


def test_policy_plan_apply_undo_on_sqlite_with_thousands_of_runs(project, tmp_path, capsys):
    mlflow = import_mlflow()
    db = tmp_path / "mlflow.db"
    uri = f"sqlite:///{db}"
    mlflow.MlflowClient(tracking_uri=uri).search_experiments()  # creates the tables
    _round_trip(uri, str(db), 2000, capsys, project, page_size=300, cycle=32)


def test_policy_plan_apply_undo_on_a_live_server(project, mlflow_server, capsys):
        # Over REST every change costs a round trip: a sparser population keeps the test under a minute.
    db_path = mlflow_server.backend_store_uri.removeprefix("sqlite:///")
    _round_trip(mlflow_server.url, db_path, 1500, capsys, project, page_size=200, cycle=48)


def test_delete_action_soft_deletes_and_artifact_deletion_needs_its_flag(project, tmp_path, capsys):
    """``action = "delete"`` soft-deletes (undo restores); artifact files go only with --delete-artifacts, for good."""
    mlflow = import_mlflow()
    (project / "pyproject.toml").write_text(
        "[tool.mlflow-naming.lifecycle]\nfailed-after-days = 1\naction = \"delete\"\ndelete-artifacts = true\n"
    )
    uri = f"sqlite:///{tmp_path / 'delete.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri)
    experiment_id = client.create_experiment("deletions", artifact_location=(tmp_path / "artifacts").as_uri())
    now = int(time.time() * 1000)
    old = client.create_run(experiment_id, start_time=now - 3 * DAY_MS, run_name="old_failure")
    young = client.create_run(experiment_id, start_time=now - 1000, run_name="young_failure")
    for run in (old, young):
        (tmp_path / "weights.txt").write_text("weights")
        client.log_artifact(run.info.run_id, str(tmp_path / "weights.txt"))
        client.set_terminated(run.info.run_id, "FAILED", end_time=run.info.start_time + 1000)
    old_artifacts = Path(old.info.artifact_uri.removeprefix("file://"))
    assert (old_artifacts / "weights.txt").is_file()

    plan = tmp_path / "delete.csv"
    code, out = policy("--tracking-uri", uri, "--plan", str(plan), capsys=capsys)
    rows = plan_rows(plan)
    assert code == 1 and [(r["run_id"], r["action"]) for r in rows] == [(old.info.run_id, "delete"), (old.info.run_id, "delete_artifacts")]
    assert "IRREVERSIBLE" in rows[1]["reason"] and "cannot be undone" in out

    code, out = policy("--tracking-uri", uri, "--apply", str(plan), capsys=capsys)
    assert code == 1 and "pass --delete-artifacts" in out
    assert client.get_run(old.info.run_id).info.lifecycle_stage == "deleted"
    assert (old_artifacts / "weights.txt").is_file()
    code, out = policy("--tracking-uri", uri, "--apply", str(plan), "--delete-artifacts", capsys=capsys)
    assert code == 0, out
    assert not (old_artifacts / "weights.txt").exists()
    assert client.get_run(young.info.run_id).info.lifecycle_stage == "active"

    code, out = policy("--tracking-uri", uri, "--undo", f"{plan}.undo.csv", capsys=capsys)
    assert code == 1 and "not restorable" in out
    assert client.get_run(old.info.run_id).info.lifecycle_stage == "active"


def test_apply_rechecks_a_stale_plan(project, tmp_path, capsys):
    """A run protected, or registered, after the plan was written is skipped at apply time."""
    mlflow = import_mlflow()
    db = tmp_path / "stale.db"
    uri = f"sqlite:///{db}"
    client = mlflow.MlflowClient(tracking_uri=uri)
    experiment_id = client.create_experiment("stale_plan")
    now = int(time.time() * 1000)
    spec = {"status": "FAILED", "start_time": now - 20 * DAY_MS, "end_time": now - 20 * DAY_MS}
    protected_later, registered_later, archived = seed(str(db), experiment_id, [spec, spec, spec])
    plan = tmp_path / "plan.csv"
    assert policy("--tracking-uri", uri, "--plan", str(plan), capsys=capsys)[0] == 1
    assert len(plan_rows(plan)) == 3
    client.set_tag(protected_later, "promoted", "yes")
    client.create_registered_model("late_model")
    client.create_model_version("late_model", "runs:/x/model", run_id=registered_later)
    code, out = policy("--tracking-uri", uri, "--apply", str(plan), capsys=capsys)
    assert code == 1
    assert "protected tag 'promoted'" in out and "model version references" in out
    assert "archived_at" not in client.get_run(protected_later).data.tags
    assert "archived_at" not in client.get_run(registered_later).data.tags
    assert client.get_run(archived).data.tags["status"] == "archived"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"failed-after-days": -1}, "failed-after-days must be a number"),
        ({"keep-top-percent": 10}, "go together"),
        ({"action": "burn"}, "action must be archive or delete"),
        ({"delete-artifacts": "yes"}, "delete-artifacts must be true or false"),
        ({"keep-top-direction": "up", "keep-top-metric": "m", "keep-top-percent": 1, "others-after-days": 1}, "max or min"),
        ({"fialed-after-days": 7}, "unknown key 'fialed-after-days'"),
    ],
)
def test_lifecycle_table_errors_are_one_line(table, message, tmp_path):
    with pytest.raises(ConfigError, match=message) as raised:
        config_from_table({"lifecycle": table}, tmp_path / "pyproject.toml")
    assert "\n" not in str(raised.value) and "lifecycle" in str(raised.value)


def test_delete_artifacts_flag_needs_policy_apply(capsys):
    assert main(["audit", "--tracking-uri", "sqlite:///x.db", "--delete-artifacts"]) == 2
    assert "--delete-artifacts works only with --policy --apply" in capsys.readouterr().err
