"""``mlflow-naming audit`` against a real ``mlflow server`` (SQLite backend).

Creating runs through the REST API costs ~36 ms each on this machine (a few thousand would
take minutes), so the large experiment is seeded with one SQL transaction straight into the
server's own SQLite store, in the rows ``create_run`` writes (``runs``, ``tags`` with
``mlflow.runName``, ``params``). Everything the audit reads still goes through the server.
The small experiments that ``--apply`` renames are created through the REST API.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from flake8_mlflow_naming.audit.checks import mask_uri
from flake8_mlflow_naming.audit.plan import unique_name
from flake8_mlflow_naming.cli import main
from flake8_mlflow_naming.config import Config, ConfigError, config_from_table
from flake8_mlflow_naming.naming import NameSchema

from ..helpers import REPO
from ..mlflow_fixtures import *  # noqa: F403 - the fixtures, which pytest finds by name
from ..mlflow_fixtures import MLFLOW_WARNING_FILTERS, free_port, import_mlflow

pytestmark = MLFLOW_WARNING_FILTERS

BIG_RUNS = 3000
PAGE_SIZE = 250  # 12 pages for the big experiment
HOUR_MS = 3_600_000
MARCH_15 = int(datetime(2024, 3, 15, 12, tzinfo=timezone.utc).timestamp() * 1000)


def seed_runs(db_path: str, experiment_id: str, runs: list[dict]) -> list[str]:
    """Insert runs (name, status, start_time, tags, params) in one transaction; their ids."""
    ids, run_rows, tag_rows, param_rows = [], [], [], []
    for run in runs:
        run_id = uuid.uuid4().hex
        ids.append(run_id)
        run_rows.append(
            (run_id, run["name"], "UNKNOWN", "", "", "seed", run.get("status", "FINISHED"), run["start_time"],
             None if run.get("status") == "RUNNING" else run["start_time"] + 1000, "", "active",
             f"/tmp/artifacts/{run_id}", int(experiment_id))
        )  # fmt: skip
        tags = {**run.get("tags", {}), "mlflow.runName": run["name"]}
        tag_rows.extend((key, value, run_id) for key, value in tags.items())
        param_rows.extend((key, value, run_id) for key, value in run.get("params", {}).items())
    with sqlite3.connect(db_path) as db:
        db.executemany(
            "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status,"
            " start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            run_rows,
        )
        db.executemany("INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)", tag_rows)
        db.executemany("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)", param_rows)
    return ids


@pytest.fixture(autouse=True)
def _quick_failures(monkeypatch, tmp_path):
    # A refused connection must fail at once here, not after MLflow's default backoff.
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def client(mlflow_server):
    """A REST client of the session's server."""
    return import_mlflow().MlflowClient(tracking_uri=mlflow_server.url)


@pytest.fixture(scope="module")
def big(mlflow_server, client):
    """An experiment of BIG_RUNS seeded runs, a sixth of each kind; the expected counts."""
    experiment_id = client.create_experiment(f"audit_big_{uuid.uuid4().hex[:6]}")
    now = int(time.time() * 1000)
    runs = []
    for i in range(BIG_RUNS):
        kind = i % 6
        run = {"name": f"train_model_{i}", "start_time": now - 60_000, "tags": {"owner": "ml"}}
        if kind == 1:
            run["name"] = f"Train Model {i}"
        elif kind == 2:
            run["name"] = f"clumsy-fish-{i}"
        elif kind == 3:
            run["tags"] = {}
        elif kind == 4:
            run.update(status="RUNNING", start_time=now - 100 * HOUR_MS)
        elif kind == 5:
            run.update(status="RUNNING", params={"lr": "0.1"})  # running, but not for long
        runs.append(run)
    started = time.perf_counter()
    seed_runs(mlflow_server.backend_store_uri.removeprefix("sqlite:///"), experiment_id, runs)
    seconds = time.perf_counter() - started
    assert seconds < 10, f"seeding {BIG_RUNS} runs took {seconds:.1f} s"
    # And one run created through the API without a name: the server invents one.
    client.create_run(experiment_id, tags={"owner": "ml"})
    per_kind = BIG_RUNS // 6
    expected = {"name": per_kind, "generated": per_kind + 1, "tags": per_kind, "stale": per_kind}
    return experiment_id, client.get_experiment(experiment_id).name, expected


