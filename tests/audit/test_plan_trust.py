"""A tampered plan or undo file is refused as a whole, before any rename (docs/audit.md, docs/robustness.md "Trust").

Each bad row is put *last*, so a tool that applied rows one by one would have renamed the
runs before it; the runs must all keep their names and no undo file may appear.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ..mlflow_fixtures import *  # noqa: F403 - the fixtures, which pytest finds by name
from ..mlflow_fixtures import import_mlflow
from .test_audit import _bad_experiment, _names, _plan, _quick_failures, audit  # noqa: F401 - _quick_failures is an autouse fixture


@pytest.fixture(scope="module")
def client(mlflow_server):
    """A REST client of the session's server."""
    return import_mlflow().MlflowClient(tracking_uri=mlflow_server.url)


def _rows(plan: Path) -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(plan.read_text())))
    return header, rows


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue())


def _tamper(kind: str, rows: list[list[str]], other_experiment: str, other_run: str) -> list[list[str]]:
    first = rows[0]
    if kind == "run listed twice":
        return rows + [first[:3] + ["model_other_name"] + first[4:]]
    if kind == "extra field":
        return rows[:-1] + [rows[-1] + ["surprise"]]
    if kind == "missing field":
        return rows[:-1] + [rows[-1][:3]]
    if kind == "name outside the schema":
        return rows[:-1] + [rows[-1][:3] + ["Bad Name"] + rows[-1][4:]]
    if kind == "same new name twice":
        return rows[:-1] + [rows[-1][:3] + [first[3]] + rows[-1][4:]]
    if kind == "run of another experiment":
        return rows + [[other_run, rows[-1][1], "whatever", "model_stolen_name", "tampered"]]
    if kind == "wrong experiment":
        return rows[:-1] + [[rows[-1][0], other_experiment, *rows[-1][2:]]]
    raise AssertionError(kind)


TAMPERING = {
    "run listed twice": "is listed twice",
    "extra field": "fields, the header has 5",
    "missing field": "fields, the header has 5",
    "name outside the schema": "new name 'Bad Name' does not match",
    "same new name twice": "is also given on line 2",
    "run of another experiment": "is in experiment",
    "wrong experiment": "is in experiment",
}


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_a_tampered_plan_is_refused_and_nothing_is_renamed(mlflow_server, client, capsys, tmp_path, kind):
    experiment_id, before = _bad_experiment(client, count=3)
    other_experiment, others = _bad_experiment(client, count=1)
    plan = _plan(mlflow_server, experiment_id, tmp_path, capsys)
    header, rows = _rows(plan)
    _write(plan, header, _tamper(kind, rows, other_experiment, next(iter(others))))
    for dry_run in ((), ("--dry-run",)):
        code, out, err = audit("--tracking-uri", mlflow_server.url, "--apply", str(plan), *dry_run, capsys=capsys)
        assert (code, out, err.count("\n")) == (2, "", 1), (out, err)
        assert TAMPERING[kind] in err and "nothing renamed" in err and err.startswith(f"mlflow-naming: error: audit: {plan}: line ")
    assert _names(client, experiment_id) == before and _names(client, other_experiment) == others
    assert not Path(f"{plan}.undo.csv").exists()


def test_a_tampered_undo_file_is_refused_and_nothing_is_restored(mlflow_server, client, capsys, tmp_path):
    experiment_id, _ = _bad_experiment(client, count=3)
    other_experiment, others = _bad_experiment(client, count=1)
    plan = _plan(mlflow_server, experiment_id, tmp_path, capsys)
    assert audit("--tracking-uri", mlflow_server.url, "--apply", str(plan), capsys=capsys)[0] == 0
    renamed = _names(client, experiment_id)
    undo = Path(f"{plan}.undo.csv")
    header, rows = _rows(undo)
    other_run = next(iter(others))
    _write(undo, header, rows + [[other_run, experiment_id, "Stolen Name", others[other_run]]])
    code, out, err = audit("--tracking-uri", mlflow_server.url, "--undo", str(undo), capsys=capsys)
    assert (code, out) == (2, "") and f"run {other_run} is in experiment {other_experiment}" in err
    assert _names(client, experiment_id) == renamed and _names(client, other_experiment) == others


def test_an_undo_file_that_is_a_link_is_never_written_through(mlflow_server, client, capsys, tmp_path):
    experiment_id, before = _bad_experiment(client, count=2)
    plan = _plan(mlflow_server, experiment_id, tmp_path, capsys)
    victim = tmp_path / "bashrc"
    victim.write_text("export PATH=/usr/bin\n")
    Path(f"{plan}.undo.csv").symlink_to(victim)  # planted next to a plan in a repository
    code, _, err = audit("--tracking-uri", mlflow_server.url, "--apply", str(plan), capsys=capsys)
    assert code == 2 and "is a symbolic link; nothing renamed" in err and err.count("\n") == 1
    assert victim.read_text() == "export PATH=/usr/bin\n"
    assert _names(client, experiment_id) == before


def test_a_plan_that_is_not_csv_is_one_line(mlflow_server, capsys, tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_bytes(b"run_id,experiment_id,old_name,new_name,reason\n\xff\xfe\x00binary\n")
    code, _, err = audit("--tracking-uri", mlflow_server.url, "--apply", str(plan), capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and "not a valid CSV file" in err
