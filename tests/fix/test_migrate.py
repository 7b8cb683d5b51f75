"""``migrate`` on the legacy scripts: golden files, no fixable finding left, LibCST codemod parity."""

from __future__ import annotations

import py_compile
import shutil
import subprocess
import sys

import pytest

from flake8_mlflow_naming.config import Config
from flake8_mlflow_naming.lint.engine import lint_source
from flake8_mlflow_naming.lint.rules import MIGRATION_CODES

from ..helpers import FIXTURES, run_tool

WRAPPER = "flake8_mlflow_naming.runtime.tracked_run"
LEGACY = sorted((FIXTURES / "legacy").glob("*.py"))
GOLDEN = FIXTURES / "legacy_migrated"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """The legacy folder copied and migrated once, with the CLI a user would run."""
    folder = tmp_path_factory.mktemp("migrated") / "legacy"
    shutil.copytree(FIXTURES / "legacy", folder)
    result = run_tool("mlflow-naming", "migrate", "--wrapper", WRAPPER, str(folder))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert b"Traceback" not in result.stderr
    return folder


def test_there_are_legacy_scripts():
    assert len(LEGACY) >= 6


@pytest.mark.parametrize("script", LEGACY, ids=lambda p: p.name)
def test_migrated_script_compiles_and_has_no_fixable_finding(migrated, script):
    path = migrated / script.name
    py_compile.compile(str(path), doraise=True, cfile=str(migrated / (script.stem + ".pyc")))
    config = Config().with_overrides(run_wrapper=WRAPPER)
    left = lint_source(path.read_bytes(), str(path), config)
    # Renaming experiments and registered models (MLN007, MLN008) is left to `fix`.
    assert [f for f in left if f.fix is not None and f.code in MIGRATION_CODES] == []


def test_migrate_leaves_experiment_names_alone_unless_selected(tmp_path):
    script = tmp_path / "train.py"
    script.write_text('import mlflow\nmlflow.set_experiment("legacy-baseline")\n')
    result = run_tool("mlflow-naming", "migrate", str(script))
    assert script.read_text() == 'import mlflow\nmlflow.set_experiment("legacy-baseline")\n', result.stdout
    result = run_tool("mlflow-naming", "migrate", "--select", "MLN007", str(script))
    assert script.read_text() == 'import mlflow\nmlflow.set_experiment("legacy_baseline")\n', result.stdout


@pytest.mark.parametrize("script", LEGACY, ids=lambda p: p.name)
def test_migration_matches_hand_written_golden_file(migrated, script):
    golden = GOLDEN / script.name
    if not golden.exists():
        pytest.fail(f"no golden file {golden}")
    assert (migrated / script.name).read_text() == golden.read_text()


def test_migrate_is_idempotent(migrated, tmp_path):
    again = tmp_path / "again"
    shutil.copytree(migrated, again)
    result = run_tool("mlflow-naming", "migrate", "--wrapper", WRAPPER, str(again))
    assert "0 files changed, 0 fixes applied" in result.stdout.decode()


def test_libcst_codemod_command_does_the_same(migrated, tmp_path):
    folder = tmp_path / "legacy"
    shutil.copytree(FIXTURES / "legacy", folder)
    command = [
        sys.executable, "-m", "libcst.tool", "codemod", "-x", "--no-format",
        "flake8_mlflow_naming.fix.codemod.MigrateToWrapper", "--wrapper", WRAPPER, str(folder),
    ]
    result = subprocess.run(command, capture_output=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    for script in LEGACY:
        assert (folder / script.name).read_bytes() == (migrated / script.name).read_bytes(), script.name


def test_migrate_nests_a_run_inside_a_walrus_managed_run(tmp_path):
    """``with (parent := mlflow.start_run(...)):`` is a managed run (no MLN005), and a run started
    inside it is nested, so the wrapper call migrate writes carries ``nested=True`` (MLflow
    raises 'Run ... is already active' without it)."""
    script = tmp_path / "sweep.py"
    script.write_text(
        "import mlflow\n"
        'with (parent := mlflow.start_run(run_name="sweep_parent")):\n'
        "    for lr in (1, 2):\n"
        '        with mlflow.start_run(run_name=f"sweep_lr_{lr}"):\n'
        "            mlflow.log_param('parent', parent.info.run_id)\n"
    )
    result = run_tool("mlflow-naming", "migrate", "--wrapper", WRAPPER, str(script))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    migrated = script.read_text()
    assert 'with (parent := tracked_run(run_name="sweep_parent")):' in migrated, migrated
    assert 'with tracked_run(run_name=f"sweep_lr_{lr}", nested=True):' in migrated, migrated
    left = lint_source(migrated.encode(), str(script), Config().with_overrides(run_wrapper=WRAPPER))
    assert [f.code for f in left if f.code in ("MLN005", "MLN006")] == []