def audit(*args: str, capsys) -> tuple[int, str, str]:
    code = main(["audit", *args])
    out, err = capsys.readouterr()
    return code, out, err


def write_config(tmp_path: Path, **keys) -> Path:
    lines = ["[tool.mlflow-naming]"] + [f"{key.replace('_', '-')} = {json.dumps(value)}" for key, value in keys.items()]
    path = tmp_path / "pyproject.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


# --- helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("http://alice:s3cret@host:5000", "http://***@host:5000"),
        ("https://token@mlflow.example.com/path", "https://***@mlflow.example.com/path"),
        ("postgresql+psycopg2://u:p%40ss@db/mlflow", "postgresql+psycopg2://***@db/mlflow"),
        ("error reaching http://a:b@h:1/api (http://a:b@h:1)", "error reaching http://***@h:1/api (http://***@h:1)"),
        ("https://host/api?token=t0k3n&x=1", "https://host/api?token=***&x=1"),
        ("http://host:5000", "http://host:5000"),
        ("sqlite:////tmp/mlflow.db", "sqlite:////tmp/mlflow.db"),
        ("mailto-like user@host text", "mailto-like user@host text"),
    ],
)
def test_mask_uri(text, masked):
    assert mask_uri(text) == masked


def test_unique_name_skips_taken_names_and_keeps_the_length_limit():
    schema = NameSchema(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$", 12)
    assert unique_name("resnet_run", set(), schema) == "resnet_run"
    assert unique_name("resnet_run", {"resnet_run", "resnet_run_2"}, schema) == "resnet_run_3"
    assert unique_name("resnet_train", {"resnet_train"}, schema) == "resnet_tra_2"
    assert unique_name("ab_cd", {"ab_cd"}, NameSchema(r"^[a-z_]+$", 80)) is None  # no digits allowed


def test_rename_template_is_validated_in_the_config(tmp_path):
    source = tmp_path / "pyproject.toml"
    config = config_from_table({"rename-template": "{tags.team}_{params.lr}_{start_time:%m%d}"}, source)
    assert config.rename_template == "{tags.team}_{params.lr}_{start_time:%m%d}"
    assert Config().rename_template is None
    with pytest.raises(ConfigError, match=r"rename-template is not a valid rename template.*unknown field \{owner\}"):
        config_from_table({"rename-template": "{owner}_run"}, source)
    with pytest.raises(ConfigError, match="rename-template"):
        config_from_table({"rename-template": "{tags.team"}, source)


def _python(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", textwrap.dedent(code)]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False)


def test_check_and_the_parser_never_import_the_audit_or_mlflow():
    result = _python("""
        import sys
        from flake8_mlflow_naming.cli import main
        code = main(["check", "fixtures/eval/mln001_run_name_missing.py"])
        assert code == 1, code
        assert "mlflow" not in sys.modules, "mlflow imported"
        assert "flake8_mlflow_naming.cli.audit" not in sys.modules
    """)
    assert result.returncode == 0, result.stderr


def test_without_mlflow_audit_says_so_in_one_line_and_exits_2():
    result = _python("""
        import sys
        sys.modules["mlflow"] = None  # import mlflow now raises ImportError
        from flake8_mlflow_naming.cli import main
        sys.exit(main(["audit", "--tracking-uri", "http://alice:s3cret@localhost:5000"]))
    """)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "needs MLflow" in lines[0] and "[runtime]" in lines[0], result.stderr


# --- audit -------------------------------------------------------------------------------


def test_text_reports_every_kind_and_a_summary_per_experiment(big, mlflow_server, capsys, tmp_path):
    experiment_id, name, expected = big
    config = write_config(tmp_path, required_tags=["owner"])
    code, out, err = audit(
        "--tracking-uri", mlflow_server.url, "--experiment", name, "--page-size", str(PAGE_SIZE),
        "--config", str(config), capsys=capsys,
    )  # fmt: skip
    assert code == 1, err
    assert err == ""  # no progress when standard error is not a terminal
    lines = out.splitlines()
    kinds = Counter(line.split(" ", 2)[2].split(":")[0] for line in lines if line.startswith(f"{name}: "))
    assert kinds == expected
    with_findings = BIG_RUNS * 4 // 6 + 1
    assert lines[-2] == (
        f"experiment {name!r} ({experiment_id}): {BIG_RUNS + 1} runs, {with_findings} with findings "
        f"(name {expected['name']}, generated {expected['generated']}, tags {expected['tags']}, stale {expected['stale']})"
    )
    assert lines[-1].startswith(f"total: 1 experiment(s): {BIG_RUNS + 1} runs")
    assert f"{name}: " in out and "looks like a name MLflow generates" in out
    assert "RUNNING for 100.0 hours (more than 24)" in out


def test_json_output_and_credentials_never_printed(big, mlflow_server, capsys, tmp_path):
    experiment_id, name, expected = big
    config = write_config(tmp_path, required_tags=["owner"])
    # The server has no auth; requests sends the URI's user:password as basic auth anyway.
    uri = mlflow_server.url.replace("http://", "http://alice:s3cret@")
    code, out, err = audit(
        "--tracking-uri", uri, "--experiment", experiment_id, "--output-format", "json",
        "--page-size", str(PAGE_SIZE), "--config", str(config), capsys=capsys,
    )  # fmt: skip
    assert code == 1, err
    report = json.loads(out)
    assert "s3cret" not in out + err
    assert report["tracking_uri"] == mlflow_server.url.replace("http://", "http://***@")
    assert Counter(f["kind"] for f in report["findings"]) == expected
    [summary] = report["experiments"]
    assert summary["experiment_name"] == name and summary["runs"] == BIG_RUNS + 1
    assert summary["counts"] == expected
    assert report["total"]["experiments"] == 1


def test_csv_output_and_stale_after(big, mlflow_server, capsys, tmp_path):
    _, name, expected = big
    code, out, err = audit(
        "--tracking-uri", mlflow_server.url, "--experiment", name, "--output-format", "csv",
        "--stale-after", "200", "--config", str(write_config(tmp_path)), capsys=capsys,
    )  # fmt: skip
    assert code == 1, err
    rows = list(csv.DictReader(io.StringIO(out)))
    # No required tags configured, and nothing has been running for 200 hours.
    assert Counter(r["kind"] for r in rows) == {"name": expected["name"], "generated": expected["generated"]}
    assert {r["experiment_name"] for r in rows} == {name}
    assert all(len(r["run_id"]) == 32 for r in rows)


def test_audit_pages_with_bounded_pages(big, client):
    from flake8_mlflow_naming.audit.store import audit as run_audit

    pages = []

    class CountingClient:
        def search_runs(self, *args, **kwargs):
            page = client.search_runs(*args, **kwargs)
            pages.append(len(page))
            return page

    experiment_id, name, expected = big
    summaries = run_audit(
        CountingClient(), [(experiment_id, name)], Config(required_tags=("owner",)), stale_after_hours=24,
        page_size=PAGE_SIZE, now_ms=int(time.time() * 1000), on_finding=lambda *a: None,
    )  # fmt: skip
    assert max(pages) == PAGE_SIZE and len(pages) == -(-(BIG_RUNS + 1) // PAGE_SIZE)
    assert summaries[0].counts == expected


def test_clean_experiment_exits_0(mlflow_server, client, capsys, tmp_path):
    experiment_id = client.create_experiment(f"audit_clean_{uuid.uuid4().hex[:6]}")
    client.create_run(experiment_id, run_name="resnet_baseline")
    code, out, err = audit("--tracking-uri", mlflow_server.url, "--experiment", experiment_id, capsys=capsys)
    assert code == 0, err
    assert "1 runs, 0 with findings" in out


def test_experiments_whose_names_break_the_schema_are_reported(mlflow_server, client, capsys, tmp_path):
    suffix = uuid.uuid4().hex[:6]
    bad_id = client.create_experiment(f"Churn Experiments {suffix}")
    good_id = client.create_experiment(f"recommendations/ctr_model/q{suffix}")
    for experiment_id in (bad_id, good_id):
        client.create_run(experiment_id, run_name="resnet_baseline")
    ids = ("--experiment", bad_id, "--experiment", good_id)
    code, out, err = audit("--tracking-uri", mlflow_server.url, *ids, capsys=capsys)
    assert code == 1, err
    expected = f"experiment 'Churn Experiments {suffix}' ({bad_id}) experiment: experiment name 'Churn Experiments {suffix}' does not match experiment-name-regex"
    assert [line for line in out.splitlines() if line.startswith("experiment '") and "experiment:" in line] == [
        line for line in out.splitlines() if line.startswith(expected)
    ]
    assert expected in out and "0 with findings" in out
    code, out, err = audit("--tracking-uri", mlflow_server.url, *ids, "--output-format", "csv", capsys=capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["experiment_id"], r["run_id"], r["kind"]) for r in rows] == [(bad_id, "", "experiment")]
    code, out, err = audit("--tracking-uri", mlflow_server.url, *ids, "--output-format", "json", capsys=capsys)
    report = json.loads(out)
    assert [f["kind"] for f in report["findings"]] == ["experiment"]
    assert [s["experiments_with_findings"] for s in report["experiments"]] == [1, 0]
    # A schema that accepts it: clean.
    config = write_config(tmp_path, experiment_name_regex="^[A-Za-z0-9 /_]+$")
    code, out, err = audit("--tracking-uri", mlflow_server.url, *ids, "--config", str(config), capsys=capsys)
    assert code == 0, out


def test_unknown_experiment_and_unreachable_server_are_one_line_errors(mlflow_server, capsys):
    code, out, err = audit("--tracking-uri", mlflow_server.url, "--experiment", "no-such-experiment", capsys=capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no experiment named or numbered 'no-such-experiment'" in err

    uri = f"http://bob:hunter2@127.0.0.1:{free_port()}"
    started = time.monotonic()
    code, out, err = audit("--tracking-uri", uri, capsys=capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("mlflow-naming: error: audit: cannot audit tracking URI http://***@")
    assert "hunter2" not in err and "bob" not in err
    assert time.monotonic() - started < 30


# --- plan --------------------------------------------------------------------------------


def test_plan_fills_the_template_normalises_dedupes_and_lists_unbuildable_runs(mlflow_server, client, capsys, tmp_path):
    experiment_id = client.create_experiment(f"audit_plan_{uuid.uuid4().hex[:6]}")
    resnet = {"tags": {"model_family": "ResNet"}, "params": {"learning_rate": "0.01"}}
    runs = {
        "generated": {"name": "clumsy-fish-1", "start_time": MARCH_15, **resnet},
        "bad": {"name": "Bad Name", "start_time": MARCH_15 + 1, **resnet},
        # A valid name equal to the proposals, audited after them (start_time order).
        "existing": {"name": "resnet_0_01_0315", "start_time": MARCH_15 - 2 * 24 * HOUR_MS, **resnet},
        "no_tag": {"name": "Another Bad", "start_time": MARCH_15, "params": {"learning_rate": "0.1"}},
        "off_schema": {"name": "Weird One", "start_time": MARCH_15, "tags": {"model_family": "Transformer"},
                       "params": {"learning_rate": "0.1"}},
        "vit": {"name": "happy-cat-7", "start_time": MARCH_15, "tags": {"model_family": "ViT"},
                "params": {"learning_rate": "0.1"}},
    }  # fmt: skip
    db_path = mlflow_server.backend_store_uri.removeprefix("sqlite:///")
    ids = dict(zip(runs, seed_runs(db_path, experiment_id, list(runs.values()))))
    config = write_config(
        tmp_path,
        run_name_regex=r"^(resnet|vit)(_[a-z0-9]+)+$",
        rename_template="{tags.model_family}_{params.learning_rate}_{start_time:%m%d}",
    )
    plan = tmp_path / "plan.csv"
    code, out, err = audit(
        "--tracking-uri", mlflow_server.url, "--experiment", experiment_id, "--plan", str(plan), "--page-size", "2",
        "--config", str(config), capsys=capsys,
    )  # fmt: skip
    assert code == 1, err
    assert out.splitlines()[-1] == f"plan: 5 run(s) to rename in {plan} (2 without a new name)"
    rows = {row["run_id"]: row for row in csv.DictReader(io.StringIO(plan.read_text()))}
    by_key = {key: rows.get(run_id) for key, run_id in ids.items()}
    assert by_key["existing"] is None
    assert {by_key["generated"]["new_name"], by_key["bad"]["new_name"]} == {"resnet_0_01_0315_2", "resnet_0_01_0315_3"}
    assert by_key["vit"]["new_name"] == "vit_0_1_0315"
    assert by_key["vit"]["old_name"] == "happy-cat-7" and "MLflow generates" in by_key["vit"]["reason"]
    assert by_key["no_tag"]["new_name"] == ""
    assert "no new name: the run has no tag 'model_family'" in by_key["no_tag"]["reason"]
    assert by_key["off_schema"]["new_name"] == ""
    assert "'Transformer_0.1_0315' cannot be normalised to the naming schema" in by_key["off_schema"]["reason"]
    assert all(row["experiment_id"] == experiment_id for row in rows.values())
    assert not (tmp_path / "plan.csv.tmp").exists()


def test_plan_without_a_template_names_every_run_even_those_with_nothing_to_go_on(mlflow_server, client, capsys, tmp_path):
    """20 runs with generated or empty names and no params or tags, half of them started in
    the same second: the default chain names each from the experiment and start time, unique."""
    experiment_name = f"Churn Model {uuid.uuid4().hex[:6]}"
    experiment_id = client.create_experiment(experiment_name)
    runs = [{"name": f"brave-owl-{i}" if i % 2 else "", "start_time": MARCH_15 + (i // 10) * 1000} for i in range(20)]
    db_path = mlflow_server.backend_store_uri.removeprefix("sqlite:///")
    seed_runs(db_path, experiment_id, runs)
    plan = tmp_path / "plan.csv"
    code, out, err = audit(
        "--tracking-uri", mlflow_server.url, "--experiment", experiment_id, "--plan", str(plan),
        "--config", str(write_config(tmp_path)), capsys=capsys,
    )  # fmt: skip
    assert code == 1, err
    assert out.splitlines()[-1] == f"plan: 20 run(s) to rename in {plan} (0 without a new name)"
    new_names = [row["new_name"] for row in csv.DictReader(io.StringIO(plan.read_text()))]
    schema = NameSchema(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$", 80)
    assert all(schema.problem(name) is None for name in new_names), new_names
    assert len(set(new_names)) == 20
    stem = experiment_name.lower().replace(" ", "_")
    first_second, next_second = f"{stem}_20240315_120000", f"{stem}_20240315_120001"
    expected = {first_second, next_second} | {f"{base}_{n}" for base in (first_second, next_second) for n in range(2, 11)}
    assert set(new_names) == expected


def test_plan_lists_a_run_as_unnamable_only_when_the_template_has_no_fallback(mlflow_server, client, capsys, tmp_path):
    experiment_id = client.create_experiment(f"audit-chain-{uuid.uuid4().hex[:6]}")
    runs = [{"name": "", "start_time": MARCH_15}, {"name": "", "start_time": MARCH_15, "tags": {"team": "Vision"}}]
    db_path = mlflow_server.backend_store_uri.removeprefix("sqlite:///")
    no_team, vision = seed_runs(db_path, experiment_id, runs)
    for number, (template, expected) in enumerate([
        ("{tags.team}_{start_time:%m%d}", {no_team: "", vision: "vision_0315"}),
        ("{tags.team|'shared'}_{start_time:%m%d}", {no_team: "shared_0315", vision: "vision_0315"}),
    ]):  # fmt: skip
        folder = tmp_path / str(number)  # one pyproject per template: configurations are cached per file
        folder.mkdir()
        plan = folder / "plan.csv"
        code, _out, err = audit(
            "--tracking-uri", mlflow_server.url, "--experiment", experiment_id, "--plan", str(plan),
            "--config", str(write_config(folder, rename_template=template)), capsys=capsys,
        )  # fmt: skip
        assert code == 1, err
        rows = {row["run_id"]: row for row in csv.DictReader(io.StringIO(plan.read_text()))}
        assert {run_id: row["new_name"] for run_id, row in rows.items()} == expected, template
        if not expected[no_team]:  # the line says which field is missing
            assert "no new name: the run has no tag 'team' for {tags.team}" in rows[no_team]["reason"]


# --- apply and undo ----------------------------------------------------------------------


def _bad_experiment(client, count: int = 6) -> tuple[str, dict[str, str]]:
    """An experiment of ``count`` badly named runs created through the API; id -> name."""
    experiment_id = client.create_experiment(f"audit_apply_{uuid.uuid4().hex[:6]}")
    runs = {}
    for i in range(count):
        run = client.create_run(experiment_id, run_name=f"Model {chr(65 + i)} v{i}")
        runs[run.info.run_id] = run.info.run_name
    return experiment_id, runs


def _names(client, experiment_id) -> dict[str, str]:
    return {run.info.run_id: run.info.run_name for run in client.search_runs([experiment_id])}


def _plan(mlflow_server, experiment_id, tmp_path, capsys) -> Path:
    plan = tmp_path / "plan.csv"
    code, _, err = audit(
        "--tracking-uri", mlflow_server.url, "--experiment", experiment_id, "--plan", str(plan), capsys=capsys
    )  # fmt: skip
    assert code == 1, err
    return plan


def test_apply_then_undo_round_trip_and_dry_run(mlflow_server, client, capsys, tmp_path):
    experiment_id, before = _bad_experiment(client)
    plan = _plan(mlflow_server, experiment_id, tmp_path, capsys)

    code, out, err = audit("--tracking-uri", mlflow_server.url, "--apply", str(plan), "--dry-run", capsys=capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert sum(line.startswith("would rename ") for line in lines) == 6 and lines[-1].startswith("6 would rename")
    assert _names(client, experiment_id) == before and not Path(f"{plan}.undo.csv").exists()

    code, out, err = audit("--tracking-uri", mlflow_server.url, "--apply", str(plan), capsys=capsys)
    assert code == 0, err
    after = _names(client, experiment_id)
    assert after == {run_id: f"model_{name[6].lower()}_v{name[-1]}" for run_id, name in before.items()}
    undo = Path(f"{plan}.undo.csv")
    assert len(list(csv.DictReader(io.StringIO(undo.read_text())))) == 6

    code, out, err = audit("--tracking-uri", mlflow_server.url, "--undo", str(undo), "--dry-run", capsys=capsys)
    assert code == 0 and sum(line.startswith("would restore ") for line in out.splitlines()) == 6
    assert _names(client, experiment_id) == after

    code, out, err = audit("--tracking-uri", mlflow_server.url, "--undo", str(undo), capsys=capsys)
    assert code == 0, err
    assert out.splitlines()[-1] == "6 restored, 0 already done, 0 skipped"
    assert _names(client, experiment_id) == before
    # The MLflow tag that mirrors the name is restored too.
    assert {client.get_run(r).data.tags["mlflow.runName"] for r in before} == set(before.values())


def test_apply_resumes_after_an_interruption(mlflow_server, client, capsys, tmp_path):
    experiment_id, before = _bad_experiment(client)
    plan = _plan(mlflow_server, experiment_id, tmp_path, capsys)
    undo = tmp_path / "renames.undo.csv"
    # Interrupted after three renames, the last of which never reached the undo file.
    lines = plan.read_text().splitlines(keepends=True)
    partial = tmp_path / "partial.csv"
    partial.write_text("".join(lines[:4]))
    assert audit("--tracking-uri", mlflow_server.url, "--apply", str(partial), "--undo-file", str(undo), capsys=capsys)[0] == 0
    undo.write_text("".join(undo.read_text().splitlines(keepends=True)[:-1]))

    code, out, err = audit(
        "--tracking-uri", mlflow_server.url, "--apply", str(plan), "--undo-file", str(undo), capsys=capsys
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[-1] == f"3 renamed, 3 already done, 0 skipped; undo file {undo}"
    recorded = list(csv.DictReader(io.StringIO(undo.read_text())))
    assert sorted(r["run_id"] for r in recorded) == sorted(before)
    assert all(name.startswith("model_") for name in _names(client, experiment_id).values())

    assert audit("--tracking-uri", mlflow_server.url, "--undo", str(undo), capsys=capsys)[0] == 0
    assert _names(client, experiment_id) == before


def test_apply_and_undo_skip_runs_renamed_by_someone_else(mlflow_server, client, capsys, tmp_path):
    experiment_id, before = _bad_experiment(client, count=3)
    plan = _plan(mlflow_server, experiment_id, tmp_path, capsys)
    first, second, third = before
    client.update_run(first, name="renamed_by_hand")

    code, out, err = audit("--tracking-uri", mlflow_server.url, "--apply", str(plan), capsys=capsys)
    assert code == 1, err
    assert f"skipped {first}: its name is now 'renamed_by_hand', the plan expected {before[first]!r}" in out
    assert out.splitlines()[-1].startswith("2 renamed, 0 already done, 1 skipped")
    names = _names(client, experiment_id)
    assert names[first] == "renamed_by_hand" and names[second] != before[second]

    client.update_run(second, name="renamed_again")
    code, out, err = audit("--tracking-uri", mlflow_server.url, "--undo", f"{plan}.undo.csv", capsys=capsys)
    assert code == 1
    assert f"skipped {second}: its name is now 'renamed_again'" in out
    names = _names(client, experiment_id)
    assert names == {first: "renamed_by_hand", second: "renamed_again", third: before[third]}


def test_apply_refuses_a_file_that_is_not_a_plan(mlflow_server, capsys, tmp_path):
    bogus = tmp_path / "bogus.csv"
    bogus.write_text("a,b\n1,2\n")
    code, _, err = audit("--tracking-uri", mlflow_server.url, "--apply", str(bogus), capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and "missing column(s) run_id" in err


def test_progress_is_drawn_on_a_terminal_only(big, mlflow_server, tmp_path):
    import pty

    experiment_id, name, _ = big
    command = [sys.executable, "-m", "flake8_mlflow_naming.cli", "audit", "--tracking-uri", mlflow_server.url,
               "--experiment", experiment_id, "--page-size", "1000", "--output-format", "csv"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO), "MLFLOW_DISABLE_TELEMETRY": "true"}
    primary, secondary = pty.openpty()
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=secondary, env=env, cwd=tmp_path)
        os.close(secondary)
        out, _ = process.communicate(timeout=120)
        terminal = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            terminal += chunk
    finally:
        os.close(primary)
    assert process.returncode == 1
    assert f"\rexperiment {name!r}: 1000 runs audited".encode() in terminal
    assert b"\r" not in out and b"runs audited" not in out


# --- reliability (issue 12) ----------------------------------------------------------------


def test_apply_after_undo_renames_again(mlflow_server, client, capsys, tmp_path):
    """The undo file lists every run, yet after --undo they carry their old names: rename them again."""
    experiment_id, before = _bad_experiment(client, count=5)
    plan = _plan(mlflow_server, experiment_id, tmp_path, capsys)
    assert audit("--tracking-uri", mlflow_server.url, "--apply", str(plan), capsys=capsys)[0] == 0
    renamed = _names(client, experiment_id)
    assert audit("--tracking-uri", mlflow_server.url, "--undo", f"{plan}.undo.csv", capsys=capsys)[0] == 0
    assert _names(client, experiment_id) == before

    code, out, err = audit("--tracking-uri", mlflow_server.url, "--apply", str(plan), capsys=capsys)
    assert code == 0, err
    assert out.splitlines()[-1] == f"5 renamed, 0 already done, 0 skipped; undo file {plan}.undo.csv"
    assert _names(client, experiment_id) == renamed
    # And undo still gives the old names back.
    assert audit("--tracking-uri", mlflow_server.url, "--undo", f"{plan}.undo.csv", capsys=capsys)[0] == 0
    assert _names(client, experiment_id) == before


def test_apply_reads_a_plan_saved_from_excel(mlflow_server, client, capsys, tmp_path):
    """Excel's "CSV UTF-8" has a byte order mark and CRLF line endings."""
    experiment_id, _before = _bad_experiment(client, count=2)
    plan = _plan(mlflow_server, experiment_id, tmp_path, capsys)
    excel = tmp_path / "excel.csv"
    excel.write_bytes(b"\xef\xbb\xbf" + plan.read_bytes().replace(b"\n", b"\r\n"))
    code, out, err = audit("--tracking-uri", mlflow_server.url, "--apply", str(excel), capsys=capsys)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("2 renamed, 0 already done, 0 skipped")
    assert all(name.startswith("model_") for name in _names(client, experiment_id).values())


@pytest.mark.parametrize("scheme", ["sqlite", "file", "path"])
def test_a_mistyped_local_store_is_an_error_not_an_empty_audit(capsys, tmp_path, scheme):
    missing = tmp_path / "typo" / ("mlflow.db" if scheme == "sqlite" else "mlruns")
    uri = {"sqlite": f"sqlite:///{missing}", "file": missing.as_uri(), "path": str(missing)}[scheme]
    code, out, err = audit("--tracking-uri", uri, capsys=capsys)
    assert code == 2 and out == ""
    assert err == f"mlflow-naming: error: audit: no tracking store at {missing} (tracking URI {uri}); check the path\n"
    assert not missing.exists() and not missing.parent.exists()


def test_plan_never_builds_a_name_from_a_field_that_normalises_to_nothing(mlflow_server, client, capsys, tmp_path):
    experiment_id = client.create_experiment(f"audit-empty-field-{uuid.uuid4().hex[:6]}")
    runs = {
        "japanese": {"name": "Bad Name", "start_time": MARCH_15, "params": {"model_family": "日本"}},
        "latin": {"name": "Other Bad", "start_time": MARCH_15, "params": {"model_family": "ResNet"}},
    }
    db_path = mlflow_server.backend_store_uri.removeprefix("sqlite:///")
    ids = dict(zip(runs, seed_runs(db_path, experiment_id, list(runs.values()))))
    config = write_config(tmp_path, rename_template="{params.model_family}_2024")
    plan = tmp_path / "plan.csv"
    code, _out, err = audit(
        "--tracking-uri", mlflow_server.url, "--experiment", experiment_id, "--plan", str(plan), "--config", str(config),
        capsys=capsys,
    )  # fmt: skip
    assert code == 1, err
    rows = {row["run_id"]: row for row in csv.DictReader(io.StringIO(plan.read_text()))}
    assert rows[ids["latin"]]["new_name"] == "resnet_2024"
    assert rows[ids["japanese"]]["new_name"] == ""  # not "run_2024": that would be a guess
    assert "{params.model_family} is '日本', which has no letters or digits" in rows[ids["japanese"]]["reason"]
